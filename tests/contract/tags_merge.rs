//! Tags and merges (issue 17 items 5 and 6) over the port: one audited change each, tag
//! filters, a merge that moves the conversation but never the target's SLA timers,
//! refusals that write nothing, and both travelling through export and import.

use tuidesk::desk::{Desk, parse_tag_ops};
use tuidesk::domain::{AuthorRole, EntryKind, Status};
use tuidesk::store::{Store, StoreError, TicketChange, TicketFilter};

use crate::backend::Backend;
use crate::fixture::*;

fn export(s: &dyn Store) -> String {
    let mut out = Vec::new();
    tuidesk::desk::export_store(s, &mut out, t0()).unwrap();
    String::from_utf8(out).unwrap()
}

fn tagged(d: &Desk, tags: &[&str]) -> Vec<i64> {
    let f = TicketFilter {
        all_statuses: true,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..TicketFilter::default()
    };
    let listed = sorted(ids(&d
        .list_tickets(&f, Default::default(), None, None, 50, at(5))
        .unwrap()
        .tickets));
    assert_eq!(
        d.count_tickets(&f, at(5)).unwrap(),
        listed.len() as i64,
        "count and listing agree for {tags:?}"
    );
    listed
}

pub fn tags_are_added_removed_audited_and_filtered(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let t1 = d
        .create_ticket(&new_ticket(ACME, "S2", "lag", ""), &me, t0())
        .unwrap();
    let t2 = d
        .create_ticket(&new_ticket(ACME, "S2", "slow", ""), &me, t0())
        .unwrap();
    let ops = parse_tag_ops(&["+Bug", "数据库", "-billing"]).unwrap();
    let o = d.tag_ticket(t1.id, &ops, Some(1), &me, at(1)).unwrap();
    assert_eq!(o.added, vec!["bug", "数据库"]);
    assert_eq!(o.absent, vec!["billing"]);
    assert_eq!(o.ticket.tags, vec!["bug", "数据库"], "sorted, normalized");
    assert_eq!(o.ticket.version, 2);
    let last = d.ticket_detail(t1.id, at(1)).unwrap().events.pop().unwrap();
    assert_eq!(
        (
            last.field.as_str(),
            last.new.as_deref(),
            last.actor.as_str()
        ),
        ("tags", Some("+bug +数据库"), "alice")
    );
    // Adding what it has changes nothing: no event, no new version.
    let events = d.ticket_detail(t1.id, at(2)).unwrap().events.len();
    let o = d
        .tag_ticket(t1.id, &parse_tag_ops(&["BUG"]).unwrap(), None, &me, at(2))
        .unwrap();
    assert_eq!(
        (o.already.clone(), o.ticket.version),
        (vec!["bug".into()], 2)
    );
    assert_eq!(d.ticket_detail(t1.id, at(2)).unwrap().events.len(), events);
    // A stale version is refused and nothing is stored.
    let err = d
        .tag_ticket(t1.id, &parse_tag_ops(&["x"]).unwrap(), Some(1), &me, at(3))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert_eq!(d.ticket(t1.id, at(3)).unwrap().tags, vec!["bug", "数据库"]);
    d.tag_ticket(t2.id, &parse_tag_ops(&["bug"]).unwrap(), None, &me, at(3))
        .unwrap();
    assert_eq!(tagged(&d, &["bug"]), sorted(vec![t1.id, t2.id]));
    assert_eq!(tagged(&d, &["bug", "数据库"]), vec![t1.id]);
    assert_eq!(tagged(&d, &["nothing"]), Vec::<i64>::new());
    let o = d
        .tag_ticket(t1.id, &parse_tag_ops(&["-bug"]).unwrap(), None, &me, at(4))
        .unwrap();
    assert_eq!(
        (o.removed, o.ticket.tags),
        (vec!["bug".into()], vec!["数据库".into()])
    );
    assert_eq!(tagged(&d, &["bug"]), vec![t2.id]);
    // Tags are part of every read of a ticket, listings included.
    let page = d
        .list_tickets(
            &TicketFilter::default(),
            Default::default(),
            None,
            None,
            10,
            at(5),
        )
        .unwrap();
    let listed = page.tickets.iter().find(|t| t.id == t2.id).unwrap();
    assert_eq!(listed.tags, vec!["bug"]);
    // And the monthly report's read of the month's tickets.
    let month = d
        .month_tickets(t1.org_id, t0() - chrono::Duration::days(1), at(60))
        .unwrap();
    let of = |id: i64| month.iter().find(|t| t.id == id).unwrap().tags.clone();
    assert_eq!(
        (of(t1.id), of(t2.id)),
        (vec!["数据库".to_string()], vec!["bug".to_string()])
    );
}

