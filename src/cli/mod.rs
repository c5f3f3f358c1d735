//! Command-line dispatch. Each subcommand group lives in its own file; this one resolves
//! the database path, the actor and the clock, the three inputs every command shares.

pub mod args;
mod gen_cmd;
pub mod mail_cmd;
pub mod order_cmd;
pub mod output;
mod progress;
mod reply_template_cmd;
pub mod sla_cmd;
mod ticket_cmd;
mod watch_cmd;

use std::io::{BufReader, IsTerminal as _, Read, Write};
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::CommandFactory as _;

pub use args::Cli;
use args::{Command, OrgCommand, PolicyCommand};

use crate::out::{self, note, outln};
pub use crate::session::{
    actor, database_path, mail_config, now, open_existing_store, open_store, policies,
};

/// Exit status for errors the user can fix (bad input, unknown ids, refused edits).
pub const EXIT_FAILURE: i32 = 1;

/// clap's usage error on one line: its message and hints, without the usage block, and
/// a pointer to the help of the command that was meant.
pub fn one_line_usage_error(rendered: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut command: Vec<&str> = Vec::new();
    let mut in_usage = false;
    for line in rendered.lines() {
        let line = line.trim();
        if line.is_empty() {
            in_usage = false;
        } else if line.starts_with("For more information") {
            continue;
        } else if let Some(usage) = line.strip_prefix("Usage:") {
            in_usage = true;
            if command.is_empty() {
                command = usage
                    .split_whitespace()
                    .take_while(|w| !w.starts_with(['[', '<', '-']))
                    .collect();
            }
        } else if !in_usage {
            parts.push(line);
        }
    }
    let mut text = parts.join(" ");
    if !command.is_empty() {
        text.push_str(&format!(" (see `{} --help`)", command.join(" ")));
    }
    text
}

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

/// A file to attach: its name (the path's last part) and bytes, refused past the size the
/// store keeps (`with` says what it is attached to, for the message).
pub(crate) fn read_attachment(path: &Path, with: &str) -> Result<(String, Vec<u8>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| anyhow::anyhow!("{} is not a file", path.display()))?;
    let meta = std::fs::metadata(path)
        .with_context(|| format!("reading attachment {}", path.display()))?;
    if !meta.is_file() {
        bail!("attachment {} is not a regular file", path.display());
    }
    if meta.len() > crate::store::MAX_ATTACHMENT_BYTES as u64 {
        bail!(
            "attachment {} is {} bytes; at most {} bytes are stored with {with}",
            path.display(),
            meta.len(),
            crate::store::MAX_ATTACHMENT_BYTES
        );
    }
    let data =
        std::fs::read(path).with_context(|| format!("reading attachment {}", path.display()))?;
    Ok((name, data))
}

