//! Business-hours calendars: weekly opening hours, holidays and extra (make-up)
//! working days, with fast business-time arithmetic.
//!
//! # Time zones: how business time is counted
//!
//! Opening hours are *wall-clock* hours in the customer's IANA time zone: a business
//! day is 09:00–18:00 local on both sides of a daylight-saving change. The rule is:
//!
//! > **Business time is real elapsed time during which the customer's wall clock
//! > shows a time inside the calendar's hours.**
//!
//! Consequences, each tested in `sla::tests`:
//! * a calendar open 00:00–24:00 every day is exactly the 24×7 wall clock, across
//!   daylight-saving changes too (a 23 h day counts 23 h, a 25 h day 25 h);
//! * in a repeated hour (clocks go back) that lies inside business hours, both real
//!   hours count;
//! * a skipped hour (clocks go forward) counts nothing, even inside business hours;
//! * the offset used is the one in force at each instant in question, never
//!   today's offset (dbt_zendesk #25).
//!
//! How: the span is cut at the zone's offset changes (listed once per zone for
//! 1970–2100 by probing the offset a day apart and bisecting to the second, then
//! found by binary search; outside that span probed directly). On
//! each piece the offset is constant, so the piece is a plain translation of a local
//! naive span, and the business arithmetic runs on naive local seconds (day number +
//! seconds since local midnight, every naive day 86 400 s long). An answer found in
//! a piece is translated back with that piece's offset, so no local time is ever
//! mapped back through a DST gap or an ambiguity. Sub-second parts of instants are
//! dropped on business clocks.
//!
//! # Horizon
//!
//! [`Calendar::add_business_seconds`] refuses (returns `None`) an answer more than
//! [`HORIZON_DAYS`] (100 years) after its start: a calendar with almost no working
//! time and a long target would otherwise yield a date thousands of years away, or
//! the year 262 142 (chrono's maximum).
//!
//! # Cost
//!
//! No minute-by-minute or day-by-day business walk over long spans: whole weeks are
//! skipped arithmetically (weekly business seconds × weeks, corrected by the holidays
//! and extra working days inside the span, found with binary searches over a sorted
//! list with prefix sums), then at most about a week of days is stepped. Offset
//! changes are found by binary search in a per-zone list built on first use.
//!
//! Pure: no file reading and no TOML. Calendar files (standalone, or a policy set's
//! `[calendars.<name>]` tables) are parsed by [`crate::config::calendars`], which also
//! documents their format.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{LazyLock, OnceLock};

use chrono::{
    DateTime, Datelike, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

/// Seconds in a (naive, local) day.
pub const DAY: i64 = 86_400;
/// `NaiveDate::num_days_from_ce()` of 1970-01-01.
const EPOCH_DAY_CE: i64 = 719_163;

/// The weekday keys of a calendar table, Monday first.
pub(crate) const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A half-open interval `[start, end)` of seconds since local midnight; `end <= 86400`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Interval {
    pub start: u32,
    pub end: u32,
}

impl Interval {
    /// `start < end <= 86400`, else an error message.
    pub fn new(start: u32, end: u32) -> Result<Interval, String> {
        if end as i64 > DAY {
            return Err(format!("interval ends after 24:00 ({})", fmt_secs(end)));
        }
        if start >= end {
            return Err(format!(
                "empty or backwards interval {}-{}",
                fmt_secs(start),
                fmt_secs(end)
            ));
        }
        Ok(Interval { start, end })
    }

    /// Parses `"09:00-18:00"` (also `HH:MM:SS`, an en dash, spaces around the dash).
    pub fn parse(text: &str) -> Result<Interval, String> {
        let t = text.trim();
        let (a, b) = t
            .split_once('-')
            .or_else(|| t.split_once('–'))
            .ok_or_else(|| format!("bad interval \"{text}\" (expected \"HH:MM-HH:MM\")"))?;
        let start = parse_time(a.trim())?;
        let end = parse_time(b.trim())?;
        if start == DAY as u32 {
            return Err(format!(
                "bad interval \"{text}\": 24:00 can only end an interval"
            ));
        }
        if end < start {
            return Err(format!(
                "interval \"{text}\" crosses midnight; split it into \"{}-24:00\" and \"00:00-{}\" on the next day",
                fmt_secs(start),
                fmt_secs(end)
            ));
        }
        if end == start {
            return Err(format!("interval \"{text}\" is empty"));
        }
        Ok(Interval { start, end })
    }

    pub fn seconds(&self) -> i64 {
        (self.end - self.start) as i64
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", fmt_secs(self.start), fmt_secs(self.end))
    }
}

fn parse_time(s: &str) -> Result<u32, String> {
    let bad = || format!("bad time \"{s}\" (expected HH:MM between 00:00 and 24:00)");
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        || parts[1].len() != 2
    {
        return Err(bad());
    }
    let h: u32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let sec: u32 = match parts.get(2) {
        Some(p) => p.parse().map_err(|_| bad())?,
        None => 0,
    };
    if h > 24 || m > 59 || sec > 59 || (h == 24 && (m != 0 || sec != 0)) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + sec)
}

