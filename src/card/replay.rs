//! Record what a card did and play it back: `run --record CARD.ron` writes
//! a [`Recording`] (the ATR, then each command with its response and each
//! reset, in order); `virtual-card --card CARD.ron` (and the window's demo
//! reader) answer from it, so that a test recorded once on a real card runs
//! in CI without it.
//!
//! Playback goes by position with a check of the command bytes: the next
//! recorded command that matches gets its recorded response; a command the
//! recording does not expect there gets `6D 00` and a warning, and the
//! position stays where it was.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Card, CardError, Disposition, Protocol};
use crate::apdu::hex_spaced;
use crate::apdu::parse_hex;
use crate::i18n::{gettext, gettext_f};

/// One thing the card did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A command and the card's full response (data and status word).
    Command { command: String, response: String },
    /// A reset (`cold`: power cycle) and the ATR after it.
    Reset { cold: bool, atr: String },
}

/// A card file of recorded exchanges.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recording {
    pub atr: String,
    /// The protocol the card was used with, if known.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    pub events: Vec<Event>,
}

impl Recording {
    /// The file's text: a comment saying what it is, then the RON.
    pub fn to_text(&self) -> String {
        let config = ron::ser::PrettyConfig::new().struct_names(true);
        let body = ron::ser::to_string_pretty(self, config).unwrap_or_default();
        format!(
            "// A card recorded by `apdu-scriptor run --record`; replay it with\n\
             // `apdu-scriptor virtual-card --card FILE`.\n{body}\n"
        )
    }

    /// Write the file safely (see [`crate::files::save`]).
    pub fn save(&self, path: &Path) -> Result<(), crate::files::SaveError> {
        crate::files::save(path, self.to_text().as_bytes())
    }

    /// Is `text` a recording rather than a demo card description?
    pub fn looks_like(text: &str) -> bool {
        text.lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .is_some_and(|l| l.starts_with("Recording"))
    }

    pub fn from_text(text: &str) -> Result<Recording, String> {
        let r: Recording = ron::from_str(text).map_err(|e| e.to_string())?;
        if parse_hex(&r.atr).is_none_or(|a| a.len() < 2) {
            return Err(gettext_f(
                &gettext("invalid ATR “{atr}”"),
                &[("atr", &r.atr)],
            ));
        }
        for e in &r.events {
            let (a, b) = match e {
                Event::Command { command, response } => (command, response),
                Event::Reset { atr, .. } => (atr, atr),
            };
            for hex in [a, b] {
                if parse_hex(hex).is_none() {
                    return Err(gettext_f(
                        &gettext("invalid hex bytes “{hex}”"),
                        &[("hex", hex)],
                    ));
                }
            }
        }
        Ok(r)
    }
}

/// A card that records every exchange and reset of the card it wraps.
pub struct Recorder {
    inner: Box<dyn Card>,
    log: Arc<Mutex<Recording>>,
}

impl Recorder {
    /// Wrap `inner`; the returned handle holds the recording so far.
    pub fn new(inner: Box<dyn Card>) -> (Recorder, Arc<Mutex<Recording>>) {
        let log = Arc::new(Mutex::new(Recording {
            atr: hex_spaced(&inner.atr()),
            protocol: Some(inner.protocol()),
            events: Vec::new(),
        }));
        (
            Recorder {
                inner,
                log: log.clone(),
            },
            log,
        )
    }

    fn push(&self, e: Event) {
        if let Ok(mut log) = self.log.lock() {
            log.events.push(e);
        }
    }
}

impl Card for Recorder {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        let r = self.inner.transmit(command)?;
        self.push(Event::Command {
            command: hex_spaced(command),
            response: hex_spaced(&r),
        });
        Ok(r)
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        let atr = self.inner.reset(cold)?;
        self.push(Event::Reset {
            cold,
            atr: hex_spaced(&atr),
        });
        Ok(atr)
    }

    fn atr(&self) -> Vec<u8> {
        self.inner.atr()
    }

    fn protocol(&self) -> Protocol {
        self.inner.protocol()
    }

    fn disconnect(&mut self, d: Disposition) -> Result<(), CardError> {
        self.inner.disconnect(d)
    }

    fn last_card_time(&self) -> Option<Duration> {
        self.inner.last_card_time()
    }

    fn wait_card(
        &mut self,
        timeout: Option<Duration>,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<(), CardError> {
        self.inner.wait_card(timeout, stop)
    }
}

enum Step {
    Command(Vec<u8>, Vec<u8>),
    Reset(Vec<u8>),
}

/// Plays a [`Recording`] back.
pub struct Player {
    atr: Vec<u8>,
    steps: Vec<Step>,
    pos: usize,
    protocol: Protocol,
    warn: Box<dyn FnMut(String) + Send>,
}

impl Player {
    /// `warn` hears of each command the recording did not expect.
    pub fn new(r: &Recording, protocol: Protocol, warn: Box<dyn FnMut(String) + Send>) -> Player {
        let hex = |s: &str| parse_hex(s).unwrap_or_default();
        let steps = r
            .events
            .iter()
            .map(|e| match e {
                Event::Command { command, response } => Step::Command(hex(command), hex(response)),
                Event::Reset { atr, .. } => Step::Reset(hex(atr)),
            })
            .collect();
        // As recorded; else what was asked for (T=0 for either, as the
        // demo card does).
        let protocol = match (r.protocol, protocol) {
            (Some(p), _) => p,
            (None, Protocol::Any) => Protocol::T0,
            (None, p) => p,
        };
        Player {
            atr: hex(&r.atr),
            steps,
            pos: 0,
            protocol,
            warn,
        }
    }
}

