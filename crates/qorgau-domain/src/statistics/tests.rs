//! The statistics against an independent, straightforward computation over
//! generated event histories, and the published figures against the
//! subtraction attack across tables.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use crate::calendar::WorkingCalendar;
use crate::procedure::event::{CaseEvent, SystematicAssessment, VerificationResult};
use crate::procedure::receive_application;
use crate::regime::Regimes;

/// A small deterministic generator (xorshift64*), so a failing seed replays.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const RESOURCES: [&str; 6] = [
    "https://t.me/school_memes_kz",
    "https://instagram.com/fake_profile_kz",
    "https://vk.com/club123456",
    "https://www.tiktok.com/@mocker_kz",
    "https://example.kz/forum/thread/7",
    "https://youtube.com/@prank_channel",
];
const OWNERS: [&str; 3] = ["telegram", "instagram", "vk"];

fn hours_after(instant: Timestamp, hours: u64) -> Timestamp {
    instant
        .checked_add(SignedDuration::from_secs(hours as i64 * 3600 + 17 * 60))
        .unwrap()
}

/// The "now" of every generated history: after every generated event.
fn now() -> Timestamp {
    "2026-11-20T12:00:00+05:00".parse().unwrap()
}

/// One case's events: an application received some time in 2025–2026, then
/// any point of the procedure — refused, pending, decided, orders delivered,
/// removed in time or late, not complied, referred.
fn history(dice: &mut Dice, number: u64) -> Vec<CaseEvent> {
    let start: Timestamp = "2025-02-03T09:00:00+05:00".parse().unwrap();
    let received_at = hours_after(start, dice.below(640 * 24));
    let resource_count = if dice.chance(10) {
        0
    } else {
        1 + dice.below(3)
    };
    let resources: Vec<ResourceForm> = (0..resource_count)
        .map(|index| ResourceForm {
            url: RESOURCES[((number + index) % RESOURCES.len() as u64) as usize].to_owned(),
        })
        .collect();
    let received_on = crate::deadline::almaty_date(received_at);
    // Ages 5 to 19 at receipt, sometimes no birth date at all.
    let birth_date = (!dice.chance(8)).then(|| {
        let age = 5 + dice.below(15) as i16;
        let day = dice.below(365) as i32;
        received_on
            .checked_sub(jiff::Span::new().years(age))
            .unwrap()
            .checked_sub(jiff::Span::new().days(day))
            .unwrap()
            .to_string()
    });
    let form = ApplicationForm {
        language: Some(crate::message::Language::Kk),
        applicant: ApplicantForm {
            name: Some("Applicant".into()),
            relation: Some(Relation::Parent),
            email: Some("parent@example.kz".into()),
            ..ApplicantForm::default()
        },
        child: ChildForm {
            name: Some("Child".into()),
            birth_date,
            iin: None,
        },
        resources,
        incidents: vec![IncidentForm {
            occurred_on: received_on.yesterday().unwrap().to_string(),
            resource_url: None,
            description: "incident".into(),
            actor: None,
        }],
        description: None,
    };
    let mut events = receive_application(
        &form,
        Channel::Electronic,
        received_at,
        received_at,
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    )
    .unwrap();
    let state = CaseState::replay(&events).unwrap();
    if !state.refusal.is_empty() || dice.chance(15) {
        return events;
    }
    let decided_at = hours_after(received_at, 1 + dice.below(200));
    let confirmed = dice.chance(60);
    let category = match (confirmed, dice.below(3)) {
        (false, _) => Category::None,
        (true, 0) => Category::Cyberbullying,
        (true, 1) => Category::Cyberstalking,
        (true, _) => Category::Criminal,
    };
    events.push(CaseEvent::DecisionMade {
        outcome: if confirmed {
            Outcome::Confirmed
        } else {
            Outcome::NotConfirmed
        },
        category,
        indicators: Vec::new(),
        reasons: vec!["reasons".into()],
        votes_for: 3,
        votes_against: 0,
        chair_casting_vote_used: false,
        systematic: SystematicAssessment {
            incidents_in_case: 2,
            incidents_in_linked_cases: 0,
            override_reason: None,
        },
        decided_at,
    });
    if !confirmed {
        return events;
    }
    if category == Category::Criminal && dice.chance(70) {
        events.push(CaseEvent::ReferredToLawEnforcement {
            authority: "police".into(),
            referred_at: decided_at,
            note: None,
        });
    }
    for (index, resource) in state.application.resources.iter().enumerate() {
        let order_id = format!("QG-{number}-{}", index + 1);
        let owner = OWNERS[dice.below(3) as usize];
        events.push(CaseEvent::OrderIssued {
            order_id: order_id.clone(),
            owner: owner.into(),
            urls: vec![resource.url.clone()],
            issued_at: decided_at,
        });
        if dice.chance(10) {
            continue;
        }
        let delivered_at = hours_after(decided_at, dice.below(3));
        let removal_due = hours_after(delivered_at, 24)
            .checked_sub(SignedDuration::from_secs(17 * 60))
            .unwrap();
        events.push(CaseEvent::OrderDelivered {
            order_id: order_id.clone(),
            delivered_at,
            channel: "api".into(),
            removal_due,
        });
        match dice.below(5) {
            0 => {}
            1 => events.push(CaseEvent::OrderNotComplied {
                order_id: order_id.clone(),
                recorded_at: removal_due,
            }),
            step => {
                let reported_at = hours_after(delivered_at, dice.below(40));
                events.push(CaseEvent::RemovalReported {
                    order_id: order_id.clone(),
                    reported_at,
                    removed_urls: vec![resource.url.clone()],
                    note: None,
                });
                if step >= 3 {
                    let verified_at = hours_after(reported_at, dice.below(6));
                    let result = if dice.chance(80) {
                        VerificationResult::Removed
                    } else {
                        VerificationResult::StillPresent
                    };
                    events.push(CaseEvent::RemovalVerified {
                        order_id: order_id.clone(),
                        verified_at,
                        result,
                        note: None,
                    });
                }
            }
        }
    }
    events
}

