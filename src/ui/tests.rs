//! Rendering tests on ratatui's TestBackend: snapshots of whole screens (insta) and checks
//! of the styles that carry SLA state.

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::*;
use crate::app::tests::{app, now, ticket};
use crate::app::{App, Response};
use crate::domain::{AuditEvent, ConversationEntry, EntryKind, Status};
use crate::store::{SortKey, TicketDetail};

fn buffer_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = crate::text::display_width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

/// A queue with every state: breached, at-risk, running, paused, met, CJK and hostile text.
fn busy_app() -> App {
    let mut a = app();
    let mut breached = ticket(11, "Production down: TiKV stores crash-looping", Some(-753));
    breached.org = "Banco Ipê Digital".into();
    breached.severity = "S1".into();
    let mut risk = ticket(12, "数据库连接失败，订单写入超时", Some(600));
    risk.org = "杭州云栈信息技术有限公司".into();
    risk.severity = "urgent".into();
    risk.assignee = Some("chen.wei".into());
    let running = ticket(13, "接続がタイムアウトしました (TiDB v7.5.1)", Some(5400));
    let mut paused = ticket(14, "Waiting for slow query log", None);
    paused.status = Status::Pending;
    paused.paused_seconds_left = Some(3 * 3600 + 120);
    let mut met = ticket(15, "Invoice for November is wrong", None);
    met.status = Status::Open;
    met.first_response_at = Some(now());
    met.kind = crate::domain::TicketKind::Billing;
    let mut hostile = ticket(
        16,
        "evil \u{1b}]0;pwned\u{7} title \u{1b}[2J clear \u{202e}gnp.exe",
        Some(7200),
    );
    hostile.org = "Mallory \u{1b}[31mInc".into();
    let tickets = vec![breached, risk, running, paused, met, hostile];
    let keys = tickets.iter().map(|t| SortKey(vec![t.id])).collect();
    a.queue.height = 10;
    a.handle_response(Response::Queue {
        tickets: tickets.clone(),
        keys,
        total: 6,
        select: None,
    });
    a.counts = crate::store::UrgencyCounts {
        active: 6,
        at_risk: 1,
        breached: 1,
        next_change: None,
    };
    // The SLA pane recomputes these with the engine on every tick.
    let sla_items = tickets[..2]
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.severity = "S1".into();
            let opened = t.next_due.unwrap() - Duration::hours(1);
            t.created_at = opened;
            crate::app::SlaItem {
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
        })
        .collect();
    a.handle_response(Response::Sla(sla_items));
    let mut detail_ticket = tickets[1].clone();
    detail_ticket.description = "今天 13:22 主备切换后应用报错：\n    ERROR 1040 (HY000): Too many connections\n已尝试重启部分应用实例。".into();
    a.handle_response(Response::Detail(
        Box::new(TicketDetail {
            ticket: Some(detail_ticket),
            conversation: vec![
                ConversationEntry {
                    id: 1,
                    ticket_id: 12,
                    kind: EntryKind::Reply,
                    role: crate::domain::AuthorRole::Engineer,
                    author: "chen.wei".into(),
                    body: "我们正在排查，请提供慢日志。".into(),
                    created_at: now(),
                    merged_from: None,
                },
                ConversationEntry {
                    id: 2,
                    ticket_id: 12,
                    kind: EntryKind::Note,
                    role: crate::domain::AuthorRole::Engineer,
                    author: "chen.wei".into(),
                    body: "Looks like a reconnect storm \u{1b}[2J".into(),
                    created_at: now(),
                    merged_from: None,
                },
            ],
            events: vec![AuditEvent {
                id: 1,
                ticket_id: Some(12),
                org_id: None,
                actor: "bot".into(),
                actor_source: "as".into(),
                imported: false,
                at: now(),
                field: "severity".into(),
                old: Some("general".into()),
                new: Some("urgent".into()),
            }],
            pauses: vec![],
            assurance: vec![],
            mail: vec![],
        }),
        vec!["reply".into()],
    ));
    a
}

#[test]
fn full_screen_120x40() {
    let a = busy_app();
    let buf = render(&a, 120, 40);
    insta::assert_snapshot!("full_120x40", buffer_text(&buf));
}

#[test]
fn small_80x24_keeps_three_panes() {
    let a = busy_app();
    let text = buffer_text(&render(&a, 80, 24));
    for title in ["Queue", "Detail", "SLA"] {
        assert!(text.contains(title), "{title} missing:\n{text}");
    }
    insta::assert_snapshot!("small_80x24", text);
}

#[test]
fn tiny_60x15_still_draws() {
    let a = busy_app();
    let text = buffer_text(&render(&a, 60, 15));
    assert!(text.contains("Queue"));
    insta::assert_snapshot!("tiny_60x15", text);
}

#[test]
fn too_small_asks_for_room() {
    let a = busy_app();
    let text = buffer_text(&render(&a, 30, 8));
    assert!(text.contains("needs at least"), "{text}");
}

fn row_of(buf: &Buffer, needle: &str) -> u16 {
    let text = buffer_text(buf);
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not on screen:\n{text}")) as u16
}

#[test]
fn states_have_distinct_styles() {
    let a = busy_app();
    let buf = render(&a, 120, 40);
    let breached_row = row_of(&buf, "-00:12:33");
    let cell = &buf[(10, breached_row)];
    assert_eq!(cell.fg, Color::Red);
    assert!(cell.modifier.contains(Modifier::BOLD));
    let risk_row = row_of(&buf, "00:10:00");
    assert_eq!(buf[(10, risk_row)].fg, Color::Yellow);
    let paused_row = row_of(&buf, "03:02:00");
    assert!(buf[(10, paused_row)].modifier.contains(Modifier::DIM));
    let text = buffer_text(&buf);
    assert!(text.contains("‼"), "breached symbol");
    assert!(text.contains("✓"), "met symbol");
    assert!(text.contains("⏸"), "paused symbol");
}

