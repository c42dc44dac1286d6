//! The authority's staff: sign in, the queue, votes, the decision, the
//! extension and the response.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::category::{Category, CriminalIndicator};
use qorgau_domain::deadline::{almaty_date, rfc3339_almaty};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{CasePhase, Command, Role, VoteChoice};
use qorgau_store::{StaffRole, Store};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::parse_json;
use crate::auth::{Staff, sign_in};
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
use crate::state::AppState;

/// The client's address, when the server recorded it (for sign-in throttling).
pub struct ClientAddress(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| *address),
        ))
    }
}

/// One field of a JSON object, typed; a missing or ill-typed field is a 422
/// naming it.
pub(crate) fn field<T: DeserializeOwned>(
    body: &Value,
    name: &'static str,
    errors: &mut Vec<FieldProblem>,
) -> Option<T> {
    let value = body.get(name).cloned().unwrap_or(Value::Null);
    match serde_json::from_value(value) {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            errors.push(FieldProblem {
                field: name.to_owned(),
                code: if body.get(name).is_none() {
                    "required"
                } else {
                    "invalid"
                },
                message: Message::new(if body.get(name).is_none() {
                    "problem-field-required"
                } else {
                    "problem-field-invalid"
                })
                .with("field", name),
            });
            None
        }
    }
}

pub(crate) fn invalid(errors: Vec<FieldProblem>) -> ApiError {
    ApiError::Invalid {
        detail: Message::new("problem-invalid-fields").with("count", errors.len() as i64),
        errors,
    }
}

/// `POST /api/v1/auth/token` `{"username","password"}` → `{"token","role","expires_at"}`.
pub async fn token(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let body: Value = parse_json(&body).map_err(fail)?;
    let mut errors = Vec::new();
    let username: Option<String> = field(&body, "username", &mut errors);
    let password: Option<String> = field(&body, "password", &mut errors);
    let (Some(username), Some(password)) = (username, password) else {
        return Err(fail(invalid(errors)));
    };
    let signed_in = sign_in(&state, &username, &password, address)
        .await
        .map_err(fail)?;
    Ok(Json(json!({
        "token": signed_in.token,
        "role": match signed_in.member.role { StaffRole::Coordinator => "coordinator", StaffRole::Expert => "expert" },
        "chair": signed_in.member.chair,
        "username": signed_in.member.username,
        "expires_at": rfc3339_almaty(signed_in.expires_at),
    }))
    .into_response())
}

/// `DELETE /api/v1/auth/token` (with the token as bearer) → `204`: the
/// session ends at once, on every instance (it is deleted from the store).
pub async fn sign_out(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
) -> Result<Response, Problem> {
    state
        .store
        .end_session(&staff.session_hash)
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

#[derive(serde::Deserialize)]
pub struct QueueQuery {
    state: Option<String>,
}

/// `GET /api/v1/cases?state=…` → the queue, earliest deadline first (overdue on top).
pub async fn queue(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Query(query): Query<QueueQuery>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let phase = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(CasePhase::parse(text).ok_or_else(|| {
            fail(invalid(vec![FieldProblem {
                field: "state".into(),
                code: "invalid",
                message: Message::new("cli-unknown-state").with("value", text),
            }]))
        })?),
    };
    let cases = state
        .store
        .list_cases(phase)
        .await
        .map_err(|error| fail(error.into()))?;
    let deadlines = state
        .store
        .deadlines()
        .await
        .map_err(|error| fail(error.into()))?;
    let now = state.clock.now();
    let today = almaty_date(now);
    let mut rows: Vec<(Option<jiff::Timestamp>, Value)> = cases
        .iter()
        .map(|case| {
            let next = deadlines.iter().find(|row| row.case_id == case.case_id);
            let next_json = next.map(|row| {
                let working_days_left = row.deadline.last_day.and_then(|last_day| {
                    WorkingCalendar::embedded()
                        .working_days_between(today, last_day)
                        .ok()
                });
                json!({
                    "kind": row.deadline.kind,
                    "order_id": row.deadline.order_id,
                    "due_at": rfc3339_almaty(row.deadline.due_at),
                    "overdue": now >= row.deadline.due_at,
                    "working_days_left": working_days_left,
                    "provisional": row.deadline.provisional,
                })
            });
            (
                next.map(|row| row.deadline.due_at),
                json!({
                    "case_id": case.case_id,
                    "status": case.phase,
                    "language": case.language,
                    "received_at": rfc3339_almaty(case.received_at),
                    "next_deadline": next_json,
                }),
            )
        })
        .collect();
    // Cases with a deadline first, earliest first; then the rest by number.
    rows.sort_by_key(|(due, _)| (due.is_none(), *due));
    Ok(Json(Value::Array(rows.into_iter().map(|(_, row)| row).collect())).into_response())
}

