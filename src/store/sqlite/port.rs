//! SQLite as an implementation of the store port: [`SqliteTx`] wraps one `BEGIN IMMEDIATE`
//! transaction as a [`StoreTx`]; [`SqliteStore`] answers the [`Store`] reads.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::tickets;
use super::{Context, Result, SqliteStore, StoreError, sla_columns, to_ts};
use super::{mail, reply_templates, search_stage, watch};
use crate::domain::{Actor, AuditEvent, Order, Organization, Ticket};
use crate::policy::PolicyRegistry;
use crate::sla::columns::{SlaColumns, TicketSlaInputs};
use crate::store::{
    AttachmentInsert, ChangeToken, CustomerNews, EntryInsert, EntryMail, EventRow, EventSubject,
    ExportRecord, MailRecord, Maintenance, OrderFilter, OrderInsert, OrderPatch, OrderRow,
    OrderState, OrgPatch, OrgRow, OutboxInsert, OutboxMessage, OutboxPatch, QuarantineItem,
    SortKey, Store, StoreTx, TicketDetail, TicketFilter, TicketInsert, TicketPage, TicketPatch,
    TicketRow, TicketSort, TriageInsert, TriageItem, TriageState, UrgencyCounts,
};

/// One open write transaction.
pub struct SqliteTx<'a> {
    pub(super) tx: &'a Transaction<'a>,
    /// Set while a bulk load defers index maintenance (see `generate.rs`).
    bulk: Option<super::generate::BulkState>,
    /// Set in a batch of [`Store::write_batched`] (see `load.rs`).
    pub(super) batch: Option<Batch>,
}

/// A batch of a long load: when it should commit, and whether its inserts are journaled.
pub(super) struct Batch {
    pub deadline: std::time::Instant,
    pub journal: bool,
    /// Set when the load's full-text documents are indexed on a second thread
    /// (`search_stage.rs`): the documents of this batch's rows, handed over after its commit.
    pub documents: Option<search_stage::Documents>,
}

impl<'a> SqliteTx<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>) -> SqliteTx<'a> {
        SqliteTx {
            tx,
            bulk: None,
            batch: None,
        }
    }

    /// In an atomic load, notes an inserted row so a failed load can remove it again.
    fn journal(&self, kind: &str, id: i64) -> Result<()> {
        match &self.batch {
            Some(b) if b.journal => super::load::journal(self.tx, kind, id),
            _ => Ok(()),
        }
    }

    /// Whether rows written now get their full-text documents now.
    fn document(&self) -> tickets::Document {
        match &self.batch {
            Some(Batch {
                documents: Some(_), ..
            }) => tickets::Document::Later,
            _ => tickets::Document::Now,
        }
    }

    /// Keeps a document for the second thread when this batch's documents go there.
    fn later(&mut self, rowid: i64, text: impl FnOnce() -> String) {
        if let Some(Batch {
            documents: Some(documents),
            ..
        }) = &mut self.batch
        {
            documents.push((rowid, text()));
        }
    }

    /// Inserts a ticket row, its document indexed now or kept for the second thread.
    fn add_ticket(&mut self, t: &TicketRow<'_>, sla: Option<&SlaColumns>) -> Result<i64> {
        let id = tickets::insert_ticket(self.tx, t, sla, self.document())?;
        self.later(id, || tickets::ticket_document(t.summary, t.description));
        Ok(id)
    }

    /// Ends a bulk load the caller left open, so no index stays dropped at commit. Returns
    /// the documents kept for the second thread.
    pub(super) fn finish(mut self) -> Result<search_stage::Documents> {
        self.bulk_mode(false)?;
        Ok(self.batch.and_then(|b| b.documents).unwrap_or_default())
    }
}

