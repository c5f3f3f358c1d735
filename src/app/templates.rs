//! Canned replies in the editor: `Ctrl-T` asks the database thread for the templates (the
//! engineer's files and the team's shared set), a picker filters them by name, `Enter`
//! inserts the chosen one with its variables filled at the cursor, and the cursor lands
//! where the template says (`{{cursor}}`). A template that cannot be filled for this ticket
//! inserts nothing and says why.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::CursorMove;

use super::{App, Editor, Mode, Request, edit_line};
use crate::reply_template::{self, ReplyTemplate, TemplateContext};

#[derive(Debug, Clone)]
pub struct TemplatePicker {
    /// The editor the chosen template goes into (restored on Esc).
    pub editor: Box<Editor>,
    pub templates: Vec<ReplyTemplate>,
    /// Typed text narrowing the list by name.
    pub filter: String,
    /// Index into [`TemplatePicker::matches`].
    pub selected: usize,
}

impl TemplatePicker {
    /// The templates whose name contains the filter (case-insensitive), in list order.
    pub fn matches(&self) -> Vec<&ReplyTemplate> {
        let needle = self.filter.to_lowercase();
        self.templates
            .iter()
            .filter(|t| t.name.to_lowercase().contains(&needle))
            .collect()
    }
}

impl App {
    /// `Ctrl-T` in the editor: the editor stays open until the templates arrive.
    pub(super) fn request_templates(&mut self, editor: Box<Editor>) -> Vec<Request> {
        self.mode = Mode::Editor(editor);
        vec![Request::ReplyTemplates]
    }

    /// The templates arrived (or could not be read): open the picker over the editor.
    pub(super) fn templates_arrived(
        &mut self,
        result: Result<Vec<ReplyTemplate>, String>,
    ) -> Vec<Request> {
        let Mode::Editor(editor) = std::mem::replace(&mut self.mode, Mode::Normal) else {
            // The editor was closed meanwhile: nothing to insert into.
            return Vec::new();
        };
        match result {
            Err(e) => {
                self.mode = Mode::Editor(editor);
                self.set_message(
                    crate::tr!(self.lang, "tpl-error", error = e.to_string()),
                    true,
                );
            }
            Ok(templates) if templates.is_empty() => {
                self.mode = Mode::Editor(editor);
                self.set_message(self.lang.t("tpl-none"), true);
            }
            Ok(templates) => {
                self.mode = Mode::Templates(Box::new(TemplatePicker {
                    editor,
                    templates,
                    filter: String::new(),
                    selected: 0,
                }));
            }
        }
        Vec::new()
    }

    pub(super) fn template_key(
        &mut self,
        mut picker: Box<TemplatePicker>,
        key: KeyEvent,
    ) -> Vec<Request> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let count = picker.matches().len();
        match key.code {
            KeyCode::Esc => {
                self.mode = Mode::Editor(picker.editor);
            }
            KeyCode::Down => {
                picker.selected = (picker.selected + 1).min(count.saturating_sub(1));
                self.mode = Mode::Templates(picker);
            }
            KeyCode::Char('n') if ctrl => {
                picker.selected = (picker.selected + 1).min(count.saturating_sub(1));
                self.mode = Mode::Templates(picker);
            }
            KeyCode::Up => {
                picker.selected = picker.selected.saturating_sub(1);
                self.mode = Mode::Templates(picker);
            }
            KeyCode::Char('p') if ctrl => {
                picker.selected = picker.selected.saturating_sub(1);
                self.mode = Mode::Templates(picker);
            }
            KeyCode::Enter => return self.insert_template(picker),
            _ => {
                edit_line(&mut picker.filter, &key);
                picker.selected = 0;
                self.mode = Mode::Templates(picker);
            }
        }
        Vec::new()
    }

    fn insert_template(&mut self, picker: Box<TemplatePicker>) -> Vec<Request> {
        let Some(template) = picker.matches().get(picker.selected).map(|t| (*t).clone()) else {
            self.mode = Mode::Templates(picker);
            self.set_message(self.lang.t("tpl-no-match-backspace"), true);
            return Vec::new();
        };
        let mut editor = picker.editor;
        let Some(ctx) = self.template_context(editor.ticket_id) else {
            let id = editor.ticket_id;
            self.mode = Mode::Editor(editor);
            self.set_message(crate::tr!(self.lang, "tpl-not-loaded", id = id), true);
            return Vec::new();
        };
        let rendered = match reply_template::render(&template.body, &ctx) {
            Ok(r) => r,
            Err(e) => {
                self.mode = Mode::Editor(editor);
                self.set_message(
                    crate::tr!(
                        self.lang,
                        "tpl-failed",
                        name = &template.name,
                        error = e.to_string()
                    ),
                    true,
                );
                return Vec::new();
            }
        };
        let at = editor.textarea.cursor();
        let (row0, col0) = (at.0, at.1);
        editor.textarea.insert_str(&rendered.text);
        if let Some((row, col)) = rendered.cursor {
            let col = if row == 0 { col0 + col } else { col };
            let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
            editor
                .textarea
                .move_cursor(CursorMove::Jump(clamp(row0 + row), clamp(col)));
        }
        self.unsent_drafts.insert((editor.ticket_id, editor.kind));
        let save = Request::SaveDraft {
            ticket_id: editor.ticket_id,
            kind: editor.kind.as_str().into(),
            body: editor.text(),
        };
        self.set_message(
            crate::tr!(self.lang, "tpl-inserted", name = &template.name),
            false,
        );
        self.mode = Mode::Editor(editor);
        vec![save]
    }

    /// The values a template fills for ticket `id`: the loaded Detail's ticket, else the
    /// queue's row.
    fn template_context(&self, id: i64) -> Option<TemplateContext> {
        let ticket = self
            .detail
            .as_ref()
            .and_then(|d| d.ticket.as_ref())
            .filter(|t| t.id == id)
            .or_else(|| self.queue.tickets.iter().find(|t| t.id == id))?;
        let tz = self
            .orgs
            .iter()
            .find(|o| o.id == ticket.org_id)
            .and_then(|o| o.tz.parse::<chrono_tz::Tz>().ok());
        Some(TemplateContext::for_ticket(ticket, tz, &self.me))
    }
}
