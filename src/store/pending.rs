//! Actions in their undo window (issue 17 item 3): a reply, a resolve or close, a reassignment
//! sent from the TUI waits here until it is due, so `u` can still take it back. The row is the
//! action's only copy: applying it removes it in the same transaction as the change, undoing
//! it removes it too, so it is applied once or not at all, across crashes and several TUIs.

use chrono::{DateTime, Utc};

use crate::domain::{Actor, Status};

/// What waits: the change exactly as the immediate path would make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deferred {
    /// A public reply to the customer (its text; the mail is queued only when applied).
    Reply { body: String },
    /// Resolve or close, checked against the version the engineer saw.
    Status { status: Status, expected: i64 },
    /// Reassign (`None` unassigns), checked against the version the engineer saw.
    Assign { who: Option<String>, expected: i64 },
}

impl Deferred {
    /// The kind stored in the row.
    pub fn kind(&self) -> &'static str {
        match self {
            Deferred::Reply { .. } => "reply",
            Deferred::Status { .. } => "status",
            Deferred::Assign { .. } => "assign",
        }
    }
}

/// One action in its undo window, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    pub id: i64,
    pub ticket_id: i64,
    pub action: Deferred,
    /// Who acts (the audit rows name them when it is applied).
    pub actor: Actor,
    /// The running TUI that made it (user, host and process), as in presence.
    pub session: String,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

impl PendingAction {
    /// Whose action it is: the actor's audit name (as drafts are owned).
    pub fn owner(&self) -> String {
        self.actor.audit_name()
    }
}

/// A new pending action.
#[derive(Debug, Clone, Copy)]
pub struct PendingInsert<'a> {
    pub ticket_id: i64,
    pub action: &'a Deferred,
    pub actor: &'a Actor,
    pub session: &'a str,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// The columns of a row back into an action (both backends store the same columns); `None`
/// for a kind or value this tuidesk does not know.
pub fn decode_deferred(
    kind: &str,
    body: Option<String>,
    value: Option<String>,
    expected: Option<i64>,
) -> Option<Deferred> {
    match kind {
        "reply" => Some(Deferred::Reply { body: body? }),
        "status" => Some(Deferred::Status {
            status: value?.parse().ok()?,
            expected: expected?,
        }),
        "assign" => Some(Deferred::Assign {
            who: value,
            expected: expected?,
        }),
        _ => None,
    }
}

/// The (body, value, expected) columns of an action.
pub fn encode_deferred(d: &Deferred) -> (Option<&str>, Option<String>, Option<i64>) {
    match d {
        Deferred::Reply { body } => (Some(body.as_str()), None, None),
        Deferred::Status { status, expected } => {
            (None, Some(status.as_str().to_string()), Some(*expected))
        }
        Deferred::Assign { who, expected } => (None, who.clone(), Some(*expected)),
    }
}
