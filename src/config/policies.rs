//! Policy-set files: the built-in sets (compiled in), the user policy directory, and
//! the parser that turns a file into a [`PolicySet`], with errors that name the file,
//! the key and the line. The only file reading for policies is here.
//!
//! # File format
//!
//! ```toml
//! name = "connected-care"             # optional, default: the file stem
//! description = "TiDB Cloud Connected Care"
//! severities = ["S1", "S2", "S3", "S4"]          # most severe first; items may also be
//!                                                # { name = "S1", description = "..." }
//! at_risk_share = 0.75                # optional, 0 < x <= 1, default 0.75
//! billing_excluded_severities = ["S1"]           # optional: billing tickets may not use these
//!
//! [calendars.business]                # see crate::config::calendars for every key
//! mon = ["09:00-18:00"]
//! fri = ["09:00-18:00"]
//!
//! [plans.developer]                   # plans keep their file order
//! label = "Developer"                 # optional, default: the plan name
//! priority = 3                        # optional, 1 = served first, default 100
//! technical_tickets = true            # optional, default true
//! retired_on = 2026-01-15             # optional, together with `fallback`
//! fallback = "basic"
//!
//! linked_accounts = 3                 # optional, default 0
//!
//! [plans.developer.first_response]    # also next_response, resolution
//! S1 = { hours = 4, clock = "business" }         # exactly one of seconds/minutes/hours
//! S2 = { minutes = 30, clock = "24x7" }
//! S3 = { hours = 8, clock = "business", calendar = "business" }  # calendar defaults to "business"
//!
//! [plans.developer.orders]            # optional; every key defaults to "nothing allowed"
//! event_assurance = { quota = 4, levels = [1, 2, 3] }  # quota >= 1 needs levels and vice versa;
//!                                                      # levels must be defined under [orders]
//! availability_checks = ["joining", "major-event", "major-change", "annual"]
//! monthly_report = true
//!
//! [orders]                            # optional, service-order rules of the whole set
//! quota_period = "calendar-year"      # or "calendar-month"; default "calendar-year"
//! report_due_working_day = 15         # 1..=23, default 15: report due before that working day
//! report_calendar = "cn"              # optional: a [calendars.cn] table of this file or a
//!                                     # standalone calendar file named "cn" (see below)
//!
//! [orders.event_assurance.levels]     # levels "1".."255": notice in days, longest span in days
//! 1 = { notice_days = 14, max_days = 3 }
//! 2 = { notice_days = 7, max_days = 5 }
//! ```
//!
//! # Standalone calendars
//!
//! Besides the calendars a set embeds, the registry holds standalone calendar files
//! (format in [`crate::config::calendars`]): the built-in `assets/calendars/cn-2026.toml`
//! (name `cn`) and every `*.toml` in the `calendars/` subdirectory of the user policy
//! directory; a user calendar with a built-in's name replaces it. They serve
//! `[orders] report_calendar` (see [`PolicyRegistry::calendar_for`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::calendars::{calendar_from_table, parse_calendar};
use super::toml::{Item, TomlCtx, file_stem};
use crate::calendar::Calendar;
use crate::domain::Scenario;
use crate::policy::{
    Clock, IntakeRules, LevelRule, MAX_REPORT_DUE_WORKING_DAY, MAX_TARGET_SECONDS, Metric,
    OrderRules, Plan, PlanOrders, PolicyError, PolicyRegistry, PolicySet, QuotaPeriod,
    StandaloneCalendar, Target,
};

const BUILTIN: &[(&str, &str)] = &[
    (
        "connected-care.toml",
        include_str!("../../assets/policies/connected-care.toml"),
    ),
    (
        "ctyun.toml",
        include_str!("../../assets/policies/ctyun.toml"),
    ),
];

/// Built-in standalone calendar files (origin, source).
const BUILTIN_CALENDARS: &[(&str, &str)] = &[(
    "calendars/cn-2026.toml",
    include_str!("../../assets/calendars/cn-2026.toml"),
)];

// -------------------------------------------------------------------------- loading

/// The two built-in sets and the built-in standalone calendars.
pub fn builtin() -> Result<PolicyRegistry, PolicyError> {
    let reg = builtin_unchecked()?;
    reg.check_report_calendars()?;
    Ok(reg)
}

fn builtin_unchecked() -> Result<PolicyRegistry, PolicyError> {
    let sets = BUILTIN
        .iter()
        .map(|(origin, src)| parse_set(src, origin))
        .collect::<Result<Vec<_>, _>>()?;
    let calendars = BUILTIN_CALENDARS
        .iter()
        .map(|(origin, src)| {
            let (name, calendar) = parse_calendar(src, origin)?;
            Ok(StandaloneCalendar {
                name,
                origin: origin.to_string(),
                calendar,
            })
        })
        .collect::<Result<Vec<_>, PolicyError>>()?;
    Ok(PolicyRegistry { sets, calendars })
}

/// Built-ins plus every `*.toml` in `dir` (sorted by file name), and every `*.toml`
/// in `dir/calendars/` as a standalone calendar. A user set (calendar) whose name
/// equals a built-in's replaces it; two user files defining the same set (calendar)
/// are an error. A directory that does not exist is treated as empty. Every
/// `[orders] report_calendar` must name a calendar once all are loaded.
pub fn load_with_dir(dir: Option<&Path>) -> Result<PolicyRegistry, PolicyError> {
    let mut reg = builtin_unchecked()?;
    let Some(dir) = dir else {
        reg.check_report_calendars()?;
        return Ok(reg);
    };

    // standalone calendars first, so sets can be checked against them
    let builtin_cals: Vec<String> = reg.calendars.iter().map(|c| c.name.clone()).collect();
    let mut user_cal_origin: BTreeMap<String, String> = BTreeMap::new();
    for path in toml_files(&dir.join("calendars"))? {
        let source = read(&path)?;
        let origin = format!("calendars/{}", file_name(&path));
        let (name, calendar) = parse_calendar(&source, &origin)?;
        if name.trim().is_empty() || name.trim() != name {
            return Err(PolicyError::Invalid {
                origin,
                key: "name".into(),
                line: None,
                message: "name must be non-empty, without surrounding spaces".into(),
            });
        }
        if let Some(other) = user_cal_origin.get(&name) {
            return Err(PolicyError::Invalid {
                origin,
                key: "name".into(),
                line: None,
                message: format!("calendar \"{name}\" is already defined by {other}"),
            });
        }
        user_cal_origin.insert(name.clone(), origin.clone());
        let cal = StandaloneCalendar {
            name,
            origin,
            calendar,
        };
        match reg.calendars.iter().position(|c| c.name == cal.name) {
            Some(i) if builtin_cals.contains(&cal.name) => reg.calendars[i] = cal,
            _ => reg.calendars.push(cal),
        }
    }

    let builtin_names: Vec<String> = reg.sets.iter().map(|s| s.name.clone()).collect();
    let mut user_origin: BTreeMap<String, String> = BTreeMap::new();
    for path in toml_files(dir)? {
        let source = read(&path)?;
        let origin = file_name(&path);
        let set = parse_set(&source, &origin)?;
        if let Some(other) = user_origin.get(&set.name) {
            return Err(PolicyError::DuplicateSet {
                origin,
                name: set.name,
                other: other.clone(),
            });
        }
        user_origin.insert(set.name.clone(), origin);
        match reg.sets.iter().position(|s| s.name == set.name) {
            Some(i) if builtin_names.contains(&set.name) => reg.sets[i] = set,
            _ => reg.sets.push(set),
        }
    }
    reg.check_report_calendars()?;
    Ok(reg)
}

