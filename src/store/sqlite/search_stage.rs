//! A long load into a desk without tickets builds its full-text index on a second thread,
//! beside the database, and swaps it in when the rows are in.
//!
//! FTS5 was more than half of a load's time (its tokenizer and pending-terms hash for
//! every document, and a flush of those terms at every batch's commit), all on the one
//! thread that also writes the rows and builds the ticket indexes afterwards. Here:
//!
//! - The loader writes rows without their documents and hands each batch's documents to a
//!   worker thread after the batch commits. The worker indexes them into an FTS5 table of
//!   the same definition in `<db>-search`: a scratch file without a journal, one
//!   transaction, so FTS5 flushes only when its buffer fills. Entry documents (rowid `-id`,
//!   below every ticket's) wait in a plain table and go in last, in rowid order.
//! - At the end, in one write transaction on the desk, the worker's connection adds the
//!   documents others wrote into the desk's own index meanwhile (read again from their
//!   rows) and replaces the desk's FTS5 shadow tables (`search_data`, `search_idx`,
//!   `search_docsize`) with the scratch file's. The desk had no tickets when the load
//!   began, so the result is every ticket and entry in the tables.
//! - Until then other connections' searches do not see the load's tickets. The
//!   `deferred_indexes` record holds a [`deferred_indexes::SEARCH`] row from the start, in the
//!   transaction that defers the ticket indexes; the swap removes it. A load that dies
//!   leaves it, and the next process that opens the database for writing builds the index
//!   from the tables ([`rebuild`]: the worker reads every row in id order itself). A load
//!   that fails is followed by the same rebuild (an import's undo removed what it had read).
//! - Connections that cached the old index structure see the change: FTS5 reloads it when
//!   `PRAGMA data_version` says another connection wrote, and the swap is another connection.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags, params};

use super::fts::index_text;
use super::load::begin_immediate;
use super::tickets::ticket_document;
use super::{Context, Result, StoreError, deferred_indexes};

const CTX: &str = "building the full-text index of a bulk load";

/// Tickets read per query when rebuilding from the tables (each a short read of the desk).
const TICKET_CHUNK: i64 = 5_000;
/// Committed batches waiting for the worker: the loader waits when it is this far ahead
/// (bounded memory).
const QUEUED_BATCHES: usize = 2;
/// FTS5's pending-terms buffer in the scratch file (it flushes a segment when full).
const STAGE_FTS_HASH: i64 = 8 * 1024 * 1024;
/// Page cache of the scratch file, in KiB (FTS5 appends its segments and reads them back
/// once to merge them: a small cache does).
const STAGE_CACHE_KIB: i64 = 8 * 1024;

/// The scratch file of the load on the database at `db`.
fn stage_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-search");
    PathBuf::from(name)
}

/// A batch's documents: (rowid, text), tickets at their id, entries at minus theirs.
pub(super) type Documents = Vec<(i64, String)>;

/// Where the worker's documents come from.
enum Source {
    /// The loader's committed batches, until it hangs up.
    Loader(Receiver<Documents>),
    /// Every ticket and entry in the tables (a rebuild).
    Tables,
}

/// What the worker hands back for the swap: its connection to the desk and the index's
/// definition there.
struct Staged {
    desk: Connection,
    definition: String,
}

/// A worker building the scratch index while a load runs.
pub(super) struct SearchStage {
    db: PathBuf,
    feed: Option<SyncSender<Documents>>,
    worker: Option<JoinHandle<Result<Staged>>>,
}

impl SearchStage {
    /// Starts the worker for a load on the database at `db` (the caller holds the load lock).
    pub(super) fn start(db: &Path) -> SearchStage {
        let (feed, documents) = sync_channel(QUEUED_BATCHES);
        SearchStage::spawn(db, Source::Loader(documents), Some(feed))
    }

