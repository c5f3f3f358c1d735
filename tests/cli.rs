//! Command-line integration tests: every subcommand, every refused input.
//!
//! Each test gets a fresh database in its own temporary directory, a pinned clock
//! (`TUIDESK_NOW`) and no `TUIDESK_DB` / `TUIDESK_POLICY_DIR` from the environment. A
//! refused command must exit 1 (2 for clap usage errors) with one `tuidesk: error:` line
//! naming the problem, print nothing on stdout, never panic, and leave the database exactly
//! as it was (compared through `tuidesk export`).

mod common;

use chrono::{DateTime, FixedOffset};
use common::*;
use serde_json::Value;
use tempfile::TempDir;

const ACME: &str = "Acme GmbH"; // connected-care developer, Europe/Berlin
const BASIC: &str = "Basic Co"; // connected-care basic, Asia/Tokyo
const PREMIUM: &str = "Premium KK"; // connected-care premium, Asia/Tokyo
const QIMU: &str = "栖木科技"; // ctyun business, Asia/Shanghai

impl Desk {
    /// A desk with four organizations on different policy sets, plans and zones.
    fn four_orgs() -> Desk {
        Desk::with_orgs(&[
            (ACME, "connected-care", "developer", "Europe/Berlin"),
            (BASIC, "connected-care", "basic", "Asia/Tokyo"),
            (PREMIUM, "connected-care", "premium", "Asia/Tokyo"),
            (QIMU, "ctyun", "business", "Asia/Shanghai"),
        ])
    }

    fn new_kind_ticket(&self, org: &str, kind: &str, severity: &str, summary: &str) -> i64 {
        self.new_kind_ticket_at(NOW, org, kind, severity, summary)
    }

    fn new_kind_ticket_at(
        &self,
        now: &str,
        org: &str,
        kind: &str,
        sev: &str,
        summary: &str,
    ) -> i64 {
        let args = [
            "ticket",
            "new",
            "--org",
            org,
            "--kind",
            kind,
            "--severity",
            sev,
            "--summary",
            summary,
        ];
        let out = self.ok_at(now, &args);
        out.trim()
            .parse()
            .unwrap_or_else(|_| panic!("ticket new printed {out:?}, not an id"))
    }

    fn show(&self, id: i64) -> Value {
        self.json(&["ticket", "show", &id.to_string(), "--json"])
    }
}

fn rfc3339(v: &Value) -> DateTime<FixedOffset> {
    let s = v.as_str().unwrap_or_else(|| panic!("{v} is not a string"));
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect()
}

fn at(offset_minutes: i64) -> String {
    let base = DateTime::parse_from_rfc3339(NOW).unwrap();
    (base + chrono::Duration::minutes(offset_minutes)).to_rfc3339()
}

// ---------------------------------------------------------------------------------------
// Organizations

#[test]
fn org_add_prints_id_and_org_list_shows_every_field() {
    let d = Desk::new();
    let a = d.add_org(ACME, "connected-care", "developer", "Europe/Berlin");
    let b = d.add_org(QIMU, "ctyun", "business", "Asia/Shanghai");
    assert_ne!(a, b);

    let plain = d.ok(&["org", "list"]);
    for word in [
        ACME,
        QIMU,
        "connected-care",
        "ctyun",
        "developer",
        "Asia/Shanghai",
    ] {
        assert!(plain.contains(word), "org list lacks {word:?}:\n{plain}");
    }

    let list = d.json(&["org", "list", "--json"]);
    let orgs = list.as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    let acme = orgs
        .iter()
        .find(|o| o["name"] == ACME)
        .expect("Acme listed");
    assert_eq!(acme["id"], a);
    assert_eq!(acme["policy_set"], "connected-care");
    assert_eq!(acme["plan"], "developer");
    assert_eq!(acme["tz"], "Europe/Berlin");
    assert_eq!(rfc3339(&acme["created_at"]), rfc3339(&Value::from(NOW)));
}

#[test]
fn org_add_refuses_bad_settings() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "org",
            "add",
            "Mars Inc",
            "--policy-set",
            "connected-care",
            "--plan",
            "premium",
            "--tz",
            "Mars/Olympus",
        ],
        1,
        &["unknown time zone", "Mars/Olympus", "IANA"],
    );
    d.refused(
        &[
            "org",
            "add",
            "X",
            "--policy-set",
            "zendesk",
            "--plan",
            "premium",
            "--tz",
            "Asia/Tokyo",
        ],
        1,
        &["unknown policy set", "zendesk", "connected-care", "ctyun"],
    );
    d.refused(
        &[
            "org",
            "add",
            "X",
            "--policy-set",
            "ctyun",
            "--plan",
            "premium",
            "--tz",
            "Asia/Tokyo",
        ],
        1,
        &["no plan", "premium", "standard", "business"],
    );
    d.refused(
        &[
            "org",
            "add",
            ACME,
            "--policy-set",
            "connected-care",
            "--plan",
            "premium",
            "--tz",
            "Asia/Tokyo",
        ],
        1,
        &["already exists", ACME],
    );
    d.refused(
        &[
            "org",
            "add",
            "  ",
            "--policy-set",
            "connected-care",
            "--plan",
            "premium",
            "--tz",
            "Asia/Tokyo",
        ],
        1,
        &["organization name is empty"],
    );
}

// ---------------------------------------------------------------------------------------
// ticket new

#[test]
fn ticket_new_prints_the_id_or_the_ticket_as_json() {
    let d = Desk::four_orgs();
    let first = d.new_kind_ticket(
        ACME,
        "technical",
        "S4",
        "How do I configure TiFlash replicas?",
    );
    let out = d.ok(&[
        "ticket",
        "new",
        "--org",
        ACME,
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "  TiKV region unavailable  ",
        "--description",
        "region 42 has no leader",
        "--component",
        "TiKV",
        "--environment",
        "production",
        "--version",
        "v7.5.0",
        "--json",
    ]);
    let t: Value = serde_json::from_str(&out).expect("ticket new --json prints JSON");
    let id = t["id"].as_i64().unwrap();
    assert!(id > first);
    assert_eq!(t["org"], ACME);
    assert_eq!(t["kind"], "technical");
    assert_eq!(t["severity"], "S2");
    assert_eq!(t["status"], "new");
    assert_eq!(
        t["summary"], "TiKV region unavailable",
        "summary is trimmed"
    );
    assert_eq!(t["assignee"], Value::Null);
    assert_eq!(t["component"], "TiKV");
    assert_eq!(t["environment"], "production");
    assert_eq!(t["affected_version"], "v7.5.0");
    assert_eq!(t["first_response_at"], Value::Null);
    assert_eq!(t["breached"], false);
    let created = rfc3339(&t["created_at"]);
    assert_eq!(created, rfc3339(&Value::from(NOW)));
    // Developer S2: 8 business hours in Berlin from Friday 17:30 → Monday 16:30 CET.
    let due = rfc3339(&t["first_response_due"]);
    assert_eq!(due, rfc3339(&Value::from("2026-03-09T16:30:00+01:00")));
    assert_eq!(
        t["remaining_seconds"].as_i64(),
        Some((due - created).num_seconds())
    );

    let shown = d.show(id);
    assert_eq!(shown["description"], "region 42 has no leader");
    assert_eq!(shown["summary"], "TiKV region unavailable");

    // A billing ticket of a Basic customer has no target: due and remaining are null.
    let out = d.ok(&[
        "ticket",
        "new",
        "--org",
        BASIC,
        "--kind",
        "billing",
        "--severity",
        "S2",
        "--summary",
        "Invoice twice",
        "--json",
    ]);
    let b: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(b["kind"], "billing");
    assert_eq!(b["first_response_due"], Value::Null);
    assert_eq!(b["remaining_seconds"], Value::Null);
    assert_eq!(b["breached"], false);
}

#[test]
fn ticket_new_reads_the_description_from_a_file_or_stdin() {
    let d = Desk::four_orgs();
    let file = d.path("desc.txt");
    std::fs::write(&file, "数据库连接失败\nstack:\n  at tikv::raft\n").unwrap();
    let args = [
        "ticket",
        "new",
        "--org",
        ACME,
        "--kind",
        "technical",
        "--severity",
        "S3",
        "--summary",
        "from file",
        "--description-file",
        file.to_str().unwrap(),
    ];
    let id: i64 = d.ok(&args).trim().parse().unwrap();
    assert_eq!(
        d.show(id)["description"],
        "数据库连接失败\nstack:\n  at tikv::raft\n"
    );

    let args = [
        "ticket",
        "new",
        "--org",
        ACME,
        "--kind",
        "technical",
        "--severity",
        "S3",
        "--summary",
        "from stdin",
        "--description-file",
        "-",
    ];
    let out = d.run_stdin(&args, "接続がタイムアウトしました\n");
    let id: i64 = expect_success(&args, &out).trim().parse().unwrap();
    assert_eq!(d.show(id)["description"], "接続がタイムアウトしました\n");

    let missing = d.path("no-such-file.txt");
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
            "--description-file",
            missing.to_str().unwrap(),
        ],
        1,
        &["description", "no-such-file.txt"],
    );
}

