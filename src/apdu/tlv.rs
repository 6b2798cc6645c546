//! BER-TLV (ISO/IEC 8825-1 as used by ISO/IEC 7816-4 and EMV): a tree of
//! data objects over a byte slice. Malformed input gives the objects parsed
//! so far plus an error; it never panics.

use std::ops::Range;

use crate::i18n::{gettext, gettext_f};

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

/// One data object. Ranges index the slice given to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// The tag bytes read big-endian: `0x6F`, `0x9F38`, `0xBF0C`.
    pub tag: u32,
    /// Tag, length and value bytes together.
    pub range: Range<usize>,
    pub value: Range<usize>,
    pub constructed: bool,
    pub children: Vec<Tlv>,
}

impl Tlv {
    /// `6F`, `9F38`: the tag as written.
    pub fn tag_hex(&self) -> String {
        let bytes = self.tag.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
        bytes[skip..].iter().map(|b| format!("{b:02X}")).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlvErrorKind {
    /// The data ends inside a tag, a length or a value.
    Truncated,
    /// A tag longer than four bytes.
    TagTooLong,
    /// Length byte 80: indefinite length, not allowed in 7816-4.
    IndefiniteLength,
    /// A length field longer than four bytes.
    LengthTooLong,
    TooDeep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlvError {
    /// Offset of the object where parsing stopped.
    pub offset: usize,
    pub kind: TlvErrorKind,
}

impl TlvError {
    pub fn message(&self) -> String {
        let text = match self.kind {
            TlvErrorKind::Truncated => {
                gettext("Data ends inside the TLV object at offset {offset}")
            }
            TlvErrorKind::TagTooLong => gettext("Tag longer than 4 bytes at offset {offset}"),
            TlvErrorKind::IndefiniteLength => {
                gettext("Indefinite length (80) is not allowed, at offset {offset}")
            }
            TlvErrorKind::LengthTooLong => {
                gettext("Length field longer than 4 bytes at offset {offset}")
            }
            TlvErrorKind::TooDeep => gettext("TLV objects nested too deeply at offset {offset}"),
        };
        gettext_f(&text, &[("offset", &self.offset.to_string())])
    }
}

/// Parse every data object in `data`, skipping 00 and FF padding between
/// objects. On error the tree holds what was parsed before it.
pub fn parse(data: &[u8]) -> (Vec<Tlv>, Option<TlvError>) {
    let mut out = Vec::new();
    let err = parse_into(data, 0..data.len(), 0, &mut out).err();
    (out, err)
}

fn parse_into(
    data: &[u8],
    span: Range<usize>,
    depth: usize,
    out: &mut Vec<Tlv>,
) -> Result<(), TlvError> {
    let mut pos = span.start;
    let end = span.end;
    while pos < end {
        if data[pos] == 0x00 || data[pos] == 0xFF {
            pos += 1;
            continue;
        }
        let start = pos;
        let fail = |kind| TlvError {
            offset: start,
            kind,
        };
        let first = data[pos];
        let constructed = first & 0x20 != 0;
        let mut tag = u32::from(first);
        pos += 1;
        if first & 0x1F == 0x1F {
            loop {
                let b = *data
                    .get(pos)
                    .filter(|_| pos < end)
                    .ok_or(fail(TlvErrorKind::Truncated))?;
                if pos - start >= 4 {
                    return Err(fail(TlvErrorKind::TagTooLong));
                }
                tag = (tag << 8) | u32::from(b);
                pos += 1;
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        let lb = *data
            .get(pos)
            .filter(|_| pos < end)
            .ok_or(fail(TlvErrorKind::Truncated))?;
        pos += 1;
        let len = match lb {
            0x00..=0x7F => usize::from(lb),
            0x80 => return Err(fail(TlvErrorKind::IndefiniteLength)),
            0x81..=0x84 => {
                let n = usize::from(lb & 0x7F);
                if end - pos < n {
                    return Err(fail(TlvErrorKind::Truncated));
                }
                let v = data[pos..pos + n]
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
                pos += n;
                v
            }
            _ => return Err(fail(TlvErrorKind::LengthTooLong)),
        };
        if end - pos < len {
            return Err(fail(TlvErrorKind::Truncated));
        }
        let value = pos..pos + len;
        pos += len;
        let mut node = Tlv {
            tag,
            range: start..pos,
            value: value.clone(),
            constructed,
            children: Vec::new(),
        };
        let result = if !constructed {
            Ok(())
        } else if depth >= MAX_DEPTH {
            Err(fail(TlvErrorKind::TooDeep))
        } else {
            parse_into(data, value, depth + 1, &mut node.children)
        };
        out.push(node);
        result?;
    }
    Ok(())
}

/// Where a data object sits, for naming the context-specific tags (80 to
/// BF), whose meaning depends on the template around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Inside an ISO/IEC 7816-4 FCP (62) or FCI (6F) template.
    FileControl,
    /// Inside an EMV template (record 70, response 77, FCI proprietary A5,
    /// issuer discretionary data BF0C, application template 61, directory
    /// 73) or at the top of a GET PROCESSING OPTIONS answer (80).
    Emv,
    /// At the top, or in a template of no known family.
    Other,
}

fn context(parent: Option<u32>) -> Context {
    match parent {
        Some(0x62 | 0x6F) => Context::FileControl,
        Some(0x70 | 0x77 | 0xA5 | 0xBF0C | 0x61 | 0x73) => Context::Emv,
        _ => Context::Other,
    }
}

/// Whether `tag` is context-specific (class bits 10): its meaning comes
/// from the enclosing template.
fn context_specific(tag: u32) -> bool {
    tag <= 0xFF && tag & 0xC0 == 0x80
}

/// Tags whose value is text (an–ans in EMV): shown as text, not hex.
pub fn is_text(tag: u32) -> bool {
    matches!(tag, 0x50 | 0x5F20 | 0x5F2D | 0x5F50 | 0x9F12)
}

/// A translated name of a common ISO/IEC 7816-4, EMV or GlobalPlatform tag.
/// `parent` is the enclosing tag: inside an FCP (62) or FCI (6F) template
/// the context tags 80–8F have their ISO file-control meanings, inside EMV
/// templates their EMV ones, and elsewhere no name but for a top-level 80.
pub fn tag_name(tag: u32, parent: Option<u32>) -> Option<String> {
    let ctx = context(parent);
    if ctx == Context::FileControl {
        let s = match tag {
            0x80 => gettext("File size"),
            0x81 => gettext("File size including structural information"),
            0x82 => gettext("File descriptor"),
            0x83 => gettext("File identifier"),
            0x84 => gettext("DF name"),
            0x85 => gettext("Proprietary information"),
            0xA5 => gettext("FCI proprietary template"),
            0x86 => gettext("Security attributes"),
            0x88 => gettext("Short EF identifier"),
            0x8A => gettext("Life cycle status"),
            0x8C => gettext("Security attributes (compact)"),
            0xAB => gettext("Security attributes (expanded)"),
            _ => return None,
        };
        return Some(s);
    }
    if context_specific(tag) && ctx == Context::Other && !(tag == 0x80 && parent.is_none()) {
        return None;
    }
    let s = match tag {
        0x4F => gettext("Application identifier (AID)"),
        0x50 => gettext("Application label"),
        0x57 => gettext("Track 2 equivalent data"),
        0x5A => gettext("Application PAN"),
        0x5F20 => gettext("Cardholder name"),
        0x5F24 => gettext("Application expiration date"),
        0x5F25 => gettext("Application effective date"),
        0x5F28 => gettext("Issuer country code"),
        0x5F2D => gettext("Language preference"),
        0x5F34 => gettext("PAN sequence number"),
        0x5F50 => gettext("Issuer URL"),
        0x61 => gettext("Application template"),
        0x62 => gettext("File control parameters (FCP)"),
        0x64 => gettext("File management data (FMD)"),
        0x66 => gettext("Card data"),
        0x6F => gettext("File control information (FCI)"),
        0x70 => gettext("Record template"),
        0x73 => gettext("Directory discretionary template"),
        0x77 => gettext("Response message template format 2"),
        0x80 => gettext("Response message template format 1"),
        0x82 => gettext("Application interchange profile"),
        0x84 => gettext("DF name"),
        0x87 => gettext("Application priority indicator"),
        0x88 => gettext("Short file identifier (SFI)"),
        0x8C => gettext("Card risk management data object list 1 (CDOL1)"),
        0x8D => gettext("Card risk management data object list 2 (CDOL2)"),
        0x8E => gettext("Cardholder verification method list"),
        0x8F => gettext("Certification authority public key index"),
        0x90 => gettext("Issuer public key certificate"),
        0x94 => gettext("Application file locator (AFL)"),
        0x95 => gettext("Terminal verification results"),
        0x9A => gettext("Transaction date"),
        0x9C => gettext("Transaction type"),
        0x9D => gettext("Directory definition file name"),
        0x9F02 => gettext("Amount, authorised"),
        0x9F03 => gettext("Amount, other"),
        0x9F07 => gettext("Application usage control"),
        0x9F08 => gettext("Application version number"),
        0x9F10 => gettext("Issuer application data"),
        0x9F11 => gettext("Issuer code table index"),
        0x9F12 => gettext("Application preferred name"),
        0x9F1A => gettext("Terminal country code"),
        0x9F26 => gettext("Application cryptogram"),
        0x9F27 => gettext("Cryptogram information data"),
        0x9F32 => gettext("Issuer public key exponent"),
        0x9F36 => gettext("Application transaction counter"),
        0x9F37 => gettext("Unpredictable number"),
        0x9F38 => gettext("Processing options data object list (PDOL)"),
        0x9F4D => gettext("Log entry"),
        0x9F6E => gettext("Form factor indicator"),
        0x9F70 => gettext("Life cycle state"),
        0xA5 => gettext("FCI proprietary template"),
        0xBF0C => gettext("FCI issuer discretionary data"),
        0xE3 => gettext("GlobalPlatform registry entry"),
        _ => return None,
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_byte_tags_and_long_lengths() {
        let data = [0x9F, 0x38, 0x81, 0x02, 0xAA, 0xBB];
        let (tree, err) = parse(&data);
        assert_eq!(err, None);
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].tag, 0x9F38);
        assert_eq!(tree[0].tag_hex(), "9F38");
        assert_eq!(tree[0].value, 4..6);
        assert!(!tree[0].constructed);
    }

    #[test]
    fn indefinite_length_is_refused() {
        let (tree, err) = parse(&[0x50, 0x01, 0x41, 0x6F, 0x80, 0x00, 0x00]);
        assert_eq!(tree.len(), 1);
        assert_eq!(
            err,
            Some(TlvError {
                offset: 3,
                kind: TlvErrorKind::IndefiniteLength
            })
        );
    }

    #[test]
    fn names_follow_the_template_around() {
        // 6F 1B: 82 01 38, 83 02 50 01, 8A 01 05, 84 08 F0…, A5 05: 50 03 "ABC"
        let data = [
            0x6F, 0x1B, 0x82, 0x01, 0x38, 0x83, 0x02, 0x50, 0x01, 0x8A, 0x01, 0x05, 0x84, 0x08,
            0xF0, 0x41, 0x50, 0x44, 0x55, 0x53, 0x43, 0x52, 0xA5, 0x05, 0x50, 0x03, 0x41, 0x42,
            0x43,
        ];
        let (tree, err) = parse(&data);
        assert_eq!(err, None);
        let fci = &tree[0];
        let names: Vec<_> = fci
            .children
            .iter()
            .map(|c| tag_name(c.tag, Some(fci.tag)).unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            [
                "File descriptor",
                "File identifier",
                "Life cycle status",
                "DF name",
                "FCI proprietary template"
            ]
        );
        let label = &fci.children[4].children[0];
        assert_eq!(
            tag_name(label.tag, Some(0xA5)).as_deref(),
            Some("Application label")
        );
        assert!(is_text(label.tag));
        assert!(!is_text(0x82));
        // EMV names inside EMV templates only.
        assert_eq!(
            tag_name(0x82, Some(0x77)).as_deref(),
            Some("Application interchange profile")
        );
        assert_eq!(tag_name(0x82, None), None);
        assert_eq!(tag_name(0x94, Some(0xE1)), None);
        assert_eq!(
            tag_name(0x80, None).as_deref(),
            Some("Response message template format 1")
        );
        assert_eq!(
            tag_name(0x9F38, Some(0xA5)).as_deref(),
            Some("Processing options data object list (PDOL)")
        );
    }

    #[test]
    fn fcp_context_changes_names() {
        assert_eq!(
            tag_name(0x82, Some(0x62)).as_deref(),
            Some("File descriptor")
        );
        assert_eq!(
            tag_name(0x82, Some(0x77)).as_deref(),
            Some("Application interchange profile")
        );
        assert_eq!(tag_name(0x01, None), None);
    }
}
