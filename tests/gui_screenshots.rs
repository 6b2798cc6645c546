//! Screenshots of the main window after a run on the demo card, light and
//! dark, into `data/screenshots/`. Does nothing without `--screenshots`:
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo test --test gui_screenshots -- --screenshots`

mod common;

use std::path::Path;

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

fn main() {
    if !std::env::args().any(|a| a == "--screenshots") {
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    common::gui::use_private_home(tmp.path());
    std::env::set_var("GSK_RENDERER", "cairo");
    let settings = apdu_scriptor::settings::Settings {
        log_pane: 215,
        ..Default::default()
    };
    settings.save().unwrap();
    let (app, _hold) = common::gui::start_app();

    let scripts = tmp.path().join("scripts");
    std::fs::create_dir_all(&scripts).unwrap();
    let script = scripts.join("read-demo-app.apdu");
    std::fs::write(&script, SCRIPT).unwrap();
    let w = Window::new(&app);
    w.set_default_size(1280, 800);
    w.maximize();
    w.present();
    iterate_until(10.0, || w.is_mapped());
    w.open_path(&script);
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
    // Show the details of the READ BINARY row and put the cursor on the error.
    w.editor().move_cursor_to_line(9);
    let store = w.log_view().store();
    let read = (0..store.n_items()).find(|i| {
        store
            .item(*i)
            .and_downcast::<apdu_scriptor::ui::log_row::LogRow>()
            .is_some_and(|r| r.entry().command.starts_with(&[0x00, 0xB0]))
    });
    if let Some(i) = read {
        w.log_view().select_row(i);
    }
    // No hover tooltips from wherever Xvfb's pointer sits.
    w.log_view().set_can_target(false);
    // Let the start-up toast (no pcscd on the test machine) time out.
    iterate_until(9.0, || false);
    shoot(&out.join("main-light.png"));
    adw::StyleManager::default().set_color_scheme(adw::ColorScheme::ForceDark);
    shoot(&out.join("main-dark.png"));
    adw::StyleManager::default().set_color_scheme(adw::ColorScheme::Default);
    let shortcuts = w.show_shortcuts().expect("the shortcuts window");
    shoot(&out.join("shortcuts.png"));
    shortcuts.close();
    w.editor().buffer().set_modified(false);
    w.close();
}
