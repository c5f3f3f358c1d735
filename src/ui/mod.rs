//! Drawing only: every function here borrows the app state and paints it. Customer text is
//! sanitised and fitted to its column before it reaches a cell.

mod orders;
mod report;
mod theme;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph, Row, Table};

pub use theme::Theme;

use crate::app::{ACTIONS, App, FormField, Mode, Pane, RowState, View, row_state};
use crate::domain::{AuthorRole, EntryKind, Ticket};
use crate::sla::SlaState;
use crate::text::{
    display_width, fit_to_width, sanitize_line, sanitize_lines, truncate_to_width, wrap_to_width,
};

/// Below this the panes cannot show anything useful; ask for room instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Where the panes go for a terminal of this size.
pub struct Areas {
    pub header: Rect,
    pub queue: Rect,
    pub detail: Rect,
    pub sla: Rect,
    pub footer: Rect,
}

pub fn layout(area: Rect) -> Areas {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(4),
            Constraint::Length(1),
        ])
        .split(area);
    let body = rows[1];
    let queue_share = if body.height < 16 { 50 } else { 45 };
    let split = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Percentage(queue_share),
            Constraint::Percentage(100 - queue_share),
        ])
        .split(body);
    let sla_width = if area.width < 70 { 40 } else { 38 };
    let bottom = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Percentage(100 - sla_width),
            Constraint::Percentage(sla_width),
        ])
        .split(split[1]);
    Areas {
        header: rows[0],
        queue: split[0],
        detail: bottom[0],
        sla: bottom[1],
        footer: rows[2],
    }
}

/// Rows of tickets the queue pane shows, and SLA entries the SLA pane shows, at this size.
pub fn capacity(area: Rect) -> (usize, usize) {
    let a = layout(area);
    let queue_rows = a.queue.height.saturating_sub(3).max(1) as usize;
    let sla_rows = (a.sla.height.saturating_sub(2) / 2).max(1) as usize;
    (queue_rows, sla_rows)
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = Theme::new(app.no_color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "tuidesk needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this terminal is {}×{}. Enlarge it, or press q to quit.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let a = layout(area);
    draw_header(frame, app, &theme, a.header);
    match app.view {
        View::Tickets => {
            draw_queue(frame, app, &theme, a.queue);
            draw_detail(frame, app, &theme, a.detail);
        }
        View::Orders => {
            orders::draw_orders(frame, app, &theme, a.queue);
            orders::draw_order_detail(frame, app, &theme, a.detail);
        }
        View::Report => {
            report::draw_report_table(frame, app, &theme, a.queue);
            // The charts want the width more than the SLA pane does.
            report::draw_report_charts(frame, app, &theme, a.detail.union(a.sla));
        }
    }
    if app.view != View::Report {
        draw_sla(frame, app, &theme, a.sla);
    }
    draw_footer(frame, app, &theme, a.footer);
    match &app.mode {
        Mode::Help { scroll } => draw_help(frame, app, &theme, *scroll),
        Mode::Palette { input, selected } => draw_palette(frame, app, &theme, input, *selected),
        Mode::Pick(p) => {
            let items: Vec<String> = p.items.iter().map(|(l, _)| l.clone()).collect();
            draw_list_popup(frame, &theme, &p.title, &items, p.selected);
        }
        Mode::Editor(e) => {
            let popup = centered(area, 90, 60);
            frame.render_widget(Clear, popup);
            let what = if e.kind == EntryKind::Reply {
                "Public reply to the customer"
            } else {
                "Internal note (not visible to the customer)"
            };
            let title = if e.confirm_discard {
                " Discard this text? y = discard, any other key = keep editing ".to_string()
            } else {
                format!(
                    " {what} · #{} · Ctrl-S send · Esc cancel{} ",
                    e.ticket_id,
                    if e.restored { " · draft restored" } else { "" }
                )
            };
            let mut textarea = e.textarea.clone();
            textarea.set_block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(title)
                    .border_style(theme.focus_border()),
            );
            frame.render_widget(&textarea, popup);
        }
        Mode::NewTicket(form) => draw_form(frame, app, &theme, form),
        Mode::NewOrder(form) => orders::draw_order_form(frame, app, &theme, form),
        Mode::RateOrder(form) => orders::draw_rate_form(frame, &theme, form),
        Mode::RejectOrder { order_id, input } => {
            orders::draw_reject(frame, &theme, *order_id, input)
        }
        _ => {}
    }
}

