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

/// See `Store::customer_entries_after`.
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
