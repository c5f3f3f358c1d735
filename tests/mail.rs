//! Customers in the loop (issue 16) through the command line: contacts, requester and
//! channel, mail in (the fixture corpus under tests/fixtures/mail), follow-ups that move the
//! ticket, next-response and resolution clocks, and the outbox.

mod common;

use common::{Desk, NOW};
use serde_json::Value;

fn desk_with_contacts() -> Desk {
    let d = Desk::new();
    d.add_org("Acme", "connected-care", "enterprise", "Europe/Berlin");
    d.add_org("天翼客户", "ctyun", "business", "Asia/Shanghai");
    d.ok(&[
        "org",
        "contact",
        "Acme",
        "--add",
        "Ops@Acme.example",
        "--add",
        "@acme.example",
    ]);
    d.ok(&["org", "contact", "天翼客户", "--add", "@ctyun-customer.cn"]);
    d
}

#[test]
fn contacts_are_added_listed_and_removed() {
    let d = desk_with_contacts();
    let out = d.ok(&["org", "contact", "Acme"]);
    assert_eq!(out, "@acme.example\nops@acme.example\n");
    let v = d.json(&["org", "show", "Acme", "--json"]);
    assert_eq!(
        v["contacts"],
        serde_json::json!(["@acme.example", "ops@acme.example"])
    );
    let text = d.ok(&["org", "show", "Acme"]);
    assert!(
        text.contains("contacts: @acme.example, ops@acme.example"),
        "{text}"
    );
    let out = d.ok(&["org", "contact", "Acme", "--remove", "@ACME.example"]);
    assert_eq!(out, "ops@acme.example\n");
    d.refused(
        &["org", "contact", "Acme", "--remove", "nobody@acme.example"],
        1,
        &["no contact", "nobody@acme.example"],
    );
    d.refused(
        &["org", "contact", "Acme", "--add", "not an address"],
        1,
        &["not a mail address"],
    );
    d.refused(
        &["org", "contact", "Nope", "--add", "a@b.example"],
        1,
        &["Nope"],
    );
}

#[test]
fn tickets_carry_requester_and_channel() {
    let d = desk_with_contacts();
    let v = d.json(&[
        "ticket",
        "new",
        "--org",
        "Acme",
        "--kind",
        "technical",
        "--severity",
        "S2",
        "--summary",
        "Hotline call",
        "--channel",
        "phone",
        "--requester",
        "Li.Wei@Acme.example",
        "--requester-name",
        "李伟",
        "--json",
    ]);
    assert_eq!(v["channel"], "phone");
    assert_eq!(v["requester"]["address"], "li.wei@acme.example");
    assert_eq!(v["requester"]["name"], "李伟");
    let id = v["id"].as_i64().unwrap().to_string();
    let text = d.ok(&["ticket", "show", &id]);
    assert!(
        text.contains("requester     李伟 <li.wei@acme.example>   channel phone"),
        "{text}"
    );
    let v = d.json(&["ticket", "show", &id, "--json"]);
    assert_eq!(v["channel"], "phone");
    // no requester, no channel: null
    let v = d.json(&[
        "ticket",
        "new",
        "--org",
        "Acme",
        "--kind",
        "technical",
        "--severity",
        "S3",
        "--summary",
        "x",
        "--json",
    ]);
    assert_eq!(v["requester"], Value::Null);
    assert_eq!(v["channel"], Value::Null);
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Acme",
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
            "--requester",
            "nope",
        ],
        1,
        &["not a mail address"],
    );
    d.refused(
        &[
            "ticket",
            "new",
            "--org",
            "Acme",
            "--kind",
            "technical",
            "--severity",
            "S3",
            "--summary",
            "x",
            "--channel",
            "fax",
        ],
        2,
        &["fax"],
    );
    // export → import keeps them
    let export = d.export();
    assert!(export.contains("\"channel\":\"phone\""), "{export}");
    let _ = NOW;
}
