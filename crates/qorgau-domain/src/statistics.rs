//! The public figures: how the procedure performs, with no child identifiable.
//!
//! PRODUCT.md: "Nobody measures it. Qorgau publishes figures: applications,
//! outcomes, time to decision, time to removal, compliance by resource owner,
//! categories, the children's age bands — with small numbers suppressed so no
//! child can be identified."
//!
//! Two steps, both pure:
//! 1. [`compute_figures`] folds case states into exact counts ([`Figures`]):
//!    what an auditor recomputes from the case record.
//! 2. [`publish`] applies small-number suppression ([`suppression`]) to every
//!    count and the sums that tie them together, and gives the figures as they
//!    may be shown ([`PublicStatistics`]): no count below the threshold ever
//!    appears as a number.
//!
//! Definitions (docs/statistics.md has them with their reasons):
//! - a case belongs to the month, and the period, of its receipt in Almaty time;
//! - outcome: refused (by its first reason — the order the rules are checked
//!   in), confirmed, not confirmed, or pending (neither refused nor decided);
//! - category: of confirmed cases, as decided;
//! - age band: the child's age on the day of receipt (under 10, 10–13, 14–15,
//!   16–17, 18 and over — refused as not a child —, unknown);
//! - platforms: every Internet resource named in an application, by platform;
//! - time to decision: receipt → decision; time to removal: delivery of the order
//!   (when the 24 hours start) → removal (the owner's report, if removal was
//!   then verified, else the verification); median and 90th percentile (nearest
//!   rank), in hours; a median published only over at least `threshold`
//!   values, a 90th percentile only over twice that and never as the largest
//!   value ([`p90_publishable`]);
//! - decision deadlines: decided before the (possibly extended) deadline, decided
//!   late, or undecided with the deadline passed at `now`;
//! - compliance per resource owner: each order removed in time, removed late,
//!   past due (not removed, deadline passed), or pending.
//!
//! Architecture Invariant: no I/O and no clock; `now` is a parameter.

pub mod dsa;
pub mod facts;
pub mod report;
pub mod suppression;
pub mod tally;

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Serialize, Serializer};

use crate::application::{RefusalReason, age_on};
use crate::category::Category;
use crate::deadline::almaty_date;
use crate::procedure::event::Outcome;
use crate::procedure::state::{CaseState, OrderState, OrderStatus};
pub use facts::{CaseFacts, OrderFacts};
use suppression::{CellId, Grid, Visibility};
pub use tally::{Tally, figures_of_tallies};

/// Counts below this are never published as numbers (PRODUCT.md; issue 8).
pub const DEFAULT_THRESHOLD: u64 = 5;

/// The smallest threshold an operator may set: below 2 nothing is hidden
/// (a count of 1 is one child).
pub const MIN_THRESHOLD: u64 = 2;

/// The largest: statistical offices suppress below 3 to 20; far above that
/// a regional pilot would publish nothing but hidden cells, which is a typing
/// error rather than a policy.
pub const MAX_THRESHOLD: u64 = 100;

/// A suppression threshold that is not a whole number from
/// [`MIN_THRESHOLD`] to [`MAX_THRESHOLD`] (`serve --stats-threshold`,
/// `QORGAU_STATS_THRESHOLD`, `report --stats-threshold`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the statistics threshold must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}, not `{0}`"
)]
pub struct ThresholdError(pub String);

impl crate::message::Explain for ThresholdError {
    fn code(&self) -> &'static str {
        "invalid_stats_threshold"
    }

    fn explain(&self) -> crate::message::Message {
        crate::message::Message::new("stats-threshold-invalid")
            .with("value", self.0.clone())
            .with("min", MIN_THRESHOLD as i64)
            .with("max", MAX_THRESHOLD as i64)
    }
}

