//! The undo window (issue 17 item 3): with `undo_seconds` > 0 a public reply, resolving or
//! closing, and reassigning are sent to the database thread as pending actions rather than
//! applied; the screen counts each one down ("reply to #123 sends in 7 s · u undo") and `u`
//! takes the newest back (a reply's text returns to the editor). The database thread applies
//! each when due, through the same use case as the immediate path. Every user-facing string
//! of the feature is in this file.

use crate::i18n::Lang;
use crate::tr;
use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;

use super::{Action, App, Editor, EntryKind, Mode, Request};
use crate::domain::Status;
use crate::store::{Deferred, PendingAction, TicketChange};

/// One of this engineer's pending actions as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingView {
    pub action: PendingAction,
    /// Made by this TUI (quitting applies these at once, when confirmed).
    pub here: bool,
}

/// Whole real seconds left until `due` on a clock running `speed` times real time (rounded
/// up, never negative); `None` on a pinned clock (speed 0), where the clock cannot tell.
pub fn seconds_left(due: DateTime<Utc>, now: DateTime<Utc>, speed: f64) -> Option<i64> {
    if speed <= 0.0 {
        return None;
    }
    let ms = (due - now).num_milliseconds() as f64 / speed;
    Some(if ms <= 0.0 {
        0
    } else {
        (ms / 1000.0).ceil() as i64
    })
}

/// What the action does, in a few words: `reply to #12`, `resolve #12`, `assign #12 to bob`.
pub fn describe(lang: Lang, p: &PendingAction) -> String {
    let id = p.ticket_id;
    match &p.action {
        Deferred::Reply { .. } => tr!(lang, "undo-reply-to", id = id),
        Deferred::Status { status, .. } => match status {
            Status::Closed => tr!(lang, "undo-close", id = id),
            _ => tr!(lang, "undo-resolve", id = id),
        },
        Deferred::Assign { who: Some(w), .. } => {
            tr!(
                lang,
                "undo-assign",
                id = id,
                who = crate::text::sanitize_line(w)
            )
        }
        Deferred::Assign { who: None, .. } => tr!(lang, "undo-unassign", id = id),
    }
}

/// The countdown line: `reply to #123 sends in 7 s · u undo` (real seconds, whatever the
/// clock's `speed`).
pub fn countdown_line(
    lang: Lang,
    p: &PendingAction,
    now: DateTime<Utc>,
    speed: f64,
    undo_key: Option<&str>,
) -> String {
    let reply = matches!(p.action, Deferred::Reply { .. });
    let when = match (seconds_left(p.due_at, now, speed), reply) {
        (Some(0), true) => lang.t("undo-sends-now"),
        (Some(0), false) => lang.t("undo-applies-now"),
        (Some(left), true) => tr!(lang, "undo-sends-in", n = left),
        (Some(left), false) => tr!(lang, "undo-applies-in", n = left),
        (None, true) => lang.t("undo-sends-soon"),
        (None, false) => lang.t("undo-applies-soon"),
    };
    match undo_key {
        Some(k) => format!(
            "{} {when} · {}",
            describe(lang, p),
            tr!(lang, "undo-key", key = k)
        ),
        None => format!("{} {when}", describe(lang, p)),
    }
}

/// What the database thread reports once a pending action is applied or refused.
pub fn done_message(lang: Lang, p: &PendingAction, refused: Option<&str>) -> String {
    let id = p.ticket_id;
    match (refused, &p.action) {
        (None, Deferred::Reply { .. }) => tr!(lang, "w-reply-sent", id = id),
        (None, Deferred::Status { status, .. }) => {
            format!("#{id} {}", lang.word("status", status.as_str()))
        }
        (None, Deferred::Assign { who: Some(w), .. }) => tr!(
            lang,
            "undo-assigned",
            id = id,
            who = crate::text::sanitize_line(w)
        ),
        (None, Deferred::Assign { who: None, .. }) => tr!(lang, "undo-unassigned", id = id),
        (Some(e), Deferred::Reply { .. }) => tr!(lang, "undo-reply-refused", id = id, error = e),
        (Some(e), _) => tr!(lang, "undo-refused", what = describe(lang, p), error = e),
    }
}

