//! Property tests: round trips, monotonicity, pauses, and the week-skipping
//! arithmetic against a slow obvious reference that steps interval by interval.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

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

fn calendar() -> impl Strategy<Value = Calendar> {
    (
        prop::array::uniform7(day_hours()),
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
        let due = cal.add_business_seconds(tz, from, t);
        prop_assert_eq!(cal.business_seconds_between(tz, from, due), t);
        // and it is the earliest such instant
        prop_assert!(cal.business_seconds_between(tz, from, due - Duration::seconds(1)) < t);
    }

    #[test]
    fn elapsed_of_due_is_target_dst_zones(z in 0usize..5, from in instant_2024_2028(), t in 1i64..300 * 3600) {
        let cal = cc_calendar();
        let tz = ZONES[z];
        let due = cal.add_business_seconds(tz, from, t);
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
    fn pause_moves_wall_clock_due_by_its_length(
        opened in instant_2024_2028(),
        start in 0i64..3600,
        len in 1i64..10 * 86_400,
        plan in prop::sample::select(vec!["standard", "lightweight", "business", "enterprise"]),
        sev in prop::sample::select(vec!["urgent", "general"]),
    ) {
        let reg = crate::config::policies::builtin().unwrap();
        let set = reg.get("ctyun").unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        let now = opened + Duration::days(30);
        let plain = TicketTimeline { opened, ..Default::default() };
        let due0 = evaluate(set, plan, sev, tz, &plain, now)[0].due.unwrap();
        prop_assume!(opened + Duration::seconds(start) < due0);
        let p = Pause { start: opened + Duration::seconds(start), end: Some(opened + Duration::seconds(start + len)) };
        let paused = TicketTimeline { pauses: vec![p], ..plain };
        let st = evaluate(set, plan, sev, tz, &paused, now)[0].clone();
        prop_assert_eq!(st.due, Some(due0 + Duration::seconds(len)));
        prop_assert_eq!(first_response_due(set, plan, sev, tz, opened), Some(due0));
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
            prop_assert_eq!(Some(due), first_response_due(set, plan, sev, tz, opened));
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
