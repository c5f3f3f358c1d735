//! The undo window in the app (issue 17 item 3): what waits, the countdown, `u`, and a window
//! of 0 that applies at once; driven by keys, answers and ticks, no terminal.

use crossterm::event::KeyCode;

use super::tests::{app, code, ctrl, key, now, pending, ticket, type_in};
use super::*;
use crate::store::Deferred;

fn with_queue(undo: u64) -> App {
    let mut a = app();
    a.undo_seconds = undo;
    let tickets = vec![
        ticket(123, "down", Some(600)),
        ticket(124, "slow", Some(900)),
    ];
    let keys = tickets.iter().map(|t| SortKey(vec![t.id])).collect();
    a.handle_response(Response::Queue {
        tickets,
        keys,
        total: 2,
        select: None,
    });
    a
}

/// Types a reply to the selected ticket and presses Ctrl-S; the requests that sends.
fn send_reply(a: &mut App, text: &str) -> Vec<Request> {
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 123,
        kind: EntryKind::Reply,
        body: None,
    });
    type_in(a, text);
    a.handle_key(ctrl('s'))
}

fn pick_status(a: &mut App, status: &str) -> Vec<Request> {
    super::tests::pick(a, 't', status).1
}

#[test]
fn a_reply_waits_counts_down_and_u_gives_the_text_back() {
    let mut a = with_queue(10);
    let reqs = send_reply(&mut a, "hi");
    assert_eq!(
        reqs,
        vec![Request::Defer {
            ticket_id: 123,
            action: Deferred::Reply { body: "hi".into() },
            delay_seconds: 10,
        }]
    );
    // The editor stays until the database thread has stored it.
    assert!(matches!(a.mode, Mode::Editor(_)));
    let p = pending(7, 123, Deferred::Reply { body: "hi".into() }, 10);
    a.handle_response(Response::Deferred {
        action: Box::new(p.clone()),
    });
    assert!(matches!(a.mode, Mode::Normal));
    a.handle_response(Response::Pending(vec![PendingView {
        action: p.clone(),
        here: true,
    }]));
    assert_eq!(a.pending_lines(), ["reply to #123 sends in 10 s · u undo"]);
    a.tick(now() + Duration::seconds(3));
    assert_eq!(a.pending_lines(), ["reply to #123 sends in 7 s · u undo"]);
    // The footer names the action and the key but no number of seconds: only the
    // countdown row counts, so the screen never shows two times that disagree.
    assert_eq!(
        a.message.as_ref().map(|(m, _)| m.as_str()),
        Some("reply to #123 waits: u undoes it")
    );
    a.tick(now() + Duration::milliseconds(9_100));
    assert_eq!(a.pending_lines(), ["reply to #123 sends in 1 s · u undo"]);
    a.tick(now() + Duration::seconds(11));
    assert_eq!(a.pending_lines(), ["reply to #123 sends now… · u undo"]);
    // Quitting asks while this TUI's action waits, and `y` applies it now.
    a.handle_key(key('q'));
    assert!(
        matches!(&a.mode, Mode::ConfirmQuit { reason } if reason.contains("reply to #123")),
        "{:?}",
        a.mode
    );
    a.handle_key(key('n'));
    assert!(!a.quit);

    assert_eq!(a.handle_key(key('u')), vec![Request::Undo(7)]);
    a.handle_response(Response::Undone {
        action: Box::new(p),
        draft: Some("hi".into()),
    });
    assert!(a.pending.is_empty());
    let Mode::Editor(e) = &a.mode else {
        panic!("the editor comes back: {:?}", a.mode)
    };
    assert_eq!(
        (e.ticket_id, e.kind, e.text()),
        (123, EntryKind::Reply, "hi".into())
    );
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("undone"))
    );
}

#[test]
fn a_window_of_zero_sends_and_changes_at_once() {
    let mut a = with_queue(0);
    assert_eq!(
        send_reply(&mut a, "hi"),
        vec![Request::AddEntry {
            id: 123,
            kind: EntryKind::Reply,
            body: "hi".into()
        }]
    );
    a.handle_response(Response::Written {
        message: "reply sent to #123".into(),
        ticket_id: Some(123),
        fresh: None,
    });
    assert_eq!(
        pick_status(&mut a, "resolved"),
        vec![Request::Change {
            id: 123,
            change: TicketChange::Status(Status::Resolved),
            expected: 1
        }]
    );
    assert_eq!(a.handle_key(key('u')), Vec::<Request>::new());
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m == "nothing to undo")
    );
}

