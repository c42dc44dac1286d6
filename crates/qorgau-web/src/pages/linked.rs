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
use qorgau_app::linked::{
    ChatExcerpt, ChatFile, ChunkReader, LinkedTimeline, SHOWN_CHAT_MESSAGES, ShownMessage,
};
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::linking::{EntrySource, LinkBasis, block_message};
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::pursuit::{EntryKind, Sign, Suggestion};

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
    /// The account's page (`/staff/actors/{key}`), when the entry names one.
    pub account_page: Option<String>,
    pub what: String,
    /// Signs experts confirmed on the entry.
    pub flags: String,
    /// Signs the lexicons propose that nobody confirmed (never counted).
    pub unconfirmed: String,
    /// The entry's reference, for the sign form.
    pub reference: String,
    pub contact: bool,
}

/// A piece of a message: plain, or a lexicon match with the entry that
/// caused it (`threats/ru-ubyu`).
pub struct SegmentView {
    pub text: String,
    pub source: Option<String>,
}

/// One of the actor's messages read back from the stored export.
pub struct MessageView {
    pub position: u64,
    /// Almaty time (`deadline::format_almaty`).
    pub at: String,
    pub sender: String,
    pub segments: Vec<SegmentView>,
    pub attachments: String,
}

/// An imported chat's marked actor and their messages, as shown.
pub struct ChatView {
    pub case_id: String,
    pub evidence_id: String,
    pub heading: String,
    pub messages: Vec<MessageView>,
    /// "50 of 1200 shown", when some are not.
    pub more: Option<String>,
}

/// An entry a suggestion rests on, with its text: an incident's
/// description, or the actor's messages of a chat day.
pub struct EvidenceView {
    pub date: String,
    pub case_id: String,
    pub platform: &'static str,
    pub account: String,
    pub what: String,
    pub messages: Vec<MessageView>,
    pub more: Option<String>,
}

/// One person's suggestion with what shows it.
pub struct SuggestionView {
    pub text: String,
    pub indicators: Vec<IndicatorView>,
    pub evidence: Vec<EvidenceView>,
}

/// A confirmed (or withdrawn) sign, as listed.
pub struct SignView {
    pub description: String,
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
    /// Each person of whom cyberstalking is suggested, strongest first, with
    /// the entries it rests on and their text — so the expert sees the
    /// pursuit without searching.
    pub suggestions: Vec<SuggestionView>,
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
    suggestions: Vec<SuggestionView>,
    signs: Vec<SignView>,
    chats: Vec<ChatView>,
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
                LinkBasis::SameResource => "linked-basis-same_resource",
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
            if let Some(key) = link.resource_key.as_ref().filter(|key| {
                // Named once: an actor's account may also be the resource.
                link.actor_key.as_ref() != Some(*key)
            }) {
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

fn sign_name(tr: Tr, sign: Sign) -> String {
    tr.t(match sign {
        Sign::Monitoring => "linked-sign-monitoring",
        Sign::Offline => "linked-sign-offline",
    })
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
            let account = match item.entry.account.as_deref() {
                // An incident that names no account: its resource, for reading.
                None => item.entry.channel.clone(),
                Some(account) => {
                    let person = timeline.persons.person_of(account);
                    if person == account {
                        account.to_owned()
                    } else {
                        format!(
                            "{account} ({})",
                            tr.t_with("linked-entry-person", "person", person)
                        )
                    }
                }
            };
            let mut flags = Vec::new();
            let mut contact = false;
            if let EntryKind::Contact(flags_of_entry) = item.entry.kind {
                contact = true;
                for sign in Sign::ALL {
                    if sign.of(&flags_of_entry) {
                        flags.push(sign_name(tr, sign));
                    }
                }
            }
            let unconfirmed: Vec<String> = item
                .unconfirmed
                .iter()
                .map(|sign| sign_name(tr, *sign))
                .collect();
            EntryView {
                date: almaty_date(item.entry.at).to_string(),
                case_id: item.case_id.clone(),
                account_page: item.entry.account.as_deref().map(actor_path),
                account,
                what,
                flags: if flags.is_empty() {
                    String::new()
                } else {
                    tr.t_with("linked-sign-confirmed", "signs", flags.join(", "))
                },
                unconfirmed: if unconfirmed.is_empty() {
                    String::new()
                } else {
                    tr.t_with("linked-sign-unconfirmed", "signs", unconfirmed.join(", "))
                },
                reference: item.entry.reference.clone(),
                contact,
            }
        })
        .collect()
}

fn indicator_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<IndicatorView> {
    indicators_of(tr, timeline, None)
}