#[test]
fn no_color_keeps_states_apart_without_colour() {
    let mut a = busy_app();
    a.no_color = true;
    let buf = render(&a, 120, 40);
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "a coloured cell under NO_COLOR: {cell:?}"
        );
        assert!(
            matches!(cell.bg, Color::Reset),
            "a coloured cell under NO_COLOR: {cell:?}"
        );
    }
    let text = buffer_text(&buf);
    assert!(text.contains("‼") && text.contains("✓") && text.contains("⏸") && text.contains("!"));
    let breached_row = row_of(&buf, "-00:12:33");
    assert!(buf[(10, breached_row)].modifier.contains(Modifier::BOLD));
    insta::assert_snapshot!("no_color_120x40", text);
}

#[test]
fn hostile_text_is_inert_on_screen() {
    let a = busy_app();
    let buf = render(&a, 120, 40);
    for cell in buf.content() {
        for c in cell.symbol().chars() {
            assert!(!c.is_control(), "control char {c:?} reached the buffer");
            assert!(
                !crate::text::is_bidi_control(c),
                "bidi control reached the buffer"
            );
        }
    }
    let text = buffer_text(&buf);
    assert!(text.contains("␛"), "escape shown as a placeholder:\n{text}");
    for (name, sample) in crate::text::HOSTILE_SAMPLES {
        let mut b = app();
        let t = ticket(1, sample, Some(60));
        b.handle_response(Response::Queue {
            tickets: vec![t],
            keys: vec![SortKey(vec![1])],
            total: 1,
            select: None,
        });
        let buf = render(&b, 100, 30);
        for cell in buf.content() {
            assert!(
                cell.symbol()
                    .chars()
                    .all(|c| !c.is_control() && !crate::text::is_bidi_control(c)),
                "{name}"
            );
        }
    }
}

#[test]
fn cjk_rows_line_up() {
    let a = busy_app();
    let buf = render(&a, 120, 40);
    let text = buffer_text(&buf);
    // Every queue row ends its border at the same column, CJK or not.
    let widths: Vec<usize> = text
        .lines()
        .filter(|l| l.starts_with('│') && (l.contains("数据库") || l.contains("Production")))
        .map(crate::text::display_width)
        .collect();
    assert!(widths.len() >= 2);
    assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}\n{text}");
}

#[test]
fn overlays_render() {
    let mut a = busy_app();
    a.handle_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('?'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let text = buffer_text(&render(&a, 100, 40));
    assert!(
        text.contains("Full-text search") && text.contains("(cycle-sort)"),
        "{text}"
    );
    insta::assert_snapshot!("help_100x40", text);
    let mut a = busy_app();
    a.handle_response(Response::Draft {
        ticket_id: 12,
        kind: EntryKind::Note,
        body: Some("半分書いたメモ".into()),
    });
    let text = buffer_text(&render(&a, 100, 30));
    assert!(
        text.contains("Internal note") && text.contains("半分書いたメモ"),
        "{text}"
    );
}

#[test]
fn flashing_row_is_reversed_on_even_seconds() {
    let mut a = app();
    let t = ticket(1, "soon", Some(1));
    a.handle_response(Response::Queue {
        tickets: vec![t],
        keys: vec![SortKey(vec![1])],
        total: 1,
        select: None,
    });
    a.tick(now() + Duration::seconds(2));
    assert!(a.is_flashing(1));
    let buf = render(&a, 100, 30);
    let r = row_of(&buf, "soon");
    assert!(buf[(10, r)].modifier.contains(Modifier::REVERSED));
}

// ------------------------------------------------------------------ Orders and Report views

fn orders_screen() -> App {
    let mut a = crate::app::order_tests::orders_app();
    a.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('G'),
    ));
    a
}

fn assert_inert(buf: &Buffer) {
    for cell in buf.content() {
        for c in cell.symbol().chars() {
            assert!(!c.is_control(), "control char {c:?} reached the buffer");
            assert!(
                !crate::text::is_bidi_control(c),
                "bidi control reached the buffer"
            );
        }
    }
}

#[test]
fn orders_view_shows_deadlines_states_and_cjk_feedback() {
    let mut a = orders_screen();
    // Hostile customer feedback stays inert.
    if let Some(r) = a.orders.orders[2].rating.as_mut() {
        r.feedback.push_str(" \u{1b}[2J\u{202e}evil");
    }
    let buf = render(&a, 120, 40);
    assert_inert(&buf);
    let text = buffer_text(&buf);
    assert!(text.contains("Orders · 1 processing · 3 shown"), "{text}");
    assert!(
        text.contains("报告清晰，工单明细完整。"),
        "CJK feedback shown:\n{text}"
    );
    assert!(text.contains("★★★★★ 5/5") && text.contains("★★★★☆ 4/5"));
    // The overdue event assurance is drawn breached (red, bold) with a negative countdown.
    let row = row_of(&buf, "-00:01:00");
    let cell = &buf[(3, row)];
    assert_eq!(cell.fg, Color::Red);
    assert!(cell.modifier.contains(Modifier::BOLD));
    insta::assert_snapshot!("orders_120x40", text);
}

#[test]
fn orders_view_without_colour_and_at_80x24() {
    let mut a = orders_screen();
    a.no_color = true;
    let buf = render(&a, 80, 24);
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset));
    }
    let text = buffer_text(&buf);
    assert!(
        text.contains("‼"),
        "breached order keeps its symbol:\n{text}"
    );
    insta::assert_snapshot!("orders_no_color_80x24", text);
}

#[test]
fn order_forms_render() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut a = crate::app::order_tests::orders_app();
    a.handle_key(KeyEvent::from(KeyCode::Char('n')));
    let text = buffer_text(&render(&a, 100, 30));
    assert!(text.contains("New service order"), "{text}");
    assert!(
        text.contains("event assurance needs a start date"),
        "inline rule shown:\n{text}"
    );
    insta::assert_snapshot!("order_form_100x30", text);
    a.handle_key(KeyEvent::from(KeyCode::Esc));
    a.handle_key(KeyEvent::from(KeyCode::Char('j')));
    a.handle_key(KeyEvent::from(KeyCode::Char('*')));
    for c in "响应及时".chars() {
        a.handle_key(KeyEvent::from(KeyCode::Tab));
        a.handle_key(KeyEvent::from(KeyCode::Tab));
        a.handle_key(KeyEvent::from(KeyCode::Char(c)));
        a.handle_key(KeyEvent::from(KeyCode::Tab));
    }
    let text = buffer_text(&render(&a, 100, 30));
    assert!(text.contains("Rate order #2"), "{text}");
    assert!(text.contains("Feedback 4/500"), "{text}");
    insta::assert_snapshot!("rate_form_100x30", text);
}

