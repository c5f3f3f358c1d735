//! Property tests: round trips, monotonicity, pauses, and the week-skipping
//! arithmetic against a slow obvious reference that steps interval by interval.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::tests::{both, pick};
use super::*;

fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

/// Up to three sorted, non-overlapping intervals in a day (minute resolution),
/// possibly starting at 00:00 or ending at 24:00.
fn day_hours() -> impl Strategy<Value = Vec<Interval>> {
    prop::collection::btree_set(0u32..=1440, 0..=6).prop_map(|cuts| {
        let cuts: Vec<u32> = cuts.into_iter().collect();
        cuts.chunks_exact(2)
            .map(|c| Interval {
                start: c[0] * 60,
                end: c[1] * 60,
            })
            .collect()
    })
}

/// Hours that cover the night, where clocks change (most zones switch between
/// 00:00 and 03:00 local), or a random day's hours.
fn night_or_day_hours() -> BoxedStrategy<Vec<Interval>> {
    let iv = |a: u32, b: u32| Interval {
        start: a * 60,
        end: b * 60,
    };
    prop_oneof![
        Just(vec![iv(0, 1440)]),
        Just(vec![iv(60, 240)]),
        Just(vec![iv(120, 150), iv(165, 195)]),
        Just(vec![iv(0, 60), iv(1380, 1440)]),
        Just(vec![iv(90, 120), iv(540, 1080)]),
        day_hours(),
    ]
    .boxed()
}

fn calendar() -> impl Strategy<Value = Calendar> {
    calendar_of(day_hours().boxed())
}

fn calendar_of(day: BoxedStrategy<Vec<Interval>>) -> impl Strategy<Value = Calendar> {
    (
        prop::array::uniform7(day),
        prop::collection::btree_set(0i64..500, 0..25),
        prop::collection::vec((0i64..500, prop::option::of(day_hours())), 0..40),
    )
        .prop_map(|(mut weekly, hol, extra)| {
            if weekly.iter().all(|d| d.is_empty()) {
                weekly[2] = vec![Interval {
                    start: 9 * 3600,
                    end: 17 * 3600,
                }];
            }
            let holidays: Vec<Holiday> = hol
                .iter()
                .map(|d| Holiday {
                    date: base_date() + Duration::days(*d),
                    name: None,
                })
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            let extra: Vec<(NaiveDate, Option<Vec<Interval>>)> = extra
                .into_iter()
                .filter(|(d, _)| !hol.contains(d) && seen.insert(*d))
                .map(|(d, h)| {
                    let h = match h {
                        Some(h) if !h.is_empty() => Some(h),
                        _ if weekly[0].is_empty() => Some(vec![Interval {
                            start: 3600,
                            end: 7200,
                        }]),
                        _ => None,
                    };
                    (base_date() + Duration::days(d), h)
                })
                .collect();
            Calendar::from_parts(String::new(), weekly, holidays, extra, vec![]).unwrap()
        })
}

// ------------------------------------------------------------- slow reference

fn ref_hours(cal: &Calendar, date: NaiveDate) -> Vec<Interval> {
    if cal.holidays().iter().any(|h| h.date == date) {
        return vec![];
    }
    if let Some((_, h)) = cal.extra_working_days().iter().find(|e| e.0 == date) {
        return h.clone();
    }
    cal.weekly_hours(date.weekday()).to_vec()
}

fn secs(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

fn day_start(date: NaiveDate) -> i64 {
    secs(date.and_hms_opt(0, 0, 0).unwrap())
}

fn ref_between(cal: &Calendar, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    let (f, t) = (secs(from), secs(to));
    let mut total = 0;
    let mut date = from.date();
    while day_start(date) < t {
        for iv in ref_hours(cal, date) {
            let a = (day_start(date) + iv.start as i64).max(f);
            let b = (day_start(date) + iv.end as i64).min(t);
            total += (b - a).max(0);
        }
        date = date.succ_opt().unwrap();
    }
    total
}

fn ref_add(cal: &Calendar, from: NaiveDateTime, amount: i64) -> NaiveDateTime {
    if amount <= 0 {
        return from;
    }
    let f = secs(from);
    let mut left = amount;
    let mut date = from.date();
    loop {
        for iv in ref_hours(cal, date) {
            let a = (day_start(date) + iv.start as i64).max(f);
            let b = day_start(date) + iv.end as i64;
            if b <= a {
                continue;
            }
            if left <= b - a {
                return DateTime::from_timestamp(a + left, 0).unwrap().naive_utc();
            }
            left -= b - a;
        }
        date = date.succ_opt().unwrap();
    }
}

fn naive_in_window() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..500 * 86_400)
        .prop_map(|s| base_date().and_hms_opt(0, 0, 0).unwrap() + Duration::seconds(s))
}

