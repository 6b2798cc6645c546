//! Reading a script file (or standard input) as text, with one translated
//! message and hint for the CLI and the window alike.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::i18n::{gettext, gettext_f};

/// Why a script could not be read. `file` is `None` for standard input.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {error}", shown(file))]
    Io {
        file: Option<PathBuf>,
        #[source]
        error: std::io::Error,
    },
    /// The bytes are not UTF-8: the first bad byte is at `offset` (from 0,
    /// counted in the file) on `line` (from 1).
    #[error("{} is not UTF-8 text (byte {offset}, line {line})", shown(file))]
    NotText {
        file: Option<PathBuf>,
        offset: usize,
        line: usize,
    },
}

fn shown(file: &Option<PathBuf>) -> String {
    file.as_deref()
        .map_or_else(|| "standard input".to_owned(), |p| p.display().to_string())
}

/// Read the script at `path`. A UTF-8 byte order mark at the start is
/// dropped, so that columns on line 1 count from the first real character.
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|error| ReadError::Io {
        file: Some(path.to_owned()),
        error,
    })?;
    decode(bytes, Some(path))
}

/// Read a whole script from `input` (standard input), as [`read_file`] does.
pub fn read_stream(mut input: impl Read) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError::Io { file: None, error })?;
    decode(bytes, None)
}

fn decode(mut bytes: Vec<u8>, file: Option<&Path>) -> Result<String, ReadError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    match std::str::from_utf8(&bytes[bom..]) {
        Ok(_) => {
            bytes.drain(..bom);
            // Checked just above; this only avoids a second copy.
            Ok(String::from_utf8(bytes).unwrap_or_default())
        }
        Err(e) => {
            let good = &bytes[bom..bom + e.valid_up_to()];
            Err(ReadError::NotText {
                file: file.map(Path::to_owned),
                offset: bom + e.valid_up_to(),
                line: 1 + line_breaks(good),
            })
        }
    }
}

/// Line ends as the parser counts them: LF, CRLF or a lone CR.
fn line_breaks(bytes: &[u8]) -> usize {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + lone_cr
}

impl ReadError {
    /// One translated sentence naming the file and the problem.
    pub fn message(&self) -> String {
        match self {
            ReadError::Io {
                file: Some(p),
                error,
            } => gettext_f(
                &gettext("Cannot open “{file}”: {error}"),
                &[
                    ("file", &p.display().to_string()),
                    ("error", &os_error_text(error)),
                ],
            ),
            ReadError::Io { file: None, error } => gettext_f(
                &gettext("Cannot read the standard input: {error}"),
                &[("error", &os_error_text(error))],
            ),
            ReadError::NotText {
                file: Some(p),
                offset,
                line,
            } => gettext_f(
                &gettext("“{file}” is not UTF-8 text (invalid byte on line {line}, at offset {offset})"),
                &[
                    ("file", &p.display().to_string()),
                    ("line", &line.to_string()),
                    ("offset", &offset.to_string()),
                ],
            ),
            ReadError::NotText {
                file: None,
                offset,
                line,
            } => gettext_f(
                &gettext("The standard input is not UTF-8 text (invalid byte on line {line}, at offset {offset})"),
                &[
                    ("line", &line.to_string()),
                    ("offset", &offset.to_string()),
                ],
            ),
        }
    }

    /// What the user can do about it, translated.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ReadError::NotText { .. } => gettext(
                "Convert the script to UTF-8 text, for example with: iconv -f LATIN1 -t UTF-8 OLD > NEW",
            ),
            ReadError::Io { error, .. } => match error.kind() {
                ErrorKind::NotFound => gettext("Check the name and the folder of the file"),
                ErrorKind::PermissionDenied => {
                    gettext("You may not read this file; check its permissions with ls -l")
                }
                ErrorKind::IsADirectory => gettext("Choose a script file, not a folder"),
                _ => return None,
            },
        })
    }
}

/// The system's sentence for an I/O error, without Rust's " (os error 2)".
fn os_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => text[..at].to_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_text_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "ok.apdu", "# café\r\n00 A4 00 00\n".as_bytes());
        assert_eq!(read_file(&path).unwrap(), "# café\r\n00 A4 00 00\n");
        let empty = write(&dir, "empty.apdu", b"");
        assert_eq!(read_file(&empty).unwrap(), "");
    }

    #[test]
    fn a_missing_file_names_it_and_hints() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.apdu");
        let err = read_file(&path).unwrap_err();
        assert!(
            matches!(&err, ReadError::Io { error, .. } if error.kind() == ErrorKind::NotFound),
            "{err:?}"
        );
        assert_eq!(
            err.message(),
            format!(
                "Cannot open “{}”: No such file or directory",
                path.display()
            )
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("Check the name and the folder of the file")
        );
    }

    #[test]
    fn a_directory_is_not_a_script() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_file(dir.path()).unwrap_err();
        assert!(
            matches!(&err, ReadError::Io { error, .. } if error.kind() == ErrorKind::IsADirectory),
            "{err:?}"
        );
        assert_eq!(
            err.message(),
            format!("Cannot open “{}”: Is a directory", dir.path().display())
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("Choose a script file, not a folder")
        );
    }

    #[test]
    fn an_unreadable_file_is_permission_denied() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "secret.apdu", b"00 A4 00 00\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o200)).unwrap();
        // root reads any file: then there is nothing to check.
        if std::fs::File::open(&path).is_ok() {
            return;
        }
        let err = read_file(&path).unwrap_err();
        assert!(err.message().ends_with("”: Permission denied"), "{err:?}");
        assert!(err.hint().unwrap().contains("permissions"), "{err:?}");
    }

    #[test]
    fn latin1_is_refused_at_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "latin1.apdu", b"00 A4\r\n# caf\xe9\n");
        let err = read_file(&path).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotText {
                    offset: 12,
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.message(),
            format!(
                "“{}” is not UTF-8 text (invalid byte on line 2, at offset 12)",
                path.display()
            )
        );
        assert!(err.hint().unwrap().contains("iconv"));
    }

    #[test]
    fn lines_end_as_the_parser_counts_them() {
        let err = read_stream(&b"a\rb\r\nc\nd\r\xff"[..]).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotText {
                    offset: 9,
                    line: 5,
                    file: None
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.message(),
            "The standard input is not UTF-8 text (invalid byte on line 5, at offset 9)"
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "bom.apdu", b"\xEF\xBB\xBF00 A4 00 00\n");
        let text = read_file(&path).unwrap();
        assert_eq!(text, "00 A4 00 00\n");
        // Only at the start: elsewhere it stays (the parser takes it as a blank).
        let text = read_stream(&b"00\n\xEF\xBB\xBF01\n"[..]).unwrap();
        assert_eq!(text, "00\n\u{feff}01\n");
        // A bad byte after a BOM is counted from the start of the file.
        let err = read_stream(&b"\xEF\xBB\xBF\xff"[..]).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotText {
                    offset: 3,
                    line: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_failing_stream_is_an_io_error() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from_raw_os_error(libc::EIO))
            }
        }
        let err = read_stream(Broken).unwrap_err();
        assert_eq!(
            err.message(),
            "Cannot read the standard input: Input/output error"
        );
        assert_eq!(err.hint(), None);
    }
}
