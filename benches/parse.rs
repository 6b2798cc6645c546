//! Parse a 1 000 000-line script and print the throughput in MB/s: whole
//! (the window), streamed as `run` checks it, and a file of invalid lines.
//! `cargo bench --no-default-features --bench parse`

use std::hint::black_box;
use std::time::{Duration, Instant};

use apdu_scriptor::script::{parse, statements};

const LINES: usize = 1_000_000;

/// A mix of what real scripts hold: spaced and compact APDUs, comments,
/// continuations, resets, blank lines, expectations.
fn script() -> String {
    let patterns = [
        "00 A4 04 00 07 A0 00 00 00 03 10 10\n",
        "00a4040007a0000000031010\n",
        "# Select the payment application\n",
        "00 B0 00 00 \\\n",
        "10 (9000, 61XX)\n",
        "\n",
        "00A4040007\\\n",
        "A0000000031010\r\n",
        "  00 c0 00 00 1c   # get response\n",
        "80 CA 9F 7F 00 [XX XX 01 02] (9000)\n",
        "reset\n",
    ];
    let mut text = String::with_capacity(LINES * 24);
    for i in 0..LINES {
        text.push_str(patterns[i % patterns.len()]);
    }
    // Close a continuation the pattern may have left open.
    text.push_str("00 A4 00 00\n");
    text
}

/// Best time of five runs of `f`.
fn best(mut f: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    best
}

fn report(what: &str, text: &str, time: Duration) {
    let mb = text.len() as f64 / 1e6;
    println!(
        "{what}: {mb:.1} MB: best {:.1} ms, {:.0} MB/s",
        time.as_secs_f64() * 1e3,
        mb / time.as_secs_f64()
    );
}

fn main() {
    let text = script();
    let mut statements_found = 0;
    let whole = best(|| {
        let s = parse(black_box(&text));
        assert!(s.is_ok(), "{:?}", s.errors.first());
        statements_found = s.statements.len();
    });
    println!("parse: {LINES} lines, {statements_found} statements");
    report("parse, whole (window)", &text, whole);
    let streamed = best(|| {
        let mut it = statements(black_box(&text));
        it.by_ref().for_each(|s| {
            black_box(s);
        });
        assert!(it.finish().is_ok());
    });
    report("parse, streamed (run's check)", &text, streamed);
    let invalid = "this is not a script, line after line\n".repeat(LINES);
    let bad = best(|| {
        let s = statements(black_box(&invalid)).finish();
        assert_eq!(s.error_count(), LINES);
    });
    report("parse, every line invalid", &invalid, bad);
}
