//! APDU Scriptor: the GTK-free core (script language, APDU model, engine,
//! card backends, command line) and, with the `gui` feature, the GTK UI.

pub mod apdu;
pub mod card;
pub mod cli;
pub mod config;
pub mod dirs;
pub mod engine;
pub mod files;
pub mod i18n;
pub mod report;
pub mod script;
pub mod settings;
pub mod transcript;
pub mod worker;

#[cfg(feature = "gui")]
pub mod ui;
