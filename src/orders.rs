//! Service-order rules (服务单, seed 004 §1.5.6–1.5.11, §3.6): which orders an
//! organization may place, when they are due, and how they are completed, rejected
//! and rated. Pure: no I/O, the current instant is a parameter, and the plan's
//! entitlements come from the policy set (`[plans.X.orders]`, `[orders]`, see
//! [`crate::policy`]).
//!
//! # Rules
//!
//! Every refusal names the rule and the values involved. Dates are organization-local
//! (`today` = `now` in the org's time zone); the plan is the stored plan's effective
//! plan on `today` ([`PolicySet::effective_plan`]).
//!
//! * **Flags.** Event assurance takes `--level`, `--start`, `--end` (all required);
//!   an availability check takes `--scenario` (required); a monthly report takes
//!   `--month` (required). Any other flag is refused.
//! * **Event assurance (重保).** The plan's quota must be above 0 and the level one of
//!   the plan's levels. `start − today` in days must be at least the level's
//!   `notice_days` (14 days' notice: 14 accepted, 13 refused). `--end` is inclusive:
//!   `end ≥ start` and `end − start + 1 ≤ max_days`. Quota: the non-rejected
//!   event-assurance orders whose first day lies in the same quota period (calendar
//!   year or month, `[orders] quota_period`) as this one's first day, whatever plan they
//!   were ordered under, must be fewer than the quota. Due: the first day, 00:00 local.
//! * **Availability check (可用性检查).** The scenario must be one of the plan's
//!   `availability_checks`. Two rules of our own, since the seed describes these
//!   scenarios as "on joining" and "once a year": `joining` at most once since the
//!   organization joined its plan (`plan_since`), `annual` at most once per calendar
//!   year (of the request date); rejected orders do not count. No due date.
//! * **Monthly report (服务月报).** Only plans with `monthly_report`. The month may not
//!   be before the month the organization joined the plan (the first report covers the
//!   joining month and is delivered the month after, §1.5.8), nor after the current
//!   month, and a month has at most one non-rejected report. Due: before the
//!   `report_due_working_day`-th working day of the following month on the set's
//!   `report_calendar`, i.e. 00:00 local of that day ([`monthly_report_due`]). Without
//!   a report calendar, Monday–Friday count as working days (with a warning); a
//!   calendar whose `years` do not cover the due month's year gives a warning too.
//! * **Completion / rejection.** Only a processing order; a rejection needs a
//!   non-blank reason of at most [`MAX_REASON_CHARS`] characters.
//! * **Rating (§3.6).** Only a completed order, only once; response speed and
//!   deliverable quality 1–5 stars each; feedback at most [`MAX_FEEDBACK_CHARS`]
//!   characters, counted as Unicode scalar values (500 CJK characters fit).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::{OrderKind, OrderStatus, Scenario, YearMonth};
use crate::policy::{Plan, PolicyRegistry, PolicySet};
use crate::sla::Calendar;

/// Longest feedback on a rating, in characters (`chars()`).
pub const MAX_FEEDBACK_CHARS: usize = 500;
/// Longest rejection reason, in characters (`chars()`).
pub const MAX_REASON_CHARS: usize = 2000;

/// A new order as requested (CLI flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub kind: OrderKind,
    pub level: Option<u8>,
    pub start: Option<NaiveDate>,
    /// Inclusive.
    pub end: Option<NaiveDate>,
    pub scenario: Option<Scenario>,
    pub month: Option<YearMonth>,
}

/// An order the organization already has (any status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorOrder {
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub level: Option<u8>,
    pub start: Option<NaiveDate>,
    pub scenario: Option<Scenario>,
    pub month: Option<YearMonth>,
    /// Org-local date it was requested.
    pub requested_on: NaiveDate,
}

/// The organization placing the order.
#[derive(Debug, Clone, Copy)]
pub struct OrderOrg<'a> {
    pub name: &'a str,
    pub set: &'a PolicySet,
    /// The stored plan; the effective plan on today's date is applied here.
    pub plan: &'a str,
    /// Org-local date it joined this plan.
    pub plan_since: NaiveDate,
    pub tz: Tz,
}

/// An accepted order: its due instant/date (if the kind has one) and warnings to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedOrder {
    pub due: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub warnings: Vec<String>,
}

/// A refused order or transition; the message names the rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OrderRuleError(pub String);

fn refuse<T>(msg: impl Into<String>) -> Result<T, OrderRuleError> {
    Err(OrderRuleError(msg.into()))
}

/// "the Lightweight plan": the label's leading ASCII part ("Lightweight 轻量级" →
/// "Lightweight"), else the whole label.
fn plan_title(plan: &Plan) -> String {
    let ascii: String = plan.label.chars().take_while(|c| c.is_ascii()).collect();
    let ascii = ascii.trim();
    if ascii.is_empty() {
        plan.label.clone()
    } else {
        ascii.to_string()
    }
}

