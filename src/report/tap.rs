//! TAP version 13: one test point per case, a YAML block for failures
//! and errors, `# SKIP` for the cases that did not run.

use std::fmt::Write as _;

use super::{seconds, Suite, Verdict};
use crate::apdu::hex_spaced;

pub fn render(suites: &[Suite]) -> String {
    let total: usize = suites.iter().map(|s| s.counts().0).sum();
    let mut out = format!("TAP version 13\n1..{total}\n");
    let mut n = 0;
    for s in suites {
        let _ = writeln!(out, "# {}", one_line(&s.name));
        for c in s.cases() {
            n += 1;
            let name = one_line(&c.name).replace('#', "\\#");
            match &c.verdict {
                Verdict::Passed => {
                    let _ = writeln!(out, "ok {n} - {name}");
                }
                Verdict::Skipped(why) => {
                    let _ = writeln!(out, "ok {n} - {name} # SKIP {}", one_line(why));
                }
                Verdict::Failed(f) => {
                    let _ = writeln!(out, "not ok {n} - {name}");
                    out.push_str("  ---\n");
                    let _ = writeln!(out, "  message: {}", yaml(&f.message()));
                    let _ = writeln!(out, "  expected: {}", yaml(&f.expected));
                    let _ = writeln!(out, "  actual: {}", yaml(&hex_spaced(&f.actual)));
                    let _ = writeln!(out, "  offset: {}", f.offset);
                    let _ = writeln!(out, "  sw: {}", yaml(&f.sw));
                    let _ = writeln!(out, "  duration_s: {}", seconds(c.duration));
                    out.push_str("  ...\n");
                }
                Verdict::Error(e) => {
                    let _ = writeln!(out, "not ok {n} - {name}");
                    out.push_str("  ---\n");
                    let _ = writeln!(out, "  message: {}", yaml(e));
                    out.push_str("  severity: error\n  ...\n");
                }
            }
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A YAML double-quoted scalar.
fn yaml(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
