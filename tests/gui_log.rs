//! The result log as a user meets it: export through the real dialog, the
//! view following a run, every byte of a row readable. A `harness = false`
//! binary, on the main thread, iterating the main loop (never timing).
//!
//! Run: `dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" cargo test --test gui_log`

mod common;

use std::path::PathBuf;

use adw::prelude::*;
use apdu_scriptor::card::DEMO_READER;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry};
use apdu_scriptor::ui::log_line::LogLine;
use apdu_scriptor::ui::{Application, Window};
use common::gui::{clipboard_text, descendants, focus_x_window, press, settle, wait_until};
use gtk::glib;

struct Ctx {
    app: Application,
    dir: PathBuf,
}

impl Ctx {
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// A window on the screen with the script `text` open, on the demo card.
    fn window_with(&self, name: &str, text: &str) -> Window {
        let path = self.write(name, text);
        let w = common::gui::window(&self.app);
        assert!(w.open_path(&path));
        w.reader_panel().select_reader(DEMO_READER);
        w
    }
}

fn entries(w: &Window) -> Vec<LogEntry> {
    w.log_view().entries()
}

fn act(w: &Window, action: &str, param: Option<&glib::Variant>) {
    WidgetExt::activate_action(w, action, param).unwrap();
}

fn run_and_wait(w: &Window) {
    let summaries = |w: &Window| {
        entries(w)
            .iter()
            .filter(|e| e.kind == EntryKind::Summary)
            .count()
    };
    let before = summaries(w);
    act(w, "win.run", None);
    wait_until("run finished", 60, || {
        !w.is_running() && summaries(w) > before
    });
}

/// The file chooser GTK shows for a `GtkFileChooserNative` when no portal
/// is used (GTK_USE_PORTAL unset), once it is on the screen.
fn file_chooser() -> gtk::FileChooserDialog {
    let mut found = None;
    wait_until("the file chooser is shown", 10, || {
        found = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<gtk::FileChooserDialog>().ok())
            .find(|d| d.is_visible());
        found.is_some()
    });
    found.unwrap()
}

/// Answer the export dialog as a user does: type the file's full path in
/// the name field and press Export.
fn save_as(dir: &std::path::Path, name: &str) -> PathBuf {
    let d = file_chooser();
    d.set_current_name(dir.join(name).to_str().unwrap());
    settle();
    d.response(gtk::ResponseType::Accept);
    let path = dir.join(name);
    wait_until("the exported file is written", 20, || {
        std::fs::metadata(&path).is_ok_and(|m| m.len() > 0)
    });
    wait_until("the dialog is gone", 5, || {
        !gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<gtk::FileChooserDialog>().ok())
            .any(|d| d.is_visible())
    });
    path
}

// ---------------------------------------------------------------------------

fn export_through_the_dialog_writes_a_file(ctx: &Ctx) {
    let w = ctx.window_with("export.apdu", "00 A4 00 00 02 3F 00\n00 84 00 00 08\n");
    run_and_wait(&w);
    let out = ctx.dir.join("exports");
    std::fs::create_dir_all(&out).unwrap();

    act(&w, "win.export-log", Some(&"scriptor".to_variant()));
    let path = save_as(&out, "run.log");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("> 00 A4 00 00 02 3F 00\n< 61 "), "{text}");
    assert!(text.contains("> 00 84 00 00 08"), "{text}");

    act(&w, "win.export-log", Some(&"ron".to_variant()));
    let text = std::fs::read_to_string(save_as(&out, "run.ron")).unwrap();
    assert!(text.contains("Exchange"), "{text}");

    act(&w, "win.export-log", Some(&"plain".to_variant()));
    let text = std::fs::read_to_string(save_as(&out, "run.txt")).unwrap();
    assert!(text.contains("> 00 84 00 00 08"), "{text}");

    // Cancel writes nothing and leaves the window working.
    act(&w, "win.export-log", Some(&"plain".to_variant()));
    file_chooser().response(gtk::ResponseType::Cancel);
    settle();
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 3);
    common::gui::close_window(&w);
}

