//! The undo window (issue 17 item 3): pending actions are stored rows that one take removes
//! (so of two handles exactly one gets each), and the use cases over them: a deferred reply
//! is not in the conversation or the outbox until applied, applied once, undone back into
//! the draft, refused at apply time with its text kept.

use std::sync::Barrier;

use tuidesk::desk::{Desk, PendingOutcome};
use tuidesk::domain::{Actor, EntryKind, Status};
use tuidesk::store::{Deferred, PendingInsert, StoreError, TicketChange};

use crate::backend::Backend;
use crate::fixture::*;

fn reply(text: &str) -> Deferred {
    Deferred::Reply { body: text.into() }
}

fn replies(d: &Desk, id: i64) -> Vec<String> {
    d.ticket_detail(id, t0())
        .unwrap()
        .conversation
        .into_iter()
        .filter(|e| e.kind == EntryKind::Reply)
        .map(|e| e.body)
        .collect()
}

/// A ticket whose replies are mailed (it has a requester address).
fn mailed_ticket(d: &mut Desk) -> i64 {
    let mut nt = new_ticket(ACME, "S2", "mailed", "");
    nt.requester_address = Some("cust@example.com".into());
    d.create_ticket(&nt, &actor("carol"), t0()).unwrap().id
}

pub fn pending_rows_insert_take_once_and_list_by_owner(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "p", ""), &actor("carol"), t0())
        .unwrap();
    // alice acting as herself, then the OS account root acting --as alice (a different owner).
    let alice = os_actor("alice");
    let root_as_alice = Actor {
        name: "alice".into(),
        via_as: true,
        os: Some("root".into()),
    };
    let rows = [
        (reply("hello 你好\nsecond line"), &alice, at(3)),
        (
            Deferred::Status {
                status: Status::Resolved,
                expected: 4,
            },
            &alice,
            at(1),
        ),
        (
            Deferred::Assign {
                who: None,
                expected: 2,
            },
            &root_as_alice,
            at(2),
        ),
        (
            Deferred::Assign {
                who: Some("bob".into()),
                expected: 7,
            },
            &alice,
            at(1),
        ),
    ];
    let mut ids = Vec::new();
    for (action, who, due) in &rows {
        ids.push(
            write(&mut *d, |tx| {
                tx.insert_pending(&PendingInsert {
                    ticket_id: t.id,
                    action,
                    actor: who,
                    session: "alice pid 1",
                    created_at: t0(),
                    due_at: *due,
                })
            })
            .unwrap(),
        );
    }
    let other = second(b, &d);
    let mine = other.pending_actions(Some("alice")).unwrap();
    // Soonest due first, then by id; root's `--as alice` rows are not alice's own.
    assert_eq!(
        mine.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[1], ids[3], ids[0]],
        "{}",
        b.name()
    );
    let first = &mine[2];
    assert_eq!(first.action, rows[0].0);
    assert_eq!(first.actor, alice);
    assert_eq!(
        (first.ticket_id, first.session.as_str()),
        (t.id, "alice pid 1")
    );
    assert_eq!((first.created_at, first.due_at), (t0(), at(3)));
    let theirs = other.pending_actions(Some("root as alice")).unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].actor, root_as_alice);
    assert_eq!(other.pending_actions(None).unwrap().len(), 4);

    // One take gets the row, from either handle; the next finds nothing.
    let mut other = other;
    let taken = write(&mut *other, |tx| tx.take_pending(ids[0])).unwrap();
    assert_eq!(taken.as_ref(), Some(first));
    assert_eq!(write(&mut *d, |tx| tx.take_pending(ids[0])).unwrap(), None);
    // A take rolled back with its transaction leaves the row.
    let r = d.write(&mut |tx| {
        assert!(tx.take_pending(ids[1])?.is_some());
        Err(StoreError::Other("changed my mind".into()))
    });
    assert!(r.is_err());
    assert_eq!(d.pending_actions(None).unwrap().len(), 3);
}

