//! Tagging (`T`, also on marked tickets) and merging (`M`) in the TUI, driven by keys and
//! answers, no terminal.

use crossterm::event::KeyCode;

use super::tests::{app, code, key, ticket, type_in};
use super::*;
use crate::desk::TagOp;

fn queue_of(n: i64) -> App {
    let mut a = app();
    a.queue.height = 10;
    let tickets: Vec<Ticket> = (1..=n)
        .map(|i| {
            let mut t = ticket(i, &format!("t{i}"), Some(600 * i));
            t.version = 10 + i;
            if i == 2 {
                t.tags = vec!["db".into()];
            }
            t
        })
        .collect();
    let keys = tickets.iter().map(|t| SortKey(vec![t.id])).collect();
    a.handle_response(Response::Queue {
        tickets,
        keys,
        total: n,
        select: None,
    });
    a
}

fn op(add: bool, tag: &str) -> TagOp {
    TagOp {
        add,
        tag: tag.into(),
    }
}

#[test]
fn t_tags_the_selected_ticket_with_its_version_and_refuses_bad_tags_in_place() {
    let mut a = queue_of(3);
    assert!(a.handle_key(key('T')).is_empty());
    assert!(matches!(&a.mode, Mode::Tag(f) if !f.bulk && f.tickets.get(&1) == Some(&11)));
    type_in(&mut a, "a!b");
    assert!(a.handle_key(code(KeyCode::Enter)).is_empty());
    assert!(
        matches!(a.mode, Mode::Tag(_)),
        "a bad tag keeps the form open"
    );
    let (msg, error) = a.message.clone().unwrap();
    assert!(error && msg.contains("is not valid"), "{msg}");
    for _ in 0..3 {
        a.handle_key(code(KeyCode::Backspace));
    }
    type_in(&mut a, "+Bug -billing");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Tag {
            id: 1,
            ops: vec![op(true, "bug"), op(false, "billing")],
            expected: 11,
        }]
    );
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(a.pending_writes, 1);
}

#[test]
fn t_with_marks_asks_once_then_tags_each_marked_ticket_at_its_version() {
    let mut a = queue_of(4);
    a.handle_key(key(' '));
    a.handle_key(key(' '));
    a.handle_key(key(' '));
    a.handle_key(key('T'));
    assert!(matches!(&a.mode, Mode::Tag(f) if f.bulk && f.tickets.len() == 3));
    type_in(&mut a, "urgent-fix");
    assert!(a.handle_key(code(KeyCode::Enter)).is_empty(), "asks first");
    let Mode::ConfirmBulk(c) = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!(
        c.describe(crate::i18n::Lang::En),
        "tag +urgent-fix on 3 marked tickets?"
    );
    let reqs = a.handle_key(key('y'));
    let tagged: Vec<(i64, i64)> = reqs
        .iter()
        .filter_map(|r| match r {
            Request::Tag { id, ops, expected } if *ops == vec![op(true, "urgent-fix")] => {
                Some((*id, *expected))
            }
            _ => None,
        })
        .collect();
    assert_eq!(tagged, [(1, 11), (2, 12), (3, 13)]);
    // The answers come back per ticket; one summary at the end.
    for id in 1..=3 {
        a.handle_response(Response::Written {
            message: format!("#{id}: tags +urgent-fix"),
            ticket_id: Some(id),
            fresh: None,
        });
    }
    let (msg, _) = a.message.clone().unwrap();
    assert!(msg.contains("changed 3"), "{msg}");
    assert!(a.marks.is_empty());
}

#[test]
fn m_asks_the_target_then_confirms_naming_both_tickets() {
    let mut a = queue_of(3);
    assert!(a.handle_key(key('M')).is_empty());
    assert!(matches!(&a.mode, Mode::MergeTarget(f) if f.source == 1 && f.source_version == 11));
    // Letters are ignored; its own number is refused in place.
    type_in(&mut a, "x1");
    a.handle_key(code(KeyCode::Enter));
    assert!(matches!(a.mode, Mode::MergeTarget(_)));
    assert!(a.message.clone().unwrap().0.contains("into itself"));
    a.handle_key(code(KeyCode::Backspace));
    type_in(&mut a, "#3");
    assert!(a.handle_key(code(KeyCode::Enter)).is_empty(), "asks first");
    let Mode::ConfirmMerge(c) = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!((c.source, c.target, c.target_version), (1, 3, Some(13)));
    assert_eq!(c.target_summary.as_deref(), Some("t3"));
    // The popup names both tickets.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| crate::ui::draw(f, &a)).unwrap();
    let buf = terminal.backend().buffer().clone();
    let screen: String = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(screen.contains("Merge #1 into #3?"), "{screen}");
    assert!(
        screen.contains("#1 t1") && screen.contains("→ #3 t3"),
        "{screen}"
    );
    let reqs = a.handle_key(key('y'));
    assert_eq!(
        reqs,
        vec![Request::Merge {
            source: 1,
            target: 3,
            expected: (11, Some(13)),
        }]
    );
    // Any other key cancels.
    a.handle_key(key('M'));
    type_in(&mut a, "2");
    a.handle_key(code(KeyCode::Enter));
    assert!(a.handle_key(key('n')).is_empty());
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn a_merged_ticket_says_where_it_went_and_takes_no_tags_or_merge() {
    let mut a = queue_of(2);
    a.queue.tickets[0].merged_into = Some(2);
    a.handle_key(key('M'));
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.message.clone().unwrap().0.contains("merged into #2"));
    a.handle_key(key('T'));
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn the_filter_offers_the_tags_in_use_and_toggles_them() {
    let mut a = queue_of(3);
    // The tag in use is offered.
    let (_, reqs) = super::tests::pick(&mut a, 'f', "tag:db");
    assert_eq!(a.queue.filter.tags, vec!["db".to_string()]);
    assert!(a.filter_label().contains("tag db"));
    assert!(
        reqs.iter().any(|r| matches!(r, Request::Queue { .. })),
        "{reqs:?}"
    );
}

#[test]
fn detail_shows_tags_the_merge_pointer_and_where_moved_entries_came_from() {
    let mut a = queue_of(2);
    let mut t = a.queue.tickets[0].clone();
    t.tags = vec!["bug".into(), "数据库".into()];
    t.merged_into = Some(2);
    let mut detail = crate::store::TicketDetail {
        ticket: Some(t),
        ..Default::default()
    };
    detail.conversation.push(crate::domain::ConversationEntry {
        id: 9,
        ticket_id: 1,
        kind: crate::domain::EntryKind::Reply,
        role: crate::domain::AuthorRole::Customer,
        author: "li.na@acme.example".into(),
        body: "still broken".into(),
        created_at: a.now,
        merged_from: Some(7),
    });
    a.handle_key(code(KeyCode::Enter));
    a.handle_response(Response::Detail(Box::new(detail), vec![]));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| crate::ui::draw(f, &a)).unwrap();
    let buf = terminal.backend().buffer().clone();
    let screen: String = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(screen.contains("merged into#2"), "{screen}");
    assert!(screen.contains("tags       bug 数"), "{screen}");
    assert!(screen.contains("· from #7"), "{screen}");
}
