//! `tuidesk order …` and `tuidesk report monthly`.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::args::{NewOrderArgs, OrderCommand, ReportCommand};
use super::output::{event_json, indent, json_text, print_history};
use super::{actor, now, open_existing_store, open_store, read_text};
use crate::app::{order_deadline_text, order_row_state, order_subject};
use crate::domain::{Order, YearMonth, format_countdown};
use crate::i18n::Lang;
use crate::orders::OrderRequest;
use crate::out::{note, out, outln};
use crate::store::{NewOrder, OrderFilter};
use crate::text::{fit_to_width, sanitize_block, sanitize_line};
use crate::tr;

fn parse<T: std::str::FromStr<Err = String>>(v: Option<&str>) -> Result<Option<T>> {
    v.map(str::parse)
        .transpose()
        .map_err(|e: String| anyhow!(e))
}

fn parse_date(flag: &str, v: Option<&str>) -> Result<Option<NaiveDate>> {
    v.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| anyhow!("bad {flag} {s:?} (expected YYYY-MM-DD, e.g. 2026-12-10)"))
    })
    .transpose()
}

pub fn request_from_args(a: &NewOrderArgs) -> Result<OrderRequest> {
    Ok(OrderRequest {
        kind: a.kind,
        level: a.level,
        start: parse_date("--start", a.start.as_deref())?,
        end: parse_date("--end", a.end.as_deref())?,
        scenario: a.scenario,
        month: parse::<YearMonth>(a.month.as_deref())?,
    })
}

pub fn run(lang: Lang, db: Option<&Path>, as_user: Option<&str>, cmd: OrderCommand) -> Result<()> {
    match cmd {
        OrderCommand::New(a) => {
            let request = request_from_args(&a)?;
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let now = now()?;
            let created = store.create_order(
                &NewOrder {
                    org: a.org.clone(),
                    request,
                    note: a.note.clone(),
                },
                &actor,
                now,
            )?;
            for w in &created.warnings {
                note!("tuidesk: warning: {}", sanitize_line(w));
            }
            let printed = if a.json {
                outln!("{}", json_text(&order_json(&created.order))?)
            } else {
                outln!("{}", created.order.id)
            };
            printed.map_err(|e| e.after(format_args!("order {} created", created.order.id)))?;
            Ok(())
        }
        OrderCommand::List {
            org,
            status,
            kind,
            limit,
            json,
        } => {
            let filter = OrderFilter { org, status, kind };
            let store = open_existing_store(db)?;
            let now = now()?;
            let orders = store.list_orders(&filter, limit)?;
            if json {
                let arr: Vec<Value> = orders.iter().map(order_json).collect();
                outln!("{}", json_text(&Value::Array(arr))?)?;
            } else if orders.is_empty() {
                note!("{}", lang.t("cli-no-orders"));
            } else {
                let shares = at_risk_shares(&store)?;
                for o in &orders {
                    let share = shares
                        .get(&o.org_id)
                        .copied()
                        .unwrap_or(DEFAULT_AT_RISK_SHARE);
                    outln!("{}", order_line(lang, o, now, share))?;
                }
            }
            Ok(())
        }
        OrderCommand::Show { id, json } => {
            let store = open_existing_store(db)?;
            let now = now()?;
            let order = store.order(id)?;
            let events = store.order_events(id)?;
            if json {
                let mut v = order_json(&order);
                v["events"] = events.iter().map(event_json).collect();
                outln!("{}", json_text(&v)?)?;
            } else {
                out!("{}", order_text(lang, &order, now))?;
                print_history(lang, &events)?;
            }
            Ok(())
        }
        OrderCommand::Complete {
            id,
            attach,
            attach_report,
            mail,
        } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let now = now()?;
            let mut files: Vec<(String, Vec<u8>)> = Vec::new();
            for path in &attach {
                files.push(super::read_attachment(path, "an order")?);
            }
            if attach_report {
                files.extend(store.report_attachments(id, now)?);
            }
            let (order, mailed) = store.complete_order_mailing(id, &files, mail, &actor, now)?;
            for to in &mailed {
                note!("{}", tr!(lang, "cli-order-queued", to = sanitize_line(to)));
            }
            outln!(
                "{}",
                if files.is_empty() {
                    tr!(lang, "cli-order-completed", id = order.id)
                } else {
                    tr!(
                        lang,
                        "cli-order-completed-with",
                        id = order.id,
                        files = files
                            .iter()
                            .map(|(n, _)| sanitize_line(n))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            )
            .map_err(|e| e.after(format_args!("order {} completed", order.id)))?;
            Ok(())
        }
        OrderCommand::Reject { id, reason } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let order = store.reject_order(id, &reason, &actor, now()?)?;
            outln!("{}", tr!(lang, "cli-order-rejected", id = order.id))
                .map_err(|e| e.after(format_args!("order {} rejected", order.id)))?;
            Ok(())
        }
        OrderCommand::Rate {
            id,
            speed,
            quality,
            feedback,
            feedback_file,
        } => {
            let feedback = read_text(feedback.as_deref(), feedback_file.as_deref(), "feedback")?;
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let order = store.rate_order(id, speed, quality, &feedback, &actor, now()?)?;
            outln!(
                "{}",
                tr!(
                    lang,
                    "cli-order-rated",
                    id = order.id,
                    speed = speed,
                    quality = quality
                )
            )
            .map_err(|e| e.after(format_args!("order {} rated", order.id)))?;
            Ok(())
        }
        OrderCommand::Attachment { id, name, out } => {
            let store = open_existing_store(db)?;
            let data = store.order_attachment(id, &name)?;
            write_out(&out, &data)
        }
    }
}

