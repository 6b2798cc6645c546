//! The APDU builder dialog: a command from its fields, Lc counted (or
//! typed, with a warning when it does not match the data), short or
//! extended, inserted into the script as one line.

use adw::prelude::*;
use gtk::glib;

use super::window::Window;
use crate::apdu::build::{build, Fields};
use crate::apdu::hex_spaced;
use crate::i18n::{gettext, gettext_f};

const FIELDS: [&str; 7] = ["cla", "ins", "p1", "p2", "data", "lc", "le"];

/// Open the builder over `window`; Insert adds the line to its script.
pub fn show(window: &Window) -> Option<adw::Window> {
    let b = gtk::Builder::from_resource("/io/github/apduscriptor/ApduScriptor/ui/apdu-builder.ui");
    let dialog = b.object::<adw::Window>("builder")?;
    let entries: Vec<adw::EntryRow> = FIELDS.iter().filter_map(|id| b.object(*id)).collect();
    let extended = b.object::<gtk::Switch>("extended")?;
    let preview = b.object::<gtk::Label>("preview")?;
    let problem = b.object::<gtk::Label>("problem")?;
    let insert = b.object::<gtk::Button>("insert_button")?;
    let cancel = b.object::<gtk::Button>("cancel_button")?;
    if entries.len() != FIELDS.len() {
        return None;
    }

    let update = {
        let (entries, extended, preview, problem, insert) = (
            entries.clone(),
            extended.clone(),
            preview.clone(),
            problem.clone(),
            insert.clone(),
        );
        move || {
            let text = |i: usize| entries[i].text().to_string();
            let fields = Fields {
                cla: text(0),
                ins: text(1),
                p1: text(2),
                p2: text(3),
                data: text(4),
                lc: text(5),
                le: text(6),
                extended: extended.is_active(),
            };
            match build(&fields) {
                Ok(built) => {
                    let case = built.info.case.map(|c| c.label().to_owned());
                    preview.set_label(&hex_spaced(&built.bytes));
                    preview.set_tooltip_text(
                        case.map(|c| gettext_f(&gettext("Case {case}"), &[("case", &c)]))
                            .as_deref(),
                    );
                    let warnings: Vec<String> =
                        built.info.warnings.iter().map(|w| w.message()).collect();
                    problem.set_label(&warnings.join("\n"));
                    problem.set_visible(!warnings.is_empty());
                    insert.set_sensitive(true);
                }
                Err(e) => {
                    preview.set_label("—");
                    problem.set_label(&e.message());
                    problem.set_visible(true);
                    insert.set_sensitive(false);
                }
            }
        }
    };
    for e in &entries {
        let update = update.clone();
        e.connect_changed(move |_| update());
    }
    {
        let update = update.clone();
        extended.connect_active_notify(move |_| update());
    }
    update();

    insert.connect_clicked(glib::clone!(
        #[weak]
        window,
        #[weak]
        dialog,
        #[weak]
        preview,
        move |_| {
            window.insert_lines(&preview.label());
            dialog.close();
        }
    ));
    cancel.connect_clicked(glib::clone!(
        #[weak]
        dialog,
        move |_| dialog.close()
    ));
    let escape = gtk::ShortcutController::new();
    escape.add_shortcut(gtk::Shortcut::new(
        gtk::ShortcutTrigger::parse_string("Escape"),
        Some(gtk::CallbackAction::new(|w, _| {
            if let Some(w) = w.downcast_ref::<gtk::Window>() {
                w.close();
            }
            glib::Propagation::Stop
        })),
    ));
    dialog.add_controller(escape);
    dialog.set_transient_for(Some(window));
    dialog.set_destroy_with_parent(true);
    dialog.present();
    Some(dialog)
}
