//! Issue 12, "one SLA evaluation": for random ticket histories, every place that shows SLA
//! state agrees at random instants after the history. In process, through `Desk`, on a
//! temporary SQLite file.
//!
//! Histories: open, engineer reply, customer reply, internal note, pending, resume, on-hold,
//! severity change, plan change, link / unlink, resolve, close, reopen, at random instants
//! (seconds to days apart) across weekends and the DST changes of Europe/Berlin (2026-03-29,
//! 2026-10-25) and America/New_York (2026-03-08, 2026-11-01), for organizations in those
//! zones and Asia/Shanghai on `connected-care` (business-hours clocks) and `ctyun` plans, and
//! on a user set with a lunch-break calendar and resolution targets (pauses show there).
//!
//! Agreement, per ticket and `now` (`eng` = `Desk::sla_report`, the one evaluation; `row` =
//! `app::row_state` of the stored row `Store::ticket`; `json` = `cli::output::ticket_json`;
//! `explain` = `cli::sla_cmd::explain_json`):
//! * breached: stored `breached` ⇔ some `eng` metric is `Breached` (its `breached_at` < now)
//!   ⇔ `json.breached` ⇔ `explain` has a metric with `"breached": true` ⇔ the ticket is in
//!   `ticket list --breached --all` (and in `--breached` when active) ⇔ `row` is `Breached`
//!   or `MetLate` (for an active ticket);
//! * due instants: stored `first_response_due` = `eng` first-response `due` = `json` =
//!   `explain`; stored `next_due` = the earliest `due` of an `eng` metric whose clock still
//!   runs (none once resolved); `paused_seconds_left` = the least `remaining_seconds` of a
//!   paused `eng` metric;
//! * `row`: `Done` once resolved; else `Breached` when a running clock is overdue or a
//!   breach is on record, `MetLate` when the only breach is a first response met late;
//!   `AtRisk`/`Running` when a clock runs (at risk in `eng`), `Paused` when nothing runs but
//!   a clock is paused, `Met` when answered, else `NoTarget`;
//! * `json.first_response_state` = `eng` state (`met-late` for a late answer) =
//!   `explain.shown_state`; `late_by_seconds`/`late_label` likewise; `remaining_seconds` =
//!   wall seconds to the due instant while the first-response clock runs, else null;
//! * `ticket list --json` gives the same object as `ticket show --json` (minus detail);
//! * header counts: breached = active tickets breached, at risk = rows `AtRisk`;
//! * the monthly report of the ticket's organization and creation month counts each first
//!   response as `eng` judges it: met, breached (met late included), pending (running, at
//!   risk), stopped (resolved before due without a reply), no target.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::Value;
use tuidesk::app::{RowState, row_state};
use tuidesk::cli::output::ticket_json;
use tuidesk::cli::sla_cmd::explain_json;
use tuidesk::desk::Desk;
use tuidesk::domain::{Actor, AuthorRole, EntryKind, Status, TicketKind, YearMonth};
use tuidesk::policy::{Metric, PolicyRegistry};
use tuidesk::sla::{MetricStatus, SlaState};
use tuidesk::store::{NewTicket, TicketChange, TicketFilter, TicketSort};

/// A user set: business hours with a lunch break, a holiday on a DST weekend's Monday, and
/// resolution targets (paused by pending) beside first-response ones.
const PROOF_SET: &str = r#"
name = "proof"
description = "Property test: lunch breaks, resolution targets"
severities = [
  { name = "P1", description = "Down" },
  { name = "P2", description = "Degraded" },
]
at_risk_share = 0.5

[calendars.office]
mon = ["09:00-12:00", "13:00-18:00"]
tue = ["09:00-12:00", "13:00-18:00"]
wed = ["08:30-17:30"]
thu = ["09:00-18:00"]
fri = ["09:00-15:00"]
sun = ["01:00-04:00"]
holidays = [2026-10-26, 2026-03-30]

[plans.silver]
label = "Silver"
priority = 2

[plans.silver.first_response]
P1 = { hours = 2, clock = "business", calendar = "office" }
P2 = { hours = 5, clock = "business", calendar = "office" }

[plans.silver.resolution]
P1 = { hours = 9, clock = "business", calendar = "office" }
P2 = { hours = 30, clock = "24x7" }

