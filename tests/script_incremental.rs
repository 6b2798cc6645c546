//! Incremental validation (what the editor does as you type) gives what a
//! full parse of the same text gives, after any sequence of edits.

use apdu_scriptor::script::incremental::{buffer_lines, Changes};
use apdu_scriptor::script::{parse, Incremental, ParseErrorKind, MAX_ERRORS};
use proptest::prelude::*;

/// The text and its incremental parse, edited as a GtkTextBuffer is: a
/// deletion, then an insertion, each reported with the lines it touched.
struct Doc {
    text: String,
    inc: Incremental,
}

impl Doc {
    fn new(text: &str) -> Doc {
        Doc {
            text: text.to_owned(),
            inc: Incremental::new(text),
        }
    }

    /// The buffer line (from 0) of a byte offset.
    fn line_of(&self, off: usize) -> usize {
        buffer_lines(&self.text[..off]).len() - 1
    }

    /// A byte offset where a buffer iterator can be: on a character
    /// boundary, never between the CR and the LF of a CRLF.
    fn snap(&self, mut off: usize) -> usize {
        off = off.min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let b = self.text.as_bytes();
        if off > 0 && b[off - 1] == b'\r' && b.get(off) == Some(&b'\n') {
            off -= 1;
        }
        off
    }

    fn delete(&mut self, from: usize, to: usize) {
        let (from, to) = (self.snap(from), self.snap(to));
        let (from, to) = (from.min(to), from.max(to));
        let (first, last) = (self.line_of(from), self.line_of(to));
        self.text.replace_range(from..to, "");
        self.report(first, last);
    }

    fn insert(&mut self, at: usize, s: &str) {
        let at = self.snap(at);
        let line = self.line_of(at);
        self.text.insert_str(at, s);
        self.report(line, line);
    }

    fn report(&mut self, first: usize, last: usize) {
        let n = buffer_lines(&self.text).len();
        if !self.inc.edited(first, last, n) {
            self.inc = Incremental::new(&self.text);
        }
        assert_eq!(self.inc.line_count(), n, "{:?}", self.text);
    }

    fn update(&mut self) -> Changes {
        let lines: Vec<String> = buffer_lines(&self.text)
            .into_iter()
            .map(str::to_owned)
            .collect();
        self.inc.update(|i| lines.get(i).cloned())
    }

    fn check(&mut self) {
        self.update();
        let full = parse(&self.text);
        assert_eq!(self.inc.script(), full, "text {:?}", self.text);
        assert_eq!(self.inc.error_count(), full.error_count());
        assert_eq!(self.inc.errors(), (full.errors, full.more_errors));
    }
}

#[test]
fn typing_a_character_re_reads_one_line() {
    let text = "00 A4 04 00 00\n".repeat(1000);
    let mut doc = Doc::new(&text);
    let mut read = Vec::new();
    let at = text.len() / 2;
    doc.insert(at, "z");
    let lines: Vec<String> = buffer_lines(&doc.text)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let changes = doc.inc.update(|i| {
        read.push(i);
        lines.get(i).cloned()
    });
    assert_eq!(read, vec![500]);
    assert_eq!(changes.lines, 500..501);
    assert_eq!(doc.inc.error_count(), 1);
    doc.check();
}

#[test]
fn lines_after_an_edit_shift() {
    let mut doc = Doc::new("00 A4\n00 A4 04 00\nzz\n");
    doc.check();
    assert_eq!(doc.inc.errors().0[0].pos.line, 1);
    doc.insert(0, "00 B0 00 00\n\n");
    let changes = doc.update();
    assert_eq!(changes.delta, 2);
    assert_eq!(changes.map_old_line(2), 4, "zz was on line 3, now 5");
    assert_eq!(changes.map_old_line(0), 0, "the edited line");
    let lines: Vec<_> = doc.inc.errors().0.iter().map(|e| e.pos.line).collect();
    assert_eq!(lines, vec![3, 5]);
    doc.check();
}

