use std::process::ExitCode;

fn main() -> ExitCode {
    apdu_scriptor::i18n::init();
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
