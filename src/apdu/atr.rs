//! Answer-to-reset per ISO/IEC 7816-3: TS, T0, the TA/TB/TC/TD chain,
//! historical bytes and TCK. Malformed ATRs are parsed as far as possible,
//! with each problem listed; nothing here panics.

use std::ops::Range;

use crate::i18n::{gettext, gettext_f, ngettext};

pub use super::atr_fields::AtrField;
pub use super::atr_list::{lookup_names, lookup_names_in, smartcard_list_paths};

/// Bit convention announced by TS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    Direct,
    Inverse,
}

/// TAi, TBi, TCi and TDi of one level (i starts at 1). `protocol` is the T
/// that the previous TD announced for these bytes (None for level 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceLevel {
    pub protocol: Option<u8>,
    pub ta: Option<u8>,
    pub tb: Option<u8>,
    pub tc: Option<u8>,
    pub td: Option<u8>,
}

/// A parsed ATR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Atr {
    pub bytes: Vec<u8>,
    pub ts: Option<u8>,
    pub convention: Option<Convention>,
    pub t0: Option<u8>,
    pub levels: Vec<InterfaceLevel>,
    /// Where the historical bytes are in `bytes` (what is there of them).
    pub historical: Range<usize>,
    /// K from T0: how many historical bytes were announced.
    pub historical_announced: usize,
    /// Protocols offered, in order (T=0 when no TD1). T=15 is not a protocol.
    pub protocols: Vec<u8>,
    pub tck: Option<u8>,
    /// TCK must be present: a protocol other than T=0 appears in a TD.
    pub tck_required: bool,
    /// Whether T0..TCK XOR to zero; None when there is no TCK.
    pub tck_valid: Option<bool>,
    /// Bytes after the ATR's announced end.
    pub extra: Range<usize>,
    /// Translated descriptions of every problem found.
    pub problems: Vec<String>,
}

/// Fi and fmax (MHz) by the high nibble of TA1; None = RFU.
const FI_FMAX: [Option<(u32, f32)>; 16] = [
    Some((372, 4.0)),
    Some((372, 5.0)),
    Some((558, 6.0)),
    Some((744, 8.0)),
    Some((1116, 12.0)),
    Some((1488, 16.0)),
    Some((1860, 20.0)),
    None,
    None,
    Some((512, 5.0)),
    Some((768, 7.5)),
    Some((1024, 10.0)),
    Some((1536, 15.0)),
    Some((2048, 20.0)),
    None,
    None,
];

/// Di by the low nibble of TA1; None = RFU.
const DI: [Option<u32>; 16] = [
    None,
    Some(1),
    Some(2),
    Some(4),
    Some(8),
    Some(16),
    Some(32),
    Some(64),
    Some(12),
    Some(20),
    None,
    None,
    None,
    None,
    None,
    None,
];

/// Clock rate conversion and baud rate adjustment from TA1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateParams {
    pub fi: Option<u32>,
    pub fmax_mhz: Option<f32>,
    pub di: Option<u32>,
    /// TA1 absent: the default values Fi = 372, Di = 1, fmax = 5 MHz.
    pub default: bool,
}