fn fmt_secs(s: u32) -> String {
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// A closed date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: Option<String>,
}

/// A calendar validation error; `key` is relative to the calendar table
/// (`"mon"`, `"holidays"`, `"extra_working_days"`, or `""` for the whole calendar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for CalendarError {}

/// Weekly business hours with holidays and extra working days. Immutable once built.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    description: String,
    years: Vec<i32>,
    /// Index 0 = Monday.
    weekly: [Vec<Interval>; 7],
    holidays: Vec<Holiday>,
    extra_days: Vec<(NaiveDate, Vec<Interval>)>,
    // ---- derived, for arithmetic ----
    day_secs: [i64; 7],
    week_secs: i64,
    /// `cycle_prefix[i]` = business seconds of weekdays `0..i` (mod 7), `i` in `0..=14`.
    cycle_prefix: [i64; 15],
    /// Sorted day numbers (days from CE) of the dates that differ from the weekly rule.
    exc_days: Vec<i64>,
    exc_hours: Vec<Vec<Interval>>,
    exc_work: Vec<i64>,
    /// `exc_prefix[i]` = Σ over `exc_days[..i]` of (work on that date − weekly work).
    exc_prefix: Vec<i64>,
}

#[inline]
fn weekday_index(day: i64) -> usize {
    // day 1 (0001-01-01) is a Monday
    (day - 1).rem_euclid(7) as usize
}

#[inline]
fn overlap(hours: &[Interval], a: u32, b: u32) -> i64 {
    let mut total = 0i64;
    for iv in hours {
        let s = iv.start.max(a);
        let e = iv.end.min(b);
        if e > s {
            total += (e - s) as i64;
        }
    }
    total
}

