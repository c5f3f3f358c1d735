//! Long loads (`tuidesk gen`, large imports) as batches of short write transactions, so the
//! other engineers' commands and TUIs keep writing while a desk of millions of tickets goes
//! in (one transaction would hold SQLite's single write lock for minutes and make them fail
//! with "database is locked").
//!
//! - Each batch runs until its time budget is spent ([`BATCH_BUDGET`]), then commits. After
//!   a commit the loader pauses a little longer than a waiting writer's longest poll interval
//!   (SQLite's busy handler sleeps up to 100 ms between tries), after every batch while others
//!   are writing and after every few batches otherwise, so a waiting writer gets the lock;
//!   while others commit during the pause it pauses again (up to [`MAX_PAUSE`]).
//! - An atomic load (import) records every organization, ticket and order it inserts in the
//!   `load_journal` table, in the same transaction as the rows. The last batch empties the
//!   journal in its own transaction: the load is done. If a batch fails, what the load put in
//!   is deleted again at once (in short transactions too); if the process dies, the next
//!   process that opens the database for writing does it. The loader holds an exclusive lock
//!   on `<db>-load` while it runs, so nobody undoes a load that is still going.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::deferred_indexes;
use super::port::SqliteTx;
use super::search_stage::{self, SearchStage};
use super::{Context, Result, SqliteStore, StoreError};
use crate::store::StoreTx;

/// How long one batch holds the write lock before it commits (the rows of its last ticket
/// and its full-text documents come on top).
const BATCH_BUDGET: Duration = Duration::from_millis(400);
/// The pause after a commit that lets a waiting writer in: longer than the 100 ms a busy
/// SQLite connection sleeps between tries at most.
const YIELD: Duration = Duration::from_millis(120);
/// The longest a loader pauses after one batch while others keep committing.
const MAX_PAUSE: Duration = Duration::from_millis(1500);
/// With nobody else writing, a pause after every this many batches (a newcomer waits at
/// most about this many budgets).
const IDLE_YIELD_EVERY: u32 = 5;
/// Batches after another connection's last commit during which every batch pauses.
const ACTIVE_BATCHES: u32 = 10;

/// Page cache of a loading connection, in KiB: the pages of the indexes a load keeps up to
/// date stay cached between its batches.
const LOAD_CACHE_KIB: i64 = 256 * 1024;
/// The same when the ticket indexes are built after the load: what the load still writes
/// (the tables' ends, the conversation and audit indexes) is appended in ticket order, and
/// the full-text index's worker needs memory beside it (a 10M-ticket gen's peak RSS stays
/// under 500 MB).
const DEFERRED_LOAD_CACHE_KIB: i64 = 128 * 1024;

/// The batch budget, overridable for tests with `TUIDESK_BATCH_MS` (milliseconds).
pub(super) fn batch_budget() -> Duration {
    std::env::var("TUIDESK_BATCH_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
        .unwrap_or(BATCH_BUDGET)
}

const JOURNAL_TABLE: &str = "CREATE TABLE IF NOT EXISTS load_journal (
    kind  TEXT NOT NULL CHECK (kind IN ('org', 'ticket', 'order')),
    id    INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID";

/// What a batch of an atomic load records about the rows it inserts.
pub(super) fn journal(tx: &Transaction, kind: &str, id: i64) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO load_journal (kind, id) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![kind, id]))
        .ctx("recording the load journal")?;
    Ok(())
}

/// The lock file beside the database that a running load holds.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-load");
    PathBuf::from(name)
}

