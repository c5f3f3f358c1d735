//! Bulk loads (`tuidesk gen`, large imports): inside one transaction, the secondary indexes
//! are dropped and rebuilt once at the end, conversation entries are indexed for full text
//! together at the end in increasing document rowid, and FTS5 gets a larger pending-terms
//! buffer. The rows themselves go in through the ordinary [`crate::store::StoreTx`] primitives.

use rusqlite::Transaction;

use super::tickets::index_entries_from;
use super::{Context, Result};

/// FTS5's pending-terms buffer for bulk loads (8 MB measured fastest of 1–256 MB on 100k
/// tickets), and its default (SQLite's `FTS5_DEFAULT_HASHSIZE`).
const BULK_FTS_HASH: i64 = 8 * 1024 * 1024;
const DEFAULT_FTS_HASH: i64 = 1024 * 1024;

/// What a bulk load changed, to undo before the transaction ends.
#[derive(Debug, Default)]
pub(super) struct BulkState {
    /// Index names and definitions dropped for the load.
    indexes: Vec<(String, String)>,
    /// The first conversation entry of the load (entries from it on are indexed at the end).
    first_entry: i64,
}

pub(super) fn begin(tx: &Transaction) -> Result<BulkState> {
    // A big cache keeps index pages in memory instead of spilling them mid-transaction.
    tx.execute_batch("PRAGMA cache_size = -1048576")
        .ctx("preparing bulk insert")?;
    // Building indexes once at the end beats updating them row by row.
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('tickets', 'entries', 'events', 'pauses')",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ctx("reading index definitions")?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))
            .ctx("preparing bulk insert")?;
    }
    // FTS5 flushes its in-memory terms to a new segment whenever they pass `hashsize` (1 MB
    // by default) and keeps merging the small segments: most of a bulk load's indexing time.
    // Big flushes mean few segments and little merging; the default comes back before commit
    // (the setting is stored).
    tx.execute_batch(&format!(
        "INSERT INTO search (search, rank) VALUES ('hashsize', {BULK_FTS_HASH})"
    ))
    .ctx("preparing bulk insert")?;
    let first_entry: i64 = tx
        .query_row("SELECT coalesce(max(id), 0) + 1 FROM entries", [], |r| {
            r.get(0)
        })
        .ctx("preparing bulk insert")?;
    Ok(BulkState {
        indexes,
        first_entry,
    })
}

pub(super) fn finish(tx: &Transaction, state: BulkState) -> Result<()> {
    index_entries_from(tx, state.first_entry)?;
    for (_, sql) in &state.indexes {
        tx.execute_batch(sql).ctx("rebuilding indexes")?;
    }
    tx.execute_batch(&format!(
        "INSERT INTO search (search, rank) VALUES ('hashsize', {DEFAULT_FTS_HASH});
         PRAGMA cache_size = -2000;"
    ))
    .ctx("finishing bulk insert")?;
    Ok(())
}
