//! The Triage view (mail that opened no ticket) and its two popups. Drawing only; every
//! field of a message is customer text, sanitised before it reaches a cell.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Wrap};

use super::widgets::{ListPane, columns, draw_list_pane, draw_prompt, list_width, popup_block};
use super::{Theme, centered, field_line, pane_block};
use crate::app::{App, FileTriageForm};
use crate::i18n::Lang;
use crate::text::{fit_to_width, sanitize_line, sanitize_lines, truncate_to_width, wrap_to_width};
use crate::tr;

pub(super) fn draw_triage(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let items = &app.triage.items;
    let w = list_width(area);
    let (id_w, at_w) = (5usize, 11usize);
    let from_w = if w < 100 { 18 } else { 28 };
    let subject_w = w.saturating_sub(1 + id_w + at_w + from_w + 4).max(6);
    let empty = if app.triage.loaded {
        tr!(lang, "tri-empty")
    } else {
        tr!(lang, "tri-loading")
    };
    let cols = columns(
        lang,
        &[
            ("", 1),
            ("col-id", id_w),
            ("tri-col-received", at_w),
            ("tri-col-from", from_w),
            ("tri-col-subject", subject_w),
        ],
        None,
    );
    let pane = ListPane::new(
        format!(" {} ", tr!(lang, "tri-title", n = items.len())),
        true,
        empty,
        cols,
        (items.len(), app.triage.selected),
    );
    draw_list_pane(frame, theme, area, pane, |i, selected| {
        let t = &items[i];
        let subject = match &t.auto {
            Some(_) => format!("[auto] {}", t.subject),
            None => t.subject.clone(),
        };
        let row = Row::new(vec![
            if selected { "▶" } else { " " }.to_string(),
            fit_to_width(&t.id.to_string(), id_w),
            fit_to_width(
                &t.received_at
                    .with_timezone(&app.local_offset)
                    .format("%m-%d %H:%M")
                    .to_string(),
                at_w,
            ),
            fit_to_width(&sanitize_line(&t.from_address), from_w),
            fit_to_width(&sanitize_line(&subject), subject_w),
        ]);
        if selected {
            row.style(theme.selected().add_modifier(Modifier::REVERSED))
        } else if t.auto.is_some() {
            row.style(theme.dim())
        } else {
            row
        }
    });
}

pub(super) fn draw_triage_item(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let Some(t) = app.triage.selected_item() else {
        let block = pane_block(format!(" {} ", tr!(lang, "tri-message")), false, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(tr!(lang, "tri-hint"))
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let block = pane_block(
        format!(" {} ", tr!(lang, "tri-message-item", id = t.id)),
        false,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = (inner.width as usize).saturating_sub(1).max(10);
    let from = match &t.from_name {
        Some(n) => format!("{} <{}>", sanitize_line(n), sanitize_line(&t.from_address)),
        None => sanitize_line(&t.from_address),
    };
    let mut lines = vec![
        field_line(
            &lang.t("tri-label-from"),
            truncate_to_width(&from, width.saturating_sub(11)),
            theme,
        ),
        field_line(
            &lang.t("tri-label-subject"),
            truncate_to_width(&sanitize_line(&t.subject), width.saturating_sub(11)),
            theme,
        ),
        field_line(
            &lang.t("tri-label-received"),
            app.local_time(t.received_at, "%Y-%m-%d %H:%M"),
            theme,
        ),
    ];
    if let Some(why) = &t.auto {
        lines.push(field_line(
            &lang.t("tri-label-auto"),
            truncate_to_width(&sanitize_line(why), width.saturating_sub(11)),
            theme,
        ));
    }
    for a in &t.attachments {
        lines.push(field_line(
            &lang.t("ord-label-attached"),
            truncate_to_width(&sanitize_line(&a.text(lang)), width.saturating_sub(11)),
            theme,
        ));
    }
    lines.push(Line::raw(""));
    for l in sanitize_lines(&t.body) {
        for w in wrap_to_width(&l, width) {
            lines.push(Line::raw(w));
        }
        if lines.len() > inner.height as usize + 2 {
            break;
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn draw_file_form(frame: &mut Frame, app: &App, theme: &Theme, form: &FileTriageForm) {
    let lang = app.lang;
    let area = centered(frame.area(), 90, 40);
    super::clear_popup(frame, area);
    let block = popup_block(
        format!(" {} ", tr!(lang, "tri-file-title", id = form.item_id)),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let value_w = (inner.width as usize).saturating_sub(16).max(6);
    let levels = app.triage_levels(form.org);
    let org = app
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
        .unwrap_or_else(|| tr!(lang, "tui-form-no-orgs"));
    let severity = match form.severity_of(&levels) {
        Some(s) => format!("◀ {} ▶", lang.word("severity", s)),
        None => format!("◀ {} ▶", tr!(lang, "tri-severity-auto")),
    };
    let line = |label: &str, value: String, focused: bool| {
        Line::from(vec![
            ratatui::text::Span::styled(
                format!(
                    "{}{}",
                    if focused { "▶" } else { " " },
                    fit_to_width(label, 14)
                ),
                if focused { theme.title() } else { theme.dim() },
            ),
            ratatui::text::Span::styled(
                truncate_to_width(&value, value_w),
                if focused {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                },
            ),
        ])
    };
    let lines = vec![
        Line::styled(
            truncate_to_width(
                &format!("“{}”", sanitize_line(&form.subject)),
                inner.width as usize,
            ),
            theme.dim(),
        ),
        Line::raw(""),
        line(&lang.t("form-org"), org, form.focus == 0),
        line(&lang.t("form-severity"), severity, form.focus == 1),
        Line::raw(""),
        Line::styled(tr!(lang, "tri-file-note"), theme.dim()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub(super) fn draw_discard(
    frame: &mut Frame,
    lang: Lang,
    theme: &Theme,
    item_id: i64,
    input: &str,
) {
    let title = tr!(lang, "tri-discard-title", id = item_id);
    draw_prompt(frame, theme, &title, "", input, vec![]);
}