fn histories(seed: u64, cases: u64) -> Vec<Vec<CaseEvent>> {
    let mut dice = Dice(seed | 1);
    (0..cases)
        .map(|number| history(&mut dice, number))
        .collect()
}

/// The same figures, computed the plain way: straight from the events, with
/// its own date arithmetic, without `CaseState` or this module's helpers.
fn straightforward(histories: &[Vec<CaseEvent>], period: Period, now: Timestamp) -> Figures {
    let almaty = TimeZone::get("Asia/Almaty").unwrap();
    let local_date = |instant: Timestamp| instant.to_zoned_datetime(almaty.clone()).date();
    let mut figures = Figures {
        period,
        ..Figures::default()
    };
    for row in OutcomeRow::ALL {
        figures.outcomes.insert(row, 0);
    }
    for category in CATEGORIES {
        figures.categories.insert(category, 0);
    }
    for band in AgeBand::ALL {
        figures.age_bands.insert(band, 0);
    }
    for timing in DecisionTiming::ALL {
        figures.decision_timing.insert(timing, 0);
    }
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut platforms: BTreeMap<String, u64> = BTreeMap::new();
    for events in histories {
        let CaseEvent::ApplicationReceived {
            application,
            received_at,
            decision_due,
            ..
        } = &events[0]
        else {
            panic!("a history starts with the application");
        };
        let received_on = local_date(*received_at);
        if period.from.is_some_and(|from| received_on < from)
            || period.until.is_some_and(|until| received_on >= until)
        {
            continue;
        }
        figures.applications += 1;
        *months
            .entry(format!(
                "{:04}-{:02}",
                received_on.year(),
                received_on.month()
            ))
            .or_default() += 1;
        for resource in &application.resources {
            *platforms.entry(resource.platform.clone()).or_default() += 1;
        }
        let band = match application.child.birth_date {
            None => AgeBand::Unknown,
            Some(birth) => {
                let mut age = received_on.year() - birth.year();
                if (received_on.month(), received_on.day()) < (birth.month(), birth.day()) {
                    age -= 1;
                }
                match age {
                    ..10 => AgeBand::Under10,
                    10..14 => AgeBand::From10To13,
                    14..16 => AgeBand::From14To15,
                    16..18 => AgeBand::From16To17,
                    _ => AgeBand::Adult,
                }
            }
        };
        *figures.age_bands.get_mut(&band).unwrap() += 1;

        let mut refusal = None;
        let mut decision = None;
        let mut due = decision_due.due_at;
        let mut referred = false;
        // order id → (owner, delivered, due, reported, first verified removal, not complied)
        type Order = (
            String,
            Option<Timestamp>,
            Option<Timestamp>,
            Option<Timestamp>,
            Option<Timestamp>,
            bool,
        );
        let mut orders: Vec<(String, Order, Timestamp)> = Vec::new();
        for event in events {
            match event {
                CaseEvent::ApplicationRefused { reasons } => refusal = reasons.first().cloned(),
                CaseEvent::ReviewExtended { decision_due, .. } => due = decision_due.due_at,
                CaseEvent::DecisionMade {
                    outcome,
                    category,
                    decided_at,
                    ..
                } => decision = Some((*outcome, *category, *decided_at)),
                CaseEvent::ReferredToLawEnforcement { .. } => referred = true,
                CaseEvent::OrderIssued {
                    order_id,
                    owner,
                    issued_at,
                    ..
                } => orders.push((
                    order_id.clone(),
                    (owner.clone(), None, None, None, None, false),
                    *issued_at,
                )),
                CaseEvent::OrderDelivered {
                    order_id,
                    delivered_at,
                    removal_due,
                    ..
                } => {
                    let order = orders.iter_mut().find(|(id, ..)| id == order_id).unwrap();
                    order.1.1 = Some(*delivered_at);
                    order.1.2 = Some(*removal_due);
                }
                CaseEvent::RemovalReported {
                    order_id,
                    reported_at,
                    ..
                } => {
                    let order = orders.iter_mut().find(|(id, ..)| id == order_id).unwrap();
                    order.1.3 = Some(*reported_at);
                }
                CaseEvent::RemovalVerified {
                    order_id,
                    verified_at,
                    result: VerificationResult::Removed,
                    ..
                } => {
                    let order = orders.iter_mut().find(|(id, ..)| id == order_id).unwrap();
                    order.1.4 = order.1.4.or(Some(*verified_at));
                }
                CaseEvent::OrderNotComplied { order_id, .. } => {
                    let order = orders.iter_mut().find(|(id, ..)| id == order_id).unwrap();
                    order.1.5 = true;
                }
                _ => {}
            }
        }
        let outcome = match (&refusal, decision) {
            (Some(reason), _) => match reason.code() {
                "resource_required" => OutcomeRow::RefusedResourceRequired,
                "not_a_child" => OutcomeRow::RefusedNotAChild,
                _ => OutcomeRow::RefusedApplicantFieldsMissing,
            },
            (None, Some((Outcome::Confirmed, ..))) => OutcomeRow::Confirmed,
            (None, Some((Outcome::NotConfirmed, ..))) => OutcomeRow::NotConfirmed,
            (None, None) => OutcomeRow::Pending,
        };
        *figures.outcomes.get_mut(&outcome).unwrap() += 1;
        if referred {
            figures.referred_to_law_enforcement += 1;
        }
        if let Some((outcome, category, decided_at)) = decision {
            if outcome == Outcome::Confirmed {
                *figures.categories.get_mut(&category).unwrap() += 1;
            }
            figures
                .decision_seconds
                .push(decided_at.as_second() - received_at.as_second());
            let timing = if decided_at < due {
                DecisionTiming::OnTime
            } else {
                DecisionTiming::Late
            };
            *figures.decision_timing.get_mut(&timing).unwrap() += 1;
        } else if refusal.is_none() && now >= due {
            *figures
                .decision_timing
                .get_mut(&DecisionTiming::OverdueUndecided)
                .unwrap() += 1;
        }
        for (_, (owner, delivered, removal_due, reported, verified, not_complied), issued) in orders
        {
            let removed_at = verified.map(|verified| match reported {
                Some(reported) if reported < verified => reported,
                _ => verified,
            });
            let column = if let Some(removed_at) = removed_at {
                let started = delivered.unwrap_or(issued);
                let taken = removed_at.as_second() - started.as_second();
                figures.removal_seconds.push(taken);
                figures
                    .removal_seconds_by_owner
                    .entry(owner.to_string())
                    .or_default()
                    .push(taken);
                if removal_due.is_some_and(|due| removed_at >= due) {
                    ComplianceColumn::RemovedLate
                } else {
                    ComplianceColumn::RemovedInTime
                }
            } else if not_complied {
                ComplianceColumn::PastDue
            } else if let Some(due) = removal_due.filter(|due| now >= *due) {
                if reported.is_some_and(|reported| reported < due) {
                    ComplianceColumn::Pending
                } else {
                    ComplianceColumn::PastDue
                }
            } else {
                ComplianceColumn::Pending
            };
            let columns = figures.compliance.entry(owner).or_insert_with(|| {
                ComplianceColumn::ALL
                    .into_iter()
                    .map(|column| (column, 0))
                    .collect()
            });
            *columns.get_mut(&column).unwrap() += 1;
        }
    }
    // Every month between the first and the last, zeros included.
    let bounds = (
        period.from.or_else(|| {
            months
                .keys()
                .next()
                .map(|month| format!("{month}-01").parse::<Date>().unwrap())
        }),
        period
            .until
            .map(|until| until.yesterday().unwrap())
            .or_else(|| {
                months
                    .keys()
                    .last()
                    .map(|month| format!("{month}-01").parse::<Date>().unwrap())
            }),
    );
    if let (Some(first), Some(last)) = bounds {
        let (mut year, mut month) = (first.year(), first.month());
        while (year, month) <= (last.year(), last.month()) {
            let key = format!("{year:04}-{month:02}");
            let count = months.get(&key).copied().unwrap_or(0);
            figures.per_month.push((key, count));
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
    }
    let order = [
        "web",
        "telegram",
        "vk",
        "instagram",
        "tiktok",
        "youtube",
        "facebook",
        "x",
        "odnoklassniki",
        "whatsapp",
    ];
    figures.platforms = order
        .iter()
        .map(|name| {
            (
                (*name).to_owned(),
                platforms.get(*name).copied().unwrap_or(0),
            )
        })
        .collect();
    figures.decision_seconds.sort_unstable();
    figures.removal_seconds.sort_unstable();
    for values in figures.removal_seconds_by_owner.values_mut() {
        values.sort_unstable();
    }
    figures
}

fn states(histories: &[Vec<CaseEvent>]) -> Vec<CaseState> {
    histories
        .iter()
        .map(|events| CaseState::replay(events).unwrap())
        .collect()
}

#[test]
fn figures_match_the_straightforward_computation() {
    let histories = histories(2026, 400);
    let states = states(&histories);
    for period in [
        Period::default(),
        Period {
            from: Some("2025-07-01".parse().unwrap()),
            until: Some("2026-01-01".parse().unwrap()),
        },
        Period {
            from: Some("2026-03-01".parse().unwrap()),
            until: None,
        },
    ] {
        let computed = compute_figures(&states, period, now());
        let expected = straightforward(&histories, period, now());
        assert_eq!(computed, expected, "{period:?}");
    }
    // The generator reaches every branch worth counting.
    let all = compute_figures(&states, Period::default(), now());
    for row in OutcomeRow::ALL {
        if row != OutcomeRow::RefusedApplicantFieldsMissing {
            assert!(all.outcomes[&row] > 0, "{row:?}");
        }
    }
    for column in ComplianceColumn::ALL {
        let count: u64 = all
            .compliance
            .values()
            .map(|columns| columns[&column])
            .sum();
        assert!(count > 0, "{column:?}");
    }
    assert!(all.age_bands.values().all(|count| *count > 0));
    assert!(all.referred_to_law_enforcement > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn figures_match_for_any_generated_history(seed in any::<u64>(), cases in 0..60_u64) {
        let histories = histories(seed, cases);
        let states = states(&histories);
        prop_assert_eq!(
            compute_figures(&states, Period::default(), now()),
            straightforward(&histories, Period::default(), now())
        );
    }

    /// On small generated publications (where suppression bites), no count
    /// below the threshold appears as a number, and subtracting along every
    /// published relation — within a table and across tables — recovers none.
    #[test]
    fn published_figures_give_no_small_count_away(seed in any::<u64>(), cases in prop_oneof![Just(0_u64), 1..8_u64, 8..40_u64]) {
        let histories = histories(seed, cases);
        let states = states(&histories);
        let published = public_statistics(&states, Period::default(), DEFAULT_THRESHOLD, now());
        let json = serde_json::to_value(&published).unwrap();
        no_small_number(&json, DEFAULT_THRESHOLD);
        let figures = compute_figures(&states, Period::default(), now());
        prop_assert_eq!(attack(&published, &figures), Vec::<String>::new());
    }
}

const COUNT_KEYS: [&str; 9] = [
    "count",
    "total",
    "applications",
    "referred_to_law_enforcement",
    "orders",
    "removed_in_time",
    "removed_late",
    "past_due",
    "pending",
];

/// Every count in the JSON is either a string or at least `threshold`.
fn no_small_number(value: &serde_json::Value, threshold: u64) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if COUNT_KEYS.contains(&key.as_str())
                    && let Some(number) = value.as_u64()
                {
                    assert!(number >= threshold, "{key} = {number}");
                }
                no_small_number(value, threshold);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                no_small_number(item, threshold);
            }
        }
        _ => {}
    }
}

