//! Export and import as JSON Lines: one organization, one ticket (with its conversation,
//! pauses and audit events) or one service order (with its rating, deliverables and audit
//! events) per line. The format, its validation (every error names its line) and the rules
//! live here; the store only streams a snapshot out and takes rows in.
//!
//! Import is all or nothing: every line is parsed and checked first, then everything is
//! written (a large file in short batches that the store undoes if the import does not
//! finish, see [`crate::store::Store::write_batched`]), SLA columns from the one evaluation,
//! audited. The file is read again for each of these steps rather than held in memory (see
//! `import_lines.rs`). Anything the program accepted imports back: history is checked against
//! the plan that served the organization when the ticket was opened (from its audit trail),
//! not today's plan.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Desk;
use super::import_lines::{self, ImportInput, LineAt, Lines};
use super::sla::{refresh, refresh_org_tickets};
use crate::domain::{
    self, AuditEvent, AuthorRole, Channel, EntryKind, Environment, OrderKind, OrderRating,
    OrderStatus, Scenario, Status, TicketKind, YearMonth,
};
use crate::policy::rules;
use crate::sla::columns;
use crate::store::{
    EntryInsert, EventRow, EventSubject, ExportRecord, OrderRow, OrgPatch, OrgRow, Result,
    StoreError, StoreTx, TicketPatch, TicketRow,
};

/// Largest id and version an import accepts: far beyond any real desk, far below where
/// `version + 1` or an id computation could overflow (and exact in JSON numbers).
pub const MAX_IMPORTED_NUMBER: i64 = (1 << 53) - 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum Record {
    Org(OrgRecord),
    Ticket(Box<TicketRecord>),
    Order(Box<OrderRecord>),
    /// A row of mail history (after every order; older exports have none).
    Mail(Box<MailHistoryRecord>),
    /// A shared reply template (after the mail history; older exports have none).
    ReplyTemplate(TemplateRecord),
    /// A row of `tuidesk watch`'s alert log about an SLA target, so a copied desk does not
    /// page again for what was already announced (after the templates).
    Alert(AlertRecord),
}

/// A shared reply template as the team saved it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateRecord {
    name: String,
    body: String,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

/// An alert-log row whose key names only its ticket, metric and deadline (at risk,
/// breached). Alerts about a customer's message or an assignment are keyed by the row id
/// of that message or audit row, which a copy does not keep: they are not exported.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertRecord {
    key: String,
    kind: String,
    ticket: i64,
    happened_at: DateTime<Utc>,
    fired_at: DateTime<Utc>,
    fired_by: String,
    outcome: String,
}

/// Whether an alert-log row of this kind travels in an export (see [`AlertRecord`]).
pub fn alert_is_exported(kind: &str) -> bool {
    kind == crate::alerts::AlertKind::AtRisk.as_str()
        || kind == crate::alerts::AlertKind::Breached.as_str()
}

/// A row of mail history: `table` is `triage`, `message`, `attachment`, `quarantine` or
/// `outbox`; `row` holds its columns (absent ones are null). Times are RFC 3339, bytes
/// standard base64; `ticket` and `order` are ids, `entry` is `[ticket, n]` (the n-th entry,
/// from 0, of that ticket's conversation in this file) and `triage` is n (the n-th triage
/// record of this file, from 1).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailHistoryRecord {
    table: String,
    row: serde_json::Map<String, serde_json::Value>,
}

/// A mail column's name in an export: references lose their `_id`.
fn mail_key(column: &str) -> &str {
    column
        .strip_suffix("_id")
        .filter(|k| *k != "message")
        .unwrap_or(column)
}

/// The export form of a mail history row; `triage_ordinals` maps this store's triage ids
/// to their place in the export (filled as the triage rows go out, before any other).
fn mail_record(
    row: crate::store::MailRow,
    triage_ordinals: &mut HashMap<i64, i64>,
) -> Result<MailHistoryRecord> {
    use crate::store::{MailCell, MailKind, MailTable};
    use serde_json::Value;
    let mut out = serde_json::Map::new();
    for ((column, kind), cell) in row.table.columns().iter().zip(row.cells) {
        let value = match (kind, cell) {
            (_, MailCell::Null) => continue,
            (MailKind::Time, MailCell::Int(n)) => {
                let at = DateTime::<Utc>::from_timestamp(n, 0).ok_or_else(|| {
                    StoreError::Other(format!("mail history: {column} {n} is out of range"))
                })?;
                serde_json::to_value(at).map_err(|e| StoreError::Other(e.to_string()))?
            }
            (MailKind::Triage, MailCell::Int(id)) => match triage_ordinals.get(&id) {
                Some(n) => Value::from(*n),
                None => continue,
            },
            (_, MailCell::Int(n)) => Value::from(n),
            (_, MailCell::Text(t)) => Value::from(t),
            (_, MailCell::Bytes(b)) => Value::from(BASE64.encode(b)),
            (_, MailCell::EntryAt { ticket_id, index }) => {
                Value::from(vec![Value::from(ticket_id), Value::from(index)])
            }
        };
        out.insert(mail_key(column).to_string(), value);
    }
    if row.table == MailTable::Triage {
        let n = triage_ordinals.len() as i64 + 1;
        triage_ordinals.insert(row.id, n);
    }
    Ok(MailHistoryRecord {
        table: row.table.export_name().to_string(),
        row: out,
    })
}

