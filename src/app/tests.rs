use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::domain::{AuthorRole, TicketKind};

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 10, 0, 0).unwrap()
}

pub(crate) fn ticket(id: i64, summary: &str, due_in: Option<i64>) -> Ticket {
    let created = now() - Duration::minutes(5);
    Ticket {
        id,
        org_id: 1,
        org: "Acme".into(),
        kind: TicketKind::Technical,
        severity: "S2".into(),
        status: Status::New,
        summary: summary.into(),
        description: format!("description of {summary}"),
        component: Some("TiKV".into()),
        environment: None,
        affected_version: None,
        assignee: None,
        created_at: created,
        updated_at: created,
        first_response_at: None,
        resolved_at: None,
        first_response_due: due_in.map(|s| now() + Duration::seconds(s)),
        next_due: due_in.map(|s| now() + Duration::seconds(s)),
        risk_at: due_in.map(|s| now() + Duration::seconds(s - 900)),
        paused_seconds_left: None,
        breached: due_in.is_some_and(|s| s <= 0),
        version: 1,
        effective_severity: None,
        severity_note: None,
        requester_name: None,
        requester_address: None,
        channel: None,
        follows: None,
        tags: Vec::new(),
        merged_into: None,
    }
}

pub(crate) fn app() -> App {
    let policies = Arc::new(crate::config::policies::builtin().unwrap());
    let mut app = App::new(
        "alice".into(),
        "test.db".into(),
        policies,
        Keymap::default(),
        now(),
    );
    app.queue.height = 3;
    app.orgs = vec![Organization {
        id: 1,
        name: "Acme".into(),
        policy_set: "connected-care".into(),
        plan: "enterprise".into(),
        tz: "Europe/Berlin".into(),
        created_at: now(),
        plan_since: now(),
        parent: None,
        parent_plan: None,
    }];
    app
}

pub(crate) fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

pub(crate) fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// Types `text` key by key.
pub(crate) fn type_in(a: &mut App, text: &str) {
    for c in text.chars() {
        a.handle_key(key(c));
    }
}

/// Opens the picker behind `opener` and chooses the item whose value is `value` (moving down
/// to it with `j`): what the picker was for, and the requests Enter made.
pub(crate) fn pick(a: &mut App, opener: char, value: &str) -> (PickPurpose, Vec<Request>) {
    a.handle_key(key(opener));
    let Mode::Pick(p) = &a.mode else {
        panic!("`{opener}` opened no picker: {:?}", a.mode)
    };
    let purpose = p.purpose.clone();
    let at = p
        .items
        .iter()
        .position(|(_, v)| v == value)
        .unwrap_or_else(|| panic!("`{opener}` does not offer {value}"));
    for _ in 0..at {
        a.handle_key(key('j'));
    }
    (purpose, a.handle_key(code(KeyCode::Enter)))
}

/// An action of alice's in its undo window, due in `due_in` seconds.
pub(crate) fn pending(
    id: i64,
    ticket_id: i64,
    action: crate::store::Deferred,
    due_in: i64,
) -> crate::store::PendingAction {
    crate::store::PendingAction {
        id,
        ticket_id,
        action,
        actor: crate::domain::Actor {
            name: "alice".into(),
            via_as: false,
            os: None,
        },
        session: "alice pid 1".into(),
        created_at: now() + chrono::Duration::seconds(id),
        due_at: now() + chrono::Duration::seconds(due_in),
    }
}

pub(crate) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(crate) fn load(app: &mut App, tickets: Vec<Ticket>) -> Vec<Request> {
    let keys = tickets
        .iter()
        .map(|t| {
            SortKey(vec![
                t.next_due.map_or(i64::MAX, |d| d.timestamp()),
                100,
                t.id,
            ])
        })
        .collect();
    let total = tickets.len() as i64;
    app.handle_response(Response::Queue {
        tickets,
        keys,
        total,
        select: None,
    })
}

fn three() -> Vec<Ticket> {
    vec![
        ticket(1, "first", Some(60)),
        ticket(2, "second", Some(600)),
        ticket(3, "third", Some(6000)),
    ]
}

#[test]
fn start_loads_queue_sla_counts_and_orgs() {
    let mut a = app();
    let reqs = a.start();
    assert!(matches!(
        &reqs[0],
        Request::Queue {
            anchor: Anchor::Top,
            limit: 3,
            ..
        }
    ));
    assert!(reqs.iter().any(|r| matches!(r, Request::Sla { .. })));
    assert!(reqs.contains(&Request::Counts));
}

#[test]
fn selection_moves_and_detail_follows() {
    let mut a = app();
    let reqs = load(&mut a, three());
    assert_eq!(reqs, vec![Request::Detail(1)]);
    assert_eq!(a.selected_ticket().unwrap().id, 1);
    assert_eq!(
        a.handle_key(key('j')),
        vec![Request::Detail(2)],
        "the detail pane follows"
    );
    assert_eq!(a.selected_ticket().unwrap().id, 2);
    a.handle_key(code(KeyCode::Down));
    assert_eq!(a.queue.selected_id, Some(3));
    a.handle_key(key('k'));
    assert_eq!(a.queue.selected_id, Some(2));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(reqs, vec![Request::Detail(2)]);
    assert_eq!(a.focus, Pane::Detail);
}

#[test]
fn moving_past_the_window_loads_the_next_one() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('G'));
    assert_eq!(
        a.selected_ticket().unwrap().id,
        1,
        "bottom needs a new window"
    );
    a.handle_key(key('g'));
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    let reqs = a.handle_key(key('j'));
    match &reqs[0] {
        Request::Queue {
            anchor: Anchor::After(k),
            ..
        } => assert_eq!(k.0.last(), Some(&1)),
        other => panic!("{other:?}"),
    }
    // The shifted window arrives: the new last row is selected.
    load(
        &mut a,
        vec![
            ticket(2, "second", Some(600)),
            ticket(3, "third", Some(6000)),
            ticket(4, "fourth", Some(9000)),
        ],
    );
    assert_eq!(a.selected_ticket().unwrap().id, 4);
    // Past the very end nothing changes.
    a.handle_key(key('j'));
    a.handle_response(Response::Queue {
        tickets: vec![],
        keys: vec![],
        total: 4,
        select: None,
    });
    assert_eq!(a.selected_ticket().unwrap().id, 4);
}

