//! Schema migrations, applied in order at open. `PRAGMA user_version` records how many ran.
//!
//! Instants are integer seconds since the Unix epoch (UTC). `urgency` is the queue's sort key:
//! the due instant of the most urgent running target, or a large offset for tickets whose
//! clocks are paused, met or absent, so "most urgent first" is one index walk.

pub const MIGRATIONS: &[&str] = &[
    // 1: organizations, tickets, conversation, audit, pauses, drafts, full text.
    r#"
CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    policy_set  TEXT NOT NULL,
    plan        TEXT NOT NULL,
    tz          TEXT NOT NULL,
    parent_id   INTEGER REFERENCES orgs(id),
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tickets (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    kind                TEXT NOT NULL CHECK (kind IN ('technical', 'billing')),
    severity            TEXT NOT NULL,
    severity_rank       INTEGER NOT NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('new', 'open', 'pending', 'on-hold', 'resolved', 'closed')),
    summary             TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    component           TEXT,
    environment         TEXT CHECK (environment IN ('production', 'non-production')),
    affected_version    TEXT,
    assignee            TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    first_response_at   INTEGER,
    resolved_at         INTEGER,
    first_response_due  INTEGER,
    next_due            INTEGER,
    risk_at             INTEGER,
    breach_at           INTEGER,
    paused_left         INTEGER,
    urgency             INTEGER NOT NULL,
    priority            INTEGER NOT NULL DEFAULT 100,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_by_urgency  ON tickets (urgency, priority, id);
CREATE INDEX tickets_by_created  ON tickets (created_at, id);
CREATE INDEX tickets_by_severity ON tickets (severity_rank, urgency, priority, id);
CREATE INDEX tickets_by_status   ON tickets (status, urgency, priority, id);
CREATE INDEX tickets_by_org      ON tickets (org_id, urgency, priority, id);
CREATE INDEX tickets_by_assignee ON tickets (assignee, urgency, priority, id);
CREATE INDEX tickets_by_breach   ON tickets (breach_at) WHERE breach_at IS NOT NULL;
CREATE INDEX tickets_by_risk     ON tickets (risk_at) WHERE risk_at IS NOT NULL;

CREATE TABLE entries (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'note')),
    role        TEXT NOT NULL CHECK (role IN ('engineer', 'customer')),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX entries_by_ticket ON entries (ticket_id, id);

CREATE TABLE pauses (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE INDEX pauses_by_ticket ON pauses (ticket_id, started_at);

CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id),
    org_id        INTEGER REFERENCES orgs(id),
    actor         TEXT NOT NULL,
    actor_source  TEXT NOT NULL CHECK (actor_source IN ('os', 'as', 'system')),
    at            INTEGER NOT NULL,
    field         TEXT NOT NULL,
    old           TEXT,
    new           TEXT
);
CREATE INDEX events_by_ticket ON events (ticket_id, id);
CREATE INDEX events_by_org ON events (org_id, id);

CREATE TABLE drafts (
    actor       TEXT NOT NULL,
    ticket_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (actor, ticket_id, kind)
);

-- Ticket documents use rowid = ticket id; conversation entries use rowid = -entry id.
CREATE VIRTUAL TABLE search USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
"#,
    // 2: plan history for linked accounts and plan changes; service orders (服务单) beside
    // tickets, sharing the audit log through a nullable `order_id`.
    r#"
ALTER TABLE orgs ADD COLUMN plan_since INTEGER;
UPDATE orgs SET plan_since = created_at;
CREATE INDEX orgs_by_parent ON orgs (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    kind            TEXT NOT NULL
                    CHECK (kind IN ('event-assurance', 'availability-check', 'monthly-report')),
    status          TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'rejected')),
    level           INTEGER CHECK (level BETWEEN 1 AND 9),
    scenario        TEXT,
    month           TEXT,
    start_date      TEXT,
    end_date        TEXT,
    note            TEXT NOT NULL DEFAULT '',
    requested_on    TEXT NOT NULL,
    due_at          INTEGER,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    completed_at    INTEGER,
    rejected_at     INTEGER,
    reject_reason   TEXT,
    rating_speed    INTEGER CHECK (rating_speed BETWEEN 1 AND 5),
    rating_quality  INTEGER CHECK (rating_quality BETWEEN 1 AND 5),
    rating_feedback TEXT,
    rated_at        INTEGER,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orders_by_org ON orders (org_id, kind, id);
CREATE INDEX orders_by_due ON orders (status, due_at, id);

