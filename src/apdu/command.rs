//! Command APDUs: recognise the ISO/IEC 7816-4 case of the bytes as written.
//! Problems are warnings only: the bytes are always sent unchanged.

use std::ops::Range;

use crate::i18n::{gettext, gettext_f, ngettext};

/// The shortest command: CLA INS P1 P2.
pub const MIN_COMMAND_LEN: usize = 4;
/// The longest command: a header, an extended Lc (3 bytes), 65 535 bytes of
/// data and an extended Le (2 bytes).
pub const MAX_COMMAND_LEN: usize = 4 + 3 + 65_535 + 2;

/// The ISO/IEC 7816-4 command case (S = short, E = extended length fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// Header only.
    Case1,
    /// Header + Le.
    Case2S,
    /// Header + Lc + data.
    Case3S,
    /// Header + Lc + data + Le.
    Case4S,
    Case2E,
    Case3E,
    Case4E,
}

impl Case {
    /// `1`, `2S`, `4E`…
    pub fn label(&self) -> &str {
        match self {
            Case::Case1 => "1",
            Case::Case2S => "2S",
            Case::Case3S => "3S",
            Case::Case4S => "4S",
            Case::Case2E => "2E",
            Case::Case3E => "3E",
            Case::Case4E => "4E",
        }
    }

    pub fn is_extended(self) -> bool {
        matches!(self, Case::Case2E | Case::Case3E | Case::Case4E)
    }
}

/// Why a command does not follow one of the seven cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandWarning {
    /// Fewer than the four header bytes.
    TooShort { len: usize },
    /// Lc announces `lc` bytes of data but `available` bytes follow Lc.
    LcMismatch { lc: usize, available: usize },
    /// Lc = 0 is not a valid length field.
    ZeroLc,
}

impl CommandWarning {
    /// A translated sentence for the log and the editor.
    pub fn message(&self) -> String {
        match self {
            CommandWarning::TooShort { len } => gettext_f(
                &ngettext(
                    "Command of {n} byte: a command needs at least 4 bytes (CLA INS P1 P2)",
                    "Command of {n} bytes: a command needs at least 4 bytes (CLA INS P1 P2)",
                    *len as u32,
                ),
                &[("n", &len.to_string())],
            ),
            CommandWarning::LcMismatch { lc, available } => gettext_f(
                &ngettext(
                    // TRANSLATORS: {lc} is the count in the command's Lc byte
                    // (e.g. 5), {n} the count of data bytes after it (e.g. 3).
                    "Lc announces {lc} data byte; data bytes present: {n}",
                    "Lc announces {lc} data bytes; data bytes present: {n}",
                    *lc as u32,
                ),
                &[("lc", &lc.to_string()), ("n", &available.to_string())],
            ),
            CommandWarning::ZeroLc => {
                gettext("Lc is 0, which is not allowed: leave Lc out for a command without data")
            }
        }
    }
}

/// What the bytes of a command APDU say. When fewer than four bytes are
/// given, the missing header bytes read as 0 and `case` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandInfo {
    pub case: Option<Case>,
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    /// Nc as announced by the Lc field.
    pub lc: Option<usize>,
    /// Where the command data lies in the bytes (clipped to what is there).
    pub data: Range<usize>,
    /// Ne: short `00` is 256, extended `0000` is 65 536.
    pub le: Option<usize>,
    pub warnings: Vec<CommandWarning>,
}

impl CommandInfo {
    pub fn is_valid(&self) -> bool {
        self.case.is_some() && self.warnings.is_empty()
    }
}

/// Namespace for command-APDU parsing.
pub struct CommandApdu;

impl CommandApdu {
    pub fn parse(bytes: &[u8]) -> CommandInfo {
        let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let mut info = CommandInfo {
            case: None,
            cla: at(0),
            ins: at(1),
            p1: at(2),
            p2: at(3),
            lc: None,
            data: bytes.len().min(4)..bytes.len().min(4),
            le: None,
            warnings: Vec::new(),
        };
        let len = bytes.len();
        if len < 4 {
            info.warnings.push(CommandWarning::TooShort { len });
            return info;
        }
        if len == 4 {
            info.case = Some(Case::Case1);
            return info;
        }
        let b4 = usize::from(bytes[4]);
        if len == 5 {
            info.case = Some(Case::Case2S);
            info.le = Some(short_le(b4));
            return info;
        }
        if b4 != 0 {
            parse_body(
                &mut info,
                len,
                5,
                b4,
                1,
                [Case::Case3S, Case::Case4S],
                |i| short_le(usize::from(bytes[i])),
            );
            return info;
        }
        // B4 = 00 with more bytes: extended length fields (or a bad short Lc).
        if len == 6 {
            info.lc = Some(0);
            info.data = 5..5;
            info.warnings.push(CommandWarning::ZeroLc);
            return info;
        }
        let b56 = usize::from(u16::from_be_bytes([bytes[5], bytes[6]]));
        if len == 7 {
            info.case = Some(Case::Case2E);
            info.le = Some(extended_le(b56));
            return info;
        }
        if b56 == 0 {
            info.lc = Some(0);
            info.data = 7..7;
            info.warnings.push(CommandWarning::ZeroLc);
            return info;
        }
        parse_body(
            &mut info,
            len,
            7,
            b56,
            2,
            [Case::Case3E, Case::Case4E],
            |i| extended_le(usize::from(u16::from_be_bytes([bytes[i], bytes[i + 1]]))),
        );
        info
    }
}