/// The subtraction attack on the published figures, along every relation a
/// reader can see (docs/statistics.md): returns the hidden small counts
/// (1..threshold−1) it recovers, by name.
fn attack(published: &PublicStatistics, figures: &Figures) -> Vec<String> {
    // Name every figure; `None` when hidden.
    let mut known: BTreeMap<String, Option<u64>> = BTreeMap::new();
    let mut truth: BTreeMap<String, u64> = BTreeMap::new();
    let mut relations: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut name = |key: String, figure: Figure, value: u64| {
        known.insert(key.clone(), figure.count());
        truth.insert(key.clone(), value);
        key
    };
    let applications = name(
        "applications".into(),
        published.applications,
        figures.applications,
    );
    let mut table = |prefix: &str, table: &Table, values: &[u64], total: Option<String>| {
        let rows: Vec<String> = table
            .rows
            .iter()
            .zip(values)
            .map(|(row, value)| name(format!("{prefix}.{}", row.key), row.count, *value))
            .collect();
        let total = total
            .unwrap_or_else(|| name(format!("{prefix}.total"), table.total, values.iter().sum()));
        relations.push((rows.clone(), vec![total]));
        rows
    };
    let months: Vec<u64> = figures.per_month.iter().map(|(_, count)| *count).collect();
    table(
        "month",
        &published.applications_per_month,
        &months,
        Some(applications.clone()),
    );
    let outcomes: Vec<u64> = OutcomeRow::ALL
        .iter()
        .map(|row| figures.outcomes[row])
        .collect();
    table(
        "outcome",
        &published.outcomes,
        &outcomes,
        Some(applications.clone()),
    );
    let categories: Vec<u64> = CATEGORIES
        .iter()
        .map(|category| figures.categories[category])
        .collect();
    table(
        "category",
        &published.categories,
        &categories,
        Some("outcome.confirmed".into()),
    );
    let bands: Vec<u64> = AgeBand::ALL
        .iter()
        .map(|band| figures.age_bands[band])
        .collect();
    table(
        "age",
        &published.age_bands,
        &bands,
        Some(applications.clone()),
    );
    let platforms: Vec<u64> = figures.platforms.iter().map(|(_, count)| *count).collect();
    table("platform", &published.platforms, &platforms, None);
    let timing: Vec<u64> = DecisionTiming::ALL
        .iter()
        .map(|timing| figures.decision_timing[timing])
        .collect();
    table("deadline", &published.decision_deadlines, &timing, None);
    relations.push((
        vec!["deadline.on_time".into(), "deadline.late".into()],
        vec!["outcome.confirmed".into(), "outcome.not_confirmed".into()],
    ));
    let columns = |counts: &ComplianceCounts| {
        [
            counts.removed_in_time,
            counts.removed_late,
            counts.past_due,
            counts.pending,
        ]
    };
    let mut column_names: Vec<Vec<String>> = vec![Vec::new(); 4];
    let mut row_totals = Vec::new();
    for owner in &published.compliance.owners {
        let values = &figures.compliance[&owner.owner];
        let cells: Vec<String> = ComplianceColumn::ALL
            .iter()
            .zip(columns(&owner.counts))
            .map(|(column, figure)| {
                name(
                    format!("{}.{}", owner.owner, column.as_str()),
                    figure,
                    values[column],
                )
            })
            .collect();
        let total = name(
            format!("{}.orders", owner.owner),
            owner.counts.orders,
            values.values().sum(),
        );
        for (index, cell) in cells.iter().enumerate() {
            column_names[index].push(cell.clone());
        }
        relations.push((cells, vec![total.clone()]));
        row_totals.push(total);
    }
    let totals = &published.compliance.totals;
    let mut column_totals = Vec::new();
    for ((index, column), figure) in ComplianceColumn::ALL
        .iter()
        .enumerate()
        .zip(columns(totals))
    {
        let value = figures
            .compliance
            .values()
            .map(|columns| columns[column])
            .sum();
        let total = name(format!("all.{}", column.as_str()), figure, value);
        relations.push((column_names[index].clone(), vec![total.clone()]));
        column_totals.push(total);
    }
    let orders = name(
        "all.orders".into(),
        totals.orders,
        figures
            .compliance
            .values()
            .flat_map(|columns| columns.values())
            .sum(),
    );
    relations.push((row_totals, vec![orders.clone()]));
    relations.push((column_totals.clone(), vec![orders]));
    // The durations' counts: decided cases and removed orders.
    let decided = name(
        "decided".into(),
        published.time_to_decision.count,
        figures.decision_seconds.len() as u64,
    );
    relations.push((
        vec!["outcome.confirmed".into(), "outcome.not_confirmed".into()],
        vec![decided],
    ));
    let removed = name(
        "removed".into(),
        published.time_to_removal.count,
        figures.removal_seconds.len() as u64,
    );
    relations.push((column_totals[..2].to_vec(), vec![removed]));

    // Subtract until nothing new comes out.
    loop {
        let mut progress = false;
        for (left, right) in &relations {
            let unknown: Vec<&String> = left
                .iter()
                .chain(right)
                .filter(|key| known[*key].is_none())
                .collect();
            if let [key] = unknown[..] {
                let side = |keys: &Vec<String>| -> i128 {
                    keys.iter()
                        .filter(|other| *other != key)
                        .map(|other| i128::from(known[other].unwrap()))
                        .sum()
                };
                let value = if left.contains(key) {
                    side(right) - side(left)
                } else {
                    side(left) - side(right)
                };
                known.insert(key.clone(), Some(value as u64));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    known
        .iter()
        // A recovered zero points to no child (and an empty period is all zeros).
        .filter(|(key, value)| value.is_some() && (1..DEFAULT_THRESHOLD).contains(&truth[*key]))
        .filter(|(key, _)| {
            // Recovered means it was hidden: it is not among the published numbers.
            !published_numbers(published).contains(key)
        })
        .map(|(key, value)| format!("{key} = {value:?}"))
        .collect()
}

/// The names of figures published as numbers (recomputed, to tell what the
/// attack recovered from what was simply shown).
fn published_numbers(published: &PublicStatistics) -> Vec<String> {
    let mut names = Vec::new();
    if published.applications.count().is_some() {
        names.push("applications".to_owned());
    }
    let mut table = |prefix: &str, table: &Table| {
        for row in &table.rows {
            if row.count.count().is_some() {
                names.push(format!("{prefix}.{}", row.key));
            }
        }
        if table.total.count().is_some() {
            names.push(format!("{prefix}.total"));
        }
    };
    table("month", &published.applications_per_month);
    table("outcome", &published.outcomes);
    table("category", &published.categories);
    table("age", &published.age_bands);
    table("platform", &published.platforms);
    table("deadline", &published.decision_deadlines);
    let mut counts = |owner: &str, counts: &ComplianceCounts| {
        for (key, figure) in [
            ("orders", counts.orders),
            ("removed_in_time", counts.removed_in_time),
            ("removed_late", counts.removed_late),
            ("past_due", counts.past_due),
            ("pending", counts.pending),
        ] {
            if figure.count().is_some() {
                names.push(format!("{owner}.{key}"));
            }
        }
    };
    for owner in &published.compliance.owners {
        counts(&owner.owner, &owner.counts);
    }
    counts("all", &published.compliance.totals);
    for (key, figure) in [
        ("decided", published.time_to_decision.count),
        ("removed", published.time_to_removal.count),
    ] {
        if figure.count().is_some() {
            names.push(key.to_owned());
        }
    }
    names
}

#[test]
fn a_hidden_confirmed_count_is_not_recovered_through_the_decision_deadlines() {
    // 3 confirmed, 12 not confirmed, all decided on time: the outcomes table
    // hides "confirmed", and the deadlines table must not give it back as
    // on_time − not_confirmed.
    let histories = histories(7, 200);
    let mut states = states(&histories);
    states.retain(|state| state.refusal.is_empty() && state.decision.is_some());
    let mut confirmed = 0;
    states.retain(|state| {
        let keep =
            state.decision.as_ref().unwrap().outcome == Outcome::NotConfirmed || confirmed < 3;
        if keep && state.decision.as_ref().unwrap().outcome == Outcome::Confirmed {
            confirmed += 1;
        }
        keep
    });
    let figures = compute_figures(&states, Period::default(), now());
    assert_eq!(figures.outcomes[&OutcomeRow::Confirmed], 3);
    let published = publish(&figures, DEFAULT_THRESHOLD, now());
    let outcome = |key: &str| {
        published
            .outcomes
            .rows
            .iter()
            .find(|row| row.key == key)
            .unwrap()
            .count
    };
    assert_eq!(
        outcome("confirmed"),
        Figure::BelowThreshold { threshold: 5 }
    );
    assert!(outcome("not_confirmed").count().is_none(), "its complement");
    assert_eq!(attack(&published, &figures), Vec::<String>::new());
}

#[test]
fn an_empty_period_publishes_zeros_as_hidden_and_no_quantiles() {
    let published = public_statistics(&[], Period::default(), DEFAULT_THRESHOLD, now());
    assert_eq!(
        published.applications,
        Figure::BelowThreshold { threshold: 5 }
    );
    assert!(published.applications_per_month.rows.is_empty());
    assert_eq!(published.time_to_decision.median_hours, None);
    assert_eq!(published.decision_on_time_share, None);
    assert!(published.compliance.owners.is_empty());
    let json = serde_json::to_value(&published).unwrap();
    assert_eq!(json["applications"], "<5");
    assert_eq!(json["computed_at"], "2026-11-20T12:00:00+05:00");
}

#[test]
fn large_counts_are_published_as_numbers_with_quantiles() {
    let histories = histories(99, 600);
    let states = states(&histories);
    let figures = compute_figures(&states, Period::default(), now());
    let published = publish(&figures, DEFAULT_THRESHOLD, now());
    assert_eq!(published.applications, Figure::Count(600));
    let decided = figures.decision_seconds.len();
    assert_eq!(
        published.time_to_decision.count,
        Figure::Count(decided as u64)
    );
    let median_hours = published.time_to_decision.median_hours.unwrap();
    assert!((1.0..=201.0).contains(&median_hours), "{median_hours}");
    assert!(published.time_to_decision.p90_hours.unwrap() >= median_hours);
    assert!(published.decision_on_time_share.is_some());
    // Threshold 0: nothing hidden, and the published figures are the exact ones.
    let open = publish(&figures, 0, now());
    assert_eq!(
        open.outcomes.rows[3].count,
        Figure::Count(figures.outcomes[&OutcomeRow::Confirmed])
    );
}

#[test]
fn quantiles_by_their_definitions() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[7]), Some(7.0));
    assert_eq!(median(&[1, 3]), Some(2.0));
    assert_eq!(median(&[1, 2, 9]), Some(2.0));
    // Nearest rank: ceil(0.9 · n).
    let ten: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&ten, 90), Some(9.0));
    let eleven: Vec<i64> = (1..=11).collect();
    assert_eq!(percentile(&eleven, 90), Some(10.0));
    assert_eq!(percentile(&[5], 90), Some(5.0));
    assert_eq!(percentile(&[], 90), None);
}

