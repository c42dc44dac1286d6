//! The JSON API under `/api` (API.md), described by `/api/openapi.json`.

pub mod applications;
pub mod coordinator;
pub mod deliveries;
pub mod evidence;
pub mod health;
pub mod linked;
pub mod openapi;
pub mod owners;
pub mod staff;
pub mod stats;

use axum::body::Bytes;
use qorgau_domain::message::Message;
use serde::de::DeserializeOwned;

use crate::language::RequestLanguage;
use crate::problem::{ApiError, Problem};

/// Anything under `/api` that is not a route.
pub async fn not_found(RequestLanguage(language): RequestLanguage) -> Problem {
    ApiError::NotFound.in_language(language)
}

/// Parses a JSON body, naming the position of a syntax error and the field of
/// a shape error (serde's message says which), in the request's language.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| ApiError::Malformed {
        detail: Message::new("problem-malformed-json")
            .with("line", error.line() as i64)
            .with("column", error.column() as i64)
            .with("detail", error.to_string()),
    })
}
