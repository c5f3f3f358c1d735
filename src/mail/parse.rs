//! One received RFC 5322 message turned into what the desk stores, with `mail-parser` (never
//! by hand): charsets (GB2312/GBK/GB18030, Big5, ISO-2022-JP, Shift_JIS, EUC-KR, UTF-8, …),
//! RFC 2047 encoded words, quoted-printable and base64, multipart/alternative (text/plain
//! preferred, else the HTML turned into readable text), attachments. Pure: bytes in, data
//! out; everything is bounded (body, parts, names) so hostile mail stays inert and small.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

/// Longest body kept (the conversation's own limit).
pub const MAX_BODY_BYTES: usize = crate::domain::MAX_BODY_BYTES - 4096;
/// Longest subject kept, in characters (a ticket summary's limit).
pub const MAX_SUBJECT_CHARS: usize = crate::domain::MAX_SUMMARY_CHARS;

/// How much of a message is kept.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// An attachment larger than this is recorded (name and size) but not stored.
    pub max_attachment_bytes: usize,
    /// Attachments past this many are counted in a note, not kept.
    pub max_attachments: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_attachment_bytes: 10 * 1024 * 1024,
            max_attachments: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundAttachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
    /// None when it was over the size limit (dropped, recorded).
    pub data: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMail {
    /// Without angle brackets; made from the bytes when the message has none.
    pub message_id: String,
    /// `In-Reply-To` then `References` (newest first), without angle brackets.
    pub thread_ids: Vec<String>,
    pub from_name: Option<String>,
    /// Lowercased.
    pub from_address: String,
    /// One line, controls replaced, at most [`MAX_SUBJECT_CHARS`].
    pub subject: String,
    pub body: String,
    pub attachments: Vec<InboundAttachment>,
    /// Why this is an autoreply or a bounce (`None`: a person wrote it).
    pub auto: Option<String>,
    /// What was cut (a truncated body, parts past the limit), appended to the body.
    pub notes: Vec<String>,
}

/// Why a message cannot be stored as mail (it goes to the quarantine).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a mail message (no header could be read)")]
    NoHeaders,
    #[error("no sender address (From:) to file it under")]
    NoSender,
}

/// Subject tags: `[#123]` (the ticket), and any other bracketed words (`[S2]`, `[urgent]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectTags {
    pub ticket: Option<i64>,
    pub words: Vec<String>,
    /// The subject without its tags, trimmed.
    pub rest: String,
}

pub fn subject_tags(subject: &str) -> SubjectTags {
    let mut tags = SubjectTags::default();
    let mut rest = String::new();
    let mut s = subject;
    while let Some(open) = s.find('[') {
        let Some(close) = s[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inner = s[open + 1..close].trim();
        let is_tag = !inner.is_empty() && inner.len() <= 32 && !inner.contains(char::is_whitespace);
        rest.push_str(&s[..open]);
        if is_tag {
            if let Some(n) = inner.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
                if tags.ticket.is_none() && n > 0 {
                    tags.ticket = Some(n);
                }
            } else {
                tags.words.push(inner.to_string());
            }
        } else {
            rest.push_str(&s[open..=close]);
        }
        s = &s[close + 1..];
    }
    rest.push_str(s);
    tags.rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    tags
}

/// One line: controls and line breaks become spaces, runs of spaces one, at most `max` chars.
pub fn one_line(s: &str, max: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    words.join(" ").chars().take(max).collect()
}

/// A Message-ID without its angle brackets and spaces, at most 250 bytes (None if empty).
pub fn clean_message_id(s: &str) -> Option<String> {
    let t: String = s
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if t.is_empty() {
        return None;
    }
    let mut end = t.len().min(250);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    Some(t[..end].to_string())
}

/// 64-bit FNV-1a: a stable id for a message that has no Message-ID.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn text_list(v: &HeaderValue<'_>) -> Vec<String> {
    let items: Vec<String> = match v {
        HeaderValue::Text(t) => t.split_whitespace().map(str::to_string).collect(),
        HeaderValue::TextList(l) => l.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    };
    items.iter().filter_map(|s| clean_message_id(s)).collect()
}

/// A file name that is only a name: no directories, no controls, at most 120 characters.
fn clean_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let n = one_line(base, 120);
    let n = n.trim_start_matches('.').trim();
    if n.is_empty() {
        fallback.to_string()
    } else {
        n.to_string()
    }
}

