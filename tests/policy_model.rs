//! The policy model (retired plans and their fallbacks) over parsed policy files. Here, not in
//! `src/policy/`, because parsing is `config`'s job and `policy` must not import it.

use chrono::NaiveDate;
use tuidesk::config::policies::parse_set;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn effective_plan_follows_retirement() {
    let reg = tuidesk::config::policies::builtin().unwrap();
    let cc = reg.get("connected-care").unwrap();
    assert_eq!(
        cc.effective_plan("legacy-standard", d(2025, 2, 16)),
        "legacy-standard"
    );
    assert_eq!(
        cc.effective_plan("legacy-standard", d(2025, 2, 17)),
        "basic"
    );
    assert_eq!(cc.effective_plan("legacy-basic", d(2025, 2, 17)), "basic");
    assert_eq!(
        cc.effective_plan("legacy-enterprise", d(2026, 1, 14)),
        "legacy-enterprise"
    );
    assert_eq!(
        cc.effective_plan("legacy-enterprise", d(2026, 1, 15)),
        "basic"
    );
    assert_eq!(cc.effective_plan("legacy-premium", d(2030, 1, 1)), "basic");
    assert_eq!(cc.effective_plan("premium", d(2030, 1, 1)), "premium");
    assert_eq!(cc.effective_plan("nope", d(2030, 1, 1)), "nope");
}

#[test]
fn fallback_chains_are_followed() {
    let src = r#"
severities = ["a"]
[plans.old]
retired_on = 2020-01-01
fallback = "mid"
[plans.mid]
retired_on = 2024-01-01
fallback = "new"
[plans.new]
"#;
    let s = parse_set(src, "chain.toml").unwrap();
    assert_eq!(s.name, "chain");
    assert_eq!(s.effective_plan("old", d(2019, 1, 1)), "old");
    assert_eq!(s.effective_plan("old", d(2021, 1, 1)), "mid");
    assert_eq!(s.effective_plan("old", d(2025, 1, 1)), "new");
    assert_eq!(s.plan("new").unwrap().priority, 100);
    assert_eq!(s.plan("new").unwrap().label, "new");
}
