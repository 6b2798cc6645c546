//! A command APDU built from its fields, as the window's APDU builder
//! offers them: hex CLA, INS, P1, P2, data, an optional Lc (counted when
//! left empty) and Le, short or extended length fields.

use super::command::{CommandApdu, CommandInfo};
use super::parse_hex;
use crate::i18n::{gettext, gettext_f};

/// The fields as typed (hex; spaces allowed in the data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    pub cla: String,
    pub ins: String,
    pub p1: String,
    pub p2: String,
    pub data: String,
    /// Empty: the length of the data (no Lc without data).
    pub lc: String,
    /// Empty: no Le.
    pub le: String,
    pub extended: bool,
}

/// A field of [`Fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Cla,
    Ins,
    P1,
    P2,
    Data,
    Lc,
    Le,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Cla => "CLA",
            Field::Ins => "INS",
            Field::P1 => "P1",
            Field::P2 => "P2",
            Field::Data => "Data",
            Field::Lc => "Lc",
            Field::Le => "Le",
        }
    }
}

/// Why the fields make no command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// Not hex digits in pairs.
    NotHex(Field),
    /// CLA, INS, P1 or P2 is not exactly one byte.
    NotOneByte(Field),
    /// Lc or Le is longer than its field: `max` bytes.
    TooLong { field: Field, max: usize },
    /// More data than short (255) or extended (65 535) length fields allow.
    DataTooLong { len: usize, extended: bool },
}

impl BuildError {
    /// A translated sentence.
    pub fn message(&self) -> String {
        match self {
            BuildError::NotHex(f) => gettext_f(
                &gettext("{field}: hex digits in pairs, e.g. 0A or 3F 00"),
                &[("field", f.name())],
            ),
            BuildError::NotOneByte(f) => gettext_f(
                &gettext("{field}: one byte, two hex digits"),
                &[("field", f.name())],
            ),
            BuildError::TooLong { field, max } => gettext_f(
                &gettext("{field}: at most {max} hex digits here"),
                &[("field", field.name()), ("max", &(max * 2).to_string())],
            ),
            BuildError::DataTooLong {
                len,
                extended: false,
            } => gettext_f(
                &gettext("{n} data bytes need extended length fields (at most 255 without)"),
                &[("n", &len.to_string())],
            ),
            BuildError::DataTooLong {
                len,
                extended: true,
            } => gettext_f(
                &gettext("{n} data bytes: at most 65535 fit in a command"),
                &[("n", &len.to_string())],
            ),
        }
    }
}

/// The command's bytes and what they say (case, warnings such as an Lc
/// that does not match the data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub info: CommandInfo,
}

fn hex(field: Field, text: &str) -> Result<Vec<u8>, BuildError> {
    parse_hex(text).ok_or(BuildError::NotHex(field))
}

fn byte(field: Field, text: &str) -> Result<u8, BuildError> {
    match hex(field, text)?.as_slice() {
        [b] => Ok(*b),
        _ => Err(BuildError::NotOneByte(field)),
    }
}

/// A length field as typed (hex, big-endian), at most `max` bytes, written
/// on exactly `max` bytes; None when empty.
fn length(field: Field, text: &str, max: usize) -> Result<Option<Vec<u8>>, BuildError> {
    let mut bytes = hex(field, text)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    while bytes.len() > max && bytes[0] == 0 {
        bytes.remove(0);
    }
    if bytes.len() > max {
        return Err(BuildError::TooLong { field, max });
    }
    let mut out = vec![0; max - bytes.len()];
    out.extend(bytes);
    Ok(Some(out))
}