/// "1", "1 or 2", "1, 2 or 3".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// Org-local midnight of `date` as an instant (a midnight in a DST gap becomes the
/// first instant after the gap).
fn local_midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    crate::sla::calendar::local_to_utc(tz, (date - epoch).num_days() * 86_400)
}

/// The date the effective plan took over: `plan_since`, or a later retirement date
/// of the stored plan (or of a plan in its fallback chain) on or before `today`.
fn effective_since(set: &PolicySet, plan: &str, since: NaiveDate, today: NaiveDate) -> NaiveDate {
    let mut name = plan;
    let mut since = since;
    for _ in 0..=set.plans.len() {
        match set.plan(name) {
            Some(p) if p.is_retired_on(today) => {
                if let Some(r) = p.retired_on {
                    since = since.max(r);
                }
                match &p.fallback {
                    Some(f) => name = f,
                    None => break,
                }
            }
            _ => break,
        }
    }
    since
}

/// Checks a new order against the organization's plan and its existing orders.
pub fn check_new_order(
    policies: &PolicyRegistry,
    org: &OrderOrg,
    req: &OrderRequest,
    prior: &[PriorOrder],
    now: DateTime<Utc>,
) -> Result<AcceptedOrder, OrderRuleError> {
    check_flags(req)?;
    let today = now.with_timezone(&org.tz).date_naive();
    let set = org.set;
    let plan_name = set.effective_plan(org.plan, today);
    let Some(plan) = set.plan(plan_name) else {
        return refuse(format!(
            "{}'s plan \"{plan_name}\" is not in policy set {}",
            org.name, set.name
        ));
    };
    let since = effective_since(set, org.plan, org.plan_since, today);
    match req.kind {
        OrderKind::EventAssurance => check_event_assurance(org, plan, req, prior, today),
        OrderKind::AvailabilityCheck => check_availability(org, plan, req, prior, since, today),
        OrderKind::MonthlyReport => {
            check_monthly_report(policies, org, plan, req, prior, since, today)
        }
    }
}

fn check_flags(req: &OrderRequest) -> Result<(), OrderRuleError> {
    let ea = req.kind == OrderKind::EventAssurance;
    let ac = req.kind == OrderKind::AvailabilityCheck;
    let mr = req.kind == OrderKind::MonthlyReport;
    if !ea {
        for (flag, set) in [
            ("--level", req.level.is_some()),
            ("--start", req.start.is_some()),
            ("--end", req.end.is_some()),
        ] {
            if set {
                return refuse(format!("{flag} applies to event-assurance orders only"));
            }
        }
    }
    if !ac && req.scenario.is_some() {
        return refuse("--scenario applies to availability-check orders only");
    }
    if !mr && req.month.is_some() {
        return refuse("--month applies to monthly-report orders only");
    }
    if ea {
        let missing: Vec<&str> = [
            ("--level", req.level.is_none()),
            ("--start", req.start.is_none()),
            ("--end", req.end.is_none()),
        ]
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(f, _)| f)
        .collect();
        if !missing.is_empty() {
            return refuse(format!(
                "event assurance needs --level, --start and --end (missing: {})",
                missing.join(", ")
            ));
        }
    }
    if ac && req.scenario.is_none() {
        return refuse(format!(
            "an availability check needs --scenario ({})",
            Scenario::allowed()
        ));
    }
    if mr && req.month.is_none() {
        return refuse("a monthly report needs --month (YYYY-MM, the month it covers)");
    }
    Ok(())
}

