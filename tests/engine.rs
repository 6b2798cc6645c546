//! The engine on the demo card and on small fake cards.

use std::sync::atomic::{AtomicBool, Ordering};

use apdu_scriptor::card::demo::DemoCard;
use apdu_scriptor::card::{Card, CardError, Disposition, Protocol};
use apdu_scriptor::engine::{self, EngineEvent, EngineOptions, Exchange, Origin, Outcome, Summary};
use apdu_scriptor::script::{
    ApduStatement, BytePattern, Expectation, Pos, Span, Statement, StatementKind,
};
use proptest::prelude::*;

fn bytes(hex: &str) -> Vec<u8> {
    let h: String = hex.split_whitespace().collect();
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

fn up(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

fn span(line: usize) -> Span {
    Span {
        start: Pos { line, col: 1 },
        end: Pos { line, col: 1 },
    }
}

/// `61XX`-style pattern.
fn pat(s: &str) -> BytePattern {
    BytePattern(
        (0..s.len())
            .step_by(2)
            .map(|i| match &s[i..i + 2] {
                "XX" => None,
                h => Some(u8::from_str_radix(h, 16).unwrap()),
            })
            .collect(),
    )
}

fn sw(sws: &[&str]) -> Expectation {
    Expectation {
        data: None,
        sw: sws.iter().map(|s| pat(s)).collect(),
    }
}

/// A script: one statement per line, `reset`/`exit`, hex with an optional
/// `=SW` or `=SW,SW` expectation.
fn script(lines: &[&str]) -> Vec<Statement> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let kind = match *l {
                "reset" => StatementKind::Reset,
                "exit" => StatementKind::Exit,
                _ => {
                    let (hex, expect) = match l.split_once('=') {
                        Some((h, e)) => (h, Some(sw(&e.split(',').collect::<Vec<_>>()))),
                        None => (*l, None),
                    };
                    StatementKind::Apdu(ApduStatement {
                        bytes: bytes(hex),
                        echo: hex.trim().to_owned(),
                        expect,
                    })
                }
            };
            Statement {
                kind,
                span: span(i + 1),
            }
        })
        .collect()
}

struct Run {
    events: Vec<EngineEvent>,
    summary: Summary,
}

impl Run {
    fn exchanges(&self) -> Vec<&Exchange> {
        self.events
            .iter()
            .filter_map(|e| match e {
                EngineEvent::Exchange(x) => Some(x),
                _ => None,
            })
            .collect()
    }

    fn responses(&self) -> Vec<String> {
        self.exchanges().iter().map(|x| up(&x.response)).collect()
    }
}

fn run_on(card: &mut dyn Card, lines: &[&str], options: &EngineOptions) -> Run {
    let stop = AtomicBool::new(false);
    let mut events = Vec::new();
    let mut obs = |e: &EngineEvent| events.push(e.clone());
    let summary = engine::run(&script(lines), card, options, &mut obs, &stop);
    Run { events, summary }
}

fn demo(p: Protocol) -> DemoCard {
    DemoCard::builtin(p).unwrap()
}

fn auto() -> EngineOptions {
    EngineOptions {
        auto_get_response: true,
        ..EngineOptions::default()
    }
}

const AID: &str = "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 00";
const PIN_OK: &str = "00 20 00 01 08 31 32 33 34 FF FF FF FF";
const PIN_BAD: &str = "00 20 00 01 08 39 39 39 39 FF FF FF FF";

#[test]
fn select_and_read_on_the_demo_card() {
    let mut card = demo(Protocol::T1);
    let r = run_on(
        &mut card,
        &[
            "00 A4 00 00 02 3F 00 00 =9000",
            AID,
            "00 A4 08 0C 04 60 00 60 01 =9000",
            "00 B0 00 00 00",
            "00 A4 08 0C 04 50 00 50 03",
            "00 B2 02 04 00 =9000",
        ],
        &EngineOptions::default(),
    );
    assert_eq!(r.summary.outcome, Outcome::Completed);
    let resp = r.responses();
    assert!(
        resp[0].starts_with("6F") && resp[0].ends_with("9000"),
        "{}",
        resp[0]
    );
    assert!(resp[1].contains("8409F04150445553435201"), "{}", resp[1]);
    assert_eq!(resp[2], "9000");
    assert_eq!(
        resp[3],
        up(b"Notes kept in the second application DF of the demo card.") + "9000"
    );
    assert_eq!(resp[5], up(b"Alan Turing") + &"FF".repeat(9) + "9000");
    let x = r.exchanges();
    assert!(x.iter().all(|x| x.origin == Origin::Script));
    assert_eq!(x[0].echo.as_deref(), Some("00 A4 00 00 02 3F 00 00"));
    assert_eq!(x[0].line, 1);
    assert_eq!(x[5].line, 6);
    assert_eq!(r.summary.commands, 6);
    assert_eq!(r.summary.assertions_checked, 3);
    assert_eq!(r.summary.assertions_failed, 0);
}

