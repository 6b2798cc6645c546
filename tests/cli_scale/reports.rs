//! `run FILE... --report junit=FILE|tap=FILE` on the bench: one suite per
//! script, one case per expectation, counts right, and the JUnit XML valid
//! against the Jenkins/Ant schema (`tests/data/junit.xsd`).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::cli_common::{run_on, script};
use crate::common::card::{TestCard, ATR_T0};
use crate::common::Bench;

const PASSING: &str = "# all good\n00 A4 04 00 00 (9000) # select\n00 B0 00 00 02 [00 01] (9000) # read two\n00 CA 00 00 00 (61XX)\n";
const FAILING: &str = "00 A4 04 00 00 (9000)\n00 B0 00 00 03 [00 01 09] (9000) # wrong data\n00 FF 00 00 (9000) # unknown\n";

/// Check `xml` against the schema and the JUnit counts; panic with the reasons.
pub fn assert_valid_junit(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tests/xsd_check.py"))
        .arg(root.join("tests/data/junit.xsd"))
        .arg(&file)
        .arg("--junit")
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "invalid JUnit XML: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_and_tap_for_a_passing_and_a_failing_script() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let reader = bench.reader_name();
    let dir = tempfile::tempdir().unwrap();
    let pass = dir.path().join("pass.apdu");
    let fail = dir.path().join("fail.apdu");
    std::fs::write(&pass, PASSING).unwrap();
    std::fs::write(&fail, FAILING).unwrap();
    let xml = dir.path().join("out/../junit.xml");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let tap = dir.path().join("results.tap");
    let out = run_on(
        &bench,
        &[
            "run",
            "-r",
            &reader,
            "--report",
            &format!("junit={}", xml.display()),
            "--report",
            &format!("tap={}", tap.display()),
            pass.to_str().unwrap(),
            fail.to_str().unwrap(),
        ],
        b"",
    );
    // The worst result: a failed expectation.
    assert_eq!(out.code, 1, "{out:?}");
    // Both scripts ran, one after the other, in scriptor's format.
    assert!(out.stdout.contains("# all good\n"), "{out:?}");
    assert!(out.stdout.contains("00 B0 00 00 03 [00 01 09] (9000) # wrong data\n> 00 B0 00 00 03\n< 00 01 02 90 00 : Normal processing.\n"), "{out:?}");
    let xml = std::fs::read_to_string(&xml).unwrap();
    assert_valid_junit(&xml);
    let p = pass.display();
    let f = fail.display();
    assert!(xml.contains("<testsuites name=\"apdu-scriptor\" tests=\"6\" failures=\"1\" errors=\"0\" skipped=\"1\""), "{xml}");
    assert!(xml.contains(&format!("<testsuite name=\"{p}\" package=\"{p}\" id=\"0\" tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\"")), "{xml}");
    assert!(
        xml.contains(&format!(
            "<testcase name=\"{p}:2 select\" classname=\"{p}\""
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<testcase name=\"{p}:4\" classname=\"{p}\"")),
        "{xml}"
    );
    assert!(xml.contains(&format!("<testsuite name=\"{f}\" package=\"{f}\" id=\"1\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\"")), "{xml}");
    // The failure says expected, actual, where they differ and the SW.
    assert!(xml.contains("<failure message=\"expected [00 01 09] (9000), got 00 01 02 90 00; first difference at byte 2; SW 9000 Success\" type=\"expectation\">"), "{xml}");
    assert!(xml.contains(&format!("<testcase name=\"{f}:3 unknown\" classname=\"{f}\" time=\"0.000000\">\n      <skipped message=\"not run: the expectation on line 2 failed and the script stopped\"/>")), "{xml}");
    // The run's own output is kept with its suite.
    assert!(
        xml.contains("<system-out><![CDATA[# all good\n00 A4 04 00 00 (9000) # select\n> 00 A4 04 00 00\n< 90 00 : Normal processing.\n"),
        "{xml}"
    );

    let tap = std::fs::read_to_string(&tap).unwrap();
    let expected_head = format!(
        "TAP version 13\n1..6\n# {p}\nok 1 - {p}:2 select\nok 2 - {p}:3 read two\nok 3 - {p}:4\n# {f}\nok 4 - {f}:1\nnot ok 5 - {f}:2 wrong data\n  ---\n"
    );
    assert!(tap.starts_with(&expected_head), "{tap}");
    assert!(
        tap.contains("  offset: 2\n  sw: \"9000 Success\"\n"),
        "{tap}"
    );
    assert!(tap.ends_with(&format!("ok 6 - {f}:3 unknown # SKIP not run: the expectation on line 2 failed and the script stopped\n")), "{tap}");
}

