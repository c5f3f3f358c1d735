//! The PostgreSQL store: the second implementation of the store port, for a team that
//! outgrows one host and one SQLite file. Same tables and columns as the SQLite backend
//! (instants are integer seconds, so sort keys and exports are identical), its own
//! migrations in a `schema_migrations` table, one `READ COMMITTED` transaction per write
//! unit with `SELECT … FOR UPDATE` on the rows a rule reads (retried on serialization
//! failures and deadlocks), a `pg_notify` in every write transaction (presence heartbeats aside) and a change token fed
//! by `LISTEN` on a second connection.
//!
//! Uses the synchronous `postgres` crate: it runs its own small runtime, so it is only ever
//! called from plain threads (the CLI's main thread, the TUI's database thread).

mod batch;
mod bulk;
mod conn;
mod error;
mod mail;
mod pending;
mod port;
mod schema;
#[cfg(test)]
mod scratch;
mod search;
mod sql;
mod transfer;
mod watch;

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postgres::Client;

pub use conn::{PgLocation, database_name, is_postgres_url, redact};
use error::Ctx as _;

use crate::policy::PolicyRegistry;
use crate::store::{Result, StoreError};

/// The channel every write transaction notifies.
pub const CHANNEL: &str = "tuidesk_changes";
/// How often a write unit is retried after a serialization failure or a deadlock.
const WRITE_ATTEMPTS: u32 = 12;
/// A write that lost its connection before COMMIT runs again this many times (a server
/// restart takes about a second).
const LOST_RETRIES: u32 = 3;
/// A connection quiet for longer is checked before it is used again.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Notifications from the listening connection, counted as the change token.
struct Listener {
    client: Option<Client>,
    /// Notifications from other sessions seen so far (plus one per reconnect).
    seen: i64,
    /// When the last reconnect failed (reconnects are tried at most once a second).
    failed_at: Option<Instant>,
}

pub struct PgStore {
    location: PgLocation,
    client: RefCell<Client>,
    /// The backend process of `client`: its own notifications are not others' changes.
    pid: RefCell<i32>,
    listener: RefCell<Listener>,
    policies: Arc<PolicyRegistry>,
    /// When `client` last answered: after a quiet spell it is checked before use, so a
    /// server that restarted meanwhile costs a reconnect, not a failed request.
    last_used: std::cell::Cell<Instant>,
    /// What cancels the statement `client` runs, from another thread (the TUI's Esc on a
    /// search); replaced whenever `client` is.
    cancel: Arc<std::sync::Mutex<postgres::CancelToken>>,
    /// A search runs on `client`: the only statement a cancel is meant for.
    searching: Arc<AtomicBool>,
    /// A cancel was sent since `client` was last made safe from it (see [`absorb_cancel`]).
    cancel_sent: Arc<AtomicBool>,
    /// The statements prepared on `client` by the reads that run at every key press;
    /// emptied whenever `client` is replaced.
    statements: RefCell<sql::Statements>,
}

/// How long a cancel may hold up its caller (the TUI's event loop): a local or LAN server
/// answers in milliseconds; an unreachable one is not waited for.
const CANCEL_WAIT: Duration = Duration::from_millis(1500);

impl PgStore {
    /// Connects to the database a `postgres://` URL names and brings its schema up to date.
    pub fn open(url: &str, policies: Arc<PolicyRegistry>) -> Result<PgStore> {
        let location = PgLocation::parse(url)?;
        let mut client = location.connect()?;
        schema::migrate(&mut client, &location)?;
        let pid = backend_pid(&mut client)?;
        let cancel = Arc::new(std::sync::Mutex::new(client.cancel_token()));
        let store = PgStore {
            cancel,
            searching: Arc::default(),
            cancel_sent: Arc::default(),
            client: RefCell::new(client),
            pid: RefCell::new(pid),
            listener: RefCell::new(Listener {
                client: None,
                seen: 0,
                failed_at: None,
            }),
            location,
            policies,
            last_used: std::cell::Cell::new(Instant::now()),
            statements: RefCell::default(),
        };
        Ok(store)
    }

