//! `tuidesk demo`: a fresh database full of realistic tickets, a generator that keeps filing
//! new ones, and the TUI on top. No network is touched.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};

use crate::clock::{Clock, ScaledClock};
use crate::demo_templates::DemoTemplates;
use crate::desk::Desk;
use crate::domain::{Actor, AuthorRole, EntryKind, Status};
use crate::generator::{ENGINEERS, Generator, Scenario};
use crate::out::{note, outln};
use crate::store::{NewTicket, TicketChange};

/// Real seconds between two steps of the live generator at `--speed 1`; at `--speed N` the
/// steps come N times as often (the demo's pace follows its clock), down to `FASTEST_STEP`.
const FILE_EVERY: StdDuration = StdDuration::from_secs(4);
const FASTEST_STEP: StdDuration = StdDuration::from_millis(200);

/// Active tickets the live generator keeps the queue at: past this it resolves the oldest
/// as it files new ones, so a demo left running stays the same size.
pub const ACTIVE_CAP: i64 = 140;

/// Breached tickets the generator keeps on screen, so the demo always shows red.
pub const MIN_BREACHED: i64 = 3;

/// Real time between two generator steps at this clock speed.
pub fn step_interval(speed: f64) -> StdDuration {
    let real = FILE_EVERY.as_secs_f64() / speed.max(0.01);
    StdDuration::from_secs_f64(
        real.clamp(FASTEST_STEP.as_secs_f64(), 10.0 * FILE_EVERY.as_secs_f64()),
    )
}

/// The demo's mix of ticket situations, so every state is on screen from the first second:
/// already breached, breaching within minutes, running, paused, on hold, done.
pub fn demo_scenarios(rng: &mut fastrand::Rng) -> Vec<Scenario> {
    let mut out = Vec::new();
    for i in 0..12 {
        out.push(Scenario::Breached(60 * (3 + i * 7)));
    }
    for i in 0..10 {
        // Breach within the first few minutes of watching.
        out.push(Scenario::DueIn(45 + 50 * i));
    }
    for _ in 0..38 {
        out.push(Scenario::Fresh(rng.i64(60..6 * 3600)));
    }
    for _ in 0..30 {
        out.push(Scenario::Working(rng.i64(600..3 * 86_400)));
    }
    for _ in 0..18 {
        out.push(Scenario::Pending(rng.i64(3600..4 * 86_400)));
    }
    for _ in 0..10 {
        out.push(Scenario::OnHold(rng.i64(3600..6 * 86_400)));
    }
    for i in 0..34 {
        out.push(Scenario::Done {
            age: rng.i64(86_400..30 * 86_400),
            closed: i % 2 == 0,
            late: i % 5 == 0,
        });
    }
    out
}

/// Fills `store` with the demo organizations and ~150 tickets as they stand at `now`.
pub fn seed(store: &mut Desk, now: DateTime<Utc>, seed: u64) -> Result<usize> {
    let templates = DemoTemplates::builtin().context("reading the demo templates")?;
    let mut generator = Generator::new(templates, store.policies().clone(), seed, 0);
    let orgs = generator.orgs.clone();
    let scenarios = demo_scenarios(generator.rng());
    let mut tickets = Vec::new();
    for (i, scenario) in scenarios.into_iter().enumerate() {
        // 24×7 scenarios need an organization whose target runs on the wall clock.
        let mut org = i % orgs.len();
        if matches!(scenario, Scenario::Breached(_) | Scenario::DueIn(_)) {
            for step in 0..orgs.len() {
                let candidate = (i + step) % orgs.len();
                if generator.wall_target(candidate, "urgent", now).is_some()
                    || generator.wall_target(candidate, "S1", now).is_some()
                {
                    org = candidate;
                    break;
                }
            }
        }
        let mut t = generator.ticket(org, scenario, now, true);
        // Breach scenarios must land on a wall-clock target; fall back to a running ticket.
        if matches!(scenario, Scenario::Breached(_) | Scenario::DueIn(_))
            && generator.wall_target(org, &t.severity, now).is_none()
        {
            t = generator.ticket(org, Scenario::Fresh(1800), now, true);
        }
        tickets.push(t);
    }
    let actor = Actor {
        name: "demo".into(),
        via_as: true,
        os: None,
    };
    let n = store.insert_generated(&orgs, &mut tickets.into_iter(), &actor, now, false)?;
    seed_service_side(store, now).context("filling in the demo's service orders")?;
    Ok(n)
}

