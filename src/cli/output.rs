//! Output of `run`: scriptor's exact format, explained text, or RON records.

use std::io::Write;
use std::time::Duration;

use crate::apdu::{hex_spaced, status, status_word};
use crate::card::{CardError, Protocol};
use crate::engine::{EngineEvent, Exchange, Observer, Origin, Outcome, Summary};
use crate::i18n::{decimal, gettext, gettext_f, ngettext};
use crate::script::{Statement, StatementKind};
use crate::transcript::{self, micros, Record};

fn stdout_is_pipe() -> bool {
    // SAFETY: fstat on fd 1 into a zeroed struct we own.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        libc::fstat(1, &mut st) == 0
            && matches!(st.st_mode & libc::S_IFMT, libc::S_IFIFO | libc::S_IFSOCK)
    }
}

/// Has the reading end of the standard output pipe been closed? Asked
/// without writing, before each command.
fn reader_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: 1,
        events: 0,
        revents: 0,
    };
    // SAFETY: one pollfd we own, no wait.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Scriptor,
    Text,
    Ron,
}

/// Prints engine events as they happen.
pub struct Printer {
    format: Format,
    out: std::io::BufWriter<Box<dyn Write + Send>>,
    unbuffered: bool,
    /// A copy of everything written since `start_capture` (for a report's
    /// `system-out`).
    capture: Option<String>,
    /// Put before each message on stderr (the reader, when several run).
    label: String,
    /// The file, echoed line by line as scriptor does; `echo_at` is the
    /// byte offset of the next line to echo, `echoed` how many were.
    echo: String,
    echo_at: usize,
    echoed: usize,
    /// Standard output is a pipe: flush after each statement so that the
    /// reader sees it, and notice at once when the reader has gone.
    pipe: bool,
    /// Standard output is gone (a closed pipe): the run should stop.
    closed: bool,
}

impl Printer {
    pub fn new(format: Format, unbuffered: bool) -> Printer {
        Printer::to(format, unbuffered, Box::new(std::io::stdout()))
    }

    /// A printer writing to `out` instead of standard output.
    pub fn to(format: Format, unbuffered: bool, out: Box<dyn Write + Send>) -> Printer {
        Printer {
            format,
            out: std::io::BufWriter::new(out),
            unbuffered,
            capture: None,
            label: String::new(),
            echo: String::new(),
            echo_at: 0,
            echoed: 0,
            pipe: stdout_is_pipe(),
            closed: false,
        }
    }

    /// Prefix each message on stderr with `label` (e.g. `[Reader 1] `).
    pub fn set_label(&mut self, label: String) {
        self.label = label;
    }

    /// Write out what is buffered.
    pub fn flush(&mut self) {
        if self.out.flush().is_err() {
            self.closed = true;
        }
    }

    /// Keep a copy of what is written from now on.
    pub fn start_capture(&mut self) {
        self.capture = Some(String::new());
    }

    /// What was written since `start_capture`.
    pub fn take_capture(&mut self) -> String {
        self.capture.take().unwrap_or_default()
    }

    /// Text of our own (not a statement's output), e.g. statistics.
    pub fn write_text(&mut self, text: &str) {
        self.write(text);
        let _ = self.out.flush();
    }

    fn write(&mut self, text: &str) {
        if let Some(c) = &mut self.capture {
            c.push_str(text);
        }
        let mut result = self.out.write_all(text.as_bytes());
        if self.unbuffered && result.is_ok() {
            result = self.out.flush();
        }
        if result.is_err() {
            self.closed = true;
        }
    }

    /// Nobody reads the output any more (`run … | head`): scriptor dies of
    /// SIGPIPE there; we stop sending commands.
    pub fn closed(&mut self) -> bool {
        if self.pipe && !self.closed && (self.out.flush().is_err() || reader_gone()) {
            self.closed = true;
        }
        self.closed
    }

    pub fn protocol(&mut self, protocol: Protocol) {
        let line = match protocol {
            Protocol::T0 => "Using T=0 protocol\n".to_owned(),
            Protocol::T1 => "Using T=1 protocol\n".to_owned(),
            _ => "Using an unknown protocol (not T=0 or T=1)\n".to_owned(),
        };
        match self.format {
            Format::Scriptor => self.write(&line),
            Format::Text => {
                let msg = gettext_f(
                    // TRANSLATORS: {protocol} is T=0 or T=1.
                    &gettext("Protocol: {protocol}"),
                    &[("protocol", protocol.label())],
                );
                self.write(&format!("{msg}\n"));
            }
            Format::Ron => {}
        }
    }