pub fn report(lang: Lang, db: Option<&Path>, cmd: ReportCommand) -> Result<()> {
    match cmd {
        ReportCommand::Monthly {
            month,
            org,
            json,
            csv,
        } => {
            let month: YearMonth = month.parse().map_err(|e: String| anyhow!(e))?;
            let store = open_existing_store(db)?;
            let report = store.monthly_report(month, org.as_deref(), now()?)?;
            let text = if json {
                let v = serde_json::to_value(&report).context("formatting the report")?;
                json_text(&v)?
            } else if csv {
                crate::report::render_csv(&report)
            } else {
                crate::report::render_text_in(lang, &report)
            };
            outln!("{}", text.trim_end())?;
            Ok(())
        }
    }
}

/// An instant in the organization's own offset (orders are about its calendar days).
fn local_rfc(t: Option<DateTime<Utc>>, tz: &str) -> Value {
    match (t, tz.parse::<chrono_tz::Tz>()) {
        (Some(t), Ok(tz)) => Value::String(t.with_timezone(&tz).to_rfc3339()),
        (Some(t), Err(_)) => Value::String(t.to_rfc3339()),
        (None, _) => Value::Null,
    }
}

pub fn order_json(o: &Order) -> Value {
    json!({
        "id": o.id,
        "org": o.org,
        "kind": o.kind.as_str(),
        "status": o.status.as_str(),
        "level": o.level,
        "scenario": o.scenario.map(|s| s.as_str()),
        "month": o.month.map(|m| m.to_string()),
        "start": o.start.map(|d| d.to_string()),
        "end": o.end.map(|d| d.to_string()),
        "due": local_rfc(o.due, &o.tz),
        "note": o.note,
        "requested_on": o.requested_on.to_string(),
        "created_at": o.created_at.to_rfc3339(),
        "created_by": o.created_by,
        "completed_at": o.completed_at.map(|t| t.to_rfc3339()),
        "rejected_at": o.rejected_at.map(|t| t.to_rfc3339()),
        "reject_reason": o.reject_reason,
        "rating": o.rating.as_ref().map(|r| json!({
            "speed": r.speed, "quality": r.quality, "feedback": r.feedback,
            "rated_at": r.rated_at.to_rfc3339(),
        })),
        "attachments": o.attachments.iter().map(|a| json!({"name": a.name, "size": a.size})).collect::<Vec<_>>(),
        "version": o.version,
    })
}

