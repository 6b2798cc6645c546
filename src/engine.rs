//! Runs a parsed script on a card: resets, optional automatic GET RESPONSE
//! (61XX) and Le correction (6CXX), expectations, timing, stop requests.
//! Every exchange is reported to an observer as it happens.
//!
//! With automatic handling on, one scripted APDU may become a chain: the
//! command, then GET RESPONSE after each `61XX` and a re-send with the right
//! Le after each `6CXX`, at most `max_rounds` extra APDUs. The statement's
//! expectation is checked against the last response of the chain (its data
//! and status word alone, not the data gathered along the chain), and the
//! result is recorded on that last exchange.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::apdu::{Case, CommandApdu};
use crate::card::{Card, CardError};
use crate::script::{ApduStatement, Expectation, Statement, StatementKind};

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
    /// When the command was sent; it was answered `duration` later.
    pub sent: SystemTime,
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
        /// A power cycle (`reset cold`) rather than a warm reset.
        cold: bool,
        result: Result<Vec<u8>, CardError>,
        /// When the reset was asked for, and how long it took.
        sent: SystemTime,
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
        self(event);
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
///
/// `stop` is read before every APDU and reset, scripted or automatic.
pub fn run(
    statements: &[Statement],
    card: &mut dyn Card,
    options: &EngineOptions,
    observer: &mut dyn Observer,
    stop: &AtomicBool,
) -> Summary {
    let started = Instant::now();
    let mut summary = Summary::default();
    for statement in statements {
        if stop.load(Ordering::Relaxed) {
            summary.outcome = Outcome::Stopped;
            break;
        }
        let line = statement.span.start.line;
        let end = match &statement.kind {
            StatementKind::Reset => reset(card, false, line, observer, &mut summary),
            StatementKind::ResetCold => reset(card, true, line, observer, &mut summary),
            StatementKind::Delay(ms) => delay(Duration::from_millis(u64::from(*ms)), stop),
            StatementKind::WaitCard(seconds) => {
                let timeout = seconds.map(|s| Duration::from_secs(u64::from(s)));
                match card.wait_card(timeout, stop) {
                    Ok(()) => None,
                    Err(CardError::Cancelled) if stop.load(Ordering::Relaxed) => {
                        Some(Outcome::Stopped)
                    }
                    Err(error) => {
                        summary.errors += 1;
                        observer.event(&EngineEvent::Error {
                            line,
                            error: error.clone(),
                        });
                        Some(Outcome::CardError(error))
                    }
                }
            }
            StatementKind::Exit => {
                observer.event(&EngineEvent::Exit { line });
                Some(Outcome::Exited)
            }
            StatementKind::Apdu(apdu) => {
                run_apdu(apdu, line, card, options, observer, stop, &mut summary)
            }
        };
        if let Some(outcome) = end {
            summary.outcome = outcome;
            break;
        }
    }
    summary.elapsed = started.elapsed();
    summary
}

/// Sleep for `length`, waking early (stopped) once `stop` is set.
fn delay(length: Duration, stop: &AtomicBool) -> Option<Outcome> {
    const SLICE: Duration = Duration::from_millis(20);
    let end = Instant::now() + length;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Some(Outcome::Stopped);
        }
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        std::thread::sleep(left.min(SLICE));
    }
}

fn reset(
    card: &mut dyn Card,
    cold: bool,
    line: usize,
    observer: &mut dyn Observer,
    summary: &mut Summary,
) -> Option<Outcome> {
    let sent = SystemTime::now();
    let t = Instant::now();
    let result = card.reset(cold);
    let duration = t.elapsed();
    summary.resets += 1;
    let end = result.as_ref().err().map(|e| {
        summary.errors += 1;
        Outcome::CardError(e.clone())
    });
    observer.event(&EngineEvent::Reset {
        line,
        cold,
        result,
        sent,
        duration,
    });
    end
}

/// The automatic follow-up a response calls for, if any.
fn follow_up(command: &[u8], response: &[u8], script_cla: u8) -> Option<(Vec<u8>, Origin)> {
    match *response {
        [.., 0x61, xx] => Some((
            vec![script_cla, 0xC0, 0x00, 0x00, xx],
            Origin::AutoGetResponse,
        )),
        [.., 0x6C, xx] => with_le(command, xx).map(|c| (c, Origin::AutoLe)),
        _ => None,
    }
}

/// `command` with its Le replaced (or added) by `xx` (00 meaning 256).
/// `None` when the command is no well-formed APDU.
pub fn with_le(command: &[u8], xx: u8) -> Option<Vec<u8>> {
    let info = CommandApdu::parse(command);
    let case = info.case.filter(|_| info.warnings.is_empty())?;
    let mut c = command.get(..4)?.to_vec();
    let le = u16::from(xx);
    let extended_le = if xx == 0 { 256 } else { le }.to_be_bytes();
    let data = command.get(info.data.clone())?;
    match case {
        Case::Case1 | Case::Case2S => c.push(xx),
        Case::Case3S | Case::Case4S => {
            c.push(u8::try_from(data.len()).ok()?);
            c.extend_from_slice(data);
            c.push(xx);
        }
        Case::Case2E => {
            c.push(0);
            c.extend_from_slice(&extended_le);
        }
        Case::Case3E | Case::Case4E => {
            c.push(0);
            c.extend_from_slice(&u16::try_from(data.len()).ok()?.to_be_bytes());
            c.extend_from_slice(data);
            c.extend_from_slice(&extended_le);
        }
    }
    Some(c)
}

