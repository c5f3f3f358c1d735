//! One SLA evaluation for every place that shows SLA state: the stored columns (so the
//! queue sorts and filters by urgency with an index walk), the JSON of `ticket show/list`,
//! `sla explain`, the TUI panes and the monthly report all start from [`evaluate_inputs`]
//! and [`columns_from_metrics`]. Pure: `now` is a parameter.

use chrono::{DateTime, Utc};

use crate::assurance::{self, AssuranceWindow, EffectiveSeverity};
use crate::domain::Status;
use crate::policy::{Metric, PolicyRegistry};
use crate::sla::{self, MetricStatus, SlaState, TicketTimeline};

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Sort-key offsets: tickets with a running clock sort by due instant; paused ones after
/// them by time left; those with nothing running last, oldest first.
pub const PAUSED_BASE: i64 = 1 << 40;
pub const IDLE_BASE: i64 = 1 << 41;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaColumns {
    /// The level the ticket is handled at when an event assurance raised it (None: as filed),
    /// with why, and the rank the queue sorts it by (None: the filed one).
    pub effective_severity: Option<String>,
    pub severity_note: Option<String>,
    pub severity_rank: Option<i64>,
    pub first_response_due: Option<i64>,
    pub next_due: Option<i64>,
    pub risk_at: Option<i64>,
    pub breach_at: Option<i64>,
    pub paused_left: Option<i64>,
    pub urgency: i64,
}

