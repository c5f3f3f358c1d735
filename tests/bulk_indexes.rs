//! Issue 18 item 2: a long load into a desk without tickets builds the tickets table's
//! indexes after its rows are in. Afterwards the schema is the one a new desk has; a load
//! killed half-way leaves the indexes to the next command; other writers keep succeeding
//! meanwhile. (SQLite only: PostgreSQL loads by COPY and keeps its indexes.)

mod common;

use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::load::{count, read_only, spawn, writers};
use common::*;

/// Every index of the database with its definition.
fn indexes(db: &Path) -> Vec<(String, String)> {
    let conn = read_only(db);
    let mut s = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
}

fn ticket_index_count(db: &Path) -> i64 {
    count(
        db,
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL",
    )
}

fn deferred_left(db: &Path) -> i64 {
    let conn = read_only(db);
    conn.query_row("SELECT count(*) FROM deferred_indexes", [], |r| r.get(0))
        .unwrap_or(0)
}

/// The file beside the desk where a load builds its full-text index.
fn scratch(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-search");
    name.into()
}

/// The full-text index holds one document per ticket and conversation entry, passes FTS5's
/// own integrity check, and the load's scratch file is gone.
fn assert_search_whole(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute("INSERT INTO search (search) VALUES ('integrity-check')", [])
        .expect("the full-text index passes its integrity check");
    let documents: i64 = conn
        .query_row("SELECT count(*) FROM search_docsize", [], |r| r.get(0))
        .unwrap();
    let rows: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM entries)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(documents, rows, "documents in the full-text index");
    let missing: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM tickets WHERE id NOT IN (SELECT id FROM search_docsize))
                  + (SELECT count(*) FROM entries WHERE -id NOT IN (SELECT id FROM search_docsize))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(missing, 0, "rows without their full-text document");
    assert!(
        !scratch(db).exists(),
        "the load's scratch index was left behind"
    );
}

/// The indexes of a new desk that has one organization.
fn new_desk_indexes() -> Vec<(String, String)> {
    let d = Desk::new();
    d.add_org("Fresh", "ctyun", "enterprise", "Asia/Shanghai");
    indexes(&d.db)
}

