//! The window by keyboard alone, keys pressed through the X server: the
//! log and the reader list are one Tab stop each however long the log is,
//! Alt+1/2/3 go to the script, the log and the readers without choosing a
//! reader, and the shortcuts window lists it all on one page.
//!
//! Run: `dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24"
//! cargo test --test gui_keyboard`

mod common;

use adw::prelude::*;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry, Time};
use apdu_scriptor::ui::{Application, Window};
use common::gui::{descendants, press, settle, wait_until};

fn focus(w: &Window) -> Option<gtk::Widget> {
    gtk::prelude::GtkWindowExt::focus(w)
}

fn focus_in(w: &Window, area: &impl IsA<gtk::Widget>) -> bool {
    focus(w).is_some_and(|f| &f == area.upcast_ref() || f.is_ancestor(area))
}

fn reader_list(w: &Window) -> gtk::ListBox {
    descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::ListBox>().ok())
        .find(|l| l.has_css_class("reader-list"))
        .expect("the reader list")
}

fn big_window(app: &Application) -> Window {
    let w = Window::new(app);
    w.set_default_size(1280, 800);
    w.present();
    wait_until("window mapped", 10, || w.is_mapped());
    settle();
    common::gui::focus_own_x_window(&w);
    w
}

fn fill_log(w: &Window, rows: usize) {
    let time = Time::now();
    let entries = (0..rows)
        .map(|i| LogEntry::message(EntryKind::Info, time, i + 1, format!("row {i}")))
        .collect();
    let before = w.log_view().entries().len();
    w.log_view().append(entries);
    wait_until("log filled", 20, || {
        w.log_view().entries().len() >= before + rows
    });
    settle();
}

/// Tab presses from the editor (left with Ctrl+Tab) to the reader list.
fn tabs_to_readers(w: &Window) -> usize {
    w.editor().view().grab_focus();
    settle();
    press("ctrl+Tab");
    let list = reader_list(w);
    for n in 0..40 {
        if common::gui::iterate_until(0.3, || focus_in(w, &list)) {
            return n;
        }
        press("Tab");
    }
    panic!("Tab never reached the reader list; focus on {:?}", focus(w));
}

fn tab_reaches_the_readers_whatever_the_log(app: &Application) {
    let w = big_window(app);
    fill_log(&w, 3);
    let few = tabs_to_readers(&w);
    fill_log(&w, 3000);
    // Into the log and out of it again: one stop.
    w.log_view().list_view().grab_focus();
    settle();
    assert!(
        focus_in(&w, &w.log_view().list_view()),
        "the log takes the focus"
    );
    press("Tab");
    wait_until("Tab leaves the log", 5, || {
        !focus_in(&w, &w.log_view().list_view())
    });
    let full = tabs_to_readers(&w);
    println!("Tab presses from the editor to the readers: {few} (3 log rows), {full} (3003 rows)");
    assert_eq!(full, few, "the log's rows are no Tab stops");
    assert!(full <= 20, "{full} Tab presses");
    common::gui::close_window(&w);
}

fn alt_keys_go_to_the_areas(app: &Application) {
    let w = big_window(app);
    fill_log(&w, 50);
    let chosen = w.reader_panel().selected_reader();
    press("alt+2");
    wait_until("Alt+2: the log", 5, || {
        focus_in(&w, &w.log_view().list_view())
    });
    press("alt+3");
    let list = reader_list(&w);
    wait_until("Alt+3: the readers", 5, || focus_in(&w, &list));
    press("Down");
    press("Up");
    settle();
    assert_eq!(
        w.reader_panel().selected_reader(),
        chosen,
        "moving the focus chooses no reader"
    );
    press("alt+1");
    let view = w.editor().view();
    wait_until("Alt+1: the script", 5, || focus_in(&w, &view));
    // With the panel hidden, Alt+3 shows it.
    WidgetExt::activate_action(&w, "win.toggle-panel", None).unwrap();
    wait_until("panel hidden", 5, || !w.panel_shown());
    press("alt+3");
    wait_until("Alt+3 shows the panel", 5, || {
        w.panel_shown() && focus_in(&w, &list)
    });
    common::gui::close_window(&w);
}

fn shortcuts_on_one_page(app: &Application) {
    let w = big_window(app);
    let sw = w.show_shortcuts().expect("the shortcuts window");
    wait_until("shortcuts window mapped", 10, || sw.is_mapped());
    settle();
    let all = descendants(sw.upcast_ref());
    let section = all
        .iter()
        .find(|x| x.is::<gtk::ShortcutsSection>())
        .expect("a section");
    let pages: u32 = descendants(section)
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Stack>().ok())
        .map(|s| s.pages().n_items())
        .max()
        .unwrap_or(0);
    assert_eq!(pages, 1, "one page of shortcuts");
    let accels: Vec<String> = all
        .iter()
        .filter_map(|x| x.downcast_ref::<gtk::ShortcutsShortcut>())
        .filter_map(|s| s.property::<Option<String>>("accelerator"))
        .flat_map(|a| a.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for accel in ["<Ctrl>Tab", "<Alt>1", "<Alt>2", "<Alt>3", "F9"] {
        assert!(accels.iter().any(|a| a == accel), "{accel} in {accels:?}");
    }
    sw.close();
    common::gui::close_window(&w);
}

type Test = (&'static str, fn(&Application));

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    common::gui::use_private_home(tmp.path());
    std::env::set_var("GSK_RENDERER", "cairo");
    let (app, _hold) = common::gui::start_app();
    let tests: &[Test] = &[
        (
            "tab_reaches_the_readers_whatever_the_log",
            tab_reaches_the_readers_whatever_the_log,
        ),
        ("alt_keys_go_to_the_areas", alt_keys_go_to_the_areas),
        ("shortcuts_on_one_page", shortcuts_on_one_page),
    ];
    common::gui::run_tests(&app, tests, |f| f(&app));
}
