//! Line-by-line parser. It works on bytes and only decodes characters where
//! a non-ASCII one shows up (an error, or Unicode blank), so it is fast on
//! large scripts and never slices inside a character.

use super::{
    expect, ApduStatement, ParseError, ParseErrorKind, Pos, Script, Span, Statement, StatementKind,
};
use crate::apdu::command::{MAX_COMMAND_LEN, MIN_COMMAND_LEN};
use crate::i18n::gettext;

/// How many errors a parse keeps (with their positions); the others are
/// only counted, in [`Script::more_errors`].
pub const MAX_ERRORS: usize = 100;

/// Parse a whole script. Never panics; every error is collected.
pub fn parse(text: &str) -> Script {
    parse_at(text, Pos { line: 1, col: 1 })
}

/// Parse lines taken out of a larger text (a selection) so that positions
/// refer to the larger text: the first line of `text` is `first_line`.
pub fn parse_with_offset(text: &str, first_line: usize) -> Script {
    parse_at(
        text,
        Pos {
            line: first_line,
            col: 1,
        },
    )
}

/// Like [`parse_with_offset`] for a selection that starts in the middle of
/// a line: `start` is where `text` begins (columns shift on its first line).
pub fn parse_at(text: &str, start: Pos) -> Script {
    let mut parser = Parser::default();
    for (idx, (_, text)) in LineIter::new(text).enumerate() {
        if parser.line(&Line::new(text, start, idx)) == Flow::Stop {
            break;
        }
    }
    parser.finish()
}

/// The statements of `text` one at a time, for a script too large to hold
/// parsed whole: memory stays that of one statement. Errors are collected
/// as [`parse`] does; [`Statements::finish`] gives them once the iterator
/// is exhausted.
pub fn statements(text: &str) -> Statements<'_> {
    Statements {
        lines: LineIter::new(text).enumerate(),
        parser: Parser::default(),
        done: false,
    }
}

/// See [`statements`].
pub struct Statements<'a> {
    lines: std::iter::Enumerate<LineIter<'a>>,
    parser: Parser,
    done: bool,
}

impl Statements<'_> {
    /// The errors (the statements were given by the iterator).
    pub fn finish(mut self) -> Script {
        self.by_ref().for_each(drop);
        self.parser.finish()
    }
}

impl Iterator for Statements<'_> {
    type Item = Statement;

    fn next(&mut self) -> Option<Statement> {
        loop {
            if let Some(s) = self.parser.script.statements.pop() {
                return Some(s);
            }
            if self.done {
                return None;
            }
            match self.lines.next() {
                Some((idx, (_, text))) => {
                    let line = Line::new(text, Pos { line: 1, col: 1 }, idx);
                    if self.parser.line(&line) == Flow::Stop {
                        self.done = true;
                    }
                }
                None => self.done = true,
            }
        }
    }
}

/// Lines as the parser (and GtkTextBuffer) sees them: ended by LF, CRLF or
/// a lone CR. Yields each line's byte offset and text without its end.
pub(crate) struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineIter { text, pos: 0 }
    }

    /// Start at byte `pos` (the start of a line).
    pub(crate) fn skip_from(mut self, pos: usize) -> Self {
        self.pos = pos;
        self
    }

    /// Where the next line starts.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let rest = self
            .text
            .as_bytes()
            .get(start..)
            .filter(|r| !r.is_empty())?;
        let (len, next) = match rest.iter().position(|&c| c == b'\n' || c == b'\r') {
            Some(k) if rest[k] == b'\r' && rest.get(k + 1) == Some(&b'\n') => (k, k + 2),
            Some(k) => (k, k + 1),
            None => (rest.len(), rest.len()),
        };
        self.pos = start + next;
        Some((start, self.text.get(start..start + len).unwrap_or("")))
    }
}

const HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

pub(super) fn hex_value(c: u8) -> Option<u8> {
    let v = HEX[c as usize];
    (v != 0xFF).then_some(v)
}

