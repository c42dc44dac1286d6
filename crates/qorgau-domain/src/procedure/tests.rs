//! The procedure's rules, one scenario at a time, and the property that no
//! sequence of commands drives a case into a state the procedure forbids.

use jiff::Timestamp;
use jiff::civil::Date;
use proptest::prelude::*;

use super::command::{
    Actor, Command, Context, IncidentKey, ProcedureError, Role, handle, prospective_orders,
};
use super::event::{CaseEvent, Outcome, VerificationResult, VoteChoice};
use super::state::{CasePhase, CaseState, OrderStatus};
use super::{IntakeError, receive_application};
use crate::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use crate::calendar::WorkingCalendar;
use crate::category::{Category, CriminalIndicator};
use crate::regime::{EscalationKind, RegimeError, Regimes};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn coordinator() -> Actor {
    Actor {
        name: "coord".into(),
        role: Role::Coordinator,
    }
}

fn expert(name: &str) -> Actor {
    Actor {
        name: name.into(),
        role: Role::Expert { chair: false },
    }
}

fn chair() -> Actor {
    Actor {
        name: "chair".into(),
        role: Role::Expert { chair: true },
    }
}

fn owner(name: &str) -> Actor {
    Actor {
        name: name.into(),
        role: Role::ResourceOwner { owner: name.into() },
    }
}

/// A complete application: two incidents, two resources on two platforms.
fn form() -> ApplicationForm {
    ApplicationForm {
        language: Some(crate::message::Language::Ru),
        applicant: ApplicantForm {
            name: Some("Айгуль Ахметова".into()),
            relation: Some(Relation::Parent),
            email: Some("aigul@example.kz".into()),
            ..ApplicantForm::default()
        },
        child: ChildForm {
            name: Some("Данияр".into()),
            birth_date: Some("2012-04-15".into()),
            iin: None,
        },
        resources: vec![
            ResourceForm {
                url: "https://t.me/school_memes_kz".into(),
            },
            ResourceForm {
                url: "https://instagram.com/fake_daniyar".into(),
            },
        ],
        incidents: vec![
            IncidentForm {
                occurred_on: "2026-11-20".into(),
                resource_url: Some("https://t.me/school_memes_kz".into()),
                description: "мем".into(),
                actor: Some("@mocker".into()),
            },
            IncidentForm {
                occurred_on: "2026-11-24".into(),
                resource_url: Some("https://instagram.com/fake_daniyar".into()),
                description: "фейк".into(),
                actor: Some("@mocker".into()),
            },
        ],
        description: None,
    }
}

/// A case under test: its events and the clock.
struct Case {
    events: Vec<CaseEvent>,
    now: Timestamp,
}

impl Case {
    fn receive(form: &ApplicationForm, received_at: &str) -> Case {
        let now = at(received_at);
        let events = receive_application(
            form,
            Channel::Electronic,
            now,
            now,
            WorkingCalendar::embedded(),
            Regimes::embedded(),
        )
        .unwrap();
        Case { events, now }
    }

    fn state(&self) -> CaseState {
        CaseState::replay(&self.events).unwrap()
    }

    fn at(&mut self, when: &str) -> &mut Self {
        self.now = at(when);
        self
    }

    fn run(&mut self, actor: &Actor, command: Command) -> Result<Vec<CaseEvent>, ProcedureError> {
        let state = self.state();
        let regime = Regimes::embedded().get(&state.regime).unwrap();
        let context = Context {
            case_id: "QG-2026-000001",
            now: self.now,
            calendar: WorkingCalendar::embedded(),
            regime,
            actor,
        };
        let events = handle(&state, command, &context)?;
        self.events.extend(events.clone());
        Ok(events)
    }

    fn ok(&mut self, actor: &Actor, command: Command) -> Vec<CaseEvent> {
        self.run(actor, command).unwrap()
    }

    fn vote(&mut self, who: &Actor, vote: VoteChoice, category: Category) {
        self.ok(
            who,
            Command::Vote {
                vote,
                category,
                indicators: vec![],
                reasons: "reasons".into(),
            },
        );
    }

    fn decide(&mut self) -> Result<Vec<CaseEvent>, ProcedureError> {
        self.run(
            &coordinator(),
            Command::Decide {
                group_size: 3,
                linked_incidents: vec![],
                override_reason: None,
            },
        )
    }

    /// Three experts confirm cyberbullying; the decision issues the orders.
    fn confirmed(received_at: &str) -> Case {
        let mut case = Case::receive(&form(), received_at);
        for who in [expert("e1"), expert("e2"), chair()] {
            case.vote(&who, VoteChoice::Confirm, Category::Cyberbullying);
        }
        case.decide().unwrap();
        case
    }
}

fn error_code(result: Result<Vec<CaseEvent>, ProcedureError>) -> &'static str {
    use crate::message::Explain;
    result.unwrap_err().code()
}

#[test]
fn an_admissible_application_is_registered_with_its_deadlines() {
    // Wednesday 2 Dec 2026, 10:00 Almaty: three working days are Thu 3, Fri 4, Mon 7.
    let case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let state = case.state();
    assert_eq!(state.phase, CasePhase::Registered);
    assert_eq!(state.regime, "order-562-nk");
    assert_eq!(state.decision_due.last_day, date("2026-12-07"));
    assert_eq!(state.decision_due.due_at, at("2026-12-08T00:00:00+05:00"));
    assert_eq!(state.response_due.last_day, date("2026-12-07"));
    assert_eq!(state.application.resources.len(), 2);
}

#[test]
fn the_regime_is_the_one_in_force_on_the_day_of_receipt() {
    let before = Case::receive(&form_dated("2024-11-20"), "2025-01-27T23:59:00+05:00");
    assert_eq!(before.state().regime, "order-365");
    let after = Case::receive(&form_dated("2024-11-20"), "2025-01-28T00:00:00+05:00");
    assert_eq!(after.state().regime, "order-562-nk");
    let result = receive_application(
        &form_dated("2021-01-05"),
        Channel::Paper,
        at("2021-06-01T10:00:00+06:00"),
        at("2026-12-01T10:00:00+05:00"),
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    );
    assert!(matches!(
        result,
        Err(IntakeError::Regime(RegimeError::NoneInForce { .. }))
    ));
}

