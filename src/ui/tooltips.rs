//! Tooltips that name a keyboard shortcut. The shortcut is not part of the
//! translatable text: GTK writes it in the user's language ("Maj+Ctrl+K")
//! from the accelerator the application really uses, and one translatable
//! template places it, so translators control the punctuation.

use gtk::{gio, prelude::*};

use crate::i18n::{gettext, gettext_f};

/// Buttons whose action has no application accelerator of its own: the
/// log's clear button shares `win.clear-log`'s, and `log.copy` is bound by
/// the log view's shortcut controller.
const ALIASES: [(&str, &str); 1] = [("log.clear", "win.clear-log")];
const OWN_KEYS: [(&str, &str); 1] = [("log.copy", "<Control>c")];

/// `tooltip` followed by the shortcut `accel` (GTK syntax, e.g. `<Control>o`).
pub fn with_shortcut(tooltip: &str, accel: &str) -> String {
    let Some((key, mods)) = gtk::accelerator_parse(accel) else {
        return tooltip.to_owned();
    };
    gettext_f(
        // TRANSLATORS: a tooltip and its keyboard shortcut, e.g. "Open a
        // script" and "Ctrl+O" (GTK translates the key names).
        &gettext("{tooltip} ({shortcut})"),
        &[
            ("tooltip", tooltip),
            ("shortcut", &gtk::accelerator_get_label(key, mods)),
        ],
    )
}

/// The first accelerator of the action of `widget`, if it has one.
fn accel_of(widget: &gtk::Widget) -> Option<String> {
    let app = widget
        .root()
        .and_downcast::<gtk::Window>()
        .and_then(|w| w.application())?;
    let actionable = widget.dynamic_cast_ref::<gtk::Actionable>()?;
    let name = actionable.action_name()?;
    if let Some((_, accel)) = OWN_KEYS.iter().find(|(a, _)| *a == name) {
        return Some((*accel).to_owned());
    }
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name.to_string(), |(_, to)| (*to).to_owned());
    let detailed =
        gio::Action::print_detailed_name(&name, actionable.action_target_value().as_ref());
    app.accels_for_action(&detailed)
        .first()
        .map(|a| a.to_string())
}

/// Set the tooltip of an actionable `widget` to `tooltip` and its action's
/// shortcut, if any.
pub fn set(widget: &impl IsA<gtk::Widget>, tooltip: &str) {
    let widget = widget.upcast_ref::<gtk::Widget>();
    let text = match accel_of(widget) {
        Some(accel) => with_shortcut(tooltip, &accel),
        None => tooltip.to_owned(),
    };
    widget.set_tooltip_text(Some(&text));
}

/// Add the shortcut to the tooltip of every actionable widget under `root`
/// whose action has one. Call once, on the tooltips of the `.ui` files.
pub fn add_shortcuts(root: &gtk::Widget) {
    for w in super::focus::descendants(root).iter().skip(1) {
        if let Some(tip) = w.tooltip_text() {
            if let Some(accel) = accel_of(w) {
                w.set_tooltip_text(Some(&with_shortcut(&tip, &accel)));
            }
        }
    }
}
