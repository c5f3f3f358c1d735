//! Service orders, linked accounts, plan changes and the monthly report through the real
//! binary, at and just past every boundary. The clock is pinned with `TUIDESK_NOW`; every
//! refusal must exit 1 with one `tuidesk: error:` line naming the rule, and leave the
//! database unchanged: the export (orgs, plan history, links, tickets, orders, ratings,
//! deliverables) *and* the `order list --json` / `org list --json` / `ticket list --all --json`
//! views are compared before and after.

mod common;

use common::*;
use serde_json::Value;

/// Monday 2026-11-23, 10:00 in Shanghai (02:00 UTC).
const N: &str = "2026-11-23T02:00:00Z";
const SH: &str = "Asia/Shanghai";

// ---------------------------------------------------------------------------------------
// Helpers

fn snapshot(d: &Desk, now: &str) -> [String; 4] {
    if !d.exists() {
        // What an empty database shows (read-only commands refuse a missing one).
        let empty = "[]\n".to_string();
        return [String::new(), empty.clone(), empty.clone(), empty];
    }
    [
        d.export(),
        d.ok_at(now, &["order", "list", "--json"]),
        d.ok_at(now, &["org", "list", "--json"]),
        d.ok_at(now, &["ticket", "list", "--all", "--json"]),
    ]
}

/// A refusal at `now`: exit `code`, every fragment in the one error line, nothing changed.
fn refuse_code(d: &Desk, now: &str, args: &[&str], code: i32, fragments: &[&str]) -> String {
    let before = snapshot(d, now);
    let out = d.run_at(now, args);
    let stderr = expect_refusal(args, &out, code, fragments);
    assert_eq!(
        before,
        snapshot(d, now),
        "the refused command {args:?} changed something"
    );
    stderr
}

