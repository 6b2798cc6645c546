//! The window when files and settings misbehave: settings that cannot be
//! saved or read, column widths that do not fit, reader and card names
//! that look like markup, a save that must keep the file's links.
//!
//! Run: `dbus-run-session -- xvfb-run -a cargo test --test gui_reliable`

mod common;

use std::path::PathBuf;

use adw::prelude::*;
use apdu_scriptor::card::ReaderInfo;
use apdu_scriptor::settings::Settings;
use apdu_scriptor::ui::Application;
use common::gui::{descendants, wait_until};

struct Ctx {
    app: Application,
    home: PathBuf,
}

impl Ctx {
    fn config(&self) -> PathBuf {
        self.home.join("config/apdu-scriptor")
    }

    /// Start from no settings at all.
    fn clean(&self) {
        let _ = std::fs::remove_dir_all(self.home.join("config"));
        let _ = std::fs::remove_file(self.home.join("config"));
        std::fs::create_dir_all(self.home.join("config")).unwrap();
    }
}

/// With `RELIABLE_SHOTS=DIR`, a screenshot of the screen into DIR/NAME.png
/// (to look at the toasts; nothing is asserted on it).
fn shot(name: &str) {
    let Some(dir) = std::env::var_os("RELIABLE_SHOTS") else {
        return;
    };
    common::gui::iterate_until(1.0, || false);
    let path = std::path::Path::new(&dir).join(format!("{name}.png"));
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status();
    eprintln!("screenshot {}: {status:?}", path.display());
}

fn settings_that_cannot_be_saved_are_said_at_once(ctx: &Ctx) {
    ctx.clean();
    // The settings folder's place is taken by a file.
    std::fs::write(ctx.config(), "not a folder").unwrap();
    let w = common::gui::window(&ctx.app);
    let toast = w.last_toast().unwrap_or_default();
    assert!(toast.starts_with("Settings cannot be saved: "), "{toast:?}");
    shot("settings-cannot-be-saved");
    // Closing tries again, and says so again, without a panic.
    common::gui::close_window(&w);
    std::fs::remove_file(ctx.config()).unwrap();
}

fn a_corrupt_settings_file_is_named_in_a_short_toast(ctx: &Ctx) {
    ctx.clean();
    std::fs::create_dir_all(ctx.config()).unwrap();
    std::fs::write(
        ctx.config().join("settings.ron"),
        "(window_width: 1000, oops",
    )
    .unwrap();
    let w = common::gui::window(&ctx.app);
    let toast = w.last_toast().unwrap_or_default();
    let kept: Vec<String> = std::fs::read_dir(ctx.config())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("settings.ron.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        toast,
        format!(
            "Settings reset: the unreadable file was kept as {}",
            kept[0]
        )
    );
    shot("settings-reset");
    common::gui::close_window(&w);
}

fn column_widths_that_do_not_fit_are_not_used(ctx: &Ctx) {
    ctx.clean();
    std::fs::create_dir_all(ctx.config()).unwrap();
    std::fs::write(
        ctx.config().join("settings.ron"),
        "(window_width: 900, window_height: 600, \
         log_columns: [2000, 2000, 2000, 2000, 0, 2000])",
    )
    .unwrap();
    let w = common::gui::window(&ctx.app);
    let widths = w.log_view().column_widths();
    let fixed: i32 = widths.iter().sum();
    assert!(fixed < 900, "{widths:?}");
    // Saved back sanitized: the file no longer holds the bad widths.
    let (saved, _) = Settings::load_from(&ctx.config().join("settings.ron"), None);
    assert!(saved.log_columns.iter().sum::<i32>() < 900, "{saved:?}");
    let text = std::fs::read_to_string(ctx.config().join("settings.ron")).unwrap();
    assert!(!text.contains("2000"), "{text}");
    common::gui::close_window(&w);
}

