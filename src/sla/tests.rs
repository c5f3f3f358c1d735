//! Unit tests of the SLA engine: every target cell of DOMAIN.md, time zones, DST,
//! pauses, holidays and make-up days.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::*;
use crate::policy::{Metric, PolicySet};

const NY: Tz = chrono_tz::America::New_York;
const BERLIN: Tz = chrono_tz::Europe::Berlin;
const SYDNEY: Tz = chrono_tz::Australia::Sydney;
const KOLKATA: Tz = chrono_tz::Asia::Kolkata;
const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

fn set(name: &str) -> PolicySet {
    crate::config::policies::builtin()
        .unwrap()
        .get(name)
        .unwrap()
        .clone()
}

fn cc() -> PolicySet {
    set("connected-care")
}

/// A local wall-clock time ("2026-02-02 10:00") in `tz` as an instant.
fn at(tz: Tz, s: &str) -> DateTime<Utc> {
    let n = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&n)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn local(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn due_local(set: &PolicySet, plan: &str, sev: &str, tz: Tz, opened: &str) -> Option<String> {
    frd(set, plan, sev, tz, at(tz, opened)).map(|d| local(tz, d))
}

/// `first_response_due` for cases well inside the horizon.
fn frd(
    set: &PolicySet,
    plan: &str,
    sev: &str,
    tz: Tz,
    opened: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    first_response_due(set, plan, sev, tz, opened).expect("due within the horizon")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---------------------------------------------------------------- every table cell
// Connected Care, opened Monday 2026-02-02 10:00 America/New_York (EST, UTC-5).

macro_rules! cc_cell {
    ($name:ident, $plan:literal, $sev:literal, $expected:expr) => {
        #[test]
        fn $name() {
            let expected: Option<&str> = $expected;
            assert_eq!(
                due_local(&cc(), $plan, $sev, NY, "2026-02-02 10:00").as_deref(),
                expected,
                "{} {}",
                $plan,
                $sev
            );
        }
    };
}

cc_cell!(cc_basic_s1, "basic", "S1", None);
cc_cell!(cc_basic_s2, "basic", "S2", None);
cc_cell!(cc_basic_s3, "basic", "S3", None);
cc_cell!(cc_basic_s4, "basic", "S4", None);
// Developer: 4 / 8 / 12 / 24 business hours
cc_cell!(cc_developer_s1, "developer", "S1", Some("2026-02-02 14:00"));
cc_cell!(cc_developer_s2, "developer", "S2", Some("2026-02-02 18:00"));
cc_cell!(cc_developer_s3, "developer", "S3", Some("2026-02-03 13:00"));
cc_cell!(cc_developer_s4, "developer", "S4", Some("2026-02-04 16:00"));
// Enterprise: 1 h / 2 h 24x7, 8 / 24 business hours
cc_cell!(
    cc_enterprise_s1,
    "enterprise",
    "S1",
    Some("2026-02-02 11:00")
);
cc_cell!(
    cc_enterprise_s2,
    "enterprise",
    "S2",
    Some("2026-02-02 12:00")
);
cc_cell!(
    cc_enterprise_s3,
    "enterprise",
    "S3",
    Some("2026-02-02 18:00")
);
cc_cell!(
    cc_enterprise_s4,
    "enterprise",
    "S4",
    Some("2026-02-04 16:00")
);
// Premium: 30 min / 1 h 24x7, 4 / 24 business hours
cc_cell!(cc_premium_s1, "premium", "S1", Some("2026-02-02 10:30"));
cc_cell!(cc_premium_s2, "premium", "S2", Some("2026-02-02 11:00"));
cc_cell!(cc_premium_s3, "premium", "S3", Some("2026-02-02 14:00"));
cc_cell!(cc_premium_s4, "premium", "S4", Some("2026-02-04 16:00"));

#[test]
fn cc_cells_in_utc() {
    // one explicit UTC check so the local helper cannot hide an offset mistake
    let d = frd(&cc(), "developer", "S4", NY, utc("2026-02-02T15:00:00Z"));
    assert_eq!(d, Some(utc("2026-02-04T21:00:00Z")));
    let d = frd(&cc(), "premium", "S1", NY, utc("2026-02-02T15:00:00Z"));
    assert_eq!(d, Some(utc("2026-02-02T15:30:00Z")));
}

// CTyun, opened Saturday 2026-02-07 23:45 Asia/Shanghai: all 7x24, weekends count.
macro_rules! ctyun_cell {
    ($name:ident, $plan:literal, $sev:literal, $expected:literal) => {
        #[test]
        fn $name() {
            assert_eq!(
                due_local(&set("ctyun"), $plan, $sev, SHANGHAI, "2026-02-07 23:45").as_deref(),
                Some($expected),
                "{} {}",
                $plan,
                $sev
            );
        }
    };
}

ctyun_cell!(
    ctyun_standard_urgent,
    "standard",
    "urgent",
    "2026-02-08 00:15"
);
ctyun_cell!(
    ctyun_standard_general,
    "standard",
    "general",
    "2026-02-08 00:45"
);
ctyun_cell!(
    ctyun_lightweight_urgent,
    "lightweight",
    "urgent",
    "2026-02-07 23:55"
);
ctyun_cell!(
    ctyun_lightweight_general,
    "lightweight",
    "general",
    "2026-02-08 00:15"
);
ctyun_cell!(
    ctyun_business_urgent,
    "business",
    "urgent",
    "2026-02-07 23:55"
);
ctyun_cell!(
    ctyun_business_general,
    "business",
    "general",
    "2026-02-08 00:15"
);
ctyun_cell!(
    ctyun_enterprise_urgent,
    "enterprise",
    "urgent",
    "2026-02-07 23:55"
);
ctyun_cell!(
    ctyun_enterprise_general,
    "enterprise",
    "general",
    "2026-02-08 00:15"
);

#[test]
fn unknown_plan_or_severity_has_no_target() {
    let s = cc();
    assert_eq!(frd(&s, "gold", "S1", NY, utc("2026-02-02T15:00:00Z")), None);
    assert_eq!(
        frd(&s, "developer", "S9", NY, utc("2026-02-02T15:00:00Z")),
        None
    );
}

// ------------------------------------------------------------- opening positions

#[test]
fn opened_before_at_and_after_opening_hours() {
    let s = cc();
    // developer S1 = 4 business hours; Tuesday 2026-02-03
    let d = |o| due_local(&s, "developer", "S1", NY, o).unwrap();
    assert_eq!(d("2026-02-03 07:00"), "2026-02-03 13:00"); // before opening
    assert_eq!(d("2026-02-03 09:00"), "2026-02-03 13:00"); // at opening
    assert_eq!(d("2026-02-03 17:59"), "2026-02-04 12:59"); // a minute before closing
    assert_eq!(d("2026-02-03 18:00"), "2026-02-04 13:00"); // at closing: [09:00, 18:00)
    assert_eq!(d("2026-02-03 20:00"), "2026-02-04 13:00"); // after closing
    assert_eq!(d("2026-02-06 16:00"), "2026-02-09 11:00"); // Friday afternoon → Monday
    assert_eq!(d("2026-02-07 11:00"), "2026-02-09 13:00"); // Saturday
    assert_eq!(d("2026-02-08 23:59"), "2026-02-09 13:00"); // Sunday night
}

#[test]
fn target_ending_exactly_at_closing_is_due_at_closing() {
    let s = cc();
    // enterprise S3 = 8 business hours from 10:00 → 18:00 the same day, not 09:00 next day
    let opened = at(NY, "2026-02-02 10:00");
    let due = frd(&s, "enterprise", "S3", NY, opened).unwrap();
    assert_eq!(local(NY, due), "2026-02-02 18:00");
    // 9 business hours from opening = a full day → 18:00 too
    let cal = s.calendar("business").unwrap();
    let d = cal
        .add_business_seconds(NY, at(NY, "2026-02-03 09:00"), 9 * 3600)
        .unwrap();
    assert_eq!(local(NY, d), "2026-02-03 18:00");

    let tl = TicketTimeline {
        opened,
        ..Default::default()
    };
    let ev = |now| evaluate(&s, "enterprise", "S3", NY, &tl, now)[0].clone();
    let st = ev(due);
    assert_eq!(st.state, SlaState::AtRisk);
    assert_eq!(st.next_change, Some(due));
    assert_eq!(st.remaining_seconds, Some(0));
    let st = ev(due + chrono::Duration::seconds(1));
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.breached_at, Some(due));
    // a reply at 18:00 meets it; one at 20:00 (no business time has passed since) is late
    let met = TicketTimeline {
        first_response_at: Some(due),
        ..tl.clone()
    };
    assert_eq!(
        evaluate(&s, "enterprise", "S3", NY, &met, at(NY, "2026-02-03 09:00"))[0].state,
        SlaState::Met
    );
    let late = TicketTimeline {
        first_response_at: Some(at(NY, "2026-02-02 20:00")),
        ..tl
    };
    let st = evaluate(
        &s,
        "enterprise",
        "S3",
        NY,
        &late,
        at(NY, "2026-02-03 09:00"),
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.breached_at, Some(due));
}

#[test]
fn across_year_end() {
    let s = cc();
    // developer S3 = 12 h from Wed 2025-12-31 16:00: 2 h + Thu 1 Jan 9 h + Fri 1 h
    assert_eq!(
        due_local(&s, "developer", "S3", BERLIN, "2025-12-31 16:00").as_deref(),
        Some("2026-01-02 10:00")
    );
    // with New Year's Day a holiday, Thursday is skipped
    let cal = Calendar::builder()
        .weekdays(&["09:00-18:00"])
        .holiday(date(2026, 1, 1))
        .build()
        .unwrap();
    let d = cal
        .add_business_seconds(BERLIN, at(BERLIN, "2025-12-31 16:00"), 12 * 3600)
        .unwrap();
    assert_eq!(local(BERLIN, d), "2026-01-05 10:00");
    // a 24x7 target across midnight of the new year
    assert_eq!(
        due_local(&s, "premium", "S1", BERLIN, "2025-12-31 23:45").as_deref(),
        Some("2026-01-01 00:15")
    );
}

// ---------------------------------------------------------------------- time zones

#[test]
fn new_york_spring_forward() {
    // DST starts Sun 2026-03-08; Friday 17:00 EST (22:00Z) + 8 business h → Mon 16:00 EDT
    let d = frd(&cc(), "developer", "S2", NY, utc("2026-03-06T22:00:00Z"));
    assert_eq!(d, Some(utc("2026-03-09T20:00:00Z")));
}

#[test]
fn new_york_fall_back() {
    // DST ends Sun 2026-11-01; Friday 17:00 EDT (21:00Z) + 8 business h → Mon 16:00 EST
    let d = frd(&cc(), "developer", "S2", NY, utc("2026-10-30T21:00:00Z"));
    assert_eq!(d, Some(utc("2026-11-02T21:00:00Z")));
}

#[test]
fn berlin_both_dst_directions() {
    // 2026-03-29 CET→CEST: Fri 12:00 CET (11:00Z) + 12 h → Mon 15:00 CEST (13:00Z)
    let d = frd(
        &cc(),
        "developer",
        "S3",
        BERLIN,
        utc("2026-03-27T11:00:00Z"),
    );
    assert_eq!(d, Some(utc("2026-03-30T13:00:00Z")));
    // 2026-10-25 CEST→CET: Fri 12:00 CEST (10:00Z) + 12 h → Mon 15:00 CET (14:00Z)
    let d = frd(
        &cc(),
        "developer",
        "S3",
        BERLIN,
        utc("2026-10-23T10:00:00Z"),
    );
    assert_eq!(d, Some(utc("2026-10-26T14:00:00Z")));
}

#[test]
fn sydney_both_dst_directions() {
    // southern hemisphere: DST ends Sun 2026-04-05 (AEDT+11 → AEST+10)
    // Fri 15:00 AEDT (04:00Z) + 24 h: Fri 3 + Mon 9 + Tue 9 + Wed 3 → Wed 12:00 AEST (02:00Z)
    let d = frd(
        &cc(),
        "developer",
        "S4",
        SYDNEY,
        utc("2026-04-03T04:00:00Z"),
    );
    assert_eq!(d, Some(utc("2026-04-08T02:00:00Z")));
    // DST starts Sun 2026-10-04 (AEST+10 → AEDT+11)
    // Fri 15:00 AEST (05:00Z) → Wed 12:00 AEDT (01:00Z)
    let d = frd(
        &cc(),
        "developer",
        "S4",
        SYDNEY,
        utc("2026-10-02T05:00:00Z"),
    );
    assert_eq!(d, Some(utc("2026-10-07T01:00:00Z")));
}

#[test]
fn kolkata_half_hour_offset() {
    // Saturday 11:00 IST → counts from Monday 09:00 IST; + 4 h → 13:00 IST = 07:30Z
    let d = frd(
        &cc(),
        "developer",
        "S1",
        KOLKATA,
        at(KOLKATA, "2026-01-03 11:00"),
    );
    assert_eq!(d, Some(utc("2026-01-05T07:30:00Z")));
    let cal = cc().calendar("business").unwrap().clone();
    // 08:45Z = 14:15 IST Monday; 09:00 IST = 03:30Z
    assert_eq!(
        cal.business_seconds_between(
            KOLKATA,
            utc("2026-01-05T03:00:00Z"),
            utc("2026-01-05T08:45:00Z")
        ),
        (5 * 60 + 15) * 60
    );
}

#[test]
fn business_seconds_use_the_offset_of_the_day_in_question() {
    // dbt_zendesk #25: same UTC hours, different local hours after the DST switch
    let cal = cc().calendar("business").unwrap().clone();
    // Mon 2026-03-02 13:00Z-14:00Z = 08:00-09:00 EST: closed
    assert_eq!(
        cal.business_seconds_between(NY, utc("2026-03-02T13:00:00Z"), utc("2026-03-02T14:00:00Z")),
        0
    );
    // Mon 2026-03-09 13:00Z-14:00Z = 09:00-10:00 EDT: open
    assert_eq!(
        cal.business_seconds_between(NY, utc("2026-03-09T13:00:00Z"), utc("2026-03-09T14:00:00Z")),
        3600
    );
}

#[test]
fn round_the_clock_calendar_in_dst_gap_and_overlap() {
    let cal = Calendar::builder()
        .weekdays(&["00:00-24:00"])
        .hours(Weekday::Sat, &["00:00-24:00"])
        .hours(Weekday::Sun, &["00:00-24:00"])
        .build()
        .unwrap();
    // local 01:30 + 30 min = 02:00, which does not exist on 2026-03-08 → 03:00 EDT (07:00Z)
    let d = cal
        .add_business_seconds(NY, at(NY, "2026-03-08 01:30"), 1800)
        .unwrap();
    assert_eq!(d, utc("2026-03-08T07:00:00Z"));
    // local 00:30 + 1 h = 01:30, ambiguous on 2026-11-01 → the earliest (EDT, 05:30Z)
    let d = cal
        .add_business_seconds(NY, at(NY, "2026-11-01 00:30"), 3600)
        .unwrap();
    assert_eq!(d, utc("2026-11-01T05:30:00Z"));
}

// -------------------------------------------------------------------------- pauses
// Pending pauses the next-response and resolution clocks, never the first response.
// The built-in sets only define first-response targets, so these use `BOTH`.

/// A set whose plans carry first-response *and* resolution targets: `biz` on a
/// Mon–Fri 09:00–18:00 calendar, `wall` on 24×7.
const BOTH: &str = r#"
name = "both"
severities = ["high", "low"]
[calendars.business]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
[plans.biz.first_response]
high = { hours = 8, clock = "business", calendar = "business" }
low = { hours = 4, clock = "business", calendar = "business" }
[plans.biz.resolution]
high = { hours = 8, clock = "business", calendar = "business" }
low = { hours = 4, clock = "business", calendar = "business" }
[plans.wall.first_response]
high = { minutes = 60, clock = "24x7" }
low = { minutes = 30, clock = "24x7" }
[plans.wall.resolution]
high = { minutes = 60, clock = "24x7" }
low = { hours = 4, clock = "24x7" }
[plans.fr_only.first_response]
high = { minutes = 60, clock = "24x7" }
"#;

pub(super) fn both() -> PolicySet {
    crate::config::policies::parse_set(BOTH, "both.toml").unwrap()
}

/// The status of `metric` among evaluated metrics.
pub(super) fn pick(v: &[MetricStatus], metric: Metric) -> MetricStatus {
    v.iter()
        .find(|m| m.metric == metric)
        .unwrap_or_else(|| panic!("no {metric:?} in {v:?}"))
        .clone()
}

fn ev(
    s: &PolicySet,
    plan: &str,
    sev: &str,
    tz: Tz,
    tl: &TicketTimeline,
    now: DateTime<Utc>,
) -> (MetricStatus, MetricStatus) {
    let v = evaluate(s, plan, sev, tz, tl, now);
    (
        pick(&v, Metric::FirstResponse),
        pick(&v, Metric::Resolution),
    )
}

#[test]
fn pause_and_resume_across_a_weekend() {
    let s = both();
    // 8 business h each; opened Fri 2026-02-06 10:00; pending Fri 14:00 → Mon 11:00
    let opened = at(NY, "2026-02-06 10:00");
    let mut tl = TicketTimeline {
        opened,
        pauses: vec![Pause {
            start: at(NY, "2026-02-06 14:00"),
            end: None,
        }],
        ..Default::default()
    };
    // Saturday, still pending: resolution paused with 4 h left ...
    let (fr, res) = ev(&s, "biz", "high", NY, &tl, at(NY, "2026-02-07 12:00"));
    assert_eq!(res.state, SlaState::Paused);
    assert_eq!(res.due, None);
    assert_eq!(res.next_change, None);
    assert_eq!(res.remaining_seconds, Some(4 * 3600));
    assert_eq!(res.elapsed_seconds, 4 * 3600);
    // ... but the first response kept running through the pause: due Fri 18:00, breached
    assert_eq!(fr.state, SlaState::Breached);
    assert_eq!(local(NY, fr.due.unwrap()), "2026-02-06 18:00");
    assert_eq!(local(NY, fr.breached_at.unwrap()), "2026-02-06 18:00");
    assert_eq!(fr.elapsed_seconds, 8 * 3600);
    assert_eq!(fr.remaining_seconds, Some(0));

    tl.pauses[0].end = Some(at(NY, "2026-02-09 11:00"));
    // Monday 12:00: 5 h of 8 elapsed → running; at risk at 6 h (0.75) = 13:00
    let (fr, res) = ev(&s, "biz", "high", NY, &tl, at(NY, "2026-02-09 12:00"));
    assert_eq!(res.state, SlaState::Running);
    assert_eq!(local(NY, res.due.unwrap()), "2026-02-09 15:00");
    assert_eq!(local(NY, res.next_change.unwrap()), "2026-02-09 13:00");
    assert_eq!(res.elapsed_seconds, 5 * 3600);
    assert_eq!(fr.state, SlaState::Breached);
    assert_eq!(fr.elapsed_seconds, 11 * 3600);
    assert_eq!(fr.remaining_seconds, Some(-3 * 3600));
    let (_, res) = ev(&s, "biz", "high", NY, &tl, at(NY, "2026-02-09 14:00"));
    assert_eq!(res.state, SlaState::AtRisk);
    assert_eq!(local(NY, res.next_change.unwrap()), "2026-02-09 15:00");
    let (_, res) = ev(&s, "biz", "high", NY, &tl, at(NY, "2026-02-09 16:00"));
    assert_eq!(res.state, SlaState::Breached);
    assert_eq!(res.remaining_seconds, Some(-3600));
    assert_eq!(local(NY, res.breached_at.unwrap()), "2026-02-09 15:00");
}

#[test]
fn pause_on_a_wall_clock_shifts_resolution_due_exactly_not_first_response() {
    let s = both();
    let opened = at(SHANGHAI, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened,
        pauses: vec![Pause {
            start: at(SHANGHAI, "2026-02-02 10:20"),
            end: Some(at(SHANGHAI, "2026-02-02 10:50")),
        }],
        ..Default::default()
    };
    let (fr, res) = ev(
        &s,
        "wall",
        "high",
        SHANGHAI,
        &tl,
        at(SHANGHAI, "2026-02-02 11:00"),
    );
    assert_eq!(local(SHANGHAI, res.due.unwrap()), "2026-02-02 11:30");
    assert_eq!(res.elapsed_seconds, 30 * 60);
    assert_eq!(res.state, SlaState::Running);
    // at risk at 45 min of 60 → 11:15
    assert_eq!(
        local(SHANGHAI, res.next_change.unwrap()),
        "2026-02-02 11:15"
    );
    // first response: due 11:00 regardless of the pause; at 11:00 exactly it is not
    // breached yet (0 left), one second later it is
    assert_eq!(local(SHANGHAI, fr.due.unwrap()), "2026-02-02 11:00");
    assert_eq!(fr.state, SlaState::AtRisk);
    assert_eq!(fr.remaining_seconds, Some(0));
    let (fr, _) = ev(
        &s,
        "wall",
        "high",
        SHANGHAI,
        &tl,
        at(SHANGHAI, "2026-02-02 11:00") + chrono::Duration::seconds(1),
    );
    assert_eq!(fr.state, SlaState::Breached);
}

#[test]
fn pause_starting_before_opening_and_ending_on_a_weekend() {
    let s = both();
    // opened Thu 2026-02-05 20:00; pending from 19:00 (clipped to opening) to Sat 10:00
    let tl = TicketTimeline {
        opened: at(NY, "2026-02-05 20:00"),
        pauses: vec![Pause {
            start: at(NY, "2026-02-05 19:00"),
            end: Some(at(NY, "2026-02-07 10:00")),
        }],
        ..Default::default()
    };
    // resolution: Friday's hours were paused; counting starts Monday 09:00; 4 h → 13:00
    let (fr, res) = ev(&s, "biz", "low", NY, &tl, at(NY, "2026-02-09 10:00"));
    assert_eq!(local(NY, res.due.unwrap()), "2026-02-09 13:00");
    assert_eq!(res.elapsed_seconds, 3600);
    // first response: Friday counted, 4 h → Fri 13:00, long breached
    assert_eq!(local(NY, fr.due.unwrap()), "2026-02-06 13:00");
    assert_eq!(fr.state, SlaState::Breached);
}

#[test]
fn overlapping_and_unsorted_pauses_are_merged() {
    let s = both();
    let o = at(SHANGHAI, "2026-02-02 10:00");
    let m = |h: i64| o + chrono::Duration::minutes(h);
    let tl = TicketTimeline {
        opened: o,
        pauses: vec![
            Pause {
                start: m(20),
                end: Some(m(40)),
            },
            Pause {
                start: m(10),
                end: Some(m(25)),
            },
            Pause {
                start: m(30),
                end: Some(m(35)),
            },
        ],
        ..Default::default()
    };
    // paused 10..40 = 30 min → 60 min due at 10:90 = 11:30
    let (fr, res) = ev(&s, "wall", "high", SHANGHAI, &tl, m(50));
    assert_eq!(res.due, Some(m(90)));
    assert_eq!(res.elapsed_seconds, 20 * 60);
    assert_eq!(fr.due, Some(m(60)));
    assert_eq!(fr.elapsed_seconds, 50 * 60);
}

#[test]
fn pending_never_pauses_the_first_response() {
    // the same first-response status with and without any pattern of pauses
    let s = both();
    let opened = at(NY, "2026-02-06 10:00");
    let plain = TicketTimeline {
        opened,
        ..Default::default()
    };
    let patterns: [&[(&str, Option<&str>)]; 4] = [
        &[("2026-02-06 10:00", None)],
        &[("2026-02-06 11:00", Some("2026-02-09 17:00"))],
        &[
            ("2026-02-06 09:00", Some("2026-02-06 12:00")),
            ("2026-02-06 13:00", None),
        ],
        &[("2026-02-09 09:30", Some("2026-02-09 09:45"))],
    ];
    for (plan, sev) in [("biz", "high"), ("biz", "low"), ("wall", "high")] {
        for pattern in patterns {
            let tl = TicketTimeline {
                pauses: pattern
                    .iter()
                    .map(|(a, b)| Pause {
                        start: at(NY, a),
                        end: b.map(|b| at(NY, b)),
                    })
                    .collect(),
                ..plain.clone()
            };
            for now in ["2026-02-06 10:30", "2026-02-06 17:00", "2026-02-10 12:00"] {
                let now = at(NY, now);
                let with = ev(&s, plan, sev, NY, &tl, now).0;
                let without = ev(&s, plan, sev, NY, &plain, now).0;
                assert_eq!(with, without, "{plan} {sev} {pattern:?} {now}");
                assert_ne!(with.state, SlaState::Paused);
            }
        }
    }
}

#[test]
fn resolved_straight_from_pending_counts_only_active_time() {
    // frappe/helpdesk #3776: going from on-hold to resolved must not count the hold
    let src = r#"
severities = ["high"]
[plans.p.resolution]
high = { hours = 2, clock = "24x7" }
"#;
    let s = crate::config::policies::parse_set(src, "res.toml").unwrap();
    let o = utc("2026-02-02T10:00:00Z");
    let tl = TicketTimeline {
        opened: o,
        pauses: vec![Pause {
            start: utc("2026-02-02T11:00:00Z"),
            end: None,
        }],
        first_response_at: None,
        resolved_at: Some(utc("2026-02-02T15:00:00Z")),
        ..Default::default()
    };
    let v = evaluate(
        &s,
        "p",
        "high",
        chrono_tz::UTC,
        &tl,
        utc("2026-02-02T16:00:00Z"),
    );
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].metric, Metric::FirstResponse);
    assert_eq!(v[0].state, SlaState::NotApplicable);
    assert_eq!(v[1].metric, Metric::Resolution);
    assert_eq!(v[1].state, SlaState::Met);
    assert_eq!(v[1].elapsed_seconds, 3600);
    assert_eq!(v[1].remaining_seconds, Some(3600));
}