    fn spawn(db: &Path, source: Source, feed: Option<SyncSender<Documents>>) -> SearchStage {
        let worker = {
            let db = db.to_path_buf();
            std::thread::Builder::new()
                .name("search-stage".into())
                .spawn(move || build(&db, source))
                .ok()
        };
        SearchStage {
            db: db.to_path_buf(),
            feed,
            worker,
        }
    }

    /// Hands over the documents of a batch that has committed. A worker that has failed
    /// takes no more; [`SearchStage::finish`] reports why.
    pub(super) fn committed(&self, documents: Documents) {
        if let Some(feed) = &self.feed {
            let _ = feed.send(documents);
        }
    }

    /// The loader has committed its last batch.
    pub(super) fn rows_done(&mut self) {
        self.feed = None;
    }

    /// Waits for the worker and swaps its index in.
    pub(super) fn finish(mut self) -> Result<()> {
        self.rows_done();
        let staged = match self.worker.take() {
            Some(worker) => worker
                .join()
                .map_err(|_| StoreError::Other(format!("{CTX}: the worker thread failed")))?,
            None => Err(StoreError::Other(format!(
                "{CTX}: cannot start a thread for it"
            ))),
        };
        let result = staged.and_then(|staged| swap_in(&self.db, staged));
        remove_stage(&self.db);
        result
    }

    /// Stops the worker and throws its index away (the load failed: what it read may be
    /// gone again).
    pub(super) fn abandon(mut self) {
        self.rows_done();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        remove_stage(&self.db);
    }
}

/// Builds the full-text index of every ticket and entry in the desk at `db` from the
/// tables and swaps it in: after a load that failed or died (see the module doc).
pub(super) fn rebuild(db: &Path) -> Result<()> {
    SearchStage::spawn(db, Source::Tables, None).finish()
}

fn remove_stage(db: &Path) {
    let _ = std::fs::remove_file(stage_path(db));
}

/// The worker: indexes its source's documents into the scratch file, then hands back its
/// connection to the desk for the swap.
fn build(db: &Path, source: Source) -> Result<Staged> {
    let desk = open_desk(db)?;
    let path = stage_path(db);
    remove_stage(db);
    let stage = super::connect(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ctx(&format!("{CTX}: creating {}", path.display()))?;
    let definition: String = desk
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search'",
            [],
            |r| r.get(0),
        )
        .ctx(CTX)?;
    // Scratch: nothing here outlives a failure, so no journal and no syncs.
    stage
        .execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -{STAGE_CACHE_KIB};
             {definition};
             INSERT INTO search (search, rank) VALUES ('hashsize', {STAGE_FTS_HASH});
             CREATE TABLE entry_documents (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL);
             BEGIN;"
        ))
        .ctx(&format!("{CTX}: preparing {}", path.display()))?;
    match source {
        Source::Loader(documents) => {
            for mut batch in documents {
                // A batch's tickets in rising rowid; its entries wait (see the module doc).
                batch.sort_unstable_by_key(|d| d.0);
                for (rowid, text) in batch {
                    stage_document(&stage, rowid, &text)?;
                }
            }
        }
        Source::Tables => stage_tables(&desk, &stage)?,
    }
    stage
        .execute_batch(
            "INSERT INTO search (rowid, body) SELECT rowid, body FROM entry_documents ORDER BY rowid;
             DROP TABLE entry_documents;
             COMMIT;",
        )
        .ctx(CTX)?;
    drop(stage);
    Ok(Staged { desk, definition })
}

