//! End-to-end test of the real binary over AT-SPI (python3-pyatspi): start
//! the window on a script, find Run by its accessible name, click it and read
//! the result log. Needs `dbus-run-session` and `xvfb-run` like the widget
//! tests; skipped (with a message) when there is no display.

use std::process::{Command, Stdio};
use std::time::Duration;

fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        println!("gui_atspi: no DISPLAY, skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("atspi.apdu");
    std::fs::write(&script, "# AT-SPI test\n00 A4 00 00 02 3F 00\n").unwrap();
    let mut app = Command::new(env!("CARGO_BIN_EXE_apdu-scriptor"))
        .arg(&script)
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .env("GSK_RENDERER", "cairo")
        .env("GTK_A11Y", "atspi")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start apdu-scriptor");
    std::thread::sleep(Duration::from_millis(500));
    let py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/gui_atspi.py");
    let out = Command::new("/usr/bin/python3")
        .arg(py)
        .arg("00 A4 00 00 02 3F 00")
        .output()
        .expect("run python3");
    let _ = app.kill();
    let _ = app.wait();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        println!("test gui_atspi ... FAILED");
        std::process::exit(1);
    }
    println!("test gui_atspi ... ok");
}
