//! The README's CI example, taken from the README and run on the bench: a
//! card recorded here is replayed by `virtual-card` and the scripts give a
//! valid JUnit report.

use std::path::Path;
use std::process::Command;

use crate::cli_common::{run_on, BIN};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;
use crate::reports::assert_valid_junit;

fn readme_script() -> String {
    let readme = include_str!("../../README.md");
    let begin = "<!-- ci-card-tests begin -->\n```sh\n";
    let start = readme.find(begin).expect("the CI example in the README") + begin.len();
    let end = start
        + readme[start..]
            .find("```\n<!-- ci-card-tests end -->")
            .expect("its end");
    readme[start..end].to_owned()
}

#[test]
fn the_readme_ci_example_runs_on_a_recorded_card() {
    let script = readme_script();
    let copy = include_str!("../../examples/ci/card-tests.sh");
    assert_eq!(
        script, copy,
        "examples/ci/card-tests.sh is the README's script"
    );

    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let reader = bench.reader_name();
    let dir = tempfile::tempdir().unwrap();
    let tests = dir.path().join("tests");
    std::fs::create_dir(&tests).unwrap();
    std::fs::write(
        tests.join("select.apdu"),
        "00 A4 04 00 00 (9000) # select\n",
    )
    .unwrap();
    std::fs::write(
        tests.join("read.apdu"),
        "00 B0 00 00 02 [00 01] (9000) # read\n",
    )
    .unwrap();
    // Recorded once on the "real" card…
    let recorded = run_on(
        &bench,
        &[
            "run",
            "-r",
            &reader,
            "--record",
            tests.join("card.ron").to_str().unwrap(),
            tests.join("read.apdu").to_str().unwrap(),
            tests.join("select.apdu").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(recorded.code, 0, "{recorded:?}");
    bench.remove_card();

    // …then CI: the README's script, with the binary on PATH.
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("timeout")
        .args(["60", "sh", "-c", &script])
        .current_dir(dir.path())
        .envs(bench.env())
        .env("VPCD_PORT", bench.port(0).to_string())
        .env("PATH", path)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert_valid_junit(&xml);
    assert!(
        xml.contains("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"tests/read.apdu:1 read\""),
        "{xml}"
    );
}
