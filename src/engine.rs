//! Runs a parsed script on a card: resets, optional automatic GET RESPONSE
//! (61XX) and Le correction (6CXX), expectations, timing, stop requests.
//! Every exchange is reported to an observer as it happens.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::card::{Card, CardError};
use crate::script::{Expectation, Statement};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// Send GET RESPONSE on 61XX and re-issue with the right Le on 6CXX.
    pub auto_get_response: bool,
    /// At most this many automatic APDUs after one scripted command.
    pub max_rounds: u32,
    /// Go on after a failed expectation (default: stop).
    pub continue_on_mismatch: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            auto_get_response: false,
            max_rounds: 32,
            continue_on_mismatch: false,
        }
    }
}

/// Why an APDU was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    /// Written in the script.
    Script,
    /// GET RESPONSE sent by the engine after 61XX.
    AutoGetResponse,
    /// Command re-sent by the engine with the Le a 6CXX asked for.
    AutoLe,
}

/// One command and its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// 1-based script line of the statement that caused it.
    pub line: usize,
    pub origin: Origin,
    pub command: Vec<u8>,
    /// scriptor's echo of the command (only for `Origin::Script`).
    pub echo: Option<String>,
    /// Full response: data then SW1 SW2 (may be shorter than 2 bytes).
    pub response: Vec<u8>,
    pub duration: Duration,
    /// The expectation checked against this exchange, and whether it held.
    pub check: Option<(Expectation, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    Exchange(Exchange),
    /// A `reset` line: the ATR or the error.
    Reset {
        line: usize,
        result: Result<Vec<u8>, CardError>,
        duration: Duration,
    },
    /// A transmit failed (card removed, …); the run ends.
    Error {
        line: usize,
        error: CardError,
    },
    /// `exit` reached.
    Exit {
        line: usize,
    },
}

/// Receives events while a script runs.
pub trait Observer {
    fn event(&mut self, event: &EngineEvent);
}

impl<F: FnMut(&EngineEvent)> Observer for F {
    fn event(&mut self, event: &EngineEvent) {
        self(event)
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Every statement ran.
    #[default]
    Completed,
    /// An `exit` line stopped it.
    Exited,
    /// The user asked to stop.
    Stopped,
    /// A card or PC/SC error ended it.
    CardError(CardError),
    /// An expectation failed and the run stopped.
    AssertionFailed,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// APDUs sent, automatic ones included.
    pub commands: usize,
    pub resets: usize,
    pub assertions_checked: usize,
    pub assertions_failed: usize,
    /// Card errors met (with `continue`, more than one is possible).
    pub errors: usize,
    /// Time spent in the card (sum of exchange durations).
    pub card_time: Duration,
    pub elapsed: Duration,
    pub outcome: Outcome,
}

/// Run `statements` on `card`. Returns when done, stopped, or on error.
pub fn run(
    _statements: &[Statement],
    _card: &mut dyn Card,
    _options: &EngineOptions,
    _observer: &mut dyn Observer,
    _stop: &AtomicBool,
) -> Summary {
    Summary::default()
}
