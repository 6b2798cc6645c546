//! Parse a 1 000 000-line script and print the throughput in MB/s.
//! `cargo bench --no-default-features --bench parse`

use std::hint::black_box;
use std::time::{Duration, Instant};

use apdu_scriptor::script::parse;

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
    text.push_str("00\n");
    text
}

fn main() {
    let text = script();
    let mut best = Duration::MAX;
    let mut statements = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let s = parse(black_box(&text));
        best = best.min(start.elapsed());
        assert!(s.is_ok(), "{:?}", s.errors.first());
        statements = s.statements.len();
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "parse: {LINES} lines, {mb:.1} MB, {statements} statements: best {:.1} ms, {:.0} MB/s",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64()
    );
}
