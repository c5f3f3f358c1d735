//! Issue 14 ("nothing lost, nobody impersonated") and the export rule of issue 12, through
//! the real binary: history the program accepted imports back, export → import → export is
//! byte-identical, backups finish under writers, exports are snapshots, imported values are
//! validated, the audit log names the OS account, files and formats that are someone else's.

mod common;

use common::*;

/// A technical ticket filed while the organization was on Premium, which then moved to Basic
/// (no technical support): the kind rule guards creation, not history, so it imports back.
#[test]
fn history_accepted_once_imports_back_byte_identical() {
    let src = Desk::new();
    src.add_org("Down KK", "connected-care", "premium", "Asia/Tokyo");
    let id = src.ok(&[
        "ticket",
        "new",
        "--org",
        "Down KK",
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "cluster slow",
    ]);
    src.ok(&["ticket", "reply", id.trim(), "--body", "looking"]);
    src.ok_at("2026-03-07T10:00:00Z", &["org", "plan", "Down KK", "basic"]);
    // Today the plan refuses technical tickets.
    src.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Down KK",
            "--kind",
            "technical",
            "--severity",
            "S2",
            "--summary",
            "x",
        ],
        1,
        &["technical"],
    );
    let first = src.export();
    let dst = Desk::new();
    let file = dst.path("all.jsonl");
    std::fs::write(&file, &first).unwrap();
    let out = dst.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("1 tickets"), "{out}");
    let second = dst.export();
    assert_eq!(first, second, "export → import → export changed bytes");
}

const ORG: &str = r#"{"type":"org","name":"Imp","policy_set":"ctyun","plan":"enterprise","tz":"Asia/Shanghai","created_at":"2026-03-01T00:00:00Z"}"#;

fn ticket_line(fields: &str) -> String {
    format!(
        r#"{{"type":"ticket","id":7,"org":"Imp","kind":"technical","severity":"general","status":"new","summary":"ok","component":null,"environment":null,"affected_version":null,"assignee":null,"created_at":"2026-03-02T00:00:00Z","updated_at":"2026-03-02T00:00:00Z","first_response_at":null,"resolved_at":null{fields}}}"#
    )
}

