//! The English status-word sentences that `scriptor` prints (pcsc-perl's
//! `ISO7816Error`), reproduced exactly for the scriptor output format. Never
//! translated: existing pipelines compare this text.

use super::{hex_spaced, status_word};

/// The sentence `scriptor` prints after `< 90 00 : ` for this status word.
/// Trailing spaces are part of the format (`"Command not allowed. "` for an
/// unlisted `69XX`).
pub fn scriptor_sentence(sw1: u8, sw2: u8) -> String {
    const UNDEFINED: &str = "Error not defined by ISO 7816";
    let with_detail = |prefix: &str, detail: &str| format!("{prefix}{detail}");
    match (sw1, sw2) {
        (0x61, n) => format!("0x{n:02X} bytes of response still available."),
        (0x62, _) => with_detail(
            "State of non-volatile memory unchanged. ",
            match sw2 {
                0x00 => "No information given.",
                0x81 => "Part of returned data my be corrupted.",
                0x82 => "End of file/record reached before reading Le bytes.",
                0x83 => "Selected file invalidated.",
                0x84 => "FCI not formated according to 5.1.5.",
                _ => "",
            },
        ),
        (0x63, 0xC0..=0xCF) => format!(
            "State of non-volatile memory changed. Counter: 0x{:X}",
            sw2 & 0x0F
        ),
        (0x63, _) => with_detail(
            "State of non-volatile memory changed. ",
            match sw2 {
                0x00 => "No information given.",
                0x81 => "File filled up by the last write.",
                _ => "",
            },
        ),
        (0x64, 0x00) => "State of non-volatile memory unchanged.".to_owned(),
        (0x65, _) => with_detail(
            "State of non-volatile memory changed. ",
            if sw2 == 0x81 { "Memory failure." } else { "" },
        ),
        (0x66, _) => "Reserved for security-related issues.".to_owned(),
        (0x67, 0x00) => "Wrong length.".to_owned(),
        (0x68, _) => with_detail(
            "Functions in CLA not supported. ",
            match sw2 {
                0x81 => "Logical channel not supported.",
                0x82 => "Secure messaging not supported.",
                _ => "",
            },
        ),
        (0x69, _) => with_detail(
            "Command not allowed. ",
            match sw2 {
                0x81 => "Command incompatible with file structure.",
                0x82 => "Security status not satisfied.",
                0x83 => "Authentication method blocked.",
                0x84 => "Referenced data invalidated.",
                0x85 => "Conditions of use not satisfied.",
                0x86 => "Command not allowed (no current EF).",
                0x87 => "Expected SM data objects missing.",
                0x88 => "SM data objects incorrect.",
                _ => "",
            },
        ),
        (0x6A, _) => with_detail(
            "Wrong parameter(s) P1-P2. ",
            match sw2 {
                0x80 => "Incorrect parameters in the data field.",
                0x81 => "Function not supported.",
                0x82 => "File not found.",
                0x83 => "Record not found.",
                0x84 => "Not enough memory space in the file.",
                0x85 => "Lc inconsistent with TLV structure.",
                0x86 => "Incorrect parameters P1-P2.",
                0x87 => "Lc inconsistent with P1-P2.",
                0x88 => "Referenced data not found.",
                _ => "",
            },
        ),
        (0x6B, 0x00) => "Wrong parameter(s) P1-P2.".to_owned(),
        (0x6C, n) => format!("Wrong length Le: should be 0x{n:02X}"),
        (0x6D, 0x00) => "Instruction code not supported or invalid.".to_owned(),
        (0x6E, 0x00) => "Class not supported.".to_owned(),
        (0x6F, 0x00) => "No precise diagnosis.".to_owned(),
        (0x90, 0x00) => "Normal processing.".to_owned(),
        _ => UNDEFINED.to_owned(),
    }
}

/// scriptor's `< ` line body: hex with a line break after every 16th byte
/// that has more behind it, then ` : ` and pcsc-perl's sentence.
pub fn scriptor_response(response: &[u8]) -> String {
    let mut s = String::with_capacity(response.len() * 3 + 48);
    for (i, b) in response.iter().enumerate() {
        s.push_str(&format!("{b:02X}"));
        if i + 1 < response.len() {
            s.push(' ');
            if (i + 1) % 16 == 0 {
                s.push('\n');
            }
        }
    }
    s.push_str(" : ");
    match status_word(response) {
        Some((a, b)) => s.push_str(&scriptor_sentence(a, b)),
        None => {
            s.push_str("wrong SW size for: ");
            s.push_str(&hex_spaced(response));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{scriptor_response, scriptor_sentence};

    #[test]
    fn well_known_sentences() {
        assert_eq!(scriptor_sentence(0x90, 0x00), "Normal processing.");
        assert_eq!(
            scriptor_sentence(0x61, 0x0C),
            "0x0C bytes of response still available."
        );
        assert_eq!(
            scriptor_sentence(0x6A, 0x82),
            "Wrong parameter(s) P1-P2. File not found."
        );
        assert_eq!(
            scriptor_sentence(0x62, 0x10),
            "State of non-volatile memory unchanged. "
        );
        assert_eq!(
            scriptor_sentence(0x63, 0xC3),
            "State of non-volatile memory changed. Counter: 0x3"
        );
        assert_eq!(
            scriptor_sentence(0x6C, 0xFF),
            "Wrong length Le: should be 0xFF"
        );
        assert_eq!(
            scriptor_sentence(0x90, 0x01),
            "Error not defined by ISO 7816"
        );
    }

    #[test]
    fn response_lines_break_after_each_full_sixteen_bytes_with_more_behind() {
        let r: Vec<u8> = (0..16).collect();
        let s = scriptor_response(&r);
        assert!(!s.contains('\n'), "16 bytes fit on one line: {s:?}");
        let r: Vec<u8> = (0..17).collect();
        let s = scriptor_response(&r);
        assert!(
            s.starts_with("00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 : "),
            "{s:?}"
        );
        let r: Vec<u8> = (0..33).collect();
        assert_eq!(scriptor_response(&r).matches('\n').count(), 2);
    }

    #[test]
    fn short_response_is_reported_not_a_panic() {
        assert_eq!(scriptor_response(&[0x90]), "90 : wrong SW size for: 90");
        assert_eq!(scriptor_response(&[]), " : wrong SW size for: ");
    }
}
