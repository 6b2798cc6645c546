//! The man pages and shell completions, generated from the clap
//! definition. meson runs `apdu-scriptor generate-data DIR` at build time
//! (in English: `LC_ALL=C`) and installs what it writes:
//! `apdu-scriptor.1`, `apdu-scriptor-run.1`, `apdu-scriptor-list.1`,
//! `apdu-scriptor-virtual-card.1`, `apdu-scriptor` (bash), `_apdu-scriptor`
//! (zsh) and `apdu-scriptor.fish`.

use std::path::Path;

use clap_complete::Shell;

use super::args;

const NAME: &str = "apdu-scriptor";

/// Every file name `generate` writes, in order.
pub fn outputs() -> Vec<String> {
    let mut names = vec![format!("{NAME}.1")];
    for sub in args::command().get_subcommands() {
        names.push(format!("{NAME}-{}.1", sub.get_name()));
    }
    names.extend([
        // bash-completion looks the command's own name up.
        NAME.to_owned(),
        format!("_{NAME}"),
        format!("{NAME}.fish"),
    ]);
    names
}

/// Write the man pages and completions into `dir`.
pub fn generate(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Man pages name their sections in capitals, whatever --help says.
    let cmd = args::command().subcommand_help_heading("SUBCOMMANDS");
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    std::fs::write(dir.join(format!("{NAME}.1")), page)?;
    for sub in cmd.get_subcommands() {
        let name = format!("{NAME}-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("{NAME} {}", sub.get_name()))
            .version(crate::config::VERSION);
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        std::fs::write(dir.join(format!("{name}.1")), page)?;
    }
    for (shell, file) in [
        (Shell::Bash, NAME.to_owned()),
        (Shell::Zsh, format!("_{NAME}")),
        (Shell::Fish, format!("{NAME}.fish")),
    ] {
        let mut out = Vec::new();
        let mut cmd = args::command();
        clap_complete::generate(shell, &mut cmd, NAME, &mut out);
        std::fs::write(dir.join(file), out)?;
    }
    Ok(())
}
