//! The demo card's command handlers and the T=0/T=1 response shaping.

use super::apdu::{self, Command};
use super::spec::{Access, Content, Kind};
use super::{DemoCard, Pending};

const OK: u16 = 0x9000;
pub(super) const WRONG_LENGTH: u16 = 0x6700;
pub(super) const WRONG_P1P2: u16 = 0x6A86;
pub(super) const FILE_NOT_FOUND: u16 = 0x6A82;
const NO_EF: u16 = 0x6986;
const NOT_ALLOWED: u16 = 0x6986;
const SECURITY: u16 = 0x6982;
const WRONG_FILE_TYPE: u16 = 0x6981;
const REF_NOT_FOUND: u16 = 0x6A88;

const KNOWN_INS: [u8; 9] = [0xA4, 0xB0, 0xD6, 0xB2, 0x84, 0x20, 0x2C, 0xCA, 0xC0];

/// What a handler answers before T=0/T=1 shaping.
pub(super) struct Reply {
    pub(super) data: Vec<u8>,
    pub(super) sw: u16,
}

pub(super) type Handled = Result<Reply, u16>;

pub(super) fn ok(data: Vec<u8>) -> Handled {
    Ok(Reply { data, sw: OK })
}

fn sw_bytes(sw: u16) -> Vec<u8> {
    sw.to_be_bytes().to_vec()
}

fn with_sw(mut data: Vec<u8>, sw: u16) -> Vec<u8> {
    data.extend_from_slice(&sw.to_be_bytes());
    data
}

/// `61XX`/`6CXX` for a length, where 256 is written 00.
fn len_sw(sw1: u8, len: usize) -> u16 {
    u16::from_be_bytes([sw1, len.min(256) as u8])
}

impl DemoCard {
    pub(super) fn process(&mut self, raw: &[u8]) -> Vec<u8> {
        if let [cla, ins, ..] = raw {
            match cla {
                0x00..=0x03 => {}
                0x04..=0x0F => return sw_bytes(0x6882),
                _ => return sw_bytes(0x6E00),
            }
            if !KNOWN_INS.contains(ins) {
                return sw_bytes(0x6D00);
            }
        }
        let Some(c) = apdu::parse(raw) else {
            return sw_bytes(WRONG_LENGTH);
        };
        if c.ins == 0xC0 {
            return self.get_response(&c).unwrap_or_else(sw_bytes);
        }
        self.pending = None;
        let reply = match c.ins {
            0xA4 => self.select(&c),
            0xB0 => self.read_binary(&c),
            0xD6 => self.update_binary(&c),
            0xB2 => self.read_record(&c),
            0x84 => self.get_challenge(&c),
            0x20 => self.verify(&c),
            0x2C => self.reset_retry_counter(&c),
            _ => self.get_data(&c),
        };
        match reply {
            Ok(r) => self.shape(&c, r),
            Err(sw) => sw_bytes(sw),
        }
    }

    /// Deliver response data the way the protocol does.
    fn shape(&mut self, c: &Command<'_>, r: Reply) -> Vec<u8> {
        if r.data.is_empty() {
            return sw_bytes(r.sw);
        }
        let t0 = self.is_t0() && !c.extended;
        let len = r.data.len();
        match c.le {
            None if !t0 => sw_bytes(r.sw),
            Some(le) if !t0 => {
                let mut d = r.data;
                d.truncate(le);
                with_sw(d, r.sw)
            }
            // T=0 case 2: the data comes at once when Le fits.
            Some(le) if c.data.is_empty() => {
                if c.le_any || le == len {
                    let mut d = r.data;
                    d.truncate(256);
                    with_sw(d, r.sw)
                } else {
                    sw_bytes(len_sw(0x6C, len))
                }
            }
            // T=0 cases 3 and 4: the data waits for GET RESPONSE.
            _ => {
                self.pending = Some(Pending {
                    data: r.data,
                    pos: 0,
                    sw: r.sw,
                });
                sw_bytes(len_sw(0x61, len))
            }
        }
    }