/// The findings (of `person` only, when given) as shown.
fn indicators_of(tr: Tr, timeline: &LinkedTimeline, person: Option<&str>) -> Vec<IndicatorView> {
    timeline
        .assessment
        .findings
        .iter()
        .filter(|finding| person.is_none_or(|person| finding.person == person))
        .map(|finding| IndicatorView {
            name: format!(
                "{} — {}",
                tr.t(finding.indicator.message_id()),
                finding.person
            ),
            explanation: tr.say(&finding.explain(&timeline.thresholds)),
            rests_on: tr.t_with("linked-rests-on", "entries", finding.rests_on.join("; ")),
        })
        .collect()
}

fn sign_views(tr: Tr, timeline: &LinkedTimeline) -> Vec<SignView> {
    timeline
        .signs
        .iter()
        .map(|(_, record)| {
            let message = if record.active {
                Message::new("linked-sign-record")
                    .with("by", record.by.as_str())
                    .with("reason", record.reason.as_str())
            } else {
                Message::new("linked-sign-withdrawn")
                    .with("by", record.withdrawn_by.clone().unwrap_or_default())
                    .with("reason", record.withdraw_reason.clone().unwrap_or_default())
            };
            SignView {
                description: tr.say(
                    &message
                        .with("sign", sign_name(tr, record.sign))
                        .with("entry", record.entry.as_str()),
                ),
            }
        })
        .collect()
}