/// The demo's CTyun organizations (assets/demo/orgs.toml) that the service side uses.
const DEMO_ENTERPRISE: &str = "北京长河智慧医疗科技有限公司";
const DEMO_BUSINESS: &str = "深圳前海微链金融服务有限公司";
const DEMO_LIGHTWEIGHT: &str = "成都熊猫互娱网络科技有限公司";
const DEMO_STANDARD: &str = "杭州云栈信息技术有限公司";

/// Plan history, linked accounts and service orders in every kind and status, some rated,
/// spread over the last months so the Orders and Report views have something to show.
/// Everything goes through the same store calls (and rules) an engineer's commands use,
/// at the instants they would have happened.
pub fn seed_service_side(store: &mut Desk, now: DateTime<Utc>) -> Result<()> {
    use crate::domain::{OrderKind, Scenario as Check, YearMonth};
    use crate::orders::OrderRequest;
    use crate::store::NewOrder;
    let day = |n: i64| now - chrono::Duration::days(n);
    let engineer = |name: &str| Actor {
        name: name.into(),
        via_as: true,
        os: None,
    };
    let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let today = now.with_timezone(&tz).date_naive();
    let date = |offset: i64| today + chrono::Duration::days(offset);

    // The enterprise customer upgraded from business about a hundred days ago.
    store.change_org_plan(DEMO_ENTERPRISE, "business", &engineer("li.na"), day(130))?;
    store.change_org_plan(DEMO_ENTERPRISE, "enterprise", &engineer("li.na"), day(100))?;
    // Linked accounts: subsidiaries served on their parent's plan.
    for (name, plan, parent) in [
        ("长河智慧医疗（上海）有限公司", "standard", DEMO_ENTERPRISE),
        ("前海微链（香港）有限公司", "standard", DEMO_BUSINESS),
    ] {
        store.add_org(
            name,
            "ctyun",
            plan,
            "Asia/Shanghai",
            &engineer("li.na"),
            day(90),
        )?;
        store.link_org(name, parent, &engineer("li.na"), day(89))?;
    }
    store.refresh_all_sla(now)?;

    let order = |org: &str, request: OrderRequest, note: &str| NewOrder {
        org: org.into(),
        request,
        note: note.into(),
    };
    let kind_only = |kind: OrderKind| OrderRequest {
        kind,
        level: None,
        start: None,
        end: None,
        scenario: None,
        month: None,
    };
    let assurance = |level: u8, start: i64, days: i64| OrderRequest {
        level: Some(level),
        start: Some(date(start)),
        end: Some(date(start + days - 1)),
        ..kind_only(OrderKind::EventAssurance)
    };
    let check = |scenario: Check| OrderRequest {
        scenario: Some(scenario),
        ..kind_only(OrderKind::AvailabilityCheck)
    };
    let li = engineer("li.na");
    let wang = engineer("wang.lei");

    // Monthly reports: the months since joining enterprise delivered and rated, this
    // month's report still to do.
    let joined = YearMonth::of(day(100).with_timezone(&tz).date_naive());
    let current = YearMonth::of(today);
    let mut month = joined;
    let mut n = 0;
    while month < current {
        let requested = (month.next().first_day() - today).num_days().abs();
        let at = day(requested.min(99));
        let req = OrderRequest {
            month: Some(month),
            ..kind_only(OrderKind::MonthlyReport)
        };
        let created = store.create_order(&order(DEMO_ENTERPRISE, req, ""), &li, at)?;
        let done_at = at + chrono::Duration::days(6);
        let files = store.report_attachments(created.order.id, done_at)?;
        store.complete_order(created.order.id, &files, &li, done_at)?;
        if n % 2 == 0 {
            store.rate_order(
                created.order.id,
                5,
                4,
                "报告清晰，工单明细完整。希望下月增加可用性趋势图。",
                &li,
                done_at + chrono::Duration::days(2),
            )?;
        }
        n += 1;
        month = month.next();
    }
    let req = OrderRequest {
        month: Some(current),
        ..kind_only(OrderKind::MonthlyReport)
    };
    store.create_order(
        &order(
            DEMO_ENTERPRISE,
            req,
            "covers this month; due early next month",
        ),
        &li,
        now,
    )?;

    // Event assurance: one delivered and rated, one refused, some coming up.
    let past = store.create_order(
        &order(
            DEMO_ENTERPRISE,
            assurance(2, 8 - 40, 3),
            "年度挂号高峰保障 (registration peak)",
        ),
        &wang,
        day(40),
    )?;
    store.complete_order(past.order.id, &[], &wang, day(29))?;
    store.rate_order(
        past.order.id,
        4,
        5,
        "值班工程师响应很快，变更冻结执行到位。Response was fast and the freeze held.",
        &wang,
        day(27),
    )?;
    let refused = store.create_order(
        &order(DEMO_BUSINESS, assurance(3, 12, 2), "双十二大促"),
        &wang,
        day(3),
    )?;
    store.reject_order(
        refused.order.id,
        "customer moved the launch; will request again with the new dates",
        &wang,
        day(2),
    )?;
    store.create_order(
        &order(
            DEMO_ENTERPRISE,
            assurance(1, 16, 3),
            "core HIS migration weekend",
        ),
        &li,
        day(1),
    )?;
    store.create_order(
        &order(
            DEMO_BUSINESS,
            assurance(3, 5, 4),
            "年终结算 (year-end settlement)",
        ),
        &wang,
        now - chrono::Duration::hours(2),
    )?;

    // Availability checks.
    let joining = store.create_order(
        &order(DEMO_LIGHTWEIGHT, check(Check::Joining), ""),
        &wang,
        day(20),
    )?;
    store.complete_order(joining.order.id, &[], &wang, day(15))?;
    store.rate_order(joining.order.id, 3, 4, "", &wang, day(14))?;
    store.create_order(
        &order(
            DEMO_BUSINESS,
            check(Check::MajorChange),
            "database version upgrade",
        ),
        &wang,
        day(2),
    )?;
    let annual = store.create_order(
        &order(DEMO_ENTERPRISE, check(Check::Annual), ""),
        &li,
        day(12),
    )?;
    store.complete_order(annual.order.id, &[], &li, day(4))?;
    let _ = DEMO_STANDARD;
    Ok(())
}

