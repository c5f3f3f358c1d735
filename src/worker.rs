//! The database thread behind the TUI: takes the app's requests, runs them against the store
//! and sends the responses back; between requests it watches for other processes' writes.

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration as StdDuration;

use tokio::sync::mpsc;

use crate::app::{Anchor, Request, Response, SlaItem};
use crate::clock::Clock;
use crate::desk::Desk;
use crate::domain::{Actor, AuthorRole, EntryKind};
use crate::i18n::Lang;
use crate::store::{DbFailure, OrderFilter, SortKey, StoreError, TicketFilter, TicketSort};
use crate::tr;

/// Cancels the search the database thread is running, from the event loop: the store's
/// interrupt is sent only while a search runs, never into another request's statement.
pub struct SearchCancel {
    running: std::sync::Mutex<bool>,
    interrupt: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl SearchCancel {
    pub fn new(interrupt: Option<Arc<dyn Fn() + Send + Sync>>) -> SearchCancel {
        SearchCancel {
            running: std::sync::Mutex::new(false),
            interrupt,
        }
    }

    /// Stops the running search, if one runs.
    pub fn cancel(&self) {
        if let Ok(running) = self.running.lock()
            && *running
            && let Some(interrupt) = &self.interrupt
        {
            interrupt();
        }
    }

    fn running<T>(&self, search: impl FnOnce() -> T) -> T {
        if let Ok(mut r) = self.running.lock() {
            *r = true;
        }
        let result = search();
        if let Ok(mut r) = self.running.lock() {
            *r = false;
        }
        result
    }
}

/// How often the database thread looks for other processes' commits.
const WATCH_EVERY: StdDuration = StdDuration::from_millis(250);

fn failed(lang: Lang, e: StoreError, ticket_id: Option<i64>) -> Response {
    let conflict = matches!(
        e,
        StoreError::Conflict { .. } | StoreError::ClaimedBy { .. }
    );
    Response::Failed {
        message: crate::localize::store_error(lang, &e),
        conflict,
        ticket_id,
    }
}

/// Whether an error means the database itself is out of reach (a server restarting, a
/// network drop), as opposed to a refusal or a bad request.
fn unreachable(e: &StoreError) -> bool {
    matches!(e.db_failure(), Some(DbFailure::Io | DbFailure::CannotOpen))
}

/// The database thread's view of the connection: while the server is out of reach the app
/// is told once, draft saves wait here (the newest text of each draft), and when it is back
/// they are saved and everything reloads.
struct Link {
    online: bool,
    /// (ticket, kind) -> the newest text that could not be saved.
    drafts: std::collections::BTreeMap<(i64, String), String>,
}

impl Link {
    /// Records the outcome of talking to the database; the message for the app, if any.
    fn saw(&mut self, outcome: Result<(), &StoreError>) -> Option<Response> {
        match outcome {
            Err(e) if unreachable(e) => {
                if self.online {
                    self.online = false;
                    return Some(Response::Connection(Some(e.to_string())));
                }
                None
            }
            Err(_) => None,
            Ok(()) => {
                if !self.online {
                    self.online = true;
                    return Some(Response::Connection(None));
                }
                None
            }
        }
    }

