//! The script language, row by row of design.md §1, plus our extensions.

use apdu_scriptor::script::{
    parse, parse_at, parse_with_offset, ApduStatement, BytePattern, Expectation, ParseError,
    ParseErrorKind, Pos, Script, Span, StatementKind,
};

fn ok(text: &str) -> Script {
    let s = parse(text);
    assert!(s.is_ok(), "unexpected errors for {text:?}: {:?}", s.errors);
    s
}

fn apdus(text: &str) -> Vec<ApduStatement> {
    ok(text)
        .statements
        .into_iter()
        .filter_map(|s| match s.kind {
            StatementKind::Apdu(a) => Some(a),
            _ => None,
        })
        .collect()
}

fn one(text: &str) -> ApduStatement {
    let mut a = apdus(text);
    assert_eq!(a.len(), 1, "{text:?}");
    a.remove(0)
}

fn bytes(text: &str) -> Vec<Vec<u8>> {
    apdus(text).into_iter().map(|a| a.bytes).collect()
}

/// The only error of a one-line script, which yields no statement.
fn error(text: &str) -> ParseError {
    let s = parse(text);
    assert_eq!(s.errors.len(), 1, "{text:?}: {:?}", s.errors);
    assert!(s.statements.is_empty(), "{text:?}: {:?}", s.statements);
    s.errors[0].clone()
}

fn pos(line: usize, col: usize) -> Pos {
    Pos { line, col }
}

const SELECT: [u8; 5] = [0x00, 0xA4, 0x04, 0x00, 0x00];

// ---- Rows that gscriptor and scriptor accept: same APDUs, scriptor's echo.

#[test]
fn spaced_hex() {
    let a = one("00 A4 04 00 00");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00");
    assert_eq!(a.expect, None);
}

#[test]
fn compact_hex_is_expanded_with_a_trailing_space_in_the_echo() {
    let a = one("00a4040000");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 a4 04 00 00 ");
    assert_eq!(one("00A40000").echo, "00 A4 00 00 ");
}

#[test]
fn lower_case_is_accepted_and_kept_in_the_echo() {
    let a = one("00 c0 00 00 1c");
    assert_eq!(a.bytes, [0x00, 0xC0, 0x00, 0x00, 0x1C]);
    assert_eq!(a.echo, "00 c0 00 00 1c");
}

#[test]
fn trailing_spaces_are_accepted_and_echoed_as_typed() {
    let a = one("00 A4 04 00 00   ");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00   ");
    assert_eq!(one("00 A4 00 00 ").echo, "00 A4 00 00 ");
}

#[test]
fn continuation_of_spaced_hex() {
    let a = one("00 A4 \\\n04 00 00\n");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00");
    // scriptor collapses the blanks before `\` into one space.
    assert_eq!(one("00 A4   \\\n04 00 00").echo, "00 A4 04 00 00");
    assert_eq!(one("00 A4\\\n04 00 00").echo, "00 A4 04 00 00");
}

#[test]
fn continuation_after_a_compact_token_and_space() {
    // design.md's row `00A4 \` (scriptor itself rejects this one).
    assert_eq!(bytes("00A4 \\\n04 00 00"), [SELECT.to_vec()]);
}

#[test]
fn continuation_of_compact_hex() {
    let a = one("00A4040007\\\nA0000000031010");
    assert_eq!(
        a.bytes,
        [0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10]
    );
    assert_eq!(a.echo, "00 A4 04 00 07 A0 00 00 00 03 10 10 ");
}

#[test]
fn continuation_over_three_lines_keeps_the_last_line_s_trailing_blanks() {
    let a = one("00\\\nA4 04 \\\n00 00  ");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00  ");
}

#[test]
fn blank_and_comment_lines_inside_a_continuation_are_skipped_as_in_scriptor() {
    let a = one("00 A4 \\\n\n# note\n   \n04 00 00");
    assert_eq!(a.bytes, SELECT);
}

