use super::*;
use crate::script::parse;

fn run_steps(text: &str, events: &[EngineEvent], outcome: Outcome) -> Suite {
    let script = parse(text);
    assert!(script.is_ok(), "{:?}", script.errors);
    let mut c = Collector::new("t.apdu", None, text, &script.statements);
    for e in events {
        c.event(e);
        if let Some(st) = script.statements.iter().find(|s| {
            s.span.start.line
                == match e {
                    EngineEvent::Exchange(x) => x.line,
                    EngineEvent::Reset { line, .. }
                    | EngineEvent::Error { line, .. }
                    | EngineEvent::Exit { line } => *line,
                }
        }) {
            c.done(st, &Summary::default());
        }
    }
    c.finish(&outcome, Duration::from_millis(3), "out <&>\n".into())
}

fn exchange(line: usize, response: &[u8], check: Option<(Expectation, bool)>) -> EngineEvent {
    EngineEvent::Exchange(crate::engine::Exchange {
        line,
        origin: crate::engine::Origin::Script,
        command: vec![0, 0xA4, 0, 0],
        echo: None,
        response: response.to_vec(),
        sent: std::time::SystemTime::UNIX_EPOCH,
        duration: Duration::from_micros(150),
        check,
    })
}

fn expectation(text: &str) -> Expectation {
    let s = parse(&format!("00 A4 00 00 {text}"));
    match &s.statements[0].kind {
        StatementKind::Apdu(a) => a.expect.clone().unwrap(),
        _ => unreachable!(),
    }
}

#[test]
fn cases_are_statements_with_expectations_named_by_line_and_comment() {
    let text =
        "# header\n00 A4 00 00 (9000) # select MF\n00 B0 00 00 02\n00 B0 00 00 02 [01 02] (9000)\n";
    let ok = expectation("(9000)");
    let data = expectation("[01 02] (9000)");
    let s = run_steps(
        text,
        &[
            exchange(2, &[0x90, 0x00], Some((ok, true))),
            exchange(3, &[0x01, 0x02, 0x90, 0x00], None),
            exchange(4, &[0x01, 0x03, 0x90, 0x00], Some((data, false))),
        ],
        Outcome::AssertionFailed,
    );
    let names: Vec<_> = s.cases().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["t.apdu:2 select MF", "t.apdu:4"]);
    assert_eq!(s.counts(), (2, 1, 0, 0));
    let Verdict::Failed(f) = &s.steps[2].verdict else {
        panic!("{:?}", s.steps[2]);
    };
    assert_eq!(f.offset, 1);
    assert_eq!(f.sw, "9000 Success");
    assert_eq!(
        f.message(),
        "expected [0102] (9000), got 01 03 90 00; first difference at byte 1; SW 9000 Success"
    );
}

#[test]
fn an_error_fails_its_case_and_skips_the_rest() {
    let text = "00 A4 00 00 (9000)\n00 B0 00 00 02\n00 B0 00 00 02 (9000)\n00 B0 00 00 02 (9000)\n";
    let ok = expectation("(9000)");
    let s = run_steps(
        text,
        &[
            exchange(1, &[0x90, 0x00], Some((ok, true))),
            EngineEvent::Error {
                line: 2,
                error: CardError::CardRemoved,
            },
        ],
        Outcome::CardError(CardError::CardRemoved),
    );
    // The error makes line 2 a case even without an expectation.
    assert_eq!(s.counts(), (4, 0, 1, 2));
    assert!(matches!(&s.steps[1].verdict, Verdict::Error(e) if e.contains("removed")));
    assert!(
        matches!(&s.steps[3].verdict, Verdict::Skipped(why) if why.contains("line 2")),
        "{:?}",
        s.steps[3]
    );
    let xml = junit::render(std::slice::from_ref(&s));
    assert!(
        xml.contains("tests=\"4\" failures=\"0\" errors=\"1\" skipped=\"2\""),
        "{xml}"
    );
    assert!(
        xml.contains("<system-out><![CDATA[out <&>\n]]></system-out>"),
        "{xml}"
    );
    assert_eq!(junit::escape("a\"\n\u{1}\u{FFFE}é<"), "a&quot;&#10;é&lt;");
    let mut cdata = String::new();
    junit::push_cdata(&mut cdata, "a]]>b");
    assert_eq!(cdata, "<![CDATA[a]]]]><![CDATA[>b]]>");
    let mut text = String::new();
    junit::push_cdata(&mut text, "bell\u{7} <");
    assert_eq!(text, "bell &lt;");
    // Past the first chunks too.
    let long = format!("{}]]>{}\u{FFFF}<", "x".repeat(40), "y".repeat(30));
    let mut text = String::new();
    junit::push_cdata(&mut text, &long);
    assert_eq!(
        text,
        format!("{}]]&gt;{}&lt;", "x".repeat(40), "y".repeat(30))
    );
    let long = format!("{}]]>{}\n", "x".repeat(40), "y".repeat(30));
    let mut cdata = String::new();
    junit::push_cdata(&mut cdata, &long);
    assert_eq!(
        cdata,
        format!(
            "<![CDATA[{}]]]]><![CDATA[>{}\n]]>",
            "x".repeat(40),
            "y".repeat(30)
        )
    );
    let tap = tap::render(std::slice::from_ref(&s));
    assert!(
        tap.starts_with("TAP version 13\n1..4\n# t.apdu\nok 1 - t.apdu:1\nnot ok 2 - t.apdu:2\n"),
        "{tap}"
    );
    assert!(
        tap.contains("ok 4 - t.apdu:4 # SKIP not run: a card error on line 2"),
        "{tap}"
    );
}

#[test]
fn first_difference_in_data_length_and_status_word() {
    let e = expectation("[01 XX 03] (9000, 61XX)");
    assert_eq!(first_difference(&e, &[1, 9, 3, 0x90, 0x00]), 3 + 1);
    assert_eq!(first_difference(&e, &[1, 9, 0x90, 0x00]), 2);
    assert_eq!(first_difference(&e, &[2, 9, 3, 0x90, 0x00]), 0);
    assert_eq!(first_difference(&e, &[1, 9, 3, 0x6A, 0x82]), 3);
    assert_eq!(first_difference(&e, &[0x6A]), 0);
}

#[test]
fn timestamps_are_utc_iso_8601() {
    let t = UNIX_EPOCH_PLUS(1_796_218_904);
    assert_eq!(junit::timestamp(t), "2026-12-02T13:41:44");
    assert_eq!(
        junit::timestamp(UNIX_EPOCH_PLUS(951_782_400)),
        "2000-02-29T00:00:00"
    );
}

#[allow(non_snake_case)]
fn UNIX_EPOCH_PLUS(s: u64) -> SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(s)
}
