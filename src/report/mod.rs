//! Scripts as tests: what each statement of a run did, collected from the
//! engine's events, and the reports written from it (JUnit XML, TAP).
//!
//! One [`Suite`] per script run (per reader, with several readers). Its
//! test cases are the statements that carry an expectation, plus any
//! statement where a card error happened; a card error fails the case it
//! happened in and the statements that did not run are skipped.

pub mod jsonl;
pub mod junit;
pub mod stats;
pub mod tap;

use std::time::{Duration, SystemTime};

use crate::apdu::{hex_spaced, status, status_word};
use crate::card::CardError;
use crate::engine::{EngineEvent, Observer, Outcome, Summary};
use crate::i18n::{gettext, gettext_f};
use crate::script::{Expectation, Statement, StatementKind};

/// What became of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Ran, and its expectation (if any) held.
    Passed,
    /// Its expectation did not hold.
    Failed(Failure),
    /// A card or PC/SC error happened in it.
    Error(String),
    /// Never ran: the script ended before it; the text says why.
    Skipped(String),
}

/// A failed expectation, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub expected: String,
    pub actual: Vec<u8>,
    /// The offset in the response of the first byte that differs from the
    /// expectation (the status word's offset when only it differs).
    pub offset: usize,
    /// The status word and its meaning, e.g. `6A82 File or application not found`.
    pub sw: String,
}

impl Failure {
    fn new(e: &Expectation, actual: &[u8]) -> Failure {
        let sw = match status_word(actual) {
            Some((a, b)) => format!("{a:02X}{b:02X} {}", status::meaning(a, b)),
            None => gettext("no status word"),
        };
        Failure {
            expected: e.to_string(),
            actual: actual.to_vec(),
            offset: first_difference(e, actual),
            sw,
        }
    }

    /// One line: expected, actual, offset and the status word's meaning.
    pub fn message(&self) -> String {
        gettext_f(
            &gettext(
                "expected {expected}, got {actual}; first difference at byte {offset}; SW {sw}",
            ),
            &[
                ("expected", &self.expected),
                ("actual", &hex_spaced(&self.actual)),
                ("offset", &self.offset.to_string()),
                ("sw", &self.sw),
            ],
        )
    }
}

/// Where `response` first departs from `e`: in the data when a data
/// pattern is given and does not match, else at the status word.
pub fn first_difference(e: &Expectation, response: &[u8]) -> usize {
    let data_len = response.len().saturating_sub(2);
    let data = &response[..data_len.min(response.len())];
    if let Some(p) = &e.data {
        for (i, want) in p.0.iter().enumerate() {
            match data.get(i) {
                None => return i,
                Some(b) if want.is_some_and(|w| w != *b) => return i,
                _ => {}
            }
        }
        if data.len() != p.0.len() {
            return p.0.len();
        }
    }
    if response.len() < 2 {
        return 0;
    }
    // Within the status word: the first byte no accepted pattern allows.
    let sw = &response[data_len..];
    let sw1_ok = e.sw.is_empty()
        || e.sw
            .iter()
            .any(|p| p.0.first().copied().flatten().is_none_or(|b| b == sw[0]));
    if sw1_ok {
        data_len + 1
    } else {
        data_len
    }
}

/// One statement of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line where the statement starts.
    pub line: usize,
    /// `file:line` and the line's trailing comment, if any.
    pub name: String,
    /// The statement as written on its first line, without the comment.
    pub text: String,
    pub has_expectation: bool,
    /// Time in the card (exchanges and resets) or, for `delay` and
    /// `wait card`, the statement's whole time.
    pub duration: Duration,
    /// The status word of the last response, if any.
    pub sw: Option<[u8; 2]>,
    pub verdict: Verdict,
    ran: bool,
}

impl Step {
    /// Is this step a test case of the reports?
    pub fn is_case(&self) -> bool {
        self.has_expectation || matches!(self.verdict, Verdict::Error(_))
    }
}

/// One script run on one card: a test suite.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The script's file as given (or `standard input`), with the reader
    /// after an `@` when several readers run it.
    pub name: String,
    pub file: String,
    pub reader: Option<String>,
    pub steps: Vec<Step>,
    pub started: SystemTime,
    pub time: Duration,
    /// What the run printed (its output in the chosen format).
    pub output: String,
    pub outcome: Outcome,
}

impl Suite {
    pub fn cases(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.is_case())
    }

    /// (tests, failures, errors, skipped)
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for s in self.cases() {
            c.0 += 1;
            match s.verdict {
                Verdict::Failed(_) => c.1 += 1,
                Verdict::Error(_) => c.2 += 1,
                Verdict::Skipped(_) => c.3 += 1,
                Verdict::Passed => {}
            }
        }
        c
    }
}

/// Collects a run's events into steps. Feed it every engine event, call
/// [`Collector::done`] after each statement, then [`Collector::finish`].
pub struct Collector {
    suite: Suite,
    /// Line → index in `steps` (statements start on distinct lines).
    by_line: std::collections::HashMap<usize, usize>,
    current: Option<usize>,
}

