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
    let src = Desk::with_orgs(&[("Down KK", "connected-care", "premium", "Asia/Tokyo")]);
    let id = src
        .new_ticket("Down KK", "S2", "cluster slow", &[])
        .to_string();
    src.ok(&["ticket", "reply", id.trim(), "--body", "looking"]);
    src.ok_at("2026-03-07T10:00:00Z", &["org", "plan", "Down KK", "basic"]);
    // Today the plan refuses technical tickets.
    src.refused(
        &new_ticket_args("Down KK", "S2", "x", &[]),
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
    let d = Desk::with_orgs(&[HERE]);
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

/// `tuidesk --db DB ARGS…` run by a shell under `umask 002` (files it creates are group
/// writable unless the program sets their mode itself), with the tests' clock and language.
fn under_umask_002(d: &Desk, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("TUIDESK_NOW", NOW)
        .arg("-c")
        .arg("umask 002; bin=$0; db=$1; shift; exec \"$bin\" --db \"$db\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_tuidesk"))
        .arg(&d.db)
        .args(args);
    c
}

/// `check` looks past SQLite's pages: a poisoned version or a stale SLA column is reported.
#[test]
fn check_validates_the_application_invariants() {
    let d = Desk::with_orgs(&[HERE]);
    for s in ["one", "two"] {
        d.new_ticket("Here", "urgent", s, &[]);
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
    let out = under_umask_002(&d, &["backup", copy.to_str().unwrap()])
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
    d.ok_on(&copy, &["check"]);
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
    d.ok_on(&dest, &["check"]);
}

/// CSV cells a spreadsheet would run as formulas are neutralised; the export escapes C1 and
/// bidi controls (and still imports back byte-identical); export files follow the umask.
#[test]
fn hostile_text_stays_inert_in_csv_and_export() {
    let d = Desk::with_orgs(&[
        ("=HYPERLINK(\"x\")", "ctyun", "enterprise", "Asia/Shanghai"),
        ("@SUM(A1)", "ctyun", "enterprise", "Asia/Shanghai"),
    ]);
    d.new_ticket(
        "=HYPERLINK(\"x\")",
        "urgent",
        "c1 \u{9b}31m and \u{202e}gnp.exe",
        &[],
    );
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
        let status = under_umask_002(&d, &["export", "--out", out.to_str().unwrap()])
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
    let d = Desk::with_orgs(&[HERE]);
    d.new_ticket("Here", "urgent", "数据库连接失败 timeout", &[]);
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
    let d = Desk::with_orgs(&[HERE]);
    let id = d.ok(&[
        &["--as", "bob"],
        &new_ticket_args("Here", "urgent", "scripted", &[])[..],
    ]
    .concat());
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

const BIN: &str = env!("CARGO_BIN_EXE_tuidesk");

fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Item 8: a SQLite file holding another application's tables is refused, named by its
/// tables, and left byte-for-byte as it was (no tuidesk tables, no -wal left behind).
#[test]
fn another_applications_database_is_refused_and_left_alone() {
    let d = Desk::new();
    {
        let conn = rusqlite::Connection::open(&d.db).unwrap();
        conn.execute_batch(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);
             CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, fk INTEGER);
             INSERT INTO moz_places (url) VALUES ('https://example.org');",
        )
        .unwrap();
    }
    let before = std::fs::read(&d.db).unwrap();
    let add: &[&str] = &[
        "org",
        "add",
        "X",
        "--policy-set",
        "ctyun",
        "--plan",
        "business",
        "--tz",
        "UTC",
    ];
    for args in [add, &["ticket", "list"], &["check"], &["export"]] {
        let out = d.run_at(NOW, args);
        expect_refusal(
            args,
            &out,
            1,
            &["another application", "moz_bookmarks", "moz_places"],
        );
    }
    assert_eq!(std::fs::read(&d.db).unwrap(), before, "the file changed");
    assert!(!d.path("desk.db-wal").exists());
}

