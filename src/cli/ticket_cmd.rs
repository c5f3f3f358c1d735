use std::path::Path;

use anyhow::Result;

use super::args::{BodyArgs, ListArgs, TicketCommand};
use super::{actor, now, open_existing_store, open_store, output, read_text};
use crate::domain::{AuthorRole, EntryKind};
use crate::i18n::Lang;
use crate::out::{note, outln};
use crate::store::{NewTicket, TicketChange, TicketFilter};
use crate::tr;

pub fn run(lang: Lang, db: Option<&Path>, as_user: Option<&str>, cmd: TicketCommand) -> Result<()> {
    match cmd {
        TicketCommand::New(a) => {
            let description = read_text(
                a.description.as_deref(),
                a.description_file.as_deref(),
                "description",
            )?;
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let now = now()?;
            let t = store.create_ticket(
                &NewTicket {
                    org: a.org,
                    kind: Some(a.kind),
                    severity: a.severity,
                    summary: a.summary,
                    description,
                    component: a.component,
                    environment: a.environment,
                    affected_version: a.affected_version,
                    requester_name: a.requester_name,
                    requester_address: a.requester,
                    channel: a.channel,
                },
                &actor,
                now,
            )?;
            let printed = if a.json {
                let fr = super::first_responses(&store, std::slice::from_ref(&t), true, now)?;
                let fr = fr.first().and_then(Option::as_ref);
                outln!("{}", output::json_text(&output::ticket_json(&t, fr, now))?)
            } else {
                outln!("{}", t.id)
            };
            printed.map_err(|e| e.after(format_args!("ticket {} created", t.id)))?;
            Ok(())
        }
        TicketCommand::List(a) => list(lang, db, as_user, a),
        TicketCommand::Show { id, json } => {
            let store = open_existing_store(db)?;
            let now = now()?;
            let detail = store.ticket_detail(id, now)?;
            let fr = store.first_response_statuses(&[id], now)?.pop().flatten();
            let sla = store.sla_report(id, now)?;
            output::print_detail(lang, &detail, fr.as_ref(), &sla.metrics, json, now)
        }
        TicketCommand::Reply(b) => entry(lang, db, as_user, b, EntryKind::Reply),
        TicketCommand::Note(b) => entry(lang, db, as_user, b, EntryKind::Note),
        TicketCommand::Attachment { id, name, out } => attachment(lang, db, id, &name, &out),
        TicketCommand::Status {
            id,
            status,
            expect_version,
        } => change(
            lang,
            db,
            as_user,
            id,
            TicketChange::Status(status),
            expect_version,
        ),
        TicketCommand::Severity {
            id,
            severity,
            expect_version,
        } => change(
            lang,
            db,
            as_user,
            id,
            TicketChange::Severity(severity),
            expect_version,
        ),
        TicketCommand::Assign {
            id,
            user,
            expect_version,
        } => {
            let who = if user == "-" { None } else { Some(user) };
            change(
                lang,
                db,
                as_user,
                id,
                TicketChange::Assign(who),
                expect_version,
            )
        }
        TicketCommand::Tag {
            id,
            tags,
            expect_version,
        } => tag(lang, db, as_user, id, &tags, expect_version),
        TicketCommand::Merge {
            source,
            into,
            expect_version,
            expect_target_version,
        } => merge(
            lang,
            db,
            as_user,
            source,
            into,
            (expect_version, expect_target_version),
        ),
        TicketCommand::Claim { id } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let t = store.claim(id, &actor, now()?)?;
            outln!(
                "{}",
                tr!(
                    lang,
                    "cli-claimed",
                    id = t.id,
                    who = t.assignee.unwrap_or_default()
                )
            )
            .map_err(|e| e.after(format_args!("ticket {} claimed", t.id)))?;
            Ok(())
        }
    }
}

