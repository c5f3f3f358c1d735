use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};

use super::sla_columns;
use super::{Context, Result, Store, StoreError, from_ts, fts, opt_from_ts, to_ts};
use crate::domain::{
    self, Actor, AuditEvent, AuthorRole, ConversationEntry, EntryKind, Environment, Status, Ticket,
    TicketKind,
};
use crate::policy::rules;
use crate::sla::Pause;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTicket {
    pub org: String,
    pub kind: Option<TicketKind>,
    pub severity: String,
    pub summary: String,
    pub description: String,
    pub component: Option<String>,
    pub environment: Option<Environment>,
    pub affected_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketChange {
    Status(Status),
    Severity(String),
    Assign(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TicketSort {
    /// Most urgent first: running clocks by due instant, then paused, then the rest.
    #[default]
    Due,
    /// Newest first.
    Created,
    /// Most severe first, then most urgent.
    Severity,
}

impl TicketSort {
    pub const ALL: [TicketSort; 3] = [TicketSort::Due, TicketSort::Created, TicketSort::Severity];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketSort::Due => "due",
            TicketSort::Created => "created",
            TicketSort::Severity => "severity",
        }
    }

    /// Sort columns and whether the order is descending.
    fn columns(self) -> (&'static [&'static str], bool) {
        match self {
            TicketSort::Due => (&["t.urgency", "t.priority", "t.id"], false),
            TicketSort::Created => (&["t.created_at", "t.id"], true),
            TicketSort::Severity => (
                &["t.severity_rank", "t.urgency", "t.priority", "t.id"],
                false,
            ),
        }
    }
}

impl std::str::FromStr for TicketSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        TicketSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown sort {s:?} (allowed: due, created, severity)"))
    }
}

/// A position in a sorted listing, for keyset pagination (never OFFSET).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey(pub Vec<i64>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Empty means the active statuses (new, open, pending, on-hold).
    pub statuses: Vec<Status>,
    pub all_statuses: bool,
    pub org_id: Option<i64>,
    pub assignee: Option<String>,
    pub unassigned: bool,
    pub breached: bool,
    pub severity: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub keys: Vec<SortKey>,
}

