//! Ticket use cases: open, reply / note, status, severity, assignee, claim, drafts.

use chrono::{DateTime, Utc};

use super::Desk;
use super::sla::{record_breaches, refresh};
use crate::domain::{
    self, Actor, AuthorRole, ConversationEntry, EntryKind, Status, Ticket, TicketKind,
};
use crate::policy::PolicyRegistry;
use crate::store::{
    EntryInsert, EventSubject, MailDirection, MailRecord, NewTicket, OutboxInsert, Result,
    StoreError, StoreTx, TicketChange, TicketInsert, TicketPatch,
};

/// A file attached to a reply or note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl Desk {
    /// Opens a ticket for an organization, validated against the plan that serves it now.
    pub fn create_ticket(
        &mut self,
        new: &NewTicket,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let policies = self.policies.clone();
        let mut id = 0;
        self.store.write(&mut |tx| {
            id = open_ticket_in(tx, &policies, new, None, actor, now)?;
            Ok(())
        })?;
        self.store.ticket(id, now)
    }

    /// Adds a reply or a note. An engineer's first public reply meets the first response and
    /// moves a `new` ticket to `open`; the author's draft of this kind is cleared in the same
    /// transaction, so a sent reply never comes back as a draft.
    pub fn add_entry(
        &mut self,
        ticket_id: i64,
        kind: EntryKind,
        role: AuthorRole,
        body: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ConversationEntry> {
        self.add_entry_with(ticket_id, kind, role, body, &[], actor, now)
    }

    /// A reply or note with files attached, stored with the entry in the same transaction
    /// (and on the mail a public reply sends: at most one file there, refused otherwise, so
    /// nothing attached is silently left out of the customer's copy).
    #[allow(clippy::too_many_arguments)]
    pub fn add_entry_with(
        &mut self,
        ticket_id: i64,
        kind: EntryKind,
        role: AuthorRole,
        body: &str,
        files: &[NewAttachment],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ConversationEntry> {
        for f in files {
            if f.name.trim().is_empty() || f.name.chars().any(|c| c.is_control() || c == '/') {
                return Err(StoreError::Other(format!(
                    "attachment name {:?} must be a plain file name",
                    f.name
                )));
            }
        }
        let what = entry_word(kind);
        domain::validate_body(what, body, false)?;
        let policies = self.policies.clone();
        let mail_from = self.mail_from.clone();
        let mut entry_id = 0;
        let author = actor.audit_name();
        // A reply applied from its undo window leaves the draft alone: the text typed since
        // belongs to a new reply.
        let clear_draft = self.pending_claim.is_none();
        self.claimed_write(&mut |tx| {
            let current = tx.ticket(ticket_id, now)?;
            super::tags_merge::refuse_if_merged(&current)?;
            entry_id = tx.insert_entry(&EntryInsert {
                ticket_id,
                kind,
                role,
                author: &author,
                body,
                at: now,
            })?;
            let mut changed = false;
            if kind == EntryKind::Reply && role == AuthorRole::Engineer {
                if current.first_response_at.is_none() {
                    tx.update_ticket(ticket_id, &TicketPatch::FirstResponseAt(now))?;
                    tx.record_event(
                        EventSubject::ticket(ticket_id),
                        actor,
                        now,
                        ("first_response", None, Some(&now.to_rfc3339())),
                    )?;
                    changed = true;
                }
                if current.status == Status::New {
                    set_status(tx, &current, Status::Open, actor, now)?;
                    changed = true;
                }
                // The reply goes to the requester: queued in this same transaction, so a
                // reply is never stored without its message or sent without being stored.
                // Internal notes never reach this branch.
                if let Some(to) = &current.requester_address {
                    if files.len() > 1 {
                        return Err(StoreError::Other(format!(
                            "a reply mailed to {to} carries at most one attachment; send {} replies, or attach them to a note",
                            files.len()
                        )));
                    }
                    let inbound = tx.ticket_message_ids(ticket_id, true)?;
                    let h = crate::mail::compose::reply_headers(
                        ticket_id,
                        "r",
                        entry_id,
                        &current.summary,
                        &inbound,
                        mail_from.as_deref(),
                        now,
                    );
                    tx.insert_outbox(&OutboxInsert {
                        ticket_id: Some(ticket_id),
                        entry_id: Some(entry_id),
                        order_id: None,
                        message_id: &h.message_id,
                        to,
                        subject: &h.subject,
                        in_reply_to: h.in_reply_to.as_deref(),
                        references: h.references.as_deref(),
                        body,
                        attachment: files.first().map(|f| (f.name.as_str(), f.data.as_slice())),
                        at: now,
                    })?;
                    tx.insert_mail(&MailRecord {
                        message_id: &h.message_id,
                        direction: MailDirection::Out,
                        ticket_id: Some(ticket_id),
                        entry_id: Some(entry_id),
                        triage_id: None,
                        from_address: None,
                        subject: Some(&h.subject),
                        auto: None,
                        at: now,
                    })?;
                }
            }
            tx.record_event(
                EventSubject::ticket(ticket_id),
                actor,
                now,
                (what, None, Some(&format!("#{entry_id}"))),
            )?;
            for f in files {
                tx.insert_attachment(&crate::store::AttachmentInsert {
                    ticket_id: Some(ticket_id),
                    entry_id: Some(entry_id),
                    triage_id: None,
                    name: &f.name,
                    content_type: &f.content_type,
                    size: f.data.len() as i64,
                    data: Some(&f.data),
                })?;
                tx.record_event(
                    EventSubject::ticket(ticket_id),
                    actor,
                    now,
                    ("attachment", None, Some(&format!("{} on #{entry_id}", f.name))),
                )?;
            }
            tx.update_ticket(
                ticket_id,
                &TicketPatch::Touch {
                    at: now,
                    bump_version: changed,
                },
            )?;
            if clear_draft {
                tx.delete_draft(&actor.draft_owner(), ticket_id, what)?;
            }
            refresh(tx, &policies, ticket_id, now)?;
            Ok(())
        })?;
        Ok(ConversationEntry {
            id: entry_id,
            ticket_id,
            kind,
            role,
            author,
            body: body.to_string(),
            created_at: DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now),
            merged_from: None,
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
        self.claimed_write(&mut |tx| {
            let current = tx.ticket(ticket_id, now)?;
            if let Some(v) = expected
                && v != current.version
            {
                return Err(conflict(tx, ticket_id, v, current.version));
            }
            super::tags_merge::refuse_if_merged(&current)?;
            record_breaches(tx, &policies, ticket_id, now)?;
            match change {
                TicketChange::Status(s) => {
                    if current.status == *s {
                        return Ok(());
                    }
                    set_status(tx, &current, *s, actor, now)?;
                }
                TicketChange::Severity(sev) => {
                    let org = tx.org_by_id(current.org_id)?;
                    let set = crate::policy::rules::policy_set(&policies, &org.policy_set)?;
                    let tz = domain::parse_tz(&org.tz)?;
                    let opened = current.created_at.with_timezone(&tz).date_naive();
                    let plan = set.effective_plan(org.plan_for_tickets(), opened);
                    crate::policy::rules::validate_kind_severity(
                        set,
                        &org.name,
                        plan,
                        current.kind,
                        sev,
                    )?;
                    if *sev == current.severity {
                        return Ok(());
                    }
                    let rank = set.severity_rank(sev).unwrap_or(0) as i64;
                    tx.update_ticket(
                        ticket_id,
                        &TicketPatch::Severity {
                            name: sev.clone(),
                            rank,
                        },
                    )?;
                    tx.record_event(
                        EventSubject::ticket(ticket_id),
                        actor,
                        now,
                        ("severity", Some(&current.severity), Some(sev)),
                    )?;
                }
                TicketChange::Assign(who) => {
                    if let Some(w) = who {
                        domain::validate_user_name(w)?;
                    }
                    if *who == current.assignee {
                        return Ok(());
                    }
                    tx.update_ticket(ticket_id, &TicketPatch::Assignee(who.clone()))?;
                    tx.record_event(
                        EventSubject::ticket(ticket_id),
                        actor,
                        now,
                        ("assignee", current.assignee.as_deref(), who.as_deref()),
                    )?;
                }
            }
            tx.update_ticket(
                ticket_id,
                &TicketPatch::Touch {
                    at: now,
                    bump_version: true,
                },
            )?;
            refresh(tx, &policies, ticket_id, now)?;
            Ok(())
        })?;
        self.store.ticket(ticket_id, now)
    }

    /// Assigns the ticket to the actor unless someone else holds it. The check and the write
    /// are one atomic step, so of simultaneous claims exactly one wins.
    pub fn claim(&mut self, ticket_id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<Ticket> {
        self.store.write(&mut |tx| {
            let current = tx.ticket(ticket_id, now)?;
            if current.assignee.as_deref() == Some(actor.name.as_str()) {
                return Ok(());
            }
            if !tx.claim_if_unassigned(ticket_id, &actor.name, now)? {
                return Err(StoreError::ClaimedBy {
                    id: ticket_id,
                    by: current.assignee.clone().unwrap_or_default(),
                });
            }
            tx.record_event(
                EventSubject::ticket(ticket_id),
                actor,
                now,
                ("assignee", None, Some(&actor.name)),
            )
        })?;
        self.store.ticket(ticket_id, now)
    }

    /// Saves (or, when empty, discards) the actor's unsent text for a ticket.
    pub fn save_draft(
        &mut self,
        actor: &str,
        ticket_id: i64,
        kind: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.store.write(&mut |tx| {
            if body.is_empty() {
                tx.delete_draft(actor, ticket_id, kind)
            } else {
                tx.save_draft(actor, ticket_id, kind, body, now)
            }
        })
    }
}

/// "reply" or "note": the audit field and the draft kind.
pub(crate) fn entry_word(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Reply => "reply",
        EntryKind::Note => "note",
    }
}

/// Moves a ticket between statuses: `pending` opens a pause and leaving it closes it;
/// resolving records the instant, reopening clears it.
pub(crate) fn set_status(
    tx: &mut dyn StoreTx,
    current: &Ticket,
    new: Status,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let (ticket_id, old) = (current.id, current.status);
    if old.pauses_clock() && !new.pauses_clock() {
        tx.close_pause(ticket_id, now)?;
    }
    if new.pauses_clock() && !old.pauses_clock() {
        tx.open_pause(ticket_id, now)?;
    }
    tx.update_ticket(ticket_id, &TicketPatch::Status(new))?;
    if new.is_done() && !old.is_done() {
        tx.update_ticket(ticket_id, &TicketPatch::ResolvedAt(Some(now)))?;
    } else if !new.is_done() && old.is_done() {
        // Reopened: the time it spent resolved stays out of every clock.
        if let Some(resolved) = current.resolved_at {
            tx.add_resolved_span(ticket_id, resolved, now)?;
        }
        tx.update_ticket(ticket_id, &TicketPatch::ResolvedAt(None))?;
    }
    tx.record_event(
        EventSubject::ticket(ticket_id),
        actor,
        now,
        ("status", Some(old.as_str()), Some(new.as_str())),
    )
}

/// "Changed under you": names who last changed the ticket and how.
pub(crate) fn conflict(
    tx: &mut dyn StoreTx,
    ticket_id: i64,
    expected: i64,
    actual: i64,
) -> StoreError {
    let last = tx.last_ticket_event(ticket_id).ok().flatten();
    let (by, field, old, new) = match last {
        Some(e) => (e.actor, e.field, e.old, e.new),
        None => ("someone".into(), "the ticket".into(), None, None),
    };
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

/// Opens a ticket inside a transaction (the CLI, the TUI, mail intake): checked against the
/// plan that serves the organization now; `follows` links it to an earlier ticket.
pub(crate) fn open_ticket_in(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    new: &NewTicket,
    follows: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let kind = new.kind.unwrap_or(TicketKind::Technical);
    domain::validate_summary(&new.summary)?;
    domain::validate_body("description", &new.description, true)?;
    let requester_address = new
        .requester_address
        .as_deref()
        .map(|a| domain::normalize_address(a, false))
        .transpose()?;
    let requester_name = new
        .requester_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(n) = requester_name {
        domain::validate_requester_name(n)?;
    }
    let org = tx.org_by_name(&new.org)?;
    let set = crate::policy::rules::policy_set(policies, &org.policy_set)?;
    let tz = domain::parse_tz(&org.tz)?;
    let plan = set.effective_plan(org.plan_for_tickets(), now.with_timezone(&tz).date_naive());
    crate::policy::rules::validate_kind_severity(set, &org.name, plan, kind, &new.severity)?;
    let severity_rank = set.severity_rank(&new.severity).unwrap_or(0) as i64;
    let priority = i64::from(set.plan(plan).map(|p| p.priority).unwrap_or(100));
    let id = tx.insert_ticket(&TicketInsert {
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
        created_at: now,
        priority,
        requester_name,
        requester_address: requester_address.as_deref(),
        channel: new.channel,
        follows,
    })?;
    let subject = EventSubject {
        ticket_id: Some(id),
        org_id: Some(org.id),
        order_id: None,
    };
    tx.record_event(
        subject,
        actor,
        now,
        (
            "created",
            None,
            Some(&format!("{} {} ticket", new.severity, kind)),
        ),
    )?;
    if let Some(old) = follows {
        tx.record_event(
            subject,
            actor,
            now,
            ("follows", None, Some(&format!("#{old}"))),
        )?;
    }
    refresh(tx, policies, id, now)?;
    Ok(id)
}
