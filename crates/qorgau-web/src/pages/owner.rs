//! The resource owner's portal: their orders only — what to remove, by when,
//! under which rule — never who complained or anything about the child.
//!
//! The owner signs in with its API key and gets a session, as staff do: the
//! cookie (`HttpOnly; SameSite=Strict; Secure`) holds a new random token, never
//! the key, whose hash the store keeps with idle and absolute expiry; signing
//! out ends it on the server, and a session lives only while the key it was
//! opened with is the owner's key. Failed sign-ins are throttled per client
//! address like the staff's.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use qorgau_app::credentials::{new_token, secret_hash};
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::procedure::{Actor, Command, Role};
use qorgau_domain::regime::Regimes;
use qorgau_store::{OwnerSession, ResourceOwner, Store};

use super::{Tr, page};
use crate::api::staff::ClientAddress;
use crate::auth::MAX_FAILURES_PER_ADDRESS;
use crate::language::RequestLanguage;
use crate::state::AppState;

const COOKIE: &str = "qorgau_owner";

/// A signed-in resource owner on a page.
pub struct OwnerPage {
    owner: ResourceOwner,
    session_hash: String,
    csrf: String,
}

impl FromRequestParts<AppState> for OwnerPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let language = crate::language::negotiate(parts.uri.query(), None);
        let to_login = || Redirect::to(&format!("/owner?lang={}", language.tag())).into_response();
        let token = super::cookie(&parts.headers, COOKIE).ok_or_else(to_login)?;
        let session_hash = secret_hash(&token);
        let idle = SignedDuration::from_mins(i64::from(state.config.session_idle_minutes));
        let owner = state
            .store
            .touch_owner_session(&session_hash, state.clock.now(), idle)
            .await
            .ok()
            .flatten()
            .ok_or_else(to_login)?;
        Ok(OwnerPage {
            owner,
            session_hash,
            csrf: super::csrf_token(&token),
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
    ClientAddress(address): ClientAddress,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let tr = Tr { language };
    let refused = |status: StatusCode, message: String| {
        page(
            &LoginPage {
                tr,
                path: "/owner",
                error: Some(message),
            },
            status,
        )
    };
    let now = state.clock.now();
    // Keys are 256 random bits, so guessing one is hopeless; the throttle
    // keeps a client from trying at all.
    let keys: Vec<(String, usize)> = address
        .map(|address| {
            vec![(
                format!("owner-address:{}", address.ip()),
                MAX_FAILURES_PER_ADDRESS,
            )]
        })
        .unwrap_or_default();
    if state.throttle.blocked_for(&keys, now).is_some() {
        return refused(StatusCode::TOO_MANY_REQUESTS, tr.t("owner-login-throttled"));
    }
    let key = values
        .get("api_key")
        .map(|value| value.trim().to_owned())
        .unwrap_or_default();
    let api_key_hash = secret_hash(&key);
    let Ok(found) = state.store.find_owner_by_key(&api_key_hash).await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Some(owner) = found else {
        state.throttle.record_failure(&keys, now);
        return refused(StatusCode::UNAUTHORIZED, tr.t("owner-login-failed"));
    };
    let hours = SignedDuration::from_hours(i64::from(state.config.session_hours));
    let (Ok(token), Ok(expires_at)) = (new_token("qgo"), now.checked_add(hours)) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let session = OwnerSession {
        token_hash: secret_hash(&token),
        owner: owner.name,
        api_key_hash,
        created_at: now,
        expires_at,
    };
    if state.store.create_owner_session(&session).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let max_age = i64::from(state.config.session_hours) * 3600;
    let mut response =
        Redirect::to(&format!("/owner/orders?lang={}", language.tag())).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::session_cookie(&state, COOKIE, "/owner", &token, max_age),
    );
    response
}

/// Signing out ends the session on the server, then clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    owner: OwnerPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !owner.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if state.store.end_session(&owner.session_hash).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let mut response = Redirect::to(&format!("/owner?lang={}", language.tag())).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::session_cookie(&state, COOKIE, "/owner", "", 0),
    );
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
            due: order
                .removal_due
                .map(|due| tr.when(due))
                .unwrap_or_default(),
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
