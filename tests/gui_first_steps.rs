//! A first start: the empty log explains itself and inserts an example,
//! the empty editor has a placeholder, an empty script says so, the Insert
//! menu adds common APDUs, and the one-line entry sends at once with a
//! history walked by Up and Down (keys pressed through the X server).
//!
//! Run: `dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24"
//! cargo test --test gui_first_steps`

mod common;

use adw::prelude::*;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry};
use apdu_scriptor::ui::{Application, Window};
use common::gui::{descendants, press, settle, wait_until, xdotool};

fn exchanges(w: &Window) -> Vec<LogEntry> {
    w.log_view()
        .entries()
        .into_iter()
        .filter(|e| e.kind == EntryKind::Exchange)
        .collect()
}

fn status_page(w: &Window) -> adw::StatusPage {
    descendants(w.upcast_ref())
        .into_iter()
        .find_map(|x| x.downcast::<adw::StatusPage>().ok())
        .expect("the log's empty state")
}

fn placeholder_shown(w: &Window) -> bool {
    descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Label>().ok())
        .any(|l| l.text().starts_with("Type APDUs here") && l.is_drawable())
}

fn run(w: &Window) {
    WidgetExt::activate_action(w, "win.run", None).unwrap();
    wait_until("run finished", 20, || {
        !w.is_running()
            && w.log_view()
                .entries()
                .iter()
                .any(|e| e.kind == EntryKind::Summary)
    });
}

fn empty_log_offers_an_example(app: &Application) {
    let w = common::gui::window(app);
    settle();
    assert!(
        status_page(&w).is_drawable(),
        "the empty log explains itself"
    );
    assert!(!w.log_view().list_view().is_drawable());
    assert!(placeholder_shown(&w), "the empty editor has a placeholder");
    common::gui::shoot_if_asked("first-start");

    // Running nothing says the script is empty.
    WidgetExt::activate_action(&w, "win.run", None).unwrap();
    let toast = w.last_toast().unwrap_or_default();
    assert!(toast.contains("The script is empty"), "{toast}");

    let example = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Button>().ok())
        .find(|b| b.action_name().as_deref() == Some("win.insert-example"))
        .expect("the Insert Example button");
    assert!(example.is_drawable());
    example.emit_clicked();
    settle();
    assert!(!placeholder_shown(&w));
    assert!(w
        .editor()
        .text()
        .contains("00 A4 04 00 09 F0 41 50 44 55 53 43 52 01"));
    assert_eq!(w.editor().error_count(), 0);
    run(&w);
    let sws: Vec<String> = exchanges(&w).iter().map(|e| e.sw_text()).collect();
    assert_eq!(sws, ["6128", "9000"], "the example runs on the demo card");
    assert!(!status_page(&w).is_drawable());
    assert!(w.log_view().list_view().is_drawable());
    common::gui::close_window(&w);
}

fn insert_menu_adds_common_apdus(app: &Application) {
    let w = common::gui::window(app);
    let button = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::MenuButton>().ok())
        .find(|b| b.icon_name().as_deref() == Some("list-add-symbolic"))
        .expect("the Insert menu button");
    let menu = button.menu_model().expect("its menu");
    let mut targets = Vec::new();
    for i in 0..menu.n_items() {
        let Some(section) = menu.item_link(i, "section") else {
            continue;
        };
        for j in 0..section.n_items() {
            let action = section
                .item_attribute_value(j, "action", None)
                .and_then(|v| v.get::<String>());
            let target = section.item_attribute_value(j, "target", None);
            targets.push((action.unwrap_or_default(), target));
        }
    }
    assert!(targets.len() >= 14, "{targets:?}");
    // The builder has a test of its own.
    assert!(targets.iter().any(|(a, _)| a == "win.apdu-builder"));
    targets.retain(|(a, _)| a != "win.apdu-builder");
    for (action, target) in &targets {
        WidgetExt::activate_action(&w, action, target.as_ref()).unwrap();
    }
    let text = w.editor().text();
    for apdu in [
        "00 A4 04 00",
        "00 A4 00 00 02 3F 00",
        "00 A4 08 00",
        "00 B0",
        "00 B2",
        "00 D6",
        "00 20",
        "00 CA",
        "00 84",
        "00 C0",
        "00 70",
        "FF CA 00 00 00",
    ] {
        assert!(text.contains(apdu), "{apdu} inserted:\n{text}");
    }
    w.editor().validate_now();
    assert_eq!(
        w.editor().error_count(),
        0,
        "every inserted line is valid:\n{text}"
    );
    assert!(w.editor().view().has_focus() || w.editor().view().is_focus());
    common::gui::close_window(&w);
}

