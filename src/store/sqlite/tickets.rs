use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};

use super::{
    Context, Result, SqliteStore, StoreError, decode, from_ts, fts, fts_rank, opt_from_ts, to_ts,
};
use crate::domain::{
    AuditEvent, AuthorRole, Channel, ConversationEntry, EntryKind, Environment, Status, Ticket,
    TicketKind,
};
use crate::sla::Pause;
use crate::sla::columns::SlaColumns;
use crate::store::{SEARCH_RANKED, SearchHits, TicketRow};

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
    /// Who asked; a mail address is checked before it is stored.
    pub requester_name: Option<String>,
    pub requester_address: Option<String>,
    pub channel: Option<Channel>,
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

/// A position in a sorted listing, for keyset pagination (never OFFSET). Opaque outside the
/// backend that made it, but for [`SortKey::end`], the position after the last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey(pub(crate) Vec<i64>);

impl SortKey {
    /// Past the last row of any listing: `before = end` is the last page.
    pub fn end() -> SortKey {
        SortKey(Vec::new())
    }

    fn is_end(&self) -> bool {
        self.0.is_empty()
    }

    /// The key past the last row of a listing sorted by `sort`.
    fn end_for(sort: TicketSort) -> SortKey {
        let n = sort.columns().0.len();
        // Created sorts descending, so its "end" is the smallest key.
        let v = if sort == TicketSort::Created {
            i64::MIN
        } else {
            i64::MAX
        };
        SortKey(vec![v; n])
    }
}

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
    /// Only tickets with every one of these (normalized) tags.
    pub tags: Vec<String>,
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
    /// The organization's event-assurance orders (for the change freeze it is under).
    pub assurance: Vec<crate::assurance::AssuranceWindow>,
    /// The mail side of the conversation: received messages (autoreplies marked), the
    /// delivery of public replies, attachments (entry 0: those of the opening message).
    pub mail: Vec<crate::store::EntryMail>,
}

