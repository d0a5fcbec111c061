//! `lcsession retrieve -o PATH` when PATH is a symlink: the link is kept and what it leads
//! to is written (a file is replaced, a pipe is written into). The links live in a fresh
//! directory under `CARGO_TARGET_TMPDIR`; the one to `/proc/self/fd/1` is followed only by
//! the child process, into its own captured standard output.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use lcsession_testserver::{Reply, Server};

const BIN: &str = env!("CARGO_BIN_EXE_lcsession");

/// Variables a child must not inherit.
const SCRUBBED: &[&str] = &[
    "LLAMA_CLOUD_API_KEY",
    "LLAMA_PARSE_API_KEY",
    "LLAMA_CLOUD_BASE_URL",
    "LLAMA_CLOUD_CUSTOM_HEADERS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

fn sample() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/sample-session.json"),
    )
    .unwrap()
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
        .join(format!("output-targets-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// `lcsession retrieve --api-key k --base-url <server> ses -o <output>`.
fn retrieve_to(server: &Server, output: &Path) -> Output {
    command(server, output).output().unwrap()
}

fn command(server: &Server, output: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["retrieve", "--api-key", "k", "--base-url"])
        .arg(server.base_url())
        .args(["--max-retries", "0", "--timeout", "10", "ses", "-o"])
        .arg(output);
    for name in SCRUBBED {
        cmd.env_remove(name);
    }
    cmd
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_to_a_symlink_keeps_the_link_and_writes_its_target() {
    let server = Server::script(vec![Reply::json(200, sample())]);
    let dir = temp_dir("symlink");
    let target = dir.join("target.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink("target.json", &link).unwrap();

    let out = retrieve_to(&server, &link);
    succeeded(&out);
    assert!(out.stdout.is_empty());
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("target.json"));
    assert_eq!(std::fs::read(&target).unwrap(), sample());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["link.json", "target.json"]);
}

#[test]
#[cfg(target_os = "linux")]
fn output_to_a_link_to_standard_output_writes_into_the_pipe() {
    // Like `-o /dev/stdout` (a link to /proc/self/fd/1), but with a link of our own: the
    // child follows it to its own standard output, a pipe to this test.
    let server = Server::script(vec![Reply::json(200, sample())]);
    let dir = temp_dir("stdout");
    let link = dir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();

    let out = retrieve_to(&server, &link);
    succeeded(&out);
    assert!(
        out.stdout == sample(),
        "stdout has {} bytes, not the {} of the body",
        out.stdout.len(),
        sample().len()
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
#[cfg(target_os = "linux")]
fn output_to_standard_output_open_on_a_deleted_file_writes_into_it() {
    // `/proc/self/fd/1` of a child whose standard output is a file that has no name any
    // more: there is nothing to rename over, so the file is written in place.
    use std::io::{Read, Seek};
    let server = Server::script(vec![Reply::json(200, sample())]);
    let dir = temp_dir("deleted");
    let path = dir.join("stdout.json");
    let mut file = std::fs::File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut file, b"old content").unwrap();
    std::fs::remove_file(&path).unwrap();

    let out = command(&server, Path::new("/proc/self/fd/1"))
        .stdout(file.try_clone().unwrap())
        .output()
        .unwrap();
    succeeded(&out);
    let mut got = Vec::new();
    file.rewind().unwrap();
    file.read_to_end(&mut got).unwrap();
    assert!(
        got == sample(),
        "the file has {} bytes, not the {} of the body",
        got.len(),
        sample().len()
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}