fn date_from_day(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

fn day_of(date: NaiveDate) -> i64 {
    date.num_days_from_ce() as i64
}

fn validate_day(hours: &mut [Interval], key: &str) -> Result<(), CalendarError> {
    hours.sort();
    for w in hours.windows(2) {
        if w[1].start < w[0].end {
            return Err(CalendarError {
                key: key.to_string(),
                message: format!("intervals {} and {} overlap", w[0], w[1]),
            });
        }
    }
    Ok(())
}

impl Calendar {
    /// Builds a calendar from parsed parts, validating it.
    ///
    /// `extra_working_days` hours default to the Monday hours. Refuses overlapping
    /// intervals, a date that is both a holiday and an extra working day, an extra
    /// working day listed twice or without hours, and a calendar whose weekly hours
    /// are empty (it would run out of working time).
    pub fn from_parts(
        description: String,
        mut weekly: [Vec<Interval>; 7],
        holidays: Vec<Holiday>,
        extra_working_days: Vec<(NaiveDate, Option<Vec<Interval>>)>,
        years: Vec<i32>,
    ) -> Result<Calendar, CalendarError> {
        for (i, hours) in weekly.iter_mut().enumerate() {
            validate_day(hours, WEEKDAY_KEYS[i])?;
        }
        let mut day_secs = [0i64; 7];
        for (i, hours) in weekly.iter().enumerate() {
            day_secs[i] = hours.iter().map(Interval::seconds).sum();
        }
        let week_secs: i64 = day_secs.iter().sum();
        if week_secs == 0 {
            return Err(CalendarError {
                key: String::new(),
                message: "calendar has no working time (no weekday has hours); a business clock on it would never run".into(),
            });
        }
        let mut cycle_prefix = [0i64; 15];
        for i in 0..14 {
            cycle_prefix[i + 1] = cycle_prefix[i] + day_secs[i % 7];
        }

        // holidays: sorted, deduplicated (ranges may overlap single dates)
        let mut hol_map: BTreeMap<NaiveDate, Option<String>> = BTreeMap::new();
        for h in holidays {
            let e = hol_map.entry(h.date).or_insert(None);
            if e.is_none() {
                *e = h.name;
            }
        }
        let holidays: Vec<Holiday> = hol_map
            .into_iter()
            .map(|(date, name)| Holiday { date, name })
            .collect();

        let mut extra: BTreeMap<NaiveDate, Vec<Interval>> = BTreeMap::new();
        for (date, hours) in extra_working_days {
            let mut hours = hours.unwrap_or_else(|| weekly[0].clone());
            validate_day(&mut hours, "extra_working_days")?;
            if hours.is_empty() {
                return Err(CalendarError {
                    key: "extra_working_days".into(),
                    message: format!(
                        "{date} has no hours (give `hours`; the Monday default is closed)"
                    ),
                });
            }
            if holidays.iter().any(|h| h.date == date) {
                return Err(CalendarError {
                    key: "extra_working_days".into(),
                    message: format!("{date} is also listed as a holiday"),
                });
            }
            if extra.insert(date, hours).is_some() {
                return Err(CalendarError {
                    key: "extra_working_days".into(),
                    message: format!("{date} is listed twice"),
                });
            }
        }
        let extra_days: Vec<(NaiveDate, Vec<Interval>)> = extra.into_iter().collect();

        // exceptions: merged sorted list of dates deviating from the weekly rule
        let mut exc: Vec<(i64, Vec<Interval>)> = holidays
            .iter()
            .map(|h| (day_of(h.date), Vec::new()))
            .chain(extra_days.iter().map(|(d, h)| (day_of(*d), h.clone())))
            .collect();
        exc.sort_by_key(|e| e.0);
        let exc_days: Vec<i64> = exc.iter().map(|e| e.0).collect();
        let exc_work: Vec<i64> = exc
            .iter()
            .map(|e| e.1.iter().map(Interval::seconds).sum())
            .collect();
        let mut exc_prefix = Vec::with_capacity(exc.len() + 1);
        exc_prefix.push(0i64);
        for (i, (day, _)) in exc.iter().enumerate() {
            let delta = exc_work[i] - day_secs[weekday_index(*day)];
            exc_prefix.push(exc_prefix[i] + delta);
        }
        let exc_hours = exc.into_iter().map(|e| e.1).collect();

        let mut years = years;
        years.sort();
        years.dedup();
        Ok(Calendar {
            description,
            years,
            weekly,
            holidays,
            extra_days,
            day_secs,
            week_secs,
            cycle_prefix,
            exc_days,
            exc_hours,
            exc_work,
            exc_prefix,
        })
    }

    /// A convenient builder (intervals given as strings), used by tests and tools.
    pub fn builder() -> CalendarBuilder {
        CalendarBuilder::default()
    }

    // ------------------------------------------------------------------ queries

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Years whose holidays the file says it covers (empty: not stated).
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    /// False when the calendar lists the years it covers and `year` is not one of
    /// them (a calendar year that is not loaded deserves a visible warning).
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.is_empty() || self.years.binary_search(&year).is_ok()
    }

    pub fn weekly_hours(&self, day: Weekday) -> &[Interval] {
        &self.weekly[day.num_days_from_monday() as usize]
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    pub fn extra_working_days(&self) -> &[(NaiveDate, Vec<Interval>)] {
        &self.extra_days
    }

    /// Business seconds in a regular week.
    pub fn weekly_seconds(&self) -> i64 {
        self.week_secs
    }

    /// The opening hours on a date (holidays: none; extra working days: theirs).
    pub fn hours_on(&self, date: NaiveDate) -> &[Interval] {
        self.hours_on_day(day_of(date))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.hours_on(date).is_empty()
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays
            .binary_search_by_key(&date, |h| h.date)
            .is_ok()
    }

    /// n-th (1-based) working day of a month, holidays and make-up days included.
    pub fn nth_working_day(&self, year: i32, month: u32, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        first
            .iter_days()
            .take_while(|d| d.month() == month)
            .filter(|d| self.is_working_day(*d))
            .nth(n as usize - 1)
    }

    /// E.g. "Mon–Fri 09:00–18:00, 3 holidays, 1 extra working day".
    pub fn describe(&self) -> String {
        let mut groups: Vec<(usize, usize)> = Vec::new(); // inclusive weekday runs
        for i in 0..7 {
            if self.weekly[i].is_empty() {
                continue;
            }
            match groups.last_mut() {
                Some((_, end)) if *end + 1 == i && self.weekly[*end] == self.weekly[i] => *end = i,
                _ => groups.push((i, i)),
            }
        }
        let mut parts: Vec<String> = groups
            .iter()
            .map(|&(a, b)| {
                let days = if a == b {
                    WEEKDAY_NAMES[a].to_string()
                } else {
                    format!("{}–{}", WEEKDAY_NAMES[a], WEEKDAY_NAMES[b])
                };
                let hours: Vec<String> = self.weekly[a].iter().map(|iv| iv.to_string()).collect();
                format!("{days} {}", hours.join(" "))
            })
            .collect();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if !self.holidays.is_empty() {
            parts.push(plural(self.holidays.len(), "holiday", "holidays"));
        }
        if !self.extra_days.is_empty() {
            parts.push(plural(
                self.extra_days.len(),
                "extra working day",
                "extra working days",
            ));
        }
        parts.join(", ")
    }

    // ------------------------------------------------------------- arithmetic

    #[inline]
    fn exception(&self, day: i64) -> Option<usize> {
        match (self.exc_days.first(), self.exc_days.last()) {
            (Some(&lo), Some(&hi)) if day >= lo && day <= hi => {
                self.exc_days.binary_search(&day).ok()
            }
            _ => None,
        }
    }

    #[inline]
    fn hours_on_day(&self, day: i64) -> &[Interval] {
        match self.exception(day) {
            Some(i) => &self.exc_hours[i],
            None => &self.weekly[weekday_index(day)],
        }
    }

    #[inline]
    fn work_on_day(&self, day: i64) -> i64 {
        match self.exception(day) {
            Some(i) => self.exc_work[i],
            None => self.day_secs[weekday_index(day)],
        }
    }

    /// Business seconds of the whole days `[from, to)`, O(log #exceptions).
    #[inline]
    fn whole_days(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let n = to - from;
        let wd = weekday_index(from);
        let rem = (n % 7) as usize;
        let mut total =
            (n / 7) * self.week_secs + self.cycle_prefix[wd + rem] - self.cycle_prefix[wd];
        if !self.exc_days.is_empty() {
            let i = self.exc_days.partition_point(|&d| d < from);
            let j = self.exc_days.partition_point(|&d| d < to);
            total += self.exc_prefix[j] - self.exc_prefix[i];
        }
        total
    }

    /// Business seconds between two local positions (day number, second of day).
    fn between_days(&self, d1: i64, s1: u32, d2: i64, s2: u32) -> i64 {
        if (d2, s2) <= (d1, s1) {
            return 0;
        }
        if d1 == d2 {
            return overlap(self.hours_on_day(d1), s1, s2);
        }
        overlap(self.hours_on_day(d1), s1, DAY as u32)
            + self.whole_days(d1 + 1, d2)
            + overlap(self.hours_on_day(d2), 0, s2)
    }

    /// Earliest local position at which `secs` business seconds have elapsed since
    /// `(day, sec)`. The second of day may be 86400 (= end of that day).
    fn add_days(&self, day: i64, sec: u32, secs: i64) -> (i64, u32) {
        if secs <= 0 {
            return (day, sec);
        }
        let mut left = secs;
        for iv in self.hours_on_day(day) {
            if iv.end <= sec {
                continue;
            }
            let st = iv.start.max(sec);
            let len = (iv.end - st) as i64;
            if left <= len {
                return (day, st + left as u32);
            }
            left -= len;
        }
        let mut day = day + 1;
        // Skip whole weeks arithmetically; halve the jump when extra working days
        // would make it overshoot.
        if left > self.week_secs {
            let mut k = (left - 1) / self.week_secs;
            while k > 0 {
                let span = k * 7;
                let w = self.whole_days(day, day + span);
                if w < left {
                    left -= w;
                    day += span;
                    k = (left - 1) / self.week_secs;
                } else {
                    k /= 2;
                }
            }
        }
        // Now at most about a week remains (plus any holidays in it).
        loop {
            let w = self.work_on_day(day);
            if left <= w {
                for iv in self.hours_on_day(day) {
                    let len = iv.seconds();
                    if left <= len {
                        return (day, iv.start + left as u32);
                    }
                    left -= len;
                }
                unreachable!("work_on_day and hours_on_day disagree");
            }
            left -= w;
            day += 1;
        }
    }

    /// Business seconds between two local date-times (0 when `to <= from`).
    pub fn business_seconds_between_local(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        self.between_days(
            day_of(from.date()),
            from.num_seconds_from_midnight(),
            day_of(to.date()),
            to.num_seconds_from_midnight(),
        )
    }

    /// Earliest local date-time at which `seconds` business seconds have elapsed
    /// since `from` (returns `from` when `seconds <= 0`). A target that runs out
    /// exactly at closing time is due at closing time.
    pub fn add_business_seconds_local(&self, from: NaiveDateTime, seconds: i64) -> NaiveDateTime {
        let (d, s) = self.add_days(
            day_of(from.date()),
            from.num_seconds_from_midnight(),
            seconds,
        );
        let (d, s) = if s as i64 >= DAY { (d + 1, 0) } else { (d, s) };
        match date_from_day(d) {
            Some(date) => {
                date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap())
            }
            None => NaiveDateTime::MAX,
        }
    }

    /// Business seconds in the local naive span `[a, b)` (seconds since 1970-01-01T00:00
    /// local); 0 when `b <= a`.
    fn between_local_secs(&self, a: i64, b: i64) -> i64 {
        self.between_days(
            a.div_euclid(DAY) + EPOCH_DAY_CE,
            a.rem_euclid(DAY) as u32,
            b.div_euclid(DAY) + EPOCH_DAY_CE,
            b.rem_euclid(DAY) as u32,
        )
    }

    /// Earliest local naive second at which `secs` business seconds have elapsed since
    /// the local naive second `a` (saturating far beyond any representable date).
    fn add_local_secs(&self, a: i64, secs: i64) -> i64 {
        let (d, s) = self.add_days(
            a.div_euclid(DAY) + EPOCH_DAY_CE,
            a.rem_euclid(DAY) as u32,
            secs,
        );
        (d - EPOCH_DAY_CE)
            .saturating_mul(DAY)
            .saturating_add(s as i64)
    }

    /// Business seconds between two instants: real seconds in `[from, to)` during
    /// which the wall clock in `tz` is inside the calendar's hours (0 when `to <= from`).
    pub fn business_seconds_between(&self, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let (mut cur, end) = (from.timestamp(), to.timestamp());
        let mut total = 0;
        while cur < end {
            let o = offset_at(tz, cur);
            let stop = next_offset_change(tz, cur, end).unwrap_or(end);
            total += self.between_local_secs(cur + o, stop + o);
            cur = stop;
        }
        total
    }

    /// Earliest instant at which `seconds` business seconds (see
    /// [`Calendar::business_seconds_between`]) have elapsed since `from`; `from` itself
    /// when `seconds <= 0`. `None` when that instant lies more than [`HORIZON_DAYS`]
    /// after `from`.
    pub fn add_business_seconds(
        &self,
        tz: Tz,
        from: DateTime<Utc>,
        seconds: i64,
    ) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        let start = from.timestamp();
        let limit = start.saturating_add(HORIZON_SECONDS);
        let (mut cur, mut left) = (start, seconds);
        let mut first = true;
        loop {
            let o = offset_at(tz, cur);
            let a = cur + o;
            // the answer if the offset stays `o` from here on
            let cand = self.add_local_secs(a, left).saturating_sub(o);
            if first && cand > limit && self.surely_beyond(tz, start, seconds) {
                return None;
            }
            first = false;
            match next_offset_change(tz, cur, cand.min(limit)) {
                Some(t) if t < cand => {
                    // the piece [cur, t) holds less than `left`: count it, go on
                    left -= self.between_local_secs(a, t + o);
                    cur = t;
                }
                _ => return (cand <= limit).then(|| ts(cand)),
            }
        }
    }

    /// Cheap refusal without walking the offset changes: even crediting every local
    /// hour a clock change could repeat (at most 6 h a year), the local hours of the
    /// next 100 years (+ 2 days for offset changes) hold less than `seconds`.
    fn surely_beyond(&self, tz: Tz, start: i64, seconds: i64) -> bool {
        let a = start + offset_at(tz, start);
        let repeat_credit = 6 * 3600 * (HORIZON_DAYS / 365 + 1);
        self.between_local_secs(a, a + HORIZON_SECONDS + 2 * DAY)
            .saturating_add(repeat_credit)
            < seconds
    }
}

