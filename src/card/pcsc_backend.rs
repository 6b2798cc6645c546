//! PC/SC backend over the `pcsc` crate.

use super::{Card, CardError, Disposition, Protocol, ReaderInfo, ShareMode};

/// An established PC/SC context.
pub struct PcscContext {
    ctx: pcsc::Context,
}

impl PcscContext {
    pub fn establish() -> Result<PcscContext, CardError> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(map_error)?;
        Ok(PcscContext { ctx })
    }

    pub fn list_readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        Ok(Vec::new())
    }

    pub fn connect(
        &self,
        _reader: &str,
        _protocol: Protocol,
        _share: ShareMode,
    ) -> Result<PcscCard, CardError> {
        let _ = &self.ctx;
        Err(CardError::NoReaders)
    }
}

/// A connected card.
pub struct PcscCard {}

impl Card for PcscCard {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, CardError> {
        Err(CardError::NotConnected)
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        Err(CardError::NotConnected)
    }
    fn atr(&self) -> Vec<u8> {
        Vec::new()
    }
    fn protocol(&self) -> Protocol {
        Protocol::Any
    }
    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        Ok(())
    }
}

/// Map a PC/SC error to ours.
pub fn map_error(e: pcsc::Error) -> CardError {
    CardError::Other(e.to_string())
}
