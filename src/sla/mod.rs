//! The pure SLA engine: due instants, elapsed time, pauses and SLA states.
//!
//! No I/O and no clock reads: `now` is always a parameter. Business-time arithmetic
//! (and how time zones are handled) lives in [`calendar`].
//!
//! Semantics, per metric with a target of `T` seconds:
//! * elapsed = clock time (wall, or business hours in the customer's zone) since the
//!   ticket was opened, minus paused time (time in status pending);
//! * due = the earliest instant at which elapsed reaches `T` (a target running out at
//!   closing time is due *at* closing time);
//! * a response at or before `due` meets the target (`Met`), a later one is `Breached`
//!   with `breached_at = due`;
//! * without a response: `Breached` once `now > due` (this wins over an open pause:
//!   a breach is not undone by waiting on the customer), else `Paused` while a pause
//!   is open, else `AtRisk` once `at_risk_share` of `T` has elapsed, else `Running`.

pub use crate::calendar;
pub mod columns;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

pub use calendar::{Calendar, CalendarBuilder, CalendarError, Holiday, Interval};

use crate::policy::{Clock, Metric, PolicySet, Target};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketTimeline {
    pub opened: DateTime<Utc>,
    pub pauses: Vec<Pause>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub start: DateTime<Utc>,
    /// `None` = still paused.
    pub end: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SlaState {
    Running,
    AtRisk,
    Breached,
    Paused,
    Met,
    NotApplicable,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Running => "running",
            SlaState::AtRisk => "at-risk",
            SlaState::Breached => "breached",
            SlaState::Paused => "paused",
            SlaState::Met => "met",
            SlaState::NotApplicable => "not-applicable",
        }
    }
}

impl std::fmt::Display for SlaState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricStatus {
    pub metric: Metric,
    pub target: Option<Target>,
    /// `None` when paused (then `remaining_seconds` tells) or not applicable.
    pub due: Option<DateTime<Utc>>,
    pub elapsed_seconds: i64,
    /// Negative when overdue (in clock seconds: business seconds on a business clock).
    pub remaining_seconds: Option<i64>,
    pub state: SlaState,
    /// The instant the state will next change without a new event.
    pub next_change: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

impl MetricStatus {
    fn not_applicable(metric: Metric, target: Option<Target>) -> Self {
        MetricStatus {
            metric,
            target,
            due: None,
            elapsed_seconds: 0,
            remaining_seconds: None,
            state: SlaState::NotApplicable,
            next_change: None,
            breached_at: None,
        }
    }
}

/// A target's clock bound to a customer's time zone.
#[derive(Clone, Copy, Debug)]
pub enum ClockRef<'a> {
    Wall,
    Business { calendar: &'a Calendar, tz: Tz },
}

impl<'a> ClockRef<'a> {
    /// `None` if the target names a calendar the set does not define (cannot happen
    /// for sets that passed validation).
    pub fn for_target(set: &'a PolicySet, target: &Target, tz: Tz) -> Option<ClockRef<'a>> {
        match &target.clock {
            Clock::Wall => Some(ClockRef::Wall),
            Clock::Business { calendar } => Some(ClockRef::Business {
                calendar: set.calendar(calendar)?,
                tz,
            }),
        }
    }

    /// Clock seconds in `[from, to)`; 0 when `to <= from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        match self {
            ClockRef::Wall => (to - from).num_seconds(),
            ClockRef::Business { calendar, tz } => calendar.business_seconds_between(*tz, from, to),
        }
    }

    /// Earliest instant at which `seconds` clock seconds have elapsed since `from`.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        if seconds <= 0 {
            return from;
        }
        match self {
            ClockRef::Wall => from
                .checked_add_signed(Duration::seconds(seconds))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            ClockRef::Business { calendar, tz } => {
                calendar.add_business_seconds(*tz, from, seconds)
            }
        }
    }
}

/// Due instant for a fresh ticket, no pauses; `None` when the plan (or severity) has
/// no first-response target.
pub fn first_response_due(
    set: &PolicySet,
    plan: &str,
    severity: &str,
    tz: Tz,
    opened: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let target = set.target(plan, Metric::FirstResponse, severity)?;
    let clock = ClockRef::for_target(set, target, tz)?;
    Some(clock.add(opened, target.seconds))
}

/// Pauses clipped to `[opened, …)`, ignoring those that start after `now`, sorted and
/// merged; an open pause swallows everything after its start.
fn normalized_pauses(
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut v: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = timeline
        .pauses
        .iter()
        .filter(|p| p.start <= now)
        .map(|p| (p.start.max(timeline.opened), p.end))
        .filter(|(s, e)| e.is_none_or(|e| e > *s))
        .collect();
    v.sort_by_key(|p| p.0);
    let mut out: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        if let Some(last) = out.last_mut() {
            match last.1 {
                None => break,
                Some(le) if s <= le => {
                    last.1 = e.map(|e| e.max(le));
                    continue;
                }
                Some(_) => {}
            }
        }
        out.push((s, e));
    }
    out
}

