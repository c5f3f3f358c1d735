//! Bulk loads on PostgreSQL (`gen`, large imports): inside [`crate::store::StoreTx::bulk_mode`]
//! the new tickets, conversation entries, pauses, audit rows and search documents wait in
//! memory and go to the server with one `COPY … FROM STDIN` per table, instead of one round
//! trip per row. Ids come from the identity sequences in blocks, so callers still get them at
//! once. Any other statement in the transaction sends what waits first (reads see every row,
//! and audit rows keep their order).

use std::collections::HashMap;
use std::io::Write as _;

use postgres::Transaction;

use super::error::{Ctx as _, get};
use crate::sla::columns::SlaColumns;
use crate::store::Result;

/// Rows a bulk load has not sent yet.
#[derive(Default)]
pub(super) struct Pending {
    /// Full-text totals not yet added to `search_stats`.
    pub docs: i64,
    pub tokens: i64,
    tickets: Vec<TicketLine>,
    /// Ticket id -> its place in `tickets` (SLA columns land in the waiting row).
    ticket_at: HashMap<i64, usize>,
    entries: Vec<String>,
    pauses: Vec<String>,
    events: Vec<String>,
    search: Vec<String>,
    /// Ids taken from the sequences and not used yet, in increasing order (reversed).
    free_ticket_ids: Vec<i64>,
    free_entry_ids: Vec<i64>,
}

/// A ticket row: its fixed fields already as COPY text, its SLA columns still open.
struct TicketLine {
    head: String,
    urgency: i64,
    severity_rank: i64,
    cols: Option<SlaColumns>,
}

const BLOCK: i64 = 1000;
/// Rows kept before they are sent anyway (bounds memory on a very large load).
const MAX_WAITING: usize = 50_000;