#[test]
fn breach_is_not_undone_by_a_later_pause() {
    let s = both();
    let o = utc("2026-02-02T02:00:00Z");
    let tl = TicketTimeline {
        opened: o,
        pauses: vec![Pause {
            start: utc("2026-02-02T03:30:00Z"),
            end: None,
        }],
        ..Default::default()
    };
    let (fr, res) = ev(
        &s,
        "wall",
        "high",
        SHANGHAI,
        &tl,
        utc("2026-02-02T04:00:00Z"),
    );
    assert_eq!(res.state, SlaState::Breached);
    assert_eq!(res.breached_at, Some(utc("2026-02-02T03:00:00Z")));
    assert_eq!(res.elapsed_seconds, 90 * 60);
    // the first response does not pause at all
    assert_eq!(fr.state, SlaState::Breached);
    assert_eq!(fr.breached_at, Some(utc("2026-02-02T03:00:00Z")));
    assert_eq!(fr.elapsed_seconds, 120 * 60);
}

// -------------------------------------------------------------- response and states

#[test]
fn first_response_met_and_late() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    let mut tl = TicketTimeline {
        opened: o,
        ..Default::default()
    };
    tl.first_response_at = Some(at(NY, "2026-02-02 10:29"));
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-03 10:00"))[0].clone();
    assert_eq!(st.state, SlaState::Met);
    assert_eq!(st.elapsed_seconds, 29 * 60);
    assert_eq!(st.remaining_seconds, Some(60));
    assert_eq!(st.next_change, None);
    assert_eq!(st.breached_at, None);

    tl.first_response_at = Some(at(NY, "2026-02-02 10:45"));
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-03 10:00"))[0].clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.breached_at, Some(at(NY, "2026-02-02 10:30")));
    assert_eq!(st.remaining_seconds, Some(-15 * 60));
}

