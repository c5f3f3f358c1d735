//! Bulk changes in the queue: `space` marks a ticket (with the version it was seen at), `V`
//! marks the range from the last mark; with marks, assign (`a`), status (`t`) and severity
//! (`e`) change every marked ticket after one confirmation. Each ticket is its own audited
//! change with its own version check, so one changed under you is refused alone and said.

use crate::tr;
use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, AssignForm, Mode, PickPurpose, Picker, Request};
use crate::domain::Status;
use crate::store::TicketChange;

/// What a bulk change does to each marked ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkChange {
    Ticket(TicketChange),
    /// Adds and removes tags (`T` with marks).
    Tags(Vec<crate::desk::TagOp>),
}

/// The change waiting for `y`, and the tickets (id → version seen) it will apply to.
#[derive(Debug, Clone)]
pub struct BulkConfirm {
    pub change: BulkChange,
    pub tickets: BTreeMap<i64, i64>,
}

impl BulkConfirm {
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        let what = match &self.change {
            BulkChange::Ticket(TicketChange::Status(s)) => {
                tr!(
                    lang,
                    "bulk-set-status",
                    status = lang.word("status", s.as_str())
                )
            }
            BulkChange::Ticket(TicketChange::Severity(s)) => {
                tr!(
                    lang,
                    "bulk-set-severity",
                    severity = lang.word("severity", s)
                )
            }
            BulkChange::Ticket(TicketChange::Assign(Some(who))) => {
                tr!(lang, "bulk-assign", who = who)
            }
            BulkChange::Ticket(TicketChange::Assign(None)) => lang.t("bulk-unassign"),
            BulkChange::Tags(ops) => {
                return super::tags_merge::text::bulk_tags(
                    lang,
                    &super::tags_merge::ops_text(ops),
                    self.tickets.len(),
                );
            }
        };
        tr!(lang, "bulk-question", what = what, n = self.tickets.len())
    }
}

/// A bulk change on its way: what is still unanswered and how it went.
#[derive(Debug, Clone, Default)]
pub struct BulkProgress {
    pub waiting: BTreeMap<i64, ()>,
    pub changed: usize,
    pub refused: Vec<(i64, String)>,
}

impl App {
    pub fn toggle_mark(&mut self) -> Vec<Request> {
        let Some(t) = self.queue.tickets.get(self.queue.selected).cloned() else {
            self.no_ticket_message();
            return Vec::new();
        };
        if self.marks.remove(&t.id).is_none() {
            self.marks.insert(t.id, t.version);
            self.mark_anchor = Some(t.id);
        }
        self.say_marks();
        // Like a file manager: marking moves on, so space space space marks a run.
        self.navigate(super::Action::MoveDown)
    }

    pub fn mark_range(&mut self) -> Vec<Request> {
        let here = self.queue.selected;
        let from = self
            .mark_anchor
            .and_then(|id| self.queue.tickets.iter().position(|t| t.id == id))
            .unwrap_or(here);
        let (lo, hi) = (from.min(here), from.max(here));
        for t in self.queue.tickets.iter().skip(lo).take(hi - lo + 1) {
            self.marks.insert(t.id, t.version);
        }
        if let Some(t) = self.queue.tickets.get(here) {
            self.mark_anchor = Some(t.id);
        }
        self.say_marks();
        Vec::new()
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.mark_anchor = None;
        self.set_message(self.lang.t("bulk-marks-cleared"), false);
    }

    fn say_marks(&mut self) {
        let n = self.marks.len();
        let msg = if n == 0 {
            self.lang.t("bulk-none-marked")
        } else {
            tr!(self.lang, "bulk-marked", n = n)
        };
        self.set_message(msg, false);
    }

