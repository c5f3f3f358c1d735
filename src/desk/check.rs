//! `tuidesk check` beyond the backend's own page check: the application's invariants, read
//! from one snapshot. Versions and ids in range, links that do not chain or point at
//! themselves, order ratings and levels, and each ticket's stored SLA columns against a
//! recomputation with the one evaluation.

use chrono::{DateTime, Utc};

use super::Desk;
use super::transfer::MAX_IMPORTED_NUMBER;
use crate::sla::columns;
use crate::store::{ExportRecord, Result};

impl Desk {
    /// One line per broken invariant; empty when all hold.
    pub fn check_invariants(&self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let policies = self.policies.clone();
        let mut problems = Vec::new();
        let mut orgs = std::collections::HashMap::new();
        let mut ticket_ids = Vec::new();
        let mut stored = Vec::new();
        self.store.export_snapshot(now, &mut |rec| {
            match rec {
                ExportRecord::Org { org, .. } => {
                    orgs.insert(org.name.clone(), org);
                }
                ExportRecord::Ticket(d, _) => {
                    if let Some(t) = d.ticket {
                        if !(1..=MAX_IMPORTED_NUMBER).contains(&t.version) {
                            problems.push(format!(
                                "ticket {}: version {} is out of range (1 to {MAX_IMPORTED_NUMBER})",
                                t.id, t.version
                            ));
                        }
                        if let Some(a) = &t.assignee
                            && crate::domain::validate_user_name(a).is_err()
                        {
                            problems.push(format!("ticket {}: assignee {a:?} is not a usable name", t.id));
                        }
                        ticket_ids.push(t.id);
                        stored.push(t.first_response_due);
                    }
                }
                ExportRecord::Order { order, .. } => {
                    if !(1..=MAX_IMPORTED_NUMBER).contains(&order.version) {
                        problems.push(format!(
                            "order {}: version {} is out of range",
                            order.id, order.version
                        ));
                    }
                    if let Some(r) = &order.rating
                        && !((1..=5).contains(&r.speed) && (1..=5).contains(&r.quality))
                    {
                        problems.push(format!("order {}: rating out of 1–5", order.id));
                    }
                }
                // Mail history is carried as stored; its references are the database's own.
                ExportRecord::Mail(_) => {}
            }
            Ok(())
        })?;
        for org in orgs.values() {
            if let Some(parent) = &org.parent {
                if *parent == org.name {
                    problems.push(format!("organization {:?} is linked to itself", org.name));
                } else if orgs.get(parent).is_some_and(|p| p.parent.is_some()) {
                    problems.push(format!(
                        "organization {:?} is linked to {parent:?}, which is itself linked",
                        org.name
                    ));
                }
            }
        }
        for (chunk, due_chunk) in ticket_ids.chunks(500).zip(stored.chunks(500)) {
            let inputs = self.store.sla_inputs_many(chunk)?;
            for ((id, due), inputs) in chunk.iter().zip(due_chunk).zip(&inputs) {
                let cols = columns::ticket_columns(&policies, inputs, now);
                let recomputed = cols
                    .first_response_due
                    .and_then(|s| DateTime::from_timestamp(s, 0));
                if recomputed != *due {
                    problems.push(format!(
                        "ticket {id}: stored first-response due {} differs from the recomputed {}",
                        due.map_or("none".into(), |d| d.to_rfc3339()),
                        recomputed.map_or("none".into(), |d| d.to_rfc3339())
                    ));
                }
            }
        }
        Ok(problems)
    }
}