CREATE TABLE order_attachments (
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    name        TEXT NOT NULL,
    data        BLOB NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (order_id, name)
);

ALTER TABLE events ADD COLUMN order_id INTEGER REFERENCES orders(id);
CREATE INDEX events_by_order ON events (order_id, id) WHERE order_id IS NOT NULL;
"#,
    // 3: the active queue (about 2% of a mature database) gets its own small indexes, one per
    // sort, so its first page is an index walk instead of reading and sorting every active
    // row; breached and at-risk counts skip the many closed tickets that once breached. Queries
    // must repeat `status IN ('new','open','pending','on-hold')` literally (see
    // `tickets::filter_sql`) for SQLite to use them.
    r#"
CREATE INDEX tickets_active_by_urgency ON tickets (urgency, priority, id)
    WHERE status IN ('new','open','pending','on-hold');
CREATE INDEX tickets_active_by_created ON tickets (created_at, id)
    WHERE status IN ('new','open','pending','on-hold');
CREATE INDEX tickets_active_by_severity ON tickets (severity_rank, urgency, priority, id)
    WHERE status IN ('new','open','pending','on-hold');
CREATE INDEX tickets_active_by_breach ON tickets (breach_at)
    WHERE status IN ('new','open','pending','on-hold') AND breach_at IS NOT NULL;
CREATE INDEX tickets_active_by_risk ON tickets (risk_at, breach_at)
    WHERE status IN ('new','open','pending','on-hold') AND risk_at IS NOT NULL;
"#,
    // 4: the level a ticket is handled at when an event assurance in force raised it (NULL:
    // as filed) and why; `severity_rank` then holds the raised level's rank.
    r#"
ALTER TABLE tickets ADD COLUMN effective_severity TEXT;
ALTER TABLE tickets ADD COLUMN severity_note TEXT;
"#,
    // 5: facts about the database itself, e.g. that `tuidesk demo` made it (so the demo's
    // generator never files tickets into a real desk).
    r#"
CREATE TABLE meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 6: SLA facts kept across later changes: a breach once seen stays recorded (a lower
    // severity or a new plan never turns it into "met"), and the spans a reopened ticket spent
    // resolved (its clocks stood still then).
    r#"
CREATE TABLE breaches (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    metric      TEXT NOT NULL CHECK (metric IN ('first-response', 'next-response', 'resolution')),
    at          INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, metric)
) WITHOUT ROWID;

CREATE TABLE resolved_spans (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, started_at)
) WITHOUT ROWID;
"#,
    // 7: customers in the loop (issue 16). Contacts of an organization (an address, or
    // `@domain` for a whole domain; stored lowercased); a ticket's requester, channel and the
    // ticket it follows up; mail received and sent (Message-ID once, for threading and
    // duplicates; `auto` says why an autoreply or bounce is one); attachments of conversation
    // entries and triage items (`data` NULL: dropped, over the size limit); the triage inbox of
    // unknown senders; the quarantine of unparseable mail; the outbox of replies to send.
    r#"
CREATE TABLE org_contacts (
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    address     TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, address)
) WITHOUT ROWID;
CREATE INDEX org_contacts_by_address ON org_contacts (address);

ALTER TABLE tickets ADD COLUMN requester_name TEXT;
ALTER TABLE tickets ADD COLUMN requester_address TEXT;
ALTER TABLE tickets ADD COLUMN channel TEXT CHECK (channel IN ('email', 'portal', 'phone', 'chat'));
ALTER TABLE tickets ADD COLUMN follows_id INTEGER REFERENCES tickets(id);

CREATE TABLE mail_triage (
    id            INTEGER PRIMARY KEY,
    message_id    TEXT NOT NULL,
    from_name     TEXT,
    from_address  TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    auto          TEXT,
    received_at   INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('waiting', 'filed', 'discarded')),
    ticket_id     INTEGER REFERENCES tickets(id),
    reason        TEXT,
    decided_by    TEXT,
    decided_at    INTEGER
);
CREATE INDEX mail_triage_waiting ON mail_triage (id) WHERE state = 'waiting';

CREATE TABLE mail_messages (
    id            INTEGER PRIMARY KEY,
    message_id    TEXT NOT NULL UNIQUE,
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    ticket_id     INTEGER REFERENCES tickets(id),
    entry_id      INTEGER REFERENCES entries(id),
    triage_id     INTEGER REFERENCES mail_triage(id),
    from_address  TEXT,
    subject       TEXT,
    auto          TEXT,
    at            INTEGER NOT NULL
);
CREATE INDEX mail_messages_by_ticket ON mail_messages (ticket_id, id);
CREATE INDEX mail_messages_by_entry ON mail_messages (entry_id) WHERE entry_id IS NOT NULL;

