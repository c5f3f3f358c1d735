//! Tags and merges from the command line (issue 17 items 5 and 6): `ticket tag`,
//! `ticket list --tag`, `ticket merge SOURCE --into TARGET`, what `ticket show` and `--json`
//! say, mail to a merged ticket, `migrate` between backends; every refusal exits 1 with one
//! line and leaves the export unchanged.

mod common;
use common::pg;

use common::*;
use serde_json::Value;

const EARLY: &str = "2026-03-06T15:00:00Z";
const LATER: &str = "2026-03-06T15:10:00Z";
const LATEST: &str = "2026-03-06T15:20:00Z";

fn desk() -> Desk {
    Desk::with_orgs(&[
        ("Acme", "connected-care", "enterprise", "Europe/Berlin"),
        ("天翼客户", "ctyun", "business", "Asia/Shanghai"),
    ])
}

/// A ticket with a description and a requester (so that merging has mail to move).
fn new_ticket(d: &Desk, now: &str, org: &str, sev: &str, summary: &str) -> i64 {
    let description = format!("{summary}: details");
    d.new_ticket_at(
        now,
        org,
        sev,
        summary,
        &[
            "--description",
            &description,
            "--requester",
            "carol@acme.example",
        ],
    )
}

fn show(d: &Desk, id: i64) -> Value {
    d.json(&["ticket", "show", &id.to_string(), "--json"])
}

