//! The few places where the UI asks the core to describe bytes: ATR fields,
//! card names, BER-TLV trees, parse error messages.
//! Kept in one file so the widgets depend on plain strings and trees.

use crate::apdu::{atr, command, tlv};
use crate::script::ParseError;

/// The parsed ATR fields: name and value (with its explanation).
pub fn atr_fields(bytes: &[u8]) -> Vec<(String, String)> {
    if bytes.is_empty() {
        return Vec::new();
    }
    atr::Atr::parse(bytes)
        .fields()
        .into_iter()
        .map(|f| {
            let value = match (f.value.is_empty(), f.explanation.is_empty()) {
                (_, true) => f.value,
                (true, false) => f.explanation,
                (false, false) => format!("{}: {}", f.value, f.explanation),
            };
            (f.label, value)
        })
        .collect()
}

/// The card's name from smartcard_list.txt, if known.
pub fn card_name(bytes: &[u8]) -> Option<String> {
    let names = atr::lookup_names(bytes);
    (!names.is_empty()).then(|| names.join("\n"))
}

/// A node of a BER-TLV tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlvNode {
    pub tag: String,
    pub name: Option<String>,
    pub value: Vec<u8>,
    /// The value as text, for a text-valued tag whose bytes are printable.
    pub text: Option<String>,
    pub children: Vec<TlvNode>,
}

fn node(data: &[u8], t: &tlv::Tlv, parent: Option<u32>) -> TlvNode {
    let value = data.get(t.value.clone()).unwrap_or_default().to_vec();
    let printable = !value.is_empty() && value.iter().all(|b| (0x20..0x7F).contains(b));
    TlvNode {
        tag: t.tag_hex(),
        name: tlv::tag_name(t.tag, parent),
        text: (tlv::is_text(t.tag) && printable)
            .then(|| String::from_utf8_lossy(&value).into_owned()),
        value,
        children: t
            .children
            .iter()
            .map(|c| node(data, c, Some(t.tag)))
            .collect(),
    }
}

/// Parse `data` as BER-TLV; `None` when it is not (entirely) BER-TLV.
pub fn tlv_tree(data: &[u8]) -> Option<Vec<TlvNode>> {
    if data.is_empty() {
        return None;
    }
    match tlv::parse(data) {
        (list, None) if !list.is_empty() => {
            Some(list.iter().map(|t| node(data, t, None)).collect())
        }
        _ => None,
    }
}

/// What a command APDU is: its case (`4S`…), the instruction's name when
/// known, and translated warnings (an Lc that does not match the data…).
pub fn command_info(bytes: &[u8]) -> (Option<String>, Option<String>, Vec<String>) {
    let info = command::CommandApdu::parse(bytes);
    let case = info.case.map(|c| c.label().to_owned());
    let name = (bytes.len() >= 2)
        .then(|| command::ins_name(info.cla, info.ins))
        .flatten();
    let warnings = info.warnings.iter().map(|w| w.message()).collect();
    (case, name, warnings)
}

/// A translated message for a parse error (without the position).
pub fn parse_error_message(error: &ParseError) -> String {
    error.message()
}
