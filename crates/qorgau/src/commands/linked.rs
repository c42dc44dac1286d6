//! `qorgau case link | unlink | timeline | import-chat` (issue 7): links
//! between cases, the linked timeline of the child with its pursuit
//! indicators, and a chat export kept as evidence of a case
//! (docs/chat-import.md, "Into a case").

use std::fmt::Write;
use std::path::PathBuf;

use qorgau_app::Procedure;
use qorgau_app::linked::{ChatImportError, ChatUpload, LinkedTimeline};
use qorgau_chat::{ChatFormat, ImportOptions};
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::linking::{EntrySource, LinkBasis, block_message};
use qorgau_domain::message::Message;
use qorgau_domain::validation::resource::Platform;
use qorgau_i18n::Localizer;
use qorgau_store::AnyStore;
use serde_json::json;

use crate::Session;
use crate::error::{AppError, exit};

/// The basis of a link, as the command line spells it.
pub fn parse_basis(text: &str) -> Result<LinkBasis, String> {
    LinkBasis::parse(text).ok_or_else(|| format!("`{text}` is not same-actor or same-child"))
}

pub fn parse_format(text: &str) -> Result<ChatFormat, String> {
    ChatFormat::from_name(text).ok_or_else(|| format!("`{text}` is not telegram, whatsapp or text"))
}

pub fn parse_platform(text: &str) -> Result<Platform, String> {
    Platform::parse(text).map_err(|_| format!("`{text}` is not a known platform"))
}

pub async fn link(
    session: &Session,
    procedure: &Procedure<'_, AnyStore>,
    case_id: &str,
    other_case_id: &str,
    basis: LinkBasis,
    actor_key: Option<String>,
    reason: String,
) -> Result<u8, AppError> {
    let actor = session.actor(procedure.store).await?;
    let recorded_in = procedure
        .link_cases(case_id, other_case_id, basis, actor_key, reason, &actor)
        .await?;
    println!("{recorded_in}: cases_linked");
    Ok(exit::OK)
}

pub async fn unlink(
    session: &Session,
    procedure: &Procedure<'_, AnyStore>,
    case_id: &str,
    other_case_id: &str,
    reason: String,
) -> Result<u8, AppError> {
    let actor = session.actor(procedure.store).await?;
    let recorded_in = procedure
        .unlink_cases(case_id, other_case_id, reason, &actor)
        .await?;
    println!("{recorded_in}: cases_unlinked");
    Ok(exit::OK)
}

pub async fn timeline(
    session: &Session,
    procedure: &Procedure<'_, AnyStore>,
    case_id: &str,
    as_json: bool,
) -> Result<u8, AppError> {
    let timeline = procedure.linked_timeline(case_id).await?;
    if as_json {
        println!("{}", timeline_json(&timeline));
    } else {
        print!("{}", timeline_text(session, &timeline));
    }
    Ok(exit::OK)
}

fn timeline_json(timeline: &LinkedTimeline) -> serde_json::Value {
    json!({
        "case_id": timeline.case_id,
        "cases": timeline.cases,
        "links": timeline.links.iter().map(|row| json!({
            "case_id": row.other_case_id,
            "recorded_in": row.recorded_in,
            "basis": row.link.basis.as_str(),
            "automatic": row.link.automatic,
            "active": row.link.active,
            "by": row.link.by,
        })).collect::<Vec<_>>(),
        "entries": timeline.entries.iter().map(|item| json!({
            "reference": item.entry.reference,
            "case_id": item.case_id,
            "at": rfc3339_almaty(item.entry.at),
            "account": item.entry.account,
            "platform": item.entry.platform,
        })).collect::<Vec<_>>(),
        "indicators": timeline.assessment.findings.iter().map(|finding| json!({
            "indicator": finding.indicator.as_str(),
            "person": finding.person,
            "measured": finding.measured,
            "threshold": finding.threshold,
            "rests_on": finding.rests_on,
        })).collect::<Vec<_>>(),
        "suggestion": timeline.assessment.suggestion().map(|suggestion| suggestion.category),
        "suggestions": timeline.assessment.suggestions.iter().map(|suggestion| json!({
            "category": suggestion.category,
            "person": suggestion.person,
            "accounts": suggestion.accounts,
            "platforms": suggestion.platforms,
            "first_contact": rfc3339_almaty(suggestion.first_contact),
            "last_contact": rfc3339_almaty(suggestion.last_contact),
            "indicators": suggestion.indicators.iter().map(|indicator| indicator.as_str()).collect::<Vec<_>>(),
            "rests_on": suggestion.rests_on,
        })).collect::<Vec<_>>(),
    })
}