/// A connection of its own to the desk (reading it, and writing at the swap).
fn open_desk(db: &Path) -> Result<Connection> {
    let what = format!("{CTX}: opening {}", db.display());
    let conn = super::connect(
        super::plain_file_name(db),
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ctx(&what)?;
    conn.busy_timeout(super::BUSY_TIMEOUT).ctx(&what)?;
    Ok(conn)
}

/// Indexes one document into the scratch file: a ticket's at once, an entry's into the
/// waiting table (already as index text).
fn stage_document(stage: &Connection, rowid: i64, text: &str) -> Result<()> {
    let sql = if rowid < 0 {
        "INSERT OR REPLACE INTO entry_documents (rowid, body) VALUES (?1, ?2)"
    } else {
        "INSERT INTO search (rowid, body) VALUES (?1, ?2)"
    };
    stage
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(params![rowid, index_text(text)]))
        .ctx(CTX)?;
    Ok(())
}

/// Every ticket and entry of the desk into the scratch file, the tickets in short reads.
fn stage_tables(desk: &Connection, stage: &Connection) -> Result<()> {
    let mut after = 0;
    loop {
        let mut select = desk
            .prepare_cached(
                "SELECT id, summary, description FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .ctx(CTX)?;
        let mut rows = select.query(params![after, TICKET_CHUNK]).ctx(CTX)?;
        let mut read = 0;
        while let Some(r) = rows.next().ctx(CTX)? {
            let id: i64 = r.get(0).ctx(CTX)?;
            let summary: String = r.get(1).ctx(CTX)?;
            let description: String = r.get(2).ctx(CTX)?;
            stage_document(stage, id, &ticket_document(&summary, &description))?;
            after = id;
            read += 1;
        }
        if read < TICKET_CHUNK {
            break;
        }
    }
    let mut select = desk
        .prepare("SELECT id, body FROM entries ORDER BY id")
        .ctx(CTX)?;
    let mut rows = select.query([]).ctx(CTX)?;
    while let Some(r) = rows.next().ctx(CTX)? {
        let id: i64 = r.get(0).ctx(CTX)?;
        let body: String = r.get(1).ctx(CTX)?;
        stage_document(stage, -id, &body)?;
    }
    Ok(())
}

/// The text of the document at `rowid`, read from its row (none when the row is gone).
fn document_of(desk: &Connection, rowid: i64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension as _;
    if rowid > 0 {
        desk.prepare_cached("SELECT summary, description FROM main.tickets WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([rowid], |r| {
                    Ok(ticket_document(
                        &r.get::<_, String>(0)?,
                        &r.get::<_, String>(1)?,
                    ))
                })
                .optional()
            })
            .ctx(CTX)
    } else {
        desk.prepare_cached("SELECT body FROM main.entries WHERE id = ?1")
            .and_then(|mut s| s.query_row([-rowid], |r| r.get(0)).optional())
            .ctx(CTX)
    }
}

/// Moves the scratch index into the desk without holding the write lock for long (a 10M
/// desk's index is 3 GB; copied in one transaction it kept other writers out for 33 s):
///
/// 1. an FTS5 table `search_next` of the same definition is made in the desk, and the
///    scratch index's shadow tables are copied into its shadow tables in short
///    transactions, pausing for other writers between them like the load's batches;
/// 2. one short write transaction, on a connection that has not cached `search_next`'s
///    structure (FTS5 keeps it per connection and does not see its own connection's plain
///    writes to its shadow tables), adds the documents others wrote into the desk's index
///    meanwhile (read again from their rows), drops `search` and renames `search_next` to
///    `search` (FTS5 renames its shadow tables with it).
fn swap_in(db: &Path, staged: Staged) -> Result<()> {
    let Staged { desk, definition } = staged;
    let path = stage_path(db);
    desk.execute("ATTACH DATABASE ?1 AS stage", [path.to_string_lossy()])
        .ctx(&format!("{CTX}: opening {}", path.display()))?;
    let copied = copy_into_next(&desk, &definition);
    let _ = desk.execute("DETACH DATABASE stage", []);
    drop(desk);
    copied?;
    let last = open_desk(db)?;
    let tx = begin_immediate(&last)?;
    // Nobody commits now: the desk's own index holds every document the load did not hand
    // over (others' tickets and notes), and nothing more comes.
    let others: Vec<i64> = tx
        .prepare(
            "SELECT id FROM main.search_docsize
             WHERE id NOT IN (SELECT id FROM main.search_next_docsize) ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()
        })
        .ctx(CTX)?;
    for rowid in others {
        if let Some(text) = document_of(&tx, rowid)? {
            tx.prepare_cached("INSERT INTO main.search_next (rowid, body) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(params![rowid, index_text(&text)]))
                .ctx(CTX)?;
        }
    }
    tx.execute_batch(
        "DROP TABLE main.search;
         ALTER TABLE main.search_next RENAME TO search;",
    )
    .ctx(&format!("{CTX}: putting it in place"))?;
    deferred_indexes::search_built(&tx)?;
    super::mark_change(&tx)?;
    tx.commit().ctx(CTX)
}

