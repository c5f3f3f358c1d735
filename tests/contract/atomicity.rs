//! `Store::write` is one atomic unit: an error from its body, or from a primitive inside
//! it, rolls back everything the body wrote; the error comes back as it was.

use tuidesk::domain::{AuthorRole, EntryKind, OrderKind, Scenario, Status};
use tuidesk::orders::OrderRequest;
use tuidesk::org_rules::OrgRuleError;
use tuidesk::store::{
    EntryInsert, EventSubject, OrderFilter, OrderInsert, OrderPatch, OrgPatch, Store, StoreError,
    TicketFilter, TicketPatch,
};

use crate::backend::Backend;
use crate::fixture::*;

fn everything(s: &dyn Store) -> String {
    let mut out = Vec::new();
    tuidesk::desk::export_store(s, &mut out, t0()).unwrap();
    String::from_utf8(out).unwrap()
}

fn all_tickets(s: &dyn Store) -> i64 {
    s.count_tickets(
        &TicketFilter {
            all_statuses: true,
            ..TicketFilter::default()
        },
        t0(),
    )
    .unwrap()
}

pub fn an_error_from_the_body_rolls_back_every_primitive(b: &dyn Backend) {
    let mut s = b.open();
    let request = OrderRequest {
        kind: OrderKind::AvailabilityCheck,
        level: None,
        start: None,
        end: None,
        scenario: Some(Scenario::Joining),
        month: None,
    };
    let mut seen_inside = false;
    let result = s.write(&mut |tx| {
        let org = tx.insert_org("Ghost", "ctyun", "enterprise", "UTC", t0())?;
        let id = tx.insert_ticket(&ticket_row(org, "phantom zebra", t0()))?;
        tx.insert_entry(&EntryInsert {
            ticket_id: id,
            kind: EntryKind::Reply,
            role: AuthorRole::Engineer,
            author: "alice",
            body: "phantom giraffe",
            at: t0(),
        })?;
        tx.record_event(
            EventSubject::ticket(id),
            &actor("alice"),
            t0(),
            ("x", None, None),
        )?;
        tx.open_pause(id, t0())?;
        tx.store_sla_columns(id, &running(at(10), at(5)))?;
        tx.save_draft("alice", id, "reply", "phantom draft", t0())?;
        let order = tx.insert_order(&OrderInsert {
            org_id: org,
            request: &request,
            note: "",
            requested_on: t0().date_naive(),
            due: None,
            created_at: t0(),
            created_by: "alice",
        })?;
        tx.insert_order_attachment(order, "a.txt", b"data", t0())?;
        seen_inside = tx.ticket(id, t0()).is_ok();
        Err(StoreError::Other("boom".into()))
    });
    assert!(seen_inside, "the body saw its own writes");
    match result {
        Err(StoreError::Other(m)) => assert_eq!(m, "boom"),
        other => panic!("{}: the body's error comes back, got {other:?}", b.name()),
    }
    assert!(s.list_orgs().unwrap().is_empty(), "{}", b.name());
    assert_eq!(all_tickets(&*s), 0);
    assert!(
        s.search("phantom", 10, t0()).unwrap().tickets.is_empty(),
        "index rolled back"
    );
    assert!(s.search("giraffe", 10, t0()).unwrap().tickets.is_empty());
    assert!(
        s.list_orders(&OrderFilter::default(), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.draft("alice", 1, "reply").unwrap(), None);
    assert!(s.urgency_counts(t0()).unwrap().active == 0);

    // The store is usable after the failure, and ids are not confused by it.
    let org = raw_org(&mut *s, "Real");
    let id = raw_ticket(&mut *s, org, "real zebra", t0());
    assert_eq!(ids(&s.search("zebra", 10, t0()).unwrap().tickets), vec![id]);
    assert!(s.ticket_detail(id, t0()).unwrap().conversation.is_empty());
    assert!(s.ticket_detail(id, t0()).unwrap().events.is_empty());
    assert!(s.ticket_detail(id, t0()).unwrap().pauses.is_empty());
    assert_eq!(s.ticket(id, t0()).unwrap().first_response_due, None);
}

pub fn changes_to_existing_rows_roll_back_too(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "existing", ""), &me, t0())
        .unwrap();
    let order = d
        .create_order(
            &tuidesk::store::NewOrder {
                org: CTYUN.into(),
                request: OrderRequest {
                    kind: OrderKind::AvailabilityCheck,
                    level: None,
                    start: None,
                    end: None,
                    scenario: Some(Scenario::Joining),
                    month: None,
                },
                note: String::new(),
            },
            &me,
            t0(),
        )
        .unwrap()
        .order;
    d.save_draft("alice", t.id, "reply", "keep me", t0())
        .unwrap();
    let before = everything(&*d);
    let detail = d.ticket_detail(t.id, at(1)).unwrap();
    let acme = d.org_by_name(ACME).unwrap();
    let ctyun = d.org_by_name(CTYUN).unwrap();

    let result = d.write(&mut |tx| {
        tx.update_ticket(t.id, &TicketPatch::Status(Status::Pending))?;
        tx.update_ticket(t.id, &TicketPatch::Assignee(Some("bob".into())))?;
        tx.update_ticket(
            t.id,
            &TicketPatch::Touch {
                at: at(5),
                bump_version: true,
            },
        )?;
        tx.open_pause(t.id, at(5))?;
        tx.store_sla_columns(t.id, &Default::default())?;
        tx.delete_draft("alice", t.id, "reply")?;
        tx.update_org(
            acme.id,
            &OrgPatch::Plan {
                plan: "premium".into(),
                since: at(5),
            },
        )?;
        tx.update_order(order.id, &OrderPatch::Completed { at: at(5) })?;
        tx.insert_order_attachment(order.id, "late.txt", b"x", at(5))?;
        // A typed rule error passes through unchanged.
        Err(OrgRuleError::SelfLink(ctyun.name.clone()).into())
    });
    assert!(
        matches!(result, Err(StoreError::OrgRule(OrgRuleError::SelfLink(_)))),
        "{}: {result:?}",
        b.name()
    );
    assert_eq!(d.ticket_detail(t.id, at(1)).unwrap().ticket, detail.ticket);
    assert_eq!(d.ticket_detail(t.id, at(1)).unwrap().pauses, detail.pauses);
    assert_eq!(
        d.draft("alice", t.id, "reply").unwrap().as_deref(),
        Some("keep me")
    );
    assert_eq!(d.org_by_name(ACME).unwrap(), acme);
    assert_eq!(d.order(order.id).unwrap(), order);
    assert_eq!(everything(&*d), before, "{}: nothing changed", b.name());
}

