//! `apdu-scriptor list` and `apdu-scriptor virtual-card`.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clap::ArgMatches;

use super::{report_card_error, EXIT_OK, EXIT_PCSC, EXIT_SCRIPT};
use crate::apdu::{atr, hex_spaced};
use crate::card::demo::DemoCard;
use crate::card::{pcsc_backend::PcscContext, replay, vpcd, Card, Protocol, DEMO_READER};
use crate::i18n::{gettext, gettext_f};

pub fn list() -> i32 {
    let readers = PcscContext::establish().and_then(|ctx| ctx.list_readers());
    let mut out = String::new();
    let code = match readers {
        Ok(readers) => {
            if readers.is_empty() {
                out.push_str(&format!("{}\n", gettext("No PC/SC reader found.")));
            }
            for (i, r) in readers.iter().enumerate() {
                out.push_str(&format!("{}: {}\n", i, r.name));
                match &r.atr {
                    Some(a) if r.card_present => {
                        let state = if r.exclusive {
                            gettext("card present, in exclusive use by another program")
                        } else {
                            gettext("card present")
                        };
                        out.push_str(&format!("   {state}\n   ATR: {}\n", hex_spaced(a)));
                        for name in atr::lookup_names(a) {
                            out.push_str(&format!("      {name}\n"));
                        }
                    }
                    _ => out.push_str(&format!("   {}\n", gettext("no card"))),
                }
            }
            EXIT_OK
        }
        Err(e) => {
            report_card_error(&e);
            EXIT_PCSC
        }
    };
    out.push_str(&gettext_f(
        &gettext("Built-in: {reader} (use “run --demo”)"),
        &[("reader", DEMO_READER)],
    ));
    out.push('\n');
    // Not println!: a closed pipe (`list | head -1`) is no reason to panic.
    let _ = std::io::stdout().write_all(out.as_bytes());
    code
}

/// Serve the demo card (or `--card FILE.ron`) to the vpcd driver until killed.
pub fn virtual_card(m: &ArgMatches) -> i32 {
    let port = m
        .get_one::<u16>("port")
        .copied()
        .unwrap_or(vpcd::DEFAULT_PORT);
    let card = match m.get_one::<std::path::PathBuf>("card") {
        Some(path) => replay::load_card_file(path, Protocol::T0, Box::new(|w| eprintln!("{w}"))),
        None => DemoCard::builtin(Protocol::T0)
            .map(|c| Box::new(c) as Box<dyn Card>)
            .map_err(|e| e.message()),
    };
    let mut card = match card {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            return EXIT_SCRIPT;
        }
    };
    if let Some(&ms) = m.get_one::<u64>("latency").filter(|&&ms| ms > 0) {
        card = Box::new(replay::slow(card, std::time::Duration::from_millis(ms)));
    }
    let port_text = port.to_string();
    eprintln!(
        "{}",
        gettext_f(
            // TRANSLATORS: {port} is a TCP port number, e.g. 35963.
            &gettext("Serving the card to the vpcd driver on 127.0.0.1:{port}; stop this program to remove it"),
            &[("port", &port_text)]
        )
    );
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let stop = Arc::new(AtomicBool::new(false));
    let report = |status| {
        let text = match status {
            vpcd::Status::Waiting => gettext_f(
                &gettext("Waiting for the vpcd driver on port {port}: is pcscd running with vsmartcard's vpcd driver, and is no other card served on this port?"),
                &[("port", &port_text)],
            ),
            vpcd::Status::Connected => {
                gettext("Connected to the vpcd driver: the card is in the reader")
            }
        };
        eprintln!("{text}");
    };
    match vpcd::serve_reporting(card, addr, stop, report) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("{e}");
            EXIT_PCSC
        }
    }
}
