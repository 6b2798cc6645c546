//! The translation checks of `tools/i18n.sh`: partial languages pass,
//! broken files fail, the project's own languages stay complete, and
//! `msgfmt -c` itself sees the `{placeholders}` of the template.
//!
//! These tests run gettext's tools (msgfmt, msgmerge, xgettext) on copies
//! in temporary directories; they never write into `po/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn top() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn i18n(args: &[&str]) -> Output {
    Command::new("sh")
        .arg(top().join("tools/i18n.sh"))
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run tools/i18n.sh")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A copy of po/`lang`.po with `edit` applied to its text.
fn planted(dir: &Path, lang: &str, edit: impl FnOnce(&str) -> String) -> PathBuf {
    let src = std::fs::read_to_string(top().join(format!("po/{lang}.po"))).unwrap();
    let edited = edit(&src);
    assert_ne!(edited, src, "the edit changed nothing");
    let path = dir.join(format!("{lang}.po"));
    std::fs::write(&path, edited).unwrap();
    path
}

/// Replace `from` by `to` in the first `msgstr` line that contains it.
fn in_first_msgstr(text: &str, from: &str, to: &str) -> String {
    let mut done = false;
    text.lines()
        .map(|l| {
            if !done && l.starts_with("msgstr") && l.contains(from) {
                done = true;
                l.replacen(from, to, 1)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_template_marks_placeholders_python_brace_format() {
    let pot = std::fs::read_to_string(top().join("po/apdu-scriptor.pot")).unwrap();
    let entries: Vec<&str> = pot.split("\n\n").collect();
    let with_brace: Vec<&&str> = entries
        .iter()
        .filter(|e| {
            e.lines()
                .filter(|l| l.starts_with("msgid") || l.starts_with('"'))
                .any(|l| l.contains("{n}") || l.contains("{reader}"))
        })
        .collect();
    assert!(with_brace.len() > 20, "{} entries", with_brace.len());
    for e in with_brace {
        assert!(e.contains("python-brace-format"), "no flag on:\n{e}");
    }
}

#[test]
fn msgfmt_rejects_a_renamed_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let bad = planted(dir.path(), "fr", |t| {
        in_first_msgstr(t, "{reader}", "{lecteur}")
    });
    let out = Command::new("msgfmt")
        .args(["-c", "-o", "/dev/null"])
        .arg(&bad)
        .env("LC_ALL", "C")
        .output()
        .expect("msgfmt (gettext) is installed");
    assert!(!out.status.success(), "msgfmt -c accepted {{lecteur}}");
    assert!(text(&out).contains("'lecteur'"), "{}", text(&out));

    let out = i18n(&["check", bad.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is broken"), "{}", text(&out));
}

#[test]
fn the_check_rejects_a_placeholder_missing_from_one_plural_form() {
    let dir = tempfile::tempdir().unwrap();
    // ru.po: form 1 of "{n} command sent" without its {n}.
    let bad = planted(dir.path(), "ru", |t| {
        let start = t
            .find("msgid \"{n} command sent\"")
            .expect("message in ru.po");
        let form = start + t[start..].find("msgstr[1] \"{n} ").unwrap();
        format!(
            "{}msgstr[1] \"{}",
            &t[..form],
            &t[form + "msgstr[1] \"{n} ".len()..]
        )
    });
    let out = i18n(&["check", bad.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("msgstr[1]"), "{}", text(&out));
}

#[test]
fn the_check_rejects_an_empty_plural_form() {
    let dir = tempfile::tempdir().unwrap();
    let bad = planted(dir.path(), "ru", |t| {
        let start = t
            .find("msgid \"{n} command sent\"")
            .expect("message in ru.po");
        let form = start + t[start..].find("msgstr[2] \"").unwrap();
        let end = form + t[form..].find('\n').unwrap();
        format!("{}msgstr[2] \"\"{}", &t[..form], &t[end..])
    });
    let out = i18n(&["check", bad.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    // msgfmt sees the missing {n} first; the check's own test for empty
    // forms covers plural messages without placeholders.
    let t = text(&out);
    assert!(
        t.contains("msgstr[2]") || t.contains("plural form is empty"),
        "{t}"
    );
}

#[test]
fn a_partial_language_passes_and_shows_its_percentage() {
    let dir = tempfile::tempdir().unwrap();
    let de = dir.path().join("de.po");
    std::fs::copy(top().join("tests/data/de-partial.po"), &de).unwrap();
    let out = i18n(&["check", de.to_str().unwrap()]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    // "7 of N messages translated (P %)", P the share of N, rounded down.
    let total: usize = t
        .split("7 of ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("7 of N in {t}"));
    assert!(t.contains(&format!("({} %)", 7 * 100 / total)), "{t}");
    assert!(t.contains("all checks passed"), "{t}");
}

#[test]
fn french_and_russian_are_complete() {
    let out = i18n(&["complete", "fr", "ru"]);
    assert!(out.status.success(), "{}", text(&out));

    // …and the same command fails when one message is left untranslated.
    let dir = tempfile::tempdir().unwrap();
    let partial = planted(dir.path(), "fr", |t| {
        t.replace("msgstr \"Script terminé\"\n", "msgstr \"\"\n")
    });
    let out = i18n(&["complete", partial.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 untranslated"), "{}", text(&out));
}

#[test]
fn command_names_are_not_offered_for_translation() {
    // ISO/IEC 7816-4 and GlobalPlatform names stay as the standards spell
    // them; the log still shows them.
    let pot = std::fs::read_to_string(top().join("po/apdu-scriptor.pot")).unwrap();
    for name in ["SELECT", "GET RESPONSE", "READ BINARY", "INSTALL", "FETCH"] {
        assert!(
            !pot.contains(&format!("msgid \"{name}\"")),
            "{name} is in the template"
        );
    }
    assert_eq!(
        apdu_scriptor::apdu::command::ins_name(0x00, 0xA4).as_deref(),
        Some("SELECT")
    );
}

#[test]
fn french_typography_is_checked() {
    // A plain space before a colon in fr.po: the check of the complete
    // languages names it.
    let dir = tempfile::tempdir().unwrap();
    let bad = planted(dir.path(), "fr", |t| {
        in_first_msgstr(t, "Script arrêté\u{a0}:", "Script arrêté :")
    });
    let out = i18n(&["complete", bad.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("French typography"), "{}", text(&out));
    assert!(text(&out).contains("Script arrêté :"), "{}", text(&out));
}

#[test]
fn russian_quotes_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = planted(dir.path(), "ru", |t| {
        in_first_msgstr(t, "«exit»", "\\\"exit\\\"")
    });
    let out = i18n(&["complete", bad.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("English quotes"), "{}", text(&out));
}
