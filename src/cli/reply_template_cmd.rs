//! `tuidesk reply-template …`: the team's shared canned replies in the database, beside each
//! engineer's own files (`replies/*.md` next to config.toml).

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::args::ReplyTemplateCommand;
use super::{actor, now, open_existing_store, open_store, output, read_text};
use crate::out::outln;
use crate::reply_template::{ReplyTemplate, TemplateSource};
use crate::text::{sanitize_block, sanitize_line};
use crate::tr;

pub fn run(db: Option<&Path>, as_user: Option<&str>, cmd: ReplyTemplateCommand) -> Result<()> {
    let lang = crate::session::language()?;
    match cmd {
        ReplyTemplateCommand::Add {
            name,
            body,
            file,
            replace,
        } => {
            if body.is_none() && file.is_none() {
                bail!("{}", lang.t("cli-tpl-give-text"));
            }
            let text = read_text(body.as_deref(), file.as_deref(), "template")?;
            let actor = actor(as_user)?;
            let mut desk = open_store(db)?;
            desk.add_reply_template(&name, &text, replace, &actor, now()?)?;
            let done = tr!(lang, "cli-tpl-saved", name = sanitize_line(&name));
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
        ReplyTemplateCommand::Remove { name } => {
            let mut desk = open_existing_store(db)?;
            desk.remove_reply_template(&name)?;
            let done = tr!(lang, "cli-tpl-removed", name = sanitize_line(&name));
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
        ReplyTemplateCommand::List { json } => {
            let all = all_templates(db)?;
            if json {
                let v: Vec<Value> = all.iter().map(template_json).collect();
                outln!("{}", output::json_text(&Value::Array(v))?)?;
                return Ok(());
            }
            if all.is_empty() {
                outln!("{}", lang.t("cli-tpl-none"))?;
            }
            for t in &all {
                let first = t.body.lines().next().unwrap_or("");
                outln!(
                    "{} {} {}",
                    crate::text::pad_right(&sanitize_line(&t.name), 24),
                    crate::text::pad_right(&lang.word("tpl", source_label(t)), 7),
                    crate::text::truncate_to_width(&sanitize_line(first), 60)
                )?;
            }
            Ok(())
        }
        ReplyTemplateCommand::Show { name } => {
            let all = all_templates(db)?;
            let Some(t) = all.iter().find(|t| t.name == name) else {
                bail!(
                    "{}",
                    tr!(lang, "cli-tpl-unknown", name = format!("{name:?}"))
                );
            };
            outln!("{}", sanitize_block(&t.body))?;
            Ok(())
        }
    }
}

/// The engineer's own templates first (a file shadows a shared template of the same name),
/// then the shared ones.
fn all_templates(db: Option<&Path>) -> Result<Vec<ReplyTemplate>> {
    let own = crate::config::own_reply_templates()?;
    Ok(open_existing_store(db)?.usable_reply_templates(own)?)
}

fn source_label(t: &ReplyTemplate) -> &'static str {
    match t.source {
        TemplateSource::File(_) => "yours",
        TemplateSource::Shared => "shared",
    }
}

fn template_json(t: &ReplyTemplate) -> Value {
    json!({
        "name": t.name,
        "source": source_label(t),
        "path": match &t.source { TemplateSource::File(p) => Value::String(p.clone()), TemplateSource::Shared => Value::Null },
        "body": t.body,
        "updated_by": t.updated_by,
        "updated_at": t.updated_at.map(|t| t.to_rfc3339()),
    })
}