/// Active (unpaused) clock seconds in `[opened, until)`.
fn active_elapsed(
    clock: &ClockRef<'_>,
    opened: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    until: DateTime<Utc>,
) -> i64 {
    let mut total = 0;
    let mut cur = opened;
    for &(ps, pe) in pauses {
        if ps >= until {
            break;
        }
        total += clock.between(cur, ps);
        match pe {
            None => return total,
            Some(e) => cur = cur.max(e),
        }
        if cur >= until {
            return total;
        }
    }
    total + clock.between(cur, until)
}

/// Earliest instant at which active elapsed time reaches `amount` (> 0); `None` if an
/// open pause freezes the clock before.
fn reach(
    clock: &ClockRef<'_>,
    opened: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    amount: i64,
) -> Option<DateTime<Utc>> {
    let mut left = amount;
    let mut cur = opened;
    for &(ps, pe) in pauses {
        let m = clock.between(cur, ps);
        if left <= m {
            return Some(clock.add(cur, left));
        }
        left -= m;
        cur = cur.max(pe?);
    }
    Some(clock.add(cur, left))
}

/// Elapsed share at which a target becomes at risk, in whole seconds (1..=T).
pub fn at_risk_seconds(target_seconds: i64, share: f64) -> i64 {
    ((target_seconds as f64 * share).ceil() as i64).clamp(1, target_seconds.max(1))
}

/// Evaluates every metric the set's `plan` defines (first-response always), for a
/// ticket of `severity` in an organization in `tz`. `plan` is the effective plan (the
/// caller resolves retirement with [`PolicySet::effective_plan`]). A severity change
/// is handled by calling this with the new severity: targets count from creation.
///
/// Next-response targets are reported `NotApplicable` (with their target): the
/// timeline carries no customer-message events to measure them from.
pub fn evaluate(
    set: &PolicySet,
    plan: &str,
    severity: &str,
    tz: Tz,
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> Vec<MetricStatus> {
    let mut metrics = vec![Metric::FirstResponse];
    if let Some(p) = set.plan(plan) {
        metrics.extend(
            p.metrics()
                .into_iter()
                .filter(|m| *m != Metric::FirstResponse),
        );
    }
    let pauses = normalized_pauses(timeline, now);
    metrics
        .into_iter()
        .map(|metric| {
            let target = set.target(plan, metric, severity);
            metric_status(set, metric, target, tz, timeline, &pauses, now)
        })
        .collect()
}

fn metric_status(
    set: &PolicySet,
    metric: Metric,
    target: Option<&Target>,
    tz: Tz,
    timeline: &TicketTimeline,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    now: DateTime<Utc>,
) -> MetricStatus {
    let Some(target) = target else {
        return MetricStatus::not_applicable(metric, None);
    };
    let stop = match metric {
        Metric::FirstResponse => timeline.first_response_at,
        Metric::Resolution => timeline.resolved_at,
        Metric::NextResponse => return MetricStatus::not_applicable(metric, Some(target.clone())),
    };
    let Some(clock) = ClockRef::for_target(set, target, tz) else {
        return MetricStatus::not_applicable(metric, Some(target.clone()));
    };
    let t = target.seconds;
    let opened = timeline.opened;
    let due = reach(&clock, opened, pauses, t);
    let mut st = MetricStatus {
        metric,
        target: Some(target.clone()),
        due,
        elapsed_seconds: 0,
        remaining_seconds: None,
        state: SlaState::Running,
        next_change: None,
        breached_at: None,
    };
    if let Some(stop) = stop {
        let e = active_elapsed(&clock, opened, pauses, stop);
        st.elapsed_seconds = e;
        st.remaining_seconds = Some(t - e);
        if due.is_none_or(|d| stop <= d) {
            st.state = SlaState::Met;
        } else {
            st.state = SlaState::Breached;
            st.breached_at = due;
        }
        return st;
    }
    let e = active_elapsed(&clock, opened, pauses, now);
    st.elapsed_seconds = e;
    st.remaining_seconds = Some(t - e);
    let paused = pauses.last().is_some_and(|p| p.1.is_none());
    match due {
        Some(d) if now > d => {
            st.state = SlaState::Breached;
            st.breached_at = Some(d);
        }
        _ if paused => {
            st.state = SlaState::Paused;
            st.due = None;
        }
        _ => {
            let risk_at = reach(
                &clock,
                opened,
                pauses,
                at_risk_seconds(t, set.at_risk_share),
            );
            if risk_at.is_some_and(|r| now >= r) {
                st.state = SlaState::AtRisk;
                st.next_change = due;
            } else {
                st.state = SlaState::Running;
                st.next_change = risk_at;
            }
        }
    }
    st
}
