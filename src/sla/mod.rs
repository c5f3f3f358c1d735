//! The pure SLA engine: due instants, elapsed time, pauses and SLA states.
//!
//! No I/O and no clock reads: `now` is always a parameter. Business-time arithmetic
//! (and how time zones are handled) lives in [`calendar`].
//!
//! # Rules
//!
//! Per metric with a target of `T` seconds on its clock (wall time, or business time
//! in the customer's zone):
//!
//! 1. **Elapsed** = clock time since the ticket was opened, minus the time the metric
//!    is frozen. **Due** = the earliest instant at which elapsed reaches `T` (a target
//!    running out at closing time is due *at* closing time).
//! 2. **Breached only once `now` is past due**: `now > due` is breached, `now == due`
//!    is not (it is at risk, with 0 left). A response (or resolution, for the
//!    resolution metric) **at or before** due meets the target (`Met`); one strictly
//!    after due is `Breached` with `breached_at = due`. **At risk** once elapsed
//!    reaches `ceil(T × at_risk_share)` (`now >=` that instant), until due.
//! 3. **Pending pauses the next-response and resolution clocks, never the first
//!    response.** The engineer cannot be waiting on a customer not yet answered
//!    (Zendesk's first reply time, Jira Service Management's default): the
//!    first-response due instant ignores [`TicketTimeline::pauses`]. A paused clock
//!    reports `Paused` (no due instant, `remaining_seconds` tells) unless it was
//!    already overdue when the pause began: a breach is not undone by waiting.
//! 4. **Resolving or closing stops every clock at that instant**
//!    ([`TicketTimeline::resolved_at`]); time after it never counts. A metric not
//!    met by then is `Breached` (`breached_at = due`, `answered_at = None`) if the
//!    ticket was resolved *after* its due instant, else [`SlaState::Stopped`]: neither
//!    met nor breached, not running; its `due` stays the instant the target would have
//!    been due (the target that served the ticket), so judge by the state, never by
//!    comparing `due` with `now`. A reply given while the ticket is
//!    resolved does not change that outcome. Earlier resolved spans of a reopened
//!    ticket ([`TicketTimeline::resolved_spans`]) freeze every clock, first response
//!    included; a reopened ticket's clocks resume from where they stood.
//! 5. **Met late**: a metric answered after its due instant is `Breached` with
//!    [`MetricStatus::answered_at`] set, shown as breached everywhere and labelled by
//!    [`late_label`] (`met late +HH:MM`, wall time from due to answer, whole minutes
//!    rounded up), never as a success.
//! 6. **Horizon**: a due instant more than 100 years after its start is not computed
//!    (a calendar with almost no working time). A running metric then reports
//!    `NotApplicable` with `due: None` and `error: Some(SlaError::BeyondHorizon)`;
//!    an answered one is `Met` (it was answered long before), a resolved one
//!    `Stopped`. [`first_response_due`] returns the error.
//! 7. **A recorded breach is a fact** ([`TicketTimeline::recorded_breaches`], kept by
//!    the store once a breach has been seen): a later severity, plan or pause change
//!    that moves the due instant later, or removes the target, cannot turn it into
//!    met, running, paused or stopped. Such a metric reports `Breached` with
//!    `breached_at` and `due` = the recorded instant and `remaining_seconds` = minus
//!    the clock time since it (still under the current target's clock). A computed
//!    breach that is earlier than the recorded one wins (targets count from creation,
//!    so raising the severity can reveal an earlier breach). Its clock stops at the
//!    answer or the resolution ([`MetricStatus::stopped_at`]) even when no target applies
//!    any more, and an answer after it is met late (rule 5).
//! 8. A severity or plan change is evaluated by calling [`evaluate`] with the new
//!    severity or plan: targets count from the ticket's creation.
//!
//! 9. **Next response runs from each customer message that has no engineer reply
//!    after it to the next public engineer reply** ([`next_response_cycles`]): a
//!    cycle starts at the first customer message after an engineer's public reply and
//!    ends at the next public reply (a reply in the same second as the message does
//!    not answer it). Messages before the first response are the first response's
//!    business. Pending and earlier resolved spans freeze it like resolution; resolving
//!    stops it. The metric reports the current cycle, else the last one; a breach of an
//!    earlier cycle stays a fact in [`MetricStatus::earlier_breach`] (the ticket stays
//!    breached). With no cycle yet it is `NotApplicable` (with its target).

