//! gettext set-up and small helpers. Translatable strings are marked with
//! `gettext(...)` / `ngettext(...)` calls so that xgettext (which reads `.rs`
//! files as C) finds them.

use std::path::{Path, PathBuf};

pub use gettextrs::{gettext, ngettext, pgettext};

use crate::config;

/// Initialise the locale and text domain. Call first thing in `main`.
pub fn init() {
    // SAFETY: called once at start-up, before any other thread exists.
    unsafe {
        gettextrs::setlocale(gettextrs::LocaleCategory::LcAll, "");
    }
    let dir = locale_dir();
    let _ = gettextrs::bindtextdomain(config::GETTEXT_PACKAGE, dir);
    let _ = gettextrs::bind_textdomain_codeset(config::GETTEXT_PACKAGE, "UTF-8");
    let _ = gettextrs::textdomain(config::GETTEXT_PACKAGE);
}

/// Where the `.mo` files are: `$APDU_SCRIPTOR_LOCALEDIR`, then the installed
/// directory, then `target/locale` next to a development binary.
pub fn locale_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("APDU_SCRIPTOR_LOCALEDIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = config::LOCALEDIR {
        return PathBuf::from(d);
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/{debug,release}/apdu-scriptor -> target/locale
        for anc in exe.ancestors().skip(1).take(4) {
            for cand in [anc.join("locale"), anc.join("target/locale")] {
                if has_catalog(&cand) {
                    return cand;
                }
            }
        }
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/locale"))
}

/// Whether `dir` holds a compiled catalog of ours in any language:
/// `dir/xx/LC_MESSAGES/apdu-scriptor.mo`.
fn has_catalog(dir: &Path) -> bool {
    let file = format!("{}.mo", config::GETTEXT_PACKAGE);
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().join("LC_MESSAGES").join(&file).is_file())
    })
}

/// `x` with `places` decimals and the language's decimal separator
/// ("12,5" in French), whatever the numeric locale of the process.
pub fn decimal(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    // TRANSLATORS: the decimal separator of your language, e.g. "," in
    // French and Russian (12,5 ms).
    let sep = pgettext("decimal separator", ".");
    if sep == "." {
        s
    } else {
        s.replace('.', &sep)
    }
}

/// Replace `{name}` placeholders in an already translated string, in one
/// pass: a value that holds `{other}` (a file named `{error}.apdu`) stays
/// as it is. Unknown placeholders are kept.
///
/// `gettext_f(&gettext("Reader {reader} not found"), &[("reader", name)])`
pub fn gettext_f(translated: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(translated.len());
    let mut rest = translated;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_dir_with_any_language_is_found() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_catalog(dir.path()));
        let de = dir.path().join("de/LC_MESSAGES");
        std::fs::create_dir_all(&de).unwrap();
        assert!(
            !has_catalog(dir.path()),
            "an empty LC_MESSAGES is no catalog"
        );
        std::fs::write(de.join(format!("{}.mo", config::GETTEXT_PACKAGE)), b"").unwrap();
        assert!(has_catalog(dir.path()));
        assert!(!has_catalog(&dir.path().join("missing")));
    }

    #[test]
    fn placeholders_are_replaced_by_name() {
        assert_eq!(
            gettext_f("{a} and {b} and {a}", &[("a", "x"), ("b", "y")]),
            "x and y and x"
        );
        assert_eq!(gettext_f("no {c}", &[("a", "x")]), "no {c}");
        assert_eq!(gettext_f("{ {a}} {", &[("a", "x")]), "{ x} {");
    }

    #[test]
    fn values_are_not_substituted_again() {
        // A file named "{error}.apdu" whose save failed.
        assert_eq!(
            gettext_f(
                "Could not save “{file}”: {error}",
                &[("file", "{error}.apdu"), ("error", "Permission denied")]
            ),
            "Could not save “{error}.apdu”: Permission denied"
        );
        assert_eq!(gettext_f("{a}{b}", &[("a", "{b}"), ("b", "{a}")]), "{b}{a}");
    }
}
