//! The APDU model against real bytes: command cases, status words (with
//! every scriptor sentence), ATRs, BER-TLV, and no panic on any input.

use apdu_scriptor::apdu::atr::{self, Atr, Convention};
use apdu_scriptor::apdu::command::{ins_name, Case, CommandApdu, CommandWarning};
use apdu_scriptor::apdu::status::{meaning, scriptor_sentence, severity, Response, Severity};
use apdu_scriptor::apdu::tlv::{self, tag_name, TlvErrorKind};
use apdu_scriptor::apdu::{hex_spaced, parse_hex};
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    parse_hex(s).expect("test hex")
}

// ---------- command cases ----------

#[test]
fn case_1_is_the_header_alone() {
    let c = CommandApdu::parse(&h("00 70 80 01"));
    assert_eq!(c.case, Some(Case::Case1));
    assert_eq!((c.cla, c.ins, c.p1, c.p2), (0x00, 0x70, 0x80, 0x01));
    assert_eq!((c.lc, c.le), (None, None));
    assert!(c.data.is_empty());
    assert!(c.is_valid());
}

#[test]
fn case_2s_le_00_means_256() {
    let c = CommandApdu::parse(&h("00 C0 00 00 1C"));
    assert_eq!((c.case, c.le), (Some(Case::Case2S), Some(0x1C)));
    let c = CommandApdu::parse(&h("00 B0 00 00 00"));
    assert_eq!((c.case, c.le), (Some(Case::Case2S), Some(256)));
}

#[test]
fn case_3s_from_one_to_255_data_bytes() {
    let c = CommandApdu::parse(&h("00 A4 00 00 01 3F"));
    assert_eq!(c.case, Some(Case::Case3S));
    assert_eq!((c.lc, c.data.clone()), (Some(1), 5..6));
    let mut big = h("00 D6 00 00 FF");
    big.extend(std::iter::repeat_n(0xAA, 255));
    let c = CommandApdu::parse(&big);
    assert_eq!(
        (c.case, c.lc, c.data.clone()),
        (Some(Case::Case3S), Some(255), 5..260)
    );
}

#[test]
fn case_4s_has_le_after_the_data() {
    let c = CommandApdu::parse(&h("00 A4 04 00 07 A0 00 00 00 03 10 10 00"));
    assert_eq!(c.case, Some(Case::Case4S));
    assert_eq!(c.lc, Some(7));
    assert_eq!(c.data, 5..12);
    assert_eq!(c.le, Some(256));
    let c = CommandApdu::parse(&h("00 88 00 00 02 01 02 08"));
    assert_eq!((c.case, c.le), (Some(Case::Case4S), Some(8)));
}

#[test]
fn short_lc_of_zero_is_a_warning() {
    let c = CommandApdu::parse(&h("00 A4 04 00 00 3F"));
    assert_eq!(c.case, None);
    assert_eq!(c.warnings, vec![CommandWarning::ZeroLc]);
    assert!(c.warnings[0].message().contains("Lc is 0"));
}

#[test]
fn case_2e_le_on_three_bytes() {
    let c = CommandApdu::parse(&h("00 B0 00 00 00 00 00"));
    assert_eq!((c.case, c.le), (Some(Case::Case2E), Some(65_536)));
    let c = CommandApdu::parse(&h("00 B0 00 00 00 01 00"));
    assert_eq!((c.case, c.le), (Some(Case::Case2E), Some(256)));
    assert!(c.case.unwrap().is_extended());
}

#[test]
fn case_3e_with_three_byte_lc_up_to_65535() {
    let mut cmd = h("00 D6 00 00 00 01 00");
    cmd.extend(std::iter::repeat_n(0x11, 256));
    let c = CommandApdu::parse(&cmd);
    assert_eq!(
        (c.case, c.lc, c.data.clone()),
        (Some(Case::Case3E), Some(256), 7..263)
    );
    let mut max = h("00 D6 00 00 00 FF FF");
    max.extend(std::iter::repeat_n(0x22, 65_535));
    let c = CommandApdu::parse(&max);
    assert_eq!((c.case, c.lc), (Some(Case::Case3E), Some(65_535)));
    assert!(c.warnings.is_empty());
}