#[test]
fn running_at_risk_breached_sequence() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened: o,
        ..Default::default()
    };
    // premium S1: 30 min; at risk after 22:30
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 10:10"))[0].clone();
    assert_eq!(st.state, SlaState::Running);
    assert_eq!(st.next_change, Some(o + chrono::Duration::seconds(1350)));
    assert_eq!(st.remaining_seconds, Some(20 * 60));
    let st = evaluate(
        &s,
        "premium",
        "S1",
        NY,
        &tl,
        o + chrono::Duration::seconds(1350),
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::AtRisk);
    assert_eq!(st.next_change, Some(at(NY, "2026-02-02 10:30")));
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 11:00"))[0].clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.next_change, None);
    assert_eq!(st.remaining_seconds, Some(-30 * 60));
    assert_eq!(st.state.as_str(), "breached");
}

#[test]
fn business_clock_at_risk_instant_skips_the_night() {
    let s = cc();
    // developer S1 4 h from Mon 16:00: at risk after 3 h → Tue 10:00; due Tue 11:00
    let tl = TicketTimeline {
        opened: at(NY, "2026-02-02 16:00"),
        ..Default::default()
    };
    let st = evaluate(&s, "developer", "S1", NY, &tl, at(NY, "2026-02-02 22:00"))[0].clone();
    assert_eq!(st.state, SlaState::Running);
    assert_eq!(st.elapsed_seconds, 7200);
    assert_eq!(local(NY, st.next_change.unwrap()), "2026-02-03 10:00");
    assert_eq!(local(NY, st.due.unwrap()), "2026-02-03 11:00");
}

