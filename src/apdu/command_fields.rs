//! A command APDU's header explained field by field: CLA (class, secure
//! messaging, logical channel, chaining), INS by name, and P1/P2 for the
//! instructions whose parameters ISO/IEC 7816-4 defines (SELECT, READ
//! BINARY, READ RECORD).

use super::command::{ins_name, CommandApdu};
use crate::i18n::{gettext, gettext_f};

/// One header field: its name (`CLA`), its byte and what it means (may be
/// empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: u8,
    pub meaning: String,
}

/// The header fields of `bytes`; empty when there is no four-byte header.
pub fn fields(bytes: &[u8]) -> Vec<Field> {
    let [cla, ins, p1, p2, ..] = *bytes else {
        return Vec::new();
    };
    let info = CommandApdu::parse(bytes);
    let field = |name, value, meaning: String| Field {
        name,
        value,
        meaning,
    };
    vec![
        field("CLA", cla, class(cla)),
        field("INS", ins, ins_name(info.cla, ins).unwrap_or_default()),
        field("P1", p1, p1_meaning(cla, ins, p1)),
        field("P2", p2, p2_meaning(cla, ins, p1, p2)),
    ]
}

fn class(cla: u8) -> String {
    if cla == 0xFF {
        return gettext("reserved (PPS)");
    }
    if cla & 0x80 != 0 {
        return gettext("proprietary class");
    }
    let (channel, sm, chaining) = if cla & 0x40 == 0 {
        (cla & 0x03, (cla >> 2) & 0x03, cla & 0x10 != 0)
    } else {
        (4 + (cla & 0x0F), (cla >> 4) & 0x02, cla & 0x10 != 0)
    };
    let mut parts = vec![gettext_f(
        &gettext("interindustry, logical channel {channel}"),
        &[("channel", &channel.to_string())],
    )];
    match sm {
        0 => {}
        1 => parts.push(gettext("proprietary secure messaging")),
        _ => parts.push(gettext("secure messaging")),
    }
    if chaining {
        parts.push(gettext("command chaining"));
    }
    parts.join(", ")
}

fn interindustry(cla: u8) -> bool {
    cla & 0x80 == 0
}

fn p1_meaning(cla: u8, ins: u8, p1: u8) -> String {
    if !interindustry(cla) {
        return String::new();
    }
    match ins {
        0xA4 => match p1 {
            0x00 => gettext("select the MF, a DF or an EF by its identifier"),
            0x01 => gettext("select a child DF"),
            0x02 => gettext("select an EF under the current DF"),
            0x03 => gettext("select the parent DF"),
            0x04 => gettext("select by DF name"),
            0x08 => gettext("select by path from the MF"),
            0x09 => gettext("select by path from the current DF"),
            _ => String::new(),
        },
        0xB0 | 0xD6 if p1 & 0x80 != 0 => gettext_f(
            &gettext("short EF identifier {sfi}"),
            &[("sfi", &(p1 & 0x1F).to_string())],
        ),
        0xB2 | 0xDC => gettext_f(&gettext("record number {n}"), &[("n", &p1.to_string())]),
        _ => String::new(),
    }
}

fn p2_meaning(cla: u8, ins: u8, p1: u8, p2: u8) -> String {
    if !interindustry(cla) {
        return String::new();
    }
    match ins {
        0xA4 => match p2 & 0x0C {
            0x00 => gettext("return the FCI"),
            0x04 => gettext("return the FCP"),
            0x08 => gettext("return the FMD"),
            _ => gettext("no response data"),
        },
        0xB0 | 0xD6 => {
            let offset = if p1 & 0x80 != 0 {
                usize::from(p2)
            } else {
                usize::from(p1 & 0x7F) << 8 | usize::from(p2)
            };
            gettext_f(&gettext("offset {n}"), &[("n", &offset.to_string())])
        }
        0xB2 | 0xDC => {
            let sfi = p2 >> 3;
            let which = if p2 & 0x07 == 0x04 {
                gettext("the record numbered in P1")
            } else {
                String::new()
            };
            match (sfi, which.is_empty()) {
                (0, _) => which,
                (s, true) => gettext_f(
                    &gettext("short EF identifier {sfi}"),
                    &[("sfi", &s.to_string())],
                ),
                (s, false) => format!(
                    "{}, {which}",
                    gettext_f(
                        &gettext("short EF identifier {sfi}"),
                        &[("sfi", &s.to_string())]
                    )
                ),
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meanings(bytes: &[u8]) -> Vec<String> {
        fields(bytes).into_iter().map(|f| f.meaning).collect()
    }

    #[test]
    fn select_by_name() {
        let m = meanings(&[0x00, 0xA4, 0x04, 0x00, 0x02, 0xF0, 0x41]);
        assert_eq!(m[0], "interindustry, logical channel 0");
        assert_eq!(m[1], "SELECT");
        assert_eq!(m[2], "select by DF name");
        assert_eq!(m[3], "return the FCI");
    }

    #[test]
    fn class_bits() {
        assert_eq!(
            meanings(&[0x1D, 0xB0, 0x00, 0x00])[0],
            "interindustry, logical channel 1, secure messaging, command chaining"
        );
        assert_eq!(
            meanings(&[0x45, 0xB0, 0x00, 0x00])[0],
            "interindustry, logical channel 9"
        );
        assert_eq!(meanings(&[0x80, 0xCA, 0x00, 0x00])[0], "proprietary class");
    }

    #[test]
    fn read_binary_and_record() {
        let m = meanings(&[0x00, 0xB0, 0x81, 0x10, 0x00]);
        assert_eq!(m[2], "short EF identifier 1");
        assert_eq!(m[3], "offset 16");
        assert_eq!(meanings(&[0x00, 0xB0, 0x01, 0x02])[3], "offset 258");
        let m = meanings(&[0x00, 0xB2, 0x01, 0x1C, 0x00]);
        assert_eq!(m[2], "record number 1");
        assert_eq!(m[3], "short EF identifier 3, the record numbered in P1");
    }

    #[test]
    fn short_or_odd_commands_never_panic() {
        assert!(fields(&[0x00, 0xA4]).is_empty());
        for cla in [0x00, 0x40, 0x7F, 0x80, 0xFF] {
            for ins in [0xA4, 0xB0, 0xB2, 0xDC, 0xD6, 0x00] {
                for p in [0x00, 0x04, 0x0C, 0x80, 0xFF] {
                    assert_eq!(fields(&[cla, ins, p, p]).len(), 4);
                }
            }
        }
    }
}
