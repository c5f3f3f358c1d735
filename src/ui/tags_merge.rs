//! The popups of tagging (`T`) and merging (`M`): they only draw the app's state.

use ratatui::Frame;

use super::Theme;
use super::widgets::{Confirm, ConfirmLine, draw_confirm, draw_prompt};
use crate::app::{MergeConfirm, MergeForm, TagForm, tags_merge_text as text};
use crate::i18n::Lang;
use crate::text::sanitize_line;

/// Titled with the ticket (or the number marked) so that it stays in view at any width; the
/// syntax and the ticket's tags below the input.
pub(super) fn draw_tag_form(frame: &mut Frame, lang: Lang, theme: &Theme, f: &TagForm) {
    let who = text::tag_for(
        lang,
        f.tickets.len(),
        f.bulk,
        f.tickets.keys().next().copied(),
    );
    let mut below = vec![text::tag_hint(lang)];
    if !f.bulk {
        below.push(format!(
            "{}{}",
            text::tag_now(lang),
            if f.current.is_empty() {
                "-".to_string()
            } else {
                f.current.join(" ")
            }
        ));
    }
    draw_prompt(
        frame,
        theme,
        &format!("{} {who}", text::tag_title(lang).trim()),
        "",
        &f.input,
        below,
    );
}

pub(super) fn draw_merge_target(frame: &mut Frame, lang: Lang, theme: &Theme, f: &MergeForm) {
    draw_prompt(
        frame,
        theme,
        &text::merge_title(lang),
        "#",
        &f.input,
        vec![format!("#{} {}", f.source, f.source_summary)],
    );
}

pub(super) fn draw_confirm_merge(frame: &mut Frame, lang: Lang, theme: &Theme, c: &MergeConfirm) {
    let target = c
        .target_summary
        .as_deref()
        .map(sanitize_line)
        .unwrap_or_else(|| text::not_loaded(lang));
    draw_confirm(
        frame,
        theme,
        Confirm {
            title: text::confirm_title(lang),
            lines: vec![
                ConfirmLine::said(text::question(lang, c.source, c.target)),
                ConfirmLine::detail(format!("#{} {}", c.source, c.source_summary)),
                ConfirmLine::detail(format!("→ #{} {target}", c.target)),
            ],
            key: "y",
            key_label: text::confirm_key(lang).trim().to_string(),
            notes: vec![ConfirmLine::note(text::confirm_hint(lang))],
            min_width: 40,
        },
    );
}
