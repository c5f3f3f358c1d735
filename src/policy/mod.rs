//! Policy sets as data: plans × severities → response targets, each on a 24×7 clock
//! or a business-hours calendar; service-order rules; and the registry of sets and
//! standalone calendars.
//!
//! No I/O and no parsing here: the TOML files (format in [`crate::config::policies`])
//! are read and checked by `config`, which builds these types. The rules that check
//! organizations and tickets against a set are in [`rules`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::domain::Scenario;

pub mod rules;

/// Longest target accepted (366 days of clock seconds).
pub const MAX_TARGET_SECONDS: i64 = 366 * 86_400;

/// Highest `report_due_working_day` accepted (no month has more working days than
/// 23 weekdays).
pub const MAX_REPORT_DUE_WORKING_DAY: u32 = 23;

// ---------------------------------------------------------------------------- errors

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{origin}: line {line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    /// Valid TOML, but not a valid policy set / calendar.
    #[error("{origin}: {key}: {message}")]
    Invalid {
        origin: String,
        key: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{origin}: name: policy set \"{name}\" is already defined by {other}")]
    DuplicateSet {
        origin: String,
        name: String,
        other: String,
    },
}

impl PolicyError {
    /// The TOML key path the error is about, when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid { key, .. } => Some(key),
            PolicyError::DuplicateSet { .. } => Some("name"),
            _ => None,
        }
    }
    /// 1-based line in the file, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Invalid { line, .. } => *line,
            PolicyError::Syntax { line, .. } => Some(*line),
            _ => None,
        }
    }
}

// ------------------------------------------------------------------------ data model

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Metric {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Metric {
    pub const ALL: [Metric; 3] = [
        Metric::FirstResponse,
        Metric::NextResponse,
        Metric::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first-response",
            Metric::NextResponse => "next-response",
            Metric::Resolution => "resolution",
        }
    }

    /// The key used in policy files (`first_response`, ...).
    pub fn toml_key(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::NextResponse => "next_response",
            Metric::Resolution => "resolution",
        }
    }

    /// Accepts `as_str()` and `toml_key()` spellings.
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == s || m.toml_key() == s)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clock {
    /// `"24x7"`: wall time.
    Wall,
    /// `"business"`: only the named calendar's hours, in the customer's time zone.
    Business { calendar: String },
}

impl Clock {
    pub fn as_str(&self) -> &'static str {
        match self {
            Clock::Wall => "24x7",
            Clock::Business { .. } => "business",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub seconds: i64,
    pub clock: Clock,
}

impl fmt::Display for Target {
    /// "4 h (business)", "30 min (24×7)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        if s % 3600 == 0 {
            write!(f, "{} h", s / 3600)?;
        } else if s % 60 == 0 {
            write!(f, "{} min", s / 60)?;
        } else {
            write!(f, "{s} s")?;
        }
        match &self.clock {
            Clock::Wall => f.write_str(" (24×7)"),
            Clock::Business { .. } => f.write_str(" (business)"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub name: String,
    pub label: String,
    pub description: String,
    pub technical_tickets: bool,
    /// 1 = served first.
    pub priority: u32,
    pub retired_on: Option<NaiveDate>,
    pub fallback: Option<String>,
    /// Linked accounts sharing the plan's queue priority (seed 004 §1.5.12).
    pub linked_accounts: u32,
    /// Service orders the plan includes (`[plans.X.orders]`).
    pub orders: PlanOrders,
    pub(crate) targets: BTreeMap<Metric, BTreeMap<String, Target>>,
}

/// What service orders a plan includes; the default allows nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOrders {
    /// Event assurances per quota period (0: none).
    pub event_assurance_quota: u32,
    /// Event-assurance levels the plan may order, ascending.
    pub event_assurance_levels: Vec<u8>,
    /// Availability-check scenarios the plan includes, in file order.
    pub availability_checks: Vec<Scenario>,
    pub monthly_report: bool,
}

/// The period an event-assurance quota counts in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QuotaPeriod {
    #[default]
    CalendarYear,
    CalendarMonth,
}

