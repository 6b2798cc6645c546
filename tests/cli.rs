//! The command line, run as a real process: scriptor's output format on the
//! demo card, the other formats, translations and exit codes; then `list`
//! and `run` on the private pcscd bench (`cli/bench.rs`).

mod common;
// Not in common/mod.rs: the examples that share the bench have no binary to run.
#[path = "common/cli.rs"]
mod cli_common;

#[path = "cli/bench.rs"]
mod bench;
#[path = "cli/pty.rs"]
mod pty;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use apdu_scriptor::card::CardError;
use apdu_scriptor::engine::Origin;
use cli_common::{assert_explained, cli, output, run_args, run_file, script};

/// Every scriptor rule in one session on the demo card: comment, compact
/// hex, continuation, lower case, blank line, reset, a response over 16
/// bytes, `exit` and a line after it.
const SESSION: &str = "# Demo card session
00A4000C\\
023F00
00 a4 00 00 02 3f 00

00C0000019
reset
00 A4 04 0C 09 F0 41 50 44 55 53 43 52 01
00 A4 00 0C 02 50 02
00 B0 00 00 28
exit
00 B0 00 00 01
";

/// What scriptor prints for SESSION's APDUs (without the echoed file lines).
const SESSION_EXCHANGES: &[&str] = &[
    // Continuation of compact hex: each part expanded, with a trailing space.
    "> 00 A4 00 0C 02 3F 00 \n< 90 00 : Normal processing.\n",
    // Spaced input is echoed as typed, case kept.
    "> 00 a4 00 00 02 3f 00\n< 61 19 : 0x19 bytes of response still available.\n",
    // 27 bytes: the line breaks after the 16th, which keeps its space.
    "> 00 C0 00 00 19 \n< 6F 17 82 01 38 83 02 3F 00 8A 01 05 A5 0B 50 09 \n\
     41 50 44 55 20 44 45 4D 4F 90 00 : Normal processing.\n",
    "> RESET\n< OK: 3B 89 80 01 41 50 44 55 20 44 45 4D 4F 2B \n",
    "> 00 A4 04 0C 09 F0 41 50 44 55 53 43 52 01\n< 90 00 : Normal processing.\n",
    "> 00 A4 00 0C 02 50 02\n< 90 00 : Normal processing.\n",
    // 42 bytes: two breaks.
    "> 00 B0 00 00 28\n< 4C 6F 6E 67 20 66 69 6C 65 3A 20 66 6F 72 74 79 \n\
     20 62 79 74 65 73 20 6F 66 20 64 65 6D 6F 20 63 \n\
     6F 6E 74 65 6E 74 2E 2E 90 00 : Normal processing.\n",
];

#[test]
fn scriptor_format_in_file_mode_echoes_every_line_up_to_exit() {
    let (_dir, path) = script("session.script", SESSION.as_bytes());
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    let x = SESSION_EXCHANGES;
    let expected = [
        "Using T=0 protocol\n",
        "# Demo card session\n00A4000C\\\n023F00\n",
        x[0],
        "00 a4 00 00 02 3f 00\n",
        x[1],
        "\n00C0000019\n",
        x[2],
        "reset\n",
        x[3],
        "00 A4 04 0C 09 F0 41 50 44 55 53 43 52 01\n",
        x[4],
        "00 A4 00 0C 02 50 02\n",
        x[5],
        "00 B0 00 00 28\n",
        x[6],
        // `exit` is echoed, the line after it is neither echoed nor sent.
        "exit\n",
    ]
    .concat();
    assert_eq!(out.stdout, expected, "{out:?}");
    assert!(out.stderr.contains("Using the demo card"), "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("Using given file: {}", path.display())),
        "{out:?}"
    );
}

#[test]
fn scriptor_format_on_piped_stdin_does_not_echo_lines() {
    let mut c = cli();
    c.args(["run", "--demo"]);
    let out = output(c, SESSION.as_bytes());
    assert_eq!(out.code, 0, "{out:?}");
    let expected = format!("Using T=0 protocol\n{}", SESSION_EXCHANGES.concat());
    assert_eq!(out.stdout, expected, "{out:?}");
    assert!(
        out.stderr.contains("Reading commands from STDIN"),
        "{out:?}"
    );

    // `-` reads standard input as a file, echoed, as scriptor does.
    let (_dir, path) = script("session.script", SESSION.as_bytes());
    let from_file = run_file(&["run", "--demo"], &path);
    let mut c = cli();
    c.args(["run", "--demo", "-"]);
    let out = output(c, SESSION.as_bytes());
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, from_file.stdout);
}

