//! JUnit XML as Jenkins, GitLab and the Ant `junitreport` task read it:
//! `testsuites` / `testsuite` / `testcase` with `failure`, `error` or
//! `skipped`, and the run's output in `system-out`. Checked against
//! `tests/data/junit.xsd` by the tests.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{seconds, Suite, Verdict};

/// The whole report.
pub fn render(suites: &[Suite]) -> String {
    let mut out = String::with_capacity(4096);
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
        for c in s.cases() {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                escape(&c.name),
                escape(&s.name),
                seconds(c.duration)
            );
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
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>\n    <system-err></system-err>\n  </testsuite>",
            escape(&s.output)
        );
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text for an XML attribute or element: markup escaped, characters XML
/// 1.0 does not allow dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
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