pub fn a_deferred_reply_is_sent_only_when_applied_and_once(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let id = mailed_ticket(&mut d);
    let me = os_actor("alice");
    d.save_draft("alice", id, "reply", "Dear customer, fixed", at(1))
        .unwrap();
    let p = d
        .defer(id, &reply("Dear customer, fixed"), &me, "s1", at(2), 10)
        .unwrap();
    assert_eq!(p.due_at, at(2) + chrono::Duration::seconds(10));
    // In its window: the text lives in the pending row only (not a draft, not sent).
    let other = second(b, &d);
    assert_eq!(other.draft("alice", id, "reply").unwrap(), None);
    assert!(replies(&other, id).is_empty());
    assert!(other.outbox(10).unwrap().is_empty());
    assert_eq!(other.ticket(id, at(2)).unwrap().first_response_at, None);
    assert_eq!(
        other.pending_actions(Some("alice")).unwrap(),
        vec![p.clone()]
    );
    // A new draft typed meanwhile is left alone by the apply.
    d.save_draft("alice", id, "reply", "P.S.", at(2)).unwrap();

    let applied = d.apply_pending(p.id, at(3)).unwrap();
    assert!(matches!(applied, PendingOutcome::Applied(ref a) if a.id == p.id));
    assert_eq!(replies(&other, id), ["Dear customer, fixed"]);
    let outbox = other.outbox(10).unwrap();
    assert_eq!(outbox.len(), 1, "{}", b.name());
    assert_eq!(outbox[0].to, "cust@example.com");
    let t = other.ticket(id, at(3)).unwrap();
    assert_eq!((t.status, t.first_response_at), (Status::Open, Some(at(3))));
    assert_eq!(
        other.draft("alice", id, "reply").unwrap().as_deref(),
        Some("P.S.")
    );
    assert!(other.pending_actions(None).unwrap().is_empty());
    // Applied already: again is nothing, from either handle.
    let mut other = other;
    assert!(matches!(
        other.apply_pending(p.id, at(4)).unwrap(),
        PendingOutcome::Gone
    ));
    assert!(d.undo_pending(p.id, &me, at(4)).unwrap().is_none());
    assert_eq!(replies(&d, id).len(), 1);
    assert_eq!(d.outbox(10).unwrap().len(), 1);
}