#[test]
fn ticket_new_refuses_unknown_organization() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Nope Ltd",
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
        ],
        1,
        &["organization", "Nope Ltd"],
    );
}

#[test]
fn ticket_new_refuses_severity_outside_the_policy_set() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S5",
            "--summary",
            "x",
        ],
        1,
        &["S5", "S1, S2, S3, S4"],
    );
    // CTyun has urgent/general, not S1–S4.
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            QIMU,
            "--kind",
            "technical",
            "--severity",
            "S1",
            "--summary",
            "x",
        ],
        1,
        &["S1", "ctyun", "urgent, general"],
    );
}

#[test]
fn ticket_new_refuses_s1_billing() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            PREMIUM,
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
}

#[test]
fn ticket_new_refuses_technical_ticket_for_basic() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            BASIC,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "slow",
        ],
        1,
        &[BASIC, "basic", "no technical support", "billing"],
    );
}

#[test]
fn ticket_new_refuses_unknown_kind_and_environment() {
    let d = Desk::four_orgs();
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "question",
            "--severity",
            "S3",
            "--summary",
            "x",
        ],
        2,
        &["question", "technical, billing"],
    );
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
            "--environment",
            "staging",
        ],
        2,
        &["staging", "production, non-production"],
    );
}

#[test]
fn ticket_new_refuses_empty_summary() {
    let d = Desk::four_orgs();
    for summary in ["", "   "] {
        d.refused(
            &[
                "ticket",
                "new",
                "--org",
                ACME,
                "--kind",
                "technical",
                "--severity",
                "S3",
                "--summary",
                summary,
            ],
            1,
            &["summary is empty"],
        );
    }
}

#[test]
fn summary_length_is_counted_in_characters() {
    let d = Desk::four_orgs();
    let ok: String = "数".repeat(200);
    assert!(ok.len() > 200);
    let id = d.new_kind_ticket(ACME, "technical", "S3", &ok);
    assert_eq!(d.show(id)["summary"], ok.as_str());

    let too_long: String = "数".repeat(201);
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            &too_long,
        ],
        1,
        &["201", "200"],
    );
    let latin: String = "a".repeat(201);
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            &latin,
        ],
        1,
        &["201", "200"],
    );
}

// ---------------------------------------------------------------------------------------
// ticket list

#[test]
fn ticket_list_filters_sorts_and_limits() {
    let d = Desk::four_orgs();
    // Premium S1: 30 minutes on the 24x7 clock.
    let urgent = d.new_kind_ticket(PREMIUM, "technical", "S1", "production down");
    let question = d.new_kind_ticket_at(&at(1), ACME, "technical", "S4", "how to configure");
    let billing = d.new_kind_ticket_at(&at(2), BASIC, "billing", "S3", "invoice question");
    let general = d.new_kind_ticket_at(&at(3), QIMU, "technical", "general", "一般问题");
    d.ok(&[
        "--as",
        "alice",
        "ticket",
        "assign",
        &urgent.to_string(),
        "alice",
    ]);
    d.ok(&["ticket", "status", &billing.to_string(), "resolved"]);

    let active = ids(&d.json(&["ticket", "list", "--json"]));
    assert_eq!(
        active.len(),
        3,
        "resolved tickets are not active: {active:?}"
    );
    assert!(!active.contains(&billing));
    // Sorted by due: the 30-minute S1 first, the CTyun 30-minute general second.
    assert_eq!(active[0], urgent);

    let mut all = ids(&d.json(&["ticket", "list", "--all", "--json"]));
    all.sort_unstable();
    assert_eq!(all, vec![urgent, question, billing, general]);

    assert_eq!(
        ids(&d.json(&["ticket", "list", "--status", "resolved", "--json"])),
        vec![billing]
    );
    let mut two = ids(&d.json(&[
        "ticket", "list", "--status", "resolved", "--status", "new", "--json",
    ]));
    two.sort_unstable();
    assert_eq!(two, vec![urgent, question, billing, general]);

    assert_eq!(
        ids(&d.json(&["ticket", "list", "--org", ACME, "--json"])),
        vec![question]
    );
    assert_eq!(
        ids(&d.json(&["ticket", "list", "--assignee", "alice", "--json"])),
        vec![urgent]
    );
    let mut unassigned = ids(&d.json(&["ticket", "list", "--unassigned", "--json"]));
    unassigned.sort_unstable();
    assert_eq!(unassigned, vec![question, general]);
    assert_eq!(
        ids(&d.json(&["--as", "alice", "ticket", "list", "--mine", "--json"])),
        vec![urgent]
    );
    assert!(ids(&d.json(&["--as", "bob", "ticket", "list", "--mine", "--json"])).is_empty());

    // Nothing is breached now; two hours later the 30-minute targets are.
    assert!(ids(&d.json(&["ticket", "list", "--breached", "--json"])).is_empty());
    let mut breached = ids(&d.json_at(&at(120), &["ticket", "list", "--breached", "--json"]));
    breached.sort_unstable();
    assert_eq!(breached, vec![urgent, general]);
    let later = d.json_at(&at(120), &["ticket", "list", "--json"]);
    let u = later
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == urgent)
        .unwrap();
    assert_eq!(u["breached"], true);
    assert!(
        u["remaining_seconds"].as_i64().unwrap() < 0,
        "overdue is negative: {u}"
    );

    let created = ids(&d.json(&["ticket", "list", "--all", "--sort", "created", "--json"]));
    assert_eq!(
        created,
        vec![general, billing, question, urgent],
        "newest first"
    );
    let by_sev = ids(&d.json(&[
        "ticket", "list", "--org", PREMIUM, "--sort", "severity", "--json",
    ]));
    assert_eq!(by_sev, vec![urgent]);
    assert_eq!(
        ids(&d.json(&["ticket", "list", "--limit", "1", "--json"])),
        vec![urgent]
    );

    let plain = d.ok(&["ticket", "list"]);
    assert!(
        plain.contains("production down") && plain.contains("一般问题"),
        "{plain}"
    );
    assert!(!plain.contains("invoice question"), "{plain}");
    let plain_breached = d.ok_at(&at(120), &["ticket", "list", "--breached"]);
    assert!(
        plain_breached.contains("production down"),
        "{plain_breached}"
    );
}

#[test]
fn ticket_list_refuses_bad_filters() {
    let d = Desk::four_orgs();
    d.new_kind_ticket(ACME, "technical", "S3", "x");
    d.refused(
        &["ticket", "list", "--status", "done"],
        2,
        &["done", "new, open, pending, on-hold, resolved, closed"],
    );
    d.refused(
        &["ticket", "list", "--sort", "age"],
        2,
        &["age", "due, created, severity"],
    );
    d.refused(
        &["ticket", "list", "--org", "Nope Ltd"],
        1,
        &["organization", "Nope Ltd"],
    );
    d.refused(
        &["ticket", "list", "--assignee", "alice", "--unassigned"],
        2,
        &["--unassigned"],
    );
    d.refused(
        &["ticket", "list", "--all", "--status", "new"],
        2,
        &["--all"],
    );
}

// ---------------------------------------------------------------------------------------
// ticket show / reply / note

#[test]
fn ticket_show_has_fields_conversation_and_events() {
    let d = Desk::four_orgs();
    let id = d.new_kind_ticket(PREMIUM, "technical", "S2", "TiDB OOM");
    let sid = id.to_string();
    d.ok_at(
        &at(5),
        &[
            "--as",
            "alice",
            "ticket",
            "reply",
            &sid,
            "--body",
            "Please send the heap profile.",
        ],
    );
    d.ok_at(
        &at(6),
        &[
            "--as",
            "alice",
            "ticket",
            "note",
            &sid,
            "--body",
            "Looks like issue 4711.",
        ],
    );

    let v = d.show(id);
    assert_eq!(v["id"], id);
    assert_eq!(
        v["status"], "open",
        "a first engineer reply opens the ticket"
    );
    assert_eq!(
        rfc3339(&v["first_response_at"]),
        rfc3339(&Value::from(at(5)))
    );
    assert_eq!(
        v["remaining_seconds"],
        Value::Null,
        "met target has no countdown"
    );
    assert_eq!(v["description"], "");
    let conv = v["conversation"].as_array().unwrap();
    assert_eq!(conv.len(), 2);
    assert_eq!(conv[0]["kind"], "reply");
    assert_eq!(conv[0]["author"], as_name("alice").as_str());
    assert_eq!(conv[0]["body"], "Please send the heap profile.");
    assert_eq!(
        rfc3339(&conv[0]["created_at"]),
        rfc3339(&Value::from(at(5)))
    );
    assert_eq!(conv[1]["kind"], "note");
    assert_eq!(conv[1]["body"], "Looks like issue 4711.");
    let fields: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["created", "first_response", "status", "reply", "note"] {
        assert!(fields.contains(&f), "no {f:?} event in {fields:?}");
    }

    let plain = d.ok(&["ticket", "show", &sid]);
    for word in [
        "TiDB OOM",
        PREMIUM,
        "Please send the heap profile.",
        "INTERNAL NOTE",
        "Events:",
        "alice",
    ] {
        assert!(plain.contains(word), "ticket show lacks {word:?}:\n{plain}");
    }
}