#[derive(Debug, Clone, Default)]
pub struct TicketDetail {
    pub ticket: Option<Ticket>,
    pub conversation: Vec<ConversationEntry>,
    pub events: Vec<AuditEvent>,
    pub pauses: Vec<Pause>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrgencyCounts {
    pub active: i64,
    pub at_risk: i64,
    pub breached: i64,
}

const TICKET_SELECT: &str =
    "SELECT t.id, t.org_id, o.name, t.kind, t.severity, t.status, t.summary,
        t.description, t.component, t.environment, t.affected_version, t.assignee, t.created_at,
        t.updated_at, t.first_response_at, t.resolved_at, t.first_response_due, t.next_due,
        t.paused_left, t.breach_at, t.version, t.urgency, t.priority, t.severity_rank, t.risk_at
    FROM tickets t JOIN orgs o ON o.id = t.org_id";

/// Reads a ticket row; `now` decides whether a stored breach instant has passed.
fn ticket_from_row(r: &Row, now: i64) -> rusqlite::Result<Ticket> {
    let kind: String = r.get(3)?;
    let status: String = r.get(5)?;
    let environment: Option<String> = r.get(9)?;
    let breach_at: Option<i64> = r.get(19)?;
    Ok(Ticket {
        id: r.get(0)?,
        org_id: r.get(1)?,
        org: r.get(2)?,
        kind: kind.parse().unwrap_or(TicketKind::Technical),
        severity: r.get(4)?,
        status: status.parse().unwrap_or(Status::Open),
        summary: r.get(6)?,
        description: r.get(7)?,
        component: r.get(8)?,
        environment: environment.and_then(|e| e.parse().ok()),
        affected_version: r.get(10)?,
        assignee: r.get(11)?,
        created_at: from_ts(r.get(12)?),
        updated_at: from_ts(r.get(13)?),
        first_response_at: opt_from_ts(r.get(14)?),
        resolved_at: opt_from_ts(r.get(15)?),
        first_response_due: opt_from_ts(r.get(16)?),
        next_due: opt_from_ts(r.get(17)?),
        risk_at: opt_from_ts(r.get(24)?),
        paused_seconds_left: r.get(18)?,
        breached: breach_at.is_some_and(|b| b <= now),
        version: r.get(20)?,
    })
}

fn sort_key_from_row(r: &Row, sort: TicketSort) -> rusqlite::Result<SortKey> {
    // Columns 21.. are urgency, priority, severity_rank; id is 0, created_at 12.
    let id: i64 = r.get(0)?;
    Ok(SortKey(match sort {
        TicketSort::Due => vec![r.get(21)?, r.get(22)?, id],
        TicketSort::Created => vec![r.get(12)?, id],
        TicketSort::Severity => vec![r.get(23)?, r.get(21)?, r.get(22)?, id],
    }))
}

/// WHERE clauses and their parameters for a filter.
fn filter_sql(filter: &TicketFilter, now: i64) -> (Vec<String>, Vec<Box<dyn ToSql>>) {
    let mut clauses = Vec::new();
    let mut params: Vec<Box<dyn ToSql>> = Vec::new();
    if !filter.all_statuses {
        let statuses: Vec<Status> = if filter.statuses.is_empty() {
            Status::ACTIVE.to_vec()
        } else {
            filter.statuses.clone()
        };
        // Literals, not parameters: the planner can only use the partial indexes on the active
        // queue (migration 3) when it sees the same list. Status names are fixed identifiers.
        let list = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        clauses.push(format!("t.status IN ({list})"));
    }
    if let Some(org) = filter.org_id {
        clauses.push("t.org_id = ?".into());
        params.push(Box::new(org));
    }
    if let Some(a) = &filter.assignee {
        clauses.push("t.assignee = ?".into());
        params.push(Box::new(a.clone()));
    }
    if filter.unassigned {
        clauses.push("t.assignee IS NULL".into());
    }
    if filter.breached {
        clauses.push("t.breach_at <= ?".into());
        params.push(Box::new(now));
    }
    if let Some(sev) = &filter.severity {
        clauses.push("t.severity = ?".into());
        params.push(Box::new(sev.clone()));
    }
    (clauses, params)
}

/// The partial index (migration 3) for a filter on the active queue, named outright: without
/// statistics SQLite prefers `tickets_by_status` and then reads and sorts every active row
/// (40–50 ms on 1M tickets) for a 40-row page. `sort` None is for counting.
fn active_index(filter: &TicketFilter, sort: Option<TicketSort>) -> Option<&'static str> {
    let active = !filter.all_statuses && filter.statuses.is_empty();
    if !active {
        return None;
    }
    let narrower = filter.org_id.is_some()
        || filter.assignee.is_some()
        || filter.unassigned
        || filter.severity.is_some();
    // Breached is about a quarter of the active queue: a page walks the sort's index and
    // skips the rest, but counting (or a narrower filter) reads just the breached ones.
    if filter.breached && (narrower || sort.is_none()) {
        return Some("tickets_active_by_breach");
    }
    match (narrower, sort) {
        (true, _) | (false, None) => None,
        (false, Some(TicketSort::Due)) => Some("tickets_active_by_urgency"),
        (false, Some(TicketSort::Created)) => Some("tickets_active_by_created"),
        (false, Some(TicketSort::Severity)) => Some("tickets_active_by_severity"),
    }
}