#[test]
fn severity_changed_mid_flight_counts_from_creation() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened: o,
        ..Default::default()
    };
    // filed as S4 (24 business h), raised to S1 (30 min 24x7) at 10:20
    let before = evaluate(&s, "premium", "S4", NY, &tl, at(NY, "2026-02-02 10:19"))[0].clone();
    assert_eq!(before.state, SlaState::Running);
    let after = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 10:25"))[0].clone();
    assert_eq!(after.due, Some(at(NY, "2026-02-02 10:30")));
    assert_eq!(after.state, SlaState::AtRisk);
    let later = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 10:40"))[0].clone();
    assert_eq!(later.state, SlaState::Breached);
    assert_eq!(later.breached_at, Some(at(NY, "2026-02-02 10:30")));
}

#[test]
fn basic_plan_is_not_applicable() {
    let s = cc();
    let tl = TicketTimeline {
        opened: at(NY, "2026-02-02 10:00"),
        ..Default::default()
    };
    let v = evaluate(&s, "basic", "S2", NY, &tl, at(NY, "2026-02-02 12:00"));
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].metric, Metric::FirstResponse);
    assert_eq!(v[0].state, SlaState::NotApplicable);
    assert_eq!(v[0].state.as_str(), "not-applicable");
    assert_eq!(
        (v[0].due, v[0].remaining_seconds, v[0].target.clone()),
        (None, None, None)
    );
}

#[test]
fn retired_plan_evaluated_through_effective_plan() {
    let s = cc();
    let opened = at(NY, "2026-02-02 10:00");
    let plan = s.effective_plan("legacy-premium", opened.with_timezone(&NY).date_naive());
    assert_eq!(plan, "basic");
    let tl = TicketTimeline {
        opened,
        ..Default::default()
    };
    assert_eq!(
        evaluate(&s, plan, "S1", NY, &tl, opened)[0].state,
        SlaState::NotApplicable
    );
    let plan = s.effective_plan("legacy-premium", date(2026, 1, 14));
    assert_eq!(
        due_local(&s, plan, "S1", NY, "2026-01-14 10:00").as_deref(),
        Some("2026-01-14 10:30")
    );
}

// ------------------------------------------------------- holidays and make-up days

const CN: &str = r#"
name = "cn-support"
severities = ["P1", "P2"]
[calendars.cn]
description = "Mainland China 2026 (excerpt)"
years = [2026]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
holidays = [2026-01-01, { from = 2026-02-15, to = 2026-02-23, name = "Spring Festival" }]
extra_working_days = [2026-02-14, { date = 2026-02-28, hours = ["09:00-18:00"] }]
[plans.std.first_response]
P1 = { hours = 8, clock = "business", calendar = "cn" }
P2 = { hours = 24, clock = "business", calendar = "cn" }
"#;

#[test]
fn holiday_and_make_up_working_day() {
    let s = crate::config::policies::parse_set(CN, "cn.toml").unwrap();
    // Fri 2026-02-13 17:00 + 8 h: Fri 1 h + Sat 14 Feb (make-up day) 7 h → Sat 16:00
    assert_eq!(
        due_local(&s, "std", "P1", SHANGHAI, "2026-02-13 17:00").as_deref(),
        Some("2026-02-14 16:00")
    );
    // + 24 h: Fri 1 + Sat 9, Spring Festival 15–23 closed, Tue 24th 9, Wed 25th 5 → 14:00
    assert_eq!(
        due_local(&s, "std", "P2", SHANGHAI, "2026-02-13 17:00").as_deref(),
        Some("2026-02-25 14:00")
    );
    let cal = s.calendar("cn").unwrap();
    assert!(cal.is_working_day(date(2026, 2, 14)));
    assert!(!cal.is_working_day(date(2026, 2, 16)));
    assert!(!cal.is_working_day(date(2026, 2, 15)));
    assert!(!cal.is_working_day(date(2026, 2, 21)));
    assert!(cal.is_holiday(date(2026, 1, 1)));
    assert!(cal.covers_year(2026));
    assert!(!cal.covers_year(2027));
    assert_eq!(
        cal.describe(),
        "Mon–Fri 09:00–18:00, 10 holidays, 2 extra working days"
    );
}

