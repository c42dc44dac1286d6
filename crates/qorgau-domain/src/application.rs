//! The application: the form as submitted, and the application as parsed.
//!
//! Two kinds of "no" live here and must not be confused:
//! - a **field error** (`FieldError`): the input is malformed — a date that is not
//!   a date, an e-mail without `@`. Nothing is recorded; the person fixes the form.
//! - a **refusal** (`RefusalReason`): the application is well-formed but the law
//!   says it cannot be considered — no Internet resource named, the person harmed
//!   is not a child, required applicant details missing. A refusal is a legal
//!   outcome: it is recorded in the case and explained to the applicant, citing
//!   the rule.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::message::{Explain, Language, Message, MessageArg};
use crate::regime::Regime;
use crate::validation::actor::ActorAccount;
use crate::validation::email::EmailAddress;
use crate::validation::iin::Iin;
use crate::validation::parse_date;
use crate::validation::phone::PhoneNumber;
use crate::validation::resource::{InternetResource, Platform};

/// Who is applying, in relation to the child (Law "On mass media": "a citizen or
/// legal representative of a child"; PRODUCT.md adds the child themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Parent,
    LegalRepresentative,
    Child,
    Citizen,
}

/// How the application arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Electronic,
    Paper,
}

/// The application exactly as submitted (API.md `POST /api/v1/applications`).
/// Unknown fields are an error, so a misspelt field is never silently dropped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationForm {
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub applicant: ApplicantForm,
    #[serde(default)]
    pub child: ChildForm,
    #[serde(default)]
    pub resources: Vec<ResourceForm>,
    #[serde(default)]
    pub incidents: Vec<IncidentForm>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantForm {
    pub name: Option<String>,
    pub relation: Option<Relation>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
    /// For paper applications answered by post.
    pub postal_address: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildForm {
    pub name: Option<String>,
    pub birth_date: Option<String>,
    pub iin: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceForm {
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentForm {
    pub occurred_on: String,
    pub resource_url: Option<String>,
    #[serde(default)]
    pub description: String,
    /// The account that did it (a handle or profile URL), when known.
    pub actor: Option<String>,
}

/// A parsed application, as recorded in the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub language: Language,
    pub applicant: Applicant,
    pub child: Child,
    pub resources: Vec<ReportedResource>,
    pub incidents: Vec<Incident>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: Option<String>,
    pub relation: Option<Relation>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
    pub postal_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub name: Option<String>,
    pub birth_date: Option<Date>,
    pub iin: Option<String>,
}

/// An Internet resource named in the application, normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedResource {
    /// What the applicant typed.
    pub reported_as: String,
    /// The normalized URL.
    pub url: String,
    /// The dedup key: the same resource reported twice gets the same key.
    pub key: String,
    pub platform: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub occurred_on: Date,
    /// The key of the resource where it happened, when given.
    pub resource_key: Option<String>,
    pub description: String,
    /// The account that did it, as the applicant wrote it.
    pub actor: Option<String>,
    /// The account's normalized key (`platform:kind:id`), when it could be placed.
    pub actor_key: Option<String>,
}

/// A malformed field: which one (a JSON path such as `resources[0].url`), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Message,
}

impl FieldError {
    fn from_explained(field: impl Into<String>, error: &dyn Explain) -> FieldError {
        FieldError {
            field: field.into(),
            code: error.code(),
            message: error.explain(),
        }
    }

    fn new(field: impl Into<String>, code: &'static str, message: Message) -> FieldError {
        FieldError {
            field: field.into(),
            code,
            message,
        }
    }
}

const MAX_TEXT_CHARS: usize = 20_000;
const MAX_NAME_CHARS: usize = 300;
const MAX_RESOURCES: usize = 100;
const MAX_INCIDENTS: usize = 500;

/// Trims and drops empty optional text.
fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn check_length(field: &str, value: &Option<String>, max: usize, errors: &mut Vec<FieldError>) {
    if let Some(value) = value
        && value.chars().count() > max
    {
        errors.push(FieldError::new(
            field,
            "too_long",
            Message::new("field-too-long").with("max", max as i64),
        ));
    }
}