/// Target opened at t0 (S2: first response due at +120 min), source at +10 with an
/// engineer's reply, a customer's follow-up, a note and a tag.
fn two_tickets(d: &mut Desk) -> (i64, i64) {
    let me = actor("alice");
    let target = d
        .create_ticket(&new_ticket(ACME, "S2", "db down", "the target"), &me, t0())
        .unwrap()
        .id;
    let source = d
        .create_ticket(
            &new_ticket(ACME, "S2", "db down again", "the source"),
            &me,
            at(10),
        )
        .unwrap()
        .id;
    d.add_entry(
        source,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "looking",
        &me,
        at(20),
    )
    .unwrap();
    d.add_entry(
        source,
        EntryKind::Reply,
        AuthorRole::Customer,
        "still down",
        &actor("carol@acme.example"),
        at(30),
    )
    .unwrap();
    d.add_entry(
        source,
        EntryKind::Note,
        AuthorRole::Engineer,
        "dup?",
        &actor("bob"),
        at(31),
    )
    .unwrap();
    d.tag_ticket(
        source,
        &parse_tag_ops(&["bug", "db"]).unwrap(),
        None,
        &me,
        at(32),
    )
    .unwrap();
    d.tag_ticket(target, &parse_tag_ops(&["db"]).unwrap(), None, &me, at(32))
        .unwrap();
    (source, target)
}

pub fn merge_moves_the_conversation_and_keeps_the_target_timers(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let (source, target) = two_tickets(&mut d);
    let before = d.ticket(target, at(40)).unwrap();
    let inputs_before = d.sla_inputs_many(&[target, source]).unwrap();
    let report_before = d.sla_report(target, at(40)).unwrap();
    let o = d
        .merge_tickets(source, target, (Some(3), Some(2)), &actor("alice"), at(40))
        .unwrap();
    assert_eq!((o.entries, o.tags.clone()), (4, vec!["bug".to_string()]));
    // The target's timers, breach state and SLA inputs are what they were.
    let after = d.ticket(target, at(40)).unwrap();
    for (name, a, b) in [
        (
            "first_response_due",
            before.first_response_due,
            after.first_response_due,
        ),
        ("next_due", before.next_due, after.next_due),
        ("risk_at", before.risk_at, after.risk_at),
        (
            "first_response_at",
            before.first_response_at,
            after.first_response_at,
        ),
    ] {
        assert_eq!(a, b, "target {name} moved");
    }
    assert_eq!(after.first_response_due, Some(at(120)));
    assert!(
        after.first_response_at.is_none(),
        "the source's reply is not the target's"
    );
    assert_eq!(
        (after.breached, after.status),
        (before.breached, before.status)
    );
    assert_eq!(after.version, before.version + 1);
    let inputs_after = d.sla_inputs_many(&[target, source]).unwrap();
    assert_eq!(
        inputs_after[0].timeline, inputs_before[0].timeline,
        "target inputs"
    );
    // The source keeps its own SLA history (its reply and its customer's message).
    assert_eq!(inputs_after[1].timeline.public_replies, vec![at(20)]);
    assert_eq!(inputs_after[1].timeline.customer_messages, vec![at(30)]);
    assert_eq!(
        d.sla_report(target, at(40)).unwrap().metrics,
        report_before.metrics
    );
    // Later, the target breaches exactly as it would have without the merge.
    let late = d.sla_report(target, at(200)).unwrap();
    let fr = late
        .metrics
        .iter()
        .find(|m| m.metric == tuidesk::policy::Metric::FirstResponse)
        .unwrap();
    assert_eq!(fr.breached_at, Some(at(120)));
    // Everything moved, times and authors kept, marked with where it came from.
    let td = d.ticket_detail(target, at(40)).unwrap();
    let moved: Vec<_> = td
        .conversation
        .iter()
        .filter(|e| e.merged_from == Some(source))
        .map(|e| (e.author.as_str(), e.created_at, e.kind, e.role))
        .collect();
    assert_eq!(moved.len(), 4, "{:?}", td.conversation);
    assert!(moved.contains(&("alice", at(20), EntryKind::Reply, AuthorRole::Engineer)));
    assert!(moved.contains(&(
        "carol@acme.example",
        at(30),
        EntryKind::Reply,
        AuthorRole::Customer
    )));
    assert!(moved.contains(&("bob", at(31), EntryKind::Note, AuthorRole::Engineer)));
    let opening = td
        .conversation
        .iter()
        .find(|e| e.created_at == at(10))
        .expect("the source's opening message");
    assert!(opening.body.contains("db down again") && opening.body.contains("the source"));
    assert_eq!(td.ticket.as_ref().unwrap().tags, vec!["bug", "db"]);
    let merged = td.events.iter().find(|e| e.field == "merged").unwrap();
    assert!(
        merged
            .new
            .as_deref()
            .unwrap()
            .starts_with(&format!("#{source}: 4 conversation entries")),
        "{merged:?}"
    );
    // The source is closed, points at the target, and its audit says so.
    let sd = d.ticket_detail(source, at(40)).unwrap();
    let s = sd.ticket.unwrap();
    assert_eq!(
        (s.status, s.merged_into, s.tags.len()),
        (Status::Closed, Some(target), 0)
    );
    assert!(sd.conversation.is_empty());
    assert!(
        sd.events
            .iter()
            .any(|e| e.field == "merged_into" && e.new.as_deref() == Some(&format!("#{target}")))
    );
    assert!(
        sd.events
            .iter()
            .any(|e| e.field == "status" && e.new.as_deref() == Some("closed"))
    );
    // Search finds the moved words on the target.
    assert!(ids(&d.search("still", 5, at(40)).unwrap().tickets).contains(&target));
    // No more work lands on the merged ticket.
    let err = d
        .add_entry(
            source,
            EntryKind::Note,
            AuthorRole::Engineer,
            "x",
            &actor("a"),
            at(41),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!("merged into #{target}")),
        "{err}"
    );
    let err = d
        .change_ticket(
            source,
            &TicketChange::Status(Status::Open),
            None,
            &actor("a"),
            at(41),
        )
        .unwrap_err();
    assert!(err.to_string().contains("merged into"), "{err}");
}