/// `*.toml` files directly in `dir`, sorted; a missing directory is empty.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(PolicyError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| PolicyError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, PolicyError> {
    std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// --------------------------------------------------------------------------- parsing

/// Parses one policy-set file; `origin` names it in errors (and gives the default name).
/// Calendars a target names must be defined in the same file; `[orders] report_calendar`
/// is checked by the registry once every file is loaded.
pub fn parse_set(source: &str, origin: &str) -> Result<PolicySet, PolicyError> {
    let ctx = TomlCtx::new(origin, source);
    let doc = DeTable::parse(source).map_err(|e| ctx.syntax(&e))?;
    let root = doc.get_ref();
    ctx.check_keys(
        "",
        root,
        &[
            "name",
            "description",
            "severities",
            "at_risk_share",
            "billing_excluded_severities",
            "calendars",
            "plans",
            "orders",
            "intake",
        ],
    )?;

    let name = match root.get("name") {
        Some(v) => {
            let n = ctx.string("name", v)?;
            if n.trim().is_empty() || n.trim() != n {
                return Err(ctx.err(
                    "name",
                    Some(v.span()),
                    "name must be non-empty, without surrounding spaces",
                ));
            }
            n
        }
        None => file_stem(origin),
    };
    let description = match root.get("description") {
        Some(v) => ctx.string("description", v)?,
        None => String::new(),
    };

    // severities
    let Some(sev_v) = root.get("severities") else {
        return Err(ctx.err(
            "severities",
            None,
            "missing (list the severities, most severe first)",
        ));
    };
    let mut severities: Vec<String> = Vec::new();
    let mut severity_descriptions = BTreeMap::new();
    for (i, item) in ctx.array("severities", sev_v)?.iter().enumerate() {
        let p = format!("severities[{i}]");
        let (sev, span) = match item.get_ref() {
            DeValue::Table(t) => {
                ctx.check_keys(&p, t, &["name", "description"])?;
                let Some(n) = t.get("name") else {
                    return Err(ctx.err(&p, Some(item.span()), "missing `name`"));
                };
                let sev = ctx.string(&TomlCtx::join(&p, "name"), n)?;
                if let Some(d) = t.get("description") {
                    severity_descriptions.insert(
                        sev.clone(),
                        ctx.string(&TomlCtx::join(&p, "description"), d)?,
                    );
                }
                (sev, n.span())
            }
            _ => (ctx.string(&p, item)?, item.span()),
        };
        if sev.trim().is_empty() || sev.contains(char::is_whitespace) {
            return Err(ctx.err(
                &p,
                Some(span),
                "severity names must be non-empty, without spaces",
            ));
        }
        if severities.contains(&sev) {
            return Err(ctx.err(&p, Some(span), format!("severity \"{sev}\" listed twice")));
        }
        severities.push(sev);
    }
    if severities.is_empty() {
        return Err(ctx.err(
            "severities",
            Some(sev_v.span()),
            "needs at least one severity",
        ));
    }

    let at_risk_share = match root.get("at_risk_share") {
        Some(v) => {
            let x = ctx.float("at_risk_share", v)?;
            if !(x > 0.0 && x <= 1.0) {
                return Err(ctx.err(
                    "at_risk_share",
                    Some(v.span()),
                    format!("must be greater than 0 and at most 1, got {x}"),
                ));
            }
            x
        }
        None => 0.75,
    };

    let mut billing_excluded_severities = Vec::new();
    if let Some(v) = root.get("billing_excluded_severities") {
        for (i, item) in ctx
            .array("billing_excluded_severities", v)?
            .iter()
            .enumerate()
        {
            let p = format!("billing_excluded_severities[{i}]");
            let s = ctx.string(&p, item)?;
            if !severities.contains(&s) {
                return Err(ctx.err(&p, Some(item.span()), unknown_severity(&s, &severities)));
            }
            billing_excluded_severities.push(s);
        }
    }

    // calendars (before plans, so targets can be checked against them)
    let mut calendars = BTreeMap::new();
    if let Some(v) = root.get("calendars") {
        let t = ctx.table("calendars", v)?;
        for (k, cv) in TomlCtx::entries(t) {
            let p = TomlCtx::join("calendars", k.get_ref());
            let ct = ctx.table(&p, cv)?;
            let cal = calendar_from_table(&ctx, &p, ct, false)?;
            calendars.insert(k.get_ref().to_string(), cal);
        }
    }

    // order rules (before plans, so plans' levels can be checked against them)
    let (orders, report_calendar_line) = match root.get("orders") {
        Some(v) => parse_order_rules(&ctx, v)?,
        None => (OrderRules::default(), None),
    };

    // plans
    let Some(plans_v) = root.get("plans") else {
        return Err(ctx.err(
            "plans",
            None,
            "missing (define at least one [plans.<name>] table)",
        ));
    };
    let plans_t = ctx.table("plans", plans_v)?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut fallback_spans: Vec<Range<usize>> = Vec::new();
    for (k, pv) in TomlCtx::entries(plans_t) {
        let pname = k.get_ref().to_string();
        let p = TomlCtx::join("plans", &pname);
        let t = ctx.table(&p, pv)?;
        ctx.check_keys(
            &p,
            t,
            &[
                "label",
                "description",
                "technical_tickets",
                "priority",
                "retired_on",
                "fallback",
                "first_response",
                "next_response",
                "resolution",
                "linked_accounts",
                "orders",
            ],
        )?;
        let label = match t.get("label") {
            Some(v) => ctx.string(&TomlCtx::join(&p, "label"), v)?,
            None => pname.clone(),
        };
        let description = match t.get("description") {
            Some(v) => ctx.string(&TomlCtx::join(&p, "description"), v)?,
            None => String::new(),
        };
        let technical_tickets = match t.get("technical_tickets") {
            Some(v) => ctx.bool(&TomlCtx::join(&p, "technical_tickets"), v)?,
            None => true,
        };
        let priority = match t.get("priority") {
            Some(v) => {
                let kp = TomlCtx::join(&p, "priority");
                let n = ctx.int(&kp, v)?;
                u32::try_from(n).map_err(|_| {
                    ctx.err(
                        &kp,
                        Some(v.span()),
                        format!("must be a non-negative integer, got {n}"),
                    )
                })?
            }
            None => 100,
        };
        let linked_accounts = match t.get("linked_accounts") {
            Some(v) => non_negative_u32(&ctx, &TomlCtx::join(&p, "linked_accounts"), v)?,
            None => 0,
        };
        let plan_orders = match t.get("orders") {
            Some(v) => parse_plan_orders(&ctx, &TomlCtx::join(&p, "orders"), v, &orders)?,
            None => PlanOrders::default(),
        };
        let retired_on = match t.get("retired_on") {
            Some(v) => Some(ctx.date(&TomlCtx::join(&p, "retired_on"), v)?),
            None => None,
        };
        let fallback = match t.get("fallback") {
            Some(v) => {
                fallback_spans.push(v.span());
                Some(ctx.string(&TomlCtx::join(&p, "fallback"), v)?)
            }
            None => {
                fallback_spans.push(pv.span());
                None
            }
        };
        match (&retired_on, &fallback) {
            (Some(_), None) => {
                return Err(ctx.err(
                    &TomlCtx::join(&p, "retired_on"),
                    t.get("retired_on").map(|v| v.span()),
                    "a retired plan needs a `fallback` plan",
                ));
            }
            (None, Some(_)) => {
                return Err(ctx.err(
                    &TomlCtx::join(&p, "fallback"),
                    t.get("fallback").map(|v| v.span()),
                    "`fallback` needs `retired_on` (the date the fallback takes over)",
                ));
            }
            _ => {}
        }
        let mut targets = BTreeMap::new();
        for metric in Metric::ALL {
            let Some(mv) = t.get(metric.toml_key()) else {
                continue;
            };
            let mp = TomlCtx::join(&p, metric.toml_key());
            let mt = ctx.table(&mp, mv)?;
            let mut per_sev = BTreeMap::new();
            for (sk, sv) in TomlCtx::entries(mt) {
                let sev = sk.get_ref().to_string();
                let sp = TomlCtx::join(&mp, &sev);
                if !severities.contains(&sev) {
                    return Err(ctx.err(&sp, Some(sk.span()), unknown_severity(&sev, &severities)));
                }
                per_sev.insert(sev, parse_target(&ctx, &sp, sv, &calendars)?);
            }
            targets.insert(metric, per_sev);
        }
        plans.push(Plan {
            name: pname,
            label,
            description,
            technical_tickets,
            priority,
            retired_on,
            fallback,
            linked_accounts,
            orders: plan_orders,
            targets,
        });
    }
    if plans.is_empty() {
        return Err(ctx.err("plans", Some(plans_v.span()), "needs at least one plan"));
    }

    // fallbacks: known plans, no cycles
    for (i, plan) in plans.iter().enumerate() {
        let Some(fb) = &plan.fallback else { continue };
        let key = TomlCtx::join(&TomlCtx::join("plans", &plan.name), "fallback");
        if !plans.iter().any(|p| &p.name == fb) {
            let known: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
            return Err(ctx.err(
                &key,
                Some(fallback_spans[i].clone()),
                format!("unknown plan \"{fb}\" (plans: {})", known.join(", ")),
            ));
        }
        let mut seen = vec![plan.name.as_str()];
        let mut cur = fb.as_str();
        while let Some(next) = plans.iter().find(|p| p.name == cur) {
            if seen.contains(&cur) {
                seen.push(cur);
                return Err(ctx.err(
                    &key,
                    Some(fallback_spans[i].clone()),
                    format!("fallback cycle: {}", seen.join(" → ")),
                ));
            }
            seen.push(cur);
            match &next.fallback {
                Some(f) => cur = f,
                None => break,
            }
        }
    }

    let intake = match root.get("intake") {
        Some(v) => parse_intake(&ctx, v, &severities)?,
        None => IntakeRules::default(),
    };

    Ok(PolicySet {
        intake,
        name,
        description,
        severities,
        at_risk_share,
        billing_excluded_severities,
        plans,
        origin: origin.to_string(),
        orders,
        severity_descriptions,
        calendars,
        report_calendar_line,
    })
}

