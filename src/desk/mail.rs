//! Mail use cases: a received message becomes a follow-up, a new ticket, a triage item or a
//! duplicate, in one transaction; the customer's follow-up moves the ticket (pending → open,
//! resolved → reopened within the policy's window, else and when closed a new ticket that
//! follows the old one); triage items are filed or discarded; the outbox records deliveries.

use chrono::{DateTime, Duration, Utc};

use super::Desk;
use super::sla::{record_breaches, refresh};
use super::tickets::{open_ticket_in, set_status};
use crate::domain::{self, Actor, AuthorRole, Channel, EntryKind, Status, Ticket, TicketKind};
use crate::mail::parse::{InboundMail, SubjectTags, subject_tags};
use crate::policy::{PolicyRegistry, PolicySet};
use crate::store::{
    AttachmentInsert, EntryInsert, EventSubject, MailDirection, MailRecord, NewTicket, OutboxPatch,
    Result, StoreError, StoreTx, TicketPatch, TriageInsert, TriageState,
};

/// What a delivered message became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The customer's message on an existing ticket (`moved`: its status change, if any).
    FollowUp {
        ticket: i64,
        entry: i64,
        moved: Option<(Status, Status)>,
        auto: bool,
    },
    /// A new ticket (`follows`: the closed or long-resolved ticket it follows up).
    NewTicket { ticket: i64, follows: Option<i64> },
    /// From an unknown sender (or otherwise not filable): waiting in the triage inbox.
    Triage { id: i64, why: String },
    /// The same Message-ID was stored before: nothing changed.
    Duplicate { message_id: String },
}

impl std::fmt::Display for Delivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivered::FollowUp {
                ticket,
                entry,
                moved,
                auto,
            } => {
                write!(f, "ticket {ticket}: customer message {entry}")?;
                if *auto {
                    write!(f, " (autoreply/bounce: no change)")?;
                }
                if let Some((a, b)) = moved {
                    write!(f, ", {a} → {b}")?;
                }
                Ok(())
            }
            Delivered::NewTicket {
                ticket,
                follows: Some(old),
            } => write!(f, "ticket {ticket} opened (follows ticket {old})"),
            Delivered::NewTicket { ticket, .. } => write!(f, "ticket {ticket} opened"),
            Delivered::Triage { id, why } => write!(f, "triage item {id}: {why}"),
            Delivered::Duplicate { message_id } => {
                write!(
                    f,
                    "duplicate of a stored message <{message_id}>: nothing changed"
                )
            }
        }
    }
}

/// The audit actor of a customer's mail: their address.
fn mail_actor(m: &InboundMail) -> Actor {
    Actor {
        name: m.from_address.clone(),
        via_as: false,
        os: None,
    }
}

/// The body stored for a message: its text and the notes of what was cut.
fn stored_body(m: &InboundMail) -> String {
    let mut body = m.body.clone();
    for n in &m.notes {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(n);
    }
    if body.trim().is_empty() {
        body = "(no text)".into();
    }
    body
}