#[test]
fn nth_working_day_counts_make_up_days() {
    let s = crate::config::policies::parse_set(CN, "cn.toml").unwrap();
    let cal = s.calendar("cn").unwrap();
    // Feb 2026: 2–6, 9–13, Sat 14, 24–27, Sat 28
    assert_eq!(cal.nth_working_day(2026, 2, 1), Some(date(2026, 2, 2)));
    assert_eq!(cal.nth_working_day(2026, 2, 11), Some(date(2026, 2, 14)));
    assert_eq!(cal.nth_working_day(2026, 2, 12), Some(date(2026, 2, 24)));
    assert_eq!(cal.nth_working_day(2026, 2, 15), Some(date(2026, 2, 27)));
    assert_eq!(cal.nth_working_day(2026, 2, 16), Some(date(2026, 2, 28)));
    assert_eq!(cal.nth_working_day(2026, 2, 17), None);
    assert_eq!(cal.nth_working_day(2026, 2, 0), None);
    // January: the 1st is a holiday
    assert_eq!(cal.nth_working_day(2026, 1, 1), Some(date(2026, 1, 2)));
}

#[test]
fn long_spans_skip_weeks_with_holidays() {
    let s = crate::config::policies::parse_set(CN, "cn.toml").unwrap();
    let cal = s.calendar("cn").unwrap();
    let tz = SHANGHAI;
    let from = at(tz, "2026-01-01 00:00");
    let to = at(tz, "2026-03-02 00:00");
    // Jan: 22 weekdays − 1 (1st) = 21; Feb: 20 weekdays − 6 (16–20, 23) + 2 = 16 → 37 days
    // (Spring Festival 15th and 21st/22nd are weekend days anyway)
    assert_eq!(cal.business_seconds_between(tz, from, to), 37 * 9 * 3600);
    let due = cal.add_business_seconds(tz, from, 37 * 9 * 3600).unwrap();
    assert_eq!(local(tz, due), "2026-02-28 18:00");
}

// --------------------------------------------------------------------- calendars

#[test]
fn lunch_break_and_split_shift() {
    let cal = Calendar::builder()
        .weekdays(&["09:00-12:00", "13:00-18:00"])
        .hours(Weekday::Sat, &["10:00-14:00"])
        .build()
        .unwrap();
    let tz = BERLIN;
    let d = cal
        .add_business_seconds(tz, at(tz, "2026-02-02 11:00"), 2 * 3600)
        .unwrap();
    assert_eq!(local(tz, d), "2026-02-02 14:00");
    // exactly at the start of the lunch break
    let d = cal
        .add_business_seconds(tz, at(tz, "2026-02-02 11:00"), 3600)
        .unwrap();
    assert_eq!(local(tz, d), "2026-02-02 12:00");
    // Friday 17:00 + 3 h → Fri 1 h + Sat 2 h → Sat 12:00
    let d = cal
        .add_business_seconds(tz, at(tz, "2026-02-06 17:00"), 3 * 3600)
        .unwrap();
    assert_eq!(local(tz, d), "2026-02-07 12:00");
    assert_eq!(
        cal.describe(),
        "Mon–Fri 09:00–12:00 13:00–18:00, Sat 10:00–14:00"
    );
    assert_eq!(cal.weekly_seconds(), 5 * 8 * 3600 + 4 * 3600);
}

#[test]
fn midnight_end_interval() {
    let cal = Calendar::builder()
        .weekdays(&["18:00-24:00", "00:00-02:00"])
        .build()
        .unwrap();
    let tz = chrono_tz::UTC;
    // Mon 23:00 + 2 h: 1 h to midnight, then Tue 00:00–01:00
    let d = cal
        .add_business_seconds(tz, utc("2026-02-02T23:00:00Z"), 2 * 3600)
        .unwrap();
    assert_eq!(d, utc("2026-02-03T01:00:00Z"));
    // a target running out at 24:00 is due at midnight
    let d = cal
        .add_business_seconds(tz, utc("2026-02-06T23:00:00Z"), 3600)
        .unwrap();
    assert_eq!(d, utc("2026-02-07T00:00:00Z"));
    assert_eq!(cal.describe(), "Mon–Fri 00:00–02:00 18:00–24:00");
}

#[test]
fn calendar_refuses_bad_input() {
    let e = Calendar::builder()
        .weekdays(&["09:00-13:00", "12:00-18:00"])
        .build()
        .unwrap_err();
    assert_eq!(e.key, "mon");
    assert!(e.message.contains("overlap"), "{e}");
    let e = Calendar::builder()
        .weekdays(&["09:00-25:00"])
        .build()
        .unwrap_err();
    assert_eq!(e.key, "mon[0]");
    assert!(e.message.contains("bad time \"25:00\""), "{e}");
    let e = Calendar::builder()
        .weekdays(&["22:00-02:00"])
        .build()
        .unwrap_err();
    assert!(e.message.contains("crosses midnight"), "{e}");
    let e = Calendar::builder()
        .holiday(date(2026, 1, 1))
        .build()
        .unwrap_err();
    assert!(e.message.contains("no working time"), "{e}");
    let e = Calendar::builder()
        .weekdays(&["09:00-18:00"])
        .holiday(date(2026, 2, 14))
        .extra_working_day(date(2026, 2, 14))
        .build()
        .unwrap_err();
    assert_eq!(e.key, "extra_working_days");
    for bad in [
        "9-18",
        "09:00",
        "09:60-10:00",
        "24:00-24:00",
        "aa:bb-cc:dd",
        "10:00-10:00",
    ] {
        assert!(Interval::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Interval::parse("09:00 – 18:00").unwrap(),
        Interval {
            start: 9 * 3600,
            end: 18 * 3600
        }
    );
    assert_eq!(
        Interval::parse("9:30-24:00").unwrap(),
        Interval {
            start: 9 * 3600 + 1800,
            end: 86400
        }
    );
}

#[test]
fn week_skip_that_would_land_exactly_on_the_target_is_halved() {
    // one hour a week plus an extra working day: a 2-week jump would consume exactly
    // the target and must not be taken (the answer lies inside the span)
    let cal = Calendar::builder()
        .hours(Weekday::Mon, &["09:00-10:00"])
        .extra_working_day_hours(date(2026, 2, 4), &["09:00-10:00"])
        .build()
        .unwrap();
    let tz = chrono_tz::UTC;
    let d = cal
        .add_business_seconds(tz, utc("2026-02-01T00:00:00Z"), 3 * 3600)
        .unwrap();
    assert_eq!(d, utc("2026-02-09T10:00:00Z"));
    let d = cal
        .add_business_seconds(tz, utc("2026-02-01T00:00:00Z"), 2 * 3600)
        .unwrap();
    assert_eq!(d, utc("2026-02-04T10:00:00Z"));
    assert_eq!(
        cal.business_seconds_between(tz, utc("2026-02-01T00:00:00Z"), utc("2026-02-16T00:00:00Z")),
        3 * 3600
    );
}

#[test]
fn very_long_targets_stay_exact() {
    let cal = cc().calendar("business").unwrap().clone();
    let from = at(NY, "2026-02-02 09:00");
    // 366 days of business seconds = 195 weeks of 45 h + 9 h (one more Monday)
    let t = 366 * 86_400;
    let due = cal.add_business_seconds(NY, from, t).unwrap();
    assert_eq!(cal.business_seconds_between(NY, from, due), t);
    assert_eq!(local(NY, due), "2029-10-29 18:00");
}

#[test]
fn weekday_index_matches_chrono() {
    for d in date(2025, 12, 20).iter_days().take(30) {
        let cal = Calendar::builder()
            .hours(d.weekday(), &["10:00-11:00"])
            .build()
            .unwrap();
        assert!(cal.is_working_day(d));
        assert!(!cal.is_working_day(d.succ_opt().unwrap()));
    }
}

use chrono::Datelike;

// ------------------------------------------- business time is real elapsed time (DST)

fn every_day(hours: &[&str]) -> Calendar {
    let mut b = Calendar::builder();
    for d in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        b = b.hours(d, hours);
    }
    b.build().unwrap()
}

fn sundays(hours: &[&str]) -> Calendar {
    Calendar::builder()
        .hours(Weekday::Sun, hours)
        .build()
        .unwrap()
}