fn report_app() -> App {
    use crate::report::{
        ReportOrg, ReportTicket, TargetVerdicts, Verdict, build_org_report_judged,
    };
    let mut a = app();
    a.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('R'),
    ));
    let month = a.report.month;
    let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let severities = vec!["urgent".to_string(), "general".to_string()];
    let start = now() - Duration::days(4);
    let tickets: Vec<ReportTicket> = (0..12)
        .map(|i| {
            let created = start + Duration::hours(i * 7);
            ReportTicket {
                id: 100 + i,
                summary: format!("数据库连接失败 #{i}"),
                kind: crate::domain::TicketKind::Technical,
                severity: severities[(i % 2) as usize].clone(),
                plan: if i % 3 == 0 { "business" } else { "enterprise" }.into(),
                created_at: created,
                resolved_at: Some(created + Duration::hours(3)),
                first_response_at: Some(created + Duration::minutes(5 + i * 2)),
                first_response_due: Some(created + Duration::minutes(10 + (i % 2) * 20)),
                first_response_verdict: None,
                tags: if i % 4 == 0 {
                    vec!["bug".into()]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    // Next response: every fourth ticket breached (75%); resolution: all met.
    let judged = tickets
        .iter()
        .map(|t| {
            let nr = if t.id % 4 == 0 {
                Verdict::Breached
            } else {
                Verdict::Met
            };
            (
                t.id,
                TargetVerdicts {
                    next_response: nr,
                    resolution: Verdict::Met,
                },
            )
        })
        .collect();
    let org = build_org_report_judged(
        &ReportOrg {
            name: "北京长河智慧医疗科技有限公司",
            plan: "enterprise",
            plan_label: "Enterprise 企业级",
            tz,
            severities: &severities,
        },
        month,
        &tickets,
        &judged,
        now(),
    );
    a.handle_response(Response::Report(Box::new(
        crate::report::MonthlyReport::new(month, now(), vec![org]),
    )));
    a
}

#[test]
fn report_view_draws_the_table_and_both_charts() {
    let a = report_app();
    let buf = render(&a, 120, 40);
    assert_inert(&buf);
    let text = buffer_text(&buf);
    assert!(
        text.contains("First-response attainment · plan × severity"),
        "{text}"
    );
    assert!(text.contains("Attainment % per day"), "{text}");
    assert!(text.contains("北京长河智慧医疗科技有限公司"));
    let org_row = text
        .lines()
        .find(|l| l.contains("北京长河") && l.contains("enterprise"))
        .unwrap_or_default();
    assert!(
        text.contains("NEXT  RESOL") && org_row.trim_end_matches('│').ends_with("75%   100%"),
        "next-response and resolution attainment: {org_row}\n{text}"
    );
    assert!(text.contains("enterprise/urgent"), "{text}");
    assert!(
        text.contains("tags (opened this month): bug "),
        "tag counts in the Report view: {text}"
    );
    assert!(
        !text.contains("SLA ·"),
        "the charts take the SLA pane's room"
    );
    insta::assert_snapshot!("report_120x40", text);
    let mut plain = report_app();
    plain.no_color = true;
    let buf = render(&plain, 120, 40);
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset));
    }
}

// ------------------------------------------------------------------ issue 13: the TUI items

fn sizes() -> [(u16, u16); 3] {
    [(60, 15), (80, 24), (120, 40)]
}

#[test]
fn a_paused_ticket_shows_its_symbol_once() {
    let a = busy_app();
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        let row = text
            .lines()
            .find(|l| l.contains("03:02:00"))
            .unwrap_or_else(|| panic!("paused row at {w}x{h}:\n{text}"));
        assert_eq!(row.matches('⏸').count(), 1, "{w}x{h}: {row}");
    }
}

#[test]
fn header_and_sla_title_count_every_breached_ticket() {
    let mut a = busy_app();
    // Twelve breached in the database, two rows fit in the SLA pane.
    a.counts.breached = 12;
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        let header = text.lines().next().unwrap_or_default();
        assert!(
            header.contains("‼ 12 breached open"),
            "{w}x{h} header: {header}"
        );
        assert!(text.contains("SLA · 12 breached"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn footer_keeps_help_at_80_columns() {
    let a = busy_app();
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        let footer = text.lines().last().unwrap_or_default();
        assert!(footer.contains("? help"), "{w}x{h} footer: {footer}");
    }
}

#[test]
fn report_at_60_columns_cuts_text_never_digits() {
    let a = report_app();
    let r = a.report.report.as_ref().unwrap();
    let org = &r.orgs[0];
    let fr = &org.first_response;
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        let row = text
            .lines()
            .find(|l| l.contains("北京"))
            .unwrap_or_else(|| panic!("{w}x{h}:\n{text}"));
        // Every figure shown stands whole (no "…" next to a digit) and the key ones are there.
        assert!(
            !row.chars()
                .collect::<Vec<_>>()
                .windows(2)
                .any(|p| (p[0].is_ascii_digit() && p[1] == '…')
                    || (p[0] == '…' && p[1].is_ascii_digit())),
            "{w}x{h}: {row}"
        );
        let attain = format!(
            "{}%",
            (fr.met * 100 + (fr.met + fr.breached) / 2) / (fr.met + fr.breached)
        );
        for figure in [fr.met.to_string(), fr.breached.to_string(), attain] {
            assert!(
                row.split_whitespace()
                    .any(|c| c.trim_matches('│') == figure),
                "{w}x{h}: {figure} missing in {row}"
            );
        }
        let title = text.lines().nth(1).unwrap_or_default();
        assert!(
            !title.contains("…"),
            "{w}x{h}: the title is not cut mid-figure: {title}"
        );
        if w == 60 {
            insta::assert_snapshot!("report_60x15", text);
        }
    }
}

#[test]
fn popups_over_cjk_text_keep_their_borders() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut a = busy_app();
    a.handle_key(KeyEvent::from(KeyCode::Tab)); // Detail: actions act on #12 (CJK)
    a.handle_key(KeyEvent::from(KeyCode::Char('t')));
    for (w, h) in sizes() {
        let buf = render(&a, w, h);
        let text = buffer_text(&buf);
        // The popup's left border column: where its top-left corner is.
        let (top, left) = text
            .lines()
            .enumerate()
            .find_map(|(y, l)| {
                l.contains("Status of #12").then(|| {
                    let x = (0..w)
                        .find(|&x| buf[(x, y as u16)].symbol() == "┌")
                        .unwrap();
                    (y as u16, x)
                })
            })
            .unwrap_or_else(|| panic!("{w}x{h}: no status popup:\n{text}"));
        let mut y = top + 1;
        while buf[(left, y)].symbol() != "└" {
            assert_eq!(buf[(left, y)].symbol(), "│", "{w}x{h} row {y}:\n{text}");
            // And nothing wide to its left would draw over it.
            assert!(
                display_width(buf[(left - 1, y)].symbol()) <= 1,
                "{w}x{h} row {y}"
            );
            y += 1;
        }
        assert!(
            text.contains("数据库连接失败"),
            "{w}x{h}: the title names the summary"
        );
        insta::assert_snapshot!(format!("status_popup_over_cjk_{w}x{h}"), text);
    }
}

