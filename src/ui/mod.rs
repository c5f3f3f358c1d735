//! Drawing only: every function here borrows the app state and paints it. Customer text is
//! sanitised and fitted to its column before it reaches a cell.

mod orders;
mod report;
mod tags_merge;
mod templates;
mod theme;
mod triage;
mod widgets;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph, Row};

pub use theme::Theme;

use crate::app::{ACTIONS, App, FormField, Mode, Pane, RowState, View, row_state};
use crate::domain::{AuthorRole, EntryKind, Ticket};
use crate::i18n::Lang;
use crate::sla::SlaState;
use crate::text::{
    display_width, fit_to_width, sanitize_line, sanitize_lines, truncate_to_width, wrap_to_width,
};
use crate::tr;

/// Below this the panes cannot show anything useful; ask for room instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Where the panes go for a terminal of this size.
pub struct Areas {
    pub header: Rect,
    pub queue: Rect,
    pub detail: Rect,
    pub sla: Rect,
    /// The rows of the actions in their undo window, between the panes and the footer
    /// (empty when none waits).
    pub pending: Rect,
    pub footer: Rect,
}

pub fn layout(area: Rect) -> Areas {
    layout_with_pending(area, 0)
}

/// The layout with `pending` rows above the footer for the undo countdowns, taken from the
/// bottom panes (Detail and SLA) so that no pane's border is drawn over; the panes keep at
/// least one row inside their borders.
pub fn layout_with_pending(area: Rect, pending: u16) -> Areas {
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
    let n = pending.min(split[1].height.saturating_sub(3));
    let shrink = |r: Rect| Rect {
        height: r.height - n,
        ..r
    };
    Areas {
        header: rows[0],
        queue: split[0],
        detail: shrink(bottom[0]),
        sla: shrink(bottom[1]),
        pending: Rect::new(rows[2].x, rows[2].y - n, rows[2].width, n),
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
    let theme = Theme::new(app.theme, app.no_color);
    let lang = app.lang;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = tr!(
            lang,
            "tui-too-small",
            min_w = MIN_WIDTH,
            min_h = MIN_HEIGHT,
            w = area.width,
            h = area.height
        );
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let pending = pending_rows(app);
    let a = layout_with_pending(area, pending.len() as u16);
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
        View::Triage => {
            triage::draw_triage(frame, app, &theme, a.queue);
            triage::draw_triage_item(frame, app, &theme, a.detail);
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
        Mode::Pick(p) => draw_picker(frame, lang, &theme, p),
        Mode::ConfirmBulk(c) => draw_confirm_bulk(frame, lang, &theme, c),
        Mode::Tag(f) => tags_merge::draw_tag_form(frame, lang, &theme, f),
        Mode::MergeTarget(f) => tags_merge::draw_merge_target(frame, lang, &theme, f),
        Mode::ConfirmMerge(c) => tags_merge::draw_confirm_merge(frame, lang, &theme, c),
        Mode::SaveAttachment(f) => draw_save_attachment(frame, lang, &theme, f),
        Mode::ConfirmReply { ticket_id, who } => {
            draw_confirm_reply(frame, lang, &theme, *ticket_id, who)
        }
        Mode::Editor(e) => draw_editor(frame, app, &theme, e),
        Mode::Templates(p) => templates::draw_template_picker(frame, app, &theme, p),
        Mode::NewTicket(form) => draw_form(frame, app, &theme, form),
        Mode::NewOrder(form) => orders::draw_order_form(frame, app, &theme, form),
        Mode::RateOrder(form) => orders::draw_rate_form(frame, lang, &theme, form),
        Mode::RejectOrder { order_id, input } => {
            orders::draw_reject(frame, lang, &theme, *order_id, input)
        }
        Mode::FileTriage(form) => triage::draw_file_form(frame, app, &theme, form),
        Mode::DiscardTriage { item_id, input } => {
            triage::draw_discard(frame, lang, &theme, *item_id, input)
        }
        _ => {}
    }
    draw_pending(frame, &theme, pending, a.pending);
    draw_message(frame, app, &theme, a.footer);
}

/// Actions in their undo window, one row each (`reply to #123 sends in 7 s · u undo`),
/// soonest due first; at most three rows, then `+N more`.
fn pending_rows(app: &App) -> Vec<String> {
    const ROWS: usize = 3;
    let mut lines = app.pending_lines();
    if lines.len() > ROWS {
        let more = lines.len() - (ROWS - 1);
        lines.truncate(ROWS - 1);
        lines.push(tr!(app.lang, "undo-more", n = more));
    }
    lines
}

/// The countdowns in their own rows above the footer (see [`layout_with_pending`]), to the
/// right; a row the screen has no room for is left out.
fn draw_pending(frame: &mut Frame, theme: &Theme, lines: Vec<String>, area: Rect) {
    if area.height == 0 {
        return;
    }
    let width = area.width as usize;
    let text: Vec<Line> = lines
        .into_iter()
        .take(area.height as usize)
        .map(|l| {
            let text = truncate_to_width(&format!(" {} ", sanitize_line(&l)), width);
            Line::from(vec![
                Span::raw(" ".repeat(width.saturating_sub(display_width(&text)))),
                Span::styled(text, theme.at_risk()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(text), area);
}

/// Clears the area under a popup, and the wide glyph (CJK) whose right half would sit under
/// the popup's left border: a terminal draws a wide glyph over the next cell, so left there
/// it would eat the border.
pub(crate) fn clear_popup(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.y..area.y + area.height {
        let cell = &mut buf[(area.x - 1, y)];
        if display_width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A message longer than the footer is shown whole: wrapped over the rows above it.
fn draw_message(frame: &mut Frame, app: &App, theme: &Theme, footer: Rect) {
    let Some((msg, error)) = &app.message else {
        return;
    };
    if matches!(app.mode, Mode::Search { .. } | Mode::Assign(_)) {
        return;
    }
    let width = footer.width.saturating_sub(1) as usize;
    let lines = wrap_to_width(&sanitize_line(msg), width.max(10));
    if lines.len() <= 1 {
        return;
    }
    let n = (lines.len() as u16).min(footer.y + 1);
    let area = Rect::new(footer.x, footer.y + 1 - n, footer.width, n);
    clear_popup(frame, area);
    let style = if *error {
        theme.breached()
    } else {
        theme.header()
    };
    let text: Vec<Line> = lines
        .into_iter()
        .take(n as usize)
        .map(|l| Line::styled(format!(" {l}"), style))
        .collect();
    frame.render_widget(Paragraph::new(text), area);
}

/// The reply / note editor: titled with the ticket, the customer's last message above the
/// text (so it stays in view while replying), long lines wrapped.
pub(super) fn draw_editor(frame: &mut Frame, app: &App, theme: &Theme, e: &crate::app::Editor) {
    let lang = app.lang;
    let popup = centered(frame.area(), 90, 70);
    clear_popup(frame, popup);
    let what = if e.kind == EntryKind::Reply {
        tr!(lang, "tui-editor-reply")
    } else {
        tr!(lang, "tui-editor-note")
    };
    let width = popup.width.saturating_sub(2) as usize;
    let title = if e.confirm_discard {
        format!(" {} ", tr!(lang, "tui-editor-discard"))
    } else {
        format!(
            " {what} · #{} {}{} ",
            e.ticket_id,
            sanitize_line(&e.summary),
            if e.restored {
                format!(" · {}", tr!(lang, "tui-editor-restored"))
            } else {
                String::new()
            }
        )
    };
    let title = truncate_to_width(&title, width);
    // The customer's last word: their latest reply, else the ticket's description.
    let shown = app
        .detail
        .as_ref()
        .filter(|d| d.ticket.as_ref().is_some_and(|t| t.id == e.ticket_id));
    let quote: Option<(String, &str)> = shown.and_then(|d| {
        d.conversation
            .iter()
            .rev()
            .find(|c| c.kind == EntryKind::Reply && c.role == AuthorRole::Customer)
            .map(|c| {
                (
                    format!(
                        " {} · {} · {} ",
                        tr!(lang, "tui-editor-last-message"),
                        sanitize_line(&c.author),
                        app.local_time(c.created_at, "%Y-%m-%d %H:%M")
                    ),
                    c.body.as_str(),
                )
            })
            .or_else(|| {
                d.ticket.as_ref().map(|t| {
                    (
                        format!(" {} ", tr!(lang, "tui-editor-description")),
                        t.description.as_str(),
                    )
                })
            })
    });
    let mut rest = popup;
    if let Some(notice) = &e.notice {
        let lines = wrap_to_width(&sanitize_line(notice), width.max(10));
        let h = (lines.len() as u16).min(2);
        let area = Rect::new(popup.x, popup.y, popup.width, h);
        let text: Vec<Line> = lines
            .into_iter()
            .map(|l| Line::styled(l, theme.at_risk()))
            .collect();
        frame.render_widget(Paragraph::new(text), area);
        // The notice sits inside the top border's area; the blocks start below it.
        rest = Rect::new(
            popup.x,
            popup.y + h,
            popup.width,
            popup.height.saturating_sub(h),
        );
    }
    if let Some((label, body)) = quote.filter(|_| rest.height >= 10) {
        let mut lines: Vec<Line> = Vec::new();
        for raw in sanitize_lines(body) {
            if raw.is_empty() {
                lines.push(Line::raw(""));
            }
            for l in wrap_to_width(&raw, width.max(10)) {
                lines.push(Line::raw(l));
            }
        }
        // At most a third of the popup; the end of the message matters most.
        let max = (rest.height / 3).max(3) as usize;
        let overflow = lines.len().saturating_sub(max.saturating_sub(2));
        let shown_lines: Vec<Line> = lines.into_iter().skip(overflow).collect();
        let h = (shown_lines.len() as u16 + 2).min(max as u16);
        let split = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(h), Constraint::Min(3)])
            .split(rest);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(truncate_to_width(&label, width))
            .border_style(theme.border());
        frame.render_widget(
            Paragraph::new(shown_lines).style(theme.dim()).block(block),
            split[0],
        );
        rest = split[1];
    }
    let mut textarea = e.textarea.clone();
    textarea.set_block(widgets::popup_block(title, theme));
    frame.render_widget(&textarea, rest);
}

fn draw_header(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let c = app.counts;
    let flashing = app.header_flash_until.is_some_and(|u| u > app.now);
    let breached_style = if flashing && app.now.timestamp() % 2 == 0 {
        theme.flash()
    } else if c.breached > 0 {
        theme.breached()
    } else {
        theme.header()
    };
    let at_risk_style = if c.at_risk > 0 {
        theme.at_risk()
    } else {
        theme.header()
    };
    // (text, style, keep): when the line is too wide the lowest `keep` goes first; the
    // breached count goes last. It counts what the queue's breached filter lists.
    let speed = (app.clock_speed > 0.0 && (app.clock_speed - 1.0).abs() > f64::EPSILON)
        .then(|| format!("×{}", format_speed(app.clock_speed)));
    let mut segments: Vec<(String, Style, u8)> = vec![
        (" tuidesk ".into(), theme.title(), 9),
        (format!(" {} ", sanitize_line(&app.me)), theme.header(), 2),
        (
            format!(
                "· {} ",
                truncate_to_width(&sanitize_line(&app.db_label), 24)
            ),
            theme.dim(),
            1,
        ),
        (
            format!("· {} ", tr!(lang, "tui-header-open", n = c.active)),
            theme.header(),
            5,
        ),
        (
            format!(
                "· {} {} ",
                theme.symbol(RowState::AtRisk),
                tr!(lang, "tui-header-at-risk", n = c.at_risk)
            ),
            at_risk_style,
            6,
        ),
        (
            format!(
                "· {} {} ",
                theme.symbol(RowState::Breached),
                tr!(lang, "tui-header-breached", n = c.breached)
            ),
            breached_style,
            8,
        ),
    ];
    if let Some(speed) = speed {
        segments.push((format!("· {speed} "), theme.at_risk(), 7));
    }
    if app.offline.is_some() {
        // Kept when the line is too narrow: work typed now is not saved until it is back.
        segments.insert(
            1,
            (
                format!("· ⚠ {} ", tr!(lang, "tui-header-reconnecting")),
                theme.breached(),
                10,
            ),
        );
    }
    segments.push((
        format!("· {} ", app.local_time(app.now, "%H:%M:%S")),
        theme.header(),
        3,
    ));
    let width = area.width as usize;
    while segments
        .iter()
        .map(|(t, _, _)| display_width(t))
        .sum::<usize>()
        > width
    {
        let Some(lowest) = segments
            .iter()
            .enumerate()
            .filter(|(_, (_, _, keep))| *keep < 8)
            .min_by_key(|(_, (_, _, keep))| *keep)
            .map(|(i, _)| i)
        else {
            break;
        };
        segments.remove(lowest);
    }
    let spans: Vec<Span> = segments
        .into_iter()
        .map(|(t, style, _)| Span::styled(t, style))
        .collect();
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.header()),
        area,
    );
}

/// `60`, `2.5`: the demo clock's speed without a trailing `.0`.
fn format_speed(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}")
    } else {
        format!("{speed}")
    }
}

pub use crate::domain::format_countdown;

fn left_text(lang: Lang, t: &Ticket, state: RowState, now: DateTime<Utc>) -> String {
    crate::app::time_left_text(lang, t, state, now)
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
    let lang = app.lang;
    let q = &app.queue;
    let what = match &q.search {
        Some(s) => tr!(
            lang,
            "tui-queue-search",
            query = truncate_to_width(&sanitize_line(s), 20)
        ),
        None => tr!(
            lang,
            "tui-queue-filter-sort",
            filter = app.filter_label(),
            sort = lang.word("sort", q.sort.as_str())
        ),
    };
    let position = if q.tickets.is_empty() {
        String::new()
    } else {
        format!(" · {}", tr!(lang, "tui-queue-total", n = q.total))
    };
    let marked = if app.marks.is_empty() {
        String::new()
    } else {
        format!(" · {}", tr!(lang, "tui-queue-marked", n = app.marks.len()))
    };
    let queue = tr!(lang, "tui-queue-title");
    let mut title = format!(" {queue} · {what}{position}{marked} ");
    if q.search.is_some() && q.search_bounded {
        // The hits are the best of the newest matches only: say so, dropping the count
        // before the bound when the pane is narrow.
        let bound = crate::text::search_bound_label(lang);
        title = format!(
            " {queue} · {what} · {} · {bound}{marked} ",
            tr!(lang, "tui-queue-shown", n = q.tickets.len())
        );
        if display_width(&title) + 2 > area.width as usize {
            title = format!(" {queue} · {what} · {bound}{marked} ");
        }
    } else if q.search.is_some() && q.search_more {
        // More matched than are listed: the count is what is shown, not a total.
        title = format!(
            " {queue} · {what} · {}{marked} ",
            tr!(lang, "tui-queue-shown", n = q.tickets.len())
        );
    }
    let w = widgets::list_width(area);
    // Fixed columns; the summary takes what is left.
    // LEFT holds "met late +00:07" whole where the pane is wide enough; narrower, a shorter
    // wording ("late +00:07") keeps the time, which is what the cell is for.
    let (id_w, sev_w, status_w) = (6usize, 7usize, 8usize);
    let left_w = if w >= 90 { 15usize } else { 12usize };
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
    let empty = if q.search.is_some() {
        tr!(lang, "tui-queue-no-match")
    } else {
        tr!(lang, "tui-queue-empty")
    };
    let cols = widgets::columns(
        lang,
        &[
            ("", 2),
            ("col-id", id_w),
            ("col-severity", sev_w),
            ("col-org", org_w),
            ("col-summary", summary_w),
            ("col-status", status_w),
            ("col-assignee", who_w),
        ],
        Some(("col-left", left_w)),
    );
    let focused = app.focus == Pane::Queue;
    let rows = (q.tickets.len(), q.selected);
    let pane = widgets::ListPane::new(title, focused, empty, cols, rows);
    // The queue's window is loaded to fit the pane; search hits are all loaded at once, so
    // the pane scrolls them to keep the selected one in view.
    let pane = if q.search.is_some() {
        pane
    } else {
        pane.paged()
    };
    let now = app.now;
    widgets::draw_list_pane(frame, theme, area, pane, |i, selected| {
        let t = &q.tickets[i];
        let state = row_state(t, now);
        let mut style = theme.row(state);
        if app.is_flashing(t.id) && now.timestamp() % 2 == 0 {
            style = theme.flash();
        }
        if selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let mut left = left_text(lang, t, state, now);
        if state == RowState::MetLate && display_width(&left) > left_w {
            left = crate::app::met_late_short(lang, t).unwrap_or_default();
        }
        Row::new(vec![
            format!(
                "{}{}",
                if selected { "▶" } else { " " },
                theme.symbol(state)
            ),
            // `*` marks a ticket for a bulk change (ASCII: one column in every locale).
            fit_to_width(
                &if app.marks.contains_key(&t.id) {
                    format!("*{}", t.id)
                } else {
                    t.id.to_string()
                },
                id_w,
            ),
            fit_to_width(
                &lang.word("severity", &sanitize_line(t.handled_severity())),
                sev_w,
            ),
            fit_to_width(&sanitize_line(&t.org), org_w),
            // Someone else viewing (👁 bob) or writing (✎ bob) leads the summary.
            fit_to_width(
                &match app.presence_mark(t.id) {
                    Some(mark) => {
                        format!("{} {}", sanitize_line(&mark), sanitize_line(&t.summary))
                    }
                    None => sanitize_line(&t.summary),
                },
                summary_w,
            ),
            fit_to_width(&lang.word("status", t.status.as_str()), status_w),
            fit_to_width(&sanitize_line(t.assignee.as_deref().unwrap_or("-")), who_w),
            crate::text::right_align(&left, left_w),
        ])
        .style(style)
    });
}

/// Width of the labels before a detail line's value (`org`, `组织`, …).
const LABEL_W: usize = 11;

fn field_line<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(fit_to_width(label, LABEL_W), theme.dim()),
        Span::raw(value),
    ])
}

