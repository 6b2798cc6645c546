//! APDU model: command cases, responses, status words, ATR, BER-TLV.

pub mod atr;
pub mod command;
pub mod status;
pub mod tlv;

/// `3B 95 13` — upper-case hex, one space between bytes.
pub fn hex_spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}
