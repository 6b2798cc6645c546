//! Validation that follows edits: the editor re-checks only the lines an
//! edit touched, so typing in a 100 000-line script costs a few lines, not
//! a whole parse.
//!
//! The language is line based: what one line means depends only on its
//! text and on the parser's state before it (an APDU continued by `\`, or
//! an `exit` above that stops everything). So each line keeps what parsing
//! it produced and the state before it; after an edit the parser starts
//! again at the first changed line, with the state kept there, and stops as
//! soon as, past the changed lines, the state before a line is the one kept
//! for it: every later line would produce what it produced. Positions are
//! kept relative to their line, so inserted or deleted lines only shift
//! the vectors. [`Incremental::script`] gives what [`super::parse`] gives
//! for the same text (the tests check it over random edits).
//!
//! Lines are those of a GtkTextBuffer: split at LF, CRLF or a lone CR, and
//! a text ending with a line break (or empty) has an empty last line, which
//! the parser skips as it skips any blank line.

use std::ops::Range;

use super::parse::{Flow, Line, LineIter, Parser, Pending, MAX_ERRORS};
use super::{ParseError, ParseErrorKind, Pos, Script, Statement};

/// The parser's state before a line; positions count lines back from it.
#[derive(Clone, PartialEq, Eq)]
enum State {
    Go(Option<Box<Pending>>),
    /// After `exit`: nothing more is read.
    Stopped,
}

/// What parsing a line produced; positions count lines back from it.
#[derive(Clone, Default)]
struct Out {
    statements: Vec<Statement>,
    errors: Vec<ParseError>,
}

/// What changed since the last [`Incremental::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The lines (from 0) whose text changed, as they are numbered now.
    pub lines: Range<usize>,
    /// How many lines were added (negative: removed) in all.
    pub delta: isize,
}

impl Changes {
    /// Where a line (from 0) numbered before the edits is now; a line that
    /// was edited maps to the first changed line.
    pub fn map_old_line(&self, line: usize) -> usize {
        let old_end = self.lines.end as isize - self.delta;
        if line < self.lines.start {
            line
        } else if (line as isize) >= old_end {
            (line as isize + self.delta).max(0) as usize
        } else {
            self.lines.start
        }
    }
}

/// A script parsed line by line, kept up to date edit by edit.
pub struct Incremental {
    outs: Vec<Out>,
    /// The state before each line, and after the last one (`outs.len() + 1`).
    states: Vec<State>,
    /// The errors of all `outs`.
    error_total: usize,
    /// Lines to parse again, with those after them shifted by `delta`.
    dirty: Option<Range<usize>>,
    delta: isize,
}

/// The lines of `text` as a GtkTextBuffer has them (at least one).
pub fn buffer_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = LineIter::new(text).map(|(_, l)| l).collect();
    if text.is_empty() || text.ends_with(['\n', '\r']) {
        lines.push("");
    }
    lines
}

/// A position on line `no` or before it, as lines back from `no`; and
/// back again (the function is its own inverse).
fn flip(pos: Pos, no: usize) -> Pos {
    Pos {
        line: no.saturating_sub(pos.line),
        ..pos
    }
}

fn flip_pending(p: &Pending, no: usize) -> Pending {
    let mut p = p.clone();
    p.start = flip(p.start, no);
    p.cont = flip(p.cont, no);
    p
}

/// Parse line `idx` (from 0) after `state`; the state after it.
fn parse_line(state: &State, text: &str, idx: usize) -> (Out, State) {
    let State::Go(pending) = state else {
        return (Out::default(), State::Stopped);
    };
    let no = idx + 1;
    let mut parser = Parser {
        pending: pending.as_deref().map(|p| flip_pending(p, no)),
        ..Parser::default()
    };
    let flow = parser.line(&Line::new(text, Pos { line: 1, col: 1 }, idx));
    let mut out = Out {
        statements: parser.script.statements,
        errors: parser.script.errors,
    };
    for s in &mut out.statements {
        s.span.start = flip(s.span.start, no);
        s.span.end = flip(s.span.end, no);
    }
    for e in &mut out.errors {
        e.pos = flip(e.pos, no);
    }
    let next = match flow {
        Flow::Stop => State::Stopped,
        Flow::Go => State::Go(parser.pending.map(|p| Box::new(flip_pending(&p, no + 1)))),
    };
    (out, next)
}

impl Default for Incremental {
    fn default() -> Self {
        Incremental::new("")
    }
}

impl Incremental {
    /// Parse `text` whole.
    pub fn new(text: &str) -> Incremental {
        let lines = buffer_lines(text);
        let mut inc = Incremental {
            outs: vec![Out::default(); lines.len()],
            states: vec![State::Go(None); lines.len() + 1],
            error_total: 0,
            dirty: Some(0..lines.len()),
            delta: 0,
        };
        inc.update(|i| lines.get(i).map(|l| (*l).to_owned()));
        inc
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.outs.len()
    }

