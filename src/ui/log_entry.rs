//! One entry of the result log as plain data (the GObject row wraps it),
//! and how engine events become entries.

use std::time::Duration;

use crate::apdu::hex_spaced;
use crate::engine::{EngineEvent, Exchange, Origin, Outcome, Summary};
use crate::i18n::{decimal, gettext, gettext_f, ngettext};

use super::glue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EntryKind {
    Exchange,
    Reset,
    Info,
    Warning,
    Error,
    Summary,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Exchange => "exchange",
            EntryKind::Reset => "reset",
            EntryKind::Info => "info",
            EntryKind::Warning => "warning",
            EntryKind::Error => "error",
            EntryKind::Summary => "summary",
        }
    }
}

/// Wall-clock time of day in milliseconds, shown as `HH:MM:SS.mmm`.
/// Four bytes instead of a string: the log may hold 100 000 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Time(pub u32);

impl Time {
    pub fn now() -> Time {
        gtk::glib::DateTime::now_local()
            .map(|d| {
                let s = (d.hour() * 60 + d.minute()) * 60 + d.second();
                Time(s as u32 * 1000 + (d.microsecond() / 1000) as u32)
            })
            .unwrap_or_default()
    }
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0;
        write!(
            f,
            "{:02}:{:02}:{:02}.{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    }
}

impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogEntry {
    pub kind: EntryKind,
    pub time: Time,
    /// 1-based script line, 0 when none.
    pub line: usize,
    pub origin: Option<Origin>,
    pub command: Vec<u8>,
    /// The command as scriptor echoes it.
    pub echo: Option<String>,
    /// Full response (data + SW), or the ATR of a reset.
    pub response: Vec<u8>,
    pub duration: Option<Duration>,
    /// The message of a row that is not an exchange, or a note on an
    /// exchange; empty for a plain exchange, whose meaning comes from its SW
    /// (see [`LogEntry::meaning`]).
    pub text: String,
    /// Whether an expectation held, when one was checked.
    pub check: Option<bool>,
}

impl LogEntry {
    pub fn message(kind: EntryKind, time: Time, line: usize, text: String) -> LogEntry {
        LogEntry {
            kind,
            time,
            line,
            origin: None,
            command: Vec::new(),
            echo: None,
            response: Vec::new(),
            duration: None,
            text,
            check: None,
        }
    }

    /// The text of the meaning column: the message, or the SW's meaning.
    pub fn meaning(&self) -> std::borrow::Cow<'_, str> {
        match (self.text.is_empty(), self.sw()) {
            (true, Some((a, b))) => crate::apdu::status::meaning(a, b).into(),
            _ => self.text.as_str().into(),
        }
    }

    /// Response data without the status word.
    pub fn data(&self) -> &[u8] {
        if self.kind == EntryKind::Exchange && self.response.len() >= 2 {
            &self.response[..self.response.len() - 2]
        } else if self.kind == EntryKind::Exchange {
            &[]
        } else {
            &self.response
        }
    }

    pub fn sw(&self) -> Option<(u8, u8)> {
        // A reset's response is an ATR: no status word.
        (self.kind == EntryKind::Exchange)
            .then(|| crate::apdu::status_word(&self.response))
            .flatten()
    }

    pub fn sw_text(&self) -> String {
        self.sw()
            .map(|(a, b)| format!("{a:02X}{b:02X}"))
            .unwrap_or_default()
    }

    pub fn duration_text(&self) -> String {
        self.duration.map(format_duration).unwrap_or_default()
    }

    fn exchange(time: Time, x: &Exchange) -> LogEntry {
        // A plain exchange stores no text: its meaning is derived from the SW.
        let plain = x.origin == Origin::Script && !matches!(x.check, Some((_, false)));
        let mut text = match x.response.as_slice() {
            [_, _, ..] if plain => String::new(),
            [.., a, b] => crate::apdu::status::meaning(*a, *b),
            _ => gettext_f(
                // TRANSLATORS: {bytes} is the card's answer in hex, fewer than 2 bytes, e.g.
                // "90".
                &gettext("Response too short: {bytes}"),
                &[("bytes", &hex_spaced(&x.response))],
            ),
        };
        match x.origin {
            Origin::Script => {}
            Origin::AutoGetResponse => text = format!("{} {text}", gettext("[GET RESPONSE]")),
            Origin::AutoLe => text = format!("{} {text}", gettext("[Le corrected]")),
        }
        if let Some((exp, false)) = &x.check {
            let mut want: Vec<String> = exp.sw.iter().map(|p| p.to_string()).collect();
            if let Some(d) = &exp.data {
                want.insert(0, format!("[{d}]"));
            }
            text = format!(
                "{} {text}",
                gettext_f(
                    // TRANSLATORS: {expected} is the expectation as written in the script, e.g.
                    // "(9000)".
                    &gettext("Expectation failed (wanted {expected})."),
                    &[("expected", &want.join(", "))]
                )
            );
        }
        LogEntry {
            kind: EntryKind::Exchange,
            time,
            line: x.line,
            origin: Some(x.origin),
            command: x.command.clone(),
            echo: x.echo.clone(),
            response: x.response.clone(),
            duration: Some(x.duration),
            text,
            check: x.check.as_ref().map(|(_, ok)| *ok),
        }
    }