#[test]
fn reply_and_note_read_bodies_from_files_and_stdin() {
    let d = Desk::four_orgs();
    let id = d.new_kind_ticket(ACME, "technical", "S3", "slow query");
    let sid = id.to_string();
    let file = d.path("reply.txt");
    std::fs::write(&file, "Try ANALYZE TABLE.\n").unwrap();
    let out = d.ok(&[
        "ticket",
        "reply",
        &sid,
        "--body-file",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains(&sid), "{out}");
    let args = ["ticket", "note", &sid, "--body-file", "-"];
    expect_success(&args, &d.run_stdin(&args, "customer is on v6\n"));
    // A note alone never counts as a first response.
    let id2 = d.new_kind_ticket(ACME, "technical", "S3", "only notes");
    d.ok(&["ticket", "note", &id2.to_string(), "--body", "internal"]);
    assert_eq!(d.show(id2)["first_response_at"], Value::Null);
    assert_eq!(d.show(id2)["status"], "new");

    let v = d.show(id);
    let conv = v["conversation"].as_array().unwrap();
    assert_eq!(conv[0]["body"], "Try ANALYZE TABLE.\n");
    assert_eq!(conv[1]["kind"], "note");
    assert_eq!(conv[1]["body"], "customer is on v6\n");
}

#[test]
fn reply_and_note_refuse_bad_input() {
    let d = Desk::four_orgs();
    let sid = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    d.refused(
        &["ticket", "reply", "999", "--body", "hi"],
        1,
        &["ticket", "999"],
    );
    d.refused(
        &["ticket", "note", "999", "--body", "hi"],
        1,
        &["ticket", "999"],
    );
    d.refused(
        &["ticket", "reply", &sid, "--body", "  "],
        1,
        &["reply is empty"],
    );
    d.refused(
        &["ticket", "note", &sid, "--body", ""],
        1,
        &["note is empty"],
    );
    d.refused_stdin(
        &["ticket", "reply", &sid, "--body-file", "-"],
        "",
        &["reply is empty"],
    );
    let missing = d.path("missing.txt");
    d.refused(
        &[
            "ticket",
            "reply",
            &sid,
            "--body-file",
            missing.to_str().unwrap(),
        ],
        1,
        &["missing.txt"],
    );
    d.refused(&["ticket", "reply", &sid], 2, &["--body"]);
    d.refused(
        &["ticket", "note", &sid, "--body", "a", "--body-file", "-"],
        2,
        &["--body"],
    );
}

#[test]
fn unknown_ticket_is_refused_everywhere() {
    let d = Desk::four_orgs();
    d.new_kind_ticket(ACME, "technical", "S3", "x");
    for args in [
        vec!["ticket", "show", "999"],
        vec!["ticket", "show", "999", "--json"],
        vec!["ticket", "status", "999", "open"],
        vec!["ticket", "severity", "999", "S2"],
        vec!["ticket", "assign", "999", "alice"],
        vec!["ticket", "claim", "999"],
        vec!["sla", "explain", "999"],
    ] {
        d.refused(&args, 1, &["ticket", "999"]);
    }
}

// ---------------------------------------------------------------------------------------
// status, severity, assign, claim, --expect-version

#[test]
fn ticket_status_moves_through_the_workflow_and_pauses_the_clock() {
    let d = Desk::four_orgs();
    let id = d.new_kind_ticket(PREMIUM, "technical", "S2", "replication lag");
    let sid = id.to_string();
    let out = d.ok_at(&at(10), &["ticket", "status", &sid, "pending"]);
    assert!(out.contains("pending"), "{out}");
    let v = d.json_at(&at(30), &["ticket", "show", &sid, "--json"]);
    assert_eq!(v["status"], "pending");
    assert_eq!(v["pauses"].as_array().unwrap().len(), 1);
    // Pending pauses the next-response and resolution clocks, never the first response
    // (issue 12): of the 60-minute first-response target, 30 minutes are left at 0:30.
    assert_eq!(v["remaining_seconds"], 30 * 60);
    d.ok_at(&at(40), &["ticket", "status", &sid, "on-hold"]);
    d.ok_at(&at(50), &["ticket", "status", &sid, "resolved"]);
    let v = d.json_at(&at(50), &["ticket", "show", &sid, "--json"]);
    assert_eq!(v["status"], "resolved");
    assert_eq!(rfc3339(&v["resolved_at"]), rfc3339(&Value::from(at(50))));
    d.ok_at(&at(60), &["ticket", "status", &sid, "closed"]);
    assert_eq!(d.show(id)["status"], "closed");

    d.refused(
        &["ticket", "status", &sid, "done"],
        2,
        &["done", "new, open, pending, on-hold, resolved, closed"],
    );
}

#[test]
fn ticket_severity_changes_within_the_set_only() {
    let d = Desk::four_orgs();
    let tech = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    let out = d.ok(&["ticket", "severity", &tech, "S2"]);
    assert!(out.contains("severity S2"), "{out}");
    assert_eq!(
        d.json(&["ticket", "show", &tech, "--json"])["severity"],
        "S2"
    );

    d.refused(
        &["ticket", "severity", &tech, "P1"],
        1,
        &["P1", "S1, S2, S3, S4"],
    );
    let bill = d
        .new_kind_ticket(PREMIUM, "billing", "S2", "invoice")
        .to_string();
    d.refused(&["ticket", "severity", &bill, "S1"], 1, &["S1", "billing"]);
    let ct = d
        .new_kind_ticket(QIMU, "technical", "general", "问题")
        .to_string();
    d.refused(
        &["ticket", "severity", &ct, "S1"],
        1,
        &["S1", "urgent, general"],
    );
    d.ok(&["ticket", "severity", &ct, "urgent"]);
}

#[test]
fn ticket_assign_and_unassign() {
    let d = Desk::four_orgs();
    let sid = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    let out = d.ok(&["ticket", "assign", &sid, "carol"]);
    assert!(out.contains("carol"), "{out}");
    assert_eq!(
        d.json(&["ticket", "show", &sid, "--json"])["assignee"],
        "carol"
    );
    d.ok(&["ticket", "assign", &sid, "-"]);
    assert_eq!(
        d.json(&["ticket", "show", &sid, "--json"])["assignee"],
        Value::Null
    );
    d.refused(
        &["ticket", "assign", &sid, "two words"],
        1,
        &["two words", "not valid"],
    );
}

#[test]
fn claim_by_alice_then_bob_is_refused_naming_alice() {
    let d = Desk::four_orgs();
    let sid = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    let out = d.ok(&["--as", "alice", "ticket", "claim", &sid]);
    assert!(out.contains("alice"), "{out}");
    // Claiming again as the holder is fine.
    d.ok(&["--as", "alice", "ticket", "claim", &sid]);
    d.refused(
        &["--as", "bob", "ticket", "claim", &sid],
        1,
        &["claimed", "alice"],
    );
    assert_eq!(
        d.json(&["ticket", "show", &sid, "--json"])["assignee"],
        "alice"
    );
}

#[test]
fn stale_expect_version_is_refused_saying_who_changed_what() {
    let d = Desk::four_orgs();
    let sid = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    let v = d.json(&["ticket", "show", &sid, "--json"]);
    assert_eq!(v["version"], 1);
    d.ok(&[
        "--as",
        "alice",
        "ticket",
        "assign",
        &sid,
        "alice",
        "--expect-version",
        "1",
    ]);
    let stderr = d.refused(
        &[
            "--as",
            "bob",
            "ticket",
            "status",
            &sid,
            "open",
            "--expect-version",
            "1",
        ],
        1,
        &["changed", "alice", "assignee", "version 1", "version 2"],
    );
    assert!(stderr.contains(&sid), "{stderr}");
    d.refused(
        &[
            "--as",
            "bob",
            "ticket",
            "severity",
            &sid,
            "S2",
            "--expect-version",
            "1",
        ],
        1,
        &["alice", "assignee"],
    );
    d.refused(
        &[
            "--as",
            "bob",
            "ticket",
            "assign",
            &sid,
            "bob",
            "--expect-version",
            "1",
        ],
        1,
        &["alice", "assignee"],
    );
    // The current version goes through.
    d.ok(&[
        "--as",
        "bob",
        "ticket",
        "status",
        &sid,
        "open",
        "--expect-version",
        "2",
    ]);
}

#[test]
fn as_user_is_recorded_in_events_with_actor_source_as() {
    let d = Desk::four_orgs();
    let out = d.ok(&[
        "--as",
        "bot",
        "ticket",
        "new",
        "--org",
        ACME,
        "--kind",
        "technical",
        "--severity",
        "S3",
        "--summary",
        "filed by a script",
    ]);
    let sid = out.trim().to_string();
    d.ok(&[
        "--as",
        "bot",
        "ticket",
        "note",
        &sid,
        "--body",
        "automated triage",
    ]);
    d.ok(&["ticket", "note", &sid, "--body", "by the OS user"]);
    let v = d.json(&["ticket", "show", &sid, "--json"]);
    let events = v["events"].as_array().unwrap();
    // Issue 14: `--as` rows name the OS account too ("alice as bot").
    let me = whoami::username().unwrap();
    let as_bot = format!("{me} as bot");
    let by_bot: Vec<&Value> = events
        .iter()
        .filter(|e| e["actor"] == as_bot.as_str())
        .collect();
    assert!(by_bot.len() >= 2, "{events:?}");
    assert!(
        by_bot.iter().all(|e| e["actor_source"] == "as"),
        "{events:?}"
    );
    assert!(by_bot.iter().any(|e| e["field"] == "created"));
    assert!(by_bot.iter().any(|e| e["field"] == "note"));
    let os: Vec<&Value> = events
        .iter()
        .filter(|e| e["actor"] != as_bot.as_str())
        .collect();
    assert!(
        !os.is_empty() && os.iter().all(|e| e["actor_source"] == "os"),
        "{events:?}"
    );
    let conv = v["conversation"].as_array().unwrap();
    assert_eq!(conv[0]["author"], as_bot.as_str());

    let plain = d.ok(&["ticket", "show", &sid]);
    assert!(plain.contains(&format!("{as_bot} (--as)")), "{plain}");
    let export = d.export();
    assert!(
        export.contains(&format!(r#""actor":"{as_bot}","actor_source":"as""#)),
        "{export}"
    );

    d.refused(&["--as", "", "ticket", "claim", &sid], 1, &["user name"]);
    d.refused(
        &["--as", "a b", "ticket", "claim", &sid],
        1,
        &["a b", "user name"],
    );
}

// ---------------------------------------------------------------------------------------
// Hostile text

const HOSTILE: &str = "Alert \u{1b}]0;pwned\u{7} wipe\u{1b}[2J c1\u{9b}31m red \u{202e}gnp.exe";

fn dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_inert(what: &str, out: &[u8]) {
    let s = std::str::from_utf8(out).unwrap_or_else(|_| panic!("{what}: output is not UTF-8"));
    if let Some((i, c)) = s.char_indices().find(|&(_, c)| dangerous(c)) {
        panic!(
            "{what}: control/bidi character U+{:04X} at byte {i} reaches the terminal:\n{}",
            c as u32,
            s.escape_debug()
        );
    }
}

#[test]
fn terminal_escapes_in_ticket_text_never_reach_the_terminal() {
    let d = Desk::four_orgs();
    let evil_org = "Evil\u{1b}[31mCorp\u{202e}";
    d.add_org(evil_org, "connected-care", "premium", "Europe/Berlin");
    let description = format!("line one {HOSTILE}\nline two \u{1b}[1A\u{1b}[2K fake\n");
    let out = d.ok(&[
        "ticket",
        "new",
        "--org",
        evil_org,
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        HOSTILE,
        "--description",
        &description,
        "--component",
        "\u{1b}[5mTiKV",
    ]);
    let sid = out.trim().to_string();
    d.ok(&["--as", "alice", "ticket", "reply", &sid, "--body", HOSTILE]);
    d.ok(&[
        "--as",
        "alice",
        "ticket",
        "note",
        &sid,
        "--body",
        &format!("note {HOSTILE}"),
    ]);

    let plain: Vec<(&str, Vec<&str>)> = vec![
        ("ticket show", vec!["ticket", "show", &sid]),
        ("ticket list", vec!["ticket", "list"]),
        ("ticket list --all", vec!["ticket", "list", "--all"]),
        ("search", vec!["search", "Alert"]),
        ("org list", vec!["org", "list"]),
        ("sla explain", vec!["sla", "explain", &sid]),
    ];
    for (what, args) in &plain {
        let out = d.run_at(NOW, args);
        expect_success(args, &out);
        assert_inert(what, &out.stdout);
    }
    let show = d.ok(&["ticket", "show", &sid]);
    assert!(
        show.contains("pwned") && show.contains("gnp.exe"),
        "text is shown, inertly:\n{show}"
    );
    let list = d.ok(&["ticket", "list"]);
    assert!(list.contains("pwned"), "{list}");

    // Error messages quoting hostile input are sanitized too.
    let args = [
        "ticket",
        "new",
        "--org",
        "\u{1b}[2Jnope\u{9b}1m",
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "x",
    ];
    let out = d.run_at(NOW, &args);
    expect_refusal(&args, &out, 1, &["organization"]);
    assert_inert("error message", &out.stderr);
}

#[test]
fn json_output_escapes_control_and_bidi_characters() {
    let d = Desk::four_orgs();
    let evil_org = "Evil\u{1b}[31mCorp\u{202e}";
    d.add_org(evil_org, "connected-care", "premium", "Europe/Berlin");
    let description = format!("line one {HOSTILE}\nline two \u{1b}[1A\u{1b}[2K fake\n");
    let out = d.ok(&[
        "ticket",
        "new",
        "--org",
        evil_org,
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        HOSTILE,
        "--description",
        &description,
    ]);
    let sid = out.trim().to_string();
    d.ok(&["--as", "alice", "ticket", "reply", &sid, "--body", HOSTILE]);

    // JSON keeps the exact text...
    let v = d.show(sid.parse().unwrap());
    assert_eq!(v["summary"], HOSTILE);
    assert_eq!(v["description"], description.as_str());
    assert_eq!(v["org"], evil_org);
    assert_eq!(v["conversation"][0]["body"], HOSTILE);
    let list = d.json(&["ticket", "list", "--json"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|t| t["summary"] == HOSTILE)
    );

    // ...and escapes the controls itself: nothing raw reaches a terminal that `cat`s it.
    let json: Vec<(&str, Vec<&str>)> = vec![
        ("ticket show --json", vec!["ticket", "show", &sid, "--json"]),
        ("ticket list --json", vec!["ticket", "list", "--json"]),
        ("search --json", vec!["search", "Alert", "--json"]),
        ("org list --json", vec!["org", "list", "--json"]),
    ];
    for (what, args) in &json {
        let out = d.run_at(NOW, args);
        expect_success(args, &out);
        assert_inert(what, &out.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// search

#[test]
fn search_finds_cjk_words_inside_longer_runs() {
    let d = Desk::four_orgs();
    let zh = d.new_kind_ticket(QIMU, "technical", "urgent", "生产环境告警");
    d.ok(&[
        "ticket",
        "reply",
        &zh.to_string(),
        "--body",
        "请提供数据库连接失败的日志",
    ]);
    let ja = d.new_kind_ticket(PREMIUM, "technical", "S2", "接続がタイムアウトしました");
    let en = d.new_kind_ticket(ACME, "technical", "S3", "TiKV region unavailable");
    let desc = d.ok(&[
        "ticket",
        "new",
        "--org",
        ACME,
        "--kind",
        "technical",
        "--severity",
        "S3",
        "--summary",
        "description only",
        "--description",
        "节点宕机后数据库连接失败",
    ]);
    let desc: i64 = desc.trim().parse().unwrap();

    let mut found = ids(&d.json(&["search", "连接", "--json"]));
    found.sort_unstable();
    assert_eq!(
        found,
        vec![zh, desc],
        "连接 inside 数据库连接失败 (reply and description)"
    );
    assert_eq!(
        ids(&d.json(&["search", "タイムアウト", "--json"])),
        vec![ja]
    );
    assert_eq!(ids(&d.json(&["search", "宕机", "--json"])), vec![desc]);
    assert_eq!(ids(&d.json(&["search", "region", "--json"])), vec![en]);
    assert!(ids(&d.json(&["search", "不存在的词", "--json"])).is_empty());
    // More matches than --limit: said on stderr, never a silent cut.
    let out = d.run_at(NOW, &["search", "连接", "--limit", "1", "--json"]);
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&listed).len(), 1);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("more tickets match"), "{said}");
    let out = d.run_at(NOW, &["search", "连接", "--limit", "2", "--json"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("more tickets match"));

    let plain = d.ok(&["search", "タイムアウト"]);
    assert!(plain.contains("接続がタイムアウトしました"), "{plain}");
    let hit = &d.json(&["search", "タイムアウト", "--json"])[0];
    for key in [
        "id",
        "org",
        "kind",
        "severity",
        "status",
        "summary",
        "assignee",
        "created_at",
        "first_response_due",
        "first_response_at",
        "breached",
        "remaining_seconds",
    ] {
        assert!(hit.get(key).is_some(), "search --json lacks {key}: {hit}");
    }

    d.refused(&["search", "  "], 1, &["search query is empty"]);
    d.refused(&["search", "\"open"], 1, &["quote"]);
}

// ---------------------------------------------------------------------------------------
// export / import

/// A database with every kind of record: organizations on both policy sets, tickets in
/// every status, replies, notes, pauses (closed and open), severity changes, claims and
/// `--as` events, CJK text.
fn rich_desk() -> Desk {
    let d = Desk::four_orgs();
    let t1 = d.ok(&[
        "ticket",
        "new",
        "--org",
        PREMIUM,
        "--kind",
        "technical",
        "--severity",
        "S1",
        "--summary",
        "本番環境がダウン",
        "--description",
        "接続がタイムアウトしました\nERROR 9005",
        "--component",
        "TiKV",
        "--environment",
        "production",
        "--version",
        "v7.5.0",
    ]);
    let t1 = t1.trim();
    d.ok_at(&at(5), &["--as", "alice", "ticket", "claim", t1]);
    d.ok_at(
        &at(10),
        &[
            "--as",
            "alice",
            "ticket",
            "reply",
            t1,
            "--body",
            "調査中です。",
        ],
    );
    d.ok_at(
        &at(12),
        &[
            "--as",
            "alice",
            "ticket",
            "note",
            t1,
            "--body",
            "looks like #4711",
        ],
    );
    d.ok_at(
        &at(20),
        &["--as", "alice", "ticket", "status", t1, "pending"],
    );
    d.ok_at(&at(60), &["ticket", "status", t1, "open"]);
    d.ok_at(
        &at(120),
        &["--as", "alice", "ticket", "status", t1, "resolved"],
    );

    let t2 = d
        .new_kind_ticket_at(&at(1), ACME, "technical", "S3", "slow analyze")
        .to_string();
    d.ok_at(&at(30), &["--as", "bob", "ticket", "severity", &t2, "S2"]);
    d.ok_at(&at(31), &["--as", "bob", "ticket", "assign", &t2, "bob"]);
    d.ok_at(
        &at(32),
        &["--as", "bob", "ticket", "status", &t2, "pending"],
    );

    let t3 = d
        .new_kind_ticket_at(&at(2), BASIC, "billing", "S2", "发票重复")
        .to_string();
    d.ok_at(&at(3), &["ticket", "note", &t3, "--body", "finance asked"]);

    let t4 = d
        .new_kind_ticket_at(&at(4), QIMU, "technical", "urgent", "数据库连接失败")
        .to_string();
    d.ok_at(
        &at(6),
        &[
            "--as",
            "carol",
            "ticket",
            "reply",
            &t4,
            "--body",
            "请提供日志",
        ],
    );
    d.ok_at(
        &at(7),
        &["--as", "carol", "ticket", "status", &t4, "on-hold"],
    );

    let t5 = d
        .new_kind_ticket_at(&at(8), ACME, "technical", "S4", "how to tune")
        .to_string();
    d.ok_at(&at(9), &["ticket", "status", &t5, "closed"]);
    d.new_kind_ticket_at(&at(11), PREMIUM, "billing", "S4", "change plan");
    d
}

fn lines(export: &str) -> Vec<Value> {
    export
        .lines()
        .map(|l| serde_json::from_str(l).expect("each export line is JSON"))
        .collect()
}

/// A `migrate` into a new SQLite file that is killed part-way leaves nothing at the
/// destination (it writes a hidden file beside it and links it into place at the end), so
/// running it again simply works.
#[cfg(unix)]
#[test]
fn a_killed_migrate_leaves_no_file_and_can_run_again() {
    let src = Desk::new();
    src.ok(&["gen", "--tickets", "3000", "--seed", "3"]);
    let to = src.path("moved.db");
    let home = src.path("");
    let mut child = std_base_cmd(&home)
        .arg("--db")
        .arg(&src.db)
        .args(["migrate", "--to", to.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staging = || {
        std::fs::read_dir(src.path(""))
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".moved.db.tuidesk-migrate-")
            })
    };
    let started = std::time::Instant::now();
    while !staging() && child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed().as_secs() < 60,
            "migrate never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the migrate finished before it could be interrupted"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!to.exists(), "a killed migrate left {}", to.display());
    src.ok(&["migrate", "--to", to.to_str().unwrap()]);
    let moved = std_base_cmd(&home)
        .arg("--db")
        .arg(&to)
        .arg("export")
        .output()
        .unwrap();
    assert!(moved.status.success());
    assert_eq!(String::from_utf8(moved.stdout).unwrap(), src.export());
}

/// `export --out` follows a symbolic link to the file it names (the link stays a link) and
/// writes into a pipe or device in place: renaming a file over `/dev/null` would destroy it.
#[cfg(unix)]
#[test]
fn export_out_writes_through_links_and_pipes() {
    let src = rich_desk();
    let expected = src.export();
    let real = src.path("real.jsonl");
    std::fs::write(&real, "old").unwrap();
    let link = src.path("link.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    src.ok(&["export", "--out", link.to_str().unwrap()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected);

    let fifo = src.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    src.ok(&["export", "--out", fifo.to_str().unwrap()]);
    assert_eq!(reader.join().unwrap(), expected);
    use std::os::unix::fs::FileTypeExt as _;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    src.refused(
        &["export", "--out", src.path("").to_str().unwrap()],
        1,
        &["is a directory"],
    );
}

#[test]
fn export_import_round_trip_reproduces_everything() {
    let src = rich_desk();
    let file = src.path("export.jsonl");
    let out = src.ok(&["export", "--out", file.to_str().unwrap()]);
    assert!(
        out.is_empty(),
        "export --out writes nothing on stdout: {out}"
    );
    let exported = std::fs::read_to_string(&file).unwrap();
    assert_eq!(exported, src.export(), "--out and stdout agree");
    assert!(!src.path("export.partial").exists());

    let recs = lines(&exported);
    let orgs = recs.iter().filter(|r| r["type"] == "org").count();
    let tickets: Vec<&Value> = recs.iter().filter(|r| r["type"] == "ticket").collect();
    let entries: usize = tickets
        .iter()
        .map(|t| t["conversation"].as_array().unwrap().len())
        .sum();
    let events: usize = recs
        .iter()
        .map(|r| r["events"].as_array().unwrap().len())
        .sum();
    assert_eq!((orgs, tickets.len()), (4, 6));
    assert!(
        entries >= 4 && events >= 20,
        "rich fixture: {entries} entries, {events} events"
    );
    assert!(
        tickets
            .iter()
            .any(|t| !t["pauses"].as_array().unwrap().is_empty())
    );

    let dst = Desk::new();
    assert_eq!(dst.export(), "");
    let summary = dst.ok_at(&at(200), &["import", file.to_str().unwrap()]);
    assert_eq!(
        summary.trim(),
        format!(
            "imported {orgs} organizations, {} tickets, {entries} conversation entries, {events} events",
            tickets.len()
        )
    );
    // Byte-for-byte identical: every organization, ticket, entry, pause and event.
    assert_eq!(dst.export(), exported);

    // The derived SLA state matches too, seen at the same instant.
    let now = at(200);
    for args in [
        vec!["ticket", "list", "--all", "--json"],
        vec!["ticket", "list", "--breached", "--all", "--json"],
        vec!["search", "连接", "--json"],
    ] {
        assert_eq!(
            src.json_at(&now, &args),
            dst.json_at(&now, &args),
            "{args:?}"
        );
    }
    for t in &tickets {
        let id = t["id"].to_string();
        let args = ["ticket", "show", &id, "--json"];
        let (mut a, mut b) = (src.json_at(&now, &args), dst.json_at(&now, &args));
        // Conversation entry ids are not part of the export format (entries are renumbered
        // in ticket order on import); everything else must match.
        // The copy marks its history as imported (issue 14); the history itself matches.
        for v in [&mut a, &mut b] {
            for e in v["conversation"].as_array_mut().unwrap() {
                e.as_object_mut().unwrap().remove("id");
            }
            for e in v["events"].as_array_mut().unwrap() {
                let imported = e.as_object_mut().unwrap().remove("imported");
                assert!(imported.is_none() || imported == Some(Value::Bool(true)));
            }
        }
        assert_eq!(a, b, "ticket {id}");
    }
    // Organization ids are not exported either (imported in name order); compare the rest.
    let strip_ids = |v: Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .cloned()
            .map(|mut o| {
                o.as_object_mut().unwrap().remove("id");
                o
            })
            .collect()
    };
    assert_eq!(
        strip_ids(src.json(&["org", "list", "--json"])),
        strip_ids(dst.json(&["org", "list", "--json"]))
    );

    // Importing the same file again is refused (tickets exist) and changes nothing.
    dst.refused(
        &["import", file.to_str().unwrap()],
        1,
        &["already exists", "nothing was imported"],
    );
}

#[test]
fn import_reads_standard_input() {
    let src = rich_desk();
    let exported = src.export();
    let dst = Desk::new();
    let args = ["import", "-"];
    let out = expect_success(&args, &dst.run_stdin(&args, &exported));
    assert!(
        out.starts_with("imported 4 organizations, 6 tickets"),
        "{out}"
    );
    assert_eq!(dst.export(), exported);
}

/// A named pipe (or a shell's `<(…)`) can be read only once; import reads its file three
/// times, so such a file is copied first and imports like a regular one.
#[test]
fn import_reads_a_named_pipe() {
    let src = rich_desk();
    let exported = src.export();
    let dst = Desk::new();
    let fifo = dst.path("export.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let (fifo, exported) = (fifo.clone(), exported.clone());
        std::thread::spawn(move || std::fs::write(&fifo, exported).unwrap())
    };
    let out = dst.ok(&["import", fifo.to_str().unwrap()]);
    writer.join().unwrap();
    assert!(
        out.starts_with("imported 4 organizations, 6 tickets"),
        "{out}"
    );
    assert_eq!(dst.export(), exported);
}

#[test]
fn import_with_a_malformed_third_line_imports_nothing() {
    let src = rich_desk();
    let exported = src.export();
    let mut l: Vec<&str> = exported.lines().collect();
    l[2] = r#"{"type":"org","name":"Broken","policy_set":"connected-care""#;
    let bad = l.join("\n") + "\n";
    let file = src.path("bad.jsonl");
    std::fs::write(&file, &bad).unwrap();

    // Into an empty database: still empty afterwards.
    let dst = Desk::new();
    dst.refused(
        &["import", file.to_str().unwrap()],
        1,
        &["line 3", "nothing was imported"],
    );
    assert_eq!(dst.export(), "");
    // Into a database with data: unchanged.
    let other = Desk::four_orgs();
    other.new_kind_ticket(ACME, "technical", "S3", "existing");
    other.refused(&["import", file.to_str().unwrap()], 1, &["line 3"]);
    // From standard input, the same.
    dst.refused_stdin(&["import", "-"], &bad, &["line 3"]);
}

#[test]
fn import_refuses_duplicated_ticket_lines() {
    let src = rich_desk();
    let exported = src.export();
    let l: Vec<&str> = exported.lines().collect();
    let ticket_line = l
        .iter()
        .position(|x| x.contains(r#""type":"ticket""#))
        .unwrap();
    let mut dup: Vec<&str> = l.clone();
    dup.push(l[ticket_line]);
    let file = src.path("dup.jsonl");
    std::fs::write(&file, dup.join("\n") + "\n").unwrap();
    let id = lines(l[ticket_line])[0]["id"].to_string();

    let dst = Desk::new();
    let line = format!("line {}", dup.len());
    dst.refused(
        &["import", file.to_str().unwrap()],
        1,
        &[
            &line,
            &format!("ticket {id}"),
            "twice",
            "nothing was imported",
        ],
    );
    assert_eq!(dst.export(), "");
}

#[test]
fn import_refuses_lines_that_break_the_rules() {
    let dst = Desk::four_orgs();
    dst.new_kind_ticket(ACME, "technical", "S3", "existing");
    let org = r#"{"type":"org","name":"Imported","policy_set":"connected-care","plan":"basic","tz":"Asia/Tokyo","created_at":"2026-03-01T00:00:00Z"}"#;
    let ticket = |fields: &str| {
        format!(
            r#"{{"type":"ticket","id":77,"org":"Imported","kind":"billing","severity":"S3","status":"new","summary":"ok","component":null,"environment":null,"affected_version":null,"assignee":null,"created_at":"2026-03-02T00:00:00Z","updated_at":"2026-03-02T00:00:00Z","first_response_at":null,"resolved_at":null{fields}}}"#
        )
    };
    // The valid pair imports; each broken variant on line 2 is refused naming line 2.
    let good = format!("{org}\n{}\n", ticket(""));
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!(
                "{org}\n{}\n",
                ticket("").replace(
                    "2026-03-02T00:00:00Z\",\"updated",
                    "2026-03-02 00:00\",\"updated"
                )
            ),
            vec!["line 2"],
        ),
        (
            format!(
                "{org}\n{}\n",
                ticket("").replace("\"billing\"", "\"technical\"")
            ),
            vec!["line 2", "technical support"],
        ),
        (
            format!("{org}\n{}\n", ticket("").replace("\"S3\"", "\"S1\"")),
            vec!["line 2", "S1"],
        ),
        (
            format!("{org}\n{}\n", ticket("").replace("\"S3\"", "\"S9\"")),
            vec!["line 2", "S9"],
        ),
        (
            format!(
                "{org}\n{}\n",
                ticket("").replace("\"Imported\"", "\"Ghost\"")
            ),
            vec!["line 2", "Ghost"],
        ),
        (
            format!(
                "{org}\n{}\n",
                ticket("").replace("\"summary\":\"ok\"", "\"summary\":\"\"")
            ),
            vec!["line 2", "summary is empty"],
        ),
        (
            format!(
                "{org}\n{}\n",
                ticket("").replace(
                    "\"summary\":\"ok\"",
                    &format!("\"summary\":\"{}\"", "数".repeat(201))
                )
            ),
            vec!["line 2", "201"],
        ),
        (
            format!(
                "{}\n{}\n",
                org.replace("Asia/Tokyo", "Mars/Olympus"),
                ticket("")
            ),
            vec!["line 1", "Mars/Olympus"],
        ),
        (
            format!("{org}\n{}\n", ticket(",\"extra\":1")),
            vec!["line 2", "extra"],
        ),
        (format!("{org}\n\n{}\n", "not json"), vec!["line 3"]),
    ];
    for (content, fragments) in &cases {
        let file = dst.path("case.jsonl");
        std::fs::write(&file, content).unwrap();
        dst.refused(&["import", file.to_str().unwrap()], 1, fragments);
    }
    let file = dst.path("good.jsonl");
    std::fs::write(&file, &good).unwrap();
    let out = dst.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("imported 1 organizations, 1 tickets"), "{out}");
    assert_eq!(
        dst.json(&["ticket", "show", "77", "--json"])["summary"],
        "ok"
    );

    dst.refused(
        &["import", dst.path("absent.jsonl").to_str().unwrap()],
        1,
        &["absent.jsonl"],
    );
}

// ---------------------------------------------------------------------------------------
// SLA

fn sla_due(d: &Desk, set: &str, plan: &str, sev: &str, tz: &str, opened: &str) -> String {
    d.ok(&[
        "sla",
        "due",
        "--policy-set",
        set,
        "--plan",
        plan,
        "--severity",
        sev,
        "--tz",
        tz,
        "--opened",
        opened,
    ])
    .trim()
    .to_string()
}

#[test]
fn sla_due_prints_the_due_instant_in_the_customers_offset() {
    let d = Desk::new();
    // 24 business hours from Friday 17:30: 0.5 h Friday, 9 h Monday, 9 h Tuesday, 5.5 h Wednesday.
    assert_eq!(
        sla_due(
            &d,
            "connected-care",
            "developer",
            "S4",
            "Europe/Berlin",
            "2026-03-06T17:30:00+01:00"
        ),
        "2026-03-11T14:30:00+01:00"
    );
    // The same instant given in UTC gives the same answer, in Berlin's offset.
    assert_eq!(
        sla_due(
            &d,
            "connected-care",
            "developer",
            "S4",
            "Europe/Berlin",
            "2026-03-06T16:30:00Z"
        ),
        "2026-03-11T14:30:00+01:00"
    );
    // 24x7: Premium S1 is 30 minutes, whatever the day.
    assert_eq!(
        sla_due(
            &d,
            "connected-care",
            "premium",
            "S1",
            "Europe/Berlin",
            "2026-03-07T23:50:00+01:00"
        ),
        "2026-03-08T00:20:00+01:00"
    );
    // Enterprise S3: 8 business hours → Monday 16:30.
    assert_eq!(
        sla_due(
            &d,
            "connected-care",
            "enterprise",
            "S3",
            "Europe/Berlin",
            "2026-03-06T17:30:00+01:00"
        ),
        "2026-03-09T16:30:00+01:00"
    );
    // Across the DST change (29 March 2026): the answer carries the summer offset.
    assert_eq!(
        sla_due(
            &d,
            "connected-care",
            "developer",
            "S1",
            "Europe/Berlin",
            "2026-03-27T16:00:00+01:00"
        ),
        "2026-03-30T11:00:00+02:00"
    );
    // CTyun runs 7x24.
    assert_eq!(
        sla_due(
            &d,
            "ctyun",
            "business",
            "urgent",
            "Asia/Shanghai",
            "2026-03-07T03:00:00+08:00"
        ),
        "2026-03-07T03:10:00+08:00"
    );
    assert_eq!(
        sla_due(
            &d,
            "ctyun",
            "standard",
            "general",
            "Asia/Shanghai",
            "2026-03-07T03:00:00+08:00"
        ),
        "2026-03-07T04:00:00+08:00"
    );
}

#[test]
fn sla_due_refuses_bad_input_and_basic_has_no_target() {
    let d = Desk::four_orgs();
    let due = |plan: &str, sev: &str, tz: &str, opened: &str| -> Vec<String> {
        [
            "sla",
            "due",
            "--policy-set",
            "connected-care",
            "--plan",
            plan,
            "--severity",
            sev,
            "--tz",
            tz,
            "--opened",
            opened,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let check = |args: Vec<String>, fragments: &[&str]| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        d.refused(&a, 1, fragments);
    };
    check(
        due("basic", "S3", "Asia/Tokyo", "2026-03-06T17:30:00+01:00"),
        &["no first-response target", "Basic"],
    );
    check(
        due(
            "developer",
            "S4",
            "Mars/Olympus",
            "2026-03-06T17:30:00+01:00",
        ),
        &["unknown time zone", "Mars/Olympus", "IANA"],
    );
    for bad in [
        "2026-03-06 17:30",
        "2026-03-06T17:30:00",
        "yesterday",
        "2026-02-30T10:00:00Z",
    ] {
        check(
            due("developer", "S4", "Europe/Berlin", bad),
            &["--opened", bad, "RFC 3339"],
        );
    }
    check(
        due(
            "developer",
            "S5",
            "Europe/Berlin",
            "2026-03-06T17:30:00+01:00",
        ),
        &["S5", "S1, S2, S3, S4"],
    );
    check(
        due("gold", "S4", "Europe/Berlin", "2026-03-06T17:30:00+01:00"),
        &["gold", "developer"],
    );
    d.refused(
        &[
            "sla",
            "due",
            "--policy-set",
            "nope",
            "--plan",
            "x",
            "--severity",
            "S1",
            "--tz",
            "UTC",
            "--opened",
            "2026-03-06T17:30:00Z",
        ],
        1,
        &["unknown policy set", "nope", "connected-care"],
    );
    d.refused(
        &["sla", "due", "--policy-set", "connected-care"],
        2,
        &["--plan"],
    );
}

#[test]
fn sla_due_refuses_a_due_instant_beyond_the_horizon() {
    // One minute of working time a week: 8000 h would be due in about 9200 years.
    let d = Desk::new();
    let dir = d.path("policies");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("sparse.toml"),
        r#"name = "sparse"
severities = ["long", "short"]
[calendars.sparse]
mon = ["09:00-09:01"]
[plans.p.first_response]
long = { hours = 8000, clock = "business", calendar = "sparse" }
short = { hours = 50, clock = "business", calendar = "sparse" }
"#,
    )
    .unwrap();
    let args = |sev: &'static str| {
        [
            "sla",
            "due",
            "--policy-set",
            "sparse",
            "--plan",
            "p",
            "--severity",
            sev,
            "--tz",
            "UTC",
            "--opened",
            "2026-02-02T00:00:00Z",
        ]
    };
    let run = |sev: &'static str| {
        d.cmd_at(NOW, &args(sev))
            .env("TUIDESK_POLICY_DIR", &dir)
            .output()
            .unwrap()
    };
    let stderr = expect_refusal(
        &args("long"),
        &run("long"),
        1,
        &[
            "the due instant is more than 100 years away",
            "the calendar has almost no working time",
        ],
    );
    assert!(!stderr.contains("262142"), "{stderr}");
    // 50 h = 3000 Mondays, about 57 years: printed
    let out = expect_success(&args("short"), &run("short"));
    assert_eq!(out.trim(), "2083-07-26T09:01:00+00:00");
}

