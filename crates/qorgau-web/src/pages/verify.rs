//! Anyone holding an order can check that it is genuine: the document names
//! an address `/verify/{order_id}/{code}`; the page confirms the order's
//! number, date, addressee and status when the code matches what Qorgau
//! issued — and shows nothing about the application or the child.
//!
//! The owner's copy of the order as PDF: `/owner/orders/{order_id}/document.pdf`
//! (the owner's portal session or API key); the coordinator's preview of an
//! order or of the applicant's letter from the staff workspace.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::outbox::verification_code;
use qorgau_domain::deadline::format_almaty;
use qorgau_domain::procedure::command::order_status_name;
use qorgau_domain::regime::Regimes;
use qorgau_store::Store;
use subtle::ConstantTimeEq;

use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    tr: Tr,
    path: String,
    found: Option<VerifiedOrder>,
}

struct VerifiedOrder {
    number: String,
    issued: String,
    owner: String,
    status: String,
    removal_due: Option<String>,
    urls: usize,
}

/// The case an order belongs to: order numbers are `<case number>-<n>`.
fn case_of(order_id: &str) -> Option<&str> {
    order_id.rsplit_once('-').map(|(case_id, _)| case_id)
}

/// `GET /verify/{order_id}/{code}` (public).
pub async fn verify(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path((order_id, code)): Path<(String, String)>,
) -> Response {
    let tr = Tr { language };
    let found = verified(&state, &order_id, &code).await;
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    page(
        &VerifyPage {
            tr,
            path: format!("/verify/{order_id}/{code}"),
            found,
        },
        status,
    )
}

async fn verified(state: &AppState, order_id: &str, code: &str) -> Option<VerifiedOrder> {
    let case = state.store.load_case(case_of(order_id)?).await.ok()??;
    let case = case.state().ok()?;
    let order = case.order(order_id)?;
    let expected = verification_code(order);
    let given = code.trim().to_uppercase();
    if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return None;
    }
    let owner = state
        .store
        .list_owners()
        .await
        .ok()?
        .into_iter()
        .find(|owner| owner.name == order.owner)
        .map_or_else(|| order.owner.clone(), |owner| owner.display_name);
    Some(VerifiedOrder {
        number: order.order_id.clone(),
        issued: format_almaty(order.issued_at),
        owner,
        status: order_status_name(order.status).to_owned(),
        removal_due: order.removal_due.map(format_almaty),
        urls: order.urls.len(),
    })
}

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.pdf\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Which document of an order: the order itself, or the document of step
/// `step` (1-based) of its escalation ladder once taken (`?step=N`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct DocumentQuery {
    pub step: Option<u32>,
}

/// The order (or one escalation step's document) as a PDF, rendered as it
/// was delivered. Who may see it is the caller's business (the owner's
/// routes, the staff preview).
pub(crate) async fn order_pdf(state: &AppState, order_id: &str, step: Option<u32>) -> Response {
    let Some(outbox) = state.outbox.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(case_id) = case_of(order_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(Some(stored)) = state.store.load_case(case_id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(case) = stored.state() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (Some(order), Ok(regime)) = (case.order(order_id), Regimes::embedded().get(&case.regime))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // A step's document is dated the day the step was taken; a step not
    // taken has no document.
    let issued_on = match step {
        None => order.issued_at,
        Some(wanted) => {
            let taken = stored.events.iter().find_map(|event| match event {
                qorgau_domain::procedure::CaseEvent::EscalationStepTaken {
                    order_id: of,
                    step,
                    taken_at,
                    ..
                } if of == order_id && *step == wanted => Some(*taken_at),
                _ => None,
            });
            let Some(taken_at) = taken else {
                return StatusCode::NOT_FOUND.into_response();
            };
            taken_at
        }
    };
    let owner = state
        .store
        .list_owners()
        .await
        .ok()
        .and_then(|owners| owners.into_iter().find(|owner| owner.name == order.owner))
        .map_or_else(|| order.owner.clone(), |owner| owner.display_name);
    let name = match step {
        Some(step) => format!("{order_id}-step-{step}"),
        None => order_id.to_owned(),
    };
    match outbox.order_document(regime, order, &owner, step, issued_on) {
        Ok(rendered) => pdf(rendered.pdf, &name),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The applicant's letter as a PDF, in the case's language (staff preview).
pub(crate) async fn response_pdf(state: &AppState, case_id: &str) -> Response {
    let Some(outbox) = state.outbox.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(Some(stored)) = state.store.load_case(case_id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(case) = stored.state() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(regime) = Regimes::embedded().get(&case.regime) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = state.clock.now();
    match outbox.response_letter(&case, &stored.events, case_id, regime, now) {
        Ok(rendered) => pdf(rendered.pdf, case_id),
        // Not decided yet: no letter to show.
        Err(qorgau_app::ServiceError::Procedure(_)) => StatusCode::CONFLICT.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
