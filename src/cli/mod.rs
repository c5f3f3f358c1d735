//! Command-line dispatch. Each subcommand group lives in its own file; this one resolves
//! the database path, the actor and the clock, the three inputs every command shares.

pub mod args;
mod gen_cmd;
pub mod order_cmd;
mod output;
mod sla_cmd;
mod ticket_cmd;

use std::io::{BufReader, Read, Write};
use std::path::Path;

use anyhow::{Context as _, Result, bail};

pub use args::Cli;
use args::{Command, OrgCommand, PolicyCommand};

pub use crate::session::{actor, database_path, now, open_store, policies};

/// Exit status for errors the user can fix (bad input, unknown ids, refused edits).
pub const EXIT_FAILURE: i32 = 1;

/// Reads a body given inline, from a file, or from standard input (`-`).
pub fn read_text(inline: Option<&str>, file: Option<&str>, what: &str) -> Result<String> {
    match (inline, file) {
        (Some(s), _) => Ok(s.to_string()),
        (None, Some("-")) => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .with_context(|| format!("reading the {what} from standard input"))?;
            Ok(s)
        }
        (None, Some(path)) => {
            std::fs::read_to_string(path).with_context(|| format!("reading the {what} from {path}"))
        }
        (None, None) => Ok(String::new()),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let db = cli.db.as_deref();
    let as_user = cli.as_user.as_deref();
    match cli.command {
        None => crate::tui::run_default(db, as_user),
        Some(Command::Demo(args)) => crate::demo::run(
            db,
            as_user,
            &crate::demo::DemoOptions {
                speed: args.speed,
                no_tui: args.no_tui,
            },
        ),
        Some(Command::Org(cmd)) => org(db, as_user, cmd),
        Some(Command::Ticket(cmd)) => ticket_cmd::run(db, as_user, cmd),
        Some(Command::Order(cmd)) => order_cmd::run(db, as_user, cmd),
        Some(Command::Report(cmd)) => order_cmd::report(db, cmd),
        Some(Command::Search { query, limit, json }) => {
            let store = open_store(db)?;
            let now = now()?;
            let tickets = store.search(&query, limit, now)?;
            output::print_tickets(&tickets, json, now)
        }
        Some(Command::Export { out }) => {
            let store = open_store(db)?;
            let (orgs, tickets) = match &out {
                Some(path) => {
                    // Write a new temporary file beside the target and rename it, so a failed
                    // export leaves no half file and touches no other file.
                    let dir = match path.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p,
                        _ => Path::new("."),
                    };
                    let tmp = tempfile::Builder::new()
                        .prefix(".tuidesk-export-")
                        .tempfile_in(dir)
                        .with_context(|| format!("creating a file in {}", dir.display()))?;
                    let mut w = std::io::BufWriter::new(tmp);
                    let counts = store.export(&mut w)?;
                    let tmp = w.into_inner().map_err(|e| {
                        anyhow::anyhow!("writing {}: {}", path.display(), e.error())
                    })?;
                    tmp.persist(path)
                        .with_context(|| format!("writing {}", path.display()))?;
                    counts
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    let counts = store.export(&mut w)?;
                    w.flush().context("writing standard output")?;
                    counts
                }
            };
            eprintln!("exported {orgs} organizations and {tickets} tickets");
            Ok(())
        }
        Some(Command::Import { file }) => {
            let mut store = open_store(db)?;
            let now = now()?;
            let summary = if file == "-" {
                let stdin = std::io::stdin();
                let mut r = stdin.lock();
                store.import(&mut r, now)?
            } else {
                let f = std::fs::File::open(&file).with_context(|| format!("opening {file}"))?;
                store.import(&mut BufReader::new(f), now)?
            };
            let orders = if summary.orders > 0 {
                format!(", {} service orders", summary.orders)
            } else {
                String::new()
            };
            println!(
                "imported {} organizations, {} tickets, {} conversation entries, {} events{orders}",
                summary.orgs, summary.tickets, summary.entries, summary.events
            );
            Ok(())
        }
        Some(Command::Sla(cmd)) => sla_cmd::run(db, cmd),
        Some(Command::Gen { tickets, seed }) => gen_cmd::run(db, tickets, seed),
        Some(Command::Backup { path }) => {
            let store = open_store(db)?;
            let Some(maintenance) = store.maintenance() else {
                bail!("this database backend has no backup of its own; use its server's tools");
            };
            maintenance.backup_to(&path)?;
            println!("backed up {} to {}", store.location(), path.display());
            Ok(())
        }
        Some(Command::Check) => {
            let store = open_store(db)?;
            let Some(maintenance) = store.maintenance() else {
                bail!("this database backend has no integrity check of its own");
            };
            let report = maintenance.integrity_check()?;
            if report.len() == 1 && report[0] == "ok" {
                println!("ok: {} passes the integrity check", store.location());
                Ok(())
            } else {
                for line in &report {
                    println!("{}", crate::text::sanitize_line(line));
                }
                bail!(
                    "integrity check failed ({} problems); restore from a backup",
                    report.len()
                )
            }
        }
        Some(Command::Policy(PolicyCommand::List)) => {
            let reg = policies()?;
            for name in reg.names() {
                if let Some(set) = reg.get(name) {
                    println!("{name}: severities {}", set.severities.join(", "));
                    for p in &set.plans {
                        let retired = match (&p.retired_on, &p.fallback) {
                            (Some(d), Some(f)) => format!(" (retired {d}, falls back to {f})"),
                            _ => String::new(),
                        };
                        println!("  {}{retired}", p.name);
                    }
                }
            }
            Ok(())
        }
    }
}

/// "1 open ticket recomputed", "3 open tickets recomputed".
fn recomputed(n: usize) -> String {
    if n == 1 {
        "1 open ticket recomputed".into()
    } else {
        format!("{n} open tickets recomputed")
    }
}

fn org(db: Option<&Path>, as_user: Option<&str>, cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Add {
            name,
            policy_set,
            plan,
            tz,
        } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let org = store.add_org(&name, &policy_set, &plan, &tz, &actor, now()?)?;
            println!("{}", org.id);
            Ok(())
        }
        OrgCommand::List { json } => {
            let store = open_store(db)?;
            let orgs = store.list_orgs()?;
            output::print_orgs(&orgs, store.policies(), json, now()?)
        }
        OrgCommand::Show { name, json } => {
            let store = open_store(db)?;
            let org = store.org_by_name(&name)?;
            let linked = store.linked_orgs(org.id)?;
            let history = store.org_events(org.id)?;
            output::print_org(&org, &linked, &history, store.policies(), json, now()?)
        }
        OrgCommand::Plan { name, plan } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.change_org_plan(&name, &plan, &actor, now()?)?;
            println!(
                "{}: plan {} → {} ({})",
                crate::text::sanitize_line(&change.org),
                change.old,
                change.new,
                recomputed(change.recomputed)
            );
            Ok(())
        }
        OrgCommand::Link { name, parent } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.link_org(&name, &parent, &actor, now()?)?;
            println!(
                "{} linked to {} ({})",
                crate::text::sanitize_line(&change.org),
                crate::text::sanitize_line(&change.new),
                recomputed(change.recomputed)
            );
            Ok(())
        }
        OrgCommand::Unlink { name } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.unlink_org(&name, &actor, now()?)?;
            println!(
                "{} unlinked from {} ({})",
                crate::text::sanitize_line(&change.org),
                crate::text::sanitize_line(&change.old),
                recomputed(change.recomputed)
            );
            Ok(())
        }
    }
}
