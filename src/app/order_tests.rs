//! Orders and Report views driven by keys and answers, no terminal.

use chrono::{Duration, NaiveDate};
use crossterm::event::KeyCode;

use super::tests::{app, code, ctrl, key, now, type_in};
use super::*;
use crate::domain::{OrderKind, OrderRating, OrderStatus, Scenario};

pub(crate) fn ctyun_org(id: i64, name: &str, plan: &str) -> Organization {
    Organization {
        id,
        name: name.into(),
        policy_set: "ctyun".into(),
        plan: plan.into(),
        tz: "Asia/Shanghai".into(),
        created_at: now() - Duration::days(400),
        plan_since: now() - Duration::days(400),
        parent: None,
        parent_plan: None,
    }
}

pub(crate) fn order(id: i64, kind: OrderKind, status: OrderStatus, due_in: Option<i64>) -> Order {
    Order {
        id,
        org_id: 10,
        org: "北京长河智慧医疗科技有限公司".into(),
        tz: "Asia/Shanghai".into(),
        kind,
        status,
        level: (kind == OrderKind::EventAssurance).then_some(1),
        scenario: (kind == OrderKind::AvailabilityCheck).then_some(Scenario::Annual),
        month: (kind == OrderKind::MonthlyReport).then(|| YearMonth::new(2026, 2).unwrap()),
        start: (kind == OrderKind::EventAssurance)
            .then(|| NaiveDate::from_ymd_opt(2026, 3, 25).unwrap()),
        end: (kind == OrderKind::EventAssurance)
            .then(|| NaiveDate::from_ymd_opt(2026, 3, 27).unwrap()),
        note: String::new(),
        requested_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        due: due_in.map(|s| now() + Duration::seconds(s)),
        created_at: now() - Duration::days(5),
        created_by: "li.na".into(),
        completed_at: (status == OrderStatus::Completed).then(now),
        rejected_at: None,
        reject_reason: None,
        rating: None,
        attachments: Vec::new(),
        version: 1,
    }
}

/// An app in the Orders view with an enterprise CTyun organization and three orders.
pub(crate) fn orders_app() -> App {
    let mut a = app();
    a.orgs = vec![ctyun_org(10, "北京长河智慧医疗科技有限公司", "enterprise")];
    let reqs = a.handle_key(key('o'));
    assert!(reqs.contains(&Request::Orders), "{reqs:?}");
    let mut rated = order(3, OrderKind::MonthlyReport, OrderStatus::Completed, None);
    rated.rating = Some(OrderRating {
        speed: 5,
        quality: 4,
        feedback: "报告清晰，工单明细完整。".into(),
        rated_at: now(),
    });
    a.handle_response(Response::Orders(vec![
        order(
            1,
            OrderKind::EventAssurance,
            OrderStatus::Processing,
            Some(-60),
        ),
        order(
            2,
            OrderKind::AvailabilityCheck,
            OrderStatus::Completed,
            None,
        ),
        rated,
    ]));
    a
}

#[test]
fn o_switches_to_orders_and_back_and_esc_returns_to_tickets() {
    let mut a = app();
    assert_eq!(a.view, View::Tickets);
    a.handle_key(key('o'));
    assert_eq!(a.view, View::Orders);
    a.handle_key(key('o'));
    assert_eq!(a.view, View::Tickets);
    a.handle_key(key('o'));
    a.handle_key(code(KeyCode::Esc));
    assert_eq!(a.view, View::Tickets);
    let reqs = a.handle_key(key('R'));
    assert_eq!(a.view, View::Report);
    assert_eq!(
        reqs,
        vec![Request::Report(YearMonth::of(now().date_naive()))]
    );
}

#[test]
fn footer_and_help_name_the_orders_key() {
    let mut a = app();
    assert!(
        a.footer_hints()
            .iter()
            .any(|(k, d, _)| k == "o" && *d == "orders")
    );
    a.handle_key(key('o'));
    let hints = a.footer_hints();
    for label in ["new order", "complete", "reject", "rate", "tickets"] {
        assert!(
            hints.iter().any(|(_, d, _)| *d == label),
            "{label}: {hints:?}"
        );
    }
    assert!(palette_matches(crate::i18n::Lang::En, "orders").contains(&Action::ShowOrders));
    assert!(palette_matches(crate::i18n::Lang::En, "rate").contains(&Action::RateOrder));
}

