//! Issue 12, item 4: one test per SLA decision, through the real binary with a pinned clock
//! (`TUIDESK_NOW`). Each decision is checked in every place a user sees it: `ticket list`
//! (its `‼` mark, `--breached`), `ticket show --json`, `sla explain` (text and JSON) and the
//! monthly report.

mod common;

use std::path::PathBuf;
use std::process::Output;

use chrono::{DateTime, Duration, Utc};
use common::{Desk, expect_refusal, expect_success, new_ticket_args};
use serde_json::Value;

/// Friday 2026-03-06 16:30 UTC, 17:30 in Berlin.
const T0: &str = "2026-03-06T16:30:00Z";

fn t0() -> DateTime<Utc> {
    utc(T0)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&Utc)
}

fn at(offset: Duration) -> String {
    (t0() + offset).to_rfc3339()
}

fn instant(v: &Value) -> DateTime<Utc> {
    utc(v
        .as_str()
        .unwrap_or_else(|| panic!("{v} is not an instant")))
}

/// A desk, optionally with a user policy directory.
struct Sla {
    desk: Desk,
    policies: Option<PathBuf>,
}

impl Sla {
    fn new() -> Sla {
        Sla {
            desk: Desk::new(),
            policies: None,
        }
    }

    fn with_policy(file: &str, toml: &str) -> Sla {
        let desk = Desk::new();
        let dir = desk.path("policies");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(file), toml).unwrap();
        Sla {
            desk,
            policies: Some(dir),
        }
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        let mut c = self.desk.cmd_at(now, args);
        if let Some(p) = &self.policies {
            c.env("TUIDESK_POLICY_DIR", p);
        }
        c.output().expect("tuidesk runs")
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        expect_success(args, &self.run(now, args))
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        let out = self.ok(now, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: no JSON ({e}):\n{out}"))
    }

    fn org(&self, name: &str, set: &str, plan: &str, tz: &str) {
        let args = [
            "org",
            "add",
            name,
            "--policy-set",
            set,
            "--plan",
            plan,
            "--tz",
            tz,
        ];
        self.ok(T0, &args);
    }

    fn ticket(&self, now: &str, org: &str, severity: &str) -> String {
        let args = new_ticket_args(org, severity, "Cluster unreachable", &[]);
        self.ok(now, &args).trim().to_string()
    }

    fn show(&self, now: &str, id: &str) -> Value {
        self.json(now, &["ticket", "show", id, "--json"])
    }

    fn explain(&self, now: &str, id: &str) -> Value {
        self.json(now, &["sla", "explain", id, "--json"])
    }

    fn first_response(&self, now: &str, id: &str) -> Value {
        let e = self.explain(now, id);
        e["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == "first-response")
            .cloned()
            .unwrap_or_else(|| panic!("no first-response metric: {e}"))
    }

    /// The `ticket list` line of ticket `id` (every status).
    fn list_line(&self, now: &str, id: &str, breached: bool) -> Option<String> {
        let mut args = vec!["ticket", "list", "--all"];
        if breached {
            args.push("--breached");
        }
        self.ok(now, &args)
            .lines()
            .skip(1)
            .find(|l| l.trim_start().split([' ', '‼', '!']).next() == Some(id))
            .map(str::to_string)
    }

    fn listed_breached(&self, now: &str, id: &str) -> bool {
        let json = self.json(now, &["ticket", "list", "--all", "--breached", "--json"]);
        let in_json = json
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id));
        assert_eq!(
            in_json,
            self.list_line(now, id, true).is_some(),
            "--breached text and JSON differ"
        );
        in_json
    }

    fn report_first_response(&self, now: &str, month: &str, org: &str) -> Value {
        let r = self.json(
            now,
            &[
                "report", "monthly", "--month", month, "--org", org, "--json",
            ],
        );
        r["orgs"][0]["first_response"].clone()
    }
}

/// Enterprise: S1 1 h and S2 2 h on 24×7, S3 8 h in business hours.
fn acme() -> Sla {
    let s = Sla::new();
    s.org("Acme", "connected-care", "enterprise", "Europe/Berlin");
    s
}

