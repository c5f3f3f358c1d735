//! Service-order use cases: request, complete, reject, rate, and the monthly report an order
//! delivers. The entitlement rules are the pure `crate::orders`; here they run inside the
//! transaction that stores the result, so two engineers cannot both spend the last quota.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::domain::{self, Actor, Order, OrderKind};
use crate::orders::{self, OrderOrg, OrderRequest, OrderRuleError};
use crate::store::{
    CreatedOrder, EventSubject, MAX_ATTACHMENT_BYTES, NewOrder, OrderInsert, OrderPatch, Result,
    StoreError, validate_attachment_name,
};

impl Desk {
    pub fn create_order(
        &mut self,
        new: &NewOrder,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CreatedOrder> {
        let note = new.note.trim().to_string();
        domain::validate_body("note", &note, true)?;
        let policies = self.policies.clone();
        let mut created = (0, Vec::new());
        self.store.write(&mut |tx| {
            let org = tx.org_by_name(&new.org)?;
            let set = crate::policy::rules::policy_set(&policies, &org.policy_set)?;
            let tz = domain::parse_tz(&org.tz)?;
            let prior = tx.prior_orders(org.id)?;
            let accepted = orders::check_new_order(
                &policies,
                &OrderOrg::of(&org, set, tz),
                &new.request,
                &prior,
                now,
            )?;
            let id = tx.insert_order(&OrderInsert {
                org_id: org.id,
                request: &new.request,
                note: &note,
                requested_on: now.with_timezone(&tz).date_naive(),
                due: accepted.due,
                created_at: now,
                created_by: &actor.name,
            })?;
            tx.record_event(
                order_subject(id, org.id),
                actor,
                now,
                ("created", None, Some(&describe_request(&new.request))),
            )?;
            created = (id, accepted.warnings);
            Ok(())
        })?;
        let (id, warnings) = created;
        Ok(CreatedOrder {
            order: self.store.order(id)?,
            warnings,
        })
    }

    /// Completes a processing order, storing its deliverables with it.
    pub fn complete_order(
        &mut self,
        id: i64,
        attachments: &[(String, Vec<u8>)],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        self.complete_order_mailing(id, attachments, false, actor, now)
            .map(|(order, _)| order)
    }

    /// Completes an order and, with `mail`, queues one message per contact address of the
    /// organization carrying the first deliverable (the monthly report, seed 004 §1.5.8), in
    /// the same transaction. Returns the order and the addresses mailed; `mail` with no
    /// contact address (a bare `@domain` names nobody) is refused.
    pub fn complete_order_mailing(
        &mut self,
        id: i64,
        attachments: &[(String, Vec<u8>)],
        mail: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(Order, Vec<String>)> {
        let mail_from = self.mail_from.clone();
        let mut mailed: Vec<String> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for (name, data) in attachments {
            validate_attachment_name(name)?;
            if names.contains(&name.as_str()) {
                return Err(OrderRuleError(format!(
                    "two attachments are named {name:?}; rename one"
                ))
                .into());
            }
            names.push(name);
            if data.len() > MAX_ATTACHMENT_BYTES {
                return Err(OrderRuleError(format!(
                    "attachment {name:?} is {} bytes; at most {MAX_ATTACHMENT_BYTES} bytes are stored with an order",
                    data.len()
                ))
                .into());
            }
        }
        self.store.write(&mut |tx| {
            let state = tx.order_state(id)?;
            orders::check_complete(state.status)?;
            tx.update_order(id, &OrderPatch::Completed { at: now })?;
            for (name, data) in attachments {
                tx.insert_order_attachment(id, name, data, now)?;
            }
            let detail = if names.is_empty() {
                "completed".to_string()
            } else {
                format!("completed with {}", names.join(", "))
            };
            tx.record_event(
                order_subject(id, state.org_id),
                actor,
                now,
                ("status", Some(state.status.as_str()), Some(&detail)),
            )?;
            mailed.clear();
            if mail {
                let org = tx.org_by_id(state.org_id)?;
                let to: Vec<String> = tx
                    .contacts_in(state.org_id)?
                    .into_iter()
                    .filter(|a| !a.starts_with('@'))
                    .collect();
                if to.is_empty() {
                    return Err(OrderRuleError(format!(
                        "{} has no contact address to mail the report to; add one with `tuidesk org contact {} --add ADDRESS`",
                        org.name, org.name
                    ))
                    .into());
                }
                let Some((name, data)) = attachments.first() else {
                    return Err(OrderRuleError(
                        "nothing to mail: attach the report (--attach-report) or a file".into(),
                    )
                    .into());
                };
                let subject = format!("[order {id}] {}: {}", org.name, name);
                let body = format!(
                    "Dear {},\n\nplease find {name} attached (service order {id}).\n",
                    org.name
                );
                for (i, addr) in to.iter().enumerate() {
                    let message_id = format!(
                        "tuidesk.order{id}.{i}.{}@{}",
                        now.timestamp(),
                        crate::mail::compose::id_domain(mail_from.as_deref())
                    );
                    tx.insert_outbox(&crate::store::OutboxInsert {
                        ticket_id: None,
                        entry_id: None,
                        order_id: Some(id),
                        message_id: &message_id,
                        to: addr,
                        subject: &subject,
                        in_reply_to: None,
                        references: None,
                        body: &body,
                        attachment: Some((name, data)),
                        at: now,
                    })?;
                    tx.record_event(
                        order_subject(id, state.org_id),
                        actor,
                        now,
                        ("mailed", None, Some(addr)),
                    )?;
                }
                mailed = to;
            }
            Ok(())
        })?;
        Ok((self.store.order(id)?, mailed))
    }

    pub fn reject_order(
        &mut self,
        id: i64,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let reason = reason.trim();
        let policies = self.policies.clone();
        self.store.write(&mut |tx| {
            let state = tx.order_state(id)?;
            orders::check_reject(state.status, reason)?;
            super::sla::record_org_breaches(tx, &policies, state.org_id, now)?;
            tx.update_order(
                id,
                &OrderPatch::Rejected {
                    at: now,
                    reason: reason.to_string(),
                },
            )?;
            tx.record_event(
                order_subject(id, state.org_id),
                actor,
                now,
                (
                    "status",
                    Some(state.status.as_str()),
                    Some(&format!("rejected: {reason}")),
                ),
            )?;
            // A rejected event assurance raises no ticket's level any more.
            super::sla::refresh_org_tickets(tx, &policies, state.org_id, now)?;
            Ok(())
        })?;
        self.store.order(id)
    }

    pub fn rate_order(
        &mut self,
        id: i64,
        speed: i64,
        quality: i64,
        feedback: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let feedback = feedback.trim();
        self.store.write(&mut |tx| {
            let state = tx.order_state(id)?;
            orders::check_rating(state.status, state.rated, speed, quality, feedback)?;
            tx.update_order(
                id,
                &OrderPatch::Rating {
                    speed,
                    quality,
                    feedback: feedback.to_string(),
                    at: now,
                },
            )?;
            tx.record_event(
                order_subject(id, state.org_id),
                actor,
                now,
                (
                    "rating",
                    None,
                    Some(&format!("speed {speed}/5, quality {quality}/5")),
                ),
            )
        })?;
        self.store.order(id)
    }

    /// The monthly report a monthly-report order delivers, as files to attach on completion:
    /// the readable text and the JSON for scripts.
    pub fn report_attachments(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let order = self.store.order(id)?;
        let (OrderKind::MonthlyReport, Some(month)) = (order.kind, order.month) else {
            return Err(OrderRuleError(format!(
                "only monthly-report orders carry the monthly report; order {id} is {}",
                order.kind
            ))
            .into());
        };
        let tz = domain::parse_tz(&order.tz)?;
        let (_, month_end) = crate::report::month_bounds_utc(tz, month);
        if now < month_end {
            return Err(OrderRuleError(format!(
                "the report for {month} would be partial: the month ends {} in {}; attach it from then on, or attach your own file",
                month_end.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                order.tz
            ))
            .into());
        }
        let report = self.monthly_report(month, Some(&order.org), now)?;
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| StoreError::Other(format!("formatting the report: {e}")))?;
        Ok(vec![
            (
                format!("report-{month}.txt"),
                crate::report::render_text(&report).into_bytes(),
            ),
            (format!("report-{month}.json"), json.into_bytes()),
        ])
    }
}

fn order_subject(order_id: i64, org_id: i64) -> EventSubject {
    EventSubject {
        ticket_id: None,
        org_id: Some(org_id),
        order_id: Some(order_id),
    }
}

/// "event-assurance level 1 2026-12-10..2026-12-12" and the like, for the audit log.
fn describe_request(req: &OrderRequest) -> String {
    let mut s = req.kind.as_str().to_string();
    if let Some(l) = req.level {
        s.push_str(&format!(" level {l}"));
    }
    if let (Some(a), Some(b)) = (req.start, req.end) {
        s.push_str(&format!(" {a}..{b}"));
    }
    if let Some(sc) = req.scenario {
        s.push_str(&format!(" ({sc})"));
    }
    if let Some(m) = req.month {
        s.push_str(&format!(" for {m}"));
    }
    s
}
