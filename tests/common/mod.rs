//! The command-line test harness shared by `tests/cli.rs`, `tests/orders.rs` and the other
//! CLI suites: a fresh database per test, a pinned clock, no developer environment, and
//! refusals that must exit 1 with one `tuidesk: error:` line and leave the database (its
//! export) unchanged.
//!
//! The backend is chosen by `TUIDESK_TEST_BACKEND`: `sqlite` (the default) gives each test a
//! SQLite file in a temporary directory; `postgres` gives each test its own fresh database on
//! the server `TUIDESK_TEST_PG` names (created here, dropped when the test ends), passed to
//! the binary as `--db URL`. Tests about SQLite files themselves call [`sqlite_only`].
#![allow(dead_code)]

pub mod load;
pub mod pg;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Friday 2026-03-06 17:30 in Berlin, Saturday 01:30 in Tokyo.
pub const NOW: &str = "2026-03-06T16:30:00Z";

/// The organization most suites file their tickets under: ctyun enterprise in Shanghai.
pub const HERE: (&str, &str, &str, &str) = ("Here", "ctyun", "enterprise", "Asia/Shanghai");

/// The binary with the tests' environment, as assert_cmd runs it.
pub fn base_cmd(home: &Path) -> Command {
    Command::from_std(std_base_cmd(home))
}