/// Folds the evaluated metrics into the stored columns.
pub fn columns_from_metrics(
    metrics: &[MetricStatus],
    status: Status,
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> SlaColumns {
    fn keep_min(slot: &mut Option<i64>, value: i64) {
        *slot = Some(slot.map_or(value, |x| x.min(value)));
    }
    let mut cols = SlaColumns::default();
    let done = status.is_done();
    for m in metrics {
        if m.metric == Metric::FirstResponse {
            cols.first_response_due = m.due.map(ts);
        }
        // An earlier next-response cycle's breach stays a fact.
        if let Some(b) = m.earlier_breach.map(ts) {
            keep_min(&mut cols.breach_at, b);
        }
        if m.clock_running() && !done {
            if let Some(due) = m.due.map(ts) {
                keep_min(&mut cols.next_due, due);
                keep_min(&mut cols.breach_at, due);
            }
            let risk = match m.state {
                SlaState::Running => m.next_change.map(ts),
                _ => Some(ts(now)),
            };
            if let Some(r) = risk {
                keep_min(&mut cols.risk_at, r);
            }
        } else if m.state == SlaState::Paused {
            if let Some(left) = m.remaining_seconds {
                keep_min(&mut cols.paused_left, left);
            }
        } else if m.state == SlaState::Breached
            && let Some(b) = m.breached_at.map(ts)
        {
            // A clock that stopped breached (answered late, resolved after the due instant,
            // or a breach on record) stays breached.
            keep_min(&mut cols.breach_at, b);
        }
    }
    cols.urgency = match (cols.next_due, cols.paused_left) {
        (Some(d), _) if !status.is_done() => d,
        (None, Some(left)) if !status.is_done() => PAUSED_BASE + left.max(0),
        _ => IDLE_BASE + ts(timeline.opened),
    };
    if status.is_done() {
        cols.next_due = None;
        cols.risk_at = None;
        cols.paused_left = None;
    }
    cols
}

#[derive(Debug, Clone, PartialEq)]
pub struct TicketSlaInputs {
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
    /// As filed; the effective level comes from [`effective_severity`].
    pub severity: String,
    pub status: Status,
    pub timeline: TicketTimeline,
    /// The organization's event-assurance orders that were not rejected.
    pub assurance: Vec<AssuranceWindow>,
    /// Each change of the filed severity, oldest first: when, and the level before it. A
    /// metric that was answered or stopped keeps the level that served it then.
    pub severity_changes: Vec<(DateTime<Utc>, String)>,
}

impl TicketSlaInputs {
    /// The filed severity at `at`: the level before the first change after it.
    pub fn severity_at(&self, at: DateTime<Utc>) -> &str {
        self.severity_changes
            .iter()
            .find(|(when, _)| *when > at)
            .map_or(self.severity.as_str(), |(_, before)| before.as_str())
    }
}

/// Evaluates a ticket's metrics from its inputs; empty when the policy set or zone is unknown
/// (a user's policy file was removed): the ticket then simply has no running target.
pub fn evaluate_inputs(
    policies: &PolicyRegistry,
    inputs: &TicketSlaInputs,
    now: DateTime<Utc>,
) -> Vec<MetricStatus> {
    let (Some(set), Ok(tz)) = (
        policies.get(&inputs.policy_set),
        inputs.tz.parse::<chrono_tz::Tz>(),
    ) else {
        return Vec::new();
    };
    let opened_local = inputs.timeline.opened.with_timezone(&tz).date_naive();
    let plan = set.effective_plan(&inputs.plan, opened_local);
    let evaluate = |filed: &str| {
        let severity =
            assurance::effective_severity(&set.severities, filed, opened_local, &inputs.assurance);
        sla::evaluate(set, plan, &severity.severity, tz, &inputs.timeline, now)
    };
    let mut metrics = evaluate(&inputs.severity);
    // Answered or stopped metrics keep the severity that served them (DOMAIN.md): a later
    // change of level must not turn a met first response into a breach after the fact.
    for metric in &mut metrics {
        let Some(at) = metric.stopped_at else {
            continue;
        };
        let served = inputs.severity_at(at);
        if served != inputs.severity
            && let Some(m) = evaluate(served)
                .into_iter()
                .find(|m| m.metric == metric.metric && m.stopped_at == Some(at))
        {
            *metric = m;
        }
    }
    metrics
}

/// The first instant at or after `at` inside the customer's business hours for this ticket:
/// the business calendar `metric`'s target counts in, else the policy set's business hours,
/// in the customer's zone; `at` itself when the set has no calendar. An alert held for
/// business hours fires then.
pub fn first_in_hours(
    policies: &PolicyRegistry,
    inputs: &TicketSlaInputs,
    metric: crate::policy::Metric,
    at: DateTime<Utc>,
) -> DateTime<Utc> {
    let (Some(set), Ok(tz)) = (
        policies.get(&inputs.policy_set),
        inputs.tz.parse::<chrono_tz::Tz>(),
    ) else {
        return at;
    };
    let opened_local = inputs.timeline.opened.with_timezone(&tz).date_naive();
    let plan = set.effective_plan(&inputs.plan, opened_local);
    let severity = assurance::effective_severity(
        &set.severities,
        &inputs.severity,
        opened_local,
        &inputs.assurance,
    );
    // The target's own business calendar; for a 24x7 target (or none) the set's business
    // hours (`business`, else its only calendar): the customer's working day either way.
    let target_clock = set
        .target(plan, metric, &severity.severity)
        .and_then(|target| sla::ClockRef::for_target(set, target, tz));
    let set_hours = || {
        let names = set.calendar_names();
        let name = if names.contains(&"business") {
            Some("business")
        } else if names.len() == 1 {
            names.first().copied()
        } else {
            None
        };
        name.and_then(|n| set.calendar(n))
            .map(|calendar| sla::ClockRef::Business { calendar, tz })
    };
    let clock = match target_clock {
        Some(c @ sla::ClockRef::Business { .. }) => Some(c),
        _ => set_hours(),
    };
    match clock {
        // One clock second from `at` ends one second after the first business second.
        Some(clock @ sla::ClockRef::Business { .. }) => clock
            .add(at, 1)
            .map_or(at, |t| (t - chrono::Duration::seconds(1)).max(at)),
        _ => at,
    }
}

/// The level a ticket is handled at (raised by an event assurance in force when it opened).
pub fn effective_severity(
    policies: &PolicyRegistry,
    inputs: &TicketSlaInputs,
) -> EffectiveSeverity {
    let as_filed = EffectiveSeverity {
        severity: inputs.severity.clone(),
        raised_by: None,
    };
    let (Some(set), Ok(tz)) = (
        policies.get(&inputs.policy_set),
        inputs.tz.parse::<chrono_tz::Tz>(),
    ) else {
        return as_filed;
    };
    let opened_local = inputs.timeline.opened.with_timezone(&tz).date_naive();
    assurance::effective_severity(
        &set.severities,
        &inputs.severity,
        opened_local,
        &inputs.assurance,
    )
}

/// Everything stored about one ticket's SLA: the one evaluation, folded into columns.
pub fn ticket_columns(
    policies: &PolicyRegistry,
    inputs: &TicketSlaInputs,
    now: DateTime<Utc>,
) -> SlaColumns {
    let metrics = evaluate_inputs(policies, inputs, now);
    let mut cols = columns_from_metrics(&metrics, inputs.status, &inputs.timeline, now);
    let severity = effective_severity(policies, inputs);
    cols.severity_rank = policies
        .get(&inputs.policy_set)
        .and_then(|set| set.severity_rank(&severity.severity))
        .map(|r| r as i64);
    if severity.raised_by.is_some() {
        cols.severity_note = severity.note();
        cols.effective_severity = Some(severity.severity);
    }
    cols
}

/// What every screen counts down for a running metric: wall-clock seconds to its due instant
/// (the quantity the queue sorts by and shows), and the business seconds left when the
/// target counts business hours and the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub due: DateTime<Utc>,
    pub wall_seconds: i64,
    pub business_seconds: Option<i64>,
}

