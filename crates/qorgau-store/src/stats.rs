//! The statistics read model: one row per case (`case_stats`) and one per
//! removal order (`case_stats_orders`), holding exactly what
//! `qorgau_domain::statistics` counts (`CaseFacts`), written in the same
//! transaction as the events from the same fold as every other read model
//! (migration 0007); the DSA export reads these rows for a range of receipt
//! dates instead of loading and folding every case.
//!
//! Figures and transparency reports read less: one tally per day of receipt
//! (`stats_tally`: a count per item; `stats_tally_durations`: each kind's
//! durations as one ascending run; migration 0008), the sums
//! `qorgau_domain::statistics::tally` defines. Every write changes them in
//! its transaction: the rewritten cases' old facts, read back from
//! `case_stats`, taken off, the new put on ([`tally_changes`]). A report
//! then reads a row of counts and three runs per day, not a row per case.
//!
//! What is stored is decided by `CaseFacts::of` and `Contribution::of`; this
//! module only turns them into columns and back, so both stores hold the same
//! rows. Nothing that depends on the time of reading (has a deadline
//! passed?) is stored as decided: a tally names the deadline instead.
//! No name, birth date, IIN, description or URL is in these tables.

use std::collections::BTreeMap;
use std::future::Future;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use qorgau_domain::category::{Category, CriminalIndicator};
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::statistics::report::StepTiming;
use qorgau_domain::statistics::tally::{Contribution, DurationKind, TallyItem};
use qorgau_domain::statistics::{
    AgeBand, CaseFacts, ComplianceColumn, DecisionTiming, OrderFacts, OutcomeRow, Tally,
};

use crate::rows::{from_millis, millis};
use crate::{AnyStore, StoreError, StoredCheckpoint};

/// The facts of the cases received in a date range, and where the
/// transparency log stood when they were read (one read transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub cases: Vec<CaseFacts>,
    /// Leaves in the transparency log at the time of reading.
    pub log_size: u64,
    /// The latest signed checkpoint at the time of reading.
    pub checkpoint: Option<StoredCheckpoint>,
}

pub trait Statistics {
    /// The statistics facts of the cases received (Almaty date) on `from`
    /// .. `until` (`until` excluded; `None` ends open), with their orders,
    /// in one consistent read with the log's size and latest checkpoint.
    fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> impl Future<Output = Result<StatsSnapshot, StoreError>> + Send;

    /// The tallies of the days `from` .. `until` (`until` excluded; `None`
    /// ends open), in one consistent read with the log's size and latest
    /// checkpoint: what figures and reports are computed from.
    fn statistics_tallies(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> impl Future<Output = Result<TallySnapshot, StoreError>> + Send;

    /// The stored tallies against tallies summed afresh from `case_stats`,
    /// read in one transaction (`qorgau verify`).
    fn verify_tallies(&self) -> impl Future<Output = Result<TallyCheck, StoreError>> + Send;
}

impl Statistics for AnyStore {
    async fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<StatsSnapshot, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.statistics_facts(from, until).await,
            AnyStore::Postgres(store) => store.statistics_facts(from, until).await,
        }
    }

    async fn statistics_tallies(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<TallySnapshot, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.statistics_tallies(from, until).await,
            AnyStore::Postgres(store) => store.statistics_tallies(from, until).await,
        }
    }

    async fn verify_tallies(&self) -> Result<TallyCheck, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.verify_tallies().await,
            AnyStore::Postgres(store) => store.verify_tallies().await,
        }
    }
}

/// The date range as bound to the queries: `received_on >= ?` and
/// `received_on < ?` on ISO dates, which sort as text.
pub(crate) fn date_bounds(from: Option<Date>, until: Option<Date>) -> (String, String) {
    (
        from.map_or_else(|| "0000-01-01".to_owned(), |date| date.to_string()),
        until.map_or_else(|| "9999-12-31".to_owned(), |date| date.to_string()),
    )
}

/// A `case_stats` row: `(case_id, received_at, received_on, outcome,
/// category, indicators, referred, age_band, platforms, decided_at,
/// decision_due, extended, response_due, response_sent_at, first_incident_on)`.
pub(crate) type CaseStatsRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    bool,
    String,
    String,
    Option<i64>,
    Option<i64>,
    bool,
    i64,
    Option<i64>,
    Option<String>,
);

