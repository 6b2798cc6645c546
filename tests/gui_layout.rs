//! The window at common sizes, in English, French and Russian, and at
//! `GDK_SCALE=2`: the Run button, the editor's text and the log's SW column
//! are in the window or reachable by scrolling it; F9 and the header's
//! button hide and show the reader panel.
//!
//! A `harness = false` binary: the parent runs itself once per language and
//! scale (both are fixed when GTK starts). With `--screenshots DIR` each
//! size is also saved as `DIR/layout-LANG-xSCALE-WxH.png`.
//!
//! Run: `dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24"
//! cargo test --test gui_layout`

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use adw::prelude::*;
use apdu_scriptor::ui::{Application, Window};
use common::gui::{descendants, settle, wait_until};

const CHILD_VAR: &str = "APDU_SCRIPTOR_LAYOUT_TEST";
/// (language, GDK_SCALE); "en" runs untranslated.
const RUNS: [(&str, u32); 4] = [("en", 1), ("fr", 1), ("ru", 1), ("en", 2)];
/// Window sizes in logical pixels; at scale 2 the 1280×800 screen is
/// 640×400 logical, so bigger sizes are left out there.
const SIZES: [(i32, i32); 4] = [(1280, 800), (800, 600), (640, 480), (360, 640)];
const SCALED_SIZES: [(i32, i32); 2] = [(640, 400), (360, 400)];

fn main() {
    match std::env::var(CHILD_VAR) {
        Ok(run) => child(&run),
        Err(_) => parent(),
    }
}

fn screenshot_dir() -> Option<PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--screenshots")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
}

fn parent() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let locale = tmp.path().join("locale");
    for lang in ["fr", "ru"] {
        let target = locale.join(lang).join("LC_MESSAGES");
        std::fs::create_dir_all(&target).unwrap();
        let po = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("po/{lang}.po"));
        let status = Command::new("msgfmt")
            .arg("-o")
            .arg(target.join("apdu-scriptor.mo"))
            .arg(po)
            .status()
            .expect("msgfmt (gettext) is installed");
        assert!(status.success(), "msgfmt failed on {lang}.po");
    }
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .take_while(|a| a != "--screenshots")
        .filter(|a| !a.starts_with('-'))
        .collect();
    let exe = std::env::current_exe().expect("own path");
    let mut failed = Vec::new();
    let mut ran = 0;
    for (lang, scale) in RUNS {
        let name = format!("layout_{lang}_x{scale}");
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let home = tmp.path().join(&name);
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(&exe);
        cmd.args(std::env::args().skip(1))
            .env(CHILD_VAR, format!("{lang}:{scale}"))
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("APDU_SCRIPTOR_LOCALEDIR", &locale)
            .env("GDK_SCALE", scale.to_string())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("GSK_RENDERER", "cairo");
        if lang == "en" {
            cmd.env_remove("LANGUAGE");
        } else {
            cmd.env("LANGUAGE", lang);
        }
        let ok = cmd.status().expect("run the test binary again").success();
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        if !ok {
            failed.push(name);
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
}

fn child(run: &str) {
    let (lang, scale) = run.split_once(':').expect("LANG:SCALE");
    let (app, _hold) = common::gui::start_app();
    if lang == "en" && scale == "1" {
        header_per_hig(&app);
        panel_state_is_remembered(&app);
    }
    let sizes: &[(i32, i32)] = if scale == "1" { &SIZES } else { &SCALED_SIZES };
    for &(width, height) in sizes {
        check_size(&app, width, height);
        if let Some(dir) = screenshot_dir() {
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("layout-{lang}-x{scale}-{width}x{height}.png"));
            shoot(&app, width, height, &file);
        }
    }
}

/// A window of `width`×`height` logical pixels with a script and a few
/// log rows.
fn sized_window(app: &Application, width: i32, height: i32) -> Window {
    let w = Window::new(app);
    w.set_default_size(width, height);
    w.present();
    wait_until("window mapped", 10, || w.is_mapped());
    w.editor()
        .set_text("# Select the demo application\n00 A4 04 00 08 F0 41 50 44 55 53 43 52\n");
    WidgetExt::activate_action(&w, "win.run", None).unwrap();
    wait_until("run finished", 20, || {
        !w.is_running() && w.log_view().entries().len() >= 2
    });
    settle();
    w
}

