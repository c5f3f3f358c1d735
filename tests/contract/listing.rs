//! The queue: sorted, filtered windows with keyset pagination in both directions, counts
//! and the header's urgency counts, all over SLA columns the test stores itself.

use chrono::{DateTime, Utc};
use tuidesk::domain::Status;
use tuidesk::sla::columns::{IDLE_BASE, PAUSED_BASE, SlaColumns};
use tuidesk::store::{SortKey, Store, TicketFilter, TicketInsert, TicketPatch, TicketSort};

use crate::backend::Backend;
use crate::fixture::*;

/// One ticket of the fixture, with what decides where it sorts and which filters take it.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    org: i64,
    status: Status,
    severity: &'static str,
    rank: i64,
    assignee: Option<&'static str>,
    created: DateTime<Utc>,
    priority: i64,
    urgency: i64,
    breach_at: Option<i64>,
    risk_at: Option<i64>,
}

/// "Now" for the fixture: some tickets breached before it, one due exactly at it.
fn now() -> DateTime<Utc> {
    at(100)
}

/// Urgency (the stored sort key), breach instant, at-risk instant.
type Clock = (i64, Option<i64>, Option<i64>);
/// Organization, status, severity and its rank, assignee, created (minutes from `t0`),
/// queue priority, clock.
type Spec = (
    i64,
    Status,
    &'static str,
    i64,
    Option<&'static str>,
    i64,
    i64,
    Clock,
);

/// Twelve tickets in two organizations with ties in every sort key.
fn fixture(s: &mut dyn Store) -> (i64, i64, Vec<Row>) {
    let a = raw_org(s, "Org A");
    let b = raw_org(s, "Org B");
    let running =
        |due: i64, risk: i64| -> Clock { (ts(at(due)), Some(ts(at(due))), Some(ts(at(risk)))) };
    #[rustfmt::skip]
    let specs: Vec<Spec> = vec![
        (a, Status::New,      "S2", 1, None,          0,   2, running(50, 40)),
        (a, Status::Open,     "S1", 0, Some("alice"), 1,   2, running(100, 90)),
        (a, Status::Open,     "S1", 0, Some("bob"),   1,   1, running(100, 95)),
        (a, Status::Pending,  "S3", 2, None,          2,   2, (PAUSED_BASE + 600, None, None)),
        (b, Status::Open,     "S2", 1, Some("alice"), 2,   2, running(150, 120)),
        (b, Status::New,      "S2", 1, None,          3,   2, running(150, 99)),
        (b, Status::OnHold,   "S4", 3, None,          3,   3, (IDLE_BASE + ts(at(3)), None, None)),
        (a, Status::Resolved, "S1", 0, Some("alice"), -50, 2, (IDLE_BASE + ts(at(-50)), Some(ts(at(-10))), None)),
        (b, Status::Closed,   "S2", 1, None,          -40, 2, (IDLE_BASE + ts(at(-40)), None, None)),
        (a, Status::Open,     "S2", 1, None,          4,   2, running(20, 10)),
        (b, Status::Open,     "S1", 0, Some("carol"), 5,   1, running(300, 250)),
        (a, Status::New,      "S2", 1, None,          5,   2, running(300, 250)),
    ];
    let mut rows = Vec::new();
    for (org, status, severity, rank, assignee, created, priority, (urgency, breach_at, risk_at)) in
        specs
    {
        let created = at(created);
        let id = write(s, |tx| {
            let id = tx.insert_ticket(&TicketInsert {
                status,
                severity,
                severity_rank: rank,
                priority,
                ..ticket_row(org, "queued", created)
            })?;
            if let Some(who) = assignee {
                tx.update_ticket(id, &TicketPatch::Assignee(Some(who.into())))?;
            }
            tx.store_sla_columns(
                id,
                &SlaColumns {
                    first_response_due: breach_at,
                    next_due: (urgency < PAUSED_BASE).then_some(urgency),
                    risk_at,
                    breach_at,
                    paused_left: (PAUSED_BASE..IDLE_BASE)
                        .contains(&urgency)
                        .then_some(urgency - PAUSED_BASE),
                    urgency,
                    ..SlaColumns::default()
                },
            )?;
            Ok(id)
        })
        .unwrap();
        rows.push(Row {
            id,
            org,
            status,
            severity,
            rank,
            assignee,
            created,
            priority,
            urgency,
            breach_at,
            risk_at,
        });
    }
    (a, b, rows)
}

fn matches(f: &TicketFilter, r: &Row, now: DateTime<Utc>) -> bool {
    let statuses: &[Status] = if f.statuses.is_empty() {
        Status::ACTIVE
    } else {
        &f.statuses
    };
    (f.all_statuses || statuses.contains(&r.status))
        && f.org_id.is_none_or(|o| o == r.org)
        && f.assignee.as_deref().is_none_or(|a| Some(a) == r.assignee)
        && (!f.unassigned || r.assignee.is_none())
        && (!f.breached || r.breach_at.is_some_and(|b| b < ts(now)))
        && f.severity.as_deref().is_none_or(|s| s == r.severity)
}

