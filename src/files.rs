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

/// Save `bytes` to `path` so that a crash leaves either the old or the new
/// content. A symbolic link is followed and its target saved; a read-only
/// target is refused; mode, owner and group are kept. When the new file
/// cannot get the old one's owner, or the file has other hard links, it is
/// rewritten in place instead (as GLib's `g_file_replace` does).
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
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
            return write_in_place(&target, bytes);
        }
    }
    match write_replacing(&target, old.as_ref(), bytes) {
        Err(Replace::Fallback) => write_in_place(&target, bytes),
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

fn write_replacing(target: &Path, old: Option<&Metadata>, bytes: &[u8]) -> Result<(), Replace> {
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
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    sync_dir(dir)?;
    Ok(())
}

fn write_in_place(target: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
    file.write_all(bytes)?;
    file.sync_all()?;
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
    fn os_errors_lose_their_number() {
        let e = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(os_error_text(&e), "Permission denied");
        assert_eq!(SaveError::Io(e).to_string(), "Permission denied");
    }
}