#[test]
fn blank_lines_are_skipped() {
    assert_eq!(
        bytes("\n00 A4 04 00 00\n\n   \n\t\n00 B0 00 00 02\n\n"),
        [SELECT.to_vec(), vec![0x00, 0xB0, 0x00, 0x00, 0x02]]
    );
    assert!(ok("").statements.is_empty());
    assert!(ok("\n\n  \n").statements.is_empty());
}

#[test]
fn comment_in_column_one() {
    let s = ok("# select the MF\n00 A4 04 00 00\n#00 B0 00 00 02");
    assert_eq!(s.statements.len(), 1);
    assert_eq!(s.statements[0].span.start, pos(2, 1));
}

#[test]
fn reset_in_any_case() {
    for word in ["reset", "RESET", "Reset", "rEsEt"] {
        let s = ok(word);
        assert_eq!(s.statements.len(), 1);
        assert_eq!(s.statements[0].kind, StatementKind::Reset, "{word}");
    }
}

#[test]
fn exit_stops_reading_the_script() {
    let s = ok("00 A4 04 00 00\nEXIT\nthis is no hex at all\n00 B0");
    let kinds: Vec<_> = s.statements.iter().map(|s| &s.kind).collect();
    assert!(matches!(
        kinds[..],
        [StatementKind::Apdu(_), StatementKind::Exit]
    ));
    assert_eq!(s.statements[1].span.start, pos(2, 1));
}

