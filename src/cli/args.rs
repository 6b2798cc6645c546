//! Argument definitions (clap builder API, so that help texts are translated).

use clap::{Arg, ArgAction, Command};

use crate::config;
use crate::i18n::gettext;

pub fn command() -> Command {
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
                        .value_parser(clap::value_parser!(u16))
                        .default_value("35963")
                        .help(gettext("TCP port of the vpcd reader (35963 is 'Virtual PCD 00 00')")),
                )
                .arg(
                    Arg::new("card")
                        .long("card")
                        .value_name("FILE.ron")
                        .value_parser(clap::value_parser!(std::path::PathBuf))
                        .help(gettext("Card description in RON, or a card recorded with 'run --record' (default: the built-in demo card)")),
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
                    "Record the card's ATR, commands and responses into a card file that 'virtual-card --card' replays",
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
                    "Write a test report: JUnit XML or TAP, to FILE ('-' for standard output); may be given twice",
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
