//! Unit tests of the parser's internals; the language itself is covered by
//! `tests/script_syntax.rs`.

use super::parse::{hex_value, ws_len, LineIter};
use super::*;

#[test]
fn lines_end_with_lf_crlf_or_cr() {
    let lines: Vec<_> = LineIter::new("a\nb\r\nc\rd\r\r\ne").collect();
    assert_eq!(
        lines,
        [(0, "a"), (2, "b"), (5, "c"), (7, "d"), (9, ""), (11, "e")]
    );
    assert_eq!(LineIter::new("").count(), 0);
    assert_eq!(LineIter::new("x\n").count(), 1);
}

#[test]
fn hex_digits_and_blanks() {
    assert_eq!(hex_value(b'0'), Some(0));
    assert_eq!(hex_value(b'f'), Some(15));
    assert_eq!(hex_value(b'F'), Some(15));
    assert_eq!(hex_value(b'g'), None);
    assert_eq!(ws_len("a\u{a0}b", 1), 2);
    assert_eq!(ws_len("a\u{a0}b", 2), 0, "inside a character");
    assert_eq!(ws_len("\t", 0), 1);
    assert_eq!(ws_len("é", 0), 0);
    assert_eq!(ws_len("", 3), 0);
}

#[test]
fn byte_offset_counts_characters() {
    let text = "é0\nab";
    assert_eq!(byte_offset(text, Pos { line: 1, col: 2 }), Some(2));
    assert_eq!(byte_offset(text, Pos { line: 1, col: 3 }), Some(3));
    assert_eq!(byte_offset(text, Pos { line: 1, col: 4 }), None);
    assert_eq!(byte_offset(text, Pos { line: 2, col: 1 }), Some(4));
    assert_eq!(byte_offset(text, Pos { line: 3, col: 1 }), None);
    assert_eq!(byte_offset(text, Pos { line: 0, col: 1 }), None);
}

/// There is no formatter: the editor saves the text as typed, and parsing
/// only reads it. Every statement's span points back at the original text,
/// and that text alone parses to the same statement.
#[test]
fn parsing_never_needs_to_alter_the_text() {
    let text = "# Select the MF\r\n  00 A4 00 00 02 3F00  # MF\r\n\t00a4040007\\\r\n\
                # AID follows\r\nA0000000031010 (9000, 61XX)\r\nRESET\r\n00 B0 00 00 04 [01 02 XX XX]\r\n\
                exit\r\n";
    let before = text.to_owned();
    let script = parse(text);
    assert!(script.is_ok(), "{:?}", script.errors);
    assert_eq!(text, before);
    assert_eq!(script.statements.len(), 5);
    for st in &script.statements {
        let range = st.span.byte_range(text).unwrap();
        let piece = &text[range.clone()];
        // The piece starts and ends with what the user typed, no blanks.
        assert_eq!(piece.trim(), piece);
        let again = parse_with_offset(piece, st.span.start.line);
        assert!(again.is_ok(), "{piece:?}: {:?}", again.errors);
        assert_eq!(again.statements.len(), 1);
        assert_eq!(again.statements[0].kind, st.kind, "{piece:?}");
    }
    let StatementKind::Apdu(a) = &script.statements[1].kind else {
        panic!()
    };
    assert_eq!(a.echo, "00 a4 04 00 07 A0 00 00 00 03 10 10 ");
}
