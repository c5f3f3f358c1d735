//! The Orders view (service orders with deadline countdowns) and its forms. Drawing only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use super::{Theme, centered, field_line, pane_block};
use crate::app::{
    App, NewOrderForm, OrderField, RateField, RateForm, RowState, order_deadline_text,
    order_subject,
};
use crate::domain::{Order, OrderStatus};
use crate::orders::MAX_FEEDBACK_CHARS;
use crate::policy::rules;
use crate::text::{fit_to_width, sanitize_line, sanitize_lines, truncate_to_width, wrap_to_width};

pub(super) fn draw_orders(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let list = &app.orders.orders;
    let open = list.iter().filter(|o| o.is_open()).count();
    let title = format!(" Orders · {open} processing · {} shown ", list.len());
    let block = pane_block(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.is_empty() {
        let msg = if app.orders.loaded {
            "No service orders yet. Press n to request one (event assurance, availability check, monthly report)."
        } else {
            "Loading orders…"
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    let narrow = w < 100;
    let (id_w, status_w, left_w) = (6usize, 10usize, 12usize);
    let kind_w = if narrow { 11 } else { 18 };
    let org_w = if narrow { 12 } else { 20 };
    let fixed = 2 + id_w + kind_w + org_w + status_w + left_w + 6;
    let subject_w = w.saturating_sub(fixed).max(6);
    let header = Row::new(vec![
        String::new(),
        fit_to_width("ID", id_w),
        fit_to_width("KIND", kind_w),
        fit_to_width("ORG", org_w),
        fit_to_width("STATUS", status_w),
        fit_to_width("FOR", subject_w),
        format!("{:>left_w$}", "DEADLINE"),
    ])
    .style(theme.column_header());
    // Keep the selection in view: a window of the rows that fit.
    let height = inner.height.saturating_sub(1).max(1) as usize;
    let first = app.orders.selected.saturating_sub(height.saturating_sub(1));
    let rows: Vec<Row> = list
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, o)| {
            let state = app.order_state(o);
            let selected = i == app.orders.selected;
            let mut style = theme.row(state);
            if selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let deadline = order_deadline_text(o, app.now);
            Row::new(vec![
                format!(
                    "{}{}",
                    if selected { "▶" } else { " " },
                    theme.symbol(state)
                ),
                fit_to_width(&o.id.to_string(), id_w),
                fit_to_width(
                    if narrow {
                        short_kind(o.kind)
                    } else {
                        o.kind.as_str()
                    },
                    kind_w,
                ),
                fit_to_width(&sanitize_line(&o.org), org_w),
                fit_to_width(o.status.as_str(), status_w),
                fit_to_width(&order_subject(o), subject_w),
                format!("{:>left_w$}", truncate_to_width(&deadline, left_w),),
            ])
            .style(style)
        })
        .collect();
    let widths = [
        Constraint::Length(2),
        Constraint::Length(id_w as u16),
        Constraint::Length(kind_w as u16),
        Constraint::Length(org_w as u16),
        Constraint::Length(status_w as u16),
        Constraint::Length(subject_w as u16),
        Constraint::Length(left_w as u16),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}

/// Kind names that fit an 80-column queue.
fn short_kind(kind: crate::domain::OrderKind) -> &'static str {
    match kind {
        crate::domain::OrderKind::EventAssurance => "assurance",
        crate::domain::OrderKind::AvailabilityCheck => "avail check",
        crate::domain::OrderKind::MonthlyReport => "month rept",
    }
}

fn stars(n: u8) -> String {
    if n == 0 {
        return "☆☆☆☆☆ not set".into();
    }
    format!(
        "{}{} {n}/5",
        "★".repeat(n as usize),
        "☆".repeat(5 - n as usize)
    )
}

pub(super) fn draw_order_detail(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(o) = app.orders.selected_order() else {
        let block = pane_block(" Order ".into(), false, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new("Select an order with j/k.").style(theme.dim()),
            inner,
        );
        return;
    };
    let block = pane_block(format!(" Order #{} · {} ", o.id, o.kind), false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width.saturating_sub(1) as usize;
    let mut lines = order_lines(o, app, theme, width);
    lines.truncate(inner.height as usize + 50);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn order_lines<'a>(o: &Order, app: &App, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let state = app.order_state(o);
    let mut lines = vec![
        field_line("Org", sanitize_line(&o.org), theme),
        field_line("For", order_subject(o), theme),
        Line::from(vec![
            Span::styled(format!("{:<11}", "Status"), theme.dim()),
            Span::styled(
                format!("{} {}", theme.symbol(state), o.status),
                theme.row(state),
            ),
        ]),
    ];
    if let Some(due) = o.due {
        let tz = o.tz.parse::<chrono_tz::Tz>().ok();
        let local = tz.map_or(due.format("%Y-%m-%d %H:%M UTC").to_string(), |tz| {
            due.with_timezone(&tz)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        });
        let left = if o.is_open() {
            format!("  ({})", order_deadline_text(o, app.now))
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<11}", "Deadline"), theme.dim()),
            Span::styled(format!("{local}{left}"), theme.row(state)),
        ]));
    }
    let windows = crate::assurance::windows_of(&app.orders.orders, o.org_id);
    if let Ok(tz) = o.tz.parse::<chrono_tz::Tz>()
        && let Some(w) =
            crate::assurance::freeze_on(&windows, app.now.with_timezone(&tz).date_naive())
    {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<11}", "Freeze"), theme.dim()),
            Span::styled(crate::assurance::freeze_text(&w), theme.at_risk()),
        ]));
    }
    lines.push(field_line(
        "Requested",
        format!("{} by {}", o.requested_on, sanitize_line(&o.created_by)),
        theme,
    ));
    if let Some(t) = o.completed_at {
        lines.push(field_line(
            "Completed",
            app.local_time(t, "%Y-%m-%d %H:%M"),
            theme,
        ));
    }
    if let Some(r) = &o.reject_reason {
        lines.push(field_line("Rejected", sanitize_line(r), theme));
    }
    for a in &o.attachments {
        lines.push(field_line(
            "Attached",
            format!("{} ({} bytes)", sanitize_line(&a.name), a.size),
            theme,
        ));
    }
    if !o.note.is_empty() {
        lines.push(Line::styled("Note", theme.dim()));
        for l in sanitize_lines(&o.note) {
            for w in wrap_to_width(&l, width.max(10)) {
                lines.push(Line::raw(w));
            }
        }
    }
    match (&o.rating, o.status) {
        (Some(r), _) => {
            lines.push(field_line("Speed", stars(r.speed), theme));
            lines.push(field_line("Quality", stars(r.quality), theme));
            if !r.feedback.is_empty() {
                lines.push(Line::styled("Feedback", theme.dim()));
                for l in sanitize_lines(&r.feedback) {
                    for w in wrap_to_width(&l, width.max(10)) {
                        lines.push(Line::raw(w));
                    }
                }
            }
        }
        (None, OrderStatus::Completed) => lines.push(Line::styled(
            "Not rated yet: * records the customer's rating",
            theme.dim(),
        )),
        _ => {}
    }
    lines
}