/// Whether the line showing `entry` is entirely inside the log's
/// scrolled area.
fn row_is_visible(w: &Window, entry: &LogEntry) -> bool {
    let list = w.log_view().list_view();
    let Some(scroller) = list.parent() else {
        return false;
    };
    descendants(list.upcast_ref())
        .into_iter()
        .filter_map(|c| c.downcast::<LogLine>().ok())
        .filter(|l| l.is_drawable() && l.entry().as_ref() == Some(entry))
        .any(|l| {
            l.compute_bounds(&scroller).is_some_and(|b| {
                b.y() >= -0.5 && b.y() + b.height() <= scroller.height() as f32 + 0.5
            })
        })
}

fn last_row_is_visible(w: &Window) -> bool {
    entries(w).last().is_some_and(|e| row_is_visible(w, e))
}

fn the_log_follows_the_run(ctx: &Ctx) {
    let name = "follow-test.apdu";
    let w = ctx.window_with(name, &"00 84 00 00 08\n".repeat(200));
    w.editor().view().grab_focus();
    focus_x_window(&w, name);
    press("F5");
    wait_until("F5 ran the 200 lines", 60, || {
        !w.is_running()
            && entries(&w)
                .last()
                .is_some_and(|e| e.kind == EntryKind::Summary)
    });
    wait_until("the summary row is in view after F5", 10, || {
        last_row_is_visible(&w)
    });
    assert!(entries(&w).len() > 200);

    // Each step's row shows up at the bottom.
    w.editor().move_cursor_to_line(1);
    for _ in 0..3 {
        let n = entries(&w).len();
        press("F6");
        wait_until("F6 logged its exchange", 20, || {
            !w.is_running() && entries(&w).len() > n
        });
        let shown = common::gui::iterate_until(10.0, || last_row_is_visible(&w));
        let adj = w.log_view().list_view().vadjustment().unwrap();
        assert!(
            shown,
            "the step's row is in view: value {} page {} upper {}, {} rows, last {:?}",
            adj.value(),
            adj.page_size(),
            adj.upper(),
            entries(&w).len(),
            entries(&w).last()
        );
        assert_eq!(entries(&w).last().unwrap().kind, EntryKind::Exchange);
    }

    // Scrolled up with the mouse wheel, the view stays put and offers to
    // jump down.
    let list = w.log_view().list_view();
    let id = common::gui::x_window(name);
    let (sx, sy) = screen_point(&w, &list, 300.0, 60.0);
    common::gui::xdotool(&["mousemove", "--window", &id, &sx, &sy]);
    let first = entries(&w)[0].clone();
    for _ in 0..100 {
        if row_is_visible(&w, &first) {
            break;
        }
        common::gui::xdotool(&["click", "--repeat", "10", "--delay", "5", "4"]);
        settle();
    }
    assert!(row_is_visible(&w, &first), "scrolled to the first row");
    let button: gtk::Button = descendants(w.log_view().upcast_ref())
        .into_iter()
        .filter_map(|c| c.downcast::<gtk::Button>().ok())
        .find(|b| b.has_css_class("new-rows"))
        .expect("the new rows button");
    assert!(!button.is_visible());
    run_and_wait(&w);
    settle();
    assert!(row_is_visible(&w, &first), "still at the top");
    assert!(!last_row_is_visible(&w));
    assert!(button.is_visible(), "new rows are announced");
    button.emit_clicked();
    wait_until("the button jumps to the newest row", 10, || {
        last_row_is_visible(&w)
    });
    assert!(!button.is_visible());
    common::gui::close_window(&w);
}