pub fn run(cli: Cli) -> Result<()> {
    let db = cli.db.as_deref();
    let as_user = cli.as_user.as_deref();
    match cli.command {
        None => {
            crate::session::confirm_new_database(db)?;
            crate::tui::run_default(db, as_user)
        }
        Some(Command::Demo(args)) => crate::demo::run(
            db,
            as_user,
            &crate::demo::DemoOptions {
                speed: args.speed,
                no_tui: args.no_tui,
            },
        ),
        Some(Command::Org(cmd)) => org(db, as_user, cmd),
        Some(Command::Ticket(cmd)) => {
            ticket_cmd::run(crate::session::language()?, db, as_user, cmd)
        }
        Some(Command::Order(cmd)) => order_cmd::run(crate::session::language()?, db, as_user, cmd),
        Some(Command::Report(cmd)) => order_cmd::report(crate::session::language()?, db, cmd),
        Some(Command::Mail(cmd)) => mail_cmd::run(db, as_user, cmd),
        Some(Command::ReplyTemplate(cmd)) => reply_template_cmd::run(db, as_user, cmd),
        Some(Command::Watch { once }) => watch_cmd::run(db, as_user, once),
        Some(Command::Search { query, limit, json }) => {
            let lang = crate::session::language()?;
            let store = open_existing_store(db)?;
            let now = now()?;
            // One more than asked for: whether the list is all that matched.
            let mut hits = store.search(&query, limit.saturating_add(1), now)?;
            if hits.tickets.len() > limit {
                hits.tickets.truncate(limit);
                note!(
                    "tuidesk: {}",
                    crate::tr!(lang, "cli-search-more", shown = limit)
                );
            }
            if hits.bounded {
                note!(
                    "tuidesk: {}",
                    crate::tr!(
                        lang,
                        "cli-search-bounded",
                        bound = crate::text::search_bound_label(lang)
                    )
                );
            }
            let fr = first_responses(&store, &hits.tickets, json, now)?;
            output::print_tickets(lang, &hits.tickets, &fr, json, now)
        }
        Some(Command::Export { out }) => {
            let store = open_existing_store(db)?;
            let (orgs, tickets) = match &out {
                Some(path) => {
                    let target = crate::files::out_target(path)
                        .with_context(|| format!("writing {}", path.display()))?;
                    match target {
                        crate::files::OutTarget::Replace(real) => {
                            export_replacing(&store, path, &real)?
                        }
                        crate::files::OutTarget::Stream(real) => {
                            let f = std::fs::OpenOptions::new()
                                .write(true)
                                .open(&real)
                                .with_context(|| format!("opening {}", path.display()))?;
                            let mut w = std::io::BufWriter::new(progress::Counting::new(
                                f,
                                progress::Progress::new("exporting", None),
                            ));
                            let counts = store.export(&mut w, now()?)?;
                            w.flush()
                                .with_context(|| format!("writing {}", path.display()))?;
                            counts
                        }
                    }
                }
                None => {
                    let mut w = std::io::BufWriter::new(progress::Counting::new(
                        out::Stdout,
                        progress::Progress::new("exporting", None),
                    ));
                    let counts = store.export(&mut w, now()?)?;
                    w.flush().map_err(out::OutputError::from)?;
                    counts
                }
            };
            let lang = crate::session::language()?;
            note!(
                "{}",
                crate::tr!(lang, "cli-exported", orgs = orgs, tickets = tickets)
            );
            Ok(())
        }
        Some(Command::Import { file }) => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let now = now()?;
            let summary = if file == "-" {
                let stdin = std::io::stdin();
                let mut r = BufReader::new(progress::Counting::new(
                    stdin.lock(),
                    progress::Progress::new("importing", None),
                ));
                store.import_audited(&mut r, now, Some((&actor, "standard input")))?
            } else {
                let f = std::fs::File::open(&file).with_context(|| format!("opening {file}"))?;
                let meta = f.metadata().with_context(|| format!("opening {file}"))?;
                let source = std::fs::canonicalize(&file)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| file.clone());
                // A named pipe or `<(…)` reads once: it is copied to a temporary file first.
                let (regular, size) = (meta.is_file(), meta.is_file().then_some(meta.len()));
                let mut r = BufReader::with_capacity(
                    1 << 20,
                    progress::Counting::new(f, progress::Progress::new("importing", size)),
                );
                if regular {
                    store.import_from(&mut r, now, Some((&actor, &source)))?
                } else {
                    store.import_audited(&mut r, now, Some((&actor, &source)))?
                }
            };
            let lang = crate::session::language()?;
            let done = crate::tr!(
                lang,
                "cli-imported",
                orgs = summary.orgs,
                tickets = summary.tickets,
                entries = summary.entries,
                events = summary.events,
                orders = summary.orders
            );
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
        Some(Command::Migrate { to }) => migrate(db, &to, as_user),
        Some(Command::Sla(cmd)) => sla_cmd::run(db, cmd),
        Some(Command::Gen { tickets, seed }) => gen_cmd::run(db, tickets, seed),
        Some(Command::Backup { path }) => {
            let store = open_existing_store(db)?;
            let Some(maintenance) = store.maintenance() else {
                bail!("this database backend has no backup of its own; use its server's tools");
            };
            // Progress on a terminal only: scripts and logs get the one result line.
            let tty = std::io::stderr().is_terminal();
            let progress = |bytes: u64| {
                if tty {
                    eprint!("\rtuidesk: backing up… {:.1} MB", bytes as f64 / 1e6);
                }
            };
            let result = maintenance.backup_to(&path, &progress);
            if tty {
                eprintln!();
            }
            result?;
            let lang = crate::session::language()?;
            outln!(
                "{}",
                crate::tr!(
                    lang,
                    "cli-backed-up",
                    from = store.location(),
                    to = path.display().to_string()
                )
            )
            .map_err(|e| e.after(format_args!("backed up to {}", path.display())))?;
            Ok(())
        }
        Some(Command::Check) => {
            let store = open_existing_store(db)?;
            let Some(maintenance) = store.maintenance() else {
                bail!("this database backend has no integrity check of its own");
            };
            let report = maintenance.integrity_check()?;
            if !(report.len() == 1 && report[0] == "ok") {
                for line in &report {
                    outln!("{}", crate::text::sanitize_line(line))?;
                }
                bail!(
                    "integrity check failed ({} problems); restore from a backup",
                    report.len()
                )
            }
            let problems = store.check_invariants(now()?)?;
            if problems.is_empty() {
                let lang = crate::session::language()?;
                let location = store.location();
                // On a server, pages and constraints are the server's own to check.
                let key = if crate::store::is_server_url(Path::new(&location)) {
                    "cli-check-ok-server"
                } else {
                    "cli-check-ok"
                };
                outln!("{}", crate::tr!(lang, key, db = location))?;

                Ok(())
            } else {
                for line in &problems {
                    outln!("{}", crate::text::sanitize_line(line))?;
                }
                bail!(
                    "{} application invariants do not hold; fix those rows or restore from a backup",
                    problems.len()
                )
            }
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "tuidesk", &mut script);
            out::write_bytes(&script)?;
            Ok(())
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("writing the manual page")?;
            out::write_bytes(&page)?;
            Ok(())
        }
        Some(Command::Policy(PolicyCommand::List)) => {
            let reg = policies()?;
            for name in reg.names() {
                if let Some(set) = reg.get(name) {
                    outln!("{name}: severities {}", set.severities.join(", "))?;
                    for p in &set.plans {
                        let retired = match (&p.retired_on, &p.fallback) {
                            (Some(d), Some(f)) => format!(" (retired {d}, falls back to {f})"),
                            _ => String::new(),
                        };
                        outln!("  {}{retired}", p.name)?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// A hidden name beside `to`, unique to this process, for a file written before it is
/// linked into place.
fn staging_path(to: &Path) -> std::path::PathBuf {
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "desk.db".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    to.with_file_name(format!(
        ".{name}.tuidesk-migrate-{}-{nanos}",
        std::process::id()
    ))
}

/// `export --out` to a regular file (`real`, which `shown` may link to): a new temporary
/// file beside it, renamed over it at the end, so a failed export leaves no half file and
/// the old one whole.
fn export_replacing(
    store: &crate::desk::Desk,
    shown: &Path,
    real: &Path,
) -> Result<(usize, usize)> {
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".tuidesk-export-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let mut w = std::io::BufWriter::new(progress::Counting::new(
        tmp,
        progress::Progress::new("exporting", None),
    ));
    let counts = store.export(&mut w, now()?)?;
    let tmp = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", shown.display(), e.error()))?
        .into_inner();
    crate::files::apply_umask(tmp.path())
        .with_context(|| format!("writing {}", shown.display()))?;
    tmp.persist(real)
        .with_context(|| format!("writing {}", shown.display()))?;
    Ok(counts)
}

/// "1 open ticket recomputed", "3 open tickets recomputed".
fn recomputed(lang: crate::i18n::Lang, n: usize) -> String {
    crate::tr!(lang, "cli-recomputed", n = n)
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
            outln!("{}", org.id)
                .map_err(|e| e.after(format_args!("organization {} added", org.id)))?;
            Ok(())
        }
        OrgCommand::List { json } => {
            let store = open_existing_store(db)?;
            let orgs = store.list_orgs()?;
            output::print_orgs(
                crate::session::language()?,
                &orgs,
                store.policies(),
                json,
                now()?,
            )
        }
        OrgCommand::Show { name, json } => {
            let store = open_existing_store(db)?;
            let org = store.org_by_name(&name)?;
            let linked = store.linked_orgs(org.id)?;
            let history = store.org_events(org.id)?;
            let contacts = store.contacts(org.id)?;
            output::print_org(
                crate::session::language()?,
                &output::OrgView {
                    org: &org,
                    linked: &linked,
                    history: &history,
                    contacts: &contacts,
                },
                store.policies(),
                json,
                now()?,
            )
        }
        OrgCommand::Contact { name, add, remove } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let contacts = store.change_contacts(&name, &add, &remove, &actor, now()?)?;
            if contacts.is_empty() {
                note!(
                    "{}",
                    crate::tr!(
                        crate::session::language()?,
                        "cli-no-contacts",
                        org = crate::text::sanitize_line(&name)
                    )
                );
            }
            for c in &contacts {
                outln!("{}", crate::text::sanitize_line(c))
                    .map_err(|e| e.after("contacts changed"))?;
            }
            Ok(())
        }
        OrgCommand::Plan { name, plan } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.change_org_plan(&name, &plan, &actor, now()?)?;
            let lang = crate::session::language()?;
            let done = crate::tr!(
                lang,
                "cli-org-plan",
                org = crate::text::sanitize_line(&change.org),
                old = &change.old,
                new = &change.new,
                recomputed = recomputed(lang, change.recomputed)
            );
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
        OrgCommand::Link { name, parent } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.link_org(&name, &parent, &actor, now()?)?;
            let lang = crate::session::language()?;
            let done = crate::tr!(
                lang,
                "cli-org-linked",
                org = crate::text::sanitize_line(&change.org),
                parent = crate::text::sanitize_line(&change.new),
                recomputed = recomputed(lang, change.recomputed)
            );
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
        OrgCommand::Unlink { name } => {
            let actor = actor(as_user)?;
            let mut store = open_store(db)?;
            let change = store.unlink_org(&name, &actor, now()?)?;
            let lang = crate::session::language()?;
            let done = crate::tr!(
                lang,
                "cli-org-unlinked",
                org = crate::text::sanitize_line(&change.org),
                parent = crate::text::sanitize_line(&change.old),
                recomputed = recomputed(lang, change.recomputed)
            );
            outln!("{done}").map_err(|e| e.after(&done))?;
            Ok(())
        }
    }
}

