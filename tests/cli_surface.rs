//! The command line as a surface: pipes that close early, full disks, usage errors, help,
//! completions, the manual page, `--version`, commands on a database that does not exist,
//! the demo's own database, and the marks that mean breached and at risk.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tuidesk");
const QIMU: &str = "栖木科技"; // ctyun business: urgent first response in 10 minutes, 24x7

/// The test environment of `common::base_cmd`, as a plain `std::process::Command` whose
/// standard streams can be anything.
fn raw_cmd(home: &Path, db: Option<&Path>, args: &[&str]) -> std::process::Command {
    let mut c = std_base_cmd(home);
    c.stdin(Stdio::null()).stderr(Stdio::piped());
    if let Some(db) = db {
        c.arg("--db").arg(db);
    }
    c.args(args);
    c
}

/// Runs with standard output connected to a pipe whose reading end is already closed,
/// as `tuidesk … | head` ends up once `head` has read its lines.
fn run_into_closed_pipe(home: &Path, db: Option<&Path>, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    raw_cmd(home, db, args)
        .stdout(Stdio::from(writer))
        .output()
        .expect("tuidesk runs")
}

fn stderr_lines(out: &Output) -> Vec<String> {
    text(&out.stderr).lines().map(str::to_string).collect()
}

/// A desk with the ctyun organization and a few tickets at NOW.
fn desk_with_tickets(n: usize) -> Desk {
    let d = Desk::with_orgs(&[(QIMU, "ctyun", "business", "Asia/Shanghai")]);
    for i in 0..n {
        new_ticket(&d, NOW, &format!("problem {i}"));
    }
    d
}

fn new_ticket(d: &Desk, now: &str, summary: &str) -> i64 {
    d.new_ticket_at(now, QIMU, "urgent", summary, &[])
}

fn minutes_after_now(minutes: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339(NOW).expect("NOW is RFC 3339");
    (base + chrono::Duration::minutes(minutes)).to_rfc3339()
}

