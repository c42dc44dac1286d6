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
//! Cost: one read of the per-day tallies (`stats_tally`,
//! `stats_tally_durations`, `qorgau_store::Statistics::statistics_tallies`)
//! with the log's size and latest checkpoint, after signing a checkpoint
//! (reused while the log has not grown); no fold of any case. The DSA export
//! reads the per-case rows (`case_stats`, `case_stats_orders`) of a year.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use qorgau_domain::statistics::PublicStatistics;

use crate::language::RequestLanguage;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// `GET /api/v1/stats` → [`PublicStatistics`] over every case, as of now.
pub async fn stats(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Result<Json<PublicStatistics>, Problem> {
    crate::pages::stats::all_time(&state)
        .await
        .map(Json)
        .map_err(|error| ApiError::from(error).in_language(language))
}

/// `GET /api/v1/stats/open-data.json`: the same publication as open data
/// (schema in docs/statistics.md).
pub async fn open_data_json(
    state: State<AppState>,
    language: RequestLanguage,
) -> Result<Json<PublicStatistics>, Problem> {
    stats(state, language).await
}

/// `GET /api/v1/stats/open-data.csv`: the same numbers, one a line:
/// `section,key,column,value`.
pub async fn open_data_csv(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Result<Response, Problem> {
    let statistics = crate::pages::stats::all_time(&state)
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?;
    let mut lines = vec!["section,key,column,value".to_owned()];
    lines.push(format!("report,threshold,,{}", statistics.threshold));
    if let Some(source) = &statistics.source {
        lines.extend(crate::pages::stats::source_csv_rows(source));
    }
    lines.extend(crate::pages::stats::statistics_csv_rows(&statistics));
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        lines.join("\n") + "\n",
    )
        .into_response())
}

/// `GET /api/v1/stats/decisions.dsa.json?period=2025-H1`: the confirmed
/// decisions of a period as DSA statements of reasons
/// (`qorgau_domain::statistics::dsa`; schema in
/// `docs/schemas/dsa-statements.schema.json`). Free texts in English, the
/// DSA Transparency Database's language, whatever `?lang=` says.
pub async fn decisions_dsa(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, Problem> {
    use qorgau_domain::message::{Explain, Language, Message};
    use qorgau_domain::statistics::dsa::dsa_export;
    use qorgau_domain::statistics::report::ReportPeriod;
    use qorgau_store::Statistics;

    let text = query.get("period").map(String::as_str).unwrap_or("");
    let period: ReportPeriod =
        text.parse()
            .map_err(|error: qorgau_domain::statistics::report::PeriodError| {
                ApiError::Invalid {
                    detail: error.explain(),
                    errors: vec![crate::problem::FieldProblem {
                        field: "period".into(),
                        code: error.code(),
                        message: error.explain(),
                    }],
                }
                .in_language(language)
            })?;
    // The whole year: what is withheld is decided on the year's fixed grid,
    // the same whichever of its periods is asked for (`dsa_export`).
    let year = ReportPeriod::Year(period.year());
    let snapshot = state
        .store
        .statistics_facts(Some(year.first_day()), Some(year.end()))
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?;
    let export = dsa_export(
        &snapshot.cases,
        period,
        state.config.stats_threshold,
        state.clock.now(),
    );
    let english = |id: &'static str| {
        qorgau_i18n::Localizer::embedded().render(Language::En, &Message::new(id))
    };
    let mut statements = Vec::with_capacity(export.statements.len());
    for statement in &export.statements {
        let mut value = serde_json::to_value(statement)
            .map_err(|_| ApiError::Internal.in_language(language))?;
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "decision_facts".to_owned(),
                english(statement.facts_message).into(),
            );
            object.insert(
                "illegal_content_legal_ground".to_owned(),
                english(statement.legal_ground_message).into(),
            );
            object.insert(
                "illegal_content_explanation".to_owned(),
                english(statement.explanation_message).into(),
            );
            object.insert(
                "content_type_other".to_owned(),
                english("stats-dsa-content-type-other").into(),
            );
        }
        statements.push(value);
    }
    Ok(Json(serde_json::json!({
        "period": export.period,
        "provisional": export.provisional,
        "threshold": export.threshold,
        "statements_withheld": export.statements_withheld,
        "statements": statements,
    })))
}
