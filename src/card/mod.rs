//! Card connections: the trait the engine drives, PC/SC errors with hints,
//! and the backends (PC/SC, in-memory demo card).

pub mod demo;
pub mod monitor;
pub mod pcsc_backend;
pub mod replay;
pub mod select;
pub mod timed;
pub mod vpcd;

use crate::i18n::{gettext, ngettext, pgettext};

/// Name under which the built-in demo card is listed as a reader.
pub const DEMO_READER: &str = "APDU Scriptor Demo Card";

/// The name to show for `reader`: the demo card's in the user's language
/// (its PC/SC-style name, [`DEMO_READER`], is what `--reader` takes), the
/// others as PC/SC gives them.
pub fn reader_display_name(reader: &str) -> String {
    if reader == DEMO_READER {
        // TRANSLATORS: the built-in demo card, as shown in the list of readers.
        pgettext("reader list", "APDU Scriptor Demo Card")
    } else {
        reader.to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Protocol {
    T0,
    T1,
    /// T=0 or T=1, whichever the card offers.
    #[default]
    Any,
    Raw,
}

impl Protocol {
    /// Parse the forms scriptor's `-p` takes: `T=0`, `T=1`, also `T0`, `any`, `raw`.
    pub fn from_arg(s: &str) -> Option<Protocol> {
        match s
            .trim()
            .to_ascii_uppercase()
            .replace(['=', ' '], "")
            .as_str()
        {
            "T0" => Some(Protocol::T0),
            "T1" => Some(Protocol::T1),
            "ANY" | "T0T1" | "T0|T1" | "T0ORT1" => Some(Protocol::Any),
            "RAW" => Some(Protocol::Raw),
            _ => None,
        }
    }

    /// The name scriptor prints: `T=0`, `T=1`, `RAW`.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::T0 => "T=0",
            Protocol::T1 => "T=1",
            Protocol::Any => "T=0 or T=1",
            Protocol::Raw => "RAW",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ShareMode {
    #[default]
    Shared,
    Exclusive,
    Direct,
}

/// What happens to the card on disconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Disposition {
    #[default]
    Leave,
    Reset,
    Unpower,
    Eject,
}

/// Errors from a card or the PC/SC stack that the UI and CLI branch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// pcscd is not running (SCARD_E_NO_SERVICE).
    #[error("PC/SC service not running")]
    NoService,
    /// The service went away or client and pcscd disagree (SCARD_E_SERVICE_STOPPED).
    #[error("PC/SC service stopped")]
    ServiceStopped,
    #[error("no smart card reader found")]
    NoReaders,
    #[error("reader not found: {0}")]
    UnknownReader(String),
    #[error("no card in the reader")]
    NoCard,
    #[error("sharing violation")]
    SharingViolation,
    #[error("card removed")]
    CardRemoved,
    #[error("card reset by another application")]
    CardReset,
    #[error("protocol mismatch")]
    ProtocolMismatch,
    #[error("card unresponsive")]
    Unresponsive,
    #[error("not connected to a card")]
    NotConnected,
    #[error("operation cancelled")]
    Cancelled,
    #[error("timeout")]
    Timeout,
    /// No answer to a command within the time allowed (`run --timeout`).
    #[error("no answer within {0:?}")]
    NoAnswer(std::time::Duration),
    /// After this many automatic GET RESPONSE / Le rounds the card still
    /// asked for another one.
    #[error("still 61XX/6CXX after {0} automatic rounds")]
    TooManyRounds(u32),
    /// `wait card SECONDS` ran out of time with the reader still empty.
    #[error("no card inserted within {0} s")]
    NoCardWithin(u32),
    /// Any other error, with the PC/SC text.
    #[error("{0}")]
    Other(String),
}

impl CardError {
    /// A short translated sentence for the user.
    pub fn message(&self) -> String {
        match self {
            CardError::NoService => gettext("PC/SC service not running"),
            CardError::ServiceStopped => gettext("PC/SC service stopped"),
            CardError::NoReaders => gettext("No smart card reader found"),
            CardError::UnknownReader(r) => {
                crate::i18n::gettext_f(&gettext("Reader not found: {reader}"), &[("reader", r)])
            }
            CardError::NoCard => gettext("No card in the reader"),
            CardError::SharingViolation => gettext("The reader is in use by another program"),
            CardError::CardRemoved => gettext("The card was removed"),
            CardError::CardReset => gettext("The card was reset by another program"),
            CardError::ProtocolMismatch => {
                gettext("The card does not support the requested protocol")
            }
            CardError::Unresponsive => gettext("The card does not answer"),
            CardError::NotConnected => gettext("Not connected to a card"),
            CardError::Cancelled => gettext("Operation canceled"),
            CardError::Timeout => gettext("The operation timed out"),
            CardError::NoAnswer(d) => crate::i18n::gettext_f(
                &ngettext(
                    "The card did not answer within {seconds} second",
                    "The card did not answer within {seconds} seconds",
                    u32::try_from(d.as_secs()).unwrap_or(u32::MAX),
                ),
                &[("seconds", &d.as_secs().to_string())],
            ),
            CardError::TooManyRounds(n) => crate::i18n::gettext_f(
                &ngettext(
                    "The card still asks for more after {n} automatic GET RESPONSE or Le round",
                    "The card still asks for more after {n} automatic GET RESPONSE or Le rounds",
                    *n,
                ),
                &[("n", &n.to_string())],
            ),
            CardError::NoCardWithin(s) => crate::i18n::gettext_f(
                &crate::i18n::ngettext(
                    "No card was inserted within {seconds} second",
                    "No card was inserted within {seconds} seconds",
                    *s,
                ),
                &[("seconds", &s.to_string())],
            ),
            CardError::Other(s) => {
                crate::i18n::gettext_f(&gettext("PC/SC error: {error}"), &[("error", s)])
            }
        }
    }

    /// What the user can do about it, translated.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            CardError::NoService => gettext("Start pcscd: sudo systemctl start pcscd.socket"),
            CardError::ServiceStopped => gettext(
                "pcscd stopped, or the PC/SC client library and pcscd are of different versions; restart pcscd",
            ),
            CardError::NoReaders => gettext("Plug in a reader, or use the demo card"),
            CardError::UnknownReader(_) => gettext("Run “apdu-scriptor list” to see the readers"),
            CardError::NoCard => gettext("Insert a card into the reader"),
            CardError::SharingViolation => gettext(
                "Another program (such as scdaemon of GnuPG) holds the reader exclusively; close it and try again",
            ),
            CardError::CardRemoved => gettext("Insert the card again and reconnect"),
            CardError::CardReset => gettext("Reconnect to the card"),
            CardError::ProtocolMismatch => {
                gettext("Choose the protocol the card offers (see its ATR), or T=0 or T=1")
            }
            CardError::Unresponsive => gettext("Check that the card is inserted the right way"),
            CardError::NotConnected => gettext("Connect to a reader first"),
            CardError::NoAnswer(_) => gettext(
                "The card or the reader hangs: remove the card and insert it again, or allow more time with --timeout",
            ),
            CardError::TooManyRounds(_) => gettext(
                "The card keeps answering 61XX or 6CXX; send its GET RESPONSE commands in the script instead",
            ),
            CardError::NoCardWithin(_) => gettext(
                "Insert the card sooner, or give “wait card” more seconds (or none, to wait as long as it takes)",
            ),
            _ => return None,
        })
    }
}

