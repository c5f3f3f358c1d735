//! Canned replies in the editor (issue 17 item 4), driven by keys and answers, no terminal.

use crossterm::event::KeyCode;

use super::tests::{app, code, ctrl, key, now, ticket, type_in};
use super::*;
use crate::reply_template::{ReplyTemplate, TemplateSource};

fn template(name: &str, body: &str, shared: bool) -> ReplyTemplate {
    ReplyTemplate {
        name: name.into(),
        body: body.into(),
        source: if shared {
            TemplateSource::Shared
        } else {
            TemplateSource::File(format!("/home/alice/.config/tuidesk/replies/{name}.md"))
        },
        updated_by: None,
        updated_at: None,
    }
}

/// An app with ticket 7 (requester 王芳, due in 10 minutes) open in the reply editor, the
/// editor holding "Hi " with the cursor after it.
fn editing() -> App {
    let mut a = app();
    let mut t = ticket(7, "数据库连接失败", Some(600));
    t.requester_name = Some("王芳".into());
    a.handle_response(Response::Queue {
        tickets: vec![t],
        keys: vec![SortKey(vec![7])],
        total: 1,
        select: None,
    });
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 7,
        kind: EntryKind::Reply,
        body: None,
    });
    type_in(&mut a, "Hi ");
    assert!(matches!(a.mode, Mode::Editor(_)));
    a
}

fn editor_text(a: &App) -> String {
    match &a.mode {
        Mode::Editor(e) => e.text(),
        other => panic!("not in the editor: {other:?}"),
    }
}

#[test]
fn ctrl_t_asks_for_templates_and_opens_the_picker_over_the_editor() {
    let mut a = editing();
    assert_eq!(a.handle_key(ctrl('t')), vec![Request::ReplyTemplates]);
    assert!(
        matches!(a.mode, Mode::Editor(_)),
        "the editor stays until they arrive"
    );
    a.handle_response(Response::ReplyTemplates(Ok(vec![
        template("ack", "thanks", false),
        template("escalate", "escalating", true),
    ])));
    let Mode::Templates(p) = &a.mode else {
        panic!("picker expected: {:?}", a.mode)
    };
    assert_eq!(p.matches().len(), 2);
    // Esc goes back to the editor with the text intact.
    a.handle_key(code(KeyCode::Esc));
    assert_eq!(editor_text(&a), "Hi ");
}

#[test]
fn enter_inserts_the_filled_template_at_the_cursor_and_saves_the_draft() {
    let mut a = editing();
    a.handle_key(ctrl('t'));
    a.handle_response(Response::ReplyTemplates(Ok(vec![
        template("ack", "ack {{ticket.id}}", false),
        template(
            "due",
            "{{customer.name}}, #{{ticket.id}} ({{ticket.summary}}): {{cursor}}\nwe answer by {{sla.due_customer}}.\n-- {{engineer.name}}",
            true,
        ),
    ])));
    // Typing filters by name; the one match is selected.
    type_in(&mut a, "du");
    let reqs = a.handle_key(code(KeyCode::Enter));
    let text = editor_text(&a);
    // now() is 10:00 UTC; due in 10 minutes; Acme is in Europe/Berlin (UTC+1 in March).
    assert_eq!(
        text,
        "Hi 王芳, #7 (数据库连接失败): \nwe answer by 2026-03-06 11:10 Europe/Berlin.\n-- alice"
    );
    assert_eq!(
        reqs,
        vec![Request::SaveDraft {
            ticket_id: 7,
            kind: "reply".into(),
            body: text.clone()
        }]
    );
    // The cursor sits where {{cursor}} was: typing lands there.
    a.handle_key(key('X'));
    assert!(
        editor_text(&a).starts_with("Hi 王芳, #7 (数据库连接失败): X\n"),
        "{}",
        editor_text(&a)
    );
    assert!(a.unsent_drafts.contains(&(7, EntryKind::Reply)));
}

#[test]
fn a_value_the_ticket_lacks_inserts_nothing_and_says_why() {
    let mut a = app();
    let mut t = ticket(8, "met already", None);
    t.first_response_at = Some(now());
    a.handle_response(Response::Queue {
        tickets: vec![t],
        keys: vec![SortKey(vec![8])],
        total: 1,
        select: None,
    });
    a.handle_key(key('r'));
    a.handle_response(Response::Draft {
        ticket_id: 8,
        kind: EntryKind::Reply,
        body: Some("draft".into()),
    });
    a.handle_key(ctrl('t'));
    a.handle_response(Response::ReplyTemplates(Ok(vec![template(
        "due",
        "by {{sla.due_customer}}",
        true,
    )])));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert!(reqs.is_empty());
    assert_eq!(editor_text(&a), "draft", "nothing inserted");
    let (msg, error) = a.message.clone().expect("a message");
    assert!(error && msg.contains("no running SLA target"), "{msg}");
}

#[test]
fn no_templates_or_a_bad_file_keep_the_editor_and_say_so() {
    let mut a = editing();
    a.handle_key(ctrl('t'));
    a.handle_response(Response::ReplyTemplates(Ok(Vec::new())));
    assert_eq!(editor_text(&a), "Hi ");
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("reply-template add"))
    );
    a.handle_key(ctrl('t'));
    a.handle_response(Response::ReplyTemplates(Err(
        "/x/replies/bad.md: unknown variable {{customer}} on line 1".into(),
    )));
    assert_eq!(editor_text(&a), "Hi ");
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, e)| *e && m.contains("bad.md"))
    );
}

#[test]
fn templates_arriving_after_the_editor_closed_open_nothing() {
    let mut a = editing();
    a.handle_key(ctrl('t'));
    // The engineer sent the reply meanwhile.
    a.mode = Mode::Normal;
    a.handle_response(Response::ReplyTemplates(Ok(vec![template(
        "ack", "x", true,
    )])));
    assert!(matches!(a.mode, Mode::Normal));
}
