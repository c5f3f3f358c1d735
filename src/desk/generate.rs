//! Bulk insertion of generated organizations and tickets (the demo and `tuidesk gen`):
//! validated by the same rules as `ticket new`, audited, SLA columns from the one evaluation,
//! written through the store's row primitives in bulk mode.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::domain::{self, Actor, AuthorRole, EntryKind, Environment, Status, TicketKind};
use crate::policy::rules;
use crate::sla::columns::{self, TicketSlaInputs};
use crate::sla::{Pause, TicketTimeline};
use crate::store::{EntryInsert, EventSubject, OrgRow, Result, StoreError, StoreTx, TicketRow};

#[derive(Debug, Clone)]
pub struct GeneratedOrg {
    pub name: String,
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
}

#[derive(Debug, Clone)]
pub struct GeneratedEntry {
    pub kind: EntryKind,
    pub role: AuthorRole,
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct GeneratedTicket {
    /// Index into the organizations passed alongside.
    pub org: usize,
    pub kind: TicketKind,
    pub severity: String,
    pub status: Status,
    pub summary: String,
    pub description: String,
    pub component: Option<String>,
    pub environment: Option<Environment>,
    pub affected_version: Option<String>,
    pub assignee: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub pauses: Vec<Pause>,
    pub entries: Vec<GeneratedEntry>,
}

/// An organization as the generated tickets see it: its id and what serves its tickets.
struct OrgServing<'p> {
    id: i64,
    name: String,
    set: &'p crate::policy::PolicySet,
    tz: chrono_tz::Tz,
    policy_set: String,
    tz_name: String,
    plan_for_tickets: String,
}

impl Desk {
    /// Inserts organizations (reusing any that exist by name) and tickets. Tickets are
    /// validated by the same rules as `ticket new`. `bulk` (large batches): the store writes
    /// in short batches (others keep writing in between; an interrupted load keeps the
    /// batches it committed) and may defer index maintenance to the end of each; otherwise
    /// everything is one transaction.
    pub fn insert_generated(
        &mut self,
        orgs: &[GeneratedOrg],
        tickets: &mut dyn Iterator<Item = GeneratedTicket>,
        actor: &Actor,
        now: DateTime<Utc>,
        bulk: bool,
    ) -> Result<usize> {
        let policies = self.policies.clone();
        for o in orgs {
            rules::validate_org(&policies, &o.name, &o.policy_set, &o.plan, &o.tz)?;
        }
        let mut count = 0;
        let mut serving: Option<Vec<OrgServing>> = None;
        let mut step = |tx: &mut dyn StoreTx| -> Result<bool> {
            let serving = match &mut serving {
                Some(s) => s,
                None => serving.insert(serve_orgs(tx, &policies, orgs, now)?),
            };
            if bulk {
                tx.bulk_mode(true)?;
            }
            let mut more = false;
            for t in &mut *tickets {
                insert_one(tx, &policies, serving, &t, actor, now)?;
                count += 1;
                if tx.batch_full() {
                    more = true;
                    break;
                }
            }
            if bulk {
                tx.bulk_mode(false)?;
            }
            Ok(more)
        };
        if bulk {
            self.store.write_batched(false, &mut step)?;
        } else {
            // The iterator is consumed once: one transaction, never replayed.
            crate::store::write_batches_at_once(&mut |whole| self.store.write(whole), &mut step)?;
        }
        Ok(count)
    }
}

