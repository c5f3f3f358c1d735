//! Contacts, received and sent mail, triage, quarantine and outbox on PostgreSQL (migration
//! 3): the SQLite backend's primitives with the same SQL shapes and orders. What to store is
//! decided in `desk::mail`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use postgres::Row;

use super::sql::Sql;

use super::error::{Ctx as _, get};
use super::port::{from_ts, to_ts};
use crate::store::{
    AttachmentInsert, AttachmentMeta, EntryMail, MailCell, MailKind, MailRecord, MailRow,
    MailTable, OutboxInsert, OutboxMessage, OutboxPatch, OutboxState, QuarantineItem, Result,
    StoreError, TriageInsert, TriageItem, TriageState,
};

fn opt_from_ts(ts: Option<i64>) -> Option<DateTime<Utc>> {
    ts.map(from_ts)
}

fn limit(n: usize) -> i64 {
    n.min(i64::MAX as usize) as i64
}

pub(super) fn add_contact<C: Sql>(
    c: &mut C,
    org_id: i64,
    address: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO org_contacts (org_id, address, added_at) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, address) DO NOTHING",
            &[&org_id, &address, &to_ts(at)],
        )
        .ctx("adding a contact")?;
    Ok(n > 0)
}

pub(super) fn remove_contact<C: Sql>(c: &mut C, org_id: i64, address: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM org_contacts WHERE org_id = $1 AND address = $2",
            &[&org_id, &address],
        )
        .ctx("removing a contact")?;
    Ok(n > 0)
}

pub(super) fn contacts<C: Sql>(c: &mut C, org_id: i64) -> Result<Vec<String>> {
    c.query(
        "SELECT address FROM org_contacts WHERE org_id = $1 ORDER BY address COLLATE \"C\"",
        &[&org_id],
    )
    .ctx("reading contacts")?
    .iter()
    .map(|r| get(r, 0))
    .collect()
}

pub(super) fn orgs_for_address<C: Sql>(c: &mut C, address: &str) -> Result<Vec<i64>> {
    let mut lookup = |key: &str| -> Result<Vec<i64>> {
        c.query(
            "SELECT org_id FROM org_contacts WHERE address = $1 ORDER BY org_id",
            &[&key],
        )
        .ctx("finding the sender's organization")?
        .iter()
        .map(|r| get(r, 0))
        .collect()
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

pub(super) fn mail_known<C: Sql>(c: &mut C, message_id: &str) -> Result<bool> {
    Ok(c.query_opt(
        "SELECT 1 FROM mail_messages WHERE message_id = $1",
        &[&message_id],
    )
    .ctx("looking up a Message-ID")?
    .is_some())
}

pub(super) fn ticket_for_messages<C: Sql>(c: &mut C, ids: &[String]) -> Result<Option<i64>> {
    for id in ids {
        let row = c
            .query_opt(
                "SELECT ticket_id FROM mail_messages
                 WHERE message_id = $1 AND ticket_id IS NOT NULL",
                &[id],
            )
            .ctx("threading a message")?;
        if let Some(r) = row {
            return Ok(Some(get(&r, 0)?));
        }
    }
    Ok(None)
}

pub(super) fn ticket_message_ids<C: Sql>(
    c: &mut C,
    ticket_id: i64,
    inbound_only: bool,
) -> Result<Vec<String>> {
    c.query(
        "SELECT message_id FROM mail_messages
         WHERE ticket_id = $1 AND (NOT $2 OR direction = 'in') ORDER BY at, id",
        &[&ticket_id, &inbound_only],
    )
    .ctx("reading a ticket's messages")?
    .iter()
    .map(|r| get(r, 0))
    .collect()
}

pub(super) fn insert_mail<C: Sql>(c: &mut C, m: &MailRecord<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO mail_messages (message_id, direction, ticket_id, entry_id, triage_id,
            from_address, subject, auto, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &m.message_id,
            &m.direction.as_str(),
            &m.ticket_id,
            &m.entry_id,
            &m.triage_id,
            &m.from_address,
            &m.subject,
            &m.auto,
            &to_ts(m.at),
        ],
    )
    .ctx("recording a message")?;
    Ok(())
}

pub(super) fn insert_attachment<C: Sql>(c: &mut C, a: &AttachmentInsert<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO entry_attachments (entry_id, triage_id, ticket_id, name, content_type,
            size, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &a.entry_id,
            &a.triage_id,
            &a.ticket_id,
            &a.name,
            &a.content_type,
            &a.size,
            &a.data,
        ],
    )
    .ctx("storing an attachment")?;
    Ok(())
}