#[test]
fn age_bands_at_the_edges() {
    assert_eq!(AgeBand::of_age(Some(9)), AgeBand::Under10);
    assert_eq!(AgeBand::of_age(Some(10)), AgeBand::From10To13);
    assert_eq!(AgeBand::of_age(Some(13)), AgeBand::From10To13);
    assert_eq!(AgeBand::of_age(Some(14)), AgeBand::From14To15);
    assert_eq!(AgeBand::of_age(Some(16)), AgeBand::From16To17);
    assert_eq!(AgeBand::of_age(Some(17)), AgeBand::From16To17);
    assert_eq!(AgeBand::of_age(Some(18)), AgeBand::Adult);
    assert_eq!(AgeBand::of_age(None), AgeBand::Unknown);
}

// ---- transparency reports: periods of one year, suppressed together ----

use super::report::{
    LogSource, ReportPeriod, StepTiming, TransparencyReport, compute_performance, figures_of_year,
    transparency_report,
};

fn facts(histories: &[Vec<CaseEvent>]) -> Vec<CaseFacts> {
    states(histories).iter().map(CaseFacts::of).collect()
}

#[test]
fn every_period_of_a_year_sums_its_parts_and_matches_the_direct_computation() {
    let histories = histories(88, 500);
    let facts = facts(&histories);
    let year = figures_of_year(&Tally::per_day(&facts), 2025, now());
    assert_eq!(year.len(), 19);
    for (period, figures) in &year {
        let direct = compute_figures_of(&facts, period.period(), now());
        assert_eq!(figures.figures, direct, "{period}");
        let performance = compute_performance(&facts, period.period(), now());
        assert_eq!(figures.performance, performance, "{period}");
    }
    // And against the independent computation straight from the events.
    let half = ReportPeriod::Half(2025, 2);
    assert_eq!(
        year[&half].figures,
        straightforward(&histories, half.period(), now())
    );
}

