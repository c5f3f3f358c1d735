//! `tuidesk watch`: hooks fire at the at-risk and breach instants, to the second, once each
//! among several watchers, after a restart, and never for what is too old (issue 17 item 1).
//! The clock is `TUIDESK_NOW` running `TUIDESK_CLOCK_SPEED` times faster than real time.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::*;
use serde_json::Value;

const QIMU: &str = "栖木科技"; // ctyun business: urgent first response in 10 minutes, 24x7
const OPENED: &str = "2026-03-06T16:30:00Z";
const AT_RISK: &str = "2026-03-06T16:37:30+00:00";
const DUE: &str = "2026-03-06T16:40:00+00:00";

struct Watch {
    desk: Desk,
    config: PathBuf,
    fired: PathBuf,
}

/// A desk with one urgent ticket opened at 16:30 (due 16:40, at risk from 16:37:30), and
/// hooks that append their standard input and a line of their environment to files.
fn setup(extra: &str) -> Watch {
    let desk = Desk::new();
    desk.add_org(QIMU, "ctyun", "business", "Asia/Shanghai");
    desk.ok_at(
        OPENED,
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
            "数据库宕机 \u{1b}[2J",
        ],
    );
    let fired = desk.path("fired.jsonl");
    let env = desk.path("env.txt");
    let config = desk.path("config.toml");
    let hook = format!(
        "cat >> '{}'; echo \"$TUIDESK_ALERT $TUIDESK_TICKET $TUIDESK_METRIC $TUIDESK_AT\" >> '{}'",
        fired.display(),
        env.display()
    );
    std::fs::write(
        &config,
        format!("[hooks]\nat_risk = {hook:?}\nbreached = {hook:?}\n{extra}"),
    )
    .unwrap();
    Watch {
        desk,
        config,
        fired,
    }
}

impl Watch {
    fn cmd(&self, now: &str, args: &[&str]) -> assert_cmd::Command {
        let mut c = self.desk.cmd_at(now, args);
        c.env("TUIDESK_CONFIG", &self.config);
        c
    }

    fn once(&self, now: &str) -> String {
        let args = ["watch", "--once"];
        expect_success(&args, &self.cmd(now, &args).output().unwrap())
    }

    /// A running watcher on a clock `speed` times faster than real time from `now`.
    fn spawn(&self, now: &str, speed: u32) -> Child {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tuidesk"));
        c.env_remove("TUIDESK_DB")
            .env_remove("TUIDESK_POLICY_DIR")
            .env("XDG_CONFIG_HOME", self.desk.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.desk.dir.path().join("data"))
            .env("TUIDESK_CONFIG", &self.config)
            .env("TUIDESK_NOW", now)
            .env("TUIDESK_CLOCK_SPEED", speed.to_string())
            .arg("--db")
            .arg(&self.desk.db)
            .arg("watch")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c.spawn().expect("tuidesk watch starts")
    }

    fn events(&self) -> Vec<Value> {
        read_events(&self.fired)
    }
}

fn read_events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a hook got one JSON object per line"))
        .collect()
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("an instant"))
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn two_watchers_fire_at_risk_and_breach_once_each_at_their_second() {
    let w = setup("");
    // Both start at 16:37:00 on a clock 30 times faster: at risk 1 s later, breach 6 s later.
    let mut a = w.spawn("2026-03-06T16:37:00Z", 30);
    let mut b = w.spawn("2026-03-06T16:37:00Z", 30);
    let started = Instant::now();
    while w.events().len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Give a second watcher's duplicate time to show, if there were one.
    std::thread::sleep(Duration::from_millis(1500));
    for c in [&mut a, &mut b] {
        let _ = c.kill();
        let _ = c.wait();
    }
    let events = w.events();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["at_risk", "breached"], "{events:#?}");
    assert_eq!(events[0]["at"], AT_RISK);
    assert_eq!(events[1]["at"], DUE);
    for e in &events {
        assert_eq!(e["due"], DUE);
        assert_eq!(e["metric"], "first-response");
        assert_eq!(e["ticket"]["id"], 1);
        assert_eq!(e["ticket"]["org"], QIMU);
        assert_eq!(e["ticket"]["severity"], "urgent");
        assert_eq!(e["ticket"]["tz"], "Asia/Shanghai");
        // Fired at the instant (to the second; 30x clock, so a few SLA seconds of slack).
        let late = (instant(&e["fired_at"]) - instant(&e["at"])).num_seconds();
        assert!(
            (0..=5).contains(&late),
            "fired {late} s after the instant: {e}"
        );
    }
    // The summary reaches hooks as data: the JSON keeps it, the environment has it inert.
    assert_eq!(events[0]["ticket"]["summary"], "数据库宕机 \u{1b}[2J");
    let env = std::fs::read_to_string(w.desk.path("env.txt")).unwrap();
    assert_eq!(
        env.lines().collect::<Vec<_>>(),
        [
            format!("at_risk 1 first-response {AT_RISK}"),
            format!("breached 1 first-response {DUE}"),
        ]
    );
}

