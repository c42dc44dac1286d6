//! The referral package for law enforcement (issue 7, PRODUCT.md "Escalation
//! beyond removal"): when a case is referred, the facts of the case, every
//! evidence item of the case and of the linked cases about the same child
//! with its digest and its transparency-log receipt, the linked timeline and
//! the pursuit indicators — as structured data ([`ReferralPackage`], the
//! API's JSON), as a self-contained HTML document in Kazakh or Russian (every
//! receipt in full), kept in the blob store as an upload of the case with its
//! log leaf, and as a PDF of the same package in the same language
//! (`qorgau-documents`' `render_referral`: facts, timeline, indicators, and
//! each item's digest, size, time, leaf and receipt checkpoint), kept as a
//! blob beside it. Both are recorded in one `referral_package_prepared`,
//! whose entry commits to the PDF's digest; staff fetch the PDF at
//! `GET /api/v1/cases/{id}/referral-package.pdf` or from the linked page.
//!
//! The package carries the child's case numbers, not the child: the police
//! receive the case files through the authority, and neither the HTML nor
//! the PDF holds a name, birth date or IIN (`ReferralDocument` has no field
//! for one).

use askama::Template;
use jiff::Timestamp;
use qorgau_app::Evidence;
use qorgau_documents as documents;
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

/// Builds the package from the record (nothing is recorded here): its
/// content, and the same content as the PDF's input.
pub async fn build(
    state: &AppState,
    evidence: Option<&Evidence>,
    case_id: &str,
    language: Language,
    now: Timestamp,
) -> Result<(ReferralPackage, documents::ReferralDocument), ApiError> {
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
    let referral = case.events.iter().rev().find_map(|event| match event {
        CaseEvent::ReferredToLawEnforcement {
            authority,
            referred_at,
            ..
        } => Some(documents::Referral {
            authority: authority.clone(),
            referred_at: *referred_at,
        }),
        _ => None,
    });
    let (authority, referred_at) = match &referral {
        Some(referral) => (
            Some(referral.authority.clone()),
            Some(rfc3339_almaty(referral.referred_at)),
        ),
        None => (None, None),
    };
    let mut items = Vec::new();
    let mut document_items = Vec::new();
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
            let issued = match (evidence, row.log_index) {
                (Some(evidence), Some(index)) => evidence
                    .log
                    .receipt(state.store.as_ref(), index, now)
                    .await
                    .ok(),
                _ => None,
            };
            let receipt = issued
                .as_ref()
                .and_then(|receipt| serde_json::from_str(&receipt.to_json()).ok());
            document_items.push(documents::ReferralEvidence {
                case_number: listed.clone(),
                evidence_id: row.evidence_id.clone(),
                kind: row.kind.clone(),
                url: row.url.clone(),
                digest: row.digest.clone().unwrap_or_default(),
                size: row.size,
                captured_at: row.captured_at,
                log_index: row.log_index,
                receipt: issued
                    .as_ref()
                    .and_then(|receipt| receipt_reference(&receipt.checkpoint)),
            });
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
        .filter_map(|entry| entry.entry.account.clone())
        .collect();
    accounts.sort();
    accounts.dedup();
    let mut document_entries = Vec::new();
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
            document_entries.push(documents::ReferralEntry {
                at: item.entry.at,
                case_number: item.case_id.clone(),
                account: item.entry.account.clone().unwrap_or_default(),
                platform: item.entry.platform.display_name().to_owned(),
                detail: detail.clone(),
                reference: item.entry.reference.clone(),
            });
            PackageEntry {
                at: rfc3339_almaty(item.entry.at),
                date: qorgau_domain::deadline::almaty_date(item.entry.at).to_string(),
                case_id: item.case_id.clone(),
                account: item.entry.account.clone().unwrap_or_default(),
                platform: item.entry.platform.display_name().to_owned(),
                reference: item.entry.reference.clone(),
                source,
                detail,
            }
        })
        .collect();
    let indicators: Vec<PackageIndicator> = timeline
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
            .suggestion()
            .map(|suggestion| tr.say(&suggestion.explain())),
    };
    let document = documents::ReferralDocument {
        case_number: case_id.to_owned(),
        language: match language {
            Language::Ru => documents::OrderLanguage::Ru,
            // Kazakh, the state language, for anything else (the routes
            // only ask for kk or ru).
            _ => documents::OrderLanguage::Kk,
        },
        prepared_at: now,
        received_at: case_state.received_at,
        regime: package.regime.clone(),
        legal_basis: vec![tr.t("referral-legal-basis")],
        decision: decision.map(|decision| documents::ReferralDecision {
            confirmed: decision.outcome == Outcome::Confirmed,
            category: category_name(tr, package.category.as_deref()),
            decided_at: decision.decided_at,
        }),
        referral,
        accounts: package.accounts.clone(),
        linked_cases: package.linked_cases.clone(),
        timeline: document_entries,
        indicators: package
            .indicators
            .iter()
            .map(|indicator| documents::ReferralIndicator {
                name: indicator.name.clone(),
                explanation: indicator.explanation.clone(),
                rests_on: indicator.rests_on.clone(),
            })
            .collect(),
        suggestion: package.suggestion.clone(),
        evidence: document_items,
        electronic_copy: None,
    };
    Ok((package, document))
}

