//! `make bench` / `tools/bench-pcsc.sh`: a script of N APDUs through a
//! private pcscd + vpcd three ways — a raw `pcsc` transmit loop,
//! `apdu-scriptor run` and `scriptor` — and a table of times and ratios.
//!
//! Usage: bench_stack [APDUS] [ROUNDS]; `APDU_SCRIPTOR_BIN` names the
//! binary to time (default: target/release/apdu-scriptor).

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::card::{TestCard, ATR_T0};
use common::Bench;

const SELECT_MF: &[u8] = &[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00];

fn main() {
    // Child mode: the raw loop in a process of its own, like the programs
    // it is compared with (a client thread in the card's process schedules
    // differently from a separate client process).
    if let (Ok(reader), Ok(n)) = (
        std::env::var("BENCH_RAW_READER"),
        std::env::var("BENCH_RAW_N"),
    ) {
        let n = n.parse().expect("BENCH_RAW_N");
        let t = raw_loop(&reader, n).expect("raw loop");
        println!("{}", t.as_nanos());
        return;
    }
    let mut args = std::env::args().skip(1);
    let apdus: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let ours = std::env::var_os("APDU_SCRIPTOR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/apdu-scriptor")
        });

    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let reader = bench.reader_name();
    let script = bench.dir().join("bench.script");
    std::fs::write(&script, "00 A4 00 0C 02 3F 00\n".repeat(apdus)).expect("write the script");
    // The same run with no APDU: process start-up, connect and disconnect.
    let empty = bench.dir().join("empty.script");
    std::fs::write(&empty, "# nothing\n").expect("write the script");

    let mut raw = Vec::new();
    let mut raw_proc = Vec::new();
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    let mut mine0 = Vec::new();
    let mut theirs0 = Vec::new();
    let scriptor = Path::new("scriptor");
    for _ in 0..rounds {
        raw.push(raw_loop(&reader, apdus));
        raw_proc.push(raw_child(&bench, &reader, apdus));
        mine.push(run(&bench, &ours, &["run", "-r", &reader], &script, apdus));
        theirs.push(run(&bench, scriptor, &["-r", &reader], &script, apdus));
        mine0.push(run(&bench, &ours, &["run", "-r", &reader], &empty, 0));
        theirs0.push(run(&bench, scriptor, &["-r", &reader], &empty, 0));
    }
    let best = |v: &[Option<Duration>]| v.iter().flatten().min().copied();
    let base = best(&raw_proc)
        .or_else(|| best(&raw))
        .expect("the raw loop always runs");

    println!("{apdus} APDUs through pcscd + vpcd, best of {rounds} rounds");
    println!(
        "{:<34} {:>10} {:>10} {:>8}",
        "way", "total ms", "per APDU", "ratio"
    );
    for (name, time, n) in [
        ("raw pcsc loop (own process)", Some(base), apdus),
        ("raw pcsc loop (card's process)", best(&raw), apdus),
        ("apdu-scriptor run (process)", best(&mine), apdus),
        ("scriptor (process)", best(&theirs), apdus),
        ("apdu-scriptor run, 0 APDUs", best(&mine0), 0),
        ("scriptor, 0 APDUs", best(&theirs0), 0),
    ] {
        let Some(t) = time else {
            println!("{name:<34} {:>10}", "n/a");
            continue;
        };
        let per = if n == 0 {
            "-".to_string()
        } else {
            format!("{:.3}ms", t.as_secs_f64() * 1e3 / n as f64)
        };
        println!(
            "{:<34} {:>10.1} {:>10} {:>8.2}",
            name,
            t.as_secs_f64() * 1e3,
            per,
            t.as_secs_f64() / base.as_secs_f64()
        );
    }
    // The APDU loop alone: the run minus its own start-up and connect.
    if let (Some(run), Some(start)) = (best(&mine), best(&mine0)) {
        let net = run.saturating_sub(start);
        println!(
            "apdu-scriptor run minus start-up: {:.1} ms, {:.2} x the raw loop",
            net.as_secs_f64() * 1e3,
            net.as_secs_f64() / base.as_secs_f64()
        );
    }
}

/// The raw loop in a child process: its connect + transmit time.
fn raw_child(bench: &Bench, reader: &str, n: usize) -> Option<Duration> {
    let out = Command::new(std::env::current_exe().ok()?)
        .envs(bench.env())
        .env("BENCH_RAW_READER", reader)
        .env("BENCH_RAW_N", n.to_string())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let nanos: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Connect and send `n` APDUs with the `pcsc` crate alone.
fn raw_loop(reader: &str, n: usize) -> Option<Duration> {
    let start = Instant::now();
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("establish");
    let name = std::ffi::CString::new(reader).expect("reader name");
    let card = ctx
        .connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        .expect("connect");
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    for _ in 0..n {
        let r = card.transmit(SELECT_MF, &mut buf).expect("transmit");
        assert_eq!(r, [0x90, 0x00]);
    }
    drop(card);
    Some(start.elapsed())
}

/// Time a whole process run; `None` if it did not answer every APDU.
fn run(bench: &Bench, program: &Path, args: &[&str], script: &Path, n: usize) -> Option<Duration> {
    let start = Instant::now();
    let out = Command::new(program)
        .args(args)
        .arg(script)
        .envs(bench.env())
        .stderr(Stdio::null())
        .output();
    let elapsed = start.elapsed();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{}: {e}", program.display());
            return None;
        }
    };
    let answered = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("< 90 00"))
        .count();
    if answered != n {
        eprintln!("{}: {answered} of {n} APDUs answered", program.display());
        return None;
    }
    Some(elapsed)
}