/// The columns of `case_stats` in [`CaseStatsRow`]'s order.
pub(crate) const CASE_STATS_COLUMNS: &str = "case_id, received_at, received_on, outcome, \
    category, indicators, referred, age_band, platforms, decided_at, decision_due, extended, \
    response_due, response_sent_at, first_incident_on";

/// A `case_stats_orders` row: `(case_id, position, owner, received_on,
/// issued_at, delivered_at, removal_due, removal_reported_at, removed_at,
/// not_complied)`.
pub(crate) type OrderStatsRow = (
    String,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
);

pub(crate) const ORDER_STATS_COLUMNS: &str = "case_id, position, owner, received_on, issued_at, \
    delivered_at, removal_due, removal_reported_at, removed_at, not_complied";

/// Words joined by single spaces (platform slugs, owner-free lists): none
/// contains a space.
fn words<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(" ")
}

pub(crate) fn case_row(case_id: &str, facts: &CaseFacts) -> CaseStatsRow {
    (
        case_id.to_owned(),
        millis(facts.received_at),
        almaty_date(facts.received_at).to_string(),
        facts.outcome.as_str().to_owned(),
        facts.category.map(|category| category.as_str().to_owned()),
        words(facts.indicators.iter().map(|indicator| indicator.as_str())),
        facts.referred,
        facts.age_band.as_str().to_owned(),
        words(facts.platforms.iter().map(String::as_str)),
        facts.decided_at.map(millis),
        facts.decision_due.map(millis),
        facts.extended,
        millis(facts.response_due),
        facts.response_sent_at.map(millis),
        facts.first_incident_on.map(|date| date.to_string()),
    )
}

pub(crate) fn order_rows(case_id: &str, facts: &CaseFacts) -> Vec<OrderStatsRow> {
    let received_on = almaty_date(facts.received_at).to_string();
    facts
        .orders
        .iter()
        .enumerate()
        .map(|(position, order)| {
            (
                case_id.to_owned(),
                position as i64,
                order.owner.clone(),
                received_on.clone(),
                millis(order.issued_at),
                order.delivered_at.map(millis),
                order.removal_due.map(millis),
                order.removal_reported_at.map(millis),
                order.removed_at.map(millis),
                order.not_complied,
            )
        })
        .collect()
}

fn corrupt(case_id: &str, what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("case_stats of {case_id}: unknown {what} `{value}`"))
}

fn outcome(case_id: &str, text: &str) -> Result<OutcomeRow, StoreError> {
    OutcomeRow::ALL
        .into_iter()
        .find(|row| row.as_str() == text)
        .ok_or_else(|| corrupt(case_id, "outcome", text))
}

fn age_band(case_id: &str, text: &str) -> Result<AgeBand, StoreError> {
    AgeBand::ALL
        .into_iter()
        .find(|band| band.as_str() == text)
        .ok_or_else(|| corrupt(case_id, "age band", text))
}

/// How both stores hand the rows over: one row per day of receipt, its cases
/// packed into one text, one line a case, each with its orders. A million
/// cases are then a few hundred rows: sqlx's SQLite driver moves every row
/// from its worker thread to the caller through a channel, and per-case rows
/// spent most of a report's time in that hand-over (bench/stats).
///
/// A case line: `case_id,received_at,outcome,category,indicators,referred,
/// age_band,platforms,decided_at,decision_due,extended,response_due,
/// response_sent_at,first_incident_on,ORDERS` where a missing value is empty,
/// flags are `0`/`1`, and ORDERS is `;`-separated
/// `owner position issued_at delivered_at removal_due removal_reported_at
/// removed_at not_complied` (space-separated, missing values as `-`). No value
/// contains `,`, `;`, a space or a line break: identifiers, numbers, dates,
/// platform slugs and owner names (a platform or a host).
pub(crate) fn facts_of_days(days: Vec<String>) -> Result<Vec<CaseFacts>, StoreError> {
    let mut all = Vec::new();
    for day in &days {
        for line in day.split('\n').filter(|line| !line.is_empty()) {
            all.push(case_of_line(line)?);
        }
    }
    Ok(all)
}