#[test]
fn a_continuation_and_exit_reach_past_the_edited_line() {
    let mut doc = Doc::new("00 A4 04 00\n# note\n00\nreset\n00 B0 00 00\n");
    doc.check();
    // "00 A4 04 00 \" continues onto line 3, past the comment.
    doc.insert("00 A4 04 00".len(), " \\");
    doc.check();
    assert_eq!(doc.inc.script().statements[0].span.end.line, 3);
    // Removing the last line's break leaves the reset last; "exit" above
    // stops everything after it, and deleting it brings it all back.
    doc.insert(0, "exit\n");
    doc.check();
    assert_eq!(doc.inc.script().statements.len(), 1);
    doc.delete(0, 5);
    doc.check();
    assert_eq!(doc.inc.script().statements.len(), 3);
    // A dangling continuation at the end of the text.
    let end = doc.text.len();
    doc.insert(end, "00 A4 04 00 \\");
    doc.check();
    assert!(doc
        .inc
        .errors()
        .0
        .iter()
        .any(|e| e.kind == ParseErrorKind::DanglingContinuation));
}

#[test]
fn joining_a_cr_and_an_lf_changes_the_line_before() {
    let mut doc = Doc::new("00 A4 04 00\rzz\n00 B0 00 00");
    doc.check();
    let x = doc.text.find("zz").unwrap();
    doc.delete(x, x + 2);
    doc.check();
    assert_eq!(doc.inc.line_count(), 2);
}

#[test]
fn only_the_first_errors_are_listed_the_others_counted() {
    let text = "zz\n".repeat(MAX_ERRORS + 20);
    let mut doc = Doc::new(&text);
    doc.check();
    assert_eq!(doc.inc.errors().1, 20);
    doc.delete(0, 3);
    doc.check();
    doc.insert(0, "zz\nzz\n");
    doc.check();
    assert_eq!(doc.inc.errors().1, 21);
}

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "00",
        "A4",
        "04 00 00",
        "0",
        "a",
        "x",
        "XX",
        "0x",
        " ",
        "\t",
        "\\",
        " \\",
        "#",
        "# c",
        "\n",
        "\n",
        "\n",
        "\r",
        "\r\n",
        "reset",
        "exit",
        "EXIT",
        "reset cold",
        "delay 5",
        "wait card",
        "(",
        ")",
        "[",
        "]",
        "(9000)",
        "[01 XX]",
        "é",
        "\u{a0}",
        "zz",
    ])
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, usize, String),
}

fn snippet() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..8).prop_map(|p| p.concat())
}

fn edit() -> impl Strategy<Value = (Edit, bool)> {
    let e = prop_oneof![
        (any::<usize>(), snippet()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0usize..20, snippet()).prop_map(|(a, n, t)| Edit::Replace(a, n, t)),
    ];
    (e, any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn incremental_equals_full_parse(
        start in prop::collection::vec(piece(), 0..80),
        edits in prop::collection::vec(edit(), 1..25),
    ) {
        let mut doc = Doc::new(&start.concat());
        doc.check();
        for (e, validate) in edits {
            let len = doc.text.len() + 1;
            match e {
                Edit::Insert(at, t) => doc.insert(at % len, &t),
                Edit::Delete(at, n) => doc.delete(at % len, at % len + n),
                Edit::Replace(at, n, t) => {
                    let from = doc.snap(at % len);
                    doc.delete(from, from + n);
                    let from = doc.snap(from);
                    doc.insert(from, &t);
                }
            }
            // Several edits may come before a validation.
            if validate {
                doc.check();
            }
        }
        doc.check();
    }

    #[test]
    fn many_errors_stay_listed_as_a_full_parse_lists_them(
        edits in prop::collection::vec(edit(), 1..15),
    ) {
        let mut doc = Doc::new(&"zz\n00 A4 \\\n\n".repeat(60));
        for (e, validate) in edits {
            let len = doc.text.len() + 1;
            match e {
                Edit::Insert(at, t) => doc.insert(at % len, &t),
                Edit::Delete(at, n) | Edit::Replace(at, n, _) => {
                    doc.delete(at % len, at % len + n);
                }
            }
            if validate {
                doc.check();
            }
        }
        doc.check();
    }
}
