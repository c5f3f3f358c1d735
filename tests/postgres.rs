//! PostgreSQL-only checks beside the contract suite: the same data gives the same search
//! results, in the same order, as the SQLite index; concurrent order requests never spend a
//! quota twice. Needs `TUIDESK_TEST_PG` (skips with a note, fails under `CI=true`).

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tuidesk::desk::Desk;
use tuidesk::domain::{Actor, AuthorRole, EntryKind, TicketKind};
use tuidesk::policy::PolicyRegistry;
use tuidesk::store::NewTicket;

#[path = "common/pg.rs"]
mod pg;

fn policies() -> Arc<PolicyRegistry> {
    Arc::new(tuidesk::config::policies::builtin().expect("built-in policies"))
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-06T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn engineer() -> Actor {
    Actor {
        name: "li.na".into(),
        via_as: true,
        os: None,
    }
}

const DOCS: &[(&str, &str, &[&str])] = &[
    (
        "数据库连接失败",
        "TiKV region unavailable after upgrade",
        &["我们正在检查连接池"],
    ),
    (
        "连接超时",
        "Connection timeout on the 连接 pool",
        &["Café crème: still slow"],
    ),
    (
        "Slow query on TiDB",
        "The slow query log shows full scans",
        &["slow slow slow", "查询很慢"],
    ),
    (
        "TiKV node down",
        "节点宕机，数据库不可用",
        &["region leader moved", "节点已恢复"],
    ),
    ("バックアップが失敗しました", "バックアップ 失敗 cafe", &[]),
    (
        "region unavailable",
        "region region region unavailable",
        &["Region is back"],
    ),
    ("billing question", "invoice for March", &["连接 连接 连接"]),
    ("cafe menu", "Café and CAFE and café", &["naïve résumé"]),
];

const QUERIES: &[&str] = &[
    "连接",
    "连接失败",
    "接",
    "region",
    "region unavailable",
    "\"slow query\"",
    "slow OR 节点",
    "tik*",
    "cafe",
    "CAFÉ",
    "失敗",
    "バックアップ",
    "naive",
    "数据库",
    "region OR invoice slow",
    "nothing-matches-this",
];

fn fill(desk: &mut Desk) {
    let me = engineer();
    desk.add_org(
        "Acme",
        "connected-care",
        "enterprise",
        "Europe/Berlin",
        &me,
        t0(),
    )
    .unwrap();
    for (i, (summary, description, entries)) in DOCS.iter().enumerate() {
        let at = t0() + Duration::minutes(i as i64);
        let t = desk
            .create_ticket(
                &NewTicket {
                    org: "Acme".into(),
                    kind: Some(TicketKind::Technical),
                    severity: "S3".into(),
                    summary: (*summary).into(),
                    description: (*description).into(),
                    ..NewTicket::default()
                },
                &me,
                at,
            )
            .unwrap();
        for body in *entries {
            desk.add_entry(t.id, EntryKind::Note, AuthorRole::Engineer, body, &me, at)
                .unwrap();
        }
    }
}

#[test]
fn same_data_same_search_results_as_sqlite() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite_path = dir.path().join("search.db");
    let mut sqlite = Desk::open(&sqlite_path, policies()).unwrap();
    let url = server.fresh_database();
    let mut postgres = Desk::open(Path::new(&url), policies()).unwrap();
    fill(&mut sqlite);
    fill(&mut postgres);
    let now = t0() + Duration::hours(1);
    let mut nonempty = 0;
    for q in QUERIES {
        for limit in [1, 3, 20] {
            let a: Vec<i64> = sqlite
                .search(q, limit, now)
                .unwrap()
                .tickets
                .iter()
                .map(|t| t.id)
                .collect();
            let b: Vec<i64> = postgres
                .search(q, limit, now)
                .unwrap()
                .tickets
                .iter()
                .map(|t| t.id)
                .collect();
            assert_eq!(a, b, "query {q:?} limit {limit}: SQLite vs PostgreSQL");
            if !a.is_empty() {
                nonempty += 1;
            }
        }
    }
    assert!(nonempty > 30, "the queries find things ({nonempty})");
    for bad in ["", "\"open", "( ) :"] {
        assert_eq!(
            sqlite.search(bad, 5, now).unwrap_err().to_string(),
            postgres.search(bad, 5, now).unwrap_err().to_string()
        );
    }
}