#[test]
fn sla_explain_shows_how_targets_were_computed() {
    let d = Desk::four_orgs();
    let sid = d
        .new_kind_ticket(ACME, "technical", "S4", "question")
        .to_string();
    let plain = d.ok(&["sla", "explain", &sid]);
    for word in [
        ACME,
        "Europe/Berlin",
        "developer",
        "S4",
        "first-response",
        "2026-03-11T14:30:00+01:00",
    ] {
        assert!(plain.contains(word), "sla explain lacks {word:?}:\n{plain}");
    }
    let v = d.json(&["sla", "explain", &sid, "--json"]);
    assert_eq!(v["ticket"].to_string(), sid);
    assert_eq!(v["org"], ACME);
    assert_eq!(v["tz"], "Europe/Berlin");
    assert_eq!(v["opened"], "2026-03-06T17:30:00+01:00");
    let m = &v["metrics"][0];
    assert_eq!(m["metric"], "first-response");
    assert_eq!(m["due"], "2026-03-11T14:30:00+01:00");
    assert_eq!(m["target_seconds"], 24 * 3600);

    let basic = d
        .new_kind_ticket(BASIC, "billing", "S3", "invoice")
        .to_string();
    let plain = d.ok(&["sla", "explain", &basic]);
    assert!(plain.contains("no target"), "{plain}");
}