[plans.gold]
label = "Gold"
priority = 1
linked_accounts = 3

[plans.gold.first_response]
P1 = { minutes = 30, clock = "24x7" }
P2 = { hours = 3, clock = "business", calendar = "office" }

[plans.gold.resolution]
P1 = { hours = 4, clock = "24x7" }
"#;

struct OrgSpec {
    name: &'static str,
    set: &'static str,
    tz: &'static str,
    plans: &'static [&'static str],
    severities: &'static [&'static str],
}

/// Parents first: `Kind` links to `Kind Parent` (same set).
const ORGS: &[OrgSpec] = &[
    OrgSpec {
        name: "Berlin",
        set: "connected-care",
        tz: "Europe/Berlin",
        plans: &["developer", "enterprise", "premium", "basic"],
        severities: &["S1", "S2", "S3", "S4"],
    },
    OrgSpec {
        name: "NewYork",
        set: "connected-care",
        tz: "America/New_York",
        plans: &["developer", "enterprise", "premium", "basic"],
        severities: &["S1", "S2", "S3", "S4"],
    },
    OrgSpec {
        name: "Shanghai",
        set: "ctyun",
        tz: "Asia/Shanghai",
        plans: &["enterprise", "business", "lightweight", "standard"],
        severities: &["urgent", "general"],
    },
    OrgSpec {
        name: "ShanghaiLinked",
        set: "ctyun",
        tz: "Asia/Shanghai",
        plans: &["standard", "lightweight"],
        severities: &["urgent", "general"],
    },
    OrgSpec {
        name: "Proof",
        set: "proof",
        tz: "Europe/Berlin",
        plans: &["gold", "silver"],
        severities: &["P1", "P2"],
    },
    OrgSpec {
        name: "ProofLinked",
        set: "proof",
        tz: "America/New_York",
        plans: &["silver"],
        severities: &["P1", "P2"],
    },
];

/// Linked account → parent (index into `ORGS`).
const LINKS: &[(usize, usize)] = &[(3, 2), (5, 4)];

#[derive(Debug, Clone)]
enum Op {
    Open {
        org: usize,
        severity: usize,
        billing: bool,
    },
    EngineerReply,
    CustomerReply,
    Note,
    Status(Status),
    Severity(usize),
    /// `org: None`: the organization of the ticket the step acts on.
    Plan {
        org: Option<usize>,
        plan: usize,
    },
    Link(usize),
    Unlink(usize),
}

#[derive(Debug, Clone)]
struct Step {
    /// Seconds after the previous step (at least 1: no two steps share an instant).
    gap: i64,
    /// Which open ticket an op on a ticket acts on (modulo how many there are).
    ticket: usize,
    op: Op,
}

#[derive(Debug, Clone)]
struct Case {
    start: DateTime<Utc>,
    /// Initial plan of each organization (index into its `plans`).
    plans: Vec<usize>,
    steps: Vec<Step>,
    /// Offsets after the last step of the instants to look at.
    nows: Vec<i64>,
}

/// Instants around weekends and DST changes (Berlin and New York), 2026.
fn anchors() -> Vec<DateTime<Utc>> {
    [
        (3, 6, 12),   // Friday before New York's spring forward (Sun 03-08)
        (3, 27, 15),  // Friday before Berlin's spring forward (Sun 03-29)
        (10, 23, 14), // Friday before Berlin's fall back (Sun 10-25)
        (10, 30, 20), // Friday before New York's fall back (Sun 11-01)
        (6, 30, 21),  // month end (report months in different zones)
        (11, 30, 22), // month end in Shanghai (UTC+8) is already December
    ]
    .iter()
    .map(|&(m, d, h)| Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap())
    .collect()
}

fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 1i64..120,
        4 => 60i64..4 * 3600,
        3 => 3600i64..40 * 3600,
        1 => 40 * 3600i64..4 * 86400,
    ]
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        3 => Just(Status::Pending),
        3 => Just(Status::Open),
        1 => Just(Status::OnHold),
        2 => Just(Status::Resolved),
        1 => Just(Status::Closed),
        1 => Just(Status::New),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..ORGS.len(), 0usize..4, prop::bool::weighted(0.2))
            .prop_map(|(org, severity, billing)| Op::Open { org, severity, billing }),
        4 => Just(Op::EngineerReply),
        2 => Just(Op::CustomerReply),
        1 => Just(Op::Note),
        6 => status().prop_map(Op::Status),
        2 => (0usize..4).prop_map(Op::Severity),
        3 => (prop::option::weighted(0.25, 0..ORGS.len()), 0usize..4)
            .prop_map(|(org, plan)| Op::Plan { org, plan }),
        1 => (0..LINKS.len()).prop_map(Op::Link),
        1 => (0..LINKS.len()).prop_map(Op::Unlink),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(anchors()),
        0i64..3 * 86400,
        prop::collection::vec(0usize..4, ORGS.len()),
        (0..ORGS.len(), 0usize..4, prop::bool::weighted(0.15)),
        prop::collection::vec((gap(), 0usize..4, op()), 1..18),
        prop::collection::vec(
            prop_oneof![
                Just(0i64),
                1i64..600,
                600i64..12 * 3600,
                12 * 3600i64..6 * 86400
            ],
            1..4,
        ),
    )
        .prop_map(|(anchor, offset, plans, first, steps, nows)| {
            let mut all = vec![Step {
                gap: 0,
                ticket: 0,
                op: Op::Open {
                    org: first.0,
                    severity: first.1,
                    billing: first.2,
                },
            }];
            all.extend(
                steps
                    .into_iter()
                    .map(|(gap, ticket, op)| Step { gap, ticket, op }),
            );
            Case {
                start: anchor + Duration::seconds(offset),
                plans,
                steps: all,
                nows,
            }
        })
}

fn actor() -> Actor {
    Actor {
        name: "prop".into(),
        via_as: true,
        os: None,
    }
}

fn registry(dir: &std::path::Path) -> Arc<PolicyRegistry> {
    let pdir = dir.join("policies");
    std::fs::create_dir_all(&pdir).unwrap();
    std::fs::write(pdir.join("proof.toml"), PROOF_SET).unwrap();
    Arc::new(tuidesk::config::policies::load_with_dir(Some(&pdir)).unwrap())
}

/// Runs the history; returns the desk, the tickets (with their org index) and the last instant.
fn play(dir: &std::path::Path, c: &Case) -> (Desk, Vec<(i64, usize)>, DateTime<Utc>) {
    let mut desk = Desk::open(&dir.join("desk.db"), registry(dir)).unwrap();
    let a = actor();
    // Organizations exist a year before, so their plans are current and history is clean.
    let setup = c.start - Duration::days(1);
    for (i, o) in ORGS.iter().enumerate() {
        let plan = o.plans[c.plans[i] % o.plans.len()];
        let plan = if plan == "basic" { "developer" } else { plan };
        desk.add_org(o.name, o.set, plan, o.tz, &a, setup).unwrap();
    }
    let mut tickets: Vec<(i64, usize)> = Vec::new();
    let mut at = c.start;
    for s in &c.steps {
        at += Duration::seconds(s.gap.max(if tickets.is_empty() { 0 } else { 1 }));
        let target = (!tickets.is_empty()).then(|| tickets[s.ticket % tickets.len()]);
        // Refusals (a rule says no) are fine: they must only not panic.
        match (&s.op, target) {
            (
                Op::Open {
                    org,
                    severity,
                    billing,
                },
                _,
            ) => {
                let o = &ORGS[*org];
                let new = NewTicket {
                    org: o.name.into(),
                    kind: Some(if *billing {
                        TicketKind::Billing
                    } else {
                        TicketKind::Technical
                    }),
                    severity: o.severities[severity % o.severities.len()].into(),
                    summary: format!("ticket at {at}"),
                    description: "generated".into(),
                    ..Default::default()
                };
                if let Ok(t) = desk.create_ticket(&new, &a, at) {
                    tickets.push((t.id, *org));
                }
            }
            (Op::Link(l), _) => {
                let (child, parent) = LINKS[*l];
                let _ = desk.link_org(ORGS[child].name, ORGS[parent].name, &a, at);
            }
            (Op::Unlink(l), _) => {
                let _ = desk.unlink_org(ORGS[LINKS[*l].0].name, &a, at);
            }
            (_, None) => {}
            (Op::EngineerReply, Some((id, _))) => {
                let _ = desk.add_entry(id, EntryKind::Reply, AuthorRole::Engineer, "hi", &a, at);
            }
            (Op::CustomerReply, Some((id, _))) => {
                let _ = desk.add_entry(id, EntryKind::Reply, AuthorRole::Customer, "hey", &a, at);
            }
            (Op::Note, Some((id, _))) => {
                let _ = desk.add_entry(id, EntryKind::Note, AuthorRole::Engineer, "n", &a, at);
            }
            (Op::Status(st), Some((id, _))) => {
                let _ = desk.change_ticket(id, &TicketChange::Status(*st), None, &a, at);
            }
            (Op::Severity(i), Some((id, org))) => {
                let sev = ORGS[org].severities[i % ORGS[org].severities.len()];
                let _ = desk.change_ticket(id, &TicketChange::Severity(sev.into()), None, &a, at);
            }
            (Op::Plan { org, plan }, target) => {
                let Some(org) = org.or(target.map(|t| t.1)) else {
                    continue;
                };
                let o = &ORGS[org];
                let _ = desk.change_org_plan(o.name, o.plans[plan % o.plans.len()], &a, at);
            }
        }
    }
    (desk, tickets, at)
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| {
        DateTime::parse_from_rfc3339(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .with_timezone(&Utc)
    })
}

