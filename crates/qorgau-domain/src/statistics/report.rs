//! Transparency reports: the figures of one fixed period, plus how the
//! procedure itself performed (NetzDG §2 style), suppressed together with
//! every other period of the same year.
//!
//! Why the year is one grid: reports exist for months, quarters, halves and
//! years, and they nest. Suppressed separately, they would undo each other —
//! a quarter's published `refused_not_a_child = 12` minus two months'
//! published 6 and 5 gives the third month's hidden `1`. So
//! [`transparency_report`] computes the figures of every one of the year's
//! nineteen periods (12 months, 4 quarters, 2 halves, the year), places them
//! all in one [`Grid`] with every cross-period sum as a line (a quarter's
//! count = the sum of its months' counts, name by name), suppresses once,
//! and reads the requested period's view. Any two reports of the same year
//! are therefore views of one audited publication; docs/statistics.md.
//!
//! Architecture Invariant: no I/O and no clock. The shell passes the facts of
//! the year (the store's statistics read model), `now`, and the
//! transparency-log checkpoint the facts were read at.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Serialize, Serializer};

use crate::deadline::{rfc3339_almaty, start_of_day};
use crate::message::{Explain, Message};
use crate::statistics::suppression::{CellId, Grid, Visibility};
use crate::statistics::{
    CaseFacts, Durations, Figure, Figures, Period, Placement, PublicStatistics, Row, Table, Tally,
    durations, figures_of_tallies, keyed, published, share_of,
};

/// A fixed reporting period: a calendar month, quarter, half-year or year
/// (Almaty dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportPeriod {
    Year(i16),
    Half(i16, i8),
    Quarter(i16, i8),
    Month(i16, i8),
}

/// A period that is not `YYYY`, `YYYY-H1|H2`, `YYYY-Q1..Q4` or `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a reporting period (2025, 2025-H1, 2025-Q3 or 2025-07)")]
pub struct PeriodError(pub String);

impl Explain for PeriodError {
    fn code(&self) -> &'static str {
        "invalid_period"
    }

    fn explain(&self) -> Message {
        Message::new("stats-period-invalid").with("period", self.0.clone())
    }
}

impl FromStr for ReportPeriod {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<ReportPeriod, PeriodError> {
        let error = || PeriodError(text.chars().take(40).collect());
        let year_of = |digits: &str| -> Result<i16, PeriodError> {
            if digits.len() != 4 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(error());
            }
            let year: i16 = digits.parse().map_err(|_| error())?;
            if (2000..=2999).contains(&year) {
                Ok(year)
            } else {
                Err(error())
            }
        };
        let number_in = |digits: &str, range: std::ops::RangeInclusive<i8>| {
            let number: i8 = digits.parse().map_err(|_| error())?;
            if range.contains(&number) && digits.bytes().all(|byte| byte.is_ascii_digit()) {
                Ok(number)
            } else {
                Err(error())
            }
        };
        match text.split_once('-') {
            None => Ok(ReportPeriod::Year(year_of(text)?)),
            Some((year, rest)) => {
                let year = year_of(year)?;
                if let Some(half) = rest.strip_prefix('H') {
                    Ok(ReportPeriod::Half(year, number_in(half, 1..=2)?))
                } else if let Some(quarter) = rest.strip_prefix('Q') {
                    Ok(ReportPeriod::Quarter(year, number_in(quarter, 1..=4)?))
                } else if rest.len() == 2 {
                    Ok(ReportPeriod::Month(year, number_in(rest, 1..=12)?))
                } else {
                    Err(error())
                }
            }
        }
    }
}

impl fmt::Display for ReportPeriod {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportPeriod::Year(year) => write!(formatter, "{year:04}"),
            ReportPeriod::Half(year, half) => write!(formatter, "{year:04}-H{half}"),
            ReportPeriod::Quarter(year, quarter) => write!(formatter, "{year:04}-Q{quarter}"),
            ReportPeriod::Month(year, month) => write!(formatter, "{year:04}-{month:02}"),
        }
    }
}

