//! A PostgreSQL server for tests: `TUIDESK_TEST_PG` names it (`.ci/run` starts a throwaway
//! cluster; locally `eval "$(scripts/pg-test-cluster.sh start)"`). Each test gets fresh
//! databases, dropped when it ends. Without a server a test skips with a note, except under
//! `CI=true`, where it fails: CI never silently skips PostgreSQL.
#![allow(dead_code)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct Server {
    url: String,
    created: RefCell<Vec<String>>,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Server {
    /// The server, or `None` after a note when there is none and this is not CI.
    pub fn from_env() -> Option<Server> {
        let url = match std::env::var("TUIDESK_TEST_PG") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                if in_ci() {
                    panic!(
                        "CI=true but TUIDESK_TEST_PG is not set: PostgreSQL tests must run in CI (.ci/run starts a server)"
                    );
                }
                eprintln!(
                    "note: skipping a PostgreSQL test: TUIDESK_TEST_PG is not set (eval \"$(scripts/pg-test-cluster.sh start)\")"
                );
                return None;
            }
        };
        match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(_) => Some(Server {
                url,
                created: RefCell::new(Vec::new()),
            }),
            Err(e) => {
                if in_ci() {
                    panic!(
                        "CI=true but the PostgreSQL server at TUIDESK_TEST_PG is unreachable: {e}"
                    );
                }
                eprintln!("note: skipping a PostgreSQL test: TUIDESK_TEST_PG unreachable: {e}");
                None
            }
        }
    }

    /// The server for a run that asked for PostgreSQL (`TUIDESK_TEST_BACKEND=postgres`):
    /// without one the test fails, whether in CI or not.
    pub fn required() -> Server {
        let url = std::env::var("TUIDESK_TEST_PG").unwrap_or_default();
        if url.is_empty() {
            panic!(
                "TUIDESK_TEST_BACKEND=postgres needs TUIDESK_TEST_PG (eval \"$(scripts/pg-test-cluster.sh start)\")"
            );
        }
        if let Err(e) = postgres::Client::connect(&url, postgres::NoTls) {
            panic!("the PostgreSQL server at TUIDESK_TEST_PG is unreachable: {e}");
        }
        Server {
            url,
            created: RefCell::new(Vec::new()),
        }
    }

    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("the test server answers")
    }

    /// A new empty database; its URL.
    pub fn fresh_database(&self) -> String {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("tuidesk_t{}_{n}_{}", std::process::id(), fastrand::u32(..));
        self.admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("creating a test database");
        self.created.borrow_mut().push(name.clone());
        with_database(&self.url, &name)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let names = self.created.borrow().clone();
        if names.is_empty() {
            return;
        }
        if let Ok(mut c) = postgres::Client::connect(&self.url, postgres::NoTls) {
            for name in names {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// True when the database at `url` holds tuidesk's schema (a command has opened it).
pub fn has_schema(url: &str) -> bool {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("the test database answers");
    c.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .expect("asking for the schema")
        .get(0)
}