    /// Saves the drafts that waited for the server; those that still fail keep waiting.
    fn save_waiting(&mut self, store: &mut Desk, actor: &Actor, clock: &dyn Clock) {
        let waiting = std::mem::take(&mut self.drafts);
        for ((ticket_id, kind), body) in waiting {
            if let Err(e) =
                store.save_draft(&actor.draft_owner(), ticket_id, &kind, &body, clock.now())
                && unreachable(&e)
            {
                self.drafts.insert((ticket_id, kind), body);
            }
        }
    }
}

/// Counts are expensive on a million rows: recount only when the filter or data changed.
struct CountCache {
    filter: Option<TicketFilter>,
    generation: u64,
    total: i64,
}

pub fn database_thread(
    mut store: Desk,
    actor: Actor,
    clock: Arc<dyn Clock>,
    requests: std_mpsc::Receiver<Request>,
    responses: mpsc::UnboundedSender<Response>,
    cancel: Arc<SearchCancel>,
    lang: Lang,
) {
    // The token counts other processes' commits only (SQLite's data_version, PostgreSQL's
    // notifications from other sessions): this thread's own writes never move it, so
    // nothing here resets it after a write (that would swallow a change committed meanwhile).
    let mut last_version = store.change_token().ok();
    let mut link = Link {
        online: true,
        drafts: Default::default(),
    };
    // The newest customer message seen: only later ones are news.
    let mut customer_mark = store
        .customer_messages(None, 0)
        .map(|n| n.newest_entry)
        .unwrap_or(0);
    // This TUI's heartbeat: refreshed while it runs, removed when it quits.
    let session = format!("{} pid {}", actor.audit_name(), std::process::id());
    let mut here: Option<(Option<i64>, bool)> = None;
    let mut last_beat = std::time::Instant::now();
    // Who else is here, read on its own timer: heartbeats are not data changes, so the
    // change token does not tell.
    let mut others_shown = None;
    let mut last_look = std::time::Instant::now();
    if let Some(r) = look_around(&store, &session, clock.now(), &mut others_shown)
        && responses.send(r).is_err()
    {
        return;
    }
    // This engineer's actions in their undo window, those a crashed TUI left included: shown
    // at once, applied here when due.
    let mut window = UndoWindow {
        owner: actor.draft_owner(),
        session: session.clone(),
        pending: Vec::new(),
        deadlines: Default::default(),
        lang,
        speed: if clock.speed() > 0.0 {
            clock.speed()
        } else {
            1.0
        },
    };
    if let Some(r) = window.reload(&store, clock.now())
        && responses.send(r).is_err()
    {
        return;
    }
    let mut generation: u64 = 0;
    let mut counts = CountCache {
        filter: None,
        generation: u64::MAX,
        total: 0,
    };
    loop {
        for r in window.apply(&mut store, clock.now(), false) {
            generation += 1;
            if responses.send(r).is_err() {
                return;
            }
        }
        let request = match requests.recv_timeout(WATCH_EVERY) {
            Ok(r) => r,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {
                if let Some(h) = here
                    && last_beat.elapsed() >= HEARTBEAT_EVERY
                {
                    beat(&mut store, &session, &actor, h, clock.now());
                    last_beat = std::time::Instant::now();
                }
                if last_look.elapsed() >= PRESENCE_READ_EVERY {
                    last_look = std::time::Instant::now();
                    if let Some(r) = look_around(&store, &session, clock.now(), &mut others_shown)
                        && responses.send(r).is_err()
                    {
                        return;
                    }
                }
                let token = store.change_token();
                let note = link.saw(token.as_ref().map(|_| ()));
                if note.is_some() || !link.drafts.is_empty() {
                    if link.online {
                        link.save_waiting(&mut store, &actor, &*clock);
                        generation += 1;
                        counts.generation = u64::MAX;
                    }
                    if let Some(note) = note
                        && responses.send(note).is_err()
                    {
                        return;
                    }
                }
                if let Ok(v) = token.map(Some)
                    && v != last_version
                {
                    last_version = v;
                    generation += 1;
                    if let Some(news) = customer_news(&store, &mut customer_mark)
                        && responses.send(news).is_err()
                    {
                        return;
                    }
                    if responses.send(Response::ExternalChange).is_err() {
                        return;
                    }
                    // Another TUI of this engineer may have added, applied or undone one.
                    if let Some(r) = window.reload(&store, clock.now())
                        && responses.send(r).is_err()
                    {
                        return;
                    }
                }
                continue;
            }
            Err(std_mpsc::RecvTimeoutError::Disconnected) => {
                let _ = store.leave(&session);
                return;
            }
        };
        // Typing saves a draft per key; only the newest one for each draft matters.
        let mut batch = vec![request];
        while let Ok(next) = requests.try_recv() {
            batch.push(next);
        }
        let mut skip = vec![false; batch.len()];
        for i in 0..batch.len() {
            if let Request::SaveDraft {
                ticket_id, kind, ..
            } = &batch[i]
            {
                skip[i] = batch[i + 1..]
                    .iter()
                    .any(|r| matches!(r, Request::SaveDraft { ticket_id: t, kind: k, .. } if t == ticket_id && k == kind));
            }
        }
        for (request, skip) in batch.into_iter().zip(skip) {
            if skip {
                continue;
            }
            if let Request::Presence {
                ticket_id,
                composing,
            } = request
            {
                here = Some((ticket_id, composing));
                beat(
                    &mut store,
                    &session,
                    &actor,
                    (ticket_id, composing),
                    clock.now(),
                );
                last_beat = std::time::Instant::now();
                continue;
            }
            if matches!(
                request,
                Request::Defer { .. } | Request::Undo(_) | Request::ApplyMine
            ) {
                for r in window.handle(&mut store, &actor, clock.now(), request) {
                    if responses.send(r).is_err() {
                        return;
                    }
                }
                generation += 1;
                continue;
            }
            let writes = is_write(&request);
            // A draft that cannot be saved now waits for the server (the app keeps the text).
            if let Request::SaveDraft {
                ticket_id,
                kind,
                body,
            } = &request
            {
                let saved =
                    store.save_draft(&actor.draft_owner(), *ticket_id, kind, body, clock.now());
                let waits = saved.as_ref().is_err_and(unreachable);
                if waits {
                    link.drafts.insert((*ticket_id, kind.clone()), body.clone());
                } else {
                    link.drafts.remove(&(*ticket_id, kind.clone()));
                }
                let note = link.saw(saved.as_ref().map(|_| ()));
                let reply = match saved {
                    Err(e) if !waits => Some(failed(lang, e, Some(*ticket_id))),
                    _ => None,
                };
                for r in note.into_iter().chain(reply) {
                    if responses.send(r).is_err() {
                        return;
                    }
                }
                generation += 1;
                continue;
            }
            let response = handle(
                &mut store,
                &actor,
                &*clock,
                request,
                &mut counts,
                generation,
                &cancel,
                lang,
            );
            if writes {
                generation += 1;
            }
            // A failure may be the server going away: the listener's probe tells.
            if matches!(response, Some(Response::Failed { .. }))
                && let Err(e) = store.change_token()
                && let Some(note) = link.saw(Err(&e))
                && responses.send(note).is_err()
            {
                return;
            }
            if let Some(r) = response
                && responses.send(r).is_err()
            {
                return;
            }
            // A customer's message committed while this write ran is not missed: the change
            // token no longer tells it apart from our own write.
            if writes
                && let Some(news) = customer_news(&store, &mut customer_mark)
                && responses.send(news).is_err()
            {
                return;
            }
        }
    }
}

/// This engineer's actions in their undo window, as the database thread keeps them: read at
/// start (a crashed TUI's included), after each change and when others write; each applied
/// here once due (another TUI or watcher applying it first is fine: one take wins).
///
/// The window is a human's time to change their mind, so it runs in real seconds: stored due
/// instants are clock time (`undo_seconds` × the clock's speed from the moment it was sent),
/// and each action gets a real-time deadline when this thread first sees it (its clock time
/// left, divided by the speed), so a demo's fast clock or a pinned `TUIDESK_NOW` neither
/// shortens the window nor keeps an action waiting forever.
struct UndoWindow {
    owner: String,
    session: String,
    pending: Vec<crate::store::PendingAction>,
    deadlines: std::collections::HashMap<i64, std::time::Instant>,
    /// Clock seconds per real second (1 for a pinned clock).
    speed: f64,
    /// The words of the refusals it reports.
    lang: Lang,
}

impl UndoWindow {
    /// The list for the app, when it changed.
    fn reload(&mut self, store: &Desk, now: chrono::DateTime<chrono::Utc>) -> Option<Response> {
        let list = store.pending_actions(Some(&self.owner)).ok()?;
        self.deadlines
            .retain(|id, _| list.iter().any(|p| p.id == *id));
        for p in &list {
            self.deadlines.entry(p.id).or_insert_with(|| {
                let left_ms = (p.due_at - now).num_milliseconds().max(0) as f64 / self.speed;
                std::time::Instant::now() + StdDuration::from_millis(left_ms as u64)
            });
        }
        if list == self.pending {
            return None;
        }
        self.pending = list;
        Some(Response::Pending(
            self.pending
                .iter()
                .map(|p| crate::app::PendingView {
                    here: p.session == self.session,
                    action: p.clone(),
                })
                .collect(),
        ))
    }