fn draw_detail(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let focused = app.focus == Pane::Detail;
    let Some(t) = app.detail.as_ref().and_then(|d| d.ticket.as_ref()) else {
        let block = pane_block(
            format!(" {} ", tr!(lang, "tui-detail-title")),
            focused,
            theme,
        );
        frame.render_widget(
            Paragraph::new(tr!(lang, "tui-detail-select"))
                .style(theme.dim())
                .block(block),
            area,
        );
        return;
    };
    let Some(detail) = app.detail.as_ref() else {
        return;
    };
    let block = pane_block(
        format!(" {} · #{} ", tr!(lang, "tui-detail-title"), t.id),
        focused,
        theme,
    );
    let inner = block.inner(area);
    let width = inner.width.max(10) as usize;
    let now = app.now;
    let state = row_state(t, now);
    let mut lines: Vec<Line> = Vec::new();
    for l in wrap_to_width(&sanitize_line(&t.summary), width) {
        lines.push(Line::styled(l, theme.title()));
    }
    lines.push(field_line(
        &tr!(lang, "label-org"),
        sanitize_line(&t.org),
        theme,
    ));
    if let Some(plan) = orders::plan_text(app, t.org_id) {
        lines.push(field_line(&tr!(lang, "label-plan"), plan, theme));
    }
    lines.push(field_line(
        &tr!(lang, "label-kind"),
        format!(
            "{} · {} · {}",
            lang.word("kind", t.kind.as_str()),
            sanitize_line(&crate::localize::severity_label(lang, t)),
            lang.word("status", t.status.as_str())
        ),
        theme,
    ));
    if let Some(freeze) = detail_freeze(app, t) {
        lines.push(Line::styled(
            format!(
                "{}{freeze}",
                fit_to_width(&tr!(lang, "label-freeze"), LABEL_W)
            ),
            theme.at_risk(),
        ));
    }
    if t.component.is_some() || t.environment.is_some() || t.affected_version.is_some() {
        lines.push(field_line(
            &tr!(lang, "label-component"),
            format!(
                "{} · {} · {}",
                t.component
                    .as_deref()
                    .map(sanitize_line)
                    .unwrap_or_else(|| "-".into()),
                t.environment
                    .map(|e| lang.word("env", e.as_str()))
                    .unwrap_or_else(|| "-".into()),
                t.affected_version
                    .as_deref()
                    .map(sanitize_line)
                    .unwrap_or_else(|| "-".into())
            ),
            theme,
        ));
    }
    lines.push(field_line(
        &tr!(lang, "label-assignee"),
        t.assignee
            .as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| tr!(lang, "tui-unassigned")),
        theme,
    ));
    if let Some(into) = t.merged_into {
        lines.push(Line::styled(
            format!(
                "{}#{into}",
                fit_to_width(&crate::app::tags_merge_text::merged_into(lang), LABEL_W)
            ),
            theme.at_risk(),
        ));
    }
    if !t.tags.is_empty() {
        lines.push(field_line(
            &crate::app::tags_merge_text::tags(lang),
            sanitize_line(&t.tags.join(" ")),
            theme,
        ));
    }
    let others = app.others_on(t.id);
    if !others.is_empty() {
        let who: Vec<String> = others
            .iter()
            .map(|p| {
                if p.composing {
                    tr!(lang, "tui-detail-writing", who = sanitize_line(&p.who))
                } else {
                    tr!(lang, "tui-detail-viewing", who = sanitize_line(&p.who))
                }
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled(fit_to_width(&tr!(lang, "label-here"), LABEL_W), theme.dim()),
            Span::styled(who.join(" · "), theme.at_risk()),
        ]));
    }
    if t.requester_label().is_some() || t.channel.is_some() || t.follows.is_some() {
        lines.push(field_line(
            &tr!(lang, "label-requester"),
            format!(
                "{} · {}{}",
                t.requester_label()
                    .map(|r| sanitize_line(&r))
                    .unwrap_or_else(|| "-".into()),
                t.channel
                    .map(|c| lang.word("channel", c.as_str()))
                    .unwrap_or_else(|| "-".into()),
                t.follows
                    .map(|f| format!(" · {}", tr!(lang, "tui-detail-follows", id = f)))
                    .unwrap_or_default()
            ),
            theme,
        ));
    }
    let local = |d: DateTime<Utc>| app.local_time(d, "%Y-%m-%d %H:%M");
    let customer_tz = app
        .orgs
        .iter()
        .find(|o| o.id == t.org_id)
        .and_then(|o| o.tz.parse::<chrono_tz::Tz>().ok());
    if let Some(tz) = customer_tz {
        let there = now.with_timezone(&tz);
        lines.push(field_line(
            &tr!(lang, "label-their-time"),
            format!(
                "{} {} {}",
                lang.word("weekday", &there.format("%a").to_string()),
                there.format("%H:%M"),
                tz.name()
            ),
            theme,
        ));
    }
    lines.push(field_line(
        &tr!(lang, "label-opened"),
        local(t.created_at),
        theme,
    ));
    let left = left_text(lang, t, state, now);
    let sym = theme.symbol(state);
    let sla_text = match state {
        RowState::Breached => format!("{sym} {}", tr!(lang, "tui-sla-breached", left = left)),
        RowState::AtRisk => format!("{sym} {}", tr!(lang, "tui-sla-at-risk", left = left)),
        RowState::Running => tr!(lang, "tui-sla-running", left = left),
        RowState::Paused => format!("{sym} {}", tr!(lang, "tui-sla-paused", left = left)),
        RowState::MetLate => format!("{sym} {}", tr!(lang, "tui-sla-met-late", late = left)),
        RowState::Met => format!("{sym} {}", tr!(lang, "tui-sla-met")),
        RowState::Done => lang.word("status", t.status.as_str()),
        RowState::NoTarget => tr!(lang, "tui-sla-no-target"),
    };
    lines.push(Line::from(vec![
        Span::styled(fit_to_width(&tr!(lang, "label-sla"), LABEL_W), theme.dim()),
        Span::styled(sla_text, theme.row(state)),
    ]));
    if let Some(due) = t.first_response_due {
        // In the customer's zone (their business hours) and in the engineer's.
        let mine = local(due);
        match customer_tz {
            Some(tz) => {
                let theirs = due.with_timezone(&tz);
                let mine_short =
                    if theirs.date_naive() == due.with_timezone(&app.local_offset).date_naive() {
                        app.local_time(due, "%H:%M")
                    } else {
                        mine
                    };
                let yours = tr!(lang, "tui-detail-your-time", time = mine_short.clone());
                let one = format!(
                    "{} {} · {yours}",
                    theirs.format("%Y-%m-%d %H:%M"),
                    tz.name(),
                );
                if display_width(&one) + LABEL_W <= width {
                    lines.push(field_line(&tr!(lang, "label-due"), one, theme));
                } else {
                    lines.push(field_line(
                        &tr!(lang, "label-due"),
                        format!("{} {}", theirs.format("%Y-%m-%d %H:%M"), tz.name()),
                        theme,
                    ));
                    lines.push(field_line("", yours, theme));
                }
            }
            None => lines.push(field_line(&tr!(lang, "label-due"), mine, theme)),
        }
    }
    for kind in &app.detail_drafts {
        lines.push(Line::styled(
            format!(
                "✎ {}",
                if kind == "reply" {
                    tr!(lang, "tui-detail-draft-reply", key = "r")
                } else {
                    tr!(lang, "tui-detail-draft-note", key = "i")
                }
            ),
            theme.at_risk(),
        ));
    }
    lines.push(Line::raw(""));
    for raw in sanitize_lines(&t.description) {
        // A blank line is a paragraph break the customer typed: keep it.
        if raw.is_empty() {
            lines.push(Line::raw(""));
        }
        for l in wrap_to_width(&raw, width) {
            lines.push(Line::raw(l));
        }
    }
    let mail_lines = |m: Option<&crate::store::EntryMail>, lines: &mut Vec<Line<'static>>| {
        let Some(m) = m else { return };
        if let Some(text) = m.status_text(lang, |t| app.local_time(t, "%H:%M")) {
            let style = if m.delivery.as_ref().is_some_and(|d| d.2.is_some()) {
                theme.at_risk()
            } else {
                theme.dim()
            };
            lines.push(Line::styled(format!("  ✉ {}", sanitize_line(&text)), style));
        }
        for a in &m.attachments {
            lines.push(Line::styled(
                format!(
                    "  {} {}",
                    tr!(lang, "tui-detail-attachment"),
                    sanitize_line(&a.text(lang))
                ),
                theme.dim(),
            ));
        }
    };
    mail_lines(detail.mail_of(0), &mut lines);
    if !detail.conversation.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "── {} ",
                tr!(
                    lang,
                    "tui-detail-conversation",
                    n = detail.conversation.len()
                )
            ),
            theme.dim(),
        ));
    }
    for e in &detail.conversation {
        let (label, style, bar) = match (e.kind, e.role) {
            (EntryKind::Note, _) => (tr!(lang, "tui-entry-note"), theme.note(), "┃ "),
            (EntryKind::Reply, AuthorRole::Customer) => {
                (tr!(lang, "tui-entry-customer"), theme.header(), "│ ")
            }
            (EntryKind::Reply, AuthorRole::Engineer) => {
                (tr!(lang, "tui-entry-reply"), theme.reply(), "│ ")
            }
        };
        lines.push(Line::styled(
            format!(
                "{label} · {} · {}{}",
                sanitize_line(&e.author),
                local(e.created_at),
                e.merged_from
                    .map(|f| format!(" · {} #{f}", crate::app::tags_merge_text::from(lang)))
                    .unwrap_or_default()
            ),
            style.add_modifier(Modifier::BOLD),
        ));
        for raw in sanitize_lines(&e.body) {
            if raw.is_empty() {
                lines.push(Line::from(vec![Span::styled(bar, style)]));
            }
            for l in wrap_to_width(&raw, width.saturating_sub(2).max(4)) {
                lines.push(Line::from(vec![Span::styled(bar, style), Span::raw(l)]));
            }
        }
        mail_lines(detail.mail_of(e.id), &mut lines);
    }
    if !detail.events.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("── {} ", tr!(lang, "tui-detail-events")),
            theme.dim(),
        ));
        for e in &detail.events {
            let text = format!(
                "{} {}{}{} {}",
                local(e.at),
                sanitize_line(&e.actor),
                if e.actor_source == "as" {
                    format!(" {}", tr!(lang, "tui-event-script"))
                } else {
                    String::new()
                },
                if e.imported {
                    format!(" {}", tr!(lang, "tui-event-imported"))
                } else {
                    String::new()
                },
                event_text(app, e)
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
    crate::assurance::freeze_on(&detail.assurance, today)
        .map(|w| crate::assurance::freeze_text(app.lang, &w))
}

/// What an audit event did, in words: instants in the engineer's zone to the minute,
/// internal entry ids left out.
fn event_text(app: &App, e: &crate::domain::AuditEvent) -> String {
    let value = |v: Option<&str>| match v {
        None => "-".to_string(),
        Some(v) => match DateTime::parse_from_rfc3339(v) {
            Ok(t) => app.local_time(t.with_timezone(&Utc), "%Y-%m-%d %H:%M"),
            Err(_) => sanitize_line(v),
        },
    };
    let lang = app.lang;
    match e.field.as_str() {
        "reply" => tr!(lang, "tui-event-reply"),
        "note" => tr!(lang, "tui-event-note"),
        "created" => tr!(lang, "tui-event-created", value = value(e.new.as_deref())),
        "first_response" => tr!(lang, "tui-event-first-response"),
        field => format!(
            "{}: {} → {}",
            lang.word("field", &sanitize_line(field)),
            value(e.old.as_deref()),
            value(e.new.as_deref())
        ),
    }
}

fn draw_sla(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    // The total, as in the header (not just the rows that fit here).
    let lang = app.lang;
    let breached = app.counts.breached;
    let title = if breached > 0 {
        format!(
            " SLA · {} ",
            tr!(lang, "tui-sla-pane-breached", n = breached)
        )
    } else {
        " SLA ".to_string()
    };
    let focused = app.focus == Pane::Sla;
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.sla_items.is_empty() {
        frame.render_widget(
            Paragraph::new(tr!(lang, "tui-sla-pane-empty")).style(theme.dim()),
            inner,
        );
        return;
    }
    // Breached first (longest overdue on top), then by time left.
    let order = app.sla_order();
    let selected = app.sla_selected.min(order.len().saturating_sub(1));
    // Two lines an entry; scrolled so the selected one is on screen.
    let fit = (inner.height as usize / 2).max(1);
    let first = if focused {
        selected.saturating_sub(fit - 1)
    } else {
        0
    };
    let mut y = inner.y;
    for (row, i) in order.into_iter().enumerate().skip(first) {
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
        // The queue's quantity (wall time to the due instant), and business time left
        // beside it where the target counts business hours and the two differ.
        let when = match crate::sla::columns::countdown(m, app.now) {
            Some(c) => match c.business_seconds {
                Some(b) if b >= 0 => format!(
                    "{} · {}",
                    format_countdown(c.wall_seconds),
                    tr!(lang, "tui-sla-biz", time = format_countdown(b))
                ),
                _ => format_countdown(c.wall_seconds),
            },
            None => String::new(),
        };
        let w = inner.width as usize;
        let label_w = w.saturating_sub(display_width(&when) + 1);
        let label = format!(
            "{}#{} {} {}",
            theme.symbol(state),
            item.ticket.id,
            lang.word("severity", &sanitize_line(item.ticket.handled_severity())),
            sanitize_line(&item.ticket.org)
        );
        let mut style = theme.row(state);
        if app.is_flashing(item.ticket.id) && app.now.timestamp() % 2 == 0 {
            style = theme.flash();
        }
        if focused && row == selected {
            style = style.add_modifier(Modifier::REVERSED);
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
                    lang.word("metric", m.metric.as_str())
                ),
                theme.dim(),
            ))
            .ratio(ratio);
        frame.render_widget(gauge, Rect::new(inner.x, y + 1, inner.width, 1));
        y += 2;
    }
}

