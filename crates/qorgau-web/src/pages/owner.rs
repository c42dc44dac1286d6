//! The resource owner's portal: their orders only — what to remove, by when,
//! under which rule — never who complained or anything about the child.
//!
//! The owner signs in with its API key; the cookie holds the key itself
//! (`HttpOnly; SameSite=Strict; Secure`), the same secret the API takes, so
//! rotating the key ends every portal session too.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use qorgau_app::credentials::secret_hash;
use qorgau_domain::deadline::format_almaty;
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::procedure::{Actor, Command, Role};
use qorgau_domain::regime::Regimes;
use qorgau_store::{ResourceOwner, Store};

use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

const COOKIE: &str = "qorgau_owner";

/// A signed-in resource owner on a page.
pub struct OwnerPage {
    owner: ResourceOwner,
    csrf: String,
}

impl FromRequestParts<AppState> for OwnerPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let language = crate::language::negotiate(parts.uri.query(), None);
        let to_login = || Redirect::to(&format!("/owner?lang={}", language.tag())).into_response();
        let key = super::cookie(&parts.headers, COOKIE).ok_or_else(to_login)?;
        let owner = state
            .store
            .find_owner_by_key(&secret_hash(&key))
            .await
            .ok()
            .flatten()
            .ok_or_else(to_login)?;
        Ok(OwnerPage {
            owner,
            csrf: super::csrf_token(&key),
        })
    }
}

impl OwnerPage {
    fn check_csrf(&self, values: &HashMap<String, String>) -> bool {
        super::csrf_matches(values, &self.csrf)
    }

    fn actor(&self) -> Actor {
        Actor {
            name: format!("owner:{}", self.owner.name),
            role: Role::ResourceOwner {
                owner: self.owner.name.clone(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "owner_login.html")]
struct LoginPage {
    tr: Tr,
    path: &'static str,
    error: Option<String>,
}

pub async fn login_form(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &LoginPage {
            tr: Tr { language },
            path: "/owner",
            error: None,
        },
        StatusCode::OK,
    )
}

pub async fn login(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let key = values
        .get("api_key")
        .map(|value| value.trim().to_owned())
        .unwrap_or_default();
    let known = state
        .store
        .find_owner_by_key(&secret_hash(&key))
        .await
        .ok()
        .flatten()
        .is_some();
    if !known {
        let tr = Tr { language };
        return page(
            &LoginPage {
                tr,
                path: "/owner",
                error: Some(tr.t("owner-login-failed")),
            },
            StatusCode::UNAUTHORIZED,
        );
    }
    let secure = if state.config.insecure_cookies {
        ""
    } else {
        "; Secure"
    };
    let cookie =
        format!("{COOKIE}={key}; HttpOnly; SameSite=Strict; Path=/owner; Max-Age=28800{secure}");
    let mut response =
        Redirect::to(&format!("/owner/orders?lang={}", language.tag())).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub struct OrderView {
    pub order_id: String,
    pub status: String,
    pub urls: Vec<String>,
    pub due: String,
    pub overdue: bool,
    pub basis: String,
    pub can_acknowledge: bool,
    pub can_report: bool,
}

#[derive(Template)]
#[template(path = "owner_orders.html")]
struct OrdersPage {
    tr: Tr,
    path: &'static str,
    owner: String,
    csrf: String,
    notice: Option<String>,
    orders: Vec<OrderView>,
}

async fn render_orders(
    state: &AppState,
    tr: Tr,
    owner: &OwnerPage,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let name = &owner.owner.name;
    let Ok(listed) = state.store.owner_orders(name, false).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Seeing an order here is receiving it: the 24-hour clock starts.
    let procedure = state.procedure();
    for order in listed.iter().filter(|order| order.status == "issued") {
        let delivery = Command::RecordDelivery {
            order_id: order.order_id.clone(),
            delivered_at: None,
            channel: "portal".into(),
        };
        let _ = procedure
            .run(&order.case_id, &Actor::system(), delivery)
            .await;
    }
    let Ok(listed) = state.store.owner_orders(name, false).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let now = state.clock.now();
    let mut orders = Vec::new();
    for order in &listed {
        let regime = match state.store.load_case(&order.case_id).await {
            Ok(Some(case)) => case.state().ok().map(|case_state| case_state.regime),
            _ => None,
        };
        let basis = regime
            .and_then(|id| {
                Regimes::embedded().get(&id).ok().and_then(|regime| {
                    regime
                        .legal_basis("order")
                        .map(|basis| basis.citation.get(tr.language).to_owned())
                })
            })
            .unwrap_or_default();
        orders.push(OrderView {
            order_id: order.order_id.clone(),
            status: tr
                .say(&Message::new("order-status-name").with("status", order.status.as_str())),
            urls: order.urls.clone(),
            due: order.removal_due.map(format_almaty).unwrap_or_default(),
            overdue: order.removal_due.is_some_and(|due| now >= due) && order.status != "removed",
            basis,
            can_acknowledge: order.status == "delivered",
            can_report: matches!(
                order.status.as_str(),
                "delivered" | "acknowledged" | "not_complied" | "escalated"
            ),
        });
    }
    let view = OrdersPage {
        tr,
        path: "/owner/orders",
        owner: owner.owner.display_name.clone(),
        csrf: owner.csrf.clone(),
        notice,
        orders,
    };
    page(&view, status)
}

pub async fn orders(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: OwnerPage,
) -> Response {
    render_orders(&state, Tr { language }, &owner, None, StatusCode::OK).await
}

async fn act(
    state: &AppState,
    language: qorgau_domain::message::Language,
    owner: &OwnerPage,
    order_id: &str,
    command: Command,
) -> Response {
    let tr = Tr { language };
    let Ok(own) = state.store.owner_orders(&owner.owner.name, false).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Only the owner's own orders; anyone else's does not exist here.
    let Some(order) = own.into_iter().find(|order| order.order_id == order_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state
        .procedure()
        .run(&order.case_id, &owner.actor(), command)
        .await
    {
        Ok(_) => Redirect::to(&format!("/owner/orders?lang={}", language.tag())).into_response(),
        Err(qorgau_app::ServiceError::Procedure(error)) => {
            render_orders(
                state,
                tr,
                owner,
                Some(tr.say(&error.explain())),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(_) => {
            render_orders(
                state,
                tr,
                owner,
                Some(tr.t("problem-internal")),
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await
        }
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: OwnerPage,
    Path(order_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !owner.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    act(
        &state,
        language,
        &owner,
        &order_id.clone(),
        Command::Acknowledge { order_id },
    )
    .await
}

pub async fn removal(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: OwnerPage,
    Path(order_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !owner.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let note = values
        .get("note")
        .cloned()
        .filter(|note| !note.trim().is_empty());
    act(
        &state,
        language,
        &owner,
        &order_id.clone(),
        Command::ReportRemoval {
            order_id,
            removed_urls: Vec::new(),
            note,
        },
    )
    .await
}

/// `GET /owner/orders/{order_id}/document.pdf`: the owner's own order as PDF.
pub async fn document(
    State(state): State<AppState>,
    owner: OwnerPage,
    axum::extract::Path(order_id): axum::extract::Path<String>,
    axum::extract::Query(query): axum::extract::Query<super::DocumentQuery>,
) -> Response {
    let Ok(own) = state.store.owner_orders(&owner.owner.name, false).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Only the owner's own orders; anyone else's does not exist here.
    if !own.iter().any(|order| order.order_id == order_id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    super::verify::order_pdf(&state, &order_id, query.step).await
}
