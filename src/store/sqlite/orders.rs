//! Service orders (服务单): the second kind of work item beside tickets. The rules live in
//! the pure `crate::orders` module; this file only reads what they need and stores the result,
//! check and write in one transaction so two engineers cannot both spend the last quota.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Context, Result, SqliteStore, StoreError, from_ts, opt_from_ts, to_ts};
use crate::domain::{
    AttachmentInfo, AuditEvent, Order, OrderKind, OrderRating, OrderStatus, YearMonth,
};
use crate::orders::{OrderRequest, PriorOrder};
use crate::store::{OrderInsert, OrderPatch, OrderState};

/// Largest deliverable stored with an order; the database is shared, keep it lean.
pub const MAX_ATTACHMENT_BYTES: usize = 16 * 1024 * 1024;

const ORDER_SELECT: &str = "SELECT r.id, r.org_id, o.name, r.kind, r.status, r.level, r.scenario,
        r.month, r.start_date, r.end_date, r.note, r.requested_on, r.due_at, r.created_at,
        r.created_by, r.completed_at, r.rejected_at, r.reject_reason, r.rating_speed,
        r.rating_quality, r.rating_feedback, r.rated_at, r.version, o.tz
    FROM orders r JOIN orgs o ON o.id = r.org_id";

/// A stored text column of the orders table, decoded or refused with its row.
fn parse_col<T: std::str::FromStr>(
    row: i64,
    column: &'static str,
    text: Option<String>,
) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    super::decode::row_column_opt("orders", row, column, text.as_deref())
}

/// A NOT NULL text column of the orders table.
fn req_col<T: std::str::FromStr>(
    row: i64,
    column: &'static str,
    text: String,
) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    super::decode::row_column("orders", row, column, &text)
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
    let id: i64 = r.get(0)?;
    Ok(Order {
        id,
        org_id: r.get(1)?,
        org: r.get(2)?,
        tz: r.get(23)?,
        kind: req_col(id, "kind", r.get(3)?)?,
        status: req_col(id, "status", r.get(4)?)?,
        level: r.get(5)?,
        scenario: parse_col(id, "scenario", r.get(6)?)?,
        month: parse_col(id, "month", r.get(7)?)?,
        start: parse_col(id, "start_date", r.get(8)?)?,
        end: parse_col(id, "end_date", r.get(9)?)?,
        note: r.get(10)?,
        requested_on: req_col(id, "requested_on", r.get(11)?)?,
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

impl SqliteStore {
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
            "{ORDER_SELECT}{where_sql} ORDER BY r.status <> 'processing',
             r.status = 'processing' AND r.due_at IS NULL,
             CASE WHEN r.status = 'processing' THEN r.due_at ELSE -r.id END, r.id LIMIT {}",
            limit.min(100_000)
        );
        let mut stmt = self.conn.prepare_cached(&sql).ctx("listing orders")?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), order_from_row)
            .ctx("listing orders")?;
        let mut orders = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .ctx("listing orders")?;
        // Listed orders carry their deliverables like `order` does (few: one pass over all).
        if !orders.is_empty() {
            let mut by_id: std::collections::HashMap<i64, Vec<AttachmentInfo>> =
                std::collections::HashMap::new();
            self.conn
                .prepare_cached(
                    "SELECT order_id, name, length(data) FROM order_attachments
                     ORDER BY order_id, name",
                )
                .and_then(|mut s| {
                    let mut rows = s.query([])?;
                    while let Some(r) = rows.next()? {
                        by_id.entry(r.get(0)?).or_default().push(AttachmentInfo {
                            name: r.get(1)?,
                            size: r.get(2)?,
                        });
                    }
                    Ok(())
                })
                .ctx("reading order attachments")?;
            for o in &mut orders {
                o.attachments = by_id.remove(&o.id).unwrap_or_default();
            }
        }
        Ok(orders)
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
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported
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