/// The length in bytes of the blank character at `i`, or 0. Besides space
/// and tab, Unicode blanks (no-break space pasted from a web page, BOM)
/// separate tokens too.
pub(super) fn ws_len(line: &str, i: usize) -> usize {
    match line.as_bytes().get(i) {
        Some(b' ' | b'\t' | 0x0b | 0x0c) => 1,
        Some(&c) if c >= 0x80 => line
            .get(i..)
            .and_then(|s| s.chars().next())
            .filter(|c| c.is_whitespace() || *c == '\u{feff}')
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

fn skip_ws(line: &str, mut i: usize, to: usize) -> usize {
    while i < to {
        match ws_len(line, i) {
            0 => break,
            n => i += n,
        }
    }
    i
}

/// The index after the last non-blank character of `line[from..to]`.
fn trim_end(line: &str, from: usize, to: usize) -> usize {
    let s = line.get(from..to).unwrap_or("");
    from + s
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .len()
}

fn keyword(word: &[u8]) -> Option<StatementKind> {
    if word.eq_ignore_ascii_case(b"reset") {
        Some(StatementKind::Reset)
    } else if word.eq_ignore_ascii_case(b"exit") {
        Some(StatementKind::Exit)
    } else {
        None
    }
}

pub(super) struct Line<'a> {
    text: &'a str,
    no: usize,
    /// Column of the line's first character (1 except at a selection start).
    col0: usize,
}

impl<'a> Line<'a> {
    /// Line `idx` (from 0) of a text that starts at `start`.
    pub(super) fn new(text: &'a str, start: Pos, idx: usize) -> Self {
        Line {
            text,
            no: start.line.saturating_add(idx),
            col0: if idx == 0 { start.col } else { 1 },
        }
    }

    fn pos(&self, byte: usize) -> Pos {
        let b = self.text.as_bytes();
        let before = &b[..byte.min(b.len())];
        // Count characters: every byte that does not continue a UTF-8 sequence.
        let chars = before.iter().filter(|&&c| (c as i8) >= -0x40).count();
        Pos {
            line: self.no,
            col: self.col0.saturating_add(chars),
        }
    }
}

#[derive(PartialEq, Eq)]
pub(super) enum Flow {
    Go,
    Stop,
}

/// An APDU whose lines end with `\` so far.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Pending {
    bytes: Vec<u8>,
    echo: String,
    pub(super) start: Pos,
    /// Where the last `\` is.
    pub(super) cont: Pos,
    failed: bool,
}

#[derive(Default)]
pub(super) struct Parser {
    pub(super) script: Script,
    pub(super) pending: Option<Pending>,
}

impl Parser {
    /// Keep the first [`MAX_ERRORS`] errors and count the others: a file
    /// that is no script at all costs no more than a script.
    fn error(&mut self, pos: Pos, kind: ParseErrorKind) {
        if self.script.errors.len() < MAX_ERRORS {
            self.script.errors.push(ParseError { pos, kind });
        } else {
            self.script.more_errors += 1;
        }
    }

    pub(super) fn line(&mut self, l: &Line<'_>) -> Flow {
        let text = l.text;
        let b = text.as_bytes();
        let first = skip_ws(text, 0, b.len());
        if first >= b.len() || b[first] == b'#' {
            return Flow::Go;
        }
        let content_end = b[first..]
            .iter()
            .position(|&c| c == b'#')
            .map_or(b.len(), |k| first + k);
        let end = trim_end(text, first, content_end);

        if let Some(found) = super::extension::statement(text, first, end) {
            return match found {
                Ok(kind) => self.keyword(kind, l, first, end),
                Err((at, kind)) => {
                    if let Some(p) = self.pending.take() {
                        self.error(p.cont, ParseErrorKind::DanglingContinuation);
                    }
                    self.error(l.pos(at), kind);
                    Flow::Go
                }
            };
        }
        let mut pre_error = None;
        if matches!(b[first] | 0x20, b'r' | b'e') {
            let mut word_end = first;
            while word_end < end && ws_len(text, word_end) == 0 && b[word_end] != b'\\' {
                word_end += 1;
            }
            if let Some(kind) = keyword(&b[first..word_end]) {
                if word_end == end {
                    return self.keyword(kind, l, first, end);
                }
                let name = b[first..word_end].to_ascii_lowercase();
                let name = String::from_utf8_lossy(&name).into_owned();
                let at = skip_ws(text, word_end, end);
                pre_error = Some((at, ParseErrorKind::TextAfterKeyword(name)));
            }
        }
        self.apdu_line(l, first, content_end, end, pre_error);
        Flow::Go
    }

    fn keyword(&mut self, kind: StatementKind, l: &Line<'_>, first: usize, end: usize) -> Flow {
        if let Some(p) = self.pending.take() {
            self.error(p.cont, ParseErrorKind::DanglingContinuation);
        }
        let stop = kind == StatementKind::Exit;
        self.script.statements.push(Statement {
            kind,
            span: Span {
                start: l.pos(first),
                end: l.pos(end),
            },
        });
        if stop {
            Flow::Stop
        } else {
            Flow::Go
        }
    }

