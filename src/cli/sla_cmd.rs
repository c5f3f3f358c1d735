use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::args::SlaCommand;
use super::{now, open_existing_store, output, policies};
use crate::desk::SlaReport;
use crate::domain;
use crate::out::outln;
use crate::policy::rules;
use crate::policy::{Clock, Metric, PolicyRegistry, PolicySet};
use crate::sla::{self, SlaState};
use crate::tr;

pub fn run(db: Option<&Path>, cmd: SlaCommand) -> Result<()> {
    match cmd {
        SlaCommand::Due {
            policy_set,
            plan,
            severity,
            tz,
            opened,
        } => {
            let reg = policies()?;
            let set = rules::policy_set(&reg, &policy_set)?;
            rules::validate_plan(set, &plan)?;
            if !set.has_severity(&severity) {
                bail!(
                    "severity {severity:?} is not a level of policy set {policy_set:?} (levels: {})",
                    set.severities.join(", ")
                );
            }
            let zone = domain::parse_tz(&tz)?;
            let opened: DateTime<Utc> = DateTime::parse_from_rfc3339(&opened)
                .map_err(|e| anyhow!("--opened {opened:?} is not an RFC 3339 instant such as 2026-03-06T17:30:00+01:00 ({e})"))?
                .with_timezone(&Utc);
            let effective = set.effective_plan(&plan, opened.with_timezone(&zone).date_naive());
            match sla::first_response_due(set, effective, &severity, zone, opened) {
                Ok(Some(due)) => {
                    outln!("{}", due.with_timezone(&zone).to_rfc3339())?;
                    Ok(())
                }
                Err(e) => bail!("{e}"),
                Ok(None) => bail!(
                    "plan {effective:?} of {policy_set} has no first-response target for severity {severity}{}",
                    if effective == "basic" {
                        " (Basic has no technical support)"
                    } else {
                        ""
                    }
                ),
            }
        }
        SlaCommand::Explain { id, json } => explain(db, id, json),
    }
}

/// The first response is never paused by `pending` (issue 12): said in `sla explain`.
pub const PENDING_RULE: &str =
    "pending pauses the next-response and resolution clocks, never the first response";

/// How a target's clock counts, in words.
fn clock_text(set: &PolicySet, report: &SlaReport, c: &Clock) -> String {
    match c {
        Clock::Wall => "24x7".to_string(),
        Clock::Business { calendar } => {
            let desc = set
                .calendar(calendar)
                .map(|c| c.describe())
                .unwrap_or_default();
            format!("business ({calendar}: {desc}, {})", report.org.tz)
        }
    }
}

/// `sla explain --json`: the inputs the engine saw and every metric it computed.
pub fn explain_json(report: &SlaReport, policies: &PolicyRegistry, id: i64) -> Result<Value> {
    let set = rules::policy_set(policies, &report.org.policy_set)?;
    let zone = domain::parse_tz(&report.org.tz)?;
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).to_rfc3339();
    let cycles = crate::sla::next_response_cycles(&report.timeline);
    let metrics: Vec<Value> = report
        .metrics
        .iter()
        .map(|m| {
            json!({
                "metric": m.metric.as_str(),
                "target_seconds": m.target.as_ref().map(|t| t.seconds),
                "clock": m.target.as_ref().map(|t| clock_text(set, report, &t.clock)),
                "paused_by_pending": m.metric != Metric::FirstResponse,
                "due": m.due.map(local),
                "elapsed_seconds": m.elapsed_seconds,
                "remaining_seconds": m.remaining_seconds,
                "state": m.state.as_str(),
                "shown_state": m.shown_state(),
                "breached": m.state == SlaState::Breached,
                "stopped": m.state == SlaState::Stopped,
                "stopped_at": m.stopped_at.map(local),
                "next_change": m.next_change.map(local),
                "breached_at": m.breached_at.map(local),
                "answered_at": m.answered_at.map(local),
                "late_by_seconds": m.late_by_seconds(),
                "late_label": sla::late_label(m),
                "error": m.error.map(|e| e.to_string()),
                "cycle_start": (m.metric == Metric::NextResponse)
                    .then(|| cycles.last().map(|c| local(c.0)))
                    .flatten(),
                "earlier_breach": m.earlier_breach.map(local),
            })
        })
        .collect();
    Ok(json!({
        "ticket": id,
        "org": report.org.name,
        "policy_set": report.org.policy_set,
        "plan": report.org.plan,
        "effective_plan": report.effective_plan,
        "severity": report.severity,
        "effective_severity": report.handled.severity,
        "severity_note": report.handled.note(),
        "status": report.status.as_str(),
        "tz": report.org.tz,
        "opened": local(report.timeline.opened),
        "first_response_at": report.timeline.first_response_at.map(local),
        "customer_messages": report.timeline.customer_messages.iter().map(|t| local(*t)).collect::<Vec<_>>(),
        "public_replies": report.timeline.public_replies.iter().map(|t| local(*t)).collect::<Vec<_>>(),
        "resolved_at": report.timeline.resolved_at.map(local),
        "pending_rule": PENDING_RULE,
        "pauses": report.timeline.pauses.iter().map(|p| json!({"start": local(p.start), "end": p.end.map(local)})).collect::<Vec<_>>(),
        "metrics": metrics,
    }))
}