/// The operator's threshold from its text: one setting for every
/// publication, so no two of them are suppressed differently.
pub fn parse_threshold(text: &str) -> Result<u64, ThresholdError> {
    let trimmed = text.trim();
    let error = || ThresholdError(trimmed.chars().take(20).collect());
    if trimmed.is_empty() || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(error());
    }
    match trimmed.parse::<u64>() {
        Ok(value) if (MIN_THRESHOLD..=MAX_THRESHOLD).contains(&value) => Ok(value),
        _ => Err(error()),
    }
}

/// Which cases count: those received on `from`..`until` (Almaty dates; `from`
/// included, `until` excluded). Open ends take everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Option<Date>,
    pub until: Option<Date>,
}

impl Period {
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| date >= from) && self.until.is_none_or(|until| date < until)
    }
}

/// The outcome of a case, as the statistics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeRow {
    RefusedResourceRequired,
    RefusedNotAChild,
    RefusedApplicantFieldsMissing,
    Confirmed,
    NotConfirmed,
    Pending,
}

impl OutcomeRow {
    pub const ALL: [OutcomeRow; 6] = [
        OutcomeRow::RefusedResourceRequired,
        OutcomeRow::RefusedNotAChild,
        OutcomeRow::RefusedApplicantFieldsMissing,
        OutcomeRow::Confirmed,
        OutcomeRow::NotConfirmed,
        OutcomeRow::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeRow::RefusedResourceRequired => "refused_resource_required",
            OutcomeRow::RefusedNotAChild => "refused_not_a_child",
            OutcomeRow::RefusedApplicantFieldsMissing => "refused_applicant_fields_missing",
            OutcomeRow::Confirmed => "confirmed",
            OutcomeRow::NotConfirmed => "not_confirmed",
            OutcomeRow::Pending => "pending",
        }
    }

    /// A case's outcome. A refusal with several reasons counts under the
    /// first, so the rows add up to the applications.
    pub fn of(state: &CaseState) -> OutcomeRow {
        if let Some(reason) = state.refusal.first() {
            return match reason {
                RefusalReason::ResourceRequired => OutcomeRow::RefusedResourceRequired,
                RefusalReason::NotAChild { .. } => OutcomeRow::RefusedNotAChild,
                RefusalReason::ApplicantFieldsMissing { .. } => {
                    OutcomeRow::RefusedApplicantFieldsMissing
                }
            };
        }
        match state.decision.as_ref().map(|decision| decision.outcome) {
            Some(Outcome::Confirmed) => OutcomeRow::Confirmed,
            Some(Outcome::NotConfirmed) => OutcomeRow::NotConfirmed,
            None => OutcomeRow::Pending,
        }
    }
}

/// The child's age on the day the application was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    Under10,
    From10To13,
    From14To15,
    From16To17,
    /// 18 or older at receipt (such applications are refused as not a child).
    Adult,
    /// No birth date given.
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under10,
        AgeBand::From10To13,
        AgeBand::From14To15,
        AgeBand::From16To17,
        AgeBand::Adult,
        AgeBand::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under10 => "under_10",
            AgeBand::From10To13 => "10_13",
            AgeBand::From14To15 => "14_15",
            AgeBand::From16To17 => "16_17",
            AgeBand::Adult => "18_and_over",
            AgeBand::Unknown => "unknown",
        }
    }

    pub fn of_age(age: Option<u32>) -> AgeBand {
        match age {
            None => AgeBand::Unknown,
            Some(0..=9) => AgeBand::Under10,
            Some(10..=13) => AgeBand::From10To13,
            Some(14..=15) => AgeBand::From14To15,
            Some(16..=17) => AgeBand::From16To17,
            Some(_) => AgeBand::Adult,
        }
    }

    pub fn of(state: &CaseState) -> AgeBand {
        let received_on = almaty_date(state.received_at);
        AgeBand::of_age(
            state
                .application
                .child
                .birth_date
                .map(|birth| age_on(birth, received_on)),
        )
    }
}

