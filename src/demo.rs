//! `tuidesk demo`: a fresh database full of realistic tickets, a generator that keeps filing
//! new ones, and the TUI on top. No network is touched.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};

use crate::cli::args::DemoArgs;
use crate::clock::{Clock, ScaledClock};
use crate::demo_templates::DemoTemplates;
use crate::domain::{Actor, AuthorRole, EntryKind, Status};
use crate::generator::{ENGINEERS, Generator, Scenario};
use crate::store::{NewTicket, Store, TicketChange};

/// Real seconds between two tickets filed by the live generator.
const FILE_EVERY: StdDuration = StdDuration::from_secs(4);

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
pub fn seed(store: &mut Store, now: DateTime<Utc>, seed: u64) -> Result<usize> {
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
    };
    let n = store.insert_generated(&orgs, &mut tickets.into_iter(), &actor, now, false)?;
    Ok(n)
}

/// One step of the live generator: mostly new tickets, sometimes a reply or a status change,
/// so a viewer sees the queue move.
pub fn live_step(store: &mut Store, generator: &mut Generator, now: DateTime<Utc>) -> Result<()> {
    let orgs = generator.orgs.clone();
    let org = generator.rng().usize(0..orgs.len());
    let roll = generator.rng().u8(0..10);
    let engineer = ENGINEERS[generator.rng().usize(0..ENGINEERS.len())];
    let actor = Actor {
        name: engineer.into(),
        via_as: true,
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
            },
            &Actor {
                name: "customer".into(),
                via_as: true,
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
    if let Some(t) = page
        .tickets
        .get(generator.rng().usize(0..page.tickets.len().max(1)))
    {
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

pub fn run(db: Option<&Path>, as_user: Option<&str>, args: &DemoArgs) -> Result<()> {
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= 10_000.0) {
        bail!(
            "--speed must be a number above 0 and at most 10000 (got {})",
            args.speed
        );
    }
    let tempdir;
    let path: PathBuf = match db {
        Some(p) => p.to_path_buf(),
        None => {
            tempdir = tempfile::Builder::new()
                .prefix("tuidesk-demo-")
                .tempdir()
                .context("creating a temporary directory for the demo database")?;
            tempdir.path().join("demo.db")
        }
    };
    let fresh = !path.exists();
    let mut store = crate::cli::open_store(Some(&path))?;
    let origin = crate::cli::now()?;
    if fresh {
        let n = seed(&mut store, origin, 7)?;
        eprintln!("demo: {} tickets in {}", n, path.display());
    } else {
        eprintln!(
            "demo: reusing {} (delete it for a fresh demo)",
            path.display()
        );
    }
    if args.no_tui {
        println!("{}", path.display());
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
            let mut store = Store::open(&path, policies.clone())?;
            let templates = DemoTemplates::builtin()?;
            let mut generator = Generator::new(templates, policies, 11, 0);
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(StdDuration::from_millis(100));
                let ticks = FILE_EVERY.as_millis() / 100;
                let mut waited = 1;
                while waited < ticks && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(StdDuration::from_millis(100));
                    waited += 1;
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
}
