//! The user's folders, found one way for the whole program: the XDG Base
//! Directory rule, as GLib's `g_get_user_config_dir()` applies it (a
//! variable that is unset, empty or relative is ignored).

use std::path::{Path, PathBuf};

/// `$HOME`, when it is an absolute path.
pub fn home() -> Option<PathBuf> {
    absolute_var("HOME")
}

/// `$XDG_CONFIG_HOME`, else `~/.config`.
pub fn config_home() -> Option<PathBuf> {
    absolute_var("XDG_CONFIG_HOME").or_else(|| home().map(|h| h.join(".config")))
}

/// `$XDG_CACHE_HOME`, else `~/.cache`.
pub fn cache_home() -> Option<PathBuf> {
    absolute_var("XDG_CACHE_HOME").or_else(|| home().map(|h| h.join(".cache")))
}

/// `path` for display, with the home folder written `~`.
pub fn tilde(path: &Path) -> String {
    match home().as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_owned(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

fn absolute_var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}
