//! Customers in the loop (issue 16) through the command line: contacts, requester and
//! channel, mail in (the fixture corpus under tests/fixtures/mail), follow-ups that move the
//! ticket, next-response and resolution clocks, and the outbox.

mod common;

use common::{Desk, NOW, new_ticket_args};
use serde_json::{Value, json};

fn desk_with_contacts() -> Desk {
    let d = Desk::with_orgs(&[
        ("Acme", "connected-care", "enterprise", "Europe/Berlin"),
        ("天翼客户", "ctyun", "business", "Asia/Shanghai"),
    ]);
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
    let v = d.json(&new_ticket_args(
        "Acme",
        "S2",
        "Hotline call",
        &[
            "--channel",
            "phone",
            "--requester",
            "Li.Wei@Acme.example",
            "--requester-name",
            "李伟",
            "--json",
        ],
    ));
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
    let v = d.json(&new_ticket_args("Acme", "S3", "x", &["--json"]));
    assert_eq!(v["requester"], Value::Null);
    assert_eq!(v["channel"], Value::Null);
    for (extra, code, said) in [
        (["--requester", "nope"], 1, "not a mail address"),
        (["--channel", "fax"], 2, "fax"),
    ] {
        d.refused(&new_ticket_args("Acme", "S3", "x", &extra), code, &[said]);
    }
    // export → import keeps them
    let export = d.export();
    assert!(export.contains("\"channel\":\"phone\""), "{export}");
    let _ = NOW;
}

// ------------------------------------------------------------------------- mail in

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn deliver_bytes_at(d: &Desk, now: &str, raw: &[u8]) -> std::process::Output {
    d.cmd_at(now, &["mail", "deliver"])
        .write_stdin(raw.to_vec())
        .output()
        .expect("tuidesk runs")
}

/// Delivers a fixture; it must be stored (exit 0). Returns what `mail deliver` printed.
fn deliver_at(d: &Desk, now: &str, name: &str) -> String {
    let out = deliver_bytes_at(d, now, &fixture(name));
    common::expect_success(&["mail", "deliver", name], &out)
}

fn deliver(d: &Desk, name: &str) -> String {
    deliver_at(d, NOW, name)
}

/// The desk of the mail tests: the seeds' customers with their mail domains, and a 4 KB
/// attachment limit.
fn mail_desk() -> Desk {
    let d = desk_with_contacts();
    d.add_org("台灣客戶", "connected-care", "premium", "Asia/Taipei");
    d.add_org("日本顧客", "connected-care", "enterprise", "Asia/Tokyo");
    d.add_org("한국고객", "connected-care", "developer", "Asia/Seoul");
    d.ok(&[
        "org",
        "contact",
        "台灣客戶",
        "--add",
        "@tw-customer.example",
    ]);
    d.ok(&[
        "org",
        "contact",
        "日本顧客",
        "--add",
        "@jp-customer.example",
    ]);
    d.ok(&[
        "org",
        "contact",
        "한국고객",
        "--add",
        "@kr-customer.example",
    ]);
    let conf = d.path("config/tuidesk");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("config.toml"),
        "[mail]\nmax_attachment_bytes = 4096\n",
    )
    .unwrap();
    d
}

fn ticket(d: &Desk, id: i64) -> Value {
    d.json(&["ticket", "show", &id.to_string(), "--json"])
}

fn new_ticket_id(out: &str) -> i64 {
    let rest = out
        .strip_prefix("ticket ")
        .unwrap_or_else(|| panic!("not a new ticket: {out}"));
    assert!(out.contains("opened"), "not a new ticket: {out}");
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn every_charset_becomes_a_ticket_in_readable_text() {
    let d = mail_desk();
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        // file, org, summary, a piece of the description, requester name, severity
        (
            "gb2312.eml",
            "天翼客户",
            "数据库连接失败",
            "主备切换后应用报错",
            "张伟",
            "urgent",
        ),
        (
            "gbk.eml",
            "天翼客户",
            "堃哥的集群扩容问题",
            "「堃-03」",
            "王堃",
            "general",
        ),
        (
            "gb18030.eml",
            "天翼客户",
            "生僻字 𠮷 导致导入失败",
            "包含 𠮷（U+20BB7）",
            "吉𠮷",
            "general",
        ),
        (
            "big5.eml",
            "台灣客戶",
            "資料庫無法連線",
            "正式環境的資料庫",
            "林志明",
            "S4",
        ),
        (
            "iso2022jp.eml",
            "日本顧客",
            "データベースに接続できません",
            "本番環境のデータベース",
            "田中太郎",
            "S4",
        ),
        (
            "shiftjis.eml",
            "日本顧客",
            "バックアップの復元について",
            "復元手順を教えてください",
            "鈴木花子",
            "S4",
        ),
        (
            "euckr.eml",
            "한국고객",
            "데이터베이스 연결 오류",
            "연결 오류가 발생했습니다",
            "김민준",
            "S4",
        ),
        (
            "utf8-qp.eml",
            "Acme",
            "Überlastung im Cluster –",
            "überlastet (p99 > 5 s)",
            "Jürgen Müller",
            "S2",
        ),
    ];
    for (file, org, summary, piece, name, sev) in cases {
        let out = deliver(&d, file);
        let id = new_ticket_id(&out);
        let t = ticket(&d, id);
        assert_eq!(t["org"], *org, "{file}");
        assert_eq!(t["summary"], *summary, "{file}");
        assert!(
            t["description"].as_str().unwrap().contains(piece),
            "{file}: {}",
            t["description"]
        );
        assert_eq!(t["requester"]["name"], *name, "{file}");
        assert_eq!(t["channel"], "email", "{file}");
        assert_eq!(t["severity"], *sev, "{file}");
        assert_eq!(t["status"], "new", "{file}");
    }
}

