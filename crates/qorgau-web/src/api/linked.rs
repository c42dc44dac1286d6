//! Cyberstalking across cases (issue 7), for staff: the linked timeline with
//! the pursuit indicators, links between cases, and chat exports imported
//! into a case. Every route is staff only (docs/authorization.md).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use qorgau_app::linked::{
    ActorRecord, ChatFile, ChatImportError, ChatUpload, ChunkReader, LinkedTimeline,
};
use qorgau_chat::{ChatFormat, ImportOptions};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::linking::{EntrySource, LinkBasis};
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::pursuit::EntryKind;
use qorgau_domain::validation::actor::ActorAccount;
use qorgau_domain::validation::resource::Platform;
use qorgau_i18n::Localizer;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::auth::Staff;
use crate::language::RequestLanguage;
use crate::problem::{ApiError, FieldProblem, Problem};
use crate::state::AppState;

/// The linked timeline as JSON, its explanations in `language`.
pub fn timeline_json(timeline: &LinkedTimeline, language: Language) -> Value {
    let localizer = Localizer::embedded();
    let links: Vec<Value> = timeline
        .links
        .iter()
        .map(|row| {
            let link = &row.link;
            json!({
                "case_id": row.other_case_id,
                "recorded_in": row.recorded_in,
                "basis": link.basis.as_str(),
                "actor_key": link.actor_key,
                "child_match": link.child_match.map(|found| found.as_str()),
                "resource_key": link.resource_key,
                "automatic": link.automatic,
                "active": link.active,
                "by": link.by,
                "reason": link.reason,
                "linked_at": rfc3339_almaty(link.linked_at),
                "unlinked_by": link.unlinked_by,
                "unlink_reason": link.unlink_reason,
                "unlinked_at": link.unlinked_at.map(rfc3339_almaty),
            })
        })
        .collect();
    let entries: Vec<Value> = timeline
        .entries
        .iter()
        .map(|item| {
            let entry = &item.entry;
            let flags = match entry.kind {
                EntryKind::Contact(flags) => flags,
                EntryKind::Blocked | EntryKind::Reported => Default::default(),
            };
            let mut value = json!({
                "reference": entry.reference,
                "case_id": item.case_id,
                "at": rfc3339_almaty(entry.at),
                "account": entry.account,
                "platform": entry.platform,
                "channel": entry.channel,
                "monitoring": flags.monitoring,
                "offline": flags.offline,
                // Proposed by the lexicons and not confirmed: never counted.
                "unconfirmed": item.unconfirmed.iter().map(|sign| sign.as_str()).collect::<Vec<_>>(),
            });
            match &item.source {
                EntrySource::Incident {
                    index,
                    description,
                    actor,
                } => {
                    value["source"] = json!("incident");
                    value["incident"] = json!(index);
                    value["description"] = json!(description);
                    value["actor"] = json!(actor);
                }
                EntrySource::Chat {
                    evidence_id,
                    messages,
                    first_message,
                    sender,
                } => {
                    value["source"] = json!("chat");
                    value["evidence_id"] = json!(evidence_id);
                    value["messages"] = json!(messages);
                    value["first_message"] = json!(first_message);
                    value["sender"] = json!(sender);
                }
                EntrySource::Block {
                    index,
                    reported,
                    by,
                } => {
                    value["source"] = json!("block");
                    value["block"] = json!(index);
                    value["reported"] = json!(reported);
                    value["by"] = json!(by);
                }
            }
            // An incident naming no account is nobody's: `null`.
            value["person"] = json!(
                entry
                    .account
                    .as_deref()
                    .map(|account| timeline.persons.person_of(account))
            );
            value
        })
        .collect();
    let findings: Vec<Value> = timeline
        .assessment
        .findings
        .iter()
        .map(|finding| {
            json!({
                "indicator": finding.indicator.as_str(),
                "person": finding.person,
                "name": localizer.render(language, &Message::new(finding.indicator.message_id())),
                "measured": finding.measured,
                "threshold": finding.threshold,
                "rests_on": finding.rests_on,
                "explanation": localizer.render(language, &finding.explain(&timeline.thresholds)),
            })
        })
        .collect();
    let suggestion_json = |suggestion: &qorgau_domain::pursuit::Suggestion| {
        json!({
            "category": suggestion.category,
            "person": suggestion.person,
            "accounts": suggestion.accounts,
            "platforms": suggestion.platforms,
            "first_contact": rfc3339_almaty(suggestion.first_contact),
            "last_contact": rfc3339_almaty(suggestion.last_contact),
            "indicators": suggestion.indicators.iter().map(|indicator| indicator.as_str()).collect::<Vec<_>>(),
            "rests_on": suggestion.rests_on,
            "explanation": localizer.render(language, &suggestion.explain()),
        })
    };
    // The strongest suggestion, and every person's.
    let suggestion = timeline.assessment.suggestion().map(suggestion_json);
    let suggestions: Vec<Value> = timeline
        .assessment
        .suggestions
        .iter()
        .map(suggestion_json)
        .collect();
    let actor_links: Vec<Value> = timeline
        .actor_links
        .iter()
        .map(|row| {
            let link = &row.link;
            json!({
                "accounts": link.accounts,
                "recorded_in": row.recorded_in,
                "active": link.active,
                "by": link.by,
                "reason": link.reason,
                "linked_at": rfc3339_almaty(link.linked_at),
                "unlinked_by": link.unlinked_by,
                "unlink_reason": link.unlink_reason,
                "unlinked_at": link.unlinked_at.map(rfc3339_almaty),
            })
        })
        .collect();
    json!({
        "case_id": timeline.case_id,
        "cases": timeline.cases,
        "links": links,
        "actor_links": actor_links,
        "entries": entries,
        "indicators": findings,
        "suggestion": suggestion,
        "suggestions": suggestions,
    })
}