#[test]
fn file_without_final_newline_keeps_scriptor_layout() {
    let (_dir, path) = script("a.apdu", b"00a4000c023f00");
    let out = run_file(&["run", "--demo", "-p", "T=1"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "Using T=1 protocol\n00a4000c023f00> 00 a4 00 0c 02 3f 00 \n< 90 00 : Normal processing.\n"
    );
    assert!(out.stderr.contains("Trying T=1 protocol"), "{out:?}");
}

#[test]
fn text_format_explains_status_words_and_sums_up() {
    let (_dir, path) = script(
        "t.script",
        b"00 A4 04 00 07 A0 00 00 00 03 10 10\nreset\n00 A4 00 0C 02 3F 00\n",
    );
    let out = run_file(&["run", "--demo", "--format", "text"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "Protocol: T=0");
    assert_eq!(lines[1], "[1] > 00 A4 04 00 07 A0 00 00 00 03 10 10");
    assert!(
        lines[2].starts_with("[1] 6A 82 File or application not found ("),
        "{out:?}"
    );
    assert!(
        lines[3].starts_with("[2] Reset, ATR: 3B 89 80 01 41 50 44 55 20 44 45 4D 4F 2B ("),
        "{out:?}"
    );
    assert!(lines[5].starts_with("[3] 90 00 Success ("), "{out:?}");
    assert!(
        lines[6].starts_with("Script completed. 2 commands sent, total time "),
        "{out:?}"
    );
    assert_eq!(lines.len(), 7, "{out:?}");
    // No scriptor-format line slips in.
    assert!(!out.stdout.contains("Normal processing"), "{out:?}");
}

/// `po/xx.po` compiled into a fresh locale directory.
fn compiled_locale(langs: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let po = Path::new(env!("CARGO_MANIFEST_DIR")).join("po");
    for lang in langs {
        let target = dir.path().join(lang).join("LC_MESSAGES");
        std::fs::create_dir_all(&target).unwrap();
        let status = Command::new("msgfmt")
            .arg("--check")
            .arg("-o")
            .arg(target.join("apdu-scriptor.mo"))
            .arg(po.join(format!("{lang}.po")))
            .status()
            .expect("msgfmt (gettext) is installed");
        assert!(status.success(), "msgfmt failed on {lang}.po");
    }
    dir
}

fn cli_in(lang: &str, locale: &Path) -> Command {
    let mut c = cli();
    c.env("LANGUAGE", lang)
        .env("APDU_SCRIPTOR_LOCALEDIR", locale);
    c
}

/// A script of `n` SELECT MF commands (`9000` under T=1).
fn selects(n: usize) -> Vec<u8> {
    "00 A4 00 0C 02 3F 00\n".repeat(n).into_bytes()
}

#[test]
fn text_format_and_messages_are_translated() {
    let locale = compiled_locale(&["fr", "ru"]);
    let (_dir, path) = script("t.script", b"00 A4 04 00 07 A0 00 00 00 03 10 10\n");

    let mut c = cli_in("fr", locale.path());
    c.args(["run", "--demo", "--format", "text"]).arg(&path);
    let out = output(c, b"");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Protocole\u{a0}: T=0"), "{out:?}");
    assert!(
        out.stdout
            .contains("6A 82 Fichier ou application introuvable"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("Script terminé. 1 commande envoyée"),
        "{out:?}"
    );
    assert!(out.stderr.contains("carte de démonstration"), "{out:?}");

    // The scriptor format stays English, whatever the language.
    let mut c = cli_in("fr", locale.path());
    c.args(["run", "--demo"]).arg(&path);
    let out = output(c, b"");
    assert!(
        out.stdout
            .contains("< 6A 82 : Wrong parameter(s) P1-P2. File not found."),
        "{out:?}"
    );

    // Russian has three plural forms: 1 and 21, 2-4, 5 and more; 21 takes
    // the form of 1, so that form must not mean "exactly one".
    for (n, words) in [
        (1, "1 команда отправлена"),
        (2, "2 команды отправлены"),
        (5, "5 команд отправлено"),
        (21, "21 команда отправлена"),
    ] {
        let mut c = cli_in("ru", locale.path());
        c.args(["run", "--demo", "-p", "T=1", "--format", "text"]);
        let out = output(c, &selects(n));
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains(words), "{n}: {out:?}");
    }
    for (n, words) in [
        (1, "1 ошибка в сценарии; ничего не отправлено"),
        (2, "2 ошибки в сценарии; ничего не отправлено"),
        (5, "5 ошибок в сценарии; ничего не отправлено"),
        (21, "21 ошибка в сценарии; ничего не отправлено"),
    ] {
        let mut c = cli_in("ru", locale.path());
        c.args(["run", "--demo", "--format", "text"]);
        let out = output(c, "ZZ\n".repeat(n).as_bytes());
        assert_ne!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains(words), "{n}: {out:?}");
    }
}

#[test]
fn help_and_usage_errors_are_translated() {
    let locale = compiled_locale(&["fr", "ru"]);
    let mut c = cli_in("fr", locale.path());
    c.args(["run", "--help"]);
    let out = output(c, b"");
    assert_eq!(out.code, 0, "{out:?}");
    for words in [
        "Utilisation\u{a0}: apdu-scriptor run [OPTIONS] [FILE]",
        "Options:\n",
        "Arguments:\n",
        "Utiliser la carte de démonstration intégrée",
    ] {
        assert!(out.stdout.contains(words), "{words:?} in {out:?}");
    }
    // The help flag's line, whatever the column width of the options.
    assert!(
        out.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("-h, --help") && l.ends_with("Afficher l'aide")),
        "{out:?}"
    );
    for english in ["Usage:", "Print help", "[default:", "[possible values:"] {
        assert!(!out.stdout.contains(english), "{english:?} in {out:?}");
    }

    let mut c = cli_in("ru", locale.path());
    c.arg("--help");
    let out = output(c, b"");
    assert!(out.stdout.contains("Команды:\n"), "{out:?}");
    assert!(out.stdout.contains("Показать версию"), "{out:?}");

    let mut c = cli_in("fr", locale.path());
    c.args(["run", "--format", "xml"]);
    let out = output(c, b"");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(
            "erreur\u{a0}: valeur «\u{a0}xml\u{a0}» non valide pour «\u{a0}--format <FORMAT>\u{a0}»"
        ),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("essayez «\u{a0}--help\u{a0}»"),
        "{out:?}"
    );
}

