//! The new-ticket form: fields, keyboard editing and inline validation by the domain rules.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::edit_line;
use crate::domain::{self, Environment, Organization, TicketKind};
use crate::i18n::Lang;
use crate::localize;
use crate::policy::PolicyRegistry;
use crate::policy::rules;
use crate::store::NewTicket;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Org,
    Kind,
    Severity,
    Summary,
    Description,
    Component,
    Environment,
    Version,
}

impl FormField {
    pub const ALL: [FormField; 8] = [
        FormField::Org,
        FormField::Kind,
        FormField::Severity,
        FormField::Summary,
        FormField::Description,
        FormField::Component,
        FormField::Environment,
        FormField::Version,
    ];

    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            FormField::Org => "form-org",
            FormField::Kind => "form-kind",
            FormField::Severity => "form-severity",
            FormField::Summary => "form-summary",
            FormField::Description => "form-description",
            FormField::Component => "form-component",
            FormField::Environment => "form-environment",
            FormField::Version => "form-version",
        })
    }

    /// Choice fields cycle with ←/→; the rest take typed text.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            FormField::Org | FormField::Kind | FormField::Severity | FormField::Environment
        )
    }
}

#[derive(Debug, Clone)]
pub struct NewTicketForm {
    pub focus: usize,
    pub org: usize,
    pub kind: TicketKind,
    pub severity: usize,
    pub summary: String,
    pub description: String,
    pub component: String,
    pub environment: Option<Environment>,
    pub version: String,
    pub confirm_discard: bool,
    /// Severity levels of the chosen organization's policy set.
    pub levels: Vec<String>,
    /// Levels billing tickets may not have under that set (skipped while billing).
    pub billing_excluded: Vec<String>,
}

impl Default for NewTicketForm {
    fn default() -> NewTicketForm {
        NewTicketForm {
            focus: 0,
            org: 0,
            kind: TicketKind::Technical,
            // Until the levels load; then the least severe one (a safe default).
            severity: usize::MAX,
            summary: String::new(),
            description: String::new(),
            component: String::new(),
            environment: Some(Environment::Production),
            version: String::new(),
            confirm_discard: false,
            levels: Vec::new(),
            billing_excluded: Vec::new(),
        }
    }
}

impl NewTicketForm {
    pub fn field(&self) -> FormField {
        FormField::ALL[self.focus % FormField::ALL.len()]
    }

    pub fn has_text(&self) -> bool {
        !(self.summary.is_empty()
            && self.description.is_empty()
            && self.component.is_empty()
            && self.version.is_empty())
    }

    pub fn orgs_loaded(&mut self, orgs: &[Organization], policies: &PolicyRegistry) {
        self.org = self.org.min(orgs.len().saturating_sub(1));
        self.refresh_levels(orgs, policies);
    }

    fn refresh_levels(&mut self, orgs: &[Organization], policies: &PolicyRegistry) {
        let set = orgs.get(self.org).and_then(|o| policies.get(&o.policy_set));
        let levels = set.map(|s| s.severities.clone()).unwrap_or_default();
        self.billing_excluded = set
            .map(|s| s.billing_excluded_severities.clone())
            .unwrap_or_default();
        if levels != self.levels {
            // Another set of levels: start again at the least severe.
            self.severity = levels.len().saturating_sub(1);
            self.levels = levels;
        }
        self.severity = self.severity.min(self.levels.len().saturating_sub(1));
        self.skip_excluded(true);
    }

    /// Whether the ticket's kind may have level `i` (billing tickets exclude some).
    pub fn level_allowed(&self, i: usize) -> bool {
        let Some(level) = self.levels.get(i) else {
            return false;
        };
        self.kind != TicketKind::Billing || !self.billing_excluded.contains(level)
    }

    /// Moves off a level the kind cannot have, towards the less severe ones first.
    fn skip_excluded(&mut self, towards_less_severe: bool) {
        let n = self.levels.len();
        for step in 0..n {
            let i = if towards_less_severe {
                (self.severity + step) % n
            } else {
                (self.severity + n - step % n) % n
            };
            if self.level_allowed(i) {
                self.severity = i;
                return;
            }
        }
    }

