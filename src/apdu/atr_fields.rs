//! The ATR explained row by row for the GUI's ATR panel.

use super::atr::{Atr, Convention, InterfaceLevel};
use crate::i18n::{gettext, gettext_f, ngettext, pgettext};

/// One row of the ATR panel: `TA1` | `13` | `Fi = 372, Di = 4, fmax = 5 MHz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtrField {
    pub label: String,
    pub value: String,
    pub explanation: String,
}

fn row(label: impl Into<String>, value: impl Into<String>, explanation: String) -> AtrField {
    AtrField {
        label: label.into(),
        value: value.into(),
        explanation,
    }
}

fn hex(b: u8) -> String {
    format!("{b:02X}")
}

pub(super) fn fields(atr: &Atr) -> Vec<AtrField> {
    let mut rows = Vec::new();
    if let Some(ts) = atr.ts {
        let text = match atr.convention {
            Some(Convention::Direct) => gettext("Direct convention"),
            Some(Convention::Inverse) => gettext("Inverse convention"),
            None => gettext("Invalid initial character"),
        };
        rows.push(row("TS", hex(ts), text));
    }
    if let Some(t0) = atr.t0 {
        let text = gettext_f(
            // TRANSLATORS: {list} names the ATR interface bytes that follow
            // (e.g. "TA1, TD1", or "none"); {k} is a count (e.g. 15).
            &gettext("Interface bytes follow: {list}; historical bytes: {k}"),
            &[
                ("list", &present_list(t0 >> 4, 1)),
                ("k", &atr.historical_announced.to_string()),
            ],
        );
        rows.push(row("T0", hex(t0), text));
    }
    for (i, level) in atr.levels.iter().enumerate() {
        level_rows(atr, i + 1, level, &mut rows);
    }
    let hist = atr.historical_bytes();
    if !hist.is_empty() {
        rows.push(row(
            gettext("Historical bytes"),
            super::hex_spaced(hist),
            historical_text(hist),
        ));
        rows.extend(super::atr_historical::rows(hist));
    }
    rows.push(row(
        gettext("Protocols"),
        atr.protocols_text(),
        if atr.levels.first().is_some_and(|l| l.td.is_some()) {
            gettext("Offered by the TD bytes")
        } else {
            gettext("T=0 implied: no TD1")
        },
    ));
    if let Some(tck) = atr.tck {
        let text = if atr.tck_valid == Some(true) {
            gettext("Check byte correct")
        } else {
            gettext("Check byte wrong")
        };
        rows.push(row("TCK", hex(tck), text));
    }
    rows
}

/// "TA2, TD2" for the bits of Y at level `i`.
fn present_list(y: u8, i: usize) -> String {
    let names: Vec<String> = ["TA", "TB", "TC", "TD"]
        .iter()
        .enumerate()
        .filter(|(bit, _)| y & (1 << bit) != 0)
        .map(|(_, n)| format!("{n}{i}"))
        .collect();
    if names.is_empty() {
        // TRANSLATORS: no ATR interface byte (TA, TB, TC, TD) follows.
        pgettext("interface bytes", "none")
    } else {
        names.join(", ")
    }
}