impl StoreTx for SqliteTx<'_> {
    fn ticket(&mut self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        tickets::read_ticket(self.tx, id, now)
    }

    fn org_by_id(&mut self, id: i64) -> Result<Organization> {
        super::orgs::org_by_id_in(self.tx, id)
    }

    fn org_by_name(&mut self, name: &str) -> Result<Organization> {
        super::orgs::org_in(self.tx, name)
    }

    fn insert_org(
        &mut self,
        name: &str,
        policy_set: &str,
        plan: &str,
        tz: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![name, policy_set, plan, tz, to_ts(at)],
            )
            .ctx("adding organization")?;
        Ok(self.tx.last_insert_rowid())
    }

    fn update_org(&mut self, id: i64, patch: &OrgPatch) -> Result<()> {
        let n = match patch {
            OrgPatch::Plan { plan, since } => self.tx.execute(
                "UPDATE orgs SET plan = ?2, plan_since = ?3, version = version + 1 WHERE id = ?1",
                params![id, plan, to_ts(*since)],
            ),
            OrgPatch::Parent(parent) => self.tx.execute(
                "UPDATE orgs SET parent_id = ?2, version = version + 1 WHERE id = ?1",
                params![id, parent],
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
        super::orgs::linked_count(self.tx, org_id)
    }

    fn prior_orders(&mut self, org_id: i64) -> Result<Vec<crate::orders::PriorOrder>> {
        super::orders::prior_orders(self.tx, org_id)
    }

    fn insert_order(&mut self, order: &OrderInsert<'_>) -> Result<i64> {
        super::orders::insert_order(self.tx, order)
    }

    fn order_state(&mut self, id: i64) -> Result<OrderState> {
        super::orders::order_state(self.tx, id)
    }

    fn update_order(&mut self, id: i64, patch: &OrderPatch) -> Result<()> {
        super::orders::update_order(self.tx, id, patch)
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
                 VALUES (?1, ?2, ?3, ?4)",
                params![order_id, name, data, to_ts(at)],
            )
            .ctx("storing an attachment")?;
        Ok(())
    }

    fn last_ticket_event(&mut self, ticket_id: i64) -> Result<Option<AuditEvent>> {
        self.tx
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported FROM events
                 WHERE ticket_id = ?1 ORDER BY id DESC LIMIT 1",
            )
            .and_then(|mut s| s.query_row([ticket_id], tickets::event_from_row).optional())
            .ctx("reading the ticket's last change")
    }

    fn insert_ticket(&mut self, t: &TicketInsert<'_>) -> Result<i64> {
        self.add_ticket(&t.row(), None)
    }

    fn insert_entry(&mut self, e: &EntryInsert<'_>) -> Result<i64> {
        let insert = if self.bulk.is_some() || self.document() == tickets::Document::Later {
            tickets::insert_entry_unindexed
        } else {
            tickets::insert_entry
        };
        let id = insert(
            self.tx,
            e.ticket_id,
            e.kind,
            e.role,
            e.author,
            e.body,
            to_ts(e.at),
        )?;
        self.later(-id, || e.body.to_string());
        Ok(id)
    }

    fn update_ticket(&mut self, id: i64, patch: &TicketPatch) -> Result<()> {
        let tx = self.tx;
        let n = match patch {
            TicketPatch::Status(s) => tx.execute(
                "UPDATE tickets SET status = ?2 WHERE id = ?1",
                params![id, s.as_str()],
            ),
            TicketPatch::ResolvedAt(at) => tx.execute(
                "UPDATE tickets SET resolved_at = ?2 WHERE id = ?1",
                params![id, at.map(to_ts)],
            ),
            TicketPatch::FirstResponseAt(at) => tx.execute(
                "UPDATE tickets SET first_response_at = ?2 WHERE id = ?1",
                params![id, to_ts(*at)],
            ),
            TicketPatch::Severity { name, rank } => tx.execute(
                "UPDATE tickets SET severity = ?2, severity_rank = ?3 WHERE id = ?1",
                params![id, name, rank],
            ),
            TicketPatch::Assignee(who) => tx.execute(
                "UPDATE tickets SET assignee = ?2 WHERE id = ?1",
                params![id, who],
            ),
            TicketPatch::Priority(p) => tx.execute(
                "UPDATE tickets SET priority = ?2 WHERE id = ?1",
                params![id, p],
            ),
            TicketPatch::MergedInto(target) => tx.execute(
                "UPDATE tickets SET merged_into_id = ?2 WHERE id = ?1",
                params![id, target],
            ),
            TicketPatch::Touch { at, bump_version } => tx.execute(
                if *bump_version {
                    "UPDATE tickets SET updated_at = ?2, version = version + 1 WHERE id = ?1"
                } else {
                    "UPDATE tickets SET updated_at = ?2 WHERE id = ?1"
                },
                params![id, to_ts(*at)],
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
        let won = self
            .tx
            .execute(
                "UPDATE tickets SET assignee = ?2, version = version + 1, updated_at = ?3
                 WHERE id = ?1 AND assignee IS NULL",
                params![id, who, to_ts(at)],
            )
            .ctx("claiming ticket")?;
        Ok(won > 0)
    }

    fn open_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO pauses (ticket_id, started_at) VALUES (?1, ?2)",
                params![ticket_id, to_ts(at)],
            )
            .ctx("starting pause")?;
        Ok(())
    }

    fn close_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()> {
        self.tx
            .execute(
                "UPDATE pauses SET ended_at = ?2 WHERE ticket_id = ?1 AND ended_at IS NULL",
                params![ticket_id, to_ts(at)],
            )
            .ctx("ending pause")?;
        Ok(())
    }

    fn sla_inputs(&mut self, ticket_id: i64) -> Result<TicketSlaInputs> {
        sla_columns::load_inputs(self.tx, ticket_id)
    }

    fn store_sla_columns(&mut self, ticket_id: i64, cols: &SlaColumns) -> Result<()> {
        sla_columns::store_columns(self.tx, ticket_id, cols)
    }

    fn record_breach(
        &mut self,
        ticket_id: i64,
        metric: crate::policy::Metric,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO breaches (ticket_id, metric, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (ticket_id, metric) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![ticket_id, metric.as_str(), to_ts(at)]))
            .ctx("recording a breach")?;
        Ok(())
    }

    fn add_resolved_span(
        &mut self,
        ticket_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO resolved_spans (ticket_id, started_at, ended_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (ticket_id, started_at) DO UPDATE SET ended_at = excluded.ended_at",
                params![ticket_id, to_ts(from), to_ts(to)],
            )
            .ctx("recording the time resolved")?;
        Ok(())
    }

    fn active_ticket_ids(&mut self) -> Result<Vec<i64>> {
        self.tx
            .prepare_cached(
                "SELECT id FROM tickets WHERE status IN ('new','open','pending','on-hold')",
            )
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("listing active tickets")
    }

    fn open_ticket_ids_of_org(&mut self, org_id: i64) -> Result<Vec<i64>> {
        sla_columns::open_ticket_ids(self.tx, org_id)
    }

    fn record_event(
        &mut self,
        subject: EventSubject,
        actor: &Actor,
        at: DateTime<Utc>,
        change: (&str, Option<&str>, Option<&str>),
    ) -> Result<()> {
        SqliteStore::record_item_event(self.tx, subject, actor, at, change)
    }

    fn save_draft(
        &mut self,
        actor: &str,
        ticket_id: i64,
        kind: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO drafts (actor, ticket_id, kind, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (actor, ticket_id, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![actor, ticket_id, kind, body, to_ts(at)],
            )
            .ctx("saving draft")?;
        Ok(())
    }

    fn delete_draft(&mut self, actor: &str, ticket_id: i64, kind: &str) -> Result<()> {
        self.tx
            .execute(
                "DELETE FROM drafts WHERE actor = ?1 AND ticket_id = ?2 AND kind = ?3",
                params![actor, ticket_id, kind],
            )
            .ctx("discarding draft")?;
        Ok(())
    }

    fn add_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool> {
        let n = self
            .tx
            .execute(
                "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![ticket_id, tag],
            )
            .ctx("tagging ticket")?;
        Ok(n > 0)
    }

    fn remove_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool> {
        let n = self
            .tx
            .execute(
                "DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2",
                params![ticket_id, tag],
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
        let ctx = "moving the conversation";
        let entries = self
            .tx
            .execute(
                "UPDATE entries SET ticket_id = ?2, merged_from = coalesce(merged_from, ?1)
                 WHERE ticket_id = ?1",
                params![source, target],
            )
            .ctx(ctx)?;
        let attachments = self
            .tx
            .execute(
                "UPDATE entry_attachments SET ticket_id = ?2, entry_id = coalesce(entry_id, ?3)
                 WHERE ticket_id = ?1",
                params![source, target, opening_entry],
            )
            .ctx(ctx)?;
        self.tx
            .execute(
                "UPDATE mail_messages SET ticket_id = ?2, entry_id = coalesce(entry_id, ?3)
                 WHERE ticket_id = ?1",
                params![source, target, opening_entry],
            )
            .ctx(ctx)?;
        self.tx
            .execute(
                "UPDATE outbox SET ticket_id = ?2 WHERE ticket_id = ?1",
                params![source, target],
            )
            .ctx(ctx)?;
        Ok((entries, attachments))
    }

    fn set_entry_merged_from(&mut self, entry_id: i64, from: i64) -> Result<()> {
        self.tx
            .execute(
                "UPDATE entries SET merged_from = ?2 WHERE id = ?1",
                params![entry_id, from],
            )
            .ctx("marking a merged entry")?;
        Ok(())
    }

    fn insert_pending(&mut self, p: &crate::store::PendingInsert<'_>) -> Result<i64> {
        super::pending::insert_pending(self.tx, p)
    }

    fn take_pending(&mut self, id: i64) -> Result<Option<crate::store::PendingAction>> {
        super::pending::take_pending(self.tx, id)
    }

    fn claim_alert(&mut self, claim: &crate::store::AlertClaim<'_>) -> Result<bool> {
        watch::claim_alert(self.tx, claim)
    }

    fn reply_template_exists(&mut self, name: &str) -> Result<bool> {
        reply_templates::exists(self.tx, name)
    }

    fn put_reply_template(
        &mut self,
        name: &str,
        body: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        reply_templates::put(self.tx, name, body, by, at)
    }

    fn remove_reply_template(&mut self, name: &str) -> Result<bool> {
        reply_templates::remove(self.tx, name)
    }

    fn add_contact(&mut self, org_id: i64, address: &str, at: DateTime<Utc>) -> Result<bool> {
        mail::add_contact(self.tx, org_id, address, at)
    }

    fn insert_mail_row(&mut self, row: &crate::store::MailRow) -> Result<i64> {
        mail::insert_row(self.tx, row)
    }

    fn remove_contact(&mut self, org_id: i64, address: &str) -> Result<bool> {
        mail::remove_contact(self.tx, org_id, address)
    }

    fn orgs_for_address(&mut self, address: &str) -> Result<Vec<i64>> {
        mail::orgs_for_address(self.tx, address)
    }

    fn contacts_in(&mut self, org_id: i64) -> Result<Vec<String>> {
        mail::contacts(self.tx, org_id)
    }

    fn mail_known(&mut self, message_id: &str) -> Result<bool> {
        mail::mail_known(self.tx, message_id)
    }

    fn ticket_for_messages(&mut self, message_ids: &[String]) -> Result<Option<i64>> {
        mail::ticket_for_messages(self.tx, message_ids)
    }

    fn ticket_message_ids(&mut self, ticket_id: i64, inbound_only: bool) -> Result<Vec<String>> {
        mail::ticket_message_ids(self.tx, ticket_id, inbound_only)
    }

    fn insert_mail(&mut self, m: &MailRecord<'_>) -> Result<()> {
        mail::insert_mail(self.tx, m)
    }

    fn insert_attachment(&mut self, a: &AttachmentInsert<'_>) -> Result<()> {
        mail::insert_attachment(self.tx, a)
    }

    fn insert_triage(&mut self, t: &TriageInsert<'_>) -> Result<i64> {
        mail::insert_triage(self.tx, t)
    }

    fn triage_item_in(&mut self, id: i64) -> Result<TriageItem> {
        mail::triage_item(self.tx, id)
    }

    fn decide_triage(
        &mut self,
        id: i64,
        state: TriageState,
        ticket_id: Option<i64>,
        reason: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        mail::decide_triage(self.tx, id, state, ticket_id, reason, by, at)
    }

    fn attach_triage_to_ticket(&mut self, triage_id: i64, ticket_id: i64) -> Result<()> {
        mail::attach_triage_to_ticket(self.tx, triage_id, ticket_id)
    }

    fn insert_quarantine(&mut self, raw: &[u8], reason: &str, at: DateTime<Utc>) -> Result<i64> {
        mail::insert_quarantine(self.tx, raw, reason, at)
    }

    fn insert_outbox(&mut self, m: &OutboxInsert<'_>) -> Result<i64> {
        mail::insert_outbox(self.tx, m)
    }

    fn update_outbox(&mut self, id: i64, patch: &OutboxPatch) -> Result<()> {
        mail::update_outbox(self.tx, id, patch)
    }

    fn insert_org_row(&mut self, o: &OrgRow<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO orgs (name, policy_set, plan, tz, created_at, plan_since, parent_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    o.name,
                    o.policy_set,
                    o.plan,
                    o.tz,
                    to_ts(o.created_at),
                    to_ts(o.plan_since),
                    o.parent_id
                ])
            })
            .ctx("adding organization")?;
        let id = self.tx.last_insert_rowid();
        self.journal("org", id)?;
        Ok(id)
    }

    fn ticket_exists(&mut self, id: i64) -> Result<bool> {
        self.tx
            .prepare_cached("SELECT 1 FROM tickets WHERE id = ?1")
            .and_then(|mut s| s.exists([id]))
            .ctx("checking ticket id")
    }

    fn order_exists(&mut self, id: i64) -> Result<bool> {
        self.tx
            .prepare_cached("SELECT 1 FROM orders WHERE id = ?1")
            .and_then(|mut s| s.exists([id]))
            .ctx("checking order id")
    }

    fn insert_ticket_row(&mut self, t: &TicketRow<'_>) -> Result<i64> {
        let id = self.add_ticket(t, None)?;
        self.journal("ticket", id)?;
        Ok(id)
    }

    fn insert_ticket_row_with_sla(&mut self, t: &TicketRow<'_>, cols: &SlaColumns) -> Result<i64> {
        let id = self.add_ticket(t, Some(cols))?;
        self.journal("ticket", id)?;
        Ok(id)
    }

    fn insert_pause(
        &mut self,
        ticket_id: i64,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO pauses (ticket_id, started_at, ended_at) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![ticket_id, to_ts(start), end.map(to_ts)]))
            .ctx("adding pause")?;
        Ok(())
    }

    fn insert_event_row(&mut self, e: &EventRow<'_>) -> Result<()> {
        super::insert_event_row(
            self.tx,
            e.subject,
            (e.actor, e.actor_source),
            e.imported,
            e.at,
            (e.field, e.old, e.new),
        )
    }

    fn insert_order_row(&mut self, o: &OrderRow<'_>) -> Result<()> {
        super::orders::insert_order_row(self.tx, o)?;
        self.journal("order", o.id)
    }

    fn batch_full(&self) -> bool {
        self.batch
            .as_ref()
            .is_some_and(|b| std::time::Instant::now() >= b.deadline)
    }

    fn bulk_mode(&mut self, on: bool) -> Result<()> {
        match (on, self.bulk.take()) {
            (true, None) => self.bulk = Some(super::generate::begin(self.tx, self.document())?),
            (true, Some(state)) => self.bulk = Some(state),
            (false, Some(state)) => super::generate::finish(self.tx, state)?,
            (false, None) => {}
        }
        Ok(())
    }
}

