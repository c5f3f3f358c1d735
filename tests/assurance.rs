//! Event assurance in force (issue 12 item 6) through the real binary: the level a ticket is
//! handled at, why, for how long, and the change freeze.

mod common;

use common::Desk;

/// 2026-11-26 10:00 in Shanghai.
const T0: &str = "2026-11-26T02:00:00Z";
/// Inside the level-1 window (2026-12-14..16, Shanghai): 2026-12-15 10:00 local.
const IN: &str = "2026-12-15T02:00:00Z";
/// After the window: 2026-12-20 10:00 local.
const AFTER: &str = "2026-12-20T02:00:00Z";

fn setup(level: &str) -> (Desk, i64) {
    let d = Desk::new();
    d.ok_at(
        T0,
        &[
            "org",
            "add",
            "Panda",
            "--policy-set",
            "ctyun",
            "--plan",
            "enterprise",
            "--tz",
            "Asia/Shanghai",
        ],
    );
    let order = d.json_at(
        T0,
        &[
            "order",
            "new",
            "--org",
            "Panda",
            "--kind",
            "event-assurance",
            "--level",
            level,
            "--start",
            "2026-12-14",
            "--end",
            "2026-12-16",
            "--json",
        ],
    );
    (d, order["id"].as_i64().expect("order id"))
}

fn open(d: &Desk, now: &str, summary: &str) -> serde_json::Value {
    d.json_at(
        now,
        &[
            "ticket",
            "new",
            "--org",
            "Panda",
            "--kind",
            "technical",
            "--severity",
            "general",
            "--summary",
            summary,
            "--json",
        ],
    )
}

fn show(d: &Desk, now: &str, id: i64) -> serde_json::Value {
    d.json_at(now, &["ticket", "show", &id.to_string(), "--json"])
}

#[test]
fn level_one_handles_tickets_opened_in_the_window_as_urgent_for_good() {
    let (d, order) = setup("1");
    let before = open(&d, T0, "opened before the event");
    let inside = open(&d, IN, "opened during the event");
    let bid = before["id"].as_i64().unwrap();
    let iid = inside["id"].as_i64().unwrap();

    // Opened inside: handled as urgent, filed general, and it says why.
    let t = show(&d, IN, iid);
    assert_eq!(t["severity"], "general");
    assert_eq!(t["effective_severity"], "urgent");
    assert_eq!(t["severity_note"], "event assurance L1 until 2026-12-16");
    // The target is urgent's (CTyun Enterprise urgent: 10 minutes, 24×7).
    let urgent_due =
        chrono::DateTime::parse_from_rfc3339(t["first_response_due"].as_str().unwrap()).unwrap();
    let opened = chrono::DateTime::parse_from_rfc3339(IN).unwrap();
    assert_eq!((urgent_due - opened).num_minutes(), 10, "{t}");

    // Opened before: keeps its own level and target.
    let b = show(&d, IN, bid);
    assert_eq!(b["effective_severity"], "general");
    assert!(b["severity_note"].is_null());

    // After the window the raised level stays with the ticket opened in it.
    assert_eq!(show(&d, AFTER, iid)["effective_severity"], "urgent");

    // sla explain and the text view say why.
    let explain = d.json_at(IN, &["sla", "explain", &iid.to_string(), "--json"]);
    assert_eq!(explain["effective_severity"], "urgent");
    assert_eq!(
        explain["severity_note"],
        "event assurance L1 until 2026-12-16"
    );
    let text = d.ok_at(IN, &["ticket", "show", &iid.to_string()]);
    assert!(
        text.contains("urgent (event assurance L1 until 2026-12-16; filed general)"),
        "{text}"
    );

    // The queue sorts it as urgent: before a general ticket with a later due instant.
    let list = d.json_at(IN, &["ticket", "list", "--sort", "severity", "--json"]);
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&iid), "{list}");

    // A rejected assurance raises nothing: its organization's open tickets are recomputed.
    d.ok_at(
        IN,
        &[
            "order",
            "reject",
            &order.to_string(),
            "--reason",
            "event cancelled",
        ],
    );
    let t = show(&d, IN, iid);
    assert_eq!(t["effective_severity"], "general");
    assert!(t["severity_note"].is_null());
}

#[test]
fn level_two_raises_one_level_and_level_three_none() {
    let (d, _) = setup("2");
    let t = open(&d, IN, "during a level-2 event");
    assert_eq!(t["effective_severity"], "urgent");
    assert_eq!(t["severity_note"], "event assurance L2 until 2026-12-16");

    let (d3, _) = setup("3");
    let t = open(&d3, IN, "during a level-3 event");
    assert_eq!(t["effective_severity"], "general");
    assert!(t["severity_note"].is_null());
}
