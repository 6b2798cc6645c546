//! `apdu-scriptor run`: parse the whole script, connect, run it through the
//! engine and print what scriptor prints (or text / RON).

use std::io::{BufRead, IsTerminal};
use std::os::fd::AsFd;
use std::sync::atomic::AtomicBool;

use clap::ArgMatches;

use super::output::{Format, Printer};
use super::signals;
use super::{report_card_error, EXIT_ASSERTION, EXIT_OK, EXIT_PCSC, EXIT_SCRIPT, EXIT_USAGE};
use crate::card::timed::TimedCard;
use crate::card::{self, Card, CardError, Disposition, Protocol, ShareMode, DEMO_READER};
use crate::engine::{self, EngineOptions, Outcome, Summary};
use crate::i18n::{gettext, gettext_f};
use crate::script::{self, Script, Statement, StatementKind};

pub fn run(m: &ArgMatches) -> i32 {
    signals::install();
    let code = run_script(m);
    match signals::received() {
        Some(signal) => {
            eprintln!(
                "{}",
                gettext("Stopped by a signal; the output above is complete")
            );
            128 + signal
        }
        None => code,
    }
}

fn run_script(m: &ArgMatches) -> i32 {
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("text") => Format::Text,
        Some("ron") => Format::Ron,
        _ => Format::Scriptor,
    };
    let protocol = match m.get_one::<String>("protocol") {
        None => Protocol::Any,
        // scriptor looks for the substring, so `-p T=1` and `-p xT=1` both work.
        Some(p) if p.contains("T=0") => {
            eprintln!("{}", gettext("Trying T=0 protocol"));
            Protocol::T0
        }
        Some(p) if p.contains("T=1") => {
            eprintln!("{}", gettext("Trying T=1 protocol"));
            Protocol::T1
        }
        Some(p) => match Protocol::from_arg(p) {
            Some(proto) => proto,
            None => {
                eprintln!(
                    "{}",
                    // TRANSLATORS: {protocol} is what the user typed after -p, e.g. "T=2".
                    gettext_f(&gettext("Unknown protocol: {protocol}"), &[("protocol", p)])
                );
                return EXIT_USAGE;
            }
        },
    };
    let share = if m.get_flag("exclusive") {
        ShareMode::Exclusive
    } else {
        ShareMode::Shared
    };
    let options = EngineOptions {
        auto_get_response: m.get_flag("auto-get-response"),
        continue_on_mismatch: m.get_flag("continue-on-error"),
        ..EngineOptions::default()
    };

    // Read and check the whole script before touching the card: a script
    // with an error sends nothing.
    let file = m.get_one::<std::path::PathBuf>("file");
    // `-` is standard input read as a file (echoed), as in scriptor.
    let dash = file.is_some_and(|p| p.as_os_str() == "-");
    let source = match file {
        Some(path) if !dash => match script::read_file(path) {
            Ok(text) => Some(text),
            Err(e) => {
                report_read_error(&e);
                return EXIT_SCRIPT;
            }
        },
        None if std::io::stdin().is_terminal() => None,
        _ => match script::read_stream(std::io::stdin().lock()) {
            Ok(text) => Some(text),
            Err(e) => {
                report_read_error(&e);
                return EXIT_SCRIPT;
            }
        },
    };
    let name = match file {
        Some(p) if !dash => p.display().to_string(),
        _ => gettext("standard input"),
    };
    // A first pass keeps the errors only, so that a large script is never
    // held parsed whole; the statements are parsed again as they run.
    if let Some(text) = source.as_deref() {
        let checked = script::statements(text).finish();
        if !checked.errors.is_empty() {
            print_parse_errors(&name, &checked);
            return EXIT_SCRIPT;
        }
    }

    let reader = match pick_reader(m) {
        Ok(r) => r,
        Err(e) => {
            report_card_error(&e);
            return EXIT_PCSC;
        }
    };
    let card = match card::open(&reader, protocol, share) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&e);
            return EXIT_PCSC;
        }
    };
    // On a thread of its own, so that a card that never answers can be
    // given up after --timeout or on a signal.
    let timeout = m
        .get_one::<u64>("timeout")
        .map(|s| std::time::Duration::from_secs(*s));
    let mut card = match TimedCard::new(card, timeout, &signals::STOP) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&CardError::Other(e.to_string()));
            return EXIT_PCSC;
        }
    };

    let mut printer = Printer::new(format, m.get_flag("unbuffered") || source.is_none());
    printer.protocol(card.protocol());
    match file {
        Some(path) => eprintln!(
            "{}",
            gettext_f(
                &gettext("Using given file: {file}"),
                &[("file", &path.display().to_string())]
            )
        ),
        None => eprintln!("{}", gettext("Reading commands from STDIN")),
    }

    let stop = &signals::STOP;
    let mut summary = Summary::default();
    match &source {
        Some(text) => {
            // scriptor echoes the file's lines, not piped input.
            if file.is_some() {
                printer.echo_source(text);
            }
            run_statements(
                script::statements(text),
                &mut card,
                &options,
                &mut printer,
                stop,
                &mut summary,
            );
            printer.finish_source(&summary.outcome);
        }
        _ => interactive(&mut card, &options, &mut printer, stop, &mut summary),
    }
    printer.summary(&summary);
    let _ = card.disconnect(Disposition::Leave);
    exit_code(&summary)
}