/// Captured from scriptor 1.6.2 (pcsc-tools, Debian 12) running this very
/// script on a virtual card: the `> ` lines and the APDUs the card received.
#[test]
fn echo_and_bytes_match_real_scriptor() {
    let script = "00 A4 04 00 00   \n00a400000c\n00A4040007\\\nA0000000031010\n\
                  00 A4 \\\n\n# c\n04 00 00\n00 A4\\\n04 00 00  \n00 A4   \\\n04 01\n\
                  00\\\n11 \\\n22 33\n00 B0 00 00 \n00B00000\n00 B0 \\\n0000\n";
    let scriptor = [
        ("00 A4 04 00 00   ", "00a4040000"),
        ("00 a4 00 00 0c ", "00a400000c"),
        (
            "00 A4 04 00 07 A0 00 00 00 03 10 10 ",
            "00a4040007a0000000031010",
        ),
        ("00 A4 04 00 00", "00a4040000"),
        ("00 A4 04 00 00  ", "00a4040000"),
        ("00 A4 04 01", "00a40401"),
        ("00 11 22 33", "00112233"),
        ("00 B0 00 00 ", "00b00000"),
        ("00 B0 00 00 ", "00b00000"),
        ("00 B0 00 00 ", "00b00000"),
    ];
    let ours: Vec<_> = apdus(script)
        .into_iter()
        .map(|a| (a.echo, hex_lower(&a.bytes)))
        .collect();
    let expected: Vec<_> = scriptor
        .iter()
        .map(|(e, b)| (e.to_string(), b.to_string()))
        .collect();
    assert_eq!(ours, expected);
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- gscriptor quirks we fix on purpose.

#[test]
fn runs_of_blanks_leading_blanks_and_tabs_are_accepted() {
    for text in [
        "00  A4 04 00 00",
        " 00 A4 04 00 00",
        "00\tA4\t04 00 00",
        "\t \t00 A4  \t 04 00 00",
    ] {
        assert_eq!(bytes(text), [SELECT.to_vec()], "{text:?}");
    }
    // The echo is normalised to single spaces.
    assert_eq!(one("  00\t\tA4  04 00 00").echo, "00 A4 04 00 00");
}

#[test]
fn compact_and_spaced_tokens_can_be_mixed() {
    let a = one("00a4 04 00");
    assert_eq!(a.bytes, [0x00, 0xA4, 0x04, 0x00]);
    assert_eq!(a.echo, "00 a4 04 00");
    assert_eq!(one("00 A40400 00").bytes, SELECT);
}

#[test]
fn crlf_line_ends_are_accepted() {
    let s = ok("# card test\r\n00 A4 04 00 00\r\n00A4040000\r\nreset\r\n");
    assert_eq!(s.statements.len(), 3);
    let StatementKind::Apdu(a) = &s.statements[0].kind else {
        panic!()
    };
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00");
    assert_eq!(s.statements[0].span.end, pos(2, 15));
    assert_eq!(s.statements[2].kind, StatementKind::Reset);
    assert_eq!(bytes("00 A4 \\\r\n04 00 00\r\n"), [SELECT.to_vec()]);
}

#[test]
fn a_lone_cr_ends_a_line_too() {
    let s = ok("00 A4 04 00 00\r00 B0 00 00 02\r");
    assert_eq!(s.statements.len(), 2);
    assert_eq!(s.statements[1].span.start, pos(2, 1));
}

#[test]
fn indented_comments_are_comments() {
    assert!(ok("  # note\n\t# another").statements.is_empty());
}

#[test]
fn trailing_comments_are_comments_even_when_they_say_reset_or_exit() {
    let s = ok("00 A4 04 00 00 # reset the card, then exit\n00 B0 00 00 02#exit");
    assert_eq!(s.statements.len(), 2);
    let StatementKind::Apdu(a) = &s.statements[0].kind else {
        panic!()
    };
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00");
    // The span stops before the comment.
    assert_eq!(s.statements[0].span.end, pos(1, 15));
}

#[test]
fn keywords_only_when_alone_on_their_line() {
    let s = ok("  reset  \n\tExit # stop here");
    assert_eq!(s.statements[0].kind, StatementKind::Reset);
    assert_eq!(
        s.statements[0].span,
        Span {
            start: pos(1, 3),
            end: pos(1, 8)
        }
    );
    assert_eq!(s.statements[1].kind, StatementKind::Exit);

    let e = error("Reset the card please");
    assert_eq!(e.kind, ParseErrorKind::TextAfterKeyword("reset".into()));
    assert_eq!(e.pos, pos(1, 7));
    let e = error("exit now");
    assert_eq!(e.kind, ParseErrorKind::TextAfterKeyword("exit".into()));
    assert_eq!(e.pos, pos(1, 6));
    let s = parse("reset\\\n00");
    assert_eq!(s.errors.len(), 1);
    assert_eq!(
        s.errors[0].kind,
        ParseErrorKind::TextAfterKeyword("reset".into())
    );
    assert_eq!(s.errors[0].pos, pos(1, 6));
    assert!(s.statements.is_empty());

    // A comment that mentions exit does not stop the script.
    let s = ok("# now we exit\n00 A4 04 00 00\n# and reset");
    assert_eq!(s.statements.len(), 1);
}

#[test]
fn hex_prefix_is_an_error_at_the_token() {
    let e = error("0x00 0xA4");
    assert_eq!((e.pos, e.kind), (pos(1, 1), ParseErrorKind::HexPrefix));
    let e = error("00 A4 0X04");
    assert_eq!((e.pos, e.kind), (pos(1, 7), ParseErrorKind::HexPrefix));
}

#[test]
fn invalid_character_is_an_error_at_the_character() {
    let e = error("00:A4");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 3), ParseErrorKind::InvalidChar(':'))
    );
    let e = error("00 A4 0G 00");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 8), ParseErrorKind::InvalidChar('G'))
    );
    let e = error("00 A4 XX");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 7), ParseErrorKind::InvalidChar('X'))
    );
}

#[test]
fn odd_number_of_digits_is_an_error_at_the_token() {
    let e = error("00A");
    assert_eq!((e.pos, e.kind), (pos(1, 1), ParseErrorKind::OddDigits));
    let e = error("00 A4 04A");
    assert_eq!((e.pos, e.kind), (pos(1, 7), ParseErrorKind::OddDigits));
    // A byte cannot be split over a continuation.
    let s = parse("00A40400\\\n0");
    assert_eq!(s.errors[0].kind, ParseErrorKind::OddDigits);
    assert_eq!(s.errors[0].pos, pos(2, 1));
}

#[test]
fn a_final_backslash_is_a_dangling_continuation() {
    let e = error("00 A4 04 00 00\\");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 15), ParseErrorKind::DanglingContinuation)
    );
    // Trailing blank or comment lines do not complete it.
    let e = error("00 A4 \\\n\n# nothing\n");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 7), ParseErrorKind::DanglingContinuation)
    );
}