/// What the file says a mail history row is: its table and cells, with entries by position
/// ([`crate::store::MailCell::EntryAt`]) and triage rows by their place in the file
/// (`Int(n)`), both resolved when written. Checks every value against its column, that
/// referenced tickets, entries and orders are in the file and triage records come earlier.
/// `refs` (triage records so far, tickets with their conversation lengths, orders) is
/// `None` once the file has been checked.
fn mail_row_of(
    rec: &MailHistoryRecord,
    refs: Option<(i64, &HashMap<i64, usize>, &HashSet<i64>)>,
) -> std::result::Result<crate::store::MailRow, String> {
    use crate::store::{MailCell, MailKind, MailRow, MailTable};
    use serde_json::Value;
    let table = MailTable::from_export_name(&rec.table).ok_or_else(|| {
        format!(
            "unknown mail table {:?} (triage, message, attachment, quarantine, outbox)",
            rec.table
        )
    })?;
    let columns = table.columns();
    for key in rec.row.keys() {
        if !columns.iter().any(|(c, _)| mail_key(c) == key) {
            return Err(format!("mail {}: unknown field {key:?}", rec.table));
        }
    }
    let mut cells = Vec::with_capacity(columns.len());
    for (column, kind) in columns {
        let key = mail_key(column);
        let bad = |what: &str| format!("mail {}: {key} must be {what}", rec.table);
        let value = rec.row.get(key).unwrap_or(&Value::Null);
        let cell = match (kind, value) {
            (_, Value::Null) => MailCell::Null,
            (MailKind::Text, Value::String(t)) => MailCell::Text(t.clone()),
            (MailKind::Text, _) => return Err(bad("text")),
            (MailKind::Bytes, Value::String(t)) => {
                MailCell::Bytes(BASE64.decode(t).map_err(|_| bad("base64"))?)
            }
            (MailKind::Bytes, _) => return Err(bad("base64 text")),
            (MailKind::Time, v) => {
                let at: DateTime<Utc> =
                    serde_json::from_value(v.clone()).map_err(|_| bad("an RFC 3339 time"))?;
                MailCell::Int(at.timestamp())
            }
            (MailKind::Entry, Value::Array(pair)) => {
                let (Some(ticket_id), Some(index)) = (
                    pair.first().and_then(Value::as_i64),
                    pair.get(1).and_then(Value::as_i64),
                ) else {
                    return Err(bad("[ticket, n]"));
                };
                if let Some((_, conversations, _)) = refs {
                    let len = conversations.get(&ticket_id).ok_or_else(|| {
                        format!(
                            "mail {}: ticket {ticket_id} is not on an earlier line",
                            rec.table
                        )
                    })?;
                    if index as usize >= *len {
                        return Err(format!(
                            "mail {}: ticket {ticket_id} has no conversation entry {index}",
                            rec.table
                        ));
                    }
                }
                if pair.len() != 2 || index < 0 {
                    return Err(format!(
                        "mail {}: ticket {ticket_id} has no conversation entry {index}",
                        rec.table
                    ));
                }
                MailCell::EntryAt { ticket_id, index }
            }
            (MailKind::Entry, _) => return Err(bad("[ticket, n]")),
            (_, v) => {
                let n = v.as_i64().ok_or_else(|| bad("a whole number"))?;
                if n.abs() > MAX_IMPORTED_NUMBER {
                    return Err(bad(&format!("at most {MAX_IMPORTED_NUMBER}")));
                }
                let Some((triage_so_far, conversations, orders)) = refs else {
                    cells.push(MailCell::Int(n));
                    continue;
                };
                match kind {
                    MailKind::Ticket if !conversations.contains_key(&n) => {
                        return Err(format!(
                            "mail {}: ticket {n} is not on an earlier line",
                            rec.table
                        ));
                    }
                    MailKind::Order if !orders.contains(&n) => {
                        return Err(format!(
                            "mail {}: order {n} is not on an earlier line",
                            rec.table
                        ));
                    }
                    MailKind::Triage if n < 1 || n > triage_so_far => {
                        return Err(format!(
                            "mail {}: triage record {n} is not on an earlier line",
                            rec.table
                        ));
                    }
                    _ => {}
                }
                MailCell::Int(n)
            }
        };
        cells.push(cell);
    }
    Ok(MailRow {
        table,
        id: 0,
        cells,
    })
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
    /// Mail contacts: addresses (or `@domain`s) whose mail files and follows up its tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    contacts: Vec<ContactRecord>,
    #[serde(default)]
    events: Vec<EventRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactRecord {
    address: String,
    added_at: DateTime<Utc>,
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
    /// Normalized tags, bytewise sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    /// The ticket this one was merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merged_into: Option<i64>,
    #[serde(default)]
    conversation: Vec<EntryRecord>,
    #[serde(default)]
    pauses: Vec<PauseRecord>,
    /// Time resolved before a reopen (its clocks stood still then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    resolved_spans: Vec<PauseRecord>,
    /// Breaches on record, kept through later changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    breaches: Vec<BreachRecord>,
    #[serde(default)]
    events: Vec<EventRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreachRecord {
    metric: String,
    at: DateTime<Utc>,
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
    /// The ticket it was written on, when a merge moved it here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merged_from: Option<i64>,
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

impl Desk {
    /// Streams the database as JSON Lines from one snapshot: organizations, tickets, orders.
    /// Returns how many organizations and tickets were written. `now` is the instant the
    /// snapshot's tickets are read at (it decides nothing that is written).
    pub fn export(&self, out: &mut dyn Write, now: DateTime<Utc>) -> Result<(usize, usize)> {
        export_store(&*self.store, out, now)
    }
}

/// [`Desk::export`] over any store (the contract suite exports a bare store).
pub fn export_store(
    store: &dyn crate::store::Store,
    out: &mut dyn Write,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    {
        let io_err = |e: std::io::Error| StoreError::Other(format!("writing export: {e}"));
        let (mut orgs, mut tickets) = (0, 0);
        let mut triage_ordinals = HashMap::new();
        store.export_snapshot(now, &mut |rec| {
            let line = match rec {
                ExportRecord::Mail(row) => {
                    Record::Mail(Box::new(mail_record(row, &mut triage_ordinals)?))
                }
                ExportRecord::Org {
                    org,
                    events,
                    contacts,
                } => {
                    orgs += 1;
                    Record::Org(OrgRecord {
                        name: org.name,
                        policy_set: org.policy_set,
                        plan: org.plan,
                        tz: org.tz,
                        created_at: org.created_at,
                        plan_since: Some(org.plan_since),
                        linked_to: org.parent,
                        contacts: contacts
                            .into_iter()
                            .map(|(address, added_at)| ContactRecord { address, added_at })
                            .collect(),
                        events: events.into_iter().map(event_record).collect(),
                    })
                }
                ExportRecord::Ticket(detail, timeline) => {
                    let detail = *detail;
                    let Some(t) = detail.ticket else {
                        return Ok(());
                    };
                    tickets += 1;
                    Record::Ticket(Box::new(TicketRecord {
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
                        tags: t.tags,
                        merged_into: t.merged_into,
                        conversation: detail
                            .conversation
                            .into_iter()
                            .map(|e| EntryRecord {
                                kind: e.kind,
                                role: e.role,
                                author: e.author,
                                body: e.body,
                                created_at: e.created_at,
                                merged_from: e.merged_from,
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
                        resolved_spans: timeline
                            .resolved_spans
                            .iter()
                            .map(|p| PauseRecord {
                                start: p.start,
                                end: p.end,
                            })
                            .collect(),
                        breaches: timeline
                            .recorded_breaches
                            .iter()
                            .map(|b| BreachRecord {
                                metric: b.metric.as_str().to_string(),
                                at: b.at,
                            })
                            .collect(),
                        events: detail.events.into_iter().map(event_record).collect(),
                    }))
                }
                ExportRecord::Order {
                    order: o,
                    attachments,
                    events,
                } => {
                    let o = *o;
                    Record::Order(Box::new(OrderRecord {
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
                        attachments: attachments
                            .into_iter()
                            .map(|(name, data)| AttachmentRecord {
                                name,
                                data: BASE64.encode(data),
                            })
                            .collect(),
                        version: o.version,
                        events: events.into_iter().map(event_record).collect(),
                    }))
                }
            };
            write_line(out, &line).map_err(io_err)
        })?;
        // Neither refers to anything but tickets already written; read after the snapshot.
        for t in store.reply_templates()? {
            let (Some(updated_by), Some(updated_at)) = (t.updated_by, t.updated_at) else {
                continue;
            };
            let rec = Record::ReplyTemplate(TemplateRecord {
                name: t.name,
                body: t.body,
                updated_by,
                updated_at,
            });
            write_line(out, &rec).map_err(io_err)?;
        }
        for a in store.alert_log()? {
            if !alert_is_exported(&a.kind) {
                continue;
            }
            let rec = Record::Alert(AlertRecord {
                key: a.key,
                kind: a.kind,
                ticket: a.ticket_id,
                happened_at: a.happened_at,
                fired_at: a.fired_at,
                fired_by: a.fired_by,
                outcome: a.outcome,
            });
            write_line(out, &rec).map_err(io_err)?;
        }
        Ok((orgs, tickets))
    }
}

impl Desk {
    /// Imports JSON Lines: one bad line imports nothing, and the error names the line.
    pub fn import(&mut self, input: &mut dyn BufRead, now: DateTime<Utc>) -> Result<ImportSummary> {
        self.import_audited(input, now, None)
    }

    /// [`Desk::import`], recording in the same transaction who imported what from where
    /// (an audit row about the database itself, so it is not part of a later export). The
    /// input is read more than once: a reader that cannot be is copied to a temporary file.
    pub fn import_audited(
        &mut self,
        input: &mut dyn BufRead,
        now: DateTime<Utc>,
        audit: Option<(&crate::domain::Actor, &str)>,
    ) -> Result<ImportSummary> {
        let mut spooled = import_lines::spool(input)?;
        self.import_from(&mut spooled, now, audit)
    }

    /// [`Desk::import_audited`] from input that can be read again (a file): checked whole in
    /// two reads, written in a third, with only a few facts per ticket in memory between them.
    pub fn import_from(
        &mut self,
        input: &mut dyn ImportInput,
        now: DateTime<Utc>,
        audit: Option<(&crate::domain::Actor, &str)>,
    ) -> Result<ImportSummary> {
        let survey = Survey::read(input)?;
        let policies = self.policies.clone();
        let mut known: HashMap<String, KnownOrg> = HashMap::new();
        for o in self.store.list_orgs()? {
            let history = self.store.org_events(o.id)?;
            known.insert(
                o.name.clone(),
                KnownOrg {
                    existing_id: Some(o.id),
                    policy_set: o.policy_set,
                    plan: o.plan,
                    tz: o.tz,
                    parent: o.parent,
                    history: history
                        .into_iter()
                        .map(|e| (e.at, e.field, e.old, e.new))
                        .collect(),
                },
            );
        }
        // Check every rule before writing anything.
        let mut in_file: HashSet<String> = HashSet::new();
        for (line, o) in &survey.orgs {
            let fail = |message: String| StoreError::Import {
                line: *line,
                message,
            };
            {
                rules::validate_org(&policies, &o.name, &o.policy_set, &o.plan, &o.tz)
                    .map_err(|e| fail(e.to_string()))?;
                if !in_file.insert(o.name.clone()) {
                    return Err(fail(format!("organization {:?} appears twice", o.name)));
                }
                let mut addresses = std::collections::HashSet::new();
                for c in &o.contacts {
                    let normal = domain::normalize_address(&c.address, true)
                        .map_err(|e| fail(e.to_string()))?;
                    if normal != c.address {
                        return Err(fail(format!(
                            "contact {:?} of {:?} is not stored as written ({normal:?})",
                            c.address, o.name
                        )));
                    }
                    if !addresses.insert(normal) {
                        return Err(fail(format!(
                            "contact {:?} of {:?} appears twice",
                            c.address, o.name
                        )));
                    }
                }
                if o.linked_to.as_deref() == Some(o.name.as_str()) {
                    return Err(fail(format!(
                        "organization {:?} is linked to itself",
                        o.name
                    )));
                }
                match known.get(&o.name) {
                    Some(ex)
                        if ex.policy_set != o.policy_set || ex.plan != o.plan || ex.tz != o.tz =>
                    {
                        return Err(fail(format!(
                            "organization {:?} already exists with different settings",
                            o.name
                        )));
                    }
                    Some(_) => {}
                    None => {
                        known.insert(
                            o.name.clone(),
                            KnownOrg {
                                existing_id: None,
                                policy_set: o.policy_set.clone(),
                                plan: o.plan.clone(),
                                tz: o.tz.clone(),
                                parent: o.linked_to.clone(),
                                history: o
                                    .events
                                    .iter()
                                    .map(|e| (e.at, e.field.clone(), e.old.clone(), e.new.clone()))
                                    .collect(),
                            },
                        );
                    }
                }
            }
        }
        let mut seen_orgs: HashSet<String> = HashSet::new();
        // Of the ids the survey saw more than once, those met so far in this read.
        let mut twice_met = HashSet::new();
        let mut order_ids = HashSet::new();
        // Tickets on earlier lines with their conversation lengths, triage records so far
        // (what mail history may refer to; kept only when the file carries mail history).
        let mut conversations: HashMap<i64, usize> = HashMap::new();
        let mut triage_so_far = 0;
        let mut template_names: HashSet<String> = HashSet::new();
        let stored_templates: HashSet<String> = if survey.templates.is_empty() {
            HashSet::new()
        } else {
            self.store
                .reply_templates()?
                .into_iter()
                .map(|t| t.name)
                .collect()
        };
        let mut lines = Lines::new(input)?;
        while let Some((line, rec)) = read_record(&mut lines)? {
            let fail = |message: String| StoreError::Import { line, message };
            let org_known = |name: &str, seen: &HashSet<String>| {
                seen.contains(name) || known.get(name).is_some_and(|k| k.existing_id.is_some())
            };
            match &rec {
                Record::Org(o) => {
                    seen_orgs.insert(o.name.clone());
                    for e in &o.events {
                        check_event(e).map_err(fail)?;
                    }
                    if let Some(parent) = o
                        .linked_to
                        .as_ref()
                        .and_then(|p| known.get(p).map(|k| (p, k)))
                    {
                        if parent.1.parent.is_some() {
                            return Err(fail(format!(
                                "organization {:?} is linked to {:?}, which is itself linked (links do not chain)",
                                o.name, parent.0
                            )));
                        }
                        if parent.1.policy_set != o.policy_set {
                            return Err(fail(format!(
                                "organization {:?} is linked to {:?} of another policy set",
                                o.name, parent.0
                            )));
                        }
                    }
                }
                Record::Order(o) => {
                    if !org_known(&o.org, &seen_orgs) {
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
                    check_number("order id", o.id).map_err(&fail)?;
                    check_number("order version", o.version)
                        .map_err(|m| fail(format!("order {}: {m}", o.id)))?;
                    check_order_record(o).map_err(|m| fail(format!("order {}: {m}", o.id)))?;
                    if let (Some(level), Some(set)) = (
                        o.level,
                        known.get(&o.org).and_then(|k| policies.get(&k.policy_set)),
                    ) && !set.orders.levels.contains_key(&level)
                    {
                        return Err(fail(format!(
                            "order {}: event assurance level {level} is not a level of policy set {} (levels: {})",
                            o.id,
                            set.name,
                            set.orders
                                .levels
                                .keys()
                                .map(|l| l.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                    for e in &o.events {
                        check_event(e).map_err(|m| fail(format!("order {}: {m}", o.id)))?;
                    }
                }
                Record::Ticket(t) => {
                    check_number("ticket id", t.id).map_err(&fail)?;
                    check_number("ticket version", t.version)
                        .map_err(|m| fail(format!("ticket {}: {m}", t.id)))?;
                    if let Some(a) = &t.assignee {
                        domain::validate_user_name(a)
                            .map_err(|e| fail(format!("ticket {}: assignee: {e}", t.id)))?;
                    }
                    if survey.twice.contains(&t.id) && !twice_met.insert(t.id) {
                        return Err(fail(format!("ticket {} appears twice", t.id)));
                    }
                    if !org_known(&t.org, &seen_orgs) {
                        return Err(fail(format!(
                            "ticket {} names organization {:?}, which is neither in the database nor on an earlier line",
                            t.id, t.org
                        )));
                    }
                    let org = &known[&t.org];
                    let set = rules::policy_set(&policies, &org.policy_set)
                        .map_err(|e| fail(e.to_string()))?;
                    let tz = domain::parse_tz(&org.tz).map_err(|e| fail(e.to_string()))?;
                    // The kind rule guards creation: check it against the plan that served
                    // the organization when the ticket was opened, as its history tells.
                    let served = plan_for_tickets_at(&known, &t.org, t.created_at);
                    let plan =
                        set.effective_plan(&served, t.created_at.with_timezone(&tz).date_naive());
                    rules::validate_kind_severity(set, &t.org, plan, t.kind, &t.severity)
                        .and_then(|_| domain::validate_summary(&t.summary))
                        .and_then(|_| domain::validate_body("description", &t.description, true))
                        .map_err(|e| fail(format!("ticket {}: {e}", t.id)))?;
                    check_ticket_record(t).map_err(|m| fail(format!("ticket {}: {m}", t.id)))?;
                    check_tags(&t.tags).map_err(|m| fail(format!("ticket {}: {m}", t.id)))?;
                    if let Some(into) = t.merged_into {
                        let known = survey.ticket_ids.binary_search(&into).is_ok()
                            || self.store.ticket(into, now).is_ok();
                        if into == t.id || !known {
                            return Err(fail(format!(
                                "ticket {} is merged into ticket {into}, which is neither in the database nor in the file (nor another ticket)",
                                t.id
                            )));
                        }
                    }
                    if survey.first_mail.is_some() {
                        conversations.insert(t.id, t.conversation.len());
                    }
                }
                Record::Mail(m) => {
                    let row = mail_row_of(m, Some((triage_so_far, &conversations, &order_ids)))
                        .map_err(&fail)?;
                    if row.table == crate::store::MailTable::Triage {
                        triage_so_far += 1;
                    }
                }
                Record::ReplyTemplate(t) => {
                    crate::reply_template::check_name(&t.name).map_err(&fail)?;
                    if t.body.trim().is_empty() {
                        return Err(fail(format!("reply template {:?} is empty", t.name)));
                    }
                    crate::reply_template::validate(&t.body)
                        .map_err(|e| fail(format!("reply template {:?}: {e}", t.name)))?;
                    if !template_names.insert(t.name.clone()) {
                        return Err(fail(format!(
                            "reply template {:?} appears twice in the file",
                            t.name
                        )));
                    }
                    if stored_templates.contains(&t.name) {
                        return Err(fail(format!(
                            "reply template {:?} already exists in the database",
                            t.name
                        )));
                    }
                }
                Record::Alert(a) => {
                    if !alert_is_exported(&a.kind) || a.key.is_empty() || a.ticket <= 0 {
                        return Err(fail(format!(
                            "alert {:?}: an alert-log row names a ticket (> 0) and the kind at_risk or breached",
                            a.key
                        )));
                    }
                }
            }
        }
        drop(lines);
        let existing: HashMap<String, i64> = known
            .iter()
            .filter_map(|(k, v)| v.existing_id.map(|id| (k.clone(), id)))
            .collect();
        let tickets_first = survey.tickets_first(input)?;
        let file = FileParts {
            survey: &survey,
            tickets_first: &tickets_first,
        };
        if survey.records > BATCHED_IMPORT_RECORDS {
            // Short batches, so others keep writing; the store removes what went in if the
            // import does not finish.
            let mut w =
                ImportWriter::new(file, input, &known, &policies, existing, now, audit, true)?;
            self.store.write_batched(true, &mut |tx| w.step(tx))?;
            return Ok(w.summary);
        }
        let mut summary = ImportSummary::default();
        self.store.write(&mut |tx| {
            let mut w = ImportWriter::new(
                file,
                &mut *input,
                &known,
                &policies,
                existing.clone(),
                now,
                audit,
                false,
            )?;
            while w.step(tx)? {}
            summary = w.summary;
            Ok(())
        })?;
        Ok(summary)
    }
}

/// What the first read of an import keeps: its organizations and service orders whole (a
/// desk has few), and of its tickets only what the checks of any line need (a merge may
/// point at a ticket on a later line) and the writing needs.
struct Survey {
    /// Records in the file.
    records: usize,
    orgs: Vec<(usize, OrgRecord)>,
    orders: Vec<(usize, Box<OrderRecord>)>,
    /// Every ticket id in the file, sorted.
    ticket_ids: Vec<i64>,
    /// Ticket ids that appear more than once (the check names the second line).
    twice: HashSet<i64>,
    /// The ticket with the highest id: where it is and the ticket it follows up.
    highest: Option<(i64, LineAt, Option<i64>)>,
    /// The first line of mail history, if the file has any.
    first_mail: Option<LineAt>,
    /// Shared reply templates and alert-log rows (few), written with the last batch.
    templates: Vec<(usize, TemplateRecord)>,
    alerts: Vec<(usize, AlertRecord)>,
}

impl Survey {
    /// Reads the whole file once: every line must be a record.
    fn read(input: &mut dyn ImportInput) -> Result<Survey> {
        let mut survey = Survey {
            records: 0,
            orgs: Vec::new(),
            orders: Vec::new(),
            ticket_ids: Vec::new(),
            twice: HashSet::new(),
            highest: None,
            first_mail: None,
            templates: Vec::new(),
            alerts: Vec::new(),
        };
        let mut lines = Lines::new(input)?;
        while let Some((at, text)) = lines.next_line()? {
            survey.records += 1;
            // Tickets, nearly all of a large file, are only glanced at here (their type,
            // id and follow-up); the next read parses and checks them whole.
            let glance: Option<Glance> = serde_json::from_str(text).ok();
            match glance {
                Some(Glance {
                    kind: GlanceKind::Ticket,
                    id: Some(id),
                    follows,
                }) => {
                    if survey.highest.is_none_or(|(highest, ..)| id > highest) {
                        survey.highest = Some((id, at, follows));
                    }
                    survey.ticket_ids.push(id);
                }
                Some(Glance {
                    kind: GlanceKind::Mail,
                    ..
                }) => {
                    survey.first_mail.get_or_insert(at);
                }
                _ => match parse_record(at.line, text)? {
                    Record::Org(o) => survey.orgs.push((at.line, o)),
                    Record::Order(o) => survey.orders.push((at.line, o)),
                    Record::ReplyTemplate(t) => survey.templates.push((at.line, t)),
                    Record::Alert(a) => survey.alerts.push((at.line, a)),
                    // A ticket without a usable id: the full parse above said why.
                    Record::Ticket(_) | Record::Mail(_) => {}
                },
            }
        }
        survey.ticket_ids.sort_unstable();
        survey.twice = survey
            .ticket_ids
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        Ok(survey)
    }

    /// The tickets written first, in order: the one with the highest id, after the tickets
    /// it follows up (a link must point at a ticket that is in). One more read of the file
    /// per ticket it follows up, which is rare.
    fn tickets_first(&self, input: &mut dyn ImportInput) -> Result<Vec<LineAt>> {
        let Some((_, at, mut follows)) = self.highest else {
            return Ok(Vec::new());
        };
        let mut chain = vec![at];
        let mut lines = Lines::new(input)?;
        while let Some(wanted) = follows.filter(|f| self.ticket_ids.binary_search(f).is_ok()) {
            if chain.len() >= 64 {
                break;
            }
            lines.seek(LineAt { offset: 0, line: 1 })?;
            let needle = format!("{wanted}");
            let mut found = None;
            while let Some((at, text)) = lines.next_line()? {
                if !text.contains(&needle) {
                    continue;
                }
                if let Record::Ticket(t) = parse_record(at.line, text)?
                    && t.id == wanted
                {
                    found = Some((at, t.follows));
                    break;
                }
            }
            match found {
                Some((at, next)) if !chain.contains(&at) => {
                    chain.push(at);
                    follows = next;
                }
                _ => break,
            }
        }
        chain.reverse();
        Ok(chain)
    }
}

/// What [`Survey::read`] reads of a line before deciding to parse it whole.
#[derive(Deserialize)]
struct Glance {
    #[serde(rename = "type")]
    kind: GlanceKind,
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    follows: Option<i64>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum GlanceKind {
    Ticket,
    Mail,
    #[serde(other)]
    Other,
}

/// The parts of the file the writer takes from the survey.
#[derive(Clone, Copy)]
struct FileParts<'a> {
    survey: &'a Survey,
    tickets_first: &'a [LineAt],
}

/// The next record and its line number; `None` at the end.
fn read_record(lines: &mut Lines) -> Result<Option<(usize, Record)>> {
    match lines.next_line()? {
        Some((at, text)) => Ok(Some((at.line, parse_record(at.line, text)?))),
        None => Ok(None),
    }
}

/// Imports with more records than this are written in short batches (see
/// [`crate::store::Store::write_batched`]), smaller ones in one transaction.
const BATCHED_IMPORT_RECORDS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Orgs,
    Orders,
    Tickets,
    Mail,
    Done,
}

/// The write half of an import, one batch per [`ImportWriter::step`]: organizations (with
/// the links among the new ones), then service orders (their event assurances serve the
/// tickets), then tickets, each evaluated as it goes in; the last step links existing
/// organizations (rows that existed before may only change in the last batch) and audits the
/// import. The highest ticket and order ids go in first, so ids that others' new tickets and
/// orders get meanwhile never collide with the rest of the file.
/// How many imported tickets are evaluated together (one read of their SLA inputs and one
/// write of their columns).
const EVALUATE_TOGETHER: usize = 200;

struct ImportWriter<'a> {
    file: FileParts<'a>,
    lines: Lines<'a>,
    known: &'a HashMap<String, KnownOrg>,
    policies: &'a crate::policy::PolicyRegistry,
    now: DateTime<Utc>,
    audit: Option<(&'a crate::domain::Actor, &'a str)>,
    bulk: bool,
    org_ids: HashMap<String, i64>,
    phase: Phase,
    /// The next service order (an index into the survey's orders) when writing orders; how
    /// many of the tickets written first are in when writing tickets.
    cursor: usize,
    /// The service order with the highest id, until it is written (first).
    first_order: Option<usize>,
    highest_order: Option<usize>,
    /// Existing organizations this import links to a parent (linked in the last step), with
    /// the tickets imported into them (evaluated again then).
    relink: HashMap<i64, Vec<i64>>,
    /// Tickets written in this batch whose SLA columns are still to be evaluated (together,
    /// at the batch's end: one read of their inputs and one write, not a round trip each).
    unevaluated: Vec<i64>,
    summary: ImportSummary,
    /// When the file carries mail history: each imported ticket's new entry ids in
    /// conversation order, and the new ids of the file's triage records in order.
    mail: Option<MailIds>,
}

#[derive(Default)]
struct MailIds {
    entries: HashMap<i64, Vec<i64>>,
    triage: Vec<i64>,
}

/// A record for the writer: a service order of the survey, or a line read again.
enum Next {
    Order(usize),
    Ticket(usize, Box<TicketRecord>),
    Mail(usize, Box<MailHistoryRecord>),
}

const START: LineAt = LineAt { offset: 0, line: 1 };

impl<'a> ImportWriter<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        file: FileParts<'a>,
        input: &'a mut dyn ImportInput,
        known: &'a HashMap<String, KnownOrg>,
        policies: &'a crate::policy::PolicyRegistry,
        org_ids: HashMap<String, i64>,
        now: DateTime<Utc>,
        audit: Option<(&'a crate::domain::Actor, &'a str)>,
        bulk: bool,
    ) -> Result<ImportWriter<'a>> {
        let first_order = file
            .survey
            .orders
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, o))| o.id)
            .map(|(i, _)| i);
        Ok(ImportWriter {
            file,
            lines: Lines::new(input)?,
            known,
            policies,
            now,
            audit,
            bulk,
            org_ids,
            phase: Phase::Orgs,
            cursor: 0,
            first_order,
            highest_order: first_order,
            relink: HashMap::new(),
            unevaluated: Vec::new(),
            summary: ImportSummary::default(),
            mail: file.survey.first_mail.map(|_| MailIds::default()),
        })
    }

    /// The next record to write, moving through the phases: service orders (the one with
    /// the highest id first), tickets (the ones [`Survey::tickets_first`] names first, then
    /// the rest in file order), mail history in file order.
    fn next_record(&mut self) -> Result<Option<Next>> {
        let changed = |line: usize| StoreError::Import {
            line,
            message: "the file changed while it was imported".into(),
        };
        loop {
            match self.phase {
                Phase::Orgs | Phase::Done => return Ok(None),
                Phase::Orders => {
                    if let Some(i) = self.first_order.take() {
                        return Ok(Some(Next::Order(i)));
                    }
                    while self.cursor < self.file.survey.orders.len() {
                        let i = self.cursor;
                        self.cursor += 1;
                        if Some(i) != self.highest_order {
                            return Ok(Some(Next::Order(i)));
                        }
                    }
                    self.phase = Phase::Tickets;
                    self.cursor = 0;
                    self.lines.seek(START)?;
                }
                Phase::Tickets => {
                    if let Some(&at) = self.file.tickets_first.get(self.cursor) {
                        self.cursor += 1;
                        self.lines.seek(at)?;
                        let rec = read_record(&mut self.lines)?;
                        self.lines.seek(START)?;
                        return match rec {
                            Some((line, Record::Ticket(t))) => Ok(Some(Next::Ticket(line, t))),
                            _ => Err(changed(at.line)),
                        };
                    }
                    match read_record(&mut self.lines)? {
                        Some((line, Record::Ticket(t))) => {
                            if !self.file.tickets_first.iter().any(|a| a.line == line) {
                                return Ok(Some(Next::Ticket(line, t)));
                            }
                        }
                        Some(_) => {}
                        None => match self.file.survey.first_mail {
                            Some(at) => {
                                self.phase = Phase::Mail;
                                self.lines.seek(at)?;
                            }
                            None => self.phase = Phase::Done,
                        },
                    }
                }
                Phase::Mail => match read_record(&mut self.lines)? {
                    Some((line, Record::Mail(m))) => return Ok(Some(Next::Mail(line, m))),
                    Some(_) => {}
                    None => self.phase = Phase::Done,
                },
            }
        }
    }

    /// One batch; `false` once everything is in (this call did the last step).
    fn step(&mut self, tx: &mut dyn StoreTx) -> Result<bool> {
        if self.phase == Phase::Orgs {
            self.write_orgs(tx)?;
            self.phase = Phase::Orders;
            self.cursor = 0;
        }
        if self.bulk {
            tx.bulk_mode(true)?;
        }
        while let Some(next) = self.next_record()? {
            match next {
                Next::Ticket(line, t) => self.write_ticket(tx, line, &t)?,
                Next::Order(i) => {
                    let (line, o) = &self.file.survey.orders[i];
                    self.write_order(tx, *line, o)?
                }
                Next::Mail(line, m) => self.write_mail(tx, line, &m)?,
            }
            // Mail history goes in with the last batch: the undo of an unfinished load
            // finds rows by what refers to its tickets, orders and organizations, and a
            // quarantined message refers to nothing.
            if tx.batch_full() && self.phase != Phase::Mail {
                if self.bulk {
                    tx.bulk_mode(false)?;
                }
                self.evaluate_written(tx)?;
                return Ok(true);
            }
        }
        if self.bulk {
            tx.bulk_mode(false)?;
        }
        self.evaluate_written(tx)?;
        self.finish(tx)?;
        Ok(false)
    }

    /// New organizations with their history, then the links among the new ones.
    fn write_orgs(&mut self, tx: &mut dyn StoreTx) -> Result<()> {
        for (_, o) in &self.file.survey.orgs {
            if self.org_ids.contains_key(&o.name) {
                continue;
            }
            let id = tx.insert_org_row(&OrgRow {
                name: &o.name,
                policy_set: &o.policy_set,
                plan: &o.plan,
                tz: &o.tz,
                created_at: o.created_at,
                plan_since: o.plan_since.unwrap_or(o.created_at),
                parent_id: None,
            })?;
            self.org_ids.insert(o.name.clone(), id);
            for c in &o.contacts {
                tx.add_contact(id, &c.address, c.added_at)?;
            }
            for e in &o.events {
                tx.insert_event_row(&event_row(EventSubject::org(id), e))?;
                self.summary.events += 1;
            }
            self.summary.orgs += 1;
        }
        // Links after every organization is in: a parent may come after its linked account.
        for (line, o) in &self.file.survey.orgs {
            let Some(parent) = &o.linked_to else { continue };
            let Some(&parent_id) = self.org_ids.get(parent) else {
                return Err(StoreError::Import {
                    line: *line,
                    message: format!(
                        "organization {:?} is linked to {parent:?}, which is neither in the database nor in the file",
                        o.name
                    ),
                });
            };
            let org_id = self.org_ids[&o.name];
            if tx.org_by_id(org_id)?.parent.is_some() {
                continue;
            }
            if self.known[&o.name].existing_id.is_some() {
                self.relink.insert(org_id, Vec::new());
            } else {
                tx.update_org(org_id, &OrgPatch::Parent(Some(parent_id)))?;
                refresh_org_tickets(tx, self.policies, org_id, self.now)?;
            }
        }
        Ok(())
    }

    fn write_ticket(&mut self, tx: &mut dyn StoreTx, line: usize, t: &TicketRecord) -> Result<()> {
        let fail = |message: String| StoreError::Import { line, message };
        if tx.ticket_exists(t.id)? {
            return Err(fail(format!(
                "ticket {} already exists in the database",
                t.id
            )));
        }
        let org_id = self.org_ids[&t.org];
        let set = rules::policy_set(self.policies, &self.known[&t.org].policy_set)?;
        tx.insert_ticket_row(&TicketRow {
            id: Some(t.id),
            org_id,
            kind: t.kind,
            severity: &t.severity,
            severity_rank: set.severity_rank(&t.severity).unwrap_or(0) as i64,
            status: t.status,
            summary: &t.summary,
            description: &t.description,
            component: t.component.as_deref(),
            environment: t.environment,
            affected_version: t.affected_version.as_deref(),
            assignee: t.assignee.as_deref(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            first_response_at: t.first_response_at,
            resolved_at: t.resolved_at,
            // Decided below, once links and orders are in.
            priority: 100,
            version: t.version,
            requester_name: t.requester_name.as_deref(),
            requester_address: t.requester_address.as_deref(),
            channel: t.channel,
            follows: t.follows,
        })?;
        if let Some(into) = t.merged_into {
            tx.update_ticket(t.id, &TicketPatch::MergedInto(into))?;
        }
        for tag in &t.tags {
            tx.add_tag(t.id, tag)?;
        }
        let mut entry_ids = Vec::new();
        for e in &t.conversation {
            let id = tx.insert_entry(&EntryInsert {
                ticket_id: t.id,
                kind: e.kind,
                role: e.role,
                author: &e.author,
                body: &e.body,
                at: e.created_at,
            })?;
            if let Some(from) = e.merged_from {
                tx.set_entry_merged_from(id, from)?;
            }
            if self.mail.is_some() {
                entry_ids.push(id);
            }
            self.summary.entries += 1;
        }
        if let Some(mail) = &mut self.mail {
            mail.entries.insert(t.id, entry_ids);
        }
        for p in &t.pauses {
            tx.insert_pause(t.id, p.start, p.end)?;
        }
        for p in &t.resolved_spans {
            tx.add_resolved_span(t.id, p.start, p.end.unwrap_or(p.start))?;
        }
        for b in &t.breaches {
            let metric =
                crate::policy::Metric::parse(&b.metric).ok_or_else(|| StoreError::Import {
                    line,
                    message: format!("unknown SLA metric {:?}", b.metric),
                })?;
            tx.record_breach(t.id, metric, b.at)?;
        }
        let subject = EventSubject {
            ticket_id: Some(t.id),
            org_id: Some(org_id),
            order_id: None,
        };
        for e in &t.events {
            tx.insert_event_row(&event_row(subject, e))?;
            self.summary.events += 1;
        }
        self.summary.tickets += 1;
        self.unevaluated.push(t.id);
        if self.unevaluated.len() >= EVALUATE_TOGETHER {
            // Inside the batch's time budget, so a batch does not run past it by a whole
            // batch's evaluations (others wait for it).
            self.evaluate_written(tx)?;
        }
        if let Some(tickets) = self.relink.get_mut(&org_id) {
            tickets.push(t.id);
        }
        Ok(())
    }

    /// A row of mail history, its references resolved to the rows this import wrote.
    fn write_mail(
        &mut self,
        tx: &mut dyn StoreTx,
        line: usize,
        m: &MailHistoryRecord,
    ) -> Result<()> {
        use crate::store::{MailCell, MailKind, MailTable};
        let fail = |message: String| StoreError::Import { line, message };
        let Some(ids) = &self.mail else {
            return Ok(());
        };
        // Checked with the whole file before anything was written.
        let mut row = mail_row_of(m, None).map_err(&fail)?;
        for ((_, kind), cell) in row.table.columns().iter().zip(row.cells.iter_mut()) {
            match (kind, &*cell) {
                (MailKind::Entry, MailCell::EntryAt { ticket_id, index }) => {
                    let id = ids
                        .entries
                        .get(ticket_id)
                        .and_then(|e| e.get(*index as usize))
                        .ok_or_else(|| fail(format!("ticket {ticket_id} has no entry {index}")))?;
                    *cell = MailCell::Int(*id);
                }
                (MailKind::Triage, MailCell::Int(n)) => {
                    let id = ids
                        .triage
                        .get((*n - 1) as usize)
                        .ok_or_else(|| fail(format!("no triage record {n} before this line")))?;
                    *cell = MailCell::Int(*id);
                }
                _ => {}
            }
        }
        let id = tx.insert_mail_row(&row)?;
        if row.table == MailTable::Triage
            && let Some(ids) = &mut self.mail
        {
            ids.triage.push(id);
        }
        Ok(())
    }

    fn write_order(&mut self, tx: &mut dyn StoreTx, line: usize, o: &OrderRecord) -> Result<()> {
        let fail = |message: String| StoreError::Import { line, message };
        if tx.order_exists(o.id)? {
            return Err(fail(format!(
                "order {} already exists in the database",
                o.id
            )));
        }
        let org_id = self.org_ids[&o.org];
        let rating = o.rating.as_ref().map(|r| OrderRating {
            speed: r.speed,
            quality: r.quality,
            feedback: r.feedback.clone(),
            rated_at: r.rated_at,
        });
        tx.insert_order_row(&OrderRow {
            id: o.id,
            org_id,
            kind: o.kind,
            status: o.status,
            level: o.level,
            scenario: o.scenario,
            month: o.month.as_deref().and_then(|m| m.parse::<YearMonth>().ok()),
            start: o.start,
            end: o.end,
            note: &o.note,
            requested_on: o.requested_on,
            due: o.due,
            created_at: o.created_at,
            created_by: &o.created_by,
            completed_at: o.completed_at,
            rejected_at: o.rejected_at,
            reject_reason: o.reject_reason.as_deref(),
            rating: rating.as_ref(),
            version: o.version,
        })?;
        for a in &o.attachments {
            let data = BASE64.decode(&a.data).unwrap_or_default();
            tx.insert_order_attachment(
                o.id,
                &a.name,
                &data,
                o.completed_at.unwrap_or(o.created_at),
            )?;
        }
        let subject = EventSubject {
            ticket_id: None,
            org_id: Some(org_id),
            order_id: Some(o.id),
        };
        for e in &o.events {
            tx.insert_event_row(&event_row(subject, e))?;
            self.summary.events += 1;
        }
        self.summary.orders += 1;
        Ok(())
    }

    /// The one SLA evaluation and the queue priority of the tickets this batch wrote, now
    /// that their organizations' links and event assurances are in (orders go first).
    fn evaluate_written(&mut self, tx: &mut dyn StoreTx) -> Result<()> {
        if self.unevaluated.is_empty() {
            return Ok(());
        }
        let ids = std::mem::take(&mut self.unevaluated);
        let inputs = tx.sla_inputs_many(&ids)?;
        let rows: Vec<(i64, columns::SlaColumns, i64)> = ids
            .iter()
            .zip(&inputs)
            .map(|(&id, inputs)| {
                (
                    id,
                    columns::ticket_columns(self.policies, inputs, self.now),
                    columns::plan_priority(self.policies, inputs),
                )
            })
            .collect();
        tx.store_refreshed(&rows)
    }

    /// Links of existing organizations (and their tickets evaluated again), the import's
    /// own audit row.
    fn finish(&mut self, tx: &mut dyn StoreTx) -> Result<()> {
        for (_, o) in &self.file.survey.orgs {
            let Some(parent) = &o.linked_to else { continue };
            let org_id = self.org_ids[&o.name];
            let Some(tickets) = self.relink.remove(&org_id) else {
                continue;
            };
            tx.update_org(org_id, &OrgPatch::Parent(Some(self.org_ids[parent])))?;
            refresh_org_tickets(tx, self.policies, org_id, self.now)?;
            for id in tickets {
                let inputs = refresh(tx, self.policies, id, self.now)?;
                tx.update_ticket(
                    id,
                    &TicketPatch::Priority(columns::plan_priority(self.policies, &inputs)),
                )?;
            }
        }
        for (line, t) in &self.file.survey.templates {
            if tx.reply_template_exists(&t.name)? {
                return Err(StoreError::Import {
                    line: *line,
                    message: format!("reply template {:?} already exists in the database", t.name),
                });
            }
            tx.put_reply_template(&t.name, &t.body, &t.updated_by, t.updated_at)?;
        }
        for (line, a) in &self.file.survey.alerts {
            if !tx.ticket_exists(a.ticket)? {
                return Err(StoreError::Import {
                    line: *line,
                    message: format!(
                        "alert {:?} names ticket {}, which is neither in the file nor in the database",
                        a.key, a.ticket
                    ),
                });
            }
            // Already in the log (an import into a desk that had it): nothing to add.
            tx.claim_alert(&crate::store::AlertClaim {
                key: &a.key,
                kind: &a.kind,
                ticket_id: a.ticket,
                happened_at: a.happened_at,
                fired_at: a.fired_at,
                fired_by: &a.fired_by,
                outcome: &a.outcome,
            })?;
        }
        if let Some((actor, source)) = self.audit {
            let summary = self.summary;
            tx.record_event(
                EventSubject::default(),
                actor,
                self.now,
                (
                    "import",
                    None,
                    Some(&format!(
                        "{source}: {} organizations, {} tickets, {} conversation entries, {} events, {} service orders",
                        summary.orgs, summary.tickets, summary.entries, summary.events, summary.orders
                    )),
                ),
            )?;
        }
        Ok(())
    }
}

/// A ticket's tags as a file gives them: each stored as written (normalized), once.
fn check_tags(tags: &[String]) -> std::result::Result<(), String> {
    let mut seen = HashSet::new();
    for t in tags {
        let normal = domain::normalize_tag(t).map_err(|e| e.to_string())?;
        if normal != *t {
            return Err(format!("tag {t:?} is not stored as written ({normal:?})"));
        }
        if !seen.insert(t) {
            return Err(format!("tag {t:?} appears twice"));
        }
    }
    Ok(())
}

/// One audit row of an organization itself: (at, field, old, new).
type Change = (DateTime<Utc>, String, Option<String>, Option<String>);

/// What import knows about an organization: from the database or from the file.
struct KnownOrg {
    existing_id: Option<i64>,
    policy_set: String,
    plan: String,
    tz: String,
    parent: Option<String>,
    history: Vec<Change>,
}

impl KnownOrg {
    /// The value of `field` at instant `t`: today's, unless a later change says what it was.
    fn at(&self, field: &str, now_value: Option<String>, t: DateTime<Utc>) -> Option<String> {
        let mut later: Vec<_> = self
            .history
            .iter()
            .filter(|(at, f, _, _)| f == field && *at > t)
            .collect();
        later.sort_by_key(|(at, ..)| *at);
        match later.first() {
            Some((_, _, old, _)) => old.clone(),
            None => now_value,
        }
    }
}

/// The plan whose targets served an organization's tickets at `t`: its own plan then, or its
/// parent's when it was linked then.
fn plan_for_tickets_at(known: &HashMap<String, KnownOrg>, name: &str, t: DateTime<Utc>) -> String {
    let org = &known[name];
    let own = org
        .at("plan", Some(org.plan.clone()), t)
        .unwrap_or_else(|| org.plan.clone());
    match org
        .at("linked_to", org.parent.clone(), t)
        .and_then(|p| known.get(&p))
    {
        Some(parent) => parent
            .at("plan", Some(parent.plan.clone()), t)
            .unwrap_or_else(|| parent.plan.clone()),
        None => own,
    }
}

fn event_record(e: AuditEvent) -> EventRecord {
    EventRecord {
        actor: e.actor,
        actor_source: e.actor_source,
        at: e.at,
        field: e.field,
        old: e.old,
        new: e.new,
    }
}

fn event_row(subject: EventSubject, e: &EventRecord) -> EventRow<'_> {
    EventRow {
        subject,
        actor: &e.actor,
        actor_source: &e.actor_source,
        imported: true,
        at: e.at,
        field: &e.field,
        old: e.old.as_deref(),
        new: e.new.as_deref(),
    }
}

/// Ids and versions: positive and far from overflowing.
fn check_number(what: &str, n: i64) -> std::result::Result<(), String> {
    if !(1..=MAX_IMPORTED_NUMBER).contains(&n) {
        return Err(format!(
            "{what} {n} is out of range (1 to {MAX_IMPORTED_NUMBER})"
        ));
    }
    Ok(())
}

/// An audit row must name a source the program writes.
fn check_event(e: &EventRecord) -> std::result::Result<(), String> {
    if !["os", "as", "system"].contains(&e.actor_source.as_str()) {
        return Err(format!(
            "unknown actor_source {:?} (allowed: os, as, system)",
            e.actor_source
        ));
    }
    Ok(())
}

/// The facts a ticket record must be consistent about.
fn check_ticket_record(t: &TicketRecord) -> std::result::Result<(), String> {
    for e in &t.conversation {
        domain::validate_body("conversation entry", &e.body, false).map_err(|e| e.to_string())?;
    }
    for p in &t.pauses {
        if p.end.is_some_and(|end| end < p.start) {
            return Err("a pause ends before it starts".into());
        }
    }
    if t.pauses.iter().filter(|p| p.end.is_none()).count()
        > usize::from(t.status == Status::Pending)
    {
        return Err(format!("open pauses do not match status {}", t.status));
    }
    for e in &t.events {
        check_event(e)?;
    }
    Ok(())
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
        crate::store::validate_attachment_name(&a.name).map_err(|e| e.to_string())?;
        if !names.insert(&a.name) {
            return Err(format!("attachment {:?} appears twice", a.name));
        }
        BASE64
            .decode(&a.data)
            .map_err(|e| format!("attachment {:?} is not base64: {e}", a.name))?;
    }
    Ok(())
}

/// One record per line. Besides the control characters JSON always escapes, C1 controls
/// and bidirectional overrides are written as `\uXXXX` too, so an export printed on a
/// terminal stays inert (they can only occur inside strings, where the escape is the same
/// character to any JSON reader).
fn write_line(out: &mut dyn Write, rec: &Record) -> std::io::Result<()> {
    let json = serde_json::to_string(rec)?;
    if json.chars().any(needs_escape) {
        let mut escaped = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            if needs_escape(c) {
                escaped.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                escaped.push(c);
            }
        }
        out.write_all(escaped.as_bytes())?;
    } else {
        out.write_all(json.as_bytes())?;
    }
    out.write_all(b"\n")
}

fn needs_escape(c: char) -> bool {
    matches!(c as u32, 0x7f..=0x9f | 0x2028 | 0x2029) || crate::text::is_bidi_control(c)
}

/// One non-blank line as a record.
fn parse_record(line: usize, text: &str) -> Result<Record> {
    serde_json::from_str(text).map_err(|e| StoreError::Import {
        line,
        message: format!("not a valid record: {e}"),
    })
}