/// `widget`'s bounds in the window's coordinates.
fn bounds(w: &Window, widget: &impl IsA<gtk::Widget>) -> gtk::graphene::Rect {
    widget
        .compute_bounds(w)
        .unwrap_or_else(|| panic!("{} has no bounds", widget.type_().name()))
}

fn inside(w: &Window, r: &gtk::graphene::Rect, what: &str) {
    let (ww, wh) = (w.width() as f32, w.height() as f32);
    assert!(
        r.x() >= -0.5
            && r.y() >= -0.5
            && r.x() + r.width() <= ww + 0.5
            && r.y() + r.height() <= wh + 0.5,
        "{what} at {r:?} is outside the {ww}×{wh} window"
    );
}

fn find_button(w: &Window, action: &str) -> gtk::Button {
    descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Button>().ok())
        .find(|b| b.action_name().as_deref() == Some(action) && b.is_drawable())
        .unwrap_or_else(|| panic!("a button for {action}"))
}

fn check_size(app: &Application, width: i32, height: i32) {
    let size = format!("{width}×{height}");
    let w = sized_window(app, width, height);
    // What asks for more width than the window has, innermost last.
    let too_wide = || -> Vec<String> {
        descendants(w.upcast_ref())
            .iter()
            .filter(|x| x.is_visible())
            .filter_map(|x| {
                let min = x.measure(gtk::Orientation::Horizontal, -1).0;
                (min > width).then(|| format!("{} {min}", x.type_().name()))
            })
            .collect()
    };
    assert!(
        w.width() <= width && w.height() <= height,
        "{size}: the window needs {}×{}: {:?}",
        w.width(),
        w.height(),
        too_wide()
    );

    let run = find_button(&w, "win.run");
    inside(&w, &bounds(&w, &run), &format!("{size}: the Run button"));

    // The editor shows a few lines of a few dozen characters.
    let view = w.editor().view();
    let r = bounds(&w, &view);
    inside(&w, &r, &format!("{size}: the editor"));
    assert!(
        r.width() >= 200.0 && r.height() >= 60.0,
        "{size}: the editor is only {r:?}"
    );

    // The log: rows have some height, and its SW column is in the window
    // once the log is scrolled as far right as it goes.
    let log = w.log_view();
    let list = bounds(&w, &log.list_view());
    let detail = bounds(&w, &log.detail_page());
    let rows = detail.y() - list.y();
    assert!(rows >= 40.0, "{size}: the log's rows have {rows} px");
    // The SW column (the fourth) is in the window once the log's own
    // scroller has gone to its right end.
    let header = log.header();
    let scroller = log
        .list_view()
        .ancestor(gtk::ScrolledWindow::static_type())
        .and_downcast::<gtk::ScrolledWindow>()
        .expect("the log scrolls sideways");
    let adj = scroller.hadjustment();
    adj.set_value(adj.upper() - adj.page_size());
    settle();
    let shown = log.shown_column_widths();
    let sw_left: i32 = shown[..3].iter().sum::<i32>() - adj.value() as i32;
    let sw_width = shown[3];
    let h = bounds(&w, &header);
    let sw = gtk::graphene::Rect::new(h.x() + sw_left as f32, h.y(), sw_width as f32, h.height());
    assert!(
        sw_width >= 40,
        "{size}: the SW column is {sw_width} px wide"
    );
    inside(&w, &sw, &format!("{size}: the log's SW column"));
    adj.set_value(0.0);

    // The panel: beside the script when wide, over it when narrow; F9 and
    // the header's button hide and show it.
    assert_eq!(w.panel_folded(), width < 840, "{size}: panel folded");
    let panel = w.reader_panel();
    let toggle = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::ToggleButton>().ok())
        .find(|b| b.action_name().as_deref() == Some("win.toggle-panel"))
        .expect("the panel's toggle button");
    inside(
        &w,
        &bounds(&w, &toggle),
        &format!("{size}: the panel button"),
    );
    let before = w.panel_shown();
    toggle.emit_clicked();
    wait_until("the button toggles the panel", 5, || {
        w.panel_shown() != before
    });
    assert_eq!(toggle.is_active(), w.panel_shown());
    common::gui::focus_own_x_window(&w);
    common::gui::press("F9");
    wait_until("F9 toggles the panel", 5, || w.panel_shown() == before);
    if !w.panel_shown() {
        toggle.emit_clicked();
        wait_until("the panel shows", 5, || w.panel_shown());
    }
    settle();
    inside(
        &w,
        &bounds(&w, &panel),
        &format!("{size}: the reader panel"),
    );
    // Reachable by scrolling the panel: focusing it scrolls it into view.
    let connect = find_button(&w, "win.connect");
    connect.grab_focus();
    settle();
    inside(
        &w,
        &bounds(&w, &connect),
        &format!("{size}: the Connect button"),
    );
    common::gui::close_window(&w);
}