#[test]
fn html_only_mail_becomes_readable_text_and_plain_text_wins_an_alternative() {
    let d = mail_desk();
    let id = new_ticket_id(&deliver(&d, "html-only.eml"));
    let desc = ticket(&d, id)["description"].as_str().unwrap().to_string();
    assert!(
        desc.contains("backup") && desc.contains("node-1") && desc.contains("code"),
        "{desc}"
    );
    assert!(
        !desc.contains("<p>") && !desc.contains("alert(1)") && !desc.contains("color:red"),
        "{desc}"
    );
    let id = new_ticket_id(&deliver(&d, "alternative.eml"));
    let desc = ticket(&d, id)["description"].as_str().unwrap().to_string();
    assert!(desc.contains("Plain text version"), "{desc}");
    assert!(!desc.contains("HTML version"), "{desc}");
}

#[test]
fn attachments_are_stored_and_a_large_one_is_recorded_as_dropped() {
    let d = mail_desk();
    let id = new_ticket_id(&deliver(&d, "attachments.eml"));
    let t = ticket(&d, id);
    assert_eq!(t["severity"], "S3", "the [S3] tag");
    let atts = t["attachments"].as_array().unwrap();
    let names: Vec<&str> = atts.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["tidb.log", "截图.png", "core.dump"]);
    assert_eq!(atts[0]["stored"], true);
    assert_eq!(atts[1]["content_type"], "image/png");
    assert_eq!(atts[2]["stored"], false, "over the 4 KB limit");
    assert_eq!(atts[2]["size"], 10240);
    let log = d.ok(&[
        "mail",
        "attachment",
        &atts[0]["id"].to_string(),
        "--out",
        "-",
    ]);
    assert!(
        log.starts_with("2026-03-06 13:22:01 [ERROR] too many connections"),
        "{log}"
    );
    let text = d.ok(&["ticket", "show", &id.to_string()]);
    assert!(
        text.contains("core.dump (10 KB) dropped: over the size limit"),
        "{text}"
    );
    d.refused(
        &[
            "mail",
            "attachment",
            &atts[2]["id"].to_string(),
            "--out",
            "-",
        ],
        1,
        &["dropped"],
    );
}