    /// Applies what is due (or, `quitting`, everything this TUI made); what to tell the app.
    fn apply(
        &mut self,
        store: &mut Desk,
        now: chrono::DateTime<chrono::Utc>,
        quitting: bool,
    ) -> Vec<Response> {
        let ids: Vec<i64> = self
            .pending
            .iter()
            .filter(|p| {
                if quitting {
                    p.session == self.session
                } else {
                    self.deadlines
                        .get(&p.id)
                        .is_none_or(|d| *d <= std::time::Instant::now())
                }
            })
            .map(|p| p.id)
            .collect();
        if ids.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for id in ids {
            match store.apply_pending(id, now) {
                Ok(crate::desk::PendingOutcome::Applied(action)) => {
                    out.push(Response::PendingDone {
                        action: Box::new(action),
                        refused: None,
                    });
                }
                Ok(crate::desk::PendingOutcome::Refused { action, error, .. }) => {
                    out.push(Response::PendingDone {
                        action: Box::new(action),
                        refused: Some(error.to_string()),
                    });
                }
                // Applied or undone elsewhere; the reload below drops it.
                Ok(crate::desk::PendingOutcome::Gone) => {}
                // The database is out of reach: it stays pending and is tried again.
                Err(_) => {}
            }
        }
        out.extend(self.reload(store, now));
        out
    }