pub(super) const ATTACHMENT_META: &str =
    "SELECT id, entry_id, name, content_type, size, data IS NOT NULL FROM entry_attachments";

pub(super) fn attachment_meta(r: &Row) -> Result<AttachmentMeta> {
    Ok(AttachmentMeta {
        id: get(r, 0)?,
        entry_id: get(r, 1)?,
        name: get(r, 2)?,
        content_type: get(r, 3)?,
        size: get(r, 4)?,
        stored: get(r, 5)?,
    })
}

fn attachments<C: Sql>(c: &mut C, column: &str, id: i64) -> Result<Vec<AttachmentMeta>> {
    c.query(
        &format!("{ATTACHMENT_META} WHERE {column} = $1 ORDER BY id"),
        &[&id],
    )
    .ctx("reading attachments")?
    .iter()
    .map(attachment_meta)
    .collect()
}

pub(super) fn insert_triage<C: Sql>(c: &mut C, t: &TriageInsert<'_>) -> Result<i64> {
    let row = c
        .query_one(
            "INSERT INTO mail_triage (message_id, from_name, from_address, subject, body, auto,
                received_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting') RETURNING id",
            &[
                &t.message_id,
                &t.from_name,
                &t.from_address,
                &t.subject,
                &t.body,
                &t.auto,
                &to_ts(t.received_at),
            ],
        )
        .ctx("adding to the triage inbox")?;
    get(&row, 0)
}

const TRIAGE_SELECT: &str = "SELECT id, message_id, from_name, from_address, subject, body, auto,
    received_at, state, ticket_id, reason, decided_by, decided_at FROM mail_triage";

fn triage_from_row<C: Sql>(c: &mut C, r: &Row) -> Result<TriageItem> {
    let id: i64 = get(r, 0)?;
    let state: String = get(r, 8)?;
    let state = TriageState::parse(&state).ok_or_else(|| StoreError::Undecodable {
        table: "mail_triage",
        row: id,
        column: "state",
        value: state.clone(),
        reason: "not a triage state".into(),
    })?;
    Ok(TriageItem {
        id,
        message_id: get(r, 1)?,
        from_name: get(r, 2)?,
        from_address: get(r, 3)?,
        subject: get(r, 4)?,
        body: get(r, 5)?,
        auto: get(r, 6)?,
        received_at: from_ts(get(r, 7)?),
        state,
        ticket_id: get(r, 9)?,
        reason: get(r, 10)?,
        decided_by: get(r, 11)?,
        decided_at: opt_from_ts(get(r, 12)?),
        attachments: attachments(c, "triage_id", id)?,
    })
}

pub(super) fn triage_item<C: Sql>(c: &mut C, id: i64) -> Result<TriageItem> {
    let row = c
        .query_opt(&format!("{TRIAGE_SELECT} WHERE id = $1"), &[&id])
        .ctx("reading the triage inbox")?
        .ok_or_else(|| StoreError::NotFound {
            what: "triage item",
            key: id.to_string(),
        })?;
    triage_from_row(c, &row)
}

pub(super) fn triage_list<C: Sql>(c: &mut C, all: bool) -> Result<Vec<TriageItem>> {
    let sql = if all {
        format!("{TRIAGE_SELECT} ORDER BY id")
    } else {
        format!("{TRIAGE_SELECT} WHERE state = 'waiting' ORDER BY id")
    };
    let rows = c.query(&sql, &[]).ctx("reading the triage inbox")?;
    rows.iter().map(|r| triage_from_row(c, r)).collect()
}