#[test]
fn a_keyword_inside_a_continuation_leaves_it_dangling() {
    let s = parse("00 A4 \\\nreset\n04 00 00 00");
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].kind, ParseErrorKind::DanglingContinuation);
    assert_eq!(s.errors[0].pos, pos(1, 7));
    assert_eq!(s.statements.len(), 2); // reset, then 04 00 00 00 on its own
    assert_eq!(s.statements[0].kind, StatementKind::Reset);

    let s = parse("00 A4 \\\nexit\n");
    assert_eq!(s.errors[0].kind, ParseErrorKind::DanglingContinuation);
    assert_eq!(s.statements[0].kind, StatementKind::Exit);
}

#[test]
fn misplaced_backslash() {
    let e = error("00 \\ A4");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 4), ParseErrorKind::MisplacedContinuation)
    );
    let e = error("00A4\\04");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 5), ParseErrorKind::MisplacedContinuation)
    );
}

#[test]
fn unknown_word() {
    let e = error("hello world");
    assert_eq!(e.kind, ParseErrorKind::UnknownWord("hello".into()));
    assert_eq!(e.pos, pos(1, 1));
    let e = error("  exit2");
    assert_eq!(e.kind, ParseErrorKind::UnknownWord("exit2".into()));
    assert_eq!(e.pos, pos(1, 3));
}

#[test]
fn every_error_of_a_file_is_reported_and_no_bad_statement_is_emitted() {
    let text = "00 A4 04 00 00\n0x00\n00:A4\n00 B0 00 00 02\n00A\nReset the card\n00 \\";
    let s = parse(text);
    let found: Vec<_> = s
        .errors
        .iter()
        .map(|e| (e.pos.line, e.kind.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (2, ParseErrorKind::HexPrefix),
            (3, ParseErrorKind::InvalidChar(':')),
            (5, ParseErrorKind::OddDigits),
            (6, ParseErrorKind::TextAfterKeyword("reset".into())),
            (7, ParseErrorKind::DanglingContinuation),
        ]
    );
    let lines: Vec<_> = s.statements.iter().map(|s| s.span.start.line).collect();
    assert_eq!(lines, [1, 4]);
    assert!(!s.is_ok());
}

#[test]
fn an_error_on_any_line_of_a_continued_apdu_drops_the_whole_apdu() {
    let s = parse("00 A4 \\\n04 ZZ \\\n00 00\n00 B0 00 00 02");
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].pos, pos(2, 4));
    assert_eq!(s.statements.len(), 1);
    assert_eq!(s.statements[0].span.start.line, 4);
}

#[test]
fn one_error_per_line() {
    let s = parse("0x00 0xA4 zz");
    assert_eq!(s.errors.len(), 1);
}

// ---- Columns count characters, not bytes.

#[test]
fn columns_count_characters_in_multibyte_text() {
    let e = error("00 A4 é0");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 7), ParseErrorKind::InvalidChar('é'))
    );
    let e = error("ÄÖ 00");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 1), ParseErrorKind::InvalidChar('Ä'))
    );
    let s = ok("00 A4 04 00 00 # ünïcödé ✓\n# 日本語\n00 B0 00 00 02");
    assert_eq!(s.statements.len(), 2);
    // A no-break space separates tokens like a space.
    let a = one("00\u{a0}A4\u{a0}04 00 00");
    assert_eq!(a.bytes, SELECT);
    let s = ok("\u{a0}\u{a0}00 A4 04 00 00");
    assert_eq!(s.statements[0].span.start, pos(1, 3));
    let e = error("\u{a0}00 A4 ×1");
    assert_eq!(e.pos, pos(1, 8));
}

// ---- Spans.

#[test]
fn spans_cover_the_statement_from_first_to_last_character() {
    let text = "  00 A4 \\\n# c\n  04 00 00  # x\n\nreset\n";
    let s = ok(text);
    assert_eq!(
        s.statements[0].span,
        Span {
            start: pos(1, 3),
            end: pos(3, 11)
        }
    );
    assert_eq!(
        s.statements[1].span,
        Span {
            start: pos(5, 1),
            end: pos(5, 6)
        }
    );
    let r = s.statements[0].span.byte_range(text).unwrap();
    assert_eq!(&text[r], "00 A4 \\\n# c\n  04 00 00");
}

