//! A response APDU: data followed by the two status bytes.

use std::fmt;

/// A card's answer split into data and status word. A response shorter
/// than two bytes has no status word; all its bytes are kept in `data`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: Option<(u8, u8)>,
}

/// SW1 SW2 of a full response (the last two bytes), if it has two.
pub fn status_word(response: &[u8]) -> Option<(u8, u8)> {
    match response {
        [.., sw1, sw2] => Some((*sw1, *sw2)),
        _ => None,
    }
}

impl Response {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        match bytes {
            [data @ .., sw1, sw2] => Response {
                data: data.to_vec(),
                sw: Some((*sw1, *sw2)),
            },
            _ => Response {
                data: bytes.to_vec(),
                sw: None,
            },
        }
    }

    /// The status word as one number, `0x9000`.
    pub fn sw_u16(&self) -> Option<u16> {
        self.sw.map(|(a, b)| u16::from_be_bytes([a, b]))
    }

    pub fn sw1(&self) -> Option<u8> {
        self.sw.map(|s| s.0)
    }

    pub fn sw2(&self) -> Option<u8> {
        self.sw.map(|s| s.1)
    }

    /// The bytes as received.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = self.data.clone();
        if let Some((a, b)) = self.sw {
            v.extend([a, b]);
        }
        v
    }

    /// `90 00` exactly.
    pub fn is_success(&self) -> bool {
        self.sw == Some((0x90, 0x00))
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::hex_spaced(&self.to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_data_and_status_word() {
        let r = Response::from_bytes(&[0x01, 0x02, 0x90, 0x00]);
        assert_eq!(r.data, vec![1, 2]);
        assert_eq!(r.sw, Some((0x90, 0x00)));
        assert_eq!(r.sw_u16(), Some(0x9000));
        assert!(r.is_success());
        assert_eq!(r.to_bytes(), vec![1, 2, 0x90, 0x00]);
        assert_eq!(r.to_string(), "01 02 90 00");
    }

    #[test]
    fn short_responses_have_no_status_word() {
        let r = Response::from_bytes(&[0x6A]);
        assert_eq!(r.sw, None);
        assert_eq!(r.data, vec![0x6A]);
        assert_eq!(r.to_bytes(), vec![0x6A]);
        let e = Response::from_bytes(&[]);
        assert_eq!(e.sw, None);
        assert!(e.data.is_empty());
        assert!(!e.is_success());
        let two = Response::from_bytes(&[0x61, 0x10]);
        assert!(two.data.is_empty());
        assert_eq!(two.sw1(), Some(0x61));
        assert_eq!(two.sw2(), Some(0x10));
    }
}