fn form_dated(incident_day: &str) -> ApplicationForm {
    let mut form = form();
    for incident in &mut form.incidents {
        incident.occurred_on = incident_day.into();
    }
    form
}

#[test]
fn refusals_cite_their_grounds() {
    let check = |form: ApplicationForm, expected: &[&str]| {
        let case = Case::receive(&form, "2026-12-02T10:00:00+05:00");
        let state = case.state();
        assert_eq!(state.phase, CasePhase::Refused);
        let codes: Vec<&str> = state.refusal.iter().map(|reason| reason.code()).collect();
        assert_eq!(codes, expected);
        let regime = Regimes::embedded().get(&state.regime).unwrap();
        for reason in &state.refusal {
            assert!(
                reason
                    .explain(regime)
                    .args
                    .iter()
                    .any(|(name, _)| *name == "rule")
            );
        }
    };
    let mut no_resource = form();
    no_resource.resources.clear();
    for incident in &mut no_resource.incidents {
        incident.resource_url = None;
    }
    check(no_resource, &["resource_required"]);

    let mut adult = form();
    adult.child.birth_date = Some("2008-11-19".into()); // 18 on 2026-11-20, the first incident
    check(adult, &["not_a_child"]);

    let mut anonymous = form();
    anonymous.applicant = ApplicantForm::default();
    check(anonymous, &["applicant_fields_missing"]);
}

#[test]
fn a_child_on_the_day_of_the_first_incident_is_still_a_child() {
    let mut turned_eighteen_since = form();
    turned_eighteen_since.child.birth_date = Some("2008-11-21".into());
    let case = Case::receive(&turned_eighteen_since, "2026-12-02T10:00:00+05:00");
    assert_eq!(case.state().phase, CasePhase::Registered);
}

#[test]
fn malformed_fields_are_all_reported_and_nothing_is_recorded() {
    let mut bad = form();
    bad.child.birth_date = Some("15.04.2012".into());
    bad.incidents[1].occurred_on = "2027-01-01".into();
    let result = receive_application(
        &bad,
        Channel::Electronic,
        at("2026-12-02T10:00:00+05:00"),
        at("2026-12-02T10:00:00+05:00"),
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    );
    let Err(IntakeError::InvalidFields(errors)) = result else {
        panic!("{result:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(fields, ["child.birth_date", "incidents[1].occurred_on"]);
}

#[test]
fn only_experts_vote_and_votes_must_be_consistent() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let vote = |vote, category| Command::Vote {
        vote,
        category,
        indicators: vec![],
        reasons: "because".into(),
    };
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            vote(VoteChoice::Confirm, Category::Cyberbullying)
        )),
        "not_allowed"
    );
    assert_eq!(
        error_code(case.run(&expert("e1"), vote(VoteChoice::Confirm, Category::None))),
        "vote_category_mismatch"
    );
    assert_eq!(
        error_code(case.run(
            &expert("e1"),
            vote(VoteChoice::NotConfirm, Category::Cyberstalking)
        )),
        "vote_category_mismatch"
    );
    assert_eq!(
        error_code(case.run(
            &expert("e1"),
            Command::Vote {
                vote: VoteChoice::Confirm,
                category: Category::Cyberbullying,
                indicators: vec![CriminalIndicator::ThreatToLifeOrHealth],
                reasons: "x".into(),
            }
        )),
        "indicators_without_criminal"
    );
    assert_eq!(
        error_code(case.run(
            &expert("e1"),
            Command::Vote {
                vote: VoteChoice::Confirm,
                category: Category::Cyberbullying,
                indicators: vec![],
                reasons: "   ".into(),
            }
        )),
        "reason_required"
    );
    // The first vote starts the review; a later vote by the same expert replaces it.
    let events = case.ok(
        &expert("e1"),
        vote(VoteChoice::Confirm, Category::Cyberbullying),
    );
    assert_eq!(events[0], CaseEvent::ReviewStarted);
    case.ok(&expert("e1"), vote(VoteChoice::NotConfirm, Category::None));
    let state = case.state();
    assert_eq!(state.votes.len(), 1);
    assert_eq!(state.votes[0].vote, VoteChoice::NotConfirm);
}

#[test]
fn a_confirmed_decision_issues_one_order_per_owner_at_once() {
    let case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let state = case.state();
    assert_eq!(state.phase, CasePhase::Confirmed);
    let owners: Vec<&str> = state
        .orders
        .iter()
        .map(|order| order.owner.as_str())
        .collect();
    assert_eq!(owners, ["instagram", "telegram"]);
    assert_eq!(state.orders[0].order_id, "QG-2026-000001-1");
    assert!(
        state
            .orders
            .iter()
            .all(|order| order.status == OrderStatus::Issued)
    );
}

#[test]
fn the_prospective_orders_are_the_ones_the_decision_then_issues() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let preview = |case: &Case, actor: &Actor| {
        let state = case.state();
        let regime = Regimes::embedded().get(&state.regime).unwrap();
        let context = Context {
            case_id: "QG-2026-000001",
            now: case.now,
            calendar: WorkingCalendar::embedded(),
            regime,
            actor,
        };
        prospective_orders(&state, &context)
    };
    // Before any vote: the orders a confirmation would issue, nothing recorded.
    let recorded = case.events.len();
    let before = preview(&case, &coordinator()).unwrap();
    assert_eq!(case.events.len(), recorded);
    let owners: Vec<&str> = before.iter().map(|order| order.owner.as_str()).collect();
    assert_eq!(owners, ["instagram", "telegram"]);
    assert_eq!(preview(&case, &chair()).unwrap(), before);
    for who in [expert("e1"), owner("telegram")] {
        assert!(matches!(
            preview(&case, &who),
            Err(ProcedureError::NotAllowed { .. })
        ));
    }
    for who in [expert("e1"), expert("e2"), chair()] {
        case.vote(&who, VoteChoice::Confirm, Category::Cyberbullying);
    }
    assert_eq!(preview(&case, &coordinator()).unwrap(), before);
    case.decide().unwrap();
    assert_eq!(case.state().orders, before);
    assert!(matches!(
        preview(&case, &coordinator()),
        Err(ProcedureError::AlreadyDecided { .. })
    ));
}