fn non_negative_u32(ctx: &TomlCtx<'_>, path: &str, v: &Item<'_>) -> Result<u32, PolicyError> {
    let n = ctx.int(path, v)?;
    u32::try_from(n).map_err(|_| {
        ctx.err(
            path,
            Some(v.span()),
            format!("must be a non-negative integer, got {n}"),
        )
    })
}

/// `[orders]`: the set's service-order rules, and the line of `report_calendar`.
/// `[intake]`: how mail opens tickets (default severity and kind) and how long a resolved
/// ticket can be reopened by the customer's answer.
fn parse_intake(
    ctx: &TomlCtx<'_>,
    v: &Item<'_>,
    severities: &[String],
) -> Result<IntakeRules, PolicyError> {
    let t = ctx.table("intake", v)?;
    ctx.check_keys(
        "intake",
        t,
        &["default_severity", "default_kind", "reopen_days"],
    )?;
    let mut rules = IntakeRules::default();
    if let Some(v) = t.get("default_severity") {
        let s = ctx.string("intake.default_severity", v)?;
        if !severities.contains(&s) {
            return Err(ctx.err(
                "intake.default_severity",
                Some(v.span()),
                unknown_severity(&s, severities),
            ));
        }
        rules.default_severity = Some(s);
    }
    if let Some(v) = t.get("default_kind") {
        let s = ctx.string("intake.default_kind", v)?;
        rules.default_kind = Some(
            s.parse()
                .map_err(|e: String| ctx.err("intake.default_kind", Some(v.span()), e))?,
        );
    }
    if let Some(v) = t.get("reopen_days") {
        let n = non_negative_u32(ctx, "intake.reopen_days", v)?;
        if n > 3660 {
            return Err(ctx.err(
                "intake.reopen_days",
                Some(v.span()),
                format!("at most 3660 days, got {n}"),
            ));
        }
        rules.reopen_days = n;
    }
    Ok(rules)
}

