//! Ticket rows through the port: every `StoreTx` primitive's effect as `Store` reads see it.

use chrono::Duration;
use tuidesk::domain::{AuthorRole, EntryKind, Environment, Status, TicketKind};
use tuidesk::sla::Pause;
use tuidesk::sla::columns::SlaColumns;
use tuidesk::store::{EntryInsert, StoreError, TicketInsert, TicketPatch};

use crate::backend::Backend;
use crate::fixture::*;

pub fn inserted_ticket_reads_back_every_field(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let created = at(-90);
    let description = "第一行\nsecond line with \"quotes\" and 'apostrophes'\n";
    let (id, inside) = write(&mut *s, |tx| {
        let id = tx.insert_ticket(&TicketInsert {
            org_id: org,
            kind: TicketKind::Billing,
            severity: "S3",
            severity_rank: 2,
            status: Status::New,
            summary: "Invoice 数据库 question",
            description,
            component: Some("tidb"),
            environment: Some(Environment::NonProduction),
            affected_version: Some("v8.5.1"),
            created_at: created,
            priority: 3,
            requester_name: Some("王芳"),
            requester_address: Some("wang.fang@example.cn"),
            channel: Some(tuidesk::domain::Channel::Phone),
            follows: None,
        })?;
        // The transaction reads its own write.
        Ok((id, tx.ticket(id, t0())?))
    })
    .unwrap();
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!(
        t,
        inside,
        "{}: the same row inside and after the write",
        b.name()
    );
    assert_eq!(t.id, id);
    assert_eq!(t.org_id, org);
    assert_eq!(t.org, "Acme");
    assert_eq!(t.kind, TicketKind::Billing);
    assert_eq!(t.severity, "S3");
    assert_eq!(t.status, Status::New);
    assert_eq!(t.summary, "Invoice 数据库 question");
    assert_eq!(t.description, description);
    assert_eq!(t.component.as_deref(), Some("tidb"));
    assert_eq!(t.environment, Some(Environment::NonProduction));
    assert_eq!(t.affected_version.as_deref(), Some("v8.5.1"));
    assert_eq!(t.assignee, None);
    assert_eq!(t.created_at, created);
    assert_eq!(
        t.updated_at, created,
        "a new row was last updated when created"
    );
    assert_eq!(t.first_response_at, None);
    assert_eq!(t.resolved_at, None);
    assert_eq!(t.first_response_due, None, "no SLA columns stored yet");
    assert_eq!(t.next_due, None);
    assert_eq!(t.risk_at, None);
    assert_eq!(t.paused_seconds_left, None);
    assert!(!t.breached);
    assert_eq!(t.version, 1);

    let detail = s.ticket_detail(id, t0()).unwrap();
    assert_eq!(detail.ticket.as_ref(), Some(&t));
    assert!(detail.conversation.is_empty());
    assert!(detail.events.is_empty());
    assert!(detail.pauses.is_empty());

    // Optional fields stay absent; a second row gets its own id.
    let other = raw_ticket(&mut *s, org, "plain", t0());
    assert_ne!(other, id);
    let t = s.ticket(other, t0()).unwrap();
    assert_eq!(
        (t.component, t.environment, t.affected_version),
        (None, None, None)
    );
    assert_eq!(t.description, "");
}