fn fr_of(metrics: &[MetricStatus]) -> Option<&MetricStatus> {
    metrics.iter().find(|m| m.metric == Metric::FirstResponse)
}

/// What the queue row must show, from the engine alone.
fn expected_row(metrics: &[MetricStatus], done: bool, answered: bool) -> RowState {
    if done {
        return RowState::Done;
    }
    let running: Vec<&MetricStatus> = metrics.iter().filter(|m| m.clock_running()).collect();
    if running.iter().any(|m| m.state == SlaState::Breached) {
        return RowState::Breached;
    }
    if metrics.iter().any(|m| m.state == SlaState::Breached) {
        return match fr_of(metrics).is_some_and(MetricStatus::is_met_late)
            && metrics
                .iter()
                .filter(|m| m.state == SlaState::Breached)
                .all(MetricStatus::is_met_late)
        {
            true => RowState::MetLate,
            false => RowState::Breached,
        };
    }
    if running.iter().any(|m| m.state == SlaState::AtRisk) {
        return RowState::AtRisk;
    }
    if !running.is_empty() {
        return RowState::Running;
    }
    if metrics.iter().any(|m| m.state == SlaState::Paused) {
        return RowState::Paused;
    }
    if answered {
        return RowState::Met;
    }
    RowState::NoTarget
}

fn check_case(c: &Case) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (desk, tickets, last) = play(dir.path(), c);
    let mut nows: Vec<DateTime<Utc>> = c
        .nows
        .iter()
        .map(|s| last + Duration::seconds(*s))
        .collect();
    // The boundaries: at every due instant after the history, and one second later.
    for &(id, _) in &tickets {
        let rep = desk.sla_report(id, last).unwrap();
        for m in &rep.metrics {
            for t in [m.due, m.next_change].into_iter().flatten() {
                if t >= last {
                    nows.extend([t, t + Duration::seconds(1)]);
                }
            }
        }
    }
    nows.sort();
    nows.dedup();
    for now in nows {
        check_at(&desk, &tickets, now)?;
    }
    Ok(())
}

