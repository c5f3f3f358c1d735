//! Bulk loads (`tuidesk gen`, large imports) run as batches of short transactions (see
//! `load.rs`); inside each, conversation entries are indexed for full text together at the
//! end in increasing document rowid, and FTS5 gets a larger pending-terms buffer. The indexes
//! stay in place (other connections read and write between the batches). The rows themselves
//! go in through the ordinary [`crate::store::StoreTx`] primitives.

use rusqlite::Transaction;

use super::tickets::{Document, index_entries_from};
use super::{Context, Result};

/// FTS5's pending-terms buffer for bulk loads (8 MB measured fastest of 1–256 MB on 100k
/// tickets), and its default (SQLite's `FTS5_DEFAULT_HASHSIZE`).
const BULK_FTS_HASH: i64 = 8 * 1024 * 1024;
const DEFAULT_FTS_HASH: i64 = 1024 * 1024;

/// What a bulk batch changed, to undo before its transaction ends.
#[derive(Debug, Default)]
pub(super) struct BulkState {
    /// The first conversation entry of the batch (entries from it on are indexed at the end);
    /// none when the load's documents are indexed on a second thread.
    first_entry: Option<i64>,
}

pub(super) fn begin(tx: &Transaction, doc: Document) -> Result<BulkState> {
    if doc == Document::Later {
        return Ok(BulkState { first_entry: None });
    }
    // FTS5 flushes its in-memory terms to a new segment whenever they pass `hashsize` (1 MB
    // by default) and keeps merging the small segments. Big flushes mean few segments and
    // little merging; the default comes back before commit (the setting is stored).
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
        first_entry: Some(first_entry),
    })
}

pub(super) fn finish(tx: &Transaction, state: BulkState) -> Result<()> {
    let Some(first_entry) = state.first_entry else {
        return Ok(());
    };
    index_entries_from(tx, first_entry)?;
    tx.execute_batch(&format!(
        "INSERT INTO search (search, rank) VALUES ('hashsize', {DEFAULT_FTS_HASH})"
    ))
    .ctx("finishing bulk insert")?;
    Ok(())
}
