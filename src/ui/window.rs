//! `ApduScriptorWindow`: the main window. It owns the worker's channels,
//! the settings and the open file; the editor, reader panel and log view
//! are its children. File handling is in `window_files.rs`, running and
//! worker events in `window_run.rs`.

use std::cell::{Cell, OnceCell, RefCell};
use std::path::{Path, PathBuf};

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::glib::{self, clone};
use gtk::{gdk, gio};

use super::editor::Editor;
use super::export::Format;
use super::log_view::LogView;
use super::reader_panel::ReaderPanel;
use super::tooltips;
use crate::i18n::{gettext, gettext_f};
use crate::settings::{LoadOutcome, Settings};
use crate::worker::{Event, Request};

/// The worker's events are shown in steps of about this many rows, for at
/// most this long a main-loop turn (then timers, input and redraws run).
const TURN_ROWS: usize = 512;
const TURN_TIME: std::time::Duration = std::time::Duration::from_millis(6);

pub(crate) mod imp {
    use super::*;

    #[derive(Default, gtk::CompositeTemplate)]
    #[template(resource = "/io/github/apduscriptor/ApduScriptor/ui/window.ui")]
    pub struct Window {
        #[template_child]
        pub toast_overlay: TemplateChild<adw::ToastOverlay>,
        #[template_child]
        pub header_bar: TemplateChild<adw::HeaderBar>,
        #[template_child]
        pub window_title: TemplateChild<adw::WindowTitle>,
        #[template_child]
        pub run_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub run_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub open_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub save_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub stop_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub step_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub save_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub step_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub errors_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub errors_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub stop_button: TemplateChild<gtk::Button>,
        #[template_child]
        pub flap: TemplateChild<adw::Flap>,
        #[template_child]
        pub busy_bar: TemplateChild<gtk::Revealer>,
        #[template_child]
        pub busy_spinner: TemplateChild<gtk::Spinner>,
        #[template_child]
        pub busy_label: TemplateChild<gtk::Label>,
        /// Hides the busy bar when no news of the slow command comes.
        pub busy_timeout: RefCell<Option<glib::SourceId>>,
        #[template_child]
        pub panel_button: TemplateChild<gtk::ToggleButton>,
        #[template_child]
        pub log_paned: TemplateChild<gtk::Paned>,
        #[template_child]
        pub editor: TemplateChild<Editor>,
        #[template_child]
        pub log_view: TemplateChild<LogView>,
        #[template_child]
        pub reader_panel: TemplateChild<ReaderPanel>,
        #[template_child]
        pub recent_menu: TemplateChild<gio::Menu>,
        #[template_child]
        pub editor_menu: TemplateChild<gio::Menu>,
        #[template_child]
        pub insert_button: TemplateChild<gtk::MenuButton>,
        #[template_child]
        pub apdu_entry: TemplateChild<gtk::Entry>,
        #[template_child]
        pub log_stack: TemplateChild<gtk::Stack>,
        #[template_child]
        pub editor_placeholder: TemplateChild<gtk::Label>,
        /// Lines sent from the APDU entry, oldest first.
        pub history: RefCell<Vec<String>>,
        /// Where Up and Down are in `history` (None: a new line).
        pub history_pos: Cell<Option<usize>>,
        pub file: RefCell<Option<PathBuf>>,
        pub settings: RefCell<Settings>,
        pub requests: OnceCell<async_channel::Sender<Request>>,
        pub running: Cell<bool>,
        /// A single-statement step is running: no summary row.
        pub stepping: Cell<bool>,
        pub continue_on_mismatch: Cell<bool>,
        pub close_confirmed: Cell<bool>,
        /// The last PC/SC unavailability shown, to toast it once.
        pub pcsc_problem: RefCell<Option<String>>,
        /// The user wants the reader panel beside the script when there is
        /// room; a folded panel opens over the script and closes again.
        pub show_panel: Cell<bool>,
        /// The window's height at the last allocation.
        pub last_height: Cell<i32>,
        /// Narrower than this, the header's buttons lose their labels.
        pub compact_width: Cell<i32>,
        /// The newest toast's text, for tests.
        pub last_toast: RefCell<Option<String>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Window {
        const NAME: &'static str = "ApduScriptorWindow";
        type Type = super::Window;
        type ParentType = adw::ApplicationWindow;

        fn class_init(klass: &mut Self::Class) {
            Editor::ensure_type();
            LogView::ensure_type();
            ReaderPanel::ensure_type();
            klass.bind_template();
            super::install_actions(klass);
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            crate::ui::trace_start("window: template");
            obj.init_template();
            crate::ui::trace_start("window: template built");
        }
    }

