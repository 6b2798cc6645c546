//! Historical bytes in the ISO/IEC 7816-4 formats (category indicator 00,
//! 80 or 10), explained object by object for the ATR panel.

use super::atr_fields::AtrField;
use super::hex_spaced;
use crate::i18n::{gettext, gettext_f, pgettext};

fn compact_tag_name(tag: u8) -> String {
    match tag {
        0x1 => gettext("Country code"),
        0x2 => gettext("Issuer identification number"),
        0x3 => gettext("Card service data"),
        0x4 => gettext("Initial access data"),
        0x5 => gettext("Card issuer's data"),
        0x6 => gettext("Pre-issuing data"),
        0x7 => gettext("Card capabilities"),
        0x8 => gettext("Status indicator"),
        0xF => gettext("Application identifier"),
        _ => gettext("Unknown compact-TLV object"),
    }
}

fn status_text(lcs: Option<u8>, sw: Option<(u8, u8)>) -> String {
    let mut parts = Vec::new();
    if let Some(l) = lcs {
        parts.push(gettext_f(
            // TRANSLATORS: {lcs} is a life cycle status byte in hex, e.g. 0F.
            &gettext("life cycle status {lcs}"),
            &[("lcs", &format!("{l:02X}"))],
        ));
    }
    if let Some((a, b)) = sw {
        parts.push(gettext_f(
            // TRANSLATORS: {sw} is a status word such as 9000; {meaning} its
            // translated meaning, e.g. "Success".
            &gettext("status word {sw}: {meaning}"),
            &[
                ("sw", &format!("{a:02X}{b:02X}")),
                ("meaning", &super::status::meaning(a, b)),
            ],
        ));
    }
    parts
        .into_iter()
        .reduce(|first, second| {
            gettext_f(
                // TRANSLATORS: two parts of an explanation, e.g. "life cycle
                // status 0F" and "status word 9000: Success".
                &gettext("{first}; {second}"),
                &[("first", &first), ("second", &second)],
            )
        })
        .unwrap_or_default()
}

/// Rows for the objects inside the historical bytes; empty when their
/// format is proprietary.
pub(super) fn rows(hist: &[u8]) -> Vec<AtrField> {
    let mut rows = Vec::new();
    let (objects, status) = match hist.first() {
        Some(0x00) if hist.len() >= 4 => (&hist[1..hist.len() - 3], Some(&hist[hist.len() - 3..])),
        Some(0x00) => {
            rows.push(AtrField {
                label: "00".into(),
                value: hex_spaced(hist),
                explanation: gettext("Status indicator expected (3 bytes) but missing"),
            });
            return rows;
        }
        Some(0x80) => (&hist[1..], None),
        Some(0x10) => {
            if let Some(&r) = hist.get(1) {
                rows.push(AtrField {
                    label: "10".into(),
                    value: format!("{r:02X}"),
                    explanation: gettext("DIR data reference"),
                });
            }
            return rows;
        }
        _ => return rows,
    };
    if let Some(row) = pcsc_storage_card(hist) {
        rows.push(row);
        return rows;
    }
    let mut pos = 0;
    while pos < objects.len() {
        let header = objects[pos];
        let (tag, len) = (header >> 4, usize::from(header & 0x0F));
        let value = &objects[(pos + 1).min(objects.len())..(pos + 1 + len).min(objects.len())];
        let explanation = if value.len() < len {
            gettext("Compact-TLV object cut short")
        } else if tag == 0x8 {
            status_text(
                (len == 1 || len == 3).then(|| value[0]),
                (len >= 2).then(|| (value[len - 2], value[len - 1])),
            )
        } else {
            compact_tag_name(tag)
        };
        rows.push(AtrField {
            label: format!("{header:02X}"),
            value: hex_spaced(value),
            explanation,
        });
        pos += 1 + len;
    }
    if let Some(&[lcs, a, b]) = status {
        rows.push(AtrField {
            // TRANSLATORS: a label in the ATR panel: the status indicator
            // (life cycle status and status word) of the historical bytes.
            label: pgettext("ATR status indicator", "Status"),
            value: hex_spaced(&[lcs, a, b]),
            explanation: status_text(Some(lcs), Some((a, b))),
        });
    }
    rows
}

/// PC/SC part 3 ATR of a contactless storage card: `80 4F 0C` RID(5)
/// standard(1) card name(2) RFU(4). Not compact-TLV despite its category.
fn pcsc_storage_card(hist: &[u8]) -> Option<AtrField> {
    let [0x80, 0x4F, len, rest @ ..] = hist else {
        return None;
    };
    if usize::from(*len) != rest.len() || rest.len() < 8 {
        return None;
    }
    let standard = match rest[5] {
        0x03 => "ISO 14443 A part 3",
        0x07 => "ISO 14443 B part 3",
        0x0B => "ISO 15693 part 3",
        0x11 => "FeliCa",
        _ => "",
    };
    let name = match (rest[6], rest[7]) {
        (0x00, 0x01) => "MIFARE Classic 1K",
        (0x00, 0x02) => "MIFARE Classic 4K",
        (0x00, 0x03) => "MIFARE Ultralight",
        (0x00, 0x26) => "MIFARE Mini",
        (0x00, 0x3A) => "MIFARE Ultralight C",
        _ => "",
    };
    let or_hex = |known: &str, bytes: &[u8]| {
        if known.is_empty() {
            hex_spaced(bytes)
        } else {
            known.to_owned()
        }
    };
    Some(AtrField {
        label: "4F".into(),
        value: hex_spaced(rest),
        explanation: gettext_f(
            // TRANSLATORS: {rid} is a registered application provider identifier in hex (e.g.
            // A0 00 00 03 06); {standard} e.g. "ISO 14443 A part 3"; {name} e.g. "MIFARE
            // Classic 1K".
            &gettext("PC/SC contactless card: RID {rid}, standard {standard}, card {name}"),
            &[
                ("rid", &hex_spaced(&rest[..5])),
                ("standard", &or_hex(standard, &rest[5..6])),
                ("name", &or_hex(name, &rest[6..8])),
            ],
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_capabilities_and_status() {
        let r = rows(&[0x80, 0x73, 0xFF, 0x01, 0x00]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].label, "73");
        assert_eq!(r[0].value, "FF 01 00");
        assert_eq!(r[0].explanation, "Card capabilities");
        let r = rows(&[0x00, 0x31, 0x80, 0x00, 0x90, 0x00]);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[1].explanation,
            "life cycle status 00; status word 9000: Success"
        );
    }

    #[test]
    fn pcsc_contactless_storage_card() {
        let hist = [
            0x80, 0x4F, 0x0C, 0xA0, 0, 0, 0x03, 0x06, 0x03, 0x00, 0x01, 0, 0, 0, 0,
        ];
        let r = rows(&hist);
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].explanation,
            "PC/SC contactless card: RID A0 00 00 03 06, standard ISO 14443 A part 3, \
             card MIFARE Classic 1K"
        );
    }

    #[test]
    fn truncated_objects_are_flagged() {
        let r = rows(&[0x80, 0x4F, 0x0C, 0xA0]);
        assert_eq!(r[0].label, "4F");
        assert_eq!(r[0].explanation, "Compact-TLV object cut short");
        assert!(rows(&[0x3B, 0x02]).is_empty());
    }
}
