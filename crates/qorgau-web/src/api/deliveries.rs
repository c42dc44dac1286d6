//! Delivery: resource owners register their webhook endpoint; coordinators
//! see the deliveries given up (the dead-letter list) and queue them again,
//! pause or resume an order's escalation ladder, and read each owner's
//! compliance record (docs/delivery.md).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use qorgau_app::outbox::{NoticeJob, is_outbox_job};
use qorgau_delivery::webhook::{WebhookSecret, validate_endpoint};
use qorgau_domain::compliance::{ComplianceRecord, OrderFacts};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::procedure::{Actor, Command};
use qorgau_store::{Deliveries, OrderRow, Store};
use serde_json::{Value, json};

use super::parse_json;
use crate::auth::{Owner, Staff};
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
use crate::state::AppState;

/// How long a replaced webhook secret keeps signing beside the new one.
pub const SECRET_GRACE: SignedDuration = SignedDuration::from_hours(24);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookRequest {
    url: String,
}

/// `PUT /api/v1/owner/webhook` `{"url"}` → `{"secret"}`, shown this once.
/// Registering again rotates the secret: the previous one keeps signing
/// beside the new one for 24 hours.
pub async fn register_webhook(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: Owner,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: WebhookRequest = parse_json(&body).map_err(fail)?;
    let url =
        validate_endpoint(&request.url, state.config.allow_loopback_webhooks).map_err(|error| {
            fail(ApiError::Invalid {
                detail: Message::new("problem-invalid-fields").with("count", 1i64),
                errors: vec![FieldProblem {
                    field: "url".to_owned(),
                    code: error.code(),
                    message: error.explain(),
                }],
            })
        })?;
    let secret = WebhookSecret::generate().map_err(|_| fail(ApiError::Internal))?;
    let now = state.clock.now();
    let previous_until = now.saturating_add(SECRET_GRACE).unwrap_or(now);
    let found = state
        .store
        .set_owner_webhook(
            &owner.owner.name,
            url.as_str(),
            &secret.expose(),
            previous_until,
        )
        .await
        .map_err(|error| fail(error.into()))?;
    if !found {
        return Err(fail(ApiError::NotFound));
    }
    Ok(Json(json!({
        "url": url.as_str(),
        "secret": secret.expose(),
        "previous_secret_valid_until": rfc3339_almaty(previous_until),
    }))
    .into_response())
}

fn require_coordinator(staff: &Staff) -> Result<(), ApiError> {
    if staff.is_coordinator() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(None))
    }
}

/// `GET /api/v1/deliveries/failed` (coordinators): the notices and timed
/// steps given up, newest first, with why.
pub async fn failed(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let jobs = state
        .store
        .failed_jobs(500)
        .await
        .map_err(|error| fail(error.into()))?;
    let items: Vec<Value> = jobs
        .iter()
        .filter(|job| is_outbox_job(&job.kind))
        .map(|job| {
            let notice = serde_json::from_str::<NoticeJob>(&job.payload).ok();
            json!({
                "id": job.id,
                "kind": job.kind,
                "case_id": job.case_id,
                "notice": notice.as_ref().map(|notice| notice.notice.as_str()),
                "delivery_id": notice.as_ref().map(|notice| notice.delivery_id.clone()),
                "order_id": notice.as_ref().and_then(|notice| notice.order_id.clone()),
                "attempts": job.attempts,
                "reason": job.last_error,
                "created_at": rfc3339_almaty(job.created_at),
            })
        })
        .collect();
    Ok(Json(json!({ "failed": items })).into_response())
}

