//! Due-instant computations per second. Run: `cargo bench --bench sla`.
//! Throughput is reported per element (one due computation), so criterion prints
//! "thrpt: … Kelem/s / Melem/s".

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tuidesk::sla::{Calendar, TicketTimeline, evaluate, first_response_due};

/// Opening instants spread over four weeks (every 1 h 58 min 7 s), so every hour
/// of the week, nights and weekends included, is hit.
fn openings() -> Vec<DateTime<Utc>> {
    let base = DateTime::from_timestamp(1_769_904_000, 0).unwrap(); // 2026-02-01T00:00Z
    (0..341)
        .map(|i| base + Duration::seconds(i * 7087))
        .collect()
}

fn bench(c: &mut Criterion) {
    let reg = tuidesk::config::policies::builtin().unwrap();
    let cc = reg.get("connected-care").unwrap();
    let tz = chrono_tz::America::New_York;
    let opened = openings();

    let mut g = c.benchmark_group("first_response_due");
    g.throughput(Throughput::Elements(1));
    g.bench_function("developer S4 (24 business h, New York)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            first_response_due(
                black_box(cc),
                black_box("developer"),
                black_box("S4"),
                tz,
                opened[i],
            )
        })
    });
    g.bench_function("developer S1 (4 business h, New York)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            first_response_due(
                black_box(cc),
                black_box("developer"),
                black_box("S1"),
                tz,
                opened[i],
            )
        })
    });
    g.bench_function("premium S1 (30 min 24x7)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            first_response_due(
                black_box(cc),
                black_box("premium"),
                black_box("S1"),
                tz,
                opened[i],
            )
        })
    });
    g.finish();

    // a calendar with a year of holidays and make-up days, long targets (week skipping)
    let mut holidays = Vec::new();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for d in start.iter_days().take(365).step_by(11) {
        holidays.push(d);
    }
    let cn = Calendar::builder()
        .weekdays(&["09:00-12:00", "13:30-18:00"])
        .holidays(holidays)
        .extra_working_day(chrono::NaiveDate::from_ymd_opt(2026, 2, 15).unwrap())
        .extra_working_day(chrono::NaiveDate::from_ymd_opt(2026, 9, 27).unwrap())
        .build()
        .unwrap();
    let sh = chrono_tz::Asia::Shanghai;
    let mut g = c.benchmark_group("calendar");
    g.throughput(Throughput::Elements(1));
    g.bench_function("add 2000 business h, 34 holidays, lunch break", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            cn.add_business_seconds(sh, opened[i], black_box(2000 * 3600))
        })
    });
    g.bench_function("between over 3 months, 34 holidays", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            cn.business_seconds_between(sh, opened[i], opened[i] + Duration::days(90))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("developer S2, one closed pause", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % opened.len();
            let o = opened[i];
            let tl = TicketTimeline {
                opened: o,
                pauses: vec![tuidesk::sla::Pause {
                    start: o + Duration::hours(1),
                    end: Some(o + Duration::hours(20)),
                }],
                first_response_at: None,
                resolved_at: None,
                ..Default::default()
            };
            evaluate(
                cc,
                "developer",
                "S2",
                tz,
                black_box(&tl),
                o + Duration::hours(30),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
