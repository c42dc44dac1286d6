//! The only place credentials are checked.
//!
//! - Staff: `POST /api/v1/auth/token` with username and password (Argon2id) gives a
//!   bearer session token (`qgs_…`, 256 random bits, only its SHA-256 stored,
//!   absolute expiry).
//! - Resource owners: a bearer API key (`qgk_…`), stored as its SHA-256.
//! - Applicants: the case's access code as a bearer token, compared in constant
//!   time; a wrong code and an unknown case both give 404.
//!
//! Deny by default: a handler that does not take `Staff` or `Owner` serves the
//! public (and then checks the access code itself).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jiff::{SignedDuration, Timestamp};
use std::net::SocketAddr;

use qorgau_app::credentials::{hash_password, new_token, password_matches, secret_hash};
use qorgau_domain::procedure::{Actor, Role};
use qorgau_store::{ResourceOwner, StaffMember, StaffRole, StaffSession, Store};

use crate::language::negotiate;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

fn language_of(parts: &Parts) -> qorgau_domain::message::Language {
    negotiate(
        parts.uri.query(),
        parts
            .headers
            .get("accept-language")
            .and_then(|value| value.to_str().ok()),
    )
}

/// A signed-in member of the authority's staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub actor: Actor,
    /// The SHA-256 of the session's token, to end it (signing out).
    pub session_hash: String,
}

impl Staff {
    pub fn is_coordinator(&self) -> bool {
        self.actor.role == Role::Coordinator
    }

    pub fn is_expert(&self) -> bool {
        matches!(self.actor.role, Role::Expert { .. })
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let language = language_of(parts);
        let reject = |error: ApiError| error.in_language(language);
        let token = bearer(parts).ok_or_else(|| reject(ApiError::Unauthenticated))?;
        staff_for_token(state, token)
            .await
            .map_err(reject)?
            .ok_or_else(|| reject(ApiError::Unauthenticated))
    }
}

/// A resource owner authenticated by its API key.
#[derive(Debug, Clone)]
pub struct Owner {
    pub owner: ResourceOwner,
}

impl Owner {
    pub fn actor(&self) -> Actor {
        Actor {
            name: format!("owner:{}", self.owner.name),
            role: Role::ResourceOwner {
                owner: self.owner.name.clone(),
            },
        }
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let language = language_of(parts);
        let token = bearer(parts).ok_or(ApiError::Unauthenticated.in_language(language))?;
        let owner = state
            .store
            .find_owner_by_key(&secret_hash(token))
            .await
            .map_err(|error| ApiError::from(error).in_language(language))?
            .ok_or(ApiError::Unauthenticated.in_language(language))?;
        Ok(Owner { owner })
    }
}

/// A successful sign-in.
pub struct SignedIn {
    pub token: String,
    pub member: StaffMember,
    pub expires_at: Timestamp,
}

/// An Argon2id hash of a random password nobody knows: verifying against it
/// when the account does not exist makes a wrong username cost as much time as
/// a wrong password, so timing does not reveal which accounts exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let unknowable = new_token("decoy").unwrap_or_default();
        hash_password(&unknowable).unwrap_or_default()
    })
}

/// Checks a username and password, throttled per account and per client
/// address, and opens a session: a new random token each time (the session
/// rotates at every sign-in), valid for `session_hours`.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    address: Option<SocketAddr>,
) -> Result<SignedIn, ApiError> {
    let now = state.clock.now();
    let account_key = format!("account:{}", username.to_lowercase());
    let mut keys = vec![(account_key.clone(), MAX_FAILURES_PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((
            format!("address:{}", address.ip()),
            MAX_FAILURES_PER_ADDRESS,
        ));
    }
    if let Some(seconds) = state.throttle.blocked_for(&keys, now) {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: seconds,
        });
    }
    let stored = state.store.staff_password_hash(username).await?;
    let matches =
        password_matches(password, stored.as_deref().unwrap_or(decoy_hash())) && stored.is_some();
    let member = match matches {
        true => state.store.find_staff(username).await?,
        false => None,
    };
    let Some(member) = member.filter(|member| member.active) else {
        state.throttle.record_failure(&keys, now);
        return Err(ApiError::Unauthenticated);
    };
    state.throttle.clear(&account_key);
    let token = new_token("qgs").map_err(|_| ApiError::Internal)?;
    let expires_at = now
        .checked_add(SignedDuration::from_hours(i64::from(
            state.config.session_hours,
        )))
        .map_err(|_| ApiError::Internal)?;
    let session = StaffSession {
        token_hash: secret_hash(&token),
        username: member.username.clone(),
        created_at: now,
        expires_at,
    };
    state.store.create_session(&session).await?;
    Ok(SignedIn {
        token,
        member,
        expires_at,
    })
}