fn packed_error(line: &str) -> StoreError {
    let shown: String = line.chars().take(60).collect();
    StoreError::Corrupt(format!("case_stats: a packed row does not parse: {shown}"))
}

fn case_of_line(line: &str) -> Result<CaseFacts, StoreError> {
    let fields: Vec<&str> = line.split(',').collect();
    let [
        case_id,
        received_at,
        outcome_text,
        category,
        indicators,
        referred,
        band,
        platforms,
        decided_at,
        decision_due,
        extended,
        response_due,
        response_sent_at,
        first_incident_on,
        orders,
    ] = fields.as_slice()
    else {
        return Err(packed_error(line));
    };
    let number =
        |text: &str| -> Result<i64, StoreError> { text.parse().map_err(|_| packed_error(line)) };
    let optional = |text: &str| -> Result<Option<i64>, StoreError> {
        if text.is_empty() || text == "-" {
            Ok(None)
        } else {
            number(text).map(Some)
        }
    };
    let flag = |text: &str| text == "1" || text == "t" || text == "true";
    let mut facts = CaseFacts {
        received_at: from_millis(number(received_at)?),
        outcome: outcome(case_id, outcome_text)?,
        category: if category.is_empty() {
            None
        } else {
            Some(Category::from_str(category).map_err(|_| corrupt(case_id, "category", category))?)
        },
        indicators: indicators
            .split_whitespace()
            .map(|text| {
                CriminalIndicator::from_str(text).map_err(|_| corrupt(case_id, "indicator", text))
            })
            .collect::<Result<_, _>>()?,
        referred: flag(referred),
        age_band: age_band(case_id, band)?,
        platforms: platforms.split_whitespace().map(str::to_owned).collect(),
        decided_at: optional(decided_at)?.map(from_millis),
        decision_due: optional(decision_due)?.map(from_millis),
        extended: flag(extended),
        response_due: from_millis(number(response_due)?),
        response_sent_at: optional(response_sent_at)?.map(from_millis),
        first_incident_on: if first_incident_on.is_empty() {
            None
        } else {
            Some(
                first_incident_on
                    .parse()
                    .map_err(|_| corrupt(case_id, "date", first_incident_on))?,
            )
        },
        orders: Vec::new(),
    };
    let mut packed: Vec<(i64, OrderFacts)> = Vec::new();
    for order in orders.split(';').filter(|order| !order.is_empty()) {
        let parts: Vec<&str> = order.split(' ').collect();
        let [
            owner,
            position,
            issued,
            delivered,
            due,
            reported,
            removed,
            not_complied,
        ] = parts.as_slice()
        else {
            return Err(packed_error(line));
        };
        packed.push((
            number(position)?,
            OrderFacts {
                owner: (*owner).to_owned(),
                issued_at: from_millis(number(issued)?),
                delivered_at: optional(delivered)?.map(from_millis),
                removal_due: optional(due)?.map(from_millis),
                removal_reported_at: optional(reported)?.map(from_millis),
                removed_at: optional(removed)?.map(from_millis),
                not_complied: flag(not_complied),
            },
        ));
    }
    packed.sort_by_key(|(position, _)| *position);
    facts.orders = packed.into_iter().map(|(_, order)| order).collect();
    Ok(facts)
}

/// The facts as the rows hold them: every instant to the millisecond, so
/// what a write adds to the tallies is exactly what a later write, reading
/// the rows back, takes off (a duration in whole seconds can change when
/// its ends lose their microseconds).
pub(crate) fn as_stored(mut facts: CaseFacts) -> CaseFacts {
    let stored = |instant: Timestamp| from_millis(millis(instant));
    facts.received_at = stored(facts.received_at);
    facts.decided_at = facts.decided_at.map(stored);
    facts.decision_due = facts.decision_due.map(stored);
    facts.response_due = stored(facts.response_due);
    facts.response_sent_at = facts.response_sent_at.map(stored);
    for order in &mut facts.orders {
        order.issued_at = stored(order.issued_at);
        order.delivered_at = order.delivered_at.map(stored);
        order.removal_due = order.removal_due.map(stored);
        order.removal_reported_at = order.removal_reported_at.map(stored);
        order.removed_at = order.removed_at.map(stored);
    }
    facts
}