/// The checkpoint a receipt's inclusion proof ends in, from its signed note
/// (C2SP tlog-checkpoint: origin, tree size, base64 root hash, then a blank
/// line and the signatures).
fn receipt_reference(note: &str) -> Option<documents::ReceiptReference> {
    let (body, _signatures) = note.split_once("\n\n")?;
    let checkpoint =
        qorgau_evidence::checkpoint::Checkpoint::parse_body(&format!("{body}\n")).ok()?;
    Some(documents::ReceiptReference {
        log: checkpoint.origin,
        tree_size: checkpoint.tree_size,
        root_hash: body.lines().nth(2)?.to_owned(),
    })
}

/// A category's name in `tr`'s language (empty without one).
fn category_name(tr: Tr, category: Option<&str>) -> String {
    let id = match category {
        Some("cyberbullying") => "category-cyberbullying",
        Some("cyberstalking") => "category-cyberstalking",
        Some("criminal") => "category-criminal",
        Some(_) => "category-none",
        None => return String::new(),
    };
    tr.t(id)
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralDocument<'a> {
    tr: Tr,
    package: &'a ReferralPackage,
}

impl ReferralDocument<'_> {
    fn category_name(&self) -> String {
        category_name(self.tr, self.package.category.as_deref())
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

/// The package as a PDF, with the templates the service loaded (overrides
/// included) or, without an outbox, the embedded ones.
pub fn render_pdf(
    state: &AppState,
    document: &documents::ReferralDocument,
) -> Result<Vec<u8>, ApiError> {
    let failed = |error: documents::DocumentError| {
        eprintln!("qorgau: the referral package's PDF failed to render: {error}");
        ApiError::Internal
    };
    let rendered = match &state.outbox {
        Some(outbox) => documents::render_referral(&outbox.templates, document),
        None => {
            documents::render_referral(&documents::Templates::embedded().map_err(failed)?, document)
        }
    }
    .map_err(failed)?;
    Ok(rendered.pdf)
}

/// The PDF of a prepared package of `case_id` — the one whose document is
/// `package` (an evidence id), or the latest that has a PDF — read back from
/// the blob store and verified against the digest its event recorded.
/// Returns the package's evidence id and the bytes.
pub async fn stored_pdf(
    state: &AppState,
    case_id: &str,
    package: Option<&str>,
) -> Result<(String, Vec<u8>), ApiError> {
    let evidence = state.evidence.as_deref().ok_or(ApiError::NotFound)?;
    let case = state
        .procedure()
        .load(case_id)
        .await
        .map_err(ApiError::from_service)?;
    let case_state = case.state().map_err(ApiError::from)?;
    let (evidence_id, pdf_digest) = case_state
        .referral_packages
        .iter()
        .rev()
        .filter(|record| package.is_none_or(|wanted| record.evidence_id == wanted))
        .find_map(|record| Some((record.evidence_id.clone(), record.pdf_digest.clone()?)))
        .ok_or(ApiError::NotFound)?;
    let digest: qorgau_evidence::Sha256Digest =
        pdf_digest.parse().map_err(|_| ApiError::Internal)?;
    // `read` checks the bytes against the digest: a damaged blob is never served.
    let bytes = evidence.read(&digest).await.map_err(|error| {
        eprintln!(
            "qorgau: the referral package PDF {pdf_digest} of {case_id} cannot be read: {error}"
        );
        ApiError::Internal
    })?;
    Ok((evidence_id, bytes))
}

/// The package's PDF as a response: shown inline, never cached.
pub fn pdf_response(bytes: Vec<u8>, case_id: &str, evidence_id: &str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let disposition = format!("inline; filename=\"referral-{case_id}-{evidence_id}.pdf\"");
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
