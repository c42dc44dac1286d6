//! The coordinator's workspace over the API: what `/staff/register`, the
//! case page's order actions and `/staff/people` do, for scripts and the
//! authority's own systems. Each handler calls the same `Procedure` code or
//! store method as its page; nothing is recorded when the input is refused.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::credentials::{hash_password, new_password, new_token, secret_hash};
use qorgau_app::{Intake, ServiceError};
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::deadline::{almaty_date, rfc3339_almaty, start_of_day};
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::procedure::{Command, IntakeError, VerificationResult};
use qorgau_store::{ResourceOwner, StaffMember, StaffRole, Store, StoreError};
use serde_json::{Value, json};

use super::deliveries::run_on_order;
use super::parse_json;
use super::staff::{field, invalid};
use crate::auth::Staff;
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
use crate::state::AppState;

fn require_coordinator(staff: &Staff) -> Result<(), ApiError> {
    if staff.is_coordinator() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(None))
    }
}

fn one_field(name: &str, code: &'static str, message: Message) -> ApiError {
    invalid(vec![FieldProblem {
        field: name.to_owned(),
        code,
        message,
    }])
}

/// A response carrying a secret shown once (a password, an API key): no
/// cache may keep it (RFC 9111 §5.2.2.5).
fn shown_once(status: StatusCode, body: Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// A paper application: `POST /api/v1/applications`'s fields, plus the day
/// stamped on arrival. Written out rather than flattened because serde
/// cannot refuse unknown fields through `flatten`, and a misspelt field must
/// never be silently dropped.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PaperApplication {
    #[serde(default)]
    received_on: Option<String>,
    #[serde(default)]
    language: Option<Language>,
    #[serde(default)]
    applicant: qorgau_domain::application::ApplicantForm,
    #[serde(default)]
    child: qorgau_domain::application::ChildForm,
    #[serde(default)]
    resources: Vec<qorgau_domain::application::ResourceForm>,
    #[serde(default)]
    incidents: Vec<qorgau_domain::application::IncidentForm>,
    #[serde(default)]
    description: Option<String>,
}

impl PaperApplication {
    fn into_parts(self) -> (ApplicationForm, Option<String>) {
        (
            ApplicationForm {
                language: self.language,
                applicant: self.applicant,
                child: self.child,
                resources: self.resources,
                incidents: self.incidents,
                description: self.description,
            },
            self.received_on,
        )
    }
}

