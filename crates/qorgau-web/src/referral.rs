//! The referral package for law enforcement (issue 7, PRODUCT.md "Escalation
//! beyond removal"): when a case is referred, the facts of the case, every
//! evidence item of the case and of the linked cases about the same child
//! with its digest and its transparency-log receipt, the linked timeline and
//! the pursuit indicators — as structured data ([`ReferralPackage`], the
//! API's JSON) and as a self-contained HTML document in Kazakh or Russian,
//! which is kept in the blob store and recorded as
//! `referral_package_prepared`.
//!
//! The package carries the child's case numbers, not the child: the police
//! receive the case files through the authority, and the HTML holds no name,
//! birth date or IIN. (A PDF waits for `qorgau-documents` to offer rendering
//! of a document that is neither an order nor a response.)

use askama::Template;
use jiff::Timestamp;
use qorgau_app::Evidence;
use qorgau_app::linked::LinkedTimeline;
use qorgau_domain::deadline::rfc3339_almaty;
use qorgau_domain::linking::{EntrySource, block_message};
use qorgau_domain::message::{Language, Message};
use qorgau_domain::procedure::{CaseEvent, Outcome};
use qorgau_store::Store;
use serde::Serialize;

use crate::pages::Tr;
use crate::problem::ApiError;
use crate::state::AppState;

/// One evidence item in the package.
#[derive(Debug, Clone, Serialize)]
pub struct PackageEvidence {
    pub case_id: String,
    pub evidence_id: String,
    pub kind: String,
    pub url: String,
    pub digest: Option<String>,
    pub size: Option<u64>,
    pub captured_at: Option<String>,
    pub log_index: Option<u64>,
    /// The receipt `qorgau receipt verify` checks, as JSON.
    pub receipt: Option<serde_json::Value>,
}

/// One line of the package's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct PackageEntry {
    pub at: String,
    pub date: String,
    pub case_id: String,
    pub account: String,
    pub platform: String,
    pub reference: String,
    /// `incident` or `chat`.
    pub source: &'static str,
    /// The incident as the applicant described it; for a chat, the day's count.
    pub detail: String,
}

/// One pursuit indicator that fired.
#[derive(Debug, Clone, Serialize)]
pub struct PackageIndicator {
    pub indicator: &'static str,
    pub name: String,
    pub explanation: String,
    pub rests_on: Vec<String>,
}

/// The package's content.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralPackage {
    pub case_id: String,
    pub language: &'static str,
    pub prepared_at: String,
    pub received_at: String,
    pub regime: String,
    pub outcome: Option<&'static str>,
    pub category: Option<String>,
    pub decided_at: Option<String>,
    pub authority: Option<String>,
    pub referred_at: Option<String>,
    /// The accounts in the timeline (normalized keys).
    pub accounts: Vec<String>,
    pub linked_cases: Vec<String>,
    pub evidence: Vec<PackageEvidence>,
    pub timeline: Vec<PackageEntry>,
    pub indicators: Vec<PackageIndicator>,
    pub suggestion: Option<String>,
}