pub(super) fn decide_triage<C: Sql>(
    c: &mut C,
    id: i64,
    state: TriageState,
    ticket_id: Option<i64>,
    reason: Option<&str>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = c
        .execute(
            "UPDATE mail_triage SET state = $2, ticket_id = $3, reason = $4, decided_by = $5,
                decided_at = $6
             WHERE id = $1",
            &[&id, &state.as_str(), &ticket_id, &reason, &by, &to_ts(at)],
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

pub(super) fn attach_triage_to_ticket<C: Sql>(
    c: &mut C,
    triage_id: i64,
    ticket_id: i64,
) -> Result<()> {
    c.execute(
        "UPDATE entry_attachments SET ticket_id = $2 WHERE triage_id = $1",
        &[&triage_id, &ticket_id],
    )
    .ctx("moving attachments")?;
    c.execute(
        "UPDATE mail_messages SET ticket_id = $2 WHERE triage_id = $1",
        &[&triage_id, &ticket_id],
    )
    .ctx("moving the message")?;
    Ok(())
}

pub(super) fn insert_quarantine<C: Sql>(
    c: &mut C,
    raw: &[u8],
    reason: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let row = c
        .query_one(
            "INSERT INTO mail_quarantine (received_at, reason, raw) VALUES ($1, $2, $3)
             RETURNING id",
            &[&to_ts(at), &reason, &raw],
        )
        .ctx("quarantining a message")?;
    get(&row, 0)
}

pub(super) fn quarantine<C: Sql>(c: &mut C) -> Result<Vec<QuarantineItem>> {
    c.query(
        "SELECT id, received_at, reason, octet_length(raw)::BIGINT FROM mail_quarantine
         ORDER BY id",
        &[],
    )
    .ctx("reading the quarantine")?
    .iter()
    .map(|r| {
        Ok(QuarantineItem {
            id: get(r, 0)?,
            received_at: from_ts(get(r, 1)?),
            reason: get(r, 2)?,
            size: get(r, 3)?,
        })
    })
    .collect()
}

pub(super) fn quarantined_raw<C: Sql>(c: &mut C, id: i64) -> Result<Vec<u8>> {
    c.query_opt("SELECT raw FROM mail_quarantine WHERE id = $1", &[&id])
        .ctx("reading the quarantine")?
        .as_ref()
        .map(|r| get(r, 0))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            what: "quarantined message",
            key: id.to_string(),
        })
}

pub(super) fn insert_outbox<C: Sql>(c: &mut C, m: &OutboxInsert<'_>) -> Result<i64> {
    let (att_name, att) = match m.attachment {
        Some((n, d)) => (Some(n), Some(d)),
        None => (None, None),
    };
    let row = c
        .query_one(
            "INSERT INTO outbox (ticket_id, entry_id, order_id, message_id, to_addresses, subject,
                in_reply_to, refs, body, attachment_name, attachment, state, next_attempt_at,
                created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $12)
             RETURNING id",
            &[
                &m.ticket_id,
                &m.entry_id,
                &m.order_id,
                &m.message_id,
                &m.to,
                &m.subject,
                &m.in_reply_to,
                &m.references,
                &m.body,
                &att_name,
                &att,
                &to_ts(m.at),
            ],
        )
        .ctx("queueing a message")?;
    get(&row, 0)
}