fn the_failing_row_is_selected(ctx: &Ctx) {
    let mut script = "00 84 00 00 08\n".repeat(150);
    script.push_str("00 84 00 00 08 (6A82)\n");
    script.push_str(&"00 84 00 00 08\n".repeat(49));
    let w = ctx.window_with("fail-test.apdu", &script);
    run_and_wait(&w);
    // A second run, seen from the top of the log.
    let adj = w.log_view().list_view().vadjustment().unwrap();
    adj.set_value(0.0);
    settle();
    run_and_wait(&w);
    let rows = entries(&w);
    let failed: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Exchange && e.check == Some(false))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(failed.len(), 2, "one failed expectation per run");
    let failing = &rows[failed[1]];
    assert_eq!(failing.line, 151);
    wait_until("the failing row is selected", 10, || {
        w.log_view().selected_text() == apdu_scriptor::ui::export::plain_line(failing)
    });
    wait_until("the failing row is in view", 10, || {
        row_is_visible(&w, failing)
    });
    common::gui::close_window(&w);
}

/// The drawn line showing `entry`, once the list has built it.
fn line_of(w: &Window, entry: &LogEntry) -> LogLine {
    let mut found = None;
    let built = common::gui::iterate_until(10.0, || {
        found = descendants(w.log_view().list_view().upcast_ref())
            .into_iter()
            .filter_map(|c| c.downcast::<LogLine>().ok())
            .find(|l| l.entry().as_ref() == Some(entry) && l.height() > 0);
        found.is_some()
    });
    if !built {
        let lines: Vec<_> = descendants(w.log_view().list_view().upcast_ref())
            .into_iter()
            .filter_map(|c| c.downcast::<LogLine>().ok())
            .map(|l| {
                (
                    l.height(),
                    l.entry().map(|e| (e.kind, e.line, e.response.len())),
                )
            })
            .collect();
        panic!("the row's line is built: {entry:?} among {lines:?}");
    }
    found.unwrap()
}

fn every_byte_of_a_long_response_is_shown(ctx: &Ctx) {
    // GET CHALLENGE of 256 bytes (extended Le), over T=1: one response.
    let w = ctx.window_with("long-test.apdu", "00 84 00 00 00 01 00\n00 84 00 00 08\n");
    w.reader_panel()
        .set_protocol(apdu_scriptor::card::Protocol::T1);
    run_and_wait(&w);
    let rows = entries(&w);
    let long = rows
        .iter()
        .find(|e| e.kind == EntryKind::Exchange && e.data().len() == 256)
        .unwrap_or_else(|| panic!("a 256-byte response: {rows:#?}"))
        .clone();
    let short = rows
        .iter()
        .find(|e| e.kind == EntryKind::Exchange && e.data().len() == 8)
        .expect("an 8-byte response")
        .clone();
    let line = line_of(&w, &long);
    let text = &line.texts()[2];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 16,
        "command, then 16 lines of 16 bytes: {text}"
    );
    let shown: String = lines[1..].iter().map(|l| l[2..].replace(' ', "")).collect();
    assert_eq!(
        shown,
        hex::encode_upper(long.data()),
        "every byte, in order"
    );
    assert!(line.clipped_columns().is_empty(), "nothing cut");
    // Its height holds 17 lines of text: 8.5 times a two-line row's text,
    // so (with the padding) at least seven times the row.
    let two = line_of(&w, &short);
    assert!(
        line.height() >= 7 * two.height(),
        "{} vs {}",
        line.height(),
        two.height()
    );
    w.reader_panel()
        .set_protocol(apdu_scriptor::card::Protocol::Any);
    common::gui::close_window(&w);
}