#[test]
fn case_4e_le_on_two_bytes() {
    let c = CommandApdu::parse(&h("00 2A 9E 9A 00 00 02 AB CD 00 00"));
    assert_eq!(c.case, Some(Case::Case4E));
    assert_eq!((c.lc, c.data.clone(), c.le), (Some(2), 7..9, Some(65_536)));
    let c = CommandApdu::parse(&h("00 2A 9E 9A 00 00 01 AB 01 02"));
    assert_eq!((c.case, c.le), (Some(Case::Case4E), Some(0x0102)));
    assert_eq!(Case::Case4E.label(), "4E");
}

#[test]
fn extended_lc_of_zero_is_a_warning() {
    let c = CommandApdu::parse(&h("00 A4 04 00 00 00 00 3F 00"));
    assert_eq!(c.case, None);
    assert_eq!(c.warnings, vec![CommandWarning::ZeroLc]);
}

#[test]
fn inconsistent_lc_is_reported_with_both_counts() {
    let bytes = h("00 A4 04 00 05 3F 00");
    let c = CommandApdu::parse(&bytes);
    assert_eq!(c.case, None);
    assert_eq!(c.lc, Some(5));
    assert_eq!(c.data, 5..7, "data is clipped to what is there");
    assert_eq!(
        c.warnings,
        vec![CommandWarning::LcMismatch {
            lc: 5,
            available: 2
        }]
    );
    assert_eq!(
        c.warnings[0].message(),
        "Lc announces 5 data bytes; data bytes present: 2"
    );
    // Three bytes after a short Lc of 1: neither 3S nor 4S.
    let c = CommandApdu::parse(&h("00 A4 04 00 01 3F 00 00"));
    assert!(matches!(
        c.warnings[..],
        [CommandWarning::LcMismatch {
            lc: 1,
            available: 3
        }]
    ));
}

#[test]
fn commands_shorter_than_a_header_warn() {
    for len in 0..4 {
        let bytes = &h("00 A4 04")[..len.min(3)];
        let c = CommandApdu::parse(bytes);
        assert_eq!(c.case, None);
        assert_eq!(
            c.warnings,
            vec![CommandWarning::TooShort { len: bytes.len() }]
        );
    }
    let c = CommandApdu::parse(&h("00 A4"));
    assert_eq!((c.cla, c.ins, c.p1), (0x00, 0xA4, 0x00));
    assert!(c.warnings[0].message().starts_with("Command of 2 bytes"));
}

#[test]
fn instruction_names_for_the_log() {
    assert_eq!(ins_name(0x00, 0xC0).as_deref(), Some("GET RESPONSE"));
    assert_eq!(ins_name(0x00, 0x20).as_deref(), Some("VERIFY"));
    assert_eq!(ins_name(0x00, 0xB0).as_deref(), Some("READ BINARY"));
    assert_eq!(
        ins_name(0x84, 0x82).as_deref(),
        Some("EXTERNAL AUTHENTICATE")
    );
    assert_eq!(ins_name(0x80, 0x50).as_deref(), Some("INITIALIZE UPDATE"));
    assert_eq!(ins_name(0x00, 0x50), None);
}

// ---------- responses and status words ----------

#[test]
fn responses_of_every_length() {
    assert_eq!(Response::from_bytes(&[]).sw, None);
    assert_eq!(Response::from_bytes(&[0x90]).sw, None);
    let r = Response::from_bytes(&h("6F 00 61 1C"));
    assert_eq!(
        (r.data.clone(), r.sw),
        (vec![0x6F, 0x00], Some((0x61, 0x1C)))
    );
}

