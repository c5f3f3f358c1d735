//! A long load into a desk that has no tickets yet (a new desk filled by `tuidesk gen`, or
//! the history of the help desk a team leaves, imported into an empty one) builds the
//! tickets table's secondary indexes after its rows are in, instead of inserting every
//! ticket into each of them: one sort per index instead of a random B-tree insert per
//! ticket and index, which is what made a load's cost per ticket grow with the desk.
//!
//! - The indexes' definitions are recorded in `deferred_indexes` in the same transaction
//!   that drops them, so a load that dies half-way leaves them to be built by the next
//!   process that opens the database for writing (as `load.rs` undoes a dead load).
//! - Each index is then built in its own transaction and removed from the record with it;
//!   other writers get their turn between two builds.
//! - Only the tickets table's indexes are deferred: the load itself reads conversation,
//!   pauses and audit rows by ticket (an import evaluates SLA columns from them), and
//!   their indexes grow in ticket order anyway (appends, not random inserts).
//! - The full-text index is deferred with them: the record holds a row named [`SEARCH`]
//!   until `search_stage.rs` has swapped in the index it built beside the load.
//! - Meanwhile other connections keep working; their queries on tickets scan the table
//!   instead of an index (correct, slower) until the load ends.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, Result};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS deferred_indexes (
    name  TEXT PRIMARY KEY,
    sql   TEXT NOT NULL
) WITHOUT ROWID";

/// The record's row for the full-text index (no index can have this name: the table has it).
pub(super) const SEARCH: &str = "search";

const CTX: &str = "deferring the ticket indexes of a bulk load";
const BUILD_CTX: &str = "building the ticket indexes after a bulk load";

/// In one transaction: when the desk has no tickets, records and drops the tickets
/// table's secondary indexes (not the ones that enforce uniqueness), and records that the
/// full-text index is to be built beside the load. Returns whether it did.
pub(super) fn defer_if_no_tickets(conn: &Connection) -> Result<bool> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .ctx(CTX)?;
    let any_ticket = tx
        .query_row("SELECT 1 FROM tickets LIMIT 1", [], |_| Ok(()))
        .optional()
        .ctx(CTX)?
        .is_some();
    if any_ticket {
        return Ok(false);
    }
    tx.execute_batch(TABLE).ctx(CTX)?;
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL
               AND sql NOT LIKE 'CREATE UNIQUE%'
             ORDER BY name",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx(CTX)?;
    for (name, sql) in &indexes {
        tx.execute(
            "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?1, ?2)",
            params![name, sql],
        )
        .ctx(CTX)?;
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
            .ctx(CTX)?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?1, '')",
        [SEARCH],
    )
    .ctx(CTX)?;
    tx.commit().ctx(CTX)?;
    Ok(true)
}

/// The full-text index is built: removes its row from the record (if there is a record).
pub(super) fn search_built(conn: &Connection) -> Result<()> {
    conn.execute_batch(TABLE).ctx(BUILD_CTX)?;
    conn.execute("DELETE FROM deferred_indexes WHERE name = ?1", [SEARCH])
        .ctx(BUILD_CTX)?;
    Ok(())
}

/// Whether the full-text index waits to be built (see `search_stage.rs`).
pub(super) fn search_pending(conn: &Connection) -> Result<bool> {
    if !pending(conn)? {
        return Ok(false);
    }
    conn.query_row(
        "SELECT 1 FROM deferred_indexes WHERE name = ?1",
        [SEARCH],
        |_| Ok(()),
    )
    .optional()
    .ctx(BUILD_CTX)
    .map(|r| r.is_some())
}

/// Whether indexes wait to be built (a load deferred them and has not finished).
pub(super) fn pending(conn: &Connection) -> Result<bool> {
    table_has_rows(conn, "deferred_indexes", BUILD_CTX)
}

/// Whether `table` exists and has a row: the bookkeeping tables of loads (`load_journal`,
/// `deferred_indexes`) are made by the first load, so a desk may not have them.
pub(super) fn table_has_rows(conn: &Connection, table: &str, what: &str) -> Result<bool> {
    let exists = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |_| Ok(()),
        )
        .optional()
        .ctx(what)?
        .is_some();
    if !exists {
        return Ok(false);
    }
    conn.query_row(
        &format!("SELECT 1 FROM \"{table}\" LIMIT 1"),
        [],
        |_| Ok(()),
    )
    .optional()
    .ctx(what)
    .map(|r| r.is_some())
}

/// Builds the next recorded index in its own transaction and removes it from the record.
/// Returns `false` when none was left. `tx` is a write transaction the caller took.
pub(super) fn build_next(tx: rusqlite::Transaction<'_>) -> Result<bool> {
    let next: Option<(String, String)> = tx
        .query_row(
            "SELECT name, sql FROM deferred_indexes WHERE name <> ?1 ORDER BY name LIMIT 1",
            [SEARCH],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx(BUILD_CTX)?;
    let Some((name, sql)) = next else {
        return Ok(false);
    };
    let exists = tx
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
            [&name],
            |_| Ok(()),
        )
        .optional()
        .ctx(BUILD_CTX)?
        .is_some();
    if !exists {
        tx.execute_batch(&sql)
            .ctx(&format!("{BUILD_CTX} ({name})"))?;
    }
    tx.execute("DELETE FROM deferred_indexes WHERE name = ?1", [&name])
        .ctx(BUILD_CTX)?;
    tx.commit().ctx(BUILD_CTX)?;
    Ok(true)
}
