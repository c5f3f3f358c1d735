//! Who else is here: the TUI tells the database thread which ticket it shows and whether its
//! user is writing on it (a heartbeat the others read), marks tickets others view (`👁 bob`)
//! or write on (`✎ bob`), and asks before replying where someone else is already writing.
//! Nothing is locked: the version checks stay the guard.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, EntryKind, Mode, Request};
use crate::store::Presence;

impl App {
    /// What this TUI is doing now: the ticket Detail shows, and whether an editor is open on it.
    fn presence_now(&self) -> (Option<i64>, bool) {
        let shown = self
            .detail
            .as_ref()
            .and_then(|d| d.ticket.as_ref())
            .map(|t| t.id);
        let composing = match &self.mode {
            Mode::Editor(e) => Some(e.ticket_id),
            Mode::Templates(p) => Some(p.editor.ticket_id),
            _ => None,
        };
        match composing {
            Some(id) => (Some(id), true),
            None => (shown, false),
        }
    }

    /// A heartbeat request when what this TUI does changed (checked on every tick).
    pub(super) fn presence_update(&mut self) -> Option<Request> {
        let now = self.presence_now();
        if self.presence_sent == Some(now) {
            return None;
        }
        self.presence_sent = Some(now);
        Some(Request::Presence {
            ticket_id: now.0,
            composing: now.1,
        })
    }

    /// Others on ticket `id` (never this user), writers first.
    pub fn others_on(&self, id: i64) -> Vec<&Presence> {
        let mut v: Vec<&Presence> = self
            .others
            .iter()
            .filter(|p| p.ticket_id == Some(id) && p.who != self.me)
            .collect();
        v.sort_by_key(|p| (!p.composing, p.who.clone()));
        v.dedup_by(|a, b| a.who == b.who);
        v
    }

    /// `✎ bob` / `👁 bob` (and `+N` more) for the queue, or nothing.
    pub fn presence_mark(&self, id: i64) -> Option<String> {
        let others = self.others_on(id);
        let first = others.first()?;
        let sign = if first.composing { "✎" } else { "👁" };
        let more = match others.len() {
            1 => String::new(),
            n => format!("+{}", n - 1),
        };
        Some(format!("{sign} {}{more}", first.who))
    }

    /// `r` where someone else is writing: asks first (`y` goes on).
    pub(super) fn reply_with_presence_check(&mut self, id: i64, kind: EntryKind) -> Vec<Request> {
        if kind == EntryKind::Reply
            && let Some(writer) = self.others_on(id).into_iter().find(|p| p.composing)
        {
            self.mode = Mode::ConfirmReply {
                ticket_id: id,
                who: writer.who.clone(),
            };
            return Vec::new();
        }
        vec![Request::LoadDraft {
            ticket_id: id,
            kind,
        }]
    }

    pub(super) fn confirm_reply_key(&mut self, ticket_id: i64, key: KeyEvent) -> Vec<Request> {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            vec![Request::LoadDraft {
                ticket_id,
                kind: EntryKind::Reply,
            }]
        } else {
            self.set_message(self.lang.t("app-reply-not-started"), false);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::app::Response;
    use crate::app::tests::{app, code, key, now, ticket};
    use crate::store::{SortKey, TicketDetail};

    fn seen(who: &str, ticket: i64, composing: bool) -> Presence {
        Presence {
            session: format!("{who} pid 1"),
            who: who.into(),
            ticket_id: Some(ticket),
            composing,
            seen_at: now(),
        }
    }

    #[test]
    fn heartbeats_follow_what_this_tui_does_and_only_when_it_changes() {
        let mut a = app();
        let t = ticket(3, "t", Some(600));
        a.handle_response(Response::Queue {
            tickets: vec![t.clone()],
            keys: vec![SortKey(vec![3])],
            total: 1,
            select: None,
        });
        a.handle_response(Response::Detail(
            Box::new(TicketDetail {
                ticket: Some(t),
                ..Default::default()
            }),
            vec![],
        ));
        let beats = |reqs: Vec<Request>| -> Vec<Request> {
            reqs.into_iter()
                .filter(|r| matches!(r, Request::Presence { .. }))
                .collect()
        };
        let first = beats(a.tick(now() + Duration::seconds(1)));
        assert_eq!(
            first,
            [Request::Presence {
                ticket_id: Some(3),
                composing: false
            }]
        );
        assert!(
            beats(a.tick(now() + Duration::seconds(2))).is_empty(),
            "no change, no beat"
        );
        a.handle_key(key('r'));
        a.handle_response(Response::Draft {
            ticket_id: 3,
            kind: EntryKind::Reply,
            body: None,
        });
        assert_eq!(
            beats(a.tick(now() + Duration::seconds(3))),
            [Request::Presence {
                ticket_id: Some(3),
                composing: true
            }]
        );
    }

    #[test]
    fn others_are_marked_and_a_reply_where_someone_writes_asks_first() {
        let mut a = app();
        a.handle_response(Response::Queue {
            tickets: vec![ticket(3, "t", Some(600))],
            keys: vec![SortKey(vec![3])],
            total: 1,
            select: None,
        });
        a.handle_response(Response::Presence(vec![
            seen("carol", 3, false),
            seen("bob", 3, true),
            seen("alice", 3, true), // this user's other TUI: not "someone else"
        ]));
        assert_eq!(a.presence_mark(3).as_deref(), Some("✎ bob+1"));
        assert_eq!(a.presence_mark(4), None);
        assert!(a.handle_key(key('r')).is_empty(), "asks first");
        assert!(matches!(&a.mode, Mode::ConfirmReply { who, .. } if who == "bob"));
        assert!(a.handle_key(code(KeyCode::Esc)).is_empty());
        a.handle_key(key('r'));
        assert_eq!(
            a.handle_key(key('y')),
            [Request::LoadDraft {
                ticket_id: 3,
                kind: EntryKind::Reply
            }]
        );
        // A note never asks: it does not reach the customer.
        a.mode = Mode::Normal;
        assert_eq!(
            a.handle_key(key('i')),
            [Request::LoadDraft {
                ticket_id: 3,
                kind: EntryKind::Note
            }]
        );
    }
}
