//! Status words: translated meanings written from ISO/IEC 7816-4, ETSI/GSM
//! (TS 102 221, GSM 11.11) and GlobalPlatform, and a severity for colouring.
//! The scriptor format's fixed English sentences live in `scriptor_sw`.

use crate::i18n::{gettext, gettext_f, ngettext};

pub use super::response::Response;
pub use super::scriptor_sw::{scriptor_response, scriptor_sentence};

/// How a status word should look in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Success,
    Warning,
    Error,
}

/// How the log should colour this status word.
pub fn severity(sw1: u8, sw2: u8) -> Severity {
    match (sw1, sw2) {
        (0x90, 0x00) | (0x61 | 0x9F | 0x91, _) => Severity::Success,
        (0x62 | 0x63 | 0x92 | 0x93, _) => Severity::Warning,
        (0x90, _) => Severity::Warning,
        _ => Severity::Error,
    }
}

/// Counts in status words: SW2 = 00 stands for 256 where SW2 is a length.
fn length_of(sw2: u8) -> u32 {
    if sw2 == 0 {
        256
    } else {
        u32::from(sw2)
    }
}

/// Fill `{n}` in a sentence already chosen by `ngettext` for `n`.
fn with_count(translated: String, n: u32) -> String {
    gettext_f(&translated, &[("n", &n.to_string())])
}

/// A translated sentence for this status word: the specific meaning when one
/// is known, otherwise the meaning of its class, otherwise
/// "Unknown status word".
pub fn meaning(sw1: u8, sw2: u8) -> String {
    if let Some(s) = specific(sw1, sw2) {
        return s;
    }
    match class_meaning(sw1) {
        Some(s) => s,
        None => gettext("Unknown status word"),
    }
}

fn specific(sw1: u8, sw2: u8) -> Option<String> {
    let s = match (sw1, sw2) {
        (0x90, 0x00) => gettext("Success"),
        (0x61, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    "{n} byte of response data still available",
                    "{n} bytes of response data still available",
                    n,
                ),
                n,
            ));
        }
        (0x62, 0x00) => gettext("Warning: no information given, memory unchanged"),
        (0x62, 0x02..=0x80) => gettext("Warning triggered by the card, memory unchanged"),
        (0x62, 0x81) => gettext("Part of the returned data may be corrupted"),
        (0x62, 0x82) => gettext("End of file or record reached before reading Le bytes"),
        (0x62, 0x83) => gettext("Selected file deactivated (or card locked)"),
        (0x62, 0x84) => gettext("File control information not formatted as specified"),
        (0x62, 0x85) => gettext("Selected file in termination state"),
        (0x62, 0x86) => gettext("No input data available from a sensor on the card"),
        (0x62, 0x87) => gettext("At least one of the referenced records is deactivated"),
        (0x63, 0x00) => gettext("Verification failed (no information given)"),
        (0x63, 0x10) => gettext("More data available"),
        (0x63, 0x81) => gettext("File filled up by the last write"),
        (0x63, 0xC0..=0xCF) => {
            let n = u32::from(sw2 & 0x0F);
            return Some(with_count(
                ngettext(
                    "Verification failed: {n} try left",
                    "Verification failed: {n} tries left",
                    n,
                ),
                n,
            ));
        }
        (0x64, 0x00) => gettext("Execution error, memory unchanged"),
        (0x64, 0x01) => gettext("Immediate response required by the card"),
        (0x64, 0x02..=0x80) => gettext("Execution error triggered by the card"),
        (0x65, 0x00) => gettext("Execution error, memory changed"),
        (0x65, 0x81) => gettext("Memory failure"),
        (0x67, 0x00) => gettext("Wrong length (Lc or Le)"),
        (0x68, 0x00) => gettext("Function in CLA not supported"),
        (0x68, 0x81) => gettext("Logical channel not supported"),
        (0x68, 0x82) => gettext("Secure messaging not supported"),
        (0x68, 0x83) => gettext("Last command of the chain expected"),
        (0x68, 0x84) => gettext("Command chaining not supported"),
        (0x69, 0x00) => gettext("Command not allowed"),
        (0x69, 0x81) => gettext("Command incompatible with the file structure"),
        (0x69, 0x82) => gettext("Security status not satisfied"),
        (0x69, 0x83) => gettext("Authentication method blocked"),
        (0x69, 0x84) => gettext("Reference data not usable"),
        (0x69, 0x85) => gettext("Conditions of use not satisfied"),
        (0x69, 0x86) => gettext("Command not allowed (no current EF)"),
        (0x69, 0x87) => gettext("Expected secure messaging data objects missing"),
        (0x69, 0x88) => gettext("Incorrect secure messaging data objects"),
        (0x69, 0x99) => gettext("Applet selection failed"),
        (0x6A, 0x00) => gettext("Wrong parameters P1-P2"),
        (0x6A, 0x80) => gettext("Incorrect parameters in the command data field"),
        (0x6A, 0x81) => gettext("Function not supported"),
        (0x6A, 0x82) => gettext("File or application not found"),
        (0x6A, 0x83) => gettext("Record not found"),
        (0x6A, 0x84) => gettext("Not enough memory space in the file"),
        (0x6A, 0x85) => gettext("Lc inconsistent with the TLV structure"),
        (0x6A, 0x86) => gettext("Incorrect parameters P1-P2"),
        (0x6A, 0x87) => gettext("Lc inconsistent with parameters P1-P2"),
        (0x6A, 0x88) => gettext("Referenced data or reference data not found"),
        (0x6A, 0x89) => gettext("File already exists"),
        (0x6A, 0x8A) => gettext("DF name already exists"),
        (0x6B, 0x00) => gettext("Wrong parameters P1-P2 (offset outside the file)"),
        (0x6C, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    "Wrong Le: {n} byte available",
                    "Wrong Le: {n} bytes available",
                    n,
                ),
                n,
            ));
        }
        (0x6D, 0x00) => gettext("Instruction not supported or invalid"),
        (0x6E, 0x00) => gettext("Class not supported"),
        (0x6F, 0x00) => gettext("No precise diagnosis"),
        (0x9F, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    "GSM: {n} byte of response data available",
                    "GSM: {n} bytes of response data available",
                    n,
                ),
                n,
            ));
        }
        (0x91, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    "Success; a proactive command of {n} byte is pending",
                    "Success; a proactive command of {n} bytes is pending",
                    n,
                ),
                n,
            ));
        }
        (0x92, 0x00..=0x0F) => {
            let n = u32::from(sw2);
            return Some(with_count(
                ngettext(
                    "Success after {n} internal retry",
                    "Success after {n} internal retries",
                    n,
                ),
                n,
            ));
        }
        (0x92, 0x40) => gettext("GSM: memory problem"),
        (0x93, 0x00) => gettext("SIM toolkit busy, command cannot be executed now"),
        (0x94, 0x00) => gettext("GSM: no EF selected"),
        (0x94, 0x02) => gettext("GSM: out of range (invalid address)"),
        (0x94, 0x04) => gettext("GSM: file ID or pattern not found"),
        (0x94, 0x08) => gettext("GSM: file inconsistent with the command"),
        (0x94, 0x84) => gettext("GlobalPlatform: algorithm not supported"),
        (0x94, 0x85) => gettext("GlobalPlatform: invalid key check value"),
        (0x98, 0x02) => gettext("GSM: no CHV initialised"),
        (0x98, 0x04) => gettext("GSM: access condition not fulfilled or verification failed"),
        (0x98, 0x08) => gettext("GSM: in contradiction with CHV status"),
        (0x98, 0x10) => gettext("GSM: in contradiction with invalidation status"),
        (0x98, 0x40) => gettext("GSM: CHV blocked (no attempt left)"),
        (0x98, 0x50) => gettext("GSM: increase cannot be performed, maximum value reached"),
        (0x98, 0x62) => gettext("Authentication error, application specific"),
        (0x98, 0x63) => gettext("Security session or association expired"),
        _ => return None,
    };
    Some(s)
}

