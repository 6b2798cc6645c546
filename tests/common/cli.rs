//! Running `apdu-scriptor` as a real process: in English, with its input
//! piped in, its exit code and output collected, and on a bench's pcscd.
//! A test binary takes it as `#[path = "common/cli.rs"] mod cli_common;`
//! next to `mod common;`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use apdu_scriptor::card::CardError;

use crate::common::Bench;

pub const BIN: &str = env!("CARGO_BIN_EXE_apdu-scriptor");

/// Exit code of a PC/SC or card error (`EXIT_PCSC`).
pub const EXIT_PCSC: i32 = 4;

/// The program in English, whatever the caller's locale.
pub fn cli() -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "LANGUAGE",
        "LC_ALL",
        "LC_MESSAGES",
        "APDU_SCRIPTOR_LOCALEDIR",
    ] {
        c.env_remove(var);
    }
    c.env("LANG", "C.UTF-8");
    c
}

/// The program talking to `bench`'s pcscd.
pub fn on(bench: &Bench) -> Command {
    let mut c = cli();
    c.envs(bench.env());
    c
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `cmd` with `stdin` piped in, wait for the end.
pub fn output(mut cmd: Command, stdin: &[u8]) -> Out {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apdu-scriptor");
    let mut input = child.stdin.take().expect("stdin");
    // A program that exits before reading its input closes the pipe.
    let _ = input.write_all(stdin);
    drop(input);
    let out = child.wait_with_output().expect("wait for apdu-scriptor");
    Out {
        code: out.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

pub fn run_args(args: &[&str]) -> Out {
    let mut c = cli();
    c.args(args);
    output(c, b"")
}

/// A script file in a fresh directory; the directory lives as long as the guard.
pub fn script(name: &str, text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the script");
    (dir, path)
}

pub fn run_file(args: &[&str], path: &Path) -> Out {
    let mut c = cli();
    c.args(args).arg(path);
    output(c, b"")
}

/// Run with `args` on `bench`'s pcscd, `stdin` piped in.
pub fn run_on(bench: &Bench, args: &[&str], stdin: &[u8]) -> Out {
    let mut c = on(bench);
    c.args(args);
    output(c, stdin)
}

/// Run the script at `path` with `args` on `bench`'s pcscd.
pub fn run_file_on(bench: &Bench, args: &[&str], path: &Path) -> Out {
    let mut c = on(bench);
    c.args(args).arg(path);
    output(c, b"")
}

/// The run ended with exit 4 and explained `err` on stderr: the library's
/// message, then its hint on the next line.
pub fn assert_explained(out: &Out, err: &CardError) {
    assert_eq!(out.code, EXIT_PCSC, "{out:?}");
    let said = match err.hint() {
        Some(hint) => format!("{}\nHint: {hint}\n", err.message()),
        None => format!("{}\n", err.message()),
    };
    assert!(out.stderr.contains(&said), "{said:?} in {out:?}");
}