#[test]
fn a_second_decision_is_refused_naming_the_first() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let error = case.decide().unwrap_err();
    assert_eq!(
        error,
        ProcedureError::AlreadyDecided {
            decided_at: at("2026-12-02T10:00:00+05:00")
        }
    );
    assert_eq!(
        error_code(case.run(
            &expert("e1"),
            Command::Vote {
                vote: VoteChoice::NotConfirm,
                category: Category::None,
                indicators: vec![],
                reasons: "late".into()
            }
        )),
        "already_decided"
    );
}

#[test]
fn the_decision_needs_a_quorum() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    case.vote(&expert("e1"), VoteChoice::Confirm, Category::Cyberbullying);
    assert!(matches!(
        case.decide(),
        Err(ProcedureError::DecisionRule(_))
    ));
    assert_eq!(case.state().phase, CasePhase::UnderReview);
}

#[test]
fn a_majority_not_to_confirm_decides_not_confirmed_and_orders_nothing() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    case.vote(&expert("e1"), VoteChoice::NotConfirm, Category::None);
    case.vote(&expert("e2"), VoteChoice::NotConfirm, Category::None);
    case.vote(&chair(), VoteChoice::Confirm, Category::Cyberbullying);
    case.decide().unwrap();
    let state = case.state();
    assert_eq!(state.phase, CasePhase::NotConfirmed);
    assert!(state.orders.is_empty());
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::IssueOrders {
                owner: None,
                urls: vec![]
            }
        )),
        "order_needs_confirmed_decision"
    );
}

#[test]
fn cyberbullying_on_one_incident_needs_the_experts_reason() {
    let mut single = form();
    single.incidents.truncate(1);
    let mut case = Case::receive(&single, "2026-12-02T10:00:00+05:00");
    for who in [expert("e1"), expert("e2"), chair()] {
        case.vote(&who, VoteChoice::Confirm, Category::Cyberbullying);
    }
    assert_eq!(
        case.decide().unwrap_err(),
        ProcedureError::NotSystematic { incidents: 1 }
    );

    // An incident in a linked case (same actor or resource) makes it two times…
    let linked = vec![IncidentKey {
        occurred_on: date("2026-10-01"),
        resource_key: None,
    }];
    let decide_linked = Command::Decide {
        group_size: 3,
        linked_incidents: linked,
        override_reason: None,
    };
    let mut with_link = Case {
        events: case.events.clone(),
        now: case.now,
    };
    with_link.ok(&coordinator(), decide_linked);
    assert_eq!(with_link.state().phase, CasePhase::Confirmed);

    // …but the same incident reported again in the linked case does not count twice.
    let same = single.incidents[0].clone();
    let repeated = vec![IncidentKey {
        occurred_on: date(&same.occurred_on),
        resource_key: case.state().application.incidents[0].resource_key.clone(),
    }];
    assert_eq!(
        case.run(
            &coordinator(),
            Command::Decide {
                group_size: 3,
                linked_incidents: repeated,
                override_reason: None
            }
        )
        .unwrap_err(),
        ProcedureError::NotSystematic { incidents: 1 }
    );

    // An explicit reason overrides, and is recorded with the decision.
    let events = case.ok(
        &coordinator(),
        Command::Decide {
            group_size: 3,
            linked_incidents: vec![],
            override_reason: Some("a single post seen by the whole school".into()),
        },
    );
    let CaseEvent::DecisionMade { systematic, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        systematic.override_reason.as_deref(),
        Some("a single post seen by the whole school")
    );
}

#[test]
fn only_the_chair_extends_and_only_within_fifteen_calendar_days() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let extend = |until: &str| Command::Extend {
        until: date(until),
        reason: "expert opinion needed".into(),
    };
    assert_eq!(
        error_code(case.run(&expert("e1"), extend("2026-12-10"))),
        "not_allowed"
    );
    assert_eq!(
        case.run(&chair(), extend("2026-12-18")).unwrap_err(),
        ProcedureError::ExtensionTooLong {
            latest: date("2026-12-17")
        }
    );
    assert_eq!(
        case.run(&chair(), extend("2026-12-07")).unwrap_err(),
        ProcedureError::ExtensionTooShort {
            current: date("2026-12-07")
        }
    );
    case.ok(&chair(), extend("2026-12-17"));
    let state = case.state();
    assert_eq!(state.decision_due.last_day, date("2026-12-17"));
    assert_eq!(state.response_due.last_day, date("2026-12-17"));
    // Extended on Wed 2 Dec: the applicant must be told by Fri 4 Dec.
    let extension = state.extension.as_ref().unwrap();
    assert_eq!(extension.notice_due.last_day, date("2026-12-04"));
    assert_eq!(
        case.run(&chair(), extend("2026-12-16")).unwrap_err(),
        ProcedureError::AlreadyExtended {
            until: date("2026-12-17")
        }
    );
    case.ok(&coordinator(), Command::SendExtensionNotice);
    assert_eq!(
        error_code(case.run(&coordinator(), Command::SendExtensionNotice)),
        "notice_already_sent"
    );
}

#[test]
fn no_extension_after_the_deadline_or_under_order_365() {
    let mut late = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    late.at("2026-12-08T00:00:00+05:00");
    let extend = Command::Extend {
        until: date("2026-12-15"),
        reason: "r".into(),
    };
    assert_eq!(
        error_code(late.run(&chair(), extend.clone())),
        "extension_too_late"
    );

    let mut old = Case::receive(&form_dated("2024-11-20"), "2024-12-02T10:00:00+05:00");
    assert_eq!(old.state().regime, "order-365");
    assert_eq!(
        error_code(old.run(&chair(), extend)),
        "extension_not_provided"
    );
}