#[test]
fn a_restarted_watcher_fires_what_it_missed_once_and_nothing_twice() {
    let w = setup("");
    assert_eq!(w.once("2026-03-06T16:35:00Z"), "", "nothing due yet");
    assert!(w.events().is_empty());
    let out = w.once("2026-03-06T16:38:10Z");
    assert!(
        out.contains("#1 at_risk first-response at 2026-03-06T16:37:30Z"),
        "{out}"
    );
    assert_eq!(w.events().len(), 1);
    // Down over the breach: on start it fires the breach, not the at-risk again.
    let out = w.once("2026-03-06T16:44:00Z");
    assert!(
        out.contains("breached") && !out.contains("at_risk"),
        "{out}"
    );
    let out = w.once("2026-03-06T16:50:00Z");
    assert_eq!(out, "", "already fired");
    let kinds: Vec<String> = w
        .events()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["at_risk", "breached"]);
}

#[test]
fn alerts_older_than_the_limit_are_skipped_and_said() {
    let w = setup("skip_older_than_minutes = 5\n");
    let args = ["watch", "--once"];
    let out = w.cmd("2026-03-06T16:44:00Z", &args).output().unwrap();
    let stdout = expect_success(&args, &out);
    // The breach (16:40) is 4 minutes old: fired; the at-risk (16:37:30) is 6.5: skipped.
    assert!(
        stdout.contains("breached") && !stdout.contains("at_risk"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("skipped 1 alert"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(w.events().len(), 1);
    // Skipped means dealt with: not fired by the next run either.
    assert_eq!(w.once("2026-03-06T16:44:30Z"), "");
}

#[test]
fn assignments_to_me_fire_their_hook_with_the_ticket() {
    let w = setup("");
    let hook_file = w.desk.path("assigned.jsonl");
    std::fs::write(
        &w.config,
        format!(
            "[hooks]\nassigned_to_me = \"cat >> '{}'\"\n",
            hook_file.display()
        ),
    )
    .unwrap();
    w.desk
        .ok_at("2026-03-06T16:31:00Z", &["ticket", "assign", "1", "bob"]);
    w.desk
        .ok_at("2026-03-06T16:32:00Z", &["ticket", "assign", "1", "alice"]);
    let args = ["watch", "--once", "--as", "alice"];
    let out = w.cmd("2026-03-06T16:33:00Z", &args).output().unwrap();
    expect_success(&args, &out);
    let got = read_events(&hook_file);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0]["kind"], "assigned_to_me");
    assert_eq!(got[0]["at"], "2026-03-06T16:32:00+00:00");
    assert_eq!(got[0]["ticket"]["assignee"], "alice");
    let out = w.cmd("2026-03-06T16:34:00Z", &args).output().unwrap();
    expect_success(&args, &out);
    assert_eq!(read_events(&hook_file).len(), 1, "once");
}

#[test]
fn a_hook_that_hangs_is_stopped_and_one_that_fails_is_logged() {
    let w = setup("timeout_seconds = 1\n");
    std::fs::write(
        &w.config,
        "[hooks]\ntimeout_seconds = 1\nat_risk = \"sleep 30\"\nbreached = \"exit 3\"\n",
    )
    .unwrap();
    let started = Instant::now();
    let args = ["watch", "--once"];
    let out = w.cmd("2026-03-06T16:41:00Z", &args).output().unwrap();
    expect_success(&args, &out);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the hang was stopped"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("at_risk hook for #1 still ran after 1 s"),
        "{err}"
    );
    assert!(err.contains("breached hook for #1 failed"), "{err}");
}