impl TicketDetail {
    /// The mail side of one entry (0: the ticket's opening message).
    pub fn mail_of(&self, entry_id: i64) -> Option<&crate::store::EntryMail> {
        self.mail.iter().find(|m| m.entry_id == entry_id)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrgencyCounts {
    pub active: i64,
    pub at_risk: i64,
    pub breached: i64,
    /// When the counts next change with nothing written (an active ticket reaches its
    /// at-risk or breach instant), whether or not that ticket is on anyone's screen.
    pub next_change: Option<DateTime<Utc>>,
}

impl UrgencyCounts {
    /// The earliest instant at which a stored at-risk instant (counted from that second
    /// on) or breach instant (counted once it has passed) changes the counts.
    pub fn next_change_of(risk_at: Option<i64>, breach_at: Option<i64>) -> Option<DateTime<Utc>> {
        let risk = risk_at.map(from_ts);
        let breach = breach_at.map(|b| from_ts(b) + chrono::Duration::nanoseconds(1));
        match (risk, breach) {
            (Some(r), Some(b)) => Some(r.min(b)),
            (r, b) => r.or(b),
        }
    }
}

const TICKET_SELECT: &str =
    "SELECT t.id, t.org_id, o.name, t.kind, t.severity, t.status, t.summary,
        t.description, t.component, t.environment, t.affected_version, t.assignee, t.created_at,
        t.updated_at, t.first_response_at, t.resolved_at, t.first_response_due, t.next_due,
        t.paused_left, t.breach_at, t.version, t.urgency, t.priority, t.severity_rank, t.risk_at,
        t.effective_severity, t.severity_note, t.requester_name, t.requester_address, t.channel,
        t.follows_id, t.merged_into_id,
        (SELECT group_concat(g.tag, char(10)) FROM ticket_tags g WHERE g.ticket_id = t.id)
    FROM tickets t JOIN orgs o ON o.id = t.org_id";

/// The latest stored breach instant (whole seconds) that `now` is past: a ticket is breached
/// only once `now > breach_at`, the SLA engine's rule, so not at the due instant itself.
fn breach_cutoff(now: DateTime<Utc>) -> i64 {
    (now - chrono::Duration::nanoseconds(1)).timestamp()
}

/// Reads a ticket row; breach instants up to `breach_cutoff` have passed.
fn ticket_from_row(r: &Row, breach_cutoff: i64) -> rusqlite::Result<Ticket> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(3)?;
    let status: String = r.get(5)?;
    let environment: Option<String> = r.get(9)?;
    let breach_at: Option<i64> = r.get(19)?;
    let channel: Option<String> = r.get(29)?;
    Ok(Ticket {
        id,
        org_id: r.get(1)?,
        org: r.get(2)?,
        kind: decode::row_column("tickets", id, "kind", &kind)?,
        severity: r.get(4)?,
        status: decode::row_column("tickets", id, "status", &status)?,
        summary: r.get(6)?,
        description: r.get(7)?,
        component: r.get(8)?,
        environment: decode::row_column_opt("tickets", id, "environment", environment.as_deref())?,
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
        breached: breach_at.is_some_and(|b| b <= breach_cutoff),
        effective_severity: r.get(25)?,
        severity_note: r.get(26)?,
        requester_name: r.get(27)?,
        requester_address: r.get(28)?,
        channel: decode::row_column_opt("tickets", id, "channel", channel.as_deref())?,
        follows: r.get(30)?,
        merged_into: r.get(31)?,
        tags: crate::store::split_tags(r.get(32)?),
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

/// WHERE clauses and their parameters for a filter (`breach_cutoff` as for `ticket_from_row`).
fn filter_sql(filter: &TicketFilter, breach_cutoff: i64) -> (Vec<String>, Vec<Box<dyn ToSql>>) {
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
        params.push(Box::new(breach_cutoff));
    }
    if let Some(sev) = &filter.severity {
        clauses.push("t.severity = ?".into());
        params.push(Box::new(sev.clone()));
    }
    for tag in &filter.tags {
        clauses.push(
            "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?)".into(),
        );
        params.push(Box::new(tag.clone()));
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
        || filter.severity.is_some()
        || !filter.tags.is_empty();
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

impl SqliteStore {
    pub fn ticket(&self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        read_ticket(&self.conn, id, now)
    }

    pub fn ticket_detail(&self, id: i64, now: DateTime<Utc>) -> Result<TicketDetail> {
        let ticket = self.ticket(id, now)?;
        let conversation = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, kind, role, author, body, created_at, merged_from
                 FROM entries WHERE ticket_id = ?1 ORDER BY created_at, id",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    let entry_id: i64 = r.get(0)?;
                    let kind: String = r.get(2)?;
                    let role: String = r.get(3)?;
                    Ok(ConversationEntry {
                        id: entry_id,
                        ticket_id: r.get(1)?,
                        kind: decode::row_column("entries", entry_id, "kind", &kind)?,
                        role: decode::row_column("entries", entry_id, "role", &role)?,
                        author: r.get(4)?,
                        body: r.get(5)?,
                        created_at: from_ts(r.get(6)?),
                        merged_from: r.get(7)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("reading conversation")?;
        let events = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported FROM events
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
        let assurance = super::sla_columns::assurance_windows(&self.conn, id)?;
        let mail = super::mail::ticket_mail(&self.conn, id)?;
        Ok(TicketDetail {
            ticket: Some(ticket),
            conversation,
            events,
            pauses,
            assurance,
            mail,
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
        let (mut clauses, mut params) = filter_sql(filter, breach_cutoff(now));
        let (cols, desc) = sort.columns();
        let backwards = before.is_some() && after.is_none();
        let end = SortKey::end_for(sort);
        let cursor = after.or(before).map(|k| if k.is_end() { &end } else { k });
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
        let cutoff = breach_cutoff(now);
        let mut rows: Vec<(Ticket, SortKey)> = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(params.iter()), |r| {
                    Ok((ticket_from_row(r, cutoff)?, sort_key_from_row(r, sort)?))
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
        let (clauses, params) = filter_sql(filter, breach_cutoff(now));
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
        let (now, cutoff) = (to_ts(now), breach_cutoff(now));
        self.conn
            .prepare_cached(
                "SELECT
                   (SELECT count(*) FROM tickets WHERE status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets INDEXED BY tickets_active_by_risk
                        WHERE risk_at <= ?1 AND (breach_at IS NULL OR breach_at > ?2)
                        AND status IN ('new','open','pending','on-hold')),
                   (SELECT count(*) FROM tickets INDEXED BY tickets_active_by_breach
                        WHERE breach_at <= ?2 AND status IN ('new','open','pending','on-hold')),
                   (SELECT min(risk_at) FROM tickets INDEXED BY tickets_active_by_risk
                        WHERE risk_at > ?1 AND status IN ('new','open','pending','on-hold')),
                   (SELECT min(breach_at) FROM tickets INDEXED BY tickets_active_by_breach
                        WHERE breach_at > ?2 AND status IN ('new','open','pending','on-hold'))",
            )
            .and_then(|mut s| {
                s.query_row([now, cutoff], |r| {
                    Ok(UrgencyCounts {
                        active: r.get(0)?,
                        at_risk: r.get(1)?,
                        breached: r.get(2)?,
                        next_change: UrgencyCounts::next_change_of(r.get(3)?, r.get(4)?),
                    })
                })
            })
            .ctx("counting urgent tickets")
    }

    /// Full-text search, best match first, over summaries, descriptions, replies and notes.
    ///
    /// Ranking is BM25. FTS5's `bm25()` costs, per statement, a walk of every query
    /// phrase's whole posting list (its document count) plus one `%_docsize` lookup per
    /// ranked document, both growing with the desk. So each kind of document is read
    /// newest first, at most [`SEARCH_RANKED`] (+1 to learn whether there were more), with
    /// [`fts_rank`]'s per-document counts. Ticket documents use rowid = ticket id (newest
    /// = highest), entries rowid = -entry id (newest = lowest): each is one bounded walk in
    /// rowid order. When either kind had more, the read documents are ranked by BM25 with
    /// each phrase's document count taken among them; otherwise every match was read and
    /// `bm25()` ranks them exactly as an unbounded search (tickets by their best
    /// document's score, then by id).
    pub fn search(&self, query: &str, limit: usize, now: DateTime<Utc>) -> Result<SearchHits> {
        let expr = fts::match_expression(query)?;
        let mut read: Vec<(i64, fts_rank::DocTerms)> = Vec::new();
        let mut bounded = false;
        for sql in [
            "SELECT rowid, tuidesk_terms(search) FROM search WHERE search MATCH ?1 AND rowid > 0
             ORDER BY rowid DESC LIMIT ?2",
            "SELECT rowid, tuidesk_terms(search) FROM search WHERE search MATCH ?1 AND rowid < 0
             ORDER BY rowid ASC LIMIT ?2",
        ] {
            let mut stmt = self.conn.prepare_cached(sql).ctx("searching")?;
            let mut rows = stmt
                .query(params![expr, (SEARCH_RANKED + 1) as i64])
                .ctx("searching")?;
            let mut n = 0;
            while let Some(r) = rows.next().ctx("searching")? {
                if n == SEARCH_RANKED {
                    bounded = true;
                    break;
                }
                let blob: Vec<u8> = r.get(1).ctx("searching")?;
                let terms = fts_rank::DocTerms::decode(&blob).ok_or_else(|| {
                    StoreError::Other("searching: the index gave unreadable counts".into())
                })?;
                read.push((r.get(0).ctx("searching")?, terms));
                n += 1;
            }
        }
        let mut docs: Vec<(f64, i64)> = if bounded {
            let phrases = read.first().map_or(0, |(_, t)| t.freq.len());
            let hits: Vec<i64> = (0..phrases)
                .map(|i| {
                    read.iter()
                        .filter(|(_, t)| t.freq.get(i).is_some_and(|&f| f > 0))
                        .count() as i64
                })
                .collect();
            read.iter()
                .map(|(doc, t)| (fts_rank::bm25(t, &hits), *doc))
                .collect()
        } else if read.is_empty() {
            Vec::new()
        } else {
            self.conn
                .prepare_cached(
                    "SELECT bm25(search), rowid FROM search WHERE search MATCH ?1 LIMIT ?2",
                )
                .and_then(|mut s| {
                    s.query_map(params![expr, (2 * SEARCH_RANKED) as i64], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
                })
                .ctx("searching")?
        };
        docs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Tickets in order of their best document; an entry maps to its ticket only when
        // it can still be among the first `limit` (so at most about `limit` lookups).
        let mut entry_ticket = self
            .conn
            .prepare_cached("SELECT ticket_id FROM entries WHERE id = ?1")
            .ctx("searching")?;
        let mut best: Vec<(f64, i64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (score, doc) in docs {
            if limit == 0 || (best.len() >= limit && score > best[limit - 1].0) {
                break;
            }
            let tid = if doc > 0 {
                Some(doc)
            } else {
                entry_ticket
                    .query_row([-doc], |r| r.get(0))
                    .optional()
                    .ctx("searching")?
            };
            if let Some(tid) = tid
                && seen.insert(tid)
            {
                best.push((score, tid));
            }
        }
        best.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        best.truncate(limit);
        let tickets = best
            .into_iter()
            .map(|(_, id)| self.ticket(id, now))
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchHits { tickets, bounded })
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
}

/// Reads one ticket (inside a transaction or not); `now` decides whether a stored breach
/// instant has passed.
pub(super) fn read_ticket(
    conn: &rusqlite::Connection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    conn.prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))
        .and_then(|mut s| {
            s.query_row([id], |r| ticket_from_row(r, breach_cutoff(now)))
                .optional()
        })
        .ctx("reading ticket")?
        .ok_or_else(|| StoreError::NotFound {
            what: "ticket",
            key: id.to_string(),
        })
}

/// See [`crate::store::Store::tickets_many`]: one statement (the ids as a JSON array).
pub(super) fn read_tickets(
    conn: &rusqlite::Connection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let found: std::collections::HashMap<i64, Ticket> = conn
        .prepare_cached(&format!(
            "{TICKET_SELECT} WHERE t.id IN (SELECT value FROM json_each(?1))"
        ))
        .and_then(|mut s| {
            s.query_map([list], |r| ticket_from_row(r, breach_cutoff(now)))?
                .map(|t| t.map(|t| (t.id, t)))
                .collect::<rusqlite::Result<_>>()
        })
        .ctx("reading tickets")?;
    crate::store::tickets_in_order(ids, found)
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
        imported: r.get(9)?,
    })
}

/// Whether a row's full-text document goes in with it, or a bulk load's second thread
/// indexes it (see `search_stage.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Document {
    Now,
    Later,
}

/// The full-text document of a ticket.
pub(super) fn ticket_document(summary: &str, description: &str) -> String {
    format!("{summary}\n{description}")
}

/// Inserts a ticket row and, unless `doc` says later, its full-text document. SLA columns:
/// given (bulk loads: the row and its indexes are written once), or filled by the caller
/// afterwards.
pub(super) fn insert_ticket(
    tx: &Transaction,
    t: &TicketRow,
    sla: Option<&SlaColumns>,
    doc: Document,
) -> Result<i64> {
    let created = to_ts(t.created_at);
    let idle = crate::sla::columns::IDLE_BASE + created;
    tx.prepare_cached(
        "INSERT INTO tickets (id, org_id, kind, severity, severity_rank, status, summary, description,
            component, environment, affected_version, assignee, created_at, updated_at,
            first_response_at, resolved_at, urgency, priority, version, requester_name,
            requester_address, channel, follows_id, first_response_due, next_due, risk_at,
            breach_at, paused_left, effective_severity, severity_note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
    )
    .and_then(|mut s| {
        s.execute(params![
            t.id,
            t.org_id,
            t.kind.as_str(),
            t.severity,
            sla.and_then(|c| c.severity_rank).unwrap_or(t.severity_rank),
            t.status.as_str(),
            t.summary,
            t.description,
            t.component,
            t.environment.map(|e| e.as_str()),
            t.affected_version,
            t.assignee,
            created,
            to_ts(t.updated_at),
            t.first_response_at.map(to_ts),
            t.resolved_at.map(to_ts),
            sla.map_or(idle, |c| c.urgency),
            t.priority,
            t.version,
            t.requester_name,
            t.requester_address,
            t.channel.map(|c| c.as_str()),
            t.follows,
            sla.and_then(|c| c.first_response_due),
            sla.and_then(|c| c.next_due),
            sla.and_then(|c| c.risk_at),
            sla.and_then(|c| c.breach_at),
            sla.and_then(|c| c.paused_left),
            sla.and_then(|c| c.effective_severity.as_deref()),
            sla.and_then(|c| c.severity_note.as_deref()),
        ])
    })
    .ctx("inserting ticket")?;
    let id = tx.last_insert_rowid();
    if doc == Document::Now {
        index_document(tx, id, &ticket_document(t.summary, t.description))?;
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Every read of a ticket by id runs this statement; planning it again on each new id
    /// (SQLite does unless plans are stable) was most of an export's time.
    #[test]
    fn reading_tickets_by_id_plans_the_statement_once() {
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let store = SqliteStore::open(&dir.path().join("t.db"), policies).unwrap();
        let now = Utc::now();
        for id in 1..50 {
            assert!(matches!(
                read_ticket(&store.conn, id, now),
                Err(StoreError::NotFound { .. })
            ));
        }
        let s = store
            .conn
            .prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))
            .unwrap();
        assert_eq!(s.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }
}