/// Hidden by F9 in a wide window, the panel stays hidden in the next one;
/// shown again, it is shown again.
fn panel_state_is_remembered(app: &Application) {
    for shown in [false, true] {
        let w = sized_window(app, 1280, 800);
        if w.panel_shown() != shown {
            WidgetExt::activate_action(&w, "win.toggle-panel", None).unwrap();
        }
        wait_until("panel toggled", 5, || w.panel_shown() == shown);
        w.save_settings();
        common::gui::close_window(&w);
        let w = sized_window(app, 1280, 800);
        assert_eq!(w.panel_shown(), shown, "remembered");
        common::gui::close_window(&w);
    }
}

/// Errors are counted beside a Run button that keeps its look; the count
/// leads to the first error; the main menu is short; the Reset button's
/// tooltip is not drawn over its open menu.
fn header_per_hig(app: &Application) {
    let w = sized_window(app, 1280, 800);
    let run = find_button(&w, "win.run");
    w.editor().set_text("00 A4 04 00 00\n\nzz\n00 B0 00 00 0\n");
    w.editor().validate_now();
    settle();
    assert!(run.has_css_class("suggested-action"), "Run keeps its look");
    assert!(!run.has_css_class("destructive-action"));
    let errors = find_button(&w, "win.first-error");
    inside(&w, &bounds(&w, &errors), "the error count");
    let text: String = descendants(errors.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Label>().ok())
        .map(|l| l.text().to_string())
        .collect();
    assert_eq!(text, "2 errors");
    errors.emit_clicked();
    assert_eq!(w.editor().cursor_line(), 3, "the first error");
    w.editor().set_text("00 A4 04 00 00\n");
    w.editor().validate_now();
    settle();
    assert!(!errors.is_visible(), "no count without errors");

    let menu = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::MenuButton>().ok())
        .find(|b| b.is_primary())
        .and_then(|b| b.menu_model())
        .expect("the main menu");
    let items: i32 = (0..menu.n_items())
        .filter_map(|i| menu.item_link(i, "section"))
        .map(|s| s.n_items())
        .sum();
    assert!(items <= 8, "{items} items in the main menu");

    let reset = descendants(w.upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::MenuButton>().ok())
        .find(|b| b.menu_model().is_some() && !b.is_primary() && b.label().is_some())
        .expect("the Reset menu button");
    assert!(reset.has_tooltip());
    reset.popup();
    wait_until("the Reset menu open", 5, || {
        reset.popover().is_some_and(|p| p.is_visible())
    });
    assert!(!reset.has_tooltip(), "no tooltip over the open menu");
    reset.popdown();
    wait_until("the tooltip back", 5, || reset.has_tooltip());
    common::gui::close_window(&w);
}

fn shoot(app: &Application, width: i32, height: i32, file: &Path) {
    let w = sized_window(app, width, height);
    common::gui::iterate_until(1.0, || false);
    let status = Command::new("import")
        .args(["-window", "root", "-crop"])
        .arg(format!(
            "{}x{}+0+0",
            w.width() * w.scale_factor(),
            w.height() * w.scale_factor()
        ))
        .arg(file)
        .status();
    println!("{}: {status:?}", file.display());
    common::gui::close_window(&w);
}
