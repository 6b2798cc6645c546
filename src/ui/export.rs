//! The result log as text: plain (translated, for people), scriptor's format
//! (for tools that read scriptor output) and RON (for programs).

use std::fmt::Write as _;

use super::log_entry::{ascii, EntryKind, LogEntry};
use crate::apdu::hex_spaced;
use crate::engine::Origin;
use crate::i18n::gettext;
use crate::transcript::{self, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Scriptor,
    Ron,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Plain => "txt",
            Format::Scriptor => "log",
            Format::Ron => "ron",
        }
    }
}

pub fn export(entries: &[LogEntry], format: Format) -> String {
    match format {
        Format::Plain => entries.iter().map(plain_line).collect(),
        Format::Scriptor => entries.iter().map(scriptor_lines).collect(),
        Format::Ron => entries.iter().map(|e| record(e).line()).collect(),
    }
}

/// One entry as one or two lines of readable text (used by copy, too).
pub fn plain_line(e: &LogEntry) -> String {
    let mut s = String::new();
    let line = if e.line > 0 {
        format!("{:>5}", e.line)
    } else {
        "     ".to_owned()
    };
    match e.kind {
        EntryKind::Exchange => {
            let _ = writeln!(s, "{} {line}  > {}", e.time, hex_spaced(&e.command));
            let _ = writeln!(
                s,
                "{} {line}  < {}  {}  ({})",
                e.time,
                hex_spaced(&e.response),
                e.meaning(),
                e.duration_text()
            );
        }
        EntryKind::Reset => {
            let _ = writeln!(
                s,
                "{} {line}  {} {}: {}",
                e.time,
                e.text,
                gettext("ATR"),
                hex_spaced(&e.response)
            );
        }
        _ => {
            let _ = writeln!(s, "{} {line}  {}", e.time, e.text);
        }
    }
    s
}

/// scriptor's `> …` / `< … : sentence` lines, 16 response bytes per line,
/// written as `run` writes them.
fn scriptor_lines(e: &LogEntry) -> String {
    match e.kind {
        EntryKind::Exchange => {
            transcript::scriptor_command(e.echo.as_deref(), &e.command)
                + &transcript::scriptor_response(&e.response)
        }
        EntryKind::Reset => {
            transcript::SCRIPTOR_RESET.to_owned() + &transcript::scriptor_reset(Ok(&e.response))
        }
        EntryKind::Error if e.line > 0 => format!("# {}\n", e.text),
        _ => String::new(),
    }
}

/// A row as the record `run --format ron` writes for it.
fn record(e: &LogEntry) -> Record {
    let time = Some(e.time.to_string());
    let line = e.line;
    match e.kind {
        EntryKind::Exchange => Record::exchange(
            line,
            e.origin.unwrap_or(Origin::Script),
            &e.command,
            &e.response,
            e.duration.unwrap_or_default(),
            None,
            e.check,
            time,
        ),
        EntryKind::Reset => Record::Reset {
            line,
            atr: Some(hex::encode_upper(&e.response)),
            error: None,
            duration_us: transcript::micros(e.duration.unwrap_or_default()),
            time,
        },
        EntryKind::Error => Record::Error {
            line,
            error: e.text.clone(),
            hint: None,
            time,
        },
        EntryKind::Warning => Record::Warning {
            line,
            message: e.text.clone(),
            time,
        },
        EntryKind::Info | EntryKind::Summary | EntryKind::Run => Record::Info {
            line,
            message: e.text.clone(),
            time,
        },
    }
}

/// Response bytes for the hex/ASCII column.
pub fn data_column(e: &LogEntry, show_ascii: bool) -> String {
    let data = e.data();
    if show_ascii {
        ascii(data)
    } else {
        hex_spaced(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::log_entry::Time;

    fn exchange() -> LogEntry {
        LogEntry {
            command: vec![0x00, 0xA4, 0x04, 0x00, 0x00],
            echo: Some("00 a4 04 00 00 ".into()),
            response: (0u8..18).chain([0x90, 0x00]).collect(),
            duration: Some(std::time::Duration::from_micros(1500)),
            ..LogEntry::message(EntryKind::Exchange, Time(36_000_000), 3, "OK".into())
        }
    }

    #[test]
    fn scriptor_format_breaks_after_16_bytes() {
        let out = export(&[exchange()], Format::Scriptor);
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("> 00 a4 04 00 00 "));
        assert_eq!(
            lines.next(),
            Some("< 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F ")
        );
        assert_eq!(lines.next(), Some("10 11 90 00 : Normal processing."));
    }

    #[test]
    fn plain_and_ron_name_the_command() {
        let e = exchange();
        assert!(export(std::slice::from_ref(&e), Format::Plain).contains("> 00 A4 04 00 00"));
        let ron = export(&[e], Format::Ron);
        // The records `run --format ron` writes, one a line, with the time.
        assert!(
            ron.starts_with("Exchange(line:3,origin:Script,command:\"00A4040000\","),
            "{ron}"
        );
        assert!(ron.ends_with(",time:Some(\"10:00:00.000\"))\n"), "{ron}");
        let back: Record = ron::from_str(ron.trim_end()).unwrap();
        assert!(matches!(back, Record::Exchange { line: 3, .. }));
    }

    #[test]
    fn automatic_commands_are_written_as_run_writes_them() {
        let e = LogEntry {
            origin: Some(Origin::AutoGetResponse),
            echo: None,
            command: vec![0x00, 0xC0, 0x00, 0x00, 0x02],
            response: vec![0x01, 0x02, 0x90, 0x00],
            ..exchange()
        };
        // No trailing space: that is scriptor's echo of compact hex only.
        assert_eq!(
            export(&[e], Format::Scriptor),
            "> 00 C0 00 00 02\n< 01 02 90 00 : Normal processing.\n"
        );
    }

    #[test]
    fn ascii_column_hides_unprintable_bytes() {
        let mut e = exchange();
        e.response = b"AB\x01\x90\x00".to_vec();
        assert_eq!(data_column(&e, true), "AB.");
        assert_eq!(data_column(&e, false), "41 42 01");
    }
}
