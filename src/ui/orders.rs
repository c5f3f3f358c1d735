//! The Orders view (service orders with deadline countdowns) and its forms. Drawing only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Wrap};

use super::widgets::{ListPane, columns, draw_list_pane, draw_prompt, list_width, popup_block};
use super::{Theme, centered, field_line, pane_block};
use crate::app::{
    App, NewOrderForm, OrderField, RateField, RateForm, RowState, order_deadline_text,
    order_subject,
};
use crate::domain::{Order, OrderStatus};
use crate::i18n::Lang;
use crate::orders::MAX_FEEDBACK_CHARS;
use crate::policy::rules;
use crate::text::{fit_to_width, sanitize_line, sanitize_lines, truncate_to_width, wrap_to_width};
use crate::tr;

pub(super) fn draw_orders(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let list = &app.orders.orders;
    let open = list.iter().filter(|o| o.is_open()).count();
    let w = list_width(area);
    let narrow = w < 100;
    let (id_w, status_w, left_w) = (6usize, 10usize, 12usize);
    let kind_w = if narrow { 11 } else { 18 };
    let org_w = if narrow { 12 } else { 20 };
    let fixed = 2 + id_w + kind_w + org_w + status_w + left_w + 6;
    let subject_w = w.saturating_sub(fixed).max(6);
    let empty = if app.orders.loaded {
        tr!(lang, "ord-empty")
    } else {
        tr!(lang, "ord-loading")
    };
    let title = tr!(lang, "ord-title", open = open, shown = list.len());
    let cols = columns(
        lang,
        &[
            ("", 2),
            ("col-id", id_w),
            ("ord-col-kind", kind_w),
            ("col-org", org_w),
            ("col-status", status_w),
            ("ord-col-for", subject_w),
        ],
        Some(("ord-col-deadline", left_w)),
    );
    let pane = ListPane::new(
        format!(" {title} "),
        true,
        empty,
        cols,
        (list.len(), app.orders.selected),
    );
    draw_list_pane(frame, theme, area, pane, |i, selected| {
        let o = &list[i];
        let state = app.order_state(o);
        let mut style = theme.row(state);
        if selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let deadline = order_deadline_text(lang, o, app.now);
        Row::new(vec![
            format!(
                "{}{}",
                if selected { "▶" } else { " " },
                theme.symbol(state)
            ),
            fit_to_width(&o.id.to_string(), id_w),
            fit_to_width(
                &if narrow {
                    lang.word("order-kind-short", o.kind.as_str())
                } else {
                    lang.word("order-kind", o.kind.as_str())
                },
                kind_w,
            ),
            fit_to_width(&sanitize_line(&o.org), org_w),
            fit_to_width(&lang.word("order-status", o.status.as_str()), status_w),
            fit_to_width(&order_subject(lang, o), subject_w),
            crate::text::right_align(&deadline, left_w),
        ])
        .style(style)
    });
}

fn stars(lang: Lang, n: u8) -> String {
    if n == 0 {
        return format!("☆☆☆☆☆ {}", tr!(lang, "ord-not-set"));
    }
    format!(
        "{}{} {n}/5",
        "★".repeat(n as usize),
        "☆".repeat(5 - n as usize)
    )
}

