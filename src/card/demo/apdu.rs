//! Splitting a command APDU into header, data and Le (short and extended).

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
pub fn parse(b: &[u8]) -> Option<Command<'_>> {
    if b.len() < 4 {
        return None;
    }
    let mut c = Command {
        cla: b[0],
        ins: b[1],
        p1: b[2],
        p2: b[3],
        data: &[],
        le: None,
        le_any: false,
        extended: false,
    };
    let body = &b[4..];
    let short_le = |v: u8| if v == 0 { 256 } else { v as usize };
    let ext_le = |hi: u8, lo: u8| match u16::from_be_bytes([hi, lo]) {
        0 => 65536,
        v => v as usize,
    };
    match body.len() {
        0 => {}
        1 => {
            c.le = Some(short_le(body[0]));
            c.le_any = body[0] == 0;
        }
        _ if body[0] != 0 => {
            let lc = body[0] as usize;
            match body.len() - 1 {
                n if n == lc => c.data = &body[1..],
                n if n == lc + 1 => {
                    c.data = &body[1..=lc];
                    c.le = Some(short_le(body[lc + 1]));
                    c.le_any = body[lc + 1] == 0;
                }
                _ => return None,
            }
        }
        3 => {
            c.extended = true;
            c.le = Some(ext_le(body[1], body[2]));
            c.le_any = body[1] == 0 && body[2] == 0;
        }
        2 => return None,
        n => {
            c.extended = true;
            let lc = u16::from_be_bytes([body[1], body[2]]) as usize;
            if lc == 0 {
                return None;
            }
            match n - 3 {
                m if m == lc => c.data = &body[3..],
                m if m == lc + 2 => {
                    c.data = &body[3..3 + lc];
                    c.le = Some(ext_le(body[3 + lc], body[4 + lc]));
                    c.le_any = body[3 + lc] == 0 && body[4 + lc] == 0;
                }
                _ => return None,
            }
        }
    }
    Some(c)
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
