//! Qorgau's HTTP service: the JSON API under `/api` (API.md) and, in later
//! releases, the pages. A thin shell: handlers parse requests into domain types,
//! call `qorgau_app::Procedure`, and turn the outcome into JSON or
//! `application/problem+json` in the request's language.
//!
//! Architecture Invariant: handlers hold no procedure rules; `problem.rs` is the
//! only place errors become HTTP statuses; `auth.rs` is the only place
//! credentials are checked, and every route states who may call it
//! (`docs/authorization.md`, tested by the authorization matrix).

mod api;
mod auth;
mod language;
mod metrics;
mod pages;
pub use pages::stats::{build_report, report_csv, report_document, report_html, report_pdf};
mod problem;
mod referral;
mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::{get, post, put};
use tower_http::set_header::SetResponseHeaderLayer;

pub use state::{AppState, WebConfig};

/// The largest request body accepted (JSON applications; files come with the
/// evidence release and get their own limit).
pub(crate) const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// Every route, with the middleware every response gets.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(api::openapi::document))
        .route(
            "/v1/applications",
            // Files may come with it (multipart): the page form's limit. A
            // JSON body is still held to BODY_LIMIT_BYTES by the handler.
            post(api::applications::submit).layer(DefaultBodyLimit::max(
                qorgau_app::upload::MAX_UPLOADS_TOTAL_BYTES + 1024 * 1024,
            )),
        )
        .route("/v1/applications/{case_id}", get(api::applications::status))
        .route(
            "/v1/applications/{case_id}/evidence",
            get(api::evidence::list),
        )
        .route(
            "/v1/applications/{case_id}/evidence/{evidence_id}",
            get(api::evidence::file),
        )
        .route(
            "/v1/applications/{case_id}/evidence/{evidence_id}/receipt",
            get(api::evidence::receipt),
        )
        .route(
            "/v1/applications/{case_id}/evidence/{evidence_id}/screenshot",
            get(api::evidence::screenshot),
        )
        .route(
            "/v1/applications/{case_id}/evidence/{evidence_id}/dom",
            get(api::evidence::dom),
        )
        .route("/v1/log/checkpoint", get(api::evidence::checkpoint))
        .route("/v1/log/public-key", get(api::evidence::public_key))
        .route(
            "/v1/log/proof/inclusion",
            get(api::evidence::inclusion_proof),
        )
        .route(
            "/v1/log/proof/consistency",
            get(api::evidence::consistency_proof),
        )
        .route(
            "/v1/auth/token",
            post(api::staff::token).delete(api::staff::sign_out),
        )
        .route(
            "/v1/cases",
            get(api::staff::queue).post(api::coordinator::register),
        )
        .route("/v1/cases/{case_id}", get(api::staff::case))
        .route("/v1/cases/{case_id}/votes", post(api::staff::vote))
        .route(
            "/v1/cases/{case_id}/captures",
            post(api::evidence::request_capture),
        )
        .route("/v1/cases/{case_id}/decision", post(api::staff::decide))
        .route("/v1/cases/{case_id}/timeline", get(api::linked::timeline))
        .route("/v1/cases/{case_id}/links", post(api::linked::link))
        .route(
            "/v1/cases/{case_id}/actors/links",
            post(api::linked::link_actors),
        )
        .route(
            "/v1/cases/{case_id}/actors/links/unlink",
            post(api::linked::unlink_actors),
        )
        .route(
            "/v1/cases/{case_id}/actors/blocks",
            post(api::linked::record_block),
        )
        .route("/v1/cases/{case_id}/signs", post(api::linked::sign))
        .route("/v1/actors/{key}", get(api::linked::actor))
        .route("/v1/cases/{case_id}/referral", post(api::linked::refer))
        .route(
            "/v1/cases/{case_id}/referral-package",
            get(api::linked::referral_preview).post(api::linked::referral_prepare),
        )
        .route(
            "/v1/cases/{case_id}/referral-package.pdf",
            get(api::linked::referral_pdf),
        )
        .route(
            "/v1/cases/{case_id}/links/{other_case_id}/unlink",
            post(api::linked::unlink),
        )
        .route(
            "/v1/cases/{case_id}/chats",
            post(api::linked::import_chat).layer(DefaultBodyLimit::max(
                qorgau_app::linked::MAX_CHAT_IMPORT_BYTES,
            )),
        )
        .route("/v1/cases/{case_id}/extension", post(api::staff::extend))
        .route(
            "/v1/cases/{case_id}/draft-orders",
            get(api::staff::draft_orders),
        )
        .route(
            "/v1/cases/{case_id}/draft-orders/{number}/document",
            get(api::staff::draft_order_document),
        )
        .route("/v1/cases/{case_id}/response", post(api::staff::respond))
        .route("/v1/orders", get(api::owners::orders))
        .route(
            "/v1/orders/{order_id}/acknowledge",
            post(api::owners::acknowledge),
        )
        .route("/v1/orders/{order_id}/removal", post(api::owners::removal))
        .route("/v1/owner/webhook", put(api::deliveries::register_webhook))
        .route(
            "/v1/orders/{order_id}/escalation/pause",
            post(api::deliveries::pause),
        )
        .route(
            "/v1/orders/{order_id}/escalation/resume",
            post(api::deliveries::resume),
        )
        .route("/v1/deliveries/failed", get(api::deliveries::failed))
        .route("/v1/deliveries/{id}/retry", post(api::deliveries::retry))
        .route("/v1/owners/compliance", get(api::deliveries::compliance))
        .route(
            "/v1/orders/{order_id}/document",
            get(api::deliveries::order_document),
        )
        .route(
            "/v1/cases/{case_id}/orders/{order_id}/preview",
            get(api::deliveries::order_preview),
        )
        .route(
            "/v1/cases/{case_id}/response/preview",
            get(api::deliveries::response_preview),
        )
        // The coordinator's workspace (`api/coordinator.rs`): order actions
        // and the people Qorgau knows, as the case page and /staff/people.
        .route(
            "/v1/orders/{order_id}/verification",
            post(api::coordinator::verify),
        )
        .route(
            "/v1/orders/{order_id}/non-compliance",
            post(api::coordinator::not_complied),
        )
        .route(
            "/v1/orders/{order_id}/escalation/steps",
            post(api::coordinator::escalate),
        )
        .route(
            "/v1/staff",
            get(api::coordinator::list_staff).post(api::coordinator::add_staff),
        )
        .route(
            "/v1/staff/{username}/password",
            post(api::coordinator::reset_password),
        )
        .route(
            "/v1/owners",
            get(api::coordinator::list_owners).post(api::coordinator::add_owner),
        )
        .route("/v1/stats", get(api::stats::stats))
        .route("/v1/stats/open-data.json", get(api::stats::open_data_json))
        .route("/v1/stats/open-data.csv", get(api::stats::open_data_csv))
        .route(
            "/v1/stats/decisions.dsa.json",
            get(api::stats::decisions_dsa),
        )
        .fallback(api::not_found);
    Router::new()
        .merge(pages::routes())
        .merge(pages::stats::routes())
        .route("/healthz", get(api::health::healthz))
        .route("/metrics", get(metrics::render))
        .nest("/api", api)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header(
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ))
        .with_state(state)
}

fn header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// Serves until `shutdown` completes, then stops accepting connections and
/// lets requests in flight finish (at most `drain` long). Every application
/// acknowledged with a 201 was committed before the response was sent, so
/// nothing accepted is lost however the process stops.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    let app = router(state);
    let (stopped_sender, stopped) = tokio::sync::oneshot::channel::<()>();
    // The client's address is kept for sign-in throttling.
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stopped_sender.send(());
    });
    let server = tokio::spawn(server.into_future());
    // Drain: once shutdown starts, give in-flight requests `drain` to finish.
    let _ = stopped.await;
    match tokio::time::timeout(drain, server).await {
        Ok(Ok(result)) => result,
        Ok(Err(join_error)) => Err(std::io::Error::other(join_error)),
        Err(_) => Ok(()),
    }
}
