//! Actions in their undo window, in SQLite (migration 12).

use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, Result, from_ts, to_ts};
use crate::domain::Actor;
use crate::store::pending::{decode_deferred, encode_deferred};
use crate::store::{PendingAction, PendingInsert, StoreError};

const COLUMNS: &str = "id, ticket_id, kind, body, value, expected, actor, actor_as, actor_os, \
                       session, created_at, due_at";

type Raw = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    bool,
    Option<String>,
    String,
    i64,
    i64,
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn decode(r: Raw) -> Result<PendingAction> {
    let (id, ticket_id, kind, body, value, expected, name, via_as, os, session, created, due) = r;
    let action =
        decode_deferred(&kind, body, value, expected).ok_or_else(|| StoreError::Undecodable {
            table: "pending_actions",
            row: id,
            column: "kind",
            value: kind.clone(),
            reason: "an action this tuidesk does not know, or one missing its values".into(),
        })?;
    Ok(PendingAction {
        id,
        ticket_id,
        action,
        actor: Actor { name, via_as, os },
        session,
        created_at: from_ts(created),
        due_at: from_ts(due),
    })
}

pub(super) fn insert_pending(conn: &Connection, p: &PendingInsert<'_>) -> Result<i64> {
    let (body, value, expected) = encode_deferred(p.action);
    conn.execute(
        "INSERT INTO pending_actions (ticket_id, kind, body, value, expected, actor, actor_as,
             actor_os, owner, session, created_at, due_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            p.ticket_id,
            p.action.kind(),
            body,
            value,
            expected,
            p.actor.name,
            p.actor.via_as,
            p.actor.os,
            p.actor.audit_name(),
            p.session,
            to_ts(p.created_at),
            to_ts(p.due_at),
        ],
    )
    .ctx("storing a pending action")?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn take_pending(conn: &Connection, id: i64) -> Result<Option<PendingAction>> {
    let row = conn
        .query_row(
            &format!("DELETE FROM pending_actions WHERE id = ?1 RETURNING {COLUMNS}"),
            [id],
            raw,
        )
        .optional()
        .ctx("taking a pending action")?;
    row.map(decode).transpose()
}

pub(super) fn pending_actions(
    conn: &Connection,
    owner: Option<&str>,
) -> Result<Vec<PendingAction>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM pending_actions WHERE ?1 IS NULL OR owner = ?1
             ORDER BY due_at, id"
        ))
        .and_then(|mut s| {
            s.query_map([owner], raw)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading pending actions")?;
    rows.into_iter().map(decode).collect()
}