#[test]
fn verify_counts_down_to_blocked() {
    let mut card = demo(Protocol::T1);
    let r = run_on(
        &mut card,
        &[
            &format!("{PIN_BAD} =63C2"),
            &format!("{PIN_BAD} =63C1"),
            &format!("{PIN_BAD} =6983"),
            &format!("{PIN_OK} =6983"),
        ],
        &EngineOptions::default(),
    );
    assert_eq!(r.summary.outcome, Outcome::Completed);
    assert_eq!(r.responses(), ["63C2", "63C1", "6983", "6983"]);

    let mut card = demo(Protocol::T1);
    let r = run_on(
        &mut card,
        &[
            &format!("{PIN_BAD} =63C2"),
            &format!("{PIN_OK} =9000"),
            "00 20 00 01 =9000",
            "reset",
            "00 20 00 01 =63C3",
        ],
        &EngineOptions::default(),
    );
    assert_eq!(r.summary.outcome, Outcome::Completed, "{:?}", r.responses());
    assert_eq!(r.summary.resets, 1);
}

#[test]
fn update_binary_is_protected_by_the_pin() {
    let mut card = demo(Protocol::T1);
    let r = run_on(
        &mut card,
        &[
            "00 A4 08 0C 04 50 00 50 02",
            "00 D6 00 00 03 41 42 43 =6982",
            PIN_OK,
            "00 D6 00 00 03 41 42 43 =9000",
            "00 B0 00 00 05 =9000",
        ],
        &EngineOptions::default(),
    );
    assert_eq!(r.summary.outcome, Outcome::Completed);
    assert_eq!(r.responses()[4], up(b"ABCg ") + "9000");
}

#[test]
fn t0_61xx_by_hand_when_auto_is_off() {
    let fci =
        run_on(&mut demo(Protocol::T1), &[AID], &EngineOptions::default()).responses()[0].clone();
    let mut card = demo(Protocol::T0);
    let r = run_on(
        &mut card,
        &[AID, "00 C0 00 00 00"],
        &EngineOptions::default(),
    );
    let x = r.exchanges();
    assert_eq!(x.len(), 2);
    assert_eq!(up(&x[0].response), format!("61{:02X}", fci.len() / 2 - 2));
    assert_eq!(up(&x[1].response), fci);
    assert!(x.iter().all(|x| x.origin == Origin::Script));
}

#[test]
fn t0_61xx_fetched_automatically() {
    let fci =
        run_on(&mut demo(Protocol::T1), &[AID], &EngineOptions::default()).responses()[0].clone();
    let mut card = demo(Protocol::T0);
    let r = run_on(
        &mut card,
        &[&format!("{AID} =9000"), "00 B0 00 00 01"],
        &auto(),
    );
    let x = r.exchanges();
    assert_eq!(x.len(), 3);
    let xx = fci.len() / 2 - 2;
    assert_eq!(up(&x[0].response), format!("61{xx:02X}"));
    assert_eq!(x[0].check, None, "61XX is not the final response");
    assert_eq!(x[1].origin, Origin::AutoGetResponse);
    assert_eq!(x[1].echo, None);
    assert_eq!(up(&x[1].command), format!("00C00000{xx:02X}"));
    assert_eq!(up(&x[1].response), fci);
    assert_eq!(x[1].line, 1);
    assert_eq!(x[1].check, Some((sw(&["9000"]), true)));
    assert_eq!(r.summary.commands, 3);
    assert_eq!(r.summary.assertions_checked, 1);
}

#[test]
fn t0_6cxx_reported_or_corrected() {
    let lines = ["00 A4 08 0C 04 50 00 50 02", "00 B0 00 00 30 =9000"];
    let mut card = demo(Protocol::T0);
    let r = run_on(&mut card, &lines, &EngineOptions::default());
    assert_eq!(r.responses()[1], "6C28");
    assert_eq!(r.summary.outcome, Outcome::AssertionFailed);

    let mut card = demo(Protocol::T0);
    let r = run_on(&mut card, &lines, &auto());
    let x = r.exchanges();
    assert_eq!(x.len(), 3);
    assert_eq!(x[2].origin, Origin::AutoLe);
    assert_eq!(up(&x[2].command), "00B0000028");
    assert_eq!(
        up(&x[2].response),
        up(b"Long file: forty bytes of demo content..") + "9000"
    );
    assert_eq!(r.summary.outcome, Outcome::Completed);
}