fn form_line<'a>(
    label: &str,
    value: String,
    focused: bool,
    choice: bool,
    error: bool,
    theme: &Theme,
    value_w: usize,
) -> Line<'a> {
    let label_style = if error {
        theme.breached()
    } else if focused {
        theme.title()
    } else {
        theme.dim()
    };
    let cursor = if focused && !choice { "█" } else { "" };
    Line::from(vec![
        Span::styled(
            format!("{}{:<20}", if focused { "▶" } else { " " }, label),
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
    ])
}

fn popup_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border())
}

pub(super) fn draw_order_form(frame: &mut Frame, app: &App, theme: &Theme, form: &NewOrderForm) {
    let area = centered(frame.area(), 90, 70);
    super::clear_popup(frame, area);
    let title = if form.confirm_discard {
        " Discard this order? y = discard, any other key = keep editing ".to_string()
    } else {
        " New service order · Tab next field · ←/→ choose · Ctrl-S request · Esc cancel "
            .to_string()
    };
    let block = popup_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let check = form.validate(&app.policies, &app.orgs, &app.orders.orders, app.now);
    let value_w = (inner.width as usize).saturating_sub(22);
    let fields = form.fields();
    let mut lines = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let value = match field {
            OrderField::Org => app
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
            OrderField::Kind => format!("◀ {} ▶", form.kind),
            OrderField::Level => format!("◀ {} ▶", form.level),
            OrderField::Scenario => format!("◀ {} ▶", form.scenario),
            OrderField::Start => sanitize_line(&form.start),
            OrderField::End => sanitize_line(&form.end),
            OrderField::Month => sanitize_line(&form.month),
            OrderField::Note => sanitize_line(&form.note),
        };
        let focused = i == form.focus % fields.len();
        let error = matches!(&check, Err((f, _)) if f == field);
        lines.push(form_line(
            field.label(),
            value,
            focused,
            field.is_choice(),
            error,
            theme,
            value_w,
        ));
    }
    lines.push(Line::raw(""));
    match &check {
        Ok(_) => lines.push(Line::styled(
            "✓ allowed by the plan: Ctrl-S requests it",
            theme.row(RowState::Met),
        )),
        Err((_, msg)) => {
            for l in wrap_to_width(&sanitize_line(msg), (inner.width as usize).max(10)) {
                lines.push(Line::styled(l, theme.breached()));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn draw_rate_form(frame: &mut Frame, theme: &Theme, form: &RateForm) {
    let area = centered(frame.area(), 80, 60);
    super::clear_popup(frame, area);
    let block = popup_block(
        format!(
            " Rate order #{} · Tab next · ←/→ or 1–5 stars · Ctrl-S save · Esc cancel ",
            form.order_id
        ),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let value_w = (inner.width as usize).saturating_sub(22);
    let count = form.feedback.trim().chars().count();
    let error = form.error();
    let mut lines = vec![
        form_line(
            "Response speed",
            stars(form.speed),
            form.focus == RateField::Speed,
            true,
            false,
            theme,
            value_w,
        ),
        form_line(
            "Deliverable quality",
            stars(form.quality),
            form.focus == RateField::Quality,
            true,
            false,
            theme,
            value_w,
        ),
        form_line(
            &format!("Feedback {count}/{MAX_FEEDBACK_CHARS}"),
            String::new(),
            form.focus == RateField::Feedback,
            false,
            error.is_some(),
            theme,
            value_w,
        ),
    ];
    let wrap_w = (inner.width as usize).saturating_sub(2).max(10);
    for l in wrap_to_width(&sanitize_line(&form.feedback), wrap_w) {
        lines.push(Line::raw(format!("  {l}")));
    }
    lines.push(Line::raw(""));
    match error {
        None => lines.push(Line::styled(
            "✓ ready: Ctrl-S saves the rating",
            theme.row(RowState::Met),
        )),
        Some(e) => lines.push(Line::styled(sanitize_line(&e), theme.breached())),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub(super) fn draw_reject(frame: &mut Frame, theme: &Theme, order_id: i64, input: &str) {
    let area = centered(frame.area(), 70, 20);
    super::clear_popup(frame, area);
    let block = popup_block(
        format!(" Reject order #{order_id} · reason (required) · Enter reject · Esc cancel "),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = (inner.width as usize).saturating_sub(2);
    frame.render_widget(
        Paragraph::new(format!("{}█", truncate_to_width(&sanitize_line(input), w))),
        inner,
    );
}

/// The plan line of an organization for the ticket detail: retirement and links spelled out.
pub(super) fn plan_text(app: &App, org_id: i64) -> Option<String> {
    let o = app.orgs.iter().find(|o| o.id == org_id)?;
    Some(sanitize_line(&rules::plan_summary(
        o,
        &app.policies,
        app.now,
    )))
}
