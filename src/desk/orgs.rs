//! Organization use cases: add, plan change, link, unlink. A plan or link change is audited
//! and recomputes the open tickets of the organization and of its linked accounts, in the
//! same transaction.

use chrono::{DateTime, Utc};

use super::Desk;
use super::sla::{record_org_breaches, refresh_org_tickets};
use crate::domain::{self, Actor, Organization};
use crate::org_rules::{self, LinkCounts, OrgRuleError};
use crate::policy::{PolicyRegistry, rules};
use crate::store::{EventSubject, OrgChange, OrgPatch, Result, StoreError, StoreTx};

impl Desk {
    pub fn add_org(
        &mut self,
        name: &str,
        policy_set: &str,
        plan: &str,
        tz: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Organization> {
        let policies = self.policies.clone();
        rules::validate_org(&policies, name, policy_set, plan, tz)?;
        let set = rules::policy_set(&policies, policy_set)?;
        let zone = domain::parse_tz(tz)?;
        org_rules::check_plan_current(set, plan, now.with_timezone(&zone).date_naive())?;
        let name = name.trim();
        let mut id = 0;
        self.store.write(&mut |tx| {
            match tx.org_by_name(name) {
                Ok(_) => return Err(OrgRuleError::Exists(name.to_string()).into()),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
            id = tx.insert_org(name, policy_set, plan, tz, now)?;
            tx.record_event(
                EventSubject::org(id),
                actor,
                now,
                (
                    "org",
                    None,
                    Some(&format!("{name} ({policy_set}/{plan}, {tz})")),
                ),
            )
        })?;
        self.store.org_by_id(id)
    }

    /// Moves an organization to another plan of its set (seed 002, 004 §2.2, §2.3).
    pub fn change_org_plan(
        &mut self,
        name: &str,
        plan: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        self.change_org(name, actor, now, &mut |tx, policies, org| {
            let set = rules::policy_set(policies, &org.policy_set)?;
            rules::validate_plan(set, plan)?;
            let linked = tx.linked_count(org.id)?;
            org_rules::check_plan_change(set, org, plan, linked, org.local_date(now))?;
            tx.update_org(
                org.id,
                &OrgPatch::Plan {
                    plan: plan.to_string(),
                    since: now,
                },
            )?;
            Ok(("plan", Some(org.plan.clone()), Some(plan.to_string())))
        })
    }

    /// Links `name` to `parent` (seed 004 §1.5.12).
    pub fn link_org(
        &mut self,
        name: &str,
        parent: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        self.change_org(name, actor, now, &mut |tx, policies, org| {
            let parent = tx.org_by_name(parent)?;
            let set = rules::policy_set(policies, &parent.policy_set)?;
            let counts = LinkCounts {
                org_children: tx.linked_count(org.id)?,
                parent_children: tx.linked_count(parent.id)?,
            };
            org_rules::check_link(set, org, &parent, counts, parent.local_date(now))?;
            tx.update_org(org.id, &OrgPatch::Parent(Some(parent.id)))?;
            Ok(("linked_to", None, Some(parent.name)))
        })
    }

    pub fn unlink_org(
        &mut self,
        name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OrgChange> {
        self.change_org(name, actor, now, &mut |tx, _, org| {
            let Some(parent) = org.parent.clone() else {
                return Err(OrgRuleError::NotLinked(org.name.clone()).into());
            };
            tx.update_org(org.id, &OrgPatch::Parent(None))?;
            Ok(("linked_to", Some(parent), None))
        })
    }

    /// One change of an organization's plan or link, in one transaction: the breaches its
    /// open tickets have are recorded first, `apply` checks the rules and writes the change
    /// (returning the audited field, old and new), then the change is audited and the open
    /// tickets of the organization and its linked accounts are recomputed.
    fn change_org(
        &mut self,
        name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        apply: &mut OrgApply<'_>,
    ) -> Result<OrgChange> {
        let policies = self.policies.clone();
        let mut change = None;
        self.store.write(&mut |tx| {
            let org = tx.org_by_name(name)?;
            record_org_breaches(tx, &policies, org.id, now)?;
            let (field, old, new) = apply(tx, &policies, &org)?;
            change = Some(finish_change(
                tx,
                &policies,
                &org,
                (actor, now),
                (field, old.as_deref(), new.as_deref()),
            )?);
            Ok(())
        })?;
        Ok(change.unwrap_or_else(|| unchanged(name)))
    }
}

/// What an organization change writes: it returns the audited field, old and new value.
type OrgApply<'a> = dyn FnMut(
        &mut dyn StoreTx,
        &PolicyRegistry,
        &Organization,
    ) -> Result<(&'static str, Option<String>, Option<String>)>
    + 'a;

/// Never returned in practice: a write that succeeded always produced its change.
fn unchanged(name: &str) -> OrgChange {
    OrgChange {
        org: name.to_string(),
        old: String::new(),
        new: String::new(),
        recomputed: 0,
    }
}

/// The common end of a plan change, a link and an unlink: audit it, then recompute the open
/// tickets of the organization and of its linked accounts on the plan that now serves them.
fn finish_change(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    org: &Organization,
    (actor, now): (&Actor, DateTime<Utc>),
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> Result<OrgChange> {
    tx.record_event(EventSubject::org(org.id), actor, now, (field, old, new))?;
    let recomputed = refresh_org_tickets(tx, policies, org.id, now)?;
    Ok(OrgChange {
        org: org.name.clone(),
        old: old.unwrap_or_default().to_string(),
        new: new.unwrap_or_default().to_string(),
        recomputed,
    })
}