fn refuse(d: &Desk, now: &str, args: &[&str], fragments: &[&str]) -> String {
    refuse_code(d, now, args, 1, fragments)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn add_org(d: &Desk, now: &str, name: &str, set: &str, plan: &str, tz: &str) {
    d.ok_at(
        now,
        &[
            "org",
            "add",
            name,
            "--policy-set",
            set,
            "--plan",
            plan,
            "--tz",
            tz,
        ],
    );
}

fn ctyun(d: &Desk, name: &str, plan: &str) {
    add_org(d, N, name, "ctyun", plan, SH);
}

fn ea(org: &str, level: &str, start: &str, end: &str) -> Vec<String> {
    owned(&[
        "order",
        "new",
        "--org",
        org,
        "--kind",
        "event-assurance",
        "--level",
        level,
        "--start",
        start,
        "--end",
        end,
    ])
}

fn ac(org: &str, scenario: &str) -> Vec<String> {
    owned(&[
        "order",
        "new",
        "--org",
        org,
        "--kind",
        "availability-check",
        "--scenario",
        scenario,
    ])
}

fn mr(org: &str, month: &str) -> Vec<String> {
    owned(&[
        "order",
        "new",
        "--org",
        org,
        "--kind",
        "monthly-report",
        "--month",
        month,
    ])
}

/// Places an order at `now`; returns its id.
fn place_at(d: &Desk, now: &str, args: &[String]) -> i64 {
    d.ok_at(now, &strs(args))
        .trim()
        .parse()
        .expect("order new prints the id")
}

fn place(d: &Desk, args: &[String]) -> i64 {
    place_at(d, N, args)
}

fn refuse_order(d: &Desk, args: &[String], fragments: &[&str]) {
    refuse(d, N, &strs(args), fragments);
}

fn show(d: &Desk, id: i64) -> Value {
    d.json_at(N, &["order", "show", &id.to_string(), "--json"])
}

fn order_count(d: &Desk) -> usize {
    d.json_at(N, &["order", "list", "--json"])
        .as_array()
        .expect("an array")
        .len()
}

fn ticket_at(d: &Desk, at: &str, org: &str, sev: &str, summary: &str) -> i64 {
    d.new_ticket_at(at, org, sev, summary, &[])
}

fn ticket_json(d: &Desk, id: i64) -> Value {
    d.json_at(N, &["ticket", "show", &id.to_string(), "--json"])
}

fn due(d: &Desk, id: i64) -> String {
    ticket_json(d, id)["first_response_due"]
        .as_str()
        .expect("a first-response due instant")
        .to_string()
}

fn queue(d: &Desk, now: &str) -> Vec<i64> {
    d.json_at(now, &["ticket", "list", "--sort", "due", "--json"])
        .as_array()
        .expect("an array")
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

fn run_with_stdin(d: &Desk, now: &str, args: &[&str], stdin: &str) -> std::process::Output {
    d.cmd_at(now, args)
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .expect("tuidesk runs")
}

fn id(n: i64) -> String {
    n.to_string()
}

// ---------------------------------------------------------------------------------------
// Event assurance

#[test]
fn event_assurance_notice_is_counted_in_org_local_days_at_each_level() {
    let d = Desk::new();
    // (level, exact notice start, a day less, notice text, days away when one short)
    for (level, start, short, notice, away) in [
        (
            "1",
            "2026-12-07",
            "2026-12-06",
            "14 days' notice",
            "13 days away",
        ),
        (
            "2",
            "2026-11-30",
            "2026-11-29",
            "7 days' notice",
            "6 days away",
        ),
        (
            "3",
            "2026-11-28",
            "2026-11-27",
            "5 days' notice",
            "4 days away",
        ),
    ] {
        // One organization per level so the Enterprise quota (4 a year) never interferes.
        let org = format!("Ent{level}");
        ctyun(&d, &org, "enterprise");
        refuse_order(
            &d,
            &ea(&org, level, short, short),
            &[
                &format!("level {level} event assurance needs {notice}"),
                &format!("{short} is {away}"),
                "today is 2026-11-23 in Asia/Shanghai",
            ],
        );
        let n = place(&d, &ea(&org, level, start, start));
        let v = show(&d, n);
        assert_eq!(v["status"], "processing");
        assert_eq!(v["kind"], "event-assurance");
        assert_eq!(v["level"], level.parse::<i64>().unwrap());
        assert_eq!(
            (v["start"].as_str(), v["end"].as_str()),
            (Some(start), Some(start))
        );
        // Due at the first day's local midnight.
        assert_eq!(v["due"], format!("{start}T00:00:00+08:00"));
        assert_eq!(v["requested_on"], "2026-11-23");
    }
    // A start in the past says so.
    refuse_order(
        &d,
        &ea("Ent3", "3", "2026-11-20", "2026-11-20"),
        &["2026-11-20 was 3 days ago"],
    );
    assert_eq!(order_count(&d), 3);

    // "Today" is the organization's: at 16:30 UTC it is already 2026-11-24 in Shanghai
    // (13 days before 2026-12-07) but still 2026-11-23 in Berlin (14 days).
    let late = "2026-11-23T16:30:00Z";
    add_org(&d, N, "Sh", "ctyun", "enterprise", SH);
    add_org(&d, N, "Be", "ctyun", "enterprise", "Europe/Berlin");
    refuse(
        &d,
        late,
        &strs(&ea("Sh", "1", "2026-12-07", "2026-12-07")),
        &[
            "needs 14 days' notice",
            "today is 2026-11-24 in Asia/Shanghai",
        ],
    );
    let b = place_at(&d, late, &ea("Be", "1", "2026-12-07", "2026-12-07"));
    assert_eq!(show(&d, b)["due"], "2026-12-07T00:00:00+01:00");
}

#[test]
fn event_assurance_length_counts_end_inclusively() {
    let d = Desk::new();
    // (level, start, last allowed end, one day too long, max, too-long length)
    for (level, start, end, long, max, len) in [
        (
            "1",
            "2026-12-07",
            "2026-12-09",
            "2026-12-10",
            "3 days",
            "4 days",
        ),
        (
            "2",
            "2026-11-30",
            "2026-12-04",
            "2026-12-05",
            "5 days",
            "6 days",
        ),
        (
            "3",
            "2026-11-28",
            "2026-12-07",
            "2026-12-08",
            "10 days",
            "11 days",
        ),
    ] {
        let org = format!("Ent{level}");
        ctyun(&d, &org, "enterprise");
        refuse_order(
            &d,
            &ea(&org, level, start, long),
            &[
                &format!("level {level} event assurance lasts at most {max}"),
                &format!("{start}..{long} is {len} (--end is inclusive)"),
            ],
        );
        let n = place(&d, &ea(&org, level, start, end));
        assert_eq!(show(&d, n)["end"], end);
    }
    refuse_order(
        &d,
        &ea("Ent1", "1", "2026-12-08", "2026-12-07"),
        &["--end 2026-12-07 is before --start 2026-12-08"],
    );
    assert_eq!(order_count(&d), 3);
}

#[test]
fn event_assurance_plans_levels_and_quotas() {
    let d = Desk::new();
    for (name, plan) in [
        ("Std", "standard"),
        ("Lite", "lightweight"),
        ("Biz", "business"),
        ("Ent", "enterprise"),
    ] {
        ctyun(&d, name, plan);
    }
    refuse_order(
        &d,
        &ea("Std", "3", "2026-12-01", "2026-12-01"),
        &["the Standard plan includes no event assurance"],
    );
    for level in ["1", "2"] {
        refuse_order(
            &d,
            &ea("Lite", level, "2026-12-10", "2026-12-10"),
            &[&format!(
                "the Lightweight plan allows level 3 event assurance only; level {level} was requested"
            )],
        );
    }
    refuse_order(
        &d,
        &ea("Biz", "1", "2026-12-10", "2026-12-10"),
        &["the Business plan allows level 3 event assurance only"],
    );
    refuse_order(
        &d,
        &ea("Ent", "4", "2026-12-10", "2026-12-10"),
        &["the Enterprise plan allows level 1, 2 or 3 event assurance only; level 4"],
    );

    // Lightweight: 1 level-3 a year. The last one is accepted, one more refused.
    let lite = place(&d, &ea("Lite", "3", "2026-12-01", "2026-12-02"));
    let lite_full = [
        "the Lightweight plan includes 1 event assurance per calendar year",
        "2026 already has 1 (rejected orders do not count)",
    ];
    refuse_order(&d, &ea("Lite", "3", "2026-12-10", "2026-12-10"), &lite_full);
    // A rejected order gives its quota back; a completed one keeps it.
    d.ok_at(N, &["order", "reject", &id(lite), "--reason", "moved"]);
    let again = place(&d, &ea("Lite", "3", "2026-12-10", "2026-12-10"));
    d.ok_at(N, &["order", "complete", &id(again)]);
    refuse_order(&d, &ea("Lite", "3", "2026-12-20", "2026-12-20"), &lite_full);

    // Business: four level-3 orders; the fifth is refused.
    for day in ["01", "02", "03", "04"] {
        let date = format!("2026-12-{day}");
        place(&d, &ea("Biz", "3", &date, &date));
    }
    refuse_order(
        &d,
        &ea("Biz", "3", "2026-12-31", "2026-12-31"),
        &[
            "the Business plan includes 4 event assurances per calendar year",
            "2026 already has 4",
        ],
    );

    // Enterprise: four of any level mixed; the fifth of any level is refused.
    place(&d, &ea("Ent", "1", "2026-12-07", "2026-12-07"));
    place(&d, &ea("Ent", "2", "2026-12-08", "2026-12-08"));
    place(&d, &ea("Ent", "3", "2026-12-09", "2026-12-09"));
    place(&d, &ea("Ent", "1", "2026-12-10", "2026-12-10"));
    for level in ["1", "2", "3"] {
        refuse_order(
            &d,
            &ea("Ent", level, "2026-12-20", "2026-12-20"),
            &["the Enterprise plan includes 4 event assurances per calendar year"],
        );
    }
    // 2027 is a new quota period for both.
    place(&d, &ea("Biz", "3", "2027-01-01", "2027-01-01"));
    place(&d, &ea("Ent", "2", "2027-01-01", "2027-01-01"));
    assert_eq!(order_count(&d), 2 + 4 + 4 + 2);
}

#[test]
fn event_assurance_quota_year_is_the_first_days_year() {
    let d = Desk::new();
    ctyun(&d, "Lite", "lightweight");
    // Requested in 2026, running 2026-12-30..2027-01-02 (4 days): it is 2026's order.
    place(&d, &ea("Lite", "3", "2026-12-30", "2027-01-02"));
    refuse_order(
        &d,
        &ea("Lite", "3", "2026-12-31", "2026-12-31"),
        &["2026 already has 1"],
    );
    // An order requested in 2026 for an event starting in 2027 uses 2027's quota.
    place(&d, &ea("Lite", "3", "2027-01-04", "2027-01-05"));
    refuse_order(
        &d,
        &ea("Lite", "3", "2027-03-01", "2027-03-01"),
        &[
            "includes 1 event assurance per calendar year",
            "2027 already has 1",
        ],
    );
    assert_eq!(order_count(&d), 2);
}

#[test]
fn flags_that_do_not_belong_to_the_kind_are_refused() {
    let d = Desk::new();
    ctyun(&d, "Ent", "enterprise");
    let with = |base: Vec<String>, extra: &[&str]| {
        let mut v = base;
        v.extend(owned(extra));
        v
    };
    let ea_ok = ea("Ent", "3", "2026-12-01", "2026-12-01");
    for (args, msg) in [
        (
            with(ea_ok.clone(), &["--scenario", "annual"]),
            "--scenario applies to availability-check orders only",
        ),
        (
            with(ea_ok.clone(), &["--month", "2026-11"]),
            "--month applies to monthly-report orders only",
        ),
        (
            with(ac("Ent", "annual"), &["--level", "3"]),
            "--level applies to event-assurance orders only",
        ),
        (
            with(ac("Ent", "annual"), &["--start", "2026-12-01"]),
            "--start applies to event-assurance orders only",
        ),
        (
            with(ac("Ent", "annual"), &["--end", "2026-12-01"]),
            "--end applies to event-assurance orders only",
        ),
        (
            with(ac("Ent", "annual"), &["--month", "2026-11"]),
            "--month applies to monthly-report orders only",
        ),
        (
            with(mr("Ent", "2026-11"), &["--scenario", "annual"]),
            "--scenario applies to availability-check orders only",
        ),
        (
            with(mr("Ent", "2026-11"), &["--end", "2026-12-01"]),
            "--end applies to event-assurance orders only",
        ),
        (
            owned(&[
                "order",
                "new",
                "--org",
                "Ent",
                "--kind",
                "event-assurance",
                "--level",
                "3",
                "--start",
                "2026-12-01",
            ]),
            "event assurance needs --level, --start and --end (missing: --end)",
        ),
        (
            owned(&[
                "order",
                "new",
                "--org",
                "Ent",
                "--kind",
                "availability-check",
            ]),
            "an availability check needs --scenario",
        ),
        (
            owned(&["order", "new", "--org", "Ent", "--kind", "monthly-report"]),
            "a monthly report needs --month",
        ),
    ] {
        refuse_order(&d, &args, &[msg]);
    }
    assert_eq!(order_count(&d), 0);
    // The same orders without the stray flags are fine.
    place(&d, &ea_ok);
    place(&d, &ac("Ent", "annual"));
    place(&d, &mr("Ent", "2026-11"));
}

// ---------------------------------------------------------------------------------------
// Availability checks

#[test]
fn availability_check_scenarios_per_plan() {
    let d = Desk::new();
    let all = ["joining", "major-event", "major-change", "annual"];
    for (name, plan, allowed, refusal) in [
        (
            "Std",
            "standard",
            &[][..],
            "the Standard plan includes no availability checks",
        ),
        (
            "Lite",
            "lightweight",
            &["joining"][..],
            "the Lightweight plan's availability checks cover: joining; not ",
        ),
        (
            "Biz",
            "business",
            &["joining", "major-event", "major-change"][..],
            "the Business plan's availability checks cover: joining, major-event, major-change; not annual",
        ),
        ("Ent", "enterprise", &all[..], ""),
    ] {
        ctyun(&d, name, plan);
        for s in all {
            if allowed.contains(&s) {
                let n = place(&d, &ac(name, s));
                let v = show(&d, n);
                assert_eq!(v["scenario"], s);
                assert_eq!(
                    v["due"],
                    Value::Null,
                    "availability checks have no due date"
                );
            } else {
                refuse_order(&d, &ac(name, s), &[refusal]);
            }
        }
    }
    assert_eq!(order_count(&d), 1 + 3 + 4);

    // Joining once per plan, annual once per calendar year; major events and changes repeat.
    refuse_order(
        &d,
        &ac("Lite", "joining"),
        &["a joining availability check is done once per plan: Lite already has one"],
    );
    place(&d, &ac("Biz", "major-event"));
    place(&d, &ac("Biz", "major-change"));
    refuse_order(
        &d,
        &ac("Ent", "annual"),
        &[
            "an annual availability check is done once per calendar year: Ent already has one for 2026",
        ],
    );
    place_at(&d, "2027-01-04T02:00:00Z", &ac("Ent", "annual"));
    // Rejecting the joining check frees it; so does a new plan (a new joining).
    let lite_join = d.json_at(N, &["order", "list", "--org", "Lite", "--json"])[0]["id"]
        .as_i64()
        .unwrap();
    d.ok_at(
        N,
        &["order", "reject", &id(lite_join), "--reason", "too early"],
    );
    let j = place(&d, &ac("Lite", "joining"));
    d.ok_at(N, &["order", "complete", &id(j)]);
    refuse_order(&d, &ac("Lite", "joining"), &["once per plan"]);
    d.ok_at("2026-11-24T02:00:00Z", &["org", "plan", "Lite", "business"]);
    place_at(&d, "2026-11-24T02:00:00Z", &ac("Lite", "joining"));
}

// ---------------------------------------------------------------------------------------
// Monthly reports

#[test]
fn monthly_report_enterprise_only_from_the_joining_month() {
    let d = Desk::new();
    ctyun(&d, "Biz", "business");
    ctyun(&d, "Lite", "lightweight");
    refuse_order(
        &d,
        &mr("Biz", "2026-11"),
        &["monthly service reports come with the Enterprise plan only; Biz is on Business"],
    );
    refuse_order(
        &d,
        &mr("Lite", "2026-11"),
        &["monthly service reports come with the Enterprise plan only; Lite is on Lightweight"],
    );

    // Business since March, Enterprise from 2026-09-15 10:00 Shanghai.
    add_org(&d, "2026-03-10T02:00:00Z", "Up", "ctyun", "business", SH);
    d.ok_at(
        "2026-09-15T02:00:00Z",
        &["--as", "ops.lead", "org", "plan", "Up", "enterprise"],
    );
    let v = d.json_at(N, &["org", "show", "Up", "--json"]);
    assert_eq!(v["plan"], "enterprise");
    assert_eq!(v["plan_since"], "2026-09-15T02:00:00+00:00");
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["field"], "plan");
    assert_eq!(last["old"], "business");
    assert_eq!(last["new"], "enterprise");
    assert_eq!(last["actor"], as_name("ops.lead").as_str());

    refuse_order(
        &d,
        &mr("Up", "2026-08"),
        &[
            "the first monthly report covers 2026-09, the month Up joined the Enterprise plan; 2026-08 is earlier",
        ],
    );
    // September's report is due before the 15th working day of October 2026 (cn-2026):
    // Oct 1–7 National Day; working days Thu 8 (1), Fri 9 (2), Sat 10 make-up (3),
    // Mon 12–Fri 16 (4–8), Mon 19–Fri 23 (9–13), Mon 26 (14), Tue 27 (15).
    let sep = place(&d, &mr("Up", "2026-09"));
    let v = show(&d, sep);
    assert_eq!(v["month"], "2026-09");
    assert_eq!(v["due"], "2026-10-27T00:00:00+08:00");
    refuse_order(
        &d,
        &mr("Up", "2026-09"),
        &["Up already has a monthly report for 2026-09 (processing, requested 2026-11-23)"],
    );
    refuse_order(
        &d,
        &mr("Up", "2026-12"),
        &["2026-12 has not started yet (today is 2026-11-23 in Asia/Shanghai)"],
    );
    // A completed report still blocks its month; a rejected one frees it.
    d.ok_at(N, &["order", "complete", &id(sep)]);
    refuse_order(
        &d,
        &mr("Up", "2026-09"),
        &["already has a monthly report for 2026-09 (completed"],
    );
    let oct = place(&d, &mr("Up", "2026-10"));
    d.ok_at(
        N,
        &["order", "reject", &id(oct), "--reason", "sent by mail"],
    );
    place(&d, &mr("Up", "2026-10"));

    // The joining month is the org-local one: 2026-08-31 17:00 UTC is already
    // 2026-09-01 01:00 in Shanghai, so August is refused and September is the first.
    add_org(&d, "2026-03-10T02:00:00Z", "Edge", "ctyun", "business", SH);
    d.ok_at(
        "2026-08-31T17:00:00Z",
        &["org", "plan", "Edge", "enterprise"],
    );
    refuse_order(
        &d,
        &mr("Edge", "2026-08"),
        &["the first monthly report covers 2026-09"],
    );
    place(&d, &mr("Edge", "2026-09"));
}

#[test]
fn monthly_report_due_dates_follow_the_cn_2026_calendar() {
    let d = Desk::new();
    add_org(&d, "2026-01-05T02:00:00Z", "Ent", "ctyun", "enterprise", SH);
    refuse_order(
        &d,
        &mr("Ent", "2025-12"),
        &["the first monthly report covers 2026-01"],
    );
    // (month, due) worked out by hand:
    // * 2026-01 → February: Mon 2–Fri 6 (1–5), 9–13 (6–10), Sat 14 make-up (11),
    //   15–23 Spring Festival, Tue 24 (12), Wed 25 (13), Thu 26 (14), Fri 27 (15).
    // * 2026-04 → May: May 1–5 Labour Day, Wed 6 (1), Thu 7 (2), Fri 8 (3),
    //   Sat 9 make-up (4), 11–15 (5–9), 18–22 (10–14), Mon 25 (15).
    // * 2026-11 → December (no holidays): Tue 1–Fri 4 (1–4), 7–11 (5–9), 14–18 (10–14),
    //   Mon 21 (15).
    for (month, due) in [
        ("2026-01", "2026-02-27T00:00:00+08:00"),
        ("2026-04", "2026-05-25T00:00:00+08:00"),
        ("2026-11", "2026-12-21T00:00:00+08:00"),
    ] {
        let out = d.run_at(N, &strs(&mr("Ent", month)));
        let n: i64 = expect_success(&["order", "new"], &out)
            .trim()
            .parse()
            .unwrap();
        assert!(
            out.stderr.is_empty(),
            "no warning for {month}: {}",
            text(&out.stderr)
        );
        assert_eq!(show(&d, n)["due"], due, "report for {month}");
    }
    // December's report is due in January 2027, which the 2026 calendar does not cover:
    // accepted with a warning, counting Mon–Fri only: Fri 1 (1), 4–8 (2–6), 11–15 (7–11),
    // Mon 18–Thu 21 (12–15).
    let dec_now = "2026-12-05T02:00:00Z";
    let out = d.run_at(dec_now, &strs(&mr("Ent", "2026-12")));
    let n: i64 = expect_success(&["order", "new"], &out)
        .trim()
        .parse()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "tuidesk: warning: calendar cn covers 2026 only; 2027's holidays are not known"
        ),
        "{stderr}"
    );
    assert_eq!(show(&d, n)["due"], "2027-01-21T00:00:00+08:00");
}