fn draw_header(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let c = app.counts;
    let flashing = app.header_flash_until.is_some_and(|u| u > app.now);
    let local = app.now.with_timezone(&app.local_offset);
    let breached_style = if flashing && app.now.timestamp() % 2 == 0 {
        theme.flash()
    } else if c.breached > 0 {
        theme.breached()
    } else {
        theme.header()
    };
    let spans = vec![
        Span::styled(" tuidesk ", theme.title()),
        Span::styled(format!(" {} ", sanitize_line(&app.me)), theme.header()),
        Span::styled(
            format!(
                "· {} ",
                truncate_to_width(&sanitize_line(&app.db_label), 24)
            ),
            theme.dim(),
        ),
        Span::styled(format!("· open {} ", c.active), theme.header()),
        Span::styled(
            format!(
                "· {} at-risk {} ",
                theme.symbol(RowState::AtRisk),
                c.at_risk
            ),
            if c.at_risk > 0 {
                theme.at_risk()
            } else {
                theme.header()
            },
        ),
        Span::styled(
            format!(
                "· {} breached {} ",
                theme.symbol(RowState::Breached),
                c.breached
            ),
            breached_style,
        ),
        Span::styled(format!("· {} ", local.format("%H:%M:%S")), theme.header()),
    ];
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.header()),
        area,
    );
}

pub use crate::domain::format_countdown;

fn left_text(t: &Ticket, state: RowState, now: DateTime<Utc>) -> String {
    match state {
        RowState::Breached | RowState::AtRisk | RowState::Running => t
            .next_due
            .map(|d| format_countdown((d - now).num_seconds()))
            .unwrap_or_default(),
        RowState::Paused => format!(
            "⏸ {}",
            t.paused_seconds_left
                .map(format_countdown)
                .unwrap_or_default()
        ),
        RowState::Met => "met".into(),
        RowState::Done => t.status.as_str().into(),
        RowState::NoTarget => "no target".into(),
    }
}

fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(
            title,
            if focused {
                theme.title()
            } else {
                theme.header()
            },
        ))
        .border_style(if focused {
            theme.focus_border()
        } else {
            theme.border()
        })
}

