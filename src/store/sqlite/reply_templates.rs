//! The team's shared canned replies in SQLite (migration 9). Primitives only: names and
//! bodies are checked in `desk::reply_templates`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Context, Result, from_ts, to_ts};
use crate::reply_template::{ReplyTemplate, TemplateSource};

pub(super) fn exists(conn: &Connection, name: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM reply_templates WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )
    .ctx("reading reply templates")
}

pub(super) fn put(
    conn: &Connection,
    name: &str,
    body: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO reply_templates (name, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        params![name, body, by, to_ts(at)],
    )
    .ctx("saving a reply template")?;
    Ok(())
}

pub(super) fn remove(conn: &Connection, name: &str) -> Result<bool> {
    let n = conn
        .execute("DELETE FROM reply_templates WHERE name = ?1", [name])
        .ctx("removing a reply template")?;
    Ok(n > 0)
}

pub(super) fn all(conn: &Connection) -> Result<Vec<ReplyTemplate>> {
    conn.prepare_cached(
        "SELECT name, body, updated_by, updated_at FROM reply_templates ORDER BY name",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(ReplyTemplate {
                name: r.get(0)?,
                body: r.get(1)?,
                source: TemplateSource::Shared,
                updated_by: Some(r.get(2)?),
                updated_at: Some(from_ts(r.get(3)?)),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading reply templates")
}
