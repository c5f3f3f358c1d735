//! The SQLite store: the only module that speaks SQL. Opening applies migrations; every
//! multi-row write runs in one `BEGIN IMMEDIATE` transaction with bounded retry, so other
//! engineers' processes on the same file see all of a change or none of it.

pub(crate) mod decode;
mod deferred_indexes;
mod error;
pub mod fts;
mod fts_rank;
mod generate;
mod load;
mod mail;
mod orders;
mod orgs;
mod pending;
mod people;
mod port;
mod reply_templates;
mod schema;
mod search_stage;
mod sla_columns;
mod tickets;
mod transfer;
mod watch;

use std::cell::Cell;
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
/// How long a write keeps retrying while a bulk load builds its deferred indexes: each build
/// holds the write lock for one whole index (13-19 s at 10M tickets, 51 s from a cold cache),
/// longer than the usual retries (about 25 s).
const LOAD_PATIENCE: Duration = Duration::from_secs(180);

/// Opens a connection after the process-wide settings are in place. SQLite counts every
/// allocation under one global mutex unless told not to; a load and its search-index worker
/// allocate on two threads at once, and nothing here reads the counters.
pub(super) fn connect(path: impl AsRef<Path>, flags: OpenFlags) -> rusqlite::Result<Connection> {
    static SETTINGS: std::sync::Once = std::sync::Once::new();
    SETTINGS.call_once(|| {
        // SAFETY: sqlite3_config is called before any connection exists in this process
        // (every open goes through here first); once SQLite is initialised it answers
        // SQLITE_MISUSE and changes nothing, which is harmless.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
    Connection::open_with_flags(path, flags)
}

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
    /// Data transactions this handle committed (each moved `data_generation` by one): the
    /// change token leaves them out, it counts the others'.
    own_commits: Cell<i64>,
    /// The last change token and the `data_version` it was read at: while `data_version`
    /// stays put (nobody else committed), the token is this one without reading the table.
    token: Cell<Option<(i64, i64)>>,
}

/// Counts a data transaction in `data_generation` (in the transaction, before its commit):
/// every write except a presence heartbeat does, so other handles' change tokens move with
/// data and not with heartbeats. The caller calls [`SqliteStore::committed`] after the commit.
pub(super) fn mark_change(tx: &Transaction) -> Result<()> {
    tx.prepare_cached("UPDATE data_generation SET n = n + 1")
        .and_then(|mut s| s.execute([]))
        .ctx("recording the change")?;
    Ok(())
}

/// Writes one audit row as given (recorded now, or imported from an export).
pub(crate) fn insert_event_row(
    tx: &Transaction,
    subject: EventSubject,
    (actor, source): (&str, &str),
    imported: bool,
    at: DateTime<Utc>,
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO events (ticket_id, org_id, order_id, actor, actor_source, at, field, old, new, imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
            new,
            imported
        ])
    })
    .ctx("recording audit event")?;
    Ok(())
}

/// `path` as SQLite must see it to take it as a file name: this SQLite reads any name
/// starting with `file:` as a URI, so a relative one gets a leading `./`.
fn plain_file_name(path: &Path) -> PathBuf {
    if path.is_relative() {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    }
}

/// An SQLite URI opening `path` read-only and immutable (every byte outside the unreserved
/// set percent-encoded, so no part of the name is read as a parameter).
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt as _;
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for &b in abs.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
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

/// Plans statements once, whatever values are bound later (SQLite's query planner stability
/// guarantee). Without it SQLite planned a statement again on every new value of a parameter
/// it had looked at while planning (e.g. against the tickets table's partial indexes):
/// reading one ticket by id was planned anew on every call, two thirds of an export's time.
fn stable_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map(|_| ())
}

