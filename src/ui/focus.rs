//! Keyboard focus helpers: a list that is one Tab stop (arrows move inside
//! it, Tab leaves it), whatever its length.

use gtk::prelude::*;
use gtk::{gdk, glib};

/// Make `list` a single Tab stop: Tab and Shift+Tab inside it move the
/// focus to the next (previous) focusable widget outside it, instead of to
/// the next (previous) row.
pub fn one_tab_stop(list: &impl IsA<gtk::Widget>) {
    let keys = gtk::EventControllerKey::new();
    keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    let weak = list.upcast_ref::<gtk::Widget>().downgrade();
    keys.connect_key_pressed(move |_, key, _, state| {
        let forward = match key {
            gdk::Key::Tab | gdk::Key::KP_Tab => !state.contains(gdk::ModifierType::SHIFT_MASK),
            gdk::Key::ISO_Left_Tab => false,
            _ => return glib::Propagation::Proceed,
        };
        if state.contains(gdk::ModifierType::CONTROL_MASK) {
            return glib::Propagation::Proceed;
        }
        match weak.upgrade() {
            Some(list) if move_past(&list, forward) => glib::Propagation::Stop,
            _ => glib::Propagation::Proceed,
        }
    });
    list.add_controller(keys);
}

/// Give the focus to the first focusable widget after `widget` (before it
/// when `!forward`) in the window, skipping everything inside `widget`;
/// wraps around. False when there is none.
pub fn move_past(widget: &gtk::Widget, forward: bool) -> bool {
    let Some(root) = widget.root() else {
        return false;
    };
    let all = descendants(root.upcast_ref());
    let Some(start) = all.iter().position(|w| w == widget) else {
        return false;
    };
    let inside = |w: &gtk::Widget| w == widget || w.is_ancestor(widget);
    let end = all[start..]
        .iter()
        .position(|w| !inside(w))
        .map_or(all.len(), |n| start + n);
    let can_take =
        |w: &&gtk::Widget| w.is_focusable() && w.can_focus() && w.is_drawable() && w.is_sensitive();
    let target = if forward {
        all[end..].iter().chain(all[..start].iter()).find(can_take)
    } else {
        all[..start]
            .iter()
            .rev()
            .chain(all[end..].iter().rev())
            .find(can_take)
    };
    target.is_some_and(|w| w.grab_focus())
}

/// `root` and every widget below it, each before its children, siblings
/// in order.
pub fn descendants(root: &gtk::Widget) -> Vec<gtk::Widget> {
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(w) = stack.pop() {
        let mut children = Vec::new();
        let mut child = w.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            children.push(c);
        }
        stack.extend(children.into_iter().rev());
        out.push(w);
    }
    out
}