impl Serialize for ReportPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ReportPeriod {
    pub fn year(self) -> i16 {
        match self {
            ReportPeriod::Year(year)
            | ReportPeriod::Half(year, _)
            | ReportPeriod::Quarter(year, _)
            | ReportPeriod::Month(year, _) => year,
        }
    }

    /// The first month and the number of months.
    fn months(self) -> (i8, i8) {
        match self {
            ReportPeriod::Year(_) => (1, 12),
            ReportPeriod::Half(_, half) => ((half - 1) * 6 + 1, 6),
            ReportPeriod::Quarter(_, quarter) => ((quarter - 1) * 3 + 1, 3),
            ReportPeriod::Month(_, month) => (month, 1),
        }
    }

    pub fn first_day(self) -> Date {
        let (first, _) = self.months();
        Date::new(self.year(), first, 1).unwrap_or(Date::MIN)
    }

    /// The day after the period (excluded).
    pub fn end(self) -> Date {
        let (_, count) = self.months();
        self.first_day()
            .checked_add(i32::from(count).months())
            .unwrap_or(Date::MAX)
    }

    pub fn last_day(self) -> Date {
        self.end().yesterday().unwrap_or(Date::MAX)
    }

    pub fn period(self) -> Period {
        Period {
            from: Some(self.first_day()),
            until: Some(self.end()),
        }
    }

    /// Still open at `now` (its figures will change): before its last day ended.
    pub fn is_open(self, now: Timestamp) -> bool {
        now < start_of_day(self.end())
    }

    /// The periods whose sums this one is: a year's halves, a half's
    /// quarters, a quarter's months; none for a month.
    fn parts(self) -> Vec<ReportPeriod> {
        match self {
            ReportPeriod::Year(year) => {
                vec![ReportPeriod::Half(year, 1), ReportPeriod::Half(year, 2)]
            }
            ReportPeriod::Half(year, half) => (1..=2)
                .map(|index| ReportPeriod::Quarter(year, (half - 1) * 2 + index))
                .collect(),
            ReportPeriod::Quarter(year, quarter) => (1..=3)
                .map(|index| ReportPeriod::Month(year, (quarter - 1) * 3 + index))
                .collect(),
            ReportPeriod::Month(..) => Vec::new(),
        }
    }

    /// Every reporting period of `year`, months first (each after its parts).
    pub fn all_of_year(year: i16) -> Vec<ReportPeriod> {
        let mut periods: Vec<ReportPeriod> = (1..=12)
            .map(|month| ReportPeriod::Month(year, month))
            .collect();
        periods.extend((1..=4).map(|quarter| ReportPeriod::Quarter(year, quarter)));
        periods.extend((1..=2).map(|half| ReportPeriod::Half(year, half)));
        periods.push(ReportPeriod::Year(year));
        periods
    }
}

/// Whether a step of the procedure came in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepTiming {
    OnTime,
    Late,
    /// Not taken, and its deadline has passed.
    Overdue,
}

impl StepTiming {
    pub const ALL: [StepTiming; 3] = [StepTiming::OnTime, StepTiming::Late, StepTiming::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            StepTiming::OnTime => "on_time",
            StepTiming::Late => "late",
            StepTiming::Overdue => "overdue",
        }
    }

    /// The response to the applicant (3 working days from receipt, every
    /// application, refused ones too); `None` while it is not yet due.
    pub fn of_response(case: &CaseFacts, now: Timestamp) -> Option<StepTiming> {
        match case.response_sent_at {
            Some(sent) if sent < case.response_due => Some(StepTiming::OnTime),
            Some(_) => Some(StepTiming::Late),
            None if now >= case.response_due => Some(StepTiming::Overdue),
            None => None,
        }
    }
}

/// The procedure's own performance, exact: what the authority did in time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Performance {
    /// Decisions whose time the chair extended.
    pub extended: u64,
    pub responses: BTreeMap<StepTiming, u64>,
    /// Receipt → response, seconds, ascending.
    pub response_seconds: Vec<i64>,
}

