//! `ApduScriptorApplication`: the AdwApplication. Opens the window (with
//! the files given on the command line), keyboard accelerators, About.

use std::path::PathBuf;

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::{gio, glib};

use super::window::Window;
use crate::config;
use crate::i18n::gettext;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct Application {}

    #[glib::object_subclass]
    impl ObjectSubclass for Application {
        const NAME: &'static str = "ApduScriptorApplication";
        type Type = super::Application;
        type ParentType = adw::Application;
    }

    impl ObjectImpl for Application {}

    impl ApplicationImpl for Application {
        fn startup(&self) {
            crate::ui::trace_start("application: startup");
            self.parent_startup();
            crate::ui::trace_start("application: parent startup done");
            // From the resource bundle when not installed.
            gtk::Window::set_default_icon_name(config::APP_ID);
            self.obj().setup_actions();
        }

        fn activate(&self) {
            self.parent_activate();
            let app = self.obj();
            if let Some(w) = app.active_window() {
                w.present();
                return;
            }
            crate::ui::trace_start("application: activate");
            let w = Window::new(&*app);
            w.restore_last_script();
            app.exit_after_first_frame_if_asked(&w);
            w.connect_realize(|_| crate::ui::trace_start("window: realize"));
            w.connect_map(|_| crate::ui::trace_start("window: map"));
            w.present();
            crate::ui::trace_start("application: window presented");
        }

        fn open(&self, files: &[gio::File], _hint: &str) {
            let app = self.obj();
            // Never replace unsaved text: such a window gets a sibling.
            let w = match app.active_window().and_downcast::<Window>() {
                Some(w) if !w.editor().buffer().is_modified() => w,
                _ => Window::new(&*app),
            };
            if let Some(path) = files.first().and_then(|f| f.path()) {
                w.open_path(&path);
            }
            w.present();
        }
    }
    impl GtkApplicationImpl for Application {}
    impl AdwApplicationImpl for Application {}
}

glib::wrapper! {
    pub struct Application(ObjectSubclass<imp::Application>)
        @extends adw::Application, gtk::Application, gio::Application,
        @implements gio::ActionGroup, gio::ActionMap;
}

impl Default for Application {
    fn default() -> Self {
        Application::new()
    }
}

impl Application {
    pub fn new() -> Application {
        glib::Object::builder()
            .property("application-id", config::APP_ID)
            .property("flags", gio::ApplicationFlags::HANDLES_OPEN)
            .property("resource-base-path", "/io/github/apduscriptor/ApduScriptor")
            .build()
    }

    fn setup_actions(&self) {
        let quit = gio::ActionEntry::builder("quit")
            .activate(|app: &Application, _, _| {
                for w in app.windows() {
                    w.close();
                }
            })
            .build();
        let about = gio::ActionEntry::builder("about")
            .activate(|app: &Application, _, _| app.show_about())
            .build();
        self.add_action_entries([quit, about]);

        for (action, accels) in [
            ("app.quit", &["<Control>q"][..]),
            ("win.new", &["<Control>n"]),
            ("win.open", &["<Control>o"]),
            ("win.save", &["<Control>s"]),
            ("win.save-as", &["<Shift><Control>s"]),
            ("window.close", &["<Control>w"]),
            ("win.run", &["F5", "<Control>Return"]),
            ("win.run-selection", &["<Shift><Control>Return"]),
            ("win.step", &["F6"]),
            ("win.stop", &["Escape"]),
            ("win.find", &["<Control>f"]),
            ("win.connect", &["<Control>k"]),
            ("win.disconnect", &["<Shift><Control>k"]),
            ("win.reset::warm", &["<Control>r"]),
            ("win.reset::cold", &["<Shift><Control>r"]),
            ("win.clear-log", &["<Control>l"]),
            ("win.export-log::plain", &["<Control>e"]),
            ("win.preferences", &["<Control>comma"]),
            ("win.shortcuts", &["<Control>question"]),
            ("win.toggle-panel", &["F9"]),
            ("win.apdu-builder", &["<Control>b"]),
            ("win.focus-editor", &["<Alt>1"]),
            ("win.focus-log", &["<Alt>2"]),
            ("win.focus-readers", &["<Alt>3"]),
        ] {
            self.set_accels_for_action(action, accels);
        }
    }

    /// Benchmark hook: with `APDU_SCRIPTOR_EXIT_AFTER_FIRST_FRAME` set, print
    /// `first-frame` once the window has painted and quit.
    fn exit_after_first_frame_if_asked(&self, w: &Window) {
        if std::env::var_os("APDU_SCRIPTOR_EXIT_AFTER_FIRST_FRAME").is_none() {
            return;
        }
        let app = self.clone();
        w.connect_realize(move |w| {
            let Some(clock) = w.frame_clock() else { return };
            let app = app.clone();
            let w = w.clone();
            clock.connect_after_paint(move |_| {
                crate::ui::trace_start("first frame painted");
                println!("first-frame");
                w.editor().buffer().set_modified(false);
                app.quit();
            });
        });
    }

    fn show_about(&self) {
        let about = adw::AboutWindow::builder()
            .application_name(gettext("APDU Scriptor"))
            .application_icon(config::APP_ID)
            .version(config::VERSION)
            .comments(gettext(
                "Send APDU commands to smart cards through PC/SC: a script editor, a live reader panel and a structured result log",
            ))
            .license_type(gtk::License::Gpl30)
            .developer_name(gettext("The APDU Scriptor developers"))
            .website("https://github.com/apduscriptor/apdu-scriptor")
            .issue_url("https://github.com/apduscriptor/apdu-scriptor/issues")
            // TRANSLATORS: your names and e-mail addresses (or web pages),
            // one per line: "Name <name@example.org>". Do not translate
            // the word itself.
            .translator_credits(gettext("translator-credits"))
            .build();
        about.add_credit_section(
            Some(&gettext("Inspired by")),
            &["gscriptor and scriptor (pcsc-tools) by Ludovic Rousseau"],
        );
        if let Some(w) = self.active_window() {
            about.set_transient_for(Some(&w));
        }
        about.present();
    }
}

/// Run the application; `files` are opened (the first one) at start.
pub fn run(files: Vec<PathBuf>) -> i32 {
    let app = Application::new();
    let mut argv = vec!["apdu-scriptor".to_owned()];
    argv.extend(files.iter().map(|p| p.to_string_lossy().into_owned()));
    i32::from(app.run_with_args(&argv))
}
