//! The window in French and in Russian: menu items, buttons and the log's
//! status-word meanings come out of `po/xx.po`. The expected texts are read
//! from the `.po` files, so a translation fix does not break the test, but a
//! string that stays English (or a `.mo` that is not loaded) does.
//!
//! A `harness = false` binary: the parent compiles the `.po` files into a
//! temporary locale directory and runs itself once per language, because
//! the language is fixed when gettext and GTK start.
//!
//! A third run uses `tests/data/de-partial.po`, a German translation of a
//! handful of messages: those show in German, everything else in English
//! (gettext falls back message by message), which is why partial languages
//! are welcome in `po/`.
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
use apdu_scriptor::ui::Window;
use common::gui::{descendants, wait_until};
use gtk::{gio, glib};

/// Set in the child processes: the language under test.
const CHILD_VAR: &str = "APDU_SCRIPTOR_I18N_TEST_LANG";
/// English (the source), complete languages read from `po/`, and the
/// partial German test file.
const LANGS: [&str; 4] = ["en", "fr", "ru", "de"];

fn main() {
    match std::env::var(CHILD_VAR) {
        Ok(lang) => child(&lang),
        Err(_) => parent(),
    }
}

fn parent() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let locale = tmp.path().join("locale");
    for lang in LANGS.into_iter().filter(|l| *l != "en") {
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
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    if lang == "de" {
        return top.join("tests/data/de-partial.po");
    }
    top.join("po").join(format!("{lang}.po"))
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

    /// The translation of a template that may rightly equal the English,
    /// such as "{tooltip} ({shortcut})".
    fn template(&self, id: &str) -> String {
        let s = self.0.get(id).and_then(|f| f.first()).cloned();
        let s = s.unwrap_or_else(|| panic!("{id:?} is not in the .po file"));
        assert!(!s.is_empty(), "{id:?} is not translated");
        s
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
    let (app, _hold) = common::gui::start_app();
    let w = common::gui::window(&app);
    let widgets = descendants(w.upcast_ref());
    let menu = primary_menu(&widgets);
    unique_mnemonics(&menu);
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
    let buttons = button_labels(&widgets);
    if lang == "en" {
        // Exactly one error has a sentence of its own.
        let (count, tip) = error_count_texts(&w, 1);
        assert_eq!(count, "One error in the script, on line 1");
        assert_eq!(tip, "The script has one error: fix it to run the script");
        let (count, tip) = error_count_texts(&w, 2);
        assert_eq!(count, "2 errors in the script, the first on line 1");
        assert_eq!(tip, "The script has 2 errors: fix them to run the script");
        common::gui::close_window(&w);
        return;
    }

    let log = if lang == "de" {
        partial_german(&items, &buttons)
    } else {
        complete_language(lang, &widgets, &items, &buttons)
    };
    let cells = run_and_check_log(&w, &log);
    if lang == "ru" {
        // 21 takes the form of 1 in Russian, which must still say "21".
        let (count, tip) = error_count_texts(&w, 21);
        assert_eq!(count, "21 ошибка в сценарии, первая — в строке 1");
        assert_eq!(
            tip,
            "В сценарии 21 ошибка: исправьте сценарий, чтобы выполнить его"
        );
    }
    if lang != "de" {
        // The demo card's name in the reader list, and durations, in the
        // language too.
        let po = Catalog::load(lang);
        let demo = po.ptr("reader list", "APDU Scriptor Demo Card");
        let rows: Vec<String> = descendants(w.upcast_ref())
            .iter()
            .filter_map(|x| x.downcast_ref::<adw::PreferencesRow>())
            .map(|r| r.title().to_string())
            .collect();
        assert!(rows.contains(&demo), "{demo:?} in {rows:?}");
        // An ATR byte and its meaning through one template, so French
        // writes "3B : Convention directe" with its no-break space.
        let ts = po
            .template("{value}: {explanation}")
            .replace("{value}", "3B")
            .replace("{explanation}", &po.tr("Direct convention"));
        w.reader_panel().select_reader(DEMO_READER);
        WidgetExt::activate_action(&w, "win.connect", None).unwrap();
        common::gui::iterate_until(10.0, || w.reader_panel().connected_reader().is_some());
        // The panel shows the ATR of the selected reader's card.
        w.reader_panel().select_reader(DEMO_READER);
        let atr_rows = || -> Vec<(String, String)> {
            descendants(w.upcast_ref())
                .iter()
                .filter_map(|x| x.downcast_ref::<adw::ActionRow>())
                .map(|r| {
                    (
                        r.title().to_string(),
                        r.subtitle().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        let want = ("TS".to_owned(), ts.clone());
        common::gui::iterate_until(10.0, || atr_rows().contains(&want));
        let rows = atr_rows();
        assert!(rows.contains(&want), "{want:?} in {rows:?}");
        if lang == "fr" {
            assert_eq!(ts, "3B\u{a0}: Convention directe");
        }
        let units: Vec<String> = ["{n} µs", "{n} ms"]
            .iter()
            .map(|id| po.tr(id).replace("{n}", ""))
            .collect();
        assert!(
            cells.iter().any(|c| units.iter().any(|u| c.ends_with(u))),
            "a duration in {units:?} in {cells:?}"
        );
        assert!(
            !cells
                .iter()
                .any(|c| c.ends_with(" µs") || c.ends_with(" ms")),
            "{cells:?}"
        );
    }
    common::gui::close_window(&w);
}

/// With `n` invalid lines and the cursor on a valid one: the editor's
/// message and the Run button's tooltip.
fn error_count_texts(w: &Window, n: usize) -> (String, String) {
    let editor = w.editor();
    editor.set_text(&format!("{}00 A4 00 00\n", "zz\n".repeat(n)));
    editor.validate_now();
    editor.move_cursor_to_line(n + 1);
    let mut found = None;
    wait_until("the error count message", 5, || {
        let widgets = descendants(w.upcast_ref());
        let label = widgets
            .iter()
            .filter_map(|x| x.downcast_ref::<gtk::Label>())
            .find(|l| l.has_css_class("editor-message") && l.is_visible())
            .map(|l| l.label().to_string());
        let tip = widgets
            .iter()
            .filter_map(|x| x.downcast_ref::<gtk::Button>())
            .find(|b| b.action_name().as_deref() == Some("win.run"))
            .and_then(|b| b.tooltip_text())
            .map(String::from);
        found = label
            .zip(tip)
            .filter(|(l, _)| l.contains(&n.to_string()) || n == 1);
        found.is_some()
    });
    found.unwrap()
}

/// The mnemonics of one menu level (its sections included, its submenus
/// apart) differ, in the language of the process.
fn unique_mnemonics(model: &gio::MenuModel) {
    fn level(
        model: &gio::MenuModel,
        out: &mut Vec<(char, String)>,
        subs: &mut Vec<gio::MenuModel>,
    ) {
        for i in 0..model.n_items() {
            if let Some(label) = model
                .item_attribute_value(i, "label", Some(glib::VariantTy::STRING))
                .and_then(|v| v.get::<String>())
            {
                if let Some(c) = label.split_once('_').and_then(|(_, r)| r.chars().next()) {
                    out.push((c.to_lowercase().next().unwrap_or(c), label.clone()));
                }
            }
            if let Some(sec) = model.item_link(i, "section") {
                level(&sec, out, subs);
            }
            if let Some(sub) = model.item_link(i, "submenu") {
                subs.push(sub);
            }
        }
    }
    let mut keys = Vec::new();
    let mut subs = Vec::new();
    level(model, &mut keys, &mut subs);
    for (i, (c, label)) in keys.iter().enumerate() {
        if let Some((_, other)) = keys[i + 1..].iter().find(|(d, _)| d == c) {
            panic!("mnemonic {c:?} of {label:?} and {other:?}");
        }
    }
    for sub in subs {
        unique_mnemonics(&sub);
    }
}

/// The main menu, as built from window.ui.
fn primary_menu(widgets: &[gtk::Widget]) -> gio::MenuModel {
    widgets
        .iter()
        .filter_map(|x| x.downcast_ref::<gtk::MenuButton>())
        .find(|b| b.is_primary())
        .and_then(|b| b.menu_model())
        .expect("the primary menu button has a menu")
}

/// The German test file's strings where they are translated, English
/// elsewhere; returns what the log must show after the run.
fn partial_german(items: &[String], buttons: &[String]) -> [String; 3] {
    for (want, what) in [
        ("_Neu", "translated menu item"),
        ("_Öffnen …", "translated menu item"),
        ("_Preferences", "untranslated menu item"),
        ("Save _As…", "untranslated menu item"),
    ] {
        assert!(
            items.iter().any(|l| l == want),
            "{what} {want:?} in {items:?}"
        );
    }
    assert!(!items.iter().any(|l| l == "_New"), "{items:?}");
    for (want, what) in [
        ("_Ausführen", "translated button"),
        ("_Verbinden", "translated button"),
        ("S_top", "untranslated button"),
        ("_Disconnect", "untranslated button"),
    ] {
        assert!(
            buttons.iter().any(|l| l == want),
            "{what} {want:?} in {buttons:?}"
        );
    }
    assert!(!buttons.iter().any(|l| l == "_Run"), "{buttons:?}");
    [
        "Datei oder Anwendung nicht gefunden".to_owned(),
        "Skript abgeschlossen".to_owned(),
        "1 Befehl gesendet".to_owned(),
    ]
}

/// Every checked string translated as in po/`lang`.po; returns what the log
/// must show after the run.
fn complete_language(
    lang: &str,
    widgets: &[gtk::Widget],
    items: &[String],
    buttons: &[String],
) -> [String; 3] {
    let po = Catalog::load(lang);
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
        "A_bout APDU Scriptor",
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
    for id in ["_Run", "S_top", "_Open", "_Connect", "_Disconnect"] {
        let want = po.tr(id);
        assert!(
            buttons.contains(&want),
            "button {want:?} ({id}) in {buttons:?}"
        );
    }
    let reset = po.ptr("card reset", "R_eset");
    assert!(buttons.contains(&reset), "button {reset:?} in {buttons:?}");
    // Tooltips name their shortcut as GTK writes it in the language
    // ("Maj+Ctrl+K" in French), through the translated template.
    let tips: Vec<String> = widgets
        .iter()
        .filter_map(|x| x.tooltip_text().map(String::from))
        .collect();
    for (id, accel) in [
        ("Run the script", "F5"),
        ("Disconnect from the card", "<Shift><Control>k"),
    ] {
        let (key, mods) = gtk::accelerator_parse(accel).unwrap();
        let want = po
            .template("{tooltip} ({shortcut})")
            .replace("{tooltip}", &po.tr(id))
            .replace("{shortcut}", &gtk::accelerator_get_label(key, mods));
        assert!(tips.contains(&want), "tooltip {want:?} in {tips:?}");
    }
    if lang == "fr" {
        assert!(
            tips.iter().any(|t| t.contains("(Maj+Ctrl+K)")),
            "GTK's French key names in {tips:?}"
        );
    }

    // What the log's cells show after the run: the meaning of 6A82, then the
    // summary with the singular form of "{n} command sent".
    [
        po.tr("File or application not found"),
        po.tr("Script completed"),
        po.form(None, "{n} command sent", 0).replace("{n}", "1"),
    ]
}

/// Run a one-line script on the demo card (SELECT of an absent
/// application) and wait for `log` (meaning, outcome, count) in the log.
/// Returns the texts of the log's cells after the run.
fn run_and_check_log(w: &Window, log: &[String; 3]) -> Vec<String> {
    let [meaning, completed, one] = log;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("select.apdu");
    std::fs::write(&path, "00 A4 04 00 07 A0 00 00 00 03 10 10\n").unwrap();
    assert!(w.open_path(&path));
    w.reader_panel().select_reader(DEMO_READER);
    WidgetExt::activate_action(w, "win.run", None).unwrap();
    let entries = || w.log_view().entries();
    wait_until("run finished", 30, || {
        !w.is_running() && entries().iter().any(|e| e.kind == EntryKind::Summary)
    });
    // At the default size, no column title is cut, even in long words.
    let header = w.log_view().header();
    assert!(
        header.clipped_columns().is_empty(),
        "cut titles {:?} of {:?}",
        header.clipped_columns(),
        header.texts()
    );
    let rows: Vec<LogEntry> = entries();
    let x = rows
        .iter()
        .find(|e| e.kind == EntryKind::Exchange)
        .unwrap_or_else(|| panic!("one exchange: {rows:#?}"));
    assert_eq!(x.sw(), Some((0x6A, 0x82)), "{x:?}");
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
    while !(found(&labels, meaning) && found(&labels, completed) && found(&labels, one))
        && Instant::now() < deadline
    {
        glib::MainContext::default().iteration(false);
        labels = shown();
    }
    assert!(
        found(&labels, meaning),
        "{meaning:?} in the log: {labels:?}"
    );
    assert!(
        found(&labels, completed),
        "{completed:?} in the log: {labels:?}"
    );
    assert!(found(&labels, one), "{one:?} in the log: {labels:?}");
    labels
}
