//! The persistence port. Everything above it (use cases in `desk`, the worker, the CLI) sees
//! the two traits below and neutral types and errors only; backends live in their own
//! folders (`sqlite/` is the first) and keep their SQL, locking and change detection there.
//!
//! * [`Store`]: coarse reads that each backend tunes with its own SQL, one atomic write
//!   unit ([`Store::write`]), a change token for others' writes and optional maintenance.
//! * [`StoreTx`]: small write primitives inside one transaction, with no rules in them: the
//!   seeds' rules, audit rows and SLA columns are decided in `desk` and written through it.

pub mod error;
pub mod mail;
pub mod pending;
pub mod postgres;
pub mod search_text;
pub mod sqlite;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use error::{DbFailure, Result, StoreError};
pub use mail::{
    AttachmentInsert, AttachmentMeta, CustomerEntry, CustomerNews, EntryMail, MailCell,
    MailDirection, MailKind, MailRecord, MailRow, MailTable, MessagesFrom, OutboxInsert,
    OutboxMessage, OutboxPatch, OutboxState, QuarantineItem, TriageInsert, TriageItem, TriageState,
};
pub use pending::{Deferred, PendingAction, PendingInsert};
pub use sqlite::{
    CreatedOrder, MAX_ATTACHMENT_BYTES, NewOrder, NewTicket, OrderFilter, SortKey, SqliteStore,
    TicketChange, TicketDetail, TicketFilter, TicketPage, TicketSort, UrgencyCounts, fts,
    validate_attachment_name, warn_if_network_fs,
};

use crate::domain::{
    Actor, AuditEvent, AuthorRole, EntryKind, Environment, Order, Organization, Status, Ticket,
    TicketKind,
};
use crate::policy::PolicyRegistry;
use crate::sla::columns::{SlaColumns, TicketSlaInputs};

/// Changes whenever another handle commits a data change; compare two tokens to learn that
/// something changed (SQLite: a generation counter read when `data_version` moved; a server
/// backend: a notification counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeToken(pub i64);

/// What an audit event is about: the work item (ticket or order) and its organization.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventSubject {
    pub ticket_id: Option<i64>,
    pub org_id: Option<i64>,
    pub order_id: Option<i64>,
}

impl EventSubject {
    pub fn ticket(id: i64) -> EventSubject {
        EventSubject {
            ticket_id: Some(id),
            ..EventSubject::default()
        }
    }

    pub fn org(id: i64) -> EventSubject {
        EventSubject {
            org_id: Some(id),
            ..EventSubject::default()
        }
    }
}

/// A new ticket row, as a use case decided it.
#[derive(Debug, Clone)]
pub struct TicketInsert<'a> {
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
    pub created_at: DateTime<Utc>,
    pub priority: i64,
    pub requester_name: Option<&'a str>,
    pub requester_address: Option<&'a str>,
    pub channel: Option<crate::domain::Channel>,
    /// The earlier ticket this one follows up.
    pub follows: Option<i64>,
}

impl<'a> TicketInsert<'a> {
    /// The whole row of a ticket just opened: unassigned, unanswered, version 1, updated when
    /// created (the id is the store's to choose).
    pub fn row(&self) -> TicketRow<'a> {
        TicketRow {
            id: None,
            org_id: self.org_id,
            kind: self.kind,
            severity: self.severity,
            severity_rank: self.severity_rank,
            status: self.status,
            summary: self.summary,
            description: self.description,
            component: self.component,
            environment: self.environment,
            affected_version: self.affected_version,
            assignee: None,
            created_at: self.created_at,
            updated_at: self.created_at,
            first_response_at: None,
            resolved_at: None,
            priority: self.priority,
            version: 1,
            requester_name: self.requester_name,
            requester_address: self.requester_address,
            channel: self.channel,
            follows: self.follows,
        }
    }
}

/// How many matching documents of each kind a search ranks: the newest this many ticket
/// documents (summary and description; newest = highest ticket id) and, separately, the
/// newest this many conversation entries (highest entry id). Ranking needs each ranked
/// document's length, so this bounds a search's work; a desk where fewer documents of each
/// kind match ranks every match, exactly as an unbounded search would.
pub const SEARCH_RANKED: usize = 5_000;

