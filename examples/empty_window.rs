//! The start-up baseline for `tools/bench-gui.sh`: an empty
//! AdwApplicationWindow with a header bar, built with the same toolkit and
//! timed the same way as the program (it prints `first-frame` once the
//! window has painted, then quits).

use adw::prelude::*;
use gtk::glib;

fn main() -> glib::ExitCode {
    let app = adw::Application::builder()
        .application_id("io.github.apduscriptor.EmptyWindow")
        .flags(gtk::gio::ApplicationFlags::NON_UNIQUE)
        .build();
    app.connect_activate(|app| {
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&adw::HeaderBar::new());
        let w = adw::ApplicationWindow::builder()
            .application(app)
            .default_width(1100)
            .default_height(720)
            .content(&content)
            .build();
        let app = app.clone();
        w.connect_realize(move |w| {
            let Some(clock) = w.frame_clock() else { return };
            let app = app.clone();
            clock.connect_after_paint(move |_| {
                println!("first-frame");
                app.quit();
            });
        });
        w.present();
    });
    app.run_with_args::<&str>(&[])
}
