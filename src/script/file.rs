//! Reading a script file (or standard input) as text, with one translated
//! message and hint for the CLI and the window alike.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::files::{self, os_error_text, NotText, TextError, MAX_FILE_SIZE};
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
    /// Larger than [`MAX_FILE_SIZE`].
    #[error("{} is larger than {limit} bytes", shown(file))]
    TooLarge { file: Option<PathBuf>, limit: u64 },
    /// The bytes are not UTF-8 text: the first bad byte is at `offset`
    /// (from 0, counted in the file) on `line` (from 1).
    #[error(
        "{} is not UTF-8 text ({kind:?} at byte {offset}, line {line})",
        shown(file)
    )]
    NotText {
        file: Option<PathBuf>,
        kind: NotText,
        offset: usize,
        line: usize,
    },
}

fn shown(file: &Option<PathBuf>) -> String {
    file.as_deref()
        .map_or_else(|| "standard input".to_owned(), |p| p.display().to_string())
}

/// Read the script at `path`, at most [`MAX_FILE_SIZE`] bytes. A UTF-8 byte
/// order mark at the start is dropped, so that columns on line 1 count from
/// the first real character.
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    files::read_text_file(path).map_err(|e| ReadError::from_text(e, Some(path)))
}

/// Read a whole script from `input` (standard input), as [`read_file`] does.
pub fn read_stream(input: impl Read) -> Result<String, ReadError> {
    files::read_text(input, MAX_FILE_SIZE, 0).map_err(|e| ReadError::from_text(e, None))
}

impl ReadError {
    fn from_text(e: TextError, file: Option<&Path>) -> ReadError {
        let file = file.map(Path::to_owned);
        match e {
            TextError::Io(error) => ReadError::Io { file, error },
            TextError::TooLarge { limit } => ReadError::TooLarge { file, limit },
            TextError::NotText { kind, offset, line } => ReadError::NotText {
                file,
                kind,
                offset,
                line,
            },
        }
    }

    /// One translated sentence naming the file and the problem.
    pub fn message(&self) -> String {
        let file = match self {
            ReadError::Io { file, .. }
            | ReadError::TooLarge { file, .. }
            | ReadError::NotText { file, .. } => file.as_deref().map(|p| p.display().to_string()),
        };
        let (template, args): (String, Vec<(&str, String)>) = match (self, file) {
            (ReadError::Io { error, .. }, Some(f)) => (
                gettext("Cannot open “{file}”: {error}"),
                vec![("file", f), ("error", os_error_text(error))],
            ),
            (ReadError::Io { error, .. }, None) => (
                gettext("Cannot read the standard input: {error}"),
                vec![("error", os_error_text(error))],
            ),
            (ReadError::TooLarge { .. }, Some(f)) => (
                gettext("“{file}” is larger than {limit}, the largest script APDU Scriptor reads"),
                vec![("file", f), ("limit", files::max_file_size_text())],
            ),
            (ReadError::TooLarge { .. }, None) => (
                gettext("The standard input is larger than {limit}, the largest script APDU Scriptor reads"),
                vec![("limit", files::max_file_size_text())],
            ),
            (ReadError::NotText { kind, offset, line, .. }, f) => {
                let template = match (kind, f.is_some()) {
                    (NotText::InvalidUtf8, true) => gettext("“{file}” is not UTF-8 text (invalid byte on line {line}, at offset {offset})"),
                    (NotText::InvalidUtf8, false) => gettext("The standard input is not UTF-8 text (invalid byte on line {line}, at offset {offset})"),
                    (NotText::Nul, true) => gettext("“{file}” is not text: it holds a NUL byte on line {line}, at offset {offset}"),
                    (NotText::Nul, false) => gettext("The standard input is not text: it holds a NUL byte on line {line}, at offset {offset}"),
                    (NotText::Utf16, true) => gettext("“{file}” is UTF-16 text; scripts are UTF-8 text"),
                    (NotText::Utf16, false) => gettext("The standard input is UTF-16 text; scripts are UTF-8 text"),
                };
                (
                    template,
                    vec![
                        ("file", f.unwrap_or_default()),
                        ("line", line.to_string()),
                        ("offset", offset.to_string()),
                    ],
                )
            }
        };
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        gettext_f(&template, &args)
    }

    /// What the user can do about it, translated.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ReadError::NotText {
                kind: NotText::InvalidUtf8,
                ..
            } => gettext(
                "Convert the script to UTF-8 text, for example with: iconv -f LATIN1 -t UTF-8 OLD > NEW",
            ),
            ReadError::NotText {
                kind: NotText::Utf16,
                ..
            } => gettext(
                "Convert the script to UTF-8 text, for example with: iconv -f UTF-16 -t UTF-8 OLD > NEW",
            ),
            ReadError::NotText {
                kind: NotText::Nul, ..
            } => gettext("Choose a script file, not a binary file"),
            ReadError::TooLarge { .. } => gettext("Split the script into smaller files"),
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
                    file: None,
                    ..
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
    fn utf16_is_named_with_its_own_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "utf16.apdu", b"\xff\xfe0\x000\x00 \x00");
        let err = read_file(&path).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "“{}” is UTF-16 text; scripts are UTF-8 text",
                path.display()
            )
        );
        assert!(err.hint().unwrap().contains("iconv -f UTF-16"), "{err:?}");
    }

    #[test]
    fn a_nul_byte_stops_the_read() {
        let err =
            read_stream(std::io::Read::chain(&b"00 A4\n"[..], std::io::repeat(0))).unwrap_err();
        assert_eq!(
            err.message(),
            "The standard input is not text: it holds a NUL byte on line 2, at offset 6"
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("Choose a script file, not a binary file")
        );
    }

    #[test]
    fn an_endless_input_stops_at_the_limit() {
        // Valid text for ever: the read stops past 64 MiB.
        let err = read_stream(std::io::repeat(b'\n')).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { file: None, limit } if limit == MAX_FILE_SIZE),
            "{err:?}"
        );
        assert_eq!(
            err.message(),
            "The standard input is larger than 64 MiB, the largest script APDU Scriptor reads"
        );
        // A file larger than the limit is refused before it is read.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.apdu");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_FILE_SIZE + 1).unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { .. }), "{err:?}");
        assert!(err.message().contains("64 MiB"));
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