fn parse_order_rules(
    ctx: &TomlCtx<'_>,
    v: &Item<'_>,
) -> Result<(OrderRules, Option<usize>), PolicyError> {
    let t = ctx.table("orders", v)?;
    ctx.check_keys(
        "orders",
        t,
        &[
            "quota_period",
            "report_due_working_day",
            "report_calendar",
            "event_assurance",
        ],
    )?;
    let mut rules = OrderRules::default();
    if let Some(v) = t.get("quota_period") {
        let kp = "orders.quota_period";
        let s = ctx.string(kp, v)?;
        rules.quota_period = QuotaPeriod::parse(&s).ok_or_else(|| {
            ctx.err(
                kp,
                Some(v.span()),
                format!(
                    "unknown quota period \"{s}\" (expected \"calendar-year\" or \"calendar-month\")"
                ),
            )
        })?;
    }
    if let Some(v) = t.get("report_due_working_day") {
        let kp = "orders.report_due_working_day";
        let n = ctx.int(kp, v)?;
        if !(1..=MAX_REPORT_DUE_WORKING_DAY as i64).contains(&n) {
            return Err(ctx.err(
                kp,
                Some(v.span()),
                format!("must be between 1 and {MAX_REPORT_DUE_WORKING_DAY}, got {n}"),
            ));
        }
        rules.report_due_working_day = n as u32;
    }
    let mut line = None;
    if let Some(v) = t.get("report_calendar") {
        let kp = "orders.report_calendar";
        let s = ctx.string(kp, v)?;
        if s.trim().is_empty() || s.trim() != s {
            return Err(ctx.err(
                kp,
                Some(v.span()),
                "calendar name must be non-empty, without surrounding spaces",
            ));
        }
        line = Some(ctx.line(v.span().start));
        rules.report_calendar = Some(s);
    }
    if let Some(v) = t.get("event_assurance") {
        let ep = "orders.event_assurance";
        let et = ctx.table(ep, v)?;
        ctx.check_keys(ep, et, &["levels"])?;
        if let Some(lv) = et.get("levels") {
            let lp = "orders.event_assurance.levels";
            let lt = ctx.table(lp, lv)?;
            for (k, item) in TomlCtx::entries(lt) {
                let kp = TomlCtx::join(lp, k.get_ref());
                let level = parse_level_key(k.get_ref()).ok_or_else(|| {
                    ctx.err(
                        &kp,
                        Some(k.span()),
                        "a level is a whole number from 1 to 255 (e.g. \"1\")",
                    )
                })?;
                let it = ctx.table(&kp, item)?;
                ctx.check_keys(&kp, it, &["notice_days", "max_days"])?;
                let get = |key: &str| -> Result<u32, PolicyError> {
                    let p = TomlCtx::join(&kp, key);
                    match it.get(key) {
                        Some(x) => non_negative_u32(ctx, &p, x),
                        None => Err(ctx.err(&p, Some(item.span()), "missing")),
                    }
                };
                let notice_days = get("notice_days")?;
                let max_days = get("max_days")?;
                if max_days == 0 {
                    let p = TomlCtx::join(&kp, "max_days");
                    return Err(ctx.err(
                        &p,
                        it.get("max_days").map(|x| x.span()),
                        "must be at least 1 (days, both ends inclusive)",
                    ));
                }
                if rules
                    .levels
                    .insert(
                        level,
                        LevelRule {
                            notice_days,
                            max_days,
                        },
                    )
                    .is_some()
                {
                    return Err(ctx.err(
                        &kp,
                        Some(k.span()),
                        format!("level {level} is defined twice"),
                    ));
                }
            }
        }
    }
    Ok((rules, line))
}

/// `"1"` → 1; 1..=255, digits only, no leading zeros.
fn parse_level_key(k: &str) -> Option<u8> {
    if k.is_empty() || k.starts_with('0') || !k.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    k.parse::<u8>().ok().filter(|n| *n >= 1)
}

/// `[plans.X.orders]`.
fn parse_plan_orders(
    ctx: &TomlCtx<'_>,
    path: &str,
    v: &Item<'_>,
    rules: &OrderRules,
) -> Result<PlanOrders, PolicyError> {
    let t = ctx.table(path, v)?;
    ctx.check_keys(
        path,
        t,
        &["event_assurance", "availability_checks", "monthly_report"],
    )?;
    let mut out = PlanOrders::default();
    if let Some(ev) = t.get("event_assurance") {
        let ep = TomlCtx::join(path, "event_assurance");
        let et = ctx.table(&ep, ev)?;
        ctx.check_keys(&ep, et, &["quota", "levels"])?;
        if let Some(q) = et.get("quota") {
            out.event_assurance_quota = non_negative_u32(ctx, &TomlCtx::join(&ep, "quota"), q)?;
        }
        if let Some(lv) = et.get("levels") {
            let lp = TomlCtx::join(&ep, "levels");
            for (i, item) in ctx.array(&lp, lv)?.iter().enumerate() {
                let ip = format!("{lp}[{i}]");
                let n = ctx.int(&ip, item)?;
                let level = u8::try_from(n).ok().filter(|l| *l >= 1).ok_or_else(|| {
                    ctx.err(
                        &ip,
                        Some(item.span()),
                        format!("a level is a whole number from 1 to 255, got {n}"),
                    )
                })?;
                if !rules.levels.contains_key(&level) {
                    let defined: Vec<String> = rules.levels.keys().map(|l| l.to_string()).collect();
                    return Err(ctx.err(
                        &ip,
                        Some(item.span()),
                        format!(
                            "level {level} is not defined in [orders.event_assurance.levels] (defined: {})",
                            if defined.is_empty() {
                                "none".to_string()
                            } else {
                                defined.join(", ")
                            }
                        ),
                    ));
                }
                if out.event_assurance_levels.contains(&level) {
                    return Err(ctx.err(
                        &ip,
                        Some(item.span()),
                        format!("level {level} listed twice"),
                    ));
                }
                out.event_assurance_levels.push(level);
            }
            out.event_assurance_levels.sort_unstable();
        }
        match (
            out.event_assurance_quota,
            out.event_assurance_levels.is_empty(),
        ) {
            (q, true) if q > 0 => {
                return Err(ctx.err(
                    &TomlCtx::join(&ep, "levels"),
                    Some(ev.span()),
                    format!("a quota of {q} needs the levels it may be used for (levels = [...])"),
                ));
            }
            (0, false) => {
                return Err(ctx.err(
                    &TomlCtx::join(&ep, "quota"),
                    Some(ev.span()),
                    "levels without a quota: give quota >= 1, or drop `levels`",
                ));
            }
            _ => {}
        }
    }
    if let Some(av) = t.get("availability_checks") {
        let ap = TomlCtx::join(path, "availability_checks");
        for (i, item) in ctx.array(&ap, av)?.iter().enumerate() {
            let ip = format!("{ap}[{i}]");
            let s = ctx.string(&ip, item)?;
            let sc: Scenario = s
                .parse()
                .map_err(|m: String| ctx.err(&ip, Some(item.span()), m))?;
            if out.availability_checks.contains(&sc) {
                return Err(ctx.err(
                    &ip,
                    Some(item.span()),
                    format!("scenario \"{sc}\" listed twice"),
                ));
            }
            out.availability_checks.push(sc);
        }
    }
    if let Some(mv) = t.get("monthly_report") {
        out.monthly_report = ctx.bool(&TomlCtx::join(path, "monthly_report"), mv)?;
    }
    Ok(out)
}

fn unknown_severity(sev: &str, severities: &[String]) -> String {
    format!(
        "severity \"{sev}\" is not in this set's severities ({})",
        severities.join(", ")
    )
}

