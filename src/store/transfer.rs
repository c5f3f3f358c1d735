//! Export and import as JSON Lines: one organization or one ticket (with its conversation,
//! pauses and audit events) per line. Import is all or nothing: every line is parsed and
//! checked first, then everything is written in one transaction.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::tickets::{InsertTicket, event_from_row, insert_entry, insert_ticket};
use super::{Context, Result, Store, StoreError, sla_columns, to_ts};
use crate::domain::{self, AuthorRole, EntryKind, Environment, Status, TicketKind};

/// Longest line accepted by import (a ticket with a large description and conversation).
const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum Record {
    Org(OrgRecord),
    Ticket(Box<TicketRecord>),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgRecord {
    name: String,
    policy_set: String,
    plan: String,
    tz: String,
    created_at: DateTime<Utc>,
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
}

impl Store {
    /// Streams every organization, then every ticket, one JSON object per line.
    pub fn export(&self, out: &mut dyn Write) -> Result<(usize, usize)> {
        let io_err = |e: std::io::Error| StoreError::Other(format!("writing export: {e}"));
        let orgs = self.list_orgs()?;
        for org in &orgs {
            let events = self.events_where("org_id = ?1 AND ticket_id IS NULL", org.id)?;
            let rec = Record::Org(OrgRecord {
                name: org.name.clone(),
                policy_set: org.policy_set.clone(),
                plan: org.plan.clone(),
                tz: org.tz.clone(),
                created_at: org.created_at,
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
        for (line, rec) in &records {
            let fail = |message: String| StoreError::Import {
                line: *line,
                message,
            };
            match rec {
                Record::Org(o) => {
                    domain::validate_org(&self.policies, &o.name, &o.policy_set, &o.plan, &o.tz)
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
                    let set = domain::policy_set(&self.policies, &set_name)
                        .map_err(|e| fail(e.to_string()))?;
                    let tz = domain::parse_tz(&tz).map_err(|e| fail(e.to_string()))?;
                    let plan =
                        set.effective_plan(&plan, t.created_at.with_timezone(&tz).date_naive());
                    domain::validate_kind_severity(set, &t.org, plan, t.kind, &t.severity)
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
                            "INSERT INTO orgs (name, policy_set, plan, tz, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![o.name, o.policy_set, o.plan, o.tz, to_ts(o.created_at)],
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
                        let set = domain::policy_set(&policies, &set_name)?;
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
    tx.prepare_cached(
        "INSERT INTO events (ticket_id, org_id, actor, actor_source, at, field, old, new)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            ticket_id,
            org_id,
            e.actor,
            e.actor_source,
            to_ts(e.at),
            e.field,
            e.old,
            e.new
        ])
    })
    .ctx("importing audit event")?;
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
