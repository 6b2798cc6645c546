//! SIGINT and SIGTERM during `run`: the first one asks the run to stop
//! (before the next command, or by giving up a command the card does not
//! answer), so that the output ends cleanly; a second one ends the process
//! at once.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// Set by the first signal; the engine reads it before each command.
pub static STOP: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    // Only async-signal-safe work here: atomics and _exit.
    if SIGNAL.swap(signal, Ordering::SeqCst) != 0 {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(128 + signal) };
    }
    STOP.store(true, Ordering::SeqCst);
}

/// Install the handlers (without SA_RESTART, so a blocked read returns).
pub fn install() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler of the right type; the
        // handler only touches atomics.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// The signal received, if any.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Wait until standard input has something to read (or is closed), or a
/// signal came: `false` then.
pub fn wait_for_input() -> bool {
    loop {
        if STOP.load(Ordering::SeqCst) {
            return false;
        }
        let mut fd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd we own.
        if unsafe { libc::poll(&mut fd, 1, 100) } != 0 {
            return !STOP.load(Ordering::SeqCst);
        }
    }
}
