//! Audit rows: recorded with their subject, actor and actor source, read back where each
//! subject's history is shown.

use tuidesk::domain::{OrderKind, Scenario};
use tuidesk::orders::OrderRequest;
use tuidesk::store::{EventSubject, OrderInsert};

use crate::backend::Backend;
use crate::fixture::*;

pub fn events_are_recorded_with_subject_and_actor_source(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let other_org = raw_org(&mut *s, "Other");
    let id = raw_ticket(&mut *s, org, "audited", t0());
    let request = OrderRequest {
        kind: OrderKind::AvailabilityCheck,
        level: None,
        start: None,
        end: None,
        scenario: Some(Scenario::Joining),
        month: None,
    };
    let order = write(&mut *s, |tx| {
        tx.insert_order(&OrderInsert {
            org_id: org,
            request: &request,
            note: "",
            requested_on: t0().date_naive(),
            due: None,
            created_at: t0(),
            created_by: "alice",
        })
    })
    .unwrap();
    write(&mut *s, |tx| {
        tx.record_event(
            EventSubject {
                ticket_id: Some(id),
                org_id: Some(org),
                order_id: None,
            },
            &actor("script"),
            at(1),
            ("created", None, Some("S2 technical ticket")),
        )?;
        tx.record_event(
            EventSubject::ticket(id),
            &os_actor("alice"),
            at(2),
            ("status", Some("new"), Some("open")),
        )?;
        tx.record_event(
            EventSubject::org(org),
            &os_actor("admin"),
            at(3),
            ("plan", Some("developer"), Some("enterprise")),
        )?;
        tx.record_event(
            EventSubject {
                ticket_id: None,
                org_id: Some(org),
                order_id: Some(order),
            },
            &actor("li.na"),
            at(4),
            ("status", Some("processing"), Some("completed")),
        )?;
        tx.record_event(
            EventSubject::org(other_org),
            &actor("admin"),
            at(5),
            ("org", None, Some("Other")),
        )
    })
    .unwrap();

    let events = s.ticket_detail(id, at(10)).unwrap().events;
    assert_eq!(events.len(), 2, "{}: {events:?}", b.name());
    let (e1, e2) = (&events[0], &events[1]);
    assert_eq!(e1.ticket_id, Some(id));
    assert_eq!(e1.org_id, Some(org));
    assert_eq!(e1.actor, "script");
    assert_eq!(e1.actor_source, "as");
    assert_eq!(e1.at, at(1));
    assert_eq!(e1.field, "created");
    assert_eq!(e1.old, None);
    assert_eq!(e1.new.as_deref(), Some("S2 technical ticket"));
    assert_eq!(e2.ticket_id, Some(id));
    assert_eq!(e2.actor, "alice");
    assert_eq!(e2.actor_source, "os");
    assert_eq!(
        (e2.field.as_str(), e2.old.as_deref(), e2.new.as_deref()),
        ("status", Some("new"), Some("open"))
    );
    assert!(e1.id < e2.id, "oldest first");

    // An organization's own history leaves out its tickets' and orders' rows.
    let org_events = s.org_events(org).unwrap();
    assert_eq!(org_events.len(), 1, "{org_events:?}");
    assert_eq!(org_events[0].field, "plan");
    assert_eq!(org_events[0].org_id, Some(org));
    assert_eq!(org_events[0].ticket_id, None);
    assert_eq!(org_events[0].actor_source, "os");
    assert_eq!(org_events[0].at, at(3));
    assert_eq!(s.org_events(other_org).unwrap().len(), 1);

    let order_events = s.order_events(order).unwrap();
    assert_eq!(order_events.len(), 1);
    assert_eq!(order_events[0].actor, "li.na");
    assert_eq!(order_events[0].actor_source, "as");
    assert_eq!(order_events[0].new.as_deref(), Some("completed"));

    // The newest row of a ticket, for "changed under you".
    let last = write(&mut *s, |tx| tx.last_ticket_event(id))
        .unwrap()
        .unwrap();
    assert_eq!(last, *e2);
    let other_ticket = raw_ticket(&mut *s, org, "no history", t0());
    assert_eq!(
        write(&mut *s, |tx| tx.last_ticket_event(other_ticket)).unwrap(),
        None
    );
}
