//! Argument definitions (clap builder API, so that help texts are translated).
//! clap's own words (the help's headings, `--help`/`--version`, its error
//! messages) are English only, so [`localize`] replaces them with ours.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use crate::config;
use crate::i18n::{gettext, gettext_f};

pub fn command() -> Command {
    localize(base_command())
}

fn base_command() -> Command {
    Command::new("apdu-scriptor")
        .version(config::VERSION)
        .about(gettext("Send APDU commands to smart cards through PC/SC"))
        .long_about(gettext(
            "Send APDU commands to smart cards through PC/SC. Without a command, opens the window (with FILE, opens that script).",
        ))
        .subcommand(run_command())
        .subcommand(
            Command::new("list").about(gettext(
                "List the readers with their card state, ATR and the card's name",
            )),
        )
        .subcommand(
            Command::new("virtual-card")
                .about(gettext(
                    "Serve the demo card to pcscd through the vsmartcard vpcd driver",
                ))
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("PORT")
                        .value_parser(clap::value_parser!(u16).range(1..))
                        .default_value("35963")
                        .help(gettext("TCP port of the vpcd reader (35963 is “Virtual PCD 00 00”)")),
                )
                .arg(
                    Arg::new("card")
                        .long("card")
                        .value_name("FILE.ron")
                        .value_parser(clap::value_parser!(std::path::PathBuf))
                        .help(gettext("Card description in RON, or a card recorded with “run --record” (default: the built-in demo card)")),
                )
                .arg(
                    Arg::new("latency")
                        .long("latency")
                        .value_name("MS")
                        .value_parser(clap::value_parser!(u64).range(0..=60_000))
                        .help(gettext("Answer each command after this many milliseconds, like a slow card")),
                )
                .arg(
                    Arg::new("bench")
                        .long("bench")
                        .action(ArgAction::SetTrue)
                        .hide(true),
                ),
        )
}

fn run_command() -> Command {
    Command::new("run")
        .about(gettext(
            "Run a script (from FILE or standard input) like scriptor does",
        ))
        .arg(
            Arg::new("reader")
                .short('r')
                .long("reader")
                .value_name("READER")
                .help(gettext("Use this reader (default: the first one found)")),
        )
        .arg(
            Arg::new("protocol")
                .short('p')
                .long("protocol")
                .value_name("T=0|T=1")
                .help(gettext(
                    "Protocol to use: T=0 or T=1 (default: let PC/SC choose)",
                )),
        )
        .arg(
            Arg::new("unbuffered")
                .short('u')
                .long("unbuffered")
                .action(ArgAction::SetTrue)
                .help(gettext("Write each output line at once (unbuffered)")),
        )
        .arg(
            Arg::new("demo")
                .long("demo")
                .action(ArgAction::SetTrue)
                .conflicts_with("reader")
                .help(gettext("Use the built-in demo card instead of a reader")),
        )
        .arg(
            Arg::new("auto-get-response")
                .long("auto-get-response")
                .action(ArgAction::SetTrue)
                .help(gettext(
                    "Send GET RESPONSE on 61XX and re-send with the right Le on 6CXX",
                )),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["scriptor", "text", "ron"])
                .default_value("scriptor")
                .help(gettext(
                    "Output format: scriptor (same as scriptor), text (explained), ron",
                )),
        )
        .arg(
            Arg::new("exclusive")
                .long("exclusive")
                .action(ArgAction::SetTrue)
                .help(gettext("Open the reader in exclusive mode")),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..=86_400))
                .help(gettext(
                    "Give up a command the card has not answered within SECONDS (1 to 86400; exit code 4)",
                )),
        )
        .arg(
            Arg::new("continue-on-error")
                .long("continue-on-error")
                .action(ArgAction::SetTrue)
                .help(gettext("Go on after a failed expectation")),
        )
        .arg(
            Arg::new("readers")
                .long("readers")
                .value_name("PATTERN")
                .conflicts_with_all(["reader", "demo", "record"])
                .help(gettext(
                    "Run on every reader with a card whose name matches PATTERN (a part of the name, or with * and ?), all at once",
                )),
        )
        .arg(
            Arg::new("all-readers")
                .long("all-readers")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["reader", "demo", "record", "readers"])
                .help(gettext("Run on every reader with a card, all at once")),
        )
        .arg(
            Arg::new("each-card")
                .long("each-card")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["demo", "record", "readers", "all-readers", "repeat"])
                .help(gettext(
                    "Wait for a card, run the scripts, print a verdict, wait for its removal, and again for the next card",
                )),
        )
        .arg(
            Arg::new("count")
                .long("count")
                .value_name("N")
                .requires("each-card")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help(gettext("With --each-card: stop after N cards")),
        )
        .arg(
            Arg::new("log")
                .long("log")
                .value_name("FILE.jsonl")
                .requires("each-card")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help(gettext(
                    "With --each-card: append one JSON line per card to FILE (synced to disk before the next card)",
                )),
        )
        .arg(
            Arg::new("record")
                .long("record")
                .value_name("CARD.ron")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help(gettext(
                    "Record the card's ATR, commands and responses into a card file that “virtual-card --card” replays",
                )),
        )
        .arg(
            Arg::new("repeat")
                .long("repeat")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..))
                .default_value("1")
                .help(gettext("Run the scripts N times")),
        )
        .arg(
            Arg::new("stats")
                .long("stats")
                .action(ArgAction::SetTrue)
                .help(gettext(
                    "After the runs, print each statement's min, median, p95 and max time and its share of the total",
                )),
        )
        .arg(
            Arg::new("report")
                .long("report")
                .value_name("junit=FILE|tap=FILE")
                .action(ArgAction::Append)
                .help(gettext(
                    "Write a test report: JUnit XML or TAP, to FILE (“-” for standard output); may be given twice",
                )),
        )
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .num_args(0..)
                .action(ArgAction::Append)
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help(gettext(
                    "Script files, run one after the other (default: standard input)",
                )),
        )
}

