//! `tuidesk mail …`: delivery from a mail server (`deliver`, `import`), the triage inbox,
//! the quarantine, and the outbox (`queue`, `send [--watch]`) through SMTP or sendmail.

use std::io::Read;
use std::path::Path;
use std::time::Duration as StdDuration;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::args::MailCommand;
use super::{actor, now, open_existing_store, open_store, output};
use crate::config::MailConfig;
use crate::desk::Desk;
use crate::mail::parse::{self, Limits};
use crate::out::{note, outln};
use crate::store::{OutboxMessage, OutboxPatch, OutboxState};
use crate::text::sanitize_line;

/// EX_TEMPFAIL: the mail server keeps the message and tries again later.
pub const EXIT_TEMPFAIL: i32 = 75;

/// An error of `mail deliver` that the mail server should retry (exit 75).
#[derive(Debug)]
pub struct TempFail(pub String);

impl std::fmt::Display for TempFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (the mail server will try again)", self.0)
    }
}

impl std::error::Error for TempFail {}

/// Temporary failures are retried this many times before the message is marked failed.
const MAX_ATTEMPTS: i64 = 8;
/// Default size limits of received mail.
const DEFAULT_MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// What the quarantine keeps of a message over the size limit.
const QUARANTINE_KEEP: usize = 1024 * 1024;