/// Answers from a fixed function, records what it got, fails on request.
struct Fake {
    answer: fn(&[u8]) -> Vec<u8>,
    sent: Vec<Vec<u8>>,
    fail_at: Option<usize>,
    reset_fails: bool,
}

impl Fake {
    fn new(answer: fn(&[u8]) -> Vec<u8>) -> Fake {
        Fake {
            answer,
            sent: Vec::new(),
            fail_at: None,
            reset_fails: false,
        }
    }
}

impl Card for Fake {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        if self.fail_at == Some(self.sent.len() + 1) {
            return Err(CardError::CardRemoved);
        }
        self.sent.push(command.to_vec());
        Ok((self.answer)(command))
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        if self.reset_fails {
            Err(CardError::NoCard)
        } else {
            Ok(vec![0x3B, 0x00])
        }
    }
    fn atr(&self) -> Vec<u8> {
        vec![0x3B, 0x00]
    }
    fn protocol(&self) -> Protocol {
        Protocol::T0
    }
    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        Ok(())
    }
}

#[test]
fn automatic_rounds_are_bounded() {
    let mut card = Fake::new(|_| vec![0x61, 0x10]);
    let options = EngineOptions {
        max_rounds: 3,
        ..auto()
    };
    let r = run_on(
        &mut card,
        &["A0 A4 00 00 02 3F 00 =9000", "00 B0 00 00 01"],
        &options,
    );
    assert_eq!(card.sent.len(), 4, "1 scripted + 3 automatic");
    assert!(card.sent[1..].iter().all(|c| c == &bytes("A0 C0 00 00 10")));
    let x = r.exchanges();
    assert_eq!(x[3].check, Some((sw(&["9000"]), false)));
    // The card still asked for more: not a silent success, a failed run
    // whose error says why (a row in the window, a line on stderr).
    assert_eq!(
        r.summary.outcome,
        Outcome::CardError(CardError::TooManyRounds(3))
    );
    assert_eq!(r.summary.commands, 4);
    assert_eq!(r.summary.errors, 1);
    assert_eq!(
        CardError::TooManyRounds(3).message(),
        "The card still asks for more after 3 automatic GET RESPONSE or Le rounds"
    );
}

#[test]
fn a_6cxx_loop_is_bounded_too() {
    let mut card = Fake::new(|_| vec![0x6C, 0x05]);
    let options = EngineOptions {
        max_rounds: 2,
        ..auto()
    };
    let r = run_on(&mut card, &["00 B0 00 00 10"], &options);
    assert_eq!(
        card.sent,
        vec![
            bytes("00B0000010"),
            bytes("00B0000005"),
            bytes("00B0000005")
        ]
    );
    assert_eq!(
        r.summary.outcome,
        Outcome::CardError(CardError::TooManyRounds(2))
    );
}

#[test]
fn assertions_pass_fail_stop_or_continue() {
    let lines = [
        "00 B0 00 00 02 =9000",
        "00 B0 00 00 02 =61XX,6A82",
        "00 B0 00 00 02 =XX00",
    ];
    let mut card = Fake::new(|_| vec![0x12, 0x34, 0x90, 0x00]);
    let r = run_on(&mut card, &lines, &EngineOptions::default());
    assert_eq!(r.summary.outcome, Outcome::AssertionFailed);
    assert_eq!(card.sent.len(), 2, "stops at the failed line");
    let x = r.exchanges();
    assert_eq!(x[0].check.as_ref().map(|c| c.1), Some(true));
    assert_eq!(x[1].check.as_ref().map(|c| c.1), Some(false));

    let mut card = Fake::new(|_| vec![0x12, 0x34, 0x90, 0x00]);
    let options = EngineOptions {
        continue_on_mismatch: true,
        ..EngineOptions::default()
    };
    let r = run_on(&mut card, &lines, &options);
    assert_eq!(card.sent.len(), 3);
    assert_eq!(r.summary.outcome, Outcome::Completed);
    assert_eq!(r.summary.assertions_checked, 3);
    assert_eq!(r.summary.assertions_failed, 1);

    let mut card = Fake::new(|_| vec![0x12, 0x34, 0x90, 0x00]);
    let mut st = script(&["00 B0 00 00 02"]);
    if let StatementKind::Apdu(a) = &mut st[0].kind {
        a.expect = Some(Expectation {
            data: Some(pat("12XX")),
            sw: vec![],
        });
    }
    let stop = AtomicBool::new(false);
    let mut checks = Vec::new();
    let s = engine::run(
        &st,
        &mut card,
        &EngineOptions::default(),
        &mut |e: &EngineEvent| {
            if let EngineEvent::Exchange(x) = e {
                checks.push(x.check.as_ref().map(|c| c.1));
            }
        },
        &stop,
    );
    assert_eq!(checks, [Some(true)]);
    assert_eq!(s.outcome, Outcome::Completed);
}