// ---------------------------------------------------------------------------------------
// Status changes and deliverables

#[test]
fn complete_and_reject_record_when_and_why_and_happen_once() {
    let d = Desk::new();
    ctyun(&d, "Ent", "enterprise");
    let a = place(&d, &ac("Ent", "major-event"));
    let b = place(&d, &ac("Ent", "major-change"));

    let done_at = "2026-11-24T09:15:00Z";
    let out = d.ok_at(done_at, &["--as", "wang.wei", "order", "complete", &id(a)]);
    assert_eq!(out.trim(), format!("order {a} completed"));
    let v = show(&d, a);
    assert_eq!(v["status"], "completed");
    assert_eq!(v["completed_at"], "2026-11-24T09:15:00+00:00");
    assert_eq!(v["rejected_at"], Value::Null);
    let last = v["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["actor"].as_str(),
            last["old"].as_str(),
            last["new"].as_str()
        ),
        (
            Some(as_name("wang.wei").as_str()),
            Some("processing"),
            Some("completed")
        )
    );
    refuse(
        &d,
        N,
        &["order", "complete", &id(a)],
        &["the order is already completed"],
    );
    refuse(
        &d,
        N,
        &["order", "reject", &id(a), "--reason", "late"],
        &["a completed order cannot be rejected"],
    );

    // A rejection needs a reason: the flag (usage error, exit 2) and something in it.
    refuse_code(&d, N, &["order", "reject", &id(b)], 2, &["--reason"]);
    for blank in ["", "   ", "\t \n"] {
        refuse(
            &d,
            N,
            &["order", "reject", &id(b), "--reason", blank],
            &["a rejection needs a reason (--reason)"],
        );
    }
    d.ok_at(
        done_at,
        &["order", "reject", &id(b), "--reason", "  客户取消了活动  "],
    );
    let v = show(&d, b);
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["reject_reason"], "客户取消了活动");
    assert_eq!(v["rejected_at"], "2026-11-24T09:15:00+00:00");
    assert_eq!(v["completed_at"], Value::Null);
    refuse(
        &d,
        N,
        &["order", "reject", &id(b), "--reason", "again"],
        &["the order is already rejected"],
    );
    refuse(
        &d,
        N,
        &["order", "complete", &id(b)],
        &["a rejected order cannot be completed"],
    );
    refuse(
        &d,
        N,
        &["order", "complete", "9999"],
        &["no order \"9999\""],
    );
}