#[test]
fn moving_and_states_follow_deadlines() {
    let mut a = orders_app();
    assert_eq!(a.orders.selected_order().map(|o| o.id), Some(1));
    let first = a.orders.orders[0].clone();
    assert_eq!(a.order_state(&first), RowState::Breached);
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    assert_eq!(a.orders.selected_order().map(|o| o.id), Some(3));
    a.handle_key(key('g'));
    assert_eq!(a.orders.selected, 0);
    // An order due far ahead runs; near its deadline (last quarter of the span) it is at risk.
    let mut o = order(
        9,
        OrderKind::EventAssurance,
        OrderStatus::Processing,
        Some(86_400 * 5),
    );
    assert_eq!(order_row_state(&o, now(), 0.75), RowState::Running);
    o.due = Some(now() + Duration::hours(12));
    assert_eq!(order_row_state(&o, now(), 0.75), RowState::AtRisk);
}

#[test]
fn complete_asks_then_requests_and_monthly_reports_can_attach_the_report() {
    let mut a = orders_app();
    a.handle_key(key('C'));
    let Mode::Pick(p) = &a.mode else {
        panic!("expected a picker, got {:?}", a.mode)
    };
    assert_eq!(p.items.len(), 1, "event assurance has no report to attach");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::CompleteOrder {
            id: 1,
            attach_report: false
        }]
    );
    // A monthly report in processing offers the report as its deliverable.
    a.handle_response(Response::Orders(vec![order(
        5,
        OrderKind::MonthlyReport,
        OrderStatus::Processing,
        Some(3600),
    )]));
    a.handle_key(key('C'));
    let Mode::Pick(p) = &a.mode else {
        panic!("expected a picker, got {:?}", a.mode)
    };
    assert_eq!(p.items.len(), 2, "{:?}", p.items);
    a.handle_key(key('j'));
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::CompleteOrder {
            id: 5,
            attach_report: true
        }]
    );
}

#[test]
fn completing_or_rejecting_a_closed_order_is_refused_with_a_message() {
    let mut a = orders_app();
    a.handle_key(key('j')); // a completed order
    assert!(a.handle_key(key('C')).is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("already completed"))
    );
    assert!(a.handle_key(key('X')).is_empty());
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn reject_needs_a_reason() {
    let mut a = orders_app();
    a.handle_key(key('X'));
    assert!(matches!(a.mode, Mode::RejectOrder { order_id: 1, .. }));
    assert!(
        a.handle_key(code(KeyCode::Enter)).is_empty(),
        "blank reason refused"
    );
    assert!(a.message.as_ref().is_some_and(|(_, err)| *err));
    type_in(&mut a, "dates moved");
    let reqs = a.handle_key(code(KeyCode::Enter));
    assert_eq!(
        reqs,
        vec![Request::RejectOrder {
            id: 1,
            reason: "dates moved".into()
        }]
    );
    // The answer closes the prompt and reloads the list, keeping the order selected.
    let reqs = a.handle_response(Response::OrderWritten {
        message: "order #1 rejected".into(),
        order_id: 1,
    });
    assert!(matches!(a.mode, Mode::Normal));
    assert_eq!(reqs, vec![Request::Orders]);
}

#[test]
fn rating_validates_stars_and_500_characters_of_feedback() {
    let mut a = orders_app();
    // Only completed, unrated orders can be rated.
    a.handle_key(key('*'));
    assert!(matches!(a.mode, Mode::Normal));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("only completed"))
    );
    a.handle_key(key('G'));
    a.handle_key(key('*'));
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("already rated"))
    );
    a.handle_key(key('k'));
    a.handle_key(key('*'));
    let Mode::RateOrder(f) = &a.mode else {
        panic!("expected the rating form")
    };
    // Unset until entered: saving now is refused and says what is missing.
    assert_eq!((f.speed, f.quality), (0, 0));
    assert!(
        a.handle_key(ctrl('s')).is_empty(),
        "an unset rating is refused"
    );
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("not rated yet"))
    );
    a.handle_key(key('3')); // speed 3
    a.handle_key(code(KeyCode::Tab));
    a.handle_key(code(KeyCode::Left)); // quality from unset: 1
    for _ in 0..3 {
        a.handle_key(code(KeyCode::Right)); // 4
    }
    a.handle_key(code(KeyCode::Tab));
    type_in(&mut a, &"好".repeat(501));
    assert!(a.handle_key(ctrl('s')).is_empty(), "501 characters refused");
    assert!(
        a.message
            .as_ref()
            .is_some_and(|(m, err)| *err && m.contains("500"))
    );
    a.handle_key(code(KeyCode::Backspace));
    let reqs = a.handle_key(ctrl('s'));
    assert_eq!(
        reqs,
        vec![Request::RateOrder {
            id: 2,
            speed: 3,
            quality: 4,
            feedback: "好".repeat(500),
        }]
    );
}

