//! The built-in demo card: an in-memory ISO 7816-4 card described by RON
//! (`resources/demo-card.ron`, whose header comment draws the file tree).
//!
//! It behaves like a card behind pcscd: under T=0 a command whose answer has
//! data returns `61XX` and the data waits for GET RESPONSE, and a case-2
//! command with a wrong Le gets `6CXX`; under T=1 (and RAW) the data comes
//! at once. File contents and PIN retry counters survive a reset (they are
//! the card's non-volatile memory); the selection and PIN status do not.
//! Everything is deterministic except GET CHALLENGE.

mod apdu;
mod commands;
mod select;
pub(crate) mod spec;

use std::fmt;
use std::path::Path;

use super::{Card, CardError, Disposition, Protocol};
use crate::i18n::{gettext, gettext_f, ngettext};
use spec::{CardSpec, Image};

pub use spec::InvalidReason;

const BUILTIN: &str = include_str!("../../../resources/demo-card.ron");

/// Why a demo card description could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoCardError {
    Io {
        path: String,
        error: String,
    },
    /// Not valid RON for a card description; the text has line and column.
    Syntax(String),
    /// Valid RON that does not describe a usable card.
    Invalid {
        what: String,
        reason: InvalidReason,
    },
}

impl fmt::Display for DemoCardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            DemoCardError::Io { path, error } => gettext_f(
                &gettext("Cannot read the demo card file {path}: {error}"),
                &[("path", path), ("error", error)],
            ),
            DemoCardError::Syntax(e) => gettext_f(
                &gettext("The demo card description is not valid: {error}"),
                &[("error", e)],
            ),
            DemoCardError::Invalid { what, reason } => gettext_f(
                // TRANSLATORS: {what} names a part of the RON card description,
                // as written there (e.g. "atr", "mf"); {reason} is one of the
                // lower-case messages that follow, e.g. "file identifier 2F00 is
                // used twice".
                &gettext("The demo card description is not usable ({what}): {reason}"),
                &[("what", what), ("reason", &reason_text(reason))],
            ),
        };
        f.write_str(&s)
    }
}

impl std::error::Error for DemoCardError {}

fn reason_text(r: &InvalidReason) -> String {
    let n = |v: usize| v.to_string();
    match r {
        // TRANSLATORS: {hex} is the text found in the card description, e.g. "3B 8Z".
        InvalidReason::BadHex(s) => gettext_f(&gettext("invalid hex bytes “{hex}”"), &[("hex", s)]),
        InvalidReason::AtrLength(l) => gettext_f(
            &gettext("an ATR has 2 to 33 bytes, not {len}"),
            &[("len", &n(*l))],
        ),
        InvalidReason::MfFid(fid) => gettext_f(
            // TRANSLATORS: {fid} is a file identifier in hex, e.g. 2F00.
            &gettext("the MF must have the file identifier 3F00, not {fid}"),
            &[("fid", &format!("{fid:04X}"))],
        ),
        InvalidReason::DuplicateFid(fid) => gettext_f(
            // TRANSLATORS: {fid} is a file identifier in hex, e.g. 2F00.
            &gettext("file identifier {fid} is used twice"),
            &[("fid", &format!("{fid:04X}"))],
        ),
        InvalidReason::ReservedFid(fid) => gettext_f(
            // TRANSLATORS: {fid} is a file identifier in hex, e.g. 3FFF.
            &gettext("file identifier {fid} is reserved"),
            &[("fid", &format!("{fid:04X}"))],
        ),
        InvalidReason::BadSfi(s) => gettext_f(
            // TRANSLATORS: {sfi} is a number, e.g. 31.
            &gettext("a short file identifier is 1 to 30, not {sfi}"),
            &[("sfi", &n(*s as usize))],
        ),
        InvalidReason::RecordTooLong { record, len, size } => gettext_f(
            &ngettext(
                // TRANSLATORS: {record} is a record number (e.g. 3), {len} a byte
                // count, {size} the record size in bytes (e.g. 16).
                "record {record} has {len} byte, more than the record size {size}",
                "record {record} has {len} bytes, more than the record size {size}",
                u32::try_from(*len).unwrap_or(u32::MAX),
            ),
            &[
                ("record", &n(*record)),
                ("len", &n(*len)),
                ("size", &n(*size as usize)),
            ],
        ),
        InvalidReason::ZeroRecordSize => {
            gettext("the record size is 0: a record has 1 to 255 bytes")
        }
        InvalidReason::TooManyRecords(c) => gettext_f(
            &ngettext(
                "{count} record, at most 254 are allowed",
                "{count} records, at most 254 are allowed",
                u32::try_from(*c).unwrap_or(u32::MAX),
            ),
            &[("count", &n(*c))],
        ),
        InvalidReason::FileTooLarge(l) => gettext_f(
            &ngettext(
                // TRANSLATORS: the size of a file of the demo card; write 32767 as
                // your language writes large numbers (French: 32 767).
                "{len} byte, at most 32767 are allowed",
                "{len} bytes, at most 32767 are allowed",
                u32::try_from(*l).unwrap_or(u32::MAX),
            ),
            &[("len", &n(*l))],
        ),
        InvalidReason::DuplicatePin(r) => gettext_f(
            // TRANSLATORS: {ref} is a PIN reference in hex, e.g. 81.
            &gettext("the PIN reference {ref} is defined twice"),
            &[("ref", &format!("{r:02X}"))],
        ),
        InvalidReason::BadRetries(c) => gettext_f(
            &gettext("a PIN allows 1 to 15 tries, not {count}"),
            &[("count", &n(*c as usize))],
        ),
        InvalidReason::UnknownPin(r) => gettext_f(
            // TRANSLATORS: {ref} is a PIN reference in hex, e.g. 81.
            &gettext("no PIN with reference {ref}"),
            &[("ref", &format!("{r:02X}"))],
        ),
    }
}

