//! `run --all-readers` / `--readers PATTERN`: one thread per reader with a
//! card, output grouped and labelled, one pulled card stops only its reader.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::cli_common::{run_on, script};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;
use crate::reports::assert_valid_junit;

const SCRIPT: &str = "00 A4 04 00 00 (9000)\n00 EE 00 00 01 AA (9000)\ndelay 1500\n00 B0 00 00 04 [00 01 02 03] (9000) # read\n";

#[test]
fn four_readers_run_at_once_and_a_pulled_card_stops_only_its_own() {
    let mut bench = Bench::start_with_readers(4);
    let names: Vec<String> = (0..4).map(|i| bench.reader_name_at(i)).collect();
    assert_eq!(names[2], "Virtual PCD 1 00 00", "{names:?}");
    // The card in the third reader leaves after `00 EE`.
    let stop = Arc::new(AtomicBool::new(false));
    let mut cards: Vec<(usize, Box<dyn apdu_scriptor::card::Card>, Arc<AtomicBool>)> = Vec::new();
    for slot in 0..4 {
        let flag = if slot == 2 {
            stop.clone()
        } else {
            Arc::new(AtomicBool::new(false))
        };
        let card = TestCard::new(ATR_T0);
        let card = if slot == 2 {
            card.leaving_on(0xEE, flag.clone())
        } else {
            card
        };
        cards.push((slot, Box::new(card), flag));
    }
    bench.insert_cards_with_stop(cards);
    let (dir, path) = script("s.apdu", SCRIPT.as_bytes());
    let xml = dir.path().join("r.xml");
    let p = path.to_str().unwrap();
    let out = run_on(
        &bench,
        &[
            "run",
            "--all-readers",
            "--report",
            &format!("junit={}", xml.display()),
            p,
        ],
        b"",
    );
    // The worst exit code: the pulled card's.
    assert_eq!(out.code, 4, "{out:?}");
    let blocks: Vec<&str> = out.stdout.split("=== ").skip(1).collect();
    assert_eq!(blocks.len(), 4, "{out:?}");
    for (i, block) in blocks.iter().enumerate() {
        assert!(
            block.starts_with(&format!("{} ===\nUsing T=0 protocol\n", names[i])),
            "{block}"
        );
        let finished =
            block.ends_with("> 00 B0 00 00 04\n< 00 01 02 03 90 00 : Normal processing.\n");
        assert_eq!(finished, i != 2, "reader {i}: {block}");
    }
    assert!(
        out.stderr
            .contains(&format!("[{}] line 4: The card was removed", names[2])),
        "{out:?}"
    );
    let xml = std::fs::read_to_string(&xml).unwrap();
    assert_valid_junit(&xml);
    assert!(
        xml.contains("tests=\"12\" failures=\"0\" errors=\"1\" skipped=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<testsuite name=\"{p} @ Virtual PCD 1 00 00\"")),
        "{xml}"
    );

    // A pattern picks some of them.
    let out = run_on(&bench, &["run", "--readers", "virtual pcd 00 *", p], b"");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout.matches("=== Virtual PCD 00 0").count(),
        2,
        "{out:?}"
    );
    assert!(!out.stdout.contains("=== Virtual PCD 1"), "{out:?}");
}