impl QuotaPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaPeriod::CalendarYear => "calendar-year",
            QuotaPeriod::CalendarMonth => "calendar-month",
        }
    }

    pub fn parse(s: &str) -> Option<QuotaPeriod> {
        match s {
            "calendar-year" => Some(QuotaPeriod::CalendarYear),
            "calendar-month" => Some(QuotaPeriod::CalendarMonth),
            _ => None,
        }
    }

    /// Do two dates fall in the same period?
    pub fn same_period(self, a: NaiveDate, b: NaiveDate) -> bool {
        use chrono::Datelike;
        match self {
            QuotaPeriod::CalendarYear => a.year() == b.year(),
            QuotaPeriod::CalendarMonth => a.year() == b.year() && a.month() == b.month(),
        }
    }

    /// The period containing `date`, for messages: "2026" or "2026-03".
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            QuotaPeriod::CalendarYear => date.format("%Y").to_string(),
            QuotaPeriod::CalendarMonth => date.format("%Y-%m").to_string(),
        }
    }
}

impl fmt::Display for QuotaPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event-assurance level (`[orders.event_assurance.levels]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelRule {
    /// Days between the request (org-local date) and the first day, at least.
    pub notice_days: u32,
    /// Longest span in days, both ends inclusive.
    pub max_days: u32,
}

/// Service-order rules of a whole policy set (`[orders]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRules {
    pub quota_period: QuotaPeriod,
    pub levels: BTreeMap<u8, LevelRule>,
    /// The monthly report is due before this working day of the following month.
    pub report_due_working_day: u32,
    /// Calendar whose working days count for `report_due_working_day`.
    pub report_calendar: Option<String>,
}

impl Default for OrderRules {
    fn default() -> Self {
        OrderRules {
            quota_period: QuotaPeriod::CalendarYear,
            levels: BTreeMap::new(),
            report_due_working_day: 15,
            report_calendar: None,
        }
    }
}

impl Plan {
    pub fn target(&self, metric: Metric, severity: &str) -> Option<&Target> {
        self.targets.get(&metric)?.get(severity)
    }
    /// Metrics this plan defines at least one target for, in `Metric` order.
    pub fn metrics(&self) -> Vec<Metric> {
        self.targets
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(m, _)| *m)
            .collect()
    }
    pub fn is_retired_on(&self, date: NaiveDate) -> bool {
        self.retired_on.is_some_and(|r| date >= r)
    }
}

/// How mail opens tickets and reopens them (`[intake]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntakeRules {
    /// Severity of a ticket opened by mail without a tag (default: the least severe level).
    pub default_severity: Option<String>,
    /// Kind of a ticket opened by mail (default: technical where the plan allows it).
    pub default_kind: Option<crate::domain::TicketKind>,
    /// A customer's answer within this many days of resolution reopens the ticket; later
    /// it opens a new ticket that follows the old one.
    pub reopen_days: u32,
}

impl Default for IntakeRules {
    fn default() -> Self {
        IntakeRules {
            default_severity: None,
            default_kind: None,
            reopen_days: 7,
        }
    }
}

#[derive(Clone, Debug)]
pub struct PolicySet {
    /// `[intake]`: mail's defaults and the reopen window.
    pub intake: IntakeRules,
    pub name: String,
    pub description: String,
    /// Most severe first.
    pub severities: Vec<String>,
    pub at_risk_share: f64,
    pub billing_excluded_severities: Vec<String>,
    /// In file order.
    pub plans: Vec<Plan>,
    /// The file it came from (for messages).
    pub origin: String,
    /// Service-order rules (`[orders]`).
    pub orders: OrderRules,
    pub(crate) severity_descriptions: BTreeMap<String, String>,
    pub(crate) calendars: BTreeMap<String, Calendar>,
    /// Line of `orders.report_calendar`, for the registry's check.
    pub(crate) report_calendar_line: Option<usize>,
}

