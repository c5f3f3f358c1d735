//! The SQLite store: the only module that speaks SQL. Opening applies migrations; every
//! multi-row write runs in one `BEGIN IMMEDIATE` transaction with bounded retry, so other
//! engineers' processes on the same file see all of a change or none of it.

mod decode;
mod error;
pub mod fts;
mod generate;
mod mail;
mod orders;
mod orgs;
mod people;
mod port;
mod schema;
mod sla_columns;
mod tickets;
mod transfer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

pub use crate::store::error::{Result, StoreError};
pub use error::Context;
pub use orders::{
    CreatedOrder, MAX_ATTACHMENT_BYTES, NewOrder, OrderFilter, validate_attachment_name,
};
pub use tickets::{
    NewTicket, SortKey, TicketChange, TicketDetail, TicketFilter, TicketPage, TicketSort,
    UrgencyCounts,
};

use crate::domain::Actor;
use crate::policy::PolicyRegistry;
pub(crate) use crate::store::EventSubject;

/// How long one statement waits on another process's lock before SQLite gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a write transaction is retried when the lock stays busy past the timeout.
const WRITE_ATTEMPTS: u32 = 5;

/// SQLite's locking is unreliable on network file systems; say so instead of corrupting.
pub fn warn_if_network_fs(path: &Path) {
    if let Some(fs) = network_fs_type(path) {
        eprintln!(
            "tuidesk: warning: {} is on a {fs} network file system; SQLite locking is unsafe there, keep the database on a local disk",
            path.display()
        );
    }
}

pub fn is_network_fs_type(fs_type: &str) -> bool {
    matches!(
        fs_type,
        "nfs"
            | "nfs4"
            | "cifs"
            | "smb3"
            | "smbfs"
            | "fuse.sshfs"
            | "9p"
            | "ceph"
            | "glusterfs"
            | "afs"
            | "lustre"
            | "fuse.s3fs"
    )
}

/// The file-system type of the mount holding `path`, if it is a network one (Linux only).
fn network_fs_type(path: &Path) -> Option<String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).ok()?;
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in mounts.lines() {
        let mut parts = line.split_whitespace();
        let (_, Some(mount), Some(fs)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if dir.starts_with(mount) && best.as_ref().is_none_or(|(len, _)| mount.len() > *len) {
            best = Some((mount.len(), fs.to_string()));
        }
    }
    best.map(|(_, fs)| fs).filter(|fs| is_network_fs_type(fs))
}

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    policies: Arc<PolicyRegistry>,
}

/// Writes one audit row as given (recorded now, or imported from an export).
pub(crate) fn insert_event_row(
    tx: &Transaction,
    subject: EventSubject,
    (actor, source): (&str, &str),
    at: DateTime<Utc>,
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO events (ticket_id, org_id, order_id, actor, actor_source, at, field, old, new)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            subject.ticket_id,
            subject.org_id,
            subject.order_id,
            actor,
            source,
            to_ts(at),
            field,
            old,
            new
        ])
    })
    .ctx("recording audit event")?;
    Ok(())
}

