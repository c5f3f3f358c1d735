//! PostgreSQL as an implementation of the store port: [`PgTx`] wraps one write transaction
//! as a [`StoreTx`] (the rows a rule reads are locked with `FOR UPDATE`, so two engineers
//! cannot both claim a ticket or spend an organization's last quota); [`PgStore`] answers
//! the [`Store`] reads with the same SQL shapes as the SQLite backend.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone as _, Utc};
use postgres::Row;
use postgres::types::ToSql;

use super::sql::{Cached, Sql};

use super::PgStore;
use super::bulk::Pending;
use super::error::{Ctx as _, get};
use crate::domain::{
    Actor, AttachmentInfo, AuditEvent, ConversationEntry, Order, OrderRating, OrderStatus,
    Organization, Status, Ticket,
};
use crate::policy::PolicyRegistry;
use crate::sla::columns::{SlaColumns, TicketSlaInputs};
use crate::sla::{Pause, TicketTimeline};
use crate::store::sqlite::decode;
use crate::store::{
    AttachmentInsert, ChangeToken, EntryInsert, EntryMail, EventRow, EventSubject, ExportRecord,
    MailRecord, Maintenance, OrderFilter, OrderInsert, OrderPatch, OrderRow, OrderState, OrgPatch,
    OrgRow, OutboxInsert, OutboxMessage, OutboxPatch, QuarantineItem, Result, SortKey, Store,
    StoreError, StoreTx, TicketDetail, TicketFilter, TicketInsert, TicketPage, TicketPatch,
    TicketRow, TicketSort, TriageInsert, TriageItem, TriageState, UrgencyCounts,
};

type Param = Box<dyn ToSql + Sync>;

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

pub fn to_ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn from_ts(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub(super) fn opt_from_ts(ts: Option<i64>) -> Option<DateTime<Utc>> {
    ts.map(from_ts)
}

pub(super) const TICKET_SELECT: &str =
    "SELECT t.id, t.org_id, o.name, t.kind, t.severity, t.status, t.summary,
        t.description, t.component, t.environment, t.affected_version, t.assignee, t.created_at,
        t.updated_at, t.first_response_at, t.resolved_at, t.first_response_due, t.next_due,
        t.paused_left, t.breach_at, t.version, t.urgency, t.priority, t.severity_rank, t.risk_at,
        t.effective_severity, t.severity_note, t.requester_name, t.requester_address, t.channel,
        t.follows_id, t.merged_into_id,
        (SELECT string_agg(g.tag, E'\n') FROM ticket_tags g WHERE g.ticket_id = t.id)
    FROM tickets t JOIN orgs o ON o.id = t.org_id";

/// The latest stored breach instant (whole seconds) that `now` is past: a ticket is breached
/// only once `now > breach_at`, the SLA engine's rule (as in the SQLite backend).
pub(super) fn breach_cutoff(now: DateTime<Utc>) -> i64 {
    (now - chrono::Duration::nanoseconds(1)).timestamp()
}

/// Reads a ticket row; breach instants up to `cutoff` have passed.
pub(super) fn ticket_from_row(r: &Row, cutoff: i64) -> Result<Ticket> {
    let id: i64 = get(r, 0)?;
    let kind: String = get(r, 3)?;
    let status: String = get(r, 5)?;
    let environment: Option<String> = get(r, 9)?;
    let breach_at: Option<i64> = get(r, 19)?;
    let channel: Option<String> = get(r, 29)?;
    Ok(Ticket {
        id,
        org_id: get(r, 1)?,
        org: get(r, 2)?,
        kind: decode::column("tickets", id, "kind", &kind)?,
        severity: get(r, 4)?,
        status: decode::column("tickets", id, "status", &status)?,
        summary: get(r, 6)?,
        description: get(r, 7)?,
        component: get(r, 8)?,
        environment: environment
            .map(|e| decode::column("tickets", id, "environment", &e))
            .transpose()?,
        affected_version: get(r, 10)?,
        assignee: get(r, 11)?,
        created_at: from_ts(get(r, 12)?),
        updated_at: from_ts(get(r, 13)?),
        first_response_at: opt_from_ts(get(r, 14)?),
        resolved_at: opt_from_ts(get(r, 15)?),
        first_response_due: opt_from_ts(get(r, 16)?),
        next_due: opt_from_ts(get(r, 17)?),
        risk_at: opt_from_ts(get(r, 24)?),
        paused_seconds_left: get(r, 18)?,
        breached: breach_at.is_some_and(|b| b <= cutoff),
        effective_severity: get(r, 25)?,
        severity_note: get(r, 26)?,
        requester_name: get(r, 27)?,
        requester_address: get(r, 28)?,
        channel: channel
            .map(|c| decode::column("tickets", id, "channel", &c))
            .transpose()?,
        follows: get(r, 30)?,
        merged_into: get(r, 31)?,
        tags: crate::store::split_tags(get(r, 32)?),
        version: get(r, 20)?,
    })
}

/// Sort columns and whether the order is descending (the SQLite backend's).
fn sort_columns(sort: TicketSort) -> (&'static [&'static str], bool) {
    match sort {
        TicketSort::Due => (&["t.urgency", "t.priority", "t.id"], false),
        TicketSort::Created => (&["t.created_at", "t.id"], true),
        TicketSort::Severity => (
            &["t.severity_rank", "t.urgency", "t.priority", "t.id"],
            false,
        ),
    }
}

fn sort_key_from_row(r: &Row, sort: TicketSort) -> Result<SortKey> {
    let id: i64 = get(r, 0)?;
    Ok(SortKey(match sort {
        TicketSort::Due => vec![get(r, 21)?, get(r, 22)?, id],
        TicketSort::Created => vec![get(r, 12)?, id],
        TicketSort::Severity => vec![get(r, 23)?, get(r, 21)?, get(r, 22)?, id],
    }))
}

fn end_key(sort: TicketSort) -> SortKey {
    let n = sort_columns(sort).0.len();
    let v = if sort == TicketSort::Created {
        i64::MIN
    } else {
        i64::MAX
    };
    SortKey(vec![v; n])
}

/// WHERE clauses and their parameters for a filter; placeholders continue from `params`.
fn filter_sql(filter: &TicketFilter, cutoff: i64, params: &mut Vec<Param>) -> Vec<String> {
    let mut clauses = Vec::new();
    let next = |params: &mut Vec<Param>, p: Param| {
        params.push(p);
        format!("${}", params.len())
    };
    if !filter.all_statuses {
        let statuses: Vec<Status> = if filter.statuses.is_empty() {
            Status::ACTIVE.to_vec()
        } else {
            filter.statuses.clone()
        };
        // Literals, so the planner matches the partial indexes on the active queue.
        let list = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        clauses.push(format!("t.status IN ({list})"));
    }
    if let Some(org) = filter.org_id {
        let p = next(params, Box::new(org));
        clauses.push(format!("t.org_id = {p}"));
    }
    if let Some(a) = &filter.assignee {
        let p = next(params, Box::new(a.clone()));
        clauses.push(format!("t.assignee = {p}"));
    }
    if filter.unassigned {
        clauses.push("t.assignee IS NULL".into());
    }
    if filter.breached {
        let p = next(params, Box::new(cutoff));
        clauses.push(format!("t.breach_at <= {p}"));
    }
    if let Some(sev) = &filter.severity {
        let p = next(params, Box::new(sev.clone()));
        clauses.push(format!("t.severity = {p}"));
    }
    for tag in &filter.tags {
        let p = next(params, Box::new(tag.clone()));
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = {p})"
        ));
    }
    clauses
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

pub(super) fn read_ticket<C: Sql>(
    c: &mut C,
    id: i64,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<Ticket> {
    let sql = if lock {
        format!("{TICKET_SELECT} WHERE t.id = $1 FOR UPDATE OF t")
    } else {
        format!("{TICKET_SELECT} WHERE t.id = $1")
    };
    let row = c.query_opt(&sql, &[&id]).ctx("reading ticket")?;
    match row {
        Some(r) => ticket_from_row(&r, breach_cutoff(now)),
        None => Err(StoreError::NotFound {
            what: "ticket",
            key: id.to_string(),
        }),
    }
}

pub(super) fn event_from_row(r: &Row) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: get(r, 0)?,
        ticket_id: get(r, 1)?,
        org_id: get(r, 2)?,
        actor: get(r, 3)?,
        actor_source: get(r, 4)?,
        at: from_ts(get(r, 5)?),
        field: get(r, 6)?,
        old: get(r, 7)?,
        new: get(r, 8)?,
        imported: get(r, 9)?,
    })
}

pub(super) const EVENT_COLUMNS: &str =
    "id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported";

pub(super) fn events<C: Sql>(c: &mut C, sql: &str, id: i64, what: &str) -> Result<Vec<AuditEvent>> {
    c.query(sql, &[&id])
        .ctx(what)?
        .iter()
        .map(event_from_row)
        .collect()
}

pub(super) const ORG_SELECT: &str = "SELECT o.id, o.name, o.policy_set, o.plan, o.tz, o.created_at,
        COALESCE(o.plan_since, o.created_at), p.name, p.plan
    FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id";

pub(super) fn org_from_row(r: &Row) -> Result<Organization> {
    Ok(Organization {
        id: get(r, 0)?,
        name: get(r, 1)?,
        policy_set: get(r, 2)?,
        plan: get(r, 3)?,
        tz: get(r, 4)?,
        created_at: from_ts(get(r, 5)?),
        plan_since: from_ts(get(r, 6)?),
        parent: get(r, 7)?,
        parent_plan: get(r, 8)?,
    })
}

