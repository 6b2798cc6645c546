//! A pseudo-terminal as the program's standard input, and its stdout read
//! line by line as it comes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::fd::FromRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli_common::Out;

/// Longest wait for a line from the program, so that a bug fails the test
/// instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A pseudo-terminal: the master side for the test, the slave side as the
/// program's standard input, so that it reads statements one by one.
pub fn pty() -> (File, File) {
    // SAFETY: plain libc calls on a descriptor we own; ptsname_r fills our buffer.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let master = File::from_raw_fd(master);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_str()
            .unwrap()
            .to_owned();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(path)
            .expect("open the pty slave");
        (master, slave)
    }
}

/// Start `cmd` with a terminal as its standard input: the terminal to type
/// into, the process, and its stdout line by line.
pub fn spawn_on_terminal(mut cmd: Command) -> (File, Child, mpsc::Receiver<String>) {
    let (term, slave) = pty();
    let mut child = cmd
        .stdin(Stdio::from(slave))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apdu-scriptor");
    let rx = lines_of(&mut child);
    (term, child, rx)
}

/// The program's stdout, line by line, read on a thread.
pub fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Read lines until one equals `want`; return the lines read.
pub fn until(rx: &mpsc::Receiver<String>, want: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(PATIENCE) {
            Ok(line) => {
                let done = line == want;
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(e) => panic!("no {want:?} ({e}); got {seen:?}"),
        }
    }
}

pub fn finish(mut child: Child, rx: mpsc::Receiver<String>) -> Out {
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    let stdout: String = rx.iter().map(|l| l + "\n").collect();
    Out {
        code: status.code().expect("exit code"),
        stdout,
        stderr,
    }
}
