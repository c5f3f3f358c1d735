//! The command-line test harness shared by `tests/cli.rs`, `tests/orders_cli.rs` and `tests/orders.rs`: a
//! fresh database per test, a pinned clock, no developer environment, and refusals that
//! must exit 1 with one `tuidesk: error:` line and leave the database (its export) unchanged.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Friday 2026-03-06 17:30 in Berlin, Saturday 01:30 in Tokyo.
pub const NOW: &str = "2026-03-06T16:30:00Z";

pub fn base_cmd(home: &Path) -> Command {
    let mut c = Command::cargo_bin("tuidesk").expect("the tuidesk binary is built");
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

pub struct Desk {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Desk {
    pub fn new() -> Desk {
        let dir = TempDir::new().expect("temporary directory");
        let db = dir.path().join("desk.db");
        Desk { dir, db }
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
        if !self.db.exists() {
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

/// How the audit log names `--as NAME` run by this test's OS account: "alice as NAME".
pub fn as_name(name: &str) -> String {
    format!("{} as {name}", whoami::username().expect("an OS account"))
}