#[test]
fn removal_runs_twenty_four_hours_from_delivery() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let order = "QG-2026-000001-2".to_owned();
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::Acknowledge {
                order_id: order.clone()
            }
        )),
        "order_wrong_status"
    );
    case.at("2026-12-02T11:00:00+05:00").ok(
        &coordinator(),
        Command::RecordDelivery {
            order_id: order.clone(),
            delivered_at: None,
            channel: "email".into(),
        },
    );
    assert_eq!(
        case.state().order(&order).unwrap().removal_due,
        Some(at("2026-12-03T11:00:00+05:00"))
    );
    // Another owner cannot act on Telegram's order; Telegram can.
    assert_eq!(
        error_code(case.run(
            &owner("instagram"),
            Command::Acknowledge {
                order_id: order.clone()
            }
        )),
        "not_allowed"
    );
    case.ok(
        &owner("telegram"),
        Command::Acknowledge {
            order_id: order.clone(),
        },
    );
    case.ok(
        &owner("telegram"),
        Command::ReportRemoval {
            order_id: order.clone(),
            removed_urls: vec![],
            note: None,
        },
    );
    case.ok(
        &coordinator(),
        Command::VerifyRemoval {
            order_id: order.clone(),
            result: VerificationResult::Removed,
            note: None,
        },
    );
    assert_eq!(
        case.state().order(&order).unwrap().status,
        OrderStatus::Removed
    );
}

#[test]
fn non_compliance_escalates_step_by_step_on_schedule() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let order = "QG-2026-000001-1".to_owned();
    case.ok(
        &coordinator(),
        Command::RecordDelivery {
            order_id: order.clone(),
            delivered_at: None,
            channel: "email".into(),
        },
    );
    let not_complied = Command::RecordNonCompliance {
        order_id: order.clone(),
    };
    assert_eq!(
        error_code(
            case.at("2026-12-03T09:59:00+05:00")
                .run(&coordinator(), not_complied)
        ),
        "removal_not_due"
    );

    // After the deadline a check that finds the content records non-compliance itself.
    let events = case.at("2026-12-03T10:00:00+05:00").ok(
        &coordinator(),
        Command::VerifyRemoval {
            order_id: order.clone(),
            result: VerificationResult::StillPresent,
            note: None,
        },
    );
    assert!(matches!(events[1], CaseEvent::OrderNotComplied { .. }));

    let escalate = || Command::Escalate {
        order_id: order.clone(),
        early_reason: None,
    };
    let expected = [
        ("2026-12-03T10:00:00+05:00", EscalationKind::Reminder),
        ("2026-12-04T10:00:00+05:00", EscalationKind::RepeatedOrder),
        (
            "2026-12-06T10:00:00+05:00",
            EscalationKind::AdministrativeOffence,
        ),
        (
            "2026-12-10T10:00:00+05:00",
            EscalationKind::AccessRestrictionRequest,
        ),
    ];
    for (step, (when, kind)) in expected.iter().enumerate() {
        if step > 0 {
            // A minute early, without a reason, is refused.
            let early = at(when)
                .checked_sub(jiff::SignedDuration::from_mins(1))
                .unwrap();
            case.now = early;
            assert_eq!(
                case.run(&coordinator(), escalate()).unwrap_err(),
                ProcedureError::EscalationNotDue { due: at(when) }
            );
        }
        let events = case.at(when).ok(&coordinator(), escalate());
        let CaseEvent::EscalationStepTaken {
            kind: taken,
            step: number,
            ..
        } = &events[0]
        else {
            panic!()
        };
        assert_eq!((taken, *number), (kind, step as u32 + 1));
    }
    assert_eq!(
        error_code(case.run(&coordinator(), escalate())),
        "ladder_exhausted"
    );
}

#[test]
fn acting_early_needs_a_reason_that_is_recorded() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let order = "QG-2026-000001-1".to_owned();
    case.ok(
        &coordinator(),
        Command::RecordDelivery {
            order_id: order.clone(),
            delivered_at: None,
            channel: "email".into(),
        },
    );
    case.at("2026-12-03T10:00:00+05:00").ok(
        &coordinator(),
        Command::RecordNonCompliance {
            order_id: order.clone(),
        },
    );
    case.ok(
        &coordinator(),
        Command::Escalate {
            order_id: order.clone(),
            early_reason: None,
        },
    );
    let events = case.ok(
        &coordinator(),
        Command::Escalate {
            order_id: order.clone(),
            early_reason: Some("the content went viral".into()),
        },
    );
    let CaseEvent::EscalationStepTaken { early_reason, .. } = &events[0] else {
        panic!()
    };
    assert_eq!(early_reason.as_deref(), Some("the content went viral"));
}

/// A delivered order whose removal deadline passed unmet at 2026-12-03 11:00.
fn not_complied() -> (Case, String) {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let order = "QG-2026-000001-1".to_owned();
    case.at("2026-12-02T11:00:00+05:00").ok(
        &coordinator(),
        Command::RecordDelivery {
            order_id: order.clone(),
            delivered_at: None,
            channel: "webhook".into(),
        },
    );
    case.at("2026-12-03T11:00:00+05:00").ok(
        &coordinator(),
        Command::RecordNonCompliance {
            order_id: order.clone(),
        },
    );
    (case, order)
}

#[test]
fn a_paused_ladder_stops_the_scheduler_and_moves_later_steps_by_the_pause() {
    let (mut case, order) = not_complied();
    let system = Actor::system();
    let regime = Regimes::embedded().get(&case.state().regime).unwrap();
    let escalate = || Command::Escalate {
        order_id: order.clone(),
        early_reason: None,
    };
    // Step 1 (reminder) at the deadline; step 2 a day later.
    case.at("2026-12-03T11:00:00+05:00").ok(&system, escalate());
    let pause = Command::PauseEscalation {
        order_id: order.clone(),
        reason: "  ".into(),
    };
    assert_eq!(
        error_code(case.run(&coordinator(), pause)),
        "reason_required"
    );
    assert_eq!(
        error_code(case.run(
            &system,
            Command::PauseEscalation {
                order_id: order.clone(),
                reason: "the owner asked for a court ruling".into(),
            }
        )),
        "not_allowed"
    );
    case.at("2026-12-03T12:00:00+05:00").ok(
        &coordinator(),
        Command::PauseEscalation {
            order_id: order.clone(),
            reason: "the owner asked for a court ruling".into(),
        },
    );
    assert_eq!(
        case.state()
            .order(&order)
            .unwrap()
            .escalation_due(regime, 1),
        None
    );
    // While paused the scheduler takes no step, even when it falls due…
    assert_eq!(
        error_code(
            case.at("2026-12-04T11:00:00+05:00")
                .run(&system, escalate())
        ),
        "escalation_paused"
    );
    // … and pausing twice is refused.
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::PauseEscalation {
                order_id: order.clone(),
                reason: "again".into(),
            }
        )),
        "escalation_paused"
    );
    // Resumed after 48 hours: step 2 moves from 12-04 11:00 to 12-06 11:00.
    case.at("2026-12-05T12:00:00+05:00").ok(
        &coordinator(),
        Command::ResumeEscalation {
            order_id: order.clone(),
        },
    );
    let state = case.state();
    let moved = state.order(&order).unwrap();
    assert_eq!(
        moved.escalation_due(regime, 1),
        Some(at("2026-12-06T11:00:00+05:00"))
    );
    assert_eq!(
        case.at("2026-12-06T10:59:00+05:00")
            .run(&system, escalate())
            .unwrap_err(),
        ProcedureError::EscalationNotDue {
            due: at("2026-12-06T11:00:00+05:00")
        }
    );
    let events = case.at("2026-12-06T11:00:00+05:00").ok(&system, escalate());
    assert!(matches!(
        events[0],
        CaseEvent::EscalationStepTaken {
            step: 2,
            kind: EscalationKind::RepeatedOrder,
            ..
        }
    ));
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::ResumeEscalation {
                order_id: order.clone()
            }
        )),
        "escalation_not_paused"
    );
}

