//! Resource owners: their orders — the content to remove, the legal basis and
//! the deadline — and never who complained or anything about the child.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::message::Language;
use qorgau_domain::procedure::{Actor, Command};
use qorgau_domain::regime::Regimes;
use qorgau_store::{OrderRow, Store};
use serde_json::{Value, json};

use super::parse_json;
use crate::auth::Owner;
use crate::language::RequestLanguage;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(serde::Deserialize)]
pub struct OrdersQuery {
    status: Option<String>,
}

/// The case an order belongs to: order numbers are `<case number>-<n>`.
fn case_of(order_id: &str) -> Option<&str> {
    order_id.rsplit_once('-').map(|(case_id, _)| case_id)
}

/// An order as its addressee sees it. Built from the order's own fields and the
/// regime's legal basis only: no applicant, no child, no description.
fn order_json(order: &OrderRow, regime_id: Option<&str>) -> Value {
    let basis = regime_id
        .and_then(|id| Regimes::embedded().get(id).ok())
        .and_then(|regime| regime.legal_basis("order"))
        .map(|basis| json!({"kk": basis.citation.kk, "ru": basis.citation.ru, "en": basis.citation.en}));
    json!({
        "order_id": order.order_id,
        "status": order.status,
        "urls": order.urls,
        "legal_basis": basis,
        "regime": regime_id,
        "issued_at": rfc3339_almaty(order.issued_at),
        "delivered_at": order.delivered_at.map(rfc3339_almaty),
        "removal_due": order.removal_due.map(rfc3339_almaty),
        "acknowledged_at": order.acknowledged_at.map(rfc3339_almaty),
        "removal_reported_at": order.removal_reported_at.map(rfc3339_almaty),
    })
}

/// `GET /api/v1/orders?status=open|all`. The first time the owner sees an
/// order here is its delivery: the 24-hour removal clock starts.
pub async fn orders(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: Owner,
    Query(query): Query<OrdersQuery>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let open_only = query.status.as_deref() != Some("all");
    let name = &owner.owner.name;
    let listed = state
        .store
        .owner_orders(name, open_only)
        .await
        .map_err(|error| fail(error.into()))?;
    let procedure = state.procedure();
    for order in listed.iter().filter(|order| order.status == "issued") {
        let delivery = Command::RecordDelivery {
            order_id: order.order_id.clone(),
            delivered_at: None,
            channel: "api".to_owned(),
        };
        // Another request may have recorded the delivery first; that is fine.
        let _ = procedure
            .run(&order.case_id, &Actor::system(), delivery)
            .await;
    }
    let listed = state
        .store
        .owner_orders(name, open_only)
        .await
        .map_err(|error| fail(error.into()))?;
    let mut rows = Vec::with_capacity(listed.len());
    for order in &listed {
        let regime = match state.store.load_case(&order.case_id).await {
            Ok(Some(case)) => case.state().ok().map(|case_state| case_state.regime),
            _ => None,
        };
        rows.push(order_json(order, regime.as_deref()));
    }
    Ok(Json(Value::Array(rows)).into_response())
}

/// Finds the order among the owner's own; anyone else's is "not found".
async fn own_order(
    state: &AppState,
    owner: &Owner,
    order_id: &str,
    language: Language,
) -> Result<OrderRow, Problem> {
    let orders = state
        .store
        .owner_orders(&owner.owner.name, false)
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?;
    orders
        .into_iter()
        .find(|order| {
            order.order_id == order_id && case_of(order_id) == Some(order.case_id.as_str())
        })
        .ok_or(ApiError::NotFound.in_language(language))
}

async fn run(
    state: &AppState,
    owner: &Owner,
    order: &OrderRow,
    command: Command,
    language: Language,
) -> Result<Response, Problem> {
    let (_, case_state) = state
        .procedure()
        .run(&order.case_id, &owner.actor(), command)
        .await
        .map_err(|error| ApiError::from_service(error).in_language(language))?;
    let updated = case_state.order(&order.order_id).map(|current| {
        json!({"order_id": current.order_id, "status": qorgau_domain::procedure::command::order_status_name(current.status)})
    });
    Ok(Json(updated.unwrap_or(Value::Null)).into_response())
}

/// `POST /api/v1/orders/{order_id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: Owner,
    Path(order_id): Path<String>,
) -> Result<Response, Problem> {
    let order = own_order(&state, &owner, &order_id, language).await?;
    // Acknowledging an order not yet seen here is also its delivery.
    if order.status == "issued" {
        let delivery = Command::RecordDelivery {
            order_id: order_id.clone(),
            delivered_at: None,
            channel: "api".into(),
        };
        let _ = state
            .procedure()
            .run(&order.case_id, &Actor::system(), delivery)
            .await;
    }
    run(
        &state,
        &owner,
        &order,
        Command::Acknowledge { order_id },
        language,
    )
    .await
}

/// `POST /api/v1/orders/{order_id}/removal` `{"removed_urls": [...], "note": "…"}`.
pub async fn removal(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: Owner,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let order = own_order(&state, &owner, &order_id, language).await?;
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        parse_json(&body).map_err(fail)?
    };
    let removed_urls: Vec<String> = body
        .get("removed_urls")
        .and_then(Value::as_array)
        .map(|urls| {
            urls.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let note = body.get("note").and_then(Value::as_str).map(str::to_owned);
    if order.status == "issued" {
        let delivery = Command::RecordDelivery {
            order_id: order_id.clone(),
            delivered_at: None,
            channel: "api".into(),
        };
        let _ = state
            .procedure()
            .run(&order.case_id, &Actor::system(), delivery)
            .await;
    }
    run(
        &state,
        &owner,
        &order,
        Command::ReportRemoval {
            order_id,
            removed_urls,
            note,
        },
        language,
    )
    .await
}