    /// `a`, `t` or `e` with marks: the same picker or form as for one ticket, for all.
    pub(super) fn bulk_begin(&mut self, action: super::Action) -> Vec<Request> {
        let n = self.marks.len();
        match action {
            super::Action::Assign => {
                self.mode = Mode::Assign(Box::new(AssignForm {
                    ticket_id: 0,
                    version: 0,
                    summary: tr!(self.lang, "bulk-n-marked", n = n),
                    input: String::new(),
                    confirm_unknown: false,
                    notice: None,
                    bulk: true,
                }));
                vec![Request::Engineers]
            }
            super::Action::ChangeStatus => {
                let items = Status::ALL
                    .iter()
                    .map(|s| (self.lang.word("status", s.as_str()), s.as_str().to_string()))
                    .collect();
                self.mode = Mode::Pick(Picker::new(
                    tr!(self.lang, "bulk-status-of", n = n),
                    items,
                    0,
                    PickPurpose::BulkStatus,
                ));
                Vec::new()
            }
            _ => {
                // Severity levels belong to a policy set: one set among the marked, or none.
                let sets: std::collections::BTreeSet<String> = self
                    .marks
                    .keys()
                    .filter_map(|id| self.known_ticket(*id))
                    .filter_map(|t| {
                        self.orgs
                            .iter()
                            .find(|o| o.id == t.org_id)
                            .map(|o| o.policy_set.clone())
                    })
                    .collect();
                let levels = match sets.iter().next().and_then(|s| self.policies.get(s)) {
                    Some(set) if sets.len() == 1 => set.severities.to_vec(),
                    _ => {
                        self.set_message(self.lang.t("bulk-mixed-sets"), true);
                        return Vec::new();
                    }
                };
                self.mode = Mode::Pick(Picker::new(
                    tr!(self.lang, "bulk-severity-of", n = n),
                    levels
                        .iter()
                        .map(|s| (self.lang.word("severity", s), s.clone()))
                        .collect(),
                    0,
                    PickPurpose::BulkSeverity,
                ));
                Vec::new()
            }
        }
    }

    /// The change is chosen: ask once before touching every marked ticket.
    pub(super) fn bulk_confirm(&mut self, change: TicketChange) -> Vec<Request> {
        self.mode = Mode::ConfirmBulk(Box::new(BulkConfirm {
            change: BulkChange::Ticket(change),
            tickets: self.marks.clone(),
        }));
        Vec::new()
    }

    pub(super) fn confirm_bulk_key(&mut self, c: &BulkConfirm, key: KeyEvent) -> Vec<Request> {
        if !matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            self.set_message(self.lang.t("bulk-cancelled"), false);
            return Vec::new();
        }
        let mut progress = BulkProgress::default();
        let mut out = Vec::with_capacity(c.tickets.len());
        for (&id, &version) in &c.tickets {
            progress.waiting.insert(id, ());
            out.push(match &c.change {
                BulkChange::Ticket(change) => Request::Change {
                    id,
                    change: change.clone(),
                    expected: version,
                },
                BulkChange::Tags(ops) => Request::Tag {
                    id,
                    ops: ops.clone(),
                    expected: version,
                },
            });
        }
        self.pending_writes += out.len();
        self.bulk = Some(progress);
        self.set_message(tr!(self.lang, "bulk-changing", n = out.len()), false);
        out
    }

    /// Takes a write's answer when it belongs to the running bulk change; when the last one
    /// is in, says how it went and reloads once. `None`: not a bulk answer.
    pub(super) fn bulk_answer(
        &mut self,
        ticket_id: Option<i64>,
        refused: Option<&str>,
    ) -> Option<Vec<Request>> {
        let id = ticket_id?;
        let progress = self.bulk.as_mut()?;
        progress.waiting.remove(&id)?;
        self.pending_writes = self.pending_writes.saturating_sub(1);
        match refused {
            None => {
                progress.changed += 1;
                self.marks.remove(&id);
            }
            Some(why) => progress.refused.push((id, why.to_string())),
        }
        if !progress.waiting.is_empty() {
            return Some(Vec::new());
        }
        let done = self.bulk.take().unwrap_or_default();
        let lang = self.lang;
        let msg = match done.refused.as_slice() {
            [] => tr!(lang, "bulk-changed", n = done.changed),
            [(id, why)] => tr!(
                lang,
                "bulk-changed-one-refused",
                n = done.changed,
                id = *id,
                why = why
            ),
            many => tr!(
                lang,
                "bulk-changed-refused",
                n = done.changed,
                refused = many.len(),
                ids = many
                    .iter()
                    .map(|(id, _)| format!("#{id}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };

        self.set_message(msg, !done.refused.is_empty());
        if self.marks.is_empty() {
            self.mark_anchor = None;
        }
        Some(self.reload_lists())
    }
}