    /// Pasted text: a one-line field takes it as one line (newlines become spaces), so
    /// nothing spills into the next field; the description keeps its lines.
    pub fn paste(&mut self, text: &str) {
        let field = self.field();
        let target = match field {
            FormField::Summary => &mut self.summary,
            FormField::Description => &mut self.description,
            FormField::Component => &mut self.component,
            FormField::Version => &mut self.version,
            _ => return,
        };
        for c in text.chars() {
            let c = match c {
                '\n' if field == FormField::Description => '\n',
                '\n' | '\t' => ' ',
                c => c,
            };
            if (c == '\n' || !c.is_control())
                && (field == FormField::Description || target.chars().count() < 200)
            {
                target.push(c);
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent, orgs: &[Organization], policies: &PolicyRegistry) {
        let n = FormField::ALL.len();
        match key.code {
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Left | KeyCode::Right if self.field().is_choice() => {
                let forward = key.code == KeyCode::Right;
                let step = |i: usize, len: usize| {
                    if len == 0 {
                        0
                    } else if forward {
                        (i + 1) % len
                    } else {
                        (i + len - 1) % len
                    }
                };
                match self.field() {
                    FormField::Org => {
                        self.org = step(self.org, orgs.len());
                        self.refresh_levels(orgs, policies);
                    }
                    FormField::Kind => {
                        self.kind = if self.kind == TicketKind::Technical {
                            TicketKind::Billing
                        } else {
                            TicketKind::Technical
                        };
                        self.skip_excluded(true);
                    }
                    FormField::Severity => {
                        self.severity = step(self.severity, self.levels.len());
                        self.skip_excluded(forward);
                    }
                    FormField::Environment => {
                        self.environment = match self.environment {
                            Some(Environment::Production) => Some(Environment::NonProduction),
                            Some(Environment::NonProduction) => None,
                            None => Some(Environment::Production),
                        }
                    }
                    _ => {}
                }
            }
            KeyCode::Enter if self.field() == FormField::Description => self.description.push('\n'),
            KeyCode::Enter => self.focus = (self.focus + 1) % n,
            _ => {
                let multiline = self.field() == FormField::Description;
                let target = match self.field() {
                    FormField::Summary => &mut self.summary,
                    FormField::Description => &mut self.description,
                    FormField::Component => &mut self.component,
                    FormField::Version => &mut self.version,
                    _ => return,
                };
                if multiline {
                    match key.code {
                        KeyCode::Backspace => {
                            target.pop();
                        }
                        KeyCode::Char(c) if !c.is_control() => target.push(c),
                        _ => {}
                    }
                } else {
                    edit_line(target, &key);
                }
            }
        }
    }

    /// Errors per field, by the same rules the store enforces.
    pub fn errors(
        &self,
        lang: Lang,
        policies: &PolicyRegistry,
        orgs: &[Organization],
        now: DateTime<Utc>,
    ) -> Vec<(FormField, String)> {
        let mut out = Vec::new();
        let Some(org) = orgs.get(self.org) else {
            out.push((FormField::Org, lang.t("form-no-org")));
            return out;
        };
        match rules::policy_set(policies, &org.policy_set) {
            Err(e) => out.push((FormField::Org, localize::rule_error(lang, &e))),
            Ok(set) => {
                // The plan the store will serve the ticket on (a linked account's parent's).
                let plan = set.effective_plan(org.plan_for_tickets(), org.local_date(now));
                let severity = self.levels.get(self.severity).cloned().unwrap_or_default();
                if let Err(e) =
                    rules::validate_kind_severity(set, &org.name, plan, self.kind, &severity)
                {
                    let field = match e {
                        domain::RuleError::TechnicalNotAllowed { .. } => FormField::Kind,
                        _ => FormField::Severity,
                    };
                    out.push((field, localize::rule_error(lang, &e)));
                }
            }
        }
        if let Err(e) = domain::validate_summary(&self.summary) {
            out.push((FormField::Summary, localize::rule_error(lang, &e)));
        }
        if let Err(e) = domain::validate_body("description", &self.description, true) {
            out.push((FormField::Description, localize::rule_error(lang, &e)));
        }
        out
    }

    pub fn validate(
        &self,
        policies: &PolicyRegistry,
        orgs: &[Organization],
        now: DateTime<Utc>,
    ) -> Result<NewTicket, Vec<(FormField, String)>> {
        // Only whether there are errors matters here; the form shows them in the user's words.
        let errors = self.errors(Lang::En, policies, orgs, now);
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(NewTicket {
            org: orgs[self.org].name.clone(),
            kind: Some(self.kind),
            severity: self.levels[self.severity].clone(),
            summary: self.summary.trim().to_string(),
            description: self.description.clone(),
            component: text(&self.component),
            environment: if self.kind == TicketKind::Technical {
                self.environment
            } else {
                None
            },
            affected_version: text(&self.version),
            ..NewTicket::default()
        })
    }
}
