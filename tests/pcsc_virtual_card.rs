//! `apdu-scriptor virtual-card`: the demo card served to any PC/SC program
//! through vpcd. Starting the process inserts the card, stopping it
//! removes it.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::{Card, CardError, Protocol, ShareMode};
use common::Bench;

/// Kills the virtual card process even when a test fails.
struct VirtualCard(Child);

impl VirtualCard {
    fn start(bench: &Bench, card: Option<&Path>) -> VirtualCard {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_apdu-scriptor"));
        cmd.arg("virtual-card")
            .arg("--port")
            .arg(bench.port(0).to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(card) = card {
            cmd.arg("--card").arg(card);
        }
        let card = VirtualCard(cmd.spawn().expect("start virtual-card"));
        bench.wait_card(0, true);
        card
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serves_the_demo_card_to_scriptor_until_stopped() {
    let bench = Bench::start();
    let card = VirtualCard::start(&bench, None);
    let atr = bench.readers()[0]
        .atr
        .clone()
        .expect("ATR of the demo card");
    assert_eq!(atr.first(), Some(&0x3B), "{atr:02X?}");

    let mut scriptor = Command::new("scriptor")
        .arg("-r")
        .arg(bench.reader_name())
        .envs(bench.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scriptor");
    {
        use std::io::Write;
        let mut stdin = scriptor.stdin.take().unwrap();
        stdin.write_all(b"00 A4 00 0C 02 3F 00\n").unwrap();
    }
    let out = scriptor.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("> 00 A4 00 0C 02 3F 00\n< 90 00 : Normal processing.\n"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    drop(card);
    bench.wait_card(0, false);
}

#[test]
fn serves_a_card_file_and_keeps_its_atr() {
    let bench = Bench::start();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/t1-only-card.ron");
    let _card = VirtualCard::start(&bench, Some(&file));
    let readers = bench.readers();
    assert_eq!(
        readers[0].atr.as_deref(),
        Some(&[0x3B, 0x81, 0x01, 0x54, 0xD4][..])
    );
    let ctx = PcscContext::establish().unwrap();
    let err = ctx
        .connect(&bench.reader_name(), Protocol::T0, ShareMode::Shared)
        .err()
        .unwrap();
    assert_eq!(err, CardError::ProtocolMismatch);
    let mut card = ctx
        .connect(&bench.reader_name(), Protocol::Any, ShareMode::Shared)
        .unwrap();
    assert_eq!(card.protocol(), Protocol::T1);
    assert_eq!(
        card.transmit(&[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x2F, 0xE2])
            .unwrap(),
        [0x90, 0x00]
    );
}