/// How far ahead [`Calendar::add_business_seconds`] looks: 100 years.
pub const HORIZON_DAYS: i64 = 36_525;
/// [`HORIZON_DAYS`] in seconds.
pub const HORIZON_SECONDS: i64 = HORIZON_DAYS * DAY;

/// The UTC offset (local − UTC, in seconds) in force at the Unix second `t`.
#[inline]
fn offset_at(tz: Tz, t: i64) -> i64 {
    tz.offset_from_utc_datetime(&ts(t).naive_utc())
        .fix()
        .local_minus_utc() as i64
}

/// The first Unix second in `(from, limit]` whose offset differs from the one in force
/// at `from`; `None` if the offset stays the same up to `limit`.
fn next_offset_change(tz: Tz, from: i64, limit: i64) -> Option<i64> {
    if (SCAN_START..SCAN_END).contains(&from)
        && let Some(list) = offset_changes(tz)
    {
        let i = list.partition_point(|&t| t <= from);
        return match list.get(i) {
            Some(&t) => (t <= limit).then_some(t),
            None if limit <= SCAN_END => None,
            None => probe_offset_change(tz, SCAN_END, limit),
        };
    }
    probe_offset_change(tz, from, limit)
}

/// The span whose offset changes are listed once per zone: 1970-01-01 to 2100-01-01.
const SCAN_START: i64 = 0;
const SCAN_END: i64 = 4_102_444_800;

