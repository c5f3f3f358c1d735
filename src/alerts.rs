//! Which SLA alerts are due for one ticket, from the one SLA evaluation: the at-risk instant
//! and the breach instant of every running metric, exact to the second, and the next
//! instant worth waking up for. Pure: the caller passes `now` and an evaluation function, the
//! watcher (`tuidesk watch`) claims, gates and fires.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::policy::Metric;
use crate::sla::{MetricStatus, SlaState, TicketTimeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    AtRisk,
    Breached,
    CustomerReplied,
    AssignedToMe,
}

impl AlertKind {
    pub const ALL: [AlertKind; 4] = [
        AlertKind::AtRisk,
        AlertKind::Breached,
        AlertKind::CustomerReplied,
        AlertKind::AssignedToMe,
    ];

    /// The hook's name in `[hooks]` and the event's `kind` in its JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::AtRisk => "at_risk",
            AlertKind::Breached => "breached",
            AlertKind::CustomerReplied => "customer_replied",
            AlertKind::AssignedToMe => "assigned_to_me",
        }
    }
}

/// One alert that is due: what happened to which ticket, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAlert {
    pub ticket_id: i64,
    pub kind: AlertKind,
    pub metric: Option<Metric>,
    /// The instant it happened (the at-risk or breach instant, the message, the assignment).
    pub at: DateTime<Utc>,
    /// The metric's due instant (SLA alerts).
    pub due: Option<DateTime<Utc>>,
    /// Unique per happening: the alert log's key, so each fires once among all watchers.
    pub key: String,
}

/// The SLA alerts of one ticket at `now` (at-risk and breached, per running metric) and the
/// next instant one of its metrics changes state. `eval(t)` evaluates the same ticket at
/// `t` (the same inputs); it finds a past at-risk instant to the second.
///
/// `handled(key)` says an alert was already dealt with (by this watcher): it is left out
/// without the search for its instant.
pub fn sla_alerts(
    ticket_id: i64,
    timeline: &TicketTimeline,
    metrics: &[MetricStatus],
    now: DateTime<Utc>,
    eval: &dyn Fn(DateTime<Utc>) -> Vec<MetricStatus>,
    handled: &dyn Fn(&str) -> bool,
) -> (Vec<DueAlert>, Option<DateTime<Utc>>) {
    let mut alerts = Vec::new();
    let mut wake: Option<DateTime<Utc>> = None;
    let mut wake_at = |t: DateTime<Utc>| {
        if t > now {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
    };
    for m in metrics.iter().filter(|m| m.clock_running()) {
        let Some(due) = m.due else { continue };
        let cycle = cycle_start(m.metric, timeline, now);
        let key = |kind: AlertKind| {
            format!(
                "{ticket_id}:{}:{}:{}",
                m.metric.as_str(),
                kind.as_str(),
                cycle.timestamp()
            )
        };
        match m.state {
            SlaState::Running => {
                if let Some(risk) = m.next_change {
                    wake_at(risk);
                }
                wake_at(due);
            }
            SlaState::AtRisk | SlaState::Breached => {
                let risk_key = key(AlertKind::AtRisk);
                if !handled(&risk_key) {
                    alerts.push(DueAlert {
                        ticket_id,
                        kind: AlertKind::AtRisk,
                        metric: Some(m.metric),
                        at: first_instant_at_risk(m.metric, cycle, now, eval),
                        due: Some(due),
                        key: risk_key,
                    });
                }
                if m.state == SlaState::Breached && due <= now {
                    if handled(&key(AlertKind::Breached)) {
                        continue;
                    }
                    alerts.push(DueAlert {
                        ticket_id,
                        kind: AlertKind::Breached,
                        metric: Some(m.metric),
                        at: due,
                        due: Some(due),
                        key: key(AlertKind::Breached),
                    });
                } else {
                    wake_at(due);
                }
            }
            _ => {}
        }
    }
    (alerts, wake)
}

/// Where the metric's current cycle began: the unanswered customer message for next
/// response, the ticket's opening otherwise.
fn cycle_start(metric: Metric, timeline: &TicketTimeline, now: DateTime<Utc>) -> DateTime<Utc> {
    if metric == Metric::NextResponse
        && let Some(last) = timeline.customer_messages.iter().rev().find(|m| **m <= now)
    {
        return *last;
    }
    timeline.opened
}

/// The earliest second in `(from, now]` at which `metric` is at risk or breached, by
/// bisection (a metric's state only advances while no event happens; events before the
/// cycle began do not matter).
fn first_instant_at_risk(
    metric: Metric,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    eval: &dyn Fn(DateTime<Utc>) -> Vec<MetricStatus>,
) -> DateTime<Utc> {
    let at_risk = |t: DateTime<Utc>| {
        eval(t)
            .iter()
            .find(|m| m.metric == metric)
            .is_some_and(|m| matches!(m.state, SlaState::AtRisk | SlaState::Breached))
    };
    let (mut lo, mut hi) = (from.timestamp(), now.timestamp());
    if hi <= lo || at_risk(from) {
        return from.min(now);
    }
    // Invariant: not at risk at lo, at risk at hi.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let t = DateTime::<Utc>::from_timestamp(mid, 0).unwrap_or(now);
        if at_risk(t) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::<Utc>::from_timestamp(hi, 0).unwrap_or(now)
}

/// Alerts older than `max_age` are not fired when a watcher catches up (it says how many it
/// skipped instead).
pub fn too_old(alert: &DueAlert, now: DateTime<Utc>, max_age: Duration) -> bool {
    alert.at < now - max_age
}

/// What a hook receives on standard input.
pub struct AlertTicket<'a> {
    pub id: i64,
    pub org: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    pub summary: &'a str,
    pub assignee: Option<&'a str>,
    pub tz: &'a str,
}