const BIN: &str = env!("CARGO_BIN_EXE_tuidesk");

fn tuidesk(url: &str) -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.arg("--db").arg(url);
    c.env_remove("TUIDESK_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("TUIDESK_NOW")
        .env_remove("TUIDESK_POLICY_DIR")
        .env("TUIDESK_NOW", "2026-11-23T02:00:00Z")
        .stdin(std::process::Stdio::null());
    c
}

fn ok(url: &str, args: &[&str]) -> String {
    let out = tuidesk(url).args(args).output().expect("tuidesk runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Starts `n` processes at once, each with its own connection ("hosts" apart), and returns
/// (successes, stderr of the failures).
fn race(url: &str, n: usize, args: impl Fn(usize) -> Vec<String>) -> (usize, Vec<String>) {
    let children: Vec<_> = (0..n)
        .map(|i| {
            tuidesk(url)
                .args(args(i))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut won, mut lost) = (0, Vec::new());
    for child in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            won += 1;
        } else {
            assert_eq!(out.status.code(), Some(1));
            lost.push(String::from_utf8_lossy(&out.stderr).to_string());
        }
    }
    (won, lost)
}

#[test]
fn eight_processes_claim_order_and_reply_without_losing_anything() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    ok(
        &url,
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
    ok(
        &url,
        &[
            "org",
            "add",
            "Biz",
            "--policy-set",
            "ctyun",
            "--plan",
            "business",
            "--tz",
            "Asia/Shanghai",
        ],
    );
    let id = ok(
        &url,
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
            "shared",
        ],
    );

    // Exactly one claim wins; the others name the winner.
    let (won, lost) = race(&url, 8, |i| {
        ["--as", &format!("eng{i}"), "ticket", "claim", &id]
            .map(String::from)
            .to_vec()
    });
    assert_eq!(won, 1, "{lost:?}");
    assert!(
        lost.iter().all(|e| e.contains("already claimed by")),
        "{lost:?}"
    );

    // Business: 4 level-3 event assurances a year, 8 asked at once: never overspent.
    let (won, lost) = race(&url, 8, |i| {
        let day = format!("2026-12-{:02}", 10 + i);
        [
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
        ]
        .map(String::from)
        .to_vec()
    });
    assert_eq!(won, 4, "{lost:?}");
    assert!(
        lost.iter()
            .all(|e| e.contains("includes 4 event assurances per calendar year")),
        "{lost:?}"
    );

    // K×M replies from 8 processes all survive, and no error reaches anyone.
    let (k, m) = (8, 6);
    let children: Vec<_> = (0..k)
        .map(|p| {
            let script = (0..m)
                .map(|r| format!("{BIN} --db \"$0\" --as eng{p} ticket reply {id} --body 'reply {p}-{r}' >/dev/null || exit 1"))
                .collect::<Vec<_>>()
                .join("; ");
            std::process::Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg(&url)
                .env("TUIDESK_NOW", "2026-11-23T02:00:00Z")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "a reply failed");
    }
    let show: serde_json::Value =
        serde_json::from_str(&ok(&url, &["ticket", "show", &id, "--json"])).unwrap();
    let replies = show["conversation"]
        .as_array()
        .map_or(0, |c| c.iter().filter(|e| e["kind"] == "reply").count());
    assert_eq!(replies, k * m, "every reply survives");
    assert_eq!(ok(&url, &["check"]).lines().count(), 1);
}

