//! `make bench` / `tools/bench-scale.sh`: the figures of "scripts as tests".
//!
//! 1. `run --report junit` over 10 000 APDUs on the demo card, against the
//!    same run without a report (median of ROUNDS, alternated).
//! 2. 8 virtual readers whose cards answer after 20 ms, 50 APDUs each:
//!    `run --all-readers` against one reader alone.
//! 3. `run --each-card`: from a card's insertion (its vpcd server starts)
//!    to its first APDU, median of 20 insertions.
//!
//! Usage: bench_scale [ROUNDS [junit|readers|each-card]]; `APDU_SCRIPTOR_BIN` names the binary
//! (default: target/release/apdu-scriptor). Figures only, nothing asserted.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apdu_scriptor::card::replay::{slow, BeforeEachCommand};
use apdu_scriptor::card::Card;
use common::card::{TestCard, ATR_T0};
use common::Bench;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let bin = std::env::var_os("APDU_SCRIPTOR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/apdu-scriptor")
        });
    // A second argument runs one part: junit, readers or each-card.
    let only = std::env::args().nth(2);
    let part = |name: &str| only.as_deref().is_none_or(|o| o == name);
    if part("junit") {
        junit_overhead(&bin, rounds);
    }
    if part("readers") {
        many_readers(&bin, rounds);
    }
    if part("each-card") {
        each_card(&bin);
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn timed(mut c: Command) -> Duration {
    let t = Instant::now();
    let status = c
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    let e = t.elapsed();
    assert!(status.code().is_some_and(|c| c <= 1), "{c:?}: {status}");
    e
}

fn junit_overhead(bin: &Path, rounds: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("demo.apdu");
    // SELECT the demo application, then READ BINARY of 4 bytes: 10 000 APDUs.
    let mut text = String::from("00 A4 04 00 08 F0 41 50 44 55 53 43 52 (9000, 61XX)\n");
    text.push_str(&"00 A4 00 0C 02 3F 00 (9000)\n".repeat(9_999));
    std::fs::write(&script, text).expect("write");
    let xml = dir.path().join("r.xml");
    let (mut plain, mut junit) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let mut c = Command::new(bin);
        c.args(["run", "--demo"]).arg(&script);
        plain.push(timed(c));
        let mut c = Command::new(bin);
        c.args(["run", "--demo", "--report"])
            .arg(format!("junit={}", xml.display()))
            .arg(&script);
        junit.push(timed(c));
    }
    let (p, j) = (median(plain), median(junit));
    println!("run --demo, 10 000 APDUs, median of {rounds}:");
    println!("  plain                {:>9.1} ms", ms(p));
    println!(
        "  --report junit=FILE  {:>9.1} ms   {:+.1} % (goal: <= +2 %)",
        ms(j),
        (j.as_secs_f64() / p.as_secs_f64() - 1.0) * 100.0
    );
}

fn many_readers(bin: &Path, rounds: usize) {
    let mut bench = Bench::start_with_readers(8);
    let cards: Vec<(usize, Box<dyn Card>)> = (0..8)
        .map(|slot| {
            let card = slow(Box::new(TestCard::new(ATR_T0)), Duration::from_millis(20));
            (slot, Box::new(card) as Box<dyn Card>)
        })
        .collect();
    bench.insert_cards(cards);
    let script = bench.dir().join("fifty.apdu");
    std::fs::write(&script, "00 A4 04 00 00 (9000)\n".repeat(50)).expect("write");
    let reader = bench.reader_name();
    let (mut one, mut all) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let mut c = Command::new(bin);
        c.envs(bench.env())
            .args(["run", "-r", &reader])
            .arg(&script);
        one.push(timed(c));
        let mut c = Command::new(bin);
        c.envs(bench.env())
            .args(["run", "--all-readers"])
            .arg(&script);
        all.push(timed(c));
    }
    let (o, a) = (median(one), median(all));
    println!("8 readers x 50 APDUs, each card answering after 20 ms, median of {rounds}:");
    println!("  one reader alone     {:>9.1} ms", ms(o));
    println!(
        "  --all-readers (8)    {:>9.1} ms   {:.2} x one reader (goal: <= 1.15), {:.1} x the throughput of one by one",
        ms(a),
        a.as_secs_f64() / o.as_secs_f64(),
        8.0 * o.as_secs_f64() / a.as_secs_f64()
    );
}