    fn handle(
        &mut self,
        store: &mut Desk,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
        request: Request,
    ) -> Vec<Response> {
        let mut out = Vec::new();
        match request {
            Request::Defer {
                ticket_id,
                action,
                delay_seconds,
            } => match store.defer(
                ticket_id,
                &action,
                actor,
                &self.session,
                now,
                (delay_seconds as f64 * self.speed).round() as u64,
            ) {
                Ok(p) => {
                    self.deadlines.insert(
                        p.id,
                        std::time::Instant::now() + StdDuration::from_secs(delay_seconds),
                    );
                    out.push(Response::Deferred {
                        action: Box::new(p),
                    })
                }
                Err(e) => out.push(failed(self.lang, e, Some(ticket_id))),
            },
            Request::Undo(id) => match store.undo_pending(id, actor, now) {
                Ok(Some((action, draft))) => out.push(Response::Undone {
                    action: Box::new(action),
                    draft,
                }),
                Ok(None) => out.push(Response::UndoTooLate),
                Err(e) => out.push(Response::Notice {
                    message: e.to_string(),
                    error: true,
                }),
            },
            Request::ApplyMine => return self.apply(store, now, true),
            _ => {}
        }
        out.extend(self.reload(store, now));
        out
    }
}

/// How often a running TUI refreshes its heartbeat (well inside `PRESENCE_TTL_SECONDS`).
const HEARTBEAT_EVERY: StdDuration = StdDuration::from_secs(15);

/// How often a running TUI reads the others' heartbeats (well inside the
/// `HEARTBEAT_EVERY` a mark may lag anyway; a TUI that changes what it does beats at once).
const PRESENCE_READ_EVERY: StdDuration = StdDuration::from_secs(2);

/// Everyone else here, as a response when it differs from what was shown last (a refreshed
/// heartbeat alone changes nothing on screen); a failed read only means marks come later.
fn look_around(
    store: &Desk,
    session: &str,
    now: chrono::DateTime<chrono::Utc>,
    shown: &mut Option<Vec<crate::store::Presence>>,
) -> Option<Response> {
    let others = store.others_present(session, now).ok()?;
    let same = |a: &crate::store::Presence, b: &crate::store::Presence| {
        (&a.session, &a.who, a.ticket_id, a.composing)
            == (&b.session, &b.who, b.ticket_id, b.composing)
    };
    if shown
        .as_ref()
        .is_some_and(|s| s.len() == others.len() && s.iter().zip(&others).all(|(a, b)| same(a, b)))
    {
        return None;
    }
    *shown = Some(others.clone());
    Some(Response::Presence(others))
}

/// Writes this TUI's heartbeat; a failure only means others see it a little later.
fn beat(
    store: &mut Desk,
    session: &str,
    actor: &Actor,
    (ticket_id, composing): (Option<i64>, bool),
    now: chrono::DateTime<chrono::Utc>,
) {
    let _ = store.heartbeat(&crate::store::Presence {
        session: session.to_string(),
        who: actor.name.clone(),
        ticket_id,
        composing,
        seen_at: now,
    });
}

/// Customers' messages newer than `mark` (which moves to the newest entry), as a response.
fn customer_news(store: &Desk, mark: &mut i64) -> Option<Response> {
    let news = store
        .customer_messages(Some(crate::store::MessagesFrom::AfterEntry(*mark)), 100)
        .ok()?;
    *mark = news.newest_entry.max(*mark);
    (!news.entries.is_empty()).then_some(Response::CustomerWrote(news.entries))
}

fn is_write(r: &Request) -> bool {
    matches!(
        r,
        Request::Claim(_)
            | Request::Change { .. }
            | Request::Tag { .. }
            | Request::Merge { .. }
            | Request::AddEntry { .. }
            | Request::SaveDraft { .. }
            | Request::CreateTicket(_)
            | Request::CreateOrder(_)
            | Request::CompleteOrder { .. }
            | Request::RejectOrder { .. }
            | Request::RateOrder { .. }
            | Request::FileTriage { .. }
            | Request::DiscardTriage { .. }
    )
}

/// The engineer's own template files (a file shadows a shared template of the same name),
/// then the team's shared set; a bad file or a failed read is said, not half-listed.
fn reply_templates(store: &Desk) -> Result<Vec<crate::reply_template::ReplyTemplate>, String> {
    let own = crate::config::own_reply_templates().map_err(|e| format!("{e:#}"))?;
    store.usable_reply_templates(own).map_err(|e| e.to_string())
}

/// Writes an attachment to a new file (never over an existing one); says how it went.
fn save_attachment(lang: Lang, store: &Desk, id: i64, path: &str) -> Response {
    let target = match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    };
    let shown = crate::text::sanitize_line(&target.display().to_string());
    let result = store
        .attachment(id)
        .map_err(|e| crate::localize::store_error(lang, &e))
        .and_then(|(name, data)| {
            crate::files::write_new_file(&target, &data)
                .map(|()| (name, data.len()))
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => {
                        tr!(lang, "w-save-exists", path = shown.as_str())
                    }
                    _ => tr!(
                        lang,
                        "w-save-failed",
                        path = shown.as_str(),
                        error = e.to_string()
                    ),
                })
        });
    match result {
        Ok((name, n)) => Response::Notice {
            message: tr!(
                lang,
                "w-saved",
                name = crate::text::sanitize_line(&name),
                size = n,
                path = shown.as_str()
            ),
            error: false,
        },
        Err(message) => Response::Notice {
            message,
            error: true,
        },
    }
}

