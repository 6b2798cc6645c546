//! `apdu-scriptor run` against a real private pcscd when things go wrong:
//! card pulled mid-script, no pcscd, reader held exclusively, protocol the
//! card does not offer. Each error is the library's explained message with
//! its hint, a failure exit code, and never a panic.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::{CardError, Protocol, ShareMode};
use common::card::{TestCard, ATR_T0, ATR_T1};
use common::Bench;

/// Exit code of a Rust panic.
const PANIC: i32 = 101;

fn run(bench: &Bench, dir: &Path, script: &str, extra: &[&str]) -> Output {
    let file = dir.join("t.script");
    std::fs::write(&file, script).expect("write script");
    Command::new(env!("CARGO_BIN_EXE_apdu-scriptor"))
        .arg("run")
        .args(extra)
        .arg("-r")
        .arg("Virtual PCD 00 00")
        .arg(&file)
        .envs(bench.env())
        .env("LANG", "C.UTF-8")
        .env_remove("LANGUAGE")
        .env_remove("LC_ALL")
        .output()
        .expect("run apdu-scriptor")
}

/// The run failed cleanly and explained `err` on stderr.
fn assert_explained(out: &Output, err: &CardError) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        code.is_some() && code != Some(0) && code != Some(PANIC),
        "exit {code:?}\n{stderr}"
    );
    assert!(stderr.contains(&err.message()), "{stderr}");
    if let Some(hint) = err.hint() {
        assert!(stderr.contains(&hint), "{stderr}");
    }
}

#[test]
fn card_pulled_mid_script_then_inserted_again() {
    let mut bench = Bench::start();
    let dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let card = TestCard::new(ATR_T0).leaving_on(0xDD, stop.clone());
    bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    let out = run(
        &bench,
        dir.path(),
        "00 A4 00 0C 02 3F 00\n00 DD 00 00\n00 A4 00 0C 02 3F 00\n00 B0 00 00 10\n",
        &[],
    );
    assert_explained(&out, &CardError::CardRemoved);
    // The exchanges before the removal are reported.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("> 00 A4 00 0C 02 3F 00\n< 90 00 : Normal processing.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("> 00 DD 00 00\n< 6D 00 "), "{stdout}");
    assert!(!stdout.contains("> 00 B0"), "{stdout}");

    bench.remove_card();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let out = run(&bench, dir.path(), "00 B0 00 00 02\n", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("< 00 01 90 00 : Normal processing.\n"),
        "{stdout}"
    );
}

#[test]
fn no_pcscd_is_explained() {
    let mut bench = Bench::start();
    bench.stop_pcscd();
    let dir = tempfile::tempdir().unwrap();
    let out = run(&bench, dir.path(), "00 A4 00 0C 02 3F 00\n", &[]);
    assert_explained(&out, &CardError::NoService);
    assert!(String::from_utf8_lossy(&out.stderr).contains("PC/SC service not running"));
}

#[test]
fn reader_held_exclusively_is_a_sharing_violation() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let _holder = PcscContext::establish()
        .unwrap()
        .connect(&bench.reader_name(), Protocol::Any, ShareMode::Exclusive)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run(&bench, dir.path(), "00 A4 00 0C 02 3F 00\n", &[]);
    assert_explained(&out, &CardError::SharingViolation);
}

#[test]
fn t0_on_a_t1_only_card_is_a_protocol_mismatch() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T1)));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&bench, dir.path(), "00 A4 00 0C 02 3F 00\n", &["-p", "T=0"]);
    assert_explained(&out, &CardError::ProtocolMismatch);
    // The same card with T=1 works.
    let out = run(&bench, dir.path(), "00 A4 00 0C 02 3F 00\n", &["-p", "T=1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("Using T=1 protocol\n"), "{stdout}");
}