fn parse_date_field(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    parse_date(value)
        .map_err(|error| errors.push(FieldError::from_explained(field, &error)))
        .ok()
}

/// Parses the form. Returns every field error at once (the form shows them all
/// in its error summary). `received_on` bounds dates: nothing happens in the future.
pub fn parse_application(
    form: &ApplicationForm,
    received_on: Date,
) -> Result<Application, Vec<FieldError>> {
    let mut errors = Vec::new();

    let applicant_name = clean(&form.applicant.name);
    check_length(
        "applicant.name",
        &applicant_name,
        MAX_NAME_CHARS,
        &mut errors,
    );
    let email = clean(&form.applicant.email).and_then(|email| match EmailAddress::parse(&email) {
        Ok(parsed) => Some(parsed.as_str().to_owned()),
        Err(error) => {
            errors.push(FieldError::from_explained("applicant.email", &error));
            None
        }
    });
    let phone = clean(&form.applicant.phone).and_then(|phone| match PhoneNumber::parse(&phone) {
        Ok(parsed) => Some(parsed.as_str().to_owned()),
        Err(error) => {
            errors.push(FieldError::from_explained("applicant.phone", &error));
            None
        }
    });
    let applicant_iin = clean(&form.applicant.iin).and_then(|iin| match Iin::parse(&iin) {
        Ok(parsed) => Some(parsed.as_str().to_owned()),
        Err(error) => {
            errors.push(FieldError::from_explained("applicant.iin", &error));
            None
        }
    });
    let postal_address = clean(&form.applicant.postal_address);
    check_length(
        "applicant.postal_address",
        &postal_address,
        MAX_NAME_CHARS,
        &mut errors,
    );

    let child_name = clean(&form.child.name);
    check_length("child.name", &child_name, MAX_NAME_CHARS, &mut errors);
    let child_iin = clean(&form.child.iin).and_then(|iin| match Iin::parse(&iin) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            errors.push(FieldError::from_explained("child.iin", &error));
            None
        }
    });
    let mut birth_date = clean(&form.child.birth_date)
        .and_then(|value| parse_date_field("child.birth_date", &value, &mut errors));
    if let Some(date) = birth_date
        && date > received_on
    {
        errors.push(FieldError::new(
            "child.birth_date",
            "date_in_future",
            Message::new("field-date-in-future"),
        ));
    }
    if let Some(iin) = &child_iin {
        match birth_date {
            // The IIN encodes the birth date; two different dates mean a typo.
            Some(date) if date != iin.birth_date() => errors.push(FieldError::new(
                "child.birth_date",
                "birth_date_mismatch",
                Message::new("field-birth-date-mismatch")
                    .with("iin_date", iin.birth_date().to_string()),
            )),
            None => birth_date = Some(iin.birth_date()),
            Some(_) => {}
        }
    }

    if form.resources.len() > MAX_RESOURCES {
        errors.push(FieldError::new(
            "resources",
            "too_many",
            Message::new("field-too-many").with("max", MAX_RESOURCES as i64),
        ));
    }
    let mut resources: Vec<ReportedResource> = Vec::new();
    for (index, resource) in form.resources.iter().enumerate() {
        match InternetResource::parse(&resource.url) {
            Ok(parsed) => {
                // The same resource named twice is one resource.
                if !resources.iter().any(|known| known.key == parsed.key) {
                    resources.push(ReportedResource {
                        reported_as: resource.url.trim().to_owned(),
                        url: parsed.url.clone(),
                        key: parsed.key.clone(),
                        platform: platform_name(&parsed),
                    });
                }
            }
            Err(error) => errors.push(FieldError::from_explained(
                format!("resources[{index}].url"),
                &error,
            )),
        }
    }

    if form.incidents.len() > MAX_INCIDENTS {
        errors.push(FieldError::new(
            "incidents",
            "too_many",
            Message::new("field-too-many").with("max", MAX_INCIDENTS as i64),
        ));
    }
    let mut incidents = Vec::new();
    for (index, incident) in form.incidents.iter().enumerate() {
        let field = format!("incidents[{index}].occurred_on");
        let occurred_on = parse_date_field(&field, &incident.occurred_on, &mut errors);
        if let Some(date) = occurred_on
            && date > received_on
        {
            errors.push(FieldError::new(
                field,
                "date_in_future",
                Message::new("field-date-in-future"),
            ));
        }
        let mut incident_platform = None;
        let resource_key = match clean(&incident.resource_url) {
            None => None,
            Some(url) => match InternetResource::parse(&url) {
                Ok(parsed) => {
                    // An incident's resource is a resource of the application too:
                    // the applicant named it.
                    if !resources.iter().any(|known| known.key == parsed.key) {
                        resources.push(ReportedResource {
                            reported_as: url.clone(),
                            url: parsed.url.clone(),
                            key: parsed.key.clone(),
                            platform: platform_name(&parsed),
                        });
                    }
                    incident_platform = Some(parsed.platform);
                    Some(parsed.key)
                }
                Err(error) => {
                    errors.push(FieldError::from_explained(
                        format!("incidents[{index}].resource_url"),
                        &error,
                    ));
                    None
                }
            },
        };
        let description = incident.description.trim().to_owned();
        check_length(
            &format!("incidents[{index}].description"),
            &Some(description.clone()),
            MAX_TEXT_CHARS,
            &mut errors,
        );
        let actor = clean(&incident.actor);
        let actor_key =
            actor
                .as_deref()
                .and_then(|actor| match actor_account(actor, incident_platform) {
                    Some(Ok(account)) => Some(account.key),
                    Some(Err(error)) => {
                        errors.push(FieldError::from_explained(
                            format!("incidents[{index}].actor"),
                            &error,
                        ));
                        None
                    }
                    None => None,
                });
        if let Some(occurred_on) = occurred_on {
            incidents.push(Incident {
                occurred_on,
                resource_key,
                description,
                actor,
                actor_key,
            });
        }
    }
    let description = clean(&form.description);
    check_length("description", &description, MAX_TEXT_CHARS, &mut errors);

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Application {
        language: form.language.unwrap_or_default(),
        applicant: Applicant {
            name: applicant_name,
            relation: form.applicant.relation,
            email,
            phone,
            iin: applicant_iin,
            postal_address,
        },
        child: Child {
            name: child_name,
            birth_date,
            iin: child_iin.map(|iin| iin.as_str().to_owned()),
        },
        resources,
        incidents,
        description,
    })
}