fn runs_have_a_header_resets_a_kind_and_a_true_summary(ctx: &Ctx) {
    let name = "summary-test.apdu";
    let w = ctx.window_with(
        name,
        "00 A4 04 00 07 A0 00 00 00 03 10 10\n\
         00 A4 04 00 07 A0 00 00 00 03 10 11\n\
         reset\n\
         00 84 00 00 08\n",
    );
    run_and_wait(&w);
    let rows = entries(&w);
    let header = rows
        .iter()
        .find(|e| e.kind == EntryKind::Run)
        .expect("a run header row");
    assert!(header.text.contains(name), "{}", header.text);
    assert!(header.text.contains(DEMO_READER), "{}", header.text);
    assert!(header.text.contains("GET RESPONSE off"), "{}", header.text);
    let reset = rows.iter().find(|e| e.line == 3).expect("the reset row");
    assert_eq!(reset.kind, EntryKind::Reset);
    assert_eq!(reset.text, "Warm reset");

    // Two red 6A82 and one 9000: the summary counts them.
    let summary = rows.last().unwrap();
    assert_eq!(summary.kind, EntryKind::Summary);
    for part in [
        "3 commands sent",
        "1 successful",
        "0 warnings",
        "2 errors",
        "0 transport failures",
        "0 expectations failed",
    ] {
        assert!(summary.text.contains(part), "{part:?} in {}", summary.text);
    }
    assert_eq!(w.log_view().summary_text(), summary.text);

    // Resets from the reader panel say which.
    act(&w, "win.reset", Some(&"cold".to_variant()));
    wait_until("a cold reset row", 10, || {
        entries(&w).last().is_some_and(|e| e.text == "Cold reset")
    });
    act(&w, "win.reset", Some(&"warm".to_variant()));
    wait_until("a warm reset row", 10, || {
        entries(&w).last().is_some_and(|e| e.text == "Warm reset")
    });

    // A refused run leaves no stale "Script completed" above the log, and
    // its error row is selected.
    let buffer = w.editor().buffer();
    buffer.insert(&mut buffer.end_iter(), "00 B0 zz\n");
    act(&w, "win.run", None);
    let refused = w.log_view().summary_text();
    assert!(!refused.contains("Script completed"), "{refused}");
    assert!(refused.contains("nothing was sent"), "{refused}");
    wait_until("the error row is selected", 10, || {
        w.log_view().selected_text().contains("Invalid character")
    });
    buffer.set_modified(false);
    common::gui::close_window(&w);
}

/// The X coordinates (as xdotool takes them) of point `(x, y)` of `widget`.
fn screen_point(w: &Window, widget: &impl IsA<gtk::Widget>, x: f32, y: f32) -> (String, String) {
    let p = widget
        .compute_point(w, &gtk::graphene::Point::new(x, y))
        .expect("the widget is in the window");
    let (sx, sy) = w.surface_transform();
    let x = (f64::from(p.x()) + sx).round() as i32;
    let y = (f64::from(p.y()) + sy).round() as i32;
    (x.to_string(), y.to_string())
}

/// The text of the tooltip on the screen, if one is shown.
fn shown_tooltip(w: &Window) -> Option<String> {
    descendants(w.upcast_ref())
        .into_iter()
        .filter(|c| c.type_().name() == "GtkTooltipWindow" && c.is_visible())
        .flat_map(|t| descendants(&t))
        .filter_map(|c| c.downcast::<gtk::Label>().ok())
        .map(|l| l.label().to_string())
        .find(|t| !t.is_empty())
}

