//! Contacts, received and sent mail, triage, quarantine and outbox in SQLite (migration 7).
//! Primitives only: what to store is decided in `desk::mail`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Context, Result, StoreError, from_ts, opt_from_ts, to_ts};
use crate::store::{
    AttachmentInsert, AttachmentMeta, CustomerEntry, CustomerNews, EntryMail, MailCell, MailKind,
    MailRecord, MailRow, MailTable, MessagesFrom, OutboxInsert, OutboxMessage, OutboxPatch,
    OutboxState, QuarantineItem, TriageInsert, TriageItem, TriageState,
};

pub(super) fn add_contact(
    conn: &Connection,
    org_id: i64,
    address: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .execute(
            "INSERT INTO org_contacts (org_id, address, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (org_id, address) DO NOTHING",
            params![org_id, address, to_ts(at)],
        )
        .ctx("adding a contact")?;
    Ok(n > 0)
}

pub(super) fn remove_contact(conn: &Connection, org_id: i64, address: &str) -> Result<bool> {
    let n = conn
        .execute(
            "DELETE FROM org_contacts WHERE org_id = ?1 AND address = ?2",
            params![org_id, address],
        )
        .ctx("removing a contact")?;
    Ok(n > 0)
}

pub(super) fn contacts(conn: &Connection, org_id: i64) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT address FROM org_contacts WHERE org_id = ?1 ORDER BY address")
        .and_then(|mut s| {
            s.query_map([org_id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .ctx("reading contacts")
}

pub(super) fn orgs_for_address(conn: &Connection, address: &str) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT org_id FROM org_contacts WHERE address = ?1 ORDER BY org_id")
        .ctx("finding the sender's organization")?;
    let mut lookup = |key: &str| -> Result<Vec<i64>> {
        stmt.query_map([key], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
            .ctx("finding the sender's organization")
    };
    let found = lookup(address)?;
    if !found.is_empty() {
        return Ok(found);
    }
    let Some((_, mut domain)) = address.split_once('@') else {
        return Ok(Vec::new());
    };
    // mail.example.com, then example.com (never a bare top-level domain)
    loop {
        let found = lookup(&format!("@{domain}"))?;
        if !found.is_empty() {
            return Ok(found);
        }
        match domain.split_once('.') {
            Some((_, rest)) if rest.contains('.') => domain = rest,
            _ => return Ok(Vec::new()),
        }
    }
}

pub(super) fn mail_known(conn: &Connection, message_id: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM mail_messages WHERE message_id = ?1")
        .and_then(|mut s| s.exists([message_id]))
        .ctx("looking up a Message-ID")
}

pub(super) fn ticket_for_messages(conn: &Connection, ids: &[String]) -> Result<Option<i64>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT ticket_id FROM mail_messages WHERE message_id = ?1 AND ticket_id IS NOT NULL",
        )
        .ctx("threading a message")?;
    for id in ids {
        let t: Option<i64> = stmt
            .query_row([id], |r| r.get(0))
            .optional()
            .ctx("threading a message")?;
        if t.is_some() {
            return Ok(t);
        }
    }
    Ok(None)
}

pub(super) fn ticket_message_ids(
    conn: &Connection,
    ticket_id: i64,
    inbound_only: bool,
) -> Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT message_id FROM mail_messages
         WHERE ticket_id = ?1 AND (?2 = 0 OR direction = 'in') ORDER BY at, id",
    )
    .and_then(|mut s| {
        s.query_map(params![ticket_id, inbound_only as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()
    })
    .ctx("reading a ticket's messages")
}

pub(super) fn insert_mail(conn: &Connection, m: &MailRecord<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO mail_messages (message_id, direction, ticket_id, entry_id, triage_id,
            from_address, subject, auto, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.message_id,
            m.direction.as_str(),
            m.ticket_id,
            m.entry_id,
            m.triage_id,
            m.from_address,
            m.subject,
            m.auto,
            to_ts(m.at)
        ])
    })
    .ctx("recording a message")?;
    Ok(())
}

pub(super) fn insert_attachment(conn: &Connection, a: &AttachmentInsert<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO entry_attachments (entry_id, triage_id, ticket_id, name, content_type, size, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            a.entry_id,
            a.triage_id,
            a.ticket_id,
            a.name,
            a.content_type,
            a.size,
            a.data
        ])
    })
    .ctx("storing an attachment")?;
    Ok(())
}