/// The categories published (of confirmed cases).
pub const CATEGORIES: [Category; 3] = [
    Category::Cyberbullying,
    Category::Cyberstalking,
    Category::Criminal,
];

/// Whether the expert group decided in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecisionTiming {
    OnTime,
    Late,
    /// Not decided, and the deadline has passed.
    OverdueUndecided,
}

impl DecisionTiming {
    pub const ALL: [DecisionTiming; 3] = [
        DecisionTiming::OnTime,
        DecisionTiming::Late,
        DecisionTiming::OverdueUndecided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionTiming::OnTime => "on_time",
            DecisionTiming::Late => "late",
            DecisionTiming::OverdueUndecided => "overdue_undecided",
        }
    }

    /// `None` for refused cases and cases whose deadline has not come.
    pub fn of(state: &CaseState, now: Timestamp) -> Option<DecisionTiming> {
        DecisionTiming::of_facts(&CaseFacts::of(state), now)
    }

    /// [`DecisionTiming::of`] from the statistics read model.
    pub fn of_facts(case: &CaseFacts, now: Timestamp) -> Option<DecisionTiming> {
        let due = case.decision_due?;
        match case.decided_at {
            Some(decided_at) if decided_at < due => Some(DecisionTiming::OnTime),
            Some(_) => Some(DecisionTiming::Late),
            None if now >= due => Some(DecisionTiming::OverdueUndecided),
            None => None,
        }
    }
}

/// Where one removal order stands, for the owner's compliance record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceColumn {
    RemovedInTime,
    RemovedLate,
    /// Not removed, and the 24 hours have passed (non-compliance recorded or not yet).
    PastDue,
    /// Not yet delivered, within the 24 hours, or reported removed in time and
    /// awaiting verification.
    Pending,
}

impl ComplianceColumn {
    pub const ALL: [ComplianceColumn; 4] = [
        ComplianceColumn::RemovedInTime,
        ComplianceColumn::RemovedLate,
        ComplianceColumn::PastDue,
        ComplianceColumn::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceColumn::RemovedInTime => "removed_in_time",
            ComplianceColumn::RemovedLate => "removed_late",
            ComplianceColumn::PastDue => "past_due",
            ComplianceColumn::Pending => "pending",
        }
    }

    pub fn of(order: &OrderState, now: Timestamp) -> ComplianceColumn {
        ComplianceColumn::of_facts(&OrderFacts::of(order), now)
    }

    /// [`ComplianceColumn::of`] from the statistics read model.
    pub fn of_facts(order: &OrderFacts, now: Timestamp) -> ComplianceColumn {
        if let Some(removed) = order.removed_at {
            return match order.removal_due {
                Some(due) if removed >= due => ComplianceColumn::RemovedLate,
                _ => ComplianceColumn::RemovedInTime,
            };
        }
        if order.not_complied {
            return ComplianceColumn::PastDue;
        }
        match order.removal_due {
            Some(due) if now >= due => {
                let reported_in_time = order.removal_reported_at.is_some_and(|at| at < due);
                if reported_in_time {
                    ComplianceColumn::Pending
                } else {
                    ComplianceColumn::PastDue
                }
            }
            _ => ComplianceColumn::Pending,
        }
    }
}

/// When a removed order's content went: the owner's report when removal was
/// then verified (the report says when they acted; the re-capture only when we
/// looked), else the verification. `None` unless the order is removed.
pub fn removal_instant(order: &OrderState) -> Option<Timestamp> {
    if order.status != OrderStatus::Removed {
        return None;
    }
    match (order.removal_reported_at, order.removed_at) {
        (Some(reported), Some(verified)) => Some(reported.min(verified)),
        (reported, verified) => reported.or(verified),
    }
}