/// Every offset change of `tz` in `[SCAN_START, SCAN_END]`, found once per process by
/// probing (a memo of static zone data, not I/O); `None` for a zone outside the table.
fn offset_changes(tz: Tz) -> Option<&'static [i64]> {
    static CACHE: LazyLock<Vec<OnceLock<Box<[i64]>>>> = LazyLock::new(|| {
        (0..chrono_tz::TZ_VARIANTS.len())
            .map(|_| OnceLock::new())
            .collect()
    });
    let cell = CACHE.get(tz as usize)?;
    Some(cell.get_or_init(|| {
        let mut v = Vec::new();
        let mut t = SCAN_START;
        while let Some(c) = probe_offset_change(tz, t, SCAN_END) {
            v.push(c);
            t = c;
        }
        v.into_boxed_slice()
    }))
}

/// [`next_offset_change`] by probing the offset a day apart and bisecting to the
/// second. Since 1970 no zone has changed its offset twice within 6 days (tzdb as
/// shipped by chrono-tz 0.10), so no change is missed.
fn probe_offset_change(tz: Tz, from: i64, limit: i64) -> Option<i64> {
    let o0 = offset_at(tz, from);
    let mut lo = from;
    while lo < limit {
        let hi = lo.saturating_add(DAY).min(limit);
        if offset_at(tz, hi) != o0 {
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let m = a + (b - a) / 2;
                if offset_at(tz, m) != o0 {
                    b = m;
                } else {
                    a = m;
                }
            }
            return Some(b);
        }
        lo = hi;
    }
    None
}