/// Imported values are validated like typed ones, and every refusal names its line.
#[test]
fn imported_values_out_of_range_are_refused_with_their_line() {
    let d = Desk::new();
    d.add_org("Here", "ctyun", "enterprise", "Asia/Shanghai");
    let order = |level: u8| {
        format!(
            r#"{{"type":"order","id":3,"org":"Imp","kind":"event-assurance","status":"processing","level":{level},"scenario":null,"month":null,"start":"2026-04-01","end":"2026-04-02","requested_on":"2026-03-02","due":null,"created_at":"2026-03-02T00:00:00Z","created_by":"bob","completed_at":null,"rejected_at":null,"reject_reason":null,"rating":null}}"#
        )
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!(
                "{ORG}\n{}\n",
                ticket_line(r#","version":9223372036854775807"#)
            ),
            vec!["line 2", "version", "out of range"],
        ),
        (
            format!("{ORG}\n{}\n", ticket_line(r#","version":0"#)),
            vec!["line 2", "version"],
        ),
        (
            format!(
                "{ORG}\n\n{}\n",
                ticket_line("").replace("\"id\":7", "\"id\":9007199254740993")
            ),
            vec!["line 3", "ticket id", "out of range"],
        ),
        (
            format!(
                "{ORG}\n{}\n",
                ticket_line("").replace("\"assignee\":null", "\"assignee\":\"bad name\"")
            ),
            vec!["line 2", "assignee"],
        ),
        (
            format!(
                "{}\n",
                ORG.replace("\"created_at\"", "\"linked_to\":\"Imp\",\"created_at\"")
            ),
            vec!["line 1", "linked to itself"],
        ),
        (format!("{ORG}\n{}\n", order(9)), vec!["line 2", "level 9"]),
    ];
    for (content, fragments) in &cases {
        let file = d.path("case.jsonl");
        std::fs::write(&file, content).unwrap();
        d.refused(&["import", file.to_str().unwrap()], 1, fragments);
    }
    // The same lines with sane values import.
    let file = d.path("good.jsonl");
    std::fs::write(
        &file,
        format!("{ORG}\n{}\n{}\n", ticket_line(r#","version":3"#), order(1)),
    )
    .unwrap();
    d.ok(&["import", file.to_str().unwrap()]);
    d.ok(&["ticket", "status", "7", "open"]);
    assert!(d.ok(&["check"]).starts_with("ok"));
}

/// `check` looks past SQLite's pages: a poisoned version or a stale SLA column is reported.
#[test]
fn check_validates_the_application_invariants() {
    let d = Desk::new();
    d.add_org("Here", "ctyun", "enterprise", "Asia/Shanghai");
    for s in ["one", "two"] {
        d.ok(&[
            "ticket",
            "new",
            "--org",
            "Here",
            "--kind",
            "technical",
            "--severity",
            "urgent",
            "--summary",
            s,
        ]);
    }
    assert!(d.ok(&["check"]).starts_with("ok"));
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.execute(
        "UPDATE tickets SET version = 9223372036854775807 WHERE id = 1",
        [],
    )
    .unwrap();
    conn.execute("UPDATE tickets SET first_response_due = 0 WHERE id = 2", [])
        .unwrap();
    drop(conn);
    let out = d.run_at(NOW, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&["check"], &out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ticket 1: version"), "{stdout}");
    assert!(
        stdout.contains("ticket 2: stored first-response due"),
        "{stdout}"
    );
}

/// `backup` finishes in bounded time while others keep writing, the copy passes the
/// integrity check and follows the umask; a SIGKILLed backup leaves no file at the
/// destination, and a rerun works.
#[test]
fn backup_finishes_under_writers_and_a_killed_one_leaves_nothing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::{Duration, Instant};
    let d = Desk::new();
    d.ok(&["gen", "--tickets", "10000", "--seed", "7"]);
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (stop, writes) = (stop.clone(), writes.clone());
            let (db, home) = (d.db.clone(), d.dir.path().to_path_buf());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let out = base_cmd(&home)
                        .arg("--db")
                        .arg(&db)
                        .args(["ticket", "note", &(w + 1).to_string(), "--body", "typing"])
                        .output()
                        .unwrap();
                    assert!(out.status.success(), "{}", describe(&["note"], &out));
                    writes.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let copy = d.path("copy.db");
    let started = Instant::now();
    let before = writes.load(Ordering::Relaxed);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 002; exec \"$0\" --db \"$1\" backup \"$2\"")
        .arg(env!("CARGO_BIN_EXE_tuidesk"))
        .arg(&d.db)
        .arg(&copy)
        .env("TUIDESK_NOW", NOW)
        .output()
        .unwrap();
    let took = started.elapsed();
    let during = writes.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    expect_success(&["backup"], &out);
    assert!(took < Duration::from_secs(10), "backup took {took:?}");
    assert!(
        during > 0 || took < Duration::from_millis(400),
        "no write during the backup"
    );
    let mut c = base_cmd(d.dir.path());
    c.arg("--db").arg(&copy).arg("check");
    expect_success(&["check"], &c.output().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o664, "the backup ignores the umask");
    }

    // Killed mid-way: nothing at the destination, and the next run works.
    let dest = d.path("killed.db");
    let mut killed = false;
    for _ in 0..20 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tuidesk"))
            .arg("--db")
            .arg(&d.db)
            .arg("backup")
            .arg(&dest)
            .env("TUIDESK_NOW", NOW)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        loop {
            let tmp_seen = std::fs::read_dir(d.dir.path()).unwrap().any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".killed.db.tuidesk-backup-")
            });
            if tmp_seen {
                child.kill().unwrap();
                child.wait().unwrap();
                killed = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if killed {
            break;
        }
        let _ = std::fs::remove_file(&dest);
    }
    assert!(killed, "never caught a backup mid-way");
    assert!(
        !dest.exists(),
        "a killed backup left a file at the destination"
    );
    d.ok(&["backup", dest.to_str().unwrap()]);
    let mut c = base_cmd(d.dir.path());
    c.arg("--db").arg(&dest).arg("check");
    expect_success(&["check"], &c.output().unwrap());
}

