//! The TUI's state and how it changes: keys, database answers and clock ticks go in, requests
//! for the database thread come out. No terminal and no SQL here, so every behaviour is
//! testable by driving actions.

mod bulk;
mod forms;
pub mod keymap;
mod notify;
mod orders;
mod presence;
mod save_attachment;
mod tags_merge;
mod templates;
mod theme_choice;
mod triage;
mod undo;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

pub use bulk::{BulkChange, BulkConfirm, BulkProgress};
pub use forms::{FormField, NewTicketForm};
pub use keymap::{ACTIONS, Action, Keymap};
pub use notify::NotifyStyle;
pub use orders::{
    NewOrderForm, OrderField, OrdersState, RateField, RateForm, ReportState, View,
    order_deadline_text, order_row_state, order_subject,
};
pub use save_attachment::SaveAttachmentForm;
pub use tags_merge::{MergeConfirm, MergeForm, TagForm, ops_text, text as tags_merge_text};
pub use templates::TemplatePicker;
pub use theme_choice::ThemeChoice;
pub use triage::{FileTriageForm, TriageState};
pub use undo::{PendingView, countdown_line, describe as undo_describe, seconds_left};

use crate::domain::{EntryKind, Order, Organization, Status, Ticket, YearMonth};
use crate::policy::PolicyRegistry;
use crate::sla::{self, MetricStatus};
use crate::store::{
    NewOrder, NewTicket, SortKey, TicketChange, TicketDetail, TicketFilter, TicketSort,
    UrgencyCounts,
};

/// How long a row (and the header count) flashes after its ticket breaches.
const FLASH_SECONDS: i64 = 4;
/// Search hits listed in the queue pane; more than that says "N shown", not a total (the
/// CLI's `search --limit` reaches further).
pub const SEARCH_SHOWN: usize = 200;
/// The most urgent running targets the SLA pane holds (see [`App::sla_limit`]).
const SLA_LOADED: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Queue,
    Detail,
    Sla,
}

/// Where a queue window starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Top,
    Bottom,
    /// Keep this ticket selected, `above` rows above it when possible.
    Around {
        id: i64,
        above: usize,
    },
    After(SortKey),
    Before(SortKey),
}

/// Work for the database thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Queue {
        filter: TicketFilter,
        sort: TicketSort,
        anchor: Anchor,
        limit: usize,
    },
    Search {
        query: String,
        limit: usize,
    },
    /// Stop the search the database thread is running, if any (handled by the event loop at
    /// once, not queued behind the search).
    CancelSearch,
    Detail(i64),
    Sla {
        limit: usize,
    },
    Counts,
    Orgs,
    Claim(i64),
    Change {
        id: i64,
        change: TicketChange,
        expected: i64,
    },
    /// Adds and removes tags (one audited change), if the ticket is still at `expected`.
    Tag {
        id: i64,
        ops: Vec<crate::desk::TagOp>,
        expected: i64,
    },
    /// Merges `source` into `target` (versions as seen; the target's when it was loaded).
    Merge {
        source: i64,
        target: i64,
        expected: (i64, Option<i64>),
    },
    AddEntry {
        id: i64,
        kind: EntryKind,
        body: String,
    },
    SaveDraft {
        ticket_id: i64,
        kind: String,
        body: String,
    },
    LoadDraft {
        ticket_id: i64,
        kind: EntryKind,
    },
    CreateTicket(NewTicket),
    Orders,
    CreateOrder(NewOrder),
    CompleteOrder {
        id: i64,
        attach_report: bool,
    },
    RejectOrder {
        id: i64,
        reason: String,
    },
    RateOrder {
        id: i64,
        speed: i64,
        quality: i64,
        feedback: String,
    },
    Report(YearMonth),
    /// Everyone who has held or changed a ticket (for `a`'s completion).
    Engineers,
    /// The canned replies (the engineer's files and the team's shared set).
    ReplyTemplates,
    /// This TUI's heartbeat changed: the ticket it shows, whether its user writes on it.
    Presence {
        ticket_id: Option<i64>,
        composing: bool,
    },
    /// Write attachment `id` to a new file at `path` (`~/` is the home directory).
    SaveAttachment {
        id: i64,
        path: String,
    },
    /// The triage inbox (items waiting).
    Triage,
    FileTriage {
        id: i64,
        org: String,
        severity: Option<String>,
    },
    DiscardTriage {
        id: i64,
        reason: String,
    },
    /// Put a change in its undo window (due `delay_seconds` from now).
    Defer {
        ticket_id: i64,
        action: crate::store::Deferred,
        delay_seconds: u64,
    },
    /// Take pending action `id` back (`u`).
    Undo(i64),
    /// Quitting: apply this TUI's pending actions now.
    ApplyMine,
}

/// One of the most urgent running targets, with what the SLA engine needs to recompute it
/// on every tick.
#[derive(Debug, Clone)]
pub struct SlaItem {
    pub ticket: Ticket,
    pub policy_set: String,
    pub plan: String,
    pub tz: String,
    pub timeline: sla::TicketTimeline,
    /// The organization's event assurances (they may raise the level the ticket is handled at).
    pub assurance: Vec<crate::assurance::AssuranceWindow>,
    /// The ticket's severity changes (see [`sla::columns::TicketSlaInputs`]).
    pub severity_changes: Vec<(DateTime<Utc>, String)>,
}

impl SlaItem {
    /// The inputs of the one SLA evaluation, as the store gave them.
    pub fn inputs(&self) -> sla::columns::TicketSlaInputs {
        sla::columns::TicketSlaInputs {
            policy_set: self.policy_set.clone(),
            plan: self.plan.clone(),
            tz: self.tz.clone(),
            severity: self.ticket.severity.clone(),
            status: self.ticket.status,
            timeline: self.timeline.clone(),
            assurance: self.assurance.clone(),
            severity_changes: self.severity_changes.clone(),
        }
    }
}

