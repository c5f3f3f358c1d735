//! The canned-reply picker (`Ctrl-T` in the editor): over the editor, a filter line, the
//! matching templates with where they come from, and the selected one's text as written
//! (variables unfilled: they are filled when inserted).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, centered, clear_popup, draw_editor};
use crate::app::{App, TemplatePicker};
use crate::reply_template::TemplateSource;
use crate::text::{fit_to_width, sanitize_line, truncate_to_width};

pub(super) fn draw_template_picker(
    frame: &mut Frame,
    app: &App,
    theme: &Theme,
    p: &TemplatePicker,
) {
    draw_editor(frame, app, theme, &p.editor);
    let area = centered(frame.area(), 70, 70);
    clear_popup(frame, area);
    let title = truncate_to_width(
        &format!(
            " {} ",
            crate::tr!(app.lang, "tpl-title", id = p.editor.ticket_id)
        ),
        area.width.saturating_sub(2) as usize,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let width = inner.width as usize;
    let matches = p.matches();
    let filter_label = format!("{} ", app.lang.t("tpl-filter"));
    let label_w = crate::text::display_width(&filter_label);
    let filter = Line::from(vec![
        Span::styled(filter_label, theme.dim()),
        Span::raw(fit_to_width(
            &sanitize_line(&p.filter),
            width.saturating_sub(label_w),
        )),
    ]);
    frame.render_widget(
        Paragraph::new(filter),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    // The list takes up to half the room; the preview of the selected template the rest.
    let room = inner.height - 1;
    let list_h = (matches.len().max(1) as u16).min(room / 2).max(1);
    let list_area = Rect::new(inner.x, inner.y + 1, inner.width, list_h);
    let start = p.selected.saturating_sub(list_h as usize - 1);
    let mut lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(list_h as usize)
        .map(|(i, t)| {
            let source = fit_to_width(
                &match t.source {
                    TemplateSource::File(_) => app.lang.t("tpl-yours"),
                    TemplateSource::Shared => app.lang.t("tpl-shared"),
                },
                6,
            );
            let text = fit_to_width(&format!("{source}  {}", sanitize_line(&t.name)), width);
            if i == p.selected {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    if matches.is_empty() {
        lines.push(Line::styled(app.lang.t("tpl-no-match"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    let preview_y = list_area.y + list_h;
    let preview_h = inner.y + inner.height - preview_y;
    if preview_h < 2 {
        return;
    }
    let Some(t) = matches.get(p.selected) else {
        return;
    };
    let mut preview = vec![Line::styled("─".repeat(width), theme.border())];
    preview.extend(
        t.body
            .lines()
            .take(preview_h as usize - 1)
            .map(|l| Line::styled(fit_to_width(&sanitize_line(l), width), theme.dim())),
    );
    frame.render_widget(
        Paragraph::new(preview),
        Rect::new(inner.x, preview_y, inner.width, preview_h),
    );
}
