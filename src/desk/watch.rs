//! What `tuidesk watch` fires: SLA alerts from the one SLA evaluation (only for tickets whose
//! stored at-risk instant has come), customers' messages and assignments since an instant,
//! each with the instant it falls in the customer's business hours; and the alert log that
//! lets exactly one watcher fire each alert.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::alerts::{self, AlertKind, DueAlert};
use crate::domain::Ticket;
use crate::policy::Metric;
use crate::sla::columns::{self, TicketSlaInputs};
use crate::store::{AlertClaim, Happening, MessagesFrom, Result};

/// An alert that is due, with its ticket and when it may fire for a hook that keeps to the
/// customer's business hours.
#[derive(Debug, Clone)]
pub struct WatchAlert {
    pub alert: DueAlert,
    pub ticket: Ticket,
    pub tz: String,
    pub in_hours_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct WatchScan {
    /// Oldest first.
    pub alerts: Vec<WatchAlert>,
    /// The next instant an SLA alert can fall due (nothing changing meanwhile).
    pub next_wake: Option<DateTime<Utc>>,
}

impl Desk {
    /// Everything due at `now`: SLA alerts, and customers' messages and assignments to
    /// `engineer` since `since`. `handled(key)` leaves out what the caller already dealt with.
    pub fn watch_scan(
        &self,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        engineer: &str,
        handled: &dyn Fn(&str) -> bool,
    ) -> Result<WatchScan> {
        let policies = self.policies.clone();
        let mut found: Vec<(DueAlert, Metric)> = Vec::new();
        let mut next_wake = self.store.next_risk_after(now)?;
        let ids = self.store.tickets_at_risk_by(now)?;
        let inputs = self.store.sla_inputs_many(&ids)?;
        let mut inputs_of: std::collections::HashMap<i64, TicketSlaInputs> = Default::default();
        for (id, inp) in ids.iter().zip(inputs) {
            let metrics = columns::evaluate_inputs(&policies, &inp, now);
            let eval = |t: DateTime<Utc>| columns::evaluate_inputs(&policies, &inp, t);
            let (due, wake) = alerts::sla_alerts(*id, &inp.timeline, &metrics, now, &eval, handled);
            if let Some(w) = wake {
                next_wake = Some(next_wake.map_or(w, |n| n.min(w)));
            }
            for a in due {
                let metric = a.metric.unwrap_or(Metric::FirstResponse);
                found.push((a, metric));
            }
            inputs_of.insert(*id, inp);
        }
        let happenings = [
            (
                AlertKind::CustomerReplied,
                self.store
                    .customer_messages(Some(MessagesFrom::Since(since)), usize::MAX)?
                    .entries
                    .into_iter()
                    .map(|e| Happening {
                        id: e.entry_id,
                        ticket_id: e.ticket_id,
                        at: e.at,
                    })
                    .collect(),
                "entry",
            ),
            (
                AlertKind::AssignedToMe,
                self.store.assignments_since(since, engineer)?,
                "event",
            ),
        ];
        for (kind, list, row) in happenings {
            for h in list {
                let key = format!("{}:{row}:{}:{}", h.ticket_id, h.id, kind.as_str());
                if handled(&key) {
                    continue;
                }
                found.push((
                    DueAlert {
                        ticket_id: h.ticket_id,
                        kind,
                        metric: None,
                        at: h.at,
                        due: None,
                        key,
                    },
                    Metric::FirstResponse,
                ));
            }
        }
        let missing: Vec<i64> = found
            .iter()
            .map(|(a, _)| a.ticket_id)
            .filter(|id| !inputs_of.contains_key(id))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for (id, inp) in missing.iter().zip(self.store.sla_inputs_many(&missing)?) {
            inputs_of.insert(*id, inp);
        }
        // Every alert's ticket in one read.
        let ids: Vec<i64> = found
            .iter()
            .map(|(a, _)| a.ticket_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let tickets: std::collections::HashMap<i64, Ticket> = self
            .store
            .tickets_many(&ids, now)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let mut out = Vec::with_capacity(found.len());
        for (alert, metric) in found {
            let Some(ticket) = tickets.get(&alert.ticket_id).cloned() else {
                continue;
            };
            let (in_hours_at, tz) = match inputs_of.get(&alert.ticket_id) {
                Some(inp) => (
                    columns::first_in_hours(&policies, inp, metric, alert.at),
                    inp.tz.clone(),
                ),
                None => (alert.at, "UTC".to_string()),
            };
            out.push(WatchAlert {
                alert,
                ticket,
                tz,
                in_hours_at,
            });
        }
        out.sort_by(|a, b| {
            (a.alert.at, a.alert.ticket_id, &a.alert.key).cmp(&(
                b.alert.at,
                b.alert.ticket_id,
                &b.alert.key,
            ))
        });
        Ok(WatchScan {
            alerts: out,
            next_wake,
        })
    }

    /// Logs an alert as fired (or skipped); false when another watcher logged it first.
    pub fn claim_alert(&mut self, claim: &AlertClaim<'_>) -> Result<bool> {
        let mut won = false;
        self.store.write(&mut |tx| {
            won = tx.claim_alert(claim)?;
            Ok(())
        })?;
        Ok(won)
    }
}