#[test]
fn iso_classes_and_specific_words() {
    assert_eq!(meaning(0x90, 0x00), "Success");
    assert_eq!(
        meaning(0x62, 0x83),
        "Selected file deactivated (or card locked)"
    );
    assert_eq!(meaning(0x62, 0x99), "Warning, memory unchanged");
    assert_eq!(meaning(0x64, 0x00), "Execution error, memory unchanged");
    assert_eq!(meaning(0x65, 0x81), "Memory failure");
    assert_eq!(meaning(0x66, 0x00), "Security-related error");
    assert_eq!(meaning(0x67, 0x00), "Wrong length (Lc or Le)");
    assert_eq!(meaning(0x68, 0x82), "Secure messaging not supported");
    assert_eq!(meaning(0x69, 0x83), "Authentication method blocked");
    assert_eq!(meaning(0x6A, 0x86), "Incorrect parameters P1-P2");
    assert_eq!(
        meaning(0x6B, 0x00),
        "Wrong parameters P1-P2 (offset outside the file)"
    );
    assert_eq!(meaning(0x6D, 0x00), "Instruction not supported or invalid");
    assert_eq!(meaning(0x6E, 0x00), "Class not supported");
    assert_eq!(meaning(0x6F, 0x00), "No precise diagnosis");
    assert_eq!(meaning(0x6F, 0x12), "No precise diagnosis");
    assert_eq!(meaning(0x01, 0x02), "Unknown status word");
}

#[test]
fn counters_and_lengths_in_sw2() {
    assert_eq!(meaning(0x63, 0xC3), "Verification failed: 3 tries left");
    assert_eq!(meaning(0x63, 0xC1), "Verification failed: 1 try left");
    assert_eq!(
        meaning(0x61, 0x10),
        "16 bytes of response data still available"
    );
    assert_eq!(meaning(0x6C, 0x01), "Wrong Le: 1 byte available");
    assert_eq!(meaning(0x6C, 0x00), "Wrong Le: 256 bytes available");
}

#[test]
fn gsm_and_globalplatform_words() {
    assert_eq!(
        meaning(0x9F, 0x0F),
        "GSM: 15 bytes of response data available"
    );
    assert_eq!(
        meaning(0x91, 0x20),
        "Success; a proactive command of 32 bytes is pending"
    );
    assert_eq!(
        meaning(0x98, 0x04),
        "GSM: access condition not fulfilled or verification failed"
    );
    assert_eq!(meaning(0x94, 0x04), "GSM: file ID or pattern not found");
    assert_eq!(
        meaning(0x94, 0x84),
        "GlobalPlatform: algorithm not supported"
    );
    assert_eq!(
        meaning(0x94, 0x85),
        "GlobalPlatform: invalid key check value"
    );
    assert_eq!(meaning(0x63, 0x10), "More data available");
    assert_eq!(
        meaning(0x6A, 0x88),
        "Referenced data or reference data not found"
    );
    assert_eq!(meaning(0x69, 0x85), "Conditions of use not satisfied");
    assert_eq!(severity(0x9F, 0x10), Severity::Success);
    assert_eq!(severity(0x98, 0x40), Severity::Error);
    assert_eq!(severity(0x62, 0x81), Severity::Warning);
}

#[test]
fn every_scriptor_sentence_matches_pcsc_perl() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/scriptor-sw.tsv");
    let text = std::fs::read_to_string(path).expect("tests/data/scriptor-sw.tsv");
    let mut seen = 0;
    let mut wrong = Vec::new();
    for line in text.split('\n').filter(|l| !l.is_empty()) {
        let (sw, expected) = line.split_once('\t').expect("SW<TAB>sentence");
        let sw = u16::from_str_radix(sw, 16).expect("hex SW");
        let [sw1, sw2] = sw.to_be_bytes();
        let got = scriptor_sentence(sw1, sw2);
        if got != expected {
            wrong.push(format!("{sw:04X}: {got:?} != {expected:?}"));
        }
        seen += 1;
    }
    assert_eq!(seen, 65_536);
    assert!(
        wrong.is_empty(),
        "{} differ, first: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
}

// ---------- ATR ----------