#[test]
fn a_coordinator_may_still_act_on_a_paused_ladder_with_a_reason() {
    let (mut case, order) = not_complied();
    case.ok(
        &coordinator(),
        Command::PauseEscalation {
            order_id: order.clone(),
            reason: "waiting for the platform's legal team".into(),
        },
    );
    let events = case.at("2026-12-03T11:30:00+05:00").ok(
        &coordinator(),
        Command::Escalate {
            order_id: order.clone(),
            early_reason: Some("the content is spreading".into()),
        },
    );
    assert!(matches!(events[0], CaseEvent::EscalationStepTaken { .. }));
}

#[test]
fn the_first_delivered_order_notice_starts_the_removal_clock_once() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let order = "QG-2026-000001-1".to_owned();
    let system = Actor::system();
    let notice = |delivery_id: &str, channel: &str| Command::RecordNotice {
        delivery_id: delivery_id.into(),
        notice: "order.issued".into(),
        audience: "owner".into(),
        channel: channel.into(),
        order_id: Some(order.clone()),
    };
    assert_eq!(
        error_code(case.run(&coordinator(), notice("msg_1", "webhook"))),
        "not_allowed"
    );
    let events = case
        .at("2026-12-02T10:00:05+05:00")
        .ok(&system, notice("msg_1", "webhook"));
    assert_eq!(events.len(), 2);
    assert!(matches!(
        &events[1],
        CaseEvent::OrderDelivered { channel, removal_due, .. }
            if channel == "webhook" && *removal_due == at("2026-12-03T10:00:05+05:00")
    ));
    // The same delivery recorded again (a worker that died after recording)
    // records nothing; the e-mail of the same order is recorded, and does not
    // move the clock.
    assert!(case.ok(&system, notice("msg_1", "webhook")).is_empty());
    let events = case
        .at("2026-12-02T10:00:09+05:00")
        .ok(&system, notice("msg_2", "email"));
    assert_eq!(events.len(), 1);
    let state = case.state();
    assert_eq!(state.notices.len(), 2);
    assert_eq!(
        state.order(&order).unwrap().removal_due,
        Some(at("2026-12-03T10:00:05+05:00"))
    );
    assert_eq!(
        error_code(case.run(
            &system,
            Command::RecordNotice {
                delivery_id: "msg_3".into(),
                notice: "order.issued".into(),
                audience: "owner".into(),
                channel: "email".into(),
                order_id: Some("QG-2026-000001-9".into()),
            }
        )),
        "unknown_order"
    );
}

#[test]
fn the_applicants_letter_delivered_records_the_response() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    let events = case.at("2026-12-02T10:01:00+05:00").ok(
        &Actor::system(),
        Command::RecordNotice {
            delivery_id: "msg_9".into(),
            notice: "response".into(),
            audience: "applicant".into(),
            channel: "email".into(),
            order_id: None,
        },
    );
    assert!(matches!(
        &events[1],
        CaseEvent::ResponseSent { channel, .. } if channel == "email"
    ));
    assert_eq!(
        case.state().response_sent_at,
        Some(at("2026-12-02T10:01:00+05:00"))
    );
}

#[test]
fn a_reminder_is_recorded_once_per_deadline() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let due = case.state().decision_due.due_at;
    let remind = || Command::RemindStaff {
        deadline: "decision_due".into(),
        due,
        recipients: 4,
    };
    assert_eq!(case.ok(&Actor::system(), remind()).len(), 1);
    assert!(case.ok(&Actor::system(), remind()).is_empty());
    assert_eq!(case.state().reminders.len(), 1);
}

#[test]
fn closing_needs_the_response_and_settled_orders() {
    let mut case = Case::confirmed("2026-12-02T10:00:00+05:00");
    assert_eq!(
        case.run(&coordinator(), Command::Close).unwrap_err(),
        ProcedureError::NotReadyToClose {
            why: "response_not_sent"
        }
    );
    case.ok(
        &coordinator(),
        Command::SendResponse {
            channel: "email".into(),
        },
    );
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::SendResponse {
                channel: "email".into()
            }
        )),
        "response_already_sent"
    );
    assert_eq!(
        case.run(&coordinator(), Command::Close).unwrap_err(),
        ProcedureError::NotReadyToClose { why: "orders_open" }
    );
    for order in ["QG-2026-000001-1", "QG-2026-000001-2"] {
        case.ok(
            &coordinator(),
            Command::RecordDelivery {
                order_id: order.into(),
                delivered_at: None,
                channel: "webhook".into(),
            },
        );
        case.ok(
            &coordinator(),
            Command::VerifyRemoval {
                order_id: order.into(),
                result: VerificationResult::Removed,
                note: None,
            },
        );
    }
    case.ok(&coordinator(), Command::Close);
    assert_eq!(case.state().phase, CasePhase::Closed);
    assert_eq!(
        case.run(&coordinator(), Command::StartReview).unwrap_err(),
        ProcedureError::WrongPhase {
            action: "change",
            phase: CasePhase::Closed
        }
    );
}

