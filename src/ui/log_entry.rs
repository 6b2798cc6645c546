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
    /// The first row of a run: script, reader, protocol, options.
    Run,
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
            EntryKind::Run => "run",
        }
    }
}

/// Wall-clock time of day in milliseconds, shown as `HH:MM:SS.mmm`.
/// Four bytes instead of a string: the log may hold 100 000 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Time(pub u32);

impl Time {
    pub fn now() -> Time {
        Time::at(std::time::SystemTime::now())
    }

    /// The local time of day of `t`.
    pub fn at(t: std::time::SystemTime) -> Time {
        let Ok(since) = t.duration_since(std::time::UNIX_EPOCH) else {
            return Time::default();
        };
        let Ok(secs) = i64::try_from(since.as_secs()) else {
            return Time::default();
        };
        thread_local! {
            /// The last second looked up and its local time of day: the
            /// rows of a run share a few seconds, and the time zone lookup
            /// costs more than the rest of a row.
            static LAST: std::cell::Cell<Option<(i64, u32)>> = const { std::cell::Cell::new(None) };
        }
        let day_secs = match LAST.get() {
            Some((s, day)) if s == secs => Some(day),
            _ => {
                let day = gtk::glib::DateTime::from_unix_local(secs)
                    .ok()
                    .map(|d| ((d.hour() * 60 + d.minute()) * 60 + d.second()) as u32);
                if let Some(day) = day {
                    LAST.set(Some((secs, day)));
                }
                day
            }
        };
        day_secs.map_or_else(Time::default, |s| Time(s * 1000 + since.subsec_millis()))
    }

    /// `self` plus `d`, around midnight too.
    pub fn after(self, d: Duration) -> Time {
        let ms = u64::from(self.0) + d.as_millis().min(u128::from(u32::MAX)) as u64;
        Time((ms % 86_400_000) as u32)
    }
}