fn draw_queue(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let q = &app.queue;
    let what = match &q.search {
        Some(s) => format!("search “{}”", truncate_to_width(&sanitize_line(s), 20)),
        None => format!("{} · by {}", app.filter_label(), q.sort.as_str()),
    };
    let position = if q.tickets.is_empty() {
        String::new()
    } else {
        format!(" · {} total", q.total)
    };
    let title = format!(" Queue · {what}{position} ");
    let block = pane_block(title, app.focus == Pane::Queue, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if q.tickets.is_empty() {
        let msg = if q.search.is_some() {
            "No ticket matches. Esc returns to the queue."
        } else {
            "No tickets here. Press n to open one, f to change the filter."
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
        return;
    }
    let w = inner.width as usize;
    // Fixed columns; the summary takes what is left.
    let (id_w, sev_w, status_w, left_w) = (6usize, 7usize, 8usize, 12usize);
    let org_w = if w >= 110 {
        18
    } else if w >= 90 {
        14
    } else {
        10
    };
    let who_w = if w >= 100 {
        10
    } else if w >= 76 {
        8
    } else {
        0
    };
    let fixed = 2 + id_w + sev_w + org_w + status_w + who_w + left_w + 7;
    let summary_w = w.saturating_sub(fixed).max(6);
    let header = Row::new(vec![
        String::new(),
        fit_to_width("ID", id_w),
        fit_to_width("SEV", sev_w),
        fit_to_width("ORG", org_w),
        fit_to_width("SUMMARY", summary_w),
        fit_to_width("STATUS", status_w),
        fit_to_width("ASSIGNEE", who_w),
        format!("{:>width$}", "LEFT", width = left_w),
    ])
    .style(theme.column_header());
    let now = app.now;
    let rows: Vec<Row> = q
        .tickets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let state = row_state(t, now);
            let selected = i == q.selected;
            let mut style = theme.row(state);
            if app.is_flashing(t.id) && now.timestamp() % 2 == 0 {
                style = theme.flash();
            }
            if selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let left = left_text(t, state, now);
            Row::new(vec![
                format!(
                    "{}{}",
                    if selected { "▶" } else { " " },
                    theme.symbol(state)
                ),
                fit_to_width(&t.id.to_string(), id_w),
                fit_to_width(&sanitize_line(t.handled_severity()), sev_w),
                fit_to_width(&sanitize_line(&t.org), org_w),
                fit_to_width(&sanitize_line(&t.summary), summary_w),
                fit_to_width(t.status.as_str(), status_w),
                fit_to_width(&sanitize_line(t.assignee.as_deref().unwrap_or("-")), who_w),
                format!(
                    "{:>width$}",
                    truncate_to_width(&left, left_w),
                    width = left_w
                ),
            ])
            .style(style)
        })
        .collect();
    let widths = [
        Constraint::Length(2),
        Constraint::Length(id_w as u16),
        Constraint::Length(sev_w as u16),
        Constraint::Length(org_w as u16),
        Constraint::Length(summary_w as u16),
        Constraint::Length(status_w as u16),
        Constraint::Length(who_w as u16),
        Constraint::Length(left_w as u16),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}

fn field_line<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11}"), theme.dim()),
        Span::raw(value),
    ])
}

