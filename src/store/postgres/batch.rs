//! Reads of many tickets at once on PostgreSQL: one statement per table for a whole block of
//! ids (`= ANY($1)`) instead of a handful per ticket, so `export`, `check` and the SLA pane
//! cost a few round trips per 500 tickets. The results are exactly those of the per-ticket
//! reads in `port` (the same orders, the same rules).

use std::collections::HashMap;

use super::sql::Sql;
use chrono::{DateTime, Utc};

use super::error::{Ctx as _, get};
use super::port::{
    EVENT_COLUMNS, TICKET_SELECT, breach_cutoff, event_from_row, from_ts, opt_from_ts,
    ticket_from_row,
};
use crate::assurance::AssuranceWindow;
use crate::domain::ConversationEntry;
use crate::sla::columns::TicketSlaInputs;
use crate::sla::{Pause, RecordedBreach, TicketTimeline};
use crate::store::sqlite::decode;
use crate::store::{EntryMail, Result, StoreError, TicketDetail};

/// Organizations' plan and link changes, read once per organization and kept while a block
/// of tickets (or a whole export) is read: what `served_plan_at` reads per ticket.
#[derive(Default)]
pub(super) struct PlanHistory {
    /// name -> (id, current plan); loaded on first use.
    orgs: Option<HashMap<String, (i64, String)>>,
    /// org id -> its own `plan` and `linked_to` changes, by (at, id): (field, at, old).
    changes: HashMap<i64, Vec<(String, i64, Option<String>)>>,
}

impl PlanHistory {
    fn changes<C: Sql>(&mut self, c: &mut C, org: i64) -> Result<&[(String, i64, Option<String>)]> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.changes.entry(org) {
            let rows = c
                .query(
                    "SELECT field, at, old FROM events
                     WHERE org_id = $1 AND ticket_id IS NULL AND field IN ('plan', 'linked_to')
                     ORDER BY at, id",
                    &[&org],
                )
                .ctx("reading plan history")?
                .iter()
                .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
                .collect::<Result<Vec<_>>>()?;
            slot.insert(rows);
        }
        Ok(self.changes.get(&org).map_or(&[], |v| v.as_slice()))
    }

    /// The value a field of `org` had at `at`: the `old` of its first change after `at`.
    fn first_change_after<C: Sql>(
        &mut self,
        c: &mut C,
        org: i64,
        field: &str,
        at: i64,
    ) -> Result<Option<Option<String>>> {
        Ok(self
            .changes(c, org)?
            .iter()
            .find(|(f, when, _)| f == field && *when > at)
            .map(|(_, _, old)| old.clone()))
    }

    fn org_named<C: Sql>(&mut self, c: &mut C, name: &str) -> Result<Option<(i64, String)>> {
        if self.orgs.is_none() {
            let map = c
                .query("SELECT name, id, plan FROM orgs", &[])
                .ctx("reading plan history")?
                .iter()
                .map(|r| Ok((get(r, 0)?, (get(r, 1)?, get(r, 2)?))))
                .collect::<Result<HashMap<_, _>>>()?;
            self.orgs = Some(map);
        }
        Ok(self.orgs.as_ref().and_then(|m| m.get(name).cloned()))
    }

    /// The plan that served an organization's tickets at `at` (see `port::served_plan_at`).
    fn served_plan_at<C: Sql>(
        &mut self,
        c: &mut C,
        org_id: i64,
        org_plan: &str,
        parent: Option<(i64, String)>,
        at: i64,
    ) -> Result<String> {
        let parent_then = match self.first_change_after(c, org_id, "linked_to", at)? {
            None => parent,
            Some(None) => None,
            Some(Some(name)) => self.org_named(c, &name)?,
        };
        let (org, current) = match &parent_then {
            Some((pid, pplan)) => (*pid, pplan.clone()),
            None => (org_id, org_plan.to_string()),
        };
        Ok(match self.first_change_after(c, org, "plan", at)? {
            Some(Some(old)) => old,
            _ => current,
        })
    }
}