/// `GET /api/v1/cases/{case_id}` → the case as staff see it.
pub async fn case(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(case_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let procedure = state.procedure();
    let case = procedure
        .load(&case_id)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    let case_state = case.state().map_err(|error| fail(error.into()))?;
    let regime = procedure
        .regimes
        .get(&case_state.regime)
        .map_err(|_| fail(ApiError::Internal))?;
    let pending: Vec<Value> = case_state
        .pending_deadlines(&regime.escalation)
        .iter()
        .map(|deadline| {
            json!({"kind": deadline.kind, "order_id": deadline.order_id,
            "due_at": rfc3339_almaty(deadline.due_at), "provisional": deadline.provisional})
        })
        .collect();
    Ok(Json(json!({
        "case_id": case_id,
        "status": case_state.phase,
        "regime": case_state.regime,
        "received_at": rfc3339_almaty(case_state.received_at),
        "decision_due": rfc3339_almaty(case_state.decision_due.due_at),
        "response_due": rfc3339_almaty(case_state.response_due.due_at),
        "pending_deadlines": pending,
        "case": case_state,
    }))
    .into_response())
}

async fn run(
    state: &AppState,
    language: qorgau_domain::message::Language,
    case_id: &str,
    staff: &Staff,
    command: Command,
) -> Result<Response, Problem> {
    let (events, case_state) = state
        .procedure()
        .run(case_id, &staff.actor, command)
        .await
        .map_err(|error| ApiError::from_service(error).in_language(language))?;
    let recorded: Vec<&str> = events.iter().map(|event| event.type_name()).collect();
    let orders: Vec<Value> = case_state
        .orders
        .iter()
        .map(|order| {
            json!({"order_id": order.order_id, "owner": order.owner, "urls": order.urls,
            "status": qorgau_domain::procedure::command::order_status_name(order.status)})
        })
        .collect();
    Ok(Json(json!({
        "case_id": case_id,
        "status": case_state.phase,
        "recorded": recorded,
        "decision": case_state.decision,
        "orders": orders,
    }))
    .into_response())
}

/// `POST /api/v1/cases/{case_id}/votes` `{"vote","category","reasons","indicators"?}` (an expert).
pub async fn vote(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    if !staff.is_expert() {
        return Err(fail(ApiError::Forbidden(None)));
    }
    let body: Value = parse_json(&body).map_err(fail)?;
    let mut errors = Vec::new();
    let vote: Option<VoteChoice> = field(&body, "vote", &mut errors);
    let category: Option<Category> = field(&body, "category", &mut errors);
    let reasons: Option<String> = field(&body, "reasons", &mut errors);
    let indicators: Vec<CriminalIndicator> = match body.get("indicators") {
        None => Vec::new(),
        Some(_) => field(&body, "indicators", &mut errors).unwrap_or_default(),
    };
    let (Some(vote), Some(category), Some(reasons)) = (vote, category, reasons) else {
        return Err(fail(invalid(errors)));
    };
    run(
        &state,
        language,
        &case_id,
        &staff,
        Command::Vote {
            vote,
            category,
            indicators,
            reasons,
        },
    )
    .await
}

/// `POST /api/v1/cases/{case_id}/decision` `{"override_reason"?}` (the coordinator
/// or the chair) → the decision by the regime's rule; a confirmed decision
/// issues the orders at once. 409 when the rule is not met.
pub async fn decide(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    if !(staff.is_coordinator() || staff.actor.role == (Role::Expert { chair: true })) {
        return Err(fail(ApiError::Forbidden(None)));
    }
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        parse_json(&body).map_err(fail)?
    };
    let override_reason = body
        .get("override_reason")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let command = state
        .procedure()
        .decide_command(&case_id, override_reason)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    run(&state, language, &case_id, &staff, command).await
}

/// `POST /api/v1/cases/{case_id}/extension` `{"until","reason"}` (the chair).
pub async fn extend(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let body: Value = parse_json(&body).map_err(fail)?;
    let mut errors = Vec::new();
    let until: Option<jiff::civil::Date> = field(&body, "until", &mut errors);
    let reason: Option<String> = field(&body, "reason", &mut errors);
    let (Some(until), Some(reason)) = (until, reason) else {
        return Err(fail(invalid(errors)));
    };
    run(
        &state,
        language,
        &case_id,
        &staff,
        Command::Extend { until, reason },
    )
    .await
}

