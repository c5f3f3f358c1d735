//! What `tuidesk watch` and the TUI's watcher read, the alert log, and the team's shared
//! canned replies, on PostgreSQL (migrations 5 and 6): the SQLite backend's primitives with
//! the same SQL shapes and orders.

use super::sql::Sql;
use chrono::{DateTime, Utc};

use super::error::{Ctx as _, get};
use super::port::{from_ts, to_ts};
use crate::reply_template::{ReplyTemplate, TemplateSource};
use crate::store::mail::{CustomerEntry, CustomerNews, MessagesFrom};
use crate::store::{AlertClaim, AlertRow, Happening, Presence, Result};

const ACTIVE: &str = "status IN ('new','open','pending','on-hold')";

pub(super) fn claim_alert<C: Sql>(c: &mut C, a: &AlertClaim<'_>) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO alerts (key, kind, ticket_id, happened_at, fired_at, fired_by, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
            &[
                &a.key,
                &a.kind,
                &a.ticket_id,
                &to_ts(a.happened_at),
                &to_ts(a.fired_at),
                &a.fired_by,
                &a.outcome,
            ],
        )
        .ctx("claiming an alert")?;
    Ok(n > 0)
}

pub(super) fn alert_log<C: Sql>(c: &mut C) -> Result<Vec<AlertRow>> {
    // Bytewise key order, as SQLite sorts.
    c.query(
        "SELECT key, kind, ticket_id, happened_at, fired_at, fired_by, outcome FROM alerts
         ORDER BY key COLLATE \"C\"",
        &[],
    )
    .ctx("reading the alert log")?
    .iter()
    .map(|r| {
        Ok(AlertRow {
            key: get(r, 0)?,
            kind: get(r, 1)?,
            ticket_id: get(r, 2)?,
            happened_at: from_ts(get(r, 3)?),
            fired_at: from_ts(get(r, 4)?),
            fired_by: get(r, 5)?,
            outcome: get(r, 6)?,
        })
    })
    .collect()
}

pub(super) fn tickets_at_risk_by<C: Sql>(c: &mut C, horizon: DateTime<Utc>) -> Result<Vec<i64>> {
    c.query(
        &format!(
            "SELECT id FROM tickets WHERE {ACTIVE} AND risk_at IS NOT NULL AND risk_at <= $1
             ORDER BY risk_at, id"
        ),
        &[&to_ts(horizon)],
    )
    .ctx("finding tickets at risk")?
    .iter()
    .map(|r| get(r, 0))
    .collect()
}

pub(super) fn next_risk_after<C: Sql>(
    c: &mut C,
    after: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let row = c
        .query_one(
            &format!("SELECT MIN(risk_at) FROM tickets WHERE {ACTIVE} AND risk_at > $1"),
            &[&to_ts(after)],
        )
        .ctx("finding the next at-risk instant")?;
    Ok(get::<Option<i64>>(&row, 0)?.map(from_ts))
}