fn entry_text(w: &Window) -> String {
    descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Entry>().ok())
        .find(|e| e.has_css_class("monospace"))
        .map(|e| e.text().to_string())
        .expect("the APDU entry")
}

fn apdu_entry_sends_at_once(app: &Application) {
    let w = common::gui::window(app);
    common::gui::focus_own_x_window(&w);
    let entry = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Entry>().ok())
        .find(|e| e.has_css_class("monospace"))
        .expect("the APDU entry");
    entry.grab_focus();
    settle();
    let send = |text: &str| {
        xdotool(&["type", "--delay", "5", text]);
        press("Return");
    };
    send("00 A4 04 00 09 F0 41 50 44 55 53 43 52 01");
    assert!(
        common::gui::iterate_until(10.0, || exchanges(&w).len() == 1),
        "the SELECT is sent: entry {:?}, script {:?}, focus {:?}, toast {:?}",
        entry_text(&w),
        w.editor().text(),
        gtk::prelude::GtkWindowExt::focus(&w),
        w.last_toast()
    );
    wait_until("the entry is cleared", 5, || entry_text(&w).is_empty());
    send("00b081000d");
    wait_until("the READ BINARY is sent", 10, || exchanges(&w).len() == 2);
    let x = exchanges(&w);
    assert_eq!(x[0].sw_text(), "6128");
    assert_eq!(x[1].sw_text(), "9000");
    assert_eq!(x[1].line, 0, "no script line to point at");
    assert!(w.editor().text().is_empty(), "the script is untouched");

    press("Up");
    wait_until("Up: the last line", 5, || entry_text(&w) == "00b081000d");
    press("Up");
    wait_until("Up again: the first", 5, || {
        entry_text(&w) == "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01"
    });
    press("Down");
    wait_until("Down: the last", 5, || entry_text(&w) == "00b081000d");
    press("Down");
    wait_until("Down again: empty", 5, || entry_text(&w).is_empty());

    send("00 zz");
    settle();
    assert_eq!(entry_text(&w), "00 zz", "an invalid line stays");
    assert_eq!(exchanges(&w).len(), 2, "and is not sent");
    assert!(w.last_toast().unwrap_or_default().starts_with("Not sent"));
    common::gui::close_window(&w);
}

fn builder_inserts_a_checked_line(app: &Application) {
    let w = common::gui::window(app);
    common::gui::focus_own_x_window(&w);
    w.editor().view().grab_focus();
    press("ctrl+b");
    let find = || {
        gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|t| t.downcast::<adw::Window>().ok())
            .find(|t| t.title().as_deref() == Some("APDU Builder") && t.is_visible())
    };
    wait_until("Ctrl+B opens the builder", 10, || find().is_some());
    let dialog = find().unwrap();
    let widgets = descendants(dialog.upcast_ref());
    let row = |title: &str| {
        widgets
            .iter()
            .filter_map(|x| x.downcast_ref::<adw::EntryRow>())
            .find(|r| r.title().starts_with(title))
            .cloned()
            .unwrap_or_else(|| panic!("the {title} row"))
    };
    let label = |class: &str| {
        widgets
            .iter()
            .filter_map(|x| x.downcast_ref::<gtk::Label>())
            .find(|l| l.has_css_class(class) && l.is_selectable() == (class == "monospace"))
            .cloned()
            .unwrap()
    };
    let preview = label("monospace");
    let problem = label("warning");
    let insert = widgets
        .iter()
        .filter_map(|x| x.downcast_ref::<gtk::Button>())
        .find(|b| b.has_css_class("suggested-action"))
        .cloned()
        .expect("the Insert button");
    assert_eq!(preview.text(), "00 A4 04 00");
    row("Data").set_text("F0 41 50 44 55 53 43 52 01");
    assert_eq!(
        preview.text(),
        "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01",
        "Lc counted"
    );
    assert!(!problem.is_visible());
    row("Le").set_text("00");
    assert_eq!(
        preview.text(),
        "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 00"
    );
    // A typed Lc that does not match the data is kept, with a warning.
    row("Lc").set_text("05");
    assert!(preview.text().starts_with("00 A4 04 00 05 F0"));
    assert!(
        problem.is_visible() && problem.text().contains('5'),
        "{}",
        problem.text()
    );
    row("Lc").set_text("");
    let extended = widgets
        .iter()
        .filter_map(|x| x.downcast_ref::<gtk::Switch>())
        .next()
        .cloned()
        .unwrap();
    extended.set_active(true);
    assert_eq!(
        preview.text(),
        "00 A4 04 00 00 00 09 F0 41 50 44 55 53 43 52 01 00 00"
    );
    extended.set_active(false);
    row("Lc").set_text("05");
    common::gui::shoot_if_asked("apdu-builder");
    row("Lc").set_text("");
    row("CLA").set_text("0");
    assert!(!insert.is_sensitive(), "no Insert while a field is wrong");
    assert!(problem.text().contains("CLA"));
    row("CLA").set_text("00");
    assert!(insert.is_sensitive());
    insert.emit_clicked();
    wait_until("the builder closes", 5, || find().is_none());
    assert_eq!(
        w.editor().text(),
        "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 00"
    );
    common::gui::close_window(&w);
}