/// The account an incident names, normalized so the same account written three
/// ways is one actor. A link names its platform; a bare handle takes the platform
/// of the incident's resource, and without one it cannot be placed (`None`).
fn actor_account(
    actor: &str,
    platform: Option<Platform>,
) -> Option<Result<ActorAccount, crate::validation::actor::ActorError>> {
    if actor.contains('/') || actor.contains(':') {
        return Some(ActorAccount::parse_link(actor));
    }
    match platform {
        Some(platform) if platform != Platform::Web => Some(ActorAccount::parse(platform, actor)),
        _ => None,
    }
}

fn platform_name(resource: &InternetResource) -> String {
    serde_json::to_value(resource.platform)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "web".to_owned())
}

/// Why an application cannot be considered. Each cites a rule of the regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RefusalReason {
    /// The law requires the application to name the Internet resource where the
    /// cyberbullying takes place.
    ResourceRequired,
    /// The person harmed was 18 or older on the date of the incidents.
    NotAChild { age: u32, on: Date },
    /// The applicant can neither be identified nor answered.
    ApplicantFieldsMissing { fields: Vec<String> },
}

impl RefusalReason {
    /// The stable code (API `errors[].code`).
    pub fn code(&self) -> &'static str {
        match self {
            RefusalReason::ResourceRequired => "resource_required",
            RefusalReason::NotAChild { .. } => "not_a_child",
            RefusalReason::ApplicantFieldsMissing { .. } => "applicant_fields_missing",
        }
    }

    /// The field the refusal is about, for forms.
    pub fn field(&self) -> &'static str {
        match self {
            RefusalReason::ResourceRequired => "resources",
            RefusalReason::NotAChild { .. } => "child.birth_date",
            RefusalReason::ApplicantFieldsMissing { .. } => "applicant",
        }
    }

    /// The key of the regime's legal basis this refusal cites.
    pub fn legal_basis_key(&self) -> &'static str {
        match self {
            RefusalReason::ResourceRequired => "resource_required",
            RefusalReason::NotAChild { .. } => "not_a_child",
            RefusalReason::ApplicantFieldsMissing { .. } => "applicant_fields",
        }
    }

    /// The explanation, citing the rule as the regime words it.
    pub fn explain(&self, regime: &Regime) -> Message {
        let rule = regime
            .legal_basis(self.legal_basis_key())
            .map(|basis| MessageArg::Localized(basis.citation.clone()))
            .unwrap_or_else(|| MessageArg::Text(regime.id.clone()));
        let message = match self {
            RefusalReason::ResourceRequired => Message::new("refusal-resource-required"),
            RefusalReason::NotAChild { age, on } => Message::new("refusal-not-a-child")
                .with("age", i64::from(*age))
                .with("date", on.to_string()),
            RefusalReason::ApplicantFieldsMissing { fields } => {
                Message::new("refusal-applicant-fields-missing").with("fields", fields.join(", "))
            }
        };
        message.with("rule", rule)
    }
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The age of majority (Civil Code Art. 17; Law "On the rights of the child" Art. 1:
/// a child is a person under eighteen).
pub const AGE_OF_MAJORITY: u32 = 18;

/// Checks the grounds for refusing consideration. Empty means admissible.
///
/// "Not a child" is judged on the date of the earliest incident: content that
/// targeted a 17-year-old stays within the law's protection even if they have
/// since turned 18. Without incidents, the date of receipt is used.
pub fn refusal_reasons(application: &Application, received_on: Date) -> Vec<RefusalReason> {
    let mut reasons = Vec::new();
    if application.resources.is_empty() {
        reasons.push(RefusalReason::ResourceRequired);
    }
    if let Some(birth) = application.child.birth_date {
        let reference = application
            .incidents
            .iter()
            .map(|incident| incident.occurred_on)
            .min()
            .unwrap_or(received_on);
        let age = age_on(birth, reference);
        if age >= AGE_OF_MAJORITY {
            reasons.push(RefusalReason::NotAChild { age, on: reference });
        }
    }
    let mut missing = BTreeSet::new();
    if application.applicant.name.is_none() {
        missing.insert("applicant.name");
    }
    if application.applicant.relation.is_none() {
        missing.insert("applicant.relation");
    }
    let applicant = &application.applicant;
    if applicant.email.is_none() && applicant.phone.is_none() && applicant.postal_address.is_none()
    {
        // The law requires a response; with no address there is no one to answer.
        missing.insert("applicant.email|applicant.phone|applicant.postal_address");
    }
    if application.child.name.is_none() {
        missing.insert("child.name");
    }
    if application.child.birth_date.is_none() {
        missing.insert("child.birth_date");
    }
    if !missing.is_empty() {
        reasons.push(RefusalReason::ApplicantFieldsMissing {
            fields: missing.into_iter().map(str::to_owned).collect(),
        });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_full_years() {
        let birth: Date = "2008-05-10".parse().unwrap();
        assert_eq!(age_on(birth, "2026-05-09".parse().unwrap()), 17);
        assert_eq!(age_on(birth, "2026-05-10".parse().unwrap()), 18);
        let leap: Date = "2008-02-29".parse().unwrap();
        assert_eq!(age_on(leap, "2026-02-28".parse().unwrap()), 17);
        assert_eq!(age_on(leap, "2026-03-01".parse().unwrap()), 18);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let error = serde_json::from_str::<ApplicationForm>(r#"{"resource": []}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `resource`"),
            "{error}"
        );
    }
}
