//! Service orders: rows, states, attachments and prior orders through the port, and the
//! use cases whose quotas depend on what the store reads inside the write.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use tuidesk::domain::{OrderKind, OrderStatus, Scenario, YearMonth};
use tuidesk::orders::{OrderRequest, PriorOrder};
use tuidesk::store::{
    NewOrder, OrderFilter, OrderInsert, OrderPatch, OrderState, Store, StoreError,
};

use crate::backend::Backend;
use crate::fixture::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn request(kind: OrderKind) -> OrderRequest {
    OrderRequest {
        kind,
        level: None,
        start: None,
        end: None,
        scenario: None,
        month: None,
    }
}

fn event_assurance(level: u8, start: NaiveDate, days: i64) -> OrderRequest {
    OrderRequest {
        level: Some(level),
        start: Some(start),
        end: Some(start + Duration::days(days - 1)),
        ..request(OrderKind::EventAssurance)
    }
}

fn insert(
    s: &mut dyn Store,
    org_id: i64,
    req: &OrderRequest,
    due: Option<DateTime<Utc>>,
    created: DateTime<Utc>,
) -> i64 {
    write(s, |tx| {
        tx.insert_order(&OrderInsert {
            org_id,
            request: req,
            note: "请提前准备",
            requested_on: day(2026, 3, 6),
            due,
            created_at: created,
            created_by: "li.na",
        })
    })
    .unwrap()
}

pub fn order_rows_insert_change_and_read_back(b: &dyn Backend) {
    let mut s = b.open();
    let org = write(&mut *s, |tx| {
        tx.insert_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", t0())
    })
    .unwrap();
    let req = event_assurance(1, day(2026, 4, 1), 3);
    let due = Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap();
    let id = insert(&mut *s, org, &req, Some(due), at(1));
    let o = s.order(id).unwrap();
    assert_eq!(o.id, id);
    assert_eq!(
        (o.org_id, o.org.as_str(), o.tz.as_str()),
        (org, "Ent", "Asia/Shanghai")
    );
    assert_eq!(o.kind, OrderKind::EventAssurance);
    assert_eq!(o.status, OrderStatus::Processing);
    assert_eq!(o.level, Some(1));
    assert_eq!(o.start, Some(day(2026, 4, 1)));
    assert_eq!(o.end, Some(day(2026, 4, 3)));
    assert_eq!((o.scenario, o.month), (None, None));
    assert_eq!(o.note, "请提前准备");
    assert_eq!(o.requested_on, day(2026, 3, 6));
    assert_eq!(o.due, Some(due));
    assert_eq!(o.created_at, at(1));
    assert_eq!(o.created_by, "li.na");
    assert_eq!(
        (o.completed_at, o.rejected_at, o.reject_reason.clone()),
        (None, None, None)
    );
    assert_eq!(o.rating, None);
    assert!(o.attachments.is_empty());
    assert_eq!(o.version, 1);
    let state = write(&mut *s, |tx| tx.order_state(id)).unwrap();
    assert_eq!(
        state,
        OrderState {
            org_id: org,
            status: OrderStatus::Processing,
            rated: false
        }
    );

    // Completion with deliverables, then a rating: each a versioned change.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    write(&mut *s, |tx| {
        tx.update_order(id, &OrderPatch::Completed { at: at(10) })?;
        tx.insert_order_attachment(id, "report.pdf", &bytes, at(10))?;
        tx.insert_order_attachment(id, "notes 说明.txt", "完成".as_bytes(), at(10))?;
        tx.insert_order_attachment(id, "empty.log", &[], at(10))
    })
    .unwrap();
    let o = s.order(id).unwrap();
    assert_eq!(o.status, OrderStatus::Completed);
    assert_eq!(o.completed_at, Some(at(10)));
    assert_eq!(o.version, 2, "{}", b.name());
    let names: Vec<(&str, i64)> = o
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.size))
        .collect();
    assert_eq!(
        names,
        vec![
            ("empty.log", 0),
            ("notes 说明.txt", 6),
            ("report.pdf", 3000)
        ],
        "by name, with their sizes"
    );
    assert_eq!(
        s.list_orders(&OrderFilter::default(), 10).unwrap(),
        vec![o.clone()],
        "{}: a listed order is the whole order, deliverables included",
        b.name()
    );
    assert_eq!(s.order_attachment(id, "report.pdf").unwrap(), bytes);
    assert_eq!(
        s.order_attachment(id, "empty.log").unwrap(),
        Vec::<u8>::new()
    );
    assert!(matches!(
        s.order_attachment(id, "missing.pdf"),
        Err(StoreError::NotFound { .. })
    ));

    write(&mut *s, |tx| {
        tx.update_order(
            id,
            &OrderPatch::Rating {
                speed: 5,
                quality: 4,
                feedback: "很好".into(),
                at: at(20),
            },
        )
    })
    .unwrap();
    let o = s.order(id).unwrap();
    let rating = o.rating.clone().unwrap();
    assert_eq!(
        (
            rating.speed,
            rating.quality,
            rating.feedback.as_str(),
            rating.rated_at
        ),
        (5, 4, "很好", at(20))
    );
    assert_eq!(o.version, 3);
    let state = write(&mut *s, |tx| tx.order_state(id)).unwrap();
    assert_eq!((state.status, state.rated), (OrderStatus::Completed, true));

    // A rejection keeps its reason.
    let other = insert(
        &mut *s,
        org,
        &OrderRequest {
            scenario: Some(Scenario::Annual),
            ..request(OrderKind::AvailabilityCheck)
        },
        None,
        at(2),
    );
    write(&mut *s, |tx| {
        tx.update_order(
            other,
            &OrderPatch::Rejected {
                at: at(30),
                reason: "客户取消".into(),
            },
        )
    })
    .unwrap();
    let o = s.order(other).unwrap();
    assert_eq!(o.status, OrderStatus::Rejected);
    assert_eq!(o.rejected_at, Some(at(30)));
    assert_eq!(o.reject_reason.as_deref(), Some("客户取消"));
    assert_eq!(o.scenario, Some(Scenario::Annual));
    assert_eq!(o.due, None);
    assert_eq!(
        write(&mut *s, |tx| tx.order_state(other)).unwrap().status,
        OrderStatus::Rejected
    );
}

