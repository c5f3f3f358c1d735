//! Service orders, plan changes, linked accounts and the monthly report through the command
//! line (issue 8): every rule at and just past its boundary. A refusal must exit 1 with one
//! `tuidesk: error:` line naming the rule and change nothing (the export, which carries orders,
//! links and plan history, is compared before and after).

mod common;

use common::*;
use serde_json::Value;

/// Monday 2026-11-23 10:00 in Shanghai.
const N: &str = "2026-11-23T02:00:00Z";

impl Desk {
    fn org_at(&self, now: &str, name: &str, set: &str, plan: &str, tz: &str) {
        self.ok_at(
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
    fn ctyun(&self, name: &str, plan: &str) {
        self.org_at(N, name, "ctyun", plan, "Asia/Shanghai");
    }
    fn order(&self, args: &[&str]) -> i64 {
        let mut full = vec!["order", "new"];
        full.extend_from_slice(args);
        self.ok_at(N, &full)
            .trim()
            .parse()
            .expect("order new prints the id")
    }
    fn refuse_order(&self, args: &[&str], fragments: &[&str]) {
        let mut full = vec!["order", "new"];
        full.extend_from_slice(args);
        self.refused_at(N, &full, 1, fragments);
    }
    fn assurance(&self, org: &str, level: &str, start: &str, end: &str) -> Vec<String> {
        [
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn show(&self, id: i64) -> Value {
        self.json_at(N, &["order", "show", &id.to_string(), "--json"])
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn event_assurance_notice_and_length_at_each_boundary() {
    let d = Desk::new();
    d.ctyun("Ent", "enterprise");
    // (level, start with exact notice, last allowed end, one day less notice, one day too long)
    for (level, start, end, early, long_end, notice, max) in [
        (
            "1",
            "2026-12-07",
            "2026-12-09",
            "2026-12-06",
            "2026-12-10",
            "14 days' notice",
            "3 days",
        ),
        (
            "2",
            "2026-11-30",
            "2026-12-04",
            "2026-11-29",
            "2026-12-05",
            "7 days' notice",
            "5 days",
        ),
        (
            "3",
            "2026-11-28",
            "2026-12-07",
            "2026-11-27",
            "2026-12-08",
            "5 days' notice",
            "10 days",
        ),
    ] {
        let days_early = if level == "1" {
            "13 days away"
        } else if level == "2" {
            "6 days away"
        } else {
            "4 days away"
        };
        d.refuse_order(
            &strs(&d.assurance("Ent", level, early, early)),
            &[
                &format!("level {level} event assurance needs {notice}"),
                days_early,
            ],
        );
        d.refuse_order(
            &strs(&d.assurance("Ent", level, start, long_end)),
            &[
                &format!("level {level} event assurance lasts at most {max}"),
                "--end is inclusive",
            ],
        );
        let id = d.order(&strs(&d.assurance("Ent", level, start, end)));
        let v = d.show(id);
        assert_eq!(v["status"], "processing");
        assert_eq!(v["level"], level.parse::<i64>().unwrap());
        assert_eq!(v["start"], start);
        assert_eq!(v["end"], end);
        // The deadline is the start, in the organization's zone.
        assert_eq!(v["due"], format!("{start}T00:00:00+08:00"));
        assert_eq!(v["rating"], Value::Null);
    }
    d.refuse_order(
        &strs(&d.assurance("Ent", "1", "2026-12-10", "2026-12-09")),
        &["is before --start"],
    );
}

#[test]
fn event_assurance_quotas_count_the_year_and_skip_rejected_orders() {
    let d = Desk::new();
    d.ctyun("Std", "standard");
    d.ctyun("Lite", "lightweight");
    d.ctyun("Biz", "business");
    d.ctyun("Ent", "enterprise");
    d.refuse_order(
        &strs(&d.assurance("Std", "3", "2026-12-01", "2026-12-01")),
        &["Standard plan includes no event assurance"],
    );
    d.refuse_order(
        &strs(&d.assurance("Lite", "1", "2026-12-10", "2026-12-10")),
        &["Lightweight plan allows level 3 event assurance only"],
    );
    d.refuse_order(
        &strs(&d.assurance("Biz", "2", "2026-12-10", "2026-12-10")),
        &["Business plan allows level 3 event assurance only"],
    );
    // Lightweight: the one order, then one more is refused; rejecting frees the quota.
    let first = d.order(&strs(&d.assurance("Lite", "3", "2026-12-01", "2026-12-02")));
    d.refuse_order(
        &strs(&d.assurance("Lite", "3", "2026-12-10", "2026-12-10")),
        &[
            "includes 1 event assurance per calendar year",
            "already has 1",
        ],
    );
    d.ok_at(
        N,
        &[
            "order",
            "reject",
            &first.to_string(),
            "--reason",
            "dates moved",
        ],
    );
    d.order(&strs(&d.assurance("Lite", "3", "2026-12-10", "2026-12-10")));
    // Business: four level-3 orders in 2026, the fifth refused, 2027 has its own quota.
    for day in ["01", "02", "03", "04"] {
        let date = format!("2026-12-{day}");
        d.order(&strs(&d.assurance("Biz", "3", &date, &date)));
    }
    d.refuse_order(
        &strs(&d.assurance("Biz", "3", "2026-12-31", "2026-12-31")),
        &[
            "includes 4 event assurances per calendar year",
            "already has 4",
        ],
    );
    d.order(&strs(&d.assurance("Biz", "3", "2027-01-01", "2027-01-01")));
    // Enterprise: four of any level.
    d.order(&strs(&d.assurance("Ent", "1", "2026-12-07", "2026-12-07")));
    d.order(&strs(&d.assurance("Ent", "2", "2026-12-08", "2026-12-08")));
    d.order(&strs(&d.assurance("Ent", "3", "2026-12-09", "2026-12-09")));
    d.order(&strs(&d.assurance("Ent", "1", "2026-12-10", "2026-12-10")));
    d.refuse_order(
        &strs(&d.assurance("Ent", "3", "2026-12-11", "2026-12-11")),
        &["includes 4 event assurances per calendar year"],
    );
}

#[test]
fn flags_must_fit_the_kind() {
    let d = Desk::new();
    d.ctyun("Ent", "enterprise");
    d.refuse_order(
        &[
            "--org",
            "Ent",
            "--kind",
            "event-assurance",
            "--level",
            "3",
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-01",
            "--scenario",
            "annual",
        ],
        &["--scenario applies to availability-check orders only"],
    );
    d.refuse_order(
        &[
            "--org",
            "Ent",
            "--kind",
            "availability-check",
            "--scenario",
            "annual",
            "--month",
            "2026-11",
        ],
        &["--month applies to monthly-report orders only"],
    );
    d.refuse_order(
        &[
            "--org",
            "Ent",
            "--kind",
            "monthly-report",
            "--month",
            "2026-11",
            "--level",
            "1",
        ],
        &["--level applies to event-assurance orders only"],
    );
    d.refuse_order(
        &["--org", "Ent", "--kind", "event-assurance", "--level", "1"],
        &["event assurance needs --level, --start and --end"],
    );
    d.refuse_order(
        &["--org", "Ent", "--kind", "repair"],
        &["unknown order kind"],
    );
    d.refuse_order(
        &[
            "--org",
            "Ent",
            "--kind",
            "availability-check",
            "--scenario",
            "yearly",
        ],
        &["unknown availability-check scenario"],
    );
    d.refuse_order(
        &[
            "--org",
            "Ent",
            "--kind",
            "event-assurance",
            "--level",
            "1",
            "--start",
            "2026-12-32",
            "--end",
            "2026-12-01",
        ],
        &["bad --start"],
    );
    d.refuse_order(
        &[
            "--org",
            "Nobody",
            "--kind",
            "monthly-report",
            "--month",
            "2026-11",
        ],
        &["no organization"],
    );
}

#[test]
fn availability_check_scenarios_follow_the_plan() {
    let d = Desk::new();
    d.ctyun("Std", "standard");
    d.ctyun("Lite", "lightweight");
    d.ctyun("Biz", "business");
    d.ctyun("Ent", "enterprise");
    let check = |org: &'static str, s: &'static str| {
        vec![
            "--org",
            org,
            "--kind",
            "availability-check",
            "--scenario",
            s,
        ]
    };
    d.refuse_order(
        &check("Std", "joining"),
        &["Standard plan includes no availability checks"],
    );
    d.order(&check("Lite", "joining"));
    d.refuse_order(
        &check("Lite", "major-event"),
        &["availability checks cover: joining"],
    );
    d.refuse_order(&check("Lite", "joining"), &["once per plan"]);
    d.order(&check("Biz", "major-event"));
    d.order(&check("Biz", "major-change"));
    d.refuse_order(&check("Biz", "annual"), &["not annual"]);
    for s in ["joining", "major-event", "major-change", "annual"] {
        d.order(&check("Ent", s));
    }
    d.refuse_order(&check("Ent", "annual"), &["once per calendar year"]);
    let v = d.json_at(N, &["order", "list", "--org", "Ent", "--json"]);
    assert_eq!(v.as_array().map(Vec::len), Some(4));
    assert!(v.as_array().unwrap().iter().all(|o| o["due"].is_null()));
}

#[test]
fn monthly_reports_start_with_the_joining_month_and_are_due_on_the_15th_working_day() {
    let d = Desk::new();
    d.ctyun("Biz", "business");
    let report = |org: &'static str, m: &'static str| {
        vec!["--org", org, "--kind", "monthly-report", "--month", m]
    };
    d.refuse_order(
        &report("Biz", "2026-10"),
        &[
            "monthly service reports come with the Enterprise plan only",
            "Biz is on Business",
        ],
    );
    // Upgraded on 2026-09-15: September is the first month reported, August is refused.
    d.org_at(
        "2026-01-05T02:00:00Z",
        "Up",
        "ctyun",
        "business",
        "Asia/Shanghai",
    );
    d.ok_at("2026-09-15T02:00:00Z", &["org", "plan", "Up", "enterprise"]);
    d.refuse_order(
        &report("Up", "2026-08"),
        &[
            "the first monthly report covers 2026-09",
            "2026-08 is earlier",
        ],
    );
    let id = d.order(&report("Up", "2026-09"));
    // The report for September is due before the 15th working day of October 2026 on the
    // cn-2026 calendar: Oct 1–7 National Day, Saturday Oct 10 a make-up working day.
    // Working days: Thu 8 (1), Fri 9 (2), Sat 10 (3), 12–16 (4–8), 19–23 (9–13), Mon 26 (14),
    // Tue 27 (15).
    assert_eq!(d.show(id)["due"], "2026-10-27T00:00:00+08:00");
    assert_eq!(d.show(id)["month"], "2026-09");
    d.refuse_order(
        &report("Up", "2026-09"),
        &["already has a monthly report for 2026-09"],
    );
    d.refuse_order(&report("Up", "2026-12"), &["2026-12 has not started yet"]);
    // October's report: November 2026 has no holidays; its 15th working day is Fri Nov 20.
    let oct = d.order(&report("Up", "2026-10"));
    assert_eq!(d.show(oct)["due"], "2026-11-20T00:00:00+08:00");
    // A rejected report frees its month.
    d.ok_at(
        N,
        &[
            "order",
            "reject",
            &oct.to_string(),
            "--reason",
            "sent by mail",
        ],
    );
    d.order(&report("Up", "2026-10"));
}

#[test]
fn complete_reject_and_deliverables() {
    let d = Desk::new();
    d.ctyun("Ent", "enterprise");
    let a = d.order(&[
        "--org",
        "Ent",
        "--kind",
        "availability-check",
        "--scenario",
        "annual",
    ]);
    let b = d.order(&[
        "--org",
        "Ent",
        "--kind",
        "availability-check",
        "--scenario",
        "joining",
    ]);
    let bin: Vec<u8> = (0..=255u8).rev().chain(0..=255u8).collect();
    let path = d.path("check.bin");
    std::fs::write(&path, &bin).unwrap();
    d.refused_at(
        N,
        &[
            "order",
            "complete",
            &a.to_string(),
            "--attach",
            "/no/such/file",
        ],
        1,
        &["/no/such/file"],
    );
    d.ok_at(
        "2026-11-23T03:00:00Z",
        &[
            "order",
            "complete",
            &a.to_string(),
            "--attach",
            path.to_str().unwrap(),
        ],
    );
    let v = d.show(a);
    assert_eq!(v["status"], "completed");
    assert_eq!(v["completed_at"], "2026-11-23T03:00:00+00:00");
    assert_eq!(v["attachments"][0]["name"], "check.bin");
    d.refused_at(
        N,
        &["order", "complete", &a.to_string()],
        1,
        &["already completed"],
    );
    d.refused_at(
        N,
        &["order", "reject", &a.to_string(), "--reason", "x"],
        1,
        &["a completed order cannot be rejected"],
    );
    // Deliverables come back byte for byte; an existing file is not overwritten.
    let out = d.path("back.bin");
    d.ok_at(
        N,
        &[
            "order",
            "attachment",
            &a.to_string(),
            "check.bin",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&out).unwrap(), bin);
    d.refused_at(
        N,
        &[
            "order",
            "attachment",
            &a.to_string(),
            "check.bin",
            "--out",
            out.to_str().unwrap(),
        ],
        1,
        &["already exists"],
    );
    d.refused_at(
        N,
        &[
            "order",
            "attachment",
            &a.to_string(),
            "nope.pdf",
            "--out",
            d.path("x").to_str().unwrap(),
        ],
        1,
        &["no attachment"],
    );
    // Rejecting needs a reason; then the order is closed.
    d.refused_at(
        N,
        &["order", "reject", &b.to_string(), "--reason", "   "],
        1,
        &["needs a reason"],
    );
    d.ok_at(
        N,
        &["order", "reject", &b.to_string(), "--reason", "客户取消"],
    );
    let v = d.show(b);
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["reject_reason"], "客户取消");
    d.refused_at(
        N,
        &["order", "complete", &b.to_string()],
        1,
        &["a rejected order cannot be completed"],
    );
    d.refused_at(N, &["order", "complete", "999"], 1, &["no order \"999\""]);
    // A monthly report order can carry the month's report.
    let m = d.order(&[
        "--org",
        "Ent",
        "--kind",
        "monthly-report",
        "--month",
        "2026-11",
    ]);
    d.refused_at(
        N,
        &["order", "complete", &a.to_string(), "--attach-report"],
        1,
        &[],
    );
    d.ok_at(N, &["order", "complete", &m.to_string(), "--attach-report"]);
    let names: Vec<String> = d.show(m)["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["report-2026-11.json", "report-2026-11.txt"]);
}

#[test]
fn ratings_once_in_range_and_at_most_500_characters() {
    let d = Desk::new();
    d.ctyun("Ent", "enterprise");
    let mut ids = Vec::new();
    for s in ["joining", "major-event", "major-change", "annual"] {
        ids.push(d.order(&[
            "--org",
            "Ent",
            "--kind",
            "availability-check",
            "--scenario",
            s,
        ]));
    }
    let id = |i: usize| ids[i].to_string();
    d.refused_at(
        N,
        &["order", "rate", &id(0), "--speed", "5", "--quality", "5"],
        1,
        &["only a completed order can be rated; this one is processing"],
    );
    d.ok_at(N, &["order", "reject", &id(3), "--reason", "dup"]);
    d.refused_at(
        N,
        &["order", "rate", &id(3), "--speed", "5", "--quality", "5"],
        1,
        &["this one is rejected"],
    );
    for i in 0..3 {
        d.ok_at(N, &["order", "complete", &id(i)]);
    }
    d.refused_at(
        N,
        &["order", "rate", &id(0), "--speed", "0", "--quality", "5"],
        1,
        &["response speed must be 1 to 5 stars, got 0"],
    );
    d.refused_at(
        N,
        &["order", "rate", &id(0), "--speed", "5", "--quality", "6"],
        1,
        &["deliverable quality must be 1 to 5 stars, got 6"],
    );
    let too_long = "好".repeat(501);
    d.refused_at(
        N,
        &[
            "order",
            "rate",
            &id(0),
            "--speed",
            "5",
            "--quality",
            "5",
            "--feedback",
            &too_long,
        ],
        1,
        &["feedback is 501 characters; at most 500"],
    );
    let fits = "好".repeat(500); // 1500 bytes, 500 characters
    d.ok_at(
        N,
        &[
            "order",
            "rate",
            &id(0),
            "--speed",
            "1",
            "--quality",
            "5",
            "--feedback",
            &fits,
        ],
    );
    let v = d.show(ids[0]);
    assert_eq!(v["rating"]["speed"], 1);
    assert_eq!(v["rating"]["quality"], 5);
    assert_eq!(v["rating"]["feedback"], fits.as_str());
    d.refused_at(
        N,
        &["order", "rate", &id(0), "--speed", "5", "--quality", "5"],
        1,
        &["already rated"],
    );
    // Feedback from standard input.
    let out = d.run_stdin(
        &[
            "order",
            "rate",
            &id(1),
            "--speed",
            "4",
            "--quality",
            "3",
            "--feedback-file",
            "-",
        ],
        "值班工程师响应很快\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(d.show(ids[1])["rating"]["feedback"], "值班工程师响应很快");
    // No feedback at all is fine.
    d.ok_at(
        N,
        &["order", "rate", &id(2), "--speed", "3", "--quality", "3"],
    );
    assert_eq!(d.show(ids[2])["rating"]["feedback"], "");
}

fn due_of(d: &Desk, ticket: i64) -> String {
    d.json_at(N, &["ticket", "show", &ticket.to_string(), "--json"])["first_response_due"]
        .as_str()
        .unwrap()
        .to_string()
}

fn ticket(d: &Desk, at: &str, org: &str, sev: &str) -> i64 {
    d.ok_at(
        at,
        &[
            "ticket",
            "new",
            "--org",
            org,
            "--kind",
            "technical",
            "--severity",
            sev,
            "--summary",
            "连接超时",
        ],
    )
    .trim()
    .parse()
    .unwrap()
}

#[test]
fn linked_accounts_limits_plans_and_targets() {
    let d = Desk::new();
    d.ctyun("Biz", "business");
    d.ctyun("Ent", "enterprise");
    d.ctyun("Lite", "lightweight");
    d.ctyun("Std", "standard");
    for i in 1..=9 {
        d.ctyun(&format!("Kid{i}"), "standard");
    }
    d.refused_at(
        N,
        &["org", "link", "Kid1", "--to", "Std"],
        1,
        &["standard plan of \"Std\" cannot have linked accounts"],
    );
    d.refused_at(
        N,
        &["org", "link", "Kid1", "--to", "Lite"],
        1,
        &[
            "cannot have linked accounts",
            "business (at most 3)",
            "enterprise (at most 5)",
        ],
    );
    for i in 1..=3 {
        d.ok_at(N, &["org", "link", &format!("Kid{i}"), "--to", "Biz"]);
    }
    d.refused_at(
        N,
        &["org", "link", "Kid4", "--to", "Biz"],
        1,
        &["already has 3 linked accounts", "limit of 3"],
    );
    for i in 4..=8 {
        d.ok_at(N, &["org", "link", &format!("Kid{i}"), "--to", "Ent"]);
    }
    d.refused_at(
        N,
        &["org", "link", "Kid9", "--to", "Ent"],
        1,
        &["already has 5 linked accounts"],
    );
    d.refused_at(
        N,
        &["org", "link", "Kid1", "--to", "Ent"],
        1,
        &["already linked to \"Biz\""],
    );
    d.refused_at(
        N,
        &["org", "link", "Kid9", "--to", "Kid1"],
        1,
        &["do not chain"],
    );
    d.refused_at(N, &["org", "link", "Kid9", "--to", "Kid9"], 1, &["itself"]);
    d.refused_at(N, &["org", "unlink", "Kid9"], 1, &["not linked"]);
    // A downgrade below the links in use is refused.
    d.refused_at(
        N,
        &["org", "plan", "Ent", "business"],
        1,
        &["has 5 linked accounts", "allows 3"],
    );

    // Kid9's general ticket: 60 min on standard, 30 min once linked to Business, back after.
    d.ok_at(N, &["org", "unlink", "Kid1"]);
    let t = ticket(&d, N, "Kid9", "general");
    assert_eq!(due_of(&d, t), "2026-11-23T03:00:00+00:00");
    d.ok_at(N, &["org", "link", "Kid9", "--to", "Biz"]);
    assert_eq!(due_of(&d, t), "2026-11-23T02:30:00+00:00");
    let shown = d.json_at(N, &["org", "show", "Kid9", "--json"]);
    assert_eq!(shown["linked_to"], "Biz");
    assert_eq!(shown["served_plan"], "business");
    d.ok_at(N, &["org", "unlink", "Kid9"]);
    assert_eq!(due_of(&d, t), "2026-11-23T03:00:00+00:00");
    let history = d.json_at(N, &["org", "show", "Kid9", "--json"])["history"].clone();
    let fields: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["org", "linked_to", "linked_to"]);
}

#[test]
fn equal_due_instants_are_served_by_plan_priority() {
    let d = Desk::new();
    d.ctyun("Std", "standard");
    d.ctyun("Ent", "enterprise");
    d.ctyun("Kid", "standard");
    d.ok_at(N, &["org", "link", "Kid", "--to", "Ent"]);
    // Standard general (60 min) opened at 02:00 and enterprise general (30 min) opened at
    // 02:30 are both due at 03:00; the enterprise one comes first, and so does the linked
    // account's (served on the enterprise plan).
    let std_t = ticket(&d, N, "Std", "general");
    let kid_t = ticket(&d, "2026-11-23T02:30:00Z", "Kid", "general");
    let ent_t = ticket(&d, "2026-11-23T02:30:00Z", "Ent", "general");
    assert_eq!(due_of(&d, std_t), due_of(&d, ent_t));
    assert_eq!(due_of(&d, std_t), due_of(&d, kid_t));
    let list = d.json_at(
        "2026-11-23T02:40:00Z",
        &["ticket", "list", "--sort", "due", "--json"],
    );
    let order: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [kid_t, ent_t, std_t]);
}

#[test]
fn plan_changes_are_audited_recompute_open_tickets_and_retired_plans_fall_back() {
    let d = Desk::new();
    d.ctyun("Co", "standard");
    let t = ticket(&d, N, "Co", "urgent");
    assert_eq!(due_of(&d, t), "2026-11-23T02:30:00+00:00");
    d.ok_at(
        "2026-11-23T02:05:00Z",
        &["--as", "li.na", "org", "plan", "Co", "business"],
    );
    // Recomputed from creation: urgent on Business is 10 minutes.
    assert_eq!(due_of(&d, t), "2026-11-23T02:10:00+00:00");
    let v = d.json_at(N, &["org", "show", "Co", "--json"]);
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["field"].as_str(),
            last["old"].as_str(),
            last["new"].as_str()
        ),
        (Some("plan"), Some("standard"), Some("business"))
    );
    assert_eq!(last["actor"], "li.na");
    assert_eq!(last["at"], "2026-11-23T02:05:00+00:00");
    assert_eq!(v["plan_since"], "2026-11-23T02:05:00+00:00");
    d.refused_at(
        N,
        &["org", "plan", "Co", "platinum"],
        1,
        &["no plan \"platinum\""],
    );
    d.refused_at(
        N,
        &["org", "plan", "Co", "business"],
        1,
        &["already on the business plan"],
    );
    d.refused_at(
        N,
        &["org", "plan", "Nobody", "business"],
        1,
        &["no organization"],
    );
    // A legacy Connected Care plan retired on 2026-01-15 serves as Basic from then on.
    d.org_at(
        "2025-06-01T00:00:00Z",
        "Old",
        "connected-care",
        "legacy-enterprise",
        "Europe/Berlin",
    );
    let list = d.ok_at(N, &["org", "list"]);
    assert!(
        list.contains("legacy-enterprise → basic since 2026-01-15"),
        "{list}"
    );
    let shown = d.ok_at(N, &["org", "show", "Old"]);
    assert!(
        shown.contains("legacy-enterprise → basic since 2026-01-15"),
        "{shown}"
    );
    let before = d.ok_at("2026-01-14T12:00:00Z", &["org", "list"]);
    assert!(
        !before.contains("→ basic"),
        "not yet retired on 2026-01-14: {before}"
    );
    d.refused_at(
        N,
        &["org", "plan", "Old", "legacy-premium"],
        1,
        &["was retired on 2026-01-15"],
    );
    d.ok_at(N, &["org", "plan", "Old", "enterprise"]);
}

#[test]
fn monthly_report_figures_match_a_hand_worked_fixture() {
    let d = Desk::new();
    d.ctyun("Rep", "enterprise");
    // A: urgent (10 min) opened Nov 2 10:00 local, answered after 5 min: met.
    let a = ticket(&d, "2026-11-02T02:00:00Z", "Rep", "urgent");
    d.ok_at(
        "2026-11-02T02:05:00Z",
        &["ticket", "reply", &a.to_string(), "--body", "looking"],
    );
    d.ok_at(
        "2026-11-05T02:00:00Z",
        &["ticket", "status", &a.to_string(), "resolved"],
    );
    // B: general (30 min) opened Nov 3, answered after 40 min: breached.
    let b = ticket(&d, "2026-11-03T02:00:00Z", "Rep", "general");
    d.ok_at(
        "2026-11-03T02:40:00Z",
        &["ticket", "reply", &b.to_string(), "--body", "sorry"],
    );
    // C: urgent opened Nov 4, never answered, long past due at N: breached.
    ticket(&d, "2026-11-04T02:00:00Z", "Rep", "urgent");
    // D: opened Oct 31 23:30 local (15:30Z): October, not in November's figures.
    ticket(&d, "2026-10-31T15:30:00Z", "Rep", "general");
    // Opened 3, resolved 1 (A); met 1, breached 2, attainment 1/3; responded A (300 s) and
    // B (2400 s): median (300 + 2400) / 2 = 1350 s, p90 nearest rank = 2400 s.
    let v = d.json_at(
        N,
        &[
            "report", "monthly", "--month", "2026-11", "--org", "Rep", "--json",
        ],
    );
    let org = &v["orgs"][0];
    assert_eq!(org["opened"], 3);
    assert_eq!(org["resolved"], 1);
    assert_eq!(org["first_response"]["met"], 1);
    assert_eq!(org["first_response"]["breached"], 2);
    let att = org["first_response"]["attainment"].as_f64().unwrap();
    assert!((att - 1.0 / 3.0).abs() < 1e-9, "{att}");
    assert_eq!(org["first_response"]["median_seconds"], 1350);
    assert_eq!(org["first_response"]["p90_seconds"], 2400);
    assert_eq!(org["tickets"].as_array().unwrap().len(), 3);
    let csv = d.ok_at(
        N,
        &[
            "report", "monthly", "--month", "2026-11", "--org", "Rep", "--csv",
        ],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "org,month,plan,kind,severity,opened,resolved,first_response_met,first_response_breached,attainment,median_first_response_seconds,p90_first_response_seconds"
    );
    assert_eq!(lines.len(), 4, "urgent, general and the all row:\n{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Rep,2026-11,enterprise,all,all,3,1,1,2,0.3333,1350,2400")),
        "{csv}"
    );
    let text = d.ok_at(
        N,
        &["report", "monthly", "--month", "2026-11", "--org", "Rep"],
    );
    assert!(text.contains("Rep") && text.contains("连接超时"), "{text}");
    // October holds only D (unanswered, breached).
    let oct = d.json_at(
        N,
        &[
            "report", "monthly", "--month", "2026-10", "--org", "Rep", "--json",
        ],
    );
    assert_eq!(oct["orgs"][0]["opened"], 1);
    d.refused_at(
        N,
        &["report", "monthly", "--month", "2026-13"],
        1,
        &["bad month"],
    );
    d.refused_at(
        N,
        &["report", "monthly", "--month", "2026-11", "--org", "Nobody"],
        1,
        &["no organization"],
    );
}