/// `POST /api/v1/cases/{case_id}/response` `{"channel"}` (the coordinator): the
/// response was sent to the applicant.
pub async fn respond(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    if !staff.is_coordinator() {
        return Err(fail(ApiError::Forbidden(None)));
    }
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        parse_json(&body).map_err(fail)?
    };
    let channel = body
        .get("channel")
        .and_then(Value::as_str)
        .unwrap_or("email")
        .to_owned();
    run(
        &state,
        language,
        &case_id,
        &staff,
        Command::SendResponse { channel },
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DraftQuery {
    /// `html` for the HTML document; the PDF otherwise.
    format: Option<String>,
}

/// `GET /api/v1/cases/{case_id}/draft-orders` (the coordinator or the chair,
/// before the decision): the orders a confirmed decision would issue at
/// once, one per resource owner. Records nothing; 409 once decided.
pub async fn draft_orders(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let (drafts, regime) =
        crate::pages::drafts::draft_orders(&state, &staff.actor, &case_id, language)
            .await
            .map_err(|error| fail(ApiError::from_service(error)))?;
    let orders: Vec<Value> = drafts
        .iter()
        .map(|draft| {
            json!({
                "number": draft.number,
                "owner": draft.owner,
                "owner_name": draft.owner_name,
                "urls": draft.urls,
                "legal_basis": draft.legal_basis,
                "removal_hours": regime.deadlines.removal_hours,
                "document": format!("/api/v1/cases/{case_id}/draft-orders/{}/document", draft.number),
            })
        })
        .collect();
    Ok(Json(json!({"case_id": case_id, "draft": true, "orders": orders})).into_response())
}

/// `GET /api/v1/cases/{case_id}/draft-orders/{number}/document[?format=html]`:
/// one prospective order as a draft PDF (or HTML), without a number or a
/// verification code.
pub async fn draft_order_document(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path((case_id, number)): Path<(String, usize)>,
    Query(query): Query<DraftQuery>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    // The domain's refusal (who, when) as a problem, before any rendering.
    crate::pages::drafts::draft_orders(&state, &staff.actor, &case_id, language)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    let format = match query.format.as_deref() {
        Some("html") => crate::pages::drafts::DraftFormat::Html,
        _ => crate::pages::drafts::DraftFormat::Pdf,
    };
    let response =
        crate::pages::drafts::draft_document(&state, &staff.actor, &case_id, number, format).await;
    if response.status() == axum::http::StatusCode::NOT_FOUND {
        return Err(fail(ApiError::NotFound));
    }
    Ok(response)
}

/// This module's additions to the OpenAPI document.
pub fn openapi_paths() -> Value {
    let problem = |description: &str| {
        json!({"description": description,
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    };
    let path = |name: &str, description: &str| json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}});
    json!({
        "/api/v1/cases/{case_id}/draft-orders": {"get": {
            "summary": "Preview the orders a confirmed decision would issue (the coordinator or the chair, before deciding)",
            "description": "One per resource owner: the owner, the exact URLs, the legal basis and the removal deadline in hours from the order's receipt. Nothing is recorded; a decision issues the orders at once.",
            "security": [{"staffToken": []}],
            "parameters": [path("case_id", "The case number.")],
            "responses": {
                "200": {"description": "The prospective orders.", "content": {"application/json": {"schema": {"type": "object", "required": ["case_id", "orders"], "properties": {
                    "case_id": {"type": "string"}, "draft": {"type": "boolean"},
                    "orders": {"type": "array", "items": {"type": "object", "required": ["number", "owner", "urls", "legal_basis", "removal_hours"], "properties": {
                        "number": {"type": "integer", "minimum": 1}, "owner": {"type": "string"}, "owner_name": {"type": "string"},
                        "urls": {"type": "array", "items": {"type": "string"}},
                        "legal_basis": {"type": "array", "items": {"type": "string"}},
                        "removal_hours": {"type": "integer"}, "document": {"type": "string"}}}}}}}}},
                "401": problem("Not signed in."),
                "403": problem("Neither the coordinator nor the chair."),
                "404": problem("No such case."),
                "409": problem("The case is decided (its orders exist), or there is nothing to order.")
            }
        }},
        "/api/v1/cases/{case_id}/draft-orders/{number}/document": {"get": {
            "summary": "One prospective order as a draft document, in Kazakh and Russian, without a number or a verification code",
            "security": [{"staffToken": []}],
            "parameters": [path("case_id", "The case number."),
                {"name": "number", "in": "path", "required": true, "description": "The draft's number in the list (1-based).", "schema": {"type": "integer", "minimum": 1}},
                {"name": "format", "in": "query", "required": false, "description": "`html` for the HTML document; PDF otherwise.", "schema": {"type": "string", "enum": ["pdf", "html"]}}],
            "responses": {
                "200": {"description": "The draft.", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "text/html": {"schema": {"type": "string"}}}},
                "401": problem("Not signed in."),
                "403": problem("Neither the coordinator nor the chair."),
                "404": problem("No such case or draft."),
                "409": problem("The case is decided (its orders exist).")
            }
        }}
    })
}
