//! The statistics as sums per day of receipt: what a report reads instead of
//! a million cases.
//!
//! Every figure is a sum over cases (a count, or a list of durations whose
//! median is taken), so the cases received on one day can be summed once,
//! when they are written, into a [`Tally`], and a period's figures are the
//! sum of its days' tallies. The store keeps one tally per day, changed in
//! the same transaction as the cases: each write takes the old case's
//! [`Contribution`] off and puts the new one on.
//!
//! What depends on `now` (has a deadline passed?) cannot be summed in
//! advance. A case adds it as an item that names the deadline —
//! [`TallyItem::DecisionDue`], [`TallyItem::ResponseDue`],
//! [`TallyItem::OrderDue`] — and the figures decide it when they are
//! computed. Everything else is settled for good and counted as such.
//!
//! [`figures_of_tallies`] is the only place figures are computed;
//! [`super::compute_figures_of`] sums the cases into tallies first, so the
//! rules have one home.
//!
//! Architecture Invariant: no I/O and no clock; `now` is a parameter.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::category::Category;
use crate::deadline::almaty_date;
use crate::statistics::report::{Performance, StepTiming};
use crate::statistics::{
    AgeBand, CATEGORIES, CaseFacts, ComplianceColumn, DecisionTiming, Figures, OrderFacts,
    OutcomeRow, Period, month_key, months_between,
};
use crate::validation::resource::Platform;

/// One thing a case counts for, once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TallyItem {
    /// Every case: one application.
    Application,
    Outcome(OutcomeRow),
    /// A confirmed, decided case's category.
    Category(Category),
    Referred,
    /// A resource named, by platform.
    Platform(String),
    AgeBand(AgeBand),
    /// Decided, on time or late (settled).
    Decision(DecisionTiming),
    /// Not decided; overdue once `now` reaches this deadline.
    DecisionDue(Timestamp),
    /// The chair extended the time for the decision.
    Extended,
    /// The response was sent, on time or late (settled).
    Response(StepTiming),
    /// No response sent; overdue once `now` reaches this deadline.
    ResponseDue(Timestamp),
    /// A removal order in a column that no longer depends on `now`.
    Order {
        owner: String,
        column: ComplianceColumn,
    },
    /// A removal order neither removed, nor recorded as not complied, nor
    /// reported removed in time: pending until `due`, past due from then.
    OrderDue {
        owner: String,
        due: Timestamp,
    },
}

/// The durations the figures take medians of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DurationKind {
    /// Receipt → decision.
    Decision,
    /// Delivery of the order (or its issue) → removal.
    Removal,
    /// Receipt → response to the applicant.
    Response,
}

impl DurationKind {
    pub const ALL: [DurationKind; 3] = [
        DurationKind::Decision,
        DurationKind::Removal,
        DurationKind::Response,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DurationKind::Decision => "decision",
            DurationKind::Removal => "removal",
            DurationKind::Response => "response",
        }
    }
}

/// What one case adds to the tally of its day of receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub received_on: Date,
    pub items: Vec<TallyItem>,
    /// Seconds, each counted once.
    pub durations: Vec<(DurationKind, i64)>,
    /// Each removal's seconds again, under the order's owner: time to
    /// removal by platform.
    pub owner_removals: Vec<(String, i64)>,
}

impl Contribution {
    pub fn of(case: &CaseFacts) -> Contribution {
        let mut items = vec![TallyItem::Application, TallyItem::Outcome(case.outcome)];
        let mut durations = Vec::new();
        if let Some(decided_at) = case.decided_at {
            if case.outcome == OutcomeRow::Confirmed
                && let Some(category) = case.category
            {
                items.push(TallyItem::Category(category));
            }
            durations.push((
                DurationKind::Decision,
                seconds(case.received_at, decided_at),
            ));
        }
        if case.referred {
            items.push(TallyItem::Referred);
        }
        items.extend(case.platforms.iter().cloned().map(TallyItem::Platform));
        items.push(TallyItem::AgeBand(case.age_band));
        if let Some(due) = case.decision_due {
            items.push(match case.decided_at {
                Some(decided_at) if decided_at < due => TallyItem::Decision(DecisionTiming::OnTime),
                Some(_) => TallyItem::Decision(DecisionTiming::Late),
                None => TallyItem::DecisionDue(due),
            });
        }
        if case.extended {
            items.push(TallyItem::Extended);
        }
        items.push(match case.response_sent_at {
            Some(sent) if sent < case.response_due => TallyItem::Response(StepTiming::OnTime),
            Some(_) => TallyItem::Response(StepTiming::Late),
            None => TallyItem::ResponseDue(case.response_due),
        });
        if let Some(sent) = case.response_sent_at {
            durations.push((DurationKind::Response, seconds(case.received_at, sent)));
        }
        let mut owner_removals = Vec::new();
        for order in &case.orders {
            items.push(order_item(order));
            if let Some(removed) = order.removed_at {
                let started = order.delivered_at.unwrap_or(order.issued_at);
                let taken = seconds(started, removed);
                durations.push((DurationKind::Removal, taken));
                owner_removals.push((order.owner.clone(), taken));
            }
        }
        Contribution {
            received_on: almaty_date(case.received_at),
            items,
            durations,
            owner_removals,
        }
    }
}

