//! Evidence (API.md, "Evidence"): what Qorgau captured for a case, the stored
//! files, their receipts, and the transparency log's checkpoint and key.
//!
//! A case's evidence is read by its applicant (the access code as bearer) or
//! by staff (a session token) — never by resource owners; anyone else gets
//! the same 404 as for a case that does not exist. Files are verified against
//! their digest as they are read: a damaged file is a 500 problem, never
//! served.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::evidence::CaptureRequest;
use qorgau_app::{Evidence, EvidenceError, ServiceError};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::message::{Language, Message};
use qorgau_domain::procedure::{BrowserSnapshot, CaseState};
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::receipt::Receipt;
use qorgau_store::{EvidenceRow, Store};
use serde_json::{Value, json};

use super::parse_json;
use crate::auth::{CaseReader, Staff, case_reader};
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
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

/// The case's evidence rows and its state, if the caller may read them.
async fn readable_evidence(
    state: &AppState,
    headers: &HeaderMap,
    case_id: &str,
    language: Language,
) -> Result<(Vec<EvidenceRow>, CaseState), Problem> {
    let fail = |error: ApiError| error.in_language(language);
    // The rows first, then the case: both are written by one transaction, so
    // the case read after the rows is at least as new as they are, and a row
    // that says "captured" finds its record (with the browser's snapshot).
    // Read the other way round, a capture landing in between showed an item
    // captured without its screenshot.
    let mut rows = state
        .store
        .case_evidence(case_id)
        .await
        .map_err(|error| fail(error.into()))?;
    let case = state
        .store
        .load_case(case_id)
        .await
        .map_err(|error| fail(error.into()))?;
    let case_state = match &case {
        Some(case) => Some(case.state().map_err(|error| fail(error.into()))?),
        None => None,
    };
    let access_code = case_state
        .as_ref()
        .and_then(|case_state| case_state.access_code_sha256.clone());
    let reader = case_reader(state, headers, access_code.as_deref())
        .await
        .map_err(fail)?;
    let (Some(case_state), Some(reader)) = (case_state, reader) else {
        return Err(fail(ApiError::NotFound));
    };
    if matches!(reader, CaseReader::Applicant) {
        keep_applicants(&mut rows, &case_state);
    }
    Ok((rows, case_state))
}

/// Keeps the items a case's applicant may see (here and on the tracking
/// page): all but referral packages. A referral package is the authority's
/// document for the police: it carries the timelines and evidence of linked
/// cases, which may be other applicants' cases about other children. Staff
/// only.
pub(crate) fn keep_applicants(rows: &mut Vec<EvidenceRow>, case_state: &CaseState) {
    rows.retain(|row| {
        !case_state
            .referral_packages
            .iter()
            .any(|package| package.evidence_id == row.evidence_id)
    });
}

/// The receipt file of the evidence item at leaf `index`, under a checkpoint
/// of the log as it is now: what the API's receipt route and the tracking
/// page's download serve, byte for byte.
pub(crate) async fn receipt_file(
    state: &AppState,
    evidence: &Evidence,
    index: u64,
) -> Result<Receipt, EvidenceError> {
    evidence
        .log
        .receipt(state.store.as_ref(), index, state.clock.now())
        .await
}

/// The browser's screenshot and DOM of an item, when it has them.
fn browser_of<'s>(case_state: &'s CaseState, evidence_id: &str) -> Option<&'s BrowserSnapshot> {
    case_state
        .evidence_item(evidence_id)
        .and_then(|record| record.browser.as_ref())
}

fn item_json(case_id: &str, row: &EvidenceRow, browser: Option<&BrowserSnapshot>) -> Value {
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
        "screenshot": browser.map(|_| format!("{base}/screenshot")),
        "dom": browser.map(|_| format!("{base}/dom")),
    })
}

