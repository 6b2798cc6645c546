//! The script language: gscriptor/scriptor's plain-text format plus our
//! extensions (trailing comments, expectations). See README "Script language".
//!
//! One statement per line:
//! - hex bytes, spaced (`00 A4 04 00 00`), compact (`00a4040000`) or mixed
//!   (`00a4 04 00`), separated by spaces or tabs, any case;
//! - a `\` at the end of a line continues the APDU on the next line (blank
//!   and comment lines in between are skipped, as scriptor does);
//! - `reset` and `exit` (any case) when they are alone on their line; nothing
//!   after `exit` is read, as in scriptor, so notes may follow it;
//! - `#` starts a comment anywhere (never part of a byte);
//! - after the bytes of an APDU's last line, an optional expectation:
//!   `[01 02 XX XX]` for the response data and then `(9000, 61XX)` for the
//!   accepted status words (comma-separated, two bytes each). `XX` (or `xx`)
//!   is a wildcard for a whole byte; half-byte wildcards such as `6X` are
//!   rejected so that a pattern always means whole bytes.
//!
//! Lines end with LF, CRLF or a lone CR (as in GtkTextBuffer). Columns are
//! 1-based and count characters, not bytes.

mod error;
mod expect;
mod extension;
mod file;
pub mod incremental;
pub mod parse;

pub use extension::{MAX_DELAY_MS, MAX_WAIT_SECONDS};
pub use file::{read_file, read_stream, ReadError};
pub use incremental::Incremental;
pub use parse::{parse, parse_at, parse_with_offset, statements, Statements, MAX_ERRORS};

/// A 1-based position in the source text. Columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// A statement's place in the source: from its first character to just
/// after its last one (`end` is exclusive). A statement continued with `\`
/// ends on a later line. Leading blanks, trailing blanks and comments are
/// outside the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// Does the span touch this line?
    pub fn contains_line(&self, line: usize) -> bool {
        self.start.line <= line && line <= self.end.line
    }

    /// The byte range of the span in `text`, the text that was parsed
    /// starting at line 1 column 1. `None` if the span is not in `text`.
    pub fn byte_range(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let start = byte_offset(text, self.start)?;
        let end = byte_offset(text, self.end)?;
        (start <= end).then_some(start..end)
    }
}

/// The byte offset of a 1-based line/column position in `text`, with the
/// parser's idea of lines (LF, CRLF, CR). A column one past the end of its
/// line is allowed.
pub fn byte_offset(text: &str, pos: Pos) -> Option<usize> {
    if pos.line == 0 || pos.col == 0 {
        return None;
    }
    let mut lines = parse::LineIter::new(text);
    let (start, line) = lines.nth(pos.line - 1)?;
    let mut chars = line.char_indices().map(|(i, _)| i).chain([line.len()]);
    chars.nth(pos.col - 1).map(|i| start + i)
}

/// One byte of a pattern: `Some(b)` must match exactly, `None` is `XX`.
pub type PatternByte = Option<u8>;

/// A byte pattern with `XX` wildcards, e.g. `61XX` or `[01 02 XX XX]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BytePattern(pub Vec<PatternByte>);

impl BytePattern {
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.0.len() == bytes.len()
            && self
                .0
                .iter()
                .zip(bytes)
                .all(|(p, b)| p.is_none_or(|p| p == *b))
    }
}

impl std::fmt::Display for BytePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 && self.0.len() > 2 {
                f.write_str(" ")?;
            }
            match b {
                Some(b) => write!(f, "{b:02X}")?,
                None => f.write_str("XX")?,
            }
        }
        Ok(())
    }
}

/// What an APDU line expects back: `(9000, 61XX)` and optionally `[data]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expectation {
    /// Expected response data (without SW), if given.
    pub data: Option<BytePattern>,
    /// Accepted status words (each two bytes); empty means any.
    pub sw: Vec<BytePattern>,
}

impl Expectation {
    /// Does a full response (data + SW1 SW2) satisfy this expectation?
    pub fn matches(&self, response: &[u8]) -> bool {
        if response.len() < 2 {
            return false;
        }
        let (data, sw) = response.split_at(response.len() - 2);
        let sw_ok = self.sw.is_empty() || self.sw.iter().any(|p| p.matches(sw));
        let data_ok = self.data.as_ref().is_none_or(|p| p.matches(data));
        sw_ok && data_ok
    }
}

