//! Issue 14 item 3 and issue 18 item 2 through the real binary: a long `gen` or a large
//! `import` writes in short batches, so eight other writers never fail and never wait long;
//! an import stays all or nothing when it fails half-way or is killed at 10%.

mod common;

use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::load::{count, spawn, writers};
use common::*;

/// Longest a writer may wait while a bulk load runs ("a few seconds"; one statement of a
/// writer gives up after 5 s, so a load that held the lock longer would fail it).
const MAX_WAIT: Duration = Duration::from_secs(5);

fn wait_success(child: Child, what: &str) -> String {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Item 3 of issue 14: eight CLI writers during a long `gen` all succeed, none waits more
/// than a few seconds, and every ticket of both is there. (The manual 1M run is in
/// BENCHMARKS.md.)
#[test]
fn eight_writers_all_succeed_during_a_long_gen() {
    let d = Desk::with_orgs(&[("Busy", "ctyun", "enterprise", "Asia/Shanghai")]);
    d.new_ticket("Busy", "urgent", "first", &[]);
    let tickets = 30_000;
    let started = Instant::now();
    let generator = spawn(
        &d,
        &["gen", "--tickets", &tickets.to_string(), "--seed", "5"],
        &[],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let handles = writers(&d, "Busy", 8, stop.clone());
    let out = wait_success(generator, "gen");
    let gen_took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let results: Vec<(usize, Duration)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let writes: usize = results.iter().map(|r| r.0).sum();
    let longest = results.iter().map(|r| r.1).max().unwrap();
    assert!(
        out.contains(&format!("generated {tickets} tickets")),
        "{out}"
    );
    assert!(
        gen_took > MAX_WAIT * 2,
        "gen took only {gen_took:?}: too short to show anything"
    );
    assert!(
        writes >= 16,
        "the writers hardly wrote during gen ({writes})"
    );
    assert!(
        longest < MAX_WAIT,
        "a writer waited {longest:?} during gen (took {gen_took:?})"
    );
    let new_tickets: usize = results.iter().map(|r| r.0.div_ceil(2)).sum();
    assert_eq!(
        count(&d.db, "SELECT count(*) FROM tickets") as usize,
        1 + tickets + new_tickets,
        "a ticket went missing"
    );
}

/// An export of `n` generated tickets but the first (ticket 1 is the destination's own),
/// written by a desk of its own.
fn exported(n: usize) -> (Desk, std::path::PathBuf) {
    let src = Desk::new();
    src.ok(&["gen", "--tickets", &n.to_string(), "--seed", "11"]);
    let file = src.path("export.jsonl");
    src.ok(&["export", "--out", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"ticket","id":1,"#))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "ticket 1 not found");
    std::fs::write(&file, kept.join("\n") + "\n").unwrap();
    (src, file)
}

/// A desk with one organization and ticket of its own, to import into.
fn existing_desk() -> Desk {
    let d = Desk::with_orgs(&[HERE]);
    d.new_ticket("Here", "urgent", "ours", &[]);
    d
}

/// Item 2 of issue 18: an import killed at 10% leaves the database as it was (the next
/// command undoes the batches it had committed), and the same import then goes in whole.
#[test]
fn an_import_killed_at_ten_percent_leaves_the_database_unchanged() {
    let n = 4000;
    let (_src, file) = exported(n);
    let d = existing_desk();
    let before = d.export();
    // Small batches, so 10% is a few commits in.
    let mut child = spawn(
        &d,
        &["import", file.to_str().unwrap()],
        &[("TUIDESK_BATCH_MS", "20")],
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let killed_at;
    loop {
        let in_db = count(&d.db, "SELECT count(*) FROM tickets") - 1;
        if in_db >= (n / 10) as i64 {
            child.kill().unwrap();
            child.wait().unwrap();
            killed_at = in_db;
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before 10% was seen; the test cannot show anything"
        );
        assert!(Instant::now() < deadline, "the import made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        killed_at > 0 && (killed_at as usize) < n,
        "killed at {killed_at}"
    );
    // The killed import's batches are in the file until someone opens it for writing.
    assert!(count(&d.db, "SELECT count(*) FROM tickets") > 1);
    assert_eq!(d.export(), before, "the killed import left rows behind");
    assert_eq!(count(&d.db, "SELECT count(*) FROM load_journal"), 0);
    d.ok(&["check"]);
    let out = d.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains(&format!("{} tickets", n - 1)), "{out}");
    assert_eq!(count(&d.db, "SELECT count(*) FROM tickets") as usize, n);
}

/// A large import that fails in a late batch (a ticket id someone took meanwhile) removes
/// what its earlier batches wrote, and says which line.
#[test]
fn a_large_import_failing_late_removes_its_earlier_batches() {
    let n = 3000;
    let (_src, file) = exported(n);
    let d = existing_desk();
    // Ticket 2900 of the file already exists here (nothing else does).
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"type\":\"ticket\"") && l.contains("\"id\":2900,"))
        .expect("ticket 2900 in the export")
        + 1;
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.execute(
        "INSERT INTO tickets (id, org_id, kind, severity, severity_rank, status, summary, description, component, environment, affected_version, assignee, created_at, updated_at, first_response_at, resolved_at, first_response_due, next_due, risk_at, breach_at, paused_left, urgency, priority, version, effective_severity, severity_note, requester_name, requester_address, channel, follows_id) SELECT 2900, org_id, kind, severity, severity_rank, status, summary, description, component, environment, affected_version, assignee, created_at, updated_at, first_response_at, resolved_at, first_response_due, next_due, risk_at, breach_at, paused_left, urgency, priority, version, effective_severity, severity_note, requester_name, requester_address, channel, follows_id FROM tickets WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let before = d.export();
    let mut c = base_cmd(d.dir.path());
    c.arg("--db")
        .arg(&d.db)
        .args(["import", file.to_str().unwrap()])
        .env("TUIDESK_BATCH_MS", "20");
    let out = c.output().unwrap();
    expect_refusal(
        &["import"],
        &out,
        1,
        &[&format!("line {line}"), "ticket 2900 already exists"],
    );
    assert_eq!(d.export(), before, "the failed import left rows behind");
    assert_eq!(count(&d.db, "SELECT count(*) FROM load_journal"), 0);
    d.ok(&["check"]);
}

/// Eight writers during a large import all succeed quickly, and the import is whole.
#[test]
fn eight_writers_all_succeed_during_a_large_import() {
    let n = 6000;
    let (_src, file) = exported(n);
    let d = existing_desk();
    let started = Instant::now();
    let import = spawn(
        &d,
        &["import", file.to_str().unwrap()],
        &[("TUIDESK_BATCH_MS", "200")],
    );
    // Writers start once the import's first tickets are in (ids it is about to write, a
    // writer's new ticket would take; from then on they get ids above the file's).
    while count(&d.db, "SELECT count(*) FROM tickets") < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import wrote no ticket"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let handles = writers(&d, "Here", 8, stop.clone());
    let out = wait_success(import, "import");
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let results: Vec<(usize, Duration)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let writes: usize = results.iter().map(|r| r.0).sum();
    let longest = results.iter().map(|r| r.1).max().unwrap();
    assert!(out.contains(&format!("{} tickets", n - 1)), "{out}");
    assert!(
        writes >= 8,
        "the writers hardly wrote during the import ({writes})"
    );
    assert!(
        longest < MAX_WAIT,
        "a writer waited {longest:?} (import took {took:?})"
    );
    let new_tickets: usize = results.iter().map(|r| r.0.div_ceil(2)).sum();
    assert_eq!(
        count(&d.db, "SELECT count(*) FROM tickets") as usize,
        n + new_tickets
    );
}