/// The organizations of a generated load, created where missing.
fn serve_orgs<'p>(
    tx: &mut dyn StoreTx,
    policies: &'p crate::policy::PolicyRegistry,
    orgs: &[GeneratedOrg],
    now: DateTime<Utc>,
) -> Result<Vec<OrgServing<'p>>> {
    let mut serving = Vec::with_capacity(orgs.len());
    for o in orgs {
        let org = match tx.org_by_name(&o.name) {
            Ok(org) => org,
            Err(StoreError::NotFound { .. }) => {
                let created = now - chrono::Duration::days(400);
                let id = tx.insert_org_row(&OrgRow {
                    name: &o.name,
                    policy_set: &o.policy_set,
                    plan: &o.plan,
                    tz: &o.tz,
                    created_at: created,
                    plan_since: created,
                    parent_id: None,
                })?;
                tx.org_by_id(id)?
            }
            Err(e) => return Err(e),
        };
        serving.push(OrgServing {
            id: org.id,
            set: rules::policy_set(policies, &org.policy_set)?,
            tz: domain::parse_tz(&org.tz)?,
            plan_for_tickets: org.plan_for_tickets().to_string(),
            policy_set: org.policy_set.clone(),
            tz_name: org.tz.clone(),
            name: org.name,
        });
    }
    Ok(serving)
}

/// One generated ticket with its conversation, pauses, audit row and SLA columns.
fn insert_one(
    tx: &mut dyn StoreTx,
    policies: &crate::policy::PolicyRegistry,
    serving: &[OrgServing],
    t: &GeneratedTicket,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let o = &serving[t.org];
    let opened_local = t.created_at.with_timezone(&o.tz).date_naive();
    let plan = o.set.effective_plan(&o.plan_for_tickets, opened_local);
    rules::validate_kind_severity(o.set, &o.name, plan, t.kind, &t.severity)?;
    domain::validate_summary(&t.summary)?;
    let inputs = TicketSlaInputs {
        policy_set: o.policy_set.clone(),
        plan: o.plan_for_tickets.clone(),
        tz: o.tz_name.clone(),
        severity: t.severity.clone(),
        status: t.status,
        // As stored (whole seconds), so a later refresh computes the same.
        timeline: TicketTimeline {
            opened: whole(t.created_at),
            pauses: t
                .pauses
                .iter()
                .map(|p| Pause {
                    start: whole(p.start),
                    end: p.end.map(whole),
                })
                .collect(),
            first_response_at: t.first_response_at.map(whole),
            resolved_at: t.resolved_at.map(whole),
            ..Default::default()
        },
        assurance: Vec::new(),
        severity_changes: Vec::new(),
    };
    let updated = t
        .resolved_at
        .or(t.entries.last().map(|e| e.at))
        .or(t.first_response_at)
        .unwrap_or(t.created_at);
    let sla = columns::ticket_columns(policies, &inputs, now);
    let id = tx.insert_ticket_row_with_sla(
        &TicketRow {
            id: None,
            org_id: o.id,
            kind: t.kind,
            severity: &t.severity,
            severity_rank: o.set.severity_rank(&t.severity).unwrap_or(0) as i64,
            status: t.status,
            summary: &t.summary,
            description: &t.description,
            component: t.component.as_deref(),
            environment: t.environment,
            affected_version: t.affected_version.as_deref(),
            assignee: t.assignee.as_deref(),
            created_at: t.created_at,
            updated_at: updated,
            first_response_at: t.first_response_at,
            resolved_at: t.resolved_at,
            priority: columns::plan_priority(policies, &inputs),
            version: 1,
            requester_name: None,
            requester_address: None,
            channel: None,
            follows: None,
        },
        &sla,
    )?;
    for e in &t.entries {
        tx.insert_entry(&EntryInsert {
            ticket_id: id,
            kind: e.kind,
            role: e.role,
            author: &e.author,
            body: &e.body,
            at: e.at,
        })?;
    }
    for p in &t.pauses {
        tx.insert_pause(id, p.start, p.end)?;
    }
    tx.record_event(
        EventSubject {
            ticket_id: Some(id),
            org_id: Some(o.id),
            order_id: None,
        },
        actor,
        t.created_at,
        (
            "created",
            None,
            Some(&format!("{} {} ticket", t.severity, t.kind)),
        ),
    )?;
    Ok(())
}

/// An instant as the store keeps it: whole seconds.
fn whole(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