pub fn event_json(alert: &DueAlert, t: &AlertTicket<'_>, fired_at: DateTime<Utc>) -> Value {
    json!({
        "kind": alert.kind.as_str(),
        "ticket": {
            "id": t.id, "org": t.org, "severity": t.severity, "status": t.status,
            "summary": t.summary, "assignee": t.assignee, "tz": t.tz,
        },
        "metric": alert.metric.map(|m| m.as_str()),
        "at": alert.at.to_rfc3339(),
        "due": alert.due.map(|d| d.to_rfc3339()),
        "fired_at": fired_at.to_rfc3339(),
        "key": alert.key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::TicketTimeline;
    use chrono::TimeZone;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 6, h, m, s).unwrap()
    }

    fn timeline(opened: DateTime<Utc>) -> TicketTimeline {
        TicketTimeline {
            opened,
            pauses: Vec::new(),
            first_response_at: None,
            resolved_at: None,
            resolved_spans: Vec::new(),
            recorded_breaches: Vec::new(),
            customer_messages: Vec::new(),
            public_replies: Vec::new(),
        }
    }

    /// A wall-clock first response of one hour, at risk after 75 % (45 minutes).
    fn eval_at(opened: DateTime<Utc>) -> impl Fn(DateTime<Utc>) -> Vec<MetricStatus> {
        move |now: DateTime<Utc>| {
            let due = opened + Duration::hours(1);
            let risk = opened + Duration::minutes(45);
            let state = if now >= due {
                SlaState::Breached
            } else if now >= risk {
                SlaState::AtRisk
            } else {
                SlaState::Running
            };
            vec![MetricStatus {
                metric: Metric::FirstResponse,
                target: None,
                due: Some(due),
                elapsed_seconds: (now - opened).num_seconds(),
                remaining_seconds: Some(crate::sla::seconds_until(due, now)),
                state,
                next_change: Some(if state == SlaState::Running {
                    risk
                } else {
                    due
                }),
                breached_at: (state == SlaState::Breached).then_some(due),
                answered_at: None,
                stopped_at: None,
                error: None,
                earlier_breach: None,
            }]
        }
    }

    #[test]
    fn a_running_metric_wakes_the_watcher_at_its_at_risk_instant() {
        let opened = t(9, 0, 0);
        let eval = eval_at(opened);
        let now = t(9, 10, 0);
        let (alerts, wake) = sla_alerts(7, &timeline(opened), &eval(now), now, &eval, &|_| false);
        assert!(alerts.is_empty());
        assert_eq!(wake, Some(t(9, 45, 0)));
    }

    #[test]
    fn at_risk_is_due_at_its_exact_second_then_the_breach() {
        let opened = t(9, 0, 0);
        let eval = eval_at(opened);
        let now = t(9, 52, 17);
        let (alerts, wake) = sla_alerts(7, &timeline(opened), &eval(now), now, &eval, &|_| false);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::AtRisk);
        assert_eq!(alerts[0].at, t(9, 45, 0), "found to the second");
        assert_eq!(
            alerts[0].key,
            format!("7:first-response:at_risk:{}", opened.timestamp())
        );
        assert_eq!(wake, Some(t(10, 0, 0)));

        let now = t(11, 0, 0);
        let (alerts, wake) = sla_alerts(7, &timeline(opened), &eval(now), now, &eval, &|_| false);
        let kinds: Vec<_> = alerts.iter().map(|a| (a.kind, a.at)).collect();
        assert_eq!(
            kinds,
            [
                (AlertKind::AtRisk, t(9, 45, 0)),
                (AlertKind::Breached, t(10, 0, 0))
            ]
        );
        assert_eq!(wake, None);
        // What this watcher already handled is left out.
        let (alerts, _) = sla_alerts(7, &timeline(opened), &eval(now), now, &eval, &|k: &str| {
            k.contains("at_risk")
        });
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::Breached);
    }

    #[test]
    fn stopped_clocks_raise_nothing_and_old_alerts_are_too_old() {
        let opened = t(9, 0, 0);
        let now = t(11, 0, 0);
        let mut m = eval_at(opened)(now);
        m[0].state = SlaState::Met;
        m[0].stopped_at = Some(t(9, 30, 0));
        let (alerts, wake) =
            sla_alerts(7, &timeline(opened), &m, now, &eval_at(opened), &|_| false);
        assert!(alerts.is_empty() && wake.is_none());

        let eval = eval_at(opened);
        let (alerts, _) = sla_alerts(7, &timeline(opened), &eval(now), now, &eval, &|_| false);
        assert!(!too_old(&alerts[1], now, Duration::hours(2)));
        assert!(too_old(&alerts[1], now, Duration::minutes(30)));
    }

    #[test]
    fn next_response_alerts_are_per_customer_message() {
        let opened = t(8, 0, 0);
        let mut tl = timeline(opened);
        tl.customer_messages = vec![t(9, 0, 0)];
        let eval = move |now: DateTime<Utc>| {
            let mut m = eval_at(t(9, 0, 0))(now);
            m[0].metric = Metric::NextResponse;
            m
        };
        let now = t(9, 50, 0);
        let (alerts, _) = sla_alerts(7, &tl, &eval(now), now, &eval, &|_| false);
        assert_eq!(alerts[0].at, t(9, 45, 0));
        assert!(
            alerts[0]
                .key
                .ends_with(&format!(":{}", t(9, 0, 0).timestamp()))
        );
    }
}