/// Runs tuidesk on `db` (a file or a URL) with a fixed clock; the output, or a panic with
/// its error.
fn ok_at(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = tuidesk(db.to_str().unwrap())
        .args(args)
        .output()
        .expect("tuidesk runs");
    assert!(
        out.status.success(),
        "{args:?} on {} failed: {}",
        db.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn migrate_sqlite_to_postgres_and_back_exports_byte_identical() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    let pg = Path::new(&url);
    let dir = tempfile::TempDir::new().unwrap();
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let out = tuidesk(a.to_str().unwrap())
        .args(["demo", "--no-tui", "--db"])
        .arg(&a)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok_at(&a, &["gen", "--tickets", "300", "--seed", "7"]);
    ok_at(
        &a,
        &[
            "reply-template",
            "add",
            "greet",
            "--body",
            "Hello {{customer.name}}",
        ],
    );
    let original = ok_at(&a, &["export"]);
    assert!(original.len() > 10_000, "a real desk to move");

    let said = String::from_utf8(ok_at(&a, &["migrate", "--to", &url])).unwrap();
    assert!(said.starts_with("migrated "), "{said}");
    assert_eq!(ok_at(pg, &["export"]), original, "SQLite -> PostgreSQL");
    // `check` says what it checked: pages and constraints are the server's own.
    let checked = String::from_utf8(ok_at(pg, &["check"])).unwrap();
    assert!(checked.contains("pg_amcheck"), "{checked}");

    // The same answers on both backends for the commands engineers use most (an export
    // carries no organization ids: import numbers organizations by name).
    let without_ids = |text: Vec<u8>| -> Vec<String> {
        String::from_utf8(text)
            .unwrap()
            .lines()
            .map(|l| {
                l.trim_start()
                    .split_once(' ')
                    .map_or(l, |(_, rest)| rest)
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        without_ids(ok_at(&a, &["org", "list"])),
        without_ids(ok_at(pg, &["org", "list"]))
    );
    for args in [
        &["ticket", "list", "--json"][..],
        &["order", "list"],
        &["search", "TiKV", "--json"],
        &["report", "monthly", "--month", "2026-11", "--json"],
    ] {
        assert_eq!(
            String::from_utf8_lossy(&ok_at(&a, args)),
            String::from_utf8_lossy(&ok_at(pg, args)),
            "{args:?}"
        );
    }

    ok_at(pg, &["migrate", "--to", b.to_str().unwrap()]);
    assert_eq!(ok_at(&b, &["export"]), original, "PostgreSQL -> SQLite");
    // The team's shared replies went both ways.
    for db in [pg, b.as_path()] {
        let list = String::from_utf8(ok_at(db, &["reply-template", "list"])).unwrap();
        assert!(list.contains("greet"), "{list}");
    }

    // Never into a desk that has data, nor over an existing file.
    for (from, to) in [(&a, url.as_str()), (&b, a.to_str().unwrap())] {
        let out = tuidesk(from.to_str().unwrap())
            .args(["migrate", "--to", to])
            .output()
            .unwrap();
        assert!(!out.status.success());
    }
    assert_eq!(
        ok_at(pg, &["export"]),
        original,
        "a refused migrate writes nothing"
    );

    // After rows with explicit ids, new rows get the next ones.
    let org = [
        "org",
        "add",
        "Zeta",
        "--policy-set",
        "connected-care",
        "--plan",
        "enterprise",
        "--tz",
        "Europe/Berlin",
    ];
    let new = [
        "ticket",
        "new",
        "--org",
        "Zeta",
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "after the move",
    ];
    for db in [pg, b.as_path()] {
        ok_at(db, &org);
        ok_at(db, &new);
    }
    assert_eq!(
        ok_at(pg, &["ticket", "list", "--json"]),
        ok_at(&b, &["ticket", "list", "--json"])
    );
}

#[test]
fn gen_on_postgres_gives_the_sqlite_rows() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    let pg = Path::new(&url);
    let dir = tempfile::TempDir::new().unwrap();
    let a = dir.path().join("a.db");
    // 10,000 tickets is a bulk load (COPY on PostgreSQL); 400 is row by row.
    for (n, seed) in [("400", "3"), ("10000", "4")] {
        ok_at(&a, &["gen", "--tickets", n, "--seed", seed]);
        ok_at(pg, &["gen", "--tickets", n, "--seed", seed]);
        assert_eq!(ok_at(pg, &["export"]), ok_at(&a, &["export"]), "gen {n}");
        ok_at(pg, &["check"]);
    }
    // An import of more than 1,000 records is a bulk load too: into an empty database.
    let url2 = server.fresh_database();
    let c = dir.path().join("c.db");
    ok_at(&c, &["gen", "--tickets", "1100", "--seed", "5"]);
    let exported = dir.path().join("e.jsonl");
    std::fs::write(&exported, ok_at(&c, &["export"])).unwrap();
    ok_at(Path::new(&url2), &["import", exported.to_str().unwrap()]);
    assert_eq!(ok_at(Path::new(&url2), &["export"]), ok_at(&c, &["export"]));
    ok_at(Path::new(&url2), &["check"]);
    assert_eq!(
        ok_at(Path::new(&url2), &["search", "Region", "--json"]),
        ok_at(&c, &["search", "Region", "--json"])
    );
}

/// Issue 15: Esc cancels a running search on PostgreSQL as on SQLite. The store's interrupter
/// (a cancel request on its own connection) stops a search running on another thread as an
/// `Interrupted` failure; called while nothing runs it is harmless; it works from inside a
/// tokio runtime (where the TUI's event loop calls it); and the next query runs normally.
#[test]
fn a_running_search_on_postgres_can_be_cancelled_from_another_thread() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    ok(&url, &["gen", "--tickets", "1000", "--seed", "8"]);
    let s = Desk::open(Path::new(&url), policies()).unwrap();
    let interrupt = s.interrupter().expect("PostgreSQL can cancel");

    // Idle: the server ignores the cancel; from inside a runtime: no panic.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async { interrupt() });
    assert!(s.search("database", 10, t0()).is_ok());

    let done = Arc::new(AtomicBool::new(false));
    let hammer = {
        let done = done.clone();
        let interrupt = interrupt.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                interrupt();
            }
        })
    };
    let words = "database error slow timeout connection replica cluster latency region leader \
                 storage backup restore invoice refund login console node disk memory query";
    let query = words.split_whitespace().collect::<Vec<_>>().join(" OR ");
    // A search can slip between two cancels; a few tries make the test deterministic enough.
    let mut result = Ok(Default::default());
    for _ in 0..20 {
        result = s.search(&query, 200, t0());
        if result.is_err() {
            break;
        }
    }
    done.store(true, Ordering::Relaxed);
    hammer.join().unwrap();
    let err = result.expect_err("the searches ran to their end despite the cancels");
    assert_eq!(
        err.db_failure(),
        Some(tuidesk::store::DbFailure::Interrupted),
        "{err}"
    );
    let hits = s
        .search("database", 10, t0())
        .expect("the next search runs");
    assert!(!hits.tickets.is_empty());
}