/// What [`Store::search`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchHits {
    /// Best match first.
    pub tickets: Vec<Ticket>,
    /// More than [`SEARCH_RANKED`] ticket documents or more than [`SEARCH_RANKED`]
    /// conversation entries matched, so older matches were not ranked (and are not in
    /// `tickets` unless another of their documents was).
    pub bounded: bool,
}

/// A new conversation entry.
#[derive(Debug, Clone)]
pub struct EntryInsert<'a> {
    pub ticket_id: i64,
    pub kind: EntryKind,
    pub role: AuthorRole,
    pub author: &'a str,
    pub body: &'a str,
    pub at: DateTime<Utc>,
}

/// An organization row as it was (import, bulk generation): every field given.
#[derive(Debug, Clone)]
pub struct OrgRow<'a> {
    pub name: &'a str,
    pub policy_set: &'a str,
    pub plan: &'a str,
    pub tz: &'a str,
    pub created_at: DateTime<Utc>,
    pub plan_since: DateTime<Utc>,
    pub parent_id: Option<i64>,
}

/// A ticket row as it was (import, bulk generation): explicit id (None: the next one),
/// instants and version. The SLA columns are stored separately by the caller.
#[derive(Debug, Clone)]
pub struct TicketRow<'a> {
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub priority: i64,
    pub version: i64,
    pub requester_name: Option<&'a str>,
    pub requester_address: Option<&'a str>,
    pub channel: Option<crate::domain::Channel>,
    pub follows: Option<i64>,
}

/// A service order row as it was (import): every field given, attachments separately.
#[derive(Debug, Clone)]
pub struct OrderRow<'a> {
    pub id: i64,
    pub org_id: i64,
    pub kind: crate::domain::OrderKind,
    pub status: crate::domain::OrderStatus,
    pub level: Option<u8>,
    pub scenario: Option<crate::domain::Scenario>,
    pub month: Option<crate::domain::YearMonth>,
    pub start: Option<chrono::NaiveDate>,
    pub end: Option<chrono::NaiveDate>,
    pub note: &'a str,
    pub requested_on: chrono::NaiveDate,
    pub due: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub completed_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<&'a str>,
    pub rating: Option<&'a crate::domain::OrderRating>,
    pub version: i64,
}

/// An audit row as recorded (import): the actor's name and source as they were.
#[derive(Debug, Clone, Copy)]
pub struct EventRow<'a> {
    pub subject: EventSubject,
    pub actor: &'a str,
    pub actor_source: &'a str,
    /// Marks a row that came in with an import (see [`crate::domain::AuditEvent::imported`]).
    pub imported: bool,
    pub at: DateTime<Utc>,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// One item of a whole-database snapshot ([`Store::export_snapshot`]): organizations first
/// (by name), then tickets (by id), then service orders (by id), then mail history.
#[derive(Debug, Clone)]
pub enum ExportRecord {
    Org {
        org: Organization,
        /// The organization's own audit rows (not those of its tickets or orders).
        events: Vec<AuditEvent>,
        /// Its mail contacts (addresses and `@domain`s, bytewise sorted) and when each was
        /// added.
        contacts: Vec<(String, DateTime<Utc>)>,
    },
    /// A ticket with its conversation, pauses and audit rows, and the SLA facts on record
    /// (resolved spans, breaches) read in the same snapshot.
    Ticket(Box<TicketDetail>, Box<crate::sla::TicketTimeline>),
    Order {
        order: Box<Order>,
        /// Every deliverable with its bytes, by name.
        attachments: Vec<(String, Vec<u8>)>,
        events: Vec<AuditEvent>,
    },
    /// A row of mail history, after every order: the tables in [`MailTable::ALL`] order,
    /// each by id.
    Mail(MailRow),
}

/// One field change of a ticket row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketPatch {
    Status(Status),
    /// `None` clears it (a reopened ticket).
    ResolvedAt(Option<DateTime<Utc>>),
    FirstResponseAt(DateTime<Utc>),
    Severity {
        name: String,
        rank: i64,
    },
    Assignee(Option<String>),
    Priority(i64),
    /// Merged into that ticket (the source of a merge points at its target).
    MergedInto(i64),
    /// `updated_at` moves; the version goes up when `bump_version`.
    Touch {
        at: DateTime<Utc>,
        bump_version: bool,
    },
}