fn instant_2024_2028() -> impl Strategy<Value = DateTime<Utc>> {
    (1_704_067_200i64..1_830_297_600).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

const ZONES: [Tz; 5] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::America::Santiago,
];

fn cc_calendar() -> Calendar {
    crate::config::policies::builtin()
        .unwrap()
        .get("connected-care")
        .unwrap()
        .calendar("business")
        .unwrap()
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn week_skipping_matches_reference(cal in calendar(), from in naive_in_window(), amount in 0i64..400 * 3600) {
        let fast = cal.add_business_seconds_local(from, amount);
        let slow = ref_add(&cal, from, amount);
        prop_assert_eq!(fast, slow);
    }

    #[test]
    fn between_matches_reference(cal in calendar(), a in naive_in_window(), b in naive_in_window()) {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        prop_assert_eq!(cal.business_seconds_between_local(from, to), ref_between(&cal, from, to));
        prop_assert_eq!(cal.business_seconds_between_local(to, from), 0);
    }

    #[test]
    fn elapsed_of_due_is_target_random_calendars(cal in calendar(), from in instant_2024_2028(), t in 1i64..600 * 3600, kolkata in any::<bool>()) {
        let tz = if kolkata { chrono_tz::Asia::Kolkata } else { chrono_tz::UTC };
        let due = cal.add_business_seconds(tz, from, t).unwrap();
        prop_assert_eq!(cal.business_seconds_between(tz, from, due), t);
        // and it is the earliest such instant
        prop_assert!(cal.business_seconds_between(tz, from, due - Duration::seconds(1)) < t);
    }

    #[test]
    fn elapsed_of_due_is_target_dst_zones(z in 0usize..5, from in instant_2024_2028(), t in 1i64..300 * 3600) {
        let cal = cc_calendar();
        let tz = ZONES[z];
        let due = cal.add_business_seconds(tz, from, t).unwrap();
        prop_assert_eq!(cal.business_seconds_between(tz, from, due), t);
        prop_assert!(cal.business_seconds_between(tz, from, due - Duration::seconds(1)) < t);
    }

    #[test]
    fn due_is_monotonic_in_target(z in 0usize..5, from in instant_2024_2028(), t1 in 1i64..300 * 3600, t2 in 1i64..300 * 3600) {
        let cal = cc_calendar();
        let tz = ZONES[z];
        let (lo, hi) = (t1.min(t2), t1.max(t2));
        prop_assert!(cal.add_business_seconds(tz, from, lo) <= cal.add_business_seconds(tz, from, hi));
    }

    #[test]
    fn due_is_monotonic_in_opening(z in 0usize..5, a in instant_2024_2028(), gap in 0i64..30 * 86_400, t in 1i64..300 * 3600) {
        let cal = cc_calendar();
        let tz = ZONES[z];
        let b = a + Duration::seconds(gap);
        prop_assert!(cal.add_business_seconds(tz, a, t) <= cal.add_business_seconds(tz, b, t));
    }

    #[test]
    fn random_calendar_due_monotonic(cal in calendar(), a in instant_2024_2028(), gap in 0i64..30 * 86_400, t1 in 1i64..300 * 3600, t2 in 1i64..300 * 3600) {
        let tz = chrono_tz::UTC;
        let b = a + Duration::seconds(gap);
        let (lo, hi) = (t1.min(t2), t1.max(t2));
        prop_assert!(cal.add_business_seconds(tz, a, lo) <= cal.add_business_seconds(tz, a, hi));
        prop_assert!(cal.add_business_seconds(tz, a, lo) <= cal.add_business_seconds(tz, b, lo));
    }

    #[test]
    fn pause_moves_resolution_due_by_its_length_not_first_response(
        opened in instant_2024_2028(),
        start in 0i64..3600,
        len in 1i64..10 * 86_400,
        sev in prop::sample::select(vec!["high", "low"]),
    ) {
        let set = both();
        let tz = chrono_tz::Asia::Shanghai;
        let now = opened + Duration::days(30);
        let plain = TicketTimeline { opened, ..Default::default() };
        let v0 = evaluate(&set, "wall", sev, tz, &plain, now);
        let (fr0, res0) = (pick(&v0, Metric::FirstResponse), pick(&v0, Metric::Resolution));
        let due0 = res0.due.unwrap();
        prop_assume!(opened + Duration::seconds(start) < due0);
        let p = Pause { start: opened + Duration::seconds(start), end: Some(opened + Duration::seconds(start + len)) };
        let paused = TicketTimeline { pauses: vec![p], ..plain };
        let v = evaluate(&set, "wall", sev, tz, &paused, now);
        prop_assert_eq!(pick(&v, Metric::Resolution).due, Some(due0 + Duration::seconds(len)));
        prop_assert_eq!(pick(&v, Metric::FirstResponse), fr0.clone());
        prop_assert_eq!(first_response_due(&set, "wall", sev, tz, opened), Ok(fr0.due));
    }

    #[test]
    fn states_are_consistent(z in 0usize..5, opened in instant_2024_2028(), offset in 0i64..20 * 86_400, sev in prop::sample::select(vec!["S1", "S2", "S3", "S4"])) {
        let reg = crate::config::policies::builtin().unwrap();
        let set = reg.get("connected-care").unwrap();
        let tz = ZONES[z];
        let now = opened + Duration::seconds(offset);
        let tl = TicketTimeline { opened, ..Default::default() };
        for plan in ["developer", "enterprise", "premium"] {
            let st = evaluate(set, plan, sev, tz, &tl, now)[0].clone();
            let due = st.due.unwrap();
            prop_assert_eq!(Ok(Some(due)), first_response_due(set, plan, sev, tz, opened));
            match st.state {
                SlaState::Running => prop_assert!(st.next_change.unwrap() > now && st.next_change.unwrap() <= due),
                SlaState::AtRisk => prop_assert_eq!(st.next_change, Some(due)),
                SlaState::Breached => prop_assert!(now > due && st.breached_at == Some(due)),
                other => prop_assert!(false, "unexpected state {:?}", other),
            }
            prop_assert_eq!(st.remaining_seconds, Some(st.target.unwrap().seconds - st.elapsed_seconds));
        }
    }
}