impl PolicySet {
    pub fn plan(&self, name: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.name == name)
    }

    pub fn has_severity(&self, sev: &str) -> bool {
        self.severities.iter().any(|s| s == sev)
    }

    /// 0 = most severe.
    pub fn severity_rank(&self, sev: &str) -> Option<usize> {
        self.severities.iter().position(|s| s == sev)
    }

    pub fn severity_description(&self, sev: &str) -> Option<&str> {
        self.severity_descriptions.get(sev).map(String::as_str)
    }

    /// May a billing/account ticket carry this severity?
    pub fn billing_allows(&self, sev: &str) -> bool {
        self.has_severity(sev) && !self.billing_excluded_severities.iter().any(|s| s == sev)
    }

    pub fn target(&self, plan: &str, metric: Metric, severity: &str) -> Option<&Target> {
        self.plan(plan)?.target(metric, severity)
    }

    /// The plan that actually serves an org on `date` (organization-local date): a
    /// retired plan's fallback from its retirement date on (chains are followed;
    /// cycles are refused at load time). Unknown plans are returned unchanged.
    pub fn effective_plan<'a>(&'a self, plan: &'a str, date: NaiveDate) -> &'a str {
        let mut name = plan;
        for _ in 0..=self.plans.len() {
            match self.plan(name) {
                Some(p) if p.is_retired_on(date) => match &p.fallback {
                    Some(f) => name = f,
                    None => return name,
                },
                _ => return name,
            }
        }
        name
    }

    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.get(name)
    }

    pub fn calendar_names(&self) -> Vec<&str> {
        self.calendars.keys().map(String::as_str).collect()
    }
}

// -------------------------------------------------------------------------- registry

/// A standalone calendar file in the registry.
#[derive(Clone, Debug)]
pub(crate) struct StandaloneCalendar {
    pub(crate) name: String,
    /// The file it came from (for messages).
    pub(crate) origin: String,
    pub(crate) calendar: Calendar,
}

#[derive(Clone, Debug)]
pub struct PolicyRegistry {
    pub(crate) sets: Vec<PolicySet>,
    /// Standalone calendars, built-ins first, then user files by file name.
    pub(crate) calendars: Vec<StandaloneCalendar>,
}

impl PolicyRegistry {
    /// Every set's `report_calendar` must name its own or a standalone calendar (checked once
    /// all files are loaded).
    pub(crate) fn check_report_calendars(&self) -> Result<(), PolicyError> {
        for set in &self.sets {
            let Some(name) = &set.orders.report_calendar else {
                continue;
            };
            if self.calendar_for(set, name).is_none() {
                let mut known: Vec<&str> = set.calendar_names();
                known.extend(self.calendar_names());
                known.sort();
                known.dedup();
                return Err(PolicyError::Invalid {
                    origin: set.origin.clone(),
                    key: "orders.report_calendar".into(),
                    line: set.report_calendar_line,
                    message: format!(
                        "unknown calendar \"{name}\" (define [calendars.{name}] or a calendars/*.toml file named \"{name}\"; known: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
            }
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&PolicySet> {
        self.sets.iter().find(|s| s.name == name)
    }

    /// Built-ins first, then user sets by file name.
    pub fn names(&self) -> Vec<&str> {
        self.sets.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn sets(&self) -> &[PolicySet] {
        &self.sets
    }

    /// A standalone calendar by name.
    pub fn standalone_calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.calendar)
    }

    /// Names of the standalone calendars (built-ins first, then user files).
    pub fn calendar_names(&self) -> Vec<&str> {
        self.calendars.iter().map(|c| c.name.as_str()).collect()
    }

    /// The file a standalone calendar came from.
    pub fn calendar_origin(&self, name: &str) -> Option<&str> {
        self.calendars
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.origin.as_str())
    }

    /// The set's own `[calendars.<name>]` first, then the standalone calendars.
    pub fn calendar_for<'a>(&'a self, set: &'a PolicySet, name: &str) -> Option<&'a Calendar> {
        set.calendar(name)
            .or_else(|| self.standalone_calendar(name))
    }

    /// The calendar named by the set's `[orders] report_calendar`, if any.
    pub fn report_calendar<'a>(&'a self, set: &'a PolicySet) -> Option<&'a Calendar> {
        self.calendar_for(set, set.orders.report_calendar.as_deref()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quota_periods() {
        assert!(QuotaPeriod::CalendarMonth.same_period(d(2026, 3, 1), d(2026, 3, 31)));
        assert!(!QuotaPeriod::CalendarMonth.same_period(d(2026, 3, 31), d(2026, 4, 1)));
        assert!(QuotaPeriod::CalendarYear.same_period(d(2026, 1, 1), d(2026, 12, 31)));
        assert!(!QuotaPeriod::CalendarYear.same_period(d(2025, 12, 31), d(2026, 1, 1)));
        assert_eq!(QuotaPeriod::CalendarMonth.label(d(2026, 3, 9)), "2026-03");
    }
}
