//! Which palette the screen uses: chosen in `config.toml` (`theme = "light"`), or by
//! `TUIDESK_THEME`. `NO_COLOR` still wins over any choice (see `ui::Theme`).

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThemeChoice {
    /// The 16-colour palette for dark terminal backgrounds.
    #[default]
    Dark,
    /// Dark foregrounds for light (white, solarized-light) backgrounds: no yellow, cyan or
    /// white text, which vanish there.
    Light,
    /// Strong contrast on any background: states carried by reverse video and bold, nothing dim.
    HighContrast,
}

impl ThemeChoice {
    pub const NAMES: [&'static str; 3] = ["dark", "light", "high-contrast"];
}

impl FromStr for ThemeChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dark" | "default" => Ok(ThemeChoice::Dark),
            "light" => Ok(ThemeChoice::Light),
            "high-contrast" | "high_contrast" | "highcontrast" => Ok(ThemeChoice::HighContrast),
            other => Err(format!(
                "unknown theme {other:?} (choose one of: {})",
                ThemeChoice::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for ThemeChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ThemeChoice::Dark => "dark",
            ThemeChoice::Light => "light",
            ThemeChoice::HighContrast => "high-contrast",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_mistakes_list_the_choices() {
        for name in ThemeChoice::NAMES {
            let t: ThemeChoice = name.parse().unwrap();
            assert_eq!(t.to_string(), name);
        }
        assert_eq!(" Light ".parse::<ThemeChoice>(), Ok(ThemeChoice::Light));
        let err = "solarized".parse::<ThemeChoice>().unwrap_err();
        assert!(
            err.contains("solarized") && err.contains("high-contrast"),
            "{err}"
        );
    }
}