    /// A line of hex bytes, maybe with `\` or an expectation at its end.
    fn apdu_line(
        &mut self,
        l: &Line<'_>,
        first: usize,
        content_end: usize,
        end: usize,
        pre_error: Option<(usize, ParseErrorKind)>,
    ) {
        let text = l.text;
        let b = text.as_bytes();
        let cont = b[end - 1] == b'\\';
        let body_end = if cont { end - 1 } else { end };
        let p = self.pending.get_or_insert_with(|| Pending {
            bytes: Vec::with_capacity((body_end - first) / 2),
            echo: String::with_capacity(body_end - first + 8),
            start: l.pos(first),
            cont: Pos::default(),
            failed: false,
        });

        let mut tokens = 0;
        let mut expect = None;
        let mut expect_at = first;
        let mut err = pre_error;
        let mut i = first;
        while err.is_none() {
            i = skip_ws(text, i, body_end);
            if i >= body_end {
                break;
            }
            let c = b[i];
            if c == b'(' || c == b'[' {
                expect_at = i;
                err = if cont {
                    let msg = gettext("expected the expectation at the end of the APDU's last line, after all its bytes");
                    Some((i, ParseErrorKind::BadExpectation(msg)))
                } else {
                    match expect::parse(text, i, body_end) {
                        Ok(e) => {
                            expect = Some(e);
                            None
                        }
                        Err((k, msg)) => Some((k, ParseErrorKind::BadExpectation(msg))),
                    }
                };
                break;
            }
            if c == b'0' && i + 1 < body_end && b[i + 1] | 0x20 == b'x' {
                err = Some((i, ParseErrorKind::HexPrefix));
                break;
            }
            let start = i;
            while i < body_end && HEX[b[i] as usize] != 0xFF {
                i += 1;
            }
            if i < body_end && ws_len(text, i) == 0 && b[i] != b'(' && b[i] != b'[' {
                err = Some(bad_token(text, start, i, body_end, start == first));
                break;
            }
            if (i - start) % 2 == 1 {
                err = Some((start, ParseErrorKind::OddDigits));
                break;
            }
            for pair in b[start..i].chunks_exact(2) {
                p.bytes
                    .push(HEX[pair[0] as usize] << 4 | HEX[pair[1] as usize]);
                p.echo.push(pair[0] as char);
                p.echo.push(pair[1] as char);
                p.echo.push(' ');
            }
            tokens += 1;
        }

        if let Some((k, kind)) = err {
            p.failed = true;
            let pos = l.pos(k);
            self.error(pos, kind);
        }
        let Some(mut p) = self.pending.take() else {
            return;
        };
        if cont {
            p.cont = l.pos(end - 1);
            self.pending = Some(p);
            return;
        }
        if p.failed {
            return;
        }
        if p.bytes.is_empty() {
            self.error(l.pos(expect_at), ParseErrorKind::ExpectationWithoutApdu);
            return;
        }
        let len = p.bytes.len();
        if len < MIN_COMMAND_LEN {
            self.error(p.start, ParseErrorKind::ApduTooShort(len));
            return;
        }
        if len > MAX_COMMAND_LEN {
            self.error(p.start, ParseErrorKind::ApduTooLong(len));
            return;
        }
        if tokens > 0 {
            // Reproduce scriptor's echo: a spaced line keeps its trailing
            // blanks as typed, a one-token (compact) line is expanded to
            // "xx " pairs that end with a space.
            if expect.is_none() && content_end == b.len() && end < b.len() {
                p.echo.pop();
                p.echo.push_str(&text[end..]);
            } else if tokens > 1 {
                p.echo.pop();
            }
        }
        self.script.statements.push(Statement {
            kind: StatementKind::Apdu(ApduStatement {
                bytes: p.bytes,
                echo: p.echo,
                expect,
            }),
            span: Span {
                start: p.start,
                end: l.pos(end),
            },
        });
    }

    fn finish(mut self) -> Script {
        if let Some(p) = self.pending.take() {
            self.error(p.cont, ParseErrorKind::DanglingContinuation);
        }
        self.script.errors.sort_by_key(|e| e.pos);
        self.script
    }
}

/// The error for a token that stops at a character that is not hex.
fn bad_token(
    text: &str,
    start: usize,
    bad: usize,
    to: usize,
    first_on_line: bool,
) -> (usize, ParseErrorKind) {
    let b = text.as_bytes();
    if b[bad] == b'\\' {
        return (bad, ParseErrorKind::MisplacedContinuation);
    }
    if first_on_line && b[start].is_ascii_alphabetic() {
        let mut word_end = start;
        while word_end < to && ws_len(text, word_end) == 0 && !b"\\([".contains(&b[word_end]) {
            word_end += 1;
        }
        let word = &b[start..word_end];
        if word.iter().all(u8::is_ascii_alphanumeric) {
            let word = String::from_utf8_lossy(word).into_owned();
            return (start, ParseErrorKind::UnknownWord(word));
        }
    }
    let c = text
        .get(bad..)
        .and_then(|s| s.chars().next())
        .unwrap_or('?');
    (bad, ParseErrorKind::InvalidChar(c))
}