#[test]
fn missing_service_is_explained_in_french() {
    let locale = compiled_locale(&["fr"]);
    let mut c = cli_in("fr", locale.path());
    c.env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm")
        .args(["run"]);
    let out = output(c, b"00 A4 00 00\n");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("Le service PC/SC n'est pas lancé"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("Conseil\u{a0}: Démarrez pcscd\u{a0}: sudo systemctl start pcscd.socket"),
        "{out:?}"
    );
}

/// The records `--format ron` writes, as a reader of that output sees them.
#[derive(Debug, serde::Deserialize)]
enum Record {
    Exchange {
        line: usize,
        origin: Origin,
        command: String,
        response: String,
        sw: Option<String>,
        ok: Option<bool>,
    },
    Reset {
        line: usize,
        atr: Option<String>,
    },
    Error {
        line: usize,
        error: String,
    },
    Exit {
        line: usize,
    },
    Summary {
        commands: usize,
        resets: usize,
        assertions_checked: usize,
        assertions_failed: usize,
        outcome: String,
    },
}

fn ron_records(stdout: &str) -> Vec<Record> {
    stdout
        .lines()
        .map(|l| ron::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn ron_format_writes_one_record_per_line() {
    let (_dir, path) = script(
        "r.script",
        b"reset\n00 A4 00 00 02 3F 00 (61XX)\n00C0000019\nexit\n00 B0 00 00 01\n",
    );
    let out = run_file(&["run", "--demo", "--format", "ron"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    let records = ron_records(&out.stdout);
    assert_eq!(records.len(), 5, "{out:?}");
    assert!(
        matches!(&records[0], Record::Reset { line: 1, atr: Some(a) } if a.starts_with("3B89")),
        "{records:?}"
    );
    match &records[1] {
        Record::Exchange {
            line: 2,
            origin,
            command,
            response,
            sw: Some(sw),
            ok: Some(true),
        } => {
            assert_eq!(*origin, Origin::Script);
            assert_eq!(command, "00A40000023F00");
            assert_eq!(response, "6119");
            assert_eq!(sw, "6119");
        }
        r => panic!("{r:?}"),
    }
    assert!(
        matches!(&records[2], Record::Exchange { line: 3, response, .. } if response.len() == 54),
        "{records:?}"
    );
    assert!(matches!(records[3], Record::Exit { line: 4 }));
    match &records[4] {
        Record::Summary {
            commands,
            resets,
            assertions_checked,
            assertions_failed,
            outcome,
        } => {
            assert_eq!((*commands, *resets), (2, 1));
            assert_eq!((*assertions_checked, *assertions_failed), (1, 0));
            assert_eq!(outcome, "Exited");
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn auto_get_response_adds_the_exchanges_it_sends() {
    let script_text = b"00 A4 00 00 02 3F 00\n";
    let mut c = cli();
    c.args(["run", "--demo"]);
    let plain = output(c, script_text);
    assert_eq!(plain.stdout.matches("> ").count(), 1, "{plain:?}");

    let mut c = cli();
    c.args(["run", "--demo", "--auto-get-response"]);
    let auto = output(c, script_text);
    assert_eq!(auto.code, 0, "{auto:?}");
    assert!(
        auto.stdout.starts_with(&format!(
            "Using T=0 protocol\n{}",
            "> 00 A4 00 00 02 3F 00\n< 61 19 : 0x19 bytes of response still available.\n\
             > 00 C0 00 00 19\n< 6F 17 82 01 38 83 02 3F 00 8A 01 05 A5 0B 50 09 \n"
        )),
        "{auto:?}"
    );

    let mut c = cli();
    c.args(["run", "--demo", "--auto-get-response", "--format", "text"]);
    let text = output(c, script_text);
    assert!(
        text.stdout
            .contains("[1] > 00 C0 00 00 19 (automatic GET RESPONSE)\n"),
        "{text:?}"
    );

    let mut c = cli();
    c.args(["run", "--demo", "--auto-get-response", "--format", "ron"]);
    let out = output(c, script_text);
    let records = ron_records(&out.stdout);
    assert!(
        matches!(
            &records[1],
            Record::Exchange {
                line: 1,
                origin: Origin::AutoGetResponse,
                ..
            }
        ),
        "{records:?}"
    );
    assert!(
        matches!(&records[2], Record::Summary { commands: 2, .. }),
        "{records:?}"
    );
}

#[test]
fn bad_script_lists_every_error_and_sends_nothing() {
    let (_dir, path) = script(
        "bad.script",
        b"00 A4 00 00\n00 A4 0x00\n00A\nreset now\n00 A4 \\\n",
    );
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 3, "{out:?}");
    let p = path.display();
    for at in ["2:7", "3:1", "4:7", "5:7"] {
        assert!(out.stderr.contains(&format!("{p}:{at}: ")), "{at}: {out:?}");
    }
    assert!(
        out.stderr
            .contains("4 errors in the script; nothing was sent"),
        "{out:?}"
    );
    // Not even connected: no protocol line, no command.
    assert_eq!(out.stdout, "", "{out:?}");

    // From standard input the errors name it.
    let mut c = cli();
    c.args(["run", "--demo"]);
    let out = output(c, b"00 A4 00 00\nzz\n");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("standard input:2:1: "), "{out:?}");
    assert!(
        out.stderr
            .contains("1 error in the script; nothing was sent"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("> "), "{out:?}");
}

#[test]
fn unreadable_scripts_are_explained() {
    let out = run_args(&["run", "--demo", "/nonexistent/x.script"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.stderr,
        "Cannot open “/nonexistent/x.script”: No such file or directory\n\
         Hint: Check the name and the folder of the file\n",
        "{out:?}"
    );
    assert_eq!(out.stdout, "");

    let (_dir, path) = script("latin1.script", b"# caf\xe9\n00 A4 00 00\n");
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "“{}” is not UTF-8 text (invalid byte on line 1, at offset 5)\nHint: ",
            path.display()
        )),
        "{out:?}"
    );
    assert!(out.stderr.contains("iconv"), "{out:?}");
    assert_eq!(out.stdout, "");

    let mut c = cli();
    c.args(["run", "--demo"]);
    let out = output(c, b"00 A4 00 00\n\xff\n");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains(
            "The standard input is not UTF-8 text (invalid byte on line 2, at offset 12)\nHint: "
        ),
        "{out:?}"
    );
    assert_eq!(out.stdout, "");
}

/// A byte order mark (as some Windows editors write) is not part of the
/// script: errors on line 1 count columns from the first real character.
#[test]
fn a_byte_order_mark_is_ignored() {
    let (_dir, path) = script("bom.script", b"\xEF\xBB\xBFzz\n");
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains(&format!("{}:1:1: ", path.display())),
        "{out:?}"
    );
    let (_dir, path) = script("bom.script", b"\xEF\xBB\xBF00 A4 00 00 02 3F 00\n");
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("Using T=0 protocol\n00 A4 00 00 02 3F 00\n> 00 A4"),
        "{out:?}"
    );
}

const DEAD_SOCKET: &str = "/nonexistent/apdu-scriptor-test/pcscd.comm";

#[test]
fn no_pcsc_service_is_exit_4_with_the_hint() {
    for args in [&["run"][..], &["run", "-r", "Virtual PCD 00 00"], &["list"]] {
        let mut c = cli();
        c.env("PCSCLITE_CSOCK_NAME", DEAD_SOCKET).args(args);
        let out = output(c, b"00 A4 00 00\n");
        assert_explained(&out, &CardError::NoService);
        assert!(
            out.stderr.contains(
                "PC/SC service not running\nHint: Start pcscd: sudo systemctl start pcscd.socket\n"
            ),
            "{args:?}: {out:?}"
        );
        assert!(!out.stdout.contains("> "), "{args:?}: {out:?}");
    }
}

#[test]
fn failed_expectation_is_exit_1_and_stops_unless_told_to_go_on() {
    let text = b"00 A4 00 00 02 3F 00 (9000)\n00 A4 00 0C 02 3F 00 (9000)\n";
    let mut c = cli();
    c.args(["run", "--demo"]);
    let out = output(c, text);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout.matches("> ").count(), 1, "{out:?}");
    assert!(
        out.stderr.contains("line 1: expected (9000), got 61 19"),
        "{out:?}"
    );

    let mut c = cli();
    c.args(["run", "--demo", "--continue-on-error"]);
    let out = output(c, text);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .ends_with("> 00 A4 00 0C 02 3F 00\n< 90 00 : Normal processing.\n"),
        "{out:?}"
    );

    // A met expectation is a success.
    let mut c = cli();
    c.args(["run", "--demo"]);
    let out = output(c, b"00 A4 00 00 02 3F 00 (61XX)\n");
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn usage_errors_are_exit_2() {
    for args in [
        &["run", "--bogus"][..],
        &["run", "--format", "xml", "--demo"],
        &["run", "--demo", "-p", "T=2"],
        &["run", "--demo", "-r", "Some Reader"],
        // Several files are fine (`run a b`), an unknown report is not.
        &["run", "--demo", "--report", "xml=out.xml", "a"],
        &["run", "--demo", "--report", "junit", "a"],
    ] {
        let out = run_args(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: {out:?}");
        assert_eq!(out.stdout, "", "{args:?}: {out:?}");
    }
    let out = run_args(&["run", "--demo", "-p", "T=2"]);
    assert!(out.stderr.contains("Unknown protocol: T=2"), "{out:?}");

    let out = run_args(&["run", "--help"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("--auto-get-response"), "{out:?}");
}

/// A terminal on stdin: each statement runs as soon as it is typed (the
/// response is there before the next line is written), a typo is reported
/// and skipped, and `exit` ends the session.
#[test]
fn terminal_input_runs_each_statement_as_typed() {
    let mut c = cli();
    c.args(["run", "--demo"]);
    let (mut term, child, rx) = pty::spawn_on_terminal(c);
    pty::until(&rx, "Using T=0 protocol");
    term.write_all(b"00 A4 00 00 02 3F 00\n").unwrap();
    let seen = pty::until(&rx, "< 61 19 : 0x19 bytes of response still available.");
    assert_eq!(seen[0], "> 00 A4 00 00 02 3F 00");
    term.write_all(b"# caf\xe9\n00 A4 0x00\n00c0\\\n000019\n")
        .unwrap();
    pty::until(&rx, "41 50 44 55 20 44 45 4D 4F 90 00 : Normal processing.");
    term.write_all(b"reset\n").unwrap();
    let seen = pty::until(&rx, "< OK: 3B 89 80 01 41 50 44 55 20 44 45 4D 4F 2B ");
    assert_eq!(
        seen,
        [
            "> RESET",
            "< OK: 3B 89 80 01 41 50 44 55 20 44 45 4D 4F 2B "
        ]
    );
    term.write_all(b"exit\n00 B0 00 00 01\n").unwrap();
    let out = pty::finish(child, rx);
    drop(term);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("00 B0"), "{out:?}");
    assert!(
        out.stderr.contains("Reading commands from STDIN"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains(
            "The standard input is not UTF-8 text (invalid byte on line 2, at offset 26)\n"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("standard input:3:7: "), "{out:?}");
    // The session went on: no "nothing was sent".
    assert!(!out.stderr.contains("nothing was sent"), "{out:?}");
}

#[test]
fn terminal_input_ending_inside_a_continuation_is_reported() {
    let mut c = cli();
    c.args(["run", "--demo"]);
    let (mut term, child, rx) = pty::spawn_on_terminal(c);
    pty::until(&rx, "Using T=0 protocol");
    // Ctrl-D at the start of a line is the end of input.
    term.write_all(b"00 A4 \\\n\x04").unwrap();
    let out = pty::finish(child, rx);
    drop(term);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("> "), "{out:?}");
    assert!(out.stderr.contains("standard input:1:7: "), "{out:?}");
}