/// As written in a script: `[01 02 XX] (9000, 61XX)`.
impl std::fmt::Display for Expectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(d) = &self.data {
            write!(f, "[{d}]")?;
        }
        if !self.sw.is_empty() {
            if self.data.is_some() {
                f.write_str(" ")?;
            }
            f.write_str("(")?;
            for (i, p) in self.sw.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{p}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApduStatement {
    /// The bytes to send, exactly as written.
    pub bytes: Vec<u8>,
    /// The command as scriptor echoes it after its `> ` marker: the hex as
    /// typed (case kept) after continuation joining, with compact hex
    /// expanded to `xx ` pairs (scriptor's quirk keeps a trailing space).
    pub echo: String,
    pub expect: Option<Expectation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    Apdu(ApduStatement),
    /// `reset`: warm reset, shows the ATR.
    Reset,
    /// `exit`: stop the script here.
    Exit,
    /// `reset cold`: power the card off and on (SCARD_UNPOWER_CARD), shows the ATR.
    ResetCold,
    /// `delay MS`: wait this many milliseconds.
    Delay(u32),
    /// `wait card [SECONDS]`: block until a card is in the reader (for ever
    /// without SECONDS).
    WaitCard(Option<u32>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A character that is not a hex digit where a byte was expected.
    InvalidChar(char),
    /// An odd number of hex digits in a token (`00A`).
    OddDigits,
    /// `0x` prefixes are not part of the language.
    HexPrefix,
    /// A `\` continuation with nothing after it: on the last line, or
    /// followed by `reset`/`exit`. The APDU is never completed.
    DanglingContinuation,
    /// A malformed `( … )` or `[ … ]` expectation; the string (already
    /// translated) says what was expected.
    BadExpectation(String),
    /// An expectation with no APDU before it.
    ExpectationWithoutApdu,
    /// A `\` that is not the last thing on its line.
    MisplacedContinuation,
    /// `reset` or `exit` followed by more text (`Reset the card please`);
    /// the string is the keyword in lower case.
    TextAfterKeyword(String),
    /// A line that starts with a word that is neither hex nor a keyword.
    UnknownWord(String),
    /// An APDU of this many bytes, fewer than the 4 of a header (such a
    /// command can wedge a reader).
    ApduTooShort(usize),
    /// An APDU of this many bytes, more than the longest extended command.
    ApduTooLong(usize),
    /// A malformed `delay` or `wait card`; the string (already translated)
    /// says what was expected.
    BadStatement(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub kind: ParseErrorKind,
}

/// A parsed script: statements in order and the first [`MAX_ERRORS`]
/// errors found, in position order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub statements: Vec<Statement>,
    pub errors: Vec<ParseError>,
    /// How many more errors there are after the last of `errors`.
    pub more_errors: usize,
}

impl Script {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// All the errors, listed or not.
    pub fn error_count(&self) -> usize {
        self.errors.len() + self.more_errors
    }

    /// Is there an error on the lines `first..=last`? Errors past the listed
    /// ones are after the last listed one, so they may be there too.
    pub fn has_errors_in_lines(&self, first: usize, last: usize) -> bool {
        self.errors
            .iter()
            .any(|e| (first..=last).contains(&e.pos.line))
            || (self.more_errors > 0 && self.errors.last().is_some_and(|e| e.pos.line <= last))
    }

    /// The statement that covers `line` (its own line, or any line of a
    /// `\`-continued APDU, including blank and comment lines inside it).
    /// Statements never overlap, so this is a binary search.
    pub fn statement_at_line(&self, line: usize) -> Option<&Statement> {
        let i = self.statements.partition_point(|s| s.span.end.line < line);
        self.statements
            .get(i)
            .filter(|s| s.span.contains_line(line))
    }

    /// The statements that touch the lines `first..=last` (a selection).
    pub fn statements_in_lines(&self, first: usize, last: usize) -> &[Statement] {
        let from = self.statements.partition_point(|s| s.span.end.line < first);
        let to = self
            .statements
            .partition_point(|s| s.span.start.line <= last);
        self.statements.get(from..to.max(from)).unwrap_or(&[])
    }

    /// The errors reported on `line`, in column order.
    pub fn errors_on_line(&self, line: usize) -> impl Iterator<Item = &ParseError> {
        self.errors.iter().filter(move |e| e.pos.line == line)
    }
}

#[cfg(test)]
mod tests;
