//! Walking a parsed TOML document (`toml::de::DeTable`, which keeps spans) with
//! errors that name the file, the key path and the line: the helpers shared by the
//! policy-set and calendar parsers.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::calendar::Interval;
use crate::policy::PolicyError;

/// `"dir/connected-care.toml"` → `"connected-care"`.
pub(crate) fn file_stem(origin: &str) -> String {
    Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| origin.to_string())
}

/// A parsed TOML value with its byte span.
pub(crate) type Item<'i> = Spanned<DeValue<'i>>;

/// Error context while walking a parsed TOML document.
pub(crate) struct TomlCtx<'s> {
    origin: &'s str,
    source: &'s str,
    prefix: String,
}

impl<'s> TomlCtx<'s> {
    pub(crate) fn new(origin: &'s str, source: &'s str) -> Self {
        TomlCtx {
            origin,
            source,
            prefix: String::new(),
        }
    }

    /// Key paths in messages get `prefix.` in front, and lines are not reported
    /// (the source is a re-serialised fragment).
    pub(crate) fn with_prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_string();
        self
    }

    pub(crate) fn join(path: &str, key: &str) -> String {
        let bare = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let key = if bare {
            key.to_string()
        } else {
            format!("{key:?}")
        };
        if path.is_empty() {
            key
        } else {
            format!("{path}.{key}")
        }
    }

    /// 1-based line of a byte offset of the source.
    pub(crate) fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    pub(crate) fn err(
        &self,
        key: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> PolicyError {
        let key = match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => key.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{key}", self.prefix),
        };
        let key = if key.is_empty() {
            "(top level)".to_string()
        } else {
            key
        };
        PolicyError::Invalid {
            origin: self.origin.to_string(),
            key,
            line: if self.prefix.is_empty() {
                span.map(|s| self.line(s.start))
            } else {
                None
            },
            message: message.into(),
        }
    }

    pub(crate) fn syntax(&self, e: &toml::de::Error) -> PolicyError {
        PolicyError::Syntax {
            origin: self.origin.to_string(),
            line: e.span().map(|s| self.line(s.start)).unwrap_or(1),
            message: e.message().trim().to_string(),
        }
    }

    /// Entries of a table in file order (by the position of their key).
    pub(crate) fn entries<'a, 'i>(
        table: &'a DeTable<'i>,
    ) -> Vec<(&'a Spanned<std::borrow::Cow<'i, str>>, &'a Item<'i>)> {
        let mut v: Vec<_> = table.iter().collect();
        v.sort_by_key(|(k, _)| k.span().start);
        v
    }

    pub(crate) fn check_keys(
        &self,
        path: &str,
        table: &DeTable<'_>,
        allowed: &[&str],
    ) -> Result<(), PolicyError> {
        for (k, _) in Self::entries(table) {
            if !allowed.contains(&k.get_ref().as_ref()) {
                return Err(self.err(
                    &Self::join(path, k.get_ref()),
                    Some(k.span()),
                    format!("unknown key (expected one of: {})", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn type_err(&self, path: &str, v: &Item<'_>, expected: &str) -> PolicyError {
        self.err(
            path,
            Some(v.span()),
            format!("expected {expected}, found {}", v.get_ref().type_str()),
        )
    }

    pub(crate) fn string(&self, path: &str, v: &Item<'_>) -> Result<String, PolicyError> {
        v.get_ref()
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.type_err(path, v, "a string"))
    }

    pub(crate) fn int(&self, path: &str, v: &Item<'_>) -> Result<i64, PolicyError> {
        match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| self.err(path, Some(v.span()), "integer out of range")),
            _ => Err(self.type_err(path, v, "an integer")),
        }
    }

    pub(crate) fn float(&self, path: &str, v: &Item<'_>) -> Result<f64, PolicyError> {
        match v.get_ref() {
            DeValue::Float(f) => f
                .as_str()
                .parse::<f64>()
                .map_err(|_| self.err(path, Some(v.span()), "bad number")),
            DeValue::Integer(_) => self.int(path, v).map(|i| i as f64),
            _ => Err(self.type_err(path, v, "a number")),
        }
    }

    pub(crate) fn bool(&self, path: &str, v: &Item<'_>) -> Result<bool, PolicyError> {
        v.get_ref()
            .as_bool()
            .ok_or_else(|| self.type_err(path, v, "true or false"))
    }

    /// A TOML local date (`2026-01-15`) or a string in that form.
    pub(crate) fn date(&self, path: &str, v: &Item<'_>) -> Result<NaiveDate, PolicyError> {
        let bad = || self.err(path, Some(v.span()), "expected a date like 2026-01-15");
        match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                        .ok_or_else(bad)
                }
                _ => Err(bad()),
            },
            DeValue::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    pub(crate) fn array<'a, 'i>(
        &self,
        path: &str,
        v: &'a Item<'i>,
    ) -> Result<&'a [Item<'i>], PolicyError> {
        match v.get_ref() {
            DeValue::Array(a) => Ok(a),
            _ => Err(self.type_err(path, v, "an array")),
        }
    }

    pub(crate) fn table<'a, 'i>(
        &self,
        path: &str,
        v: &'a Item<'i>,
    ) -> Result<&'a DeTable<'i>, PolicyError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.type_err(path, v, "a table")),
        }
    }

    /// An array of `"HH:MM-HH:MM"` strings.
    pub(crate) fn intervals(&self, path: &str, v: &Item<'_>) -> Result<Vec<Interval>, PolicyError> {
        let mut out = Vec::new();
        for (i, item) in self.array(path, v)?.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let s = self.string(&p, item)?;
            out.push(Interval::parse(&s).map_err(|m| self.err(&p, Some(item.span()), m))?);
        }
        Ok(out)
    }
}
