//! `list` and `run` on the private pcscd bench with the vpcd driver.
//! Every test starts its own bench; the bench lock runs them one at a time.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};

use apdu_scriptor::card::pcsc_backend::PcscContext;
use apdu_scriptor::card::replay::BeforeEachCommand;
use apdu_scriptor::card::{Card, CardError, Disposition, Protocol, ShareMode};

use super::pty::{finish, spawn_on_terminal, until, PATIENCE};
use super::{ron_records, Record};
use crate::cli_common::{assert_explained, on, run_file_on, run_on, script};
use crate::common::card::{TestCard, ATR_T0, ATR_T1};
use crate::common::Bench;

#[test]
fn list_shows_the_virtual_readers_card_and_atr() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let out = run_on(&bench, &["list"], b"");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("0: Virtual PCD 00 00\n   card present\n   ATR: 3B 02 54 43\n"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("1: Virtual PCD 00 01\n   no card\n"),
        "{out:?}"
    );
    assert!(out.stdout.contains("(use “run --demo”)"), "{out:?}");
}

/// Runs on reader 0 of the bench, named as `-r` or picked as the first.
#[test]
fn run_on_the_virtual_card_prints_what_scriptor_prints() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));
    let (_dir, path) = script(
        "v.script",
        b"00A4000C023F00\n00 B0 00 00 11\nreset\n00 CA 00 00 00\n00 C0 00 00 10\n",
    );
    let out = run_file_on(&bench, &["run", "-r", &bench.reader_name()], &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "Using T=0 protocol\n\
         00A4000C023F00\n> 00 A4 00 0C 02 3F 00 \n< 90 00 : Normal processing.\n\
         00 B0 00 00 11\n> 00 B0 00 00 11\n\
         < 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 90 00 : Normal processing.\n\
         reset\n> RESET\n< OK: 3B 02 54 43 \n\
         00 CA 00 00 00\n> 00 CA 00 00 00\n< 61 10 : 0x10 bytes of response still available.\n\
         00 C0 00 00 10\n> 00 C0 00 00 10\n\
         < A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF \n90 00 : Normal processing.\n",
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("Using given card reader: Virtual PCD 00 00"),
        "{out:?}"
    );
    let seen = journal.lock().unwrap().clone();
    assert_eq!(seen.commands.len(), 4);
    assert_eq!(seen.commands[0], [0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00]);

    // Without -r: the first reader.
    let out = run_on(&bench, &["run"], b"00 A4 00 0C 02 3F 00\n");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("No reader given: using Virtual PCD 00 00"),
        "{out:?}"
    );
    assert!(out.stdout.ends_with("< 90 00 : Normal processing.\n"));
}

#[test]
fn empty_reader_and_unknown_reader_are_exit_4() {
    let bench = Bench::start();
    let out = run_on(
        &bench,
        &["run", "-r", &bench.reader_name()],
        b"00 A4 00 00\n",
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("No card in the reader\nHint: "),
        "{out:?}"
    );

    let out = run_on(
        &bench,
        &["run", "-r", "No Such Reader 00 00"],
        b"00 A4 00 00\n",
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("Reader not found: No Such Reader 00 00\nHint: Run “apdu-scriptor list”"),
        "{out:?}"
    );
}

#[test]
fn t0_on_a_t1_only_card_is_an_explained_protocol_mismatch() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T1)));
    let out = run_on(
        &bench,
        &["run", "-p", "T=0", "-r", &bench.reader_name()],
        b"00 A4 00 00\n",
    );
    assert_explained(&out, &CardError::ProtocolMismatch);
    assert!(out.stderr.contains("Trying T=0 protocol"), "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");

    let out = run_on(
        &bench,
        &["run", "-p", "T=1", "-r", &bench.reader_name()],
        b"00 A4 00 00\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("Using T=1 protocol\n"), "{out:?}");
}

#[test]
fn reader_held_exclusively_is_a_sharing_violation() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut holder = PcscContext::establish()
        .unwrap()
        .connect(&bench.reader_name(), Protocol::Any, ShareMode::Exclusive)
        .unwrap();
    let out = run_on(
        &bench,
        &["run", "-r", &bench.reader_name()],
        b"00 A4 00 00\n",
    );
    assert_explained(&out, &CardError::SharingViolation);
    assert!(out.stderr.contains("(such as scdaemon"), "{out:?}");
    // `list` says who holds it, and --exclusive fails the same way.
    let out = run_on(&bench, &["list"], b"");
    assert!(
        out.stdout
            .contains("card present, in exclusive use by another program"),
        "{out:?}"
    );

    holder.disconnect(Disposition::Leave).unwrap();
    let out = run_on(
        &bench,
        &["run", "--exclusive", "-r", &bench.reader_name()],
        b"00 A4 00 00\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
}

