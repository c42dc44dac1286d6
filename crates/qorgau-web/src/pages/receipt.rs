//! An evidence item's receipt for its applicant, from the tracked page: the
//! JSON file to download (`POST /track/receipt`, byte for byte the evidence
//! API's receipt) and a page that says the same in words
//! (`POST /track/receipt/view`). Both take the case number, the access code
//! and the item in the form body, never in the URL, and answer a number and
//! code that open nothing as `/track` does.
//!
//! The page, like the file, holds digests, times and log positions only —
//! not the item's URL, and nothing of the child — so it can be shown or
//! printed for anyone.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::EvidenceError;
use qorgau_domain::message::{Language, Message};
use qorgau_evidence::receipt::{Receipt, VerifiedReceipt, verify_receipt};

use super::track::{self, Opened};
use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

/// Where the log's public key is published (the API's route).
const PUBLIC_KEY_PATH: &str = "/api/v1/log/public-key";

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    tr: Tr,
    path: &'static str,
    case_id: String,
    /// Carried in the page's forms' hidden fields (never in a URL).
    access_code: String,
    evidence_id: String,
    /// The `tracked-evidence-kind` key: `capture`, `upload`, …
    kind_key: &'static str,
    kind: String,
    size: u64,
    /// Lowercase hex, without the `sha256:` prefix.
    digest: String,
    captured_at: String,
    log_index: u64,
    tree_size: u64,
    checkpoint: String,
    proof: Vec<String>,
    /// The receipt file's name, as the download names it.
    file_name: String,
    /// The public key's address: absolute when the service's public address
    /// is configured.
    public_key_url: String,
}

/// The receipt file's name: `qorgau-receipt-<case>-<item>.json`.
fn file_name(case_id: &str, evidence_id: &str) -> String {
    format!("qorgau-receipt-{case_id}-{evidence_id}.json")
}

/// A receipt request's case, item and receipt under the log as it is now.
struct Issued {
    opened: Opened,
    evidence_id: String,
    receipt: Receipt,
}

/// The receipt asked for, or the answer instead: `/track`'s when the number
/// and code open nothing or the case has no such item with a leaf; a server
/// error when the log cannot give it (inconsistent, or not configured).
async fn issue(
    state: &AppState,
    language: Language,
    values: &HashMap<String, String>,
) -> Result<Issued, Response> {
    let Some(opened) = track::open(state, values).await else {
        return Err(track::not_found(language, track::typed_case(values)));
    };
    let evidence_id = values.get("evidence_id").cloned().unwrap_or_default();
    let index = opened
        .evidence
        .iter()
        .find(|row| row.evidence_id == evidence_id)
        .and_then(|row| row.log_index);
    let (Some(index), Some(evidence)) = (index, state.evidence.as_ref()) else {
        return Err(track::not_found(language, opened.case_id));
    };
    match crate::api::evidence::receipt_file(state, evidence, index).await {
        Ok(receipt) => Ok(Issued {
            opened,
            evidence_id,
            receipt,
        }),
        Err(EvidenceError::NotLogged(_)) => Err(track::not_found(language, opened.case_id)),
        Err(error) => Err(failed(&error)),
    }
}

fn failed(error: &dyn std::fmt::Display) -> Response {
    eprintln!("qorgau: a receipt could not be issued: {error}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CACHE_CONTROL, "no-store")],
    )
        .into_response()
}

/// `POST /track/receipt`: the receipt file, to download.
pub async fn download(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let Issued {
        opened,
        evidence_id,
        receipt,
    } = match issue(&state, language, &values).await {
        Ok(issued) => issued,
        Err(answer) => return answer,
    };
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        file_name(&opened.case_id, &evidence_id)
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        receipt.to_json(),
    )
        .into_response()
}

/// `POST /track/receipt/view`: the receipt in words, in the application's
/// language, with how to check it independently.
pub async fn view(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let Issued {
        opened,
        evidence_id,
        receipt,
    } = match issue(&state, language, &values).await {
        Ok(issued) => issued,
        Err(answer) => return answer,
    };
    let Some(evidence) = state.evidence.as_ref() else {
        return track::not_found(language, opened.case_id);
    };
    // What the page says is what the file proves: the receipt is checked as
    // `qorgau receipt verify` checks it before it is told in words.
    let verified: VerifiedReceipt =
        match verify_receipt(receipt.to_json().as_bytes(), &evidence.log.public_key()) {
            Ok(verified) => verified,
            Err(error) => return failed(&error),
        };
    let Some(row) = opened
        .evidence
        .iter()
        .find(|row| row.evidence_id == evidence_id)
    else {
        return track::not_found(language, opened.case_id);
    };
    let tr = Tr {
        language: opened.state.application.language,
    };
    let kind_key = track::kind_key(row, &opened.state);
    let public_key_url = match state.config.public_url.as_deref() {
        Some(base) => format!("{}{PUBLIC_KEY_PATH}", base.trim_end_matches('/')),
        None => PUBLIC_KEY_PATH.to_owned(),
    };
    let receipt_page = ReceiptPage {
        tr,
        path: "/track",
        access_code: values.get("access_code").cloned().unwrap_or_default(),
        kind: tr.say(&Message::new("tracked-evidence-kind").with("kind", kind_key)),
        kind_key,
        size: verified.size,
        digest: verified.digest.hex(),
        captured_at: tr.when(verified.captured_at),
        log_index: verified.log_index,
        tree_size: verified.checkpoint.tree_size,
        checkpoint: receipt.checkpoint.clone(),
        proof: receipt.inclusion_proof.clone(),
        file_name: file_name(&opened.case_id, &evidence_id),
        public_key_url,
        evidence_id,
        case_id: opened.case_id.clone(),
    };
    page(&receipt_page, StatusCode::OK)
}

impl ReceiptPage {
    fn size_in_words(&self) -> String {
        self.tr
            .say(&Message::new("receipt-size-bytes").with("size", self.size as i64))
    }

    fn captured_label(&self) -> String {
        self.tr
            .say(&Message::new("receipt-captured").with("kind", self.kind_key))
    }

    fn proof_summary(&self) -> String {
        self.tr
            .say(&Message::new("receipt-proof").with("count", self.proof.len() as i64))
    }

    /// The command that checks the file, as the applicant would type it.
    fn command(&self) -> String {
        format!(
            "qorgau receipt verify {} --public-key public-key.txt",
            self.file_name
        )
    }

    fn valid_means(&self) -> String {
        self.tr.say(
            &Message::new("receipt-check-valid")
                .with("index", self.log_index as i64)
                .with("size", self.tree_size as i64),
        )
    }
}