// ---------------------------------------------------------------------------------------
// gen, backup, check, demo

#[test]
fn gen_500_then_list_returns_the_five_first_due() {
    let d = Desk::new();
    let out = d.ok(&["gen", "--tickets", "500"]);
    assert!(out.contains("generated 500 tickets"), "{out}");
    let all = d.json(&["ticket", "list", "--all", "--limit", "1000", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 500);

    // The queue order: running clocks by due instant, then paused ones by time left, then
    // the rest oldest first.
    fn urgency(t: &Value) -> (u8, i64) {
        if !t["next_due"].is_null() {
            (0, rfc3339(&t["next_due"]).timestamp())
        } else if let Some(left) = t["remaining_seconds"].as_i64() {
            (1, left)
        } else {
            (2, rfc3339(&t["created_at"]).timestamp())
        }
    }
    let top = d.json(&["ticket", "list", "--limit", "5", "--json"]);
    let top = top.as_array().unwrap();
    assert_eq!(top.len(), 5);
    let keys: Vec<(u8, i64)> = top.iter().map(urgency).collect();
    assert_eq!(keys[0].0, 0, "a running clock comes first: {top:?}");
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "not sorted by due: {keys:?}"
    );
    for t in top.iter().filter(|t| !t["next_due"].is_null()) {
        assert_eq!(t["next_due"], t["first_response_due"], "{t}");
    }
    // They are the five most urgent of the whole active queue.
    let active = d.json(&["ticket", "list", "--limit", "1000", "--json"]);
    let mut every: Vec<(u8, i64)> = active.as_array().unwrap().iter().map(urgency).collect();
    every.sort_unstable();
    assert_eq!(&every[..5], &keys[..]);

    let out = d.ok(&["gen", "--tickets", "5", "--seed", "9"]);
    assert!(out.contains("generated 5 tickets"), "{out}");
    let all = d.json(&["ticket", "list", "--all", "--limit", "1000", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 505);

    d.refused(&["gen", "--tickets", "0"], 1, &["--tickets"]);
    d.refused(&["gen", "--tickets", "many"], 2, &["--tickets"]);
}

#[test]
fn backup_makes_a_consistent_copy_and_check_passes() {
    if sqlite_only("backup copies a SQLite file (PostgreSQL: pg_dump, tested in tests/postgres.rs)")
    {
        return;
    }
    let d = rich_desk();
    let copy = d.path("copy.db");
    let out = d.ok(&["backup", copy.to_str().unwrap()]);
    assert!(out.contains("backed up"), "{out}");
    assert!(copy.exists());
    let check = d.ok(&["check"]);
    assert!(check.starts_with("ok"), "{check}");
    // It says what it checked: on a server, pages and constraints are the server's.
    if d.url().is_some() {
        assert!(check.contains("pg_amcheck"), "{check}");
    } else {
        assert!(check.contains("passes the integrity check"), "{check}");
    }

    let mut c = base_cmd(d.dir.path());
    c.arg("--db").arg(&copy).arg("check");
    let out = c.output().unwrap();
    assert!(expect_success(&["check"], &out).starts_with("ok"));
    let mut c = base_cmd(d.dir.path());
    c.arg("--db").arg(&copy).arg("export");
    let out = c.output().unwrap();
    assert_eq!(expect_success(&["export"], &out), d.export());

    let before = std::fs::read(&copy).unwrap();
    d.refused(&["backup", copy.to_str().unwrap()], 1, &["already exists"]);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "existing file untouched"
    );
}

