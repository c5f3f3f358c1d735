//! Saving a ticket's attachment from Detail (`w`): choose the file (Tab), type where it goes
//! (a new file: an existing one is never overwritten), Enter. The database thread writes it.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Mode, Request, edit_line};

#[derive(Debug, Clone)]
pub struct SaveAttachmentForm {
    pub ticket_id: i64,
    /// (attachment id, name, stored) of every file on the ticket, oldest first.
    pub files: Vec<(i64, String, bool)>,
    pub selected: usize,
    pub path: String,
}

impl App {
    pub(super) fn begin_save_attachment(&mut self) -> Vec<Request> {
        let Some(d) = &self.detail else {
            self.no_ticket_message();
            return Vec::new();
        };
        let Some(t) = &d.ticket else {
            self.no_ticket_message();
            return Vec::new();
        };
        let files: Vec<(i64, String, bool)> = d
            .mail
            .iter()
            .flat_map(|m| m.attachments.iter())
            .map(|a| (a.id, a.name.clone(), a.stored))
            .collect();
        if files.is_empty() {
            self.set_message(crate::tr!(self.lang, "app-no-attachments", id = t.id), true);
            return Vec::new();
        }
        let path = default_path(&files[0].1);
        self.mode = Mode::SaveAttachment(Box::new(SaveAttachmentForm {
            ticket_id: t.id,
            files,
            selected: 0,
            path,
        }));
        Vec::new()
    }

    pub(super) fn save_attachment_key(
        &mut self,
        mut form: Box<SaveAttachmentForm>,
        key: KeyEvent,
    ) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => {
                let n = form.files.len();
                let was_default = form.path == default_path(&form.files[form.selected].1);
                form.selected = if matches!(key.code, KeyCode::Tab | KeyCode::Down) {
                    (form.selected + 1) % n
                } else {
                    (form.selected + n - 1) % n
                };
                // A path the user typed stays; the suggested one follows the file.
                if was_default {
                    form.path = default_path(&form.files[form.selected].1);
                }
                self.mode = Mode::SaveAttachment(form);
                Vec::new()
            }
            KeyCode::Enter => {
                let (id, name, stored) = form.files[form.selected].clone();
                if !stored {
                    self.mode = Mode::SaveAttachment(form);
                    self.set_message(
                        crate::tr!(self.lang, "app-save-dropped", name = &name),
                        true,
                    );
                    return Vec::new();
                }
                if form.path.trim().is_empty() {
                    self.mode = Mode::SaveAttachment(form);
                    self.set_message(self.lang.t("app-save-where"), true);
                    return Vec::new();
                }
                self.set_message(crate::tr!(self.lang, "app-saving", name = &name), false);
                vec![Request::SaveAttachment {
                    id,
                    path: form.path.trim().to_string(),
                }]
            }
            _ => {
                edit_line(&mut form.path, &key);
                self.mode = Mode::SaveAttachment(form);
                Vec::new()
            }
        }
    }
}

/// Where a file is suggested to go: its own name (the last part, so a hostile name cannot
/// point elsewhere) in the current directory.
fn default_path(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "attachment".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Response;
    use crate::app::tests::{app, code, key, ticket};
    use crate::store::{AttachmentMeta, EntryMail, TicketDetail};

    fn meta(id: i64, name: &str, stored: bool) -> AttachmentMeta {
        AttachmentMeta {
            id,
            entry_id: Some(5),
            name: name.into(),
            content_type: "text/plain".into(),
            size: 3,
            stored,
        }
    }

    fn with_files(files: Vec<AttachmentMeta>) -> App {
        let mut a = app();
        a.handle_response(Response::Detail(
            Box::new(TicketDetail {
                ticket: Some(ticket(4, "logs", Some(600))),
                mail: vec![EntryMail {
                    entry_id: 5,
                    attachments: files,
                    ..Default::default()
                }],
                ..Default::default()
            }),
            vec![],
        ));
        a
    }

    #[test]
    fn w_picks_a_file_and_a_path_and_asks_the_database_thread_to_write_it() {
        let mut a = with_files(vec![meta(11, "a.log", true), meta(12, "b.png", true)]);
        assert!(a.handle_key(key('w')).is_empty());
        let Mode::SaveAttachment(f) = &a.mode else {
            panic!("{:?}", a.mode)
        };
        assert_eq!(f.path, "a.log");
        // Tab moves to the next file; the suggested path follows it.
        a.handle_key(code(KeyCode::Tab));
        assert!(matches!(&a.mode, Mode::SaveAttachment(f) if f.selected == 1 && f.path == "b.png"));
        // A typed path stays when the file changes.
        for _ in 0..5 {
            a.handle_key(code(KeyCode::Backspace));
        }
        for c in "/tmp/x.png".chars() {
            a.handle_key(key(c));
        }
        a.handle_key(code(KeyCode::BackTab));
        a.handle_key(code(KeyCode::Tab));
        let reqs = a.handle_key(code(KeyCode::Enter));
        assert_eq!(
            reqs,
            vec![Request::SaveAttachment {
                id: 12,
                path: "/tmp/x.png".into()
            }]
        );
        a.handle_response(Response::Notice {
            message: "saved b.png (3 bytes) to /tmp/x.png".into(),
            error: false,
        });
        assert!(
            a.message
                .as_ref()
                .is_some_and(|(m, e)| !e && m.contains("saved b.png"))
        );
    }

    #[test]
    fn no_files_or_a_file_not_kept_say_so() {
        let mut a = with_files(Vec::new());
        a.handle_key(key('w'));
        assert!(matches!(a.mode, Mode::Normal));
        assert!(
            a.message
                .as_ref()
                .is_some_and(|(m, _)| m.contains("no attachments"))
        );
        let mut a = with_files(vec![meta(11, "huge.iso", false)]);
        a.handle_key(key('w'));
        assert!(a.handle_key(code(KeyCode::Enter)).is_empty());
        assert!(
            a.message
                .as_ref()
                .is_some_and(|(m, e)| *e && m.contains("size limit"))
        );
    }

    #[test]
    fn suggested_paths_stay_in_the_current_directory() {
        assert_eq!(default_path("trace.log"), "trace.log");
        assert_eq!(default_path("../../etc/passwd"), "passwd");
        assert_eq!(default_path("a\u{1b}[2Jb.txt"), "a[2Jb.txt");
        assert_eq!(default_path(".."), "attachment");
    }
}