/// The footer's word on a deferred action. Its seconds are not repeated here: the countdown
/// row above the footer counts them down, and a fixed number beside it would disagree.
fn deferred_message(lang: Lang, p: &PendingAction, undo_key: Option<&str>) -> String {
    match undo_key {
        Some(k) => tr!(lang, "undo-deferred-key", what = describe(lang, p), key = k),
        None => tr!(lang, "undo-deferred", what = describe(lang, p)),
    }
}

fn undone_message(lang: Lang, p: &PendingAction, in_editor: bool) -> String {
    match (&p.action, in_editor) {
        (Deferred::Reply { .. }, true) => tr!(lang, "undo-undone-reply-back", id = p.ticket_id),
        (Deferred::Reply { .. }, false) => {
            tr!(lang, "undo-undone-reply-draft", id = p.ticket_id)
        }
        _ => tr!(lang, "undo-undone", what = describe(lang, p)),
    }
}

/// The quit question's reason when this TUI's actions still wait.
fn quit_reason(lang: Lang, described: &[String]) -> String {
    tr!(lang, "undo-quit-reason", what = described.join(", "))
}

impl App {
    fn undo_key(&self) -> Option<String> {
        self.keymap.keys_for(Action::Undo).into_iter().next()
    }

    /// The countdown lines, soonest due first.
    pub fn pending_lines(&self) -> Vec<String> {
        let key = self.undo_key();
        self.pending
            .iter()
            .map(|p| {
                countdown_line(
                    self.lang,
                    &p.action,
                    self.now,
                    self.clock_speed,
                    key.as_deref(),
                )
            })
            .collect()
    }

    /// A change the engineer confirmed: through the undo window when it is on and the change
    /// is one that waits (resolve/close, reassign), else at once.
    pub(super) fn change_request(
        &mut self,
        id: i64,
        change: TicketChange,
        expected: i64,
    ) -> Request {
        self.pending_writes += 1;
        let deferred = match &change {
            TicketChange::Status(s) if s.is_done() => Some(Deferred::Status {
                status: *s,
                expected,
            }),
            TicketChange::Assign(who) => Some(Deferred::Assign {
                who: who.clone(),
                expected,
            }),
            _ => None,
        };
        match deferred {
            Some(action) if self.undo_seconds > 0 => Request::Defer {
                ticket_id: id,
                action,
                delay_seconds: self.undo_seconds,
            },
            _ => Request::Change {
                id,
                change,
                expected,
            },
        }
    }

    /// Sending from the editor: a public reply waits in the undo window when it is on.
    pub(super) fn send_request(&mut self, id: i64, kind: EntryKind, body: String) -> Request {
        self.pending_writes += 1;
        if kind == EntryKind::Reply && self.undo_seconds > 0 {
            Request::Defer {
                ticket_id: id,
                action: Deferred::Reply { body },
                delay_seconds: self.undo_seconds,
            }
        } else {
            Request::AddEntry { id, kind, body }
        }
    }

    /// `u`: takes back the newest pending action.
    pub(super) fn undo_newest(&mut self) -> Vec<Request> {
        match self
            .pending
            .iter()
            .max_by_key(|p| (p.action.created_at, p.action.id))
        {
            Some(p) => vec![Request::Undo(p.action.id)],
            None => {
                self.set_message(self.lang.t("undo-nothing"), false);
                Vec::new()
            }
        }
    }

