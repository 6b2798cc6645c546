//! `run --each-card --count N --log FILE.jsonl` on the bench: one JSON
//! line and one verdict per inserted card; a `kill -9` mid-card leaves the
//! lines of the cards before it intact.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::cli_common::{on, script};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;
use apdu_scriptor::card::replay::{slow, Event, Player, Recording};
use apdu_scriptor::card::{Card, Protocol};

const SCRIPT: &[u8] = b"00 A4 04 00 00 (9000) # select\n00 B0 00 00 02 [00 01] (9000)\n";

fn spawn(bench: &Bench, args: &[&str]) -> Child {
    let mut c = on(bench);
    c.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().expect("start apdu-scriptor")
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn wait_lines(path: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while lines(path).len() < n {
        assert!(
            Instant::now() < deadline,
            "{n} lines never came: {:?}",
            lines(path)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Each line is a JSON object (checked by python3's parser).
fn assert_json_lines(path: &Path, n: usize) {
    let check = "import json,sys\nls=open(sys.argv[1]).read().split('\\n')\nassert ls[-1]=='',ls\nfor l in ls[:-1]:\n  o=json.loads(l)\n  assert o['reader'] and o['atr']=='3B 02 54 43' and o['result'] in ('pass','fail'), o\nprint(len(ls)-1)";
    let out = std::process::Command::new("python3")
        .args(["-c", check])
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), n.to_string());
}

#[test]
fn five_insertions_give_five_lines_and_verdicts() {
    let mut bench = Bench::start();
    let reader = bench.reader_name();
    let (dir, path) = script("card.apdu", SCRIPT);
    let log = dir.path().join("cards.jsonl");
    let child = spawn(
        &bench,
        &[
            "run",
            "--each-card",
            "--count",
            "5",
            "--log",
            log.to_str().unwrap(),
            "-r",
            &reader,
            path.to_str().unwrap(),
        ],
    );
    for i in 0..5 {
        // The fourth card answers the read with 6A 82.
        let card: Box<dyn Card> = if i == 3 {
            Box::new(failing_card())
        } else {
            Box::new(TestCard::new(ATR_T0))
        };
        bench.insert_card(card);
        wait_lines(&log, i + 1);
        bench.remove_card();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The worst card's code: a failed expectation.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    assert!(
        stdout.starts_with("Card 1: PASS, ATR 3B 02 54 43\n"),
        "{stdout}"
    );
    let p = path.display();
    assert_eq!(
        stdout.lines().nth(3).unwrap(),
        format!("Card 4: FAIL, ATR 3B 02 54 43: {p}:2: expected [0001] (9000), got 6A 82; first difference at byte 0; SW 6A82 File or application not found")
    );
    assert!(stderr.contains("5 cards: 4 passed, 1 failed"), "{stderr}");
    assert_json_lines(&log, 5);
    let first = &lines(&log)[0];
    assert!(first.starts_with("{\"card\":1,\"time\":\"20"), "{first}");
    assert!(
        first.contains("\"result\":\"pass\",\"failures\":[],\"statements\":[{\"script\":"),
        "{first}"
    );
    assert!(
        first.contains("\"line\":2,\"sw\":\"9000\",\"duration_us\":"),
        "{first}"
    );
    let fourth = &lines(&log)[3];
    assert!(
        fourth.contains("\"result\":\"fail\",\"failures\":[{\"script\":"),
        "{fourth}"
    );
    assert!(fourth.contains("\"line\":2,\"sw\":\"6A82\""), "{fourth}");
}

/// A card whose READ BINARY fails with 6A 82.
fn failing_card() -> Player {
    let recording = Recording {
        atr: "3B 02 54 43".into(),
        protocol: None,
        events: vec![
            Event::Command {
                command: "00 A4 04 00 00".into(),
                response: "90 00".into(),
            },
            Event::Command {
                command: "00 B0 00 00 02".into(),
                response: "6A 82".into(),
            },
        ],
    };
    Player::new(&recording, Protocol::T0, Box::new(|_| {}))
}

#[test]
fn kill_9_mid_card_leaves_the_finished_lines_intact() {
    let mut bench = Bench::start();
    let reader = bench.reader_name();
    let (dir, path) = script("card.apdu", SCRIPT);
    let log = dir.path().join("cards.jsonl");
    let mut child = spawn(
        &bench,
        &[
            "run",
            "--each-card",
            "--log",
            log.to_str().unwrap(),
            "-r",
            &reader,
            path.to_str().unwrap(),
        ],
    );
    for i in 0..4 {
        bench.insert_card(Box::new(TestCard::new(ATR_T0)));
        wait_lines(&log, i + 1);
        bench.remove_card();
    }
    // The fifth card takes its time on every command: kill mid-card.
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(slow(Box::new(card), Duration::from_millis(400))));
    let deadline = Instant::now() + Duration::from_secs(20);
    while journal.lock().unwrap().commands.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the fifth card never got a command"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let mut stdout = String::new();
    let _ = child.stdout.take().unwrap().read_to_string(&mut stdout);
    assert_json_lines(&log, 4);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
}

#[test]
fn sigint_ends_after_the_current_card_with_the_count() {
    let mut bench = Bench::start();
    let reader = bench.reader_name();
    let (_dir, path) = script("card.apdu", SCRIPT);
    let mut child = spawn(
        &bench,
        &["run", "--each-card", "-r", &reader, path.to_str().unwrap()],
    );
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    // The verdict is out once the card is done; then it waits for removal.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 8];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"Card 1: ");
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    child.stdout = Some(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.ends_with("1 card: 1 passed, 0 failed\n"), "{stderr}");
}
