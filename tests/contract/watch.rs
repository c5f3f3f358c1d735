//! What `tuidesk watch` reads and its alert log: at-risk tickets by their stored instant, the
//! next such instant, customers' messages and assignments since an instant, and a claim that
//! only one handle wins.

use tuidesk::domain::{AuthorRole, EntryKind};
use tuidesk::store::{AlertClaim, EntryInsert, MessagesFrom};

use crate::backend::Backend;
use crate::fixture::*;

pub fn alerts_are_claimed_once_and_watch_reads_what_is_due(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    // 天翼客户 urgent: due in 10 minutes, at risk from 7.5.
    let first = d
        .create_ticket(&new_ticket(CTYUN, "urgent", "down", ""), &me, t0())
        .unwrap();
    let t = d.claim(first.id, &me, at(1)).unwrap();
    let later = d
        .create_ticket(&new_ticket(CTYUN, "urgent", "later", ""), &me, at(5))
        .unwrap();
    let s = d.store();
    assert!(s.tickets_at_risk_by(at(7)).unwrap().is_empty());
    let risk = t0() + chrono::Duration::seconds(450);
    assert_eq!(s.next_risk_after(t0()).unwrap(), Some(risk));
    assert_eq!(s.tickets_at_risk_by(at(8)).unwrap(), vec![t.id]);
    assert_eq!(s.tickets_at_risk_by(at(13)).unwrap(), vec![t.id, later.id]);
    assert_eq!(
        s.next_risk_after(risk).unwrap(),
        Some(risk + chrono::Duration::minutes(5))
    );

    let assigned = s.assignments_since(t0(), "alice").unwrap();
    assert_eq!(assigned.len(), 1);
    assert_eq!((assigned[0].ticket_id, assigned[0].at), (t.id, at(1)));
    assert!(s.assignments_since(at(2), "alice").unwrap().is_empty());
    assert!(s.assignments_since(t0(), "bob").unwrap().is_empty());

    let mut raw = b.connect(&d.location());
    write(&mut *raw, |tx| {
        tx.insert_entry(&EntryInsert {
            ticket_id: t.id,
            kind: EntryKind::Reply,
            role: AuthorRole::Customer,
            author: "customer@example.com",
            body: "any news?",
            at: at(3),
        })
    })
    .unwrap();
    let since = |t| {
        d.store()
            .customer_messages(Some(MessagesFrom::Since(t)), usize::MAX)
            .unwrap()
            .entries
    };
    let msgs = since(at(2));
    assert_eq!(msgs.len(), 1);
    assert_eq!((msgs[0].ticket_id, msgs[0].at), (t.id, at(3)));
    assert!(since(at(4)).is_empty());

    let claim = AlertClaim {
        key: "1:first-response:at_risk:0",
        kind: "at_risk",
        ticket_id: t.id,
        happened_at: risk,
        fired_at: at(8),
        fired_by: "alice pid 1",
        outcome: "fired",
    };
    assert!(d.claim_alert(&claim).unwrap(), "the first claim wins");
    let mut other = second(b, &d);
    assert!(
        !other.claim_alert(&claim).unwrap(),
        "a second watcher loses"
    );
}

/// The tickets of many alerts in one read: in the order asked (twice when asked twice), as
/// [`Store::ticket`] reads each (the breach flag at `now` included); a missing id is
/// `NotFound`, none asked is none read.
pub fn tickets_many_reads_in_the_order_asked(b: &dyn Backend) {
    use tuidesk::store::StoreError;
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let one = d
        .create_ticket(&new_ticket(CTYUN, "urgent", "one", ""), &me, t0())
        .unwrap();
    let two = d
        .create_ticket(&new_ticket(ACME, "S3", "two", ""), &me, at(1))
        .unwrap();
    let s = d.store();
    let late = t0() + chrono::Duration::days(30);
    for now in [at(2), late] {
        let many = s.tickets_many(&[two.id, one.id, two.id], now).unwrap();
        let each = [two.id, one.id, two.id].map(|id| s.ticket(id, now).unwrap());
        assert_eq!(many, each, "{}", b.name());
    }
    assert!(s.tickets_many(&[one.id], late).unwrap()[0].breached);
    assert!(s.tickets_many(&[], at(2)).unwrap().is_empty());
    assert!(matches!(
        s.tickets_many(&[one.id, 9999], at(2)),
        Err(StoreError::NotFound { what: "ticket", .. })
    ));
}

/// Presence: heartbeats are recorded, refreshed in place, read since an instant (expired
/// ones left out) from another handle, and dropped when a TUI quits.
pub fn presence_heartbeats_refresh_expire_and_leave(b: &dyn Backend) {
    use tuidesk::store::Presence;
    let mut d = desk_with_orgs(b);
    let beat = |session: &str, who: &str, ticket: Option<i64>, composing: bool, at| Presence {
        session: session.into(),
        who: who.into(),
        ticket_id: ticket,
        composing,
        seen_at: at,
    };
    d.heartbeat(&beat("alice pid 1", "alice", Some(7), false, t0()))
        .unwrap();
    d.heartbeat(&beat("bob pid 2", "bob", None, false, t0()))
        .unwrap();
    d.heartbeat(&beat("alice pid 1", "alice", Some(7), true, at(1)))
        .unwrap();
    let other = second(b, &d);
    let seen = other.others_present("bob pid 2", at(1)).unwrap();
    assert_eq!(
        seen,
        vec![beat("alice pid 1", "alice", Some(7), true, at(1))]
    );
    // Bob's heartbeat (t0) has expired by t0 + 1 minute; Alice's (t0 + 1) has not.
    let now = t0() + chrono::Duration::seconds(60);
    let names: Vec<String> = other
        .others_present("nobody", now)
        .unwrap()
        .into_iter()
        .map(|p| p.who)
        .collect();
    assert_eq!(names, ["alice"]);
    d.leave("alice pid 1").unwrap();
    assert!(
        other
            .others_present("nobody", at(1))
            .unwrap()
            .iter()
            .all(|p| p.who != "alice")
    );
}