pub(super) fn update_outbox<C: Sql>(c: &mut C, id: i64, patch: &OutboxPatch) -> Result<()> {
    let n = match patch {
        OutboxPatch::Sent { at } => c.execute(
            "UPDATE outbox SET state = 'sent', sent_at = $2, attempts = attempts + 1,
                last_error = NULL WHERE id = $1",
            &[&id, &to_ts(*at)],
        ),
        OutboxPatch::Retry { next_at, error } => c.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
             WHERE id = $1",
            &[&id, &to_ts(*next_at), error],
        ),
        OutboxPatch::Failed { error } => c.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2
             WHERE id = $1",
            &[&id, error],
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

pub(super) fn delivery_state(row: i64, state: String) -> Result<OutboxState> {
    OutboxState::parse(&state).ok_or_else(|| StoreError::Undecodable {
        table: "outbox",
        row,
        column: "state",
        value: state.clone(),
        reason: "not a delivery state".into(),
    })
}

fn outbox_from_row(r: &Row) -> Result<OutboxMessage> {
    let id: i64 = get(r, 0)?;
    Ok(OutboxMessage {
        id,
        ticket_id: get(r, 1)?,
        entry_id: get(r, 2)?,
        order_id: get(r, 3)?,
        message_id: get(r, 4)?,
        to: get(r, 5)?,
        subject: get(r, 6)?,
        in_reply_to: get(r, 7)?,
        references: get(r, 8)?,
        body: get(r, 9)?,
        attachment_name: get(r, 10)?,
        attachment: get(r, 11)?,
        state: delivery_state(id, get(r, 12)?)?,
        attempts: get(r, 13)?,
        next_attempt_at: from_ts(get(r, 14)?),
        last_error: get(r, 15)?,
        sent_at: opt_from_ts(get(r, 16)?),
        created_at: from_ts(get(r, 17)?),
    })
}

pub(super) fn outbox<C: Sql>(c: &mut C, n: usize) -> Result<Vec<OutboxMessage>> {
    c.query(
        &format!("{OUTBOX_SELECT} ORDER BY id DESC LIMIT $1"),
        &[&limit(n)],
    )
    .ctx("reading the outbox")?
    .iter()
    .map(outbox_from_row)
    .collect()
}

pub(super) fn outbox_due<C: Sql>(
    c: &mut C,
    now: DateTime<Utc>,
    n: usize,
) -> Result<Vec<OutboxMessage>> {
    c.query(
        &format!(
            "{OUTBOX_SELECT} WHERE state = 'queued' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $2"
        ),
        &[&to_ts(now), &limit(n)],
    )
    .ctx("reading the outbox")?
    .iter()
    .map(outbox_from_row)
    .collect()
}

pub(super) fn ticket_mail<C: Sql>(c: &mut C, ticket_id: i64) -> Result<Vec<EntryMail>> {
    let mut out: BTreeMap<i64, EntryMail> = BTreeMap::new();
    let received = c
        .query(
            "SELECT entry_id, message_id, auto FROM mail_messages
             WHERE ticket_id = $1 AND direction = 'in' ORDER BY id",
            &[&ticket_id],
        )
        .ctx("reading the ticket's mail")?;
    for r in &received {
        let e = get::<Option<i64>>(r, 0)?.unwrap_or(0);
        let m = out.entry(e).or_insert_with(|| EntryMail {
            entry_id: e,
            ..EntryMail::default()
        });
        m.message_id = Some(get(r, 1)?);
        m.auto = get(r, 2)?;
    }
    let sent = c
        .query(
            "SELECT entry_id, message_id, state, sent_at, last_error FROM outbox
             WHERE ticket_id = $1 AND entry_id IS NOT NULL ORDER BY id",
            &[&ticket_id],
        )
        .ctx("reading the ticket's mail")?;
    for r in &sent {
        let entry: i64 = get(r, 0)?;
        let state = delivery_state(entry, get(r, 2)?)?;
        let m = out.entry(entry).or_insert_with(|| EntryMail {
            entry_id: entry,
            ..EntryMail::default()
        });
        m.message_id = Some(get(r, 1)?);
        m.delivery = Some((state, opt_from_ts(get(r, 3)?), get(r, 4)?));
    }
    for a in attachments(c, "ticket_id", ticket_id)? {
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

pub(super) fn attachment<C: Sql>(c: &mut C, id: i64) -> Result<(String, Vec<u8>)> {
    let row = c
        .query_opt(
            "SELECT name, data FROM entry_attachments WHERE id = $1",
            &[&id],
        )
        .ctx("reading an attachment")?;
    let Some(row) = row else {
        return Err(StoreError::NotFound {
            what: "attachment",
            key: id.to_string(),
        });
    };
    let name: String = get(&row, 0)?;
    match get::<Option<Vec<u8>>>(&row, 1)? {
        Some(data) => Ok((name, data)),
        None => Err(StoreError::NotFound {
            what: "stored attachment (it was over the size limit and dropped)",
            key: name,
        }),
    }
}

/// An organization's contacts with when each was added (export), sorted bytewise.
pub(super) fn contacts_added<C: Sql>(
    c: &mut C,
    org_id: i64,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    c.query(
        "SELECT address, added_at FROM org_contacts WHERE org_id = $1
         ORDER BY address COLLATE \"C\"",
        &[&org_id],
    )
    .ctx("reading contacts")?
    .iter()
    .map(|r| Ok((get(r, 0)?, from_ts(get(r, 1)?))))
    .collect()
}

/// Rows of mail history: messages, triage items, quarantined messages, outbox rows.
pub(super) fn history_counts<C: Sql>(c: &mut C) -> Result<[i64; 4]> {
    let r = c
        .query_one(
            "SELECT (SELECT count(*) FROM mail_messages), (SELECT count(*) FROM mail_triage),
                    (SELECT count(*) FROM mail_quarantine), (SELECT count(*) FROM outbox)",
            &[],
        )
        .ctx("counting mail history")?;
    Ok([get(&r, 0)?, get(&r, 1)?, get(&r, 2)?, get(&r, 3)?])
}

/// Every mail history row, table by table ([`MailTable::ALL`]), each by id.
pub fn export_rows<C: Sql>(
    c: &mut C,
    sink: &mut dyn FnMut(crate::store::ExportRecord) -> Result<()>,
) -> Result<()> {
    for table in MailTable::ALL {
        let rows = c
            .query(&table.export_sql(), &[])
            .ctx("exporting mail history")?;
        for r in &rows {
            let id: i64 = get(r, 0)?;
            let mut cells = Vec::with_capacity(table.columns().len());
            let mut i = 1;
            for (_, kind) in table.columns() {
                let cell = match kind {
                    MailKind::Entry => {
                        let ticket: Option<i64> = get(r, i)?;
                        let index: i64 = get(r, i + 1)?;
                        i += 1;
                        match ticket {
                            Some(ticket_id) => MailCell::EntryAt { ticket_id, index },
                            None => MailCell::Null,
                        }
                    }
                    MailKind::Text => {
                        get::<Option<String>>(r, i)?.map_or(MailCell::Null, MailCell::Text)
                    }
                    MailKind::Bytes => {
                        get::<Option<Vec<u8>>>(r, i)?.map_or(MailCell::Null, MailCell::Bytes)
                    }
                    MailKind::Int
                    | MailKind::Time
                    | MailKind::Ticket
                    | MailKind::Order
                    | MailKind::Triage => {
                        get::<Option<i64>>(r, i)?.map_or(MailCell::Null, MailCell::Int)
                    }
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
pub fn insert_row<C: Sql>(c: &mut C, row: &MailRow) -> Result<i64> {
    use postgres::types::ToSql;
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
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) RETURNING id",
        row.table.sql_name(),
        names.join(", "),
        marks.join(", ")
    );
    let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(row.cells.len());
    for (cell, (name, kind)) in row.cells.iter().zip(columns) {
        let mismatch = || {
            StoreError::Other(format!(
                "mail history: column {name} of {} does not take {cell:?}",
                row.table.sql_name()
            ))
        };
        values.push(match (kind, cell) {
            (MailKind::Text, MailCell::Null) => Box::new(None::<String>),
            (MailKind::Text, MailCell::Text(t)) => Box::new(Some(t.clone())),
            (MailKind::Bytes, MailCell::Null) => Box::new(None::<Vec<u8>>),
            (MailKind::Bytes, MailCell::Bytes(b)) => Box::new(Some(b.clone())),
            (MailKind::Text | MailKind::Bytes, _) => return Err(mismatch()),
            (_, MailCell::Null) => Box::new(None::<i64>),
            (_, MailCell::Int(n)) => Box::new(Some(*n)),
            _ => return Err(mismatch()),
        });
    }
    let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
    let row = c.query_one(&sql, &params).ctx("writing mail history")?;
    get(&row, 0)
}
