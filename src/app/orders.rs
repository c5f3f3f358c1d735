//! The Orders and Report views: service orders beside the ticket queue, and the monthly
//! report with its charts. Pure state and key handling; the store answers through
//! `Request`/`Response` like everything else.

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{
    App, DiscardGate, Mode, PickPurpose, Picker, Request, RowState, discard_gate, edit_line,
};
use crate::domain::{
    self, Order, OrderKind, OrderStatus, Organization, Scenario, YearMonth, format_countdown,
};
use crate::orders::{self, OrderOrg, OrderRequest, PriorOrder};
use crate::policy::PolicyRegistry;
use crate::policy::rules;
use crate::store::NewOrder;

/// Which work the main panes show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Tickets,
    Orders,
    Report,
    /// The triage inbox: mail that opened no ticket, waiting to be filed or discarded.
    Triage,
}

#[derive(Debug, Clone, Default)]
pub struct OrdersState {
    pub orders: Vec<Order>,
    pub selected: usize,
    pub loaded: bool,
    /// Select this order when the list next arrives (the one just created or changed).
    pub pending_select: Option<i64>,
}

impl OrdersState {
    pub fn selected_order(&self) -> Option<&Order> {
        self.orders.get(self.selected)
    }
}

#[derive(Debug, Clone)]
pub struct ReportState {
    pub month: YearMonth,
    pub report: Option<crate::report::MonthlyReport>,
    pub loading: bool,
    /// First organization row shown in the table.
    pub scroll: usize,
}

/// How an order's deadline looks, in the same states as a ticket's target: an event
/// assurance counts down to its start, a monthly report to its due working day.
pub fn order_row_state(o: &Order, now: DateTime<Utc>, at_risk_share: f64) -> RowState {
    match (o.status, o.due) {
        (OrderStatus::Processing, Some(due)) if now >= due => RowState::Breached,
        (OrderStatus::Processing, Some(due)) => {
            let span = (due - o.created_at).num_seconds().max(0) as f64;
            let risk_at = o.created_at + chrono::Duration::seconds((span * at_risk_share) as i64);
            if now >= risk_at {
                RowState::AtRisk
            } else {
                RowState::Running
            }
        }
        (OrderStatus::Processing, None) => RowState::NoTarget,
        (OrderStatus::Completed, _) => RowState::Met,
        (OrderStatus::Rejected, _) => RowState::Done,
    }
}

/// "level 1, 2026-12-10..2026-12-12", "joining", "2026-10": what the order is about.
pub fn order_subject(lang: crate::i18n::Lang, o: &Order) -> String {
    match o.kind {
        OrderKind::EventAssurance => match (o.level, o.start, o.end) {
            (Some(l), Some(a), Some(b)) => crate::tr!(
                lang,
                "ord-subject-assurance",
                level = l as i64,
                start = a.to_string(),
                end = b.to_string()
            ),
            _ => String::new(),
        },
        OrderKind::AvailabilityCheck => o
            .scenario
            .map(|s| lang.word("scenario", s.as_str()))
            .unwrap_or_default(),
        OrderKind::MonthlyReport => o
            .month
            .map(|m| crate::tr!(lang, "ord-subject-month", month = m.to_string()))
            .unwrap_or_default(),
    }
}

/// Countdown to the deadline of an open order, else what became of it.
pub fn order_deadline_text(lang: crate::i18n::Lang, o: &Order, now: DateTime<Utc>) -> String {
    match (o.status, o.due) {
        (OrderStatus::Processing, Some(due)) => format_countdown((due - now).num_seconds()),
        (OrderStatus::Processing, None) => lang.t("ord-no-deadline"),
        (OrderStatus::Completed, _) => match &o.rating {
            Some(r) => format!("★{} ★{}", r.speed, r.quality),
            None => lang.t("ord-unrated"),
        },
        (OrderStatus::Rejected, _) => "–".into(),
    }
}

/// Appends pasted text to a one-line input: newlines and tabs become spaces, controls are
/// dropped, and at most `limit` characters are kept.
pub(super) fn paste_one_line(input: &mut String, text: &str, limit: usize) {
    for c in text.chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        if !c.is_control() && input.chars().count() < limit {
            input.push(c);
        }
    }
}