fn level_rows(atr: &Atr, i: usize, level: &InterfaceLevel, rows: &mut Vec<AtrField>) {
    let t = level.protocol;
    if let Some(ta) = level.ta {
        let text = match (i, t) {
            (1, _) => {
                let r = atr.rate();
                // TRANSLATORS: "reserved for future use", a value the
                // standard leaves undefined; usually kept as RFU.
                let na = || gettext("RFU");
                gettext_f(
                    // TRANSLATORS: TA1 of an ATR (ISO/IEC 7816-3): clock rate conversion factor
                    // Fi (e.g. 372), baud rate adjustment factor Di (e.g. 1), maximum clock
                    // frequency fmax (e.g. 5); a value may be "RFU".
                    &gettext("Fi = {fi}, Di = {di}, fmax = {fmax} MHz"),
                    &[
                        ("fi", &r.fi.map_or_else(na, |v| v.to_string())),
                        ("di", &r.di.map_or_else(na, |v| v.to_string())),
                        ("fmax", &r.fmax_mhz.map_or_else(na, |v| v.to_string())),
                    ],
                )
            }
            (2, _) => {
                let template = match (ta & 0x10 != 0, ta & 0x80 != 0) {
                    // TRANSLATORS: TA2 of an ATR; {t} is a protocol number
                    // (0 or 1).
                    (false, false) => gettext("Specific mode: T={t}"),
                    // TRANSLATORS: TA2 of an ATR; {t} is a protocol number (0 or 1).
                    (true, false) => gettext("Specific mode: T={t}, implicit parameters"),
                    // TRANSLATORS: TA2 of an ATR; {t} is a protocol number (0 or 1).
                    (false, true) => gettext("Specific mode: T={t}, mode cannot change"),
                    (true, true) => {
                        // TRANSLATORS: TA2 of an ATR; {t} is a protocol number (0 or 1).
                        gettext("Specific mode: T={t}, implicit parameters, mode cannot change")
                    }
                };
                gettext_f(&template, &[("t", &(ta & 0x0F).to_string())])
            }
            (_, Some(1)) => gettext_f(
                &ngettext(
                    // TRANSLATORS: IFSC, the card's information field size, is
                    // kept as is.
                    "T=1: IFSC = {n} byte",
                    "T=1: IFSC = {n} bytes",
                    u32::from(ta),
                ),
                &[("n", &ta.to_string())],
            ),
            (_, Some(15)) => gettext_f(
                // TRANSLATORS: TA of an ATR for T=15. {stop} is "not
                // supported", "state L", "state H" or "no preference"; {classes}
                // lists voltage classes, e.g. "A (5 V), B (3 V)", or "none".
                &gettext("Clock stop: {stop}; classes: {classes}"),
                &[
                    ("stop", &clock_stop(ta >> 6)),
                    ("classes", &classes(ta & 0x3F)),
                ],
            ),
            _ => gettext("Protocol-specific parameter"),
        };
        rows.push(row(format!("TA{i}"), hex(ta), text));
    }
    if let Some(tb) = level.tb {
        let text = match (i, t) {
            (1 | 2, _) => gettext("Programming voltage (deprecated)"),
            (_, Some(1)) => gettext_f(
                // TRANSLATORS: block and character waiting time integers of T=1, numbers from 0
                // to 15.
                &gettext("T=1: BWI = {bwi}, CWI = {cwi}"),
                &[
                    ("bwi", &(tb >> 4).to_string()),
                    ("cwi", &(tb & 0x0F).to_string()),
                ],
            ),
            (_, Some(15)) => gettext("Standard or proprietary use of contact C6"),
            _ => gettext("Protocol-specific parameter"),
        };
        rows.push(row(format!("TB{i}"), hex(tb), text));
    }
    if let Some(tc) = level.tc {
        let text = match (i, t) {
            (1, _) if tc == 0xFF => gettext("Minimum guard time"),
            (1, _) => gettext_f(
                &ngettext(
                    // TRANSLATORS: etu = elementary time unit (ISO 7816-3), usually
                    // kept as is.
                    "Extra guard time: {n} etu",
                    "Extra guard time: {n} etu",
                    u32::from(tc),
                ),
                &[("n", &tc.to_string())],
            ),
            (2, _) => gettext_f(
                &gettext("T=0: waiting time integer WI = {n}"),
                &[("n", &tc.to_string())],
            ),
            (_, Some(1)) if tc & 1 == 1 => gettext("T=1: CRC error detection"),
            (_, Some(1)) => gettext("T=1: LRC error detection"),
            _ => gettext("Protocol-specific parameter"),
        };
        rows.push(row(format!("TC{i}"), hex(tc), text));
    }
    if let Some(td) = level.td {
        let text = gettext_f(
            // TRANSLATORS: TD of an ATR: {t} is a protocol number (e.g. 1); {list} names the
            // interface bytes that follow (e.g. "TA2, TB2", or "none").
            &gettext("Protocol T={t}; next: {list}"),
            &[
                ("t", &(td & 0x0F).to_string()),
                ("list", &present_list(td >> 4, i + 1)),
            ],
        );
        rows.push(row(format!("TD{i}"), hex(td), text));
    }
}

fn clock_stop(x: u8) -> String {
    match x {
        0 => gettext("not supported"),
        // TRANSLATORS: the clock line is stopped at the low (L) or high (H)
        // electrical level.
        1 => gettext("state L"),
        // TRANSLATORS: the clock line is stopped at the high (H) level.
        2 => gettext("state H"),
        _ => gettext("no preference"),
    }
}

fn classes(y: u8) -> String {
    let mut v = Vec::new();
    for (bit, name) in [(1, "A (5 V)"), (2, "B (3 V)"), (4, "C (1.8 V)")] {
        if y & bit != 0 {
            v.push(name);
        }
    }
    if v.is_empty() {
        // TRANSLATORS: no voltage class (the French and Russian words for
        // "class" are feminine: "aucune", «нет»).
        pgettext("voltage classes", "none")
    } else {
        v.join(", ")
    }
}

fn historical_text(hist: &[u8]) -> String {
    match hist.first() {
        Some(0x00) => gettext("Compact-TLV objects followed by a status indicator"),
        Some(0x80) => gettext("Compact-TLV objects"),
        Some(0x10) => gettext("Reference to DIR data"),
        _ => {
            let ascii: String = hist
                .iter()
                .map(|&b| {
                    if (0x20..0x7F).contains(&b) {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            gettext_f(
                // TRANSLATORS: historical bytes in a card maker's own format;
                // {ascii} shows them as text, dots for non-printable bytes,
                // e.g. "JCOP41V22".
                &gettext("Proprietary format: {ascii}"),
                &[("ascii", &ascii)],
            )
        }
    }
}