impl Atr {
    pub fn parse(bytes: &[u8]) -> Atr {
        let mut atr = Atr {
            bytes: bytes.to_vec(),
            ..Atr::default()
        };
        atr.parse_inner();
        atr
    }

    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    fn parse_inner(&mut self) {
        let b = self.bytes.clone();
        let Some(&ts) = b.first() else {
            self.problem(gettext("The ATR is empty"));
            return;
        };
        self.ts = Some(ts);
        self.convention = match ts {
            0x3B => Some(Convention::Direct),
            0x3F => Some(Convention::Inverse),
            _ => {
                self.problem(gettext_f(
                    // TRANSLATORS: {ts} is the first ATR byte in hex, e.g. 3A.
                    &gettext("TS is {ts}, neither 3B (direct) nor 3F (inverse convention)"),
                    &[("ts", &format!("{ts:02X}"))],
                ));
                None
            }
        };
        let Some(&t0) = b.get(1) else {
            self.problem(gettext("The ATR ends before T0"));
            return;
        };
        self.t0 = Some(t0);
        let k = usize::from(t0 & 0x0F);
        self.historical_announced = k;
        let mut y = t0 >> 4;
        let mut pos = 2;
        let mut protocol = None;
        let mut truncated = false;
        while !truncated {
            let mut level = InterfaceLevel {
                protocol,
                ..InterfaceLevel::default()
            };
            for (bit, slot) in [0x1u8, 0x2, 0x4, 0x8].into_iter().enumerate() {
                if y & slot == 0 {
                    continue;
                }
                let Some(&v) = b.get(pos) else {
                    truncated = true;
                    break;
                };
                pos += 1;
                match bit {
                    0 => level.ta = Some(v),
                    1 => level.tb = Some(v),
                    2 => level.tc = Some(v),
                    _ => level.td = Some(v),
                }
            }
            self.levels.push(level.clone());
            if truncated {
                break;
            }
            match level.td {
                Some(td) => {
                    let t = td & 0x0F;
                    if t != 0 {
                        self.tck_required = true;
                    }
                    if t != 15 && !self.protocols.contains(&t) {
                        self.protocols.push(t);
                    }
                    protocol = Some(t);
                    y = td >> 4;
                }
                None => break,
            }
        }
        if self.protocols.is_empty() {
            // No TD1 (or only T=15): T=0 is the implied offer.
            self.protocols.push(0);
        }
        if truncated {
            self.problem(gettext("The ATR ends inside its interface bytes"));
            self.historical = pos..pos;
            return;
        }
        let hist_end = (pos + k).min(b.len());
        self.historical = pos..hist_end;
        if hist_end - pos < k {
            self.problem(gettext_f(
                &ngettext(
                    // TRANSLATORS: {k} is the count announced by the ATR's T0 byte
                    // (e.g. 15), {n} the count actually present (e.g. 3).
                    "T0 announces {k} historical byte; bytes present: {n}",
                    "T0 announces {k} historical bytes; bytes present: {n}",
                    k as u32,
                ),
                &[("k", &k.to_string()), ("n", &(hist_end - pos).to_string())],
            ));
            if self.tck_required {
                self.problem(gettext("TCK is missing"));
            }
            return;
        }
        pos = hist_end;
        if self.tck_required {
            match b.get(pos) {
                Some(&tck) => {
                    self.tck = Some(tck);
                    pos += 1;
                    let ok = b[1..pos].iter().fold(0u8, |a, x| a ^ x) == 0;
                    self.tck_valid = Some(ok);
                    if !ok {
                        let expected = b[1..pos - 1].iter().fold(0u8, |a, x| a ^ x);
                        self.problem(gettext_f(
                            // TRANSLATORS: {tck} and {expected} are check bytes in hex, e.g. 0F
                            // and 0E.
                            &gettext("TCK is {tck} but should be {expected}"),
                            &[
                                ("tck", &format!("{tck:02X}")),
                                ("expected", &format!("{expected:02X}")),
                            ],
                        ));
                    }
                }
                None => self.problem(gettext("TCK is missing")),
            }
        }
        self.extra = pos..b.len().max(pos);
        if !self.extra.is_empty() {
            self.problem(gettext_f(
                &ngettext(
                    "{n} unexpected byte after the end of the ATR",
                    "{n} unexpected bytes after the end of the ATR",
                    self.extra.len() as u32,
                ),
                &[("n", &self.extra.len().to_string())],
            ));
        }
        if b.len() > 33 {
            self.problem(gettext("The ATR is longer than 33 bytes"));
        }
    }

    pub fn historical_bytes(&self) -> &[u8] {
        self.bytes.get(self.historical.clone()).unwrap_or(&[])
    }

    /// Fi, Di and fmax from TA1, or the defaults without TA1.
    pub fn rate(&self) -> RateParams {
        match self.levels.first().and_then(|l| l.ta) {
            Some(ta1) => {
                let f = FI_FMAX[usize::from(ta1 >> 4)];
                RateParams {
                    fi: f.map(|x| x.0),
                    fmax_mhz: f.map(|x| x.1),
                    di: DI[usize::from(ta1 & 0x0F)],
                    default: false,
                }
            }
            None => RateParams {
                fi: Some(372),
                fmax_mhz: Some(5.0),
                di: Some(1),
                default: true,
            },
        }
    }

    /// Rows of label, value and translated explanation for the ATR panel.
    pub fn fields(&self) -> Vec<AtrField> {
        super::atr_fields::fields(self)
    }

    /// `T=0, T=1`.
    pub fn protocols_text(&self) -> String {
        let v: Vec<String> = self.protocols.iter().map(|t| format!("T={t}")).collect();
        v.join(", ")
    }
}