    /// An edit touched lines `first..=last` (from 0, numbered as before it)
    /// and the text now has `line_count` lines. Returns false when that
    /// cannot be: then only a new [`Incremental::new`] is right.
    pub fn edited(&mut self, first: usize, last: usize, line_count: usize) -> bool {
        let n = self.outs.len();
        if first > last || last >= n {
            return false;
        }
        let mut start = first;
        let mut old = last - first + 1;
        let mut new = old as isize + line_count as isize - n as isize;
        // Deleting between a CR and an LF joins them into one line break:
        // the line before the edit changes too.
        if new < 1 && start > 0 {
            start -= 1;
            old += 1;
            new += 1;
        }
        if new < 1 {
            return false;
        }
        self.replace_lines(start, old, new as usize);
        true
    }

    /// Lines `start..start + old` were replaced by `new` lines (both at
    /// least one), to be parsed at the next [`Incremental::update`].
    fn replace_lines(&mut self, start: usize, old: usize, new: usize) {
        for o in &self.outs[start..start + old] {
            self.error_total -= o.errors.len();
        }
        self.outs.splice(
            start..start + old,
            std::iter::repeat_with(Out::default).take(new),
        );
        // The state before `start` holds; the one after the replaced lines
        // stays as the state to meet again; those between are unknown.
        self.states.splice(
            start + 1..start + old,
            std::iter::repeat_with(|| State::Stopped).take(new - 1),
        );
        let delta = new as isize - old as isize;
        let shift = |l: usize, inside: usize| {
            if l < start {
                l
            } else if l >= start + old {
                (l as isize + delta) as usize
            } else {
                inside
            }
        };
        let dirty = match self.dirty.take() {
            None => start..start + new,
            Some(d) => {
                let (s, e) = (shift(d.start, start), shift(d.end, start + new));
                s.min(start)..e.max(start + new)
            }
        };
        self.dirty = Some(dirty);
        self.delta += delta;
    }

    /// Parse the changed lines again (`line(i)` gives the text of line `i`
    /// as it is now) and what follows them until nothing more changes.
    pub fn update(&mut self, mut line: impl FnMut(usize) -> Option<String>) -> Changes {
        let delta = std::mem::take(&mut self.delta);
        let Some(dirty) = self.dirty.take() else {
            return Changes { lines: 0..0, delta };
        };
        let n = self.outs.len();
        let mut i = dirty.start;
        let mut state = self.states[i].clone();
        while i < n {
            if i >= dirty.end && state == self.states[i] {
                return Changes {
                    lines: dirty,
                    delta,
                };
            }
            if state == State::Stopped {
                // After `exit` no line is read.
                for j in i..n {
                    self.error_total -= std::mem::take(&mut self.outs[j]).errors.len();
                    self.states[j] = State::Stopped;
                }
                break;
            }
            let text = line(i).unwrap_or_default();
            let (out, next) = parse_line(&state, &text, i);
            self.error_total = self.error_total - self.outs[i].errors.len() + out.errors.len();
            self.outs[i] = out;
            self.states[i] = std::mem::replace(&mut state, next);
            i += 1;
        }
        self.states[n] = state;
        Changes {
            lines: dirty,
            delta,
        }
    }

    /// A continuation left open at the end of the text.
    fn dangling(&self) -> Option<ParseError> {
        match self.states.last() {
            Some(State::Go(Some(p))) => Some(ParseError {
                pos: flip(p.cont, self.outs.len() + 1),
                kind: ParseErrorKind::DanglingContinuation,
            }),
            _ => None,
        }
    }

    /// How many errors the script has.
    pub fn error_count(&self) -> usize {
        self.error_total + usize::from(self.dangling().is_some())
    }

    /// The errors as [`super::parse`] lists them: the first
    /// [`MAX_ERRORS`], in position order, and how many more there are.
    pub fn errors(&self) -> (Vec<ParseError>, usize) {
        let mut errors = Vec::new();
        if self.error_total > 0 {
            'lines: for (i, o) in self.outs.iter().enumerate() {
                for e in &o.errors {
                    if errors.len() == MAX_ERRORS {
                        break 'lines;
                    }
                    errors.push(ParseError {
                        pos: flip(e.pos, i + 1),
                        kind: e.kind.clone(),
                    });
                }
            }
        }
        if errors.len() < MAX_ERRORS {
            errors.extend(self.dangling());
        }
        errors.sort_by_key(|e| e.pos);
        let more = self.error_count() - errors.len();
        (errors, more)
    }

    /// The whole script, as [`super::parse`] gives it.
    pub fn script(&self) -> Script {
        let mut statements = Vec::with_capacity(self.outs.len());
        for (i, o) in self.outs.iter().enumerate() {
            statements.extend(o.statements.iter().map(|s| {
                let mut s = s.clone();
                s.span.start = flip(s.span.start, i + 1);
                s.span.end = flip(s.span.end, i + 1);
                s
            }));
        }
        let (errors, more_errors) = self.errors();
        Script {
            statements,
            errors,
            more_errors,
        }
    }
}
