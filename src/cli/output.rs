//! Plain and JSON output. Customer text goes through the sanitizer before it reaches a
//! terminal; JSON escapes control characters by itself.

use std::io::{BufWriter, Write};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::app::{RowState, row_state};
use crate::domain::{AuditEvent, ConversationEntry, EntryKind, Organization, Ticket};
use crate::out::{self, outln};
use crate::policy::PolicyRegistry;
use crate::policy::rules;
use crate::store::TicketDetail;
use crate::text::{fit_to_width, sanitize_block, sanitize_line};

/// Pretty JSON that is also safe to print to a terminal: serde_json escapes only C0
/// controls, so C1 controls and bidi overrides are escaped here too (still the same text).
pub fn json_text(value: &Value) -> Result<String> {
    let raw = serde_json::to_string_pretty(value)?;
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let code = c as u32;
        if (0x7f..=0x9f).contains(&code)
            || crate::text::is_bidi_control(c)
            || matches!(code, 0x2028 | 0x2029)
        {
            out.push_str(&format!("\\u{code:04x}"));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn rfc(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

/// Seconds left on the first-response target: negative once overdue; while paused, what was
/// left when the clock stopped; null when no target applies or it was met.
pub fn remaining_seconds(t: &Ticket, now: DateTime<Utc>) -> Option<i64> {
    if t.first_response_at.is_some() {
        return None;
    }
    if let Some(left) = t.paused_seconds_left {
        return Some(left);
    }
    t.first_response_due.map(|due| (due - now).num_seconds())
}

pub fn ticket_json(t: &Ticket, now: DateTime<Utc>) -> Value {
    json!({
        "id": t.id,
        "org": t.org,
        "kind": t.kind.as_str(),
        "severity": t.severity,
        "effective_severity": t.handled_severity(),
        "severity_note": t.severity_note,
        "status": t.status.as_str(),
        "summary": t.summary,
        "component": t.component,
        "environment": t.environment.map(|e| e.as_str()),
        "affected_version": t.affected_version,
        "assignee": t.assignee,
        "created_at": t.created_at.to_rfc3339(),
        "updated_at": t.updated_at.to_rfc3339(),
        "first_response_due": rfc(t.first_response_due),
        "first_response_at": rfc(t.first_response_at),
        "resolved_at": rfc(t.resolved_at),
        "next_due": rfc(t.next_due),
        "breached": t.breached,
        "remaining_seconds": remaining_seconds(t, now),
        "version": t.version,
    })
}

fn entry_json(e: &ConversationEntry) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "role": e.role.as_str(),
        "author": e.author,
        "body": e.body,
        "created_at": e.created_at.to_rfc3339(),
    })
}

pub(super) fn event_json(e: &AuditEvent) -> Value {
    let mut v = json!({
        "actor": e.actor,
        "actor_source": e.actor_source,
        "at": e.at.to_rfc3339(),
        "field": e.field,
        "old": e.old,
        "new": e.new,
    });
    // Only on rows that came in with an import: the shape of every other row is unchanged.
    if e.imported {
        v["imported"] = Value::Bool(true);
    }
    v
}

pub use crate::domain::format_countdown as format_remaining;

fn left_column(t: &Ticket, now: DateTime<Utc>) -> String {
    if t.status.is_done() {
        return t.status.as_str().to_string();
    }
    let state = row_state(t, now);
    match state {
        RowState::Paused => format!("paused {}", crate::app::time_left_text(t, state, now)),
        RowState::NoTarget => "-".into(),
        _ => crate::app::time_left_text(t, state, now),
    }
}

/// The TUI's marks, so a glance means the same in both: `‼` breached, `!` at risk.
pub fn mark(state: RowState) -> &'static str {
    match state {
        RowState::Breached | RowState::MetLate => "‼",
        RowState::AtRisk => "!",
        _ => " ",
    }
}

