//! The mail side of the port: what the TUI's watcher reads.

use tuidesk::domain::{AuthorRole, EntryKind};
use tuidesk::store::{EntryInsert, MailDirection, MailRecord};

use crate::backend::Backend;
use crate::fixture::*;

pub fn customer_entries_after_lists_the_newest_customer_messages(b: &dyn Backend) {
    let mut d = desk(b);
    let empty = d.customer_entries_after(None, 10).unwrap();
    assert_eq!((empty.newest_entry, empty.entries.len()), (0, 0));
    assert!(
        d.customer_entries_after(Some(0), 10)
            .unwrap()
            .entries
            .is_empty()
    );
    let org = raw_org(&mut *d, ACME);
    let t1 = raw_ticket(&mut *d, org, "one", t0());
    let t2 = raw_ticket(&mut *d, org, "two", t0());
    let entry = |ticket_id, role, author, minutes| EntryInsert {
        ticket_id,
        kind: EntryKind::Reply,
        role,
        author,
        body: "text",
        at: at(minutes),
    };
    let (c1, e1, c2, auto, c3, e2) = write(&mut *d, |tx| {
        let c1 = tx.insert_entry(&entry(t1, AuthorRole::Customer, "a@x.example", 1))?;
        let e1 = tx.insert_entry(&entry(t1, AuthorRole::Engineer, "alice", 2))?;
        let c2 = tx.insert_entry(&entry(t2, AuthorRole::Customer, "b@x.example", 3))?;
        let auto = tx.insert_entry(&entry(t2, AuthorRole::Customer, "b@x.example", 4))?;
        tx.insert_mail(&MailRecord {
            message_id: "auto-1@x.example",
            direction: MailDirection::In,
            ticket_id: Some(t2),
            entry_id: Some(auto),
            triage_id: None,
            from_address: Some("b@x.example"),
            subject: Some("Out of office"),
            auto: Some("auto-submitted: auto-replied"),
            at: at(4),
        })?;
        let c3 = tx.insert_entry(&entry(t1, AuthorRole::Customer, "a@x.example", 5))?;
        let e2 = tx.insert_entry(&entry(t2, AuthorRole::Engineer, "bob", 6))?;
        Ok((c1, e1, c2, auto, c3, e2))
    })
    .unwrap();
    let got = |after, limit| {
        let news = d.customer_entries_after(Some(after), limit).unwrap();
        assert_eq!(news.newest_entry, e2, "the newest entry of any kind");
        news.entries
            .iter()
            .map(|e| (e.entry_id, e.ticket_id))
            .collect::<Vec<_>>()
    };
    // Newest first; engineers' entries and autoreplies left out.
    assert_eq!(got(0, 10), vec![(c3, t1), (c2, t2), (c1, t1)]);
    assert_eq!(got(0, 1), vec![(c3, t1)], "the newest alone");
    assert_eq!(got(e1, 10), vec![(c3, t1), (c2, t2)]);
    assert_eq!(got(c2, 10), vec![(c3, t1)]);
    assert_eq!(got(auto, 10), vec![(c3, t1)]);
    assert!(got(c3, 10).is_empty() && got(e2, 10).is_empty());
    // Where things stand, for a watcher that starts now: the newest entry, no messages.
    let start = d.customer_entries_after(None, 10).unwrap();
    assert_eq!((start.newest_entry, start.entries.len()), (e2, 0));
    // The assignee is the ticket's, as it is now.
    write(&mut *d, |tx| tx.claim_if_unassigned(t1, "alice", at(7))).unwrap();
    let now = d.customer_entries_after(Some(c2), 10).unwrap().entries;
    assert_eq!(now[0].assignee.as_deref(), Some("alice"));
}
