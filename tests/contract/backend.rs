//! What a backend gives the contract suite: fresh empty databases and more handles on them.

use std::cell::Cell;
use std::path::Path;

use tuidesk::store::Store;

/// One backend under test. A value lives for one test; every store it opens is empty.
pub trait Backend {
    /// Makes the backend for one test (a temporary directory, a scratch schema, …).
    fn setup() -> Self
    where
        Self: Sized;

    /// For messages: "sqlite", "postgres", ….
    fn name(&self) -> &'static str;

    /// A fresh, empty database with the built-in policies ([`crate::fixture::policies`]).
    fn open(&self) -> Box<dyn Store>;

    /// Another handle on a database this backend opened, named by its [`Store::location`]:
    /// what a second engineer's process would open. Also used to reopen a database after
    /// every handle on it was dropped.
    fn connect(&self, location: &str) -> Box<dyn Store>;
}

/// SQLite: every database is a new file in a temporary directory that lives as long as the
/// backend (one test), opened through `tuidesk::store::open` like the program does.
pub struct SqliteBackend {
    dir: tempfile::TempDir,
    opened: Cell<u32>,
}

impl Backend for SqliteBackend {
    fn setup() -> Self {
        SqliteBackend {
            dir: tempfile::tempdir().expect("a temporary directory"),
            opened: Cell::new(0),
        }
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn open(&self) -> Box<dyn Store> {
        let n = self.opened.get() + 1;
        self.opened.set(n);
        let path = self.dir.path().join(format!("contract-{n}.db"));
        assert!(!path.exists());
        self.connect(path.to_str().expect("a UTF-8 temporary path"))
    }

    fn connect(&self, location: &str) -> Box<dyn Store> {
        tuidesk::store::open(Path::new(location), crate::fixture::policies())
            .unwrap_or_else(|e| panic!("opening {location}: {e}"))
    }
}