/// One step of the live generator: mostly new tickets, sometimes a reply or a status change,
/// so a viewer sees the queue move. It keeps the queue at most `ACTIVE_CAP` long (resolving
/// the oldest) and at least `MIN_BREACHED` tickets breached.
pub fn live_step(store: &mut Desk, generator: &mut Generator, now: DateTime<Utc>) -> Result<()> {
    let counts = store.urgency_counts(now)?;
    if counts.breached < MIN_BREACHED {
        file_breached(store, generator, now)?;
    }
    if counts.active >= ACTIVE_CAP {
        resolve_oldest(store, now)?;
    }
    let orgs = generator.orgs.clone();
    let org = generator.rng().usize(0..orgs.len());
    let roll = generator.rng().u8(0..10);
    let engineer = ENGINEERS[generator.rng().usize(0..ENGINEERS.len())];
    let actor = Actor {
        name: engineer.into(),
        via_as: true,
        os: None,
    };
    if roll < 7 {
        let t = generator.ticket(org, Scenario::Fresh(0), now, false);
        store.create_ticket(
            &NewTicket {
                org: orgs[org].name.clone(),
                kind: Some(t.kind),
                severity: t.severity,
                summary: t.summary,
                description: t.description,
                component: t.component,
                environment: t.environment,
                affected_version: t.affected_version,
                ..NewTicket::default()
            },
            &Actor {
                name: "customer".into(),
                via_as: true,
                os: None,
            },
            now,
        )?;
        return Ok(());
    }
    // Work the most urgent unanswered ticket now and then.
    let page = store.list_tickets(
        &crate::store::TicketFilter {
            statuses: vec![Status::New],
            ..Default::default()
        },
        crate::store::TicketSort::Due,
        None,
        None,
        5,
        now,
    )?;
    // Answer tickets still running: the breached ones stay red for the viewer.
    let running: Vec<_> = page.tickets.iter().filter(|t| !t.breached).collect();
    if let Some(t) = running.get(generator.rng().usize(0..running.len().max(1))) {
        if roll < 9 {
            store.add_entry(
                t.id,
                EntryKind::Reply,
                AuthorRole::Engineer,
                "Thanks for the report — we are looking into it and will update you shortly.",
                &actor,
                now,
            )?;
        } else {
            store.change_ticket(
                t.id,
                &TicketChange::Assign(Some(engineer.into())),
                None,
                &actor,
                now,
            )?;
        }
    }
    Ok(())
}

/// Files a ticket whose 24×7 first-response target has just run out.
fn file_breached(store: &mut Desk, generator: &mut Generator, now: DateTime<Utc>) -> Result<()> {
    let orgs = generator.orgs.clone();
    for _ in 0..(orgs.len() * 3) {
        let org = generator.rng().usize(0..orgs.len());
        let over = generator.rng().i64(30..600);
        let t = generator.ticket(org, Scenario::Breached(over), now, false);
        // Only a wall-clock target is surely past due; business hours may not be.
        if generator.wall_target(org, &t.severity, now).is_none() {
            continue;
        }
        store.create_ticket(
            &NewTicket {
                org: orgs[org].name.clone(),
                kind: Some(t.kind),
                severity: t.severity,
                summary: t.summary,
                description: t.description,
                component: t.component,
                environment: t.environment,
                affected_version: t.affected_version,
                ..NewTicket::default()
            },
            &Actor {
                name: "customer".into(),
                via_as: true,
                os: None,
            },
            t.created_at,
        )?;
        return Ok(());
    }
    Ok(())
}

