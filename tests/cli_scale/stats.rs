//! `run --repeat N --stats`: the script runs N times, then a table gives
//! each statement's min / median / p95 / max and its share.

use crate::cli_common::{run_on, script};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;

#[test]
fn repeat_runs_n_times_and_stats_count_every_statement() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));
    let reader = bench.reader_name();
    let (_dir, path) = script(
        "s.apdu",
        b"00 A4 04 00 00 (9000)\ndelay 2\n00 B0 00 00 10 # read sixteen bytes of the file, a long comment\nreset\n",
    );
    let p = path.to_str().unwrap();
    let out = run_on(
        &bench,
        &["run", "-r", &reader, "--repeat", "4", "--stats", p],
        b"",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout.matches("> 00 A4 04 00 00\n").count(),
        4,
        "{out:?}"
    );
    let commands = journal.lock().unwrap().commands.len();
    assert_eq!(commands, 8, "two APDUs per run");
    let table = out
        .stdout
        .split_once(&format!("Statistics of {p} over 4 runs (milliseconds):\n"))
        .unwrap_or_else(|| panic!("{out:?}"))
        .1;
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "line",
            "statement",
            "count",
            "min",
            "median",
            "p95",
            "max",
            "share"
        ]
    );
    // line, statement words…, count 4, four times, share.
    let lines: Vec<&str> = rows[1..5].iter().map(|r| r[0]).collect();
    assert_eq!(lines, ["1", "2", "3", "4"], "{table}");
    let mut shares = 0.0;
    for r in &rows[1..5] {
        let n = r.len();
        assert_eq!(r[n - 6], "4", "{table}");
        let t: Vec<f64> = r[n - 5..n - 1].iter().map(|v| v.parse().unwrap()).collect();
        assert!(t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3], "{table}");
        shares += r[n - 1].trim_end_matches('%').parse::<f64>().unwrap();
    }
    assert!((shares - 100.0).abs() < 0.5, "{table}");
    assert_eq!(rows[1][1..6], ["00", "A4", "04", "00", "00"], "{table}");
    assert!(rows[5][0] == "total" && rows[5][2] == "100.0%", "{table}");
    // The `delay 2` row counts its whole time: at least 2 ms each run.
    let delay_min: f64 = rows[2][rows[2].len() - 5].parse().unwrap();
    assert!(delay_min >= 2.0, "{table}");

    // With the report on stdout, the table goes to stderr rather than nowhere.
    let out = run_on(
        &bench,
        &[
            "run", "-r", &reader, "--repeat", "2", "--stats", "--report", "tap=-", p,
        ],
        b"",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("TAP version 13\n1..2\n"), "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("Statistics of {p} over 2 runs")),
        "{out:?}"
    );
}
