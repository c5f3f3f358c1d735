//! Service orders (服务单): the second kind of work item beside tickets. The rules live in
//! the pure `crate::orders` module; this file only reads what they need and stores the result,
//! check and write in one transaction so two engineers cannot both spend the last quota.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Context, Result, Store, StoreError, from_ts, opt_from_ts, to_ts};
use crate::domain::{
    self, Actor, AttachmentInfo, AuditEvent, Order, OrderKind, OrderRating, OrderStatus, YearMonth,
};
use crate::orders::{self, OrderOrg, OrderRequest, PriorOrder};
use crate::policy::rules;

/// Largest deliverable stored with an order; the database is shared, keep it lean.
pub const MAX_ATTACHMENT_BYTES: usize = 16 * 1024 * 1024;

const ORDER_SELECT: &str = "SELECT r.id, r.org_id, o.name, r.kind, r.status, r.level, r.scenario,
        r.month, r.start_date, r.end_date, r.note, r.requested_on, r.due_at, r.created_at,
        r.created_by, r.completed_at, r.rejected_at, r.reject_reason, r.rating_speed,
        r.rating_quality, r.rating_feedback, r.rated_at, r.version, o.tz
    FROM orders r JOIN orgs o ON o.id = r.org_id";

fn parse_col<T: std::str::FromStr>(idx: usize, text: Option<String>) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    text.map(|t| {
        t.parse::<T>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Text,
                format!("{e}").into(),
            )
        })
    })
    .transpose()
}

fn order_from_row(r: &Row) -> rusqlite::Result<Order> {
    let rating = match (
        r.get::<_, Option<u8>>(18)?,
        r.get::<_, Option<u8>>(19)?,
        r.get::<_, Option<i64>>(21)?,
    ) {
        (Some(speed), Some(quality), Some(at)) => Some(OrderRating {
            speed,
            quality,
            feedback: r.get::<_, Option<String>>(20)?.unwrap_or_default(),
            rated_at: from_ts(at),
        }),
        _ => None,
    };
    Ok(Order {
        id: r.get(0)?,
        org_id: r.get(1)?,
        org: r.get(2)?,
        tz: r.get(23)?,
        kind: parse_col(3, r.get(3)?)?.unwrap_or(OrderKind::AvailabilityCheck),
        status: parse_col(4, r.get(4)?)?.unwrap_or(OrderStatus::Processing),
        level: r.get(5)?,
        scenario: parse_col(6, r.get(6)?)?,
        month: parse_col(7, r.get(7)?)?,
        start: parse_col(8, r.get(8)?)?,
        end: parse_col(9, r.get(9)?)?,
        note: r.get(10)?,
        requested_on: parse_col(11, r.get(11)?)?.unwrap_or(NaiveDate::MIN),
        due: opt_from_ts(r.get(12)?),
        created_at: from_ts(r.get(13)?),
        created_by: r.get(14)?,
        completed_at: opt_from_ts(r.get(15)?),
        rejected_at: opt_from_ts(r.get(16)?),
        reject_reason: r.get(17)?,
        rating,
        attachments: Vec::new(),
        version: r.get(22)?,
    })
}

/// Which orders `order list` shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub org: Option<String>,
    pub status: Option<OrderStatus>,
    pub kind: Option<OrderKind>,
}

/// A new order as the CLI or the TUI form gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub org: String,
    pub request: OrderRequest,
    pub note: String,
}

/// A created order plus what the rules wanted the engineer to know (e.g. a calendar that
/// does not cover the due year).
#[derive(Debug, Clone)]
pub struct CreatedOrder {
    pub order: Order,
    pub warnings: Vec<String>,
}