impl Store {
    pub fn create_ticket(
        &mut self,
        new: &NewTicket,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let org = self.org_by_name(&new.org)?;
        let set = rules::policy_set(&self.policies, &org.policy_set)?;
        let tz = domain::parse_tz(&org.tz)?;
        let kind = new.kind.unwrap_or(TicketKind::Technical);
        let plan = set.effective_plan(org.plan_for_tickets(), now.with_timezone(&tz).date_naive());
        rules::validate_kind_severity(set, &org.name, plan, kind, &new.severity)?;
        domain::validate_summary(&new.summary)?;
        domain::validate_body("description", &new.description, true)?;
        let severity_rank = set
            .severities
            .iter()
            .position(|s| *s == new.severity)
            .unwrap_or(0) as i64;
        let priority = i64::from(set.plan(plan).map(|p| p.priority).unwrap_or(100));
        let policies = self.policies.clone();
        let id = self.write(|tx| {
            let id = insert_ticket(
                tx,
                &InsertTicket {
                    id: None,
                    org_id: org.id,
                    kind,
                    severity: &new.severity,
                    severity_rank,
                    status: Status::New,
                    summary: new.summary.trim(),
                    description: &new.description,
                    component: new.component.as_deref(),
                    environment: new.environment,
                    affected_version: new.affected_version.as_deref(),
                    assignee: None,
                    created_at: to_ts(now),
                    updated_at: to_ts(now),
                    first_response_at: None,
                    resolved_at: None,
                    priority,
                    version: 1,
                },
            )?;
            Store::record_event(
                tx,
                (Some(id), Some(org.id)),
                actor,
                now,
                "created",
                None,
                Some(&format!("{} {} ticket", new.severity, kind)),
            )?;
            sla_columns::refresh(tx, &policies, id, now)?;
            Ok(id)
        })?;
        self.ticket(id, now)
    }

