//! Build-time configuration. Meson passes these as environment variables;
//! a plain `cargo build` falls back to development defaults.

pub const APP_ID: &str = match option_env!("APP_ID") {
    Some(v) => v,
    None => "io.github.apduscriptor.ApduScriptor",
};
pub const VERSION: &str = match option_env!("VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};
pub const GETTEXT_PACKAGE: &str = "apdu-scriptor";
/// Installed locale directory; `None` in a development build, where
/// `i18n::init` looks for `target/locale` built by `make mo`.
pub const LOCALEDIR: Option<&str> = option_env!("LOCALEDIR");
pub const PKGDATADIR: Option<&str> = option_env!("PKGDATADIR");
