//! The whole database as one snapshot for `export`: every row is read inside ONE read
//! transaction, so an export taken while others write is consistent (it always imports).
//! The format and its rules live in `desk::transfer`.

use chrono::{DateTime, Utc};

use super::tickets::event_from_row;
use super::{Context, Result, SqliteStore};
use crate::domain::AuditEvent;
use crate::store::ExportRecord;

impl SqliteStore {
    pub fn export_snapshot(
        &self,
        now: DateTime<Utc>,
        sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
    ) -> Result<()> {
        // A deferred transaction pins its snapshot at the first read and keeps it to the end.
        let tx = self
            .conn
            .unchecked_transaction()
            .ctx("starting the export snapshot")?;
        let result = self.export_in_snapshot(now, sink);
        // Read-only: nothing to commit; ending it releases the snapshot.
        let _ = tx.rollback();
        result
    }

    fn export_in_snapshot(
        &self,
        now: DateTime<Utc>,
        sink: &mut dyn FnMut(ExportRecord) -> Result<()>,
    ) -> Result<()> {
        for org in self.list_orgs()? {
            let events = self.events_where(
                "org_id = ?1 AND ticket_id IS NULL AND order_id IS NULL",
                org.id,
            )?;
            let contacts = super::mail::contacts_added(&self.conn, org.id)?;
            sink(ExportRecord::Org {
                org,
                events,
                contacts,
            })?;
        }
        let ids = self.ids("SELECT id FROM tickets ORDER BY id", "exporting tickets")?;
        for id in ids {
            let detail = self.ticket_detail(id, now)?;
            // The SLA facts on record, from the same snapshot.
            let timeline = super::sla_columns::load_inputs(&self.conn, id)?.timeline;
            sink(ExportRecord::Ticket(Box::new(detail), Box::new(timeline)))?;
        }
        let ids = self.ids("SELECT id FROM orders ORDER BY id", "exporting orders")?;
        for id in ids {
            let order = self.order(id)?;
            let mut attachments = Vec::with_capacity(order.attachments.len());
            for a in &order.attachments {
                attachments.push((a.name.clone(), self.order_attachment(id, &a.name)?));
            }
            let events = self.events_where("order_id = ?1", id)?;
            sink(ExportRecord::Order {
                order: Box::new(order),
                attachments,
                events,
            })?;
        }
        super::mail::export_rows(&self.conn, sink)
    }

    fn ids(&self, sql: &str, what: &str) -> Result<Vec<i64>> {
        self.conn
            .prepare(sql)
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .ctx(what)
    }

    fn events_where(&self, condition: &str, id: i64) -> Result<Vec<AuditEvent>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT id, ticket_id, org_id, actor, actor_source, at, field, old, new, imported FROM events WHERE {condition} ORDER BY id"
            ))
            .and_then(|mut s| s.query_map([id], event_from_row)?.collect::<rusqlite::Result<Vec<_>>>())
            .ctx("reading audit events")
    }
}