/// Translated help for `cmd` and its subcommands: headings through a help
/// template, our own `--help` and `--version` flags, and no clap-written
/// `[default: …]` or `[possible values: …]` (help texts say them).
fn localize(cmd: Command) -> Command {
    let top = cmd.get_name() == "apdu-scriptor";
    let mut cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{}\n\n{{all-args}}{{after-help}}",
            usage_line("{usage}")
        ))
        // TRANSLATORS: heading of the command line's help
        .subcommand_help_heading(gettext("Commands"))
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .mut_args(|a| {
            let a = if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            };
            if a.is_positional() {
                // TRANSLATORS: heading of the command line's help: FILE…
                a.help_heading(gettext("Arguments"))
            } else {
                // TRANSLATORS: heading of the command line's help: --demo…
                a.help_heading(gettext("Options"))
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(gettext("Print help"))
                .help_heading(gettext("Options")),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(gettext("Print version"))
                .help_heading(gettext("Options")),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, localize);
    }
    cmd
}

fn usage_line(usage: &str) -> String {
    gettext_f(
        // TRANSLATORS: in the command line's help; {usage} is the command's
        // syntax, e.g. "apdu-scriptor run [OPTIONS] [FILE]".
        &gettext("Usage: {usage}"),
        &[("usage", usage)],
    )
}

/// A translated message for the usual command-line mistakes; `None` for the
/// others, which clap explains in English.
fn error_text(e: &clap::Error) -> Option<String> {
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    Some(match e.kind() {
        ErrorKind::UnknownArgument => gettext_f(
            // TRANSLATORS: {arg} is what was typed, e.g. "--dmeo".
            &gettext("unexpected argument “{arg}”"),
            &[("arg", &arg)],
        ),
        ErrorKind::InvalidSubcommand => gettext_f(
            // TRANSLATORS: {command} is what was typed, e.g. "runn".
            &gettext("unknown command “{command}”"),
            &[("command", &text(ContextKind::InvalidSubcommand)?)],
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            match text(ContextKind::ValidValue) {
                Some(valid) => gettext_f(
                    // TRANSLATORS: e.g. value "xml", arg "--format <FORMAT>",
                    // valid "scriptor, text, ron".
                    &gettext("invalid value “{value}” for “{arg}”; possible values: {valid}"),
                    &[("value", &value), ("arg", &arg), ("valid", &valid)],
                ),
                None => gettext_f(
                    // TRANSLATORS: e.g. value "99999", arg "--port <PORT>".
                    &gettext("invalid value “{value}” for “{arg}”"),
                    &[("value", &value), ("arg", &arg)],
                ),
            }
        }
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) if prior != arg => gettext_f(
                // TRANSLATORS: e.g. arg "--demo", other "--reader <READER>".
                &gettext("“{arg}” cannot be used with “{other}”"),
                &[("arg", &arg), ("other", &prior)],
            ),
            _ => gettext_f(
                &gettext("“{arg}” cannot be used more than once"),
                &[("arg", &arg)],
            ),
        },
        ErrorKind::MissingRequiredArgument => gettext_f(
            // TRANSLATORS: {args} lists arguments, e.g. "<FILE>".
            &gettext("missing required argument: {args}"),
            &[("args", &arg)],
        ),
        ErrorKind::TooManyValues => gettext_f(
            &gettext("unexpected argument “{arg}”"),
            &[("arg", &text(ContextKind::InvalidValue).unwrap_or(arg))],
        ),
        _ => return None,
    })
}

/// Print a command-line error (or the help or version asked for) the way
/// clap would, in the user's language where we can; returns whether it was
/// an error.
pub fn print_error(e: &clap::Error) -> bool {
    if !e.use_stderr() {
        let _ = e.print();
        return false;
    }
    let Some(message) = error_text(e) else {
        let _ = e.print();
        return true;
    };
    let line = gettext_f(
        // TRANSLATORS: a command-line mistake, e.g. "unexpected argument “--dmeo”".
        &gettext("error: {message}"),
        &[("message", &message)],
    );
    eprintln!("{line}");
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        eprintln!("\n{}", usage_line(usage));
    }
    eprintln!(
        "\n{}",
        // TRANSLATORS: keep --help as is.
        gettext("For more information, try “--help”.")
    );
    true
}