#[test]
fn span_of_an_apdu_with_an_expectation_includes_it() {
    let text = "00 A4 04 00 00 (9000) # ok";
    let s = ok(text);
    let r = s.statements[0].span.byte_range(text).unwrap();
    assert_eq!(&text[r], "00 A4 04 00 00 (9000)");
}

#[test]
fn parse_with_offset_shifts_lines() {
    let s = parse_with_offset("00 A4 04 00 00\n\n0x00\nreset", 41);
    assert_eq!(s.statements[0].span.start, pos(41, 1));
    assert_eq!(s.statements[1].span.start, pos(44, 1));
    assert_eq!(s.errors[0].pos, pos(43, 1));
}

#[test]
fn parse_at_shifts_the_columns_of_the_first_line_only() {
    let s = parse_at("00 A4 04 00 00\n00 ZZ", pos(10, 5));
    assert_eq!(
        s.statements[0].span,
        Span {
            start: pos(10, 5),
            end: pos(10, 19)
        }
    );
    assert_eq!(s.errors[0].pos, pos(11, 4));
}

#[test]
fn statement_at_line_finds_the_covering_statement() {
    let s = ok("# head\n00 A4 \\\n\n# in\n04 00 00\n\nreset\n00 B0 00 00 02");
    assert_eq!(s.statement_at_line(1), None);
    for line in 2..=5 {
        assert_eq!(
            s.statement_at_line(line).unwrap().span.start.line,
            2,
            "{line}"
        );
    }
    assert_eq!(s.statement_at_line(6), None);
    assert_eq!(s.statement_at_line(7).unwrap().kind, StatementKind::Reset);
    assert_eq!(s.statement_at_line(8).unwrap().span.start.line, 8);
    assert_eq!(s.statement_at_line(9), None);
    assert_eq!(s.statement_at_line(0), None);

    let sel = s.statements_in_lines(4, 7);
    assert_eq!(sel.len(), 2);
    assert_eq!(sel[1].kind, StatementKind::Reset);
    assert!(s.statements_in_lines(6, 6).is_empty());
    assert!(s.statements_in_lines(9, 3).is_empty());
    assert_eq!(s.statements_in_lines(1, 100).len(), 3);
}

#[test]
fn errors_on_line() {
    let s = parse("00 A4 00 00\n0x\n00 :");
    let on3: Vec<_> = s.errors_on_line(3).collect();
    assert_eq!(on3.len(), 1);
    assert_eq!(on3[0].pos, pos(3, 4));
    assert_eq!(s.errors_on_line(1).count(), 0);
}

// ---- Expectations.

fn sw(p: &str) -> BytePattern {
    let b = p.as_bytes();
    BytePattern(
        b.chunks(2)
            .map(|c| {
                let s = std::str::from_utf8(c).unwrap();
                (s != "XX").then(|| u8::from_str_radix(s, 16).unwrap())
            })
            .collect(),
    )
}

#[test]
fn status_word_expectations_with_wildcards() {
    let a = one("00 A4 04 00 07 A0000000031010 (9000, 61XX)");
    assert_eq!(a.bytes.len(), 12);
    assert_eq!(a.echo, "00 A4 04 00 07 A0 00 00 00 03 10 10");
    let e = a.expect.unwrap();
    assert_eq!(e.data, None);
    assert_eq!(e.sw, [sw("9000"), sw("61XX")]);
    // Lower case, spaced status words, no blanks at all.
    let e = one("00a4040000(90 00,61xx,xxXX)").expect.unwrap();
    assert_eq!(e.sw, [sw("9000"), sw("61XX"), sw("XXXX")]);
}

