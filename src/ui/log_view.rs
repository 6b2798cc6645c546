//! `ApduScriptorLogView`: the result log. A virtualized `GtkListView` of
//! [`LogLine`]s over the compact [`LogModel`], a detail pane with the full bytes and
//! the BER-TLV tree of the selected response, copy, clear and export.

use std::cell::Cell;

use gtk::gio;
use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::detail;
use super::export::{self, Format};
use super::log_entry::{EntryKind, LogEntry};
use super::log_line::{self, ColumnWidths, LogLine};
use super::log_model::LogModel;
use super::log_row::LogRow;
use crate::i18n::{gettext, gettext_f, ngettext};

/// Below this many rows, appends go in steps of [`FILL_STEP`] rows.
const FILL_ROWS: u32 = 256;
const FILL_STEP: usize = 48;

mod imp {
    use super::*;

    #[derive(Default, gtk::CompositeTemplate)]
    #[template(resource = "/io/github/apduscriptor/ApduScriptor/ui/log-view.ui")]
    pub struct LogView {
        #[template_child]
        pub count_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub summary_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub ascii_toggle: TemplateChild<gtk::ToggleButton>,
        #[template_child]
        pub detail_paned: TemplateChild<gtk::Paned>,
        #[template_child]
        pub scroller: TemplateChild<gtk::ScrolledWindow>,
        #[template_child]
        pub log_box: TemplateChild<gtk::Box>,
        #[template_child]
        pub list_view: TemplateChild<gtk::ListView>,
        #[template_child]
        pub detail_view: TemplateChild<gtk::TextView>,
        pub store: std::cell::OnceCell<LogModel>,
        pub selection: std::cell::OnceCell<gtk::MultiSelection>,
        pub show_ascii: Cell<bool>,
        /// The columns' widths, shared by the header and the lines.
        pub widths: std::rc::Rc<ColumnWidths>,
        pub header: std::cell::OnceCell<LogLine>,
        /// Keep the newest row in view while the user has not scrolled up.
        pub follow: Cell<bool>,
        /// Rows waiting for the next main-loop turn while the log fills up.
        pub pending: std::cell::RefCell<std::collections::VecDeque<LogEntry>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogView {
        const NAME: &'static str = "ApduScriptorLogView";
        type Type = super::LogView;
        type ParentType = gtk::Box;

        fn class_init(klass: &mut Self::Class) {
            klass.bind_template();
            klass.install_action("log.copy", None, |v, _, _| v.copy_selection());
            klass.install_action("log.clear", None, |v, _, _| v.clear());
            klass.install_action("log.select-all", None, |v, _, _| {
                if let Some(s) = v.imp().selection.get() {
                    s.select_all();
                }
            });
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    impl ObjectImpl for LogView {
        fn constructed(&self) {
            self.parent_constructed();
            self.obj().setup();
        }
    }
    impl WidgetImpl for LogView {}
    impl BoxImpl for LogView {}
}

glib::wrapper! {
    pub struct LogView(ObjectSubclass<imp::LogView>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for LogView {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl LogView {
    fn setup(&self) {
        let imp = self.imp();
        imp.follow.set(true);
        let store = LogModel::default();
        let selection = gtk::MultiSelection::new(Some(store.clone()));
        imp.list_view.set_model(Some(&selection));
        imp.list_view.set_factory(Some(&self.factory()));
        let header = LogLine::header(&imp.widths);
        header.enable_resizing(clone!(
            #[weak(rename_to = view)]
            self,
            move || view.redraw_lines()
        ));
        imp.log_box.prepend(&header);
        let _ = imp.header.set(header);
        selection.connect_selection_changed(clone!(
            #[weak(rename_to = view)]
            self,
            move |_, _, _| view.show_detail()
        ));
        store.connect_items_changed(clone!(
            #[weak(rename_to = view)]
            self,
            move |s, _, _, _| view.update_count(s.n_items())
        ));
        let _ = imp.store.set(store);
        let _ = imp.selection.set(selection);

        // Ctrl+C and Ctrl+A belong to the log only while it has the focus.
        let keys = gtk::ShortcutController::new();
        keys.set_scope(gtk::ShortcutScope::Local);
        for (accel, action) in [("<Control>c", "log.copy"), ("<Control>a", "log.select-all")] {
            keys.add_shortcut(gtk::Shortcut::new(
                gtk::ShortcutTrigger::parse_string(accel),
                Some(gtk::NamedAction::new(action)),
            ));
        }
        imp.list_view.add_controller(keys);
        // One Tab stop however many rows: arrows move between them.
        super::focus::one_tab_stop(&*imp.list_view);

        imp.ascii_toggle.connect_toggled(clone!(
            #[weak(rename_to = view)]
            self,
            move |b| view.set_show_ascii(b.is_active())
        ));
        let adj = imp.scroller.vadjustment();
        adj.connect_value_changed(clone!(
            #[weak(rename_to = view)]
            self,
            move |a| view
                .imp()
                .follow
                .set(a.value() + a.page_size() >= a.upper() - 4.0)
        ));
        adj.connect_upper_notify(clone!(
            #[weak(rename_to = view)]
            self,
            move |a| {
                if view.imp().follow.get() {
                    a.set_value(a.upper() - a.page_size());
                }
            }
        ));
        self.update_count(0);
    }

    fn factory(&self) -> gtk::SignalListItemFactory {
        let f = gtk::SignalListItemFactory::new();
        let widths = self.imp().widths.clone();
        f.connect_setup(move |_, item| {
            let item = item.downcast_ref::<gtk::ListItem>().expect("ListItem");
            item.set_child(Some(&LogLine::new(&widths)));
        });
        f.connect_bind(clone!(
            #[weak(rename_to = view)]
            self,
            move |_, item| {
                let item = item.downcast_ref::<gtk::ListItem>().expect("ListItem");
                let (Some(line), Some(row)) = (
                    item.child().and_downcast::<LogLine>(),
                    item.item().and_downcast::<LogRow>(),
                ) else {
                    return;
                };
                line.show(&row, view.show_ascii());
            }
        ));
        f
    }

    /// The lines the list has built (the visible ones and a few more).
    fn for_each_line(&self, f: impl Fn(&LogLine)) {
        let mut row = self.imp().list_view.first_child();
        while let Some(r) = row {
            if let Some(line) = r.first_child().and_downcast_ref::<LogLine>() {
                f(line);
            }
            row = r.next_sibling();
        }
    }

    /// Draw the header and the lines again, after a column width changed.
    fn redraw_lines(&self) {
        if let Some(h) = self.imp().header.get() {
            h.queue_draw();
        }
        self.for_each_line(|line| line.queue_draw());
    }

    /// The columns' widths, left to right; 0 for a column that shares the
    /// width left over.
    pub fn column_widths(&self) -> Vec<i32> {
        self.imp().widths.get().to_vec()
    }

    pub fn set_column_widths(&self, widths: &[i32]) {
        self.imp().widths.set_all(widths);
        self.redraw_lines();
    }

    /// The header line with the column titles.
    pub fn header(&self) -> LogLine {
        self.imp().header.get().expect("header").clone()
    }

    /// The rows as a list model of [`LogRow`]s.
    pub fn store(&self) -> gio::ListModel {
        self.model().upcast()
    }

    fn model(&self) -> LogModel {
        self.imp().store.get().expect("store").clone()
    }

    /// Append entries. While the log holds few rows they go in small steps,
    /// one per main-loop turn: each step makes the view create the lines of
    /// new rows, and creating a whole screenful at once stalls the window.
    pub fn append(&self, entries: Vec<LogEntry>) {
        if entries.is_empty() {
            return;
        }
        if let Some(summary) = entries.iter().rev().find(|e| e.kind == EntryKind::Summary) {
            // The last run's summary stays readable above the log.
            let label = &self.imp().summary_label;
            label.set_label(&summary.text);
            label.set_tooltip_text(Some(&summary.text));
            let tone = log_line::summary_tone(summary.check);
            label.set_css_classes(tone.style_class().as_slice());
        }
        let was_idle = self.imp().pending.borrow().is_empty();
        self.imp().pending.borrow_mut().extend(entries);
        if was_idle {
            self.flush_pending();
        }
    }

    fn flush_pending(&self) {
        let model = self.model();
        let batch: Vec<LogEntry> = {
            let mut pending = self.imp().pending.borrow_mut();
            let take = if model.n_items() < FILL_ROWS {
                pending.len().min(FILL_STEP)
            } else {
                pending.len()
            };
            pending.drain(..take).collect()
        };
        if !batch.is_empty() {
            model.append(batch);
        }
        if !self.imp().pending.borrow().is_empty() {
            // Ahead of redraws: a step need not wait for a frame.
            glib::idle_add_local_full(
                glib::Priority::DEFAULT,
                clone!(
                    #[weak(rename_to = view)]
                    self,
                    #[upgrade_or]
                    glib::ControlFlow::Break,
                    move || {
                        view.flush_pending();
                        glib::ControlFlow::Break
                    }
                ),
            );
        }
    }

    /// All entries, in order (for export and tests).
    pub fn entries(&self) -> Vec<LogEntry> {
        self.model().entries()
    }

    pub fn clear(&self) {
        self.imp().pending.borrow_mut().clear();
        self.model().clear();
        self.imp().summary_label.set_label("");
        self.imp().follow.set(true);
        self.imp().detail_view.buffer().set_text("");
    }

    pub fn show_ascii(&self) -> bool {
        self.imp().show_ascii.get()
    }

    pub fn set_show_ascii(&self, ascii: bool) {
        let imp = self.imp();
        if imp.ascii_toggle.is_active() != ascii {
            imp.ascii_toggle.set_active(ascii);
        }
        if imp.show_ascii.replace(ascii) != ascii {
            // The built lines show their rows again; the model is unchanged,
            // so the selection stays.
            self.for_each_line(|line| line.reshow(ascii));
            self.show_detail();
        }
    }

    pub fn detail_position(&self) -> i32 {
        self.imp().detail_paned.position()
    }

    pub fn set_detail_position(&self, pos: i32) {
        self.imp().detail_paned.set_position(pos);
    }

    fn update_count(&self, n: u32) {
        let text = ngettext("{n} row", "{n} rows", n).replace("{n}", &n.to_string());
        self.imp().count_label.set_label(&text);
    }

    fn selected_entries(&self) -> Vec<LogEntry> {
        let Some(sel) = self.imp().selection.get() else {
            return Vec::new();
        };
        let set = sel.selection();
        let model = self.model();
        let mut out = Vec::new();
        if let Some((iter, first)) = gtk::BitsetIter::init_first(&set) {
            out.extend(
                std::iter::once(first)
                    .chain(iter)
                    .filter_map(|i| model.entry(i as usize)),
            );
        }
        out
    }

    fn copy_selection(&self) {
        let entries = self.selected_entries();
        if entries.is_empty() {
            return;
        }
        let text: String = entries.iter().map(export::plain_line).collect();
        self.clipboard().set_text(&text);
    }

    fn show_detail(&self) {
        let entries = self.selected_entries();
        let text = match entries.as_slice() {
            [e] => detail::describe(e, self.show_ascii()),
            [] => String::new(),
            many => gettext_f(
                &ngettext("{n} row selected", "{n} rows selected", many.len() as u32),
                &[("n", &many.len().to_string())],
            ),
        };
        self.imp().detail_view.buffer().set_text(&text);
    }

    /// Ask for a file and write the log there in `format`.
    pub fn export_dialog(&self, format: Format) {
        let parent = self.root().and_downcast::<gtk::Window>();
        let dialog = gtk::FileChooserNative::new(
            Some(&gettext("Export Log")),
            parent.as_ref(),
            gtk::FileChooserAction::Save,
            Some(&gettext("_Export")),
            Some(&gettext("_Cancel")),
        );
        dialog.set_modal(true);
        dialog.set_current_name(&format!("apdu-log.{}", format.extension()));
        dialog.connect_response(clone!(
            #[weak(rename_to = view)]
            self,
            move |d, resp| {
                if resp == gtk::ResponseType::Accept {
                    if let Some(path) = d.file().and_then(|f| f.path()) {
                        let text = export::export(&view.entries(), format);
                        if let Err(e) = crate::settings::write_atomic(&path, text.as_bytes()) {
                            let msg = gettext_f(
                                &gettext("Could not export the log: {error}"),
                                &[("error", &e.to_string())],
                            );
                            let _ = view.activate_action("win.toast", Some(&msg.to_variant()));
                        }
                    }
                }
                d.destroy();
            }
        ));
        dialog.show();
    }

    /// Select one row (and show its details).
    pub fn select_row(&self, position: u32) {
        if let Some(sel) = self.imp().selection.get() {
            sel.select_item(position, true);
        }
    }

    /// The list of rows (for tests: focus, keys, scrolling).
    pub fn list_view(&self) -> gtk::ListView {
        self.imp().list_view.get()
    }

    /// Copy the text of all rows to a clipboard-like string (tests).
    pub fn selected_text(&self) -> String {
        self.selected_entries()
            .iter()
            .map(export::plain_line)
            .collect()
    }
}