#[test]
fn responses_are_timed_against_their_deadline() {
    let histories = histories(5, 60);
    let mut facts = facts(&histories);
    let case = &mut facts[0];
    let due = case.response_due;
    case.response_sent_at = Some(due.checked_sub(SignedDuration::from_secs(1)).unwrap());
    assert_eq!(
        StepTiming::of_response(case, now()),
        Some(StepTiming::OnTime)
    );
    case.response_sent_at = Some(due);
    assert_eq!(StepTiming::of_response(case, now()), Some(StepTiming::Late));
    case.response_sent_at = None;
    assert_eq!(
        StepTiming::of_response(case, due),
        Some(StepTiming::Overdue)
    );
    let before = due.checked_sub(SignedDuration::from_secs(1)).unwrap();
    assert_eq!(StepTiming::of_response(case, before), None);
}

/// name → published value, for every count of a report.
fn named_counts(report: &TransparencyReport) -> BTreeMap<String, Figure> {
    let mut named = BTreeMap::new();
    let statistics = &report.statistics;
    let mut table = |name: &str, table: &Table| {
        named.insert(format!("{name}/total"), table.total);
        for row in &table.rows {
            named.insert(format!("{name}/{}", row.key), row.count);
        }
    };
    table("per_month", &statistics.applications_per_month);
    table("outcomes", &statistics.outcomes);
    table("categories", &statistics.categories);
    table("platforms", &statistics.platforms);
    table("age_bands", &statistics.age_bands);
    table("decision_deadlines", &statistics.decision_deadlines);
    table("responses", &report.performance.responses);
    named.insert(
        "referred".to_owned(),
        statistics.referred_to_law_enforcement,
    );
    named.insert("extended".to_owned(), report.performance.extended_decisions);
    for owner in &statistics.compliance.owners {
        let counts = &owner.counts;
        for (column, figure) in [
            ("orders", counts.orders),
            ("removed_in_time", counts.removed_in_time),
            ("removed_late", counts.removed_late),
            ("past_due", counts.past_due),
            ("pending", counts.pending),
        ] {
            named.insert(format!("compliance/{}/{column}", owner.owner), figure);
        }
    }
    named
}

