//! The application form: one page of short grouped questions, an error summary
//! on top linking to each field, the Internet-resource rule explained before
//! submission, and nothing typed lost on an error (the form comes back filled).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use qorgau_app::{Intake, ServiceError};
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::deadline::format_almaty;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, IntakeError, Role};
use qorgau_domain::regime::Regimes;

use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

/// What the person typed, and what is wrong with it, by form field id.
#[derive(Debug, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
}

impl FormState {
    pub fn value(&self, id: &str) -> &str {
        self.values.get(id).map(String::as_str).unwrap_or("")
    }

    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(field, _)| field == id)
            .map(|(_, message)| message.as_str())
    }
}

#[derive(Template)]
#[template(path = "apply.html")]
pub(super) struct ApplyPage {
    pub tr: Tr,
    pub path: &'static str,
    /// Where the form posts: `/apply` for applicants, `/staff/register` for a
    /// coordinator registering a paper application.
    pub action: &'static str,
    /// Set on the staff form: its CSRF token (and the paper-only fields show).
    pub staff_csrf: Option<String>,
    pub form: FormState,
}

#[derive(Template)]
#[template(path = "applied.html")]
pub(super) struct AppliedPage {
    pub tr: Tr,
    pub path: &'static str,
    pub case_id: String,
    pub access_code: String,
    pub decision_due: String,
    pub response_due: String,
}

pub async fn form(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &ApplyPage {
            tr: Tr { language },
            path: "/apply",
            action: "/apply",
            staff_csrf: None,
            form: FormState::default(),
        },
        StatusCode::OK,
    )
}

const INCIDENT_ROWS: [&str; 3] = ["1", "2", "3"];
const RESOURCE_ROWS: [&str; 3] = ["resource_1", "resource_2", "resource_3"];

/// The form's fields as an application, with the form field id behind each
/// list entry (to put errors next to the right field).
pub(super) fn to_application(
    values: &HashMap<String, String>,
) -> (ApplicationForm, Vec<&'static str>, Vec<&'static str>) {
    let text = |id: &str| {
        values
            .get(id)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let mut resource_ids = Vec::new();
    let mut resources = Vec::new();
    for id in RESOURCE_ROWS {
        if let Some(url) = text(id) {
            resources.push(ResourceForm { url });
            resource_ids.push(id);
        }
    }
    let mut incident_numbers = Vec::new();
    let mut incidents = Vec::new();
    for number in INCIDENT_ROWS {
        let field = |suffix: &str| text(&format!("incident_{number}_{suffix}"));
        let (date, resource, description, actor) = (
            field("date"),
            field("resource"),
            field("description"),
            field("actor"),
        );
        if date.is_none() && resource.is_none() && description.is_none() && actor.is_none() {
            continue;
        }
        incidents.push(IncidentForm {
            occurred_on: date.unwrap_or_default(),
            resource_url: resource,
            description: description.unwrap_or_default(),
            actor,
        });
        incident_numbers.push(number);
    }
    let relation = match text("relation").as_deref() {
        Some("parent") => Some(Relation::Parent),
        Some("legal_representative") => Some(Relation::LegalRepresentative),
        Some("child") => Some(Relation::Child),
        Some("citizen") => Some(Relation::Citizen),
        _ => None,
    };
    let application = ApplicationForm {
        language: text("language")
            .as_deref()
            .and_then(qorgau_domain::message::Language::from_tag),
        applicant: ApplicantForm {
            name: text("applicant_name"),
            relation,
            email: text("email"),
            phone: text("phone"),
            iin: None,
            postal_address: text("postal_address"),
        },
        child: ChildForm {
            name: text("child_name"),
            birth_date: text("child_birth_date"),
            iin: None,
        },
        resources,
        incidents,
        description: None,
    };
    (application, resource_ids, incident_numbers)
}

/// The form field an API field path belongs to.
pub(super) fn form_field(path: &str, resource_ids: &[&str], incident_numbers: &[&str]) -> String {
    let indexed = |prefix: &str| -> Option<(usize, String)> {
        let rest = path.strip_prefix(prefix)?;
        let (index, after) = rest.split_once(']')?;
        Some((
            index.parse().ok()?,
            after.trim_start_matches('.').to_owned(),
        ))
    };
    if let Some((index, _)) = indexed("resources[") {
        return resource_ids
            .get(index)
            .copied()
            .unwrap_or("resource_1")
            .to_owned();
    }
    if let Some((index, part)) = indexed("incidents[") {
        let number = incident_numbers.get(index).copied().unwrap_or("1");
        let suffix = match part.as_str() {
            "occurred_on" => "date",
            "resource_url" => "resource",
            "actor" => "actor",
            _ => "description",
        };
        return format!("incident_{number}_{suffix}");
    }
    match path {
        "resources" => "resource_1",
        "child.birth_date" | "child.iin" => "child_birth_date",
        "child.name" => "child_name",
        "applicant.relation" => "relation",
        "applicant.email" => "email",
        "applicant.phone" => "phone",
        _ => "applicant_name",
    }
    .to_owned()
}

pub async fn submit(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let tr = Tr { language };
    let (application, resource_ids, incident_numbers) = to_application(&values);
    let mut form = FormState {
        values,
        errors: Vec::new(),
    };
    let mut errors: Vec<(String, Message)> = Vec::new();
    if form.value("consent") != "yes" {
        errors.push(("consent".into(), Message::new("apply-consent-required")));
    }
    let applicant = Actor {
        name: "applicant".to_owned(),
        role: Role::System,
    };
    if errors.is_empty() {
        let intake = Intake {
            form: &application,
            channel: Channel::Electronic,
            received_at: None,
            record_refusals: false,
        };
        match state.procedure().submit(intake, &applicant).await {
            Ok(submitted) => {
                let applied = AppliedPage {
                    tr,
                    path: "/apply",
                    case_id: submitted.case_id,
                    access_code: submitted.access_code,
                    decision_due: format_almaty(submitted.state.decision_due.due_at),
                    response_due: format_almaty(submitted.state.response_due.due_at),
                };
                return page(&applied, StatusCode::CREATED);
            }
            Err(ServiceError::Intake(IntakeError::InvalidFields(fields))) => {
                for field in fields {
                    errors.push((
                        form_field(&field.field, &resource_ids, &incident_numbers),
                        field.message,
                    ));
                }
            }
            Err(ServiceError::Refused { reasons, regime }) => {
                if let Ok(regime) = Regimes::embedded().get(&regime) {
                    for reason in reasons {
                        errors.push((
                            form_field(reason.field(), &resource_ids, &incident_numbers),
                            reason.explain(regime),
                        ));
                    }
                }
            }
            Err(error) => {
                eprintln!(
                    "qorgau: an application could not be recorded: {}",
                    error_kind(&error)
                );
                errors.push(("applicant_name".into(), Message::new("problem-internal")));
            }
        }
    }
    form.errors = errors
        .into_iter()
        .map(|(field, message)| (field, tr.say(&message)))
        .collect();
    page(
        &ApplyPage {
            tr,
            path: "/apply",
            action: "/apply",
            staff_csrf: None,
            form,
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// A description of a failure that carries nothing the applicant typed.
fn error_kind(error: &ServiceError) -> &'static str {
    match error {
        ServiceError::Store(_) => "store",
        ServiceError::Randomness(_) => "randomness",
        ServiceError::Regime(_) | ServiceError::Intake(_) => "legal data",
        _ => "other",
    }
}
