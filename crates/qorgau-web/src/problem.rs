//! The one place errors become HTTP responses: RFC 9457 problem details
//! (`application/problem+json`), worded in the request's language.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qorgau_app::{EvidenceError, ServiceError};
use qorgau_domain::application::FieldError;
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::procedure::{IntakeError, ProcedureError};
use qorgau_domain::regime::Regimes;
use qorgau_evidence::cas::CasError;
use qorgau_i18n::Localizer;
use qorgau_store::StoreError;
use serde_json::json;

/// One invalid field: `{"field", "code", "message"}`.
#[derive(Debug, Clone)]
pub struct FieldProblem {
    pub field: String,
    pub code: &'static str,
    pub message: Message,
}

impl From<&FieldError> for FieldProblem {
    fn from(error: &FieldError) -> Self {
        FieldProblem {
            field: error.field.clone(),
            code: error.code,
            message: error.message.clone(),
        }
    }
}

/// What went wrong, by HTTP status.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the body is not JSON of the expected shape.
    Malformed { detail: Message },
    /// 401: no or bad credentials (staff and owner routes).
    Unauthenticated,
    /// 403: signed in, but this role may not do this (with the rule, when the
    /// procedure said so).
    Forbidden(Option<Message>),
    /// 404: nothing here — also for a case the caller may not see, so a guess
    /// at a case number or an access code reveals nothing.
    NotFound,
    /// 409: the procedure's rule says no now (a second decision, no quorum…).
    Conflict { code: &'static str, detail: Message },
    /// 422: the input is well-formed but invalid or inadmissible.
    Invalid {
        detail: Message,
        errors: Vec<FieldProblem>,
    },
    /// 429: too many failed sign-ins.
    TooManyRequests { retry_after_seconds: u64 },
    /// 500: the store failed; details go to the operator's log, not the client.
    Internal,
    /// 500: a stored evidence file no longer matches its digest; it is never
    /// served (the operator restores it from a backup).
    EvidenceDamaged,
}

/// An error with the language to explain it in.
#[derive(Debug)]
pub struct Problem {
    pub language: Language,
    pub error: ApiError,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal | ApiError::EvidenceDamaged => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn in_language(self, language: Language) -> Problem {
        Problem {
            language,
            error: self,
        }
    }

    /// From a service error. Store failures are logged here, once, without
    /// request data (which may hold a child's details).
    pub fn from_service(error: ServiceError) -> ApiError {
        match error {
            ServiceError::Intake(IntakeError::InvalidFields(fields)) => ApiError::Invalid {
                detail: Message::new("problem-invalid-fields").with("count", fields.len() as i64),
                errors: fields.iter().map(FieldProblem::from).collect(),
            },
            ServiceError::Intake(IntakeError::Regime(error)) => ApiError::Invalid {
                detail: error.explain(),
                errors: vec![FieldProblem {
                    field: "received_at".into(),
                    code: error.code(),
                    message: error.explain(),
                }],
            },
            ServiceError::Intake(IntakeError::Calendar(error)) => ApiError::Conflict {
                code: error.code(),
                detail: error.explain(),
            },
            ServiceError::Intake(IntakeError::ReceivedInFuture) => ApiError::Invalid {
                detail: Message::new("procedure-time-in-future"),
                errors: Vec::new(),
            },
            ServiceError::Refused { reasons, regime } => {
                let errors = match Regimes::embedded().get(&regime) {
                    Ok(regime) => reasons
                        .iter()
                        .map(|reason| FieldProblem {
                            field: reason.field().to_owned(),
                            code: reason.code(),
                            message: reason.explain(regime),
                        })
                        .collect(),
                    Err(_) => Vec::new(),
                };
                ApiError::Invalid {
                    detail: Message::new("problem-refused"),
                    errors,
                }
            }
            ServiceError::Procedure(error @ ProcedureError::NotAllowed { .. }) => {
                ApiError::Forbidden(Some(error.explain()))
            }
            ServiceError::Procedure(error) => ApiError::Conflict {
                code: error.code(),
                detail: error.explain(),
            },
            ServiceError::CaseNotFound(_) | ServiceError::Store(StoreError::CaseNotFound(_)) => {
                ApiError::NotFound
            }
            ServiceError::Store(StoreError::Conflict) => ApiError::Conflict {
                code: "concurrent_change",
                detail: Message::new("problem-concurrent-change"),
            },
            ServiceError::Regime(error) => {
                eprintln!("qorgau: regime error: {error}");
                ApiError::Internal
            }
            ServiceError::Store(error) => {
                eprintln!("qorgau: store error: {error}");
                ApiError::Internal
            }
            ServiceError::Randomness(error) => {
                eprintln!("qorgau: {error}");
                ApiError::Internal
            }
            ServiceError::Evidence(EvidenceError::Blob(error @ CasError::Damaged { .. })) => {
                eprintln!("qorgau: {error}");
                ApiError::EvidenceDamaged
            }
            ServiceError::Evidence(EvidenceError::Store(error)) => ApiError::from(error),
            ServiceError::Evidence(error) => {
                eprintln!("qorgau: evidence: {error}");
                ApiError::Internal
            }
            ServiceError::Document(error) => {
                eprintln!("qorgau: document: {error}");
                ApiError::Internal
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::from_service(ServiceError::Store(error))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let localizer = Localizer::embedded();
        let status = self.error.status();
        let say = |message: &Message| localizer.render(self.language, message);
        let title = say(&Message::new("problem-title").with("status", i64::from(status.as_u16())));
        let (detail, code, errors) = match &self.error {
            ApiError::Malformed { detail } => (say(detail), None, None),
            ApiError::Conflict { code, detail } => (say(detail), Some(*code), None),
            ApiError::Invalid { detail, errors } => {
                let errors: Vec<_> = errors
                    .iter()
                    .map(|error| {
                        json!({"field": error.field, "code": error.code, "message": say(&error.message)})
                    })
                    .collect();
                (say(detail), None, Some(errors))
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => (
                say(&Message::new("problem-too-many-requests")
                    .with("seconds", *retry_after_seconds as i64)),
                None,
                None,
            ),
            ApiError::Unauthenticated => {
                (say(&Message::new("problem-unauthenticated")), None, None)
            }
            ApiError::Forbidden(detail) => (
                say(detail
                    .as_ref()
                    .unwrap_or(&Message::new("problem-forbidden"))),
                None,
                None,
            ),
            ApiError::NotFound => (say(&Message::new("problem-not-found")), None, None),
            ApiError::Internal => (say(&Message::new("problem-internal")), None, None),
            ApiError::EvidenceDamaged => (
                say(&Message::new("problem-evidence-damaged")),
                Some("evidence_damaged"),
                None,
            ),
        };
        let mut body = json!({
            "type": "about:blank",
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        if let Some(errors) = errors {
            body["errors"] = json!(errors);
        }
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.language.tag()),
        );
        if let ApiError::TooManyRequests {
            retry_after_seconds,
        } = self.error
            && let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if matches!(self.error, ApiError::Unauthenticated) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
