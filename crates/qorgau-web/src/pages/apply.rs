//! The application form's final submit (`POST /apply`, the whole form at
//! once, with the evidence files), the form's fields read as an application,
//! and the one-page form the coordinator registers paper applications with.
//! The applicant walks short steps to it (`apply_steps.rs`); nothing typed is
//! lost on an error (the step that needs fixing comes back filled).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::{Intake, ServiceError, upload};
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, IntakeError, Role};
use qorgau_domain::regime::Regimes;

use super::apply_steps::{Step, first_step_with, problems, step_page, today};
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

/// `GET /apply`: the first step (`apply_steps.rs` walks the rest).
pub async fn form(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &step_page(
            Tr { language },
            Step::You,
            HashMap::new(),
            Vec::new(),
            false,
        ),
        StatusCode::OK,
    )
}

/// The numbered slots a form may send: the staff form shows three of each,
/// the applicant's steps up to their "add another" cap.
// The slot names below are spelled out up to ten.
const _: () =
    assert!(super::apply_steps::MAX_RESOURCES <= 10 && super::apply_steps::MAX_INCIDENTS <= 10);

fn slot_numbers(max: usize) -> impl Iterator<Item = &'static str> {
    const NUMBERS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    NUMBERS.into_iter().take(max)
}

fn resource_field(number: &str) -> &'static str {
    const FIELDS: [&str; 10] = [
        "resource_1",
        "resource_2",
        "resource_3",
        "resource_4",
        "resource_5",
        "resource_6",
        "resource_7",
        "resource_8",
        "resource_9",
        "resource_10",
    ];
    number
        .parse::<usize>()
        .ok()
        .and_then(|number| FIELDS.get(number.wrapping_sub(1)))
        .copied()
        .unwrap_or("resource_1")
}

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
    for number in slot_numbers(super::apply_steps::MAX_RESOURCES) {
        let id = resource_field(number);
        if let Some(url) = text(id) {
            resources.push(ResourceForm { url });
            resource_ids.push(id);
        }
    }
    let mut incident_numbers = Vec::new();
    let mut incidents = Vec::new();
    for number in slot_numbers(super::apply_steps::MAX_INCIDENTS) {
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

/// What the multipart form carried: the typed values, the accepted files,
/// and why the files (if any) were refused.
pub(crate) struct Posted {
    pub(crate) values: HashMap<String, String>,
    pub(crate) files: Vec<Vec<u8>>,
    pub(crate) file_error: Option<&'static str>,
}

/// Reads the form. Text fields come before the files (the file field is the
/// form's last), so what was typed is kept even when the files are too much.
/// Each file's type is sniffed from its first bytes; the name and the
/// browser's `Content-Type` are ignored.
pub(crate) async fn read_posted(mut multipart: Multipart) -> Posted {
    let mut posted = Posted {
        values: HashMap::new(),
        files: Vec::new(),
        file_error: None,
    };
    let mut total = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // The body is past the route's limit (or broken).
            Err(_) => {
                posted.file_error.get_or_insert("apply-evidence-total");
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name != "evidence" {
            match field.text().await {
                Ok(text) => {
                    posted.values.insert(name, text);
                }
                Err(_) => {
                    posted.file_error.get_or_insert("apply-evidence-total");
                    break;
                }
            }
            continue;
        }
        let mut bytes = Vec::new();
        let mut too_large = false;
        let mut broken = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if bytes.len() + chunk.len() > upload::MAX_UPLOAD_BYTES {
                        too_large = true;
                        bytes = Vec::new();
                    } else if !too_large {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
        if broken {
            posted.file_error.get_or_insert("apply-evidence-total");
            break;
        }
        // A file input left empty still sends an empty part.
        if bytes.is_empty() && !too_large && field.file_name().unwrap_or_default().is_empty() {
            continue;
        }
        let problem = if too_large {
            Some("apply-evidence-too-large")
        } else if total > upload::MAX_UPLOADS_TOTAL_BYTES {
            Some("apply-evidence-total")
        } else if posted.files.len() >= upload::MAX_UPLOADS {
            Some("apply-evidence-too-many")
        } else if upload::sniff(&bytes).is_none() {
            Some("apply-evidence-type")
        } else {
            None
        };
        match problem {
            Some(problem) => {
                posted.file_error.get_or_insert(problem);
            }
            None => posted.files.push(bytes),
        }
    }
    if posted.file_error.is_some() {
        posted.files.clear();
    }
    posted
}

/// The form as posted: multipart from the page (files possible), or
/// URL-encoded from clients that send no files.
pub(crate) async fn posted(state: &AppState, request: Request) -> Option<Posted> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    if multipart {
        let multipart = Multipart::from_request(request, state).await.ok()?;
        Some(read_posted(multipart).await)
    } else {
        let Form(values) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .ok()?;
        Some(Posted {
            values,
            files: Vec::new(),
            file_error: None,
        })
    }
}

pub async fn submit(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    request: Request,
) -> Response {
    let tr = Tr { language };
    let Some(Posted {
        values,
        files,
        file_error,
    }) = posted(&state, request).await
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (application, resource_ids, incident_numbers) = to_application(&values);
    // The same checks as the steps, so a form posted whole (or a step's
    // answers changed on the way) comes back on the step that needs fixing.
    let mut errors = problems(&values, today(&state));
    if let Some(problem) = file_error {
        errors.push(("evidence".into(), Message::new(problem)));
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
        match state
            .procedure()
            .submit_with_uploads(intake, &applicant, files, state.evidence.as_deref())
            .await
        {
            Ok(submitted) => {
                let applied = AppliedPage {
                    tr,
                    path: "/apply",
                    case_id: submitted.case_id,
                    access_code: submitted.access_code,
                    decision_due: tr.when(submitted.state.decision_due.due_at),
                    response_due: tr.when(submitted.state.response_due.due_at),
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
                // On the page where the form is sent from again.
                errors.push(("evidence".into(), Message::new("problem-internal")));
            }
        }
    }
    let step = first_step_with(&errors).unwrap_or(Step::Check);
    page(
        &step_page(tr, step, values, errors, false),
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
