//! The whole database as one snapshot for `export`: every row is read inside ONE read-only
//! REPEATABLE READ transaction, so an export taken while others write is consistent (it
//! always imports). The format and its rules live in `desk::transfer`.

use super::sql::Sql;
use chrono::{DateTime, Utc};

use super::PgStore;
use super::batch::{PlanHistory, details_many, inputs_many};
use super::error::{Ctx as _, get};
use super::port::{EVENT_COLUMNS, ORG_SELECT, events, order_in, org_from_row};
use crate::store::{ExportRecord, Result};

pub fn export_snapshot(
    store: &PgStore,
    now: DateTime<Utc>,
    sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
) -> Result<()> {
    let mut guard = store.client()?;
    let mut tx = guard
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .ctx("starting the export snapshot")?;
    let orgs = tx
        .query(&format!("{ORG_SELECT} ORDER BY o.name COLLATE \"C\""), &[])
        .ctx("exporting organizations")?
        .iter()
        .map(org_from_row)
        .collect::<Result<Vec<_>>>()?;
    for org in orgs {
        let events = events(
            &mut tx,
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE org_id = $1 AND ticket_id IS NULL AND order_id IS NULL ORDER BY id"
            ),
            org.id,
            "reading organization history",
        )?;
        let contacts = super::mail::contacts_added(&mut tx, org.id)?;
        sink(ExportRecord::Org {
            org,
            events,
            contacts,
        })?;
    }
    // Tickets in blocks: a few statements per block, not per ticket.
    let mut history = PlanHistory::default();
    let ticket_ids = ids(
        &mut tx,
        "SELECT id FROM tickets ORDER BY id",
        "exporting tickets",
    )?;
    for block in ticket_ids.chunks(500) {
        let details = details_many(&mut tx, block, now)?;
        // The SLA facts on record, from the same snapshot.
        let inputs = inputs_many(&mut tx, block, &mut history)?;
        for (detail, inputs) in details.into_iter().zip(inputs) {
            sink(ExportRecord::Ticket(
                Box::new(detail),
                Box::new(inputs.timeline),
            ))?;
        }
    }
    for id in ids(
        &mut tx,
        "SELECT id FROM orders ORDER BY id",
        "exporting orders",
    )? {
        let order = order_in(&mut tx, id)?;
        let attachments = tx
            .query(
                "SELECT name, data FROM order_attachments WHERE order_id = $1
                 ORDER BY name COLLATE \"C\"",
                &[&id],
            )
            .ctx("reading order attachments")?
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
            .collect::<Result<Vec<(String, Vec<u8>)>>>()?;
        let events = events(
            &mut tx,
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE order_id = $1 ORDER BY id"),
            id,
            "reading order history",
        )?;
        sink(ExportRecord::Order {
            order: Box::new(order),
            attachments,
            events,
        })?;
    }
    super::mail::export_rows(&mut tx, sink)?;
    // Read-only: ending it releases the snapshot.
    tx.commit().ctx("ending the export snapshot")?;
    Ok(())
}

fn ids<C: Sql>(c: &mut C, sql: &str, what: &str) -> Result<Vec<i64>> {
    c.query(sql, &[])
        .ctx(what)?
        .iter()
        .map(|r| get(r, 0))
        .collect()
}