impl SqliteStore {
    fn with(conn: Connection, path: &Path, policies: Arc<PolicyRegistry>) -> SqliteStore {
        SqliteStore {
            conn,
            path: path.to_path_buf(),
            policies,
            own_commits: Cell::new(0),
            token: Cell::new(None),
        }
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// `path` is a file name, never an SQLite URI (`file:x.db?mode=ro` names a file). A
    /// file this call created is removed again when opening fails (a full disk leaves no
    /// empty database behind).
    pub fn open(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        // Create the file ourselves (0666 less the umask) so a team umask of 002 gives a
        // group-writable database; SQLite gives its -wal and -shm files the same mode.
        let created = !path.exists();
        if created {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| {
                    StoreError::Other(format!("cannot create database {}: {e}", path.display()))
                })?;
        }
        let opened = Self::open_created(path, policies);
        if opened.is_err() && created {
            // Only what this call made: a file still empty (nobody else has written it).
            if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
                for suffix in ["-wal", "-shm", ""] {
                    let mut name = path.as_os_str().to_owned();
                    name.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(name));
                }
            }
        }
        opened
    }

    fn open_created(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        let conn = connect(
            plain_file_name(path),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ctx(&format!("opening {}", path.display()))?;
        let mut store = SqliteStore::with(conn, path, policies);
        // Before anything writes (WAL mode rewrites the header): is the file ours to use?
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .ctx(&format!("opening {}", path.display()))?;
        store.refuse_foreign()?;
        store.configure()?;
        store.migrate()?;
        // After the checks above: preparing any statement reads the file.
        fts_rank::register(&store.conn).map_err(StoreError::Other)?;
        // A load whose process died before it finished is undone before anyone reads it.
        store.recover_load()?;
        // Indexes a dead load deferred, after its rows are gone or kept.
        store.recover_deferred_indexes()?;
        Ok(store)
    }

    /// Opens an existing database for reading only (a read-only medium, the TUI's change
    /// watcher, backups). Where SQLite cannot make the WAL index next to the file (a
    /// read-only directory) the file is read as immutable: nobody can write there either.
    pub fn open_read_only(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        let what = format!("opening {} read-only", path.display());
        let conn = connect(
            plain_file_name(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ctx(&what)?;
        conn.busy_timeout(BUSY_TIMEOUT).ctx(&what)?;
        let conn = match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => conn,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly
                ) =>
            {
                drop(conn);
                let conn = connect(
                    immutable_uri(path),
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | OpenFlags::SQLITE_OPEN_URI,
                )
                .ctx(&what)?;
                conn.busy_timeout(BUSY_TIMEOUT).ctx(&what)?;
                conn
            }
            Err(e) => return Err(error::db_error(&what, &e)),
        };
        let store = SqliteStore::with(conn, path, policies);
        store.refuse_foreign()?;
        stable_plans(&store.conn).ctx(&what)?;
        fts_rank::register(&store.conn).map_err(StoreError::Other)?;
        Ok(store)
    }

    /// Opens an existing database for the commands that only read, when it cannot be
    /// written (a read-only medium): as [`SqliteStore::open_read_only`], and its schema
    /// must be this tuidesk's (nothing can be migrated).
    pub fn open_for_reading(path: &Path, policies: Arc<PolicyRegistry>) -> Result<SqliteStore> {
        let store = Self::open_read_only(path, policies)?;
        let supported = schema::MIGRATIONS.len() as i64;
        let found: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ctx("reading schema version")?;
        if found > supported {
            return Err(StoreError::NewerSchema { found, supported });
        }
        if found < supported {
            return Err(StoreError::Other(format!(
                "{} has an older schema (version {found}) that only a writable open can upgrade; open it once where it can be written",
                path.display()
            )));
        }
        Ok(store)
    }

    /// Refuses a SQLite file that holds another application's tables: tuidesk adds its
    /// own only to an empty file or one it made (its migrations set `user_version` in the
    /// same transaction that creates its tables).
    fn refuse_foreign(&self) -> Result<()> {
        let what = format!("opening {}", self.path.display());
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ctx(&what)?;
        let mut tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            )
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx(&what)?;
        let ours = version > 0
            && tables.iter().any(|t| t == "tickets")
            && tables.iter().any(|t| t == "events");
        if tables.is_empty() || ours {
            return Ok(());
        }
        let app: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .ctx(&what)?;
        let count = tables.len();
        tables.truncate(5);
        let mut list = tables.join(", ");
        if count > tables.len() {
            list.push_str(&format!(" and {} more", count - tables.len()));
        }
        let whose = if app != 0 {
            format!(" (application id {app:#x})")
        } else {
            String::new()
        };
        Err(StoreError::Other(format!(
            "{} belongs to another application{whose}: it holds tables tuidesk did not make ({list}); tuidesk will not add its own to it, choose another --db",
            self.path.display()
        )))
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
        stable_plans(&self.conn).ctx(&what)?;
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
    /// bounded number of times; any error rolls everything back. A data change: it moves the
    /// other handles' change tokens.
    pub fn write<T>(&mut self, body: impl FnMut(&Transaction) -> Result<T>) -> Result<T> {
        self.write_unit(true, body)
    }

    /// As [`SqliteStore::write`], for what is not a data change (presence heartbeats): the
    /// other handles' change tokens stay put.
    pub(super) fn write_unmarked<T>(
        &mut self,
        body: impl FnMut(&Transaction) -> Result<T>,
    ) -> Result<T> {
        self.write_unit(false, body)
    }

    fn write_unit<T>(
        &mut self,
        marked: bool,
        mut body: impl FnMut(&Transaction) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 0;
        let started = std::time::Instant::now();
        loop {
            attempt += 1;
            let result: Result<T> = (|| {
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .ctx("starting a write transaction")?;
                let value = body(&tx)?;
                if marked {
                    mark_change(&tx)?;
                }
                tx.commit().ctx("committing")?;
                Ok(value)
            })();
            match result {
                Err(e)
                    if e.is_busy()
                        && (attempt < WRITE_ATTEMPTS || self.load_holds_lock(started)) =>
                {
                    std::thread::sleep(Duration::from_millis(20 * u64::from(attempt.min(10))));
                }
                other => {
                    if marked && other.is_ok() {
                        self.committed();
                    }
                    return other;
                }
            }
        }
    }

    /// Whether a write that found the lock busy since `started` should wait on: a bulk load
    /// is building the indexes it deferred (one long transaction per index), and the wait
    /// is still under [`LOAD_PATIENCE`]. The record is read without the lock (WAL).
    fn load_holds_lock(&self, started: std::time::Instant) -> bool {
        started.elapsed() < LOAD_PATIENCE && deferred_indexes::pending(&self.conn).unwrap_or(false)
    }

    /// After a data transaction of this handle committed (see [`mark_change`]).
    pub(super) fn committed(&self) {
        self.own_commits.set(self.own_commits.get() + 1);
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

    /// Moves whenever another handle commits a data change (a heartbeat is none): the cheap
    /// change signal the TUI polls. `PRAGMA data_version` (which any other connection's
    /// commit moves, heartbeats included) is read first; only when it moved is the
    /// `data_generation` counter read, less the commits of this handle.
    pub fn change_token(&self) -> Result<i64> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .ctx("polling for changes")?;
        if let Some((seen, token)) = self.token.get()
            && seen == version
        {
            return Ok(token);
        }
        // Read after `data_version`: a commit between the two reads moves the version again,
        // so the next call reads the counter again (nothing is missed).
        let generation: i64 = self
            .conn
            .query_row("SELECT n FROM data_generation", [], |r| r.get(0))
            .ctx("polling for changes")?;
        let token = generation - self.own_commits.get();
        self.token.set(Some((version, token)));
        Ok(token)
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
                    .execute(
                        "VACUUM INTO ?1",
                        [plain_file_name(&tmp).to_string_lossy().as_ref()],
                    )
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
            false,
            now,
            change,
        )
    }
}