pub fn prior_orders_are_the_organizations_own(b: &dyn Backend) {
    let mut s = b.open();
    let (org, other) = write(&mut *s, |tx| {
        Ok((
            tx.insert_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", t0())?,
            tx.insert_org("Other", "ctyun", "enterprise", "Asia/Shanghai", t0())?,
        ))
    })
    .unwrap();
    assert!(
        write(&mut *s, |tx| tx.prior_orders(org))
            .unwrap()
            .is_empty()
    );
    let ea = event_assurance(2, day(2026, 5, 1), 2);
    let report = OrderRequest {
        month: YearMonth::new(2026, 2),
        ..request(OrderKind::MonthlyReport)
    };
    let check = OrderRequest {
        scenario: Some(Scenario::Joining),
        ..request(OrderKind::AvailabilityCheck)
    };
    let a = insert(&mut *s, org, &ea, None, t0());
    insert(&mut *s, org, &report, None, t0());
    insert(&mut *s, org, &check, None, t0());
    insert(&mut *s, other, &check, None, t0());
    write(&mut *s, |tx| {
        tx.update_order(
            a,
            &OrderPatch::Rejected {
                at: at(1),
                reason: "no".into(),
            },
        )
    })
    .unwrap();
    let mut prior = write(&mut *s, |tx| tx.prior_orders(org)).unwrap();
    prior.sort_by_key(|p| p.kind);
    let expect = |req: &OrderRequest, status| PriorOrder {
        kind: req.kind,
        status,
        level: req.level,
        start: req.start,
        scenario: req.scenario,
        month: req.month,
        requested_on: day(2026, 3, 6),
    };
    let mut want = vec![
        expect(&ea, OrderStatus::Rejected),
        expect(&report, OrderStatus::Processing),
        expect(&check, OrderStatus::Processing),
    ];
    want.sort_by_key(|p| p.kind);
    assert_eq!(prior, want, "{}", b.name());
    assert_eq!(
        write(&mut *s, |tx| tx.prior_orders(other)).unwrap().len(),
        1
    );
}

