//! `run --readers PATTERN` / `--all-readers`: the same scripts on every
//! matching reader that has a card, one thread per reader, in parallel.
//! Each reader's output is kept together and printed under its name once
//! it is done (in the readers' order); one failing or removed card never
//! stops the others; the exit code is the worst one.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use super::output::Printer;
use super::run::{exit_code, run_job, Setup};
use super::{report_card_error, EXIT_OK, EXIT_PCSC};
use crate::card::pcsc_backend::PcscContext;
use crate::card::select::reader_matches;
use crate::card::{self, CardError, Disposition};
use crate::i18n::{gettext, gettext_f};
use crate::report::Suite;

/// A `Write` whose bytes stay readable by its owner.
#[derive(Clone, Default)]
pub(super) struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    pub fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// The readers with a card whose name matches `pattern` (all with `None`).
pub(super) fn readers_with_cards(pattern: Option<&str>) -> Result<Vec<String>, CardError> {
    let ctx = PcscContext::establish()?;
    let readers = ctx.list_readers()?;
    if readers.is_empty() {
        return Err(CardError::NoReaders);
    }
    let matching: Vec<_> = readers
        .into_iter()
        .filter(|r| pattern.is_none_or(|p| reader_matches(p, &r.name)))
        .collect();
    if matching.is_empty() {
        return Err(CardError::UnknownReader(pattern.unwrap_or("").to_owned()));
    }
    let (with, without): (Vec<_>, Vec<_>) = matching.into_iter().partition(|r| r.card_present);
    for r in &without {
        eprintln!(
            "{}",
            gettext_f(
                &gettext("Skipping {reader}: no card"),
                &[("reader", &r.name)]
            )
        );
    }
    if with.is_empty() {
        return Err(CardError::NoCard);
    }
    Ok(with.into_iter().map(|r| r.name).collect())
}

/// What one reader's thread brings back.
struct Done {
    output: Vec<u8>,
    suites: Vec<Suite>,
    code: i32,
}

/// Run `setup` on each reader at once; returns the suites and the worst code.
pub(super) fn run(
    setup: &Setup,
    readers: &[String],
    stop: &'static AtomicBool,
) -> (Vec<Suite>, i32) {
    let handles: Vec<_> = readers
        .iter()
        .enumerate()
        .map(|(i, reader)| {
            let reader = reader.clone();
            let setup = setup.clone();
            std::thread::Builder::new()
                .name(format!("reader-{i}"))
                .spawn(move || one_reader(&setup, &reader, stop))
        })
        .collect();
    let mut suites = Vec::new();
    let mut code = EXIT_OK;
    let mut out = std::io::stdout().lock();
    for (reader, handle) in readers.iter().zip(handles) {
        let done = match handle
            .map_err(|_| ())
            .and_then(|h| h.join().map_err(|_| ()))
        {
            Ok(d) => d,
            Err(()) => Done {
                output: Vec::new(),
                suites: Vec::new(),
                code: EXIT_PCSC,
            },
        };
        if !setup.quiet {
            let _ = writeln!(out, "=== {reader} ===");
            let _ = out.write_all(&done.output);
            let _ = out.flush();
        }
        code = code.max(done.code);
        suites.extend(done.suites);
    }
    (suites, code)
}

fn one_reader(setup: &Setup, reader: &str, stop: &AtomicBool) -> Done {
    let label = format!("[{reader}] ");
    let mut card = match card::open(reader, setup.protocol, setup.share) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{label}");
            report_card_error(&e);
            return Done {
                output: Vec::new(),
                suites: Vec::new(),
                code: EXIT_PCSC,
            };
        }
    };
    let buf = SharedBuf::default();
    let mut printer = Printer::to(setup.format, false, Box::new(buf.clone()));
    printer.set_label(label);
    printer.protocol(card.protocol());
    let mut suites = Vec::new();
    let mut code = EXIT_OK;
    for _ in 0..setup.repeat {
        for job in setup.jobs.iter() {
            let (suite, summary) = run_job(
                job,
                card.as_mut(),
                &setup.options,
                &mut printer,
                stop,
                Some(reader),
                setup.capture,
            );
            printer.summary(&summary);
            code = code.max(exit_code(&summary));
            suites.push(suite);
        }
    }
    printer.flush();
    let _ = card.disconnect(Disposition::Leave);
    Done {
        output: buf.take(),
        suites,
        code,
    }
}