/// A command that fails on the server: exit status 1 and one clear line on stderr (the
/// password never in it), no panic.
fn refused(url: &str, args: &[&str], fragments: &[&str]) -> String {
    let out = tuidesk(url).args(args).output().expect("tuidesk runs");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line for {args:?}, got:\n{err}");
    for f in fragments {
        assert!(err.contains(f), "{f:?} missing from {err:?}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("s3cret"),
        "{err}"
    );
    err
}

/// Issue 15 item 4: the CLI's failures on a server are one line each, exit 1: unreachable
/// server, authentication failed, database missing, permission denied on a table.
#[test]
fn cli_failures_on_the_server_are_one_clear_line() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    ok(
        &url,
        &[
            "org",
            "add",
            "acme",
            "--policy-set",
            "ctyun",
            "--plan",
            "business",
            "--tz",
            "UTC",
        ],
    );
    let with_user = |url: &str, user: &str| {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let host_part = rest.split_once('@').map_or(rest, |(_, h)| h);
        format!("{scheme}://{user}@{host_part}")
    };

    // Nobody listens there.
    let gone = "postgres://someone:s3cret@/tuidesk?host=/nonexistent-tuidesk-socket-dir";
    refused(
        gone,
        &["ticket", "list"],
        &["unreachable", "postgres://someone:***@"],
    );
    let gone_tcp = "postgres://someone:s3cret@127.0.0.1:1/tuidesk?sslmode=disable";
    refused(gone_tcp, &["ticket", "list"], &["unreachable"]);

    // A role the server does not know (the test cluster trusts local users, so a wrong
    // password cannot be shown; an unknown role fails authentication the same way).
    refused(
        &with_user(&url, "no_such_role"),
        &["ticket", "list"],
        &["authentication failed", "no_such_role"],
    );

    // A database that is not there.
    let missing = pg::with_database(&url, "tuidesk_no_such_database");
    refused(
        &missing,
        &["ticket", "list"],
        &["does not exist", "createdb"],
    );

    // A role that may log in but not read tuidesk's tables.
    let role = format!("tuidesk_reader_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("admin");
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN;
             GRANT SELECT ON schema_migrations TO {role};"
        ))
        .expect("a role without rights");
    let err = refused(
        &with_user(&url, &role),
        &["ticket", "list"],
        &["permission denied"],
    );
    assert!(err.contains("README"), "the line says where to look: {err}");
    // The same role on an empty database: creating the tables needs CREATE on the schema
    // (PostgreSQL 15 no longer grants it to everyone), and the line says so.
    let empty = server.fresh_database();
    refused(
        &with_user(&empty, &role),
        &["ticket", "list"],
        &["permission denied for schema", "CREATE on the schema"],
    );
    drop(admin);
    // The role goes with the test (its database is dropped by the server guard first).
    let cleanup = role.clone();
    let url2 = url.clone();
    drop(server);
    if let Ok(mut c) =
        postgres::Client::connect(&pg::with_database(&url2, "postgres"), postgres::NoTls)
    {
        let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS {cleanup}"));
    }
}