pub fn order_list_filters_and_order(b: &dyn Backend) {
    let mut s = b.open();
    let (org, other) = write(&mut *s, |tx| {
        Ok((
            tx.insert_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", t0())?,
            tx.insert_org("Other", "ctyun", "enterprise", "Asia/Shanghai", t0())?,
        ))
    })
    .unwrap();
    let check = OrderRequest {
        scenario: Some(Scenario::MajorEvent),
        ..request(OrderKind::AvailabilityCheck)
    };
    let ea = event_assurance(3, day(2026, 5, 1), 2);
    // Processing: two with deadlines (the later one first) and one without.
    let due_late = insert(&mut *s, org, &ea, Some(at(600)), t0());
    let due_soon = insert(&mut *s, other, &ea, Some(at(300)), t0());
    let undated = insert(&mut *s, org, &check, None, t0());
    // Finished: with and without deadlines, in creation order.
    let done_old = insert(&mut *s, org, &ea, Some(at(100)), t0());
    let done_undated = insert(&mut *s, org, &check, None, t0());
    let rejected_new = insert(&mut *s, other, &ea, Some(at(50)), t0());
    write(&mut *s, |tx| {
        tx.update_order(done_old, &OrderPatch::Completed { at: at(1) })?;
        tx.update_order(done_undated, &OrderPatch::Completed { at: at(1) })?;
        tx.update_order(
            rejected_new,
            &OrderPatch::Rejected {
                at: at(1),
                reason: "late".into(),
            },
        )
    })
    .unwrap();
    write(&mut *s, |tx| {
        tx.insert_order_attachment(done_old, "result.txt", b"ok", at(1))
    })
    .unwrap();
    for o in s.list_orders(&OrderFilter::default(), 100).unwrap() {
        assert_eq!(
            o,
            s.order(o.id).unwrap(),
            "{}: listed as read alone",
            b.name()
        );
    }
    let list = |s: &dyn Store, f: &OrderFilter, limit| -> Vec<i64> {
        s.list_orders(f, limit)
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect()
    };
    let all = OrderFilter::default();
    assert_eq!(
        list(&*s, &all, 100),
        vec![
            due_soon,
            due_late,
            undated,
            rejected_new,
            done_undated,
            done_old
        ],
        "{}: open orders first, soonest deadline first; then the rest, newest first",
        b.name()
    );
    assert_eq!(list(&*s, &all, 2), vec![due_soon, due_late]);
    let by_org = OrderFilter {
        org: Some("Ent".into()),
        ..OrderFilter::default()
    };
    assert_eq!(
        list(&*s, &by_org, 100),
        vec![due_late, undated, done_undated, done_old]
    );
    let by_status = OrderFilter {
        status: Some(OrderStatus::Completed),
        ..OrderFilter::default()
    };
    assert_eq!(
        sorted(list(&*s, &by_status, 100)),
        vec![done_old, done_undated]
    );
    let by_kind = OrderFilter {
        kind: Some(OrderKind::AvailabilityCheck),
        ..OrderFilter::default()
    };
    assert_eq!(
        sorted(list(&*s, &by_kind, 100)),
        vec![undated, done_undated]
    );
    let none = OrderFilter {
        org: Some("Other".into()),
        kind: Some(OrderKind::MonthlyReport),
        ..OrderFilter::default()
    };
    assert!(list(&*s, &none, 100).is_empty());
    let unknown = OrderFilter {
        org: Some("Nobody".into()),
        ..OrderFilter::default()
    };
    assert!(matches!(
        s.list_orders(&unknown, 10),
        Err(StoreError::NotFound { .. })
    ));
}