impl From<&Order> for PriorOrder {
    fn from(o: &Order) -> PriorOrder {
        PriorOrder {
            kind: o.kind,
            status: o.status,
            level: o.level,
            start: o.start,
            scenario: o.scenario,
            month: o.month,
            requested_on: o.requested_on,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderField {
    Org,
    Kind,
    Level,
    Start,
    End,
    Scenario,
    Month,
    Note,
}

impl OrderField {
    pub fn label(self, lang: crate::i18n::Lang) -> String {
        lang.t(match self {
            OrderField::Org => "form-org",
            OrderField::Kind => "form-kind",
            OrderField::Level => "ord-field-level",
            OrderField::Start => "ord-field-start",
            OrderField::End => "ord-field-end",
            OrderField::Scenario => "ord-field-scenario",
            OrderField::Month => "ord-field-month",
            OrderField::Note => "ord-field-note",
        })
    }
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            OrderField::Org | OrderField::Kind | OrderField::Level | OrderField::Scenario
        )
    }
}

/// The new-order form; its fields follow the kind chosen.
#[derive(Debug, Clone)]
pub struct NewOrderForm {
    pub focus: usize,
    pub org: usize,
    pub kind: OrderKind,
    pub level: u8,
    pub start: String,
    pub end: String,
    pub scenario: Scenario,
    pub month: String,
    pub note: String,
    pub confirm_discard: bool,
}

impl NewOrderForm {
    pub fn new(org: usize, now: DateTime<Utc>) -> NewOrderForm {
        NewOrderForm {
            focus: 0,
            org,
            kind: OrderKind::EventAssurance,
            level: 3,
            start: String::new(),
            end: String::new(),
            scenario: Scenario::Joining,
            month: YearMonth::of(now.date_naive()).prev().to_string(),
            note: String::new(),
            confirm_discard: false,
        }
    }

    pub fn fields(&self) -> Vec<OrderField> {
        let mut v = vec![OrderField::Org, OrderField::Kind];
        match self.kind {
            OrderKind::EventAssurance => {
                v.extend([OrderField::Level, OrderField::Start, OrderField::End])
            }
            OrderKind::AvailabilityCheck => v.push(OrderField::Scenario),
            OrderKind::MonthlyReport => v.push(OrderField::Month),
        }
        v.push(OrderField::Note);
        v
    }

    pub fn field(&self) -> OrderField {
        let f = self.fields();
        f[self.focus % f.len()]
    }

    pub fn has_text(&self) -> bool {
        !(self.start.is_empty() && self.end.is_empty() && self.note.is_empty())
    }

    /// Pasted text goes into the focused text field as one line.
    pub fn paste(&mut self, text: &str) {
        let target = match self.field() {
            OrderField::Start => &mut self.start,
            OrderField::End => &mut self.end,
            OrderField::Month => &mut self.month,
            OrderField::Note => &mut self.note,
            _ => return,
        };
        paste_one_line(target, text, 200);
    }

    pub fn key(&mut self, key: KeyEvent, orgs: &[Organization]) {
        let n = self.fields().len();
        let forward = key.code == KeyCode::Right;
        match key.code {
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Left | KeyCode::Right if self.field().is_choice() => {
                let step = |i: usize, len: usize| match len {
                    0 => 0,
                    _ if forward => (i + 1) % len,
                    _ => (i + len - 1) % len,
                };
                match self.field() {
                    OrderField::Org => self.org = step(self.org, orgs.len()),
                    OrderField::Kind => {
                        let i = OrderKind::ALL
                            .iter()
                            .position(|k| *k == self.kind)
                            .unwrap_or(0);
                        self.kind = OrderKind::ALL[step(i, OrderKind::ALL.len())];
                    }
                    OrderField::Level => self.level = (step(self.level as usize - 1, 3) + 1) as u8,
                    OrderField::Scenario => {
                        let i = Scenario::ALL
                            .iter()
                            .position(|k| *k == self.scenario)
                            .unwrap_or(0);
                        self.scenario = Scenario::ALL[step(i, Scenario::ALL.len())];
                    }
                    _ => {}
                }
            }
            _ => {
                let target = match self.field() {
                    OrderField::Start => &mut self.start,
                    OrderField::End => &mut self.end,
                    OrderField::Month => &mut self.month,
                    OrderField::Note => &mut self.note,
                    _ => return,
                };
                edit_line(target, &key);
            }
        }
    }