    fn get_response(&mut self, c: &Command<'_>) -> Result<Vec<u8>, u16> {
        if c.p1 != 0 || c.p2 != 0 {
            return Err(WRONG_P1P2);
        }
        if !c.data.is_empty() {
            return Err(WRONG_LENGTH);
        }
        let le = c.le.ok_or(WRONG_LENGTH)?;
        let p = self.pending.as_mut().ok_or(0x6985u16)?;
        let remaining = p.data.len() - p.pos;
        let n = if c.le_any {
            remaining.min(le)
        } else if le > remaining {
            return Err(len_sw(0x6C, remaining));
        } else {
            le
        };
        let out = p.data[p.pos..p.pos + n].to_vec();
        p.pos += n;
        let rest = remaining - n;
        if rest > 0 {
            return Ok(with_sw(out, len_sw(0x61, rest)));
        }
        let sw = p.sw;
        self.pending = None;
        Ok(with_sw(out, sw))
    }

    fn check_access(&self, a: Access) -> Result<(), u16> {
        match a {
            Access::Always => Ok(()),
            Access::Never => Err(NOT_ALLOWED),
            Access::Pin(r) => {
                let i = self.image.pins.iter().position(|p| p.reference == r);
                match i {
                    Some(i) if self.verified[i] => Ok(()),
                    _ => Err(SECURITY),
                }
            }
        }
    }

    /// The EF a BINARY/RECORD command addresses: by SFI, or the current EF.
    /// Selecting by SFI makes the EF current.
    fn target_ef(&mut self, sfi: Option<u8>) -> Result<usize, u16> {
        match sfi {
            None => self.current_ef.ok_or(NO_EF),
            Some(s) => {
                let i = self
                    .children(self.current_df)
                    .iter()
                    .copied()
                    .find(|&i| matches!(self.image.files[i].kind, Kind::Ef { sfi: Some(x), .. } if x == s))
                    .ok_or(FILE_NOT_FOUND)?;
                if self.current_ef != Some(i) {
                    self.current_record = None;
                }
                self.current_ef = Some(i);
                Ok(i)
            }
        }
    }

    fn binary_target(&mut self, c: &Command<'_>) -> Result<(usize, usize), u16> {
        if c.p1 & 0x80 != 0 {
            let sfi = c.p1 & 0x1F;
            if c.p1 & 0x60 != 0 || sfi == 0 {
                return Err(WRONG_P1P2);
            }
            Ok((self.target_ef(Some(sfi))?, c.p2 as usize))
        } else {
            let offset = u16::from_be_bytes([c.p1, c.p2]) as usize;
            Ok((self.target_ef(None)?, offset))
        }
    }

    fn read_binary(&mut self, c: &Command<'_>) -> Handled {
        if !c.data.is_empty() {
            return Err(WRONG_LENGTH);
        }
        let le = c.le.ok_or(WRONG_LENGTH)?;
        let (i, offset) = self.binary_target(c)?;
        let Kind::Ef { content, read, .. } = &self.image.files[i].kind else {
            return Err(NO_EF);
        };
        let Content::Transparent(d) = content else {
            return Err(WRONG_FILE_TYPE);
        };
        self.check_access(*read)?;
        if offset >= d.len() {
            return Err(0x6B00);
        }
        let n = (d.len() - offset).min(le);
        let sw = if n < le && !c.le_any { 0x6282 } else { OK };
        Ok(Reply {
            data: d[offset..offset + n].to_vec(),
            sw,
        })
    }

    fn update_binary(&mut self, c: &Command<'_>) -> Handled {
        if c.data.is_empty() {
            return Err(WRONG_LENGTH);
        }
        let (i, offset) = self.binary_target(c)?;
        let Kind::Ef {
            content, update, ..
        } = &self.image.files[i].kind
        else {
            return Err(NO_EF);
        };
        let Content::Transparent(d) = content else {
            return Err(WRONG_FILE_TYPE);
        };
        self.check_access(*update)?;
        if offset > d.len() {
            return Err(0x6B00);
        }
        if offset + c.data.len() > d.len() {
            return Err(0x6A84);
        }
        if let Kind::Ef {
            content: Content::Transparent(d),
            ..
        } = &mut self.image.files[i].kind
        {
            d[offset..offset + c.data.len()].copy_from_slice(c.data);
        }
        ok(Vec::new())
    }