/// The at-risk share when an organization's policy set is unknown (the built-in sets' own).
const DEFAULT_AT_RISK_SHARE: f64 = 0.75;

/// Each organization's at-risk share, from its policy set: when an order's deadline is near.
fn at_risk_shares(store: &crate::desk::Desk) -> Result<HashMap<i64, f64>> {
    Ok(store
        .list_orgs()?
        .iter()
        .filter_map(|g| {
            let set = store.policies().get(&g.policy_set)?;
            Some((g.id, set.at_risk_share))
        })
        .collect())
}

fn order_line(lang: Lang, o: &Order, now: DateTime<Utc>, at_risk_share: f64) -> String {
    format!(
        "{:>5}{} {}  {}  {}  {}  {}",
        o.id,
        super::output::mark(order_row_state(o, now, at_risk_share)),
        fit_to_width(&lang.word("order-kind", o.kind.as_str()), 18),
        fit_to_width(&sanitize_line(&o.org), 24),
        fit_to_width(&lang.word("order-status", o.status.as_str()), 10),
        crate::text::pad_left(&order_deadline_text(lang, o, now), 12),
        order_subject(lang, o)
    )
}

fn order_text(lang: Lang, o: &Order, now: DateTime<Utc>) -> String {
    let mut s = format!(
        "{} {}  {}  {}\n{}: {}\n{}: {}\n",
        lang.t("cli-order"),
        o.id,
        lang.word("order-kind", o.kind.as_str()),
        order_subject(lang, o),
        lang.t("cli-organization"),
        sanitize_line(&o.org),
        lang.t("field-status"),
        lang.word("order-status", o.status.as_str())
    );
    if let Some(due) = o.due {
        let local = local_rfc(Some(due), &o.tz);
        s.push_str(&format!(
            "{}: {}  ({})\n",
            lang.t("cli-order-due"),
            local.as_str().unwrap_or_default(),
            if o.is_open() {
                format_countdown((due - now).num_seconds())
            } else {
                lang.t("cli-order-closed")
            }
        ));
    }
    s.push_str(&format!(
        "{}: {}\n",
        lang.t("cli-order-requested"),
        tr!(
            lang,
            "ord-requested-by",
            date = o.requested_on.to_string(),
            who = sanitize_line(&o.created_by)
        )
    ));
    if let Some(t) = o.completed_at {
        s.push_str(&format!(
            "{}: {}\n",
            lang.t("cli-order-completed-at"),
            t.to_rfc3339()
        ));
    }
    if let Some(r) = &o.reject_reason {
        s.push_str(&format!(
            "{}: {}\n",
            lang.t("cli-order-rejected-because"),
            sanitize_line(r)
        ));
    }
    if !o.note.is_empty() {
        s.push_str(&format!(
            "{}:\n{}\n",
            lang.t("cli-order-note"),
            indent(&sanitize_block(&o.note))
        ));
    }
    if let Some(r) = &o.rating {
        s.push_str(&format!(
            "{}\n",
            tr!(
                lang,
                "cli-order-rating",
                speed = r.speed,
                quality = r.quality
            )
        ));
        if !r.feedback.is_empty() {
            s.push_str(&format!(
                "{}:\n{}\n",
                lang.t("cli-order-feedback"),
                indent(&sanitize_block(&r.feedback))
            ));
        }
    }

    for a in &o.attachments {
        s.push_str(&format!(
            "{}: {}\n",
            lang.t("tui-detail-attachment"),
            tr!(
                lang,
                "ord-attached",
                name = sanitize_line(&a.name),
                size = a.size
            )
        ));
    }
    s
}

/// Writes bytes to `-` (standard output) or a new file (an existing one is refused; a failed
/// write removes the half file).
pub(super) fn write_out(out: &str, data: &[u8]) -> Result<()> {
    if out == "-" {
        crate::out::write_bytes(data)?;
        return Ok(());
    }
    let path = Path::new(out);
    match crate::files::write_new_file(path, data) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; choose another --out path",
            path.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("writing {}", path.display())),
    }
    note!("wrote {} bytes to {}", data.len(), path.display());
    Ok(())
}
