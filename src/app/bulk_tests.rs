//! Bulk changes from the queue (issue 17 item 8), driven by keys and answers, no terminal.

use crossterm::event::KeyCode;

use super::tests::{app, code, key, ticket, type_in};
use super::*;
use crate::store::TicketChange;

fn queue_of(n: i64) -> App {
    let mut a = app();
    a.queue.height = 10;
    let tickets: Vec<Ticket> = (1..=n)
        .map(|i| {
            let mut t = ticket(i, &format!("t{i}"), Some(600 * i));
            t.version = 10 + i;
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

fn changes(reqs: &[Request]) -> Vec<(i64, TicketChange, i64)> {
    reqs.iter()
        .filter_map(|r| match r {
            Request::Change {
                id,
                change,
                expected,
            } => Some((*id, change.clone(), *expected)),
            _ => None,
        })
        .collect()
}

#[test]
fn space_marks_and_moves_on_v_marks_a_range_esc_clears() {
    let mut a = queue_of(5);
    a.handle_key(key(' '));
    assert_eq!(a.queue.selected, 1, "marking moves to the next ticket");
    a.handle_key(key(' '));
    assert_eq!(a.marks.keys().copied().collect::<Vec<_>>(), [1, 2]);
    // Space on a marked ticket unmarks it.
    a.handle_key(key('k'));
    a.handle_key(key(' '));
    assert_eq!(a.marks.keys().copied().collect::<Vec<_>>(), [1]);
    // Unmarking moved on to #3; V from the last mark (#1) to the selection (#4).
    a.handle_key(key('j'));
    assert_eq!(a.queue.selected, 3);
    a.handle_key(key('V'));
    assert_eq!(a.marks.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(a.marks[&3], 13, "the version each was seen at");
    a.handle_key(code(KeyCode::Esc));
    assert!(a.marks.is_empty());
}

#[test]
fn one_confirmation_then_one_versioned_change_per_ticket() {
    let mut a = queue_of(4);
    a.handle_key(key(' '));
    a.handle_key(key(' '));
    a.handle_key(key(' '));
    // t: the status picker, for the marked tickets; resolved is the fourth status.
    let (purpose, reqs) = super::tests::pick(&mut a, 't', "resolved");
    assert_eq!(purpose, PickPurpose::BulkStatus);
    assert!(reqs.is_empty(), "asks first");
    let Mode::ConfirmBulk(c) = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!(
        c.describe(crate::i18n::Lang::En),
        "set status resolved on 3 marked tickets?"
    );
    let reqs = a.handle_key(key('y'));
    assert_eq!(
        changes(&reqs),
        [
            (1, TicketChange::Status(Status::Resolved), 11),
            (2, TicketChange::Status(Status::Resolved), 12),
            (3, TicketChange::Status(Status::Resolved), 13),
        ]
    );
    // Two succeed, one changed under us: one summary, one reload, the refused one stays marked.
    let ok = |id| Response::Written {
        message: format!("#{id} resolved"),
        ticket_id: Some(id),
        fresh: None,
    };
    assert!(a.handle_response(ok(1)).is_empty());
    assert!(
        a.handle_response(Response::Failed {
            message: "ticket 2 changed under you".into(),
            conflict: true,
            ticket_id: Some(2),
        })
        .is_empty()
    );
    let last = a.handle_response(ok(3));
    assert!(
        last.iter().any(|r| matches!(r, Request::Queue { .. })),
        "one reload at the end: {last:?}"
    );
    let (msg, error) = a.message.clone().unwrap();
    assert!(
        error && msg.contains("changed 2") && msg.contains("#2"),
        "{msg}"
    );
    assert_eq!(a.marks.keys().copied().collect::<Vec<_>>(), [2]);
    assert_eq!(a.pending_writes, 0);
}

#[test]
fn bulk_assign_and_cancel_keep_the_marks() {
    let mut a = queue_of(3);
    a.handle_key(key('V'));
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    a.handle_key(key('V'));
    assert_eq!(a.marks.len(), 3);
    assert_eq!(a.handle_key(key('a')), vec![Request::Engineers]);
    type_in(&mut a, "alice");
    a.handle_key(code(KeyCode::Enter));
    assert!(
        matches!(&a.mode, Mode::ConfirmBulk(c) if c.describe(crate::i18n::Lang::En) == "assign to alice on 3 marked tickets?")
    );
    assert!(a.handle_key(key('n')).is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(a.marks.len(), 3, "cancel keeps the marks");
    // Severity needs one scale: Acme's tickets all use connected-care.
    a.handle_key(key('e'));
    assert!(
        matches!(&a.mode, Mode::Pick(p) if p.purpose == PickPurpose::BulkSeverity && p.items.iter().any(|(v, _)| v == "S1"))
    );
}

#[test]
fn marks_show_in_the_queue_and_its_title() {
    let mut a = queue_of(3);
    a.handle_key(key(' '));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| crate::ui::draw(f, &a)).unwrap();
    let buf = terminal.backend().buffer().clone();
    let text: String = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(text.contains("1 marked"), "{text}");
    assert!(text.contains("*1 "), "{text}");
}