fn each_card(bin: &Path) {
    const CARDS: usize = 20;
    let mut bench = Bench::start();
    let reader = bench.reader_name();
    let script = bench.dir().join("one.apdu");
    std::fs::write(&script, "00 A4 04 00 00 (9000)\n").expect("write");
    let mut child = Command::new(bin)
        .envs(bench.env())
        .args([
            "run",
            "--each-card",
            "--count",
            &CARDS.to_string(),
            "-r",
            &reader,
        ])
        .arg(&script)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start --each-card");
    std::thread::sleep(Duration::from_millis(300));
    // When pcscd itself reports each insertion (it polls the vpcd driver),
    // and whether it sees a card now.
    let seen: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let card_seen = Arc::new(AtomicBool::new(false));
    let watcher = {
        let seen = seen.clone();
        let present_now = card_seen.clone();
        let name = std::ffi::CString::new(reader.clone()).expect("reader name");
        std::thread::spawn(move || {
            let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("establish");
            let mut state = [pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
            let mut present = false;
            while seen.lock().unwrap().len() < CARDS {
                if ctx
                    .get_status_change(Duration::from_secs(5), &mut state)
                    .is_err()
                {
                    continue;
                }
                let now = state[0].event_state().contains(pcsc::State::PRESENT);
                if now && !present {
                    seen.lock().unwrap().push(Instant::now());
                }
                present = now;
                present_now.store(now, Ordering::SeqCst);
                state[0].sync_current_state();
            }
        })
    };
    let mut latencies = Vec::new();
    let mut after_pcscd = Vec::new();
    // Randomly seeded by std: a fresh random value per hashed number.
    let jitter = std::collections::hash_map::RandomState::new();
    for _ in 0..CARDS {
        let first = Arc::new(Mutex::new(None));
        // The card notes when it got its first command.
        let stamp = first.clone();
        let card = BeforeEachCommand {
            inner: Box::new(TestCard::new(ATR_T0)),
            before: Box::new(move |_| {
                stamp.lock().unwrap().get_or_insert_with(Instant::now);
            }),
        };
        let inserted = Instant::now();
        bench.insert_card(Box::new(card));
        let deadline = Instant::now() + Duration::from_secs(10);
        let got = loop {
            if let Some(t) = *first.lock().unwrap() {
                break t;
            }
            assert!(Instant::now() < deadline, "no APDU after an insertion");
            std::thread::sleep(Duration::from_millis(1));
        };
        latencies.push(got - inserted);
        if let Some(&t) = seen.lock().unwrap().last() {
            after_pcscd.push(got.saturating_duration_since(t));
        }
        bench.remove_card();
        // pcscd polls the vpcd driver every 400 ms: insert the next card at
        // a random moment of that period, once pcscd has seen the removal,
        // not in step with the poll that reported the previous card.
        if latencies.len() == CARDS {
            break;
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while card_seen.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(
            std::hash::BuildHasher::hash_one(&jitter, latencies.len()) % 400,
        ));
    }
    let _ = child.wait();
    let _ = watcher.join();
    let mut sorted = latencies.clone();
    sorted.sort();
    println!("--each-card, insertion to first APDU, {CARDS} insertions:");
    println!(
        "  median {:.1} ms (goal: <= 100 ms), min {:.1} ms, max {:.1} ms (inserted at random moments of pcscd's 400 ms poll)",
        ms(median(latencies)),
        ms(sorted[0]),
        ms(sorted[CARDS - 1])
    );
    if !after_pcscd.is_empty() {
        println!(
            "  of which after pcscd reported the card: median {:.1} ms (the rest is pcscd polling the vpcd driver)",
            ms(median(after_pcscd))
        );
    }
}