/// Response data waiting for GET RESPONSE (T=0 only).
#[derive(Debug, Clone)]
struct Pending {
    data: Vec<u8>,
    pos: usize,
    sw: u16,
}

pub struct DemoCard {
    image: Image,
    protocol: Protocol,
    current_df: usize,
    current_ef: Option<usize>,
    current_record: Option<u8>,
    /// Tries left per PIN (same order as `image.pins`); kept across resets.
    tries_left: Vec<u8>,
    verified: Vec<bool>,
    pending: Option<Pending>,
    rng: u64,
    connected: bool,
}

impl DemoCard {
    /// The card shipped in `resources/demo-card.ron`.
    pub fn builtin(protocol: Protocol) -> Result<DemoCard, CardError> {
        DemoCard::from_ron(BUILTIN, protocol).map_err(|e| CardError::Other(e.to_string()))
    }

    /// A card described by RON text (see `resources/demo-card.ron`).
    pub fn from_ron(text: &str, protocol: Protocol) -> Result<DemoCard, DemoCardError> {
        let spec: CardSpec = ron::from_str(text)
            .map_err(|e| DemoCardError::Syntax(crate::files::ron_error_text(&e)))?;
        Ok(DemoCard::new(spec.build()?, protocol))
    }

    pub fn from_file(path: &Path, protocol: Protocol) -> Result<DemoCard, DemoCardError> {
        let text = crate::files::read_text_file(path).map_err(|e| DemoCardError::Io {
            path: path.display().to_string(),
            error: e.message(),
        })?;
        DemoCard::from_ron(&text, protocol)
    }

    fn new(image: Image, protocol: Protocol) -> DemoCard {
        // pcscd picks the first protocol the ATR offers when both are
        // acceptable; the demo card's ATR lists T=0 first.
        let protocol = match protocol {
            Protocol::Any => Protocol::T0,
            p => p,
        };
        let seed = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(0x5EED);
            h.finish() | 1
        };
        DemoCard {
            tries_left: image.pins.iter().map(|p| p.max_retries).collect(),
            verified: vec![false; image.pins.len()],
            image,
            protocol,
            current_df: 0,
            current_ef: None,
            current_record: None,
            pending: None,
            rng: seed,
            connected: true,
        }
    }

    fn is_t0(&self) -> bool {
        self.protocol == Protocol::T0
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*: plenty for challenges on a toy card.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Card for DemoCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        if !self.connected {
            return Err(CardError::NotConnected);
        }
        Ok(self.process(command))
    }

    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        if !self.connected {
            return Err(CardError::NotConnected);
        }
        self.current_df = 0;
        self.current_ef = None;
        self.current_record = None;
        self.pending = None;
        self.verified.iter_mut().for_each(|v| *v = false);
        Ok(self.image.atr.clone())
    }

    fn atr(&self) -> Vec<u8> {
        self.image.atr.clone()
    }

    fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        self.connected = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
