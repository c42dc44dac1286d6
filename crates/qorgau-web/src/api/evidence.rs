//! Evidence (API.md, "Evidence"): what Qorgau captured for a case, the stored
//! files, their receipts, and the transparency log's checkpoint and key.
//!
//! A case's evidence is read by its applicant (the access code as bearer) or
//! by staff (a session token) — never by resource owners; anyone else gets
//! the same 404 as for a case that does not exist. Files are verified against
//! their digest as they are read: a damaged file is a 500 problem, never
//! served.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::{Evidence, EvidenceError, ServiceError};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::message::Language;
use qorgau_evidence::Sha256Digest;
use qorgau_store::{EvidenceRow, Store};
use serde_json::{Value, json};

use crate::auth::case_reader;
use crate::language::RequestLanguage;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

fn evidence_of(state: &AppState, language: Language) -> Result<Arc<Evidence>, Problem> {
    state
        .evidence
        .clone()
        .ok_or(ApiError::NotFound.in_language(language))
}

fn evidence_failure(error: EvidenceError, language: Language) -> Problem {
    ApiError::from_service(ServiceError::Evidence(error)).in_language(language)
}

/// The case's evidence rows, if the caller may read them.
async fn readable_evidence(
    state: &AppState,
    headers: &HeaderMap,
    case_id: &str,
    language: Language,
) -> Result<Vec<EvidenceRow>, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let case = state
        .store
        .load_case(case_id)
        .await
        .map_err(|error| fail(error.into()))?;
    let access_code = match &case {
        Some(case) => {
            case.state()
                .map_err(|error| fail(error.into()))?
                .access_code_sha256
        }
        None => None,
    };
    let reader = case_reader(state, headers, access_code.as_deref())
        .await
        .map_err(fail)?;
    if case.is_none() || reader.is_none() {
        return Err(fail(ApiError::NotFound));
    }
    state
        .store
        .case_evidence(case_id)
        .await
        .map_err(|error| fail(error.into()))
}

fn item_json(case_id: &str, row: &EvidenceRow) -> Value {
    let base = format!(
        "/api/v1/applications/{case_id}/evidence/{}",
        row.evidence_id
    );
    json!({
        "id": row.evidence_id,
        "kind": row.kind,
        "url": row.url,
        "digest": row.digest,
        "captured_at": row.captured_at.map(rfc3339_almaty),
        "status": row.status,
        "reason": row.reason,
        "size": row.size,
        "log_index": row.log_index,
        "original_id": row.original_id,
        "attempts": row.attempts,
        "retry_at": row.retry_at.map(rfc3339_almaty),
        "order_id": row.order_id,
        "removal": row.removal,
        "file": row.digest.as_ref().map(|_| base.clone()),
        "receipt": row.log_index.map(|_| format!("{base}/receipt")),
    })
}

/// `GET /api/v1/applications/{case_id}/evidence`.
pub async fn list(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path(case_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let rows = readable_evidence(&state, &headers, &case_id, language).await?;
    let items: Vec<Value> = rows.iter().map(|row| item_json(&case_id, row)).collect();
    Ok(Json(Value::Array(items)).into_response())
}

async fn one_item(
    state: &AppState,
    headers: &HeaderMap,
    case_id: &str,
    evidence_id: &str,
    language: Language,
) -> Result<EvidenceRow, Problem> {
    readable_evidence(state, headers, case_id, language)
        .await?
        .into_iter()
        .find(|row| row.evidence_id == evidence_id)
        .ok_or(ApiError::NotFound.in_language(language))
}

fn attachment(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

/// `GET /api/v1/applications/{case_id}/evidence/{id}`: the stored bytes (a
/// WARC file for captures), verified against the digest on the way out.
pub async fn file(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path((case_id, evidence_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let evidence = evidence_of(&state, language)?;
    let row = one_item(&state, &headers, &case_id, &evidence_id, language).await?;
    let digest: Sha256Digest = row
        .digest
        .as_deref()
        .and_then(|text| text.parse().ok())
        .ok_or(ApiError::NotFound.in_language(language))?;
    let bytes = evidence
        .read(&digest)
        .await
        .map_err(|error| evidence_failure(error, language))?;
    let (media_type, extension) = match row.kind.as_str() {
        "capture" | "recapture" => ("application/warc", "warc.gz"),
        _ => ("application/octet-stream", "bin"),
    };
    let mut response = bytes.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        attachment(&format!("{evidence_id}.{extension}")),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("\"{digest}\"")) {
        response_headers.insert(header::ETAG, value);
    }
    Ok(response)
}

/// `GET /api/v1/applications/{case_id}/evidence/{id}/receipt`: the receipt
/// that `qorgau receipt verify` checks, under a checkpoint of the log as it
/// is now.
pub async fn receipt(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path((case_id, evidence_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let evidence = evidence_of(&state, language)?;
    let row = one_item(&state, &headers, &case_id, &evidence_id, language).await?;
    let index = row
        .log_index
        .ok_or(ApiError::NotFound.in_language(language))?;
    let receipt = evidence
        .log
        .receipt(state.store.as_ref(), index, state.clock.now())
        .await
        .map_err(|error| evidence_failure(error, language))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("{evidence_id}-receipt.json")),
            ),
        ],
        receipt.to_json(),
    )
        .into_response())
}

fn text(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// `GET /api/v1/log/checkpoint`: the latest signed checkpoint (C2SP
/// tlog-checkpoint in a signed note).
pub async fn checkpoint(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Result<Response, Problem> {
    let evidence = evidence_of(&state, language)?;
    let signed = evidence
        .log
        .checkpoint(state.store.as_ref(), state.clock.now())
        .await
        .map_err(|error| evidence_failure(error, language))?;
    Ok(text(signed.note))
}

/// `GET /api/v1/log/public-key`: the key that signs checkpoints, in the form
/// `qorgau receipt verify --public-key` takes.
pub async fn public_key(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Result<Response, Problem> {
    let evidence = evidence_of(&state, language)?;
    Ok(text(format!("{}\n", evidence.log.public_key())))
}