    impl ObjectImpl for Window {
        fn constructed(&self) {
            self.parent_constructed();
            self.obj().setup();
        }
    }
    impl WidgetImpl for Window {
        fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
            self.parent_size_allocate(width, height, baseline);
            self.obj().adapt_to_size(width, height);
        }
    }
    impl WindowImpl for Window {
        fn close_request(&self) -> glib::Propagation {
            self.obj().on_close_request()
        }
    }
    impl ApplicationWindowImpl for Window {}
    impl AdwApplicationWindowImpl for Window {}
}

glib::wrapper! {
    pub struct Window(ObjectSubclass<imp::Window>)
        @extends adw::ApplicationWindow, gtk::ApplicationWindow, gtk::Window, gtk::Widget,
        @implements gio::ActionGroup, gio::ActionMap, gtk::Buildable, gtk::ConstraintTarget,
            gtk::Native, gtk::Root, gtk::ShortcutManager;
}

fn install_actions(klass: &mut <imp::Window as ObjectSubclass>::Class) {
    klass.install_action_async("win.new", None, |w, _, _| async move {
        if w.confirm_discard().await {
            w.new_script();
        }
    });
    klass.install_action_async("win.open", None, |w, _, _| async move {
        w.open_dialog().await;
    });
    klass.install_action_async(
        "win.open-recent",
        Some(glib::VariantTy::STRING),
        |w, _, p| async move {
            if let Some(path) = p.and_then(|p| p.get::<String>()) {
                if w.confirm_discard().await {
                    w.open_path(&PathBuf::from(path));
                }
            }
        },
    );
    klass.install_action_async("win.save", None, |w, _, _| async move {
        w.save().await;
    });
    klass.install_action_async("win.save-as", None, |w, _, _| async move {
        w.save_as().await;
    });
    klass.install_action("win.run", None, |w, _, _| w.run_range(None, false));
    klass.install_action("win.run-selection", None, |w, _, _| {
        let range = w.editor().selected_lines();
        w.run_range(Some(range), false);
    });
    klass.install_action("win.step", None, |w, _, _| w.step());
    klass.install_action("win.insert-example", None, |w, _, _| w.insert_example());
    klass.install_action("win.apdu-builder", None, |w, _, _| {
        super::apdu_builder::show(w);
    });
    klass.install_action(
        "win.insert-snippet",
        Some(glib::VariantTy::STRING),
        |w, _, p| {
            if let Some(id) = p.and_then(|p| p.get::<String>()) {
                w.insert_snippet(&id);
            }
        },
    );
    klass.install_action("win.focus-editor", None, |w, _, _| {
        w.editor().view().grab_focus();
    });
    klass.install_action("win.focus-log", None, |w, _, _| {
        w.log_view().list_view().grab_focus();
    });
    klass.install_action("win.focus-readers", None, |w, _, _| {
        let flap = &w.imp().flap;
        if !flap.reveals_flap() {
            flap.set_reveal_flap(true);
        }
        w.reader_panel().focus_readers();
    });
    klass.install_action("win.first-error", None, |w, _, _| {
        let editor = w.editor();
        if let Some(line) = editor.errors().iter().map(|e| e.pos.line).min() {
            editor.move_cursor_to_line(line);
            editor.view().grab_focus();
        }
    });
    klass.install_action("win.stop", None, |w, _, _| w.send(Request::Stop));
    // Ctrl+F searches where the focus is: the log's rows or the script.
    klass.install_action("win.find", None, |w, _, _| {
        if w.log_view().has_focus_inside() {
            w.log_view().show_search();
        } else {
            w.editor().show_search();
        }
    });
    klass.install_action("win.connect", None, |w, _, _| w.connect_selected());
    klass.install_action("win.disconnect", None, |w, _, _| {
        w.send(Request::Disconnect {
            disposition: crate::card::Disposition::Leave,
        });
    });
    klass.install_action("win.reset", Some(glib::VariantTy::STRING), |w, _, p| {
        let cold = p.and_then(|p| p.get::<String>()).as_deref() == Some("cold");
        w.send(Request::Reset { cold });
    });
    klass.install_action("win.clear-log", None, |w, _, _| w.log_view().clear());
    klass.install_action(
        "win.export-log",
        Some(glib::VariantTy::STRING),
        |w, _, p| {
            let format = match p.and_then(|p| p.get::<String>()).as_deref() {
                Some("scriptor") => Format::Scriptor,
                Some("ron") => Format::Ron,
                _ => Format::Plain,
            };
            w.log_view().export_dialog(format);
        },
    );
    klass.install_action("win.preferences", None, |w, _, _| w.show_preferences());
    klass.install_action("win.shortcuts", None, |w, _, _| {
        w.show_shortcuts();
    });
    klass.install_action("win.toast", Some(glib::VariantTy::STRING), |w, _, p| {
        if let Some(text) = p.and_then(|p| p.get::<String>()) {
            w.toast(&text);
        }
    });
}