#[test]
fn nested_reports_give_no_small_count_away_by_subtraction() {
    // Few cases: plenty of small counts in months, larger ones in the year.
    for seed in [1_u64, 7, 42, 2025] {
        let histories = histories(seed, 150);
        let facts = facts(&histories);
        let source = LogSource {
            log_size: 0,
            checkpoint_tree_size: None,
            checkpoint_root: None,
        };
        let reports: BTreeMap<ReportPeriod, BTreeMap<String, Figure>> =
            ReportPeriod::all_of_year(2025)
                .into_iter()
                .map(|period| {
                    let report = transparency_report(
                        &facts,
                        period,
                        DEFAULT_THRESHOLD,
                        now(),
                        source.clone(),
                    );
                    (period, named_counts(&report))
                })
                .collect();
        let exact: BTreeMap<ReportPeriod, BTreeMap<String, Figure>> =
            ReportPeriod::all_of_year(2025)
                .into_iter()
                .map(|period| {
                    let report = transparency_report(&facts, period, 0, now(), source.clone());
                    (period, named_counts(&report))
                })
                .collect();
        // The attack: a period's published count minus all but one of its
        // parts' published counts gives the last part's count.
        let parts = |period: ReportPeriod| -> Vec<ReportPeriod> {
            match period {
                ReportPeriod::Year(year) => {
                    vec![ReportPeriod::Half(year, 1), ReportPeriod::Half(year, 2)]
                }
                ReportPeriod::Half(year, half) => (1..=2)
                    .map(|i| ReportPeriod::Quarter(year, (half - 1) * 2 + i))
                    .collect(),
                ReportPeriod::Quarter(year, quarter) => (1..=3)
                    .map(|i| ReportPeriod::Month(year, (quarter - 1) * 3 + i))
                    .collect(),
                ReportPeriod::Month(..) => Vec::new(),
            }
        };
        let mut attempts = 0;
        for (period, counts) in &reports {
            for (name, figure) in counts {
                let Some(total) = figure.count() else {
                    continue;
                };
                let children: Vec<Option<Figure>> = parts(*period)
                    .iter()
                    .map(|part| reports[part].get(name).copied())
                    .collect();
                let hidden: Vec<usize> = (0..children.len())
                    .filter(|index| children[*index].is_some_and(|figure| figure.count().is_none()))
                    .collect();
                if hidden.len() != 1 {
                    continue;
                }
                attempts += 1;
                let known: u64 = children
                    .iter()
                    .filter_map(|child| child.and_then(Figure::count))
                    .sum();
                let recovered = total - known;
                let part = parts(*period)[hidden[0]];
                let truth = exact[&part][name].count().unwrap();
                assert_eq!(recovered, truth, "the subtraction itself is right");
                assert!(
                    recovered == 0 || recovered >= DEFAULT_THRESHOLD,
                    "seed {seed}: {name} of {part} recovered as {recovered} from {period}"
                );
            }
        }
        let _ = attempts;
    }
}

// ---- the DSA export: statements of reasons, k-anonymous ----