    /// Echo the source's lines before the statements they hold (scriptor's file mode).
    pub fn echo_source(&mut self, text: &str) {
        if self.format == Format::Scriptor {
            self.echo = text.to_owned();
            self.echo_at = 0;
            self.echoed = 0;
        }
    }

    /// Before a statement runs: in scriptor's format, the file's lines up to
    /// its last one, then the command as scriptor shows it before sending, so
    /// that with `-u` a slow or failing command is already on screen.
    pub fn before(&mut self, statement: &Statement) {
        if self.format != Format::Scriptor {
            return;
        }
        self.echo_through(statement.span.end.line);
        match &statement.kind {
            StatementKind::Apdu(a) => {
                let text = transcript::scriptor_command(Some(&a.echo), &a.bytes);
                self.write(&text);
            }
            // scriptor knows no cold reset; it shows as any reset does.
            StatementKind::Reset | StatementKind::ResetCold => {
                self.write(transcript::SCRIPTOR_RESET);
            }
            StatementKind::Exit | StatementKind::Delay(_) | StatementKind::WaitCard(_) => {}
        }
    }

    /// Echo the file's lines up to `line`, with their line ends as typed;
    /// a line ended by a lone CR (old Mac files) is echoed with LF, so that
    /// each line shows on its own, lines being what the parser counts.
    fn echo_through(&mut self, line: usize) {
        let echo = std::mem::take(&mut self.echo);
        let mut lines = crate::script::parse::LineIter::new(&echo).skip_from(self.echo_at);
        while self.echoed < line {
            let Some((start, text)) = lines.next() else {
                break;
            };
            let end = start + text.len();
            let next = lines.offset();
            let ending = match &echo.as_bytes()[end..next] {
                b"\r" => "\n",
                e => std::str::from_utf8(e).unwrap_or("\n"),
            };
            self.write(text);
            self.write(ending);
            self.echoed += 1;
            self.echo_at = next;
        }
        self.echo = echo;
    }

    /// After the run: echo what scriptor would still have printed.
    pub fn finish_source(&mut self, outcome: &Outcome) {
        if matches!(outcome, Outcome::Completed) {
            self.echo_through(usize::MAX);
        }
        let _ = self.out.flush();
    }

    pub fn summary(&mut self, s: &Summary) {
        match self.format {
            Format::Scriptor => {}
            Format::Text => {
                let text = summary_text(s);
                self.write(&format!("{text}\n"));
            }
            Format::Ron => {
                let outcome = match &s.outcome {
                    Outcome::CardError(e) => format!("CardError({e})"),
                    o => format!("{o:?}"),
                };
                self.record(&Record::Summary {
                    commands: s.commands,
                    resets: s.resets,
                    assertions_checked: s.assertions_checked,
                    assertions_failed: s.assertions_failed,
                    errors: s.errors,
                    card_time_us: micros(s.card_time),
                    elapsed_us: micros(s.elapsed),
                    outcome,
                });
            }
        }
        let _ = self.out.flush();
    }

    fn record(&mut self, r: &Record) {
        let line = r.line();
        self.write(&line);
    }

    fn exchange(&mut self, x: &Exchange) {
        match self.format {
            Format::Scriptor => {
                // A scripted command was shown by `before`; automatic ones were not.
                let mut text = match x.origin {
                    Origin::Script => String::new(),
                    _ => transcript::scriptor_command(None, &x.command),
                };
                text.push_str(&transcript::scriptor_response(&x.response));
                self.write(&text);
            }
            Format::Text => {
                let text = text_exchange(x);
                self.write(&text);
            }
            Format::Ron => {
                self.record(&Record::exchange(
                    x.line,
                    x.origin,
                    &x.command,
                    &x.response,
                    x.duration,
                    x.check.as_ref().map(|(e, _)| expectation_text(e)),
                    x.check.as_ref().map(|(_, ok)| *ok),
                    None,
                ));
            }
        }
        if let Some((e, false)) = &x.check {
            let msg = gettext_f(
                // TRANSLATORS: {expected} is the expectation as written in the script, e.g.
                // "(9000)"; {response} what the card answered, e.g. "6A 82".
                &gettext("line {line}: expected {expected}, got {response}"),
                &[
                    ("line", &x.line.to_string()),
                    ("expected", &expectation_text(e)),
                    ("response", &hex_spaced(&x.response)),
                ],
            );
            let _ = self.out.flush();
            eprintln!("{}{msg}", self.label);
        }
    }
}