#[test]
fn selection_stays_on_the_same_ticket_when_the_list_changes() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('j'));
    let reqs = a.handle_response(Response::ExternalChange);
    assert!(matches!(
        &reqs[0],
        Request::Queue {
            anchor: Anchor::Around { id: 2, above: 1 },
            ..
        }
    ));
    // A new, more urgent ticket arrives above it.
    load(
        &mut a,
        vec![
            ticket(9, "new", Some(10)),
            ticket(1, "first", Some(60)),
            ticket(2, "second", Some(600)),
        ],
    );
    assert_eq!(a.selected_ticket().unwrap().id, 2);
}

#[test]
fn filters_and_sort_reload_from_the_top() {
    let mut a = app();
    load(&mut a, three());
    let (_, reqs) = pick(&mut a, 'f', "breached");
    match &reqs[0] {
        Request::Queue {
            filter,
            anchor: Anchor::Top,
            ..
        } => assert!(filter.breached),
        other => panic!("{other:?}"),
    }
    assert!(a.filter_label().contains("breached"));
    let reqs = a.handle_key(key('s'));
    assert!(matches!(
        &reqs[0],
        Request::Queue {
            sort: TicketSort::Created,
            ..
        }
    ));
    let (_, reqs) = pick(&mut a, 'f', "mine");
    match &reqs[0] {
        Request::Queue { filter, .. } => assert_eq!(filter.assignee.as_deref(), Some("alice")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_replaces_the_queue_and_esc_returns() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('/'));
    type_in(&mut a, "连接");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Search {
            query: "连接".into(),
            // One more than listed: whether more matched.
            limit: crate::app::SEARCH_SHOWN + 1
        }]
    );
    a.handle_response(Response::Search {
        query: "连接".into(),
        tickets: vec![ticket(7, "数据库连接失败", None)],
        bounded: false,
    });
    assert_eq!(a.selected_ticket().unwrap().id, 7);
    let reqs = a.handle_key(code(KeyCode::Esc));
    assert!(matches!(&reqs[0], Request::Queue { .. }));
    assert!(a.queue.search.is_none());
}

/// Issue 14 item 7: a search runs on the database thread while the UI goes on; the app says
/// "searching…", Esc stops the running search (CancelSearch, handled by the event loop at
/// once) and brings the queue back, and the late answer of the cancelled search is ignored.
#[test]
fn a_running_search_shows_searching_and_esc_cancels_it() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('/'));
    type_in(&mut a, "slow words");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(matches!(&reqs[..], [Request::Search { .. }]), "{reqs:?}");
    let said = format!("{:?}", a.message);
    assert!(said.contains("searching…"), "{said}");
    let reqs = a.handle_key(code(KeyCode::Esc));
    assert!(reqs.contains(&Request::CancelSearch), "{reqs:?}");
    assert!(matches!(&reqs[0], Request::Queue { .. }), "{reqs:?}");
    let before: Vec<i64> = a.queue.tickets.iter().map(|t| t.id).collect();
    a.handle_response(Response::Search {
        query: "slow words".into(),
        tickets: Vec::new(),
        bounded: false,
    });
    let after: Vec<i64> = a.queue.tickets.iter().map(|t| t.id).collect();
    assert_eq!(before, after, "the cancelled search's answer is ignored");
    assert!(a.queue.search.is_none());
}

#[test]
fn reply_editor_saves_drafts_sends_and_asks_before_discarding() {
    let mut a = app();
    load(&mut a, three());
    let reqs = a.handle_key(key('r'));
    assert_eq!(
        reqs,
        vec![Request::LoadDraft {
            ticket_id: 1,
            kind: EntryKind::Reply
        }]
    );
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: None,
    });
    assert!(matches!(a.mode, Mode::Editor(_)));
    let reqs = a.handle_key(key('h'));
    assert_eq!(
        reqs,
        vec![Request::SaveDraft {
            ticket_id: 1,
            kind: "reply".into(),
            body: "h".into()
        }]
    );
    a.handle_key(key('i'));
    // Esc with text asks first; any other key keeps editing.
    assert!(a.handle_key(code(KeyCode::Esc)).is_empty());
    assert!(matches!(&a.mode, Mode::Editor(e) if e.confirm_discard));
    a.handle_key(key('n'));
    assert!(matches!(&a.mode, Mode::Editor(e) if !e.confirm_discard && e.text() == "hi"));
    let reqs = a.handle_key(ctrl('s'));
    assert_eq!(
        reqs,
        vec![Request::AddEntry {
            id: 1,
            kind: EntryKind::Reply,
            body: "hi".into()
        }]
    );
    // A failure keeps the text.
    a.handle_response(Response::Failed {
        message: "disk full".into(),
        conflict: false,
        ticket_id: Some(1),
    });
    assert!(matches!(&a.mode, Mode::Editor(e) if e.text() == "hi"));
    a.handle_response(Response::Written {
        message: "reply sent".into(),
        ticket_id: Some(1),
        fresh: None,
    });
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn a_saved_draft_is_offered_back() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('i'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Note,
        body: Some("half a\nthought".into()),
    });
    let Mode::Editor(e) = &a.mode else { panic!() };
    assert!(e.restored);
    assert_eq!(e.text(), "half a\nthought");
    assert_eq!(e.kind, EntryKind::Note);
}

#[test]
fn discarding_a_draft_clears_it() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: Some("x".into()),
    });
    a.handle_key(code(KeyCode::Esc));
    let reqs = a.handle_key(key('y'));
    assert_eq!(
        reqs,
        vec![Request::SaveDraft {
            ticket_id: 1,
            kind: "reply".into(),
            body: String::new()
        }]
    );
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn status_change_sends_the_version_and_conflicts_reload() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('t'));
    let Mode::Pick(_) = &a.mode else { panic!() };
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Change {
            id: 1,
            change: TicketChange::Status(Status::Pending),
            expected: 1
        }]
    );
    let reqs = a.handle_response(Response::Failed {
        message: "ticket 1 changed under you: bob set status new → open".into(),
        conflict: true,
        ticket_id: Some(1),
    });
    assert!(reqs.contains(&Request::Detail(1)));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("bob"))
    );
}

