//! The Triage view: mail from senders tuidesk could not place (unknown, ambiguous, or naming
//! a ticket they may not write on), listed for an engineer who files each one under an
//! organization (with a severity) or discards it with a reason. Pure state and keys.

use crossterm::event::{KeyCode, KeyEvent};

use super::{Action, App, Mode, Request, View, edit_line};
use crate::store::TriageItem;

#[derive(Debug, Clone, Default)]
pub struct TriageState {
    /// The items waiting, oldest first.
    pub items: Vec<TriageItem>,
    pub selected: usize,
    pub loaded: bool,
}

impl TriageState {
    pub fn selected_item(&self) -> Option<&TriageItem> {
        self.items.get(self.selected)
    }
}

/// `F` on a triage item: the organization it goes to and its severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTriageForm {
    pub item_id: i64,
    pub subject: String,
    /// Index into the app's organizations.
    pub org: usize,
    /// 0: as the subject's tags and the policy say; `i`: the set's `i-1`th severity.
    pub severity: usize,
    /// 0: organization, 1: severity.
    pub focus: usize,
}

impl FileTriageForm {
    /// The severity chosen (None: the policy's default) among `levels`.
    pub fn severity_of<'a>(&self, levels: &'a [String]) -> Option<&'a str> {
        self.severity
            .checked_sub(1)
            .and_then(|i| levels.get(i))
            .map(String::as_str)
    }
}

impl App {
    /// The severities of the policy set of organization `org` (an index into `orgs`).
    pub fn triage_levels(&self, org: usize) -> Vec<String> {
        self.orgs
            .get(org)
            .and_then(|o| self.policies.get(&o.policy_set))
            .map(|s| s.severities.clone())
            .unwrap_or_default()
    }

    /// Keys of the Triage view; `None` lets the shared handling have the action.
    pub(super) fn triage_action(&mut self, action: Action) -> Option<Vec<Request>> {
        let in_view = self.view == View::Triage;
        Some(match action {
            Action::ShowTriage if in_view => self.show_view(View::Tickets),
            Action::ShowTriage => self.show_view(View::Triage),
            Action::FileTriage | Action::DiscardTriage if !in_view => {
                self.set_message(self.lang.t("tri-actions-elsewhere"), true);
                Vec::new()
            }
            Action::FileTriage => {
                match self.triage.selected_item() {
                    Some(item) if self.orgs.is_empty() => {
                        let msg = crate::tr!(self.lang, "tri-no-org", id = item.id);
                        self.set_message(msg, true);
                    }
                    Some(item) => {
                        self.mode = Mode::FileTriage(Box::new(FileTriageForm {
                            item_id: item.id,
                            subject: item.subject.clone(),
                            org: 0,
                            severity: 0,
                            focus: 0,
                        }))
                    }
                    None => self.set_message(self.lang.t("tri-nothing"), true),
                }
                Vec::new()
            }
            Action::DiscardTriage => {
                match self.triage.selected_item() {
                    Some(item) => {
                        self.mode = Mode::DiscardTriage {
                            item_id: item.id,
                            input: String::new(),
                        }
                    }
                    None => self.set_message(self.lang.t("tri-nothing"), true),
                }
                Vec::new()
            }
            _ if !in_view => return None,
            Action::MoveDown => self.move_triage(1),
            Action::MoveUp => self.move_triage(-1),
            Action::PageDown => self.move_triage(self.queue.height.max(1) as i64),
            Action::PageUp => self.move_triage(-(self.queue.height.max(1) as i64)),
            Action::Top => self.move_triage(i64::MIN / 2),
            Action::Bottom => self.move_triage(i64::MAX / 2),
            Action::Refresh => vec![Request::Triage, Request::Orgs],
            Action::Back => self.show_view(View::Tickets),
            _ => return None,
        })
    }

    fn move_triage(&mut self, by: i64) -> Vec<Request> {
        let n = self.triage.items.len() as i64;
        if n > 0 {
            self.triage.selected = (self.triage.selected as i64)
                .saturating_add(by)
                .clamp(0, n - 1) as usize;
        }
        Vec::new()
    }

    /// The waiting items arrived: the same item stays selected when it is still there.
    pub(super) fn triage_loaded(&mut self, items: Vec<TriageItem>) {
        let keep = self.triage.selected_item().map(|i| i.id);
        self.triage.items = items;
        self.triage.loaded = true;
        self.triage.selected = keep
            .and_then(|id| self.triage.items.iter().position(|i| i.id == id))
            .unwrap_or(self.triage.selected)
            .min(self.triage.items.len().saturating_sub(1));
    }

    pub(super) fn file_triage_key(
        &mut self,
        mut form: Box<FileTriageForm>,
        key: KeyEvent,
    ) -> Vec<Request> {
        let levels = self.triage_levels(form.org);
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => {
                let Some(org) = self.orgs.get(form.org) else {
                    self.mode = Mode::FileTriage(form);
                    self.set_message(self.lang.t("tri-choose-org"), true);
                    return Vec::new();
                };
                let req = Request::FileTriage {
                    id: form.item_id,
                    org: org.name.clone(),
                    severity: form.severity_of(&levels).map(str::to_string),
                };
                // Open until the store confirms; a refusal keeps the choices.
                self.mode = Mode::FileTriage(form);
                return vec![req];
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                form.focus = 1 - form.focus.min(1);
            }
            KeyCode::Left | KeyCode::Right => {
                let forward = key.code == KeyCode::Right;
                let step = |i: usize, len: usize| match len {
                    0 => 0,
                    _ if forward => (i + 1) % len,
                    _ => (i + len - 1) % len,
                };
                if form.focus == 0 {
                    form.org = step(form.org, self.orgs.len());
                    // Another set has other levels: back to the policy's default.
                    form.severity = 0;
                } else {
                    form.severity = step(form.severity, levels.len() + 1);
                }
            }
            _ => {}
        }
        self.mode = Mode::FileTriage(form);
        Vec::new()
    }

    pub(super) fn discard_triage_key(
        &mut self,
        item_id: i64,
        mut input: String,
        key: KeyEvent,
    ) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter if input.trim().is_empty() => {
                self.mode = Mode::DiscardTriage { item_id, input };
                self.set_message(self.lang.t("tri-say-why"), true);
                Vec::new()
            }
            KeyCode::Enter => {
                let reason = input.trim().to_string();
                self.mode = Mode::DiscardTriage { item_id, input };
                vec![Request::DiscardTriage {
                    id: item_id,
                    reason,
                }]
            }
            _ => {
                edit_line(&mut input, &key);
                self.mode = Mode::DiscardTriage { item_id, input };
                Vec::new()
            }
        }
    }

    /// A triage item was filed or discarded: the popup closes, the inbox and (for a new
    /// ticket) the ticket lists reload.
    pub(super) fn triage_written(&mut self, message: String, ticket: Option<i64>) -> Vec<Request> {
        if matches!(self.mode, Mode::FileTriage(_) | Mode::DiscardTriage { .. }) {
            self.mode = Mode::Normal;
        }
        self.set_message(message, false);
        let mut out = vec![Request::Triage];
        if ticket.is_some() {
            out.extend(self.reload_lists());
        }
        out
    }
}
