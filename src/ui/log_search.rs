//! The result log's search: a search bar over the rows (Ctrl+F with the
//! log focused) that keeps the rows a [`LogQuery`] matches.

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::log_entry::LogEntry;
use super::log_filter::LogQuery;
use super::log_row::LogRow;
use super::log_view::LogView;
use crate::i18n::ngettext;

impl LogView {
    /// Open the log's search.
    pub fn show_search(&self) {
        self.imp().search_bar.set_search_mode(true);
        self.imp().search_entry.grab_focus();
    }

    /// Whether the keyboard focus is in the log.
    pub fn has_focus_inside(&self) -> bool {
        self.root()
            .and_then(|r| r.focus())
            .is_some_and(|f| f.is_ancestor(self))
    }

    pub(super) fn setup_search(&self) {
        let imp = self.imp();
        imp.search_bar.connect_entry(&*imp.search_entry);
        imp.search_entry.connect_search_changed(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| view.apply_search()
        ));
        imp.errors_toggle.connect_toggled(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| view.apply_search()
        ));
        imp.search_entry.connect_stop_search(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| {
                view.imp().search_bar.set_search_mode(false);
                view.imp().list_view.grab_focus();
            }
        ));
        if let Some(filtered) = imp.filtered.get() {
            filtered.connect_items_changed(clone!(
                #[weak(rename_to = view)]
                self,
                move |_, _, _, _| view.update_matches()
            ));
        }
        imp.search_bar.connect_search_mode_enabled_notify(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| view.apply_search()
        ));
    }

    /// Keep the rows the search matches (all when the search is closed).
    fn apply_search(&self) {
        let imp = self.imp();
        let Some(filtered) = imp.filtered.get() else {
            return;
        };
        let query = if imp.search_bar.is_search_mode() {
            LogQuery::parse(&imp.search_entry.text(), imp.errors_toggle.is_active())
        } else {
            LogQuery::parse("", false)
        };
        if query.is_empty() {
            filtered.set_filter(None::<&gtk::CustomFilter>);
            imp.match_label.set_label("");
        } else {
            let filter = gtk::CustomFilter::new(move |o| {
                o.downcast_ref::<LogRow>()
                    .is_some_and(|r| query.matches(r.entry()))
            });
            filtered.set_filter(Some(&filter));
        }
        self.update_matches();
    }

    fn update_matches(&self) {
        let imp = self.imp();
        let Some(filtered) = imp.filtered.get() else {
            return;
        };
        if filtered.filter().is_none() {
            imp.match_label.set_label("");
        } else {
            let n = filtered.n_items();
            imp.match_label
                .set_label(&ngettext("{n} match", "{n} matches", n).replace("{n}", &n.to_string()));
        }
    }

    /// The rows shown, searched (for tests).
    pub fn shown_rows(&self) -> Vec<LogEntry> {
        let Some(filtered) = self.imp().filtered.get() else {
            return Vec::new();
        };
        (0..filtered.n_items())
            .filter_map(|i| filtered.item(i).and_downcast::<LogRow>())
            .map(|r| r.entry().clone())
            .collect()
    }

    /// Where the row at `position` of the log is in the list shown.
    pub(super) fn view_position(&self, position: u32) -> Option<u32> {
        let filtered = self.imp().filtered.get()?;
        if filtered.filter().is_none() {
            return Some(position);
        }
        let entry = self.model().entry(position as usize)?;
        (0..filtered.n_items()).find(|&i| {
            filtered
                .item(i)
                .and_downcast::<LogRow>()
                .is_some_and(|r| *r.entry() == entry)
        })
    }
}