/// Parses one message. Never panics; anything unreadable is a [`ParseError`].
pub fn parse(raw: &[u8], limits: &Limits) -> Result<InboundMail, ParseError> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NoHeaders)?;
    if msg.headers().is_empty() {
        return Err(ParseError::NoHeaders);
    }
    let from = msg
        .from()
        .and_then(|a| a.first())
        .or_else(|| msg.sender().and_then(|a| a.first()));
    let from_address = from
        .and_then(|a| a.address())
        .and_then(|a| crate::domain::normalize_address(a, false).ok())
        .ok_or(ParseError::NoSender)?;
    let from_name = from
        .and_then(|a| a.name())
        .map(|n| one_line(n, 200))
        .filter(|n| !n.is_empty() && *n != from_address);

    let message_id = msg
        .message_id()
        .and_then(clean_message_id)
        .unwrap_or_else(|| format!("{:016x}.{}@tuidesk.invalid", fnv(raw), raw.len()));
    let mut thread_ids = text_list(msg.in_reply_to());
    let mut refs = text_list(msg.references());
    refs.reverse();
    for r in refs {
        if !thread_ids.contains(&r) {
            thread_ids.push(r);
        }
    }
    thread_ids.truncate(50);

    let subject = one_line(msg.subject().unwrap_or(""), MAX_SUBJECT_CHARS);

    let mut notes = Vec::new();
    let mut body = String::new();
    for i in 0..msg.text_body_count().min(20) {
        if let Some(t) = msg.body_text(i) {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(t.trim_end());
        }
        if body.len() > MAX_BODY_BYTES {
            break;
        }
    }
    let body = body.replace("\r\n", "\n");
    let body = if body.len() > MAX_BODY_BYTES {
        let mut end = MAX_BODY_BYTES;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        notes.push(format!(
            "[the message body was cut at {} of {} bytes]",
            end,
            body.len()
        ));
        body[..end].to_string()
    } else {
        body
    };

    let mut attachments = Vec::new();
    let mut skipped = 0usize;
    for (i, part) in msg.attachments().enumerate() {
        if attachments.len() >= limits.max_attachments {
            skipped += 1;
            continue;
        }
        let ct = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let ct = one_line(&ct, 100).to_ascii_lowercase();
        let data: &[u8] = if part.is_message() {
            let (s, e) = (
                part.raw_body_offset() as usize,
                part.raw_end_offset() as usize,
            );
            raw.get(s..e).unwrap_or(&[])
        } else {
            part.contents()
        };
        let fallback = if part.is_message() {
            format!("message-{}.eml", i + 1)
        } else {
            format!("attachment-{}", i + 1)
        };
        let name = clean_name(part.attachment_name().unwrap_or(""), &fallback);
        let size = data.len();
        attachments.push(InboundAttachment {
            name,
            content_type: ct,
            size,
            data: (size <= limits.max_attachment_bytes).then(|| data.to_vec()),
        });
    }
    if skipped > 0 {
        notes.push(format!(
            "[{skipped} more attachments were not kept (at most {} per message)]",
            limits.max_attachments
        ));
    }

    Ok(InboundMail {
        message_id,
        thread_ids,
        from_name,
        from_address,
        subject,
        body,
        attachments,
        auto: auto_reason(&msg),
        notes,
    })
}

/// Why a message is an autoreply or a bounce: `Auto-Submitted` (other than `no`),
/// `Precedence: bulk/junk/list`, `X-Autoreply`/`X-Autorespond`, a delivery status
/// notification (multipart/report; delivery-status, or from MAILER-DAEMON / postmaster).
fn auto_reason(msg: &mail_parser::Message<'_>) -> Option<String> {
    let raw = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if let Some(v) = raw("Auto-Submitted")
        && !v.is_empty()
        && v != "no"
    {
        return Some(format!("Auto-Submitted: {}", one_line(&v, 40)));
    }
    if let Some(v) = raw("Precedence")
        && matches!(v.as_str(), "bulk" | "junk" | "list")
    {
        return Some(format!("Precedence: {v}"));
    }
    for h in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] {
        if let Some(v) = raw(h) {
            if h == "X-Auto-Response-Suppress" {
                continue;
            }
            if !v.is_empty() {
                return Some(format!("{h}: {}", one_line(&v, 40)));
            }
        }
    }
    if let Some(ct) = msg.content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && ct
            .attribute("report-type")
            .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    {
        return Some("delivery status notification".into());
    }
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_ascii_lowercase();
    let local = from.split('@').next().unwrap_or("");
    if matches!(local, "mailer-daemon" | "postmaster") {
        return Some("delivery status notification".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_found_and_stripped() {
        let t = subject_tags("Re: [#42] [S2] 数据库 [urgent] down [not a tag]");
        assert_eq!(t.ticket, Some(42));
        assert_eq!(t.words, vec!["S2", "urgent"]);
        assert_eq!(t.rest, "Re: 数据库 down [not a tag]");
        assert_eq!(subject_tags("[#0] x").ticket, None);
        assert_eq!(subject_tags("a [b").rest, "a [b");
    }

    #[test]
    fn one_line_removes_controls_and_breaks() {
        assert_eq!(one_line("a\r\nBcc: x\u{1b}[2J  b", 100), "a Bcc: x [2J b");
        assert_eq!(one_line("日本語テキスト", 3), "日本語");
    }

    #[test]
    fn message_ids_are_cleaned() {
        assert_eq!(clean_message_id(" <a@b> ").as_deref(), Some("a@b"));
        assert_eq!(clean_message_id("<>"), None);
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        assert!(parse(b"", &Limits::default()).is_err());
        assert!(parse(&[0xff, 0xfe, 0x00, 0x01], &Limits::default()).is_err());
        assert_eq!(
            parse(b"Subject: hi\r\n\r\nbody", &Limits::default()).err(),
            Some(ParseError::NoSender)
        );
    }
}