fn check_event_assurance(
    org: &OrderOrg,
    plan: &Plan,
    req: &OrderRequest,
    prior: &[PriorOrder],
    today: NaiveDate,
) -> Result<AcceptedOrder, OrderRuleError> {
    let (Some(level), Some(start), Some(end)) = (req.level, req.start, req.end) else {
        return refuse("event assurance needs --level, --start and --end");
    };
    let title = plan_title(plan);
    let po = &plan.orders;
    if po.event_assurance_quota == 0 || po.event_assurance_levels.is_empty() {
        return refuse(format!("the {title} plan includes no event assurance"));
    }
    let rules = &org.set.orders;
    if !po.event_assurance_levels.contains(&level) {
        let levels: Vec<String> = po
            .event_assurance_levels
            .iter()
            .map(u8::to_string)
            .collect();
        return refuse(format!(
            "the {title} plan allows level {} event assurance only; level {level} was requested",
            or_list(&levels)
        ));
    }
    let Some(rule) = rules.levels.get(&level) else {
        let defined: Vec<String> = rules.levels.keys().map(u8::to_string).collect();
        return refuse(format!(
            "level {level} event assurance is not defined in policy set {} (levels: {})",
            org.set.name,
            if defined.is_empty() {
                "none".to_string()
            } else {
                defined.join(", ")
            }
        ));
    };
    if end < start {
        return refuse(format!(
            "--end {end} is before --start {start} (--end is the last day, inclusive)"
        ));
    }
    let notice = (start - today).num_days();
    if notice < rule.notice_days as i64 {
        let away = if notice >= 0 {
            format!("{start} is {} away", days(notice))
        } else {
            format!("{start} was {} ago", days(-notice))
        };
        return refuse(format!(
            "level {level} event assurance needs {} notice; {away} (today is {today} in {})",
            if rule.notice_days == 1 {
                "1 day's".to_string()
            } else {
                format!("{} days'", rule.notice_days)
            },
            org.tz
        ));
    }
    let length = (end - start).num_days() + 1;
    if length > rule.max_days as i64 {
        return refuse(format!(
            "level {level} event assurance lasts at most {}; {start}..{end} is {} (--end is inclusive)",
            days(rule.max_days as i64),
            days(length)
        ));
    }
    let period = rules.quota_period;
    let used = prior
        .iter()
        .filter(|o| o.kind == OrderKind::EventAssurance && o.status != OrderStatus::Rejected)
        .filter(|o| period.same_period(o.start.unwrap_or(o.requested_on), start))
        .count();
    if used >= po.event_assurance_quota as usize {
        let per = match period {
            crate::policy::QuotaPeriod::CalendarYear => "calendar year",
            crate::policy::QuotaPeriod::CalendarMonth => "calendar month",
        };
        return refuse(format!(
            "the {title} plan includes {} event assurance{} per {per}; {} already has {used} (rejected orders do not count)",
            po.event_assurance_quota,
            if po.event_assurance_quota == 1 { "" } else { "s" },
            period.label(start),
        ));
    }
    Ok(AcceptedOrder {
        due: Some(local_midnight(org.tz, start)),
        due_date: Some(start),
        warnings: Vec::new(),
    })
}

fn check_availability(
    org: &OrderOrg,
    plan: &Plan,
    req: &OrderRequest,
    prior: &[PriorOrder],
    since: NaiveDate,
    today: NaiveDate,
) -> Result<AcceptedOrder, OrderRuleError> {
    let Some(scenario) = req.scenario else {
        return refuse("an availability check needs --scenario");
    };
    let title = plan_title(plan);
    let allowed = &plan.orders.availability_checks;
    if allowed.is_empty() {
        return refuse(format!("the {title} plan includes no availability checks"));
    }
    if !allowed.contains(&scenario) {
        let list: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        return refuse(format!(
            "the {title} plan's availability checks cover: {}; not {scenario}",
            list.join(", ")
        ));
    }
    let live = |o: &&PriorOrder| {
        o.kind == OrderKind::AvailabilityCheck
            && o.status != OrderStatus::Rejected
            && o.scenario == Some(scenario)
    };
    match scenario {
        Scenario::Joining => {
            if let Some(o) = prior.iter().filter(live).find(|o| o.requested_on >= since) {
                return refuse(format!(
                    "a joining availability check is done once per plan: {} already has one ({}, requested {}) since joining the {title} plan on {since}",
                    org.name, o.status, o.requested_on
                ));
            }
        }
        Scenario::Annual => {
            if let Some(o) = prior
                .iter()
                .filter(live)
                .find(|o| o.requested_on.year() == today.year())
            {
                return refuse(format!(
                    "an annual availability check is done once per calendar year: {} already has one for {} ({}, requested {})",
                    org.name,
                    today.year(),
                    o.status,
                    o.requested_on
                ));
            }
        }
        Scenario::MajorEvent | Scenario::MajorChange => {}
    }
    Ok(AcceptedOrder {
        due: None,
        due_date: None,
        warnings: Vec::new(),
    })
}

