//! Following an application with the case number and the access code. The code
//! travels in the form body, never in a URL (URLs end up in logs and history).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use qorgau_app::credentials::secret_matches;
use qorgau_domain::message::Message;
use qorgau_store::Store;

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

#[derive(Template)]
#[template(path = "tracked.html")]
struct TrackedPage {
    tr: Tr,
    path: &'static str,
    case_id: String,
    status: String,
    refusal: Vec<String>,
    received_at: String,
    decision_due: String,
    response_due: String,
    timeline: Vec<(String, String)>,
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

pub async fn show(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let case_id = values
        .get("case_id")
        .map(|value| value.trim().to_uppercase())
        .unwrap_or_default();
    let code = values.get("access_code").map(String::as_str).unwrap_or("");
    let not_found = || {
        page(
            &TrackPage {
                tr: Tr { language },
                path: "/track",
                case_id: case_id.clone(),
                failed: true,
            },
            StatusCode::NOT_FOUND,
        )
    };
    let Ok(Some(case)) = state.store.load_case(&case_id).await else {
        return not_found();
    };
    let Ok(case_state) = case.state() else {
        return not_found();
    };
    if !case_state
        .access_code_sha256
        .as_deref()
        .is_some_and(|stored| secret_matches(code, stored))
    {
        return not_found();
    }
    let Ok(timeline) = state.store.timeline(&case_id).await else {
        return not_found();
    };
    // Everything the applicant receives is in the language of the application.
    let tr = Tr {
        language: case_state.application.language,
    };
    let entries = case
        .events
        .iter()
        .zip(&timeline)
        .filter(|(event, _)| crate::api::applications::visible_to_applicant(event))
        .map(|(event, entry)| {
            (
                tr.when(entry.recorded_at),
                tr.say(&Message::new("timeline-event").with("event", event.type_name())),
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
        case_id,
    };
    page(&tracked, StatusCode::OK)
}