    /// The database thread stored an action in its window: the editor or form closes.
    pub(super) fn deferred(&mut self, p: PendingAction) -> Vec<Request> {
        self.pending_writes = self.pending_writes.saturating_sub(1);
        if let Mode::Editor(e) = &self.mode
            && e.ticket_id == p.ticket_id
            && e.kind == EntryKind::Reply
            && matches!(p.action, Deferred::Reply { .. })
        {
            self.unsent_drafts.remove(&(e.ticket_id, e.kind));
            self.mode = Mode::Normal;
        }
        let key = self.undo_key();
        self.set_message(deferred_message(self.lang, &p, key.as_deref()), false);
        Vec::new()
    }

    /// The engineer's pending actions as stored now. One that left the list was applied by
    /// another of the engineer's TUIs (or a watcher): the footer stops saying it waits.
    pub(super) fn pending_list(&mut self, list: Vec<PendingView>) {
        let key = self.undo_key();
        let gone: Vec<PendingAction> = self
            .pending
            .iter()
            .filter(|v| !list.iter().any(|n| n.action.id == v.action.id))
            .map(|v| v.action.clone())
            .collect();
        for p in gone {
            let waiting = deferred_message(self.lang, &p, key.as_deref());
            if self.message.as_ref().is_some_and(|(m, _)| *m == waiting) {
                self.set_message(done_message(self.lang, &p, None), false);
            }
        }
        self.pending = list;
    }

    /// Undone: a reply's text goes back into the editor (or stays the draft when something
    /// else is open).
    pub(super) fn undone(&mut self, p: PendingAction, draft: Option<String>) -> Vec<Request> {
        self.pending.retain(|v| v.action.id != p.id);
        let in_editor = matches!(p.action, Deferred::Reply { .. })
            && matches!(self.mode, Mode::Normal)
            && draft.is_some();
        if in_editor && let Some(text) = &draft {
            let mut textarea = TextArea::new(text.lines().map(str::to_string).collect());
            textarea.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
            textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
            textarea.move_cursor(ratatui_textarea::CursorMove::End);
            let (summary, version) = self
                .known_ticket(p.ticket_id)
                .map(|t| (t.summary.clone(), t.version))
                .unwrap_or_default();
            self.unsent_drafts.insert((p.ticket_id, EntryKind::Reply));
            self.mode = Mode::Editor(Box::new(Editor {
                ticket_id: p.ticket_id,
                summary,
                version,
                notice: None,
                kind: EntryKind::Reply,
                textarea,
                confirm_discard: false,
                restored: true,
            }));
        }
        self.set_message(undone_message(self.lang, &p, in_editor), false);
        if self.shown_id() == Some(p.ticket_id) {
            return vec![Request::Detail(p.ticket_id)];
        }
        Vec::new()
    }

    /// Undo asked too late: the action was applied (or undone elsewhere) first.
    pub(super) fn undo_too_late(&mut self) {
        self.set_message(self.lang.t("undo-too-late"), true);
    }

    /// A pending action was applied (or refused): say so and show what changed.
    pub(super) fn pending_done(
        &mut self,
        p: PendingAction,
        refused: Option<String>,
    ) -> Vec<Request> {
        self.pending.retain(|v| v.action.id != p.id);
        self.set_message(
            done_message(self.lang, &p, refused.as_deref()),
            refused.is_some(),
        );
        let mut out = self.reload_lists();
        if self.shown_id() == Some(p.ticket_id) {
            out.push(Request::Detail(p.ticket_id));
        }
        out
    }

    /// Why quitting should ask: actions of this TUI that still wait.
    pub(super) fn pending_quit_reason(&self) -> Option<String> {
        let here: Vec<String> = self
            .pending
            .iter()
            .filter(|p| p.here)
            .map(|p| describe(self.lang, &p.action))
            .collect();
        (!here.is_empty()).then(|| quit_reason(self.lang, &here))
    }

    /// Quitting confirmed: this TUI's waiting actions are applied now.
    pub(super) fn quit_requests(&self) -> Vec<Request> {
        if self.pending.iter().any(|p| p.here) {
            vec![Request::ApplyMine]
        } else {
            Vec::new()
        }
    }
}