#[test]
fn breached_only_once_now_is_past_the_due_instant() {
    let s = acme();
    let id = s.ticket(T0, "Acme", "S1");
    let due = at(Duration::hours(1));
    let after = at(Duration::hours(1) + Duration::seconds(1));
    assert_eq!(instant(&s.show(T0, &id)["first_response_due"]), utc(&due));

    // At the due instant: at risk, not breached, anywhere.
    let show = s.show(&due, &id);
    assert_eq!(show["breached"], false, "{show}");
    assert_eq!(show["first_response_state"], "at-risk");
    assert_eq!(show["remaining_seconds"], 0);
    assert!(!s.listed_breached(&due, &id));
    let line = s.list_line(&due, &id, false).unwrap();
    assert!(line.contains('!') && !line.contains('‼'), "{line}");
    let fr = s.first_response(&due, &id);
    assert_eq!(
        (fr["state"].as_str(), fr["breached"].as_bool()),
        (Some("at-risk"), Some(false))
    );

    // One second later: breached, everywhere.
    let show = s.show(&after, &id);
    assert_eq!(show["breached"], true, "{show}");
    assert_eq!(show["first_response_state"], "breached");
    assert_eq!(show["remaining_seconds"], -1);
    assert!(s.listed_breached(&after, &id));
    assert!(s.list_line(&after, &id, false).unwrap().contains('‼'));
    let fr = s.first_response(&after, &id);
    assert_eq!(
        (fr["state"].as_str(), fr["breached"].as_bool()),
        (Some("breached"), Some(true))
    );
    assert_eq!(instant(&fr["breached_at"]), utc(&due));

    // A reply at the due instant meets the target.
    let on_time = s.ticket(T0, "Acme", "S1");
    s.ok(
        &due,
        &["ticket", "reply", &on_time, "--body", "Looking now."],
    );
    let later = at(Duration::hours(5));
    let show = s.show(&later, &on_time);
    assert_eq!(show["breached"], false);
    assert_eq!(show["first_response_state"], "met");
    assert_eq!(show["late_label"], Value::Null);
    assert!(!s.listed_breached(&later, &on_time));
    assert_eq!(s.first_response(&later, &on_time)["state"], "met");
    let report = s.report_first_response(&later, "2026-03", "Acme");
    assert_eq!(
        (report["met"].as_u64(), report["breached"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn resolving_stops_every_clock() {
    let s = acme();
    // Resolved 20 minutes in, without a reply, before its 1 h target was due.
    let quiet = s.ticket(T0, "Acme", "S1");
    s.ok(
        &at(Duration::minutes(20)),
        &["ticket", "status", &quiet, "resolved"],
    );
    // Resolved 90 minutes in, without a reply, after it was due: breached, and stays so.
    let late = s.ticket(T0, "Acme", "S1");
    s.ok(
        &at(Duration::minutes(90)),
        &["ticket", "status", &late, "resolved"],
    );

    for later in [at(Duration::hours(3)), at(Duration::days(9))] {
        let show = s.show(&later, &quiet);
        assert_eq!(show["breached"], false, "{show}");
        assert_eq!(show["first_response_state"], "stopped");
        assert_eq!(show["remaining_seconds"], Value::Null);
        assert_eq!(show["next_due"], Value::Null);
        assert!(!s.listed_breached(&later, &quiet));
        let line = s.list_line(&later, &quiet, false).unwrap();
        assert!(line.contains("resolved") && !line.contains('‼'), "{line}");
        let fr = s.first_response(&later, &quiet);
        assert_eq!(fr["state"], "stopped");
        assert_eq!(fr["stopped"], true);
        assert_eq!(fr["breached"], false);
        // Time after resolution never counts.
        assert_eq!(fr["elapsed_seconds"], 20 * 60, "{fr}");
        assert_eq!(fr["remaining_seconds"], 40 * 60);

        let show = s.show(&later, &late);
        assert_eq!(show["breached"], true);
        assert_eq!(show["first_response_state"], "breached");
        assert_eq!(show["remaining_seconds"], Value::Null);
        let fr = s.first_response(&later, &late);
        assert_eq!(fr["elapsed_seconds"], 90 * 60);
        assert_eq!(fr["stopped"], false);
        assert!(s.listed_breached(&later, &late));

        // The report: one breached, one stopped (not counted against the target).
        let report = s.report_first_response(&later, "2026-03", "Acme");
        assert_eq!(report["breached"], 1, "{report}");
        assert_eq!(report["stopped"], 1, "{report}");
        assert_eq!(report["met"], 0);
        assert_eq!(report["pending"], 0);
    }
    let text = s.ok(&at(Duration::hours(3)), &["sla", "explain", &quiet]);
    assert!(text.contains("first-response: stopped"), "{text}");
    assert!(text.contains("resolved before it was due"), "{text}");
}

#[test]
fn a_breach_survives_a_lower_severity_and_a_plan_change() {
    let s = acme();
    let id = s.ticket(T0, "Acme", "S2");
    let due = t0() + Duration::hours(2);
    // Lowered to S3 (8 h business) five minutes after it breached.
    s.ok(
        &at(Duration::minutes(125)),
        &["ticket", "severity", &id, "S3"],
    );
    let now = at(Duration::minutes(126));
    let show = s.show(&now, &id);
    assert_eq!(show["severity"], "S3");
    assert_eq!(show["breached"], true, "{show}");
    assert_eq!(show["first_response_state"], "breached");
    assert_eq!(instant(&show["first_response_due"]), due);
    assert!(s.listed_breached(&now, &id));
    let fr = s.first_response(&now, &id);
    assert_eq!(fr["state"], "breached");
    assert_eq!(instant(&fr["breached_at"]), due);

    // A more generous plan does not undo it either.
    s.ok(
        &at(Duration::minutes(130)),
        &["org", "plan", "Acme", "developer"],
    );
    let now = at(Duration::minutes(131));
    assert_eq!(s.show(&now, &id)["breached"], true);
    assert_eq!(s.first_response(&now, &id)["state"], "breached");
    assert!(s.list_line(&now, &id, false).unwrap().contains('‼'));

    // Answered afterwards: met late, counted breached.
    s.ok(
        &at(Duration::minutes(140)),
        &["ticket", "reply", &id, "--body", "On it."],
    );
    let now = at(Duration::hours(4));
    let show = s.show(&now, &id);
    assert_eq!(show["first_response_state"], "met-late");
    assert_eq!(show["late_label"], "met late +00:20");
    assert_eq!(show["breached"], true);
    let report = s.report_first_response(&now, "2026-03", "Acme");
    assert_eq!(
        (report["met"].as_u64(), report["breached"].as_u64()),
        (Some(0), Some(1))
    );
}

/// A set with a resolution target, so that pending has a clock to pause.
const PENDING_SET: &str = r#"
name = "pend"
severities = [{ name = "P1", description = "Down" }]

[plans.gold]
label = "Gold"

[plans.gold.first_response]
P1 = { hours = 1, clock = "24x7" }

[plans.gold.resolution]
P1 = { hours = 8, clock = "24x7" }
"#;

#[test]
fn pending_pauses_resolution_but_not_the_first_response() {
    let s = Sla::with_policy("pend.toml", PENDING_SET);
    s.org("Acme", "pend", "gold", "UTC");
    let id = s.ticket(T0, "Acme", "P1");
    s.ok(
        &at(Duration::minutes(10)),
        &["ticket", "status", &id, "pending"],
    );

    let now = at(Duration::minutes(30));
    let e = s.explain(&now, &id);
    assert!(
        e["pending_rule"]
            .as_str()
            .unwrap()
            .contains("never the first response"),
        "{e}"
    );
    let metric = |name: &str| {
        e["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == name)
            .cloned()
            .unwrap()
    };
    let fr = metric("first-response");
    assert_eq!(fr["state"], "running", "{e}");
    assert_eq!(fr["paused_by_pending"], false);
    assert_eq!(fr["elapsed_seconds"], 30 * 60);
    assert_eq!(instant(&fr["due"]), t0() + Duration::hours(1));
    let res = metric("resolution");
    assert_eq!(res["state"], "paused", "{e}");
    assert_eq!(res["paused_by_pending"], true);
    assert_eq!(res["elapsed_seconds"], 10 * 60);

    // The queue and the JSON count the first response down while pending.
    let show = s.show(&now, &id);
    assert_eq!(show["status"], "pending");
    assert_eq!(show["first_response_state"], "running");
    assert_eq!(show["remaining_seconds"], 30 * 60);
    let line = s.list_line(&now, &id, false).unwrap();
    assert!(
        line.contains("00:30:00") && !line.contains("paused"),
        "{line}"
    );
    let text = s.ok(&now, &["sla", "explain", &id]);
    assert!(
        text.contains(
            "pending pauses the next-response and resolution clocks, never the first response"
        ),
        "{text}"
    );
    assert!(text.contains("not paused by pending"), "{text}");
    // Still pending past the first-response due instant: breached.
    let now = at(Duration::minutes(61));
    assert_eq!(s.show(&now, &id)["breached"], true);
    assert!(s.listed_breached(&now, &id));

    // Once answered, pending shows the resolution clock paused.
    let other = s.ticket(T0, "Acme", "P1");
    s.ok(
        &at(Duration::minutes(5)),
        &["ticket", "reply", &other, "--body", "Hi"],
    );
    s.ok(
        &at(Duration::minutes(10)),
        &["ticket", "status", &other, "pending"],
    );
    let line = s
        .list_line(&at(Duration::hours(30)), &other, false)
        .unwrap();
    assert!(line.contains("paused 07:50:00"), "{line}");
    assert_eq!(s.show(&at(Duration::hours(30)), &other)["breached"], false);
}

#[test]
fn a_late_first_response_is_met_late_and_breached_everywhere() {
    let s = acme();
    let id = s.ticket(T0, "Acme", "S1");
    // Due at 1 h; answered 52 minutes later.
    s.ok(
        &at(Duration::minutes(112)),
        &["ticket", "reply", &id, "--body", "Sorry."],
    );
    let now = at(Duration::hours(3));
    let line = s.list_line(&now, &id, false).unwrap();
    assert!(
        line.contains('‼') && line.contains("met late +00:52"),
        "{line}"
    );
    assert!(!line.contains('✓'), "{line}");
    assert!(s.listed_breached(&now, &id));
    let show = s.show(&now, &id);
    assert_eq!(show["breached"], true);
    assert_eq!(show["first_response_state"], "met-late");
    assert_eq!(show["late_by_seconds"], 52 * 60);
    assert_eq!(show["late_label"], "met late +00:52");
    let fr = s.first_response(&now, &id);
    assert_eq!(fr["state"], "breached");
    assert_eq!(fr["shown_state"], "met-late");
    assert_eq!(fr["late_label"], "met late +00:52");
    assert_eq!(instant(&fr["answered_at"]), t0() + Duration::minutes(112));
    let text = s.ok(&now, &["sla", "explain", &id]);
    assert!(
        text.contains("first-response: breached (met late +00:52)"),
        "{text}"
    );
    assert!(text.contains("answered"), "{text}");
    let detail = s.ok(&now, &["ticket", "show", &id]);
    assert!(detail.contains("‼ BREACHED (met late +00:52)"), "{detail}");
    let report = s.report_first_response(&now, "2026-03", "Acme");
    assert_eq!(
        (report["met"].as_u64(), report["breached"].as_u64()),
        (Some(0), Some(1))
    );
    let text = s.ok(
        &now,
        &["report", "monthly", "--month", "2026-03", "--org", "Acme"],
    );
    assert!(text.contains("0 met, 1 breached"), "{text}");
}

/// Calendars for the DST rules (Europe/Berlin: spring forward 2026-03-29 02:00 → 03:00,
/// fall back 2026-10-25 03:00 → 02:00).
const DST_SET: &str = r#"
name = "dst"
severities = [
  { name = "A", description = "a" },
  { name = "B", description = "b" },
]

[calendars.always]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]

[calendars.fall]
sun = ["02:00-04:00"]

[calendars.spring]
sun = ["01:00-04:00"]

[calendars.sparse]
mon = ["09:00-09:01"]

[plans.always.first_response]
A = { hours = 10, clock = "business", calendar = "always" }
B = { hours = 10, clock = "24x7" }

[plans.fall.first_response]
A = { hours = 3, clock = "business", calendar = "fall" }
B = { minutes = 150, clock = "business", calendar = "fall" }

[plans.spring.first_response]
A = { hours = 2, clock = "business", calendar = "spring" }
B = { minutes = 150, clock = "business", calendar = "spring" }

[plans.sparse.first_response]
A = { hours = 5000, clock = "business", calendar = "sparse" }
B = { hours = 1, clock = "business", calendar = "sparse" }
"#;

fn sla_due(s: &Sla, plan: &str, sev: &str, opened: &str) -> Output {
    s.run(
        T0,
        &[
            "sla",
            "due",
            "--policy-set",
            "dst",
            "--plan",
            plan,
            "--severity",
            sev,
            "--tz",
            "Europe/Berlin",
            "--opened",
            opened,
        ],
    )
}

fn due_utc(s: &Sla, plan: &str, sev: &str, opened: &str) -> DateTime<Utc> {
    let out = sla_due(s, plan, sev, opened);
    utc(expect_success(&["sla", "due"], &out).trim())
}

#[test]
fn business_time_is_real_time_inside_business_hours_across_dst() {
    let s = Sla::with_policy("dst.toml", DST_SET);
    // A 00:00–24:00 every-day calendar equals 24×7, across both changes.
    for opened in ["2026-03-28T20:00:00Z", "2026-10-24T20:00:00Z"] {
        let business = due_utc(&s, "always", "A", opened);
        let wall = due_utc(&s, "always", "B", opened);
        assert_eq!(business, wall, "opened {opened}");
        assert_eq!(business, utc(opened) + Duration::hours(10));
    }
    // Fall back: Sunday 02:00–04:00 local is three real hours (02:00–03:00 twice).
    let opened = "2026-10-24T12:00:00Z";
    assert_eq!(
        due_utc(&s, "fall", "A", opened),
        utc("2026-10-25T03:00:00Z")
    );
    assert_eq!(
        due_utc(&s, "fall", "B", opened),
        utc("2026-10-25T02:30:00Z")
    );
    // Spring forward: Sunday 01:00–04:00 local is two real hours (02:00–03:00 is skipped),
    // so 2 h are due at 04:00 CEST and 2 h 30 only the next Sunday, 01:30 CEST.
    let opened = "2026-03-28T12:00:00Z";
    assert_eq!(
        due_utc(&s, "spring", "A", opened),
        utc("2026-03-29T02:00:00Z")
    );
    assert_eq!(
        due_utc(&s, "spring", "B", opened),
        utc("2026-04-04T23:30:00Z")
    );

    // The same on a ticket, in sla explain.
    s.org("Acme", "dst", "fall", "Europe/Berlin");
    let id = s.ticket("2026-10-24T12:00:00Z", "Acme", "A");
    let fr = s.first_response("2026-10-25T02:00:00Z", &id);
    assert_eq!(instant(&fr["due"]), utc("2026-10-25T03:00:00Z"));
    // 00:00Z (02:00 CEST) to 02:00Z (03:00 CET): both 02:00 hours counted.
    assert_eq!(fr["elapsed_seconds"], 2 * 3600, "{fr}");
}

#[test]
fn a_due_instant_too_far_away_is_refused_in_one_line() {
    let s = Sla::with_policy("dst.toml", DST_SET);
    let args = ["sla", "due"];
    let out = sla_due(&s, "sparse", "A", "2026-03-02T00:00:00Z");
    let stderr = expect_refusal(&args, &out, 1, &["more than 100 years away"]);
    assert!(!stderr.contains("262142"), "{stderr}");
    // One minute a week: one hour is 60 Mondays away (the 60th Monday's 09:01 CEST), printed.
    assert_eq!(
        due_utc(&s, "sparse", "B", "2026-03-02T00:00:00Z"),
        utc("2027-04-19T07:01:00Z")
    );
    // A ticket on such a target: no due instant anywhere, the reason in sla explain.
    s.org("Acme", "dst", "sparse", "Europe/Berlin");
    let id = s.ticket(T0, "Acme", "A");
    let show = s.show(T0, &id);
    assert_eq!(show["first_response_due"], Value::Null, "{show}");
    assert_eq!(show["breached"], false);
    assert_eq!(show["first_response_state"], "not-applicable");
    let fr = s.first_response(T0, &id);
    assert!(
        fr["error"]
            .as_str()
            .unwrap()
            .contains("more than 100 years away"),
        "{fr}"
    );
    let text = s.ok(T0, &["sla", "explain", &id]);
    assert!(
        text.contains("error     the due instant is more than 100 years away"),
        "{text}"
    );
    assert!(!text.contains("262142"), "{text}");
}

/// A desk with history an export must carry: a late first response, a reopened ticket, a
/// breach kept through a lower severity, and an organization downgraded to Basic (no
/// technical tickets) with technical tickets open. Returns the desk and the ticket ids.
fn history() -> (Sla, Vec<String>) {
    let s = acme();
    let ids: Vec<String> = ["S1", "S2", "S3", "S2"]
        .iter()
        .map(|sev| s.ticket(T0, "Acme", sev))
        .collect();
    let step = |min: i64, args: &[&str]| {
        s.ok(&at(Duration::minutes(min)), args);
    };
    step(10, &["ticket", "status", &ids[1], "pending"]);
    step(20, &["ticket", "status", &ids[1], "resolved"]);
    step(30, &["ticket", "status", &ids[1], "open"]);
    step(70, &["ticket", "reply", &ids[0], "--body", "Late."]);
    // Breached at 2 h, then lowered to S3: the breach is on record.
    step(125, &["ticket", "severity", &ids[3], "S3"]);
    step(130, &["org", "plan", "Acme", "basic"]);
    (s, ids)
}

/// Exports `s` and imports the file into a fresh desk.
fn round_trip(s: &Sla, now: &str) -> (String, Sla) {
    let first = s.ok(now, &["export"]);
    let file = s.desk.path("export.jsonl");
    std::fs::write(&file, &first).unwrap();
    let other = Sla::new();
    other.ok(now, &["import", file.to_str().unwrap()]);
    (first, other)
}

#[test]
fn export_import_export_is_identical_and_history_imports() {
    let (s, ids) = history();
    let now = at(Duration::hours(3));
    let (first, other) = round_trip(&s, &now);
    assert!(first.contains("\"basic\""), "{first}");
    let second = other.ok(&now, &["export"]);
    assert_eq!(first, second, "export → import → export changed the data");
    for id in &ids {
        assert_eq!(other.show(&now, id)["kind"], "technical");
    }
}

#[test]
fn imported_history_keeps_its_recorded_breaches() {
    let (s, ids) = history();
    let now = at(Duration::hours(3));
    let (_, other) = round_trip(&s, &now);
    for id in &ids {
        let (a, b) = (s.show(&now, id), other.show(&now, id));
        for key in ["breached", "first_response_state", "first_response_due"] {
            assert_eq!(a[key], b[key], "#{id} {key}: {a} vs {b}");
        }
    }
}

#[test]
fn the_queue_and_the_sla_pane_count_down_the_same_quantity() {
    // Developer S2: 8 business hours, Monday–Friday 09:00–18:00 in Berlin. Opened Friday
    // 17:30 local: half an hour on Friday, 7½ on Monday, due Monday 16:30 local (15:30Z).
    let s = Sla::new();
    s.org("Acme", "connected-care", "developer", "Europe/Berlin");
    let id = s.ticket(T0, "Acme", "S2");
    let now = at(Duration::minutes(20));
    let due = utc("2026-03-09T15:30:00Z");
    let show = s.show(&now, &id);
    assert_eq!(instant(&show["first_response_due"]), due);
    // The queue's time left (and the JSON's) is wall time to the due instant …
    let wall = (due - (t0() + Duration::minutes(20))).num_seconds();
    assert_eq!(show["remaining_seconds"], wall);
    let line = s.list_line(&now, &id, false).unwrap();
    assert!(
        line.contains(&tuidesk::domain::format_countdown(wall)),
        "{line}"
    );
    // … while the business time left is what sla explain calls remaining: 7 h 40.
    let fr = s.first_response(&now, &id);
    assert_eq!(instant(&fr["due"]), due);
    assert_eq!(fr["remaining_seconds"], 7 * 3600 + 40 * 60);
}
