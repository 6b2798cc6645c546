//! The few places where the UI asks the core to describe bytes: status-word
//! meanings, ATR fields, card names, BER-TLV trees, parse error messages.
//! Kept in one file so the widgets depend on plain strings and trees.

use crate::i18n::gettext;
use crate::script::ParseError;

/// How a status word reads: drives the theme CSS class of its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Success,
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The libadwaita style class for text of this severity.
    pub fn css_class(self) -> &'static str {
        match self {
            Severity::Success => "success",
            Severity::Info => "accent",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The translated meaning of a status word.
pub fn sw_meaning(sw1: u8, sw2: u8) -> String {
    let _ = (sw1, sw2);
    String::new()
}

pub fn sw_severity(sw1: u8, sw2: u8) -> Severity {
    match (sw1, sw2) {
        (0x90, 0x00) => Severity::Success,
        (0x61 | 0x9F | 0x91, _) => Severity::Info,
        (0x62 | 0x63, _) => Severity::Warning,
        _ => Severity::Error,
    }
}

/// pcsc-perl's English sentence for the scriptor export.
pub fn scriptor_sentence(sw1: u8, sw2: u8) -> String {
    let _ = (sw1, sw2);
    String::new()
}

/// One parsed ATR field: name and value, both ready to show.
pub fn atr_fields(atr: &[u8]) -> Vec<(String, String)> {
    if atr.is_empty() {
        return Vec::new();
    }
    vec![(gettext("Length"), atr.len().to_string())]
}

/// The card's name from smartcard_list.txt, if known.
pub fn card_name(atr: &[u8]) -> Option<String> {
    let _ = atr;
    None
}

/// A node of a BER-TLV tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlvNode {
    pub tag: Vec<u8>,
    pub value: Vec<u8>,
    pub children: Vec<TlvNode>,
}

/// Parse `data` as BER-TLV; `None` when it is not.
pub fn tlv_tree(data: &[u8]) -> Option<Vec<TlvNode>> {
    let _ = data;
    None
}

/// A translated message for a parse error (without the position).
pub fn parse_error_message(error: &ParseError) -> String {
    let _ = error;
    gettext("Invalid line")
}
