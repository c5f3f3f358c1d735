//! `tuidesk reply-template`: the team's shared canned replies, and the engineer's own files
//! listed beside them (issue 17 item 4).

mod common;

use common::*;
use serde_json::Value;

fn desk() -> Desk {
    let d = Desk::new();
    d.add_org("Acme", "connected-care", "enterprise", "Europe/Berlin");
    d
}

#[test]
fn add_list_show_and_remove_a_shared_template() {
    let d = desk();
    let body = "您好 {{customer.name}}，\n关于 #{{ticket.id}}：{{cursor}}\n-- {{engineer.name}}";
    let out = d.ok(&["reply-template", "add", "ack-zh", "--body", body]);
    assert!(out.contains("saved shared template ack-zh"), "{out}");
    let file = d.path("escalate.md");
    std::fs::write(&file, "Escalated #{{ticket.id}} to {{engineer.name}}.\n").unwrap();
    d.ok(&[
        "reply-template",
        "add",
        "escalate",
        "--file",
        file.to_str().unwrap(),
    ]);

    let listed: Value =
        serde_json::from_str(&d.ok(&["reply-template", "list", "--json"])).expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ack-zh", "escalate"]);
    assert_eq!(listed[0]["source"], "shared");
    assert_eq!(listed[0]["body"], body);
    assert!(
        listed[0]["updated_by"]
            .as_str()
            .is_some_and(|b| !b.is_empty())
    );

    assert_eq!(d.ok(&["reply-template", "show", "ack-zh"]).trim_end(), body);
    let text = d.ok(&["reply-template", "list"]);
    assert!(text.contains("ack-zh") && text.contains("shared"), "{text}");

    d.ok(&["reply-template", "remove", "escalate"]);
    let listed: Value =
        serde_json::from_str(&d.ok(&["reply-template", "list", "--json"])).expect("JSON");
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn templates_that_would_fail_at_insert_time_are_refused_when_saved() {
    let d = desk();
    let args = [
        "reply-template",
        "add",
        "bad",
        "--body",
        "Dear {{customer}}",
    ];
    expect_refusal(
        &args,
        &d.run_at(NOW, &args),
        1,
        &["unknown variable", "customer", "customer.name"],
    );
    let args = ["reply-template", "add", "open", "--body", "x {{ticket.id"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["closing"]);
    let args = ["reply-template", "add", "a/b", "--body", "x"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["template name"]);
    let args = ["reply-template", "add", "empty", "--body", "  "];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["empty"]);
    let args = ["reply-template", "add", "none"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["--body", "--file"]);
    let listed: Value =
        serde_json::from_str(&d.ok(&["reply-template", "list", "--json"])).expect("JSON");
    assert!(listed.as_array().unwrap().is_empty(), "nothing was saved");
}

#[test]
fn a_name_in_use_needs_replace_and_removing_a_missing_one_is_an_error() {
    let d = desk();
    d.ok(&["reply-template", "add", "ack", "--body", "one"]);
    let args = ["reply-template", "add", "ack", "--body", "two"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["exists", "--replace"]);
    assert_eq!(d.ok(&["reply-template", "show", "ack"]).trim_end(), "one");
    d.ok(&["reply-template", "add", "ack", "--body", "two", "--replace"]);
    assert_eq!(d.ok(&["reply-template", "show", "ack"]).trim_end(), "two");
    let args = ["reply-template", "remove", "nope"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["nope"]);
    let args = ["reply-template", "show", "nope"];
    expect_refusal(
        &args,
        &d.run_at(NOW, &args),
        1,
        &["nope", "reply-template list"],
    );
}

#[test]
fn an_engineers_own_files_are_listed_and_shadow_shared_ones() {
    let d = desk();
    d.ok(&["reply-template", "add", "ack", "--body", "shared ack"]);
    d.ok(&["reply-template", "add", "bye", "--body", "shared bye"]);
    let config = d.path("cfg");
    let replies = config.join("replies");
    std::fs::create_dir_all(&replies).unwrap();
    std::fs::write(replies.join("ack.md"), "my own ack {{cursor}}\n").unwrap();
    let run = |args: &[&str]| {
        d.cmd_at(NOW, args)
            .env("TUIDESK_CONFIG", config.join("config.toml"))
            .output()
            .expect("tuidesk runs")
    };
    let args = ["reply-template", "list", "--json"];
    let listed: Value = serde_json::from_str(&expect_success(&args, &run(&args))).unwrap();
    let rows: Vec<(String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ack".to_string(), "yours".to_string()),
            ("bye".to_string(), "shared".to_string())
        ]
    );
    let args = ["reply-template", "show", "ack"];
    assert_eq!(
        expect_success(&args, &run(&args)).trim_end(),
        "my own ack {{cursor}}"
    );
    // A broken file of one's own is named, not skipped.
    std::fs::write(replies.join("oops.md"), "{{nope}}").unwrap();
    let args = ["reply-template", "list"];
    expect_refusal(&args, &run(&args), 1, &["oops.md", "nope"]);
}

#[test]
fn template_text_reaches_the_terminal_inert() {
    let d = desk();
    d.ok(&[
        "reply-template",
        "add",
        "evil",
        "--body",
        "hi \u{1b}]0;pwned\u{7} \u{1b}[2J there",
    ]);
    for args in [
        ["reply-template", "show", "evil"].as_slice(),
        &["reply-template", "list"],
    ] {
        let out = d.ok(args);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }
}
