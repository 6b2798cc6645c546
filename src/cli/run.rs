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
use crate::card::{self, replay, Card, CardError, Disposition, Protocol, ShareMode, DEMO_READER};
use crate::engine::{self, EngineEvent, EngineOptions, Observer, Outcome, Summary};
use crate::i18n::{gettext, gettext_f};
use crate::report::{Collector, Suite};
use crate::script::{self, Script, Statement, StatementKind};

pub fn run(m: &ArgMatches) -> i32 {
    signals::install();
    let code = run_script(m);
    match signals::received() {
        // --each-card ends after the card in progress, with its count.
        Some(_) if m.get_flag("each-card") => code,
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

    let reports = match super::reports::requested(m) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("{msg}");
            return EXIT_USAGE;
        }
    };

    // Read and check every script before touching the card: a script
    // with an error sends nothing.
    // Statements are kept parsed only when a report, the statistics or the
    // per-card records need them all; otherwise they are parsed again as they run, so that a large
    // script is never held parsed whole.
    let keep = reports.any()
        || m.get_flag("stats")
        || m.get_flag("each-card")
        || m.get_flag("all-readers")
        || m.contains_id("readers");
    let jobs = match load_jobs(m, keep) {
        Ok(jobs) => jobs,
        Err(code) => return code,
    };

    let setup = Setup {
        format,
        protocol,
        share,
        options: options.clone(),
        repeat: m.get_one::<u32>("repeat").copied().unwrap_or(1) as usize,
        jobs: std::sync::Arc::new(jobs),
        quiet: reports.uses_stdout(),
        capture: reports.wants_output(),
    };
    let jobs = &setup.jobs[..];
    let stop = &signals::STOP;
    if m.get_flag("all-readers") || m.contains_id("readers") {
        if jobs.is_empty() {
            eprintln!(
                "{}",
                gettext("Several readers need script files (or piped input), not a terminal")
            );
            return EXIT_USAGE;
        }
        let pattern = m.get_one::<String>("readers").map(String::as_str);
        let readers = match super::many::readers_with_cards(pattern) {
            Ok(r) => r,
            Err(e) => {
                report_card_error(&e);
                return EXIT_PCSC;
            }
        };
        let (suites, mut code) = super::many::run(&setup, &readers, stop);
        if m.get_flag("stats") {
            print_stats(&stats_text(jobs, &suites), setup.quiet);
        }
        if let Err(msg) = reports.write(&suites) {
            eprintln!("{msg}");
            code = code.max(EXIT_PCSC);
        }
        return code;
    }

    let reader = match pick_reader(m) {
        Ok(r) => r,
        Err(e) => {
            report_card_error(&e);
            return EXIT_PCSC;
        }
    };
    if m.get_flag("each-card") {
        if jobs.is_empty() {
            eprintln!(
                "{}",
                gettext("Every inserted card needs script files (or piped input), not a terminal")
            );
            return EXIT_USAGE;
        }
        let count = m.get_one::<u32>("count").map(|&n| n as usize);
        let log = m.get_one::<std::path::PathBuf>("log").map(|p| p.as_path());
        let (suites, mut code) = super::each_card::run(&setup, &reader, count, log);
        if let Err(msg) = reports.write(&suites) {
            eprintln!("{msg}");
            code = code.max(EXIT_PCSC);
        }
        return code;
    }
    let mut card = match card::open(&reader, protocol, share) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&e);
            return EXIT_PCSC;
        }
    };
    let record = m.get_one::<std::path::PathBuf>("record");
    let mut recording = None;
    if record.is_some() {
        let (recorder, log) = replay::Recorder::new(card);
        card = Box::new(recorder);
        recording = Some(log);
    }
    // On a thread of its own, so that a card that never answers can be
    // given up after --timeout or on a signal.
    let timeout = m
        .get_one::<u64>("timeout")
        .map(|s| std::time::Duration::from_secs(*s));
    let mut card = match TimedCard::new(card, timeout, stop) {
        Ok(c) => c,
        Err(e) => {
            report_card_error(&CardError::Other(e.to_string()));
            return EXIT_PCSC;
        }
    };

    let unbuffered = m.get_flag("unbuffered") || jobs.is_empty();
    let mut printer = if setup.quiet {
        // The report is the output: the run's own lines go only into it.
        Printer::to(format, unbuffered, Box::new(std::io::sink()))
    } else {
        Printer::new(format, unbuffered)
    };
    printer.protocol(card.protocol());
    if jobs.is_empty() {
        eprintln!("{}", gettext("Reading commands from STDIN"));
        let mut summary = Summary::default();
        interactive(&mut card, &options, &mut printer, stop, &mut summary);
        printer.summary(&summary);
        let _ = card.disconnect(Disposition::Leave);
        return exit_code(&summary).max(save_recording(record, recording));
    }

    let repeat = setup.repeat;
    let mut code = EXIT_OK;
    let mut suites = Vec::new();
    'runs: for round in 1..=repeat {
        for job in jobs {
            match &job.path {
                Some(path) => eprintln!(
                    "{}",
                    gettext_f(
                        &gettext("Using given file: {file}"),
                        &[("file", &path.display().to_string())]
                    )
                ),
                None => eprintln!("{}", gettext("Reading commands from STDIN")),
            }
            let (mut suite, summary) = run_job(
                job,
                &mut card,
                &options,
                &mut printer,
                stop,
                None,
                setup.capture,
            );
            printer.summary(&summary);
            code = code.max(exit_code(&summary));
            if repeat > 1 {
                suite.name = format!("{} #{round}", suite.name);
            }
            suites.push(suite);
            if printer.closed() {
                break 'runs;
            }
        }
    }
    if m.get_flag("stats") {
        if setup.quiet {
            print_stats(&stats_text(jobs, &suites), true);
        } else {
            printer.write_text(&stats_text(jobs, &suites));
        }
    }
    let _ = card.disconnect(Disposition::Leave);
    code = code.max(save_recording(record, recording));
    if let Err(msg) = reports.write(&suites) {
        eprintln!("{msg}");
        code = code.max(EXIT_PCSC);
    }
    code
}