    fn request(&self) -> Result<OrderRequest, (OrderField, String)> {
        let date = |field: OrderField, s: &str| {
            let what = if field == OrderField::Start {
                "start"
            } else {
                "end"
            };
            if s.trim().is_empty() {
                return Err((
                    field,
                    format!("event assurance needs a {what} date (YYYY-MM-DD)"),
                ));
            }
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                (
                    field,
                    format!("{what} {:?} is not a date (YYYY-MM-DD)", s.trim()),
                )
            })
        };
        let mut req = OrderRequest {
            kind: self.kind,
            level: None,
            start: None,
            end: None,
            scenario: None,
            month: None,
        };
        match self.kind {
            OrderKind::EventAssurance => {
                req.level = Some(self.level);
                req.start = Some(date(OrderField::Start, &self.start)?);
                req.end = Some(date(OrderField::End, &self.end)?);
            }
            OrderKind::AvailabilityCheck => req.scenario = Some(self.scenario),
            OrderKind::MonthlyReport => {
                req.month = Some(
                    self.month
                        .trim()
                        .parse()
                        .map_err(|e: String| (OrderField::Month, e))?,
                )
            }
        }
        Ok(req)
    }

    /// The order to create, or the first problem, by the same rules the store enforces
    /// (quotas are checked against the orders on screen; the store checks again).
    pub fn validate(
        &self,
        policies: &PolicyRegistry,
        orgs: &[Organization],
        known: &[Order],
        now: DateTime<Utc>,
    ) -> Result<NewOrder, (OrderField, String)> {
        let org = orgs.get(self.org).ok_or((
            OrderField::Org,
            "no organization yet: add one with `tuidesk org add`".to_string(),
        ))?;
        let req = self.request()?;
        if let Err(e) = domain::validate_body("note", self.note.trim(), true) {
            return Err((OrderField::Note, e.to_string()));
        }
        let set = rules::policy_set(policies, &org.policy_set)
            .map_err(|e| (OrderField::Org, e.to_string()))?;
        let tz = domain::parse_tz(&org.tz).map_err(|e| (OrderField::Org, e.to_string()))?;
        let prior: Vec<PriorOrder> = known
            .iter()
            .filter(|o| o.org_id == org.id)
            .map(PriorOrder::from)
            .collect();
        orders::check_new_order(policies, &OrderOrg::of(org, set, tz), &req, &prior, now).map_err(
            |e| {
                let field = match self.kind {
                    OrderKind::EventAssurance if e.0.contains("notice") => OrderField::Start,
                    OrderKind::EventAssurance if e.0.contains("days;") || e.0.contains("end") => {
                        OrderField::End
                    }
                    OrderKind::EventAssurance if e.0.contains("level") => OrderField::Level,
                    OrderKind::AvailabilityCheck => OrderField::Scenario,
                    OrderKind::MonthlyReport => OrderField::Month,
                    _ => OrderField::Kind,
                };
                (field, e.0)
            },
        )?;
        Ok(NewOrder {
            org: org.name.clone(),
            request: req,
            note: self.note.trim().to_string(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateField {
    Speed,
    Quality,
    Feedback,
}

/// The customer's rating, entered by the engineer who took it (phone, mail, survey).
#[derive(Debug, Clone)]
pub struct RateForm {
    pub order_id: i64,
    pub focus: RateField,
    pub speed: u8,
    pub quality: u8,
    pub feedback: String,
}

impl RateForm {
    pub fn new(order_id: i64) -> RateForm {
        RateForm {
            order_id,
            focus: RateField::Speed,
            // Unset until the engineer enters what the customer said.
            speed: 0,
            quality: 0,
            feedback: String::new(),
        }
    }

    /// Pasted feedback arrives as one line.
    pub fn paste(&mut self, text: &str) {
        if self.focus == RateField::Feedback {
            paste_one_line(&mut self.feedback, text, orders::MAX_FEEDBACK_CHARS + 100);
        }
    }

    pub fn key(&mut self, key: KeyEvent) {
        let next = |f| match f {
            RateField::Speed => RateField::Quality,
            RateField::Quality => RateField::Feedback,
            RateField::Feedback => RateField::Speed,
        };
        match key.code {
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => self.focus = next(self.focus),
            KeyCode::BackTab | KeyCode::Up => self.focus = next(next(self.focus)),
            KeyCode::Left | KeyCode::Right | KeyCode::Char('1'..='5')
                if self.focus != RateField::Feedback =>
            {
                let stars = match self.focus {
                    RateField::Speed => &mut self.speed,
                    _ => &mut self.quality,
                };
                *stars = match key.code {
                    KeyCode::Left if *stars == 0 => 1,
                    KeyCode::Left => stars.saturating_sub(1).max(1),
                    KeyCode::Right => (*stars + 1).min(5),
                    KeyCode::Char(c) => c.to_digit(10).map_or(*stars, |d| d as u8),
                    _ => *stars,
                };
            }
            _ if self.focus == RateField::Feedback => match key.code {
                KeyCode::Backspace => {
                    self.feedback.pop();
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.feedback.clear()
                }
                // Room past the limit, so the counter can say how far over it is.
                KeyCode::Char(c)
                    if !key.modifiers.contains(KeyModifiers::CONTROL)
                        && !c.is_control()
                        && self.feedback.chars().count() < orders::MAX_FEEDBACK_CHARS + 100 =>
                {
                    self.feedback.push(c)
                }
                _ => {}
            },
            _ => {}
        }
    }

    pub fn error(&self) -> Option<String> {
        let unset: Vec<&str> = [
            ("response speed", self.speed),
            ("deliverable quality", self.quality),
        ]
        .into_iter()
        .filter(|(_, stars)| *stars == 0)
        .map(|(what, _)| what)
        .collect();
        if !unset.is_empty() {
            return Some(format!(
                "not rated yet: {} (1–5 stars: ←/→ or a digit)",
                unset.join(" and ")
            ));
        }
        orders::check_rating(
            OrderStatus::Completed,
            false,
            i64::from(self.speed),
            i64::from(self.quality),
            self.feedback.trim(),
        )
        .err()
        .map(|e| e.0)
    }
}

impl App {
    /// Keys of the Orders and Report views; the rest fall through to the shared actions.
    pub(super) fn order_action(&mut self, action: super::Action) -> Option<Vec<Request>> {
        use super::Action as A;
        let view = self.view;
        Some(match (view, action) {
            (View::Orders, A::MoveDown) => self.move_order(1),
            (View::Orders, A::MoveUp) => self.move_order(-1),
            (View::Orders, A::PageDown) => self.move_order(self.queue.height.max(1) as i64),
            (View::Orders, A::PageUp) => self.move_order(-(self.queue.height.max(1) as i64)),
            (View::Orders, A::Top) => self.move_order(i64::MIN / 2),
            (View::Orders, A::Bottom) => self.move_order(i64::MAX / 2),
            (View::Orders, A::NewTicket) => {
                let org = self
                    .orders
                    .selected_order()
                    .and_then(|o| self.orgs.iter().position(|g| g.id == o.org_id))
                    .unwrap_or(0);
                self.mode = Mode::NewOrder(Box::new(NewOrderForm::new(org, self.now)));
                vec![Request::Orgs]
            }
            (View::Orders, A::CompleteOrder) => match self.open_order() {
                Some(o) => {
                    // (label, value) like every picker.
                    let mut items = vec![(self.lang.t("ord-complete"), "complete".to_string())];
                    if o.kind == OrderKind::MonthlyReport {
                        items.push((self.lang.t("ord-complete-report"), "complete+report".into()));
                    }
                    self.mode = Mode::Pick(Picker::new(
                        crate::tr!(self.lang, "ord-complete-title", id = o.id),
                        items,
                        0,
                        PickPurpose::CompleteOrder(o.id),
                    ));
                    Vec::new()
                }
                None => Vec::new(),
            },
            (View::Orders, A::RejectOrder) => {
                if let Some(o) = self.open_order() {
                    self.mode = Mode::RejectOrder {
                        order_id: o.id,
                        input: String::new(),
                    };
                }
                Vec::new()
            }
            (View::Orders, A::RateOrder) => {
                match self.orders.selected_order() {
                    Some(o) if o.status == OrderStatus::Completed && o.rating.is_none() => {
                        self.mode = Mode::RateOrder(Box::new(RateForm::new(o.id)));
                    }
                    Some(o) => {
                        let why = match (o.status, &o.rating) {
                            (OrderStatus::Completed, Some(_)) => self.lang.t("ord-already-rated"),
                            _ => self.lang.t("ord-only-completed"),
                        };
                        let msg = crate::tr!(self.lang, "ord-cannot-rate", id = o.id, why = why);
                        self.set_message(msg, true);
                    }
                    None => self.set_message(self.lang.t("ord-none-selected"), true),
                }
                Vec::new()
            }
            (View::Report, A::MoveDown) => self.scroll_report(1),
            (View::Report, A::MoveUp) => self.scroll_report(-1),
            (View::Report, A::PageDown) => self.scroll_report(self.queue.height.max(1) as i64),
            (View::Report, A::PageUp) => self.scroll_report(-(self.queue.height.max(1) as i64)),
            (View::Report, A::Top) => self.scroll_report(i64::MIN / 2),
            (View::Report, A::Bottom) => self.scroll_report(i64::MAX / 2),
            (View::Report, A::PrevMonth) => self.load_report(self.report.month.prev()),
            (View::Report, A::NextMonth) => self.load_report(self.report.month.next()),
            (View::Orders | View::Report, A::Refresh) => self.view_requests(),
            (View::Orders | View::Report | View::Triage, A::Back) => self.show_view(View::Tickets),
            (_, A::ShowOrders) => {
                if view == View::Orders {
                    self.show_view(View::Tickets)
                } else {
                    self.show_view(View::Orders)
                }
            }
            (_, A::ShowReport) => {
                if view == View::Report {
                    self.show_view(View::Tickets)
                } else {
                    self.show_view(View::Report)
                }
            }
            (_, A::CompleteOrder | A::RejectOrder | A::RateOrder) => {
                self.set_message(self.lang.t("ord-actions-elsewhere"), true);
                Vec::new()
            }
            (_, A::PrevMonth | A::NextMonth) => {
                self.set_message(self.lang.t("ord-months-elsewhere"), true);
                Vec::new()
            }
            (View::Tickets, _) => return None,
            // Ticket-only actions do nothing outside the ticket view.
            (_, A::Quit | A::Help | A::Palette) => return None,
            _ => Vec::new(),
        })
    }

    fn open_order(&mut self) -> Option<Order> {
        match self.orders.selected_order() {
            Some(o) if o.is_open() => Some(o.clone()),
            Some(o) => {
                let msg = crate::tr!(
                    self.lang,
                    "ord-already",
                    id = o.id,
                    status = self.lang.word("order-status", o.status.as_str())
                );
                self.set_message(msg, true);
                None
            }
            None => {
                self.set_message(self.lang.t("ord-none-selected"), true);

                None
            }
        }
    }

    fn move_order(&mut self, by: i64) -> Vec<Request> {
        let n = self.orders.orders.len() as i64;
        if n > 0 {
            self.orders.selected = (self.orders.selected as i64 + by).clamp(0, n - 1) as usize;
        }
        Vec::new()
    }

    fn scroll_report(&mut self, by: i64) -> Vec<Request> {
        // The table shows as many rows as the queue pane it replaces.
        let n = self.report.report.as_ref().map_or(0, |r| r.orgs.len()) as i64;
        let last_top = (n - self.queue.height.max(1) as i64).max(0);
        self.report.scroll = (self.report.scroll as i64 + by).clamp(0, last_top) as usize;
        Vec::new()
    }

    pub fn show_view(&mut self, view: View) -> Vec<Request> {
        self.view = view;
        self.mode = Mode::Normal;
        self.view_requests()
    }

    fn view_requests(&mut self) -> Vec<Request> {
        match self.view {
            View::Tickets => Vec::new(),
            View::Orders => vec![Request::Orders, Request::Orgs],
            View::Report => self.load_report(self.report.month),
            View::Triage => vec![Request::Triage, Request::Orgs],
        }
    }

    fn load_report(&mut self, month: YearMonth) -> Vec<Request> {
        self.report.month = month;
        self.report.scroll = 0;
        self.report.loading = true;
        vec![Request::Report(month)]
    }

    pub(super) fn order_form_key(
        &mut self,
        mut form: Box<NewOrderForm>,
        key: KeyEvent,
    ) -> Vec<Request> {
        if key.code == KeyCode::Char('s') && key.modifiers.contains(KeyModifiers::CONTROL) {
            let result = form.validate(&self.policies, &self.orgs, &self.orders.orders, self.now);
            self.mode = Mode::NewOrder(form);
            return match result {
                Ok(new) => vec![Request::CreateOrder(new)],
                Err((_, e)) => {
                    self.set_message(e, true);
                    Vec::new()
                }
            };
        }
        let has_text = form.has_text();
        match discard_gate(&mut form.confirm_discard, has_text, &key) {
            DiscardGate::Closed => {}
            DiscardGate::Asked => self.mode = Mode::NewOrder(form),
            DiscardGate::Pass => {
                form.key(key, &self.orgs);
                self.mode = Mode::NewOrder(form);
            }
        }
        Vec::new()
    }

    pub(super) fn rate_form_key(&mut self, mut form: Box<RateForm>, key: KeyEvent) -> Vec<Request> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Char('s') if ctrl => match form.error() {
                None => {
                    let req = Request::RateOrder {
                        id: form.order_id,
                        speed: i64::from(form.speed),
                        quality: i64::from(form.quality),
                        feedback: form.feedback.trim().to_string(),
                    };
                    self.mode = Mode::RateOrder(form);
                    vec![req]
                }
                Some(e) => {
                    self.mode = Mode::RateOrder(form);
                    self.set_message(e, true);
                    Vec::new()
                }
            },
            _ => {
                form.key(key);
                self.mode = Mode::RateOrder(form);
                Vec::new()
            }
        }
    }

    pub(super) fn reject_key(
        &mut self,
        order_id: i64,
        mut input: String,
        key: KeyEvent,
    ) -> Vec<Request> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => match orders::check_reject(OrderStatus::Processing, input.trim()) {
                Ok(()) => {
                    let reason = input.trim().to_string();
                    self.mode = Mode::RejectOrder { order_id, input };
                    vec![Request::RejectOrder {
                        id: order_id,
                        reason,
                    }]
                }
                Err(e) => {
                    self.mode = Mode::RejectOrder { order_id, input };
                    self.set_message(e.0, true);
                    Vec::new()
                }
            },
            _ => {
                edit_line(&mut input, &key);
                self.mode = Mode::RejectOrder { order_id, input };
                Vec::new()
            }
        }
    }

    /// The orders arrived: keep the same order selected when it is still there.
    pub(super) fn orders_loaded(&mut self, orders: Vec<Order>, select: Option<i64>) {
        let keep = select.or_else(|| self.orders.selected_order().map(|o| o.id));
        self.orders.orders = orders;
        self.orders.loaded = true;
        self.orders.selected = keep
            .and_then(|id| self.orders.orders.iter().position(|o| o.id == id))
            .unwrap_or(self.orders.selected)
            .min(self.orders.orders.len().saturating_sub(1));
    }

    /// At-risk share of the policy set an order's organization uses.
    pub fn order_state(&self, o: &Order) -> RowState {
        let share = self
            .orgs
            .iter()
            .find(|g| g.id == o.org_id)
            .and_then(|g| self.policies.get(&g.policy_set))
            .map_or(0.75, |s| s.at_risk_share);
        order_row_state(o, self.now, share)
    }
}
