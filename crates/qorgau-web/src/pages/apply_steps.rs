//! The application form as short grouped steps (GOV.UK Design System: question
//! pages, "add another", check answers), without JavaScript and without drafts
//! on the server.
//!
//! Every step is a `POST /apply/step`: the answers of the other steps travel in
//! hidden fields, never in the URL, so a child's name lands in no log, history
//! or `Referer`. The last page ("check your answers") posts everything, with
//! the evidence files chosen there (files cannot travel in hidden fields), to
//! the one `POST /apply` that has always taken the whole form at once.
//!
//! A step checks its own fields with the domain's rules: the whole form is
//! parsed by `parse_application` and judged by `refusal_reasons`, and each
//! problem is shown on the step that holds its field. The web decides only
//! which step a field is on.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use qorgau_domain::application::{RefusalReason, parse_application, refusal_reasons};
use qorgau_domain::message::Message;
use qorgau_domain::regime::Regimes;

use super::apply::{FormState, Posted, form_field, posted, to_application};
use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

/// How many links and incidents the form offers slots for. The law needs one
/// resource and "two or more" incidents; ten of each covers a case on a page
/// a phone can still scroll, and more can be told in a description.
pub(crate) const MAX_RESOURCES: usize = 10;
pub(crate) const MAX_INCIDENTS: usize = 10;

/// The parts of an incident slot, as named in the form (`incident_2_date`).
const INCIDENT_PARTS: [&str; 4] = ["date", "resource", "actor", "description"];

/// The steps, in order. The number is what the form's hidden `step` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    You = 1,
    Child = 2,
    WhereWhat = 3,
    Contact = 4,
    Check = 5,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::You,
        Step::Child,
        Step::WhereWhat,
        Step::Contact,
        Step::Check,
    ];

    fn from_number(text: &str) -> Step {
        Step::ALL
            .into_iter()
            .find(|step| step.number().to_string() == text.trim())
            .unwrap_or(Step::You)
    }

    pub(crate) fn number(self) -> u8 {
        self as u8
    }

    fn next(self) -> Step {
        Step::ALL
            .into_iter()
            .find(|step| *step > self)
            .unwrap_or(Step::Check)
    }

    fn previous(self) -> Step {
        Step::ALL
            .into_iter()
            .rev()
            .find(|step| *step < self)
            .unwrap_or(Step::You)
    }

    /// The page's heading (and the check page's section title).
    fn title(self) -> &'static str {
        match self {
            Step::You => "apply-you",
            Step::Child => "apply-child",
            Step::WhereWhat => "apply-step-where-what",
            Step::Contact => "apply-contact",
            Step::Check => "apply-check-title",
        }
    }

    /// The step a form field is asked on.
    pub(crate) fn of_field(field: &str) -> Step {
        match field {
            "applicant_name" | "relation" => Step::You,
            "child_name" | "child_birth_date" => Step::Child,
            "email" | "phone" | "consent" => Step::Contact,
            "evidence" => Step::Check,
            _ if field.starts_with("resource_") || field.starts_with("incident_") => {
                Step::WhereWhat
            }
            _ => Step::You,
        }
    }
}