pub fn undo_gives_a_reply_back_and_a_refused_apply_keeps_it(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let id = mailed_ticket(&mut d);
    let me = os_actor("alice");
    // Undo: the row goes, the text is the draft again (before anything typed since).
    let p = d
        .defer(id, &reply("first try"), &me, "s1", at(1), 10)
        .unwrap();
    d.save_draft("alice", id, "reply", "typed since", at(1))
        .unwrap();
    assert!(
        d.undo_pending(p.id, &os_actor("bob"), at(1)).is_err(),
        "only its owner undoes it"
    );
    let (undone, text) = d.undo_pending(p.id, &me, at(2)).unwrap().unwrap();
    assert_eq!(undone.id, p.id);
    assert_eq!(text.as_deref(), Some("first try\n\ntyped since"));
    assert_eq!(
        d.draft("alice", id, "reply").unwrap().as_deref(),
        Some("first try\n\ntyped since")
    );
    assert!(matches!(
        d.apply_pending(p.id, at(3)).unwrap(),
        PendingOutcome::Gone
    ));
    assert!(replies(&d, id).is_empty());
    assert!(d.outbox(10).unwrap().is_empty());

    // Refused at apply time: a resolve whose version someone else moved is a conflict,
    // removed, nothing changed; a reply on a ticket that cannot take it keeps its text.
    let v = d.ticket(id, at(3)).unwrap().version;
    let p = d
        .defer(
            id,
            &Deferred::Status {
                status: Status::Resolved,
                expected: v,
            },
            &me,
            "s1",
            at(3),
            10,
        )
        .unwrap();
    d.change_ticket(
        id,
        &TicketChange::Severity("S1".into()),
        None,
        &os_actor("bob"),
        at(4),
    )
    .unwrap();
    match d.apply_pending(p.id, at(5)).unwrap() {
        PendingOutcome::Refused { error, draft, .. } => {
            assert!(matches!(error, StoreError::Conflict { .. }), "{error}");
            assert_eq!(draft, None);
        }
        other => panic!("{}: expected a conflict, got {other:?}", b.name()),
    }
    assert_eq!(d.ticket(id, at(5)).unwrap().status, Status::New);
    assert!(d.pending_actions(None).unwrap().is_empty());

    d.save_draft("alice", id, "reply", "", at(5)).unwrap();
    let p = d
        .defer(id, &reply(&"x".repeat(10)), &me, "s1", at(5), 0)
        .unwrap();
    // Taken under it (another TUI undid it between the read and the apply): nothing sent.
    write(&mut *d, |tx| tx.take_pending(p.id).map(|_| ())).unwrap();
    assert!(matches!(
        d.apply_pending(p.id, at(6)).unwrap(),
        PendingOutcome::Gone
    ));
    let p = d.defer(id, &reply("due now"), &me, "s1", at(6), 0).unwrap();
    // Only resolving and closing wait; a bad name is refused when deferred.
    assert!(
        d.defer(
            id,
            &Deferred::Status {
                status: Status::Pending,
                expected: 1
            },
            &me,
            "s1",
            at(6),
            10
        )
        .is_err()
    );
    assert!(
        d.defer(
            id,
            &Deferred::Assign {
                who: Some("two words".into()),
                expected: 1
            },
            &me,
            "s1",
            at(6),
            10
        )
        .is_err()
    );
    assert!(d.defer(999_999, &reply("x"), &me, "s1", at(6), 10).is_err());
    // A reply the ticket cannot take when due (here: no such ticket, written raw): refused,
    // removed, and its text kept as the engineer's draft.
    let orphan = reply("kept for later");
    let orphan_id = write(&mut *d, |tx| {
        tx.insert_pending(&PendingInsert {
            ticket_id: 999_999,
            action: &orphan,
            actor: &me,
            session: "s1",
            created_at: at(6),
            due_at: at(6),
        })
    })
    .unwrap();
    match d.apply_pending(orphan_id, at(6)).unwrap() {
        PendingOutcome::Refused { error, draft, .. } => {
            assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
            assert_eq!(draft.as_deref(), Some("kept for later"));
        }
        other => panic!("{}: expected a refusal, got {other:?}", b.name()),
    }
    assert_eq!(
        d.draft("alice", 999_999, "reply").unwrap().as_deref(),
        Some("kept for later")
    );
    let due = d.apply_due_pending(at(6), at(6)).unwrap();
    assert_eq!(due.len(), 1);
    assert!(matches!(due[0].1, Ok(PendingOutcome::Applied(ref a)) if a.id == p.id));
    assert_eq!(replies(&d, id), ["due now"]);
}

pub fn two_handles_applying_one_action_apply_it_once(b: &dyn Backend) {
    let mut first = desk_with_orgs(b);
    let id = mailed_ticket(&mut first);
    let me = os_actor("alice");
    let p = first
        .defer(id, &reply("only once"), &me, "s1", at(1), 5)
        .unwrap();
    let desks: Vec<Desk> = (0..4).map(|_| second(b, &first)).collect();
    let barrier = Barrier::new(desks.len());
    let outcomes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = desks
            .into_iter()
            .map(|mut d| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    match d.apply_pending(p.id, at(2)) {
                        Ok(PendingOutcome::Applied(_)) => "applied".to_string(),
                        Ok(PendingOutcome::Gone) => "gone".to_string(),
                        other => format!("{other:?}"),
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        outcomes.iter().filter(|o| *o == "applied").count(),
        1,
        "{}: {outcomes:?}",
        b.name()
    );
    assert_eq!(outcomes.iter().filter(|o| *o == "gone").count(), 3);
    assert_eq!(replies(&first, id), ["only once"]);
    assert_eq!(first.outbox(10).unwrap().len(), 1);
}