#[test]
fn atr_t1_with_tck() {
    let a = Atr::parse(&h("3B 95 13 81 01 80 73 FF 01 00 0B"));
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.convention, Some(Convention::Direct));
    assert_eq!(a.t0, Some(0x95));
    assert_eq!(a.levels.len(), 3);
    assert_eq!((a.levels[0].ta, a.levels[0].td), (Some(0x13), Some(0x81)));
    assert_eq!(
        (a.levels[1].protocol, a.levels[1].td),
        (Some(1), Some(0x01))
    );
    assert_eq!(a.protocols, vec![1]);
    assert_eq!(a.historical_bytes(), &h("80 73 FF 01 00")[..]);
    assert_eq!(
        (a.tck, a.tck_required, a.tck_valid),
        (Some(0x0B), true, Some(true))
    );
    let r = a.rate();
    assert_eq!(
        (r.fi, r.di, r.fmax_mhz, r.default),
        (Some(372), Some(4), Some(5.0), false)
    );
    let fields = a.fields();
    let ta1 = fields.iter().find(|f| f.label == "TA1").expect("TA1 row");
    assert_eq!(ta1.value, "13");
    assert_eq!(ta1.explanation, "Fi = 372, Di = 4, fmax = 5 MHz");
    let tck = fields.iter().find(|f| f.label == "TCK").expect("TCK row");
    assert_eq!(tck.explanation, "Check byte correct");
    let caps = fields
        .iter()
        .find(|f| f.label == "73")
        .expect("compact-TLV row");
    assert_eq!(
        (caps.value.as_str(), caps.explanation.as_str()),
        ("FF 01 00", "Card capabilities")
    );
}

#[test]
fn atr_contactless_t0_and_t1() {
    let a = Atr::parse(&h(
        "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A",
    ));
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.protocols, vec![0, 1]);
    assert_eq!(a.historical_announced, 15);
    assert_eq!(a.historical.len(), 15);
    assert_eq!(a.tck_valid, Some(true));
    assert!(a.rate().default);
    assert_eq!(a.protocols_text(), "T=0, T=1");
    assert!(a
        .fields()
        .iter()
        .any(|f| f.explanation.ends_with("card MIFARE Classic 1K")));
}

#[test]
fn atr_without_interface_bytes_implies_t0() {
    let a = Atr::parse(&h("3B 02 14 50"));
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.protocols, vec![0]);
    assert_eq!(a.historical_bytes(), &[0x14, 0x50]);
    assert_eq!((a.tck, a.tck_required), (None, false));
    let rows = a.fields();
    assert!(rows.iter().any(|f| f.explanation == "T=0 implied: no TD1"));
}

#[test]
fn atr_inverse_convention() {
    let a = Atr::parse(&h("3F 65 25 00 2C 09 69 90 00"));
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.convention, Some(Convention::Inverse));
    assert_eq!((a.levels[0].tb, a.levels[0].tc), (Some(0x25), Some(0x00)));
    assert_eq!(a.historical_bytes(), &h("2C 09 69 90 00")[..]);
    assert_eq!(a.fields()[0].explanation, "Inverse convention");
}

#[test]
fn malformed_atrs_list_their_problems() {
    let a = Atr::parse(&[]);
    assert_eq!(a.problems, vec!["The ATR is empty".to_owned()]);

    let a = Atr::parse(&h("3B"));
    assert_eq!(a.problems, vec!["The ATR ends before T0".to_owned()]);

    // TD1 announces TD2 that is not there.
    let a = Atr::parse(&h("3B 80 80"));
    assert!(a.problems.iter().any(|p| p.contains("interface bytes")));
    assert_eq!(a.levels[0].td, Some(0x80));

    // Historical bytes cut short, and T=1 without its TCK.
    let a = Atr::parse(&h("3B 95 13 81 01 80 73"));
    assert_eq!(a.historical_bytes(), &[0x80, 0x73]);
    assert!(a
        .problems
        .iter()
        .any(|p| p == "T0 announces 5 historical bytes; bytes present: 2"));
    assert!(a.problems.iter().any(|p| p == "TCK is missing"));

    let a = Atr::parse(&h("3B 95 13 81 01 80 73 FF 01 00 0C"));
    assert_eq!(a.tck_valid, Some(false));
    assert!(a.problems.iter().any(|p| p == "TCK is 0C but should be 0B"));

    let a = Atr::parse(&h("12 02 14 50 99"));
    assert_eq!(a.convention, None);
    assert!(a.problems[0].starts_with("TS is 12"));
    assert_eq!(a.extra.len(), 1);
    assert_eq!(a.problems.len(), 2);
}