pub(super) fn prior_orders(tx: &Transaction, org_id: i64) -> Result<Vec<PriorOrder>> {
    tx.prepare_cached(
        "SELECT kind, status, level, start_date, scenario, month, requested_on, id
         FROM orders WHERE org_id = ?1",
    )
    .and_then(|mut s| {
        s.query_map([org_id], |r| {
            let id: i64 = r.get(7)?;
            Ok(PriorOrder {
                kind: req_col(id, "kind", r.get(0)?)?,
                status: req_col(id, "status", r.get(1)?)?,
                level: r.get(2)?,
                start: parse_col(id, "start_date", r.get(3)?)?,
                scenario: parse_col(id, "scenario", r.get(4)?)?,
                month: parse_col::<YearMonth>(id, "month", r.get(5)?)?,
                requested_on: req_col(id, "requested_on", r.get(6)?)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading the organization's orders")
}

/// (org id, status, already rated) of an order, read inside the write transaction.
pub(super) fn order_state(tx: &Transaction, id: i64) -> Result<OrderState> {
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
    let status = super::decode::column::<OrderStatus>("orders", id, "status", &status)?;
    Ok(OrderState {
        org_id,
        status,
        rated: rated.is_some(),
    })
}

pub use crate::orders::validate_attachment_name;

pub(super) fn insert_order(tx: &Transaction, o: &OrderInsert<'_>) -> Result<i64> {
    let req = o.request;
    tx.prepare_cached(
        "INSERT INTO orders (org_id, kind, status, level, scenario, month, start_date,
             end_date, note, requested_on, due_at, created_at, created_by)
         VALUES (?1, ?2, 'processing', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .and_then(|mut s| {
        s.execute(params![
            o.org_id,
            req.kind.as_str(),
            req.level,
            req.scenario.map(|s| s.as_str()),
            req.month.map(|m| m.to_string()),
            req.start.map(|d| d.to_string()),
            req.end.map(|d| d.to_string()),
            o.note,
            o.requested_on.to_string(),
            o.due.map(to_ts),
            to_ts(o.created_at),
            o.created_by,
        ])
    })
    .ctx("storing the order")?;
    Ok(tx.last_insert_rowid())
}

/// An order row as it was (import): every field given.
pub(super) fn insert_order_row(tx: &Transaction, o: &crate::store::OrderRow<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO orders (id, org_id, kind, status, level, scenario, month, start_date, end_date,
             note, requested_on, due_at, created_at, created_by, completed_at, rejected_at,
             reject_reason, rating_speed, rating_quality, rating_feedback, rated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22)",
    )
    .and_then(|mut s| {
        s.execute(params![
            o.id,
            o.org_id,
            o.kind.as_str(),
            o.status.as_str(),
            o.level,
            o.scenario.map(|s| s.as_str()),
            o.month.map(|m| m.to_string()),
            o.start.map(|d| d.to_string()),
            o.end.map(|d| d.to_string()),
            o.note,
            o.requested_on.to_string(),
            o.due.map(to_ts),
            to_ts(o.created_at),
            o.created_by,
            o.completed_at.map(to_ts),
            o.rejected_at.map(to_ts),
            o.reject_reason,
            o.rating.map(|r| r.speed),
            o.rating.map(|r| r.quality),
            o.rating.map(|r| r.feedback.as_str()),
            o.rating.map(|r| to_ts(r.rated_at)),
            o.version,
        ])
    })
    .ctx("importing order")?;
    Ok(())
}

pub(super) fn update_order(tx: &Transaction, id: i64, patch: &OrderPatch) -> Result<()> {
    let n = match patch {
        OrderPatch::Completed { at } => tx.execute(
            "UPDATE orders SET status = 'completed', completed_at = ?2, version = version + 1
             WHERE id = ?1",
            params![id, to_ts(*at)],
        ),
        OrderPatch::Rejected { at, reason } => tx.execute(
            "UPDATE orders SET status = 'rejected', rejected_at = ?2, reject_reason = ?3,
                 version = version + 1 WHERE id = ?1",
            params![id, to_ts(*at), reason],
        ),
        OrderPatch::Rating {
            speed,
            quality,
            feedback,
            at,
        } => tx.execute(
            "UPDATE orders SET rating_speed = ?2, rating_quality = ?3, rating_feedback = ?4,
                 rated_at = ?5, version = version + 1 WHERE id = ?1",
            params![id, speed, quality, feedback, to_ts(*at)],
        ),
    }
    .ctx("changing the order")?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "order",
            key: id.to_string(),
        });
    }
    Ok(())
}

/// An organization's tickets created or resolved in `[from, to)`, oldest first.
pub(super) fn month_tickets(
    conn: &rusqlite::Connection,
    org_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<crate::report::ReportTicket>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, summary, kind, severity, created_at, resolved_at,
                    first_response_at, first_response_due,
                    (SELECT group_concat(g.tag, char(10)) FROM ticket_tags g
                     WHERE g.ticket_id = tickets.id)
             FROM tickets
             WHERE org_id = ?1 AND ((created_at >= ?2 AND created_at < ?3)
                                 OR (resolved_at >= ?2 AND resolved_at < ?3))
             ORDER BY created_at, id",
        )
        .ctx("reading the month's tickets")?;
    let rows = stmt
        .query_map(params![org_id, to_ts(from), to_ts(to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .ctx("reading the month's tickets")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .ctx("reading the month's tickets")?;
    rows.into_iter()
        .map(
            |(id, summary, kind, severity, created, resolved, first, due, tags)| {
                Ok(crate::report::ReportTicket {
                    id,
                    summary,
                    kind: super::decode::column("tickets", id, "kind", &kind)?,
                    severity,
                    plan: String::new(),
                    created_at: from_ts(created),
                    resolved_at: opt_from_ts(resolved),
                    first_response_at: opt_from_ts(first),
                    first_response_due: opt_from_ts(due),
                    first_response_verdict: None,
                    tags: crate::store::split_tags(tags),
                })
            },
        )
        .collect()
}