fn parse_target(
    ctx: &TomlCtx<'_>,
    path: &str,
    v: &Item<'_>,
    calendars: &BTreeMap<String, Calendar>,
) -> Result<Target, PolicyError> {
    let t = ctx.table(path, v)?;
    ctx.check_keys(
        path,
        t,
        &["seconds", "minutes", "hours", "clock", "calendar"],
    )?;
    let units: Vec<(&str, i64)> = [("seconds", 1), ("minutes", 60), ("hours", 3600)]
        .into_iter()
        .filter(|(k, _)| t.get(*k).is_some())
        .collect();
    let &[(unit, mult)] = units.as_slice() else {
        return Err(ctx.err(
            path,
            Some(v.span()),
            "give exactly one of `seconds`, `minutes`, `hours`",
        ));
    };
    let up = TomlCtx::join(path, unit);
    let uv = t.get(unit).expect("checked above");
    let n = ctx.int(&up, uv)?;
    if n <= 0 {
        return Err(ctx.err(
            &up,
            Some(uv.span()),
            format!("target must be positive, got {n}"),
        ));
    }
    let seconds = n
        .checked_mul(mult)
        .filter(|s| *s <= MAX_TARGET_SECONDS)
        .ok_or_else(|| ctx.err(&up, Some(uv.span()), "target longer than 366 days"))?;

    let cp = TomlCtx::join(path, "clock");
    let Some(cv) = t.get("clock") else {
        return Err(ctx.err(&cp, Some(v.span()), "missing (\"24x7\" or \"business\")"));
    };
    let clock_name = ctx.string(&cp, cv)?;
    let clock = match clock_name.as_str() {
        "24x7" => {
            if let Some(c) = t.get("calendar") {
                return Err(ctx.err(
                    &TomlCtx::join(path, "calendar"),
                    Some(c.span()),
                    "only a \"business\" clock takes a calendar",
                ));
            }
            Clock::Wall
        }
        "business" => {
            let (calendar, key, span) = match t.get("calendar") {
                Some(c) => {
                    let kp = TomlCtx::join(path, "calendar");
                    (ctx.string(&kp, c)?, kp, c.span())
                }
                None => ("business".to_string(), cp.clone(), cv.span()),
            };
            if !calendars.contains_key(&calendar) {
                let known: Vec<&str> = calendars.keys().map(String::as_str).collect();
                return Err(ctx.err(
                    &key,
                    Some(span),
                    format!(
                        "unknown calendar \"{calendar}\" (define [calendars.{calendar}]; defined: {})",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ),
                ));
            }
            Clock::Business { calendar }
        }
        other => {
            return Err(ctx.err(
                &cp,
                Some(cv.span()),
                format!("unknown clock \"{other}\" (expected \"24x7\" or \"business\")"),
            ));
        }
    };
    Ok(Target { seconds, clock })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn builtin() -> PolicyRegistry {
        super::builtin().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_sets_load() {
        let reg = builtin();
        assert_eq!(reg.names(), vec!["connected-care", "ctyun"]);
        let cc = reg.get("connected-care").unwrap();
        assert_eq!(cc.severities, vec!["S1", "S2", "S3", "S4"]);
        assert_eq!(cc.at_risk_share, 0.75);
        assert_eq!(cc.billing_excluded_severities, vec!["S1"]);
        assert!(!cc.billing_allows("S1"));
        assert!(cc.billing_allows("S2"));
        assert!(cc.has_severity("S4") && !cc.has_severity("S5"));
        assert_eq!(cc.severity_rank("S1"), Some(0));
        assert_eq!(
            cc.severity_description("S1"),
            Some("Complete loss of production functionality")
        );
        let names: Vec<&str> = cc.plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "basic",
                "developer",
                "enterprise",
                "premium",
                "legacy-basic",
                "legacy-standard",
                "legacy-enterprise",
                "legacy-premium"
            ]
        );
        let prio: Vec<u32> = cc.plans.iter().map(|p| p.priority).collect();
        assert_eq!(prio, [4, 3, 2, 1, 4, 3, 2, 1]);
        let basic = cc.plan("basic").unwrap();
        assert!(!basic.technical_tickets);
        assert!(basic.metrics().is_empty());
        assert!(cc.plan("developer").unwrap().technical_tickets);
        assert_eq!(
            cc.target("developer", Metric::FirstResponse, "S1"),
            Some(&Target {
                seconds: 4 * 3600,
                clock: Clock::Business {
                    calendar: "business".into()
                }
            })
        );
        assert_eq!(
            cc.target("premium", Metric::FirstResponse, "S1")
                .unwrap()
                .to_string(),
            "30 min (24×7)"
        );
        assert_eq!(
            cc.target("enterprise", Metric::FirstResponse, "S3")
                .unwrap()
                .to_string(),
            "8 h (business)"
        );
        assert_eq!(
            cc.calendar("business").unwrap().describe(),
            "Mon–Fri 09:00–18:00"
        );
        // legacy plans mirror their modern equivalents
        for (legacy, modern) in [
            ("legacy-standard", "developer"),
            ("legacy-enterprise", "enterprise"),
            ("legacy-premium", "premium"),
        ] {
            for sev in ["S1", "S2", "S3", "S4"] {
                assert_eq!(
                    cc.target(legacy, Metric::FirstResponse, sev),
                    cc.target(modern, Metric::FirstResponse, sev)
                );
            }
        }

        let ct = reg.get("ctyun").unwrap();
        assert_eq!(ct.severities, vec!["urgent", "general"]);
        assert!(ct.billing_excluded_severities.is_empty());
        let prio: Vec<(&str, u32)> = ct
            .plans
            .iter()
            .map(|p| (p.name.as_str(), p.priority))
            .collect();
        assert_eq!(
            prio,
            [
                ("standard", 4),
                ("lightweight", 3),
                ("business", 2),
                ("enterprise", 1)
            ]
        );
        assert!(ct.calendar_names().is_empty());
        assert_eq!(Metric::FirstResponse.as_str(), "first-response");
        assert_eq!(Metric::parse("next_response"), Some(Metric::NextResponse));
        assert_eq!(Clock::Wall.as_str(), "24x7");
    }

    #[test]
    fn user_dir_adds_and_replaces() {
        let dir = std::env::temp_dir().join(format!("tuidesk-policy-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("ctyun.toml"),
            "description = \"mine\"\nseverities = [\"x\"]\n[plans.only]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("acme.toml"),
            "severities = [\"p1\"]\n[plans.gold.first_response]\np1 = { minutes = 15, clock = \"24x7\" }\n",
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
        let reg = load_with_dir(Some(&dir)).unwrap();
        assert_eq!(reg.names(), vec!["connected-care", "ctyun", "acme"]);
        assert_eq!(reg.get("ctyun").unwrap().description, "mine");
        assert_eq!(
            reg.get("acme")
                .unwrap()
                .target("gold", Metric::FirstResponse, "p1")
                .unwrap()
                .seconds,
            900
        );

        std::fs::write(
            dir.join("zzz.toml"),
            "name = \"acme\"\nseverities = [\"p1\"]\n[plans.x]\n",
        )
        .unwrap();
        let e = load_with_dir(Some(&dir)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "zzz.toml: name: policy set \"acme\" is already defined by acme.toml"
        );
        std::fs::write(
            dir.join("zzz.toml"),
            "severities = [\"p1\"]\n[plans.x]\nbogus = 1\n",
        )
        .unwrap();
        let e = load_with_dir(Some(&dir)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "zzz.toml: plans.x.bogus: unknown key (expected one of: label, description, technical_tickets, priority, retired_on, fallback, first_response, next_response, resolution, linked_accounts, orders)"
        );
        std::fs::remove_dir_all(&dir).unwrap();

        let missing = std::env::temp_dir().join("tuidesk-policy-test-does-not-exist");
        assert_eq!(load_with_dir(Some(&missing)).unwrap().names().len(), 2);
        assert_eq!(load_with_dir(None).unwrap().names().len(), 2);
    }

    // ------------------------------------------------------------ bad fixtures

    /// A valid base file; each bad fixture changes one thing.
    const BASE: &str = r#"name = "connected-care"
severities = ["S1", "S2"]
billing_excluded_severities = ["S1"]

[calendars.business]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]

[plans.basic]
technical_tickets = false

[plans.developer.first_response]
S1 = { hours = 4, clock = "business" }
S2 = { hours = 8, clock = "24x7" }
"#;

    fn bad(from: &str, to: &str) -> PolicyError {
        assert!(BASE.contains(from), "fixture does not contain {from:?}");
        parse_set(&BASE.replacen(from, to, 1), "connected-care.toml").unwrap_err()
    }

    #[test]
    fn base_fixture_is_valid() {
        parse_set(BASE, "connected-care.toml").unwrap();
    }

    #[test]
    fn bad_unknown_clock() {
        let e = bad("clock = \"business\" }", "clock = \"24/7\" }");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S1.clock: unknown clock \"24/7\" (expected \"24x7\" or \"business\")"
        );
        assert_eq!(e.key(), Some("plans.developer.first_response.S1.clock"));
        assert_eq!(e.line(), Some(13));
    }

    #[test]
    fn bad_negative_target() {
        let e = bad("hours = 4", "hours = -4");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S1.hours: target must be positive, got -4"
        );
    }

    #[test]
    fn bad_zero_target() {
        let e = bad("hours = 8", "minutes = 0");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S2.minutes: target must be positive, got 0"
        );
    }

    #[test]
    fn bad_two_amounts() {
        let e = bad("hours = 8,", "hours = 8, minutes = 3,");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S2: give exactly one of `seconds`, `minutes`, `hours`"
        );
    }

    #[test]
    fn bad_time() {
        let e = bad("tue = [\"09:00-18:00\"]", "tue = [\"09:00-25:00\"]");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: calendars.business.tue[0]: bad time \"25:00\" (expected HH:MM between 00:00 and 24:00)"
        );
        assert_eq!(e.line(), Some(7));
    }

    #[test]
    fn bad_overlapping_intervals() {
        let e = bad(
            "mon = [\"09:00-18:00\"]",
            "mon = [\"09:00-13:00\", \"12:00-18:00\"]",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: calendars.business.mon: intervals 09:00–13:00 and 12:00–18:00 overlap"
        );
        assert_eq!(e.line(), Some(6));
    }

    #[test]
    fn bad_interval_crossing_midnight() {
        let e = bad("mon = [\"09:00-18:00\"]", "mon = [\"22:00-06:00\"]");
        assert!(
            e.to_string().starts_with("connected-care.toml: calendars.business.mon[0]: interval \"22:00-06:00\" crosses midnight"),
            "{e}"
        );
    }

    #[test]
    fn bad_unknown_key() {
        let e = bad(
            "technical_tickets = false",
            "technical_tickets = false\nsla = 3",
        );
        assert!(
            e.to_string().starts_with(
                "connected-care.toml: plans.basic.sla: unknown key (expected one of: label, "
            ),
            "{e}"
        );
        let e = bad(
            "name = \"connected-care\"",
            "name = \"connected-care\"\nseverity = []",
        );
        assert!(
            e.to_string()
                .starts_with("connected-care.toml: severity: unknown key"),
            "{e}"
        );
        let e = bad("mon = [\"09:00-18:00\"]", "monday = [\"09:00-18:00\"]");
        assert!(
            e.to_string()
                .starts_with("connected-care.toml: calendars.business.monday: unknown key"),
            "{e}"
        );
        let e = bad("clock = \"24x7\" }", "clock = \"24x7\", clok = 1 }");
        assert!(
            e.to_string().starts_with(
                "connected-care.toml: plans.developer.first_response.S2.clok: unknown key"
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_severity_not_in_set() {
        let e = bad("S2 = { hours = 8", "S3 = { hours = 8");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S3: severity \"S3\" is not in this set's severities (S1, S2)"
        );
        let e = bad(
            "billing_excluded_severities = [\"S1\"]",
            "billing_excluded_severities = [\"S0\"]",
        );
        assert!(
            e.to_string().starts_with(
                "connected-care.toml: billing_excluded_severities[0]: severity \"S0\""
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_fallback_unknown_plan() {
        let e = bad(
            "technical_tickets = false",
            "technical_tickets = false\nretired_on = 2025-02-17\nfallback = \"free\"",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.basic.fallback: unknown plan \"free\" (plans: basic, developer)"
        );
        assert_eq!(e.line(), Some(12));
    }

    #[test]
    fn bad_fallback_cycle_and_half_retirement() {
        let e = bad(
            "technical_tickets = false",
            "technical_tickets = false\nretired_on = 2025-02-17\nfallback = \"basic\"",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.basic.fallback: fallback cycle: basic → basic"
        );
        let e = bad(
            "technical_tickets = false",
            "technical_tickets = false\nretired_on = 2025-02-17",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.basic.retired_on: a retired plan needs a `fallback` plan"
        );
        let e = bad(
            "technical_tickets = false",
            "technical_tickets = false\nretired_on = \"2025-02-30\"\nfallback = \"developer\"",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.basic.retired_on: expected a date like 2026-01-15"
        );
    }

    #[test]
    fn bad_empty_calendar() {
        let e = bad(
            "mon = [\"09:00-18:00\"]\ntue = [\"09:00-18:00\"]",
            "holidays = [2026-01-01]",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: calendars.business: calendar has no working time (no weekday has hours); a business clock on it would never run"
        );
        let e = bad(
            "mon = [\"09:00-18:00\"]\ntue = [\"09:00-18:00\"]",
            "mon = []",
        );
        assert!(
            e.to_string().starts_with(
                "connected-care.toml: calendars.business: calendar has no working time"
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_unknown_calendar() {
        let e = bad(
            "clock = \"business\" }",
            "clock = \"business\", calendar = \"cn\" }",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S1.calendar: unknown calendar \"cn\" (define [calendars.cn]; defined: business)"
        );
        let e = bad("[calendars.business]", "[calendars.office]");
        assert!(
            e.to_string().starts_with("connected-care.toml: plans.developer.first_response.S1.clock: unknown calendar \"business\""),
            "{e}"
        );
        let e = bad(
            "clock = \"24x7\" }",
            "clock = \"24x7\", calendar = \"business\" }",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S2.calendar: only a \"business\" clock takes a calendar"
        );
    }

    #[test]
    fn bad_types_and_values() {
        let e = bad("hours = 4", "hours = \"4\"");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S1.hours: expected an integer, found string"
        );
        let e = bad(
            "severities = [\"S1\", \"S2\"]",
            "severities = [\"S1\", \"S2\"]\nat_risk_share = 1.5",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: at_risk_share: must be greater than 0 and at most 1, got 1.5"
        );
        let e = bad(
            "severities = [\"S1\", \"S2\"]",
            "severities = [\"S1\", \"S1\"]",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: severities[1]: severity \"S1\" listed twice"
        );
        let e = bad(
            "[plans.basic]\ntechnical_tickets = false",
            "[plans.basic]\npriority = -1",
        );
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.basic.priority: must be a non-negative integer, got -1"
        );
        let e = bad("hours = 8,", "hours = 9000,");
        assert_eq!(
            e.to_string(),
            "connected-care.toml: plans.developer.first_response.S2.hours: target longer than 366 days"
        );
    }

    // ------------------------------------------------------------ service orders

    #[test]
    fn ctyun_order_entitlements() {
        let reg = builtin();
        let ct = reg.get("ctyun").unwrap();
        let o = &ct.orders;
        assert_eq!(o.quota_period, QuotaPeriod::CalendarYear);
        assert_eq!(o.report_due_working_day, 15);
        assert_eq!(o.report_calendar.as_deref(), Some("cn"));
        let levels: Vec<(u8, u32, u32)> = o
            .levels
            .iter()
            .map(|(l, r)| (*l, r.notice_days, r.max_days))
            .collect();
        assert_eq!(levels, [(1, 14, 3), (2, 7, 5), (3, 5, 10)]);

        let std = ct.plan("standard").unwrap();
        assert_eq!(std.orders, PlanOrders::default());
        assert_eq!(std.linked_accounts, 0);
        let lw = ct.plan("lightweight").unwrap();
        assert_eq!(lw.orders.event_assurance_quota, 1);
        assert_eq!(lw.orders.event_assurance_levels, [3]);
        assert_eq!(lw.orders.availability_checks, [Scenario::Joining]);
        assert!(!lw.orders.monthly_report);
        assert_eq!(lw.linked_accounts, 0);
        let bz = ct.plan("business").unwrap();
        assert_eq!(bz.orders.event_assurance_quota, 4);
        assert_eq!(bz.orders.event_assurance_levels, [3]);
        assert_eq!(
            bz.orders.availability_checks,
            [
                Scenario::Joining,
                Scenario::MajorEvent,
                Scenario::MajorChange
            ]
        );
        assert!(!bz.orders.monthly_report);
        assert_eq!(bz.linked_accounts, 3);
        let en = ct.plan("enterprise").unwrap();
        assert_eq!(en.orders.event_assurance_quota, 4);
        assert_eq!(en.orders.event_assurance_levels, [1, 2, 3]);
        assert_eq!(en.orders.availability_checks, Scenario::ALL);
        assert!(en.orders.monthly_report);
        assert_eq!(en.linked_accounts, 5);

        // the report calendar is the built-in standalone "cn"
        assert_eq!(reg.calendar_names(), ["cn"]);
        assert_eq!(reg.calendar_origin("cn"), Some("calendars/cn-2026.toml"));
        let cn = reg.report_calendar(ct).unwrap();
        assert!(std::ptr::eq(cn, reg.calendar_for(ct, "cn").unwrap()));
        assert!(cn.description().contains("EXAMPLE"));
        assert_eq!(cn.years(), [2026]);
        assert!(cn.covers_year(2026) && !cn.covers_year(2027));
        for h in [
            d(2026, 1, 1),
            d(2026, 2, 16),
            d(2026, 10, 7),
            d(2026, 6, 19),
        ] {
            assert!(!cn.is_working_day(h), "{h}");
        }
        for w in [d(2026, 1, 4), d(2026, 2, 14), d(2026, 2, 28), d(2026, 5, 9)] {
            assert!(cn.is_working_day(w), "{w}");
        }
        assert!(cn.is_working_day(d(2026, 9, 20)) && cn.is_working_day(d(2026, 10, 10)));
        assert!(cn.is_working_day(d(2026, 10, 8)) && !cn.is_working_day(d(2026, 10, 11)));

        // connected-care has no order rules: defaults, nothing allowed
        let cc = reg.get("connected-care").unwrap();
        assert_eq!(cc.orders, OrderRules::default());
        assert!(cc.plans.iter().all(|p| p.orders == PlanOrders::default()));
        assert!(reg.report_calendar(cc).is_none());
        assert!(reg.calendar_for(cc, "business").is_some());
        assert!(reg.calendar_for(cc, "cn").is_some());
        assert!(reg.calendar_for(cc, "nope").is_none());
    }

    /// A valid file with order rules; each bad fixture changes one thing.
    const ORDERS_BASE: &str = r#"severities = ["S1"]

[orders]
quota_period = "calendar-month"
report_due_working_day = 10
report_calendar = "office"

[orders.event_assurance.levels]
1 = { notice_days = 14, max_days = 3 }
3 = { notice_days = 5, max_days = 10 }

[calendars.office]
mon = ["09:00-18:00"]

[plans.gold]
linked_accounts = 2

[plans.gold.orders]
event_assurance = { quota = 2, levels = [3, 1] }
availability_checks = ["joining", "annual"]
monthly_report = true
"#;

    fn bad_orders(from: &str, to: &str) -> PolicyError {
        assert!(
            ORDERS_BASE.contains(from),
            "fixture does not contain {from:?}"
        );
        parse_set(&ORDERS_BASE.replacen(from, to, 1), "acme.toml").unwrap_err()
    }

    #[test]
    fn orders_base_fixture_is_valid() {
        let s = parse_set(ORDERS_BASE, "acme.toml").unwrap();
        assert_eq!(s.orders.quota_period, QuotaPeriod::CalendarMonth);
        assert_eq!(s.orders.report_due_working_day, 10);
        let gold = s.plan("gold").unwrap();
        assert_eq!(gold.linked_accounts, 2);
        assert_eq!(gold.orders.event_assurance_levels, [1, 3]);
        assert_eq!(
            gold.orders.availability_checks,
            [Scenario::Joining, Scenario::Annual]
        );
    }

    #[test]
    fn bad_order_rules() {
        let e = bad_orders(
            "monthly_report = true",
            "monthly_report = true
reports = 1",
        );
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.reports: unknown key (expected one of: event_assurance, availability_checks, monthly_report)"
        );
        assert_eq!(e.line(), Some(22));
        let e = bad_orders("quota = 2,", "quota = 2, quotas = 1,");
        assert!(
            e.to_string()
                .starts_with("acme.toml: plans.gold.orders.event_assurance.quotas: unknown key"),
            "{e}"
        );
        let e = bad_orders("\"annual\"]", "\"yearly\"]");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.availability_checks[1]: unknown availability-check scenario \"yearly\" (allowed: joining, major-event, major-change, annual)"
        );
        let e = bad_orders("\"annual\"]", "\"joining\"]");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.availability_checks[1]: scenario \"joining\" listed twice"
        );
        let e = bad_orders("levels = [3, 1]", "levels = [3, 2]");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.event_assurance.levels[1]: level 2 is not defined in [orders.event_assurance.levels] (defined: 1, 3)"
        );
        assert_eq!(e.line(), Some(19));
        let e = bad_orders("levels = [3, 1]", "levels = [3, 0]");
        assert!(
            e.to_string().starts_with(
                "acme.toml: plans.gold.orders.event_assurance.levels[1]: a level is a whole number from 1 to 255, got 0"
            ),
            "{e}"
        );
        let e = bad_orders("quota = 2, levels = [3, 1]", "quota = 2");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.event_assurance.levels: a quota of 2 needs the levels it may be used for (levels = [...])"
        );
        let e = bad_orders("quota = 2, levels = [3, 1]", "levels = [3]");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.event_assurance.quota: levels without a quota: give quota >= 1, or drop `levels`"
        );
        let e = bad_orders("quota = 2,", "quota = -1,");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.event_assurance.quota: must be a non-negative integer, got -1"
        );
        let e = bad_orders("monthly_report = true", "monthly_report = \"yes\"");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.orders.monthly_report: expected true or false, found string"
        );
        let e = bad_orders("linked_accounts = 2", "linked_accounts = -2");
        assert_eq!(
            e.to_string(),
            "acme.toml: plans.gold.linked_accounts: must be a non-negative integer, got -2"
        );
    }

    #[test]
    fn bad_set_order_rules() {
        let e = bad_orders("\"calendar-month\"", "\"fiscal-year\"");
        assert_eq!(
            e.to_string(),
            "acme.toml: orders.quota_period: unknown quota period \"fiscal-year\" (expected \"calendar-year\" or \"calendar-month\")"
        );
        assert_eq!(e.line(), Some(4));
        for (n, ok) in [(0, false), (1, true), (23, true), (24, false)] {
            let src = ORDERS_BASE.replacen(
                "report_due_working_day = 10",
                &format!("report_due_working_day = {n}"),
                1,
            );
            match parse_set(&src, "acme.toml") {
                Ok(_) => assert!(ok, "{n}"),
                Err(e) => {
                    assert!(!ok, "{n}: {e}");
                    assert_eq!(
                        e.to_string(),
                        format!(
                            "acme.toml: orders.report_due_working_day: must be between 1 and 23, got {n}"
                        )
                    );
                }
            }
        }
        let e = bad_orders(
            "[orders]",
            "[orders]
period = 1",
        );
        assert!(
            e.to_string().starts_with(
                "acme.toml: orders.period: unknown key (expected one of: quota_period, report_due_working_day, report_calendar, event_assurance)"
            ),
            "{e}"
        );
        let e = bad_orders("1 = { notice_days", "01 = { notice_days");
        assert_eq!(
            e.to_string(),
            "acme.toml: orders.event_assurance.levels.01: a level is a whole number from 1 to 255 (e.g. \"1\")"
        );
        let e = bad_orders("1 = { notice_days", "one = { notice_days");
        assert!(
            e.to_string()
                .starts_with("acme.toml: orders.event_assurance.levels.one: a level is"),
            "{e}"
        );
        let e = bad_orders("notice_days = 14, max_days = 3", "notice_days = 14");
        assert_eq!(
            e.to_string(),
            "acme.toml: orders.event_assurance.levels.1.max_days: missing"
        );
        let e = bad_orders("max_days = 3", "max_days = 0");
        assert_eq!(
            e.to_string(),
            "acme.toml: orders.event_assurance.levels.1.max_days: must be at least 1 (days, both ends inclusive)"
        );
        let e = bad_orders("max_days = 3", "max_days = 3, min_days = 1");
        assert!(
            e.to_string()
                .starts_with("acme.toml: orders.event_assurance.levels.1.min_days: unknown key"),
            "{e}"
        );
        let e = bad_orders("report_calendar = \"office\"", "report_calendar = \" \"");
        assert!(
            e.to_string()
                .starts_with("acme.toml: orders.report_calendar: calendar name must be non-empty"),
            "{e}"
        );
    }

    #[test]
    fn report_calendar_must_exist_at_load() {
        let dir =
            std::env::temp_dir().join(format!("tuidesk-policy-cal-test-{}", std::process::id()));
        let cals = dir.join("calendars");
        std::fs::create_dir_all(&cals).unwrap();
        // the set's own calendar satisfies it
        std::fs::write(dir.join("acme.toml"), ORDERS_BASE).unwrap();
        let reg = load_with_dir(Some(&dir)).unwrap();
        let acme = reg.get("acme").unwrap();
        assert_eq!(
            reg.report_calendar(acme).unwrap().weekly_seconds(),
            9 * 3600
        );

        // a name nobody defines is refused, naming the key and its line
        std::fs::write(
            dir.join("acme.toml"),
            ORDERS_BASE.replace("report_calendar = \"office\"", "report_calendar = \"jp\""),
        )
        .unwrap();
        let e = load_with_dir(Some(&dir)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "acme.toml: orders.report_calendar: unknown calendar \"jp\" (define [calendars.jp] or a calendars/*.toml file named \"jp\"; known: cn, office)"
        );
        assert_eq!(e.key(), Some("orders.report_calendar"));
        assert_eq!(e.line(), Some(6));

        // ... until a standalone calendar file provides it (name from the file stem)
        std::fs::write(
            cals.join("jp.toml"),
            "years = [2026]\nmon = [\"10:00-17:00\"]\n",
        )
        .unwrap();
        // a user "cn" replaces the built-in one
        std::fs::write(
            cals.join("mine.toml"),
            "name = \"cn\"\nyears = [2027]\ntue = [\"09:00-18:00\"]\n",
        )
        .unwrap();
        let reg = load_with_dir(Some(&dir)).unwrap();
        assert_eq!(reg.calendar_names(), ["cn", "jp"]);
        assert_eq!(reg.calendar_origin("cn"), Some("calendars/mine.toml"));
        assert_eq!(reg.standalone_calendar("cn").unwrap().years(), [2027]);
        let acme = reg.get("acme").unwrap();
        assert_eq!(
            reg.report_calendar(acme).unwrap().weekly_seconds(),
            7 * 3600
        );
        assert_eq!(
            reg.report_calendar(reg.get("ctyun").unwrap())
                .unwrap()
                .years(),
            [2027]
        );

        // two user files defining the same calendar
        std::fs::write(
            cals.join("zz.toml"),
            "name = \"jp\"\nmon = [\"09:00-18:00\"]\n",
        )
        .unwrap();
        let e = load_with_dir(Some(&dir)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "calendars/zz.toml: name: calendar \"jp\" is already defined by calendars/jp.toml"
        );
        // a bad standalone calendar names its file and key
        std::fs::write(cals.join("zz.toml"), "mon = [\"09:00-25:00\"]\n").unwrap();
        let e = load_with_dir(Some(&dir)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "calendars/zz.toml: mon[0]: bad time \"25:00\" (expected HH:MM between 00:00 and 24:00)"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_toml_syntax() {
        let e = bad("[plans.basic]", "[plans.basic");
        match &e {
            PolicyError::Syntax { origin, line, .. } => {
                assert_eq!(origin, "connected-care.toml");
                assert_eq!(*line, 9);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string().starts_with("connected-care.toml: line 9: "),
            "{e}"
        );
    }
}