/// The order a sort promises, computed from the fixture.
fn expected(rows: &[Row], f: &TicketFilter, sort: TicketSort, now: DateTime<Utc>) -> Vec<i64> {
    let mut v: Vec<&Row> = rows.iter().filter(|r| matches(f, r, now)).collect();
    match sort {
        TicketSort::Due => v.sort_by_key(|r| (r.urgency, r.priority, r.id)),
        TicketSort::Created => v.sort_by_key(|r| std::cmp::Reverse((r.created, r.id))),
        TicketSort::Severity => v.sort_by_key(|r| (r.rank, r.urgency, r.priority, r.id)),
    }
    v.into_iter().map(|r| r.id).collect()
}

fn filters(a: i64, b: i64) -> Vec<TicketFilter> {
    let f = TicketFilter::default;
    vec![
        f(),
        TicketFilter {
            statuses: vec![Status::Resolved, Status::Closed],
            ..f()
        },
        TicketFilter {
            statuses: vec![Status::Open],
            ..f()
        },
        TicketFilter {
            all_statuses: true,
            ..f()
        },
        TicketFilter {
            org_id: Some(b),
            ..f()
        },
        TicketFilter {
            assignee: Some("alice".into()),
            ..f()
        },
        TicketFilter {
            assignee: Some("alice".into()),
            all_statuses: true,
            ..f()
        },
        TicketFilter {
            unassigned: true,
            ..f()
        },
        TicketFilter {
            breached: true,
            ..f()
        },
        TicketFilter {
            breached: true,
            all_statuses: true,
            ..f()
        },
        TicketFilter {
            severity: Some("S1".into()),
            ..f()
        },
        TicketFilter {
            org_id: Some(a),
            unassigned: true,
            ..f()
        },
        TicketFilter {
            org_id: Some(a),
            breached: true,
            ..f()
        },
        TicketFilter {
            assignee: Some("nobody".into()),
            ..f()
        },
    ]
}

pub fn every_sort_pages_forward_and_back_by_key(b: &dyn Backend) {
    let mut s = b.open();
    let (org_a, org_b, rows) = fixture(&mut *s);
    let now = now();
    for filter in filters(org_a, org_b) {
        for sort in TicketSort::ALL {
            let want = expected(&rows, &filter, sort, now);
            let what = format!("{}: {filter:?} by {}", b.name(), sort.as_str());
            let all = s.list_tickets(&filter, sort, None, None, 100, now).unwrap();
            assert_eq!(ids(&all.tickets), want, "{what}: the whole listing");
            assert_eq!(all.keys.len(), all.tickets.len(), "{what}: one key per row");

            // Each row's key is where that row sits.
            for (t, k) in all.tickets.iter().zip(&all.keys) {
                assert_eq!(
                    s.sort_key(t.id, sort).unwrap().as_ref(),
                    Some(k),
                    "{what}: key of {}",
                    t.id
                );
            }

            // Forward, three at a time, each window continuing after the last key.
            let mut seen = Vec::new();
            let mut after: Option<SortKey> = None;
            loop {
                let page = s
                    .list_tickets(&filter, sort, after.as_ref(), None, 3, now)
                    .unwrap();
                assert!(page.tickets.len() <= 3);
                if page.tickets.is_empty() {
                    break;
                }
                seen.extend(ids(&page.tickets));
                after = page.keys.last().cloned();
                assert!(seen.len() <= want.len(), "{what}: paging does not end");
            }
            assert_eq!(seen, want, "{what}: forward pages");

            // Backward from the end, each window ending before the first key.
            let mut back: Vec<Vec<i64>> = Vec::new();
            let mut before = SortKey::end();
            loop {
                let page = s
                    .list_tickets(&filter, sort, None, Some(&before), 3, now)
                    .unwrap();
                if page.tickets.is_empty() {
                    break;
                }
                back.push(ids(&page.tickets));
                before = page.keys.first().cloned().unwrap();
                assert!(back.len() <= want.len(), "{what}: paging does not end");
            }
            if let Some(last) = back.first() {
                let tail = &want[want.len() - last.len()..];
                assert_eq!(
                    last, tail,
                    "{what}: before = end is the last page, in order"
                );
            }
            back.reverse();
            assert_eq!(back.concat(), want, "{what}: backward pages");

            // Continuing after any row's own key gives the rows after it.
            for (i, id) in want.iter().enumerate() {
                let key = s.sort_key(*id, sort).unwrap().unwrap();
                let page = s
                    .list_tickets(&filter, sort, Some(&key), None, 2, now)
                    .unwrap();
                let rest: Vec<i64> = want[i + 1..].iter().take(2).copied().collect();
                assert_eq!(ids(&page.tickets), rest, "{what}: after {id}");
                let page = s
                    .list_tickets(&filter, sort, None, Some(&key), 2, now)
                    .unwrap();
                let prior: Vec<i64> = want[i.saturating_sub(2)..i].to_vec();
                assert_eq!(ids(&page.tickets), prior, "{what}: before {id}");
            }

            // A short window is the top of the listing.
            let top = s.list_tickets(&filter, sort, None, None, 2, now).unwrap();
            assert_eq!(
                ids(&top.tickets),
                want.iter().take(2).copied().collect::<Vec<_>>()
            );
        }
    }
}