pub fn entries_read_back_in_time_order(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "conversation", t0());
    let other = raw_ticket(&mut *s, org, "someone else's", t0());
    // Written out of time order: the conversation is read in time order.
    let (late, early, same_time) = write(&mut *s, |tx| {
        let entry = |kind, role, author, body, at| EntryInsert {
            ticket_id: id,
            kind,
            role,
            author,
            body,
            at,
        };
        let late = tx.insert_entry(&entry(
            EntryKind::Reply,
            AuthorRole::Engineer,
            "alice",
            "we are on it",
            at(20),
        ))?;
        let early = tx.insert_entry(&entry(
            EntryKind::Reply,
            AuthorRole::Customer,
            "customer@example.com",
            "still down\n仍然无法连接",
            at(5),
        ))?;
        let same_time = tx.insert_entry(&entry(
            EntryKind::Note,
            AuthorRole::Engineer,
            "bob",
            "internal: check the region",
            at(20),
        ))?;
        tx.insert_entry(&EntryInsert {
            ticket_id: other,
            kind: EntryKind::Note,
            role: AuthorRole::Engineer,
            author: "bob",
            body: "not this ticket",
            at: at(1),
        })?;
        Ok((late, early, same_time))
    })
    .unwrap();
    let conv = s.ticket_detail(id, at(30)).unwrap().conversation;
    assert_eq!(
        conv.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![early, late, same_time],
        "{}: by time, then by id",
        b.name()
    );
    let e = &conv[0];
    assert_eq!(e.ticket_id, id);
    assert_eq!(e.kind, EntryKind::Reply);
    assert_eq!(e.role, AuthorRole::Customer);
    assert_eq!(e.author, "customer@example.com");
    assert_eq!(e.body, "still down\n仍然无法连接");
    assert_eq!(e.created_at, at(5));
    assert_eq!(conv[2].kind, EntryKind::Note);
    assert_eq!(conv[2].author, "bob");
    // Entries do not touch the ticket row by themselves.
    let t = s.ticket(id, at(30)).unwrap();
    assert_eq!((t.version, t.updated_at), (1, t0()));
}

pub fn update_ticket_patches_one_field_each(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "patched", t0());
    let patch = |s: &mut dyn tuidesk::store::Store, p: TicketPatch| {
        write(s, |tx| tx.update_ticket(id, &p)).unwrap();
    };
    let before = s.ticket(id, t0()).unwrap();

    patch(&mut *s, TicketPatch::Status(Status::Pending));
    assert_eq!(s.ticket(id, t0()).unwrap().status, Status::Pending);

    patch(&mut *s, TicketPatch::FirstResponseAt(at(7)));
    assert_eq!(s.ticket(id, t0()).unwrap().first_response_at, Some(at(7)));

    patch(&mut *s, TicketPatch::ResolvedAt(Some(at(60))));
    assert_eq!(s.ticket(id, t0()).unwrap().resolved_at, Some(at(60)));
    patch(&mut *s, TicketPatch::ResolvedAt(None));
    assert_eq!(s.ticket(id, t0()).unwrap().resolved_at, None, "reopened");

    patch(
        &mut *s,
        TicketPatch::Severity {
            name: "S1".into(),
            rank: 0,
        },
    );
    assert_eq!(s.ticket(id, t0()).unwrap().severity, "S1");

    patch(&mut *s, TicketPatch::Assignee(Some("alice".into())));
    assert_eq!(
        s.ticket(id, t0()).unwrap().assignee.as_deref(),
        Some("alice")
    );
    patch(&mut *s, TicketPatch::Assignee(None));
    assert_eq!(s.ticket(id, t0()).unwrap().assignee, None);

    patch(&mut *s, TicketPatch::Priority(1));

    let after = s.ticket(id, t0()).unwrap();
    assert_eq!(
        (after.version, after.updated_at),
        (before.version, before.updated_at),
        "{}: field patches move neither the version nor updated_at",
        b.name()
    );
    assert_eq!(
        (after.summary, after.created_at, after.org_id),
        (before.summary, before.created_at, before.org_id),
        "untouched fields stay"
    );

    // Touch moves updated_at, and the version only when asked.
    patch(
        &mut *s,
        TicketPatch::Touch {
            at: at(10),
            bump_version: false,
        },
    );
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!((t.updated_at, t.version), (at(10), before.version));
    patch(
        &mut *s,
        TicketPatch::Touch {
            at: at(11),
            bump_version: true,
        },
    );
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!((t.updated_at, t.version), (at(11), before.version + 1));
    patch(
        &mut *s,
        TicketPatch::Touch {
            at: at(12),
            bump_version: true,
        },
    );
    assert_eq!(s.ticket(id, t0()).unwrap().version, before.version + 2);
}