/// A terminal on stdin: each statement runs as soon as its line is typed,
/// so the card can be pulled between two of them.
#[test]
fn card_removed_mid_script_is_exit_4_and_reinserted_card_works() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut c = on(&bench);
    c.args(["run", "-r", &bench.reader_name()]);
    let (mut term, child, rx) = spawn_on_terminal(c);
    assert_eq!(until(&rx, "Using T=0 protocol").len(), 1);

    // A continuation typed over two lines is one APDU.
    term.write_all(b"00 A4 00 0C \\\n02 3F 00\n").unwrap();
    let first = until(&rx, "< 90 00 : Normal processing.");
    assert_eq!(
        first,
        ["> 00 A4 00 0C 02 3F 00", "< 90 00 : Normal processing."]
    );
    term.write_all(b"00 B0 00 00 02\n").unwrap();
    until(&rx, "< 00 01 90 00 : Normal processing.");

    bench.remove_card();
    term.write_all(b"00 B0 00 00 03\n00 B0 00 00 04\n").unwrap();
    let out = finish(child, rx);
    drop(term);
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("line 4: The card was removed\nHint: Insert the card again"),
        "{out:?}"
    );
    // scriptor shows the command it could not send, then stops.
    assert!(out.stdout.ends_with("> 00 B0 00 00 03\n"), "{out:?}");
    assert!(!out.stdout.contains("00 B0 00 00 04"), "{out:?}");

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let out = run_on(
        &bench,
        &["run", "-r", &bench.reader_name()],
        b"00 B0 00 00 03\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .ends_with("> 00 B0 00 00 03\n< 00 01 02 90 00 : Normal processing.\n"),
        "{out:?}"
    );
}

const GATE: &[u8] = &[0x00, 0xA4, 0x04, 0x00, 0x01, 0xFF];

/// What is in the pipe now, without waiting.
fn available(stdout: &mut std::process::ChildStdout) -> String {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let fd = stdout.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        assert_eq!(libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
    }
    let mut buf = [0u8; 4096];
    match stdout.read(&mut buf) {
        Ok(n) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => String::new(),
        Err(e) => panic!("{e}"),
    }
}

/// With `-u` each line is on stdout at once: while the card holds its
/// answer, the command it is working on is already shown, as scriptor -u
/// shows it. Without `-u` the output into a pipe is flushed between
/// commands only (so that `| head` ends the run at once), never mid-command.
#[test]
fn unbuffered_output_shows_each_exchange_at_once() {
    let mut bench = Bench::start();
    let (arrived_tx, arrived) = mpsc::channel();
    let (open, open_rx) = mpsc::channel();
    // The card holds its answer to GATE until the test opens the gate,
    // telling the test when the command arrived.
    let open_rx: mpsc::Receiver<()> = open_rx;
    bench.insert_card(Box::new(BeforeEachCommand {
        inner: Box::new(TestCard::new(ATR_T0)),
        before: Box::new(move |command| {
            if command == GATE {
                let _ = arrived_tx.send(());
                let _ = open_rx.recv_timeout(PATIENCE);
            }
        }),
    }));
    let (_dir, path) = script("gate.script", b"00 A4 00 0C 02 3F 00\n00A4040001FF\n");
    for unbuffered in [true, false] {
        let mut c = on(&bench);
        c.args(["run", "-r", &bench.reader_name()]);
        if unbuffered {
            c.arg("-u");
        }
        let mut child = c
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start apdu-scriptor");
        arrived.recv_timeout(PATIENCE).expect("the gate command");
        let mut stdout = child.stdout.take().unwrap();
        let early = available(&mut stdout);
        open.send(()).unwrap();
        assert!(child.wait().unwrap().success());
        if unbuffered {
            assert_eq!(
                early,
                "Using T=0 protocol\n00 A4 00 0C 02 3F 00\n> 00 A4 00 0C 02 3F 00\n\
                 < 90 00 : Normal processing.\n00A4040001FF\n> 00 A4 04 00 01 FF \n"
            );
        } else {
            assert_eq!(
                early,
                "Using T=0 protocol\n00 A4 00 0C 02 3F 00\n> 00 A4 00 0C 02 3F 00\n\
                 < 90 00 : Normal processing.\n"
            );
        }
    }
}