/// `POST /api/v1/deliveries/{id}/retry` (coordinators): queues a delivery
/// given up again, due now, with the same delivery id.
pub async fn retry(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let queued = state
        .store
        .retry_job(id, state.clock.now())
        .await
        .map_err(|error| fail(error.into()))?;
    if !queued {
        return Err(fail(ApiError::NotFound));
    }
    Ok(Json(json!({ "id": id, "status": "queued" })).into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseRequest {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/orders/{order_id}/escalation/pause` `{"reason"}` and
/// `…/resume` (coordinators).
pub async fn pause(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: PauseRequest = parse_json(&body).map_err(fail)?;
    let command = Command::PauseEscalation {
        order_id: order_id.clone(),
        reason: request.reason,
    };
    run_on_order(&state, &staff, &order_id, command)
        .await
        .map_err(fail)
}

pub async fn resume(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(order_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let command = Command::ResumeEscalation {
        order_id: order_id.clone(),
    };
    run_on_order(&state, &staff, &order_id, command)
        .await
        .map_err(fail)
}

/// Runs a coordinator's command on the case an order belongs to; the
/// order's state after it, and what was recorded.
pub(crate) async fn run_on_order(
    state: &AppState,
    staff: &Staff,
    order_id: &str,
    command: Command,
) -> Result<Response, ApiError> {
    require_coordinator(staff)?;
    let case_id = order_id
        .rsplit_once('-')
        .map(|(case_id, _)| case_id)
        .ok_or(ApiError::NotFound)?;
    let (events, case) = state
        .procedure()
        .run(case_id, &staff.actor, command)
        .await
        .map_err(|error| match error {
            // An order number the case does not have is not found, like a
            // case number nobody has (the OpenAPI document's 404).
            qorgau_app::ServiceError::Procedure(
                qorgau_domain::procedure::ProcedureError::UnknownOrder { .. },
            ) => ApiError::NotFound,
            error => ApiError::from_service(error),
        })?;
    let order = case.order(order_id).ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "order_id": order_id,
        "status": qorgau_domain::procedure::command::order_status_name(order.status),
        "escalation_paused": order.escalation_paused.is_some(),
        "case_id": case_id,
        "removal_due": order.removal_due.map(rfc3339_almaty),
        "last_verification": order.last_verification,
        "escalations": order.escalations.iter().map(|kind| kind.as_str()).collect::<Vec<_>>(),
        "recorded": events.iter().map(|event| event.type_name()).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// Each owner's compliance record now.
pub async fn compliance_records(
    state: &AppState,
) -> Result<Vec<(qorgau_store::ResourceOwner, ComplianceRecord)>, ApiError> {
    let now = state.clock.now();
    let mut records = Vec::new();
    for owner in state.store.list_owners().await? {
        let orders = state.store.owner_orders(&owner.name, false).await?;
        let facts: Vec<OrderFacts> = orders.iter().map(order_facts).collect();
        records.push((owner, ComplianceRecord::of(&facts, now)));
    }
    Ok(records)
}

fn order_facts(order: &OrderRow) -> OrderFacts {
    OrderFacts {
        delivered_at: order.delivered_at,
        removal_due: order.removal_due,
        removed_at: order.removed_at,
        escalations: order.escalations,
    }
}

/// `GET /api/v1/owners/compliance` (coordinators).
pub async fn compliance(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    let records = compliance_records(&state).await.map_err(fail)?;
    let owners: Vec<Value> = records
        .into_iter()
        .map(|(owner, record)| {
            json!({
                "owner": owner.name,
                "display_name": owner.display_name,
                "record": record,
            })
        })
        .collect();
    Ok(Json(json!({ "owners": owners })).into_response())
}

/// `GET /api/v1/orders/{order_id}/document` (the owner, by API key): the
/// order as PDF, as delivered.
pub async fn order_document(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: Owner,
    Path(order_id): Path<String>,
    Query(query): Query<crate::pages::DocumentQuery>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let own = state
        .store
        .owner_orders(&owner.owner.name, false)
        .await
        .map_err(|error| fail(error.into()))?;
    let Some(order) = own.iter().find(|order| order.order_id == order_id) else {
        return Err(fail(ApiError::NotFound));
    };
    // Reading the order is receiving it, as listing it is: the 24-hour
    // clock starts, and the document then shows its deadline instead of
    // "24 hours from receipt".
    if order.status == "issued" {
        let delivery = Command::RecordDelivery {
            order_id: order_id.clone(),
            delivered_at: None,
            channel: "api".to_owned(),
        };
        // Another request may have recorded the delivery first; that is fine.
        let _ = state
            .procedure()
            .run(&order.case_id, &Actor::system(), delivery)
            .await;
    }
    Ok(crate::pages::order_pdf(&state, &order_id, query.step).await)
}

/// `GET /api/v1/cases/{case_id}/orders/{order_id}/preview` and
/// `GET /api/v1/cases/{case_id}/response/preview` (coordinators): the
/// documents as they go out, before or after they do.
pub async fn order_preview(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path((case_id, order_id)): Path<(String, String)>,
    Query(query): Query<crate::pages::DocumentQuery>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    if !order_id.starts_with(&format!("{case_id}-")) {
        return Err(fail(ApiError::NotFound));
    }
    Ok(crate::pages::order_pdf(&state, &order_id, query.step).await)
}

pub async fn response_preview(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    require_coordinator(&staff).map_err(fail)?;
    Ok(crate::pages::response_pdf(&state, &case_id).await)
}

/// This module's routes in the OpenAPI document.
pub fn openapi_paths() -> Value {
    let problem = |description: &str| {
        json!({"description": description,
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    };
    let ok = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"type": "object"}}}});
    let pdf = |description: &str| json!({"description": description, "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}});
    let path = |name: &str, description: &str| json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}});
    json!({
        "/api/v1/owner/webhook": {"put": {
            "summary": "Register (or replace) the owner's webhook endpoint",
            "description": "Standard Webhooks (docs/delivery.md). The secret is shown once; registering again rotates it, and the previous secret keeps signing beside the new one for 24 hours.",
            "security": [{"ownerApiKey": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "format": "uri"}}}}}},
            "responses": {
                "200": {"description": "Registered.", "content": {"application/json": {"schema": {"type": "object", "required": ["url", "secret"], "properties": {
                    "url": {"type": "string"}, "secret": {"type": "string", "pattern": "^whsec_"}, "previous_secret_valid_until": {"type": "string", "format": "date-time"}}}}}},
                "400": problem("Not JSON of this shape."),
                "401": problem("No or unknown API key."),
                "422": problem("The URL is not acceptable (https only, no credentials, no private address); `errors[0].field` is `url`.")
            }
        }},
        "/api/v1/orders/{order_id}/document": {"get": {
            "summary": "The order as PDF, in Kazakh and Russian, as delivered",
            "security": [{"ownerApiKey": []}],
            "parameters": [path("order_id", "The order number."),
                {"name": "step", "in": "query", "required": false, "description": "An escalation step taken (1-based): its document instead of the order's.", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": pdf("The order."), "401": problem("No or unknown API key."), "404": problem("No such order for this owner.")}
        }},
        "/api/v1/orders/{order_id}/escalation/pause": {"post": {
            "summary": "Pause the order's escalation ladder (coordinators)",
            "security": [{"staffToken": []}],
            "parameters": [path("order_id", "The order number.")],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": ok("Paused."), "403": problem("Coordinators only."), "404": problem("No such order."), "409": problem("Already paused, settled, or no reason given.")}
        }},
        "/api/v1/orders/{order_id}/escalation/resume": {"post": {
            "summary": "Resume the order's escalation ladder (coordinators); later steps move by the pause",
            "security": [{"staffToken": []}],
            "parameters": [path("order_id", "The order number.")],
            "responses": {"200": ok("Resumed."), "403": problem("Coordinators only."), "404": problem("No such order."), "409": problem("Not paused.")}
        }},
        "/api/v1/deliveries/failed": {"get": {
            "summary": "The deliveries given up: the dead-letter list (coordinators)",
            "security": [{"staffToken": []}],
            "responses": {"200": ok("Newest first, with the last reason."), "403": problem("Coordinators only.")}
        }},
        "/api/v1/deliveries/{id}/retry": {"post": {
            "summary": "Queue a delivery given up again, with the same delivery id (coordinators)",
            "security": [{"staffToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": ok("Queued."), "403": problem("Coordinators only."), "404": problem("No such delivery given up.")}
        }},
        "/api/v1/owners/compliance": {"get": {
            "summary": "Each resource owner's compliance record (coordinators)",
            "security": [{"staffToken": []}],
            "responses": {"200": ok("Orders received, removed, open, overdue, the share removed in time, median and 90th-percentile time to removal, escalation steps."), "403": problem("Coordinators only.")}
        }},
        "/api/v1/cases/{case_id}/orders/{order_id}/preview": {"get": {
            "summary": "Preview an order as PDF (coordinators)",
            "security": [{"staffToken": []}],
            "parameters": [path("case_id", "The case number."), path("order_id", "The order number.")],
            "responses": {"200": pdf("The order."), "403": problem("Coordinators only."), "404": problem("No such order.")}
        }},
        "/api/v1/cases/{case_id}/response/preview": {"get": {
            "summary": "Preview the response letter to the applicant as PDF, in the case's language (coordinators)",
            "security": [{"staffToken": []}],
            "parameters": [path("case_id", "The case number.")],
            "responses": {"200": pdf("The letter."), "403": problem("Coordinators only."), "404": problem("No such case.")}
        }}
    })
}
