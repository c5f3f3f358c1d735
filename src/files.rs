//! Files tuidesk writes beside the database (exports, attachments, backups) follow the
//! team's umask like the database does: created 0666 less the umask, whatever the library
//! that made them chose (tempfile: 0600, SQLite: 0644).

use std::path::Path;

/// The process's umask (Linux: from /proc, without changing it); 022 when unknown.
pub fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Gives `path` the mode a plain new file gets: 0666 less the umask.
pub fn apply_umask(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666 & !umask()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Flushes a directory entry (a rename into it) to disk, where the platform allows.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `data` to a new file at `path`: an existing file is refused in the same step (no
/// check-then-write race, no temporary name that could clobber another file), the data is
/// synced, and a failed write removes the half file. `AlreadyExists` says it was there.
pub fn write_new_file(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    if let Err(e) = file.write_all(data).and_then(|_| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    apply_umask(path)
}

/// Where an `--out PATH` goes.
#[derive(Debug, PartialEq, Eq)]
pub enum OutTarget {
    /// A regular file (or none yet) at this path, which may be the target of a symbolic
    /// link: written under a temporary name beside it and renamed over it at the end, so a
    /// failed write leaves the old file whole and the link a link.
    Replace(std::path::PathBuf),
    /// A device, a pipe or a socket (`/dev/null`, `>(gzip > x)`): written in place. Renaming
    /// a file over it would destroy it (as root, a device node).
    Stream(std::path::PathBuf),
}

/// Decides how to write `path`; a directory, or a link to nowhere, is an error.
pub fn out_target(path: &Path) -> std::io::Result<OutTarget> {
    let link = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(OutTarget::Replace(path.to_path_buf()));
        }
        other => other?,
    };
    let real = if link.file_type().is_symlink() {
        std::fs::canonicalize(path).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "{} is a symbolic link to a missing file ({e})",
                    path.display()
                ),
            )
        })?
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&real)?;
    if meta.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is a directory; name a file",
            path.display()
        )));
    }
    Ok(if meta.is_file() {
        OutTarget::Replace(real)
    } else {
        OutTarget::Stream(real)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_targets_follow_links_and_never_replace_devices() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.jsonl");
        assert_eq!(out_target(&file).unwrap(), OutTarget::Replace(file.clone()));
        std::fs::write(&file, "old").unwrap();
        assert_eq!(out_target(&file).unwrap(), OutTarget::Replace(file.clone()));
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            let real = std::fs::canonicalize(&file).unwrap();
            assert_eq!(out_target(&link).unwrap(), OutTarget::Replace(real));
            let dangling = dir.path().join("dangling");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
            assert!(out_target(&dangling).is_err());
            assert_eq!(
                out_target(Path::new("/dev/null")).unwrap(),
                OutTarget::Stream("/dev/null".into())
            );
        }
        let err = out_target(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
    }
}
