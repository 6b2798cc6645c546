//! The window's file handling: new, open, save, save as, the
//! unsaved-changes dialog and closing. Nothing the user typed is lost: a
//! failed save keeps the buffer, a file that cannot be read changes nothing.

use std::path::{Path, PathBuf};

use adw::prelude::*;
use adw::subclass::prelude::*;
use gtk::{gio, glib};

use super::window::Window;
use crate::i18n::{gettext, gettext_f};
use crate::worker::Request;

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn script_filters(chooser: &gtk::FileChooserNative) {
    let scripts = gtk::FileFilter::new();
    scripts.set_name(Some(&gettext("APDU scripts")));
    for pattern in ["*.apdu", "*.script", "*.scriptor"] {
        scripts.add_pattern(pattern);
    }
    chooser.add_filter(&scripts);
    let all = gtk::FileFilter::new();
    all.set_name(Some(&gettext("All files")));
    all.add_pattern("*");
    chooser.add_filter(&all);
}

/// Run a native file chooser and return the chosen path.
async fn choose(
    parent: &Window,
    title: &str,
    action: gtk::FileChooserAction,
    accept: &str,
    current: Option<&Path>,
) -> Option<PathBuf> {
    let chooser = gtk::FileChooserNative::new(
        Some(title),
        Some(parent),
        action,
        Some(accept),
        Some(&gettext("_Cancel")),
    );
    chooser.set_modal(true);
    script_filters(&chooser);
    if let Some(p) = current {
        if let Some(dir) = p.parent() {
            let _ = chooser.set_current_folder(Some(&gio::File::for_path(dir)));
        }
        if action == gtk::FileChooserAction::Save {
            chooser.set_current_name(&display_name(p));
        }
    } else if action == gtk::FileChooserAction::Save {
        // TRANSLATORS: the default file name of a new script, followed by
        // ".apdu": one word, without spaces (use "_" or "-" instead).
        chooser.set_current_name(&format!("{}.apdu", gettext("untitled")));
    }
    let response = chooser.run_future().await;
    let result = (response == gtk::ResponseType::Accept)
        .then(|| chooser.file().and_then(|f| f.path()))
        .flatten();
    chooser.destroy();
    result
}

impl Window {
    /// Ask what to do with unsaved changes; true when it is fine to go on.
    pub async fn confirm_discard(&self) -> bool {
        if !self.editor().buffer().is_modified() {
            return true;
        }
        let name = self
            .file()
            .map(|p| display_name(&p))
            .unwrap_or_else(|| gettext("Untitled Script"));
        let dialog = adw::MessageDialog::new(
            Some(self),
            Some(&gettext("Save Changes?")),
            Some(&gettext_f(
                &gettext("“{file}” has unsaved changes. Changes which are not saved will be lost."),
                &[("file", &name)],
            )),
        );
        dialog.add_responses(&[
            ("cancel", &gettext("_Cancel")),
            ("discard", &gettext("_Discard")),
            ("save", &gettext("_Save")),
        ]);
        dialog.set_response_appearance("discard", adw::ResponseAppearance::Destructive);
        dialog.set_response_appearance("save", adw::ResponseAppearance::Suggested);
        dialog.set_default_response(Some("save"));
        dialog.set_close_response("cancel");
        let (tx, rx) = async_channel::bounded(1);
        dialog.connect_response(None, move |_, response| {
            let _ = tx.try_send(response.to_owned());
        });
        dialog.present();
        let response = rx.recv().await.unwrap_or_default();
        dialog.close();
        match response.as_str() {
            "discard" => true,
            "save" => self.save().await,
            _ => false,
        }
    }

    pub fn new_script(&self) {
        self.imp().file.replace(None);
        self.editor().set_text("");
        self.update_title();
    }

    pub async fn open_dialog(&self) {
        if !self.confirm_discard().await {
            return;
        }
        let current = self.file();
        if let Some(path) = choose(
            self,
            &gettext("Open Script"),
            gtk::FileChooserAction::Open,
            &gettext("_Open"),
            current.as_deref(),
        )
        .await
        {
            self.open_path(&path);
        }
    }

    /// Load `path` into the editor. On failure, say why and change nothing.
    pub fn open_path(&self, path: &Path) -> bool {
        let text = match crate::script::read_file(path) {
            Ok(text) => text,
            Err(e) => {
                self.toast_problem(&e.message(), e.hint().as_deref());
                return false;
            }
        };
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.imp().file.replace(Some(path.clone()));
        self.editor().set_text(&text);
        self.imp().settings.borrow_mut().add_recent(&path);
        self.update_recent_menu();
        self.update_title();
        true
    }

    /// Reopen the script of the last session, if it is still there.
    pub fn restore_last_script(&self) {
        let last = self.imp().settings.borrow().last_script.clone();
        if let Some(p) = last.filter(|p| p.is_file()) {
            self.open_path(&p);
        }
    }

    /// Save to the current file (or ask for one). True on success.
    pub async fn save(&self) -> bool {
        match self.file() {
            Some(path) => self.save_to(&path),
            None => self.save_as().await,
        }
    }

    pub async fn save_as(&self) -> bool {
        let current = self.file();
        let Some(path) = choose(
            self,
            &gettext("Save Script"),
            gtk::FileChooserAction::Save,
            &gettext("_Save"),
            current.as_deref(),
        )
        .await
        else {
            return false;
        };
        if !self.save_to(&path) {
            return false;
        }
        self.imp().file.replace(Some(path.clone()));
        self.imp().settings.borrow_mut().add_recent(&path);
        self.update_recent_menu();
        self.update_title();
        true
    }

    /// Write the buffer atomically to `path`; the buffer stays as it is on failure.
    pub fn save_to(&self, path: &Path) -> bool {
        let text = self.editor().text();
        match crate::settings::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                self.editor().buffer().set_modified(false);
                true
            }
            Err(e) => {
                self.toast(&gettext_f(
                    &gettext("Could not save “{file}”: {error}. Your text is still here."),
                    &[("file", &display_name(path)), ("error", &e.to_string())],
                ));
                false
            }
        }
    }

    pub(crate) fn on_close_request(&self) -> glib::Propagation {
        let imp = self.imp();
        if self.editor().buffer().is_modified() && !imp.close_confirmed.get() {
            let w = self.clone();
            glib::spawn_future_local(async move {
                if w.confirm_discard().await {
                    w.imp().close_confirmed.set(true);
                    w.close();
                }
            });
            return glib::Propagation::Stop;
        }
        self.save_settings();
        self.send(Request::Shutdown);
        glib::Propagation::Proceed
    }
}
