//! `ApduScriptorReaderPanel`: the live reader list (demo card first), the
//! connection options and the card's ATR with its parsed fields and name.
//! Its buttons activate window actions; it never talks to PC/SC.

use std::cell::RefCell;

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::glib;

use super::glue;
use crate::apdu::hex_spaced;
use crate::card::{self, Protocol, ReaderInfo, ShareMode};
use crate::i18n::{gettext, pgettext};

/// The card connection the panel shows, apart from the reader selected
/// for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub reader: String,
    pub atr: Vec<u8>,
    pub protocol: Protocol,
    pub share: ShareMode,
}

/// The width the panel asks for, when its content fits in it.
const PANEL_WIDTH: i32 = 320;
const PROTOCOLS: [Protocol; 4] = [Protocol::T0, Protocol::T1, Protocol::Any, Protocol::Raw];
const SHARE_MODES: [ShareMode; 3] = [ShareMode::Shared, ShareMode::Exclusive, ShareMode::Direct];

mod imp {
    use super::*;

    #[derive(Default, gtk::CompositeTemplate)]
    #[template(resource = "/io/github/apduscriptor/ApduScriptor/ui/reader-panel.ui")]
    pub struct ReaderPanel {
        #[template_child]
        pub reader_list: TemplateChild<gtk::ListBox>,
        #[template_child]
        pub protocol_row: TemplateChild<adw::ComboRow>,
        #[template_child]
        pub share_row: TemplateChild<adw::ComboRow>,
        #[template_child]
        pub auto_get_response_switch: TemplateChild<gtk::Switch>,
        #[template_child]
        pub button_box: TemplateChild<gtk::FlowBox>,
        #[template_child]
        pub reset_button: TemplateChild<gtk::MenuButton>,
        #[template_child]
        pub status_row: TemplateChild<adw::ActionRow>,
        #[template_child]
        pub reader_row: TemplateChild<adw::ActionRow>,
        #[template_child]
        pub mode_row: TemplateChild<adw::ActionRow>,
        #[template_child]
        pub name_row: TemplateChild<adw::ActionRow>,
        #[template_child]
        pub atr_label: TemplateChild<gtk::Label>,
        #[template_child]
        pub atr_fields: TemplateChild<gtk::ListBox>,
        pub readers: RefCell<Vec<ReaderInfo>>,
        /// The connection, when there is one.
        pub connected: RefCell<Option<Connection>>,
        /// Readers whose card did not answer, until it leaves or connects.
        pub not_responding: RefCell<std::collections::HashSet<String>>,
        /// The reader row chosen for the next connection.
        pub chosen_row: RefCell<Option<adw::ActionRow>>,
        /// Wanted selection, kept while the reader is absent.
        pub wanted: RefCell<Option<String>>,
        /// Card names by ATR: reading smartcard_list.txt takes a while, so
        /// it is done once per ATR, off the main thread.
        pub names: RefCell<std::collections::HashMap<Vec<u8>, Option<String>>>,
        /// The connected reader the list was built with.
        pub listed_connected: RefCell<Option<String>>,
        /// The ATR whose fields are shown.
        pub shown_atr: RefCell<Option<Vec<u8>>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ReaderPanel {
        const NAME: &'static str = "ApduScriptorReaderPanel";
        type Type = super::ReaderPanel;
        type ParentType = gtk::Box;

        fn class_init(klass: &mut Self::Class) {
            klass.bind_template();
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    impl ObjectImpl for ReaderPanel {
        fn signals() -> &'static [glib::subclass::Signal] {
            static SIGNALS: std::sync::OnceLock<Vec<glib::subclass::Signal>> =
                std::sync::OnceLock::new();
            SIGNALS.get_or_init(|| vec![glib::subclass::Signal::builder("changed").build()])
        }

        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            self.protocol_row.set_selected(2);
            // The buttons wrap in a narrow panel; the flow box's cells are
            // no stops of their own on the way to them.
            let mut cell = self.button_box.first_child();
            while let Some(c) = cell {
                c.set_focusable(false);
                cell = c.next_sibling();
            }
            // The button's tooltip would stay drawn over its open menu.
            if let Some(popover) = self.reset_button.popover() {
                let button = self.reset_button.get();
                popover.connect_show(glib::clone!(
                    #[weak]
                    button,
                    move |_| button.set_has_tooltip(false)
                ));
                popover.connect_closed(glib::clone!(
                    #[weak]
                    button,
                    move |_| button.set_has_tooltip(true)
                ));
            }
            crate::ui::focus::one_tab_stop(&*self.reader_list);
            // Choosing is activating (click, Enter, Space): moving the
            // focus through the list chooses nothing.
            self.reader_list.connect_row_activated(glib::clone!(
                #[weak]
                obj,
                move |_, row| {
                    if let Some(row) = row.downcast_ref::<adw::ActionRow>() {
                        obj.select_reader(&row.widget_name());
                    }
                }
            ));
        }
    }
    impl WidgetImpl for ReaderPanel {
        /// Wrapping labels (the ATR, its fields) would ask for their whole
        /// text on one line: the panel asks for a column's width instead.
        fn measure(&self, orientation: gtk::Orientation, for_size: i32) -> (i32, i32, i32, i32) {
            let (min, natural, a, b) = self.parent_measure(orientation, for_size);
            match orientation {
                gtk::Orientation::Horizontal => (min, natural.min(PANEL_WIDTH.max(min)), a, b),
                _ => (min, natural, a, b),
            }
        }
    }
    impl BoxImpl for ReaderPanel {}
}

glib::wrapper! {
    pub struct ReaderPanel(ObjectSubclass<imp::ReaderPanel>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for ReaderPanel {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl ReaderPanel {
    /// Show a new reader list, keeping the chosen reader by name.
    pub fn set_readers(&self, readers: Vec<ReaderInfo>) {
        let imp = self.imp();
        let connected = self.connected_reader();
        if *imp.readers.borrow() == readers && *imp.listed_connected.borrow() == connected {
            return;
        }
        imp.listed_connected.replace(connected.clone());
        imp.not_responding.borrow_mut().retain(|name| {
            connected.as_deref() != Some(name.as_str())
                && readers.iter().any(|r| &r.name == name && r.card_present)
        });
        let not_responding = imp.not_responding.borrow().clone();
        let list = &imp.reader_list;
        // Keep the keyboard focus on the same reader across the rebuild.
        let focused = list
            .focus_child()
            .and_downcast::<adw::ActionRow>()
            .map(|r| r.widget_name().to_string());
        while let Some(child) = list.first_child() {
            list.remove(&child);
        }
        imp.chosen_row.replace(None);
        for r in &readers {
            // The title is for people; the widget name keeps the reader's
            // PC/SC name (the demo card's title is translated). Reader names
            // are text, not markup ("R&D Reader <1>").
            let row = adw::ActionRow::builder()
                .use_markup(false)
                .name(r.name.as_str())
                .activatable(true)
                .build();
            row.set_title(&card::reader_display_name(&r.name));
            row.set_subtitle(&if not_responding.contains(&r.name) {
                gettext("Card not responding")
            } else {
                reader_state(r)
            });
            let icon = if r.name == card::DEMO_READER {
                "applications-science-symbolic"
            } else if r.card_present {
                "media-flash-symbolic"
            } else {
                "drive-removable-media-symbolic"
            };
            row.add_prefix(&gtk::Image::from_icon_name(icon));
            if connected.as_deref() == Some(r.name.as_str()) {
                let mark = gtk::Image::from_icon_name("emblem-ok-symbolic");
                mark.set_tooltip_text(Some(&pgettext("card connection", "Connected")));
                mark.add_css_class("success");
                row.add_suffix(&mark);
            }
            list.append(&row);
            if focused.as_deref() == Some(r.name.as_str()) {
                row.grab_focus();
            }
        }
        imp.readers.replace(readers);
        self.mark_chosen();
        self.update_card_info();
    }

    /// Highlight the chosen reader's row: the wanted one when listed, the
    /// demo card meanwhile.
    fn mark_chosen(&self) {
        let imp = self.imp();
        let wanted = imp.wanted.borrow().clone();
        let mut chosen = None;
        let mut child = imp.reader_list.first_child();
        while let Some(w) = child {
            child = w.next_sibling();
            if let Some(row) = w.downcast_ref::<adw::ActionRow>() {
                row.remove_css_class("chosen");
                if chosen.is_none() || wanted.as_deref() == Some(row.widget_name().as_str()) {
                    chosen = Some(row.clone());
                }
            }
        }
        if let Some(row) = &chosen {
            row.add_css_class("chosen");
        }
        if imp.chosen_row.replace(chosen.clone()) != chosen {
            self.emit_by_name::<()>("changed", &[]);
        }
    }

    pub fn reader_names(&self) -> Vec<String> {
        self.imp()
            .readers
            .borrow()
            .iter()
            .map(|r| r.name.clone())
            .collect()
    }

    pub fn readers(&self) -> Vec<ReaderInfo> {
        self.imp().readers.borrow().clone()
    }

    /// The reader chosen for the next connection, among those listed.
    pub fn selected_reader(&self) -> Option<String> {
        self.imp()
            .chosen_row
            .borrow()
            .as_ref()
            .map(|r| r.widget_name().to_string())
    }

    /// The reader the user chose, even while it is absent.
    pub fn wanted_reader(&self) -> Option<String> {
        self.imp()
            .wanted
            .borrow()
            .clone()
            .or_else(|| self.selected_reader())
    }

    /// Choose `name` for the next connection, now or as soon as it appears.
    pub fn select_reader(&self, name: &str) {
        self.imp().wanted.replace(Some(name.to_owned()));
        self.mark_chosen();
    }

    /// The listed reader `name`, if any.
    pub fn reader(&self, name: &str) -> Option<ReaderInfo> {
        self.imp()
            .readers
            .borrow()
            .iter()
            .find(|r| r.name == name)
            .cloned()
    }

    /// The card in `reader` did not answer: say so on its row until it
    /// is connected again or leaves.
    pub fn set_not_responding(&self, reader: &str) {
        let imp = self.imp();
        imp.not_responding.borrow_mut().insert(reader.to_owned());
        imp.listed_connected.replace(Some(String::new()));
        let readers = imp.readers.borrow().clone();
        self.set_readers(readers);
    }

    /// The subtitle of `reader`'s row (for tests).
    pub fn reader_subtitle(&self, reader: &str) -> Option<String> {
        let mut child = self.imp().reader_list.first_child();
        while let Some(w) = child {
            child = w.next_sibling();
            if let Some(row) = w.downcast_ref::<adw::ActionRow>() {
                if row.widget_name() == reader {
                    return row.subtitle().map(|s| s.to_string());
                }
            }
        }
        None
    }

    /// Put the keyboard focus on the chosen reader's row.
    pub fn focus_readers(&self) -> bool {
        let row = self.imp().chosen_row.borrow().clone();
        row.is_some_and(|r| r.grab_focus())
    }

    /// The Reset menu button follows the reset action, which GTK does not
    /// do for a menu button.
    pub fn set_reset_enabled(&self, enabled: bool) {
        self.imp().reset_button.set_sensitive(enabled);
    }

    /// Whether a connection to the chosen reader could work now.
    pub fn can_connect(&self) -> bool {
        self.selected_reader()
            .and_then(|r| self.reader(&r))
            .is_some_and(|r| r.card_present && !r.exclusive)
    }

    pub fn protocol(&self) -> Protocol {
        PROTOCOLS
            .get(self.imp().protocol_row.selected() as usize)
            .copied()
            .unwrap_or_default()
    }

    pub fn set_protocol(&self, p: Protocol) {
        let i = PROTOCOLS.iter().position(|x| *x == p).unwrap_or(2);
        self.imp().protocol_row.set_selected(i as u32);
    }

    pub fn share_mode(&self) -> ShareMode {
        SHARE_MODES
            .get(self.imp().share_row.selected() as usize)
            .copied()
            .unwrap_or_default()
    }

    pub fn set_share_mode(&self, s: ShareMode) {
        let i = SHARE_MODES.iter().position(|x| *x == s).unwrap_or(0);
        self.imp().share_row.set_selected(i as u32);
    }

    pub fn auto_get_response_switch(&self) -> gtk::Switch {
        self.imp().auto_get_response_switch.get()
    }

    /// The connection changed.
    pub fn set_connected(&self, connection: Option<Connection>) {
        if *self.imp().connected.borrow() == connection {
            return;
        }
        self.imp().connected.replace(connection);
        let readers = self.imp().readers.borrow().clone();
        self.set_readers(readers);
        self.update_card_info();
        self.emit_by_name::<()>("changed", &[]);
    }

    pub fn connection(&self) -> Option<Connection> {
        self.imp().connected.borrow().clone()
    }

    pub fn connected_reader(&self) -> Option<String> {
        self.imp()
            .connected
            .borrow()
            .as_ref()
            .map(|c| c.reader.clone())
    }

    /// Call `f` when the chosen reader or the connection changes.
    pub fn connect_changed<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("changed", false, move |args| {
            if let Some(panel) = args.first().and_then(|a| a.get::<ReaderPanel>().ok()) {
                f(&panel);
            }
            None
        })
    }

    /// The Card group's status line and ATR as shown (for tests).
    pub fn card_status(&self) -> (String, String) {
        let imp = self.imp();
        (
            imp.status_row
                .subtitle()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            imp.atr_label.label().to_string(),
        )
    }

    /// The Card group describes the connection only: which reader, with
    /// which protocol and share mode, and the card's ATR.
    fn update_card_info(&self) {
        let imp = self.imp();
        let connected = imp.connected.borrow().clone();
        imp.reader_row.set_visible(connected.is_some());
        imp.mode_row.set_visible(connected.is_some());
        let atr = match &connected {
            Some(c) => {
                imp.status_row
                    .set_subtitle(&pgettext("card connection", "Connected"));
                imp.reader_row
                    .set_subtitle(&card::reader_display_name(&c.reader));
                imp.mode_row.set_subtitle(&format!(
                    "{}, {}",
                    c.protocol.label(),
                    share_label(c.share)
                ));
                Some(c.atr.clone())
            }
            None => {
                imp.status_row
                    .set_subtitle(&pgettext("card connection", "Not connected"));
                None
            }
        };
        let atr = atr.filter(|a| !a.is_empty());
        imp.atr_label
            .set_label(&atr.as_deref().map(hex_spaced).unwrap_or_else(|| "—".into()));
        self.show_card_name(atr.as_deref());
        // Reader events come often; rebuild the field rows only for a new ATR.
        if *imp.shown_atr.borrow() == atr {
            return;
        }
        imp.shown_atr.replace(atr.clone());
        let fields = &imp.atr_fields;
        while let Some(child) = fields.first_child() {
            fields.remove(&child);
        }
        let parsed = atr.as_deref().map(glue::atr_fields).unwrap_or_default();
        fields.set_visible(!parsed.is_empty());
        for (k, v) in parsed {
            let row = adw::ActionRow::builder().use_markup(false).build();
            row.set_title(&k);
            row.set_subtitle(&v);
            row.add_css_class("property");
            fields.append(&row);
        }
    }
}

fn share_label(s: ShareMode) -> String {
    match s {
        ShareMode::Shared => pgettext("share mode", "Shared"),
        ShareMode::Exclusive => pgettext("share mode", "Exclusive"),
        ShareMode::Direct => pgettext("share mode", "Direct"),
    }
}

impl ReaderPanel {
    fn show_card_name(&self, atr: Option<&[u8]>) {
        let imp = self.imp();
        // Names from smartcard_list.txt hold "&" and "<": text, not markup.
        imp.name_row.set_use_markup(false);
        let known = atr.and_then(|a| imp.names.borrow().get(a).cloned());
        let name = match (atr, known) {
            (Some(_), Some(name)) => name,
            (Some(atr), None) => {
                let atr = atr.to_vec();
                // Unknown until the lookup ends; never looked up twice.
                imp.names.borrow_mut().insert(atr.clone(), None);
                let panel = self.downgrade();
                glib::spawn_future_local(async move {
                    let key = atr.clone();
                    let name = gtk::gio::spawn_blocking(move || glue::card_name(&atr))
                        .await
                        .unwrap_or(None);
                    if let Some(panel) = panel.upgrade() {
                        panel.imp().names.borrow_mut().insert(key, name);
                        panel.update_card_info();
                    }
                });
                None
            }
            (None, _) => None,
        };
        imp.name_row.set_visible(name.is_some());
        imp.name_row.set_subtitle(name.as_deref().unwrap_or(""));
    }
}

fn reader_state(r: &ReaderInfo) -> String {
    if r.name == card::DEMO_READER {
        gettext("Built-in demo card, always present")
    } else if r.exclusive {
        gettext("In use by another program")
    } else if r.card_present {
        gettext("Card present")
    } else {
        gettext("No card")
    }
}