#[test]
fn deliverables_round_trip_byte_for_byte_and_never_overwrite() {
    let d = Desk::new();
    ctyun(&d, "Ent", "enterprise");
    let a = place(&d, &ac("Ent", "major-event"));
    // Every byte value, a NUL run, invalid UTF-8 and CRLF.
    let mut bin: Vec<u8> = (0..=255u8).collect();
    bin.extend_from_slice(&[0, 0, 0, 0xff, 0xfe, 0xc3, 0x28, b'\r', b'\n']);
    bin.extend((0..=255u8).rev());
    let src = d.path("检查报告.bin");
    std::fs::write(&src, &bin).unwrap();
    let src_s = src.to_str().unwrap();

    refuse(
        &d,
        N,
        &["order", "complete", &id(a), "--attach", "/no/such/file.pdf"],
        &["/no/such/file.pdf"],
    );
    assert_eq!(show(&d, a)["status"], "processing");
    let out = d.ok_at(N, &["order", "complete", &id(a), "--attach", src_s]);
    assert_eq!(out.trim(), format!("order {a} completed with 检查报告.bin"));
    let v = show(&d, a);
    assert_eq!(v["attachments"][0]["name"], "检查报告.bin");
    assert_eq!(v["attachments"][0]["size"], bin.len());

    // To a file.
    let back = d.path("back.bin");
    let back_s = back.to_str().unwrap();
    d.ok_at(
        N,
        &[
            "order",
            "attachment",
            &id(a),
            "检查报告.bin",
            "--out",
            back_s,
        ],
    );
    assert_eq!(std::fs::read(&back).unwrap(), bin);
    // To standard output.
    let out = d.run_at(
        N,
        &["order", "attachment", &id(a), "检查报告.bin", "--out", "-"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, bin);

    // An existing --out file is refused and left as it was.
    std::fs::write(&back, b"mine").unwrap();
    refuse(
        &d,
        N,
        &[
            "order",
            "attachment",
            &id(a),
            "检查报告.bin",
            "--out",
            back_s,
        ],
        &["already exists; choose another --out path"],
    );
    assert_eq!(std::fs::read(&back).unwrap(), b"mine");
    // A directory is not written into either.
    refuse(
        &d,
        N,
        &[
            "order",
            "attachment",
            &id(a),
            "检查报告.bin",
            "--out",
            d.dir.path().to_str().unwrap(),
        ],
        &["already exists"],
    );
    refuse(
        &d,
        N,
        &[
            "order",
            "attachment",
            &id(a),
            "nope.pdf",
            "--out",
            d.path("x").to_str().unwrap(),
        ],
        &["no attachment \"nope.pdf (order "],
    );
    assert!(!d.path("x").exists());

    // Regression: writing report.pdf used to go through report.partial (the extension
    // replaced), clobbering and then renaming away an unrelated file of that name.
    let neighbour = d.path("copy.partial");
    std::fs::write(&neighbour, b"someone else's file").unwrap();
    let copy = d.path("copy.bin");
    d.ok_at(
        N,
        &[
            "order",
            "attachment",
            &id(a),
            "检查报告.bin",
            "--out",
            copy.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&copy).unwrap(), bin);
    assert_eq!(std::fs::read(&neighbour).unwrap(), b"someone else's file");
}

#[test]
fn attach_report_stores_the_months_report_with_a_monthly_report_order() {
    let d = Desk::new();
    add_org(&d, "2026-10-01T02:00:00Z", "Ent", "ctyun", "enterprise", SH);
    let t = ticket_at(
        &d,
        "2026-11-02T02:00:00Z",
        "Ent",
        "urgent",
        "数据库连接超时",
    );
    d.ok_at(
        "2026-11-02T02:05:00Z",
        &["ticket", "reply", &id(t), "--body", "在查"],
    );
    let check = place(&d, &ac("Ent", "major-event"));
    refuse(
        &d,
        N,
        &["order", "complete", &id(check), "--attach-report"],
        &["only monthly-report orders carry the monthly report; order"],
    );
    let m = place(&d, &mr("Ent", "2026-10"));
    let nov = place(&d, &mr("Ent", "2026-11"));
    d.ok_at(N, &["order", "complete", &id(m), "--attach-report"]);
    // November has not ended at N: its report would be partial.
    refuse(
        &d,
        N,
        &["order", "complete", &id(nov), "--attach-report"],
        &[
            "the report for 2026-11 would be partial",
            "2026-12-01 00:00",
        ],
    );
    let out = d.ok_at(
        "2026-12-01T02:00:00Z",
        &["order", "complete", &id(nov), "--attach-report"],
    );
    assert!(
        out.contains("report-2026-11.txt") && out.contains("report-2026-11.json"),
        "{out}"
    );
    let names: Vec<String> = show(&d, nov)["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["report-2026-11.json", "report-2026-11.txt"]);
    // The stored JSON is the month's report for this organization.
    let raw = d.run_at(
        N,
        &[
            "order",
            "attachment",
            &id(nov),
            "report-2026-11.json",
            "--out",
            "-",
        ],
    );
    let rep: Value = serde_json::from_slice(&raw.stdout).expect("the stored report is JSON");
    assert_eq!(rep["month"], "2026-11");
    assert_eq!(rep["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(rep["orgs"][0]["org"], "Ent");
    assert_eq!(rep["orgs"][0]["opened"], 1);
    assert_eq!(rep["orgs"][0]["first_response"]["met"], 1);
    let txt = d.run_at(
        N,
        &[
            "order",
            "attachment",
            &id(nov),
            "report-2026-11.txt",
            "--out",
            "-",
        ],
    );
    let txt = text(&txt.stdout);
    assert!(txt.starts_with("Monthly service report 2026-11"), "{txt}");
    assert!(txt.contains("数据库连接超时"), "{txt}");
    // October's report has no tickets but is still stored.
    let oct = d.run_at(
        N,
        &[
            "order",
            "attachment",
            &id(m),
            "report-2026-10.json",
            "--out",
            "-",
        ],
    );
    let oct: Value = serde_json::from_slice(&oct.stdout).unwrap();
    assert_eq!(oct["orgs"][0]["opened"], 0);
}

// ---------------------------------------------------------------------------------------
// Ratings

fn rate(id: i64, speed: &str, quality: &str) -> Vec<String> {
    owned(&[
        "order",
        "rate",
        &id.to_string(),
        "--speed",
        speed,
        "--quality",
        quality,
    ])
}

#[test]
fn ratings_are_one_to_five_once_on_completed_orders_with_500_character_feedback() {
    let d = Desk::new();
    ctyun(&d, "Ent", "enterprise");
    let ids: Vec<i64> = (0..6)
        .map(|_| place(&d, &ac("Ent", "major-event")))
        .collect();
    refuse(
        &d,
        N,
        &strs(&rate(ids[0], "5", "5")),
        &["only a completed order can be rated; this one is processing"],
    );
    d.ok_at(
        N,
        &["order", "reject", &id(ids[5]), "--reason", "duplicate"],
    );
    refuse(
        &d,
        N,
        &strs(&rate(ids[5], "5", "5")),
        &["only a completed order can be rated; this one is rejected"],
    );
    for &o in &ids[..5] {
        d.ok_at(N, &["order", "complete", &id(o)]);
    }
    for (s, q, msg) in [
        ("0", "3", "response speed must be 1 to 5 stars, got 0"),
        ("6", "3", "response speed must be 1 to 5 stars, got 6"),
        ("3", "0", "deliverable quality must be 1 to 5 stars, got 0"),
        ("3", "6", "deliverable quality must be 1 to 5 stars, got 6"),
        ("-1", "3", "response speed must be 1 to 5 stars, got -1"),
    ] {
        refuse(&d, N, &strs(&rate(ids[0], s, q)), &[msg]);
    }
    // Exactly 500 Chinese characters (1500 bytes) fit; 501 do not.
    let fits = "服".repeat(500);
    let over = "服".repeat(501);
    let mut args = rate(ids[0], "1", "5");
    args.extend(owned(&["--feedback", &over]));
    refuse(
        &d,
        N,
        &strs(&args),
        &["feedback is 501 characters; at most 500"],
    );
    let mut args = rate(ids[0], "1", "5");
    args.extend(owned(&["--feedback", &fits]));
    let rated_at = "2026-11-25T03:00:00Z";
    let out = d.ok_at(rated_at, &strs(&args));
    assert_eq!(
        out.trim(),
        format!("order {} rated: speed 1/5, quality 5/5", ids[0])
    );
    let r = show(&d, ids[0])["rating"].clone();
    assert_eq!(r["speed"], 1);
    assert_eq!(r["quality"], 5);
    assert_eq!(r["feedback"], fits.as_str());
    assert_eq!(r["rated_at"], "2026-11-25T03:00:00+00:00");
    // The other ends of both ranges.
    d.ok_at(N, &strs(&rate(ids[1], "5", "1")));
    let r = show(&d, ids[1])["rating"].clone();
    assert_eq!(
        (r["speed"].as_i64(), r["quality"].as_i64()),
        (Some(5), Some(1))
    );
    assert_eq!(r["feedback"], "");
    // Once only.
    for o in [ids[0], ids[1]] {
        refuse(
            &d,
            N,
            &strs(&rate(o, "3", "3")),
            &["the order is already rated (an order is rated once)"],
        );
    }

    // Feedback from standard input: 500 characters plus the newline a shell adds fit.
    let mut args = rate(ids[2], "4", "3");
    args.extend(owned(&["--feedback-file", "-"]));
    let out = run_with_stdin(&d, N, &strs(&args), &format!("{fits}\n"));
    expect_success(&strs(&args), &out);
    assert_eq!(show(&d, ids[2])["rating"]["feedback"], fits.as_str());
    // 501 from standard input are refused and nothing is stored.
    let mut args = rate(ids[3], "4", "3");
    args.extend(owned(&["--feedback-file", "-"]));
    let before = snapshot(&d, N);
    let out = run_with_stdin(&d, N, &strs(&args), &format!("{over}\n"));
    expect_refusal(
        &strs(&args),
        &out,
        1,
        &["feedback is 501 characters; at most 500"],
    );
    assert_eq!(before, snapshot(&d, N));
    // From a file, multi-line.
    let f = d.path("feedback.txt");
    std::fs::write(&f, "第一行\n第二行\n").unwrap();
    let mut args = rate(ids[4], "2", "2");
    args.extend(owned(&["--feedback-file", f.to_str().unwrap()]));
    d.ok_at(N, &strs(&args));
    assert_eq!(show(&d, ids[4])["rating"]["feedback"], "第一行\n第二行");
    // --feedback and --feedback-file together are a usage error.
    let mut args = rate(ids[3], "4", "3");
    args.extend(owned(&["--feedback", "x", "--feedback-file", "-"]));
    refuse_code(&d, N, &strs(&args), 2, &["cannot be used with"]);
}

// ---------------------------------------------------------------------------------------
// Linked accounts

#[test]
fn linked_account_limits_per_parent_plan() {
    let d = Desk::new();
    for (name, plan) in [
        ("Std", "standard"),
        ("Lite", "lightweight"),
        ("Biz", "business"),
        ("Ent", "enterprise"),
    ] {
        ctyun(&d, name, plan);
    }
    for i in 1..=10 {
        ctyun(&d, &format!("Kid{i}"), "standard");
    }
    for (parent, plan) in [("Std", "standard"), ("Lite", "lightweight")] {
        refuse(
            &d,
            N,
            &["org", "link", "Kid1", "--to", parent],
            &[&format!(
                "the {plan} plan of \"{parent}\" cannot have linked accounts (allowed on: business (at most 3), enterprise (at most 5))"
            )],
        );
    }
    for i in 1..=3 {
        let out = d.ok_at(N, &["org", "link", &format!("Kid{i}"), "--to", "Biz"]);
        assert_eq!(
            out.trim(),
            format!("Kid{i} linked to Biz (0 open tickets recomputed)")
        );
    }
    refuse(
        &d,
        N,
        &["org", "link", "Kid4", "--to", "Biz"],
        &["\"Biz\" already has 3 linked accounts, the business plan's limit of 3"],
    );
    for i in 4..=8 {
        d.ok_at(N, &["org", "link", &format!("Kid{i}"), "--to", "Ent"]);
    }
    refuse(
        &d,
        N,
        &["org", "link", "Kid9", "--to", "Ent"],
        &["\"Ent\" already has 5 linked accounts, the enterprise plan's limit of 5"],
    );
    let biz = d.json_at(N, &["org", "show", "Biz", "--json"]);
    assert_eq!(
        biz["linked_accounts"],
        serde_json::json!(["Kid1", "Kid2", "Kid3"])
    );
    let ent = d.json_at(N, &["org", "show", "Ent", "--json"]);
    assert_eq!(ent["linked_accounts"].as_array().unwrap().len(), 5);
    // Unlinking makes room again.
    d.ok_at(N, &["org", "unlink", "Kid3"]);
    d.ok_at(N, &["org", "link", "Kid9", "--to", "Biz"]);
    refuse(
        &d,
        N,
        &["org", "link", "Kid10", "--to", "Biz"],
        &["already has 3 linked accounts"],
    );
}

#[test]
fn linked_accounts_get_the_parents_targets_and_queue_priority() {
    let d = Desk::new();
    ctyun(&d, "Biz", "business");
    ctyun(&d, "Ent", "enterprise");
    ctyun(&d, "Std", "standard");
    ctyun(&d, "Kid", "standard");
    // A CTyun Standard general ticket: 60 minutes; under a Business parent: 30.
    let k = ticket_at(
        &d,
        "2026-11-23T02:30:00Z",
        "Kid",
        "general",
        "控制台无法登录",
    );
    assert_eq!(due(&d, k), "2026-11-23T03:30:00+00:00");
    let out = d.ok_at(
        "2026-11-23T02:31:00Z",
        &["org", "link", "Kid", "--to", "Biz"],
    );
    assert_eq!(out.trim(), "Kid linked to Biz (1 open ticket recomputed)");
    assert_eq!(due(&d, k), "2026-11-23T03:00:00+00:00");
    let v = d.json_at(N, &["org", "show", "Kid", "--json"]);
    assert_eq!(
        (
            v["plan"].as_str(),
            v["served_plan"].as_str(),
            v["linked_to"].as_str()
        ),
        (Some("standard"), Some("business"), Some("Biz"))
    );

    // Three tickets all due at 03:00 UTC: Std's opened at 02:00 (60 min), Kid's at 02:30
    // (30 min, Business), Ent's at 02:30 (30 min). Equal due instants go by plan priority:
    // Enterprise (1), Business (2), Standard (4).
    let s = ticket_at(&d, N, "Std", "general", "计费疑问");
    let e = ticket_at(&d, "2026-11-23T02:30:00Z", "Ent", "general", "扩容咨询");
    assert!(k < e);
    for t in [s, k, e] {
        assert_eq!(due(&d, t), "2026-11-23T03:00:00+00:00");
    }
    let at = "2026-11-23T02:40:00Z";
    assert_eq!(queue(&d, at), [e, k, s]);
    // The parent's upgrade reaches the linked account: now Enterprise priority, tied with
    // Ent's ticket and ordered by number.
    d.ok_at(at, &["org", "plan", "Biz", "enterprise"]);
    assert_eq!(queue(&d, at), [k, e, s]);
    // Unlinking restores Standard: 60 minutes from creation, 03:30, last in the queue.
    let out = d.ok_at(at, &["org", "unlink", "Kid"]);
    assert_eq!(
        out.trim(),
        "Kid unlinked from Biz (1 open ticket recomputed)"
    );
    assert_eq!(due(&d, k), "2026-11-23T03:30:00+00:00");
    assert_eq!(queue(&d, at), [e, s, k]);
    let v = d.json_at(N, &["org", "show", "Kid", "--json"]);
    assert_eq!(v["served_plan"], "standard");
    assert_eq!(v["linked_to"], Value::Null);
    let h: Vec<(Value, Value)> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "linked_to")
        .map(|e| (e["old"].clone(), e["new"].clone()))
        .collect();
    assert_eq!(
        h,
        [
            (Value::Null, Value::from("Biz")),
            (Value::from("Biz"), Value::Null)
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Plan changes

#[test]
fn plan_changes_are_audited_and_recompute_open_tickets_from_creation() {
    let d = Desk::new();
    ctyun(&d, "Co", "standard");
    let urgent = ticket_at(&d, N, "Co", "urgent", "业务中断");
    let general = ticket_at(&d, N, "Co", "general", "咨询");
    let done = ticket_at(&d, N, "Co", "urgent", "已解决");
    d.ok_at(
        "2026-11-23T02:01:00Z",
        &["ticket", "status", &id(done), "resolved"],
    );
    // Standard: urgent 30 min, general 60 min.
    assert_eq!(due(&d, urgent), "2026-11-23T02:30:00+00:00");
    assert_eq!(due(&d, general), "2026-11-23T03:00:00+00:00");
    let change = "2026-11-23T02:15:00Z";
    let out = d.ok_at(change, &["--as", "li.na", "org", "plan", "Co", "business"]);
    assert_eq!(
        out.trim(),
        "Co: plan standard → business (2 open tickets recomputed)"
    );
    // Business: urgent 10 min, general 30 min, counted from creation (02:00), not from the
    // change, so the urgent one is already overdue; the resolved ticket keeps its target.
    assert_eq!(due(&d, urgent), "2026-11-23T02:10:00+00:00");
    assert_eq!(due(&d, general), "2026-11-23T02:30:00+00:00");
    assert_eq!(due(&d, done), "2026-11-23T02:30:00+00:00");
    assert_eq!(
        d.json_at(change, &["ticket", "show", &id(urgent), "--json"])["breached"],
        true
    );
    let v = d.json_at(N, &["org", "show", "Co", "--json"]);
    assert_eq!(v["plan"], "business");
    assert_eq!(v["plan_since"], "2026-11-23T02:15:00+00:00");
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["field"], "plan");
    assert_eq!(last["actor"], as_name("li.na").as_str());
    assert_eq!(last["old"], "standard");
    assert_eq!(last["new"], "business");
    assert_eq!(last["at"], "2026-11-23T02:15:00+00:00");
    let shown = d.ok_at(N, &["org", "show", "Co"]);
    assert!(
        shown.contains("li.na  plan: standard → business"),
        "{shown}"
    );

    refuse(
        &d,
        N,
        &["org", "plan", "Co", "gold"],
        &[
            "policy set \"ctyun\" has no plan \"gold\" (plans: standard, lightweight, business, enterprise)",
        ],
    );
    refuse(
        &d,
        N,
        &["org", "plan", "Co", "business"],
        &["already on the business plan"],
    );
    refuse(
        &d,
        N,
        &["org", "plan", "Nobody", "business"],
        &["no organization \"Nobody\""],
    );
}

#[test]
fn a_retired_legacy_plan_is_served_by_its_fallback_and_cannot_be_chosen() {
    let d = Desk::new();
    add_org(
        &d,
        "2025-06-01T00:00:00Z",
        "Old",
        "connected-care",
        "legacy-enterprise",
        "Europe/Berlin",
    );
    add_org(
        &d,
        "2025-06-01T00:00:00Z",
        "New",
        "connected-care",
        "developer",
        "Europe/Berlin",
    );
    let shown = "legacy-enterprise → basic since 2026-01-15";
    // Retirement starts at midnight Berlin time: 2026-01-14 23:00 UTC.
    for (now, retired) in [
        ("2026-01-14T22:59:59Z", false),
        ("2026-01-14T23:00:00Z", true),
        (N, true),
    ] {
        let list = d.ok_at(now, &["org", "list"]);
        let one = d.ok_at(now, &["org", "show", "Old"]);
        let v = d.json_at(now, &["org", "show", "Old", "--json"]);
        assert_eq!(list.contains(shown), retired, "{now}: {list}");
        assert_eq!(one.contains(shown), retired, "{now}: {one}");
        assert_eq!(v["plan"], "legacy-enterprise");
        assert_eq!(
            v["served_plan"],
            if retired {
                "basic"
            } else {
                "legacy-enterprise"
            },
            "{now}"
        );
    }
    for plan in ["legacy-enterprise", "legacy-premium", "legacy-standard"] {
        refuse(
            &d,
            N,
            &["org", "plan", "New", plan],
            &[
                &format!("the {plan} plan was retired on"),
                "choose a current plan of connected-care",
            ],
        );
    }
    // Moving off the retired plan is an ordinary, audited change.
    d.ok_at(N, &["org", "plan", "Old", "enterprise"]);
    let v = d.json_at(N, &["org", "show", "Old", "--json"]);
    assert_eq!(v["served_plan"], "enterprise");
    assert!(!d.ok_at(N, &["org", "list"]).contains("→ basic"));
}

// ---------------------------------------------------------------------------------------
// The monthly report

#[test]
fn monthly_report_text_json_and_csv_match_a_hand_worked_fixture() {
    let d = Desk::new();
    add_org(&d, "2026-10-01T00:00:00Z", "Rep", "ctyun", "enterprise", SH);
    let reply = |t: i64, at: &str| {
        d.ok_at(at, &["ticket", "reply", &id(t), "--body", "处理中"]);
    };
    // Enterprise targets: urgent 10 min, general 30 min. Shanghai is UTC+8.
    // H: general, 2026-10-31 16:30 UTC = Nov 1 00:30 local, so November; answered after
    //    10 min (600 s): met.
    let h = ticket_at(&d, "2026-10-31T16:30:00Z", "Rep", "general", "H 跨月工单");
    reply(h, "2026-10-31T16:40:00Z");
    // A: urgent, Nov 2, answered after 5 min (300 s): met; resolved Nov 5.
    let a = ticket_at(&d, "2026-11-02T02:00:00Z", "Rep", "urgent", "A 紧急");
    reply(a, "2026-11-02T02:05:00Z");
    d.ok_at(
        "2026-11-05T02:00:00Z",
        &["ticket", "status", &id(a), "resolved"],
    );
    // B: general, Nov 3, answered at exactly 30 min (1800 s), on the due instant: met.
    let b = ticket_at(&d, "2026-11-03T02:00:00Z", "Rep", "general", "B 一般");
    reply(b, "2026-11-03T02:30:00Z");
    // C: urgent, Nov 4, answered after 11 min (660 s): breached.
    let c = ticket_at(&d, "2026-11-04T02:00:00Z", "Rep", "urgent", "C 紧急");
    reply(c, "2026-11-04T02:11:00Z");
    // D: general, Nov 6, never answered, long past due at N: breached.
    ticket_at(&d, "2026-11-06T02:00:00Z", "Rep", "general", "D 无人响应");
    // E: general, opened 01:50 UTC on Nov 23, due 02:20, unanswered at N (02:00): pending.
    ticket_at(&d, "2026-11-23T01:50:00Z", "Rep", "general", "E 待响应");
    // F: general, opened in October, resolved Nov 10: counts as resolved, not opened.
    let f = ticket_at(&d, "2026-10-20T02:00:00Z", "Rep", "general", "F 十月工单");
    d.ok_at(
        "2026-11-10T02:00:00Z",
        &["ticket", "status", &id(f), "resolved"],
    );
    //
    // November: opened H A B C D E = 6; resolved A F = 2.
    // First response: met H A B = 3; breached C D = 2; pending E = 1; attainment 3/5 = 60%.
    // Responded: 300, 600, 660, 1800 s: median (600 + 660) / 2 = 630 s (10m 30s); p90 is
    // the ⌈0.9·4⌉ = 4th smallest, 1800 s (30m 00s).
    // Rows: urgent: opened A C = 2, resolved A = 1, met 1, breached 1, 50%, median
    // (300 + 660) / 2 = 480, p90 660. general: opened H B D E = 4, resolved F = 1, met 2,
    // breached 1, 2/3, median (600 + 1800) / 2 = 1200, p90 1800.
    let args = [
        "report", "monthly", "--month", "2026-11", "--org", "Rep", "--json",
    ];
    let v = d.json_at(N, &args);
    assert_eq!(v["month"], "2026-11");
    assert_eq!(v["generated_at"], "2026-11-23T02:00:00Z");
    let o = &v["orgs"][0];
    assert_eq!(v["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(o["period_start"], "2026-11-01T00:00:00+08:00");
    assert_eq!(o["period_end"], "2026-12-01T00:00:00+08:00");
    assert_eq!(
        (o["opened"].as_i64(), o["resolved"].as_i64()),
        (Some(6), Some(2))
    );
    let fr = &o["first_response"];
    assert_eq!(
        [
            &fr["met"],
            &fr["breached"],
            &fr["pending"],
            &fr["no_target"],
            &fr["responded"]
        ],
        [3, 2, 1, 0, 4]
    );
    assert!((fr["attainment"].as_f64().unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(
        (fr["median_seconds"].as_i64(), fr["p90_seconds"].as_i64()),
        (Some(630), Some(1800))
    );
    let rows = o["by_kind_severity"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            &rows[0]["severity"],
            &rows[0]["opened"],
            &rows[0]["resolved"]
        ),
        (&"urgent".into(), &2.into(), &1.into())
    );
    assert_eq!(
        (
            &rows[1]["severity"],
            &rows[1]["opened"],
            &rows[1]["resolved"]
        ),
        (&"general".into(), &4.into(), &1.into())
    );
    let numbers: Vec<i64> = o["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect();
    // By creation: F (October, resolved in November) first, then H, A, B, C, D, E.
    assert_eq!(numbers.len(), 7);
    assert_eq!(&numbers[..4], [f, h, a, b]);
    assert_eq!(numbers[4], c);

    let csv = d.ok_at(
        N,
        &[
            "report", "monthly", "--month", "2026-11", "--org", "Rep", "--csv",
        ],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "org,month,plan,kind,severity,opened,resolved,first_response_met,first_response_breached,attainment,median_first_response_seconds,p90_first_response_seconds,next_response_met,next_response_breached,resolution_met,resolution_breached",
            "Rep,2026-11,enterprise,technical,urgent,2,1,1,1,0.5000,480,660,0,0,0,0",
            "Rep,2026-11,enterprise,technical,general,4,1,2,1,0.6667,1200,1800,0,0,0,0",
            "Rep,2026-11,enterprise,all,all,6,2,3,2,0.6000,630,1800,0,0,0,0",
        ]
    );

    let txt = d.ok_at(
        N,
        &["report", "monthly", "--month", "2026-11", "--org", "Rep"],
    );
    for want in [
        "Monthly service report 2026-11 (generated 2026-11-23T02:00:00Z)",
        "== Rep ==",
        "Plan: Enterprise 企业级 (enterprise)   Time zone: Asia/Shanghai",
        "Period: 2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00 (exclusive)",
        "Opened: 6   Resolved: 2",
        "First response (tickets opened this month): 3 met, 2 breached, 1 pending, 0 no target",
        "Attainment: 60.0%   Median: 10m 30s   90th percentile: 30m 00s   (n = 4)",
        "2026-11-01 00:30",
        "H 跨月工单",
    ] {
        assert!(txt.contains(want), "missing {want:?} in:\n{txt}");
    }

    // October holds F only (opened, unanswered: breached); H is not October's.
    let oct = d.json_at(
        N,
        &[
            "report", "monthly", "--month", "2026-10", "--org", "Rep", "--json",
        ],
    );
    assert_eq!(oct["orgs"][0]["opened"], 1);
    assert_eq!(oct["orgs"][0]["first_response"]["breached"], 1);
    // A month with nothing: the all row only, and the text says so.
    let dec = d.ok_at(
        N,
        &[
            "report", "monthly", "--month", "2025-12", "--org", "Rep", "--csv",
        ],
    );
    assert_eq!(dec.lines().count(), 2, "{dec}");
    assert!(
        dec.lines()
            .nth(1)
            .unwrap()
            .starts_with("Rep,2025-12,enterprise,all,all,0,0,0,0,,,")
    );
    let dec = d.ok_at(
        N,
        &["report", "monthly", "--month", "2025-12", "--org", "Rep"],
    );
    assert!(
        dec.contains("No tickets opened or resolved in this month."),
        "{dec}"
    );

    for bad in ["2026-13", "2026-00", "2026-1", "11/2026", "November"] {
        refuse(
            &d,
            N,
            &["report", "monthly", "--month", bad, "--org", "Rep"],
            &[&format!(
                "bad month \"{bad}\" (expected YYYY-MM, e.g. 2026-11)"
            )],
        );
    }
    refuse(
        &d,
        N,
        &["report", "monthly", "--month", "2026-11", "--org", "Nobody"],
        &["no organization \"Nobody\""],
    );
    refuse_code(
        &d,
        N,
        &["report", "monthly", "--month", "2026-11", "--json", "--csv"],
        2,
        &["cannot be used with"],
    );
}

#[test]
fn retired_plans_cannot_be_chosen_for_a_new_organization_and_exports_do_not_clobber() {
    let d = Desk::new();
    // legacy-premium was retired on 2026-01-15 (Europe/Berlin days).
    refuse(
        &d,
        N,
        &[
            "org",
            "add",
            "Late",
            "--policy-set",
            "connected-care",
            "--plan",
            "legacy-premium",
            "--tz",
            "Europe/Berlin",
        ],
        &["the legacy-premium plan was retired on 2026-01-15"],
    );
    add_org(
        &d,
        "2026-01-14T12:00:00Z",
        "Early",
        "connected-care",
        "legacy-premium",
        "Europe/Berlin",
    );
    // `export --out` writes through a fresh temporary file: a neighbour named like the old
    // temporary file survives, and the export is complete.
    let out = d.path("all.jsonl");
    let neighbour = d.path("all.partial");
    std::fs::write(&neighbour, "keep me").unwrap();
    d.ok_at(N, &["export", "--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&neighbour).unwrap(), "keep me");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"Early\""), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(d.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".tuidesk-export-")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}
