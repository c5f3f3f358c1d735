//! Plain and JSON output. Customer text goes through the sanitizer before it reaches a
//! terminal; JSON escapes control characters by itself.

use std::io::{BufWriter, Write};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::app::{RowState, row_state};
use crate::domain::{AuditEvent, ConversationEntry, EntryKind, Organization, Ticket};
use crate::i18n::Lang;
use crate::out::{self, outln};
use crate::policy::PolicyRegistry;
use crate::policy::rules;
use crate::sla::{MetricStatus, late_label};
use crate::store::{AttachmentMeta, EntryMail, TicketDetail};
use crate::text::{fit_to_width, pad_left, right_align, sanitize_block, sanitize_line};
use crate::tr;

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

/// Wall-clock seconds from `now` to the first-response due instant while that clock runs
/// (negative once overdue); null when it is answered, stopped by resolving the ticket, or no
/// target applies. `pending` never pauses it, so it keeps counting while pending.
pub fn remaining_seconds(fr: Option<&MetricStatus>, now: DateTime<Utc>) -> Option<i64> {
    let fr = fr.filter(|m| m.clock_running())?;
    fr.due.map(|due| crate::sla::seconds_until(due, now))
}

/// A ticket as JSON. `fr` is the one SLA evaluation's first-response metric for it (see
/// [`crate::desk::Desk::first_response_statuses`]); `None` reads as no target.
pub fn ticket_json(t: &Ticket, fr: Option<&MetricStatus>, now: DateTime<Utc>) -> Value {
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
        "first_response_state": fr.map_or("not-applicable", MetricStatus::shown_state),
        "late_by_seconds": fr.and_then(MetricStatus::late_by_seconds),
        "late_label": fr.and_then(late_label),
        "resolved_at": rfc(t.resolved_at),
        "next_due": rfc(t.next_due),
        "breached": t.breached,
        "remaining_seconds": remaining_seconds(fr, now),
        "version": t.version,
        "requester": requester_json(t),
        "channel": t.channel.map(|c| c.as_str()),
        "follows": t.follows,
        "tags": t.tags,
        "merged_into": t.merged_into,
    })
}

fn requester_json(t: &Ticket) -> Value {
    if t.requester_name.is_none() && t.requester_address.is_none() {
        return Value::Null;
    }
    json!({"name": t.requester_name, "address": t.requester_address})
}

/// "Name <address>", either alone, or "-".
pub fn requester_text(t: &Ticket) -> String {
    t.requester_label()
        .map(|r| sanitize_line(&r))
        .unwrap_or_else(|| "-".into())
}

fn entry_json(e: &ConversationEntry, mail: Option<&EntryMail>) -> Value {
    let mut v = json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "role": e.role.as_str(),
        "author": e.author,
        "body": e.body,
        "created_at": e.created_at.to_rfc3339(),
    });
    if let Some(m) = mail {
        v["mail"] = mail_json(m);
    }
    if let Some(from) = e.merged_from {
        v["merged_from"] = Value::from(from);
    }
    v
}

fn mail_json(m: &EntryMail) -> Value {
    json!({
        "message_id": m.message_id,
        "auto": m.auto,
        "delivery": m.delivery.as_ref().map(|(state, sent, error)| json!({
            "state": state.as_str(),
            "sent_at": rfc(*sent),
            "error": error,
        })),
        "attachments": m.attachments.iter().map(attachment_json).collect::<Vec<_>>(),
    })
}

fn attachment_json(a: &AttachmentMeta) -> Value {
    json!({"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size,
           "stored": a.stored})
}