fn explain(db: Option<&Path>, id: i64, json: bool) -> Result<()> {
    let lang = crate::session::language()?;
    let store = open_existing_store(db)?;
    let now = now()?;
    let report = store.sla_report(id, now)?;
    let reg = store.policies().clone();
    if json {
        outln!("{}", output::json_text(&explain_json(&report, &reg, id)?)?)?;
        return Ok(());
    }
    let set = rules::policy_set(&reg, &report.org.policy_set)?;
    let zone = domain::parse_tz(&report.org.tz)?;
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).to_rfc3339();
    let retired = report.effective_plan != report.org.plan;
    let cycles = crate::sla::next_response_cycles(&report.timeline);
    // Labels padded to one display width, so the values line up in every language.
    let label = |key: &str| crate::text::pad_right(&lang.t(key), 10);
    outln!(
        "{}",
        tr!(
            lang,
            "sla-x-heading",
            id = id,
            org = crate::text::sanitize_line(&report.org.name),
            tz = &report.org.tz
        )
    )?;
    outln!(
        "{}{}",
        label("sla-x-policy"),
        tr!(
            lang,
            "sla-x-policy-line",
            set = &report.org.policy_set,
            plan = format!(
                "{}{}",
                report.org.plan,
                if retired {
                    tr!(lang, "sla-x-retired", plan = &report.effective_plan)
                } else {
                    String::new()
                }
            ),
            severity = crate::text::sanitize_line(&match report.handled.note() {
                Some(note) => tr!(
                    lang,
                    "severity-raised-why",
                    level = lang.word("severity", &report.handled.severity),
                    why = note,
                    filed = lang.word("severity", &report.severity)
                ),
                None => lang.word("severity", &report.severity),
            }),
            status = lang.word("status", report.status.as_str())
        )
    )?;
    outln!("{}{}", label("sla-x-opened"), local(report.timeline.opened))?;
    if let Some(r) = report.timeline.resolved_at {
        outln!(
            "{}{}  {}",
            label("sla-x-resolved"),
            local(r),
            lang.t("sla-x-resolved-note")
        )?;
    }
    if report.timeline.pauses.is_empty() {
        outln!("{}{}", label("sla-x-pauses"), lang.t("sla-x-none"))?;
    }
    for p in &report.timeline.pauses {
        outln!(
            "{}{} → {}",
            label("sla-x-pause"),
            local(p.start),
            p.end
                .map(local)
                .unwrap_or_else(|| lang.t("sla-x-still-pending"))
        )?;
    }
    outln!("{}{}", label("sla-x-rule"), lang.t("sla-x-pending-rule"))?;
    for m in &report.metrics {
        outln!()?;
        let shown = match sla::late_label(m) {
            Some(late) => tr!(lang, "sla-x-breached-late", late = late),
            None => lang.word("state", m.state.as_str()),
        };
        outln!("{}: {}", lang.word("metric", m.metric.as_str()), shown)?;
        match &m.target {
            None => {
                outln!(
                    "  {}",
                    tr!(
                        lang,
                        "sla-x-no-target",
                        plan = &report.effective_plan,
                        severity = lang.word("severity", &report.handled.severity)
                    )
                )?;
                continue;
            }
            Some(t) => outln!(
                "  {}{} ({}{})",
                label("sla-x-target"),
                output::format_remaining(t.seconds),
                clock_text(set, &report, &t.clock),
                if m.metric == Metric::FirstResponse {
                    lang.t("sla-x-not-paused")
                } else {
                    lang.t("sla-x-paused")
                }
            )?,
        }
        if let Some(e) = m.error {
            outln!("  {}{e}", label("sla-x-error"))?;
        }
        if let Some(due) = m.due {
            outln!(
                "  {}{}  (UTC {})",
                label("sla-x-due"),
                local(due),
                due.to_rfc3339()
            )?;
        }
        outln!(
            "  {}{}",
            label("sla-x-elapsed"),
            output::format_remaining(m.elapsed_seconds)
        )?;
        if let Some(r) = m.remaining_seconds {
            outln!(
                "  {}{}",
                label("sla-x-remaining"),
                output::format_remaining(r)
            )?;
        }
        if let Some(b) = m.breached_at {
            outln!("  {}{}", label("sla-x-breached"), local(b))?;
        }
        if let Some(a) = m.answered_at {
            outln!("  {}{}", label("sla-x-answered"), local(a))?;
        }
        if m.state == SlaState::Stopped
            && let Some(s) = m.stopped_at
        {
            outln!(
                "  {}{}  {}",
                label("sla-x-stopped"),
                local(s),
                lang.t("sla-x-stopped-note")
            )?;
        }
        if let Some(n) = m.next_change {
            outln!("  {}{}", label("sla-x-changes"), local(n))?;
        }
        if m.metric == Metric::FirstResponse
            && m.answered_at.is_none()
            && let Some(r) = report.timeline.first_response_at
        {
            outln!(
                "  {}{}  {}",
                label("sla-x-responded"),
                local(r),
                lang.t("sla-x-responded-note")
            )?;
        }
        if m.metric == Metric::NextResponse {
            match cycles.last() {
                Some((start, answered)) => {
                    outln!(
                        "  {}",
                        tr!(
                            lang,
                            "sla-x-runs-from",
                            start = local(*start),
                            n = cycles.len()
                        )
                    )?;
                    if let Some(a) = answered {
                        outln!("  {}{}", label("sla-x-answered"), local(*a))?;
                    }
                }
                None => outln!("  {}", lang.t("sla-x-not-running"))?,
            }
            if let Some(b) = m.earlier_breach {
                outln!("  {}", tr!(lang, "sla-x-earlier-breach", at = local(b)))?;
            }
            outln!("  {}", lang.t("sla-x-next-note"))?;
        }
        if m.metric == Metric::Resolution {
            outln!("  {}", lang.t("sla-x-resolution-note"))?;
        }
    }
    Ok(())
}
