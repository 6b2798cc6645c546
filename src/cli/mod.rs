//! The command line: `run` (scriptor-compatible), `list`, `virtual-card`.

mod args;
mod each_card;
pub mod generate;
mod list;
mod many;
mod output;
mod reports;
mod run;
mod signals;

use std::ffi::OsString;

use crate::card::CardError;
use crate::i18n::gettext;

/// Exit codes, documented in the README.
pub const EXIT_OK: i32 = 0;
/// An expectation (`(9000)`, `[data]`) did not hold.
pub const EXIT_ASSERTION: i32 = 1;
/// Bad command-line arguments.
pub const EXIT_USAGE: i32 = 2;
/// The script could not be read or has syntax errors; nothing was sent.
pub const EXIT_SCRIPT: i32 = 3;
/// A PC/SC or card error: no service, no reader, card removed, protocol mismatch…
pub const EXIT_PCSC: i32 = 4;

/// Entry point for command-line use; returns the process exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    // For meson's build, not for users: no help, no completion.
    if args.get(1).is_some_and(|a| a == "generate-data") {
        let Some(dir) = args.get(2) else {
            return EXIT_USAGE;
        };
        return match generate::generate(std::path::Path::new(dir)) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("{e}");
                EXIT_SCRIPT
            }
        };
    }
    let matches = match args::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            return if args::print_error(&e) {
                EXIT_USAGE
            } else {
                EXIT_OK
            }
        }
    };
    match matches.subcommand() {
        Some(("run", m)) => run::run(m),
        Some(("list", _)) => list::list(),
        Some(("virtual-card", m)) => list::virtual_card(m),
        _ => {
            let _ = args::command().print_help();
            EXIT_OK
        }
    }
}

/// Print a card error with its hint on stderr.
pub(crate) fn report_card_error(err: &CardError) {
    eprintln!("{}", err.message());
    if let Some(hint) = err.hint() {
        eprintln!(
            "{}",
            crate::i18n::gettext_f(&gettext("Hint: {hint}"), &[("hint", &hint)])
        );
    }
}
