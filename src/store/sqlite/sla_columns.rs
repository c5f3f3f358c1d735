//! The SLA figures stored on each ticket so the queue sorts and filters by urgency with an
//! index walk, never recomputing in SQL. They are refreshed inside every write transaction
//! that touches something they depend on (status, severity, plan, replies).

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Context, Result, StoreError, from_ts, opt_from_ts};

use crate::assurance::AssuranceWindow;
use crate::policy::Metric;
pub use crate::sla::columns::{SlaColumns, TicketSlaInputs};
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
    let pauses = spans(tx, "pauses", ticket_id)?;
    let resolved_spans = spans(tx, "resolved_spans", ticket_id)?;
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

/// A ticket's spans of one kind (`pauses`: time pending; `resolved_spans`: time resolved
/// before a reopen), oldest first.
fn spans(conn: &rusqlite::Connection, table: &'static str, ticket_id: i64) -> Result<Vec<Pause>> {
    conn.prepare_cached(&format!(
        "SELECT started_at, ended_at FROM {table} WHERE ticket_id = ?1 ORDER BY started_at"
    ))
    .and_then(|mut s| {
        s.query_map([ticket_id], |r| {
            Ok(Pause {
                start: from_ts(r.get(0)?),
                end: opt_from_ts(r.get(1)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx(&format!("loading {}", table.replace('_', " ")))
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
