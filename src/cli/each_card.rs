//! `run --each-card [--count N] [--log FILE.jsonl]`: wait for a card, run
//! the scripts on it, append one JSON line (flushed and synced before the
//! next card, so a `kill -9` loses at most the card in progress), print a
//! one-line verdict, wait for its removal, repeat. SIGINT or SIGTERM ends
//! after the current card, with the pass/fail count.

use std::ffi::CString;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use super::output::Printer;
use super::run::{exit_code, run_job, Setup};
use super::signals;
use super::{report_card_error, EXIT_OK, EXIT_PCSC};
use crate::card::pcsc_backend::{wait_reader, PcscContext, Wait};
use crate::card::{CardError, Disposition};
use crate::i18n::{gettext, gettext_f, ngettext};
use crate::report::{jsonl, Suite, Verdict};

/// Returns the suites of every card and the worst exit code.
pub(super) fn run(
    setup: &Setup,
    reader: &str,
    count: Option<usize>,
    log: Option<&std::path::Path>,
) -> (Vec<Suite>, i32) {
    signals::install();
    let interrupted = &signals::STOP;
    let mut file = match log.map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .map_err(|e| (p, e))
    }) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err((p, e))) => {
            eprintln!(
                "{}",
                gettext_f(
                    &gettext("Cannot write the log {file}: {error}"),
                    &[
                        ("file", &p.display().to_string()),
                        ("error", &e.to_string())
                    ]
                )
            );
            return (Vec::new(), EXIT_PCSC);
        }
    };
    let ctx = match PcscContext::establish() {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&e);
            return (Vec::new(), EXIT_PCSC);
        }
    };
    let Ok(name) = CString::new(reader) else {
        report_card_error(&CardError::UnknownReader(reader.to_owned()));
        return (Vec::new(), EXIT_PCSC);
    };
    let mut all = Vec::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut code = EXIT_OK;
    let never = AtomicBool::new(false);
    eprintln!(
        "{}",
        gettext_f(
            &gettext("Waiting for cards in {reader}"),
            &[("reader", reader)]
        )
    );
    while count.is_none_or(|n| passed + failed < n) {
        match wait_reader(ctx.raw(), &name, true, None, interrupted) {
            Ok(Wait::Reached { .. }) => {}
            Ok(_) => break,
            Err(e) => {
                report_card_error(&e);
                code = code.max(EXIT_PCSC);
                break;
            }
        }
        let n = passed + failed + 1;
        let time = SystemTime::now();
        // The run itself is not interrupted: the card in progress finishes.
        let (suites, card_code, atr) = one_card(setup, &ctx, reader, &never);
        code = code.max(card_code);
        let ok = card_code == EXIT_OK;
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
        let result = if ok { "pass" } else { "fail" };
        if let Some(f) = &mut file {
            let line = jsonl::card_line(n, time, reader, &atr, result, &suites);
            let written = f
                .write_all(format!("{line}\n").as_bytes())
                .and_then(|()| f.flush())
                .and_then(|()| f.sync_data());
            if let Err(e) = written {
                eprintln!(
                    "{}",
                    gettext_f(
                        &gettext("Cannot write the log {file}: {error}"),
                        &[
                            (
                                "file",
                                &log.map(|p| p.display().to_string()).unwrap_or_default()
                            ),
                            ("error", &e.to_string())
                        ]
                    )
                );
                code = code.max(EXIT_PCSC);
                break;
            }
        }
        println!("{}", verdict(n, ok, &atr, &suites));
        let _ = std::io::stdout().flush();
        all.extend(suites);
        if count.is_some_and(|c| passed + failed >= c) {
            break;
        }
        match wait_reader(ctx.raw(), &name, false, None, interrupted) {
            Ok(Wait::Reached { .. }) => {}
            Ok(_) => break,
            Err(e) => {
                report_card_error(&e);
                code = code.max(EXIT_PCSC);
                break;
            }
        }
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
    }
    let total = passed + failed;
    eprintln!(
        "{}",
        gettext_f(
            &ngettext(
                "{total} card: {passed} passed, {failed} failed",
                "{total} cards: {passed} passed, {failed} failed",
                total as u32
            ),
            &[
                ("total", &total.to_string()),
                ("passed", &passed.to_string()),
                ("failed", &failed.to_string())
            ]
        )
    );
    (all, code)
}

/// Connect and run every script; the output goes nowhere (the verdict and
/// the log say what happened).
fn one_card(
    setup: &Setup,
    ctx: &PcscContext,
    reader: &str,
    stop: &AtomicBool,
) -> (Vec<Suite>, i32, Vec<u8>) {
    let mut card = match ctx.connect(reader, setup.protocol, setup.share) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&e);
            return (Vec::new(), EXIT_PCSC, Vec::new());
        }
    };
    let atr = crate::card::Card::atr(&card);
    let mut printer = Printer::to(setup.format, false, Box::new(std::io::sink()));
    let mut suites = Vec::new();
    let mut code = EXIT_OK;
    for job in setup.jobs.iter() {
        let (suite, summary) = run_job(
            job,
            &mut card,
            &setup.options,
            &mut printer,
            stop,
            Some(reader),
            setup.capture,
        );
        code = code.max(exit_code(&summary));
        suites.push(suite);
    }
    let _ = crate::card::Card::disconnect(&mut card, Disposition::Leave);
    (suites, code, atr)
}

/// `Card 3: PASS, ATR 3B …` or `Card 3: FAIL, ATR …: first failure`.
fn verdict(n: usize, ok: bool, atr: &[u8], suites: &[Suite]) -> String {
    let atr = crate::apdu::hex_spaced(atr);
    if ok {
        return gettext_f(
            &gettext("Card {n}: PASS, ATR {atr}"),
            &[("n", &n.to_string()), ("atr", &atr)],
        );
    }
    let first = suites
        .iter()
        .flat_map(|s| s.steps.iter().map(move |st| (s, st)))
        .find_map(|(s, st)| match &st.verdict {
            Verdict::Failed(f) => Some(format!("{}:{}: {}", s.file, st.line, f.message())),
            Verdict::Error(e) => Some(format!("{}:{}: {e}", s.file, st.line)),
            _ => None,
        })
        .unwrap_or_default();
    gettext_f(
        &gettext("Card {n}: FAIL, ATR {atr}: {failure}"),
        &[("n", &n.to_string()), ("atr", &atr), ("failure", &first)],
    )
}