/// A ticket's mark: breached once its target was missed (also while paused since), at
/// risk while its clock is in the last stretch.
fn ticket_mark(t: &Ticket, now: DateTime<Utc>) -> &'static str {
    if t.breached {
        return mark(RowState::Breached);
    }
    mark(row_state(t, now))
}

pub fn print_tickets(tickets: &[Ticket], json: bool, now: DateTime<Utc>) -> Result<()> {
    if json {
        let arr: Vec<Value> = tickets.iter().map(|t| ticket_json(t, now)).collect();
        outln!("{}", json_text(&arr.into())?)?;
        return Ok(());
    }
    // Thousands of rows: buffer them instead of one write per line.
    let mut w = BufWriter::new(out::Stdout);
    let written = (|| -> std::io::Result<()> {
        writeln!(
            w,
            "{:>7}  {:<7}  {:<20}  {:<9}  {:<12}  {:>12}  SUMMARY",
            "ID", "SEV", "ORG", "STATUS", "ASSIGNEE", "LEFT"
        )?;
        for t in tickets {
            writeln!(
                w,
                "{:>7}{} {}  {}  {:<9}  {}  {:>12}  {}",
                t.id,
                ticket_mark(t, now),
                fit_to_width(&sanitize_line(&t.severity), 7),
                fit_to_width(&sanitize_line(&t.org), 20),
                t.status.as_str(),
                fit_to_width(&sanitize_line(t.assignee.as_deref().unwrap_or("-")), 12),
                left_column(t, now),
                sanitize_line(&t.summary)
            )?;
        }
        w.flush()
    })();
    written.map_err(out::OutputError::from)?;
    Ok(())
}

pub fn print_detail(d: &TicketDetail, json: bool, now: DateTime<Utc>) -> Result<()> {
    let Some(t) = &d.ticket else { return Ok(()) };
    if json {
        let mut v = ticket_json(t, now);
        v["description"] = Value::String(t.description.clone());
        v["conversation"] = Value::Array(d.conversation.iter().map(entry_json).collect());
        v["events"] = Value::Array(d.events.iter().map(event_json).collect());
        v["pauses"] = Value::Array(
            d.pauses
                .iter()
                .map(|p| json!({"start": p.start.to_rfc3339(), "end": rfc(p.end)}))
                .collect(),
        );
        outln!("{}", json_text(&v)?)?;
        return Ok(());
    }
    outln!("#{} {}", t.id, sanitize_line(&t.summary))?;
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| "-".into())
    };
    outln!("  organization  {}", sanitize_line(&t.org))?;
    outln!(
        "  kind          {}   severity {}   status {}",
        t.kind,
        sanitize_line(&t.severity_label()),
        t.status
    )?;
    outln!(
        "  component     {}   environment {}   version {}",
        opt(&t.component),
        t.environment.map(|e| e.as_str()).unwrap_or("-"),
        opt(&t.affected_version)
    )?;
    outln!("  assignee      {}", opt(&t.assignee))?;
    outln!(
        "  created       {}   updated {}",
        t.created_at.to_rfc3339(),
        t.updated_at.to_rfc3339()
    )?;
    outln!(
        "  first response due {}   responded {}   {}",
        t.first_response_due.map_or("-".into(), |d| d.to_rfc3339()),
        t.first_response_at.map_or("-".into(), |d| d.to_rfc3339()),
        match (t.breached, row_state(t, now)) {
            (true, _) | (_, RowState::Breached) => "‼ BREACHED",
            (_, RowState::AtRisk) => "! at risk",
            _ => "",
        }
    )?;
    outln!("  left          {}", left_column(t, now))?;
    outln!()?;
    outln!("{}", indent(&sanitize_block(&t.description)))?;
    if !d.conversation.is_empty() {
        outln!()?;
        outln!("Conversation:")?;
        for e in &d.conversation {
            let label = match e.kind {
                EntryKind::Reply => "reply",
                EntryKind::Note => "INTERNAL NOTE",
            };
            outln!(
                "  [{}] {} ({}) {}",
                label,
                sanitize_line(&e.author),
                e.role,
                e.created_at.to_rfc3339()
            )?;
            outln!("{}", indent(&sanitize_block(&e.body)))?;
        }
    }
    if !d.events.is_empty() {
        outln!()?;
        outln!("Events:")?;
        for e in &d.events {
            outln!(
                "  {} {}{}{} {}: {} → {}",
                e.at.to_rfc3339(),
                sanitize_line(&e.actor),
                if e.actor_source == "as" {
                    " (--as)"
                } else {
                    ""
                },
                if e.imported { " (imported)" } else { "" },
                sanitize_line(&e.field),
                sanitize_line(e.old.as_deref().unwrap_or("-")),
                sanitize_line(e.new.as_deref().unwrap_or("-"))
            )?;
        }
    }
    Ok(())
}