#[test]
fn a_long_refusal_is_shown_whole_at_80_columns() {
    let mut a = busy_app();
    let msg = "ticket 12 changed under you: bob set status new → open and assignee - → bob at 2026-03-06 10:00 UTC; reload (Ctrl-r) and try again";
    a.handle_response(Response::Failed {
        message: msg.into(),
        conflict: true,
        ticket_id: Some(12),
    });
    let text = buffer_text(&render(&a, 80, 24));
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains(msg), "{text}");
    insta::assert_snapshot!("refusal_80x24", text);
}

#[test]
fn detail_keeps_blank_lines_and_shows_zoned_times() {
    let mut a = busy_app();
    a.local_tz = Some(chrono_tz::Europe::Paris);
    if let Some(d) = a.detail.as_mut() {
        if let Some(t) = d.ticket.as_mut() {
            t.description = "First paragraph.\n\nSecond paragraph.".into();
        }
        d.conversation[0].body = "Hello,\n\nplease send the log.".into();
        d.events.push(AuditEvent {
            id: 2,
            ticket_id: Some(12),
            org_id: None,
            actor: "chen.wei".into(),
            actor_source: "os".into(),
            imported: false,
            at: now(),
            field: "reply".into(),
            old: None,
            new: Some("#127".into()),
        });
        d.events.push(AuditEvent {
            id: 3,
            ticket_id: Some(12),
            org_id: None,
            actor: "chen.wei".into(),
            actor_source: "os".into(),
            imported: false,
            at: now(),
            field: "first_response".into(),
            old: None,
            new: Some("2026-03-06T10:00:00.123456789+00:00".into()),
        });
    }
    a.detail_scroll = 0;
    let text = buffer_text(&render(&a, 120, 60));
    let detail: Vec<&str> = text.lines().collect();
    let first = detail
        .iter()
        .position(|l| l.contains("First paragraph."))
        .unwrap();
    assert!(
        detail[first + 1]
            .trim_matches(|c| c == '│' || c == ' ')
            .is_empty(),
        "{text}"
    );
    assert!(detail[first + 2].contains("Second paragraph."), "{text}");
    let hello = detail.iter().position(|l| l.contains("│ Hello,")).unwrap();
    assert!(detail[hello + 2].contains("please send the log."), "{text}");
    assert!(
        text.contains("2026-03-06 11:00 CET"),
        "local times with the zone:\n{text}"
    );
    assert!(!text.contains("#127"), "no internal entry ids:\n{text}");
    assert!(!text.contains(".123456789"), "no raw RFC 3339:\n{text}");
    assert!(text.contains("replied to the customer"), "{text}");
    // The customer's local time now, and the due instant in both zones.
    assert!(
        text.contains("their time Fri 11:00 Europe/Berlin"),
        "{text}"
    );
    assert!(
        text.contains("due        2026-03-06 11:10 Europe/Berlin · 11:10 CET your time"),
        "{text}"
    );
    assert!(
        text.contains("11:00:00 CET"),
        "the header clock says its zone:\n{text}"
    );
}

#[test]
fn the_reply_editor_keeps_the_customers_last_message_in_view() {
    let mut a = busy_app();
    if let Some(d) = a.detail.as_mut() {
        d.conversation.push(ConversationEntry {
            id: 3,
            ticket_id: 12,
            kind: EntryKind::Reply,
            role: crate::domain::AuthorRole::Customer,
            author: "王先生".into(),
            body: "慢日志已上传，请查收。The slow log is attached.".into(),
            created_at: now(),
            merged_from: None,
        });
    }
    a.handle_response(Response::Draft {
        ticket_id: 12,
        kind: EntryKind::Reply,
        body: Some(format!(
            "Thanks. {}",
            "We are looking at the slow log now ".repeat(6)
        )),
    });
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        assert!(
            text.contains("#12"),
            "{w}x{h}: the editor names the ticket:\n{text}"
        );
        if h >= 24 {
            assert!(
                text.contains("慢日志已上传"),
                "{w}x{h}: customer's message:\n{text}"
            );
            assert!(
                text.contains("数据库连接失败"),
                "{w}x{h}: the summary:\n{text}"
            );
            // The long line wraps: its end is on screen, not scrolled off to the side.
            assert!(
                text.matches("We are looking").count() >= 2,
                "{w}x{h}: wrapped:\n{text}"
            );
        }
        insta::assert_snapshot!(format!("reply_editor_{w}x{h}"), text);
    }
}

#[test]
fn header_shows_the_demo_clock_speed() {
    let mut a = busy_app();
    a.clock_speed = 60.0;
    for (w, h) in sizes() {
        let header = buffer_text(&render(&a, w, h))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(header.contains("×60"), "{w}x{h}: {header}");
        assert!(header.contains("‼ 1 breached"), "{w}x{h}: {header}");
    }
}

