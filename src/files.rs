//! Reading and saving files safely: every read is bounded, every save goes
//! through an exclusively created temp file next to the target (or, when a
//! rename would lose something, is written in place), and keeps the target's
//! mode, owner and group. Used for scripts, card files, settings and log
//! exports alike.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::i18n::{gettext, gettext_f};

/// The largest script, card file or settings file read: 64 MiB.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The limit as shown to the user.
pub fn max_file_size_text() -> String {
    gettext_f(
        &gettext("{size} MiB"),
        &[("size", &(MAX_FILE_SIZE / (1024 * 1024)).to_string())],
    )
}

/// Why a read stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReadLimitError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// More than `limit` bytes.
    #[error("more than {limit} bytes")]
    TooLarge { limit: u64 },
}

/// Read all of `input`, failing as soon as it holds more than `limit` bytes
/// (so `/dev/zero` costs `limit` bytes of memory, not all of it).
pub fn read_limited(input: impl Read, limit: u64) -> Result<Vec<u8>, ReadLimitError> {
    let mut bytes = Vec::new();
    input.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadLimitError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Read the file at `path`, at most [`MAX_FILE_SIZE`] bytes. A size given by
/// the file system is checked before any byte is read.
pub fn read_file_limited(path: &Path) -> Result<Vec<u8>, ReadLimitError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::from_raw_os_error(libc::EISDIR).into());
    }
    if meta.is_file() && meta.len() > MAX_FILE_SIZE {
        return Err(ReadLimitError::TooLarge {
            limit: MAX_FILE_SIZE,
        });
    }
    read_limited(file, MAX_FILE_SIZE)
}

/// Why bytes are not a text: the first bad byte is at `offset` (from 0) on
/// `line` (from 1, lines ending as the script parser counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// Not UTF-8.
    InvalidUtf8,
    /// A NUL byte: a binary file.
    Nul,
    /// A UTF-16 byte order mark at the start.
    Utf16,
}

/// Why [`read_text`] failed.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("more than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("not text ({kind:?} at byte {offset}, line {line})")]
    NotText {
        kind: NotText,
        offset: usize,
        line: usize,
    },
}

impl TextError {
    /// A translated phrase for after "Cannot read FILE: ".
    pub fn message(&self) -> String {
        let at = |template: &str, offset: &usize, line: &usize| {
            gettext_f(
                template,
                &[("line", &line.to_string()), ("offset", &offset.to_string())],
            )
        };
        match self {
            TextError::Io(e) => os_error_text(e),
            TextError::TooLarge { .. } => gettext_f(
                &gettext("the file is larger than {limit}"),
                &[("limit", &max_file_size_text())],
            ),
            TextError::NotText {
                kind: NotText::InvalidUtf8,
                offset,
                line,
            } => at(
                &gettext("not UTF-8 text (invalid byte on line {line}, at offset {offset})"),
                offset,
                line,
            ),
            TextError::NotText {
                kind: NotText::Nul,
                offset,
                line,
            } => at(
                &gettext("not text (NUL byte on line {line}, at offset {offset})"),
                offset,
                line,
            ),
            TextError::NotText {
                kind: NotText::Utf16,
                ..
            } => gettext("UTF-16 text, not UTF-8"),
        }
    }
}

/// A RON parse error as a user reads it: where, then what, without advice
/// meant for programmers.
pub fn ron_error_text(e: &ron::error::SpannedError) -> String {
    let place = gettext_f(
        &gettext("line {line}, column {column}"),
        &[
            ("line", &e.span.start.line.to_string()),
            ("column", &e.span.start.col.to_string()),
        ],
    );
    let what = match &e.code {
        ron::Error::ExceededRecursionLimit => gettext("nested too deeply"),
        code => code.to_string(),
    };
    format!("{place}: {what}")
}

impl From<ReadLimitError> for TextError {
    fn from(e: ReadLimitError) -> Self {
        match e {
            ReadLimitError::Io(e) => TextError::Io(e),
            ReadLimitError::TooLarge { limit } => TextError::TooLarge { limit },
        }
    }
}

