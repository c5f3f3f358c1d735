//! Many engineers, one database: real `tuidesk` processes racing on one temporary file,
//! processes killed mid-write, and the faults people meet on shared hosts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tuidesk");

fn tuidesk(db: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db").arg(db);
    c.env_remove("TUIDESK_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("TUIDESK_NOW")
        .env_remove("TUIDESK_POLICY_DIR");
    c.stdin(Stdio::null());
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    tuidesk(db).args(args).output().expect("tuidesk runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn setup() -> (tempfile::TempDir, PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    ok(
        &db,
        &[
            "org",
            "add",
            "Acme",
            "--policy-set",
            "connected-care",
            "--plan",
            "enterprise",
            "--tz",
            "Europe/Berlin",
        ],
    );
    let id: i64 = ok(
        &db,
        &[
            "ticket",
            "new",
            "--org",
            "Acme",
            "--kind",
            "technical",
            "--severity",
            "S2",
            "--summary",
            "shared ticket",
        ],
    )
    .parse()
    .unwrap();
    (dir, db, id)
}

fn show(db: &Path, id: i64) -> serde_json::Value {
    serde_json::from_str(&ok(db, &["ticket", "show", &id.to_string(), "--json"])).unwrap()
}

fn integrity(db: &Path) -> String {
    ok(db, &["check"])
}

#[test]
fn simultaneous_claims_have_exactly_one_winner() {
    let (_d, db, id) = setup();
    let children: Vec<(String, Child)> = (0..8)
        .map(|i| {
            let who = format!("eng{i}");
            let child = tuidesk(&db)
                .args(["--as", &who, "ticket", "claim", &id.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (who, child)
        })
        .collect();
    let mut winners = Vec::new();
    let mut refusals = Vec::new();
    for (who, child) in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            winners.push(who);
        } else {
            assert_eq!(out.status.code(), Some(1));
            refusals.push(String::from_utf8_lossy(&out.stderr).to_string());
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "exactly one claim wins: {winners:?} {refusals:?}"
    );
    let owner = show(&db, id)["assignee"].as_str().unwrap().to_string();
    assert_eq!(owner, winners[0]);
    for r in &refusals {
        assert!(r.contains(&format!("already claimed by {owner}")), "{r}");
    }
}

#[test]
fn simultaneous_orders_never_overspend_a_quota() {
    // Business allows 4 level-3 event assurances a year: 8 engineers ask at once for the same
    // customer; exactly 4 are accepted and the other 4 name the quota.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let now = "2026-11-23T02:00:00Z";
    let run_at = |args: &[&str]| {
        tuidesk(&db)
            .env("TUIDESK_NOW", now)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run_at(&[
        "org",
        "add",
        "Biz",
        "--policy-set",
        "ctyun",
        "--plan",
        "business",
        "--tz",
        "Asia/Shanghai",
    ]);
    assert!(out.status.success(), "{out:?}");
    let children: Vec<Child> = (0..8)
        .map(|i| {
            let day = format!("2026-12-{:02}", 10 + i);
            tuidesk(&db)
                .env("TUIDESK_NOW", now)
                .args([
                    "--as",
                    &format!("eng{i}"),
                    "order",
                    "new",
                    "--org",
                    "Biz",
                    "--kind",
                    "event-assurance",
                    "--level",
                    "3",
                    "--start",
                    &day,
                    "--end",
                    &day,
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut accepted, mut refusals) = (0, Vec::new());
    for child in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            accepted += 1;
        } else {
            assert_eq!(out.status.code(), Some(1));
            refusals.push(String::from_utf8_lossy(&out.stderr).to_string());
        }
    }
    assert_eq!(accepted, 4, "{refusals:?}");
    for r in &refusals {
        assert!(
            r.contains("includes 4 event assurances per calendar year"),
            "{r}"
        );
    }
    let list = run_at(&["order", "list", "--json"]);
    let orders: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(orders.as_array().map(Vec::len), Some(4));
}

#[test]
fn concurrent_replies_all_survive() {
    let (_d, db, id) = setup();
    let (k, m) = (4, 12);
    let children: Vec<Child> = (0..k)
        .map(|p| {
            let script = (0..m)
                .map(|r| format!("{BIN} --db '{}' --as eng{p} ticket reply {id} --body 'reply {p}-{r}' >/dev/null || exit 1", db.display()))
                .collect::<Vec<_>>()
                .join("\n");
            Command::new("sh")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8").arg("-c").arg(script).env_remove("TUIDESK_DB").spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "no reply command failed");
    }
    let conversation = show(&db, id)["conversation"].as_array().unwrap().len();
    assert_eq!(conversation, k * m);
    assert!(integrity(&db).starts_with("ok"));
}

#[test]
fn concurrent_severity_edits_one_wins_the_rest_are_refused() {
    let (_d, db, id) = setup();
    let version = show(&db, id)["version"].as_i64().unwrap();
    let severities = ["S1", "S3", "S4", "S1", "S3", "S4"];
    let children: Vec<Child> = severities
        .iter()
        .enumerate()
        .map(|(i, sev)| {
            tuidesk(&db)
                .args([
                    "--as",
                    &format!("eng{i}"),
                    "ticket",
                    "severity",
                    &id.to_string(),
                    sev,
                    "--expect-version",
                    &version.to_string(),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let winners = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(winners, 1);
    for o in outs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("changed under you") && err.contains("severity"),
            "{err}"
        );
    }
    let t = show(&db, id);
    assert_eq!(
        t["version"].as_i64().unwrap(),
        version + 1,
        "exactly one change applied"
    );
    let events = t["events"].as_array().unwrap();
    assert_eq!(
        events.iter().filter(|e| e["field"] == "severity").count(),
        1
    );
}

fn kill_after(mut child: Child, after: Duration) {
    std::thread::sleep(after);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

#[test]
fn sigkill_during_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.db");
    ok(&src, &["gen", "--tickets", "3000", "--seed", "5"]);
    let dump = dir.path().join("dump.jsonl");
    ok(&src, &["export", "--out", dump.to_str().unwrap()]);
    let total = 3000;
    // An empty import creates the database (reads refuse a missing one).
    let nothing = dir.path().join("empty.jsonl");
    std::fs::write(&nothing, "").unwrap();
    for round in 0..6 {
        let db = dir.path().join(format!("kill{round}.db"));
        ok(&db, &["import", nothing.to_str().unwrap()]);
        let child = tuidesk(&db)
            .args(["import", dump.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        kill_after(child, Duration::from_millis(40 + 60 * round));
        assert!(integrity(&db).starts_with("ok"), "round {round}");
        let listed: Vec<serde_json::Value> = serde_json::from_str(&ok(
            &db,
            &["ticket", "list", "--all", "--limit", "100000", "--json"],
        ))
        .unwrap();
        assert!(
            listed.is_empty() || listed.len() == total,
            "round {round}: {} tickets",
            listed.len()
        );
    }
}

#[test]
fn sigkill_during_edit_bursts_keeps_counts_consistent() {
    let (_d, db, id) = setup();
    for round in 0..40u64 {
        // Kill each writer at a different moment of its life: opening, mid-transaction, done.
        let child = tuidesk(&db)
            .args([
                "--as",
                "burst",
                "ticket",
                "note",
                &id.to_string(),
                "--body",
                &format!("n{round}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        kill_after(child, Duration::from_millis(round % 20));
    }
    assert!(integrity(&db).starts_with("ok"));
    let t = show(&db, id);
    let notes = t["conversation"].as_array().unwrap().len();
    let note_events = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "note")
        .count();
    assert_eq!(
        notes, note_events,
        "every note has its audit event, none half-written"
    );
}

#[test]
fn eight_writers_for_a_while_no_command_fails() {
    let (_d, db, id) = setup();
    // Short in CI; TUIDESK_STRESS_SECS=30 for the full run.
    let secs: u64 = std::env::var("TUIDESK_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let handles: Vec<_> = (0..8)
        .map(|p| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut done = 0;
                while Instant::now() < deadline {
                    let out = run(
                        &db,
                        &[
                            "--as",
                            &format!("w{p}"),
                            "ticket",
                            "reply",
                            &id.to_string(),
                            "--body",
                            &format!("w{p} {done}"),
                        ],
                    );
                    assert!(
                        out.status.success(),
                        "writer {p} failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    done += 1;
                }
                done
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let replies = show(&db, id)["conversation"].as_array().unwrap().len();
    assert_eq!(replies, total, "nothing lost");
    eprintln!("stress: {total} replies by 8 processes in {secs}s");
}

fn as_nobody(db: &Path, args: &[&str]) -> Output {
    let running_as_root = std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || Path::new("/root").exists() && is_root();
    if running_as_root {
        Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                BIN,
                "--db",
            ])
            .arg(db)
            .args(args)
            .env_remove("TUIDESK_DB")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env("HOME", "/tmp")
            .output()
            .unwrap()
    } else {
        run(db, args)
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn read_only_database_refuses_writes_clearly_and_still_reads() {
    let (dir, db, id) = setup();
    chmod(dir.path(), 0o755);
    for f in ["desk.db", "desk.db-wal", "desk.db-shm"] {
        let p = dir.path().join(f);
        if p.exists() {
            chmod(&p, 0o644);
        }
    }
    let out = as_nobody(
        &db,
        &["ticket", "reply", &id.to_string(), "--body", "hello"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("read-only") || err.contains("permission"),
        "{err}"
    );
    assert_eq!(show(&db, id)["conversation"].as_array().unwrap().len(), 0);
}

#[test]
fn unwritable_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o555);
    let db = dir.path().join("new.db");
    let out = as_nobody(
        &db,
        &[
            "org",
            "add",
            "X",
            "--policy-set",
            "ctyun",
            "--plan",
            "business",
            "--tz",
            "UTC",
        ],
    );
    chmod(dir.path(), 0o755);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tuidesk: error:")
            && (err.contains("cannot open") || err.contains("ermission")),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn corrupt_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("notes.db");
    std::fs::write(&foreign, vec![b'x'; 8192]).unwrap();
    let out = run(&foreign, &["ticket", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a tuidesk database"));

    let (_d, db, _) = setup();
    ok(&db, &["check"]);
    // Scribble over the middle of the file (not the header): the check must say so.
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    if len > 8192 {
        for b in &mut bytes[4096..len.min(12_288)] {
            *b = 0xA5;
        }
        std::fs::write(&db, &bytes).unwrap();
        let _ = std::fs::remove_file(db.with_extension("db-wal"));
        let out = run(&db, &["check"]);
        assert_ne!(out.status.code(), Some(0), "corruption detected");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

/// A write, so the database is created (reads refuse a missing one).
const ADD_ORG: &str = "org add X --policy-set ctyun --plan business --tz UTC";

#[test]
fn new_files_are_group_writable_under_a_team_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("team.db");
    let status = Command::new("sh")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .arg("-c")
        .arg(format!(
            "umask 002; {BIN} --db '{}' {ADD_ORG}",
            db.display()
        ))
        .env_remove("TUIDESK_DB")
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664, "{mode:o}");
    let status = Command::new("sh")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .arg("-c")
        .arg(format!(
            "umask 022; {BIN} --db '{}' {ADD_ORG}",
            dir.path().join("private.db").display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(dir.path().join("private.db"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644, "umask is respected: {mode:o}");
}

#[test]
fn audit_records_os_user_and_scripts() {
    let (_d, db, id) = setup();
    ok(
        &db,
        &[
            "ticket",
            "note",
            &id.to_string(),
            "--body",
            "by the os user",
        ],
    );
    ok(
        &db,
        &[
            "--as",
            "deploy-bot",
            "ticket",
            "note",
            &id.to_string(),
            "--body",
            "by a script",
        ],
    );
    let events = show(&db, id)["events"].as_array().unwrap().clone();
    let notes: Vec<_> = events.iter().filter(|e| e["field"] == "note").collect();
    assert_eq!(notes[0]["actor_source"], "os");
    assert!(!notes[0]["actor"].as_str().unwrap().is_empty());
    let me = whoami::username().unwrap();
    assert_eq!(notes[1]["actor"], format!("{me} as deploy-bot").as_str());
    assert_eq!(notes[1]["actor_source"], "as");
}

#[test]
fn backup_while_others_write() {
    let (dir, db, id) = setup();
    let script = (0..40)
        .map(|r| {
            format!(
                "{BIN} --db '{}' ticket reply {id} --body 'r{r}' >/dev/null",
                db.display()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut writer = Command::new("sh")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .arg("-c")
        .arg(script)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let copy = dir.path().join("copy.db");
    ok(&db, &["backup", copy.to_str().unwrap()]);
    writer.wait().unwrap();
    assert!(integrity(&copy).starts_with("ok"));
    let replies = show(&copy, id)["conversation"].as_array().unwrap().len();
    let events = show(&copy, id)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "reply")
        .count();
    assert_eq!(replies, events, "the copy is a consistent snapshot");
}