#[test]
fn a_response_needs_an_outcome_and_goes_out_in_the_applications_language() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    assert_eq!(
        error_code(case.run(
            &coordinator(),
            Command::SendResponse {
                channel: "email".into()
            }
        )),
        "response_before_outcome"
    );
    let mut refused = form();
    refused.resources.clear();
    refused
        .incidents
        .iter_mut()
        .for_each(|incident| incident.resource_url = None);
    let mut case = Case::receive(&refused, "2026-12-02T10:00:00+05:00");
    let events = case.ok(
        &coordinator(),
        Command::SendResponse {
            channel: "post".into(),
        },
    );
    assert!(matches!(
        events[0],
        CaseEvent::ResponseSent {
            language: crate::message::Language::Ru,
            ..
        }
    ));
    case.ok(&coordinator(), Command::Close);
}

#[test]
fn referral_needs_stalking_or_criminal_indicators() {
    let mut bullying = Case::confirmed("2026-12-02T10:00:00+05:00");
    let refer = Command::ReferToLawEnforcement {
        authority: "Police of Almaty".into(),
        note: None,
    };
    assert_eq!(
        error_code(bullying.run(&coordinator(), refer.clone())),
        "referral_not_warranted"
    );

    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    for who in [expert("e1"), expert("e2"), chair()] {
        case.ok(
            &who,
            Command::Vote {
                vote: VoteChoice::Confirm,
                category: Category::Criminal,
                indicators: vec![CriminalIndicator::IncitementToSuicideOrSelfHarm],
                reasons: "urges the child to self-harm".into(),
            },
        );
    }
    let events = case.decide().unwrap();
    let CaseEvent::DecisionMade {
        outcome,
        indicators,
        ..
    } = &events[0]
    else {
        panic!()
    };
    assert_eq!(*outcome, Outcome::Confirmed);
    assert_eq!(
        indicators,
        &[CriminalIndicator::IncitementToSuicideOrSelfHarm]
    );
    case.ok(&coordinator(), refer.clone());
    assert_eq!(
        error_code(case.run(&coordinator(), refer)),
        "already_referred"
    );
}

#[test]
fn a_referral_package_records_its_pdf_and_records_without_one_still_fold() {
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    for who in [expert("e1"), expert("e2"), chair()] {
        case.ok(
            &who,
            Command::Vote {
                vote: VoteChoice::Confirm,
                category: Category::Cyberstalking,
                indicators: vec![],
                reasons: "pursuit".into(),
            },
        );
    }
    case.decide().unwrap();
    let prepared = |pdf_digest: Option<&str>| {
        Command::PrepareReferral(super::PreparedReferral {
            evidence_id: "ev-package".into(),
            language: crate::message::Language::Kk,
            digest: "sha256:aa".into(),
            size: 10,
            linked_cases: vec![],
            pdf_digest: pdf_digest.map(str::to_owned),
        })
    };
    assert_eq!(
        error_code(case.run(&expert("e1"), prepared(Some("sha256:bb")))),
        "not_referred"
    );
    case.ok(
        &coordinator(),
        Command::ReferToLawEnforcement {
            authority: "Police of Almaty".into(),
            note: None,
        },
    );
    let events = case.ok(&expert("e1"), prepared(Some("sha256:bb")));
    let payload = crate::record::canonical_json(&events[1]).unwrap();
    assert!(
        payload.contains("\"pdf_digest\":\"sha256:bb\""),
        "{payload}"
    );
    let packages = case.state().referral_packages;
    assert_eq!(packages[0].pdf_digest.as_deref(), Some("sha256:bb"));

    // A record written before packages had a PDF: the same payload, byte for
    // byte, when it is read back and written again (the hash chain covers the
    // stored payload), and it still folds.
    let mut older: serde_json::Value = serde_json::from_str(&payload).unwrap();
    older.as_object_mut().unwrap().remove("pdf_digest");
    let older_payload = older.to_string();
    let event: CaseEvent = serde_json::from_str(&older_payload).unwrap();
    assert_eq!(
        crate::record::canonical_json(&event).unwrap(),
        older_payload
    );
    let last = case.events.len() - 1;
    case.events[last] = event;
    let packages = case.state().referral_packages;
    assert_eq!(packages[0].evidence_id, "ev-package");
    assert_eq!(packages[0].pdf_digest, None);
}

// ---------------------------------------------------------------------------
// Property: no sequence of commands reaches a forbidden state.

fn arbitrary_actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(coordinator()),
        Just(expert("e1")),
        Just(expert("e2")),
        Just(chair()),
        Just(owner("telegram")),
        Just(owner("instagram")),
    ]
}

fn arbitrary_command() -> impl Strategy<Value = Command> {
    let order = prop_oneof![
        Just("QG-2026-000001-1".to_owned()),
        Just("QG-2026-000001-2".to_owned())
    ];
    let category = prop_oneof![
        Just(Category::Cyberbullying),
        Just(Category::Cyberstalking),
        Just(Category::Criminal),
        Just(Category::None)
    ];
    prop_oneof![
        Just(Command::StartReview),
        (0u32..20).prop_map(|days| Command::Extend {
            until: crate::deadline::calendar_days_after(date("2026-12-02"), days),
            reason: "r".into()
        }),
        Just(Command::SendExtensionNotice),
        (any::<bool>(), category).prop_map(|(confirm, category)| Command::Vote {
            vote: if confirm {
                VoteChoice::Confirm
            } else {
                VoteChoice::NotConfirm
            },
            category,
            indicators: vec![],
            reasons: "r".into()
        }),
        (1u32..5, proptest::option::of(Just("override".to_owned()))).prop_map(|(size, reason)| {
            Command::Decide {
                group_size: size,
                linked_incidents: vec![],
                override_reason: reason,
            }
        }),
        Just(Command::IssueOrders {
            owner: None,
            urls: vec![]
        }),
        order.clone().prop_map(|order_id| Command::RecordDelivery {
            order_id,
            delivered_at: None,
            channel: "email".into()
        }),
        order
            .clone()
            .prop_map(|order_id| Command::Acknowledge { order_id }),
        order.clone().prop_map(|order_id| Command::ReportRemoval {
            order_id,
            removed_urls: vec![],
            note: None
        }),
        (
            order.clone(),
            prop_oneof![
                Just(VerificationResult::Removed),
                Just(VerificationResult::StillPresent),
                Just(VerificationResult::Unreachable)
            ]
        )
            .prop_map(|(order_id, result)| Command::VerifyRemoval {
                order_id,
                result,
                note: None
            }),
        order
            .clone()
            .prop_map(|order_id| Command::RecordNonCompliance { order_id }),
        (order.clone(), any::<bool>()).prop_map(|(order_id, early)| Command::Escalate {
            order_id,
            early_reason: early.then(|| "urgent".to_owned())
        }),
        order.clone().prop_map(|order_id| Command::PauseEscalation {
            order_id,
            reason: "pause".to_owned()
        }),
        order.prop_map(|order_id| Command::ResumeEscalation { order_id }),
        Just(Command::ReferToLawEnforcement {
            authority: "police".into(),
            note: None
        }),
        Just(Command::SendResponse {
            channel: "email".into()
        }),
        Just(Command::Close),
    ]
}

