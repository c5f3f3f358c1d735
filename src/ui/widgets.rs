//! The pieces the views share: the popup frame, the one-question confirmation popup, the
//! one-line prompt popup, and the list pane (a titled table whose window keeps the selection
//! in view). Drawing only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use super::{Theme, centered, clear_popup, pane_block};
use crate::i18n::Lang;
use crate::text::{display_width, fit_to_width, sanitize_line, truncate_to_width, wrap_to_width};

/// The frame of every popup: all borders in the focus colour, titled.
pub(super) fn popup_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border())
}

/// One line of a confirmation popup's text.
pub(super) struct ConfirmLine {
    text: String,
    dim: bool,
    /// Wrapped over as many rows as it needs; else cut to one row (customer text such as a
    /// summary, a list of ticket numbers).
    wrap: bool,
}

impl ConfirmLine {
    /// Our own words: shown whole, wrapped when the popup is narrower.
    pub fn said(text: String) -> Self {
        Self {
            text,
            dim: false,
            wrap: true,
        }
    }
    /// Our own words, dimmed (what happens, what cancels).
    pub fn note(text: String) -> Self {
        Self {
            text,
            dim: true,
            wrap: true,
        }
    }
    /// A detail on one row, dimmed and cut to the width (a summary, a list of numbers).
    pub fn detail(text: String) -> Self {
        Self {
            text,
            dim: true,
            wrap: false,
        }
    }
}

/// A popup that asks one question before something irreversible: the question and what it
/// concerns, a blank row, the key that says yes (`key` and its label), then notes (what
/// happens, "any other key cancels"). At least `min_width` wide, as wide as the widest line
/// when the screen allows, centred; every text sanitised and fitted to the popup.
pub(super) struct Confirm {
    pub title: String,
    pub lines: Vec<ConfirmLine>,
    pub key: &'static str,
    pub key_label: String,
    pub notes: Vec<ConfirmLine>,
    pub min_width: usize,
}

