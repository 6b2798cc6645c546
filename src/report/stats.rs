//! `run --repeat N --stats`: per statement, min / median / p95 / max of
//! its time over the runs and its share of the total, as pcsc-spy shows
//! per PC/SC function.

use std::fmt::Write as _;
use std::time::Duration;

use super::Suite;
use crate::i18n::{gettext_f, pgettext};

/// One statement's times over the runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementStats {
    pub line: usize,
    pub text: String,
    pub count: usize,
    pub min: Duration,
    pub median: Duration,
    pub p95: Duration,
    pub max: Duration,
    pub total: Duration,
}

/// The statistics of the suites of one script (its repeated runs), by
/// line; statements that never ran are left out.
pub fn collect(runs: &[&Suite]) -> Vec<StatementStats> {
    let mut by_line: std::collections::BTreeMap<usize, (String, Vec<Duration>)> =
        std::collections::BTreeMap::new();
    for suite in runs {
        for step in &suite.steps {
            if matches!(step.verdict, super::Verdict::Skipped(_)) {
                continue;
            }
            by_line
                .entry(step.line)
                .or_insert_with(|| (step.text.clone(), Vec::new()))
                .1
                .push(step.duration);
        }
    }
    by_line
        .into_iter()
        .map(|(line, (text, mut times))| {
            times.sort();
            let n = times.len();
            StatementStats {
                line,
                text,
                count: n,
                min: times[0],
                median: percentile(&times, 50),
                p95: percentile(&times, 95),
                max: times[n - 1],
                total: times.iter().sum(),
            }
        })
        .collect()
}

/// Nearest-rank percentile of sorted, non-empty `times`.
pub fn percentile(times: &[Duration], p: usize) -> Duration {
    let rank = (p * times.len()).div_ceil(100).max(1);
    times[rank.min(times.len()) - 1]
}

/// The table, with a title naming the script and the number of runs.
pub fn render(name: &str, runs: usize, stats: &[StatementStats]) -> String {
    let mut out = gettext_f(
        &crate::i18n::ngettext(
            "Statistics of {file} over {runs} run (milliseconds):",
            "Statistics of {file} over {runs} runs (milliseconds):",
            runs as u32,
        ),
        &[("file", name), ("runs", &runs.to_string())],
    );
    out.push('\n');
    let total: Duration = stats.iter().map(|s| s.total).sum();
    let _ = writeln!(
        out,
        "{:>6}  {:<28} {:>6} {:>9} {:>9} {:>9} {:>9} {:>7}",
        pgettext("statistics column", "line"),
        pgettext("statistics column", "statement"),
        pgettext("statistics column", "count"),
        pgettext("statistics column", "min"),
        pgettext("statistics column", "median"),
        pgettext("statistics column", "p95"),
        pgettext("statistics column", "max"),
        pgettext("statistics column", "share")
    );
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
    for s in stats {
        let mut text: String = s.text.chars().take(28).collect();
        if s.text.chars().count() > 28 {
            text.pop();
            text.push('…');
        }
        let share = if total.is_zero() {
            0.0
        } else {
            s.total.as_secs_f64() * 100.0 / total.as_secs_f64()
        };
        let _ = writeln!(
            out,
            "{:>6}  {:<28} {:>6} {:>9} {:>9} {:>9} {:>9} {:>6.1}%",
            s.line,
            text,
            s.count,
            ms(s.min),
            ms(s.median),
            ms(s.p95),
            ms(s.max),
            share
        );
    }
    let _ = writeln!(
        out,
        "{:>6}  {:<28} {:>6} {:>9} {:>9} {:>9} {:>9} {:>6.1}%",
        "",
        pgettext("statistics column", "total"),
        "",
        "",
        "",
        "",
        ms(total),
        if total.is_zero() { 0.0 } else { 100.0 }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let t: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&t, 50), Duration::from_millis(10));
        assert_eq!(percentile(&t, 95), Duration::from_millis(19));
        assert_eq!(percentile(&t[..1], 95), Duration::from_millis(1));
        assert_eq!(percentile(&t[..3], 50), Duration::from_millis(2));
    }
}