    fn read_record(&mut self, c: &Command<'_>) -> Handled {
        if !c.data.is_empty() || c.le.is_none() {
            return Err(WRONG_LENGTH);
        }
        let sfi = c.p2 >> 3;
        if c.p2 & 0x07 != 0x04 || sfi == 31 {
            return Err(WRONG_P1P2);
        }
        let i = self.target_ef((sfi != 0).then_some(sfi))?;
        let Kind::Ef { content, read, .. } = &self.image.files[i].kind else {
            return Err(NO_EF);
        };
        let Content::Records { records, .. } = content else {
            return Err(WRONG_FILE_TYPE);
        };
        self.check_access(*read)?;
        let n = match c.p1 {
            0 => self.current_record.ok_or(0x6A83u16)?,
            n => n,
        };
        let rec = records.get(n as usize - 1).ok_or(0x6A83u16)?.clone();
        self.current_record = Some(n);
        ok(rec)
    }

    fn get_challenge(&mut self, c: &Command<'_>) -> Handled {
        if c.p1 != 0 || c.p2 != 0 {
            return Err(WRONG_P1P2);
        }
        if !c.data.is_empty() {
            return Err(WRONG_LENGTH);
        }
        let n = match c.le {
            None => return Err(WRONG_LENGTH),
            Some(_) if c.le_any => 8,
            Some(n) if n > 256 => return Err(WRONG_LENGTH),
            Some(n) => n,
        };
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_random().to_be_bytes());
        }
        out.truncate(n);
        ok(out)
    }

    fn pin_index(&self, reference: u8) -> Result<usize, u16> {
        self.image
            .pins
            .iter()
            .position(|p| p.reference == reference)
            .ok_or(REF_NOT_FOUND)
    }

    fn verify(&mut self, c: &Command<'_>) -> Handled {
        if c.p1 != 0x00 && c.p1 != 0xFF {
            return Err(WRONG_P1P2);
        }
        let i = self.pin_index(c.p2)?;
        if c.p1 == 0xFF {
            if !c.data.is_empty() {
                return Err(WRONG_LENGTH);
            }
            self.verified[i] = false;
            return ok(Vec::new());
        }
        let left = self.tries_left[i];
        if left == 0 {
            return Err(0x6983);
        }
        if c.data.is_empty() {
            return if self.verified[i] {
                ok(Vec::new())
            } else {
                Err(0x63C0 | left as u16)
            };
        }
        if c.data == self.image.pins[i].value.as_slice() {
            self.tries_left[i] = self.image.pins[i].max_retries;
            self.verified[i] = true;
            return ok(Vec::new());
        }
        self.verified[i] = false;
        self.tries_left[i] = left - 1;
        match left - 1 {
            0 => Err(0x6983),
            n => Err(0x63C0 | n as u16),
        }
    }

    /// Only P1=03 (reset the counter, no data): a way out of a blocked PIN
    /// on a demo card, without a PUK.
    fn reset_retry_counter(&mut self, c: &Command<'_>) -> Handled {
        if c.p1 != 0x03 {
            return Err(WRONG_P1P2);
        }
        if !c.data.is_empty() {
            return Err(WRONG_LENGTH);
        }
        let i = self.pin_index(c.p2)?;
        self.tries_left[i] = self.image.pins[i].max_retries;
        ok(Vec::new())
    }

    fn get_data(&mut self, c: &Command<'_>) -> Handled {
        if !c.data.is_empty() || c.le.is_none() {
            return Err(WRONG_LENGTH);
        }
        let tag = u16::from_be_bytes([c.p1, c.p2]);
        self.image
            .data_objects
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| Reply {
                data: v.clone(),
                sw: OK,
            })
            .ok_or(REF_NOT_FOUND)
    }
}
