//! The catalogue is complete: every English message exists in Chinese and Japanese with
//! the same placeables, no language has a message English lacks, every message the code
//! names exists, and every English message is used.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

use super::*;

/// Message id → the variables its pattern (and attributes, selectors, variants) names.
fn messages(src: &str, file: &str) -> BTreeMap<String, BTreeSet<String>> {
    let res = fluent_syntax::parser::parse(src)
        .unwrap_or_else(|(_, errors)| panic!("{file} does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in res.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            assert!(
                out.insert(m.id.name.to_string(), vars).is_none(),
                "{file}: {} twice",
                m.id.name
            );
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        _ => {}
    }
}

fn catalogue(lang: Lang) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut all = BTreeMap::new();
    for (area, src) in sources(lang) {
        let file = format!("{}/{area}.ftl", lang.code());
        for (id, vars) in messages(src, &file) {
            if let Some((other, _)) = all.insert(id.clone(), (area.to_string(), vars)) {
                panic!(
                    "{id} is in both {other}.ftl and {area}.ftl of {}",
                    lang.code()
                );
            }
        }
    }
    all
}

#[test]
fn every_language_has_every_message_with_the_same_placeables() {
    let en = catalogue(Lang::En);
    assert!(en.len() > 100, "the English catalogue is nearly empty");
    for lang in [Lang::ZhCn, Lang::Ja] {
        let other = catalogue(lang);
        for (id, (area, vars)) in &en {
            let Some((o_area, o_vars)) = other.get(id) else {
                panic!("{id} ({area}.ftl) is missing from {}", lang.code());
            };
            assert_eq!(
                o_area,
                area,
                "{id}: in {area}.ftl in English, {o_area}.ftl in {}",
                lang.code()
            );
            assert_eq!(o_vars, vars, "{id}: placeables differ in {}", lang.code());
        }
        for id in other.keys() {
            assert!(
                en.contains_key(id),
                "{id} in {} is not an English message (orphan)",
                lang.code()
            );
        }
    }
}

/// Keys the code builds at run time, by prefix (`action-move-down`, `status-open`, …).
const DYNAMIC_PREFIXES: &[&str] = &[
    "action-",
    "hint-",
    "status-",
    "kind-",
    "state-",
    "field-",
    "metric-",
    "order-status-",
    "order-kind-",
    "rep-col-",
    "severity-",
    "weekday-",
    "tag-why-",
    "env-",
    "channel-",
    "theme-",
    "sort-",
    "role-",
    "entry-",
    "scenario-",
    "what-",
];

/// Every key named literally in the code (`tr!(lang, "key"…)`, `.t("key")`, `.tf("key"`),
/// and the whole source text (a key may also be named in a `match`).
fn keys_in_code() -> (BTreeMap<String, String>, String) {
    let mut out = BTreeMap::new();
    let mut all = String::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n/tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            all.push_str(&text);
            for marker in ["tr!(", ".t(\"", ".tf(\""] {
                let mut rest = text.as_str();
                while let Some(at) = rest.find(marker) {
                    rest = &rest[at + marker.len()..];
                    // The key is the first string literal after the marker (same call).
                    let window: String = rest.chars().take(200).collect();
                    let start = if marker.ends_with('"') {
                        Some(0)
                    } else {
                        window.find('"').map(|i| i + 1)
                    };
                    let Some(start) = start else { continue };
                    let Some(len) = window[start..].find('"') else {
                        continue;
                    };
                    let key = &window[start..start + len];
                    if key.contains('-')
                        && key.starts_with(|c: char| c.is_ascii_lowercase())
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        out.insert(key.to_string(), path.display().to_string());
                    }
                }
            }
        }
    }
    (out, all)
}

#[test]
fn every_key_the_code_names_exists_and_every_message_is_used() {
    let en = catalogue(Lang::En);
    let (used, source) = keys_in_code();
    for (key, file) in &used {
        assert!(
            en.contains_key(key),
            "{file} names {key:?}, which no catalogue has"
        );
    }
    for id in en.keys() {
        assert!(
            source.contains(&format!("\"{id}\""))
                || DYNAMIC_PREFIXES.iter().any(|p| id.starts_with(p)),
            "{id} is in the catalogue but nothing uses it"
        );
    }
}