pub(super) fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn org_json(o: &Organization, policies: &PolicyRegistry, now: DateTime<Utc>) -> Value {
    let set = policies.get(&o.policy_set);
    let today = o.local_date(now);
    let served = set.map_or(o.plan_for_tickets().to_string(), |s| {
        s.effective_plan(o.plan_for_tickets(), today).to_string()
    });
    json!({"id": o.id, "name": o.name, "policy_set": o.policy_set, "plan": o.plan, "tz": o.tz,
           "served_plan": served, "plan_display": rules::plan_summary(o, policies, now),
           "plan_since": o.plan_since.to_rfc3339(), "linked_to": o.parent,
           "created_at": o.created_at.to_rfc3339()})
}

pub fn print_orgs(
    orgs: &[Organization],
    policies: &PolicyRegistry,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if json {
        let arr: Vec<Value> = orgs.iter().map(|o| org_json(o, policies, now)).collect();
        outln!("{}", json_text(&arr.into())?)?;
        return Ok(());
    }
    for o in orgs {
        outln!(
            "{:>4}  {}  {:<15} {:<20} {}",
            o.id,
            fit_to_width(&sanitize_line(&o.name), 32),
            o.policy_set,
            o.tz,
            sanitize_line(&rules::plan_summary(o, policies, now)),
        )?;
    }
    Ok(())
}

pub fn print_org(
    o: &Organization,
    linked: &[Organization],
    history: &[AuditEvent],
    policies: &PolicyRegistry,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if json {
        let mut v = org_json(o, policies, now);
        v["linked_accounts"] = linked
            .iter()
            .map(|l| Value::String(l.name.clone()))
            .collect();
        v["history"] = history.iter().map(event_json).collect();
        outln!("{}", json_text(&v)?)?;
        return Ok(());
    }
    outln!("{}  (id {})", sanitize_line(&o.name), o.id)?;
    outln!("policy set: {}", o.policy_set)?;
    outln!(
        "plan: {}",
        sanitize_line(&rules::plan_summary(o, policies, now))
    )?;
    outln!("on this plan since: {}", o.plan_since.to_rfc3339())?;
    outln!("time zone: {}", o.tz)?;
    if !linked.is_empty() {
        let names: Vec<String> = linked.iter().map(|l| sanitize_line(&l.name)).collect();
        outln!("linked accounts: {}", names.join(", "))?;
    }
    print_history(history)?;
    Ok(())
}

/// "history:" and one line per audit event, oldest first.
pub(super) fn print_history(events: &[AuditEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    outln!("history:")?;
    for e in events {
        outln!(
            "  {}  {}  {}: {} → {}",
            e.at.format("%Y-%m-%d %H:%M UTC"),
            sanitize_line(&e.actor),
            e.field,
            sanitize_line(e.old.as_deref().unwrap_or("–")),
            sanitize_line(e.new.as_deref().unwrap_or("–"))
        )?;
    }
    Ok(())
}