fn draw_detail(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let focused = app.focus == Pane::Detail;
    let Some(t) = app.detail.as_ref().and_then(|d| d.ticket.as_ref()) else {
        let block = pane_block(" Detail ".into(), focused, theme);
        frame.render_widget(
            Paragraph::new("Select a ticket.")
                .style(theme.dim())
                .block(block),
            area,
        );
        return;
    };
    let Some(detail) = app.detail.as_ref() else {
        return;
    };
    let block = pane_block(format!(" Detail · #{} ", t.id), focused, theme);
    let inner = block.inner(area);
    let width = inner.width.max(10) as usize;
    let now = app.now;
    let state = row_state(t, now);
    let mut lines: Vec<Line> = Vec::new();
    for l in wrap_to_width(&sanitize_line(&t.summary), width) {
        lines.push(Line::styled(l, theme.title()));
    }
    lines.push(field_line("org", sanitize_line(&t.org), theme));
    if let Some(plan) = orders::plan_text(app, t.org_id) {
        lines.push(field_line("plan", plan, theme));
    }
    lines.push(field_line(
        "kind",
        format!(
            "{} · {} · {}",
            t.kind,
            sanitize_line(&t.severity_label()),
            t.status
        ),
        theme,
    ));
    if let Some(freeze) = detail_freeze(app, t) {
        lines.push(Line::styled(
            format!("{:<11}{freeze}", "freeze"),
            theme.at_risk(),
        ));
    }
    if t.component.is_some() || t.environment.is_some() || t.affected_version.is_some() {
        lines.push(field_line(
            "component",
            format!(
                "{} · {} · {}",
                t.component
                    .as_deref()
                    .map(sanitize_line)
                    .unwrap_or_else(|| "-".into()),
                t.environment.map(|e| e.as_str()).unwrap_or("-"),
                t.affected_version
                    .as_deref()
                    .map(sanitize_line)
                    .unwrap_or_else(|| "-".into())
            ),
            theme,
        ));
    }
    lines.push(field_line(
        "assignee",
        t.assignee
            .as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| "unassigned".into()),
        theme,
    ));
    let local = |d: DateTime<Utc>| {
        d.with_timezone(&app.local_offset)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    lines.push(field_line("opened", local(t.created_at), theme));
    let sla_text = match state {
        RowState::Breached => format!(
            "{} BREACHED {}",
            theme.symbol(state),
            left_text(t, state, now)
        ),
        RowState::AtRisk => format!(
            "{} at risk, {} left",
            theme.symbol(state),
            left_text(t, state, now)
        ),
        RowState::Running => format!("{} left", left_text(t, state, now)),
        RowState::Paused => format!(
            "{} {} (waiting on customer)",
            theme.symbol(state),
            left_text(t, state, now)
        ),
        RowState::Met => format!("{} first response met", theme.symbol(state)),
        RowState::Done => t.status.as_str().to_string(),
        RowState::NoTarget => "no target under this plan".into(),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{:<11}", "sla"), theme.dim()),
        Span::styled(sla_text, theme.row(state)),
    ]));
    if let Some(due) = t.first_response_due {
        lines.push(field_line("due", local(due), theme));
    }
    for kind in &app.detail_drafts {
        lines.push(Line::styled(
            format!(
                "✎ unsent {kind} draft saved — press {} to continue it",
                if kind == "reply" { "r" } else { "i" }
            ),
            theme.at_risk(),
        ));
    }
    lines.push(Line::raw(""));
    for raw in sanitize_lines(&t.description) {
        for l in wrap_to_width(&raw, width) {
            lines.push(Line::raw(l));
        }
    }
    if !detail.conversation.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("── conversation ({}) ", detail.conversation.len()),
            theme.dim(),
        ));
    }
    for e in &detail.conversation {
        let (label, style, bar) = match (e.kind, e.role) {
            (EntryKind::Note, _) => ("INTERNAL NOTE", theme.note(), "┃ "),
            (EntryKind::Reply, AuthorRole::Customer) => ("customer", theme.header(), "│ "),
            (EntryKind::Reply, AuthorRole::Engineer) => ("reply", theme.reply(), "│ "),
        };
        lines.push(Line::styled(
            format!(
                "{label} · {} · {}",
                sanitize_line(&e.author),
                local(e.created_at)
            ),
            style.add_modifier(Modifier::BOLD),
        ));
        for raw in sanitize_lines(&e.body) {
            for l in wrap_to_width(&raw, width.saturating_sub(2).max(4)) {
                lines.push(Line::from(vec![Span::styled(bar, style), Span::raw(l)]));
            }
        }
    }
    if !detail.events.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("── events ", theme.dim()));
        for e in &detail.events {
            let text = format!(
                "{} {}{} {}: {} → {}",
                local(e.at),
                sanitize_line(&e.actor),
                if e.actor_source == "as" {
                    " (script)"
                } else {
                    ""
                },
                sanitize_line(&e.field),
                sanitize_line(e.old.as_deref().unwrap_or("-")),
                sanitize_line(e.new.as_deref().unwrap_or("-"))
            );
            for l in wrap_to_width(&text, width) {
                lines.push(Line::styled(l, theme.dim()));
            }
        }
    }
    let max_scroll = lines.len().saturating_sub(inner.height as usize) as u16;
    let scroll = app.detail_scroll.min(max_scroll);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((scroll, 0)),
        area,
    );
}

/// The change freeze the ticket's organization is under today (its own calendar day).
fn detail_freeze(app: &App, t: &crate::domain::Ticket) -> Option<String> {
    let detail = app.detail.as_ref()?;
    let tz = app
        .orgs
        .iter()
        .find(|o| o.id == t.org_id)
        .and_then(|o| o.tz.parse::<chrono_tz::Tz>().ok())?;
    let today = app.now.with_timezone(&tz).date_naive();
    crate::assurance::freeze_on(&detail.assurance, today).map(|w| crate::assurance::freeze_text(&w))
}

