//! Applicants: file an application, follow it with the access code.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::Intake;
use qorgau_app::credentials::secret_matches;
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, CaseEvent, EvidenceKind, Role};
use qorgau_i18n::Localizer;
use qorgau_store::Store;
use serde_json::json;

use super::parse_json;
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
use crate::state::AppState;

/// `POST /api/v1/applications` → 201 with the case number, the access code and
/// the deadlines; 422 with the reasons when the application cannot be
/// considered (nothing is recorded then: the applicant corrects and resubmits).
///
/// JSON, or `multipart/form-data` when files are attached: a part named
/// `application` holding the same JSON, and `evidence` parts with the files.
/// The files go through the page form's reader (`pages::apply`): the same
/// limits, the type sniffed from the content (names and declared types are
/// ignored), and the same storage; a file refused is a 422 naming
/// `evidence`, and nothing is recorded.
pub async fn submit(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    request: Request,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let (mut form, files): (ApplicationForm, Vec<Vec<u8>>) = if multipart {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|rejection| {
                fail(ApiError::Malformed {
                    detail: Message::new("problem-malformed-multipart")
                        .with("detail", rejection.body_text()),
                })
            })?;
        let posted = crate::pages::apply::read_posted(multipart).await;
        if let Some(problem) = posted.file_error {
            return Err(fail(ApiError::Invalid {
                detail: Message::new("problem-invalid-fields").with("count", 1i64),
                errors: vec![FieldProblem {
                    field: "evidence".to_owned(),
                    code: evidence_code(problem),
                    message: Message::new(problem),
                }],
            }));
        }
        let Some(json) = posted.values.get("application") else {
            return Err(fail(ApiError::Invalid {
                detail: Message::new("problem-invalid-fields").with("count", 1i64),
                errors: vec![FieldProblem {
                    field: "application".to_owned(),
                    code: "required",
                    message: Message::new("problem-field-required").with("field", "application"),
                }],
            }));
        };
        let form = parse_json(&Bytes::copy_from_slice(json.as_bytes())).map_err(fail)?;
        (form, posted.files)
    } else {
        // The route's limit is the files'; JSON alone keeps the usual one.
        let Ok(body) = axum::body::to_bytes(request.into_body(), crate::BODY_LIMIT_BYTES).await
        else {
            return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
        };
        (parse_json(&body).map_err(fail)?, Vec::new())
    };
    // The application's language is the one it is written in; a form that does
    // not say is in the language it was filed in.
    form.language = form.language.or(Some(language));
    let applicant = Actor {
        name: "applicant".to_owned(),
        role: Role::System,
    };
    let intake = Intake {
        form: &form,
        channel: Channel::Electronic,
        received_at: None,
        record_refusals: false,
    };
    let submitted = state
        .procedure()
        .submit_with_uploads(intake, &applicant, files, state.evidence.as_deref())
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    let case = &submitted.state;
    let body = json!({
        "case_id": submitted.case_id,
        "access_code": submitted.access_code,
        "status": case.phase,
        "received_at": rfc3339_almaty(case.received_at),
        "decision_due": rfc3339_almaty(case.decision_due.due_at),
        "response_due": rfc3339_almaty(case.response_due.due_at),
        "deadlines_provisional": case.decision_due.provisional || case.response_due.provisional,
        "regime": case.regime,
        "language": case.application.language,
    });
    let location = format!("/api/v1/applications/{}", submitted.case_id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// The API's code for a refused file, from the page's message for it.
fn evidence_code(message_id: &str) -> &'static str {
    match message_id {
        "apply-evidence-type" => "evidence_type",
        "apply-evidence-too-large" => "evidence_too_large",
        "apply-evidence-too-many" => "evidence_too_many",
        _ => "evidence_total",
    }
}

/// The events an applicant sees on the timeline. Votes stay inside the
/// group; so do links between cases (they would tell an applicant that
/// someone else applied about the same child, or that one account is
/// pursued elsewhere), chat imports and referral packages (staff work on the
/// evidence; the referral itself is shown), and the experts' reading of the
/// accounts (which are one person, which the child blocked, which signs an
/// entry shows).
/// How an event reads in the applicant's timeline. A stored file and a
/// saved page are both `evidence_captured` events; the file must not read
/// as "a copy of the reported page".
pub fn timeline_message(event: &CaseEvent) -> Message {
    let name = match event {
        CaseEvent::EvidenceCaptured {
            kind: EvidenceKind::Upload,
            ..
        } => "evidence_uploaded",
        other => other.type_name(),
    };
    Message::new("timeline-event").with("event", name)
}

