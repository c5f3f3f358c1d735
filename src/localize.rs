//! Errors in the user's language: the rule and store errors a user meets most, worded from
//! the catalogue (`errors.ftl`). An error this does not know keeps its English text, so
//! nothing is ever lost; `--json` and logs never come through here.

use crate::domain::RuleError;
use crate::i18n::Lang;
use crate::store::{DbFailure, StoreError};
use crate::tr;

/// A domain rule's refusal.
pub fn rule_error(lang: Lang, e: &RuleError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        RuleError::UnknownPolicySet(name, known) => {
            tr!(
                lang,
                "err-unknown-policy-set",
                name = q(name),
                known = known
            )
        }
        RuleError::UnknownPlan { set, plan, known } => tr!(
            lang,
            "err-unknown-plan",
            set = q(set),
            plan = q(plan),
            known = known
        ),
        RuleError::UnknownSeverity {
            set,
            severity,
            known,
        } => tr!(
            lang,
            "err-unknown-severity",
            set = q(set),
            severity = q(severity),
            known = known
        ),
        RuleError::BillingSeverity(s) => tr!(lang, "err-billing-severity", severity = s),
        RuleError::TechnicalNotAllowed { org, plan } => tr!(
            lang,
            "err-technical-not-allowed",
            org = q(org),
            plan = q(plan)
        ),
        RuleError::UnknownTimeZone(z) => tr!(lang, "err-unknown-time-zone", zone = q(z)),
        RuleError::EmptySummary => tr!(lang, "err-empty-summary"),
        RuleError::SummaryTooLong(n) => tr!(
            lang,
            "err-summary-too-long",
            n = *n,
            max = crate::domain::MAX_SUMMARY_CHARS
        ),
        RuleError::BodyTooLong { what, len } => tr!(
            lang,
            "err-body-too-long",
            what = lang.word("what", what),
            n = *len,
            max = crate::domain::MAX_BODY_BYTES
        ),
        RuleError::EmptyBody { what } => {
            tr!(lang, "err-empty-body", what = lang.word("what", what))
        }
        RuleError::EmptyOrgName => tr!(lang, "err-empty-org-name"),
        RuleError::BadUserName(n) => tr!(lang, "err-bad-user-name", name = q(n)),
        RuleError::BadAddress(a) => tr!(lang, "err-bad-address", address = q(a)),
        RuleError::RequesterNameTooLong(n) => tr!(lang, "err-requester-too-long", n = *n),
        RuleError::BadTag(tag, why) => tr!(
            lang,
            "err-bad-tag",
            tag = q(tag),
            why = lang.word("tag-why", why)
        ),
    }
}

/// A ticket's severity as Detail and `ticket show` give it: the level it is handled at,
/// and when an event-assurance window raised it, why and what it was filed at. Level
/// names the catalogue knows (`urgent`, `general`) read in the user's language.
pub fn severity_label(lang: Lang, t: &crate::domain::Ticket) -> String {
    let word = |s: &str| lang.word("severity", s);
    match (&t.effective_severity, &t.severity_note) {
        (Some(e), Some(n)) => tr!(
            lang,
            "severity-raised-why",
            level = word(e),
            why = n,
            filed = word(&t.severity)
        ),
        (Some(e), None) => tr!(
            lang,
            "severity-raised",
            level = word(e),
            filed = word(&t.severity)
        ),
        _ => word(&t.severity),
    }
}

/// A store error (what the worker and the CLI report when a use case fails).
pub fn store_error(lang: Lang, e: &StoreError) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        StoreError::Rule(r) => rule_error(lang, r),
        StoreError::NotFound { what, key } => tr!(
            lang,
            "err-not-found",
            what = lang.word("what", what),
            key = q(key)
        ),
        StoreError::Conflict {
            id,
            expected,
            actual,
            by,
            field,
            old,
            new,
        } => tr!(
            lang,
            "err-conflict",
            id = *id,
            expected = *expected,
            actual = *actual,
            by = by,
            field = lang.word("field", field),
            old = old,
            new = new
        ),
        StoreError::ClaimedBy { id, by } => tr!(lang, "err-claimed-by", id = *id, by = by),
        StoreError::Import { line, message } => {
            tr!(lang, "err-import", line = *line, message = message)
        }
        StoreError::NewerSchema { found, supported } => tr!(
            lang,
            "err-newer-schema",
            found = *found,
            supported = *supported
        ),
        StoreError::Db {
            context,
            kind,
            message,
        } => match kind {
            DbFailure::Busy => tr!(lang, "err-db-busy", context = context),
            DbFailure::DiskFull => tr!(lang, "err-db-disk-full", context = context),
            DbFailure::ReadOnly => tr!(lang, "err-db-read-only", context = context),
            DbFailure::PermissionDenied => {
                tr!(
                    lang,
                    "err-db-permission",
                    context = context,
                    message = message
                )
            }
            _ => e.to_string(),
        },
        _ => e.to_string(),
    }
}

/// The one line `tuidesk: error: …` prints for a failed command: the error and its causes,
/// each known store or rule error in the user's words.
pub fn error_chain(lang: Lang, err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let c = if let Some(s) = cause.downcast_ref::<StoreError>() {
            store_error(lang, s)
        } else if let Some(r) = cause.downcast_ref::<RuleError>() {
            rule_error(lang, r)
        } else {
            cause.to_string()
        };
        if message.is_empty() {
            message = c;
        } else if !message.contains(&c) {
            message.push_str(": ");
            message.push_str(&c);
        }
    }
    message
}

/// `"name"` as the English Display quotes it (`{:?}`), kept in every language.
fn q(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_errors_read_in_the_users_language_and_unknown_ones_keep_english() {
        let e = StoreError::NotFound {
            what: "ticket",
            key: "42".into(),
        };
        assert_eq!(store_error(Lang::En, &e), e.to_string());
        let zh = store_error(Lang::ZhCn, &e);
        assert!(zh.contains("工单") && zh.contains("42"), "{zh}");
        let ja = store_error(Lang::Ja, &e);
        assert!(ja.contains("チケット") && ja.contains("42"), "{ja}");
        let r = RuleError::EmptySummary;
        assert_ne!(rule_error(Lang::Ja, &r), r.to_string());
        let other = StoreError::Other("something odd".into());
        assert_eq!(store_error(Lang::ZhCn, &other), "something odd");
        let chain = anyhow::Error::new(e).context("opening ticket 42");
        let line = error_chain(Lang::ZhCn, &chain);
        assert!(
            line.starts_with("opening ticket 42: ") && line.contains("工单"),
            "{line}"
        );
    }
}