#[test]
fn the_header_says_reconnecting_while_the_server_is_away() {
    let mut a = busy_app();
    let header = |a: &App, w| {
        buffer_text(&render(a, w, 30))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(!header(&a, 120).contains("reconnecting"));
    a.offline = Some("server unreachable".into());
    for w in [120, 60] {
        assert!(
            header(&a, w).contains("reconnecting"),
            "{w} columns: {}",
            header(&a, w)
        );
    }
}
// ------------------------------------------------------------------ themes (issue 17 item 10)

/// Each line's runs of non-default style as `x..x fg/bg/modifiers`, so a snapshot shows what
/// a palette paints where.
fn style_runs(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if c.fg == Color::Reset && c.bg == Color::Reset && c.modifier.is_empty() {
                continue;
            }
            let style = format!("{:?}/{:?}/{:?}", c.fg, c.bg, c.modifier);
            match runs.last_mut() {
                Some((_, end, s)) if *end + 1 == x && *s == style => *end = x,
                _ => runs.push((x, x, style)),
            }
        }
        if !runs.is_empty() {
            let line: Vec<String> = runs
                .iter()
                .map(|(a, b, s)| format!("{a}..{b} {s}"))
                .collect();
            out.push_str(&format!("{y:2}: {}\n", line.join(" · ")));
        }
    }
    out
}

fn themed(choice: crate::app::ThemeChoice) -> App {
    let mut a = busy_app();
    a.theme = choice;
    a
}

#[test]
fn the_light_theme_uses_no_colour_that_vanishes_on_a_light_background() {
    let a = themed(crate::app::ThemeChoice::Light);
    for (w, h) in [(80, 24), (120, 40)] {
        let buf = render(&a, w, h);
        for cell in buf.content() {
            // Light text is fine on a colour block of its own; on the terminal's (white)
            // background it vanishes.
            assert!(
                cell.bg != Color::Reset
                    || !matches!(
                        cell.fg,
                        Color::Yellow
                            | Color::LightYellow
                            | Color::Cyan
                            | Color::LightCyan
                            | Color::White
                            | Color::Gray
                            | Color::LightGreen
                    ),
                "a light-background-unreadable foreground at {w}x{h}: {cell:?}"
            );
        }
        let breached = &buf[(10, row_of(&buf, "-00:12:33"))];
        assert_eq!(breached.fg, Color::Red);
        assert!(breached.modifier.contains(Modifier::BOLD));
        let risk = &buf[(10, row_of(&buf, "00:10:00"))];
        assert_eq!(risk.fg, Color::Indexed(130), "at risk is dark amber");
        // States stay apart by symbol as well as colour.
        let text = buffer_text(&buf);
        assert!(text.contains('‼') && text.contains('!') && text.contains('⏸'));
        insta::assert_snapshot!(
            format!("light_{w}x{h}"),
            format!("{text}\n-- styles --\n{}", style_runs(&buf))
        );
    }
}

#[test]
fn the_high_contrast_theme_puts_states_on_solid_blocks_and_dims_nothing() {
    let a = themed(crate::app::ThemeChoice::HighContrast);
    for (w, h) in [(80, 24), (120, 40)] {
        let buf = render(&a, w, h);
        for cell in buf.content() {
            assert!(
                !cell.modifier.contains(Modifier::DIM),
                "dim text in high contrast: {cell:?}"
            );
            assert_ne!(cell.fg, Color::DarkGray, "grey text in high contrast");
        }
        let breached = &buf[(10, row_of(&buf, "-00:12:33"))];
        assert_eq!((breached.fg, breached.bg), (Color::White, Color::Red));
        let risk = &buf[(10, row_of(&buf, "00:10:00"))];
        assert_eq!((risk.fg, risk.bg), (Color::Black, Color::Yellow));
        insta::assert_snapshot!(
            format!("high_contrast_{w}x{h}"),
            format!("{}\n-- styles --\n{}", buffer_text(&buf), style_runs(&buf))
        );
    }
}

#[test]
fn no_color_wins_over_every_theme() {
    for choice in [
        crate::app::ThemeChoice::Dark,
        crate::app::ThemeChoice::Light,
        crate::app::ThemeChoice::HighContrast,
    ] {
        let mut a = themed(choice);
        a.no_color = true;
        let buf = render(&a, 120, 40);
        for cell in buf.content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{choice}: a coloured cell under NO_COLOR: {cell:?}"
            );
        }
    }
}

#[test]
fn the_palettes_differ_where_it_matters() {
    let dark = render(&themed(crate::app::ThemeChoice::Dark), 120, 40);
    let light = render(&themed(crate::app::ThemeChoice::Light), 120, 40);
    let risk = row_of(&dark, "00:10:00");
    assert_eq!(dark[(10, risk)].fg, Color::Yellow);
    assert_ne!(dark[(10, risk)].fg, light[(10, risk)].fg);
    assert_eq!(
        buffer_text(&dark),
        buffer_text(&light),
        "a theme changes styles, never text"
    );
}

// ------------------------------------------------------------------ Triage view

#[test]
fn triage_view_lists_the_inbox_and_shows_the_message_inert() {
    let mut a = crate::app::tests::triage_app();
    a.triage.items[0].subject.push_str(" \u{1b}[2J\u{202e}evil");
    a.triage.items[1]
        .body
        .push_str("\n\u{1b}]52;c;aGk=\u{7}stolen");
    a.triage.items[1].auto = None;
    for (w, h, name) in [(120, 40, "triage_120x40"), (80, 24, "triage_80x24")] {
        let buf = render(&a, w, h);
        assert_inert(&buf);
        let text = buffer_text(&buf);
        assert!(text.contains("Triage · 2 waiting"), "{text}");
        assert!(text.contains("stranger@unknown.example"), "{text}");
        assert!(text.contains("body of Who do I ask"), "{text}");
        assert!(
            text.contains("F file") && text.contains("D discard"),
            "{text}"
        );
        insta::assert_snapshot!(name, text);
    }
    a.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('F'),
    ));
    let buf = render(&a, 100, 30);
    let text = buffer_text(&buf);
    assert!(text.contains("File triage item 1"), "{text}");
    assert!(text.contains("Acme") && text.contains("as the subject and the policy say"));
    insta::assert_snapshot!("triage_file_100x30", text);
}

