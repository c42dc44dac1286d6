//! The expert's view of a child's pursuit across cases (issue 7): the linked
//! cases (link with a reason, unlink with a reason), the linked timeline with
//! the pursuit indicators, a chat export imported as evidence, and the
//! referral package. `/staff/cases/{case_id}/linked`; the case page shows the
//! summary ([`summary`]) and links here.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qorgau_app::linked::LinkedTimeline;
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::linking::{EntrySource, LinkBasis, block_message};
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::pursuit::EntryKind;

use super::staff::StaffPage;
use super::{Tr, page};
use crate::api::linked::{
    AccountInput, ChatQuery, chat_error, chat_upload, parse_account, parse_block_date,
    prepare_package,
};
use crate::language::RequestLanguage;
use crate::problem::ApiError;
use crate::state::AppState;

pub struct LinkView {
    pub other_case_id: String,
    pub description: String,
    pub active: bool,
}

pub struct ActorLinkView {
    pub description: String,
    pub active: bool,
    pub first: String,
    pub second: String,
}

pub struct EntryView {
    pub date: String,
    pub case_id: String,
    pub account: String,
    pub what: String,
    pub flags: String,
}

pub struct IndicatorView {
    pub name: String,
    pub explanation: String,
    pub rests_on: String,
}

/// What the case page shows of the linked timeline.
pub struct LinkedSummary {
    pub cases: usize,
    pub indicators: Vec<IndicatorView>,
    pub suggestion: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_linked.html")]
struct LinkedPage {
    tr: Tr,
    path: String,
    case_id: String,
    csrf: String,
    notice: Option<String>,
    links: Vec<LinkView>,
    actor_links: Vec<ActorLinkView>,
    cases: usize,
    entries: Vec<EntryView>,
    indicators: Vec<IndicatorView>,
    suggestion: Option<String>,
    packages: Vec<PackageView>,
    /// The platforms an account may be on, as `(value, name)`.
    platforms: &'static [(&'static str, &'static str)],
}

/// A prepared referral package: its document, and its PDF when it has one.
struct PackageView {
    evidence_id: String,
    language: &'static str,
    pdf: bool,
}

/// The platforms of the account fields (the values `Platform::parse` reads).
const PLATFORMS: &[(&str, &str)] = &[
    ("telegram", "Telegram"),
    ("whatsapp", "WhatsApp"),
    ("instagram", "Instagram"),
    ("vk", "VK"),
    ("tiktok", "TikTok"),
    ("facebook", "Facebook"),
    ("x", "X"),
    ("odnoklassniki", "Odnoklassniki"),
    ("youtube", "YouTube"),
];

fn link_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<LinkView> {
    timeline
        .links
        .iter()
        .map(|row| {
            let link = &row.link;
            let mut parts = vec![tr.t(match link.basis {
                LinkBasis::SameActor => "linked-basis-same_actor",
                LinkBasis::SameChild => "linked-basis-same_child",
            })];
            if let Some(found) = link.child_match {
                parts.push(tr.t(match found {
                    qorgau_domain::linking::ChildMatch::Iin => "linked-match-iin",
                    qorgau_domain::linking::ChildMatch::NameAndBirthDate => {
                        "linked-match-name_birth_date"
                    }
                }));
            }
            if let Some(key) = &link.actor_key {
                parts.push(key.clone());
            }
            parts.push(if link.automatic {
                tr.t("linked-automatic")
            } else {
                tr.t_with("linked-by", "by", &link.by)
            });
            if let Some(reason) = &link.reason {
                parts.push(reason.clone());
            }
            if !link.active {
                parts.push(
                    tr.say(
                        &Message::new("linked-unlinked")
                            .with("by", link.unlinked_by.clone().unwrap_or_default())
                            .with("reason", link.unlink_reason.clone().unwrap_or_default()),
                    ),
                );
            }
            LinkView {
                other_case_id: row.other_case_id.clone(),
                description: parts.join("; "),
                active: link.active,
            }
        })
        .collect()
}

fn actor_link_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<ActorLinkView> {
    timeline
        .actor_links
        .iter()
        .map(|row| {
            let link = &row.link;
            let [first, second] = &link.accounts;
            let message = if link.active {
                Message::new("linked-actors-link")
                    .with("by", link.by.as_str())
                    .with("case", row.recorded_in.as_str())
                    .with("reason", link.reason.as_str())
            } else {
                Message::new("linked-actors-unlinked")
                    .with("by", link.unlinked_by.clone().unwrap_or_default())
                    .with("reason", link.unlink_reason.clone().unwrap_or_default())
            };
            ActorLinkView {
                description: tr.say(
                    &message
                        .with("first", first.as_str())
                        .with("second", second.as_str()),
                ),
                active: link.active,
                first: first.clone(),
                second: second.clone(),
            }
        })
        .collect()
}

fn entry_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<EntryView> {
    timeline
        .entries
        .iter()
        .map(|item| {
            let what = match &item.source {
                EntrySource::Incident {
                    index, description, ..
                } => format!(
                    "{}: {description}",
                    tr.t_with("linked-entry-incident", "index", index)
                ),
                EntrySource::Chat {
                    messages,
                    first_message,
                    ..
                } => tr.say(
                    &Message::new("linked-entry-chat")
                        .with("messages", i64::from(*messages))
                        .with("first", i64::try_from(*first_message).unwrap_or(i64::MAX)),
                ),
                EntrySource::Block { reported, by, .. } => tr.say(&block_message(*reported, by)),
            };
            let person = timeline.persons.person_of(&item.entry.account);
            let account = if person == item.entry.account {
                item.entry.account.clone()
            } else {
                format!(
                    "{} ({})",
                    item.entry.account,
                    tr.t_with("linked-entry-person", "person", person)
                )
            };
            let mut flags = Vec::new();
            if let EntryKind::Contact(contact) = item.entry.kind {
                if contact.monitoring {
                    flags.push(tr.t("linked-flag-monitoring"));
                }
                if contact.offline {
                    flags.push(tr.t("linked-flag-offline"));
                }
            }
            EntryView {
                date: almaty_date(item.entry.at).to_string(),
                case_id: item.case_id.clone(),
                account,
                what,
                flags: flags.join(", "),
            }
        })
        .collect()
}

fn indicator_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<IndicatorView> {
    timeline
        .assessment
        .findings
        .iter()
        .map(|finding| IndicatorView {
            name: tr.t(finding.indicator.message_id()),
            explanation: tr.say(&finding.explain(&timeline.thresholds)),
            rests_on: tr.t_with("linked-rests-on", "entries", finding.rests_on.join("; ")),
        })
        .collect()
}

/// The linked timeline's summary for the case page; `None` when it cannot be
/// computed (the case page still shows everything else).
pub async fn summary(state: &AppState, tr: Tr, case_id: &str) -> Option<LinkedSummary> {
    let timeline = state.procedure().linked_timeline(case_id).await.ok()?;
    Some(LinkedSummary {
        cases: timeline.cases.len(),

        indicators: indicator_views(tr, &timeline),
        suggestion: timeline
            .assessment
            .suggestion
            .as_ref()
            .map(|suggestion| tr.say(&suggestion.explain())),
    })
}

async fn render(
    state: &AppState,
    tr: Tr,
    staff: &StaffPage,
    case_id: &str,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let timeline = match state.procedure().linked_timeline(case_id).await {
        Ok(timeline) => timeline,
        Err(qorgau_app::ServiceError::CaseNotFound(_)) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let packages = match state
        .procedure()
        .load(case_id)
        .await
        .and_then(|case| case.state().map_err(qorgau_app::ServiceError::from))
    {
        Ok(case_state) => case_state
            .referral_packages
            .iter()
            .map(|record| PackageView {
                evidence_id: record.evidence_id.clone(),
                language: record.language.tag(),
                pdf: record.pdf_digest.is_some(),
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    page(
        &LinkedPage {
            tr,
            path: format!("/staff/cases/{case_id}/linked"),
            case_id: case_id.to_owned(),
            csrf: staff.csrf().to_owned(),
            notice,
            links: link_views(tr, &timeline),
            actor_links: actor_link_views(tr, &timeline),
            cases: timeline.cases.len(),
            entries: entry_views(tr, &timeline),
            indicators: indicator_views(tr, &timeline),
            suggestion: timeline
                .assessment
                .suggestion
                .as_ref()
                .map(|suggestion| tr.say(&suggestion.explain())),
            packages,
            platforms: PLATFORMS,
        },
        status,
    )
}

pub async fn show(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
) -> Response {
    render(
        &state,
        Tr { language },
        &staff,
        &case_id,
        None,
        StatusCode::OK,
    )
    .await
}

/// Back to the page (POST-redirect-GET), or the page again with why not.
async fn after(
    state: &AppState,
    language: Language,
    staff: &StaffPage,
    case_id: &str,
    result: Result<(), Message>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!(
            "/staff/cases/{case_id}/linked?lang={}",
            language.tag()
        ))
        .into_response(),
        Err(message) => {
            let tr = Tr { language };
            render(
                state,
                tr,
                staff,
                case_id,
                Some(tr.say(&message)),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

fn service_message(error: qorgau_app::ServiceError) -> Message {
    match error {
        qorgau_app::ServiceError::Procedure(error) => error.explain(),
        qorgau_app::ServiceError::CaseNotFound(case) => {
            Message::new("problem-not-found").with("case", case)
        }
        _ => Message::new("problem-internal"),
    }
}

pub async fn link(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let basis = LinkBasis::parse(&value("basis")).unwrap_or(LinkBasis::SameChild);
    let actor_key = Some(value("actor_key")).filter(|key| !key.trim().is_empty());
    let result = state
        .procedure()
        .link_cases(
            &case_id,
            &value("other_case_id"),
            basis,
            actor_key,
            value("reason"),
            staff.actor(),
        )
        .await
        .map(drop)
        .map_err(service_message);
    after(&state, language, &staff, &case_id, result).await
}

pub async fn unlink(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, other_case_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let reason = values.get("reason").cloned().unwrap_or_default();
    let result = state
        .procedure()
        .unlink_cases(&case_id, &other_case_id, reason, staff.actor())
        .await
        .map(drop)
        .map_err(service_message);
    after(&state, language, &staff, &case_id, result).await
}

/// What a refused form shows: the first field's problem, or the refusal.
fn api_message(error: ApiError) -> Message {
    match error {
        ApiError::Invalid { errors, detail } => errors
            .into_iter()
            .next()
            .map_or(detail, |problem| problem.message),
        ApiError::Conflict { detail, .. } => detail,
        ApiError::Forbidden(Some(detail)) => detail,
        _ => Message::new("problem-internal"),
    }
}

/// Two accounts as one person: `csrf`, `platform_first`, `account_first`,
/// `platform_second`, `account_second`, `reason`.
pub async fn link_actors(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let input = |which: &str| AccountInput {
        platform: value(&format!("platform_{which}")),
        account: value(&format!("account_{which}")),
    };
    let accounts =
        parse_account(&input("first"), "platform_first", "account_first").and_then(|first| {
            parse_account(&input("second"), "platform_second", "account_second")
                .map(|second| [first, second])
        });
    let result = match accounts {
        Ok(accounts) => state
            .procedure()
            .link_actors(&case_id, accounts, value("reason"), staff.actor())
            .await
            .map_err(service_message),
        Err(error) => Err(api_message(error)),
    };
    after(&state, language, &staff, &case_id, result).await
}

/// Undo a link of two accounts: `csrf`, `first`, `second` (keys), `reason`.
pub async fn unlink_actors(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let result = state
        .procedure()
        .unlink_actors(
            &case_id,
            [value("first"), value("second")],
            value("reason"),
            staff.actor(),
        )
        .await
        .map(drop)
        .map_err(service_message);
    after(&state, language, &staff, &case_id, result).await
}

/// A block or report: `csrf`, `platform`, `account`, `on`, `reported` (a
/// checkbox).
pub async fn record_block(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let input = AccountInput {
        platform: value("platform"),
        account: value("account"),
    };
    let parsed = parse_account(&input, "platform", "account")
        .and_then(|account| parse_block_date(&value("on")).map(|on| (account, on)));
    let result = match parsed {
        Ok((account, on)) => state
            .procedure()
            .record_block(
                &case_id,
                account,
                on,
                values.contains_key("reported"),
                staff.actor(),
            )
            .await
            .map_err(service_message),
        Err(error) => Err(api_message(error)),
    };
    after(&state, language, &staff, &case_id, result).await
}

/// The chat import form: `multipart/form-data` with `csrf`, `format`,
/// `sender`, `platform`, `account` and the `file`.
pub async fn import_chat(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let mut values = HashMap::new();
    let mut file = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                let message = Message::new("linking-chat-too-large").with(
                    "megabytes",
                    (qorgau_app::linked::MAX_CHAT_IMPORT_BYTES / (1024 * 1024)) as i64,
                );
                return after(&state, language, &staff, &case_id, Err(message)).await;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(bytes) = field.bytes().await else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        if name == "file" {
            file = bytes.to_vec();
        } else {
            values.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let query = ChatQuery {
        format: value("format"),
        sender: value("sender"),
        platform: value("platform"),
        account: value("account"),
        timezone: None,
    };
    let message_of = api_message;
    let upload = match chat_upload(&query, file) {
        Ok(upload) => upload,
        Err(error) => {
            return after(&state, language, &staff, &case_id, Err(message_of(error))).await;
        }
    };
    let Some(evidence) = state.evidence.clone() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let result = state
        .procedure()
        .import_chat(&case_id, staff.actor(), upload, &evidence)
        .await
        .map(drop)
        .map_err(|error| message_of(chat_error(error)));
    after(&state, language, &staff, &case_id, result).await
}

/// `GET /staff/cases/{case_id}/referral-package.pdf[?package={evidence_id}]`
/// (signed-in staff, as for the package's document): the PDF of a prepared
/// package, the latest unless `package` names another.
pub async fn referral_pdf(
    State(state): State<AppState>,
    _staff: StaffPage,
    Path(case_id): Path<String>,
    Query(query): Query<crate::api::linked::ReferralPdfQuery>,
) -> Response {
    match crate::referral::stored_pdf(&state, &case_id, query.package.as_deref()).await {
        Ok((evidence_id, bytes)) => crate::referral::pdf_response(bytes, &case_id, &evidence_id),
        Err(ApiError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub async fn referral(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let package_language = match values.get("language").map(String::as_str) {
        Some("ru") => Language::Ru,
        _ => Language::Kk,
    };
    let Some(evidence) = state.evidence.clone() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let result = prepare_package(&state, &evidence, staff.actor(), &case_id, package_language)
        .await
        .map(drop)
        .map_err(|error| match error {
            ApiError::Conflict { detail, .. } => detail,
            ApiError::Forbidden(Some(detail)) => detail,
            _ => Message::new("problem-internal"),
        });
    after(&state, language, &staff, &case_id, result).await
}