pub fn run(db: Option<&Path>, as_user: Option<&str>, cmd: MailCommand) -> Result<()> {
    match cmd {
        MailCommand::Deliver => deliver(db),
        MailCommand::Import { path } => import(db, &path),
        MailCommand::Triage { all, json } => {
            let store = open_existing_store(db)?;
            let items = store.mail_triage(all)?;
            if json {
                let v: Vec<Value> = items
                    .iter()
                    .map(|t| {
                        json!({
                            "id": t.id, "state": t.state.as_str(), "message_id": t.message_id,
                            "from": {"name": t.from_name, "address": t.from_address},
                            "subject": t.subject, "body": t.body, "auto": t.auto,
                            "received_at": t.received_at.to_rfc3339(),
                            "ticket": t.ticket_id, "reason": t.reason,
                            "decided_by": t.decided_by,
                            "attachments": t.attachments.iter().map(|a| json!({
                                "id": a.id, "name": a.name, "size": a.size, "stored": a.stored,
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                outln!("{}", output::json_text(&v.into())?)?;
                return Ok(());
            }
            if items.is_empty() {
                note!("{}", crate::session::language()?.t("cli-mail-triage-empty"));
            }
            for t in &items {
                outln!(
                    "{:>5}  {}  {:<9} {}  {}{}",
                    t.id,
                    t.received_at.format("%Y-%m-%d %H:%M"),
                    t.state.as_str(),
                    sanitize_line(&t.from_address),
                    sanitize_line(&t.subject),
                    t.auto
                        .as_deref()
                        .map(|a| format!("  [auto: {}]", sanitize_line(a)))
                        .unwrap_or_default()
                )?;
            }
            Ok(())
        }
        MailCommand::File { id, org, severity } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let t = store.file_triage(id, &org, severity.as_deref(), &actor, now()?)?;
            outln!("{t}").map_err(|e| e.after(format_args!("filed as ticket {t}")))?;
            Ok(())
        }
        MailCommand::Discard { id, reason } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            store.discard_triage(id, &reason, &actor, now()?)?;
            outln!(
                "{}",
                crate::tr!(crate::session::language()?, "w-triage-discarded", item = id)
            )
            .map_err(|e| e.after(format_args!("triage item {id} discarded")))?;
            Ok(())
        }
        MailCommand::Quarantine { show, json } => {
            let store = open_existing_store(db)?;
            if let Some(id) = show {
                let raw = store.quarantined_raw(id)?;
                // Raw bytes, as received, for a file or a pager that knows mail.
                crate::out::write_bytes(&raw)?;
                return Ok(());
            }
            let items = store.mail_quarantine()?;
            if json {
                let v: Vec<Value> = items
                    .iter()
                    .map(|q| {
                        json!({"id": q.id, "received_at": q.received_at.to_rfc3339(),
                               "reason": q.reason, "size": q.size})
                    })
                    .collect();
                outln!("{}", output::json_text(&v.into())?)?;
                return Ok(());
            }
            if items.is_empty() {
                note!(
                    "{}",
                    crate::session::language()?.t("cli-mail-quarantine-empty")
                );
            }
            for q in &items {
                outln!(
                    "{:>5}  {}  {:>10}  {}",
                    q.id,
                    q.received_at.format("%Y-%m-%d %H:%M"),
                    crate::store::mail::human_size(q.size),
                    sanitize_line(&q.reason)
                )?;
            }
            Ok(())
        }
        MailCommand::Queue { json, limit } => {
            let store = open_existing_store(db)?;
            let items = store.outbox(limit)?;
            if json {
                let v: Vec<Value> = items.iter().map(outbox_json).collect();
                outln!("{}", output::json_text(&v.into())?)?;
                return Ok(());
            }
            let lang = crate::session::language()?;
            if items.is_empty() {
                note!("{}", lang.t("cli-mail-outbox-empty"));
            }
            for m in &items {
                let state = match m.state {
                    OutboxState::Sent => crate::tr!(
                        lang,
                        "cli-mail-sent",
                        time = m
                            .sent_at
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default()
                    ),
                    OutboxState::Failed => crate::tr!(
                        lang,
                        "cli-mail-failed",
                        error = m.last_error.as_deref().unwrap_or("?")
                    ),
                    OutboxState::Queued => match &m.last_error {
                        Some(e) => {
                            crate::tr!(lang, "cli-mail-queued-attempt", n = m.attempts, error = e)
                        }
                        None => lang.t("cli-mail-queued"),
                    },
                };
                outln!(
                    "{:>5}  {}  {}  {}",
                    m.id,
                    sanitize_line(&m.to),
                    sanitize_line(&state),
                    sanitize_line(&m.subject)
                )?;
            }
            Ok(())
        }
        MailCommand::Send { watch, interval } => send(db, watch, interval),
        MailCommand::Attachment { id, out } => {
            let store = open_existing_store(db)?;
            let (_, data) = store.attachment(id)?;
            super::order_cmd::write_out(&out, &data)
        }
    }
}

fn outbox_json(m: &OutboxMessage) -> Value {
    json!({
        "id": m.id, "ticket": m.ticket_id, "entry": m.entry_id, "order": m.order_id,
        "message_id": m.message_id, "to": m.to, "subject": m.subject,
        "in_reply_to": m.in_reply_to, "references": m.references,
        "state": m.state.as_str(), "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.to_rfc3339(),
        "last_error": m.last_error,
        "sent_at": m.sent_at.map(|t| t.to_rfc3339()),
        "created_at": m.created_at.to_rfc3339(),
        "attachment": m.attachment_name,
    })
}

fn limits(cfg: &MailConfig) -> Limits {
    let mut l = Limits::default();
    if let Some(n) = cfg.max_attachment_bytes {
        l.max_attachment_bytes = n;
    }
    l
}

/// Stores one raw message: parsed and delivered, or quarantined when it cannot be parsed
/// (or is over the size limit).
fn deliver_bytes(
    desk: &mut Desk,
    raw: &[u8],
    too_big: Option<usize>,
    lim: &Limits,
    now: DateTime<Utc>,
) -> crate::store::Result<String> {
    if let Some(total) = too_big {
        let keep = &raw[..raw.len().min(QUARANTINE_KEEP)];
        let id = desk.quarantine_mail(
            keep,
            &format!(
                "over the size limit: {} or more; the first {} kept",
                crate::store::mail::human_size(total as i64),
                crate::store::mail::human_size(keep.len() as i64)
            ),
            now,
        )?;
        return Ok(format!("quarantined as {id}: over the size limit"));
    }
    match parse::parse(raw, lim) {
        Ok(m) => Ok(desk.deliver_mail(&m, now)?.to_string()),
        Err(e) => {
            let id = desk.quarantine_mail(raw, &e.to_string(), now)?;
            Ok(format!("quarantined as {id}: {e}"))
        }
    }
}

/// `mail deliver`: one message on standard input. Every failure but an unparseable message
/// (which is quarantined) exits 75 so the mail server keeps the message and retries.
fn deliver(db: Option<&Path>) -> Result<()> {
    let temp = |e: anyhow::Error| -> anyhow::Error {
        let mut message = e.to_string();
        for c in e.chain().skip(1) {
            let c = c.to_string();
            if !message.contains(&c) {
                message.push_str(": ");
                message.push_str(&c);
            }
        }
        anyhow::Error::new(TempFail(message))
    };
    let cfg = super::mail_config().map_err(temp)?;
    let max = cfg.max_message_bytes.unwrap_or(DEFAULT_MAX_MESSAGE);
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(max as u64 + 1)
        .read_to_end(&mut raw)
        .context("reading the message from standard input")
        .map_err(temp)?;
    let too_big = if raw.len() > max {
        // Drain the rest so the sender does not see a broken pipe, counting it.
        let mut total = raw.len();
        let mut buf = [0u8; 64 * 1024];
        let mut stdin = std::io::stdin().lock();
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
        }
        Some(total)
    } else {
        None
    };
    let mut desk = open_store(db).map_err(temp)?;
    let now = now().map_err(temp)?;
    let text =
        deliver_bytes(&mut desk, &raw, too_big, &limits(&cfg), now).map_err(|e| temp(e.into()))?;
    // The mail server does not read this; a closed pipe is no reason to retry.
    let _ = outln!("{}", sanitize_line(&text));
    Ok(())
}

/// `mail import PATH`: every message of a Maildir (cur/ and new/) or an mbox file.
fn import(db: Option<&Path>, path: &Path) -> Result<()> {
    let cfg = super::mail_config()?;
    let lim = limits(&cfg);
    let max = cfg.max_message_bytes.unwrap_or(DEFAULT_MAX_MESSAGE);
    let mut desk = open_store(db)?;
    let now = now()?;
    let mut counts = (0usize, 0usize);
    let mut one = |desk: &mut Desk, raw: Vec<u8>, name: &str| -> Result<()> {
        let too_big = (raw.len() > max).then_some(raw.len());
        let text = deliver_bytes(desk, &raw, too_big, &lim, now)?;
        counts.0 += 1;
        if text.starts_with("duplicate") {
            counts.1 += 1;
        }
        outln!("{}: {}", sanitize_line(name), sanitize_line(&text))?;
        Ok(())
    };
    if path.is_dir() {
        if !path.join("cur").is_dir() && !path.join("new").is_dir() {
            bail!(
                "{} is a directory but not a Maildir (no cur/ or new/ in it)",
                path.display()
            );
        }
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            let dir = path.join(sub);
            if !dir.is_dir() {
                continue;
            }
            for e in
                std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let e = e.with_context(|| format!("reading {}", dir.display()))?;
                if e.path().is_file() {
                    files.push(e.path());
                }
            }
        }
        files.sort();
        for f in files {
            let raw = std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            one(&mut desk, raw, &name)?;
        }
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let mut first = [0u8; 5];
        let mut probe = std::io::BufReader::new(file);
        let n = probe
            .read(&mut first)
            .with_context(|| format!("reading {}", path.display()))?;
        if &first[..n] != b"From " {
            bail!(
                "{} is neither a Maildir nor an mbox (an mbox starts with \"From \")",
                path.display()
            );
        }
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        for (i, msg) in
            mail_parser::mailbox::mbox::MessageIterator::new(std::io::BufReader::new(file))
                .enumerate()
        {
            let msg =
                msg.map_err(|_| anyhow!("{}: message {} cannot be read", path.display(), i + 1))?;
            one(
                &mut desk,
                msg.unwrap_contents(),
                &format!("message {}", i + 1),
            )?;
        }
    }
    note!(
        "{} messages read, {} of them already stored",
        counts.0,
        counts.1
    );
    Ok(())
}

/// Where replies go.
enum Transport {
    Smtp(lettre::SmtpTransport),
    Sendmail(lettre::SendmailTransport),
}

/// Why a delivery attempt failed, and whether trying again can help.
struct SendFailure {
    permanent: bool,
    message: String,
}

impl Transport {
    fn from_config(cfg: &MailConfig) -> Result<Transport> {
        match (&cfg.smtp, &cfg.sendmail) {
            (Some(url), _) => {
                let mut b = lettre::SmtpTransport::from_url(url)
                    .map_err(|e| anyhow!("[mail] smtp = {:?}: {e}", redact(url)))?;
                if let Some(ca) = &cfg.smtp_ca {
                    b = b.tls(tls_trusting(url, ca)?);
                }
                let t = b.timeout(Some(StdDuration::from_secs(30))).build();
                Ok(Transport::Smtp(t))
            }
            (None, Some(cmd)) => Ok(Transport::Sendmail(
                lettre::SendmailTransport::new_with_command(cmd),
            )),
            (None, None) => bail!(
                "no way to send mail: set [mail] smtp = \"smtp://host:port\" or sendmail = \"/usr/sbin/sendmail\" in config.toml, or TUIDESK_SMTP_URL"
            ),
        }
    }

    fn send(&self, msg: &lettre::Message) -> std::result::Result<(), SendFailure> {
        use lettre::Transport as _;
        match self {
            Transport::Smtp(t) => t.send(msg).map(|_| ()).map_err(|e| SendFailure {
                permanent: e.is_permanent(),
                message: smtp_error_text(&e),
            }),
            Transport::Sendmail(t) => t.send(msg).map_err(|e| SendFailure {
                permanent: false,
                message: format!("sendmail: {e}"),
            }),
        }
    }
}

/// The TLS the URL asks for (`smtps://`: implicit TLS; `?tls=required` or `opportunistic`:
/// STARTTLS), trusting the CA certificate in `ca` besides the public ones.
fn tls_trusting(url: &str, ca: &Path) -> Result<lettre::transport::smtp::client::Tls> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let shown = ca.display();
    let pem = std::fs::read(ca).map_err(|e| anyhow!("[mail] smtp_ca = {shown}: {e}"))?;
    let cert = Certificate::from_pem(&pem)
        .map_err(|e| anyhow!("[mail] smtp_ca = {shown}: not a PEM certificate: {e}"))?;
    let parsed =
        url::Url::parse(url).map_err(|e| anyhow!("[mail] smtp = {:?}: {e}", redact(url)))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| anyhow!("[mail] smtp = {:?}: no host", redact(url)))?;
    let params = TlsParameters::builder(host.to_string())
        .add_root_certificate(cert)
        .build()
        .map_err(|e| anyhow!("[mail] smtp_ca = {shown}: {e}"))?;
    let mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    Ok(match (parsed.scheme(), mode.as_deref()) {
        ("smtps", _) => Tls::Wrapper(params),
        ("smtp", Some("required")) => Tls::Required(params),
        ("smtp", Some("opportunistic")) => Tls::Opportunistic(params),
        _ => bail!(
            "[mail] smtp_ca is set but [mail] smtp = {:?} uses no TLS: use smtps://host or smtp://host:587?tls=required",
            redact(url)
        ),
    })
}

