//! Scripts as tests, at scale (issue 12), run as real processes on the
//! private pcscd + vpcd bench: the statements `reset cold`, `delay`,
//! `wait card`; JUnit and TAP reports; record and replay; repeat
//! statistics; many readers; every inserted card.

#[allow(dead_code)]
#[path = "common/cli.rs"]
mod cli_common;
mod common;

#[path = "cli_scale/ci.rs"]
mod ci;
#[path = "cli_scale/each_card.rs"]
mod each_card;
#[path = "cli_scale/generated.rs"]
mod generated;
#[path = "cli_scale/readers.rs"]
mod readers;
#[path = "cli_scale/replay.rs"]
mod replay;
#[path = "cli_scale/reports.rs"]
mod reports;
#[path = "cli_scale/statements.rs"]
mod statements;
#[path = "cli_scale/stats.rs"]
mod stats;