fn class_meaning(sw1: u8) -> Option<String> {
    let s = match sw1 {
        0x62 => gettext("Warning, memory unchanged"),
        0x63 => gettext("Warning, memory changed"),
        0x64 => gettext("Execution error, memory unchanged"),
        0x65 => gettext("Execution error, memory changed"),
        0x66 => gettext("Security-related error"),
        0x67 => gettext("Wrong length"),
        0x68 => gettext("Function in CLA not supported"),
        0x69 => gettext("Command not allowed"),
        0x6A => gettext("Wrong parameters P1-P2"),
        0x6B => gettext("Wrong parameters P1-P2"),
        0x6D => gettext("Instruction not supported or invalid"),
        0x6E => gettext("Class not supported"),
        0x6F => gettext("No precise diagnosis"),
        0x92 => gettext("GSM: memory management error"),
        0x94 => gettext("GSM: referencing error"),
        0x98 => gettext("GSM: security error"),
        _ => return None,
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specific_values_win_over_classes() {
        assert_eq!(meaning(0x90, 0x00), "Success");
        assert_eq!(meaning(0x6A, 0x82), "File or application not found");
        assert_eq!(meaning(0x6A, 0x42), "Wrong parameters P1-P2");
        assert_eq!(meaning(0x69, 0x82), "Security status not satisfied");
        assert_eq!(meaning(0x69, 0x01), "Command not allowed");
    }

    #[test]
    fn counts_use_plural_forms() {
        assert_eq!(
            meaning(0x61, 0x01),
            "1 byte of response data still available"
        );
        assert_eq!(
            meaning(0x61, 0x1C),
            "28 bytes of response data still available"
        );
        assert_eq!(
            meaning(0x61, 0x00),
            "256 bytes of response data still available"
        );
        assert_eq!(meaning(0x63, 0xC1), "Verification failed: 1 try left");
        assert_eq!(meaning(0x63, 0xC0), "Verification failed: 0 tries left");
        assert_eq!(meaning(0x6C, 0x08), "Wrong Le: 8 bytes available");
        assert_eq!(
            meaning(0x9F, 0x22),
            "GSM: 34 bytes of response data available"
        );
    }

    #[test]
    fn unknown_words_say_so() {
        assert_eq!(meaning(0x12, 0x34), "Unknown status word");
        assert_eq!(meaning(0x90, 0x01), "Unknown status word");
        assert_eq!(meaning(0x6C, 0x00), "Wrong Le: 256 bytes available");
    }

    #[test]
    fn severities_colour_the_log() {
        assert_eq!(severity(0x90, 0x00), Severity::Success);
        assert_eq!(severity(0x61, 0x10), Severity::Success);
        assert_eq!(severity(0x63, 0xC2), Severity::Warning);
        assert_eq!(severity(0x6A, 0x82), Severity::Error);
        assert_eq!(severity(0x00, 0x00), Severity::Error);
    }
}