// ---------------------------------------------------------------------------------------
// 12: a closed pipe ends the command quietly; a full disk is one line, exit 1

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let d = desk_with_tickets(3);
    let db = Some(d.db.as_path());
    let home = d.dir.path();
    let commands: &[&[&str]] = &[
        &["ticket", "list"],
        &["ticket", "list", "--json"],
        &["ticket", "show", "1"],
        &["search", "problem"],
        &["export"],
        &["org", "list"],
        &["org", "show", QIMU, "--json"],
        &["sla", "explain", "1"],
        &["order", "list", "--json"],
        &["report", "monthly", "--month", "2026-03"],
        &["policy", "list"],
        &["check"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["ticket", "new", "--help"],
        &["--version"],
    ];
    for args in commands {
        let out = run_into_closed_pipe(home, db, args);
        let what = describe(args, &out);
        assert_eq!(out.status.code(), Some(0), "{what}");
        assert!(
            out.stderr.is_empty(),
            "a closed pipe is not worth a word: {what}"
        );
    }
    // A write command whose output nobody reads still did its work.
    let out = run_into_closed_pipe(
        home,
        db,
        &[
            "ticket",
            "new",
            "--org",
            QIMU,
            "--kind",
            "billing",
            "--severity",
            "general",
            "--summary",
            "piped",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        describe(&["ticket"], &out)
    );
    let list = d.json(&["ticket", "list", "--json"]);
    assert!(
        list.as_array()
            .expect("an array")
            .iter()
            .any(|t| t["summary"] == "piped")
    );
}

#[cfg(target_os = "linux")]
fn run_into_full_disk(d: &Desk, args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    raw_cmd(d.dir.path(), Some(&d.db), args)
        .stdout(Stdio::from(full))
        .output()
        .expect("tuidesk runs")
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_and_says_what_was_committed() {
    let d = desk_with_tickets(2);
    for args in [
        &["ticket", "list"][..],
        &["ticket", "show", "1", "--json"],
        &["org", "list"],
        &["export"],
    ] {
        let out = run_into_full_disk(&d, args);
        let what = describe(args, &out);
        assert_eq!(out.status.code(), Some(1), "{what}");
        let lines = stderr_lines(&out);
        assert_eq!(lines.len(), 1, "{what}");
        assert!(lines[0].starts_with("tuidesk: error: "), "{what}");
        assert!(
            lines[0].to_lowercase().contains("no space left on device"),
            "{what}"
        );
    }

    let args = [
        "ticket",
        "new",
        "--org",
        QIMU,
        "--kind",
        "technical",
        "--severity",
        "general",
        "--summary",
        "written, not shown",
    ];
    let out = run_into_full_disk(&d, &args);
    let what = describe(&args, &out);
    assert_eq!(out.status.code(), Some(1), "{what}");
    assert_eq!(
        stderr_lines(&out),
        vec!["tuidesk: error: ticket 3 created; could not print it: no space left on device"],
        "{what}"
    );
    assert_eq!(d.show_summary(3), "written, not shown");

    let out = run_into_full_disk(&d, &["ticket", "claim", "3", "--as", "alice"]);
    assert_eq!(
        stderr_lines(&out),
        vec!["tuidesk: error: ticket 3 claimed; could not print it: no space left on device"]
    );
}

impl Desk {
    fn show_summary(&self, id: i64) -> String {
        let v = self.json(&["ticket", "show", &id.to_string(), "--json"]);
        v["summary"].as_str().expect("summary").to_string()
    }
}

// ---------------------------------------------------------------------------------------
// 13: help with allowed values, usage errors on one line, no internal words

#[test]
fn an_invalid_value_of_a_fixed_set_is_a_one_line_usage_error() {
    let d = desk_with_tickets(1);
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["ticket", "list", "--status", "done"],
            &["'done'", "new, open, pending, on-hold, resolved, closed"],
        ),
        (
            &["ticket", "list", "--sort", "age"],
            &["'age'", "due, created, severity"],
        ),
        (
            &["ticket", "status", "1", "shut"],
            &["'shut'", "new, open, pending, on-hold, resolved, closed"],
        ),
        (
            &[
                "ticket",
                "new",
                "--org",
                QIMU,
                "--kind",
                "question",
                "--severity",
                "urgent",
                "--summary",
                "x",
            ],
            &["'question'", "technical, billing"],
        ),
        (
            &[
                "ticket",
                "new",
                "--org",
                QIMU,
                "--kind",
                "technical",
                "--severity",
                "urgent",
                "--summary",
                "x",
                "--environment",
                "staging",
            ],
            &["'staging'", "production, non-production"],
        ),
        (
            &["order", "list", "--status", "open"],
            &["'open'", "processing, completed, rejected"],
        ),
        (
            &["order", "list", "--kind", "audit"],
            &[
                "'audit'",
                "event-assurance, availability-check, monthly-report",
            ],
        ),
        (
            &["order", "new", "--org", QIMU, "--kind", "audit"],
            &["'audit'", "event-assurance"],
        ),
        (
            &[
                "order",
                "new",
                "--org",
                QIMU,
                "--kind",
                "availability-check",
                "--scenario",
                "yearly",
            ],
            &["'yearly'", "joining, major-event, major-change, annual"],
        ),
        (
            &["completions", "tcsh"],
            &["'tcsh'", "bash", "zsh", "fish", "elvish", "powershell"],
        ),
    ];
    for (args, fragments) in cases {
        d.refused(args, 2, fragments);
        let out = d.run_at(NOW, args);
        assert_eq!(stderr_lines(&out).len(), 1, "{}", describe(args, &out));
    }
    // Other usage errors are one line too, and point at the right help.
    let out = d.run_at(NOW, &["ticket", "new", "--org", QIMU]);
    let lines = stderr_lines(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("--kind <KIND>"), "{lines:?}");
    assert!(lines[0].contains("tuidesk ticket new --help"), "{lines:?}");
}

/// `tuidesk <path> --help` for every command, found by following the help itself.
fn every_help_page(home: &Path) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = base_cmd(home).args(&args).output().expect("tuidesk runs");
        let help = expect_success(&args, &out);
        let mut in_commands = false;
        for line in help.lines() {
            if line.ends_with(':') && !line.starts_with(' ') {
                in_commands = line == "Commands:";
                continue;
            }
            if in_commands
                && let Some(name) = line.split_whitespace().next()
                && name != "help"
            {
                let mut sub = path.clone();
                sub.push(name.to_string());
                todo.push(sub);
            }
        }
        pages.push((format!("tuidesk {}", path.join(" ")), help));
    }
    pages
}