impl Window {
    pub fn new(app: &impl IsA<gtk::Application>) -> Window {
        let w: Window = glib::Object::builder().property("application", app).build();
        // Only now is the application, and so its shortcuts, known.
        tooltips::add_shortcuts(w.upcast_ref());
        crate::ui::trace_start("window: shortcuts in the tooltips");
        w
    }

    fn setup(&self) {
        let imp = self.imp();
        // Typing goes to the script from the start, not to the first button.
        GtkWindowExt::set_focus(self, Some(&imp.editor.view()));
        crate::ui::trace_start("window: setup");
        let (settings, outcome) = Settings::load();
        self.apply_settings(&settings);
        match outcome {
            LoadOutcome::Corrupt { moved_to, error } => {
                // Short enough for a toast to show whole: the kept file's
                // name, not its folder (that of the settings) nor the error,
                // which go to the log.
                log::warn!(
                    "settings unreadable ({error}); kept as {}",
                    moved_to.as_deref().unwrap_or(Path::new("-")).display()
                );
                let msg = match moved_to.as_deref().and_then(Path::file_name) {
                    Some(name) => gettext_f(
                        &gettext("Settings reset: the unreadable file was kept as {file}"),
                        &[("file", &name.to_string_lossy())],
                    ),
                    None => gettext_f(
                        &gettext("Settings reset: they could not be read ({error})"),
                        &[("error", &error)],
                    ),
                };
                self.toast(&msg);
            }
            LoadOutcome::ImportedGscriptor => {
                self.toast(&gettext("Settings imported from gscriptor"));
            }
            LoadOutcome::Loaded | LoadOutcome::Defaults => {}
        }
        // Saved at once, sanitized: a settings folder that cannot be
        // written is said now, not silently when the window closes.
        self.save_settings_as(&settings);
        imp.settings.replace(settings);
        crate::ui::trace_start("window: settings loaded, applied, saved");

        let buffer = imp.editor.buffer();
        let placeholder = imp.editor_placeholder.get();
        placeholder.set_visible(buffer.char_count() == 0);
        buffer.connect_changed(move |b| placeholder.set_visible(b.char_count() == 0));
        buffer.connect_modified_changed(clone!(
            #[weak(rename_to = w)]
            self,
            move |_| w.update_title()
        ));
        imp.editor.connect_error_count_notify(clone!(
            #[weak(rename_to = w)]
            self,
            move |_| w.update_run_button()
        ));
        let drop = gtk::DropTarget::new(gdk::FileList::static_type(), gdk::DragAction::COPY);
        drop.set_propagation_phase(gtk::PropagationPhase::Capture);
        drop.connect_drop(clone!(
            #[weak(rename_to = w)]
            self,
            #[upgrade_or]
            false,
            move |_, value, _, _| {
                let Some(path) = value
                    .get::<gdk::FileList>()
                    .ok()
                    .and_then(|l| l.files().first().and_then(|f| f.path()))
                else {
                    return false;
                };
                glib::spawn_future_local(async move {
                    if w.confirm_discard().await {
                        w.open_path(&path);
                    }
                });
                true
            }
        ));
        imp.editor.view().add_controller(drop);

        crate::ui::trace_start("window: editor signals, drop target");
        self.setup_insert_menu();
        crate::ui::trace_start("window: insert menu");
        self.setup_apdu_entry();
        crate::ui::trace_start("window: APDU entry");
        self.setup_layout();
        crate::ui::trace_start("window: layout");
        imp.reader_panel.connect_changed(clone!(
            #[weak(rename_to = w)]
            self,
            move |_| w.update_card_actions()
        ));

        let (tx, rx) = crate::worker::Worker::spawn();
        let _ = imp.requests.set(tx);
        self.spawn_event_loop(rx);
        crate::ui::trace_start("window: worker started");
        self.set_running(false);
        self.update_title();
        self.update_run_button();
        self.update_recent_menu();
        crate::ui::trace_start("window: built");
    }

