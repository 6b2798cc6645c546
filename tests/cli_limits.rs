//! The command line against hostile input and misbehaving readers: endless
//! and binary files, scripts full of errors, CR-only lines, a reader of the
//! output that goes away.

#[path = "common/cli.rs"]
#[allow(dead_code)]
mod cli_common;
mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use cli_common::{cli, on, output, run_file, script};
use common::card::{TestCard, ATR_T0};
use common::Bench;

const EXIT_SCRIPT: i32 = 3;

#[test]
fn dev_zero_is_refused_at_its_first_byte() {
    let mut c = cli();
    c.args(["run", "--demo", "/dev/zero"]);
    let out = output(c, b"");
    assert_eq!(out.code, EXIT_SCRIPT, "{out:?}");
    assert!(
        out.stderr.contains(
            "“/dev/zero” is not text: it holds a NUL byte on line 1, at offset 0\n\
             Hint: Choose a script file, not a binary file\n"
        ),
        "{out:?}"
    );
}

#[test]
fn endless_standard_input_stops_at_the_limit() {
    // 64 MiB of blank lines and a bit more: refused, naming the limit.
    let input = vec![b'\n'; 64 * 1024 * 1024 + 10];
    let mut c = cli();
    c.args(["run", "--demo", "-"]);
    let out = output(c, &input);
    assert_eq!(out.code, EXIT_SCRIPT, "{out:?}");
    assert!(
        out.stderr.contains(
            "The standard input is larger than 64 MiB, the largest script APDU Scriptor reads\n\
             Hint: Split the script into smaller files\n"
        ),
        "{out:?}"
    );
}

#[test]
fn utf16_scripts_are_named_as_such() {
    let mut text = vec![0xFF, 0xFE];
    for b in "00 A4 00 00\n".bytes() {
        text.extend([b, 0]);
    }
    let (_dir, path) = script("utf16.script", &text);
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, EXIT_SCRIPT, "{out:?}");
    assert!(
        out.stderr
            .contains("is UTF-16 text; scripts are UTF-8 text\n"),
        "{out:?}"
    );
    assert!(out.stderr.contains("iconv -f UTF-16 -t UTF-8"), "{out:?}");
}

#[test]
fn a_hundred_errors_are_listed_then_counted() {
    let (_dir, path) = script("bad.script", &"zz top\n".repeat(500).into_bytes());
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, EXIT_SCRIPT, "{out:?}");
    let name = path.display().to_string();
    let listed = out
        .stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{name}:")) && l.contains(": "))
        .filter(|l| !l.contains("more errors"))
        .count();
    assert_eq!(listed, 100, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("{name}:100:1: Unknown word “zz”")),
        "{out:?}"
    );
    assert!(!out.stderr.contains(&format!("{name}:101:")), "{out:?}");
    assert!(
        out.stderr.ends_with(&format!(
            "{name}: and 400 more errors\n500 errors in the script; nothing was sent\n"
        )),
        "{out:?}"
    );
}

#[test]
fn cr_only_lines_are_echoed_one_by_one() {
    let (_dir, path) = script(
        "mac.script",
        b"# old Mac file\r00 A4 00 0C 02 3F 00\r# end\r",
    );
    let out = run_file(&["run", "--demo"], &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "Using T=0 protocol\n# old Mac file\n00 A4 00 0C 02 3F 00\n\
         > 00 A4 00 0C 02 3F 00\n< 90 00 : Normal processing.\n# end\n",
        "{out:?}"
    );
}

/// `run … | head -3`: once the reader of the output has gone, at most one
/// more command reaches the card.
#[test]
fn a_closed_pipe_stops_the_run_within_one_command() {
    let mut bench = Bench::start();
    let card = TestCard::new(ATR_T0);
    let journal = card.journal();
    bench.insert_card(Box::new(card));
    let (_dir, path) = script(
        "many.script",
        &"00 A4 00 0C 02 3F 00\n".repeat(400).into_bytes(),
    );
    let mut child = on(&bench)
        .args(["run", "-r", &bench.reader_name()])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..3 {
        lines.next().unwrap().unwrap();
    }
    drop(lines);
    let sent_at_close = journal.lock().unwrap().commands.len();
    let status = child.wait().unwrap();
    let sent = journal.lock().unwrap().commands.len();
    assert_eq!(status.code(), Some(0));
    assert!(
        sent <= sent_at_close + 1,
        "{sent} commands sent, {sent_at_close} when the pipe closed"
    );
    assert!(sent < 400);
}