/// The name of a reset row.
pub fn reset_label(cold: bool) -> String {
    if cold {
        gettext("Cold reset")
    } else {
        gettext("Warm reset")
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

    /// The entry as script text that runs again: a command with its status
    /// word as the expectation and its response data as a comment, `reset`,
    /// or a comment. Commands sent automatically stay comments.
    pub fn script_lines(&self) -> String {
        let comment = |text: &str| text.lines().map(|l| format!("# {l}\n")).collect::<String>();
        match self.kind {
            EntryKind::Exchange if self.origin.is_none_or(|o| o == Origin::Script) => {
                let mut s = hex_spaced(&self.command);
                if let Some((a, b)) = self.sw() {
                    s.push_str(&format!(" ({a:02X}{b:02X})"));
                }
                s.push('\n');
                for (i, chunk) in self.data().chunks(16).enumerate() {
                    let mark = if i == 0 { "<" } else { " " };
                    s.push_str(&format!("# {mark} {}\n", hex_spaced(chunk)));
                }
                s
            }
            EntryKind::Exchange => comment(&format!(
                "{} {}  {}",
                self.meaning(),
                hex_spaced(&self.command),
                hex_spaced(&self.response)
            )),
            EntryKind::Reset if self.line > 0 => "reset\n".to_owned(),
            _ => comment(format!("{}  {}", self.text, hex_spaced(&self.response)).trim_end()),
        }
    }

    /// The entry's bytes in hex: the command, then the response (or ATR).
    pub fn hex_lines(&self) -> String {
        [&self.command, &self.response]
            .iter()
            .filter(|b| !b.is_empty())
            .map(|b| hex_spaced(b) + "\n")
            .collect()
    }

    pub fn duration_text(&self) -> String {
        self.duration.map(format_duration).unwrap_or_default()
    }

    fn exchange(x: &Exchange) -> LogEntry {
        let time = Time::at(x.sent);
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
                    rows.push(LogEntry::message(
                        EntryKind::Warning,
                        Time::at(x.sent),
                        x.line,
                        w,
                    ));
                }
            }
        }
        rows.push(LogEntry::from_event(time, event));
    }

    /// The entry for an engine event.
    pub fn from_event(time: Time, event: &EngineEvent) -> LogEntry {
        match event {
            EngineEvent::Exchange(x) => LogEntry::exchange(x),
            EngineEvent::Reset {
                line,
                cold,
                result,
                sent,
                duration,
            } => match result {
                Ok(atr) => LogEntry {
                    response: atr.clone(),
                    duration: Some(*duration),
                    ..LogEntry::message(
                        EntryKind::Reset,
                        Time::at(*sent),
                        *line,
                        reset_label(*cold),
                    )
                },
                Err(e) => LogEntry::message(
                    EntryKind::Error,
                    Time::at(*sent),
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

    /// The summary row after a run: what was sent, the status words by
    /// class, transport failures and failed expectations.
    pub fn summary(time: Time, s: &Summary, sw: &SwTally) -> LogEntry {
        let n = |text: String, n: usize| text.replace("{n}", &n.to_string());
        let commands = n(
            ngettext("{n} command sent", "{n} commands sent", s.commands as u32),
            s.commands,
        );
        let success = n(
            // TRANSLATORS: status words of the success class (9000, 61XX)
            ngettext("{n} successful", "{n} successful", sw.success as u32),
            sw.success,
        );
        let warnings = n(
            // TRANSLATORS: status words of the warning class (62XX, 63XX)
            ngettext("{n} warning", "{n} warnings", sw.warning as u32),
            sw.warning,
        );
        let errors = n(
            // TRANSLATORS: status words of the error class (64XX to 6FXX)
            ngettext("{n} error", "{n} errors", sw.error as u32),
            sw.error,
        );
        let failures =
            s.errors + usize::from(matches!(s.outcome, Outcome::CardError(_)) && s.errors == 0);
        let transport = n(
            ngettext(
                "{n} transport failure",
                "{n} transport failures",
                failures as u32,
            ),
            failures,
        );
        let expectations = n(
            ngettext(
                "{n} expectation failed",
                "{n} expectations failed",
                s.assertions_failed as u32,
            ),
            s.assertions_failed,
        );
        let how = match &s.outcome {
            Outcome::Completed if failures == 0 && s.assertions_failed == 0 => {
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
            // commands sent (2 successful, 0 warnings, 1 error), 0 transport
            // failures, 1 expectation failed, 12.5 ms in total". {outcome} is
            // e.g. "Script completed"; the other placeholders are the counts
            // above, already translated; {time} is a duration, e.g. "12.5 ms".
            &gettext("{outcome}: {commands} ({success}, {warnings}, {errors}), {transport}, {expectations}, {time} in total"),
            &[
                ("outcome", &how),
                ("commands", &commands),
                ("success", &success),
                ("warnings", &warnings),
                ("errors", &errors),
                ("transport", &transport),
                ("expectations", &expectations),
                ("time", &format_duration(s.elapsed)),
            ],
        );
        let ok = failures == 0
            && s.assertions_failed == 0
            && matches!(s.outcome, Outcome::Completed | Outcome::Exited);
        // A run the user stopped is neither a success nor a failure.
        let stopped = s.outcome == Outcome::Stopped && failures == 0 && s.assertions_failed == 0;
        LogEntry {
            duration: Some(s.elapsed),
            check: (!stopped).then_some(ok),
            ..LogEntry::message(EntryKind::Summary, time, 0, text)
        }
    }
}

/// The status words of a run by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SwTally {
    pub success: usize,
    pub warning: usize,
    pub error: usize,
}

impl SwTally {
    /// Count the status words of the exchanges among `events`.
    pub fn add(&mut self, events: &[EngineEvent]) {
        use crate::apdu::status::{severity, Severity};
        for e in events {
            let EngineEvent::Exchange(x) = e else {
                continue;
            };
            let Some((a, b)) = crate::apdu::status_word(&x.response) else {
                continue;
            };
            match severity(a, b) {
                Severity::Success => self.success += 1,
                Severity::Warning => self.warning += 1,
                Severity::Error => self.error += 1,
            }
        }
    }
}

pub fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    DURATION_UNITS.with(|units| {
        let units = units.get_or_init(DurationUnits::new);
        if us == 0 {
            units.below_one.clone()
        } else if us < 1000 {
            gettext_f(&units.micros, &[("n", &us.to_string())])
        } else if us < 10_000_000 {
            let n = units.decimal(us as f64 / 1000.0, 1);
            gettext_f(&units.millis, &[("n", &n)])
        } else {
            let n = units.decimal(d.as_secs_f64(), 2);
            gettext_f(&units.seconds, &[("n", &n)])
        }
    })
}

/// The translated units of [`format_duration`], looked up once: the log
/// formats a duration for every row it shows, and the language of a
/// process does not change.
struct DurationUnits {
    below_one: String,
    micros: String,
    millis: String,
    seconds: String,
    separator: String,
}

thread_local! {
    static DURATION_UNITS: std::cell::OnceCell<DurationUnits> = const { std::cell::OnceCell::new() };
}

impl DurationUnits {
    fn new() -> DurationUnits {
        DurationUnits {
            // TRANSLATORS: a duration shorter than a microsecond; use your
            // language's symbol (Russian: "< 1 мкс").
            below_one: gettext("< 1 µs"),
            // TRANSLATORS: a duration in microseconds, e.g. "11 µs"; use your
            // language's symbol and spacing (Russian: "11 мкс").
            micros: gettext("{n} µs"),
            // TRANSLATORS: a duration in milliseconds, e.g. "12.5 ms".
            millis: gettext("{n} ms"),
            // TRANSLATORS: a duration in seconds, e.g. "12.25 s".
            seconds: gettext("{n} s"),
            separator: decimal(0.5, 1).replace(['0', '5'], ""),
        }
    }

    /// As [`decimal`] writes it.
    fn decimal(&self, x: f64, places: usize) -> String {
        let s = format!("{x:.places$}");
        if self.separator == "." {
            s
        } else {
            s.replace('.', &self.separator)
        }
    }
}

/// Bytes as text: non-printable bytes become `.`.
pub fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| ascii_char(b)).collect()
}