#[test]
fn check_refuses_a_file_that_is_not_a_database() {
    let dir = TempDir::new().unwrap();
    let junk = dir.path().join("junk.db");
    let content = b"this is not an SQLite database, just some text\n".repeat(200);
    std::fs::write(&junk, &content).unwrap();
    for args in [vec!["check"], vec!["ticket", "list"], vec!["export"]] {
        let mut c = base_cmd(dir.path());
        c.arg("--db").arg(&junk).args(&args);
        let out = c.output().unwrap();
        expect_refusal(&args, &out, 1, &["junk.db", "not a tuidesk database"]);
        assert_eq!(std::fs::read(&junk).unwrap(), content, "file untouched");
    }
}

#[test]
fn demo_no_tui_creates_about_150_tickets_across_time_zones() {
    let d = Desk::new();
    let db = d.db.clone();
    let mut c = base_cmd(d.dir.path());
    c.args(["demo", "--no-tui", "--db"]).arg(&db);
    let out = c.output().unwrap();
    let stdout = expect_success(&["demo", "--no-tui"], &out);
    assert_eq!(stdout.trim(), db.to_str().unwrap());
    assert!(d.exists());
    let all = d.json(&["ticket", "list", "--all", "--limit", "1000", "--json"]);
    let all = all.as_array().unwrap();
    assert!((140..=160).contains(&all.len()), "{} tickets", all.len());
    let orgs = d.json(&["org", "list", "--json"]);
    let zone_of = |name: &Value| -> String {
        orgs.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == *name)
            .map(|o| o["tz"].as_str().unwrap().to_string())
            .expect("ticket org is listed")
    };
    let mut zones: Vec<String> = all.iter().map(|t| zone_of(&t["org"])).collect();
    zones.sort();
    zones.dedup();
    assert!(zones.len() >= 6, "tickets in {zones:?}");

    let breached = d.json(&["ticket", "list", "--breached", "--json"]);
    let breached = breached.as_array().unwrap();
    assert!(!breached.is_empty(), "the demo has breached tickets");
    assert!(breached.iter().all(|t| t["breached"] == true));
    assert!(
        breached
            .iter()
            .any(|t| t["remaining_seconds"].as_i64().is_some_and(|r| r < 0))
    );
    let statuses: Vec<&str> = all.iter().map(|t| t["status"].as_str().unwrap()).collect();
    for s in ["new", "open", "pending", "on-hold", "resolved", "closed"] {
        assert!(statuses.contains(&s), "no {s} ticket in the demo");
    }

    // Running it again reuses the database instead of adding another 150.
    let mut c = base_cmd(d.dir.path());
    c.args(["demo", "--no-tui", "--db"]).arg(&db);
    expect_success(&["demo", "--no-tui"], &c.output().unwrap());
    assert_eq!(
        d.json(&["ticket", "list", "--all", "--limit", "1000", "--json"])
            .as_array()
            .unwrap()
            .len(),
        all.len()
    );
}