/// [`Performance`] of the cases received in `period`.
pub fn compute_performance<'a>(
    cases: impl IntoIterator<Item = &'a CaseFacts>,
    period: Period,
    now: Timestamp,
) -> Performance {
    let days = Tally::per_day(cases);
    figures_of_tallies(&days, period, now).1
}

/// The procedure's performance as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPerformance {
    /// Decisions whose time was extended (at most 15 calendar days, Order 562-НҚ).
    pub extended_decisions: Figure,
    /// Responses to applicants: `on_time`, `late`, `overdue` (not sent, due passed).
    pub responses: Table,
    /// On time ÷ (on time + late), when both are published.
    pub response_on_time_share: Option<f64>,
    pub time_to_response: Durations,
}

/// Where the figures come from: the transparency log as it stood when they
/// were read, so an auditor can replay the record up to it and recompute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogSource {
    /// Leaves in the log when the figures were read.
    pub log_size: u64,
    /// The latest signed checkpoint then (C2SP): its tree size and root hash
    /// (hex; the checkpoint note carries the same bytes in base64).
    pub checkpoint_tree_size: Option<u64>,
    pub checkpoint_root: Option<String>,
}

/// A transparency report (`qorgau report`, `GET /stats/report`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransparencyReport {
    pub period: ReportPeriod,
    pub first_day: Date,
    pub last_day: Date,
    /// The period had not ended when the report was computed.
    pub provisional: bool,
    /// No application was received in the period.
    pub empty: bool,
    pub threshold: u64,
    #[serde(serialize_with = "almaty_time")]
    pub computed_at: Timestamp,
    pub source: LogSource,
    pub statistics: PublicStatistics,
    pub performance: PublicPerformance,
}

fn almaty_time<S: Serializer>(instant: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339_almaty(*instant))
}

/// Where one period's performance sits in the grid.
struct PerformanceCells {
    extended: CellId,
    responses: Vec<(String, CellId)>,
    responses_total: CellId,
    responded: CellId,
}

impl PerformanceCells {
    fn place(grid: &mut Grid, performance: &Performance) -> PerformanceCells {
        let extended = grid.cell(performance.extended);
        let responses: Vec<(String, CellId)> = StepTiming::ALL
            .iter()
            .map(|timing| {
                (
                    timing.as_str().to_owned(),
                    grid.cell(keyed(&performance.responses, *timing)),
                )
            })
            .collect();
        let cells: Vec<CellId> = responses.iter().map(|(_, cell)| *cell).collect();
        let responses_total = grid.total_of(&cells);
        let responded = grid.total_of(&cells[..2]);
        PerformanceCells {
            extended,
            responses,
            responses_total,
            responded,
        }
    }

    fn named_cells(&self) -> Vec<(String, CellId)> {
        let mut named = vec![
            ("performance/extended".to_owned(), self.extended),
            (
                "performance/responses/total".to_owned(),
                self.responses_total,
            ),
            ("performance/responded".to_owned(), self.responded),
        ];
        for (key, cell) in &self.responses {
            named.push((format!("performance/responses/{key}"), *cell));
        }
        named
    }

    fn view(
        &self,
        grid: &Grid,
        visibility: &[Visibility],
        performance: &Performance,
        threshold: u64,
    ) -> PublicPerformance {
        let figure = |cell: CellId| published(grid, visibility, cell, threshold);
        PublicPerformance {
            extended_decisions: figure(self.extended),
            responses: Table {
                total: figure(self.responses_total),
                rows: self
                    .responses
                    .iter()
                    .map(|(key, cell)| Row {
                        key: key.clone(),
                        count: figure(*cell),
                    })
                    .collect(),
            },
            response_on_time_share: self
                .responses
                .first()
                .and_then(|(_, on_time)| share_of(figure(*on_time), figure(self.responded))),
            time_to_response: durations(
                figure(self.responded),
                &performance.response_seconds,
                threshold,
            ),
        }
    }
}

/// The exact figures of one period.
pub(crate) struct PeriodFigures {
    pub(crate) figures: Figures,
    pub(crate) performance: Performance,
}

fn add<K: Ord + Copy>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
    for (key, count) in from {
        *into.entry(*key).or_default() += count;
    }
}

