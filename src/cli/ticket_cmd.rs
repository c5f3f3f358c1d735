use std::path::Path;

use anyhow::{Result, anyhow};

use super::args::{BodyArgs, ListArgs, TicketCommand};
use super::{actor, now, open_store, output, read_text};
use crate::domain::{AuthorRole, EntryKind, Environment, Status, TicketKind};
use crate::store::{NewTicket, TicketChange, TicketFilter, TicketSort};

pub fn run(db: Option<&Path>, as_user: Option<&str>, cmd: TicketCommand) -> Result<()> {
    match cmd {
        TicketCommand::New(a) => {
            let kind: TicketKind = a.kind.parse().map_err(|e: String| anyhow!(e))?;
            let environment: Option<Environment> = a
                .environment
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e: String| anyhow!(e))?;
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
                    kind: Some(kind),
                    severity: a.severity,
                    summary: a.summary,
                    description,
                    component: a.component,
                    environment,
                    affected_version: a.affected_version,
                },
                &actor,
                now,
            )?;
            if a.json {
                println!("{}", output::json_text(&output::ticket_json(&t, now))?);
            } else {
                println!("{}", t.id);
            }
            Ok(())
        }
        TicketCommand::List(a) => list(db, as_user, a),
        TicketCommand::Show { id, json } => {
            let store = open_store(db)?;
            let now = now()?;
            let detail = store.ticket_detail(id, now)?;
            output::print_detail(&detail, json, now)
        }
        TicketCommand::Reply(b) => entry(db, as_user, b, EntryKind::Reply),
        TicketCommand::Note(b) => entry(db, as_user, b, EntryKind::Note),
        TicketCommand::Status {
            id,
            status,
            expect_version,
        } => {
            let status: Status = status.parse().map_err(|e: String| anyhow!(e))?;
            change(
                db,
                as_user,
                id,
                TicketChange::Status(status),
                expect_version,
            )
        }
        TicketCommand::Severity {
            id,
            severity,
            expect_version,
        } => change(
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
            change(db, as_user, id, TicketChange::Assign(who), expect_version)
        }
        TicketCommand::Claim { id } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let t = store.claim(id, &actor, now()?)?;
            println!(
                "ticket {} is assigned to {}",
                t.id,
                t.assignee.unwrap_or_default()
            );
            Ok(())
        }
    }
}

fn change(
    db: Option<&Path>,
    as_user: Option<&str>,
    id: i64,
    change: TicketChange,
    expected: Option<i64>,
) -> Result<()> {
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let t = store.change_ticket(id, &change, expected, &actor, now()?)?;
    println!(
        "ticket {}: status {}, severity {}, assignee {} (version {})",
        t.id,
        t.status,
        crate::text::sanitize_line(&t.severity),
        crate::text::sanitize_line(t.assignee.as_deref().unwrap_or("-")),
        t.version
    );
    Ok(())
}

fn entry(db: Option<&Path>, as_user: Option<&str>, b: BodyArgs, kind: EntryKind) -> Result<()> {
    let what = if kind == EntryKind::Reply {
        "reply"
    } else {
        "note"
    };
    let body = read_text(b.body.as_deref(), b.body_file.as_deref(), what)?;
    let actor = actor(as_user)?;
    let mut store = open_store(db)?;
    let e = store.add_entry(b.id, kind, AuthorRole::Engineer, &body, &actor, now()?)?;
    println!("{} {} added to ticket {}", what, e.id, e.ticket_id);
    Ok(())
}

fn list(db: Option<&Path>, as_user: Option<&str>, a: ListArgs) -> Result<()> {
    let statuses = a
        .statuses
        .iter()
        .map(|s| s.parse::<Status>())
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| anyhow!(e))?;
    let sort: TicketSort = a.sort.parse().map_err(|e: String| anyhow!(e))?;
    let store = open_store(db)?;
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
        statuses,
        all_statuses: a.all,
        org_id,
        assignee,
        unassigned: a.unassigned,
        breached: a.breached,
        severity: None,
    };
    let now = now()?;
    let page = store.list_tickets(&filter, sort, None, None, a.limit, now)?;
    output::print_tickets(&page.tickets, a.json, now)
}
