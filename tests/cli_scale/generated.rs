//! The man pages and completions meson installs, generated from the clap
//! definition (`apdu-scriptor generate-data DIR`).

use std::process::Command;

use crate::cli_common::cli;

#[test]
fn man_pages_and_completions_cover_every_subcommand_and_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli().arg("generate-data").arg(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let main = read("apdu-scriptor.1");
    assert!(main.starts_with(".ie \\n(.g .ds Aq"), "roff: {main}");
    assert!(main.contains(".SH SUBCOMMANDS"), "{main}");
    for sub in ["run", "list", "virtual\\-card"] {
        assert!(
            main.contains(&format!("apdu\\-scriptor\\-{sub}(1)")),
            "{sub}: {main}"
        );
    }
    let run = read("apdu-scriptor-run.1");
    for option in [
        "\\-\\-report",
        "\\-\\-each\\-card",
        "\\-\\-all\\-readers",
        "\\-\\-record",
        "\\-\\-stats",
    ] {
        assert!(run.contains(option), "{option}: {run}");
    }
    assert!(read("apdu-scriptor-virtual-card.1").contains("\\-\\-latency"));
    let bash = read("apdu-scriptor");
    assert!(
        bash.contains("--each-card") && bash.contains("complete -F"),
        "{bash}"
    );
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(dir.path().join("apdu-scriptor"))
        .status()
        .unwrap();
    assert!(syntax.success(), "bash completion does not parse");
    assert!(read("_apdu-scriptor").starts_with("#compdef apdu-scriptor"));
    assert!(read("apdu-scriptor.fish").contains("complete -c apdu-scriptor"));
    // Not a command users see.
    let help = cli().arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("generate-data"));
}
