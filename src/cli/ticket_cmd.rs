use std::path::Path;

use anyhow::Result;

use super::args::{BodyArgs, ListArgs, TicketCommand};
use super::{actor, now, open_existing_store, open_store, output, read_text};
use crate::domain::{AuthorRole, EntryKind};
use crate::out::{note, outln};
use crate::store::{NewTicket, TicketChange, TicketFilter};

pub fn run(db: Option<&Path>, as_user: Option<&str>, cmd: TicketCommand) -> Result<()> {
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
        TicketCommand::List(a) => list(db, as_user, a),
        TicketCommand::Show { id, json } => {
            let store = open_existing_store(db)?;
            let now = now()?;
            let detail = store.ticket_detail(id, now)?;
            let fr = store.first_response_statuses(&[id], now)?.pop().flatten();
            let sla = store.sla_report(id, now)?;
            output::print_detail(&detail, fr.as_ref(), &sla.metrics, json, now)
        }
        TicketCommand::Reply(b) => entry(db, as_user, b, EntryKind::Reply),
        TicketCommand::Note(b) => entry(db, as_user, b, EntryKind::Note),
        TicketCommand::Status {
            id,
            status,
            expect_version,
        } => change(
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
            outln!(
                "ticket {} is assigned to {}",
                t.id,
                t.assignee.unwrap_or_default()
            )
            .map_err(|e| e.after(format_args!("ticket {} claimed", t.id)))?;
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
    outln!(
        "ticket {}: status {}, severity {}, assignee {} (version {})",
        t.id,
        t.status,
        crate::text::sanitize_line(&t.severity),
        crate::text::sanitize_line(t.assignee.as_deref().unwrap_or("-")),
        t.version
    )
    .map_err(|e| e.after(format_args!("ticket {} changed", t.id)))?;
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
    outln!("{} {} added to ticket {}", what, e.id, e.ticket_id)
        .map_err(|err| err.after(format_args!("{what} added to ticket {}", e.ticket_id)))?;
    Ok(())
}

/// How many tickets `ticket list` prints unless told otherwise.
const DEFAULT_LIST_LIMIT: usize = 50;

fn list(db: Option<&Path>, as_user: Option<&str>, a: ListArgs) -> Result<()> {
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
            "use --limit N"
        } else {
            "use --limit N, or --all for every ticket in any status"
        };
        note!("tuidesk: showing {limit} of {total} tickets; {hint}");
    }
    let fr = super::first_responses(&store, &page.tickets, a.json, now)?;
    output::print_tickets(&page.tickets, &fr, a.json, now)
}
