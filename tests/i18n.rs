//! The CLI speaks the user's language: `LANG`/`LC_ALL` or `language` in config.toml pick
//! Chinese or Japanese for human output and error lines; `--json` never changes.

mod common;

use common::*;

fn desk_with_ticket() -> (Desk, i64) {
    let d = Desk::new();
    d.add_org("栖木科技", "ctyun", "business", "Asia/Shanghai");
    let out = d.ok(&[
        "ticket",
        "new",
        "--org",
        "栖木科技",
        "--kind",
        "technical",
        "--severity",
        "urgent",
        "--summary",
        "数据库连接失败",
    ]);
    let id = out.trim().parse().expect("the new ticket's id");
    (d, id)
}

fn run_with(d: &Desk, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut c = d.cmd_at(NOW, args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("tuidesk runs")
}

#[test]
fn ticket_list_follows_lang_and_json_does_not() {
    let (d, id) = desk_with_ticket();
    let english = d.ok(&["ticket", "list"]);
    assert!(
        english.contains("SUMMARY") && english.contains("STATUS"),
        "{english}"
    );

    let zh = run_with(&d, &[("LANG", "zh_CN.UTF-8")], &["ticket", "list"]);
    let zh = expect_success(&["ticket", "list"], &zh);
    assert!(
        zh.contains("摘要") && zh.contains("状态") && zh.contains("新建"),
        "{zh}"
    );
    assert!(!zh.contains("SUMMARY"), "{zh}");

    // LC_ALL wins over LANG.
    let ja = run_with(
        &d,
        &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "ja_JP.UTF-8")],
        &["ticket", "list"],
    );
    let ja = expect_success(&["ticket", "list"], &ja);
    assert!(ja.contains("件名") && ja.contains("重大度"), "{ja}");

    // Machine-readable output is the same in every language.
    let args = ["ticket", "list", "--json"];
    let en_json = expect_success(&args, &run_with(&d, &[], &args));
    let zh_json = expect_success(&args, &run_with(&d, &[("LANG", "zh_CN.UTF-8")], &args));
    assert_eq!(en_json, zh_json);
    let args = ["ticket", "show", &id.to_string(), "--json"];
    let en_json = expect_success(&args, &run_with(&d, &[], &args));
    let ja_json = expect_success(&args, &run_with(&d, &[("LANG", "ja_JP.UTF-8")], &args));
    assert_eq!(en_json, ja_json);

    // `ticket show` in Chinese: labels and words from the catalogue.
    let args = ["ticket", "show", &id.to_string()];
    let shown = expect_success(&args, &run_with(&d, &[("LANG", "zh_CN.UTF-8")], &args));
    assert!(
        shown.contains("组织") && shown.contains("严重程度"),
        "{shown}"
    );
}

#[test]
fn an_error_line_comes_out_in_the_users_language() {
    let (d, _) = desk_with_ticket();
    let args = ["ticket", "show", "999"];
    let out = run_with(&d, &[("LANG", "zh_CN.UTF-8")], &args);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&args, &out));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("tuidesk: 错误: ") && err.contains("没有工单"),
        "{err}"
    );
    let out = run_with(&d, &[("LANG", "ja_JP.UTF-8")], &args);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("tuidesk: エラー: ") && err.contains("チケット"),
        "{err}"
    );
    // English stays exactly as before.
    d.refused(&args, 1, &["no ticket \"999\""]);
}

#[test]
fn config_language_beats_the_locale_and_a_wrong_one_is_one_line() {
    let (d, _) = desk_with_ticket();
    let dir = d.dir.path().join("config").join("tuidesk");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "language = \"ja\"\n").unwrap();
    let args = ["ticket", "list"];
    let out = expect_success(&args, &run_with(&d, &[("LANG", "zh_CN.UTF-8")], &args));
    assert!(out.contains("件名"), "{out}");
    std::fs::write(&config, "language = \"en\"\n").unwrap();
    let out = expect_success(&args, &run_with(&d, &[("LANG", "zh_CN.UTF-8")], &args));
    assert!(out.contains("SUMMARY"), "{out}");
    std::fs::write(&config, "language = \"klingon\"\n").unwrap();
    let out = run_with(&d, &[], &args);
    let err = expect_refusal(&args, &out, 1, &["language", "klingon", "config.toml"]);
    assert_eq!(err.lines().count(), 1);
}