#[test]
fn a_watcher_without_hooks_or_with_a_bad_config_says_so() {
    let w = setup("");
    std::fs::write(&w.config, "bell = false\n").unwrap();
    let args = ["watch", "--once"];
    expect_refusal(
        &args,
        &w.cmd(OPENED, &args).output().unwrap(),
        1,
        &["[hooks]", "at_risk"],
    );
    std::fs::write(&w.config, "[hooks]\nat_rsk = \"x\"\n").unwrap();
    expect_refusal(
        &args,
        &w.cmd(OPENED, &args).output().unwrap(),
        1,
        &["at_rsk"],
    );
    std::fs::write(&w.config, "[hooks]\nat_risk = \"true\"\n").unwrap();
    let out = w
        .cmd(OPENED, &args)
        .env("TUIDESK_CLOCK_SPEED", "fast")
        .output()
        .unwrap();
    expect_refusal(&args, &out, 1, &["TUIDESK_CLOCK_SPEED"]);
}

#[test]
fn a_business_hours_only_hook_waits_for_the_customers_morning() {
    // Acme: connected-care enterprise in Berlin, S1 first response in 1 h on 24x7; the set's
    // business hours are Monday-Friday 09:00-18:00 Berlin time.
    let d = Desk::new();
    d.add_org("Acme", "connected-care", "enterprise", "Europe/Berlin");
    // Tuesday 2026-03-10 01:00 Berlin (00:00 UTC): due 02:00 Berlin, at risk before that.
    d.ok_at(
        "2026-03-10T00:00:00Z",
        &[
            "ticket",
            "new",
            "--org",
            "Acme",
            "--kind",
            "technical",
            "--severity",
            "S1",
            "--summary",
            "night",
        ],
    );
    let fired = d.path("fired.jsonl");
    let config = d.path("config.toml");
    std::fs::write(
        &config,
        format!(
            "[hooks]\nbreached = {{ command = \"cat >> '{}'\", business_hours_only = true }}\n",
            fired.display()
        ),
    )
    .unwrap();
    let once = |now: &str| {
        let args = ["watch", "--once"];
        let out = d
            .cmd_at(now, &args)
            .env("TUIDESK_CONFIG", &config)
            .output()
            .unwrap();
        expect_success(&args, &out)
    };
    // 03:00 Berlin: breached an hour ago, but outside business hours: held.
    assert_eq!(once("2026-03-10T02:00:00Z"), "");
    assert!(read_events(&fired).is_empty());
    // 09:00 Berlin (08:00 UTC): it fires, once, saying when the breach happened.
    let out = once("2026-03-10T08:00:05Z");
    assert!(
        out.contains("breached first-response at 2026-03-10T01:00:00Z"),
        "{out}"
    );
    let got = read_events(&fired);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["at"], "2026-03-10T01:00:00+00:00");
    assert_eq!(once("2026-03-10T09:00:00Z"), "");
}

/// The undo window (issue 17 item 3): a reply left pending by a TUI that is gone is applied
/// by `watch` once it is more than 5 s overdue (before that its own TUI has the chance), and
/// only once, however often watchers look.
#[test]
fn a_watcher_applies_a_pending_reply_whose_tui_is_gone_once() {
    let w = setup("");
    let opened: DateTime<Utc> = OPENED.parse().unwrap();
    {
        let policies = std::sync::Arc::new(tuidesk::config::policies::builtin().unwrap());
        let mut desk = tuidesk::desk::Desk::open(&w.desk.db, policies).unwrap();
        let me = tuidesk::domain::Actor {
            name: "alice".into(),
            via_as: false,
            os: None,
        };
        desk.defer(
            1,
            &tuidesk::store::Deferred::Reply {
                body: "left behind".into(),
            },
            &me,
            "alice pid 1",
            opened + chrono::Duration::seconds(60),
            10,
        )
        .unwrap();
    }
    let replies = || -> Vec<String> {
        let v = w.desk.json(&["ticket", "show", "1", "--json"]);
        v["conversation"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "reply")
            .map(|e| e["body"].as_str().unwrap().to_string())
            .collect()
    };
    // Due at 16:31:10; at 16:31:12 its TUI still has the chance.
    let out = w.once("2026-03-06T16:31:12Z");
    assert!(!out.contains("pending"), "{out}");
    assert!(replies().is_empty());
    let out = w.once("2026-03-06T16:31:20Z");
    assert!(
        out.contains("pending reply to #1 by alice applied"),
        "{out}"
    );
    assert_eq!(replies(), ["left behind"]);
    let out = w.once("2026-03-06T16:31:30Z");
    assert!(!out.contains("pending"), "{out}");
    assert_eq!(replies(), ["left behind"]);
}