// ---------------------------------------------------------------------------------------
// Database path, clock, usage errors

#[test]
fn unreadable_db_path_is_refused_without_creating_anything() {
    let dir = TempDir::new().unwrap();
    let missing_dir = dir.path().join("no").join("such").join("dir");
    let db = missing_dir.join("desk.db");
    for args in [
        vec!["org", "list"],
        vec!["ticket", "list"],
        vec![
            "org",
            "add",
            "X",
            "--policy-set",
            "connected-care",
            "--plan",
            "premium",
            "--tz",
            "UTC",
        ],
        vec!["export"],
        vec!["check"],
    ] {
        let mut c = base_cmd(dir.path());
        c.arg("--db").arg(&db).args(&args);
        let out = c.output().unwrap();
        expect_refusal(&args, &out, 1, &["desk.db", "does not exist"]);
        assert!(
            !dir.path().join("no").exists(),
            "{args:?} created directories"
        );
    }
    // A directory is not a database file.
    let mut c = base_cmd(dir.path());
    c.arg("--db").arg(dir.path()).args(["org", "list"]);
    expect_refusal(&["org", "list"], &c.output().unwrap(), 1, &["directory"]);
    // TUIDESK_DB is honoured the same way when --db is absent.
    let mut c = base_cmd(dir.path());
    c.env("TUIDESK_DB", &db).args(["org", "list"]);
    expect_refusal(
        &["org", "list"],
        &c.output().unwrap(),
        1,
        &["does not exist"],
    );
}

