//! Tags (`ticket tag ID +bug -billing`) and merges (`ticket merge SOURCE --into TARGET`):
//! each one transaction through the store, audited on every ticket it changes.
//!
//! A merge moves the source's conversation (its opening message as an entry of its own),
//! attachments, mail records and tags to the target; the source is closed and points at the
//! target. Moved entries keep their times and authors and remember the ticket they came
//! from; the SLA inputs of the target leave them out (and those of the source keep them), so
//! a merge never moves the target's first-response or next-response timers or its breaches.

use chrono::{DateTime, Utc};

use super::Desk;
use super::sla::{record_breaches, refresh};
use super::tickets::{conflict, set_status};
use crate::domain::{self, Actor, AuthorRole, EntryKind, RuleError, Status, Ticket};
use crate::store::{EntryInsert, EventSubject, Result, StoreError, StoreTx, TicketPatch};

/// One tag operation of `ticket tag`: add (`+bug` or `bug`) or remove (`-bug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagOp {
    pub add: bool,
    /// Normalized (see [`domain::normalize_tag`]).
    pub tag: String,
}

/// Parses `+bug`, `bug` (both add) and `-bug` (remove); every tag is checked and normalized.
pub fn parse_tag_ops<S: AsRef<str>>(args: &[S]) -> std::result::Result<Vec<TagOp>, RuleError> {
    args.iter()
        .map(|a| {
            let a = a.as_ref();
            let (add, name) = match a.strip_prefix('-') {
                Some(rest) => (false, rest),
                None => (true, a.strip_prefix('+').unwrap_or(a)),
            };
            Ok(TagOp {
                add,
                tag: domain::normalize_tag(name)?,
            })
        })
        .collect()
}

/// What `ticket tag` did.
#[derive(Debug, Clone, PartialEq)]
pub struct TagOutcome {
    pub ticket: Ticket,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Asked to add, but the ticket had them already.
    pub already: Vec<String>,
    /// Asked to remove, but the ticket did not have them.
    pub absent: Vec<String>,
}

