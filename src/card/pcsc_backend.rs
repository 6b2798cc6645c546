//! PC/SC backend over the `pcsc` crate.

use std::ffi::CString;
use std::time::{Duration, Instant};

use super::{Card, CardError, Disposition, Protocol, ReaderInfo, ShareMode};

/// Longer than pcscd's card polling period (400 ms for vpcd).
const CARD_GONE_WAIT: Duration = Duration::from_millis(3000);
/// How long one wait for a card blocks before looking at the stop flag.
const WAIT_SLICE: Duration = Duration::from_millis(100);

/// An established PC/SC context.
pub struct PcscContext {
    ctx: pcsc::Context,
}

impl PcscContext {
    pub fn establish() -> Result<PcscContext, CardError> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(map_error)?;
        Ok(PcscContext { ctx })
    }

    /// The underlying context (the monitor keeps a clone to cancel waits).
    pub fn raw(&self) -> &pcsc::Context {
        &self.ctx
    }

    /// The reader names, in the order pcscd gives them; none is not an error.
    pub fn reader_names(&self) -> Result<Vec<CString>, CardError> {
        match self.ctx.list_readers_owned() {
            Ok(names) => Ok(names),
            Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Every reader with its card state, read without waiting.
    pub fn list_readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        let names = self.reader_names()?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut states: Vec<pcsc::ReaderState> = names
            .into_iter()
            .map(|n| pcsc::ReaderState::new(n, pcsc::State::UNAWARE))
            .collect();
        match self.ctx.get_status_change(Duration::ZERO, &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            // A reader vanished between the two calls: list again.
            Err(pcsc::Error::UnknownReader) => return self.list_readers(),
            Err(e) => return Err(map_error(e)),
        }
        Ok(states.iter().map(reader_info).collect())
    }

    pub fn connect(
        &self,
        reader: &str,
        protocol: Protocol,
        share: ShareMode,
    ) -> Result<PcscCard, CardError> {
        let name = CString::new(reader).map_err(|_| CardError::UnknownReader(reader.into()))?;
        let share = share_mode(share);
        let protocols = protocols(protocol);
        let card = self
            .ctx
            .connect(&name, share, protocols)
            .map_err(|e| map_reader_error(e, reader))?;
        let mut card = PcscCard {
            ctx: self.ctx.clone(),
            reader: name,
            share,
            protocols,
            card: Some(card),
            atr: Vec::new(),
            protocol: Protocol::Any,
            buffer: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
            pulled: false,
            card_time: None,
        };
        match card.refresh_atr() {
            // A direct connection may have no card behind it.
            Err(_) if share == pcsc::ShareMode::Direct => {}
            r => r?,
        }
        Ok(card)
    }
}

/// How a wait for a card (or for its removal) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The reader is in the state asked for; `changed`: it was not at first.
    Reached {
        changed: bool,
    },
    TimedOut,
    /// `stop` was set.
    Stopped,
}

/// Block until `reader` has a card (`present`) or none, until `deadline`
/// or until `stop` is set. pcscd wakes the call at once on a change; the
/// call is cut in short slices only to look at `stop`.
pub fn wait_reader(
    ctx: &pcsc::Context,
    reader: &std::ffi::CStr,
    present: bool,
    deadline: Option<Instant>,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<Wait, CardError> {
    let mut state = [pcsc::ReaderState::new(
        reader.to_owned(),
        pcsc::State::UNAWARE,
    )];
    let mut changed = false;
    loop {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(Wait::Stopped);
        }
        let mut slice = WAIT_SLICE;
        if let Some(d) = deadline {
            slice = slice.min(d.saturating_duration_since(Instant::now()));
        }
        match ctx.get_status_change(slice, &mut state) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(map_reader_error(e, &reader.to_string_lossy())),
        }
        if state[0].event_state().contains(pcsc::State::PRESENT) == present {
            return Ok(Wait::Reached { changed });
        }
        changed = true;
        state[0].sync_current_state();
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Wait::TimedOut);
        }
    }
}

/// The state of one reader as `get_status_change` reported it.
pub(crate) fn reader_info(state: &pcsc::ReaderState) -> ReaderInfo {
    let ev = state.event_state();
    let present = ev.contains(pcsc::State::PRESENT);
    ReaderInfo {
        name: state.name().to_string_lossy().into_owned(),
        card_present: present,
        atr: (present && !state.atr().is_empty()).then(|| state.atr().to_vec()),
        exclusive: ev.contains(pcsc::State::EXCLUSIVE),
    }
}

fn share_mode(share: ShareMode) -> pcsc::ShareMode {
    match share {
        ShareMode::Shared => pcsc::ShareMode::Shared,
        ShareMode::Exclusive => pcsc::ShareMode::Exclusive,
        ShareMode::Direct => pcsc::ShareMode::Direct,
    }
}

fn protocols(protocol: Protocol) -> pcsc::Protocols {
    match protocol {
        Protocol::T0 => pcsc::Protocols::T0,
        Protocol::T1 => pcsc::Protocols::T1,
        Protocol::Any => pcsc::Protocols::ANY,
        Protocol::Raw => pcsc::Protocols::RAW,
    }
}

