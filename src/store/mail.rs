//! Neutral types of the mail side of the port: contacts, received and sent messages, the
//! triage inbox, the quarantine and the outbox. Backends store them; `desk::mail` decides.

use chrono::{DateTime, Utc};

/// Received or sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailDirection {
    In,
    Out,
}

impl MailDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            MailDirection::In => "in",
            MailDirection::Out => "out",
        }
    }
}

/// One message known by its Message-ID (stored once; threading looks it up).
#[derive(Debug, Clone)]
pub struct MailRecord<'a> {
    pub message_id: &'a str,
    pub direction: MailDirection,
    pub ticket_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub triage_id: Option<i64>,
    pub from_address: Option<&'a str>,
    pub subject: Option<&'a str>,
    /// Why it is an autoreply or a bounce (`None`: a person wrote it).
    pub auto: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// An attachment of a received message; `data` None when it was dropped (over the limit).
#[derive(Debug, Clone)]
pub struct AttachmentInsert<'a> {
    pub ticket_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub triage_id: Option<i64>,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub data: Option<&'a [u8]>,
}

/// What is known about an attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: i64,
    pub entry_id: Option<i64>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// False when it was over the size limit and only its name and size were kept.
    pub stored: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriageState {
    Waiting,
    Filed,
    Discarded,
}