/// Waits until `sql` counts at least `n`, failing if `child` ends first.
fn wait_for(db: &Path, child: &mut Child, sql: &str, n: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if db.exists() {
            let conn = read_only(db);
            if let Ok(seen) = conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                && seen >= n
            {
                return seen;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the load finished before {n} was seen; the test cannot show anything"
        );
        assert!(Instant::now() < deadline, "the load made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A gen into a new desk runs without the ticket indexes and builds them at the end: the
/// schema is then the same as a new desk's, the query plans use them, and four writers
/// (new tickets, notes) that ran meanwhile all succeeded with every ticket kept.
#[test]
fn a_gen_into_an_empty_desk_builds_the_ticket_indexes_after_the_load() {
    if sqlite_only("SQLite builds the tickets table's indexes after a load") {
        return;
    }
    let d = Desk::new();
    d.add_org("Busy", "ctyun", "enterprise", "Asia/Shanghai");
    let full = ticket_index_count(&d.db);
    assert!(full >= 10, "a new desk has {full} ticket indexes");
    let tickets = 10_000;
    let mut generator = spawn(
        &d,
        &["gen", "--tickets", &tickets.to_string(), "--seed", "5"],
        &[("TUIDESK_BATCH_MS", "100")],
    );
    wait_for(&d.db, &mut generator, "SELECT count(*) FROM tickets", 1);
    assert!(
        ticket_index_count(&d.db) < full,
        "the ticket indexes stayed in place during the load"
    );
    assert!(
        deferred_left(&d.db) > 0,
        "the deferred indexes are not recorded"
    );
    assert!(
        scratch(&d.db).exists(),
        "the full-text index is not built beside the load"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let writers = writers(&d, "Busy", 4, stop.clone());
    let out = generator.wait_with_output().unwrap();
    stop.store(true, Ordering::Relaxed);
    let per_writer: Vec<usize> = writers.into_iter().map(|h| h.join().unwrap().0).collect();
    let writes: usize = per_writer.iter().sum();
    assert!(
        out.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        writes >= 4,
        "the writers hardly wrote during gen ({writes})"
    );
    assert_eq!(
        indexes(&d.db),
        new_desk_indexes(),
        "the schema differs from a new desk's"
    );
    assert_eq!(deferred_left(&d.db), 0);
    let new_tickets: usize = per_writer.iter().map(|n| n.div_ceil(2)).sum();
    assert_eq!(
        count(&d.db, "SELECT count(*) FROM tickets") as usize,
        tickets + new_tickets,
        "a ticket went missing"
    );
    // The queue's query goes through its index again.
    let conn = read_only(&d.db);
    let mut explain = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM tickets ORDER BY urgency, priority, id LIMIT 50",
        )
        .unwrap();
    let plan: Vec<String> = explain
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("tickets_by_urgency"), "{plan}");
    d.ok(&["check"]);
    let listed = d.ok(&["ticket", "list", "--limit", "3"]);
    assert_eq!(listed.lines().count(), 4, "{listed}");
    // Built beside the load on a second thread, the full-text index holds every ticket and
    // entry: the generated ones and those the writers added meanwhile.
    assert_search_whole(&d.db);
    let found = d.ok(&["search", "\"writer 0 #0\""]);
    assert!(found.contains("writer 0 #0"), "{found}");
    // A generated ticket's document is its own: the words of its summary find it.
    let conn = read_only(&d.db);
    for id in [1, 5000, 9999] {
        let summary: String = conn
            .query_row("SELECT summary FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        let phrase = tuidesk::store::search_text::match_expression(&summary).unwrap();
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM search WHERE search MATCH ?1 AND rowid = ?2",
                rusqlite::params![phrase, id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            found, 1,
            "ticket {id} ({summary}) is not found by its summary"
        );
    }
}

/// A gen killed while the indexes are deferred keeps the tickets it committed (gen is not
/// all or nothing); the next command that opens the desk for writing builds the indexes.
#[test]
fn a_gen_killed_half_way_leaves_its_indexes_to_the_next_command() {
    if sqlite_only("SQLite builds the tickets table's indexes after a load") {
        return;
    }
    let d = Desk::new();
    d.add_org("Busy", "ctyun", "enterprise", "Asia/Shanghai");
    let expected = indexes(&d.db);
    let mut generator = spawn(
        &d,
        &["gen", "--tickets", "50000", "--seed", "5"],
        &[("TUIDESK_BATCH_MS", "20")],
    );
    let seen = wait_for(&d.db, &mut generator, "SELECT count(*) FROM tickets", 2000);
    generator.kill().unwrap();
    generator.wait().unwrap();
    assert!(
        ticket_index_count(&d.db)
            < expected
                .iter()
                .filter(|i| i.1.contains("ON tickets"))
                .count() as i64
    );
    assert!(deferred_left(&d.db) > 0);
    let kept = count(&d.db, "SELECT count(*) FROM tickets");
    assert!(
        kept >= seen,
        "committed tickets went missing ({kept} < {seen})"
    );
    d.ok(&["check"]);
    assert_eq!(
        indexes(&d.db),
        expected,
        "the next command did not build the indexes"
    );
    assert_eq!(deferred_left(&d.db), 0);
    assert_eq!(count(&d.db, "SELECT count(*) FROM tickets"), kept);
    // The full-text index the dead load was building beside it is built from the tables.
    assert_search_whole(&d.db);
}

/// An import into an empty desk killed at 10% leaves it as it was, indexes included; the
/// same import then goes in whole with the new desk's schema.
#[test]
fn an_import_into_an_empty_desk_killed_at_ten_percent_leaves_it_unchanged() {
    if sqlite_only("SQLite builds the tickets table's indexes after a load") {
        return;
    }
    let n = 3000;
    let src = Desk::new();
    src.ok(&["gen", "--tickets", &n.to_string(), "--seed", "11"]);
    let file = src.path("export.jsonl");
    src.ok(&["export", "--out", file.to_str().unwrap()]);
    let d = Desk::new();
    let empty = d.path("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    d.ok(&["import", empty.to_str().unwrap()]);
    let expected = indexes(&d.db);
    let before = d.export();
    let mut child = spawn(
        &d,
        &["import", file.to_str().unwrap()],
        &[("TUIDESK_BATCH_MS", "20")],
    );
    wait_for(
        &d.db,
        &mut child,
        "SELECT count(*) FROM tickets",
        (n / 10) as i64,
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        deferred_left(&d.db) > 0,
        "the import did not defer the indexes"
    );
    assert_eq!(d.export(), before, "the killed import left rows behind");
    assert_eq!(indexes(&d.db), expected);
    assert_eq!(deferred_left(&d.db), 0);
    d.ok(&["check"]);
    assert_search_whole(&d.db);
    let out = d.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains(&format!("{n} tickets")), "{out}");
    assert_eq!(indexes(&d.db), expected);
    assert_search_whole(&d.db);
    assert_eq!(
        src.export(),
        d.export(),
        "the import is not the source desk"
    );
}