fn errors_and_status_words_in_the_editor(ctx: &Ctx) {
    use sourceview5::prelude::*;
    let name = "editor-test.apdu";
    let w = ctx.window_with(name, "00 A4 00 00\n00 B0 zz\n00 84 00 00 08\n00 CA q\n");
    let editor = w.editor();
    assert_eq!(editor.marked_lines(), vec![2, 4]);
    // The gutter draws a line's marks only from its first character.
    let buffer = editor.buffer();
    for line in [1, 3] {
        let mut start = buffer.iter_at_line(line).unwrap();
        assert!(
            !buffer
                .source_marks_at_iter(&mut start, Some("error"))
                .is_empty(),
            "an error mark at the start of line {}",
            line + 1
        );
    }

    // F8 and Shift+F8 go from error to error, around the end.
    editor.view().grab_focus();
    focus_x_window(&w, name);
    editor.move_cursor_to_line(1);
    for (key, line) in [("F8", 2), ("F8", 4), ("F8", 2), ("shift+F8", 4)] {
        press(key);
        wait_until(&format!("{key} to line {line}"), 5, || {
            editor.cursor_line() == line
        });
    }

    // Hovering the underlined bytes tells the error.
    let view = editor.view();
    let mut zz = buffer.iter_at_line(1).unwrap();
    zz.set_line_offset(7);
    let rect = view.iter_location(&zz);
    let (x, y) = view.buffer_to_window_coords(
        gtk::TextWindowType::Widget,
        rect.x() + 2,
        rect.y() + rect.height() / 2,
    );
    let id = common::gui::x_window(name);
    let (sx, sy) = screen_point(&w, &view, x as f32, y as f32);
    common::gui::xdotool(&["mousemove", "--window", &id, &sx, &sy]);
    common::gui::xdotool(&["mousemove_relative", "--", "1", "0"]);
    wait_until("the error's tooltip", 10, || {
        shown_tooltip(&w).is_some_and(|t| t.contains("Line 2, column 7"))
    });

    // After a run, each line shows its status word.
    buffer.set_text("00 A4 04 00 07 A0 00 00 00 03 10 10\n00 84 00 00 08\n# note\n");
    run_and_wait(&w);
    assert_eq!(
        editor.status_word_lines(),
        vec![(1, "sw-error".to_owned()), (2, "sw-success".to_owned())]
    );
    assert!(
        editor.line_notes(1).starts_with("6A82: "),
        "{}",
        editor.line_notes(1)
    );
    assert!(editor.line_notes(3).is_empty());

    // Enter on a log row puts the cursor on its line.
    editor.move_cursor_to_line(3);
    settle();
    let challenge = entries(&w)
        .into_iter()
        .find(|e| e.kind == EntryKind::Exchange && e.line == 2)
        .unwrap();
    let line = line_of(&w, &challenge);
    let (sx, sy) = screen_point(&w, &line, 200.0, 8.0);
    common::gui::xdotool(&["mousemove", "--window", &id, &sx, &sy]);
    common::gui::xdotool(&["click", "1"]);
    wait_until("the row is selected", 5, || {
        w.log_view().selected_text() == apdu_scriptor::ui::export::plain_line(&challenge)
    });
    press("Return");
    wait_until("the cursor on line 2", 5, || editor.cursor_line() == 2);
    assert!(editor.view().has_focus(), "the editor has the focus");
    // So does a double click.
    editor.move_cursor_to_line(3);
    common::gui::xdotool(&["click", "--repeat", "2", "--delay", "60", "1"]);
    wait_until("the cursor on line 2 again", 5, || {
        editor.cursor_line() == 2
    });

    // An edit drops the badges: they belong to the text that ran.
    buffer.insert(&mut buffer.end_iter(), "00 B0 00 00 01\n");
    assert!(editor.status_word_lines().is_empty());
    buffer.set_modified(false);
    common::gui::close_window(&w);
}

fn copied_rows_paste_back_as_a_script(ctx: &Ctx) {
    let name = "copy-test.apdu";
    let w = ctx.window_with(
        name,
        "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01\nreset\n00 84 00 00 08\n00 B0 00 00 04\n",
    );
    w.reader_panel().auto_get_response_switch().set_active(true);
    run_and_wait(&w);
    let log = w.log_view();
    let n = entries(&w).len() as u32;
    WidgetExt::activate_action(&log, "log.select-all", None).unwrap();
    // Ctrl+C with the log focused.
    log.list_view().grab_focus();
    focus_x_window(&w, name);
    log.list_view().grab_focus();
    log.clipboard().set_text("");
    press("ctrl+c");
    let mut text = String::new();
    wait_until("the rows are copied", 5, || {
        text = clipboard_text(&log);
        !text.is_empty()
    });
    assert!(
        text.contains("00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 (61"),
        "{text}"
    );
    assert!(text.contains("\nreset\n"), "{text}");
    // Pasted into a new script, it has no error and the same commands.
    let script = apdu_scriptor::script::parse(&text);
    assert!(script.errors.is_empty(), "{:?}\n{text}", script.errors);
    assert_eq!(script.statements.len(), 4, "{text}");
    w.editor().buffer().set_text(&text);
    w.editor().validate_now();
    assert_eq!(w.editor().error_count(), 0);
    assert!(n > 4);
    w.reader_panel()
        .auto_get_response_switch()
        .set_active(false);
    w.editor().buffer().set_modified(false);
    common::gui::close_window(&w);
}

