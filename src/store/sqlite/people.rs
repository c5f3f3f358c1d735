use super::{Context, Result, SqliteStore};

impl SqliteStore {
    /// Everyone who holds or has held a ticket, by name: the TUI completes `a` from these
    /// and warns about a name never seen before.
    pub fn known_engineers(&self) -> Result<Vec<String>> {
        self.conn
            .prepare_cached(
                "SELECT DISTINCT assignee FROM tickets INDEXED BY tickets_by_assignee
                 WHERE assignee IS NOT NULL ORDER BY assignee LIMIT 1000",
            )
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .ctx("listing engineers")
    }
}