/// `POST /api/v1/cases` (the coordinator): registers a paper application.
/// The body is `POST /api/v1/applications`'s JSON plus `received_on`, the
/// day stamped on arrival (deadlines count from it; absent or today means
/// now). The applicant's `postal_address` answers a paper application that
/// gives no e-mail or phone. As on `/staff/register`, malformed fields are a
/// 422 and nothing is recorded, while an inadmissible application is
/// recorded as a refused case (it is answered by letter, citing the rule):
/// 201 with `status` `refused` and the reasons.
pub async fn register(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let paper: PaperApplication = parse_json(&body).map_err(fail)?;
    let (mut form, received_on) = paper.into_parts();
    let now = state.clock.now();
    let received_at = match received_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match qorgau_domain::validation::parse_date(text) {
            Ok(day) if day == almaty_date(now) => None,
            Ok(day) => Some(start_of_day(day)),
            Err(error) => {
                return Err(fail(one_field(
                    "received_on",
                    error.code(),
                    error.explain(),
                )));
            }
        },
    };
    // The language the paper is written in; a body that does not say is in
    // the language the coordinator works in, as the page's preselected choice.
    form.language = form.language.or(Some(language));
    let intake = Intake {
        form: &form,
        channel: Channel::Paper,
        received_at,
        record_refusals: true,
    };
    let submitted = match state.procedure().submit(intake, &staff.actor).await {
        Ok(submitted) => submitted,
        // The stamped day is the field at fault, as the page places it.
        Err(ServiceError::Intake(IntakeError::ReceivedInFuture)) => {
            return Err(fail(one_field(
                "received_on",
                "date_in_future",
                Message::new("field-date-in-future"),
            )));
        }
        Err(ServiceError::Intake(IntakeError::Regime(error))) => {
            return Err(fail(one_field(
                "received_on",
                error.code(),
                error.explain(),
            )));
        }
        Err(error) => return Err(fail(ApiError::from_service(error))),
    };
    let case = &submitted.state;
    let refusal: Vec<Value> = match state.procedure().regimes.get(&case.regime) {
        Ok(regime) => case
            .refusal
            .iter()
            .map(|reason| {
                json!({
                    "code": reason.code(),
                    "field": reason.field(),
                    "message": qorgau_i18n::Localizer::embedded()
                        .render(language, &reason.explain(regime)),
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let body = json!({
        "case_id": submitted.case_id,
        "access_code": submitted.access_code,
        "channel": case.channel,
        "status": case.phase,
        "received_at": rfc3339_almaty(case.received_at),
        "decision_due": rfc3339_almaty(case.decision_due.due_at),
        "response_due": rfc3339_almaty(case.response_due.due_at),
        "deadlines_provisional": case.decision_due.provisional || case.response_due.provisional,
        "regime": case.regime,
        "language": case.application.language,
        "refusal": refusal,
    });
    let location = format!("/api/v1/cases/{}", submitted.case_id);
    Ok((
        StatusCode::CREATED,
        [
            (header::LOCATION, location),
            // The access code is in the body, shown once.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Json(body),
    )
        .into_response())
}

/// An optional JSON body: empty means `{}`.
fn optional_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.is_empty() {
        Ok(json!({}))
    } else {
        parse_json(body)
    }
}

/// Optional text; anything but a string (or null) is a 422 naming it.
fn optional_text(body: &Value, name: &'static str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(one_field(
            name,
            "invalid",
            Message::new("problem-field-invalid").with("field", name),
        )),
    }
}

/// `POST /api/v1/orders/{order_id}/verification` `{"result","note"?}` (the
/// coordinator): what a check of the order's URLs showed, as the case page's
/// "verify" form. `still_present` after the removal deadline also records
/// the non-compliance (the procedure decides).
pub async fn verify(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let body = optional_body(&body).map_err(fail)?;
    let mut errors = Vec::new();
    // Unlike the page's radio buttons, an unknown result is refused, not
    // read as "unreachable": a typo must not become a recorded fact.
    let result: Option<VerificationResult> = field(&body, "result", &mut errors);
    let note = optional_text(&body, "note").map_err(fail)?;
    let Some(result) = result else {
        return Err(fail(invalid(errors)));
    };
    let command = Command::VerifyRemoval {
        order_id: order_id.clone(),
        result,
        note,
    };
    run_on_order(&state, &staff, &order_id, command)
        .await
        .map_err(fail)
}

/// `POST /api/v1/orders/{order_id}/non-compliance` (the coordinator): the
/// removal deadline passed without removal, as the case page's form; 409
/// before the deadline.
pub async fn not_complied(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(order_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let command = Command::RecordNonCompliance {
        order_id: order_id.clone(),
    };
    run_on_order(&state, &staff, &order_id, command)
        .await
        .map_err(fail)
}

/// `POST /api/v1/orders/{order_id}/escalation/steps` `{"early_reason"?}`
/// (the coordinator): takes the next step of the regime's escalation ladder
/// on an order not complied with. Before the step's time the procedure
/// requires `early_reason` (409 `escalation_not_due` without it), as the
/// case page does.
pub async fn escalate(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let body = optional_body(&body).map_err(fail)?;
    let early_reason = optional_text(&body, "early_reason")
        .map_err(fail)?
        .filter(|reason| !reason.trim().is_empty());
    let command = Command::Escalate {
        order_id: order_id.clone(),
        early_reason,
    };
    run_on_order(&state, &staff, &order_id, command)
        .await
        .map_err(fail)
}

fn role_name(member: &StaffMember) -> &'static str {
    match member.role {
        StaffRole::Coordinator => "coordinator",
        StaffRole::Expert => "expert",
    }
}

/// A staff member as the API shows one: never a password or its hash.
fn staff_json(member: &StaffMember) -> Value {
    json!({
        "username": member.username,
        "display_name": member.display_name,
        "role": role_name(member),
        "chair": member.chair,
        "active": member.active,
    })
}

/// An owner as the API shows one: never its API key or the key's hash.
fn owner_json(owner: &ResourceOwner) -> Value {
    json!({
        "name": owner.name,
        "display_name": owner.display_name,
        "domains": owner.domains,
    })
}

/// `GET /api/v1/staff` (the coordinator): the staff, as `/staff/people` lists them.
pub async fn list_staff(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let members = state
        .store
        .list_staff()
        .await
        .map_err(|error| fail(error.into()))?;
    let members: Vec<Value> = members.iter().map(staff_json).collect();
    Ok(Json(json!({ "staff": members })).into_response())
}

/// A username or owner key: one word, as the page requires.
fn one_word(body: &Value, name: &'static str, errors: &mut Vec<FieldProblem>) -> Option<String> {
    let text: String = field(body, name, errors)?;
    let text = text.trim().to_owned();
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        errors.push(FieldProblem {
            field: name.to_owned(),
            code: "invalid",
            message: Message::new("people-invalid"),
        });
        return None;
    }
    Some(text)
}