/// An account's record as JSON: the cases naming it (number, receipt,
/// status, how it figures; never the child) and its person-links.
pub fn actor_json(record: &ActorRecord, language: Language) -> Value {
    let localizer = Localizer::embedded();
    let cases: Vec<Value> = record
        .cases
        .iter()
        .map(|case| {
            json!({
                "case_id": case.case_id,
                "received_at": rfc3339_almaty(case.received_at),
                "phase": case.phase.as_str(),
                "status_text": localizer.render(language, &Message::new("phase-name").with("phase", case.phase.as_str())),
                "roles": case.roles.iter().map(|role| role.as_str()).collect::<Vec<_>>(),
                "timeline": format!("/api/v1/cases/{}/timeline", case.case_id),
            })
        })
        .collect();
    let links: Vec<Value> = record
        .links
        .iter()
        .map(|row| {
            let link = &row.link;
            json!({
                "accounts": link.accounts,
                "recorded_in": row.recorded_in,
                "active": link.active,
                "by": link.by,
                "reason": link.reason,
                "linked_at": rfc3339_almaty(link.linked_at),
                "unlinked_by": link.unlinked_by,
                "unlink_reason": link.unlink_reason,
                "unlinked_at": link.unlinked_at.map(rfc3339_almaty),
            })
        })
        .collect();
    json!({
        "key": record.key,
        "person": record.person,
        "cases": cases,
        "links": links,
    })
}