impl Store {
    pub fn create_order(
        &mut self,
        new: &NewOrder,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<CreatedOrder> {
        let note = new.note.trim().to_string();
        domain::validate_body("note", &note, true)?;
        let policies = self.policies.clone();
        let (id, warnings) = self.write(|tx| {
            let org = super::orgs::org_in(tx, &new.org)?;
            let set = rules::policy_set(&policies, &org.policy_set)?;
            let tz = domain::parse_tz(&org.tz)?;
            let prior = prior_orders(tx, org.id)?;
            let accepted = orders::check_new_order(
                &policies,
                &OrderOrg::of(&org, set, tz),
                &new.request,
                &prior,
                now,
            )?;
            let req = &new.request;
            tx.prepare_cached(
                "INSERT INTO orders (org_id, kind, status, level, scenario, month, start_date,
                     end_date, note, requested_on, due_at, created_at, created_by)
                 VALUES (?1, ?2, 'processing', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    org.id,
                    req.kind.as_str(),
                    req.level,
                    req.scenario.map(|s| s.as_str()),
                    req.month.map(|m| m.to_string()),
                    req.start.map(|d| d.to_string()),
                    req.end.map(|d| d.to_string()),
                    note,
                    now.with_timezone(&tz).date_naive().to_string(),
                    accepted.due.map(to_ts),
                    to_ts(now),
                    actor.name,
                ])
            })
            .ctx("storing the order")?;
            let id = tx.last_insert_rowid();
            record_order_event(
                tx,
                (id, org.id),
                actor,
                now,
                "created",
                None,
                Some(&describe_request(req)),
            )?;
            Ok((id, accepted.warnings))
        })?;
        Ok(CreatedOrder {
            order: self.order(id)?,
            warnings,
        })
    }

    pub fn order(&self, id: i64) -> Result<Order> {
        let mut order = self
            .conn
            .prepare_cached(&format!("{ORDER_SELECT} WHERE r.id = ?1"))
            .and_then(|mut s| s.query_row([id], order_from_row).optional())
            .ctx("reading order")?
            .ok_or_else(|| StoreError::NotFound {
                what: "order",
                key: id.to_string(),
            })?;
        order.attachments = self
            .conn
            .prepare_cached(
                "SELECT name, length(data) FROM order_attachments WHERE order_id = ?1 ORDER BY name",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok(AttachmentInfo {
                        name: r.get(0)?,
                        size: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx("reading order attachments")?;
        Ok(order)
    }

    /// Open orders first, soonest deadline first; then the rest, newest first.
    pub fn list_orders(&self, filter: &OrderFilter, limit: usize) -> Result<Vec<Order>> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(org) = &filter.org {
            // Resolve the name first so an unknown organization is an error, not an empty list.
            self.org_by_name(org)?;
            clauses.push("o.name = ?");
            args.push(org.clone());
        }
        if let Some(status) = filter.status {
            clauses.push("r.status = ?");
            args.push(status.as_str().into());
        }
        if let Some(kind) = filter.kind {
            clauses.push("r.kind = ?");
            args.push(kind.as_str().into());
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "{ORDER_SELECT}{where_sql} ORDER BY r.status <> 'processing', r.due_at IS NULL,
             CASE WHEN r.status = 'processing' THEN r.due_at ELSE -r.id END, r.id LIMIT {}",
            limit.min(100_000)
        );
        let mut stmt = self.conn.prepare_cached(&sql).ctx("listing orders")?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), order_from_row)
            .ctx("listing orders")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("listing orders")
    }

    /// Completes a processing order, storing its deliverables with it.
    pub fn complete_order(
        &mut self,
        id: i64,
        attachments: &[(String, Vec<u8>)],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let mut names: Vec<&str> = Vec::new();
        for (name, data) in attachments {
            validate_attachment_name(name)?;
            if names.contains(&name.as_str()) {
                return Err(StoreError::Other(format!(
                    "two attachments are named {name:?}; rename one"
                )));
            }
            names.push(name);
            if data.len() > MAX_ATTACHMENT_BYTES {
                return Err(StoreError::Other(format!(
                    "attachment {name:?} is {} bytes; at most {MAX_ATTACHMENT_BYTES} bytes are stored with an order",
                    data.len()
                )));
            }
        }
        self.write(|tx| {
            let (org_id, status, _) = order_state(tx, id)?;
            orders::check_complete(status)?;
            tx.execute(
                "UPDATE orders SET status = 'completed', completed_at = ?2, version = version + 1
                 WHERE id = ?1",
                params![id, to_ts(now)],
            )
            .ctx("completing the order")?;
            for (name, data) in attachments {
                tx.execute(
                    "INSERT INTO order_attachments (order_id, name, data, added_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, name, data, to_ts(now)],
                )
                .ctx("storing an attachment")?;
            }
            let detail = if names.is_empty() {
                "completed".to_string()
            } else {
                format!("completed with {}", names.join(", "))
            };
            record_order_event(
                tx,
                (id, org_id),
                actor,
                now,
                "status",
                Some(status.as_str()),
                Some(&detail),
            )
        })?;
        self.order(id)
    }

    pub fn reject_order(
        &mut self,
        id: i64,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let reason = reason.trim();
        self.write(|tx| {
            let (org_id, status, _) = order_state(tx, id)?;
            orders::check_reject(status, reason)?;
            tx.execute(
                "UPDATE orders SET status = 'rejected', rejected_at = ?2, reject_reason = ?3,
                     version = version + 1 WHERE id = ?1",
                params![id, to_ts(now), reason],
            )
            .ctx("rejecting the order")?;
            record_order_event(
                tx,
                (id, org_id),
                actor,
                now,
                "status",
                Some(status.as_str()),
                Some(&format!("rejected: {reason}")),
            )
        })?;
        self.order(id)
    }

    pub fn rate_order(
        &mut self,
        id: i64,
        speed: i64,
        quality: i64,
        feedback: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let feedback = feedback.trim();
        self.write(|tx| {
            let (org_id, status, rated) = order_state(tx, id)?;
            orders::check_rating(status, rated, speed, quality, feedback)?;
            tx.execute(
                "UPDATE orders SET rating_speed = ?2, rating_quality = ?3, rating_feedback = ?4,
                     rated_at = ?5, version = version + 1 WHERE id = ?1",
                params![id, speed, quality, feedback, to_ts(now)],
            )
            .ctx("storing the rating")?;
            record_order_event(
                tx,
                (id, org_id),
                actor,
                now,
                "rating",
                None,
                Some(&format!("speed {speed}/5, quality {quality}/5")),
            )
        })?;
        self.order(id)
    }

    pub fn order_attachment(&self, id: i64, name: &str) -> Result<Vec<u8>> {
        self.order(id)?;
        self.conn
            .prepare_cached("SELECT data FROM order_attachments WHERE order_id = ?1 AND name = ?2")
            .and_then(|mut s| s.query_row(params![id, name], |r| r.get(0)).optional())
            .ctx("reading the attachment")?
            .ok_or_else(|| StoreError::NotFound {
                what: "attachment",
                key: format!("{name} (order {id})"),
            })
    }

    /// The order's audit trail, oldest first.
    pub fn order_events(&self, id: i64) -> Result<Vec<AuditEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new
                 FROM events WHERE order_id = ?1 ORDER BY id",
            )
            .ctx("reading order history")?;
        let rows = stmt
            .query_map([id], super::tickets::event_from_row)
            .ctx("reading order history")?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .ctx("reading order history")
    }
}