pub(super) fn draw_confirm(frame: &mut Frame, theme: &Theme, c: Confirm) {
    let area = frame.area();
    // As wide as the widest line (a detail too, so that a summary is shown whole when the
    // screen has room), at most the screen.
    let widest = c
        .lines
        .iter()
        .chain(&c.notes)
        .map(|l| display_width(&sanitize_line(&l.text)))
        .max()
        .unwrap_or(0)
        .max(c.min_width);
    let width = (widest as u16).saturating_add(4).min(area.width);
    let inner_w = (width.saturating_sub(2) as usize).max(1);
    let render = |l: &ConfirmLine, out: &mut Vec<Line<'static>>| {
        let text = sanitize_line(&l.text);
        let rows = if l.wrap {
            wrap_to_width(&text, inner_w)
        } else {
            vec![fit_to_width(&text, inner_w)]
        };
        for r in rows {
            out.push(if l.dim {
                Line::styled(r, theme.dim())
            } else {
                Line::raw(r)
            });
        }
    };
    let mut lines = Vec::new();
    for l in &c.lines {
        render(l, &mut lines);
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(format!(" {} ", c.key), theme.key()),
        Span::raw(truncate_to_width(
            &format!(" {}", sanitize_line(&c.key_label)),
            inner_w.saturating_sub(display_width(c.key) + 2),
        )),
    ]));
    for l in &c.notes {
        render(l, &mut lines);
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + area.width.saturating_sub(width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    clear_popup(frame, rect);
    let title = truncate_to_width(&format!(" {} ", sanitize_line(c.title.trim())), inner_w);
    frame.render_widget(Paragraph::new(lines).block(popup_block(title, theme)), rect);
}

/// A popup that reads one line (a reason, tags, a ticket number): the title, the typed text
/// after `prefix` with a block cursor, then `below` (hints, the current value) dimmed, each
/// sanitised and cut to the popup's width.
pub(super) fn draw_prompt(
    frame: &mut Frame,
    theme: &Theme,
    title: &str,
    prefix: &str,
    input: &str,
    below: Vec<String>,
) {
    let screen = frame.area();
    let area = centered(screen, 70, 20);
    let height = area.height.max(below.len() as u16 + 3).min(screen.height);
    let area = Rect {
        y: screen.y + (screen.height - height) / 2,
        height,
        ..area
    };
    clear_popup(frame, area);
    let block = popup_block(
        truncate_to_width(
            &format!(" {} ", sanitize_line(title.trim())),
            area.width.saturating_sub(2) as usize,
        ),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = (inner.width as usize).saturating_sub(2 + display_width(prefix));
    let mut lines = vec![Line::raw(format!(
        "{prefix}{}█",
        truncate_to_width(&sanitize_line(input), w)
    ))];
    lines.extend(below.iter().map(|l| {
        Line::styled(
            fit_to_width(&sanitize_line(l), inner.width as usize),
            theme.dim(),
        )
    }));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A column of a list pane: its heading and width in cells; `right` aligns the heading to
/// the right (figures: a countdown, a deadline).
pub(super) struct Column {
    pub heading: String,
    pub width: usize,
    pub right: bool,
}

/// The columns of a list from (catalogue key, width) pairs, an empty key heading nothing
/// (the selection and state marks), then `right`: a last column aligned to the right (a
/// countdown, a deadline).
pub(super) fn columns(
    lang: Lang,
    spec: &[(&str, usize)],
    right: Option<(&str, usize)>,
) -> Vec<Column> {
    let column = |key: &str, width: usize, right: bool| Column {
        heading: if key.is_empty() {
            String::new()
        } else {
            lang.t(key)
        },
        width,
        right,
    };
    let mut out: Vec<Column> = spec.iter().map(|&(k, w)| column(k, w, false)).collect();
    out.extend(right.map(|(k, w)| column(k, w, true)));
    out
}

/// A list pane: a bordered, titled block; `empty` when there is nothing to list; else a table
/// with a heading row and `len` rows built by `row(index, selected)`. With `window` the rows
/// shown are the ones that fit, ending at the selection once it passes the bottom (the
/// queue pages itself and passes `false`).
pub(super) struct ListPane {
    pub title: String,
    pub focused: bool,
    pub empty: String,
    pub columns: Vec<Column>,
    pub len: usize,
    pub selected: usize,
    pub window: bool,
}

impl ListPane {
    /// A list of `len` rows with `selected` kept in view (see [`ListPane::paged`]).
    pub fn new(
        title: String,
        focused: bool,
        empty: String,
        columns: Vec<Column>,
        (len, selected): (usize, usize),
    ) -> Self {
        Self {
            title,
            focused,
            empty,
            columns,
            len,
            selected,
            window: true,
        }
    }

    /// Every row is drawn: the app pages the list itself to what fits.
    pub fn paged(self) -> Self {
        Self {
            window: false,
            ..self
        }
    }
}

/// The width inside a list pane's borders, which its columns share.
pub(super) fn list_width(area: Rect) -> usize {
    area.width.saturating_sub(2) as usize
}

pub(super) fn draw_list_pane<'r>(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    pane: ListPane,
    mut row: impl FnMut(usize, bool) -> Row<'r>,
) {
    let block = pane_block(pane.title, pane.focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.len == 0 {
        frame.render_widget(
            Paragraph::new(pane.empty)
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let header = Row::new(
        pane.columns
            .iter()
            .map(|c| {
                if c.right {
                    crate::text::right_align(&c.heading, c.width)
                } else {
                    fit_to_width(&c.heading, c.width)
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.column_header());
    let (first, shown) = if pane.window {
        let height = inner.height.saturating_sub(1).max(1) as usize;
        (
            pane.selected.saturating_sub(height.saturating_sub(1)),
            height,
        )
    } else {
        (0, pane.len)
    };
    let rows: Vec<Row> = (first..pane.len.min(first + shown))
        .map(|i| row(i, i == pane.selected))
        .collect();
    let widths: Vec<Constraint> = pane
        .columns
        .iter()
        .map(|c| Constraint::Length(c.width as u16))
        .collect();
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}
