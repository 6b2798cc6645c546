//! One JSON object per card for `run --each-card --log FILE.jsonl`: when,
//! which reader and card, the result, the failures, and every statement's
//! status word and time.

use std::fmt::Write as _;
use std::time::SystemTime;

use super::{junit::timestamp, Suite, Verdict};
use crate::apdu::hex_spaced;

/// The card's line (without its line end).
pub fn card_line(
    card: usize,
    time: SystemTime,
    reader: &str,
    atr: &[u8],
    result: &str,
    suites: &[Suite],
) -> String {
    let mut out = String::with_capacity(512);
    let _ = write!(
        out,
        "{{\"card\":{card},\"time\":{},\"reader\":{},\"atr\":{},\"result\":{}",
        string(&format!("{}Z", timestamp(time))),
        string(reader),
        string(&hex_spaced(atr)),
        string(result)
    );
    out.push_str(",\"failures\":[");
    let mut first = true;
    for s in suites {
        for step in &s.steps {
            let message = match &step.verdict {
                Verdict::Failed(f) => f.message(),
                Verdict::Error(e) => e.clone(),
                _ => continue,
            };
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(
                out,
                "{{\"script\":{},\"line\":{},\"name\":{},\"message\":{}}}",
                string(&s.file),
                step.line,
                string(&step.name),
                string(&message)
            );
        }
    }
    out.push_str("],\"statements\":[");
    let mut first = true;
    for s in suites {
        for step in &s.steps {
            if matches!(step.verdict, Verdict::Skipped(_)) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            let sw = step
                .sw
                .map_or_else(|| "null".to_owned(), |[a, b]| format!("\"{a:02X}{b:02X}\""));
            let _ = write!(
                out,
                "{{\"script\":{},\"line\":{},\"sw\":{sw},\"duration_us\":{}}}",
                string(&s.file),
                step.line,
                step.duration.as_micros()
            );
        }
    }
    out.push_str("]}");
    out
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u0001é\"");
    }
}