/// A help line that starts with an option or argument name (`--db <PATH>`, `-h`, `<ID>`,
/// `[QUERY]`), not with a value list (`[possible values: …]`, `- new`).
fn names_an_argument(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    match (chars.next(), chars.next()) {
        (Some('-'), Some(c)) => c == '-' || c.is_ascii_alphanumeric(),
        (Some('<'), _) => true,
        (Some('['), Some(c)) => c.is_ascii_uppercase(),
        _ => false,
    }
}

#[test]
fn every_option_and_argument_has_help_and_no_internal_words() {
    let d = Desk::new();
    let pages = every_help_page(d.dir.path());
    assert!(pages.len() > 30, "{} help pages", pages.len());
    for (command, help) in &pages {
        let lines: Vec<&str> = help.lines().collect();
        let mut section = "";
        for (i, line) in lines.iter().enumerate() {
            if !line.starts_with(' ') && line.ends_with(':') {
                section = line;
                continue;
            }
            if !matches!(section, "Options:" | "Arguments:") || !names_an_argument(line) {
                continue;
            }
            // "  --flag <V>  what it is", or the text on the next line (long help).
            let columns = line
                .trim()
                .split("  ")
                .filter(|c| !c.trim().is_empty())
                .count();
            let next = lines.get(i + 1).map_or("", |l| l.trim());
            assert!(
                columns >= 2 || !(next.is_empty() || names_an_argument(next)),
                "{command}: no help for {line:?}"
            );
        }
        for (i, line) in help.lines().enumerate() {
            let lower = line.to_lowercase();
            if lower.contains("--seed") || lower.contains("random seed") {
                continue; // the generator's random seed is a real option
            }
            assert!(
                !lower.contains("seed") && !line.contains('§'),
                "{command} line {i}: internal words in {line:?}"
            );
        }
    }
    let man = d.ok(&["man"]);
    assert!(!man.to_lowercase().contains("seed 0"), "man page");
}

#[test]
fn help_names_the_allowed_values() {
    let d = Desk::new();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["ticket", "new", "--help"],
            &[
                "technical, billing",
                "production, non-production",
                "S1, S2, S3, S4",
                "urgent, general",
            ],
        ),
        (
            &["ticket", "list", "--help"],
            &[
                "new, open, pending, on-hold, resolved, closed",
                "due, created, severity",
            ],
        ),
        (
            &["order", "new", "--help"],
            &[
                "event-assurance, availability-check, monthly-report",
                "joining, major-event, major-change, annual",
                "YYYY-MM-DD",
                "YYYY-MM",
            ],
        ),
        (
            &["org", "add", "--help"],
            &["connected-care, ctyun", "business", "developer"],
        ),
    ];
    for (args, values) in cases {
        let help = d.ok(args);
        for v in values {
            assert!(help.contains(v), "{args:?} lacks {v:?}:\n{help}");
        }
    }
}