/// A message as shown: its text cut around the lexicon matches (each named
/// by its entry), its attachments as markers, its time in Almaty.
fn message_view(tr: Tr, message: &ShownMessage) -> MessageView {
    let mut matches: Vec<&qorgau_chat::signals::SignalMatch> = message.signals.iter().collect();
    matches.sort_by_key(|found| (found.start, std::cmp::Reverse(found.end)));
    let mut segments = Vec::new();
    let mut done = 0;
    for found in matches {
        // Overlapping matches: the first (longest) one is highlighted.
        if found.start < done || found.end <= found.start {
            continue;
        }
        let (Some(before), Some(matched)) = (
            message.text.get(done..found.start),
            message.text.get(found.start..found.end),
        ) else {
            continue;
        };
        if !before.is_empty() {
            segments.push(SegmentView {
                text: before.to_owned(),
                source: None,
            });
        }
        segments.push(SegmentView {
            text: matched.to_owned(),
            source: Some(found.source()),
        });
        done = found.end;
    }
    if let Some(rest) = message.text.get(done..).filter(|rest| !rest.is_empty()) {
        segments.push(SegmentView {
            text: rest.to_owned(),
            source: None,
        });
    }
    MessageView {
        position: message.position,
        at: message
            .at
            .map_or_else(String::new, qorgau_domain::deadline::format_almaty),
        sender: message.sender.clone(),
        segments,
        attachments: message
            .attachments
            .iter()
            .map(|kind| {
                let name = serde_json::to_value(kind)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default();
                tr.t_with("linked-attachment", "kind", name)
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// "Shown: 50 of 1200 messages of the actor; the rest are in the stored file."
fn more_of(tr: Tr, excerpt: &ChatExcerpt) -> Option<String> {
    let shown = excerpt.messages.len() as u64;
    (excerpt.actor_messages > shown).then(|| {
        tr.say(
            &Message::new("linked-chat-more")
                .with("shown", i64::try_from(shown).unwrap_or(i64::MAX))
                .with(
                    "total",
                    i64::try_from(excerpt.actor_messages).unwrap_or(i64::MAX),
                ),
        )
    })
}

/// The imported chats of the timeline's cases: each marked actor's
/// messages, the first [`SHOWN_CHAT_MESSAGES`], read back from the stored,
/// verified file. A chat that cannot be read says so instead.
async fn chat_views(state: &AppState, tr: Tr, timeline: &LinkedTimeline) -> Vec<ChatView> {
    let mut chats: Vec<(String, String)> = Vec::new();
    for item in &timeline.entries {
        if let EntrySource::Chat { evidence_id, .. } = &item.source {
            let key = (item.case_id.clone(), evidence_id.clone());
            if !chats.contains(&key) {
                chats.push(key);
            }
        }
    }
    let Some(evidence) = state.evidence.as_ref() else {
        return Vec::new();
    };
    let mut views = Vec::new();
    for (case_id, evidence_id) in chats {
        let excerpt = state
            .procedure()
            .chat_excerpt(&case_id, &evidence_id, None, SHOWN_CHAT_MESSAGES, evidence)
            .await;
        views.push(match excerpt {
            Ok(excerpt) => ChatView {
                heading: tr.say(
                    &Message::new("linked-chat-heading")
                        .with("sender", excerpt.actor_sender.as_str())
                        .with("account", excerpt.actor_key.as_str())
                        .with("platform", excerpt.platform.display_name())
                        .with(
                            "messages",
                            i64::try_from(excerpt.actor_messages).unwrap_or(i64::MAX),
                        ),
                ),
                messages: excerpt
                    .messages
                    .iter()
                    .map(|message| message_view(tr, message))
                    .collect(),
                more: more_of(tr, &excerpt),
                case_id,
                evidence_id,
            },
            Err(_) => ChatView {
                heading: tr.t_with("linked-chat-unreadable", "evidence", &evidence_id),
                messages: Vec::new(),
                more: None,
                case_id,
                evidence_id,
            },
        });
    }
    views
}

/// Each suggestion with the entries it rests on and their text; a chat
/// day's entry carries the actor's messages of that day, read back from the
/// stored file (one read per chat).
async fn suggestion_views(
    state: &AppState,
    tr: Tr,
    timeline: &LinkedTimeline,
) -> Vec<SuggestionView> {
    let mut views = Vec::new();
    for suggestion in &timeline.assessment.suggestions {
        views.push(SuggestionView {
            text: tr.say(&suggestion.explain()),
            indicators: indicators_of(tr, timeline, Some(&suggestion.person)),
            evidence: evidence_views(state, tr, timeline, suggestion).await,
        });
    }
    views
}

async fn evidence_views(
    state: &AppState,
    tr: Tr,
    timeline: &LinkedTimeline,
    suggestion: &Suggestion,
) -> Vec<EvidenceView> {
    let items: Vec<&qorgau_domain::linking::CaseTimelineEntry> = timeline
        .entries
        .iter()
        .filter(|item| suggestion.rests_on.contains(&item.entry.reference))
        .collect();
    // The chat days each chat contributes, read in one pass per chat.
    let mut days_of_chat: Vec<((String, String), Vec<jiff::civil::Date>)> = Vec::new();
    for item in &items {
        if let EntrySource::Chat { evidence_id, .. } = &item.source {
            let key = (item.case_id.clone(), evidence_id.clone());
            let day = almaty_date(item.entry.at);
            match days_of_chat.iter_mut().find(|(chat, _)| *chat == key) {
                Some((_, days)) => days.push(day),
                None => days_of_chat.push((key, vec![day])),
            }
        }
    }
    let mut excerpts: Vec<((String, String), ChatExcerpt)> = Vec::new();
    if let Some(evidence) = state.evidence.as_ref() {
        for ((case_id, evidence_id), days) in days_of_chat {
            if let Ok(excerpt) = state
                .procedure()
                .chat_excerpt(
                    &case_id,
                    &evidence_id,
                    Some(&days),
                    SHOWN_CHAT_MESSAGES,
                    evidence,
                )
                .await
            {
                excerpts.push(((case_id, evidence_id), excerpt));
            }
        }
    }
    items
        .into_iter()
        .map(|item| {
            let day = almaty_date(item.entry.at);
            let (what, messages, more) = match &item.source {
                EntrySource::Incident {
                    index, description, ..
                } => (
                    format!(
                        "{}: {description}",
                        tr.t_with("linked-entry-incident", "index", index)
                    ),
                    Vec::new(),
                    None,
                ),
                EntrySource::Chat {
                    evidence_id,
                    messages,
                    first_message,
                    ..
                } => {
                    let excerpt = excerpts.iter().find(|((case_id, chat), _)| {
                        *case_id == item.case_id && chat == evidence_id
                    });
                    let shown: Vec<MessageView> = excerpt
                        .map(|(_, excerpt)| {
                            excerpt
                                .messages
                                .iter()
                                .filter(|message| {
                                    message.at.is_some_and(|at| almaty_date(at) == day)
                                })
                                .map(|message| message_view(tr, message))
                                .collect()
                        })
                        .unwrap_or_default();
                    (
                        tr.say(
                            &Message::new("linked-entry-chat")
                                .with("messages", i64::from(*messages))
                                .with("first", i64::try_from(*first_message).unwrap_or(i64::MAX)),
                        ),
                        shown,
                        excerpt.and_then(|(_, excerpt)| more_of(tr, excerpt)),
                    )
                }
                EntrySource::Block { reported, by, .. } => {
                    (tr.say(&block_message(*reported, by)), Vec::new(), None)
                }
            };
            EvidenceView {
                date: day.to_string(),
                case_id: item.case_id.clone(),
                platform: item.entry.platform.display_name(),
                account: item.entry.account.clone().unwrap_or_default(),
                what,
                messages,
                more,
            }
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
        suggestions: suggestion_views(state, tr, &timeline).await,
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
            suggestions: suggestion_views(state, tr, &timeline).await,
            signs: sign_views(tr, &timeline),
            chats: chat_views(state, tr, &timeline).await,
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
    let too_large = || {
        Message::new("linking-chat-too-large").with(
            "megabytes",
            (qorgau_app::linked::MAX_CHAT_IMPORT_BYTES / (1024 * 1024)) as i64,
        )
    };
    // The form sends the typed fields first and the file last (the
    // template's order); the file is streamed to the blob store as it
    // arrives, never whole in memory.
    let mut values = HashMap::new();
    let mut field = loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return StatusCode::BAD_REQUEST.into_response(),
            Err(_) => return after(&state, language, &staff, &case_id, Err(too_large())).await,
        };
        if field.name() == Some("file") {
            break field;
        }
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(text) = field.text().await else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        values.insert(name, text);
    };
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
    let (sender, reader) = ChunkReader::channel();
    let upload = match chat_upload(&query, ChatFile::Reader(Box::new(reader))) {
        Ok(upload) => upload,
        Err(error) => {
            return after(&state, language, &staff, &case_id, Err(api_message(error))).await;
        }
    };
    let Some(evidence) = state.evidence.clone() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let feed = async move {
        loop {
            let piece = match field.chunk().await {
                Ok(Some(chunk)) => Ok(chunk.to_vec()),
                Ok(None) => return,
                Err(error) => Err(std::io::Error::other(error.to_string())),
            };
            let failed = piece.is_err();
            if sender.send(piece).await.is_err() || failed {
                return;
            }
        }
    };
    let procedure = state.procedure();
    let (_, imported) = tokio::join!(
        feed,
        procedure.import_chat(&case_id, staff.actor(), upload, &evidence)
    );
    let result = imported
        .map(drop)
        .map_err(|error| api_message(chat_error(error)));
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

/// Confirm or withdraw a sign on an entry of the timeline: `csrf`, `entry`
/// (its reference), `sign` (`monitoring` | `offline`), `reason`, `action`
/// (`confirm` | `withdraw`). Recorded in the case the entry belongs to.
pub async fn sign(
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
    let result = match Sign::parse(&value("sign")) {
        Some(sign) => state
            .procedure()
            .confirm_sign(
                &case_id,
                &value("entry"),
                sign,
                value("action") != "withdraw",
                value("reason"),
                staff.actor(),
            )
            .await
            .map(drop)
            .map_err(service_message),
        None => Err(Message::new("problem-field-invalid").with("field", "sign")),
    };
    after(&state, language, &staff, &case_id, result).await
}

/// The path of an account's page: the key as one path segment (a key may
/// hold `/`, as `telegram:channel:c/123` does).
pub fn actor_path(key: &str) -> String {
    let mut encoded = String::new();
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:@".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("/staff/actors/{encoded}")
}

/// A case that names the account, as the actor page lists it.
struct ActorCaseView {
    case_id: String,
    received: String,
    status: String,
    roles: String,
}

#[derive(Template)]
#[template(path = "staff_actor.html")]
struct ActorPage {
    tr: Tr,
    path: String,
    key: String,
    /// The other accounts of the same person, with their pages.
    person: Vec<(String, String)>,
    cases: Vec<ActorCaseView>,
    links: Vec<String>,
}

/// `/staff/actors/{key}` (staff): every case that names the account, by
/// number, receipt, status and how it figures in it (never the child), with
/// a link to each case's linked timeline; the accounts linked to it as one
/// person, with the reason, who linked them and where.
pub async fn actor(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    _staff: StaffPage,
    Path(key): Path<String>,
) -> Response {
    let tr = Tr { language };
    let record = match state.procedure().actor_record(&key).await {
        Ok(Some(record)) => record,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let cases = record
        .cases
        .iter()
        .map(|case| ActorCaseView {
            case_id: case.case_id.clone(),
            received: almaty_date(case.received_at).to_string(),
            status: tr.say(&Message::new("phase-name").with("phase", case.phase.as_str())),
            roles: case
                .roles
                .iter()
                .map(|role| tr.say(&Message::new("actor-role").with("role", role.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let links = record
        .links
        .iter()
        .map(|row| {
            let link = &row.link;
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
            tr.say(
                &message
                    .with("first", link.accounts[0].as_str())
                    .with("second", link.accounts[1].as_str()),
            )
        })
        .collect();
    let person = record
        .person
        .iter()
        .filter(|account| **account != record.key)
        .map(|account| (account.clone(), actor_path(account)))
        .collect();
    page(
        &ActorPage {
            tr,
            path: actor_path(&record.key),
            key: record.key.clone(),
            person,
            cases,
            links,
        },
        StatusCode::OK,
    )
}
