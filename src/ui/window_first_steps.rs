//! Help for a first start: an example script, common APDUs to insert, and
//! a one-line entry that sends an APDU at once, with its history.

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::{gdk, gio, glib};

use super::glue;
use super::window::Window;
use crate::i18n::{gettext, gettext_f};
use crate::script;

/// Common APDUs: the action target, the bytes, and what they do.
pub(crate) fn snippets() -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "select-aid",
            "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01",
            gettext("SELECT by AID (the demo card's application)"),
        ),
        (
            "select-fid",
            "00 A4 00 00 02 3F 00",
            gettext("SELECT by file identifier (the master file)"),
        ),
        (
            "select-path",
            "00 A4 08 00 02 50 01",
            gettext("SELECT by path from the master file"),
        ),
        (
            "read-binary",
            "00 B0 00 00 10",
            gettext("READ BINARY: 16 bytes from offset 0"),
        ),
        (
            "read-record",
            "00 B2 01 04 00",
            gettext("READ RECORD: record 1 of the current file"),
        ),
        (
            "update-binary",
            "00 D6 00 00 04 01 02 03 04",
            gettext("UPDATE BINARY: 4 bytes at offset 0"),
        ),
        (
            "verify",
            "00 20 00 01 08 31 32 33 34 FF FF FF FF",
            gettext("VERIFY: PIN 1234 for reference 1"),
        ),
        ("get-data", "00 CA 00 42 00", gettext("GET DATA: tag 42")),
        (
            "get-challenge",
            "00 84 00 00 08",
            gettext("GET CHALLENGE: 8 random bytes"),
        ),
        (
            "get-response",
            "00 C0 00 00 00",
            gettext("GET RESPONSE: the bytes a 61XX announced"),
        ),
        (
            "manage-channel",
            "00 70 00 00 01",
            gettext("MANAGE CHANNEL: open a logical channel"),
        ),
        (
            "get-uid",
            "FF CA 00 00 00",
            gettext("Get the card's UID (PC/SC part 3, contactless)"),
        ),
    ]
}

impl Window {
    /// The Insert menu, in the header and in the script's context menu
    /// (beside running a part and finding).
    pub(crate) fn setup_insert_menu(&self) {
        let imp = self.imp();
        let insert = self.insert_menu();
        imp.insert_button.set_menu_model(Some(&insert));
        imp.editor_menu
            .append_submenu(Some(&gettext("_Insert")), &insert);
        imp.editor.view().set_extra_menu(Some(&*imp.editor_menu));
    }

    /// Common APDUs, each inserted as a script line with what it does.
    fn insert_menu(&self) -> gio::Menu {
        let menu = gio::Menu::new();
        let apdus = gio::Menu::new();
        for (id, bytes, what) in super::window_first_steps::snippets() {
            // Menu labels take `_` as a mnemonic mark.
            let label = format!("{} — {bytes}", what.replace('_', "__"));
            let item = gio::MenuItem::new(Some(&label), None);
            item.set_action_and_target_value(Some("win.insert-snippet"), Some(&id.to_variant()));
            apdus.append_item(&item);
        }
        menu.append_section(None, &apdus);
        let more = gio::Menu::new();
        more.append(Some(&gettext("APDU _Builder…")), Some("win.apdu-builder"));
        more.append(
            Some(&gettext("_Example Script")),
            Some("win.insert-example"),
        );
        menu.append_section(None, &more);
        menu
    }

    /// Insert `text` (whole lines) after the cursor's line, then put the
    /// cursor at its end and the focus in the script.
    pub(crate) fn insert_lines(&self, text: &str) {
        let editor = self.editor();
        let buffer = editor.buffer();
        let mut at = buffer.iter_at_mark(&buffer.get_insert());
        let mut text = text.trim_end_matches('\n').to_owned();
        if !at.ends_line() {
            at.forward_to_line_end();
        }
        let line_start = buffer.iter_at_line(at.line()).unwrap_or(at);
        if at.offset() != line_start.offset() {
            text.insert(0, '\n');
        }
        buffer.begin_user_action();
        buffer.insert(&mut at, &text);
        buffer.end_user_action();
        buffer.place_cursor(&at);
        editor.view().scroll_mark_onscreen(&buffer.get_insert());
        editor.view().grab_focus();
    }

