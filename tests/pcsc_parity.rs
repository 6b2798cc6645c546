//! Parity with scriptor (pcsc-tools): every script of `tests/scripts/` runs
//! through the real `scriptor` and through `apdu-scriptor run` on the same
//! virtual card, each on a freshly inserted card; stdout must be identical.
//!
//! A script whose first line is `# card: test` (or `# card: test-t1`) runs
//! on the bench's test card (T=0, or T=1 only), the others on the demo card.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use apdu_scriptor::card::demo::DemoCard;
use apdu_scriptor::card::{Card, Protocol};
use common::card::{TestCard, ATR_T0, ATR_T1};
use common::Bench;

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut list: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scripts")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "script"))
        .collect();
    list.sort();
    list
}

fn card_for(script: &Path) -> Box<dyn Card> {
    let text = std::fs::read_to_string(script).expect("read script");
    match text.lines().next().unwrap_or("") {
        "# card: test" => Box::new(TestCard::new(ATR_T0)),
        "# card: test-t1" => Box::new(TestCard::new(ATR_T1)),
        _ => Box::new(DemoCard::builtin(Protocol::Any).expect("demo card")),
    }
}

/// Start `program args… -r READER SCRIPT` on the bench.
fn spawn(bench: &Bench, slot: usize, script: &Path, program: &str, args: &[&str]) -> Child {
    Command::new(program)
        .args(args)
        .arg("-r")
        .arg(bench.reader_name_at(slot))
        .arg(script)
        .envs(bench.env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

/// scriptor on reader 0 and ours on reader 1, each on a fresh card, at once.
fn run_both(bench: &mut Bench, script: &Path) -> (Output, Output) {
    bench.insert_cards(vec![(0, card_for(script)), (1, card_for(script))]);
    let theirs = spawn(bench, 0, script, "scriptor", &[]);
    let mine = spawn(
        bench,
        1,
        script,
        env!("CARGO_BIN_EXE_apdu-scriptor"),
        &["run"],
    );
    let theirs = theirs.wait_with_output().expect("scriptor output");
    let mine = mine.wait_with_output().expect("apdu-scriptor output");
    bench.remove_cards();
    (theirs, mine)
}

/// `diff -u` of the two outputs, for the failure message.
fn diff(name: &str, theirs: &[u8], ours: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join(format!("{name}.scriptor"));
    let b = dir.path().join(format!("{name}.ours"));
    std::fs::write(&a, theirs).expect("write");
    std::fs::write(&b, ours).expect("write");
    let out = Command::new("diff")
        .arg("-u")
        .arg(&a)
        .arg(&b)
        .output()
        .expect("run diff");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn corpus_is_large_enough() {
    assert!(scripts().len() >= 20, "{:?}", scripts());
}

#[test]
fn scriptor_runs_on_the_bench() {
    let mut bench = Bench::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/10-get-response.script");
    let (out, _) = run_both(&mut bench, &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("Using T=0 protocol\n"), "{stdout}");
    assert!(
        stdout.contains("> 00 CA 00 00 00\n< 61 10 : 0x10 bytes of response still available.\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "< A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF \n90 00 : Normal processing.\n"
        ),
        "{stdout}"
    );
}

#[test]
fn every_script_matches_scriptor() {
    let mut bench = Bench::start();
    let mut failures = Vec::new();
    for script in scripts() {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let (theirs, mine) = run_both(&mut bench, &script);
        assert!(
            theirs.status.success(),
            "{name} is not a valid scriptor script:\n{}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        if theirs.stdout != mine.stdout || !mine.status.success() {
            failures.push(format!(
                "--- {name}: exit {:?}, stderr:\n{}\n{}",
                mine.status.code(),
                String::from_utf8_lossy(&mine.stderr),
                diff(&name, &theirs.stdout, &mine.stdout)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scripts differ from scriptor:\n{}",
        failures.len(),
        scripts().len(),
        failures.join("\n")
    );
}