pub fn countdown(m: &MetricStatus, now: DateTime<Utc>) -> Option<Countdown> {
    let due = m.due?;
    let wall_seconds = super::seconds_until(due, now);
    let business = matches!(
        m.target.as_ref().map(|t| &t.clock),
        Some(crate::policy::Clock::Business { .. })
    );
    let business_seconds = m
        .remaining_seconds
        .filter(|r| business && *r != wall_seconds);
    Some(Countdown {
        due,
        wall_seconds,
        business_seconds,
    })
}

/// The queue priority of the plan that serves a ticket (lower first; 100 when unknown).
pub fn plan_priority(policies: &PolicyRegistry, inputs: &TicketSlaInputs) -> i64 {
    policies
        .get(&inputs.policy_set)
        .and_then(|set| {
            let tz = inputs.tz.parse::<chrono_tz::Tz>().ok()?;
            let opened = inputs.timeline.opened.with_timezone(&tz).date_naive();
            set.plan(set.effective_plan(&inputs.plan, opened))
        })
        .map_or(100, |p| i64::from(p.priority))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::sla::Pause;

    const SET: &str = r#"
severities = ["high"]
[plans.p.first_response]
high = { minutes = 60, clock = "24x7" }
[plans.p.resolution]
high = { hours = 4, clock = "24x7" }
"#;

    fn cols(tl: &TicketTimeline, status: Status, now: DateTime<Utc>) -> SlaColumns {
        let set = crate::config::policies::parse_set(SET, "p.toml").unwrap();
        let metrics = sla::evaluate(&set, "p", "high", chrono_tz::UTC, tl, now);
        columns_from_metrics(&metrics, status, tl, now)
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-02-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn stopped_metrics_run_nothing_and_breach_nothing() {
        // resolved at 0:20 without a reply: first response stopped, resolution met
        let tl = TicketTimeline {
            opened: t0(),
            resolved_at: Some(t0() + Duration::minutes(20)),
            ..Default::default()
        };
        let c = cols(&tl, Status::Resolved, t0() + Duration::days(3));
        // the due instant of the target that served it stays on record
        assert_eq!(c.first_response_due, Some(ts(t0() + Duration::hours(1))));
        assert_eq!(c.next_due, None);
        assert_eq!(c.risk_at, None);
        assert_eq!(c.breach_at, None);
        assert_eq!(c.paused_left, None);
        assert_eq!(c.urgency, IDLE_BASE + ts(t0()));
        // resolved at 1:30 without a reply: the first-response breach at 1:00 stays
        let tl = TicketTimeline {
            resolved_at: Some(t0() + Duration::minutes(90)),
            ..tl
        };
        let c = cols(&tl, Status::Closed, t0() + Duration::days(3));
        assert_eq!(c.breach_at, Some(ts(t0() + Duration::hours(1))));
        assert_eq!(c.next_due, None);
    }

    #[test]
    fn pending_keeps_the_first_response_running_and_met_late_stays_breached() {
        let tl = TicketTimeline {
            opened: t0(),
            pauses: vec![Pause {
                start: t0() + Duration::minutes(10),
                end: None,
            }],
            ..Default::default()
        };
        let now = t0() + Duration::minutes(20);
        let c = cols(&tl, Status::Pending, now);
        assert_eq!(c.next_due, Some(ts(t0() + Duration::hours(1))));
        assert_eq!(c.paused_left, Some(230 * 60));
        assert_eq!(c.urgency, ts(t0() + Duration::hours(1)));
        // answered at 1:15 (met late): breach recorded, first response no longer runs
        let tl = TicketTimeline {
            first_response_at: Some(t0() + Duration::minutes(75)),
            pauses: vec![],
            ..tl
        };
        let c = cols(&tl, Status::Open, t0() + Duration::minutes(80));
        assert_eq!(c.breach_at, Some(ts(t0() + Duration::hours(1))));
        assert_eq!(c.next_due, Some(ts(t0() + Duration::hours(4))));
    }

    #[test]
    fn countdown_is_wall_time_to_due_with_business_time_beside_it_when_they_differ() {
        let set = crate::config::policies::builtin().unwrap();
        let cc = set.get("connected-care").unwrap();
        // Developer S2 counts business hours in Berlin; opened Friday 17:00 local.
        let opened = DateTime::parse_from_rfc3339("2026-03-06T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tl = TicketTimeline {
            opened,
            ..Default::default()
        };
        let plan = cc
            .plans
            .iter()
            .find(|p| {
                p.target(Metric::FirstResponse, "S2")
                    .is_some_and(|t| matches!(t.clock, crate::policy::Clock::Business { .. }))
            })
            .map(|p| p.name.clone())
            .expect("a plan with a business-hours S2 target");
        let now = opened + chrono::Duration::minutes(30);
        let metrics = sla::evaluate(cc, &plan, "S2", chrono_tz::Europe::Berlin, &tl, now);
        let m = &metrics[0];
        let c = countdown(m, now).unwrap();
        assert_eq!(c.wall_seconds, (m.due.unwrap() - now).num_seconds());
        // Over a weekend the wall time to the due instant is far longer than the business
        // time left, and both are shown.
        assert!(c.wall_seconds > m.remaining_seconds.unwrap());
        assert_eq!(c.business_seconds, m.remaining_seconds);
        // A 24×7 target shows one number only.
        let wall = sla::evaluate(cc, "enterprise", "S1", chrono_tz::Europe::Berlin, &tl, now);
        assert_eq!(countdown(&wall[0], now).unwrap().business_seconds, None);
    }
}

/// DOMAIN.md: answered or resolved metrics keep the severity that served them. A first
/// response met under S2 stays met when the ticket is raised to S1 afterwards (S1's shorter
/// target would have been missed); the running resolution takes the new level; a response
/// late under S1 stays late when the ticket is lowered after it.
#[cfg(test)]
mod served_severity {
    use chrono::Duration;

    use super::*;
    use crate::policy::Metric;

    fn inputs(
        severity: &str,
        changes: Vec<(DateTime<Utc>, String)>,
        answered: i64,
    ) -> TicketSlaInputs {
        let opened = DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        TicketSlaInputs {
            policy_set: "connected-care".into(),
            plan: "enterprise".into(),
            tz: "UTC".into(),
            severity: severity.into(),
            status: Status::Open,
            timeline: TicketTimeline {
                opened,
                first_response_at: Some(opened + Duration::minutes(answered)),
                ..Default::default()
            },
            assurance: Vec::new(),
            severity_changes: changes,
        }
    }

    fn first_response(i: &TicketSlaInputs, now: DateTime<Utc>) -> MetricStatus {
        let policies = crate::config::policies::builtin().unwrap();
        evaluate_inputs(&policies, i, now)
            .into_iter()
            .find(|m| m.metric == Metric::FirstResponse)
            .unwrap()
    }

    #[test]
    fn a_met_first_response_keeps_the_level_that_served_it() {
        let policies = crate::config::policies::builtin().unwrap();
        let set = policies.get("connected-care").unwrap();
        let target = |sev: &str| {
            set.target("enterprise", Metric::FirstResponse, sev)
                .unwrap()
                .seconds
                / 60
        };
        let (s1, s2) = (target("S1"), target("S2"));
        assert!(s1 < s2, "S1 answers sooner than S2 ({s1} vs {s2} minutes)");
        // Answered between the two targets: met under S2, late under S1.
        let answered = (s1 + s2) / 2;
        let plain = inputs("S2", Vec::new(), answered);
        let opened = plain.timeline.opened;
        let now = opened + Duration::minutes(s2 + 60);
        assert_eq!(first_response(&plain, now).state, crate::sla::SlaState::Met);
        // Raised to S1 after the answer: still met, and due at S2's instant.
        let raised = inputs(
            "S1",
            vec![(opened + Duration::minutes(answered + 2), "S2".into())],
            answered,
        );
        let m = first_response(&raised, now);
        assert_eq!(m.state, crate::sla::SlaState::Met, "{m:?}");
        assert_eq!(m.due, Some(opened + Duration::minutes(s2)));
        // Raised before the answer: S1 served it, and it was late.
        let early = inputs(
            "S1",
            vec![(opened + Duration::minutes(1), "S2".into())],
            answered,
        );
        assert_eq!(
            first_response(&early, now).state,
            crate::sla::SlaState::Breached
        );
        // Late under S1, lowered to S2 afterwards: still late.
        let lowered = inputs(
            "S2",
            vec![(opened + Duration::minutes(answered + 2), "S1".into())],
            answered,
        );
        assert_eq!(
            first_response(&lowered, now).state,
            crate::sla::SlaState::Breached
        );
    }
}