/// The kind and severity a new ticket by mail gets: the subject's tags where the plan allows
/// them, else the policy's `[intake]` defaults.
fn intake_levels(
    set: &PolicySet,
    org_name: &str,
    plan: &str,
    tags: &SubjectTags,
    base: Option<(TicketKind, String)>,
) -> std::result::Result<(TicketKind, String), StoreError> {
    let technical_ok = set.plan(plan).is_some_and(|p| p.technical_tickets);
    let default_kind = set.intake.default_kind.unwrap_or(if technical_ok {
        TicketKind::Technical
    } else {
        TicketKind::Billing
    });
    let least = set.severities.last().cloned().unwrap_or_default();
    let default_sev = set.intake.default_severity.clone().unwrap_or(least.clone());
    let (mut kind, mut sev) = base.unwrap_or((default_kind, default_sev.clone()));
    for w in &tags.words {
        if let Some(s) = set.severities.iter().find(|s| s.eq_ignore_ascii_case(w)) {
            sev = s.clone();
        } else if let Ok(k) = w.to_ascii_lowercase().parse::<TicketKind>() {
            kind = k;
        }
    }
    let candidates = [
        (kind, sev.clone()),
        (default_kind, sev),
        (default_kind, default_sev),
        (default_kind, least.clone()),
        (TicketKind::Billing, least),
    ];
    let mut first_err = None;
    for (k, s) in candidates {
        match crate::policy::rules::validate_kind_severity(set, org_name, plan, k, &s) {
            Ok(()) => return Ok((k, s)),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err
        .map(StoreError::from)
        .unwrap_or_else(|| StoreError::Other("no severity fits".into())))
}

/// Opens a ticket from a message for organization `org_id`.
#[allow(clippy::too_many_arguments)]
fn open_from_mail(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    m: &InboundMail,
    org_id: i64,
    base: Option<(TicketKind, String)>,
    follows: Option<i64>,
    fallback_summary: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let org = tx.org_by_id(org_id)?;
    let set = crate::policy::rules::policy_set(policies, &org.policy_set)?;
    let tz = domain::parse_tz(&org.tz)?;
    let plan = set.effective_plan(org.plan_for_tickets(), now.with_timezone(&tz).date_naive());
    let tags = subject_tags(&m.subject);
    let (kind, severity) = intake_levels(set, &org.name, plan, &tags, base)?;
    let summary = if tags.rest.is_empty() {
        fallback_summary.to_string()
    } else {
        tags.rest.clone()
    };
    let new = NewTicket {
        org: org.name.clone(),
        kind: Some(kind),
        severity,
        summary,
        description: stored_body(m),
        requester_name: m.from_name.clone(),
        requester_address: Some(m.from_address.clone()),
        channel: Some(Channel::Email),
        ..NewTicket::default()
    };
    let id = open_ticket_in(tx, policies, &new, follows, &mail_actor(m), now)?;
    tx.insert_mail(&MailRecord {
        message_id: &m.message_id,
        direction: MailDirection::In,
        ticket_id: Some(id),
        entry_id: None,
        triage_id: None,
        from_address: Some(&m.from_address),
        subject: Some(&m.subject),
        auto: m.auto.as_deref(),
        at: now,
    })?;
    store_attachments(tx, m, Some(id), None, None)?;
    Ok(id)
}

fn store_attachments(
    tx: &mut dyn StoreTx,
    m: &InboundMail,
    ticket_id: Option<i64>,
    entry_id: Option<i64>,
    triage_id: Option<i64>,
) -> Result<()> {
    for a in &m.attachments {
        tx.insert_attachment(&AttachmentInsert {
            ticket_id,
            entry_id,
            triage_id,
            name: &a.name,
            content_type: &a.content_type,
            size: a.size as i64,
            data: a.data.as_deref(),
        })?;
    }
    Ok(())
}

fn to_triage(tx: &mut dyn StoreTx, m: &InboundMail, why: &str, now: DateTime<Utc>) -> Result<i64> {
    let id = tx.insert_triage(&TriageInsert {
        message_id: &m.message_id,
        from_name: m.from_name.as_deref(),
        from_address: &m.from_address,
        subject: &m.subject,
        body: &stored_body(m),
        auto: m.auto.as_deref(),
        received_at: now,
    })?;
    tx.insert_mail(&MailRecord {
        message_id: &m.message_id,
        direction: MailDirection::In,
        ticket_id: None,
        entry_id: None,
        triage_id: Some(id),
        from_address: Some(&m.from_address),
        subject: Some(&m.subject),
        auto: m.auto.as_deref(),
        at: now,
    })?;
    store_attachments(tx, m, None, None, Some(id))?;
    let _ = why;
    Ok(id)
}

/// May this sender write on this ticket by quoting `[#id]`? The requester, or a contact of
/// the ticket's organization.
fn sender_may_write(tx: &mut dyn StoreTx, t: &Ticket, address: &str) -> Result<bool> {
    if t.requester_address.as_deref() == Some(address) {
        return Ok(true);
    }
    Ok(tx.orgs_for_address(address)?.contains(&t.org_id))
}

impl Desk {
    /// Keeps a message that could not be parsed, raw, in the quarantine.
    pub fn quarantine_mail(&mut self, raw: &[u8], reason: &str, now: DateTime<Utc>) -> Result<i64> {
        let mut id = 0;
        self.store.write(&mut |tx| {
            id = tx.insert_quarantine(raw, reason, now)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Stores one received message (see the module documentation), in one transaction.
    pub fn deliver_mail(&mut self, m: &InboundMail, now: DateTime<Utc>) -> Result<Delivered> {
        let policies = self.policies.clone();
        let mut outcome = None;
        self.store.write(&mut |tx| {
            outcome = Some(deliver_in(tx, &policies, m, now)?);
            Ok(())
        })?;
        outcome.ok_or_else(|| StoreError::Other("delivery did not run".into()))
    }

    /// Files a triage item under an organization: a new ticket (severity as given, else as
    /// the subject's tags and the policy say).
    pub fn file_triage(
        &mut self,
        id: i64,
        org: &str,
        severity: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let policies = self.policies.clone();
        let mut ticket = 0;
        self.store.write(&mut |tx| {
            let item = tx.triage_item_in(id)?;
            if item.state != TriageState::Waiting {
                return Err(StoreError::Other(format!(
                    "triage item {id} was already {} (by {})",
                    item.state.as_str(),
                    item.decided_by.as_deref().unwrap_or("someone")
                )));
            }
            let o = tx.org_by_name(org)?;
            let set = crate::policy::rules::policy_set(&policies, &o.policy_set)?;
            let tz = domain::parse_tz(&o.tz)?;
            let plan =
                set.effective_plan(o.plan_for_tickets(), now.with_timezone(&tz).date_naive());
            let tags = subject_tags(&item.subject);
            let (mut kind, mut sev) = intake_levels(set, &o.name, plan, &tags, None)?;
            if let Some(s) = severity {
                sev = s.to_string();
                if crate::policy::rules::validate_kind_severity(set, &o.name, plan, kind, s)
                    .is_err()
                {
                    kind = TicketKind::Billing;
                }
                crate::policy::rules::validate_kind_severity(set, &o.name, plan, kind, s)?;
            }
            let new = NewTicket {
                org: o.name.clone(),
                kind: Some(kind),
                severity: sev,
                summary: if tags.rest.is_empty() {
                    "(no subject)".into()
                } else {
                    tags.rest.clone()
                },
                description: item.body.clone(),
                requester_name: item.from_name.clone(),
                requester_address: Some(item.from_address.clone()),
                channel: Some(Channel::Email),
                ..NewTicket::default()
            };
            ticket = open_ticket_in(tx, &policies, &new, None, actor, now)?;
            tx.attach_triage_to_ticket(id, ticket)?;
            tx.decide_triage(id, TriageState::Filed, Some(ticket), None, &actor.name, now)?;
            tx.record_event(
                EventSubject::ticket(ticket),
                actor,
                now,
                ("filed from triage", None, Some(&format!("item {id}"))),
            )
        })?;
        Ok(ticket)
    }

    /// Discards a triage item, with the reason (it stays listed with `--all`).
    pub fn discard_triage(
        &mut self,
        id: i64,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Rule(domain::RuleError::EmptyBody {
                what: "reason",
            }));
        }
        self.store.write(&mut |tx| {
            let item = tx.triage_item_in(id)?;
            if item.state != TriageState::Waiting {
                return Err(StoreError::Other(format!(
                    "triage item {id} was already {}",
                    item.state.as_str()
                )));
            }
            tx.decide_triage(
                id,
                TriageState::Discarded,
                None,
                Some(reason),
                &actor.name,
                now,
            )
        })
    }

    /// Records what a delivery attempt of an outgoing message did.
    pub fn record_delivery(&mut self, outbox_id: i64, patch: &OutboxPatch) -> Result<()> {
        self.store
            .write(&mut |tx| tx.update_outbox(outbox_id, patch))
    }
}

fn deliver_in(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    m: &InboundMail,
    now: DateTime<Utc>,
) -> Result<Delivered> {
    if tx.mail_known(&m.message_id)? {
        return Ok(Delivered::Duplicate {
            message_id: m.message_id.clone(),
        });
    }
    let tags = subject_tags(&m.subject);
    // Threading: the headers name a message tuidesk knows, else the subject's [#123].
    let mut target = tx.ticket_for_messages(&m.thread_ids)?;
    let mut claimed = None;
    if target.is_none()
        && let Some(id) = tags.ticket
    {
        match tx.ticket(id, now) {
            Ok(t) if sender_may_write(tx, &t, &m.from_address)? => target = Some(id),
            Ok(_) => claimed = Some(id),
            Err(StoreError::NotFound { .. }) => claimed = Some(id),
            Err(e) => return Err(e),
        }
    }
    if let Some(id) = target {
        // A merged ticket's mail goes where its conversation went (through every merge).
        let id = super::tags_merge::merged_home(tx, id, now)?;
        return follow_up(tx, policies, m, id, now);
    }
    if let Some(id) = claimed {
        let why = format!("names ticket {id}, but the sender is not its requester or a contact");
        let t = to_triage(tx, m, &why, now)?;
        return Ok(Delivered::Triage { id: t, why });
    }
    if let Some(why) = &m.auto {
        let why = format!("an autoreply or bounce that answers no known message ({why})");
        let t = to_triage(tx, m, &why, now)?;
        return Ok(Delivered::Triage { id: t, why });
    }
    let orgs = tx.orgs_for_address(&m.from_address)?;
    match orgs.as_slice() {
        [org] => {
            let id = open_from_mail(tx, policies, m, *org, None, None, "(no subject)", now)?;
            Ok(Delivered::NewTicket {
                ticket: id,
                follows: None,
            })
        }
        [] => {
            let why = format!("unknown sender {}", m.from_address);
            let t = to_triage(tx, m, &why, now)?;
            Ok(Delivered::Triage { id: t, why })
        }
        _ => {
            let why = format!(
                "{} is a contact of {} organizations",
                m.from_address,
                orgs.len()
            );
            let t = to_triage(tx, m, &why, now)?;
            Ok(Delivered::Triage { id: t, why })
        }
    }
}

/// The customer's message on ticket `id`: stored as their entry; it moves the ticket unless
/// it is an autoreply or bounce.
fn follow_up(
    tx: &mut dyn StoreTx,
    policies: &PolicyRegistry,
    m: &InboundMail,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Delivered> {
    let current = tx.ticket(id, now)?;
    let actor = mail_actor(m);
    // Closed, or resolved longer than the window: a new ticket that follows this one.
    if m.auto.is_none() {
        let set = policies
            .get(&tx.org_by_id(current.org_id)?.policy_set)
            .cloned();
        let window = Duration::days(i64::from(set.as_ref().map_or(7, |s| s.intake.reopen_days)));
        let past_window = current.status == Status::Resolved
            && current.resolved_at.is_some_and(|r| now - r > window);
        if current.status == Status::Closed || past_window {
            let base = Some((current.kind, current.severity.clone()));
            let new = open_from_mail(
                tx,
                policies,
                m,
                current.org_id,
                base,
                Some(id),
                &current.summary,
                now,
            )?;
            tx.record_event(
                EventSubject::ticket(id),
                &actor,
                now,
                ("followed by", None, Some(&format!("#{new}"))),
            )?;
            return Ok(Delivered::NewTicket {
                ticket: new,
                follows: Some(id),
            });
        }
    }
    let author = match &m.from_name {
        Some(n) => format!("{n} <{}>", m.from_address),
        None => m.from_address.clone(),
    };
    let body = stored_body(m);
    let entry = tx.insert_entry(&EntryInsert {
        ticket_id: id,
        kind: EntryKind::Reply,
        role: AuthorRole::Customer,
        author: &author,
        body: &body,
        at: now,
    })?;
    tx.insert_mail(&MailRecord {
        message_id: &m.message_id,
        direction: MailDirection::In,
        ticket_id: Some(id),
        entry_id: Some(entry),
        triage_id: None,
        from_address: Some(&m.from_address),
        subject: Some(&m.subject),
        auto: m.auto.as_deref(),
        at: now,
    })?;
    store_attachments(tx, m, Some(id), Some(entry), None)?;
    let mut moved = None;
    if m.auto.is_none() {
        let to = match current.status {
            Status::Pending | Status::Resolved => Some(Status::Open),
            _ => None,
        };
        if let Some(to) = to {
            record_breaches(tx, policies, id, now)?;
            set_status(tx, &current, to, &actor, now)?;
            moved = Some((current.status, to));
        }
    }
    tx.record_event(
        EventSubject::ticket(id),
        &actor,
        now,
        ("customer message", None, Some(&format!("#{entry}"))),
    )?;
    tx.update_ticket(
        id,
        &TicketPatch::Touch {
            at: now,
            bump_version: moved.is_some(),
        },
    )?;
    refresh(tx, policies, id, now)?;
    Ok(Delivered::FollowUp {
        ticket: id,
        entry,
        moved,
        auto: m.auto.is_some(),
    })
}