/// The binary with the tests' environment as a std `Command` (to spawn it, or to send its
/// output to a file).
pub fn std_base_cmd(home: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tuidesk"));
    c.env_remove("TUIDESK_DB")
        .env_remove("TUIDESK_POLICY_DIR")
        .env("TUIDESK_NOW", NOW)
        // English whatever the developer's locale (the language follows LC_ALL/LANG).
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        // Keep the user's own config (policy sets) and data directories out of the tests.
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    c
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

pub fn describe(args: &[&str], out: &Output) -> String {
    format!(
        "tuidesk {args:?}\nstatus: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn expect_success(args: &[&str], out: &Output) -> String {
    assert!(
        out.status.success(),
        "expected success: {}",
        describe(args, out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}", describe(args, out));
    text(&out.stdout)
}

/// Checks a refusal: exit status, one `tuidesk: error:` line holding every fragment.
pub fn expect_refusal(args: &[&str], out: &Output, code: i32, fragments: &[&str]) -> String {
    let stderr = text(&out.stderr);
    let what = describe(args, out);
    assert_eq!(out.status.code(), Some(code), "wrong exit status: {what}");
    assert!(!stderr.contains("panicked"), "panic: {what}");
    assert!(
        out.stdout.is_empty(),
        "a refused command printed on stdout: {what}"
    );
    if code == 1 {
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one line on stderr: {what}");
        assert!(
            lines[0].starts_with("tuidesk: error: "),
            "missing `tuidesk: error:` prefix: {what}"
        );
    } else {
        assert!(stderr.contains("error:"), "clap error expected: {what}");
    }
    for f in fragments {
        assert!(stderr.contains(f), "stderr lacks {f:?}: {what}");
    }
    stderr
}

/// The backend the CLI suites run against this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("TUIDESK_TEST_BACKEND").as_deref() {
        Ok("postgres") | Ok("postgresql") => Backend::Postgres,
        Ok("sqlite") | Ok("") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("TUIDESK_TEST_BACKEND={other:?}: expected sqlite or postgres"),
    }
}

pub fn on_postgres() -> bool {
    backend() == Backend::Postgres
}

/// For a test about SQLite files (backup copies, file permissions, a killed SQLite write):
/// true, after a note naming the reason, when this run is on PostgreSQL, so the test returns.
/// Use: `if sqlite_only("backup copies a SQLite file") { return; }`
pub fn sqlite_only(reason: &str) -> bool {
    if on_postgres() {
        eprintln!("note: skipped on PostgreSQL: {reason}");
        return true;
    }
    false
}

pub struct Desk {
    pub dir: TempDir,
    /// What `--db` receives: a SQLite file path, or on PostgreSQL the test database's URL.
    pub db: PathBuf,
    /// On PostgreSQL: the server, which drops the test's database when the desk is dropped.
    server: Option<pg::Server>,
}

impl Desk {
    pub fn new() -> Desk {
        let dir = TempDir::new().expect("temporary directory");
        match backend() {
            Backend::Sqlite => {
                let db = dir.path().join("desk.db");
                Desk {
                    dir,
                    db,
                    server: None,
                }
            }
            Backend::Postgres => {
                let server = pg::Server::required();
                let url = server.fresh_database();
                Desk {
                    dir,
                    db: PathBuf::from(url),
                    server: Some(server),
                }
            }
        }
    }

    /// The test database's URL on PostgreSQL.
    pub fn url(&self) -> Option<&str> {
        self.server.as_ref().and_then(|_| self.db.to_str())
    }

    /// True once a command has created the desk: the SQLite file exists, or on PostgreSQL
    /// the schema has been made in the test's database.
    pub fn exists(&self) -> bool {
        match self.url() {
            None => self.db.exists(),
            Some(url) => pg::has_schema(url),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn cmd_at(&self, now: &str, args: &[&str]) -> Command {
        let mut c = base_cmd(self.dir.path());
        c.arg("--db")
            .arg(&self.db)
            .env("TUIDESK_NOW", now)
            .args(args);
        c
    }

    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.cmd_at(now, args).output().expect("tuidesk runs")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.cmd_at(NOW, args)
            .write_stdin(stdin.as_bytes().to_vec())
            .output()
            .expect("tuidesk runs")
    }

    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_at(NOW, args)
    }

    pub fn ok_at(&self, now: &str, args: &[&str]) -> String {
        expect_success(args, &self.run_at(now, args))
    }

    pub fn json(&self, args: &[&str]) -> Value {
        self.json_at(NOW, args)
    }

    pub fn json_at(&self, now: &str, args: &[&str]) -> Value {
        let out = self.ok_at(now, args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}):\n{out}"))
    }

    /// The whole database as JSON Lines; empty while no command has created it.
    pub fn export(&self) -> String {
        if !self.exists() {
            return String::new();
        }
        self.ok(&["export"])
    }

    /// Runs a command that must be refused and checks that the database did not change.
    pub fn refused(&self, args: &[&str], code: i32, fragments: &[&str]) -> String {
        self.refused_at(NOW, args, code, fragments)
    }

    pub fn refused_at(&self, now: &str, args: &[&str], code: i32, fragments: &[&str]) -> String {
        let before = self.export();
        let out = self.run_at(now, args);
        let after = self.export();
        let stderr = expect_refusal(args, &out, code, fragments);
        assert_eq!(
            before, after,
            "the refused command {args:?} changed the database"
        );
        stderr
    }

    pub fn refused_stdin(&self, args: &[&str], stdin: &str, fragments: &[&str]) -> String {
        let before = self.export();
        let out = self.run_stdin(args, stdin);
        let after = self.export();
        let stderr = expect_refusal(args, &out, 1, fragments);
        assert_eq!(
            before, after,
            "the refused command {args:?} changed the database"
        );
        stderr
    }

    /// A fresh desk with these organizations: (name, policy set, plan, time zone) each.
    pub fn with_orgs(orgs: &[(&str, &str, &str, &str)]) -> Desk {
        let d = Desk::new();
        for (name, set, plan, tz) in orgs {
            d.add_org(name, set, plan, tz);
        }
        d
    }

    /// `ticket new --org ORG --kind technical --severity SEV --summary SUMMARY EXTRA…` at
    /// [`NOW`]; the new ticket's id.
    pub fn new_ticket(&self, org: &str, severity: &str, summary: &str, extra: &[&str]) -> i64 {
        self.new_ticket_at(NOW, org, severity, summary, extra)
    }

    pub fn new_ticket_at(
        &self,
        now: &str,
        org: &str,
        severity: &str,
        summary: &str,
        extra: &[&str],
    ) -> i64 {
        let out = self.ok_at(now, &new_ticket_args(org, severity, summary, extra));
        out.trim()
            .parse()
            .unwrap_or_else(|_| panic!("ticket new printed no id: {out}"))
    }

    /// The binary on this desk as a std `Command` (to spawn it, or to send its output to a
    /// file).
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = std_base_cmd(self.dir.path());
        c.arg("--db").arg(&self.db).args(args);
        c
    }

    /// A command that must succeed on another database (a migration's target, a copy) with
    /// this desk's environment; what it printed.
    pub fn ok_on(&self, db: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
        let mut c = base_cmd(self.dir.path());
        c.arg("--db").arg(db).args(args);
        expect_success(args, &c.output().expect("tuidesk runs"))
    }

    pub fn add_org(&self, name: &str, set: &str, plan: &str, tz: &str) -> i64 {
        let out = self.ok(&[
            "org",
            "add",
            name,
            "--policy-set",
            set,
            "--plan",
            plan,
            "--tz",
            tz,
        ]);
        out.trim().parse().expect("org add prints the new id")
    }
}

/// `ticket new --org ORG --kind technical --severity SEV --summary SUMMARY EXTRA…`.
pub fn new_ticket_args<'a>(
    org: &'a str,
    severity: &'a str,
    summary: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "ticket",
        "new",
        "--org",
        org,
        "--kind",
        "technical",
        "--severity",
        severity,
        "--summary",
        summary,
    ];
    args.extend_from_slice(extra);
    args
}

/// How the audit log names `--as NAME` run by this test's OS account: "alice as NAME".
pub fn as_name(name: &str) -> String {
    format!("{} as {name}", whoami::username().expect("an OS account"))
}
