//! Several handles on one database: others' writes show in reads at once and move the
//! change token; without writes the token stays put.

use tuidesk::store::{Presence, Store, TicketPatch};

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

/// Presence heartbeats are not data changes: another handle's change token stays put while
/// TUIs beat and leave (their lists are not reloaded every few seconds), though the heartbeat
/// is committed and visible; a real write still moves it, this handle's own writes do not
/// (also when a heartbeat commits after them), and each batch of a long load does.
pub fn a_heartbeat_is_not_a_change(b: &dyn Backend) {
    let mut writer = b.open();
    let org = raw_org(&mut *writer, "Acme");
    let id = raw_ticket(&mut *writer, org, "watched", t0());
    let mut watcher = b.connect(&writer.location());
    let token = |s: &dyn Store| s.change_token().unwrap();
    let beat = |session: &str, ticket: Option<i64>, composing: bool| Presence {
        session: session.into(),
        who: "alice".into(),
        ticket_id: ticket,
        composing,
        seen_at: t0(),
    };

    let quiet = token(&*watcher);
    writer
        .put_presence(&beat("alice pid 1", None, false))
        .unwrap();
    writer
        .put_presence(&beat("alice pid 1", Some(id), true))
        .unwrap();
    assert_eq!(
        watcher.presence_since(t0()).unwrap(),
        vec![beat("alice pid 1", Some(id), true)],
        "{}: the heartbeat is committed",
        b.name()
    );
    assert_eq!(
        token(&*watcher),
        quiet,
        "{}: a heartbeat is no change",
        b.name()
    );
    writer.drop_presence("alice pid 1").unwrap();
    assert!(watcher.presence_since(t0()).unwrap().is_empty());
    assert_eq!(token(&*watcher), quiet, "{}: nor is leaving", b.name());

    // A real write moves it.
    write(&mut *writer, |tx| {
        tx.update_ticket(id, &TicketPatch::Assignee(Some("alice".into())))
    })
    .unwrap();
    let moved = token(&*watcher);
    assert_ne!(moved, quiet, "{}: a write is a change", b.name());

    // The watcher's own writes stay out of its token, also once another handle's heartbeat
    // makes it look again.
    raw_ticket(&mut *watcher, org, "own", t0());
    assert_eq!(token(&*watcher), moved, "{}: own write", b.name());
    writer
        .put_presence(&beat("alice pid 1", None, false))
        .unwrap();
    assert_eq!(
        token(&*watcher),
        moved,
        "{}: own write, then a heartbeat",
        b.name()
    );
    // And the writer sees the watcher's write, not its own heartbeat.
    let writer_before = token(&*writer);
    watcher
        .put_presence(&beat("bob pid 2", None, false))
        .unwrap();
    assert_eq!(token(&*writer), writer_before);
    raw_ticket(&mut *watcher, org, "another", t0());
    assert_ne!(token(&*writer), writer_before, "{}", b.name());

    // A long load moves it too.
    let before_load = token(&*watcher);
    let mut left = 2;
    writer
        .write_batched(false, &mut |tx| {
            tx.insert_ticket(&ticket_row(org, "loaded", t0()))?;
            left -= 1;
            Ok(left > 0)
        })
        .unwrap();
    assert_ne!(
        token(&*watcher),
        before_load,
        "{}: a load is a change",
        b.name()
    );
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