fn prior_orders(tx: &Transaction, org_id: i64) -> Result<Vec<PriorOrder>> {
    tx.prepare_cached(
        "SELECT kind, status, level, start_date, scenario, month, requested_on
         FROM orders WHERE org_id = ?1",
    )
    .and_then(|mut s| {
        s.query_map([org_id], |r| {
            Ok(PriorOrder {
                kind: parse_col(0, r.get(0)?)?.unwrap_or(OrderKind::AvailabilityCheck),
                status: parse_col(1, r.get(1)?)?.unwrap_or(OrderStatus::Processing),
                level: r.get(2)?,
                start: parse_col(3, r.get(3)?)?,
                scenario: parse_col(4, r.get(4)?)?,
                month: parse_col::<YearMonth>(5, r.get(5)?)?,
                requested_on: parse_col(6, r.get(6)?)?.unwrap_or(NaiveDate::MIN),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading the organization's orders")
}

/// (org id, status, already rated) of an order, read inside the write transaction.
fn order_state(tx: &Transaction, id: i64) -> Result<(i64, OrderStatus, bool)> {
    let row: Option<(i64, String, Option<i64>)> = tx
        .prepare_cached("SELECT org_id, status, rated_at FROM orders WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .ctx("reading order")?;
    let (org_id, status, rated) = row.ok_or_else(|| StoreError::NotFound {
        what: "order",
        key: id.to_string(),
    })?;
    let status = status
        .parse::<OrderStatus>()
        .map_err(|e| StoreError::Other(format!("order {id}: {e}")))?;
    Ok((org_id, status, rated.is_some()))
}

fn record_order_event(
    tx: &Transaction,
    (order_id, org_id): (i64, i64),
    actor: &Actor,
    now: DateTime<Utc>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<()> {
    Store::record_item_event(
        tx,
        super::EventSubject {
            ticket_id: None,
            org_id: Some(org_id),
            order_id: Some(order_id),
        },
        actor,
        now,
        (field, old, new),
    )
}

/// "level 1 event assurance 2026-12-10..2026-12-12" and the like, for the audit log.
fn describe_request(req: &OrderRequest) -> String {
    let mut s = req.kind.as_str().to_string();
    if let Some(l) = req.level {
        s.push_str(&format!(" level {l}"));
    }
    if let (Some(a), Some(b)) = (req.start, req.end) {
        s.push_str(&format!(" {a}..{b}"));
    }
    if let Some(sc) = req.scenario {
        s.push_str(&format!(" ({sc})"));
    }
    if let Some(m) = req.month {
        s.push_str(&format!(" for {m}"));
    }
    s
}

/// Attachment names become file names when written back: one plain component, printable.
pub fn validate_attachment_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.chars().count() > 200
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control() || crate::text::is_bidi_control(c));
    if bad {
        return Err(StoreError::Other(format!(
            "attachment name {:?} is not usable (1–200 printable characters, no slashes)",
            crate::text::sanitize_line(name)
        )));
    }
    Ok(())
}

impl Store {
    /// The monthly service report (seed 004 §1.5.8) for `month`, each organization in its own
    /// time zone: one organization, or every organization with tickets in the month.
    pub fn monthly_report(
        &self,
        month: YearMonth,
        org: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<crate::report::MonthlyReport> {
        let orgs = match org {
            Some(name) => vec![self.org_by_name(name)?],
            None => self.list_orgs()?,
        };
        let org_filter_absent = org.is_none();
        let mut reports = Vec::new();
        for org in &orgs {
            let set = rules::policy_set(&self.policies, &org.policy_set)?;
            let tz = domain::parse_tz(&org.tz)?;
            let (from, to) = crate::report::month_bounds_utc(tz, month);
            let plan_source = org.plan_for_tickets();
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT id, summary, kind, severity, created_at, resolved_at,
                            first_response_at, first_response_due
                     FROM tickets
                     WHERE org_id = ?1 AND ((created_at >= ?2 AND created_at < ?3)
                                         OR (resolved_at >= ?2 AND resolved_at < ?3))
                     ORDER BY created_at, id",
                )
                .ctx("reading the month's tickets")?;
            let tickets = stmt
                .query_map(params![org.id, to_ts(from), to_ts(to)], |r| {
                    let created = from_ts(r.get(4)?);
                    let plan = set
                        .effective_plan(plan_source, created.with_timezone(&tz).date_naive())
                        .to_string();
                    Ok(crate::report::ReportTicket {
                        id: r.get(0)?,
                        summary: r.get(1)?,
                        kind: parse_col(2, r.get(2)?)?.unwrap_or(domain::TicketKind::Technical),
                        severity: r.get(3)?,
                        plan,
                        created_at: created,
                        resolved_at: opt_from_ts(r.get(5)?),
                        first_response_at: opt_from_ts(r.get(6)?),
                        first_response_due: opt_from_ts(r.get(7)?),
                    })
                })
                .ctx("reading the month's tickets")?
                .collect::<rusqlite::Result<Vec<_>>>()
                .ctx("reading the month's tickets")?;
            if tickets.is_empty() && org_filter_absent {
                continue;
            }
            let served = set.effective_plan(plan_source, now.with_timezone(&tz).date_naive());
            let label = set.plan(served).map_or(served, |p| p.label.as_str());
            reports.push(crate::report::build_org_report(
                &crate::report::ReportOrg {
                    name: &org.name,
                    plan: served,
                    plan_label: label,
                    tz,
                    severities: &set.severities,
                },
                month,
                &tickets,
                now,
            ));
        }
        Ok(crate::report::MonthlyReport::new(month, now, reports))
    }
}

impl Store {
    /// The monthly report a monthly-report order delivers, as files to attach on completion:
    /// the readable text and the JSON for scripts.
    pub fn report_attachments(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let order = self.order(id)?;
        let (OrderKind::MonthlyReport, Some(month)) = (order.kind, order.month) else {
            return Err(StoreError::Other(format!(
                "only monthly-report orders carry the monthly report; order {id} is {}",
                order.kind
            )));
        };
        let tz = domain::parse_tz(&order.tz)?;
        let (_, month_end) = crate::report::month_bounds_utc(tz, month);
        if now < month_end {
            return Err(StoreError::Other(format!(
                "the report for {month} would be partial: the month ends {} in {}; attach it from then on, or attach your own file",
                month_end.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                order.tz
            )));
        }
        let report = self.monthly_report(month, Some(&order.org), now)?;
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| StoreError::Other(format!("formatting the report: {e}")))?;
        Ok(vec![
            (
                format!("report-{month}.txt"),
                crate::report::render_text(&report).into_bytes(),
            ),
            (format!("report-{month}.json"), json.into_bytes()),
        ])
    }
}
