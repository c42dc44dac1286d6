//! The statistics read model (`case_stats`, `case_stats_orders`) against the
//! events: generated histories written in several writes, then the figures
//! from the read model compared with the figures folded from the loaded
//! events, and with counts taken straight from the events' types.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::category::{Category, CriminalIndicator};
use qorgau_domain::message::Language;
use qorgau_domain::procedure::event::SystematicAssessment;
use qorgau_domain::procedure::{
    CaseEvent, CaseState, Outcome, VerificationResult, receive_application,
};
use qorgau_domain::regime::Regimes;
use qorgau_domain::statistics::report::compute_performance;
use qorgau_domain::statistics::{
    CaseFacts, OutcomeRow, Period, Tally, compute_figures, compute_figures_of, figures_of_tallies,
};
use qorgau_store::{AnyStore, Statistics, Store};

/// xorshift64*, so a failing seed replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const URLS: [&str; 4] = [
    "https://t.me/school_memes_kz",
    "https://vk.com/club123456",
    "https://www.tiktok.com/@mocker_kz",
    "https://example.kz/forum/thread/7",
];
const OWNERS: [&str; 3] = ["telegram", "vk", "tiktok"];

fn after(instant: Timestamp, hours: u64) -> Timestamp {
    instant
        .checked_add(SignedDuration::from_secs(hours as i64 * 3600 + 600))
        .unwrap()
}

pub fn now() -> Timestamp {
    "2026-09-01T12:00:00+05:00".parse().unwrap()
}