/// `GET /api/v1/applications/{case_id}/evidence`.
pub async fn list(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path(case_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (rows, case_state) = readable_evidence(&state, &headers, &case_id, language).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|row| item_json(&case_id, row, browser_of(&case_state, &row.evidence_id)))
        .collect();
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
        .0
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

/// What of a browser snapshot a route serves.
#[derive(Debug, Clone, Copy)]
pub enum BrowserPart {
    Screenshot,
    Dom,
}

/// `GET /api/v1/applications/{case_id}/evidence/{id}/screenshot` and `…/dom`:
/// what headless Chromium showed of a capture, verified as it is read. The
/// DOM is the hostile page's markup: it is served as plain text to download,
/// never as HTML on our origin.
async fn browser_file(
    state: AppState,
    language: Language,
    case_id: String,
    evidence_id: String,
    headers: HeaderMap,
    part: BrowserPart,
) -> Result<Response, Problem> {
    let evidence = evidence_of(&state, language)?;
    let (_, case_state) = readable_evidence(&state, &headers, &case_id, language).await?;
    let snapshot =
        browser_of(&case_state, &evidence_id).ok_or(ApiError::NotFound.in_language(language))?;
    let (digest, media_type, name) = match part {
        BrowserPart::Screenshot => (&snapshot.screenshot, "image/png", "png"),
        BrowserPart::Dom => (&snapshot.dom, "text/plain; charset=utf-8", "dom.html.txt"),
    };
    let digest: Sha256Digest = digest
        .parse()
        .map_err(|_| ApiError::NotFound.in_language(language))?;
    let bytes = evidence
        .read(&digest)
        .await
        .map_err(|error| evidence_failure(error, language))?;
    let mut response = bytes.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        attachment(&format!("{evidence_id}.{name}")),
    );
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("\"{digest}\"")) {
        response_headers.insert(header::ETAG, value);
    }
    Ok(response)
}

