//! The CLI speaks the user's language: `LANG`/`LC_ALL` or `language` in config.toml pick
//! Chinese or Japanese for human output and error lines; `--json` never changes.

mod common;

use common::*;

fn desk_with_ticket() -> (Desk, i64) {
    let d = Desk::with_orgs(&[("栖木科技", "ctyun", "business", "Asia/Shanghai")]);
    let id = d.new_ticket("栖木科技", "urgent", "数据库连接失败", &[]);
    (d, id)
}

fn run_with(d: &Desk, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut c = d.cmd_at(NOW, args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("tuidesk runs")
}

fn ok_with(d: &Desk, env: &[(&str, &str)], args: &[&str]) -> String {
    expect_success(args, &run_with(d, env, args))
}

#[test]
fn ticket_list_follows_lang_and_json_does_not() {
    let (d, id) = desk_with_ticket();
    let id = id.to_string();
    let zh = [("LANG", "zh_CN.UTF-8")];
    let list = ["ticket", "list"];
    type Case<'a> = (
        &'a [(&'a str, &'a str)],
        &'a [&'a str],
        &'a [&'a str],
        &'a [&'a str],
    );
    // (environment, command, words it prints, words it must not print)
    let cases: [Case; 4] = [
        (&[], &list, &["SUMMARY", "STATUS"], &[]),
        (&zh, &list, &["摘要", "状态", "新建"], &["SUMMARY"]),
        // LC_ALL wins over LANG.
        (
            &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "ja_JP.UTF-8")],
            &list,
            &["件名", "重大度"],
            &[],
        ),
        // `ticket show` in Chinese: labels and words from the catalogue.
        (&zh, &["ticket", "show", &id], &["组织", "严重程度"], &[]),
    ];
    for (env, args, said, unsaid) in cases {
        let out = ok_with(&d, env, args);
        for w in said {
            assert!(out.contains(w), "{env:?} {args:?} lacks {w}:\n{out}");
        }
        for w in unsaid {
            assert!(!out.contains(w), "{env:?} {args:?} has {w}:\n{out}");
        }
    }
    // Machine-readable output is the same in every language.
    for (args, lang) in [
        (&["ticket", "list", "--json"][..], "zh_CN.UTF-8"),
        (&["ticket", "show", &id, "--json"][..], "ja_JP.UTF-8"),
    ] {
        assert_eq!(ok_with(&d, &[], args), ok_with(&d, &[("LANG", lang)], args));
    }
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
    let out = ok_with(&d, &[("LANG", "zh_CN.UTF-8")], &args);
    assert!(out.contains("件名"), "{out}");
    std::fs::write(&config, "language = \"en\"\n").unwrap();
    let out = ok_with(&d, &[("LANG", "zh_CN.UTF-8")], &args);
    assert!(out.contains("SUMMARY"), "{out}");
    std::fs::write(&config, "language = \"klingon\"\n").unwrap();
    let out = run_with(&d, &[], &args);
    let err = expect_refusal(&args, &out, 1, &["language", "klingon", "config.toml"]);
    assert_eq!(err.lines().count(), 1);
}