fn org_where<C: Sql>(
    c: &mut C,
    condition: &str,
    key: &(dyn ToSql + Sync),
    shown: String,
    lock: bool,
) -> Result<Organization> {
    let lock = if lock { " FOR UPDATE OF o" } else { "" };
    let row = c
        .query_opt(&format!("{ORG_SELECT} WHERE {condition}{lock}"), &[key])
        .ctx("looking up organization")?;
    match row {
        Some(r) => org_from_row(&r),
        None => Err(StoreError::NotFound {
            what: "organization",
            key: shown,
        }),
    }
}

const ORDER_SELECT: &str = "SELECT r.id, r.org_id, o.name, r.kind, r.status, r.level, r.scenario,
        r.month, r.start_date, r.end_date, r.note, r.requested_on, r.due_at, r.created_at,
        r.created_by, r.completed_at, r.rejected_at, r.reject_reason, r.rating_speed,
        r.rating_quality, r.rating_feedback, r.rated_at, r.version, o.tz
    FROM orders r JOIN orgs o ON o.id = r.org_id";

fn opt_col<T: std::str::FromStr>(
    row: i64,
    column: &'static str,
    text: Option<String>,
) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    text.map(|t| decode::column("orders", row, column, &t))
        .transpose()
}

fn order_from_row(r: &Row) -> Result<Order> {
    let rating = match (
        get::<Option<i64>>(r, 18)?,
        get::<Option<i64>>(r, 19)?,
        get::<Option<i64>>(r, 21)?,
    ) {
        (Some(speed), Some(quality), Some(at)) => Some(OrderRating {
            speed: u8::try_from(speed).unwrap_or(0),
            quality: u8::try_from(quality).unwrap_or(0),
            feedback: get::<Option<String>>(r, 20)?.unwrap_or_default(),
            rated_at: from_ts(at),
        }),
        _ => None,
    };
    let id: i64 = get(r, 0)?;
    let level: Option<i64> = get(r, 5)?;
    Ok(Order {
        id,
        org_id: get(r, 1)?,
        org: get(r, 2)?,
        tz: get(r, 23)?,
        kind: decode::column("orders", id, "kind", &get::<String>(r, 3)?)?,
        status: decode::column("orders", id, "status", &get::<String>(r, 4)?)?,
        level: level.map(|l| u8::try_from(l).unwrap_or(u8::MAX)),
        scenario: opt_col(id, "scenario", get(r, 6)?)?,
        month: opt_col(id, "month", get(r, 7)?)?,
        start: opt_col(id, "start_date", get(r, 8)?)?,
        end: opt_col(id, "end_date", get(r, 9)?)?,
        note: get(r, 10)?,
        requested_on: decode::column("orders", id, "requested_on", &get::<String>(r, 11)?)?,
        due: opt_from_ts(get(r, 12)?),
        created_at: from_ts(get(r, 13)?),
        created_by: get(r, 14)?,
        completed_at: opt_from_ts(get(r, 15)?),
        rejected_at: opt_from_ts(get(r, 16)?),
        reject_reason: get(r, 17)?,
        rating,
        attachments: Vec::new(),
        version: get(r, 22)?,
    })
}

