//! The script language: gscriptor/scriptor's plain-text format plus our
//! extensions (trailing comments, expectations). See README "Script language".

pub mod parse;

pub use parse::parse;

/// A 1-based position in the source text. Columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// A statement's place in the source: the first and last line it covers
/// (more than one with `\` continuations) and the columns on the first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
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
    /// The last line ends with `\`: the APDU is never completed.
    DanglingContinuation,
    /// A malformed `( … )` or `[ … ]` expectation; the string says what.
    BadExpectation(String),
    /// An expectation with no APDU before it.
    ExpectationWithoutApdu,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub kind: ParseErrorKind,
}

/// A parsed script: statements in order and every error found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub statements: Vec<Statement>,
    pub errors: Vec<ParseError>,
}

impl Script {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}