/// Whole seconds from `from` to `to`, never negative.
fn seconds(from: Timestamp, to: Timestamp) -> i64 {
    to.duration_since(from).as_secs().max(0)
}

/// [`ComplianceColumn::of_facts`] without `now`: the column when it is
/// settled, else the deadline that decides it.
fn order_item(order: &OrderFacts) -> TallyItem {
    let owner = order.owner.clone();
    let settled = |column| TallyItem::Order {
        owner: owner.clone(),
        column,
    };
    if let Some(removed) = order.removed_at {
        return settled(match order.removal_due {
            Some(due) if removed >= due => ComplianceColumn::RemovedLate,
            _ => ComplianceColumn::RemovedInTime,
        });
    }
    if order.not_complied {
        return settled(ComplianceColumn::PastDue);
    }
    match order.removal_due {
        // Reported removed in time: pending verification, whenever read.
        Some(due) if order.removal_reported_at.is_some_and(|at| at < due) => {
            settled(ComplianceColumn::Pending)
        }
        Some(due) => TallyItem::OrderDue {
            owner: order.owner.clone(),
            due,
        },
        None => settled(ComplianceColumn::Pending),
    }
}

/// The sums of the cases of one day (or of any set of cases).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: BTreeMap<TallyItem, u64>,
    /// Each kind's durations in seconds, ascending.
    pub durations: BTreeMap<DurationKind, Vec<i64>>,
    /// Delivery → removal by the order's owner, seconds, ascending.
    pub removals_by_owner: BTreeMap<String, Vec<i64>>,
}

impl Tally {
    /// Adds one case's contribution (durations kept ascending).
    pub fn add(&mut self, contribution: &Contribution) {
        for item in &contribution.items {
            *self.counts.entry(item.clone()).or_default() += 1;
        }
        for (kind, value) in &contribution.durations {
            let values = self.durations.entry(*kind).or_default();
            let at = values.partition_point(|each| each <= value);
            values.insert(at, *value);
        }
        for (owner, value) in &contribution.owner_removals {
            let values = self.removals_by_owner.entry(owner.clone()).or_default();
            let at = values.partition_point(|each| each <= value);
            values.insert(at, *value);
        }
    }

    /// The tallies of `cases` per Almaty day of receipt.
    pub fn per_day<'a>(cases: impl IntoIterator<Item = &'a CaseFacts>) -> BTreeMap<Date, Tally> {
        let mut days: BTreeMap<Date, Tally> = BTreeMap::new();
        for case in cases {
            let contribution = Contribution::of(case);
            days.entry(contribution.received_on)
                .or_default()
                .add(&contribution);
        }
        days
    }

    pub fn count(&self, item: &TallyItem) -> u64 {
        self.counts.get(item).copied().unwrap_or(0)
    }
}

