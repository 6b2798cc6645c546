//! The window in French and in Russian: menu items, buttons and the log's
//! status-word meanings come out of `po/xx.po`. The expected texts are read
//! from the `.po` files, so a translation fix does not break the test, but a
//! string that stays English (or a `.mo` that is not loaded) does.
//!
//! A `harness = false` binary: the parent compiles the `.po` files into a
//! temporary locale directory and runs itself once per language, because
//! the language is fixed when gettext and GTK start.
//!
//! Run: `dbus-run-session -- xvfb-run -a cargo test --test gui_i18n`

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use adw::prelude::*;
use apdu_scriptor::card::DEMO_READER;
use apdu_scriptor::ui::log_entry::{EntryKind, LogEntry};
use apdu_scriptor::ui::log_line::LogLine;
use common::gui::{descendants, wait_until};
use gtk::{gio, glib};

/// Set in the child processes: the language under test.
const CHILD_VAR: &str = "APDU_SCRIPTOR_I18N_TEST_LANG";
const LANGS: [&str; 2] = ["fr", "ru"];

fn main() {
    match std::env::var(CHILD_VAR) {
        Ok(lang) => child(&lang),
        Err(_) => parent(),
    }
}

fn parent() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let locale = tmp.path().join("locale");
    for lang in LANGS {
        let target = locale.join(lang).join("LC_MESSAGES");
        std::fs::create_dir_all(&target).unwrap();
        let status = Command::new("msgfmt")
            .arg("--check")
            .arg("-o")
            .arg(target.join("apdu-scriptor.mo"))
            .arg(po_path(lang))
            .status()
            .expect("msgfmt (gettext) is installed");
        assert!(status.success(), "msgfmt failed on {lang}.po");
    }
    let exe = std::env::current_exe().expect("own path");
    let mut failed = Vec::new();
    for lang in LANGS {
        let home = tmp.path().join(format!("home-{lang}"));
        std::fs::create_dir_all(&home).unwrap();
        let status = Command::new(&exe)
            .env(CHILD_VAR, lang)
            .env("LANGUAGE", lang)
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("APDU_SCRIPTOR_LOCALEDIR", &locale)
            // Settings and recent files go to a private place.
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("GSK_RENDERER", "cairo")
            .status()
            .expect("run the test binary again");
        if status.success() {
            println!("test window_in_{lang} ... ok");
        } else {
            println!("test window_in_{lang} ... FAILED");
            failed.push(lang);
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        LANGS.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
}

fn po_path(lang: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("po")
        .join(format!("{lang}.po"))
}

// ---------------------------------------------------------------------------
// The .po file, read just enough to look translations up.

/// Key: `msgctxt\u{4}msgid` (or `msgid`); value: the msgstr forms.
struct Catalog(HashMap<String, Vec<String>>);

impl Catalog {
    fn load(lang: &str) -> Catalog {
        let text = std::fs::read_to_string(po_path(lang)).expect("read the .po file");
        let mut map = HashMap::new();
        let mut ctx: Option<String> = None;
        let mut id = String::new();
        let mut strs: Vec<String> = Vec::new();
        // Which string a continuation line `"..."` extends.
        let mut cur: Option<&str> = None;
        let mut flush = |ctx: &mut Option<String>, id: &mut String, strs: &mut Vec<String>| {
            if !strs.is_empty() && !id.is_empty() {
                let key = match ctx.take() {
                    Some(c) => format!("{c}\u{4}{id}"),
                    None => id.clone(),
                };
                map.insert(key, std::mem::take(strs));
            }
            *ctx = None;
            id.clear();
            strs.clear();
        };
        for line in text.lines() {
            let line = line.trim_end();
            if line.starts_with("#~") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("msgctxt ") {
                flush(&mut ctx, &mut id, &mut strs);
                ctx = Some(unquote(rest));
                cur = Some("ctx");
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                // A msgctxt line just before belongs to this entry.
                if cur != Some("ctx") {
                    flush(&mut ctx, &mut id, &mut strs);
                }
                id = unquote(rest);
                cur = Some("id");
            } else if line.starts_with("msgid_plural ") {
                cur = None;
            } else if line.starts_with("msgstr") {
                let (_, rest) = line.split_once(' ').expect("msgstr line");
                strs.push(unquote(rest));
                cur = Some("str");
            } else if line.starts_with('"') {
                let more = unquote(line);
                match cur {
                    Some("ctx") => ctx.as_mut().unwrap().push_str(&more),
                    Some("id") => id.push_str(&more),
                    Some("str") => strs.last_mut().unwrap().push_str(&more),
                    _ => {}
                }
            } else {
                cur = None;
            }
        }
        flush(&mut ctx, &mut id, &mut strs);
        Catalog(map)
    }

    /// The translation of `id`, which must differ from the English text.
    fn tr(&self, id: &str) -> String {
        self.form(None, id, 0)
    }

    fn ptr(&self, ctx: &str, id: &str) -> String {
        self.form(Some(ctx), id, 0)
    }

    fn form(&self, ctx: Option<&str>, id: &str, n: usize) -> String {
        let key = match ctx {
            Some(c) => format!("{c}\u{4}{id}"),
            None => id.to_owned(),
        };
        let s = self
            .0
            .get(&key)
            .and_then(|forms| forms.get(n))
            .unwrap_or_else(|| panic!("{id:?} is not in the .po file"))
            .clone();
        assert!(!s.is_empty() && s != id, "{id:?} is not translated");
        s
    }
}

fn unquote(s: &str) -> String {
    let inner = s
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a quoted string: {s}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The window.

/// Every item label of a menu model, sections and submenus included.
fn menu_labels(model: &gio::MenuModel, out: &mut Vec<String>) {
    for i in 0..model.n_items() {
        if let Some(label) = model
            .item_attribute_value(i, "label", Some(glib::VariantTy::STRING))
            .and_then(|v| v.get::<String>())
        {
            out.push(label);
        }
        for link in ["section", "submenu"] {
            if let Some(sub) = model.item_link(i, link) {
                menu_labels(&sub, out);
            }
        }
    }
}

/// The labels a user sees on the window's buttons.
fn button_labels(widgets: &[gtk::Widget]) -> Vec<String> {
    let mut out = Vec::new();
    for w in widgets {
        let label = if let Some(b) = w.downcast_ref::<gtk::Button>() {
            b.label()
        } else if let Some(b) = w.downcast_ref::<gtk::MenuButton>() {
            b.label()
        } else if let Some(l) = w
            .downcast_ref::<gtk::Label>()
            .filter(|l| l.uses_underline() && l.ancestor(gtk::Button::static_type()).is_some())
        {
            Some(l.label())
        } else {
            w.downcast_ref::<adw::ButtonContent>().map(|c| c.label())
        };
        out.extend(label.map(String::from));
    }
    out
}

fn child(lang: &str) {
    let po = Catalog::load(lang);
    let (app, _hold) = common::gui::start_app();
    let w = common::gui::window(&app);
    let widgets = descendants(w.upcast_ref());

    // The menus: the main menu, the log's and the script's context menu.
    let mut items = Vec::new();
    for menu in widgets
        .iter()
        .filter_map(|x| x.downcast_ref::<gtk::MenuButton>())
        .filter_map(|b| b.menu_model())
        .chain(w.editor().view().extra_menu())
    {
        menu_labels(&menu, &mut items);
    }
    for id in [
        "_New",
        "_Open…",
        "Open _Recent",
        "_Save",
        "Save _As…",
        "Run Se_lection",
        "_Find…",
        "E_xport Log",
        "As _Plain Text…",
        "_Clear Log",
        "_Preferences",
        "_Keyboard Shortcuts",
        "_About APDU Scriptor",
    ] {
        let want = po.tr(id);
        assert!(
            items.contains(&want),
            "menu item {want:?} ({id}) in {items:?}"
        );
    }
    let step = po.ptr("run one statement", "S_tep");
    assert!(items.contains(&step), "menu item {step:?} in {items:?}");
    assert!(
        !items.iter().any(|l| l == "_New" || l == "_Preferences"),
        "English menu items left: {items:?}"
    );

    // Buttons of the header bar and of the reader panel.
    let buttons = button_labels(&widgets);
    for id in ["_Run", "S_top", "_Open", "_Connect", "_Disconnect"] {
        let want = po.tr(id);
        assert!(
            buttons.contains(&want),
            "button {want:?} ({id}) in {buttons:?}"
        );
    }
    let reset = po.ptr("card reset", "R_eset");
    assert!(buttons.contains(&reset), "button {reset:?} in {buttons:?}");
    let run_tip = po.tr("Run the Script (F5)");
    assert!(
        widgets
            .iter()
            .any(|x| x.tooltip_text().as_deref() == Some(run_tip.as_str())),
        "tooltip {run_tip:?}"
    );

    // A one-line script on the demo card: SELECT of an absent application.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("select.apdu");
    std::fs::write(&path, "00 A4 04 00 07 A0 00 00 00 03 10 10\n").unwrap();
    assert!(w.open_path(&path));
    w.reader_panel().select_reader(DEMO_READER);
    WidgetExt::activate_action(&w, "win.run", None).unwrap();
    let entries = || w.log_view().entries();
    wait_until("run finished", 30, || {
        !w.is_running() && entries().iter().any(|e| e.kind == EntryKind::Summary)
    });
    let rows: Vec<LogEntry> = entries();
    let x = rows
        .iter()
        .find(|e| e.kind == EntryKind::Exchange)
        .unwrap_or_else(|| panic!("one exchange: {rows:#?}"));
    assert_eq!(x.sw(), Some((0x6A, 0x82)), "{x:?}");
    // What the log's cells show: the meaning of 6A82, then the summary with
    // the singular form of "{n} command sent".
    let meaning = po.tr("File or application not found");
    let completed = po.tr("Script completed");
    let one = po.form(None, "{n} command sent", 0).replace("{n}", "1");
    let shown = || -> Vec<String> {
        descendants(w.log_view().upcast_ref())
            .iter()
            .flat_map(|c| {
                if let Some(l) = c.downcast_ref::<gtk::Label>() {
                    vec![l.label().to_string()]
                } else if let Some(line) = c.downcast_ref::<LogLine>() {
                    line.texts()
                } else {
                    Vec::new()
                }
            })
            .collect()
    };
    let found = |labels: &[String], want: &str| labels.iter().any(|l| l.contains(want));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut labels = shown();
    while !(found(&labels, &meaning) && found(&labels, &completed) && found(&labels, &one))
        && Instant::now() < deadline
    {
        glib::MainContext::default().iteration(false);
        labels = shown();
    }
    assert!(
        found(&labels, &meaning),
        "{meaning:?} in the log: {labels:?}"
    );
    assert!(
        found(&labels, &completed),
        "{completed:?} in the log: {labels:?}"
    );
    assert!(found(&labels, &one), "{one:?} in the log: {labels:?}");

    common::gui::close_window(&w);
}
