//! The SLA figures stored on each ticket so the queue sorts and filters by urgency with an
//! index walk, never recomputing in SQL. They are refreshed inside every write transaction
//! that touches something they depend on (status, severity, plan, replies).

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

use super::{Context, Result, from_ts, opt_from_ts, to_ts};
use crate::domain::Status;
use crate::policy::{Metric, PolicyRegistry};
use crate::sla::{self, MetricStatus, Pause, SlaState, TicketTimeline};

/// Sort-key offsets: tickets with a running clock sort by due instant; paused ones after
/// them by time left; those with nothing running last, oldest first.
pub const PAUSED_BASE: i64 = 1 << 40;
pub const IDLE_BASE: i64 = 1 << 41;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaColumns {
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
    let resolved_at = timeline.resolved_at.map(to_ts);
    let mut cols = SlaColumns::default();
    for m in metrics {
        if m.metric == Metric::FirstResponse {
            cols.first_response_due = m.due.map(to_ts);
        }
        let stopped = status.is_done()
            || match m.metric {
                Metric::FirstResponse => timeline.first_response_at.is_some(),
                Metric::Resolution => timeline.resolved_at.is_some(),
                Metric::NextResponse => false,
            };
        match m.state {
            SlaState::Running | SlaState::AtRisk | SlaState::Breached if !stopped => {
                if let Some(due) = m.due.map(to_ts) {
                    keep_min(&mut cols.next_due, due);
                    keep_min(&mut cols.breach_at, due);
                }
                let risk = match m.state {
                    SlaState::Running => m.next_change.map(to_ts),
                    _ => Some(to_ts(now)),
                };
                if let Some(r) = risk {
                    keep_min(&mut cols.risk_at, r);
                }
            }
            SlaState::Paused => {
                if let Some(left) = m.remaining_seconds {
                    keep_min(&mut cols.paused_left, left);
                }
                if let Some(b) = m.breached_at.map(to_ts) {
                    keep_min(&mut cols.breach_at, b);
                }
            }
            _ => {
                // A clock that stopped late (response after the due instant) stays breached;
                // one stopped by resolving the ticket counts only if it was already overdue.
                if let Some(b) = m.breached_at.map(to_ts)
                    && (m.state == SlaState::Breached || !status.is_done())
                    && resolved_at.is_none_or(|r| b <= r)
                {
                    keep_min(&mut cols.breach_at, b);
                }
            }
        }
    }
    cols.urgency = match (cols.next_due, cols.paused_left) {
        (Some(d), _) if !status.is_done() => d,
        (None, Some(left)) if !status.is_done() => PAUSED_BASE + left.max(0),
        _ => IDLE_BASE + to_ts(timeline.opened),
    };
    if status.is_done() {
        cols.next_due = None;
        cols.risk_at = None;
        cols.paused_left = None;
    }
    cols
}

pub struct TicketSlaInputs {
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
    pub severity: String,
    pub status: Status,
    pub timeline: TicketTimeline,
}