#[test]
fn data_expectation_then_status_words() {
    let e = one("00 B0 00 00 04 [01 02 XX XX] (9000)").expect.unwrap();
    assert_eq!(
        e.data,
        Some(BytePattern(vec![Some(1), Some(2), None, None]))
    );
    assert_eq!(e.sw, [sw("9000")]);
    let e = one("00 B0 00 00 04 [0102xxXX]").expect.unwrap();
    assert_eq!(
        e.data,
        Some(BytePattern(vec![Some(1), Some(2), None, None]))
    );
    assert!(e.sw.is_empty());
    let e = one("00 B0 00 00 00 [] (9000)").expect.unwrap();
    assert_eq!(e.data, Some(BytePattern(vec![])));
}

#[test]
fn expectation_on_the_last_line_of_a_continued_apdu() {
    let a = one("00 A4 04 00 \\\n00 (9000)");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.expect.unwrap().sw, [sw("9000")]);
    let a = one("00 A4 04 00 00 \\\n(9000) # alone on its line");
    assert_eq!(a.bytes, SELECT);
    assert_eq!(a.echo, "00 A4 04 00 00 ");
}

#[test]
fn expectation_without_apdu() {
    let e = error("(9000)");
    assert_eq!(
        (e.pos, e.kind),
        (pos(1, 1), ParseErrorKind::ExpectationWithoutApdu)
    );
    let s = parse("00 A4 04 00 00\n  [01] (9000)");
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].kind, ParseErrorKind::ExpectationWithoutApdu);
    assert_eq!(s.errors[0].pos, pos(2, 3));
}

fn bad_expectation(text: &str, col: usize, says: &str) {
    let e = error(text);
    let ParseErrorKind::BadExpectation(detail) = &e.kind else {
        panic!("{text:?}: {e:?}")
    };
    assert_eq!(e.pos, pos(1, col), "{text:?}: {detail}");
    assert!(detail.contains(says), "{text:?}: {detail}");
}

#[test]
fn malformed_expectations_say_what_was_expected() {
    bad_expectation("00 A4 04 00 00 (6XXX)", 17, "half-byte wildcard “6X”");
    bad_expectation("00 A4 04 00 00 (9000", 21, "expected “)”");
    bad_expectation("00 A4 04 00 00 (9000 6100)", 17, "expected two bytes");
    bad_expectation("00 A4 04 00 00 (900)", 17, "odd number");
    bad_expectation("00 A4 04 00 00 ()", 17, "expected a status word");
    bad_expectation("00 A4 04 00 00 (9000,)", 22, "expected a status word");
    bad_expectation("00 A4 04 00 00 (9000) 00", 23, "after “)”");
    bad_expectation("00 A4 04 00 00 (9000) [01]", 23, "after “)”");
    bad_expectation("00 B0 00 00 02 [01 02", 22, "expected “]”");
    bad_expectation("00 B0 00 00 02 [01 QQ]", 20, "invalid character “Q”");
    bad_expectation("00 B0 00 00 02 [01] 90", 21, "after “]”");
    bad_expectation("00 A4 (9000) \\\n00", 7, "last line");
    // A closer of the other kind is an invalid character, not a hang.
    bad_expectation("00 B0 00 00 02 [01 )", 20, "invalid character “)”");
    bad_expectation("00 B0 00 00 02 (90]0)", 19, "invalid character “]”");
    bad_expectation("00 B0 00 00 02 [01,02]", 19, "invalid character “,”");
}

#[test]
fn expectation_matches_responses() {
    let e = one("00 B0 00 00 04 [01 02 XX XX] (9000, 61XX)")
        .expect
        .unwrap();
    assert!(e.matches(&[1, 2, 3, 4, 0x90, 0x00]));
    assert!(e.matches(&[1, 2, 0xFF, 0, 0x61, 0x10]));
    assert!(!e.matches(&[1, 3, 3, 4, 0x90, 0x00]), "data byte differs");
    assert!(!e.matches(&[1, 2, 3, 0x90, 0x00]), "data too short");
    assert!(
        !e.matches(&[1, 2, 3, 4, 0x6A, 0x82]),
        "status word not listed"
    );
    assert!(!e.matches(&[0x90]), "response shorter than a status word");
    assert!(!e.matches(&[]));

    let any_sw = one("00 B0 00 00 00 []").expect.unwrap();
    assert!(any_sw.matches(&[0x6A, 0x82]));
    assert!(!any_sw.matches(&[0x01, 0x6A, 0x82]));
    let sw_only = one("00 A4 04 00 00 (9000)").expect.unwrap();
    assert!(sw_only.matches(&[1, 2, 3, 0x90, 0x00]));
    assert!(!sw_only.matches(&[0x90, 0x01]));
}

