//! `ApduScriptorLogRow`: one row of the result log as the GObject a
//! `gio::ListModel` hands out; [`super::log_model::LogModel`] makes them
//! only for the positions GTK asks for.

use std::cell::OnceCell;

use gtk::glib;
use gtk::subclass::prelude::*;

use super::log_entry::LogEntry;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct LogRow {
        pub entry: OnceCell<LogEntry>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogRow {
        const NAME: &'static str = "ApduScriptorLogRow";
        type Type = super::LogRow;
    }

    impl ObjectImpl for LogRow {}
}

glib::wrapper! {
    pub struct LogRow(ObjectSubclass<imp::LogRow>);
}

impl LogRow {
    pub fn new(entry: LogEntry) -> LogRow {
        let row: LogRow = glib::Object::new();
        let _ = row.imp().entry.set(entry);
        row
    }

    pub fn entry(&self) -> &LogEntry {
        self.imp().entry.get().expect("log row without entry")
    }
}