/// Required text that is not blank.
fn filled(body: &Value, name: &'static str, errors: &mut Vec<FieldProblem>) -> Option<String> {
    let text: String = field(body, name, errors)?;
    let text = text.trim().to_owned();
    if text.is_empty() {
        errors.push(FieldProblem {
            field: name.to_owned(),
            code: "required",
            message: Message::new("problem-field-required").with("field", name),
        });
        return None;
    }
    Some(text)
}

/// `POST /api/v1/staff` `{"username","display_name","role","chair"?}` (the
/// coordinator) → 201 with the new member and a generated password, shown
/// this once (only its Argon2id hash is stored), as `/staff/people` does.
pub async fn add_staff(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let body: Value = parse_json(&body).map_err(fail)?;
    let mut errors = Vec::new();
    let username = one_word(&body, "username", &mut errors);
    let display_name = filled(&body, "display_name", &mut errors);
    let role: Option<String> = field(&body, "role", &mut errors);
    let role = role.and_then(|role| match role.as_str() {
        "coordinator" => Some(StaffRole::Coordinator),
        "expert" => Some(StaffRole::Expert),
        _ => {
            errors.push(FieldProblem {
                field: "role".into(),
                code: "invalid",
                message: Message::new("problem-field-invalid").with("field", "role"),
            });
            None
        }
    });
    let chair = match body.get("chair") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(chair)) => *chair,
        Some(_) => {
            errors.push(FieldProblem {
                field: "chair".into(),
                code: "invalid",
                message: Message::new("problem-field-invalid").with("field", "chair"),
            });
            false
        }
    };
    // The chair chairs the expert group: a coordinator cannot be one.
    if chair && role == Some(StaffRole::Coordinator) {
        errors.push(FieldProblem {
            field: "chair".into(),
            code: "invalid",
            message: Message::new("problem-field-invalid").with("field", "chair"),
        });
    }
    let (Some(username), Some(display_name), Some(role), true) =
        (username, display_name, role, errors.is_empty())
    else {
        return Err(fail(invalid(errors)));
    };
    let member = StaffMember {
        username: username.clone(),
        display_name,
        role,
        chair,
        active: true,
    };
    // The password and its hash before anything is stored, so a failure
    // here leaves no account behind.
    let password = new_password().map_err(|_| fail(ApiError::Internal))?;
    let hash = hash_password(&password).map_err(|_| fail(ApiError::Internal))?;
    match state.store.add_staff(&member, state.clock.now()).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return Err(fail(ApiError::Conflict {
                code: "already_exists",
                detail: Message::new("people-exists").with("name", username),
            }));
        }
        Err(error) => return Err(fail(error.into())),
    }
    state
        .store
        .set_staff_password(&username, &hash)
        .await
        .map_err(|error| fail(error.into()))?;
    let mut body = staff_json(&member);
    body["password"] = json!(password);
    Ok(shown_once(StatusCode::CREATED, body))
}

