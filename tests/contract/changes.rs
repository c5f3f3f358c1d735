//! Several handles on one database: others' writes show in reads at once and move the
//! change token; without writes the token stays put.

use tuidesk::store::{Store, TicketPatch};

use crate::backend::Backend;
use crate::fixture::*;

pub fn location_names_the_same_database(b: &dyn Backend) {
    let mut first = b.open();
    let location = first.location();
    assert!(!location.is_empty());
    raw_org(&mut *first, "Acme");
    let second = b.connect(&location);
    assert_eq!(second.location(), location, "{}", b.name());
    assert_eq!(second.org_by_name("Acme").unwrap().name, "Acme");
    assert!(second.policies().get("ctyun").is_some());
    assert!(second.policies().get("connected-care").is_some());
    // A fresh database shares nothing with another one.
    let fresh = b.open();
    assert_ne!(fresh.location(), location);
    assert!(fresh.list_orgs().unwrap().is_empty());
}

pub fn change_token_moves_with_others_writes_only(b: &dyn Backend) {
    let mut writer = b.open();
    let org = raw_org(&mut *writer, "Acme");
    let id = raw_ticket(&mut *writer, org, "watched", t0());
    let watcher = b.connect(&writer.location());
    let token = |s: &dyn Store| s.change_token().unwrap();

    // Without writes, the token stays equal: reading does not move it.
    let quiet = token(&*watcher);
    assert_eq!(token(&*watcher), quiet);
    watcher.ticket(id, t0()).unwrap();
    watcher.list_orgs().unwrap();
    watcher.search("watched", 5, t0()).unwrap();
    assert_eq!(
        token(&*watcher),
        quiet,
        "{}: reads are not changes",
        b.name()
    );

    // A write from another handle moves it, and the write is visible at once.
    write(&mut *writer, |tx| {
        tx.update_ticket(id, &TicketPatch::Assignee(Some("alice".into())))
    })
    .unwrap();
    let after_one = token(&*watcher);
    assert_ne!(after_one, quiet, "{}: another handle wrote", b.name());
    assert_eq!(
        watcher.ticket(id, t0()).unwrap().assignee.as_deref(),
        Some("alice")
    );
    assert_eq!(token(&*watcher), after_one, "and then stays");

    // Every further write moves it again.
    raw_ticket(&mut *writer, org, "second", t0());
    let after_two = token(&*watcher);
    assert_ne!(after_two, after_one);
    assert_eq!(token(&*watcher), after_two);

    // A use case through a desk is a write like any other.
    let mut desk = tuidesk::desk::Desk::new(writer);
    desk.save_draft("alice", id, "reply", "draft", t0())
        .unwrap();
    assert_ne!(token(&*watcher), after_two);
}

pub fn second_handle_writes_are_visible_both_ways(b: &dyn Backend) {
    let mut one = desk_with_orgs(b);
    let mut two = second(b, &one);
    let me = actor("alice");
    let a = one
        .create_ticket(&new_ticket(ACME, "S2", "from one", ""), &me, t0())
        .unwrap();
    let b2 = two
        .create_ticket(&new_ticket(ACME, "S2", "from two", ""), &me, t0())
        .unwrap();
    assert_ne!(
        a.id,
        b2.id,
        "{}: ids never collide across handles",
        b.name()
    );
    assert_eq!(one.ticket(b2.id, t0()).unwrap().summary, "from two");
    assert_eq!(two.ticket(a.id, t0()).unwrap().summary, "from one");
    assert_eq!(
        ids(&one.search("two", 5, t0()).unwrap().tickets),
        vec![b2.id]
    );
    assert_eq!(
        ids(&two.search("one", 5, t0()).unwrap().tickets),
        vec![a.id]
    );
}
