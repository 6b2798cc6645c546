//! User settings, stored as RON in `$XDG_CONFIG_HOME/apdu-scriptor/settings.ron`.
//! GTK-free so it can be unit-tested. Writes are atomic (temp file + rename);
//! a corrupt file is moved aside and defaults are used; on the very first run
//! gscriptor's `~/.gscriptor` is imported.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::card::{Protocol, ShareMode};
use crate::files::TextError;

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The reader last used.
    pub reader: Option<String>,
    pub protocol: Protocol,
    pub share_mode: ShareMode,
    pub auto_get_response: bool,
    /// Go on after a failed expectation instead of stopping.
    pub continue_on_mismatch: bool,
    pub window_width: i32,
    pub window_height: i32,
    pub maximized: bool,
    /// Position of the divider between the editor and the result log.
    pub log_pane: i32,
    /// The reader panel is shown beside the script when the window is wide
    /// enough (F9 hides and shows it).
    pub show_panel: bool,
    /// Position of the divider between the log rows and the selected row's
    /// details; larger than the log's height means the details are at their
    /// smallest.
    pub detail_pane: i32,
    /// Widths of the result log's columns, left to right (0: shares the
    /// width left over); empty for the defaults.
    pub log_columns: Vec<i32>,
    /// Show response data as ASCII instead of hex.
    pub show_ascii: bool,
    /// Most recent first.
    pub recent_files: Vec<PathBuf>,
    /// The script open when the window was last closed.
    pub last_script: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reader: None,
            protocol: Protocol::Any,
            share_mode: ShareMode::Shared,
            auto_get_response: false,
            continue_on_mismatch: false,
            window_width: 1100,
            window_height: 720,
            maximized: false,
            log_pane: 260,
            show_panel: true,
            detail_pane: 4000,
            log_columns: Vec::new(),
            show_ascii: false,
            recent_files: Vec::new(),
            last_script: None,
        }
    }
}

/// What `load` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    /// The settings file was read.
    Loaded,
    /// No settings file and nothing to import: defaults.
    Defaults,
    /// First run: values taken from gscriptor's `~/.gscriptor`.
    ImportedGscriptor,
    /// The file could not be read or parsed; it was moved to `moved_to`
    /// (when that worked) and defaults are used.
    Corrupt {
        moved_to: Option<PathBuf>,
        error: String,
    },
}

impl Settings {
    /// `$XDG_CONFIG_HOME/apdu-scriptor/settings.ron` (or `~/.config/...`).
    pub fn default_path() -> PathBuf {
        let base = crate::dirs::config_home().unwrap_or_else(std::env::temp_dir);
        base.join("apdu-scriptor").join("settings.ron")
    }

    /// Load from the default place, importing `~/.gscriptor` on first run.
    pub fn load() -> (Settings, LoadOutcome) {
        Settings::load_from(&Settings::default_path(), crate::dirs::home().as_deref())
    }

    /// Load from `path`; when it does not exist, import `home/.gscriptor`.
    pub fn load_from(path: &Path, home: Option<&Path>) -> (Settings, LoadOutcome) {
        let text = match crate::files::read_text_file(path) {
            Ok(t) => t,
            Err(TextError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                let imported = home
                    .map(|h| h.join(".gscriptor"))
                    .and_then(|p| crate::files::read_text_file(&p).ok())
                    .and_then(|t| import_gscriptor(&t));
                return match imported {
                    Some(s) => (s, LoadOutcome::ImportedGscriptor),
                    None => (Settings::default(), LoadOutcome::Defaults),
                };
            }
            Err(e) => return (Settings::default(), set_aside(path, e.message())),
        };
        match Settings::from_ron(&text) {
            Ok(s) => (s, LoadOutcome::Loaded),
            Err(e) => (Settings::default(), set_aside(path, e)),
        }
    }

    /// Settings from the text of a settings file, sanitized; the error as
    /// the user reads it.
    pub fn from_ron(text: &str) -> Result<Settings, String> {
        ron::from_str::<Settings>(text)
            .map(Settings::sanitized)
            .map_err(|e| crate::files::ron_error_text(&e))
    }