pub fn counts_match_listings_and_follow_the_clock(b: &dyn Backend) {
    let mut s = b.open();
    let (org_a, org_b, rows) = fixture(&mut *s);
    for now in [
        at(-100),
        at(19),
        at(20),
        at(21),
        at(99),
        now(),
        at(101),
        at(1000),
    ] {
        for filter in filters(org_a, org_b) {
            let want = expected(&rows, &filter, TicketSort::Due, now).len() as i64;
            assert_eq!(
                s.count_tickets(&filter, now).unwrap(),
                want,
                "{}: count of {filter:?} at {now}",
                b.name()
            );
            let listed = s
                .list_tickets(&filter, TicketSort::Due, None, None, 100, now)
                .unwrap();
            for t in &listed.tickets {
                let row = rows.iter().find(|r| r.id == t.id).unwrap();
                assert_eq!(
                    t.breached,
                    row.breach_at.is_some_and(|b| b < ts(now)),
                    "breached flag of {} at {now}",
                    t.id
                );
            }
        }
        let active: Vec<&Row> = rows.iter().filter(|r| r.status.is_active()).collect();
        let breached = |r: &Row| r.breach_at.is_some_and(|b| b < ts(now));
        let counts = s.urgency_counts(now).unwrap();
        assert_eq!(counts.active, active.len() as i64);
        assert_eq!(
            counts.breached,
            active.iter().filter(|r| breached(r)).count() as i64,
            "{}: breached at {now}",
            b.name()
        );
        assert_eq!(
            counts.at_risk,
            active
                .iter()
                .filter(|r| r.risk_at.is_some_and(|x| x <= ts(now)) && !breached(r))
                .count() as i64,
            "{}: at risk at {now}",
            b.name()
        );
        // When the counts next change by themselves: the first at-risk instant still ahead
        // (counted from that second), or just after the first breach instant still ahead.
        let cutoff = (now - chrono::Duration::nanoseconds(1)).timestamp();
        let instant = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap();
        let next = active
            .iter()
            .filter_map(|r| r.risk_at.filter(|&x| x > now.timestamp()).map(instant))
            .chain(active.iter().filter_map(|r| {
                r.breach_at
                    .filter(|&x| x > cutoff)
                    .map(|x| instant(x) + chrono::Duration::nanoseconds(1))
            }))
            .min();
        assert_eq!(
            counts.next_change,
            next,
            "{}: next change after {now}",
            b.name()
        );
    }
}

pub fn patches_move_tickets_in_the_sorts(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let mut ids_in_order = Vec::new();
    for i in 0..3 {
        let id = raw_ticket(&mut *s, org, "same urgency", at(i));
        write(&mut *s, |tx| {
            tx.store_sla_columns(id, &running(at(60), at(45)))
        })
        .unwrap();
        ids_in_order.push(id);
    }
    let [x, y, z] = ids_in_order[..] else {
        unreachable!()
    };
    let list = |s: &dyn Store, sort| {
        ids(&s
            .list_tickets(&TicketFilter::default(), sort, None, None, 10, t0())
            .unwrap()
            .tickets)
    };
    assert_eq!(list(&*s, TicketSort::Due), vec![x, y, z], "ties by id");
    // A better queue priority goes first among equally urgent tickets.
    write(&mut *s, |tx| tx.update_ticket(z, &TicketPatch::Priority(1))).unwrap();
    assert_eq!(list(&*s, TicketSort::Due), vec![z, x, y], "{}", b.name());
    // A more severe ticket goes first by severity.
    write(&mut *s, |tx| {
        tx.update_ticket(
            y,
            &TicketPatch::Severity {
                name: "S1".into(),
                rank: 0,
            },
        )
    })
    .unwrap();
    assert_eq!(list(&*s, TicketSort::Severity), vec![y, z, x]);
    // A more urgent due instant goes first by due.
    write(&mut *s, |tx| {
        tx.store_sla_columns(x, &running(at(30), at(20)))
    })
    .unwrap();
    assert_eq!(list(&*s, TicketSort::Due), vec![x, z, y]);
    // A resolved ticket leaves the active queue.
    write(&mut *s, |tx| {
        tx.update_ticket(z, &TicketPatch::Status(Status::Resolved))
    })
    .unwrap();
    assert_eq!(list(&*s, TicketSort::Due), vec![x, y]);
    assert_eq!(list(&*s, TicketSort::Created), vec![y, x], "newest first");
}