impl TriageState {
    pub fn as_str(self) -> &'static str {
        match self {
            TriageState::Waiting => "waiting",
            TriageState::Filed => "filed",
            TriageState::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<TriageState> {
        [
            TriageState::Waiting,
            TriageState::Filed,
            TriageState::Discarded,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// A message from an unknown sender, waiting for an engineer.
#[derive(Debug, Clone)]
pub struct TriageInsert<'a> {
    pub message_id: &'a str,
    pub from_name: Option<&'a str>,
    pub from_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub auto: Option<&'a str>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct TriageItem {
    pub id: i64,
    pub message_id: String,
    pub from_name: Option<String>,
    pub from_address: String,
    pub subject: String,
    pub body: String,
    pub auto: Option<String>,
    pub received_at: DateTime<Utc>,
    pub state: TriageState,
    pub ticket_id: Option<i64>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub attachments: Vec<AttachmentMeta>,
}

/// A message that could not be parsed, kept raw.
#[derive(Debug, Clone)]
pub struct QuarantineItem {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub reason: String,
    pub size: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    Sent,
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxState> {
        [OutboxState::Queued, OutboxState::Sent, OutboxState::Failed]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// A message to send, written in the same transaction as what it carries.
#[derive(Debug, Clone)]
pub struct OutboxInsert<'a> {
    pub ticket_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub order_id: Option<i64>,
    pub message_id: &'a str,
    /// Recipients, comma-separated.
    pub to: &'a str,
    pub subject: &'a str,
    pub in_reply_to: Option<&'a str>,
    /// Message-IDs, space-separated.
    pub references: Option<&'a str>,
    pub body: &'a str,
    pub attachment: Option<(&'a str, &'a [u8])>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub order_id: Option<i64>,
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub body: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<Vec<u8>>,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What a delivery attempt changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxPatch {
    Sent {
        at: DateTime<Utc>,
    },
    /// A temporary failure: tried again from `next_at`.
    Retry {
        next_at: DateTime<Utc>,
        error: String,
    },
    /// A permanent failure (or too many temporary ones).
    Failed {
        error: String,
    },
}

/// Which customers' messages `Store::customer_messages` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagesFrom {
    /// Those whose entry id is above this one (the TUI's mark), newest (highest id) first.
    AfterEntry(i64),
    /// Those written at or after this instant (`tuidesk watch`), newest first.
    Since(DateTime<Utc>),
}

impl MessagesFrom {
    /// For both backends' SQL: the condition on `entries e` (`p1` is the first parameter in
    /// the backend's syntax), the order (newest first) and the bound to pass as `p1`.
    pub(crate) fn sql(self, p1: &str) -> (String, &'static str, i64) {
        match self {
            MessagesFrom::AfterEntry(id) => (format!("e.id > {p1}"), "e.id DESC", id),
            MessagesFrom::Since(t) => (
                format!("e.created_at >= {p1}"),
                "e.created_at DESC, e.id DESC",
                t.timestamp(),
            ),
        }
    }
}

/// See `Store::customer_messages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerNews {
    /// The newest entry id of any kind (0: none).
    pub newest_entry: i64,
    /// Newest first.
    pub entries: Vec<CustomerEntry>,
}

/// A customer's message on a ticket, as the TUI's watcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerEntry {
    pub entry_id: i64,
    pub ticket_id: i64,
    /// When the customer wrote it.
    pub at: DateTime<Utc>,
    /// The ticket's assignee now.
    pub assignee: Option<String>,
}

/// The mail side of one conversation entry, for Detail and JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryMail {
    pub entry_id: i64,
    /// Received by mail (its Message-ID), or sent.
    pub message_id: Option<String>,
    /// Why a received message is an autoreply or bounce.
    pub auto: Option<String>,
    /// For a public reply: its delivery state, when sent, and the last error.
    pub delivery: Option<(OutboxState, Option<DateTime<Utc>>, Option<String>)>,
    pub attachments: Vec<AttachmentMeta>,
}

impl EntryMail {
    /// `queued`, `sent 10:42`, `failed: 550 mailbox unknown` (times through `time`), or for a
    /// received message `autoreply (auto-submitted: auto-replied)`; None when nothing to say.
    pub fn status_text(
        &self,
        lang: crate::i18n::Lang,
        time: impl Fn(DateTime<Utc>) -> String,
    ) -> Option<String> {
        use crate::tr;
        if let Some(why) = &self.auto {
            return Some(tr!(lang, "mail-auto", why = why));
        }
        let (state, sent, error) = self.delivery.as_ref()?;
        Some(match state {
            OutboxState::Queued => match error {
                Some(e) => tr!(lang, "mail-queued-retrying", error = e),
                None => lang.t("mail-queued"),
            },
            OutboxState::Sent => match sent {
                Some(at) => tr!(lang, "mail-sent-at", time = time(*at)),
                None => lang.t("mail-sent"),
            },
            OutboxState::Failed => {
                tr!(lang, "mail-failed", error = error.as_deref().unwrap_or("?"))
            }
        })
    }
}

impl AttachmentMeta {
    /// `log.txt (12 KB, text/plain)` or `big.zip (60 MB) dropped: over the size limit`.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        let size = human_size(self.size);
        if self.stored {
            format!(
                "{} (#{}, {size}, {})",
                self.name, self.id, self.content_type
            )
        } else {
            crate::tr!(
                lang,
                "mail-attachment-dropped",
                name = &self.name,
                size = size
            )
        }
    }
}

/// 812 B, 12 KB, 3.4 MB.
pub fn human_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.0} KB", (b / 1024.0).ceil())
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// The mail history tables `export`, `import` and `migrate` carry, in the order they are
/// exported and imported (a table's references point at tables before it, or at tickets,
/// their conversation entries and service orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTable {
    Triage,
    Messages,
    Attachments,
    Quarantine,
    Outbox,
}

/// What a mail history column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Int,
    Text,
    /// Seconds since the epoch in the store; RFC 3339 in an export.
    Time,
    Bytes,
    /// A ticket id (kept by export and import).
    Ticket,
    /// A service order id (kept by export and import).
    Order,
    /// A conversation entry: [`MailCell::EntryAt`] out of the store, [`MailCell::Int`] (the
    /// entry's id in the receiving store) into it.
    Entry,
    /// A `mail_triage` row id of this store.
    Triage,
}

impl MailTable {
    pub const ALL: [MailTable; 5] = [
        MailTable::Triage,
        MailTable::Messages,
        MailTable::Attachments,
        MailTable::Quarantine,
        MailTable::Outbox,
    ];

