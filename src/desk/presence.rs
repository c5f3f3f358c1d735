//! Presence: each running TUI's heartbeat (which ticket it shows, whether its user is
//! writing on it). Nothing is locked by it; it only lets engineers see each other.

use chrono::{DateTime, Duration, Utc};

use super::Desk;
use crate::store::{Presence, Result};

/// A heartbeat older than this is someone who left (a killed TUI, a dropped SSH session).
pub const PRESENCE_TTL_SECONDS: i64 = 45;

impl Desk {
    /// Records this TUI's heartbeat.
    pub fn heartbeat(&mut self, p: &Presence) -> Result<()> {
        self.store.put_presence(p)
    }

    /// This TUI leaves.
    pub fn leave(&mut self, session: &str) -> Result<()> {
        self.store.drop_presence(session)
    }

    /// Everyone else who is here now (heartbeats that have not expired), by who.
    pub fn others_present(&self, session: &str, now: DateTime<Utc>) -> Result<Vec<Presence>> {
        let since = now - Duration::seconds(PRESENCE_TTL_SECONDS);
        Ok(self
            .store
            .presence_since(since)?
            .into_iter()
            .filter(|p| p.session != session)
            .collect())
    }
}