#[test]
fn round_the_clock_calendar_equals_wall_time_across_dst() {
    let cal = every_day(&["00:00-24:00"]);
    // (zone, from, to, real hours): noon to noon two days later across each change,
    // and the changed local day itself (23 h and 25 h)
    let cases = [
        (BERLIN, "2026-03-28T11:00:00Z", "2026-03-30T10:00:00Z", 47), // CET → CEST
        (BERLIN, "2026-10-24T10:00:00Z", "2026-10-26T11:00:00Z", 49), // CEST → CET
        (BERLIN, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23), // Sun 29 Mar
        (BERLIN, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25), // Sun 25 Oct
        (NY, "2026-03-07T17:00:00Z", "2026-03-09T16:00:00Z", 47),     // EST → EDT
        (NY, "2026-10-31T16:00:00Z", "2026-11-02T17:00:00Z", 49),     // EDT → EST
        (NY, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 23),     // Sun 8 Mar
        (NY, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 25),     // Sun 1 Nov
    ];
    for (tz, from, to, hours) in cases {
        let (from, to) = (utc(from), utc(to));
        assert_eq!(to - from, chrono::Duration::hours(hours), "{tz} {from}");
        assert_eq!(
            cal.business_seconds_between(tz, from, to),
            hours * 3600,
            "{tz} {from}"
        );
        assert_eq!(
            cal.add_business_seconds(tz, from, hours * 3600),
            Some(to),
            "{tz} {from}"
        );
        // and every hour on the way
        for h in 0..=hours {
            let t = from + chrono::Duration::hours(h);
            assert_eq!(cal.business_seconds_between(tz, from, t), h * 3600);
            assert_eq!(cal.add_business_seconds(tz, from, h * 3600), Some(t));
        }
    }
    // the same through a policy: a business target on the 24h calendar and a 24×7
    // target are due at the same instant. Sat 28 Mar 23:30 CET + 4 h = 04:30 CEST.
    let s = crate::config::policies::parse_set(
        r#"
severities = ["x"]
[calendars.allday]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]
[plans.biz.first_response]
x = { hours = 4, clock = "business", calendar = "allday" }
[plans.wall.first_response]
x = { hours = 4, clock = "24x7" }
"#,
        "allday.toml",
    )
    .unwrap();
    for (tz, opened) in [
        (BERLIN, "2026-03-28 23:30"),
        (BERLIN, "2026-10-24 23:30"),
        (NY, "2026-03-07 23:30"),
        (NY, "2026-10-31 23:30"),
    ] {
        let o = at(tz, opened);
        let biz = frd(&s, "biz", "x", tz, o);
        assert_eq!(biz, frd(&s, "wall", "x", tz, o), "{tz} {opened}");
        assert_eq!(biz, Some(o + chrono::Duration::hours(4)));
    }
    assert_eq!(
        local(
            BERLIN,
            frd(&s, "biz", "x", BERLIN, at(BERLIN, "2026-03-28 23:30")).unwrap()
        ),
        "2026-03-29 04:30"
    );
}

#[test]
fn repeated_hour_inside_business_hours_counts_twice() {
    // Berlin, Sun 2026-10-25: 03:00 CEST → 02:00 CET, 02:00–03:00 runs twice.
    // Open Sundays 01:00–04:00: 01:00 CEST (Sat 23:00Z) → 04:00 CET (03:00Z) = 4 real hours.
    let cal = sundays(&["01:00-04:00"]);
    let (sat, mon) = (utc("2026-10-24T12:00:00Z"), utc("2026-10-26T12:00:00Z"));
    assert_eq!(cal.business_seconds_between(BERLIN, sat, mon), 4 * 3600);
    let opening = utc("2026-10-24T23:00:00Z"); // 01:00 CEST
    let add = |h: i64, m: i64| {
        cal.add_business_seconds(BERLIN, opening, h * 3600 + m * 60)
            .unwrap()
    };
    assert_eq!(add(1, 0), utc("2026-10-25T00:00:00Z")); // 02:00 CEST
    assert_eq!(add(2, 0), utc("2026-10-25T01:00:00Z")); // 02:00 CET (the second one)
    assert_eq!(add(2, 30), utc("2026-10-25T01:30:00Z")); // 02:30 CET
    assert_eq!(add(4, 0), utc("2026-10-25T03:00:00Z")); // 04:00 CET, closing
    // from Saturday, 5 h: the 4 h of this Sunday + 1 h the next (01:00–02:00 CET)
    assert_eq!(
        cal.add_business_seconds(BERLIN, sat, 5 * 3600),
        Some(utc("2026-11-01T01:00:00Z"))
    );
    // half-way through the first 02:00–03:00 to half-way through the second: 1 h
    assert_eq!(
        cal.business_seconds_between(
            BERLIN,
            utc("2026-10-25T00:30:00Z"),
            utc("2026-10-25T01:30:00Z")
        ),
        3600
    );

    // New York, Sun 2026-11-01: 02:00 EDT → 01:00 EST, 01:00–02:00 runs twice.
    // Open Sundays 00:00–03:00: 00:00 EDT (04:00Z) → 03:00 EST (08:00Z) = 4 real hours.
    let cal = sundays(&["00:00-03:00"]);
    assert_eq!(
        cal.business_seconds_between(NY, utc("2026-10-31T12:00:00Z"), utc("2026-11-02T12:00:00Z")),
        4 * 3600
    );
    assert_eq!(
        cal.add_business_seconds(NY, utc("2026-11-01T04:00:00Z"), 2 * 3600 + 1800),
        Some(utc("2026-11-01T06:30:00Z")) // 01:30 EST, the second 01:30
    );
}

#[test]
fn skipped_hour_counts_nothing() {
    // Berlin, Sun 2026-03-29: 02:00 CET → 03:00 CEST, 02:00–03:00 does not exist.
    // Open Sundays 01:00–04:00: 01:00–02:00 CET (00:00–01:00Z) + 03:00–04:00 CEST
    // (01:00–02:00Z) = 2 real hours.
    let cal = sundays(&["01:00-04:00"]);
    let (sat, mon) = (utc("2026-03-28T12:00:00Z"), utc("2026-03-30T12:00:00Z"));
    assert_eq!(cal.business_seconds_between(BERLIN, sat, mon), 2 * 3600);
    let opening = utc("2026-03-29T00:00:00Z"); // 01:00 CET
    assert_eq!(
        cal.add_business_seconds(BERLIN, opening, 3600),
        Some(utc("2026-03-29T01:00:00Z")) // 03:00 CEST
    );
    assert_eq!(
        cal.add_business_seconds(BERLIN, opening, 5400),
        Some(utc("2026-03-29T01:30:00Z")) // 03:30 CEST
    );
    assert_eq!(
        cal.add_business_seconds(BERLIN, opening, 2 * 3600),
        Some(utc("2026-03-29T02:00:00Z")) // 04:00 CEST, closing
    );
    // open only in the hour that is skipped: that Sunday holds nothing; 30 min from
    // Saturday are due the next Sunday at 02:30 CEST
    let cal = sundays(&["02:00-03:00"]);
    assert_eq!(cal.business_seconds_between(BERLIN, sat, mon), 0);
    assert_eq!(
        cal.add_business_seconds(BERLIN, sat, 1800),
        Some(utc("2026-04-05T00:30:00Z"))
    );

    // New York, Sun 2026-03-08: 02:00 EST → 03:00 EDT. Open Sundays 00:00–04:00:
    // 00:00–02:00 EST (05:00–07:00Z) + 03:00–04:00 EDT (07:00–08:00Z) = 3 real hours.
    let cal = sundays(&["00:00-04:00"]);
    assert_eq!(
        cal.business_seconds_between(NY, utc("2026-03-07T12:00:00Z"), utc("2026-03-09T12:00:00Z")),
        3 * 3600
    );
    assert_eq!(
        cal.add_business_seconds(NY, utc("2026-03-08T05:00:00Z"), 2 * 3600 + 1800),
        Some(utc("2026-03-08T07:30:00Z")) // 03:30 EDT
    );
}

// ---------------------------------------------------------- resolving stops the clocks

#[test]
fn resolved_without_reply_before_due_is_stopped_forever() {
    let s = cc();
    // premium S1: 30 min on 24×7, due 10:30
    let o = at(NY, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened: o,
        resolved_at: Some(at(NY, "2026-02-02 10:20")),
        ..Default::default()
    };
    for now in ["2026-02-02 10:20", "2026-02-02 12:00", "2026-03-02 12:00"] {
        let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, now))[0].clone();
        assert_eq!(st.state, SlaState::Stopped, "{now}");
        assert_eq!(st.state.as_str(), "stopped");
        // the target that served it, for the record; the state says it no longer runs
        assert_eq!(st.due, Some(at(NY, "2026-02-02 10:30")));
        assert_eq!(st.elapsed_seconds, 20 * 60);
        assert_eq!(st.remaining_seconds, Some(10 * 60));
        assert_eq!(
            (st.next_change, st.breached_at, st.answered_at),
            (None, None, None)
        );
        assert_eq!(late_label(&st), None);
    }
    // a reply given while the ticket is resolved does not change the outcome
    let replied = TicketTimeline {
        first_response_at: Some(at(NY, "2026-02-02 10:40")),
        ..tl.clone()
    };
    let st = evaluate(
        &s,
        "premium",
        "S1",
        NY,
        &replied,
        at(NY, "2026-02-02 12:00"),
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::Stopped);
    // resolved exactly at the due instant: stopped, not breached
    let at_due = TicketTimeline {
        resolved_at: Some(at(NY, "2026-02-02 10:30")),
        ..tl
    };
    let st = evaluate(&s, "premium", "S1", NY, &at_due, at(NY, "2026-02-03 12:00"))[0].clone();
    assert_eq!(st.state, SlaState::Stopped);
    assert_eq!(st.remaining_seconds, Some(0));
}