pub(super) fn draw_order_detail(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let Some(o) = app.orders.selected_order() else {
        let block = pane_block(format!(" {} ", tr!(lang, "ord-detail-title")), false, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(tr!(lang, "ord-select")).style(theme.dim()),
            inner,
        );
        return;
    };
    let block = pane_block(
        format!(
            " {} #{} · {} ",
            tr!(lang, "ord-detail-title"),
            o.id,
            lang.word("order-kind", o.kind.as_str())
        ),
        false,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width.saturating_sub(1) as usize;
    let mut lines = order_lines(o, app, theme, width);
    lines.truncate(inner.height as usize + 50);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn order_lines<'a>(o: &Order, app: &App, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let lang = app.lang;
    let state = app.order_state(o);
    let label = |key: &str| fit_to_width(&lang.t(key), super::LABEL_W);
    let mut lines = vec![
        field_line(&lang.t("ord-label-org"), sanitize_line(&o.org), theme),
        field_line(&lang.t("ord-label-for"), order_subject(lang, o), theme),
        Line::from(vec![
            Span::styled(label("ord-label-status"), theme.dim()),
            Span::styled(
                format!(
                    "{} {}",
                    theme.symbol(state),
                    lang.word("order-status", o.status.as_str())
                ),
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
            format!("  ({})", order_deadline_text(lang, o, app.now))
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(label("ord-label-deadline"), theme.dim()),
            Span::styled(format!("{local}{left}"), theme.row(state)),
        ]));
    }
    let windows = crate::assurance::windows_of(&app.orders.orders, o.org_id);
    if let Ok(tz) = o.tz.parse::<chrono_tz::Tz>()
        && let Some(w) =
            crate::assurance::freeze_on(&windows, app.now.with_timezone(&tz).date_naive())
    {
        lines.push(Line::from(vec![
            Span::styled(label("ord-label-freeze"), theme.dim()),
            Span::styled(crate::assurance::freeze_text(lang, &w), theme.at_risk()),
        ]));
    }
    lines.push(field_line(
        &lang.t("ord-label-requested"),
        tr!(
            lang,
            "ord-requested-by",
            date = o.requested_on.to_string(),
            who = sanitize_line(&o.created_by)
        ),
        theme,
    ));
    if let Some(t) = o.completed_at {
        lines.push(field_line(
            &lang.t("ord-label-completed"),
            app.local_time(t, "%Y-%m-%d %H:%M"),
            theme,
        ));
    }
    if let Some(r) = &o.reject_reason {
        lines.push(field_line(
            &lang.t("ord-label-rejected"),
            sanitize_line(r),
            theme,
        ));
    }
    for a in &o.attachments {
        lines.push(field_line(
            &lang.t("ord-label-attached"),
            tr!(
                lang,
                "ord-attached",
                name = sanitize_line(&a.name),
                size = a.size
            ),
            theme,
        ));
    }
    if !o.note.is_empty() {
        lines.push(Line::styled(lang.t("ord-label-note"), theme.dim()));
        for l in sanitize_lines(&o.note) {
            for w in wrap_to_width(&l, width.max(10)) {
                lines.push(Line::raw(w));
            }
        }
    }
    match (&o.rating, o.status) {
        (Some(r), _) => {
            lines.push(field_line(
                &lang.t("ord-label-speed"),
                stars(lang, r.speed),
                theme,
            ));
            lines.push(field_line(
                &lang.t("ord-label-quality"),
                stars(lang, r.quality),
                theme,
            ));
            if !r.feedback.is_empty() {
                lines.push(Line::styled(lang.t("ord-label-feedback"), theme.dim()));
                for l in sanitize_lines(&r.feedback) {
                    for w in wrap_to_width(&l, width.max(10)) {
                        lines.push(Line::raw(w));
                    }
                }
            }
        }
        (None, OrderStatus::Completed) => {
            lines.push(Line::styled(lang.t("ord-not-rated"), theme.dim()))
        }
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
            format!(
                "{}{}",
                if focused { "▶" } else { " " },
                fit_to_width(label, 20)
            ),
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

pub(super) fn draw_order_form(frame: &mut Frame, app: &App, theme: &Theme, form: &NewOrderForm) {
    let lang = app.lang;
    let area = centered(frame.area(), 90, 70);
    super::clear_popup(frame, area);
    let title = if form.confirm_discard {
        format!(" {} ", tr!(lang, "ord-form-discard"))
    } else {
        format!(" {} ", tr!(lang, "ord-form-title"))
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
                .unwrap_or_else(|| tr!(lang, "tui-form-no-orgs")),
            OrderField::Kind => format!("◀ {} ▶", lang.word("order-kind", form.kind.as_str())),
            OrderField::Level => format!("◀ {} ▶", form.level),
            OrderField::Scenario => {
                format!("◀ {} ▶", lang.word("scenario", form.scenario.as_str()))
            }
            OrderField::Start => sanitize_line(&form.start),
            OrderField::End => sanitize_line(&form.end),
            OrderField::Month => sanitize_line(&form.month),
            OrderField::Note => sanitize_line(&form.note),
        };
        let focused = i == form.focus % fields.len();
        let error = matches!(&check, Err((f, _)) if f == field);
        lines.push(form_line(
            &field.label(lang),
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
            format!("✓ {}", tr!(lang, "ord-form-ok")),
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

pub(super) fn draw_rate_form(frame: &mut Frame, lang: Lang, theme: &Theme, form: &RateForm) {
    let area = centered(frame.area(), 80, 60);
    super::clear_popup(frame, area);
    let block = popup_block(
        format!(" {} ", tr!(lang, "ord-rate-title", id = form.order_id)),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let value_w = (inner.width as usize).saturating_sub(22);
    let count = form.feedback.trim().chars().count();
    let error = form.error();
    let mut lines = vec![
        form_line(
            &lang.t("ord-rate-speed"),
            stars(lang, form.speed),
            form.focus == RateField::Speed,
            true,
            false,
            theme,
            value_w,
        ),
        form_line(
            &lang.t("ord-rate-quality"),
            stars(lang, form.quality),
            form.focus == RateField::Quality,
            true,
            false,
            theme,
            value_w,
        ),
        form_line(
            &tr!(
                lang,
                "ord-rate-feedback",
                count = count,
                max = MAX_FEEDBACK_CHARS
            ),
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
            format!("✓ {}", tr!(lang, "ord-rate-ready")),
            theme.row(RowState::Met),
        )),
        Some(e) => lines.push(Line::styled(sanitize_line(&e), theme.breached())),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub(super) fn draw_reject(
    frame: &mut Frame,
    lang: Lang,
    theme: &Theme,
    order_id: i64,
    input: &str,
) {
    let title = tr!(lang, "ord-reject-title", id = order_id);
    draw_prompt(frame, theme, &title, "", input, vec![]);
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