impl Collector {
    pub fn new(file: &str, reader: Option<&str>, source: &str, statements: &[Statement]) -> Self {
        // One pass over the source: statements may be many (10 000 lines).
        let lines: Vec<&str> = crate::script::parse::LineIter::new(source)
            .map(|(_, l)| l)
            .collect();
        let line_text = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
        let mut steps = Vec::with_capacity(statements.len());
        let mut by_line = std::collections::HashMap::with_capacity(statements.len());
        for s in statements {
            if s.kind == StatementKind::Exit {
                continue;
            }
            let line = s.span.start.line;
            // The expectation is on the last line; its comment names the case.
            let comment = [s.span.end.line, line]
                .iter()
                .find_map(|&l| comment(line_text(l)));
            let name = match comment {
                Some(c) => format!("{file}:{line} {c}"),
                None => format!("{file}:{line}"),
            };
            by_line.insert(line, steps.len());
            let first = line_text(line);
            let text = first[..first.find('#').unwrap_or(first.len())]
                .trim()
                .to_owned();
            steps.push(Step {
                line,
                name,
                text,
                has_expectation: matches!(&s.kind, StatementKind::Apdu(a) if a.expect.is_some()),
                duration: Duration::ZERO,
                sw: None,
                verdict: Verdict::Passed,
                ran: false,
            });
        }
        let name = match reader {
            Some(r) => format!("{file} @ {r}"),
            None => file.to_owned(),
        };
        Collector {
            suite: Suite {
                name,
                file: file.to_owned(),
                reader: reader.map(str::to_owned),
                steps,
                started: SystemTime::now(),
                time: Duration::ZERO,
                output: String::new(),
                outcome: Outcome::Completed,
            },
            by_line,
            current: None,
        }
    }

    fn step(&mut self, line: usize) -> Option<&mut Step> {
        let i = *self.by_line.get(&line)?;
        self.current = Some(i);
        self.suite.steps.get_mut(i)
    }

    /// A statement ended; `s` is its engine summary. `delay` and `wait
    /// card` send no event, so their time is taken from here.
    pub fn done(&mut self, statement: &Statement, s: &Summary) {
        let line = statement.span.start.line;
        let timed_by_events = matches!(
            statement.kind,
            StatementKind::Apdu(_) | StatementKind::Reset | StatementKind::ResetCold
        );
        if let Some(step) = self.step(line) {
            step.ran = true;
            if !timed_by_events {
                step.duration = s.elapsed;
            }
        }
    }

    /// The run ended with `outcome`; steps that did not run are skipped.
    pub fn finish(mut self, outcome: &Outcome, elapsed: Duration, output: String) -> Suite {
        let last = self
            .current
            .and_then(|i| self.suite.steps.get(i))
            .map_or(0, |s| s.line);
        let reason = match outcome {
            Outcome::CardError(_) => gettext_f(
                &gettext("not run: a card error on line {line} ended the script"),
                &[("line", &last.to_string())],
            ),
            Outcome::AssertionFailed => gettext_f(
                &gettext("not run: the expectation on line {line} failed and the script stopped"),
                &[("line", &last.to_string())],
            ),
            Outcome::Exited => gettext("not run: the script stopped at “exit”"),
            Outcome::Stopped => gettext("not run: the run was stopped"),
            Outcome::Completed => gettext("not run"),
        };
        for step in &mut self.suite.steps {
            if !step.ran && step.verdict == Verdict::Passed {
                step.verdict = Verdict::Skipped(reason.clone());
            }
        }
        self.suite.outcome = outcome.clone();
        self.suite.time = elapsed;
        self.suite.output = output;
        self.suite
    }
}

impl Observer for Collector {
    fn event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Exchange(x) => {
                let Some(step) = self.step(x.line) else {
                    return;
                };
                step.ran = true;
                step.duration += x.duration;
                step.sw = status_word(&x.response).map(|(a, b)| [a, b]);
                if let Some((e, false)) = &x.check {
                    step.verdict = Verdict::Failed(Failure::new(e, &x.response));
                }
            }
            EngineEvent::Reset {
                line,
                result,
                duration,
                ..
            } => {
                let Some(step) = self.step(*line) else {
                    return;
                };
                step.ran = true;
                step.duration += *duration;
                if let Err(e) = result {
                    step.verdict = Verdict::Error(error_text(e));
                }
            }
            EngineEvent::Error { line, error } => {
                if let Some(step) = self.step(*line) {
                    step.ran = true;
                    step.verdict = Verdict::Error(error_text(error));
                }
            }
            EngineEvent::Exit { .. } => {}
        }
    }
}

fn error_text(e: &CardError) -> String {
    match e.hint() {
        Some(h) => format!("{} ({h})", e.message()),
        None => e.message(),
    }
}

/// A line's comment (the text after `#`, trimmed), if any.
fn comment(line: &str) -> Option<String> {
    let at = line.find('#')?;
    let c = line[at + 1..].trim();
    (!c.is_empty()).then(|| c.to_owned())
}

/// Seconds with microseconds, as JUnit and TAP consumers read them.
pub fn seconds(d: Duration) -> String {
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

#[cfg(test)]
mod tests;