fn happenings<C: Sql>(
    c: &mut C,
    sql: &str,
    args: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<Happening>> {
    c.query(sql, args)
        .ctx("reading what happened since the last look")?
        .iter()
        .map(|r| {
            Ok(Happening {
                id: get(r, 0)?,
                ticket_id: get(r, 1)?,
                at: from_ts(get(r, 2)?),
            })
        })
        .collect()
}

pub(super) fn assignments_since<C: Sql>(
    c: &mut C,
    since: DateTime<Utc>,
    engineer: &str,
) -> Result<Vec<Happening>> {
    happenings(
        c,
        "SELECT id, ticket_id, at FROM events
         WHERE field = 'assignee' AND at >= $1 AND new = $2 AND ticket_id IS NOT NULL
         ORDER BY at, id",
        &[&to_ts(since), &engineer],
    )
}

pub(super) fn customer_messages<C: Sql>(
    c: &mut C,
    from: Option<MessagesFrom>,
    limit: usize,
) -> Result<CustomerNews> {
    let row = c
        .query_one("SELECT coalesce(max(id), 0)::BIGINT FROM entries", &[])
        .ctx("reading the newest entry")?;
    let newest_entry: i64 = get(&row, 0)?;
    let Some(from) = from else {
        return Ok(CustomerNews {
            newest_entry,
            entries: Vec::new(),
        });
    };
    let (condition, order, bound) = from.sql("$1");
    let entries = c
        .query(
            &format!(
                "SELECT e.id, e.ticket_id, e.created_at, t.assignee FROM entries e
                 JOIN tickets t ON t.id = e.ticket_id
                 WHERE e.role = 'customer' AND {condition}
                   AND NOT EXISTS (SELECT 1 FROM mail_messages m
                                   WHERE m.entry_id = e.id AND m.auto IS NOT NULL)
                 ORDER BY {order} LIMIT $2"
            ),
            &[&bound, &(limit.min(i64::MAX as usize) as i64)],
        )
        .ctx("reading the customers' new messages")?
        .iter()
        .map(|r| {
            Ok(CustomerEntry {
                entry_id: get(r, 0)?,
                ticket_id: get(r, 1)?,
                at: from_ts(get(r, 2)?),
                assignee: get(r, 3)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CustomerNews {
        newest_entry,
        entries,
    })
}

pub(super) fn reply_template_exists<C: Sql>(c: &mut C, name: &str) -> Result<bool> {
    let row = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM reply_templates WHERE name = $1)",
            &[&name],
        )
        .ctx("reading reply templates")?;
    get(&row, 0)
}

pub(super) fn put_reply_template<C: Sql>(
    c: &mut C,
    name: &str,
    body: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO reply_templates (name, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        &[&name, &body, &by, &to_ts(at)],
    )
    .ctx("saving a reply template")?;
    Ok(())
}

pub(super) fn remove_reply_template<C: Sql>(c: &mut C, name: &str) -> Result<bool> {
    let n = c
        .execute("DELETE FROM reply_templates WHERE name = $1", &[&name])
        .ctx("removing a reply template")?;
    Ok(n > 0)
}

pub(super) fn reply_templates<C: Sql>(c: &mut C) -> Result<Vec<ReplyTemplate>> {
    // Bytewise name order, as SQLite sorts.
    c.query(
        "SELECT name, body, updated_by, updated_at FROM reply_templates
         ORDER BY name COLLATE \"C\"",
        &[],
    )
    .ctx("reading reply templates")?
    .iter()
    .map(|r| {
        Ok(ReplyTemplate {
            name: get(r, 0)?,
            body: get(r, 1)?,
            source: TemplateSource::Shared,
            updated_by: Some(get(r, 2)?),
            updated_at: Some(from_ts(get(r, 3)?)),
        })
    })
    .collect()
}

pub(super) fn put_presence<C: Sql>(c: &mut C, p: &Presence) -> Result<()> {
    c.execute(
        "INSERT INTO presence (session, who, ticket_id, composing, seen_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session) DO UPDATE SET who = excluded.who, ticket_id = excluded.ticket_id,
             composing = excluded.composing, seen_at = excluded.seen_at",
        &[
            &p.session,
            &p.who,
            &p.ticket_id,
            &p.composing,
            &to_ts(p.seen_at),
        ],
    )
    .ctx("recording presence")?;
    Ok(())
}

pub(super) fn drop_presence<C: Sql>(c: &mut C, session: &str) -> Result<()> {
    c.execute("DELETE FROM presence WHERE session = $1", &[&session])
        .ctx("removing presence")?;
    Ok(())
}

pub(super) fn presence_since<C: Sql>(c: &mut C, since: DateTime<Utc>) -> Result<Vec<Presence>> {
    c.query(
        "SELECT session, who, ticket_id, composing, seen_at FROM presence
         WHERE seen_at >= $1 ORDER BY who COLLATE \"C\", session COLLATE \"C\"",
        &[&to_ts(since)],
    )
    .ctx("reading presence")?
    .iter()
    .map(|r| {
        Ok(Presence {
            session: get(r, 0)?,
            who: get(r, 1)?,
            ticket_id: get(r, 2)?,
            composing: get(r, 3)?,
            seen_at: from_ts(get(r, 4)?),
        })
    })
    .collect()
}