    /// Write to the default place.
    pub fn save(&self) -> Result<(), crate::files::SaveError> {
        self.save_to(&Settings::default_path())
    }

    /// Write atomically: a temp file in the same directory, then a rename.
    pub fn save_to(&self, path: &Path) -> Result<(), crate::files::SaveError> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(std::io::Error::other)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_atomic(path, text.as_bytes())
    }

    /// Put `path` first in the recent files, without duplicates.
    pub fn add_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent_files.retain(|p| p != &path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(MAX_RECENT);
    }

    /// Every field brought back into what the window can show: sizes in
    /// range, dividers inside the window, column widths that fit across it
    /// (else the defaults), no relative paths.
    fn sanitized(mut self) -> Settings {
        let d = Settings::default();
        if !(200..=20000).contains(&self.window_width) {
            self.window_width = d.window_width;
        }
        if !(150..=20000).contains(&self.window_height) {
            self.window_height = d.window_height;
        }
        let (w, h) = (self.window_width, self.window_height);
        if !(0..=h).contains(&self.log_pane) {
            self.log_pane = d.log_pane.min(h / 2);
        }
        // Larger than the log means "details at their smallest": any
        // non-negative value is meaningful, but keep it sane.
        if !(0..=20000).contains(&self.detail_pane) {
            self.detail_pane = d.detail_pane;
        }
        let fixed: i64 = self.log_columns.iter().map(|&c| i64::from(c)).sum();
        let fits = fixed + i64::from(SHARED_COLUMNS * MIN_SHARED_WIDTH) <= i64::from(w);
        if self.log_columns.len() != LOG_COLUMNS || self.log_columns.iter().any(|&c| c < 0) || !fits
        {
            self.log_columns.clear();
        }
        if self.reader.as_deref().is_some_and(|r| {
            r.is_empty() || r.len() > MAX_READER_NAME || r.chars().any(char::is_control)
        }) {
            self.reader = None;
        }
        self.recent_files.retain(|p| p.is_absolute());
        self.recent_files.truncate(MAX_RECENT);
        if self
            .last_script
            .as_deref()
            .is_some_and(|p| !p.is_absolute())
        {
            self.last_script = None;
        }
        self
    }
}

/// The result log's columns (see `ui::log_columns`), one of which (the
/// meaning) takes the width left over.
pub const LOG_COLUMNS: usize = 6;
const SHARED_COLUMNS: i32 = 1;
/// The narrowest a shared column should be.
const MIN_SHARED_WIDTH: i32 = 60;
/// PC/SC reader names are at most 128 bytes (MAX_READERNAME in pcsc-lite).
const MAX_READER_NAME: usize = 128;

/// Move a bad settings file aside as `settings.ron.corrupt-<unix time>`.
fn set_aside(path: &Path, error: String) -> LoadOutcome {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{stamp}"));
    let target = path.with_file_name(name);
    let moved_to = std::fs::rename(path, &target).ok().map(|_| target);
    LoadOutcome::Corrupt { moved_to, error }
}

/// Save `bytes` to `path` safely (see [`crate::files::save`]).
pub use crate::files::save as write_atomic;

