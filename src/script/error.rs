//! Translated messages for parse errors.

use super::{ParseError, ParseErrorKind};
use crate::apdu::command::MAX_COMMAND_LEN;
use crate::i18n::{gettext, gettext_f, ngettext};

impl ParseError {
    /// What is wrong and what was expected, translated.
    pub fn message(&self) -> String {
        match &self.kind {
            ParseErrorKind::InvalidChar(c) => gettext_f(
                // TRANSLATORS: {char} is one character of the script, e.g. "z".
                &gettext("Invalid character “{char}”: expected a hex digit"),
                &[("char", &shown(*c))],
            ),
            ParseErrorKind::OddDigits => gettext(
                "Odd number of hex digits: expected two digits for each byte",
            ),
            ParseErrorKind::HexPrefix => gettext(
                "Hex prefix “0x”: expected plain hex digits, such as 00 A4 instead of 0x00 0xA4",
            ),
            ParseErrorKind::DanglingContinuation => gettext(
                "The APDU continues with “\\” but nothing follows: expected more hex bytes on the next line",
            ),
            ParseErrorKind::BadExpectation(detail) => gettext_f(
                // TRANSLATORS: {detail} is one of the lower-case expectation
                // messages, e.g. "expected “)” to close the status words".
                &gettext("Invalid expectation: {detail}"),
                &[("detail", detail)],
            ),
            ParseErrorKind::ExpectationWithoutApdu => gettext(
                "Expectation without an APDU: expected hex bytes before “(” or “[”",
            ),
            ParseErrorKind::MisplacedContinuation => gettext(
                "Misplaced “\\”: expected it only at the end of a line, to continue the APDU",
            ),
            ParseErrorKind::TextAfterKeyword(keyword) => gettext_f(
                // TRANSLATORS: {keyword} is "reset" or "exit", words of the script language:
                // keep them.
                &gettext("Unexpected text after “{keyword}”: expected the keyword alone on its line"),
                &[("keyword", keyword)],
            ),
            ParseErrorKind::BadStatement(detail) => gettext_f(
                &gettext("Invalid statement: {detail}"),
                &[("detail", detail)],
            ),
            ParseErrorKind::UnknownWord(word) => gettext_f(
                // TRANSLATORS: {word} is a word of the script, e.g. "select"; keep “reset” and
                // “exit”.
                &gettext("Unknown word “{word}”: expected hex bytes, “reset” or “exit”"),
                &[("word", word)],
            ),
            ParseErrorKind::ApduTooShort(n) => gettext_f(
                &ngettext(
                    "APDU of {n} byte: expected at least the 4 bytes CLA INS P1 P2",
                    "APDU of {n} bytes: expected at least the 4 bytes CLA INS P1 P2",
                    u32::try_from(*n).unwrap_or(u32::MAX),
                ),
                &[("n", &n.to_string())],
            ),
            ParseErrorKind::ApduTooLong(n) => gettext_f(
                &gettext("APDU of {n} bytes: expected at most {max} bytes, the longest extended command"),
                &[("n", &n.to_string()), ("max", &MAX_COMMAND_LEN.to_string())],
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
            // TRANSLATORS: {line} and {column} are numbers; {message} one of the script error
            // messages.
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