/// The exact figures and performance of the cases of the days in `period`
/// (days outside it are left out); `now` decides which deadlines have passed.
pub fn figures_of_tallies<'a>(
    days: impl IntoIterator<Item = (&'a Date, &'a Tally)>,
    period: Period,
    now: Timestamp,
) -> (Figures, Performance) {
    let mut figures = Figures {
        period,
        outcomes: OutcomeRow::ALL.iter().map(|row| (*row, 0)).collect(),
        categories: CATEGORIES.iter().map(|category| (*category, 0)).collect(),
        age_bands: AgeBand::ALL.iter().map(|band| (*band, 0)).collect(),
        decision_timing: DecisionTiming::ALL
            .iter()
            .map(|timing| (*timing, 0))
            .collect(),
        ..Figures::default()
    };
    let mut performance = Performance {
        responses: StepTiming::ALL.iter().map(|timing| (*timing, 0)).collect(),
        ..Performance::default()
    };
    let mut months: BTreeMap<(i16, i8), u64> = BTreeMap::new();
    let mut platforms: BTreeMap<String, u64> = BTreeMap::new();
    let (mut first, mut last): (Option<Date>, Option<Date>) = (None, None);
    for (day, tally) in days {
        let applications = tally.count(&TallyItem::Application);
        if !period.contains(*day) || applications == 0 {
            continue;
        }
        first = Some(first.map_or(*day, |first| first.min(*day)));
        last = Some(last.map_or(*day, |last| last.max(*day)));
        *months.entry((day.year(), day.month())).or_default() += applications;
        for (item, &count) in &tally.counts {
            match item {
                TallyItem::Application => figures.applications += count,
                TallyItem::Outcome(row) => *figures.outcomes.entry(*row).or_default() += count,
                TallyItem::Category(category) => {
                    *figures.categories.entry(*category).or_default() += count;
                }
                TallyItem::Referred => figures.referred_to_law_enforcement += count,
                TallyItem::Platform(platform) => {
                    *platforms.entry(platform.clone()).or_default() += count;
                }
                TallyItem::AgeBand(band) => *figures.age_bands.entry(*band).or_default() += count,
                TallyItem::Decision(timing) => {
                    *figures.decision_timing.entry(*timing).or_default() += count;
                }
                TallyItem::DecisionDue(due) => {
                    if now >= *due {
                        *figures
                            .decision_timing
                            .entry(DecisionTiming::OverdueUndecided)
                            .or_default() += count;
                    }
                }
                TallyItem::Extended => performance.extended += count,
                TallyItem::Response(timing) => {
                    *performance.responses.entry(*timing).or_default() += count;
                }
                TallyItem::ResponseDue(due) => {
                    if now >= *due {
                        *performance
                            .responses
                            .entry(StepTiming::Overdue)
                            .or_default() += count;
                    }
                }
                TallyItem::Order { owner, column } => {
                    *owner_columns(&mut figures, owner)
                        .entry(*column)
                        .or_default() += count;
                }
                TallyItem::OrderDue { owner, due } => {
                    let column = if now >= *due {
                        ComplianceColumn::PastDue
                    } else {
                        ComplianceColumn::Pending
                    };
                    *owner_columns(&mut figures, owner)
                        .entry(column)
                        .or_default() += count;
                }
            }
        }
        for (kind, values) in &tally.durations {
            let into = match kind {
                DurationKind::Decision => &mut figures.decision_seconds,
                DurationKind::Removal => &mut figures.removal_seconds,
                DurationKind::Response => &mut performance.response_seconds,
            };
            into.extend_from_slice(values);
        }
        for (owner, values) in &tally.removals_by_owner {
            figures
                .removal_seconds_by_owner
                .entry(owner.clone())
                .or_default()
                .extend_from_slice(values);
        }
    }
    // The months of the period when it is bounded, else of the data.
    let first_month = period.from.or(first);
    let last_month = period
        .until
        .and_then(|until| until.yesterday().ok())
        .or(last);
    if let (Some(first_month), Some(last_month)) = (first_month, last_month) {
        figures.per_month = months_between(first_month, last_month)
            .into_iter()
            .map(|month| {
                let count = months
                    .get(&(month.year(), month.month()))
                    .copied()
                    .unwrap_or(0);
                (month_key(month), count)
            })
            .collect();
    }
    // Known platforms in their fixed order, then any other name a record holds.
    let known: Vec<&str> = Platform::ALL
        .iter()
        .map(|platform| platform.slug())
        .collect();
    figures.platforms = known
        .iter()
        .map(|slug| {
            let count = platforms.get(*slug).copied().unwrap_or(0);
            ((*slug).to_owned(), count)
        })
        .chain(
            platforms
                .iter()
                .filter(|(name, _)| !known.contains(&name.as_str()))
                .map(|(name, count)| (name.clone(), *count)),
        )
        .collect();
    figures.decision_seconds.sort_unstable();
    figures.removal_seconds.sort_unstable();
    for values in figures.removal_seconds_by_owner.values_mut() {
        values.sort_unstable();
    }
    performance.response_seconds.sort_unstable();
    (figures, performance)
}

/// The owner's row of the compliance table, every column present.
fn owner_columns<'a>(
    figures: &'a mut Figures,
    owner: &str,
) -> &'a mut BTreeMap<ComplianceColumn, u64> {
    figures
        .compliance
        .entry(owner.to_owned())
        .or_insert_with(|| ComplianceColumn::ALL.iter().map(|c| (*c, 0)).collect())
}