fn the_detail_pane_explains_the_selected_row(ctx: &Ctx) {
    let w = ctx.window_with(
        "detail-test.apdu",
        "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 00\n",
    );
    // T=1: the demo card answers 90 00 with the FCI, no 61 xx.
    w.reader_panel()
        .set_protocol(apdu_scriptor::card::Protocol::T1);
    let log = w.log_view();
    assert!(
        log.detail_page().is::<adw::StatusPage>(),
        "an empty state with nothing selected"
    );
    run_and_wait(&w);
    let rows = entries(&w);
    let i = rows
        .iter()
        .position(|e| e.kind == EntryKind::Exchange)
        .unwrap();
    log.select_row(i as u32);
    settle();
    let page = log.detail_page();
    let widgets = descendants(&page);
    let texts: Vec<String> = widgets
        .iter()
        .filter_map(|c| c.downcast_ref::<gtk::Label>())
        .map(|l| l.label().to_string())
        .collect();
    let has = |want: &str| texts.iter().any(|t| t.contains(want));
    for want in [
        "0000  00 A4 04 00 09 F0 41 50 44 55 53 43 52 01",
        "INS A4  SELECT",
        "P1  04  select by DF name",
        "82 (1)  File descriptor: 38",
        "83 (2)  File identifier:",
        "84 (",
    ] {
        assert!(has(want), "{want:?} in {texts:#?}");
    }
    assert!(!has("Application interchange profile"), "{texts:#?}");
    // The FCI template can be folded.
    let fci = widgets
        .iter()
        .filter_map(|c| c.downcast_ref::<gtk::Expander>())
        .find(|x| x.label().is_some_and(|l| l.starts_with("6F (")))
        .expect("the FCI as an expander")
        .clone();
    assert!(fci.is_expanded());
    fci.activate();
    assert!(!fci.is_expanded());
    // Its copy buttons copy what they say.
    let button = widgets
        .iter()
        .filter_map(|c| c.downcast_ref::<gtk::Button>())
        .find(|b| b.label().as_deref() == Some("Copy Script Line"))
        .expect("a Copy Script Line button")
        .clone();
    button.emit_clicked();
    let text = clipboard_text(&button);
    assert_eq!(text, rows[i].script_lines());
    assert!(text.starts_with("00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 00 (9000)\n# < 6F "));
    // Nothing selected: the empty state again.
    log.list_view().model().unwrap().unselect_all();
    settle();
    assert!(log.detail_page().is::<adw::StatusPage>());
    w.reader_panel()
        .set_protocol(apdu_scriptor::card::Protocol::Any);
    common::gui::close_window(&w);
}

