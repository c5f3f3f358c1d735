//! Bulk insertion of generated organizations and tickets (the demo and `tuidesk gen`): one
//! transaction, cached statements, SLA columns computed in Rust as rows go in.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::sla_columns;
use super::tickets::{
    InsertTicket, index_entries_from, insert_entry, insert_entry_unindexed, insert_ticket,
};
use super::{Context, Result, SqliteStore, from_ts, to_ts};
use crate::domain::{self, Actor, AuthorRole, EntryKind, Environment, Status, TicketKind};
use crate::policy::rules;
use crate::sla::{Pause, TicketTimeline};

/// FTS5's pending-terms buffer for bulk loads (8 MB measured fastest of 1–256 MB on 100k
/// tickets), and its default (SQLite's `FTS5_DEFAULT_HASHSIZE`).
const BULK_FTS_HASH: i64 = 8 * 1024 * 1024;
const DEFAULT_FTS_HASH: i64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct GeneratedOrg {
    pub name: String,
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
}

#[derive(Debug, Clone)]
pub struct GeneratedEntry {
    pub kind: EntryKind,
    pub role: AuthorRole,
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct GeneratedTicket {
    /// Index into the organizations passed alongside.
    pub org: usize,
    pub kind: TicketKind,
    pub severity: String,
    pub status: Status,
    pub summary: String,
    pub description: String,
    pub component: Option<String>,
    pub environment: Option<Environment>,
    pub affected_version: Option<String>,
    pub assignee: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub pauses: Vec<Pause>,
    pub entries: Vec<GeneratedEntry>,
}

impl SqliteStore {
    /// Inserts organizations (reusing any that exist by name) and tickets in one transaction.
    /// Tickets are validated by the same rules as `ticket new`. `bulk` rebuilds the indexes
    /// once at the end instead of maintaining them per row (for large batches).
    pub fn insert_generated(
        &mut self,
        orgs: &[GeneratedOrg],
        tickets: &mut dyn Iterator<Item = GeneratedTicket>,
        actor: &Actor,
        now: DateTime<Utc>,
        bulk: bool,
    ) -> Result<usize> {
        for o in orgs {
            rules::validate_org(&self.policies, &o.name, &o.policy_set, &o.plan, &o.tz)?;
        }
        let policies = self.policies.clone();
        // A big cache keeps index pages in memory instead of spilling them mid-transaction.
        self.conn
            .execute_batch("PRAGMA cache_size = -1048576")
            .ctx("preparing bulk insert")?;
        let result = self.write(|tx| {
            // Building indexes once at the end beats updating them row by row.
            let indexes: Vec<(String, String)> = if bulk {
                tx.prepare(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                     AND tbl_name IN ('tickets', 'entries', 'events', 'pauses')",
                )
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .ctx("reading index definitions")?
            } else {
                Vec::new()
            };
            for (name, _) in &indexes {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))
                    .ctx("preparing bulk insert")?;
            }
            if bulk {
                // FTS5 flushes its in-memory terms to a new segment whenever they pass
                // `hashsize` (1 MB by default) and keeps merging the small segments: most of
                // a bulk load's indexing time. Big flushes mean few segments and little
                // merging; the default comes back before commit (the setting is stored).
                tx.execute_batch(&format!(
                    "INSERT INTO search (search, rank) VALUES ('hashsize', {BULK_FTS_HASH})"
                ))
                .ctx("preparing bulk insert")?;
            }
            let mut org_ids = Vec::with_capacity(orgs.len());
            for o in orgs {
                tx.execute(
                    "INSERT INTO orgs (name, policy_set, plan, tz, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (name) DO NOTHING",
                    params![o.name, o.policy_set, o.plan, o.tz, to_ts(now) - 400 * 86_400],
                )
                .ctx("adding organization")?;
                let id: i64 = tx
                    .query_row("SELECT id FROM orgs WHERE name = ?1", [&o.name], |r| r.get(0))
                    .ctx("adding organization")?;
                org_ids.push(id);
            }
            let sets: Vec<_> = orgs
                .iter()
                .map(|o| {
                    let set = rules::policy_set(&policies, &o.policy_set)?;
                    let tz = domain::parse_tz(&o.tz)?;
                    Ok((set, tz))
                })
                .collect::<Result<Vec<_>>>()?;
            let first_entry: i64 = tx
                .query_row("SELECT coalesce(max(id), 0) + 1 FROM entries", [], |r| {
                    r.get(0)
                })
                .ctx("preparing bulk insert")?;
            let mut count = 0;
            for t in &mut *tickets {
                let o = &orgs[t.org];
                let (set, tz) = sets[t.org];
                let plan = set.effective_plan(&o.plan, t.created_at.with_timezone(&tz).date_naive());
                rules::validate_kind_severity(set, &o.name, plan, t.kind, &t.severity)?;
                domain::validate_summary(&t.summary)?;
                let rank = set.severities.iter().position(|s| *s == t.severity).unwrap_or(0) as i64;
                let priority = i64::from(set.plan(plan).map(|p| p.priority).unwrap_or(100));
                let updated = t
                    .resolved_at
                    .or(t.entries.last().map(|e| e.at))
                    .or(t.first_response_at)
                    .unwrap_or(t.created_at);
                let id = insert_ticket(
                    tx,
                    &InsertTicket {
                        id: None,
                        org_id: org_ids[t.org],
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
                        updated_at: to_ts(updated),
                        first_response_at: t.first_response_at.map(to_ts),
                        resolved_at: t.resolved_at.map(to_ts),
                        priority,
                        version: 1,
                        requester_name: None,
                        requester_address: None,
                        channel: None,
                        follows: None,
                    },
                )?;
                for e in &t.entries {
                    let insert = if bulk {
                        insert_entry_unindexed
                    } else {
                        insert_entry
                    };
                    insert(tx, id, e.kind, e.role, &e.author, &e.body, to_ts(e.at))?;
                }
                for p in &t.pauses {
                    tx.prepare_cached("INSERT INTO pauses (ticket_id, started_at, ended_at) VALUES (?1, ?2, ?3)")
                        .and_then(|mut s| s.execute(params![id, to_ts(p.start), p.end.map(to_ts)]))
                        .ctx("adding pause")?;
                }
                SqliteStore::record_event(
                    tx,
                    (Some(id), Some(org_ids[t.org])),
                    actor,
                    t.created_at,
                    "created",
                    None,
                    Some(&format!("{} {} ticket", t.severity, t.kind)),
                )?;
                let timeline = TicketTimeline {
                    opened: from_ts(to_ts(t.created_at)),
                    pauses: t.pauses.clone(),
                    first_response_at: t.first_response_at,
                    resolved_at: t.resolved_at,
                    ..Default::default()
                };
                let metrics = crate::sla::evaluate(set, plan, &t.severity, tz, &timeline, now);
                let cols = sla_columns::columns_from_metrics(&metrics, t.status, &timeline, now);
                sla_columns::store_columns(tx, id, &cols)?;
                count += 1;
            }
            if bulk {
                index_entries_from(tx, first_entry)?;
            }
            for (_, sql) in &indexes {
                tx.execute_batch(sql).ctx("rebuilding indexes")?;
            }
            if bulk {
                tx.execute_batch(&format!(
                    "INSERT INTO search (search, rank) VALUES ('hashsize', {DEFAULT_FTS_HASH})"
                ))
                .ctx("finishing bulk insert")?;
            }

            Ok(count)
        });
        let _ = self.conn.execute_batch("PRAGMA cache_size = -2000");
        result
    }
}