/// The statistics on stdout, or on stderr when a report is the stdout.
fn print_stats(text: &str, quiet: bool) {
    use std::io::Write;
    let _ = if quiet {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
}

/// The `--stats` tables, one per script.
fn stats_text(jobs: &[Job], suites: &[Suite]) -> String {
    let mut out = String::new();
    for job in jobs {
        let runs: Vec<&Suite> = suites.iter().filter(|s| s.file == job.name).collect();
        let table = crate::report::stats::collect(&runs);
        out.push_str(&crate::report::stats::render(&job.name, runs.len(), &table));
    }
    out
}

/// Write the card file of `run --record`; the exit code if that failed.
fn save_recording(
    path: Option<&std::path::PathBuf>,
    log: Option<std::sync::Arc<std::sync::Mutex<replay::Recording>>>,
) -> i32 {
    let (Some(path), Some(log)) = (path, log) else {
        return EXIT_OK;
    };
    let result = match log.lock() {
        Ok(r) => r.save(path),
        Err(_) => return EXIT_PCSC,
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!(
                "{}",
                gettext_f(
                    &gettext("Cannot write the recorded card {file}: {error}"),
                    &[
                        ("file", &path.display().to_string()),
                        ("error", &e.to_string())
                    ]
                )
            );
            EXIT_PCSC
        }
    }
}

/// What every run of a `run` command shares (also across reader threads).
#[derive(Clone)]
pub(super) struct Setup {
    pub format: Format,
    pub protocol: Protocol,
    pub share: ShareMode,
    pub options: EngineOptions,
    pub repeat: usize,
    pub jobs: std::sync::Arc<Vec<Job>>,
    /// A report is the standard output: print nothing else there.
    pub quiet: bool,
    /// A report shows each run's output: keep a copy of it.
    pub capture: bool,
}

/// A script read and checked, ready to run.
pub(super) struct Job {
    /// The file as given, or `standard input`.
    pub name: String,
    /// `None` for standard input.
    pub path: Option<std::path::PathBuf>,
    /// Echo the source's lines (a file, or `-`), as scriptor does.
    pub echo: bool,
    pub source: String,
    /// The statements, when a report or the statistics need them all.
    pub statements: Option<Vec<Statement>>,
}

