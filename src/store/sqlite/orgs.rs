use rusqlite::{OptionalExtension, Row};

use super::{Context, Result, SqliteStore, StoreError, from_ts};
use crate::domain::{self, Organization};

const ORG_SELECT: &str = "SELECT o.id, o.name, o.policy_set, o.plan, o.tz, o.created_at,
        COALESCE(o.plan_since, o.created_at), p.name, p.plan
    FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id";

fn org_from_row(r: &Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        policy_set: r.get(2)?,
        plan: r.get(3)?,
        tz: r.get(4)?,
        created_at: from_ts(r.get(5)?),
        plan_since: from_ts(r.get(6)?),
        parent: r.get(7)?,
        parent_plan: r.get(8)?,
    })
}

impl SqliteStore {
    pub fn list_orgs(&self) -> Result<Vec<Organization>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ORG_SELECT} ORDER BY o.name"))
            .ctx("listing organizations")?;
        let rows = stmt
            .query_map([], org_from_row)
            .ctx("listing organizations")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("listing organizations")
    }

    pub fn org_by_name(&self, name: &str) -> Result<Organization> {
        self.conn
            .prepare_cached(&format!("{ORG_SELECT} WHERE o.name = ?1"))
            .and_then(|mut s| s.query_row([name], org_from_row).optional())
            .ctx("looking up organization")?
            .ok_or_else(|| StoreError::NotFound {
                what: "organization",
                key: name.to_string(),
            })
    }

    pub fn org_by_id(&self, id: i64) -> Result<Organization> {
        org_by_id_in(&self.conn, id)
    }

    /// Organizations linked to `parent_id`, by name.
    pub fn linked_orgs(&self, parent_id: i64) -> Result<Vec<Organization>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "{ORG_SELECT} WHERE o.parent_id = ?1 ORDER BY o.name"
            ))
            .ctx("listing linked organizations")?;
        let rows = stmt
            .query_map([parent_id], org_from_row)
            .ctx("listing linked organizations")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("listing linked organizations")
    }

    /// Audit events about an organization itself (plan changes, links), oldest first.
    pub fn org_events(&self, org_id: i64) -> Result<Vec<domain::AuditEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported FROM events
                 WHERE org_id = ?1 AND ticket_id IS NULL AND order_id IS NULL ORDER BY id",
            )
            .ctx("reading organization history")?;
        let rows = stmt
            .query_map([org_id], super::tickets::event_from_row)
            .ctx("reading organization history")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("reading organization history")
    }
}

pub(super) fn org_by_id_in(conn: &rusqlite::Connection, id: i64) -> Result<Organization> {
    conn.prepare_cached(&format!("{ORG_SELECT} WHERE o.id = ?1"))
        .and_then(|mut s| s.query_row([id], org_from_row).optional())
        .ctx("looking up organization")?
        .ok_or_else(|| StoreError::NotFound {
            what: "organization",
            key: id.to_string(),
        })
}

/// Reads an organization inside a write transaction (so checks and the change see one state).
pub(super) fn org_in(tx: &rusqlite::Transaction, name: &str) -> Result<Organization> {
    tx.prepare_cached(&format!("{ORG_SELECT} WHERE o.name = ?1"))
        .and_then(|mut s| s.query_row([name], org_from_row).optional())
        .ctx("looking up organization")?
        .ok_or_else(|| StoreError::NotFound {
            what: "organization",
            key: name.to_string(),
        })
}

pub(super) fn linked_count(tx: &rusqlite::Transaction, org_id: i64) -> Result<i64> {
    tx.query_row(
        "SELECT COUNT(*) FROM orgs WHERE parent_id = ?1",
        [org_id],
        |r| r.get(0),
    )
    .ctx("counting linked accounts")
}