/// Exact counts, before suppression: what an auditor recomputes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub period: Period,
    pub applications: u64,
    /// `YYYY-MM` (Almaty) → applications, every month of the period in order.
    pub per_month: Vec<(String, u64)>,
    pub outcomes: BTreeMap<OutcomeRow, u64>,
    /// Confirmed cases by category.
    pub categories: BTreeMap<Category, u64>,
    pub referred_to_law_enforcement: u64,
    /// Platform slug → resources named.
    pub platforms: Vec<(String, u64)>,
    pub age_bands: BTreeMap<AgeBand, u64>,
    pub decision_timing: BTreeMap<DecisionTiming, u64>,
    /// Receipt → decision, in seconds, ascending.
    pub decision_seconds: Vec<i64>,
    /// Delivery → removal, in seconds, ascending.
    pub removal_seconds: Vec<i64>,
    /// The same by the order's owner (the platform), each ascending.
    pub removal_seconds_by_owner: BTreeMap<String, Vec<i64>>,
    /// Owner → orders by column.
    pub compliance: BTreeMap<String, BTreeMap<ComplianceColumn, u64>>,
}

fn month_key(date: Date) -> String {
    date.strftime("%Y-%m").to_string()
}

/// The first day of every month from `first` to `last`, both included.
fn months_between(first: Date, last: Date) -> Vec<Date> {
    let mut months = Vec::new();
    let mut month = first.first_of_month();
    while month <= last {
        months.push(month);
        match month.checked_add(1.month()) {
            Ok(next) => month = next,
            Err(_) => break,
        }
    }
    months
}

/// Folds case states into exact counts. Cases received outside `period` are
/// left out; `now` decides which deadlines have passed.
pub fn compute_figures<'a>(
    cases: impl IntoIterator<Item = &'a CaseState>,
    period: Period,
    now: Timestamp,
) -> Figures {
    let facts: Vec<CaseFacts> = cases.into_iter().map(CaseFacts::of).collect();
    compute_figures_of(&facts, period, now)
}

/// [`compute_figures`] from the statistics read model (one [`CaseFacts`]
/// per case), without folding any case: the cases summed per day
/// ([`Tally::per_day`]), then [`figures_of_tallies`].
pub fn compute_figures_of<'a>(
    cases: impl IntoIterator<Item = &'a CaseFacts>,
    period: Period,
    now: Timestamp,
) -> Figures {
    let days = Tally::per_day(cases);
    figures_of_tallies(&days, period, now).0
}

/// The median: the middle value, or the mean of the two middle values.
/// `sorted` ascending; `None` when empty.
pub fn median(sorted: &[i64]) -> Option<f64> {
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        length if length % 2 == 1 => sorted.get(middle).map(|value| *value as f64),
        _ => {
            let low = *sorted.get(middle - 1)? as f64;
            let high = *sorted.get(middle)? as f64;
            Some((low + high) / 2.0)
        }
    }
}

/// The `percent`th percentile by the nearest-rank method: the smallest value
/// with at least `percent`% of the values at or below it.
pub fn percentile(sorted: &[i64], percent: u64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let length = sorted.len() as u64;
    let rank = (percent * length).div_ceil(100).clamp(1, length);
    sorted.get((rank - 1) as usize).map(|value| *value as f64)
}

/// A published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Count(u64),
    /// Below the threshold: shown as `"<5"` (for a threshold of 5).
    BelowThreshold {
        threshold: u64,
    },
    /// Hidden so that a small count elsewhere cannot be worked out: `"suppressed"`.
    Suppressed,
}

impl Figure {
    pub fn count(self) -> Option<u64> {
        match self {
            Figure::Count(count) => Some(count),
            _ => None,
        }
    }