fn tags(v: &Value) -> Vec<String> {
    v["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("tags is always an array: {v}"))
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

fn listed(d: &Desk, args: &[&str]) -> Vec<i64> {
    let mut all = vec!["ticket", "list", "--all", "--json"];
    all.extend_from_slice(args);
    let mut ids: Vec<i64> = d
        .json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

#[test]
fn tag_adds_removes_normalizes_and_says_what_was_already_so() {
    let d = desk();
    let id = new_ticket(&d, EARLY, "Acme", "S2", "slow queries");
    assert_eq!(
        tags(&show(&d, id)),
        Vec::<String>::new(),
        "present when empty"
    );
    let out = d.ok(&["ticket", "tag", "1", "+Bug", "-billing", "数据库"]);
    assert_eq!(
        out.trim(),
        "ticket 1: tags +bug +数据库; not tagged billing; tags now: bug 数据库 (version 2)"
    );
    let v = show(&d, id);
    assert_eq!(tags(&v), vec!["bug", "数据库"]);
    let last = v["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["field"].as_str(), last["new"].as_str()),
        (Some("tags"), Some("+bug +数据库"))
    );
    // A no-op is said, not refused, and stores nothing.
    let before = d.export();
    let out = d.ok(&["ticket", "tag", "1", "BUG", "-nothing"]);
    assert!(
        out.contains("already tagged bug; not tagged nothing; nothing changed"),
        "{out}"
    );
    assert_eq!(d.export(), before);
    // --expect-version before or after the tags.
    d.ok(&["ticket", "tag", "1", "--expect-version", "2", "-bug"]);
    d.ok(&["ticket", "tag", "1", "v8.5/tikv", "--expect-version", "3"]);
    assert_eq!(tags(&show(&d, id)), vec!["v8.5/tikv", "数据库"]);
    d.refused(
        &["ticket", "tag", "1", "+x", "--expect-version", "3"],
        1,
        &["changed under you", "version 3", "version 4"],
    );
    // `ticket show` and `ticket list --json` carry them.
    let text = d.ok(&["ticket", "show", "1"]);
    assert!(text.contains("  tags          v8.5/tikv 数据库"), "{text}");
    assert!(text.contains("tags: - → -bug"), "{text}");
    let list = d.json(&["ticket", "list", "--json"]);
    assert_eq!(tags(&list[0]), vec!["v8.5/tikv", "数据库"]);
}

#[test]
fn bad_tags_are_refused_with_one_line_and_nothing_stored() {
    let d = desk();
    new_ticket(&d, EARLY, "Acme", "S2", "slow queries");
    d.ok(&["ticket", "tag", "1", "keep"]);
    let long = "a".repeat(33);
    for (bad, why) in [
        ("", "empty"),
        ("+", "empty"),
        ("  ", "empty"),
        ("a b", "spaces"),
        ("a\u{1b}[2Jb", "control characters"),
        ("a\tb", "control characters"),
        ("x!", "letters, digits"),
        ("#5", "letters, digits"),
        (long.as_str(), "at most 32"),
    ] {
        d.refused(
            &["ticket", "tag", "1", "ok", bad],
            1,
            &["is not valid", why],
        );
    }

    d.refused(
        &["ticket", "tag", "1", "x", "--bogus"],
        1,
        &["unknown option"],
    );
    d.refused(
        &["ticket", "tag", "1", "x", "-x"],
        1,
        &["both added and removed"],
    );
    d.refused(&["ticket", "tag", "99", "x"], 1, &["no ticket \"99\""]);
    d.refused(&["ticket", "tag", "1"], 2, &["required"]);
    d.refused(&["ticket", "list", "--tag", "a b"], 1, &["is not valid"]);
    // The control character never reaches the terminal raw.
    let out = d.run_at(NOW, &["ticket", "tag", "1", "a\u{1b}[2Jb"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn list_by_tag_needs_every_tag_named() {
    let d = desk();
    for s in ["one", "two", "three"] {
        new_ticket(&d, EARLY, "Acme", "S2", s);
    }
    d.ok(&["ticket", "tag", "1", "bug", "db"]);
    d.ok(&["ticket", "tag", "2", "bug"]);
    d.ok(&["ticket", "status", "2", "closed"]);
    assert_eq!(listed(&d, &["--tag", "bug"]), vec![1, 2]);
    assert_eq!(listed(&d, &["--tag", "BUG", "--tag", "db"]), vec![1]);
    assert_eq!(listed(&d, &["--tag", "none"]), Vec::<i64>::new());
    // Without --all the queue's active statuses still apply.
    let active = d.json(&["ticket", "list", "--json", "--tag", "bug"]);
    assert_eq!(active.as_array().unwrap().len(), 1);
}

/// Target #1 (S2, opened EARLY); source #2 with an engineer's reply, a note and tags.
fn merge_desk() -> Desk {
    let d = desk();
    new_ticket(&d, EARLY, "Acme", "S2", "database down");
    new_ticket(&d, LATER, "Acme", "S2", "database down again");
    d.ok_at(
        LATER,
        &["ticket", "reply", "2", "--body", "looking into it"],
    );
    d.ok_at(
        LATEST,
        &[
            "--as",
            "bob",
            "ticket",
            "note",
            "2",
            "--body",
            "a duplicate",
        ],
    );
    d.ok_at(LATEST, &["ticket", "tag", "2", "bug", "db"]);
    d.ok_at(LATEST, &["ticket", "tag", "1", "db"]);
    d
}

#[test]
fn merge_moves_the_conversation_and_tags_and_points_the_source_at_the_target() {
    let d = merge_desk();
    let before = show(&d, 1);
    let out = d.ok(&["ticket", "merge", "2", "--into", "1"]);
    assert!(
        out.starts_with("ticket 2 merged into ticket 1: 3 conversation entries, 0 attachments, tags bug moved; ticket 2 is closed"),
        "{out}"
    );
    let target = show(&d, 1);
    let source = show(&d, 2);
    // The target's SLA timers and breach state did not move; the source's reply is not
    // the target's first response.
    for field in [
        "first_response_due",
        "first_response_at",
        "first_response_state",
        "next_due",
        "breached",
        "remaining_seconds",
        "sla",
        "status",
    ] {
        assert_eq!(target[field], before[field], "target's {field} moved");
    }
    assert_eq!(target["first_response_at"], Value::Null);
    assert_eq!(
        target["version"].as_i64(),
        Some(before["version"].as_i64().unwrap() + 1)
    );
    assert_eq!(tags(&target), vec!["bug", "db"]);
    let conv = target["conversation"].as_array().unwrap();
    let moved: Vec<(&str, &str, &str)> = conv
        .iter()
        .filter(|e| e["merged_from"] == 2)
        .map(|e| {
            (
                e["author"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
                e["created_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(moved.len(), 3, "{conv:?}");
    assert!(moved.contains(&("carol@acme.example", "note", "2026-03-06T15:10:00+00:00")));
    assert!(
        moved
            .iter()
            .any(|m| m.1 == "reply" && m.2 == "2026-03-06T15:10:00+00:00")
    );
    assert!(
        moved
            .iter()
            .any(|m| m.0.ends_with("as bob") && m.2 == "2026-03-06T15:20:00+00:00")
    );
    let merged = target["events"].as_array().unwrap().last().unwrap();
    assert_eq!(merged["field"], "merged");
    assert!(
        merged["new"]
            .as_str()
            .unwrap()
            .starts_with("#2: 3 conversation entries")
    );
    // The source: closed, pointing at the target, its audit says so.
    assert_eq!(
        (source["status"].as_str(), source["merged_into"].as_i64()),
        (Some("closed"), Some(1))
    );
    assert_eq!(tags(&source), Vec::<String>::new());
    assert!(
        source["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "merged_into" && e["new"] == "#1")
    );
    let text = d.ok(&["ticket", "show", "2"]);
    assert!(text.contains("merged into #1"), "{text}");
    let text = d.ok(&["ticket", "show", "1"]);
    assert!(text.contains("   from #2"), "{text}");
    let listed = d.json(&["ticket", "list", "--all", "--json"]);
    let rows = listed.as_array().unwrap();
    let row = |id: i64| rows.iter().find(|t| t["id"] == id).unwrap();
    assert_eq!(
        (row(1)["merged_into"].clone(), row(2)["merged_into"].clone()),
        (Value::Null, Value::from(1))
    );
    // No more work on the source.
    d.refused(
        &["ticket", "reply", "2", "--body", "x"],
        1,
        &["merged into #1"],
    );
    d.refused(&["ticket", "status", "2", "open"], 1, &["merged into #1"]);
    d.refused(&["ticket", "tag", "2", "x"], 1, &["merged into #1"]);
    // Export and import carry it byte for byte.
    let exported = d.export();
    let copy = Desk::new();
    let out = copy.run_stdin(&["import", "-"], &exported);
    expect_success(&["import"], &out);
    assert_eq!(copy.export(), exported);
}

#[test]
fn merge_refusals_say_why_in_one_line_and_change_nothing() {
    let d = merge_desk();
    new_ticket(&d, EARLY, "天翼客户", "urgent", "其他客户"); // 3
    new_ticket(&d, EARLY, "Acme", "S2", "closed one"); // 4
    d.ok(&["ticket", "status", "4", "closed"]);
    new_ticket(&d, EARLY, "Acme", "S2", "spare"); // 5
    fn merge<'a>(s: &'a str, t: &'a str) -> Vec<&'a str> {
        vec!["ticket", "merge", s, "--into", t]
    }
    d.refused(&merge("2", "2"), 1, &["cannot merge ticket 2 into itself"]);
    d.refused(
        &merge("2", "3"),
        1,
        &["different organizations", "Acme", "天翼客户"],
    );
    d.refused(&merge("2", "99"), 1, &["no ticket \"99\""]);
    d.refused(&merge("99", "1"), 1, &["no ticket \"99\""]);
    d.refused(&merge("2", "4"), 1, &["ticket 4 is closed"]);
    d.refused(
        &[
            "ticket",
            "merge",
            "2",
            "--into",
            "1",
            "--expect-version",
            "1",
        ],
        1,
        &["changed under you"],
    );
    d.refused(
        &[
            "ticket",
            "merge",
            "2",
            "--into",
            "1",
            "--expect-target-version",
            "1",
        ],
        1,
        &["ticket 1 changed under you"],
    );
    d.refused(&["ticket", "merge", "2"], 2, &["--into"]);
    d.ok(&["ticket", "merge", "2", "--into", "1"]);
    d.refused(
        &merge("2", "5"),
        1,
        &["ticket 2 was already merged into #1"],
    );
    d.refused(
        &merge("5", "2"),
        1,
        &["ticket 2 was itself merged into #1; merge into #1 instead"],
    );
}

fn deliver(d: &Desk, raw: &str) -> String {
    let out = d
        .cmd_at(NOW, &["mail", "deliver"])
        .write_stdin(raw.as_bytes().to_vec())
        .output()
        .unwrap();
    expect_success(&["mail", "deliver"], &out)
}

fn mail(id: &str, subject: &str, in_reply_to: Option<&str>, body: &str) -> String {
    let mut m = format!(
        "From: Carol <carol@acme.example>\r\nTo: support@desk.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n"
    );
    if let Some(r) = in_reply_to {
        m.push_str(&format!("In-Reply-To: {r}\r\n"));
    }
    m.push_str(&format!(
        "Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ));
    m
}

#[test]
fn mail_to_a_merged_ticket_threads_to_its_target_through_a_chain() {
    let d = merge_desk();
    d.ok(&["org", "contact", "Acme", "--add", "@acme.example"]);
    new_ticket(&d, EARLY, "Acme", "S2", "third"); // 3
    // The reply on #2 went out with a Message-ID the customer will answer.
    let sent = show(&d, 2)["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["mail"]["message_id"].as_str().map(str::to_string))
        .expect("the reply on #2 was queued as mail");
    d.ok(&["ticket", "merge", "2", "--into", "1"]);
    let before = show(&d, 1);
    deliver(
        &d,
        &mail(
            "m1@acme.example",
            "Re: [#2] database down again",
            None,
            "by subject",
        ),
    );
    deliver(
        &d,
        &mail(
            "m2@acme.example",
            "Re: your reply",
            Some(&format!("<{sent}>")),
            "by thread",
        ),
    );
    let after = show(&d, 1);
    let bodies: Vec<&str> = after["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap())
        .collect();
    assert!(
        bodies.iter().any(|b| b.contains("by subject")),
        "{bodies:?}"
    );
    assert!(bodies.iter().any(|b| b.contains("by thread")), "{bodies:?}");
    assert_eq!(show(&d, 2)["conversation"].as_array().unwrap().len(), 0);
    // They were written to the target: not marked as moved.
    assert!(
        after["conversation"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["role"] == "customer" && e["kind"] == "reply")
            .all(|e| e["merged_from"].is_null()),
        "{after}"
    );
    assert_eq!(after["first_response_due"], before["first_response_due"]);
    // A chain: #1 merged into #3; mail naming #2 lands on #3.
    d.ok(&["ticket", "merge", "1", "--into", "3"]);
    deliver(
        &d,
        &mail("m3@acme.example", "[#2] again", None, "through the chain"),
    );
    let third = show(&d, 3);
    assert!(
        third["conversation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["body"].as_str().unwrap().contains("through the chain")),
        "{third}"
    );
}

#[test]
fn migrate_between_backends_keeps_tags_and_merges() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    // No requester: mail history (the outbox) is not carried by migrate yet.
    let d = desk();
    for s in ["database down", "database down again"] {
        d.new_ticket("Acme", "S2", s, &[]);
    }
    d.ok_at(
        LATER,
        &["ticket", "reply", "2", "--body", "looking into it"],
    );
    d.ok(&["ticket", "tag", "2", "bug", "db"]);
    d.ok(&["ticket", "merge", "2", "--into", "1"]);
    let exported = d.export();
    d.ok(&["migrate", "--to", &url]);
    let pg = |args: &[&str]| d.ok_on(&url, args);
    assert_eq!(pg(&["export"]), exported);
    let back = d.path("back.db");
    pg(&["migrate", "--to", back.to_str().unwrap()]);
    assert_eq!(d.ok_on(&back, &["export"]), exported);
    let v: Value = serde_json::from_str(&pg(&["ticket", "show", "2", "--json"])).unwrap();
    assert_eq!(v["merged_into"], 1);
    let listed: Value =
        serde_json::from_str(&pg(&["ticket", "list", "--json", "--tag", "bug"])).unwrap();
    assert_eq!(listed[0]["id"], 1);
}

#[test]
fn monthly_report_counts_the_tags_of_the_tickets_opened_that_month() {
    let d = desk();
    for s in ["one", "two", "three"] {
        new_ticket(&d, EARLY, "Acme", "S2", s);
    }
    d.ok(&["ticket", "tag", "1", "bug", "db"]);
    d.ok(&["ticket", "tag", "2", "bug"]);
    let v = d.json(&[
        "report", "monthly", "--month", "2026-03", "--org", "Acme", "--json",
    ]);
    let tags = &v["orgs"][0]["tags"];
    assert_eq!(
        tags,
        &serde_json::json!([{"tag": "bug", "opened": 2}, {"tag": "db", "opened": 1}]),
        "{v}"
    );
    let text = d.ok(&["report", "monthly", "--month", "2026-03", "--org", "Acme"]);
    assert!(
        text.contains("Tags (tickets opened this month): bug 2, db 1"),
        "{text}"
    );
    // A month without tagged tickets has an empty list (and no line).
    let v = d.json(&["report", "monthly", "--month", "2026-02", "--json"]);
    assert!(
        v["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["tags"] == serde_json::json!([]))
    );
}
