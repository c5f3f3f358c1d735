//! Canned replies: a template's text with `{{variables}}` filled from the ticket in hand.
//! Pure: the caller gathers the values (no store, no clock). An unknown variable, or a known
//! one with no value for this ticket, is an error at insert time, never text sent to a
//! customer.

use std::fmt;

/// Where a template comes from: a file of the engineer's own (`config_dir/replies/NAME.md`)
/// or the team's shared set in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    File(String),
    Shared,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTemplate {
    pub name: String,
    pub body: String,
    pub source: TemplateSource,
    /// Who last saved a shared template, and when (`None` for files).
    pub updated_by: Option<String>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The variables a template may use, in the order help and errors list them.
pub const VARIABLES: [&str; 6] = [
    "customer.name",
    "ticket.id",
    "ticket.summary",
    "sla.due_customer",
    "engineer.name",
    "cursor",
];

/// The values for one ticket; `None` where the ticket has none (say why).
#[derive(Debug, Clone)]
pub struct TemplateContext {
    pub customer_name: String,
    pub ticket_id: i64,
    pub ticket_summary: String,
    /// The due instant of the most urgent running target, in the customer's zone.
    pub due_customer: Result<String, String>,
    pub engineer_name: String,
}

impl TemplateContext {
    /// The values for `ticket`: the requester's name (else the organization's), and the
    /// due instant of its most urgent running target in the customer's zone.
    pub fn for_ticket(
        ticket: &crate::domain::Ticket,
        customer_tz: Option<chrono_tz::Tz>,
        engineer: &str,
    ) -> TemplateContext {
        let customer_name = ticket
            .requester_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| ticket.org.clone());
        let due_customer = match (ticket.next_due, customer_tz) {
            (Some(due), Some(tz)) => Ok(format!(
                "{} {}",
                due.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                tz.name()
            )),
            (Some(due), None) => Ok(format!("{} UTC", due.format("%Y-%m-%d %H:%M"))),
            (None, _) => Err(format!(
                "ticket #{} has no running SLA target (met, paused, done or none under its plan)",
                ticket.id
            )),
        };
        TemplateContext {
            customer_name,
            ticket_id: ticket.id,
            ticket_summary: ticket.summary.clone(),
            due_customer,
            engineer_name: engineer.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unknown { name: String, line: usize },
    Unterminated { line: usize },
    NoValue { name: String, why: String },
    TwoCursors { line: usize },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unknown { name, line } => write!(
                f,
                "unknown variable {{{{{name}}}}} on line {line} (known: {})",
                VARIABLES.join(", ")
            ),
            TemplateError::Unterminated { line } => {
                write!(f, "a {{{{ without a closing }}}} on line {line}")
            }
            TemplateError::NoValue { name, why } => write!(f, "{{{{{name}}}}}: {why}"),
            TemplateError::TwoCursors { line } => {
                write!(f, "a second {{{{cursor}}}} on line {line} (one is allowed)")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// The filled-in text and where the editor's cursor goes (row, column in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub cursor: Option<(usize, usize)>,
}

/// One piece of a template: literal text or a variable.
enum Piece<'a> {
    Text(&'a str),
    Var { name: &'a str, line: usize },
}

fn pieces(body: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut line = 1;
    while let Some(start) = rest.find("{{") {
        let (before, after) = rest.split_at(start);
        out.push(Piece::Text(before));
        line += before.matches('\n').count();
        let inner = &after[2..];
        let Some(end) = inner.find("}}") else {
            return Err(TemplateError::Unterminated { line });
        };
        let raw = &inner[..end];
        if raw.contains('\n') {
            return Err(TemplateError::Unterminated { line });
        }
        let name = raw.trim();
        if !VARIABLES.contains(&name) {
            return Err(TemplateError::Unknown {
                name: name.to_string(),
                line,
            });
        }
        out.push(Piece::Var { name, line });
        rest = &inner[end + 2..];
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// Checks a template without a ticket: every variable known, every `{{` closed, one cursor
/// at most. `reply-template add` refuses what this refuses.
pub fn validate(body: &str) -> Result<(), TemplateError> {
    let mut cursors = 0;
    for p in pieces(body)? {
        if let Piece::Var {
            name: "cursor",
            line,
        } = p
        {
            cursors += 1;
            if cursors > 1 {
                return Err(TemplateError::TwoCursors { line });
            }
        }
    }
    Ok(())
}

/// Fills a template for one ticket.
pub fn render(body: &str, ctx: &TemplateContext) -> Result<Rendered, TemplateError> {
    validate(body)?;
    let mut text = String::with_capacity(body.len() + 64);
    let mut cursor = None;
    for p in pieces(body)? {
        match p {
            Piece::Text(t) => text.push_str(t),
            Piece::Var { name, .. } => match name {
                "customer.name" => text.push_str(&ctx.customer_name),
                "ticket.id" => text.push_str(&ctx.ticket_id.to_string()),
                "ticket.summary" => text.push_str(&ctx.ticket_summary),
                "engineer.name" => text.push_str(&ctx.engineer_name),
                "sla.due_customer" => match &ctx.due_customer {
                    Ok(due) => text.push_str(due),
                    Err(why) => {
                        return Err(TemplateError::NoValue {
                            name: name.to_string(),
                            why: why.clone(),
                        });
                    }
                },
                _ => {
                    let row = text.matches('\n').count();
                    let col = text
                        .rsplit('\n')
                        .next()
                        .map(|l| l.chars().count())
                        .unwrap_or(0);
                    cursor = Some((row, col));
                }
            },
        }
    }
    Ok(Rendered { text, cursor })
}

/// A template name: what `reply-template add` and the files' stems may be called.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "template name {name:?} must be 1-64 letters, digits, '-', '_' or '.' (not starting with '.')"
        ))
    }
}

/// The templates an engineer can use: their own files first (a file shadows a shared
/// template of the same name), then the team's shared ones.
pub fn merge(own: Vec<ReplyTemplate>, shared: Vec<ReplyTemplate>) -> Vec<ReplyTemplate> {
    let mut all = own;
    for t in shared {
        if !all.iter().any(|mine| mine.name == t.name) {
            all.push(t);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> TemplateContext {
        TemplateContext {
            customer_name: "王芳".into(),
            ticket_id: 42,
            ticket_summary: "数据库连接失败".into(),
            due_customer: Ok("2026-11-26 14:45 Asia/Shanghai".into()),
            engineer_name: "alice".into(),
        }
    }

    #[test]
    fn fills_every_variable_and_places_the_cursor() {
        let r = render(
            "您好 {{customer.name}}，\n\n关于 #{{ticket.id}}（{{ ticket.summary }}）：{{cursor}}\n回复期限 {{sla.due_customer}}\n-- {{engineer.name}}",
            &ctx(),
        )
        .unwrap();
        assert_eq!(
            r.text,
            "您好 王芳，\n\n关于 #42（数据库连接失败）：\n回复期限 2026-11-26 14:45 Asia/Shanghai\n-- alice"
        );
        // Row 2, after "关于 #42（数据库连接失败）：" counted in characters, not bytes.
        assert_eq!(
            r.cursor,
            Some((2, "关于 #42（数据库连接失败）：".chars().count()))
        );
    }

    #[test]
    fn without_a_cursor_variable_there_is_no_cursor() {
        assert_eq!(render("Hi", &ctx()).unwrap().cursor, None);
        assert_eq!(render("{{cursor}}Hi", &ctx()).unwrap().cursor, Some((0, 0)));
    }

    #[test]
    fn unknown_variables_are_errors_naming_them_and_their_line() {
        let e = render("Hi\nDear {{customer.nmae}}", &ctx()).unwrap_err();
        assert_eq!(
            e,
            TemplateError::Unknown {
                name: "customer.nmae".into(),
                line: 2
            }
        );
        assert!(e.to_string().contains("customer.name"), "{e}");
        assert!(validate("{{ticket.id}} {{oops}}").is_err());
    }

    #[test]
    fn unclosed_braces_and_two_cursors_are_refused() {
        assert_eq!(
            validate("a\nb {{ticket.id"),
            Err(TemplateError::Unterminated { line: 2 })
        );
        assert_eq!(
            validate("{{ticket\n.id}}"),
            Err(TemplateError::Unterminated { line: 1 })
        );
        assert_eq!(
            validate("{{cursor}}\n{{cursor}}"),
            Err(TemplateError::TwoCursors { line: 2 })
        );
        assert!(validate("plain } and { braces are text").is_ok());
    }

    #[test]
    fn a_due_time_the_ticket_does_not_have_is_an_error() {
        let mut c = ctx();
        c.due_customer = Err("ticket #42 has no running SLA target".into());
        let e = render("due {{sla.due_customer}}", &c).unwrap_err();
        assert!(e.to_string().contains("no running SLA target"), "{e}");
        // A template that does not ask for it is fine.
        assert!(render("hello", &c).is_ok());
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("greeting-zh_1.v2").is_ok());
        assert!(check_name("问候").is_ok());
        for bad in ["", ".hidden", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn own_files_come_first_and_shadow_shared_templates_of_the_same_name() {
        let t = |name: &str, body: &str, source: TemplateSource| ReplyTemplate {
            name: name.into(),
            body: body.into(),
            source,
            updated_by: None,
            updated_at: None,
        };
        let mine = || TemplateSource::File("x.md".into());
        let all = merge(
            vec![t("thanks", "mine", mine()), t("solo", "mine", mine())],
            vec![
                t("apology", "shared", TemplateSource::Shared),
                t("thanks", "shared", TemplateSource::Shared),
            ],
        );
        let seen: Vec<(&str, &str)> = all
            .iter()
            .map(|t| (t.name.as_str(), t.body.as_str()))
            .collect();
        assert_eq!(
            seen,
            [("thanks", "mine"), ("solo", "mine"), ("apology", "shared")]
        );
    }
}