pub use crate::calendar;
pub mod columns;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

pub use calendar::{
    Calendar, CalendarBuilder, CalendarError, HORIZON_DAYS, HORIZON_SECONDS, Holiday, Interval,
};

use crate::policy::{Clock, Metric, PolicySet, Target};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketTimeline {
    pub opened: DateTime<Utc>,
    /// Time in status pending: pauses the next-response and resolution clocks only.
    pub pauses: Vec<Pause>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// When the ticket was resolved or closed, while it is (a reopen clears it).
    pub resolved_at: Option<DateTime<Utc>>,
    /// Earlier spans `[resolved, reopened)` of a reopened ticket: every clock stands
    /// still in them. A span without an end is treated like `resolved_at`.
    pub resolved_spans: Vec<Pause>,
    /// Breaches the store has already recorded (rule 7 of the module doc).
    pub recorded_breaches: Vec<RecordedBreach>,
    /// The customer's messages after the ticket was opened (follow-ups; autoreplies and
    /// bounces left out), oldest first: each may start a next-response cycle (rule 9).
    pub customer_messages: Vec<DateTime<Utc>>,
    /// Engineers' public replies (internal notes left out), oldest first.
    pub public_replies: Vec<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub start: DateTime<Utc>,
    /// `None` = still paused.
    pub end: Option<DateTime<Utc>>,
}

/// A breach of `metric` seen at `at` (its due instant then) and kept as a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedBreach {
    pub metric: Metric,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SlaState {
    Running,
    AtRisk,
    Breached,
    Paused,
    Met,
    /// The ticket was resolved or closed before the metric was met and before it was
    /// due: the clock stopped, neither met nor breached.
    Stopped,
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
            SlaState::Stopped => "stopped",
            SlaState::NotApplicable => "not-applicable",
        }
    }
}

impl std::fmt::Display for SlaState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a metric or a due instant could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    /// The due instant lies more than [`HORIZON_DAYS`] ahead.
    #[error("the due instant is more than 100 years away; the calendar has almost no working time")]
    BeyondHorizon,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricStatus {
    pub metric: Metric,
    pub target: Option<Target>,
    /// `None` when paused (then `remaining_seconds` tells), not applicable, or beyond
    /// the horizon (then `error` tells). For `Stopped`, the instant the target would
    /// have been due: informational, the clock no longer runs.
    pub due: Option<DateTime<Utc>>,
    pub elapsed_seconds: i64,
    /// Negative when overdue (in clock seconds: business seconds on a business clock).
    pub remaining_seconds: Option<i64>,
    pub state: SlaState,
    /// The instant the state will next change without a new event.
    pub next_change: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    /// When the metric was answered (first response, or resolution): set for `Met`
    /// and for a `Breached` metric that was met late.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the metric's clock stopped for good: its answer, or the ticket's resolution
    /// (rule 4). `None` while the clock runs, is paused, or no target applies.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Set when the due instant could not be computed (the state is then
    /// `NotApplicable`).
    pub error: Option<SlaError>,
    /// Next response: the earliest breach of an earlier cycle (rule 9), a fact that keeps
    /// the ticket breached whatever the current cycle does.
    pub earlier_breach: Option<DateTime<Utc>>,
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
            answered_at: None,
            stopped_at: None,
            error: None,
            earlier_breach: None,
        }
    }

    /// The clock still runs toward (or past) its due instant: running, at risk, or breached
    /// while unanswered and the ticket not resolved.
    pub fn clock_running(&self) -> bool {
        self.stopped_at.is_none()
            && matches!(
                self.state,
                SlaState::Running | SlaState::AtRisk | SlaState::Breached
            )
    }

    /// The state as users see it: `met-late` for a metric answered after its due instant
    /// (rule 5: breached, never met), else [`SlaState::as_str`].
    pub fn shown_state(&self) -> &'static str {
        if self.is_met_late() {
            "met-late"
        } else {
            self.state.as_str()
        }
    }

    /// Met late: answered after the due instant (rule 5).
    pub fn is_met_late(&self) -> bool {
        self.late_by_seconds().is_some()
    }

    /// Wall seconds (rounded up) from the breach to the answer of a metric met late.
    pub fn late_by_seconds(&self) -> Option<i64> {
        match (self.state, self.answered_at, self.breached_at) {
            (SlaState::Breached, Some(a), Some(b)) if a > b => {
                let ms = (a - b).num_milliseconds();
                Some((ms + 999) / 1000)
            }
            _ => None,
        }
    }
}

