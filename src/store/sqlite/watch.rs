//! What `tuidesk watch` reads and its alert log, in SQLite (migration 10).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, Result, from_ts, to_ts};
use crate::store::{AlertClaim, AlertRow, Happening, Presence};

const ACTIVE: &str = "status IN ('new','open','pending','on-hold')";

pub(super) fn claim_alert(conn: &Connection, c: &AlertClaim<'_>) -> Result<bool> {
    let n = conn
        .execute(
            "INSERT INTO alerts (key, kind, ticket_id, happened_at, fired_at, fired_by, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
            params![
                c.key,
                c.kind,
                c.ticket_id,
                to_ts(c.happened_at),
                to_ts(c.fired_at),
                c.fired_by,
                c.outcome
            ],
        )
        .ctx("claiming an alert")?;
    Ok(n > 0)
}

pub(super) fn alert_log(conn: &Connection) -> Result<Vec<AlertRow>> {
    let mut stmt = conn
        .prepare(
            "SELECT key, kind, ticket_id, happened_at, fired_at, fired_by, outcome FROM alerts
             ORDER BY key",
        )
        .ctx("reading the alert log")?;
    stmt.query_map([], |r| {
        Ok(AlertRow {
            key: r.get(0)?,
            kind: r.get(1)?,
            ticket_id: r.get(2)?,
            happened_at: from_ts(r.get(3)?),
            fired_at: from_ts(r.get(4)?),
            fired_by: r.get(5)?,
            outcome: r.get(6)?,
        })
    })
    .and_then(|rows| rows.collect())
    .ctx("reading the alert log")
}

pub(super) fn tickets_at_risk_by(conn: &Connection, horizon: DateTime<Utc>) -> Result<Vec<i64>> {
    conn.prepare_cached(&format!(
        "SELECT id FROM tickets WHERE {ACTIVE} AND risk_at IS NOT NULL AND risk_at <= ?1 ORDER BY risk_at, id"
    ))
    .and_then(|mut s| {
        s.query_map([to_ts(horizon)], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()
    })
    .ctx("finding tickets at risk")
}

pub(super) fn next_risk_after(
    conn: &Connection,
    after: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    conn.query_row(
        &format!("SELECT MIN(risk_at) FROM tickets WHERE {ACTIVE} AND risk_at > ?1"),
        [to_ts(after)],
        |r| r.get::<_, Option<i64>>(0),
    )
    .optional()
    .map(|v| v.flatten().map(from_ts))
    .ctx("finding the next at-risk instant")
}

fn happenings(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Happening>> {
    conn.prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(args, |r| {
                Ok(Happening {
                    id: r.get(0)?,
                    ticket_id: r.get(1)?,
                    at: from_ts(r.get(2)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading what happened since the last look")
}

pub(super) fn assignments_since(
    conn: &Connection,
    since: DateTime<Utc>,
    engineer: &str,
) -> Result<Vec<Happening>> {
    happenings(
        conn,
        "SELECT id, ticket_id, at FROM events
         WHERE field = 'assignee' AND at >= ?1 AND new = ?2 AND ticket_id IS NOT NULL
         ORDER BY at, id",
        &[&to_ts(since), &engineer],
    )
}

pub(super) fn put_presence(conn: &Connection, p: &Presence) -> Result<()> {
    conn.execute(
        "INSERT INTO presence (session, who, ticket_id, composing, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (session) DO UPDATE SET who = excluded.who, ticket_id = excluded.ticket_id,
             composing = excluded.composing, seen_at = excluded.seen_at",
        params![p.session, p.who, p.ticket_id, p.composing, to_ts(p.seen_at)],
    )
    .ctx("recording presence")?;
    Ok(())
}

pub(super) fn drop_presence(conn: &Connection, session: &str) -> Result<()> {
    conn.execute("DELETE FROM presence WHERE session = ?1", [session])
        .ctx("removing presence")?;
    Ok(())
}

pub(super) fn presence_since(conn: &Connection, since: DateTime<Utc>) -> Result<Vec<Presence>> {
    conn.prepare_cached(
        "SELECT session, who, ticket_id, composing, seen_at FROM presence
         WHERE seen_at >= ?1 ORDER BY who, session",
    )
    .and_then(|mut s| {
        s.query_map([to_ts(since)], |r| {
            Ok(Presence {
                session: r.get(0)?,
                who: r.get(1)?,
                ticket_id: r.get(2)?,
                composing: r.get(3)?,
                seen_at: from_ts(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading presence")
}
