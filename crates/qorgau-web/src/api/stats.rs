//! `GET /api/v1/stats`: the public figures (API.md). No login: they are
//! aggregates with every count below the threshold hidden
//! (`qorgau_domain::statistics`, docs/statistics.md), so nothing here can point
//! to a child.
//!
//! Deliberately no parameters (`?lang=` is accepted and changes nothing: the
//! body is numbers and keys). Every extra view of the same cases is another
//! table linked to this one: figures for two overlapping periods give the
//! difference period by subtraction, and two thresholds give two suppression
//! patterns whose hidden cells cover for each other in neither. Periods and the
//! threshold are the operator's choice (`qorgau_domain::statistics`), not the
//! caller's.
//!
//! Cost: every case is loaded and folded on each request (one `list_cases`,
//! then one `load_case` per case). Fine for a pilot region; a statistics read
//! model, or the figures cached per chain head, is the next step for a country.

use axum::Json;
use axum::extract::State;
use qorgau_domain::statistics::{DEFAULT_THRESHOLD, Period, PublicStatistics, public_statistics};
use qorgau_store::Store;

use crate::language::RequestLanguage;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// `GET /api/v1/stats` → [`PublicStatistics`] over every case, as of now.
pub async fn stats(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Result<Json<PublicStatistics>, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let summaries = state
        .store
        .list_cases(None)
        .await
        .map_err(|error| fail(error.into()))?;
    let mut cases = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let Some(stored) = state
            .store
            .load_case(&summary.case_id)
            .await
            .map_err(|error| fail(error.into()))?
        else {
            continue;
        };
        cases.push(stored.state().map_err(|error| fail(error.into()))?);
    }
    let now = state.clock.now();
    Ok(Json(public_statistics(
        &cases,
        Period::default(),
        DEFAULT_THRESHOLD,
        now,
    )))
}