/// `met late +HH:MM` for a metric answered after its due instant (wall time from the
/// due instant to the answer, whole minutes rounded up, so one second late reads
/// `+00:01`; hours are not capped at 24); `None` for any other metric.
/// Whole seconds from `now` until `due`, rounded down, as every countdown shows them: the
/// moment a target is missed it reads -00:00:01, never 00:00:00 after the due instant.
pub fn seconds_until(due: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let d = due - now;
    let s = d.num_seconds();
    if d < chrono::Duration::seconds(s) {
        s - 1
    } else {
        s
    }
}

/// `at` rounded up to a whole second: a second that has begun counts as elapsed, so the
/// seconds left (target minus elapsed) round down like [`seconds_until`].
fn started_second(at: DateTime<Utc>) -> DateTime<Utc> {
    if at.timestamp_subsec_nanos() == 0 {
        at
    } else {
        DateTime::from_timestamp(at.timestamp() + 1, 0).unwrap_or(at)
    }
}

pub fn late_label(m: &MetricStatus) -> Option<String> {
    m.late_by_seconds().map(late_text)
}

/// `met late +HH:MM` for an answer `seconds` after the due instant (minutes rounded up).
pub fn late_text(seconds: i64) -> String {
    let mins = (seconds.max(0) + 59) / 60;
    format!("met late +{:02}:{:02}", mins / 60, mins % 60)
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

    /// Earliest instant at which `seconds` clock seconds have elapsed since `from`;
    /// `None` when it lies more than [`HORIZON_DAYS`] after `from`.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        match self {
            ClockRef::Wall if seconds > HORIZON_SECONDS => None,
            ClockRef::Wall => from.checked_add_signed(Duration::seconds(seconds)),
            ClockRef::Business { calendar, tz } => {
                calendar.add_business_seconds(*tz, from, seconds)
            }
        }
    }
}