#[test]
fn stop_is_honoured_between_apdus() {
    let mut card = Fake::new(|_| vec![0x90, 0x00]);
    let stop = AtomicBool::new(false);
    let mut seen = 0;
    let st = script(&["00 01 00 00", "00 02 00 00", "reset", "00 03 00 00"]);
    let s = engine::run(
        &st,
        &mut card,
        &EngineOptions::default(),
        &mut |e: &EngineEvent| {
            seen += 1;
            if matches!(e, EngineEvent::Exchange(_)) {
                stop.store(true, Ordering::Relaxed);
            }
        },
        &stop,
    );
    assert_eq!(s.outcome, Outcome::Stopped);
    assert_eq!(card.sent, vec![bytes("00010000")]);
    assert_eq!(seen, 1);
    assert_eq!(s.commands, 1);
}

#[test]
fn stop_also_ends_an_automatic_chain() {
    let mut card = Fake::new(|_| vec![0x61, 0x10]);
    let stop = AtomicBool::new(false);
    let s = engine::run(
        &script(&["00 A4 00 00 02 3F 00"]),
        &mut card,
        &auto(),
        &mut |_: &EngineEvent| stop.store(true, Ordering::Relaxed),
        &stop,
    );
    assert_eq!(s.outcome, Outcome::Stopped);
    assert_eq!(card.sent.len(), 1);
}

#[test]
fn card_error_mid_script_ends_the_run() {
    let mut card = Fake::new(|_| vec![0x90, 0x00]);
    card.fail_at = Some(3);
    let r = run_on(
        &mut card,
        &["00 01 00 00", "00 02 00 00", "00 03 00 00", "00 04 00 00"],
        &EngineOptions::default(),
    );
    assert_eq!(r.exchanges().len(), 2);
    assert_eq!(
        r.events.last(),
        Some(&EngineEvent::Error {
            line: 3,
            error: CardError::CardRemoved
        })
    );
    assert_eq!(
        r.summary.outcome,
        Outcome::CardError(CardError::CardRemoved)
    );
    assert_eq!(r.summary.errors, 1);
    assert_eq!(r.summary.commands, 2);
    assert_eq!(card.sent.len(), 2);
}

#[test]
fn reset_and_exit() {
    let mut card = demo(Protocol::T1);
    let atr = card.atr();
    let r = run_on(
        &mut card,
        &["reset", "00 A4 00 0C 02 3F 00", "exit", "00 B0 00 00 01"],
        &EngineOptions::default(),
    );
    assert!(matches!(&r.events[0], EngineEvent::Reset { line: 1, result: Ok(a), .. } if *a == atr));
    assert_eq!(r.events.last(), Some(&EngineEvent::Exit { line: 3 }));
    assert_eq!(r.summary.outcome, Outcome::Exited);
    assert_eq!(r.summary.resets, 1);
    assert_eq!(r.summary.commands, 1);
    assert!(r.summary.elapsed >= r.summary.card_time);

    let mut card = Fake::new(|_| vec![0x90, 0x00]);
    card.reset_fails = true;
    let r = run_on(
        &mut card,
        &["reset", "00 B0 00 00 01"],
        &EngineOptions::default(),
    );
    assert!(matches!(
        &r.events[0],
        EngineEvent::Reset {
            result: Err(CardError::NoCard),
            ..
        }
    ));
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.summary.outcome, Outcome::CardError(CardError::NoCard));
    assert!(card.sent.is_empty());
}

#[test]
fn empty_script_completes() {
    let r = run_on(&mut demo(Protocol::T1), &[], &auto());
    assert_eq!(r.summary.outcome, Outcome::Completed);
    assert!(r.events.is_empty());
}