/// Run statements one at a time, so that the printer shows each command
/// before it is sent, as scriptor does. Returns `false` once the run ended.
fn run_statements(
    statements: impl IntoIterator<Item = Statement>,
    card: &mut dyn Card,
    options: &EngineOptions,
    printer: &mut Printer,
    stop: &AtomicBool,
    total: &mut Summary,
) -> bool {
    for statement in statements {
        if printer.closed() {
            total.outcome = Outcome::Stopped;
            return false;
        }
        printer.before(&statement);
        let s = engine::run(
            std::slice::from_ref(&statement),
            card,
            options,
            printer,
            stop,
        );
        add(total, &s);
        // scriptor goes on after a failed reset (`< KO: …`); so do we, and
        // the error still makes the exit code 4.
        let failed_reset = matches!(statement.kind, StatementKind::Reset)
            && matches!(s.outcome, Outcome::CardError(_));
        if s.outcome != Outcome::Completed && !failed_reset {
            total.outcome = s.outcome;
            return false;
        }
    }
    true
}

fn exit_code(summary: &Summary) -> i32 {
    match &summary.outcome {
        Outcome::CardError(_) => EXIT_PCSC,
        _ if summary.errors > 0 => EXIT_PCSC,
        Outcome::AssertionFailed => EXIT_ASSERTION,
        _ if summary.assertions_failed > 0 => EXIT_ASSERTION,
        _ => EXIT_OK,
    }
}

/// Say why the script could not be read, and what to do.
fn report_read_error(err: &script::ReadError) {
    eprintln!("{}", err.message());
    if let Some(hint) = err.hint() {
        eprintln!(
            "{}",
            gettext_f(&gettext("Hint: {hint}"), &[("hint", &hint)])
        );
    }
}

/// Each error as `NAME:LINE:COLUMN: message`.
fn print_errors(name: &str, parsed: &Script) {
    for err in &parsed.errors {
        eprintln!("{name}:{}:{}: {}", err.pos.line, err.pos.col, err.message());
    }
}

/// The errors of a whole script, and that none of it was sent.
fn print_parse_errors(name: &str, parsed: &Script) {
    print_errors(name, parsed);
    if parsed.more_errors > 0 {
        eprintln!(
            "{}",
            gettext_f(
                &crate::i18n::ngettext(
                    "{name}: and {count} more error",
                    "{name}: and {count} more errors",
                    u32::try_from(parsed.more_errors).unwrap_or(u32::MAX)
                ),
                &[("name", name), ("count", &parsed.more_errors.to_string())]
            )
        );
    }
    let n = parsed.error_count();
    let count = n.to_string();
    eprintln!(
        "{}",
        gettext_f(
            &crate::i18n::ngettext(
                "{count} error in the script; nothing was sent",
                "{count} errors in the script; nothing was sent",
                u32::try_from(n).unwrap_or(u32::MAX)
            ),
            &[("count", &count)]
        )
    );
}

