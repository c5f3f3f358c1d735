//! Actions in their undo window, on PostgreSQL (migration 8, SQLite's 12). Taking one is a
//! `DELETE … RETURNING`: a second take of the same row waits for the first transaction and
//! then finds nothing, so of simultaneous takes exactly one gets the action.

use super::sql::Sql;
use postgres::row::Row;

use super::error::{Ctx as _, get};
use super::port::{from_ts, to_ts};
use crate::domain::Actor;
use crate::store::pending::{decode_deferred, encode_deferred};
use crate::store::{PendingAction, PendingInsert, Result, StoreError};

const COLUMNS: &str = "id, ticket_id, kind, body, value, expected, actor, actor_as, actor_os, \
                       session, created_at, due_at";

fn decode(r: &Row) -> Result<PendingAction> {
    let id: i64 = get(r, 0)?;
    let kind: String = get(r, 2)?;
    let action = decode_deferred(&kind, get(r, 3)?, get(r, 4)?, get(r, 5)?).ok_or_else(|| {
        StoreError::Undecodable {
            table: "pending_actions",
            row: id,
            column: "kind",
            value: kind.clone(),
            reason: "an action this tuidesk does not know, or one missing its values".into(),
        }
    })?;
    Ok(PendingAction {
        id,
        ticket_id: get(r, 1)?,
        action,
        actor: Actor {
            name: get(r, 6)?,
            via_as: get(r, 7)?,
            os: get(r, 8)?,
        },
        session: get(r, 9)?,
        created_at: from_ts(get(r, 10)?),
        due_at: from_ts(get(r, 11)?),
    })
}

pub(super) fn insert_pending<C: Sql>(c: &mut C, p: &PendingInsert<'_>) -> Result<i64> {
    let (body, value, expected) = encode_deferred(p.action);
    let row = c
        .query_one(
            "INSERT INTO pending_actions (ticket_id, kind, body, value, expected, actor, actor_as,
                 actor_os, owner, session, created_at, due_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                &p.ticket_id,
                &p.action.kind(),
                &body,
                &value,
                &expected,
                &p.actor.name,
                &p.actor.via_as,
                &p.actor.os,
                &p.actor.audit_name(),
                &p.session,
                &to_ts(p.created_at),
                &to_ts(p.due_at),
            ],
        )
        .ctx("storing a pending action")?;
    get(&row, 0)
}

pub(super) fn take_pending<C: Sql>(c: &mut C, id: i64) -> Result<Option<PendingAction>> {
    c.query_opt(
        &format!("DELETE FROM pending_actions WHERE id = $1 RETURNING {COLUMNS}"),
        &[&id],
    )
    .ctx("taking a pending action")?
    .as_ref()
    .map(decode)
    .transpose()
}

pub(super) fn pending_actions<C: Sql>(
    c: &mut C,
    owner: Option<&str>,
) -> Result<Vec<PendingAction>> {
    c.query(
        &format!(
            "SELECT {COLUMNS} FROM pending_actions WHERE $1::TEXT IS NULL OR owner = $1
             ORDER BY due_at, id"
        ),
        &[&owner],
    )
    .ctx("reading pending actions")?
    .iter()
    .map(decode)
    .collect()
}