    /// How it is shown: the number, `<5` or `suppressed`.
    pub fn display(self) -> String {
        match self {
            Figure::Count(count) => count.to_string(),
            Figure::BelowThreshold { threshold } => format!("<{threshold}"),
            Figure::Suppressed => "suppressed".to_owned(),
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Figure::Count(count) => serializer.serialize_u64(*count),
            hidden => serializer.serialize_str(&hidden.display()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub key: String,
    pub count: Figure,
}

/// A breakdown and its total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub total: Figure,
    pub rows: Vec<Row>,
}

/// Median and 90th percentile in hours, over `count` values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Durations {
    pub count: Figure,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceCounts {
    pub orders: Figure,
    pub removed_in_time: Figure,
    pub removed_late: Figure,
    pub past_due: Figure,
    pub pending: Figure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerCompliance {
    pub owner: String,
    #[serde(flatten)]
    pub counts: ComplianceCounts,
    /// Removed within the 24 hours ÷ removed, when both are published.
    pub removed_in_time_share: Option<f64>,
    /// Delivery → removal of this owner's orders: how fast the platform
    /// removes, with quantiles only over enough removals.
    pub time_to_removal: Durations,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    pub owners: Vec<OwnerCompliance>,
    pub totals: ComplianceCounts,
    /// Removed in time ÷ removed, when both are published.
    pub removed_in_time_share: Option<f64>,
}

/// The figures as they may be published (`GET /api/v1/stats`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicStatistics {
    /// Counts below this are shown as `<threshold>`.
    pub threshold: u64,
    #[serde(serialize_with = "almaty_time")]
    pub computed_at: Timestamp,
    pub period: Period,
    pub applications: Figure,
    pub applications_per_month: Table,
    pub outcomes: Table,
    /// Confirmed cases by category; its total is the confirmed outcome.
    pub categories: Table,
    pub referred_to_law_enforcement: Figure,
    /// Internet resources named in applications, by platform.
    pub platforms: Table,
    pub age_bands: Table,
    pub decision_deadlines: Table,
    /// Decided on time ÷ decided, when both are published.
    pub decision_on_time_share: Option<f64>,
    pub time_to_decision: Durations,
    pub time_to_removal: Durations,
    pub compliance: Compliance,
    /// The transparency log the figures were read at (the live view,
    /// `GET /api/v1/stats`); a report names it beside its statistics
    /// instead, so there it is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<report::LogSource>,
}

/// RFC 3339 with the Almaty offset, like every time in the API.
fn almaty_time<S: Serializer>(instant: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&crate::deadline::rfc3339_almaty(*instant))
}

/// The count under `key`, zero when absent.
pub(crate) fn keyed<K: Ord>(map: &BTreeMap<K, u64>, key: K) -> u64 {
    map.get(&key).copied().unwrap_or(0)
}

pub(crate) fn hours(seconds: f64) -> f64 {
    (seconds / 360.0).round() / 10.0
}

/// Builds one table's cells in the grid.
#[derive(Debug, Clone)]
struct TableCells {
    rows: Vec<(String, CellId)>,
    total: CellId,
}

fn cells_of(
    grid: &mut Grid,
    rows: impl IntoIterator<Item = (String, u64)>,
) -> Vec<(String, CellId)> {
    rows.into_iter()
        .map(|(key, value)| (key, grid.cell(value)))
        .collect()
}

fn ids(rows: &[(String, CellId)]) -> Vec<CellId> {
    rows.iter().map(|(_, cell)| *cell).collect()
}

/// Suppression applied: every count of `figures`, and every sum between them,
/// goes into one grid, so a hidden count cannot be recovered from another
/// table that shares its total either.
pub fn publish(figures: &Figures, threshold: u64, now: Timestamp) -> PublicStatistics {
    let mut grid = Grid::new();
    let placement = Placement::place(&mut grid, figures);
    let visibility = grid.suppress(threshold);
    placement.view(&grid, &visibility, figures, threshold, now)
}

/// Where each count of one [`Figures`] sits in a [`Grid`], so that several
/// figures (the parts of a year, `report`) can share one grid and one
/// suppression.
#[derive(Debug, Clone)]
pub struct Placement {
    months: TableCells,
    outcomes: TableCells,
    categories: TableCells,
    referred: CellId,
    platforms: TableCells,
    age_bands: TableCells,
    decision_deadlines: TableCells,
    on_time: CellId,
    decided: CellId,
    owner_rows: Vec<(String, Vec<CellId>)>,
    owner_totals: Vec<CellId>,
    column_totals: Vec<CellId>,
    orders: CellId,
    removed: CellId,
}

impl Placement {
    /// Adds every count of `figures` and every sum between them to `grid`.
    pub fn place(grid: &mut Grid, figures: &Figures) -> Placement {
        let months = cells_of(grid, figures.per_month.iter().cloned());
        let applications = grid.total_of(&ids(&months));
        let months = TableCells {
            rows: months,
            total: applications,
        };

        let outcome_rows = cells_of(
            grid,
            OutcomeRow::ALL
                .iter()
                .map(|row| (row.as_str().to_owned(), keyed(&figures.outcomes, *row))),
        );
        grid.link(&ids(&outcome_rows), applications);
        let cell_of = |rows: &[(String, CellId)], key: &str| {
            rows.iter()
                .find(|(name, _)| name == key)
                .map(|(_, cell)| *cell)
                .unwrap_or(applications)
        };
        let confirmed = cell_of(&outcome_rows, OutcomeRow::Confirmed.as_str());
        let not_confirmed = cell_of(&outcome_rows, OutcomeRow::NotConfirmed.as_str());
        let decided = grid.total_of(&[confirmed, not_confirmed]);
        let outcomes = TableCells {
            rows: outcome_rows,
            total: applications,
        };

        // Every confirmed case has a category (the decision rule requires one);
        // anything else would show up as its own row rather than break the sum.
        let mut category_values: Vec<(String, u64)> = CATEGORIES
            .iter()
            .map(|category| {
                (
                    category.as_str().to_owned(),
                    keyed(&figures.categories, *category),
                )
            })
            .collect();
        let categorized: u64 = category_values.iter().map(|(_, count)| count).sum();
        let uncategorized =
            keyed(&figures.outcomes, OutcomeRow::Confirmed).saturating_sub(categorized);
        if uncategorized > 0 {
            category_values.push((Category::None.as_str().to_owned(), uncategorized));
        }
        let category_rows = cells_of(grid, category_values);
        grid.link(&ids(&category_rows), confirmed);
        let categories = TableCells {
            rows: category_rows,
            total: confirmed,
        };

        let referred = grid.cell(figures.referred_to_law_enforcement);

        let platform_rows = cells_of(grid, figures.platforms.iter().cloned());
        let resources = grid.total_of(&ids(&platform_rows));
        let platforms = TableCells {
            rows: platform_rows,
            total: resources,
        };

        let band_rows = cells_of(
            grid,
            AgeBand::ALL
                .iter()
                .map(|band| (band.as_str().to_owned(), keyed(&figures.age_bands, *band))),
        );
        grid.link(&ids(&band_rows), applications);
        let age_bands = TableCells {
            rows: band_rows,
            total: applications,
        };

        let timing_rows = cells_of(
            grid,
            DecisionTiming::ALL.iter().map(|timing| {
                (
                    timing.as_str().to_owned(),
                    keyed(&figures.decision_timing, *timing),
                )
            }),
        );
        let on_time = cell_of(&timing_rows, DecisionTiming::OnTime.as_str());
        let late = cell_of(&timing_rows, DecisionTiming::Late.as_str());
        grid.link(&[on_time, late], decided);
        let decisions_due = grid.total_of(&ids(&timing_rows));
        let decision_deadlines = TableCells {
            rows: timing_rows,
            total: decisions_due,
        };

        // Compliance: owners × columns, with row totals, column totals and the
        // grand total all published (when safe).
        let owner_rows: Vec<(String, Vec<CellId>)> = figures
            .compliance
            .iter()
            .map(|(owner, columns)| {
                let cells = ComplianceColumn::ALL
                    .iter()
                    .map(|column| grid.cell(keyed(columns, *column)))
                    .collect();
                (owner.clone(), cells)
            })
            .collect();
        let owner_totals: Vec<CellId> = owner_rows
            .iter()
            .map(|(_, cells)| grid.total_of(cells))
            .collect();
        let column_totals: Vec<CellId> = (0..ComplianceColumn::ALL.len())
            .map(|column| {
                let cells: Vec<CellId> =
                    owner_rows.iter().map(|(_, cells)| cells[column]).collect();
                grid.total_of(&cells)
            })
            .collect();
        let orders = grid.total_of(&owner_totals);
        grid.link(&column_totals, orders);
        let removed = grid.total_of(&column_totals[..2]);
        Placement {
            months,
            outcomes,
            categories,
            referred,
            platforms,
            age_bands,
            decision_deadlines,
            on_time,
            decided,
            owner_rows,
            owner_totals,
            column_totals,
            orders,
            removed,
        }
    }