fn pick_reader(m: &ArgMatches) -> Result<String, CardError> {
    if m.get_flag("demo") {
        eprintln!(
            "{}",
            gettext_f(
                &gettext("Using the demo card: {reader}"),
                &[("reader", DEMO_READER)]
            )
        );
        return Ok(DEMO_READER.to_owned());
    }
    if let Some(r) = m.get_one::<String>("reader") {
        eprintln!(
            "{}",
            gettext_f(
                &gettext("Using given card reader: {reader}"),
                &[("reader", r)]
            )
        );
        return Ok(r.clone());
    }
    let ctx = card::pcsc_backend::PcscContext::establish()?;
    let readers = ctx.list_readers()?;
    let first = readers.into_iter().next().ok_or(CardError::NoReaders)?;
    eprintln!(
        "{}",
        gettext_f(
            &gettext("No reader given: using {reader}"),
            &[("reader", &first.name)]
        )
    );
    Ok(first.name)
}

/// Standard input on a terminal: run each statement as soon as it is typed.
fn interactive(
    card: &mut dyn Card,
    options: &EngineOptions,
    printer: &mut Printer,
    stop: &AtomicBool,
    total: &mut Summary,
) {
    let mut chunk = String::new();
    let mut first_line = 1;
    let mut line_no = 0;
    let mut offset = 0;
    // Our own buffer on standard input, so that what it holds is known
    // before waiting on the descriptor.
    let mut input = match std::io::stdin().as_fd().try_clone_to_owned() {
        Ok(fd) => std::io::BufReader::new(std::fs::File::from(fd)),
        Err(error) => {
            report_read_error(&script::ReadError::Io { file: None, error });
            return;
        }
    };
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        // A signal ends the session even while it waits for a line.
        if input.buffer().is_empty() && !super::signals::wait_for_input() {
            total.outcome = Outcome::Stopped;
            break;
        }
        // A line is bounded as a script file is.
        let limit = crate::files::MAX_FILE_SIZE;
        match std::io::Read::take(&mut input, limit + 1).read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(n) if n as u64 > limit => {
                report_read_error(&script::ReadError::TooLarge { file: None, limit });
                break;
            }
            Ok(_) => {}
            Err(error) => {
                report_read_error(&script::ReadError::Io { file: None, error });
                break;
            }
        }
        line_no += 1;
        offset += bytes.len();
        let line = match std::str::from_utf8(&bytes) {
            Ok(text) => text.trim_end_matches(['\n', '\r']),
            Err(e) => {
                // Like a typo: said, skipped, and the session goes on.
                report_read_error(&script::ReadError::NotText {
                    file: None,
                    kind: crate::files::NotText::InvalidUtf8,
                    offset: offset - bytes.len() + e.valid_up_to(),
                    line: line_no,
                });
                // Keep the line numbers of what follows right.
                if chunk.is_empty() {
                    first_line = line_no + 1;
                } else {
                    chunk.push('\n');
                }
                continue;
            }
        };
        chunk.push_str(line);
        chunk.push('\n');
        if line.trim_end().ends_with('\\') {
            continue;
        }
        let mut parsed = script::parse(&chunk);
        shift_lines(&mut parsed, first_line - 1);
        chunk.clear();
        first_line = line_no + 1;
        if !parsed.errors.is_empty() {
            // A typo is reported and skipped; the session goes on.
            print_errors(&gettext("standard input"), &parsed);
            continue;
        }
        if !run_statements(parsed.statements, card, options, printer, stop, total) {
            return;
        }
    }
    // Input ended inside a continuation: say so rather than drop it.
    if !chunk.is_empty() {
        let mut parsed = script::parse(&chunk);
        shift_lines(&mut parsed, first_line - 1);
        if !parsed.errors.is_empty() {
            print_errors(&gettext("standard input"), &parsed);
        }
    }
}

fn shift_lines(parsed: &mut Script, by: usize) {
    for s in &mut parsed.statements {
        s.span.start.line += by;
        s.span.end.line += by;
    }
    for e in &mut parsed.errors {
        e.pos.line += by;
    }
}

fn add(total: &mut Summary, s: &Summary) {
    total.commands += s.commands;
    total.resets += s.resets;
    total.assertions_checked += s.assertions_checked;
    total.assertions_failed += s.assertions_failed;
    total.errors += s.errors;
    total.card_time += s.card_time;
    total.elapsed += s.elapsed;
}
