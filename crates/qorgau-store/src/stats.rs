//! The statistics read model: one row per case (`case_stats`) and one per
//! removal order (`case_stats_orders`), holding exactly what
//! `qorgau_domain::statistics` counts (`CaseFacts`), written in the same
//! transaction as the events from the same fold as every other read model
//! (migration 0007). Figures and transparency reports read these rows for a
//! range of receipt dates instead of loading and folding every case.
//!
//! What is stored is decided by `CaseFacts::of`; this module only turns facts
//! into columns and back, so both stores hold the same rows. Nothing that
//! depends on the time of reading (has a deadline passed?) is stored.
//! No name, birth date, IIN, description or URL is in these tables.

use std::future::Future;
use std::str::FromStr;

use jiff::civil::Date;
use qorgau_domain::category::{Category, CriminalIndicator};
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::statistics::{AgeBand, CaseFacts, OrderFacts, OutcomeRow};

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
