//! Pure domain types and the seeds' rules. No I/O: everything here is data and validation.
//! Imports nothing of the crate; the rules that need a policy set are in `policy::rules`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest summary accepted, counted in characters (not bytes) so CJK text gets the same room.
pub const MAX_SUMMARY_CHARS: usize = 200;
/// Longest description or conversation body accepted (bytes). Large enough for logs and call
/// stacks, small enough that one ticket cannot stall every engineer's screen.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("unknown policy set {0:?} (known: {1})")]
    UnknownPolicySet(String, String),
    #[error("policy set {set:?} has no plan {plan:?} (plans: {known})")]
    UnknownPlan {
        set: String,
        plan: String,
        known: String,
    },
    #[error("severity {severity:?} is not a level of policy set {set:?} (levels: {known})")]
    UnknownSeverity {
        set: String,
        severity: String,
        known: String,
    },
    #[error("severity {0} does not apply to billing/account tickets; use a lower severity")]
    BillingSeverity(String),
    #[error(
        "organization {org:?} is on the {plan:?} plan, which has no technical support; only billing tickets can be opened"
    )]
    TechnicalNotAllowed { org: String, plan: String },
    #[error("unknown time zone {0:?} (use an IANA name such as Asia/Shanghai or Europe/Berlin)")]
    UnknownTimeZone(String),
    #[error("summary is empty")]
    EmptySummary,
    #[error("summary is {0} characters long; at most {MAX_SUMMARY_CHARS} are allowed")]
    SummaryTooLong(usize),
    #[error("{what} is {len} bytes; at most {MAX_BODY_BYTES} bytes are allowed")]
    BodyTooLong { what: &'static str, len: usize },
    #[error("{what} is empty")]
    EmptyBody { what: &'static str },
    #[error("organization name is empty")]
    EmptyOrgName,
    #[error("user name {0:?} is not valid (1–64 characters, no spaces or control characters)")]
    BadUserName(String),
    #[error(
        "{0:?} is not a mail address (name@example.com; a contact may also be @example.com for a whole domain)"
    )]
    BadAddress(String),
    #[error("the requester's name is {0} characters long; at most 200 are allowed")]
    RequesterNameTooLong(usize),
    #[error("tag {0:?} is not valid: {1}")]
    BadTag(String, &'static str),
}

/// Longest tag accepted, in characters.
pub const MAX_TAG_CHARS: usize = 32;

/// A tag as stored: trimmed, lowercased; letters (any script, CJK included), digits and
/// `-` `_` `.` `/` only, 1 to [`MAX_TAG_CHARS`] characters.
pub fn normalize_tag(raw: &str) -> Result<String, RuleError> {
    let bad = |why| RuleError::BadTag(raw.to_string(), why);
    if raw.chars().any(char::is_control) {
        return Err(bad("control characters are not allowed"));
    }
    let t = raw.trim();
    if t.is_empty() {
        return Err(bad("it is empty"));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(bad("spaces are not allowed"));
    }
    if t.starts_with('-') {
        return Err(bad("it may not start with - (that removes a tag)"));
    }
    let t = t.to_lowercase();
    if t.chars().count() > MAX_TAG_CHARS {
        return Err(bad("at most 32 characters are allowed"));
    }
    if !t
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(bad("use letters, digits and - _ . / only"));
    }
    Ok(t)
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} {:?} (allowed: {})", $what, s, Self::allowed())),
                }
            }
        }
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> { s.parse() }
        }
        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }
    };
}

string_enum!(
    /// Ticket kinds of the seeds (000): technical, or account/billing.
    TicketKind, "ticket kind" { Technical => "technical", Billing => "billing" }
);
string_enum!(
    Status, "status" {
        New => "new",
        Open => "open",
        Pending => "pending",
        OnHold => "on-hold",
        Resolved => "resolved",
        Closed => "closed",
    }
);
string_enum!(
    Environment, "environment" { Production => "production", NonProduction => "non-production" }
);
string_enum!(
    /// Public replies reach the customer; internal notes never do.
    EntryKind, "conversation entry kind" { Reply => "reply", Note => "note" }
);
string_enum!(
    /// Who wrote an entry: an engineer's public reply meets the first-response target, a
    /// customer's follow-up does not.
    AuthorRole, "author role" { Engineer => "engineer", Customer => "customer" }
);

