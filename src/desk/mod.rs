//! Use cases: each runs the seeds' rules once, inside one transaction of the store port, and
//! writes its audit rows and the ticket's SLA columns in that same transaction. Front-ends
//! (CLI, TUI worker, demo) call these; reads go straight to the store (`Desk` derefs to it).

mod check;
mod contacts;
mod generate;
mod mail;
mod orders;
mod orgs;
mod pending;
pub use pending::{PendingOutcome, UNDO_SECONDS_DEFAULT};
mod presence;
pub use presence::PRESENCE_TTL_SECONDS;
mod import_lines;
mod reply_templates;
mod report;
mod sla;
mod tags_merge;
mod tickets;
mod transfer;
mod watch;
pub use tags_merge::{MergeOutcome, TagOp, TagOutcome, parse_tag_ops};
pub use tickets::NewAttachment;
pub use watch::{WatchAlert, WatchScan};

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;

use crate::policy::PolicyRegistry;
use crate::store::{self, Result, Store};

pub use generate::{GeneratedEntry, GeneratedOrg, GeneratedTicket};
pub use mail::Delivered;
pub use sla::SlaReport;
pub use transfer::{ImportSummary, alert_is_exported, export_store};

/// The help desk over one store.
pub struct Desk {
    store: Box<dyn Store>,
    policies: Arc<PolicyRegistry>,
    /// The desk's own address (`[mail] from`), for the domain of outgoing Message-IDs.
    mail_from: Option<String>,
    /// Set while a pending action is applied: the use case's transaction takes it first.
    pending_claim: Option<i64>,
    /// The take found it gone (another TUI or watcher applied or undid it first).
    pending_gone: bool,
}

impl Desk {
    pub fn new(store: Box<dyn Store>) -> Desk {
        let policies = store.policies().clone();
        Desk {
            store,
            policies,
            mail_from: None,
            pending_claim: None,
            pending_gone: false,
        }
    }

    /// The desk's own mail address, when configured (outgoing Message-IDs use its domain).
    pub fn set_mail_from(&mut self, from: Option<String>) {
        self.mail_from = from;
    }

    /// Opens the store a location names (see [`store::open`]).
    pub fn open(location: &Path, policies: Arc<PolicyRegistry>) -> Result<Desk> {
        Ok(Desk::new(store::open(location, policies)?))
    }

    /// Opens the store a location names for reading only (see [`store::open_for_reading`]).
    pub fn open_for_reading(location: &Path, policies: Arc<PolicyRegistry>) -> Result<Desk> {
        Ok(Desk::new(store::open_for_reading(location, policies)?))
    }

    pub fn policies(&self) -> &Arc<PolicyRegistry> {
        &self.policies
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }
}

impl Deref for Desk {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        &*self.store
    }
}

impl DerefMut for Desk {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.store
    }
}
