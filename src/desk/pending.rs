//! The undo window (issue 17 item 3): a reply, a resolve or close and a reassignment sent
//! from the TUI wait as a pending action until they are due, so they can be undone. Applying
//! one runs the same use case as the immediate path (`add_entry`, `change_ticket`, with their
//! version checks) in a transaction that also removes the pending row, so it happens once:
//! a crash before the commit leaves it pending, a second TUI or watcher taking it finds it
//! gone. Refused at apply time (a conflict, a ticket that no longer takes it), the action is
//! removed and a reply's text becomes the engineer's draft again; nothing typed is lost.

use chrono::{DateTime, Duration, Utc};

use super::Desk;
use crate::domain::{self, Actor, AuthorRole, EntryKind};
use crate::store::{
    DbFailure, Deferred, PendingAction, PendingInsert, Result, StoreError, StoreTx, TicketChange,
};

/// The undo window when config.toml does not set `undo_seconds`.
pub const UNDO_SECONDS_DEFAULT: u64 = 10;

/// What applying a pending action came to.
#[derive(Debug)]
pub enum PendingOutcome {
    /// Done, exactly as the immediate path would have done it.
    Applied(PendingAction),
    /// Refused now (a conflict, a closed ticket…) and removed; a reply's text is the
    /// engineer's draft again (`draft` holds it as saved).
    Refused {
        action: PendingAction,
        error: StoreError,
        draft: Option<String>,
    },
    /// Already applied or undone elsewhere (another TUI of the same engineer, a watcher).
    Gone,
}