string_enum!(
    /// How the customer reached the desk: mail, the portal, the hotline (seed 001), chat.
    Channel, "channel" { Email => "email", Portal => "portal", Phone => "phone", Chat => "chat" }
);

string_enum!(
    /// Service orders (服务单, seed 004 §1.5.6–1.5.11): work delivered beside tickets.
    OrderKind, "order kind" {
        EventAssurance => "event-assurance",
        AvailabilityCheck => "availability-check",
        MonthlyReport => "monthly-report",
    }
);
string_enum!(
    /// An order is processed once: completed (with its completion instant) or rejected
    /// (with a reason).
    OrderStatus, "order status" {
        Processing => "processing",
        Completed => "completed",
        Rejected => "rejected",
    }
);
string_enum!(
    /// Why an availability check (可用性检查) is done (seed 004 §1.5.6).
    Scenario, "availability-check scenario" {
        Joining => "joining",
        MajorEvent => "major-event",
        MajorChange => "major-change",
        Annual => "annual",
    }
);

/// A service order (服务单) as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: i64,
    pub org_id: i64,
    pub org: String,
    /// The organization's time zone: order dates are its calendar days.
    pub tz: String,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub level: Option<u8>,
    pub scenario: Option<Scenario>,
    pub month: Option<YearMonth>,
    pub start: Option<chrono::NaiveDate>,
    pub end: Option<chrono::NaiveDate>,
    pub note: String,
    /// The organization-local day it was requested (notice periods count from it).
    pub requested_on: chrono::NaiveDate,
    /// Event assurance: its start; monthly report: the start of the due working day.
    pub due: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub rating: Option<OrderRating>,
    pub attachments: Vec<AttachmentInfo>,
    pub version: i64,
}

impl Order {
    /// Still to be delivered, so its deadline matters.
    pub fn is_open(&self) -> bool {
        self.status == OrderStatus::Processing
    }
}

/// The customer's rating of a completed order (seed 004 §3.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRating {
    pub speed: u8,
    pub quality: u8,
    pub feedback: String,
    pub rated_at: DateTime<Utc>,
}

/// A deliverable stored with an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub name: String,
    pub size: i64,
}

/// A calendar month, written `YYYY-MM`; monthly reports and quotas are counted in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year))
            .then_some(YearMonth { year, month })
    }
    pub fn of(date: chrono::NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(chrono::NaiveDate::MIN)
    }
    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
    pub fn prev(self) -> YearMonth {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
    pub fn contains(self, date: chrono::NaiveDate) -> bool {
        YearMonth::of(date) == self
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("bad month {s:?} (expected YYYY-MM, e.g. 2026-11)");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let (y, m) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        YearMonth::new(y, m).ok_or_else(bad)
    }
}

impl Status {
    /// Statuses in which the ticket still needs work (the default queue).
    pub const ACTIVE: &'static [Status] =
        &[Status::New, Status::Open, Status::Pending, Status::OnHold];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }
    /// Waiting on the customer: the SLA clock does not run.
    pub fn pauses_clock(self) -> bool {
        self == Status::Pending
    }
    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
    pub created_at: DateTime<Utc>,
    /// When the organization moved to its current plan (its creation if it never changed):
    /// monthly reports start from this month.
    pub plan_since: DateTime<Utc>,
    /// The account this one is linked to (seed 004 §1.5.12); its tickets are served on the
    /// parent's plan and queue priority.
    pub parent: Option<String>,
    pub parent_plan: Option<String>,
}

impl Organization {
    /// The plan whose targets and priority serve this organization's tickets, before any
    /// retirement fallback: the parent's when linked.
    pub fn plan_for_tickets(&self) -> &str {
        self.parent_plan.as_deref().unwrap_or(&self.plan)
    }