fn check_monthly_report(
    policies: &PolicyRegistry,
    org: &OrderOrg,
    plan: &Plan,
    req: &OrderRequest,
    prior: &[PriorOrder],
    since: NaiveDate,
    today: NaiveDate,
) -> Result<AcceptedOrder, OrderRuleError> {
    let Some(month) = req.month else {
        return refuse("a monthly report needs --month");
    };
    let set = org.set;
    let title = plan_title(plan);
    if !plan.orders.monthly_report {
        let with: Vec<String> = set
            .plans
            .iter()
            .filter(|p| p.orders.monthly_report && p.retired_on.is_none_or(|r| today < r))
            .map(plan_title)
            .collect();
        return refuse(match with.as_slice() {
            [] => format!(
                "policy set {} includes no monthly service reports; {} is on {title}",
                set.name, org.name
            ),
            [one] => format!(
                "monthly service reports come with the {one} plan only; {} is on {title}",
                org.name
            ),
            [init @ .., last] => format!(
                "monthly service reports come with the {} and {last} plans only; {} is on {title}",
                init.join(", "),
                org.name
            ),
        });
    }
    let first = YearMonth::of(since);
    if month < first {
        return refuse(format!(
            "the first monthly report covers {first}, the month {} joined the {title} plan; {month} is earlier",
            org.name
        ));
    }
    let current = YearMonth::of(today);
    if month > current {
        return refuse(format!(
            "{month} has not started yet (today is {today} in {}); a report covers a month that has begun",
            org.tz
        ));
    }
    if let Some(o) = prior.iter().find(|o| {
        o.kind == OrderKind::MonthlyReport
            && o.status != OrderStatus::Rejected
            && o.month == Some(month)
    }) {
        return refuse(format!(
            "{} already has a monthly report for {month} ({}, requested {})",
            org.name, o.status, o.requested_on
        ));
    }

    let nth = set.orders.report_due_working_day;
    let due_month = month.next();
    let mut warnings = Vec::new();
    let weekdays;
    let (cal, cal_name): (&Calendar, String) = match (
        policies.report_calendar(set),
        set.orders.report_calendar.as_deref(),
    ) {
        (Some(cal), Some(name)) => (cal, name.to_string()),
        _ => {
            weekdays = Calendar::builder()
                .weekdays(&["09:00-18:00"])
                .build()
                .expect("a Mon–Fri calendar is valid");
            warnings.push(format!(
                "policy set {} names no report_calendar; the due date counts Monday–Friday as working days, without holidays",
                set.name
            ));
            (&weekdays, "Mon–Fri".to_string())
        }
    };
    if !cal.covers_year(due_month.year) {
        let years: Vec<String> = cal.years().iter().map(i32::to_string).collect();
        warnings.push(format!(
            "calendar {cal_name} covers {} only; {}'s holidays are not known, due date counts weekdays and the calendar's weekly hours only",
            years.join(", "),
            due_month.year
        ));
    }
    let Some((due_date, due)) = monthly_report_due(cal, org.tz, month, nth) else {
        return refuse(format!(
            "calendar {cal_name} has no working day number {nth} in {due_month}; the report for {month} has no due date"
        ));
    };
    Ok(AcceptedOrder {
        due: Some(due),
        due_date: Some(due_date),
        warnings,
    })
}

/// When the report covering `month` is due: the `nth` working day of the month
/// *after* `month` on `cal` ("before the 15th working day": the instant is 00:00 local
/// of that day). `None` when that month has fewer than `nth` working days.
pub fn monthly_report_due(
    cal: &Calendar,
    tz: Tz,
    month: YearMonth,
    nth: u32,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let m = month.next();
    let date = cal.nth_working_day(m.year, m.month, nth)?;
    Some((date, local_midnight(tz, date)))
}

/// May an order in `status` be completed?
pub fn check_complete(status: OrderStatus) -> Result<(), OrderRuleError> {
    match status {
        OrderStatus::Processing => Ok(()),
        OrderStatus::Completed => refuse("the order is already completed"),
        OrderStatus::Rejected => refuse("a rejected order cannot be completed"),
    }
}

/// May an order in `status` be rejected with `reason`?
pub fn check_reject(status: OrderStatus, reason: &str) -> Result<(), OrderRuleError> {
    match status {
        OrderStatus::Processing => {}
        OrderStatus::Completed => return refuse("a completed order cannot be rejected"),
        OrderStatus::Rejected => return refuse("the order is already rejected"),
    }
    if reason.trim().is_empty() {
        return refuse("a rejection needs a reason (--reason)");
    }
    let n = reason.chars().count();
    if n > MAX_REASON_CHARS {
        return refuse(format!(
            "the reason is {n} characters; at most {MAX_REASON_CHARS}"
        ));
    }
    Ok(())
}

/// May an order be rated so (§3.6: response speed and deliverable quality in stars,
/// feedback up to 500 characters)?
pub fn check_rating(
    status: OrderStatus,
    already_rated: bool,
    speed: i64,
    quality: i64,
    feedback: &str,
) -> Result<(), OrderRuleError> {
    if status != OrderStatus::Completed {
        return refuse(format!(
            "only a completed order can be rated; this one is {status}"
        ));
    }
    if already_rated {
        return refuse("the order is already rated (an order is rated once)");
    }
    for (what, stars) in [("response speed", speed), ("deliverable quality", quality)] {
        if !(1..=5).contains(&stars) {
            return refuse(format!("{what} must be 1 to 5 stars, got {stars}"));
        }
    }
    let n = feedback.chars().count();
    if n > MAX_FEEDBACK_CHARS {
        return refuse(format!(
            "feedback is {n} characters; at most {MAX_FEEDBACK_CHARS}"
        ));
    }
    Ok(())
}