// ------------------------------------- real elapsed time: a minute-stepping reference

/// Whether the wall clock in `tz` at the Unix second `t` is inside the calendar's
/// hours, straight from chrono (no code shared with the calendar's arithmetic).
fn open_at(cal: &Calendar, tz: Tz, t: i64) -> bool {
    let local = DateTime::from_timestamp(t, 0)
        .unwrap()
        .with_timezone(&tz)
        .naive_local();
    let sec = local.num_seconds_from_midnight();
    ref_hours(cal, local.date())
        .iter()
        .any(|iv| iv.start <= sec && sec < iv.end)
}

/// Real seconds in `[from, to)` during which the wall clock is inside business hours,
/// minute cell by minute cell (zone offsets and interval bounds are whole minutes, so
/// a cell is open or closed as a whole).
fn brute_between(cal: &Calendar, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let (f, t) = (from.timestamp(), to.timestamp());
    let mut total = 0;
    let mut m = f.div_euclid(60) * 60;
    while m < t {
        let (a, b) = (m.max(f), (m + 60).min(t));
        if b > a && open_at(cal, tz, m) {
            total += b - a;
        }
        m += 60;
    }
    total
}

/// Zones with their daylight-saving changes inside the calendar window (local dates,
/// approximate: the instants drawn lie up to 6 days before and 4 after).
const DST_ANCHORS: [(Tz, &str); 16] = [
    (chrono_tz::America::New_York, "2025-11-02"),
    (chrono_tz::America::New_York, "2026-03-08"),
    (chrono_tz::Europe::Berlin, "2025-10-26"),
    (chrono_tz::Europe::Berlin, "2026-03-29"),
    (chrono_tz::Australia::Sydney, "2025-10-05"),
    (chrono_tz::Australia::Sydney, "2026-04-05"),
    (chrono_tz::Australia::Lord_Howe, "2025-10-05"),
    (chrono_tz::Australia::Lord_Howe, "2026-04-05"),
    (chrono_tz::America::Santiago, "2025-09-07"),
    (chrono_tz::America::Santiago, "2026-04-05"),
    (chrono_tz::Pacific::Chatham, "2025-09-28"),
    (chrono_tz::Pacific::Chatham, "2026-04-05"),
    (chrono_tz::America::Havana, "2025-11-02"),
    (chrono_tz::America::Havana, "2026-03-08"),
    (chrono_tz::Asia::Kolkata, "2025-10-26"),
    (chrono_tz::UTC, "2026-03-29"),
];