fn attachment_meta(r: &Row) -> rusqlite::Result<AttachmentMeta> {
    Ok(AttachmentMeta {
        id: r.get(0)?,
        entry_id: r.get(1)?,
        name: r.get(2)?,
        content_type: r.get(3)?,
        size: r.get(4)?,
        stored: r.get(5)?,
    })
}

const ATTACHMENT_META: &str =
    "SELECT id, entry_id, name, content_type, size, data IS NOT NULL FROM entry_attachments";

pub(super) fn insert_triage(conn: &Connection, t: &TriageInsert<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO mail_triage (message_id, from_name, from_address, subject, body, auto,
            received_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'waiting')",
    )
    .and_then(|mut s| {
        s.execute(params![
            t.message_id,
            t.from_name,
            t.from_address,
            t.subject,
            t.body,
            t.auto,
            to_ts(t.received_at)
        ])
    })
    .ctx("adding to the triage inbox")?;
    Ok(conn.last_insert_rowid())
}

const TRIAGE_SELECT: &str = "SELECT id, message_id, from_name, from_address, subject, body, auto,
    received_at, state, ticket_id, reason, decided_by, decided_at FROM mail_triage";

fn triage_from_row(r: &Row) -> rusqlite::Result<(TriageItem, String)> {
    let state: String = r.get(8)?;
    Ok((
        TriageItem {
            id: r.get(0)?,
            message_id: r.get(1)?,
            from_name: r.get(2)?,
            from_address: r.get(3)?,
            subject: r.get(4)?,
            body: r.get(5)?,
            auto: r.get(6)?,
            received_at: from_ts(r.get(7)?),
            state: TriageState::Waiting,
            ticket_id: r.get(9)?,
            reason: r.get(10)?,
            decided_by: r.get(11)?,
            decided_at: opt_from_ts(r.get(12)?),
            attachments: Vec::new(),
        },
        state,
    ))
}