#[test]
fn replies_thread_by_subject_tag_and_by_in_reply_to_and_autoreplies_change_nothing() {
    let d = mail_desk();
    assert_eq!(new_ticket_id(&deliver(&d, "gb2312.eml")), 1);
    d.ok(&["ticket", "reply", "1", "--body", "请提供慢日志"]);
    d.ok(&["ticket", "status", "1", "pending"]);
    // an autoreply and a bounce on the thread: kept, marked, the ticket stays pending
    let out = deliver(&d, "autoreply.eml");
    assert!(
        out.contains("ticket 1: customer message") && out.contains("no change"),
        "{out}"
    );
    let out = deliver(&d, "bounce.eml");
    assert!(
        out.contains("ticket 1:") && out.contains("no change"),
        "{out}"
    );
    let t = ticket(&d, 1);
    assert_eq!(t["status"], "pending");
    let conv = t["conversation"].as_array().unwrap();
    assert_eq!(conv.len(), 3);
    assert_eq!(conv[1]["mail"]["auto"], "Auto-Submitted: auto-replied");
    assert_eq!(conv[2]["mail"]["auto"], "delivery status notification");
    // a reply by In-Reply-To only moves pending → open
    let out = deliver(&d, "reply-inreplyto.eml");
    assert_eq!(out.trim(), "ticket 1: customer message 4, pending → open");
    // a reply by [#1] in the subject
    let out = deliver(&d, "reply-tag.eml");
    assert_eq!(out.trim(), "ticket 1: customer message 5");
    let t = ticket(&d, 1);
    assert_eq!(t["status"], "open");
    let conv = t["conversation"].as_array().unwrap();
    assert_eq!(conv[4]["role"], "customer");
    assert_eq!(conv[4]["author"], "张伟 <zhang.wei@ctyun-customer.cn>");
    assert!(conv[4]["body"].as_str().unwrap().contains("重启后仍然报错"));
    // the same Message-ID twice is stored once
    let out = deliver(&d, "reply-tag.eml");
    assert!(out.starts_with("duplicate"), "{out}");
    let out = deliver(&d, "gb2312.eml");
    assert!(out.starts_with("duplicate"), "{out}");
    assert_eq!(ticket(&d, 1)["conversation"].as_array().unwrap().len(), 5);
    assert_eq!(
        d.json(&["ticket", "list", "--all", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_tag_from_a_stranger_does_not_reach_the_ticket() {
    let d = mail_desk();
    deliver(&d, "gb2312.eml");
    let raw = String::from_utf8(fixture("reply-tag.eml"))
        .unwrap()
        .replace("zhang.wei@ctyun-customer.cn", "mallory@elsewhere.example");
    let out = common::expect_success(
        &["mail", "deliver"],
        &deliver_bytes_at(&d, NOW, raw.as_bytes()),
    );
    assert!(out.starts_with("triage item 1: names ticket 1"), "{out}");
    assert_eq!(ticket(&d, 1)["conversation"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_senders_wait_in_triage_and_are_filed_or_discarded() {
    let d = mail_desk();
    let out = deliver(&d, "unknown-sender.eml");
    assert_eq!(
        out.trim(),
        "triage item 1: unknown sender who@elsewhere.example"
    );
    let v = d.json(&["mail", "triage", "--json"]);
    assert_eq!(v[0]["from"]["address"], "who@elsewhere.example");
    assert_eq!(v[0]["subject"], "Can you help?");
    let id: i64 = d
        .ok(&["mail", "file", "1", "--org", "Acme", "--severity", "S3"])
        .trim()
        .parse()
        .unwrap();
    let t = ticket(&d, id);
    assert_eq!(t["org"], "Acme");
    assert_eq!(t["severity"], "S3");
    assert_eq!(t["requester"]["address"], "who@elsewhere.example");
    assert!(
        d.json(&["mail", "triage", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        d.json(&["mail", "triage", "--all", "--json"])[0]["state"],
        "filed"
    );
    d.refused(
        &["mail", "file", "1", "--org", "Acme"],
        1,
        &["already filed"],
    );
    // a second stranger, discarded with a reason
    let raw = String::from_utf8(fixture("unknown-sender.eml"))
        .unwrap()
        .replace("stranger-1@", "stranger-2@");
    deliver_bytes_at(&d, NOW, raw.as_bytes());
    d.refused(
        &["mail", "discard", "2", "--reason", " "],
        1,
        &["reason is empty"],
    );
    d.ok(&["mail", "discard", "2", "--reason", "spam"]);
    let all = d.json(&["mail", "triage", "--all", "--json"]);
    assert_eq!(all[1]["state"], "discarded");
    assert_eq!(all[1]["reason"], "spam");
}

#[test]
fn unparseable_mail_is_quarantined_and_delivery_exits_0() {
    let d = mail_desk();
    let out = deliver(&d, "malformed.eml");
    assert!(out.starts_with("quarantined as 1"), "{out}");
    let q = d.json(&["mail", "quarantine", "--json"]);
    assert_eq!(q[0]["size"], 256);
    let raw = d
        .cmd_at(NOW, &["mail", "quarantine", "--show", "1"])
        .output()
        .unwrap();
    assert_eq!(raw.stdout, fixture("malformed.eml"));
}

#[test]
fn an_unreachable_database_exits_75_so_the_mail_server_retries() {
    let d = mail_desk();
    let mut c = common::base_cmd(d.dir.path());
    let out = c
        .args(["--db", "/nonexistent/dir/desk.db", "mail", "deliver"])
        .write_stdin(fixture("gb2312.eml"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        common::describe(&["mail", "deliver"], &out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("will try again"), "{err}");
}

#[test]
fn hostile_mail_is_stored_inert() {
    let d = mail_desk();
    let id = new_ticket_id(&deliver(&d, "hostile.eml"));
    let t = ticket(&d, id);
    let summary = t["summary"].as_str().unwrap();
    assert!(
        !summary.contains('\n') && !summary.contains('\r') && !summary.contains('\u{1b}'),
        "{summary:?}"
    );
    assert!(
        summary.starts_with("Hi Bcc: victim@elsewhere.example"),
        "{summary:?}"
    );
    assert!(!t["requester"]["name"].as_str().unwrap().contains('\u{1b}'));
    let text = d.ok(&["ticket", "show", &id.to_string()]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    // an answer goes out with one Subject line and no smuggled header
    d.ok(&["ticket", "reply", &id.to_string(), "--body", "ok"]);
    let q = d.json(&["mail", "queue", "--json"]);
    assert!(!q[0]["subject"].as_str().unwrap().contains('\n'));
}

#[test]
fn a_huge_message_and_ten_thousand_parts_stay_bounded() {
    let d = mail_desk();
    // 50 MB: one 37 MB attachment, base64
    let mut raw = b"From: ops@acme.example\r\nSubject: huge\r\nMessage-ID: <huge@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    let line = b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n";
    while raw.len() < 50 * 1024 * 1024 {
        raw.extend_from_slice(line);
    }
    raw.extend_from_slice(b"--B--\r\n");
    let started = std::time::Instant::now();
    let out = common::expect_success(&["mail", "deliver"], &deliver_bytes_at(&d, NOW, &raw));
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let id = new_ticket_id(&out);
    let atts = ticket(&d, id)["attachments"].clone();
    assert_eq!(atts[0]["stored"], false);
    assert!(atts[0]["size"].as_i64().unwrap() > 30_000_000);
    // 10,000 parts: 100 kept, the rest counted
    let mut raw = b"From: ops@acme.example\r\nSubject: parts\r\nMessage-ID: <parts@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"P\"\r\n\r\n--P\r\nContent-Type: text/plain\r\n\r\nmany parts\r\n".to_vec();
    for i in 0..10_000 {
        raw.extend_from_slice(
            format!("--P\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"p{i}.txt\"\r\n\r\nx\r\n").as_bytes(),
        );
    }
    raw.extend_from_slice(b"--P--\r\n");
    let started = std::time::Instant::now();
    let out = common::expect_success(&["mail", "deliver"], &deliver_bytes_at(&d, NOW, &raw));
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let t = ticket(&d, new_ticket_id(&out));
    assert_eq!(t["attachments"].as_array().unwrap().len(), 100);
    assert!(
        t["description"]
            .as_str()
            .unwrap()
            .contains("more attachments were not kept"),
        "{}",
        t["description"]
    );
}

#[test]
fn import_reads_a_maildir_and_an_mbox() {
    let d = mail_desk();
    let md = d.path("Maildir");
    std::fs::create_dir_all(md.join("new")).unwrap();
    std::fs::create_dir_all(md.join("cur")).unwrap();
    std::fs::create_dir_all(md.join("tmp")).unwrap();
    std::fs::write(md.join("new/1.eml"), fixture("gb2312.eml")).unwrap();
    std::fs::write(md.join("cur/2.eml:2,S"), fixture("big5.eml")).unwrap();
    let out = d.ok(&["mail", "import", md.to_str().unwrap()]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let mut mbox = Vec::new();
    for f in ["euckr.eml", "gb2312.eml"] {
        mbox.extend_from_slice(b"From someone@example Fri Mar  6 17:00:00 2026\n");
        mbox.extend_from_slice(
            &fixture(f)
                .iter()
                .copied()
                .filter(|b| *b != b'\r')
                .collect::<Vec<u8>>(),
        );
        mbox.extend_from_slice(b"\n");
    }
    let mb = d.path("inbox.mbox");
    std::fs::write(&mb, mbox).unwrap();
    let out = d.ok(&["mail", "import", mb.to_str().unwrap()]);
    assert!(out.contains("message 1: ticket 3 opened"), "{out}");
    assert!(out.contains("message 2: duplicate"), "{out}");
    d.refused(
        &["mail", "import", d.path("nope").to_str().unwrap()],
        1,
        &["nope"],
    );
}

// ------------------------------------------- follow-ups move the ticket (item 3)

/// A plain UTF-8 message from `from` with `subject`.
fn message(id: &str, from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@desk.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn send_in(d: &Desk, now: &str, raw: &[u8]) -> String {
    common::expect_success(&["mail", "deliver"], &deliver_bytes_at(d, now, raw))
}

/// Ticket 1 mailed in by ops@acme.example at NOW (`subject`), then `then` done to it, then
/// the customer's answer `Re: [#1] Disk full` (`body`) at `at`: the desk, and what the
/// delivery of the answer printed (trimmed).
fn answered(subject: &str, then: &[&[&str]], at: &str, body: &str) -> (Desk, String) {
    let d = mail_desk();
    send_in(
        &d,
        NOW,
        &message("m1@acme.example", "ops@acme.example", subject, "help"),
    );
    for args in then {
        d.ok(args);
    }
    let out = send_in(
        &d,
        at,
        &message(
            "m2@acme.example",
            "ops@acme.example",
            "Re: [#1] Disk full",
            body,
        ),
    );
    (d, out.trim().to_string())
}

/// A customer's answer by the ticket's state: pending and resolved (within the reopen
/// window) reopen it; resolved past the window and closed open a new ticket that follows it.
#[test]
fn a_customer_answer_moves_the_ticket_or_opens_one_that_follows_it() {
    /// (subject of the first mail, what is done to its ticket, when the answer comes, what
    /// delivery says, ticket 1's status after, what else must hold)
    type Case<'a> = (
        &'a str,
        &'a [&'a [&'a str]],
        &'a str,
        &'a str,
        &'a str,
        fn(&Desk),
    );
    let cases: [Case; 4] = [
        (
            "Disk full",
            &[
                &["ticket", "reply", "1", "--body", "Which node?"],
                &["ticket", "status", "1", "pending"],
            ],
            "2026-03-06T18:00:00Z",
            "ticket 1: customer message 2, pending → open",
            "open",
            |d| {
                let t = ticket(d, 1);
                assert_eq!(
                    t["pauses"][0]["end"], "2026-03-06T18:00:00+00:00",
                    "the pause ended"
                );
            },
        ),
        (
            "Disk full",
            &[
                &["ticket", "reply", "1", "--body", "Fixed"],
                &["ticket", "status", "1", "resolved"],
            ],
            "2026-03-09T10:00:00Z",
            "ticket 1: customer message 2, resolved → open",
            "open",
            |d| assert_eq!(ticket(d, 1)["resolved_at"], Value::Null),
        ),
        // 8 days later: past the default 7-day window
        (
            "[S2] Disk full",
            &[
                &["ticket", "reply", "1", "--body", "Fixed"],
                &["ticket", "status", "1", "resolved"],
            ],
            "2026-03-14T17:00:00Z",
            "ticket 2 opened (follows ticket 1)",
            "resolved",
            |d| {
                let t = ticket(d, 2);
                assert_eq!(t["follows"], 1);
                assert_eq!(t["severity"], "S2", "the old ticket's severity");
                assert_eq!(t["summary"], "Re: Disk full");
                let text = d.ok(&["ticket", "show", "2"]);
                assert!(text.contains("follows #1"), "{text}");
            },
        ),
        (
            "Disk full",
            &[&["ticket", "status", "1", "closed"]],
            "2026-03-06T17:00:00Z",
            "ticket 2 opened (follows ticket 1)",
            "closed",
            |d| {
                assert_eq!(ticket(d, 2)["follows"], 1);
                // a reply to the new ticket's thread stays on it
                let irt = "From: ops@acme.example\r\nSubject: more\r\nMessage-ID: <m3@acme.example>\r\nIn-Reply-To: <m2@acme.example>\r\n\r\nmore\r\n";
                let out = send_in(d, "2026-03-06T17:10:00Z", irt.as_bytes());
                assert_eq!(out.trim(), "ticket 2: customer message 1");
            },
        ),
    ];
    for (subject, then, at, said, status, check) in cases {
        let (d, out) = answered(subject, then, at, "again");
        assert_eq!(out, said, "{then:?}");
        assert_eq!(ticket(&d, 1)["status"], status, "{then:?}");
        check(&d);
    }
}

// ------------------------------------ next response and resolution (item 4)

/// An organization on the shipped example set that defines all three metrics.
fn full_sla_desk() -> Desk {
    let d = Desk::new();
    let pol = d.path("config/tuidesk/policies");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/full-sla.toml"),
        pol.join("full-sla.toml"),
    )
    .unwrap();
    d.add_org("Full", "full-sla", "standard", "UTC");
    d.ok(&["org", "contact", "Full", "--add", "@full.example"]);
    d
}

fn metric(v: &Value, name: &str) -> Value {
    v["metrics"]
        .as_array()
        .or_else(|| v["sla"].as_array())
        .unwrap()
        .iter()
        .find(|m| m["metric"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

#[test]
fn next_response_runs_from_an_unanswered_customer_message_to_the_next_public_reply() {
    let d = full_sla_desk();
    // 16:30 opened (S1: first response 1 h, next response 2 h, resolution 24 h, all 24x7)
    send_in(
        &d,
        NOW,
        &message("n1@full.example", "a@full.example", "[S1] down", "down"),
    );
    let v = d.json(&["sla", "explain", "1", "--json"]);
    assert_eq!(metric(&v, "next-response")["state"], "not-applicable");
    d.ok_at(
        "2026-03-06T17:00:00Z",
        &["ticket", "reply", "1", "--body", "looking"],
    );
    // an internal note is no answer; the customer writes at 17:10
    send_in(
        &d,
        "2026-03-06T17:10:00Z",
        &message(
            "n2@full.example",
            "a@full.example",
            "Re: [#1] down",
            "still down",
        ),
    );
    send_in(
        &d,
        "2026-03-06T17:20:00Z",
        &message(
            "n3@full.example",
            "a@full.example",
            "Re: [#1] down",
            "hello?",
        ),
    );
    d.ok_at(
        "2026-03-06T17:30:00Z",
        &["ticket", "note", "1", "--body", "internal"],
    );
    let v = d.json_at("2026-03-06T18:00:00Z", &["sla", "explain", "1", "--json"]);
    let nr = metric(&v, "next-response");
    assert_eq!(nr["state"], "running");
    assert_eq!(
        nr["due"], "2026-03-06T19:10:00+00:00",
        "from the first unanswered message"
    );
    assert_eq!(nr["cycle_start"], "2026-03-06T17:10:00+00:00");
    // the queue's time-left is the most urgent running metric: next response
    let list = d.json_at("2026-03-06T18:00:00Z", &["ticket", "list", "--json"]);
    assert_eq!(list[0]["next_due"], "2026-03-06T19:10:00+00:00");
    let show = d.json_at("2026-03-06T18:00:00Z", &["ticket", "show", "1", "--json"]);
    assert_eq!(metric(&show, "next-response")["remaining_seconds"], 70 * 60);
    let text = d.ok_at("2026-03-06T18:00:00Z", &["ticket", "show", "1"]);
    assert!(
        text.contains("next-response: running, 01:10:00 left"),
        "{text}"
    );
    // past due at 19:10:01: breached; a reply at 19:30 meets it late, and it stays breached
    let v = d.json_at(
        "2026-03-06T19:10:01Z",
        &["ticket", "list", "--breached", "--json"],
    );
    assert_eq!(v.as_array().unwrap().len(), 1);
    d.ok_at(
        "2026-03-06T19:30:00Z",
        &["ticket", "reply", "1", "--body", "fixed"],
    );
    let v = d.json_at("2026-03-06T19:31:00Z", &["sla", "explain", "1", "--json"]);
    let nr = metric(&v, "next-response");
    assert_eq!(nr["state"], "breached");
    assert_eq!(nr["answered_at"], "2026-03-06T19:30:00+00:00");
    // a new cycle at 20:00 answered in time: the earlier breach stays on the ticket
    send_in(
        &d,
        "2026-03-06T20:00:00Z",
        &message(
            "n4@full.example",
            "a@full.example",
            "Re: [#1] down",
            "thanks, one more",
        ),
    );
    d.ok_at(
        "2026-03-06T20:30:00Z",
        &["ticket", "reply", "1", "--body", "sure"],
    );
    let v = d.json_at("2026-03-06T21:00:00Z", &["sla", "explain", "1", "--json"]);
    let nr = metric(&v, "next-response");
    assert_eq!(nr["state"], "met");
    assert_eq!(nr["earlier_breach"], "2026-03-06T19:10:00+00:00");
    assert_eq!(
        d.json_at("2026-03-06T21:00:00Z", &["ticket", "show", "1", "--json"])["breached"],
        true
    );
}

#[test]
fn pending_stops_next_response_and_resolution_but_not_first_response() {
    let d = full_sla_desk();
    send_in(
        &d,
        NOW,
        &message("p1@full.example", "a@full.example", "[S1] down", "down"),
    );
    d.ok_at(
        "2026-03-06T16:40:00Z",
        &["ticket", "reply", "1", "--body", "logs?"],
    );
    send_in(
        &d,
        "2026-03-06T16:50:00Z",
        &message("p2@full.example", "a@full.example", "Re: [#1] down", "here"),
    );
    // pending at 17:00 (10 min into the next response, 30 min into resolution)
    d.ok_at(
        "2026-03-06T17:00:00Z",
        &["ticket", "status", "1", "pending"],
    );
    let v = d.json_at("2026-03-07T17:00:00Z", &["sla", "explain", "1", "--json"]);
    let nr = metric(&v, "next-response");
    assert_eq!(nr["state"], "paused");
    assert_eq!(nr["remaining_seconds"], 110 * 60);
    let res = metric(&v, "resolution");
    assert_eq!(res["state"], "paused");
    assert_eq!(res["remaining_seconds"], (24 * 60 - 30) * 60);
}

#[test]
fn resolution_runs_from_creation_to_resolution_minus_pending() {
    let d = full_sla_desk();
    // S2: resolution 72 h
    send_in(
        &d,
        NOW,
        &message("r1@full.example", "a@full.example", "[S2] slow", "slow"),
    );
    d.ok_at(
        "2026-03-06T17:00:00Z",
        &["ticket", "reply", "1", "--body", "which query?"],
    );
    d.ok_at(
        "2026-03-06T17:00:00Z",
        &["ticket", "status", "1", "pending"],
    );
    // a day pending, then the customer answers: the clock resumes
    send_in(
        &d,
        "2026-03-07T17:00:00Z",
        &message(
            "r2@full.example",
            "a@full.example",
            "Re: [#1] slow",
            "this one",
        ),
    );
    let v = d.json_at("2026-03-07T18:00:00Z", &["sla", "explain", "1", "--json"]);
    let res = metric(&v, "resolution");
    assert_eq!(res["state"], "running");
    assert_eq!(
        res["due"], "2026-03-10T16:30:00+00:00",
        "72 h plus the day pending"
    );
    d.ok_at(
        "2026-03-08T10:00:00Z",
        &["ticket", "reply", "1", "--body", "added an index"],
    );
    d.ok_at(
        "2026-03-08T10:00:00Z",
        &["ticket", "status", "1", "resolved"],
    );
    let v = d.json_at("2026-03-20T00:00:00Z", &["sla", "explain", "1", "--json"]);
    let res = metric(&v, "resolution");
    assert_eq!(res["state"], "met");
    assert_eq!(res["answered_at"], "2026-03-08T10:00:00+00:00");
    let text = d.ok_at("2026-03-20T00:00:00Z", &["sla", "explain", "1"]);
    assert!(
        text.contains("runs from creation to resolution, minus time pending"),
        "{text}"
    );
}

#[test]
fn the_monthly_report_counts_next_response_and_resolution() {
    let d = full_sla_desk();
    let at = |hm: &str| format!("2026-03-{hm}:00Z");
    // 1: next response answered in time, resolved in time.
    send_in(
        &d,
        NOW,
        &message("q1@full.example", "a@full.example", "[S1] one", "x"),
    );
    d.ok_at(&at("06T17:00"), &["ticket", "reply", "1", "--body", "r"]);
    // 2: next response late (due 18:50, answered 19:00), resolved after its 24 h.
    send_in(
        &d,
        NOW,
        &message("q2@full.example", "a@full.example", "[S1] two", "x"),
    );
    d.ok_at(&at("06T16:40"), &["ticket", "reply", "2", "--body", "r"]);
    send_in(
        &d,
        &at("06T16:50"),
        &message("q3@full.example", "a@full.example", "Re: [#2] two", "y"),
    );
    send_in(
        &d,
        &at("06T17:10"),
        &message("q4@full.example", "a@full.example", "Re: [#1] one", "y"),
    );
    d.ok_at(&at("06T17:30"), &["ticket", "reply", "1", "--body", "r2"]);
    d.ok_at(&at("06T18:00"), &["ticket", "status", "1", "resolved"]);
    d.ok_at(&at("06T19:00"), &["ticket", "reply", "2", "--body", "r2"]);
    d.ok_at(&at("08T10:00"), &["ticket", "status", "2", "resolved"]);
    // 3: answered once, no customer message since (no next-response cycle), still open.
    send_in(
        &d,
        NOW,
        &message("q5@full.example", "a@full.example", "[S2] three", "x"),
    );
    d.ok_at(&at("06T17:00"), &["ticket", "reply", "3", "--body", "r"]);
    let when = at("09T12:00");
    let v = d.json_at(
        &when,
        &[
            "report", "monthly", "--month", "2026-03", "--org", "Full", "--json",
        ],
    );
    let o = &v["orgs"][0];
    let nr = &o["next_response"];
    assert_eq!(
        (
            &nr["met"],
            &nr["breached"],
            &nr["pending"],
            &nr["no_target"]
        ),
        (&json!(1), &json!(1), &json!(0), &json!(1)),
        "{o:#}"
    );
    assert_eq!(nr["attainment"], 0.5);
    let res = &o["resolution"];
    assert_eq!(
        (
            &res["met"],
            &res["breached"],
            &res["pending"],
            &res["no_target"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(0)),
        "{o:#}"
    );
    assert_eq!(res["attainment"], 0.5);
    // Per kind × severity: S1 holds tickets 1 and 2.
    let s1 = o["by_kind_severity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["severity"] == "S1")
        .unwrap();
    assert_eq!(s1["next_response"]["breached"], 1);
    assert_eq!(s1["resolution"]["met"], 1);
    let text = d.ok_at(
        &when,
        &["report", "monthly", "--month", "2026-03", "--org", "Full"],
    );
    assert!(
        text.contains(
            "Next response: 1 met, 1 breached, 0 pending, 1 no target   Attainment: 50.0%"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Resolution (minus time pending): 1 met, 1 breached, 1 pending, 0 no target   Attainment: 50.0%"
        ),
        "{text}"
    );
    let csv = d.ok_at(
        &when,
        &[
            "report", "monthly", "--month", "2026-03", "--org", "Full", "--csv",
        ],
    );
    let all = csv.lines().find(|l| l.contains(",all,all,")).unwrap();
    assert!(all.ends_with(",1,1,1,1"), "{csv}");
    // The seeds' sets define first response only: both count as no target.
    let seed = Desk::with_orgs(&[("Acme", "connected-care", "enterprise", "UTC")]);
    seed.new_ticket("Acme", "S2", "s", &["--description", "d"]);
    let v = seed.json(&["report", "monthly", "--month", "2026-03", "--json"]);
    assert_eq!(v["orgs"][0]["next_response"]["no_target"], 1);
    assert_eq!(v["orgs"][0]["resolution"]["no_target"], 1);
    assert_eq!(v["orgs"][0]["resolution"]["attainment"], Value::Null);
}

/// Issue 15: mail history travels in the export format (triage items, received and sent
/// messages, attachments, quarantine, outbox): export → import → export is byte-identical on
/// either backend, the imported desk shows the same mail, and an older export without the
/// mail lines still imports.
#[test]
fn mail_history_survives_export_and_import() {
    let d = mail_desk();
    let id = new_ticket_id(&deliver(&d, "attachments.eml"));
    deliver(&d, "unknown-sender.eml");
    assert!(deliver(&d, "malformed.eml").starts_with("quarantined as 1"));
    d.ok(&["mail", "file", "1", "--org", "Acme", "--severity", "S3"]);
    d.ok(&["ticket", "reply", &id.to_string(), "--body", "We are on it"]);
    let exported = d.export();
    for table in ["triage", "message", "attachment", "quarantine", "outbox"] {
        assert!(
            exported.contains(&format!("\"table\":\"{table}\"")),
            "no {table} line in the export:\n{exported}"
        );
    }
    let file = d.path("with-mail.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let e = Desk::new();
    e.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(e.export(), exported, "export → import → export");
    for args in [
        &["mail", "triage", "--all", "--json"][..],
        &["mail", "quarantine", "--json"][..],
    ] {
        assert_eq!(e.json(args), d.json(args), "{args:?}");
    }
    // The ticket's mail (its audit rows differ: imported ones are marked so).
    for part in ["attachments", "conversation"] {
        assert_eq!(ticket(&e, id)[part], ticket(&d, id)[part], "{part}");
    }
    let atts = ticket(&e, id)["attachments"].clone();
    let log = e.ok(&[
        "mail",
        "attachment",
        &atts[0]["id"].to_string(),
        "--out",
        "-",
    ]);
    assert!(log.starts_with("2026-03-06 13:22:01 [ERROR]"), "{log}");

    // An export from before mail history was carried: the same file without its mail lines.
    let old: String = exported
        .lines()
        .filter(|l| !l.starts_with("{\"type\":\"mail\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(old.len() < exported.len());
    let old_file = d.path("old.jsonl");
    std::fs::write(&old_file, &old).unwrap();
    let f = Desk::new();
    f.ok(&["import", old_file.to_str().unwrap()]);
    assert_eq!(f.export(), old);
}

/// The same through a large import (more than 1,000 records: short batches on SQLite, `COPY`
/// on PostgreSQL), the mail lines after 1,000 generated tickets.
#[test]
fn mail_history_survives_a_large_import() {
    let d = mail_desk();
    d.ok(&["gen", "--tickets", "1000", "--seed", "2"]);
    let id = new_ticket_id(&deliver(&d, "attachments.eml"));
    deliver(&d, "unknown-sender.eml");
    deliver(&d, "malformed.eml");
    d.ok(&["ticket", "reply", &id.to_string(), "--body", "We are on it"]);
    let exported = d.export();
    assert!(exported.lines().count() > 1000);
    let file = d.path("big.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let e = Desk::new();
    let out = e
        .cmd_at(NOW, &["import", file.to_str().unwrap()])
        .env("TUIDESK_BATCH_MS", "20")
        .output()
        .expect("tuidesk runs");
    common::expect_success(&["import"], &out);
    assert_eq!(e.export(), exported);
}