// The session's parts the thread holds (store, actor, clock, cancel, language) plus the
// request and the count cache: grouping them would only rename them.
#[allow(clippy::too_many_arguments)]
fn handle(
    store: &mut Desk,
    actor: &Actor,
    clock: &dyn Clock,
    request: Request,
    counts: &mut CountCache,
    generation: u64,
    cancel: &SearchCancel,
    lang: Lang,
) -> Option<Response> {
    let now = clock.now();
    // Draft saves answer only when they fail; typing goes on either way.
    let request = match request {
        Request::SaveDraft {
            ticket_id,
            kind,
            body,
        } => {
            return store
                .save_draft(&actor.draft_owner(), ticket_id, &kind, &body, now)
                .err()
                .map(|e| failed(lang, e, Some(ticket_id)));
        }
        // Handled by the event loop; one that arrives here found no search running.
        Request::CancelSearch => return None,
        // Taken by the loop, which keeps the heartbeat and the undo window.
        Request::Presence { .. }
        | Request::Defer { .. }
        | Request::Undo(_)
        | Request::ApplyMine => {
            return None;
        }
        other => other,
    };
    let result: Result<Response, Response> = (|| match request {
        Request::Queue {
            filter,
            sort,
            anchor,
            limit,
        } => {
            let list = |after: Option<&SortKey>, before: Option<&SortKey>, n: usize| {
                store.list_tickets(&filter, sort, after, before, n, now)
            };
            let mut select = None;
            let page = match &anchor {
                Anchor::Top => list(None, None, limit),
                Anchor::Bottom => list(None, Some(&SortKey::end()), limit),
                Anchor::After(k) => list(Some(k), None, limit).and_then(|p| {
                    if p.tickets.is_empty() || p.tickets.len() == limit {
                        Ok(p)
                    } else {
                        list(None, Some(&SortKey::end()), limit)
                    }
                }),
                Anchor::Before(k) => list(None, Some(k), limit).and_then(|p| {
                    if p.tickets.is_empty() || p.tickets.len() == limit {
                        Ok(p)
                    } else {
                        list(None, None, limit)
                    }
                }),
                Anchor::Around { id, above } => {
                    select = Some(*id);
                    match store
                        .sort_key(*id, sort)
                        .map_err(|e| failed(lang, e, None))?
                    {
                        None => list(None, None, limit),
                        Some(key) => {
                            let before =
                                list(None, Some(&key), (*above).min(limit.saturating_sub(1)))
                                    .map_err(|e| failed(lang, e, None))?;
                            let mut after_key = key.clone();
                            // Include the ticket itself: step just before it in sort order.
                            if let Some(last) = after_key.0.last_mut() {
                                *last = if sort == TicketSort::Created {
                                    last.saturating_add(1)
                                } else {
                                    last.saturating_sub(1)
                                };
                            }
                            let rest = list(Some(&after_key), None, limit - before.tickets.len())
                                .map_err(|e| failed(lang, e, None))?;
                            let mut tickets = before.tickets;
                            let mut keys = before.keys;
                            tickets.extend(rest.tickets);
                            keys.extend(rest.keys);
                            if tickets.len() < limit {
                                list(None, Some(&SortKey::end()), limit).map(|p| {
                                    if p.tickets.len() > tickets.len() {
                                        p
                                    } else {
                                        crate::store::TicketPage { tickets, keys }
                                    }
                                })
                            } else {
                                Ok(crate::store::TicketPage { tickets, keys })
                            }
                        }
                    }
                }
            }
            .map_err(|e| failed(lang, e, None))?;
            if counts.filter.as_ref() != Some(&filter) || counts.generation != generation {
                counts.total = store
                    .count_tickets(&filter, now)
                    .map_err(|e| failed(lang, e, None))?;
                counts.filter = Some(filter.clone());
                counts.generation = generation;
            }
            Ok(Response::Queue {
                tickets: page.tickets,
                keys: page.keys,
                total: counts.total,
                select,
            })
        }
        Request::Search { query, limit } => {
            let result = cancel.running(|| store.search(&query, limit, now));
            match result {
                Ok(hits) => Ok(Response::Search {
                    query,
                    tickets: hits.tickets,
                    bounded: hits.bounded,
                }),
                // Cancelled: the app has left this search already and ignores its answer.
                Err(e) if e.db_failure() == Some(DbFailure::Interrupted) => Ok(Response::Search {
                    query,
                    tickets: Vec::new(),
                    bounded: false,
                }),
                Err(e) => Err(failed(lang, e, None)),
            }
        }

        Request::Detail(id) => {
            let (detail, drafts) = fresh_detail(lang, store, actor, id, now)?;
            Ok(Response::Detail(detail, drafts))
        }
        Request::Sla { limit } => {
            let page = store
                .list_tickets(
                    &TicketFilter::default(),
                    TicketSort::Due,
                    None,
                    None,
                    limit,
                    now,
                )
                .map_err(|e| failed(lang, e, None))?;
            // One read for every row's SLA inputs, not one per row.
            let tickets: Vec<_> = page
                .tickets
                .into_iter()
                .filter(|t| t.next_due.is_some())
                .collect();
            let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
            let inputs = store
                .sla_inputs_many(&ids)
                .map_err(|e| failed(lang, e, None))?;
            let items: Vec<SlaItem> = tickets
                .into_iter()
                .zip(inputs)
                .map(|(ticket, i)| SlaItem {
                    ticket,
                    policy_set: i.policy_set,
                    plan: i.plan,
                    tz: i.tz,
                    timeline: i.timeline,
                    assurance: i.assurance,
                    severity_changes: i.severity_changes,
                })
                .collect();
            Ok(Response::Sla(items))
        }
        Request::Counts => store
            .urgency_counts(now)
            .map(Response::Counts)
            .map_err(|e| failed(lang, e, None)),
        Request::Orgs => store
            .list_orgs()
            .map(Response::Orgs)
            .map_err(|e| failed(lang, e, None)),
        Request::Claim(id) => {
            let t = store
                .claim(id, actor, now)
                .map_err(|e| failed(lang, e, Some(id)))?;
            written(store, actor, tr!(lang, "w-claimed", id = t.id), t.id, now)
        }
        Request::Change {
            id,
            change,
            expected,
        } => {
            let t = store
                .change_ticket(id, &change, Some(expected), actor, now)
                .map_err(|e| failed(lang, e, Some(id)))?;
            let message = tr!(
                lang,
                "w-changed",
                id = t.id,
                status = lang.word("status", t.status.as_str()),
                severity = lang.word("severity", &t.severity),
                assignee = t
                    .assignee
                    .clone()
                    .unwrap_or_else(|| lang.t("tui-unassigned"))
            );
            written(store, actor, message, t.id, now)
        }
        Request::Tag { id, ops, expected } => {
            let o = store
                .tag_ticket(id, &ops, Some(expected), actor, now)
                .map_err(|e| failed(lang, e, Some(id)))?;
            let message = crate::app::tags_merge_text::tagged(
                lang,
                id,
                &o.change_text(),
                &o.already,
                &o.absent,
            );
            written(store, actor, message, id, now)
        }
        Request::Merge {
            source,
            target,
            expected,
        } => {
            let o = store
                .merge_tickets(source, target, (Some(expected.0), expected.1), actor, now)
                .map_err(|e| failed(lang, e, Some(source)))?;
            let message =
                crate::app::tags_merge_text::merged(lang, source, target, o.entries, o.attachments);
            written(store, actor, message, target, now)
        }
        Request::AddEntry { id, kind, body } => {
            let entry = store
                .add_entry(id, kind, AuthorRole::Engineer, &body, actor, now)
                .map_err(|e| failed(lang, e, Some(id)))?;
            let message = if kind == EntryKind::Reply {
                tr!(lang, "w-reply-sent", id = entry.ticket_id)
            } else {
                tr!(lang, "w-note-added", id = entry.ticket_id)
            };
            written(store, actor, message, id, now)
        }
        Request::SaveDraft { ticket_id, .. } => Err(failed(
            lang,
            StoreError::Other("draft requests are handled before".into()),
            Some(ticket_id),
        )),
        Request::CancelSearch => Err(failed(
            lang,
            StoreError::Other("search cancellations are handled before".into()),
            None,
        )),
        Request::Presence { .. } => Err(failed(
            lang,
            StoreError::Other("heartbeats are handled before".into()),
            None,
        )),
        Request::Defer { .. } | Request::Undo(_) | Request::ApplyMine => Err(failed(
            lang,
            StoreError::Other("the undo window is handled before".into()),
            None,
        )),
        Request::LoadDraft { ticket_id, kind } => store
            .draft(&actor.draft_owner(), ticket_id, kind.as_str())
            .map(|body| Response::Draft {
                ticket_id,
                kind,
                body,
            })
            .map_err(|e| failed(lang, e, Some(ticket_id))),
        Request::CreateTicket(new) => {
            let t = store
                .create_ticket(&new, actor, now)
                .map_err(|e| failed(lang, e, None))?;
            written(store, actor, tr!(lang, "w-opened", id = t.id), t.id, now)
        }
        Request::Orders => store
            .list_orders(&OrderFilter::default(), 1000)
            .map(Response::Orders)
            .map_err(|e| failed(lang, e, None)),
        Request::CreateOrder(new) => store
            .create_order(&new, actor, now)
            .map(|c| Response::OrderWritten {
                message: match c.warnings.first() {
                    Some(w) => tr!(lang, "w-order-requested-note", id = c.order.id, note = w),
                    None => tr!(lang, "w-order-requested", id = c.order.id),
                },
                order_id: c.order.id,
            })
            .map_err(|e| failed(lang, e, None)),
        Request::CompleteOrder { id, attach_report } => {
            let files = if attach_report {
                store
                    .report_attachments(id, now)
                    .map_err(|e| failed(lang, e, None))?
            } else {
                Vec::new()
            };
            store
                .complete_order(id, &files, actor, now)
                .map(|o| Response::OrderWritten {
                    message: if files.is_empty() {
                        tr!(lang, "w-order-completed", id = o.id)
                    } else {
                        tr!(lang, "w-order-completed-report", id = o.id)
                    },
                    order_id: o.id,
                })
                .map_err(|e| failed(lang, e, None))
        }
        Request::RejectOrder { id, reason } => store
            .reject_order(id, &reason, actor, now)
            .map(|o| Response::OrderWritten {
                message: tr!(lang, "w-order-rejected", id = o.id),
                order_id: o.id,
            })
            .map_err(|e| failed(lang, e, None)),
        Request::RateOrder {
            id,
            speed,
            quality,
            feedback,
        } => store
            .rate_order(id, speed, quality, &feedback, actor, now)
            .map(|o| Response::OrderWritten {
                message: tr!(
                    lang,
                    "w-order-rated",
                    id = o.id,
                    speed = speed,
                    quality = quality
                ),
                order_id: o.id,
            })
            .map_err(|e| failed(lang, e, None)),
        Request::Engineers => store
            .known_engineers()
            .map(Response::Engineers)
            .map_err(|e| failed(lang, e, None)),
        Request::ReplyTemplates => Ok(Response::ReplyTemplates(reply_templates(store))),
        Request::SaveAttachment { id, path } => Ok(save_attachment(lang, store, id, &path)),
        Request::Triage => store
            .mail_triage(false)
            .map(Response::Triage)
            .map_err(|e| failed(lang, e, None)),
        Request::FileTriage { id, org, severity } => store
            .file_triage(id, &org, severity.as_deref(), actor, now)
            .map(|ticket| Response::TriageWritten {
                message: tr!(
                    lang,
                    "w-triage-filed",
                    item = id,
                    id = ticket,
                    org = org.as_str()
                ),
                ticket: Some(ticket),
            })
            .map_err(|e| failed(lang, e, None)),
        Request::DiscardTriage { id, reason } => store
            .discard_triage(id, &reason, actor, now)
            .map(|()| Response::TriageWritten {
                message: tr!(lang, "w-triage-discarded", item = id),
                ticket: None,
            })
            .map_err(|e| failed(lang, e, None)),
        Request::Report(month) => store
            .monthly_report(month, None, now)
            .map(|r| Response::Report(Box::new(r)))
            .map_err(|e| failed(lang, e, None)),
    })();
    Some(result.unwrap_or_else(|r| r))
}