/// Rows of one query grouped by their first column (a ticket or organization id).
fn grouped<C: Sql, T>(
    c: &mut C,
    sql: &str,
    ids: &[i64],
    what: &str,
    mut each: impl FnMut(&postgres::Row) -> Result<T>,
) -> Result<HashMap<i64, Vec<T>>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for r in c.query(sql, &[&ids]).ctx(what)? {
        let key: i64 = get(&r, 0)?;
        out.entry(key).or_default().push(each(&r)?);
    }
    Ok(out)
}

fn spans<C: Sql>(c: &mut C, table: &str, ids: &[i64]) -> Result<HashMap<i64, Vec<Pause>>> {
    grouped(
        c,
        &format!(
            "SELECT ticket_id, started_at, ended_at FROM {table}
             WHERE ticket_id = ANY($1) ORDER BY ticket_id, started_at"
        ),
        ids,
        "loading pauses",
        |r| {
            Ok(Pause {
                start: from_ts(get(r, 1)?),
                end: opt_from_ts(get(r, 2)?),
            })
        },
    )
}

/// The event-assurance windows of organizations, by organization id.
fn assurance_by_org<C: Sql>(c: &mut C, orgs: &[i64]) -> Result<HashMap<i64, Vec<AssuranceWindow>>> {
    grouped(
        c,
        "SELECT r.org_id, r.id, r.level, r.start_date, r.end_date FROM orders r
         WHERE r.org_id = ANY($1) AND r.kind = 'event-assurance' AND r.status <> 'rejected'
           AND r.level IS NOT NULL AND r.start_date IS NOT NULL AND r.end_date IS NOT NULL
         ORDER BY r.id",
        orgs,
        "loading event assurance in force",
        |r| {
            let id: i64 = get(r, 1)?;
            let level: i64 = get(r, 2)?;
            Ok(AssuranceWindow {
                order_id: id,
                level: u8::try_from(level).unwrap_or(u8::MAX),
                start: decode::column("orders", id, "start_date", &get::<String>(r, 3)?)?,
                end: decode::column("orders", id, "end_date", &get::<String>(r, 4)?)?,
            })
        },
    )
}