/// Issue 18: hits ranked within the newest matches say so in the queue's title, at every
/// size (the hit count gives way first on a narrow pane); a search below the bound does not.
#[test]
fn a_bounded_search_says_it_ranked_the_newest_matches() {
    let mut a = busy_app();
    a.queue.search = Some("invoice".into());
    a.handle_response(Response::Search {
        query: "invoice".into(),
        tickets: vec![ticket(15, "Invoice for November is wrong", None)],
        bounded: true,
    });
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        assert!(
            text.contains("search “invoice”") && text.contains("newest 5,000 matches ranked"),
            "{w}x{h}:\n{text}"
        );
    }
    let said = format!("{:?}", a.message);
    assert!(
        said.contains("1 hit, newest 5,000 matches ranked; n / N step"),
        "{said}"
    );
    a.handle_response(Response::Search {
        query: "invoice".into(),
        tickets: vec![ticket(15, "Invoice for November is wrong", None)],
        bounded: false,
    });
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        assert!(!text.contains("matches ranked"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("search “invoice” · 1 total"),
            "{w}x{h}:\n{text}"
        );
    }
}

/// More hits than the pane lists: the title says how many are shown, not a total, and the
/// list scrolls to keep the selected hit in view (the search list is loaded whole, not paged
/// by the app as the queue is).
#[test]
fn search_hits_scroll_with_the_selection_and_say_how_many_are_shown() {
    use crate::app::SEARCH_SHOWN;
    use crossterm::event::{KeyCode, KeyEvent};
    let mut a = busy_app();
    a.queue.search = Some("error".into());
    let hits: Vec<_> = (1..=SEARCH_SHOWN as i64 + 1)
        .map(|id| ticket(id, &format!("error number {id}"), None))
        .collect();
    a.handle_response(Response::Search {
        query: "error".into(),
        tickets: hits,
        bounded: false,
    });
    assert_eq!(a.queue.tickets.len(), SEARCH_SHOWN);
    let said = format!("{:?}", a.message);
    assert!(said.contains("first 200 hits, more match"), "{said}");
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        assert!(text.contains("200 shown"), "{w}x{h}:\n{text}");
        assert!(!text.contains("200 total"), "{w}x{h}:\n{text}");
    }
    // To the last hit: its row is on screen, marked as selected.
    a.handle_key(KeyEvent::from(KeyCode::Char('G')));
    assert_eq!(a.queue.selected, SEARCH_SHOWN - 1);
    for (w, h) in sizes() {
        let text = buffer_text(&render(&a, w, h));
        let row = text
            .lines()
            .find(|l| l.contains("▶"))
            .unwrap_or_else(|| panic!("{w}x{h}: no selected row\n{text}"));
        assert!(row.contains("200"), "{w}x{h}: {row}");
    }
    // A page up moves by the pane's height, not to the first hit.
    let before = a.queue.selected;
    a.handle_key(KeyEvent::from(KeyCode::PageUp));
    assert_eq!(a.queue.selected, before - a.queue.height.max(1));
    // Exactly as many as listed: a total again.
    a.handle_response(Response::Search {
        query: "error".into(),
        tickets: vec![ticket(7, "error seven", None)],
        bounded: false,
    });
    let text = buffer_text(&render(&a, 80, 24));
    assert!(text.contains("1 total"), "{text}");
}

/// The panes' side borders and corners, which no label may eat (a wide glyph cut at a
/// border would draw over it on a real terminal).
fn frame_cells(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let s = buf[(x, y)].symbol();
            if matches!(s, "│" | "┌" | "┐" | "└" | "┘") {
                out.push((x, y, s.to_string()));
            }
        }
    }
    out
}

/// The main screens in Chinese and Japanese at the two sizes that matter: the same frame as
/// in English (labels abbreviated or cut, never overflowing), and the seeds' words on screen.
#[test]
fn main_screens_in_chinese_and_japanese() {
    use crate::i18n::Lang;
    let key = |c: char| {
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )
    };
    type Screen = (&'static str, fn() -> App);
    let screens: [Screen; 3] = [
        ("queue", busy_app),
        ("orders", orders_screen),
        ("report", report_app),
    ];
    for lang in [Lang::ZhCn, Lang::Ja] {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            for (name, make) in screens {
                let english = render(&make(), w, h);
                let mut a = make();
                a.lang = lang;
                let buf = render(&a, w, h);
                assert_eq!(
                    frame_cells(&buf),
                    frame_cells(&english),
                    "{name} {w}x{h} in {}: a border moved or was overdrawn",
                    lang.code()
                );
                let text = buffer_text(&buf);
                for line in text.lines() {
                    assert!(
                        display_width(line) <= w as usize,
                        "{name} {w}x{h} in {}: {line}",
                        lang.code()
                    );
                }
                insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), text);
            }
            // Help over the queue: every action described in the language.
            let mut a = busy_app();
            a.lang = lang;
            a.handle_key(key('?'));
            let text = buffer_text(&render(&a, w, h));
            insta::assert_snapshot!(format!("help_{}_{w}x{h}", lang.code()), text);
        }
    }
    // The seeds' vocabulary is what the user sees.
    let mut a = busy_app();
    a.lang = Lang::ZhCn;
    let zh = buffer_text(&render(&a, 120, 40));
    assert!(zh.contains("工单队列") && zh.contains("严重度"), "{zh}");
    let mut a = orders_screen();
    a.lang = Lang::ZhCn;
    let zh = buffer_text(&render(&a, 120, 40));
    assert!(zh.contains("服务单") && zh.contains("重保"), "{zh}");
    let mut a = busy_app();
    a.lang = Lang::Ja;
    let ja = buffer_text(&render(&a, 120, 40));
    assert!(ja.contains("重大度") && ja.contains("キュー"), "{ja}");
    let mut a = report_app();
    a.lang = Lang::ZhCn;
    let zh = buffer_text(&render(&a, 120, 40));
    assert!(zh.contains("服务月报"), "{zh}");
}