#[test]
fn dsa_statements_carry_no_url_and_come_only_in_groups_of_the_threshold() {
    use super::dsa::dsa_export;
    let histories = histories(31, 900);
    let facts = facts(&histories);
    let period = ReportPeriod::Year(2025);
    let export = dsa_export(&facts, period, DEFAULT_THRESHOLD, now());
    let orders: u64 = facts
        .iter()
        .filter(|case| {
            period
                .period()
                .contains(crate::deadline::almaty_date(case.received_at))
                && case.outcome == OutcomeRow::Confirmed
        })
        .map(|case| case.orders.len() as u64)
        .sum();
    let withheld = match export.statements_withheld {
        Figure::Count(count) => count,
        _ => orders - export.statements.len() as u64,
    };
    assert_eq!(export.statements.len() as u64 + withheld, orders);
    assert!(!export.statements.is_empty());
    let json = serde_json::to_string(&export).unwrap();
    assert!(!json.contains("http") && !json.contains("QG-"), "{json}");
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    let mut puids = std::collections::BTreeSet::new();
    for statement in &export.statements {
        assert!(puids.insert(statement.puid.clone()), "puid reused");
        assert_eq!(statement.application_date.day(), 1);
        assert_eq!(statement.content_date.day(), 1);
        let mut shown = serde_json::to_value(statement).unwrap();
        shown.as_object_mut().unwrap().remove("puid");
        *groups.entry(shown.to_string()).or_default() += 1;
    }
    assert!(
        groups.values().all(|count| *count >= DEFAULT_THRESHOLD),
        "{groups:?}"
    );
    // The same decisions get the same puids in the export of a half-year.
    let half = dsa_export(&facts, ReportPeriod::Half(2025, 2), 0, now());
    for statement in &half.statements {
        if let Some(same) = export
            .statements
            .iter()
            .find(|other| other.puid == statement.puid)
        {
            assert_eq!(same, statement);
        }
    }
}

/// The DSA export of every reporting period of 2025, by period.
fn dsa_exports(
    facts: &[CaseFacts],
    threshold: u64,
) -> BTreeMap<ReportPeriod, super::dsa::DsaExport> {
    ReportPeriod::all_of_year(2025)
        .into_iter()
        .map(|period| {
            (
                period,
                super::dsa::dsa_export(facts, period, threshold, now()),
            )
        })
        .collect()
}

/// Everything a statement shows but its puid.
fn shown(statement: &super::dsa::Statement) -> String {
    let mut value = serde_json::to_value(statement).unwrap();
    value.as_object_mut().unwrap().remove("puid");
    value.to_string()
}

/// The attack across exports: for every two periods, the statements one
/// publishes and the other does not (matched by puid, which is stable),
/// grouped by what they show. A group of 1..threshold−1 singles out a few
/// decisions by platform, category, months and the period they fall in.
fn difference_attack(
    exports: &BTreeMap<ReportPeriod, Vec<super::dsa::Statement>>,
    threshold: u64,
) -> Vec<String> {
    let mut found = Vec::new();
    for (first, statements) in exports {
        for (second, others) in exports {
            let theirs: std::collections::BTreeSet<&str> =
                others.iter().map(|each| each.puid.as_str()).collect();
            let mut groups: BTreeMap<String, u64> = BTreeMap::new();
            for statement in statements {
                if !theirs.contains(statement.puid.as_str()) {
                    *groups.entry(shown(statement)).or_default() += 1;
                }
            }
            for (group, count) in groups {
                if count < threshold {
                    found.push(format!("{first} − {second}: {count} × {group}"));
                }
            }
        }
    }
    found
}

/// The attack through the owners: a report's published order count of an
/// owner minus the owner's statements in the same period's export is how
/// many of its statements were withheld; 1..threshold−1 is a small count.
fn owner_attack(
    facts: &[CaseFacts],
    exports: &BTreeMap<ReportPeriod, Vec<super::dsa::Statement>>,
    threshold: u64,
) -> Vec<String> {
    let source = LogSource {
        log_size: 0,
        checkpoint_tree_size: None,
        checkpoint_root: None,
    };
    let mut found = Vec::new();
    for (period, statements) in exports {
        let report = transparency_report(facts, *period, threshold, now(), source.clone());
        for owner in &report.statistics.compliance.owners {
            let Some(orders) = owner.counts.orders.count() else {
                continue;
            };
            let published = statements
                .iter()
                .filter(|statement| statement.platform_name == owner.owner)
                .count() as u64;
            let withheld = orders - published;
            if withheld > 0 && withheld < threshold {
                found.push(format!("{period} {}: {orders} − {published}", owner.owner));
            }
        }
    }
    found
}

/// What the export did before the fixed grid: each period's statements
/// grouped on their own, groups below the threshold withheld.
fn grouped_per_period(
    facts: &[CaseFacts],
    threshold: u64,
) -> BTreeMap<ReportPeriod, Vec<super::dsa::Statement>> {
    dsa_exports(facts, 0)
        .into_iter()
        .map(|(period, export)| {
            let mut groups: BTreeMap<String, Vec<super::dsa::Statement>> = BTreeMap::new();
            for statement in export.statements {
                groups.entry(shown(&statement)).or_default().push(statement);
            }
            let kept = groups
                .into_values()
                .filter(|group| group.len() as u64 >= threshold)
                .flatten()
                .collect();
            (period, kept)
        })
        .collect()
}

#[test]
fn dsa_exports_of_different_periods_give_no_small_group_away_by_subtraction() {
    let mut caught = 0;
    for (seed, cases) in [(3_u64, 300_u64), (31, 900), (77, 1500), (2025, 2400)] {
        let histories = histories(seed, cases);
        let facts = facts(&histories);
        let exports: BTreeMap<ReportPeriod, Vec<super::dsa::Statement>> =
            dsa_exports(&facts, DEFAULT_THRESHOLD)
                .into_iter()
                .map(|(period, export)| (period, export.statements))
                .collect();
        assert!(
            exports.values().any(|statements| !statements.is_empty()),
            "seed {seed}: something is published"
        );
        let found = difference_attack(&exports, DEFAULT_THRESHOLD);
        assert!(found.is_empty(), "seed {seed}: {found:?}");
        let found = owner_attack(&facts, &exports, DEFAULT_THRESHOLD);
        assert!(found.is_empty(), "seed {seed}: {found:?}");
        // The same attacks against per-period grouping find small groups:
        // they can fail.
        let naive = grouped_per_period(&facts, DEFAULT_THRESHOLD);
        caught += difference_attack(&naive, DEFAULT_THRESHOLD).len();
        caught += owner_attack(&facts, &naive, DEFAULT_THRESHOLD).len();
    }
    assert!(
        caught > 0,
        "the attacks found nothing even without the grid"
    );
}