#[test]
fn resolved_without_reply_after_due_is_breached_and_stops_counting() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened: o,
        resolved_at: Some(at(NY, "2026-02-02 10:45")),
        ..Default::default()
    };
    for now in ["2026-02-02 10:45", "2026-02-05 09:00"] {
        let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, now))[0].clone();
        assert_eq!(st.state, SlaState::Breached);
        assert_eq!(st.breached_at, Some(at(NY, "2026-02-02 10:30")));
        assert_eq!(st.due, Some(at(NY, "2026-02-02 10:30")));
        assert_eq!(st.answered_at, None);
        assert_eq!(late_label(&st), None, "breached, not met late");
        // time after resolution never counts
        assert_eq!(st.elapsed_seconds, 45 * 60);
        assert_eq!(st.remaining_seconds, Some(-15 * 60));
        assert_eq!(st.next_change, None);
    }
}

#[test]
fn resolving_on_a_business_clock_compares_instants() {
    let s = cc();
    // developer S1 = 4 business h from Mon 16:00 → due Tue 11:00
    let tl = |resolved: &str| TicketTimeline {
        opened: at(NY, "2026-02-02 16:00"),
        resolved_at: Some(at(NY, resolved)),
        ..Default::default()
    };
    let ev1 = |resolved: &str| {
        evaluate(
            &s,
            "developer",
            "S1",
            NY,
            &tl(resolved),
            at(NY, "2026-02-10 12:00"),
        )[0]
        .clone()
    };
    let st = ev1("2026-02-02 20:00"); // after hours: 2 business h used
    assert_eq!(
        (st.state, st.elapsed_seconds, st.remaining_seconds),
        (SlaState::Stopped, 2 * 3600, Some(2 * 3600))
    );
    assert_eq!(ev1("2026-02-03 11:00").state, SlaState::Stopped);
    let tl2 = TicketTimeline {
        resolved_at: Some(at(NY, "2026-02-03 11:00") + chrono::Duration::seconds(1)),
        ..tl("2026-02-03 11:00")
    };
    let st = evaluate(&s, "developer", "S1", NY, &tl2, at(NY, "2026-02-10 12:00"))[0].clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(local(NY, st.breached_at.unwrap()), "2026-02-03 11:00");
}

#[test]
fn resolution_metric_met_and_met_late() {
    let s = both();
    let o = utc("2026-02-02T10:00:00Z");
    // wall/high: resolution 60 min, due 11:00
    let res = |resolved: &str| {
        let tl = TicketTimeline {
            opened: o,
            first_response_at: Some(utc("2026-02-02T10:05:00Z")),
            resolved_at: Some(utc(resolved)),
            ..Default::default()
        };
        ev(
            &s,
            "wall",
            "high",
            chrono_tz::UTC,
            &tl,
            utc("2026-02-09T00:00:00Z"),
        )
        .1
    };
    let st = res("2026-02-02T11:00:00Z");
    assert_eq!(st.state, SlaState::Met);
    assert_eq!(st.answered_at, Some(utc("2026-02-02T11:00:00Z")));
    assert_eq!(st.due, Some(utc("2026-02-02T11:00:00Z")));
    let st = res("2026-02-02T11:52:00Z");
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.breached_at, Some(utc("2026-02-02T11:00:00Z")));
    assert_eq!(late_label(&st).as_deref(), Some("met late +00:52"));
    assert_eq!(st.elapsed_seconds, 112 * 60);
}

#[test]
fn reopened_ticket_resumes_its_clocks_without_the_resolved_span() {
    let s = both();
    let o = utc("2026-02-02T10:00:00Z");
    // wall/high: 60 min each; resolved 10:20, reopened 12:00 (the store clears resolved_at)
    let reopened = TicketTimeline {
        opened: o,
        resolved_spans: vec![Pause {
            start: utc("2026-02-02T10:20:00Z"),
            end: Some(utc("2026-02-02T12:00:00Z")),
        }],
        ..Default::default()
    };
    let now = utc("2026-02-02T12:10:00Z");
    let (fr, res) = ev(&s, "wall", "high", chrono_tz::UTC, &reopened, now);
    for m in [&fr, &res] {
        assert_eq!(m.state, SlaState::Running, "{m:?}");
        assert_eq!(m.elapsed_seconds, 30 * 60);
        assert_eq!(m.due, Some(utc("2026-02-02T12:40:00Z")));
    }
    // a span without an end means "resolved since": every clock stopped
    let still = TicketTimeline {
        resolved_spans: vec![Pause {
            start: utc("2026-02-02T10:20:00Z"),
            end: None,
        }],
        ..reopened.clone()
    };
    let (fr, res) = ev(&s, "wall", "high", chrono_tz::UTC, &still, now);
    assert_eq!((fr.state, res.state), (SlaState::Stopped, SlaState::Met));
    // without the span (what the store passes today) the resolved time would count
    let bare = TicketTimeline {
        resolved_spans: vec![],
        ..reopened
    };
    let (fr, _) = ev(&s, "wall", "high", chrono_tz::UTC, &bare, now);
    assert_eq!(fr.state, SlaState::Breached);
}

// ------------------------------------------------------------------------- met late

#[test]
fn met_late_is_breached_and_labelled() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    // premium S1: due 10:30
    let fr = |reply: DateTime<Utc>| {
        let tl = TicketTimeline {
            opened: o,
            first_response_at: Some(reply),
            ..Default::default()
        };
        evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-04 10:00"))[0].clone()
    };
    let due = at(NY, "2026-02-02 10:30");
    let sec = chrono::Duration::seconds;
    let cases = [
        (due - sec(1), SlaState::Met, None),
        (due, SlaState::Met, None),
        (
            due + chrono::Duration::milliseconds(300),
            SlaState::Breached,
            Some("met late +00:01"),
        ),
        (due + sec(1), SlaState::Breached, Some("met late +00:01")),
        (due + sec(60), SlaState::Breached, Some("met late +00:01")),
        (due + sec(61), SlaState::Breached, Some("met late +00:02")),
        (
            due + sec(52 * 60),
            SlaState::Breached,
            Some("met late +00:52"),
        ),
        (
            due + sec(52 * 60 + 30),
            SlaState::Breached,
            Some("met late +00:53"),
        ),
        (
            due + sec(25 * 3600),
            SlaState::Breached,
            Some("met late +25:00"),
        ),
        (
            due + sec(150 * 3600 + 5 * 60),
            SlaState::Breached,
            Some("met late +150:05"),
        ),
    ];
    for (reply, state, label) in cases {
        let st = fr(reply);
        assert_eq!(st.state, state, "{reply}");
        assert_eq!(late_label(&st).as_deref(), label, "{reply}");
        assert_eq!(st.answered_at, Some(reply));
        assert_eq!(st.is_met_late(), label.is_some());
        if state == SlaState::Breached {
            assert_eq!(st.breached_at, Some(due));
        }
    }
    assert_eq!(fr(due + sec(52 * 60)).late_by_seconds(), Some(52 * 60));
    // a breach still running is not "met late"
    let tl = TicketTimeline {
        opened: o,
        ..Default::default()
    };
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 11:00"))[0].clone();
    assert_eq!((st.state, late_label(&st)), (SlaState::Breached, None));
    // on a business clock the label is wall time: due 18:00 (closing), answered 20:00
    // the same evening: no business time passed, yet 2 h late
    let tl = TicketTimeline {
        opened: o,
        first_response_at: Some(at(NY, "2026-02-02 20:00")),
        ..Default::default()
    };
    let st = evaluate(&s, "enterprise", "S3", NY, &tl, at(NY, "2026-02-03 12:00"))[0].clone();
    assert_eq!(st.remaining_seconds, Some(0));
    assert_eq!(late_label(&st).as_deref(), Some("met late +02:00"));
}

// -------------------------------------------------------------------------- horizon

/// One minute a week: Mondays 09:00–09:01 UTC.
const SPARSE: &str = r#"
severities = ["long", "short"]
[calendars.sparse]
mon = ["09:00-09:01"]
[plans.p.first_response]
long = { hours = 8000, clock = "business", calendar = "sparse" }
short = { hours = 50, clock = "business", calendar = "sparse" }
"#;