fn finish_triage(conn: &Connection, (mut t, state): (TriageItem, String)) -> Result<TriageItem> {
    t.state = TriageState::parse(&state).ok_or_else(|| StoreError::Undecodable {
        table: "mail_triage",
        row: t.id,
        column: "state",
        value: state.clone(),
        reason: "not a triage state".into(),
    })?;
    t.attachments = conn
        .prepare_cached(&format!(
            "{ATTACHMENT_META} WHERE triage_id = ?1 ORDER BY id"
        ))
        .and_then(|mut s| {
            s.query_map([t.id], attachment_meta)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading attachments")?;
    Ok(t)
}

pub(super) fn triage_item(conn: &Connection, id: i64) -> Result<TriageItem> {
    let row = conn
        .prepare_cached(&format!("{TRIAGE_SELECT} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], triage_from_row).optional())
        .ctx("reading the triage inbox")?
        .ok_or_else(|| StoreError::NotFound {
            what: "triage item",
            key: id.to_string(),
        })?;
    finish_triage(conn, row)
}

pub(super) fn triage_list(conn: &Connection, all: bool) -> Result<Vec<TriageItem>> {
    let sql = if all {
        format!("{TRIAGE_SELECT} ORDER BY id")
    } else {
        format!("{TRIAGE_SELECT} WHERE state = 'waiting' ORDER BY id")
    };
    let rows = conn
        .prepare_cached(&sql)
        .and_then(|mut s| {
            s.query_map([], triage_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading the triage inbox")?;
    rows.into_iter().map(|r| finish_triage(conn, r)).collect()
}

pub(super) fn decide_triage(
    conn: &Connection,
    id: i64,
    state: TriageState,
    ticket_id: Option<i64>,
    reason: Option<&str>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = conn
        .execute(
            "UPDATE mail_triage SET state = ?2, ticket_id = ?3, reason = ?4, decided_by = ?5,
                decided_at = ?6
             WHERE id = ?1",
            params![id, state.as_str(), ticket_id, reason, by, to_ts(at)],
        )
        .ctx("deciding a triage item")?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "triage item",
            key: id.to_string(),
        });
    }
    Ok(())
}

pub(super) fn attach_triage_to_ticket(
    conn: &Connection,
    triage_id: i64,
    ticket_id: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE entry_attachments SET ticket_id = ?2 WHERE triage_id = ?1",
        params![triage_id, ticket_id],
    )
    .ctx("moving attachments")?;
    conn.execute(
        "UPDATE mail_messages SET ticket_id = ?2 WHERE triage_id = ?1",
        params![triage_id, ticket_id],
    )
    .ctx("moving the message")?;
    Ok(())
}

pub(super) fn insert_quarantine(
    conn: &Connection,
    raw: &[u8],
    reason: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO mail_quarantine (received_at, reason, raw) VALUES (?1, ?2, ?3)",
        params![to_ts(at), reason, raw],
    )
    .ctx("quarantining a message")?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn quarantine(conn: &Connection) -> Result<Vec<QuarantineItem>> {
    conn.prepare_cached(
        "SELECT id, received_at, reason, length(raw) FROM mail_quarantine ORDER BY id",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(QuarantineItem {
                id: r.get(0)?,
                received_at: from_ts(r.get(1)?),
                reason: r.get(2)?,
                size: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading the quarantine")
}

pub(super) fn quarantined_raw(conn: &Connection, id: i64) -> Result<Vec<u8>> {
    conn.prepare_cached("SELECT raw FROM mail_quarantine WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .ctx("reading the quarantine")?
        .ok_or_else(|| StoreError::NotFound {
            what: "quarantined message",
            key: id.to_string(),
        })
}

pub(super) fn insert_outbox(conn: &Connection, m: &OutboxInsert<'_>) -> Result<i64> {
    let (att_name, att) = match m.attachment {
        Some((n, d)) => (Some(n), Some(d)),
        None => (None, None),
    };
    conn.prepare_cached(
        "INSERT INTO outbox (ticket_id, entry_id, order_id, message_id, to_addresses, subject,
            in_reply_to, refs, body, attachment_name, attachment, state, next_attempt_at,
            created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'queued', ?12, ?12)",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.ticket_id,
            m.entry_id,
            m.order_id,
            m.message_id,
            m.to,
            m.subject,
            m.in_reply_to,
            m.references,
            m.body,
            att_name,
            att,
            to_ts(m.at)
        ])
    })
    .ctx("queueing a message")?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn update_outbox(conn: &Connection, id: i64, patch: &OutboxPatch) -> Result<()> {
    let n = match patch {
        OutboxPatch::Sent { at } => conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1,
                last_error = NULL WHERE id = ?1",
            params![id, to_ts(*at)],
        ),
        OutboxPatch::Retry { next_at, error } => conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
             WHERE id = ?1",
            params![id, to_ts(*next_at), error],
        ),
        OutboxPatch::Failed { error } => conn.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2
             WHERE id = ?1",
            params![id, error],
        ),
    }
    .ctx("recording a delivery")?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "outgoing message",
            key: id.to_string(),
        });
    }
    Ok(())
}

const OUTBOX_SELECT: &str = "SELECT id, ticket_id, entry_id, order_id, message_id, to_addresses,
    subject, in_reply_to, refs, body, attachment_name, attachment, state, attempts,
    next_attempt_at, last_error, sent_at, created_at FROM outbox";

fn outbox_from_row(r: &Row) -> rusqlite::Result<(OutboxMessage, String)> {
    Ok((
        OutboxMessage {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            entry_id: r.get(2)?,
            order_id: r.get(3)?,
            message_id: r.get(4)?,
            to: r.get(5)?,
            subject: r.get(6)?,
            in_reply_to: r.get(7)?,
            references: r.get(8)?,
            body: r.get(9)?,
            attachment_name: r.get(10)?,
            attachment: r.get(11)?,
            state: OutboxState::Queued,
            attempts: r.get(13)?,
            next_attempt_at: from_ts(r.get(14)?),
            last_error: r.get(15)?,
            sent_at: opt_from_ts(r.get(16)?),
            created_at: from_ts(r.get(17)?),
        },
        r.get(12)?,
    ))
}