fn timeline_text(session: &Session, timeline: &LinkedTimeline) -> String {
    let localizer = Localizer::embedded();
    let language = session.language;
    let text = |message: Message| localizer.render(language, &message);
    let mut out = String::new();
    let _ = writeln!(out, "{}", text(Message::new("linked-heading")));
    if timeline.links.is_empty() {
        let _ = writeln!(out, "  {}", text(Message::new("linked-none")));
    }
    for row in &timeline.links {
        let basis = text(Message::new(match row.link.basis {
            LinkBasis::SameActor => "linked-basis-same_actor",
            LinkBasis::SameResource => "linked-basis-same_resource",
            LinkBasis::SameChild => "linked-basis-same_child",
        }));
        let by = if row.link.automatic {
            text(Message::new("linked-automatic"))
        } else {
            text(Message::new("linked-by").with("by", row.link.by.as_str()))
        };
        let _ = write!(out, "  {} — {basis}, {by}", row.other_case_id);
        if !row.link.active {
            let _ = write!(
                out,
                "; {}",
                text(
                    Message::new("linked-unlinked")
                        .with("by", row.link.unlinked_by.clone().unwrap_or_default())
                        .with("reason", row.link.unlink_reason.clone().unwrap_or_default())
                )
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\n{}",
        text(Message::new("linked-timeline-heading").with("cases", timeline.cases.len() as i64))
    );
    for item in &timeline.entries {
        let what = match &item.source {
            EntrySource::Incident { index, .. } => {
                text(Message::new("linked-entry-incident").with("index", *index as i64))
            }
            EntrySource::Chat {
                messages,
                first_message,
                ..
            } => text(
                Message::new("linked-entry-chat")
                    .with("messages", i64::from(*messages))
                    .with("first", i64::try_from(*first_message).unwrap_or(i64::MAX)),
            ),
            EntrySource::Block { reported, by, .. } => text(block_message(*reported, by)),
        };
        let _ = writeln!(
            out,
            "  {}  {}  {}  {what}",
            qorgau_domain::deadline::almaty_date(item.entry.at),
            item.case_id,
            // An incident naming no account: its resource.
            item.entry
                .account
                .as_deref()
                .unwrap_or(item.entry.channel.as_str())
        );
    }
    let _ = writeln!(out, "\n{}", text(Message::new("linked-indicators-heading")));
    if timeline.assessment.findings.is_empty() {
        let _ = writeln!(out, "  {}", text(Message::new("linked-no-indicators")));
    }
    for finding in &timeline.assessment.findings {
        let _ = writeln!(
            out,
            "  {} ({}): {}",
            text(Message::new(finding.indicator.message_id())),
            finding.person,
            text(finding.explain(&timeline.thresholds))
        );
    }
    for suggestion in &timeline.assessment.suggestions {
        let _ = writeln!(out, "\n{}", text(suggestion.explain()));
    }
    out
}

/// What `qorgau case import-chat` was given.
pub struct ImportChatArgs {
    pub case_id: String,
    pub file: PathBuf,
    pub format: ChatFormat,
    pub sender: String,
    pub platform: Platform,
    pub account: String,
    pub timezone: Option<String>,
}

pub async fn import_chat(
    session: &Session,
    procedure: &Procedure<'_, AnyStore>,
    args: ImportChatArgs,
) -> Result<u8, AppError> {
    let actor = session.actor(procedure.store).await?;
    // Streamed to the blob store: a large export is never whole in memory.
    let file = std::fs::File::open(&args.file).map_err(|error| {
        AppError::bad_input(
            Message::new("cli-file-unreadable")
                .with("path", args.file.display().to_string())
                .with("detail", error.to_string()),
        )
    })?;
    let mut options = ImportOptions::default();
    if let Some(zone) = &args.timezone {
        options.time_zone = jiff::tz::TimeZone::get(zone).map_err(|_| {
            AppError::bad_input(Message::new("chat-error-time-zone").with("zone", zone.as_str()))
        })?;
    }
    let evidence = session.open_evidence(None)?;
    let upload = ChatUpload {
        format: args.format,
        options,
        actor_sender: args.sender,
        platform: args.platform,
        account: args.account,
        file: qorgau_app::linked::ChatFile::Reader(Box::new(file)),
    };
    let imported = procedure
        .import_chat(&args.case_id, &actor, upload, &evidence)
        .await
        .map_err(|error| match error {
            ChatImportError::Service(error) => AppError::from(error),
            other => AppError::bad_input(other.explained().map_or_else(
                || Message::new("cli-evidence-error"),
                |(_, message)| message,
            )),
        })?;
    let localizer = Localizer::embedded();
    println!(
        "{}",
        localizer.render(
            session.language,
            &Message::new("linked-imported")
                .with(
                    "messages",
                    i64::try_from(imported.summary.messages).unwrap_or(i64::MAX)
                )
                .with(
                    "actor",
                    i64::try_from(imported.actor_messages).unwrap_or(i64::MAX)
                )
                .with("days", imported.occasions.len() as i64)
        )
    );
    println!("{} {}", imported.evidence_id, imported.digest);
    Ok(exit::OK)
}