/// A connection to one card. The engine drives it; the PC/SC backend and
/// the demo card implement it.
pub trait Card: Send {
    /// Send one command APDU, return the full response (data + SW1 SW2).
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError>;
    /// Warm (`cold == false`) or cold reset; returns the new ATR.
    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError>;
    /// The card's current ATR.
    fn atr(&self) -> Vec<u8>;
    /// The protocol in use (T=0 or T=1, Raw), if known.
    fn protocol(&self) -> Protocol;
    /// End the connection.
    fn disconnect(&mut self, disposition: Disposition) -> Result<(), CardError>;
    /// How long the card itself took for the last [`Card::transmit`],
    /// without the checks the backend made after it (is a card that gave
    /// no status word still there?). `None`: the whole call.
    fn last_card_time(&self) -> Option<std::time::Duration> {
        None
    }

    /// Block until a card is in the reader (`timeout` `None`: for ever),
    /// connected and ready for the next command; a card that was swapped
    /// meanwhile gets a fresh connection. Gives up with
    /// [`CardError::Cancelled`] once `stop` is set. A card that cannot
    /// leave its reader (the demo card) is always there.
    fn wait_card(
        &mut self,
        timeout: Option<std::time::Duration>,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<(), CardError> {
        let _ = (timeout, stop);
        Ok(())
    }
}

/// A reader as the panel and `list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    /// ATR of the card in the reader, when present.
    pub atr: Option<Vec<u8>>,
    /// Another program holds the card exclusively.
    pub exclusive: bool,
}

/// The environment variable naming a card file (a recording of `run
/// --record` or a demo card description) for the demo reader to use
/// instead of the built-in card, in the window and with `run --demo`.
pub const DEMO_CARD_ENV: &str = "APDU_SCRIPTOR_DEMO_CARD";

/// Open a connection to `reader`: the demo card for [`DEMO_READER`] (the
/// file [`DEMO_CARD_ENV`] names, if set), PC/SC otherwise.
pub fn open(
    reader: &str,
    protocol: Protocol,
    share: ShareMode,
) -> Result<Box<dyn Card>, CardError> {
    if reader == DEMO_READER {
        if let Some(path) = std::env::var_os(DEMO_CARD_ENV).filter(|p| !p.is_empty()) {
            let warn = Box::new(|w: String| log::warn!("{w}"));
            return replay::load_card_file(std::path::Path::new(&path), protocol, warn)
                .map_err(CardError::Other);
        }
        return Ok(Box::new(demo::DemoCard::builtin(protocol)?));
    }
    let ctx = pcsc_backend::PcscContext::establish()?;
    Ok(Box::new(ctx.connect(reader, protocol, share)?))
}