impl Observer for Printer {
    fn event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Exchange(x) => self.exchange(x),
            EngineEvent::Reset {
                line,
                result,
                duration,
                ..
            } => {
                self.reset(*line, result, *duration);
                if let Err(e) = result {
                    self.report(*line, e);
                }
            }
            EngineEvent::Error { line, error } => {
                if self.format == Format::Ron {
                    self.record(&Record::Error {
                        line: *line,
                        error: error.message(),
                        hint: error.hint(),
                        time: None,
                    });
                }
                self.report(*line, error);
            }
            EngineEvent::Exit { line } => {
                if self.format == Format::Ron {
                    self.record(&Record::Exit {
                        line: *line,
                        time: None,
                    });
                }
            }
        }
    }
}

impl Printer {
    /// A `reset` line's result: `< OK: ATR ` / `< KO: error` in scriptor's format.
    fn reset(&mut self, line: usize, result: &Result<Vec<u8>, CardError>, duration: Duration) {
        match self.format {
            Format::Scriptor => {
                let text = match result {
                    Ok(atr) => transcript::scriptor_reset(Ok(atr)),
                    Err(e) => transcript::scriptor_reset(Err(&scriptor_error(e))),
                };
                self.write(&text);
            }
            Format::Text => {
                let text = match result {
                    Ok(atr) => gettext_f(
                        // TRANSLATORS: {line} is a script line number; {atr} the
                        // card's answer to reset in hex, e.g. "3B 02 14 50";
                        // {duration} how long the reset took, e.g. "12.5 ms".
                        &gettext("[{line}] Reset, ATR: {atr} ({duration})"),
                        &[
                            ("line", &line.to_string()),
                            ("atr", &hex_spaced(atr)),
                            ("duration", &duration_text(duration)),
                        ],
                    ),
                    Err(e) => gettext_f(
                        &gettext("[{line}] Reset failed: {error}"),
                        &[("line", &line.to_string()), ("error", &e.message())],
                    ),
                };
                self.write(&format!("{text}\n"));
            }
            Format::Ron => self.record(&Record::Reset {
                line,
                atr: result.as_ref().ok().map(hex::encode_upper),
                error: result.as_ref().err().map(|e| e.message()),
                duration_us: micros(duration),
                time: None,
            }),
        }
    }

    /// A card error on stderr: translated, with its hint.
    fn report(&mut self, line: usize, error: &CardError) {
        let _ = self.out.flush();
        let msg = gettext_f(
            &gettext("line {line}: {error}"),
            &[("line", &line.to_string()), ("error", &error.message())],
        );
        eprintln!("{}{msg}", self.label);
        if let Some(hint) = error.hint() {
            eprintln!(
                "{}{}",
                self.label,
                gettext_f(&gettext("Hint: {hint}"), &[("hint", &hint)])
            );
        }
    }
}

/// pcsc-perl's text for an error, which scriptor prints after `< KO: `.
fn scriptor_error(e: &CardError) -> String {
    match e {
        CardError::NoService => "Service not available.",
        CardError::ServiceStopped => "Service was stopped.",
        CardError::UnknownReader(_) => "Unknown reader specified.",
        CardError::NoCard => "No smartcard inserted.",
        CardError::SharingViolation => "Sharing violation.",
        CardError::CardRemoved => "Card was removed.",
        CardError::CardReset => "Card was reset.",
        CardError::ProtocolMismatch => "Card protocol mismatch.",
        CardError::Unresponsive => "Card is unresponsive.",
        CardError::NotConnected => "Invalid handle.",
        CardError::Cancelled => "Command cancelled.",
        CardError::Timeout | CardError::NoAnswer(_) | CardError::NoCardWithin(_) => {
            "Command timeout."
        }
        CardError::NoReaders | CardError::TooManyRounds(_) | CardError::Other(_) => {
            return e.to_string()
        }
    }
    .to_owned()
}

