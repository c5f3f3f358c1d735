//! Issue 14 ("nothing lost, nobody impersonated") and the export rule of issue 12, through
//! the real binary: history the program accepted imports back, export → import → export is
//! byte-identical, backups finish under writers, exports are snapshots, imported values are
//! validated, the audit log names the OS account, files and formats that are someone else's.

mod common;

use common::*;

/// A technical ticket filed while the organization was on Premium, which then moved to Basic
/// (no technical support): the kind rule guards creation, not history, so it imports back.
#[test]
fn history_accepted_once_imports_back_byte_identical() {
    let src = Desk::new();
    src.add_org("Down KK", "connected-care", "premium", "Asia/Tokyo");
    let id = src.ok(&[
        "ticket",
        "new",
        "--org",
        "Down KK",
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "cluster slow",
    ]);
    src.ok(&["ticket", "reply", id.trim(), "--body", "looking"]);
    src.ok_at("2026-03-07T10:00:00Z", &["org", "plan", "Down KK", "basic"]);
    // Today the plan refuses technical tickets.
    src.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Down KK",
            "--kind",
            "technical",
            "--severity",
            "S2",
            "--summary",
            "x",
        ],
        1,
        &["technical"],
    );
    let first = src.export();
    let dst = Desk::new();
    let file = dst.path("all.jsonl");
    std::fs::write(&file, &first).unwrap();
    let out = dst.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("1 tickets"), "{out}");
    let second = dst.export();
    assert_eq!(first, second, "export → import → export changed bytes");
}