/// `GET /api/v1/actors/{key}` (staff) → the account's record: every case
/// naming it (the most recent first, at most `MAX_ACTOR_CASES`) and the
/// accounts linked to it as one person. 404 when nothing names it.
pub async fn actor(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Response, Problem> {
    let record = state
        .procedure()
        .actor_record(&key)
        .await
        .map_err(|error| ApiError::from_service(error).in_language(language))?
        .ok_or_else(|| ApiError::NotFound.in_language(language))?;
    Ok(Json(actor_json(&record, language)).into_response())
}

/// `GET /api/v1/cases/{case_id}/timeline` (staff) → the linked timeline of
/// the case's child, the links, the pursuit indicators and the suggestion.
pub async fn timeline(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(case_id): Path<String>,
) -> Result<Response, Problem> {
    let timeline = state
        .procedure()
        .linked_timeline(&case_id)
        .await
        .map_err(|error| ApiError::from_service(error).in_language(language))?;
    Ok(Json(timeline_json(&timeline, language)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRequest {
    other_case_id: String,
    basis: String,
    #[serde(default)]
    actor_key: Option<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlinkRequest {
    reason: String,
}

fn invalid_field(field: &str, code: &'static str, message: Message) -> ApiError {
    ApiError::Invalid {
        detail: Message::new("problem-invalid-fields").with("count", 1),
        errors: vec![FieldProblem {
            field: field.to_owned(),
            code,
            message,
        }],
    }
}

/// `POST /api/v1/cases/{case_id}/links` `{"other_case_id","basis":"same_actor|same_child|same_resource","actor_key"?,"reason"}`
/// (an expert or the coordinator) → the link, recorded in the later case.
pub async fn link(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: LinkRequest = parse_json(&body).map_err(fail)?;
    let basis = LinkBasis::parse(&request.basis).ok_or_else(|| {
        fail(invalid_field(
            "basis",
            "invalid",
            Message::new("problem-field-invalid").with("field", "basis"),
        ))
    })?;
    let recorded_in = state
        .procedure()
        .link_cases(
            &case_id,
            &request.other_case_id,
            basis,
            request.actor_key,
            request.reason,
            &staff.actor,
        )
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok(Json(json!({
        "case_id": case_id,
        "other_case_id": request.other_case_id.trim(),
        "recorded_in": recorded_in,
        "recorded": ["cases_linked"],
    }))
    .into_response())
}

/// `POST /api/v1/cases/{case_id}/links/{other_case_id}/unlink` `{"reason"}`
/// (an expert or the coordinator).
pub async fn unlink(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path((case_id, other_case_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: UnlinkRequest = parse_json(&body).map_err(fail)?;
    let recorded_in = state
        .procedure()
        .unlink_cases(&case_id, &other_case_id, request.reason, &staff.actor)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok(Json(json!({
        "case_id": case_id,
        "other_case_id": other_case_id,
        "recorded_in": recorded_in,
        "recorded": ["cases_unlinked"],
    }))
    .into_response())
}

/// An account as the expert gives it: a platform and a handle or link.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub platform: String,
    pub account: String,
}

/// The account an input names, or the field that is wrong.
pub fn parse_account(
    input: &AccountInput,
    platform_field: &str,
    account_field: &str,
) -> Result<ActorAccount, ApiError> {
    let platform = Platform::parse(input.platform.trim()).map_err(|_| {
        invalid_field(
            platform_field,
            "invalid",
            Message::new("problem-field-invalid").with("field", platform_field.to_owned()),
        )
    })?;
    ActorAccount::parse(platform, &input.account)
        .map_err(|error| invalid_field(account_field, error.code(), error.explain()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorLinkRequest {
    accounts: [AccountInput; 2],
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorUnlinkRequest {
    /// The two account keys, as the timeline lists them.
    accounts: [String; 2],
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRequest {
    platform: String,
    account: String,
    /// `YYYY-MM-DD`, the Almaty date.
    on: String,
    #[serde(default)]
    reported: bool,
}

/// `POST /api/v1/cases/{case_id}/actors/links`
/// `{"accounts":[{"platform","account"},{"platform","account"}],"reason"}` (an
/// expert or the coordinator) → `actors_linked` in this case.
pub async fn link_actors(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: ActorLinkRequest = parse_json(&body).map_err(fail)?;
    let [first, second] = &request.accounts;
    let accounts = [
        parse_account(first, "accounts[0].platform", "accounts[0].account").map_err(fail)?,
        parse_account(second, "accounts[1].platform", "accounts[1].account").map_err(fail)?,
    ];
    let keys = [accounts[0].key.clone(), accounts[1].key.clone()];
    state
        .procedure()
        .link_actors(&case_id, accounts, request.reason, &staff.actor)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok(Json(json!({
        "case_id": case_id,
        "accounts": keys,
        "recorded_in": case_id,
        "recorded": ["actors_linked"],
    }))
    .into_response())
}

/// `POST /api/v1/cases/{case_id}/actors/links/unlink` `{"accounts":[key,key],"reason"}`
/// (an expert or the coordinator) → `actors_unlinked` in the case of the
/// linked timeline that holds the link.
pub async fn unlink_actors(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: ActorUnlinkRequest = parse_json(&body).map_err(fail)?;
    let recorded_in = state
        .procedure()
        .unlink_actors(&case_id, request.accounts, request.reason, &staff.actor)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok(Json(json!({
        "case_id": case_id,
        "recorded_in": recorded_in,
        "recorded": ["actors_unlinked"],
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignRequest {
    entry: String,
    sign: String,
    reason: String,
    #[serde(default)]
    withdraw: bool,
}

/// `POST /api/v1/cases/{case_id}/signs` `{"entry","sign":"monitoring|offline",
/// "reason","withdraw"?}` (an expert or the coordinator) → `sign_confirmed`
/// (or `sign_withdrawn`), in the case the entry belongs to.
pub async fn sign(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: SignRequest = parse_json(&body).map_err(fail)?;
    let sign = qorgau_domain::pursuit::Sign::parse(&request.sign).ok_or_else(|| {
        fail(invalid_field(
            "sign",
            "invalid",
            Message::new("problem-field-invalid").with("field", "sign"),
        ))
    })?;
    let recorded_in = state
        .procedure()
        .confirm_sign(
            &case_id,
            &request.entry,
            sign,
            !request.withdraw,
            request.reason,
            &staff.actor,
        )
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok(Json(json!({
        "case_id": case_id,
        "recorded_in": recorded_in,
        "recorded": [if request.withdraw { "sign_withdrawn" } else { "sign_confirmed" }],
    }))
    .into_response())
}

/// The date of a block, or the field `on` is wrong.
pub fn parse_block_date(text: &str) -> Result<jiff::civil::Date, ApiError> {
    text.trim().parse().map_err(|_| {
        invalid_field(
            "on",
            "invalid",
            Message::new("problem-field-invalid").with("field", "on"),
        )
    })
}

/// `POST /api/v1/cases/{case_id}/actors/blocks`
/// `{"platform","account","on":"YYYY-MM-DD","reported":bool}` (an expert or
/// the coordinator) → `account_blocked`.
pub async fn record_block(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: BlockRequest = parse_json(&body).map_err(fail)?;
    let account = parse_account(
        &AccountInput {
            platform: request.platform,
            account: request.account,
        },
        "platform",
        "account",
    )
    .map_err(fail)?;
    let on = parse_block_date(&request.on).map_err(fail)?;
    let key = account.key.clone();
    state
        .procedure()
        .record_block(&case_id, account, on, request.reported, &staff.actor)
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({
            "case_id": case_id,
            "account": key,
            "on": on.to_string(),
            "reported": request.reported,
            "recorded": ["account_blocked"],
        })),
    )
        .into_response())
}

/// The query of a chat import.
#[derive(Debug, Deserialize)]
pub struct ChatQuery {
    pub format: String,
    /// The sender marked as the actor, as the export names them.
    pub sender: String,
    pub platform: String,
    /// The actor's account on the platform: a handle or a link.
    pub account: String,
    #[serde(default)]
    pub timezone: Option<String>,
}

/// What a query names, or the field that is wrong.
pub fn chat_upload(query: &ChatQuery, file: ChatFile) -> Result<ChatUpload, ApiError> {
    let format = ChatFormat::from_name(query.format.trim()).ok_or_else(|| {
        invalid_field(
            "format",
            "invalid",
            Message::new("problem-field-invalid").with("field", "format"),
        )
    })?;
    let platform = Platform::parse(&query.platform).map_err(|_| {
        invalid_field(
            "platform",
            "invalid",
            Message::new("problem-field-invalid").with("field", "platform"),
        )
    })?;
    let mut options = ImportOptions::default();
    if let Some(zone) = query.timezone.as_deref().filter(|zone| !zone.is_empty()) {
        options.time_zone = jiff::tz::TimeZone::get(zone).map_err(|_| {
            invalid_field(
                "timezone",
                "invalid",
                Message::new("problem-field-invalid").with("field", "timezone"),
            )
        })?;
    }
    Ok(ChatUpload {
        format,
        options,
        actor_sender: query.sender.clone(),
        platform,
        account: query.account.clone(),
        file,
    })
}

/// Sends the data of `body` to `sender` as it arrives, then ends the
/// stream (or passes on the error that cut it short). Stops when the reader
/// is gone (the import refused the file).
pub async fn pump(
    mut body: axum::body::Body,
    sender: tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
) {
    use axum::body::HttpBody;
    loop {
        let frame =
            std::future::poll_fn(|context| std::pin::Pin::new(&mut body).poll_frame(context)).await;
        let piece = match frame {
            None => return,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => Ok(data.to_vec()),
                // Trailers: no data.
                Err(_) => continue,
            },
            Some(Err(error)) => Err(std::io::Error::other(error.to_string())),
        };
        let failed = piece.is_err();
        if sender.send(piece).await.is_err() || failed {
            return;
        }
    }
}

/// A refused import as an API error: the file's or the sender's problem is a
/// 422 naming the field; a refusal of the procedure, a 409/403 as usual.
pub fn chat_error(error: ChatImportError) -> ApiError {
    if let Some((code, message)) = error.explained() {
        let field = match error {
            ChatImportError::UnknownSender { .. } => "sender",
            ChatImportError::Actor(_) => "account",
            _ => "file",
        };
        return invalid_field(field, code, message);
    }
    match error {
        ChatImportError::Service(error) => ApiError::from_service(error),
        _ => ApiError::Internal,
    }
}

/// `POST /api/v1/cases/{case_id}/chats?format=telegram|whatsapp|text&sender=…&platform=…&account=…[&timezone=…]`
/// with the export as the body (an expert or the coordinator) → what was
/// imported; the file is kept as an upload with its receipt.
pub async fn import_chat(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    Query(query): Query<ChatQuery>,
    body: axum::body::Body,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let evidence = state
        .evidence
        .clone()
        .ok_or_else(|| fail(ApiError::Internal))?;
    // The body goes to the blob store piece by piece as it arrives: an
    // export of any size up to the cap, never whole in memory.
    let (sender, reader) = ChunkReader::channel();
    let upload = chat_upload(&query, ChatFile::Reader(Box::new(reader))).map_err(fail)?;
    let procedure = state.procedure();
    let (_, imported) = tokio::join!(
        pump(body, sender),
        procedure.import_chat(&case_id, &staff.actor, upload, &evidence)
    );
    let imported = imported.map_err(|error| fail(chat_error(error)))?;
    let occasions: Vec<Value> = imported
        .occasions
        .iter()
        .map(|occasion| {
            json!({"on": occasion.on.to_string(), "messages": occasion.messages,
            "first_message": occasion.first_message, "monitoring": occasion.monitoring,
            "offline": occasion.offline})
        })
        .collect();
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({
            "case_id": case_id,
            "evidence_id": imported.evidence_id,
            "digest": imported.digest,
            "messages": imported.summary.messages,
            "skipped": imported.summary.skipped_total(),
            "actor_messages": imported.actor_messages,
            "occasions": occasions,
            "recorded": ["evidence_captured", "chat_imported"],
        })),
    )
        .into_response())
}

/// The languages a referral package is written in: Kazakh, the state
/// language, and Russian (issue 7).
fn package_language(text: Option<&str>, fallback: Language) -> Result<Language, ApiError> {
    let language = match text {
        None => fallback,
        Some("kk") => Language::Kk,
        Some("ru") => Language::Ru,
        Some(_) => {
            return Err(invalid_field(
                "language",
                "invalid",
                Message::new("problem-field-invalid").with("field", "language"),
            ));
        }
    };
    Ok(if language == Language::En {
        Language::Kk
    } else {
        language
    })
}

/// `GET /api/v1/cases/{case_id}/referral-package?lang=kk|ru` (staff) → the
/// package's content as it would be prepared now; nothing is recorded.
pub async fn referral_preview(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(case_id): Path<String>,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let package_language = package_language(None, language).map_err(fail)?;
    let (package, _) = crate::referral::build(
        &state,
        state.evidence.as_deref(),
        &case_id,
        package_language,
        state.clock.now(),
    )
    .await
    .map_err(fail)?;
    Ok(Json(package).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralRequest {
    #[serde(default)]
    language: Option<String>,
}

/// `POST /api/v1/cases/{case_id}/referral-package` `{"language":"kk|ru"}` (an
/// expert or the coordinator, after the referral) → the package is rendered,
/// kept as an upload of the case with its receipt, its PDF kept beside it,
/// and recorded (`referral_package_prepared`); the answer has its evidence
/// id, digest, the PDF's digest and the content.
pub async fn referral_prepare(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: ReferralRequest = if body.is_empty() {
        ReferralRequest { language: None }
    } else {
        parse_json(&body).map_err(fail)?
    };
    let package_language = package_language(request.language.as_deref(), language).map_err(fail)?;
    let evidence = state
        .evidence
        .clone()
        .ok_or_else(|| fail(ApiError::Internal))?;
    let (recorded, package) =
        prepare_package(&state, &evidence, &staff.actor, &case_id, package_language)
            .await
            .map_err(fail)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({
            "case_id": case_id,
            "evidence_id": recorded.evidence_id,
            "digest": recorded.digest,
            "pdf_digest": recorded.pdf_digest,
            "recorded": ["evidence_captured", "referral_package_prepared"],
            "package": package,
        })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReferralPdfQuery {
    /// The package's evidence id; the latest package when absent.
    #[serde(default)]
    pub package: Option<String>,
}

/// `GET /api/v1/cases/{case_id}/referral-package.pdf[?package={evidence_id}]`
/// (staff: experts and the coordinator, like the package itself) → the PDF
/// of a prepared package, as it was kept (verified against its recorded
/// digest); the latest one unless `package` names another.
pub async fn referral_pdf(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: Staff,
    Path(case_id): Path<String>,
    Query(query): Query<ReferralPdfQuery>,
) -> Result<Response, Problem> {
    let (evidence_id, bytes) =
        crate::referral::stored_pdf(&state, &case_id, query.package.as_deref())
            .await
            .map_err(|error| error.in_language(language))?;
    Ok(crate::referral::pdf_response(bytes, &case_id, &evidence_id))
}

/// Builds, renders (HTML and PDF), keeps and records the package; shared by
/// the API and the staff page.
pub async fn prepare_package(
    state: &AppState,
    evidence: &qorgau_app::Evidence,
    actor: &qorgau_domain::procedure::Actor,
    case_id: &str,
    language: Language,
) -> Result<
    (
        qorgau_app::linked::RecordedReferral,
        crate::referral::ReferralPackage,
    ),
    ApiError,
> {
    let now = state.clock.now();
    let (package, mut document) =
        crate::referral::build(state, Some(evidence), case_id, language, now).await?;
    let html = crate::referral::render_html(&package, language)?.into_bytes();
    // The PDF names the electronic copy it summarizes, whose receipts it
    // does not reproduce in full.
    document.electronic_copy = Some(qorgau_evidence::Sha256Digest::of(&html).to_string());
    let pdf = crate::referral::render_pdf(state, &document)?;
    let recorded = state
        .procedure()
        .record_referral_package(
            case_id,
            actor,
            qorgau_app::linked::RenderedReferral {
                language,
                document: html,
                pdf,
                linked_cases: package.linked_cases.clone(),
            },
            evidence,
        )
        .await
        .map_err(ApiError::from_service)?;
    Ok((recorded, package))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferRequest {
    authority: String,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/cases/{case_id}/referral` `{"authority","note"?}` (the
/// coordinator) → the case is referred to law enforcement; allowed after a
/// confirmed decision of cyberstalking or with criminal indicators.
pub async fn refer(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: Staff,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let fail = |error: ApiError| error.in_language(language);
    let request: ReferRequest = parse_json(&body).map_err(fail)?;
    let (events, case_state) = state
        .procedure()
        .run(
            &case_id,
            &staff.actor,
            qorgau_domain::procedure::Command::ReferToLawEnforcement {
                authority: request.authority,
                note: request.note,
            },
        )
        .await
        .map_err(|error| fail(ApiError::from_service(error)))?;
    let recorded: Vec<&str> = events.iter().map(|event| event.type_name()).collect();
    Ok(Json(json!({
        "case_id": case_id,
        "status": case_state.phase,
        "referred": case_state.referred,
        "recorded": recorded,
    }))
    .into_response())
}

/// The OpenAPI description of these routes (merged by `api/openapi.rs`).
pub fn openapi_paths() -> Value {
    let problem = |description: &str| {
        json!({"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    };
    let object = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"type": "object"}}}});
    let case_id = json!({"name": "case_id", "in": "path", "required": true,
        "description": "The case number.", "schema": {"type": "string"}});
    let lang = json!({"name": "lang", "in": "query", "required": false,
        "description": "Language of messages: kk (default), ru or en; else Accept-Language.",
        "schema": {"type": "string", "enum": ["kk", "ru", "en"]}});
    let query = |name: &str, description: &str, required: bool| {
        json!({"name": name, "in": "query", "required": required, "description": description,
            "schema": {"type": "string"}})
    };
    // Apart, so that the document's macro stays within the recursion limit.
    let entry_item = json!({"type": "object", "properties": {
                            "reference": {"type": "string"}, "case_id": {"type": "string"},
                            "at": {"type": "string", "format": "date-time"}, "account": {"type": ["string", "null"], "description": "Null for an incident that names no account: it counts towards no person."},
                            "person": {"type": ["string", "null"], "description": "The person the account is: the first key of its linked accounts, or the account itself; null without an account."},
                            "platform": {"type": "string"}, "channel": {"type": "string"},
                            "source": {"type": "string", "enum": ["incident", "chat", "block"]},
                            "reported": {"type": "boolean", "description": "For a block: reported to the platform."},
                            "monitoring": {"type": "boolean", "description": "Confirmed by an expert (`sign_confirmed`)."}, "offline": {"type": "boolean", "description": "Confirmed by an expert (`sign_confirmed`)."},
                            "unconfirmed": {"type": "array", "items": {"type": "string", "enum": ["monitoring", "offline"]}, "description": "Signs the lexicons propose that no expert confirmed: never counted."}}});
    let suggestion_item = json!({"type": "object", "properties": {
        "category": {"type": "string"}, "person": {"type": "string"},
        "accounts": {"type": "array", "items": {"type": "string"}},
        "platforms": {"type": "array", "items": {"type": "string"}},
        "first_contact": {"type": "string", "format": "date-time"},
        "last_contact": {"type": "string", "format": "date-time"},
        "indicators": {"type": "array", "items": {"type": "string"}},
        "rests_on": {"type": "array", "items": {"type": "string"}},
        "explanation": {"type": "string"}}});
    let mut paths = json!({
        "/api/v1/cases/{case_id}/timeline": {"get": {
            "summary": "The linked timeline of the case's child: links, incidents and imported chats across linked cases, the pursuit indicators and the suggestion (staff)",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "responses": {
                "200": {"description": "The timeline.", "content": {"application/json": {"schema": {"type": "object",
                    "required": ["case_id", "cases", "links", "entries", "indicators", "suggestion"],
                    "properties": {
                        "case_id": {"type": "string"},
                        "cases": {"type": "array", "items": {"type": "string"}, "description": "This case, then the linked cases about the same child."},
                        "links": {"type": "array", "items": {"type": "object", "properties": {
                            "case_id": {"type": "string"}, "recorded_in": {"type": "string"},
                            "basis": {"type": "string", "enum": ["same_actor", "same_child", "same_resource"]},
                            "actor_key": {"type": ["string", "null"]},
                            "child_match": {"type": ["string", "null"], "enum": ["iin", "name_birth_date", null]},
                            "resource_key": {"type": ["string", "null"], "description": "For an automatic link: a resource both cases name."},
                            "automatic": {"type": "boolean"}, "active": {"type": "boolean"},
                            "by": {"type": "string"}, "reason": {"type": ["string", "null"]},
                            "linked_at": {"type": "string", "format": "date-time"}}}},
                        "actor_links": {"type": "array", "description": "Accounts recorded as one person in the timeline's cases.", "items": {"type": "object", "properties": {
                            "accounts": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                            "recorded_in": {"type": "string"}, "active": {"type": "boolean"},
                            "by": {"type": "string"}, "reason": {"type": "string"},
                            "linked_at": {"type": "string", "format": "date-time"}}}},
                        "entries": {"type": "array", "items": entry_item},
                        "indicators": {"type": "array", "items": {"type": "object", "properties": {
                            "indicator": {"type": "string", "enum": ["repeated_contact", "cross_channel", "new_accounts_after_block", "monitoring", "offline_spill"]},
                            "person": {"type": "string", "description": "The person whose entries the indicator counted."},
                            "name": {"type": "string"}, "measured": {"type": "integer"}, "threshold": {"type": "integer"},
                            "rests_on": {"type": "array", "items": {"type": "string"}}, "explanation": {"type": "string"}}}},
                        "suggestion": {"type": ["object", "null"], "description": "The strongest of `suggestions`."},
                        "suggestions": {"type": "array", "description": "Cyberstalking suggested for one person each: most indicators first.", "items": suggestion_item}}}}}},
                "401": problem("Not signed in as staff."),
                "404": problem("No such case.")
            }
        }},
        "/api/v1/cases/{case_id}/links": {"post": {
            "summary": "Link the case to another (an expert or the coordinator); recorded in the later case",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["other_case_id", "basis", "reason"], "properties": {
                    "other_case_id": {"type": "string"}, "basis": {"type": "string", "enum": ["same_actor", "same_child", "same_resource"]},
                    "actor_key": {"type": "string"}, "reason": {"type": "string"}}}}}},
            "responses": {"200": object("Recorded (`recorded_in` names the case whose record holds it)."),
                "401": problem("Not signed in as staff."), "403": problem("Not an expert or the coordinator."),
                "404": problem("No such case."), "409": problem("Already linked, the same case, or no reason."),
                "422": problem("Invalid fields.")}
        }},
        "/api/v1/cases/{case_id}/links/{other_case_id}/unlink": {"post": {
            "summary": "Undo a link, with a reason (an expert or the coordinator)",
            "security": [{"staffToken": []}],
            "parameters": [case_id, {"name": "other_case_id", "in": "path", "required": true, "schema": {"type": "string"}}, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": object("Recorded."), "401": problem("Not signed in as staff."),
                "404": problem("No such case."), "409": problem("Not linked, or no reason.")}
        }},
        "/api/v1/cases/{case_id}/actors/links": {"post": {
            "summary": "Record that two actor accounts are one person, with a reason (an expert or the coordinator): `actors_linked` in this case",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["accounts", "reason"], "properties": {
                    "accounts": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "object",
                        "required": ["platform", "account"], "properties": {
                            "platform": {"type": "string"}, "account": {"type": "string", "description": "A handle or a link."}}}},
                    "reason": {"type": "string"}}}}}},
            "responses": {"200": object("Recorded: the two normalized account keys."),
                "401": problem("Not signed in as staff."), "403": problem("Not an expert or the coordinator."),
                "404": problem("No such case."), "409": problem("Already one person, the same account twice, or no reason."),
                "422": problem("A platform or an account is not valid.")}
        }},
        "/api/v1/cases/{case_id}/actors/links/unlink": {"post": {
            "summary": "Undo a link of two accounts, with a reason (an expert or the coordinator); recorded in the case of the linked timeline that holds it",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["accounts", "reason"], "properties": {
                    "accounts": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}, "description": "The account keys, as `actor_links` lists them."},
                    "reason": {"type": "string"}}}}}},
            "responses": {"200": object("Recorded (`recorded_in` names the case whose record holds it)."),
                "401": problem("Not signed in as staff."), "403": problem("Not an expert or the coordinator."),
                "404": problem("No such case."), "409": problem("Not linked, or no reason.")}
        }},
        "/api/v1/cases/{case_id}/actors/blocks": {"post": {
            "summary": "Record that the child (or a parent) blocked or reported an account on a date (an expert or the coordinator): `account_blocked`",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["platform", "account", "on"], "properties": {
                    "platform": {"type": "string"}, "account": {"type": "string", "description": "A handle or a link."},
                    "on": {"type": "string", "format": "date", "description": "The Almaty date of the block or report."},
                    "reported": {"type": "boolean", "description": "Reported to the platform, not only blocked (default false)."}}}}}},
            "responses": {"201": object("Recorded."),
                "401": problem("Not signed in as staff."), "403": problem("Not an expert or the coordinator."),
                "404": problem("No such case."), "409": problem("A date after today, or already recorded."),
                "422": problem("A platform, an account or a date is not valid.")}
        }},
        "/api/v1/cases/{case_id}/chats": {"post": {
            "summary": "Import a chat export into the case (an expert or the coordinator): kept as an upload with its receipt, summarized as `chat_imported`",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang,
                query("format", "telegram, whatsapp or text", true),
                query("sender", "The sender who is the actor, as the export names them (or a Telegram from_id).", true),
                query("platform", "The actor's platform.", true),
                query("account", "The actor's account there: a handle or a link.", true),
                query("timezone", "The zone of times written without one (default Asia/Almaty).", false)],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
            "responses": {"201": object("Imported: messages read, the actor's messages, the days."),
                "401": problem("Not signed in as staff."), "404": problem("No such case."),
                "413": {"description": "Larger than the body limit (2 GiB)."},
                "422": problem("The export could not be read whole, the sender is not in it, or the account is not one.")}
        }},
        "/api/v1/cases/{case_id}/referral": {"post": {
            "summary": "Refer the case to law enforcement (the coordinator; after a confirmed decision of cyberstalking or with criminal indicators)",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["authority"], "properties": {"authority": {"type": "string"}, "note": {"type": "string"}}}}}},
            "responses": {"200": object("Recorded."), "401": problem("Not signed in as staff."),
                "403": problem("Not the coordinator."), "409": problem("Not warranted, or already referred.")}
        }},
        "/api/v1/cases/{case_id}/referral-package": {
            "get": {
                "summary": "The referral package's content as it would be prepared now (staff); nothing is recorded",
                "security": [{"staffToken": []}],
                "parameters": [case_id, lang],
                "responses": {"200": object("The package: facts, evidence with digests and receipts, the linked timeline, the indicators."),
                    "401": problem("Not signed in as staff."), "404": problem("No such case.")}
            },
            "post": {
                "summary": "Prepare the referral package in Kazakh or Russian (an expert or the coordinator, after the referral): kept as an upload with its receipt and recorded",
                "security": [{"staffToken": []}],
                "parameters": [case_id, lang],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"language": {"type": "string", "enum": ["kk", "ru"]}}}}}},
                "responses": {"201": object("Recorded: the document's evidence id and digest, the PDF's digest (`pdf_digest`), and the package."),
                    "401": problem("Not signed in as staff."), "404": problem("No such case."),
                    "409": problem("The case has not been referred."), "422": problem("Invalid language.")}
            }
        },
        "/api/v1/cases/{case_id}/referral-package.pdf": {"get": {
            "summary": "A prepared referral package as a PDF, in its language (staff): the latest, or the one `package` names; verified against the digest its `referral_package_prepared` recorded",
            "security": [{"staffToken": []}],
            "parameters": [case_id, lang,
                query("package", "The package's evidence id (the `evidence_id` its preparation answered); the latest package when absent.", false)],
            "responses": {"200": {"description": "The PDF.", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                "401": problem("Not signed in as staff."),
                "404": problem("No such case, no package prepared with a PDF, or no such package.")}
        }}
    });
    // Apart, so that the macro above stays within the recursion limit.
    paths["/api/v1/cases/{case_id}/signs"] = json!({"post": {
        "summary": "Confirm (or withdraw) that a contact entry of the linked timeline shows monitoring or offline pursuit, with a reason (an expert or the coordinator): `sign_confirmed` / `sign_withdrawn`, recorded in the entry's case",
        "security": [{"staffToken": []}],
        "parameters": [case_id, lang],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
            "required": ["entry", "sign", "reason"], "properties": {
                "entry": {"type": "string", "description": "The entry's `reference` in the timeline."},
                "sign": {"type": "string", "enum": ["monitoring", "offline"]},
                "reason": {"type": "string"},
                "withdraw": {"type": "boolean", "description": "Withdraw a confirmed sign instead (default false)."}}}}}},
        "responses": {"200": object("Recorded: the case that holds it."),
            "401": problem("Not signed in as staff."), "403": problem("Not an expert or the coordinator."),
            "404": problem("No such case."),
            "409": problem("No reason, an entry that is no contact entry of the timeline, or already confirmed (not confirmed, to withdraw)."),
            "422": problem("The sign is not monitoring or offline.")}
    }});
    paths["/api/v1/actors/{key}"] = json!({"get": {
        "summary": "An account as a record of its own (staff): the cases that name it, by number, receipt, status and how it figures (never the child), and the accounts linked to it as one person in any case",
        "security": [{"staffToken": []}],
        "parameters": [
            {"name": "key", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The account's normalized key (`telegram:account:123456789`), as the timeline's `account` gives it; `/` in a key is sent as `%2F`."},
            lang
        ],
        "responses": {
            "200": {"description": "The account's record.", "content": {"application/json": {"schema": {"type": "object",
                "required": ["key", "person", "cases", "links"],
                "properties": {
                    "key": {"type": "string"},
                    "person": {"type": "array", "items": {"type": "string"}, "description": "Every account of the person it is, itself included."},
                    "cases": {"type": "array", "description": "The cases that name it (an incident's actor or an imported chat's marked sender), the most recent first, at most 200.", "items": {"type": "object", "properties": {
                        "case_id": {"type": "string"}, "received_at": {"type": "string", "format": "date-time"},
                        "phase": {"type": "string"}, "status_text": {"type": "string"},
                        "roles": {"type": "array", "items": {"type": "string", "enum": ["incident", "chat", "blocked"]}},
                        "timeline": {"type": "string", "description": "The case's linked timeline."}}}},
                    "links": {"type": "array", "description": "Its person-links in any case, active or undone.", "items": {"type": "object", "properties": {
                        "accounts": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                        "recorded_in": {"type": "string"}, "active": {"type": "boolean"},
                        "by": {"type": "string"}, "reason": {"type": "string"},
                        "linked_at": {"type": "string", "format": "date-time"}}}}}}}}},
            "401": problem("Not signed in as staff."),
            "404": problem("No case names the account and no link ever did.")
        }
    }});
    paths
}