/// Monday 2026-11-23 10:00 in Shanghai.
fn nov() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

pub fn order_use_cases_run_their_rules_on_what_the_store_holds(b: &dyn Backend) {
    let mut d = desk(b);
    let me = actor("li.na");
    d.add_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", &me, nov())
        .unwrap();
    let order_rule = |r: tuidesk::store::Result<_>| match r {
        Err(StoreError::OrderRule(e)) => e.to_string(),
        other => panic!("{}: expected an OrderRule error, got {other:?}", b.name()),
    };
    let new = |request| NewOrder {
        org: "Ent".into(),
        request,
        note: "  重保  ".into(),
    };

    // The quota of four event assurances a year is counted from the stored orders.
    let mut ids = Vec::new();
    for i in 0..4 {
        let created = d
            .create_order(
                &new(event_assurance(3, day(2026, 12, 1 + 3 * i), 2)),
                &me,
                nov(),
            )
            .unwrap();
        assert_eq!(created.order.note, "重保");
        assert_eq!(created.order.status, OrderStatus::Processing);
        assert!(created.order.due.is_some(), "due on its first day");
        ids.push(created.order.id);
    }
    let fifth = new(event_assurance(3, day(2026, 12, 20), 2));
    order_rule(d.create_order(&fifth, &me, nov()).map(|_| ()));
    // A rejected order gives its quota back.
    let rejected = d.reject_order(ids[0], "  客户取消  ", &me, nov()).unwrap();
    assert_eq!(rejected.reject_reason.as_deref(), Some("客户取消"));
    let fifth = d.create_order(&fifth, &me, nov()).unwrap().order;

    // Complete, rate once; the state each needs is read inside the write.
    let bytes: Vec<u8> = (0..=255u8).collect();
    let done = d
        .complete_order(fifth.id, &[("raw.bin".into(), bytes.clone())], &me, nov())
        .unwrap();
    assert_eq!(done.status, OrderStatus::Completed);
    assert_eq!(d.order_attachment(fifth.id, "raw.bin").unwrap(), bytes);
    order_rule(d.complete_order(fifth.id, &[], &me, nov()).map(|_| ()));
    order_rule(d.reject_order(fifth.id, "too late", &me, nov()).map(|_| ()));
    order_rule(d.rate_order(ids[1], 5, 5, "", &me, nov()).map(|_| ()));
    let rated = d.rate_order(fifth.id, 4, 5, "很好", &me, nov()).unwrap();
    assert_eq!(rated.rating.unwrap().feedback, "很好");
    order_rule(
        d.rate_order(fifth.id, 1, 1, "again", &me, nov())
            .map(|_| ()),
    );
    order_rule(d.reject_order(ids[1], "   ", &me, nov()).map(|_| ()));
    assert!(matches!(
        d.complete_order(9999, &[], &me, nov()),
        Err(StoreError::NotFound { .. })
    ));

    // Every accepted step is audited on the order, with its actor.
    let events = d.order_events(fifth.id).unwrap();
    let fields: Vec<&str> = events.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["created", "status", "rating"], "{}", b.name());
    assert!(
        events
            .iter()
            .all(|e| e.actor == "li.na" && e.actor_source == "as")
    );
    assert_eq!(events[1].new.as_deref(), Some("completed with raw.bin"));
    assert!(
        d.org_events(fifth.org_id)
            .unwrap()
            .iter()
            .all(|e| e.field == "org"),
        "order rows stay out of the organization's own history"
    );

    // A monthly report: once per month, on plans that have it.
    let report = OrderRequest {
        month: YearMonth::new(2026, 11),
        ..request(OrderKind::MonthlyReport)
    };
    let first = d.create_order(&new(report.clone()), &me, nov()).unwrap();
    assert_eq!(first.order.month, YearMonth::new(2026, 11));
    order_rule(d.create_order(&new(report), &me, nov()).map(|_| ()));
    let list = d.list_orders(&OrderFilter::default(), 100).unwrap();
    assert_eq!(list.len(), 6);
}
