//! A run written down for tools, the same way by `run` and by the window's
//! log export: scriptor's `>` / `<` lines, and one RON record per line.
//!
//! scriptor sends no automatic GET RESPONSE; such a command is written as a
//! hand-typed spaced command is echoed (`> 00 C0 00 00 19`, no trailing
//! space), the same in both places.

use crate::apdu::{hex_spaced, status, status_word};
use crate::engine::Origin;

/// `> ECHO` for a scripted command (as scriptor echoes what was typed), or
/// `> 00 C0 00 00 19` for one the engine sent (`echo` is `None`).
pub fn scriptor_command(echo: Option<&str>, command: &[u8]) -> String {
    match echo {
        Some(e) => format!("> {e}\n"),
        None => format!("> {}\n", hex_spaced(command)),
    }
}

/// `< 6F 17 … : Normal processing.`, 16 bytes to a line as scriptor does.
pub fn scriptor_response(response: &[u8]) -> String {
    format!("< {}\n", status::scriptor_response(response))
}

/// What scriptor prints before a reset.
pub const SCRIPTOR_RESET: &str = "> RESET\n";

/// After a reset: `< OK: 3B 02 54 43 ` (each byte followed by a space, as
/// scriptor prints the ATR) or `< KO: ` and pcsc-perl's error text.
pub fn scriptor_reset(result: Result<&[u8], &str>) -> String {
    match result {
        Ok(atr) => {
            let bytes: String = atr.iter().map(|b| format!("{b:02X} ")).collect();
            format!("< OK: {bytes}\n")
        }
        Err(e) => format!("< KO: {e}\n"),
    }
}

/// One RON record. Hex is upper case without spaces; `time` (the time of
/// day, `HH:MM:SS.mmm`) is only written by the window, whose rows have one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Record {
    Exchange {
        line: usize,
        origin: Origin,
        command: String,
        response: String,
        sw: Option<String>,
        meaning: Option<String>,
        duration_us: u64,
        expected: Option<String>,
        ok: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    Reset {
        line: usize,
        atr: Option<String>,
        error: Option<String>,
        duration_us: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    Error {
        line: usize,
        error: String,
        hint: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    /// A command sent as written although it does not follow its case, or
    /// another remark on a line.
    Warning {
        line: usize,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    /// A remark that is no problem (the window's summary row, for one).
    Info {
        line: usize,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    Exit {
        line: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<String>,
    },
    Summary {
        commands: usize,
        resets: usize,
        assertions_checked: usize,
        assertions_failed: usize,
        errors: usize,
        card_time_us: u64,
        elapsed_us: u64,
        outcome: String,
    },
}

impl Record {
    /// The record of one exchange; `expected` is the expectation checked,
    /// as written, and `ok` whether it held.
    #[allow(clippy::too_many_arguments)]
    pub fn exchange(
        line: usize,
        origin: Origin,
        command: &[u8],
        response: &[u8],
        duration: std::time::Duration,
        expected: Option<String>,
        ok: Option<bool>,
        time: Option<String>,
    ) -> Record {
        let (sw, meaning) = status_word(response)
            .map(|(a, b)| (Some(format!("{a:02X}{b:02X}")), Some(status::meaning(a, b))))
            .unwrap_or((None, None));
        Record::Exchange {
            line,
            origin,
            command: hex::encode_upper(command),
            response: hex::encode_upper(response),
            sw,
            meaning,
            duration_us: micros(duration),
            expected,
            ok,
            time,
        }
    }

    /// The record as one line of RON, with its line end.
    pub fn line(&self) -> String {
        match ron::to_string(self) {
            Ok(s) => s + "\n",
            Err(_) => String::new(),
        }
    }
}

/// Microseconds, saturated.
pub fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn scriptor_lines() {
        assert_eq!(
            scriptor_command(Some("00 a4 04 00 00 "), &[]),
            "> 00 a4 04 00 00 \n"
        );
        assert_eq!(
            scriptor_command(None, &[0x00, 0xC0, 0x00, 0x00, 0x19]),
            "> 00 C0 00 00 19\n"
        );
        assert_eq!(
            scriptor_response(&[0x90, 0x00]),
            "< 90 00 : Normal processing.\n"
        );
        assert_eq!(scriptor_reset(Ok(&[0x3B, 0x00])), "< OK: 3B 00 \n");
        assert_eq!(
            scriptor_reset(Err("Card was removed.")),
            "< KO: Card was removed.\n"
        );
    }

    #[test]
    fn records_read_back() {
        let r = Record::exchange(
            3,
            Origin::AutoGetResponse,
            &[0x00, 0xC0, 0x00, 0x00, 0x02],
            &[0x01, 0x02, 0x90, 0x00],
            Duration::from_micros(1500),
            None,
            None,
            Some("10:00:00.000".into()),
        );
        let line = r.line();
        assert!(
            line.ends_with(")\n") && line.matches('\n').count() == 1,
            "{line}"
        );
        assert!(line.contains("sw:Some(\"9000\")"), "{line}");
        assert_eq!(ron::from_str::<Record>(&line).unwrap(), r);
        // Without a time the field is left out.
        let r = Record::Exit {
            line: 4,
            time: None,
        };
        assert_eq!(r.line(), "Exit(line:4)\n");
    }
}
