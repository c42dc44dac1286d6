//! Previews before a coordinator or the chair acts ("issue orders and
//! responses — preview first"): the orders a confirmed decision would issue,
//! one per resource owner, as drafts (the same document as the order,
//! without a number or a verification code), for the staff case page and
//! the API. Nothing here records anything: a decision issues the orders at
//! once (Order 562-НҚ: "immediately"), so the only place to look at them
//! first is before deciding.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use qorgau_domain::message::Language;
use qorgau_domain::procedure::{Actor, OrderState, ProcedureError};
use qorgau_domain::regime::Regime;
use qorgau_store::Store;

use crate::state::AppState;

/// One order a confirmed decision would issue, as staff read it.
pub struct DraftOrder {
    /// 1-based, in the order the decision would number them.
    pub number: usize,
    /// The owner's key (the order's addressee).
    pub owner: String,
    /// The owner's name as registered, or the key when none is.
    pub owner_name: String,
    pub urls: Vec<String>,
    /// The citations the order carries, in the reader's language.
    pub legal_basis: Vec<String>,
    order: OrderState,
}

/// The case's prospective orders and its regime. The domain
/// decides who may look (those who may decide) and when (before the decision).
pub(crate) async fn draft_orders(
    state: &AppState,
    actor: &Actor,
    case_id: &str,
    language: Language,
) -> Result<(Vec<DraftOrder>, &'static Regime), qorgau_app::ServiceError> {
    let procedure = state.procedure();
    let (case_state, orders) = procedure.prospective_orders(case_id, actor).await?;
    let regime = procedure.regimes.get(&case_state.regime)?;
    let owners = state.store.list_owners().await?;
    let drafts = orders
        .into_iter()
        .enumerate()
        .map(|(index, order)| DraftOrder {
            number: index + 1,
            owner_name: owners
                .iter()
                .find(|owner| owner.name == order.owner)
                .map_or_else(|| order.owner.clone(), |owner| owner.display_name.clone()),
            owner: order.owner.clone(),
            urls: order.urls.clone(),
            legal_basis: citations(regime, language),
            order,
        })
        .collect();
    Ok((drafts, regime))
}

/// The citations an order carries (the outbox's `order_document` cites the
/// same two bases).
fn citations(regime: &Regime, language: Language) -> Vec<String> {
    ["order", "removal"]
        .iter()
        .filter_map(|key| regime.legal_basis(key))
        .map(|basis| basis.citation.get(language).to_owned())
        .collect()
}

/// Which form of a draft order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFormat {
    Pdf,
    Html,
}

/// Draft order `number` of the case as PDF or HTML, rendered by the outbox
/// exactly as the order would be, marked as a draft. Errors as bare
/// statuses: 403 for someone who may not decide, 409 once the case is
/// decided (its orders exist), 404 for no such case or draft.
pub(crate) async fn draft_document(
    state: &AppState,
    actor: &Actor,
    case_id: &str,
    number: usize,
    format: DraftFormat,
) -> Response {
    let Some(outbox) = state.outbox.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (drafts, regime) = match draft_orders(state, actor, case_id, Language::Ru).await {
        Ok(found) => found,
        Err(error) => return status_of(&error).into_response(),
    };
    let Some(draft) = drafts.into_iter().find(|draft| draft.number == number) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(rendered) = outbox.order_draft(regime, &draft.order, &draft.owner_name) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = match format {
        DraftFormat::Pdf => rendered.pdf.into_response(),
        DraftFormat::Html => Html(rendered.html).into_response(),
    };
    let headers = response.headers_mut();
    if format == DraftFormat::Pdf {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pdf"),
        );
        if let Ok(value) = HeaderValue::from_str(&format!(
            "inline; filename=\"{case_id}-draft-{number}.pdf\""
        )) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The status a failed preview answers with.
pub(crate) fn status_of(error: &qorgau_app::ServiceError) -> StatusCode {
    match error {
        qorgau_app::ServiceError::CaseNotFound(_) => StatusCode::NOT_FOUND,
        qorgau_app::ServiceError::Procedure(ProcedureError::NotAllowed { .. }) => {
            StatusCode::FORBIDDEN
        }
        qorgau_app::ServiceError::Procedure(_) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