/// Build the command. Lc and Le are written as typed, so a deliberately
/// wrong Lc can be sent; [`Built::info`] then warns about it.
pub fn build(f: &Fields) -> Result<Built, BuildError> {
    let header = [
        byte(Field::Cla, &f.cla)?,
        byte(Field::Ins, &f.ins)?,
        byte(Field::P1, &f.p1)?,
        byte(Field::P2, &f.p2)?,
    ];
    let data = hex(Field::Data, &f.data)?;
    let max = if f.extended { 65_535 } else { 255 };
    if data.len() > max {
        return Err(BuildError::DataTooLong {
            len: data.len(),
            extended: f.extended,
        });
    }
    let width = if f.extended { 2 } else { 1 };
    let lc = match length(Field::Lc, &f.lc, width)? {
        Some(lc) => Some(lc),
        None if data.is_empty() => None,
        None => Some(data.len().to_be_bytes()[8 - width..].to_vec()),
    };
    let le = length(Field::Le, &f.le, width)?;
    let mut bytes = header.to_vec();
    if let Some(lc) = &lc {
        if f.extended {
            bytes.push(0);
        }
        bytes.extend(lc);
        bytes.extend(&data);
    }
    if let Some(le) = &le {
        if f.extended && lc.is_none() {
            bytes.push(0);
        }
        bytes.extend(le);
    }
    let info = CommandApdu::parse(&bytes);
    Ok(Built { bytes, info })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apdu::{hex_spaced, Case, CommandWarning};
    use proptest::prelude::*;

    fn fields(cla: &str, data: &str, lc: &str, le: &str, extended: bool) -> Fields {
        Fields {
            cla: cla.into(),
            ins: "A4".into(),
            p1: "04".into(),
            p2: "00".into(),
            data: data.into(),
            lc: lc.into(),
            le: le.into(),
            extended,
        }
    }

    fn line(f: &Fields) -> String {
        hex_spaced(&build(f).unwrap().bytes)
    }

    #[test]
    fn the_seven_cases() {
        assert_eq!(line(&fields("00", "", "", "", false)), "00 A4 04 00");
        assert_eq!(line(&fields("00", "", "", "00", false)), "00 A4 04 00 00");
        assert_eq!(
            line(&fields("00", "3F00", "", "", false)),
            "00 A4 04 00 02 3F 00"
        );
        assert_eq!(
            line(&fields("00", "3F 00", "", "10", false)),
            "00 A4 04 00 02 3F 00 10"
        );
        assert_eq!(
            line(&fields("00", "", "", "0100", true)),
            "00 A4 04 00 00 01 00"
        );
        assert_eq!(
            line(&fields("00", "3F00", "", "", true)),
            "00 A4 04 00 00 00 02 3F 00"
        );
        let b = build(&fields("00", "3F00", "", "00", true)).unwrap();
        assert_eq!(hex_spaced(&b.bytes), "00 A4 04 00 00 00 02 3F 00 00 00");
        assert_eq!(b.info.case, Some(Case::Case4E));
    }

    #[test]
    fn a_typed_lc_is_kept_and_warned_about() {
        let b = build(&fields("00", "3F00", "05", "", false)).unwrap();
        assert_eq!(hex_spaced(&b.bytes), "00 A4 04 00 05 3F 00");
        assert!(b
            .info
            .warnings
            .iter()
            .any(|w| matches!(w, CommandWarning::LcMismatch { lc: 5, .. })));
        let ok = build(&fields("00", "3F00", "02", "", false)).unwrap();
        assert!(ok.info.warnings.is_empty());
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            build(&fields("0", "", "", "", false)),
            Err(BuildError::NotHex(Field::Cla))
        );
        assert_eq!(
            build(&fields("0000", "", "", "", false)),
            Err(BuildError::NotOneByte(Field::Cla))
        );
        assert_eq!(
            build(&fields("00", "", "", "0100", false)),
            Err(BuildError::TooLong {
                field: Field::Le,
                max: 1
            })
        );
        let long = "00".repeat(256);
        assert_eq!(
            build(&fields("00", &long, "", "", false)),
            Err(BuildError::DataTooLong {
                len: 256,
                extended: false
            })
        );
        assert!(build(&fields("00", &long, "", "", true)).is_ok());
        assert!(!BuildError::NotHex(Field::Data).message().is_empty());
    }

    proptest! {
        #[test]
        fn any_text_builds_or_fails_without_panic(
            cla in ".{0,6}", data in ".{0,40}", lc in ".{0,6}", le in ".{0,6}", ext in any::<bool>()
        ) {
            if let Err(e) = build(&fields(&cla, &data, &lc, &le, ext)) {
                prop_assert!(!e.message().is_empty());
            }
        }

        #[test]
        fn built_commands_parse_back(
            header in any::<[u8; 4]>(),
            data in proptest::collection::vec(any::<u8>(), 0..300),
            le in proptest::option::of(any::<u16>()),
            ext in any::<bool>(),
        ) {
            let f = Fields {
                cla: format!("{:02X}", header[0]),
                ins: format!("{:02X}", header[1]),
                p1: format!("{:02X}", header[2]),
                p2: format!("{:02X}", header[3]),
                data: hex_spaced(&data),
                lc: String::new(),
                le: le.map(|l| if ext { format!("{l:04X}") } else { format!("{:02X}", l as u8) })
                    .unwrap_or_default(),
                extended: ext,
            };
            match build(&f) {
                Ok(b) => {
                    prop_assert!(b.info.warnings.is_empty(), "{:?}", b.info);
                    prop_assert_eq!(&b.bytes[..4], &header[..]);
                    prop_assert_eq!(&b.bytes[b.info.data.clone()], &data[..]);
                    prop_assert_eq!(b.info.case.is_some_and(|c| c.is_extended()), ext && (!data.is_empty() || le.is_some()));
                }
                Err(e) => prop_assert_eq!(e, BuildError::DataTooLong { len: data.len(), extended: false }),
            }
        }
    }
}