#[test]
fn severity_picker_offers_the_sets_levels() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('e'));
    let Mode::Pick(p) = &a.mode else { panic!() };
    let levels: Vec<&str> = p.items.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(levels, ["S1", "S2", "S3", "S4"]);
    assert_eq!(p.selected, 1);
}

#[test]
fn claim_and_assign() {
    let mut a = app();
    load(&mut a, three());
    assert_eq!(a.handle_key(key('c')), vec![Request::Claim(1)]);
    assert!(a.handle_key(key('a')).contains(&Request::Engineers));
    a.handle_response(Response::Engineers(vec!["bob".into(), "chen.wei".into()]));
    // Tab completes from the engineers seen before.
    a.handle_key(key('b'));
    a.handle_key(code(KeyCode::Tab));
    assert!(matches!(&a.mode, Mode::Assign(f) if f.input == "bob"));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Change {
            id: 1,
            change: TicketChange::Assign(Some("bob".into())),
            expected: 1
        }]
    );
}

#[test]
fn assigning_to_a_name_never_seen_warns_first() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('a'));
    a.handle_response(Response::Engineers(vec!["bob".into()]));
    type_in(&mut a, "bbo");
    assert!(
        a.handle_key(code(KeyCode::Enter)).is_empty(),
        "a typo is not sent"
    );
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("\"bbo\"") && m.contains("Enter again")),
        "{:?}",
        a.message
    );
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(matches!(
        &reqs[..],
        [Request::Change { change: TicketChange::Assign(Some(n)), .. }] if n == "bbo"
    ));
}

#[test]
fn palette_runs_actions_by_name() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key(':'));
    type_in(&mut a, "quit");
    a.handle_key(code(KeyCode::Enter));
    assert!(a.quit);
    // Every action has a palette entry.
    assert_eq!(
        palette_matches(crate::i18n::Lang::En, "").len(),
        ACTIONS.len()
    );
}

