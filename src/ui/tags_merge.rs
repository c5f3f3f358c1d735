//! The popups of tagging (`T`) and merging (`M`): they only draw the app's state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, centered};
use crate::app::{MergeConfirm, MergeForm, TagForm, tags_merge_text as text};
use crate::i18n::Lang;
use crate::text::{display_width, fit_to_width, sanitize_line, truncate_to_width};

fn popup_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border())
}

pub(super) fn draw_tag_form(frame: &mut Frame, lang: Lang, theme: &Theme, f: &TagForm) {
    let area = centered(frame.area(), 70, 20);
    let area = Rect {
        height: area.height.max(4),
        ..area
    };
    super::clear_popup(frame, area);
    let who = text::tag_for(
        lang,
        f.tickets.len(),
        f.bulk,
        f.tickets.keys().next().copied(),
    );
    let block = popup_block(format!("{} {} ", text::tag_title(lang), who), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = (inner.width as usize).saturating_sub(2);
    let mut lines = vec![Line::raw(format!(
        "{}█",
        truncate_to_width(&sanitize_line(&f.input), w)
    ))];
    if !f.bulk {
        lines.push(Line::styled(
            fit_to_width(
                &format!(
                    "{}{}",
                    text::tag_now(lang),
                    if f.current.is_empty() {
                        "-".to_string()
                    } else {
                        sanitize_line(&f.current.join(" "))
                    }
                ),
                w,
            ),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn draw_merge_target(frame: &mut Frame, lang: Lang, theme: &Theme, f: &MergeForm) {
    let area = centered(frame.area(), 70, 20);
    let area = Rect {
        height: area.height.max(4),
        ..area
    };
    super::clear_popup(frame, area);
    let block = popup_block(text::merge_title(lang), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = (inner.width as usize).saturating_sub(2);
    let lines = vec![
        Line::raw(format!("#{}█", truncate_to_width(&f.input, w))),
        Line::styled(
            fit_to_width(
                &format!("#{} {}", f.source, sanitize_line(&f.source_summary)),
                w,
            ),
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn draw_confirm_merge(frame: &mut Frame, lang: Lang, theme: &Theme, c: &MergeConfirm) {
    let area = frame.area();
    let question = text::question(lang, c.source, c.target);
    let hint = text::confirm_hint(lang);
    let width = (display_width(&hint).max(display_width(&question)) as u16 + 4).min(area.width);
    let inner_w = width.saturating_sub(2) as usize;
    let target = c
        .target_summary
        .as_deref()
        .map(sanitize_line)
        .unwrap_or_else(|| text::not_loaded(lang));
    let lines = vec![
        Line::raw(fit_to_width(&question, inner_w)),
        Line::styled(
            fit_to_width(
                &format!("#{} {}", c.source, sanitize_line(&c.source_summary)),
                inner_w,
            ),
            theme.dim(),
        ),
        Line::styled(
            fit_to_width(&format!("→ #{} {target}", c.target), inner_w),
            theme.dim(),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" y ", theme.key()),
            Span::raw(text::confirm_key(lang)),
        ]),
        Line::styled(fit_to_width(&hint, inner_w), theme.dim()),
    ];
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    );
    super::clear_popup(frame, rect);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block(text::confirm_title(lang), theme)),
        rect,
    );
}