fn search_and_filter_the_log(ctx: &Ctx) {
    let name = "search-test.apdu";
    let w = ctx.window_with(
        name,
        "00 A4 04 00 07 A0 00 00 00 03 10 10\n\
         00 84 00 00 08\n\
         00 A4 00 00 02 12 34\n\
         00 84 00 00 04\n",
    );
    run_and_wait(&w);
    let log = w.log_view();
    let all = log.shown_rows().len();
    // Ctrl+F with the log focused opens the log's search, not the editor's.
    log.list_view().grab_focus();
    focus_x_window(&w, name);
    log.list_view().grab_focus();
    press("ctrl+f");
    let bar: gtk::SearchBar = descendants(log.upcast_ref())
        .into_iter()
        .find_map(|c| c.downcast::<gtk::SearchBar>().ok())
        .expect("the log's search bar");
    wait_until("the log's search is open", 5, || bar.is_search_mode());
    assert!(
        !w.editor().search_mode(),
        "the editor's search stays closed"
    );
    let sws = |log: &apdu_scriptor::ui::log_view::LogView| -> Vec<String> {
        log.shown_rows().iter().map(|e| e.sw_text()).collect()
    };
    let entry: gtk::SearchEntry = descendants(log.upcast_ref())
        .into_iter()
        .find_map(|c| c.downcast::<gtk::SearchEntry>().ok())
        .expect("the log's search entry");
    wait_until("the search entry has the focus", 5, || {
        gtk::prelude::RootExt::focus(&w).is_some_and(|f| f.is_ancestor(&entry))
    });
    // The queries go in as text: what is tested is what they keep.
    entry.set_text("6A82");
    wait_until("only the 6A82 rows", 5, || sws(&log) == ["6A82", "6A82"]);
    entry.set_text("90XX");
    wait_until("only the 9000 rows", 5, || sws(&log) == ["9000", "9000"]);
    entry.set_text("84 00 00 04");
    wait_until("the row with these bytes", 5, || {
        log.shown_rows().len() == 1 && log.shown_rows()[0].line == 4
    });
    // Errors only, with no text: the two 6A82.
    entry.set_text("");
    let errors: gtk::ToggleButton = descendants(log.upcast_ref())
        .into_iter()
        .filter_map(|c| c.downcast::<gtk::ToggleButton>().ok())
        .find(|b| b.label().is_some_and(|l| l.contains("Errors")))
        .expect("the errors-only switch");
    errors.set_active(true);
    wait_until("errors only", 5, || sws(&log) == ["6A82", "6A82"]);
    // A row found can still be selected, copied and followed to its line.
    log.select_row(
        entries(&w)
            .iter()
            .position(|e| e.line == 3 && e.kind == EntryKind::Exchange)
            .unwrap() as u32,
    );
    assert!(log.selected_text().contains("00 A4 00 00 02 12 34"));
    errors.set_active(false);
    // Escape closes the search and shows every row again.
    log.list_view().grab_focus();
    press("ctrl+f");
    press("Escape");
    wait_until("every row again", 5, || {
        !bar.is_search_mode() && log.shown_rows().len() == all
    });
    common::gui::close_window(&w);
}

// ---------------------------------------------------------------------------

type Test = (&'static str, fn(&Ctx));

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::gui::use_private_home(&home);
    std::env::set_var("GSK_RENDERER", "cairo");
    std::env::remove_var("GTK_USE_PORTAL");
    // The file chooser starts in the current folder: never the checkout.
    std::env::set_current_dir(tmp.path()).unwrap();
    let (app, _hold) = common::gui::start_app();
    let ctx = Ctx {
        app,
        dir: tmp.path().to_path_buf(),
    };
    let tests: &[Test] = &[
        (
            "export_through_the_dialog_writes_a_file",
            export_through_the_dialog_writes_a_file,
        ),
        ("the_log_follows_the_run", the_log_follows_the_run),
        ("the_failing_row_is_selected", the_failing_row_is_selected),
        (
            "every_byte_of_a_long_response_is_shown",
            every_byte_of_a_long_response_is_shown,
        ),
        ("search_and_filter_the_log", search_and_filter_the_log),
        (
            "the_detail_pane_explains_the_selected_row",
            the_detail_pane_explains_the_selected_row,
        ),
        (
            "copied_rows_paste_back_as_a_script",
            copied_rows_paste_back_as_a_script,
        ),
        (
            "errors_and_status_words_in_the_editor",
            errors_and_status_words_in_the_editor,
        ),
        (
            "runs_have_a_header_resets_a_kind_and_a_true_summary",
            runs_have_a_header_resets_a_kind_and_a_true_summary,
        ),
    ];
    common::gui::run_tests(&ctx.app, tests, |f| f(&ctx));
}