/// CSV cells a spreadsheet would run as formulas are neutralised; the export escapes C1 and
/// bidi controls (and still imports back byte-identical); export files follow the umask.
#[test]
fn hostile_text_stays_inert_in_csv_and_export() {
    let d = Desk::new();
    d.add_org("=HYPERLINK(\"x\")", "ctyun", "enterprise", "Asia/Shanghai");
    d.add_org("@SUM(A1)", "ctyun", "enterprise", "Asia/Shanghai");
    d.ok(&[
        "ticket",
        "new",
        "--org",
        "=HYPERLINK(\"x\")",
        "--kind",
        "technical",
        "--severity",
        "urgent",
        "--summary",
        "c1 \u{9b}31m and \u{202e}gnp.exe",
    ]);
    let csv = d.ok(&["report", "monthly", "--month", "2026-03", "--csv"]);
    for line in csv.lines().skip(1) {
        let first = line.trim_start_matches('"');
        assert!(
            !first.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell: {line}"
        );
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let export = d.export();
    assert!(
        !export.contains('\u{9b}') && !export.contains('\u{202e}'),
        "{export}"
    );
    assert!(
        export.contains("\\u009b") && export.contains("\\u202e"),
        "{export}"
    );
    let dst = Desk::new();
    let file = dst.path("x.jsonl");
    std::fs::write(&file, &export).unwrap();
    dst.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(dst.export(), export);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let out = d.path("team.jsonl");
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg("umask 002; exec \"$0\" --db \"$1\" export --out \"$2\"")
            .arg(env!("CARGO_BIN_EXE_tuidesk"))
            .arg(&d.db)
            .arg(&out)
            .env("TUIDESK_NOW", NOW)
            .status()
            .unwrap();
        assert!(status.success());
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o664, "export --out ignores the umask");
    }
}

/// A query with thousands of words is refused at once with the documented limit.
#[test]
fn search_cost_is_bounded() {
    let d = Desk::new();
    d.add_org("Here", "ctyun", "enterprise", "Asia/Shanghai");
    d.ok(&[
        "ticket",
        "new",
        "--org",
        "Here",
        "--kind",
        "technical",
        "--severity",
        "urgent",
        "--summary",
        "数据库连接失败 timeout",
    ]);
    let words: Vec<String> = (0..5000).map(|i| format!("word{i}")).collect();
    let query = words.join(" ");
    let started = std::time::Instant::now();
    let out = d.run_at(NOW, &["search", &query]);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    expect_refusal(&["search"], &out, 1, &["at most 64"]);
    let cjk = "数据库连接失败".repeat(800);
    let started = std::time::Instant::now();
    let out = d.run_at(NOW, &["search", &cjk]);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    expect_refusal(&["search"], &out, 1, &["at most 64"]);
    assert!(d.ok(&["search", "连接 timeout"]).contains("数据库"));
}

/// The audit log names the OS account behind `--as`, replies carry it, an import is audited
/// (who, when, file, counts) outside the exported history, and a team can turn `--as` off.
#[test]
fn audit_rows_name_the_os_account_and_imports_are_audited() {
    let me = whoami::username().unwrap();
    let d = Desk::new();
    d.add_org("Here", "ctyun", "enterprise", "Asia/Shanghai");
    let id = d.ok(&[
        "--as",
        "bob",
        "ticket",
        "new",
        "--org",
        "Here",
        "--kind",
        "technical",
        "--severity",
        "urgent",
        "--summary",
        "scripted",
    ]);
    d.ok(&[
        "--as",
        "bob",
        "ticket",
        "reply",
        id.trim(),
        "--body",
        "on it",
    ]);
    let v = d.json(&["ticket", "show", id.trim(), "--json"]);
    let both = format!("{me} as bob");
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == both.as_str() && e["actor_source"] == "as"),
        "{v}"
    );
    assert_eq!(v["conversation"][0]["author"], both.as_str());

    let export = d.export();
    let dst = Desk::new();
    let file = dst.path("in.jsonl");
    std::fs::write(&file, &export).unwrap();
    dst.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        dst.export(),
        export,
        "the import's own audit row is not history"
    );
    let conn = rusqlite::Connection::open(&dst.db).unwrap();
    let (actor, new): (String, String) = conn
        .query_row(
            "SELECT actor, new FROM events WHERE field = 'import'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(actor, me);
    assert!(
        new.contains("in.jsonl") && new.contains("1 tickets"),
        "{new}"
    );

    let config = d.path("config.toml");
    std::fs::write(&config, "allow_as = false\n").unwrap();
    let out = d
        .cmd_at(NOW, &["--as", "bob", "ticket", "claim", id.trim()])
        .env("TUIDESK_CONFIG", &config)
        .output()
        .unwrap();
    expect_refusal(&["--as"], &out, 1, &["--as is turned off"]);
}