impl Desk {
    /// Puts an action in its undo window: due `delay_seconds` from `now`. Checked now as far
    /// as it can be without applying it (the text, the name, the ticket), so a mistake is said
    /// at once. A reply's draft is cleared in the same transaction (the pending row holds the
    /// text now, and undoing gives it back).
    pub fn defer(
        &mut self,
        ticket_id: i64,
        action: &Deferred,
        actor: &Actor,
        session: &str,
        now: DateTime<Utc>,
        delay_seconds: u64,
    ) -> Result<PendingAction> {
        match action {
            Deferred::Reply { body } => domain::validate_body("reply", body, false)?,
            Deferred::Assign { who: Some(w), .. } => domain::validate_user_name(w)?,
            Deferred::Assign { who: None, .. } => {}
            Deferred::Status { status, .. } => {
                if !status.is_done() {
                    return Err(StoreError::Other(format!(
                        "only resolving and closing wait for undo, not {status}"
                    )));
                }
            }
        }
        let due_at = now + Duration::seconds(i64::try_from(delay_seconds).unwrap_or(i64::MAX / 2));
        let owner = actor.draft_owner();
        let mut id = 0;
        self.store.write(&mut |tx| {
            tx.ticket(ticket_id, now)?;
            id = tx.insert_pending(&PendingInsert {
                ticket_id,
                action,
                actor,
                session,
                created_at: now,
                due_at,
            })?;
            if matches!(action, Deferred::Reply { .. }) {
                tx.delete_draft(&owner, ticket_id, "reply")?;
            }
            Ok(())
        })?;
        Ok(PendingAction {
            id,
            ticket_id,
            action: action.clone(),
            actor: actor.clone(),
            session: session.to_string(),
            created_at: DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now),
            due_at: DateTime::from_timestamp(due_at.timestamp(), 0).unwrap_or(due_at),
        })
    }

    /// Undoes pending action `id` of `actor`: removed, and a reply's text saved as their
    /// draft again (before any draft typed since). `None` when it is gone (applied or undone
    /// elsewhere); the draft text as saved for a reply.
    pub fn undo_pending(
        &mut self,
        id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<(PendingAction, Option<String>)>> {
        let owner = actor.draft_owner();
        let Some(p) = self.pending_by_id(id)? else {
            return Ok(None);
        };
        if p.owner() != owner {
            return Err(StoreError::Other(format!(
                "the pending action on #{} is {}'s, not yours to undo",
                p.ticket_id,
                p.owner()
            )));
        }
        let draft = self.draft_with(&p)?;
        let mut taken = None;
        self.store.write(&mut |tx| {
            taken = tx.take_pending(id)?;
            if taken.is_some() {
                restore_draft(tx, &owner, &p, draft.as_deref(), now)?;
            }
            Ok(())
        })?;
        Ok(taken.map(|p| (p, draft)))
    }

    /// Applies pending action `id` now (it is due, or its TUI quits): the immediate path's
    /// use case, in one transaction with the removal of the row. A database that cannot be
    /// reached is an error (the action stays pending, to be tried again); a refusal removes
    /// the action and keeps a reply's text as a draft.
    pub fn apply_pending(&mut self, id: i64, now: DateTime<Utc>) -> Result<PendingOutcome> {
        let Some(p) = self.pending_by_id(id)? else {
            return Ok(PendingOutcome::Gone);
        };
        self.pending_claim = Some(id);
        self.pending_gone = false;
        let result = match &p.action {
            Deferred::Reply { body } => self
                .add_entry(
                    p.ticket_id,
                    EntryKind::Reply,
                    AuthorRole::Engineer,
                    body,
                    &p.actor,
                    now,
                )
                .map(|_| ()),
            Deferred::Status { status, expected } => self
                .change_ticket(
                    p.ticket_id,
                    &TicketChange::Status(*status),
                    Some(*expected),
                    &p.actor,
                    now,
                )
                .map(|_| ()),
            Deferred::Assign { who, expected } => self
                .change_ticket(
                    p.ticket_id,
                    &TicketChange::Assign(who.clone()),
                    Some(*expected),
                    &p.actor,
                    now,
                )
                .map(|_| ()),
        };
        self.pending_claim = None;
        let error = match result {
            Ok(()) => return Ok(PendingOutcome::Applied(p)),
            Err(_) if self.pending_gone => return Ok(PendingOutcome::Gone),
            Err(e) if transient(&e) => return Err(e),
            Err(e) => e,
        };
        // Refused: the action goes, a reply's text stays as the draft.
        let owner = p.owner();
        let draft = self.draft_with(&p)?;
        let mut taken = false;
        self.store.write(&mut |tx| {
            taken = tx.take_pending(id)?.is_some();
            if taken {
                restore_draft(tx, &owner, &p, draft.as_deref(), now)?;
            }
            Ok(())
        })?;
        if !taken {
            return Ok(PendingOutcome::Gone);
        }
        Ok(PendingOutcome::Refused {
            action: p,
            error,
            draft,
        })
    }

    /// Every pending action due by `due_by` (anyone's), applied at `now`; what each came to.
    /// Used by `tuidesk watch`, so an action whose TUI is gone still goes out.
    pub fn apply_due_pending(
        &mut self,
        due_by: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, Result<PendingOutcome>)>> {
        let due: Vec<i64> = self
            .store
            .pending_actions(None)?
            .into_iter()
            .filter(|p| p.due_at <= due_by)
            .map(|p| p.id)
            .collect();
        Ok(due
            .into_iter()
            .map(|id| (id, self.apply_pending(id, now)))
            .collect())
    }

    /// Runs a use case's transaction; while a pending action is applied, its row is taken
    /// first in the same transaction (none left: another took it, nothing is written).
    pub(super) fn claimed_write(
        &mut self,
        body: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>,
    ) -> Result<()> {
        let Some(id) = self.pending_claim else {
            return self.store.write(body);
        };
        let mut gone = false;
        let result = self.store.write(&mut |tx| {
            gone = false;
            if tx.take_pending(id)?.is_none() {
                gone = true;
                return Err(StoreError::Other(
                    "this action was already applied or undone elsewhere".into(),
                ));
            }
            body(tx)
        });
        self.pending_gone = gone;
        result
    }

    fn pending_by_id(&self, id: i64) -> Result<Option<PendingAction>> {
        Ok(self
            .store
            .pending_actions(None)?
            .into_iter()
            .find(|p| p.id == id))
    }

    /// A reply's text as its draft will read: the pending text, then any draft typed since.
    fn draft_with(&self, p: &PendingAction) -> Result<Option<String>> {
        let Deferred::Reply { body } = &p.action else {
            return Ok(None);
        };
        let since = self.store.draft(&p.owner(), p.ticket_id, "reply")?;
        Ok(Some(match since {
            Some(d) if !d.trim().is_empty() && d.trim() != body.trim() => {
                format!("{body}\n\n{d}")
            }
            _ => body.clone(),
        }))
    }
}

/// Saves a reply's text back as its author's draft (nothing for other actions).
fn restore_draft(
    tx: &mut dyn StoreTx,
    owner: &str,
    p: &PendingAction,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    match text {
        Some(t) => tx.save_draft(owner, p.ticket_id, "reply", t, now),
        None => Ok(()),
    }
}

/// A failure that says nothing about the action (the database out of reach or busy): the
/// action stays pending and is tried again.
fn transient(e: &StoreError) -> bool {
    matches!(
        e.db_failure(),
        Some(
            DbFailure::Busy
                | DbFailure::Io
                | DbFailure::CannotOpen
                | DbFailure::DiskFull
                | DbFailure::ReadOnly
                | DbFailure::Interrupted
        )
    )
}
