//! Tags and merges in the TUI: `T` tags the selected ticket (or, with marks, every marked
//! ticket after one confirmation, one audited change each), `M` merges the selected ticket
//! into another: it asks for the target's number, then a confirmation naming both.
//! The user-facing strings of this module are the `text` functions at its end.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::bulk::{BulkChange, BulkConfirm};
use super::{App, Mode, Request, View, edit_line};
use crate::desk::{TagOp, parse_tag_ops};

/// `T`: the tags to add (`bug`, `+bug`) and remove (`-bug`), for one ticket or the marked.
#[derive(Debug, Clone)]
pub struct TagForm {
    /// Ticket id → the version it was seen at.
    pub tickets: BTreeMap<i64, i64>,
    /// The ticket's current tags (one ticket only), shown above the input.
    pub current: Vec<String>,
    pub input: String,
    pub bulk: bool,
}

/// `M`: the number of the ticket to merge into.
#[derive(Debug, Clone)]
pub struct MergeForm {
    pub source: i64,
    pub source_version: i64,
    pub source_summary: String,
    pub input: String,
}

/// The merge waiting for `y`.
#[derive(Debug, Clone)]
pub struct MergeConfirm {
    pub source: i64,
    pub source_version: i64,
    pub source_summary: String,
    pub target: i64,
    /// Known when the target is loaded (then its version is checked too).
    pub target_summary: Option<String>,
    pub target_version: Option<i64>,
}

impl App {
    /// `T` on the selected ticket, or on every marked one.
    pub(super) fn begin_tag(&mut self) -> Vec<Request> {
        if self.view != View::Tickets {
            return Vec::new();
        }
        if !self.marks.is_empty() {
            self.mode = Mode::Tag(Box::new(TagForm {
                tickets: self.marks.clone(),
                current: Vec::new(),
                input: String::new(),
                bulk: true,
            }));
            return Vec::new();
        }
        let Some(t) = self.current_ticket() else {
            self.no_ticket_message();
            return Vec::new();
        };
        if let Some(into) = t.merged_into {
            self.set_message(text::merged_already(self.lang, t.id, into), true);
            return Vec::new();
        }
        self.mode = Mode::Tag(Box::new(TagForm {
            tickets: BTreeMap::from([(t.id, t.version)]),
            current: t.tags.clone(),
            input: String::new(),
            bulk: false,
        }));
        Vec::new()
    }

    pub(super) fn tag_key(&mut self, mut form: Box<TagForm>, key: KeyEvent) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                let words: Vec<&str> = form.input.split_whitespace().collect();
                let ops = match parse_tag_ops(&words) {
                    Ok(ops) if !ops.is_empty() => ops,
                    Ok(_) => {
                        self.set_message(text::no_tags(self.lang), true);
                        self.mode = Mode::Tag(form);
                        return Vec::new();
                    }
                    Err(e) => {
                        self.set_message(e.to_string(), true);
                        self.mode = Mode::Tag(form);
                        return Vec::new();
                    }
                };
                if form.bulk {
                    self.mode = Mode::ConfirmBulk(Box::new(BulkConfirm {
                        change: BulkChange::Tags(ops),
                        tickets: form.tickets.clone(),
                    }));
                    return Vec::new();
                }
                let Some((&id, &expected)) = form.tickets.iter().next() else {
                    return Vec::new();
                };
                self.pending_writes += 1;
                vec![Request::Tag { id, ops, expected }]
            }
            _ => {
                edit_line(&mut form.input, &key);
                self.mode = Mode::Tag(form);
                Vec::new()
            }
        }
    }

    /// `M` on the selected ticket: asks which ticket to merge it into.
    pub(super) fn begin_merge(&mut self) -> Vec<Request> {
        if self.view != View::Tickets {
            return Vec::new();
        }
        if !self.marks.is_empty() {
            self.set_message(text::not_with_marks(self.lang), true);
            return Vec::new();
        }
        let Some(t) = self.current_ticket() else {
            self.no_ticket_message();
            return Vec::new();
        };
        if let Some(into) = t.merged_into {
            self.set_message(text::merged_already(self.lang, t.id, into), true);
            return Vec::new();
        }
        self.mode = Mode::MergeTarget(Box::new(MergeForm {
            source: t.id,
            source_version: t.version,
            source_summary: t.summary.clone(),
            input: String::new(),
        }));
        Vec::new()
    }

    pub(super) fn merge_target_key(
        &mut self,
        mut form: Box<MergeForm>,
        key: KeyEvent,
    ) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                let typed = form.input.trim().trim_start_matches('#');
                let target = match typed.parse::<i64>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        self.set_message(text::bad_number(self.lang, &form.input), true);
                        self.mode = Mode::MergeTarget(form);
                        return Vec::new();
                    }
                };
                if target == form.source {
                    self.set_message(text::into_itself(self.lang, target), true);
                    self.mode = Mode::MergeTarget(form);
                    return Vec::new();
                }
                let known = self.known_ticket(target).cloned();
                self.mode = Mode::ConfirmMerge(Box::new(MergeConfirm {
                    source: form.source,
                    source_version: form.source_version,
                    source_summary: form.source_summary.clone(),
                    target,
                    target_summary: known.as_ref().map(|t| t.summary.clone()),
                    target_version: known.map(|t| t.version),
                }));
                Vec::new()
            }
            KeyCode::Char(c) if !(c.is_ascii_digit() || c == '#') => {
                self.mode = Mode::MergeTarget(form);
                Vec::new()
            }
            _ => {
                edit_line(&mut form.input, &key);
                self.mode = Mode::MergeTarget(form);
                Vec::new()
            }
        }
    }

    pub(super) fn confirm_merge_key(&mut self, c: &MergeConfirm, key: KeyEvent) -> Vec<Request> {
        if !matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            self.set_message(text::merge_cancelled(self.lang), false);
            return Vec::new();
        }
        self.pending_writes += 1;
        self.set_message(text::merging(self.lang, c.source, c.target), false);
        vec![Request::Merge {
            source: c.source,
            target: c.target,
            expected: (c.source_version, c.target_version),
        }]
    }
}