    pub(crate) fn insert_example(&self) {
        let example = [
            // TRANSLATORS: a comment line of a script: it must start with "#".
            gettext("# An example for the demo card: select its application (expecting"),
            // TRANSLATORS: a comment line of a script: it must start with "#".
            gettext("# 9000 or 61XX), then read its file 5001 by the short identifier 01"),
            "00 A4 04 00 09 F0 41 50 44 55 53 43 52 01 (9000, 61XX)".to_owned(),
            "00 B0 81 00 0D (9000)".to_owned(),
        ]
        .join("\n");
        self.insert_lines(&example);
    }

    pub(crate) fn insert_snippet(&self, id: &str) {
        if let Some((_, bytes, what)) = snippets().into_iter().find(|s| s.0 == id) {
            self.insert_lines(&format!("{bytes}    # {what}"));
        }
    }

    /// The one-line entry: Enter sends, Up and Down walk the history.
    pub(crate) fn setup_apdu_entry(&self) {
        let imp = self.imp();
        let entry = imp.apdu_entry.get();
        entry.connect_activate(glib::clone!(
            #[weak(rename_to = w)]
            self,
            move |e| {
                if w.send_line(&e.text()) {
                    e.set_text("");
                }
            }
        ));
        let keys = gtk::EventControllerKey::new();
        keys.connect_key_pressed(glib::clone!(
            #[weak(rename_to = w)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, _, _| {
                let older = match key {
                    gdk::Key::Up | gdk::Key::KP_Up => true,
                    gdk::Key::Down | gdk::Key::KP_Down => false,
                    _ => return glib::Propagation::Proceed,
                };
                w.walk_history(older);
                glib::Propagation::Stop
            }
        ));
        entry.add_controller(keys);
        let store = self.log_view().store();
        store.connect_items_changed(glib::clone!(
            #[weak(rename_to = w)]
            self,
            move |s, _, _, _| w.show_log_or_empty(s.n_items())
        ));
        self.show_log_or_empty(store.n_items());
    }

    fn show_log_or_empty(&self, rows: u32) {
        let name = if rows == 0 { "empty" } else { "log" };
        self.imp().log_stack.set_visible_child_name(name);
    }

    /// Send the statements of `line` at once; false (the text stays) when
    /// it has an error or a script is running.
    pub fn send_line(&self, line: &str) -> bool {
        if self.is_running() {
            self.toast(&gettext("Wait for the script to end, or stop it"));
            return false;
        }
        let parsed = script::parse(line);
        if let Some(e) = parsed.errors.first() {
            self.toast(&gettext_f(
                &gettext("Not sent: {error}"),
                &[("error", &glue::parse_error_message(e))],
            ));
            return false;
        }
        if parsed.statements.is_empty() {
            return false;
        }
        let imp = self.imp();
        {
            let mut history = imp.history.borrow_mut();
            let line = line.trim().to_owned();
            if history.last() != Some(&line) {
                history.push(line);
            }
        }
        imp.history_pos.set(None);
        // No script line to point at in the log.
        let statements = parsed
            .statements
            .into_iter()
            .map(|mut s| {
                s.span.start.line = 0;
                s.span.end.line = 0;
                s
            })
            .collect();
        self.start_run(statements, true);
        true
    }

    fn walk_history(&self, older: bool) {
        let imp = self.imp();
        let history = imp.history.borrow();
        if history.is_empty() {
            return;
        }
        let pos = match (imp.history_pos.get(), older) {
            (None, true) => Some(history.len() - 1),
            (None, false) => None,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < history.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        imp.history_pos.set(pos);
        let text = pos.map(|i| history[i].clone()).unwrap_or_default();
        imp.apdu_entry.set_text(&text);
        imp.apdu_entry.set_position(-1);
    }
}