/// The footer's hints in Chinese fit 80 columns and keep the way to help.
#[test]
fn localized_footer_keeps_help() {
    for lang in [crate::i18n::Lang::ZhCn, crate::i18n::Lang::Ja] {
        let mut a = busy_app();
        a.lang = lang;
        let buf = render(&a, 80, 24);
        let footer = buffer_text(&buf)
            .lines()
            .nth(23)
            .unwrap_or_default()
            .to_string();
        assert!(footer.contains(&lang.t("hint-help")), "{footer}");
        assert!(display_width(&footer) <= 80, "{footer}");
    }
}

/// Every cell of a pane's frame holds a line-drawing glyph: the corners, both sides, and the
/// bottom (the top carries the title).
fn assert_box_intact(buf: &Buffer, r: Rect, what: &str, text: &str) {
    let (x0, y0) = (r.x, r.y);
    let (x1, y1) = (r.x + r.width - 1, r.y + r.height - 1);
    assert_eq!(buf[(x0, y0)].symbol(), "┌", "{what} top-left:\n{text}");
    assert_eq!(buf[(x1, y0)].symbol(), "┐", "{what} top-right:\n{text}");
    assert_eq!(buf[(x0, y1)].symbol(), "└", "{what} bottom-left:\n{text}");
    assert_eq!(buf[(x1, y1)].symbol(), "┘", "{what} bottom-right:\n{text}");
    for y in y0 + 1..y1 {
        assert_eq!(buf[(x0, y)].symbol(), "│", "{what} left, row {y}:\n{text}");
        assert_eq!(buf[(x1, y)].symbol(), "│", "{what} right, row {y}:\n{text}");
    }
    for x in x0 + 1..x1 {
        assert_eq!(
            buf[(x, y1)].symbol(),
            "─",
            "{what} bottom, column {x}:\n{text}"
        );
    }
}

/// Issue 18: the undo countdowns have rows of their own between the panes and the footer
/// (taken from the bottom panes), so no pane's border is drawn over at any size; with more
/// than three waiting, the third row counts the rest.
#[test]
fn undo_countdowns_sit_between_the_panes_and_the_footer() {
    use crate::app::PendingView;
    use crate::domain::Status;
    use crate::store::Deferred;
    let waiting = |id: i64, ticket_id: i64, action: Deferred, due_in: i64| PendingView {
        action: crate::app::tests::pending(id, ticket_id, action, due_in),
        here: true,
    };
    let mut a = busy_app();
    a.clock_speed = 1.0;
    a.handle_response(Response::Pending(vec![
        waiting(1, 12, Deferred::Reply { body: "ok".into() }, 7),
        waiting(
            2,
            11,
            Deferred::Status {
                status: Status::Resolved,
                expected: 1,
            },
            29,
        ),
    ]));
    assert_eq!(a.pending_lines().len(), 2);
    for (w, h) in sizes() {
        let buf = render(&a, w, h);
        let text = buffer_text(&buf);
        let areas = layout_with_pending(Rect::new(0, 0, w, h), 2);
        assert_eq!(areas.pending.height, 2, "{w}x{h}");
        assert_eq!(areas.pending.y + 2, areas.footer.y, "{w}x{h}");
        for (what, r) in [
            ("queue", areas.queue),
            ("detail", areas.detail),
            ("sla", areas.sla),
        ] {
            assert!(r.intersection(areas.pending).is_empty(), "{what} {w}x{h}");
            assert_box_intact(&buf, r, &format!("{what} {w}x{h}"), &text);
        }
        let rows: Vec<&str> = text.lines().collect();
        let strip = &rows[areas.pending.y as usize..areas.footer.y as usize];
        assert!(
            strip[0].ends_with("reply to #12 sends in 7 s · u undo"),
            "{w}x{h}:\n{text}"
        );
        assert!(
            strip[1].ends_with("resolve #11 applies in 29 s · u undo"),
            "{w}x{h}:\n{text}"
        );
        for row in strip {
            assert!(!row.contains(['│', '─', '┘', '└']), "{w}x{h}: {row}");
        }
        insta::assert_snapshot!(format!("undo_countdown_{w}x{h}"), text);
    }
    // Four waiting: two rows and the count of the rest; the pane keeps a row inside.
    a.handle_response(Response::Pending(
        (1..=4)
            .map(|i| waiting(i, 10 + i, Deferred::Reply { body: "ok".into() }, 5 + i))
            .collect(),
    ));
    let buf = render(&a, 60, 15);
    let text = buffer_text(&buf);
    let areas = layout_with_pending(Rect::new(0, 0, 60, 15), 3);
    assert_box_intact(&buf, areas.detail, "detail 60x15", &text);
    assert!(areas.detail.height >= 3, "{text}");
    assert!(text.contains("+2 more"), "{text}");
}

/// The popup whose top border carries `title`: its corners found on the screen.
fn popup_rect(buf: &Buffer, title: &str) -> Rect {
    let first = title.chars().next().unwrap().to_string();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width.saturating_sub(2) {
            if buf[(x, y)].symbol() == "┌" && buf[(x + 2, y)].symbol() == first {
                let row: String = squeeze(
                    &(x..buf.area.width)
                        .map(|c| buf[(c, y)].symbol())
                        .collect::<String>(),
                );
                if !row.contains(&squeeze(title)) {
                    continue;
                }
                let x1 = (x + 1..buf.area.width)
                    .find(|&c| buf[(c, y)].symbol() == "┐")
                    .unwrap();
                let y1 = (y + 1..buf.area.height)
                    .find(|&r| buf[(x, r)].symbol() == "└")
                    .unwrap();
                return Rect::new(x, y, x1 - x + 1, y1 - y + 1);
            }
        }
    }
    panic!("no popup titled {title}:\n{}", buffer_text(buf));
}

