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
use super::log_columns::ColumnWidths;
use super::log_entry::{EntryKind, LogEntry, SwTally};
use super::log_line::{self, LogLine};
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
        pub new_rows_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub search_bar: TemplateChild<gtk::SearchBar>,
        #[template_child]
        pub search_entry: TemplateChild<gtk::SearchEntry>,
        #[template_child]
        pub errors_toggle: TemplateChild<gtk::ToggleButton>,
        #[template_child]
        pub match_label: TemplateChild<gtk::Label>,
        /// The rows the search keeps (all without a search).
        pub filtered: std::cell::OnceCell<gtk::FilterListModel>,
        #[template_child]
        pub detail_stack: TemplateChild<gtk::Stack>,
        #[template_child]
        pub detail_box: TemplateChild<gtk::Box>,
        pub store: std::cell::OnceCell<LogModel>,
        pub selection: std::cell::OnceCell<gtk::MultiSelection>,
        pub show_ascii: Cell<bool>,
        /// The columns' widths, shared by the header and the lines.
        pub widths: std::rc::Rc<ColumnWidths>,
        pub header: std::cell::OnceCell<LogLine>,
        /// Keep the newest row in view while the user has not scrolled up.
        pub follow: Cell<bool>,
        /// Scroll to the last row again after the next layout.
        pub follow_again: std::cell::RefCell<Option<glib::SourceId>>,
        /// Rows came while following: scroll to the last one at the next
        /// frame (once, however many appends came before it).
        pub follow_tick: std::cell::RefCell<Option<gtk::TickCallbackId>>,
        /// Where the current run's rows start in the model.
        pub run_start: Cell<usize>,
        /// Select the run's first failing row once every row is in.
        pub reveal_failure: Cell<bool>,
        /// The current run's status words by class.
        pub sw_tally: Cell<SwTally>,
        /// Rows waiting for the next main-loop turn while the log fills up.
        pub pending: std::cell::RefCell<std::collections::VecDeque<LogEntry>>,
        /// The last export dialog: GTK 4.8 lays out its fallback window once
        /// more after it is hidden, so it must outlive its answer.
        pub chooser: std::cell::RefCell<Option<gtk::FileChooserNative>>,
        /// The rows' context menu (a child of the list).
        pub context_menu: std::cell::OnceCell<gtk::PopoverMenu>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for LogView {
        const NAME: &'static str = "ApduScriptorLogView";
        type Type = super::LogView;
        type ParentType = gtk::Box;

        fn class_init(klass: &mut Self::Class) {
            klass.bind_template();
            klass.install_action("log.copy", None, |v, _, _| {
                v.copy_selection(LogEntry::script_lines);
            });
            klass.install_action("log.copy-hex", None, |v, _, _| {
                v.copy_selection(LogEntry::hex_lines);
            });
            klass.install_action("log.copy-text", None, |v, _, _| {
                v.copy_selection(export::plain_line);
            });
            klass.install_action("log.clear", None, |v, _, _| v.clear());
            klass.install_action("log.find", None, |v, _, _| v.show_search());
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

        fn dispose(&self) {
            if let Some(id) = self.follow_again.take() {
                id.remove();
            }
            if let Some(id) = self.follow_tick.take() {
                id.remove();
            }
            if let Some(menu) = self.context_menu.get() {
                menu.unparent();
            }
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
        let filtered = gtk::FilterListModel::new(Some(store.clone()), None::<gtk::CustomFilter>);
        let selection = gtk::MultiSelection::new(Some(filtered.clone()));
        let _ = imp.filtered.set(filtered);
        imp.list_view.set_model(Some(&selection));
        imp.list_view.set_factory(Some(&self.factory()));
        let header = LogLine::header(&imp.widths);
        header.enable_resizing(clone!(
            #[weak(rename_to = view)]
            self,
            move || view.redraw_lines()
        ));
        imp.log_box.prepend(&header);
        imp.scroller.hadjustment().connect_value_changed(clone!(
            #[weak]
            header,
            move |a| header.set_offset(a.value().round() as i32)
        ));
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

        self.add_context_menu();
        self.setup_search();

        // Enter or a double click on a row puts the editor's cursor on the
        // script line it came from.
        imp.list_view.connect_activate(clone!(
            #[weak(rename_to = view)]
            self,
            move |_, position| view.go_to_script_line(position)
        ));

        imp.ascii_toggle.connect_toggled(clone!(
            #[weak(rename_to = view)]
            self,
            move |b| view.set_show_ascii(b.is_active())
        ));
        let adj = imp.scroller.vadjustment();
        adj.connect_value_changed(clone!(
            #[weak(rename_to = view)]
            self,
            move |a| view.scrolled(a)
        ));
        self.watch_user_scrolling();
        // Once laid out, the new rows change the range: while following,
        // show the last row again.
        adj.connect_upper_notify(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| {
                if view.imp().follow.get() {
                    view.scroll_to_end();
                }
            }
        ));
        imp.new_rows_button.connect_clicked(clone!(
            #[weak(rename_to = view)]
            self,
            move |_| {
                view.imp().follow.set(true);
                view.scroll_to_end();
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

    /// Back at the bottom, the view follows the newest rows again.
    fn scrolled(&self, a: &gtk::Adjustment) {
        if a.value() + a.page_size() >= a.upper() - 2.0 {
            self.imp().follow.set(true);
            self.imp().new_rows_button.set_visible(false);
        }
    }

    /// Only the user stops the following: by the wheel, the scroll bar or
    /// the keys that move up. (The list moves the scroll position itself
    /// as rows come and find their height, so its changes tell nothing.)
    fn watch_user_scrolling(&self) {
        let imp = self.imp();
        let stop = clone!(
            #[weak(rename_to = view)]
            self,
            move || view.imp().follow.set(false)
        );
        let wheel = gtk::EventControllerScroll::new(gtk::EventControllerScrollFlags::VERTICAL);
        wheel.set_propagation_phase(gtk::PropagationPhase::Capture);
        let up = stop.clone();
        wheel.connect_scroll(move |_, _, dy| {
            if dy < 0.0 {
                up();
            }
            glib::Propagation::Proceed
        });
        imp.scroller.add_controller(wheel);

        let bar = gtk::GestureClick::new();
        bar.set_propagation_phase(gtk::PropagationPhase::Capture);
        let grab = stop.clone();
        bar.connect_pressed(move |_, _, _, _| grab());
        bar.connect_released(clone!(
            #[weak(rename_to = view)]
            self,
            move |_, _, _, _| view.scrolled(&view.imp().scroller.vadjustment())
        ));
        imp.scroller.vscrollbar().add_controller(bar);

        let keys = gtk::EventControllerKey::new();
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        keys.connect_key_pressed(move |_, key, _, _| {
            use gtk::gdk::Key;
            if matches!(
                key,
                Key::Up | Key::KP_Up | Key::Page_Up | Key::KP_Page_Up | Key::Home | Key::KP_Home
            ) {
                stop();
            }
            glib::Propagation::Proceed
        });
        imp.list_view.add_controller(keys);
    }

    /// Show the newest row, by item: the list's range is partly an
    /// estimate until the new rows are laid out, so once more after the
    /// next layout (a frame later), when their heights are known.
    fn scroll_to_end(&self) {
        let imp = self.imp();
        imp.new_rows_button.set_visible(false);
        self.scroll_to_last();
        if imp.follow_again.borrow().is_some() {
            return;
        }
        let id = glib::timeout_add_local_once(
            std::time::Duration::from_millis(40),
            clone!(
                #[weak(rename_to = view)]
                self,
                move || {
                    view.imp().follow_again.take();
                    if view.imp().follow.get() {
                        view.scroll_to_last();
                    }
                }
            ),
        );
        imp.follow_again.replace(Some(id));
    }

    /// Scroll to the last row before the next frame is laid out: each
    /// scroll far down makes the list build its rows anew, so the appends
    /// of one frame share one.
    fn follow_next_frame(&self) {
        let imp = self.imp();
        imp.new_rows_button.set_visible(false);
        if imp.follow_tick.borrow().is_some() {
            return;
        }
        let id = imp.list_view.add_tick_callback(clone!(
            #[weak(rename_to = view)]
            self,
            #[upgrade_or]
            glib::ControlFlow::Break,
            move |_, _| {
                view.imp().follow_tick.take();
                if view.imp().follow.get() {
                    view.scroll_to_end();
                }
                glib::ControlFlow::Break
            }
        ));
        imp.follow_tick.replace(Some(id));
    }

    fn scroll_to_last(&self) {
        let imp = self.imp();
        let n = imp.selection.get().map_or(0, |s| s.n_items());
        if n > 0 {
            let _ = imp
                .list_view
                .activate_action("list.scroll-to-item", Some(&(n - 1).to_variant()));
        }
    }

    /// Rows were added: follow them, or offer to jump to them.
    fn rows_added(&self) {
        let imp = self.imp();
        if imp.follow.get() {
            self.follow_next_frame();
        } else {
            imp.new_rows_button.set_visible(true);
        }
        if imp.pending.borrow().is_empty() && imp.reveal_failure.replace(false) {
            self.select_first_failure();
        }
    }

    /// A run starts: its rows begin after the ones there now.
    pub fn begin_run(&self) {
        let imp = self.imp();
        imp.run_start
            .set(self.model().len() + imp.pending.borrow().len());
        imp.reveal_failure.set(false);
        imp.sw_tally.set(SwTally::default());
    }

    /// Count the status words of a run's engine events.
    pub fn tally(&self, events: &[crate::engine::EngineEvent]) {
        let mut t = self.imp().sw_tally.get();
        t.add(events);
        self.imp().sw_tally.set(t);
    }

    /// The current run's status words by class.
    pub fn sw_tally(&self) -> SwTally {
        self.imp().sw_tally.get()
    }

    /// The text above the log: the last run's summary, or why a run sent
    /// nothing.
    pub fn summary_text(&self) -> String {
        self.imp().summary_label.label().to_string()
    }

    /// A run was refused (script errors): no stale summary stays above the
    /// log, the reason does, and the first error row is shown.
    pub fn run_refused(&self, reason: &str) {
        self.begin_run();
        let label = &self.imp().summary_label;
        label.set_label(reason);
        label.set_tooltip_text(Some(reason));
        label.set_css_classes(&["error"]);
        self.imp().reveal_failure.set(true);
    }

    /// Select the current run's first error or failed expectation and
    /// scroll to it.
    fn select_first_failure(&self) {
        let model = self.model();
        let start = self.imp().run_start.get();
        let failed = (start..model.len()).find(|&i| {
            model.entry(i).is_some_and(|e| {
                e.kind == EntryKind::Error
                    || e.check == Some(false) && e.kind == EntryKind::Exchange
            })
        });
        if let Some(i) = failed {
            self.imp().follow.set(false);
            self.select_row(i as u32);
        }
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

    /// Lay out the header and the lines again, after a column width
    /// changed (a row's height follows its meaning's width).
    fn redraw_lines(&self) {
        if let Some(h) = self.imp().header.get() {
            h.queue_resize();
        }
        self.for_each_line(|line| line.queue_resize());
    }

    /// The widths the user gave the columns, left to right; 0 for a
    /// column's default width (from the font), always for the meaning.
    pub fn column_widths(&self) -> Vec<i32> {
        self.imp().widths.get().to_vec()
    }

    /// The columns' widths in pixels as shown, left to right.
    pub fn shown_column_widths(&self) -> Vec<i32> {
        let widths = &self.imp().widths;
        widths
            .spans(widths.natural_width())
            .iter()
            .map(|s| s.1)
            .collect()
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

    pub(super) fn model(&self) -> LogModel {
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
            if summary.check == Some(false) {
                self.imp().reveal_failure.set(true);
            }
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
            self.rows_added();
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

    /// All entries, in order, including those still waiting to be shown
    /// (for export and tests).
    pub fn entries(&self) -> Vec<LogEntry> {
        let mut all = self.model().entries();
        all.extend(self.imp().pending.borrow().iter().cloned());
        all
    }

    pub fn clear(&self) {
        self.imp().pending.borrow_mut().clear();
        self.model().clear();
        self.imp().summary_label.set_label("");
        self.imp().follow.set(true);
        self.imp().new_rows_button.set_visible(false);
        self.imp().run_start.set(0);
        self.imp().reveal_failure.set(false);
        self.show_detail();
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
        let mut out = Vec::new();
        if let Some((iter, first)) = gtk::BitsetIter::init_first(&set) {
            out.extend(
                std::iter::once(first)
                    .chain(iter)
                    .filter_map(|i| sel.item(i).and_downcast::<LogRow>())
                    .map(|r| r.entry().clone()),
            );
        }
        out
    }

    /// Copy the selected rows, each written by `write`.
    fn copy_selection(&self, write: impl Fn(&LogEntry) -> String) {
        let entries = self.selected_entries();
        if entries.is_empty() {
            return;
        }
        let text: String = entries.iter().map(write).collect();
        self.clipboard().set_text(&text);
    }

    /// A right click on the rows offers the ways to copy them.
    fn add_context_menu(&self) {
        let menu = gio::Menu::new();
        menu.append(Some(&gettext("Copy as _Script Lines")), Some("log.copy"));
        menu.append(Some(&gettext("Copy _Hex")), Some("log.copy-hex"));
        menu.append(Some(&gettext("Copy as _Text")), Some("log.copy-text"));
        let popover = gtk::PopoverMenu::from_model(Some(&menu));
        popover.set_has_arrow(false);
        popover.set_halign(gtk::Align::Start);
        popover.set_parent(&*self.imp().list_view);
        let _ = self.imp().context_menu.set(popover.clone());
        let click = gtk::GestureClick::new();
        click.set_button(gtk::gdk::BUTTON_SECONDARY);
        click.connect_pressed(move |_, _, x, y| {
            popover.set_pointing_to(Some(&gtk::gdk::Rectangle::new(x as i32, y as i32, 1, 1)));
            popover.popup();
        });
        self.imp().list_view.add_controller(click);
    }

    /// Show the selected row in full, a count for several, or the empty
    /// state.
    fn show_detail(&self) {
        let imp = self.imp();
        let entries = self.selected_entries();
        while let Some(c) = imp.detail_box.first_child() {
            imp.detail_box.remove(&c);
        }
        match entries.as_slice() {
            [] => {
                imp.detail_stack.set_visible_child_name("empty");
                return;
            }
            [e] => imp.detail_box.append(&detail::build(e, self.show_ascii())),
            many => {
                let text = gettext_f(
                    &ngettext("{n} row selected", "{n} rows selected", many.len() as u32),
                    &[("n", &many.len().to_string())],
                );
                let l = gtk::Label::new(Some(&text));
                l.set_margin_top(12);
                imp.detail_box.append(&l);
            }
        }
        imp.detail_stack.set_visible_child_name("detail");
    }

    /// The detail pane's page (for tests).
    pub fn detail_page(&self) -> gtk::Widget {
        self.imp()
            .detail_stack
            .visible_child()
            .expect("a visible page")
    }

    /// Ask for a file and write the log there in `format`. The dialog lives
    /// as long as the future waiting for its answer; the text is made and
    /// written on another thread, so a long log does not stop the window.
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
        self.imp().chooser.replace(Some(dialog.clone()));
        let view = self.downgrade();
        glib::spawn_future_local(async move {
            let response = dialog.run_future().await;
            let path = dialog.file().and_then(|f| f.path());
            // Kept (see `chooser`), but no longer holding the window.
            dialog.set_transient_for(None::<&gtk::Window>);
            let (gtk::ResponseType::Accept, Some(path)) = (response, path) else {
                return;
            };
            let Some(entries) = view.upgrade().map(|v| v.entries()) else {
                return;
            };
            let written = gio::spawn_blocking(move || {
                let text = export::export(&entries, format);
                crate::settings::write_atomic(&path, text.as_bytes())
            })
            .await;
            let error = match written {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e.to_string(),
                Err(_) => gettext("the export stopped unexpectedly"),
            };
            if let Some(view) = view.upgrade() {
                let msg = gettext_f(
                    &gettext("Could not export the log: {error}"),
                    &[("error", &error)],
                );
                let _ = view.activate_action("win.toast", Some(&msg.to_variant()));
            }
        });
    }

    /// Show the script line of the row at `position` in the editor.
    fn go_to_script_line(&self, position: u32) {
        let Some(sel) = self.imp().selection.get() else {
            return;
        };
        let Some(line) = sel
            .item(position)
            .and_downcast::<LogRow>()
            .map(|r| r.entry().line)
        else {
            return;
        };
        if line == 0 {
            return;
        }
        if let Some(window) = self.root().and_downcast::<super::window::Window>() {
            let editor = window.editor();
            editor.move_cursor_to_line(line);
            editor.view().grab_focus();
        }
    }

    /// Select one row (and show its details), scrolled into view.
    pub fn select_row(&self, position: u32) {
        let Some(position) = self.view_position(position) else {
            return;
        };
        if let Some(sel) = self.imp().selection.get() {
            sel.select_item(position, true);
            if position + 1 < sel.n_items() {
                self.imp().follow.set(false);
            }
            let _ = self
                .imp()
                .list_view
                .activate_action("list.scroll-to-item", Some(&position.to_variant()));
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