/// The tallies of the days received in a date range (`stats_tally`,
/// `stats_tally_durations`), and where the transparency log stood when they
/// were read (one read transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallySnapshot {
    pub days: BTreeMap<Date, Tally>,
    /// Leaves in the transparency log at the time of reading.
    pub log_size: u64,
    /// The latest signed checkpoint at the time of reading.
    pub checkpoint: Option<StoredCheckpoint>,
}

/// Whether the stored tallies are the sums of the case rows beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyCheck {
    /// Days with cases.
    pub days: usize,
    /// The first day whose stored tally differs from its cases' sum.
    pub first_difference: Option<Date>,
}

pub(crate) fn check_tallies(facts: &[CaseFacts], stored: &BTreeMap<Date, Tally>) -> TallyCheck {
    let summed = Tally::per_day(facts);
    let first_difference = summed
        .keys()
        .chain(stored.keys())
        .filter(|day| summed.get(*day) != stored.get(*day))
        .min()
        .copied();
    TallyCheck {
        days: summed.len(),
        first_difference,
    }
}

/// A tally item as `stats_tally.item` holds it: a name, then its values
/// after `:` (an owner last, so any character may be in it).
pub(crate) fn item_key(item: &TallyItem) -> String {
    match item {
        TallyItem::Application => "application".to_owned(),
        TallyItem::Outcome(row) => format!("outcome:{}", row.as_str()),
        TallyItem::Category(category) => format!("category:{}", category.as_str()),
        TallyItem::Referred => "referred".to_owned(),
        TallyItem::Platform(platform) => format!("platform:{platform}"),
        TallyItem::AgeBand(band) => format!("age:{}", band.as_str()),
        TallyItem::Decision(timing) => format!("decision:{}", timing.as_str()),
        TallyItem::DecisionDue(due) => format!("decision_due:{}", millis(*due)),
        TallyItem::Extended => "extended".to_owned(),
        TallyItem::Response(timing) => format!("response:{}", timing.as_str()),
        TallyItem::ResponseDue(due) => format!("response_due:{}", millis(*due)),
        TallyItem::Order { owner, column } => format!("order:{}:{owner}", column.as_str()),
        TallyItem::OrderDue { owner, due } => format!("order_due:{}:{owner}", millis(*due)),
    }
}

pub(crate) fn item_of_key(key: &str) -> Result<TallyItem, StoreError> {
    let unknown = || StoreError::Corrupt(format!("stats_tally: unknown item `{key}`"));
    fn named<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, text: &str) -> Option<T> {
        all.iter().copied().find(|each| name(*each) == text)
    }
    let instant = |text: &str| text.parse::<i64>().ok().map(from_millis);
    let (name, rest) = key.split_once(':').unwrap_or((key, ""));
    let item = match name {
        "application" => Some(TallyItem::Application),
        "outcome" => named(&OutcomeRow::ALL, OutcomeRow::as_str, rest).map(TallyItem::Outcome),
        "category" => Category::from_str(rest).ok().map(TallyItem::Category),
        "referred" => Some(TallyItem::Referred),
        "platform" => Some(TallyItem::Platform(rest.to_owned())),
        "age" => named(&AgeBand::ALL, AgeBand::as_str, rest).map(TallyItem::AgeBand),
        "decision" => {
            named(&DecisionTiming::ALL, DecisionTiming::as_str, rest).map(TallyItem::Decision)
        }
        "decision_due" => instant(rest).map(TallyItem::DecisionDue),
        "extended" => Some(TallyItem::Extended),
        "response" => named(&StepTiming::ALL, StepTiming::as_str, rest).map(TallyItem::Response),
        "response_due" => instant(rest).map(TallyItem::ResponseDue),
        "order" => rest.split_once(':').and_then(|(column, owner)| {
            named(&ComplianceColumn::ALL, ComplianceColumn::as_str, column).map(|column| {
                TallyItem::Order {
                    owner: owner.to_owned(),
                    column,
                }
            })
        }),
        "order_due" => rest.split_once(':').and_then(|(due, owner)| {
            instant(due).map(|due| TallyItem::OrderDue {
                owner: owner.to_owned(),
                due,
            })
        }),
        _ => None,
    };
    item.ok_or_else(unknown)
}

