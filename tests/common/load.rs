//! Helpers of the bulk-load suites (`bulk_load.rs`, `bulk_indexes.rs`): the binary as a
//! child process, other engineers writing meanwhile, counts read beside them.

use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Desk, base_cmd};

/// The binary on `d` as a child process with piped output and extra environment.
pub fn spawn(d: &Desk, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut c = d.std_cmd(args);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("tuidesk starts")
}

/// A read-only connection to a SQLite desk that waits for writers.
pub fn read_only(db: &Path) -> rusqlite::Connection {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn
}

/// One number from a SQLite desk.
pub fn count(db: &Path, sql: &str) -> i64 {
    read_only(db).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `n` processes writing in a loop (new tickets into `org` on even turns, notes on ticket 1
/// on odd ones) until `stop`; every command must succeed. Each returns (its writes, its
/// longest command).
pub fn writers(
    d: &Desk,
    org: &str,
    n: usize,
    stop: Arc<AtomicBool>,
) -> Vec<JoinHandle<(usize, Duration)>> {
    (0..n)
        .map(|w| {
            let stop = stop.clone();
            let (dir, db, org) = (d.dir.path().to_path_buf(), d.db.clone(), org.to_string());
            std::thread::spawn(move || {
                let (mut n, mut longest) = (0usize, Duration::ZERO);
                while !stop.load(Ordering::Relaxed) {
                    let body = format!("writer {w} #{n}");
                    let args: Vec<&str> = if n.is_multiple_of(2) {
                        vec![
                            "ticket",
                            "new",
                            "--org",
                            &org,
                            "--kind",
                            "technical",
                            "--severity",
                            "urgent",
                            "--summary",
                            &body,
                        ]
                    } else {
                        vec!["ticket", "note", "1", "--body", &body]
                    };
                    let started = Instant::now();
                    let out = base_cmd(&dir)
                        .arg("--db")
                        .arg(&db)
                        .args(&args)
                        .output()
                        .unwrap();
                    let took = started.elapsed();
                    assert!(
                        out.status.success(),
                        "writer {w} failed after {took:?}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    longest = longest.max(took);
                    n += 1;
                }
                (n, longest)
            })
        })
        .collect()
}