/// `migrate --to DB`: the source's export (one snapshot) streamed through a pipe into the
/// destination's import (checked whole, then written in one transaction), so the copy is
/// everything or nothing and exporting either database gives the same bytes.
fn migrate(db: Option<&Path>, to: &Path, as_user: Option<&str>) -> Result<()> {
    let actor = actor(as_user)?;
    let source = open_existing_store(db)?;
    let from = source.location();
    let to_server = crate::store::is_server_url(to);
    if !to_server && to.exists() {
        bail!(
            "{} already exists; migrate writes a new SQLite file (or name an empty PostgreSQL database)",
            to.display()
        );
    }
    // A new SQLite file is written under a temporary name beside it and linked into place
    // at the end: a migrate that is interrupted (Ctrl-C, kill) leaves no desk at `to`, so
    // it can simply be run again.
    let staging = (!to_server).then(|| staging_path(to));
    let mut dest = open_store(Some(staging.as_deref().unwrap_or(to)))?;
    let target = if to_server {
        dest.location()
    } else {
        to.display().to_string()
    };
    if to_server && target == from {
        bail!("the source and the destination are the same database ({from})");
    }
    let remove_staging = || {
        if let Some(path) = &staging {
            for suffix in ["", "-wal", "-shm", "-load", "-search"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    };
    let remove_new_file = |dest: crate::desk::Desk| {
        drop(dest);
        remove_staging();
    };
    if to_server
        && (!dest.list_orgs()?.is_empty()
            || dest.store().mail_history_counts()?.iter().any(|n| *n > 0))
    {
        bail!("{target} already holds a desk; migrate only into an empty database");
    }
    let now = now()?;
    let left_alerts = source
        .store()
        .alert_log()?
        .iter()
        .filter(|a| !crate::desk::alert_is_exported(&a.kind))
        .count();
    let (reader, writer) = std::io::pipe().context("creating a pipe")?;
    let exporter = std::thread::spawn(move || {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, writer);
        let counts = source.export(&mut w, now)?;
        w.flush()
            .map_err(|e| crate::store::StoreError::Other(format!("writing export: {e}")))?;
        Ok::<_, crate::store::StoreError>(counts)
    });
    let mut input = BufReader::with_capacity(1 << 20, reader);
    let imported = dest.import_audited(
        &mut input,
        now,
        Some((&actor, &format!("migrate from {from}"))),
    );
    // The exporter sees a closed pipe if the import stopped reading early.
    drop(input);
    let exported = exporter
        .join()
        .map_err(|_| anyhow::anyhow!("the export thread panicked"))?;
    let summary = match (exported, imported) {
        (Ok(_), Ok(summary)) => summary,
        (Err(e), _) => {
            remove_new_file(dest);
            return Err(anyhow::Error::from(e).context(format!("reading {from}")));
        }
        (Ok(_), Err(e)) => {
            remove_new_file(dest);
            return Err(anyhow::Error::from(e).context(format!("writing {target}")));
        }
    };
    if let Some(path) = &staging {
        // Closed first: its last connection folds the write-ahead log into the file.
        drop(dest);
        // A link never replaces a file that appeared at `to` meanwhile.
        let linked = std::fs::hard_link(path, to);
        remove_staging();
        linked.with_context(|| format!("writing {}", to.display()))?;
        if let Some(dir) = to.parent() {
            crate::files::sync_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            });
        }
    }
    outln!(
        "migrated {} organizations, {} tickets, {} conversation entries, {} events, {} service orders from {from} to {target}",
        summary.orgs,
        summary.tickets,
        summary.entries,
        summary.events,
        summary.orders
    )
    .map_err(|e| e.after("migrated"))?;
    if left_alerts > 0 {
        note!(
            "tuidesk: {left_alerts} alert-log rows about customers' messages and assignments were not copied (they name rows the copy numbers anew); `tuidesk watch` on {target} may announce those of the last `skip_older_than_minutes` again"
        );
    }
    Ok(())
}

/// The first-response metric of each ticket for JSON output (nothing to compute otherwise).
pub(crate) fn first_responses(
    desk: &crate::desk::Desk,
    tickets: &[crate::domain::Ticket],
    json: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Option<crate::sla::MetricStatus>>> {
    if !json {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    Ok(desk.first_response_statuses(&ids, now)?)
}
