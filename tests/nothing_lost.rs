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
