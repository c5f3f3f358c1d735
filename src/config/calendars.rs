//! Calendar files: the TOML form of [`Calendar`] (weekly hours, holidays, extra working
//! days), as a standalone file or as a policy set's `[calendars.<name>]` table. Errors
//! name the file, the key and the line.
//!
//! # Standalone calendar file format (`*.toml`)
//!
//! The same table that a policy set embeds as `[calendars.<name>]` can be a file of
//! its own; `name` is then allowed too (default: the file stem).
//!
//! ```toml
//! name = "cn-2026"                      # optional, standalone files only
//! description = "Mainland China 2026"   # optional
//! years = [2026]                        # optional: years whose holidays are loaded
//! # weekly hours, half-open local intervals "HH:MM-HH:MM" ("24:00" only as an end);
//! # a weekday that is missing is closed. Intervals may not cross midnight or overlap.
//! mon = ["09:00-12:00", "13:00-18:00"]
//! tue = ["09:00-18:00"]
//! wed = ["09:00-18:00"]
//! thu = ["09:00-18:00"]
//! fri = ["09:00-18:00"]
//! # closed dates: a date, or a named date, or an inclusive range
//! holidays = [
//!   2026-01-01,
//!   { date = 2026-04-05, name = "Qingming" },
//!   { from = 2026-02-15, to = 2026-02-23, name = "Spring Festival" },
//! ]
//! # dates that work although their weekday does not (hours default to Monday's)
//! extra_working_days = [2026-02-14, { date = 2026-02-28, hours = ["09:00-18:00"] }]
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::toml::{TomlCtx, file_stem};
use crate::calendar::{Calendar, Holiday, Interval, WEEKDAY_KEYS};
use crate::policy::PolicyError;

/// Parses a standalone calendar file (format at the top of this module).
/// Returns the calendar's name (the `name` key, else the file stem) and the calendar.
pub fn parse_calendar(source: &str, origin: &str) -> Result<(String, Calendar), PolicyError> {
    let ctx = TomlCtx::new(origin, source);
    let doc = DeTable::parse(source).map_err(|e| ctx.syntax(&e))?;
    let root = doc.get_ref();
    let name = match root.get("name") {
        Some(v) => ctx.string("name", v)?,
        None => file_stem(origin),
    };
    let cal = calendar_from_table(&ctx, "", root, true)?;
    Ok((name, cal))
}

/// Parses a calendar from an already-parsed TOML table (e.g. a `[calendars.x]`
/// table); `key` is the table's key path, used in error messages.
pub fn parse_calendar_value(
    table: &toml::Table,
    origin: &str,
    key: &str,
) -> Result<Calendar, PolicyError> {
    let text = toml::to_string(table).map_err(|e| PolicyError::Invalid {
        origin: origin.to_string(),
        key: key.to_string(),
        line: None,
        message: e.to_string(),
    })?;
    let ctx = TomlCtx::new(origin, &text).with_prefix(key);
    let doc = DeTable::parse(&text).map_err(|e| ctx.syntax(&e))?;
    calendar_from_table(&ctx, "", doc.get_ref(), false)
}