fn near_dst() -> impl Strategy<Value = (Tz, DateTime<Utc>)> {
    (0..DST_ANCHORS.len(), -6 * 86_400i64..4 * 86_400).prop_map(|(i, off)| {
        let (tz, d) = DST_ANCHORS[i];
        let noon = NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        (tz, noon + Duration::seconds(off))
    })
}

fn round_the_clock() -> Calendar {
    let mut b = Calendar::builder();
    for d in [
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
        chrono::Weekday::Sun,
    ] {
        b = b.hours(d, &["00:00-24:00"]);
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    /// The fast path counts exactly the real seconds the wall clock spends inside
    /// business hours: repeated hours twice, skipped hours not at all.
    #[test]
    fn between_matches_minute_reference_across_dst(
        cal in calendar_of(night_or_day_hours()),
        (tz, from) in near_dst(),
        span in 0i64..10 * 86_400,
    ) {
        let to = from + Duration::seconds(span);
        prop_assert_eq!(cal.business_seconds_between(tz, from, to), brute_between(&cal, tz, from, to));
    }

    /// The due instant is the earliest instant at which the reference reaches the target.
    #[test]
    fn add_matches_minute_reference_across_dst(
        cal in calendar_of(night_or_day_hours()),
        (tz, from) in near_dst(),
        t in 1i64..30 * 3600,
    ) {
        let due = cal.add_business_seconds(tz, from, t).unwrap();
        prop_assume!(due - from <= Duration::days(12));
        prop_assert_eq!(brute_between(&cal, tz, from, due), t);
        prop_assert!(brute_between(&cal, tz, from, due - Duration::seconds(1)) < t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A 00:00–24:00 every-day calendar is the 24×7 clock, in every zone and season.
    #[test]
    fn round_the_clock_calendar_is_wall_time(
        z in 0..DST_ANCHORS.len(),
        from in instant_2024_2028(),
        span in 0i64..400 * 86_400,
    ) {
        let cal = round_the_clock();
        let tz = DST_ANCHORS[z].0;
        let to = from + Duration::seconds(span);
        prop_assert_eq!(cal.business_seconds_between(tz, from, to), span);
        prop_assert_eq!(cal.add_business_seconds(tz, from, span), Some(to));
    }

    /// Refusing a due instant beyond the horizon is consistent with the elapsed count:
    /// refused exactly when the next 100 years hold less than the target.
    #[test]
    fn horizon_refusal_is_consistent(
        z in 0..DST_ANCHORS.len(),
        from in instant_2024_2028(),
        day in 0usize..7,
        start in 0u32..1400,
        len in 1u32..=40,
        t in 1i64..25_000 * 3600,
    ) {
        let tz = DST_ANCHORS[z].0;
        let mut weekly: [Vec<Interval>; 7] = Default::default();
        weekly[day] = vec![Interval { start: start * 60, end: (start + len) * 60 }];
        let cal = Calendar::from_parts(String::new(), weekly, vec![], vec![], vec![]).unwrap();
        let limit = from + Duration::days(HORIZON_DAYS);
        match cal.add_business_seconds(tz, from, t) {
            Some(due) => {
                prop_assert!(due <= limit);
                prop_assert_eq!(cal.business_seconds_between(tz, from, due), t);
            }
            None => prop_assert!(cal.business_seconds_between(tz, from, limit) < t),
        }
    }

    /// Pending never touches the first-response clock, whatever the pauses.
    #[test]
    fn first_response_ignores_pauses(
        z in 0..DST_ANCHORS.len(),
        opened in instant_2024_2028(),
        pauses in prop::collection::vec((0i64..20 * 86_400, prop::option::of(1i64..5 * 86_400)), 0..4),
        reply in prop::option::of(0i64..20 * 86_400),
        offset in 0i64..25 * 86_400,
        plan in prop::sample::select(vec!["biz", "wall"]),
        sev in prop::sample::select(vec!["high", "low"]),
    ) {
        let set = both();
        let tz = DST_ANCHORS[z].0;
        let s = |x: i64| opened + Duration::seconds(x);
        let plain = TicketTimeline {
            opened,
            first_response_at: reply.map(s),
            ..Default::default()
        };
        let paused = TicketTimeline {
            pauses: pauses.iter().map(|&(a, l)| Pause { start: s(a), end: l.map(|l| s(a + l)) }).collect(),
            ..plain.clone()
        };
        let now = s(offset);
        let a = pick(&evaluate(&set, plan, sev, tz, &plain, now), Metric::FirstResponse);
        let b = pick(&evaluate(&set, plan, sev, tz, &paused, now), Metric::FirstResponse);
        prop_assert_ne!(b.state, SlaState::Paused);
        prop_assert_eq!(a, b);
    }

    /// Every comparison: due itself is not breached, one second later is; a response at
    /// due meets the target, one second later is met late by +00:01.
    #[test]
    fn boundaries_at_the_due_instant(
        z in 0usize..5,
        opened in instant_2024_2028(),
        plan in prop::sample::select(vec!["developer", "enterprise", "premium"]),
        sev in prop::sample::select(vec!["S1", "S2", "S3", "S4"]),
    ) {
        let reg = crate::config::policies::builtin().unwrap();
        let set = reg.get("connected-care").unwrap();
        let tz = ZONES[z];
        let due = first_response_due(set, plan, sev, tz, opened).unwrap().unwrap();
        let sec = Duration::seconds(1);
        let open = TicketTimeline { opened, ..Default::default() };
        let fr = |tl: &TicketTimeline, now| evaluate(set, plan, sev, tz, tl, now)[0].clone();
        let at_due = fr(&open, due);
        prop_assert_eq!(at_due.state, SlaState::AtRisk);
        prop_assert_eq!(at_due.remaining_seconds, Some(0));
        prop_assert_eq!(at_due.next_change, Some(due));
        let after = fr(&open, due + sec);
        prop_assert_eq!(after.state, SlaState::Breached);
        prop_assert_eq!(after.breached_at, Some(due));
        // at risk exactly from the instant elapsed reaches ceil(0.75 T)
        let target = at_due.target.clone().unwrap();
        let clock = ClockRef::for_target(set, &target, tz).unwrap();
        let risk = clock.add(opened, at_risk_seconds(target.seconds, set.at_risk_share)).unwrap();
        prop_assert_eq!(fr(&open, risk).state, SlaState::AtRisk);
        if risk - sec >= opened {
            let before = fr(&open, risk - sec);
            prop_assert_eq!(before.state, SlaState::Running);
            prop_assert_eq!(before.next_change, Some(risk));
        }
        let later = due + Duration::days(3);
        let met = fr(&TicketTimeline { first_response_at: Some(due), ..open.clone() }, later);
        prop_assert_eq!(met.state, SlaState::Met);
        prop_assert_eq!(late_label(&met), None);
        let late = fr(&TicketTimeline { first_response_at: Some(due + sec), ..open.clone() }, later);
        prop_assert_eq!(late.state, SlaState::Breached);
        prop_assert_eq!(late.breached_at, Some(due));
        prop_assert_eq!(late.answered_at, Some(due + sec));
        prop_assert_eq!(late_label(&late), Some("met late +00:01".to_string()));
        // resolving without a reply: at due stops the clock, after due is a breach
        let stopped = fr(&TicketTimeline { resolved_at: Some(due), ..open.clone() }, later);
        prop_assert_eq!(stopped.state, SlaState::Stopped);
        let breached = fr(&TicketTimeline { resolved_at: Some(due + sec), ..open.clone() }, later);
        prop_assert_eq!(breached.state, SlaState::Breached);
        prop_assert_eq!(breached.breached_at, Some(due));
        prop_assert_eq!(breached.answered_at, None);
    }

    /// Resolution stops every clock: after it nothing runs, and time after it never
    /// counts (the evaluation is the same at any later `now`).
    #[test]
    fn resolution_stops_every_clock(
        z in 0..DST_ANCHORS.len(),
        opened in instant_2024_2028(),
        resolved in 0i64..10 * 86_400,
        reply in prop::option::of(0i64..12 * 86_400),
        pauses in prop::collection::vec((0i64..10 * 86_400, prop::option::of(1i64..86_400)), 0..3),
        later1 in 0i64..30 * 86_400,
        later2 in 0i64..400 * 86_400,
        plan in prop::sample::select(vec!["biz", "wall"]),
        sev in prop::sample::select(vec!["high", "low"]),
    ) {
        let set = both();
        let tz = DST_ANCHORS[z].0;
        let s = |x: i64| opened + Duration::seconds(x);
        let r = s(resolved);
        let tl = TicketTimeline {
            opened,
            first_response_at: reply.map(s),
            resolved_at: Some(r),
            // pending ends when the ticket is resolved
            pauses: pauses
                .iter()
                .filter(|&&(a, _)| a < resolved)
                .map(|&(a, l)| Pause { start: s(a), end: Some(s(l.map_or(resolved, |l| (a + l).min(resolved)))) })
                .collect(),
            ..Default::default()
        };
        let v1 = evaluate(&set, plan, sev, tz, &tl, r + Duration::seconds(later1));
        let v2 = evaluate(&set, plan, sev, tz, &tl, r + Duration::seconds(later1 + later2));
        prop_assert_eq!(&v1, &v2);
        for m in &v1 {
            prop_assert!(
                matches!(m.state, SlaState::Met | SlaState::Breached | SlaState::Stopped),
                "{:?}", m
            );
            if m.state == SlaState::Breached {
                prop_assert!(m.breached_at.unwrap() < r);
            }
        }
    }

    /// A recorded breach stays a breach whatever the severity, plan, pauses or later
    /// events, and its instant never moves later.
    #[test]
    fn recorded_breach_is_never_erased(
        opened in instant_2024_2028(),
        breach_after in 0i64..3 * 86_400,
        sev in prop::sample::select(vec!["high", "low"]),
        plan in prop::sample::select(vec!["biz", "wall", "fr_only", "none"]),
        reply in prop::option::of(0i64..10 * 86_400),
        resolved in prop::option::of(0i64..10 * 86_400),
        pause in prop::option::of((0i64..86_400, prop::option::of(1i64..86_400))),
        offset in 0i64..20 * 86_400,
    ) {
        let set = both();
        let tz = chrono_tz::Europe::Berlin;
        let s = |x: i64| opened + Duration::seconds(x);
        let rec = s(breach_after);
        let tl = TicketTimeline {
            opened,
            first_response_at: reply.map(s),
            resolved_at: resolved.map(s),
            pauses: pause.into_iter().map(|(a, l)| Pause { start: s(a), end: l.map(|l| s(a + l)) }).collect(),
            recorded_breaches: vec![
                RecordedBreach { metric: Metric::FirstResponse, at: rec },
                RecordedBreach { metric: Metric::Resolution, at: rec },
            ],
            ..Default::default()
        };
        let v = evaluate(&set, plan, sev, tz, &tl, s(offset));
        for metric in [Metric::FirstResponse, Metric::Resolution] {
            let m = pick(&v, metric);
            prop_assert_eq!(m.state, SlaState::Breached);
            prop_assert!(m.breached_at.unwrap() <= rec);
            prop_assert!(m.remaining_seconds.is_none_or(|r| r <= 0));
        }
    }
}
