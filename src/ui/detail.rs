//! The log's detail pane for one row: hex dumps with offsets and ASCII, the
//! command's header explained, the status word, a collapsible BER-TLV tree
//! of the response with names that follow their template, and copy buttons.

use gtk::prelude::*;

use super::glue::{self, TlvNode};
use super::log_entry::{ascii, EntryKind, LogEntry};
use crate::apdu::{command_fields, hex_spaced};
use crate::i18n::{gettext, gettext_f, ngettext};

/// `bytes` as a hex dump: offset, 16 bytes in hex, the same as ASCII.
pub fn hex_dump(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            format!(
                "{:04X}  {:<47}  {}",
                i * 16,
                hex_spaced(chunk),
                ascii(chunk)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn label(text: &str, classes: &[&str]) -> gtk::Label {
    let l = gtk::Label::new(Some(text));
    l.set_xalign(0.0);
    l.set_wrap(true);
    l.set_wrap_mode(gtk::pango::WrapMode::WordChar);
    l.set_selectable(true);
    for c in classes {
        l.add_css_class(c);
    }
    l
}

fn mono(text: &str) -> gtk::Label {
    let l = label(text, &["monospace"]);
    l.set_wrap(false);
    l
}

/// A titled hex dump of `bytes`.
fn section(parent: &gtk::Box, title: &str, bytes: &[u8]) {
    let n = bytes.len();
    let count = ngettext("{n} byte", "{n} bytes", n as u32).replace("{n}", &n.to_string());
    parent.append(&label(&format!("{title} ({count})"), &["heading"]));
    if !bytes.is_empty() {
        parent.append(&mono(&hex_dump(bytes)));
    }
}

fn copy_button(title: &str, text: String) -> gtk::Button {
    let b = gtk::Button::with_label(title);
    b.connect_clicked(move |b| b.clipboard().set_text(&text));
    b
}

/// The widgets that show `e` in full.
pub fn build(e: &LogEntry, show_ascii: bool) -> gtk::Box {
    let page = gtk::Box::new(gtk::Orientation::Vertical, 6);
    page.set_margin_start(12);
    page.set_margin_end(12);
    page.set_margin_top(8);
    page.set_margin_bottom(12);

    let meaning = e.meaning();
    let title = match e.sw() {
        Some((a, b)) => format!("{a:02X}{b:02X} · {meaning}"),
        None => meaning.into_owned(),
    };
    page.append(&label(&title, &["title-4"]));
    page.append(&label(&when(e), &["dim-label"]));

    match e.kind {
        EntryKind::Exchange => exchange(&page, e, show_ascii),
        EntryKind::Reset if !e.response.is_empty() => {
            let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 6);
            buttons.append(&copy_button(&gettext("Copy ATR"), hex_spaced(&e.response)));
            page.append(&buttons);
            section(&page, &gettext("ATR"), &e.response);
            for (k, v) in glue::atr_fields(&e.response) {
                page.append(&label(&format!("{k}: {v}"), &[]));
            }
        }
        _ => {}
    }
    page
}

/// Line, when sent and answered, and how long it took.
fn when(e: &LogEntry) -> String {
    let mut parts = Vec::new();
    if e.line > 0 {
        parts.push(gettext_f(
            &gettext("Line {line}"),
            &[("line", &e.line.to_string())],
        ));
    }
    match (e.kind, e.duration) {
        (EntryKind::Exchange | EntryKind::Reset, Some(d)) => {
            parts.push(gettext_f(
                &gettext("sent {time}"),
                &[("time", &e.time.to_string())],
            ));
            parts.push(gettext_f(
                &gettext("answered {time}"),
                &[("time", &e.time.after(d).to_string())],
            ));
            parts.push(e.duration_text());
        }
        _ => parts.push(e.time.to_string()),
    }
    parts.join(" · ")
}

fn exchange(page: &gtk::Box, e: &LogEntry, show_ascii: bool) {
    let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    buttons.append(&copy_button(
        &gettext("Copy Response"),
        hex_spaced(&e.response),
    ));
    buttons.append(&copy_button(&gettext("Copy Script Line"), e.script_lines()));
    buttons.append(&copy_button(
        &gettext("Copy Exchange"),
        super::export::plain_line(e),
    ));
    buttons.set_margin_bottom(6);
    page.append(&buttons);

    section(page, &gettext("Command"), &e.command);
    let (case, _, warnings) = glue::command_info(&e.command);
    if let Some(c) = case {
        page.append(&label(
            &gettext_f(&gettext("case {case}"), &[("case", &c)]),
            &[],
        ));
    }
    let fields: Vec<String> = command_fields::fields(&e.command)
        .into_iter()
        .map(|f| format!("{:<3} {:02X}  {}", f.name, f.value, f.meaning))
        .collect();
    if !fields.is_empty() {
        page.append(&mono(&fields.join("\n")));
    }
    for w in warnings {
        page.append(&label(&w, &["warning"]));
    }

    section(page, &gettext("Response data"), e.data());
    if show_ascii && !e.data().is_empty() {
        page.append(&label(&gettext("As text"), &["heading"]));
        page.append(&mono(&ascii(e.data())));
    }
    if let Some(tree) = glue::tlv_tree(e.data()).filter(|t| !t.is_empty()) {
        page.append(&label(&gettext("BER-TLV"), &["heading"]));
        for n in &tree {
            page.append(&tlv_widget(n));
        }
    }
}

/// One data object: a leaf as a line, a template as an expander (open)
/// holding its objects.
fn tlv_widget(n: &TlvNode) -> gtk::Widget {
    let name = n
        .name
        .as_deref()
        .map(|x| format!("  {x}"))
        .unwrap_or_default();
    let head = format!("{} ({}){name}", n.tag, n.value.len());
    if n.children.is_empty() {
        let value = match &n.text {
            Some(t) => format!("\"{t}\""),
            None => hex_spaced(&n.value),
        };
        let l = label(&format!("{head}: {value}"), &["monospace", "tlv"]);
        l.set_margin_start(18);
        return l.upcast();
    }
    let inner = gtk::Box::new(gtk::Orientation::Vertical, 2);
    inner.set_margin_start(18);
    for c in &n.children {
        inner.append(&tlv_widget(c));
    }
    let expander = gtk::Expander::new(Some(&head));
    expander.add_css_class("tlv");
    expander.set_expanded(true);
    expander.set_child(Some(&inner));
    if let Some(l) = expander.label_widget().and_downcast::<gtk::Label>() {
        l.add_css_class("monospace");
    }
    expander.upcast()
}