/// Due instant for a fresh ticket, no pauses; `Ok(None)` when the plan (or severity)
/// has no first-response target, an error when the due instant is beyond the horizon.
pub fn first_response_due(
    set: &PolicySet,
    plan: &str,
    severity: &str,
    tz: Tz,
    opened: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, SlaError> {
    let Some(target) = set.target(plan, Metric::FirstResponse, severity) else {
        return Ok(None);
    };
    let Some(clock) = ClockRef::for_target(set, target, tz) else {
        return Ok(None);
    };
    reach(&clock, opened, &[], target.seconds)
}

type Span = (DateTime<Utc>, Option<DateTime<Utc>>);

/// Spans clipped to `[opened, …)`, ignoring those that start after `now`, sorted and
/// merged; an open span swallows everything after its start.
fn normalized(
    spans: impl IntoIterator<Item = Pause>,
    opened: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Span> {
    let mut v: Vec<Span> = spans
        .into_iter()
        .filter(|p| p.start <= now)
        .map(|p| (p.start.max(opened), p.end))
        .filter(|(s, e)| e.is_none_or(|e| e > *s))
        .collect();
    v.sort_by_key(|p| p.0);
    let mut out: Vec<Span> = Vec::with_capacity(v.len());
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

/// Active (unfrozen) clock seconds in `[opened, until)`.
fn active_elapsed(
    clock: &ClockRef<'_>,
    opened: DateTime<Utc>,
    frozen: &[Span],
    until: DateTime<Utc>,
) -> i64 {
    let mut total = 0;
    let mut cur = opened;
    for &(ps, pe) in frozen {
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

/// Earliest instant at which active elapsed time reaches `amount`; `Ok(None)` if an
/// open span freezes the clock before; an error when the instant lies more than the
/// horizon after `opened`.
fn reach(
    clock: &ClockRef<'_>,
    opened: DateTime<Utc>,
    frozen: &[Span],
    amount: i64,
) -> Result<Option<DateTime<Utc>>, SlaError> {
    let mut left = amount;
    let mut cur = opened;
    for &(ps, pe) in frozen {
        let m = clock.between(cur, ps);
        if left <= m {
            break;
        }
        left -= m;
        match pe {
            Some(e) => cur = cur.max(e),
            None => return Ok(None),
        }
    }
    let limit = opened
        .checked_add_signed(Duration::seconds(HORIZON_SECONDS))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    match clock.add(cur, left) {
        Some(d) if d <= limit => Ok(Some(d)),
        _ => Err(SlaError::BeyondHorizon),
    }
}

/// Elapsed share at which a target becomes at risk, in whole seconds (1..=T).
pub fn at_risk_seconds(target_seconds: i64, share: f64) -> i64 {
    ((target_seconds as f64 * share).ceil() as i64).clamp(1, target_seconds.max(1))
}

/// Evaluates every metric the set's `plan` defines (first-response always, and any
/// metric with a recorded breach), for a ticket of `severity` in an organization in
/// `tz`. `plan` is the effective plan (the caller resolves retirement with
/// [`PolicySet::effective_plan`]). The rules are in the module documentation.
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
    for m in Metric::ALL {
        if !metrics.contains(&m) && timeline.recorded_breaches.iter().any(|b| b.metric == m) {
            metrics.push(m);
        }
    }
    metrics
        .into_iter()
        .map(|metric| {
            let target = set.target(plan, metric, severity);
            if metric == Metric::NextResponse {
                return next_response_status(set, target, tz, timeline, now);
            }
            let st = metric_status(set, metric, target, tz, timeline, now);
            apply_recorded_breach(set, st, tz, timeline, now)
        })
        .collect()
}

/// Next-response cycles `[start, answered)` (rule 9), oldest first; the last one may be
/// unanswered (`None`).
pub fn next_response_cycles(
    timeline: &TicketTimeline,
) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let Some(first) = timeline.first_response_at else {
        return Vec::new();
    };
    // Replies before messages at the same instant: a reply cannot answer a message of its
    // own second.
    let mut events: Vec<(DateTime<Utc>, bool)> = timeline
        .public_replies
        .iter()
        .map(|&r| (r, false))
        .chain(
            timeline
                .customer_messages
                .iter()
                .filter(|&&c| c >= first)
                .map(|&c| (c, true)),
        )
        .collect();
    events.sort();
    let mut cycles = Vec::new();
    let mut open: Option<DateTime<Utc>> = None;
    for (at, customer) in events {
        match (customer, open) {
            (true, None) if at >= first => open = Some(at),
            (false, Some(start)) => {
                cycles.push((start, Some(at)));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        cycles.push((start, None));
    }
    cycles
}

/// Rule 9: the current (or last) next-response cycle, earlier breaches kept.
fn next_response_status(
    set: &PolicySet,
    target: Option<&Target>,
    tz: Tz,
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> MetricStatus {
    let metric = Metric::NextResponse;
    let recorded = timeline
        .recorded_breaches
        .iter()
        .filter(|b| b.metric == metric)
        .map(|b| b.at)
        .min();
    let cycles = next_response_cycles(timeline);
    let Some(&(start, answered)) = cycles.last() else {
        let mut st = MetricStatus::not_applicable(metric, target.cloned());
        if let Some(rec) = recorded {
            st.state = SlaState::Breached;
            st.breached_at = Some(rec);
            st.due = Some(rec);
        }
        return st;
    };
    let mut earlier: Option<DateTime<Utc>> = None;
    for &(s, a) in &cycles[..cycles.len() - 1] {
        let st = cycle_status(set, metric, target, tz, timeline, s, a, now);
        if st.state == SlaState::Breached
            && let Some(b) = st.breached_at
        {
            earlier = Some(earlier.map_or(b, |e: DateTime<Utc>| e.min(b)));
        }
    }
    let mut st = cycle_status(set, metric, target, tz, timeline, start, answered, now);
    // A recorded breach belongs to the cycle it happened in.
    if let Some(rec) = recorded {
        if rec >= start {
            let tl = TicketTimeline {
                opened: start,
                ..timeline.clone()
            };
            st = apply_recorded_breach(set, st, tz, &tl, now);
        } else {
            earlier = Some(earlier.map_or(rec, |e| e.min(rec)));
        }
    }
    st.earlier_breach = earlier;
    st
}

/// One next-response cycle measured like a metric opened at `start`.
#[allow(clippy::too_many_arguments)]
fn cycle_status(
    set: &PolicySet,
    metric: Metric,
    target: Option<&Target>,
    tz: Tz,
    timeline: &TicketTimeline,
    start: DateTime<Utc>,
    answered: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> MetricStatus {
    let tl = TicketTimeline {
        opened: start,
        first_response_at: answered,
        recorded_breaches: Vec::new(),
        ..timeline.clone()
    };
    metric_status(set, metric, target, tz, &tl, now)
}

/// When the ticket is resolved or closed now, since when.
fn resolved_now(timeline: &TicketTimeline) -> Option<DateTime<Utc>> {
    timeline.resolved_at.or_else(|| {
        timeline
            .resolved_spans
            .iter()
            .filter(|p| p.end.is_none())
            .map(|p| p.start)
            .min()
    })
}

/// The spans during which `metric`'s clock stands still (before the current
/// resolution, which is handled as a stop).
fn frozen_spans(metric: Metric, timeline: &TicketTimeline, now: DateTime<Utc>) -> Vec<Span> {
    let past_resolved = timeline
        .resolved_spans
        .iter()
        .copied()
        .filter(|p| p.end.is_some());
    match metric {
        Metric::FirstResponse => normalized(past_resolved, timeline.opened, now),
        Metric::NextResponse | Metric::Resolution => normalized(
            past_resolved.chain(timeline.pauses.iter().copied()),
            timeline.opened,
            now,
        ),
    }
}

fn metric_status(
    set: &PolicySet,
    metric: Metric,
    target: Option<&Target>,
    tz: Tz,
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> MetricStatus {
    let Some(target) = target else {
        return MetricStatus::not_applicable(metric, None);
    };
    let resolved = resolved_now(timeline);
    let event = match metric {
        Metric::FirstResponse => timeline.first_response_at,
        Metric::Resolution => resolved,
        // A cycle's answer: `cycle_status` passes it as the shifted timeline's first response.
        Metric::NextResponse => timeline.first_response_at,
    };
    let Some(clock) = ClockRef::for_target(set, target, tz) else {
        return MetricStatus::not_applicable(metric, Some(target.clone()));
    };
    let t = target.seconds;
    let opened = timeline.opened;
    let frozen = frozen_spans(metric, timeline, now);
    let due = reach(&clock, opened, &frozen, t);
    let mut st = MetricStatus {
        due: None,
        ..MetricStatus::not_applicable(metric, Some(target.clone()))
    };
    let measure_until = |at: DateTime<Utc>, st: &mut MetricStatus| {
        let e = active_elapsed(&clock, opened, &frozen, at);
        st.elapsed_seconds = e;
        st.remaining_seconds = Some(t - e);
    };

    // Answered while the ticket was not resolved (a reply given while it is resolved
    // does not count: resolution decided the outcome).
    if let Some(r) = event.filter(|&r| resolved.is_none_or(|s| r <= s)) {
        measure_until(r, &mut st);
        st.answered_at = Some(r);
        st.stopped_at = Some(r);
        match due {
            Ok(Some(d)) if r > d => {
                st.state = SlaState::Breached;
                st.breached_at = Some(d);
                st.due = Some(d);
            }
            Ok(d) => {
                st.state = SlaState::Met;
                st.due = d;
            }
            Err(_) => st.state = SlaState::Met,
        }
        return st;
    }
    // Resolved or closed before it was answered: every clock stopped then.
    if let Some(s) = resolved {
        measure_until(s, &mut st);
        st.stopped_at = Some(s);
        match due {
            Ok(Some(d)) if d < s => {
                st.state = SlaState::Breached;
                st.breached_at = Some(d);
                st.due = Some(d);
            }
            d => {
                st.state = SlaState::Stopped;
                st.due = d.ok().flatten();
            }
        }
        return st;
    }
    // Running.
    let due = match due {
        Ok(d) => d,
        Err(e) => {
            st.error = Some(e);
            st.elapsed_seconds = active_elapsed(&clock, opened, &frozen, now);
            return st;
        }
    };
    measure_until(started_second(now), &mut st);
    let paused = frozen.last().is_some_and(|p| p.1.is_none());
    match due {
        Some(d) if now > d => {
            st.state = SlaState::Breached;
            st.breached_at = Some(d);
            st.due = Some(d);
        }
        _ if paused => st.state = SlaState::Paused,
        _ => {
            let risk_at = reach(
                &clock,
                opened,
                &frozen,
                at_risk_seconds(t, set.at_risk_share),
            )
            .ok()
            .flatten();
            st.due = due;
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

/// Rule 7: a recorded breach stands unless the computed one is earlier.
fn apply_recorded_breach(
    set: &PolicySet,
    mut st: MetricStatus,
    tz: Tz,
    timeline: &TicketTimeline,
    now: DateTime<Utc>,
) -> MetricStatus {
    let Some(rec) = timeline
        .recorded_breaches
        .iter()
        .filter(|b| b.metric == st.metric)
        .map(|b| b.at)
        .min()
    else {
        return st;
    };
    if st.state == SlaState::Breached && st.breached_at.is_some_and(|b| b <= rec) {
        return st;
    }
    // The answer (or resolution) that stopped the clock, even when no target applies now.
    if st.answered_at.is_none() {
        let resolved = resolved_now(timeline);
        st.answered_at = match st.metric {
            Metric::FirstResponse => timeline
                .first_response_at
                .filter(|r| resolved.is_none_or(|s| *r <= s)),
            Metric::Resolution => resolved,
            Metric::NextResponse => None,
        };
        st.stopped_at = st.stopped_at.or(st.answered_at);
    }
    // The clock stood still from the stop instant on (answer, resolution), else runs to now.
    let end = st
        .answered_at
        .or_else(|| resolved_now(timeline))
        .unwrap_or(now);
    st.remaining_seconds = st
        .target
        .as_ref()
        .and_then(|target| ClockRef::for_target(set, target, tz))
        .map(|clock| {
            let frozen = frozen_spans(st.metric, timeline, now);
            let since = active_elapsed(&clock, timeline.opened, &frozen, end)
                - active_elapsed(&clock, timeline.opened, &frozen, rec);
            -since.max(0)
        });
    st.state = SlaState::Breached;
    st.breached_at = Some(rec);
    st.due = Some(rec);
    st.next_change = None;
    st.error = None;
    // Resolving stops this clock too, even when no target applies any more.
    st.stopped_at = st.stopped_at.or_else(|| resolved_now(timeline));
    st
}
