//! Keeps a ticket's stored SLA columns true: after every change that moves them, inside the
//! change's own transaction, through the one evaluation in [`crate::sla::columns`].

use chrono::{DateTime, Utc};

use crate::assurance::EffectiveSeverity;
use crate::domain::{Organization, Status};
use crate::policy::PolicyRegistry;
use crate::sla::columns::{self, TicketSlaInputs};
use crate::sla::{MetricStatus, TicketTimeline};
use crate::store::{Result, StoreError, StoreTx, TicketPatch};

/// Records, as facts, the breaches a ticket has at `now` under its current inputs: called
/// before a change that could move its targets (severity, plan, link, status), so the change
/// never turns a breach that happened into "met" or "running".
pub(crate) fn record_breaches(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let inputs = tx.sla_inputs(ticket_id)?;
    for m in columns::evaluate_inputs(policies, &inputs, now) {
        if m.state == crate::sla::SlaState::Breached
            && let Some(at) = m.breached_at.filter(|b| *b < now)
            && !inputs
                .timeline
                .recorded_breaches
                .iter()
                .any(|r| r.metric == m.metric)
        {
            tx.record_breach(ticket_id, m.metric, at)?;
        }
    }
    Ok(())
}

/// Recomputes and stores one ticket's SLA columns; hands back what it read.
pub(crate) fn refresh(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<TicketSlaInputs> {
    let inputs = tx.sla_inputs(ticket_id)?;
    let cols = columns::ticket_columns(policies, &inputs, now);
    tx.store_sla_columns(ticket_id, &cols)?;
    // Breaches are recorded before each change that could move targets (record_breaches),
    // not here: a refresh alone (an import, a policy reload) must not add history.
    Ok(inputs)
}

/// Everything `sla explain` shows: the inputs the engine saw and what it computed.
#[derive(Debug, Clone)]
pub struct SlaReport {
    pub org: Organization,
    /// The plan that served the ticket (a retired plan's fallback, a linked account's parent's).
    pub effective_plan: String,
    /// As filed.
    pub severity: String,
    /// The level it is handled at, and why when an event assurance raised it.
    pub handled: EffectiveSeverity,
    pub status: Status,
    pub timeline: TicketTimeline,
    pub metrics: Vec<MetricStatus>,
}

impl super::Desk {
    /// The one SLA evaluation of a ticket, with its inputs.
    pub fn sla_report(&self, ticket_id: i64, now: DateTime<Utc>) -> Result<SlaReport> {
        let ticket = self.store.ticket(ticket_id, now)?;
        let org = self.store.org_by_id(ticket.org_id)?;
        let inputs = self
            .store
            .sla_inputs_many(&[ticket_id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "ticket",
                key: ticket_id.to_string(),
            })?;
        let metrics = columns::evaluate_inputs(&self.policies, &inputs, now);
        let effective_plan = match (
            self.policies.get(&inputs.policy_set),
            inputs.tz.parse::<chrono_tz::Tz>(),
        ) {
            (Some(set), Ok(tz)) => set
                .effective_plan(
                    &inputs.plan,
                    inputs.timeline.opened.with_timezone(&tz).date_naive(),
                )
                .to_string(),
            _ => inputs.plan.clone(),
        };
        let handled = columns::effective_severity(&self.policies, &inputs);
        Ok(SlaReport {
            org,
            effective_plan,
            severity: inputs.severity,
            handled,
            status: inputs.status,
            timeline: inputs.timeline,
            metrics,
        })
    }

    /// The first-response metric of each ticket, from the one evaluation (`None` when its
    /// policy set or zone is unknown): what `ticket show/list --json` report beside the
    /// stored columns.
    pub fn first_response_statuses(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Vec<Option<MetricStatus>>> {
        Ok(self
            .store
            .sla_inputs_many(ids)?
            .iter()
            .map(|inputs| {
                columns::evaluate_inputs(&self.policies, inputs, now)
                    .into_iter()
                    .find(|m| m.metric == crate::policy::Metric::FirstResponse)
            })
            .collect())
    }

    /// Refreshes the stored SLA columns of every active ticket (after a policy file changed).
    pub fn refresh_all_sla(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let policies = self.policies.clone();
        let mut n = 0;
        self.store.write(&mut |tx| {
            let ids = tx.active_ticket_ids()?;
            for &id in &ids {
                refresh(tx, &policies, id, now)?;
            }
            n = ids.len();
            Ok(())
        })?;
        Ok(n)
    }
}

/// After an organization's plan or link changed: every open ticket of it and of its linked
/// accounts is recomputed from creation on the plan that now serves it, and moves to that
/// plan's queue priority. Returns how many.
/// Records the breaches of every open ticket of an organization and its linked accounts,
/// before a plan or link change moves their targets.
pub(crate) fn record_org_breaches(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    org_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for id in tx.open_ticket_ids_of_org(org_id)? {
        record_breaches(tx, policies, id, now)?;
    }
    Ok(())
}

pub(crate) fn refresh_org_tickets(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    org_id: i64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let ids = tx.open_ticket_ids_of_org(org_id)?;
    for &id in &ids {
        let inputs = refresh(tx, policies, id, now)?;
        let priority = columns::plan_priority(policies, &inputs);
        tx.update_ticket(id, &TicketPatch::Priority(priority))?;
    }
    Ok(ids.len())
}