pub fn claim_if_unassigned_takes_only_a_free_ticket(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "claim me", t0());
    let won = write(&mut *s, |tx| tx.claim_if_unassigned(id, "alice", at(3))).unwrap();
    assert!(won);
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!(t.assignee.as_deref(), Some("alice"));
    assert_eq!(
        (t.version, t.updated_at),
        (2, at(3)),
        "a claim is a versioned change"
    );

    let won = write(&mut *s, |tx| tx.claim_if_unassigned(id, "bob", at(4))).unwrap();
    assert!(!won, "{}: someone holds it", b.name());
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!(t.assignee.as_deref(), Some("alice"));
    assert_eq!(
        (t.version, t.updated_at),
        (2, at(3)),
        "a lost claim changes nothing"
    );
}

pub fn pauses_open_and_close_as_read_back(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "waiting on the customer", t0());
    let other = raw_ticket(&mut *s, org, "never paused", t0());
    let pauses = |s: &dyn tuidesk::store::Store| s.ticket_detail(id, at(100)).unwrap().pauses;

    // Closing when nothing is open does nothing.
    write(&mut *s, |tx| tx.close_pause(id, at(1))).unwrap();
    assert!(pauses(&*s).is_empty());

    write(&mut *s, |tx| tx.open_pause(id, at(10))).unwrap();
    assert_eq!(
        pauses(&*s),
        vec![Pause {
            start: at(10),
            end: None
        }]
    );
    write(&mut *s, |tx| tx.close_pause(id, at(25))).unwrap();
    write(&mut *s, |tx| tx.open_pause(id, at(40))).unwrap();
    let expected = vec![
        Pause {
            start: at(10),
            end: Some(at(25)),
        },
        Pause {
            start: at(40),
            end: None,
        },
    ];
    assert_eq!(pauses(&*s), expected, "{}", b.name());
    // The SLA inputs see the same pauses, inside a write and outside.
    let inside = write(&mut *s, |tx| tx.sla_inputs(id)).unwrap();
    assert_eq!(inside.timeline.pauses, expected);
    let many = s.sla_inputs_many(&[id, other]).unwrap();
    assert_eq!(many[0].timeline.pauses, expected);
    assert!(many[1].timeline.pauses.is_empty());
    assert!(
        s.ticket_detail(other, t0()).unwrap().pauses.is_empty(),
        "pauses belong to their ticket"
    );
}

pub fn sla_columns_are_stored_and_read_back(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "columns", t0());
    let cols = SlaColumns {
        first_response_due: Some(ts(at(60))),
        next_due: Some(ts(at(45))),
        risk_at: Some(ts(at(30))),
        breach_at: Some(ts(at(45))),
        paused_left: Some(600),
        urgency: ts(at(45)),
        ..SlaColumns::default()
    };
    write(&mut *s, |tx| tx.store_sla_columns(id, &cols)).unwrap();
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!(t.first_response_due, Some(at(60)));
    assert_eq!(t.next_due, Some(at(45)));
    assert_eq!(t.risk_at, Some(at(30)));
    assert_eq!(t.paused_seconds_left, Some(600));
    // Breached only once `now` is past the breach instant (one rule with the SLA engine).
    let breached = |s: &dyn tuidesk::store::Store, now| s.ticket(id, now).unwrap().breached;
    assert!(!breached(&*s, at(44)));
    assert!(
        !breached(&*s, at(45)),
        "{}: not breached at the due instant itself",
        b.name()
    );
    assert!(breached(&*s, at(45) + Duration::milliseconds(1)));
    assert!(breached(&*s, at(46)));
    // Storing columns changes nothing else.
    let t = s.ticket(id, at(50)).unwrap();
    assert_eq!((t.version, t.updated_at, t.status), (1, t0(), Status::Open));

    // New columns replace the old ones, absent ones clear them.
    write(&mut *s, |tx| {
        tx.store_sla_columns(id, &SlaColumns::default())
    })
    .unwrap();
    let t = s.ticket(id, at(50)).unwrap();
    assert_eq!(
        (
            t.first_response_due,
            t.next_due,
            t.risk_at,
            t.paused_seconds_left
        ),
        (None, None, None, None)
    );
    assert!(!t.breached);
}