/// Item 8: `--db file:…` names a file; it is not an SQLite URI (`?mode=ro` is part of the name).
#[test]
fn a_db_starting_with_file_colon_is_a_file_name() {
    let d = Desk::new();
    let name = "file:desk.db?mode=ro";
    let run = |args: &[&str]| {
        base_cmd(d.dir.path())
            .current_dir(d.dir.path())
            .arg("--db")
            .arg(name)
            .args(args)
            .output()
            .unwrap()
    };
    let args = [
        "org",
        "add",
        "X",
        "--policy-set",
        "ctyun",
        "--plan",
        "business",
        "--tz",
        "UTC",
    ];
    expect_success(&args, &run(&args));
    assert!(d.path(name).is_file(), "no file named {name:?}");
    assert!(!d.path("desk.db").exists(), "the URI was followed");
    let list = expect_success(&["org", "list"], &run(&["org", "list"]));
    assert!(list.contains('X'), "{list}");
}

/// Item 8: a database on a read-only medium (file 0444 in a 0555 directory, read by an
/// account that cannot write either) still reads: list, show, export and check say writes
/// are off; a write is refused in one line; nothing is created next to the file.
#[test]
fn a_read_only_database_can_still_be_read() {
    let d = Desk::with_orgs(&[HERE]);
    let id = d
        .new_ticket("Here", "urgent", "read me later", &[])
        .to_string();
    let id = id.trim().to_string();
    let export = d.export();
    let root = running_as_root();
    if root
        && std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_err()
    {
        eprintln!("skipped: running as root without setpriv, permissions cannot bite");
        return;
    }
    chmod(&d.db, 0o444);
    chmod(d.dir.path(), 0o555);
    let run = |args: &[&str]| {
        let mut c = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
            c
        } else {
            std::process::Command::new(BIN)
        };
        c.env_remove("TUIDESK_DB")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env_remove("TUIDESK_POLICY_DIR")
            .env("TUIDESK_NOW", NOW)
            .env("HOME", "/nonexistent")
            .env("XDG_CONFIG_HOME", "/nonexistent/config")
            .env("XDG_DATA_HOME", "/nonexistent/data")
            .arg("--db")
            .arg(&d.db)
            .args(args)
            .output()
            .unwrap()
    };
    let reads: Vec<(Vec<&str>, &str)> = vec![
        (vec!["ticket", "list"], "read me later"),
        (vec!["ticket", "show", &id], "read me later"),
        (vec!["export"], "read me later"),
        (vec!["check"], "ok"),
    ];
    for (args, expected) in &reads {
        let out = run(args);
        let stdout = expect_success(args, &out);
        assert!(stdout.contains(expected), "{}", describe(args, &out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("read-only") && stderr.contains("writes are off"),
            "{}",
            describe(args, &out)
        );
    }
    assert_eq!(text(&run(&["export"]).stdout), export);
    let write = ["ticket", "reply", id.as_str(), "--body", "x"];
    let out = run(&write);
    chmod(d.dir.path(), 0o755);
    chmod(&d.db, 0o644);
    expect_refusal(&write, &out, 1, &["read-only"]);
    let names: Vec<String> = std::fs::read_dir(d.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("-wal") || n.ends_with("-shm")),
        "{names:?}"
    );
    assert_eq!(d.export(), export);
}