/// Every answer field the steps carry: nothing else a request sends is
/// echoed back into a page.
fn answer_fields() -> Vec<String> {
    let mut fields: Vec<String> = [
        "applicant_name",
        "relation",
        "child_name",
        "child_birth_date",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    fields.extend((1..=MAX_RESOURCES).map(|number| format!("resource_{number}")));
    for number in 1..=MAX_INCIDENTS {
        fields.extend(
            INCIDENT_PARTS
                .iter()
                .map(|part| format!("incident_{number}_{part}")),
        );
    }
    fields.extend(["email", "phone", "consent"].map(str::to_owned));
    fields
}

fn filled(values: &HashMap<String, String>, field: &str) -> bool {
    values
        .get(field)
        .is_some_and(|value| !value.trim().is_empty())
}

/// How many slots to show: what the form said it showed, at least `least`
/// and every slot that holds an answer, at most `max`.
fn slots(
    values: &HashMap<String, String>,
    count_field: &str,
    least: usize,
    max: usize,
    is_filled: impl Fn(usize) -> bool,
) -> usize {
    // `least` is the first page's offer; once the form says how many slots
    // it showed (after an "add" or a "remove"), that number stands.
    let declared = values
        .get(count_field)
        .and_then(|value| value.trim().parse::<usize>().ok());
    let highest = (1..=max)
        .rev()
        .find(|number| is_filled(*number))
        .unwrap_or(0);
    declared.unwrap_or(least).max(highest).max(1).min(max)
}

fn resource_slots(values: &HashMap<String, String>) -> usize {
    slots(values, "resource_count", 1, MAX_RESOURCES, |number| {
        filled(values, &format!("resource_{number}"))
    })
}

fn incident_slots(values: &HashMap<String, String>) -> usize {
    // Two to start with: bullying is "two or more times" (PRODUCT.md).
    slots(values, "incident_count", 2, MAX_INCIDENTS, |number| {
        INCIDENT_PARTS
            .iter()
            .any(|part| filled(values, &format!("incident_{number}_{part}")))
    })
}

/// Removes slot `number` of `count`, moving the later slots up one place.
/// `parts` are the names `field` builds a slot's fields from (an incident's
/// four; a link slot has one field, so its one part is unnamed).
fn remove_slot(
    values: &mut HashMap<String, String>,
    number: usize,
    count: usize,
    field: impl Fn(usize, &str) -> String,
    parts: &[&str],
) {
    for at in number..count {
        for part in parts {
            match values.remove(&field(at + 1, part)) {
                Some(value) => values.insert(field(at, part), value),
                None => values.remove(&field(at, part)),
            };
        }
    }
    for part in parts {
        values.remove(&field(count, part));
    }
}

/// Everything wrong with the answers, each on its form field, by the
/// domain's rules: the field errors of `parse_application`, then (on the
/// answers with those fields left out) the grounds of `refusal_reasons`,
/// and the consent the web form asks for.
pub(crate) fn problems(values: &HashMap<String, String>, today: Date) -> Vec<(String, Message)> {
    let (application, resource_ids, incident_numbers) = to_application(values);
    let mut found: Vec<(String, Message)> = Vec::new();
    let parsed = match parse_application(&application, today) {
        Ok(parsed) => Some(parsed),
        Err(errors) => {
            for error in errors {
                let field = form_field(&error.field, &resource_ids, &incident_numbers);
                found.push((field, error.message));
            }
            // The grounds for refusal are judged on what is valid, so a step
            // learns what it lacks even while another step has a typo.
            let mut valid = values.clone();
            for (field, _) in &found {
                valid.remove(field);
            }
            let (application, _, _) = to_application(&valid);
            parse_application(&application, today).ok()
        }
    };
    if let Some(parsed) = parsed {
        let regime = Regimes::embedded().in_force_on(today).ok();
        for reason in refusal_reasons(&parsed, today) {
            for (field, message) in refusal_problems(&reason, regime, &incident_numbers, values) {
                if !found.iter().any(|(known, _)| *known == field) {
                    found.push((field, message));
                }
            }
        }
    }
    if values.get("consent").map(String::as_str) != Some("yes") {
        found.push(("consent".into(), Message::new("apply-consent-required")));
    }
    found
}

/// A ground for refusal as problems on the form's fields: a missing detail
/// where it is asked, in plain words; the resource rule and the child's age
/// as the regime words them, citing the rule.
fn refusal_problems(
    reason: &RefusalReason,
    regime: Option<&qorgau_domain::regime::Regime>,
    incident_numbers: &[&str],
    values: &HashMap<String, String>,
) -> Vec<(String, Message)> {
    let explained = |reason: &RefusalReason| {
        regime.map_or_else(
            || Message::new("problem-internal"),
            |regime| reason.explain(regime),
        )
    };
    match reason {
        RefusalReason::ResourceRequired => vec![("resource_1".into(), explained(reason))],
        // Judged on the earliest incident's date (or today without one): shown
        // on the incidents' step, where that date is given, beside it.
        RefusalReason::NotAChild { .. } => {
            let earliest = incident_numbers
                .iter()
                .filter_map(|number| {
                    let field = format!("incident_{number}_date");
                    let date = values.get(&field)?.trim().parse::<Date>().ok()?;
                    Some((date, field))
                })
                .min()
                .map_or_else(|| "incident_1_date".to_owned(), |(_, field)| field);
            vec![(earliest, explained(reason))]
        }
        RefusalReason::ApplicantFieldsMissing { fields } => fields
            .iter()
            .map(|field| {
                let (form_field, message) = match field.as_str() {
                    "applicant.name" => ("applicant_name", "apply-required-applicant-name"),
                    "applicant.relation" => ("relation", "apply-required-relation"),
                    "child.name" => ("child_name", "apply-required-child-name"),
                    "child.birth_date" => ("child_birth_date", "apply-required-child-birth-date"),
                    _ => ("email", "apply-required-contact"),
                };
                (form_field.to_owned(), Message::new(message))
            })
            .collect(),
    }
}

/// One section of the check page: its step (for the change button), title,
/// and rows of (label, lines of the answer).
pub(crate) struct Section {
    pub step: u8,
    pub title: &'static str,
    pub rows: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "apply_step.html")]