#[test]
fn help_lists_every_action_and_closes() {
    let mut a = app();
    a.handle_key(key('?'));
    assert!(matches!(a.mode, Mode::Help { .. }));
    a.handle_key(code(KeyCode::Esc));
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn new_ticket_form_validates_inline() {
    let mut a = app();
    a.handle_key(key('n'));
    if let Mode::NewTicket(f) = &mut a.mode {
        f.orgs_loaded(&a.orgs, &a.policies);
    }
    let Mode::NewTicket(f) = &a.mode else {
        panic!()
    };
    let errors = f.errors(crate::i18n::Lang::En, &a.policies, &a.orgs, a.now);
    assert!(errors.iter().any(|(field, _)| *field == FormField::Summary));
    // A safe default: the least severe level.
    assert_eq!(f.levels[f.severity], "S4");
    // Ctrl-S with errors does not submit.
    assert!(a.handle_key(ctrl('s')).is_empty());
    a.handle_key(code(KeyCode::Tab));
    a.handle_key(code(KeyCode::Right)); // kind → billing
    let Mode::NewTicket(f) = &a.mode else {
        panic!()
    };
    assert_eq!(f.kind, TicketKind::Billing);
    assert!(!f.level_allowed(0), "billing tickets cannot be S1");
    a.handle_key(code(KeyCode::Tab));
    // From S4, → wraps round to S1, which billing cannot have: it is skipped.
    a.handle_key(code(KeyCode::Right));
    let Mode::NewTicket(f) = &a.mode else {
        panic!()
    };
    assert_eq!(f.levels[f.severity], "S2");
    // ← from S2 skips S1 the other way round too.
    a.handle_key(code(KeyCode::Left));
    let Mode::NewTicket(f) = &a.mode else {
        panic!()
    };
    assert_eq!(f.levels[f.severity], "S4");
    a.handle_key(code(KeyCode::Right)); // S1 skipped: S2
    a.handle_key(code(KeyCode::Tab));
    type_in(&mut a, "Invoice 数据");
    let reqs = a.handle_key(ctrl('s'));
    match &reqs[..] {
        [Request::CreateTicket(t)] => {
            assert_eq!(t.severity, "S2");
            assert_eq!(t.summary, "Invoice 数据");
            assert_eq!(t.kind, Some(TicketKind::Billing));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn row_states_follow_the_clock() {
    let t = ticket(1, "x", Some(600));
    assert_eq!(row_state(&t, now()), RowState::AtRisk);
    assert_eq!(
        row_state(&t, now() - Duration::seconds(400)),
        RowState::Running
    );
    // Exactly at the due instant it is not breached yet; a second later it is.
    assert_eq!(
        row_state(&t, now() + Duration::seconds(600)),
        RowState::AtRisk
    );
    assert_eq!(
        row_state(&t, now() + Duration::seconds(601)),
        RowState::Breached
    );
    // Answered after the due instant: breached and answered, never "met".
    let mut late = t.clone();
    late.first_response_at = Some(now() + Duration::seconds(600 + 52 * 60));
    late.next_due = None;
    late.breached = true;
    assert_eq!(
        row_state(&late, now() + Duration::hours(2)),
        RowState::MetLate
    );
    assert_eq!(
        crate::app::met_late_label(crate::i18n::Lang::En, &late).as_deref(),
        Some("met late +00:52")
    );
    // Pending pauses the resolution clock but never the first response: a pending ticket
    // not yet answered still counts down; one with nothing else running shows paused.
    let mut pending = t.clone();
    pending.status = Status::Pending;
    pending.paused_seconds_left = Some(300);
    assert_eq!(row_state(&pending, now()), RowState::AtRisk);
    let mut paused = pending.clone();
    paused.next_due = None;
    paused.risk_at = None;
    paused.first_response_at = Some(now());
    assert_eq!(row_state(&paused, now()), RowState::Paused);
    let mut met = ticket(2, "y", None);
    met.first_response_at = Some(now());
    assert_eq!(row_state(&met, now()), RowState::Met);
    let mut done = t;
    done.status = Status::Closed;
    assert_eq!(row_state(&done, now()), RowState::Done);
}

/// A ticket on no pane breaches: the header's counts still refresh at the instant the store
/// gave (they used to wait for a visible row to change).
#[test]
fn counts_refresh_when_an_unseen_ticket_changes_them() {
    let mut a = app();
    load(&mut a, vec![ticket(1, "calm", Some(3600))]);
    a.handle_response(Response::Counts(crate::store::UrgencyCounts {
        active: 5,
        at_risk: 0,
        breached: 0,
        next_change: Some(now() + Duration::seconds(10)),
    }));
    let reqs = a.tick(now() + Duration::seconds(9));
    assert!(!reqs.contains(&Request::Counts), "{reqs:?}");
    let reqs = a.tick(now() + Duration::seconds(10));
    assert!(reqs.contains(&Request::Counts), "{reqs:?}");
    assert!(
        reqs.iter().any(|r| matches!(r, Request::Sla { .. })),
        "{reqs:?}"
    );
    // Asked once, not at every tick until the answer comes.
    let reqs = a.tick(now() + Duration::seconds(11));
    assert!(!reqs.contains(&Request::Counts), "{reqs:?}");
}

#[test]
fn a_breach_while_watching_flashes_and_rings_once() {
    let mut a = app();
    load(&mut a, vec![ticket(1, "soon", Some(2))]);
    assert!(!a.is_flashing(1));
    let reqs = a.tick(now() + Duration::seconds(3));
    assert!(
        reqs.contains(&Request::Counts),
        "counts refresh when a due instant passes"
    );
    assert!(a.is_flashing(1));
    assert!(a.ring_bell);
    a.ring_bell = false;
    a.tick(now() + Duration::seconds(4));
    assert!(!a.ring_bell, "the bell rings once per breach");
    a.tick(now() + Duration::seconds(20));
    assert!(!a.is_flashing(1));
}

#[test]
fn old_breaches_found_on_load_do_not_ring() {
    let mut a = app();
    load(&mut a, vec![ticket(1, "old", Some(-3600))]);
    a.tick(now() + Duration::seconds(1));
    assert!(!a.ring_bell);
    assert!(!a.is_flashing(1));
}

#[test]
fn a_breach_while_watching_sends_a_terminal_notification_only_when_asked() {
    let mut a = app();
    load(&mut a, vec![ticket(1, "soon \u{1b}]0;x\u{7}", Some(2))]);
    a.tick(now() + Duration::seconds(3));
    assert!(a.notifications.is_empty(), "off by default");

    let mut a = app();
    a.notify = NotifyStyle::Osc9;
    load(&mut a, vec![ticket(1, "soon \u{1b}]0;x\u{7}", Some(2))]);
    a.tick(now() + Duration::seconds(3));
    assert_eq!(a.notifications.len(), 1);
    let seq = &a.notifications[0];
    assert!(
        seq.starts_with("\x1b]9;tuidesk: #1 breached · S2 Acme · soon"),
        "{seq:?}"
    );
    assert_eq!(
        seq.matches('\x07').count(),
        1,
        "the summary cannot end it early"
    );
    a.notifications.clear();
    a.tick(now() + Duration::seconds(4));
    assert!(a.notifications.is_empty(), "once per breach");
}

#[test]
fn bell_can_be_switched_off() {
    let mut a = app();
    a.bell_enabled = false;
    load(&mut a, vec![ticket(1, "soon", Some(1))]);
    a.tick(now() + Duration::seconds(2));
    assert!(a.is_flashing(1));
    assert!(!a.ring_bell);
}

#[test]
fn footer_shows_keys_for_the_mode() {
    let mut a = app();
    let hints = a.footer_hints();
    assert!(hints.iter().any(|(k, l, _)| k == "q" && *l == "quit"));
    a.handle_key(key('/'));
    assert!(a.footer_hints().iter().any(|(k, _, _)| k == "Enter"));
    let _ = AuthorRole::Engineer;
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn any_key() -> impl Strategy<Value = KeyEvent> {
        let code = prop_oneof![
            any::<char>().prop_map(KeyCode::Char),
            proptest::sample::select(vec![
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Backspace,
                KeyCode::Delete,
                KeyCode::F(5),
            ]),
            // Weighted towards the keys that open modes.
            proptest::sample::select(vec![
                'j', 'k', 'r', 'i', 'n', 't', 'e', 'a', 'f', '/', ':', '?', 's', 'c', 'g', 'G'
            ])
            .prop_map(KeyCode::Char),
        ];
        let mods = proptest::sample::select(vec![
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
            KeyModifiers::SHIFT,
            KeyModifiers::ALT,
        ]);
        (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// No sequence of keys, answers and ticks panics or loses the app's invariants.
        #[test]
        fn no_key_sequence_panics(keys in proptest::collection::vec(any_key(), 0..60), ticks in 0u8..4, empty in any::<bool>()) {
            let mut a = app();
            let tickets = if empty { vec![] } else { three() };
            load(&mut a, tickets);
            for (i, k) in keys.into_iter().enumerate() {
                if a.quit {
                    break;
                }
                let reqs = a.handle_key(k);
                // Answer what the app asked, as the database thread would.
                for r in reqs {
                    match r {
                        Request::LoadDraft { ticket_id, kind } => {
                            a.handle_response(Response::Draft { ticket_id, kind, body: Some("draft".into()) });
                        }
                        Request::Queue { .. } => {
                            load(&mut a, three());
                        }
                        Request::Change { id, .. } | Request::Claim(id) => {
                            a.handle_response(Response::Failed { message: "conflict".into(), conflict: true, ticket_id: Some(id) });
                        }
                        _ => {}
                    }
                }
                if i % 7 == 0 {
                    for t in 0..ticks {
                        a.tick(now() + Duration::seconds(i as i64 + t as i64));
                    }
                }
                prop_assert!(a.queue.selected <= a.queue.tickets.len().saturating_sub(1));
            }
        }
    }
}

// ------------------------------------------------------------------ issue 13: the TUI items

/// An SLA pane entry for `t` (Connected Care enterprise S1: one hour to first response).
pub(crate) fn sla_item(t: &Ticket) -> SlaItem {
    let mut t = t.clone();
    t.severity = "S1".into();
    let opened = t.next_due.unwrap_or(now()) - Duration::hours(1);
    t.created_at = opened;
    SlaItem {
        ticket: t,
        policy_set: "connected-care".into(),
        plan: "enterprise".into(),
        tz: "Europe/Berlin".into(),
        timeline: crate::sla::TicketTimeline {
            opened,
            pauses: vec![],
            first_response_at: None,
            resolved_at: None,
            ..Default::default()
        },
        assurance: vec![],
        severity_changes: Vec::new(),
    }
}

fn detail_of(t: &Ticket) -> Response {
    Response::Detail(
        Box::new(TicketDetail {
            ticket: Some(t.clone()),
            ..Default::default()
        }),
        vec![],
    )
}

/// PgUp near the top of the queue ends on its first ticket: with nothing above the window,
/// and with less than a page above it (the first page comes back, from the top).
#[test]
fn page_up_reaches_the_first_ticket() {
    let mut a = app();
    a.queue.height = 3;
    load(&mut a, three());
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    assert_eq!(a.queue.selected, 2);
    let reqs = a.handle_key(code(KeyCode::PageUp));
    assert!(
        matches!(
            &reqs[..],
            [Request::Queue {
                anchor: Anchor::Before(_),
                ..
            }]
        ),
        "{reqs:?}"
    );
    // Nothing above: the first row of this window.
    a.handle_response(Response::Queue {
        tickets: Vec::new(),
        keys: Vec::new(),
        total: 3,
        select: None,
    });
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(1));
    // One ticket above a window further down: the first page again, its first ticket.
    load(
        &mut a,
        vec![
            ticket(4, "d", Some(60_000)),
            ticket(5, "e", Some(60_001)),
            ticket(6, "f", Some(60_002)),
        ],
    );
    a.handle_key(key('j'));
    a.handle_key(code(KeyCode::PageUp));
    // (The database thread answers a short page above with the queue's first page.)
    load(
        &mut a,
        vec![
            ticket(3, "c", Some(6000)),
            ticket(4, "d", Some(60_000)),
            ticket(5, "e", Some(60_001)),
        ],
    );
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(3));
}

/// A new sort keeps the selected ticket when its first page holds it, else starts from its
/// first row: never whichever ticket lands on the old row number.
#[test]
fn a_new_sort_keeps_the_ticket_or_starts_at_the_top() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('j'));
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(2));
    a.handle_key(key('s'));
    load(
        &mut a,
        vec![
            ticket(3, "c", Some(6000)),
            ticket(1, "a", Some(60)),
            ticket(2, "b", Some(600)),
        ],
    );
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(2));
    a.handle_key(key('s'));
    load(
        &mut a,
        vec![
            ticket(7, "g", Some(60)),
            ticket(8, "h", Some(60)),
            ticket(9, "i", Some(60)),
        ],
    );
    assert_eq!(
        a.selected_ticket().map(|t| t.id),
        Some(7),
        "not row 3's ticket"
    );
}