    pub fn ticket(&self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        self.conn
            .prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))
            .and_then(|mut s| {
                s.query_row([id], |r| ticket_from_row(r, to_ts(now)))
                    .optional()
            })
            .ctx("reading ticket")?
            .ok_or_else(|| StoreError::NotFound {
                what: "ticket",
                key: id.to_string(),
            })
    }

    pub fn ticket_detail(&self, id: i64, now: DateTime<Utc>) -> Result<TicketDetail> {
        let ticket = self.ticket(id, now)?;
        let conversation = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, kind, role, author, body, created_at FROM entries
                 WHERE ticket_id = ?1 ORDER BY created_at, id",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    let kind: String = r.get(2)?;
                    let role: String = r.get(3)?;
                    Ok(ConversationEntry {
                        id: r.get(0)?,
                        ticket_id: r.get(1)?,
                        kind: kind.parse().unwrap_or(EntryKind::Note),
                        role: role.parse().unwrap_or(AuthorRole::Engineer),
                        author: r.get(4)?,
                        body: r.get(5)?,
                        created_at: from_ts(r.get(6)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("reading conversation")?;
        let events = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new FROM events
                 WHERE ticket_id = ?1 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([id], event_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("reading audit events")?;
        let pauses = self
            .conn
            .prepare_cached(
                "SELECT started_at, ended_at FROM pauses WHERE ticket_id = ?1 ORDER BY started_at",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok(Pause {
                        start: from_ts(r.get(0)?),
                        end: opt_from_ts(r.get(1)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("reading pauses")?;
        Ok(TicketDetail {
            ticket: Some(ticket),
            conversation,
            events,
            pauses,
        })
    }

    /// One window of a sorted, filtered listing. `after` continues past a key (scrolling
    /// down), `before` comes back before one (scrolling up); neither starts at the top.
    pub fn list_tickets(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        after: Option<&SortKey>,
        before: Option<&SortKey>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<TicketPage> {
        let (mut clauses, mut params) = filter_sql(filter, to_ts(now));
        let (cols, desc) = sort.columns();
        let backwards = before.is_some() && after.is_none();
        let cursor = after.or(before);
        if let Some(key) = cursor {
            let n = cols.len().min(key.0.len());
            // Forward in ascending order means "greater"; descending or backwards flips it.
            let greater = desc == backwards;
            let op = if greater { ">" } else { "<" };
            let lhs = cols[..n].join(", ");
            let rhs = vec!["?"; n].join(", ");
            clauses.push(format!("({lhs}) {op} ({rhs})"));
            for v in &key.0[..n] {
                params.push(Box::new(*v));
            }
        }
        let ascending = desc == backwards;
        let order = cols
            .iter()
            .map(|c| format!("{c} {}", if ascending { "ASC" } else { "DESC" }))
            .collect::<Vec<_>>()
            .join(", ");
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let select = match active_index(filter, Some(sort)) {
            Some(index) => TICKET_SELECT.replacen(
                "FROM tickets t ",
                &format!("FROM tickets t INDEXED BY {index} "),
                1,
            ),
            None => TICKET_SELECT.to_string(),
        };
        let sql = format!("{select}{where_sql} ORDER BY {order} LIMIT {limit}");
        let now_ts = to_ts(now);
        let mut rows: Vec<(Ticket, SortKey)> = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(params.iter()), |r| {
                    Ok((ticket_from_row(r, now_ts)?, sort_key_from_row(r, sort)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("listing tickets")?;
        if backwards {
            rows.reverse();
        }
        let (tickets, keys) = rows.into_iter().unzip();
        Ok(TicketPage { tickets, keys })
    }

    /// The position of a ticket in a sorted listing, for windows that keep it in view.
    pub fn sort_key(&self, id: i64, sort: TicketSort) -> Result<Option<SortKey>> {
        self.conn
            .prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))
            .and_then(|mut s| s.query_row([id], |r| sort_key_from_row(r, sort)).optional())
            .ctx("locating ticket")
    }

    /// Unsent drafts the actor has for a ticket ("reply", "note").
    pub fn drafts_for(&self, actor: &str, ticket_id: i64) -> Result<Vec<String>> {
        self.conn
            .prepare_cached(
                "SELECT kind FROM drafts WHERE actor = ?1 AND ticket_id = ?2 ORDER BY kind DESC",
            )
            .and_then(|mut s| {
                s.query_map(params![actor, ticket_id], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .ctx("reading drafts")
    }

    pub fn count_tickets(&self, filter: &TicketFilter, now: DateTime<Utc>) -> Result<i64> {
        let (clauses, params) = filter_sql(filter, to_ts(now));
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        self.conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM tickets t{}{where_sql}",
                active_index(filter, None)
                    .map(|i| format!(" INDEXED BY {i}"))
                    .unwrap_or_default()
            ))
            .and_then(|mut s| s.query_row(params_from_iter(params.iter()), |r| r.get(0)))
            .ctx("counting tickets")
    }

    /// Header counts over the active queue.
    pub fn urgency_counts(&self, now: DateTime<Utc>) -> Result<UrgencyCounts> {
        let now = to_ts(now);
        self.conn
            .prepare_cached(
                "SELECT
                   (SELECT count(*) FROM tickets WHERE status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets INDEXED BY tickets_active_by_risk
                        WHERE risk_at <= ?1 AND (breach_at IS NULL OR breach_at > ?1)
                        AND status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets INDEXED BY tickets_active_by_breach
                        WHERE breach_at <= ?1 AND status IN ('new','open','pending','on-hold'))",
            )
            .and_then(|mut s| {
                s.query_row([now], |r| {
                    Ok(UrgencyCounts {
                        active: r.get(0)?,
                        at_risk: r.get(1)?,
                        breached: r.get(2)?,
                    })
                })
            })
            .ctx("counting urgent tickets")
    }

    /// Full-text search, best match first, over summaries, descriptions, replies and notes.
    pub fn search(&self, query: &str, limit: usize, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        let expr = fts::match_expression(query)?;
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                // bm25() ordered by SQLite keeps only the best 1000 while scanning; FTS5's own
                // `ORDER BY rank` sorts every match first (150 ms for a word in 10% of 1M
                // tickets). Entry documents map to their tickets only for those 1000.
                "SELECT tid FROM (
                    SELECT CASE WHEN m.doc > 0 THEN m.doc
                                ELSE (SELECT ticket_id FROM entries WHERE id = -m.doc) END AS tid,
                           m.score AS score
                    FROM (SELECT rowid AS doc, bm25(search) AS score FROM search
                          WHERE search MATCH ?1 ORDER BY score LIMIT 1000) m)
                 GROUP BY tid ORDER BY min(score), tid LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![expr, limit as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("searching")?;
        ids.into_iter().map(|id| self.ticket(id, now)).collect()
    }

    pub fn add_entry(
        &mut self,
        ticket_id: i64,
        kind: EntryKind,
        role: AuthorRole,
        body: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ConversationEntry> {
        let what = match kind {
            EntryKind::Reply => "reply",
            EntryKind::Note => "note",
        };
        domain::validate_body(what, body, false)?;
        let policies = self.policies.clone();
        self.write(|tx| {
            let (status, first_response_at): (String, Option<i64>) = tx
                .query_row(
                    "SELECT status, first_response_at FROM tickets WHERE id = ?1",
                    [ticket_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .ctx("reading ticket")?
                .ok_or_else(|| StoreError::NotFound {
                    what: "ticket",
                    key: ticket_id.to_string(),
                })?;
            let entry_id = insert_entry(tx, ticket_id, kind, role, &actor.name, body, to_ts(now))?;
            let mut changed = false;
            if kind == EntryKind::Reply && role == AuthorRole::Engineer {
                if first_response_at.is_none() {
                    tx.execute(
                        "UPDATE tickets SET first_response_at = ?2 WHERE id = ?1",
                        params![ticket_id, to_ts(now)],
                    )
                    .ctx("recording first response")?;
                    Store::record_event(
                        tx,
                        (Some(ticket_id), None),
                        actor,
                        now,
                        "first_response",
                        None,
                        Some(&now.to_rfc3339()),
                    )?;
                    changed = true;
                }
                if status == Status::New.as_str() {
                    set_status(tx, ticket_id, Status::New, Status::Open, actor, now)?;
                    changed = true;
                }
            }
            Store::record_event(
                tx,
                (Some(ticket_id), None),
                actor,
                now,
                what,
                None,
                Some(&format!("#{entry_id}")),
            )?;
            tx.execute(
                &format!(
                    "UPDATE tickets SET updated_at = ?2{} WHERE id = ?1",
                    if changed {
                        ", version = version + 1"
                    } else {
                        ""
                    }
                ),
                params![ticket_id, to_ts(now)],
            )
            .ctx("updating ticket")?;
            sla_columns::refresh(tx, &policies, ticket_id, now)?;
            Ok(ConversationEntry {
                id: entry_id,
                ticket_id,
                kind,
                role,
                author: actor.name.clone(),
                body: body.to_string(),
                created_at: from_ts(to_ts(now)),
            })
        })
    }

    /// Applies one change with compare-and-swap on the ticket's version when `expected` is
    /// given: a stale edit is refused with who changed what, never silently overwritten.
    pub fn change_ticket(
        &mut self,
        ticket_id: i64,
        change: &TicketChange,
        expected: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let policies = self.policies.clone();
        self.write(|tx| {
            let current = read_for_update(tx, ticket_id)?;
            if let Some(v) = expected
                && v != current.version
            {
                return Err(conflict(tx, ticket_id, v, current.version));
            }
            let (field, old, new): (&str, Option<String>, Option<String>) = match change {
                TicketChange::Status(s) => {
                    let old: Status = current.status.parse().unwrap_or(Status::Open);
                    if old == *s {
                        return Ok(());
                    }
                    set_status(tx, ticket_id, old, *s, actor, now)?;
                    ("", None, None)
                }
                TicketChange::Severity(sev) => {
                    let org = org_row(tx, current.org_id)?;
                    let set = rules::policy_set(&policies, &org.0)?;
                    let tz = domain::parse_tz(&org.2)?;
                    let created = from_ts(current.created_at);
                    let plan = set.effective_plan(&org.1, created.with_timezone(&tz).date_naive());
                    let kind: TicketKind = current.kind.parse().unwrap_or(TicketKind::Technical);
                    rules::validate_kind_severity(set, &org.3, plan, kind, sev)?;
                    if *sev == current.severity {
                        return Ok(());
                    }
                    let rank = set.severities.iter().position(|s| s == sev).unwrap_or(0) as i64;
                    tx.execute(
                        "UPDATE tickets SET severity = ?2, severity_rank = ?3 WHERE id = ?1",
                        params![ticket_id, sev, rank],
                    )
                    .ctx("changing severity")?;
                    (
                        "severity",
                        Some(current.severity.clone()),
                        Some(sev.clone()),
                    )
                }
                TicketChange::Assign(who) => {
                    if let Some(w) = who {
                        domain::validate_user_name(w)?;
                    }
                    if *who == current.assignee {
                        return Ok(());
                    }
                    tx.execute(
                        "UPDATE tickets SET assignee = ?2 WHERE id = ?1",
                        params![ticket_id, who],
                    )
                    .ctx("assigning ticket")?;
                    ("assignee", current.assignee.clone(), who.clone())
                }
            };
            if !field.is_empty() {
                Store::record_event(
                    tx,
                    (Some(ticket_id), None),
                    actor,
                    now,
                    field,
                    old.as_deref(),
                    new.as_deref(),
                )?;
            }
            bump(tx, ticket_id, now)?;
            sla_columns::refresh(tx, &policies, ticket_id, now)?;
            Ok(())
        })?;
        self.ticket(ticket_id, now)
    }

    /// Assigns the ticket to the actor unless someone else holds it. The check and the write
    /// are one statement inside an immediate transaction, so of simultaneous claims exactly
    /// one wins.
    pub fn claim(&mut self, ticket_id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<Ticket> {
        self.write(|tx| {
            let current = read_for_update(tx, ticket_id)?;
            if current.assignee.as_deref() == Some(actor.name.as_str()) {
                return Ok(());
            }
            let won = tx
                .execute(
                    "UPDATE tickets SET assignee = ?2, version = version + 1, updated_at = ?3
                     WHERE id = ?1 AND assignee IS NULL",
                    params![ticket_id, actor.name, to_ts(now)],
                )
                .ctx("claiming ticket")?;
            if won == 0 {
                return Err(StoreError::ClaimedBy {
                    id: ticket_id,
                    by: current.assignee.unwrap_or_default(),
                });
            }
            Store::record_event(
                tx,
                (Some(ticket_id), None),
                actor,
                now,
                "assignee",
                None,
                Some(&actor.name),
            )
        })?;
        self.ticket(ticket_id, now)
    }

    pub fn save_draft(
        &mut self,
        actor: &str,
        ticket_id: i64,
        kind: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            if body.is_empty() {
                tx.execute(
                    "DELETE FROM drafts WHERE actor = ?1 AND ticket_id = ?2 AND kind = ?3",
                    params![actor, ticket_id, kind],
                )
                .ctx("discarding draft")?;
            } else {
                tx.execute(
                    "INSERT INTO drafts (actor, ticket_id, kind, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (actor, ticket_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    params![actor, ticket_id, kind, body, to_ts(now)],
                )
                .ctx("saving draft")?;
            }
            Ok(())
        })
    }

    pub fn draft(&self, actor: &str, ticket_id: i64, kind: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached(
                "SELECT body FROM drafts WHERE actor = ?1 AND ticket_id = ?2 AND kind = ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![actor, ticket_id, kind], |r| r.get(0))
                    .optional()
            })
            .ctx("reading draft")
    }

    /// Refreshes the stored SLA columns of every active ticket (after a policy file changed).
    pub fn refresh_all_sla(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let policies = self.policies.clone();
        self.write(|tx| {
            let ids: Vec<i64> = tx
                .prepare(
                    "SELECT id FROM tickets WHERE status IN ('new','open','pending','on-hold')",
                )
                .and_then(|mut s| {
                    s.query_map([], |r| r.get(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .ctx("listing active tickets")?;
            for id in &ids {
                sla_columns::refresh(tx, &policies, *id, now)?;
            }
            Ok(ids.len())
        })
    }
}

pub(super) fn event_from_row(r: &Row) -> rusqlite::Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        org_id: r.get(2)?,
        actor: r.get(3)?,
        actor_source: r.get(4)?,
        at: from_ts(r.get(5)?),
        field: r.get(6)?,
        old: r.get(7)?,
        new: r.get(8)?,
    })
}

struct CurrentTicket {
    org_id: i64,
    kind: String,
    severity: String,
    status: String,
    assignee: Option<String>,
    created_at: i64,
    version: i64,
}

fn read_for_update(tx: &Transaction, ticket_id: i64) -> Result<CurrentTicket> {
    tx.prepare_cached(
        "SELECT org_id, kind, severity, status, assignee, created_at, version FROM tickets WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([ticket_id], |r| {
            Ok(CurrentTicket {
                org_id: r.get(0)?,
                kind: r.get(1)?,
                severity: r.get(2)?,
                status: r.get(3)?,
                assignee: r.get(4)?,
                created_at: r.get(5)?,
                version: r.get(6)?,
            })
        })
        .optional()
    })
    .ctx("reading ticket")?
    .ok_or_else(|| StoreError::NotFound {
        what: "ticket",
        key: ticket_id.to_string(),
    })
}

/// (policy_set, plan, tz, name) of an organization.
fn org_row(tx: &Transaction, org_id: i64) -> Result<(String, String, String, String)> {
    tx.prepare_cached(
        "SELECT o.policy_set, COALESCE(p.plan, o.plan), o.tz, o.name
         FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([org_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
    })
    .ctx("reading organization")
}

fn conflict(tx: &Transaction, ticket_id: i64, expected: i64, actual: i64) -> StoreError {
    let last = tx
        .query_row(
            "SELECT actor, field, old, new FROM events WHERE ticket_id = ?1 ORDER BY id DESC LIMIT 1",
            [ticket_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()
        .ok()
        .flatten();
    let (by, field, old, new) =
        last.unwrap_or_else(|| ("someone".into(), "the ticket".into(), None, None));
    StoreError::Conflict {
        id: ticket_id,
        expected,
        actual,
        by,
        field,
        old: old.unwrap_or_else(|| "(none)".into()),
        new: new.unwrap_or_else(|| "(none)".into()),
    }
}

fn bump(tx: &Transaction, ticket_id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE tickets SET version = version + 1, updated_at = ?2 WHERE id = ?1",
        params![ticket_id, to_ts(now)],
    )
    .ctx("updating ticket")?;
    Ok(())
}

/// Moves a ticket between statuses, opening or closing its pause and resolution instants.
fn set_status(
    tx: &Transaction,
    ticket_id: i64,
    old: Status,
    new: Status,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let ts = to_ts(now);
    if old.pauses_clock() && !new.pauses_clock() {
        tx.execute(
            "UPDATE pauses SET ended_at = ?2 WHERE ticket_id = ?1 AND ended_at IS NULL",
            params![ticket_id, ts],
        )
        .ctx("ending pause")?;
    }
    if new.pauses_clock() && !old.pauses_clock() {
        tx.execute(
            "INSERT INTO pauses (ticket_id, started_at) VALUES (?1, ?2)",
            params![ticket_id, ts],
        )
        .ctx("starting pause")?;
    }
    let resolved_sql = if new.is_done() && !old.is_done() {
        ", resolved_at = ?3"
    } else if !new.is_done() && old.is_done() {
        ", resolved_at = NULL"
    } else {
        ""
    };
    let sql = format!("UPDATE tickets SET status = ?2{resolved_sql} WHERE id = ?1");
    if resolved_sql.contains("?3") {
        tx.execute(&sql, params![ticket_id, new.as_str(), ts])
    } else {
        tx.execute(&sql, params![ticket_id, new.as_str()])
    }
    .ctx("changing status")?;
    Store::record_event(
        tx,
        (Some(ticket_id), None),
        actor,
        now,
        "status",
        Some(old.as_str()),
        Some(new.as_str()),
    )
}

pub(super) struct InsertTicket<'a> {
    pub id: Option<i64>,
    pub org_id: i64,
    pub kind: TicketKind,
    pub severity: &'a str,
    pub severity_rank: i64,
    pub status: Status,
    pub summary: &'a str,
    pub description: &'a str,
    pub component: Option<&'a str>,
    pub environment: Option<Environment>,
    pub affected_version: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub priority: i64,
    pub version: i64,
}

/// Inserts a ticket row and its full-text document; SLA columns are filled by the caller.
pub(super) fn insert_ticket(tx: &Transaction, t: &InsertTicket) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO tickets (id, org_id, kind, severity, severity_rank, status, summary, description,
            component, environment, affected_version, assignee, created_at, updated_at,
            first_response_at, resolved_at, urgency, priority, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )
    .and_then(|mut s| {
        s.execute(params![
            t.id,
            t.org_id,
            t.kind.as_str(),
            t.severity,
            t.severity_rank,
            t.status.as_str(),
            t.summary,
            t.description,
            t.component,
            t.environment.map(|e| e.as_str()),
            t.affected_version,
            t.assignee,
            t.created_at,
            t.updated_at,
            t.first_response_at,
            t.resolved_at,
            sla_columns::IDLE_BASE + t.created_at,
            t.priority,
            t.version
        ])
    })
    .ctx("inserting ticket")?;
    let id = tx.last_insert_rowid();
    index_document(tx, id, &format!("{}\n{}", t.summary, t.description))?;
    Ok(id)
}

pub(super) fn insert_entry(
    tx: &Transaction,
    ticket_id: i64,
    kind: EntryKind,
    role: AuthorRole,
    author: &str,
    body: &str,
    created_at: i64,
) -> Result<i64> {
    let id = insert_entry_unindexed(tx, ticket_id, kind, role, author, body, created_at)?;
    index_document(tx, -id, body)?;
    Ok(id)
}

/// Adds a conversation entry without its full-text document (bulk loads index entries
/// together at the end, see [`index_entries_from`]).
pub(super) fn insert_entry_unindexed(
    tx: &Transaction,
    ticket_id: i64,
    kind: EntryKind,
    role: AuthorRole,
    author: &str,
    body: &str,
    created_at: i64,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO entries (ticket_id, kind, role, author, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| s.execute(params![ticket_id, kind.as_str(), role.as_str(), author, body, created_at]))
    .ctx("adding conversation entry")?;
    Ok(tx.last_insert_rowid())
}

/// Indexes the entries with ids from `first_id` on, in increasing document rowid (entry
/// documents use -id). FTS5 flushes its pending terms to a new segment whenever a rowid is
/// smaller than the last one, so interleaving tickets (+id) with their entries (-id) during a
/// bulk load would write thousands of tiny segments and spend most of the load merging them.
pub(super) fn index_entries_from(tx: &Transaction, first_id: i64) -> Result<()> {
    let mut select = tx
        .prepare("SELECT id, body FROM entries WHERE id >= ?1 ORDER BY id DESC")
        .ctx("indexing conversation entries")?;
    let mut rows = select
        .query([first_id])
        .ctx("indexing conversation entries")?;
    while let Some(r) = rows.next().ctx("indexing conversation entries")? {
        let id: i64 = r.get(0).ctx("indexing conversation entries")?;
        let body: String = r.get(1).ctx("indexing conversation entries")?;
        index_document(tx, -id, &body)?;
    }
    Ok(())
}

fn index_document(tx: &Transaction, rowid: i64, text: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO search (rowid, body) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![rowid, fts::index_text(text)]))
        .ctx("updating the full-text index")?;
    Ok(())
}