/// Read UTF-8 text from `input`, at most `limit` bytes, stopping at the
/// first invalid byte or NUL rather than reading on. A UTF-8 byte order mark
/// at the start is dropped; a UTF-16 one is refused as such. `size_hint`
/// (a file's size) lets the buffer be allocated once.
pub fn read_text(mut input: impl Read, limit: u64, size_hint: u64) -> Result<String, TextError> {
    const CHUNK: usize = 64 * 1024;
    let mut bytes: Vec<u8> = Vec::with_capacity(size_hint.min(limit) as usize + CHUNK);
    let mut checked = 0;
    let mut eof = false;
    while !eof {
        let start = bytes.len();
        bytes.resize(start + CHUNK, 0);
        let n = loop {
            match input.read(&mut bytes[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        bytes.truncate(start + n);
        eof = n == 0;
        if bytes.len() as u64 > limit {
            return Err(TextError::TooLarge { limit });
        }
        if checked == 0 && (bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")) {
            return Err(not_text(NotText::Utf16, &bytes, 0));
        }
        if bytes.len() < 3 && !eof {
            continue;
        }
        if let Some(nul) = bytes[checked..].iter().position(|&b| b == 0) {
            // Anything before the NUL that is not UTF-8 is reported first.
            let at = checked + nul;
            if let Err(e) = std::str::from_utf8(&bytes[checked..at]) {
                return Err(not_text(
                    NotText::InvalidUtf8,
                    &bytes,
                    checked + e.valid_up_to(),
                ));
            }
            return Err(not_text(NotText::Nul, &bytes, at));
        }
        match std::str::from_utf8(&bytes[checked..]) {
            Ok(_) => checked = bytes.len(),
            // A character cut at the end of the chunk: read on.
            Err(e) if e.error_len().is_none() && !eof => checked += e.valid_up_to(),
            Err(e) => {
                return Err(not_text(
                    NotText::InvalidUtf8,
                    &bytes,
                    checked + e.valid_up_to(),
                ))
            }
        }
    }
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    // Every byte was checked above; this only avoids a second copy.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

fn not_text(kind: NotText, bytes: &[u8], offset: usize) -> TextError {
    TextError::NotText {
        kind,
        offset,
        line: 1 + line_breaks(&bytes[..offset]),
    }
}

/// Read the text file at `path` as [`read_text`] does, at most
/// [`MAX_FILE_SIZE`] bytes.
pub fn read_text_file(path: &Path) -> Result<String, TextError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::from_raw_os_error(libc::EISDIR).into());
    }
    let size = if meta.is_file() { meta.len() } else { 0 };
    if size > MAX_FILE_SIZE {
        return Err(TextError::TooLarge {
            limit: MAX_FILE_SIZE,
        });
    }
    read_text(file, MAX_FILE_SIZE, size)
}

/// Line ends as the script parser counts them: LF, CRLF or a lone CR.
pub fn line_breaks(bytes: &[u8]) -> usize {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + lone_cr
}

/// The system's sentence for an I/O error, without Rust's " (os error 2)".
pub fn os_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => text[..at].to_owned(),
        _ => text,
    }
}

/// Why a save failed. Its `Display` is a translated sentence.
#[derive(Debug)]
pub enum SaveError {
    /// The file exists and has no write permission for the user.
    ReadOnly {
        file: PathBuf,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::ReadOnly { .. } => f.write_str(&gettext("the file is read-only")),
            SaveError::Io(e) => f.write_str(&os_error_text(e)),
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::ReadOnly { .. } => None,
            SaveError::Io(e) => Some(e),
        }
    }
}

impl From<std::io::Error> for SaveError {
    fn from(e: std::io::Error) -> Self {
        SaveError::Io(e)
    }
}

/// How many symbolic links are followed before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// The file a save to `path` must change: `path` itself, or the end of its
/// chain of symbolic links (which may not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::ELOOP))
}

fn writable(path: &Path, meta: &Metadata) -> bool {
    use std::os::unix::ffi::OsStrExt;
    if meta.permissions().mode() & 0o222 == 0 {
        return false;
    }
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the call's duration.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// How hard a save works to survive a power loss (a crash of the program
/// never leaves half a file, whichever is chosen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file and its folder are synced to the disk before returning:
    /// for what the user wrote or recorded.
    Synced,
    /// Left to the system's own write-back: for output that a run
    /// regenerates, such as test reports, where a sync would cost more
    /// than the whole report.
    Regenerable,
}

/// Save `bytes` to `path` so that a crash leaves either the old or the new
/// content. A symbolic link is followed and its target saved; a read-only
/// target is refused; mode, owner and group are kept. When the new file
/// cannot get the old one's owner, or the file has other hard links, it is
/// rewritten in place instead (as GLib's `g_file_replace` does).
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    save_with(path, bytes, Durability::Synced)
}

