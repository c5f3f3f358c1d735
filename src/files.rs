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
