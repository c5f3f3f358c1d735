use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Context, Result, Store, StoreError, from_ts, sla_columns, to_ts};
use crate::domain::{self, Actor, Organization};
use crate::policy::PolicySet;
use crate::policy::rules;

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

/// What `org plan`, `org link` and `org unlink` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChange {
    pub org: String,
    pub old: String,
    pub new: String,
    /// Open tickets whose targets and priority were recomputed.
    pub recomputed: usize,
}

/// "Business (3), Enterprise (5)": the plans of a set that may have linked accounts.
fn plans_with_links(set: &PolicySet) -> String {
    let v: Vec<String> = set
        .plans
        .iter()
        .filter(|p| p.linked_accounts > 0)
        .map(|p| format!("{} (at most {})", p.name, p.linked_accounts))
        .collect();
    if v.is_empty() {
        "no plan of this policy set".into()
    } else {
        v.join(", ")
    }
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
        rules::validate_org(&self.policies, name, policy_set, plan, tz)?;
        if let (Ok(set), Ok(zone)) = (
            rules::policy_set(&self.policies, policy_set),
            domain::parse_tz(tz),
        ) && let Some(retired) = set
            .plan(plan)
            .and_then(|p| p.retired_on)
            .filter(|r| *r <= now.with_timezone(&zone).date_naive())
        {
            return Err(StoreError::Other(format!(
                "the {plan} plan was retired on {retired}; choose a current plan of {policy_set}"
            )));
        }
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
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
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
                plan_since: from_ts(to_ts(now)),
                parent: None,
                parent_plan: None,
            })
        })
    }

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
        self.conn
            .prepare_cached(&format!("{ORG_SELECT} WHERE o.id = ?1"))
            .and_then(|mut s| s.query_row([id], org_from_row).optional())
            .ctx("looking up organization")?
            .ok_or_else(|| StoreError::NotFound {
                what: "organization",
                key: id.to_string(),
            })
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

    /// Upgrades or downgrades an organization (seed 002/004 §2.2, §2.3, §3.3). Audited; open
    /// tickets of the organization and its linked accounts are recomputed from their creation.
    pub fn change_org_plan(
        &mut self,
        name: &str,
        plan: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        let policies = self.policies.clone();
        self.write(|tx| {
            let org = org_in(tx, name)?;
            let set = rules::policy_set(&policies, &org.policy_set)?;
            rules::validate_plan(set, plan)?;
            let Some(new_plan) = set.plan(plan) else {
                unreachable!("validate_plan checked the plan exists")
            };
            let tz = domain::parse_tz(&org.tz)?;
            let today = now.with_timezone(&tz).date_naive();
            if org.plan == plan {
                return Err(StoreError::Other(format!(
                    "organization {:?} is already on the {plan} plan",
                    org.name
                )));
            }
            if let Some(retired) = new_plan.retired_on.filter(|r| *r <= today) {
                return Err(StoreError::Other(format!(
                    "the {plan} plan was retired on {retired}; choose a current plan of {}",
                    set.name
                )));
            }
            let linked = linked_count(tx, org.id)?;
            if linked > i64::from(new_plan.linked_accounts) {
                return Err(StoreError::Other(format!(
                    "{:?} has {linked} linked accounts and the {plan} plan allows {}; unlink some first (`tuidesk org unlink ORG`)",
                    org.name, new_plan.linked_accounts
                )));
            }
            tx.execute(
                "UPDATE orgs SET plan = ?2, plan_since = ?3, version = version + 1 WHERE id = ?1",
                params![org.id, plan, to_ts(now)],
            )
            .ctx("changing the plan")?;
            finish_change(tx, &policies, &org, (actor, now), ("plan", Some(&org.plan), Some(plan)))
        })
    }

    /// Links `name` to `parent` (seed 004 §1.5.12): only plans with `linked_accounts` may
    /// have them, up to that many; no chains; both in the same policy set.
    pub fn link_org(
        &mut self,
        name: &str,
        parent: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        let policies = self.policies.clone();
        self.write(|tx| {
            let org = org_in(tx, name)?;
            let parent = org_in(tx, parent)?;
            if org.id == parent.id {
                return Err(StoreError::Other(format!(
                    "an organization cannot be linked to itself ({:?})",
                    org.name
                )));
            }
            if let Some(current) = &org.parent {
                return Err(StoreError::Other(format!(
                    "{:?} is already linked to {current:?}; unlink it first (`tuidesk org unlink {}`)",
                    org.name, org.name
                )));
            }
            if let Some(grand) = &parent.parent {
                return Err(StoreError::Other(format!(
                    "{:?} is itself linked to {grand:?}; link to {grand:?} instead (linked accounts do not chain)",
                    parent.name
                )));
            }
            if org.policy_set != parent.policy_set {
                return Err(StoreError::Other(format!(
                    "{:?} uses policy set {} and {:?} uses {}; linked accounts must share a policy set",
                    org.name, org.policy_set, parent.name, parent.policy_set
                )));
            }
            let children = linked_count(tx, org.id)?;
            if children > 0 {
                return Err(StoreError::Other(format!(
                    "{:?} has {children} linked accounts of its own; linked accounts do not chain",
                    org.name
                )));
            }
            let set = rules::policy_set(&policies, &parent.policy_set)?;
            let tz = domain::parse_tz(&parent.tz)?;
            let served = set.effective_plan(&parent.plan, now.with_timezone(&tz).date_naive());
            let limit = set.plan(served).map_or(0, |p| p.linked_accounts);
            if limit == 0 {
                return Err(StoreError::Other(format!(
                    "the {served} plan of {:?} cannot have linked accounts (allowed on: {})",
                    parent.name,
                    plans_with_links(set)
                )));
            }
            let linked = linked_count(tx, parent.id)?;
            if linked >= i64::from(limit) {
                return Err(StoreError::Other(format!(
                    "{:?} already has {linked} linked accounts, the {served} plan's limit of {limit}",
                    parent.name
                )));
            }
            tx.execute(
                "UPDATE orgs SET parent_id = ?2, version = version + 1 WHERE id = ?1",
                params![org.id, parent.id],
            )
            .ctx("linking the organization")?;
            finish_change(tx, &policies, &org, (actor, now), ("linked_to", None, Some(&parent.name)))
        })
    }

    pub fn unlink_org(
        &mut self,
        name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        let policies = self.policies.clone();
        self.write(|tx| {
            let org = org_in(tx, name)?;
            let Some(parent) = org.parent.clone() else {
                return Err(StoreError::Other(format!(
                    "{:?} is not linked to another organization",
                    org.name
                )));
            };
            tx.execute(
                "UPDATE orgs SET parent_id = NULL, version = version + 1 WHERE id = ?1",
                [org.id],
            )
            .ctx("unlinking the organization")?;
            finish_change(
                tx,
                &policies,
                &org,
                (actor, now),
                ("linked_to", Some(&parent), None),
            )
        })
    }

    /// Audit events about an organization itself (plan changes, links), oldest first.
    pub fn org_events(&self, org_id: i64) -> Result<Vec<domain::AuditEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new FROM events
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

fn linked_count(tx: &rusqlite::Transaction, org_id: i64) -> Result<i64> {
    tx.query_row(
        "SELECT COUNT(*) FROM orgs WHERE parent_id = ?1",
        [org_id],
        |r| r.get(0),
    )
    .ctx("counting linked accounts")
}

/// The common end of a plan change, a link and an unlink: audit it, then recompute the open
/// tickets of the organization and of its linked accounts on the plan that now serves them.
fn finish_change(
    tx: &rusqlite::Transaction,
    policies: &crate::policy::PolicyRegistry,
    org: &Organization,
    (actor, now): (&Actor, DateTime<Utc>),
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> Result<OrgChange> {
    Store::record_event(tx, (None, Some(org.id)), actor, now, field, old, new)?;
    let recomputed = sla_columns::refresh_org_tickets(tx, policies, org.id, now)?;
    Ok(OrgChange {
        org: org.name.clone(),
        old: old.unwrap_or_default().to_string(),
        new: new.unwrap_or_default().to_string(),
        recomputed,
    })
}
