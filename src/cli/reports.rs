//! `run --report junit=FILE|tap=FILE` (`-` for standard output).

use std::path::PathBuf;

use clap::ArgMatches;

use crate::files::Durability;
use crate::i18n::{gettext, gettext_f};
use crate::report::{junit, tap, Suite};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Junit,
    Tap,
}

/// The reports asked for on the command line.
#[derive(Debug, Default)]
pub struct Reports {
    list: Vec<(Kind, Option<PathBuf>)>,
}

/// Read every `--report KIND=FILE`; `Err` is the message for a bad one.
pub fn requested(m: &ArgMatches) -> Result<Reports, String> {
    let mut list = Vec::new();
    for value in m.get_many::<String>("report").into_iter().flatten() {
        let (kind, dest) = value.split_once('=').unwrap_or((value.as_str(), ""));
        let kind = match kind.to_ascii_lowercase().as_str() {
            "junit" => Kind::Junit,
            "tap" => Kind::Tap,
            _ => {
                return Err(gettext_f(
                    &gettext("Unknown report “{report}”: expected junit=FILE or tap=FILE (“-” for standard output)"),
                    &[("report", value)],
                ))
            }
        };
        let dest = match dest {
            "" => {
                return Err(gettext_f(
                    &gettext("Unknown report “{report}”: expected junit=FILE or tap=FILE (“-” for standard output)"),
                    &[("report", value)],
                ))
            }
            "-" => None,
            path => Some(PathBuf::from(path)),
        };
        list.push((kind, dest));
    }
    Ok(Reports { list })
}

impl Reports {
    /// Was any report asked for?
    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    /// Does a report show each run's output (JUnit's `system-out`)?
    pub fn wants_output(&self) -> bool {
        self.list.iter().any(|(kind, _)| *kind == Kind::Junit)
    }

    /// Does a report go to standard output?
    pub fn uses_stdout(&self) -> bool {
        self.list.iter().any(|(_, d)| d.is_none())
    }

    /// Write each report; `Err` says which could not be written.
    pub fn write(&self, suites: &[Suite]) -> Result<(), String> {
        for (kind, dest) in &self.list {
            let text = match kind {
                Kind::Junit => junit::render(suites),
                Kind::Tap => tap::render(suites),
            };
            let result = match dest {
                None => {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes())
                        .and_then(|()| out.flush())
                        .map_err(|e| crate::files::os_error_text(&e))
                }
                Some(path) => {
                    crate::files::save_with(path, text.as_bytes(), Durability::Regenerable)
                        .map_err(|e| e.to_string())
                }
            };
            if let Err(e) = result {
                let file = dest
                    .as_ref()
                    .map_or_else(|| gettext("standard output"), |p| p.display().to_string());
                return Err(gettext_f(
                    &gettext("Cannot write the report {file}: {error}"),
                    &[("file", &file), ("error", &e)],
                ));
            }
        }
        Ok(())
    }
}