/// A ticket's detail and the actor's drafts of it, as the Detail pane shows them.
fn fresh_detail(
    lang: Lang,
    store: &Desk,
    actor: &Actor,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Box<crate::store::TicketDetail>, Vec<String>), Response> {
    let detail = store
        .ticket_detail(id, now)
        .map_err(|e| failed(lang, e, Some(id)))?;
    let drafts = store
        .drafts_for(&actor.draft_owner(), id)
        .map_err(|e| failed(lang, e, Some(id)))?;
    Ok((Box::new(detail), drafts))
}

/// A write's answer carries the fresh row it wrote, so the app needs no second trip for it.
fn written(
    store: &Desk,
    actor: &Actor,
    message: String,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, Response> {
    // Only the row matters here; a failure to read it back is not shown.
    let fresh = fresh_detail(Lang::En, store, actor, id, now).ok();
    Ok(Response::Written {
        message,
        ticket_id: Some(id),
        fresh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_is_saved_to_a_new_file_and_never_over_one() {
        let dir = tempfile::tempdir().unwrap();
        let policies = Arc::new(crate::config::policies::builtin().unwrap());
        let mut desk = Desk::open(&dir.path().join("d.db"), policies).unwrap();
        let actor = Actor {
            name: "alice".into(),
            via_as: false,
            os: None,
        };
        let now = chrono::Utc::now();
        desk.add_org("Acme", "connected-care", "enterprise", "UTC", &actor, now)
            .unwrap();
        let t = desk
            .create_ticket(
                &crate::store::NewTicket {
                    org: "Acme".into(),
                    kind: Some(crate::domain::TicketKind::Technical),
                    severity: "S2".into(),
                    summary: "s".into(),
                    ..Default::default()
                },
                &actor,
                now,
            )
            .unwrap();
        let file = crate::desk::NewAttachment {
            name: "trace.log".into(),
            content_type: "text/plain".into(),
            data: b"line\n".to_vec(),
        };
        let e = desk
            .add_entry_with(
                t.id,
                EntryKind::Note,
                AuthorRole::Engineer,
                "n",
                &[file],
                &actor,
                now,
            )
            .unwrap();
        let id = desk.ticket_mail(t.id).unwrap()[0].attachments[0].id;
        assert_eq!(desk.ticket_mail(t.id).unwrap()[0].entry_id, e.id);
        let target = dir.path().join("out.log");
        let path = target.to_str().unwrap();
        let Response::Notice { message, error } = save_attachment(Lang::En, &desk, id, path) else {
            panic!()
        };
        assert!(
            !error && message.contains("saved trace.log (5 bytes)"),
            "{message}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"line\n");
        std::fs::write(&target, "mine").unwrap();
        let Response::Notice { message, error } = save_attachment(Lang::En, &desk, id, path) else {
            panic!()
        };
        assert!(error && message.contains("already exists"), "{message}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    }
}
