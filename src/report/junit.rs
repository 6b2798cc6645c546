//! JUnit XML as Jenkins, GitLab and the Ant `junitreport` task read it:
//! `testsuites` / `testsuite` / `testcase` with `failure`, `error` or
//! `skipped`, and the run's output in `system-out`. Checked against
//! `tests/data/junit.xsd` by the tests.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{seconds, Suite, Verdict};

/// The whole report.
pub fn render(suites: &[Suite]) -> String {
    let size: usize = suites
        .iter()
        .map(|s| s.output.len() + s.steps.len() * (2 * s.name.len() + 80))
        .sum();
    let mut out = String::with_capacity(size + 4096);
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    let mut time = std::time::Duration::ZERO;
    for s in suites {
        let c = s.counts();
        tests += c.0;
        failures += c.1;
        errors += c.2;
        skipped += c.3;
        time += s.time;
    }
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"apdu-scriptor\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        seconds(time)
    );
    let host = escape(&hostname());
    for (id, s) in suites.iter().enumerate() {
        let (tests, failures, errors, skipped) = s.counts();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" package=\"{}\" id=\"{id}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\" hostname=\"{host}\">",
            escape(&s.name),
            escape(&s.file),
            seconds(s.time),
            timestamp(s.started),
        );
        out.push_str("    <properties>\n");
        if let Some(r) = &s.reader {
            let _ = writeln!(
                out,
                "      <property name=\"reader\" value=\"{}\"/>",
                escape(r)
            );
        }
        out.push_str("    </properties>\n");
        let classname = escape(&s.name);
        for c in s.cases() {
            // Plain pushes, not `write!`: a report may hold 10 000 cases.
            out.push_str("    <testcase name=\"");
            push_escaped(&mut out, &c.name, true);
            out.push_str("\" classname=\"");
            out.push_str(&classname);
            out.push_str("\" time=\"");
            push_seconds(&mut out, c.duration);
            out.push('"');
            match &c.verdict {
                Verdict::Passed => out.push_str("/>\n"),
                Verdict::Failed(f) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                        escape(&f.message()),
                        escape(&format!(
                            "expected: {}\nactual: {}\nfirst difference at byte: {}\nSW: {}",
                            f.expected,
                            crate::apdu::hex_spaced(&f.actual),
                            f.offset,
                            f.sw
                        ))
                    );
                }
                Verdict::Error(e) => {
                    let _ = writeln!(
                        out,
                        ">\n      <error message=\"{}\" type=\"card\">{}</error>\n    </testcase>",
                        escape(e),
                        escape(e)
                    );
                }
                Verdict::Skipped(why) => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(why)
                    );
                }
            }
        }
        out.push_str("    <system-out>");
        push_cdata(&mut out, &s.output);
        out.push_str("</system-out>\n    <system-err></system-err>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text for an XML attribute: markup and line ends escaped, characters
/// XML 1.0 does not allow dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text, true);
    out
}

/// Append a run's output as element content: a CDATA section when it can
/// be one (the output's `>` and `<` markers then need no escaping, which
/// matters for 10 000 lines), else escaped text.
pub fn push_cdata(out: &mut String, text: &str) {
    // One pass, a table lookup per byte and a closer look only at the
    // rare chunks that hold a byte of interest: control characters (but
    // LF and TAB) and U+FFFE/U+FFFF rule a CDATA section out; a `]` may
    // start a `]]>` to split.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 0x20 {
            t[c] = 1;
            c += 1;
        }
        t[b'\n' as usize] = 0;
        t[b'\t' as usize] = 0;
        t[b']' as usize] = 2;
        t[0xEF] = 4;
        t
    };
    let b = text.as_bytes();
    let mut bracket = false;
    for (n, chunk) in b.chunks(32).enumerate() {
        if chunk.iter().fold(0, |acc, &c| acc | CLASS[c as usize]) == 0 {
            continue;
        }
        for (k, &c) in chunk.iter().enumerate() {
            let at = n * 32 + k;
            match CLASS[c as usize] {
                1 => return push_escaped(out, text, false),
                2 => bracket = true,
                4 if b.get(at + 1) == Some(&0xBF) && matches!(b.get(at + 2), Some(0xBE | 0xBF)) => {
                    return push_escaped(out, text, false)
                }
                _ => {}
            }
        }
    }
    out.push_str("<![CDATA[");
    let mut rest = text;
    if bracket {
        // `]]>` would end the section: split it across two sections.
        while let Some(at) = rest.find("]]>") {
            out.push_str(&rest[..at + 2]);
            out.push_str("]]><![CDATA[");
            rest = &rest[at + 2..];
        }
    }
    out.push_str(rest);
    out.push_str("]]>");
}

/// `secs.micros` with six digits, without the formatting machinery.
fn push_seconds(out: &mut String, d: std::time::Duration) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = d.as_secs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
    out.push('.');
    let mut frac = [b'0'; 6];
    let mut us = d.subsec_micros();
    for digit in frac.iter_mut().rev() {
        *digit = b'0' + (us % 10) as u8;
        us /= 10;
    }
    out.push_str(std::str::from_utf8(&frac).unwrap_or("000000"));
}

/// Append `text` escaped for an attribute (`attr`) or element content.
pub fn push_escaped(out: &mut String, text: &str, attr: bool) {
    let b = text.as_bytes();
    // Most text needs nothing: copy it whole.
    const PLAIN: [bool; 256] = {
        let mut t = [true; 256];
        let mut c = 0;
        while c < 0x20 {
            t[c] = false;
            c += 1;
        }
        t[b'&' as usize] = false;
        t[b'<' as usize] = false;
        t[b'>' as usize] = false;
        t[b'"' as usize] = false;
        t[0xEF] = false;
        t
    };
    if b.iter().fold(true, |ok, &c| ok & PLAIN[c as usize]) {
        out.push_str(text);
        return;
    }
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let (skip, rep) = match b[i] {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' if attr => (1, "&quot;"),
            b'\n' if attr => (1, "&#10;"),
            b'\t' if attr => (1, "&#9;"),
            b'\r' => (1, "&#13;"),
            b'\n' | b'\t' => {
                i += 1;
                continue;
            }
            0..=0x1F => (1, ""),
            // U+FFFE and U+FFFF are no XML characters either.
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        out.push_str(rep);
        i += skip;
        start = i;
    }
    out.push_str(&text[start..]);
}

/// UTC, ISO 8601 without a zone (the Ant schema's `xs:dateTime` form).
pub fn timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
