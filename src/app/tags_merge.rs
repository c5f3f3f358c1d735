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
            self.set_message(text::merged_already(t.id, into), true);
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
                        self.set_message(text::NO_TAGS, true);
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
            self.set_message(text::NOT_WITH_MARKS, true);
            return Vec::new();
        }
        let Some(t) = self.current_ticket() else {
            self.no_ticket_message();
            return Vec::new();
        };
        if let Some(into) = t.merged_into {
            self.set_message(text::merged_already(t.id, into), true);
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
                        self.set_message(text::bad_number(&form.input), true);
                        self.mode = Mode::MergeTarget(form);
                        return Vec::new();
                    }
                };
                if target == form.source {
                    self.set_message(text::into_itself(target), true);
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
            self.set_message(text::MERGE_CANCELLED, false);
            return Vec::new();
        }
        self.pending_writes += 1;
        self.set_message(text::merging(c.source, c.target), false);
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

/// Every user-facing string of tagging and merging in the TUI (for the translation
/// catalogue).
pub mod text {
    pub const NO_TAGS: &str = "type tags: bug or +bug adds, -bug removes";
    pub const NOT_WITH_MARKS: &str = "merge works on one ticket; Esc clears the marks first";
    pub const MERGE_CANCELLED: &str = "merge cancelled";
    pub const TAG_TITLE: &str =
        " Tags · bug or +bug adds, -bug removes · Enter apply · Esc cancel ";
    pub const TAG_NOW: &str = "now: ";
    pub const MERGE_TITLE: &str = " Merge into ticket # · Enter next · Esc cancel ";
    pub const CONFIRM_TITLE: &str = " Merge tickets ";
    pub const CONFIRM_KEY: &str = " merge";
    pub const CONFIRM_HINT: &str =
        "conversation, attachments and tags move; the source is closed; any other key cancels";
    pub const NOT_LOADED: &str = "(not in the list shown)";
    pub const MERGED_INTO: &str = "merged into";
    pub const FROM: &str = "from";

    /// The detail pane's label of a ticket's tags.
    pub const TAGS: &str = "tags";
    pub fn filter_item(tag: &str, on: bool) -> String {
        if on {
            format!("tag: {tag} (on: Enter removes)")
        } else {
            format!("tag: {tag}")
        }
    }
    pub fn filter_label(tag: &str) -> String {
        format!("tag {tag}")
    }
    pub fn merged_already(id: i64, into: i64) -> String {
        format!("#{id} was merged into #{into}; work on #{into}")
    }
    pub fn bad_number(input: &str) -> String {
        format!(
            "{:?} is not a ticket number",
            crate::text::sanitize_line(input)
        )
    }
    pub fn into_itself(id: i64) -> String {
        format!("cannot merge #{id} into itself")
    }
    pub fn merging(source: i64, target: i64) -> String {
        format!("merging #{source} into #{target}…")
    }
    pub fn tag_for(n: usize, bulk: bool, id: Option<i64>) -> String {
        match (bulk, id) {
            (true, _) => format!("{n} marked tickets"),
            (false, Some(id)) => format!("#{id}"),
            (false, None) => String::new(),
        }
    }
    pub fn question(source: i64, target: i64) -> String {
        format!("Merge #{source} into #{target}?")
    }
    pub fn bulk_tags(ops: &str, n: usize) -> String {
        format!("tag {ops} on {n} marked tickets?")
    }
    pub fn tagged(id: i64, change: &str, already: &[String], absent: &[String]) -> String {
        let mut s = if change.is_empty() {
            format!("#{id}: tags unchanged")
        } else {
            format!("#{id}: tags {change}")
        };
        if !already.is_empty() {
            s.push_str(&format!(" (already: {})", already.join(" ")));
        }
        if !absent.is_empty() {
            s.push_str(&format!(" (not tagged: {})", absent.join(" ")));
        }
        s
    }
    pub fn merged(source: i64, target: i64, entries: usize, attachments: usize) -> String {
        format!(
            "#{source} merged into #{target}: {entries} conversation entries, {attachments} attachments moved; #{source} is closed"
        )
    }
}