fn disposition(d: Disposition) -> pcsc::Disposition {
    match d {
        Disposition::Leave => pcsc::Disposition::LeaveCard,
        Disposition::Reset => pcsc::Disposition::ResetCard,
        Disposition::Unpower => pcsc::Disposition::UnpowerCard,
        Disposition::Eject => pcsc::Disposition::EjectCard,
    }
}

/// A connected card.
pub struct PcscCard {
    ctx: pcsc::Context,
    reader: CString,
    share: pcsc::ShareMode,
    protocols: pcsc::Protocols,
    /// `None` once disconnected.
    card: Option<pcsc::Card>,
    atr: Vec<u8>,
    /// Active protocol; `Any` when none (direct connection without card).
    protocol: Protocol,
    /// Receive buffer, large enough for extended-length responses.
    buffer: Vec<u8>,
    /// The card was pulled and no fresh connection replaced the handle:
    /// pcscd then answers on it as if the card had been reset.
    pulled: bool,
    /// How long the card took for the last transmit.
    card_time: Option<Duration>,
}

impl PcscCard {
    /// The reader this card is in.
    pub fn reader(&self) -> String {
        self.reader.to_string_lossy().into_owned()
    }

    fn handle(&self) -> Result<&pcsc::Card, CardError> {
        self.card.as_ref().ok_or(CardError::NotConnected)
    }

    fn refresh_atr(&mut self) -> Result<(), CardError> {
        let status = self.handle()?.status2_owned().map_err(map_error)?;
        self.atr = status.atr().to_vec();
        self.protocol = match status.protocol2() {
            Some(pcsc::Protocol::T0) => Protocol::T0,
            Some(pcsc::Protocol::T1) => Protocol::T1,
            Some(pcsc::Protocol::RAW) => Protocol::Raw,
            None => Protocol::Any,
        };
        Ok(())
    }

    /// The reader's state as pcscd knows it now, without waiting.
    fn reader_state(&self) -> Option<pcsc::ReaderState> {
        let mut state = [pcsc::ReaderState::new(
            self.reader.clone(),
            pcsc::State::UNAWARE,
        )];
        match self.ctx.get_status_change(Duration::ZERO, &mut state) {
            Ok(()) | Err(pcsc::Error::Timeout) => {
                let [state] = state;
                Some(state)
            }
            Err(_) => None,
        }
    }

    /// Map an error of a call on the card handle. The handle of a card
    /// that was pulled (and then not reconnected, as after a failed reset)
    /// reports a reset: that is a removal.
    fn map_card_error(&self, e: pcsc::Error) -> CardError {
        if e == pcsc::Error::ResetCard {
            if self.pulled {
                return CardError::CardRemoved;
            }
            if let Some(state) = self.reader_state() {
                if !state.event_state().contains(pcsc::State::PRESENT) {
                    return CardError::CardRemoved;
                }
            }
        }
        map_error(e)
    }

    /// Whether pcscd reports the reader empty now or within its poll period.
    fn card_gone(&self) -> bool {
        let Some(state) = self.reader_state() else {
            return false;
        };
        let mut state = [state];
        let deadline = Instant::now() + CARD_GONE_WAIT;
        loop {
            if !state[0].event_state().contains(pcsc::State::PRESENT) {
                return true;
            }
            state[0].sync_current_state();
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.ctx.get_status_change(left, &mut state).is_err() {
                return false;
            }
        }
    }

    /// Reconnect with `init`; after the card was removed and inserted
    /// again the old handle is dead, so connect anew.
    fn reconnect(&mut self, init: pcsc::Disposition) -> Result<(), CardError> {
        let card = self.card.as_mut().ok_or(CardError::NotConnected)?;
        match card.reconnect(self.share, self.protocols, init) {
            Ok(()) => self.pulled = false,
            Err(pcsc::Error::RemovedCard | pcsc::Error::InvalidHandle) => {
                self.pulled = true;
                let fresh = self
                    .ctx
                    .connect(&self.reader, self.share, self.protocols)
                    .map_err(|e| map_reader_error(e, &self.reader.to_string_lossy()))?;
                self.card = Some(fresh);
                self.pulled = false;
                if init != pcsc::Disposition::LeaveCard {
                    let card = self.card.as_mut().ok_or(CardError::NotConnected)?;
                    card.reconnect(self.share, self.protocols, init)
                        .map_err(map_error)?;
                }
            }
            Err(e) => {
                // pcscd's answer for a card pulled before the reconnect;
                // the handle then speaks of a reset.
                if e == pcsc::Error::NoSmartcard {
                    self.pulled = true;
                }
                return Err(self.map_card_error(e));
            }
        }
        self.refresh_atr()
    }
}