    /// The rows for an engine event: a warning row first when a scripted
    /// command does not follow its case (it is still sent as written).
    pub fn push_event(rows: &mut Vec<LogEntry>, time: Time, event: &EngineEvent) {
        if let EngineEvent::Exchange(x) = event {
            if x.origin == Origin::Script {
                for w in glue::command_info(&x.command).2 {
                    rows.push(LogEntry::message(EntryKind::Warning, time, x.line, w));
                }
            }
        }
        rows.push(LogEntry::from_event(time, event));
    }

    /// The entry for an engine event.
    pub fn from_event(time: Time, event: &EngineEvent) -> LogEntry {
        match event {
            EngineEvent::Exchange(x) => LogEntry::exchange(time, x),
            EngineEvent::Reset {
                line,
                result,
                duration,
            } => match result {
                Ok(atr) => LogEntry {
                    response: atr.clone(),
                    duration: Some(*duration),
                    ..LogEntry::message(EntryKind::Reset, time, *line, gettext("Reset"))
                },
                Err(e) => LogEntry::message(
                    EntryKind::Error,
                    time,
                    *line,
                    gettext_f(
                        &gettext("Reset failed: {error}"),
                        &[("error", &e.message())],
                    ),
                ),
            },
            EngineEvent::Error { line, error } => {
                let mut text = error.message();
                if let Some(h) = error.hint() {
                    text = gettext_f(
                        // TRANSLATORS: {error} is a problem, e.g. "No card in the
                        // reader"; {hint} what to do, e.g. "Insert a card into the reader".
                        &gettext("{error} ({hint})"),
                        &[("error", &text), ("hint", &h)],
                    );
                }
                LogEntry::message(EntryKind::Error, time, *line, text)
            }
            EngineEvent::Exit { line } => {
                LogEntry::message(EntryKind::Info, time, *line, gettext("Stopped at “exit”"))
            }
        }
    }

    /// The summary row after a run.
    pub fn summary(time: Time, s: &Summary) -> LogEntry {
        let commands = ngettext("{n} command sent", "{n} commands sent", s.commands as u32)
            .replace("{n}", &s.commands.to_string());
        let errors =
            s.errors + usize::from(matches!(s.outcome, Outcome::CardError(_)) && s.errors == 0);
        let failures = ngettext("{n} card error", "{n} card errors", errors as u32)
            .replace("{n}", &errors.to_string());
        let asserts = ngettext(
            "{n} expectation failed",
            "{n} expectations failed",
            s.assertions_failed as u32,
        )
        .replace("{n}", &s.assertions_failed.to_string());
        let how = match &s.outcome {
            Outcome::Completed if errors == 0 && s.assertions_failed == 0 => {
                gettext("Script completed")
            }
            Outcome::Completed => gettext("Script completed with errors or failed expectations"),
            Outcome::Exited => gettext("Script stopped at “exit”"),
            Outcome::Stopped => gettext("Script stopped by the user"),
            Outcome::CardError(_) => gettext("Script aborted by an error"),
            Outcome::AssertionFailed => gettext("Script stopped: an expectation failed"),
        };
        let text = gettext_f(
            // TRANSLATORS: the summary after a run, e.g. "Script completed: 3
            // commands sent, 0 card errors, 1 expectation failed, 12.5 ms in
            // total". {outcome} is e.g. "Script completed"; {commands},
            // {errors} and {expectations} are the three counts above, already
            // translated; {time} is a duration, e.g. "12.5 ms".
            &gettext("{outcome}: {commands}, {errors}, {expectations}, {time} in total"),
            &[
                ("outcome", &how),
                ("commands", &commands),
                ("errors", &failures),
                ("expectations", &asserts),
                ("time", &format_duration(s.elapsed)),
            ],
        );
        let ok = errors == 0
            && s.assertions_failed == 0
            && matches!(s.outcome, Outcome::Completed | Outcome::Exited);
        // A run the user stopped is neither a success nor a failure.
        let stopped = s.outcome == Outcome::Stopped && errors == 0 && s.assertions_failed == 0;
        LogEntry {
            duration: Some(s.elapsed),
            check: (!stopped).then_some(ok),
            ..LogEntry::message(EntryKind::Summary, time, 0, text)
        }
    }
}

pub fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us < 1000 {
        // TRANSLATORS: a duration in microseconds, e.g. "11 µs"; use your
        // language's symbol and spacing (Russian: "11 мкс").
        gettext_f(&gettext("{n} µs"), &[("n", &us.to_string())])
    } else if us < 10_000_000 {
        gettext_f(
            // TRANSLATORS: a duration in milliseconds, e.g. "12.5 ms".
            &gettext("{n} ms"),
            &[("n", &decimal(us as f64 / 1000.0, 1))],
        )
    } else {
        // TRANSLATORS: a duration in seconds, e.g. "12.25 s".
        gettext_f(&gettext("{n} s"), &[("n", &decimal(d.as_secs_f64(), 2))])
    }
}

/// Bytes as text: non-printable bytes become `.`.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}
