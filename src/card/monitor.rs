//! Reader and card events from SCardGetStatusChange with the
//! `\\?PnP?\Notification` pseudo-reader, on a thread of its own.
//!
//! The thread re-establishes its context by itself when pcscd goes away
//! and comes back; `stop` (or drop) cancels the blocking wait from the
//! caller's thread with `SCardCancel` on a clone of the context.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::pcsc_backend::{map_error, reader_info, PcscContext};
use super::{CardError, ReaderInfo};

/// Wait between attempts to reach pcscd.
const RETRY: Duration = Duration::from_millis(500);
/// Without PnP notification, look for new readers this often.
const POLL_READERS: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorEvent {
    /// The full list of PC/SC readers now (demo card not included).
    Readers(Vec<ReaderInfo>),
    /// PC/SC is unavailable (no service…); the monitor retries by itself.
    Unavailable(CardError),
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    /// The context the thread waits on, for `cancel`.
    ctx: Mutex<Option<pcsc::Context>>,
    wake: std::sync::Condvar,
}

/// A running monitor; dropping it or calling `stop` ends the thread.
pub struct Monitor {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Monitor {
    /// Start watching; `on_event` is called from the monitor thread, first
    /// with the current readers (or `Unavailable`), then on every change.
    pub fn spawn(on_event: impl FnMut(MonitorEvent) + Send + 'static) -> Monitor {
        let shared = Arc::new(Shared::default());
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("pcsc-monitor".into())
                .spawn(move || run(&shared, on_event))
                .expect("spawn the reader monitor thread")
        };
        Monitor {
            shared,
            thread: Some(thread),
        }
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let Some(thread) = self.thread.take() else {
            return;
        };
        // A cancel that lands just before the thread enters its wait is
        // lost, so cancel again until the thread is gone.
        while !thread.is_finished() {
            if let Some(ctx) = self
                .shared
                .ctx
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
            {
                let _ = ctx.cancel();
            }
            self.shared.wake.notify_all();
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = thread.join();
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(shared: &Shared, mut on_event: impl FnMut(MonitorEvent)) {
    let mut last: Option<MonitorEvent> = None;
    let mut emit = |event: MonitorEvent| {
        if last.as_ref() != Some(&event) {
            on_event(event.clone());
            last = Some(event);
        }
    };
    while !shared.stop.load(Ordering::SeqCst) {
        let ctx = match PcscContext::establish() {
            Ok(ctx) => ctx,
            Err(e) => {
                emit(MonitorEvent::Unavailable(e));
                pause(shared);
                continue;
            }
        };
        *shared.ctx.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx.raw().clone());
        // pcsc-lite reports odd errors (communication error, security
        // violation…) when pcscd dies under a wait, so a lost context is
        // not reported as such: the next establish tells whether the
        // service is really gone.
        let lost = watch(shared, &ctx, &mut emit).is_err();
        *shared.ctx.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if lost {
            drop(ctx);
            pause(shared);
        }
    }
}

/// Wait before trying pcscd again, unless stopped.
fn pause(shared: &Shared) {
    let guard = shared.ctx.lock().unwrap_or_else(|e| e.into_inner());
    if !shared.stop.load(Ordering::SeqCst) {
        let _ = shared.wake.wait_timeout(guard, RETRY);
    }
}

/// Watch until stopped (`Ok`) or until the context is lost (`Err`).
fn watch(
    shared: &Shared,
    ctx: &PcscContext,
    emit: &mut impl FnMut(MonitorEvent),
) -> Result<(), CardError> {
    let pnp = pnp_supported(ctx.raw());
    let mut states: Vec<pcsc::ReaderState> = Vec::new();
    // The PnP reader's state (with pcsc-lite's reader count in the upper bits).
    let mut pnp_state: Option<pcsc::State> = None;
    loop {
        // Rebuild the list when readers came or went.
        let names = ctx.reader_names()?;
        let same = states.len() == names.len() + usize::from(pnp)
            && states
                .iter()
                .zip(&names)
                .all(|(s, n)| s.name() == n.as_c_str());
        if !same {
            // Read every state afresh, without waiting, to report them.
            states = names
                .into_iter()
                .map(|n| pcsc::ReaderState::new(n, pcsc::State::UNAWARE))
                .collect();
            if pnp {
                let pnp_state = pnp_state.unwrap_or(pcsc::State::UNAWARE);
                states.push(pcsc::ReaderState::new(
                    CString::from(pcsc::PNP_NOTIFICATION()),
                    pnp_state,
                ));
            }
            match wait(ctx.raw(), Some(Duration::ZERO), &mut states) {
                // A reader vanished between the two calls: list again.
                Err(CardError::UnknownReader(_)) => {
                    states.clear();
                    continue;
                }
                r => r?,
            }
        }
        let readers: Vec<ReaderInfo> = states
            .iter()
            .filter(|s| s.name() != pcsc::PNP_NOTIFICATION())
            .map(reader_info)
            .collect();
        emit(MonitorEvent::Readers(readers));
        for s in &mut states {
            s.sync_current_state();
            if s.name() == pcsc::PNP_NOTIFICATION() {
                pnp_state = Some(s.current_state());
            }
        }
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let timeout = if pnp { None } else { Some(POLL_READERS) };
        match wait(ctx.raw(), timeout, &mut states) {
            Ok(()) => {}
            Err(CardError::Cancelled) if shared.stop.load(Ordering::SeqCst) => return Ok(()),
            Err(CardError::Cancelled | CardError::Timeout) => {}
            // A reader vanished while we waited: the next round lists again.
            Err(CardError::UnknownReader(_)) => states.clear(),
            Err(e) => return Err(e),
        }
    }
}

fn wait(
    ctx: &pcsc::Context,
    timeout: Option<Duration>,
    states: &mut [pcsc::ReaderState],
) -> Result<(), CardError> {
    if states.is_empty() {
        // Nothing to wait on and no PnP: pause, then list again.
        std::thread::sleep(timeout.unwrap_or(POLL_READERS));
        return Ok(());
    }
    match ctx.get_status_change(timeout, states) {
        Ok(()) => Ok(()),
        Err(pcsc::Error::Timeout) if timeout == Some(Duration::ZERO) => Ok(()),
        Err(e) => Err(map_error(e)),
    }
}

/// pcsc-lite supports the PnP pseudo-reader; other stacks mark it unknown.
fn pnp_supported(ctx: &pcsc::Context) -> bool {
    let mut probe = [pcsc::ReaderState::new(
        CString::from(pcsc::PNP_NOTIFICATION()),
        pcsc::State::UNAWARE,
    )];
    match ctx.get_status_change(Duration::ZERO, &mut probe) {
        Ok(()) | Err(pcsc::Error::Timeout) => {
            !probe[0].event_state().contains(pcsc::State::UNKNOWN)
        }
        Err(_) => false,
    }
}