/// Sums exact figures of consecutive periods into those of `period`.
fn merged(parts: &[&PeriodFigures], period: Period) -> PeriodFigures {
    let mut figures = Figures {
        period,
        ..Figures::default()
    };
    let mut performance = Performance::default();
    let mut platform_order: Vec<String> = Vec::new();
    let mut platforms: BTreeMap<String, u64> = BTreeMap::new();
    for part in parts {
        let (from, extra) = (&part.figures, &part.performance);
        figures.applications += from.applications;
        figures.per_month.extend(from.per_month.iter().cloned());
        add(&mut figures.outcomes, &from.outcomes);
        add(&mut figures.categories, &from.categories);
        add(&mut figures.age_bands, &from.age_bands);
        add(&mut figures.decision_timing, &from.decision_timing);
        add(&mut performance.responses, &extra.responses);
        figures.referred_to_law_enforcement += from.referred_to_law_enforcement;
        performance.extended += extra.extended;
        for (platform, count) in &from.platforms {
            if !platforms.contains_key(platform) {
                platform_order.push(platform.clone());
            }
            *platforms.entry(platform.clone()).or_default() += count;
        }
        for (owner, columns) in &from.compliance {
            let into = figures.compliance.entry(owner.clone()).or_default();
            for (column, count) in columns {
                *into.entry(*column).or_default() += count;
            }
        }
        figures.decision_seconds.extend(&from.decision_seconds);
        figures.removal_seconds.extend(&from.removal_seconds);
        for (owner, values) in &from.removal_seconds_by_owner {
            figures
                .removal_seconds_by_owner
                .entry(owner.clone())
                .or_default()
                .extend(values);
        }
        performance.response_seconds.extend(&extra.response_seconds);
    }
    figures.platforms = platform_order
        .into_iter()
        .map(|platform| {
            let count = platforms.get(&platform).copied().unwrap_or(0);
            (platform, count)
        })
        .collect();
    figures.decision_seconds.sort_unstable();
    figures.removal_seconds.sort_unstable();
    for values in figures.removal_seconds_by_owner.values_mut() {
        values.sort_unstable();
    }
    performance.response_seconds.sort_unstable();
    PeriodFigures {
        figures,
        performance,
    }
}

/// The exact figures of every reporting period of `year`, from the tallies
/// of its days (other days are left out): each month from its days, then
/// the quarters, halves and year as sums of their parts.
pub(crate) fn figures_of_year(
    days: &BTreeMap<Date, Tally>,
    year: i16,
    now: Timestamp,
) -> BTreeMap<ReportPeriod, PeriodFigures> {
    let mut all: BTreeMap<ReportPeriod, PeriodFigures> = BTreeMap::new();
    for month in 1..=12 {
        let month = ReportPeriod::Month(year, month);
        let period = month.period();
        let (figures, performance) =
            figures_of_tallies(days.range(month.first_day()..month.end()), period, now);
        all.insert(
            month,
            PeriodFigures {
                figures,
                performance,
            },
        );
    }
    for period in ReportPeriod::all_of_year(year) {
        if matches!(period, ReportPeriod::Month(..)) {
            continue;
        }
        let parts: Vec<&PeriodFigures> = period
            .parts()
            .iter()
            .filter_map(|part| all.get(part))
            .collect();
        let combined = merged(&parts, period.period());
        all.insert(period, combined);
    }
    all
}

/// [`transparency_report_of_tallies`] from the facts of the cases.
pub fn transparency_report<'a>(
    cases: impl IntoIterator<Item = &'a CaseFacts>,
    period: ReportPeriod,
    threshold: u64,
    now: Timestamp,
    source: LogSource,
) -> TransparencyReport {
    let days = Tally::per_day(cases);
    transparency_report_of_tallies(&days, period, threshold, now, source)
}