/// What the SLA engine needs about each ticket, in the order asked; `NotFound` for an id
/// that is not there.
pub(super) fn inputs_many<C: Sql>(
    c: &mut C,
    ids: &[i64],
    history: &mut PlanHistory,
) -> Result<Vec<TicketSlaInputs>> {
    struct Head {
        policy_set: String,
        org_id: i64,
        org_plan: String,
        parent: Option<(i64, String)>,
        tz: String,
        severity: String,
        status: String,
        created: i64,
        first_response: Option<i64>,
        resolved: Option<i64>,
    }
    let mut heads: HashMap<i64, Head> = HashMap::new();
    for r in c
        .query(
            "SELECT t.id, o.policy_set, o.id, o.plan, p.id, p.plan, o.tz, t.severity, t.status,
                    t.created_at, t.first_response_at, t.resolved_at
             FROM tickets t JOIN orgs o ON o.id = t.org_id
             LEFT JOIN orgs p ON p.id = o.parent_id
             WHERE t.id = ANY($1)",
            &[&ids],
        )
        .ctx("loading tickets for SLA")?
    {
        heads.insert(
            get(&r, 0)?,
            Head {
                policy_set: get(&r, 1)?,
                org_id: get(&r, 2)?,
                org_plan: get(&r, 3)?,
                parent: get::<Option<i64>>(&r, 4)?.zip(get::<Option<String>>(&r, 5)?),
                tz: get(&r, 6)?,
                severity: get(&r, 7)?,
                status: get(&r, 8)?,
                created: get(&r, 9)?,
                first_response: get(&r, 10)?,
                resolved: get(&r, 11)?,
            },
        );
    }
    let pauses = spans(c, "pauses", ids)?;
    let resolved_spans = spans(c, "resolved_spans", ids)?;
    let mut severity_changes = grouped(
        c,
        "SELECT ticket_id, at, old FROM events
         WHERE ticket_id = ANY($1) AND field = 'severity' AND old IS NOT NULL
         ORDER BY ticket_id, at, id",
        ids,
        "loading severity changes",
        |r| Ok((from_ts(get(r, 1)?), get(r, 2)?)),
    )?;
    let breaches = grouped(
        c,
        "SELECT ticket_id, metric, at FROM breaches WHERE ticket_id = ANY($1)
         ORDER BY ticket_id, metric COLLATE \"C\"",
        ids,
        "loading recorded breaches",
        |r| {
            let ticket: i64 = get(r, 0)?;
            let metric: String = get(r, 1)?;
            let metric =
                crate::policy::Metric::parse(&metric).ok_or_else(|| StoreError::Undecodable {
                    table: "breaches",
                    row: ticket,
                    column: "metric",
                    value: metric.clone(),
                    reason: "not a metric".into(),
                })?;
            Ok(RecordedBreach {
                metric,
                at: from_ts(get(r, 2)?),
            })
        },
    )?;
    // Customer messages (autoreplies and bounces left out) and engineers' public replies.
    let replies = grouped(
        c,
        "SELECT coalesce(e.merged_from, e.ticket_id) AS owner, e.role, e.created_at FROM entries e
         WHERE ((e.ticket_id = ANY($1) AND e.merged_from IS NULL) OR e.merged_from = ANY($1))
           AND e.kind = 'reply'
           AND NOT EXISTS (SELECT 1 FROM mail_messages m
                           WHERE m.entry_id = e.id AND m.auto IS NOT NULL)
         ORDER BY owner, e.created_at, e.id",
        ids,
        "loading replies",
        |r| Ok((get::<String>(r, 1)? == "customer", from_ts(get(r, 2)?))),
    )?;
    let mut orgs: Vec<i64> = heads.values().map(|h| h.org_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let assurance = assurance_by_org(c, &orgs)?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let h = heads.get(&id).ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            key: id.to_string(),
        })?;
        let plan = match h.resolved {
            Some(at) => history.served_plan_at(c, h.org_id, &h.org_plan, h.parent.clone(), at)?,
            None => h
                .parent
                .as_ref()
                .map_or_else(|| h.org_plan.clone(), |p| p.1.clone()),
        };
        let (mut customer_messages, mut public_replies) = (Vec::new(), Vec::new());
        for (customer, at) in replies.get(&id).cloned().unwrap_or_default() {
            if customer {
                customer_messages.push(at);
            } else {
                public_replies.push(at);
            }
        }
        out.push(TicketSlaInputs {
            policy_set: h.policy_set.clone(),
            plan,
            tz: h.tz.clone(),
            severity: h.severity.clone(),
            status: decode::column("tickets", id, "status", &h.status)?,
            timeline: TicketTimeline {
                opened: from_ts(h.created),
                pauses: pauses.get(&id).cloned().unwrap_or_default(),
                first_response_at: opt_from_ts(h.first_response),
                resolved_at: opt_from_ts(h.resolved),
                resolved_spans: resolved_spans.get(&id).cloned().unwrap_or_default(),
                recorded_breaches: breaches.get(&id).cloned().unwrap_or_default(),
                customer_messages,
                public_replies,
            },
            assurance: assurance.get(&h.org_id).cloned().unwrap_or_default(),
            severity_changes: severity_changes.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Tickets with conversation, audit rows, pauses, assurance windows and mail, as
/// `port::ticket_detail_in` reads one; ids that are not there are left out.
pub(super) fn details_many<C: Sql>(
    c: &mut C,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<TicketDetail>> {
    let cutoff = breach_cutoff(now);
    let tickets = c
        .query(
            &format!("{TICKET_SELECT} WHERE t.id = ANY($1) ORDER BY t.id"),
            &[&ids],
        )
        .ctx("reading tickets")?
        .iter()
        .map(|r| ticket_from_row(r, cutoff))
        .collect::<Result<Vec<_>>>()?;
    let mut conversation = grouped(
        c,
        "SELECT ticket_id, id, kind, role, author, body, created_at, merged_from FROM entries
         WHERE ticket_id = ANY($1) ORDER BY ticket_id, created_at, id",
        ids,
        "reading conversation",
        |r| {
            let entry_id: i64 = get(r, 1)?;
            Ok(ConversationEntry {
                id: entry_id,
                ticket_id: get(r, 0)?,
                kind: decode::column("entries", entry_id, "kind", &get::<String>(r, 2)?)?,
                role: decode::column("entries", entry_id, "role", &get::<String>(r, 3)?)?,
                author: get(r, 4)?,
                body: get(r, 5)?,
                created_at: from_ts(get(r, 6)?),
                merged_from: get(r, 7)?,
            })
        },
    )?;
    let mut events: HashMap<i64, Vec<crate::domain::AuditEvent>> = HashMap::new();
    for r in c
        .query(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE ticket_id = ANY($1) ORDER BY ticket_id, id"
            ),
            &[&ids],
        )
        .ctx("reading audit events")?
    {
        let e = event_from_row(&r)?;
        if let Some(t) = e.ticket_id {
            events.entry(t).or_default().push(e);
        }
    }
    let mut pauses = spans(c, "pauses", ids)?;
    let mut orgs: Vec<i64> = tickets.iter().map(|t| t.org_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let assurance = assurance_by_org(c, &orgs)?;
    let mut mail = mail_many(c, ids)?;
    Ok(tickets
        .into_iter()
        .map(|t| {
            let id = t.id;
            TicketDetail {
                conversation: conversation.remove(&id).unwrap_or_default(),
                events: events.remove(&id).unwrap_or_default(),
                pauses: pauses.remove(&id).unwrap_or_default(),
                assurance: assurance.get(&t.org_id).cloned().unwrap_or_default(),
                mail: mail.remove(&id).unwrap_or_default(),
                ticket: Some(t),
            }
        })
        .collect())
}

/// The mail side of many tickets (see `mail::ticket_mail`), by ticket id.
fn mail_many<C: Sql>(c: &mut C, ids: &[i64]) -> Result<HashMap<i64, Vec<EntryMail>>> {
    use std::collections::BTreeMap;
    let mut out: HashMap<i64, BTreeMap<i64, EntryMail>> = HashMap::new();
    for r in c
        .query(
            "SELECT ticket_id, entry_id, message_id, auto FROM mail_messages
             WHERE ticket_id = ANY($1) AND direction = 'in' ORDER BY id",
            &[&ids],
        )
        .ctx("reading the tickets' mail")?
    {
        let t: i64 = get(&r, 0)?;
        let e = get::<Option<i64>>(&r, 1)?.unwrap_or(0);
        let m = out
            .entry(t)
            .or_default()
            .entry(e)
            .or_insert_with(|| EntryMail {
                entry_id: e,
                ..EntryMail::default()
            });
        m.message_id = Some(get(&r, 2)?);
        m.auto = get(&r, 3)?;
    }
    for r in c
        .query(
            "SELECT ticket_id, entry_id, message_id, state, sent_at, last_error FROM outbox
             WHERE ticket_id = ANY($1) AND entry_id IS NOT NULL ORDER BY id",
            &[&ids],
        )
        .ctx("reading the tickets' mail")?
    {
        let t: i64 = get(&r, 0)?;
        let e: i64 = get(&r, 1)?;
        let state = super::mail::delivery_state(e, get(&r, 3)?)?;
        let m = out
            .entry(t)
            .or_default()
            .entry(e)
            .or_insert_with(|| EntryMail {
                entry_id: e,
                ..EntryMail::default()
            });
        m.message_id = Some(get(&r, 2)?);
        m.delivery = Some((state, opt_from_ts(get(&r, 4)?), get(&r, 5)?));
    }
    for r in c
        .query(
            &format!(
                "{} WHERE ticket_id = ANY($1) ORDER BY id",
                super::mail::ATTACHMENT_META.replacen("SELECT ", "SELECT ticket_id, ", 1)
            ),
            &[&ids],
        )
        .ctx("reading attachments")?
    {
        let t: i64 = get(&r, 0)?;
        let a = crate::store::AttachmentMeta {
            id: get(&r, 1)?,
            entry_id: get(&r, 2)?,
            name: get(&r, 3)?,
            content_type: get(&r, 4)?,
            size: get(&r, 5)?,
            stored: get(&r, 6)?,
        };
        let e = a.entry_id.unwrap_or(0);
        out.entry(t)
            .or_default()
            .entry(e)
            .or_insert_with(|| EntryMail {
                entry_id: e,
                ..EntryMail::default()
            })
            .attachments
            .push(a);
    }
    Ok(out
        .into_iter()
        .map(|(t, m)| (t, m.into_values().collect()))
        .collect())
}