#[test]
fn one_file_keeps_scriptor_output_and_a_report_can_go_to_stdout() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(TestCard::new(ATR_T0)));
    let reader = bench.reader_name();
    let (dir, pass) = script("pass.apdu", PASSING.as_bytes());
    let path = pass.to_str().unwrap();
    let plain = run_on(&bench, &["run", "-r", &reader, path], b"");
    assert_eq!(plain.code, 0, "{plain:?}");
    let xml = dir.path().join("r.xml");
    let with_report = run_on(
        &bench,
        &[
            "run",
            "-r",
            &reader,
            "--report",
            &format!("junit={}", xml.display()),
            path,
        ],
        b"",
    );
    assert_eq!(with_report.code, 0, "{with_report:?}");
    assert_eq!(with_report.stdout, plain.stdout, "byte for byte");
    assert_valid_junit(&std::fs::read_to_string(&xml).unwrap());

    // `-`: the report is the whole standard output.
    let out = run_on(
        &bench,
        &["run", "-r", &reader, "--report", "tap=-", path],
        b"",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("TAP version 13\n1..3\n"), "{out:?}");
    assert!(!out.stdout.contains("Using T=0"), "{out:?}");
    let out = run_on(
        &bench,
        &["run", "-r", &reader, "--report", "junit=-", path],
        b"",
    );
    assert_valid_junit(&out.stdout);
}

#[test]
fn a_card_pulled_mid_script_errors_its_case_and_skips_the_rest() {
    let mut bench = Bench::start();
    let stop = Arc::new(AtomicBool::new(false));
    let card = TestCard::new(ATR_T0).leaving_on(0xEE, stop.clone());
    bench.insert_cards_with_stop(vec![(0, Box::new(card), stop)]);
    let reader = bench.reader_name();
    let (_dir, path) = script(
        "pulled.apdu",
        b"00 A4 04 00 00 (9000)\n00 EE 00 00 01 AA (9000) # card leaves\ndelay 1500\n00 B0 00 00 01 # no expectation\n00 B0 00 00 01 (9000)\n",
    );
    let out = run_on(
        &bench,
        &[
            "run",
            "-r",
            &reader,
            "--report",
            "junit=-",
            path.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.code, 4, "{out:?}");
    let xml = &out.stdout;
    assert_valid_junit(xml);
    let p = path.display();
    // Line 4 has no expectation but the error happened in it: a case.
    assert!(
        xml.contains("tests=\"4\" failures=\"0\" errors=\"1\" skipped=\"1\""),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<testcase name=\"{p}:4 no expectation\"")),
        "{xml}"
    );
    assert!(xml.contains("<error message=\"The card was removed (Insert the card again and reconnect)\" type=\"card\">"), "{xml}");
    assert!(
        xml.contains("<skipped message=\"not run: a card error on line 4 ended the script\"/>"),
        "{xml}"
    );
}

/// Reports and recorded cards are saved like scripts: never through a
/// predictable temporary name, a symlink saved to its target, a read-only
/// file refused with a message.
#[test]
fn reports_and_recordings_are_saved_safely() {
    use crate::cli_common::run_file;
    use std::os::unix::fs::{symlink, PermissionsExt};
    let (dir, script_path) = script("pass.apdu", b"00 A4 04 00 00\n");
    let d = dir.path();
    // Someone who can write to the folder plants links at the names a
    // "beside, then renamed" save would use; what they point at must stay.
    let victim = d.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    for name in ["r.xml.part", "r.tap.part", "card.ron.part", ".r.xml.tmp"] {
        symlink(&victim, d.join(name)).unwrap();
    }
    let args = |extra: &[String]| {
        let mut a: Vec<String> = vec!["run".into(), "--demo".into()];
        a.extend_from_slice(extra);
        a
    };
    let run = |extra: &[String]| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run_file(&a, &script_path)
    };
    let out = run(&[
        "--report".into(),
        format!("junit={}", d.join("r.xml").display()),
        "--report".into(),
        format!("tap={}", d.join("r.tap").display()),
        "--record".into(),
        d.join("card.ron").display().to_string(),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_valid_junit(&std::fs::read_to_string(d.join("r.xml")).unwrap());
    assert!(std::fs::read_to_string(d.join("r.tap"))
        .unwrap()
        .starts_with("TAP version 13\n"));
    assert!(std::fs::read_to_string(d.join("card.ron"))
        .unwrap()
        .contains("Recording"));

    // A report reached through a symlink is written to the link's target.
    let real = d.join("real.tap");
    symlink(&real, d.join("link.tap")).unwrap();
    let out = run(&[
        "--report".into(),
        format!("tap={}", d.join("link.tap").display()),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(std::fs::symlink_metadata(d.join("link.tap"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("TAP version 13\n"));

    // A read-only report file is not replaced behind its owner's back
    // (root may write anything: then the check does not apply).
    let ro = d.join("ro.tap");
    std::fs::write(&ro, "kept").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(&["--report".into(), format!("tap={}", ro.display())]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("read-only"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "kept");
    // Nothing is left behind.
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp") && n != ".r.xml.tmp")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