/// [`save`], with a choice of [`Durability`].
pub fn save_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), SaveError> {
    let sync = durability == Durability::Synced;
    let target = resolve_links(path)?;
    let old = match std::fs::metadata(&target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(meta) = &old {
        if meta.is_dir() {
            return Err(std::io::Error::from_raw_os_error(libc::EISDIR).into());
        }
        if !writable(&target, meta) {
            return Err(SaveError::ReadOnly { file: target });
        }
        if meta.nlink() > 1 || !meta.is_file() {
            return write_in_place(&target, bytes, sync);
        }
    }
    match write_replacing(&target, old.as_ref(), bytes, sync) {
        Err(Replace::Fallback) => write_in_place(&target, bytes, sync),
        Err(Replace::Failed(e)) => Err(e.into()),
        Ok(()) => Ok(()),
    }
}

enum Replace {
    /// Replacing would lose the owner or the folder is not writable: write
    /// in place.
    Fallback,
    Failed(std::io::Error),
}

impl From<std::io::Error> for Replace {
    fn from(e: std::io::Error) -> Self {
        Replace::Failed(e)
    }
}

fn write_replacing(
    target: &Path,
    old: Option<&Metadata>,
    bytes: &[u8],
    sync: bool,
) -> Result<(), Replace> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(target.file_name().unwrap_or_default());
    prefix.push(".");
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir);
    let mut tmp = match tmp {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::PermissionDenied && old.is_some() => {
            return Err(Replace::Fallback)
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(meta) = old {
        let file = tmp.as_file();
        let (uid, gid) = (meta.uid(), meta.gid());
        let mine = file.metadata()?;
        if (mine.uid(), mine.gid()) != (uid, gid)
            && std::os::unix::fs::fchown(file, Some(uid), Some(gid)).is_err()
        {
            return Err(Replace::Fallback);
        }
        // After the chown, which clears set-id bits.
        file.set_permissions(std::fs::Permissions::from_mode(
            meta.permissions().mode() & 0o7777,
        ))?;
    }
    tmp.write_all(bytes)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(target).map_err(|e| e.error)?;
    if sync {
        sync_dir(dir)?;
    }
    Ok(())
}

fn write_in_place(target: &Path, bytes: &[u8], sync: bool) -> Result<(), SaveError> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
    file.write_all(bytes)?;
    if sync {
        file.sync_all()?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_past_the_limit() {
        let zeros = std::io::repeat(0);
        assert!(matches!(
            read_limited(zeros, 1000),
            Err(ReadLimitError::TooLarge { limit: 1000 })
        ));
        assert_eq!(read_limited(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(read_limited(&b"abcd"[..], 3).is_err());
    }

    #[test]
    fn dev_zero_is_refused_without_reading_it_whole() {
        assert!(matches!(
            read_file_limited(Path::new("/dev/zero")),
            Err(ReadLimitError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_new_file_is_created_with_the_default_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.apdu");
        save(&path, b"00 A4 00 00\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"00 A4 00 00\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // 0666 less the umask: at least readable and writable by its owner.
        assert_eq!(mode & 0o600, 0o600, "{mode:o}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("new.apdu")]);
    }

    #[test]
    fn text_stops_at_the_first_bad_byte() {
        // Random bytes after a valid start: the read stops at once.
        let mut input = b"00 A4\n\xff".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10));
        let err = read_text(
            std::io::Read::chain(&input[..], std::io::repeat(1)),
            u64::MAX,
            0,
        );
        assert!(matches!(
            err,
            Err(TextError::NotText {
                kind: NotText::InvalidUtf8,
                offset: 6,
                line: 2
            })
        ));
        let err = read_text(&b"a\rb\0"[..], 100, 0);
        assert!(matches!(
            err,
            Err(TextError::NotText {
                kind: NotText::Nul,
                offset: 3,
                line: 2
            })
        ));
        let err = read_text(std::io::repeat(0), u64::MAX, 0);
        assert!(matches!(
            err,
            Err(TextError::NotText {
                kind: NotText::Nul,
                offset: 0,
                ..
            })
        ));
        for bom in [&b"\xff\xfe0\x000\x00"[..], b"\xfe\xff\x000\x000"] {
            assert!(matches!(
                read_text(bom, 100, 0),
                Err(TextError::NotText {
                    kind: NotText::Utf16,
                    offset: 0,
                    line: 1
                })
            ));
        }
    }

    #[test]
    fn characters_cut_between_chunks_are_read_whole() {
        // One byte at a time: every multi-byte character is cut.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let text = "\u{feff}# café ёлочки 🙂\n00 A4";
        assert_eq!(
            read_text(Trickle(text.as_bytes()), 100, 0).unwrap(),
            "# café ёлочки 🙂\n00 A4"
        );
        // A character cut by the end of the input is not text.
        assert!(matches!(
            read_text(Trickle(b"ok\xc3"), 100, 0),
            Err(TextError::NotText { offset: 2, .. })
        ));
        assert!(matches!(
            read_text(Trickle(b"abcd"), 3, 0),
            Err(TextError::TooLarge { limit: 3 })
        ));
    }

    #[test]
    fn ron_errors_give_no_programmer_advice() {
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        let e = ron::from_str::<ron::Value>(&deep).unwrap_err();
        let text = ron_error_text(&e);
        assert!(!text.contains("serde_stacker"), "{text}");
        assert!(text.ends_with(": nested too deeply"), "{text}");
        assert!(text.starts_with("line 1, column "), "{text}");
    }

    #[test]
    fn os_errors_lose_their_number() {
        let e = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(os_error_text(&e), "Permission denied");
        assert_eq!(SaveError::Io(e).to_string(), "Permission denied");
    }
}