fn about_has_the_icon_and_the_tracker(app: &Application) {
    let w = common::gui::window(app);
    let id = apdu_scriptor::config::APP_ID;
    let theme = gtk::IconTheme::for_display(&gtk::prelude::WidgetExt::display(&w));
    assert!(theme.has_icon(id), "the app icon comes with the program");
    app.activate_action("about", None);
    let find = || {
        gtk::Window::list_toplevels()
            .into_iter()
            .find_map(|t| t.downcast::<adw::AboutWindow>().ok())
    };
    wait_until("the About window", 10, || find().is_some());
    let about = find().unwrap();
    assert_eq!(about.application_icon(), id);
    assert!(
        about.issue_url().contains("/issues"),
        "{}",
        about.issue_url()
    );
    assert!(!about.translator_credits().is_empty());
    about.close();
    common::gui::close_window(&w);
}

fn open_dialog_opens_the_chosen_file(app: &Application) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chosen.apdu");
    std::fs::write(&path, "00 A4 00 00 02 3F 00\n").unwrap();
    let w = common::gui::window(app);
    WidgetExt::activate_action(&w, "win.open", None).unwrap();
    let find = || {
        gtk::Window::list_toplevels()
            .into_iter()
            .find_map(|t| t.downcast::<gtk::FileChooserDialog>().ok())
            .filter(|d| d.is_visible())
    };
    wait_until("the file chooser", 10, || find().is_some());
    let chooser = find().unwrap();
    chooser
        .set_file(&gtk::gio::File::for_path(&path))
        .expect("choose the file");
    wait_until("the file selected", 10, || {
        chooser.file().and_then(|f| f.path()).as_deref() == Some(path.as_path())
    });
    chooser.response(gtk::ResponseType::Accept);
    wait_until("the chosen file is open", 10, || {
        w.file().as_deref() == Some(path.as_path())
    });
    assert_eq!(w.editor().text(), "00 A4 00 00 02 3F 00\n");
    common::gui::close_window(&w);
}

type Test = (&'static str, fn(&Application));

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    common::gui::use_private_home(tmp.path());
    std::env::set_var("GSK_RENDERER", "cairo");
    let (app, _hold) = common::gui::start_app();
    let tests: &[Test] = &[
        ("empty_log_offers_an_example", empty_log_offers_an_example),
        (
            "insert_menu_adds_common_apdus",
            insert_menu_adds_common_apdus,
        ),
        ("apdu_entry_sends_at_once", apdu_entry_sends_at_once),
        (
            "builder_inserts_a_checked_line",
            builder_inserts_a_checked_line,
        ),
        (
            "about_has_the_icon_and_the_tracker",
            about_has_the_icon_and_the_tracker,
        ),
        (
            "open_dialog_opens_the_chosen_file",
            open_dialog_opens_the_chosen_file,
        ),
    ];
    common::gui::run_tests(&app, tests, |f| f(&app));
}