/// The report of `period`, suppressed together with every other reporting
/// period of its year (module documentation). `days` should hold at least
/// the tallies of the year's days; others are ignored.
pub fn transparency_report_of_tallies(
    days: &BTreeMap<Date, Tally>,
    period: ReportPeriod,
    threshold: u64,
    now: Timestamp,
    source: LogSource,
) -> TransparencyReport {
    let year = period.year();
    let all = figures_of_year(days, year, now);
    let mut grid = Grid::new();
    let mut placed: BTreeMap<ReportPeriod, (Placement, PerformanceCells)> = BTreeMap::new();
    for (each, figures) in &all {
        let placement = Placement::place(&mut grid, &figures.figures);
        let performance = PerformanceCells::place(&mut grid, &figures.performance);
        placed.insert(*each, (placement, performance));
    }
    // A period's every named count is the sum of its parts' counts of the
    // same name (a name missing from a part is zero there, and published as
    // such by its absence).
    let names = |each: &ReportPeriod| -> BTreeMap<String, CellId> {
        placed
            .get(each)
            .map(|(placement, performance)| {
                placement
                    .named_cells()
                    .into_iter()
                    .chain(performance.named_cells())
                    .collect()
            })
            .unwrap_or_default()
    };
    for each in ReportPeriod::all_of_year(year) {
        let parts = each.parts();
        if parts.is_empty() {
            continue;
        }
        let part_names: Vec<BTreeMap<String, CellId>> = parts.iter().map(&names).collect();
        for (name, total) in names(&each) {
            let members: Vec<CellId> = part_names
                .iter()
                .filter_map(|cells| cells.get(&name).copied())
                .collect();
            if !members.is_empty() {
                grid.link(&members, total);
            }
        }
    }
    let visibility = grid.suppress(threshold);
    let (statistics, performance, empty) = match (all.get(&period), placed.get(&period)) {
        (Some(figures), Some((placement, cells))) => (
            placement.view(&grid, &visibility, &figures.figures, threshold, now),
            cells.view(&grid, &visibility, &figures.performance, threshold),
            figures.figures.applications == 0,
        ),
        // Not reached: every period of the year was placed above.
        _ => {
            let figures = Figures {
                period: period.period(),
                ..Figures::default()
            };
            let mut grid = Grid::new();
            let placement = Placement::place(&mut grid, &figures);
            let cells = PerformanceCells::place(&mut grid, &Performance::default());
            let visibility = grid.suppress(threshold);
            (
                placement.view(&grid, &visibility, &figures, threshold, now),
                cells.view(&grid, &visibility, &Performance::default(), threshold),
                true,
            )
        }
    };
    TransparencyReport {
        period,
        first_day: period.first_day(),
        last_day: period.last_day(),
        provisional: period.is_open(now),
        empty,
        threshold,
        computed_at: now,
        source,
        statistics,
        performance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_in_their_four_shapes_only() {
        for (text, period) in [
            ("2025", ReportPeriod::Year(2025)),
            ("2025-H1", ReportPeriod::Half(2025, 1)),
            ("2025-Q3", ReportPeriod::Quarter(2025, 3)),
            ("2025-07", ReportPeriod::Month(2025, 7)),
        ] {
            assert_eq!(text.parse::<ReportPeriod>(), Ok(period));
            assert_eq!(period.to_string(), text);
        }
        for bad in [
            "",
            "25",
            "2025-H3",
            "2025-Q0",
            "2025-13",
            "2025-7",
            "2025-H",
            "1999",
            "2025-01-01",
            "2025-+1",
            "２０２５",
        ] {
            assert!(bad.parse::<ReportPeriod>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_have_their_days_and_parts() {
        let half = ReportPeriod::Half(2025, 2);
        assert_eq!(half.first_day().to_string(), "2025-07-01");
        assert_eq!(half.last_day().to_string(), "2025-12-31");
        assert_eq!(half.end().to_string(), "2026-01-01");
        assert_eq!(
            half.parts(),
            vec![
                ReportPeriod::Quarter(2025, 3),
                ReportPeriod::Quarter(2025, 4)
            ]
        );
        assert_eq!(ReportPeriod::all_of_year(2025).len(), 19);
        let now: Timestamp = "2025-12-31T23:59:00+05:00".parse().unwrap();
        assert!(half.is_open(now));
        assert!(!ReportPeriod::Half(2025, 1).is_open(now));
    }
}