/// One byte as [`ascii`] shows it.
pub fn ascii_char(b: u8) -> char {
    if (0x20..0x7f).contains(&b) {
        b as char
    } else {
        '.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_lines_parse_back() {
        let exchange = LogEntry {
            command: vec![0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00],
            response: (0u8..20).chain([0x61, 0x10]).collect(),
            origin: Some(Origin::Script),
            ..LogEntry::message(EntryKind::Exchange, Time(0), 2, String::new())
        };
        let auto = LogEntry {
            command: vec![0x00, 0xC0, 0x00, 0x00, 0x10],
            response: vec![0x90, 0x00],
            origin: Some(Origin::AutoGetResponse),
            ..exchange.clone()
        };
        let reset = LogEntry {
            response: vec![0x3B, 0x00],
            ..LogEntry::message(EntryKind::Reset, Time(0), 3, "Warm reset".into())
        };
        let summary = LogEntry::message(EntryKind::Summary, Time(0), 0, "done (1)".into());
        let text: String = [&exchange, &auto, &reset, &summary]
            .iter()
            .map(|e| e.script_lines())
            .collect();
        assert!(
            text.starts_with("00 A4 04 00 02 3F 00 (6110)\n# < 00 01"),
            "{text}"
        );
        let script = crate::script::parse(&text);
        assert!(script.errors.is_empty(), "{:?}\n{text}", script.errors);
        assert_eq!(script.statements.len(), 2, "{text}");
    }

    #[test]
    fn durations_have_units_and_no_zero() {
        assert_eq!(format_duration(Duration::from_nanos(300)), "< 1 µs");
        assert_eq!(format_duration(Duration::from_micros(7)), "7 µs");
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(format_duration(Duration::from_secs(12)), "12.00 s");
    }

    #[test]
    fn times_of_day_from_the_clock() {
        let t = std::time::UNIX_EPOCH + Duration::from_millis(1_000_000_123);
        let a = Time::at(t);
        assert_eq!(a.0 % 1000, 123, "milliseconds kept");
        assert_eq!(
            Time::at(t + Duration::from_millis(40)),
            a.after(Duration::from_millis(40))
        );
        assert_eq!(Time(86_399_999).after(Duration::from_millis(2)), Time(1));
    }
}