#[test]
fn resolve_close_and_reassign_wait_other_changes_and_notes_do_not() {
    let mut a = with_queue(5);
    assert_eq!(
        pick_status(&mut a, "closed"),
        vec![Request::Defer {
            ticket_id: 123,
            action: Deferred::Status {
                status: Status::Closed,
                expected: 1
            },
            delay_seconds: 5,
        }]
    );
    a.handle_response(Response::Failed {
        message: "x".into(),
        conflict: false,
        ticket_id: Some(123),
    });
    assert_eq!(
        pick_status(&mut a, "pending"),
        vec![Request::Change {
            id: 123,
            change: TicketChange::Status(Status::Pending),
            expected: 1
        }],
        "only resolving and closing wait"
    );
    a.handle_key(key('a'));
    type_in(&mut a, "bob");
    a.handle_key(code(KeyCode::Enter));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Defer {
            ticket_id: 123,
            action: Deferred::Assign {
                who: Some("bob".into()),
                expected: 1
            },
            delay_seconds: 5,
        }]
    );
    // A note is internal: it is added at once.
    a.handle_key(key('i'));
    a.handle_response(Response::Draft {
        ticket_id: 123,
        kind: EntryKind::Note,
        body: Some("n".into()),
    });
    assert_eq!(
        a.handle_key(ctrl('s')),
        vec![Request::AddEntry {
            id: 123,
            kind: EntryKind::Note,
            body: "n".into()
        }]
    );
}

#[test]
fn u_undoes_the_newest_and_applied_ones_say_so() {
    let mut a = with_queue(10);
    let older = pending(
        1,
        124,
        Deferred::Status {
            status: Status::Resolved,
            expected: 3,
        },
        4,
    );
    let newer = pending(
        2,
        123,
        Deferred::Assign {
            who: Some("bob".into()),
            expected: 1,
        },
        9,
    );
    // A crashed TUI's action (not made here) is shown too, due now.
    let left = pending(0, 124, Deferred::Reply { body: "x".into() }, -30);
    a.handle_response(Response::Pending(
        [&left, &older, &newer]
            .into_iter()
            .map(|p| PendingView {
                action: p.clone(),
                here: p.id != 0,
            })
            .collect(),
    ));
    assert_eq!(
        a.pending_lines(),
        [
            "reply to #124 sends now… · u undo",
            "resolve #124 applies in 4 s · u undo",
            "assign #123 to bob applies in 9 s · u undo",
        ]
    );
    assert_eq!(a.handle_key(key('u')), vec![Request::Undo(2)]);
    a.handle_response(Response::Undone {
        action: Box::new(newer),
        draft: None,
    });
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(a.handle_key(key('u')), vec![Request::Undo(1)]);
    a.handle_response(Response::UndoTooLate);
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, e)| *e && m.contains("too late"))
    );
    // Applied: said, and the lists reload.
    let reqs = a.handle_response(Response::PendingDone {
        action: Box::new(older),
        refused: None,
    });
    assert!(reqs.iter().any(|r| matches!(r, Request::Queue { .. })));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m == "#124 resolved")
    );
    // Refused at apply time: said clearly, the reply's text kept as a draft.
    a.handle_response(Response::PendingDone {
        action: Box::new(left),
        refused: Some("ticket 124 changed under you".into()),
    });
    assert!(a.message.as_ref().is_some_and(|(m, e)| *e
        && m.contains("reply to #124 NOT sent: ticket 124 changed under you")
        && m.contains("kept as a draft")));
    assert!(a.pending.is_empty());
}

#[test]
fn the_countdown_is_in_real_seconds_whatever_the_clock_speed() {
    // The demo at --speed 60: a 10 s window is stored as 600 clock seconds.
    let mut a = with_queue(10);
    a.clock_speed = 60.0;
    let p = pending(1, 123, Deferred::Reply { body: "x".into() }, 600);
    a.handle_response(Response::Pending(vec![PendingView {
        action: p.clone(),
        here: true,
    }]));
    assert_eq!(a.pending_lines(), ["reply to #123 sends in 10 s · u undo"]);
    a.tick(now() + Duration::seconds(300));
    assert_eq!(a.pending_lines(), ["reply to #123 sends in 5 s · u undo"]);
    // A pinned clock (TUIDESK_NOW) cannot count; the database thread still applies it in real
    // time.
    a.clock_speed = 0.0;
    assert_eq!(a.pending_lines(), ["reply to #123 sends soon · u undo"]);
}

/// Another of the engineer's TUIs (or a watcher) applied the waiting reply: when the stored
/// list no longer holds it, the footer stops saying it waits.
#[test]
fn an_action_applied_elsewhere_stops_waiting_in_the_footer() {
    let mut a = with_queue(10);
    send_reply(&mut a, "hi");
    let p = pending(7, 123, Deferred::Reply { body: "hi".into() }, 10);
    a.handle_response(Response::Deferred {
        action: Box::new(p.clone()),
    });
    a.handle_response(Response::Pending(vec![PendingView {
        action: p.clone(),
        here: true,
    }]));
    let said = |a: &App| {
        a.message
            .as_ref()
            .map(|(m, _)| m.clone())
            .unwrap_or_default()
    };
    assert!(said(&a).contains("waits"), "{}", said(&a));
    a.handle_response(Response::Pending(Vec::new()));
    assert!(a.pending_lines().is_empty());
    assert!(!said(&a).contains("waits"), "{}", said(&a));
    assert!(said(&a).contains("#123"), "{}", said(&a));
}
