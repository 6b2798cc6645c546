//! Splitting a command APDU into header, data and Le (short and extended).

use crate::apdu::{Case, CommandApdu};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command<'a> {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: &'a [u8],
    /// Expected length; an encoded 00 (00 00 extended) counts as the maximum.
    pub le: Option<usize>,
    /// Le was encoded as zero: "everything there is".
    pub le_any: bool,
    pub extended: bool,
}

/// `None` when the bytes are no well-formed command APDU (card says 6700).
/// The cases are those of [`CommandApdu::parse`], the one decoder.
pub fn parse(b: &[u8]) -> Option<Command<'_>> {
    let info = CommandApdu::parse(b);
    if !info.is_valid() {
        return None;
    }
    let extended = info.case.is_some_and(Case::is_extended);
    Some(Command {
        cla: info.cla,
        ins: info.ins,
        p1: info.p1,
        p2: info.p2,
        data: b.get(info.data.clone()).unwrap_or(&[]),
        le: info.le,
        le_any: info.le == Some(if extended { 65_536 } else { 256 }),
        extended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let c = parse(&[0, 0xA4, 0, 0]).unwrap();
        assert_eq!((c.data, c.le), (&[][..], None));
        let c = parse(&[0, 0xB0, 0, 0, 0]).unwrap();
        assert_eq!((c.le, c.le_any), (Some(256), true));
        let c = parse(&[0, 0xA4, 0, 0, 2, 0x3F, 0]).unwrap();
        assert_eq!((c.data, c.le), (&[0x3F, 0][..], None));
        let c = parse(&[0, 0xA4, 0, 0, 2, 0x3F, 0, 0x10]).unwrap();
        assert_eq!((c.data, c.le, c.le_any), (&[0x3F, 0][..], Some(16), false));
        let c = parse(&[0, 0xB0, 0, 0, 0, 0x01, 0x00]).unwrap();
        assert_eq!((c.le, c.extended), (Some(256), true));
        let c = parse(&[0, 0xD6, 0, 0, 0, 0, 1, 0xAA, 0, 0]).unwrap();
        assert_eq!((c.data, c.le, c.le_any), (&[0xAA][..], Some(65536), true));
        assert!(parse(&[0, 0xA4, 0]).is_none());
        assert!(parse(&[0, 0xA4, 0, 0, 3, 1]).is_none());
        assert!(parse(&[0, 0xA4, 0, 0, 0, 0, 0, 1]).is_none());
    }
}