pub fn a_failing_primitive_rolls_back_what_came_before_it(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "kept", t0());
    let before = everything(&*s);
    let result = s.write(&mut |tx| {
        tx.insert_org("Half", "ctyun", "business", "UTC", t0())?;
        tx.update_ticket(id, &TicketPatch::Assignee(Some("alice".into())))?;
        tx.save_draft("alice", id, "note", "half", t0())?;
        // A ticket that is not there: the primitive fails and the body passes it on.
        tx.update_ticket(id + 1000, &TicketPatch::Status(Status::Closed))?;
        Ok(())
    });
    assert!(
        matches!(result, Err(StoreError::NotFound { .. })),
        "{}: {result:?}",
        b.name()
    );
    assert_eq!(everything(&*s), before);
    assert_eq!(s.ticket(id, t0()).unwrap().assignee, None);
    assert_eq!(s.draft("alice", id, "note").unwrap(), None);
    assert!(matches!(
        s.org_by_name("Half"),
        Err(StoreError::NotFound { .. })
    ));

    // A row that breaks the database's own constraints fails its write as a whole.
    let result = s.write(&mut |tx| {
        tx.insert_org("Also half", "ctyun", "business", "UTC", t0())?;
        tx.insert_entry(&EntryInsert {
            ticket_id: id + 1000,
            kind: EntryKind::Note,
            role: AuthorRole::Engineer,
            author: "alice",
            body: "for a ticket that is not there",
            at: t0(),
        })?;
        Ok(())
    });
    assert!(result.is_err(), "{}: an entry needs its ticket", b.name());
    assert_eq!(everything(&*s), before);
}

pub fn refused_use_cases_write_nothing(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let before = everything(&*d);
    let me = actor("alice");
    let refused = [
        d.create_ticket(
            &new_ticket(BASIC, "S2", "technical on basic", ""),
            &me,
            t0(),
        )
        .err(),
        d.create_ticket(&new_ticket(ACME, "S9", "no such severity", ""), &me, t0())
            .err(),
        d.create_ticket(&new_ticket("Nobody", "S2", "no such org", ""), &me, t0())
            .err(),
        d.create_ticket(&new_ticket(ACME, "S2", "   ", ""), &me, t0())
            .err(),
    ];
    assert!(matches!(
        refused[0],
        Some(StoreError::Rule(
            tuidesk::domain::RuleError::TechnicalNotAllowed { .. }
        ))
    ));
    assert!(matches!(
        refused[1],
        Some(StoreError::Rule(
            tuidesk::domain::RuleError::UnknownSeverity { .. }
        ))
    ));
    assert!(matches!(refused[2], Some(StoreError::NotFound { .. })));
    assert!(matches!(
        refused[3],
        Some(StoreError::Rule(tuidesk::domain::RuleError::EmptySummary))
    ));
    assert_eq!(everything(&*d), before, "{}", b.name());
    assert_eq!(all_tickets(&*d), 0);
}