#[test]
fn language_follows_config_then_lc_all_lc_messages_lang() {
    assert_eq!(Lang::from_locale(None, None, None), Lang::En);
    assert_eq!(
        Lang::from_locale(None, None, Some("zh_CN.UTF-8")),
        Lang::ZhCn
    );
    assert_eq!(Lang::from_locale(None, None, Some("ja_JP.UTF-8")), Lang::Ja);
    assert_eq!(Lang::from_locale(None, None, Some("de_DE.UTF-8")), Lang::En);
    assert_eq!(Lang::from_locale(None, None, Some("C")), Lang::En);
    assert_eq!(
        Lang::from_locale(Some("ja_JP"), Some("zh_CN"), Some("en_US")),
        Lang::Ja
    );
    assert_eq!(
        Lang::from_locale(Some(""), Some("zh_TW"), Some("ja_JP")),
        Lang::ZhCn
    );
    assert_eq!(Lang::from_locale(None, Some("C"), Some("ja_JP")), Lang::En);
    assert_eq!(
        Lang::resolve(Some("ja"), Some("zh_CN"), None, None),
        Ok(Lang::Ja)
    );
    assert_eq!(
        Lang::resolve(Some("zh-CN"), None, None, None),
        Ok(Lang::ZhCn)
    );
    assert_eq!(
        Lang::resolve(Some("en"), None, None, Some("ja_JP")),
        Ok(Lang::En)
    );
    let err = Lang::resolve(Some("klingon"), None, None, None).unwrap_err();
    assert!(err.contains("klingon") && !err.contains('\n'), "{err}");
}

#[test]
fn placeables_are_filled_without_isolation_marks() {
    let s = tr!(Lang::ZhCn, "tui-queue-total", n = 6);
    assert!(s.contains('6') && !s.contains('\u{2068}'), "{s}");
    // A missing key shows as itself, never panics.
    assert_eq!(Lang::Ja.t("no-such-key"), "no-such-key");
}

#[test]
fn english_plurals_select_on_numbers() {
    assert_eq!(
        tr!(Lang::En, "cli-recomputed", n = 1usize),
        "1 open ticket recomputed"
    );
    assert_eq!(
        tr!(Lang::En, "cli-recomputed", n = 3usize),
        "3 open tickets recomputed"
    );
    assert_eq!(
        tr!(
            Lang::En,
            "cli-entry-added",
            what = "reply",
            entry = 7,
            id = 3,
            n = 0usize
        ),
        "reply 7 added to ticket 3"
    );
    assert_eq!(
        tr!(
            Lang::En,
            "cli-entry-added",
            what = "note",
            entry = 7,
            id = 3,
            n = 1usize
        ),
        "note 7 added to ticket 3 with 1 attachment"
    );
    assert_eq!(
        tr!(Lang::ZhCn, "cli-recomputed", n = 2usize),
        "重新计算了 2 个未结工单"
    );
}

/// Every action of the table and every footer label has its words in the catalogue (the
/// code falls back to the table's English, but that would leave the other languages behind).
#[test]
fn every_action_and_footer_label_is_in_the_catalogue() {
    let en = catalogue(Lang::En);
    for a in crate::app::ACTIONS {
        let key = format!("action-{}", a.name);
        assert!(en.contains_key(&key), "{key} is missing");
        assert_eq!(
            Lang::En.t(&key),
            a.description,
            "{key}: the English text differs from the action table"
        );
        if let Some(label) = a.footer {
            assert_eq!(crate::app::keymap::hint(Lang::En, label), label);
            let slug = label.replace(' ', "-");
            assert!(
                en.contains_key(&format!("hint-{slug}")),
                "hint-{slug} is missing"
            );
        }
    }
}
