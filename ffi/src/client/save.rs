//! Writing a dump file the way [`SessionBody::save`](super::SessionBody::save) documents:
//! by what is at the path (nothing, a regular file, a link, a FIFO or device, a directory).

use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path`; on failure, the name being written (`path`, or the file a
/// link at `path` leads to) and the error.
pub(crate) fn write_dump(path: &Path, bytes: &[u8]) -> Result<(), (PathBuf, io::Error)> {
    match save_target(path).map_err(|e| (path.to_path_buf(), e))? {
        SaveTarget::Replace(target, permissions) => {
            replace(&target, bytes, permissions).map_err(|e| (target, e))
        }
        SaveTarget::InPlace { truncate } => {
            write_in_place(path, bytes, truncate).map_err(|e| (path.to_path_buf(), e))
        }
    }
}

/// How [`SessionBody::save`] writes, from what is at the path.
enum SaveTarget {
    /// Write a temporary file beside this path (the final target of any links), with these
    /// permissions when given, then rename it to the path.
    Replace(PathBuf, Option<Permissions>),
    /// Open the path itself for writing (without creating it) and write into it; `truncate`
    /// for a regular file.
    InPlace { truncate: bool },
}

/// Looks at what `path` leads to (following symlinks) and decides how to write it.
fn save_target(path: &Path) -> io::Result<SaveTarget> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::from(io::ErrorKind::IsADirectory)),
        Ok(meta) if meta.is_file() => Ok(match resolve_file(path, &meta) {
            Some(target) => SaveTarget::Replace(target, kept_permissions(&meta)),
            None => SaveTarget::InPlace { truncate: true },
        }),
        #[cfg(unix)]
        Ok(_) => Ok(SaveTarget::InPlace { truncate: false }),
        #[cfg(not(unix))]
        Ok(_) => Ok(SaveTarget::Replace(path.to_path_buf(), None)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok(SaveTarget::Replace(missing_target(path)?, None))
        }
        Err(e) => Err(e),
    }
}

/// The canonical name of the existing regular file `path` leads to; `None` when that name
/// does not lead back to the same file (Unix: device and inode compared), as for a
/// `/proc/self/fd/N` link to a deleted file.
fn resolve_file(path: &Path, meta: &Metadata) -> Option<PathBuf> {
    let target = std::fs::canonicalize(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let found = std::fs::metadata(&target).ok()?;
        if (found.dev(), found.ino()) != (meta.dev(), meta.ino()) {
            return None;
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Some(target)
}

/// The permissions a replacement of the file with `meta` gets: its permission bits on Unix;
/// the defaults elsewhere.
fn kept_permissions(meta: &Metadata) -> Option<Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(Permissions::from_mode(meta.permissions().mode() & 0o7777))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// The name to create for a `path` that leads to nothing: `path` itself, or for a dangling
/// symlink the missing name at the end of its chain of links (relative links resolved
/// from the link's directory).
fn missing_target(path: &Path) -> io::Result<PathBuf> {
    /// As Linux's limit on the links followed in one lookup.
    const MAX_LINKS: usize = 40;
    let mut current = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes `bytes` to a new file beside `target`, with `permissions` when given, syncs it and
/// renames it to `target`; the temporary file is removed on failure.
fn replace(target: &Path, bytes: &[u8], permissions: Option<Permissions>) -> io::Result<()> {
    // Unique per process and call, so that concurrent saves to one path do not share it.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = target.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.{n}.part", std::process::id()));
    let tmp = target.with_file_name(tmp_name);
    let written = File::create(&tmp)
        .and_then(|mut f| {
            // Before the bytes, so that they are never readable more widely than intended.
            if let Some(permissions) = permissions {
                f.set_permissions(permissions)?;
            }
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Opens the existing `path` for writing (not creating it) and writes `bytes` into it.
fn write_in_place(path: &Path, bytes: &[u8], truncate: bool) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(truncate)
        .open(path)?;
    f.write_all(bytes)?;
    f.flush()?;
    if truncate {
        f.sync_all()?;
    }
    Ok(())
}