/// `migrate` carries contacts and mail history both ways (exports stay byte-identical).
#[test]
fn migrate_carries_contacts_and_mail_history_both_ways() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    let pg = Path::new(&url);
    let dir = tempfile::TempDir::new().unwrap();
    let a = dir.path().join("a.db");
    ok_at(
        &a,
        &[
            "org",
            "add",
            "acme",
            "--policy-set",
            "ctyun",
            "--plan",
            "business",
            "--tz",
            "UTC",
        ],
    );
    ok_at(
        &a,
        &[
            "org",
            "contact",
            "acme",
            "--add",
            "@acme.example",
            "--add",
            "Zoe@Acme.example",
        ],
    );
    ok_at(
        &a,
        &[
            "ticket",
            "new",
            "--org",
            "acme",
            "--kind",
            "technical",
            "--severity",
            "urgent",
            "--summary",
            "s",
        ],
    );
    ok_at(&a, &["migrate", "--to", &url]);
    let back = dir.path().join("back.db");
    ok_at(pg, &["migrate", "--to", back.to_str().unwrap()]);
    let exported = ok_at(&a, &["export"]);
    assert!(String::from_utf8_lossy(&exported).contains("zoe@acme.example"));
    assert_eq!(ok_at(pg, &["export"]), exported);
    assert_eq!(ok_at(&back, &["export"]), exported);

    // Mail history (a triage item filed into a ticket, received and sent messages, a
    // quarantined message, the outbox) travels both ways too, byte-identical.
    let deliver = |name: &str| {
        let raw = std::fs::read(format!(
            "{}/tests/fixtures/mail/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let mut child = tuidesk(a.to_str().unwrap())
            .args(["mail", "deliver"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), &raw).unwrap();
        drop(child.stdin.take());
        assert!(child.wait().unwrap().success(), "{name}");
    };
    deliver("unknown-sender.eml");
    deliver("malformed.eml");
    let filed = ok_at(&a, &["mail", "file", "1", "--org", "acme"]);
    let id = String::from_utf8(filed).unwrap().trim().to_string();
    ok_at(&a, &["ticket", "reply", &id, "--body", "On it"]);
    let exported = ok_at(&a, &["export"]);
    let text = String::from_utf8_lossy(&exported);
    for table in ["triage", "message", "quarantine", "outbox"] {
        assert!(
            text.contains(&format!("\"table\":\"{table}\"")),
            "{table}:\n{text}"
        );
    }
    let url2 = server.fresh_database();
    ok_at(&a, &["migrate", "--to", &url2]);
    assert_eq!(ok_at(Path::new(&url2), &["export"]), exported);
    let back2 = dir.path().join("back2.db");
    ok_at(
        Path::new(&url2),
        &["migrate", "--to", back2.to_str().unwrap()],
    );
    assert_eq!(ok_at(&back2, &["export"]), exported);
    // A database that holds a desk is never a destination.
    refused(
        a.to_str().unwrap(),
        &["migrate", "--to", &url2],
        &["already holds a desk"],
    );
}