/// Read gscriptor's `key = 'value'` lines: WindowSize (`W H`), reader,
/// protocol (PC/SC protocol bits), script. `None` when no line holds a
/// value to import (random bytes are not gscriptor's settings).
pub fn import_gscriptor(text: &str) -> Option<Settings> {
    let mut s = Settings::default();
    let mut found = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let Some(value) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) else {
            continue;
        };
        match key.trim() {
            "WindowSize" => {
                let mut it = value.split_whitespace().map(|n| n.parse::<i32>());
                if let (Some(Ok(w)), Some(Ok(h))) = (it.next(), it.next()) {
                    s.window_width = w;
                    s.window_height = h;
                    found = true;
                }
            }
            "reader" if !value.is_empty() => {
                s.reader = Some(value.to_owned());
                found = true;
            }
            "protocol" => {
                found = true;
                // SCARD_PROTOCOL_T0 = 1, T1 = 2, RAW = 4 in pcsc-lite.
                s.protocol = match value.parse::<u32>() {
                    Ok(1) => Protocol::T0,
                    Ok(2) => Protocol::T1,
                    Ok(4) => Protocol::Raw,
                    _ => Protocol::Any,
                }
            }
            "script" if !value.is_empty() => {
                s.last_script = Some(PathBuf::from(value));
                found = true;
            }
            _ => {}
        }
    }
    found.then(|| s.sanitized())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Settings {
        Settings {
            reader: Some("Virtual PCD 00 00".into()),
            protocol: Protocol::T1,
            share_mode: ShareMode::Exclusive,
            auto_get_response: true,
            continue_on_mismatch: true,
            window_width: 900,
            window_height: 600,
            maximized: true,
            log_pane: 250,
            show_panel: false,
            detail_pane: 320,
            log_columns: vec![90, 40, 300, 50, 0, 70],
            show_ascii: true,
            recent_files: vec![PathBuf::from("/tmp/a.apdu")],
            last_script: Some(PathBuf::from("/tmp/a.apdu")),
        }
    }

    #[test]
    fn a_file_with_the_old_side_pane_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "(side_pane: 640, log_pane: 200)").unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(outcome, LoadOutcome::Loaded);
        assert_eq!(s.log_pane, 200);
        assert!(s.show_panel, "the panel shows by default");
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.ron");
        sample().save_to(&path).unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(outcome, LoadOutcome::Loaded);
        assert_eq!(s, sample());
        // no temp file left behind
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("settings.ron")]);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "(show_ascii: true)").unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(outcome, LoadOutcome::Loaded);
        assert!(s.show_ascii);
        assert_eq!(s.window_width, Settings::default().window_width);
        assert_eq!(s.detail_pane, Settings::default().detail_pane);
        assert!(s.log_columns.is_empty());
    }

    #[test]
    fn corrupt_file_is_moved_aside_and_defaults_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, "(reader: Some(\"x\"), this is not ron").unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(s, Settings::default());
        let LoadOutcome::Corrupt { moved_to, error } = outcome else {
            panic!("expected Corrupt, got {outcome:?}");
        };
        assert!(!error.is_empty());
        let moved = moved_to.expect("file moved aside");
        assert!(!path.exists());
        assert!(moved
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("settings.ron.corrupt-"));
        assert!(std::fs::read_to_string(moved).unwrap().contains("not ron"));
    }

    #[test]
    fn non_utf8_file_counts_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let (_, outcome) = Settings::load_from(&path, None);
        assert!(matches!(outcome, LoadOutcome::Corrupt { .. }));
    }

    #[test]
    fn first_run_imports_gscriptor() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".gscriptor"),
            "# This file is automatically generated\n\
             # Do not edit unless you know what you are doing\n\n\
             WindowSize = '640 480'\nprotocol = '2'\n\
             reader = 'Gemalto PC Twin Reader 00 00'\nscript = '/home/u/select.script'\n",
        )
        .unwrap();
        let path = dir.path().join("config/settings.ron");
        let (s, outcome) = Settings::load_from(&path, Some(dir.path()));
        assert_eq!(outcome, LoadOutcome::ImportedGscriptor);
        assert_eq!(s.window_width, 640);
        assert_eq!(s.window_height, 480);
        assert_eq!(s.protocol, Protocol::T1);
        assert_eq!(s.reader.as_deref(), Some("Gemalto PC Twin Reader 00 00"));
        assert_eq!(
            s.last_script.as_deref(),
            Some(Path::new("/home/u/select.script"))
        );
    }

    #[test]
    fn existing_settings_win_over_gscriptor() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gscriptor"), "protocol = '1'\n").unwrap();
        let path = dir.path().join("settings.ron");
        sample().save_to(&path).unwrap();
        let (s, outcome) = Settings::load_from(&path, Some(dir.path()));
        assert_eq!(outcome, LoadOutcome::Loaded);
        assert_eq!(s.protocol, Protocol::T1);
    }

    #[test]
    fn random_bytes_in_gscriptor_are_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let mut noise: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        noise.extend(b"\nkey = 'value'\n");
        std::fs::write(dir.path().join(".gscriptor"), &noise).unwrap();
        let path = dir.path().join("config/settings.ron");
        let (s, outcome) = Settings::load_from(&path, Some(dir.path()));
        assert_eq!(outcome, LoadOutcome::Defaults);
        assert_eq!(s, Settings::default());
        // Text without any gscriptor key is not imported either.
        std::fs::write(dir.path().join(".gscriptor"), "hello = 'world'\n").unwrap();
        let (_, outcome) = Settings::load_from(&path, Some(dir.path()));
        assert_eq!(outcome, LoadOutcome::Defaults);
    }

    #[test]
    fn a_huge_settings_file_is_set_aside_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(crate::files::MAX_FILE_SIZE + 1).unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(s, Settings::default());
        let LoadOutcome::Corrupt { moved_to, error } = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(error, "the file is larger than 64 MiB");
        assert!(moved_to.is_some());
    }

    #[test]
    fn every_field_is_sanitized_against_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.ron");
        std::fs::write(
            &path,
            "(window_width: 1000, window_height: 700, log_pane: 90000, side_pane: -4, \
             detail_pane: -1, log_columns: [2000, 2000, 2000, 2000, 0, 2000], \
             reader: Some(\"bad\\u{7}name\"), recent_files: [\"relative.apdu\", \"/abs.apdu\"], \
             last_script: Some(\"rel.apdu\"))",
        )
        .unwrap();
        let (s, outcome) = Settings::load_from(&path, None);
        assert_eq!(outcome, LoadOutcome::Loaded);
        assert_eq!((s.window_width, s.window_height), (1000, 700));
        assert_eq!(s.log_pane, 260);
        assert_eq!(s.detail_pane, 4000);
        // Columns that would push the others off the window: the defaults.
        assert!(s.log_columns.is_empty());
        assert_eq!(s.reader, None);
        assert_eq!(s.recent_files, vec![PathBuf::from("/abs.apdu")]);
        assert_eq!(s.last_script, None);
        // Saved back sanitized.
        s.save_to(&path).unwrap();
        assert_eq!(Settings::load_from(&path, None).0, s);
        // Widths that fit are kept; a list of another length is not.
        let fits = Settings {
            log_columns: vec![90, 40, 300, 50, 0, 70],
            ..Settings::default()
        };
        assert_eq!(fits.clone().sanitized(), fits);
        let short = Settings {
            log_columns: vec![90, 40],
            ..Settings::default()
        };
        assert!(short.sanitized().log_columns.is_empty());
        let narrow = Settings {
            window_width: 400,
            log_columns: vec![90, 40, 300, 50, 0, 70],
            ..Settings::default()
        };
        assert!(narrow.sanitized().log_columns.is_empty());
    }

    #[test]
    fn no_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let (s, outcome) = Settings::load_from(&dir.path().join("s.ron"), Some(dir.path()));
        assert_eq!(outcome, LoadOutcome::Defaults);
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn gscriptor_protocol_values() {
        for (v, p) in [
            ("1", Protocol::T0),
            ("2", Protocol::T1),
            ("3", Protocol::Any),
            ("4", Protocol::Raw),
        ] {
            assert_eq!(
                import_gscriptor(&format!("protocol = '{v}'"))
                    .unwrap()
                    .protocol,
                p
            );
        }
        assert_eq!(
            import_gscriptor("WindowSize = 'big'\nnonsense\nreader = ''"),
            None
        );
    }

    #[test]
    fn recent_files_are_unique_and_capped() {
        let mut s = Settings::default();
        for i in 0..15 {
            s.add_recent(Path::new(&format!("/nonexistent/f{i}.apdu")));
        }
        s.add_recent(Path::new("/nonexistent/f3.apdu"));
        assert_eq!(s.recent_files.len(), MAX_RECENT);
        assert_eq!(s.recent_files[0], PathBuf::from("/nonexistent/f3.apdu"));
        assert_eq!(
            s.recent_files
                .iter()
                .filter(|p| p.ends_with("f3.apdu"))
                .count(),
            1
        );
    }

    #[test]
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.apdu");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let err = write_atomic(&dir.path().join("missing-file-as-dir/x/\0"), b"x");
        assert!(err.is_err());
    }
}
