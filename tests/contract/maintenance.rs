//! Maintenance is optional; a backend that offers it checks and copies soundly.

use crate::backend::Backend;
use crate::fixture::*;

pub fn maintenance_when_offered_checks_and_backs_up(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    d.create_ticket(&new_ticket(ACME, "S2", "backed up", ""), &actor("a"), t0())
        .unwrap();
    let Some(m) = d.maintenance() else {
        return;
    };
    assert_eq!(
        m.integrity_check().unwrap(),
        vec!["ok".to_string()],
        "{}",
        b.name()
    );
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backup");
    m.backup_to(&dest, &|_| {}).unwrap();
    assert!(
        dest.exists(),
        "{}: the copy is where it was asked",
        b.name()
    );
    assert!(
        m.backup_to(&dest, &|_| {}).is_err(),
        "{}: an existing file is never overwritten",
        b.name()
    );
}