/// The `kind` of an owner's run of removal times: the owner last, so any
/// character may be in it (as in `stats_tally.item`).
const REMOVAL_BY_OWNER: &str = "removal:";

fn duration_kind(text: &str) -> Result<DurationKind, StoreError> {
    DurationKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == text)
        .ok_or_else(|| StoreError::Corrupt(format!("stats_tally_durations: unknown kind `{text}`")))
}

/// What a write changes in the stored tallies: the old facts of the cases
/// it rewrites taken off, the new put on.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TallyChanges {
    /// `(day, item key, change)`, no change zero.
    pub counts: Vec<(String, String, i64)>,
    /// `(day, kind, values taken off, values put on)`; a value both taken
    /// off and put on is in neither, and a run with neither is left out.
    pub durations: Vec<DurationChange>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DurationChange {
    pub day: String,
    /// A `DurationKind`, or `removal:OWNER` for an owner's removals.
    pub kind: String,
    pub removed: Vec<i64>,
    pub added: Vec<i64>,
}

pub(crate) fn tally_changes<'a>(
    before: &[CaseFacts],
    after: impl IntoIterator<Item = &'a CaseFacts>,
) -> TallyChanges {
    // Keyed as stored, so two items can never become one row twice in a
    // statement (PostgreSQL refuses an upsert that touches a row twice).
    let mut counts: BTreeMap<(Date, String), i64> = BTreeMap::new();
    let mut durations: BTreeMap<(Date, String), BTreeMap<i64, i64>> = BTreeMap::new();
    let mut change = |facts: &CaseFacts, sign: i64| {
        let contribution = Contribution::of(facts);
        let day = contribution.received_on;
        for item in &contribution.items {
            *counts.entry((day, item_key(item))).or_default() += sign;
        }
        let runs = contribution
            .durations
            .into_iter()
            .map(|(kind, value)| (kind.as_str().to_owned(), value))
            .chain(
                contribution
                    .owner_removals
                    .into_iter()
                    .map(|(owner, value)| (format!("{REMOVAL_BY_OWNER}{owner}"), value)),
            );
        for (kind, value) in runs {
            *durations
                .entry((day, kind))
                .or_default()
                .entry(value)
                .or_default() += sign;
        }
    };
    for facts in before {
        change(facts, -1);
    }
    for facts in after {
        change(facts, 1);
    }
    TallyChanges {
        counts: counts
            .into_iter()
            .filter(|(_, change)| *change != 0)
            .map(|((day, key), change)| (day.to_string(), key, change))
            .collect(),
        durations: durations
            .into_iter()
            .filter_map(|((day, kind), values)| {
                let (mut removed, mut added) = (Vec::new(), Vec::new());
                for (value, times) in values {
                    let into = if times < 0 { &mut removed } else { &mut added };
                    into.extend(std::iter::repeat_n(value, times.unsigned_abs() as usize));
                }
                (!removed.is_empty() || !added.is_empty()).then(|| DurationChange {
                    day: day.to_string(),
                    kind,
                    removed,
                    added,
                })
            })
            .collect(),
    }
}

/// A day's durations of one kind as stored: ascending, 8 bytes each
/// (little-endian), so a year of a million is 8 MB read in one go.
pub(crate) fn encode_seconds(values: &[i64]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect()
}