/// `GET /api/v1/applications/{case_id}/evidence/{id}/screenshot`.
pub async fn screenshot(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path((case_id, evidence_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    browser_file(
        state,
        language,
        case_id,
        evidence_id,
        headers,
        BrowserPart::Screenshot,
    )
    .await
}

/// `GET /api/v1/applications/{case_id}/evidence/{id}/dom`.
pub async fn dom(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path((case_id, evidence_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    browser_file(
        state,
        language,
        case_id,
        evidence_id,
        headers,
        BrowserPart::Dom,
    )
    .await
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
    let receipt = receipt_file(&state, &evidence, index)
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

/// A field of a proof request that does not fit the log: a 422 naming it.
fn proof_field(field: &str, code: &'static str, message: Message) -> ApiError {
    ApiError::Invalid {
        detail: Message::new("problem-invalid-fields").with("count", 1),
        errors: vec![FieldProblem {
            field: field.to_owned(),
            code,
            message,
        }],
    }
}

/// A tree size or leaf index from the query string; absent is `None`, and
/// anything but a decimal number is a 422 naming the field.
fn size_parameter(
    query: &HashMap<String, String>,
    name: &'static str,
) -> Result<Option<u64>, ApiError> {
    match query.get(name) {
        None => Ok(None),
        Some(text) => text.parse::<u64>().map(Some).map_err(|_| {
            proof_field(
                name,
                "invalid",
                Message::new("problem-field-invalid").with("field", name),
            )
        }),
    }
}

fn hexes(hashes: &[[u8; 32]]) -> Vec<String> {
    hashes.iter().map(hex::encode).collect()
}

/// The tree a proof is against: `tree_size` as asked (at most the log's size
/// now), or by default the latest checkpoint — signed now if the log has grown
/// since — whose note is then returned with the proof.
async fn proof_tree(
    state: &AppState,
    evidence: &Evidence,
    field: &'static str,
    asked: Option<u64>,
) -> Result<(u64, Option<String>), ApiError> {
    let store = state.store.as_ref();
    let failure = |error| ApiError::from_service(ServiceError::Evidence(error));
    match asked {
        Some(tree_size) => {
            let size = evidence.log.size(store).await.map_err(failure)?;
            if tree_size > size {
                return Err(proof_field(
                    field,
                    "tree_size_beyond_log",
                    Message::new("log-proof-beyond-log")
                        .with("tree_size", tree_size as i64)
                        .with("size", size as i64),
                ));
            }
            Ok((tree_size, None))
        }
        None => {
            let signed = evidence
                .log
                .checkpoint(store, state.clock.now())
                .await
                .map_err(failure)?;
            Ok((signed.checkpoint.tree_size, Some(signed.note)))
        }
    }
}

/// `GET /api/v1/log/proof/inclusion?index=N|evidence_id=ID[&tree_size=M]`:
/// RFC 9162 §2.1.3's inclusion proof of a leaf (RFC 6962's
/// `get-proof-by-hash`, addressed by index or by evidence item), against the
/// tree of `tree_size` leaves or, by default, the latest checkpoint. Hashes
/// are lowercase hex, as in receipts. Public: leaves hold no personal data.
pub async fn inclusion_proof(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let evidence = evidence_of(&state, language)?;
    let asked_index = size_parameter(&query, "index").map_err(fail)?;
    let asked_size = size_parameter(&query, "tree_size").map_err(fail)?;
    let index = match (asked_index, query.get("evidence_id")) {
        (Some(index), None) => index,
        (None, Some(evidence_id)) => state
            .store
            .evidence_item(evidence_id)
            .await
            .map_err(|error| fail(error.into()))?
            .and_then(|row| row.log_index)
            .ok_or(fail(ApiError::NotFound))?,
        (Some(_), Some(_)) | (None, None) => {
            return Err(fail(proof_field(
                "index",
                if asked_index.is_some() {
                    "invalid"
                } else {
                    "required"
                },
                Message::new("log-proof-index-or-evidence"),
            )));
        }
    };
    let (tree_size, checkpoint) = proof_tree(&state, &evidence, "tree_size", asked_size)
        .await
        .map_err(fail)?;
    if index >= tree_size {
        return Err(fail(proof_field(
            if query.contains_key("evidence_id") {
                "evidence_id"
            } else {
                "index"
            },
            "index_out_of_range",
            Message::new("log-proof-index-out-of-range")
                .with("index", index as i64)
                .with("tree_size", tree_size as i64),
        )));
    }
    let proof = evidence
        .log
        .inclusion(state.store.as_ref(), index, tree_size)
        .await
        .map_err(|error| evidence_failure(error, language))?;
    Ok(Json(json!({
        "leaf_index": proof.leaf_index,
        "tree_size": proof.tree_size,
        "entry": String::from_utf8_lossy(&proof.entry),
        "leaf_hash": hex::encode(proof.leaf_hash),
        "inclusion_proof": hexes(&proof.proof),
        "root_hash": hex::encode(proof.root),
        "checkpoint": checkpoint,
    }))
    .into_response())
}

/// `GET /api/v1/log/proof/consistency?first=A[&second=B]`: RFC 9162
/// §2.1.4's proof that the tree of `first` leaves is a prefix of the tree of
/// `second` (RFC 6962's `get-sth-consistency`); `second` defaults to the
/// latest checkpoint, whose note is returned with the proof.
pub async fn consistency_proof(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let evidence = evidence_of(&state, language)?;
    let first = size_parameter(&query, "first").map_err(fail)?;
    let second = size_parameter(&query, "second").map_err(fail)?;
    let Some(first) = first else {
        return Err(fail(proof_field(
            "first",
            "required",
            Message::new("problem-field-required").with("field", "first"),
        )));
    };
    let (second, checkpoint) = proof_tree(&state, &evidence, "second", second)
        .await
        .map_err(fail)?;
    if first > second {
        return Err(fail(proof_field(
            "first",
            "first_after_second",
            Message::new("log-proof-first-after-second")
                .with("first", first as i64)
                .with("second", second as i64),
        )));
    }
    let proof = evidence
        .log
        .consistency(state.store.as_ref(), first, second)
        .await
        .map_err(|error| evidence_failure(error, language))?;
    Ok(Json(json!({
        "first": proof.first,
        "second": proof.second,
        "first_root": hex::encode(proof.first_root),
        "second_root": hex::encode(proof.second_root),
        "consistency_proof": hexes(&proof.proof),
        "checkpoint": checkpoint,
    }))
    .into_response())
}

/// `POST /api/v1/cases/{case_id}/captures` `{"url": …}` (a coordinator or an
/// expert): capture one of the case's URLs now. `202` with the evidence id
/// the capture will have; the worker takes it like an intake capture. A URL
/// the case does not name is a 422 on `url`.
pub async fn request_capture(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let body: Value = parse_json(&body).map_err(fail)?;
    let Some(url) = body.get("url").and_then(Value::as_str) else {
        let missing = body.get("url").is_none();
        return Err(fail(proof_field(
            "url",
            if missing { "required" } else { "invalid" },
            Message::new(if missing {
                "problem-field-required"
            } else {
                "problem-field-invalid"
            })
            .with("field", "url"),
        )));
    };
    let requested = qorgau_app::evidence::request_capture(
        state.store.as_ref(),
        &case_id,
        url,
        state.clock.now(),
    )
    .await
    .map_err(|error| fail(ApiError::from_service(error)))?;
    match requested {
        CaptureRequest::Queued { evidence_id, url } => Ok((
            StatusCode::ACCEPTED,
            Json(json!({
                "evidence_id": evidence_id,
                "url": url,
                "status": "queued",
                "evidence": format!("/api/v1/applications/{case_id}/evidence"),
            })),
        )
            .into_response()),
        CaptureRequest::NotACaseUrl => Err(fail(proof_field(
            "url",
            "not_a_case_url",
            Message::new("capture-request-not-a-case-url"),
        ))),
    }
}
