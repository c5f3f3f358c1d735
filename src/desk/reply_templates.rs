//! The team's shared canned replies: names and bodies checked once here (a template that
//! would fail at insert time is refused when it is saved), each change one transaction.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::domain::Actor;
use crate::reply_template::{self, ReplyTemplate};
use crate::store::{Result, StoreError};

impl Desk {
    /// Saves the shared template `name`; an existing one is replaced only when `replace`.
    pub fn add_reply_template(
        &mut self,
        name: &str,
        body: &str,
        replace: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        reply_template::check_name(name).map_err(StoreError::Other)?;
        if body.trim().is_empty() {
            return Err(StoreError::Other(format!(
                "template {name:?} is empty; give it some text"
            )));
        }
        reply_template::validate(body)
            .map_err(|e| StoreError::Other(format!("template {name:?}: {e}")))?;
        let by = actor.audit_name();
        self.store.write(&mut |tx| {
            if !replace && tx.reply_template_exists(name)? {
                return Err(StoreError::Other(format!(
                    "a shared template named {name:?} exists; add --replace to overwrite it"
                )));
            }
            tx.put_reply_template(name, body, &by, now)
        })
    }

    pub fn remove_reply_template(&mut self, name: &str) -> Result<()> {
        self.store.write(&mut |tx| {
            if tx.remove_reply_template(name)? {
                Ok(())
            } else {
                Err(StoreError::NotFound {
                    what: "shared template",
                    key: name.to_string(),
                })
            }
        })
    }

    pub fn reply_templates(&self) -> Result<Vec<ReplyTemplate>> {
        self.store.reply_templates()
    }

    /// The templates an engineer can use: `own` (their files, which `config` reads) first,
    /// shadowing shared templates of the same name, then the team's shared ones.
    pub fn usable_reply_templates(&self, own: Vec<ReplyTemplate>) -> Result<Vec<ReplyTemplate>> {
        Ok(reply_template::merge(own, self.store.reply_templates()?))
    }
}
