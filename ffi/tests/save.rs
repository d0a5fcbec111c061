//! `SessionBody::save` against what may already be at the path: a regular file (replaced
//! atomically, its permissions kept), a symlink (its target written, the link kept), a
//! dangling symlink (its target created), a FIFO (written into, not replaced), a directory
//! and a missing parent directory (errors naming the path).
//!
//! Everything happens in a fresh directory under `CARGO_TARGET_TMPDIR`; no system path is
//! ever written.
#![cfg(all(unix, not(miri)))]

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lcsession::client::{Client, ClientErrorKind, RetrieveOptions, SessionBody};
use lcsession_testserver::{Reply, Server};

const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");

/// The sample session, retrieved from a loopback server (the only way to get a body).
fn body() -> SessionBody {
    let server = Server::script(vec![Reply::json(200, SAMPLE)]);
    let client = Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .env(|_| None)
        .max_retries(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let body = client.retrieve("s", &RetrieveOptions::default()).unwrap();
    assert_eq!(body.as_bytes(), SAMPLE);
    body
}

/// A new empty directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("save-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// The names in `dir`, sorted (to see that no temporary file is left behind).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_regular_file_is_replaced_atomically_and_keeps_its_permissions() {
    let dir = temp_dir("regular");
    let path = dir.join("dump.json");
    std::fs::write(&path, "old content, longer than nothing").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let old_inode = std::fs::metadata(&path).unwrap().ino();

    body().save(&path).unwrap();

    let meta = std::fs::symlink_metadata(&path).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    // A new file renamed into place, not the old one rewritten.
    assert_ne!(meta.ino(), old_inode);
    assert_eq!(std::fs::read(&path).unwrap(), SAMPLE);
    assert_eq!(names(&dir), ["dump.json"]);

    // Another mode, through a relative path to the same file.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    body().save(&path).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert_eq!(names(&dir), ["dump.json"]);
}

#[test]
fn a_new_file_is_created() {
    let dir = temp_dir("new");
    let path = dir.join("dump.json");
    body().save(&path).unwrap();
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    assert_eq!(std::fs::read(&path).unwrap(), SAMPLE);
    assert_eq!(names(&dir), ["dump.json"]);
}

#[test]
fn a_symlink_stays_a_link_and_its_target_gets_the_bytes() {
    let dir = temp_dir("symlink");
    let data = dir.join("data");
    std::fs::create_dir(&data).unwrap();
    let target = data.join("target.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    // link -> data/target.json (relative), link2 -> link (a chain).
    let link = dir.join("link");
    std::os::unix::fs::symlink("data/target.json", &link).unwrap();
    let link2 = dir.join("link2");
    std::os::unix::fs::symlink(&link, &link2).unwrap();

    body().save(&link).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("data/target.json")
    );
    assert_eq!(std::fs::read(&target).unwrap(), SAMPLE);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o600);

    std::fs::write(&target, "old again").unwrap();
    body().save(&link2).unwrap();
    assert!(std::fs::symlink_metadata(&link2).unwrap().is_symlink());
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), SAMPLE);

    // The temporary file was in the target's directory, and is gone.
    assert_eq!(names(&dir), ["data", "link", "link2"]);
    assert_eq!(names(&data), ["target.json"]);
}

#[test]
fn a_dangling_symlink_gets_its_target_created() {
    let dir = temp_dir("dangling");
    std::fs::create_dir(dir.join("data")).unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink("data/new.json", &link).unwrap();
    // A chain ending in the dangling link.
    let link2 = dir.join("link2");
    std::os::unix::fs::symlink("link", &link2).unwrap();

    body().save(&link2).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(std::fs::symlink_metadata(&link2).unwrap().is_symlink());
    let created = dir.join("data/new.json");
    assert!(std::fs::symlink_metadata(&created).unwrap().is_file());
    assert_eq!(std::fs::read(&created).unwrap(), SAMPLE);
    assert_eq!(names(&dir), ["data", "link", "link2"]);
    assert_eq!(names(&dir.join("data")), ["new.json"]);

    // A dangling link into a missing directory: an error naming the path; the link stays.
    let bad = dir.join("bad");
    std::os::unix::fs::symlink("missing/x.json", &bad).unwrap();
    let e = body().save(&bad).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Io);
    assert!(e.to_string().contains(bad.to_str().unwrap()), "{e}");
    assert!(std::fs::symlink_metadata(&bad).unwrap().is_symlink());
    assert!(!dir.join("missing").exists());
}

/// Saves into the FIFO at `save_to` (the FIFO itself or a link to it) while a reader
/// thread reads `fifo`; returns what the reader got.
fn save_into_fifo(fifo: &Path, save_to: &Path) -> Vec<u8> {
    let reader = {
        let fifo = fifo.to_owned();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            std::fs::File::open(&fifo)
                .unwrap()
                .read_to_end(&mut got)
                .unwrap();
            got
        })
    };
    body().save(save_to).unwrap();
    // Checked before joining: had the FIFO been replaced, the reader would wait forever
    // (the test fails here instead of hanging).
    let meta = std::fs::symlink_metadata(fifo).unwrap();
    assert!(meta.file_type().is_fifo(), "the FIFO was replaced");
    reader.join().unwrap()
}

#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe");
    mkfifo(&fifo);
    assert_eq!(save_into_fifo(&fifo, &fifo), SAMPLE);
    assert_eq!(names(&dir), ["pipe"]);

    // Through a symlink, as `-o /dev/stdout` reaches a pipe.
    let link = dir.join("stdout");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    assert_eq!(save_into_fifo(&fifo, &link), SAMPLE);
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(names(&dir), ["pipe", "stdout"]);
}

#[test]
fn a_directory_is_an_error_naming_the_path() {
    let dir = temp_dir("directory");
    let target = dir.join("sub");
    std::fs::create_dir(&target).unwrap();
    let e = body().save(&target).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Io);
    let message = e.to_string();
    assert!(message.contains(target.to_str().unwrap()), "{message}");
    assert!(message.to_lowercase().contains("directory"), "{message}");
    assert!(std::fs::metadata(&target).unwrap().is_dir());
    assert_eq!(names(&dir), ["sub"]);
    assert!(names(&target).is_empty());

    // Through a symlink to the directory: the same error, the link kept.
    let link = dir.join("link");
    std::os::unix::fs::symlink("sub", &link).unwrap();
    let e = body().save(&link).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Io);
    assert!(e.to_string().contains(link.to_str().unwrap()), "{e}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(names(&dir), ["link", "sub"]);
}

#[test]
fn a_missing_parent_directory_is_an_error_naming_the_path() {
    let dir = temp_dir("missing-parent");
    let path = dir.join("no-such-dir").join("x.json");
    let e = body().save(&path).unwrap_err();
    assert_eq!(e.kind(), ClientErrorKind::Io);
    let message = e.to_string();
    assert!(message.contains(path.to_str().unwrap()), "{message}");
    assert!(message.starts_with("writing "), "{message}");
    assert!(names(&dir).is_empty());
}