#[test]
fn byte_pattern_matches_whole_bytes() {
    let p = BytePattern(vec![Some(0x61), None]);
    assert!(p.matches(&[0x61, 0x00]));
    assert!(p.matches(&[0x61, 0xFF]));
    assert!(!p.matches(&[0x62, 0x00]));
    assert!(!p.matches(&[0x61]));
    assert!(!p.matches(&[0x61, 0x00, 0x00]));
    assert!(BytePattern(vec![]).matches(&[]));
    assert_eq!(p.to_string(), "61XX");
    assert_eq!(
        BytePattern(vec![Some(1), None, Some(0xAB)]).to_string(),
        "01 XX AB"
    );
}

#[test]
fn default_expectation_accepts_any_full_response() {
    let e = Expectation::default();
    assert!(e.matches(&[0x6F, 0x00]));
    assert!(!e.matches(&[0x6F]));
}

// ---- Messages.

#[test]
fn messages_name_what_was_expected_and_display_gives_the_position() {
    let e = error("00 A4 0x");
    assert!(e.message().contains("expected"), "{}", e.message());
    let e = error("00 :");
    assert_eq!(e.message(), "Invalid character “:”: expected a hex digit");
    assert_eq!(
        e.to_string(),
        "line 1, column 4: Invalid character “:”: expected a hex digit"
    );
    // Every kind has a message that says what was expected.
    for text in [
        "0x00", "00A", "00:", "00 \\", "(9000)", "00 (9000", "00 \\ 00", "reset it", "hello",
    ] {
        for e in parse(text).errors {
            assert!(
                e.message().contains("expected"),
                "{text:?}: {}",
                e.message()
            );
        }
    }
    // Control characters are shown escaped, not raw.
    let e = error("00 \u{7}");
    assert!(e.message().contains("\\u{7}"), "{}", e.message());
}

// ---- Never panics; spans stay inside the text.

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn line_count(text: &str) -> usize {
        // The parser's lines: LF, CRLF or CR.
        text.replace("\r\n", "\n")
            .replace('\r', "\n")
            .lines()
            .count()
    }

    fn check(text: &str) {
        let s = parse(text);
        let lines = line_count(text);
        let mut last_end = 0;
        for st in &s.statements {
            let span = st.span;
            assert!(span.start <= span.end, "{span:?}");
            assert!(span.end.line <= lines, "{span:?} beyond {lines} lines");
            assert!(span.start.line > last_end, "statements overlap: {span:?}");
            last_end = span.end.line;
            let r = span.byte_range(text).expect("span maps into the text");
            assert!(text.get(r.clone()).is_some(), "{r:?}");
            assert!(std::ptr::eq(
                s.statement_at_line(span.start.line).unwrap(),
                st
            ));
            if let StatementKind::Apdu(a) = &st.kind {
                assert!(!a.bytes.is_empty());
            }
        }
        for e in &s.errors {
            assert!(e.pos.line >= 1 && e.pos.line <= lines.max(1), "{e:?}");
            assert!(e.pos.col >= 1);
            let _ = e.to_string();
        }
        let shifted = parse_with_offset(text, 100);
        assert_eq!(shifted.statements.len(), s.statements.len());
        assert_eq!(shifted.errors.len(), s.errors.len());
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "00", "A4", "0", "a", "f", "x", "X", "XX", "0x", "g", " ", "  ", "\t", "\\", "#", "\n",
            "\r", "\r\n", "reset", "EXIT", "(", ")", "[", "]", ",", "é", "\u{a0}", "日", ":",
            "9000", "61XX", "\u{feff}",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn on_arbitrary_strings(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn on_script_like_strings(parts in prop::collection::vec(piece(), 0..60)) {
            check(&parts.concat());
        }
    }
}