/// `550 mailbox unknown`, or the connection error, on one line.
fn smtp_error_text(e: &lettre::transport::smtp::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    for _ in 0..4 {
        let Some(c) = src else { break };
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    crate::mail::parse::one_line(&s, 300)
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Seconds before attempt `n + 1` after `n` temporary failures: 1, 2, 4 … minutes, at most
/// an hour.
pub fn backoff(attempts: i64) -> Duration {
    Duration::seconds((60i64 << attempts.clamp(0, 6)).min(3600))
}

/// Delivers what is due once; returns (sent, retrying, failed).
fn send_due(desk: &mut Desk, transport: &Transport, from: &str) -> Result<(usize, usize, usize)> {
    let now = now()?;
    let due = desk.outbox_due(now, 200)?;
    let mut counts = (0, 0, 0);
    for m in due {
        let patch = match crate::mail::compose::build(&m, from) {
            Err(e) => OutboxPatch::Failed {
                error: e.to_string(),
            },
            Ok(msg) => match transport.send(&msg) {
                Ok(()) => OutboxPatch::Sent { at: now },
                Err(f) if f.permanent || m.attempts + 1 >= MAX_ATTEMPTS => {
                    OutboxPatch::Failed { error: f.message }
                }
                Err(f) => OutboxPatch::Retry {
                    next_at: now + backoff(m.attempts),
                    error: f.message,
                },
            },
        };
        // Sent but not yet marked: a crash here sends the same message (same Message-ID)
        // again on the next run; it is never lost and never a different message.
        if matches!(patch, OutboxPatch::Sent { .. }) {
            test_hook_crash_after_send();
        }
        let line = match &patch {
            OutboxPatch::Sent { .. } => {
                counts.0 += 1;
                format!("sent {} to {}", m.message_id, m.to)
            }
            OutboxPatch::Retry { next_at, error } => {
                counts.1 += 1;
                format!(
                    "{}: {error}; trying again from {}",
                    m.message_id,
                    next_at.to_rfc3339()
                )
            }
            OutboxPatch::Failed { error } => {
                counts.2 += 1;
                format!("{}: failed: {error}", m.message_id)
            }
        };
        desk.record_delivery(m.id, &patch)?;
        outln!("{}", sanitize_line(&line))?;
    }
    Ok(counts)
}

/// TEST HOOK, debug builds only (`cargo test`): with `TUIDESK_TEST_CRASH_AFTER_SEND` set,
/// the process aborts right after a message was handed to the transport and before it is
/// marked sent, so `tests/mail_send.rs` can prove that a crash there sends the same message
/// again and loses none. Nothing else can stop a process at that instant; a release build
/// compiles this to nothing and ignores the variable.
#[inline]
fn test_hook_crash_after_send() {
    #[cfg(debug_assertions)]
    if std::env::var_os("TUIDESK_TEST_CRASH_AFTER_SEND").is_some() {
        std::process::abort();
    }
}

/// `mail send [--watch]`.
fn send(db: Option<&Path>, watch: bool, interval: u64) -> Result<()> {
    let cfg = super::mail_config()?;
    let Some(from) = cfg.from.clone() else {
        bail!(
            "no sender address: set [mail] from = \"Support <support@example.com>\" in config.toml, or TUIDESK_MAIL_FROM"
        );
    };
    if from.parse::<lettre::message::Mailbox>().is_err() {
        bail!("[mail] from = {from:?} is not a mail address");
    }
    let transport = Transport::from_config(&cfg)?;
    let mut desk = open_store(db)?;
    if !watch {
        let (sent, retrying, failed) = send_due(&mut desk, &transport, &from)?;
        note!("{sent} sent, {retrying} to retry, {failed} failed");
        return Ok(());
    }
    loop {
        if let Err(e) = send_due(&mut desk, &transport, &from) {
            // A busy database or a full disk passes; the next round tries again.
            note!("tuidesk: {}", sanitize_line(&e.to_string()));
        }
        std::thread::sleep(StdDuration::from_secs(interval.max(1)));
    }
}
