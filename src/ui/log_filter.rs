//! What the log's search keeps: a status word pattern (`6A82`, `61XX`),
//! bytes in hex found in the command or the response (`A4 04`, `3f00`), or
//! else words of the meaning; and, if asked, only the rows that went wrong.

use super::log_entry::{EntryKind, LogEntry};
use crate::apdu::status::{severity, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// Everything.
    Any,
    /// Four hex digits or X: the status word, `X` any digit.
    Sw([Option<u8>; 4]),
    /// Bytes, found at a byte boundary in the command or the response.
    Bytes(String),
    /// Text of the meaning, lower case.
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pattern: Pattern,
    errors_only: bool,
}

impl LogQuery {
    /// The query for the search text `text`.
    pub fn parse(text: &str, errors_only: bool) -> LogQuery {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect::<String>()
            .to_ascii_uppercase();
        let pattern = if compact.is_empty() {
            Pattern::Any
        } else if compact.len() == 4
            && compact.chars().any(|c| c == 'X')
            && compact.chars().all(|c| c == 'X' || c.is_ascii_hexdigit())
        {
            let mut digits = [None; 4];
            for (d, c) in digits.iter_mut().zip(compact.chars()) {
                *d = c.to_digit(16).map(|v| v as u8);
            }
            Pattern::Sw(digits)
        } else if compact.len() % 2 == 0 && compact.chars().all(|c| c.is_ascii_hexdigit()) {
            Pattern::Bytes(compact)
        } else {
            Pattern::Text(text.trim().to_lowercase())
        };
        LogQuery {
            pattern,
            errors_only,
        }
    }

    /// Whether the query keeps every row.
    pub fn is_empty(&self) -> bool {
        self.pattern == Pattern::Any && !self.errors_only
    }

    pub fn matches(&self, e: &LogEntry) -> bool {
        if self.errors_only && !went_wrong(e) {
            return false;
        }
        match &self.pattern {
            Pattern::Any => true,
            Pattern::Sw(digits) => e.sw().is_some_and(|(a, b)| {
                let have = [a >> 4, a & 0xF, b >> 4, b & 0xF];
                digits
                    .iter()
                    .zip(have)
                    .all(|(want, got)| want.is_none_or(|w| w == got))
            }),
            Pattern::Bytes(hex) => {
                // Four-digit hex is also a status word: 9000 finds it.
                let sw = hex.len() == 4 && e.sw_text() == *hex;
                sw || has_bytes(&e.command, hex) || has_bytes(&e.response, hex)
            }
            Pattern::Text(t) => e.meaning().to_lowercase().contains(t.as_str()),
        }
    }
}

/// An error row, a failed expectation, or an error status word.
fn went_wrong(e: &LogEntry) -> bool {
    e.kind == EntryKind::Error
        || (e.kind == EntryKind::Exchange && e.check == Some(false))
        || (e.kind == EntryKind::Summary && e.check == Some(false))
        || e.sw()
            .is_some_and(|(a, b)| severity(a, b) == Severity::Error)
}

/// Whether `hex` (upper case, even length) is found at a byte boundary of
/// `bytes` written in hex.
fn has_bytes(bytes: &[u8], hex: &str) -> bool {
    let all: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    all.match_indices(hex).any(|(i, _)| i % 2 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::log_entry::Time;
    use proptest::prelude::*;

    fn exchange(command: &[u8], response: &[u8]) -> LogEntry {
        LogEntry {
            command: command.to_vec(),
            response: response.to_vec(),
            ..LogEntry::message(EntryKind::Exchange, Time(0), 1, String::new())
        }
    }

    #[test]
    fn status_word_patterns() {
        let e = exchange(&[0x00, 0xA4, 0x04, 0x00], &[0x61, 0x10]);
        assert!(LogQuery::parse("61XX", false).matches(&e));
        assert!(LogQuery::parse("61xx", false).matches(&e));
        assert!(LogQuery::parse("6110", false).matches(&e));
        assert!(!LogQuery::parse("6A82", false).matches(&e));
        assert!(!LogQuery::parse("6AXX", false).matches(&e));
        assert!(LogQuery::parse("XX10", false).matches(&e));
    }

    #[test]
    fn bytes_at_byte_boundaries() {
        let e = exchange(&[0x00, 0xA4, 0x04, 0x00], &[0x3F, 0x00, 0x90, 0x00]);
        assert!(LogQuery::parse("a4 04", false).matches(&e));
        assert!(LogQuery::parse("3F00", false).matches(&e));
        assert!(!LogQuery::parse("4A", false).matches(&e), "0A 40 is not 4A");
        assert!(!LogQuery::parse("B0", false).matches(&e));
    }

    #[test]
    fn text_and_errors_only() {
        let ok = exchange(&[0x00, 0xB0, 0x00, 0x00], &[0x90, 0x00]);
        let bad = exchange(&[0x00, 0xB0, 0x00, 0x00], &[0x6A, 0x82]);
        let q = LogQuery::parse("not found", false);
        assert!(q.matches(&bad) && !q.matches(&ok));
        let errors = LogQuery::parse("", true);
        assert!(errors.matches(&bad) && !errors.matches(&ok));
        assert!(LogQuery::parse("", false).is_empty());
        assert!(!errors.is_empty());
        let failed = LogEntry {
            check: Some(false),
            ..ok.clone()
        };
        assert!(errors.matches(&failed));
    }

    proptest! {
        #[test]
        fn any_text_parses_and_matches_without_panic(text in "\\PC{0,40}", errors in any::<bool>()) {
            let q = LogQuery::parse(&text, errors);
            let e = exchange(&[0x00, 0xA4, 0x04, 0x00], &[0x61, 0x10]);
            let _ = q.matches(&e);
        }
    }
}