#[test]
fn malformed_tuidesk_now_is_refused() {
    let d = Desk::four_orgs();
    d.refused_at(
        "2026-03-06 16:30",
        &[
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
        ],
        1,
        &["TUIDESK_NOW", "RFC 3339"],
    );
}

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let d = Desk::four_orgs();
    let sid = d.new_kind_ticket(ACME, "technical", "S3", "x").to_string();
    for args in [
        vec![
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
        ],
        vec!["ticket", "show", "abc"],
        vec!["ticket", "status", &sid],
        vec!["ticket", "claim"],
        vec![
            "ticket",
            "new",
            "--org",
            ACME,
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
            "--description",
            "a",
            "--description-file",
            "-",
        ],
        vec!["ticket", "list", "--unassigned", "--mine"],
        vec!["ticket", "frobnicate"],
        vec!["org", "add", "X"],
        vec!["import"],
        vec!["nonsense"],
    ] {
        d.refused(&args, 2, &[]);
    }
}

#[test]
fn policy_list_names_the_built_in_sets() {
    let d = Desk::new();
    let out = d.ok(&["policy", "list"]);
    for word in [
        "connected-care",
        "ctyun",
        "S1, S2, S3, S4",
        "urgent, general",
        "premium",
        "legacy-premium",
    ] {
        assert!(out.contains(word), "policy list lacks {word:?}:\n{out}");
    }
}

/// Issue 18: `search` ranks within the newest 5,000 matches of each kind and says so on
/// stderr when more matched (stdout keeps only the hits); a search below the bound says
/// nothing. The desk is built by importing 5,001 copies of one exported ticket.
#[test]
fn search_says_when_it_ranked_only_the_newest_matches() {
    let src = Desk::four_orgs();
    let first = src.new_kind_ticket(ACME, "technical", "S3", "giraffe pen gate left open");
    let exported = src.export();
    let mut out = String::new();
    for line in exported.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        if rec["type"] != "ticket" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for i in 0..=5_000i64 {
            let mut t = rec.clone();
            t["id"] = Value::from(first + i);
            t["summary"] = Value::from(if i == 2_500 {
                "giraffe zebra".to_string()
            } else {
                format!("giraffe pen gate left open, copy {i}")
            });
            out.push_str(&t.to_string());
            out.push('\n');
        }
    }
    let file = src.path("many.jsonl");
    std::fs::write(&file, &out).unwrap();
    let dst = Desk::new();
    dst.ok(&["import", file.to_str().unwrap()]);

    let args = ["search", "giraffe", "--limit", "3", "--json"];
    let found = dst.run_at(NOW, &args);
    let stdout = expect_success(&args, &found);
    let hits: Value = serde_json::from_str(&stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0]["summary"], "giraffe zebra", "the best match first");
    let note = text(&found.stderr);
    assert!(note.contains("newest 5,000 matches ranked"), "{note}");

    let args = ["search", "zebra"];
    let found = dst.run_at(NOW, &args);
    assert!(expect_success(&args, &found).contains("giraffe zebra"));
    assert!(text(&found.stderr).is_empty(), "{}", text(&found.stderr));
}
