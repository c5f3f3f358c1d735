//! Keeps a ticket's stored SLA columns true: after every change that moves them, inside the
//! change's own transaction, through the one evaluation in [`crate::sla::columns`].

use chrono::{DateTime, Utc};

use crate::policy::PolicyRegistry;
use crate::sla::columns::{self, TicketSlaInputs};
use crate::store::{Result, StoreTx, TicketPatch};

/// Recomputes and stores one ticket's SLA columns; hands back what it read.
pub(crate) fn refresh(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<TicketSlaInputs> {
    let inputs = tx.sla_inputs(ticket_id)?;
    let metrics = columns::evaluate_inputs(policies, &inputs, now);
    let cols = columns::columns_from_metrics(&metrics, inputs.status, &inputs.timeline, now);
    tx.store_sla_columns(ticket_id, &cols)?;
    Ok(inputs)
}

impl super::Desk {
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
