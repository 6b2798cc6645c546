//! SELECT (by FID, child/parent, DF name, path) and the FCP/FCI it returns.

use super::apdu::Command;
use super::commands::{ok, Handled, FILE_NOT_FOUND, WRONG_LENGTH, WRONG_P1P2};
use super::spec::{Content, Kind};
use super::DemoCard;

/// Append a BER-TLV with a definite length.
fn tlv(out: &mut Vec<u8>, tag: &[u8], value: &[u8]) {
    out.extend_from_slice(tag);
    let l = value.len();
    if l < 0x80 {
        out.push(l as u8);
    } else if l <= 0xFF {
        out.extend_from_slice(&[0x81, l as u8]);
    } else {
        out.extend_from_slice(&[0x82, (l >> 8) as u8, l as u8]);
    }
    out.extend_from_slice(value);
}

impl DemoCard {
    pub(super) fn children(&self, df: usize) -> &[usize] {
        match &self.image.files[df].kind {
            Kind::Df { children, .. } => children,
            Kind::Ef { .. } => &[],
        }
    }

    pub(super) fn is_df(&self, i: usize) -> bool {
        matches!(self.image.files[i].kind, Kind::Df { .. })
    }

    fn child(&self, df: usize, fid: u16) -> Option<usize> {
        self.children(df)
            .iter()
            .copied()
            .find(|&i| self.image.files[i].fid == fid)
    }

    /// P1=00: MF, a child of the current DF, the current DF, its parent or
    /// a sibling of it.
    fn find_fid(&self, fid: u16) -> Option<usize> {
        if fid == 0x3F00 {
            return Some(0);
        }
        let cur = self.current_df;
        if let Some(i) = self.child(cur, fid) {
            return Some(i);
        }
        if self.image.files[cur].fid == fid {
            return Some(cur);
        }
        let parent = self.image.files[cur].parent?;
        if self.image.files[parent].fid == fid {
            return Some(parent);
        }
        self.child(parent, fid)
    }

    fn find_path(&self, start: usize, path: &[u8]) -> Result<usize, u16> {
        if path.is_empty() || path.len() % 2 != 0 {
            return Err(WRONG_LENGTH);
        }
        let mut fids = path.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]]));
        let mut at = start;
        let mut first = true;
        for fid in fids.by_ref() {
            if first && fid == 0x3F00 && start == 0 {
                first = false;
                continue;
            }
            first = false;
            if !self.is_df(at) {
                return Err(FILE_NOT_FOUND);
            }
            at = self.child(at, fid).ok_or(FILE_NOT_FOUND)?;
        }
        Ok(at)
    }

    fn find_aid(&self, prefix: &[u8], after: Option<usize>) -> Option<usize> {
        let from = after.map_or(0, |a| a + 1);
        (from..self.image.files.len()).find(|&i| match &self.image.files[i].kind {
            Kind::Df { aid: Some(aid), .. } => aid.starts_with(prefix),
            _ => false,
        })
    }

    fn fid2(data: &[u8]) -> Result<u16, u16> {
        match data {
            [a, b] => Ok(u16::from_be_bytes([*a, *b])),
            _ => Err(WRONG_LENGTH),
        }
    }

    pub(super) fn select(&mut self, c: &Command<'_>) -> Handled {
        let next = c.p2 & 0x03;
        let answer = c.p2 & 0xFC;
        if !matches!(answer, 0x00 | 0x04 | 0x0C) || !(next == 0 || (next == 2 && c.p1 == 4)) {
            return Err(WRONG_P1P2);
        }
        let target = match c.p1 {
            0x00 if c.data.is_empty() => 0,
            0x00 => self.find_fid(Self::fid2(c.data)?).ok_or(FILE_NOT_FOUND)?,
            0x01 | 0x02 => {
                let i = self
                    .child(self.current_df, Self::fid2(c.data)?)
                    .ok_or(FILE_NOT_FOUND)?;
                if self.is_df(i) != (c.p1 == 0x01) {
                    return Err(FILE_NOT_FOUND);
                }
                i
            }
            0x03 if !c.data.is_empty() => return Err(WRONG_LENGTH),
            0x03 => self.image.files[self.current_df]
                .parent
                .ok_or(FILE_NOT_FOUND)?,
            0x04 if c.data.is_empty() => 0,
            0x04 if c.data.len() > 16 => return Err(WRONG_LENGTH),
            0x04 => {
                let after = (next == 2).then_some(self.current_df);
                self.find_aid(c.data, after).ok_or(FILE_NOT_FOUND)?
            }
            0x08 => self.find_path(0, c.data)?,
            0x09 => self.find_path(self.current_df, c.data)?,
            _ => return Err(WRONG_P1P2),
        };
        if self.is_df(target) {
            self.current_df = target;
            self.current_ef = None;
        } else {
            self.current_df = self.image.files[target].parent.unwrap_or(0);
            self.current_ef = Some(target);
        }
        self.current_record = None;
        ok(match answer {
            0x0C => Vec::new(),
            _ => self.control_info(target, answer == 0x00),
        })
    }

    /// FCP (62) for EFs and on P2=04; FCI (6F, with A5 and the label) for DFs on P2=00.
    fn control_info(&self, i: usize, fci: bool) -> Vec<u8> {
        let f = &self.image.files[i];
        let mut items = Vec::with_capacity(48);
        match &f.kind {
            Kind::Df { aid, label, .. } => {
                tlv(&mut items, &[0x82], &[0x38]);
                tlv(&mut items, &[0x83], &f.fid.to_be_bytes());
                if let Some(aid) = aid {
                    tlv(&mut items, &[0x84], aid);
                }
                tlv(&mut items, &[0x8A], &[0x05]);
                if fci {
                    let mut prop = Vec::new();
                    if let Some(l) = label {
                        tlv(&mut prop, &[0x50], l.as_bytes());
                    }
                    tlv(&mut items, &[0xA5], &prop);
                    let mut out = Vec::with_capacity(items.len() + 3);
                    tlv(&mut out, &[0x6F], &items);
                    return out;
                }
            }
            Kind::Ef { sfi, content, .. } => {
                tlv(&mut items, &[0x80], &(content.size() as u16).to_be_bytes());
                match content {
                    Content::Transparent(_) => tlv(&mut items, &[0x82], &[0x01]),
                    Content::Records {
                        record_size,
                        records,
                    } => tlv(
                        &mut items,
                        &[0x82],
                        &[0x02, 0x21, 0x00, *record_size, records.len() as u8],
                    ),
                }
                tlv(&mut items, &[0x83], &f.fid.to_be_bytes());
                if let Some(s) = sfi {
                    tlv(&mut items, &[0x88], &[s << 3]);
                }
                tlv(&mut items, &[0x8A], &[0x05]);
            }
        }
        let mut out = Vec::with_capacity(items.len() + 3);
        tlv(&mut out, &[0x62], &items);
        out
    }
}
