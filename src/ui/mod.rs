//! The GTK user interface: thin GObject subclasses over the core. All card
//! access goes through [`crate::worker`].

pub mod apdu_builder;
pub mod application;
mod detail;
pub mod editor;
pub mod export;
pub mod focus;
mod glue;
pub mod log_columns;
pub mod log_entry;
pub mod log_filter;
pub mod log_line;
pub mod log_model;
pub mod log_row;
mod log_search;
pub mod log_view;
pub mod reader_panel;
mod sw_gutter;
mod tooltips;
pub mod window;
mod window_files;
mod window_first_steps;
mod window_layout;
mod window_run;

use std::path::PathBuf;
use std::sync::Once;

use gtk::{gio, prelude::*};
use sourceview5::prelude::*;

pub use application::Application;
pub use window::Window;

/// Register the compiled resources (once) and initialise GTK, libadwaita and
/// GtkSourceView. Tests call this before building widgets.
pub fn init() {
    static RESOURCES: Once = Once::new();
    RESOURCES.call_once(|| {
        gio::resources_register_include!("apdu-scriptor.gresource").expect("bundled resources");
    });
    trace_start("resources registered");
    let _ = gtk::init();
    trace_start("gtk initialised");
    let _ = adw::init();
    trace_start("adw initialised");
    sourceview5::init();
}

/// Start the GUI; returns the exit code.
pub fn run(files: Vec<PathBuf>) -> i32 {
    trace_start("gui");
    init();
    trace_start("gtk, adw, sourceview initialised");
    glib_set_names();
    application::run(files)
}

/// With `APDU_SCRIPTOR_TRACE_START` set, say on stderr how many
/// milliseconds after the GUI's start `what` happened (to see where the
/// start-up time goes).
pub(crate) fn trace_start(what: &str) {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    let start =
        START.get_or_init(|| std::env::var_os("APDU_SCRIPTOR_TRACE_START").map(|_| Instant::now()));
    if let Some(t) = start {
        eprintln!("start +{:7.2} ms  {what}", t.elapsed().as_secs_f64() * 1e3);
    }
}

fn glib_set_names() {
    gtk::glib::set_application_name(&crate::i18n::gettext("APDU Scriptor"));
}

thread_local! {
    static LANGUAGES: sourceview5::LanguageManager = {
        let m = sourceview5::LanguageManager::new();
        m.append_search_path("resource:///io/github/apduscriptor/ApduScriptor/language-specs");
        m
    };
}

/// Run `f` once, on idle after `widget`'s window has painted its next
/// frame (its first, for a widget not yet realized): for what the first
/// frame does not show.
pub(crate) fn after_first_frame(widget: &gtk::Widget, f: impl FnOnce(&gtk::Widget) + 'static) {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    type Job = Box<dyn FnOnce(&gtk::Widget)>;
    fn on_clock(widget: &gtk::Widget, clock: &gtk::gdk::FrameClock, f: Job) {
        let id = Rc::new(Cell::new(None));
        let f = RefCell::new(Some(f));
        let weak = widget.downgrade();
        let handler = id.clone();
        id.set(Some(clock.connect_after_paint(move |clock| {
            if let Some(id) = handler.take() {
                clock.disconnect(id);
            }
            if let (Some(f), Some(w)) = (f.take(), weak.upgrade()) {
                gtk::glib::idle_add_local_once(move || f(&w));
            }
        })));
    }
    let f: Job = Box::new(f);
    if let Some(clock) = widget.frame_clock() {
        on_clock(widget, &clock, f);
        return;
    }
    let id = Rc::new(Cell::new(None));
    let f = RefCell::new(Some(f));
    let handler = id.clone();
    id.set(Some(widget.connect_realize(move |w| {
        if let Some(id) = handler.take() {
            w.disconnect(id);
        }
        if let (Some(f), Some(clock)) = (f.take(), w.frame_clock()) {
            on_clock(w, &clock, f);
        }
    })));
}

/// A language manager that knows the `apdu-script` language (from the resources).
pub(crate) fn language_manager() -> sourceview5::LanguageManager {
    LANGUAGES.with(|m| m.clone())
}

/// Use the light or dark GtkSourceView scheme as libadwaita's style says.
pub(crate) fn follow_style_scheme(buffer: &sourceview5::Buffer) {
    let sm = adw::StyleManager::default();
    let apply = |buffer: &sourceview5::Buffer, dark: bool| {
        let id = if dark { "Adwaita-dark" } else { "Adwaita" };
        if let Some(s) = sourceview5::StyleSchemeManager::default().scheme(id) {
            buffer.set_style_scheme(Some(&s));
        }
    };
    apply(buffer, sm.is_dark());
    let weak = buffer.downgrade();
    sm.connect_dark_notify(move |sm| {
        if let Some(b) = weak.upgrade() {
            apply(&b, sm.is_dark());
        }
    });
}