/// What a popup says inside its borders, every blank removed (wrapped text joins up).
fn popup_words(buf: &Buffer, r: Rect) -> String {
    let mut out = String::new();
    for y in r.y + 1..r.y + r.height - 1 {
        for x in r.x + 1..r.x + r.width - 1 {
            out.push_str(buf[(x, y)].symbol());
        }
    }
    out.split_whitespace().collect()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Issue 18: the tag and merge popups in English, Chinese and Japanese at 80x24 and 120x40:
/// the tag popup's title names the ticket and its syntax is inside it; the merge question,
/// both tickets and what merging does are shown whole (wrapped, never cut), inside borders
/// that nothing wide draws over.
#[test]
fn tag_and_merge_popups_keep_their_text_and_borders_in_every_language() {
    use crate::app::tests::key;
    use crate::i18n::Lang;
    use crossterm::event::{KeyCode, KeyEvent};
    for lang in [Lang::En, Lang::ZhCn, Lang::Ja] {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let mut a = busy_app();
            a.lang = lang;
            a.handle_key(key('T'));
            let buf = render(&a, w, h);
            let text = buffer_text(&buf);
            let title = format!("{} #11", lang.t("tm-tag-title"));
            let r = popup_rect(&buf, &title);
            assert_box_intact(&buf, r, &format!("tag {w}x{h} {}", lang.code()), &text);
            assert!(
                popup_words(&buf, r).contains(&squeeze(&lang.t("tm-tag-hint"))),
                "{text}"
            );
            insta::assert_snapshot!(format!("tag_popup_{}_{w}x{h}", lang.code()), text);

            a.handle_key(KeyEvent::from(KeyCode::Esc));
            a.handle_key(key('M'));
            a.handle_key(key('1'));
            a.handle_key(key('2'));
            a.handle_key(KeyEvent::from(KeyCode::Enter));
            let buf = render(&a, w, h);
            let text = buffer_text(&buf);
            let r = popup_rect(&buf, &lang.t("tm-confirm-title"));
            assert_box_intact(&buf, r, &format!("merge {w}x{h} {}", lang.code()), &text);
            let words = popup_words(&buf, r);
            for said in [
                tr!(lang, "tm-question", source = 11, target = 12),
                lang.t("tm-confirm-hint"),
                lang.t("tm-confirm-key"),
            ] {
                assert!(words.contains(&squeeze(&said)), "{said}:\n{text}");
            }
            assert!(
                words.contains("#11Production") && words.contains("→#12数据库"),
                "{text}"
            );
            for y in (r.y..r.y + r.height).filter(|_| r.x > 0) {
                assert!(
                    display_width(buf[(r.x - 1, y)].symbol()) <= 1,
                    "merge {w}x{h} row {y}"
                );
            }
            insta::assert_snapshot!(format!("merge_confirm_{}_{w}x{h}", lang.code()), text);
        }
    }
}

/// The other confirmations share the popup: the bulk change and "someone is writing" show
/// their question, the key and what cancels, whole, at 60 columns too.
#[test]
fn bulk_and_writing_confirmations_show_their_question_whole() {
    use crate::app::tests::key;
    for (w, h) in sizes() {
        let mut a = busy_app();
        a.handle_key(key(' '));
        a.handle_key(key('j'));
        a.handle_key(key(' '));
        crate::app::tests::pick(&mut a, 't', "resolved");
        let Mode::ConfirmBulk(c) = &a.mode else {
            panic!("bulk confirmation expected, got {:?}", a.mode)
        };
        let question = c.describe(a.lang);
        let buf = render(&a, w, h);
        let text = buffer_text(&buf);
        let r = popup_rect(&buf, &tr!(a.lang, "tui-bulk-title"));
        assert_box_intact(&buf, r, &format!("bulk {w}x{h}"), &text);
        let words = popup_words(&buf, r);
        for said in [
            question,
            tr!(a.lang, "tui-bulk-apply"),
            tr!(a.lang, "tui-bulk-note"),
        ] {
            assert!(words.contains(&squeeze(&said)), "{said}:\n{text}");
        }

        let mut a = busy_app();
        a.mode = Mode::ConfirmReply {
            ticket_id: 12,
            who: "bob".into(),
        };
        let buf = render(&a, w, h);
        let text = buffer_text(&buf);
        let r = popup_rect(&buf, &tr!(a.lang, "tui-writing-title"));
        assert_box_intact(&buf, r, &format!("writing {w}x{h}"), &text);
        let words = popup_words(&buf, r);
        for said in [
            tr!(a.lang, "tui-writing-question", who = "bob", id = 12),
            tr!(a.lang, "tui-writing-nothing-locked"),
            tr!(a.lang, "tui-writing-answer"),
        ] {
            assert!(words.contains(&squeeze(&said)), "{said}:\n{text}");
        }
    }
}

/// A first response answered late says by how much in the queue's LEFT column, whole: the
/// full wording where the pane is wide, a shorter one where it is narrow, never cut.
#[test]
fn met_late_shows_its_whole_time_in_the_queue() {
    let mut a = app();
    let mut late = ticket(21, "answered late", Some(600));
    late.first_response_at = Some(now() + Duration::seconds(600 + 52 * 60));
    late.next_due = None;
    late.breached = true;
    a.now = now() + Duration::hours(2);
    a.handle_response(Response::Queue {
        tickets: vec![late],
        keys: vec![SortKey(vec![1, 100, 21])],
        total: 1,
        select: None,
    });
    let wide = buffer_text(&render(&a, 120, 40));
    assert!(wide.contains("met late +00:52"), "{wide}");
    let narrow = buffer_text(&render(&a, 80, 24));
    assert!(narrow.contains("late +00:52"), "{narrow}");
    assert!(!narrow.contains("met late +0…"), "{narrow}");
}

/// The SLA pane holds more targets than fit: moving down it scrolls, so every loaded entry
/// can be reached and opened, not only those on screen.
#[test]
fn the_sla_pane_scrolls_to_its_selection() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut a = app();
    let tickets: Vec<_> = (1..=12)
        .map(|id| ticket(id, &format!("late {id}"), Some(-60 * id)))
        .collect();
    crate::app::tests::load(&mut a, tickets.clone());
    let items = tickets.iter().map(crate::app::tests::sla_item).collect();
    a.handle_response(Response::Sla(items));
    a.handle_key(KeyEvent::from(KeyCode::BackTab));
    assert_eq!(a.focus, crate::app::Pane::Sla);
    a.handle_key(KeyEvent::from(KeyCode::Char('G')));
    let last = a
        .sla_order()
        .last()
        .map(|&i| a.sla_items[i].ticket.id)
        .unwrap();
    let text = buffer_text(&render(&a, 80, 24));
    assert!(
        text.contains(&format!("#{last} ")),
        "#{last} not on screen:\n{text}"
    );
}
