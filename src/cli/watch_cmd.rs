//! `tuidesk watch [--once]`: the headless watcher. It sleeps until the next instant an alert
//! can fall due (the stored at-risk instants and the one SLA evaluation's due instants, never
//! a fixed poll) or until another process writes, fires the `[hooks]` of config.toml with the
//! event as JSON on standard input and in environment variables, and logs each alert in the
//! database first, so that of several watchers exactly one fires it.

use std::collections::HashSet;
use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, Utc};

use super::{actor, open_existing_store};
use crate::alerts::{self, AlertTicket};
use crate::config::{HookSpec, HooksConfig};
use crate::desk::{Desk, PendingOutcome, WatchAlert};
use crate::out::{note, outln};
use crate::store::AlertClaim;
use crate::text::sanitize_line;

/// Without any change, a watcher looks again after this much clock time (a safety net; the
/// instants it computes are what wakes it on time).
const MAX_SLEEP_SECONDS: i64 = 300;

pub fn run(db: Option<&Path>, as_user: Option<&str>, once: bool) -> Result<()> {
    let actor = actor(as_user)?;
    let config_path = crate::config::config_path();
    let config = crate::config::load_config(config_path.as_deref())?;
    let hooks = config.hooks;
    if crate::alerts::AlertKind::ALL
        .iter()
        .all(|k| hooks.get(k.as_str()).is_none())
    {
        let file = config_path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config.toml".into());
        bail!(
            "no hooks to run: add a [hooks] table to {file} (at_risk, breached, customer_replied, assigned_to_me = \"command\")"
        );
    }
    let clock = crate::session::clock()?;
    let mut desk = open_existing_store(db)?;
    let watcher = Watcher {
        timeout: StdDuration::from_secs(hooks.timeout_seconds.unwrap_or(10).max(1)),
        max_age: Duration::minutes(hooks.skip_older_than_minutes.unwrap_or(24 * 60).max(0)),
        me: actor.name.clone(),
        name: format!("{} pid {}", actor.audit_name(), std::process::id()),
        hooks,
    };
    let mut handled: HashSet<String> = HashSet::new();
    let mut running: Vec<JoinHandle<()>> = Vec::new();
    loop {
        let now = clock.now();
        let pending_wake = apply_pending(&mut desk, now);
        let wake = match watcher.round(&mut desk, now, &mut handled, &mut running) {
            Ok(wake) => match (wake, pending_wake) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            Err(e) if !once => {
                note!("tuidesk watch: {e:#}; trying again in 5 s");
                Some(now + Duration::seconds(5))
            }
            Err(e) => return Err(e),
        };
        running.retain(|h| !h.is_finished());
        if once {
            break;
        }
        let until = wake
            .unwrap_or(now + Duration::seconds(MAX_SLEEP_SECONDS))
            .min(now + Duration::seconds(MAX_SLEEP_SECONDS));
        wait_until(&desk, clock.as_ref(), until);
    }
    // --once: the hooks it started finish (each is bounded by the timeout).
    for h in running {
        let _ = h.join();
    }
    Ok(())
}

/// How long past its due instant a pending action waits for its own TUI (which applies it
/// and says so on screen) before a watcher applies it.
const PENDING_GRACE_SECONDS: i64 = 5;

/// Applies the undo window's actions whose TUI did not (it crashed or quit by a hangup):
/// those due more than [`PENDING_GRACE_SECONDS`] ago, each once (a TUI or another watcher
/// taking it first is fine). Returns when to look again.
fn apply_pending(desk: &mut Desk, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let grace = Duration::seconds(PENDING_GRACE_SECONDS);
    match desk.apply_due_pending(now - grace, now) {
        Ok(done) => {
            for (id, outcome) in done {
                let stamp = now.format("%Y-%m-%dT%H:%M:%SZ");
                match outcome {
                    Ok(PendingOutcome::Applied(p)) => {
                        let _ = outln!(
                            "{stamp} pending {} by {} applied",
                            crate::app::undo_describe(crate::i18n::Lang::En, &p),
                            sanitize_line(&p.owner())
                        );
                    }
                    Ok(PendingOutcome::Refused { action, error, .. }) => {
                        note!(
                            "tuidesk watch: pending {} by {} refused: {error}",
                            crate::app::undo_describe(crate::i18n::Lang::En, &action),
                            sanitize_line(&action.owner())
                        );
                    }
                    Ok(PendingOutcome::Gone) => {}
                    Err(e) => note!("tuidesk watch: pending action {id}: {e}; trying again"),
                }
            }
        }
        Err(e) => note!("tuidesk watch: reading pending actions: {e}"),
    }
    let next = desk
        .pending_actions(None)
        .ok()?
        .into_iter()
        .map(|p| p.due_at + grace)
        .min()?;
    // One that failed just now is tried again in a few seconds, not in a tight loop.
    Some(next.max(now + Duration::seconds(1)))
}

/// Sleeps until the clock reaches `until` or another process writes (checked every 200 ms of
/// real time, a cheap read of the change token, not of the tables).
fn wait_until(desk: &Desk, clock: &dyn crate::clock::Clock, until: DateTime<Utc>) {
    let token = desk.store().change_token().ok();
    loop {
        let left = until - clock.now();
        if left <= Duration::zero() {
            return;
        }
        let real_ms = (left.num_milliseconds() as f64 / clock.speed()).ceil() as u64;
        std::thread::sleep(StdDuration::from_millis(real_ms.clamp(1, 200)));
        if desk.store().change_token().ok() != token {
            return;
        }
    }
}

struct Watcher {
    hooks: HooksConfig,
    timeout: StdDuration,
    max_age: Duration,
    me: String,
    name: String,
}

