//! `ApduScriptorLogModel`: the result log as a `gio::ListModel` over compact
//! plain entries. A [`LogRow`] GObject is made only when GTK asks for a
//! position (the visible rows), so 100 000 rows cost no 100 000 GObjects.

use std::cell::RefCell;
use std::time::Duration;

use gtk::subclass::prelude::*;
use gtk::{gio, glib, prelude::*};

use super::log_entry::{EntryKind, LogEntry, Time};
use super::log_row::LogRow;
use crate::engine::Origin;

/// A [`LogEntry`] in about half the memory: both byte strings in one
/// allocation, the rarely set texts behind one pointer.
struct Compact {
    /// The command, then the response.
    bytes: Box<[u8]>,
    texts: Option<Box<(Option<String>, String)>>,
    duration: Option<Duration>,
    line: usize,
    time: Time,
    command_len: u32,
    kind: EntryKind,
    origin: Option<Origin>,
    check: Option<bool>,
}

impl Compact {
    fn new(e: LogEntry) -> Compact {
        let command_len = e.command.len() as u32;
        let bytes = if e.response.is_empty() {
            e.command.into_boxed_slice()
        } else {
            let mut b = e.command;
            b.extend_from_slice(&e.response);
            b.into_boxed_slice()
        };
        let texts = (e.echo.is_some() || !e.text.is_empty()).then(|| Box::new((e.echo, e.text)));
        Compact {
            bytes,
            texts,
            duration: e.duration,
            line: e.line,
            time: e.time,
            command_len,
            kind: e.kind,
            origin: e.origin,
            check: e.check,
        }
    }

    fn entry(&self) -> LogEntry {
        let (command, response) = self.bytes.split_at(self.command_len as usize);
        let (echo, text) = match &self.texts {
            Some(t) => (t.0.clone(), t.1.clone()),
            None => (None, String::new()),
        };
        LogEntry {
            kind: self.kind,
            time: self.time,
            line: self.line,
            origin: self.origin,
            command: command.to_vec(),
            echo,
            response: response.to_vec(),
            duration: self.duration,
            text,
            check: self.check,
        }
    }
}

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct LogModel {
        pub(super) rows: RefCell<Vec<Compact>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogModel {
        const NAME: &'static str = "ApduScriptorLogModel";
        type Type = super::LogModel;
        type Interfaces = (gio::ListModel,);
    }

    impl ObjectImpl for LogModel {}

    impl ListModelImpl for LogModel {
        fn item_type(&self) -> glib::Type {
            LogRow::static_type()
        }
        fn n_items(&self) -> u32 {
            self.rows.borrow().len() as u32
        }
        fn item(&self, position: u32) -> Option<glib::Object> {
            let entry = self.rows.borrow().get(position as usize)?.entry();
            Some(LogRow::new(entry).upcast())
        }
    }
}

glib::wrapper! {
    pub struct LogModel(ObjectSubclass<imp::LogModel>)
        @implements gio::ListModel;
}

impl Default for LogModel {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl LogModel {
    pub fn len(&self) -> usize {
        self.imp().rows.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append entries in one model change.
    pub fn append(&self, entries: Vec<LogEntry>) {
        if entries.is_empty() {
            return;
        }
        let pos = {
            let mut rows = self.imp().rows.borrow_mut();
            let pos = rows.len();
            rows.extend(entries.into_iter().map(Compact::new));
            pos
        };
        let added = self.len() - pos;
        self.items_changed(pos as u32, 0, added as u32);
    }

    pub fn clear(&self) {
        let n = {
            let mut rows = self.imp().rows.borrow_mut();
            let n = rows.len();
            *rows = Vec::new();
            n
        };
        if n > 0 {
            self.items_changed(0, n as u32, 0);
        }
    }

    pub fn entry(&self, position: usize) -> Option<LogEntry> {
        self.imp().rows.borrow().get(position).map(Compact::entry)
    }

    pub fn entries(&self) -> Vec<LogEntry> {
        self.imp()
            .rows
            .borrow()
            .iter()
            .map(Compact::entry)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_round_trip() {
        let plain = LogEntry {
            command: vec![0x00, 0xB0, 0x00, 0x00, 0x02],
            response: vec![0x01, 0x02, 0x90, 0x00],
            duration: Some(Duration::from_micros(7)),
            origin: Some(Origin::Script),
            check: Some(true),
            ..LogEntry::message(EntryKind::Exchange, Time(5), 3, String::new())
        };
        let noted = LogEntry {
            echo: Some("00 B0".into()),
            text: "note".into(),
            ..plain.clone()
        };
        let message = LogEntry::message(EntryKind::Info, Time(9), 0, "hi".into());
        let reset = LogEntry {
            response: vec![0x3B, 0x00],
            ..LogEntry::message(EntryKind::Reset, Time(1), 0, "Reset".into())
        };
        for e in [plain, noted, message, reset] {
            assert_eq!(Compact::new(e.clone()).entry(), e);
        }
    }
}