/// Everything the SLA engine needs about one ticket.
pub(super) fn load_inputs<C: Sql>(c: &mut C, ticket_id: i64) -> Result<TicketSlaInputs> {
    let row = c
        .query_opt(
            "SELECT o.policy_set, o.id, o.plan, p.id, p.plan, o.tz, t.severity, t.status,
                    t.created_at, t.first_response_at, t.resolved_at
             FROM tickets t JOIN orgs o ON o.id = t.org_id
             LEFT JOIN orgs p ON p.id = o.parent_id
             WHERE t.id = $1",
            &[&ticket_id],
        )
        .ctx("loading ticket for SLA")?
        .ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            key: ticket_id.to_string(),
        })?;
    let status: String = get(&row, 7)?;
    let org_id: i64 = get(&row, 1)?;
    let org_plan: String = get(&row, 2)?;
    let parent: Option<(i64, String)> =
        get::<Option<i64>>(&row, 3)?.zip(get::<Option<String>>(&row, 4)?);
    let resolved: Option<i64> = get(&row, 10)?;
    // A resolved or closed ticket keeps the plan that served it when it was resolved: a later
    // plan change or link of its organization does not change its targets (issue 12).
    let plan = match resolved {
        Some(at) => served_plan_at(c, org_id, &org_plan, parent, at)?,
        None => parent.map_or(org_plan, |p| p.1),
    };
    // Customer messages (autoreplies and bounces left out) and engineers' public replies.
    let mut customer_messages = Vec::new();
    let mut public_replies = Vec::new();
    for r in c
        .query(
            "SELECT e.role, e.created_at FROM entries e
             WHERE ((e.ticket_id = $1 AND e.merged_from IS NULL) OR e.merged_from = $1)
               AND e.kind = 'reply'
               AND NOT EXISTS (SELECT 1 FROM mail_messages m
                               WHERE m.entry_id = e.id AND m.auto IS NOT NULL)
             ORDER BY e.created_at, e.id",
            &[&ticket_id],
        )
        .ctx("loading replies")?
    {
        let role: String = get(&r, 0)?;
        let at = from_ts(get(&r, 1)?);
        if role == "customer" {
            customer_messages.push(at);
        } else {
            public_replies.push(at);
        }
    }
    let resolved_spans = c
        .query(
            "SELECT started_at, ended_at FROM resolved_spans WHERE ticket_id = $1 ORDER BY started_at",
            &[&ticket_id],
        )
        .ctx("loading resolved spans")?
        .iter()
        .map(|r| {
            Ok(Pause {
                start: from_ts(get(r, 0)?),
                end: opt_from_ts(get(r, 1)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let recorded_breaches = c
        .query(
            "SELECT metric, at FROM breaches WHERE ticket_id = $1 ORDER BY metric COLLATE \"C\"",
            &[&ticket_id],
        )
        .ctx("loading recorded breaches")?
        .iter()
        .map(|r| {
            let metric: String = get(r, 0)?;
            let metric =
                crate::policy::Metric::parse(&metric).ok_or_else(|| StoreError::Undecodable {
                    table: "breaches",
                    row: ticket_id,
                    column: "metric",
                    value: metric.clone(),
                    reason: "not a metric".into(),
                })?;
            Ok(crate::sla::RecordedBreach {
                metric,
                at: from_ts(get(r, 1)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let pauses = c
        .query(
            "SELECT started_at, ended_at FROM pauses WHERE ticket_id = $1 ORDER BY started_at",
            &[&ticket_id],
        )
        .ctx("loading pauses")?
        .iter()
        .map(|r| {
            Ok(Pause {
                start: from_ts(get(r, 0)?),
                end: opt_from_ts(get(r, 1)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(TicketSlaInputs {
        policy_set: get(&row, 0)?,
        plan,
        tz: get(&row, 5)?,
        severity: get(&row, 6)?,
        status: decode::column("tickets", ticket_id, "status", &status)?,
        timeline: TicketTimeline {
            opened: from_ts(get(&row, 8)?),
            pauses,
            first_response_at: opt_from_ts(get(&row, 9)?),
            resolved_at: opt_from_ts(resolved),
            resolved_spans,
            recorded_breaches,
            customer_messages,
            public_replies,
        },
        assurance: assurance_windows(c, ticket_id)?,
        severity_changes: c
            .query(
                "SELECT at, old FROM events
                 WHERE ticket_id = $1 AND field = 'severity' AND old IS NOT NULL
                 ORDER BY at, id",
                &[&ticket_id],
            )
            .ctx("loading severity changes")?
            .iter()
            .map(|r| Ok((from_ts(get(r, 0)?), get(r, 1)?)))
            .collect::<Result<Vec<_>>>()?,
    })
}

/// The plan an organization's tickets were served on at `at` (seconds): its own plan then, or
/// the plan then of the account it was linked to then, read back from the audit rows of plan
/// and link changes (each names the value it replaced). A change in the same second as `at`
/// counts as later. (The SQLite backend's rule, the same SQL.)
fn served_plan_at<C: Sql>(
    c: &mut C,
    org_id: i64,
    org_plan: &str,
    parent: Option<(i64, String)>,
    at: i64,
) -> Result<String> {
    // The value an org field had at `at`: the `old` of its first change after `at`, if any.
    let first_change_after = |c: &mut C, org: i64, field: &str| -> Result<Option<Option<String>>> {
        c.query_opt(
            "SELECT old FROM events
             WHERE org_id = $1 AND ticket_id IS NULL AND field = $2 AND at > $3
             ORDER BY at, id LIMIT 1",
            &[&org, &field, &at],
        )
        .ctx("reading plan history")?
        .as_ref()
        .map(|r| get(r, 0))
        .transpose()
    };
    let parent_then: Option<(i64, String)> = match first_change_after(c, org_id, "linked_to")? {
        // Unchanged since: the current parent.
        None => parent,
        Some(None) => None,
        Some(Some(name)) => c
            .query_opt("SELECT id, plan FROM orgs WHERE name = $1", &[&name])
            .ctx("reading plan history")?
            .as_ref()
            .map(|r| Ok::<_, StoreError>((get(r, 0)?, get(r, 1)?)))
            .transpose()?,
    };
    let (org, current) = match &parent_then {
        Some((pid, pplan)) => (*pid, pplan.as_str()),
        None => (org_id, org_plan),
    };
    Ok(match first_change_after(c, org, "plan")? {
        Some(Some(old)) => old,
        _ => current.to_string(),
    })
}

fn assurance_windows<C: Sql>(
    c: &mut C,
    ticket_id: i64,
) -> Result<Vec<crate::assurance::AssuranceWindow>> {
    c.query(
        "SELECT r.id, r.level, r.start_date, r.end_date FROM orders r
         JOIN tickets t ON t.org_id = r.org_id
         WHERE t.id = $1 AND r.kind = 'event-assurance' AND r.status <> 'rejected'
           AND r.level IS NOT NULL AND r.start_date IS NOT NULL AND r.end_date IS NOT NULL
         ORDER BY r.id",
        &[&ticket_id],
    )
    .ctx("loading event assurance in force")?
    .iter()
    .map(|r| {
        let id: i64 = get(r, 0)?;
        let level: i64 = get(r, 1)?;
        Ok(crate::assurance::AssuranceWindow {
            order_id: id,
            level: u8::try_from(level).unwrap_or(u8::MAX),
            start: decode::column("orders", id, "start_date", &get::<String>(r, 2)?)?,
            end: decode::column("orders", id, "end_date", &get::<String>(r, 3)?)?,
        })
    })
    .collect()
}

/// Adds a search document (a ticket's summary and description, or an entry's body).
/// Returns the document's length in tokens; the totals in `search_stats` are the caller's
/// ([`add_search_stats`]).
pub(super) fn index_document<C: Sql>(
    c: &mut C,
    doc: i64,
    ticket_id: i64,
    text: &str,
) -> Result<i64> {
    let (len, vector) = super::search::document(text);
    c.execute(
        "INSERT INTO search_docs (doc, ticket_id, len, vec) VALUES ($1, $2, $3, $4::text::tsvector)",
        &[&doc, &ticket_id, &len, &vector],
    )
    .ctx("updating the full-text index")?;
    Ok(len)
}

/// Adds documents and tokens to the BM25 totals (one row every writer updates: a bulk load
/// adds its totals once at the end).
pub(super) fn add_search_stats<C: Sql>(c: &mut C, docs: i64, tokens: i64) -> Result<()> {
    c.execute(
        "UPDATE search_stats SET docs = docs + $1, tokens = tokens + $2 WHERE id = 1",
        &[&docs, &tokens],
    )
    .ctx("updating the full-text index")?;
    Ok(())
}

/// A ticket with its conversation, audit rows, pauses and assurance windows, read on `c`
/// (inside the caller's snapshot).
pub(super) fn ticket_detail_in<C: Sql>(
    c: &mut C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<TicketDetail> {
    let ticket = read_ticket(c, id, now, false)?;
    let conversation = c
        .query(
            "SELECT id, ticket_id, kind, role, author, body, created_at, merged_from FROM entries
                 WHERE ticket_id = $1 ORDER BY created_at, id",
            &[&id],
        )
        .ctx("reading conversation")?
        .iter()
        .map(|r| {
            let entry_id: i64 = get(r, 0)?;
            Ok(ConversationEntry {
                id: entry_id,
                ticket_id: get(r, 1)?,
                kind: decode::column("entries", entry_id, "kind", &get::<String>(r, 2)?)?,
                role: decode::column("entries", entry_id, "role", &get::<String>(r, 3)?)?,
                author: get(r, 4)?,
                body: get(r, 5)?,
                created_at: from_ts(get(r, 6)?),
                merged_from: get(r, 7)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let events = events(
        c,
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE ticket_id = $1 ORDER BY id"),
        id,
        "reading audit events",
    )?;
    let pauses = c
        .query(
            "SELECT started_at, ended_at FROM pauses WHERE ticket_id = $1 ORDER BY started_at",
            &[&id],
        )
        .ctx("reading pauses")?
        .iter()
        .map(|r| {
            Ok(Pause {
                start: from_ts(get(r, 0)?),
                end: opt_from_ts(get(r, 1)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let assurance = assurance_windows(c, id)?;
    let mail = super::mail::ticket_mail(c, id)?;
    Ok(TicketDetail {
        ticket: Some(ticket),
        conversation,
        events,
        pauses,
        assurance,
        mail,
    })
}

/// One service order with its deliverables' names and sizes.
pub(super) fn order_in<C: Sql>(c: &mut C, id: i64) -> Result<Order> {
    let row = c
        .query_opt(&format!("{ORDER_SELECT} WHERE r.id = $1"), &[&id])
        .ctx("reading order")?
        .ok_or_else(|| StoreError::NotFound {
            what: "order",
            key: id.to_string(),
        })?;
    let mut order = order_from_row(&row)?;
    order.attachments = c
        .query(
            "SELECT name, octet_length(data)::BIGINT FROM order_attachments
                 WHERE order_id = $1 ORDER BY name COLLATE \"C\"",
            &[&id],
        )
        .ctx("reading order attachments")?
        .iter()
        .map(|r| {
            Ok(AttachmentInfo {
                name: get(r, 0)?,
                size: get(r, 1)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(order)
}

/// One open write transaction.
pub struct PgTx<'a, 'b> {
    pub(super) tx: &'a mut postgres::Transaction<'b>,
    /// The highest ticket and order ids inserted explicitly: their identity sequences move
    /// past them before the commit ([`PgTx::finish`]).
    max_ticket_id: Option<i64>,
    max_order_id: Option<i64>,
    /// Inside [`StoreTx::bulk_mode`]: the rows not yet sent ([`super::bulk`]).
    bulk: Option<Box<Pending>>,
}

impl<'a, 'b> PgTx<'a, 'b> {
    pub(super) fn new(tx: &'a mut postgres::Transaction<'b>) -> Self {
        PgTx {
            tx,
            max_ticket_id: None,
            max_order_id: None,
            bulk: None,
        }
    }

    /// What must happen before the commit: the search totals of an unfinished bulk load,
    /// identity sequences past the explicit ids.
    pub(super) fn finish(mut self) -> Result<()> {
        self.bulk_mode(false)?;
        for (table, max) in [
            ("tickets", self.max_ticket_id),
            ("orders", self.max_order_id),
        ] {
            if let Some(max) = max {
                self.tx
                    .execute(
                        &format!(
                            "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                 GREATEST($1, (SELECT max(id) FROM {table})))"
                        ),
                        &[&max],
                    )
                    .ctx("moving the id sequence past imported rows")?;
            }
        }
        Ok(())
    }

    fn index(&mut self, doc: i64, ticket_id: i64, text: &str) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            let (len, vector) = super::search::document(text);
            pending.search_doc(doc, ticket_id, len, &vector);
            return Ok(());
        }
        let len = index_document(self.tx, doc, ticket_id, text)?;
        add_search_stats(self.tx, 1, len)
    }

    fn maybe_flush(&mut self) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            pending.maybe_flush(self.tx)?;
        }
        Ok(())
    }

    /// Sends a bulk load's waiting rows before a statement that may read or follow them.
    fn sync(&mut self) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            pending.flush(self.tx)?;
        }
        Ok(())
    }
}

/// [`StoreTx`] methods that are a function of this backend with the same arguments: a bulk
/// load's waiting rows are sent first (they may be read or referred to), then the
/// transaction is handed over.
macro_rules! synced {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $f:path;)*) => {
        $(fn $name(&mut self, $($arg: $ty),*) -> $ret {
            self.sync()?;
            $f(self.tx, $($arg),*)
        })*
    };
}

impl StoreTx for PgTx<'_, '_> {
    synced! {
        sla_inputs(ticket_id: i64) -> Result<TicketSlaInputs> = load_inputs;
        insert_pending(p: &crate::store::PendingInsert<'_>) -> Result<i64>
            = super::pending::insert_pending;
        take_pending(id: i64) -> Result<Option<crate::store::PendingAction>>
            = super::pending::take_pending;
        claim_alert(claim: &crate::store::AlertClaim<'_>) -> Result<bool>
            = super::watch::claim_alert;
        reply_template_exists(name: &str) -> Result<bool> = super::watch::reply_template_exists;
        put_reply_template(name: &str, body: &str, by: &str, at: DateTime<Utc>) -> Result<()>
            = super::watch::put_reply_template;
        remove_reply_template(name: &str) -> Result<bool> = super::watch::remove_reply_template;
        add_contact(org_id: i64, address: &str, at: DateTime<Utc>) -> Result<bool>
            = super::mail::add_contact;
        insert_mail_row(row: &crate::store::MailRow) -> Result<i64> = super::mail::insert_row;
        remove_contact(org_id: i64, address: &str) -> Result<bool> = super::mail::remove_contact;
        orgs_for_address(address: &str) -> Result<Vec<i64>> = super::mail::orgs_for_address;
        contacts_in(org_id: i64) -> Result<Vec<String>> = super::mail::contacts;
        mail_known(message_id: &str) -> Result<bool> = super::mail::mail_known;
        ticket_for_messages(message_ids: &[String]) -> Result<Option<i64>>
            = super::mail::ticket_for_messages;
        ticket_message_ids(ticket_id: i64, inbound_only: bool) -> Result<Vec<String>>
            = super::mail::ticket_message_ids;
        insert_mail(m: &MailRecord<'_>) -> Result<()> = super::mail::insert_mail;
        insert_attachment(a: &AttachmentInsert<'_>) -> Result<()> = super::mail::insert_attachment;
        insert_triage(t: &TriageInsert<'_>) -> Result<i64> = super::mail::insert_triage;
        decide_triage(
            id: i64,
            state: TriageState,
            ticket_id: Option<i64>,
            reason: Option<&str>,
            by: &str,
            at: DateTime<Utc>,
        ) -> Result<()>
            = super::mail::decide_triage;
        attach_triage_to_ticket(triage_id: i64, ticket_id: i64) -> Result<()>
            = super::mail::attach_triage_to_ticket;
        insert_quarantine(raw: &[u8], reason: &str, at: DateTime<Utc>) -> Result<i64>
            = super::mail::insert_quarantine;
        insert_outbox(m: &OutboxInsert<'_>) -> Result<i64> = super::mail::insert_outbox;
        update_outbox(id: i64, patch: &OutboxPatch) -> Result<()> = super::mail::update_outbox;
    }

    fn ticket(&mut self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        self.sync()?;
        read_ticket(self.tx, id, now, true)
    }

    fn org_by_id(&mut self, id: i64) -> Result<Organization> {
        self.sync()?;
        org_where(self.tx, "o.id = $1", &id, id.to_string(), true)
    }

    fn org_by_name(&mut self, name: &str) -> Result<Organization> {
        self.sync()?;
        org_where(self.tx, "o.name = $1", &name, name.to_string(), true)
    }

    fn insert_org(
        &mut self,
        name: &str,
        policy_set: &str,
        plan: &str,
        tz: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.sync()?;
        let row = self
            .tx
            .query_one(
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                &[&name, &policy_set, &plan, &tz, &to_ts(at)],
            )
            .ctx("adding organization")?;
        get(&row, 0)
    }

    fn update_org(&mut self, id: i64, patch: &OrgPatch) -> Result<()> {
        self.sync()?;
        let n = match patch {
            OrgPatch::Plan { plan, since } => self.tx.execute(
                "UPDATE orgs SET plan = $2, plan_since = $3, version = version + 1 WHERE id = $1",
                &[&id, plan, &to_ts(*since)],
            ),
            OrgPatch::Parent(parent) => self.tx.execute(
                "UPDATE orgs SET parent_id = $2, version = version + 1 WHERE id = $1",
                &[&id, parent],
            ),
        }
        .ctx("changing the organization")?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "organization",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    fn linked_count(&mut self, org_id: i64) -> Result<i64> {
        self.sync()?;
        let row = self
            .tx
            .query_one("SELECT COUNT(*) FROM orgs WHERE parent_id = $1", &[&org_id])
            .ctx("counting linked accounts")?;
        get(&row, 0)
    }

    fn prior_orders(&mut self, org_id: i64) -> Result<Vec<crate::orders::PriorOrder>> {
        self.sync()?;
        self.tx
            .query(
                "SELECT kind, status, level, start_date, scenario, month, requested_on, id
                 FROM orders WHERE org_id = $1",
                &[&org_id],
            )
            .ctx("reading the organization's orders")?
            .iter()
            .map(|r| {
                let id: i64 = get(r, 7)?;
                let level: Option<i64> = get(r, 2)?;
                Ok(crate::orders::PriorOrder {
                    kind: decode::column("orders", id, "kind", &get::<String>(r, 0)?)?,
                    status: decode::column("orders", id, "status", &get::<String>(r, 1)?)?,
                    level: level.map(|l| u8::try_from(l).unwrap_or(u8::MAX)),
                    start: opt_col(id, "start_date", get(r, 3)?)?,
                    scenario: opt_col(id, "scenario", get(r, 4)?)?,
                    month: opt_col(id, "month", get(r, 5)?)?,
                    requested_on: decode::column(
                        "orders",
                        id,
                        "requested_on",
                        &get::<String>(r, 6)?,
                    )?,
                })
            })
            .collect()
    }

    fn insert_order(&mut self, o: &OrderInsert<'_>) -> Result<i64> {
        self.sync()?;
        let req = o.request;
        let row = self
            .tx
            .query_one(
                "INSERT INTO orders (org_id, kind, status, level, scenario, month, start_date,
                     end_date, note, requested_on, due_at, created_at, created_by)
                 VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 RETURNING id",
                &[
                    &o.org_id,
                    &req.kind.as_str(),
                    &req.level.map(i64::from),
                    &req.scenario.map(|s| s.as_str()),
                    &req.month.map(|m| m.to_string()),
                    &req.start.map(|d| d.to_string()),
                    &req.end.map(|d| d.to_string()),
                    &o.note,
                    &o.requested_on.to_string(),
                    &o.due.map(to_ts),
                    &to_ts(o.created_at),
                    &o.created_by,
                ],
            )
            .ctx("storing the order")?;
        get(&row, 0)
    }

    fn order_state(&mut self, id: i64) -> Result<OrderState> {
        self.sync()?;
        let row = self
            .tx
            .query_opt(
                "SELECT org_id, status, rated_at FROM orders WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .ctx("reading order")?
            .ok_or_else(|| StoreError::NotFound {
                what: "order",
                key: id.to_string(),
            })?;
        let status: String = get(&row, 1)?;
        let rated: Option<i64> = get(&row, 2)?;
        Ok(OrderState {
            org_id: get(&row, 0)?,
            status: decode::column::<OrderStatus>("orders", id, "status", &status)?,
            rated: rated.is_some(),
        })
    }

    fn update_order(&mut self, id: i64, patch: &OrderPatch) -> Result<()> {
        self.sync()?;
        let n = match patch {
            OrderPatch::Completed { at } => self.tx.execute(
                "UPDATE orders SET status = 'completed', completed_at = $2, version = version + 1
                 WHERE id = $1",
                &[&id, &to_ts(*at)],
            ),
            OrderPatch::Rejected { at, reason } => self.tx.execute(
                "UPDATE orders SET status = 'rejected', rejected_at = $2, reject_reason = $3,
                     version = version + 1 WHERE id = $1",
                &[&id, &to_ts(*at), reason],
            ),
            OrderPatch::Rating {
                speed,
                quality,
                feedback,
                at,
            } => self.tx.execute(
                "UPDATE orders SET rating_speed = $2, rating_quality = $3, rating_feedback = $4,
                     rated_at = $5, version = version + 1 WHERE id = $1",
                &[&id, speed, quality, feedback, &to_ts(*at)],
            ),
        }
        .ctx("changing the order")?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "order",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    fn insert_order_attachment(
        &mut self,
        order_id: i64,
        name: &str,
        data: &[u8],
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO order_attachments (order_id, name, data, added_at)
                 VALUES ($1, $2, $3, $4)",
                &[&order_id, &name, &data, &to_ts(at)],
            )
            .ctx("storing an attachment")?;
        Ok(())
    }

    fn last_ticket_event(&mut self, ticket_id: i64) -> Result<Option<AuditEvent>> {
        self.sync()?;
        self.tx
            .query_opt(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1"
                ),
                &[&ticket_id],
            )
            .ctx("reading the ticket's last change")?
            .as_ref()
            .map(event_from_row)
            .transpose()
    }

    fn insert_ticket(&mut self, t: &TicketInsert<'_>) -> Result<i64> {
        self.sync()?;
        let at = to_ts(t.created_at);
        let row = self
            .tx
            .query_one(
                "INSERT INTO tickets (org_id, kind, severity, severity_rank, status, summary,
                    description, component, environment, affected_version, created_at, updated_at,
                    urgency, priority, requester_name, requester_address, channel, follows_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15,
                    $16, $17)
                 RETURNING id",
                &[
                    &t.org_id,
                    &t.kind.as_str(),
                    &t.severity,
                    &t.severity_rank,
                    &t.status.as_str(),
                    &t.summary,
                    &t.description,
                    &t.component,
                    &t.environment.map(|e| e.as_str()),
                    &t.affected_version,
                    &at,
                    &(crate::sla::columns::IDLE_BASE + at),
                    &t.priority,
                    &t.requester_name,
                    &t.requester_address,
                    &t.channel.map(|c| c.as_str()),
                    &t.follows,
                ],
            )
            .ctx("inserting ticket")?;
        let id: i64 = get(&row, 0)?;
        self.index(id, id, &format!("{}\n{}", t.summary, t.description))?;
        Ok(id)
    }

    fn insert_entry(&mut self, e: &EntryInsert<'_>) -> Result<i64> {
        if let Some(pending) = &mut self.bulk {
            let id = pending.entry_id(self.tx)?;
            pending.entry(&[
                Some(&id.to_string()),
                Some(&e.ticket_id.to_string()),
                Some(e.kind.as_str()),
                Some(e.role.as_str()),
                Some(e.author),
                Some(e.body),
                Some(&to_ts(e.at).to_string()),
            ]);
            self.index(-id, e.ticket_id, e.body)?;
            return Ok(id);
        }
        let row = self
            .tx
            .query_one(
                "INSERT INTO entries (ticket_id, kind, role, author, body, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &e.ticket_id,
                    &e.kind.as_str(),
                    &e.role.as_str(),
                    &e.author,
                    &e.body,
                    &to_ts(e.at),
                ],
            )
            .ctx("adding conversation entry")?;
        let id: i64 = get(&row, 0)?;
        self.index(-id, e.ticket_id, e.body)?;
        Ok(id)
    }

    fn update_ticket(&mut self, id: i64, patch: &TicketPatch) -> Result<()> {
        self.sync()?;
        let tx = &mut *self.tx;
        let n = match patch {
            TicketPatch::Status(s) => tx.execute(
                "UPDATE tickets SET status = $2 WHERE id = $1",
                &[&id, &s.as_str()],
            ),
            TicketPatch::ResolvedAt(at) => tx.execute(
                "UPDATE tickets SET resolved_at = $2 WHERE id = $1",
                &[&id, &at.map(to_ts)],
            ),
            TicketPatch::FirstResponseAt(at) => tx.execute(
                "UPDATE tickets SET first_response_at = $2 WHERE id = $1",
                &[&id, &to_ts(*at)],
            ),
            TicketPatch::Severity { name, rank } => tx.execute(
                "UPDATE tickets SET severity = $2, severity_rank = $3 WHERE id = $1",
                &[&id, name, rank],
            ),
            TicketPatch::Assignee(who) => tx.execute(
                "UPDATE tickets SET assignee = $2 WHERE id = $1",
                &[&id, who],
            ),
            TicketPatch::Priority(p) => {
                tx.execute("UPDATE tickets SET priority = $2 WHERE id = $1", &[&id, p])
            }
            TicketPatch::MergedInto(target) => tx.execute(
                "UPDATE tickets SET merged_into_id = $2 WHERE id = $1",
                &[&id, target],
            ),
            TicketPatch::Touch { at, bump_version } => tx.execute(
                if *bump_version {
                    "UPDATE tickets SET updated_at = $2, version = version + 1 WHERE id = $1"
                } else {
                    "UPDATE tickets SET updated_at = $2 WHERE id = $1"
                },
                &[&id, &to_ts(*at)],
            ),
        }
        .ctx("updating ticket")?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "ticket",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    fn claim_if_unassigned(&mut self, id: i64, who: &str, at: DateTime<Utc>) -> Result<bool> {
        self.sync()?;
        let won = self
            .tx
            .execute(
                "UPDATE tickets SET assignee = $2, version = version + 1, updated_at = $3
                 WHERE id = $1 AND assignee IS NULL",
                &[&id, &who, &to_ts(at)],
            )
            .ctx("claiming ticket")?;
        Ok(won > 0)
    }

    fn open_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "INSERT INTO pauses (ticket_id, started_at) VALUES ($1, $2)",
                &[&ticket_id, &to_ts(at)],
            )
            .ctx("starting pause")?;
        Ok(())
    }

    fn close_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "UPDATE pauses SET ended_at = $2 WHERE ticket_id = $1 AND ended_at IS NULL",
                &[&ticket_id, &to_ts(at)],
            )
            .ctx("ending pause")?;
        Ok(())
    }

    fn sla_inputs_many(&mut self, ids: &[i64]) -> Result<Vec<TicketSlaInputs>> {
        self.sync()?;
        super::batch::inputs_many(self.tx, ids, &mut super::batch::PlanHistory::default())
    }

    fn store_refreshed(&mut self, rows: &[(i64, SlaColumns, i64)]) -> Result<()> {
        self.sync()?;
        let col = |f: fn(&SlaColumns) -> Option<i64>| -> Vec<Option<i64>> {
            rows.iter().map(|(_, c, _)| f(c)).collect()
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let urgency: Vec<i64> = rows.iter().map(|r| r.1.urgency).collect();
        let priority: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let effective: Vec<Option<String>> = rows
            .iter()
            .map(|r| r.1.effective_severity.clone())
            .collect();
        let note: Vec<Option<String>> = rows.iter().map(|r| r.1.severity_note.clone()).collect();
        self.tx
            .execute(
                "UPDATE tickets t SET first_response_due = u.frd, next_due = u.nd,
                    risk_at = u.ra, breach_at = u.ba, paused_left = u.pl, urgency = u.urg,
                    effective_severity = u.es, severity_note = u.sn,
                    severity_rank = COALESCE(u.sr, t.severity_rank), priority = u.pr
                 FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[],
                    $5::BIGINT[], $6::BIGINT[], $7::BIGINT[], $8::TEXT[], $9::TEXT[],
                    $10::BIGINT[], $11::BIGINT[])
                    AS u(id, frd, nd, ra, ba, pl, urg, es, sn, sr, pr)
                 WHERE t.id = u.id",
                &[
                    &ids,
                    &col(|c| c.first_response_due),
                    &col(|c| c.next_due),
                    &col(|c| c.risk_at),
                    &col(|c| c.breach_at),
                    &col(|c| c.paused_left),
                    &urgency,
                    &effective,
                    &note,
                    &col(|c| c.severity_rank),
                    &priority,
                ],
            )
            .ctx("storing SLA due instants")?;
        Ok(())
    }

    fn store_sla_columns(&mut self, ticket_id: i64, cols: &SlaColumns) -> Result<()> {
        if self
            .bulk
            .as_mut()
            .is_some_and(|p| p.sla_columns(ticket_id, cols))
        {
            return Ok(());
        }
        self.sync()?;
        self.tx
            .execute(
                "UPDATE tickets SET first_response_due = $2, next_due = $3, risk_at = $4,
                    breach_at = $5, paused_left = $6, urgency = $7, effective_severity = $8,
                    severity_note = $9, severity_rank = COALESCE($10, severity_rank)
                 WHERE id = $1",
                &[
                    &ticket_id,
                    &cols.first_response_due,
                    &cols.next_due,
                    &cols.risk_at,
                    &cols.breach_at,
                    &cols.paused_left,
                    &cols.urgency,
                    &cols.effective_severity,
                    &cols.severity_note,
                    &cols.severity_rank,
                ],
            )
            .ctx("storing SLA due instants")?;
        Ok(())
    }

    fn record_breach(
        &mut self,
        ticket_id: i64,
        metric: crate::policy::Metric,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "INSERT INTO breaches (ticket_id, metric, at) VALUES ($1, $2, $3)
                 ON CONFLICT (ticket_id, metric) DO NOTHING",
                &[&ticket_id, &metric.as_str(), &to_ts(at)],
            )
            .ctx("recording a breach")?;
        Ok(())
    }

    fn add_resolved_span(
        &mut self,
        ticket_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "INSERT INTO resolved_spans (ticket_id, started_at, ended_at) VALUES ($1, $2, $3)
                 ON CONFLICT (ticket_id, started_at) DO UPDATE SET ended_at = excluded.ended_at",
                &[&ticket_id, &to_ts(from), &to_ts(to)],
            )
            .ctx("recording the time resolved")?;
        Ok(())
    }

    fn active_ticket_ids(&mut self) -> Result<Vec<i64>> {
        self.sync()?;
        self.tx
            .query(
                "SELECT id FROM tickets WHERE status IN ('new','open','pending','on-hold')
                 ORDER BY id",
                &[],
            )
            .ctx("listing active tickets")?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    fn open_ticket_ids_of_org(&mut self, org_id: i64) -> Result<Vec<i64>> {
        self.sync()?;
        self.tx
            .query(
                "SELECT t.id FROM tickets t JOIN orgs o ON o.id = t.org_id
                 WHERE (o.id = $1 OR o.parent_id = $1) AND t.status NOT IN ('resolved', 'closed')
                 ORDER BY t.id",
                &[&org_id],
            )
            .ctx("finding open tickets to recompute")?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    fn record_event(
        &mut self,
        subject: EventSubject,
        actor: &Actor,
        at: DateTime<Utc>,
        (field, old, new): (&str, Option<&str>, Option<&str>),
    ) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            pending.event(&event_fields(
                subject,
                (&actor.audit_name(), actor.source()),
                false,
                at,
                (field, old, new),
            ));
            return Ok(());
        }
        insert_event_row(
            self.tx,
            subject,
            (&actor.audit_name(), actor.source()),
            false,
            at,
            (field, old, new),
        )
    }

    fn save_draft(
        &mut self,
        actor: &str,
        ticket_id: i64,
        kind: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "INSERT INTO drafts (actor, ticket_id, kind, body, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (actor, ticket_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                &[&actor, &ticket_id, &kind, &body, &to_ts(at)],
            )
            .ctx("saving draft")?;
        Ok(())
    }

    fn delete_draft(&mut self, actor: &str, ticket_id: i64, kind: &str) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "DELETE FROM drafts WHERE actor = $1 AND ticket_id = $2 AND kind = $3",
                &[&actor, &ticket_id, &kind],
            )
            .ctx("discarding draft")?;
        Ok(())
    }

    fn add_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool> {
        self.sync()?;
        let n = self
            .tx
            .execute(
                "INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&ticket_id, &tag],
            )
            .ctx("tagging ticket")?;
        Ok(n > 0)
    }

    fn remove_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool> {
        self.sync()?;
        let n = self
            .tx
            .execute(
                "DELETE FROM ticket_tags WHERE ticket_id = $1 AND tag = $2",
                &[&ticket_id, &tag],
            )
            .ctx("untagging ticket")?;
        Ok(n > 0)
    }

    fn move_conversation(
        &mut self,
        source: i64,
        target: i64,
        opening_entry: i64,
    ) -> Result<(usize, usize)> {
        self.sync()?;
        let ctx = "moving the conversation";
        let tx = &mut *self.tx;
        // The entries' full-text documents name their ticket here (not in SQLite).
        tx.execute(
            "UPDATE search_docs SET ticket_id = $2
             WHERE doc IN (SELECT -id FROM entries WHERE ticket_id = $1)",
            &[&source, &target],
        )
        .ctx(ctx)?;
        let entries = tx
            .execute(
                "UPDATE entries SET ticket_id = $2, merged_from = coalesce(merged_from, $1)
                 WHERE ticket_id = $1",
                &[&source, &target],
            )
            .ctx(ctx)?;
        let attachments = tx
            .execute(
                "UPDATE entry_attachments SET ticket_id = $2, entry_id = coalesce(entry_id, $3)
                 WHERE ticket_id = $1",
                &[&source, &target, &opening_entry],
            )
            .ctx(ctx)?;
        tx.execute(
            "UPDATE mail_messages SET ticket_id = $2, entry_id = coalesce(entry_id, $3)
             WHERE ticket_id = $1",
            &[&source, &target, &opening_entry],
        )
        .ctx(ctx)?;
        tx.execute(
            "UPDATE outbox SET ticket_id = $2 WHERE ticket_id = $1",
            &[&source, &target],
        )
        .ctx(ctx)?;
        Ok((entries as usize, attachments as usize))
    }

    fn set_entry_merged_from(&mut self, entry_id: i64, from: i64) -> Result<()> {
        self.sync()?;
        self.tx
            .execute(
                "UPDATE entries SET merged_from = $2 WHERE id = $1",
                &[&entry_id, &from],
            )
            .ctx("marking a merged entry")?;
        Ok(())
    }

    fn triage_item_in(&mut self, id: i64) -> Result<TriageItem> {
        self.sync()?;
        // The row a decision changes is locked for the rest of the transaction.
        self.tx
            .execute("SELECT 1 FROM mail_triage WHERE id = $1 FOR UPDATE", &[&id])
            .ctx("reading the triage inbox")?;
        super::mail::triage_item(self.tx, id)
    }

    fn insert_org_row(&mut self, o: &OrgRow<'_>) -> Result<i64> {
        self.sync()?;
        let row = self
            .tx
            .query_one(
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since, parent_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &o.name,
                    &o.policy_set,
                    &o.plan,
                    &o.tz,
                    &to_ts(o.created_at),
                    &to_ts(o.plan_since),
                    &o.parent_id,
                ],
            )
            .ctx("adding organization")?;
        get(&row, 0)
    }

    fn ticket_exists(&mut self, id: i64) -> Result<bool> {
        if self.bulk.as_ref().is_some_and(|p| p.has_ticket(id)) {
            return Ok(true);
        }
        let row = self
            .tx
            .query_opt("SELECT 1 FROM tickets WHERE id = $1", &[&id])
            .ctx("checking ticket id")?;
        Ok(row.is_some())
    }

    fn order_exists(&mut self, id: i64) -> Result<bool> {
        let row = self
            .tx
            .query_opt("SELECT 1 FROM orders WHERE id = $1", &[&id])
            .ctx("checking order id")?;
        Ok(row.is_some())
    }

    fn insert_ticket_row(&mut self, t: &TicketRow<'_>) -> Result<i64> {
        let created = to_ts(t.created_at);
        if let Some(pending) = &mut self.bulk {
            let id = match t.id {
                Some(id) => {
                    self.max_ticket_id = self.max_ticket_id.max(Some(id));
                    id
                }
                None => pending.ticket_id(self.tx)?,
            };
            let n = |v: i64| Some(v.to_string());
            let fields = [
                n(id),
                n(t.org_id),
                Some(t.kind.as_str().to_string()),
                Some(t.severity.to_string()),
                Some(t.status.as_str().to_string()),
                Some(t.summary.to_string()),
                Some(t.description.to_string()),
                t.component.map(str::to_string),
                t.environment.map(|e| e.as_str().to_string()),
                t.affected_version.map(str::to_string),
                t.assignee.map(str::to_string),
                n(created),
                n(to_ts(t.updated_at)),
                t.first_response_at.map(|a| to_ts(a).to_string()),
                t.resolved_at.map(|a| to_ts(a).to_string()),
                n(t.priority),
                n(t.version),
                t.requester_name.map(str::to_string),
                t.requester_address.map(str::to_string),
                t.channel.map(|c| c.as_str().to_string()),
                t.follows.map(|v| v.to_string()),
            ];
            let refs: Vec<Option<&str>> = fields.iter().map(|f| f.as_deref()).collect();
            pending.ticket(
                id,
                &refs,
                crate::sla::columns::IDLE_BASE + created,
                t.severity_rank,
            );
            self.index(id, id, &format!("{}\n{}", t.summary, t.description))?;
            self.maybe_flush()?;
            return Ok(id);
        }
        let row = self
            .tx
            .query_one(
                "INSERT INTO tickets (id, org_id, kind, severity, severity_rank, status, summary,
                    description, component, environment, affected_version, assignee, created_at,
                    updated_at, first_response_at, resolved_at, urgency, priority, version,
                    requester_name, requester_address, channel, follows_id)
                 OVERRIDING SYSTEM VALUE
                 VALUES (COALESCE($1, nextval(pg_get_serial_sequence('tickets', 'id'))), $2, $3,
                    $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                    $21, $22, $23)
                 RETURNING id",
                &[
                    &t.id,
                    &t.org_id,
                    &t.kind.as_str(),
                    &t.severity,
                    &t.severity_rank,
                    &t.status.as_str(),
                    &t.summary,
                    &t.description,
                    &t.component,
                    &t.environment.map(|e| e.as_str()),
                    &t.affected_version,
                    &t.assignee,
                    &created,
                    &to_ts(t.updated_at),
                    &t.first_response_at.map(to_ts),
                    &t.resolved_at.map(to_ts),
                    &(crate::sla::columns::IDLE_BASE + created),
                    &t.priority,
                    &t.version,
                    &t.requester_name,
                    &t.requester_address,
                    &t.channel.map(|c| c.as_str()),
                    &t.follows,
                ],
            )
            .ctx("inserting ticket")?;
        let id: i64 = get(&row, 0)?;
        if t.id.is_some() {
            self.max_ticket_id = self.max_ticket_id.max(Some(id));
        }
        self.index(id, id, &format!("{}\n{}", t.summary, t.description))?;
        Ok(id)
    }

    fn insert_pause(
        &mut self,
        ticket_id: i64,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            pending.pause(&[
                Some(&ticket_id.to_string()),
                Some(&to_ts(start).to_string()),
                end.map(|e| to_ts(e).to_string()).as_deref(),
            ]);
            return Ok(());
        }
        self.tx
            .execute(
                "INSERT INTO pauses (ticket_id, started_at, ended_at) VALUES ($1, $2, $3)",
                &[&ticket_id, &to_ts(start), &end.map(to_ts)],
            )
            .ctx("adding pause")?;
        Ok(())
    }

    fn insert_event_row(&mut self, e: &EventRow<'_>) -> Result<()> {
        if let Some(pending) = &mut self.bulk {
            pending.event(&event_fields(
                e.subject,
                (e.actor, e.actor_source),
                e.imported,
                e.at,
                (e.field, e.old, e.new),
            ));
            return Ok(());
        }
        insert_event_row(
            self.tx,
            e.subject,
            (e.actor, e.actor_source),
            e.imported,
            e.at,
            (e.field, e.old, e.new),
        )
    }

    fn insert_order_row(&mut self, o: &OrderRow<'_>) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO orders (id, org_id, kind, status, level, scenario, month, start_date,
                     end_date, note, requested_on, due_at, created_at, created_by, completed_at,
                     rejected_at, reject_reason, rating_speed, rating_quality, rating_feedback,
                     rated_at, version)
                 OVERRIDING SYSTEM VALUE
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17, $18, $19, $20, $21, $22)",
                &[
                    &o.id,
                    &o.org_id,
                    &o.kind.as_str(),
                    &o.status.as_str(),
                    &o.level.map(i64::from),
                    &o.scenario.map(|s| s.as_str()),
                    &o.month.map(|m| m.to_string()),
                    &o.start.map(|d| d.to_string()),
                    &o.end.map(|d| d.to_string()),
                    &o.note,
                    &o.requested_on.to_string(),
                    &o.due.map(to_ts),
                    &to_ts(o.created_at),
                    &o.created_by,
                    &o.completed_at.map(to_ts),
                    &o.rejected_at.map(to_ts),
                    &o.reject_reason,
                    &o.rating.map(|r| i64::from(r.speed)),
                    &o.rating.map(|r| i64::from(r.quality)),
                    &o.rating.map(|r| r.feedback.as_str()),
                    &o.rating.map(|r| to_ts(r.rated_at)),
                    &o.version,
                ],
            )
            .ctx("importing order")?;
        self.max_order_id = self.max_order_id.max(Some(o.id));
        Ok(())
    }

    fn bulk_mode(&mut self, on: bool) -> Result<()> {
        match (on, self.bulk.take()) {
            (true, None) => self.bulk = Some(Box::default()),
            (true, Some(pending)) => self.bulk = Some(pending),
            (false, Some(mut pending)) => {
                pending.flush(self.tx)?;
                add_search_stats(self.tx, pending.docs, pending.tokens)?;
            }
            (false, None) => {}
        }
        Ok(())
    }
}

/// An audit row in COPY's text format, in the column order of [`super::bulk`].
fn event_fields(
    subject: EventSubject,
    (actor, source): (&str, &str),
    imported: bool,
    at: DateTime<Utc>,
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> [Option<String>; 10] {
    [
        subject.ticket_id.map(|v| v.to_string()),
        subject.org_id.map(|v| v.to_string()),
        subject.order_id.map(|v| v.to_string()),
        Some(actor.to_string()),
        Some(source.to_string()),
        Some(to_ts(at).to_string()),
        Some(field.to_string()),
        old.map(str::to_string),
        new.map(str::to_string),
        Some(if imported { "t" } else { "f" }.to_string()),
    ]
}

/// Writes one audit row as given (recorded now, or imported from an export).
pub(super) fn insert_event_row<C: Sql>(
    c: &mut C,
    subject: EventSubject,
    (actor, source): (&str, &str),
    imported: bool,
    at: DateTime<Utc>,
    (field, old, new): (&str, Option<&str>, Option<&str>),
) -> Result<()> {
    c.execute(
        "INSERT INTO events (ticket_id, org_id, order_id, actor, actor_source, at, field, old, new,
            imported)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &subject.ticket_id,
            &subject.org_id,
            &subject.order_id,
            &actor,
            &source,
            &to_ts(at),
            &field,
            &old,
            &new,
            &imported,
        ],
    )
    .ctx("recording audit event")?;
    Ok(())
}

/// What PostgreSQL offers instead of a file backup and an integrity check: the server's own
/// tools, named rather than imitated.
/// Where a backup is written until it is complete: a hidden name in `dest`'s directory.
fn partial_path(dest: &Path) -> std::path::PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    dest.with_file_name(format!(".{name}.tuidesk-backup-{}", std::process::id()))
}

impl Maintenance for PgStore {
    fn integrity_check(&self) -> Result<Vec<String>> {
        // The server checks pages and constraints itself; what tuidesk can check is that the
        // full-text index covers every ticket and entry.
        let mut client = self.client()?;
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM entries),
                        (SELECT count(*) FROM search_docs),
                        (SELECT docs FROM search_stats WHERE id = 1)",
                &[],
            )
            .ctx("running the integrity check")?;
        let (rows, docs, counted): (i64, i64, i64) = (get(&row, 0)?, get(&row, 1)?, get(&row, 2)?);
        if rows == docs && docs == counted {
            Ok(vec!["ok".into()])
        } else {
            Ok(vec![format!(
                "the full-text index has {docs} documents ({counted} counted) for {rows} tickets and entries"
            )])
        }
    }

    /// `pg_dump --format=custom` of the database into a new file (restore with
    /// `pg_restore`); the password goes to pg_dump in its environment, never its arguments.
    /// The dump goes to a hidden file beside `dest` and is renamed into place only when
    /// pg_dump succeeded, so a failed or interrupted backup leaves nothing at `dest`.
    fn backup_to(&self, dest: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::Other(format!(
                "{} already exists; choose a new file name",
                dest.display()
            )));
        }
        let partial = partial_path(dest);
        let _ = std::fs::remove_file(&partial);
        let mut cmd = std::process::Command::new("pg_dump");
        cmd.arg("--format=custom")
            .arg("--no-owner")
            .arg(format!("--file={}", partial.display()))
            .arg(self.location.url_without_password())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        if let Some(pw) = self.location.password() {
            cmd.env("PGPASSWORD", pw);
        }
        let mut child = cmd.spawn().map_err(|e| {
            StoreError::Other(format!(
                "backing up {} needs PostgreSQL's pg_dump ({e}); install the postgresql-client package",
                self.location()
            ))
        })?;
        let mut stderr = child.stderr.take();
        let err_reader = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(e) = stderr.as_mut() {
                let _ = std::io::Read::read_to_string(e, &mut text);
            }
            text
        });
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {
                    if let Ok(m) = std::fs::metadata(&partial) {
                        progress(m.len());
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(e);
                }
            }
        };
        let err = err_reader.join().unwrap_or_default();
        let ok = matches!(&status, Ok(s) if s.success());
        if !ok {
            let _ = std::fs::remove_file(&partial);
            let why = match status {
                Err(e) => e.to_string(),
                Ok(_) => err.trim().replace('\n', "; "),
            };
            return Err(StoreError::Other(format!(
                "pg_dump of {} failed: {why}",
                self.location()
            )));
        }
        if let Ok(m) = std::fs::metadata(&partial) {
            progress(m.len());
        }
        // A link never replaces a file that appeared meanwhile; then the temporary name goes.
        let linked = std::fs::hard_link(&partial, dest);
        let _ = std::fs::remove_file(&partial);
        linked.map_err(|e| {
            StoreError::Other(format!("finishing the backup at {}: {e}", dest.display()))
        })
    }
}

/// [`Store`] reads that are a function of this backend with the same arguments, run on the
/// store's connection (reconnected first when the server went away).
macro_rules! on_client {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $f:path;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> $ret {
            $f(&mut *self.client()?, $($arg),*)
        })*
    };
}

