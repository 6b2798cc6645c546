//! Our statements beyond scriptor's: `reset cold`, `delay MS` and
//! `wait card [SECONDS]`. Each is a whole line (a trailing comment is
//! allowed); the words are case-insensitive and separated by blanks.

use super::parse::ws_len;
use super::{ParseErrorKind, StatementKind};
use crate::i18n::{gettext, gettext_f};

/// The longest `delay`: ten minutes.
pub const MAX_DELAY_MS: u32 = 600_000;
/// The longest `wait card`: one day.
pub const MAX_WAIT_SECONDS: u32 = 86_400;

/// The words of `line[first..end]` with their byte offsets.
fn words(line: &str, first: usize, end: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut i = first;
    while i < end {
        let n = ws_len(line, i);
        if n > 0 {
            i += n;
            continue;
        }
        let start = i;
        while i < end && ws_len(line, i) == 0 {
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
        out.push((start, line.get(start..i).unwrap_or("")));
    }
    out
}

/// The statement on `line[first..end]` (comment already cut off) if it
/// starts with one of our keywords: `None` when it does not, so that the
/// line is parsed as before; otherwise the statement or the error with its
/// byte offset in `line`.
pub(super) fn statement(
    line: &str,
    first: usize,
    end: usize,
) -> Option<Result<StatementKind, (usize, ParseErrorKind)>> {
    let words = words(line, first, end);
    let (_, head) = *words.first()?;
    let after = |k: usize| words.get(k).map_or(end, |w| w.0);
    if head.eq_ignore_ascii_case("reset") {
        // `reset` alone stays the parser's; only `reset cold` is ours.
        let (_, second) = *words.get(1)?;
        if !second.eq_ignore_ascii_case("cold") {
            return None;
        }
        if words.len() > 2 {
            return Some(Err((
                after(2),
                ParseErrorKind::TextAfterKeyword("reset cold".into()),
            )));
        }
        return Some(Ok(StatementKind::ResetCold));
    }
    if head.eq_ignore_ascii_case("delay") {
        let detail = || {
            gettext_f(
                &gettext("expected a duration in milliseconds after “delay”, from 0 to {max}"),
                &[("max", &MAX_DELAY_MS.to_string())],
            )
        };
        let Some(&(at, ms)) = words.get(1) else {
            return Some(Err((end, ParseErrorKind::BadStatement(detail()))));
        };
        let Some(ms) = number(ms, MAX_DELAY_MS) else {
            return Some(Err((at, ParseErrorKind::BadStatement(detail()))));
        };
        if words.len() > 2 {
            return Some(Err((
                after(2),
                ParseErrorKind::TextAfterKeyword("delay".into()),
            )));
        }
        return Some(Ok(StatementKind::Delay(ms)));
    }
    if head.eq_ignore_ascii_case("wait") {
        if !words
            .get(1)
            .is_some_and(|w| w.1.eq_ignore_ascii_case("card"))
        {
            let detail = gettext("expected “card” after “wait”, as in: wait card 30");
            return Some(Err((after(1), ParseErrorKind::BadStatement(detail))));
        }
        let seconds = match words.get(2) {
            None => None,
            Some(&(at, s)) => match number(s, MAX_WAIT_SECONDS).filter(|&s| s > 0) {
                Some(s) => Some(s),
                None => {
                    let detail = gettext_f(
                        &gettext("expected a time in seconds after “wait card”, from 1 to {max}, or nothing to wait as long as it takes"),
                        &[("max", &MAX_WAIT_SECONDS.to_string())],
                    );
                    return Some(Err((at, ParseErrorKind::BadStatement(detail))));
                }
            },
        };
        if words.len() > 3 {
            return Some(Err((
                after(3),
                ParseErrorKind::TextAfterKeyword("wait card".into()),
            )));
        }
        return Some(Ok(StatementKind::WaitCard(seconds)));
    }
    None
}

/// A decimal number from 0 to `max`, digits only.
fn number(word: &str, max: u32) -> Option<u32> {
    if word.is_empty() || word.len() > 10 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse::<u64>()
        .ok()
        .filter(|&n| n <= u64::from(max))
        .map(|n| n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Option<Result<StatementKind, (usize, ParseErrorKind)>> {
        statement(line, 0, line.len())
    }

    #[test]
    fn our_keywords() {
        assert_eq!(parse("reset cold"), Some(Ok(StatementKind::ResetCold)));
        assert_eq!(parse("RESET\tCold"), Some(Ok(StatementKind::ResetCold)));
        assert_eq!(parse("reset"), None);
        assert_eq!(parse("reset the card"), None);
        assert_eq!(parse("delay 250"), Some(Ok(StatementKind::Delay(250))));
        assert_eq!(parse("Delay 0"), Some(Ok(StatementKind::Delay(0))));
        assert_eq!(parse("wait card"), Some(Ok(StatementKind::WaitCard(None))));
        assert_eq!(
            parse("WAIT  CARD 30"),
            Some(Ok(StatementKind::WaitCard(Some(30))))
        );
        assert_eq!(parse("de ad"), None);
        assert_eq!(parse("00 A4"), None);
    }

    #[test]
    fn errors_point_at_the_bad_word() {
        assert!(matches!(
            parse("delay"),
            Some(Err((5, ParseErrorKind::BadStatement(_))))
        ));
        assert!(matches!(
            parse("delay soon"),
            Some(Err((6, ParseErrorKind::BadStatement(_))))
        ));
        assert!(matches!(
            parse("delay 600001"),
            Some(Err((6, ParseErrorKind::BadStatement(_))))
        ));
        assert!(matches!(
            parse("delay 10 ms"),
            Some(Err((9, ParseErrorKind::TextAfterKeyword(_))))
        ));
        assert!(matches!(
            parse("wait 5"),
            Some(Err((5, ParseErrorKind::BadStatement(_))))
        ));
        assert!(matches!(
            parse("wait card 0"),
            Some(Err((10, ParseErrorKind::BadStatement(_))))
        ));
        assert!(matches!(
            parse("reset cold now"),
            Some(Err((11, ParseErrorKind::TextAfterKeyword(_))))
        ));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Never a panic, and an error always points inside the line (or
        /// just after it).
        #[test]
        fn never_panics(
            head in prop::sample::select(vec!["reset", "delay", "wait", "WAIT CARD", "reset cold", "x"]),
            tail in "[ \t0-9a-zA-Z\u{a0}é.-]{0,16}",
        ) {
            let line = format!("{head}{tail}");
            if let Some(Err((at, _))) = statement(&line, 0, line.len()) {
                prop_assert!(at <= line.len());
                prop_assert!(line.is_char_boundary(at));
            }
        }
    }
}