/// Every FILE of the command line read and parsed; standard input (without
/// FILE) when it is not a terminal. No job means: read a terminal line by
/// line. `Err` is the exit code after the errors were reported.
/// `keep`: keep each script's statements (see [`Job::statements`]).
pub(super) fn load_jobs(m: &ArgMatches, keep: bool) -> Result<Vec<Job>, i32> {
    let files: Vec<&std::path::PathBuf> = m
        .get_many::<std::path::PathBuf>("file")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut jobs = Vec::new();
    let mut failed = false;
    let stdin_job = |echo: bool| -> Result<Job, i32> {
        match script::read_stream(std::io::stdin().lock()) {
            Ok(source) => Ok(Job {
                name: gettext("standard input"),
                path: echo.then(|| "-".into()),
                echo,
                statements: None,
                source,
            }),
            Err(e) => {
                report_read_error(&e);
                Err(EXIT_SCRIPT)
            }
        }
    };
    if files.is_empty() {
        if std::io::stdin().is_terminal() {
            return Ok(jobs);
        }
        jobs.push(stdin_job(false)?);
    }
    for path in files {
        // `-` is standard input read as a file (echoed), as in scriptor.
        if path.as_os_str() == "-" {
            jobs.push(stdin_job(true)?);
            continue;
        }
        match script::read_file(path) {
            Ok(source) => jobs.push(Job {
                name: path.display().to_string(),
                path: Some(path.clone()),
                echo: true,
                statements: None,
                source,
            }),
            Err(e) => {
                report_read_error(&e);
                return Err(EXIT_SCRIPT);
            }
        }
    }
    // A first pass keeps the errors only, unless `keep`.
    for job in &mut jobs {
        let errors = if keep {
            let mut script = script::parse(&job.source);
            job.statements = Some(std::mem::take(&mut script.statements));
            script
        } else {
            script::statements(&job.source).finish()
        };
        if !errors.errors.is_empty() {
            print_parse_errors(&job.name, &errors);
            failed = true;
        }
    }
    if failed {
        return Err(EXIT_SCRIPT);
    }
    Ok(jobs)
}

/// Run one script on `card`: its output through `printer`, its statements
/// into a report suite.
pub(super) fn run_job(
    job: &Job,
    card: &mut dyn Card,
    options: &EngineOptions,
    printer: &mut Printer,
    stop: &AtomicBool,
    reader: Option<&str>,
    capture: bool,
) -> (Suite, Summary) {
    let mut collector = match &job.statements {
        Some(statements) => Collector::new(&job.name, reader, &job.source, statements),
        None => Collector::new(&job.name, reader, "", &[]),
    };
    // Only a report that shows the output gets a copy of it: a plain run,
    // or a thousand cards, hold none.
    if capture {
        printer.start_capture();
    }
    if job.echo {
        printer.echo_source(&job.source);
    }
    let started = std::time::Instant::now();
    let mut summary = Summary::default();
    match &job.statements {
        Some(statements) => run_statements(
            statements.iter().cloned(),
            card,
            options,
            printer,
            &mut collector,
            stop,
            &mut summary,
        ),
        None => run_statements(
            script::statements(&job.source),
            card,
            options,
            printer,
            &mut collector,
            stop,
            &mut summary,
        ),
    };
    printer.finish_source(&summary.outcome);
    let output = printer.take_capture();
    let suite = collector.finish(&summary.outcome, started.elapsed(), output);
    (suite, summary)
}

/// Run statements one at a time, so that the printer shows each command
/// before it is sent, as scriptor does. Returns `false` once the run ended.
fn run_statements(
    statements: impl IntoIterator<Item = Statement>,
    card: &mut dyn Card,
    options: &EngineOptions,
    printer: &mut Printer,
    collector: &mut Collector,
    stop: &AtomicBool,
    total: &mut Summary,
) -> bool {
    for statement in statements {
        if printer.closed() {
            total.outcome = Outcome::Stopped;
            return false;
        }
        printer.before(&statement);
        let s = {
            let mut both = |e: &EngineEvent| {
                printer.event(e);
                collector.event(e);
            };
            engine::run(
                std::slice::from_ref(&statement),
                card,
                options,
                &mut both,
                stop,
            )
        };
        collector.done(&statement, &s);
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

pub(super) fn exit_code(summary: &Summary) -> i32 {
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
        let mut collector = Collector::new("", None, "", &[]);
        if !run_statements(
            parsed.statements,
            card,
            options,
            printer,
            &mut collector,
            stop,
            total,
        ) {
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