/// A card gone in the middle of a script file (it leaves the reader right
/// after answering `00 E7 00 00`): exit 4, the exchanges before it on
/// stdout, the command that failed shown, nothing after it.
#[test]
fn card_leaving_during_a_script_file_is_exit_4() {
    let mut bench = Bench::start();
    let (_dir, path) = script(
        "leave.script",
        b"00 A4 00 0C 02 3F 00\n00 E7 00 00\n00 B0 00 00 02\n# after\n00 B0 00 00 03\n",
    );
    let leaving = |bench: &mut Bench| {
        let stop = Arc::new(AtomicBool::new(false));
        let card = TestCard::new(ATR_T0).leaving_on(0xE7, stop.clone());
        bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    };

    leaving(&mut bench);
    let out = run_file_on(&bench, &["run", "-r", &bench.reader_name()], &path);
    assert_explained(&out, &CardError::CardRemoved);
    assert_eq!(
        out.stdout,
        "Using T=0 protocol\n\
         00 A4 00 0C 02 3F 00\n> 00 A4 00 0C 02 3F 00\n< 90 00 : Normal processing.\n\
         00 E7 00 00\n> 00 E7 00 00\n< 6D 00 : Instruction code not supported or invalid.\n\
         00 B0 00 00 02\n> 00 B0 00 00 02\n",
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("line 3: The card was removed\nHint: Insert the card again"),
        "{out:?}"
    );
    bench.remove_card();

    // The RON records say the same.
    leaving(&mut bench);
    let out = run_file_on(
        &bench,
        &["run", "--format", "ron", "-r", &bench.reader_name()],
        &path,
    );
    assert_eq!(out.code, 4, "{out:?}");
    let records = ron_records(&out.stdout);
    assert_eq!(records.len(), 4, "{out:?}");
    assert!(
        matches!(&records[2], Record::Error { line: 3, error } if error == "The card was removed"),
        "{records:?}"
    );
    assert!(
        matches!(&records[3], Record::Summary { commands: 2, outcome, .. } if outcome.starts_with("CardError")),
        "{records:?}"
    );
    bench.remove_card();

    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let out = run_file_on(&bench, &["run", "-r", &bench.reader_name()], &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.ends_with(
            "# after\n00 B0 00 00 03\n> 00 B0 00 00 03\n< 00 01 02 90 00 : Normal processing.\n"
        ),
        "{out:?}"
    );
}

/// A pipe whose reading end is already closed, as after `| head -1`.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe2(2) fills both descriptors; we own them from here on.
    // Close-on-exec: children of tests running meanwhile must not inherit them.
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        libc::close(fds[0]);
        Stdio::from(std::os::fd::OwnedFd::from_raw_fd(fds[1]))
    }
}

/// Nobody reads stdout any more: `list` does not panic, and `run -u` sends
/// no more commands (scriptor dies of SIGPIPE there).
#[test]
fn closed_stdout_ends_quietly() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));
    let status = on(&bench)
        .arg("list")
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");

    let (_dir, path) = script(
        "many.script",
        &"00 A4 00 0C 02 3F 00\n".repeat(50).into_bytes(),
    );
    let out = on(&bench)
        .args(["run", "-u", "-r", &bench.reader_name()])
        .arg(&path)
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(journal.lock().unwrap().commands.len(), 0);
}

/// A `reset` that fails is `< KO: ` with pcsc-perl's words, explained on
/// stderr, and the script goes on, as in scriptor (whose stdout this is,
/// byte for byte); the exit code says 4.
#[test]
fn failed_reset_is_ko_and_the_script_goes_on() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let mut c = on(&bench);
    c.args(["run", "-r", &bench.reader_name()]);
    let (mut term, child, rx) = spawn_on_terminal(c);
    term.write_all(b"00 A4 00 0C 02 3F 00\n").unwrap();
    until(&rx, "< 90 00 : Normal processing.");
    bench.remove_card();
    term.write_all(b"reset\n00 A4 00 0C 02 3F 00\n\x04")
        .unwrap();
    let out = finish(child, rx);
    drop(term);
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(
        out.stdout, "> RESET\n< KO: No smartcard inserted.\n> 00 A4 00 0C 02 3F 00\n",
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("line 2: No card in the reader\nHint: Insert a card"),
        "{out:?}"
    );
    // Not "reset by another program": the card is gone.
    assert!(
        out.stderr.contains("line 3: The card was removed\n"),
        "{out:?}"
    );
}
