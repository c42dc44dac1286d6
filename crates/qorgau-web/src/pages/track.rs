//! Following an application with the case number and the access code. The code
//! travels in the form body, never in a URL (URLs end up in logs and history):
//! the tracked page's receipt actions are small POST forms that carry it in
//! hidden fields to `pages/receipt.rs`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use qorgau_app::credentials::secret_matches;
use qorgau_domain::message::{Language, Message};
use qorgau_domain::procedure::CaseState;
use qorgau_store::{EvidenceRow, Store, StoredCase};

use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    tr: Tr,
    path: &'static str,
    case_id: String,
    failed: bool,
}

/// One evidence item as the applicant sees it on the tracked page.
pub struct EvidenceItem {
    pub evidence_id: String,
    /// What it is, in words (a saved page, a file attached, …).
    pub kind: String,
    /// The URL as the case names it, or "File 2" for an attached file (its
    /// name is not kept); empty for an imported chat.
    pub label: String,
    /// "Saved 2 December 2026, 10:00", or empty when nothing was saved.
    pub when: String,
    pub ok: bool,
    /// Saved and logged, or why not, in words.
    pub status: String,
    /// The item has a leaf in the log, so a receipt (and the log is served).
    pub receipt: bool,
}

#[derive(Template)]
#[template(path = "tracked.html")]
struct TrackedPage {
    tr: Tr,
    path: &'static str,
    case_id: String,
    /// Carried in the receipt forms' hidden fields (never in a URL).
    access_code: String,
    status: String,
    refusal: Vec<String>,
    received_at: String,
    decision_due: String,
    response_due: String,
    timeline: Vec<(String, String)>,
    evidence: Vec<EvidenceItem>,
}

pub async fn form(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &TrackPage {
            tr: Tr { language },
            path: "/track",
            case_id: String::new(),
            failed: false,
        },
        StatusCode::OK,
    )
}

/// The case number as the form gives it (trimmed, in upper case).
pub(super) fn typed_case(values: &HashMap<String, String>) -> String {
    values
        .get("case_id")
        .map(|value| value.trim().to_uppercase())
        .unwrap_or_default()
}

/// The one answer to a case number and code that open nothing — an unknown
/// case, a wrong code, a record that cannot be read: the form again with the
/// number typed, 404. The same for every route that takes the code, so none
/// tells a case that exists from one that does not.
pub(super) fn not_found(language: Language, case_id: String) -> Response {
    page(
        &TrackPage {
            tr: Tr { language },
            path: "/track",
            case_id,
            failed: true,
        },
        StatusCode::NOT_FOUND,
    )
}

/// A case the form's number and access code open: the case, its state, and
/// the evidence items its applicant may see.
pub(super) struct Opened {
    pub case_id: String,
    pub case: StoredCase,
    pub state: CaseState,
    pub evidence: Vec<EvidenceRow>,
}

/// Opens the case that the form's `case_id` and `access_code` name, the code
/// compared in constant time; `None` for anything else (see [`not_found`]).
pub(super) async fn open(state: &AppState, values: &HashMap<String, String>) -> Option<Opened> {
    let case_id = typed_case(values);
    let code = values.get("access_code").map(String::as_str).unwrap_or("");
    // The evidence rows before the case, as the evidence API reads them: both
    // are written by one transaction, so the case read after the rows is at
    // least as new as they are.
    let mut evidence = state.store.case_evidence(&case_id).await.ok()?;
    let case = state.store.load_case(&case_id).await.ok()??;
    let case_state = case.state().ok()?;
    if !case_state
        .access_code_sha256
        .as_deref()
        .is_some_and(|stored| secret_matches(code, stored))
    {
        return None;
    }
    crate::api::evidence::keep_applicants(&mut evidence, &case_state);
    Some(Opened {
        case_id,
        case,
        state: case_state,
        evidence,
    })
}