fn draw_footer(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let width = area.width as usize;
    let line = match &app.mode {
        Mode::Search { input } => Line::from(vec![
            Span::styled("/", theme.title()),
            Span::raw(sanitize_line(input)),
            Span::styled("█", theme.dim()),
            Span::styled(format!("  {}", tr!(lang, "tui-search-hint")), theme.dim()),
        ]),
        Mode::Assign(f) => {
            let prompt = format!(
                "{} ",
                tr!(
                    lang,
                    "tui-assign-prompt",
                    id = f.ticket_id,
                    summary = truncate_to_width(&sanitize_line(&f.summary), 24)
                )
            );
            let matches = f.matches(&app.known_engineers);
            let hint = if let Some(notice) = &f.notice {
                format!("  {notice}")
            } else if let Some((msg, _)) = &app.message {
                format!("  {msg}")
            } else if matches.is_empty() {
                format!("  {}", tr!(lang, "tui-assign-hint-new"))
            } else {
                format!(
                    "  {}",
                    tr!(
                        lang,
                        "tui-assign-hint",
                        names = matches
                            .iter()
                            .take(6)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                )
            };
            let warn = f.notice.is_some() || app.message.is_some();
            Line::from(vec![
                Span::styled(prompt, theme.title()),
                Span::raw(sanitize_line(&f.input)),
                Span::styled("█", theme.dim()),
                Span::styled(
                    sanitize_line(&hint),
                    if warn { theme.at_risk() } else { theme.dim() },
                ),
            ])
        }
        Mode::ConfirmQuit { reason } => Line::from(vec![
            Span::styled(
                format!(
                    " {} {} ",
                    tr!(lang, "tui-quit-question"),
                    sanitize_line(reason)
                ),
                theme.at_risk(),
            ),
            Span::styled(" y ", theme.key()),
            Span::styled(format!(" {} ", tr!(lang, "hint-quit")), theme.dim()),
            Span::styled(format!(" {} ", tr!(lang, "tui-any-other-key")), theme.key()),
            Span::styled(format!(" {}", tr!(lang, "hint-stay")), theme.dim()),
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
                // Too many for the width: drop from the end, but never the way to help.
                let mut hints = app.footer_hints();
                let hint_w = |h: &[(String, String, bool)]| {
                    h.iter()
                        .map(|(k, l, _)| display_width(k) + display_width(l) + 3)
                        .sum::<usize>()
                };
                while hint_w(&hints) > width {
                    match hints.iter().rposition(|(_, _, is_help)| !*is_help) {
                        Some(i) => {
                            hints.remove(i);
                        }
                        None => break,
                    }
                }
                let mut spans = Vec::new();
                for (key, label, _) in hints {
                    spans.push(Span::styled(format!(" {key} "), theme.key()));
                    spans.push(Span::styled(format!("{label} "), theme.dim()));
                }
                Line::from(spans)
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub(super) fn centered(area: Rect, percent_w: u16, percent_h: u16) -> Rect {
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
    clear_popup(frame, area);
    let lang = app.lang;
    let mut lines = vec![
        Line::styled(tr!(lang, "tui-help-heading"), theme.title()),
        Line::raw(""),
    ];
    for a in ACTIONS {
        let keys = app.keymap.keys_for(a.action).join(", ");
        lines.push(Line::from(vec![
            Span::styled(fit_to_width(&keys, 16), theme.key()),
            Span::raw(" "),
            Span::raw(crate::app::keymap::description(lang, a)),
            Span::styled(format!("  ({})", a.name), theme.dim()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(tr!(lang, "tui-help-editor"), theme.dim()));
    lines.push(Line::styled(tr!(lang, "tui-help-states"), theme.dim()));
    let block = widgets::popup_block(format!(" {} ", tr!(lang, "tui-help-title")), theme);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn draw_palette(frame: &mut Frame, app: &App, theme: &Theme, input: &str, selected: usize) {
    let lang = app.lang;
    if let Some(id) = crate::app::ticket_number(input) {
        let items = vec![tr!(lang, "tui-palette-open", id = id)];
        draw_list_popup(
            frame,
            theme,
            &format!(":{}", sanitize_line(input)),
            &items,
            0,
            &[],
            None,
        );
        return;
    }
    if input.trim() == "#" {
        let items = vec![tr!(lang, "tui-palette-number")];
        draw_list_popup(frame, theme, ":#", &items, 1, &[], None);
        return;
    }
    let matches = crate::app::palette_matches(lang, input);
    let items: Vec<String> = matches
        .iter()
        .map(|a| {
            let info = crate::app::keymap::info(*a);
            format!(
                "{:<16} {}",
                info.name,
                crate::app::keymap::description(lang, info)
            )
        })
        .collect();
    draw_list_popup(
        frame,
        theme,
        &format!(":{}", sanitize_line(input)),
        &items,
        selected,
        &[],
        None,
    );
}

/// `r` where someone else is already writing: say who, ask once.
fn draw_confirm_reply(frame: &mut Frame, lang: Lang, theme: &Theme, ticket_id: i64, who: &str) {
    use widgets::ConfirmLine;
    widgets::draw_confirm(
        frame,
        theme,
        widgets::Confirm {
            title: tr!(lang, "tui-writing-title"),
            lines: vec![
                ConfirmLine::said(tr!(
                    lang,
                    "tui-writing-question",
                    who = sanitize_line(who),
                    id = ticket_id
                )),
                ConfirmLine::note(tr!(lang, "tui-writing-nothing-locked")),
            ],
            key: "y",
            key_label: tr!(lang, "tui-writing-answer"),
            notes: vec![],
            min_width: 40,
        },
    );
}

/// Which attachment to save and where (`w` in Detail).
fn draw_save_attachment(
    frame: &mut Frame,
    lang: Lang,
    theme: &Theme,
    f: &crate::app::SaveAttachmentForm,
) {
    let area = centered(frame.area(), 60, 50);
    clear_popup(frame, area);
    let block = widgets::popup_block(
        format!(" {} ", tr!(lang, "tui-save-title", id = f.ticket_id)),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let save_to = format!("{} ", tr!(lang, "tui-save-to"));
    let label_w = display_width(&save_to);
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled(save_to, theme.dim()),
        Span::raw(fit_to_width(
            &sanitize_line(&f.path),
            w.saturating_sub(label_w),
        )),
    ])];
    lines.push(Line::raw(""));
    let room = (inner.height as usize).saturating_sub(2).max(1);
    let start = f.selected.saturating_sub(room - 1);
    for (i, (_, name, stored)) in f.files.iter().enumerate().skip(start).take(room) {
        let label = if *stored {
            sanitize_line(name)
        } else {
            format!("{} {}", sanitize_line(name), tr!(lang, "tui-save-not-kept"))
        };
        let text = fit_to_width(&label, w);
        lines.push(if i == f.selected {
            Line::styled(text, theme.selected())
        } else if *stored {
            Line::raw(text)
        } else {
            Line::styled(text, theme.dim())
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One question before a change touches every marked ticket.
fn draw_confirm_bulk(frame: &mut Frame, lang: Lang, theme: &Theme, c: &crate::app::BulkConfirm) {
    use widgets::ConfirmLine;
    let ids: Vec<String> = c.tickets.keys().map(|id| format!("#{id}")).collect();
    widgets::draw_confirm(
        frame,
        theme,
        widgets::Confirm {
            title: tr!(lang, "tui-bulk-title"),
            lines: vec![
                ConfirmLine::said(c.describe(lang)),
                ConfirmLine::detail(ids.join(" ")),
            ],
            key: "y",
            key_label: tr!(lang, "tui-bulk-apply"),
            notes: vec![ConfirmLine::note(tr!(lang, "tui-bulk-note"))],
            min_width: 44,
        },
    );
}

fn draw_picker(frame: &mut Frame, lang: Lang, theme: &Theme, p: &crate::app::Picker) {
    let items: Vec<String> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, (label, _))| match p.disabled_reason(i) {
            Some(_) => format!("{label}  {}", tr!(lang, "tui-picker-not-for-kind")),
            None => label.clone(),
        })
        .collect();
    let disabled: Vec<bool> = (0..p.items.len())
        .map(|i| p.disabled_reason(i).is_some())
        .collect();
    draw_list_popup(
        frame,
        theme,
        &p.title,
        &items,
        p.selected,
        &disabled,
        p.notice.as_deref(),
    );
}

/// A list in a popup. The title is sanitised (it may hold a ticket's summary); `disabled`
/// items are greyed out; a `notice` (the ticket changed meanwhile) heads the list.
fn draw_list_popup(
    frame: &mut Frame,
    theme: &Theme,
    title: &str,
    items: &[String],
    selected: usize,
    disabled: &[bool],
    notice: Option<&str>,
) {
    let area = centered(frame.area(), 60, 70);
    clear_popup(frame, area);
    let title = truncate_to_width(
        &format!(" {} ", sanitize_line(title)),
        area.width.saturating_sub(2) as usize,
    );
    let block = widgets::popup_block(title, theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(notice) = notice {
        let lines: Vec<Line> = wrap_to_width(&sanitize_line(notice), inner.width.max(10) as usize)
            .into_iter()
            .map(|l| Line::styled(l, theme.at_risk()))
            .collect();
        let h = (lines.len() as u16).min(inner.height.saturating_sub(1));
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.y, inner.width, h),
        );
        inner = Rect::new(inner.x, inner.y + h, inner.width, inner.height - h);
    }
    let height = inner.height as usize;
    let start = selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, s)| {
            let text = fit_to_width(&sanitize_line(s), inner.width as usize);
            let greyed = disabled.get(i).copied().unwrap_or(false);
            match (i == selected, greyed) {
                (true, true) => Line::styled(text, theme.selected().add_modifier(Modifier::DIM)),
                (true, false) => Line::styled(text, theme.selected()),
                (false, true) => Line::styled(text, theme.dim()),
                (false, false) => Line::raw(text),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_form(frame: &mut Frame, app: &App, theme: &Theme, form: &crate::app::NewTicketForm) {
    let lang = app.lang;
    let area = centered(frame.area(), 90, 85);
    clear_popup(frame, area);
    let title = if form.confirm_discard {
        format!(" {} ", tr!(lang, "tui-form-discard"))
    } else {
        format!(" {} ", tr!(lang, "tui-form-title"))
    };
    let block = widgets::popup_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let errors = form.errors(lang, &app.policies, &app.orgs, app.now);
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
                .unwrap_or_else(|| tr!(lang, "tui-form-no-orgs")),
            FormField::Kind => format!("◀ {} ▶", lang.word("kind", form.kind.as_str())),
            FormField::Severity => {
                // Levels this kind cannot have are skipped by ←/→; say which.
                let barred: Vec<&str> = (0..form.levels.len())
                    .filter(|i| !form.level_allowed(*i))
                    .map(|i| form.levels[i].as_str())
                    .collect();
                format!(
                    "◀ {} ▶{}",
                    form.levels
                        .get(form.severity)
                        .map(|s| lang.word("severity", &sanitize_line(s)))
                        .unwrap_or_else(|| "-".into()),
                    if barred.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "  {}",
                            tr!(
                                lang,
                                "tui-form-not-for-kind",
                                kind = lang.word("kind", form.kind.as_str()),
                                levels = barred.join(", ")
                            )
                        )
                    }
                )
            }
            FormField::Summary => format!(
                "{} ({}/200)",
                sanitize_line(&form.summary),
                form.summary.chars().count()
            ),
            FormField::Description => sanitize_line(&form.description),
            FormField::Component => sanitize_line(&form.component),
            FormField::Environment => format!(
                "◀ {} ▶",
                form.environment
                    .map(|e| lang.word("env", e.as_str()))
                    .unwrap_or_else(|| "-".into())
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
                format!(
                    "{}{}",
                    if focused { "▶" } else { " " },
                    fit_to_width(&field.label(lang), 13)
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
