//! Export, import and generated bulk loads on PostgreSQL.

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::domain::Actor;
use crate::store::{GeneratedOrg, GeneratedTicket, ImportSummary, Result, StoreError};

fn not_yet(what: &str) -> StoreError {
    StoreError::Other(format!("{what} is not available on PostgreSQL yet"))
}

pub fn export(_store: &PgStore, _out: &mut dyn std::io::Write) -> Result<(usize, usize)> {
    Err(not_yet("export"))
}

pub fn import(
    _store: &mut PgStore,
    _input: &mut dyn std::io::BufRead,
    _now: DateTime<Utc>,
) -> Result<ImportSummary> {
    Err(not_yet("import"))
}

pub fn insert_generated(
    _store: &mut PgStore,
    _orgs: &[GeneratedOrg],
    _tickets: &mut dyn Iterator<Item = GeneratedTicket>,
    _actor: &Actor,
    _now: DateTime<Utc>,
    _bulk: bool,
) -> Result<usize> {
    Err(not_yet("gen"))
}