/// Local naive seconds since 1970-01-01T00:00 local for an instant.
#[inline]
pub(crate) fn utc_to_local_secs(tz: Tz, t: DateTime<Utc>) -> i64 {
    let off = tz
        .offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc();
    t.timestamp() + off as i64
}

fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(if secs > 0 {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    })
}

/// Local naive seconds → instant: ambiguous → earliest; in a gap → the first instant
/// after the gap.
pub(crate) fn local_to_utc(tz: Tz, local: i64) -> DateTime<Utc> {
    let day = local.div_euclid(DAY) + EPOCH_DAY_CE;
    let sec = local.rem_euclid(DAY) as u32;
    let Some(date) = date_from_day(day) else {
        return ts(local);
    };
    let ndt = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(sec, 0).unwrap());
    match tz.offset_from_local_datetime(&ndt) {
        MappedLocalTime::Single(o) => ts(local - o.fix().local_minus_utc() as i64),
        MappedLocalTime::Ambiguous(a, b) => {
            let x = local - a.fix().local_minus_utc() as i64;
            let y = local - b.fix().local_minus_utc() as i64;
            ts(x.min(y))
        }
        MappedLocalTime::None => {
            // Smallest UTC second whose local time is >= `local` (offsets lie within ±26 h).
            let (mut lo, mut hi) = (local - 26 * 3600, local + 26 * 3600);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if utc_to_local_secs(tz, ts(mid)) >= local {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            ts(hi)
        }
    }
}