pub(crate) struct StepPage {
    pub tr: Tr,
    pub step: u8,
    pub title: &'static str,
    pub form: FormState,
    /// The answers of the other steps, as hidden fields.
    pub carried: Vec<(String, String)>,
    pub resources: usize,
    pub incidents: usize,
    pub max_resources: usize,
    pub max_incidents: usize,
    /// Came here from the check page: continuing goes back there.
    pub checking: bool,
    pub sections: Vec<Section>,
}

impl StepPage {
    pub fn resource_numbers(&self) -> Vec<usize> {
        (1..=self.resources).collect()
    }

    /// A relation radio button's id: the first option ("parent") takes the
    /// field's name, so the error summary's link to `#relation` lands on it.
    pub fn relation_id(&self, value: &str) -> String {
        if value == "parent" {
            "relation".to_owned()
        } else {
            format!("relation-{value}")
        }
    }

    pub fn incident_numbers(&self) -> Vec<usize> {
        (1..=self.incidents).collect()
    }
}

/// The page of `step` over `values`, with `errors` (field, message) on it.
pub(crate) fn step_page(
    tr: Tr,
    step: Step,
    values: HashMap<String, String>,
    errors: Vec<(String, Message)>,
    checking: bool,
) -> StepPage {
    let resources = resource_slots(&values);
    let incidents = incident_slots(&values);
    let carried = answer_fields()
        .into_iter()
        .filter(|field| Step::of_field(field) != step && filled(&values, field))
        .map(|field| {
            let value = values.get(&field).cloned().unwrap_or_default();
            (field, value)
        })
        .collect();
    let sections = if step == Step::Check {
        sections(tr, &values, resources, incidents)
    } else {
        Vec::new()
    };
    StepPage {
        tr,
        step: step.number(),
        title: step.title(),
        form: FormState {
            errors: errors
                .into_iter()
                .filter(|(field, _)| Step::of_field(field) == step)
                .map(|(field, message)| (field, tr.say(&message)))
                .collect(),
            values,
        },
        carried,
        resources,
        incidents,
        max_resources: MAX_RESOURCES,
        max_incidents: MAX_INCIDENTS,
        checking,
        sections,
    }
}

/// The answers as the check page lists them, a section per step.
fn sections(
    tr: Tr,
    values: &HashMap<String, String>,
    resources: usize,
    incidents: usize,
) -> Vec<Section> {
    let value = |field: &str| values.get(field).map(|text| text.trim().to_owned());
    let answer = |field: &str| {
        value(field)
            .filter(|text| !text.is_empty())
            .map_or_else(|| vec![tr.t("apply-check-not-given")], |text| vec![text])
    };
    let relation = match value("relation").as_deref() {
        Some("parent") => tr.t("apply-relation-parent"),
        Some("legal_representative") => tr.t("apply-relation-legal-representative"),
        Some("child") => tr.t("apply-relation-child"),
        Some("citizen") => tr.t("apply-relation-citizen"),
        _ => tr.t("apply-check-not-given"),
    };
    let links: Vec<String> = (1..=resources)
        .filter_map(|number| value(&format!("resource_{number}")))
        .filter(|text| !text.is_empty())
        .collect();
    let mut where_what = vec![(
        tr.t("apply-resources"),
        if links.is_empty() {
            vec![tr.t("apply-check-not-given")]
        } else {
            links
        },
    )];
    for number in 1..=incidents {
        let lines: Vec<String> = INCIDENT_PARTS
            .iter()
            .filter_map(|part| value(&format!("incident_{number}_{part}")))
            .filter(|text| !text.is_empty())
            .collect();
        if !lines.is_empty() {
            where_what.push((tr.t_with("apply-incident", "number", number), lines));
        }
    }
    let consent = if value("consent").as_deref() == Some("yes") {
        tr.t("apply-check-consent-given")
    } else {
        tr.t("apply-check-not-given")
    };
    vec![
        Section {
            step: Step::You.number(),
            title: Step::You.title(),
            rows: vec![
                (tr.t("apply-applicant-name"), answer("applicant_name")),
                (tr.t("apply-relation"), vec![relation]),
            ],
        },
        Section {
            step: Step::Child.number(),
            title: Step::Child.title(),
            rows: vec![
                (tr.t("apply-child-name"), answer("child_name")),
                (tr.t("apply-child-birth-date"), answer("child_birth_date")),
            ],
        },
        Section {
            step: Step::WhereWhat.number(),
            title: Step::WhereWhat.title(),
            rows: where_what,
        },
        Section {
            step: Step::Contact.number(),
            title: Step::Contact.title(),
            rows: vec![
                (tr.t("apply-email"), answer("email")),
                (tr.t("apply-phone"), answer("phone")),
                (tr.t("apply-check-consent"), vec![consent]),
            ],
        },
    ]
}

/// The first step (in order) that has a problem.
pub(crate) fn first_step_with(problems: &[(String, Message)]) -> Option<Step> {
    problems
        .iter()
        .map(|(field, _)| Step::of_field(field))
        .min()
}

