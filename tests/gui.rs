//! In-process widget tests of the GTK application. GTK wants the main
//! thread, so this is a `harness = false` binary: it builds the application
//! and windows itself and drives them, iterating the main context until a
//! condition holds (with a timeout, never a timing assertion).
//!
//! Run: `dbus-run-session -- xvfb-run -a cargo test --test gui`

mod common;

use std::path::{Path, PathBuf};

use adw::prelude::*;
use apdu_scriptor::card::{Protocol, ShareMode, DEMO_READER};
use apdu_scriptor::settings::Settings;
use apdu_scriptor::ui::export;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry};
use apdu_scriptor::ui::log_line::LogLine;
use apdu_scriptor::ui::{Application, Window};
use common::gui::{
    clipboard_text, descendants, focus_x_window, press, settle, wait_until, x_window, xdotool,
};
use gtk::{gdk, gio, glib};

struct Ctx {
    app: Application,
    dir: PathBuf,
}

impl Ctx {
    fn window(&self) -> Window {
        common::gui::window(&self.app)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Close a window without questions.
    fn dispose(&self, w: &Window) {
        common::gui::close_window(w);
    }
}

fn entries(w: &Window) -> Vec<LogEntry> {
    w.log_view().entries()
}

fn act(w: &Window, action: &str) {
    WidgetExt::activate_action(w, action, None).unwrap();
}

fn run_and_wait(w: &Window) {
    act(w, "win.run");
    wait_until("run finished", 30, || {
        !w.is_running() && entries(w).iter().any(|e| e.kind == EntryKind::Summary)
    });
}

fn exchanges(w: &Window) -> Vec<LogEntry> {
    entries(w)
        .into_iter()
        .filter(|e| e.kind == EntryKind::Exchange)
        .collect()
}

fn message_dialogs() -> Vec<adw::MessageDialog> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .filter(|d| d.is_visible())
        .collect()
}

/// Answer a dialog as a click on one of its buttons does.
fn answer(d: &adw::MessageDialog, response: &str) {
    d.response(response);
    d.close();
    settle();
}

/// The text on the clipboard `widget` sees.
/// The first descendant of `root` of type `T`.
fn find_widget<T: IsA<gtk::Widget>>(root: &gtk::Widget) -> Option<T> {
    descendants(root)
        .into_iter()
        .skip(1)
        .find_map(|w| w.downcast::<T>().ok())
}

// ---------------------------------------------------------------------------

fn demo_run_logs_exchanges(ctx: &Ctx) {
    let path = ctx.write(
        "select.apdu",
        "# select the master file, then read\n00 A4 00 00 02 3F 00\nreset\n00 B0 00 00 04\n",
    );
    let w = ctx.window();
    assert!(w.open_path(&path));
    assert_eq!(w.editor().error_count(), 0);
    w.reader_panel().select_reader(DEMO_READER);
    run_and_wait(&w);
    let rows = entries(&w);
    let x = exchanges(&w);
    assert_eq!(x.len(), 2, "two APDUs sent: {rows:#?}");
    assert_eq!(x[0].command, vec![0x00, 0xA4, 0x00, 0x00, 0x02, 0x3F, 0x00]);
    assert_eq!(x[0].line, 2);
    assert_eq!(x[1].command, vec![0x00, 0xB0, 0x00, 0x00, 0x04]);
    for e in &x {
        assert!(e.sw().is_some(), "a status word: {e:?}");
        assert!(!e.meaning().is_empty(), "a meaning for {}", e.sw_text());
    }
    assert!(
        rows.iter()
            .any(|e| e.kind == EntryKind::Reset && e.line == 3),
        "the reset line has its row"
    );
    let summary = rows.last().unwrap();
    assert_eq!(summary.kind, EntryKind::Summary);
    assert!(summary.text.contains('2'), "{}", summary.text);
    assert_eq!(
        w.reader_panel().connected_reader().as_deref(),
        Some(DEMO_READER)
    );
    ctx.dispose(&w);
}

/// The texts the log's drawn lines show, header first.
fn shown_lines(w: &Window) -> Vec<Vec<String>> {
    descendants(w.log_view().upcast_ref())
        .iter()
        .filter_map(|c| c.downcast_ref::<LogLine>().map(LogLine::texts))
        .collect()
}

