//! Generated input for every parser of untrusted data: scripts, ATRs,
//! BER-TLV, command APDUs, card descriptions and settings files. None may
//! panic, and each keeps its invariants. Inputs are small, so each case is
//! bounded in time by the parsers' linear cost.
//!
//! `FUZZ_CASES` sets the cases per property (a short run by default, as in
//! `make test`); `make fuzz` runs 150 000 per property, over 10^6 in all.

use apdu_scriptor::apdu::atr::Atr;
use apdu_scriptor::apdu::{tlv, Case, CommandApdu};
use apdu_scriptor::card::demo::DemoCard;
use apdu_scriptor::card::Protocol;
use apdu_scriptor::engine::with_le;
use apdu_scriptor::script::{parse, statements, StatementKind, MAX_ERRORS};
use apdu_scriptor::settings::Settings;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces of script syntax, so that generated text reaches deep into the
/// grammar (random strings rarely do).
fn script_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "00",
        "A4",
        "0",
        "a",
        "f",
        "x",
        "XX",
        "0x",
        "g",
        " ",
        "\t",
        "\\",
        "#",
        "\n",
        "\r",
        "\r\n",
        "reset",
        "EXIT",
        "(",
        ")",
        "[",
        "]",
        ",",
        "é",
        "\u{a0}",
        ":",
        "9000",
        "61XX",
        "\u{feff}",
        "00 A4 04 00",
        "00a4040007a0000000031010",
        "\0",
    ])
}

/// `base` with characters deleted, inserted or replaced at `edits`.
fn mutate(base: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, op, c) in edits {
        let at = at % (chars.len() + 1);
        match op % 3 {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, c),
            _ if at < chars.len() => chars[at] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

fn ron_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '(', ')', '[', ']', '{', '}', ',', ':', '"', '\\', '0', '9', 'x', '-', ' ', '\n', 'S',
            'N', 'e',
        ]),
        any::<char>(),
    ]
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), ron_char()), 0..12)
}

const DEMO_CARD: &str = include_str!("../resources/demo-card.ron");

fn check_script(text: &str) {
    let whole = parse(text);
    assert!(whole.errors.len() <= MAX_ERRORS);
    assert!(whole.errors.windows(2).all(|w| w[0].pos <= w[1].pos));
    for st in &whole.statements {
        assert!(st.span.byte_range(text).is_some(), "{st:?}");
        if let StatementKind::Apdu(a) = &st.kind {
            assert!((4..=65_544).contains(&a.bytes.len()), "{a:?}");
        }
    }
    // The streaming parse (used by `run`) finds the same statements and
    // errors as the whole one (used by the window).
    let mut stream = statements(text);
    let streamed: Vec<_> = stream.by_ref().collect();
    assert_eq!(streamed, whole.statements);
    let checked = stream.finish();
    assert_eq!(checked.errors, whole.errors);
    assert_eq!(checked.more_errors, whole.more_errors);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn script_parser_on_any_text(text in any::<String>()) {
        check_script(&text);
    }

    #[test]
    fn script_parser_on_script_like_text(parts in prop::collection::vec(script_piece(), 0..80)) {
        check_script(&parts.concat());
    }

    #[test]
    fn atr_parser(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        let a = Atr::parse(&bytes);
        prop_assert!(a.historical.start <= a.historical.end);
        prop_assert!(a.historical.end <= bytes.len());
        let _ = a.fields();
        let _ = a.rate();
        let _ = a.protocols_text();
    }

    #[test]
    fn tlv_parser(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let (tree, _) = tlv::parse(&bytes);
        fn inside(t: &[tlv::Tlv], len: usize) -> bool {
            t.iter().all(|n| {
                n.range.end <= len
                    && n.range.start <= n.value.start
                    && n.value.end <= n.range.end
                    && inside(&n.children, len)
            })
        }
        prop_assert!(inside(&tree, bytes.len()));
    }

    #[test]
    fn command_decoder(bytes in prop::collection::vec(any::<u8>(), 0..300), xx in any::<u8>()) {
        let info = CommandApdu::parse(&bytes);
        prop_assert!(info.data.start <= info.data.end);
        prop_assert!(info.case.is_some() || !info.warnings.is_empty());
        // A well-formed command with a new Le is still well formed, of
        // the case with Le, and keeps its header and data.
        if let Some(case) = info.case.filter(|_| info.warnings.is_empty()) {
            let again = with_le(&bytes, xx).expect("a well-formed command takes an Le");
            let re = CommandApdu::parse(&again);
            prop_assert!(re.is_valid(), "{again:02X?}");
            prop_assert_eq!(&again[..4], &bytes[..4]);
            prop_assert_eq!(&again[re.data.clone()], &bytes[info.data.clone()]);
            let want = match case {
                Case::Case1 | Case::Case2S => Case::Case2S,
                Case::Case3S | Case::Case4S => Case::Case4S,
                Case::Case2E => Case::Case2E,
                Case::Case3E | Case::Case4E => Case::Case4E,
            };
            prop_assert_eq!(re.case, Some(want));
        } else {
            prop_assert_eq!(with_le(&bytes, xx), None);
        }
    }

    #[test]
    fn card_description_ron(edits in edits()) {
        let text = mutate(DEMO_CARD, &edits);
        if let Err(e) = DemoCard::from_ron(&text, Protocol::T1) {
            prop_assert!(!e.to_string().is_empty());
            prop_assert!(!e.to_string().contains("serde_stacker"));
        }
    }

    #[test]
    fn settings_ron(edits in edits()) {
        let sample = ron::to_string(&Settings {
            reader: Some("Virtual PCD 00 00".into()),
            log_columns: vec![90, 40, 300, 50, 0, 70],
            recent_files: vec!["/tmp/a.apdu".into()],
            ..Settings::default()
        })
        .unwrap();
        let text = mutate(&sample, &edits);
        match Settings::from_ron(&text) {
            Ok(s) => {
                // Whatever was read is usable by the window.
                prop_assert!((200..=20000).contains(&s.window_width));
                prop_assert!((150..=20000).contains(&s.window_height));
                prop_assert!((0..=s.window_height).contains(&s.log_pane));
                prop_assert!(s.log_columns.is_empty() || s.log_columns.len() == apdu_scriptor::settings::LOG_COLUMNS);
                prop_assert!(s.log_columns.iter().all(|&c| c >= 0));
                prop_assert!(s.log_columns.iter().map(|&c| i64::from(c)).sum::<i64>() < i64::from(s.window_width));
                prop_assert!(s.recent_files.iter().all(|p| p.is_absolute()));
                prop_assert_eq!(Settings::from_ron(&ron::to_string(&s).unwrap()), Ok(s));
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }
}