fn check_at(
    desk: &Desk,
    tickets: &[(i64, usize)],
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let policies = desk.policies().clone();
    let all = TicketFilter {
        all_statuses: true,
        ..Default::default()
    };
    let listed = desk
        .list_tickets(&all, TicketSort::Due, None, None, 1000, now)
        .unwrap()
        .tickets;
    let breached_all: Vec<i64> = desk
        .list_tickets(
            &TicketFilter {
                breached: true,
                ..all.clone()
            },
            TicketSort::Due,
            None,
            None,
            1000,
            now,
        )
        .unwrap()
        .tickets
        .iter()
        .map(|t| t.id)
        .collect();
    let breached_active: Vec<i64> = desk
        .list_tickets(
            &TicketFilter {
                breached: true,
                ..Default::default()
            },
            TicketSort::Due,
            None,
            None,
            1000,
            now,
        )
        .unwrap()
        .tickets
        .iter()
        .map(|t| t.id)
        .collect();
    let (mut n_active, mut n_breached, mut n_risk) = (0, 0, 0);
    // (org, month) → (met, breached, pending, stopped, no target) as the engine judges.
    let mut report: BTreeMap<(usize, YearMonth), [u32; 5]> = BTreeMap::new();

    for &(id, org) in tickets {
        let t = desk.ticket(id, now).unwrap();
        let rep = desk.sla_report(id, now).unwrap();
        let m = &rep.metrics;
        let fr = fr_of(m);
        let done = t.status.is_done();
        let ctx = format!(
            "ticket {id} ({}, {}) at {now}: {t:#?}\nengine: {m:#?}\ntimeline: {:#?}",
            ORGS[org].name, rep.effective_plan, rep.timeline
        );

        // The engine's own coherence.
        for x in m {
            if x.state == SlaState::Breached {
                prop_assert!(x.breached_at.is_some_and(|b| b < now), "{}", ctx);
            }
            if done {
                prop_assert!(!x.clock_running(), "a clock runs after resolution: {}", ctx);
                prop_assert!(
                    x.state != SlaState::Running && x.state != SlaState::AtRisk,
                    "{}",
                    ctx
                );
            }
        }

        // An answered first response no longer runs, whatever the target is now.
        let tl = &rep.timeline;
        if let (Some(x), Some(r)) = (fr, tl.first_response_at)
            && tl.resolved_at.is_none_or(|s| r <= s)
        {
            prop_assert!(!x.clock_running(), "answered but running: {}", ctx);
            if x.target.is_some() || x.state == SlaState::Breached {
                prop_assert_eq!(x.answered_at, Some(r), "{}", ctx);
            }
        }

        // Breached, everywhere.
        let eng_breached = m.iter().any(|x| x.state == SlaState::Breached);
        prop_assert_eq!(t.breached, eng_breached, "stored breached: {}", ctx);
        prop_assert_eq!(
            breached_all.contains(&id),
            eng_breached,
            "--breached --all: {}",
            ctx
        );
        prop_assert_eq!(
            breached_active.contains(&id),
            eng_breached && !done,
            "--breached: {}",
            ctx
        );

        // Due instants and the stored clock columns.
        prop_assert_eq!(
            t.first_response_due,
            fr.and_then(|x| x.due),
            "fr due: {}",
            ctx
        );
        let next_due = m
            .iter()
            .filter(|x| x.clock_running() && !done)
            .filter_map(|x| x.due)
            .min();
        prop_assert_eq!(t.next_due, next_due, "next_due: {}", ctx);
        let paused = m
            .iter()
            .filter(|x| x.state == SlaState::Paused && !done)
            .filter_map(|x| x.remaining_seconds)
            .min();
        prop_assert_eq!(t.paused_seconds_left, paused, "paused left: {}", ctx);

        // The queue row.
        let row = row_state(&t, now);
        let want = expected_row(m, done, t.first_response_at.is_some());
        prop_assert_eq!(row, want, "row state: {}", ctx);
        if row == RowState::Met {
            prop_assert!(
                fr.is_none_or(|x| matches!(x.state, SlaState::Met | SlaState::NotApplicable)),
                "{}",
                ctx
            );
        }
        if !done {
            n_active += 1;
            n_breached += i64::from(t.breached);
            n_risk += i64::from(row == RowState::AtRisk);
        }

        // ticket show --json, ticket list --json.
        let frs = desk.first_response_statuses(&[id], now).unwrap();
        prop_assert_eq!(frs.len(), 1);
        prop_assert_eq!(frs[0].as_ref(), fr, "first_response_statuses: {}", ctx);
        let j = ticket_json(&t, fr, now);
        prop_assert_eq!(
            &j["breached"],
            &Value::Bool(eng_breached),
            "json breached: {}",
            ctx
        );
        prop_assert_eq!(
            instant(&j["first_response_due"]),
            fr.and_then(|x| x.due),
            "{}",
            ctx
        );
        prop_assert_eq!(instant(&j["next_due"]), next_due, "{}", ctx);
        let shown = fr.map_or("not-applicable", MetricStatus::shown_state);
        prop_assert_eq!(j["first_response_state"].as_str(), Some(shown), "{}", ctx);
        prop_assert_eq!(
            j["late_by_seconds"].as_i64(),
            fr.and_then(MetricStatus::late_by_seconds),
            "{}",
            ctx
        );
        prop_assert_eq!(
            j["late_label"].as_str().map(str::to_string),
            fr.and_then(tuidesk::sla::late_label),
            "{}",
            ctx
        );
        let remaining = fr
            .filter(|x| x.clock_running())
            .and_then(|x| x.due)
            .map(|d| (d - now).num_seconds());
        prop_assert_eq!(j["remaining_seconds"].as_i64(), remaining, "{}", ctx);
        if shown == "met-late" {
            prop_assert!(eng_breached && t.breached, "met late is breached: {}", ctx);
            prop_assert!(
                done || matches!(row, RowState::MetLate | RowState::Breached),
                "{}",
                ctx
            );
        }
        if shown == "stopped" {
            prop_assert!(done, "{}", ctx);
        }
        let in_list = listed
            .iter()
            .find(|x| x.id == id)
            .expect("listed with --all");
        prop_assert_eq!(
            ticket_json(in_list, fr, now),
            j.clone(),
            "list vs show: {}",
            ctx
        );

        // sla explain --json.
        let e = explain_json(&rep, &policies, id).unwrap();
        let metrics = e["metrics"].as_array().unwrap();
        prop_assert_eq!(metrics.len(), m.len());
        let any_breached = metrics.iter().any(|x| x["breached"] == Value::Bool(true));
        prop_assert_eq!(any_breached, t.breached, "explain breached: {}", ctx);
        for (x, v) in m.iter().zip(metrics) {
            prop_assert_eq!(v["state"].as_str(), Some(x.state.as_str()));
            prop_assert_eq!(v["shown_state"].as_str(), Some(x.shown_state()));
            prop_assert_eq!(instant(&v["due"]), x.due);
            prop_assert_eq!(instant(&v["breached_at"]), x.breached_at);
            prop_assert_eq!(instant(&v["answered_at"]), x.answered_at);
            prop_assert_eq!(v["stopped"].as_bool(), Some(x.state == SlaState::Stopped));
            prop_assert_eq!(
                v["paused_by_pending"].as_bool(),
                Some(x.metric != Metric::FirstResponse)
            );
        }
        if let (Some(x), Some(v)) = (fr, metrics.first()) {
            prop_assert_eq!(
                v["shown_state"].as_str(),
                j["first_response_state"].as_str()
            );
            prop_assert_eq!(instant(&v["due"]), instant(&j["first_response_due"]));
            prop_assert_eq!(&v["late_label"], &j["late_label"]);
            prop_assert_eq!(x.metric, Metric::FirstResponse);
        }

        // The monthly report, as the engine judges the first response.
        let tz: chrono_tz::Tz = ORGS[org].tz.parse().unwrap();
        let month = YearMonth::of(t.created_at.with_timezone(&tz).date_naive());
        let slot = match fr.map(|x| x.state) {
            Some(SlaState::Met) => 0,
            Some(SlaState::Breached) => 1,
            Some(SlaState::Running | SlaState::AtRisk | SlaState::Paused) => 2,
            Some(SlaState::Stopped) => 3,
            Some(SlaState::NotApplicable) | None => 4,
        };
        report.entry((org, month)).or_default()[slot] += 1;
    }

    let counts = desk.urgency_counts(now).unwrap();
    prop_assert_eq!(counts.active, n_active, "active count");
    prop_assert_eq!(counts.breached, n_breached, "breached count");
    prop_assert_eq!(counts.at_risk, n_risk, "at-risk count");

    for ((org, month), want) in report {
        let r = desk
            .monthly_report(month, Some(ORGS[org].name), now)
            .unwrap();
        let fr = &r.orgs[0].first_response;
        prop_assert_eq!(
            [fr.met, fr.breached, fr.pending, fr.stopped, fr.no_target],
            want,
            "report of {} for {} at {}",
            ORGS[org].name,
            month,
            now
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // 64 keeps the suite fast; PROPTEST_CASES=1000 for a deeper search.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_view_of_the_sla_agrees(c in case()) {
        check_case(&c)?;
    }
}