    /// Every count with a name that is the same in every period's figures
    /// (`outcomes/confirmed`, `compliance/telegram/past_due`, …): the cells
    /// that add up across periods.
    pub fn named_cells(&self) -> Vec<(String, CellId)> {
        let mut named = Vec::new();
        let mut table = |name: &str, cells: &TableCells, with_total: bool| {
            for (key, cell) in &cells.rows {
                named.push((format!("{name}/{key}"), *cell));
            }
            if with_total {
                named.push((format!("{name}/total"), cells.total));
            }
        };
        table("applications_per_month", &self.months, true);
        table("outcomes", &self.outcomes, false);
        table("categories", &self.categories, false);
        table("platforms", &self.platforms, true);
        table("age_bands", &self.age_bands, false);
        table("decision_deadlines", &self.decision_deadlines, true);
        named.push(("referred_to_law_enforcement".to_owned(), self.referred));
        named.push(("decided".to_owned(), self.decided));
        for ((owner, cells), total) in self.owner_rows.iter().zip(&self.owner_totals) {
            for (column, cell) in ComplianceColumn::ALL.iter().zip(cells) {
                named.push((format!("compliance/{owner}/{}", column.as_str()), *cell));
            }
            named.push((format!("compliance/{owner}/orders"), *total));
        }
        for (column, cell) in ComplianceColumn::ALL.iter().zip(&self.column_totals) {
            named.push((format!("compliance/totals/{}", column.as_str()), *cell));
        }
        named.push(("compliance/totals/orders".to_owned(), self.orders));
        named.push(("compliance/removed".to_owned(), self.removed));
        named
    }