#[test]
fn a_billing_refusal_names_no_internal_source() {
    let d = Desk::with_orgs(&[("Acme", "connected-care", "enterprise", "Europe/Berlin")]);
    let stderr = d.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Acme",
            "--kind",
            "billing",
            "--severity",
            "S1",
            "--summary",
            "invoice",
        ],
        1,
        &["S1", "billing"],
    );
    assert!(!stderr.to_lowercase().contains("seed"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// 14: completions, man, --version

#[test]
fn completions_exist_for_every_shell() {
    let d = Desk::new();
    for (shell, marker) in [
        ("bash", "_tuidesk()"),
        ("zsh", "#compdef tuidesk"),
        ("fish", "complete -c tuidesk"),
        ("elvish", "tuidesk"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = d.ok(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        assert!(script.contains("ticket"), "{shell} completes subcommands");
    }
    assert!(!d.exists(), "completions need no database");
}

#[test]
fn man_prints_a_roff_page() {
    let d = Desk::new();
    let page = d.ok(&["man"]);
    assert!(page.contains(".TH tuidesk 1"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    for sub in ["ticket", "order", "completions"] {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
    assert!(!d.exists(), "man needs no database");
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let d = Desk::new();
    let out = d.ok(&["--version"]);
    let line = out.trim();
    // tuidesk 0.1.0 (commit 1a2b3c4, built 2026-11-26)
    let rest = line
        .strip_prefix(&format!("tuidesk {} (commit ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line:?}"));
    let (commit, rest) = rest.split_once(", built ").expect("a build date");
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "commit {commit:?}"
    );
    let date = rest.strip_suffix(')').expect("closing parenthesis");
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        "build date {date:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 15: reading a database that does not exist

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn read_only_commands_on_a_missing_database_say_so_and_create_nothing() {
    if sqlite_only(
        "a missing database is a missing SQLite file; an empty PostgreSQL database is an empty desk",
    ) {
        return;
    }
    let d = Desk::new();
    let before = files_in(d.dir.path());
    let commands: &[&[&str]] = &[
        &["ticket", "list"],
        &["ticket", "list", "--json"],
        &["ticket", "show", "1"],
        &["search", "disk"],
        &["export"],
        &["report", "monthly", "--month", "2026-03"],
        &["check"],
        &["org", "list"],
        &["org", "show", "Acme"],
        &["order", "list"],
        &["order", "show", "1"],
        &["sla", "explain", "1"],
        &["backup", "copy.db"],
    ];
    let db = d.db.display().to_string();
    for args in commands {
        let stderr = d.refused(args, 1, &["no database at", &db, "tuidesk demo"]);
        assert!(!stderr.contains("panicked"));
        assert_eq!(
            files_in(d.dir.path()),
            before,
            "{args:?} created a file (database, -wal, -shm or copy)"
        );
    }
    // A command that writes creates the database on first use.
    d.add_org(QIMU, "ctyun", "business", "Asia/Shanghai");
    assert!(d.db.exists());
    assert_eq!(d.json(&["ticket", "list", "--json"]), Value::Array(vec![]));
}

#[test]
fn the_default_database_is_created_by_the_first_write_only() {
    let home = tempfile::TempDir::new().expect("temporary directory");
    let data = home.path().join("data");
    let out = base_cmd(home.path())
        .args(["ticket", "list"])
        .output()
        .expect("tuidesk runs");
    expect_refusal(
        &["ticket", "list"],
        &out,
        1,
        &["no database at", "tuidesk.db"],
    );
    assert!(!data.exists(), "a read created {}", data.display());

    let args = [
        "org",
        "add",
        QIMU,
        "--policy-set",
        "ctyun",
        "--plan",
        "business",
        "--tz",
        "Asia/Shanghai",
    ];
    let out = base_cmd(home.path())
        .args(args)
        .output()
        .expect("tuidesk runs");
    expect_success(&args, &out);
    assert!(data.join("tuidesk").join("tuidesk.db").exists());
}

#[test]
fn the_tui_without_a_terminal_does_not_create_a_named_database() {
    if sqlite_only("asks before creating a SQLite file") {
        return;
    }
    let d = Desk::new();
    let out = raw_cmd(d.dir.path(), Some(&d.db), &[])
        .stdout(Stdio::piped())
        .output()
        .expect("tuidesk runs");
    expect_refusal(&["--db", "…"], &out, 1, &["no database at"]);
    assert_eq!(files_in(d.dir.path()), Vec::<String>::new());
}

#[test]
fn ticket_list_says_when_it_stopped_at_its_limit() {
    let d = desk_with_tickets(3);
    let out = d.run_at(NOW, &["ticket", "list", "--limit", "2"]);
    let stdout = expect_success(&["ticket", "list"], &out);
    assert_eq!(stdout.lines().count(), 3, "header and two rows:\n{stdout}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("showing 2 of 3 tickets") && stderr.contains("--limit N"),
        "{stderr}"
    );

    let out = d.run_at(NOW, &["ticket", "list", "--limit", "2", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("pure JSON on stdout");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert!(text(&out.stderr).contains("showing 2 of 3 tickets"));

    // Nothing said when everything fits.
    let out = d.run_at(NOW, &["ticket", "list", "--limit", "3"]);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    // --all lifts the default limit of 50.
    d.ok(&["gen", "--tickets", "60", "--seed", "3"]);
    let out = d.run_at(NOW, &["ticket", "list", "--all", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(63));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = d.run_at(NOW, &["ticket", "list", "--all", "--limit", "10"]);
    assert!(text(&out.stderr).contains("showing 10 of 63 tickets"));
}

// ---------------------------------------------------------------------------------------
// 16: the demo keeps to its own database

#[test]
fn demo_refuses_a_database_it_did_not_create() {
    let d = desk_with_tickets(2);
    let before = d.export();
    let mut c = base_cmd(d.dir.path());
    c.args(["demo", "--no-tui", "--db"]).arg(&d.db);
    let out = c.output().expect("tuidesk runs");
    let location = d.db.display().to_string();
    expect_refusal(
        &["demo", "--no-tui", "--db", &location],
        &out,
        1,
        &["not created by `tuidesk demo`", &location],
    );
    assert_eq!(before, d.export(), "the demo touched a real database");

    // Its own database is reused, an empty file (from mktemp) is filled.
    let demo = d.path("demo.db");
    for _ in 0..2 {
        let mut c = base_cmd(d.dir.path());
        c.args(["demo", "--no-tui", "--db"]).arg(&demo);
        expect_success(&["demo"], &c.output().expect("tuidesk runs"));
    }
    let empty = d.path("empty.db");
    std::fs::write(&empty, b"").expect("an empty file");
    let mut c = base_cmd(d.dir.path());
    c.args(["demo", "--no-tui", "--db"]).arg(&empty);
    expect_success(&["demo"], &c.output().expect("tuidesk runs"));
}

#[test]
fn demo_without_a_path_says_where_its_temporary_database_is() {
    let d = Desk::new();
    // --no-tui keeps a database, so it needs a path.
    let out = base_cmd(d.dir.path())
        .args(["demo", "--no-tui"])
        .output()
        .expect("tuidesk runs");
    expect_refusal(&["demo", "--no-tui"], &out, 1, &["--db PATH"]);

    // Without a terminal the TUI cannot start, but the demo has said where it lived, and
    // that place is gone.
    let out = raw_cmd(d.dir.path(), None, &["demo"])
        .stdout(Stdio::piped())
        .output()
        .expect("tuidesk runs");
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("temporary database"))
        .unwrap_or_else(|| panic!("no word on the temporary database:\n{stderr}"));
    assert!(line.contains("removed when the demo ends"), "{line}");
    let path = line
        .split_whitespace()
        .find(|w| w.ends_with("demo.db"))
        .unwrap_or_else(|| panic!("no path in {line:?}"));
    assert!(!Path::new(path).exists(), "{path} was left behind");
}

// ---------------------------------------------------------------------------------------
// 17: ‼ breached, ! at risk

/// The mark after the id in `ticket list` rows, by ticket id.
fn marks(list: &str) -> Vec<(i64, String)> {
    list.lines()
        .skip(1)
        .filter_map(|line| {
            let id_end = line.find(|c: char| !c.is_whitespace())?;
            let rest = &line[id_end..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let mark = rest[digits.len()..].chars().next()?;
            Some((digits.parse().ok()?, mark.to_string()))
        })
        .collect()
}

#[test]
fn the_cli_marks_breached_with_double_bang_and_at_risk_with_one() {
    let d = Desk::with_orgs(&[(QIMU, "ctyun", "business", "Asia/Shanghai")]);
    let early = new_ticket(&d, NOW, "filed first");
    let later = new_ticket(&d, &minutes_after_now(3), "filed three minutes later");
    let fresh = new_ticket(&d, &minutes_after_now(10), "just filed");
    // 10-minute target: at 11 minutes the first is breached, the second (8 of 10 minutes
    // gone) at risk, the third running.
    let list = d.ok_at(&minutes_after_now(11), &["ticket", "list"]);
    let marks = marks(&list);
    assert!(marks.contains(&(early, "‼".into())), "{list}");
    assert!(marks.contains(&(later, "!".into())), "{list}");
    assert!(marks.contains(&(fresh, " ".into())), "{list}");
    let show = d.ok_at(
        &minutes_after_now(11),
        &["ticket", "show", &early.to_string()],
    );
    assert!(show.contains("‼ BREACHED"), "{show}");
    let show = d.ok_at(
        &minutes_after_now(11),
        &["ticket", "show", &later.to_string()],
    );
    assert!(show.contains("! at risk"), "{show}");
}

// ---------------------------------------------------------------------------------------
// 15 (TUI): a named database that does not exist is created only after asking

/// `tuidesk --db PATH` in a pseudo-terminal; returns the bytes it wrote once `until` holds.
struct Pty {
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    fn spawn(home: &Path, db: &Path) -> Pty {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("TUIDESK_CONFIG", home.join("no-such-config.toml"));
        cmd.env("TERM", "xterm-256color");
        cmd.arg("--db");
        cmd.arg(db);
        cmd.cwd(home);
        let child = pair.slave.spawn_command(cmd).expect("spawning tuidesk");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let shared = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                shared
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            output,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !cond(&self.text()) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("writing to the pty");
        self.writer.flush().expect("flushing the pty");
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("waiting") {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "tuidesk did not exit; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const ALTERNATE_SCREEN: &str = "\x1b[?1049h";

#[test]
fn the_tui_asks_before_creating_a_named_database_and_no_means_nothing() {
    if sqlite_only("asks before creating a SQLite file") {
        return;
    }
    let d = Desk::new();
    let mut pty = Pty::spawn(d.dir.path(), &d.db);
    pty.wait_for("the question", |t| t.contains("[y/N]"));
    let asked = pty.text();
    assert!(asked.contains("no database at"), "{asked}");
    assert!(
        !asked.contains(ALTERNATE_SCREEN),
        "asked inside the alternate screen"
    );
    pty.send(b"n\r");
    let status = pty.wait_exit();
    assert!(!status.success(), "declining is not success");
    assert_eq!(files_in(d.dir.path()), Vec::<String>::new());
}

#[test]
fn the_tui_creates_a_named_database_when_told_yes() {
    if sqlite_only("asks before creating a SQLite file") {
        return;
    }
    let d = Desk::new();
    let mut pty = Pty::spawn(d.dir.path(), &d.db);
    pty.wait_for("the question", |t| t.contains("[y/N]"));
    pty.send(b"y\r");
    pty.wait_for("the TUI", |t| t.contains(ALTERNATE_SCREEN));
    assert!(d.db.exists(), "yes creates the database");
    let shown = pty.text();
    let question = shown.find("[y/N]").expect("asked");
    let screen = shown.find(ALTERNATE_SCREEN).expect("entered the TUI");
    assert!(question < screen, "the question came before the TUI");
    pty.send(b"q");
    pty.wait_exit();
}

/// A misspelt theme is one line naming where it came from, before the terminal is touched.
#[test]
fn an_unknown_theme_is_refused_naming_its_source() {
    let d = desk_with_tickets(1);
    let out = d
        .cmd_at(NOW, &[])
        .env("TUIDESK_THEME", "solarized")
        .output()
        .expect("tuidesk runs");
    expect_refusal(
        &[],
        &out,
        1,
        &["TUIDESK_THEME", "solarized", "high-contrast"],
    );
    let config = d.path("config.toml");
    std::fs::write(&config, "theme = \"neon\"\n").expect("writing config");
    let out = d
        .cmd_at(NOW, &[])
        .env_remove("TUIDESK_THEME")
        .env("TUIDESK_CONFIG", &config)
        .output()
        .expect("tuidesk runs");
    expect_refusal(&[], &out, 1, &["config.toml", "theme", "neon", "light"]);
}

/// A bad undo window is one line naming where it came from, before the terminal is touched.
#[test]
fn a_bad_undo_window_is_refused_naming_its_source() {
    let d = desk_with_tickets(1);
    let out = d
        .cmd_at(NOW, &[])
        .env("TUIDESK_UNDO_SECONDS", "ten")
        .output()
        .expect("tuidesk runs");
    expect_refusal(
        &[],
        &out,
        1,
        &[
            "TUIDESK_UNDO_SECONDS",
            "\"ten\"",
            "0 turns the undo window off",
        ],
    );
    let config = d.path("config.toml");
    std::fs::write(&config, "undo_seconds = 86400\n").expect("writing config");
    let out = d
        .cmd_at(NOW, &[])
        .env_remove("TUIDESK_UNDO_SECONDS")
        .env("TUIDESK_CONFIG", &config)
        .output()
        .expect("tuidesk runs");
    expect_refusal(
        &[],
        &out,
        1,
        &["config.toml", "undo_seconds = 86400", "3600"],
    );
    std::fs::write(&config, "undo_seconds = -1\n").expect("writing config");
    let out = d
        .cmd_at(NOW, &[])
        .env_remove("TUIDESK_UNDO_SECONDS")
        .env("TUIDESK_CONFIG", &config)
        .output()
        .expect("tuidesk runs");
    expect_refusal(&[], &out, 1, &["config.toml", "undo_seconds"]);
}