fn run_apdu(
    apdu: &ApduStatement,
    line: usize,
    card: &mut dyn Card,
    options: &EngineOptions,
    observer: &mut dyn Observer,
    stop: &AtomicBool,
    summary: &mut Summary,
) -> Option<Outcome> {
    let script_cla = apdu.bytes.first().copied().unwrap_or(0);
    let mut command = apdu.bytes.clone();
    let mut origin = Origin::Script;
    let mut rounds = 0;
    loop {
        let sent = SystemTime::now();
        let t = Instant::now();
        let result = card.transmit(&command);
        let duration = card.last_card_time().unwrap_or_else(|| t.elapsed());
        let response = match result {
            Ok(r) => r,
            Err(error) => {
                summary.errors += 1;
                observer.event(&EngineEvent::Error {
                    line,
                    error: error.clone(),
                });
                return Some(Outcome::CardError(error));
            }
        };
        summary.commands += 1;
        summary.card_time += duration;
        let mut next = if options.auto_get_response {
            follow_up(&command, &response, script_cla)
        } else {
            None
        };
        // The card still asks for more after the last allowed round: its
        // expectation is checked on what came, then the run fails.
        let endless = next.is_some() && rounds >= options.max_rounds;
        if endless {
            next = None;
        }
        let mut failed = false;
        let check = match (&next, &apdu.expect) {
            (None, Some(e)) => {
                let ok = e.matches(&response);
                summary.assertions_checked += 1;
                if !ok {
                    summary.assertions_failed += 1;
                    failed = true;
                }
                Some((e.clone(), ok))
            }
            _ => None,
        };
        let echo = (origin == Origin::Script).then(|| apdu.echo.clone());
        observer.event(&EngineEvent::Exchange(Exchange {
            line,
            origin,
            command,
            echo,
            response,
            sent,
            duration,
            check,
        }));
        if endless {
            let error = CardError::TooManyRounds(options.max_rounds);
            summary.errors += 1;
            observer.event(&EngineEvent::Error {
                line,
                error: error.clone(),
            });
            return Some(Outcome::CardError(error));
        }
        let Some((next_command, next_origin)) = next else {
            return (failed && !options.continue_on_mismatch).then_some(Outcome::AssertionFailed);
        };
        if stop.load(Ordering::Relaxed) {
            return Some(Outcome::Stopped);
        }
        command = next_command;
        origin = next_origin;
        rounds += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_le_covers_every_case() {
        assert_eq!(with_le(&[0, 0xB0, 0, 0], 8), Some(vec![0, 0xB0, 0, 0, 8]));
        assert_eq!(
            with_le(&[0, 0xB0, 0, 0, 0x20], 8),
            Some(vec![0, 0xB0, 0, 0, 8])
        );
        assert_eq!(
            with_le(&[0, 0xA4, 0, 0, 1, 9], 8),
            Some(vec![0, 0xA4, 0, 0, 1, 9, 8])
        );
        assert_eq!(
            with_le(&[0, 0xA4, 0, 0, 1, 9, 0], 8),
            Some(vec![0, 0xA4, 0, 0, 1, 9, 8])
        );
        assert_eq!(
            with_le(&[0, 0xB0, 0, 0, 0, 1, 0], 0),
            Some(vec![0, 0xB0, 0, 0, 0, 1, 0])
        );
        assert_eq!(
            with_le(&[0, 0xA4, 0, 0, 0, 0, 1, 9], 8),
            Some(vec![0, 0xA4, 0, 0, 0, 0, 1, 9, 0, 8])
        );
        assert_eq!(
            with_le(&[0, 0xA4, 0, 0, 0, 0, 1, 9, 1, 0], 8),
            Some(vec![0, 0xA4, 0, 0, 0, 0, 1, 9, 0, 8])
        );
        assert_eq!(with_le(&[0, 0xA4, 0], 8), None);
        assert_eq!(with_le(&[0, 0xA4, 0, 0, 3, 1], 8), None);
        assert_eq!(with_le(&[0, 0xA4, 0, 0, 0, 1], 8), None);
        assert_eq!(with_le(&[0, 0xA4, 0, 0, 0, 0, 5, 1], 8), None);
    }

    #[test]
    fn follow_up_uses_the_script_cla() {
        let (c, o) = follow_up(&[0xA0, 0xA4, 0, 0, 2, 0x3F, 0], &[0x61, 0x00], 0xA0).unwrap();
        assert_eq!((c, o), (vec![0xA0, 0xC0, 0, 0, 0], Origin::AutoGetResponse));
        let (c, o) = follow_up(&[0, 0xB0, 0, 0, 0x30], &[0x6C, 0x28], 0).unwrap();
        assert_eq!((c, o), (vec![0, 0xB0, 0, 0, 0x28], Origin::AutoLe));
        assert_eq!(follow_up(&[0, 0xB0, 0, 0, 0x30], &[0x90, 0x00], 0), None);
        assert_eq!(follow_up(&[0, 0xB0, 0, 0, 0x30], &[0x61], 0), None);
    }
}