/// `+bug -billing`, as the confirmation and the messages say it.
pub fn ops_text(ops: &[TagOp]) -> String {
    ops.iter()
        .map(|o| format!("{}{}", if o.add { "+" } else { "-" }, o.tag))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every user-facing string of tagging and merging in the TUI, from the catalogue
/// (`tui.ftl`, `tm-*`).
pub mod text {
    use crate::i18n::Lang;
    use crate::tr;

    pub fn no_tags(lang: Lang) -> String {
        lang.t("tm-no-tags")
    }
    pub fn not_with_marks(lang: Lang) -> String {
        lang.t("tm-not-with-marks")
    }
    pub fn merge_cancelled(lang: Lang) -> String {
        lang.t("tm-merge-cancelled")
    }
    pub fn tag_title(lang: Lang) -> String {
        format!(" {} ", lang.t("tm-tag-title"))
    }
    pub fn tag_hint(lang: Lang) -> String {
        lang.t("tm-tag-hint")
    }
    pub fn tag_now(lang: Lang) -> String {
        format!("{} ", lang.t("tm-tag-now"))
    }
    pub fn merge_title(lang: Lang) -> String {
        format!(" {} ", lang.t("tm-merge-title"))
    }
    pub fn confirm_title(lang: Lang) -> String {
        format!(" {} ", lang.t("tm-confirm-title"))
    }
    pub fn confirm_key(lang: Lang) -> String {
        format!(" {}", lang.t("tm-confirm-key"))
    }
    pub fn confirm_hint(lang: Lang) -> String {
        lang.t("tm-confirm-hint")
    }
    pub fn not_loaded(lang: Lang) -> String {
        lang.t("tm-not-loaded")
    }
    pub fn merged_into(lang: Lang) -> String {
        lang.t("tm-merged-into")
    }
    pub fn from(lang: Lang) -> String {
        lang.t("tm-from")
    }

    /// The detail pane's label of a ticket's tags.
    pub fn tags(lang: Lang) -> String {
        lang.t("label-tags")
    }
    pub fn filter_item(lang: Lang, tag: &str, on: bool) -> String {
        if on {
            tr!(lang, "tm-filter-item-on", tag = tag)
        } else {
            tr!(lang, "tm-filter-item", tag = tag)
        }
    }
    pub fn filter_label(lang: Lang, tag: &str) -> String {
        tr!(lang, "tm-filter-label", tag = tag)
    }
    pub fn merged_already(lang: Lang, id: i64, into: i64) -> String {
        tr!(lang, "tm-merged-already", id = id, into = into)
    }
    pub fn bad_number(lang: Lang, input: &str) -> String {
        tr!(
            lang,
            "tm-bad-number",
            input = format!("{:?}", crate::text::sanitize_line(input))
        )
    }
    pub fn into_itself(lang: Lang, id: i64) -> String {
        tr!(lang, "tm-into-itself", id = id)
    }
    pub fn merging(lang: Lang, source: i64, target: i64) -> String {
        tr!(lang, "tm-merging", source = source, target = target)
    }
    pub fn tag_for(lang: Lang, n: usize, bulk: bool, id: Option<i64>) -> String {
        match (bulk, id) {
            (true, _) => tr!(lang, "bulk-n-marked", n = n),
            (false, Some(id)) => format!("#{id}"),
            (false, None) => String::new(),
        }
    }
    pub fn question(lang: Lang, source: i64, target: i64) -> String {
        tr!(lang, "tm-question", source = source, target = target)
    }
    pub fn bulk_tags(lang: Lang, ops: &str, n: usize) -> String {
        tr!(lang, "tm-bulk-tags", ops = ops, n = n)
    }
    pub fn tagged(
        lang: Lang,
        id: i64,
        change: &str,
        already: &[String],
        absent: &[String],
    ) -> String {
        let mut s = if change.is_empty() {
            tr!(lang, "tm-tags-unchanged", id = id)
        } else {
            tr!(lang, "tm-tags-changed", id = id, change = change)
        };
        if !already.is_empty() {
            s.push_str(&tr!(lang, "tm-already", tags = already.join(" ")));
        }
        if !absent.is_empty() {
            s.push_str(&tr!(lang, "tm-absent", tags = absent.join(" ")));
        }
        s
    }
    pub fn merged(
        lang: Lang,
        source: i64,
        target: i64,
        entries: usize,
        attachments: usize,
    ) -> String {
        tr!(
            lang,
            "tm-merged",
            source = source,
            target = target,
            entries = entries,
            attachments = attachments
        )
    }
}