impl Card for PcscCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.card_time = None;
        let card = self.card.as_ref().ok_or(CardError::NotConnected)?;
        let started = Instant::now();
        let result = card.transmit(command, &mut self.buffer);
        self.card_time = Some(started.elapsed());
        let err = match result {
            // Even a 1-byte answer came from a card: no need to ask whether
            // it is still there.
            Ok(response) if !response.is_empty() => return Ok(response.to_vec()),
            // Nothing at all: the vpcd driver answers so when the card goes
            // away mid-exchange (its socket closed). Wait for pcscd to tell.
            Ok(_) => {
                if self.card_gone() {
                    return Err(CardError::CardRemoved);
                }
                return Ok(Vec::new());
            }
            Err(e) => e,
        };
        // A card pulled during the exchange fails the transfer before
        // pcscd's next poll notices it is gone: ask pcscd again.
        if err == pcsc::Error::NotTransacted && self.card_gone() {
            return Err(CardError::CardRemoved);
        }
        Err(self.map_card_error(err))
    }

    fn reset(&mut self, cold: bool) -> Result<Vec<u8>, CardError> {
        let init = if cold {
            pcsc::Disposition::UnpowerCard
        } else {
            pcsc::Disposition::ResetCard
        };
        self.reconnect(init)?;
        Ok(self.atr.clone())
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn last_card_time(&self) -> Option<Duration> {
        self.card_time
    }

    fn wait_card(
        &mut self,
        timeout: Option<Duration>,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<(), CardError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let was_absent = match wait_reader(&self.ctx, &self.reader, true, deadline, stop)? {
            Wait::Reached { changed } => changed,
            Wait::Stopped => return Err(CardError::Cancelled),
            Wait::TimedOut => {
                let secs = timeout.map_or(0, |t| t.as_secs().min(u32::MAX as u64) as u32);
                return Err(CardError::NoCardWithin(secs));
            }
        };
        // Still the card we are connected to: nothing to do.
        let alive = !was_absent
            && !self.pulled
            && self
                .card
                .as_ref()
                .is_some_and(|c| c.status2_owned().is_ok());
        if alive {
            return self.refresh_atr();
        }
        // The card went away (maybe another one came): the old handle is
        // dead, so connect anew, leaving the old card as it is.
        if let Some(old) = self.card.take() {
            let _ = old.disconnect(pcsc::Disposition::LeaveCard);
        }
        let fresh = self
            .ctx
            .connect(&self.reader, self.share, self.protocols)
            .map_err(|e| map_reader_error(e, &self.reader()))?;
        self.card = Some(fresh);
        self.pulled = false;
        self.refresh_atr()
    }

    fn disconnect(&mut self, d: Disposition) -> Result<(), CardError> {
        let Some(card) = self.card.take() else {
            return Ok(());
        };
        match card.disconnect(disposition(d)) {
            Ok(()) => Ok(()),
            // The handle is gone either way; dropping it disconnects.
            Err((_card, e)) => Err(map_error(e)),
        }
    }
}

impl Drop for PcscCard {
    fn drop(&mut self) {
        // pcsc::Card's own drop resets the card; leaving it is what scriptor does.
        let _ = self.disconnect(Disposition::Leave);
    }
}

fn map_reader_error(e: pcsc::Error, reader: &str) -> CardError {
    match e {
        pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
            CardError::UnknownReader(reader.to_string())
        }
        e => map_error(e),
    }
}

/// Map a PC/SC error to ours.
pub fn map_error(e: pcsc::Error) -> CardError {
    use pcsc::Error as E;
    match e {
        E::NoService => CardError::NoService,
        // What a client gets when pcscd dies under it.
        E::ServiceStopped | E::CommError => CardError::ServiceStopped,
        E::NoReadersAvailable => CardError::NoReaders,
        E::UnknownReader => CardError::UnknownReader(String::new()),
        E::SharingViolation => CardError::SharingViolation,
        E::RemovedCard => CardError::CardRemoved,
        E::ResetCard => CardError::CardReset,
        E::ProtoMismatch | E::UnsupportedCard => CardError::ProtocolMismatch,
        E::UnresponsiveCard => CardError::Unresponsive,
        E::NoSmartcard => CardError::NoCard,
        E::InvalidHandle => CardError::NotConnected,
        E::Cancelled => CardError::Cancelled,
        E::Timeout => CardError::Timeout,
        e => CardError::Other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_explained_kinds() {
        assert_eq!(map_error(pcsc::Error::NoService), CardError::NoService);
        assert_eq!(
            map_error(pcsc::Error::ServiceStopped),
            CardError::ServiceStopped
        );
        assert_eq!(
            map_error(pcsc::Error::SharingViolation),
            CardError::SharingViolation
        );
        assert_eq!(map_error(pcsc::Error::RemovedCard), CardError::CardRemoved);
        assert_eq!(
            map_error(pcsc::Error::ProtoMismatch),
            CardError::ProtocolMismatch
        );
        assert_eq!(map_error(pcsc::Error::NoSmartcard), CardError::NoCard);
        assert_eq!(
            map_reader_error(pcsc::Error::UnknownReader, "X"),
            CardError::UnknownReader("X".into())
        );
        assert!(matches!(
            map_error(pcsc::Error::InternalError),
            CardError::Other(s) if !s.is_empty()
        ));
    }
}