/// Item 8: a full disk at open says "disk full" and leaves no file behind (not even an empty
/// one). Needs a small file system of its own: a tmpfs in a private mount namespace (root).
#[test]
fn a_full_disk_at_open_says_so_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let db = mnt.join("new.db");
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs '{m}' || exit 97
         dd if=/dev/zero of='{m}/fill' bs=4k 2>/dev/null
         '{BIN}' --db '{db}' org add X --policy-set ctyun --plan business --tz UTC
         echo \"rc=$?\"
         ls -a '{m}'",
        m = mnt.display(),
        db = db.display(),
    );
    let out = std::process::Command::new("unshare")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(["-m", "sh", "-c", &script])
        .env_remove("TUIDESK_DB")
        .env("TUIDESK_NOW", NOW)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: no unshare");
        return;
    };
    if out.status.code() == Some(97) || !out.status.success() {
        eprintln!(
            "skipped: cannot mount a small tmpfs here ({})",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(stdout.contains("rc=1"), "{stdout}{stderr}");
    assert!(stderr.contains("disk full"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        !stdout.contains("new.db"),
        "a file was left behind: {stdout}"
    );
}

/// Item 8: a corrupt database says so and points at `tuidesk check`, which names the damage.
#[test]
fn a_corrupt_database_says_so_and_check_names_the_damage() {
    let d = Desk::new();
    d.ok(&["gen", "--tickets", "300"]);
    d.ok(&["check"]);
    // Scribble over thirty pages in the middle (not the schema): rows now fail to decode.
    let mut bytes = std::fs::read(&d.db).unwrap();
    let pages = bytes.len() / 4096;
    for p in pages / 2..(pages / 2 + 30).min(pages) {
        for b in &mut bytes[p * 4096 + 20..p * 4096 + 3020] {
            *b = 0x41;
        }
    }
    std::fs::write(&d.db, &bytes).unwrap();
    for args in [&["ticket", "list"][..], &["export"][..]] {
        let out = d.run_at(NOW, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}", describe(args, &out));
        assert!(
            stderr.contains("database is corrupt (run tuidesk check)"),
            "{}",
            describe(args, &out)
        );
    }
    let out = d.run_at(NOW, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&["check"], &out));
    assert!(text(&out.stderr).contains("integrity check failed"));
}

/// Item 6: every command that writes, with its result going to a full disk (`> /dev/full`),
/// fails with one line saying what was committed (so a retrying script can tell) and exit
/// 1, and the change is there; a reader that went away (closed pipe) ends it quietly.
#[test]
fn a_failed_print_says_what_was_committed_and_a_closed_pipe_is_quiet() {
    let d = Desk::new();
    let full = |args: &[&str], committed: &str| {
        let out = d
            .std_cmd(args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}", describe(args, &out));
        assert_eq!(stderr.lines().count(), 1, "{}", describe(args, &out));
        assert!(
            stderr.starts_with("tuidesk: error: ")
                && stderr.contains(committed)
                && stderr.contains("; could not print it: no space left on device"),
            "{args:?} should say {committed:?}: {stderr}"
        );
    };
    let add = |name: &str| {
        [
            "org",
            "add",
            name,
            "--policy-set",
            "ctyun",
            "--plan",
            "enterprise",
            "--tz",
            "Asia/Shanghai",
        ]
        .map(String::from)
    };
    full(
        &add("Full").each_ref().map(String::as_str),
        "organization 1 added",
    );
    full(
        &add("Parent").each_ref().map(String::as_str),
        "organization 2 added",
    );
    full(
        &["org", "link", "Full", "--to", "Parent"],
        "Full linked to Parent",
    );
    full(&["org", "unlink", "Full"], "Full unlinked from Parent");
    full(
        &["org", "plan", "Full", "business"],
        "Full: plan enterprise → business",
    );
    full(
        &["org", "plan", "Full", "enterprise"],
        "Full: plan business → enterprise",
    );
    let new = new_ticket_args("Full", "urgent", "s", &[]);
    full(&new, "ticket 1 created");
    full(&[&new[..], &["--json"]].concat(), "ticket 2 created");
    full(
        &["ticket", "reply", "1", "--body", "x"],
        "reply added to ticket 1",
    );
    full(
        &["ticket", "note", "1", "--body", "x"],
        "note added to ticket 1",
    );
    full(&["ticket", "status", "1", "pending"], "ticket 1 changed");
    full(&["ticket", "severity", "1", "general"], "ticket 1 changed");
    full(&["ticket", "assign", "1", "bob"], "ticket 1 changed");
    full(&["ticket", "claim", "2"], "ticket 2 claimed");
    let order = [
        "order",
        "new",
        "--org",
        "Full",
        "--kind",
        "availability-check",
        "--scenario",
        "joining",
    ];
    full(&order, "order 1 created");
    let mut other = order;
    other[7] = "major-change";
    full(&other, "order 2 created");
    full(&["order", "complete", "1"], "order 1 completed");
    full(
        &["order", "rate", "1", "--speed", "5", "--quality", "4"],
        "order 1 rated",
    );
    full(
        &["order", "reject", "2", "--reason", "no"],
        "order 2 rejected",
    );
    full(&["gen", "--tickets", "3"], "generated 3 tickets");
    let backup = d.path("copy.db");
    full(&["backup", backup.to_str().unwrap()], "backed up to");
    // Everything above was committed once, not lost and not doubled.
    let export = d.export();
    let orgs = export.matches(r#""type":"org""#).count();
    assert_eq!(export.matches(r#""name":"Full""#).count(), 1, "{export}");
    assert_eq!(export.matches(r#""type":"ticket""#).count(), 5, "{export}");
    assert_eq!(export.matches(r#""type":"order""#).count(), 2, "{export}");
    assert!(backup.exists());
    let dst = Desk::new();
    let file = dst.path("in.jsonl");
    std::fs::write(&file, &export).unwrap();
    let out = dst
        .std_cmd(&["import", file.to_str().unwrap()])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("imported {orgs} organizations, 5 tickets"))
            && stderr.contains("could not print it"),
        "{stderr}"
    );
    assert_eq!(dst.export(), export);

    // A closed pipe: the reader has all it wanted; no complaint, success.
    for args in [&["export"][..], &["ticket", "list", "--all"], &new[..]] {
        let mut child = d
            .std_cmd(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", describe(args, &out));
        assert!(out.stderr.is_empty(), "{}", describe(args, &out));
    }
}

/// Runs the binary with a pseudo-terminal for its standard streams; returns all it wrote.
fn on_a_terminal(d: &Desk, args: &[&str]) -> String {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read as _;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env_remove("TUIDESK_DB");
    cmd.env_remove("TUIDESK_POLICY_DIR");
    cmd.env_remove("LC_ALL");
    cmd.env_remove("LC_MESSAGES");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("TUIDESK_NOW", NOW);
    cmd.env("XDG_CONFIG_HOME", d.dir.path().join("config"));
    cmd.env("XDG_DATA_HOME", d.dir.path().join("data"));
    cmd.arg("--db");
    cmd.arg(&d.db);
    for a in args {
        cmd.arg(a);
    }
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let collected = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = collected.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let status = child.wait().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = String::from_utf8_lossy(&collected.lock().unwrap()).into_owned();
    assert!(status.success(), "{args:?} failed on a terminal:\n{out}");
    out
}

/// Item 2: export and import show progress on a terminal (and only there: the other tests
/// check their one-line stderr with pipes).
#[test]
fn export_and_import_show_progress_on_a_terminal() {
    let d = Desk::new();
    d.ok(&["gen", "--tickets", "2000"]);
    let file = d.path("all.jsonl");
    let out = on_a_terminal(&d, &["export", "--out", file.to_str().unwrap()]);
    assert!(out.contains("exporting… "), "{out}");
    assert!(out.contains("exported "), "{out}");
    let piped = d.run_at(
        NOW,
        &["export", "--out", d.path("b.jsonl").to_str().unwrap()],
    );
    assert!(!text(&piped.stderr).contains("exporting…"));
    let dst = Desk::new();
    let out = on_a_terminal(&dst, &["import", file.to_str().unwrap()]);
    assert!(
        out.contains("importing… ") && out.contains(" MB ("),
        "{out}"
    );
    // The file is read three times (parse, check, write), each read named.
    assert!(out.contains("; checking"), "{out}");
    assert!(out.contains("writing (all or nothing)"), "{out}");
    assert!(out.contains("imported "), "{out}");
    assert_eq!(dst.export(), d.export());
}

/// Item 2: every export taken while eight processes keep writing is one snapshot, so each
/// imports into an empty desk and exports back byte for byte.
#[test]
fn twenty_exports_under_eight_writers_all_import() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let d = Desk::with_orgs(&[("Busy", "ctyun", "enterprise", "Asia/Shanghai")]);
    d.ok(&["gen", "--tickets", "50"]);
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let stop = stop.clone();
            let dir = d.dir.path().to_path_buf();
            let db = d.db.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let args: Vec<String> = match n % 3 {
                        0 => [
                            "ticket",
                            "new",
                            "--org",
                            "Busy",
                            "--kind",
                            "technical",
                            "--severity",
                            "urgent",
                            "--summary",
                            &format!("w{w} {n}"),
                        ]
                        .map(String::from)
                        .to_vec(),
                        1 => [
                            "ticket",
                            "reply",
                            &format!("{}", 1 + (n * 7 + w) % 40),
                            "--body",
                            "busy",
                        ]
                        .map(String::from)
                        .to_vec(),
                        _ => [
                            "ticket",
                            "note",
                            &format!("{}", 1 + (n * 11 + w) % 40),
                            "--body",
                            "n",
                        ]
                        .map(String::from)
                        .to_vec(),
                    };
                    let out = base_cmd(&dir)
                        .arg("--db")
                        .arg(&db)
                        .args(&args)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "writer {w}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    n += 1;
                }
                n
            })
        })
        .collect();
    let files: Vec<_> = (0..20)
        .map(|i| {
            let f = d.path(&format!("export-{i}.jsonl"));
            d.ok(&["export", "--out", f.to_str().unwrap()]);
            f
        })
        .collect();
    stop.store(true, Ordering::Relaxed);
    let writes: usize = writers.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(writes > 8, "the writers hardly wrote ({writes})");
    let distinct: std::collections::HashSet<Vec<u8>> =
        files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(distinct.len() > 1, "no write landed between the exports");
    for f in &files {
        let dst = Desk::new();
        dst.ok(&["import", f.to_str().unwrap()]);
        assert_eq!(
            dst.export().as_bytes(),
            std::fs::read(f).unwrap(),
            "{} did not round-trip",
            f.display()
        );
    }
}

/// Item 5: history that came in with an import stays marked as imported (JSON and text of
/// `ticket show`), what happens here afterwards does not, and export → import → export stays
/// byte-identical (the mark belongs to this desk, not to the history).
#[test]
fn imported_history_stays_marked_as_imported() {
    let src = Desk::with_orgs(&[HERE]);
    let id = src
        .new_ticket("Here", "urgent", "moved desks", &[])
        .to_string();
    let id = id.trim();
    src.ok(&["ticket", "reply", id, "--body", "looking"]);
    let export = src.export();
    let dst = Desk::new();
    let file = dst.path("in.jsonl");
    std::fs::write(&file, &export).unwrap();
    dst.ok(&["import", file.to_str().unwrap()]);
    dst.ok(&["ticket", "note", id, "--body", "after the move"]);
    let v = dst.json(&["ticket", "show", id, "--json"]);
    let events = v["events"].as_array().unwrap();
    let (imported, here): (Vec<_>, Vec<_>) = events.iter().partition(|e| e["imported"] == true);
    assert!(imported.len() >= 2, "{v}");
    assert_eq!(here.len(), 1, "{v}");
    assert_eq!(here[0]["field"], "note", "{v}");
    let text = dst.ok(&["ticket", "show", id]);
    assert!(text.contains("(imported)"), "{text}");
    let org = dst.json(&["org", "show", "Here", "--json"]);
    assert!(
        org.to_string().contains(r#""imported":true"#),
        "organization history is marked too: {org}"
    );
    let again = dst.export();
    let back = Desk::new();
    let file2 = back.path("again.jsonl");
    std::fs::write(&file2, &again).unwrap();
    back.ok(&["import", file2.to_str().unwrap()]);
    assert_eq!(
        back.export(),
        again,
        "export → import → export changed bytes"
    );
}