/// Today in Almaty: what dates are judged against, as at intake.
pub(crate) fn today(state: &AppState) -> Date {
    qorgau_domain::deadline::almaty_date(state.clock.now())
}

/// `POST /apply/step`: what a button on a step asked for. `action` is
/// `next` (check this step, then go on), `back`, `stay` (the language
/// switch), `add_resource`, `add_incident`, `remove_resource_N`,
/// `remove_incident_N`; a `goto` (the check page's change buttons) opens that
/// step to return to the check page after it.
pub async fn step(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    request: Request,
) -> Response {
    let tr = Tr { language };
    // The check page's change buttons post its fields URL-encoded; a client
    // may still send multipart (any files are dropped: they are chosen on the
    // check page and posted with the whole form).
    let Some(Posted { values: posted, .. }) = posted(&state, request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let field = |name: &str| posted.get(name).map(|value| value.trim().to_owned());
    let current = Step::from_number(&field("step").unwrap_or_default());
    let mut checking = field("checking").as_deref() == Some("yes");
    let action = field("action").unwrap_or_default();
    let goto = field("goto");
    let mut resources = resource_slots(&posted);
    let mut incidents = incident_slots(&posted);
    let mut values: HashMap<String, String> = answer_fields()
        .into_iter()
        .filter_map(|name| {
            let value = posted.get(&name)?.clone();
            Some((name, value))
        })
        .collect();
    let render = |values: HashMap<String, String>,
                  resources: usize,
                  incidents: usize,
                  step: Step,
                  errors: Vec<(String, Message)>,
                  checking: bool| {
        let mut values = values;
        values.insert("resource_count".into(), resources.to_string());
        values.insert("incident_count".into(), incidents.to_string());
        let status = if errors
            .iter()
            .any(|(field, _)| Step::of_field(field) == step)
        {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        page(&step_page(tr, step, values, errors, checking), status)
    };
    if let Some(goto) = goto {
        let target = Step::from_number(&goto);
        return render(values, resources, incidents, target, Vec::new(), true);
    }
    let numbered = |prefix: &str| {
        action
            .strip_prefix(prefix)
            .and_then(|number| number.parse::<usize>().ok())
    };
    match action.as_str() {
        "stay" => render(values, resources, incidents, current, Vec::new(), checking),
        "back" => render(
            values,
            resources,
            incidents,
            current.previous(),
            Vec::new(),
            checking,
        ),
        "add_resource" => {
            resources = (resources + 1).min(MAX_RESOURCES);
            render(
                values,
                resources,
                incidents,
                Step::WhereWhat,
                Vec::new(),
                checking,
            )
        }
        "add_incident" => {
            incidents = (incidents + 1).min(MAX_INCIDENTS);
            render(
                values,
                resources,
                incidents,
                Step::WhereWhat,
                Vec::new(),
                checking,
            )
        }
        _ if numbered("remove_resource_").is_some_and(|n| (1..=resources).contains(&n)) => {
            let number = numbered("remove_resource_").unwrap_or(1);
            remove_slot(
                &mut values,
                number,
                resources,
                |at, _| format!("resource_{at}"),
                &[""],
            );
            resources = resources.saturating_sub(1).max(1);
            render(
                values,
                resources,
                incidents,
                Step::WhereWhat,
                Vec::new(),
                checking,
            )
        }
        _ if numbered("remove_incident_").is_some_and(|n| (1..=incidents).contains(&n)) => {
            let number = numbered("remove_incident_").unwrap_or(1);
            remove_slot(
                &mut values,
                number,
                incidents,
                |at, part| format!("incident_{at}_{part}"),
                &INCIDENT_PARTS,
            );
            // Fewer than two slots is allowed once asked for: one incident may
            // be all there is (the experts then judge "two or more times").
            incidents = incidents.saturating_sub(1).max(1);
            render(
                values,
                resources,
                incidents,
                Step::WhereWhat,
                Vec::new(),
                checking,
            )
        }
        _ => {
            let problems = problems(&values, today(&state));
            if problems
                .iter()
                .any(|(field, _)| Step::of_field(field) == current)
            {
                return render(values, resources, incidents, current, problems, checking);
            }
            // From the last question, or when changing an answer from the
            // check page, go to the first step still lacking something (with
            // what it lacks), else to the check page.
            if checking || current >= Step::Contact {
                let next = first_step_with(&problems).unwrap_or(Step::Check);
                checking = checking && next != Step::Check;
                render(values, resources, incidents, next, problems, checking)
            } else {
                // The next question, fresh: its problems show when it is answered.
                render(
                    values,
                    resources,
                    incidents,
                    current.next(),
                    Vec::new(),
                    checking,
                )
            }
        }
    }
}