/// Resolves the oldest active ticket, as an engineer closing the backlog would.
fn resolve_oldest(store: &mut Desk, now: DateTime<Utc>) -> Result<()> {
    // Newest first is the created order; the page before the smallest key is the oldest.
    let oldest = store.list_tickets(
        &crate::store::TicketFilter::default(),
        crate::store::TicketSort::Created,
        None,
        Some(&crate::store::SortKey::end()),
        1,
        now,
    )?;
    if let Some(t) = oldest.tickets.first() {
        let engineer = t.assignee.clone().unwrap_or_else(|| "li.na".into());
        store.change_ticket(
            t.id,
            &TicketChange::Status(Status::Resolved),
            None,
            &Actor {
                name: engineer,
                via_as: true,
                os: None,
            },
            now,
        )?;
    }
    Ok(())
}

/// The mark `demo` leaves in its database (the `meta` table): only a database carrying it
/// gets the live generator.
pub const DEMO_MARK: (&str, &str) = ("created_by", "tuidesk demo");

/// How the demo runs: the clock's speed and whether to open the TUI at all.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub speed: f64,
    pub no_tui: bool,
}

pub fn run(db: Option<&Path>, as_user: Option<&str>, args: &DemoOptions) -> Result<()> {
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= 10_000.0) {
        bail!(
            "--speed must be a number above 0 and at most 10000 (got {})",
            args.speed
        );
    }
    let tempdir;
    let path: PathBuf = match db {
        Some(p) => p.to_path_buf(),
        None if args.no_tui => bail!(
            "demo --no-tui writes a database to keep: pass --db PATH (without it the demo uses a temporary one)"
        ),
        None => {
            tempdir = tempfile::Builder::new()
                .prefix("tuidesk-demo-")
                .tempdir()
                .context("creating a temporary directory for the demo database")?;
            let path = tempdir.path().join("demo.db");
            note!(
                "demo: temporary database {} (removed when the demo ends; pass --db PATH to keep one)",
                path.display()
            );
            path
        }
    };
    // An empty file (from `mktemp`, say) is as good as none; a server database is fresh
    // while it holds no organization and no demo mark (its schema is made at open).
    let server = crate::store::is_server_url(&path);
    let fresh_file = std::fs::metadata(&path).map_or(true, |m| m.is_file() && m.len() == 0);
    let mut store = crate::session::open_store(Some(&path))?;
    let fresh = if server {
        store.meta(DEMO_MARK.0)?.is_none() && store.list_orgs()?.is_empty()
    } else {
        fresh_file
    };
    // What messages name: a server URL without its password.
    let shown = store.location();
    let origin = crate::session::now()?;
    if fresh {
        let n = seed(&mut store, origin, 7)?;
        // Marked last: a demo that failed half-way is refused below, never reused.
        store.set_meta(DEMO_MARK.0, DEMO_MARK.1)?;
        note!("demo: {} tickets in {}", n, shown);
    } else if store.meta(DEMO_MARK.0)?.as_deref() == Some(DEMO_MARK.1) {
        note!("demo: reusing {} (delete it for a fresh demo)", shown);
    } else {
        bail!(
            "{} was not created by `tuidesk demo`, and the demo files made-up tickets into its database; open it with `tuidesk --db {}`, or give the demo a new path",
            shown,
            shown
        );
    }
    if args.no_tui {
        outln!("{}", shown).map_err(|e| e.after("demo database written"))?;
        return Ok(());
    }
    let clock: Arc<dyn Clock> = Arc::new(ScaledClock::new(origin, args.speed));
    let stop = Arc::new(AtomicBool::new(false));
    let generator_thread = {
        let stop = stop.clone();
        let clock = clock.clone();
        let path = path.clone();
        let policies = store.policies().clone();
        std::thread::spawn(move || -> Result<()> {
            let mut store = Desk::open(&path, policies.clone())?;
            let templates = DemoTemplates::builtin()?;
            let mut generator = Generator::new(templates, policies, 11, 0);
            let every = step_interval(clock.speed());
            while !stop.load(Ordering::Relaxed) {
                // Short naps, so quitting never waits for a whole step.
                let start = std::time::Instant::now();
                while start.elapsed() < every && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(every.min(StdDuration::from_millis(100)));
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                // A busy moment is not worth stopping the demo for; the next step retries.
                let _ = live_step(&mut store, &mut generator, clock.now());
            }
            Ok(())
        })
    };
    drop(store);
    let result = crate::tui::run(&path, as_user, clock);
    stop.store(true, Ordering::Relaxed);
    let _ = generator_thread.join();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_cover_every_state() {
        let mut rng = fastrand::Rng::with_seed(1);
        let s = demo_scenarios(&mut rng);
        assert!((140..=160).contains(&s.len()));
        assert!(s.iter().any(|x| matches!(x, Scenario::Breached(_))));
        assert!(
            s.iter()
                .filter(|x| matches!(x, Scenario::DueIn(d) if *d < 600))
                .count()
                >= 5
        );
        assert!(s.iter().any(|x| matches!(x, Scenario::Pending(_))));
        assert!(
            s.iter()
                .any(|x| matches!(x, Scenario::Done { closed: true, .. }))
        );
    }

    #[test]
    fn the_generators_pace_follows_the_clock() {
        assert_eq!(step_interval(1.0), FILE_EVERY);
        assert_eq!(step_interval(2.0), FILE_EVERY / 2);
        assert!(step_interval(10.0) < step_interval(1.0));
        assert_eq!(step_interval(60.0), FASTEST_STEP);
    }

    #[test]
    fn a_long_demo_stays_bounded_and_keeps_some_red() {
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let start: DateTime<Utc> = "2026-11-23T07:00:00Z".parse().unwrap();
        let mut store = Desk::open(&dir.path().join("demo.db"), policies.clone()).unwrap();
        seed(&mut store, start, 7).unwrap();
        let templates = DemoTemplates::builtin().unwrap();
        let mut generator = Generator::new(templates, policies, 11, 0);
        // Two hours of demo clock at one step a minute (--speed 15 pace): ~120 steps.
        let mut max_active = 0;
        for i in 0..120 {
            let now = start + chrono::Duration::minutes(i);
            live_step(&mut store, &mut generator, now).unwrap();
            let c = store.urgency_counts(now).unwrap();
            max_active = max_active.max(c.active);
            assert!(
                c.breached >= MIN_BREACHED,
                "step {i}: only {} breached",
                c.breached
            );
        }
        assert!(
            max_active <= ACTIVE_CAP + 1,
            "the queue grew to {max_active}"
        );
    }

    #[test]
    fn demo_database_has_the_service_side() {
        use crate::domain::{OrderKind, OrderStatus};
        use crate::store::OrderFilter;
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        // Early in a month, late in a month and on New Year's Eve, every rule must still pass.
        for (i, now) in [
            "2026-11-23T07:00:00Z",
            "2026-12-01T00:30:00Z",
            "2026-12-31T15:59:00Z",
        ]
        .iter()
        .enumerate()
        {
            let now: DateTime<Utc> = now.parse().unwrap();
            let path = dir.path().join(format!("demo{i}.db"));
            let mut store = Desk::open(&path, policies.clone()).unwrap();
            seed(&mut store, now, 7).unwrap();
            let orders = store.list_orders(&OrderFilter::default(), 1000).unwrap();
            for kind in OrderKind::ALL {
                for status in OrderStatus::ALL {
                    if *kind == OrderKind::AvailabilityCheck && *status == OrderStatus::Rejected {
                        continue;
                    }
                    if *kind == OrderKind::MonthlyReport && *status == OrderStatus::Rejected {
                        continue;
                    }
                    assert!(
                        orders
                            .iter()
                            .any(|o| o.kind == *kind && o.status == *status),
                        "{now}: no {kind} order in {status}"
                    );
                }
            }
            assert!(orders.iter().any(|o| o.status == OrderStatus::Rejected));
            assert!(orders.iter().filter(|o| o.rating.is_some()).count() >= 3);
            assert!(orders.iter().any(|o| o.rating.as_ref().is_some_and(|r| {
                r.feedback
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            })));
            let orgs = store.list_orgs().unwrap();
            assert!(orgs.iter().filter(|o| o.parent.is_some()).count() >= 2);
            assert!(orgs.iter().any(|o| o.plan.starts_with("legacy-")));
            let report = store
                .monthly_report(crate::domain::YearMonth::of(now.date_naive()), None, now)
                .unwrap();
            assert!(!report.orgs.is_empty(), "{now}: the report view has data");
        }
    }
}
