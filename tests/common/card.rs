//! A tiny deterministic card for backend tests, independent of the demo card.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use apdu_scriptor::card::{Card, CardError, Disposition, Protocol};

/// ATR offering T=0 only (no interface bytes), historical bytes "TC".
pub const ATR_T0: &[u8] = &[0x3B, 0x02, 0x54, 0x43];
/// ATR offering T=1 only: TD1 = 01, so a TCK follows.
pub const ATR_T1: &[u8] = &[0x3B, 0x80, 0x01, 0x81];

/// What the card saw, for assertions.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Journal {
    pub commands: Vec<Vec<u8>>,
    /// `true` for each cold reset (power cycle), `false` for each warm one.
    pub resets: Vec<bool>,
}

/// Answers:
/// - `00 A4 …` SELECT: `90 00`
/// - `00 B0 00 00 Le` READ BINARY: Le bytes 00, 01, 02… (Le 00 = 256), `90 00`
/// - `00 CA 00 00 00` GET DATA: `61 10`; then `00 C0 00 00 10`: 16 bytes + `90 00`
/// - `00 EE …` ECHO: the command data field back (extended lengths too) + `90 00`
/// - `00 5E …`: the number of resets so far (1 byte) + `90 00`
/// - anything else: `6D 00`
pub struct TestCard {
    atr: Vec<u8>,
    protocol: Protocol,
    journal: Arc<Mutex<Journal>>,
    /// Leave the reader after answering a command with this INS.
    leave_on: Option<(u8, Arc<AtomicBool>)>,
    /// How long the card works on each command.
    work: std::time::Duration,
    /// Never answer a command with this INS, until the flag is set.
    silent_on: Option<(u8, Arc<AtomicBool>)>,
}

impl TestCard {
    pub fn new(atr: &[u8]) -> TestCard {
        TestCard {
            atr: atr.to_vec(),
            protocol: Protocol::Any,
            journal: Arc::default(),
            leave_on: None,
            work: std::time::Duration::ZERO,
            silent_on: None,
        }
    }

    /// A slow card: each command takes `work` before it is answered.
    pub fn taking(mut self, work: std::time::Duration) -> TestCard {
        self.work = work;
        self
    }

    /// A command with instruction `ins` gets no answer at all until
    /// `release` is set (give it the vpcd server's stop flag, so the bench
    /// can still take the card out).
    pub fn silent_on(mut self, ins: u8, release: Arc<AtomicBool>) -> TestCard {
        self.silent_on = Some((ins, release));
        self
    }

    /// After answering a command with instruction `ins`, set `stop` (the
    /// flag of the vpcd server serving this card): the card leaves the
    /// reader, as if pulled out right after that command.
    pub fn leaving_on(mut self, ins: u8, stop: Arc<AtomicBool>) -> TestCard {
        self.leave_on = Some((ins, stop));
        self
    }

    /// A handle on what the card saw, still readable after the card moved.
    pub fn journal(&self) -> Arc<Mutex<Journal>> {
        self.journal.clone()
    }

    fn answer(&self, c: &[u8]) -> Vec<u8> {
        let ok = |mut data: Vec<u8>| {
            data.extend_from_slice(&[0x90, 0x00]);
            data
        };
        match c {
            [0x00, 0xA4, ..] => ok(vec![]),
            [0x00, 0xB0, _, _, le] => {
                let n = if *le == 0 { 256 } else { usize::from(*le) };
                ok((0..n).map(|i| i as u8).collect())
            }
            [0x00, 0xCA, 0x00, 0x00, 0x00] => vec![0x61, 0x10],
            [0x00, 0xC0, 0x00, 0x00, 0x10] => ok((0xA0..0xB0).collect()),
            [0x00, 0xEE, _, _, rest @ ..] => ok(data_field(rest).to_vec()),
            [0x00, 0x5E, ..] => {
                let n = self.journal.lock().unwrap().resets.len();
                ok(vec![n as u8])
            }
            _ => vec![0x6D, 0x00],
        }
    }
}

/// The data field of a case 3 or 4 command body (after CLA INS P1 P2).
fn data_field(body: &[u8]) -> &[u8] {
    match body {
        [0, hi, lo, rest @ ..] if rest.len() >= usize::from(u16::from_be_bytes([*hi, *lo])) => {
            &rest[..usize::from(u16::from_be_bytes([*hi, *lo]))]
        }
        [lc, rest @ ..] if rest.len() >= usize::from(*lc) => &rest[..usize::from(*lc)],
        _ => &[],
    }
}

impl Card for TestCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.journal.lock().unwrap().commands.push(command.to_vec());
        std::thread::sleep(self.work);
        if let Some((ins, stop)) = &self.leave_on {
            if command.get(1) == Some(ins) {
                stop.store(true, Ordering::SeqCst);
            }
        }
        if let Some((ins, release)) = &self.silent_on {
            if command.get(1) == Some(ins) {
                while !release.load(Ordering::SeqCst) {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                return Ok(vec![0x6F, 0x00]);
            }
        }
        Ok(self.answer(command))
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        self.journal.lock().unwrap().resets.push(cold);
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