/// A filter applied while Detail has the focus moves ▶ to the new list's first row: Detail
/// follows it, so the keys never act on a ticket other than the marked one. A reload that
/// keeps the selection leaves Detail alone.
#[test]
fn detail_follows_the_selection_a_filter_moves() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('j'));
    a.handle_response(detail_of(&three()[1]));
    a.focus = Pane::Detail;
    // A live reload: the same ticket stays selected, Detail is not asked for again.
    let reqs = load(&mut a, three());
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(2));
    assert!(!reqs.contains(&Request::Detail(2)), "{reqs:?}");
    // The filter's list starts elsewhere.
    let (_, reqs) = pick(&mut a, 'f', "breached");
    assert!(matches!(&reqs[0], Request::Queue { .. }), "{reqs:?}");
    a.focus = Pane::Detail;
    let reqs = load(
        &mut a,
        vec![ticket(9, "breached", Some(-60)), ticket(10, "y", None)],
    );
    assert_eq!(a.selected_ticket().map(|t| t.id), Some(9));
    assert!(reqs.contains(&Request::Detail(9)), "{reqs:?}");
    // Until #9's Detail arrives the keys act on nothing, then on #9.
    assert_eq!(a.current_ticket().map(|t| t.id), None);
    a.handle_response(detail_of(&ticket(9, "breached", Some(-60))));
    assert_eq!(a.current_ticket().map(|t| t.id), Some(9));
}

#[test]
fn actions_act_on_the_ticket_opened_from_the_sla_pane() {
    let mut a = app();
    load(&mut a, three());
    a.handle_response(detail_of(&three()[0]));
    // The SLA pane lists a ticket the queue's window does not hold (#9), most urgent first.
    let outside = ticket(9, "Outside the window", Some(-30));
    a.handle_response(Response::Sla(vec![
        sla_item(&three()[1]),
        sla_item(&outside),
    ]));
    assert_eq!(a.sla_order().len(), 2);
    a.handle_key(code(KeyCode::BackTab));
    assert_eq!(a.focus, Pane::Sla);
    // j/k move the SLA pane's own selection, not the queue's.
    assert!(a.handle_key(key('j')).is_empty());
    assert_eq!(a.queue.selected_id, Some(1));
    a.handle_key(key('k'));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(reqs.contains(&Request::Detail(9)), "{reqs:?}");
    assert!(
        reqs.iter().any(|r| matches!(
            r,
            Request::Queue {
                anchor: Anchor::Around { id: 9, .. },
                ..
            }
        )),
        "the queue moves to the ticket too: {reqs:?}"
    );
    assert_eq!(a.focus, Pane::Detail);
    a.handle_response(detail_of(&outside));
    // The queue reloads around #9 (here the filter hides it): Detail keeps showing #9.
    let reqs = load(&mut a, three());
    assert!(!reqs.contains(&Request::Detail(1)), "{reqs:?}");
    // Every action acts on #9, the ticket shown.
    assert_eq!(
        a.handle_key(key('r')),
        vec![Request::LoadDraft {
            ticket_id: 9,
            kind: EntryKind::Reply
        }]
    );
    assert_eq!(a.handle_key(key('c')), vec![Request::Claim(9)]);
    a.handle_key(key('t'));
    let Mode::Pick(p) = &a.mode else { panic!() };
    assert!(
        p.title.contains("#9") && p.title.contains("Outside the window"),
        "{}",
        p.title
    );
    a.handle_key(key('j'));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(
        matches!(&reqs[..], [Request::Change { id: 9, .. }]),
        "{reqs:?}"
    );
    a.handle_key(key('a'));
    assert!(
        matches!(&a.mode, Mode::Assign(f) if f.ticket_id == 9 && f.summary == "Outside the window")
    );
    a.handle_key(code(KeyCode::Esc));
    // The editor names the ticket and its summary.
    a.handle_response(Response::Draft {
        ticket_id: 9,
        kind: EntryKind::Note,
        body: None,
    });
    assert!(
        matches!(&a.mode, Mode::Editor(e) if e.ticket_id == 9 && e.summary == "Outside the window")
    );
    a.handle_key(code(KeyCode::Esc));
    // Back in the queue, Detail shows the queue's selection again, and actions follow it.
    let reqs = a.handle_key(code(KeyCode::Esc));
    assert_eq!(a.focus, Pane::Queue);
    assert_eq!(reqs, vec![Request::Detail(1)]);
    assert_eq!(a.handle_key(key('c')), vec![Request::Claim(1)]);
}

