use std::process::ExitCode;

fn main() -> ExitCode {
    apdu_scriptor::i18n::init();
    init_logging();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = match args.get(1).and_then(|a| a.to_str()) {
        Some(
            "run" | "list" | "virtual-card" | "generate-data" | "help" | "--help" | "-h"
            | "--version" | "-V",
        ) => apdu_scriptor::cli::main(args),
        #[cfg(feature = "gui")]
        _ => apdu_scriptor::ui::run(args.iter().skip(1).map(std::path::PathBuf::from).collect()),
        #[cfg(not(feature = "gui"))]
        _ => apdu_scriptor::cli::main(args),
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

/// Log to stderr: warnings by default, `RUST_LOG` as env_logger reads it,
/// or everything of ours with GLib's `G_MESSAGES_DEBUG=all` (or
/// `=apdu-scriptor`).
fn init_logging() {
    let glib_debug = std::env::var("G_MESSAGES_DEBUG").is_ok_and(|v| {
        v.split([' ', ','])
            .any(|d| d == "all" || d == "apdu-scriptor")
    });
    let mut builder = env_logger::Builder::new();
    builder.filter_level(log::LevelFilter::Warn);
    if glib_debug {
        builder.filter_module("apdu_scriptor", log::LevelFilter::Debug);
    }
    if let Ok(spec) = std::env::var("RUST_LOG") {
        builder.parse_filters(&spec);
    }
    builder.target(env_logger::Target::Stderr);
    let _ = builder.try_init();
}