/// `ticket tag ID +bug -billing`: one audited change; what was already so is said, not
/// refused.
fn tag(
    lang: Lang,
    db: Option<&Path>,
    as_user: Option<&str>,
    id: i64,
    args: &[String],
    expected: Option<i64>,
) -> Result<()> {
    // `--expect-version N` may come after the tags too (they take `-TAG`, so clap leaves
    // everything after the first tag to us); any other `--option` there is an error.
    let (mut expected, mut tags) = (expected, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--expect-version" {
            Some(
                it.next()
                    .ok_or_else(|| anyhow::anyhow!("--expect-version needs a VERSION"))?
                    .as_str(),
            )
        } else {
            a.strip_prefix("--expect-version=")
        };
        if let Some(v) = value {
            expected =
                Some(v.parse().map_err(|_| {
                    anyhow::anyhow!("--expect-version needs a number, not {:?}", v)
                })?);
        } else if a.starts_with("--") {
            anyhow::bail!(
                "unknown option {:?} among the tags (+TAG adds, -TAG removes)",
                crate::text::sanitize_line(a)
            );
        } else {
            tags.push(a.as_str());
        }
    }
    let ops = crate::desk::parse_tag_ops(&tags)?;
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let o = store.tag_ticket(id, &ops, expected, &actor, now()?)?;
    let mut said = Vec::new();
    if !o.added.is_empty() || !o.removed.is_empty() {
        said.push(tr!(lang, "cli-tag-tags", change = o.change_text()));
    }
    if !o.already.is_empty() {
        said.push(tr!(lang, "cli-tag-already", tags = o.already.join(" ")));
    }
    if !o.absent.is_empty() {
        said.push(tr!(lang, "cli-tag-absent", tags = o.absent.join(" ")));
    }
    if o.added.is_empty() && o.removed.is_empty() {
        said.push(lang.t("cli-tag-nothing"));
    }
    outln!(
        "{}",
        tr!(
            lang,
            "cli-tagged",
            id = o.ticket.id,
            said = said.join("; "),
            tags = if o.ticket.tags.is_empty() {
                "-".to_string()
            } else {
                o.ticket.tags.join(" ")
            },
            version = o.ticket.version
        )
    )
    .map_err(|e| e.after(format_args!("ticket {id} tagged")))?;
    Ok(())
}

/// `ticket merge SOURCE --into TARGET`.
fn merge(
    lang: Lang,
    db: Option<&Path>,
    as_user: Option<&str>,
    source: i64,
    target: i64,
    expected: (Option<i64>, Option<i64>),
) -> Result<()> {
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let o = store.merge_tickets(source, target, expected, &actor, now()?)?;
    let tags = if o.tags.is_empty() {
        String::new()
    } else {
        tr!(lang, "cli-merge-tags", tags = o.tags.join(" "))
    };
    outln!(
        "{}",
        tr!(
            lang,
            "cli-merged",
            source = source,
            target = target,
            entries = o.entries,
            attachments = o.attachments,
            tags = tags,
            source_version = o.source.version,
            target_version = o.target.version
        )
    )
    .map_err(|e| e.after(format_args!("ticket {source} merged into {target}")))?;
    Ok(())
}

fn change(
    lang: Lang,
    db: Option<&Path>,
    as_user: Option<&str>,
    id: i64,
    change: TicketChange,
    expected: Option<i64>,
) -> Result<()> {
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let t = store.change_ticket(id, &change, expected, &actor, now()?)?;
    outln!(
        "{}",
        tr!(
            lang,
            "cli-changed",
            id = t.id,
            status = lang.word("status", t.status.as_str()),
            severity = crate::text::sanitize_line(&t.severity),
            assignee = crate::text::sanitize_line(t.assignee.as_deref().unwrap_or("-")),
            version = t.version
        )
    )
    .map_err(|e| e.after(format_args!("ticket {} changed", t.id)))?;
    Ok(())
}

fn entry(
    lang: Lang,
    db: Option<&Path>,
    as_user: Option<&str>,
    b: BodyArgs,
    kind: EntryKind,
) -> Result<()> {
    let what = if kind == EntryKind::Reply {
        "reply"
    } else {
        "note"
    };
    let body = read_text(b.body.as_deref(), b.body_file.as_deref(), what)?;
    let mut files = Vec::with_capacity(b.attach.len());
    for path in &b.attach {
        let (name, data) = super::read_attachment(path, "a ticket")?;
        files.push(crate::desk::NewAttachment {
            content_type: content_type(&name).to_string(),
            name,
            data,
        });
    }
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let e = store.add_entry_with(
        b.id,
        kind,
        AuthorRole::Engineer,
        &body,
        &files,
        &actor,
        now()?,
    )?;
    outln!(
        "{}",
        tr!(
            lang,
            "cli-entry-added",
            what = lang.word("entry", what),
            entry = e.id,
            id = e.ticket_id,
            n = files.len()
        )
    )
    .map_err(|err| err.after(format_args!("{what} added to ticket {}", e.ticket_id)))?;
    Ok(())
}