/// What must hold of every reachable state.
fn check_invariants(state: &CaseState, ladder: usize) -> Result<(), String> {
    let decided = state.decision.is_some();
    match state.phase {
        CasePhase::Received => return Err("intake always ends refused or registered".into()),
        CasePhase::Refused => {
            if state.refusal.is_empty() || decided {
                return Err("a refused case has reasons and no decision".into());
            }
        }
        CasePhase::Registered | CasePhase::UnderReview => {
            if decided || !state.orders.is_empty() {
                return Err("undecided cases have no decision and no orders".into());
            }
        }
        CasePhase::Confirmed => {
            if state.decision.as_ref().map(|decision| decision.outcome) != Some(Outcome::Confirmed)
            {
                return Err("confirmed phase without a confirmed decision".into());
            }
        }
        CasePhase::NotConfirmed => {
            if !state.orders.is_empty() {
                return Err("orders on a case that was not confirmed".into());
            }
        }
        CasePhase::Closed => {
            if state.response_sent_at.is_none() {
                return Err("closed without a response".into());
            }
            if state.orders.iter().any(|order| !order.is_settled(ladder)) {
                return Err("closed with an open order".into());
            }
        }
    }
    if !state.votes.is_empty() && !state.review_started {
        return Err("votes before the review started".into());
    }
    if state.response_sent_at.is_some() && !decided && state.refusal.is_empty() {
        return Err("a response before any outcome".into());
    }
    let mut urls: Vec<&String> = state.orders.iter().flat_map(|order| &order.urls).collect();
    let total = urls.len();
    urls.sort();
    urls.dedup();
    if urls.len() != total {
        return Err("a URL in two orders".into());
    }
    for order in &state.orders {
        if order.escalations.len() > ladder {
            return Err("more escalation steps than the ladder has".into());
        }
        if !order.escalations.is_empty() && order.not_complied_at.is_none() {
            return Err("escalation without recorded non-compliance".into());
        }
        if order.status != OrderStatus::Issued && order.delivered_at.is_none() {
            return Err("an order acted on before delivery".into());
        }
    }
    if state
        .extension
        .as_ref()
        .is_some_and(|extension| extension.until > date("2026-12-17"))
    {
        return Err("an extension beyond 15 calendar days".into());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_command_sequence_reaches_a_forbidden_state(
        steps in proptest::collection::vec((arbitrary_actor(), arbitrary_command(), 0i64..40), 1..60)
    ) {
        let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
        let ladder = Regimes::embedded().get("order-562-nk").unwrap().escalation.len();
        for (actor, command, hours_later) in steps {
            case.now = case.now.checked_add(jiff::SignedDuration::from_hours(hours_later)).unwrap();
            let before = case.events.len();
            if case.run(&actor, command).is_err() {
                // A refused command writes nothing.
                prop_assert_eq!(case.events.len(), before);
            }
            // The fold of the whole record agrees with what was checked.
            let state = CaseState::replay(&case.events).map_err(|error| TestCaseError::fail(error.to_string()))?;
            check_invariants(&state, ladder).map_err(TestCaseError::fail)?;
        }
    }
}

// Evidence events: facts the system records; the fold keeps one item per id.

fn evidence_captured(
    evidence_id: &str,
    kind: super::EvidenceKind,
    original: Option<&str>,
) -> CaseEvent {
    CaseEvent::EvidenceCaptured {
        evidence_id: evidence_id.into(),
        kind,
        url: "https://t.me/school_memes_kz".into(),
        digest: format!("sha256:{}", "ab".repeat(32)),
        size: 100,
        captured_at: at("2026-12-02T10:01:00+05:00"),
        log_index: 4,
        http_status: 200,
        problem: None,
        original_id: original.map(str::to_owned),
        original_digest: original.map(|_| format!("sha256:{}", "ab".repeat(32))),
        fingerprint: None,
        browser: None,
        stripped: None,
    }
}

#[test]
fn an_evidence_event_names_every_blob_it_keeps_and_no_other() {
    use super::{BrowserSnapshot, EvidenceKind, StrippedCopy};
    let digest = |byte: &str| format!("sha256:{}", byte.repeat(32));
    let mut event = evidence_captured("ev_2", EvidenceKind::Recapture, Some("ev_1"));
    // The original's file is named by the original's own event.
    assert_eq!(event.kept_blobs(), [digest("ab")]);
    if let CaseEvent::EvidenceCaptured {
        fingerprint,
        browser,
        stripped,
        ..
    } = &mut event
    {
        *fingerprint = Some(digest("01"));
        *browser = Some(BrowserSnapshot {
            screenshot: digest("02"),
            screenshot_size: 10,
            dom: digest("03"),
            dom_size: 20,
        });
        *stripped = Some(StrippedCopy {
            digest: digest("04"),
            size: 90,
            media_type: "image/jpeg".into(),
            removed: vec!["exif".into()],
        });
    }
    assert_eq!(
        event.kept_blobs(),
        [
            digest("ab"),
            digest("01"),
            digest("02"),
            digest("03"),
            digest("04")
        ]
    );
    let refused = CaseEvent::CaptureFailed {
        evidence_id: "ev_3".into(),
        kind: EvidenceKind::Capture,
        url: "https://t.me/school_memes_kz".into(),
        reason: "dns".into(),
        attempt: 1,
        failed_at: at("2026-12-02T10:00:30+05:00"),
        retry_at: None,
    };
    assert!(refused.kept_blobs().is_empty());
}

#[test]
fn evidence_items_fold_from_failures_to_a_capture_and_a_recheck() {
    use super::{EvidenceKind, EvidenceStatus};
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    let failed = |attempt: u32, retry: Option<&str>| CaseEvent::CaptureFailed {
        evidence_id: "ev_1".into(),
        kind: EvidenceKind::Capture,
        url: "https://t.me/school_memes_kz".into(),
        reason: "dns".into(),
        attempt,
        failed_at: at("2026-12-02T10:00:30+05:00"),
        retry_at: retry.map(at),
    };
    case.events
        .push(failed(1, Some("2026-12-02T10:01:30+05:00")));
    let item = case.state().evidence[0].clone();
    assert_eq!(
        (item.status, item.attempts, item.reason.as_deref()),
        (EvidenceStatus::Failed, 1, Some("dns"))
    );
    assert!(!item.is_settled());
    case.events
        .push(evidence_captured("ev_1", EvidenceKind::Capture, None));
    let state = case.state();
    assert_eq!(state.evidence.len(), 1);
    let item = &state.evidence[0];
    assert_eq!(
        (item.status, item.log_index, item.reason.as_deref()),
        (EvidenceStatus::Ok, Some(4), None)
    );
    assert!(item.is_settled());
    // Captured once; a re-capture names a captured original.
    let mut twice = case.events.clone();
    twice.push(evidence_captured("ev_1", EvidenceKind::Capture, None));
    assert!(CaseState::replay(&twice).is_err());
    let mut orphan = case.events.clone();
    orphan.push(evidence_captured(
        "ev_2",
        EvidenceKind::Recapture,
        Some("ev_unknown"),
    ));
    assert!(CaseState::replay(&orphan).is_err());
    let mut late_failure = case.events.clone();
    late_failure.push(failed(2, None));
    assert!(CaseState::replay(&late_failure).is_err());
    // A recheck needs its order.
    let mut recheck = case.events.clone();
    recheck.push(evidence_captured(
        "ev_2",
        EvidenceKind::Recapture,
        Some("ev_1"),
    ));
    recheck.push(CaseEvent::RemovalRechecked {
        order_id: "QG-2026-000001-1".into(),
        evidence_id: "ev_2".into(),
        url: "https://t.me/school_memes_kz".into(),
        result: VerificationResult::Removed,
        reason: "http_404".into(),
        checked_at: at("2026-12-03T10:00:00+05:00"),
    });
    assert!(CaseState::replay(&recheck).is_err());
    // A kept capture with a problem (a 403 login wall) is also a failed
    // attempt: one `capture_failed` after it says it is retried (the retry
    // records under another item) or given up; the file stays the item's.
    let mut walled = case.events[..case.events.len() - 2].to_vec();
    let mut login_wall = evidence_captured("ev_1", EvidenceKind::Capture, None);
    if let CaseEvent::EvidenceCaptured {
        problem,
        http_status,
        ..
    } = &mut login_wall
    {
        *problem = Some("http_status".into());
        *http_status = 403;
    }
    walled.push(login_wall);
    let mut retried = failed(1, Some("2026-12-02T10:02:00+05:00"));
    if let CaseEvent::CaptureFailed { reason, .. } = &mut retried {
        *reason = "http_status".into();
    }
    walled.push(retried.clone());
    let state = CaseState::replay(&walled).unwrap();
    let item = &state.evidence[0];
    assert_eq!(
        (
            item.status,
            item.reason.as_deref(),
            item.digest.is_some(),
            item.attempts,
            item.retry_at.is_some()
        ),
        (EvidenceStatus::Failed, Some("http_status"), true, 1, true)
    );
    assert!(item.is_settled());
    // Said once: the same attempt again is refused.
    let mut again = walled.clone();
    again.push(retried);
    assert!(CaseState::replay(&again).is_err());
    // The events carry their type names.
    assert_eq!(recheck[recheck.len() - 1].type_name(), "removal_rechecked");
    assert_eq!(recheck[recheck.len() - 2].type_name(), "evidence_captured");
    assert_eq!(failed(1, None).type_name(), "capture_failed");
}

#[test]
fn an_upload_names_its_copy_without_metadata_and_nothing_else_does() {
    use super::{EvidenceKind, StrippedCopy};
    let copy = StrippedCopy {
        digest: format!("sha256:{}", "cd".repeat(32)),
        size: 80,
        media_type: "image/jpeg".into(),
        removed: vec!["exif".into(), "xmp".into()],
    };
    let with_copy = |kind| {
        let mut event = evidence_captured("ev_1", kind, None);
        if let CaseEvent::EvidenceCaptured { stripped, .. } = &mut event {
            *stripped = Some(copy.clone());
        }
        event
    };
    let mut case = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    case.events.push(with_copy(EvidenceKind::Upload));
    let item = case.state().evidence[0].clone();
    assert_eq!(item.stripped.as_ref(), Some(&copy));
    // The upload's own digest and size stay the original's.
    assert_eq!(item.digest, Some(format!("sha256:{}", "ab".repeat(32))));
    assert_eq!(item.size, Some(100));
    let mut capture = Case::receive(&form(), "2026-12-02T10:00:00+05:00");
    capture.events.push(with_copy(EvidenceKind::Capture));
    assert!(CaseState::replay(&capture.events).is_err());
    // An event without the field reads as before and writes as before: the
    // bytes (and so the hash) of events recorded earlier do not change.
    let without = evidence_captured("ev_1", EvidenceKind::Upload, None);
    let json = serde_json::to_string(&without).unwrap();
    assert!(!json.contains("stripped"), "{json}");
    assert_eq!(serde_json::from_str::<CaseEvent>(&json).unwrap(), without);
    let json = serde_json::to_string(&with_copy(EvidenceKind::Upload)).unwrap();
    assert!(
        json.contains(r#""stripped":{"digest":"sha256:cdcd"#)
            && json.contains(r#""media_type":"image/jpeg","removed":["exif","xmp"]}"#),
        "{json}"
    );
}