    /// The organization's own calendar day at `now` (UTC's when its zone is unknown).
    pub fn local_date(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        self.tz
            .parse::<chrono_tz::Tz>()
            .map(|tz| now.with_timezone(&tz).date_naive())
            .unwrap_or_else(|_| now.date_naive())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: i64,
    pub org_id: i64,
    pub org: String,
    pub kind: TicketKind,
    pub severity: String,
    pub status: Status,
    pub summary: String,
    pub description: String,
    pub component: Option<String>,
    pub environment: Option<Environment>,
    pub affected_version: Option<String>,
    pub assignee: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub first_response_due: Option<DateTime<Utc>>,
    /// Due instant of the most urgent target still running; None when nothing runs
    /// (met, paused, done, or no target).
    pub next_due: Option<DateTime<Utc>>,
    /// When the most urgent running target turns at-risk.
    pub risk_at: Option<DateTime<Utc>>,
    pub paused_seconds_left: Option<i64>,
    pub breached: bool,
    pub version: i64,
    /// The level the ticket is handled at when an event assurance raised it (`None`: as
    /// filed), and why (`event assurance L1 until 2026-12-04`).
    pub effective_severity: Option<String>,
    pub severity_note: Option<String>,
    /// Who asked (a name and a mail address; either may be unknown).
    pub requester_name: Option<String>,
    pub requester_address: Option<String>,
    pub channel: Option<Channel>,
    /// The earlier ticket this one follows up (a customer wrote on it after it was closed).
    pub follows: Option<i64>,
    /// Its tags (normalized, see [`normalize_tag`]), bytewise sorted.
    pub tags: Vec<String>,
    /// The ticket this one was merged into (it is closed and points there).
    pub merged_into: Option<i64>,
}

impl Ticket {
    /// "Name <address>", either alone, or None (unsanitized: callers sanitize).
    pub fn requester_label(&self) -> Option<String> {
        match (&self.requester_name, &self.requester_address) {
            (Some(n), Some(a)) => Some(format!("{n} <{a}>")),
            (Some(n), None) => Some(n.clone()),
            (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        }
    }

    /// The level that drives targets, sort and the queue's symbol.
    pub fn handled_severity(&self) -> &str {
        self.effective_severity.as_deref().unwrap_or(&self.severity)
    }

    /// `urgent (event assurance L1 until 2026-12-04)`, or the filed level.
    pub fn severity_label(&self) -> String {
        match (&self.effective_severity, &self.severity_note) {
            (Some(e), Some(n)) => format!("{e} ({n}; filed {})", self.severity),
            (Some(e), None) => format!("{e} (filed {})", self.severity),
            _ => self.severity.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationEntry {
    pub id: i64,
    pub ticket_id: i64,
    pub kind: EntryKind,
    pub role: AuthorRole,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The ticket this entry was written on before a merge moved it here (`None`: here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<i64>,
}

/// One audited change: who did what, when, old → new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub org_id: Option<i64>,
    pub actor: String,
    /// "os" when the actor is the OS user, "as" when a script named it with `--as`.
    pub actor_source: String,
    /// Came in with `tuidesk import` (history recorded elsewhere), not seen happening here.
    pub imported: bool,
    pub at: DateTime<Utc>,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Who is acting. The OS user by default; `--as` is for scripts and is recorded as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub via_as: bool,
    /// The OS account that ran the command when it acted `--as` someone else (None for the
    /// demo's made-up engineers and for tests).
    pub os: Option<String>,
}

impl Actor {
    pub fn source(&self) -> &'static str {
        if self.via_as { "as" } else { "os" }
    }

    /// The name the audit log and the conversation record: `alice as bob` when the OS
    /// account alice acted `--as bob`, else the name alone.
    pub fn audit_name(&self) -> String {
        match (&self.os, self.via_as) {
            (Some(os), true) if *os != self.name => format!("{os} as {}", self.name),
            _ => self.name.clone(),
        }
    }

    /// Whose drafts this session reads and writes: `--as bob` never opens bob's own.
    pub fn draft_owner(&self) -> String {
        self.audit_name()
    }
}

pub fn validate_user_name(name: &str) -> Result<(), RuleError> {
    let n = name.chars().count();
    if n == 0 || n > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RuleError::BadUserName(name.to_string()));
    }
    Ok(())
}

/// A mail address as stored: trimmed and lowercased, `local@domain` with a dotted or plain
/// domain, no spaces, controls, quotes or angle brackets, at most 254 bytes. With
/// `allow_domain`, `@example.com` (a whole domain, for contacts) is accepted too.
pub fn normalize_address(raw: &str, allow_domain: bool) -> Result<String, RuleError> {
    let a = raw.trim().to_lowercase();
    let bad = || RuleError::BadAddress(raw.to_string());
    if a.is_empty()
        || a.len() > 254
        || a.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';' | '\\')
        })
    {
        return Err(bad());
    }
    let (local, domain) = a.split_once('@').ok_or_else(bad)?;
    if domain.is_empty()
        || domain.contains('@')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || (local.is_empty() && !allow_domain)
    {
        return Err(bad());
    }
    Ok(a)
}

