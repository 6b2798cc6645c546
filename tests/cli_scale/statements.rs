//! `reset cold`, `delay MS` and `wait card [SECONDS]` on the bench.

use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::cli_common::{on, run_file_on, script, Out};
use crate::common::card::{Journal, TestCard, ATR_T0};
use crate::common::Bench;

#[test]
fn reset_cold_reaches_the_card_as_a_power_cycle() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));
    let reader = bench.reader_name();
    let (_dir, path) = script(
        "cold.apdu",
        b"00 A4 04 00 00\nreset cold\ndelay 30\nreset\n00 5E 00 00 00\n",
    );
    let before = journal.lock().unwrap().resets.clone();
    let out = run_file_on(&bench, &["run", "-r", &reader], &path);
    assert_eq!(out.code, 0, "{out:?}");
    // scriptor's own format: a cold reset shows as any reset.
    assert!(
        out.stdout.starts_with(
            "Using T=0 protocol\n00 A4 04 00 00\n> 00 A4 04 00 00\n< 90 00 : Normal processing.\n\
         reset cold\n> RESET\n< OK: 3B 02 54 43 \ndelay 30\nreset\n> RESET\n< OK: 3B 02 54 43 \n\
         00 5E 00 00 00\n> 00 5E 00 00 00\n<"
        ),
        "{out:?}"
    );
    let resets = journal.lock().unwrap().resets[before.len()..].to_vec();
    // The card saw a power cycle (vpcd's power off then on) first, then
    // the warm reset.
    assert_eq!(resets, [true, false], "{out:?}");
}

/// Start `run -r READER FILE` on the bench, without waiting for it.
fn spawn_run(bench: &Bench, args: &[&str], path: &std::path::Path) -> std::process::Child {
    let mut c = on(bench);
    c.args(args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().expect("start apdu-scriptor")
}

fn finish(child: std::process::Child) -> Out {
    let out = child.wait_with_output().expect("wait for apdu-scriptor");
    Out {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// A card that leaves the reader after answering `00 EE …`; what it saw.
fn leaving_card(bench: &mut Bench) -> Arc<Mutex<Journal>> {
    let stop = Arc::new(AtomicBool::new(false));
    let card = TestCard::new(ATR_T0).leaving_on(0xEE, stop.clone());
    let journal = card.journal();
    bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    journal
}

#[test]
fn wait_card_blocks_until_a_card_is_back() {
    let mut bench = Bench::start();
    let first = leaving_card(&mut bench);
    let reader = bench.reader_name();
    let (_dir, path) = script(
        "wait.apdu",
        b"00 EE 00 00 01 AA\ndelay 1500\nwait card 30\n00 A4 04 00 00\n",
    );
    let child = spawn_run(&bench, &["run", "-r", &reader], &path);
    // The card pulls itself out after `00 EE`; pcscd notices, then a
    // fresh card goes in while the script waits.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while first.lock().unwrap().commands.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no command reached the card"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    bench.remove_card_at(0);
    let fresh = TestCard::new(ATR_T0);
    let journal = fresh.journal();
    bench.insert_card(Box::new(fresh));
    let out = finish(child);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.ends_with(
            "wait card 30\n00 A4 04 00 00\n> 00 A4 04 00 00\n< 90 00 : Normal processing.\n"
        ),
        "{out:?}"
    );
    assert_eq!(
        journal.lock().unwrap().commands,
        [vec![0x00, 0xA4, 0x04, 0x00, 0x00]],
        "the command after the wait went to the new card"
    );
}

#[test]
fn wait_card_gives_up_with_a_clear_error() {
    let mut bench = Bench::start();
    leaving_card(&mut bench);
    let reader = bench.reader_name();
    let (_dir, path) = script(
        "wait.apdu",
        b"00 EE 00 00 01 AA\ndelay 1500\nwait card 1\n00 A4 04 00 00\n",
    );
    let out = run_file_on(&bench, &["run", "-r", &reader], &path);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("line 3: No card was inserted within 1 second\nHint: Insert the card sooner"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("> 00 A4"), "{out:?}");
}