pub fn to_ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn from_ts(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub fn opt_from_ts(ts: Option<i64>) -> Option<DateTime<Utc>> {
    ts.map(from_ts)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        // Create the file ourselves (0666 less the umask) so a team umask of 002 gives a
        // group-writable database; SQLite gives its -wal and -shm files the same mode.
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| {
                    StoreError::Other(format!("cannot create database {}: {e}", path.display()))
                })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .ctx(&format!("opening {}", path.display()))?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            policies,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database for reading only (the TUI's change watcher, backups).
    pub fn open_read_only(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ctx(&format!("opening {} read-only", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .ctx("setting busy timeout")?;
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            policies,
        })
    }

    fn configure(&mut self) -> Result<()> {
        let what = format!("opening {}", self.path.display());
        self.conn.busy_timeout(BUSY_TIMEOUT).ctx(&what)?;
        // journal_mode is the first statement that reads the file, so a non-database fails here.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .ctx(&what)?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Other(format!(
                "{what}: could not switch to WAL journal mode (got {mode}); is the file system read-only?"
            )));
        }
        self.conn
            .execute_batch(
                "PRAGMA foreign_keys = ON;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA temp_store = MEMORY;",
            )
            .ctx(&what)?;
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let supported = schema::MIGRATIONS.len() as i64;
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ctx("reading schema version")?;
        if found > supported {
            return Err(StoreError::NewerSchema { found, supported });
        }
        if found == supported {
            return Ok(());
        }
        self.write(|tx| {
            // Re-read inside the lock: another process may have migrated meanwhile.
            let current: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .ctx("reading schema version")?;
            for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(current as usize) {
                tx.execute_batch(sql)
                    .ctx(&format!("applying schema migration {}", i + 1))?;
                tx.pragma_update(None, "user_version", (i + 1) as i64)
                    .ctx("recording schema version")?;
            }
            Ok(())
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn policies(&self) -> &Arc<PolicyRegistry> {
        &self.policies
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so
    /// the transaction can never fail half-way on a lock upgrade. Busy locks are retried a
    /// bounded number of times; any error rolls everything back.
    pub fn write<T>(&mut self, mut body: impl FnMut(&Transaction) -> Result<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result: Result<T> = (|| {
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .ctx("starting a write transaction")?;
                let value = body(&tx)?;
                tx.commit().ctx("committing")?;
                Ok(value)
            })();
            match result {
                Err(e) if e.is_busy() && attempt < WRITE_ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
                }
                other => return other,
            }
        }
    }

    /// A fact about the database itself (see the `meta` table), if recorded.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .ctx("reading database facts")
    }

    /// Records a fact about the database itself, replacing an earlier value.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .ctx("recording database facts")?;
            Ok(())
        })
    }

    /// Increments whenever another connection commits to the file: the cheap change signal
    /// the TUI polls.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .ctx("polling for changes")
    }

    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .ctx("running integrity check")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .ctx("running integrity check")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("running integrity check")
    }

    /// A consistent copy while others keep writing: `VACUUM INTO` reads one snapshot (a
    /// read transaction, so writers never restart it and it finishes in bounded time) into a
    /// temporary name in the destination's directory, which is synced and then linked into
    /// place. An interrupted backup (killed, disk full) leaves no file at `dest`.
    /// `progress` hears the bytes written so far, from another thread, a few times a second.
    pub fn backup_to(&self, dest: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::Other(format!(
                "{} already exists; choose a new file name",
                dest.display()
            )));
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".into());
        let tmp = dir.join(format!(
            ".{name}.tuidesk-backup-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        let io = |what: &str, e: std::io::Error| {
            let kind = if e.raw_os_error() == Some(28) {
                crate::store::DbFailure::DiskFull
            } else {
                crate::store::DbFailure::Io
            };
            StoreError::Db {
                context: format!("{what} {}", dest.display()),
                kind,
                message: e.to_string(),
            }
        };
        let done = std::sync::atomic::AtomicBool::new(false);
        let result = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(m) = std::fs::metadata(&tmp) {
                        progress(m.len());
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
            let r = (|| {
                self.conn
                    .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
                    .ctx(&format!("backing up to {}", dest.display()))?;
                let f = std::fs::File::open(&tmp).map_err(|e| io("syncing", e))?;
                f.sync_all().map_err(|e| io("syncing", e))?;
                crate::files::apply_umask(&tmp).map_err(|e| io("writing", e))?;
                // A link never replaces a file that appeared meanwhile; then the temporary
                // name goes.
                std::fs::hard_link(&tmp, dest).map_err(|e| io("writing", e))?;
                let _ = std::fs::remove_file(&tmp);
                crate::files::sync_dir(&dir);
                Ok(())
            })();
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            r
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        if let Ok(m) = std::fs::metadata(dest) {
            progress(m.len());
        }
        result
    }

    /// One audit row about a ticket, an order or an organization itself.
    pub(crate) fn record_item_event(
        tx: &Transaction,
        subject: EventSubject,
        actor: &Actor,
        now: DateTime<Utc>,
        change: (&str, Option<&str>, Option<&str>),
    ) -> Result<()> {
        insert_event_row(
            tx,
            subject,
            (&actor.audit_name(), actor.source()),
            now,
            change,
        )
    }
}