pub async fn show(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let Some(opened) = open(&state, &values).await else {
        return not_found(language, typed_case(&values));
    };
    let Ok(timeline) = state.store.timeline(&opened.case_id).await else {
        return not_found(language, opened.case_id);
    };
    let case_state = &opened.state;
    // Everything the applicant receives is in the language of the application.
    let tr = Tr {
        language: case_state.application.language,
    };
    let entries = opened
        .case
        .events
        .iter()
        .zip(&timeline)
        .filter(|(event, _)| crate::api::applications::visible_to_applicant(event))
        .map(|(event, entry)| {
            (
                tr.when(entry.recorded_at),
                tr.say(&crate::api::applications::timeline_message(event)),
            )
        })
        .collect();
    let refusal = match state.procedure().regimes.get(&case_state.regime) {
        Ok(regime) => case_state
            .refusal
            .iter()
            .map(|reason| tr.say(&reason.explain(regime)))
            .collect(),
        Err(_) => Vec::new(),
    };
    let tracked = TrackedPage {
        tr,
        path: "/track",
        status: tr.say(&Message::new("phase-name").with("phase", case_state.phase.as_str())),
        refusal,
        received_at: tr.when(case_state.received_at),
        decision_due: tr.when(case_state.decision_due.due_at),
        response_due: tr.when(case_state.response_due.due_at),
        timeline: entries,
        evidence: evidence_items(tr, &opened.evidence, case_state, state.evidence.is_some()),
        access_code: values.get("access_code").cloned().unwrap_or_default(),
        case_id: opened.case_id,
    };
    page(&tracked, StatusCode::OK)
}

/// What an item is, as the `tracked-evidence-kind` message selects it: an
/// upload that staff imported as a chat export is told apart.
pub(super) fn kind_key(row: &EvidenceRow, case_state: &CaseState) -> &'static str {
    match row.kind.as_str() {
        "capture" => "capture",
        "recapture" => "recapture",
        "upload"
            if case_state
                .chats
                .iter()
                .any(|chat| chat.evidence_id == row.evidence_id) =>
        {
            "chat"
        }
        "upload" => "upload",
        _ => "other",
    }
}

/// The items in the order they were recorded, each told in words.
fn evidence_items(
    tr: Tr,
    rows: &[EvidenceRow],
    case_state: &CaseState,
    log_served: bool,
) -> Vec<EvidenceItem> {
    let mut files = 0;
    rows.iter()
        .map(|row| {
            let kind = kind_key(row, case_state);
            let label = if !row.url.is_empty() {
                row.url.clone()
            } else if kind == "upload" {
                // The applicant's file names are not kept (they may name the
                // child): the files are numbered in the order they came.
                files += 1;
                tr.t_with("tracked-evidence-file", "number", files)
            } else {
                String::new()
            };
            let ok = row.status == "ok";
            EvidenceItem {
                evidence_id: row.evidence_id.clone(),
                kind: tr.say(&Message::new("tracked-evidence-kind").with("kind", kind)),
                label,
                when: row
                    .captured_at
                    .map(|at| {
                        tr.say(
                            &Message::new("tracked-evidence-when")
                                .with("kind", kind)
                                .with("when", tr.when(at)),
                        )
                    })
                    .unwrap_or_default(),
                ok,
                status: status_in_words(tr, row, case_state),
                receipt: log_served && row.log_index.is_some(),
            }
        })
        .collect()
}

/// Saved and logged; saved with a problem (a login wall, a cut page); not
/// saved yet and tried again when; or not saved, and why.
fn status_in_words(tr: Tr, row: &EvidenceRow, case_state: &CaseState) -> String {
    let reason = row.reason.as_deref().unwrap_or("");
    if row.status == "ok" {
        return tr.t("tracked-evidence-ok");
    }
    if row.digest.is_some() {
        let http_status = case_state
            .evidence_item(&row.evidence_id)
            .and_then(|record| record.http_status)
            .unwrap_or(0);
        let problem = match reason {
            "http_status" => {
                Message::new("evidence-problem-http-status").with("status", i64::from(http_status))
            }
            "too_large" => Message::new("evidence-problem-too-large"),
            "timeout" => Message::new("evidence-problem-timeout"),
            "disconnected" => Message::new("evidence-problem-disconnected"),
            "decompression_limit" => Message::new("evidence-problem-decompression-limit"),
            _ => Message::new("tracked-evidence-reason").with("reason", "other"),
        };
        return tr.say(&Message::new("tracked-evidence-problem").with("problem", tr.say(&problem)));
    }
    let why = tr.say(&Message::new("tracked-evidence-reason").with("reason", reason));
    match row.retry_at {
        Some(at) => tr.say(
            &Message::new("tracked-evidence-retrying")
                .with("reason", why)
                .with("when", tr.when(at)),
        ),
        None => tr.say(&Message::new("tracked-evidence-failed").with("reason", why)),
    }
}
