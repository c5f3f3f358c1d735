use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::args::SlaCommand;
use super::{now, open_existing_store, output, policies};
use crate::domain;
use crate::out::outln;
use crate::policy::rules;
use crate::policy::{Clock, Metric};
use crate::sla;

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

fn explain(db: Option<&Path>, id: i64, json: bool) -> Result<()> {
    let store = open_existing_store(db)?;
    let now = now()?;
    let report = store.sla_report(id, now)?;
    let reg = store.policies().clone();
    let set = rules::policy_set(&reg, &report.org.policy_set)?;
    let zone = domain::parse_tz(&report.org.tz)?;
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).to_rfc3339();
    let clock_text = |c: &Clock| match c {
        Clock::Wall => "24x7".to_string(),
        Clock::Business { calendar } => {
            let desc = set
                .calendar(calendar)
                .map(|c| c.describe())
                .unwrap_or_default();
            format!("business ({calendar}: {desc}, {})", report.org.tz)
        }
    };
    let retired = report.effective_plan != report.org.plan;
    let cycles = crate::sla::next_response_cycles(&report.timeline);
    if json {
        let metrics: Vec<Value> = report
            .metrics
            .iter()
            .map(|m| {
                json!({
                    "metric": m.metric.as_str(),
                    "target_seconds": m.target.as_ref().map(|t| t.seconds),
                    "clock": m.target.as_ref().map(|t| clock_text(&t.clock)),
                    "due": m.due.map(local),
                    "elapsed_seconds": m.elapsed_seconds,
                    "remaining_seconds": m.remaining_seconds,
                    "state": m.state.as_str(),
                    "next_change": m.next_change.map(local),
                    "breached_at": m.breached_at.map(local),
                    "answered_at": m.answered_at.map(local),
                    "cycle_start": (m.metric == Metric::NextResponse)
                        .then(|| cycles.last().map(|c| local(c.0)))
                        .flatten(),
                    "earlier_breach": m.earlier_breach.map(local),
                })
            })
            .collect();
        let v = json!({
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
            "pauses": report.timeline.pauses.iter().map(|p| json!({"start": local(p.start), "end": p.end.map(local)})).collect::<Vec<_>>(),
            "metrics": metrics,
        });
        outln!("{}", output::json_text(&v)?)?;
        return Ok(());
    }
    outln!(
        "ticket {id} · {} ({})",
        crate::text::sanitize_line(&report.org.name),
        report.org.tz
    )?;
    outln!(
        "policy    {} · plan {}{} · severity {} · status {}",
        report.org.policy_set,
        report.org.plan,
        if retired {
            format!(
                " → {} (retired plan, served as its fallback)",
                report.effective_plan
            )
        } else {
            String::new()
        },
        crate::text::sanitize_line(&match report.handled.note() {
            Some(note) => format!(
                "{} ({note}; filed {})",
                report.handled.severity, report.severity
            ),
            None => report.severity.clone(),
        }),
        report.status
    )?;
    outln!("opened    {}", local(report.timeline.opened))?;
    if report.timeline.pauses.is_empty() {
        outln!("pauses    none")?;
    }
    for p in &report.timeline.pauses {
        outln!(
            "pause     {} → {}",
            local(p.start),
            p.end.map(local).unwrap_or_else(|| "(still pending)".into())
        )?;
    }
    for m in &report.metrics {
        outln!()?;
        outln!("{}: {}", m.metric.as_str(), m.state.as_str())?;
        match &m.target {
            None => {
                outln!(
                    "  no target: plan {} has none for severity {}",
                    report.effective_plan,
                    report.handled.severity
                )?;
                continue;
            }
            Some(t) => outln!(
                "  target    {} ({})",
                output::format_remaining(t.seconds),
                clock_text(&t.clock)
            )?,
        }
        if let Some(due) = m.due {
            outln!("  due       {}  (UTC {})", local(due), due.to_rfc3339())?;
        }
        outln!(
            "  elapsed   {}",
            output::format_remaining(m.elapsed_seconds)
        )?;
        if let Some(r) = m.remaining_seconds {
            outln!("  remaining {}", output::format_remaining(r))?;
        }
        if let Some(b) = m.breached_at {
            outln!("  breached  {}", local(b))?;
        }
        if let Some(n) = m.next_change {
            outln!("  changes   {}", local(n))?;
        }
        if m.metric == Metric::FirstResponse
            && let Some(r) = report.timeline.first_response_at
        {
            outln!("  responded {}", local(r))?;
        }
        if m.metric == Metric::NextResponse {
            match cycles.last() {
                Some((start, answered)) => {
                    outln!(
                        "  runs from the customer's message of {} ({} so far)",
                        local(*start),
                        cycles.len()
                    )?;
                    if let Some(a) = answered {
                        outln!("  answered  {}", local(*a))?;
                    }
                }
                None => outln!("  not running: no customer message after the first response")?,
            }
            if let Some(b) = m.earlier_breach {
                outln!("  an earlier cycle breached at {} (stays a fact)", local(b))?;
            }
            outln!("  pending stops this clock; resolving stops it")?;
        }
        if m.metric == Metric::Resolution {
            outln!("  runs from creation to resolution, minus time pending")?;
        }
    }
    Ok(())
}