/// `POST /api/v1/staff/{username}/password` (the coordinator) → a new
/// generated password, shown this once; the old one stops working.
pub async fn reset_password(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(username): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let password = new_password().map_err(|_| fail(ApiError::Internal))?;
    let hash = hash_password(&password).map_err(|_| fail(ApiError::Internal))?;
    match state.store.set_staff_password(&username, &hash).await {
        Ok(()) => Ok(shown_once(
            StatusCode::OK,
            json!({"username": username, "password": password}),
        )),
        Err(StoreError::NotFound(_)) => Err(fail(ApiError::NotFound)),
        Err(error) => Err(fail(error.into())),
    }
}

/// `GET /api/v1/owners` (the coordinator): the resource owners.
pub async fn list_owners(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let owners = state
        .store
        .list_owners()
        .await
        .map_err(|error| fail(error.into()))?;
    let owners: Vec<Value> = owners.iter().map(owner_json).collect();
    Ok(Json(json!({ "owners": owners })).into_response())
}

/// `POST /api/v1/owners` `{"name","display_name","domains"?}` (the
/// coordinator) → 201 with the owner and its API key, shown this once (only
/// its hash is stored), as `/staff/people` does. `name` is the key orders
/// are addressed to (a platform such as `telegram`, or a host).
pub async fn add_owner(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let body: Value = parse_json(&body).map_err(fail)?;
    let mut errors = Vec::new();
    let name = one_word(&body, "name", &mut errors).map(|name| name.to_lowercase());
    let display_name = filled(&body, "display_name", &mut errors);
    let domains: Vec<String> = match body.get("domains") {
        None | Some(Value::Null) => Vec::new(),
        Some(_) => field::<Vec<String>>(&body, "domains", &mut errors).unwrap_or_default(),
    };
    let domains: Vec<String> = domains
        .iter()
        .map(|domain| domain.trim().to_lowercase())
        .filter(|domain| !domain.is_empty())
        .collect();
    if let Some(index) = domains
        .iter()
        .position(|domain| domain.chars().any(char::is_whitespace))
    {
        errors.push(FieldProblem {
            field: format!("domains[{index}]"),
            code: "invalid",
            message: Message::new("problem-field-invalid").with("field", "domains"),
        });
    }
    let (Some(name), Some(display_name), true) = (name, display_name, errors.is_empty()) else {
        return Err(fail(invalid(errors)));
    };
    let api_key = new_token("qgk").map_err(|_| fail(ApiError::Internal))?;
    let owner = ResourceOwner {
        name: name.clone(),
        display_name,
        api_key_hash: secret_hash(&api_key),
        domains,
    };
    match state.store.add_owner(&owner, state.clock.now()).await {
        Ok(()) => {
            let mut body = owner_json(&owner);
            body["api_key"] = json!(api_key);
            Ok(shown_once(StatusCode::CREATED, body))
        }
        Err(StoreError::AlreadyExists(_)) => Err(fail(ApiError::Conflict {
            code: "already_exists",
            detail: Message::new("people-exists").with("name", name),
        })),
        Err(error) => Err(fail(error.into())),
    }
}

