//! `apdu-scriptor run`: parse the whole script, connect, run it through the
//! engine and print what scriptor prints (or text / RON).

use std::io::{BufRead, IsTerminal};
use std::sync::atomic::AtomicBool;

use clap::ArgMatches;

use super::output::{Format, Printer};
use super::{report_card_error, EXIT_ASSERTION, EXIT_OK, EXIT_PCSC, EXIT_SCRIPT, EXIT_USAGE};
use crate::card::{self, Card, CardError, Disposition, Protocol, ShareMode, DEMO_READER};
use crate::engine::{self, EngineOptions, Outcome, Summary};
use crate::i18n::{gettext, gettext_f};
use crate::script::{self, Script, Statement, StatementKind};

pub fn run(m: &ArgMatches) -> i32 {
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
    let parsed = source.as_deref().map(script::parse);
    if let Some(parsed) = &parsed {
        if !parsed.errors.is_empty() {
            print_parse_errors(&name, parsed);
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
    let mut card = match card::open(&reader, protocol, share) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&e);
            return EXIT_PCSC;
        }
    };

    let mut printer = Printer::new(format, m.get_flag("unbuffered") || parsed.is_none());
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

    let stop = AtomicBool::new(false);
    let mut summary = Summary::default();
    match (&parsed, &source) {
        (Some(parsed), Some(text)) => {
            // scriptor echoes the file's lines, not piped input.
            if file.is_some() {
                printer.echo_source(text);
            }
            run_statements(
                &parsed.statements,
                card.as_mut(),
                &options,
                &mut printer,
                &stop,
                &mut summary,
            );
            printer.finish_source(&summary.outcome);
        }
        _ => interactive(card.as_mut(), &options, &mut printer, &stop, &mut summary),
    }
    printer.summary(&summary);
    let _ = card.disconnect(Disposition::Leave);
    exit_code(&summary)
}

/// Run statements one at a time, so that the printer shows each command
/// before it is sent, as scriptor does. Returns `false` once the run ended.
fn run_statements(
    statements: &[Statement],
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
        printer.before(statement);
        let s = engine::run(
            std::slice::from_ref(statement),
            card,
            options,
            printer,
            stop,
        );
        add(total, &s);
        // scriptor goes on after a failed reset (`< KO: …`); so do we, and
        // the error still makes the exit code 4.
        let failed_reset = matches!(
            statement.kind,
            StatementKind::Reset | StatementKind::ResetCold
        ) && matches!(s.outcome, Outcome::CardError(_));
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
    let n = parsed.errors.len();
    let count = n.to_string();
    eprintln!(
        "{}",
        gettext_f(
            &crate::i18n::ngettext(
                "{count} error in the script; nothing was sent",
                "{count} errors in the script; nothing was sent",
                n as u32
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
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match input.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
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
        if !run_statements(&parsed.statements, card, options, printer, stop, total) {
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