#[test]
fn new_order_form_validates_inline_by_the_plan_rules() {
    let mut a = orders_app();
    let reqs = a.handle_key(key('n'));
    assert!(reqs.contains(&Request::Orgs));
    let Mode::NewOrder(form) = &a.mode else {
        panic!("expected the order form")
    };
    assert_eq!(form.kind, OrderKind::EventAssurance);
    // Level 1 needs 14 days' notice; now() is 2026-03-06 in Shanghai.
    a.handle_key(code(KeyCode::Tab)); // kind
    a.handle_key(code(KeyCode::Tab)); // level (3)
    a.handle_key(code(KeyCode::Right)); // wraps to 1
    a.handle_key(code(KeyCode::Tab));
    type_in(&mut a, "2026-03-19");
    a.handle_key(code(KeyCode::Tab));
    type_in(&mut a, "2026-03-20");
    assert!(a.handle_key(ctrl('s')).is_empty());
    let msg = a.message.clone().map(|(m, _)| m).unwrap_or_default();
    assert!(msg.contains("14 days' notice"), "{msg}");
    // One more day of notice is enough.
    a.handle_key(code(KeyCode::BackTab));
    for _ in 0..10 {
        a.handle_key(code(KeyCode::Backspace));
    }
    type_in(&mut a, "2026-03-20");
    let reqs = a.handle_key(ctrl('s'));
    let [Request::CreateOrder(new)] = reqs.as_slice() else {
        panic!("expected a create request, got {reqs:?}")
    };
    assert_eq!(new.org, "北京长河智慧医疗科技有限公司");
    assert_eq!(new.request.level, Some(1));
    assert_eq!(new.request.start, NaiveDate::from_ymd_opt(2026, 3, 20));
    // A refusal from the store keeps the form open with the engineer's input.
    a.handle_response(Response::Failed {
        message: "quota used".into(),
        conflict: false,
        ticket_id: None,
    });
    assert!(matches!(a.mode, Mode::NewOrder(_)));
    // Esc with text asks first.
    a.handle_key(code(KeyCode::Esc));
    assert!(matches!(&a.mode, Mode::NewOrder(f) if f.confirm_discard));
    a.handle_key(key('y'));
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn report_months_step_and_answers_are_kept() {
    let mut a = app();
    a.handle_key(key('R'));
    let month = a.report.month;
    assert_eq!(a.handle_key(key('[')), vec![Request::Report(month.prev())]);
    assert_eq!(a.handle_key(key(']')), vec![Request::Report(month)]);
    let report = crate::report::MonthlyReport::new(month, now(), Vec::new());
    a.handle_response(Response::Report(Box::new(report)));
    assert!(!a.report.loading);
    assert!(a.report.report.is_some());
    // Another process changed the database: the report is reloaded.
    let reqs = a.handle_response(Response::ExternalChange);
    assert!(reqs.contains(&Request::Report(month)));
}

#[test]
fn report_rows_scroll_with_j_and_k_within_bounds() {
    use crate::report::{ReportOrg, build_org_report};
    let mut a = app();
    a.queue.height = 2; // two table rows fit
    a.handle_key(key('R'));
    let month = a.report.month;
    let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let sev = vec!["urgent".to_string()];
    let orgs = (0..4)
        .map(|i| {
            let name = format!("org{i}");
            build_org_report(
                &ReportOrg {
                    name: &name,
                    plan: "enterprise",
                    plan_label: "Enterprise",
                    tz,
                    severities: &sev,
                },
                month,
                &[],
                now(),
            )
        })
        .collect();
    a.handle_response(Response::Report(Box::new(
        crate::report::MonthlyReport::new(month, now(), orgs),
    )));
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    a.handle_key(key('j'));
    assert_eq!(
        a.report.scroll, 2,
        "stops when the last organization is in view"
    );
    a.handle_key(key('k'));
    assert_eq!(a.report.scroll, 1);
    a.handle_key(key('g'));
    assert_eq!(a.report.scroll, 0);
    // A new month starts at the top.
    a.handle_key(key('G'));
    a.handle_key(key('['));
    assert_eq!(a.report.scroll, 0);
}