fn outbox_rows(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<OutboxMessage>> {
    let rows = conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(p, outbox_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading the outbox")?;
    rows.into_iter()
        .map(|(mut m, state)| {
            m.state = OutboxState::parse(&state).ok_or_else(|| StoreError::Undecodable {
                table: "outbox",
                row: m.id,
                column: "state",
                value: state.clone(),
                reason: "not a delivery state".into(),
            })?;
            Ok(m)
        })
        .collect()
}

pub(super) fn outbox(conn: &Connection, limit: usize) -> Result<Vec<OutboxMessage>> {
    outbox_rows(
        conn,
        &format!("{OUTBOX_SELECT} ORDER BY id DESC LIMIT ?1"),
        [limit.min(i64::MAX as usize) as i64],
    )
}

pub(super) fn outbox_due(
    conn: &Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<OutboxMessage>> {
    outbox_rows(
        conn,
        &format!(
            "{OUTBOX_SELECT} WHERE state = 'queued' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id LIMIT ?2"
        ),
        params![to_ts(now), limit.min(i64::MAX as usize) as i64],
    )
}

pub(super) fn ticket_mail(conn: &Connection, ticket_id: i64) -> Result<Vec<EntryMail>> {
    let mut out: std::collections::BTreeMap<i64, EntryMail> = Default::default();
    let received: Vec<(Option<i64>, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT entry_id, message_id, auto FROM mail_messages
             WHERE ticket_id = ?1 AND direction = 'in' ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading the ticket's mail")?;
    for (entry, mid, auto) in received {
        let e = entry.unwrap_or(0);
        let m = out.entry(e).or_insert_with(|| EntryMail {
            entry_id: e,
            ..EntryMail::default()
        });
        m.message_id = Some(mid);
        m.auto = auto;
    }
    /// entry, Message-ID, state, sent at, last error
    type SentRow = (i64, String, String, Option<i64>, Option<String>);
    let sent: Vec<SentRow> = conn
        .prepare_cached(
            "SELECT entry_id, message_id, state, sent_at, last_error FROM outbox
             WHERE ticket_id = ?1 AND entry_id IS NOT NULL ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([ticket_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading the ticket's mail")?;
    for (entry, mid, state, sent_at, error) in sent {
        let state = OutboxState::parse(&state).ok_or_else(|| StoreError::Undecodable {
            table: "outbox",
            row: entry,
            column: "state",
            value: state.clone(),
            reason: "not a delivery state".into(),
        })?;
        let m = out.entry(entry).or_insert_with(|| EntryMail {
            entry_id: entry,
            ..EntryMail::default()
        });
        m.message_id = Some(mid);
        m.delivery = Some((state, opt_from_ts(sent_at), error));
    }
    let atts = conn
        .prepare_cached(&format!(
            "{ATTACHMENT_META} WHERE ticket_id = ?1 ORDER BY id"
        ))
        .and_then(|mut s| {
            s.query_map([ticket_id], attachment_meta)?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading attachments")?;
    for a in atts {
        let e = a.entry_id.unwrap_or(0);
        out.entry(e)
            .or_insert_with(|| EntryMail {
                entry_id: e,
                ..EntryMail::default()
            })
            .attachments
            .push(a);
    }
    Ok(out.into_values().collect())
}

pub(super) fn attachment(conn: &Connection, id: i64) -> Result<(String, Vec<u8>)> {
    let row: Option<(String, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT name, data FROM entry_attachments WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .ctx("reading an attachment")?;
    match row {
        Some((name, Some(data))) => Ok((name, data)),
        Some((name, None)) => Err(StoreError::NotFound {
            what: "stored attachment (it was over the size limit and dropped)",
            key: name,
        }),
        None => Err(StoreError::NotFound {
            what: "attachment",
            key: id.to_string(),
        }),
    }
}

/// An organization's contacts with when each was added (export), sorted by address.
pub(super) fn contacts_added(
    conn: &Connection,
    org_id: i64,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    conn.prepare_cached(
        "SELECT address, added_at FROM org_contacts WHERE org_id = ?1 ORDER BY address",
    )
    .and_then(|mut s| {
        s.query_map([org_id], |r| {
            Ok((r.get::<_, String>(0)?, from_ts(r.get(1)?)))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    })
    .ctx("reading contacts")
}

/// Rows of mail history: messages, triage items, quarantined messages, outbox rows.
pub(super) fn history_counts(conn: &Connection) -> Result<[i64; 4]> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM mail_messages), (SELECT count(*) FROM mail_triage),
                (SELECT count(*) FROM mail_quarantine), (SELECT count(*) FROM outbox)",
        [],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
    )
    .ctx("counting mail history")
}

pub(super) fn customer_messages(
    conn: &Connection,
    from: Option<MessagesFrom>,
    limit: usize,
) -> Result<CustomerNews> {
    let newest_entry: i64 = conn
        .query_row("SELECT coalesce(max(id), 0) FROM entries", [], |r| r.get(0))
        .ctx("reading the newest entry")?;
    let Some(from) = from else {
        return Ok(CustomerNews {
            newest_entry,
            entries: Vec::new(),
        });
    };
    // From the newest entry down to the mark (or the instant) only: it keeps this short.
    let (condition, order, bound) = from.sql("?1");
    let entries = conn
        .prepare_cached(&format!(
            "SELECT e.id, e.ticket_id, e.created_at, t.assignee FROM entries e
             JOIN tickets t ON t.id = e.ticket_id
             WHERE e.role = 'customer' AND {condition}
               AND NOT EXISTS (SELECT 1 FROM mail_messages m
                               WHERE m.entry_id = e.id AND m.auto IS NOT NULL)
             ORDER BY {order} LIMIT ?2"
        ))
        .and_then(|mut s| {
            // SQLite reads a negative limit as none.
            let limit = i64::try_from(limit).unwrap_or(-1);
            s.query_map(params![bound, limit], |r| {
                Ok(CustomerEntry {
                    entry_id: r.get(0)?,
                    ticket_id: r.get(1)?,
                    at: from_ts(r.get(2)?),
                    assignee: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .ctx("reading the customers' new messages")?;
    Ok(CustomerNews {
        newest_entry,
        entries,
    })
}

/// Every mail history row, table by table ([`MailTable::ALL`]), each by id.
pub(super) fn export_rows(
    conn: &Connection,
    sink: &mut dyn FnMut(crate::store::ExportRecord) -> Result<()>,
) -> Result<()> {
    use rusqlite::types::ValueRef;
    for table in MailTable::ALL {
        let mut stmt = conn
            .prepare(&table.export_sql())
            .ctx("exporting mail history")?;
        let mut rows = stmt.query([]).ctx("exporting mail history")?;
        while let Some(r) = rows.next().ctx("exporting mail history")? {
            let id: i64 = r.get(0).ctx("exporting mail history")?;
            let mut cells = Vec::with_capacity(table.columns().len());
            let mut i = 1;
            for (_, kind) in table.columns() {
                if *kind == MailKind::Entry {
                    let ticket: Option<i64> = r.get(i).ctx("exporting mail history")?;
                    let index: i64 = r.get(i + 1).ctx("exporting mail history")?;
                    cells.push(match ticket {
                        Some(ticket_id) => MailCell::EntryAt { ticket_id, index },
                        None => MailCell::Null,
                    });
                    i += 2;
                    continue;
                }
                let cell = match r.get_ref(i).ctx("exporting mail history")? {
                    ValueRef::Null => MailCell::Null,
                    ValueRef::Integer(n) => MailCell::Int(n),
                    ValueRef::Real(f) => MailCell::Int(f as i64),
                    ValueRef::Text(t) => MailCell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => MailCell::Bytes(b.to_vec()),
                };
                cells.push(cell);
                i += 1;
            }
            sink(crate::store::ExportRecord::Mail(MailRow {
                table,
                id,
                cells,
            }))?;
        }
    }
    Ok(())
}

/// Inserts a row of mail history (see [`crate::store::StoreTx::insert_mail_row`]).
pub(super) fn insert_row(conn: &Connection, row: &MailRow) -> Result<i64> {
    use rusqlite::types::Value;
    let columns = row.table.columns();
    if row.cells.len() != columns.len() {
        return Err(StoreError::Other(format!(
            "a {} row with {} values instead of {}",
            row.table.sql_name(),
            row.cells.len(),
            columns.len()
        )));
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        row.table.sql_name(),
        names.join(", "),
        marks.join(", ")
    );
    let mut values = Vec::with_capacity(row.cells.len());
    for cell in &row.cells {
        values.push(match cell {
            MailCell::Null => Value::Null,
            MailCell::Int(n) => Value::Integer(*n),
            MailCell::Text(t) => Value::Text(t.clone()),
            MailCell::Bytes(b) => Value::Blob(b.clone()),
            MailCell::EntryAt { .. } => {
                return Err(StoreError::Other(
                    "a mail row still names its entry by position".into(),
                ));
            }
        });
    }
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.execute(rusqlite::params_from_iter(values)))
        .ctx("writing mail history")?;
    Ok(conn.last_insert_rowid())
}