fn expectation_text(e: &crate::script::Expectation) -> String {
    e.to_string()
}

fn duration_text(d: Duration) -> String {
    gettext_f(
        &gettext("{n} ms"),
        &[("n", &decimal(d.as_secs_f64() * 1000.0, 2))],
    )
}

fn text_exchange(x: &Exchange) -> String {
    let line = x.line.to_string();
    let mut out = String::new();
    let tag = match x.origin {
        Origin::Script => String::new(),
        Origin::AutoGetResponse => format!(" ({})", gettext("automatic GET RESPONSE")),
        Origin::AutoLe => format!(" ({})", gettext("re-sent with the right Le")),
    };
    out.push_str(&format!("[{line}] > {}{tag}\n", hex_spaced(&x.command)));
    let (data, sw) = match status_word(&x.response) {
        Some(_) => x.response.split_at(x.response.len() - 2),
        None => (&x.response[..], &[][..]),
    };
    if !data.is_empty() {
        out.push_str(&format!("[{line}] < {}\n", hex_spaced(data)));
    }
    let meaning = match status_word(&x.response) {
        Some((a, b)) => format!("{} {}", hex_spaced(sw), status::meaning(a, b)),
        None => gettext_f(
            // TRANSLATORS: {response} is the card's answer in hex, fewer than 2 bytes, e.g.
            // "90".
            &gettext("Response too short: {response}"),
            &[("response", &hex_spaced(&x.response))],
        ),
    };
    out.push_str(&format!(
        "[{line}] {meaning} ({})\n",
        duration_text(x.duration)
    ));
    if let Some((e, ok)) = &x.check {
        let t = if *ok {
            gettext_f(
                // TRANSLATORS: {expected} is the expectation as written in the script, e.g.
                // "(9000)".
                &gettext("Expected {expected}: passed"),
                &[("expected", &expectation_text(e))],
            )
        } else {
            gettext_f(
                // TRANSLATORS: {expected} is the expectation as written in the script, e.g.
                // "(9000)".
                &gettext("Expected {expected}: FAILED"),
                &[("expected", &expectation_text(e))],
            )
        };
        out.push_str(&format!("[{line}] {t}\n"));
    }
    out
}

fn summary_text(s: &Summary) -> String {
    let n = s.commands;
    let mut parts = vec![gettext_f(
        &ngettext("{n} command sent", "{n} commands sent", n as u32),
        &[("n", &n.to_string())],
    )];
    if s.assertions_checked > 0 {
        parts.push(gettext_f(
            // TRANSLATORS: two counts, e.g. "failed expectations: 1 of 3"; the
            // form stays the same for any number.
            &gettext("failed expectations: {failed} of {n}"),
            &[
                ("failed", &s.assertions_failed.to_string()),
                ("n", &s.assertions_checked.to_string()),
            ],
        ));
    }
    if s.errors > 0 {
        parts.push(gettext_f(
            &ngettext("{n} card error", "{n} card errors", s.errors as u32),
            &[("n", &s.errors.to_string())],
        ));
    }
    parts.push(gettext_f(
        // TRANSLATORS: {time} is a duration, e.g. "12.5 ms".
        &gettext("total time {time}"),
        &[("time", &duration_text(s.elapsed))],
    ));
    let end = match &s.outcome {
        Outcome::Completed => gettext("Script completed."),
        Outcome::Exited => gettext("Script stopped at “exit”."),
        Outcome::Stopped => gettext("Script stopped by the user."),
        Outcome::CardError(e) => gettext_f(
            &gettext("Script ended by an error: {error}"),
            &[("error", &e.message())],
        ),
        Outcome::AssertionFailed => gettext("Script stopped: an expectation failed."),
    };
    gettext_f(
        // TRANSLATORS: {outcome} is e.g. "Script completed."; {details} a
        // comma-separated list, e.g. "3 commands sent, total time 12 ms".
        &gettext("{outcome} {details}"),
        &[("outcome", &end), ("details", &parts.join(", "))],
    )
}