pub fn visible_to_applicant(event: &CaseEvent) -> bool {
    !matches!(
        event,
        CaseEvent::VoteCast { .. }
            | CaseEvent::CasesLinked { .. }
            | CaseEvent::CasesUnlinked { .. }
            | CaseEvent::ChatImported { .. }
            | CaseEvent::ReferralPackagePrepared { .. }
            | CaseEvent::ActorsLinked { .. }
            | CaseEvent::ActorsUnlinked { .. }
            | CaseEvent::AccountBlocked { .. }
            | CaseEvent::SignConfirmed { .. }
            | CaseEvent::SignWithdrawn { .. }
    )
}

/// `GET /api/v1/applications/{case_id}` with `Authorization: Bearer <access code>`:
/// the status and timeline in the case's language. A wrong or missing code and
/// an unknown case are the same 404.
pub async fn status(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Path(case_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let not_found = || ApiError::NotFound.in_language(language);
    let code = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    let Some(case) = state
        .store
        .load_case(&case_id)
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?
    else {
        // Compare anyway, so an unknown case takes as long as a wrong code.
        let _ = secret_matches(
            code,
            "0000000000000000000000000000000000000000000000000000000000000000",
        );
        return Err(not_found());
    };
    let case_state = case
        .state()
        .map_err(|error| ApiError::from(error).in_language(language))?;
    let authorized = case_state
        .access_code_sha256
        .as_deref()
        .is_some_and(|stored| secret_matches(code, stored));
    if !authorized {
        return Err(not_found());
    }
    let timeline = state
        .store
        .timeline(&case_id)
        .await
        .map_err(|error| ApiError::from(error).in_language(language))?;
    // Everything the applicant receives is in the language of the application.
    let case_language = case_state.application.language;
    let localizer = Localizer::embedded();
    let entries: Vec<_> = case
        .events
        .iter()
        .zip(&timeline)
        .filter(|(event, _)| visible_to_applicant(event))
        .map(|(event, entry)| {
            json!({
                "at": rfc3339_almaty(entry.recorded_at),
                "type": event.type_name(),
                "text": localizer.render(
                    case_language,
                    &timeline_message(event),
                ),
            })
        })
        .collect();
    let decision = case_state.decision.as_ref().map(|decision| {
        json!({"outcome": decision.outcome, "category": decision.category,
               "decided_at": rfc3339_almaty(decision.decided_at)})
    });
    let refusal: Vec<_> = match state.procedure().regimes.get(&case_state.regime) {
        Ok(regime) => case_state
            .refusal
            .iter()
            .map(|reason| json!({"code": reason.code(), "message": localizer.render(case_language, &reason.explain(regime))}))
            .collect(),
        Err(_) => Vec::new(),
    };
    let orders: Vec<_> = case_state
        .orders
        .iter()
        .map(|order| json!({"status": qorgau_domain::procedure::command::order_status_name(order.status), "urls": order.urls}))
        .collect();
    let body = json!({
        "case_id": case_id,
        "language": case_language,
        "status": case_state.phase,
        "status_text": localizer.render(case_language, &Message::new("phase-name").with("phase", case_state.phase.as_str())),
        "received_at": rfc3339_almaty(case_state.received_at),
        "decision_due": rfc3339_almaty(case_state.decision_due.due_at),
        "response_due": rfc3339_almaty(case_state.response_due.due_at),
        "extended_until": case_state.extension.as_ref().map(|extension| extension.until),
        "regime": case_state.regime,
        "refusal": refusal,
        "decision": decision,
        "orders": orders,
        "response_sent_at": case_state.response_sent_at.map(rfc3339_almaty),
        "timeline": entries,
    });
    Ok((
        [(header::CONTENT_LANGUAGE, case_language.tag())],
        Json(body),
    )
        .into_response())
}
