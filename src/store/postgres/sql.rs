//! What the store's functions send to the server: [`Sql`], on a session or a transaction as
//! they are, or through a session's statement cache ([`Cached`]). A statement sent as text
//! costs two round trips (parse and describe, then bind and execute) and a plan each time; a
//! cached one is parsed once per session and then costs one round trip, planned by the
//! server's plan cache. The detail pane's ten statements run at every move in the queue.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Client, Error, GenericClient, Row, Statement, Transaction};

/// Parameters of a statement.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The statements store functions send; implemented by a session, a transaction and a
/// cached view of either.
pub(super) trait Sql {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error>;
    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error>;
    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error>;
    fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error>;
}

macro_rules! as_text {
    ($($t:ty),*) => {$(
        impl Sql for $t {
            fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error> {
                GenericClient::query(self, sql, params)
            }
            fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error> {
                GenericClient::query_one(self, sql, params)
            }
            fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error> {
                GenericClient::query_opt(self, sql, params)
            }
            fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error> {
                GenericClient::execute(self, sql, params)
            }
        }
    )*};
}

as_text!(Client, Transaction<'_>);

/// At most this many statements are kept per session (the cache starts again when full).
const MOST_STATEMENTS: usize = 256;

/// The statements prepared on one session, by their text. Emptied when the session is
/// replaced (a statement belongs to the session that prepared it).
#[derive(Default)]
pub(super) struct Statements(HashMap<String, Statement>);

impl Statements {
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    fn get<C: GenericClient>(&mut self, c: &mut C, sql: &str) -> Result<Statement, Error> {
        if let Some(s) = self.0.get(sql) {
            return Ok(s.clone());
        }
        if self.0.len() >= MOST_STATEMENTS {
            self.0.clear();
        }
        let statement = c.prepare(sql)?;
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// A statement that failed is prepared afresh next time (its plan may no longer fit a
    /// table that changed under it).
    fn forget_on_error<T>(&mut self, sql: &str, result: Result<T, Error>) -> Result<T, Error> {
        if result.is_err() {
            self.0.remove(sql);
        }
        result
    }
}

/// A session or transaction whose statements go through the session's cache.
pub(super) struct Cached<'a, C> {
    c: &'a mut C,
    statements: &'a mut Statements,
}

impl<'a, C: GenericClient> Cached<'a, C> {
    pub(super) fn new(c: &'a mut C, statements: &'a mut Statements) -> Self {
        Cached { c, statements }
    }
}

impl<C: GenericClient> Cached<'_, C> {
    /// Runs `sql`'s cached statement (prepared first if it is not yet).
    fn run<T>(
        &mut self,
        sql: &str,
        with: impl FnOnce(&mut C, &Statement) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let statement = self.statements.get(self.c, sql)?;
        let result = with(self.c, &statement);
        self.statements.forget_on_error(sql, result)
    }
}

impl<C: GenericClient> Sql for Cached<'_, C> {
    fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error> {
        self.run(sql, |c, s| c.query(s, params))
    }

    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<Row, Error> {
        self.run(sql, |c, s| c.query_one(s, params))
    }

    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Error> {
        self.run(sql, |c, s| c.query_opt(s, params))
    }

    fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Error> {
        self.run(sql, |c, s| c.execute(s, params))
    }
}

#[cfg(test)]
mod tests {
    use super::super::scratch::{Scratch, connect};
    use super::*;

    fn prepared(c: &mut Client, sql: &str) -> i64 {
        c.query_one(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
            &[&sql],
        )
        .unwrap()
        .get(0)
    }

    /// A cached statement is prepared once per session and stays prepared; as text it is
    /// prepared at every use and closed after it.
    #[test]
    fn a_cached_statement_is_prepared_once() {
        let Some(scratch) = Scratch::new("sql_cache") else {
            return;
        };
        let mut c = connect(&scratch.url);
        let mut statements = Statements::default();
        let sql = "SELECT $1::bigint + 1";
        for n in 0..3i64 {
            let mut cached = Cached::new(&mut c, &mut statements);
            assert_eq!(
                cached.query_one(sql, &[&n]).unwrap().get::<_, i64>(0),
                n + 1
            );
        }
        assert_eq!(prepared(&mut c, sql), 1);
        let text = "SELECT $1::bigint + 2";
        for n in 0..3i64 {
            assert_eq!(
                Sql::query_one(&mut c, text, &[&n])
                    .unwrap()
                    .get::<_, i64>(0),
                n + 2
            );
        }
        assert_eq!(prepared(&mut c, text), 0);
        // Inside a transaction that rolls back, the cached statement serves on.
        {
            let mut tx = c.transaction().unwrap();
            let mut cached = Cached::new(&mut tx, &mut statements);
            assert_eq!(cached.query(sql, &[&5i64]).unwrap().len(), 1);
            tx.rollback().unwrap();
        }
        let mut cached = Cached::new(&mut c, &mut statements);
        assert_eq!(cached.query_one(sql, &[&7i64]).unwrap().get::<_, i64>(0), 8);
        assert_eq!(statements.0.len(), 1);
        statements.clear();
        assert!(statements.0.is_empty());
    }

    /// A table that changed under a cached statement fails that use once (the server's
    /// plan no longer fits); the next use prepares it again and works.
    #[test]
    fn a_statement_that_failed_is_prepared_again() {
        let Some(scratch) = Scratch::new("sql_replan") else {
            return;
        };
        let mut c = connect(&scratch.url);
        c.batch_execute("CREATE TABLE t (a BIGINT); INSERT INTO t VALUES (1)")
            .unwrap();
        let mut statements = Statements::default();
        let sql = "SELECT * FROM t";
        assert_eq!(
            Cached::new(&mut c, &mut statements)
                .query(sql, &[])
                .unwrap()[0]
                .len(),
            1
        );
        c.batch_execute("ALTER TABLE t ADD COLUMN b TEXT").unwrap();
        assert!(
            Cached::new(&mut c, &mut statements)
                .query(sql, &[])
                .is_err()
        );
        let rows = Cached::new(&mut c, &mut statements)
            .query(sql, &[])
            .unwrap();
        assert_eq!(rows[0].len(), 2);
    }
}
