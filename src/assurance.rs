//! Event assurance in force (seed 004 §1.5.11): while a level-1 event assurance of an
//! organization runs (its start day to its end day, in the organization's zone), tickets
//! opened in it are handled at the most severe level of the policy set; during level 2, one
//! level above the one filed; level 3 changes no level. The filed severity stays recorded;
//! the raised one drives targets, sort and the queue's symbol, and a ticket opened inside the
//! window keeps it after the window ends (tickets opened before keep theirs). Levels 1 and 2
//! also mean a change freeze for the organization while they run. Pure: dates are inputs.

use chrono::NaiveDate;

use crate::domain::{Order, OrderKind, OrderStatus};

/// One event-assurance order of an organization that was not rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssuranceWindow {
    pub order_id: i64,
    pub level: u8,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
}

impl AssuranceWindow {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// Levels 1 and 2 freeze changes while they run.
    pub fn freezes_changes(&self) -> bool {
        self.level == 1 || self.level == 2
    }
}

/// The level a ticket is handled at, and why when it is not the one filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveSeverity {
    pub severity: String,
    pub raised_by: Option<AssuranceWindow>,
}

impl EffectiveSeverity {
    /// `urgent (event assurance L1 until 2026-12-04)`, or just the level when not raised.
    pub fn label(&self) -> String {
        match &self.raised_by {
            Some(w) => format!("{} ({})", self.severity, reason(w)),
            None => self.severity.clone(),
        }
    }

    /// `event assurance L1 until 2026-12-04`, when raised.
    pub fn note(&self) -> Option<String> {
        self.raised_by.as_ref().map(reason)
    }
}

fn reason(w: &AssuranceWindow) -> String {
    format!("event assurance L{} until {}", w.level, w.end)
}

/// The level a ticket filed at `filed` and opened on the organization's day `opened` is
/// handled at. `severities` is the policy set's, most severe first. With several windows
/// covering the day, the most severe result wins (the earliest-ending window on a tie).
pub fn effective_severity(
    severities: &[String],
    filed: &str,
    opened: NaiveDate,
    windows: &[AssuranceWindow],
) -> EffectiveSeverity {
    let filed_rank = severities.iter().position(|s| s == filed);
    let mut best: Option<(usize, AssuranceWindow)> = None;
    for w in windows.iter().filter(|w| w.covers(opened)) {
        let Some(rank) = filed_rank else { break };
        let raised = match w.level {
            1 => 0,
            2 => rank.saturating_sub(1),
            _ => continue,
        };
        if raised >= rank {
            continue;
        }
        let better = match &best {
            None => true,
            Some((r, b)) => raised < *r || (raised == *r && w.end < b.end),
        };
        if better {
            best = Some((raised, *w));
        }
    }
    match best {
        Some((rank, w)) => EffectiveSeverity {
            severity: severities[rank].clone(),
            raised_by: Some(w),
        },
        None => EffectiveSeverity {
            severity: filed.to_string(),
            raised_by: None,
        },
    }
}

/// The event-assurance windows among an organization's orders (rejected ones do not count).
pub fn windows_of(orders: &[Order], org_id: i64) -> Vec<AssuranceWindow> {
    orders
        .iter()
        .filter(|o| {
            o.org_id == org_id
                && o.kind == OrderKind::EventAssurance
                && o.status != OrderStatus::Rejected
        })
        .filter_map(|o| {
            Some(AssuranceWindow {
                order_id: o.id,
                level: o.level?,
                start: o.start?,
                end: o.end?,
            })
        })
        .collect()
}

/// `change freeze: event assurance L1 until 2026-12-04`.
pub fn freeze_text(lang: crate::i18n::Lang, w: &AssuranceWindow) -> String {
    crate::tr!(
        lang,
        "freeze-text",
        level = w.level as i64,
        end = w.end.to_string()
    )
}

/// The change freeze in force on `today`, if any (the one ending last).
pub fn freeze_on(windows: &[AssuranceWindow], today: NaiveDate) -> Option<AssuranceWindow> {
    windows
        .iter()
        .filter(|w| w.freezes_changes() && w.covers(today))
        .max_by_key(|w| w.end)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn sev() -> Vec<String> {
        vec!["urgent".into(), "general".into()]
    }

    fn four() -> Vec<String> {
        vec!["S1".into(), "S2".into(), "S3".into(), "S4".into()]
    }

    fn w(level: u8, start: NaiveDate, end: NaiveDate) -> AssuranceWindow {
        AssuranceWindow {
            order_id: 1,
            level,
            start,
            end,
        }
    }

    #[test]
    fn level_one_raises_to_the_most_severe_level_inside_the_window_only() {
        let win = [w(1, d(12, 2), d(12, 4))];
        let e = effective_severity(&sev(), "general", d(12, 2), &win);
        assert_eq!(e.severity, "urgent");
        assert_eq!(e.label(), "urgent (event assurance L1 until 2026-12-04)");
        assert_eq!(
            effective_severity(&sev(), "general", d(12, 4), &win).severity,
            "urgent"
        );
        // Before and after the window: as filed.
        assert_eq!(
            effective_severity(&sev(), "general", d(12, 1), &win).severity,
            "general"
        );
        assert_eq!(
            effective_severity(&sev(), "general", d(12, 5), &win).raised_by,
            None
        );
        // Already the most severe: nothing to raise, no note.
        assert_eq!(
            effective_severity(&sev(), "urgent", d(12, 3), &win).note(),
            None
        );
    }

    #[test]
    fn level_two_raises_one_level_and_level_three_none() {
        let two = [w(2, d(12, 2), d(12, 6))];
        assert_eq!(
            effective_severity(&four(), "S3", d(12, 3), &two).severity,
            "S2"
        );
        assert_eq!(
            effective_severity(&four(), "S1", d(12, 3), &two).raised_by,
            None
        );
        let three = [w(3, d(12, 2), d(12, 6))];
        assert_eq!(
            effective_severity(&four(), "S4", d(12, 3), &three).severity,
            "S4"
        );
        // Two windows: the stronger raise wins.
        let both = [w(2, d(12, 1), d(12, 9)), w(1, d(12, 3), d(12, 4))];
        assert_eq!(
            effective_severity(&four(), "S4", d(12, 3), &both).severity,
            "S1"
        );
        assert_eq!(
            effective_severity(&four(), "S4", d(12, 5), &both).severity,
            "S3"
        );
    }

    #[test]
    fn unknown_severity_is_left_alone() {
        let win = [w(1, d(12, 2), d(12, 4))];
        assert_eq!(
            effective_severity(&sev(), "P9", d(12, 3), &win).severity,
            "P9"
        );
    }

    #[test]
    fn freeze_only_for_levels_one_and_two_while_running() {
        let wins = [w(3, d(12, 1), d(12, 20)), w(2, d(12, 2), d(12, 6))];
        assert_eq!(freeze_on(&wins, d(12, 1)), None);
        assert_eq!(freeze_on(&wins, d(12, 6)).map(|w| w.level), Some(2));
        assert_eq!(freeze_on(&wins, d(12, 7)), None);
    }
}