fn log_lines_show_the_rows(ctx: &Ctx) {
    let path = ctx.write(
        "lines.apdu",
        "00 A4 04 00 07 A0 00 00 00 03 10 10\n00 84 00 00 08\n",
    );
    let w = ctx.window();
    assert!(w.open_path(&path));
    w.reader_panel().select_reader(DEMO_READER);
    run_and_wait(&w);
    let x = exchanges(&w);
    assert_eq!(x.len(), 2, "{x:#?}");
    let line_of = |cmd: &str| {
        let lines = shown_lines(&w);
        lines.into_iter().find(|l| {
            l.get(2)
                .is_some_and(|t| t.lines().next() == Some(&format!("> {cmd}")))
        })
    };
    wait_until("the lines are drawn", 5, || {
        line_of("00 84 00 00 08").is_some()
    });
    let header = &shown_lines(&w)[0];
    assert_eq!(header.len(), 6, "{header:?}");
    assert_eq!(header[2], "Command / Response");
    assert_eq!(header[3], "SW");

    let select = line_of("00 A4 04 00 07 A0 00 00 00 03 10 10").expect("the SELECT line");
    assert_eq!(select[1], "1", "line number");
    assert_eq!(select[3], "6A82");
    assert_eq!(select[4], x[0].meaning());
    assert!(!select[5].is_empty(), "a duration");

    let challenge = line_of("00 84 00 00 08").expect("the GET CHALLENGE line");
    assert_eq!(challenge[3], "9000");
    let data = export::data_column(&x[1], false);
    assert_eq!(data.len(), 8 * 3 - 1, "eight bytes in hex");
    assert_eq!(challenge[2], format!("> 00 84 00 00 08\n< {data}"));
    // The ASCII switch changes what the data line shows, and keeps the
    // selected row and its details.
    let position = entries(&w)
        .iter()
        .position(|e| e.command == x[1].command)
        .unwrap() as u32;
    w.log_view().select_row(position);
    assert_eq!(w.log_view().selected_text(), export::plain_line(&x[1]));
    w.log_view().set_show_ascii(true);
    assert_eq!(
        w.log_view().selected_text(),
        export::plain_line(&x[1]),
        "still selected"
    );
    wait_until("ASCII data shown", 5, || {
        line_of("00 84 00 00 08")
            .is_some_and(|l| l[2].ends_with(&format!("\n< {}", export::data_column(&x[1], true))))
    });
    w.log_view().set_show_ascii(false);
    let summary = shown_lines(&w).pop().unwrap();
    assert_eq!(
        summary[4],
        entries(&w).last().unwrap().text,
        "the summary line"
    );
    ctx.dispose(&w);
}

fn invalid_lines_are_marked_before_running(ctx: &Ctx) {
    let path = ctx.write(
        "bad.apdu",
        "00 A4 00 00 02 3F 00\n0x00 0xA4\n00 B0 00 00 04\n00A\n",
    );
    let w = ctx.window();
    assert!(w.open_path(&path));
    assert_eq!(w.editor().error_count(), 2);
    assert_eq!(w.editor().marked_lines(), vec![2, 4]);
    assert!(!w.editor().errors_on_line(2).is_empty());
    // Typing a new error is seen without running.
    let buffer = w.editor().buffer();
    buffer.insert(&mut buffer.end_iter(), "zz\n");
    wait_until("new error marked", 5, || w.editor().error_count() == 3);
    assert_eq!(w.editor().marked_lines(), vec![2, 4, 5]);
    // Running sends nothing and lists the errors.
    act(&w, "win.run");
    settle();
    assert!(!w.is_running());
    let rows = entries(&w);
    assert!(exchanges(&w).is_empty(), "nothing sent: {rows:#?}");
    let lines: Vec<usize> = rows
        .iter()
        .filter(|e| e.kind == EntryKind::Error)
        .map(|e| e.line)
        .collect();
    assert_eq!(lines, vec![2, 4, 5]);
    ctx.dispose(&w);
}

