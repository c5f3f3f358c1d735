use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};

use super::{actor, now, open_store};
use crate::demo_templates::DemoTemplates;
use crate::generator::Generator;
use crate::out::outln;

/// Fills the database with `count` realistic tickets for benchmarks.
pub fn run(db: Option<&Path>, count: u64, seed: u64) -> Result<()> {
    if count == 0 {
        bail!("--tickets must be at least 1");
    }
    let started = Instant::now();
    let mut store = open_store(db)?;
    let now = now()?;
    let templates = DemoTemplates::builtin()?;
    // One organization per ~5,000 tickets, at least the templates' own.
    let extra_orgs = (count / 5_000) as usize;
    let mut generator = Generator::new(templates, store.policies().clone(), seed, extra_orgs);
    let orgs = generator.orgs.clone();
    let org_count = orgs.len();
    let system = actor(Some("tuidesk-gen"))?;
    let mut remaining = count;
    let mut tickets = std::iter::from_fn(|| {
        if remaining == 0 {
            return None;
        }
        remaining -= 1;
        let org = generator.rng().usize(0..org_count);
        let scenario = generator.bulk_scenario();
        let with_conversation = !matches!(scenario, crate::generator::Scenario::Done { .. });
        Some(generator.ticket(org, scenario, now, with_conversation))
    });
    let inserted = store.insert_generated(&orgs, &mut tickets, &system, now, count >= 10_000)?;
    outln!(
        "generated {inserted} tickets across {org_count} organizations in {:.1}s",
        started.elapsed().as_secs_f64()
    )
    .map_err(|e| e.after(format_args!("generated {inserted} tickets")))?;
    Ok(())
}
