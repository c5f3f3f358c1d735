use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Context, Result, Store, StoreError, from_ts, to_ts};
use crate::domain::{self, Actor, Organization};

const ORG_COLUMNS: &str = "id, name, policy_set, plan, tz, created_at";

fn org_from_row(r: &Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        policy_set: r.get(2)?,
        plan: r.get(3)?,
        tz: r.get(4)?,
        created_at: from_ts(r.get(5)?),
    })
}

impl Store {
    pub fn add_org(
        &mut self,
        name: &str,
        policy_set: &str,
        plan: &str,
        tz: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Organization> {
        domain::validate_org(&self.policies, name, policy_set, plan, tz)?;
        let name = name.trim();
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row("SELECT id FROM orgs WHERE name = ?1", [name], |r| r.get(0))
                .optional()
                .ctx("looking up organization")?;
            if exists.is_some() {
                return Err(StoreError::Other(format!(
                    "organization {name:?} already exists"
                )));
            }
            tx.execute(
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, policy_set, plan, tz, to_ts(now)],
            )
            .ctx("adding organization")?;
            let id = tx.last_insert_rowid();
            Store::record_event(
                tx,
                (None, Some(id)),
                actor,
                now,
                "org",
                None,
                Some(&format!("{name} ({policy_set}/{plan}, {tz})")),
            )?;
            Ok(Organization {
                id,
                name: name.to_string(),
                policy_set: policy_set.to_string(),
                plan: plan.to_string(),
                tz: tz.to_string(),
                created_at: from_ts(to_ts(now)),
            })
        })
    }

    pub fn list_orgs(&self) -> Result<Vec<Organization>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs ORDER BY name"))
            .ctx("listing organizations")?;
        let rows = stmt
            .query_map([], org_from_row)
            .ctx("listing organizations")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("listing organizations")
    }

    pub fn org_by_name(&self, name: &str) -> Result<Organization> {
        self.conn
            .prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE name = ?1"))
            .and_then(|mut s| s.query_row([name], org_from_row).optional())
            .ctx("looking up organization")?
            .ok_or_else(|| StoreError::NotFound {
                what: "organization",
                key: name.to_string(),
            })
    }

    pub fn org_by_id(&self, id: i64) -> Result<Organization> {
        self.conn
            .prepare_cached(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?1"))
            .and_then(|mut s| s.query_row([id], org_from_row).optional())
            .ctx("looking up organization")?
            .ok_or_else(|| StoreError::NotFound {
                what: "organization",
                key: id.to_string(),
            })
    }
}
