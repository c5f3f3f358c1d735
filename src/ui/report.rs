//! The Report view: the monthly service report per organization, and charts of
//! first-response attainment per plan × severity and per day. Drawing only.

use std::collections::BTreeMap;

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Paragraph, Row, Table, Wrap};

use super::{Theme, pane_block};
use crate::app::{App, RowState};
use crate::report::{MonthlyReport, format_duration};
use crate::text::{display_width, fit_to_width, sanitize_line};
use crate::tr;

fn percent(met: u32, breached: u32) -> Option<u64> {
    let total = met + breached;
    (total > 0).then(|| (u64::from(met) * 100 + u64::from(total) / 2) / u64::from(total))
}

fn percent_text(met: u32, breached: u32) -> String {
    percent(met, breached).map_or("–".into(), |p| format!("{p}%"))
}

/// Attainment per plan × severity, summed over organizations, in first-seen order.
pub fn plan_severity_attainment(r: &MonthlyReport) -> Vec<(String, String, u32, u32)> {
    let mut out: Vec<(String, String, u32, u32)> = Vec::new();
    for org in &r.orgs {
        for a in org
            .by_plan_severity
            .iter()
            .filter(|a| a.met + a.breached > 0)
        {
            match out
                .iter_mut()
                .find(|(p, s, _, _)| *p == a.plan && *s == a.severity)
            {
                Some(row) => {
                    row.2 += a.met;
                    row.3 += a.breached;
                }
                None => out.push((a.plan.clone(), a.severity.clone(), a.met, a.breached)),
            }
        }
    }
    out
}

/// Attainment per day of the month (by the opened day in each organization's zone).
pub fn daily_attainment(r: &MonthlyReport) -> Vec<(u32, u32, u32)> {
    let mut days: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for org in &r.orgs {
        for d in &org.by_day {
            let e = days.entry(d.date.day()).or_default();
            e.0 += d.met;
            e.1 += d.breached;
        }
    }
    days.into_iter().map(|(d, (m, b))| (d, m, b)).collect()
}

