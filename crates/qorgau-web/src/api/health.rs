use axum::extract::State;
use axum::http::StatusCode;
use qorgau_store::Store;

use crate::state::AppState;

/// 200 when the store answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.list_staff().await {
        Ok(_) => (StatusCode::OK, "ok\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n"),
    }
}