#[test]
fn sla_enter_selects_a_ticket_already_in_the_queue() {
    let mut a = app();
    load(&mut a, three());
    a.handle_response(Response::Sla(vec![sla_item(&three()[2])]));
    a.handle_key(code(KeyCode::BackTab));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(reqs, vec![Request::Detail(3)]);
    assert_eq!(a.queue.selected_id, Some(3));
}

#[test]
fn a_popup_on_a_ticket_that_changes_says_so_and_takes_the_new_version() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('t'));
    let mut changed = three()[0].clone();
    changed.version = 2;
    changed.status = Status::Open;
    changed.assignee = Some("bob".into());
    a.handle_response(detail_of(&changed));
    let Mode::Pick(p) = &a.mode else { panic!() };
    let notice = p.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("#1 changed") && notice.contains("open") && notice.contains("bob"),
        "{notice}"
    );
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(
        matches!(
            &reqs[..],
            [Request::Change {
                id: 1,
                expected: 2,
                ..
            }]
        ),
        "{reqs:?}"
    );
    // The editor hears of it too.
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: None,
    });
    changed.version = 3;
    a.handle_response(detail_of(&changed));
    assert!(matches!(&a.mode, Mode::Editor(e) if e.notice.is_some() && e.version == 3));
}

#[test]
fn messages_clear_with_the_next_key_in_any_mode() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: Some("old".into()),
    });
    assert!(a.message.is_some(), "draft restored is said");
    a.handle_key(key('x'));
    assert!(a.message.is_none(), "and cleared by the next key");
}

#[test]
fn ctrl_c_cancels_popups_and_quits_from_the_queue() {
    let mut a = app();
    load(&mut a, three());
    // In a popup it is Esc.
    a.handle_key(key('t'));
    a.handle_key(ctrl('c'));
    assert!(matches!(a.mode, Mode::Normal) && !a.quit);
    // In the editor with text, the discard question.
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: None,
    });
    a.handle_key(key('h'));
    a.handle_key(ctrl('c'));
    assert!(matches!(&a.mode, Mode::Editor(e) if e.confirm_discard));
    a.handle_key(key('n'));
    assert!(matches!(&a.mode, Mode::Editor(e) if !e.confirm_discard && e.text() == "h"));
    a.handle_key(ctrl('c'));
    a.handle_key(key('y'));
    assert!(matches!(a.mode, Mode::Normal));
    // From the queue, with an unsent draft saved on the ticket shown: asks first.
    a.handle_response(Response::Detail(
        Box::new(TicketDetail {
            ticket: Some(three()[0].clone()),
            ..Default::default()
        }),
        vec!["reply".into()],
    ));
    a.handle_key(ctrl('c'));
    assert!(!a.quit);
    assert!(
        matches!(&a.mode, Mode::ConfirmQuit { reason } if reason.contains("reply on #1")),
        "{:?}",
        a.mode
    );
    a.handle_key(key('n'));
    assert!(!a.quit && matches!(a.mode, Mode::Normal));
    a.handle_key(ctrl('c'));
    a.handle_key(key('y'));
    assert!(a.quit);
    // Nothing unsent: Ctrl-C quits at once.
    let mut b = app();
    load(&mut b, three());
    b.handle_key(ctrl('c'));
    assert!(b.quit);
}

#[test]
fn a_ticket_opens_by_number() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key(':'));
    type_in(&mut a, "123");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(reqs[0], Request::Detail(123));
    assert_eq!(a.focus, Pane::Detail);
    // `#` is a key of its own for the same.
    a.handle_key(key('#'));
    assert!(matches!(&a.mode, Mode::Palette { input, .. } if input == "#"));
    a.handle_key(key('2'));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::Detail(2)],
        "#2 is in the queue: selected there"
    );
    assert_eq!(a.queue.selected_id, Some(2));
}

#[test]
fn n_steps_through_search_hits_only_while_searching() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('n'));
    assert!(
        matches!(a.mode, Mode::NewTicket(_)),
        "no search: n is a new ticket"
    );
    a.handle_key(code(KeyCode::Esc));
    a.handle_key(key('/'));
    a.handle_key(key('x'));
    a.handle_key(code(KeyCode::Enter));
    a.handle_response(Response::Search {
        query: "x".into(),
        tickets: three(),
        bounded: false,
    });
    assert!(
        a.footer_hints()
            .iter()
            .any(|(k, l, _)| k == "n" && *l == "next hit")
            || a.message.is_some()
    );
    assert_eq!(a.handle_key(key('n')), vec![Request::Detail(2)]);
    assert_eq!(a.handle_key(key('n')), vec![Request::Detail(3)]);
    assert_eq!(
        a.handle_key(key('n')),
        vec![Request::Detail(1)],
        "wraps round"
    );
    assert_eq!(a.handle_key(key('N')), vec![Request::Detail(3)]);
    assert!(matches!(a.mode, Mode::Normal));
    // Esc ends the search; n is a new ticket again.
    a.handle_key(code(KeyCode::Esc));
    a.handle_key(key('n'));
    assert!(matches!(a.mode, Mode::NewTicket(_)));
    // Both are in the one table: help and palette list them.
    assert!(palette_matches(crate::i18n::Lang::En, "hit").contains(&Action::NextHit));
}

#[test]
fn y_copies_the_ticket_number_and_summary() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('j'));
    a.handle_key(key('y'));
    assert_eq!(a.clipboard.as_deref(), Some("#2 second"));
}