/// One field in COPY's text format.
pub(super) fn field(out: &mut String, value: Option<&str>) {
    match value {
        None => out.push_str("\\N"),
        Some(v) => {
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// A row in COPY's text format (with its newline).
pub(super) fn line(fields: &[Option<&str>]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        field(&mut out, *f);
    }
    out.push('\n');
    out
}

fn num(v: i64) -> String {
    v.to_string()
}

fn take_id(tx: &mut Transaction<'_>, free: &mut Vec<i64>, table: &str) -> Result<i64> {
    if free.is_empty() {
        let rows = tx
            .query(
                &format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id'))
                     FROM generate_series(1, $1::BIGINT)"
                ),
                &[&BLOCK],
            )
            .ctx("reserving row ids")?;
        let mut ids = rows
            .iter()
            .map(|r| get(r, 0))
            .collect::<Result<Vec<i64>>>()?;
        ids.sort_unstable_by(|a, b| b.cmp(a));
        *free = ids;
    }
    Ok(free.pop().unwrap_or_default())
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
            && self.entries.is_empty()
            && self.pauses.is_empty()
            && self.events.is_empty()
            && self.search.is_empty()
    }

    fn waiting(&self) -> usize {
        self.tickets.len() + self.entries.len() + self.pauses.len() + self.events.len()
    }

    pub fn ticket_id(&mut self, tx: &mut Transaction<'_>) -> Result<i64> {
        take_id(tx, &mut self.free_ticket_ids, "tickets")
    }

    pub fn entry_id(&mut self, tx: &mut Transaction<'_>) -> Result<i64> {
        take_id(tx, &mut self.free_entry_ids, "entries")
    }

    /// `fields`: every column of [`TICKET_COLUMNS`] before the SLA ones, as text.
    pub fn ticket(&mut self, id: i64, fields: &[Option<&str>], urgency: i64, severity_rank: i64) {
        let mut head = line(fields);
        head.pop();
        self.ticket_at.insert(id, self.tickets.len());
        self.tickets.push(TicketLine {
            head,
            urgency,
            severity_rank,
            cols: None,
        });
    }

    /// Sets a waiting ticket's SLA columns; false when the ticket is not waiting.
    pub fn sla_columns(&mut self, id: i64, cols: &SlaColumns) -> bool {
        match self.ticket_at.get(&id) {
            Some(&i) => {
                self.tickets[i].cols = Some(cols.clone());
                true
            }
            None => false,
        }
    }

    pub fn has_ticket(&self, id: i64) -> bool {
        self.ticket_at.contains_key(&id)
    }

    pub fn entry(&mut self, fields: &[Option<&str>]) {
        self.entries.push(line(fields));
    }

    pub fn pause(&mut self, fields: &[Option<&str>]) {
        self.pauses.push(line(fields));
    }

    pub fn event(&mut self, fields: &[Option<String>; 10]) {
        let refs: Vec<Option<&str>> = fields.iter().map(|f| f.as_deref()).collect();
        self.events.push(line(&refs));
    }

    pub fn search_doc(&mut self, doc: i64, ticket_id: i64, len: i64, vector: &str) {
        self.search.push(line(&[
            Some(&num(doc)),
            Some(&num(ticket_id)),
            Some(&num(len)),
            Some(vector),
        ]));
        self.docs += 1;
        self.tokens += len;
    }

    /// Sends everything once enough waits.
    pub fn maybe_flush(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.waiting() >= MAX_WAITING {
            self.flush(tx)?;
        }
        Ok(())
    }

    /// Sends every waiting row, parents before children.
    pub fn flush(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        let tickets: Vec<String> = self
            .tickets
            .drain(..)
            .map(|t| {
                let c = t.cols.as_ref();
                let opt = |v: Option<i64>| v.map(num);
                let cols = [
                    opt(c.and_then(|c| c.first_response_due)),
                    opt(c.and_then(|c| c.next_due)),
                    opt(c.and_then(|c| c.risk_at)),
                    opt(c.and_then(|c| c.breach_at)),
                    opt(c.and_then(|c| c.paused_left)),
                    Some(num(c.map_or(t.urgency, |c| c.urgency))),
                    c.and_then(|c| c.effective_severity.clone()),
                    c.and_then(|c| c.severity_note.clone()),
                    Some(num(c
                        .and_then(|c| c.severity_rank)
                        .unwrap_or(t.severity_rank))),
                ];
                let refs: Vec<Option<&str>> = cols.iter().map(|v| v.as_deref()).collect();
                format!("{}\t{}", t.head, line(&refs))
            })
            .collect();
        self.ticket_at.clear();
        copy(tx, &format!("tickets ({TICKET_COLUMNS})"), &tickets)?;
        copy(
            tx,
            "entries (id, ticket_id, kind, role, author, body, created_at)",
            &std::mem::take(&mut self.entries),
        )?;
        copy(
            tx,
            "pauses (ticket_id, started_at, ended_at)",
            &std::mem::take(&mut self.pauses),
        )?;
        copy(
            tx,
            "events (ticket_id, org_id, order_id, actor, actor_source, at, field, old, new, imported)",
            &std::mem::take(&mut self.events),
        )?;
        copy(
            tx,
            "search_docs (doc, ticket_id, len, vec)",
            &std::mem::take(&mut self.search),
        )?;
        Ok(())
    }
}

/// The ticket columns a bulk load writes, in COPY order (the last nine are the SLA ones).
pub(super) const TICKET_COLUMNS: &str = "id, org_id, kind, severity, status, summary, description,
    component, environment, affected_version, assignee, created_at, updated_at,
    first_response_at, resolved_at, priority, version, requester_name, requester_address, channel,
    follows_id, first_response_due, next_due, risk_at, breach_at, paused_left, urgency, effective_severity,
    severity_note, severity_rank";

fn copy(tx: &mut Transaction<'_>, target: &str, lines: &[String]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let what = format!(
        "bulk loading {}",
        target.split(' ').next().unwrap_or(target)
    );
    let mut w = tx
        .copy_in(&format!("COPY {target} FROM STDIN"))
        .ctx(&what)?;
    let io = |e: std::io::Error| crate::store::StoreError::Other(format!("{what}: {e}"));
    let mut buf = Vec::with_capacity(1 << 20);
    for l in lines {
        buf.extend_from_slice(l.as_bytes());
        if buf.len() >= 1 << 20 {
            w.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    w.write_all(&buf).map_err(io)?;
    w.finish().ctx(&what)?;
    Ok(())
}