/// The MIME type a mail client needs, from the file name's extension.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("txt" | "log" | "md") => "text/plain",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("zip") => "application/zip",
        Some("gz" | "tgz") => "application/gzip",
        _ => "application/octet-stream",
    }
}

/// `ticket attachment ID NAME --out PATH`: the newest file of that name on the ticket, or
/// `#N` by its number.
fn attachment(lang: Lang, db: Option<&Path>, id: i64, name: &str, out: &str) -> Result<()> {
    let store = open_existing_store(db)?;
    let listed: Vec<crate::store::AttachmentMeta> = store
        .ticket_mail(id)?
        .into_iter()
        .flat_map(|m| m.attachments)
        .collect();
    // Make sure the ticket exists, so a wrong number says so.
    store.ticket(id, now()?)?;
    let by_number = name
        .strip_prefix('#')
        .and_then(|n| n.parse::<i64>().ok())
        .and_then(|n| listed.iter().find(|a| a.id == n));
    let found = by_number.or_else(|| {
        listed
            .iter()
            .filter(|a| a.name == name)
            .max_by_key(|a| a.id)
    });
    let Some(a) = found else {
        let names: Vec<String> = listed
            .iter()
            .map(|a| format!("#{} {}", a.id, crate::text::sanitize_line(&a.name)))
            .collect();
        anyhow::bail!(
            "{}",
            if names.is_empty() {
                tr!(
                    lang,
                    "cli-no-attachment",
                    id = id,
                    name = crate::text::sanitize_line(name)
                )
            } else {
                tr!(
                    lang,
                    "cli-no-attachment-has",
                    id = id,
                    name = crate::text::sanitize_line(name),
                    names = names.join(", ")
                )
            }
        );
    };
    if !a.stored {
        anyhow::bail!(
            "{}",
            tr!(
                lang,
                "cli-attachment-dropped",
                id = a.id,
                name = crate::text::sanitize_line(&a.name)
            )
        );
    }
    let (_, data) = store.attachment(a.id)?;
    super::order_cmd::write_out(out, &data)
}

/// How many tickets `ticket list` prints unless told otherwise.
const DEFAULT_LIST_LIMIT: usize = 50;

fn list(lang: Lang, db: Option<&Path>, as_user: Option<&str>, a: ListArgs) -> Result<()> {
    let tags = a
        .tags
        .iter()
        .map(|t| crate::domain::normalize_tag(t))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let store = open_existing_store(db)?;
    let org_id = match &a.org {
        Some(name) => Some(store.org_by_name(name)?.id),
        None => None,
    };
    let assignee = if a.mine {
        Some(actor(as_user)?.name)
    } else {
        a.assignee.clone()
    };
    let filter = TicketFilter {
        statuses: a.statuses,
        all_statuses: a.all,
        org_id,
        assignee,
        unassigned: a.unassigned,
        breached: a.breached,
        severity: None,
        tags,
    };
    let now = now()?;
    // SQLite reads LIMIT as a signed 64-bit number.
    let limit = match (a.limit, a.all) {
        (Some(n), _) => n,
        (None, true) => usize::MAX,
        (None, false) => DEFAULT_LIST_LIMIT,
    }
    .min((i64::MAX - 1) as usize);
    // One row more than asked tells whether the list stopped short.
    let mut page = store.list_tickets(&filter, a.sort, None, None, limit.saturating_add(1), now)?;
    if page.tickets.len() > limit {
        page.tickets.truncate(limit);
        let total = store.count_tickets(&filter, now)?;
        let hint = if a.all {
            lang.t("cli-hint-limit")
        } else {
            lang.t("cli-hint-limit-all")
        };
        note!(
            "tuidesk: {}",
            tr!(
                lang,
                "cli-showing",
                shown = limit,
                total = total,
                hint = hint
            )
        );
    }
    let fr = super::first_responses(&store, &page.tickets, a.json, now)?;
    output::print_tickets(lang, &page.tickets, &fr, a.json, now)
}