pub fn active_and_open_ticket_ids(b: &dyn Backend) {
    let mut s = b.open();
    let parent = raw_org(&mut *s, "Parent");
    let child = raw_org(&mut *s, "Child");
    let stranger = raw_org(&mut *s, "Stranger");
    write(&mut *s, |tx| {
        tx.update_org(child, &tuidesk::store::OrgPatch::Parent(Some(parent)))
    })
    .unwrap();
    let mut by_status = Vec::new();
    for (org, status) in [
        (parent, Status::New),
        (parent, Status::Open),
        (child, Status::Pending),
        (child, Status::OnHold),
        (parent, Status::Resolved),
        (child, Status::Closed),
        (stranger, Status::Open),
    ] {
        let id = write(&mut *s, |tx| {
            tx.insert_ticket(&TicketInsert {
                status,
                ..ticket_row(org, status.as_str(), t0())
            })
        })
        .unwrap();
        by_status.push((org, status, id));
    }
    let pick = |f: &dyn Fn(i64, Status) -> bool| {
        sorted(
            by_status
                .iter()
                .filter(|(o, st, _)| f(*o, *st))
                .map(|x| x.2)
                .collect(),
        )
    };
    let active = write(&mut *s, |tx| tx.active_ticket_ids()).unwrap();
    assert_eq!(
        sorted(active),
        pick(&|_, st| st.is_active()),
        "{}",
        b.name()
    );
    let of_parent = write(&mut *s, |tx| tx.open_ticket_ids_of_org(parent)).unwrap();
    assert_eq!(
        sorted(of_parent),
        pick(&|o, st| o != stranger && !st.is_done()),
        "an organization's open tickets include its linked accounts'"
    );
    let of_child = write(&mut *s, |tx| tx.open_ticket_ids_of_org(child)).unwrap();
    assert_eq!(sorted(of_child), pick(&|o, st| o == child && !st.is_done()));
}

pub fn missing_ids_are_not_found(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "the only ticket", t0());
    let missing = id + 1000;
    fn not_found<T: std::fmt::Debug>(what: &str, r: tuidesk::store::Result<T>) {
        match r {
            Err(StoreError::NotFound { .. }) => {}
            other => panic!("{what}: expected NotFound, got {other:?}"),
        }
    }
    not_found("ticket", s.ticket(missing, t0()));
    not_found("ticket_detail", s.ticket_detail(missing, t0()));
    not_found("sla_inputs_many", s.sla_inputs_many(&[id, missing]));
    not_found("org_by_id", s.org_by_id(org + 1000));
    not_found("org_by_name", s.org_by_name("Nobody"));
    not_found("order", s.order(1));
    not_found("order_attachment", s.order_attachment(1, "x.txt"));
    assert_eq!(s.sort_key(missing, Default::default()).unwrap(), None);
    not_found("tx.ticket", write(&mut *s, |tx| tx.ticket(missing, t0())));
    not_found(
        "tx.org_by_id",
        write(&mut *s, |tx| tx.org_by_id(org + 1000)),
    );
    not_found(
        "tx.org_by_name",
        write(&mut *s, |tx| tx.org_by_name("Nobody")),
    );
    not_found("tx.order_state", write(&mut *s, |tx| tx.order_state(1)));
    not_found("tx.sla_inputs", write(&mut *s, |tx| tx.sla_inputs(missing)));
    not_found(
        "tx.update_ticket",
        write(&mut *s, |tx| {
            tx.update_ticket(missing, &TicketPatch::Status(Status::Open))
        }),
    );
    not_found(
        "tx.update_org",
        write(&mut *s, |tx| {
            tx.update_org(org + 1000, &tuidesk::store::OrgPatch::Parent(None))
        }),
    );
    not_found(
        "tx.update_order",
        write(&mut *s, |tx| {
            tx.update_order(1, &tuidesk::store::OrderPatch::Completed { at: t0() })
        }),
    );
    // Nothing above wrote anything.
    let t = s.ticket(id, t0()).unwrap();
    assert_eq!((t.version, t.status), (1, Status::Open));
}