pub fn merge_refusals_change_nothing(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    let (source, target) = two_tickets(&mut d);
    let other_org = d
        .create_ticket(&new_ticket(CTYUN, "urgent", "其他", ""), &me, at(1))
        .unwrap()
        .id;
    let closed = d
        .create_ticket(&new_ticket(ACME, "S2", "closed", ""), &me, at(1))
        .unwrap()
        .id;
    d.change_ticket(
        closed,
        &TicketChange::Status(Status::Closed),
        None,
        &me,
        at(2),
    )
    .unwrap();
    let third = d
        .create_ticket(&new_ticket(ACME, "S2", "third", ""), &me, at(3))
        .unwrap()
        .id;
    let check = |d: &mut Desk, s: i64, t: i64, expected: (Option<i64>, Option<i64>), what: &str| {
        let before = export(d.store());
        let err = d.merge_tickets(s, t, expected, &me, at(50)).unwrap_err();
        assert!(err.to_string().contains(what), "{s}→{t}: {err}");
        assert_eq!(export(d.store()), before, "{s}→{t} changed the database");
    };
    check(&mut d, source, source, (None, None), "into itself");
    check(
        &mut d,
        source,
        other_org,
        (None, None),
        "different organizations",
    );
    check(&mut d, source, 999, (None, None), "999");
    check(&mut d, 999, target, (None, None), "999");
    check(&mut d, source, closed, (None, None), "is closed");
    check(&mut d, source, target, (Some(1), None), "changed under you");
    d.merge_tickets(source, target, (None, None), &me, at(40))
        .unwrap();
    check(&mut d, source, third, (None, None), "already merged into");
    check(
        &mut d,
        third,
        source,
        (None, None),
        &format!("merge into #{target} instead"),
    );
    // A chain: the target merged onward; mail and the hint follow to the end.
    d.merge_tickets(target, third, (None, None), &me, at(45))
        .unwrap();
    check(
        &mut d,
        closed,
        source,
        (None, None),
        &format!("merge into #{third} instead"),
    );
    let moved = d.ticket_detail(third, at(46)).unwrap().conversation;
    assert!(
        moved
            .iter()
            .filter(|e| e.merged_from == Some(source))
            .count()
            == 4
    );
}

pub fn tags_and_merges_survive_export_and_import(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let (source, target) = two_tickets(&mut d);
    d.merge_tickets(source, target, (None, None), &actor("alice"), at(40))
        .unwrap();
    let exported = export(d.store());
    assert!(
        exported.contains(&format!(r#""merged_into":{target}"#)),
        "{exported}"
    );
    assert!(exported.contains(r#""tags":["bug","db"]"#), "{exported}");
    assert!(
        exported.contains(&format!(r#""merged_from":{source}"#)),
        "{exported}"
    );
    let mut dst = Desk::new(b.open());
    dst.import(&mut exported.as_bytes(), at(60)).unwrap();
    assert_eq!(export(dst.store()), exported, "{}: round trip", b.name());
    assert_eq!(
        dst.sla_inputs_many(&[target, source]).unwrap(),
        d.sla_inputs_many(&[target, source]).unwrap(),
        "SLA inputs after import"
    );
    // A tag not stored as written is refused with its line.
    let bad = exported.replacen(r#""tags":["bug","db"]"#, r#""tags":["Bug","db"]"#, 1);
    let err = Desk::new(b.open())
        .import(&mut bad.as_bytes(), at(60))
        .unwrap_err();
    assert!(err.to_string().contains("not stored as written"), "{err}");
    let bad = exported.replacen(
        &format!(r#""merged_into":{target}"#),
        r#""merged_into":777"#,
        1,
    );
    let err = Desk::new(b.open())
        .import(&mut bad.as_bytes(), at(60))
        .unwrap_err();
    assert!(err.to_string().contains("777"), "{err}");
}