/// The requester's display name: one line, at most 200 characters.
pub fn validate_requester_name(name: &str) -> Result<(), RuleError> {
    let n = name.chars().count();
    if n > 200 {
        return Err(RuleError::RequesterNameTooLong(n));
    }
    Ok(())
}

pub fn validate_summary(summary: &str) -> Result<(), RuleError> {
    let trimmed = summary.trim();
    if trimmed.is_empty() {
        return Err(RuleError::EmptySummary);
    }
    let n = summary.chars().count();
    if n > MAX_SUMMARY_CHARS {
        return Err(RuleError::SummaryTooLong(n));
    }
    Ok(())
}

pub fn validate_body(what: &'static str, body: &str, allow_empty: bool) -> Result<(), RuleError> {
    if !allow_empty && body.trim().is_empty() {
        return Err(RuleError::EmptyBody { what });
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(RuleError::BodyTooLong {
            what,
            len: body.len(),
        });
    }
    Ok(())
}

pub fn parse_tz(tz: &str) -> Result<chrono_tz::Tz, RuleError> {
    tz.parse::<chrono_tz::Tz>()
        .map_err(|_| RuleError::UnknownTimeZone(tz.to_string()))
}

/// A countdown as engineers read it: "01:02:03" left, "-00:12:33" overdue, "3d 04h" far off.
pub fn format_countdown(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{sign}{d}d {h:02}h")
    } else {
        format!("{sign}{h:02}:{m:02}:{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn year_month_parses_strictly_and_steps() {
        let m: YearMonth = "2026-12".parse().unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.next().prev(), m);
        assert_eq!(
            "2026-01".parse::<YearMonth>().unwrap().prev().to_string(),
            "2025-12"
        );
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "",
            "2026-01-01",
            "２０２６-01",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
        assert!(m.contains(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
        assert!(!m.contains(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
    }

    #[test]
    fn countdowns() {
        assert_eq!(format_countdown(0), "00:00:00");
        assert_eq!(format_countdown(-753), "-00:12:33");
        assert_eq!(format_countdown(3723), "01:02:03");
        assert_eq!(format_countdown(3 * 86_400 + 4 * 3600 + 5), "3d 04h");
    }

    use super::*;

    #[test]
    fn enums_round_trip_and_reject_unknown() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
        }
        let err = "done".parse::<Status>().unwrap_err();
        assert!(
            err.contains("new, open, pending, on-hold, resolved, closed"),
            "{err}"
        );
        assert_eq!(
            "non-production".parse::<Environment>().unwrap(),
            Environment::NonProduction
        );
        assert!("Billing".parse::<TicketKind>().is_err());
    }

    #[test]
    fn only_pending_pauses_and_active_statuses() {
        assert!(Status::Pending.pauses_clock());
        assert!(!Status::OnHold.pauses_clock());
        assert!(Status::OnHold.is_active());
        assert!(!Status::Resolved.is_active());
        assert!(Status::Closed.is_done());
    }

    #[test]
    fn summary_counts_characters_not_bytes() {
        let cjk: String = "数".repeat(200);
        assert!(cjk.len() > 200);
        assert!(validate_summary(&cjk).is_ok());
        let too_long: String = "数".repeat(201);
        assert_eq!(
            validate_summary(&too_long),
            Err(RuleError::SummaryTooLong(201))
        );
        assert_eq!(validate_summary("   "), Err(RuleError::EmptySummary));
    }

    #[test]
    fn tags_are_normalized_and_checked() {
        assert_eq!(normalize_tag(" Bug ").unwrap(), "bug");
        assert_eq!(normalize_tag("数据库").unwrap(), "数据库");
        assert_eq!(normalize_tag("v7.5/tikv_x-1").unwrap(), "v7.5/tikv_x-1");
        assert_eq!(normalize_tag(&"a".repeat(32)).unwrap().len(), 32);
        assert_eq!(normalize_tag(&"数".repeat(32)).unwrap().chars().count(), 32);
        for bad in ["", "  ", "-x", "a b", "a\u{1b}b", "a\tb", "x!", "a,b", "#1"] {
            assert!(normalize_tag(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_tag(&"a".repeat(33)).is_err());
    }

    #[test]
    fn user_names() {
        assert!(validate_user_name("alice").is_ok());
        assert!(validate_user_name("").is_err());
        assert!(validate_user_name("a b").is_err());
        assert!(validate_user_name("a\u{1b}b").is_err());
    }
}
