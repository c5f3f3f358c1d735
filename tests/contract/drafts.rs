//! Drafts: unsent text per actor, ticket and kind; kept across handles; cleared by sending.

use tuidesk::domain::{AuthorRole, EntryKind};

use crate::backend::Backend;
use crate::fixture::*;

pub fn drafts_save_replace_delete_and_list(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let (t7, t8, t9) = (
        raw_ticket(&mut *s, org, "seven", t0()),
        raw_ticket(&mut *s, org, "eight", t0()),
        raw_ticket(&mut *s, org, "nine", t0()),
    );
    write(&mut *s, |tx| {
        tx.save_draft("alice", t7, "reply", "half a reply", t0())?;
        tx.save_draft("alice", t7, "note", "a note 备注", t0())?;
        tx.save_draft("alice", t8, "reply", "another ticket", t0())?;
        tx.save_draft("bob", t7, "reply", "bob's own", t0())
    })
    .unwrap();
    assert_eq!(
        s.draft("alice", t7, "reply").unwrap().as_deref(),
        Some("half a reply")
    );
    assert_eq!(
        s.draft("alice", t7, "note").unwrap().as_deref(),
        Some("a note 备注")
    );
    assert_eq!(
        s.draft("bob", t7, "reply").unwrap().as_deref(),
        Some("bob's own")
    );
    assert_eq!(s.draft("carol", t7, "reply").unwrap(), None);
    assert_eq!(s.draft("alice", t9, "reply").unwrap(), None);
    let mut kinds = s.drafts_for("alice", t7).unwrap();
    kinds.sort();
    assert_eq!(kinds, vec!["note".to_string(), "reply".to_string()]);
    assert!(s.drafts_for("carol", t7).unwrap().is_empty());

    // Saving again replaces the text.
    write(&mut *s, |tx| {
        tx.save_draft("alice", t7, "reply", "a whole reply", at(5))
    })
    .unwrap();
    assert_eq!(
        s.draft("alice", t7, "reply").unwrap().as_deref(),
        Some("a whole reply")
    );
    assert_eq!(s.drafts_for("alice", t7).unwrap().len(), 2);

    // Deleting takes exactly one; deleting what is not there is no error.
    write(&mut *s, |tx| tx.delete_draft("alice", t7, "reply")).unwrap();
    write(&mut *s, |tx| tx.delete_draft("alice", t7, "reply")).unwrap();
    write(&mut *s, |tx| tx.delete_draft("nobody", t9, "note")).unwrap();
    assert_eq!(s.draft("alice", t7, "reply").unwrap(), None);
    assert_eq!(s.drafts_for("alice", t7).unwrap(), vec!["note".to_string()]);
    assert!(s.draft("alice", t8, "reply").unwrap().is_some());
    assert!(s.draft("bob", t7, "reply").unwrap().is_some());
}

pub fn drafts_survive_reopening(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "draft", ""), &actor("c"), t0())
        .unwrap();
    let location = d.location();
    d.save_draft("alice", t.id, "reply", "half a reply", t0())
        .unwrap();
    drop(d);
    let s = b.connect(&location);
    assert_eq!(
        s.draft("alice", t.id, "reply").unwrap().as_deref(),
        Some("half a reply"),
        "{}",
        b.name()
    );
}

pub fn desk_drafts_empty_text_discards(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "draft", ""), &actor("c"), t0())
        .unwrap();
    d.save_draft("alice", t.id, "reply", "text", t0()).unwrap();
    d.save_draft("alice", t.id, "reply", "", at(1)).unwrap();
    assert_eq!(d.draft("alice", t.id, "reply").unwrap(), None);
    assert!(d.drafts_for("alice", t.id).unwrap().is_empty());
    // Discarding a draft that is not there is fine too.
    d.save_draft("alice", t.id, "note", "", at(2)).unwrap();
}

pub fn sending_clears_only_the_senders_draft_of_that_kind(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "drafts", ""), &actor("c"), t0())
        .unwrap();
    for (who, kind) in [("alice", "reply"), ("alice", "note"), ("bob", "reply")] {
        d.save_draft(who, t.id, kind, "unsent", t0()).unwrap();
    }
    d.add_entry(
        t.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "sent",
        &actor("alice"),
        at(1),
    )
    .unwrap();
    assert_eq!(
        d.draft("alice", t.id, "reply").unwrap(),
        None,
        "{}",
        b.name()
    );
    assert!(d.draft("alice", t.id, "note").unwrap().is_some());
    assert!(d.draft("bob", t.id, "reply").unwrap().is_some());
    d.add_entry(
        t.id,
        EntryKind::Note,
        AuthorRole::Engineer,
        "noted",
        &actor("alice"),
        at(2),
    )
    .unwrap();
    assert_eq!(d.draft("alice", t.id, "note").unwrap(), None);
}

/// The team's shared canned replies: saved, replaced, listed by name, removed; a refused
/// one (unknown variable, name in use) writes nothing; visible from a second handle.
pub fn shared_reply_templates_save_replace_list_and_remove(b: &dyn Backend) {
    let mut d = desk(b);
    let alice = actor("alice");
    d.add_reply_template("zeta", "bye {{engineer.name}}", false, &alice, t0())
        .unwrap();
    d.add_reply_template("ack-中文", "您好 {{customer.name}}", false, &alice, at(1))
        .unwrap();
    assert!(
        d.add_reply_template("zeta", "again", false, &alice, at(2))
            .unwrap_err()
            .to_string()
            .contains("--replace")
    );
    assert!(
        d.add_reply_template("bad", "{{nope}}", false, &alice, at(2))
            .is_err()
    );
    d.add_reply_template("zeta", "bye for now", true, &actor("bob"), at(3))
        .unwrap();
    let other = second(b, &d);
    let all = other.reply_templates().unwrap();
    let rows: Vec<(&str, &str, Option<&str>)> = all
        .iter()
        .map(|t| (t.name.as_str(), t.body.as_str(), t.updated_by.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("ack-中文", "您好 {{customer.name}}", Some("alice")),
            ("zeta", "bye for now", Some("bob")),
        ]
    );
    assert_eq!(all[1].updated_at, Some(at(3)));
    d.remove_reply_template("zeta").unwrap();
    assert!(d.remove_reply_template("zeta").is_err(), "already gone");
    assert_eq!(other.reply_templates().unwrap().len(), 1);
}
