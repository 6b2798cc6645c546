//! The engine's own cost per APDU: 10 000 APDUs on the demo card through
//! `engine::run` with a no-op observer, against the same transmits made
//! directly on the card. `cargo bench --no-default-features --bench engine`

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use apdu_scriptor::card::demo::DemoCard;
use apdu_scriptor::card::{Card, Protocol};
use apdu_scriptor::engine::{self, EngineEvent, EngineOptions};
use apdu_scriptor::script::{ApduStatement, Span, Statement, StatementKind};

const APDUS: usize = 10_000;
const ROUNDS: usize = 15;

const COMMANDS: [&[u8]; 4] = [
    &[0x00, 0xA4, 0x08, 0x0C, 0x04, 0x50, 0x00, 0x50, 0x02],
    &[0x00, 0xB0, 0x00, 0x00, 0x28],
    &[0x00, 0xB2, 0x01, 0x1C, 0x14],
    &[0x00, 0xCA, 0x00, 0x42, 0x00],
];

fn statements() -> Vec<Statement> {
    (0..APDUS)
        .map(|i| {
            let bytes = COMMANDS[i % COMMANDS.len()].to_vec();
            let echo = bytes.iter().map(|b| format!("{b:02X} ")).collect();
            Statement {
                kind: StatementKind::Apdu(ApduStatement {
                    bytes,
                    echo,
                    expect: None,
                }),
                span: Span::default(),
            }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let statements = statements();
    let direct: Vec<Vec<u8>> = (0..APDUS)
        .map(|i| COMMANDS[i % COMMANDS.len()].to_vec())
        .collect();
    let options = EngineOptions::default();
    let stop = AtomicBool::new(false);
    let mut through_engine = Vec::with_capacity(ROUNDS);
    let mut on_card = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let mut card = DemoCard::builtin(Protocol::T1).expect("demo card");
        let mut observer = |e: &EngineEvent| {
            black_box(e);
        };
        let t = Instant::now();
        let summary = engine::run(&statements, &mut card, &options, &mut observer, &stop);
        through_engine.push(t.elapsed());
        assert_eq!(summary.commands, APDUS);

        let mut card = DemoCard::builtin(Protocol::T1).expect("demo card");
        let t = Instant::now();
        for c in &direct {
            black_box(card.transmit(black_box(c)).expect("transmit"));
        }
        on_card.push(t.elapsed());
    }
    let e = median(through_engine);
    let d = median(on_card);
    let per = (e.as_secs_f64() - d.as_secs_f64()) / APDUS as f64 * 1e6;
    println!("engine::run, {APDUS} APDUs on the demo card: {e:?} (median of {ROUNDS})");
    println!("direct transmits, {APDUS} APDUs:             {d:?}");
    println!("engine's own cost per APDU: {per:.3} us (target < 10 us)");
}