impl Maintenance for SqliteStore {
    fn integrity_check(&self) -> Result<Vec<String>> {
        SqliteStore::integrity_check(self)
    }

    fn backup_to(&self, dest: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<()> {
        SqliteStore::backup_to(self, dest, progress)
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path().display().to_string()
    }

    fn interrupter(&self) -> Option<Arc<dyn Fn() + Send + Sync>> {
        let handle = self.conn.get_interrupt_handle();
        Some(Arc::new(move || handle.interrupt()))
    }

    fn policies(&self) -> &Arc<PolicyRegistry> {
        SqliteStore::policies(self)
    }

    fn write(&mut self, body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()> {
        SqliteStore::write(self, |tx| {
            let mut stx = SqliteTx::new(tx);
            body(&mut stx)?;
            stx.finish().map(|_| ())
        })
    }

    fn write_batched(
        &mut self,
        atomic: bool,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
    ) -> Result<()> {
        self.write_batched_impl(atomic, body)
    }

    fn change_token(&self) -> Result<ChangeToken> {
        SqliteStore::change_token(self).map(ChangeToken)
    }

    fn put_presence(&mut self, p: &crate::store::Presence) -> Result<()> {
        self.write_unmarked(|tx| watch::put_presence(tx, p))
    }

    fn drop_presence(&mut self, session: &str) -> Result<()> {
        self.write_unmarked(|tx| watch::drop_presence(tx, session))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        SqliteStore::meta(self, key)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        SqliteStore::set_meta(self, key, value)
    }

    fn maintenance(&self) -> Option<&dyn Maintenance> {
        Some(self)
    }

    fn ticket(&self, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
        SqliteStore::ticket(self, id, now)
    }

    fn tickets_many(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        tickets::read_tickets(&self.conn, ids, now)
    }

    fn ticket_detail(&self, id: i64, now: DateTime<Utc>) -> Result<TicketDetail> {
        SqliteStore::ticket_detail(self, id, now)
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
        SqliteStore::list_tickets(self, filter, sort, after, before, limit, now)
    }

    fn sort_key(&self, id: i64, sort: TicketSort) -> Result<Option<SortKey>> {
        SqliteStore::sort_key(self, id, sort)
    }

    fn count_tickets(&self, filter: &TicketFilter, now: DateTime<Utc>) -> Result<i64> {
        SqliteStore::count_tickets(self, filter, now)
    }

    fn urgency_counts(&self, now: DateTime<Utc>) -> Result<UrgencyCounts> {
        SqliteStore::urgency_counts(self, now)
    }

    fn search(
        &self,
        query: &str,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<crate::store::SearchHits> {
        SqliteStore::search(self, query, limit, now)
    }

    fn drafts_for(&self, actor: &str, ticket_id: i64) -> Result<Vec<String>> {
        SqliteStore::drafts_for(self, actor, ticket_id)
    }

    fn known_engineers(&self) -> Result<Vec<String>> {
        SqliteStore::known_engineers(self)
    }

    fn draft(&self, actor: &str, ticket_id: i64, kind: &str) -> Result<Option<String>> {
        SqliteStore::draft(self, actor, ticket_id, kind)
    }

    fn sla_inputs_many(&self, ids: &[i64]) -> Result<Vec<TicketSlaInputs>> {
        sla_columns::load_inputs_many(&self.conn, ids)
    }

    fn list_orgs(&self) -> Result<Vec<Organization>> {
        SqliteStore::list_orgs(self)
    }

    fn org_by_name(&self, name: &str) -> Result<Organization> {
        SqliteStore::org_by_name(self, name)
    }

    fn org_by_id(&self, id: i64) -> Result<Organization> {
        SqliteStore::org_by_id(self, id)
    }

    fn linked_orgs(&self, parent_id: i64) -> Result<Vec<Organization>> {
        SqliteStore::linked_orgs(self, parent_id)
    }

    fn org_events(&self, org_id: i64) -> Result<Vec<AuditEvent>> {
        SqliteStore::org_events(self, org_id)
    }

    fn order(&self, id: i64) -> Result<Order> {
        SqliteStore::order(self, id)
    }

    fn list_orders(&self, filter: &OrderFilter, limit: usize) -> Result<Vec<Order>> {
        SqliteStore::list_orders(self, filter, limit)
    }

    fn order_attachment(&self, id: i64, name: &str) -> Result<Vec<u8>> {
        SqliteStore::order_attachment(self, id, name)
    }

    fn order_events(&self, id: i64) -> Result<Vec<AuditEvent>> {
        SqliteStore::order_events(self, id)
    }

    fn month_tickets(
        &self,
        org_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::report::ReportTicket>> {
        super::orders::month_tickets(&self.conn, org_id, from, to)
    }

    fn pending_actions(&self, owner: Option<&str>) -> Result<Vec<crate::store::PendingAction>> {
        super::pending::pending_actions(&self.conn, owner)
    }

    fn presence_since(&self, since: DateTime<Utc>) -> Result<Vec<crate::store::Presence>> {
        watch::presence_since(&self.conn, since)
    }

    fn tickets_at_risk_by(&self, horizon: DateTime<Utc>) -> Result<Vec<i64>> {
        watch::tickets_at_risk_by(&self.conn, horizon)
    }

    fn next_risk_after(&self, after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        watch::next_risk_after(&self.conn, after)
    }

    fn assignments_since(
        &self,
        since: DateTime<Utc>,
        engineer: &str,
    ) -> Result<Vec<crate::store::Happening>> {
        watch::assignments_since(&self.conn, since, engineer)
    }

    fn reply_templates(&self) -> Result<Vec<crate::reply_template::ReplyTemplate>> {
        reply_templates::all(&self.conn)
    }

    fn alert_log(&self) -> Result<Vec<crate::store::AlertRow>> {
        watch::alert_log(&self.conn)
    }

    fn contacts(&self, org_id: i64) -> Result<Vec<String>> {
        mail::contacts(&self.conn, org_id)
    }

    fn mail_triage(&self, all: bool) -> Result<Vec<TriageItem>> {
        mail::triage_list(&self.conn, all)
    }

    fn mail_quarantine(&self) -> Result<Vec<QuarantineItem>> {
        mail::quarantine(&self.conn)
    }

    fn quarantined_raw(&self, id: i64) -> Result<Vec<u8>> {
        mail::quarantined_raw(&self.conn, id)
    }

    fn outbox(&self, limit: usize) -> Result<Vec<OutboxMessage>> {
        mail::outbox(&self.conn, limit)
    }

    fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>> {
        mail::outbox_due(&self.conn, now, limit)
    }

    fn ticket_mail(&self, ticket_id: i64) -> Result<Vec<EntryMail>> {
        mail::ticket_mail(&self.conn, ticket_id)
    }

    fn attachment(&self, id: i64) -> Result<(String, Vec<u8>)> {
        mail::attachment(&self.conn, id)
    }

    fn mail_history_counts(&self) -> Result<[i64; 4]> {
        mail::history_counts(&self.conn)
    }

    fn customer_messages(
        &self,
        from: Option<crate::store::MessagesFrom>,
        limit: usize,
    ) -> Result<CustomerNews> {
        mail::customer_messages(&self.conn, from, limit)
    }

    fn export_snapshot(
        &self,
        now: DateTime<Utc>,
        sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
    ) -> Result<()> {
        SqliteStore::export_snapshot(self, now, sink)
    }
}