impl Card for Player {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        // Resets the script no longer does are passed over.
        let next = self.steps[self.pos.min(self.steps.len())..]
            .iter()
            .position(|s| matches!(s, Step::Command(..)))
            .map(|k| self.pos + k);
        if let Some(i) = next {
            if let Step::Command(c, r) = &self.steps[i] {
                if c == command {
                    self.pos = i + 1;
                    return Ok(r.clone());
                }
                let msg = gettext_f(
                    &gettext("Replay: unexpected command {command} (the recording has {recorded} next); answered 6D 00"),
                    &[("command", &hex_spaced(command)), ("recorded", &hex_spaced(c))],
                );
                (self.warn)(msg);
                return Ok(vec![0x6D, 0x00]);
            }
        }
        let msg = gettext_f(
            &gettext("Replay: unexpected command {command} after the end of the recording; answered 6D 00"),
            &[("command", &hex_spaced(command))],
        );
        (self.warn)(msg);
        Ok(vec![0x6D, 0x00])
    }

    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        if let Some(Step::Reset(atr)) = self.steps.get(self.pos) {
            self.pos += 1;
            self.atr = atr.clone();
        }
        Ok(self.atr.clone())
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        Ok(())
    }
}

/// A card that calls `before` with each command, then passes every call on
/// to `inner` as it is: a slow card ([`slow`]), or a test card that notes
/// or holds a command.
pub struct BeforeEachCommand {
    pub inner: Box<dyn Card>,
    pub before: BeforeCommand,
}

/// What [`BeforeEachCommand`] does with each command before sending it.
pub type BeforeCommand = Box<dyn FnMut(&[u8]) + Send>;

/// A card that answers each command (not the resets) after `latency`, as a
/// slow real card does.
pub fn slow(inner: Box<dyn Card>, latency: Duration) -> BeforeEachCommand {
    BeforeEachCommand {
        inner,
        before: Box::new(move |_| std::thread::sleep(latency)),
    }
}

impl Card for BeforeEachCommand {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        (self.before)(command);
        self.inner.transmit(command)
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        self.inner.reset(cold)
    }

    fn atr(&self) -> Vec<u8> {
        self.inner.atr()
    }

    fn protocol(&self) -> Protocol {
        self.inner.protocol()
    }

    fn disconnect(&mut self, d: Disposition) -> Result<(), CardError> {
        self.inner.disconnect(d)
    }

    fn last_card_time(&self) -> Option<Duration> {
        self.inner.last_card_time()
    }

    fn wait_card(
        &mut self,
        timeout: Option<Duration>,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<(), CardError> {
        self.inner.wait_card(timeout, stop)
    }
}

/// A card from a file: a recording (played back; `warn` hears of the
/// commands it did not expect) or a demo card description. For the
/// window's demo reader and `virtual-card --card`.
pub fn load_card_file(
    path: &Path,
    protocol: Protocol,
    warn: Box<dyn FnMut(String) + Send>,
) -> Result<Box<dyn Card>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        gettext_f(
            &gettext("Cannot read the demo card file {path}: {error}"),
            &[
                ("path", &path.display().to_string()),
                ("error", &e.to_string()),
            ],
        )
    })?;
    if Recording::looks_like(&text) {
        let r = Recording::from_text(&text).map_err(|e| {
            gettext_f(
                &gettext("The recorded card {path} is not valid: {error}"),
                &[("path", &path.display().to_string()), ("error", &e)],
            )
        })?;
        return Ok(Box::new(Player::new(&r, protocol, warn)));
    }
    super::demo::DemoCard::from_ron(&text, protocol)
        .map(|c| Box::new(c) as Box<dyn Card>)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_round_trips_and_plays_back_by_position() {
        let r = Recording {
            atr: "3B 02 54 43".into(),
            protocol: Some(Protocol::T1),
            events: vec![
                Event::Command {
                    command: "00 A4 04 00 00".into(),
                    response: "90 00".into(),
                },
                Event::Reset {
                    cold: true,
                    atr: "3B 02 54 44".into(),
                },
                Event::Command {
                    command: "00 B0 00 00 01".into(),
                    response: "01 90 00".into(),
                },
            ],
        };
        let text = r.to_text();
        assert!(Recording::looks_like(&text), "{text}");
        assert_eq!(Recording::from_text(&text).unwrap(), r);
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let w = warnings.clone();
        let mut p = Player::new(
            &r,
            Protocol::T0,
            Box::new(move |m| w.lock().unwrap().push(m)),
        );
        assert_eq!(p.atr(), [0x3B, 0x02, 0x54, 0x43]);
        assert_eq!(p.protocol(), Protocol::T1);
        assert_eq!(p.transmit(&[0, 0xB0, 0, 0, 1]).unwrap(), [0x6D, 0x00]);
        assert_eq!(p.transmit(&[0, 0xA4, 4, 0, 0]).unwrap(), [0x90, 0x00]);
        assert_eq!(p.reset(true).unwrap(), [0x3B, 0x02, 0x54, 0x44]);
        assert_eq!(p.transmit(&[0, 0xB0, 0, 0, 1]).unwrap(), [0x01, 0x90, 0x00]);
        assert_eq!(p.transmit(&[0, 0xB0, 0, 0, 1]).unwrap(), [0x6D, 0x00]);
        let warnings = warnings.lock().unwrap();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("00 B0 00 00 01 (the recording has 00 A4 04 00 00 next)"));
        assert!(!Recording::looks_like("// demo\nCard(atr: Hex(\"3B 00\"))"));
        assert!(Recording::from_text("Recording(atr: \"3\", events: [])").is_err());
    }
}