/// The shadow tables copied, each in key order, in chunks.
const COPIES: [(&str, &str, &str, &str); 3] = [
    ("search_data", "search_next_data", "id", "id DESC"),
    (
        "search_idx",
        "search_next_idx",
        "segid, term",
        "segid DESC, term DESC",
    ),
    ("search_docsize", "search_next_docsize", "id", "id DESC"),
];

/// Rows copied per statement (a handful in the unit tests, so they copy in many chunks).
#[cfg(not(test))]
const COPY_CHUNK: i64 = 1_000;
#[cfg(test)]
const COPY_CHUNK: i64 = 7;

/// Step 1 of [`swap_in`]: a fresh `search_next` holding the scratch index.
fn copy_into_next(desk: &Connection, definition: &str) -> Result<()> {
    let Some(body) = definition
        .strip_prefix("CREATE VIRTUAL TABLE search ")
        .or_else(|| definition.strip_prefix("CREATE VIRTUAL TABLE \"search\" "))
    else {
        return Err(StoreError::Other(format!(
            "{CTX}: unexpected definition of the index: {definition}"
        )));
    };
    let tx = begin_immediate(desk)?;
    tx.execute_batch(&format!(
        "DROP TABLE IF EXISTS main.search_next;
         CREATE VIRTUAL TABLE main.search_next {body};
         DELETE FROM main.search_next_data;
         DELETE FROM main.search_next_idx;
         DELETE FROM main.search_next_docsize;"
    ))
    .ctx(CTX)?;
    tx.commit().ctx(CTX)?;
    let budget = super::load::batch_budget();
    let mut turns = super::load::Turns::new(desk);
    for (from, to, key, last) in COPIES {
        let first = format!(
            "INSERT INTO main.{to} SELECT * FROM stage.{from} ORDER BY {key} LIMIT {COPY_CHUNK}"
        );
        let next = format!(
            "INSERT INTO main.{to} SELECT * FROM stage.{from}
             WHERE ({key}) > (SELECT {key} FROM main.{to} ORDER BY {last} LIMIT 1)
             ORDER BY {key} LIMIT {COPY_CHUNK}"
        );
        let mut started = false;
        loop {
            let tx = begin_immediate(desk)?;
            let deadline = std::time::Instant::now() + budget;
            let mut done = false;
            while std::time::Instant::now() < deadline {
                let sql = if started { &next } else { &first };
                started = true;
                let n = tx
                    .prepare_cached(sql)
                    .and_then(|mut s| s.execute([]))
                    .ctx(&format!("{CTX}: copying it into the desk"))?;
                if n < COPY_CHUNK as usize {
                    done = true;
                    break;
                }
            }
            tx.commit().ctx(CTX)?;
            if done {
                break;
            }
            turns.after_commit(desk);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Utc;

    use super::*;
    use crate::demo_templates::DemoTemplates;
    use crate::desk::Desk;
    use crate::generator::Generator;

    /// A desk at `db` with `n` generated tickets (and their conversations), written one
    /// transaction the ordinary way: every document in the desk's own index.
    fn generated(db: &Path, n: usize) {
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let mut desk = Desk::open(db, policies.clone()).unwrap();
        let now = Utc::now();
        let mut generator = Generator::new(DemoTemplates::builtin().unwrap(), policies, 3, 0);
        let orgs = generator.orgs.clone();
        let mut left = n;
        let mut tickets = std::iter::from_fn(|| {
            if left == 0 {
                return None;
            }
            left -= 1;
            let org = generator.rng().usize(0..orgs.len());
            let scenario = generator.bulk_scenario();
            Some(generator.ticket(org, scenario, now, true))
        });
        let actor = crate::domain::Actor {
            name: "tester".into(),
            via_as: false,
            os: None,
        };
        desk.insert_generated(&orgs, &mut tickets, &actor, now, false)
            .unwrap();
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The index holds exactly one document per ticket and entry, each findable by its own
    /// words, and passes FTS5's integrity check; nothing of the build is left.
    fn assert_whole(db: &Path) {
        let conn = Connection::open(db).unwrap();
        conn.execute("INSERT INTO search (search) VALUES ('integrity-check')", [])
            .unwrap();
        assert_eq!(
            count(&conn, "SELECT count(*) FROM search_docsize"),
            count(
                &conn,
                "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM entries)"
            )
        );
        let mut rows = conn
            .prepare("SELECT id, summary FROM tickets")
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.truncate(40);
        for (id, summary) in rows {
            let words = crate::store::search_text::match_expression(&summary).unwrap();
            let found: i64 = conn
                .query_row(
                    "SELECT count(*) FROM search WHERE search MATCH ?1 AND rowid = ?2",
                    params![words, id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(found, 1, "ticket {id}: {summary}");
        }
        assert!(!deferred_indexes::search_pending(&conn).unwrap());
        assert!(!stage_path(db).exists());
    }

    /// A load hands over the documents of the rows it wrote; others wrote theirs into the
    /// desk's own index meanwhile (here: tickets 11 on, and every entry). The swapped-in
    /// index has both, once each.
    #[test]
    fn the_loads_documents_and_others_meet_in_one_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        generated(&db, 30);
        let conn = Connection::open(&db).unwrap();
        // As the load left them: its rows without documents.
        conn.execute("DELETE FROM search WHERE rowid BETWEEN 1 AND 10", [])
            .unwrap();
        // As a load records it (the record made as its first load makes it).
        deferred_indexes::search_built(&conn).unwrap();
        conn.execute(
            "INSERT INTO deferred_indexes (name, sql) VALUES (?1, '')",
            [deferred_indexes::SEARCH],
        )
        .unwrap();
        assert!(deferred_indexes::search_pending(&conn).unwrap());
        let handed: Documents = conn
            .prepare("SELECT id, summary, description FROM tickets WHERE id <= 10")
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ticket_document(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?),
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(count(&conn, "SELECT count(*) FROM entries") > 0);
        let stage = SearchStage::start(&db);
        stage.committed(handed[..5].to_vec());
        stage.committed(handed[5..].to_vec());
        stage.finish().unwrap();
        assert_whole(&db);
    }

    /// A rebuild (after a load that died or failed) indexes every row from the tables and
    /// replaces whatever the desk's index held.
    #[test]
    fn a_rebuild_indexes_every_row_from_the_tables() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        generated(&db, 25);
        let conn = Connection::open(&db).unwrap();
        conn.execute("INSERT INTO search (search) VALUES ('delete-all')", [])
            .unwrap();
        // A stray document of a row that is gone, and a scratch file a dead load left.
        conn.execute("INSERT INTO search (rowid, body) VALUES (999, 'stray')", [])
            .unwrap();
        std::fs::write(stage_path(&db), b"left by a dead load").unwrap();
        rebuild(&db).unwrap();
        assert_whole(&db);
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM search WHERE search MATCH 'stray'"
            ),
            0
        );
    }
}