#[test]
fn due_instant_beyond_the_horizon_is_refused() {
    let s = crate::config::policies::parse_set(SPARSE, "sparse.toml").unwrap();
    let tz = chrono_tz::UTC;
    let o = utc("2026-02-02T00:00:00Z"); // a Monday
    // 8000 h (targets are capped at 366 days) = 480 000 Mondays ≈ 9200 years: refused,
    // never printed as a year-262142 date
    let e = first_response_due(&s, "p", "long", tz, o).unwrap_err();
    assert_eq!(e, SlaError::BeyondHorizon);
    assert_eq!(
        e.to_string(),
        "the due instant is more than 100 years away; the calendar has almost no working time"
    );
    let cal = s.calendar("sparse").unwrap();
    assert_eq!(cal.add_business_seconds(tz, o, 8000 * 3600), None);
    let st = evaluate(
        &s,
        "p",
        "long",
        tz,
        &TicketTimeline {
            opened: o,
            ..Default::default()
        },
        o,
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::NotApplicable);
    assert_eq!(st.due, None);
    assert_eq!(st.error, Some(SlaError::BeyondHorizon));
    assert!(st.target.is_some());
    // answered, it was answered long before such a due instant: met
    let answered = TicketTimeline {
        opened: o,
        first_response_at: Some(o + chrono::Duration::days(2)),
        ..Default::default()
    };
    let st = evaluate(
        &s,
        "p",
        "long",
        tz,
        &answered,
        o + chrono::Duration::days(3),
    )[0]
    .clone();
    assert_eq!((st.state, st.due, st.error), (SlaState::Met, None, None));
    // 50 h = 3000 Mondays ≈ 57.5 years: within the horizon, exact
    let due = frd(&s, "p", "short", tz, o).unwrap();
    assert_eq!(
        due,
        utc("2026-02-02T09:01:00Z") + chrono::Duration::weeks(2999)
    );
    assert_eq!(cal.business_seconds_between(tz, o, due), 50 * 3600);
}

#[test]
fn horizon_is_exactly_100_years_on_every_clock() {
    let o = utc("2026-02-02T00:00:00Z");
    let h = HORIZON_SECONDS;
    assert_eq!(HORIZON_DAYS, 36_525);
    let wall = ClockRef::Wall;
    assert_eq!(wall.add(o, h), Some(o + chrono::Duration::seconds(h)));
    assert_eq!(wall.add(o, h + 1), None);
    let cal = every_day(&["00:00-24:00"]);
    for tz in [chrono_tz::UTC, BERLIN, NY] {
        assert_eq!(
            cal.add_business_seconds(tz, o, h),
            Some(o + chrono::Duration::seconds(h)),
            "{tz}"
        );
        assert_eq!(cal.add_business_seconds(tz, o, h + 1), None, "{tz}");
    }
}

// --------------------------------------------------------------- recorded breaches

#[test]
fn recorded_breach_survives_a_severity_lowering() {
    let s = cc();
    let o = at(NY, "2026-02-02 10:00");
    let tl = TicketTimeline {
        opened: o,
        ..Default::default()
    };
    // premium S1 (30 min) breached at 10:30; seen at 10:45 and recorded
    let st = evaluate(&s, "premium", "S1", NY, &tl, at(NY, "2026-02-02 10:45"))[0].clone();
    assert_eq!(st.breached_at, Some(at(NY, "2026-02-02 10:30")));
    let recorded = TicketTimeline {
        recorded_breaches: vec![RecordedBreach {
            metric: Metric::FirstResponse,
            at: st.breached_at.unwrap(),
        }],
        ..tl.clone()
    };
    // lowered to S3 (4 business h, due 14:00): without the record it would run again
    let now = at(NY, "2026-02-02 11:00");
    let fresh = evaluate(&s, "premium", "S3", NY, &tl, now)[0].clone();
    assert_eq!(fresh.state, SlaState::Running);
    let st = evaluate(&s, "premium", "S3", NY, &recorded, now)[0].clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.breached_at, Some(at(NY, "2026-02-02 10:30")));
    assert_eq!(st.due, Some(at(NY, "2026-02-02 10:30")));
    assert_eq!(st.next_change, None);
    // 30 business minutes overdue (10:30–11:00 Monday, inside business hours)
    assert_eq!(st.remaining_seconds, Some(-30 * 60));
    // answered at 11:10 under S3 it would be met: it stays breached, met late
    let answered = TicketTimeline {
        first_response_at: Some(at(NY, "2026-02-02 11:10")),
        ..recorded.clone()
    };
    let st = evaluate(
        &s,
        "premium",
        "S3",
        NY,
        &answered,
        at(NY, "2026-02-03 09:00"),
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(late_label(&st).as_deref(), Some("met late +00:40"));
    assert_eq!(st.remaining_seconds, Some(-40 * 60));
    // resolved before the S3 due instant: still breached, not stopped
    let resolved = TicketTimeline {
        resolved_at: Some(at(NY, "2026-02-02 11:10")),
        ..recorded.clone()
    };
    let st = evaluate(
        &s,
        "premium",
        "S3",
        NY,
        &resolved,
        at(NY, "2026-02-03 09:00"),
    )[0]
    .clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!(st.answered_at, None);
    // downgraded to Basic (no target at all): still breached
    let st = evaluate(&s, "basic", "S1", NY, &recorded, now)[0].clone();
    assert_eq!(st.state, SlaState::Breached);
    assert_eq!((st.target, st.remaining_seconds), (None, None));
    // raised instead (targets count from creation): an earlier computed breach wins
    let late_record = TicketTimeline {
        recorded_breaches: vec![RecordedBreach {
            metric: Metric::FirstResponse,
            at: at(NY, "2026-02-02 14:00"),
        }],
        ..tl
    };
    let st = evaluate(
        &s,
        "premium",
        "S1",
        NY,
        &late_record,
        at(NY, "2026-02-02 15:00"),
    )[0]
    .clone();
    assert_eq!(st.breached_at, Some(at(NY, "2026-02-02 10:30")));
    assert_eq!(st.remaining_seconds, Some(-270 * 60));
}

#[test]
fn recorded_breach_survives_a_pause_and_a_plan_without_the_metric() {
    let s = both();
    let o = utc("2026-02-02T10:00:00Z");
    let rec = RecordedBreach {
        metric: Metric::Resolution,
        at: utc("2026-02-02T11:00:00Z"),
    };
    // pending since 11:30 (resolution would show paused): breached
    let tl = TicketTimeline {
        opened: o,
        pauses: vec![Pause {
            start: utc("2026-02-02T11:30:00Z"),
            end: None,
        }],
        recorded_breaches: vec![rec],
        ..Default::default()
    };
    let now = utc("2026-02-02T13:00:00Z");
    // low: 4 h resolution, would be paused with time left
    let res = ev(&s, "wall", "low", chrono_tz::UTC, &tl, now).1;
    assert_eq!(res.state, SlaState::Breached);
    assert_eq!(res.breached_at, Some(rec.at));
    // 30 active minutes since the record (11:00–11:30), none while pending
    assert_eq!(res.remaining_seconds, Some(-30 * 60));
    // a plan with no resolution target still reports the recorded breach
    let v = evaluate(&s, "fr_only", "high", chrono_tz::UTC, &tl, now);
    assert_eq!(v.len(), 2);
    let res = pick(&v, Metric::Resolution);
    assert_eq!((res.state, res.target), (SlaState::Breached, None));
}

/// At an instant between two seconds every countdown says the same whole seconds, rounded
/// down: the engine's seconds left, the wall countdown of the queue and the CLI, and a
/// missed target reads negative from its first moment, never 00:00:00.
#[test]
fn countdowns_agree_between_seconds_and_go_negative_at_once() {
    let s = cc();
    let opened = utc("2026-03-02T10:00:00Z");
    let tl = TicketTimeline {
        opened,
        ..Default::default()
    };
    let fr = |now| evaluate(&s, "enterprise", "S1", Tz::UTC, &tl, now)[0].clone();
    let due = fr(opened).due.expect("a 24x7 target");
    for (before, want) in [(30_500, 30), (400, 0), (-400, -1), (-1_500, -2)] {
        let now = due - chrono::Duration::milliseconds(before);
        let m = fr(now);
        assert_eq!(seconds_until(due, now), want, "{before} ms before");
        assert_eq!(m.remaining_seconds, Some(want), "{before} ms before");
        let c = columns::countdown(&m, now).unwrap();
        assert_eq!(c.wall_seconds, want, "{before} ms before");
    }
}