/// Builds the package from the record (nothing is recorded here).
pub async fn build(
    state: &AppState,
    evidence: Option<&Evidence>,
    case_id: &str,
    language: Language,
    now: Timestamp,
) -> Result<(ReferralPackage, LinkedTimeline), ApiError> {
    let tr = Tr { language };
    let procedure = state.procedure();
    let case = procedure
        .load(case_id)
        .await
        .map_err(ApiError::from_service)?;
    let case_state = case.state().map_err(ApiError::from)?;
    let timeline = procedure
        .linked_timeline(case_id)
        .await
        .map_err(ApiError::from_service)?;
    let (authority, referred_at) = case
        .events
        .iter()
        .rev()
        .find_map(|event| match event {
            CaseEvent::ReferredToLawEnforcement {
                authority,
                referred_at,
                ..
            } => Some((Some(authority.clone()), Some(rfc3339_almaty(*referred_at)))),
            _ => None,
        })
        .unwrap_or((None, None));
    let mut items = Vec::new();
    for listed in &timeline.cases {
        for row in state
            .store
            .case_evidence(listed)
            .await
            .map_err(ApiError::from)?
        {
            if row.digest.is_none() {
                continue;
            }
            let receipt = match (evidence, row.log_index) {
                (Some(evidence), Some(index)) => evidence
                    .log
                    .receipt(state.store.as_ref(), index, now)
                    .await
                    .ok()
                    .and_then(|receipt| serde_json::from_str(&receipt.to_json()).ok()),
                _ => None,
            };
            items.push(PackageEvidence {
                case_id: listed.clone(),
                evidence_id: row.evidence_id,
                kind: row.kind,
                url: row.url,
                digest: row.digest,
                size: row.size,
                captured_at: row.captured_at.map(rfc3339_almaty),
                log_index: row.log_index,
                receipt,
            });
        }
    }
    let mut accounts: Vec<String> = timeline
        .entries
        .iter()
        .map(|entry| entry.entry.account.clone())
        .collect();
    accounts.sort();
    accounts.dedup();
    let entries = timeline
        .entries
        .iter()
        .map(|item| {
            let (source, detail) = match &item.source {
                EntrySource::Incident { description, .. } => ("incident", description.clone()),
                EntrySource::Chat {
                    messages,
                    first_message,
                    ..
                } => (
                    "chat",
                    tr.say(
                        &Message::new("linked-entry-chat")
                            .with("messages", i64::from(*messages))
                            .with("first", i64::try_from(*first_message).unwrap_or(i64::MAX)),
                    ),
                ),
                EntrySource::Block { reported, by, .. } => {
                    ("block", tr.say(&block_message(*reported, by)))
                }
            };
            PackageEntry {
                at: rfc3339_almaty(item.entry.at),
                date: qorgau_domain::deadline::almaty_date(item.entry.at).to_string(),
                case_id: item.case_id.clone(),
                account: item.entry.account.clone(),
                platform: item.entry.platform.display_name().to_owned(),
                reference: item.entry.reference.clone(),
                source,
                detail,
            }
        })
        .collect();
    let indicators = timeline
        .assessment
        .findings
        .iter()
        .map(|finding| PackageIndicator {
            indicator: finding.indicator.as_str(),
            name: tr.t(finding.indicator.message_id()),
            explanation: tr.say(&finding.explain(&timeline.thresholds)),
            rests_on: finding.rests_on.clone(),
        })
        .collect();
    let decision = case_state.decision.as_ref();
    let package = ReferralPackage {
        case_id: case_id.to_owned(),
        language: language.tag(),
        prepared_at: rfc3339_almaty(now),
        received_at: rfc3339_almaty(case_state.received_at),
        regime: case_state.regime.clone(),
        outcome: decision.map(|decision| match decision.outcome {
            Outcome::Confirmed => "confirmed",
            Outcome::NotConfirmed => "not_confirmed",
        }),
        category: decision.map(|decision| {
            serde_json::to_value(decision.category)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default()
        }),
        decided_at: decision.map(|decision| rfc3339_almaty(decision.decided_at)),
        authority,
        referred_at,
        accounts,
        linked_cases: timeline
            .cases
            .iter()
            .filter(|listed| listed.as_str() != case_id)
            .cloned()
            .collect(),
        evidence: items,
        timeline: entries,
        indicators,
        suggestion: timeline
            .assessment
            .suggestion
            .as_ref()
            .map(|suggestion| tr.say(&suggestion.explain())),
    };
    Ok((package, timeline))
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralDocument<'a> {
    tr: Tr,
    package: &'a ReferralPackage,
}

impl ReferralDocument<'_> {
    fn category_name(&self) -> String {
        let id = match self.package.category.as_deref() {
            Some("cyberbullying") => "category-cyberbullying",
            Some("cyberstalking") => "category-cyberstalking",
            Some("criminal") => "category-criminal",
            Some(_) => "category-none",
            None => return String::new(),
        };
        self.tr.t(id)
    }

    fn outcome_name(&self) -> String {
        match self.package.outcome {
            Some("confirmed") => self.tr.t("referral-outcome-confirmed"),
            Some(_) => self.tr.t("referral-outcome-not-confirmed"),
            None => String::new(),
        }
    }

    fn receipt_text(&self, item: &PackageEvidence) -> String {
        item.receipt
            .as_ref()
            .and_then(|receipt| serde_json::to_string_pretty(receipt).ok())
            .unwrap_or_default()
    }
}

/// The package as a self-contained HTML document (askama escapes every value).
pub fn render_html(package: &ReferralPackage, language: Language) -> Result<String, ApiError> {
    ReferralDocument {
        tr: Tr { language },
        package,
    }
    .render()
    .map_err(|error| {
        eprintln!("qorgau: the referral package failed to render: {error}");
        ApiError::Internal
    })
}
