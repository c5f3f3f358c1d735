//! The SLA figures stored on each ticket so the queue sorts and filters by urgency with an
//! index walk, never recomputing in SQL. They are refreshed inside every write transaction
//! that touches something they depend on (status, severity, plan, replies).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Context, Result, StoreError, from_ts, opt_from_ts};

use crate::assurance::AssuranceWindow;
use crate::policy::Metric;
use crate::policy::PolicyRegistry;
pub use crate::sla::columns::{SlaColumns, TicketSlaInputs, columns_from_metrics};
use crate::sla::{Pause, RecordedBreach, TicketTimeline};

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
            .optional()
        })
        .ctx("loading ticket for SLA")?
        .ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            key: ticket_id.to_string(),
        })?;
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
    let resolved_spans = tx
        .prepare_cached(
            "SELECT started_at, ended_at FROM resolved_spans WHERE ticket_id = ?1 ORDER BY started_at",
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
        .ctx("loading resolved spans")?;
    let breaches: Vec<(String, i64)> = tx
        .prepare_cached("SELECT metric, at FROM breaches WHERE ticket_id = ?1 ORDER BY metric")
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("loading recorded breaches")?;
    let recorded_breaches = breaches
        .into_iter()
        .map(|(metric, at)| {
            let metric =
                Metric::parse(&metric).ok_or_else(|| crate::store::StoreError::Undecodable {
                    table: "breaches",
                    row: ticket_id,
                    column: "metric",
                    value: metric.clone(),
                    reason: "not a metric".into(),
                })?;
            Ok(RecordedBreach {
                metric,
                at: from_ts(at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Customer messages (autoreplies and bounces left out) and engineers' public replies.
    let replies: Vec<(String, i64)> = tx
        .prepare_cached(
            "SELECT e.role, e.created_at FROM entries e
             WHERE e.ticket_id = ?1 AND e.kind = 'reply'
               AND NOT EXISTS (SELECT 1 FROM mail_messages m
                               WHERE m.entry_id = e.id AND m.auto IS NOT NULL)
             ORDER BY e.created_at, e.id",
        )
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("loading replies")?;
    let mut customer_messages = Vec::new();
    let mut public_replies = Vec::new();
    for (role, at) in replies {
        if role == "customer" {
            customer_messages.push(from_ts(at));
        } else {
            public_replies.push(from_ts(at));
        }
    }
    Ok(TicketSlaInputs {
        policy_set,
        plan,
        tz,
        severity,
        status: super::decode::column("tickets", ticket_id, "status", &status)?,
        timeline: TicketTimeline {
            opened: from_ts(created),
            pauses,
            first_response_at: opt_from_ts(first_response),
            resolved_at: opt_from_ts(resolved),
            resolved_spans,
            recorded_breaches,
            customer_messages,
            public_replies,
        },
        assurance: assurance_windows(tx, ticket_id)?,
    })
}

/// The event-assurance orders (not rejected) of a ticket's organization.
pub(super) fn assurance_windows(
    conn: &rusqlite::Connection,
    ticket_id: i64,
) -> Result<Vec<AssuranceWindow>> {
    let rows: Vec<(i64, i64, String, String)> = conn
        .prepare_cached(
            "SELECT r.id, r.level, r.start_date, r.end_date FROM orders r
             JOIN tickets t ON t.org_id = r.org_id
             WHERE t.id = ?1 AND r.kind = 'event-assurance' AND r.status <> 'rejected'
               AND r.level IS NOT NULL AND r.start_date IS NOT NULL AND r.end_date IS NOT NULL
             ORDER BY r.id",
        )
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("loading event assurance in force")?;
    rows.into_iter()
        .map(|(id, level, start, end)| {
            Ok(AssuranceWindow {
                order_id: id,
                level: u8::try_from(level).unwrap_or(u8::MAX),
                start: super::decode::column("orders", id, "start_date", &start)?,
                end: super::decode::column("orders", id, "end_date", &end)?,
            })
        })
        .collect()
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
    let cols = crate::sla::columns::ticket_columns(policies, &inputs, now);
    store_columns(tx, ticket_id, &cols)?;
    Ok(inputs)
}

pub fn store_columns(tx: &Transaction, ticket_id: i64, cols: &SlaColumns) -> Result<()> {
    tx.prepare_cached(
        "UPDATE tickets SET first_response_due = ?2, next_due = ?3, risk_at = ?4, breach_at = ?5,
                paused_left = ?6, urgency = ?7, effective_severity = ?8, severity_note = ?9,
                severity_rank = COALESCE(?10, severity_rank)
         WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![
            ticket_id,
            cols.first_response_due,
            cols.next_due,
            cols.risk_at,
            cols.breach_at,
            cols.paused_left,
            cols.urgency,
            cols.effective_severity,
            cols.severity_note,
            cols.severity_rank
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
    let ids = open_ticket_ids(tx, org_id)?;
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

/// Open tickets of an organization and of the accounts linked to it.
pub fn open_ticket_ids(conn: &rusqlite::Connection, org_id: i64) -> Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT t.id FROM tickets t JOIN orgs o ON o.id = t.org_id
         WHERE (o.id = ?1 OR o.parent_id = ?1) AND t.status NOT IN ('resolved', 'closed')",
    )
    .and_then(|mut s| {
        s.query_map([org_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("finding open tickets to recompute")
}

/// SLA inputs of many tickets, in the order asked (one read transaction).
pub fn load_inputs_many(conn: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<TicketSlaInputs>> {
    ids.iter().map(|&id| load_inputs(conn, id)).collect()
}