CREATE TABLE entry_attachments (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER REFERENCES entries(id),
    triage_id     INTEGER REFERENCES mail_triage(id),
    ticket_id     INTEGER REFERENCES tickets(id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB
);
CREATE INDEX entry_attachments_by_ticket ON entry_attachments (ticket_id, id);
CREATE INDEX entry_attachments_by_triage ON entry_attachments (triage_id) WHERE triage_id IS NOT NULL;

CREATE TABLE mail_quarantine (
    id            INTEGER PRIMARY KEY,
    received_at   INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    raw           BLOB NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER REFERENCES tickets(id),
    entry_id        INTEGER REFERENCES entries(id),
    order_id        INTEGER REFERENCES orders(id),
    message_id      TEXT NOT NULL UNIQUE,
    to_addresses    TEXT NOT NULL,
    subject         TEXT NOT NULL,
    in_reply_to     TEXT,
    refs            TEXT,
    body            TEXT NOT NULL,
    attachment_name TEXT,
    attachment      BLOB,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_queued ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_by_entry ON outbox (entry_id) WHERE entry_id IS NOT NULL;
"#,
    // 8: audit rows that came in with `tuidesk import` stay marked as imported (history this
    // desk did not see happen); not part of an export, so round trips stay byte-identical.
    r#"
ALTER TABLE events ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
"#,
    // 9: the team's shared canned replies (`tuidesk reply-template`); engineers' own live in
    // files under config_dir/replies.
    r#"
CREATE TABLE reply_templates (
    name       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"#,
    // 10: the alert log of `tuidesk watch`: one row per happening (its key), claimed by the
    // first watcher that fires it, so several watchers never fire an alert twice; and the
    // indexes that find customers' messages and assignments since an instant.
    r#"
CREATE TABLE alerts (
    key         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    ticket_id   INTEGER NOT NULL,
    happened_at INTEGER NOT NULL,
    fired_at    INTEGER NOT NULL,
    fired_by    TEXT NOT NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX entries_customer_by_created ON entries (created_at) WHERE role = 'customer';
CREATE INDEX events_assignee_by_at ON events (at) WHERE field = 'assignee';
"#,
    // 11: presence: which ticket each running TUI shows and whether its user is writing on
    // it, as heartbeats that expire (nothing is locked; version checks stay the guard).
    r#"
CREATE TABLE presence (
    session   TEXT PRIMARY KEY,
    who       TEXT NOT NULL,
    ticket_id INTEGER,
    composing INTEGER NOT NULL,
    seen_at   INTEGER NOT NULL
);
"#,
    // 12: every SLA evaluation reads the organization's own history (plan changes, links)
    // after an instant; found through `events_by_org` it walked all of the organization's
    // ticket events (an export or a refresh grew with the square of the desk). Outbox rows by
    // ticket (Detail and export read them per ticket).
    r#"
CREATE INDEX events_org_history ON events (org_id, field, at) WHERE ticket_id IS NULL;
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);
"#,
    // 13: tags on tickets (normalized by the desk), and merges: a merged ticket points at
    // the one it was merged into; entries moved by a merge remember the ticket they were
    // written on (and are left out of the target's SLA inputs).
    r#"
CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    tag       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_by_tag ON ticket_tags (tag, ticket_id);
ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER;
ALTER TABLE entries ADD COLUMN merged_from INTEGER;
CREATE INDEX entries_by_merged_from ON entries (merged_from) WHERE merged_from IS NOT NULL;
"#,
    // 14: actions in their undo window (a reply, a resolve or close, a reassignment from the
    // TUI): the action's only copy until it is applied or undone, each in one transaction that
    // removes the row.
    r#"
CREATE TABLE pending_actions (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    body        TEXT,
    value       TEXT,
    expected    INTEGER,
    actor       TEXT NOT NULL,
    actor_as    INTEGER NOT NULL,
    actor_os    TEXT,
    owner       TEXT NOT NULL,
    session     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER NOT NULL
);
CREATE INDEX pending_actions_by_owner ON pending_actions (owner, due_at);
"#,
    // 15: a counter every data transaction moves (presence heartbeats do not): the change
    // token other handles poll, so a heartbeat does not reload every other TUI's lists.
    r#"
CREATE TABLE data_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO data_generation (id, n) VALUES (1, 0);
"#,
];
