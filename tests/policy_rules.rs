//! The policy rules (`policy::rules`) against the built-in policy sets. They live here, not
//! beside the rules, because loading the sets is `config`'s job and the pure `policy` module
//! must not import it (not even in tests: no module circle anywhere under `src/`).

use tuidesk::domain::{RuleError, TicketKind};
use tuidesk::policy::PolicyRegistry;
use tuidesk::policy::rules::{validate_kind_severity, validate_org};

fn registry() -> PolicyRegistry {
    tuidesk::config::policies::builtin().expect("built-in policies parse")
}

#[test]
fn no_s1_on_billing() {
    let reg = registry();
    let cc = reg.get("connected-care").unwrap();
    let err =
        validate_kind_severity(cc, "Acme", "enterprise", TicketKind::Billing, "S1").unwrap_err();
    assert_eq!(err, RuleError::BillingSeverity("S1".into()));
    assert!(validate_kind_severity(cc, "Acme", "enterprise", TicketKind::Billing, "S2").is_ok());
    assert!(validate_kind_severity(cc, "Acme", "enterprise", TicketKind::Technical, "S1").is_ok());
}

#[test]
fn basic_plan_has_no_technical_tickets() {
    let reg = registry();
    let cc = reg.get("connected-care").unwrap();
    let err = validate_kind_severity(cc, "Acme", "basic", TicketKind::Technical, "S3").unwrap_err();
    assert!(matches!(err, RuleError::TechnicalNotAllowed { .. }));
    assert!(err.to_string().contains("only billing tickets"));
    assert!(validate_kind_severity(cc, "Acme", "basic", TicketKind::Billing, "S3").is_ok());
}

#[test]
fn severity_must_belong_to_the_set() {
    let reg = registry();
    let ctyun = reg.get("ctyun").unwrap();
    let err =
        validate_kind_severity(ctyun, "X", "business", TicketKind::Technical, "S1").unwrap_err();
    assert!(err.to_string().contains("urgent, general"), "{err}");
    assert!(
        validate_kind_severity(ctyun, "X", "business", TicketKind::Technical, "urgent").is_ok()
    );
    assert!(validate_kind_severity(ctyun, "X", "standard", TicketKind::Billing, "urgent").is_ok());
}

#[test]
fn org_validation_names_what_is_wrong() {
    let reg = registry();
    assert!(validate_org(&reg, "A", "connected-care", "premium", "Asia/Tokyo").is_ok());
    let e = validate_org(&reg, "A", "nope", "premium", "Asia/Tokyo").unwrap_err();
    assert!(e.to_string().contains("connected-care"));
    let e = validate_org(&reg, "A", "ctyun", "premium", "Asia/Tokyo").unwrap_err();
    assert!(e.to_string().contains("standard"), "{e}");
    let e = validate_org(&reg, "A", "ctyun", "business", "Mars/Olympus").unwrap_err();
    assert!(e.to_string().contains("IANA"));
}
