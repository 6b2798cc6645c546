//! `run --record CARD.ron`, replayed by `virtual-card --card CARD.ron`
//! (optionally `--latency MS`): the same script gives the same output.

use std::process::{Child, Stdio};

use crate::cli_common::{cli, run_on, script, BIN};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;

/// A session with an automatic GET RESPONSE chain, a cold and a warm
/// reset, an expectation and a long response.
const SESSION: &str = "00 A4 04 00 00 (9000)\n00 CA 00 00 00\nreset cold\n00 B0 00 00 20\nreset\n00 EE 00 00 03 01 02 03 [01 02 03] (9000)\n";

/// `apdu-scriptor virtual-card ARGS` serving into the bench reader `slot`.
pub fn virtual_card(bench: &Bench, slot: usize, args: &[&str]) -> Child {
    let mut c = cli();
    c.arg("virtual-card")
        .arg("--port")
        .arg(bench.port(slot).to_string())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().expect("start virtual-card");
    bench.wait_card(slot, true);
    child
}

/// Stop a virtual card we started (it has no other way out) and wait
/// until pcscd sees the reader empty.
pub fn stop(bench: &Bench, slot: usize, mut child: Child) -> String {
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait for virtual-card");
    bench.wait_card(slot, false);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_recorded_session_replays_byte_for_byte() {
    let _ = BIN;
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let (dir, path) = script("session.apdu", SESSION.as_bytes());
    let card = dir.path().join("card.ron");
    let path = path.to_str().unwrap();
    let reader0 = bench.reader_name_at(0);
    let recorded = run_on(
        &bench,
        &[
            "run",
            "-r",
            &reader0,
            "--auto-get-response",
            "--record",
            card.to_str().unwrap(),
            path,
        ],
        b"",
    );
    assert_eq!(recorded.code, 0, "{recorded:?}");
    let text = std::fs::read_to_string(&card).unwrap();
    assert!(text.contains("Recording("), "{text}");
    assert!(text.contains("Reset(\n            cold: true,"), "{text}");

    // Replayed in the other reader, by the real `virtual-card`, with a
    // slow card's latency for good measure.
    let server = virtual_card(
        &bench,
        1,
        &["--card", card.to_str().unwrap(), "--latency", "5"],
    );
    let reader1 = bench.reader_name_at(1);
    let replayed = run_on(
        &bench,
        &["run", "-r", &reader1, "--auto-get-response", path],
        b"",
    );
    let warnings = stop(&bench, 1, server);
    assert_eq!(replayed.code, 0, "{replayed:?}");
    assert_eq!(replayed.stdout, recorded.stdout, "byte for byte");
    assert!(!warnings.contains("unexpected"), "{warnings}");

    // The demo reader replays it too (the window's, and `run --demo`).
    let mut c = cli();
    c.env("APDU_SCRIPTOR_DEMO_CARD", &card)
        .args(["run", "--demo", "--auto-get-response", path]);
    let demo = crate::cli_common::output(c, b"");
    assert_eq!(demo.code, 0, "{demo:?}");
    assert_eq!(demo.stdout, recorded.stdout, "byte for byte");

    // A command the recording does not have gets 6D 00 and a warning.
    let server = virtual_card(&bench, 1, &["--card", card.to_str().unwrap()]);
    let out = run_on(
        &bench,
        &["run", "-r", &reader1],
        b"00 A4 04 00 00\n00 B0 00 00 01\n",
    );
    let warnings = stop(&bench, 1, server);
    assert!(
        out.stdout
            .ends_with("> 00 B0 00 00 01\n< 6D 00 : Instruction code not supported or invalid.\n"),
        "{out:?}"
    );
    assert!(
        warnings.contains("Replay: unexpected command 00 B0 00 00 01 (the recording has 00 CA 00 00 00 next); answered 6D 00"),
        "{warnings}"
    );
}