impl TagOutcome {
    /// `+bug -billing`: the change as the audit row names it.
    pub fn change_text(&self) -> String {
        self.added
            .iter()
            .map(|t| format!("+{t}"))
            .chain(self.removed.iter().map(|t| format!("-{t}")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What `ticket merge` did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    pub source: Ticket,
    pub target: Ticket,
    /// Conversation entries moved (the source's opening message included).
    pub entries: usize,
    pub attachments: usize,
    /// Tags the target gained from the source.
    pub tags: Vec<String>,
}

/// A ticket that was merged takes no more work: the one it was merged into does.
pub(crate) fn refuse_if_merged(t: &Ticket) -> Result<()> {
    match t.merged_into {
        Some(into) => Err(StoreError::Other(format!(
            "ticket {} was merged into #{into}; work on #{into} instead",
            t.id
        ))),
        None => Ok(()),
    }
}

/// Follows `merged_into` from ticket `id` to the ticket that holds its conversation now
/// (a chain of merges included); `id` itself when it was never merged.
pub(crate) fn merged_home(tx: &mut dyn StoreTx, id: i64, now: DateTime<Utc>) -> Result<i64> {
    let mut at = id;
    // Merges never make a cycle (a merged ticket is never a target); the bound is a guard.
    for _ in 0..64 {
        match tx.ticket(at, now)?.merged_into {
            Some(next) if next != at => at = next,
            _ => return Ok(at),
        }
    }
    Ok(at)
}

impl Desk {
    /// Adds and removes tags in one audited change (one audit row naming what was added and
    /// removed); with `expected`, only if the ticket is still at that version. Adding a tag it
    /// has or removing one it lacks changes nothing (and is reported, not refused).
    pub fn tag_ticket(
        &mut self,
        ticket_id: i64,
        ops: &[TagOp],
        expected: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<TagOutcome> {
        if ops.is_empty() {
            return Err(StoreError::Other(
                "name at least one tag: +TAG adds, -TAG removes".into(),
            ));
        }
        let (mut added, mut removed, mut already, mut absent) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        self.store.write(&mut |tx| {
            (added, removed, already, absent) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let current = tx.ticket(ticket_id, now)?;
            if let Some(v) = expected
                && v != current.version
            {
                return Err(conflict(tx, ticket_id, v, current.version));
            }
            refuse_if_merged(&current)?;
            for op in ops {
                if op.add {
                    if added.contains(&op.tag) || already.contains(&op.tag) {
                        continue;
                    }
                    if removed.contains(&op.tag) {
                        return Err(StoreError::Other(format!(
                            "tag {} is both added and removed",
                            op.tag
                        )));
                    }
                    if tx.add_tag(ticket_id, &op.tag)? {
                        added.push(op.tag.clone());
                    } else {
                        already.push(op.tag.clone());
                    }
                } else {
                    if removed.contains(&op.tag) || absent.contains(&op.tag) {
                        continue;
                    }
                    if added.contains(&op.tag) {
                        return Err(StoreError::Other(format!(
                            "tag {} is both added and removed",
                            op.tag
                        )));
                    }
                    if tx.remove_tag(ticket_id, &op.tag)? {
                        removed.push(op.tag.clone());
                    } else {
                        absent.push(op.tag.clone());
                    }
                }
            }
            if added.is_empty() && removed.is_empty() {
                return Ok(());
            }
            let change = added
                .iter()
                .map(|t| format!("+{t}"))
                .chain(removed.iter().map(|t| format!("-{t}")))
                .collect::<Vec<_>>()
                .join(" ");
            tx.record_event(
                EventSubject::ticket(ticket_id),
                actor,
                now,
                ("tags", None, Some(&change)),
            )?;
            tx.update_ticket(
                ticket_id,
                &TicketPatch::Touch {
                    at: now,
                    bump_version: true,
                },
            )
        })?;
        Ok(TagOutcome {
            ticket: self.store.ticket(ticket_id, now)?,
            added,
            removed,
            already,
            absent,
        })
    }

    /// Merges ticket `source` into `target` (see the module doc). Refused, with nothing
    /// changed: into itself, across organizations, a source already merged, a target that
    /// was merged or is closed, a stale version (when `expected` names the versions seen).
    pub fn merge_tickets(
        &mut self,
        source: i64,
        target: i64,
        expected: (Option<i64>, Option<i64>),
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MergeOutcome> {
        if source == target {
            return Err(StoreError::Other(format!(
                "cannot merge ticket {source} into itself"
            )));
        }
        let policies = self.policies.clone();
        let (mut entries, mut attachments, mut tags) = (0, 0, Vec::new());
        self.store.write(&mut |tx| {
            let s = tx.ticket(source, now)?;
            let t = tx.ticket(target, now)?;
            for (ticket, want) in [(&s, expected.0), (&t, expected.1)] {
                if let Some(v) = want
                    && v != ticket.version
                {
                    return Err(conflict(tx, ticket.id, v, ticket.version));
                }
            }
            if let Some(into) = s.merged_into {
                return Err(StoreError::Other(format!(
                    "ticket {source} was already merged into #{into}"
                )));
            }
            if s.org_id != t.org_id {
                return Err(StoreError::Other(format!(
                    "ticket {source} ({}) and ticket {target} ({}) belong to different organizations; tickets merge only within one",
                    crate::text::sanitize_line(&s.org),
                    crate::text::sanitize_line(&t.org)
                )));
            }
            if let Some(into) = t.merged_into {
                let home = merged_home(tx, into, now)?;
                return Err(StoreError::Other(format!(
                    "ticket {target} was itself merged into #{into}; merge into #{home} instead"
                )));
            }
            if t.status == Status::Closed {
                return Err(StoreError::Other(format!(
                    "ticket {target} is closed; reopen it first or merge into an open ticket"
                )));
            }
            // The source's breaches stay facts before it is closed.
            record_breaches(tx, &policies, source, now)?;
            // Its opening message travels as an entry of its own (an internal note, so it
            // never counts as a customer's follow-up on either ticket).
            let body = if s.description.trim().is_empty() {
                format!("Opening message of #{source}: {}", s.summary)
            } else {
                format!(
                    "Opening message of #{source}: {}\n\n{}",
                    s.summary, s.description
                )
            };
            let author = s
                .requester_label()
                .unwrap_or_else(|| format!("requester of #{source}"));
            let opening = tx.insert_entry(&EntryInsert {
                ticket_id: source,
                kind: EntryKind::Note,
                role: AuthorRole::Customer,
                author: &author,
                body: &body,
                at: s.created_at,
            })?;
            (entries, attachments) = tx.move_conversation(source, target, opening)?;
            tags = Vec::new();
            for tag in &s.tags {
                tx.remove_tag(source, tag)?;
                if tx.add_tag(target, tag)? {
                    tags.push(tag.clone());
                }
            }
            if s.status != Status::Closed {
                set_status(tx, &s, Status::Closed, actor, now)?;
            }
            tx.update_ticket(source, &TicketPatch::MergedInto(target))?;
            tx.record_event(
                EventSubject::ticket(source),
                actor,
                now,
                ("merged_into", None, Some(&format!("#{target}"))),
            )?;
            tx.update_ticket(
                source,
                &TicketPatch::Touch {
                    at: now,
                    bump_version: true,
                },
            )?;
            refresh(tx, &policies, source, now)?;
            let mut what = format!(
                "#{source}: {entries} conversation entries, {attachments} attachments"
            );
            if !tags.is_empty() {
                what.push_str(&format!(", tags {}", tags.join(" ")));
            }
            tx.record_event(
                EventSubject::ticket(target),
                actor,
                now,
                ("merged", None, Some(&what)),
            )?;
            // The target's SLA inputs are unchanged (moved entries are left out of them), so
            // its stored timers stay as they are: only its version and update time move.
            tx.update_ticket(
                target,
                &TicketPatch::Touch {
                    at: now,
                    bump_version: true,
                },
            )
        })?;
        Ok(MergeOutcome {
            source: self.store.ticket(source, now)?,
            target: self.store.ticket(target, now)?,
            entries,
            attachments,
            tags,
        })
    }
}
