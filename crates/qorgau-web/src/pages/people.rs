//! The coordinator manages the people Qorgau knows: staff (new accounts and
//! passwords, shown once) and resource owners (API keys, shown once). Only
//! hashes are stored.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qorgau_app::credentials::{hash_password, new_password, new_token, secret_hash};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::Role;
use qorgau_store::{ResourceOwner, StaffMember, StaffRole, Store, StoreError};

use super::staff::StaffPage;
use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "staff_people.html")]
struct PeoplePage {
    tr: Tr,
    path: &'static str,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    staff: Vec<(String, String, String)>,
    owners: Vec<(String, String, String)>,
}

async fn render(
    state: &AppState,
    tr: Tr,
    staff: &StaffPage,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let (Ok(members), Ok(owners)) = (
        state.store.list_staff().await,
        state.store.list_owners().await,
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let role_name = |member: &StaffMember| match (member.role, member.chair) {
        (StaffRole::Coordinator, _) => tr.t("people-role-coordinator"),
        (StaffRole::Expert, true) => tr.t("people-role-chair"),
        (StaffRole::Expert, false) => tr.t("people-role-expert"),
    };
    let view = PeoplePage {
        tr,
        path: "/staff/people",
        csrf: staff.csrf().to_owned(),
        notice,
        error,
        staff: members
            .iter()
            .map(|member| {
                (
                    member.username.clone(),
                    member.display_name.clone(),
                    role_name(member),
                )
            })
            .collect(),
        owners: owners
            .iter()
            .map(|owner| {
                (
                    owner.name.clone(),
                    owner.display_name.clone(),
                    owner.domains.join(", "),
                )
            })
            .collect(),
    };
    page(&view, status)
}

fn coordinator(staff: &StaffPage) -> bool {
    staff.actor().role == Role::Coordinator
}

pub async fn people(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
) -> Response {
    if !coordinator(&staff) {
        return StatusCode::FORBIDDEN.into_response();
    }
    render(&state, Tr { language }, &staff, None, None, StatusCode::OK).await
}

fn field(values: &HashMap<String, String>, name: &str) -> String {
    values
        .get(name)
        .map(|value| value.trim().to_owned())
        .unwrap_or_default()
}

pub async fn add_staff(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !coordinator(&staff) || !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let username = field(&values, "username");
    let name = field(&values, "name");
    if username.is_empty() || username.chars().any(char::is_whitespace) || name.is_empty() {
        return render(
            &state,
            tr,
            &staff,
            None,
            Some(tr.t("people-invalid")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (role, chair) = match values.get("role").map(String::as_str) {
        Some("coordinator") => (StaffRole::Coordinator, false),
        Some("chair") => (StaffRole::Expert, true),
        _ => (StaffRole::Expert, false),
    };
    let member = StaffMember {
        username: username.clone(),
        display_name: name,
        role,
        chair,
        active: true,
    };
    let now = state.clock.now();
    let Ok(password) = new_password() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(hash) = hash_password(&password) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match state.store.add_staff(&member, now).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return render(
                &state,
                tr,
                &staff,
                None,
                Some(tr.t_with("people-exists", "name", &username)),
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    if state
        .store
        .set_staff_password(&username, &hash)
        .await
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let notice = tr.say(
        &Message::new("cli-password-set")
            .with("user", username)
            .with("password", password),
    );
    render(&state, tr, &staff, Some(notice), None, StatusCode::CREATED).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !coordinator(&staff) || !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let username = field(&values, "username");
    let Ok(password) = new_password() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(hash) = hash_password(&password) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match state.store.set_staff_password(&username, &hash).await {
        Ok(()) => {
            let notice = tr.say(
                &Message::new("cli-password-set")
                    .with("user", username)
                    .with("password", password),
            );
            render(&state, tr, &staff, Some(notice), None, StatusCode::OK).await
        }
        Err(StoreError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub async fn add_owner(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !coordinator(&staff) || !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let name = field(&values, "name").to_lowercase();
    let display_name = field(&values, "display_name");
    let domains: Vec<String> = field(&values, "domains")
        .split([',', ' '])
        .map(|domain| domain.trim().to_lowercase())
        .filter(|domain| !domain.is_empty())
        .collect();
    if name.is_empty() || name.chars().any(char::is_whitespace) || display_name.is_empty() {
        return render(
            &state,
            tr,
            &staff,
            None,
            Some(tr.t("people-invalid")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Ok(api_key) = new_token("qgk") else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let owner = ResourceOwner {
        name: name.clone(),
        display_name,
        api_key_hash: secret_hash(&api_key),
        domains,
    };
    match state.store.add_owner(&owner, state.clock.now()).await {
        Ok(()) => {
            let notice = tr.say(
                &Message::new("cli-owner-added")
                    .with("owner", name)
                    .with("key", api_key),
            );
            render(&state, tr, &staff, Some(notice), None, StatusCode::CREATED).await
        }
        Err(StoreError::AlreadyExists(_)) => {
            render(
                &state,
                tr,
                &staff,
                None,
                Some(tr.t_with("people-exists", "name", &name)),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