/// One confirmed cyberbullying case with an order to telegram, received on
/// `received` and decided (the order issued) on `decided`, the incident in
/// March.
fn telegram_case(received: &str, decided: &str, category: Category) -> CaseFacts {
    let received_at: Timestamp = format!("{received}T10:00:00+05:00").parse().unwrap();
    let decided_at: Timestamp = format!("{decided}T10:00:00+05:00").parse().unwrap();
    CaseFacts {
        received_at,
        outcome: OutcomeRow::Confirmed,
        category: Some(category),
        indicators: Vec::new(),
        referred: false,
        age_band: AgeBand::From10To13,
        platforms: vec!["telegram".to_owned()],
        decided_at: Some(decided_at),
        decision_due: Some(hours_after(received_at, 100)),
        extended: false,
        response_due: hours_after(received_at, 100),
        response_sent_at: Some(decided_at),
        first_incident_on: Some(jiff::civil::date(2025, 3, 10)),
        orders: vec![OrderFacts {
            owner: "telegram".to_owned(),
            issued_at: decided_at,
            delivered_at: Some(decided_at),
            removal_due: Some(hours_after(decided_at, 24)),
            removal_reported_at: None,
            removed_at: Some(hours_after(decided_at, 2)),
            not_complied: false,
        }],
    }
}

#[test]
fn the_half_year_minus_its_first_quarter_singles_out_nobody() {
    // Five decisions received in March and two on 1 April, all decided in
    // April: one group by everything a statement shows. Grouped per period,
    // H1 published all seven and Q1 its five, so H1 − Q1 singled out the two
    // received in Q2. Six cyberstalking decisions in May give Q2 a cell of
    // its own to publish.
    let mut facts: Vec<CaseFacts> = (0..5)
        .map(|_| telegram_case("2025-03-31", "2025-04-02", Category::Cyberbullying))
        .collect();
    facts
        .extend((0..2).map(|_| telegram_case("2025-04-01", "2025-04-02", Category::Cyberbullying)));
    facts
        .extend((0..6).map(|_| telegram_case("2025-05-05", "2025-05-06", Category::Cyberstalking)));
    // Different puids: each case its own receipt instant.
    for (index, case) in facts.iter_mut().enumerate() {
        case.received_at = case
            .received_at
            .checked_add(SignedDuration::from_secs(index as i64))
            .unwrap();
    }
    let naive = grouped_per_period(&facts, DEFAULT_THRESHOLD);
    assert_eq!(naive[&ReportPeriod::Half(2025, 1)].len(), 13);
    assert_eq!(naive[&ReportPeriod::Quarter(2025, 1)].len(), 5);
    assert!(!difference_attack(&naive, DEFAULT_THRESHOLD).is_empty());

    let exports: BTreeMap<ReportPeriod, Vec<super::dsa::Statement>> =
        dsa_exports(&facts, DEFAULT_THRESHOLD)
            .into_iter()
            .map(|(period, export)| (period, export.statements))
            .collect();
    assert!(difference_attack(&exports, DEFAULT_THRESHOLD).is_empty());
    assert!(owner_attack(&facts, &exports, DEFAULT_THRESHOLD).is_empty());
    // March's five stay published in Q1 and H1 alike; April's two are
    // withheld, and with them May's six (Q2's withheld would be 2).
    assert_eq!(exports[&ReportPeriod::Quarter(2025, 1)].len(), 5);
    assert_eq!(exports[&ReportPeriod::Half(2025, 1)].len(), 5);
    assert!(exports[&ReportPeriod::Quarter(2025, 2)].is_empty());
}

#[test]
fn the_threshold_is_a_whole_number_from_two_to_a_hundred() {
    assert_eq!(parse_threshold("5"), Ok(5));
    assert_eq!(parse_threshold(" 10 "), Ok(10));
    assert_eq!(parse_threshold("2"), Ok(MIN_THRESHOLD));
    assert_eq!(parse_threshold("100"), Ok(MAX_THRESHOLD));
    for bad in [
        "",
        "0",
        "1",
        "101",
        "1000000",
        "-5",
        "5.0",
        "five",
        "+5",
        "99999999999999999999999",
    ] {
        assert!(parse_threshold(bad).is_err(), "{bad}");
    }
    use crate::message::Explain;
    let error = parse_threshold("1").unwrap_err();
    assert_eq!(error.code(), "invalid_stats_threshold");
    assert_eq!(error.explain().id, "stats-threshold-invalid");
}

#[test]
fn a_90th_percentile_is_never_the_slowest_case_alone() {
    let hours = |n: i64| (1..=n).map(|hour| hour * 3600).collect::<Vec<i64>>();
    let check = |values: i64, threshold: u64, median: Option<f64>, p90: Option<f64>| {
        let published = durations(Figure::Count(values as u64), &hours(values), threshold);
        assert_eq!(
            (published.median_hours, published.p90_hours),
            (median, p90),
            "{values} values, threshold {threshold}"
        );
    };
    // Five to nine values under 5: the median, and no 90th percentile (it
    // would be the largest value, one case's own time).
    check(5, 5, Some(3.0), None);
    check(9, 5, Some(5.0), None);
    // Ten: the 9th smallest, below the largest.
    check(10, 5, Some(5.5), Some(9.0));
    // Under 10, twice the threshold is 20.
    check(19, 10, Some(10.0), None);
    check(20, 10, Some(10.5), Some(18.0));
    // A threshold of 2 still never publishes the maximum: 4 to 9 values no.
    check(4, 2, Some(2.5), None);
    check(9, 2, Some(5.0), None);
    check(10, 2, Some(5.5), Some(9.0));
    for values in 1..200_u64 {
        for threshold in 2..=20 {
            if p90_publishable(values, threshold) {
                let rank = (90 * values).div_ceil(100);
                assert!(rank < values && values >= 2 * threshold);
            }
        }
    }
}