/// This module's operations in the OpenAPI document. `/api/v1/cases` gains
/// its `post` beside the queue's `get` (`openapi.rs` merges by operation).
pub fn openapi_paths() -> Value {
    let problem = |description: &str| {
        json!({"description": description,
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    };
    let ok = |description: &str, schema: Value| json!({"description": description, "content": {"application/json": {"schema": schema}}});
    let path = |name: &str, description: &str| json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}});
    let lang = json!({"name": "lang", "in": "query", "required": false,
        "description": "Language of messages: kk (default), ru or en; else Accept-Language.",
        "schema": {"type": "string", "enum": ["kk", "ru", "en"]}});
    let order_outcome = json!({"type": "object", "required": ["order_id", "status", "recorded"], "properties": {
        "order_id": {"type": "string"}, "case_id": {"type": "string"},
        "status": {"type": "string", "enum": ["issued", "delivered", "acknowledged", "removal_reported", "removed", "not_complied", "escalated"]},
        "escalation_paused": {"type": "boolean"},
        "removal_due": {"type": ["string", "null"], "format": "date-time"},
        "last_verification": {"type": ["string", "null"], "enum": ["removed", "still_present", "unreachable", null]},
        "escalations": {"type": "array", "items": {"type": "string"}, "description": "The ladder's steps taken, in order."},
        "recorded": {"type": "array", "items": {"type": "string"}, "description": "The events recorded, by type."}}});
    let staff_member = json!({"type": "object", "required": ["username", "display_name", "role", "chair", "active"], "properties": {
        "username": {"type": "string"}, "display_name": {"type": "string"},
        "role": {"type": "string", "enum": ["coordinator", "expert"]},
        "chair": {"type": "boolean"}, "active": {"type": "boolean"}}});
    let owner = json!({"type": "object", "required": ["name", "display_name", "domains"], "properties": {
        "name": {"type": "string", "description": "The key orders are addressed to: a platform (telegram) or a host."},
        "display_name": {"type": "string"}, "domains": {"type": "array", "items": {"type": "string"}}}});
    let coordinators_only = "Not the coordinator.";
    json!({
        "/api/v1/cases": {"post": {
            "summary": "Register a paper application (the coordinator)",
            "description": "The body of POST /api/v1/applications plus `received_on`, the day stamped on arrival (deadlines count from it; absent or today means now). A paper application with neither e-mail nor phone is answered at `applicant.postal_address`; `language` is the one the paper is written in (by default the request's). Malformed fields are a 422 and nothing is recorded; an inadmissible application is recorded as a refused case and answered by letter: 201 with `status` `refused` and the reasons in `refusal`, as on /staff/register.",
            "security": [{"staffToken": []}],
            "parameters": [lang.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"allOf": [
                {"$ref": "#/components/schemas/Application"}],
                "properties": {"received_on": {"type": "string", "format": "date", "description": "The day stamped on arrival (Almaty)."}}}}}},
            "responses": {
                "201": ok("Recorded: the case number, the access code (shown once) and the deadlines; `refusal` lists why a refused one cannot be considered.", json!({"type": "object",
                    "required": ["case_id", "access_code", "channel", "status", "received_at", "decision_due", "response_due", "regime", "refusal"],
                    "properties": {"case_id": {"type": "string"}, "access_code": {"type": "string"},
                        "channel": {"type": "string", "enum": ["paper"]}, "status": {"type": "string"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "decision_due": {"type": "string", "format": "date-time"},
                        "response_due": {"type": "string", "format": "date-time"},
                        "deadlines_provisional": {"type": "boolean"}, "regime": {"type": "string"}, "language": {"type": "string"},
                        "refusal": {"type": "array", "items": {"type": "object", "required": ["code", "field", "message"], "properties": {
                            "code": {"type": "string", "enum": ["resource_required", "not_a_child", "applicant_fields_missing"]},
                            "field": {"type": "string"}, "message": {"type": "string"}}}}}})),
                "400": problem("Not JSON, or an unknown or ill-typed field (named)."),
                "401": problem("Not signed in."),
                "403": problem(coordinators_only),
                "422": problem("Invalid fields, named in errors (e.g. applicant.email, incidents[0].occurred_on; received_on: not a date, in the future, or before any regime).")
            }
        }},
        "/api/v1/orders/{order_id}/verification": {"post": {
            "summary": "Record what a check of an order's URLs showed (the coordinator)",
            "description": "As the case page's check. `still_present` after the removal deadline also records the non-compliance.",
            "security": [{"staffToken": []}],
            "parameters": [path("order_id", "The order number."), lang.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["result"], "properties": {
                "result": {"type": "string", "enum": ["removed", "still_present", "unreachable"]},
                "note": {"type": "string"}}}}}},
            "responses": {"200": ok("Recorded.", order_outcome.clone()), "400": problem("Not JSON."), "401": problem("Not signed in."),
                "403": problem(coordinators_only), "404": problem("No such order."),
                "409": problem("Not possible in the order's state (not yet delivered, or removed)."),
                "422": problem("No or an unknown result (field result).")}
        }},
        "/api/v1/orders/{order_id}/non-compliance": {"post": {
            "summary": "Record that the removal deadline passed without removal (the coordinator)",
            "security": [{"staffToken": []}],
            "parameters": [path("order_id", "The order number."), lang.clone()],
            "responses": {"200": ok("Recorded; the escalation ladder starts.", order_outcome.clone()), "401": problem("Not signed in."),
                "403": problem(coordinators_only), "404": problem("No such order."),
                "409": problem("Before the removal deadline (code removal_not_due), already recorded, or not possible in the order's state.")}
        }},
        "/api/v1/orders/{order_id}/escalation/steps": {"post": {
            "summary": "Take the next step of the escalation ladder on an order not complied with (the coordinator)",
            "description": "Before the step's time a reason is required (`early_reason`); it is recorded with the step.",
            "security": [{"staffToken": []}],
            "parameters": [path("order_id", "The order number."), lang.clone()],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "early_reason": {"type": "string", "description": "Why the step is taken before its time."}}}}}},
            "responses": {"200": ok("The step was taken.", order_outcome), "400": problem("Not JSON."), "401": problem("Not signed in."),
                "403": problem(coordinators_only), "404": problem("No such order."),
                "409": problem("Not complied with yet, the ladder is exhausted, or before the step's time without early_reason (code escalation_not_due)."),
                "422": problem("early_reason is not text.")}
        }},
        "/api/v1/staff": {"get": {
            "summary": "The staff (the coordinator); never a password or its hash",
            "security": [{"staffToken": []}],
            "parameters": [lang.clone()],
            "responses": {"200": ok("The staff.", json!({"type": "object", "required": ["staff"], "properties": {"staff": {"type": "array", "items": staff_member.clone()}}})),
                "401": problem("Not signed in."), "403": problem(coordinators_only)}
        }, "post": {
            "summary": "Add a staff member (the coordinator); the generated password is shown once",
            "security": [{"staffToken": []}],
            "parameters": [lang.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "display_name", "role"], "properties": {
                "username": {"type": "string", "description": "One word, no spaces."}, "display_name": {"type": "string"},
                "role": {"type": "string", "enum": ["coordinator", "expert"]},
                "chair": {"type": "boolean", "description": "The expert group's chair (experts only)."}}}}}},
            "responses": {"201": ok("Added; `password` is shown this once (only its Argon2id hash is stored).", json!({"allOf": [staff_member,
                    {"type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}}]})),
                "400": problem("Not JSON."), "401": problem("Not signed in."), "403": problem(coordinators_only),
                "409": problem("The username exists (code already_exists)."),
                "422": problem("Invalid fields, named in errors (username, display_name, role, chair).")}
        }},
        "/api/v1/staff/{username}/password": {"post": {
            "summary": "Give a staff member a new generated password, shown once (the coordinator); the old one stops working",
            "security": [{"staffToken": []}],
            "parameters": [path("username", "The staff member."), lang.clone()],
            "responses": {"200": ok("The new password.", json!({"type": "object", "required": ["username", "password"], "properties": {
                    "username": {"type": "string"}, "password": {"type": "string"}}})),
                "401": problem("Not signed in."), "403": problem(coordinators_only), "404": problem("No such staff member.")}
        }},
        "/api/v1/owners": {"get": {
            "summary": "The resource owners (the coordinator); never an API key or its hash",
            "security": [{"staffToken": []}],
            "parameters": [lang.clone()],
            "responses": {"200": ok("The owners.", json!({"type": "object", "required": ["owners"], "properties": {"owners": {"type": "array", "items": owner.clone()}}})),
                "401": problem("Not signed in."), "403": problem(coordinators_only)}
        }, "post": {
            "summary": "Add a resource owner (the coordinator); its API key is shown once",
            "security": [{"staffToken": []}],
            "parameters": [lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "display_name"], "properties": {
                "name": {"type": "string", "description": "One word, no spaces; stored in lower case."}, "display_name": {"type": "string"},
                "domains": {"type": "array", "items": {"type": "string"}}}}}}},
            "responses": {"201": ok("Added; `api_key` is shown this once (only its hash is stored).", json!({"allOf": [owner,
                    {"type": "object", "required": ["api_key"], "properties": {"api_key": {"type": "string"}}}]})),
                "400": problem("Not JSON."), "401": problem("Not signed in."), "403": problem(coordinators_only),
                "409": problem("The name exists (code already_exists)."),
                "422": problem("Invalid fields, named in errors (name, display_name, domains).")}
        }}
    })
}
