//! The text of the log's detail pane: full bytes as a hex dump and the
//! BER-TLV tree of the response data.

use std::fmt::Write as _;

use super::glue::{self, TlvNode};
use super::log_entry::{ascii, EntryKind, LogEntry};
use crate::apdu::hex_spaced;
use crate::i18n::{gettext, gettext_f, ngettext};

pub fn describe(e: &LogEntry, show_ascii: bool) -> String {
    let mut s = String::new();
    if e.line > 0 {
        let _ = write!(
            s,
            "{}",
            gettext_f(&gettext("Line {line}"), &[("line", &e.line.to_string())])
        );
        s.push_str(" · ");
    }
    let _ = write!(s, "{}", e.time);
    if let Some(_d) = e.duration {
        let _ = write!(s, " · {}", e.duration_text());
    }
    s.push_str("\n\n");
    let meaning = e.meaning();
    if !meaning.is_empty() {
        let _ = writeln!(s, "{meaning}\n");
    }
    match e.kind {
        EntryKind::Exchange => {
            section(&mut s, &gettext("Command"), &e.command);
            let (case, name, warnings) = glue::command_info(&e.command);
            let mut about: Vec<String> = name.into_iter().collect();
            if let Some(c) = case {
                about.push(gettext_f(
                    // TRANSLATORS: an ISO/IEC 7816-3 command case; {case} is
                    // 1, 2, 3, 4, 2E, 3E or 4E.
                    &gettext("case {case}"),
                    &[("case", &c)],
                ));
            }
            if !about.is_empty() {
                let _ = writeln!(s, "{}\n", about.join(" · "));
            }
            for w in warnings {
                let _ = writeln!(s, "{w}\n");
            }
            section(&mut s, &gettext("Response Data"), e.data());
            if let Some((a, b)) = e.sw() {
                let _ = writeln!(
                    s,
                    "{} {a:02X} {b:02X}  {}\n",
                    gettext("SW"),
                    crate::apdu::status::meaning(a, b)
                );
            }
            if show_ascii && !e.data().is_empty() {
                let _ = writeln!(s, "{}\n{}\n", gettext("As text"), ascii(e.data()));
            }
            if let Some(tree) = glue::tlv_tree(e.data()).filter(|t| !t.is_empty()) {
                let _ = writeln!(s, "{}", gettext("BER-TLV"));
                tlv(&mut s, &tree, 1);
            }
        }
        EntryKind::Reset => {
            section(&mut s, &gettext("ATR"), &e.response);
            for (k, v) in glue::atr_fields(&e.response) {
                let _ = writeln!(s, "  {k}: {v}");
            }
        }
        _ => {}
    }
    s
}

fn section(s: &mut String, title: &str, bytes: &[u8]) {
    let n = bytes.len();
    let count = ngettext("{n} byte", "{n} bytes", n as u32).replace("{n}", &n.to_string());
    let _ = writeln!(s, "{title} ({count})");
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = writeln!(
            s,
            "{:04X}  {:<47}  {}",
            i * 16,
            hex_spaced(chunk),
            ascii(chunk)
        );
    }
    s.push('\n');
}

fn tlv(s: &mut String, nodes: &[TlvNode], depth: usize) {
    for n in nodes {
        let pad = "  ".repeat(depth);
        let name = n
            .name
            .as_deref()
            .map(|x| format!(" {x}"))
            .unwrap_or_default();
        if n.children.is_empty() {
            let _ = writeln!(
                s,
                "{pad}{} ({}){name}: {}",
                n.tag,
                n.value.len(),
                hex_spaced(&n.value)
            );
        } else {
            let _ = writeln!(s, "{pad}{} ({}){name}", n.tag, n.value.len());
            tlv(s, &n.children, depth + 1);
        }
    }
}