#[test]
fn a_paste_arrives_whole_and_one_line_fields_stay_one_line() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: None,
    });
    let log: String = (0..300)
        .map(|i| format!("2026-03-06 10:00:{:02} ERROR line {i:04}\r\n", i % 60))
        .collect();
    assert!(log.len() >= 10_000);
    let reqs = a.handle_paste(&log);
    assert_eq!(reqs.len(), 1, "one draft save for the whole paste");
    a.handle_key(key('!'));
    let Mode::Editor(e) = &a.mode else { panic!() };
    assert_eq!(e.text(), format!("{}!", log.replace("\r\n", "\n")));
    // The new-ticket form: a two-line paste into the summary stays in the summary.
    let mut b = app();
    b.handle_key(key('n'));
    for _ in 0..3 {
        b.handle_key(code(KeyCode::Tab));
    }
    b.handle_paste("Disk full\non node 3");
    let Mode::NewTicket(f) = &b.mode else {
        panic!()
    };
    assert_eq!(f.summary, "Disk full on node 3");
    assert_eq!(f.field(), FormField::Summary);
    assert!(f.description.is_empty());
}

#[test]
fn severity_picker_greys_out_levels_the_kind_cannot_have() {
    let mut a = app();
    let mut billing = ticket(1, "Invoice wrong", Some(600));
    billing.kind = TicketKind::Billing;
    load(&mut a, vec![billing]);
    a.handle_key(key('e'));
    let Mode::Pick(p) = &a.mode else { panic!() };
    assert!(p.disabled_reason(0).is_some(), "S1 is not for billing");
    assert!(p.disabled_reason(1).is_none());
    a.handle_key(key('k'));
    assert!(a.handle_key(code(KeyCode::Enter)).is_empty(), "S1 refused");
    assert!(matches!(a.mode, Mode::Pick(_)));
}

#[test]
fn a_write_answers_with_the_fresh_row_and_one_reload_of_each_list() {
    let mut a = app();
    load(&mut a, three());
    let mut fresh = three()[1].clone();
    fresh.version = 7;
    fresh.summary = "fresh from the write".into();
    let reqs = a.handle_response(Response::Written {
        message: "#2: open".into(),
        ticket_id: Some(fresh.id),
        fresh: Some((
            Box::new(TicketDetail {
                ticket: Some(fresh.clone()),
                ..Default::default()
            }),
            vec![],
        )),
    });
    // The written ticket is shown at once: no second trip for it.
    assert!(
        !reqs.iter().any(|r| matches!(r, Request::Detail(_))),
        "{reqs:?}"
    );
    let shown = a.detail.as_ref().and_then(|d| d.ticket.as_ref()).unwrap();
    assert_eq!(
        (shown.version, shown.summary.as_str()),
        (7, "fresh from the write")
    );
    // Each list is reloaded exactly once.
    assert_eq!(
        reqs.iter().filter(|r| matches!(r, Request::Counts)).count(),
        1
    );
    assert_eq!(
        reqs.iter()
            .filter(|r| matches!(r, Request::Sla { .. }))
            .count(),
        1
    );
}

#[test]
fn losing_the_server_keeps_the_editor_and_reconnecting_reloads_everything() {
    let mut a = app();
    load(&mut a, three());
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 1,
        kind: EntryKind::Reply,
        body: None,
    });
    a.handle_key(key('o'));
    a.handle_key(key('k'));
    assert!(
        a.handle_response(Response::Connection(Some("server unreachable".into())))
            .is_empty()
    );
    assert!(a.offline.is_some());
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("reconnecting"))
    );
    // A send that fails meanwhile keeps the text and says why.
    a.handle_key(ctrl('s'));
    a.handle_response(Response::Failed {
        message: "the connection to the server was lost".into(),
        conflict: false,
        ticket_id: Some(1),
    });
    assert!(matches!(&a.mode, Mode::Editor(e) if e.text() == "ok"));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("your text is kept"))
    );
    // Back: the notice goes, the editor stays, and everything on screen loads again.
    let reqs = a.handle_response(Response::Connection(None));
    assert!(a.offline.is_none());
    assert!(matches!(&a.mode, Mode::Editor(e) if e.text() == "ok"));
    assert!(reqs.contains(&Request::Orgs));
    assert!(reqs.contains(&Request::Counts));
    assert!(reqs.iter().any(|r| matches!(r, Request::Queue { .. })));
    assert!(reqs.iter().any(|r| matches!(r, Request::Sla { .. })));
}

#[test]
fn a_customer_answer_on_my_ticket_flashes_its_row_and_shows_in_detail() {
    let mut a = app();
    let mut mine = ticket(1, "mine", Some(600));
    mine.assignee = Some("alice".into());
    let mut theirs = ticket(2, "theirs", Some(900));
    theirs.assignee = Some("bob".into());
    load(
        &mut a,
        vec![mine.clone(), theirs, ticket(3, "nobody's", Some(1200))],
    );
    a.handle_response(detail_of(&mine));
    let entry = |entry_id, ticket_id: i64, who: Option<&str>| crate::store::CustomerEntry {
        entry_id,
        ticket_id,
        at: chrono::DateTime::UNIX_EPOCH,
        assignee: who.map(str::to_string),
    };
    // Someone else's and an unassigned ticket: nothing flashes, no bell.
    a.handle_response(Response::CustomerWrote(vec![
        entry(8, 2, Some("bob")),
        entry(7, 3, None),
    ]));
    assert!(!a.is_flashing(2) && !a.is_flashing(3));
    assert!(!a.ring_bell);
    a.handle_response(Response::CustomerWrote(vec![entry(9, 1, Some("alice"))]));
    assert!(a.is_flashing(1));
    assert!(!a.is_flashing(2));
    assert!(a.ring_bell);
    let (msg, error) = a.message.clone().expect("a message");
    assert!(!error && msg.contains("#1") && !msg.contains("#2"), "{msg}");
    // The change reloads the ticket shown in Detail; its answer carries the message.
    let reqs = a.handle_response(Response::ExternalChange);
    assert!(reqs.contains(&Request::Detail(1)), "{reqs:?}");
    let mut detail = TicketDetail {
        ticket: Some(mine.clone()),
        ..Default::default()
    };
    detail.conversation.push(crate::domain::ConversationEntry {
        id: 9,
        ticket_id: 1,
        kind: EntryKind::Reply,
        role: AuthorRole::Customer,
        author: "li.na@acme.example".into(),
        body: "still broken".into(),
        created_at: now(),
        merged_from: None,
    });
    a.handle_response(Response::Detail(Box::new(detail), vec![]));
    assert_eq!(
        a.detail.as_ref().map(|d| d.conversation.len()),
        Some(1),
        "the customer's message is in Detail"
    );
    // The flash ends like a breach's.
    a.tick(now() + Duration::seconds(20));
    assert!(!a.is_flashing(1));
}