fn reader_names_are_shown_as_text(ctx: &Ctx) {
    ctx.clean();
    let w = common::gui::window(&ctx.app);
    let name = "R&D <Reader> 00 00";
    w.reader_panel().set_readers(vec![ReaderInfo {
        name: name.into(),
        card_present: false,
        atr: None,
        exclusive: false,
    }]);
    let rows: Vec<adw::ActionRow> = descendants(w.reader_panel().upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<adw::ActionRow>().ok())
        .filter(|r| r.title() == name)
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].uses_markup());
    // The label on screen shows the name as it is.
    let labels: Vec<String> = descendants(rows[0].upcast_ref())
        .into_iter()
        .filter_map(|x| x.downcast::<gtk::Label>().ok())
        .map(|l| l.text().to_string())
        .collect();
    assert!(labels.iter().any(|l| l == name), "{labels:?}");
    // It is selected and remembered by its real name.
    w.reader_panel().select_reader(name);
    wait_until("reader selected", 5, || {
        w.reader_panel().selected_reader().as_deref() == Some(name)
    });
    common::gui::close_window(&w);
}

/// Open (as the file dialog's answer does) refuses endless and huge files
/// at once, and a save keeps a symlinked script a link.
fn open_is_bounded_and_save_keeps_links(ctx: &Ctx) {
    ctx.clean();
    let w = common::gui::window(&ctx.app);
    assert!(!w.open_path(std::path::Path::new("/dev/zero")));
    let toast = w.last_toast().unwrap_or_default();
    assert!(
        toast.starts_with("“/dev/zero” is not text: it holds a NUL byte on line 1"),
        "{toast}"
    );
    let big = ctx.home.join("big.apdu");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(apdu_scriptor::files::MAX_FILE_SIZE + 1)
        .unwrap();
    assert!(!w.open_path(&big));
    assert!(
        w.last_toast()
            .unwrap_or_default()
            .contains("is larger than 64 MiB"),
        "{:?}",
        w.last_toast()
    );
    std::fs::remove_file(&big).unwrap();

    let real = ctx.home.join("real.apdu");
    std::fs::write(&real, "00 A4 00 00\n").unwrap();
    let link = ctx.home.join("link.apdu");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert!(w.open_path(&link));
    w.editor().set_text("00 B0 00 00 01\n");
    assert!(w.save_to(&link));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "00 B0 00 00 01\n");
    common::gui::close_window(&w);
}

fn folders_follow_glib(ctx: &Ctx) {
    use gtk::glib;
    assert_eq!(
        apdu_scriptor::dirs::config_home().as_deref(),
        Some(glib::user_config_dir().as_path())
    );
    assert_eq!(
        apdu_scriptor::dirs::cache_home().as_deref(),
        Some(glib::user_cache_dir().as_path())
    );
    assert_eq!(
        Settings::default_path(),
        glib::user_config_dir().join("apdu-scriptor/settings.ron")
    );
    assert_eq!(
        apdu_scriptor::dirs::tilde(&ctx.home.join("scripts")),
        "~/scripts"
    );
}

type Test = (&'static str, fn(&Ctx));

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::gui::use_private_home(&home);
    std::env::set_var("GSK_RENDERER", "cairo");
    let (app, _hold) = common::gui::start_app();
    let ctx = Ctx { app, home };
    let tests: &[Test] = &[
        (
            "settings_that_cannot_be_saved_are_said_at_once",
            settings_that_cannot_be_saved_are_said_at_once,
        ),
        (
            "a_corrupt_settings_file_is_named_in_a_short_toast",
            a_corrupt_settings_file_is_named_in_a_short_toast,
        ),
        (
            "column_widths_that_do_not_fit_are_not_used",
            column_widths_that_do_not_fit_are_not_used,
        ),
        (
            "reader_names_are_shown_as_text",
            reader_names_are_shown_as_text,
        ),
        ("folders_follow_glib", folders_follow_glib),
        (
            "open_is_bounded_and_save_keeps_links",
            open_is_bounded_and_save_keeps_links,
        ),
    ];
    common::gui::run_tests(&ctx.app, tests, |f| f(&ctx));
}