/// Cases 3 and 4 once Lc is known: data starts at `start`, Le has `le_len`
/// bytes.
fn parse_body(
    info: &mut CommandInfo,
    len: usize,
    start: usize,
    lc: usize,
    le_len: usize,
    cases: [Case; 2],
    read_le: impl Fn(usize) -> usize,
) {
    info.lc = Some(lc);
    let available = len - start;
    info.data = start..(start + lc).min(len);
    if available == lc {
        info.case = Some(cases[0]);
    } else if available == lc + le_len {
        info.case = Some(cases[1]);
        info.le = Some(read_le(start + lc));
    } else {
        info.warnings
            .push(CommandWarning::LcMismatch { lc, available });
    }
}

fn short_le(b: usize) -> usize {
    if b == 0 {
        256
    } else {
        b
    }
}

fn extended_le(v: usize) -> usize {
    if v == 0 {
        65_536
    } else {
        v
    }
}

/// The short name of a well-known instruction, for the log: ISO/IEC 7816-4,
/// GlobalPlatform and GSM names, which stay as the standards spell them
/// (not translated, so users can look them up).
/// Proprietary classes (b8 of CLA set) use the GlobalPlatform names, CLA A0
/// the GSM 11.11 ones.
pub fn ins_name(cla: u8, ins: u8) -> Option<String> {
    let gsm = cla == 0xA0;
    let proprietary = cla & 0x80 != 0 && cla != 0xFF && !gsm;
    let s = match ins {
        0x10 if gsm => "TERMINAL PROFILE",
        0x12 if gsm => "FETCH",
        0x14 if gsm => "TERMINAL RESPONSE",
        0xF2 if gsm => "STATUS",
        0x88 if gsm => "RUN GSM ALGORITHM",
        0x50 if proprietary => "INITIALIZE UPDATE",
        0xD8 if proprietary => "PUT KEY",
        0xE4 if proprietary => "DELETE",
        0xE6 if proprietary => "INSTALL",
        0xE8 if proprietary => "LOAD",
        0xF0 if proprietary => "SET STATUS",
        0xF2 if proprietary => "GET STATUS",
        0x04 => "DEACTIVATE FILE",
        0x0C => "ERASE RECORD",
        0x0E | 0x0F => "ERASE BINARY",
        0x20 | 0x21 => "VERIFY",
        0x22 => "MANAGE SECURITY ENVIRONMENT",
        0x24 => "CHANGE REFERENCE DATA",
        0x26 => "DISABLE VERIFICATION REQUIREMENT",
        0x28 => "ENABLE VERIFICATION REQUIREMENT",
        0x2A => "PERFORM SECURITY OPERATION",
        0x2C => "RESET RETRY COUNTER",
        0x44 => "ACTIVATE FILE",
        0x46 => "GENERATE ASYMMETRIC KEY PAIR",
        0x70 => "MANAGE CHANNEL",
        0x82 => "EXTERNAL AUTHENTICATE",
        0x84 => "GET CHALLENGE",
        0x86 | 0x87 => "GENERAL AUTHENTICATE",
        0x88 => "INTERNAL AUTHENTICATE",
        0xA0 | 0xA1 => "SEARCH BINARY",
        0xA2 => "SEARCH RECORD",
        0xA4 => "SELECT",
        0xB0 | 0xB1 => "READ BINARY",
        0xB2 | 0xB3 => "READ RECORD",
        0xC0 => "GET RESPONSE",
        0xC2 | 0xC3 => "ENVELOPE",
        0xCA | 0xCB => "GET DATA",
        0xD0 | 0xD1 => "WRITE BINARY",
        0xD2 => "WRITE RECORD",
        0xD6 | 0xD7 => "UPDATE BINARY",
        0xDA | 0xDB => "PUT DATA",
        0xDC | 0xDD => "UPDATE RECORD",
        0xE0 => "CREATE FILE",
        0xE2 => "APPEND RECORD",
        0xE4 => "DELETE FILE",
        0xE6 => "TERMINATE DF",
        0xE8 => "TERMINATE EF",
        0xFE => "TERMINATE CARD USAGE",
        _ => return None,
    };
    Some(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cases() {
        let c = CommandApdu::parse(&[0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00]);
        assert_eq!(c.case, Some(Case::Case3S));
        assert_eq!(c.lc, Some(2));
        assert_eq!(c.data, 5..7);
        assert_eq!(c.le, None);
        assert!(c.is_valid());
        let c = CommandApdu::parse(&[0x00, 0xB0, 0x00, 0x00, 0x00]);
        assert_eq!((c.case, c.le), (Some(Case::Case2S), Some(256)));
    }

    #[test]
    fn names_depend_on_the_class() {
        assert_eq!(ins_name(0x00, 0xA4).as_deref(), Some("SELECT"));
        assert_eq!(ins_name(0x80, 0xE6).as_deref(), Some("INSTALL"));
        assert_eq!(ins_name(0x00, 0xE6).as_deref(), Some("TERMINATE DF"));
        assert_eq!(ins_name(0xA0, 0xF2).as_deref(), Some("STATUS"));
        assert_eq!(ins_name(0x00, 0x01), None);
    }
}