/// A calendar table (`path` is its key path, `""` for a whole file); `standalone`
/// allows the `name` key.
pub(crate) fn calendar_from_table(
    ctx: &TomlCtx<'_>,
    path: &str,
    table: &DeTable<'_>,
    standalone: bool,
) -> Result<Calendar, PolicyError> {
    let mut allowed: Vec<&str> = vec!["description", "years", "holidays", "extra_working_days"];
    allowed.extend(WEEKDAY_KEYS);
    if standalone {
        allowed.push("name");
    }
    ctx.check_keys(path, table, &allowed)?;
    let mut spans: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let description = match table.get("description") {
        Some(v) => ctx.string(&TomlCtx::join(path, "description"), v)?,
        None => String::new(),
    };
    let mut years = Vec::new();
    if let Some(v) = table.get("years") {
        let p = TomlCtx::join(path, "years");
        for (i, item) in ctx.array(&p, v)?.iter().enumerate() {
            let y = ctx.int(&format!("{p}[{i}]"), item)?;
            years.push(i32::try_from(y).map_err(|_| {
                ctx.err(&format!("{p}[{i}]"), Some(item.span()), "year out of range")
            })?);
        }
    }
    let mut weekly: [Vec<Interval>; 7] = Default::default();
    for (i, key) in WEEKDAY_KEYS.iter().enumerate() {
        if let Some((k, v)) = table.get_key_value(*key) {
            let p = TomlCtx::join(path, key);
            spans.insert(key.to_string(), k.span());
            weekly[i] = ctx.intervals(&p, v)?;
        }
    }
    let mut holidays = Vec::new();
    if let Some((k, v)) = table.get_key_value("holidays") {
        spans.insert("holidays".into(), k.span());
        let p = TomlCtx::join(path, "holidays");
        for (i, item) in ctx.array(&p, v)?.iter().enumerate() {
            let ip = format!("{p}[{i}]");
            match item.get_ref() {
                DeValue::Table(t) => {
                    ctx.check_keys(&ip, t, &["date", "from", "to", "name"])?;
                    let name = match t.get("name") {
                        Some(n) => Some(ctx.string(&TomlCtx::join(&ip, "name"), n)?),
                        None => None,
                    };
                    match (t.get("date"), t.get("from"), t.get("to")) {
                        (Some(d), None, None) => holidays.push(Holiday {
                            date: ctx.date(&TomlCtx::join(&ip, "date"), d)?,
                            name,
                        }),
                        (None, Some(f), Some(to)) => {
                            let from = ctx.date(&TomlCtx::join(&ip, "from"), f)?;
                            let until = ctx.date(&TomlCtx::join(&ip, "to"), to)?;
                            if until < from || (until - from).num_days() > 366 {
                                return Err(ctx.err(
                                    &TomlCtx::join(&ip, "to"),
                                    Some(to.span()),
                                    format!(
                                        "range {from}..{until} is backwards or longer than a year"
                                    ),
                                ));
                            }
                            for d in from.iter_days().take_while(|d| *d <= until) {
                                holidays.push(Holiday {
                                    date: d,
                                    name: name.clone(),
                                });
                            }
                        }
                        _ => {
                            return Err(ctx.err(
                                &ip,
                                Some(item.span()),
                                "give either `date` or both `from` and `to`",
                            ));
                        }
                    }
                }
                _ => holidays.push(Holiday {
                    date: ctx.date(&ip, item)?,
                    name: None,
                }),
            }
        }
    }
    let mut extra = Vec::new();
    if let Some((k, v)) = table.get_key_value("extra_working_days") {
        spans.insert("extra_working_days".into(), k.span());
        let p = TomlCtx::join(path, "extra_working_days");
        for (i, item) in ctx.array(&p, v)?.iter().enumerate() {
            let ip = format!("{p}[{i}]");
            match item.get_ref() {
                DeValue::Table(t) => {
                    ctx.check_keys(&ip, t, &["date", "hours", "name"])?;
                    if let Some(n) = t.get("name") {
                        ctx.string(&TomlCtx::join(&ip, "name"), n)?;
                    }
                    let Some(d) = t.get("date") else {
                        return Err(ctx.err(&ip, Some(item.span()), "missing `date`"));
                    };
                    let date = ctx.date(&TomlCtx::join(&ip, "date"), d)?;
                    let hours = match t.get("hours") {
                        Some(h) => Some(ctx.intervals(&TomlCtx::join(&ip, "hours"), h)?),
                        None => None,
                    };
                    extra.push((date, hours));
                }
                _ => extra.push((ctx.date(&ip, item)?, None)),
            }
        }
    }
    Calendar::from_parts(description, weekly, holidays, extra, years).map_err(|e| {
        let key = if e.key.is_empty() {
            path.to_string()
        } else {
            TomlCtx::join(path, &e.key)
        };
        ctx.err(&key, spans.get(&e.key).cloned(), e.message)
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn standalone_calendar_file() {
        let src = r#"
name = "cn-2026"
years = [2026]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
holidays = [2026-01-01]
extra_working_days = [{ date = 2026-01-04, hours = ["10:00-12:00"], name = "make-up" }]
"#;
        let (name, cal) = parse_calendar(src, "cn-2026.toml").unwrap();
        assert_eq!(name, "cn-2026");
        assert_eq!(
            cal.describe(),
            "Mon–Tue 09:00–18:00, 1 holiday, 1 extra working day"
        );
        assert_eq!(
            cal.hours_on(date(2026, 1, 4)),
            &[Interval {
                start: 36000,
                end: 43200
            }]
        );

        let e = parse_calendar(
            "mon = [\"09:00-18:00\"]\nfri = [\"08:00-7:00\"]\n",
            "my.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("my.toml: fri[0]: interval \"08:00-7:00\" crosses midnight"),
            "{e}"
        );
        assert_eq!(e.line(), Some(2));

        let table: toml::Table =
            toml::from_str("mon = [\"09:00-12:00\", \"11:00-13:00\"]").unwrap();
        let e = parse_calendar_value(&table, "p.toml", "calendars.x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.toml: calendars.x.mon: intervals 09:00–12:00 and 11:00–13:00 overlap"
        );
        let table: toml::Table = toml::from_str("sat = [\"09:00-12:00\"]").unwrap();
        assert!(parse_calendar_value(&table, "p.toml", "calendars.x").is_ok());
    }
}