/// The staff member behind a session token, if the session is live.
pub async fn staff_for_token(state: &AppState, token: &str) -> Result<Option<Staff>, ApiError> {
    // Absolute expiry and idle expiry, checked and the session marked as used
    // in one statement.
    let idle = SignedDuration::from_mins(i64::from(state.config.session_idle_minutes));
    let Some(session) = state
        .store
        .touch_session(&secret_hash(token), state.clock.now(), idle)
        .await?
    else {
        return Ok(None);
    };
    let Some(member) = state
        .store
        .find_staff(&session.username)
        .await?
        .filter(|member| member.active)
    else {
        return Ok(None);
    };
    let role = match member.role {
        StaffRole::Coordinator => Role::Coordinator,
        StaffRole::Expert => Role::Expert {
            chair: member.chair,
        },
    };
    Ok(Some(Staff {
        actor: Actor {
            name: member.username,
            role,
        },
        session_hash: session.token_hash,
    }))
}

/// Who may read a case's evidence (`/api/v1/applications/{id}/evidence…`).
#[derive(Debug, Clone)]
pub enum CaseReader {
    /// The applicant, with the case's access code.
    Applicant,
    /// A signed-in member of the authority's staff.
    Staff,
}

/// The reader behind a request's bearer token, for the case whose access-code
/// hash is `access_code_sha256`: its applicant or staff. Anyone else —
/// resource owners included — is `None` (the handler answers 404, as for a
/// case that does not exist).
pub async fn case_reader(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    access_code_sha256: Option<&str>,
) -> Result<Option<CaseReader>, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or("");
    // Compared even without a stored hash, so timing does not tell.
    let stored = access_code_sha256
        .unwrap_or("0000000000000000000000000000000000000000000000000000000000000000");
    if qorgau_app::credentials::secret_matches(token, stored) && access_code_sha256.is_some() {
        return Ok(Some(CaseReader::Applicant));
    }
    if token.is_empty() {
        return Ok(None);
    }
    Ok(staff_for_token(state, token)
        .await?
        .map(|_| CaseReader::Staff))
}

/// Failed sign-ins per account and per client address, in a sliding window.
/// In memory: each instance counts its own, which bounds guessing per instance
/// (several instances multiply the budget by their number).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
}

/// The window failures are counted in.
const THROTTLE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failures allowed per account in the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
/// Failures allowed per client address in the window (several people may share one).
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;

impl LoginThrottle {
    /// Seconds until another attempt is allowed for these keys, if blocked now.
    pub fn blocked_for(&self, keys: &[(String, usize)], now: Timestamp) -> Option<u64> {
        let mut failures = self.failures.lock().ok()?;
        let mut wait: Option<u64> = None;
        for (key, limit) in keys {
            let entries = failures.entry(key.clone()).or_default();
            entries.retain(|at| now.duration_since(*at) < THROTTLE_WINDOW);
            if entries.len() >= *limit
                && let Some(oldest) = entries.first()
            {
                let remaining = THROTTLE_WINDOW - now.duration_since(*oldest);
                let seconds = remaining.as_secs().max(1) as u64;
                wait = Some(wait.map_or(seconds, |known| known.max(seconds)));
            }
        }
        wait
    }

    pub fn record_failure(&self, keys: &[(String, usize)], now: Timestamp) {
        if let Ok(mut failures) = self.failures.lock() {
            for (key, _) in keys {
                failures.entry(key.clone()).or_default().push(now);
            }
        }
    }

    pub fn clear(&self, key: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(key);
        }
    }
}
