//! APDU model: command cases, responses, status words, ATR, BER-TLV.

pub mod atr;
mod atr_fields;
mod atr_historical;
mod atr_list;
pub mod build;
pub mod command;
pub mod command_fields;
mod response;
mod scriptor_sw;
pub mod status;
pub mod tlv;

pub use command::{Case, CommandApdu, CommandInfo, CommandWarning};
pub use response::{status_word, Response};

/// `3B 95 13` — upper-case hex, one space between bytes.
pub fn hex_spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    push_hex_spaced(&mut s, bytes);
    s
}

/// Append `bytes` to `s` as [`hex_spaced`] writes them (no formatting
/// machinery: the log formats thousands of rows a second).
pub fn push_hex_spaced(s: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    s.reserve(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
}

/// Hex digits to bytes, ignoring spaces, tabs and colons: `"3B 95:13"`.
/// None on a non-hex character or an odd number of digits.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b':' | b'\n' | b'\r'))
        .map(|b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    if digits.len() % 2 != 0 {
        return None;
    }
    Some(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex_spaced(&[0x3B, 0x0A]), "3B 0A");
        assert_eq!(parse_hex("3b 0A:ff"), Some(vec![0x3B, 0x0A, 0xFF]));
        assert_eq!(parse_hex("3B0"), None);
        assert_eq!(parse_hex("0x3B"), None);
        assert_eq!(parse_hex(""), Some(vec![]));
        // Every byte, as the formatter writes it.
        let all: Vec<u8> = (0..=255).collect();
        let text = hex_spaced(&all);
        let want: Vec<String> = all.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(text, want.join(" "));
        assert_eq!(parse_hex(&text), Some(all));
        let mut s = String::from("> ");
        push_hex_spaced(&mut s, &[0xA4]);
        assert_eq!(s, "> A4");
    }
}