#[test]
fn card_names_from_an_inline_list() {
    let list = "# comment\n\
                3B 02 14 50\n\
                \tSchlumberger Multiflex 3k\n\
                \n\
                3B 95 13 81 01 80 73 FF 01 00 ..\r\n\
                \tvsmartcard - iso7816 (Other)\r\n\
                \thttps://example.org/\n\
                3F 65 25 00 2[2C] 09 [F6]9 90 00\n\
                \tSesam Vitale\n\
                3B 95 .*\n\
                \tAny 3B 95 card\n";
    assert_eq!(
        atr::lookup_names_in(list, &h("3B 02 14 50")),
        vec!["Schlumberger Multiflex 3k"]
    );
    assert_eq!(
        atr::lookup_names_in(list, &h("3B 95 13 81 01 80 73 FF 01 00 0B")),
        vec![
            "vsmartcard - iso7816 (Other)",
            "https://example.org/",
            "Any 3B 95 card"
        ]
    );
    assert_eq!(
        atr::lookup_names_in(list, &h("3F 65 25 00 2C 09 69 90 00")),
        vec!["Sesam Vitale"]
    );
    assert!(atr::lookup_names_in(list, &h("3B 02 14")).is_empty());
    assert!(atr::lookup_names_in(list, &h("3B 02 14 50 00")).is_empty());
}

#[test]
fn card_names_from_the_installed_list() {
    let path = "/usr/share/pcsc/smartcard_list.txt";
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} absent (pcsc-tools not installed): skipped");
        return;
    };
    let names = atr::lookup_names_in(&text, &h("3B 02 14 50"));
    assert!(names.iter().any(|n| n.contains("Multiflex")), "{names:?}");
    let names = atr::lookup_names_in(&text, &h("3F 65 25 00 2C 09 69 90 00"));
    assert!(
        names.iter().any(|n| n.contains("Sesam Vitale")),
        "{names:?}"
    );
    assert!(atr::smartcard_list_paths()
        .iter()
        .any(|p| p.to_str() == Some(path)));
}

// ---------- BER-TLV ----------

#[test]
fn tlv_fci_tree() {
    let data = h(
        "6F 1A 84 0E 31 50 41 59 2E 53 59 53 2E 44 44 46 30 31 A5 08 88 01 01 5F 2D 02 65 6E 90 00",
    );
    let (tree, err) = tlv::parse(&data[..data.len() - 2]);
    assert_eq!(err, None);
    assert_eq!(tree.len(), 1);
    let fci = &tree[0];
    assert_eq!((fci.tag, fci.constructed), (0x6F, true));
    assert_eq!(fci.children.len(), 2);
    let df = &fci.children[0];
    assert_eq!(df.tag, 0x84);
    assert_eq!(&data[df.value.clone()], b"1PAY.SYS.DDF01");
    let a5 = &fci.children[1];
    assert_eq!(
        a5.children.iter().map(|t| t.tag).collect::<Vec<_>>(),
        vec![0x88, 0x5F2D]
    );
    assert_eq!(&data[a5.children[1].value.clone()], b"en");
    assert_eq!(
        tag_name(0x6F, None).as_deref(),
        Some("File control information (FCI)")
    );
    assert_eq!(
        tag_name(0x5F2D, Some(0xA5)).as_deref(),
        Some("Language preference")
    );
}

#[test]
fn tlv_padding_and_long_lengths() {
    let mut data = h("00 FF 50 02 41 42 00 00 C0 82 01 00");
    data.extend(std::iter::repeat_n(0x55, 256));
    data.push(0xFF);
    let (tree, err) = tlv::parse(&data);
    assert_eq!(err, None);
    assert_eq!(
        tree.iter().map(|t| t.tag).collect::<Vec<_>>(),
        vec![0x50, 0xC0]
    );
    assert_eq!(tree[1].value.len(), 256);
    assert_eq!(tree[1].range, 8..268);
}