proptest! {
    #[test]
    fn demo_card_never_panics(cmds in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..8),
                              t0 in any::<bool>()) {
        let mut card = demo(if t0 { Protocol::T0 } else { Protocol::T1 });
        for c in &cmds {
            let r = card.transmit(c).unwrap();
            prop_assert!(r.len() >= 2);
        }
    }

    #[test]
    fn demo_card_never_panics_on_iso_shaped_commands(
        cmds in prop::collection::vec((0u8..4, prop::sample::select(vec![0xA4u8, 0xB0, 0xB2, 0xD6, 0x20, 0x2C, 0x84, 0xC0, 0xCA]),
            any::<u8>(), any::<u8>(), prop::collection::vec(any::<u8>(), 0..20), prop::option::of(any::<u8>())), 1..12),
        t0 in any::<bool>())
    {
        let mut card = demo(if t0 { Protocol::T0 } else { Protocol::T1 });
        for (cla, ins, p1, p2, data, le) in &cmds {
            let mut c = vec![*cla, *ins, *p1, *p2];
            if !data.is_empty() {
                c.push(data.len() as u8);
                c.extend_from_slice(data);
            }
            c.extend(le);
            let r = card.transmit(&c).unwrap();
            prop_assert!(r.len() >= 2);
        }
    }
}

#[test]
fn a_6100_chain_reads_256_bytes_per_round() {
    let label = "L".repeat(300);
    let ron = format!(
        "(atr: Hex(\"3B 00\"), mf: (fid: 0x3F00, children: [Df((fid: 0x1000, aid: Some(Hex(\"F0 01 02 03 04\")), label: Some(\"{label}\")))]))"
    );
    let mut card = DemoCard::from_ron(&ron, Protocol::T0).unwrap();
    let r = run_on(
        &mut card,
        &["00 A4 04 00 05 F0 01 02 03 04 00 =9000"],
        &auto(),
    );
    let x = r.exchanges();
    assert_eq!(x.len(), 3);
    assert_eq!(up(&x[0].response), "6100");
    assert_eq!(up(&x[1].command), "00C0000000");
    assert_eq!(x[1].response.len(), 256 + 2);
    assert_eq!(x[1].response[256], 0x61);
    let rest = x[1].response[257] as usize;
    assert_eq!(up(&x[2].command), format!("00C00000{rest:02X}"));
    assert_eq!(x[2].response.len(), rest + 2);
    assert_eq!(r.summary.outcome, Outcome::Completed);
    let mut fci = x[1].response[..256].to_vec();
    fci.extend_from_slice(&x[2].response[..rest]);
    assert_eq!(
        &fci[..4],
        &[0x6F, 0x82, 0x01, 0x45][..],
        "6F with a two-byte length"
    );
    assert_eq!(fci.len(), 4 + 0x145);
    assert!(fci.ends_with(label.as_bytes()));
}

/// `delay` sleeps, but a stop request ends it at once, and no statement
/// after it runs; `reset cold` asks the card for a power cycle.
#[test]
fn delay_yields_to_stop_and_reset_cold_is_a_power_cycle() {
    struct Resets(Vec<bool>);
    impl Card for Resets {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, CardError> {
            Ok(vec![0x90, 0x00])
        }
        fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
            self.0.push(cold);
            Ok(vec![0x3B, 0x00])
        }
        fn atr(&self) -> Vec<u8> {
            vec![0x3B, 0x00]
        }
        fn protocol(&self) -> Protocol {
            Protocol::T1
        }
        fn disconnect(&mut self, _: Disposition) -> Result<(), CardError> {
            Ok(())
        }
    }
    let statements =
        apdu_scriptor::script::parse("reset cold\nreset\ndelay 600000\n00 A4 00 00\n").statements;
    let mut card = Resets(Vec::new());
    let stop = AtomicBool::new(false);
    let mut events = Vec::new();
    let summary = std::thread::scope(|s| {
        let stop = &stop;
        s.spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            stop.store(true, Ordering::SeqCst);
        });
        let mut obs = |e: &EngineEvent| events.push(e.clone());
        engine::run(
            &statements,
            &mut card,
            &EngineOptions::default(),
            &mut obs,
            stop,
        )
    });
    assert_eq!(summary.outcome, Outcome::Stopped);
    assert_eq!(card.0, [true, false]);
    assert_eq!(summary.commands, 0, "nothing after the delay ran");
    assert_eq!(events.len(), 2, "{events:?}");
}