/// Builder with string intervals; see [`Calendar::from_parts`] for the rules.
#[derive(Clone, Debug, Default)]
pub struct CalendarBuilder {
    description: String,
    weekly: [Vec<String>; 7],
    holidays: Vec<Holiday>,
    extra: Vec<(NaiveDate, Option<Vec<String>>)>,
    years: Vec<i32>,
}

impl CalendarBuilder {
    pub fn description(mut self, d: &str) -> Self {
        self.description = d.to_string();
        self
    }
    pub fn hours(mut self, day: Weekday, intervals: &[&str]) -> Self {
        self.weekly[day.num_days_from_monday() as usize] =
            intervals.iter().map(|s| s.to_string()).collect();
        self
    }
    /// The same hours Monday to Friday.
    pub fn weekdays(mut self, intervals: &[&str]) -> Self {
        for d in 0..5 {
            self.weekly[d] = intervals.iter().map(|s| s.to_string()).collect();
        }
        self
    }
    pub fn holiday(mut self, date: NaiveDate) -> Self {
        self.holidays.push(Holiday { date, name: None });
        self
    }
    pub fn holidays(mut self, dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.holidays
            .extend(dates.into_iter().map(|date| Holiday { date, name: None }));
        self
    }
    pub fn extra_working_day(mut self, date: NaiveDate) -> Self {
        self.extra.push((date, None));
        self
    }
    pub fn extra_working_day_hours(mut self, date: NaiveDate, intervals: &[&str]) -> Self {
        self.extra.push((
            date,
            Some(intervals.iter().map(|s| s.to_string()).collect()),
        ));
        self
    }
    pub fn years(mut self, years: &[i32]) -> Self {
        self.years = years.to_vec();
        self
    }
    pub fn build(self) -> Result<Calendar, CalendarError> {
        let parse = |key: String, list: &[String]| -> Result<Vec<Interval>, CalendarError> {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    Interval::parse(s).map_err(|message| CalendarError {
                        key: format!("{key}[{i}]"),
                        message,
                    })
                })
                .collect()
        };
        let mut weekly: [Vec<Interval>; 7] = Default::default();
        for i in 0..7 {
            weekly[i] = parse(WEEKDAY_KEYS[i].to_string(), &self.weekly[i])?;
        }
        let mut extra = Vec::new();
        for (i, (date, hours)) in self.extra.iter().enumerate() {
            let hours = match hours {
                Some(h) => Some(parse(format!("extra_working_days[{i}].hours"), h)?),
                None => None,
            };
            extra.push((*date, hours));
        }
        Calendar::from_parts(self.description, weekly, self.holidays, extra, self.years)
    }
}