// ---- APDU length (checked at parse time, unlike scriptor).

#[test]
fn apdus_shorter_than_a_header_are_refused_where_they_start() {
    for (text, len, at) in [
        ("00", 1, pos(1, 1)),
        ("  00 A4", 2, pos(1, 3)),
        ("# c\n00A4B0 (9000)", 3, pos(2, 1)),
        ("00 \\\n# note\nA4 00", 3, pos(1, 1)),
    ] {
        let s = parse(text);
        assert_eq!(s.statements, vec![], "{text:?}");
        assert_eq!(s.errors.len(), 1, "{text:?}");
        assert_eq!(s.errors[0].pos, at, "{text:?}");
        assert_eq!(
            s.errors[0].kind,
            ParseErrorKind::ApduTooShort(len),
            "{text:?}"
        );
    }
    assert_eq!(
        error("00 A4").message(),
        "APDU of 2 bytes: expected at least the 4 bytes CLA INS P1 P2"
    );
    assert_eq!(
        error("00").message(),
        "APDU of 1 byte: expected at least the 4 bytes CLA INS P1 P2"
    );
    assert_eq!(bytes("00 A4 00 00"), [vec![0, 0xA4, 0, 0]]);
}

#[test]
fn apdus_longer_than_an_extended_command_are_refused() {
    let longest = format!("00 D6 00 00 00 FF FF {}00 00", "AB ".repeat(65_535));
    assert_eq!(bytes(&longest)[0].len(), 65_544);
    let too_long = format!("{longest} 00");
    let e = error(&format!("# c\n{too_long}"));
    assert_eq!(
        (e.pos, e.kind.clone()),
        (pos(2, 1), ParseErrorKind::ApduTooLong(65_545))
    );
    assert_eq!(
        e.message(),
        "APDU of 65545 bytes: expected at most 65544 bytes, the longest extended command"
    );
}

// ---- Our statements: `reset cold`, `delay MS`, `wait card [SECONDS]`.

#[test]
fn reset_cold_delay_and_wait_card_are_statements() {
    let s = ok("reset cold # power cycle\n  DELAY 20\nwait card\nWait Card 5\nreset\n");
    let kinds: Vec<_> = s.statements.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds[..5],
        [
            StatementKind::ResetCold,
            StatementKind::Delay(20),
            StatementKind::WaitCard(None),
            StatementKind::WaitCard(Some(5)),
            StatementKind::Reset,
        ]
    );
    assert_eq!(
        s.statements[1].span,
        Span {
            start: pos(2, 3),
            end: pos(2, 11)
        }
    );
    assert_eq!(
        s.statements[0].span.end,
        pos(1, 11),
        "the comment is outside"
    );
}

#[test]
fn our_statements_are_validated_with_positions() {
    let e = error("delay");
    assert_eq!(e.pos, pos(1, 6));
    assert!(
        e.message()
            .contains("milliseconds after “delay”, from 0 to 600000"),
        "{}",
        e.message()
    );
    assert_eq!(error("delay 1.5").pos, pos(1, 7));
    assert_eq!(error("delay 700000").pos, pos(1, 7));
    let e = error("wait 30");
    assert_eq!(e.pos, pos(1, 6));
    assert!(
        e.message().contains("expected “card” after “wait”"),
        "{}",
        e.message()
    );
    assert_eq!(error("wait card soon").pos, pos(1, 11));
    assert_eq!(error("wait card 0").pos, pos(1, 11));
    let e = error("reset cold please");
    assert_eq!(e.pos, pos(1, 12));
    assert_eq!(
        e.kind,
        ParseErrorKind::TextAfterKeyword("reset cold".into())
    );
    // A continued APDU cannot end in one of them.
    let s = parse("00 A4 \\\ndelay 10\n");
    assert_eq!(s.errors[0].kind, ParseErrorKind::DanglingContinuation);
    // Hex that merely starts like a keyword stays hex.
    assert_eq!(bytes("de ad 0a 00\n"), [vec![0xDE, 0xAD, 0x0A, 0x00]]);
}