#[test]
fn tlv_malformed_gives_partial_tree() {
    let (tree, err) = tlv::parse(&h("6F 06 84 01 AA 50 05 41"));
    let err = err.expect("truncated child");
    assert_eq!((err.offset, err.kind), (5, TlvErrorKind::Truncated));
    assert_eq!(tree[0].children.len(), 1);
    assert_eq!(tree[0].children[0].tag, 0x84);

    let (_, err) = tlv::parse(&h("9F FF FF FF 01 00"));
    assert_eq!(err.map(|e| e.kind), Some(TlvErrorKind::TagTooLong));
    let (_, err) = tlv::parse(&h("50 85 00 00 00 00 01 41"));
    assert_eq!(err.map(|e| e.kind), Some(TlvErrorKind::LengthTooLong));
    let (_, err) = tlv::parse(&h("5F"));
    assert_eq!(err.map(|e| e.kind), Some(TlvErrorKind::Truncated));
    let (tree, err) = tlv::parse(&h("50 01 41 6F 80 50 01 41 00 00"));
    assert_eq!(tree.len(), 1);
    let err = err.expect("indefinite");
    assert_eq!(err.kind, TlvErrorKind::IndefiniteLength);
    assert!(err.message().contains("offset 3"));
}

#[test]
fn tlv_deep_nesting_is_refused() {
    let depth = 100;
    let mut data = vec![0x50, 0x00];
    for _ in 0..depth {
        let Ok(len) = u8::try_from(data.len()) else {
            break;
        };
        let mut outer = vec![0x61, 0x81, len];
        outer.extend(&data);
        data = outer;
    }
    let (tree, err) = tlv::parse(&data);
    assert_eq!(err.map(|e| e.kind), Some(TlvErrorKind::TooDeep));
    assert_eq!(tree.len(), 1);
}

#[test]
fn hex_helpers() {
    assert_eq!(hex_spaced(&h("3b95")), "3B 95");
}

// ---------- never panic ----------

proptest! {
    #[test]
    fn command_parser_total(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let c = CommandApdu::parse(&bytes);
        prop_assert!(c.data.end <= bytes.len().max(4));
        prop_assert!(c.data.start <= c.data.end);
        prop_assert!(c.case.is_some() || !c.warnings.is_empty());
        for w in &c.warnings {
            prop_assert!(!w.message().is_empty());
        }
    }

    #[test]
    fn atr_parser_total(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let a = Atr::parse(&bytes);
        prop_assert!(a.historical.end <= bytes.len());
        prop_assert!(a.historical.start <= a.historical.end);
        prop_assert!(!a.protocols.is_empty() || bytes.len() < 2);
        let _ = a.fields();
        let _ = a.rate();
    }

    #[test]
    fn atr_parser_on_well_formed_starts(
        t0 in any::<u8>(),
        rest in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut bytes = vec![0x3B, t0];
        bytes.extend(rest);
        let a = Atr::parse(&bytes);
        let _ = a.fields();
    }

    #[test]
    fn tlv_parser_total(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (tree, _) = tlv::parse(&bytes);
        fn check(t: &[tlv::Tlv], len: usize) -> bool {
            t.iter().all(|n| n.range.end <= len && n.value.end <= n.range.end && check(&n.children, len))
        }
        prop_assert!(check(&tree, bytes.len()));
    }

    #[test]
    fn tlv_parser_on_nested_shapes(picks in proptest::collection::vec(0usize..8, 0..600)) {
        // Mostly constructed tags and long-length bytes, to reach deep nesting.
        const BYTES: [u8; 8] = [0x61, 0x7F, 0x21, 0x81, 0x82, 0x00, 0x05, 0x9F];
        let bytes: Vec<u8> = picks.iter().map(|&i| BYTES[i]).collect();
        let _ = tlv::parse(&bytes);
    }

    #[test]
    fn card_list_patterns_total(pattern in "[0-9A-F .\\[\\]*+?^,\\-\\\\()]{0,40}", atr in proptest::collection::vec(any::<u8>(), 0..20)) {
        let list = format!("{pattern}\n\tname\n");
        let _ = atr::lookup_names_in(&list, &atr);
    }
}
