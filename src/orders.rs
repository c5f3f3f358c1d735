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

use crate::calendar::Calendar;
use crate::domain::{OrderKind, OrderStatus, Scenario, YearMonth};
use crate::policy::{Plan, PolicyRegistry, PolicySet};

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

impl<'a> OrderOrg<'a> {
    /// The organization as the rules see it, on its policy set, in its zone.
    pub fn of(org: &'a crate::domain::Organization, set: &'a PolicySet, tz: Tz) -> OrderOrg<'a> {
        OrderOrg {
            name: &org.name,
            set,
            plan: &org.plan,
            plan_since: org.plan_since.with_timezone(&tz).date_naive(),
            tz,
        }
    }
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

/// Attachment names become file names when written back: one plain component, printable.
pub fn validate_attachment_name(name: &str) -> Result<(), OrderRuleError> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.chars().count() > 200
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control() || crate::text::is_bidi_control(c));
    if bad {
        return refuse(format!(
            "attachment name {:?} is not usable (1–200 printable characters, no slashes)",
            crate::text::sanitize_line(name)
        ));
    }
    Ok(())
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
    crate::calendar::local_to_utc(tz, (date - epoch).num_days() * 86_400)
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
            if po.event_assurance_quota == 1 {
                ""
            } else {
                "s"
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SH: Tz = chrono_tz::Asia::Shanghai;

    fn reg() -> PolicyRegistry {
        crate::config::policies::builtin().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    /// 10:00 Shanghai time on `date`.
    fn at(date: NaiveDate) -> DateTime<Utc> {
        SH.from_local_datetime(&date.and_hms_opt(10, 0, 0).unwrap())
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, day, h, 0, 0).unwrap()
    }

    /// Today in these tests: Monday 2026-06-01 in Shanghai.
    fn today() -> NaiveDate {
        d(2026, 6, 1)
    }

    fn org<'a>(reg: &'a PolicyRegistry, plan: &'a str) -> OrderOrg<'a> {
        OrderOrg {
            name: "acme",
            set: reg.get("ctyun").unwrap(),
            plan,
            plan_since: d(2026, 3, 10),
            tz: SH,
        }
    }

    fn ea(level: u8, start: NaiveDate, end: NaiveDate) -> OrderRequest {
        OrderRequest {
            kind: OrderKind::EventAssurance,
            level: Some(level),
            start: Some(start),
            end: Some(end),
            scenario: None,
            month: None,
        }
    }

    fn ac(scenario: Scenario) -> OrderRequest {
        OrderRequest {
            kind: OrderKind::AvailabilityCheck,
            level: None,
            start: None,
            end: None,
            scenario: Some(scenario),
            month: None,
        }
    }

    fn mr(month: YearMonth) -> OrderRequest {
        OrderRequest {
            kind: OrderKind::MonthlyReport,
            level: None,
            start: None,
            end: None,
            scenario: None,
            month: Some(month),
        }
    }

    fn prior_ea(status: OrderStatus, start: NaiveDate) -> PriorOrder {
        PriorOrder {
            kind: OrderKind::EventAssurance,
            status,
            level: Some(3),
            start: Some(start),
            scenario: None,
            month: None,
            requested_on: d(2026, 3, 1),
        }
    }

    fn prior_ac(status: OrderStatus, scenario: Scenario, on: NaiveDate) -> PriorOrder {
        PriorOrder {
            kind: OrderKind::AvailabilityCheck,
            status,
            level: None,
            start: None,
            scenario: Some(scenario),
            month: None,
            requested_on: on,
        }
    }

    fn prior_mr(status: OrderStatus, month: YearMonth) -> PriorOrder {
        PriorOrder {
            kind: OrderKind::MonthlyReport,
            status,
            level: None,
            start: None,
            scenario: None,
            month: Some(month),
            requested_on: d(2026, 4, 1),
        }
    }

    fn check(
        plan: &str,
        req: &OrderRequest,
        prior: &[PriorOrder],
    ) -> Result<AcceptedOrder, String> {
        let reg = reg();
        check_new_order(&reg, &org(&reg, plan), req, prior, at(today())).map_err(|e| e.0)
    }

    fn refused(plan: &str, req: &OrderRequest, prior: &[PriorOrder]) -> String {
        match check(plan, req, prior) {
            Ok(a) => panic!("accepted: {a:?}"),
            Err(e) => e,
        }
    }

    // ------------------------------------------------------------------ flags

    #[test]
    fn flags_belong_to_their_kind() {
        let mut r = ea(3, d(2026, 6, 10), d(2026, 6, 10));
        r.scenario = Some(Scenario::Joining);
        assert_eq!(
            refused("enterprise", &r, &[]),
            "--scenario applies to availability-check orders only"
        );
        let mut r = ea(3, d(2026, 6, 10), d(2026, 6, 10));
        r.month = Some(ym(2026, 5));
        assert_eq!(
            refused("enterprise", &r, &[]),
            "--month applies to monthly-report orders only"
        );
        let mut r = mr(ym(2026, 5));
        r.level = Some(1);
        assert_eq!(
            refused("enterprise", &r, &[]),
            "--level applies to event-assurance orders only"
        );
        let mut r = ac(Scenario::Annual);
        r.end = Some(d(2026, 6, 10));
        assert_eq!(
            refused("enterprise", &r, &[]),
            "--end applies to event-assurance orders only"
        );
        let mut r = ea(3, d(2026, 6, 10), d(2026, 6, 10));
        r.end = None;
        assert_eq!(
            refused("enterprise", &r, &[]),
            "event assurance needs --level, --start and --end (missing: --end)"
        );
        let mut r = ea(3, d(2026, 6, 10), d(2026, 6, 10));
        r.level = None;
        r.start = None;
        assert_eq!(
            refused("enterprise", &r, &[]),
            "event assurance needs --level, --start and --end (missing: --level, --start)"
        );
        let mut r = ac(Scenario::Annual);
        r.scenario = None;
        assert_eq!(
            refused("enterprise", &r, &[]),
            "an availability check needs --scenario (joining, major-event, major-change, annual)"
        );
        let mut r = mr(ym(2026, 5));
        r.month = None;
        assert_eq!(
            refused("enterprise", &r, &[]),
            "a monthly report needs --month (YYYY-MM, the month it covers)"
        );
    }

    // -------------------------------------------------------- event assurance

    #[test]
    fn notice_at_and_past_each_boundary() {
        // today is 2026-06-01: +14 days = 06-15, +7 = 06-08, +5 = 06-06
        for (level, notice) in [(1u8, 14i64), (2, 7), (3, 5)] {
            let ok = today() + chrono::Duration::days(notice);
            let a = check("enterprise", &ea(level, ok, ok), &[]).unwrap();
            assert_eq!(a.due_date, Some(ok));
            let short = ok - chrono::Duration::days(1);
            assert_eq!(
                refused("enterprise", &ea(level, short, short), &[]),
                format!(
                    "level {level} event assurance needs {notice} days' notice; {short} is {} days away (today is 2026-06-01 in Asia/Shanghai)",
                    notice - 1
                )
            );
        }
        assert_eq!(
            refused("enterprise", &ea(1, d(2026, 5, 30), d(2026, 5, 30)), &[]),
            "level 1 event assurance needs 14 days' notice; 2026-05-30 was 2 days ago (today is 2026-06-01 in Asia/Shanghai)"
        );
    }

    #[test]
    fn today_is_the_org_local_date() {
        // 2026-05-31 17:00 UTC is already 2026-06-01 01:00 in Shanghai: 06-15 is 14 days away
        let reg = reg();
        let o = org(&reg, "enterprise");
        let req = ea(1, d(2026, 6, 15), d(2026, 6, 15));
        assert!(check_new_order(&reg, &o, &req, &[], utc(2026, 5, 31, 17)).is_ok());
        // 15:59 UTC is still 05-31 23:59 in Shanghai: 15 days, also fine; but 06-14 is 14
        // days from 05-31 and only 13 from 06-01
        let req = ea(1, d(2026, 6, 14), d(2026, 6, 14));
        assert!(check_new_order(&reg, &o, &req, &[], utc(2026, 5, 31, 15)).is_ok());
        assert!(check_new_order(&reg, &o, &req, &[], utc(2026, 5, 31, 16)).is_err());
    }

    #[test]
    fn length_at_and_past_each_boundary() {
        // --end is inclusive: 06-20..06-22 is 3 days
        for (level, max) in [(1u8, 3i64), (2, 5), (3, 10)] {
            let start = d(2026, 6, 20);
            let end = start + chrono::Duration::days(max - 1);
            check("enterprise", &ea(level, start, end), &[]).unwrap();
            let over = end + chrono::Duration::days(1);
            assert_eq!(
                refused("enterprise", &ea(level, start, over), &[]),
                format!(
                    "level {level} event assurance lasts at most {max} days; {start}..{over} is {} days (--end is inclusive)",
                    max + 1
                )
            );
        }
        assert_eq!(
            refused("enterprise", &ea(3, d(2026, 6, 20), d(2026, 6, 19)), &[]),
            "--end 2026-06-19 is before --start 2026-06-20 (--end is the last day, inclusive)"
        );
    }

    #[test]
    fn due_is_the_first_day_at_local_midnight() {
        let a = check("enterprise", &ea(3, d(2026, 6, 20), d(2026, 6, 21)), &[]).unwrap();
        assert_eq!(a.due_date, Some(d(2026, 6, 20)));
        // 2026-06-20 00:00 +08:00
        assert_eq!(a.due, Some(utc(2026, 6, 19, 16)));
        assert!(a.warnings.is_empty());
    }

    #[test]
    fn plans_and_levels() {
        let r = ea(3, d(2026, 6, 20), d(2026, 6, 20));
        assert_eq!(
            refused("standard", &r, &[]),
            "the Standard plan includes no event assurance"
        );
        check("lightweight", &r, &[]).unwrap();
        check("business", &r, &[]).unwrap();
        assert_eq!(
            refused("lightweight", &ea(1, d(2026, 6, 20), d(2026, 6, 20)), &[]),
            "the Lightweight plan allows level 3 event assurance only; level 1 was requested"
        );
        assert_eq!(
            refused("business", &ea(2, d(2026, 6, 20), d(2026, 6, 20)), &[]),
            "the Business plan allows level 3 event assurance only; level 2 was requested"
        );
        assert_eq!(
            refused("enterprise", &ea(4, d(2026, 6, 20), d(2026, 6, 20)), &[]),
            "the Enterprise plan allows level 1, 2 or 3 event assurance only; level 4 was requested"
        );
    }

    #[test]
    fn quota_last_order_and_one_more() {
        let r = ea(3, d(2026, 6, 20), d(2026, 6, 20));
        let used = |n: usize| vec![prior_ea(OrderStatus::Completed, d(2026, 2, 1)); n];
        check("lightweight", &r, &used(0)).unwrap();
        assert_eq!(
            refused("lightweight", &r, &used(1)),
            "the Lightweight plan includes 1 event assurance per calendar year; 2026 already has 1 (rejected orders do not count)"
        );
        for plan in ["business", "enterprise"] {
            check(plan, &r, &used(3)).unwrap();
            let title = if plan == "business" {
                "Business"
            } else {
                "Enterprise"
            };
            assert_eq!(
                refused(plan, &r, &used(4)),
                format!(
                    "the {title} plan includes 4 event assurances per calendar year; 2026 already has 4 (rejected orders do not count)"
                )
            );
        }
        // processing orders count too
        let mut p = used(3);
        p.push(prior_ea(OrderStatus::Processing, d(2026, 9, 1)));
        assert!(check("business", &r, &p).is_err());
    }

    #[test]
    fn rejected_orders_do_not_count() {
        let r = ea(3, d(2026, 6, 20), d(2026, 6, 20));
        let mut p = vec![prior_ea(OrderStatus::Completed, d(2026, 2, 1)); 3];
        p.push(prior_ea(OrderStatus::Rejected, d(2026, 3, 1)));
        p.push(prior_ea(OrderStatus::Rejected, d(2026, 4, 1)));
        check("business", &r, &p).unwrap();
        check(
            "lightweight",
            &r,
            &[prior_ea(OrderStatus::Rejected, d(2026, 2, 1))],
        )
        .unwrap();
        // other kinds never count
        let other = vec![prior_ac(OrderStatus::Completed, Scenario::MajorEvent, d(2026, 2, 1)); 5];
        check("lightweight", &r, &other).unwrap();
    }

    #[test]
    fn quota_period_boundary() {
        // four used, all starting on 2026-12-31: a 2027-01-01 start is a new year
        let p = vec![prior_ea(OrderStatus::Completed, d(2026, 12, 31)); 4];
        check("business", &ea(3, d(2027, 1, 1), d(2027, 1, 1)), &p).unwrap();
        assert!(
            refused("business", &ea(3, d(2026, 12, 31), d(2026, 12, 31)), &p)
                .contains("2026 already has 4")
        );
        // the period is the new order's start, not the request date
        let p = vec![prior_ea(OrderStatus::Completed, d(2027, 1, 5)); 1];
        check("lightweight", &ea(3, d(2026, 12, 31), d(2026, 12, 31)), &p).unwrap();
        assert!(check("lightweight", &ea(3, d(2027, 1, 1), d(2027, 1, 1)), &p).is_err());

        // calendar-month quotas: a set of our own
        let set = crate::config::policies::parse_set(
            r#"severities = ["S1"]
[orders]
quota_period = "calendar-month"
[orders.event_assurance.levels]
1 = { notice_days = 0, max_days = 1 }
[plans.gold.orders]
event_assurance = { quota = 1, levels = [1] }
"#,
            "acme.toml",
        )
        .unwrap();
        let reg = reg();
        let o = OrderOrg {
            name: "acme",
            set: &set,
            plan: "gold",
            plan_since: d(2026, 1, 1),
            tz: SH,
        };
        let p = [prior_ea(OrderStatus::Processing, d(2026, 6, 30))];
        check_new_order(
            &reg,
            &o,
            &ea(1, d(2026, 7, 1), d(2026, 7, 1)),
            &p,
            at(today()),
        )
        .unwrap();
        let e = check_new_order(
            &reg,
            &o,
            &ea(1, d(2026, 6, 2), d(2026, 6, 2)),
            &p,
            at(today()),
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "the gold plan includes 1 event assurance per calendar month; 2026-06 already has 1 (rejected orders do not count)"
        );
    }

    #[test]
    fn effective_plan_applies() {
        // a retired plan serves through its fallback from the retirement date on
        let set = crate::config::policies::parse_set(
            r#"severities = ["S1"]
[orders.event_assurance.levels]
3 = { notice_days = 5, max_days = 10 }
[plans.old]
retired_on = 2026-06-01
fallback = "free"
[plans.old.orders]
event_assurance = { quota = 1, levels = [3] }
[plans.free]
"#,
            "acme.toml",
        )
        .unwrap();
        let reg = reg();
        let o = OrderOrg {
            name: "acme",
            set: &set,
            plan: "old",
            plan_since: d(2026, 1, 1),
            tz: SH,
        };
        let r = ea(3, d(2026, 6, 20), d(2026, 6, 20));
        check_new_order(&reg, &o, &r, &[], at(d(2026, 5, 31))).unwrap();
        assert_eq!(
            check_new_order(&reg, &o, &r, &[], at(today()))
                .unwrap_err()
                .0,
            "the free plan includes no event assurance"
        );
    }

    // ---------------------------------------------------- availability checks

    #[test]
    fn scenarios_per_plan() {
        use Scenario::*;
        let table: [(&str, &[Scenario]); 4] = [
            ("standard", &[]),
            ("lightweight", &[Joining]),
            ("business", &[Joining, MajorEvent, MajorChange]),
            ("enterprise", &[Joining, MajorEvent, MajorChange, Annual]),
        ];
        for (plan, allowed) in table {
            for sc in Scenario::ALL {
                let res = check(plan, &ac(*sc), &[]);
                assert_eq!(res.is_ok(), allowed.contains(sc), "{plan} {sc}: {res:?}");
                if let Ok(a) = res {
                    assert_eq!(a.due, None);
                    assert_eq!(a.due_date, None);
                }
            }
        }
        assert_eq!(
            refused("standard", &ac(Joining), &[]),
            "the Standard plan includes no availability checks"
        );
        assert_eq!(
            refused("lightweight", &ac(MajorEvent), &[]),
            "the Lightweight plan's availability checks cover: joining; not major-event"
        );
        assert_eq!(
            refused("business", &ac(Annual), &[]),
            "the Business plan's availability checks cover: joining, major-event, major-change; not annual"
        );
    }

    #[test]
    fn joining_once_per_plan_annual_once_per_year() {
        use Scenario::*;
        // plan_since is 2026-03-10
        let before = [prior_ac(OrderStatus::Completed, Joining, d(2026, 3, 9))];
        check("business", &ac(Joining), &before).unwrap();
        let since = [prior_ac(OrderStatus::Processing, Joining, d(2026, 3, 10))];
        assert_eq!(
            refused("business", &ac(Joining), &since),
            "a joining availability check is done once per plan: acme already has one (processing, requested 2026-03-10) since joining the Business plan on 2026-03-10"
        );
        let rejected = [prior_ac(OrderStatus::Rejected, Joining, d(2026, 3, 10))];
        check("business", &ac(Joining), &rejected).unwrap();
        // major events and changes: as often as needed
        let many = vec![prior_ac(OrderStatus::Completed, MajorEvent, d(2026, 4, 1)); 6];
        check("business", &ac(MajorEvent), &many).unwrap();

        let last_year = [prior_ac(OrderStatus::Completed, Annual, d(2025, 12, 31))];
        check("enterprise", &ac(Annual), &last_year).unwrap();
        let this_year = [prior_ac(OrderStatus::Completed, Annual, d(2026, 1, 1))];
        assert_eq!(
            refused("enterprise", &ac(Annual), &this_year),
            "an annual availability check is done once per calendar year: acme already has one for 2026 (completed, requested 2026-01-01)"
        );
        let rejected = [prior_ac(OrderStatus::Rejected, Annual, d(2026, 1, 1))];
        check("enterprise", &ac(Annual), &rejected).unwrap();
    }

    // ---------------------------------------------------------- monthly report

    #[test]
    fn monthly_report_months() {
        // joined Enterprise on 2026-03-10; today 2026-06-01
        assert_eq!(
            refused("enterprise", &mr(ym(2026, 2)), &[]),
            "the first monthly report covers 2026-03, the month acme joined the Enterprise plan; 2026-02 is earlier"
        );
        let a = check("enterprise", &mr(ym(2026, 3)), &[]).unwrap();
        // April 2026 on cn: 1 Wed, 2, 3, (4–6 Qingming), 7, 8, 9, 10, 13–17, 20, 21, 22 → 15th = 22
        assert_eq!(a.due_date, Some(d(2026, 4, 22)));
        assert_eq!(a.due, Some(utc(2026, 4, 21, 16)));
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        // the current month may be ordered, the next one not
        let a = check("enterprise", &mr(ym(2026, 6)), &[]).unwrap();
        // July 2026: 1–3, 6–10, 13–17, 20, 21 → 15th = Tue 21
        assert_eq!(a.due_date, Some(d(2026, 7, 21)));
        assert_eq!(
            refused("enterprise", &mr(ym(2026, 7)), &[]),
            "2026-07 has not started yet (today is 2026-06-01 in Asia/Shanghai); a report covers a month that has begun"
        );
    }

    #[test]
    fn monthly_report_duplicates_and_plans() {
        let dup = [prior_mr(OrderStatus::Processing, ym(2026, 3))];
        assert_eq!(
            refused("enterprise", &mr(ym(2026, 3)), &dup),
            "acme already has a monthly report for 2026-03 (processing, requested 2026-04-01)"
        );
        check("enterprise", &mr(ym(2026, 4)), &dup).unwrap();
        let rejected = [prior_mr(OrderStatus::Rejected, ym(2026, 3))];
        check("enterprise", &mr(ym(2026, 3)), &rejected).unwrap();
        for (plan, title) in [
            ("business", "Business"),
            ("lightweight", "Lightweight"),
            ("standard", "Standard"),
        ] {
            assert_eq!(
                refused(plan, &mr(ym(2026, 4)), &[]),
                format!(
                    "monthly service reports come with the Enterprise plan only; acme is on {title}"
                )
            );
        }
    }

    #[test]
    fn monthly_report_warns_past_the_calendar_years() {
        let reg = reg();
        let o = org(&reg, "enterprise");
        // the report for 2026-12 is due in January 2027, which cn does not cover:
        // weekdays only, so Fri Jan 1 counts: 1, 4–8, 11–15, 18–21 → 15th = Thu Jan 21
        let a = check_new_order(&reg, &o, &mr(ym(2026, 12)), &[], at(d(2026, 12, 20))).unwrap();
        assert_eq!(a.due_date, Some(d(2027, 1, 21)));
        assert_eq!(
            a.warnings,
            [
                "calendar cn covers 2026 only; 2027's holidays are not known, due date counts weekdays and the calendar's weekly hours only"
            ]
        );
        // 2026-11 is due in December 2026: covered
        let a = check_new_order(&reg, &o, &mr(ym(2026, 11)), &[], at(d(2026, 12, 20))).unwrap();
        assert!(a.warnings.is_empty());
    }

    #[test]
    fn monthly_report_without_report_calendar() {
        let set = crate::config::policies::parse_set(
            r#"severities = ["S1"]
[orders]
report_due_working_day = 3
[plans.gold.orders]
monthly_report = true
[plans.silver]
"#,
            "acme.toml",
        )
        .unwrap();
        let reg = reg();
        let o = OrderOrg {
            name: "acme",
            set: &set,
            plan: "gold",
            plan_since: d(2026, 1, 1),
            tz: SH,
        };
        // October 2026, Mon–Fri: Thu 1, Fri 2, Mon 5 → 3rd = Oct 5 (National Day ignored)
        let a = check_new_order(&reg, &o, &mr(ym(2026, 9)), &[], at(d(2026, 9, 30))).unwrap();
        assert_eq!(a.due_date, Some(d(2026, 10, 5)));
        assert_eq!(
            a.warnings,
            [
                "policy set acme names no report_calendar; the due date counts Monday–Friday as working days, without holidays"
            ]
        );
        let silver = OrderOrg {
            plan: "silver",
            ..o
        };
        assert_eq!(
            check_new_order(&reg, &silver, &mr(ym(2026, 9)), &[], at(d(2026, 9, 30)))
                .unwrap_err()
                .0,
            "monthly service reports come with the gold plan only; acme is on silver"
        );
    }

    // --------------------------------------------- nth working day, by hand

    /// Mon–Fri, with the week of Mon 2026-03-09 .. Fri 03-13 off and Sat 03-14 worked.
    fn fixture_holiday_week() -> Calendar {
        Calendar::builder()
            .weekdays(&["09:00-12:00", "13:00-18:00"])
            .holidays((9..=13).map(|day| d(2026, 3, day)))
            .extra_working_day(d(2026, 3, 14))
            .years(&[2026])
            .build()
            .unwrap()
    }

    #[test]
    fn fifteenth_working_day_on_fixture_calendars() {
        let cal = fixture_holiday_week();
        // March 2026 (Mar 1 is a Sunday):
        //   Mon 2 (1), 3 (2), 4 (3), 5 (4), Fri 6 (5),
        //   Mon 9 .. Fri 13 holiday, Sat 14 make-up day (6),
        //   Mon 16 (7), 17 (8), 18 (9), 19 (10), Fri 20 (11),
        //   Mon 23 (12), 24 (13), 25 (14), Thu 26 (15)
        let (date, due) = monthly_report_due(&cal, SH, ym(2026, 2), 15).unwrap();
        assert_eq!(date, d(2026, 3, 26));
        assert_eq!(due, utc(2026, 3, 25, 16)); // 00:00 +08:00
        // the 6th is the make-up Saturday, the 5th the Friday before the holiday week
        assert_eq!(
            monthly_report_due(&cal, SH, ym(2026, 2), 6).unwrap().0,
            d(2026, 3, 14)
        );
        assert_eq!(
            monthly_report_due(&cal, SH, ym(2026, 2), 5).unwrap().0,
            d(2026, 3, 6)
        );
        // without the exceptions it would be Fri 20 (2–6, 9–13, 16–20)
        let plain = Calendar::builder()
            .weekdays(&["09:00-18:00"])
            .build()
            .unwrap();
        assert_eq!(
            monthly_report_due(&plain, SH, ym(2026, 2), 15).unwrap().0,
            d(2026, 3, 20)
        );
        // March has 22 weekdays, less 5 holidays, plus 1 make-up day = 18 working days
        assert!(monthly_report_due(&cal, SH, ym(2026, 2), 18).is_some());
        assert_eq!(monthly_report_due(&cal, SH, ym(2026, 2), 19), None);
        assert_eq!(monthly_report_due(&cal, SH, ym(2026, 2), 0), None);

        // the instant is midnight in the org's zone on that day: New York is on EDT
        // (UTC−4) from 2026-03-08, so 03-26 00:00 EDT = 04:00 UTC
        let ny = chrono_tz::America::New_York;
        assert_eq!(
            monthly_report_due(&cal, ny, ym(2026, 2), 15).unwrap().1,
            utc(2026, 3, 26, 4)
        );
        // the 5th (Fri 03-06) is before the switch: 00:00 EST = 05:00 UTC
        assert_eq!(
            monthly_report_due(&cal, ny, ym(2026, 2), 5).unwrap().1,
            utc(2026, 3, 6, 5)
        );

        // December → January of the next year: the due month rolls over
        let newyear = Calendar::builder()
            .weekdays(&["09:00-18:00"])
            .holidays([d(2027, 1, 1)])
            .extra_working_day(d(2027, 1, 2))
            .build()
            .unwrap();
        // January 2027: Fri 1 holiday, Sat 2 make-up (1), Mon 4 (2), 5 (3) → 3rd = Jan 5
        assert_eq!(
            monthly_report_due(&newyear, SH, ym(2026, 12), 3).unwrap().0,
            d(2027, 1, 5)
        );
        assert_eq!(
            monthly_report_due(&newyear, SH, ym(2026, 12), 1).unwrap().0,
            d(2027, 1, 2)
        );
    }

    #[test]
    fn fifteenth_working_day_on_shipped_cn_2026() {
        let reg = reg();
        let cn = reg.standalone_calendar("cn").unwrap();
        // October 2026: Thu 1 .. Wed 7 National Day; Thu 8 (1), Fri 9 (2), Sat 10 make-up
        // (3), Mon 12 (4), 13 (5), 14 (6), 15 (7), Fri 16 (8), Mon 19 (9), 20 (10),
        // 21 (11), 22 (12), Fri 23 (13), Mon 26 (14), Tue 27 (15)
        let (date, due) = monthly_report_due(cn, SH, ym(2026, 9), 15).unwrap();
        assert_eq!(date, d(2026, 10, 27));
        assert_eq!(due, utc(2026, 10, 26, 16));
        // February 2026: Mon 2 .. Fri 6 (1–5), Mon 9 .. Fri 13 (6–10), Sat 14 make-up (11),
        // Sun 15 .. Mon 23 Spring Festival, Tue 24 (12), 25 (13), 26 (14), Fri 27 (15)
        assert_eq!(
            monthly_report_due(cn, SH, ym(2026, 1), 15).unwrap().0,
            d(2026, 2, 27)
        );
        // January 2026: Thu 1 .. Sat 3 New Year, Sun 4 make-up (1), Mon 5 (2)
        assert_eq!(
            monthly_report_due(cn, SH, ym(2025, 12), 1).unwrap().0,
            d(2026, 1, 4)
        );
        assert_eq!(
            monthly_report_due(cn, SH, ym(2025, 12), 2).unwrap().0,
            d(2026, 1, 5)
        );
    }

    // -------------------------------------------------- complete, reject, rate

    #[test]
    fn complete_and_reject() {
        use OrderStatus::*;
        check_complete(Processing).unwrap();
        assert_eq!(
            check_complete(Completed).unwrap_err().0,
            "the order is already completed"
        );
        assert_eq!(
            check_complete(Rejected).unwrap_err().0,
            "a rejected order cannot be completed"
        );
        check_reject(Processing, "out of scope").unwrap();
        assert_eq!(
            check_reject(Processing, "  \n").unwrap_err().0,
            "a rejection needs a reason (--reason)"
        );
        check_reject(Processing, &"驳".repeat(MAX_REASON_CHARS)).unwrap();
        assert_eq!(
            check_reject(Processing, &"x".repeat(MAX_REASON_CHARS + 1))
                .unwrap_err()
                .0,
            "the reason is 2001 characters; at most 2000"
        );
        assert_eq!(
            check_reject(Completed, "x").unwrap_err().0,
            "a completed order cannot be rejected"
        );
        assert_eq!(
            check_reject(Rejected, "x").unwrap_err().0,
            "the order is already rejected"
        );
    }

    #[test]
    fn rating_rules() {
        use OrderStatus::*;
        check_rating(Completed, false, 1, 5, "").unwrap();
        check_rating(Completed, false, 5, 1, "很好").unwrap();
        for bad in [0, 6, -1] {
            assert_eq!(
                check_rating(Completed, false, bad, 3, "").unwrap_err().0,
                format!("response speed must be 1 to 5 stars, got {bad}")
            );
            assert_eq!(
                check_rating(Completed, false, 3, bad, "").unwrap_err().0,
                format!("deliverable quality must be 1 to 5 stars, got {bad}")
            );
        }
        // 500 CJK characters (1500 bytes) fit, 501 do not
        let cjk = "服".repeat(500);
        assert_eq!(cjk.len(), 1500);
        check_rating(Completed, false, 4, 4, &cjk).unwrap();
        let over = format!("{cjk}务");
        assert_eq!(
            check_rating(Completed, false, 4, 4, &over).unwrap_err().0,
            "feedback is 501 characters; at most 500"
        );
        check_rating(Completed, false, 4, 4, &"a".repeat(MAX_FEEDBACK_CHARS)).unwrap();
        assert_eq!(
            check_rating(Completed, true, 4, 4, "").unwrap_err().0,
            "the order is already rated (an order is rated once)"
        );
        assert_eq!(
            check_rating(Processing, false, 4, 4, "").unwrap_err().0,
            "only a completed order can be rated; this one is processing"
        );
        assert_eq!(
            check_rating(Rejected, false, 4, 4, "").unwrap_err().0,
            "only a completed order can be rated; this one is rejected"
        );
    }
}
