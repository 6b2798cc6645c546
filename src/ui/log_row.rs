//! `ApduScriptorLogRow`: one row of the result log, a GObject over a
//! [`LogEntry`] so a `gio::ListStore` can hold it.

use std::cell::OnceCell;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::log_entry::LogEntry;
use crate::apdu::hex_spaced;

mod imp {
    use super::*;

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::LogRow)]
    pub struct LogRow {
        pub entry: OnceCell<LogEntry>,
        /// `exchange`, `reset`, `info`, `warning`, `error` or `summary`.
        #[property(get = Self::kind)]
        kind: std::marker::PhantomData<String>,
        #[property(get = Self::command)]
        command: std::marker::PhantomData<String>,
        #[property(get = Self::sw)]
        sw: std::marker::PhantomData<String>,
        #[property(get = Self::meaning)]
        meaning: std::marker::PhantomData<String>,
        #[property(get = Self::line)]
        line: std::marker::PhantomData<u32>,
    }

    impl LogRow {
        fn e(&self) -> &LogEntry {
            self.entry.get().expect("log row without entry")
        }
        fn kind(&self) -> String {
            self.e().kind.name().to_owned()
        }
        fn command(&self) -> String {
            hex_spaced(&self.e().command)
        }
        fn sw(&self) -> String {
            self.e().sw_text()
        }
        fn meaning(&self) -> String {
            self.e().text.clone()
        }
        fn line(&self) -> u32 {
            u32::try_from(self.e().line).unwrap_or(u32::MAX)
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogRow {
        const NAME: &'static str = "ApduScriptorLogRow";
        type Type = super::LogRow;
    }

    #[glib::derived_properties]
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
