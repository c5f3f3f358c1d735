//! Ticket use cases over the port: what each one writes, audits and refuses, and how two
//! engineers' handles on one database meet.

use std::sync::Barrier;

use tuidesk::desk::Desk;
use tuidesk::domain::{AuthorRole, EntryKind, RuleError, Status};
use tuidesk::store::{StoreError, TicketChange, TicketFilter};

use crate::backend::Backend;
use crate::fixture::*;

fn fields(d: &Desk, id: i64) -> Vec<(String, Option<String>, Option<String>)> {
    d.ticket_detail(id, t0())
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.field, e.old, e.new))
        .collect()
}

fn change(
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> (String, Option<String>, Option<String>) {
    (field.into(), old.map(Into::into), new.map(Into::into))
}

pub fn create_ticket_stores_row_audit_and_targets(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let mut nt = new_ticket(ACME, "S2", "  Replication lag  ", "lag 数据库");
    nt.component = Some("tikv".into());
    nt.environment = Some(PRODUCTION);
    nt.affected_version = Some("v8.5".into());
    let t = d.create_ticket(&nt, &os_actor("carol"), t0()).unwrap();
    assert_eq!(t.summary, "Replication lag", "trimmed");
    assert_eq!((t.status, t.version), (Status::New, 1));
    assert_eq!((t.org.as_str(), t.severity.as_str()), (ACME, "S2"));
    assert_eq!(t.component.as_deref(), Some("tikv"));
    assert_eq!(t.environment, Some(PRODUCTION));
    assert_eq!((t.created_at, t.updated_at), (t0(), t0()));
    // Enterprise S2: two hours on 24×7, at risk after 90 minutes.
    assert_eq!(t.first_response_due, Some(at(120)), "{}", b.name());
    assert_eq!((t.next_due, t.risk_at), (Some(at(120)), Some(at(90))));
    assert_eq!(
        t,
        d.ticket(t.id, t0()).unwrap(),
        "what it returns is what is stored"
    );
    let events = d.ticket_detail(t.id, t0()).unwrap().events;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!((e.actor.as_str(), e.actor_source.as_str()), ("carol", "os"));
    assert_eq!(
        (e.field.as_str(), e.new.as_deref()),
        ("created", Some("S2 technical ticket"))
    );
    assert_eq!((e.ticket_id, e.org_id), (Some(t.id), Some(t.org_id)));
    let queue = d
        .list_tickets(
            &TicketFilter::default(),
            Default::default(),
            None,
            None,
            10,
            t0(),
        )
        .unwrap();
    assert_eq!(ids(&queue.tickets), vec![t.id]);
    assert_eq!(
        ids(&d.search("数据库", 5, t0()).unwrap().tickets),
        vec![t.id]
    );
}

pub fn engineer_reply_meets_first_response_and_opens(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "waiting", ""), &me, t0())
        .unwrap();
    // An internal note and a customer's reply leave the clock running; the row is touched
    // (updated_at) but its version stays, so nobody's edit is refused for them.
    for (kind, role, minute) in [
        (EntryKind::Note, AuthorRole::Engineer, 5),
        (EntryKind::Reply, AuthorRole::Customer, 6),
    ] {
        d.add_entry(t.id, kind, role, "not yet", &me, at(minute))
            .unwrap();
        let now = d.ticket(t.id, at(minute)).unwrap();
        assert_eq!((now.status, now.first_response_at), (Status::New, None));
        assert_eq!(
            (now.version, now.updated_at),
            (1, at(minute)),
            "{}",
            b.name()
        );
        assert_eq!(now.next_due, Some(at(120)));
    }
    let entry = d
        .add_entry(
            t.id,
            EntryKind::Reply,
            AuthorRole::Engineer,
            "on it",
            &me,
            at(30),
        )
        .unwrap();
    assert_eq!((entry.ticket_id, entry.author.as_str()), (t.id, "alice"));
    assert_eq!(entry.created_at, at(30));
    let now = d.ticket(t.id, at(30)).unwrap();
    assert_eq!(now.first_response_at, Some(at(30)));
    assert_eq!(now.status, Status::Open);
    assert_eq!((now.version, now.updated_at), (2, at(30)));
    assert_eq!(now.next_due, None, "met: nothing runs");
    assert!(!now.breached);
    let conv = d.ticket_detail(t.id, at(30)).unwrap().conversation;
    assert_eq!(conv.last().unwrap().id, entry.id);
    assert_eq!(conv.len(), 3);
    let ev = fields(&d, t.id);
    assert_eq!(
        ev[ev.len() - 3..],
        [
            change("first_response", None, Some(&at(30).to_rfc3339())),
            change("status", Some("new"), Some("open")),
            change("reply", None, Some(&format!("#{}", entry.id))),
        ]
    );
    // A second reply changes neither the first response nor the version.
    d.add_entry(
        t.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "more",
        &me,
        at(40),
    )
    .unwrap();
    let again = d.ticket(t.id, at(40)).unwrap();
    assert_eq!((again.first_response_at, again.version), (Some(at(30)), 2));
    // Empty text is refused before anything is written.
    assert!(matches!(
        d.add_entry(
            t.id,
            EntryKind::Reply,
            AuthorRole::Engineer,
            "  ",
            &me,
            at(41)
        ),
        Err(StoreError::Rule(RuleError::EmptyBody { .. }))
    ));
    assert_eq!(d.ticket_detail(t.id, at(41)).unwrap().conversation.len(), 4);
}