/// Reads everything the SLA engine needs about one ticket.
pub fn load_inputs(tx: &rusqlite::Connection, ticket_id: i64) -> Result<TicketSlaInputs> {
    let (policy_set, plan, tz, severity, status, created, first_response, resolved): (
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        Option<i64>,
    ) = tx
        .prepare_cached(
            "SELECT o.policy_set, COALESCE(p.plan, o.plan), o.tz, t.severity, t.status,
                    t.created_at, t.first_response_at, t.resolved_at
             FROM tickets t JOIN orgs o ON o.id = t.org_id
             LEFT JOIN orgs p ON p.id = o.parent_id
             WHERE t.id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([ticket_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
        })
        .ctx("loading ticket for SLA")?;
    let pauses = tx
        .prepare_cached(
            "SELECT started_at, ended_at FROM pauses WHERE ticket_id = ?1 ORDER BY started_at",
        )
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| {
                Ok(Pause {
                    start: from_ts(r.get(0)?),
                    end: opt_from_ts(r.get(1)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("loading pauses")?;
    Ok(TicketSlaInputs {
        policy_set,
        plan,
        tz,
        severity,
        status: status.parse().unwrap_or(crate::domain::Status::Open),
        timeline: TicketTimeline {
            opened: from_ts(created),
            pauses,
            first_response_at: opt_from_ts(first_response),
            resolved_at: opt_from_ts(resolved),
            ..Default::default()
        },
    })
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
    sla::evaluate(set, plan, &inputs.severity, tz, &inputs.timeline, now)
}

/// Recomputes and stores one ticket's SLA columns.
pub fn refresh(
    tx: &Transaction,
    policies: &PolicyRegistry,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_inputs(tx, policies, ticket_id, now).map(|_| ())
}

/// `refresh`, handing back what it read (a plan change also needs the plan).
fn refresh_inputs(
    tx: &Transaction,
    policies: &PolicyRegistry,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<TicketSlaInputs> {
    let inputs = load_inputs(tx, ticket_id)?;
    let metrics = evaluate_inputs(policies, &inputs, now);
    let cols = columns_from_metrics(&metrics, inputs.status, &inputs.timeline, now);
    store_columns(tx, ticket_id, &cols)?;
    Ok(inputs)
}

pub fn store_columns(tx: &Transaction, ticket_id: i64, cols: &SlaColumns) -> Result<()> {
    tx.prepare_cached(
        "UPDATE tickets SET first_response_due = ?2, next_due = ?3, risk_at = ?4, breach_at = ?5,
                paused_left = ?6, urgency = ?7 WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![
            ticket_id,
            cols.first_response_due,
            cols.next_due,
            cols.risk_at,
            cols.breach_at,
            cols.paused_left,
            cols.urgency
        ])
    })
    .ctx("storing SLA due instants")?;
    Ok(())
}

/// After an organization's plan or link changed: recomputes every open ticket of the
/// organization and of the accounts linked to it "from their creation" on the plan that
/// now serves them, and moves them to that plan's queue priority. Returns how many.
pub fn refresh_org_tickets(
    tx: &Transaction,
    policies: &PolicyRegistry,
    org_id: i64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let ids: Vec<i64> = tx
        .prepare_cached(
            "SELECT t.id FROM tickets t JOIN orgs o ON o.id = t.org_id
             WHERE (o.id = ?1 OR o.parent_id = ?1) AND t.status NOT IN ('resolved', 'closed')",
        )
        .and_then(|mut s| {
            s.query_map([org_id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("finding open tickets to recompute")?;
    for &id in &ids {
        let inputs = refresh_inputs(tx, policies, id, now)?;
        let priority = policies
            .get(&inputs.policy_set)
            .and_then(|set| {
                let tz = inputs.tz.parse::<chrono_tz::Tz>().ok()?;
                let opened = inputs.timeline.opened.with_timezone(&tz).date_naive();
                set.plan(set.effective_plan(&inputs.plan, opened))
            })
            .map_or(100, |p| i64::from(p.priority));
        tx.prepare_cached("UPDATE tickets SET priority = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, priority]))
            .ctx("storing queue priority")?;
    }
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::policy::PolicySet;

    const SET: &str = r#"
severities = ["high"]
[plans.p.first_response]
high = { minutes = 60, clock = "24x7" }
[plans.p.resolution]
high = { hours = 4, clock = "24x7" }
"#;

    fn cols(tl: &TicketTimeline, status: Status, now: DateTime<Utc>) -> SlaColumns {
        let set = PolicySet::from_toml_str(SET, "p.toml").unwrap();
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
        assert_eq!(c.first_response_due, Some(to_ts(t0() + Duration::hours(1))));
        assert_eq!(c.next_due, None);
        assert_eq!(c.risk_at, None);
        assert_eq!(c.breach_at, None);
        assert_eq!(c.paused_left, None);
        assert_eq!(c.urgency, IDLE_BASE + to_ts(t0()));
        // resolved at 1:30 without a reply: the first-response breach at 1:00 stays
        let tl = TicketTimeline {
            resolved_at: Some(t0() + Duration::minutes(90)),
            ..tl
        };
        let c = cols(&tl, Status::Closed, t0() + Duration::days(3));
        assert_eq!(c.breach_at, Some(to_ts(t0() + Duration::hours(1))));
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
        assert_eq!(c.next_due, Some(to_ts(t0() + Duration::hours(1))));
        assert_eq!(c.paused_left, Some(230 * 60));
        assert_eq!(c.urgency, to_ts(t0() + Duration::hours(1)));
        // answered at 1:15 (met late): breach recorded, first response no longer runs
        let tl = TicketTimeline {
            first_response_at: Some(t0() + Duration::minutes(75)),
            pauses: vec![],
            ..tl
        };
        let c = cols(&tl, Status::Open, t0() + Duration::minutes(80));
        assert_eq!(c.breach_at, Some(to_ts(t0() + Duration::hours(1))));
        assert_eq!(c.next_due, Some(to_ts(t0() + Duration::hours(4))));
    }
}