    /// The table's name in both backends' schemas.
    pub fn sql_name(self) -> &'static str {
        match self {
            MailTable::Triage => "mail_triage",
            MailTable::Messages => "mail_messages",
            MailTable::Attachments => "entry_attachments",
            MailTable::Quarantine => "mail_quarantine",
            MailTable::Outbox => "outbox",
        }
    }

    /// Its name in an export (`"type": "mail-…"`).
    pub fn export_name(self) -> &'static str {
        match self {
            MailTable::Triage => "triage",
            MailTable::Messages => "message",
            MailTable::Attachments => "attachment",
            MailTable::Quarantine => "quarantine",
            MailTable::Outbox => "outbox",
        }
    }

    pub fn from_export_name(name: &str) -> Option<MailTable> {
        MailTable::ALL.into_iter().find(|t| t.export_name() == name)
    }

    /// Every column but `id`, in a fixed order (both backends' schemas have them all).
    pub fn columns(self) -> &'static [(&'static str, MailKind)] {
        use MailKind::*;
        match self {
            MailTable::Triage => &[
                ("message_id", Text),
                ("from_name", Text),
                ("from_address", Text),
                ("subject", Text),
                ("body", Text),
                ("auto", Text),
                ("received_at", Time),
                ("state", Text),
                ("ticket_id", Ticket),
                ("reason", Text),
                ("decided_by", Text),
                ("decided_at", Time),
            ],
            MailTable::Messages => &[
                ("message_id", Text),
                ("direction", Text),
                ("ticket_id", Ticket),
                ("entry_id", Entry),
                ("triage_id", Triage),
                ("from_address", Text),
                ("subject", Text),
                ("auto", Text),
                ("at", Time),
            ],
            MailTable::Attachments => &[
                ("entry_id", Entry),
                ("triage_id", Triage),
                ("ticket_id", Ticket),
                ("name", Text),
                ("content_type", Text),
                ("size", Int),
                ("data", Bytes),
            ],
            MailTable::Quarantine => &[("received_at", Time), ("reason", Text), ("raw", Bytes)],
            MailTable::Outbox => &[
                ("ticket_id", Ticket),
                ("entry_id", Entry),
                ("order_id", Order),
                ("message_id", Text),
                ("to_addresses", Text),
                ("subject", Text),
                ("in_reply_to", Text),
                ("refs", Text),
                ("body", Text),
                ("attachment_name", Text),
                ("attachment", Bytes),
                ("state", Text),
                ("attempts", Int),
                ("next_attempt_at", Time),
                ("last_error", Text),
                ("sent_at", Time),
                ("created_at", Time),
            ],
        }
    }

    /// `SELECT id, <columns> FROM <table> ORDER BY id`, with every entry column replaced by
    /// the entry's ticket and its position in that ticket's conversation (ordered as a
    /// ticket's conversation is read: by time, then id), the same SQL on both backends.
    pub fn export_sql(self) -> String {
        let mut cols = vec!["m.id".to_string()];
        for (name, kind) in self.columns() {
            if *kind == MailKind::Entry {
                cols.push(format!(
                    "(SELECT e.ticket_id FROM entries e WHERE e.id = m.{name})"
                ));
                cols.push(format!(
                    "(SELECT count(*) FROM entries e2, entries e WHERE e.id = m.{name} \
                     AND e2.ticket_id = e.ticket_id \
                     AND (e2.created_at < e.created_at OR (e2.created_at = e.created_at AND e2.id < e.id)))"
                ));
            } else {
                cols.push(format!("m.{name}"));
            }
        }
        format!(
            "SELECT {} FROM {} m ORDER BY m.id",
            cols.join(", "),
            self.sql_name()
        )
    }
}

/// One value of a mail history row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailCell {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    /// A conversation entry by its ticket and 0-based position in the conversation.
    EntryAt {
        ticket_id: i64,
        index: i64,
    },
}

/// One row of a mail history table: its id in the store it came from and its cells in
/// [`MailTable::columns`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    pub table: MailTable,
    pub id: i64,
    pub cells: Vec<MailCell>,
}
