//! Saving never hurts a file: planted symbolic links, modes, owners, links,
//! read-only files and a save killed half-way.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use apdu_scriptor::files::{save, SaveError};

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A folder anyone may write to (no sticky bit), as a shared project folder.
fn shared_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// Run `cmd` as the user nobody (needs root).
fn as_nobody(cmd: &mut Command) -> std::process::Output {
    let mut full = Command::new("setpriv");
    full.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
    ])
    .arg(cmd.get_program())
    .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => full.env(k, v),
            None => full.env_remove(k),
        };
    }
    full.output().unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_planted_symlink_at_a_temp_name_is_not_followed() {
    if !is_root() {
        eprintln!("skipped: needs root to plant the link as another user");
        return;
    }
    let secret_dir = tempfile::tempdir().unwrap();
    let victim = secret_dir.path().join("victim");
    std::fs::write(&victim, "only root writes this").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).unwrap();

    let dir = shared_dir();
    let script = dir.path().join("x.apdu");
    std::fs::write(&script, "00 A4 00 00\n").unwrap();
    // The old temp name, `.NAME.tmp-<pid>`, and other likely ones, planted by
    // another user.
    let pid = std::process::id();
    let names = [
        format!(".x.apdu.tmp-{pid}"),
        ".x.apdu.tmp".to_owned(),
        "x.apdu.tmp".to_owned(),
        "x.apdu~".to_owned(),
        ".goutputstream-XXXXXX".to_owned(),
    ];
    for name in &names {
        let out = as_nobody(
            Command::new("ln")
                .arg("-s")
                .arg(&victim)
                .arg(dir.path().join(name)),
        );
        assert!(out.status.success(), "{out:?}");
    }
    save(&script, b"00 B0 00 00 10\n").unwrap();
    assert_eq!(std::fs::read(&script).unwrap(), b"00 B0 00 00 10\n");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "only root writes this"
    );
    assert_eq!(mode(&victim), 0o600);
    for name in &names {
        let meta = std::fs::symlink_metadata(dir.path().join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name}");
    }
    // Nothing else was left in the folder.
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut expected: Vec<String> = names.to_vec();
    expected.push("x.apdu".into());
    expected.sort();
    assert_eq!(left, expected);
}

#[test]
fn mode_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    for m in [0o640, 0o600, 0o755, 0o664] {
        let path = dir.path().join(format!("m{m:o}.apdu"));
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        save(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), m, "{}", path.display());
    }
}

#[test]
fn owner_and_group_are_kept_when_root_saves_another_users_file() {
    if !is_root() {
        eprintln!("skipped: needs root to chown");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theirs.apdu");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).unwrap();
    save(&path, b"new").unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!((meta.uid(), meta.gid()), (NOBODY, NOBODY));
    assert_eq!(mode(&path), 0o640);
}

#[test]
fn a_read_only_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.apdu");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = save(&path, b"new").unwrap_err();
    assert!(
        matches!(&err, SaveError::ReadOnly { file } if file == &path),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "the file is read-only");
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(mode(&path), 0o444);
}

#[test]
fn another_users_file_in_a_shared_folder_is_refused() {
    if !is_root() {
        eprintln!("skipped: needs root to run a step as nobody");
        return;
    }
    let dir = shared_dir();
    let path = dir.path().join("roots.apdu");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = as_nobody(saver(&path, "new", 1).env("SAFE_SAVE_ONCE", "1"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("SAVE-ERROR the file is read-only"),
        "{out:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(std::fs::metadata(&path).unwrap().uid(), 0);
}

#[test]
fn a_symlinked_script_is_saved_to_its_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let real = dir.path().join("real/script.apdu");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A relative link, and a link to the link.
    let link = dir.path().join("link.apdu");
    std::os::unix::fs::symlink("real/script.apdu", &link).unwrap();
    let link2 = dir.path().join("link2.apdu");
    std::os::unix::fs::symlink(&link, &link2).unwrap();
    save(&link2, b"new").unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(&link2)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    assert_eq!(mode(&real), 0o600);
    // A dangling link creates its target.
    let dangling = dir.path().join("dangling.apdu");
    std::os::unix::fs::symlink("real/new.apdu", &dangling).unwrap();
    save(&dangling, b"fresh").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("real/new.apdu")).unwrap(),
        b"fresh"
    );
    // A loop is an error, not a hang.
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    assert!(save(&a, b"x").is_err());
}

#[test]
fn hard_links_stay_joined() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.apdu");
    let b = dir.path().join("b.apdu");
    std::fs::write(&a, "old").unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    save(&a, b"new").unwrap();
    assert_eq!(std::fs::read(&b).unwrap(), b"new");
    assert_eq!(std::fs::metadata(&a).unwrap().nlink(), 2);
}

/// This test binary, started again to run only [`saver_child`].
fn saver(path: &Path, fill: &str, mib: usize) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "saver_child", "--nocapture", "--test-threads=1"])
        .env("SAFE_SAVE_PATH", path)
        .env("SAFE_SAVE_FILL", fill)
        .env("SAFE_SAVE_MIB", mib.to_string());
    cmd
}

/// Not a test of its own: the child process of the tests above. Saves
/// `SAFE_SAVE_PATH` once, or over and over alternating two contents.
#[test]
fn saver_child() {
    let Some(path) = std::env::var_os("SAFE_SAVE_PATH").map(PathBuf::from) else {
        return;
    };
    let fill = std::env::var("SAFE_SAVE_FILL").unwrap();
    let mib: usize = std::env::var("SAFE_SAVE_MIB").unwrap().parse().unwrap();
    let contents: Vec<Vec<u8>> = fill.bytes().map(|b| vec![b; mib * 1024 * 1024]).collect();
    let once = std::env::var_os("SAFE_SAVE_ONCE").is_some();
    for (i, bytes) in contents.iter().cycle().enumerate() {
        match save(&path, bytes) {
            Ok(()) => println!("SAVED {i}"),
            Err(e) => println!("SAVE-ERROR {e}"),
        }
        if once {
            return;
        }
    }
}

#[test]
fn a_save_killed_half_way_leaves_the_old_or_the_new_content() {
    const MIB: usize = 16;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.apdu");
    std::fs::write(&path, vec![b'a'; MIB * 1024 * 1024]).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..6u64 {
        let mut child = saver(&path, "ba", MIB)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Let one save finish, then kill the child somewhere in a later one.
        loop {
            let line = lines.next().unwrap().unwrap();
            if line.starts_with("SAVED") {
                break;
            }
            assert!(!line.starts_with("SAVE-ERROR"), "{line}");
        }
        std::thread::sleep(std::time::Duration::from_millis(7 * round));
        // SAFETY: kill on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), MIB * 1024 * 1024, "round {round}");
        let first = bytes[0];
        assert!(first == b'a' || first == b'b');
        assert!(
            bytes.iter().all(|&b| b == first),
            "mixed content in round {round}"
        );
        seen.insert(first);
    }
    // Any temp files left by the killed saves are hidden ones, never the script.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "big.apdu" || name.starts_with(".big.apdu."),
            "{name}"
        );
    }
    assert!(!seen.is_empty());
}