/// Mail state and attachments of an entry, one indented line each.
fn print_mail_lines(lang: Lang, m: Option<&EntryMail>) -> Result<()> {
    let Some(m) = m else { return Ok(()) };
    if let Some(text) = m.status_text(lang, |t: DateTime<Utc>| {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    }) {
        outln!("    ({})", sanitize_line(&text))?;
    }
    for a in &m.attachments {
        outln!(
            "    {}: {}",
            tr!(lang, "tui-detail-attachment"),
            sanitize_line(&a.text(lang))
        )?;
    }
    Ok(())
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

fn left_column(lang: Lang, t: &Ticket, now: DateTime<Utc>) -> String {
    if t.status.is_done() {
        return lang.word("status", t.status.as_str());
    }
    let state = row_state(t, now);
    match state {
        RowState::Paused => tr!(
            lang,
            "cli-paused",
            left = crate::app::time_left_text(lang, t, state, now)
        ),
        RowState::NoTarget => "-".into(),
        _ => crate::app::time_left_text(lang, t, state, now),
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

/// `fr`: each ticket's first-response metric (JSON only; may be empty otherwise).
pub fn print_tickets(
    lang: Lang,
    tickets: &[Ticket],
    fr: &[Option<MetricStatus>],
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if json {
        let arr: Vec<Value> = tickets
            .iter()
            .enumerate()
            .map(|(i, t)| ticket_json(t, fr.get(i).and_then(Option::as_ref), now))
            .collect();
        outln!("{}", json_text(&arr.into())?)?;
        return Ok(());
    }
    // Thousands of rows: buffer them instead of one write per line.
    let mut w = BufWriter::new(out::Stdout);
    let written = (|| -> std::io::Result<()> {
        // Widths by display columns, so a double-width header or status keeps the columns.
        writeln!(
            w,
            "{}  {}  {}  {}  {}  {}  {}",
            right_align(&lang.t("col-id"), 7),
            fit_to_width(&lang.t("col-severity"), 7),
            fit_to_width(&lang.t("col-org"), 20),
            fit_to_width(&lang.t("col-status"), 9),
            fit_to_width(&lang.t("col-assignee"), 12),
            right_align(&lang.t("col-left"), 12),
            lang.t("col-summary")
        )?;
        for t in tickets {
            writeln!(
                w,
                "{:>7}{} {}  {}  {}  {}  {}  {}",
                t.id,
                ticket_mark(t, now),
                fit_to_width(&lang.word("severity", &sanitize_line(&t.severity)), 7),
                fit_to_width(&sanitize_line(&t.org), 20),
                fit_to_width(&lang.word("status", t.status.as_str()), 9),
                fit_to_width(&sanitize_line(t.assignee.as_deref().unwrap_or("-")), 12),
                pad_left(&left_column(lang, t, now), 12),
                sanitize_line(&t.summary)
            )?;
        }
        w.flush()
    })();
    written.map_err(out::OutputError::from)?;
    Ok(())
}

/// One metric of a ticket, as `ticket show --json` gives it under `sla`.
fn metric_json(m: &MetricStatus) -> Value {
    json!({
        "metric": m.metric.as_str(),
        "state": m.state.as_str(),
        "target_seconds": m.target.as_ref().map(|t| t.seconds),
        "due": rfc(m.due),
        "remaining_seconds": m.remaining_seconds,
        "breached_at": rfc(m.breached_at),
        "answered_at": rfc(m.answered_at),
        "earlier_breach": rfc(m.earlier_breach),
    })
}

/// `next-response: running, 1h20m left (due …)`.
fn metric_line(lang: Lang, m: &MetricStatus) -> String {
    let mut s = format!(
        "{}: {}",
        lang.word("metric", m.metric.as_str()),
        lang.word("state", m.state.as_str())
    );
    if let Some(label) = crate::sla::late_label(m) {
        s.push_str(&format!(" ({label})"));
    } else if let Some(r) = m.remaining_seconds
        && matches!(
            m.state,
            crate::sla::SlaState::Running
                | crate::sla::SlaState::AtRisk
                | crate::sla::SlaState::Paused
                | crate::sla::SlaState::Breached
        )
    {
        s.push_str(&format!(
            ", {}",
            tr!(lang, "tui-sla-running", left = format_remaining(r))
        ));
    }
    if let Some(d) = m.due
        && !matches!(
            m.state,
            crate::sla::SlaState::Met | crate::sla::SlaState::Stopped
        )
    {
        s.push_str(&format!(
            " ({})",
            tr!(lang, "cli-due", due = d.to_rfc3339())
        ));
    }
    if m.earlier_breach.is_some() {
        s.push_str(&format!("; {}", lang.t("cli-earlier-breach")));
    }
    s
}

pub fn print_detail(
    lang: Lang,
    d: &TicketDetail,
    fr: Option<&MetricStatus>,
    metrics: &[MetricStatus],
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(t) = &d.ticket else { return Ok(()) };
    if json {
        let mut v = ticket_json(t, fr, now);
        v["sla"] = metrics.iter().map(metric_json).collect();
        v["description"] = Value::String(t.description.clone());
        v["conversation"] = Value::Array(
            d.conversation
                .iter()
                .map(|e| entry_json(e, d.mail_of(e.id)))
                .collect(),
        );
        v["attachments"] = d
            .mail_of(0)
            .map(|m| m.attachments.iter().map(attachment_json).collect())
            .unwrap_or_else(|| Value::Array(Vec::new()));
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
    if let Some(into) = t.merged_into {
        outln!("  {}", tr!(lang, "cli-merged-into", id = into))?;
    }
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| "-".into())
    };
    // Labels padded to one display width, so the values line up in every language.
    let label = |key: &str| fit_to_width(&lang.t(key), 14);
    outln!("  {}{}", label("cli-organization"), sanitize_line(&t.org))?;
    outln!(
        "  {}{}   {}",
        label("label-kind"),
        lang.word("kind", t.kind.as_str()),
        tr!(
            lang,
            "cli-severity-status",
            severity = sanitize_line(&crate::localize::severity_label(lang, t)),
            status = lang.word("status", t.status.as_str())
        )
    )?;
    outln!(
        "  {}{}   {}",
        label("label-component"),
        opt(&t.component),
        tr!(
            lang,
            "cli-environment-version",
            environment = t
                .environment
                .map(|e| lang.word("env", e.as_str()))
                .unwrap_or_else(|| "-".into()),
            version = opt(&t.affected_version)
        )
    )?;
    outln!("  {}{}", label("label-assignee"), opt(&t.assignee))?;
    outln!(
        "  {}{}",
        label("label-tags"),
        if t.tags.is_empty() {
            "-".to_string()
        } else {
            sanitize_line(&t.tags.join(" "))
        }
    )?;
    outln!(
        "  {}{}   {}{}",
        label("label-requester"),
        requester_text(t),
        tr!(
            lang,
            "cli-channel",
            channel = t
                .channel
                .map(|c| lang.word("channel", c.as_str()))
                .unwrap_or_else(|| "-".into())
        ),
        t.follows
            .map(|f| format!("   {}", tr!(lang, "tui-detail-follows", id = f)))
            .unwrap_or_default()
    )?;
    outln!(
        "  {}{}   {}",
        label("cli-created"),
        t.created_at.to_rfc3339(),
        tr!(lang, "cli-updated", time = t.updated_at.to_rfc3339())
    )?;
    outln!(
        "  {}   {}",
        tr!(
            lang,
            "cli-first-response",
            due = t.first_response_due.map_or("-".into(), |d| d.to_rfc3339()),
            at = t.first_response_at.map_or("-".into(), |d| d.to_rfc3339())
        ),
        match (t.breached, row_state(t, now)) {
            (_, RowState::MetLate) => format!(
                "‼ {} ({})",
                lang.t("cli-breached"),
                crate::app::met_late_label(lang, t).unwrap_or_default()
            ),
            (true, _) | (_, RowState::Breached) => format!("‼ {}", lang.t("cli-breached")),
            (_, RowState::AtRisk) => format!("! {}", lang.t("cli-at-risk")),
            _ => String::new(),
        }
    )?;
    outln!("  {}{}", label("cli-left"), left_column(lang, t, now))?;
    for m in metrics
        .iter()
        .filter(|m| m.target.is_some() && m.metric != crate::policy::Metric::FirstResponse)
    {
        outln!("  {}", metric_line(lang, m))?;
    }
    outln!()?;
    outln!("{}", indent(&sanitize_block(&t.description)))?;
    print_mail_lines(lang, d.mail_of(0))?;
    if !d.conversation.is_empty() {
        outln!()?;
        outln!("{}", lang.t("cli-conversation"))?;
        for e in &d.conversation {
            let label = match e.kind {
                EntryKind::Reply => lang.t("tui-entry-reply"),
                EntryKind::Note => lang.t("tui-entry-note"),
            };
            outln!(
                "  [{}] {} ({}) {}{}",
                label,
                sanitize_line(&e.author),
                lang.word("role", e.role.as_str()),
                e.created_at.to_rfc3339(),
                e.merged_from
                    .map(|f| format!("   {}", tr!(lang, "cli-merged-from", id = f)))
                    .unwrap_or_default()
            )?;
            outln!("{}", indent(&sanitize_block(&e.body)))?;
            print_mail_lines(lang, d.mail_of(e.id))?;
        }
    }
    if !d.events.is_empty() {
        outln!()?;
        outln!("{}", lang.t("cli-events"))?;
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
                if e.imported {
                    format!(" {}", lang.t("tui-event-imported"))
                } else {
                    String::new()
                },
                lang.word("field", &sanitize_line(&e.field)),
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
    _lang: Lang,
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

/// What `org show` prints.
pub struct OrgView<'a> {
    pub org: &'a Organization,
    pub linked: &'a [Organization],
    pub history: &'a [AuditEvent],
    pub contacts: &'a [String],
}

pub fn print_org(
    lang: Lang,
    view: &OrgView<'_>,
    policies: &PolicyRegistry,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let (o, linked, history) = (view.org, view.linked, view.history);
    if json {
        let mut v = org_json(o, policies, now);
        v["linked_accounts"] = linked
            .iter()
            .map(|l| Value::String(l.name.clone()))
            .collect();
        v["contacts"] = view
            .contacts
            .iter()
            .map(|c| Value::String(c.clone()))
            .collect();
        v["history"] = history.iter().map(event_json).collect();
        outln!("{}", json_text(&v)?)?;
        return Ok(());
    }
    outln!("{}  (id {})", sanitize_line(&o.name), o.id)?;
    outln!("{}: {}", lang.t("cli-policy-set"), o.policy_set)?;
    outln!(
        "{}: {}",
        lang.t("label-plan"),
        sanitize_line(&rules::plan_summary(o, policies, now))
    )?;
    outln!(
        "{}: {}",
        lang.t("cli-plan-since"),
        o.plan_since.to_rfc3339()
    )?;
    outln!("{}: {}", lang.t("cli-time-zone"), o.tz)?;
    if !linked.is_empty() {
        let names: Vec<String> = linked.iter().map(|l| sanitize_line(&l.name)).collect();
        outln!("{}: {}", lang.t("cli-linked"), names.join(", "))?;
    }
    if !view.contacts.is_empty() {
        let c: Vec<String> = view.contacts.iter().map(|c| sanitize_line(c)).collect();
        outln!("{}: {}", lang.t("cli-contacts"), c.join(", "))?;
    }
    print_history(lang, history)?;
    Ok(())
}

/// "history:" and one line per audit event, oldest first.
pub(super) fn print_history(lang: Lang, events: &[AuditEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    outln!("{}", lang.t("cli-history"))?;
    for e in events {
        outln!(
            "  {}  {}  {}: {} → {}",
            e.at.format("%Y-%m-%d %H:%M UTC"),
            sanitize_line(&e.actor),
            lang.word("field", &e.field),
            sanitize_line(e.old.as_deref().unwrap_or("–")),
            sanitize_line(e.new.as_deref().unwrap_or("–"))
        )?;
    }
    Ok(())
}