    fn apply_settings(&self, s: &Settings) {
        let imp = self.imp();
        self.set_default_size(s.window_width, s.window_height);
        if s.maximized {
            self.maximize();
        }
        imp.log_paned.set_position(s.log_pane);
        imp.show_panel.set(s.show_panel);
        imp.flap.set_reveal_flap(s.show_panel);
        imp.log_view.set_detail_position(s.detail_pane);
        imp.log_view.set_column_widths(&s.log_columns);
        imp.reader_panel.set_protocol(s.protocol);
        imp.reader_panel.set_share_mode(s.share_mode);
        imp.reader_panel
            .auto_get_response_switch()
            .set_active(s.auto_get_response);
        if let Some(r) = &s.reader {
            imp.reader_panel.select_reader(r);
        }
        imp.log_view.set_show_ascii(s.show_ascii);
        imp.continue_on_mismatch.set(s.continue_on_mismatch);
    }

    /// The settings as the window shows them now.
    pub fn current_settings(&self) -> Settings {
        let imp = self.imp();
        let mut s = imp.settings.borrow().clone();
        let (w, h) = self.default_size();
        if !self.is_maximized() && w > 0 && h > 0 {
            s.window_width = w;
            s.window_height = h;
        }
        s.maximized = self.is_maximized();
        s.log_pane = imp.log_paned.position();
        s.show_panel = imp.show_panel.get();
        s.detail_pane = imp.log_view.detail_position();
        s.log_columns = imp.log_view.column_widths();
        s.protocol = imp.reader_panel.protocol();
        s.share_mode = imp.reader_panel.share_mode();
        s.auto_get_response = imp.reader_panel.auto_get_response_switch().is_active();
        s.reader = imp.reader_panel.wanted_reader().or(s.reader);
        s.show_ascii = imp.log_view.show_ascii();
        s.continue_on_mismatch = imp.continue_on_mismatch.get();
        s.last_script = imp.file.borrow().clone();
        s
    }

    pub fn save_settings(&self) {
        let s = self.current_settings();
        self.save_settings_as(&s);
        self.imp().settings.replace(s);
    }

    /// Save `s`; say so in a toast (and the log) when that fails.
    fn save_settings_as(&self, s: &Settings) {
        if let Err(e) = s.save() {
            log::warn!(
                "could not save the settings to {}: {e}",
                Settings::default_path().display()
            );
            self.toast(&gettext_f(
                &gettext("Settings cannot be saved: {error}"),
                &[("error", &e.to_string())],
            ));
        }
    }

    pub fn editor(&self) -> Editor {
        self.imp().editor.get()
    }

    pub fn log_view(&self) -> LogView {
        self.imp().log_view.get()
    }

    pub fn reader_panel(&self) -> ReaderPanel {
        self.imp().reader_panel.get()
    }

    pub fn file(&self) -> Option<PathBuf> {
        self.imp().file.borrow().clone()
    }

    pub fn toast(&self, text: &str) {
        let toast = adw::Toast::new(&glib::markup_escape_text(text));
        toast.set_timeout(8);
        self.imp().toast_overlay.add_toast(toast);
        self.imp().last_toast.replace(Some(text.to_owned()));
    }

    /// A problem and, when there is one, what to do about it.
    pub fn toast_problem(&self, message: &str, hint: Option<&str>) {
        match hint {
            Some(h) if !h.is_empty() => self.toast(&gettext_f(
                // TRANSLATORS: {message} is a problem, e.g. "No card in the
                // reader"; {hint} what to do, e.g. "Insert a card into the reader".
                &gettext("{message}. {hint}"),
                &[("message", message), ("hint", h)],
            )),
            _ => self.toast(message),
        }
    }

    /// The text of the newest toast (for tests).
    pub fn last_toast(&self) -> Option<String> {
        self.imp().last_toast.borrow().clone()
    }

    pub(crate) fn send(&self, req: Request) {
        if let Some(tx) = self.imp().requests.get() {
            let _ = tx.send_blocking(req);
        }
    }

