//! Screenshots of the main window after a run on the demo card, light and
//! dark, a long response and the shortcuts, into `data/screenshots/`; then, for translators, the main window,
//! the preferences, the reader panel and the run's log in English and in
//! every language of `po/LINGUAS`, with a `run --demo --format text`
//! transcript, into `data/screenshots/<lang>/`. Does nothing without
//! `--screenshots` (all of them: `make screenshots`) or `--translations`
//! (the per-language ones only):
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo test --test gui_screenshots -- --translations`

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use adw::prelude::*;
use apdu_scriptor::card::DEMO_READER;
use apdu_scriptor::ui::log_entry::EntryKind;
use apdu_scriptor::ui::Window;
use common::gui::iterate_until;

const SCRIPT: &str = "\
# APDU Scriptor demo: select the demo application and read it
00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 (9000)
00 B0 81 00 0D (9000)    # EF 5001 by its short file identifier
00 20 00 01 08 31 32 33 34 FF FF FF FF (9000)
00 B2 01 1C 14
reset
00 CA 00 42 00
00 A4 00 00 02 12 34
00B0 0000 zz
";

fn shoot(path: &Path) {
    iterate_until(1.5, || false);
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(path)
        .status();
    println!("{}: {status:?}", path.display());
}

/// Set in the child processes: the language of the translators' screenshots.
const CHILD_VAR: &str = "APDU_SCRIPTOR_SCREENSHOT_LANG";

fn top() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    if let Ok(lang) = std::env::var(CHILD_VAR) {
        return translators_shots(&lang);
    }
    let arg = |a: &str| std::env::args().any(|x| x == a);
    if arg("--translations") {
        let tmp = tempfile::tempdir().unwrap();
        return per_language(&tmp.path().join("locale"));
    }
    if !arg("--screenshots") {
        return;
    }
    let out = top().join("data/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (app, _hold, script) = set_up(tmp.path());
    let w = run_demo(&app, &script);
    // Let the start-up toast (no pcscd on the test machine) time out.
    iterate_until(9.0, || false);
    shoot(&out.join("main-light.png"));
    adw::StyleManager::default().set_color_scheme(adw::ColorScheme::ForceDark);
    shoot(&out.join("main-dark.png"));
    adw::StyleManager::default().set_color_scheme(adw::ColorScheme::Default);
    // A long response: every byte in the row, 16 a line.
    let long = script.with_file_name("long-response.apdu");
    std::fs::write(&long, "# 255 random bytes\n00 84 00 00 FF\n").unwrap();
    w.editor().buffer().set_modified(false);
    w.open_path(&long);
    w.log_view().clear();
    WidgetExt::activate_action(&w, "win.run", None).unwrap();
    iterate_until(20.0, || {
        !w.is_running()
            && w.log_view()
                .entries()
                .iter()
                .any(|e| e.kind == EntryKind::Summary)
    });
    let store = w.log_view().store();
    let challenge = (0..store.n_items()).find(|i| {
        store
            .item(*i)
            .and_downcast::<apdu_scriptor::ui::log_row::LogRow>()
            .is_some_and(|r| r.entry().data().len() == 255)
    });
    if let Some(i) = challenge {
        w.log_view().select_row(i);
    }
    shoot(&out.join("long-response.png"));
    let shortcuts = w.show_shortcuts().expect("the shortcuts window");
    shoot(&out.join("shortcuts.png"));
    shortcuts.close();
    w.editor().buffer().set_modified(false);
    w.close();
    per_language(&tmp.path().join("locale"));
}

/// The languages of po/LINGUAS, and English.
fn languages() -> Vec<String> {
    let linguas = std::fs::read_to_string(top().join("po/LINGUAS")).unwrap();
    let mut langs = vec!["en".to_owned()];
    langs.extend(
        linguas
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .flat_map(|l| l.split_whitespace())
            .map(str::to_owned),
    );
    langs
}

/// Compile every language, then take each one's screenshots in a process of
/// its own (the language is fixed when gettext and GTK start).
fn per_language(locale: &Path) {
    for lang in languages() {
        let dir = top().join("data/screenshots").join(&lang);
        std::fs::create_dir_all(&dir).unwrap();
        if lang != "en" {
            let target = locale.join(&lang).join("LC_MESSAGES");
            std::fs::create_dir_all(&target).unwrap();
            let status = Command::new("msgfmt")
                .arg("-o")
                .arg(target.join("apdu-scriptor.mo"))
                .arg(top().join(format!("po/{lang}.po")))
                .status()
                .expect("msgfmt (gettext) is installed");
            assert!(status.success(), "msgfmt failed on {lang}.po");
        }
        let status = Command::new(std::env::current_exe().unwrap())
            .env(CHILD_VAR, &lang)
            .env("LANGUAGE", &lang)
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("APDU_SCRIPTOR_LOCALEDIR", locale)
            .status()
            .expect("run the screenshot binary again");
        assert!(status.success(), "screenshots in {lang}");
        transcript(&lang, locale, &dir.join("demo.txt"));
    }
}

/// What `run --demo --format text` prints for the demo script, stdout then
/// stderr, as a terminal would show them.
fn transcript(lang: &str, locale: &Path, path: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("read-demo-app.apdu");
    std::fs::write(
        &script,
        SCRIPT.lines().take(8).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apdu-scriptor"))
        .args(["run", "--demo", "--auto-get-response", "--format", "text"])
        .arg(script.file_name().unwrap())
        .current_dir(tmp.path())
        .env("LANGUAGE", lang)
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("APDU_SCRIPTOR_LOCALEDIR", locale)
        .output()
        .expect("run apdu-scriptor");
    let text = format!(
        "$ LANGUAGE={lang} apdu-scriptor run --demo --auto-get-response --format text read-demo-app.apdu\n{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(path, text).unwrap();
    println!("{}", path.display());
}

/// A private home with the panes' sizes, the application, and the demo
/// script in `dir`.
fn set_up(
    dir: &Path,
) -> (
    apdu_scriptor::ui::Application,
    gtk::gio::ApplicationHoldGuard,
    PathBuf,
) {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::gui::use_private_home(&home);
    std::env::set_var("GSK_RENDERER", "cairo");
    let settings = apdu_scriptor::settings::Settings {
        log_pane: 215,
        ..Default::default()
    };
    settings.save().unwrap();
    let (app, hold) = common::gui::start_app();
    let scripts = dir.join("scripts");
    std::fs::create_dir_all(&scripts).unwrap();
    let script = scripts.join("read-demo-app.apdu");
    std::fs::write(&script, SCRIPT).unwrap();
    (app, hold, script)
}

/// The main window after a run of the demo script, the GET RESPONSE row
/// selected and the cursor on the invalid last line.
fn run_demo(app: &apdu_scriptor::ui::Application, script: &Path) -> Window {
    let w = Window::new(app);
    w.set_default_size(1280, 800);
    w.maximize();
    w.present();
    iterate_until(10.0, || w.is_mapped());
    w.open_path(script);
    w.reader_panel().select_reader(DEMO_READER);
    w.reader_panel().auto_get_response_switch().set_active(true);
    // Leave the invalid last line out of the run, but keep it visible.
    w.editor().move_cursor_to_line(1);
    let buffer = w.editor().buffer();
    let start = buffer.start_iter();
    let end = buffer.iter_at_line(8).unwrap();
    buffer.select_range(&start, &end);
    WidgetExt::activate_action(&w, "win.run-selection", None).unwrap();
    iterate_until(20.0, || {
        !w.is_running()
            && w.log_view()
                .entries()
                .iter()
                .any(|e| e.kind == EntryKind::Summary)
    });
    // Show the details of the GET RESPONSE row (the FCI) and put the cursor
    // on the error.
    w.editor().move_cursor_to_line(9);
    let store = w.log_view().store();
    let read = (0..store.n_items()).find(|i| {
        store
            .item(*i)
            .and_downcast::<apdu_scriptor::ui::log_row::LogRow>()
            .is_some_and(|r| r.entry().command.starts_with(&[0x00, 0xC0]))
    });
    if let Some(i) = read {
        w.log_view().select_row(i);
    }
    // No hover tooltips from wherever Xvfb's pointer sits.
    w.log_view().set_can_target(false);
    w
}

/// Render `widget` as it is on the screen into a PNG, on the window's
/// background colour.
fn render(widget: &impl IsA<gtk::Widget>, path: &Path) {
    let widget = widget.upcast_ref::<gtk::Widget>();
    let (width, height) = (widget.width() as f32, widget.height() as f32);
    let snapshot = gtk::Snapshot::new();
    let bg = if adw::StyleManager::default().is_dark() {
        gtk::gdk::RGBA::new(0.14, 0.14, 0.14, 1.0)
    } else {
        gtk::gdk::RGBA::new(0.98, 0.98, 0.98, 1.0)
    };
    snapshot.append_color(&bg, &gtk::graphene::Rect::new(0.0, 0.0, width, height));
    gtk::WidgetPaintable::new(Some(widget)).snapshot(&snapshot, width.into(), height.into());
    let node = snapshot.to_node().expect("something was drawn");
    let renderer = widget
        .native()
        .and_then(|n| n.renderer())
        .expect("a realized widget");
    renderer
        .render_texture(node, None)
        .save_to_png(path)
        .unwrap();
    println!("{}", path.display());
}

/// The translators' screenshots, in the language of this process.
fn translators_shots(lang: &str) {
    let out = top().join("data/screenshots").join(lang);
    let tmp = tempfile::tempdir().unwrap();
    let (app, _hold, script) = set_up(tmp.path());
    let w = run_demo(&app, &script);
    iterate_until(9.0, || false);
    render(&w, &out.join("main.png"));
    render(&w.reader_panel(), &out.join("reader-panel.png"));
    render(&w.log_view(), &out.join("log.png"));
    WidgetExt::activate_action(&w, "win.preferences", None).unwrap();
    let prefs = || {
        gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|t| t.downcast::<adw::PreferencesWindow>().ok())
            .find(|p| p.is_mapped())
    };
    iterate_until(10.0, || prefs().is_some());
    let p = prefs().expect("the preferences window");
    iterate_until(1.0, || false);
    render(&p, &out.join("preferences.png"));
    p.close();
    w.editor().buffer().set_modified(false);
    w.close();
    iterate_until(0.5, || false);
}
