//! The expectation after an APDU: `[01 02 XX XX]` then `(9000, 61XX)`.

use super::error::shown;
use super::parse::{hex_value, ws_len};
use super::{BytePattern, Expectation, PatternByte};
use crate::i18n::{gettext, gettext_f};

/// A byte index in the line and the (translated) detail of what is wrong.
pub(super) type ExpectError = (usize, String);

/// Parse `line[from..to]`, which starts with `[` or `(`. Nothing but blanks
/// may follow the expectation.
pub(super) fn parse(line: &str, from: usize, to: usize) -> Result<Expectation, ExpectError> {
    let b = line.as_bytes();
    let mut i = from;
    let mut exp = Expectation::default();
    if b[i] == b'[' {
        let mut data = Vec::new();
        (i, _) = pattern_list(line, i + 1, to, b']', &mut data)?;
        exp.data = Some(BytePattern(data));
        i = skip_ws(line, i, to);
        if i < to && b[i] != b'(' {
            return Err((i, after(line, i, "]")));
        }
    }
    if i < to && b[i] == b'(' {
        i = sw_list(line, i + 1, to, &mut exp.sw)?;
        i = skip_ws(line, i, to);
        if i < to {
            return Err((i, after(line, i, ")")));
        }
    }
    Ok(exp)
}

fn after(line: &str, i: usize, closer: &str) -> String {
    let c = line[i..].chars().next().unwrap_or(' ');
    let msg = if closer == "]" {
        gettext(
            // TRANSLATORS: {char} is one character of the script, e.g. "x".
            "unexpected “{char}” after “]”: expected “(” with status words, or the end of the line",
        )
    } else {
        // TRANSLATORS: {char} is one character of the script, e.g. "x".
        gettext("unexpected “{char}” after “)”: expected the end of the line or a comment")
    };
    gettext_f(&msg, &[("char", &shown(c))])
}

fn skip_ws(line: &str, mut i: usize, to: usize) -> usize {
    while i < to {
        match ws_len(line, i) {
            0 => break,
            n => i += n,
        }
    }
    i
}

/// Status words separated by commas up to `)`; returns the index after `)`.
fn sw_list(
    line: &str,
    from: usize,
    to: usize,
    out: &mut Vec<BytePattern>,
) -> Result<usize, ExpectError> {
    let mut i = from;
    loop {
        let start = skip_ws(line, i, to);
        let mut sw = Vec::with_capacity(2);
        let closer;
        (i, closer) = pattern_list(line, start, to, b')', &mut sw)?;
        if sw.is_empty() {
            return Err((
                start,
                gettext("expected a status word such as 9000 or 61XX"),
            ));
        }
        if sw.len() != 2 {
            let text = line[start..i - 1].trim_end();
            return Err((
                start,
                gettext_f(
                    // TRANSLATORS: {sw} is what the script has between the parentheses, e.g.
                    // "900".
                    &gettext("“{sw}” is not a status word: expected two bytes such as 9000 or 61XX, and commas between status words"),
                    &[("sw", text)],
                ),
            ));
        }
        out.push(BytePattern(sw));
        if closer == b')' {
            return Ok(i);
        }
    }
}

/// Pattern bytes (hex pairs or `XX`, spaced or not) up to `close` or, when
/// `close` is `)`, a comma. Returns the index just after the closing
/// character and that character.
fn pattern_list(
    line: &str,
    from: usize,
    to: usize,
    close: u8,
    out: &mut Vec<PatternByte>,
) -> Result<(usize, u8), ExpectError> {
    let b = line.as_bytes();
    let mut i = from;
    loop {
        i = skip_ws(line, i, to);
        if i >= to {
            let msg = if close == b']' {
                gettext("expected “]” to close the expected data")
            } else {
                gettext("expected “)” to close the status words")
            };
            return Err((to, msg));
        }
        let c = b[i];
        if c == close || (close == b')' && c == b',') {
            return Ok((i + 1, c));
        }
        let start = i;
        while i < to && ws_len(line, i) == 0 && b[i] != close && !(close == b')' && b[i] == b',') {
            i += 1;
            while i < to && !line.is_char_boundary(i) {
                i += 1;
            }
        }
        token(line, start, i, out)?;
    }
}

/// One token of hex pairs and `XX` wildcards.
fn token(
    line: &str,
    from: usize,
    to: usize,
    out: &mut Vec<PatternByte>,
) -> Result<(), ExpectError> {
    let b = line.as_bytes();
    let mut i = from;
    while i < to {
        let hi = b[i];
        if !is_digit_or_x(hi) {
            return Err((i, bad_char(line, i)));
        }
        if i + 1 >= to {
            return Err((
                from,
                gettext("odd number of hex digits: expected two digits or XX for each byte"),
            ));
        }
        let lo = b[i + 1];
        if !is_digit_or_x(lo) {
            return Err((i + 1, bad_char(line, i + 1)));
        }
        let byte = match (hex_value(hi), hex_value(lo)) {
            (Some(h), Some(l)) => Some(h << 4 | l),
            _ if is_x(hi) && is_x(lo) => None,
            _ => return Err((
                i,
                gettext_f(
                    &gettext(
                        // TRANSLATORS: {pair} is two characters of the script, e.g. "6X".
                        "half-byte wildcard “{pair}”: a wildcard covers a whole byte, expected XX",
                    ),
                    &[("pair", &line[i..i + 2])],
                ),
            )),
        };
        out.push(byte);
        i += 2;
    }
    Ok(())
}

fn bad_char(line: &str, i: usize) -> String {
    let c = line[i..].chars().next().unwrap_or(' ');
    gettext_f(
        // TRANSLATORS: {char} is one character of the script, e.g. "z".
        &gettext("invalid character “{char}”: expected a hex digit or XX"),
        &[("char", &shown(c))],
    )
}

fn is_x(c: u8) -> bool {
    c | 0x20 == b'x'
}

fn is_digit_or_x(c: u8) -> bool {
    hex_value(c).is_some() || is_x(c)
}