/// Takes the load lock, or says why not (another load or its undo is running).
fn take_lock(db: &Path, wait: bool) -> Result<Option<File>> {
    let path = lock_path(db);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::Other(format!("cannot open {}: {e}", path.display())))?;
    if wait {
        file.lock()
            .map_err(|e| StoreError::Other(format!("cannot lock {}: {e}", path.display())))?;
        return Ok(Some(file));
    }
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Other(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// When to pause for other writers.
pub(super) struct Turns {
    data_version: i64,
    batches: u32,
    since_others: u32,
}

impl Turns {
    pub(super) fn new(conn: &Connection) -> Turns {
        Turns {
            data_version: data_version(conn),
            batches: 0,
            since_others: ACTIVE_BATCHES,
        }
    }

    /// After a commit: pause if someone else wrote lately, or every few batches anyway.
    pub(super) fn after_commit(&mut self, conn: &Connection) {
        self.batches += 1;
        let v = data_version(conn);
        if v != self.data_version {
            self.data_version = v;
            self.since_others = 0;
        } else {
            self.since_others = self.since_others.saturating_add(1);
        }
        if self.since_others < ACTIVE_BATCHES || self.batches.is_multiple_of(IDLE_YIELD_EVERY) {
            // Pause again while others commit during the pause (a queue of waiting writers
            // drains), up to a bound; a pause nobody used means nobody is waiting.
            let started = Instant::now();
            loop {
                std::thread::sleep(YIELD);
                let v = data_version(conn);
                if v == self.data_version {
                    break;
                }
                self.data_version = v;
                self.since_others = 0;
                if started.elapsed() >= MAX_PAUSE {
                    break;
                }
            }
        }
    }
}

/// How a connection builds indexes: SQLite sorts each index's keys first. Its sorter keeps
/// up to a page cache's worth of keys in memory and writes sorted runs to temporary files
/// beyond that; with `temp_store = MEMORY` (the connection's default, for the TUI's small
/// sorts) those "files" are memory too, and a 10M-ticket desk's index keys took the load's
/// peak RSS to 891 MB. Here the runs go to disk, the sorter's memory is the build cache, and a
/// second thread sorts alongside (the machines have two cores).
struct BuildSettings {
    cache_size: i64,
    temp_store: i64,
    threads: i64,
}

/// Page cache (and so the sorter's in-memory run) while indexes are built, in KiB.
const BUILD_CACHE_KIB: i64 = 64 * 1024;

impl BuildSettings {
    fn apply(conn: &Connection) -> Result<BuildSettings> {
        let get = |pragma: &str| -> Result<i64> {
            conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .ctx("preparing to build the ticket indexes")
        };
        let saved = BuildSettings {
            cache_size: get("cache_size")?,
            temp_store: get("temp_store")?,
            threads: get("threads")?,
        };
        conn.execute_batch(&format!(
            "PRAGMA cache_size = -{BUILD_CACHE_KIB}; PRAGMA temp_store = FILE; PRAGMA threads = 2;"
        ))
        .ctx("preparing to build the ticket indexes")?;
        Ok(saved)
    }

    /// Best effort: a setting that does not come back costs speed or memory, not data.
    fn restore(self, conn: &Connection) {
        let _ = conn.execute_batch(&format!(
            "PRAGMA cache_size = {}; PRAGMA temp_store = {}; PRAGMA threads = {};",
            self.cache_size, self.temp_store, self.threads
        ));
    }
}

/// A write transaction on `conn`, retried a few times while the lock stays busy past the
/// busy timeout.
pub(super) fn begin_immediate(conn: &Connection) -> Result<Transaction<'_>> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
            .ctx("starting a write transaction")
        {
            Err(e) if e.is_busy() && attempt < super::WRITE_ATTEMPTS => {
                std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

fn data_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
        .unwrap_or(0)
}

impl SqliteStore {
    /// See [`crate::store::Store::write_batched`].
    pub(super) fn write_batched_impl(
        &mut self,
        atomic: bool,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
    ) -> Result<()> {
        let budget = batch_budget();
        let lock = if atomic {
            // An undo left by a dead load must not mix with this one's journal.
            self.recover_load()?;
            let lock = take_lock(&self.path, true)?;
            self.conn
                .execute_batch(JOURNAL_TABLE)
                .ctx("preparing the load journal")?;
            lock
        } else {
            // Not needed to load, but to defer the indexes (nobody else may build them
            // meanwhile); a second load running at the same time keeps them.
            take_lock(&self.path, false)?
        };
        let deferred = lock.is_some() && deferred_indexes::defer_if_no_tickets(&self.conn)?;
        let lock = if atomic || deferred { lock } else { None };
        let mut stage = deferred.then(|| SearchStage::start(&self.path));
        // The batches' index pages stay cached between them (bounded: RSS stays small on
        // any desk size); the default comes back at the end.
        // Checkpoints every 40 MB of log instead of 4 MB: pages the next batches change
        // again are copied into the database once.
        self.conn
            .execute_batch(&format!(
                "PRAGMA cache_size = -{}; PRAGMA wal_autocheckpoint = 10000;",
                if deferred {
                    DEFERRED_LOAD_CACHE_KIB
                } else {
                    LOAD_CACHE_KIB
                }
            ))
            .ctx("preparing bulk insert")?;
        let mut result = self.batches(atomic, budget, body, stage.as_ref());
        if let Some(stage) = &mut stage {
            stage.rows_done();
        }
        // The ticket indexes are built while the worker finishes the full-text index.
        if deferred && let Err(e) = self.build_deferred_indexes() {
            result = Err(match result {
                Ok(()) => StoreError::Other(format!(
                    "{e}; the rows are in, the next tuidesk command that opens the database builds the indexes"
                )),
                Err(first) => StoreError::Other(format!(
                    "{first}; {e}; the next tuidesk command that opens the database builds the indexes"
                )),
            });
        }
        if let Some(stage) = stage {
            let built = if result.is_ok() {
                stage.finish()
            } else {
                // What the worker read may have been undone: index the tables as they are.
                stage.abandon();
                search_stage::rebuild(&self.path)
            };
            if let Err(e) = built {
                result = Err(match result {
                    Ok(()) => StoreError::Other(format!(
                        "{e}; the rows are in, the next tuidesk command that opens the database builds the full-text index"
                    )),
                    Err(first) => StoreError::Other(format!(
                        "{first}; {e}; the next tuidesk command that opens the database builds the full-text index"
                    )),
                });
            }
        }
        let _ = self
            .conn
            .execute_batch("PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000;");
        drop(lock);
        result
    }

    /// Builds the indexes a load deferred, one transaction each, letting others write in
    /// between (see `deferred_indexes.rs`), with the connection set up for building them
    /// and put back as it was afterwards.
    fn build_deferred_indexes(&mut self) -> Result<()> {
        let saved = BuildSettings::apply(&self.conn)?;
        let mut turns = Turns::new(&self.conn);
        let result = loop {
            match self
                .begin_immediate()
                .and_then(deferred_indexes::build_next)
            {
                Ok(true) => turns.after_commit(&self.conn),
                Ok(false) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        saved.restore(&self.conn);
        result
    }

    /// At open: builds the indexes a load that died had deferred (nobody holds its lock).
    /// Quiet and cheap when there are none.
    pub(super) fn recover_deferred_indexes(&mut self) -> Result<()> {
        if !deferred_indexes::pending(&self.conn)? {
            return Ok(());
        }
        let Some(_lock) = take_lock(&self.path, false)? else {
            return Ok(());
        };
        let search = deferred_indexes::search_pending(&self.conn)?;
        self.build_deferred_indexes()?;
        if search {
            search_stage::rebuild(&self.path)?;
        }
        Ok(())
    }

    fn batches(
        &mut self,
        atomic: bool,
        budget: Duration,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
        stage: Option<&SearchStage>,
    ) -> Result<()> {
        let mut turns = Turns::new(&self.conn);
        loop {
            let result = self.one_batch(atomic, budget, body, stage);
            match result {
                Ok(true) => turns.after_commit(&self.conn),
                Ok(false) => return Ok(()),
                Err(e) => {
                    if atomic && let Err(undo) = self.undo_load() {
                        return Err(StoreError::Other(format!(
                            "{e}; removing what the load had added failed too ({undo}); the next tuidesk command that opens the database retries"
                        )));
                    }
                    return Err(e);
                }
            }
        }
    }

    /// One batch: `body` runs exactly once, inside a write transaction that is taken (with
    /// retries while busy) before it starts. With a `stage`, the batch's full-text documents
    /// go to it after the commit.
    fn one_batch(
        &self,
        atomic: bool,
        budget: Duration,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
        stage: Option<&SearchStage>,
    ) -> Result<bool> {
        let tx = self.begin_immediate()?;
        let mut stx = SqliteTx::new(&tx);
        stx.batch = Some(super::port::Batch {
            deadline: Instant::now() + budget,
            journal: atomic,
            documents: stage.map(|_| Vec::new()),
        });
        let more = body(&mut stx)?;
        let documents = stx.finish()?;
        if atomic && !more {
            tx.execute("DELETE FROM load_journal", [])
                .ctx("finishing the load")?;
        }
        super::mark_change(&tx)?;
        tx.commit().ctx("committing")?;
        self.committed();
        if let Some(stage) = stage {
            stage.committed(documents);
        }
        Ok(more)
    }

    fn begin_immediate(&self) -> Result<Transaction<'_>> {
        begin_immediate(&self.conn)
    }

    /// At open: undoes a load whose process died (its journal still holds rows and nobody
    /// holds its lock). Quiet and cheap when there is none.
    pub(super) fn recover_load(&mut self) -> Result<()> {
        if !self.load_pending()? {
            return Ok(());
        }
        let Some(_lock) = take_lock(&self.path, false)? else {
            // A load is running (or being undone) in another process.
            return Ok(());
        };
        self.undo_load()
    }

    fn load_pending(&self) -> Result<bool> {
        deferred_indexes::table_has_rows(&self.conn, "load_journal", "reading the load journal")
    }

    /// Deletes everything the journal names, with whatever refers to it (other people's
    /// notes on a half-loaded ticket go with it), in short transactions: tickets first, then
    /// orders, then organizations. Each transaction removes its journal rows with the data,
    /// so an interrupted undo resumes where it stopped.
    fn undo_load(&mut self) -> Result<()> {
        let budget = batch_budget();
        let mut turns = Turns::new(&self.conn);
        for (kind, table) in [("ticket", "tickets"), ("order", "orders"), ("org", "orgs")] {
            loop {
                let tx = self.begin_immediate()?;
                let ids: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT id FROM load_journal WHERE kind = ?1 ORDER BY id LIMIT 2000",
                    )
                    .and_then(|mut s| {
                        s.query_map([kind], |r| r.get(0))?
                            .collect::<rusqlite::Result<Vec<i64>>>()
                    })
                    .ctx("undoing an unfinished load")?;
                if ids.is_empty() {
                    break;
                }
                let started = Instant::now();
                let (lo, hi) = (ids[0], ids[ids.len() - 1]);
                let chosen = format!(
                    "SELECT id FROM load_journal WHERE kind = '{kind}' AND id BETWEEN {lo} AND {hi}"
                );
                delete_cascade(&tx, table, &format!("id IN ({chosen})"), 0)?;
                tx.execute(
                    "DELETE FROM load_journal WHERE kind = ?1 AND id BETWEEN ?2 AND ?3",
                    params![kind, lo, hi],
                )
                .ctx("undoing an unfinished load")?;
                super::mark_change(&tx)?;
                tx.commit().ctx("committing")?;
                self.committed();
                if started.elapsed() < budget {
                    // Small: no need to pause for others after every one.
                    continue;
                }
                turns.after_commit(&self.conn);
            }
        }
        Ok(())
    }
}

/// Deletes the rows of `table` matching `condition` and, first, every row that refers to
/// them (found from the schema's foreign keys, so tables added later are covered); their
/// full-text documents go too. References from a table to itself are cleared instead.
fn delete_cascade(tx: &Transaction, table: &str, condition: &str, depth: u32) -> Result<()> {
    let ctx = "undoing an unfinished load";
    if depth > 8 {
        return Err(StoreError::Other(format!(
            "{ctx}: foreign keys nest too deep at {table}"
        )));
    }
    let selected = format!("SELECT id FROM \"{table}\" WHERE {condition}");
    match table {
        "tickets" => {
            tx.execute(
                &format!("DELETE FROM search WHERE rowid IN ({selected})"),
                [],
            )
            .ctx(ctx)?;
        }
        "entries" => {
            tx.execute(
                &format!("DELETE FROM search WHERE rowid IN (SELECT -id FROM ({selected}))"),
                [],
            )
            .ctx(ctx)?;
        }
        _ => {}
    }
    for (child, column) in referring_tables(tx, table)? {
        if child == table {
            tx.execute(
                &format!(
                    "UPDATE \"{child}\" SET \"{column}\" = NULL WHERE \"{column}\" IN ({selected})"
                ),
                [],
            )
            .ctx(ctx)?;
        } else {
            delete_cascade(
                tx,
                &child,
                &format!("\"{column}\" IN ({selected})"),
                depth + 1,
            )?;
        }
    }
    tx.execute(&format!("DELETE FROM \"{table}\" WHERE {condition}"), [])
        .ctx(ctx)?;
    Ok(())
}

/// (table, column) pairs whose foreign keys point at `parent`.
fn referring_tables(tx: &Transaction, parent: &str) -> Result<Vec<(String, String)>> {
    tx.prepare_cached(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = ?1 ORDER BY m.name",
    )
    .and_then(|mut s| {
        s.query_map([parent], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("undoing an unfinished load")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn settings(conn: &Connection) -> (i64, i64, i64) {
        let get = |p: &str| -> i64 {
            conn.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .unwrap()
        };
        (get("cache_size"), get("temp_store"), get("threads"))
    }

    /// A write that finds the lock held by a load's index build (longer than the usual
    /// retries, about 25 s) waits it out instead of failing.
    #[test]
    fn a_write_waits_out_a_long_index_build() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let mut store = SqliteStore::open(&path, policies).unwrap();
        assert!(deferred_indexes::defer_if_no_tickets(&store.conn).unwrap());
        let builder = Connection::open(&path).unwrap();
        builder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let hold = Duration::from_secs(30);
        let started = std::time::Instant::now();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(hold);
            builder.execute_batch("COMMIT").unwrap();
        });
        store.set_meta("waited", "yes").unwrap();
        assert!(
            started.elapsed() >= hold,
            "the write went in after the build"
        );
        assert_eq!(store.meta("waited").unwrap().as_deref(), Some("yes"));
        thread.join().unwrap();
    }

    /// The deferred indexes are built with the sorter's runs on disk (not in memory, where
    /// a 10M-ticket build took 891 MB) and the connection is as before afterwards.
    #[test]
    fn indexes_are_built_with_runs_on_disk_and_the_settings_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let mut store = SqliteStore::open(&dir.path().join("t.db"), policies).unwrap();
        let before = settings(&store.conn);
        assert_eq!(before.1, 2, "the connection keeps temporary data in memory");
        assert!(deferred_indexes::defer_if_no_tickets(&store.conn).unwrap());
        let during = BuildSettings::apply(&store.conn).unwrap();
        assert_eq!(
            settings(&store.conn),
            (-BUILD_CACHE_KIB, 1, 2),
            "file temp store, two sorter threads, the build cache"
        );
        during.restore(&store.conn);
        store.build_deferred_indexes().unwrap();
        // The full-text index is the one deferred thing left; a rebuild makes it.
        assert!(deferred_indexes::search_pending(&store.conn).unwrap());
        search_stage::rebuild(&store.path).unwrap();
        assert!(!deferred_indexes::pending(&store.conn).unwrap());
        assert_eq!(settings(&store.conn), before);
    }
}