/// What `org plan`, `org link` and `org unlink` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChange {
    pub org: String,
    pub old: String,
    pub new: String,
    /// Open tickets whose targets and priority were recomputed.
    pub recomputed: usize,
}

/// A new service order, as the rules accepted it.
#[derive(Debug, Clone)]
pub struct OrderInsert<'a> {
    pub org_id: i64,
    pub request: &'a crate::orders::OrderRequest,
    pub note: &'a str,
    /// The organization's calendar day of the request.
    pub requested_on: chrono::NaiveDate,
    pub due: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
}

/// One change of an order row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderPatch {
    Completed {
        at: DateTime<Utc>,
    },
    Rejected {
        at: DateTime<Utc>,
        reason: String,
    },
    Rating {
        speed: i64,
        quality: i64,
        feedback: String,
        at: DateTime<Utc>,
    },
}

/// An order's status as read inside a write transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderState {
    pub org_id: i64,
    pub status: crate::domain::OrderStatus,
    pub rated: bool,
}

/// One field change of an organization row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgPatch {
    /// A new plan, served from `since`.
    Plan { plan: String, since: DateTime<Utc> },
    /// Linked to another account (its id), or unlinked.
    Parent(Option<i64>),
}

/// Write primitives inside one transaction. No rules: the caller decided everything.
pub trait StoreTx {
    /// The ticket as it is inside this transaction (the write lock is held).
    fn ticket(&mut self, id: i64, now: DateTime<Utc>) -> Result<Ticket>;
    fn org_by_id(&mut self, id: i64) -> Result<Organization>;
    fn org_by_name(&mut self, name: &str) -> Result<Organization>;
    fn insert_org(
        &mut self,
        name: &str,
        policy_set: &str,
        plan: &str,
        tz: &str,
        at: DateTime<Utc>,
    ) -> Result<i64>;
    /// `NotFound` when there is no such organization (as `update_ticket`, `update_order`).
    fn update_org(&mut self, id: i64, patch: &OrgPatch) -> Result<()>;
    /// How many accounts are linked to this one.
    fn linked_count(&mut self, org_id: i64) -> Result<i64>;
    /// The organization's orders, for quotas and once-only checks.
    fn prior_orders(&mut self, org_id: i64) -> Result<Vec<crate::orders::PriorOrder>>;
    fn insert_order(&mut self, order: &OrderInsert<'_>) -> Result<i64>;
    fn order_state(&mut self, id: i64) -> Result<OrderState>;
    fn update_order(&mut self, id: i64, patch: &OrderPatch) -> Result<()>;
    fn insert_order_attachment(
        &mut self,
        order_id: i64,
        name: &str,
        data: &[u8],
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// The newest audit row of a ticket (for "changed under you" messages).
    fn last_ticket_event(&mut self, ticket_id: i64) -> Result<Option<AuditEvent>>;
    fn insert_ticket(&mut self, t: &TicketInsert<'_>) -> Result<i64>;
    fn insert_entry(&mut self, e: &EntryInsert<'_>) -> Result<i64>;
    fn update_ticket(&mut self, id: i64, patch: &TicketPatch) -> Result<()>;
    /// Assigns `who` only if nobody holds the ticket; false when someone does.
    fn claim_if_unassigned(&mut self, id: i64, who: &str, at: DateTime<Utc>) -> Result<bool>;
    fn open_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()>;
    fn close_pause(&mut self, ticket_id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Everything the SLA engine needs about one ticket.
    fn sla_inputs(&mut self, ticket_id: i64) -> Result<TicketSlaInputs>;
    fn store_sla_columns(&mut self, ticket_id: i64, cols: &SlaColumns) -> Result<()>;
    /// SLA inputs of many tickets inside this transaction, in the order asked (a backend may
    /// read them in one go).
    fn sla_inputs_many(&mut self, ids: &[i64]) -> Result<Vec<TicketSlaInputs>> {
        ids.iter().map(|&id| self.sla_inputs(id)).collect()
    }
    /// Stores many tickets' SLA columns and queue priorities at once (the end of an import's
    /// batch): the same as `store_sla_columns` and `TicketPatch::Priority` for each.
    fn store_refreshed(&mut self, rows: &[(i64, SlaColumns, i64)]) -> Result<()> {
        for (id, cols, priority) in rows {
            self.store_sla_columns(*id, cols)?;
            self.update_ticket(*id, &TicketPatch::Priority(*priority))?;
        }
        Ok(())
    }
    /// Keeps a breach as a fact (the first one recorded for the metric stays).
    fn record_breach(
        &mut self,
        ticket_id: i64,
        metric: crate::policy::Metric,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// A reopened ticket's time resolved, `[from, to)`: its clocks stood still then.
    fn add_resolved_span(
        &mut self,
        ticket_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<()>;
    /// Every ticket in an active status (new, open, pending, on-hold).
    fn active_ticket_ids(&mut self) -> Result<Vec<i64>>;
    /// Open tickets of an organization and of the accounts linked to it.
    fn open_ticket_ids_of_org(&mut self, org_id: i64) -> Result<Vec<i64>>;
    fn record_event(
        &mut self,
        subject: EventSubject,
        actor: &Actor,
        at: DateTime<Utc>,
        change: (&str, Option<&str>, Option<&str>),
    ) -> Result<()>;
    fn save_draft(
        &mut self,
        actor: &str,
        ticket_id: i64,
        kind: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    fn delete_draft(&mut self, actor: &str, ticket_id: i64, kind: &str) -> Result<()>;

    // tags and merges (issue 17 items 5 and 6)
    /// Adds a (normalized) tag; false when the ticket had it already.
    fn add_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool>;
    /// Removes a tag; false when the ticket did not have it.
    fn remove_tag(&mut self, ticket_id: i64, tag: &str) -> Result<bool>;
    /// Moves a ticket's conversation entries (each keeping its id, time and author, marked
    /// as coming from `source` unless an earlier merge marked it), its attachments, its mail
    /// records and outbox rows to `target`. What belonged to the source's opening message
    /// (attachments, its received mail) goes to `opening_entry`, an entry of the source the
    /// caller wrote for it. Returns how many entries and attachments moved.
    fn move_conversation(
        &mut self,
        source: i64,
        target: i64,
        opening_entry: i64,
    ) -> Result<(usize, usize)>;
    /// Marks an entry as moved here from ticket `from` (an import of a merged conversation).
    fn set_entry_merged_from(&mut self, entry_id: i64, from: i64) -> Result<()>;

    // the undo window (issue 17 item 3)
    /// Stores an action in its undo window; its id.
    fn insert_pending(&mut self, p: &PendingInsert<'_>) -> Result<i64>;
    /// Removes pending action `id` and returns it, or `None` when it is gone (applied or
    /// undone by another TUI or watcher): of simultaneous takes exactly one gets it.
    fn take_pending(&mut self, id: i64) -> Result<Option<PendingAction>>;

    // the alert log of `tuidesk watch`
    /// Records the alert `key` as fired (or skipped, per `outcome`); false when another
    /// watcher already did, so each alert fires once.
    fn claim_alert(&mut self, claim: &AlertClaim<'_>) -> Result<bool>;

    // the team's canned replies
    fn reply_template_exists(&mut self, name: &str) -> Result<bool>;
    /// Creates or replaces the shared template `name`.
    fn put_reply_template(
        &mut self,
        name: &str,
        body: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// True when there was one.
    fn remove_reply_template(&mut self, name: &str) -> Result<bool>;

    // contacts and mail (issue 16)
    /// True when the address (normalized by the caller) was not yet a contact.
    fn add_contact(&mut self, org_id: i64, address: &str, at: DateTime<Utc>) -> Result<bool>;
    /// A row of mail history as an import or `migrate` carries it (entry cells hold the
    /// entry's id in this store, triage cells this store's triage ids); its new id.
    fn insert_mail_row(&mut self, row: &MailRow) -> Result<i64>;
    /// True when it was one.
    fn remove_contact(&mut self, org_id: i64, address: &str) -> Result<bool>;
    /// The organizations that list `address` itself, else (when none) its `@domain` or a
    /// parent domain's, nearest first; ordered by organization id.
    fn orgs_for_address(&mut self, address: &str) -> Result<Vec<i64>>;
    fn contacts_in(&mut self, org_id: i64) -> Result<Vec<String>>;
    /// Whether a message with this Message-ID was stored (either direction).
    fn mail_known(&mut self, message_id: &str) -> Result<bool>;
    /// The ticket of the first of these Message-IDs that tuidesk received or sent for one.
    fn ticket_for_messages(&mut self, message_ids: &[String]) -> Result<Option<i64>>;
    /// Message-IDs of a ticket's mail, oldest first; `inbound_only` keeps received ones.
    fn ticket_message_ids(&mut self, ticket_id: i64, inbound_only: bool) -> Result<Vec<String>>;
    fn insert_mail(&mut self, m: &MailRecord<'_>) -> Result<()>;
    fn insert_attachment(&mut self, a: &AttachmentInsert<'_>) -> Result<()>;
    fn insert_triage(&mut self, t: &TriageInsert<'_>) -> Result<i64>;
    fn triage_item_in(&mut self, id: i64) -> Result<TriageItem>;
    /// Files (with its new ticket) or discards (with a reason) a waiting item.
    fn decide_triage(
        &mut self,
        id: i64,
        state: TriageState,
        ticket_id: Option<i64>,
        reason: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Moves a triage item's attachments and message record to a ticket.
    fn attach_triage_to_ticket(&mut self, triage_id: i64, ticket_id: i64) -> Result<()>;
    fn insert_quarantine(&mut self, raw: &[u8], reason: &str, at: DateTime<Utc>) -> Result<i64>;
    fn insert_outbox(&mut self, m: &OutboxInsert<'_>) -> Result<i64>;
    fn update_outbox(&mut self, id: i64, patch: &OutboxPatch) -> Result<()>;
    // Rows as they were (import, bulk generation): no rules, every field given.
    fn insert_org_row(&mut self, org: &OrgRow<'_>) -> Result<i64>;
    fn ticket_exists(&mut self, id: i64) -> Result<bool>;
    fn order_exists(&mut self, id: i64) -> Result<bool>;
    fn insert_ticket_row(&mut self, t: &TicketRow<'_>) -> Result<i64>;
    /// A ticket row with its SLA columns already evaluated (bulk loads): a backend may write
    /// the row and its indexes once instead of inserting and then updating them.
    fn insert_ticket_row_with_sla(&mut self, t: &TicketRow<'_>, cols: &SlaColumns) -> Result<i64> {
        let id = self.insert_ticket_row(t)?;
        self.store_sla_columns(id, cols)?;
        Ok(id)
    }
    fn insert_pause(
        &mut self,
        ticket_id: i64,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Result<()>;
    fn insert_event_row(&mut self, e: &EventRow<'_>) -> Result<()>;
    fn insert_order_row(&mut self, o: &OrderRow<'_>) -> Result<()>;
    /// Many rows follow (`true`) or they are done (`false`, before the transaction ends): a
    /// backend may defer index maintenance in between. Inside one transaction only.
    fn bulk_mode(&mut self, on: bool) -> Result<()>;
    /// Inside [`Store::write_batched`]: this transaction has run long enough, the caller
    /// should return from its batch so it commits and others get their turn. Backends whose
    /// writers do not lock each other out never say so (the default).
    fn batch_full(&self) -> bool {
        false
    }
}

/// A backend's own maintenance, where it has any.
pub trait Maintenance {
    /// "ok" alone when the database is sound, else one line per problem.
    fn integrity_check(&self) -> Result<Vec<String>>;
    /// A consistent copy while others keep writing, finished in bounded time; an
    /// interrupted backup leaves nothing at `dest`. `progress` hears bytes written so far
    /// (from another thread).
    fn backup_to(&self, dest: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<()>;
}

/// One database, whatever the backend.
pub trait Store: Send {
    /// Where the data lives, for messages (a path or a URL without its password).
    fn location(&self) -> String;

    /// Stops the statement running on this store right now, callable from any thread (the
    /// TUI cancels a running search with it); `None` where the backend cannot.
    fn interrupter(&self) -> Option<std::sync::Arc<dyn Fn() + Send + Sync>> {
        None
    }
    fn policies(&self) -> &Arc<PolicyRegistry>;
    /// Runs `body` as one atomic unit: all of it commits or none (retried when busy).
    fn write(&mut self, body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()>;
    /// A long load (`gen`, a large `import`) as a series of batches: `body` is called until
    /// it returns `false` (nothing more), each call adding rows until [`StoreTx::batch_full`].
    /// A backend whose writers lock the whole database (SQLite) commits each call as its own
    /// short transaction and lets other writers in between; each call runs exactly once (never
    /// replayed). With `atomic`, everything the load inserted is removed again if a call fails
    /// or the process dies before the last call commits (other connections may see the rows
    /// meanwhile); rows that exist before the load may only be changed in the last call.
    /// The default runs every call in one transaction.
    fn write_batched(
        &mut self,
        atomic: bool,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
    ) -> Result<()> {
        let _ = atomic;
        write_batches_at_once(&mut |whole| self.write(whole), body)
    }
    /// Moves when another handle commits a data change: every write except the presence
    /// heartbeats below, which would otherwise reload every other TUI's lists every few
    /// seconds. This handle's own writes do not move it.
    fn change_token(&self) -> Result<ChangeToken>;
    /// Records (or refreshes) one TUI's heartbeat, in its own transaction. Not a data change:
    /// other handles' change tokens stay put (they read presence on their own timer).
    fn put_presence(&mut self, p: &Presence) -> Result<()>;
    /// Removes a TUI's heartbeat (it quit); not a data change either.
    fn drop_presence(&mut self, session: &str) -> Result<()>;
    /// A fact about the database itself (e.g. that `tuidesk demo` made it), if recorded.
    fn meta(&self, key: &str) -> Result<Option<String>>;
    /// Records a fact about the database itself, replacing an earlier value.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
    fn maintenance(&self) -> Option<&dyn Maintenance>;

    // tickets
    /// `now` decides [`Ticket::breached`]: true once `now` is past the stored breach instant
    /// (not at it), the SLA engine's rule; the same for the `breached` filter and counts.
    fn ticket(&self, id: i64, now: DateTime<Utc>) -> Result<Ticket>;
    fn ticket_detail(&self, id: i64, now: DateTime<Utc>) -> Result<TicketDetail>;
    /// Many tickets in one read, in the order asked (an id asked twice comes twice); a
    /// missing one is `NotFound`.
    fn tickets_many(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Ticket>>;
    /// One window of a sorted, filtered listing; `before` = [`SortKey::end`] is the last page.
    fn list_tickets(
        &self,
        filter: &TicketFilter,
        sort: TicketSort,
        after: Option<&SortKey>,
        before: Option<&SortKey>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<TicketPage>;
    fn sort_key(&self, id: i64, sort: TicketSort) -> Result<Option<SortKey>>;
    fn count_tickets(&self, filter: &TicketFilter, now: DateTime<Utc>) -> Result<i64>;
    fn urgency_counts(&self, now: DateTime<Utc>) -> Result<UrgencyCounts>;
    /// Full-text search, best match first: the `limit` tickets whose best document ranks
    /// highest, ties by lower id. Ranks at most the newest [`SEARCH_RANKED`] matching ticket
    /// documents and the newest [`SEARCH_RANKED`] matching conversation entries (see
    /// [`SearchHits::bounded`]), so the cost of a frequent word does not grow with the desk.
    fn search(&self, query: &str, limit: usize, now: DateTime<Utc>) -> Result<SearchHits>;
    fn drafts_for(&self, actor: &str, ticket_id: i64) -> Result<Vec<String>>;
    /// Everyone who holds or has held a ticket, by name (completion for assigning).
    fn known_engineers(&self) -> Result<Vec<String>>;
    fn draft(&self, actor: &str, ticket_id: i64, kind: &str) -> Result<Option<String>>;
    /// SLA inputs of many tickets at once (the SLA pane), in the order asked.
    fn sla_inputs_many(&self, ids: &[i64]) -> Result<Vec<TicketSlaInputs>>;

    // organizations
    fn list_orgs(&self) -> Result<Vec<Organization>>;
    fn org_by_name(&self, name: &str) -> Result<Organization>;
    fn org_by_id(&self, id: i64) -> Result<Organization>;
    fn linked_orgs(&self, parent_id: i64) -> Result<Vec<Organization>>;
    fn org_events(&self, org_id: i64) -> Result<Vec<AuditEvent>>;

    // service orders
    fn order(&self, id: i64) -> Result<Order>;
    /// Processing orders first, soonest deadline first (undated ones after them); then the
    /// rest, newest first. Each as [`Store::order`] reads it, attachments included.
    fn list_orders(&self, filter: &OrderFilter, limit: usize) -> Result<Vec<Order>>;
    fn order_attachment(&self, id: i64, name: &str) -> Result<Vec<u8>>;
    fn order_events(&self, id: i64) -> Result<Vec<AuditEvent>>;
    /// An organization's tickets created or resolved in `[from, to)`, oldest first (the
    /// monthly report; `plan` is left for the caller to decide).
    fn month_tickets(
        &self,
        org_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::report::ReportTicket>>;

    /// Actions in their undo window, soonest due first (then by id): those `owner` (an
    /// actor's audit name) made, or everyone's when `None`.
    fn pending_actions(&self, owner: Option<&str>) -> Result<Vec<PendingAction>>;

    /// Heartbeats seen at or after `since`, by who then session.
    fn presence_since(&self, since: DateTime<Utc>) -> Result<Vec<Presence>>;

    // what `tuidesk watch` looks at
    /// Active tickets whose most urgent running target is at risk by `horizon` (stored
    /// `risk_at`): the only ones that can have an SLA alert due.
    fn tickets_at_risk_by(&self, horizon: DateTime<Utc>) -> Result<Vec<i64>>;
    /// The earliest stored at-risk instant after `after` among active tickets.
    fn next_risk_after(&self, after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>>;
    /// Assignments to `engineer` since `since` (inclusive), oldest first.
    fn assignments_since(&self, since: DateTime<Utc>, engineer: &str) -> Result<Vec<Happening>>;

    /// The team's shared canned replies, by name.
    fn reply_templates(&self) -> Result<Vec<crate::reply_template::ReplyTemplate>>;
    /// The alert log of `tuidesk watch`, by key (bytewise).
    fn alert_log(&self) -> Result<Vec<AlertRow>>;

    // contacts and mail
    /// The organization's contacts (addresses and `@domain`s), sorted.
    fn contacts(&self, org_id: i64) -> Result<Vec<String>>;
    /// The triage inbox; decided items too when `all`.
    fn mail_triage(&self, all: bool) -> Result<Vec<TriageItem>>;
    fn mail_quarantine(&self) -> Result<Vec<QuarantineItem>>;
    fn quarantined_raw(&self, id: i64) -> Result<Vec<u8>>;
    /// The outbox, newest first (at most `limit`).
    fn outbox(&self, limit: usize) -> Result<Vec<OutboxMessage>>;
    /// Queued messages whose next attempt is due at `now`, oldest first.
    fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>>;
    /// The mail side of a ticket's conversation (received messages, deliveries, attachments);
    /// entry_id 0 holds what came with the ticket's opening message.
    fn ticket_mail(&self, ticket_id: i64) -> Result<Vec<EntryMail>>;
    /// An attachment's name and bytes (`NotFound` when it was dropped).
    fn attachment(&self, id: i64) -> Result<(String, Vec<u8>)>;
    /// How many received or sent messages, triage items, quarantined messages and outbox
    /// rows the database holds: the mail history `export` does not carry (yet).
    fn mail_history_counts(&self) -> Result<[i64; 4]>;
    /// Customers' messages (entries by a customer, autoreplies and bounces left out), for the
    /// TUI's watcher and `tuidesk watch`: the newest conversation entry id of any kind (a
    /// watcher's next mark, 0 when there is none), and the newest `limit` (`usize::MAX`: all)
    /// customer messages `from` selects, newest first, each with its ticket's assignee now
    /// (none when `from` is None: only where things stand).
    fn customer_messages(&self, from: Option<MessagesFrom>, limit: usize) -> Result<CustomerNews>;

    /// Streams the whole database from ONE read snapshot (others keep writing meanwhile):
    /// organizations by name, tickets by id with conversation, pauses and audit rows, then
    /// service orders by id with attachments and audit rows. `now` only decides the
    /// `breached` flag of the tickets read.
    fn export_snapshot(
        &self,
        now: DateTime<Utc>,
        sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
    ) -> Result<()>;
}

/// One running TUI: who, which ticket it shows, whether its user is writing on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Unique per running TUI (user, host and process).
    pub session: String,
    pub who: String,
    pub ticket_id: Option<i64>,
    pub composing: bool,
    pub seen_at: DateTime<Utc>,
}

/// One row of the alert log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertClaim<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub ticket_id: i64,
    pub happened_at: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
    pub fired_by: &'a str,
    /// `fired`, or why not (`skipped: older than …`).
    pub outcome: &'a str,
}

/// One row of the alert log as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub key: String,
    pub kind: String,
    pub ticket_id: i64,
    pub happened_at: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
    pub fired_by: String,
    pub outcome: String,
}

impl AlertRow {
    pub fn claim(&self) -> AlertClaim<'_> {
        AlertClaim {
            key: &self.key,
            kind: &self.kind,
            ticket_id: self.ticket_id,
            happened_at: self.happened_at,
            fired_at: self.fired_at,
            fired_by: &self.fired_by,
            outcome: &self.outcome,
        }
    }
}

/// Something that happened to a ticket at an instant (a customer's message, an
/// assignment); `id` is its row (entry or audit event) and makes its alert key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Happening {
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
}

/// A ticket row's tags as the backends read them (newline-separated, any order), bytewise
/// sorted.
pub(crate) fn split_tags(joined: Option<String>) -> Vec<String> {
    let mut tags: Vec<String> = joined
        .map(|j| j.split('\n').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort();
    tags
}

/// The tickets found, in the order asked; a missing one is `NotFound`.
pub(crate) fn tickets_in_order(
    ids: &[i64],
    found: std::collections::HashMap<i64, Ticket>,
) -> Result<Vec<Ticket>> {
    ids.iter()
        .map(|id| {
            found.get(id).cloned().ok_or_else(|| StoreError::NotFound {
                what: "ticket",
                key: id.to_string(),
            })
        })
        .collect()
}

/// True when a location names a server database (`postgres://` or `postgresql://`) rather
/// than a SQLite file.
pub fn is_server_url(location: &Path) -> bool {
    location.to_str().is_some_and(postgres::is_postgres_url)
}

/// Opens the store a location names: a `postgres://` or `postgresql://` URL is a PostgreSQL
/// database; anything else is a SQLite file path.
pub fn open(location: &Path, policies: Arc<PolicyRegistry>) -> Result<Box<dyn Store>> {
    if let Some(url) = location.to_str().filter(|l| postgres::is_postgres_url(l)) {
        return Ok(Box::new(postgres::PgStore::open(url, policies)?));
    }
    Ok(Box::new(SqliteStore::open(location, policies)?))
}

/// Opens the store a location names for reading only (a read-only medium, a read-only
/// server session): every write through it fails, nothing is created or migrated.
pub fn open_for_reading(location: &Path, policies: Arc<PolicyRegistry>) -> Result<Box<dyn Store>> {
    if let Some(url) = location.to_str().filter(|l| postgres::is_postgres_url(l)) {
        return Ok(Box::new(postgres::PgStore::open_for_reading(
            url, policies,
        )?));
    }
    Ok(Box::new(SqliteStore::open_for_reading(location, policies)?))
}

/// A unit of work written whole, as [`Store::write`] takes it.
pub type WriteBody<'a> = &'a mut dyn FnMut(&mut dyn StoreTx) -> Result<()>;

/// Runs a load's batches (see [`Store::write_batched`]) inside one transaction of `write`,
/// each exactly once: they consume their input, so a transaction retried after a busy error
/// cannot replay them and is refused rather than silently adding fewer rows.
pub fn write_batches_at_once(
    write: &mut dyn FnMut(WriteBody<'_>) -> Result<()>,
    body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<bool>,
) -> Result<()> {
    let mut started = false;
    write(&mut |tx| {
        if started {
            return Err(StoreError::Other(
                "the database stayed busy during a bulk load; nothing was added, run it again"
                    .into(),
            ));
        }
        started = true;
        while body(tx)? {}
        Ok(())
    })
}