pub(crate) fn decode_seconds(bytes: &[u8]) -> Result<Vec<i64>, StoreError> {
    if !bytes.len().is_multiple_of(8) {
        return Err(StoreError::Corrupt(
            "stats_tally_durations: a run is not a whole number of values".to_owned(),
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|chunk| {
            let mut value = [0u8; 8];
            value.copy_from_slice(chunk);
            i64::from_le_bytes(value)
        })
        .collect())
}

/// A changed run of durations: `(day, kind, run)`, `None` when left empty.
pub(crate) type NewRun = (String, String, Option<Vec<u8>>);

/// The runs of durations a write leaves: for each `(day, kind)` it changes,
/// the new run, or `None` when it is left empty (to delete). `stored` holds
/// the runs of the changed days as read, `(day, kind, run)`; others may be
/// among them.
pub(crate) fn changed_runs(
    stored: Vec<(String, String, Vec<u8>)>,
    changes: &[DurationChange],
) -> Result<Vec<NewRun>, StoreError> {
    let mut stored: BTreeMap<(String, String), Vec<u8>> = stored
        .into_iter()
        .map(|(day, kind, run)| ((day, kind), run))
        .collect();
    changes
        .iter()
        .map(|change| {
            let run = stored
                .remove(&(change.day.clone(), change.kind.clone()))
                .map(|run| decode_seconds(&run))
                .transpose()?
                .unwrap_or_default();
            let values = changed_seconds(run, change)?;
            let run = (!values.is_empty()).then(|| encode_seconds(&values));
            Ok((change.day.clone(), change.kind.clone(), run))
        })
        .collect()
}

/// `stored` (ascending) with `change` applied, still ascending. A value to
/// take off that is not there means the tallies no longer match the rows.
pub(crate) fn changed_seconds(
    mut stored: Vec<i64>,
    change: &DurationChange,
) -> Result<Vec<i64>, StoreError> {
    for value in &change.removed {
        match stored.binary_search(value) {
            Ok(at) => {
                stored.remove(at);
            }
            Err(_) => {
                return Err(StoreError::Corrupt(format!(
                    "stats_tally_durations of {} ({}): no value {value} to take off",
                    change.day, change.kind
                )));
            }
        }
    }
    for value in &change.added {
        let at = stored.partition_point(|each| each <= value);
        stored.insert(at, *value);
    }
    Ok(stored)
}

/// The tallies from their rows: per day, its items packed one a line as
/// `count item` (`stats_tally`), and each day's runs of durations.
pub(crate) fn tallies_of_rows(
    counts: Vec<(String, String)>,
    durations: Vec<(String, String, Vec<u8>)>,
) -> Result<BTreeMap<Date, Tally>, StoreError> {
    let day_of = |text: &str| {
        Date::from_str(text)
            .map_err(|_| StoreError::Corrupt(format!("stats_tally: `{text}` is not a date")))
    };
    let mut days: BTreeMap<Date, Tally> = BTreeMap::new();
    for (day, packed) in counts {
        let tally = days.entry(day_of(&day)?).or_default();
        for line in packed.split('\n').filter(|line| !line.is_empty()) {
            let (count, key) = line.split_once(' ').unwrap_or((line, ""));
            let count: i64 = count
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("stats_tally: `{line}`")))?;
            let count = u64::try_from(count).map_err(|_| {
                StoreError::Corrupt(format!("stats_tally of {day}: `{key}` counts {count}"))
            })?;
            tally.counts.insert(item_of_key(key)?, count);
        }
    }
    for (day, kind, bytes) in durations {
        let tally = days.entry(day_of(&day)?).or_default();
        let values = decode_seconds(&bytes)?;
        match kind.strip_prefix(REMOVAL_BY_OWNER) {
            Some(owner) => {
                tally.removals_by_owner.insert(owner.to_owned(), values);
            }
            None => {
                tally.durations.insert(duration_kind(&kind)?, values);
            }
        }
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn decided_case() -> CaseFacts {
        CaseFacts {
            received_at: instant("2026-03-02T10:00:00.000900+05:00"),
            outcome: OutcomeRow::Confirmed,
            category: Some(Category::Cyberstalking),
            indicators: Vec::new(),
            referred: false,
            age_band: AgeBand::From10To13,
            platforms: vec!["telegram".to_owned(), "web".to_owned()],
            decided_at: Some(instant("2026-03-03T10:00:01.000100+05:00")),
            decision_due: Some(instant("2026-03-05T19:00:00Z")),
            extended: false,
            response_due: instant("2026-03-05T19:00:00Z"),
            response_sent_at: None,
            first_incident_on: None,
            orders: vec![OrderFacts {
                owner: "forum.example.kz:8443".to_owned(),
                issued_at: instant("2026-03-03T11:00:00Z"),
                delivered_at: Some(instant("2026-03-03T11:05:00Z")),
                removal_due: Some(instant("2026-03-04T11:05:00Z")),
                removal_reported_at: None,
                removed_at: None,
                not_complied: false,
            }],
        }
    }

    #[test]
    fn every_item_reads_back_as_written() {
        let due = instant("2026-03-05T19:00:00Z");
        let items = [
            TallyItem::Application,
            TallyItem::Outcome(OutcomeRow::RefusedNotAChild),
            TallyItem::Category(Category::Criminal),
            TallyItem::Referred,
            TallyItem::Platform("tiktok".to_owned()),
            TallyItem::AgeBand(AgeBand::Unknown),
            TallyItem::Decision(DecisionTiming::Late),
            TallyItem::DecisionDue(due),
            TallyItem::Extended,
            TallyItem::Response(StepTiming::OnTime),
            TallyItem::ResponseDue(due),
            TallyItem::Order {
                owner: "host.kz:8080".to_owned(),
                column: ComplianceColumn::RemovedLate,
            },
            TallyItem::OrderDue {
                owner: "a:b:c".to_owned(),
                due,
            },
        ];
        for item in items {
            assert_eq!(item_of_key(&item_key(&item)).unwrap(), item);
        }
        for unknown in [
            "",
            "outcome:won",
            "order:late",
            "decision_due:soon",
            "tally",
        ] {
            assert!(item_of_key(unknown).is_err(), "{unknown}");
        }
    }

    #[test]
    fn a_rewrite_that_changes_nothing_the_figures_count_changes_no_tally() {
        let stored = as_stored(decided_case());
        assert_eq!(
            tally_changes(std::slice::from_ref(&stored), [&stored]),
            TallyChanges::default()
        );
    }

    #[test]
    fn a_removal_moves_the_order_and_adds_its_duration() {
        let before = as_stored(decided_case());
        let mut after = before.clone();
        after.orders[0].removed_at = Some(instant("2026-03-03T13:05:00Z"));
        let changes = tally_changes(std::slice::from_ref(&before), [&after]);
        let owner = "forum.example.kz:8443";
        assert_eq!(
            changes.counts,
            [
                (
                    "2026-03-02".to_owned(),
                    format!("order:removed_in_time:{owner}"),
                    1
                ),
                (
                    "2026-03-02".to_owned(),
                    format!(
                        "order_due:{}:{owner}",
                        millis(instant("2026-03-04T11:05:00Z"))
                    ),
                    -1
                ),
            ]
        );
        assert_eq!(
            changes.durations,
            [
                DurationChange {
                    day: "2026-03-02".to_owned(),
                    kind: "removal".to_owned(),
                    removed: Vec::new(),
                    added: vec![7200],
                },
                DurationChange {
                    day: "2026-03-02".to_owned(),
                    kind: format!("removal:{owner}"),
                    removed: Vec::new(),
                    added: vec![7200],
                },
            ]
        );
    }

    /// Stored to the millisecond, the decision's duration is 86,401 s; from
    /// the full instants it would be 86,400 s, and the write that later read
    /// the row back would take off a value that was never put on.
    #[test]
    fn durations_are_counted_from_the_stored_instants() {
        let stored = as_stored(decided_case());
        let (_, decision) = Contribution::of(&stored).durations[0];
        assert_eq!(decision, 86_401);
        let (_, unstored) = Contribution::of(&decided_case()).durations[0];
        assert_eq!(unstored, 86_400);
    }

    #[test]
    fn runs_of_durations_change_in_order_and_refuse_a_missing_value() {
        let change = |removed: Vec<i64>, added: Vec<i64>| DurationChange {
            day: "2026-03-02".to_owned(),
            kind: "decision".to_owned(),
            removed,
            added,
        };
        let run = changed_seconds(vec![5, 9, 9, 40], &change(vec![9], vec![1, 9, 50])).unwrap();
        assert_eq!(run, [1, 5, 9, 9, 40, 50]);
        assert_eq!(decode_seconds(&encode_seconds(&run)).unwrap(), run);
        assert!(changed_seconds(vec![5], &change(vec![6], Vec::new())).is_err());
        assert!(decode_seconds(&[0; 7]).is_err());
    }
}