    /// Connects for reading only: every session is read-only on the server (a write fails
    /// with a clear line), and the schema must be current (nothing is migrated).
    pub fn open_for_reading(url: &str, policies: Arc<PolicyRegistry>) -> Result<PgStore> {
        let mut location = PgLocation::parse(url)?;
        location.make_read_only();
        let mut client = location.connect()?;
        schema::require_current(&mut client, &location)?;
        let pid = backend_pid(&mut client)?;
        let cancel = Arc::new(std::sync::Mutex::new(client.cancel_token()));
        Ok(PgStore {
            cancel,
            searching: Arc::default(),
            cancel_sent: Arc::default(),
            client: RefCell::new(client),
            pid: RefCell::new(pid),
            listener: RefCell::new(Listener {
                client: None,
                seen: 0,
                failed_at: None,
            }),
            location,
            policies,
            last_used: std::cell::Cell::new(Instant::now()),
            statements: RefCell::default(),
        })
    }

    /// Points the interrupter at a new session's statements.
    fn adopt_cancel(&self, client: &Client) {
        if let Ok(mut token) = self.cancel.lock() {
            *token = client.cancel_token();
        }
    }

    /// Cancels the search the store's session runs right now, from any thread: a cancel
    /// request on a separate connection, waited for at most [`CANCEL_WAIT`]. Runs on its own
    /// thread: the `postgres` crate's blocking calls must not run inside the TUI's tokio
    /// runtime.
    ///
    /// The server acts on a cancel when its postmaster gets to it, which can be after the
    /// search has ended and the session's next statement has begun (the client library
    /// returns once the request is sent). So nothing is sent while no search runs, and
    /// after a cancel was sent the session's next use first gives a late one a harmless
    /// statement to stop ([`absorb_cancel`]).
    pub fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let token = self.cancel.clone();
        let location = self.location.clone();
        let (searching, sent) = (self.searching.clone(), self.cancel_sent.clone());
        Arc::new(move || {
            if !searching.load(Ordering::SeqCst) {
                return;
            }
            let Ok(token) = token.lock().map(|t| t.clone()) else {
                return;
            };
            sent.store(true, Ordering::SeqCst);
            let location = location.clone();
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = location.cancel(&token);
                let _ = done_tx.send(());
            });
            let _ = done_rx.recv_timeout(CANCEL_WAIT);
        })
    }

    /// The URL without its password, for messages.
    pub fn location(&self) -> String {
        self.location.redacted()
    }

    pub fn policies(&self) -> &Arc<PolicyRegistry> {
        &self.policies
    }

    /// The connection, reconnected first if the server went away since the last use.
    fn client(&self) -> Result<std::cell::RefMut<'_, Client>> {
        let mut client = self.client.borrow_mut();
        let idle = self.last_used.replace(Instant::now()).elapsed() > IDLE_CHECK;
        // Closed, or dropped by a server restart or a network failure while idle: a new
        // session, with the statements prepared on the old one forgotten.
        if client.is_closed() || (idle && client.is_valid(Duration::from_secs(5)).is_err()) {
            let mut fresh = self.location.connect()?;
            *self.pid.borrow_mut() = backend_pid(&mut fresh)?;
            self.adopt_cancel(&fresh);
            self.statements.borrow_mut().clear();
            *client = fresh;
        }
        if self.cancel_sent.swap(false, Ordering::SeqCst) {
            absorb_cancel(&mut client);
        }
        Ok(client)
    }

    /// Runs `body` in one transaction that commits whole or not at all, with a change
    /// notification inside it. Serialization failures and deadlocks are retried.
    pub fn write<T>(
        &mut self,
        body: impl FnMut(&mut postgres::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_unit(true, body)
    }

    /// As [`PgStore::write`], for what is not a data change (presence heartbeats): no
    /// notification, so the other sessions' change tokens stay put.
    pub(super) fn write_quietly<T>(
        &mut self,
        body: impl FnMut(&mut postgres::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_unit(false, body)
    }

    fn write_unit<T>(
        &mut self,
        notify: bool,
        mut body: impl FnMut(&mut postgres::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 0;
        let mut lost_retries = 0;
        loop {
            attempt += 1;
            let mut committing = false;
            let result: Result<T> = (|| {
                let mut client = self.client()?;
                let mut tx = client.transaction().ctx("starting a write transaction")?;
                let value = body(&mut tx)?;
                if notify {
                    tx.execute("SELECT pg_notify($1, '')", &[&CHANNEL])
                        .ctx("notifying other sessions")?;
                }
                committing = true;
                tx.commit().ctx("committing")?;
                Ok(value)
            })();
            let lost = result.is_err() && self.client.borrow().is_closed();
            match result {
                // The connection went away before COMMIT was sent: nothing was written, so
                // the whole unit runs again on a new session (the server may be back).
                Err(_) if lost && !committing && lost_retries < LOST_RETRIES => {
                    lost_retries += 1;
                    std::thread::sleep(Duration::from_millis(150 * u64::from(lost_retries)));
                }
                Err(StoreError::Db { context, .. }) if lost && committing => {
                    return Err(StoreError::Db {
                        context,
                        kind: crate::store::DbFailure::Io,
                        message: "the connection to the server was lost while committing: the change may or may not have been saved; reload and check before trying again".into(),
                    });
                }
                Err(e) if e.is_busy() && attempt < WRITE_ATTEMPTS => {
                    // Back off with jitter so the same writers do not collide again.
                    let ms = 5 * u64::from(attempt) + fastrand::u64(0..10 * u64::from(attempt));
                    std::thread::sleep(Duration::from_millis(ms));
                }
                other => return other,
            }
        }
    }

    /// A counter of other sessions' commits: the notifications delivered to the listening
    /// connection. One empty statement on that connection (no table is read) makes the
    /// server hand over every notification committed before it (PostgreSQL 14+ delivers
    /// pending notifications before ReadyForQuery), so a commit that returned to another
    /// session is always seen by the next call. When the listener lost
    /// its server it reconnects (at most once a second) and counts that as a change, so
    /// the screen reloads whatever it missed.
    pub fn change_token(&self) -> Result<i64> {
        let mut listener = self.listener.borrow_mut();
        let own = *self.pid.borrow();
        if listener.client.as_ref().is_some_and(|c| c.is_closed()) {
            listener.client = None;
        }
        if listener.client.is_none() {
            if listener
                .failed_at
                .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
            {
                return Err(StoreError::Db {
                    context: format!("listening for changes on {}", self.location()),
                    kind: crate::store::DbFailure::CannotOpen,
                    message: "the server is unreachable; reconnecting".into(),
                });
            }
            match self.location.connect().and_then(|mut c| {
                c.batch_execute(&format!("LISTEN {CHANNEL}"))
                    .ctx("listening for changes")?;
                Ok(c)
            }) {
                Ok(c) => {
                    let first = listener.failed_at.is_some() || listener.seen > 0;
                    listener.client = Some(c);
                    listener.failed_at = None;
                    if first {
                        listener.seen += 1;
                    }
                }
                Err(e) => {
                    listener.failed_at = Some(Instant::now());
                    return Err(e);
                }
            }
        }
        let Listener { client, seen, .. } = &mut *listener;
        if let Some(client) = client {
            if let Err(e) = client.batch_execute("") {
                return Err(error::pg_error("listening for changes", &e));
            }
            let mut notifications = client.notifications();
            let mut iter = notifications.iter();
            use postgres::fallible_iterator::FallibleIterator as _;
            loop {
                match iter.next() {
                    Ok(Some(n)) => {
                        if n.process_id() != own {
                            *seen += 1;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Err(error::pg_error("listening for changes", &e));
                    }
                }
            }
        }
        Ok(*seen)
    }
}

fn backend_pid(client: &mut Client) -> Result<i32> {
    client
        .query_one("SELECT pg_backend_pid()", &[])
        .ctx("reading the session id")
        .and_then(|r| error::get(&r, 0))
}

/// How long the statement that takes a late cancel runs: the postmaster forwards a cancel
/// request within a millisecond or two of receiving it.
const LATE_CANCEL_WAIT: &str = "SELECT pg_catalog.pg_sleep(0.05)";
/// The most late cancels taken before going on (each stops one wait).
const LATE_CANCELS: usize = 20;

/// Gives cancels that may still be on their way statements of their own to stop, so none
/// stops the next real one: waits until one runs to its end uncancelled. Their errors
/// (57014) are the point and are dropped; a broken session shows in the statement that
/// follows.
fn absorb_cancel(client: &mut Client) {
    for _ in 0..LATE_CANCELS {
        match client.batch_execute(LATE_CANCEL_WAIT) {
            Err(e) if e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED) => continue,
            _ => return,
        }
    }
}

/// Marks the session as running a search for as long as it lives.
pub(super) struct Searching<'a>(&'a AtomicBool);

impl<'a> Searching<'a> {
    pub(super) fn start(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::SeqCst);
        Searching(flag)
    }
}

impl Drop for Searching<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