pub fn status_severity_and_assignee_changes_are_audited(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "changes", ""), &me, t0())
        .unwrap();
    let step = |d: &mut Desk, c: TicketChange, minute| {
        d.change_ticket(t.id, &c, None, &me, at(minute)).unwrap()
    };
    let r = step(&mut d, TicketChange::Status(Status::Resolved), 10);
    assert_eq!(
        (r.status, r.resolved_at, r.version),
        (Status::Resolved, Some(at(10)), 2)
    );
    let r = step(&mut d, TicketChange::Status(Status::Open), 20);
    assert_eq!(
        (r.status, r.resolved_at, r.version),
        (Status::Open, None, 3),
        "{}: reopened",
        b.name()
    );
    // The ten minutes it spent resolved stay out of its clocks: S1's hour is due at 1:10.
    let r = step(&mut d, TicketChange::Severity("S1".into()), 30);
    assert_eq!(
        (r.severity.as_str(), r.first_response_due),
        ("S1", Some(at(70)))
    );
    let r = step(&mut d, TicketChange::Assign(Some("bob".into())), 40);
    assert_eq!(
        (r.assignee.as_deref(), r.version, r.updated_at),
        (Some("bob"), 5, at(40))
    );
    let r = step(&mut d, TicketChange::Assign(None), 50);
    assert_eq!((r.assignee, r.version), (None, 6));
    // No change, no write.
    let r = step(&mut d, TicketChange::Severity("S1".into()), 60);
    assert_eq!((r.version, r.updated_at), (6, at(50)));
    assert_eq!(
        fields(&d, t.id)[1..],
        [
            change("status", Some("new"), Some("resolved")),
            change("status", Some("resolved"), Some("open")),
            change("severity", Some("S2"), Some("S1")),
            change("assignee", None, Some("bob")),
            change("assignee", Some("bob"), None),
        ]
    );
    assert!(matches!(
        d.change_ticket(
            t.id,
            &TicketChange::Assign(Some("two words".into())),
            None,
            &me,
            at(70)
        ),
        Err(StoreError::Rule(RuleError::BadUserName(_)))
    ));
    assert!(matches!(
        d.change_ticket(
            t.id,
            &TicketChange::Severity("urgent".into()),
            None,
            &me,
            at(70)
        ),
        Err(StoreError::Rule(RuleError::UnknownSeverity { .. }))
    ));
    assert!(matches!(
        d.change_ticket(
            t.id + 100,
            &TicketChange::Status(Status::Open),
            None,
            &me,
            at(70)
        ),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(d.ticket(t.id, at(70)).unwrap().version, 6);
}

pub fn stale_version_is_refused_naming_who_changed_what(b: &dyn Backend) {
    let mut alice = desk_with_orgs(b);
    let mut bob = second(b, &alice);
    let t = alice
        .create_ticket(
            &new_ticket(ACME, "S2", "contended", ""),
            &actor("carol"),
            t0(),
        )
        .unwrap();
    // Both have version 1 on screen; bob saves first.
    let seen = alice.ticket(t.id, t0()).unwrap().version;
    assert_eq!(bob.ticket(t.id, t0()).unwrap().version, seen);
    bob.change_ticket(
        t.id,
        &TicketChange::Severity("S1".into()),
        Some(seen),
        &actor("bob"),
        at(1),
    )
    .unwrap();
    let err = alice
        .change_ticket(
            t.id,
            &TicketChange::Severity("S3".into()),
            Some(seen),
            &actor("alice"),
            at(2),
        )
        .unwrap_err();
    match &err {
        StoreError::Conflict {
            id,
            expected,
            actual,
            by,
            field,
            old,
            new,
        } => {
            assert_eq!((*id, *expected, *actual), (t.id, seen, seen + 1));
            assert_eq!(by, "bob", "{}", b.name());
            assert_eq!(
                (field.as_str(), old.as_str(), new.as_str()),
                ("severity", "S2", "S1")
            );
        }
        other => panic!("{}: expected Conflict, got {other:?}", b.name()),
    }
    assert!(err.to_string().contains("bob"), "{err}");
    let now = alice.ticket(t.id, at(2)).unwrap();
    assert_eq!(
        (now.severity.as_str(), now.version),
        ("S1", seen + 1),
        "alice's edit was not applied"
    );
    // With the fresh version the same edit goes through; without one it is not checked.
    alice
        .change_ticket(
            t.id,
            &TicketChange::Severity("S3".into()),
            Some(seen + 1),
            &actor("alice"),
            at(3),
        )
        .unwrap();
    bob.change_ticket(
        t.id,
        &TicketChange::Status(Status::Open),
        None,
        &actor("bob"),
        at(4),
    )
    .unwrap();
    let now = bob.ticket(t.id, at(4)).unwrap();
    assert_eq!(
        (now.severity.as_str(), now.status, now.version),
        ("S3", Status::Open, seen + 3)
    );
}

pub fn claims_race_and_exactly_one_wins(b: &dyn Backend) {
    let mut first = desk_with_orgs(b);
    let t = first
        .create_ticket(
            &new_ticket(ACME, "S2", "grab it", ""),
            &actor("carol"),
            t0(),
        )
        .unwrap();
    // Sequentially: a second handle that has not reloaded still loses to the first claim.
    let mut other = second(b, &first);
    let stale = other.ticket(t.id, t0()).unwrap();
    assert_eq!(stale.assignee, None);
    let won = first.claim(t.id, &actor("alice"), at(1)).unwrap();
    assert_eq!((won.assignee.as_deref(), won.version), (Some("alice"), 2));
    match other.claim(t.id, &actor("bob"), at(2)) {
        Err(StoreError::ClaimedBy { id, by }) => assert_eq!((id, by.as_str()), (t.id, "alice")),
        other => panic!("{}: expected ClaimedBy, got {other:?}", b.name()),
    }
    // Claiming what one holds already is fine and changes nothing.
    let again = first.claim(t.id, &actor("alice"), at(3)).unwrap();
    assert_eq!((again.version, again.updated_at), (2, at(1)));

    // Concurrently: four engineers, four handles, one ticket.
    let t = first
        .create_ticket(&new_ticket(ACME, "S2", "race", ""), &actor("carol"), t0())
        .unwrap();
    let names = ["e0", "e1", "e2", "e3"];
    let desks: Vec<Desk> = names.iter().map(|_| second(b, &first)).collect();
    let barrier = Barrier::new(names.len());
    let results: Vec<(String, Result<Option<String>, StoreError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = desks
            .into_iter()
            .zip(names)
            .map(|(mut d, name)| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let r = d.claim(t.id, &actor(name), at(5)).map(|t| t.assignee);
                    (name.to_string(), r)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(winners.len(), 1, "{}: {results:?}", b.name());
    let winner = winners[0].clone();
    for (name, r) in &results {
        match r {
            Ok(assignee) => assert_eq!(assignee.as_deref(), Some(name.as_str())),
            Err(StoreError::ClaimedBy { by, .. }) => assert_eq!(by, &winner),
            Err(e) => panic!("{}: {name} failed otherwise: {e}", b.name()),
        }
    }
    let now = first.ticket(t.id, at(6)).unwrap();
    assert_eq!(
        (now.assignee.as_deref(), now.version),
        (Some(winner.as_str()), 2)
    );
    let claims: Vec<_> = fields(&first, t.id)
        .into_iter()
        .filter(|(f, _, _)| f == "assignee")
        .collect();
    assert_eq!(claims, vec![change("assignee", None, Some(&winner))]);
}