/// A `virtual-card` process whose stderr lines arrive on a channel.
struct Served {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Served {
    fn start(port: u16) -> Served {
        Served::start_with(port, &[])
    }

    fn start_with(port: u16, env: &[(&str, &str)]) -> Served {
        let mut child = cli()
            .args(["virtual-card", "--port", &port.to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Served { child, lines }
    }

    /// The next status line (after the "Serving…" one).
    fn next_status(&self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(std::time::Duration::from_secs(20))
                .expect("a status line");
            if !line.starts_with("Serving the card") {
                return line;
            }
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn virtual_card_checks_its_port_and_says_when_it_waits_and_connects() {
    let out = output(
        {
            let mut c = cli();
            c.args(["virtual-card", "--port", "0"]);
            c
        },
        b"",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("“--port <PORT>”"), "{out:?}");

    let bench = Bench::start();
    let port = bench.port(0);
    // With GLib's debug variable, the log (on stderr) says more.
    let first = Served::start_with(port, &[("G_MESSAGES_DEBUG", "all")]);
    let mut connected = first.next_status();
    let mut logged = Vec::new();
    while connected.contains("vpcd:") {
        logged.push(connected);
        connected = first.next_status();
    }
    assert_eq!(
        connected,
        "Connected to the vpcd driver: the card is in the reader"
    );
    assert!(
        logged
            .iter()
            .any(|l| l.contains(&format!("vpcd: connected to 127.0.0.1:{port}"))),
        "{logged:?}"
    );
    bench.wait_card(0, true);
    // The reader has its card: a second one waits, and says why.
    let second = Served::start(port);
    let waiting = second.next_status();
    assert!(
        waiting.starts_with(&format!("Waiting for the vpcd driver on port {port}: ")),
        "{waiting}"
    );
    // The first card leaves: the second gets in.
    drop(first);
    assert_eq!(
        second.next_status(),
        "Connected to the vpcd driver: the card is in the reader"
    );

    // No driver at all on that port.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let free_port = free.local_addr().unwrap().port();
    drop(free);
    let lonely = Served::start(free_port);
    assert!(lonely.next_status().starts_with(&format!(
        "Waiting for the vpcd driver on port {free_port}: "
    )));
}

/// Answers every command with `61 10`: more data, for ever.
struct EndlessCard;

impl apdu_scriptor::card::Card for EndlessCard {
    fn transmit(&mut self, _c: &[u8]) -> Result<Vec<u8>, apdu_scriptor::card::CardError> {
        Ok(vec![0x61, 0x10])
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, apdu_scriptor::card::CardError> {
        Ok(ATR_T0.to_vec())
    }
    fn atr(&self) -> Vec<u8> {
        ATR_T0.to_vec()
    }
    fn protocol(&self) -> apdu_scriptor::card::Protocol {
        apdu_scriptor::card::Protocol::T0
    }
    fn disconnect(
        &mut self,
        _d: apdu_scriptor::card::Disposition,
    ) -> Result<(), apdu_scriptor::card::CardError> {
        Ok(())
    }
}

#[test]
fn a_card_asking_for_ever_fails_the_run_after_32_rounds() {
    let mut bench = Bench::start();
    bench.insert_card(Box::new(EndlessCard));
    let (_dir, path) = script("endless.script", b"00 CA 00 00 00\n00 A4 00 00\n");
    let mut c = on(&bench);
    c.args(["run", "--auto-get-response", "-r", &bench.reader_name()])
        .arg(&path);
    let out = output(c, b"");
    assert_eq!(out.code, 4, "{out:?}");
    assert_eq!(
        out.stdout.matches("> 00 C0 00 00 10").count(),
        32,
        "{out:?}"
    );
    assert!(!out.stdout.contains("> 00 A4 00 00"), "{out:?}");
    assert!(
        out.stderr.contains(
            "The card still asks for more after 32 automatic GET RESPONSE or Le rounds\n\
             Hint: The card keeps answering 61XX or 6CXX"
        ),
        "{out:?}"
    );
}

/// Bumped by the test to end the hanging command in progress.
static RELEASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn release() {
    RELEASE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// Never answers INS FF (until the test releases it, so that the next step
/// and the bench can go on); `90 00` to anything else.
struct HangingCard;

impl apdu_scriptor::card::Card for HangingCard {
    fn transmit(&mut self, c: &[u8]) -> Result<Vec<u8>, apdu_scriptor::card::CardError> {
        if c.get(1) == Some(&0xFF) {
            let t = std::time::Instant::now();
            let at = RELEASE.load(std::sync::atomic::Ordering::SeqCst);
            while RELEASE.load(std::sync::atomic::Ordering::SeqCst) == at
                && t.elapsed() < std::time::Duration::from_secs(60)
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        Ok(vec![0x90, 0x00])
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, apdu_scriptor::card::CardError> {
        Ok(ATR_T0.to_vec())
    }
    fn atr(&self) -> Vec<u8> {
        ATR_T0.to_vec()
    }
    fn protocol(&self) -> apdu_scriptor::card::Protocol {
        apdu_scriptor::card::Protocol::T0
    }
    fn disconnect(
        &mut self,
        _d: apdu_scriptor::card::Disposition,
    ) -> Result<(), apdu_scriptor::card::CardError> {
        Ok(())
    }
}

const HANGING_SCRIPT: &[u8] = b"00 A4 00 00\n00 FF 00 00\n00 B0 00 00 01\n";

/// Release the hanging card when the test ends, even on failure.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        release();
    }
}

// One test for both: the hanging card is process-wide.
#[test]
fn a_card_that_never_answers_is_given_up_on_timeout_or_signal() {
    let _release = Release;
    let mut bench = Bench::start();
    bench.insert_card(Box::new(HangingCard));
    let (_dir, path) = script("hang.script", HANGING_SCRIPT);

    // --timeout: exit 4 with a clear message; nothing after the command.
    let mut c = on(&bench);
    c.args(["run", "--timeout", "1", "-r", &bench.reader_name()])
        .arg(&path);
    let out = output(c, b"");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains(
            "The card did not answer within 1 second\n\
             Hint: The card or the reader hangs"
        ),
        "{out:?}"
    );
    assert!(out.stdout.contains("> 00 FF 00 00\n"), "{out:?}");
    assert!(!out.stdout.contains("00 B0 00 00 01"), "{out:?}");
    release();
    let out = output(
        {
            let mut c = cli();
            c.args(["run", "--demo", "--timeout", "0", "-"]);
            c
        },
        b"",
    );
    assert_eq!(out.code, 2, "{out:?}");

    // SIGINT and SIGTERM while the card hangs: the output is finished (the
    // RON summary is there) and the exit code says which signal.
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let mut child = on(&bench)
            .args(["run", "-u", "--format", "ron", "-r", &bench.reader_name()])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.starts_with("Exchange("), "{first}");
        // The first exchange is out: the card is on the hanging command.
        std::thread::sleep(std::time::Duration::from_millis(200));
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{rest}{stderr}");
        assert!(rest.contains("Summary("), "{rest}");
        assert!(!rest.contains("00 B0 00 00 01"), "{rest}");
        assert!(
            stderr.contains("Stopped by a signal; the output above is complete"),
            "{stderr}"
        );
        release();
    }
}

/// Peak resident memory (KiB) of `run --demo` on `script`, output discarded.
/// The child is reaped by `wait4`, which clippy does not see.
#[allow(clippy::zombie_processes)]
fn peak_rss_of_run(script: &std::path::Path) -> i64 {
    use std::os::unix::process::ExitStatusExt;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_apdu-scriptor"))
        .args(["run", "--demo"])
        .arg(script)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start run");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter for wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid is valid until reaped here.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(std::process::ExitStatus::from_raw(status).success());
    usage.ru_maxrss
}

/// A plain run streams: its memory grows with the script it reads, not
/// with everything it prints (which is about three times as much).
#[test]
fn a_plain_run_does_not_keep_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.apdu");
    std::fs::write(&small, "00 A4 00 0C 02 3F 00 (9000)\n").unwrap();
    let big = dir.path().join("big.apdu");
    let text = "00 A4 00 0C 02 3F 00 (9000)\n".repeat(60_000);
    std::fs::write(&big, &text).unwrap();
    let grown_kib = peak_rss_of_run(&big) - peak_rss_of_run(&small);
    let script_kib = (text.len() / 1024) as i64;
    assert!(
        grown_kib < 2 * script_kib,
        "a {script_kib} KiB script made run grow by {grown_kib} KiB"
    );
}