fn draw_sla(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let breached = app
        .sla_metrics
        .iter()
        .flatten()
        .filter(|m| m.state == SlaState::Breached)
        .count();
    let title = if breached > 0 {
        format!(" SLA · {breached} breached ")
    } else {
        " SLA ".to_string()
    };
    let block = pane_block(title, app.focus == Pane::Sla, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.sla_items.is_empty() {
        frame.render_widget(
            Paragraph::new("No running targets.").style(theme.dim()),
            inner,
        );
        return;
    }
    // Breached first (longest overdue on top), then by time left.
    let mut order: Vec<usize> = (0..app.sla_items.len()).collect();
    order.sort_by_key(|&i| {
        app.sla_metrics
            .get(i)
            .and_then(|m| m.as_ref())
            .and_then(|m| m.remaining_seconds)
            .unwrap_or(i64::MAX)
    });
    let mut y = inner.y;
    for i in order {
        if y + 1 >= inner.y + inner.height {
            break;
        }
        let item = &app.sla_items[i];
        let Some(Some(m)) = app.sla_metrics.get(i) else {
            continue;
        };
        let state = match m.state {
            SlaState::Breached => RowState::Breached,
            SlaState::AtRisk => RowState::AtRisk,
            _ => RowState::Running,
        };
        let remaining = m.remaining_seconds.unwrap_or(0);
        let when = if remaining < 0 {
            format!("{} ago", format_countdown(-remaining))
        } else {
            format!("{} left", format_countdown(remaining))
        };
        let w = inner.width as usize;
        let label_w = w.saturating_sub(display_width(&when) + 1);
        let label = format!(
            "{}#{} {} {}",
            theme.symbol(state),
            item.ticket.id,
            sanitize_line(item.ticket.handled_severity()),
            sanitize_line(&item.ticket.org)
        );
        let mut style = theme.row(state);
        if app.is_flashing(item.ticket.id) && app.now.timestamp() % 2 == 0 {
            style = theme.flash();
        }
        let line = Line::from(vec![
            Span::styled(fit_to_width(&label, label_w), style),
            Span::raw(" "),
            Span::styled(when, style),
        ]);
        frame.render_widget(Paragraph::new(line), Rect::new(inner.x, y, inner.width, 1));
        let ratio = m
            .target
            .as_ref()
            .map(|t| (m.elapsed_seconds as f64 / t.seconds.max(1) as f64).clamp(0.0, 1.0))
            .unwrap_or(0.0);
        let gauge = LineGauge::default()
            .filled_style(theme.gauge(state))
            .unfilled_style(theme.dim())
            .label(Span::styled(
                format!(
                    "{:>3}% {}",
                    (ratio * 100.0).round() as i64,
                    m.metric.as_str()
                ),
                theme.dim(),
            ))
            .ratio(ratio);
        frame.render_widget(gauge, Rect::new(inner.x, y + 1, inner.width, 1));
        y += 2;
    }
}

fn draw_footer(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let line = match &app.mode {
        Mode::Search { input } => Line::from(vec![
            Span::styled("/", theme.title()),
            Span::raw(sanitize_line(input)),
            Span::styled("█", theme.dim()),
            Span::styled("  Enter search · Esc cancel", theme.dim()),
        ]),
        Mode::Assign {
            ticket_id, input, ..
        } => Line::from(vec![
            Span::styled(format!("assign #{ticket_id} to: "), theme.title()),
            Span::raw(sanitize_line(input)),
            Span::styled("█", theme.dim()),
            Span::styled("  Enter assign · - unassign · Esc cancel", theme.dim()),
        ]),
        _ => {
            if let Some((msg, error)) = &app.message {
                Line::styled(
                    format!(" {}", sanitize_line(msg)),
                    if *error {
                        theme.breached()
                    } else {
                        theme.header()
                    },
                )
            } else {
                let mut spans = Vec::new();
                for (key, label) in app.footer_hints() {
                    spans.push(Span::styled(format!(" {key} "), theme.key()));
                    spans.push(Span::styled(format!("{label} "), theme.dim()));
                }
                Line::from(spans)
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn centered(area: Rect, percent_w: u16, percent_h: u16) -> Rect {
    let w = (area.width * percent_w / 100).max(20).min(area.width);
    let h = (area.height * percent_h / 100).max(5).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_help(frame: &mut Frame, app: &App, theme: &Theme, scroll: u16) {
    let area = centered(frame.area(), 80, 85);
    frame.render_widget(Clear, area);
    let mut lines = vec![
        Line::styled(
            "Keys (your bindings; change them in config.toml [keys])",
            theme.title(),
        ),
        Line::raw(""),
    ];
    for a in ACTIONS {
        let keys = app.keymap.keys_for(a.action).join(", ");
        lines.push(Line::from(vec![
            Span::styled(fit_to_width(&keys, 16), theme.key()),
            Span::raw(" "),
            Span::raw(a.description),
            Span::styled(format!("  ({})", a.name), theme.dim()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Editor: Ctrl-S send · Esc cancel (asks before discarding text)",
        theme.dim(),
    ));
    lines.push(Line::styled(
        "States: ! at risk · !! breached · ⏸ paused · ✓ met",
        theme.dim(),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Help · Esc closes ")
        .border_style(theme.focus_border());
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn draw_palette(frame: &mut Frame, _app: &App, theme: &Theme, input: &str, selected: usize) {
    let matches = crate::app::palette_matches(input);
    let items: Vec<String> = matches
        .iter()
        .map(|a| {
            let info = crate::app::keymap::info(*a);
            format!("{:<16} {}", info.name, info.description)
        })
        .collect();
    draw_list_popup(
        frame,
        theme,
        &format!(":{}", sanitize_line(input)),
        &items,
        selected,
    );
}

fn draw_list_popup(
    frame: &mut Frame,
    theme: &Theme,
    title: &str,
    items: &[String],
    selected: usize,
) {
    let area = centered(frame.area(), 60, 70);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", title))
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let start = selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, s)| {
            let text = fit_to_width(&sanitize_line(s), inner.width as usize);
            if i == selected {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_form(frame: &mut Frame, app: &App, theme: &Theme, form: &crate::app::NewTicketForm) {
    let area = centered(frame.area(), 90, 85);
    frame.render_widget(Clear, area);
    let title = if form.confirm_discard {
        " Discard this ticket? y = discard, any other key = keep editing "
    } else {
        " New ticket · Tab next field · ←/→ choose · Ctrl-S create · Esc cancel "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let errors = form.errors(&app.policies, &app.orgs, app.now);
    let value_w = (inner.width as usize).saturating_sub(15);
    let mut lines = Vec::new();
    for (i, field) in FormField::ALL.iter().enumerate() {
        let value = match field {
            FormField::Org => app
                .orgs
                .get(form.org)
                .map(|o| {
                    format!(
                        "◀ {} ({}/{}) ▶",
                        sanitize_line(&o.name),
                        o.policy_set,
                        o.plan
                    )
                })
                .unwrap_or_else(|| "(no organizations)".into()),
            FormField::Kind => format!("◀ {} ▶", form.kind),
            FormField::Severity => format!(
                "◀ {} ▶",
                form.levels
                    .get(form.severity)
                    .cloned()
                    .unwrap_or_else(|| "-".into())
            ),
            FormField::Summary => format!(
                "{} ({}/200)",
                sanitize_line(&form.summary),
                form.summary.chars().count()
            ),
            FormField::Description => sanitize_line(&form.description),
            FormField::Component => sanitize_line(&form.component),
            FormField::Environment => format!(
                "◀ {} ▶",
                form.environment.map(|e| e.as_str()).unwrap_or("-")
            ),
            FormField::Version => sanitize_line(&form.version),
        };
        let focused = i == form.focus % FormField::ALL.len();
        let error = errors.iter().find(|(f, _)| f == field);
        let label_style = if error.is_some() {
            theme.breached()
        } else if focused {
            theme.title()
        } else {
            theme.dim()
        };
        let cursor = if focused && !field.is_choice() {
            "█"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{:<13}", if focused { "▶" } else { " " }, field.label()),
                label_style,
            ),
            Span::styled(
                format!("{}{cursor}", truncate_to_width(&value, value_w)),
                if focused {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
        ]));
        if let Some((_, msg)) = error {
            lines.push(Line::styled(
                format!("               {}", truncate_to_width(msg, value_w)),
                theme.breached(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests;