fn run_selection_and_step(ctx: &Ctx) {
    let path = ctx.write(
        "steps.apdu",
        "00 A4 00 00 02 3F 00\n\n00 B0 00 00 04\n00 B0 00 00 02\n",
    );
    let w = ctx.window();
    assert!(w.open_path(&path));
    let ed = w.editor();
    ed.move_cursor_to_line(2);
    act(&w, "win.step");
    wait_until("step done", 20, || {
        !w.is_running() && exchanges(&w).len() == 1
    });
    assert_eq!(
        exchanges(&w)[0].line,
        3,
        "the statement after the blank line"
    );
    assert_eq!(ed.cursor_line(), 4, "cursor moved to the next statement");
    act(&w, "win.step");
    wait_until("second step", 20, || {
        !w.is_running() && exchanges(&w).len() == 2
    });
    assert_eq!(exchanges(&w)[1].line, 4);
    // Run the current line only.
    ed.move_cursor_to_line(1);
    act(&w, "win.run-selection");
    wait_until("selection run", 20, || {
        !w.is_running() && exchanges(&w).len() == 3
    });
    assert_eq!(exchanges(&w)[2].line, 1);
    ctx.dispose(&w);
}

fn unsaved_changes_dialog_on_close(ctx: &Ctx) {
    let path = ctx.write("edit.apdu", "00 A4 00 00 02 3F 00\n");
    let w = ctx.window();
    assert!(w.open_path(&path));
    assert!(!w.title().unwrap().contains('•'));
    let buffer = w.editor().buffer();
    buffer.insert(&mut buffer.end_iter(), "00 B0 00 00 04\n");
    assert!(
        w.title().unwrap().starts_with("• edit.apdu"),
        "{:?}",
        w.title()
    );
    let text = w.editor().text();

    w.close();
    wait_until("unsaved-changes dialog", 5, || {
        !message_dialogs().is_empty()
    });
    let d = message_dialogs().remove(0);
    assert!(d.has_response("save") && d.has_response("discard") && d.has_response("cancel"));
    answer(&d, "cancel");
    settle();
    assert!(w.is_visible(), "cancel keeps the window");
    assert_eq!(w.editor().text(), text, "and the text");

    // Save from the dialog writes the file and closes.
    w.close();
    wait_until("dialog again", 5, || !message_dialogs().is_empty());
    answer(&message_dialogs()[0], "save");
    wait_until("window closed", 5, || !w.is_visible());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

fn files_are_never_lost(ctx: &Ctx) {
    let w = ctx.window();
    let good = ctx.write("keep.apdu", "00 A4 00 00 02 3F 00\n");
    assert!(w.open_path(&good));
    let buffer = w.editor().buffer();
    buffer.insert(&mut buffer.end_iter(), "# my edit\n");
    let text = w.editor().text();
    // A non-UTF-8 file is refused and nothing changes.
    let bin = ctx.dir.join("binary.apdu");
    std::fs::write(&bin, [0x00, 0xA4, 0xFF, 0xFE, 0x80]).unwrap();
    assert!(!w.open_path(&bin));
    // The message names the file and says what to do.
    let refused = apdu_scriptor::script::read_file(&bin).unwrap_err();
    let toast = w.last_toast().unwrap_or_default();
    assert!(toast.contains("binary.apdu"), "{toast}");
    assert!(toast.contains(&refused.message()), "{toast}");
    assert!(toast.contains(&refused.hint().unwrap()), "{toast}");
    assert!(!w.open_path(&ctx.dir.join("missing.apdu")));
    let toast = w.last_toast().unwrap_or_default();
    assert!(toast.contains("missing.apdu"), "{toast}");
    assert_eq!(w.editor().text(), text);
    assert_eq!(
        w.file().as_deref(),
        Some(good.canonicalize().unwrap().as_path())
    );
    // A failed save keeps the buffer modified and the file as it was.
    assert!(!w.save_to(Path::new("/nonexistent-dir/x.apdu")));
    assert!(w.editor().buffer().is_modified());
    assert_eq!(w.editor().text(), text);
    // A good save is atomic and clears the mark.
    assert!(w.save_to(&good));
    assert!(!w.editor().buffer().is_modified());
    assert_eq!(std::fs::read_to_string(&good).unwrap(), text);
    ctx.dispose(&w);
}

fn settings_round_trip(ctx: &Ctx) {
    let path = ctx.write("last.apdu", "00 A4 00 00 02 3F 00\n");
    let w = ctx.window();
    assert!(w.open_path(&path));
    let panel = w.reader_panel();
    panel.set_protocol(Protocol::T1);
    panel.set_share_mode(ShareMode::Exclusive);
    panel.auto_get_response_switch().set_active(true);
    w.log_view().set_show_ascii(true);
    ctx.dispose(&w); // saves the settings on close

    let (s, _) = Settings::load();
    assert_eq!(s.protocol, Protocol::T1);
    assert_eq!(s.share_mode, ShareMode::Exclusive);
    assert!(s.auto_get_response);
    assert!(s.show_ascii);
    let canon = path.canonicalize().unwrap();
    assert_eq!(s.last_script.as_deref(), Some(canon.as_path()));
    assert_eq!(s.recent_files.first(), Some(&canon));

    let w = ctx.window();
    w.restore_last_script();
    assert_eq!(w.file().as_deref(), Some(canon.as_path()));
    assert_eq!(w.reader_panel().protocol(), Protocol::T1);
    assert_eq!(w.reader_panel().share_mode(), ShareMode::Exclusive);
    assert!(w.reader_panel().auto_get_response_switch().is_active());
    assert!(w.log_view().show_ascii());
    ctx.dispose(&w);
}

fn log_export_and_copy(ctx: &Ctx) {
    let path = ctx.write("export.apdu", "00 A4 00 00 02 3F 00\n");
    let w = ctx.window();
    assert!(w.open_path(&path));
    run_and_wait(&w);
    let log = w.log_view();
    let rows = log.entries();
    let scriptor =
        apdu_scriptor::ui::export::export(&rows, apdu_scriptor::ui::export::Format::Scriptor);
    assert!(scriptor.contains("> 00 A4 00 00 02 3F 00"), "{scriptor}");
    let ron = apdu_scriptor::ui::export::export(&rows, apdu_scriptor::ui::export::Format::Ron);
    // The records `run --format ron` writes.
    assert!(ron.contains("Exchange(line:1,origin:Script,"), "{ron}");

    // Copy the exchange row through the log's own action.
    let i = rows
        .iter()
        .position(|e| e.kind == EntryKind::Exchange)
        .unwrap();
    log.select_row(i as u32);
    WidgetExt::activate_action(&log, "log.copy-text", None).unwrap();
    let text = clipboard_text(&log);
    assert!(text.contains("> 00 A4 00 00 02 3F 00"), "{text}");
    assert!(text.contains(&rows[i].sw_text()[..2]), "{text}");
    WidgetExt::activate_action(&log, "log.copy-hex", None).unwrap();
    let text = clipboard_text(&log);
    assert!(text.starts_with("00 A4 00 00 02 3F 00\n"), "{text}");
    log.clear();
    assert!(log.entries().is_empty());
    ctx.dispose(&w);
}

fn inconsistent_lc_is_a_warning_row(ctx: &Ctx) {
    let path = ctx.write("lc.apdu", "00 A4 04 00 05 3F 00\n");
    let w = ctx.window();
    assert!(w.open_path(&path));
    run_and_wait(&w);
    let rows = entries(&w);
    let warning = rows
        .iter()
        .position(|e| e.kind == EntryKind::Warning && e.line == 1)
        .unwrap_or_else(|| panic!("a warning row: {rows:#?}"));
    assert!(rows[warning].text.contains('5'), "{}", rows[warning].text);
    let x = exchanges(&w);
    assert_eq!(x.len(), 1, "still sent");
    assert_eq!(x[0].command, vec![0x00, 0xA4, 0x04, 0x00, 0x05, 0x3F, 0x00]);
    ctx.dispose(&w);
}

fn preferences_and_about_open(ctx: &Ctx) {
    let w = ctx.window();
    act(&w, "win.preferences");
    let find = |type_name: &str| {
        gtk::Window::list_toplevels()
            .into_iter()
            .find(|t| t.type_().name() == type_name && t.is_visible())
            .and_downcast::<gtk::Window>()
    };
    wait_until("preferences window", 5, || {
        find("AdwPreferencesWindow").is_some()
    });
    // Its switch is the reader panel's automatic GET RESPONSE switch.
    let before = w.reader_panel().auto_get_response_switch().is_active();
    let prefs = find("AdwPreferencesWindow").unwrap();
    prefs.close();
    ctx.app.activate_action("about", None);
    wait_until("about window", 5, || find("AdwAboutWindow").is_some());
    find("AdwAboutWindow").unwrap().close();
    assert_eq!(
        w.reader_panel().auto_get_response_switch().is_active(),
        before
    );
    // A wanted reader that is absent is remembered.
    w.reader_panel().select_reader("Some Absent Reader 00 00");
    ctx.dispose(&w);
    let (s, _) = Settings::load();
    assert_eq!(s.reader.as_deref(), Some("Some Absent Reader 00 00"));
}

fn stop_ends_a_long_run(ctx: &Ctx) {
    let path = ctx.write("long.apdu", &"00 B0 00 00 04\n".repeat(50_000));
    let w = ctx.window();
    assert!(w.open_path(&path));
    act(&w, "win.run");
    assert!(w.is_running());
    act(&w, "win.stop");
    wait_until("run stopped", 30, || !w.is_running());
    let rows = entries(&w);
    let summary = rows.last().unwrap();
    assert_eq!(summary.kind, EntryKind::Summary);
    assert_eq!(summary.check, None, "stopped, not failed: {}", summary.text);
    assert!(summary.text.contains("stopped"), "{}", summary.text);
    assert!(exchanges(&w).len() < 50_000);
    ctx.dispose(&w);
}

fn every_action_has_a_shortcut(ctx: &Ctx) {
    for action in [
        "win.new",
        "win.open",
        "win.save",
        "win.save-as",
        "win.run",
        "win.run-selection",
        "win.step",
        "win.stop",
        "win.find",
        "win.connect",
        "win.disconnect",
        "win.reset::warm",
        "win.reset::cold",
        "win.clear-log",
        "win.export-log::plain",
        "win.preferences",
        "win.shortcuts",
        "app.quit",
    ] {
        assert!(
            !ctx.app.accels_for_action(action).is_empty(),
            "{action} has no shortcut"
        );
    }
    let run: Vec<String> = ctx
        .app
        .accels_for_action("win.run")
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(run, ["F5", "<Control>Return"]);
    // Ctrl+C is not an application shortcut: the editor keeps it.
    assert!(ctx.app.actions_for_accel("<Control>c").is_empty());
    assert!(ctx.app.actions_for_accel("<Control>a").is_empty());
    // The shortcuts window is built from the resources when asked for.
    let w = ctx.window();
    WidgetExt::activate_action(&w, "win.shortcuts", None).unwrap();
    wait_until("the shortcuts window", 5, || {
        gtk::Window::list_toplevels().iter().any(|t| {
            t.downcast_ref::<gtk::ShortcutsWindow>().is_some_and(|s| {
                s.is_visible() && s.transient_for().as_ref() == Some(w.upcast_ref())
            })
        })
    });
    for t in gtk::Window::list_toplevels() {
        if let Some(s) = t.downcast_ref::<gtk::ShortcutsWindow>() {
            s.close();
        }
    }
    ctx.dispose(&w);
}

fn detail_pane_position_is_kept(ctx: &Ctx) {
    let w = ctx.window();
    settle();
    let log = w.log_view();
    let initial = log.detail_position();
    // A position the layout will not clamp, and not the one it starts with.
    let wanted = if initial > 160 { 120 } else { initial + 60 };
    log.set_detail_position(wanted);
    settle();
    let kept = log.detail_position();
    assert_ne!(kept, initial, "the divider moved");
    ctx.dispose(&w); // saves the settings on close
    let (s, _) = Settings::load();
    assert_eq!(s.detail_pane, kept);

    let w = ctx.window();
    settle();
    assert_eq!(w.log_view().detail_position(), kept, "restored on start");
    ctx.dispose(&w);
}

/// Where the Command column's right edge is in the log's header, as X
/// coordinates in the window (the first three columns have fixed widths).
fn command_edge(w: &Window, widths: &[i32]) -> (String, String) {
    let header = w.log_view().header();
    let x = widths[..3].iter().sum::<i32>() as f32;
    let y = header.height() as f32 / 2.0;
    let p = header
        .compute_point(w, &gtk::graphene::Point::new(x, y))
        .expect("header inside the window");
    let (sx, sy) = w.surface_transform();
    let x = (f64::from(p.x()) + sx).round() as i32;
    let y = (f64::from(p.y()) + sy).round() as i32;
    (x.to_string(), y.to_string())
}

fn log_columns_resize_by_dragging(ctx: &Ctx) {
    let name = "columns-test.apdu";
    let path = ctx.write(name, "00 84 00 00 08\n");
    let w = ctx.window();
    assert!(w.open_path(&path));
    // The log's header shows once it has rows (an empty-state page before).
    run_and_wait(&w);
    settle();
    settle();
    let id = x_window(name);
    let log = w.log_view();
    let before = log.shown_column_widths();
    assert_eq!(before.len(), 6);
    assert_eq!(
        log.column_widths(),
        vec![0; 6],
        "default widths, from the font"
    );
    let (xs, ys) = command_edge(&w, &before);
    xdotool(&["mousemove", "--window", &id, &xs, &ys]);
    let header = log.header();
    wait_until("the resize cursor on the edge", 5, || {
        header.cursor().and_then(|c| c.name()).as_deref() == Some("col-resize")
    });
    xdotool(&["mousedown", "1"]);
    let x: i32 = xs.parse().unwrap();
    for dx in [20, 40, 60] {
        xdotool(&["mousemove", "--window", &id, &(x + dx).to_string(), &ys]);
    }
    xdotool(&["mouseup", "1"]);
    wait_until("the Command column is 60 px wider", 5, || {
        log.shown_column_widths()[2] == before[2] + 60
    });
    assert_eq!(
        log.shown_column_widths()[..2],
        before[..2],
        "columns before it keep their width"
    );
    let resized = log.column_widths();

    // Kept in the settings and restored.
    ctx.dispose(&w);
    let (s, _) = Settings::load();
    assert_eq!(s.log_columns, resized);
    let w = ctx.window();
    assert!(w.open_path(&path));
    settle();
    assert_eq!(w.log_view().column_widths(), resized, "restored on start");
    run_and_wait(&w);
    settle();

    // A double click on the edge gives the column its default width.
    let id = x_window(name);
    let (xs, ys) = command_edge(&w, &w.log_view().shown_column_widths());
    xdotool(&["mousemove", "--window", &id, &xs, &ys]);
    xdotool(&["click", "--repeat", "2", "--delay", "80", "1"]);
    wait_until("the Command column back to its width", 5, || {
        w.log_view().column_widths()[2] == 0 && w.log_view().shown_column_widths() == before
    });
    ctx.dispose(&w);
}

/// Drop `path` on the editor through its own file drop target.
fn drop_on_editor(w: &Window, path: &Path) -> bool {
    let controllers = w.editor().view().observe_controllers();
    let target = (0..controllers.n_items())
        .filter_map(|i| controllers.item(i).and_downcast::<gtk::DropTarget>())
        .find(|t| t.types().contains(&gdk::FileList::static_type()))
        .expect("a file drop target on the editor");
    let files = gdk::FileList::from_array(&[gio::File::for_path(path)]);
    let value = glib::BoxedValue(files.to_value());
    target.emit_by_name::<bool>("drop", &[&value, &10.0f64, &10.0f64])
}

fn drop_a_file_on_the_editor(ctx: &Ctx) {
    let text = "# dropped\n00 A4 00 00 02 3F 00\n";
    let dropped = ctx.write("dropped.apdu", text);
    let w = ctx.window();
    assert!(drop_on_editor(&w, &dropped), "the drop is accepted");
    wait_until("dropped file opened", 5, || w.editor().text() == text);
    let canon = dropped.canonicalize().unwrap();
    assert_eq!(w.file().as_deref(), Some(canon.as_path()));
    assert!(
        w.title().unwrap().starts_with("dropped.apdu"),
        "{:?}",
        w.title()
    );

    // A non-UTF-8 file changes nothing.
    let bin = ctx.dir.join("dropped-binary.apdu");
    std::fs::write(&bin, [0x00, 0xA4, 0xFF, 0xFE, 0x80]).unwrap();
    drop_on_editor(&w, &bin);
    settle();
    assert_eq!(w.editor().text(), text);
    assert_eq!(w.file().as_deref(), Some(canon.as_path()));

    // With unsaved edits, a drop asks first; cancel keeps everything.
    let buffer = w.editor().buffer();
    buffer.insert(&mut buffer.end_iter(), "# my edit\n");
    let edited = w.editor().text();
    let other = ctx.write("other.apdu", "00 B0 00 00 04\n");
    assert!(drop_on_editor(&w, &other));
    wait_until("unsaved-changes dialog", 5, || {
        !message_dialogs().is_empty()
    });
    answer(&message_dialogs()[0], "cancel");
    assert_eq!(w.editor().text(), edited, "cancel keeps the edits");
    assert_eq!(w.file().as_deref(), Some(canon.as_path()));
    assert!(w.editor().buffer().is_modified());
    // Discard opens the dropped file.
    assert!(drop_on_editor(&w, &other));
    wait_until("dialog again", 5, || !message_dialogs().is_empty());
    answer(&message_dialogs()[0], "discard");
    wait_until("other file opened", 5, || {
        w.editor().text() == "00 B0 00 00 04\n"
    });
    assert!(w.title().unwrap().starts_with("other.apdu"));
    assert_eq!(std::fs::read_to_string(&dropped).unwrap(), text);
    ctx.dispose(&w);
}

fn typing_goes_into_the_editor(ctx: &Ctx) {
    let w = ctx.window();
    settle();
    // Nothing grabbed by hand: a new window types into its script.
    focus_x_window(&w, "Untitled");
    xdotool(&["type", "--delay", "20", "00 a4 00 00"]);
    wait_until("the typed text in the editor", 5, || {
        w.editor().text() == "00 a4 00 00"
    });
    assert!(!w.editor().search_mode(), "typing did not start a search");
    w.editor().buffer().set_modified(false);
    ctx.dispose(&w);
}

fn typing_in_a_big_script_marks_and_clears_errors(ctx: &Ctx) {
    let n = 20_000;
    let text = "00 A4 00 00 02 3F 00\n00 B0 00 00 04\n".repeat(n / 2);
    let path = ctx.write("big.apdu", &text);
    let w = ctx.window();
    assert!(w.open_path(&path));
    let editor = w.editor();
    assert_eq!(editor.error_count(), 0);
    assert_eq!(editor.script().statements.len(), n);
    common::gui::focus_own_x_window(&w);
    editor.view().grab_focus();
    let middle = n / 2 + 1;
    editor.move_cursor_to_line(middle);
    settle();
    // A key typed in the middle of the script: its line is marked.
    press("z");
    wait_until("the typed error marked", 5, || editor.error_count() == 1);
    assert_eq!(editor.marked_lines(), vec![middle]);
    assert!(!editor.errors_on_line(middle).is_empty());
    // A line break above it moves the mark with its line; F8 finds it.
    editor.move_cursor_to_line(1);
    press("Return");
    wait_until("the line below", 5, || {
        editor.marked_lines() == vec![middle + 1]
    });
    press("BackSpace");
    wait_until("the line back", 5, || editor.marked_lines() == vec![middle]);
    press("F8");
    wait_until("F8 on the error", 5, || editor.cursor_line() == middle);
    // Deleting the key clears the mark and the error.
    press("Delete");
    wait_until("the error cleared", 5, || editor.error_count() == 0);
    assert!(editor.marked_lines().is_empty());
    // A continuation typed at the end of a line takes the next line in.
    editor.move_cursor_to_line(middle);
    press("End");
    press("space");
    press("backslash");
    wait_until("two lines, one APDU", 5, || {
        editor.script().statements.len() == n - 1
    });
    assert_eq!(editor.error_count(), 0);
    assert_eq!(
        editor.script(),
        apdu_scriptor::script::parse(&editor.text())
    );
    editor.buffer().set_modified(false);
    ctx.dispose(&w);
}

fn shortcuts_by_key_presses(ctx: &Ctx) {
    let script = "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01\n00 B0 81 00 0D\n";
    let path = ctx.write("keys-test.apdu", script);
    let w = ctx.window();
    assert!(w.open_path(&path));
    w.reader_panel().select_reader(DEMO_READER);
    // T=1: the demo card answers 90 00 with the data, no 61 xx.
    w.reader_panel().set_protocol(Protocol::T1);
    let view = w.editor().view();
    view.grab_focus();
    focus_x_window(&w, "keys-test.apdu");
    let summaries = |w: &Window| {
        entries(w)
            .iter()
            .filter(|e| e.kind == EntryKind::Summary)
            .count()
    };
    let all_9000 = |w: &Window| {
        let x = exchanges(w);
        assert_eq!(x.len(), 2, "{x:#?}");
        for e in &x {
            assert_eq!(e.sw(), Some((0x90, 0x00)), "{e:?}");
        }
    };

    press("F5");
    wait_until("F5 ran the script", 30, || {
        !w.is_running() && summaries(&w) == 1
    });
    all_9000(&w);
    w.log_view().clear();
    press("ctrl+Return");
    wait_until("Ctrl+Return ran the script", 30, || {
        !w.is_running() && summaries(&w) == 1
    });
    all_9000(&w);
    assert!(view.has_focus(), "running keeps the editor focused");

    // Ctrl+A and Ctrl+C in the editor mean its text, not the log's rows,
    // even with a log row selected.
    w.log_view().select_row(0);
    view.grab_focus();
    view.clipboard().set_text("not copied yet");
    press("ctrl+a");
    let buffer = w.editor().buffer();
    wait_until("Ctrl+A selected the editor text", 5, || {
        buffer
            .selection_bounds()
            .is_some_and(|(s, e)| s.offset() == 0 && e.offset() == buffer.end_iter().offset())
    });
    press("ctrl+c");
    wait_until("Ctrl+C copied the editor text", 5, || {
        clipboard_text(&view) == script
    });

    // Ctrl+F opens the editor's search.
    let search: gtk::SearchBar =
        find_widget(w.editor().upcast_ref()).expect("the editor's search bar");
    assert!(!search.is_search_mode());
    press("ctrl+f");
    wait_until("Ctrl+F opened the search", 5, || search.is_search_mode());
    search.set_search_mode(false);
    view.grab_focus();

    // Ctrl+N with edits asks first; cancel keeps them, discard empties.
    buffer.insert(&mut buffer.end_iter(), "# my edit\n");
    let edited = w.editor().text();
    press("ctrl+n");
    wait_until("unsaved-changes dialog", 5, || {
        !message_dialogs().is_empty()
    });
    answer(&message_dialogs()[0], "cancel");
    assert_eq!(w.editor().text(), edited);
    focus_x_window(&w, "keys-test.apdu");
    view.grab_focus();
    press("ctrl+n");
    wait_until("dialog again", 5, || !message_dialogs().is_empty());
    answer(&message_dialogs()[0], "discard");
    wait_until("Ctrl+N made a new script", 5, || {
        w.editor().text().is_empty() && w.file().is_none()
    });
    assert_eq!(std::fs::read_to_string(&path).unwrap(), script);
    w.reader_panel().set_protocol(Protocol::Any);
    ctx.dispose(&w);
}

// ---------------------------------------------------------------------------

type Test = (&'static str, fn(&Ctx));

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::gui::use_private_home(&home);
    std::env::set_var("GSK_RENDERER", "cairo");
    let (app, _hold) = common::gui::start_app();
    let ctx = Ctx {
        app,
        dir: tmp.path().to_path_buf(),
    };
    let tests: &[Test] = &[
        ("demo_run_logs_exchanges", demo_run_logs_exchanges),
        ("log_lines_show_the_rows", log_lines_show_the_rows),
        (
            "log_columns_resize_by_dragging",
            log_columns_resize_by_dragging,
        ),
        ("typing_goes_into_the_editor", typing_goes_into_the_editor),
        (
            "typing_in_a_big_script_marks_and_clears_errors",
            typing_in_a_big_script_marks_and_clears_errors,
        ),
        (
            "invalid_lines_are_marked_before_running",
            invalid_lines_are_marked_before_running,
        ),
        ("run_selection_and_step", run_selection_and_step),
        (
            "unsaved_changes_dialog_on_close",
            unsaved_changes_dialog_on_close,
        ),
        ("files_are_never_lost", files_are_never_lost),
        ("settings_round_trip", settings_round_trip),
        ("log_export_and_copy", log_export_and_copy),
        ("every_action_has_a_shortcut", every_action_has_a_shortcut),
        ("stop_ends_a_long_run", stop_ends_a_long_run),
        ("preferences_and_about_open", preferences_and_about_open),
        (
            "inconsistent_lc_is_a_warning_row",
            inconsistent_lc_is_a_warning_row,
        ),
        ("detail_pane_position_is_kept", detail_pane_position_is_kept),
        ("drop_a_file_on_the_editor", drop_a_file_on_the_editor),
        ("shortcuts_by_key_presses", shortcuts_by_key_presses),
    ];
    common::gui::run_tests(&ctx.app, tests, |f| f(&ctx));
}
