//! Export and import as JSON Lines: one organization, one ticket (with its conversation,
//! pauses and audit events) or one service order (with its rating, deliverables and audit
//! events) per line. Import is all or nothing: every line is parsed and
//! checked first, then everything is written in one transaction.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::tickets::{InsertTicket, event_from_row, insert_entry, insert_ticket};
use super::{Context, Result, SqliteStore, StoreError, sla_columns, to_ts};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::NaiveDate;

use crate::domain::{
    self, AuthorRole, Channel, EntryKind, Environment, OrderKind, OrderStatus, Scenario, Status,
    TicketKind, YearMonth,
};
use crate::policy::rules;

/// Longest line accepted by import (a ticket with a large description and conversation).
const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum Record {
    Org(OrgRecord),
    Ticket(Box<TicketRecord>),
    Order(Box<OrderRecord>),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderRecord {
    id: i64,
    org: String,
    kind: OrderKind,
    status: OrderStatus,
    level: Option<u8>,
    scenario: Option<Scenario>,
    month: Option<String>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    #[serde(default)]
    note: String,
    requested_on: NaiveDate,
    due: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    created_by: String,
    completed_at: Option<DateTime<Utc>>,
    rejected_at: Option<DateTime<Utc>>,
    reject_reason: Option<String>,
    rating: Option<RatingRecord>,
    #[serde(default)]
    attachments: Vec<AttachmentRecord>,
    #[serde(default = "one")]
    version: i64,
    #[serde(default)]
    events: Vec<EventRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingRecord {
    speed: u8,
    quality: u8,
    feedback: String,
    rated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttachmentRecord {
    name: String,
    /// Standard base64 of the bytes.
    data: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgRecord {
    name: String,
    policy_set: String,
    plan: String,
    tz: String,
    created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan_since: Option<DateTime<Utc>>,
    /// The organization this one is linked to (its tickets get that one's plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    linked_to: Option<String>,
    #[serde(default)]
    events: Vec<EventRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketRecord {
    id: i64,
    org: String,
    kind: TicketKind,
    severity: String,
    status: Status,
    summary: String,
    #[serde(default)]
    description: String,
    component: Option<String>,
    environment: Option<Environment>,
    affected_version: Option<String>,
    assignee: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    #[serde(default = "one")]
    version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requester_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requester_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    follows: Option<i64>,
    #[serde(default)]
    conversation: Vec<EntryRecord>,
    #[serde(default)]
    pauses: Vec<PauseRecord>,
    #[serde(default)]
    events: Vec<EventRecord>,
}

fn one() -> i64 {
    1
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryRecord {
    kind: EntryKind,
    role: AuthorRole,
    author: String,
    body: String,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseRecord {
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRecord {
    actor: String,
    actor_source: String,
    at: DateTime<Utc>,
    field: String,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub orgs: usize,
    pub tickets: usize,
    pub entries: usize,
    pub events: usize,
    pub orders: usize,
}

impl SqliteStore {
    /// Streams every organization, then every ticket, one JSON object per line.
    pub fn export(&self, out: &mut dyn Write) -> Result<(usize, usize)> {
        let io_err = |e: std::io::Error| StoreError::Other(format!("writing export: {e}"));
        let orgs = self.list_orgs()?;
        for org in &orgs {
            let events = self.events_where(
                "org_id = ?1 AND ticket_id IS NULL AND order_id IS NULL",
                org.id,
            )?;
            let rec = Record::Org(OrgRecord {
                name: org.name.clone(),
                policy_set: org.policy_set.clone(),
                plan: org.plan.clone(),
                tz: org.tz.clone(),
                created_at: org.created_at,
                plan_since: Some(org.plan_since),
                linked_to: org.parent.clone(),
                events,
            });
            write_line(out, &rec).map_err(io_err)?;
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM tickets ORDER BY id")
            .ctx("exporting tickets")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .ctx("exporting tickets")?;
        let mut count = 0;
        let now = Utc::now();
        for id in ids {
            let id = id.ctx("exporting tickets")?;
            let detail = self.ticket_detail(id, now)?;
            let Some(t) = detail.ticket else { continue };
            let rec = Record::Ticket(Box::new(TicketRecord {
                id: t.id,
                org: t.org,
                kind: t.kind,
                severity: t.severity,
                status: t.status,
                summary: t.summary,
                description: t.description,
                component: t.component,
                environment: t.environment,
                affected_version: t.affected_version,
                assignee: t.assignee,
                created_at: t.created_at,
                updated_at: t.updated_at,
                first_response_at: t.first_response_at,
                resolved_at: t.resolved_at,
                version: t.version,
                requester_name: t.requester_name,
                requester_address: t.requester_address,
                channel: t.channel,
                follows: t.follows,
                conversation: detail
                    .conversation
                    .into_iter()
                    .map(|e| EntryRecord {
                        kind: e.kind,
                        role: e.role,
                        author: e.author,
                        body: e.body,
                        created_at: e.created_at,
                    })
                    .collect(),
                pauses: detail
                    .pauses
                    .into_iter()
                    .map(|p| PauseRecord {
                        start: p.start,
                        end: p.end,
                    })
                    .collect(),
                events: detail.events.into_iter().map(event_record).collect(),
            }));
            write_line(out, &rec).map_err(io_err)?;
            count += 1;
        }
        let order_ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM orders ORDER BY id")
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("exporting orders")?;
        for id in order_ids {
            let o = self.order(id)?;
            let mut attachments = Vec::new();
            for a in &o.attachments {
                attachments.push(AttachmentRecord {
                    name: a.name.clone(),
                    data: BASE64.encode(self.order_attachment(id, &a.name)?),
                });
            }
            let rec = Record::Order(Box::new(OrderRecord {
                id: o.id,
                org: o.org,
                kind: o.kind,
                status: o.status,
                level: o.level,
                scenario: o.scenario,
                month: o.month.map(|m| m.to_string()),
                start: o.start,
                end: o.end,
                note: o.note,
                requested_on: o.requested_on,
                due: o.due,
                created_at: o.created_at,
                created_by: o.created_by,
                completed_at: o.completed_at,
                rejected_at: o.rejected_at,
                reject_reason: o.reject_reason,
                rating: o.rating.map(|r| RatingRecord {
                    speed: r.speed,
                    quality: r.quality,
                    feedback: r.feedback,
                    rated_at: r.rated_at,
                }),
                attachments,
                version: o.version,
                events: self.events_where("order_id = ?1", id)?,
            }));
            write_line(out, &rec).map_err(io_err)?;
        }
        Ok((orgs.len(), count))
    }

    fn events_where(&self, condition: &str, id: i64) -> Result<Vec<EventRecord>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new FROM events WHERE {condition} ORDER BY id"
            ))
            .and_then(|mut s| s.query_map([id], event_from_row)?.collect::<rusqlite::Result<Vec<_>>>())
            .ctx("reading audit events")
            .map(|v| v.into_iter().map(event_record).collect())
    }

    /// Imports JSON Lines: one bad line imports nothing, and the error names the line.
    pub fn import(&mut self, input: &mut dyn BufRead, now: DateTime<Utc>) -> Result<ImportSummary> {
        let records = parse_records(input)?;
        let existing_orgs: HashMap<String, (i64, String, String, String)> = self
            .list_orgs()?
            .into_iter()
            .map(|o| (o.name.clone(), (o.id, o.policy_set, o.plan, o.tz)))
            .collect();
        // Check every rule before writing anything.
        let mut file_orgs: HashMap<String, (String, String, String)> = HashMap::new();
        let mut ticket_ids = HashSet::new();
        let mut order_ids = HashSet::new();
        for (line, rec) in &records {
            let fail = |message: String| StoreError::Import {
                line: *line,
                message,
            };
            match rec {
                Record::Org(o) => {
                    rules::validate_org(&self.policies, &o.name, &o.policy_set, &o.plan, &o.tz)
                        .map_err(|e| fail(e.to_string()))?;
                    if file_orgs.contains_key(&o.name) {
                        return Err(fail(format!("organization {:?} appears twice", o.name)));
                    }
                    if let Some(ex) = existing_orgs.get(&o.name)
                        && (ex.1 != o.policy_set || ex.2 != o.plan || ex.3 != o.tz)
                    {
                        return Err(fail(format!(
                            "organization {:?} already exists with different settings",
                            o.name
                        )));
                    }
                    file_orgs.insert(
                        o.name.clone(),
                        (o.policy_set.clone(), o.plan.clone(), o.tz.clone()),
                    );
                }
                Record::Order(o) => {
                    if !file_orgs.contains_key(&o.org) && !existing_orgs.contains_key(&o.org) {
                        return Err(fail(format!(
                            "order {} names organization {:?}, which is neither in the database nor on an earlier line",
                            o.id, o.org
                        )));
                    }
                    if o.id <= 0 || !order_ids.insert(o.id) {
                        return Err(fail(format!(
                            "order id {} is not positive or appears twice",
                            o.id
                        )));
                    }
                    check_order_record(o).map_err(|m| fail(format!("order {}: {m}", o.id)))?;
                }
                Record::Ticket(t) => {
                    if t.id <= 0 {
                        return Err(fail(format!("ticket id {} must be positive", t.id)));
                    }
                    if !ticket_ids.insert(t.id) {
                        return Err(fail(format!("ticket {} appears twice", t.id)));
                    }
                    let (set_name, plan, tz) = match file_orgs.get(&t.org) {
                        Some(o) => o.clone(),
                        None => match existing_orgs.get(&t.org) {
                            Some(ex) => (ex.1.clone(), ex.2.clone(), ex.3.clone()),
                            None => {
                                return Err(fail(format!(
                                    "ticket {} names organization {:?}, which is neither in the database nor on an earlier line",
                                    t.id, t.org
                                )));
                            }
                        },
                    };
                    let set = rules::policy_set(&self.policies, &set_name)
                        .map_err(|e| fail(e.to_string()))?;
                    let tz = domain::parse_tz(&tz).map_err(|e| fail(e.to_string()))?;
                    let plan =
                        set.effective_plan(&plan, t.created_at.with_timezone(&tz).date_naive());
                    rules::validate_kind_severity(set, &t.org, plan, t.kind, &t.severity)
                        .and_then(|_| domain::validate_summary(&t.summary))
                        .and_then(|_| domain::validate_body("description", &t.description, true))
                        .map_err(|e| fail(format!("ticket {}: {e}", t.id)))?;
                    for e in &t.conversation {
                        domain::validate_body("conversation entry", &e.body, false)
                            .map_err(|err| fail(format!("ticket {}: {err}", t.id)))?;
                    }
                    for p in &t.pauses {
                        if p.end.is_some_and(|end| end < p.start) {
                            return Err(fail(format!(
                                "ticket {}: a pause ends before it starts",
                                t.id
                            )));
                        }
                    }
                    if t.pauses.iter().filter(|p| p.end.is_none()).count()
                        > usize::from(t.status == Status::Pending)
                    {
                        return Err(fail(format!(
                            "ticket {}: open pauses do not match status {}",
                            t.id, t.status
                        )));
                    }
                }
            }
        }
        let policies = self.policies.clone();
        self.write(|tx| {
            let mut summary = ImportSummary::default();
            let mut org_ids: HashMap<String, i64> =
                existing_orgs.iter().map(|(k, v)| (k.clone(), v.0)).collect();
            for (line, rec) in &records {
                let fail = |message: String| StoreError::Import { line: *line, message };
                match rec {
                    Record::Org(o) => {
                        if org_ids.contains_key(&o.name) {
                            continue;
                        }
                        tx.execute(
                            "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![
                                o.name,
                                o.policy_set,
                                o.plan,
                                o.tz,
                                to_ts(o.created_at),
                                to_ts(o.plan_since.unwrap_or(o.created_at))
                            ],
                        )
                        .ctx("importing organization")?;
                        let id = tx.last_insert_rowid();
                        org_ids.insert(o.name.clone(), id);
                        for e in &o.events {
                            insert_event(tx, None, Some(id), e)?;
                            summary.events += 1;
                        }
                        summary.orgs += 1;
                    }
                    Record::Ticket(t) => {
                        let exists: Option<i64> = tx
                            .query_row("SELECT id FROM tickets WHERE id = ?1", [t.id], |r| r.get(0))
                            .optional()
                            .ctx("checking ticket id")?;
                        if exists.is_some() {
                            return Err(fail(format!("ticket {} already exists in the database", t.id)));
                        }
                        let org_id = org_ids[&t.org];
                        let (set_name, plan): (String, String) = tx
                            .query_row("SELECT policy_set, plan FROM orgs WHERE id = ?1", [org_id], |r| {
                                Ok((r.get(0)?, r.get(1)?))
                            })
                            .ctx("reading organization")?;
                        let set = rules::policy_set(&policies, &set_name)?;
                        let rank = set.severities.iter().position(|s| *s == t.severity).unwrap_or(0) as i64;
                        let priority = i64::from(set.plan(&plan).map(|p| p.priority).unwrap_or(100));
                        insert_ticket(
                            tx,
                            &InsertTicket {
                                id: Some(t.id),
                                org_id,
                                kind: t.kind,
                                severity: &t.severity,
                                severity_rank: rank,
                                status: t.status,
                                summary: &t.summary,
                                description: &t.description,
                                component: t.component.as_deref(),
                                environment: t.environment,
                                affected_version: t.affected_version.as_deref(),
                                assignee: t.assignee.as_deref(),
                                created_at: to_ts(t.created_at),
                                updated_at: to_ts(t.updated_at),
                                first_response_at: t.first_response_at.map(to_ts),
                                resolved_at: t.resolved_at.map(to_ts),
                                priority,
                                version: t.version,
                                requester_name: t.requester_name.as_deref(),
                                requester_address: t.requester_address.as_deref(),
                                channel: t.channel,
                                follows: t.follows,
                            },
                        )?;
                        for e in &t.conversation {
                            insert_entry(tx, t.id, e.kind, e.role, &e.author, &e.body, to_ts(e.created_at))?;
                            summary.entries += 1;
                        }
                        for p in &t.pauses {
                            tx.execute(
                                "INSERT INTO pauses (ticket_id, started_at, ended_at) VALUES (?1, ?2, ?3)",
                                params![t.id, to_ts(p.start), p.end.map(to_ts)],
                            )
                            .ctx("importing pause")?;
                        }
                        for e in &t.events {
                            insert_event(tx, Some(t.id), Some(org_id), e)?;
                            summary.events += 1;
                        }
                        sla_columns::refresh(tx, &policies, t.id, now)?;
                        summary.tickets += 1;
                    }
                    Record::Order(o) => {
                        let exists: Option<i64> = tx
                            .query_row("SELECT id FROM orders WHERE id = ?1", [o.id], |r| r.get(0))
                            .optional()
                            .ctx("checking order id")?;
                        if exists.is_some() {
                            return Err(fail(format!("order {} already exists in the database", o.id)));
                        }
                        insert_order(tx, org_ids[&o.org], o)?;
                        for e in &o.events {
                            insert_item_event(tx, (None, Some(org_ids[&o.org]), Some(o.id)), e)?;
                            summary.events += 1;
                        }
                        summary.orders += 1;
                    }
                }
            }
            // Links last: a parent may come after its linked account in the file.
            for (line, rec) in &records {
                if let Record::Org(OrgRecord { name, linked_to: Some(parent), .. }) = rec {
                    let Some(parent_id) = org_ids.get(parent) else {
                        return Err(StoreError::Import {
                            line: *line,
                            message: format!("organization {name:?} is linked to {parent:?}, which is neither in the database nor in the file"),
                        });
                    };
                    tx.execute(
                        "UPDATE orgs SET parent_id = ?2 WHERE name = ?1 AND parent_id IS NULL",
                        params![name, parent_id],
                    )
                    .ctx("importing a linked account")?;
                    let org_id = org_ids[name];
                    sla_columns::refresh_org_tickets(tx, &policies, org_id, now)?;
                }
            }
            Ok(summary)
        })
    }
}

fn event_record(e: crate::domain::AuditEvent) -> EventRecord {
    EventRecord {
        actor: e.actor,
        actor_source: e.actor_source,
        at: e.at,
        field: e.field,
        old: e.old,
        new: e.new,
    }
}

fn insert_event(
    tx: &rusqlite::Transaction,
    ticket_id: Option<i64>,
    org_id: Option<i64>,
    e: &EventRecord,
) -> Result<()> {
    insert_item_event(tx, (ticket_id, org_id, None), e)
}

fn insert_item_event(
    tx: &rusqlite::Transaction,
    (ticket_id, org_id, order_id): (Option<i64>, Option<i64>, Option<i64>),
    e: &EventRecord,
) -> Result<()> {
    super::insert_event_row(
        tx,
        super::EventSubject {
            ticket_id,
            org_id,
            order_id,
        },
        (&e.actor, &e.actor_source),
        e.at,
        (&e.field, e.old.as_deref(), e.new.as_deref()),
    )
}

/// The facts an order record must be consistent about (history is imported as it was; the
/// plan rules for new requests are not re-applied).
fn check_order_record(o: &OrderRecord) -> std::result::Result<(), String> {
    match o.kind {
        OrderKind::EventAssurance => match (o.level, o.start, o.end) {
            (Some(_), Some(a), Some(b)) if a <= b => {}
            _ => {
                return Err(
                    "event assurance needs level, start and end (end not before start)".into(),
                );
            }
        },
        OrderKind::AvailabilityCheck if o.scenario.is_none() => {
            return Err("an availability check needs a scenario".into());
        }
        OrderKind::MonthlyReport => match o.month.as_deref().map(str::parse::<YearMonth>) {
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => return Err("a monthly report needs its month".into()),
        },
        _ => {}
    }
    match o.status {
        OrderStatus::Completed if o.completed_at.is_none() => {
            return Err("completed without completed_at".into());
        }
        OrderStatus::Rejected
            if o.reject_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty()) =>
        {
            return Err("rejected without a reason".into());
        }
        _ => {}
    }
    if let Some(r) = &o.rating {
        crate::orders::check_rating(
            o.status,
            false,
            i64::from(r.speed),
            i64::from(r.quality),
            &r.feedback,
        )
        .map_err(|e| e.0)?;
    }
    let mut names = HashSet::new();
    for a in &o.attachments {
        super::validate_attachment_name(&a.name).map_err(|e| e.to_string())?;
        if !names.insert(&a.name) {
            return Err(format!("attachment {:?} appears twice", a.name));
        }
        BASE64
            .decode(&a.data)
            .map_err(|e| format!("attachment {:?} is not base64: {e}", a.name))?;
    }
    Ok(())
}

fn insert_order(tx: &rusqlite::Transaction, org_id: i64, o: &OrderRecord) -> Result<()> {
    tx.execute(
        "INSERT INTO orders (id, org_id, kind, status, level, scenario, month, start_date, end_date,
             note, requested_on, due_at, created_at, created_by, completed_at, rejected_at,
             reject_reason, rating_speed, rating_quality, rating_feedback, rated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22)",
        params![
            o.id,
            org_id,
            o.kind.as_str(),
            o.status.as_str(),
            o.level,
            o.scenario.map(|s| s.as_str()),
            o.month,
            o.start.map(|d| d.to_string()),
            o.end.map(|d| d.to_string()),
            o.note,
            o.requested_on.to_string(),
            o.due.map(to_ts),
            to_ts(o.created_at),
            o.created_by,
            o.completed_at.map(to_ts),
            o.rejected_at.map(to_ts),
            o.reject_reason,
            o.rating.as_ref().map(|r| r.speed),
            o.rating.as_ref().map(|r| r.quality),
            o.rating.as_ref().map(|r| r.feedback.clone()),
            o.rating.as_ref().map(|r| to_ts(r.rated_at)),
            o.version,
        ],
    )
    .ctx("importing order")?;
    for a in &o.attachments {
        let data = BASE64.decode(&a.data).unwrap_or_default();
        tx.execute(
            "INSERT INTO order_attachments (order_id, name, data, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![o.id, a.name, data, to_ts(o.completed_at.unwrap_or(o.created_at))],
        )
        .ctx("importing an attachment")?;
    }
    Ok(())
}

fn write_line(out: &mut dyn Write, rec: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, rec)?;
    out.write_all(b"\n")
}

/// Reads and parses every line; blank lines are skipped, anything else must be a record.
fn parse_records(input: &mut dyn BufRead) -> Result<Vec<(usize, Record)>> {
    let mut records = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        line_no += 1;
        let reader: &mut dyn BufRead = &mut *input;
        let n = std::io::Read::take(reader, MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| StoreError::Import {
                line: line_no,
                message: format!("cannot read: {e}"),
            })?;
        if n == 0 {
            break;
        }
        if buf.len() > MAX_LINE_BYTES {
            return Err(StoreError::Import {
                line: line_no,
                message: format!("line is longer than {MAX_LINE_BYTES} bytes"),
            });
        }
        let text = std::str::from_utf8(&buf).map_err(|_| StoreError::Import {
            line: line_no,
            message: "not valid UTF-8".into(),
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let rec: Record =
            serde_json::from_str(text.trim_end()).map_err(|e| StoreError::Import {
                line: line_no,
                message: format!("not a valid record: {e}"),
            })?;
        if let Record::Ticket(t) = &rec {
            // Event sources must be the ones the schema accepts.
            if let Some(bad) = t
                .events
                .iter()
                .find(|e| !["os", "as", "system"].contains(&e.actor_source.as_str()))
            {
                return Err(StoreError::Import {
                    line: line_no,
                    message: format!(
                        "unknown actor_source {:?} (allowed: os, as, system)",
                        bad.actor_source
                    ),
                });
            }
        }
        records.push((line_no, rec));
    }
    Ok(records)
}