/// The application, then the rest of one generated history in one or two
/// later writes.
fn history(dice: &mut Dice, number: u64) -> (Vec<CaseEvent>, Vec<Vec<CaseEvent>>) {
    let start: Timestamp = "2025-11-03T09:00:00+05:00".parse().unwrap();
    let received_at = after(start, dice.below(200 * 24));
    let received_on = qorgau_domain::deadline::almaty_date(received_at);
    let resources: Vec<ResourceForm> = (0..if dice.chance(10) {
        0
    } else {
        1 + dice.below(2)
    })
        .map(|index| ResourceForm {
            url: URLS[((number + index) % URLS.len() as u64) as usize].to_owned(),
        })
        .collect();
    let birth_date = (!dice.chance(10)).then(|| {
        received_on
            .checked_sub(jiff::Span::new().years(6 + dice.below(14) as i64))
            .unwrap()
            .to_string()
    });
    let form = ApplicationForm {
        language: Some(Language::Ru),
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
    let first = receive_application(
        &form,
        Channel::Electronic,
        received_at,
        received_at,
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    )
    .unwrap();
    let state = CaseState::replay(&first).unwrap();
    let mut later = Vec::new();
    if dice.chance(70) {
        later.push(vec![CaseEvent::ResponseSent {
            sent_at: after(received_at, dice.below(120)),
            language: Language::Ru,
            channel: "email".into(),
        }]);
    }
    if !state.refusal.is_empty() || dice.chance(15) {
        return (first, later);
    }
    let decided_at = after(received_at, 1 + dice.below(150));
    let confirmed = dice.chance(65);
    let category = match (confirmed, dice.below(3)) {
        (false, _) => Category::None,
        (true, 0) => Category::Cyberbullying,
        (true, 1) => Category::Cyberstalking,
        (true, _) => Category::Criminal,
    };
    let mut decision = vec![CaseEvent::DecisionMade {
        outcome: if confirmed {
            Outcome::Confirmed
        } else {
            Outcome::NotConfirmed
        },
        category,
        indicators: if category == Category::Criminal {
            vec![CriminalIndicator::ThreatToLifeOrHealth]
        } else {
            Vec::new()
        },
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
    }];
    if confirmed && category == Category::Criminal && dice.chance(60) {
        decision.push(CaseEvent::ReferredToLawEnforcement {
            authority: "police".into(),
            referred_at: decided_at,
            note: None,
        });
    }
    let mut removal = Vec::new();
    if confirmed {
        for (index, resource) in state.application.resources.iter().enumerate() {
            let order_id = format!("O-{number}-{index}");
            decision.push(CaseEvent::OrderIssued {
                order_id: order_id.clone(),
                owner: OWNERS[dice.below(3) as usize].into(),
                urls: vec![resource.url.clone()],
                issued_at: decided_at,
            });
            if dice.chance(10) {
                continue;
            }
            let delivered_at = after(decided_at, dice.below(3));
            let removal_due = after(delivered_at, 24);
            decision.push(CaseEvent::OrderDelivered {
                order_id: order_id.clone(),
                delivered_at,
                channel: "api".into(),
                removal_due,
            });
            match dice.below(4) {
                0 => {}
                1 => removal.push(CaseEvent::OrderNotComplied {
                    order_id: order_id.clone(),
                    recorded_at: removal_due,
                }),
                _ => {
                    let reported_at = after(delivered_at, dice.below(40));
                    removal.push(CaseEvent::RemovalReported {
                        order_id: order_id.clone(),
                        reported_at,
                        removed_urls: vec![resource.url.clone()],
                        note: None,
                    });
                    if dice.chance(70) {
                        removal.push(CaseEvent::RemovalVerified {
                            order_id,
                            verified_at: after(reported_at, dice.below(6)),
                            result: VerificationResult::Removed,
                            note: None,
                        });
                    }
                }
            }
        }
    }
    later.push(decision);
    if !removal.is_empty() {
        later.push(removal);
    }
    (first, later)
}

/// Writes `cases` generated histories into `store`; returns the case ids.
pub async fn write_histories(store: &AnyStore, seed: u64, cases: u64) -> Vec<String> {
    let mut dice = Dice(seed | 1);
    let mut ids = Vec::new();
    for number in 0..cases {
        let (first, later) = history(&mut dice, number);
        let CaseEvent::ApplicationReceived { received_at, .. } = &first[0] else {
            panic!("a history starts with the application");
        };
        let year = qorgau_domain::deadline::almaty_date(*received_at).year();
        let case_id = store
            .create_case(year, &first, "coord", *received_at)
            .await
            .unwrap();
        let mut version = first.len() as u64;
        for events in later {
            store
                .append(&case_id, version, &events, "coord", now())
                .await
                .unwrap();
            version += events.len() as u64;
        }
        ids.push(case_id);
    }
    ids
}

/// The read model's figures equal the figures folded from the events, and
/// counts taken straight from the events' types.
pub async fn the_statistics_read_model_matches_the_events(store: &AnyStore) {
    let ids = write_histories(store, 2026, 120).await;
    let mut states = Vec::new();
    let mut refused = 0;
    let mut confirmed = 0;
    let mut orders_by_owner: BTreeMap<String, u64> = BTreeMap::new();
    for case_id in &ids {
        let stored = store.load_case(case_id).await.unwrap().unwrap();
        for event in &stored.events {
            match event {
                CaseEvent::ApplicationRefused { .. } => refused += 1,
                CaseEvent::DecisionMade {
                    outcome: Outcome::Confirmed,
                    ..
                } => confirmed += 1,
                CaseEvent::OrderIssued { owner, .. } => {
                    *orders_by_owner.entry(owner.clone()).or_default() += 1
                }
                _ => {}
            }
        }
        states.push(stored.state().unwrap());
    }
    let all = store.statistics_facts(None, None).await.unwrap();
    assert_eq!(all.cases.len(), ids.len());
    let mut expected_facts: Vec<CaseFacts> = states.iter().map(CaseFacts::of).collect();
    let mut read_facts = all.cases.clone();
    let order = |facts: &CaseFacts| {
        (
            facts.received_at,
            facts.response_due,
            facts.platforms.clone(),
        )
    };
    expected_facts.sort_by_key(order);
    read_facts.sort_by_key(order);
    assert_eq!(read_facts, expected_facts);

    let half = Period {
        from: Some("2026-01-01".parse().unwrap()),
        until: Some("2026-07-01".parse().unwrap()),
    };
    for period in [Period::default(), half] {
        let snapshot = store
            .statistics_facts(period.from, period.until)
            .await
            .unwrap();
        let from_read_model = compute_figures_of(&snapshot.cases, period, now());
        let folded = compute_figures(&states, period, now());
        assert_eq!(from_read_model, folded, "{period:?}");
        assert!(snapshot.cases.len() < ids.len() || period == Period::default());
    }
    let figures = compute_figures_of(&all.cases, Period::default(), now());
    let refused_rows: u64 = [
        OutcomeRow::RefusedResourceRequired,
        OutcomeRow::RefusedNotAChild,
        OutcomeRow::RefusedApplicantFieldsMissing,
    ]
    .iter()
    .map(|row| figures.outcomes[row])
    .sum();
    assert_eq!(refused_rows, refused);
    assert!(refused > 0 && confirmed > 0);
    assert_eq!(figures.outcomes[&OutcomeRow::Confirmed], confirmed);
    let orders: BTreeMap<String, u64> = figures
        .compliance
        .iter()
        .map(|(owner, columns)| (owner.clone(), columns.values().sum()))
        .collect();
    assert_eq!(orders, orders_by_owner);
    // The log read in the same snapshot: every entry has its leaf.
    assert!(all.log_size > 0);

    // The per-day tallies, kept up by every write (each history went in
    // several writes, so each later write took its case's old facts off),
    // equal the tallies summed afresh from the folded cases...
    let tallies = store.statistics_tallies(None, None).await.unwrap();
    assert_eq!(tallies.days, Tally::per_day(&expected_facts));
    assert_eq!(tallies.log_size, all.log_size);
    // ...and give the same figures, at a `now` before and after every
    // deadline they name.
    let long_after: Timestamp = "2027-06-01T00:00:00+05:00".parse().unwrap();
    for period in [Period::default(), half] {
        let snapshot = store
            .statistics_tallies(period.from, period.until)
            .await
            .unwrap();
        for at in [now(), long_after] {
            let (figures, performance) = figures_of_tallies(&snapshot.days, period, at);
            assert_eq!(figures, compute_figures(&states, period, at), "{period:?}");
            assert_eq!(
                performance,
                compute_performance(&expected_facts, period, at),
                "{period:?}"
            );
        }
    }
}

/// The stored tallies equal those summed afresh from the folded cases `ids`.
pub async fn the_tallies_match_the_cases(store: &AnyStore, ids: &[String]) {
    let mut facts = Vec::new();
    for case_id in ids {
        let stored = store.load_case(case_id).await.unwrap().unwrap();
        facts.push(CaseFacts::of(&stored.state().unwrap()));
    }
    let tallies = store.statistics_tallies(None, None).await.unwrap();
    assert!(!tallies.days.is_empty());
    assert_eq!(tallies.days, Tally::per_day(&facts));
}
