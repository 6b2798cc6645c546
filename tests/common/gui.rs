//! What the GUI test binaries share: a private home for the settings, the
//! application started as the program starts it, windows, main-loop
//! iteration with a timeout (never a timing assertion), and the loop of a
//! `harness = false` binary. GTK wants the main thread, hence no harness.

use std::path::Path;
use std::time::{Duration, Instant};

use adw::prelude::*;
use apdu_scriptor::ui::{Application, Window};
use gtk::{gio, glib};

/// Settings and recent files go under `home`, not the user's.
pub fn use_private_home(home: &Path) {
    std::env::set_var("HOME", home);
    std::env::set_var("XDG_CONFIG_HOME", home.join("config"));
}

/// gettext, GTK and a registered application that stays alive while the
/// guard is held (windows come and go between tests).
pub fn start_app() -> (Application, gio::ApplicationHoldGuard) {
    apdu_scriptor::i18n::init();
    apdu_scriptor::ui::init();
    let app = Application::new();
    app.set_flags(gio::ApplicationFlags::NON_UNIQUE);
    app.register(None::<&gio::Cancellable>)
        .expect("register the application");
    let hold = app.hold();
    (app, hold)
}

/// Iterate the main loop until `cond` holds (true) or `secs` have passed
/// (false).
pub fn iterate_until(secs: f64, mut cond: impl FnMut() -> bool) -> bool {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    while !cond() {
        if Instant::now() > deadline {
            return false;
        }
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    true
}

// Not every test binary walks the widget tree.
#[allow(unused_imports)]
pub use apdu_scriptor::ui::focus::descendants;

/// Iterate the main loop until `cond` holds; panic after `secs` seconds.
pub fn wait_until(what: &str, secs: u64, cond: impl FnMut() -> bool) {
    if !iterate_until(secs as f64, cond) {
        panic!("timed out waiting for: {what}");
    }
}

/// Let pending idle work run for a moment.
pub fn settle() {
    iterate_until(0.3, || false);
}

/// Present `w` and wait until it is on the screen.
pub fn show(w: &Window) {
    w.present();
    wait_until("window mapped", 10, || w.is_mapped());
}

/// A new main window, on the screen.
pub fn window(app: &Application) -> Window {
    let w = Window::new(app);
    show(&w);
    w
}

/// Close `w` without the unsaved-changes question.
pub fn close_window(w: &Window) {
    w.editor().buffer().set_modified(false);
    w.close();
    settle();
}

/// Close every window of `app` without the unsaved-changes question.
pub fn close_all(app: &Application) {
    for w in app.windows() {
        if let Ok(w) = w.clone().downcast::<Window>() {
            w.editor().buffer().set_modified(false);
        }
        w.close();
    }
    settle();
}

/// Run xdotool (Debian package `xdotool`) while the main loop turns, so
/// the window answers the X server meanwhile; its standard output.
pub fn xdotool(args: &[&str]) -> String {
    let mut child = std::process::Command::new("xdotool")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("xdotool (Debian package xdotool) is installed");
    wait_until("xdotool done", 10, || child.try_wait().unwrap().is_some());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "xdotool {args:?}: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Give the keyboard focus to the X window whose title contains `name`:
/// there is no window manager under Xvfb to do it.
pub fn focus_x_window(w: &Window, name: &str) {
    let id = x_window(name);
    xdotool(&["windowfocus", "--sync", &id]);
    wait_until("window has the keyboard focus", 5, || w.is_active());
}

/// Give the keyboard focus to `w` itself: a title of its own first, so that
/// a window of an earlier test with the same title cannot take the keys.
pub fn focus_own_x_window(w: &Window) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "apdu-test-window-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    w.set_title(Some(&name));
    settle();
    focus_x_window(w, &name);
}

/// With `APDU_SCRIPTOR_SHOTS=DIR` set, save the screen as `DIR/NAME.png`
/// (to look at new UI; tests assert nothing about it).
pub fn shoot_if_asked(name: &str) {
    let Some(dir) = std::env::var_os("APDU_SCRIPTOR_SHOTS") else {
        return;
    };
    iterate_until(1.0, || false);
    let path = std::path::Path::new(&dir).join(format!("{name}.png"));
    let _ = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(path)
        .status();
}

/// Press keys as a user does: the X server delivers them to the focused
/// window, through GTK's shortcut controllers and accelerators.
pub fn press(keys: &str) {
    xdotool(&["key", keys]);
}

/// The X window id of the window whose title contains `name`.
pub fn x_window(name: &str) -> String {
    let ids = xdotool(&["search", "--onlyvisible", "--name", name]);
    ids.lines().last().expect("the window's X id").to_owned()
}

/// Run the tests whose names contain one of the command-line arguments
/// (all without any), each through `call`, closing what it left open;
/// print a libtest-like report and exit 1 when one failed.
pub fn run_tests<T>(app: &Application, tests: &[(&'static str, T)], call: impl Fn(&T)) {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in tests {
        if !filter.is_empty() && !filter.iter().any(|p| name.contains(p.as_str())) {
            continue;
        }
        ran += 1;
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(test))).is_ok();
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        if !ok {
            failed.push(*name);
        }
        close_all(app);
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
}

/// The clipboard's text, read as a paste does.
pub fn clipboard_text(widget: &impl IsA<gtk::Widget>) -> String {
    let copied = std::rc::Rc::new(std::cell::RefCell::new(None::<String>));
    let clipboard = widget.clipboard();
    let sink = copied.clone();
    glib::spawn_future_local(async move {
        let text = clipboard.read_text_future().await.ok().flatten();
        *sink.borrow_mut() = Some(text.map(|t| t.to_string()).unwrap_or_default());
    });
    wait_until("clipboard text", 5, || copied.borrow().is_some());
    let text = copied.borrow().clone().unwrap();
    text
}