/// Answers from the database thread.
#[derive(Debug, Clone)]
pub enum Response {
    Queue {
        tickets: Vec<Ticket>,
        keys: Vec<SortKey>,
        total: i64,
        select: Option<i64>,
    },
    Search {
        query: String,
        tickets: Vec<Ticket>,
        /// More matched than were ranked ([`crate::store::SearchHits::bounded`]).
        bounded: bool,
    },
    Detail(Box<TicketDetail>, Vec<String>),
    Sla(Vec<SlaItem>),
    Counts(UrgencyCounts),
    Orgs(Vec<Organization>),
    Orders(Vec<Order>),
    /// An order was created or changed.
    OrderWritten {
        message: String,
        order_id: i64,
    },
    Report(Box<crate::report::MonthlyReport>),
    Engineers(Vec<String>),
    ReplyTemplates(Result<Vec<crate::reply_template::ReplyTemplate>, String>),
    /// Everyone else here (unexpired heartbeats).
    Presence(Vec<crate::store::Presence>),
    /// This engineer's actions in their undo window, soonest due first.
    Pending(Vec<PendingView>),
    /// An action was put in its undo window (the countdown rows show how long is left).
    Deferred {
        action: Box<crate::store::PendingAction>,
    },
    /// An action was undone; a reply's text as its draft now holds it.
    Undone {
        action: Box<crate::store::PendingAction>,
        draft: Option<String>,
    },
    /// Undo came too late (already applied or undone elsewhere).
    UndoTooLate,
    /// A pending action was applied, or refused (`refused` says why).
    PendingDone {
        action: Box<crate::store::PendingAction>,
        refused: Option<String>,
    },
    /// Something to tell the user that changed nothing on screen (a saved file).
    Notice {
        message: String,
        error: bool,
    },
    Triage(Vec<crate::store::TriageItem>),
    /// A triage item was filed (as `ticket`) or discarded.
    TriageWritten {
        message: String,
        ticket: Option<i64>,
    },
    /// A write succeeded; `fresh` is the written ticket as it is now (its Detail and the
    /// actor's drafts), so the app shows it without asking again.
    Written {
        message: String,
        ticket_id: Option<i64>,
        fresh: Option<(Box<crate::store::TicketDetail>, Vec<String>)>,
    },
    Draft {
        ticket_id: i64,
        kind: EntryKind,
        body: Option<String>,
    },
    /// A write was refused or failed; `conflict` means someone else changed the ticket.
    Failed {
        message: String,
        conflict: bool,
        ticket_id: Option<i64>,
    },
    /// Customers wrote on these tickets (newest first), delivered by another process.
    CustomerWrote(Vec<crate::store::CustomerEntry>),
    /// Another process changed the database.
    ExternalChange,
    /// The database server went away (`Some`: why; the database thread keeps trying) or is
    /// back (`None`: everything reloads; drafts that could not be saved are saved then).
    Connection(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Running,
    AtRisk,
    Breached,
    /// Answered, but after the first-response due instant: breached, and shown as such
    /// (`‼ met late +00:52`), never as met.
    MetLate,
    Paused,
    Met,
    Done,
    NoTarget,
}

/// A queue row's SLA state from its stored instants: no engine call per row per tick.
///
/// A running clock outranks a paused one: `pending` pauses the next-response and resolution
/// clocks, never the first response, so a pending ticket not yet answered still counts down.
pub fn row_state(t: &Ticket, now: DateTime<Utc>) -> RowState {
    if t.status.is_done() {
        return RowState::Done;
    }
    match t.next_due {
        Some(due) if due < now => RowState::Breached,
        // A breach already on record (a late answer, or one kept through a later change)
        // outranks a clock that still runs: the row is what the breached filter lists.
        _ if t.breached && late_by_seconds(t).is_some() => RowState::MetLate,
        _ if t.breached => RowState::Breached,
        Some(_) if t.risk_at.is_some_and(|r| r <= now) => RowState::AtRisk,
        Some(_) => RowState::Running,
        None if t.paused_seconds_left.is_some() => RowState::Paused,
        None if t.first_response_at.is_some() => RowState::Met,
        None => RowState::NoTarget,
    }
}

/// The time-left column every list shows for a ticket in `state` (queue, CLI): wall time to
/// the due instant of the running clock, `met late +HH:MM`, `breached`, `met`, …
pub fn time_left_text(
    lang: crate::i18n::Lang,
    t: &Ticket,
    state: RowState,
    now: DateTime<Utc>,
) -> String {
    match state {
        // A breach on record with no clock overdue now (kept through a later change).
        RowState::Breached if t.next_due.is_none_or(|d| d >= now) => lang.t("left-breached"),
        RowState::MetLate => met_late_label(lang, t).unwrap_or_default(),
        RowState::Breached | RowState::AtRisk | RowState::Running => t
            .next_due
            .map(|d| crate::domain::format_countdown(crate::sla::seconds_until(d, now)))
            .unwrap_or_default(),
        // The paused symbol is the row's own (its first column); the countdown stands still.
        RowState::Paused => t
            .paused_seconds_left
            .map(crate::domain::format_countdown)
            .unwrap_or_default(),
        RowState::Met => lang.t("left-met"),
        RowState::Done => lang.word("status", t.status.as_str()),
        RowState::NoTarget => lang.t("left-no-target"),
    }
}

/// How late the first response came, in seconds, when it came after its due instant.
pub fn late_by_seconds(t: &Ticket) -> Option<i64> {
    let (Some(at), Some(due)) = (t.first_response_at, t.first_response_due) else {
        return None;
    };
    (at > due).then(|| (at - due).num_seconds())
}

/// `met late +00:52` (hours and minutes, rounded up), for a first response after its due
/// instant.
pub fn met_late_label(lang: crate::i18n::Lang, t: &Ticket) -> Option<String> {
    late_label_with(lang, t, "met-late")
}

/// [`met_late_label`] in fewer columns, for a narrow queue ("late +00:07").
pub fn met_late_short(lang: crate::i18n::Lang, t: &Ticket) -> Option<String> {
    late_label_with(lang, t, "met-late-short")
}

/// How late the first response was, in whole minutes rounded up, in the wording `key` names.
fn late_label_with(lang: crate::i18n::Lang, t: &Ticket, key: &str) -> Option<String> {
    late_by_seconds(t).map(|s| {
        let mins = (s.max(0) + 59) / 60;
        crate::tr!(
            lang,
            key,
            time = format!("+{:02}:{:02}", mins / 60, mins % 60)
        )
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickPurpose {
    Status(i64, i64),
    Severity(i64, i64),
    /// Every marked ticket (`space`/`V`), after a confirmation.
    BulkStatus,
    BulkSeverity,
    Filter,
    CompleteOrder(i64),
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    pub items: Vec<(String, String)>,
    pub selected: usize,
    pub purpose: PickPurpose,
    /// Why an item cannot be chosen here (shown greyed out), parallel to `items`.
    pub disabled: Vec<Option<String>>,
    /// Said when the ticket changed while the picker was open.
    pub notice: Option<String>,
}

impl Picker {
    pub fn new(
        title: String,
        items: Vec<(String, String)>,
        selected: usize,
        purpose: PickPurpose,
    ) -> Picker {
        Picker {
            title,
            items,
            selected,
            purpose,
            disabled: Vec::new(),
            notice: None,
        }
    }

    pub fn disabled_reason(&self, i: usize) -> Option<&str> {
        self.disabled.get(i).and_then(|d| d.as_deref())
    }
}

/// `a`: assign the ticket to someone, with completion from the engineers seen before.
#[derive(Debug, Clone)]
pub struct AssignForm {
    pub ticket_id: i64,
    pub version: i64,
    pub summary: String,
    pub input: String,
    /// Set after Enter on a name never seen before: Enter again assigns anyway.
    pub confirm_unknown: bool,
    pub notice: Option<String>,
    /// Assigns every marked ticket (after a confirmation) instead of `ticket_id`.
    pub bulk: bool,
}

impl AssignForm {
    /// Known names starting with what was typed (all of them when nothing is).
    pub fn matches<'a>(&self, known: &'a [String]) -> Vec<&'a str> {
        let typed = self.input.trim().to_lowercase();
        known
            .iter()
            .filter(|k| k.to_lowercase().starts_with(&typed))
            .map(String::as_str)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Editor {
    pub ticket_id: i64,
    /// The ticket's summary, for the title (so the reply goes where the user thinks).
    pub summary: String,
    /// The ticket's version when the editor opened; a newer one is announced in `notice`.
    pub version: i64,
    pub notice: Option<String>,
    pub kind: EntryKind,
    pub textarea: TextArea<'static>,
    pub confirm_discard: bool,
    pub restored: bool,
}

impl Editor {
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }
    fn draft_kind(&self) -> &'static str {
        self.kind.as_str()
    }
}

#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    Help {
        scroll: u16,
    },
    Search {
        input: String,
    },
    Palette {
        input: String,
        selected: usize,
    },
    Pick(Picker),
    /// `y` applies a change to every marked ticket.
    ConfirmBulk(Box<BulkConfirm>),
    /// `r` on a ticket someone else is writing on: `y` replies anyway.
    ConfirmReply {
        ticket_id: i64,
        who: String,
    },
    /// `w` in Detail: save one of the ticket's attachments to a file.
    SaveAttachment(Box<SaveAttachmentForm>),
    /// The canned-reply picker over the editor (`Ctrl-T`).
    Templates(Box<TemplatePicker>),
    Assign(Box<AssignForm>),
    /// `T`: tags for one ticket or the marked ones.
    Tag(Box<TagForm>),
    /// `M`: which ticket to merge the selected one into.
    MergeTarget(Box<MergeForm>),
    /// `y` merges, naming both tickets.
    ConfirmMerge(Box<MergeConfirm>),
    /// Quit asked while something is unsent: `y` quits, any other key stays.
    ConfirmQuit {
        reason: String,
    },
    Editor(Box<Editor>),
    NewTicket(Box<NewTicketForm>),
    NewOrder(Box<NewOrderForm>),
    RateOrder(Box<RateForm>),
    RejectOrder {
        order_id: i64,
        input: String,
    },
    FileTriage(Box<FileTriageForm>),
    DiscardTriage {
        item_id: i64,
        input: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct QueueState {
    pub tickets: Vec<Ticket>,
    pub keys: Vec<SortKey>,
    pub selected: usize,
    pub selected_id: Option<i64>,
    pub total: i64,
    pub filter: TicketFilter,
    pub sort: TicketSort,
    pub search: Option<String>,
    /// The search's hits are the best of the newest matches only (more matched).
    pub search_bounded: bool,
    /// More tickets matched than the [`SEARCH_SHOWN`] listed: the count is not a total.
    pub search_more: bool,
    /// Rows that fit in the pane; the window loaded is this many.
    pub height: usize,
}

pub struct App {
    pub me: String,
    pub db_label: String,
    pub policies: Arc<PolicyRegistry>,
    pub keymap: Keymap,
    pub focus: Pane,
    pub mode: Mode,
    pub view: View,
    pub orders: OrdersState,
    pub report: ReportState,
    pub triage: TriageState,
    pub queue: QueueState,
    pub detail: Option<TicketDetail>,
    pub detail_drafts: Vec<String>,
    pub detail_scroll: u16,
    pub sla_items: Vec<SlaItem>,
    pub sla_metrics: Vec<Option<MetricStatus>>,
    pub sla_height: usize,
    pub counts: UrgencyCounts,
    pub orgs: Vec<Organization>,
    pub message: Option<(String, bool)>,
    /// The database server is unreachable and the database thread is reconnecting: the
    /// header says so; typed text stays in the editor and the drafts are saved on reconnect.
    pub offline: Option<String>,
    pub flash_until: HashMap<i64, DateTime<Utc>>,
    pub header_flash_until: Option<DateTime<Utc>>,
    pub bell_enabled: bool,
    /// Set when the terminal bell should ring on the next draw.
    pub ring_bell: bool,
    /// Desktop notifications through the terminal (OSC 9 / 777), off by default.
    pub notify: NotifyStyle,
    /// Notifications to send on the next draw, as escape sequences ready to write.
    pub notifications: Vec<String>,
    pub no_color: bool,
    /// The language of every word on screen (resolved once at start).
    pub lang: crate::i18n::Lang,
    /// The palette (`NO_COLOR` wins over it).
    pub theme: ThemeChoice,
    /// Everyone else here (their TUIs' heartbeats).
    pub others: Vec<crate::store::Presence>,
    /// The heartbeat last sent: (ticket shown, writing on it).
    presence_sent: Option<(Option<i64>, bool)>,
    /// The undo window in seconds (0: replies, resolves and reassignments apply at once).
    pub undo_seconds: u64,
    /// This engineer's actions in their undo window.
    pub pending: Vec<PendingView>,
    /// Tickets marked for a bulk change: id → the version they were seen at.
    pub marks: std::collections::BTreeMap<i64, i64>,
    mark_anchor: Option<i64>,
    /// The bulk change on its way, if one is.
    pub bulk: Option<BulkProgress>,
    pub now: DateTime<Utc>,
    pub quit: bool,
    /// Set when something on screen changed and a redraw is due.
    pub dirty: bool,
    breached_seen: HashSet<i64>,
    pending_select: Option<Select>,
    /// The engineer's own zone for clock and dates (the customer's lives on each org).
    pub local_offset: chrono::FixedOffset,
    /// The engineer's IANA zone when known, so times can say `CET` rather than `+01:00`.
    pub local_tz: Option<chrono_tz::Tz>,
    /// Clock seconds per real second (the demo's `--speed`); shown in the header when not 1.
    pub clock_speed: f64,
    /// The SLA pane's selected row, in the order the pane shows them.
    pub sla_selected: usize,
    /// Everyone who has held or changed a ticket: `a` completes from these.
    pub known_engineers: Vec<String>,
    /// Text for the terminal's clipboard (OSC 52), written on the next draw.
    pub clipboard: Option<String>,
    /// The editor's text, to be composed in `$EDITOR` by the event loop.
    pub external_edit: Option<String>,
    /// Writes sent and not yet answered (quit asks first while there are any).
    pending_writes: usize,
    /// Drafts typed in this session and neither sent nor discarded.
    unsent_drafts: HashSet<(i64, EntryKind)>,
    /// A ticket asked for in Detail (SLA pane, by number) that has not arrived yet: actions
    /// wait for it rather than act on the ticket still shown.
    opening: Option<i64>,
}

impl App {
    pub fn new(
        me: String,
        db_label: String,
        policies: Arc<PolicyRegistry>,
        keymap: Keymap,
        now: DateTime<Utc>,
    ) -> App {
        App {
            me,
            db_label,
            policies,
            keymap,
            focus: Pane::Queue,
            mode: Mode::Normal,
            view: View::Tickets,
            orders: OrdersState::default(),
            report: ReportState {
                month: YearMonth::of(now.date_naive()),
                report: None,
                loading: false,
                scroll: 0,
            },
            triage: TriageState::default(),
            queue: QueueState {
                height: 10,
                ..Default::default()
            },
            detail: None,
            detail_drafts: Vec::new(),
            detail_scroll: 0,
            sla_items: Vec::new(),
            sla_metrics: Vec::new(),
            sla_height: 5,
            counts: UrgencyCounts::default(),
            orgs: Vec::new(),
            message: None,
            offline: None,
            flash_until: HashMap::new(),
            header_flash_until: None,
            bell_enabled: true,
            ring_bell: false,
            notify: NotifyStyle::Off,
            notifications: Vec::new(),
            no_color: false,
            lang: crate::i18n::Lang::En,
            theme: ThemeChoice::Dark,
            others: Vec::new(),
            presence_sent: None,
            undo_seconds: 0,
            pending: Vec::new(),
            marks: Default::default(),
            mark_anchor: None,
            bulk: None,
            now,
            quit: false,
            dirty: true,
            breached_seen: HashSet::new(),
            pending_select: None,
            local_offset: chrono::Offset::fix(&Utc),
            local_tz: None,
            clock_speed: 1.0,
            sla_selected: 0,
            known_engineers: Vec::new(),
            clipboard: None,
            external_edit: None,
            pending_writes: 0,
            unsent_drafts: HashSet::new(),
            opening: None,
        }
    }

    /// What to load when the TUI starts.
    pub fn start(&mut self) -> Vec<Request> {
        vec![
            self.queue_request(Anchor::Top),
            Request::Sla {
                limit: self.sla_limit(),
            },
            Request::Counts,
            Request::Orgs,
            Request::Engineers,
        ]
    }

    /// What every change reloads: the queue window, the header counts and the SLA pane.
    fn reload_lists(&mut self) -> Vec<Request> {
        vec![
            self.reload_queue(),
            Request::Counts,
            Request::Sla {
                limit: self.sla_limit(),
            },
        ]
    }

    pub fn selected_ticket(&self) -> Option<&Ticket> {
        self.queue.tickets.get(self.queue.selected)
    }

    fn queue_request(&self, anchor: Anchor) -> Request {
        match &self.queue.search {
            Some(q) => Request::Search {
                query: q.clone(),
                limit: SEARCH_SHOWN + 1,
            },
            None => Request::Queue {
                filter: self.queue.filter.clone(),
                sort: self.queue.sort,
                anchor,
                limit: self.queue.height.max(1),
            },
        }
    }

    /// Reloads the queue keeping the same ticket selected at the same screen row.
    fn reload_queue(&self) -> Request {
        match self.queue.selected_id {
            Some(id) => self.queue_request(Anchor::Around {
                id,
                above: self.queue.selected,
            }),
            None => self.queue_request(Anchor::Top),
        }
    }

    /// An instant in the engineer's zone, saying which: `2026-11-26 05:57 CET`.
    pub fn local_time(&self, t: DateTime<Utc>, format: &str) -> String {
        match self.local_tz {
            Some(tz) => {
                let local = t.with_timezone(&tz);
                format!("{} {}", local.format(format), local.format("%Z"))
            }
            None => {
                let local = t.with_timezone(&self.local_offset);
                let zone = if self.local_offset.local_minus_utc() == 0 {
                    "UTC".to_string()
                } else {
                    format!("UTC{}", local.format("%:z"))
                };
                format!("{} {zone}", local.format(format))
            }
        }
    }

    /// The engineer's zone's name for "your time" (`CET`, or `UTC+01:00` when unnamed).
    pub fn local_zone_label(&self) -> String {
        let t = self.local_time(self.now, "");
        t.trim().to_string()
    }

    pub fn set_message(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some((text.into(), error));
        self.dirty = true;
    }

    /// How many of the most urgent running targets the SLA pane loads: more than fit, so
    /// its selection can reach past the rows on screen (the pane scrolls to it).
    fn sla_limit(&self) -> usize {
        self.sla_height.max(SLA_LOADED)
    }

    /// The pane sizes the UI measured; a change reloads windows of the right size.
    pub fn resize(&mut self, queue_rows: usize, sla_rows: usize) -> Vec<Request> {
        let mut out = Vec::new();
        if queue_rows != self.queue.height {
            self.queue.height = queue_rows.max(1);
            out.push(self.reload_queue());
        }
        if sla_rows != self.sla_height {
            self.sla_height = sla_rows.max(1);
            out.push(Request::Sla {
                limit: self.sla_limit(),
            });
        }
        self.dirty = true;
        out
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Request> {
        self.dirty = true;
        // A message answers the last thing done; the next key moves on from it.
        self.message = None;
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        // Ctrl-C backs out of whatever is open exactly as Esc does (with the same discard
        // question); in the queue it is the keymap's quit.
        let key = if ctrl_c && !matches!(self.mode, Mode::Normal | Mode::ConfirmQuit { .. }) {
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)
        } else {
            key
        };
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {
                let actions = self.keymap.actions_for(&key).to_vec();
                match actions.into_iter().find(|a| self.applies(*a)) {
                    Some(action) => self.perform(action),
                    None => Vec::new(),
                }
            }
            Mode::ConfirmQuit { reason } => {
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) || ctrl_c {
                    self.quit = true;
                    return self.quit_requests();
                } else {
                    let _ = reason;
                    self.set_message(self.lang.t("app-still-here"), false);
                }
                Vec::new()
            }
            Mode::Help { scroll } => {
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.mode = Mode::Help {
                            scroll: scroll.saturating_add(1),
                        }
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.mode = Mode::Help {
                            scroll: scroll.saturating_sub(1),
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Search { mut input } => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => {
                    if input.trim().is_empty() {
                        return self.clear_search();
                    }
                    self.queue.search = Some(input.clone());
                    self.queue.search_bounded = false;
                    self.queue.search_more = false;
                    self.queue.selected = 0;
                    self.queue.selected_id = None;
                    self.focus = Pane::Queue;
                    // Until the hits arrive; Esc cancels the running search.
                    self.set_message(self.lang.t("app-searching"), false);
                    vec![Request::Search {
                        query: input,
                        limit: SEARCH_SHOWN + 1,
                    }]
                }
                _ => {
                    edit_line(&mut input, &key);
                    self.mode = Mode::Search { input };
                    Vec::new()
                }
            },
            Mode::Palette {
                mut input,
                mut selected,
            } => {
                let matches = palette_matches(self.lang, &input);
                match key.code {
                    KeyCode::Esc => Vec::new(),
                    KeyCode::Enter => match ticket_number(&input) {
                        Some(id) => self.show_ticket(id),
                        None => match matches.get(selected) {
                            Some(a) => self.perform(*a),
                            None => Vec::new(),
                        },
                    },
                    KeyCode::Down => {
                        selected = (selected + 1).min(matches.len().saturating_sub(1));
                        self.mode = Mode::Palette { input, selected };
                        Vec::new()
                    }
                    KeyCode::Up => {
                        selected = selected.saturating_sub(1);
                        self.mode = Mode::Palette { input, selected };
                        Vec::new()
                    }
                    _ => {
                        edit_line(&mut input, &key);
                        self.mode = Mode::Palette { input, selected: 0 };
                        Vec::new()
                    }
                }
            }
            Mode::Pick(mut p) => match key.code {
                KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
                KeyCode::Down | KeyCode::Char('j') => {
                    p.selected = (p.selected + 1).min(p.items.len().saturating_sub(1));
                    self.mode = Mode::Pick(p);
                    Vec::new()
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    p.selected = p.selected.saturating_sub(1);
                    self.mode = Mode::Pick(p);
                    Vec::new()
                }
                KeyCode::Enter => {
                    if let Some(why) = p.disabled_reason(p.selected) {
                        let why = why.to_string();
                        self.mode = Mode::Pick(p);
                        self.set_message(why, true);
                        return Vec::new();
                    }
                    self.picked(p)
                }
                _ => {
                    self.mode = Mode::Pick(p);
                    Vec::new()
                }
            },
            Mode::Assign(form) => self.assign_key(form, key),
            Mode::Tag(form) => self.tag_key(form, key),
            Mode::MergeTarget(form) => self.merge_target_key(form, key),
            Mode::ConfirmMerge(c) => self.confirm_merge_key(&c, key),
            Mode::Editor(editor) => self.editor_key(editor, key),
            Mode::Templates(picker) => self.template_key(picker, key),
            Mode::ConfirmBulk(c) => self.confirm_bulk_key(&c, key),
            Mode::SaveAttachment(f) => self.save_attachment_key(f, key),
            Mode::ConfirmReply { ticket_id, .. } => self.confirm_reply_key(ticket_id, key),
            Mode::NewTicket(form) => self.form_key(form, key),
            Mode::NewOrder(form) => self.order_form_key(form, key),
            Mode::RateOrder(form) => self.rate_form_key(form, key),
            Mode::RejectOrder { order_id, input } => self.reject_key(order_id, input, key),
            Mode::FileTriage(form) => self.file_triage_key(form, key),
            Mode::DiscardTriage { item_id, input } => self.discard_triage_key(item_id, input, key),
        }
    }

    /// Whether an action means anything here (a key bound to several runs the first that does).
    fn applies(&self, action: Action) -> bool {
        match action {
            Action::NextHit | Action::PrevHit => {
                self.view == View::Tickets && self.queue.search.is_some()
            }
            _ => true,
        }
    }

    fn assign_key(&mut self, mut form: Box<AssignForm>, key: KeyEvent) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Tab => {
                // Complete to the longest common prefix of the known names that match.
                let matches = form.matches(&self.known_engineers);
                if let Some(first) = matches.first() {
                    let mut common: String = first.to_string();
                    for m in &matches[1..] {
                        let n = common
                            .chars()
                            .zip(m.chars())
                            .take_while(|(a, b)| a == b)
                            .count();
                        common = common.chars().take(n).collect();
                    }
                    if common.chars().count() >= form.input.trim().chars().count() {
                        form.input = common;
                    }
                }
                form.confirm_unknown = false;
                self.mode = Mode::Assign(form);
                Vec::new()
            }
            KeyCode::Enter => {
                let who = form.input.trim().to_string();
                let unassign = who.is_empty() || who == "-";
                let known = self.known_engineers.contains(&who) || who == self.me;
                if !unassign && !known && !form.confirm_unknown {
                    form.confirm_unknown = true;
                    let msg =
                        crate::tr!(self.lang, "app-unknown-assignee", who = format!("{who:?}"));
                    self.mode = Mode::Assign(form);
                    self.set_message(msg, true);
                    return Vec::new();
                }
                let change = TicketChange::Assign(if unassign { None } else { Some(who) });
                if form.bulk {
                    return self.bulk_confirm(change);
                }
                vec![self.change_request(form.ticket_id, change, form.version)]
            }
            _ => {
                edit_line(&mut form.input, &key);
                form.confirm_unknown = false;
                self.mode = Mode::Assign(form);
                Vec::new()
            }
        }
    }

    /// Text pasted at once (bracketed paste): whole into the editor, one line into a
    /// one-line field (newlines become spaces, so nothing spills into the next field).
    pub fn handle_paste(&mut self, text: &str) -> Vec<Request> {
        self.dirty = true;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let one_line = |input: &mut String| orders::paste_one_line(input, &text, 200);
        match &mut self.mode {
            Mode::Editor(e) if !e.confirm_discard => {
                e.textarea.insert_str(&text);
                let req = Request::SaveDraft {
                    ticket_id: e.ticket_id,
                    kind: e.draft_kind().into(),
                    body: e.text(),
                };
                self.unsent_drafts.insert((e.ticket_id, e.kind));
                vec![req]
            }
            Mode::NewTicket(f) => {
                f.paste(&text);
                Vec::new()
            }
            Mode::NewOrder(f) => {
                f.paste(&text);
                Vec::new()
            }
            Mode::RateOrder(f) => {
                f.paste(&text);
                Vec::new()
            }
            Mode::Search { input }
            | Mode::Palette { input, .. }
            | Mode::RejectOrder { input, .. }
            | Mode::DiscardTriage { input, .. } => {
                one_line(input);
                Vec::new()
            }
            Mode::Assign(form) => {
                one_line(&mut form.input);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// `$EDITOR` returned: its text replaces the editor's, and the draft is saved.
    pub fn external_edit_done(&mut self, result: Result<String, String>) -> Vec<Request> {
        self.dirty = true;
        let Mode::Editor(e) = &mut self.mode else {
            return Vec::new();
        };
        match result {
            Ok(text) => {
                let text = text
                    .strip_suffix('\n')
                    .unwrap_or(&text)
                    .replace("\r\n", "\n");
                let mut textarea = TextArea::new(text.split('\n').map(str::to_string).collect());
                textarea.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
                textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
                textarea.move_cursor(ratatui_textarea::CursorMove::End);
                e.textarea = textarea;
                let req = Request::SaveDraft {
                    ticket_id: e.ticket_id,
                    kind: e.draft_kind().into(),
                    body: e.text(),
                };
                self.unsent_drafts.insert((e.ticket_id, e.kind));
                self.set_message(self.lang.t("app-external-editor-done"), false);
                vec![req]
            }
            Err(why) => {
                self.set_message(
                    crate::tr!(
                        self.lang,
                        "app-external-editor-failed",
                        why = why.to_string()
                    ),
                    true,
                );
                Vec::new()
            }
        }
    }

    fn clear_search(&mut self) -> Vec<Request> {
        self.queue.search = None;
        self.queue.selected = 0;
        // A search still running is stopped, so the queue comes back at once.
        vec![self.reload_queue(), Request::CancelSearch]
    }

    /// Runs a named action (from a key or the palette).
    pub fn perform(&mut self, action: Action) -> Vec<Request> {
        self.dirty = true;
        if let Some(requests) = self.triage_action(action) {
            return requests;
        }
        if let Some(requests) = self.order_action(action) {
            return requests;
        }
        match action {
            Action::Quit => {
                match self.unsent_reason() {
                    Some(reason) => self.mode = Mode::ConfirmQuit { reason },
                    None => self.quit = true,
                }
                Vec::new()
            }
            Action::Help => {
                self.mode = Mode::Help { scroll: 0 };
                Vec::new()
            }
            Action::Palette => {
                self.mode = Mode::Palette {
                    input: String::new(),
                    selected: 0,
                };
                Vec::new()
            }
            Action::GoTo => {
                self.mode = Mode::Palette {
                    input: "#".into(),
                    selected: 0,
                };
                Vec::new()
            }
            Action::NextPane => self.set_focus(match self.focus {
                Pane::Queue => Pane::Detail,
                Pane::Detail => Pane::Sla,
                Pane::Sla => Pane::Queue,
            }),
            Action::PrevPane => self.set_focus(match self.focus {
                Pane::Queue => Pane::Sla,
                Pane::Detail => Pane::Queue,
                Pane::Sla => Pane::Detail,
            }),
            Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom => self.navigate(action),
            Action::Open => {
                if self.focus == Pane::Sla {
                    // The SLA pane's selected ticket goes to Detail, and the queue selects it
                    // too, so every action acts on the ticket shown.
                    let order = self.sla_order();
                    let pick = order
                        .get(self.sla_selected.min(order.len().saturating_sub(1)))
                        .and_then(|&i| self.sla_items.get(i))
                        .map(|item| item.ticket.id);
                    return match pick {
                        Some(id) => self.show_ticket(id),
                        None => Vec::new(),
                    };
                }
                self.focus = Pane::Detail;
                self.selected_ticket()
                    .map(|t| vec![Request::Detail(t.id)])
                    .unwrap_or_default()
            }
            Action::Back => {
                if !self.marks.is_empty() {
                    self.clear_marks();
                    Vec::new()
                } else if self.focus != Pane::Queue {
                    self.set_focus(Pane::Queue)
                } else if self.queue.search.is_some() {
                    self.clear_search()
                } else {
                    Vec::new()
                }
            }
            Action::Search => {
                self.mode = Mode::Search {
                    input: self.queue.search.clone().unwrap_or_default(),
                };
                Vec::new()
            }
            Action::NextHit | Action::PrevHit => {
                let n = self.queue.tickets.len();
                if n == 0 {
                    self.set_message(self.lang.t("app-no-hits"), true);
                    return Vec::new();
                }
                let i = self.queue.selected;
                let next = if action == Action::NextHit {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.select(next);
                let wrapped = next < i && action == Action::NextHit;
                self.set_message(
                    if wrapped {
                        crate::tr!(self.lang, "app-hit-wrapped", i = next + 1, n = n)
                    } else {
                        crate::tr!(self.lang, "app-hit", i = next + 1, n = n)
                    },
                    false,
                );
                self.set_focus(Pane::Queue);
                self.selected_ticket()
                    .map(|t| vec![Request::Detail(t.id)])
                    .unwrap_or_default()
            }
            Action::CopyRef => {
                if let Some(t) = self.current_ticket() {
                    let line = format!("#{} {}", t.id, crate::text::sanitize_line(&t.summary));
                    self.clipboard = Some(line.clone());
                    self.set_message(crate::tr!(self.lang, "app-copied", line = line), false);
                } else {
                    self.no_ticket_message();
                }
                Vec::new()
            }
            Action::Filter => {
                self.mode = Mode::Pick(self.filter_picker());
                Vec::new()
            }
            Action::CycleSort => {
                let i = TicketSort::ALL
                    .iter()
                    .position(|s| *s == self.queue.sort)
                    .unwrap_or(0);
                self.queue.sort = TicketSort::ALL[(i + 1) % TicketSort::ALL.len()];
                self.queue.search = None;
                // The same ticket if the new order's first page holds it, else its first
                // ticket: never whichever ticket lands on the old row number.
                self.pending_select = Some(Select::KeepOrFirst);
                self.set_message(
                    crate::tr!(
                        self.lang,
                        "app-sorted",
                        sort = self.lang.word("sort", self.queue.sort.as_str())
                    ),
                    false,
                );
                vec![self.queue_request(Anchor::Top)]
            }
            Action::Undo => self.undo_newest(),
            Action::Refresh => {
                let mut out = self.reload_lists();
                out.push(Request::Engineers);
                out
            }
            Action::Claim => {
                let reqs = self.with_ticket(|t| vec![Request::Claim(t.id)]);
                self.pending_writes += reqs.len();
                reqs
            }
            Action::SaveAttachment if self.view == View::Tickets => self.begin_save_attachment(),
            Action::SaveAttachment => Vec::new(),
            Action::Mark if self.view == View::Tickets => self.toggle_mark(),
            Action::MarkRange if self.view == View::Tickets => self.mark_range(),
            Action::Mark | Action::MarkRange => Vec::new(),
            Action::Tag => self.begin_tag(),
            Action::Merge => self.begin_merge(),
            Action::Assign | Action::ChangeStatus | Action::ChangeSeverity
                if !self.marks.is_empty() && self.view == View::Tickets =>
            {
                self.bulk_begin(action)
            }
            Action::Assign => {
                if let Some(t) = self.current_ticket().cloned() {
                    self.mode = Mode::Assign(Box::new(AssignForm {
                        ticket_id: t.id,
                        version: t.version,
                        summary: t.summary.clone(),
                        input: t.assignee.clone().unwrap_or_default(),
                        confirm_unknown: false,
                        notice: None,
                        bulk: false,
                    }));
                    return vec![Request::Engineers];
                }
                self.no_ticket_message();
                Vec::new()
            }
            Action::ChangeStatus => {
                if let Some(t) = self.current_ticket().cloned() {
                    let items = Status::ALL
                        .iter()
                        .map(|s| (self.lang.word("status", s.as_str()), s.as_str().to_string()))
                        .collect::<Vec<_>>();
                    let selected = Status::ALL.iter().position(|s| *s == t.status).unwrap_or(0);
                    self.mode = Mode::Pick(Picker::new(
                        crate::tr!(self.lang, "app-status-of", id = t.id, summary = &t.summary),
                        items,
                        selected,
                        PickPurpose::Status(t.id, t.version),
                    ));
                } else {
                    self.no_ticket_message();
                }
                Vec::new()
            }
            Action::ChangeSeverity => {
                if let Some(t) = self.current_ticket().cloned() {
                    let Some((levels, disabled)) = self.severity_choices(&t) else {
                        self.set_message(self.lang.t("app-severities-loading"), true);
                        return Vec::new();
                    };
                    let selected = levels.iter().position(|s| *s == t.severity).unwrap_or(0);
                    let mut picker = Picker::new(
                        crate::tr!(
                            self.lang,
                            "app-severity-of",
                            id = t.id,
                            summary = &t.summary
                        ),
                        levels
                            .iter()
                            .map(|s| (self.lang.word("severity", s), s.clone()))
                            .collect(),
                        selected,
                        PickPurpose::Severity(t.id, t.version),
                    );
                    picker.disabled = disabled;
                    self.mode = Mode::Pick(picker);
                } else {
                    self.no_ticket_message();
                }
                Vec::new()
            }
            Action::Reply | Action::Note => {
                let kind = if action == Action::Reply {
                    EntryKind::Reply
                } else {
                    EntryKind::Note
                };
                match self.current_ticket().map(|t| t.id) {
                    Some(id) => self.reply_with_presence_check(id, kind),
                    None => self.with_ticket(|_| Vec::new()),
                }
            }
            Action::NewTicket => {
                self.mode = Mode::NewTicket(Box::default());
                vec![Request::Orgs]
            }
            // Handled by `triage_action` and `order_action` (views, their actions, months).
            Action::ShowTriage
            | Action::FileTriage
            | Action::DiscardTriage
            | Action::ShowOrders
            | Action::ShowReport
            | Action::CompleteOrder
            | Action::RejectOrder
            | Action::RateOrder
            | Action::PrevMonth
            | Action::NextMonth => Vec::new(),
        }
    }

    /// Levels of the ticket's policy set, and why each one the ticket's kind cannot have is
    /// not offered (billing tickets are never S1 under Connected Care, for one).
    fn severity_choices(&self, t: &Ticket) -> Option<(Vec<String>, Vec<Option<String>>)> {
        let org = self.orgs.iter().find(|o| o.id == t.org_id)?;
        let set = self.policies.get(&org.policy_set)?;
        if set.severities.is_empty() {
            return None;
        }
        let plan = set.effective_plan(org.plan_for_tickets(), org.local_date(self.now));
        let disabled = set
            .severities
            .iter()
            .map(|s| {
                crate::policy::rules::validate_kind_severity(set, &org.name, plan, t.kind, s)
                    .err()
                    .map(|e| e.to_string())
            })
            .collect();
        Some((set.severities.clone(), disabled))
    }

    /// Why quitting now would leave something behind, if it would.
    fn unsent_reason(&self) -> Option<String> {
        if self.pending_writes > 0 {
            return Some(self.lang.t("app-still-saving"));
        }
        if let Some(reason) = self.pending_quit_reason() {
            return Some(reason);
        }
        let lang = self.lang;
        let draft = |kind: &str, id: i64| {
            crate::tr!(
                lang,
                "app-draft-on",
                kind = lang.word("entry", kind),
                id = id
            )
        };
        let mut drafts: Vec<String> = self
            .unsent_drafts
            .iter()
            .map(|(id, kind)| draft(kind.as_str(), *id))
            .collect();
        if let Some(t) = self.detail.as_ref().and_then(|d| d.ticket.as_ref()) {
            for kind in &self.detail_drafts {
                let d = draft(kind, t.id);
                if !drafts.contains(&d) {
                    drafts.push(d);
                }
            }
        }
        drafts.sort();
        (!drafts.is_empty()).then(|| {
            crate::tr!(
                lang,
                "app-unsent-drafts",
                n = drafts.len(),
                drafts = drafts.join(", ")
            )
        })
    }

    /// Shows ticket `id` in Detail and moves the queue's selection to it, so the queue, the
    /// Detail pane and every action agree on one ticket.
    pub fn show_ticket(&mut self, id: i64) -> Vec<Request> {
        self.focus = Pane::Detail;
        if self.shown_id() != Some(id) {
            self.opening = Some(id);
        }
        self.detail_scroll = 0;
        let mut out = vec![Request::Detail(id)];
        match self.queue.tickets.iter().position(|t| t.id == id) {
            Some(i) => self.select(i),
            None => {
                // Not in the loaded window: load the window around it (when the filter shows
                // it at all; otherwise Detail still shows it and actions still target it).
                self.queue.selected_id = Some(id);
                if self.queue.search.is_none() {
                    out.push(self.reload_queue());
                }
            }
        }
        out
    }

    /// Moves the focus; back in the queue, Detail shows the queue's selection again.
    fn set_focus(&mut self, pane: Pane) -> Vec<Request> {
        self.focus = pane;
        if pane != Pane::Queue {
            return Vec::new();
        }
        self.opening = None;
        let selected = self.selected_ticket().map(|t| t.id);
        match selected {
            Some(id) if Some(id) != self.shown_id() => vec![Request::Detail(id)],
            _ => Vec::new(),
        }
    }

    fn shown_id(&self) -> Option<i64> {
        self.detail
            .as_ref()
            .and_then(|d| d.ticket.as_ref())
            .map(|t| t.id)
    }

    /// The ticket actions apply to: the one shown in Detail. In the queue Detail follows the
    /// selection, so there it is the selected row (even before its Detail has arrived).
    pub fn current_ticket(&self) -> Option<&Ticket> {
        if self.opening.is_some() && self.focus != Pane::Queue {
            return None;
        }
        match (&self.detail, self.focus) {
            (_, Pane::Queue) | (None, _) => self.selected_ticket(),
            (Some(d), _) => d.ticket.as_ref().or_else(|| self.selected_ticket()),
        }
    }

    /// The SLA pane's rows: breached first (longest overdue on top), then by time left.
    pub fn sla_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.sla_items.len())
            .filter(|&i| matches!(self.sla_metrics.get(i), Some(Some(_))))
            .collect();
        order.sort_by_key(|&i| {
            self.sla_metrics
                .get(i)
                .and_then(|m| m.as_ref())
                .and_then(|m| m.remaining_seconds)
                .unwrap_or(i64::MAX)
        });
        order
    }

    fn with_ticket(&mut self, f: impl FnOnce(&Ticket) -> Vec<Request>) -> Vec<Request> {
        match self.current_ticket() {
            Some(t) => f(t),
            None => {
                self.no_ticket_message();
                Vec::new()
            }
        }
    }

    pub(super) fn no_ticket_message(&mut self) {
        let msg = match self.opening {
            Some(id) if self.focus != Pane::Queue => {
                crate::tr!(self.lang, "app-still-loading", id = id)
            }
            _ => self.lang.t("app-no-ticket"),
        };
        self.set_message(msg, true);
    }

    pub(super) fn navigate(&mut self, action: Action) -> Vec<Request> {
        if self.focus == Pane::Detail {
            self.detail_scroll = match action {
                Action::MoveDown => self.detail_scroll.saturating_add(1),
                Action::MoveUp => self.detail_scroll.saturating_sub(1),
                Action::PageDown => self.detail_scroll.saturating_add(10),
                Action::PageUp => self.detail_scroll.saturating_sub(10),
                Action::Top => 0,
                _ => self.detail_scroll.saturating_add(1000),
            };
            return Vec::new();
        }
        if self.focus == Pane::Sla {
            let last = self.sla_order().len().saturating_sub(1);
            self.sla_selected = match action {
                Action::MoveDown => self.sla_selected + 1,
                Action::MoveUp => self.sla_selected.saturating_sub(1),
                Action::PageDown | Action::Bottom => last,
                _ => 0,
            }
            .min(last);
            return Vec::new();
        }
        let n = self.queue.tickets.len();
        let sel = self.queue.selected;
        let last = n.saturating_sub(1);
        let page = self.queue.height.max(1);
        // Movement inside the loaded window is local; past its edge a new window is loaded.
        let (target, edge): (usize, Option<Anchor>) = match action {
            Action::MoveDown if sel < last => (sel + 1, None),
            Action::MoveDown if n == page && self.queue.search.is_none() => {
                (last, self.queue.keys.first().cloned().map(Anchor::After))
            }
            Action::MoveUp if sel > 0 => (sel - 1, None),
            Action::MoveUp if self.queue.search.is_none() => {
                (0, self.queue.keys.first().cloned().map(Anchor::Before))
            }
            Action::PageDown if n == page && self.queue.search.is_none() => {
                (sel, self.queue.keys.last().cloned().map(Anchor::After))
            }
            // Search hits are all loaded: a page is the pane's height.
            Action::PageDown => ((sel + page).min(last), None),
            Action::PageUp if self.queue.search.is_none() => {
                (sel, self.queue.keys.first().cloned().map(Anchor::Before))
            }
            Action::PageUp => (sel.saturating_sub(page), None),
            Action::Top => (0, Some(Anchor::Top)),
            Action::Bottom => (last, Some(Anchor::Bottom)),
            _ => (sel, None),
        };
        match edge {
            Some(anchor) if self.queue.search.is_none() => {
                let select = match (&anchor, action) {
                    (Anchor::Top, _) => Select::First,
                    (Anchor::Bottom, _) => Select::Last,
                    (Anchor::After(_), Action::MoveDown) => Select::Last,
                    (Anchor::Before(_), Action::MoveUp) => Select::First,
                    (Anchor::Before(_), Action::PageUp) => Select::PageUp(sel),
                    _ => Select::Same(sel),
                };
                self.pending_select = Some(select);
                vec![self.queue_request(anchor)]
            }
            _ => {
                self.select(target);
                self.follow_selection()
            }
        }
    }

    fn select(&mut self, index: usize) {
        self.queue.selected = index.min(self.queue.tickets.len().saturating_sub(1));
        self.queue.selected_id = self.selected_ticket().map(|t| t.id);
    }

    fn picked(&mut self, p: Picker) -> Vec<Request> {
        let Some((_, value)) = p.items.get(p.selected).cloned() else {
            return Vec::new();
        };
        match p.purpose {
            PickPurpose::Status(id, version) => match value.parse::<Status>() {
                Ok(s) => vec![self.change_request(id, TicketChange::Status(s), version)],
                Err(e) => {
                    self.set_message(e, true);
                    Vec::new()
                }
            },
            PickPurpose::Severity(id, version) => {
                self.pending_writes += 1;
                vec![Request::Change {
                    id,
                    change: TicketChange::Severity(value),
                    expected: version,
                }]
            }
            PickPurpose::BulkStatus => match value.parse::<Status>() {
                Ok(s) => self.bulk_confirm(TicketChange::Status(s)),
                Err(e) => {
                    self.set_message(e, true);
                    Vec::new()
                }
            },
            PickPurpose::BulkSeverity => self.bulk_confirm(TicketChange::Severity(value)),
            PickPurpose::CompleteOrder(id) => vec![Request::CompleteOrder {
                id,
                attach_report: value == "complete+report",
            }],
            PickPurpose::Filter => {
                self.apply_filter(&value);
                self.queue.search = None;
                self.queue.selected = 0;
                self.queue.selected_id = None;
                vec![self.queue_request(Anchor::Top)]
            }
        }
    }

    fn filter_picker(&self) -> Picker {
        let lang = self.lang;
        let mut items: Vec<(String, String)> = vec![
            (lang.t("filter-clear"), "clear".into()),
            (lang.t("filter-mine"), "mine".into()),
            (lang.t("filter-unassigned"), "unassigned".into()),
            (lang.t("filter-breached"), "breached".into()),
            (
                crate::tr!(
                    lang,
                    "filter-status",
                    status = lang.t("filter-active-default")
                ),
                "status:active".into(),
            ),
        ];
        for s in Status::ALL {
            items.push((
                crate::tr!(
                    lang,
                    "filter-status",
                    status = lang.word("status", s.as_str())
                ),
                format!("status:{s}"),
            ));
        }
        items.push((
            crate::tr!(lang, "filter-status", status = lang.t("filter-all")),
            "status:all".into(),
        ));
        let mut severities: Vec<String> = Vec::new();
        for name in self.policies.names() {
            if let Some(set) = self.policies.get(name) {
                for s in &set.severities {
                    if !severities.contains(s) {
                        severities.push(s.clone());
                    }
                }
            }
        }
        for s in severities {
            items.push((
                crate::tr!(
                    lang,
                    "filter-severity",
                    severity = lang.word("severity", &s)
                ),
                format!("severity:{s}"),
            ));
        }
        for o in &self.orgs {
            items.push((
                crate::tr!(lang, "filter-org", org = &o.name),
                format!("org:{}", o.id),
            ));
        }
        if let Some(a) = self.selected_ticket().and_then(|t| t.assignee.clone()) {
            items.push((
                crate::tr!(lang, "filter-assignee", who = &a),
                format!("assignee:{a}"),
            ));
        }
        // Tags: those in use now (the tickets listed and shown) and those filtered on.
        let mut tags: std::collections::BTreeSet<String> =
            self.queue.filter.tags.iter().cloned().collect();
        let shown = self.detail.as_ref().and_then(|d| d.ticket.as_ref());
        for t in self.queue.tickets.iter().chain(shown) {
            tags.extend(t.tags.iter().cloned());
        }
        for tag in tags {
            let on = self.queue.filter.tags.contains(&tag);
            items.push((
                tags_merge_text::filter_item(lang, &tag, on),
                format!("tag:{tag}"),
            ));
        }
        Picker::new(
            crate::tr!(lang, "filter-title", filter = self.filter_label()),
            items,
            0,
            PickPurpose::Filter,
        )
    }

    fn apply_filter(&mut self, value: &str) {
        let f = &mut self.queue.filter;
        match value.split_once(':') {
            None => match value {
                "clear" => *f = TicketFilter::default(),
                "mine" => {
                    f.assignee = if f.assignee.as_deref() == Some(self.me.as_str()) {
                        None
                    } else {
                        Some(self.me.clone())
                    };
                    f.unassigned = false;
                }
                "unassigned" => {
                    f.unassigned = !f.unassigned;
                    f.assignee = None;
                }
                "breached" => f.breached = !f.breached,
                _ => {}
            },
            Some(("status", "active")) => {
                f.statuses.clear();
                f.all_statuses = false;
            }
            Some(("status", "all")) => {
                f.statuses.clear();
                f.all_statuses = true;
            }
            Some(("status", s)) => {
                if let Ok(st) = s.parse::<Status>() {
                    f.all_statuses = false;
                    f.statuses = vec![st];
                }
            }
            Some(("severity", s)) => {
                f.severity = if f.severity.as_deref() == Some(s) {
                    None
                } else {
                    Some(s.to_string())
                }
            }
            Some(("org", id)) => f.org_id = id.parse().ok().filter(|i| f.org_id != Some(*i)),
            Some(("assignee", a)) => {
                f.assignee = Some(a.to_string());
                f.unassigned = false;
            }
            Some(("tag", t)) => {
                if let Some(i) = f.tags.iter().position(|x| x == t) {
                    f.tags.remove(i);
                } else {
                    f.tags.push(t.to_string());
                }
            }
            _ => {}
        }
    }

    /// A short description of the active filter for the queue's title.
    pub fn filter_label(&self) -> String {
        let lang = self.lang;
        let f = &self.queue.filter;
        let mut parts = Vec::new();
        if f.all_statuses {
            parts.push(lang.t("filter-all-statuses"));
        } else if f.statuses.is_empty() {
            parts.push(lang.t("filter-active"));
        } else {
            parts.push(
                f.statuses
                    .iter()
                    .map(|s| lang.word("status", s.as_str()))
                    .collect::<Vec<_>>()
                    .join("+"),
            );
        }
        if let Some(s) = &f.severity {
            parts.push(lang.word("severity", s));
        }
        if let Some(o) = f.org_id {
            parts.push(
                self.orgs
                    .iter()
                    .find(|x| x.id == o)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| crate::tr!(lang, "filter-org-id", id = o)),
            );
        }
        if let Some(a) = &f.assignee {
            parts.push(if *a == self.me {
                lang.t("filter-mine")
            } else {
                format!("@{a}")
            });
        }
        if f.unassigned {
            parts.push(lang.t("filter-unassigned"));
        }
        if f.breached {
            parts.push(lang.t("filter-breached"));
        }
        for t in &f.tags {
            parts.push(tags_merge_text::filter_label(lang, t));
        }
        parts.join(", ")
    }

    fn editor_key(&mut self, mut editor: Box<Editor>, key: KeyEvent) -> Vec<Request> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if editor.confirm_discard {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.set_message(self.lang.t("app-draft-discarded"), false);
                    self.unsent_drafts.remove(&(editor.ticket_id, editor.kind));
                    vec![Request::SaveDraft {
                        ticket_id: editor.ticket_id,
                        kind: editor.draft_kind().into(),
                        body: String::new(),
                    }]
                }
                _ => {
                    editor.confirm_discard = false;
                    self.mode = Mode::Editor(editor);
                    Vec::new()
                }
            };
        }
        match key.code {
            KeyCode::Char('s') if ctrl => {
                let body = editor.text();
                if body.trim().is_empty() {
                    self.mode = Mode::Editor(editor);
                    self.set_message(self.lang.t("app-nothing-to-send"), true);
                    return Vec::new();
                }
                let (id, kind) = (editor.ticket_id, editor.kind);
                // Keep the editor open until the store confirms; a failure keeps the text.
                self.mode = Mode::Editor(editor);
                vec![self.send_request(id, kind, body)]
            }
            KeyCode::Char('t') if ctrl => self.request_templates(editor),
            KeyCode::Char('e') if ctrl => {
                // Compose in $EDITOR: the event loop hands the terminal over and back.
                self.external_edit = Some(editor.text());
                self.mode = Mode::Editor(editor);
                Vec::new()
            }
            KeyCode::Esc => {
                if editor.text().trim().is_empty() {
                    Vec::new()
                } else {
                    editor.confirm_discard = true;
                    self.mode = Mode::Editor(editor);
                    Vec::new()
                }
            }
            // App-level chords the textarea would otherwise take.
            KeyCode::Char('c') | KeyCode::Char('r') if ctrl => {
                self.mode = Mode::Editor(editor);
                Vec::new()
            }
            _ => {
                let changed = editor.textarea.input(key);
                if changed {
                    self.unsent_drafts.insert((editor.ticket_id, editor.kind));
                }
                let req = changed.then(|| Request::SaveDraft {
                    ticket_id: editor.ticket_id,
                    kind: editor.draft_kind().into(),
                    body: editor.text(),
                });
                self.mode = Mode::Editor(editor);
                req.into_iter().collect()
            }
        }
    }

    fn form_key(&mut self, mut form: Box<NewTicketForm>, key: KeyEvent) -> Vec<Request> {
        if key.code == KeyCode::Char('s') && key.modifiers.contains(KeyModifiers::CONTROL) {
            let result = form.validate(&self.policies, &self.orgs, self.now);
            self.mode = Mode::NewTicket(form);
            return match result {
                Ok(new) => vec![Request::CreateTicket(new)],
                Err(_) => {
                    self.set_message(self.lang.t("app-fix-fields"), true);
                    Vec::new()
                }
            };
        }
        let has_text = form.has_text();
        match discard_gate(&mut form.confirm_discard, has_text, &key) {
            DiscardGate::Closed => {}
            DiscardGate::Asked => self.mode = Mode::NewTicket(form),
            DiscardGate::Pass => {
                form.key(key, &self.orgs, &self.policies);
                self.mode = Mode::NewTicket(form);
            }
        }
        Vec::new()
    }

    pub fn handle_response(&mut self, response: Response) -> Vec<Request> {
        self.dirty = true;
        match response {
            Response::Queue {
                tickets,
                keys,
                total,
                select,
            } => {
                if tickets.is_empty()
                    && !self.queue.tickets.is_empty()
                    && self.pending_select.is_some()
                {
                    // Scrolled past an edge: nothing there, keep the current window.
                    let up = matches!(self.pending_select, Some(Select::PageUp(_)));
                    self.pending_select = None;
                    let edge = if self.queue.selected == 0 || up {
                        0
                    } else {
                        self.queue.tickets.len() - 1
                    };
                    self.select(edge);
                    return self.follow_selection();
                }
                if matches!(self.pending_select, Some(Select::PageUp(_)))
                    && let Some(first) = self.queue.tickets.first()
                    && tickets.iter().any(|t| t.id == first.id)
                {
                    // Less than a page was above (the queue's first page came back, holding
                    // this window's first row): a page up ends on the first ticket.
                    self.pending_select = Some(Select::First);
                }
                let previous = self.queue.selected_id;
                self.queue.tickets = tickets;
                self.queue.keys = keys;
                self.queue.total = total;
                let pending = self.pending_select.take();
                // A new list the user asked for: top or bottom, or a filter (which clears
                // the selection).
                let jumped = matches!(
                    pending,
                    Some(Select::First | Select::Last | Select::KeepOrFirst)
                ) || previous.is_none();
                let index = match (pending, select.or(previous)) {
                    (Some(Select::First), _) => 0,
                    (Some(Select::Last), _) => self.queue.tickets.len().saturating_sub(1),
                    (Some(Select::Same(i) | Select::PageUp(i)), _) => i,
                    (Some(Select::KeepOrFirst), id) => id
                        .and_then(|id| self.queue.tickets.iter().position(|t| t.id == id))
                        .unwrap_or(0),
                    (None, Some(id)) => self
                        .queue
                        .tickets
                        .iter()
                        .position(|t| t.id == id)
                        .unwrap_or(self.queue.selected),
                    (None, None) => 0,
                };
                self.select(index);
                self.note_breaches();
                let fresh: Vec<Ticket> = self.queue.tickets.clone();
                for t in &fresh {
                    self.ticket_changed(t);
                }
                let mut out = self.follow_selection();
                // The user's filter or sort moved the selection while Detail had the focus:
                // Detail, and what the keys act on, follow the ▶ row. (A reload around a
                // ticket opened from the SLA pane keeps Detail on it.)
                if out.is_empty()
                    && jumped
                    && self.focus == Pane::Detail
                    && self.queue.selected_id != previous
                    && let Some(id) = self.queue.selected_id
                {
                    // Until it arrives, keys act on nothing rather than the old ticket.
                    self.opening = Some(id);
                    out.push(Request::Detail(id));
                }
                out
            }
            Response::Search {
                query,
                mut tickets,
                bounded,
            } => {
                if self.queue.search.as_deref() != Some(query.as_str()) {
                    return Vec::new();
                }
                // One more than shown was asked for: whether the list is all that matched.
                self.queue.search_more = tickets.len() > SEARCH_SHOWN;
                tickets.truncate(SEARCH_SHOWN);
                self.queue.search_bounded = bounded;
                self.queue.total = tickets.len() as i64;
                self.queue.keys = Vec::new();
                self.queue.tickets = tickets;
                let index = self
                    .queue
                    .selected_id
                    .and_then(|id| self.queue.tickets.iter().position(|t| t.id == id))
                    .unwrap_or(0);
                self.select(index);
                if self.queue.tickets.is_empty() {
                    self.set_message(
                        crate::tr!(self.lang, "app-no-match", query = format!("{query:?}")),
                        false,
                    );
                } else {
                    let (n, keys) = (
                        self.queue.tickets.len(),
                        self.keymap.keys_for(Action::NextHit),
                    );
                    if let Some(k) = keys.first() {
                        let prev = self
                            .keymap
                            .keys_for(Action::PrevHit)
                            .first()
                            .map_or("", |s| s.as_str())
                            .to_string();
                        let lang = self.lang;
                        // Bounded: shorter wording, so the line still fits 80 columns.
                        self.set_message(
                            if bounded {
                                crate::tr!(
                                    lang,
                                    "app-hits-bounded",
                                    n = n,
                                    bound = crate::text::search_bound_label(lang),
                                    next = k.as_str(),
                                    prev = prev
                                )
                            } else if self.queue.search_more {
                                crate::tr!(
                                    lang,
                                    "app-hits-more",
                                    n = n,
                                    next = k.as_str(),
                                    prev = prev
                                )
                            } else {
                                crate::tr!(lang, "app-hits", n = n, next = k.as_str(), prev = prev)
                            },
                            false,
                        );
                    }
                }
                self.follow_selection()
            }
            Response::Detail(detail, drafts) => {
                let same = self
                    .detail
                    .as_ref()
                    .and_then(|d| d.ticket.as_ref())
                    .map(|t| t.id)
                    == detail.ticket.as_ref().map(|t| t.id);
                if !same {
                    self.detail_scroll = 0;
                }
                if let Some(t) = detail.ticket.clone() {
                    if self.opening == Some(t.id) {
                        self.opening = None;
                    }
                    self.ticket_changed(&t);
                }
                self.detail = Some(*detail);
                self.detail_drafts = drafts;
                Vec::new()
            }
            Response::Sla(items) => {
                self.sla_items = items;
                self.recompute_sla();
                self.note_breaches();
                Vec::new()
            }
            Response::Counts(c) => {
                self.counts = c;
                Vec::new()
            }
            Response::Orgs(orgs) => {
                self.orgs = orgs;
                if let Mode::NewTicket(form) = &mut self.mode {
                    form.orgs_loaded(&self.orgs, &self.policies);
                }
                Vec::new()
            }
            Response::Triage(items) => {
                self.triage_loaded(items);
                Vec::new()
            }
            Response::TriageWritten { message, ticket } => self.triage_written(message, ticket),
            Response::Engineers(names) => {
                self.known_engineers = names;
                Vec::new()
            }
            Response::ReplyTemplates(result) => self.templates_arrived(result),
            Response::Presence(others) => {
                self.others = others;
                Vec::new()
            }
            Response::Pending(list) => {
                self.pending_list(list);
                Vec::new()
            }
            Response::Deferred { action } => self.deferred(*action),
            Response::Undone { action, draft } => self.undone(*action, draft),
            Response::UndoTooLate => {
                self.undo_too_late();
                Vec::new()
            }
            Response::PendingDone { action, refused } => self.pending_done(*action, refused),
            Response::Notice { message, error } => {
                self.set_message(message, error);
                Vec::new()
            }
            Response::Written {
                message,
                ticket_id,
                fresh,
            } => {
                if let Some(out) = self.bulk_answer(ticket_id, None) {
                    return out;
                }
                self.pending_writes = self.pending_writes.saturating_sub(1);
                // A sent reply or note closes its editor; a created ticket closes the form.
                if let Mode::Editor(e) = &self.mode {
                    self.unsent_drafts.remove(&(e.ticket_id, e.kind));
                }
                if matches!(self.mode, Mode::Editor(_) | Mode::NewTicket(_)) {
                    self.mode = Mode::Normal;
                }
                self.set_message(message, false);
                if let Some(id) = ticket_id {
                    self.queue.selected_id = Some(id);
                }
                let mut out = self.reload_lists();
                match (ticket_id, fresh) {
                    (_, Some((detail, drafts))) => {
                        out.extend(self.handle_response(Response::Detail(detail, drafts)));
                    }
                    (Some(id), None) => out.push(Request::Detail(id)),
                    (None, None) => {}
                }
                out
            }
            Response::Draft {
                ticket_id,
                kind,
                body,
            } => {
                let mut textarea = TextArea::default();
                let restored = body.is_some();
                if let Some(b) = &body {
                    textarea = TextArea::new(b.lines().map(str::to_string).collect());
                    textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
                    textarea.move_cursor(ratatui_textarea::CursorMove::End);
                }
                // Long lines wrap on screen instead of scrolling sideways.
                textarea.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
                let (summary, version) = self
                    .known_ticket(ticket_id)
                    .map(|t| (t.summary.clone(), t.version))
                    .unwrap_or_default();
                self.mode = Mode::Editor(Box::new(Editor {
                    ticket_id,
                    summary,
                    version,
                    notice: None,
                    kind,
                    textarea,
                    confirm_discard: false,
                    restored,
                }));
                if restored {
                    self.set_message(self.lang.t("app-draft-restored"), false);
                }
                Vec::new()
            }
            Response::Failed {
                message,
                conflict,
                ticket_id,
            } => {
                if let Some(out) = self.bulk_answer(ticket_id, Some(&message)) {
                    return out;
                }
                self.pending_writes = self.pending_writes.saturating_sub(1);
                if ticket_id.is_some() && self.opening == ticket_id {
                    // The ticket asked for does not exist (or failed to load).
                    self.opening = None;
                }
                if self.offline.is_some() && !conflict {
                    self.set_message(
                        crate::tr!(
                            self.lang,
                            "app-error-offline",
                            message = message.to_string()
                        ),
                        true,
                    );
                } else {
                    self.set_message(message, true);
                }
                let mut out = Vec::new();
                if conflict {
                    // Show the fresh ticket; an open editor keeps the user's text.
                    if let Some(id) = ticket_id {
                        out.push(Request::Detail(id));
                    }
                    out.push(self.reload_queue());
                }
                out
            }
            Response::Orders(orders) => {
                let select = self.orders.pending_select.take();
                self.orders_loaded(orders, select);
                Vec::new()
            }
            Response::OrderWritten { message, order_id } => {
                if matches!(
                    self.mode,
                    Mode::NewOrder(_) | Mode::RateOrder(_) | Mode::RejectOrder { .. }
                ) {
                    self.mode = Mode::Normal;
                }
                self.set_message(message, false);
                self.orders.pending_select = Some(order_id);
                vec![Request::Orders]
            }
            Response::Report(report) => {
                self.report.loading = false;
                self.report.report = Some(*report);
                Vec::new()
            }
            Response::Connection(Some(why)) => {
                self.offline = Some(why);
                self.set_message(self.lang.t("app-offline"), true);
                Vec::new()
            }
            Response::Connection(None) => {
                let was_offline = self.offline.take().is_some();
                if was_offline {
                    self.set_message(self.lang.t("app-reconnected"), false);
                }
                // Whatever changed meanwhile: everything on screen loads again.
                let mut out = vec![Request::Orgs];
                out.extend(self.handle_response(Response::ExternalChange));
                out
            }
            Response::CustomerWrote(entries) => {
                self.customer_wrote(&entries);
                Vec::new()
            }
            Response::ExternalChange => {
                let mut out = match self.view {
                    View::Tickets => Vec::new(),
                    View::Orders => vec![Request::Orders],
                    View::Report => vec![Request::Report(self.report.month)],
                    View::Triage => vec![Request::Triage],
                };
                out.extend(self.reload_lists());
                if let Some(id) = self
                    .detail
                    .as_ref()
                    .and_then(|d| d.ticket.as_ref())
                    .map(|t| t.id)
                {
                    out.push(Request::Detail(id));
                }
                out
            }
        }
    }

    /// The detail pane follows the queue's selection while the queue has the focus; a ticket
    /// opened from the SLA pane or by number stays in Detail until the user goes back.
    fn follow_selection(&mut self) -> Vec<Request> {
        let selected = self.selected_ticket().map(|t| t.id);
        let shown = self.shown_id();
        match selected {
            Some(id) if self.focus == Pane::Queue || shown.is_none() => vec![Request::Detail(id)],
            _ => Vec::new(),
        }
    }

    /// A ticket as last loaded anywhere on screen.
    fn known_ticket(&self, id: i64) -> Option<&Ticket> {
        self.detail
            .as_ref()
            .and_then(|d| d.ticket.as_ref())
            .filter(|t| t.id == id)
            .or_else(|| self.queue.tickets.iter().find(|t| t.id == id))
            .or_else(|| {
                self.sla_items
                    .iter()
                    .map(|i| &i.ticket)
                    .find(|t| t.id == id)
            })
    }

    /// A fresher version of a ticket arrived: a popup opened on an older one takes the new
    /// version and says what changed, so nothing is applied to a ticket the user has not seen.
    fn ticket_changed(&mut self, t: &Ticket) {
        let lang = self.lang;
        let now_reads = || {
            crate::tr!(
                lang,
                "app-ticket-changed",
                id = t.id,
                status = lang.word("status", t.status.as_str()),
                severity = &t.severity,
                assignee = t
                    .assignee
                    .clone()
                    .unwrap_or_else(|| lang.t("tui-unassigned"))
            )
        };
        match &mut self.mode {
            Mode::Pick(p) => {
                if let PickPurpose::Status(id, v) | PickPurpose::Severity(id, v) = &mut p.purpose
                    && *id == t.id
                    && t.version > *v
                {
                    *v = t.version;
                    p.notice = Some(now_reads());
                }
            }
            Mode::Assign(f) if f.ticket_id == t.id && t.version > f.version => {
                f.version = t.version;
                f.notice = Some(now_reads());
            }
            Mode::Editor(e) if e.ticket_id == t.id && t.version > e.version => {
                e.version = t.version;
                e.notice = Some(now_reads());
            }
            _ => {}
        }
        self.dirty = true;
    }

    /// Recomputes the SLA pane's timers for `now` (only the visible ones).
    /// The SLA pane's metric per ticket: the one evaluation the stored columns come from,
    /// at this second; the running metric due first (what the queue's time-left counts to).
    fn recompute_sla(&mut self) {
        let now = self.now;
        self.sla_metrics = self
            .sla_items
            .iter()
            .map(|item| {
                sla::columns::evaluate_inputs(&self.policies, &item.inputs(), now)
                    .into_iter()
                    .filter(|m| m.clock_running())
                    .min_by_key(|m| m.due)
            })
            .collect();
    }

    /// Flags tickets that breached since the last look: their rows and the header flash, and
    /// the bell rings once.
    fn note_breaches(&mut self) {
        let now = self.now;
        let mut newly = Vec::new();
        let visible = self
            .queue
            .tickets
            .iter()
            .chain(self.sla_items.iter().map(|i| &i.ticket));
        for t in visible {
            let breached = row_state(t, now) == RowState::Breached;
            if breached && !self.breached_seen.contains(&t.id) {
                newly.push((t.id, t.next_due));
            }
        }
        for (id, due) in newly {
            self.breached_seen.insert(id);
            // Only a breach that happened while we watched (not one found on load) flashes.
            if due.is_some_and(|d| now - d <= Duration::seconds(2)) {
                if let Some(t) = self
                    .queue
                    .tickets
                    .iter()
                    .chain(self.sla_items.iter().map(|i| &i.ticket))
                    .find(|t| t.id == id)
                {
                    let body = crate::tr!(
                        self.lang,
                        "app-notify-breached",
                        id = t.id,
                        severity = &t.severity,
                        org = &t.org,
                        summary = &t.summary
                    );
                    self.notifications
                        .extend(notify::sequence(self.notify, "tuidesk", &body));
                }
                self.flash_until
                    .insert(id, now + Duration::seconds(FLASH_SECONDS));
                self.header_flash_until = Some(now + Duration::seconds(FLASH_SECONDS));
                if self.bell_enabled {
                    self.ring_bell = true;
                }
            }
        }
    }

    /// Customers answered: the rows of the user's own tickets among them flash, the bell
    /// rings once, and the footer names them (the Detail pane reloads with the message).
    fn customer_wrote(&mut self, entries: &[crate::store::CustomerEntry]) {
        let mut mine: Vec<i64> = entries
            .iter()
            .filter(|e| e.assignee.as_deref() == Some(self.me.as_str()))
            .map(|e| e.ticket_id)
            .collect();
        mine.sort_unstable();
        mine.dedup();
        if mine.is_empty() {
            return;
        }
        for id in &mine {
            self.flash_until
                .insert(*id, self.now + Duration::seconds(FLASH_SECONDS));
        }
        if self.bell_enabled {
            self.ring_bell = true;
        }
        let list = mine
            .iter()
            .map(|id| format!("#{id}"))
            .collect::<Vec<_>>()
            .join(", ");
        let what = crate::tr!(
            self.lang,
            "app-customer-answered",
            n = mine.len(),
            list = list
        );

        self.set_message(what, false);
    }

    /// The one-second tick: timers move, breaches flash, counts refresh when one passes.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Request> {
        let before = self.now;
        self.now = now;
        self.recompute_sla();
        let counted_breach = self
            .queue
            .tickets
            .iter()
            .chain(self.sla_items.iter().map(|i| &i.ticket))
            .any(|t| {
                let due = t.next_due;
                let risk = t.risk_at;
                due.is_some_and(|d| d >= before && d < now)
                    || risk.is_some_and(|r| r > before && r <= now)
            });
        // A ticket off every pane can change the header's counts too: the store said when.
        let counts_due = self.counts.next_change.is_some_and(|c| c <= now);
        if counts_due {
            self.counts.next_change = None;
        }
        let counted_breach = counted_breach || counts_due;
        self.note_breaches();
        self.flash_until.retain(|_, until| *until > now);
        if self.header_flash_until.is_some_and(|u| u <= now) {
            self.header_flash_until = None;
        }
        self.dirty = true;
        let mut out = if counted_breach {
            vec![
                Request::Counts,
                Request::Sla {
                    limit: self.sla_limit(),
                },
            ]
        } else {
            Vec::new()
        };
        out.extend(self.presence_update());
        out
    }

    pub fn is_flashing(&self, id: i64) -> bool {
        self.flash_until.get(&id).is_some_and(|u| *u > self.now)
    }

    /// Keys worth showing in the footer right now.
    /// The footer's hints: (key, label, is the way to help), in the user's language.
    pub fn footer_hints(&self) -> Vec<(String, String, bool)> {
        let lang = self.lang;
        let key_text = |k: &str| match k {
            "any key" => lang.t("hint-key-any"),
            "type" => lang.t("hint-key-type"),
            k => k.to_string(),
        };
        let fixed = |pairs: &[(&str, &'static str)]| {
            pairs
                .iter()
                .map(|(k, d)| (key_text(k), keymap::hint(lang, d), *d == "help"))
                .collect()
        };
        let keyed = |pairs: &[(Action, &'static str)]| -> Vec<(String, String, bool)> {
            pairs
                .iter()
                .filter_map(|(a, label)| {
                    let key = self.keymap.keys_for(*a).into_iter().next()?;
                    Some((key, keymap::hint(lang, label), *label == "help"))
                })
                .collect()
        };
        match &self.mode {
            Mode::Normal if self.view == View::Orders => keyed(&[
                (Action::NewTicket, "new order"),
                (Action::CompleteOrder, "complete"),
                (Action::RejectOrder, "reject"),
                (Action::RateOrder, "rate"),
                (Action::ShowOrders, "tickets"),
                (Action::ShowReport, "report"),
                (Action::Help, "help"),
                (Action::Palette, "cmd"),
                (Action::Quit, "quit"),
            ]),
            Mode::Normal if self.view == View::Triage => keyed(&[
                (Action::FileTriage, "file"),
                (Action::DiscardTriage, "discard"),
                (Action::ShowTriage, "tickets"),
                (Action::ShowOrders, "orders"),
                (Action::Help, "help"),
                (Action::Palette, "cmd"),
                (Action::Quit, "quit"),
            ]),
            Mode::Normal if self.view == View::Report => keyed(&[
                (Action::PrevMonth, "prev month"),
                (Action::NextMonth, "next month"),
                (Action::ShowReport, "tickets"),
                (Action::ShowOrders, "orders"),
                (Action::Help, "help"),
                (Action::Palette, "cmd"),
                (Action::Quit, "quit"),
            ]),
            Mode::Normal => ACTIONS
                .iter()
                .filter(|a| self.applies(a.action))
                .filter_map(|a| {
                    let label = a.footer?;
                    let key = self.keymap.keys_for(a.action).into_iter().next()?;
                    Some((key, keymap::hint(lang, label), label == "help"))
                })
                .collect(),
            Mode::NewOrder(f) if f.confirm_discard => {
                fixed(&[("y", "discard"), ("any key", "keep editing")])
            }
            Mode::NewOrder(_) => fixed(&[
                ("Tab", "next field"),
                ("←/→", "choose"),
                ("Ctrl-S", "request"),
                ("Esc", "cancel"),
            ]),
            Mode::RateOrder(_) => fixed(&[
                ("Tab", "next field"),
                ("←/→ 1-5", "stars"),
                ("Ctrl-S", "save rating"),
                ("Esc", "cancel"),
            ]),
            Mode::RejectOrder { .. } => fixed(&[("Enter", "reject"), ("Esc", "cancel")]),
            Mode::FileTriage(_) => fixed(&[
                ("Tab", "next field"),
                ("←/→", "choose"),
                ("Enter", "file"),
                ("Esc", "cancel"),
            ]),
            Mode::DiscardTriage { .. } => fixed(&[("Enter", "discard"), ("Esc", "cancel")]),
            Mode::Help { .. } => fixed(&[("Esc", "close"), ("j/k", "scroll")]),
            Mode::Search { .. } => fixed(&[("Enter", "search"), ("Esc", "cancel")]),
            Mode::Palette { .. } => {
                fixed(&[("↑/↓", "choose"), ("Enter", "run"), ("Esc", "cancel")])
            }
            Mode::Pick(_) => fixed(&[("↑/↓", "choose"), ("Enter", "apply"), ("Esc", "cancel")]),
            Mode::ConfirmBulk(_) => fixed(&[("y", "apply to all marked"), ("any key", "cancel")]),
            Mode::Tag(_) => fixed(&[("Enter", "apply"), ("Esc", "cancel")]),
            Mode::MergeTarget(_) => fixed(&[("Enter", "next"), ("Esc", "cancel")]),
            Mode::ConfirmMerge(_) => fixed(&[("y", "merge"), ("any key", "cancel")]),
            Mode::ConfirmReply { .. } => fixed(&[("y", "reply anyway"), ("any key", "cancel")]),
            Mode::SaveAttachment(_) => {
                fixed(&[("Tab", "next file"), ("Enter", "save"), ("Esc", "cancel")])
            }
            Mode::Assign(_) => fixed(&[
                ("Tab", "complete"),
                ("Enter", "assign"),
                ("-", "unassign"),
                ("Esc", "cancel"),
            ]),
            Mode::ConfirmQuit { .. } => fixed(&[("y", "quit"), ("any key", "stay")]),
            Mode::Editor(e) if e.confirm_discard => {
                fixed(&[("y", "discard"), ("any key", "keep editing")])
            }
            Mode::Editor(_) => fixed(&[
                ("Ctrl-S", "send"),
                ("Ctrl-T", "template"),
                ("Ctrl-E", "$EDITOR"),
                ("Esc", "cancel"),
            ]),
            Mode::Templates(_) => fixed(&[
                ("type", "filter"),
                ("↑/↓", "choose"),
                ("Enter", "insert"),
                ("Esc", "back"),
            ]),
            Mode::NewTicket(f) if f.confirm_discard => {
                fixed(&[("y", "discard"), ("any key", "keep editing")])
            }
            Mode::NewTicket(_) => fixed(&[
                ("Tab", "next field"),
                ("←/→", "choose"),
                ("Ctrl-S", "create"),
                ("Esc", "cancel"),
            ]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Select {
    First,
    Last,
    Same(usize),
    /// A page up from this row: at the top of the queue it ends on the first ticket.
    PageUp(usize),
    /// The selected ticket where the new list holds it, else the first row (a new sort).
    KeepOrFirst,
}

/// `123` or `#123` typed into the palette: the ticket to open.
pub fn ticket_number(input: &str) -> Option<i64> {
    let t = input.trim();
    let t = t.strip_prefix('#').unwrap_or(t).trim();
    t.parse::<i64>().ok().filter(|n| *n > 0)
}

/// Palette entries matching what was typed, by name or description.
pub fn palette_matches(lang: crate::i18n::Lang, input: &str) -> Vec<Action> {
    if ticket_number(input).is_some() || input.trim() == "#" {
        return Vec::new();
    }
    let q = input.trim().to_lowercase();
    ACTIONS
        .iter()
        .filter(|a| {
            q.is_empty()
                || a.name.contains(&q)
                || a.description.to_lowercase().contains(&q)
                || keymap::description(lang, a).to_lowercase().contains(&q)
        })
        .map(|a| a.action)
        .collect()
}

/// Minimal line editing for one-line inputs.
/// What a key does to a form's "discard your text?" question.
pub(super) enum DiscardGate {
    /// The form closes (Esc on an empty form, Esc again, or `y`).
    Closed,
    /// The question is now shown.
    Asked,
    /// An ordinary key for the form (a pending question is withdrawn).
    Pass,
}

/// Esc on a form holding text asks first; then `y` (or Esc) discards, any other key keeps
/// editing. Shared by the ticket and order forms.
pub(super) fn discard_gate(confirm: &mut bool, has_text: bool, key: &KeyEvent) -> DiscardGate {
    if key.code == KeyCode::Esc {
        if has_text && !*confirm {
            *confirm = true;
            return DiscardGate::Asked;
        }
        return DiscardGate::Closed;
    }
    if *confirm {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            return DiscardGate::Closed;
        }
        *confirm = false;
    }
    DiscardGate::Pass
}

pub fn edit_line(input: &mut String, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL)
                && !c.is_control()
                && input.chars().count() < 200 =>
        {
            input.push(c)
        }
        _ => {}
    }
}

#[cfg(test)]
mod bulk_tests;
#[cfg(test)]
pub(crate) mod order_tests;
#[cfg(test)]
mod tags_merge_tests;
#[cfg(test)]
mod template_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod undo_tests;