impl Store for PgStore {
    on_client! {
        order(id: i64) -> Result<Order> = order_in;
        contacts(org_id: i64) -> Result<Vec<String>> = super::mail::contacts;
        mail_triage(all: bool) -> Result<Vec<TriageItem>> = super::mail::triage_list;
        mail_quarantine() -> Result<Vec<QuarantineItem>> = super::mail::quarantine;
        quarantined_raw(id: i64) -> Result<Vec<u8>> = super::mail::quarantined_raw;
        outbox(limit: usize) -> Result<Vec<OutboxMessage>> = super::mail::outbox;
        outbox_due(now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>>
            = super::mail::outbox_due;
        ticket_mail(ticket_id: i64) -> Result<Vec<EntryMail>> = super::mail::ticket_mail;
        attachment(id: i64) -> Result<(String, Vec<u8>)> = super::mail::attachment;
        mail_history_counts() -> Result<[i64; 4]> = super::mail::history_counts;
        customer_messages(
            from: Option<crate::store::MessagesFrom>,
            limit: usize,
        ) -> Result<crate::store::mail::CustomerNews>
            = super::watch::customer_messages;
        pending_actions(owner: Option<&str>) -> Result<Vec<crate::store::PendingAction>>
            = super::pending::pending_actions;
        presence_since(since: DateTime<Utc>) -> Result<Vec<crate::store::Presence>>
            = super::watch::presence_since;
        tickets_at_risk_by(horizon: DateTime<Utc>) -> Result<Vec<i64>>
            = super::watch::tickets_at_risk_by;
        next_risk_after(after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>>
            = super::watch::next_risk_after;
        assignments_since(
            since: DateTime<Utc>,
            engineer: &str,
        ) -> Result<Vec<crate::store::Happening>>
            = super::watch::assignments_since;
        reply_templates() -> Result<Vec<crate::reply_template::ReplyTemplate>>
            = super::watch::reply_templates;
        alert_log() -> Result<Vec<crate::store::AlertRow>> = super::watch::alert_log;
    }

    fn location(&self) -> String {
        PgStore::location(self)
    }

    fn interrupter(&self) -> Option<Arc<dyn Fn() + Send + Sync>> {
        Some(PgStore::interrupter(self))
    }

    fn policies(&self) -> &Arc<PolicyRegistry> {
        PgStore::policies(self)
    }

    fn write(&mut self, body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()> {
        PgStore::write(self, |tx| {
            let mut t = PgTx::new(tx);
            body(&mut t)?;
            t.finish()
        })
    }

    /// One transaction, as the default; then the tables a bulk load fills are vacuumed and
    /// analyzed (what autovacuum would do some minutes later): the planner learns how often
    /// each search word occurs (a frequent word is then read newest first along the primary
    /// key, not as every match at once) and the visibility map lets the queue's counts come
    /// from the indexes alone.
    fn write_batched(
        &mut self,
        _atomic: bool,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
    ) -> Result<()> {
        crate::store::write_batches_at_once(&mut |whole| Store::write(self, whole), body)?;
        // Only an optimization: the rows are committed, and autovacuum does the same later
        // (a role that may not vacuum a table gets a warning from the server, not an error).
        let _ = self.client()?.batch_execute(
            "VACUUM (ANALYZE) tickets, entries, events, pauses, ticket_tags, search_docs",
        );
        Ok(())
    }

    fn change_token(&self) -> Result<ChangeToken> {
        PgStore::change_token(self).map(ChangeToken)
    }

    fn put_presence(&mut self, p: &crate::store::Presence) -> Result<()> {
        self.write_quietly(|tx| super::watch::put_presence(tx, p))
    }

    fn drop_presence(&mut self, session: &str) -> Result<()> {
        self.write_quietly(|tx| super::watch::drop_presence(tx, session))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        let row = self
            .client()?
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .ctx("reading database facts")?;
        row.as_ref().map(|r| get(r, 0)).transpose()
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        PgStore::write(self, |tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .ctx("recording database facts")?;
            Ok(())
        })
    }

    fn maintenance(&self) -> Option<&dyn Maintenance> {
        Some(self)
    }

    fn ticket(&self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        let mut client = self.client()?;
        let mut statements = self.statements.borrow_mut();
        read_ticket(
            &mut Cached::new(&mut *client, &mut statements),
            id,
            now,
            false,
        )
    }

    fn tickets_many(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let cutoff = breach_cutoff(now);
        let found = self
            .client()?
            .query(&format!("{TICKET_SELECT} WHERE t.id = ANY($1)"), &[&ids])
            .ctx("reading tickets")?
            .iter()
            .map(|r| ticket_from_row(r, cutoff).map(|t| (t.id, t)))
            .collect::<Result<_>>()?;
        crate::store::tickets_in_order(ids, found)
    }

    fn ticket_detail(&self, id: i64, now: DateTime<Utc>) -> Result<TicketDetail> {
        let mut guard = self.client()?;
        let c = &mut *guard;
        // One snapshot for the whole pane.
        let mut tx = c
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()
            .ctx("reading ticket")?;
        let mut statements = self.statements.borrow_mut();
        let detail = ticket_detail_in(&mut Cached::new(&mut tx, &mut statements), id, now)?;
        tx.commit().ctx("reading ticket")?;
        Ok(detail)
    }

    fn list_tickets(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        after: Option<&SortKey>,
        before: Option<&SortKey>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<TicketPage> {
        let mut params: Vec<Param> = Vec::new();
        let mut clauses = filter_sql(filter, breach_cutoff(now), &mut params);
        let (cols, desc) = sort_columns(sort);
        let backwards = before.is_some() && after.is_none();
        let end = end_key(sort);
        let cursor = after
            .or(before)
            .map(|k| if k.0.is_empty() { &end } else { k });
        if let Some(key) = cursor {
            let n = cols.len().min(key.0.len());
            let greater = desc == backwards;
            let op = if greater { ">" } else { "<" };
            let lhs = cols[..n].join(", ");
            let mut rhs = Vec::new();
            for v in &key.0[..n] {
                params.push(Box::new(*v));
                rhs.push(format!("${}", params.len()));
            }
            clauses.push(format!("({lhs}) {op} ({})", rhs.join(", ")));
        }
        let ascending = desc == backwards;
        let order = cols
            .iter()
            .map(|c| format!("{c} {}", if ascending { "ASC" } else { "DESC" }))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "{TICKET_SELECT}{} ORDER BY {order} LIMIT {limit}",
            where_sql(&clauses)
        );
        let now_ts = breach_cutoff(now);
        let mut rows: Vec<(Ticket, SortKey)> = self
            .client()?
            .query(&sql, &refs(&params))
            .ctx("listing tickets")?
            .iter()
            .map(|r| Ok((ticket_from_row(r, now_ts)?, sort_key_from_row(r, sort)?)))
            .collect::<Result<Vec<_>>>()?;
        if backwards {
            rows.reverse();
        }
        let (tickets, keys) = rows.into_iter().unzip();
        Ok(TicketPage { tickets, keys })
    }

    fn sort_key(&self, id: i64, sort: TicketSort) -> Result<Option<SortKey>> {
        self.client()?
            .query_opt(&format!("{TICKET_SELECT} WHERE t.id = $1"), &[&id])
            .ctx("locating ticket")?
            .as_ref()
            .map(|r| sort_key_from_row(r, sort))
            .transpose()
    }

    fn count_tickets(&self, filter: &TicketFilter, now: DateTime<Utc>) -> Result<i64> {
        let mut params: Vec<Param> = Vec::new();
        let clauses = filter_sql(filter, breach_cutoff(now), &mut params);
        let row = self
            .client()?
            .query_one(
                &format!("SELECT count(*) FROM tickets t{}", where_sql(&clauses)),
                &refs(&params),
            )
            .ctx("counting tickets")?;
        get(&row, 0)
    }

    fn urgency_counts(&self, now: DateTime<Utc>) -> Result<UrgencyCounts> {
        let row = self
            .client()?
            .query_one(
                "SELECT
                   (SELECT count(*) FROM tickets WHERE status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets
                        WHERE risk_at <= $1 AND (breach_at IS NULL OR breach_at > $2)
                        AND status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets
                        WHERE breach_at <= $2 AND status IN ('new','open','pending','on-hold')),
                   (SELECT min(risk_at) FROM tickets
                        WHERE risk_at > $1 AND status IN ('new','open','pending','on-hold')),
                   (SELECT min(breach_at) FROM tickets
                        WHERE breach_at > $2 AND status IN ('new','open','pending','on-hold'))",
                &[&to_ts(now), &breach_cutoff(now)],
            )
            .ctx("counting urgent tickets")?;
        Ok(UrgencyCounts {
            active: get(&row, 0)?,
            at_risk: get(&row, 1)?,
            breached: get(&row, 2)?,
            next_change: UrgencyCounts::next_change_of(get(&row, 3)?, get(&row, 4)?),
        })
    }

    fn search(
        &self,
        query: &str,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<crate::store::SearchHits> {
        let parsed = crate::store::search_text::parse(query)?;
        let mut guard = self.client()?;
        let searching = super::Searching::start(&self.searching);
        let (ids, bounded) = super::search::search(&mut guard, &parsed, limit)?;
        drop(searching);
        // The hits' rows in one round trip, then in rank order.
        let cutoff = breach_cutoff(now);
        let mut found: std::collections::HashMap<i64, Ticket> = guard
            .query(&format!("{TICKET_SELECT} WHERE t.id = ANY($1)"), &[&ids])
            .ctx("reading ticket")?
            .iter()
            .map(|r| ticket_from_row(r, cutoff).map(|t| (t.id, t)))
            .collect::<Result<_>>()?;
        let tickets = ids
            .iter()
            .map(|id| {
                found.remove(id).ok_or_else(|| StoreError::NotFound {
                    what: "ticket",
                    key: id.to_string(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::store::SearchHits { tickets, bounded })
    }

    fn drafts_for(&self, actor: &str, ticket_id: i64) -> Result<Vec<String>> {
        self.client()?
            .query(
                "SELECT kind FROM drafts WHERE actor = $1 AND ticket_id = $2
                 ORDER BY kind COLLATE \"C\" DESC",
                &[&actor, &ticket_id],
            )
            .ctx("reading drafts")?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    fn known_engineers(&self) -> Result<Vec<String>> {
        self.client()?
            .query(
                // One index probe per engineer along `tickets_by_assignee` (a skip scan),
                // not a pass over every ticket (0.4-0.7 s at 1M tickets).
                "WITH RECURSIVE e(a) AS (
                     (SELECT assignee FROM tickets WHERE assignee IS NOT NULL
                      ORDER BY assignee LIMIT 1)
                   UNION ALL
                     SELECT (SELECT t.assignee FROM tickets t WHERE t.assignee > e.a
                             ORDER BY t.assignee LIMIT 1)
                     FROM e WHERE e.a IS NOT NULL)
                 SELECT a COLLATE \"C\" FROM e WHERE a IS NOT NULL ORDER BY 1 LIMIT 1000",
                &[],
            )
            .ctx("listing engineers")?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    fn draft(&self, actor: &str, ticket_id: i64, kind: &str) -> Result<Option<String>> {
        self.client()?
            .query_opt(
                "SELECT body FROM drafts WHERE actor = $1 AND ticket_id = $2 AND kind = $3",
                &[&actor, &ticket_id, &kind],
            )
            .ctx("reading draft")?
            .as_ref()
            .map(|r| get(r, 0))
            .transpose()
    }

    fn sla_inputs_many(&self, ids: &[i64]) -> Result<Vec<TicketSlaInputs>> {
        let mut guard = self.client()?;
        let mut tx = guard
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()
            .ctx("loading SLA inputs")?;
        let mut history = super::batch::PlanHistory::default();
        let mut inputs = Vec::with_capacity(ids.len());
        for block in ids.chunks(500) {
            inputs.extend(super::batch::inputs_many(&mut tx, block, &mut history)?);
        }
        tx.commit().ctx("loading SLA inputs")?;
        Ok(inputs)
    }

    fn list_orgs(&self) -> Result<Vec<Organization>> {
        self.client()?
            .query(&format!("{ORG_SELECT} ORDER BY o.name COLLATE \"C\""), &[])
            .ctx("listing organizations")?
            .iter()
            .map(org_from_row)
            .collect()
    }

    fn org_by_name(&self, name: &str) -> Result<Organization> {
        org_where(
            &mut *self.client()?,
            "o.name = $1",
            &name,
            name.to_string(),
            false,
        )
    }

    fn org_by_id(&self, id: i64) -> Result<Organization> {
        org_where(
            &mut *self.client()?,
            "o.id = $1",
            &id,
            id.to_string(),
            false,
        )
    }

    fn linked_orgs(&self, parent_id: i64) -> Result<Vec<Organization>> {
        self.client()?
            .query(
                &format!("{ORG_SELECT} WHERE o.parent_id = $1 ORDER BY o.name COLLATE \"C\""),
                &[&parent_id],
            )
            .ctx("listing linked organizations")?
            .iter()
            .map(org_from_row)
            .collect()
    }

    fn org_events(&self, org_id: i64) -> Result<Vec<AuditEvent>> {
        events(
            &mut *self.client()?,
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE org_id = $1 AND ticket_id IS NULL AND order_id IS NULL ORDER BY id"
            ),
            org_id,
            "reading organization history",
        )
    }

    fn list_orders(&self, filter: &OrderFilter, limit: usize) -> Result<Vec<Order>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Param> = Vec::new();
        if let Some(org) = &filter.org {
            // Resolve the name first so an unknown organization is an error, not an empty list.
            Store::org_by_name(self, org)?;
            args.push(Box::new(org.clone()));
            clauses.push(format!("o.name = ${}", args.len()));
        }
        if let Some(status) = filter.status {
            args.push(Box::new(status.as_str().to_string()));
            clauses.push(format!("r.status = ${}", args.len()));
        }
        if let Some(kind) = filter.kind {
            args.push(Box::new(kind.as_str().to_string()));
            clauses.push(format!("r.kind = ${}", args.len()));
        }
        let sql = format!(
            "{ORDER_SELECT}{} ORDER BY r.status <> 'processing',
             r.status = 'processing' AND r.due_at IS NULL,
             CASE WHEN r.status = 'processing' THEN r.due_at ELSE -r.id END, r.id LIMIT {}",
            where_sql(&clauses),
            limit.min(100_000)
        );
        let mut guard = self.client()?;
        let c = &mut *guard;
        let mut orders = c
            .query(&sql, &refs(&args))
            .ctx("listing orders")?
            .iter()
            .map(order_from_row)
            .collect::<Result<Vec<_>>>()?;
        // Listed orders carry their deliverables like `order` does.
        if !orders.is_empty() {
            let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
            let mut by_id: std::collections::HashMap<i64, Vec<AttachmentInfo>> =
                std::collections::HashMap::new();
            for r in c
                .query(
                    "SELECT order_id, name, octet_length(data)::BIGINT FROM order_attachments
                     WHERE order_id = ANY($1) ORDER BY order_id, name COLLATE \"C\"",
                    &[&ids],
                )
                .ctx("reading order attachments")?
            {
                by_id.entry(get(&r, 0)?).or_default().push(AttachmentInfo {
                    name: get(&r, 1)?,
                    size: get(&r, 2)?,
                });
            }
            for o in &mut orders {
                o.attachments = by_id.remove(&o.id).unwrap_or_default();
            }
        }
        Ok(orders)
    }

    fn order_attachment(&self, id: i64, name: &str) -> Result<Vec<u8>> {
        Store::order(self, id)?;
        self.client()?
            .query_opt(
                "SELECT data FROM order_attachments WHERE order_id = $1 AND name = $2",
                &[&id, &name],
            )
            .ctx("reading the attachment")?
            .as_ref()
            .map(|r| get(r, 0))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                what: "attachment",
                key: format!("{name} (order {id})"),
            })
    }

    fn order_events(&self, id: i64) -> Result<Vec<AuditEvent>> {
        events(
            &mut *self.client()?,
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE order_id = $1 ORDER BY id"),
            id,
            "reading order history",
        )
    }

    fn month_tickets(
        &self,
        org_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::report::ReportTicket>> {
        self.client()?
            .query(
                "SELECT id, summary, kind, severity, created_at, resolved_at,
                        first_response_at, first_response_due,
                        (SELECT string_agg(g.tag, E'\n') FROM ticket_tags g
                         WHERE g.ticket_id = tickets.id)
                 FROM tickets
                 WHERE org_id = $1 AND ((created_at >= $2 AND created_at < $3)
                                     OR (resolved_at >= $2 AND resolved_at < $3))
                 ORDER BY created_at, id",
                &[&org_id, &to_ts(from), &to_ts(to)],
            )
            .ctx("reading the month's tickets")?
            .iter()
            .map(|r| {
                let id: i64 = get(r, 0)?;
                Ok(crate::report::ReportTicket {
                    id,
                    summary: get(r, 1)?,
                    kind: decode::column("tickets", id, "kind", &get::<String>(r, 2)?)?,
                    severity: get(r, 3)?,
                    plan: String::new(),
                    created_at: from_ts(get(r, 4)?),
                    resolved_at: opt_from_ts(get(r, 5)?),
                    first_response_at: opt_from_ts(get(r, 6)?),
                    first_response_due: opt_from_ts(get(r, 7)?),
                    first_response_verdict: None,
                    tags: crate::store::split_tags(get(r, 8)?),
                })
            })
            .collect()
    }

    fn export_snapshot(
        &self,
        now: DateTime<Utc>,
        sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
    ) -> Result<()> {
        super::transfer::export_snapshot(self, now, sink)
    }
}
