//! Files on tickets (issue 17 item 7): `ticket reply|note ID --attach PATH…` stores them with
//! the entry, `ticket show` lists them, `ticket attachment ID NAME --out PATH|-` gives them
//! back byte for byte; a mailed reply carries its file; refusals store nothing.

mod common;

use common::*;
use serde_json::Value;

fn acme() -> Desk {
    Desk::with_orgs(&[("Acme", "connected-care", "enterprise", "Europe/Berlin")])
}

fn desk() -> Desk {
    let d = acme();
    d.new_ticket("Acme", "S2", "slow queries", &[]);
    d
}

/// `ticket note 1 --body n --attach FILE`.
fn note_with(file: &std::path::Path) -> [&str; 7] {
    let file = file.to_str().expect("a UTF-8 path");
    ["ticket", "note", "1", "--body", "n", "--attach", file]
}

fn show(d: &Desk) -> Value {
    serde_json::from_str(&d.ok(&["ticket", "show", "1", "--json"])).expect("JSON")
}

fn attachments_of(v: &Value) -> Vec<(String, i64)> {
    v["conversation"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            e["mail"]["attachments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["size"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_note_keeps_its_files_and_gives_them_back_byte_for_byte() {
    let d = desk();
    let log = d.path("slow.log");
    let bin = d.path("plan.bin");
    std::fs::write(&log, "Query_time: 12.5\n").unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    std::fs::write(&bin, &bytes).unwrap();
    let out = d.ok(&[
        "ticket",
        "note",
        "1",
        "--body",
        "logs attached",
        "--attach",
        log.to_str().unwrap(),
        "--attach",
        bin.to_str().unwrap(),
    ]);
    assert!(out.contains("with 2 attachments"), "{out}");
    let v = show(&d);
    assert_eq!(
        attachments_of(&v),
        [
            ("slow.log".to_string(), 17),
            ("plan.bin".to_string(), 70_000)
        ]
    );
    let text = d.ok(&["ticket", "show", "1"]);
    assert!(
        text.contains("slow.log") && text.contains("plan.bin"),
        "{text}"
    );

    let back = d.path("back.bin");
    d.ok(&[
        "ticket",
        "attachment",
        "1",
        "plan.bin",
        "--out",
        back.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&back).unwrap(), bytes);
    let out = d.run_at(
        NOW,
        &["ticket", "attachment", "1", "slow.log", "--out", "-"],
    );
    assert_eq!(out.stdout, b"Query_time: 12.5\n");
    // By number too.
    let id = v["conversation"][0]["mail"]["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let out = d.run_at(
        NOW,
        &["ticket", "attachment", "1", &format!("#{id}"), "--out", "-"],
    );
    assert_eq!(out.stdout, b"Query_time: 12.5\n");
    // The audit log says who attached what.
    let events = v["events"].to_string();
    assert!(
        events.contains("slow.log") && events.contains("plan.bin"),
        "{events}"
    );
}

#[test]
fn one_attach_flag_takes_several_paths() {
    let d = desk();
    let a = d.path("a.txt");
    let b = d.path("说明.txt");
    std::fs::write(&a, "aaa\n").unwrap();
    std::fs::write(&b, "你好\n").unwrap();
    let out = d.ok(&[
        "ticket",
        "note",
        "1",
        "--attach",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--body",
        "two files, one flag",
    ]);
    assert!(out.contains("with 2 attachments"), "{out}");
    assert_eq!(
        attachments_of(&show(&d)),
        [("a.txt".to_string(), 4), ("说明.txt".to_string(), 7)]
    );
}

#[test]
fn wrong_names_existing_targets_and_bad_files_are_refused() {
    let d = desk();
    let log = d.path("a.log");
    std::fs::write(&log, "x").unwrap();
    d.ok(&note_with(&log));
    let args = ["ticket", "attachment", "1", "b.log", "--out", "-"];
    expect_refusal(
        &args,
        &d.run_at(NOW, &args),
        1,
        &["no attachment b.log", "a.log"],
    );
    let taken = d.path("taken");
    std::fs::write(&taken, "mine").unwrap();
    let args = [
        "ticket",
        "attachment",
        "1",
        "a.log",
        "--out",
        taken.to_str().unwrap(),
    ];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["already exists"]);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
    let args = ["ticket", "attachment", "9", "a.log", "--out", "-"];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["9"]);

    let dir = d.path("adir");
    std::fs::create_dir(&dir).unwrap();
    for (file, said) in [
        (dir, "not a regular file"),
        (d.path("missing.txt"), "missing.txt"),
    ] {
        let args = note_with(&file);
        expect_refusal(&args, &d.run_at(NOW, &args), 1, &[said]);
    }
    // Nothing of the refused notes was stored.
    assert_eq!(show(&d)["conversation"].as_array().unwrap().len(), 1);
}

#[test]
fn a_mailed_reply_carries_its_one_file_and_refuses_more() {
    let d = acme();
    d.new_ticket("Acme", "S2", "slow", &["--requester", "ops@acme.example"]);
    let (a, b) = (d.path("a.txt"), d.path("b.txt"));
    std::fs::write(&a, "A").unwrap();
    std::fs::write(&b, "B").unwrap();
    let args = [
        "ticket",
        "reply",
        "1",
        "--body",
        "two",
        "--attach",
        a.to_str().unwrap(),
        "--attach",
        b.to_str().unwrap(),
    ];
    expect_refusal(&args, &d.run_at(NOW, &args), 1, &["at most one attachment"]);
    let queue: Value = serde_json::from_str(&d.ok(&["mail", "queue", "--json"])).unwrap();
    assert!(
        queue.as_array().unwrap().is_empty(),
        "nothing queued: {queue}"
    );
    d.ok(&[
        "ticket",
        "reply",
        "1",
        "--body",
        "one",
        "--attach",
        a.to_str().unwrap(),
    ]);
    let queue: Value = serde_json::from_str(&d.ok(&["mail", "queue", "--json"])).unwrap();
    assert_eq!(queue[0]["attachment"], "a.txt", "{queue}");
    assert_eq!(attachments_of(&show(&d)), [("a.txt".to_string(), 1)]);
}