pub(crate) fn triage_item(id: i64, from: &str, subject: &str) -> crate::store::TriageItem {
    crate::store::TriageItem {
        id,
        message_id: format!("m{id}@example.com"),
        from_name: Some("王芳".into()),
        from_address: from.into(),
        subject: subject.into(),
        body: format!("body of {subject}\nsecond line"),
        auto: None,
        received_at: now() - Duration::minutes(id),
        state: crate::store::TriageState::Waiting,
        ticket_id: None,
        reason: None,
        decided_by: None,
        decided_at: None,
        attachments: vec![],
    }
}

/// The Triage view with two items waiting and two organizations of different policy sets.
pub(crate) fn triage_app() -> App {
    let mut a = app();
    a.orgs.push(Organization {
        id: 2,
        name: "天翼客户".into(),
        policy_set: "ctyun".into(),
        plan: "business".into(),
        tz: "Asia/Shanghai".into(),
        created_at: now(),
        plan_since: now(),
        parent: None,
        parent_plan: None,
    });
    let reqs = a.handle_key(key('m'));
    assert_eq!(a.view, View::Triage);
    assert!(reqs.contains(&Request::Triage), "{reqs:?}");
    a.handle_response(Response::Triage(vec![
        triage_item(1, "stranger@unknown.example", "Who do I ask about billing?"),
        triage_item(2, "li.na@new-customer.cn", "[S2] 数据库无法连接"),
    ]));
    a
}

#[test]
fn triage_view_files_an_item_under_an_organization_with_a_severity() {
    let mut a = triage_app();
    assert_eq!(a.triage.selected_item().map(|i| i.id), Some(1));
    a.handle_key(key('j'));
    assert_eq!(a.triage.selected_item().map(|i| i.id), Some(2));
    a.handle_key(key('F'));
    let Mode::FileTriage(form) = &a.mode else {
        panic!("the file form: {:?}", a.mode)
    };
    assert_eq!((form.item_id, form.org, form.severity), (2, 0, 0));
    // → to the second organization (ctyun), Tab to severity, → to its first level.
    a.handle_key(code(KeyCode::Right));
    a.handle_key(code(KeyCode::Tab));
    a.handle_key(code(KeyCode::Right));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::FileTriage {
            id: 2,
            org: "天翼客户".into(),
            severity: Some("urgent".into()),
        }]
    );
    // A refusal keeps the form open with the store's reason.
    a.handle_response(Response::Failed {
        message: "severity urgent is not allowed".into(),
        conflict: false,
        ticket_id: None,
    });
    assert!(matches!(a.mode, Mode::FileTriage(_)));
    // The policy's default severity: ← back past the first level.
    a.handle_key(code(KeyCode::Left));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::FileTriage {
            id: 2,
            org: "天翼客户".into(),
            severity: None,
        }]
    );
    let reqs = a.handle_response(Response::TriageWritten {
        message: "triage item 2 filed as #7 under 天翼客户".into(),
        ticket: Some(7),
    });
    assert!(matches!(a.mode, Mode::Normal));
    assert!(reqs.contains(&Request::Triage) && reqs.contains(&Request::Counts));
    assert!(a.message.as_ref().is_some_and(|(m, _)| m.contains("#7")));
    // The item is gone from the next list; the selection stays in range.
    a.handle_response(Response::Triage(vec![triage_item(
        1,
        "stranger@unknown.example",
        "Who do I ask about billing?",
    )]));
    assert_eq!(a.triage.selected, 0);
}

#[test]
fn triage_view_discards_with_a_reason_and_esc_cancels() {
    let mut a = triage_app();
    a.handle_key(key('D'));
    assert!(matches!(a.mode, Mode::DiscardTriage { item_id: 1, .. }));
    // No reason: refused, still asking.
    assert!(a.handle_key(code(KeyCode::Enter)).is_empty());
    assert!(matches!(a.mode, Mode::DiscardTriage { .. }));
    assert!(a.message.as_ref().is_some_and(|(_, err)| *err));
    type_in(&mut a, "spam");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::DiscardTriage {
            id: 1,
            reason: "spam".into()
        }]
    );
    a.handle_response(Response::TriageWritten {
        message: "triage item 1 discarded".into(),
        ticket: None,
    });
    assert!(matches!(a.mode, Mode::Normal));
    // Esc closes the file form without a request; Esc again leaves the view; m toggles.
    a.handle_key(key('F'));
    assert!(a.handle_key(code(KeyCode::Esc)).is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    a.handle_key(code(KeyCode::Esc));
    assert_eq!(a.view, View::Tickets);
    a.handle_key(key('m'));
    assert_eq!(a.view, View::Triage);
    a.handle_key(key('m'));
    assert_eq!(a.view, View::Tickets);
    // Outside the view the triage keys say where they work.
    a.handle_key(key('F'));
    assert!(matches!(a.mode, Mode::Normal));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("Triage view (m)"))
    );
}

#[test]
fn triage_view_footer_lists_its_keys_and_reloads_on_outside_changes() {
    let mut a = triage_app();
    let hints: Vec<String> = a
        .footer_hints()
        .iter()
        .map(|(k, d, _)| format!("{k} {d}"))
        .collect();
    for want in ["F file", "D discard", "m tickets"] {
        assert!(hints.iter().any(|h| h == want), "{want} in {hints:?}");
    }
    let reqs = a.handle_response(Response::ExternalChange);
    assert!(reqs.contains(&Request::Triage), "{reqs:?}");
    a.handle_key(key('D'));
    let hints: Vec<String> = a
        .footer_hints()
        .iter()
        .map(|(k, d, _)| format!("{k} {d}"))
        .collect();
    assert!(hints.contains(&"Enter discard".to_string()), "{hints:?}");
    // The help overlay lists the triage keys.
    assert!(ACTIONS.iter().any(|x| x.action == Action::ShowTriage));
}