pub(super) fn draw_report_table(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let lang = app.lang;
    let month = app.report.month;
    let Some(r) = &app.report.report else {
        let block = pane_block(
            format!(" {} · {month} ", tr!(lang, "rep-title")),
            true,
            theme,
        );
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(tr!(lang, "rep-loading")).style(theme.dim()),
            inner,
        );
        return;
    };
    let (met, breached) = r.orgs.iter().fold((0, 0), |(m, b), o| {
        (m + o.first_response.met, b + o.first_response.breached)
    });
    let inner = pane_block(String::new(), true, theme).inner(area);
    // The rows that fit below the header, from the scroll position (j/k move it).
    let fits = inner.height.saturating_sub(1).max(1) as usize;
    let first = app.report.scroll.min(r.orgs.len().saturating_sub(fits));
    let window = if r.orgs.len() > fits {
        format!(
            " · {}",
            tr!(
                lang,
                "rep-rows",
                from = first + 1,
                to = (first + fits).min(r.orgs.len())
            )
        )
    } else {
        String::new()
    };
    // Parts that do not fit are left out whole, so no figure in the title is cut.
    let parts = [
        format!(" {} · {} ", tr!(lang, "rep-title"), r.month),
        format!("· {} ", tr!(lang, "rep-orgs", n = r.orgs.len())),
        format!(
            "· {} ",
            tr!(
                lang,
                "rep-first-response",
                met = met,
                total = met + breached,
                percent = percent_text(met, breached)
            )
        ),
        window.trim_start().to_string() + if window.is_empty() { "" } else { " " },
        if app.report.loading {
            format!("· {} ", tr!(lang, "rep-loading-short"))
        } else {
            String::new()
        },
    ];
    let room = area.width.saturating_sub(2) as usize;
    let mut title = String::new();
    for p in parts {
        if display_width(&title) + display_width(&p) <= room {
            title.push_str(&p);
        }
    }
    let block = pane_block(title, true, theme);
    frame.render_widget(block, area);
    if r.orgs.is_empty() {
        frame.render_widget(
            Paragraph::new(tr!(lang, "rep-empty", month = r.month.to_string()))
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    // Tag counts (tickets opened this month) on the pane's last row, when any.
    let tags = crate::report::total_tags(&r.orgs);
    let inner = if tags.is_empty() || inner.height < 3 {
        inner
    } else {
        let line = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(fit_to_width(
                &tr!(
                    lang,
                    "rep-tags",
                    tags = crate::report::tag_counts_text(&tags)
                ),
                line.width as usize,
            ))
            .style(theme.dim()),
            line,
        );
        Rect {
            height: inner.height - 1,
            ..inner
        }
    };
    let w = inner.width as usize;
    // Numbers are never cut: when the pane is narrow, the text columns shrink first, then
    // the least important figures are left out whole.
    // NEXT and RESOL: next-response and resolution attainment (policies that define them).
    let numeric: [(&str, usize); 9] = [
        ("OPENED", 7),
        ("RESOLVED", 8),
        ("MET", 6),
        ("BREACHED", 8),
        ("ATTAIN", 7),
        ("MEDIAN", 8),
        ("P90", 8),
        ("NEXT", 6),
        ("RESOL", 6),
    ];
    // Leave out, in this order, until the ORG column keeps at least 8 columns.
    let drop_order = ["RESOL", "NEXT", "P90", "MEDIAN", "RESOLVED", "OPENED"];
    let mut shown: Vec<(&str, usize)> = numeric.to_vec();
    let mut plan_w = 14usize;
    let need = |shown: &[(&str, usize)], plan_w: usize| {
        shown.iter().map(|(_, w)| w + 1).sum::<usize>() + plan_w + usize::from(plan_w > 0) + 8
    };
    for cut in drop_order {
        if need(&shown, plan_w) <= w {
            break;
        }
        if plan_w > 8 {
            plan_w = 8;
            if need(&shown, plan_w) <= w {
                break;
            }
        }
        shown.retain(|(h, _)| *h != cut);
    }
    if need(&shown, plan_w) > w {
        plan_w = 0;
    }
    let org_w = w.saturating_sub(need(&shown, plan_w) - 8).clamp(8, 30);
    let mut head: Vec<&str> = vec!["ORG"];
    let mut widths: Vec<usize> = vec![org_w];
    if plan_w > 0 {
        head.push("PLAN");
        widths.push(plan_w);
    }
    for (h, cw) in &shown {
        head.push(h);
        widths.push(*cw);
    }
    let header = Row::new(
        head.iter()
            .zip(widths.iter())
            .map(|(h, w)| {
                let text = lang.t(&format!("rep-col-{}", h.to_ascii_lowercase()));
                if numeric.iter().any(|(n, _)| n == h) {
                    crate::text::right_align(&text, *w)
                } else {
                    fit_to_width(&text, *w)
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.column_header());
    let rows: Vec<Row> = r
        .orgs
        .iter()
        .skip(first)
        .take(fits)
        .map(|o| {
            let fr = &o.first_response;
            let state = match percent(fr.met, fr.breached) {
                Some(p) if p < 80 => RowState::Breached,
                Some(p) if p < 95 => RowState::AtRisk,
                Some(_) => RowState::Met,
                None => RowState::NoTarget,
            };
            let mut cells = vec![fit_to_width(&sanitize_line(&o.org), org_w)];
            if plan_w > 0 {
                cells.push(fit_to_width(&sanitize_line(&o.plan), plan_w));
            }
            for (h, cw) in &shown {
                let value = match *h {
                    "OPENED" => o.opened.to_string(),
                    "RESOLVED" => o.resolved.to_string(),
                    "MET" => fr.met.to_string(),
                    "BREACHED" => fr.breached.to_string(),
                    "ATTAIN" => percent_text(fr.met, fr.breached),
                    "MEDIAN" => fr.median_seconds.map_or("–".into(), format_duration),
                    "NEXT" => percent_text(o.next_response.met, o.next_response.breached),
                    "RESOL" => percent_text(o.resolution.met, o.resolution.breached),
                    _ => fr.p90_seconds.map_or("–".into(), format_duration),
                };
                // A figure wider than its column widens the column rather than lose digits.
                cells.push(format!("{value:>cw$}"));
            }
            Row::new(cells).style(theme.row(state))
        })
        .collect();
    let constraints: Vec<Constraint> = widths
        .iter()
        .map(|w| Constraint::Length(*w as u16))
        .collect();
    frame.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1),
        inner,
    );
}

fn attainment_state(met: u32, breached: u32) -> RowState {
    match percent(met, breached) {
        None => RowState::NoTarget,
        Some(p) if p >= 95 => RowState::Met,
        Some(p) if p >= 80 => RowState::AtRisk,
        Some(_) => RowState::Breached,
    }
}

pub(super) fn draw_report_charts(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let halves = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
        .split(area);
    let lang = app.lang;
    let Some(r) = &app.report.report else {
        frame.render_widget(
            pane_block(format!(" {} ", tr!(lang, "rep-attainment")), false, theme),
            area,
        );
        return;
    };
    // Plan × severity: one horizontal bar each, labelled "plan/sev", length = attainment %.
    let block = pane_block(format!(" {} ", tr!(lang, "rep-by-plan")), false, theme);
    let cells = plan_severity_attainment(r);
    let inner = block.inner(halves[0]);
    frame.render_widget(block, halves[0]);
    if cells.is_empty() {
        frame.render_widget(
            Paragraph::new(tr!(lang, "rep-no-targets")).style(theme.dim()),
            inner,
        );
    } else {
        // The label's figures take 13 columns; the name gets what is left (never the figures).
        let name_w = cells
            .iter()
            .map(|(p, s, _, _)| display_width(&format!("{p}/{s}")))
            .max()
            .unwrap_or(8)
            .min(20)
            .min((inner.width as usize * 2 / 3).saturating_sub(13).max(4));
        let bars: Vec<Bar> = cells
            .iter()
            .map(|(plan, sev, met, breached)| {
                let name = format!("{}/{}", sanitize_line(plan), sanitize_line(sev));
                let label = format!(
                    "{} {:>4} {:>7}",
                    fit_to_width(&name, name_w),
                    percent_text(*met, *breached),
                    format!("{met}/{}", met + breached)
                );
                Bar::with_label(
                    Line::from(label),
                    percent(*met, *breached).unwrap_or(0).max(1),
                )
                .text_value(String::new())
                .style(theme.row(attainment_state(*met, *breached)))
            })
            .collect();
        frame.render_widget(
            BarChart::horizontal(bars).bar_width(1).bar_gap(0).max(100),
            inner,
        );
    }
    // Per day: one bar per day of the month, and a day axis under it.
    let block = pane_block(
        format!(
            " {} ",
            tr!(lang, "rep-per-day", month = r.month.to_string())
        ),
        false,
        theme,
    );
    let inner = block.inner(halves[1]);
    frame.render_widget(block, halves[1]);
    let days = daily_attainment(r);
    if inner.height < 3 || days.is_empty() {
        return;
    }
    let step: usize = if days.len() * 2 <= inner.width as usize {
        2
    } else {
        1
    };
    let bars: Vec<Bar> = days
        .iter()
        .map(|(_, met, breached)| {
            // A day whose responses were all late still gets a visible (red) stub.
            let value = match percent(*met, *breached) {
                Some(p) => p.max(2),
                None => 0,
            };
            Bar::new(value)
                .text_value(String::new())
                .style(theme.row(attainment_state(*met, *breached)))
        })
        .collect();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(1), Constraint::Length(1)])
        .split(inner);
    frame.render_widget(
        BarChart::vertical(bars)
            .bar_width(1)
            .bar_gap(step as u16 - 1)
            .max(100),
        rows[0],
    );
    // Day numbers under their bars: 1, 5, 10, 15, …
    let mut axis = vec![' '; days.len() * step + 2];
    for (i, (day, _, _)) in days.iter().enumerate() {
        if *day == 1 || day % 5 == 0 {
            for (k, c) in day.to_string().chars().enumerate() {
                if let Some(slot) = axis.get_mut(i * step + k) {
                    *slot = c;
                }
            }
        }
    }
    frame.render_widget(
        Paragraph::new(axis.into_iter().collect::<String>()).style(theme.dim()),
        rows[1],
    );
}
