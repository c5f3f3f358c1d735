//! The user-facing words of the TUI and the CLI, in English, Simplified Chinese and
//! Japanese. Each language's catalogue is a set of Fluent files (`assets/i18n/LANG/AREA.ftl`,
//! one per area of the program) embedded in the binary. The language is resolved once at
//! start ([`Lang::resolve`]) and passed down as a plain `Copy` value; nothing here reads the
//! environment. Machine-readable output (`--json`, CSV, exports, hook JSON, mail headers)
//! never goes through this module.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The areas of the catalogue: one Fluent file per area per language.
pub const AREAS: &[&str] = &[
    "common", "tui", "actions", "orders", "report", "cli", "errors",
];

macro_rules! catalogue {
    ($lang:literal) => {
        [
            (
                "common",
                include_str!(concat!("../../assets/i18n/", $lang, "/common.ftl")),
            ),
            (
                "tui",
                include_str!(concat!("../../assets/i18n/", $lang, "/tui.ftl")),
            ),
            (
                "actions",
                include_str!(concat!("../../assets/i18n/", $lang, "/actions.ftl")),
            ),
            (
                "orders",
                include_str!(concat!("../../assets/i18n/", $lang, "/orders.ftl")),
            ),
            (
                "report",
                include_str!(concat!("../../assets/i18n/", $lang, "/report.ftl")),
            ),
            (
                "cli",
                include_str!(concat!("../../assets/i18n/", $lang, "/cli.ftl")),
            ),
            (
                "errors",
                include_str!(concat!("../../assets/i18n/", $lang, "/errors.ftl")),
            ),
        ]
    };
}

/// The Fluent sources of one language, by area.
pub fn sources(lang: Lang) -> [(&'static str, &'static str); 7] {
    match lang {
        Lang::En => catalogue!("en"),
        Lang::ZhCn => catalogue!("zh-CN"),
        Lang::Ja => catalogue!("ja"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::Ja];

    /// The name `language` takes in config.toml.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::Ja => "ja",
        }
    }

    /// `language = "…"` of config.toml: `en`, `zh-CN` or `ja` (case and `_`/`-` are free).
    pub fn parse(name: &str) -> Result<Lang, String> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        match n.as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "zh-cn" | "zh" | "zh-hans" | "zh-hans-cn" => Ok(Lang::ZhCn),
            "ja" | "ja-jp" => Ok(Lang::Ja),
            _ => Err(format!(
                "unknown language {name:?} (use \"en\", \"zh-CN\" or \"ja\")"
            )),
        }
    }

    /// POSIX order: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty
    /// decides; `zh*` is Chinese, `ja*` Japanese, anything else (and nothing) English.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        let Some(locale) = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|v| !v.is_empty())
        else {
            return Lang::En;
        };
        let l = locale.to_ascii_lowercase();
        if l.starts_with("zh") {
            Lang::ZhCn
        } else if l.starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// The configured language if there is one (a wrong name is an error), else the locale.
    pub fn resolve(
        configured: Option<&str>,
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Result<Lang, String> {
        match configured {
            Some(name) => Lang::parse(name),
            None => Ok(Lang::from_locale(lc_all, lc_messages, lang)),
        }
    }

    /// The message `key`, without arguments.
    pub fn t(self, key: &str) -> String {
        self.format(key, None)
    }

    /// The name of a value in this language: `word("status", "open")` is the message
    /// `status-open`; a value the catalogue does not name (a policy's own word, a field
    /// added later) is shown as it is.
    pub fn word(self, prefix: &str, value: &str) -> String {
        let slug: String = value
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let key = format!("{prefix}-{slug}");
        if bundles()[Lang::En as usize].has_message(&key) {
            self.t(&key)
        } else {
            value.to_string()
        }
    }

    /// The message `key`, or `fallback` (the English text the code holds) when no catalogue
    /// has it: an action added to the table before its translations still reads right.
    pub fn t_or(self, key: &str, fallback: &str) -> String {
        if bundles()[Lang::En as usize].has_message(key) {
            self.t(key)
        } else {
            fallback.to_string()
        }
    }

    /// The message `key` with its placeables filled from `args`.
    pub fn tf(self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue = match value {
                Arg::Str(s) => FluentValue::String(Cow::Owned(s.clone())),
                Arg::Num(n) => FluentValue::from(*n),
            };
            fa.set(*name, v);
        }
        self.format(key, Some(&fa))
    }

    fn format(self, key: &str, args: Option<&FluentArgs>) -> String {
        let all = bundles();
        for b in [&all[self as usize], &all[Lang::En as usize]] {
            if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        // A key missing everywhere shows as itself (the catalogue test keeps this from
        // happening): better a visible key than a panic in front of a user.
        key.to_string()
    }
}

/// A value for a placeable: text, or a number (which plural forms select on).
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(f64),
}

macro_rules! arg_num {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg { Arg::Num(v as f64) }
        }
    )*};
}
arg_num!(i64, i32, u64, u32, usize, u16, u8, f64);

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Str(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Str(v.clone())
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Str(v.to_string())
    }
}

/// `tr!(lang, "key")`, `tr!(lang, "key", n = 3, who = name)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $key:expr) => {
        $crate::i18n::Lang::t($lang, $key)
    };
    ($lang:expr, $key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::Lang::tf(
            $lang,
            $key,
            &[$((stringify!($name), $crate::i18n::Arg::from($value))),+],
        )
    };
}

type Bundle = FluentBundle<FluentResource>;

/// The three catalogues, parsed once on first use (immutable data, no I/O).
fn bundles() -> &'static [Bundle; 3] {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(build))
}

fn build(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around placeables: they have no width on a terminal but
    // some terminals draw them, and they would break width arithmetic.
    bundle.set_use_isolating(false);
    for (_, src) in sources(lang) {
        // The catalogue test proves every file parses; a broken entry is skipped, not fatal.
        let res = match FluentResource::try_new(src.to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let _ = bundle.add_resource(res);
    }
    bundle
}

#[cfg(test)]
mod tests;
