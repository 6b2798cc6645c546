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
        // TRANSLATORS: status word 9000 (ISO/IEC 7816-4)
        (0x90, 0x00) => gettext("Success"),
        (0x61, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    // TRANSLATORS: status word 61XX (ISO/IEC 7816-4). {n} is a byte count, e.g. 16.
                    "{n} byte of response data still available",
                    "{n} bytes of response data still available",
                    n,
                ),
                n,
            ));
        }
        // TRANSLATORS: status word 6200 (ISO/IEC 7816-4)
        (0x62, 0x00) => gettext("Warning: no information given, memory unchanged"),
        // TRANSLATORS: status word 62XX (XX from 02 to 80) (ISO/IEC 7816-4)
        (0x62, 0x02..=0x80) => gettext("Warning triggered by the card, memory unchanged"),
        // TRANSLATORS: status word 6281 (ISO/IEC 7816-4)
        (0x62, 0x81) => gettext("Part of the returned data may be corrupted"),
        // TRANSLATORS: status word 6282 (ISO/IEC 7816-4)
        (0x62, 0x82) => gettext("End of file or record reached before reading Le bytes"),
        // TRANSLATORS: status word 6283 (ISO/IEC 7816-4)
        (0x62, 0x83) => gettext("Selected file deactivated (or card locked)"),
        // TRANSLATORS: status word 6284 (ISO/IEC 7816-4)
        (0x62, 0x84) => gettext("File control information not formatted as specified"),
        // TRANSLATORS: status word 6285 (ISO/IEC 7816-4)
        (0x62, 0x85) => gettext("Selected file in termination state"),
        // TRANSLATORS: status word 6286 (ISO/IEC 7816-4)
        (0x62, 0x86) => gettext("No input data available from a sensor on the card"),
        // TRANSLATORS: status word 6287 (ISO/IEC 7816-4)
        (0x62, 0x87) => gettext("At least one of the referenced records is deactivated"),
        // TRANSLATORS: status word 6300 (ISO/IEC 7816-4)
        (0x63, 0x00) => gettext("Verification failed (no information given)"),
        // TRANSLATORS: status word 6310 (ISO/IEC 7816-4)
        (0x63, 0x10) => gettext("More data available"),
        // TRANSLATORS: status word 6381 (ISO/IEC 7816-4)
        (0x63, 0x81) => gettext("File filled up by the last write"),
        (0x63, 0xC0..=0xCF) => {
            let n = u32::from(sw2 & 0x0F);
            return Some(with_count(
                ngettext(
                    // TRANSLATORS: status word 63CX (ISO/IEC 7816-4). {n} is how many
                    // tries are left, e.g. 2.
                    "Verification failed: {n} try left",
                    "Verification failed: {n} tries left",
                    n,
                ),
                n,
            ));
        }
        // TRANSLATORS: status word 6400 (ISO/IEC 7816-4)
        (0x64, 0x00) => gettext("Execution error, memory unchanged"),
        // TRANSLATORS: status word 6401 (ISO/IEC 7816-4)
        (0x64, 0x01) => gettext("Immediate response required by the card"),
        // TRANSLATORS: status word 64XX (XX from 02 to 80) (ISO/IEC 7816-4)
        (0x64, 0x02..=0x80) => gettext("Execution error triggered by the card"),
        // TRANSLATORS: status word 6500 (ISO/IEC 7816-4)
        (0x65, 0x00) => gettext("Execution error, memory changed"),
        // TRANSLATORS: status word 6581 (ISO/IEC 7816-4)
        (0x65, 0x81) => gettext("Memory failure"),
        // TRANSLATORS: status word 6700 (ISO/IEC 7816-4)
        (0x67, 0x00) => gettext("Wrong length (Lc or Le)"),
        // TRANSLATORS: status word 6800 (ISO/IEC 7816-4)
        (0x68, 0x00) => gettext("Function in CLA not supported"),
        // TRANSLATORS: status word 6881 (ISO/IEC 7816-4)
        (0x68, 0x81) => gettext("Logical channel not supported"),
        // TRANSLATORS: status word 6882 (ISO/IEC 7816-4)
        (0x68, 0x82) => gettext("Secure messaging not supported"),
        // TRANSLATORS: status word 6883 (ISO/IEC 7816-4)
        (0x68, 0x83) => gettext("Last command of the chain expected"),
        // TRANSLATORS: status word 6884 (ISO/IEC 7816-4)
        (0x68, 0x84) => gettext("Command chaining not supported"),
        // TRANSLATORS: status word 6900 (ISO/IEC 7816-4)
        (0x69, 0x00) => gettext("Command not allowed"),
        // TRANSLATORS: status word 6981 (ISO/IEC 7816-4)
        (0x69, 0x81) => gettext("Command incompatible with the file structure"),
        // TRANSLATORS: status word 6982 (ISO/IEC 7816-4)
        (0x69, 0x82) => gettext("Security status not satisfied"),
        // TRANSLATORS: status word 6983 (ISO/IEC 7816-4)
        (0x69, 0x83) => gettext("Authentication method blocked"),
        // TRANSLATORS: status word 6984 (ISO/IEC 7816-4)
        (0x69, 0x84) => gettext("Reference data not usable"),
        // TRANSLATORS: status word 6985 (ISO/IEC 7816-4)
        (0x69, 0x85) => gettext("Conditions of use not satisfied"),
        // TRANSLATORS: status word 6986 (ISO/IEC 7816-4)
        (0x69, 0x86) => gettext("Command not allowed (no current EF)"),
        // TRANSLATORS: status word 6987 (ISO/IEC 7816-4)
        (0x69, 0x87) => gettext("Expected secure messaging data objects missing"),
        // TRANSLATORS: status word 6988 (ISO/IEC 7816-4)
        (0x69, 0x88) => gettext("Incorrect secure messaging data objects"),
        // TRANSLATORS: status word 6999 (GlobalPlatform)
        (0x69, 0x99) => gettext("Applet selection failed"),
        // TRANSLATORS: status word 6A00 (ISO/IEC 7816-4)
        (0x6A, 0x00) => gettext("Wrong parameters P1-P2"),
        // TRANSLATORS: status word 6A80 (ISO/IEC 7816-4)
        (0x6A, 0x80) => gettext("Incorrect parameters in the command data field"),
        // TRANSLATORS: status word 6A81 (ISO/IEC 7816-4)
        (0x6A, 0x81) => gettext("Function not supported"),
        // TRANSLATORS: status word 6A82 (ISO/IEC 7816-4)
        (0x6A, 0x82) => gettext("File or application not found"),
        // TRANSLATORS: status word 6A83 (ISO/IEC 7816-4)
        (0x6A, 0x83) => gettext("Record not found"),
        // TRANSLATORS: status word 6A84 (ISO/IEC 7816-4)
        (0x6A, 0x84) => gettext("Not enough memory space in the file"),
        // TRANSLATORS: status word 6A85 (ISO/IEC 7816-4)
        (0x6A, 0x85) => gettext("Lc inconsistent with the TLV structure"),
        // TRANSLATORS: status word 6A86 (ISO/IEC 7816-4)
        (0x6A, 0x86) => gettext("Incorrect parameters P1-P2"),
        // TRANSLATORS: status word 6A87 (ISO/IEC 7816-4)
        (0x6A, 0x87) => gettext("Lc inconsistent with parameters P1-P2"),
        // TRANSLATORS: status word 6A88 (ISO/IEC 7816-4)
        (0x6A, 0x88) => gettext("Referenced data or reference data not found"),
        // TRANSLATORS: status word 6A89 (ISO/IEC 7816-4)
        (0x6A, 0x89) => gettext("File already exists"),
        // TRANSLATORS: status word 6A8A (ISO/IEC 7816-4)
        (0x6A, 0x8A) => gettext("DF name already exists"),
        // TRANSLATORS: status word 6B00 (ISO/IEC 7816-4)
        (0x6B, 0x00) => gettext("Wrong parameters P1-P2 (offset outside the file)"),
        (0x6C, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    // TRANSLATORS: status word 6CXX (ISO/IEC 7816-4). {n} is a byte count, e.g. 16.
                    "Wrong Le: {n} byte available",
                    "Wrong Le: {n} bytes available",
                    n,
                ),
                n,
            ));
        }
        // TRANSLATORS: status word 6D00 (ISO/IEC 7816-4)
        (0x6D, 0x00) => gettext("Instruction not supported or invalid"),
        // TRANSLATORS: status word 6E00 (ISO/IEC 7816-4)
        (0x6E, 0x00) => gettext("Class not supported"),
        // TRANSLATORS: status word 6F00 (ISO/IEC 7816-4)
        (0x6F, 0x00) => gettext("No precise diagnosis"),
        (0x9F, n) => {
            let n = length_of(n);
            return Some(with_count(
                ngettext(
                    // TRANSLATORS: status word 9FXX (ETSI TS 102 221). {n} is a byte count, e.g. 16.
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
                    // TRANSLATORS: status word 91XX (ETSI TS 102 221). {n} is a byte count, e.g. 16.
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
                    // TRANSLATORS: status word 92XX (XX from 00 to 0F) (ETSI TS 102 221). {n} is a count, e.g. 2.
                    "Success after {n} internal retry",
                    "Success after {n} internal retries",
                    n,
                ),
                n,
            ));
        }
        // TRANSLATORS: status word 9240 (GSM 11.11)
        (0x92, 0x40) => gettext("GSM: memory problem"),
        // TRANSLATORS: status word 9300 (ETSI TS 102 221)
        (0x93, 0x00) => gettext("SIM toolkit busy, command cannot be executed now"),
        // TRANSLATORS: status word 9400 (GSM 11.11)
        (0x94, 0x00) => gettext("GSM: no EF selected"),
        // TRANSLATORS: status word 9402 (GSM 11.11)
        (0x94, 0x02) => gettext("GSM: out of range (invalid address)"),
        // TRANSLATORS: status word 9404 (GSM 11.11)
        (0x94, 0x04) => gettext("GSM: file ID or pattern not found"),
        // TRANSLATORS: status word 9408 (GSM 11.11)
        (0x94, 0x08) => gettext("GSM: file inconsistent with the command"),
        // TRANSLATORS: status word 9484 (GlobalPlatform)
        (0x94, 0x84) => gettext("GlobalPlatform: algorithm not supported"),
        // TRANSLATORS: status word 9485 (GlobalPlatform)
        (0x94, 0x85) => gettext("GlobalPlatform: invalid key check value"),
        // TRANSLATORS: status word 9802 (GSM 11.11)
        (0x98, 0x02) => gettext("GSM: no CHV initialized"),
        // TRANSLATORS: status word 9804 (GSM 11.11)
        (0x98, 0x04) => gettext("GSM: access condition not fulfilled or verification failed"),
        // TRANSLATORS: status word 9808 (GSM 11.11)
        (0x98, 0x08) => gettext("GSM: in contradiction with CHV status"),
        // TRANSLATORS: status word 9810 (GSM 11.11)
        (0x98, 0x10) => gettext("GSM: in contradiction with invalidation status"),
        // TRANSLATORS: status word 9840 (GSM 11.11)
        (0x98, 0x40) => gettext("GSM: CHV blocked (no attempt left)"),
        // TRANSLATORS: status word 9850 (GSM 11.11)
        (0x98, 0x50) => gettext("GSM: increase cannot be performed, maximum value reached"),
        // TRANSLATORS: status word 9862 (ETSI TS 102 221)
        (0x98, 0x62) => gettext("Authentication error, application specific"),
        // TRANSLATORS: status word 9863 (ETSI TS 102 221)
        (0x98, 0x63) => gettext("Security session or association expired"),
        _ => return None,
    };
    Some(s)
}