    pub(crate) fn update_title(&self) {
        let imp = self.imp();
        let name = imp
            .file
            .borrow()
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| gettext("Untitled Script"));
        let modified = imp.editor.buffer().is_modified();
        let title = if modified {
            format!("• {name}")
        } else {
            name
        };
        imp.window_title.set_title(&title);
        let dir = imp
            .file
            .borrow()
            .as_ref()
            .and_then(|p| p.parent())
            .map(crate::dirs::tilde)
            .unwrap_or_default();
        imp.window_title.set_subtitle(dir.trim_end_matches('/'));
        self.set_title(Some(&format!("{title} — {}", gettext("APDU Scriptor"))));
    }

    pub fn is_running(&self) -> bool {
        self.imp().running.get()
    }

    pub(crate) fn set_running(&self, running: bool) {
        let imp = self.imp();
        imp.running.set(running);
        imp.stop_button.set_visible(running);
        imp.run_button.set_visible(!running);
        self.action_set_enabled("win.stop", running);
        for a in ["win.run", "win.run-selection", "win.step"] {
            self.action_set_enabled(a, !running);
        }
        self.update_card_actions();
    }

    /// Connect, Disconnect and Reset are offered only when they can act.
    pub(crate) fn update_card_actions(&self) {
        let idle = !self.is_running();
        let panel = self.reader_panel();
        let connected = panel.connected_reader().is_some();
        self.action_set_enabled("win.connect", idle && panel.can_connect());
        self.action_set_enabled("win.disconnect", idle && connected);
        self.action_set_enabled("win.reset", idle && connected);
        panel.set_reset_enabled(idle && connected);
    }

    pub(crate) fn update_recent_menu(&self) {
        let imp = self.imp();
        let menu = &imp.recent_menu;
        menu.remove_all();
        for p in &imp.settings.borrow().recent_files {
            let label = p
                .file_name()
                .map(|n| n.to_string_lossy().replace('_', "__"))
                .unwrap_or_default();
            let item = gio::MenuItem::new(Some(&label), None);
            item.set_action_and_target_value(
                Some("win.open-recent"),
                Some(&p.to_string_lossy().to_variant()),
            );
            menu.append_item(&item);
        }
    }

    /// The keyboard shortcuts window. Built when asked for, not with every
    /// window as GTK's automatic help overlay is: that costs start-up time.
    pub fn show_shortcuts(&self) -> Option<gtk::ShortcutsWindow> {
        let builder =
            gtk::Builder::from_resource("/io/github/apduscriptor/ApduScriptor/ui/shortcuts.ui");
        let win = builder.object::<gtk::ShortcutsWindow>("shortcuts")?;
        win.set_transient_for(Some(self));
        win.present();
        Some(win)
    }

    fn show_preferences(&self) {
        let builder =
            gtk::Builder::from_resource("/io/github/apduscriptor/ApduScriptor/ui/preferences.ui");
        let Some(win) = builder.object::<adw::PreferencesWindow>("preferences") else {
            return;
        };
        let imp = self.imp();
        if let Some(s) = builder.object::<gtk::Switch>("show_ascii") {
            s.set_active(imp.log_view.show_ascii());
            s.connect_active_notify(clone!(
                #[weak(rename_to = w)]
                self,
                move |s| w.log_view().set_show_ascii(s.is_active())
            ));
        }
        if let Some(s) = builder.object::<gtk::Switch>("continue_on_mismatch") {
            s.set_active(imp.continue_on_mismatch.get());
            s.connect_active_notify(clone!(
                #[weak(rename_to = w)]
                self,
                move |s| w.imp().continue_on_mismatch.set(s.is_active())
            ));
        }
        win.set_transient_for(Some(self));
        win.present();
    }

    fn spawn_event_loop(&self, rx: async_channel::Receiver<Event>) {
        let weak = self.downgrade();
        glib::spawn_future_local(async move {
            while let Ok(first) = rx.recv().await {
                let Some(w) = weak.upgrade() else { break };
                // Take what is already queued, so a fast card costs one
                // model change per main-loop turn, not one per APDU; but
                // no more than a turn's time, so the window keeps
                // answering while a fast card floods it.
                let start = std::time::Instant::now();
                let mut events = vec![first];
                loop {
                    let mut rows = 0;
                    while rows < TURN_ROWS {
                        match rx.try_recv() {
                            Ok(ev) => {
                                if let Event::Exchanges(list) = &ev {
                                    rows += list.len();
                                }
                                events.push(ev);
                            }
                            Err(_) => break,
                        }
                    }
                    let more = rows >= TURN_ROWS;
                    w.handle_events(std::mem::take(&mut events));
                    if !more || start.elapsed() >= TURN_TIME {
                        break;
                    }
                }
                drop(w);
                glib::timeout_future(std::time::Duration::ZERO).await;
            }
        });
    }
}
