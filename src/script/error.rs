//! Translated messages for parse errors.

use super::{ParseError, ParseErrorKind};
use crate::i18n::{gettext, gettext_f};

impl ParseError {
    /// What is wrong and what was expected, translated.
    pub fn message(&self) -> String {
        match &self.kind {
            ParseErrorKind::InvalidChar(c) => gettext_f(
                &gettext("Invalid character '{char}': expected a hex digit"),
                &[("char", &shown(*c))],
            ),
            ParseErrorKind::OddDigits => gettext(
                "Odd number of hex digits: expected two digits for each byte",
            ),
            ParseErrorKind::HexPrefix => gettext(
                "Hex prefix '0x': expected plain hex digits, such as 00 A4 instead of 0x00 0xA4",
            ),
            ParseErrorKind::DanglingContinuation => gettext(
                "The APDU continues with '\\' but nothing follows: expected more hex bytes on the next line",
            ),
            ParseErrorKind::BadExpectation(detail) => gettext_f(
                &gettext("Invalid expectation: {detail}"),
                &[("detail", detail)],
            ),
            ParseErrorKind::ExpectationWithoutApdu => gettext(
                "Expectation without an APDU: expected hex bytes before '(' or '['",
            ),
            ParseErrorKind::MisplacedContinuation => gettext(
                "Misplaced '\\': expected it only at the end of a line, to continue the APDU",
            ),
            ParseErrorKind::TextAfterKeyword(keyword) => gettext_f(
                &gettext("Unexpected text after '{keyword}': expected the keyword alone on its line"),
                &[("keyword", keyword)],
            ),
            ParseErrorKind::BadStatement(detail) => gettext_f(
                &gettext("Invalid statement: {detail}"),
                &[("detail", detail)],
            ),
            ParseErrorKind::UnknownWord(word) => gettext_f(
                &gettext("Unknown word '{word}': expected hex bytes, 'reset' or 'exit'"),
                &[("word", word)],
            ),
        }
    }
}

/// A character as the user can see it: control characters escaped.
pub(super) fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        c.escape_unicode().to_string()
    } else {
        c.to_string()
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = self.pos.line.to_string();
        let col = self.pos.col.to_string();
        f.write_str(&gettext_f(
            &gettext("line {line}, column {column}: {message}"),
            &[
                ("line", &line),
                ("column", &col),
                ("message", &self.message()),
            ],
        ))
    }
}

impl std::error::Error for ParseError {}