impl Watcher {
    /// Fires what is due at `now`; returns the next instant worth waking for.
    fn round(
        &self,
        desk: &mut Desk,
        now: DateTime<Utc>,
        handled: &mut HashSet<String>,
        running: &mut Vec<JoinHandle<()>>,
    ) -> Result<Option<DateTime<Utc>>> {
        let scan = desk.watch_scan(now, now - self.max_age, &self.me, &|k| handled.contains(k))?;
        let mut wake = scan.next_wake;
        let mut skipped = 0;
        for wa in scan.alerts {
            let kind = wa.alert.kind.as_str();
            let Some(hook) = self.hooks.get(kind) else {
                handled.insert(wa.alert.key.clone());
                continue;
            };
            let too_old = alerts::too_old(&wa.alert, now, self.max_age);
            if !too_old && hook.business_hours_only() && wa.in_hours_at > now {
                // Held for the customer's business hours: look again when they begin.
                wake = Some(wake.map_or(wa.in_hours_at, |w| w.min(wa.in_hours_at)));
                continue;
            }
            let outcome = if too_old {
                format!("skipped: older than {} minutes", self.max_age.num_minutes())
            } else {
                "fired".to_string()
            };
            let claim = AlertClaim {
                key: &wa.alert.key,
                kind,
                ticket_id: wa.alert.ticket_id,
                happened_at: wa.alert.at,
                fired_at: now,
                fired_by: &self.name,
                outcome: &outcome,
            };
            let won = desk.claim_alert(&claim)?;
            handled.insert(wa.alert.key.clone());
            if !won {
                continue; // another watcher had it
            }
            if too_old {
                skipped += 1;
                continue;
            }
            let line = describe(&wa);
            let _ = outln!("{} {line}", now.format("%Y-%m-%dT%H:%M:%SZ"));
            running.push(self.spawn(hook, &wa, now));
        }
        if skipped > 0 {
            note!(
                "tuidesk watch: skipped {skipped} alert(s) older than {} minutes (skip_older_than_minutes in [hooks])",
                self.max_age.num_minutes()
            );
        }
        Ok(wake)
    }

    /// Runs the hook on its own thread: the event as JSON on standard input and in the
    /// environment; stopped after the timeout; its failure logged, never the watcher's.
    fn spawn(&self, hook: &HookSpec, wa: &WatchAlert, now: DateTime<Utc>) -> JoinHandle<()> {
        let t = &wa.ticket;
        let json = alerts::event_json(
            &wa.alert,
            &AlertTicket {
                id: t.id,
                org: &t.org,
                severity: &t.severity,
                status: t.status.as_str(),
                summary: &t.summary,
                assignee: t.assignee.as_deref(),
                tz: &wa.tz,
            },
            now,
        );
        let a = &wa.alert;
        let env: Vec<(&'static str, String)> = vec![
            ("TUIDESK_ALERT", a.kind.as_str().to_string()),
            ("TUIDESK_ALERT_KEY", a.key.clone()),
            ("TUIDESK_TICKET", t.id.to_string()),
            ("TUIDESK_ORG", sanitize_line(&t.org)),
            ("TUIDESK_SEVERITY", sanitize_line(&t.severity)),
            ("TUIDESK_SUMMARY", sanitize_line(&t.summary)),
            (
                "TUIDESK_METRIC",
                a.metric.map(|m| m.as_str().to_string()).unwrap_or_default(),
            ),
            ("TUIDESK_AT", a.at.to_rfc3339()),
            (
                "TUIDESK_DUE",
                a.due.map(|d| d.to_rfc3339()).unwrap_or_default(),
            ),
        ];
        let command = hook.command().to_string();
        let timeout = self.timeout;
        let label = format!("{} hook for #{}", a.kind.as_str(), t.id);
        let body = format!("{json}\n");
        std::thread::spawn(move || {
            let child = Command::new("sh")
                .arg("-c")
                .arg(&command)
                .envs(env)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                // Its own process group, so a timeout stops what it started too.
                .process_group(0)
                .spawn();
            match child {
                Ok(child) => finish(child, body.as_bytes(), timeout, &label),
                Err(e) => note!("tuidesk watch: {label}: could not start `sh -c`: {e}"),
            }
        })
    }
}

/// Feeds the event, then waits at most `timeout`; a hook still running is killed.
fn finish(mut child: Child, body: &[u8], timeout: StdDuration, label: &str) {
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that ignores its input closes the pipe early: not a failure.
        let _ = stdin.write_all(body);
    }
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return,
            Ok(Some(status)) => {
                note!("tuidesk watch: {label} failed ({status})");
                return;
            }
            Ok(None) if started.elapsed() >= timeout => {
                if let Ok(pid) = i32::try_from(child.id()) {
                    // SAFETY: kill(2) on the hook's own process group; no memory involved.
                    unsafe {
                        libc::kill(-pid, libc::SIGKILL);
                    }
                }
                let _ = child.kill();
                let _ = child.wait();
                note!(
                    "tuidesk watch: {label} still ran after {} s; stopped it",
                    timeout.as_secs()
                );
                return;
            }
            Ok(None) => std::thread::sleep(StdDuration::from_millis(20)),
            Err(e) => {
                note!("tuidesk watch: {label}: {e}");
                return;
            }
        }
    }
}

fn describe(wa: &WatchAlert) -> String {
    let a = &wa.alert;
    let what = match a.metric {
        Some(m) => format!(
            "{} {} at {}",
            a.kind.as_str(),
            m.as_str(),
            a.at.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        None => format!(
            "{} at {}",
            a.kind.as_str(),
            a.at.format("%Y-%m-%dT%H:%M:%SZ")
        ),
    };
    format!(
        "#{} {what}: {}",
        wa.ticket.id,
        sanitize_line(&wa.ticket.summary)
    )
}
