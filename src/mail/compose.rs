//! Outgoing mail: the headers a public reply gets (stable Message-ID, `[#123]` in the
//! subject, In-Reply-To/References to the customer's messages) and the MIME message built
//! from an outbox row (UTF-8, quoted-printable or base64 as `lettre` chooses).

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::store::OutboxMessage;

/// References kept on an outgoing message (the newest ones).
const MAX_REFERENCES: usize = 20;

/// Headers of a reply on ticket `ticket_id`, decided once when it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyHeaders {
    /// Without angle brackets.
    pub message_id: String,
    pub subject: String,
    pub in_reply_to: Option<String>,
    /// Space-separated, each in angle brackets.
    pub references: Option<String>,
}

/// The domain of a `from` address (`desk@example.com` → `example.com`), else a reserved one.
pub fn id_domain(from: Option<&str>) -> String {
    from.and_then(|f| f.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>').trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
        .unwrap_or_else(|| "tuidesk.invalid".into())
}

/// `Re: [#123] summary`, without a second `[#123]` or `Re:` when the summary has one.
pub fn reply_subject(ticket_id: i64, summary: &str) -> String {
    let tag = format!("[#{ticket_id}]");
    let s = crate::mail::parse::one_line(summary, 200);
    if s.contains(&tag) {
        format!("Re: {s}")
    } else {
        format!("Re: {tag} {s}")
    }
}

/// Headers for a message about ticket `ticket_id` carrying entry `entry_id` (or an order's
/// report, `kind` names which), answering `inbound` (the ticket's received Message-IDs,
/// oldest first).
pub fn reply_headers(
    ticket_id: i64,
    kind: &str,
    item_id: i64,
    summary: &str,
    inbound: &[String],
    from: Option<&str>,
    now: DateTime<Utc>,
) -> ReplyHeaders {
    let message_id = format!(
        "tuidesk.{ticket_id}.{kind}{item_id}.{}@{}",
        now.timestamp(),
        id_domain(from)
    );
    let refs: Vec<String> = inbound
        .iter()
        .rev()
        .take(MAX_REFERENCES)
        .rev()
        .map(|m| format!("<{m}>"))
        .collect();
    ReplyHeaders {
        message_id,
        subject: reply_subject(ticket_id, summary),
        in_reply_to: inbound.last().cloned(),
        references: (!refs.is_empty()).then(|| refs.join(" ")),
    }
}

/// Why an outbox row cannot become a message (a permanent failure).
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("bad address {0:?}: {1}")]
    Address(String, String),
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// Keeps a header value to printable ASCII on one line (Message-IDs are ASCII).
fn ascii_line(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect()
}

/// The MIME message for an outbox row, from `from`.
pub fn build(m: &OutboxMessage, from: &str) -> Result<lettre::Message, ComposeError> {
    let from_box: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| {
        ComposeError::Address(from.to_string(), e.to_string())
    })?;
    let mut b = lettre::Message::builder()
        .from(from_box)
        .subject(crate::mail::parse::one_line(&m.subject, 250))
        .message_id(Some(format!("<{}>", ascii_line(&m.message_id))))
        .date(m.created_at.into());
    if let Some(t) = m.ticket_id {
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Tuidesk-Ticket"),
            t.to_string(),
        ));
    }
    for to in m.to.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let mb: Mailbox = to.parse().map_err(|e: lettre::address::AddressError| {
            ComposeError::Address(to.to_string(), e.to_string())
        })?;
        b = b.to(mb);
    }
    if let Some(irt) = &m.in_reply_to {
        b = b.in_reply_to(format!("<{}>", ascii_line(irt)));
    }
    if let Some(refs) = &m.references {
        b = b.references(ascii_line(refs));
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone());
    let msg = match (&m.attachment_name, &m.attachment) {
        (Some(name), Some(data)) => {
            let ct = ContentType::parse(guess_type(name)).unwrap_or(
                ContentType::parse("application/octet-stream")
                    .map_err(|e| ComposeError::Build(e.to_string()))?,
            );
            b.multipart(
                MultiPart::mixed()
                    .singlepart(text)
                    .singlepart(Attachment::new(name.clone()).body(data.clone(), ct)),
            )
        }
        _ => b.singlepart(text),
    };
    msg.map_err(|e| ComposeError::Build(e.to_string()))
}

fn guess_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        "application/json"
    } else if lower.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else if lower.ends_with(".txt") || lower.ends_with(".md") {
        "text/plain; charset=utf-8"
    } else if lower.ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_references() {
        assert_eq!(
            reply_subject(7, "数据库\r\nBcc: x"),
            "Re: [#7] 数据库 Bcc: x"
        );
        assert_eq!(reply_subject(7, "[#7] done"), "Re: [#7] done");
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let h = reply_headers(
            7,
            "r",
            9,
            "x",
            &["a@b".into(), "c@d".into()],
            Some("Desk <desk@Example.com>"),
            now,
        );
        assert_eq!(h.message_id, "tuidesk.7.r9.1700000000@example.com");
        assert_eq!(h.in_reply_to.as_deref(), Some("c@d"));
        assert_eq!(h.references.as_deref(), Some("<a@b> <c@d>"));
    }
}