    /// The figures as published under `visibility` (of the grid they were
    /// placed in).
    pub fn view(
        &self,
        grid: &Grid,
        visibility: &[Visibility],
        figures: &Figures,
        threshold: u64,
        now: Timestamp,
    ) -> PublicStatistics {
        let figure = |cell: CellId| published(grid, visibility, cell, threshold);
        let table = |cells: &TableCells| Table {
            total: figure(cells.total),
            rows: cells
                .rows
                .iter()
                .map(|(key, cell)| Row {
                    key: key.clone(),
                    count: figure(*cell),
                })
                .collect(),
        };
        let share = |part: CellId, whole: CellId| share_of(figure(part), figure(whole));
        let compliance_counts = |total: CellId, cells: &[CellId]| ComplianceCounts {
            orders: figure(total),
            removed_in_time: figure(cells[0]),
            removed_late: figure(cells[1]),
            past_due: figure(cells[2]),
            pending: figure(cells[3]),
        };
        PublicStatistics {
            threshold,
            computed_at: now,
            period: figures.period,
            applications: figure(self.months.total),
            applications_per_month: table(&self.months),
            outcomes: table(&self.outcomes),
            categories: table(&self.categories),
            referred_to_law_enforcement: figure(self.referred),
            platforms: table(&self.platforms),
            age_bands: table(&self.age_bands),
            decision_on_time_share: share(self.on_time, self.decided),
            decision_deadlines: table(&self.decision_deadlines),
            time_to_decision: durations(figure(self.decided), &figures.decision_seconds, threshold),
            time_to_removal: durations(figure(self.removed), &figures.removal_seconds, threshold),
            compliance: Compliance {
                owners: self
                    .owner_rows
                    .iter()
                    .zip(&self.owner_totals)
                    .map(|((owner, cells), total)| {
                        let (in_time, late) = (figure(cells[0]), figure(cells[1]));
                        // Both published: their sum is no news. Otherwise
                        // the count stays hidden, and so does the share.
                        let removed = match (in_time, late) {
                            (Figure::Count(in_time), Figure::Count(late)) => {
                                Figure::Count(in_time + late)
                            }
                            _ => Figure::Suppressed,
                        };
                        let no_values = Vec::new();
                        let values = figures
                            .removal_seconds_by_owner
                            .get(owner)
                            .unwrap_or(&no_values);
                        OwnerCompliance {
                            owner: owner.clone(),
                            counts: compliance_counts(*total, cells),
                            removed_in_time_share: share_of(in_time, removed),
                            time_to_removal: durations(removed, values, threshold),
                        }
                    })
                    .collect(),
                totals: compliance_counts(self.orders, &self.column_totals),
                removed_in_time_share: share(self.column_totals[0], self.removed),
            },
            source: None,
        }
    }
}

/// How `cell` is published under `visibility`.
pub(crate) fn published(
    grid: &Grid,
    visibility: &[Visibility],
    cell: CellId,
    threshold: u64,
) -> Figure {
    match visibility.get(cell) {
        Some(Visibility::Published) => Figure::Count(grid.value(cell)),
        Some(Visibility::BelowThreshold) => Figure::BelowThreshold { threshold },
        _ => Figure::Suppressed,
    }
}

/// `part ÷ whole` when both are published.
pub(crate) fn share_of(part: Figure, whole: Figure) -> Option<f64> {
    match (part, whole) {
        (Figure::Count(part), Figure::Count(whole)) if whole > 0 => {
            Some(part as f64 / whole as f64)
        }
        _ => None,
    }
}

/// Quantiles of fewer than `threshold` values would be those values, so
/// they are published only over at least `threshold`.
///
/// The 90th percentile asks more. By nearest rank, over fewer than ten
/// values it *is* the largest one: the slowest case's exact time, the value
/// most likely to be recognized by the people in that case ("ours took 13
/// days"). So it is published only over at least twice the threshold and
/// only where at least one value lies above its rank, so it is never the
/// maximum (docs/statistics.md).
pub(crate) fn durations(count: Figure, sorted: &[i64], threshold: u64) -> Durations {
    Durations {
        count,
        median_hours: median(sorted)
            .filter(|_| median_publishable(sorted.len() as u64, threshold))
            .map(hours),
        p90_hours: percentile(sorted, 90)
            .filter(|_| p90_publishable(sorted.len() as u64, threshold))
            .map(hours),
    }
}

/// A median over `values` values may be published under `threshold`.
pub fn median_publishable(values: u64, threshold: u64) -> bool {
    values >= threshold.max(1)
}

/// A 90th percentile over `values` values may be published under
/// `threshold`: at least twice the threshold, and not the largest value
/// (its nearest rank ⌈0.9·n⌉ below n, i.e. n ≥ 10). With no threshold (the
/// exact figures), whenever there is a value.
pub fn p90_publishable(values: u64, threshold: u64) -> bool {
    if threshold == 0 {
        return values >= 1;
    }
    let rank = (90 * values).div_ceil(100);
    values >= 2 * threshold && rank < values
}

/// [`compute_figures`] then [`publish`].
pub fn public_statistics<'a>(
    cases: impl IntoIterator<Item = &'a CaseState>,
    period: Period,
    threshold: u64,
    now: Timestamp,
) -> PublicStatistics {
    publish(&compute_figures(cases, period, now), threshold, now)
}

#[cfg(test)]
mod tests;
