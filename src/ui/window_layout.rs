//! The window's adaptive layout and header bar: the reader panel beside
//! the script or folded over it, labelled or icon-only header buttons, and
//! the script's error count beside Run.

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::gio;
use gtk::glib::{self, clone};

use super::window::Window;
use crate::i18n::{gettext, gettext_f, ngettext};

/// Narrower than this, the reader panel folds over the script.
const FOLD_WIDTH: i32 = 840;
/// Narrower than this (or than the labelled header needs), the header's
/// buttons lose their labels.
const COMPACT_WIDTH: i32 = 600;

impl Window {
    pub(crate) fn setup_layout(&self) {
        let imp = self.imp();
        let flap = &imp.flap;
        self.add_action(&gio::PropertyAction::new(
            "toggle-panel",
            &**flap,
            "reveal-flap",
        ));
        flap.connect_reveal_flap_notify(clone!(
            #[weak(rename_to = w)]
            self,
            move |f| {
                if !f.is_folded() {
                    w.imp().show_panel.set(f.reveals_flap());
                }
            }
        ));

        // What the labelled header needs, with room for the error count.
        let (header, _, _, _) = imp.header_bar.measure(gtk::Orientation::Horizontal, -1);
        imp.compact_width.set(COMPACT_WIDTH.max(header + 90));
        // The first allocation must already fold a narrow window: unfolded,
        // it would grow the window to the panel's and the script's width.
        self.connect_default_width_notify(|w| {
            if !w.is_mapped() {
                w.set_folded(w.default_width() < FOLD_WIDTH);
                w.set_compact(w.default_width() < w.imp().compact_width.get());
            }
        });
        self.set_folded(self.default_width() < FOLD_WIDTH);
        self.set_compact(self.default_width() < imp.compact_width.get());
    }

    /// Below [`FOLD_WIDTH`] the reader panel leaves the side of the script
    /// and opens over it; below [`COMPACT_WIDTH`] the header is icons.
    /// Checked after each allocation, changed on idle: a layout change
    /// inside an allocation would be lost.
    pub(crate) fn adapt_to_size(&self, width: i32, height: i32) {
        let imp = self.imp();
        if imp.last_height.replace(height) != height {
            // A window made lower keeps some room for the log rows.
            let paned = &imp.log_paned;
            let room = paned.height();
            if room > 0 && paned.position() > room * 3 / 5 {
                glib::idle_add_local_once(clone!(
                    #[weak]
                    paned,
                    move || paned.set_position(paned.height() * 2 / 5)
                ));
            }
        }
        let fold = width < FOLD_WIDTH;
        let compact = width < imp.compact_width.get();
        if fold == imp.flap.is_folded() && compact == self.is_compact() {
            return;
        }
        glib::idle_add_local_once(clone!(
            #[weak(rename_to = w)]
            self,
            move || {
                w.set_folded(fold);
                w.set_compact(compact);
            }
        ));
    }

    fn is_compact(&self) -> bool {
        !self.imp().open_label.is_visible()
    }

    fn set_folded(&self, fold: bool) {
        let flap = &self.imp().flap;
        if flap.is_folded() == fold {
            return;
        }
        flap.set_fold_policy(if fold {
            adw::FlapFoldPolicy::Always
        } else {
            adw::FlapFoldPolicy::Never
        });
        flap.set_reveal_flap(!fold && self.imp().show_panel.get());
    }

    /// The reader panel is beside the script (false: over it or hidden).
    pub fn panel_folded(&self) -> bool {
        self.imp().flap.is_folded()
    }

    /// The reader panel is on the screen.
    pub fn panel_shown(&self) -> bool {
        self.imp().flap.reveals_flap()
    }

    /// Run stays a normal button; the errors are counted beside it, and
    /// clicking the count goes to the first one.
    pub(crate) fn update_run_button(&self) {
        let imp = self.imp();
        let n = imp.editor.error_count();
        imp.errors_button.set_visible(n > 0);
        if n == 0 {
            super::tooltips::set(&*imp.run_button, &gettext("Run the script"));
            return;
        }
        let count = n.to_string();
        imp.errors_label.set_label(&gettext_f(
            &ngettext("{n} _error", "{n} _errors", n),
            &[("n", &count)],
        ));
        let (go, fix) = if n == 1 {
            (
                gettext("The script has one error: go to it"),
                gettext("The script has one error: fix it to run the script"),
            )
        } else {
            (
                ngettext(
                    // TRANSLATORS: never for exactly one error (a message of its
                    // own), but for 21, 31… in languages that group them with 1.
                    "The script has {n} error: go to the first one",
                    "The script has {n} errors: go to the first one",
                    n,
                ),
                ngettext(
                    // TRANSLATORS: never for exactly one error (a message of its
                    // own), but for 21, 31… in languages that group them with 1.
                    "The script has {n} error: fix them to run the script",
                    "The script has {n} errors: fix them to run the script",
                    n,
                ),
            )
        };
        imp.errors_button
            .set_tooltip_text(Some(&gettext_f(&go, &[("n", &count)])));
        imp.run_button
            .set_tooltip_text(Some(&gettext_f(&fix, &[("n", &count)])));
    }

    /// Narrow windows show the header's buttons as icons, and leave Save
    /// and Step to the menu and their keys.
    fn set_compact(&self, compact: bool) {
        let imp = self.imp();
        for label in [
            &imp.open_label,
            &imp.save_label,
            &imp.run_label,
            &imp.stop_label,
            &imp.step_label,
            &imp.errors_label,
        ] {
            label.set_visible(!compact);
        }
        imp.save_button.set_visible(!compact);
        imp.insert_button.set_visible(!compact);
        imp.step_button.set_visible(!compact);
    }
}