fn class_meaning(sw1: u8) -> Option<String> {
    let s = match sw1 {
        // TRANSLATORS: status words 62XX (ISO/IEC 7816-4), no specific meaning known
        0x62 => gettext("Warning, memory unchanged"),
        // TRANSLATORS: status words 63XX (ISO/IEC 7816-4), no specific meaning known
        0x63 => gettext("Warning, memory changed"),
        // TRANSLATORS: status words 64XX (ISO/IEC 7816-4), no specific meaning known
        0x64 => gettext("Execution error, memory unchanged"),
        // TRANSLATORS: status words 65XX (ISO/IEC 7816-4), no specific meaning known
        0x65 => gettext("Execution error, memory changed"),
        // TRANSLATORS: status words 66XX (ISO/IEC 7816-4), no specific meaning known
        0x66 => gettext("Security-related error"),
        // TRANSLATORS: status words 67XX (ISO/IEC 7816-4), no specific meaning known
        0x67 => gettext("Wrong length"),
        // TRANSLATORS: status words 68XX (ISO/IEC 7816-4), no specific meaning known
        0x68 => gettext("Function in CLA not supported"),
        // TRANSLATORS: status words 69XX (ISO/IEC 7816-4), no specific meaning known
        0x69 => gettext("Command not allowed"),
        // TRANSLATORS: status words 6AXX (ISO/IEC 7816-4), no specific meaning known
        0x6A => gettext("Wrong parameters P1-P2"),
        // TRANSLATORS: status words 6BXX (ISO/IEC 7816-4), no specific meaning known
        0x6B => gettext("Wrong parameters P1-P2"),
        // TRANSLATORS: status words 6DXX (ISO/IEC 7816-4), no specific meaning known
        0x6D => gettext("Instruction not supported or invalid"),
        // TRANSLATORS: status words 6EXX (ISO/IEC 7816-4), no specific meaning known
        0x6E => gettext("Class not supported"),
        // TRANSLATORS: status words 6FXX (ISO/IEC 7816-4), no specific meaning known
        0x6F => gettext("No precise diagnosis"),
        // TRANSLATORS: status words 92XX (ISO/IEC 7816-4), no specific meaning known
        0x92 => gettext("GSM: memory management error"),
        // TRANSLATORS: status words 94XX (ISO/IEC 7816-4), no specific meaning known
        0x94 => gettext("GSM: referencing error"),
        // TRANSLATORS: status words 98XX (ISO/IEC 7816-4), no specific meaning known
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
