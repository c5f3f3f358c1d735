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
    struct Row {
        policy_set: String,
        org_id: i64,
        org_plan: String,
        parent: Option<(i64, String)>,
        tz: String,
        severity: String,
        status: String,
        created: i64,
        first_response: Option<i64>,
        resolved: Option<i64>,
    }
    let row = tx
        .prepare_cached(
            "SELECT o.policy_set, o.id, o.plan, p.id, p.plan, o.tz, t.severity, t.status,
                    t.created_at, t.first_response_at, t.resolved_at
             FROM tickets t JOIN orgs o ON o.id = t.org_id
             LEFT JOIN orgs p ON p.id = o.parent_id
             WHERE t.id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([ticket_id], |r| {
                let parent_id: Option<i64> = r.get(3)?;
                let parent_plan: Option<String> = r.get(4)?;
                Ok(Row {
                    policy_set: r.get(0)?,
                    org_id: r.get(1)?,
                    org_plan: r.get(2)?,
                    parent: parent_id.zip(parent_plan),
                    tz: r.get(5)?,
                    severity: r.get(6)?,
                    status: r.get(7)?,
                    created: r.get(8)?,
                    first_response: r.get(9)?,
                    resolved: r.get(10)?,
                })
            })
            .optional()
        })
        .ctx("loading ticket for SLA")?
        .ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            key: ticket_id.to_string(),
        })?;
    let Row {
        policy_set,
        org_id,
        org_plan,
        parent,
        tz,
        severity,
        status,
        created,
        first_response,
        resolved,
    } = row;
    // A resolved or closed ticket keeps the plan that served it when it was resolved: a later
    // plan change or link of its organization does not change its targets (issue 12).
    let plan = match resolved {
        Some(at) => served_plan_at(tx, org_id, &org_plan, parent, at)?,
        None => parent.map_or(org_plan, |p| p.1),
    };
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
    // Customer messages (autoreplies and bounces left out) and engineers' public replies,
    // of the ticket they were written on (a merge moves entries, not their SLA weight).
    let replies: Vec<(String, i64)> = tx
        .prepare_cached(
            "SELECT e.role, e.created_at FROM entries e
             WHERE ((e.ticket_id = ?1 AND e.merged_from IS NULL) OR e.merged_from = ?1)
               AND e.kind = 'reply'
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
        severity_changes: severity_changes(tx, ticket_id)?,
    })
}

/// The ticket's severity changes from its audit rows, oldest first: (when, level before).
fn severity_changes(
    tx: &rusqlite::Connection,
    ticket_id: i64,
) -> Result<Vec<(chrono::DateTime<chrono::Utc>, String)>> {
    tx.prepare_cached(
        "SELECT at, old FROM events
         WHERE ticket_id = ?1 AND field = 'severity' AND old IS NOT NULL ORDER BY at, id",
    )
    .and_then(|mut s| {
        s.query_map([ticket_id], |r| Ok((from_ts(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("loading severity changes")
}

/// The plan an organization's tickets were served on at `at` (seconds): its own plan then, or
/// the plan then of the account it was linked to then, read back from the audit rows of plan
/// and link changes (each names the value it replaced). A change in the same second as `at`
/// counts as later.
/// The first change of an organization's own field after an instant (through the
/// `events_org_history` index: an organization's ticket events are not walked). The field
/// is written into the statement, one statement per field: as a bound parameter, compared
/// with the partial index `events_assignee_by_at (… WHERE field = 'assignee')`, it made
/// SQLite plan the statement again on every call (two thirds of an export's time).
fn org_field_change_after(field: OrgHistoryField) -> &'static str {
    match field {
        OrgHistoryField::Plan => {
            "SELECT old FROM events
             WHERE org_id = ?1 AND ticket_id IS NULL AND field = 'plan' AND at > ?2
             ORDER BY at, id LIMIT 1"
        }
        OrgHistoryField::LinkedTo => {
            "SELECT old FROM events
             WHERE org_id = ?1 AND ticket_id IS NULL AND field = 'linked_to' AND at > ?2
             ORDER BY at, id LIMIT 1"
        }
    }
}

/// The organization fields whose history decides the plan a ticket was served on.
#[derive(Debug, Clone, Copy)]
enum OrgHistoryField {
    Plan,
    LinkedTo,
}

fn served_plan_at(
    conn: &rusqlite::Connection,
    org_id: i64,
    org_plan: &str,
    parent: Option<(i64, String)>,
    at: i64,
) -> Result<String> {
    // The value an org field had at `at`: the `old` of its first change after `at`, if any.
    let first_change_after = |org: i64, field: OrgHistoryField| -> Result<Option<Option<String>>> {
        conn.prepare_cached(org_field_change_after(field))
            .and_then(|mut s| s.query_row(params![org, at], |r| r.get(0)).optional())
            .ctx("reading plan history")
    };
    let plan_of = |org: i64, current: &str| -> Result<String> {
        Ok(match first_change_after(org, OrgHistoryField::Plan)? {
            Some(Some(old)) => old,
            _ => current.to_string(),
        })
    };
    let parent_then: Option<(i64, String)> =
        match first_change_after(org_id, OrgHistoryField::LinkedTo)? {
            // Unchanged since: the current parent.
            None => parent,
            Some(None) => None,
            Some(Some(name)) => conn
                .prepare_cached("SELECT id, plan FROM orgs WHERE name = ?1")
                .and_then(|mut s| {
                    s.query_row([&name], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                })
                .ctx("reading plan history")?,
        };
    match parent_then {
        Some((pid, pplan)) => plan_of(pid, &pplan),
        None => plan_of(org_id, org_plan),
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::sqlite::SqliteStore;

    fn plan(conn: &rusqlite::Connection, sql: &str) -> String {
        let mut s = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = s
            .query_map(params![1, 0], |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    /// Every SLA evaluation runs this; walking the organization's ticket events instead made
    /// export and refreshes grow with the square of the desk.
    #[test]
    fn an_organizations_own_history_is_found_by_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let store = SqliteStore::open(&dir.path().join("t.db"), policies).unwrap();
        for field in [OrgHistoryField::Plan, OrgHistoryField::LinkedTo] {
            let p = plan(&store.conn, org_field_change_after(field));
            assert!(p.contains("events_org_history"), "{field:?}: {p}");
            assert!(!p.contains("TEMP B-TREE"), "{field:?}: {p}");
        }
    }
}
