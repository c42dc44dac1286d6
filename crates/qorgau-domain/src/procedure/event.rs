//! The events of a case. The case record is the sequence of these; the case's
//! state is their fold (`CaseState::replay`). Events are facts in the past tense
//! and are never changed once recorded: a correction is a new event.
//!
//! Serialized with `"type"` as the tag; the type names are part of the audited
//! record format (docs/case-record.md) — rename nothing.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::{Application, Channel, RefusalReason};
use crate::category::{Category, CriminalIndicator};
use crate::deadline::Deadline;
use crate::linking::{ChatOccasion, ChildMatch, LinkBasis};
use crate::message::Language;
use crate::pursuit::Sign;
use crate::regime::EscalationKind;
use crate::validation::resource::Platform;

/// An expert's vote (API.md: `confirm|not_confirm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteChoice {
    Confirm,
    NotConfirm,
}

/// The expert group's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Confirmed,
    NotConfirmed,
}

/// What a re-capture of a URL showed after a removal order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationResult {
    Removed,
    StillPresent,
    Unreachable,
}

/// What an evidence item is (the API's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A capture of a reported URL, taken at intake (a WARC file).
    Capture,
    /// A file the applicant uploaded, byte for byte.
    Upload,
    /// A capture taken again to verify removal.
    Recapture,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Capture => "capture",
            EvidenceKind::Upload => "upload",
            EvidenceKind::Recapture => "recapture",
        }
    }
}

/// A page as headless Chromium rendered it, kept beside the capture's WARC
/// file: a PNG screenshot and the DOM after scripts ran, each a blob
/// (`sha256:<hex>`) derived from the same visit's checked address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserSnapshot {
    pub screenshot: String,
    pub screenshot_size: u64,
    pub dom: String,
    pub dom_size: u64,
}

/// A copy of an uploaded image without its metadata (Exif with the GPS
/// position, XMP, IPTC, comments), kept beside the upload for staff to look
/// at: a blob (`sha256:<hex>`) cut from the upload — nothing decoded or
/// re-encoded — while the upload stays the evidence, byte for byte.
/// `removed` names what was taken out (`exif`, `xmp`, `photoshop`,
/// `application_segment`, `comment`, `text`, `time`, `trailing_data`);
/// empty when there was nothing to take, and the copy is then the upload's
/// own bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrippedCopy {
    pub digest: String,
    pub size: u64,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub media_type: String,
    #[serde(default)]
    pub removed: Vec<String>,
}

/// The record of the "two or more times" test (PRODUCT.md §2) at decision time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystematicAssessment {
    /// Distinct incidents on record in this case.
    pub incidents_in_case: u32,
    /// Further distinct incidents in cases sharing an actor account or resource.
    pub incidents_in_linked_cases: u32,
    /// The experts' reason for confirming despite fewer than two incidents.
    pub override_reason: Option<String>,
}

impl SystematicAssessment {
    pub fn total(&self) -> u32 {
        self.incidents_in_case + self.incidents_in_linked_cases
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    /// The application arrived. Records the regime it is handled under and the
    /// deadlines as computed and communicated on that day.
    ApplicationReceived {
        // Boxed: it is by far the largest event, and events are moved around a lot.
        application: Box<Application>,
        channel: Channel,
        received_at: Timestamp,
        regime: String,
        decision_due: Deadline,
        response_due: Deadline,
        /// SHA-256 (hex) of the applicant's access code, when one was issued. The
        /// code itself is given to the applicant once and never stored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_code_sha256: Option<String>,
    },
    /// Consideration refused; the applicant is told why.
    ApplicationRefused {
        reasons: Vec<RefusalReason>,
    },
    /// Accepted for consideration by the expert group.
    ApplicationRegistered,
    /// The expert group took the case up.
    ReviewStarted,
    /// The chair (or deputy) extended consideration by a reasoned decision.
    ReviewExtended {
        until: Date,
        reason: String,
        decision_due: Deadline,
        response_due: Deadline,
        notice_due: Deadline,
    },
    /// The applicant was told of the extension.
    ExtensionNoticeSent {
        sent_at: Timestamp,
    },
    VoteCast {
        expert: String,
        chair: bool,
        vote: VoteChoice,
        category: Category,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        indicators: Vec<CriminalIndicator>,
        reasons: String,
    },
    DecisionMade {
        outcome: Outcome,
        category: Category,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        indicators: Vec<CriminalIndicator>,
        reasons: Vec<String>,
        votes_for: u32,
        votes_against: u32,
        chair_casting_vote_used: bool,
        systematic: SystematicAssessment,
        decided_at: Timestamp,
    },
    /// An order to one resource owner to remove the listed content.
    OrderIssued {
        order_id: String,
        owner: String,
        urls: Vec<String>,
        issued_at: Timestamp,
    },
    /// The order reached the owner; the removal clock starts.
    OrderDelivered {
        order_id: String,
        delivered_at: Timestamp,
        channel: String,
        removal_due: Timestamp,
    },
    OrderAcknowledged {
        order_id: String,
        acknowledged_at: Timestamp,
    },
    RemovalReported {
        order_id: String,
        reported_at: Timestamp,
        removed_urls: Vec<String>,
        note: Option<String>,
    },
    RemovalVerified {
        order_id: String,
        verified_at: Timestamp,
        result: VerificationResult,
        note: Option<String>,
    },
    /// The removal deadline passed without verified removal.
    OrderNotComplied {
        order_id: String,
        recorded_at: Timestamp,
    },
    EscalationStepTaken {
        order_id: String,
        step: u32,
        kind: EscalationKind,
        taken_at: Timestamp,
        /// Why the step was taken before its scheduled time, when it was.
        early_reason: Option<String>,
    },
    /// A coordinator paused the order's escalation ladder: its clock stops
    /// until the ladder is resumed, and no step is taken by the scheduler.
    EscalationPaused {
        order_id: String,
        reason: String,
        paused_at: Timestamp,
    },
    /// The ladder's clock runs again; every later step moves by the pause.
    EscalationResumed {
        order_id: String,
        resumed_at: Timestamp,
    },
    /// A notice reached its addressee: the webhook answered 2xx, or the mail
    /// server accepted the message. `delivery_id` is the webhook's
    /// `webhook-id` and the mail's Message-ID, the same on every attempt.
    NoticeDelivered {
        delivery_id: String,
        /// `order.issued`, `order.reminder`, `order.escalated`,
        /// `order.closed`, `response`, `reminder.decision_due`, …
        notice: String,
        /// `owner`, `applicant` or `staff`.
        audience: String,
        /// `webhook` or `email`.
        channel: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_id: Option<String>,
        delivered_at: Timestamp,
    },
    /// Experts and coordinators were reminded that a deadline approaches.
    StaffReminded {
        /// `decision_due`, `response_due` or `extension_notice_due`.
        deadline: String,
        due: Timestamp,
        reminded_at: Timestamp,
        /// How many staff members were written to.
        recipients: u32,
    },
    /// Signs of a crime: the case and its evidence go to law enforcement.
    ReferredToLawEnforcement {
        authority: String,
        referred_at: Timestamp,
        note: Option<String>,
    },
    /// The applicant was answered, in the case's language.
    ResponseSent {
        sent_at: Timestamp,
        language: Language,
        channel: String,
    },
    CaseClosed {
        closed_at: Timestamp,
    },
    /// Qorgau captured a reported URL (or captured it again to verify removal)
    /// and appended the capture to the transparency log. Facts only: the page
    /// itself is in the blob store under `digest`, never in the record.
    EvidenceCaptured {
        evidence_id: String,
        kind: EvidenceKind,
        url: String,
        /// The stored file (a WARC file for captures): `sha256:<hex>`.
        digest: String,
        size: u64,
        captured_at: Timestamp,
        /// The item's leaf in the transparency log: the leaf written just
        /// before this event's own leaf (docs/evidence.md).
        log_index: u64,
        /// The final HTTP status.
        http_status: u16,
        /// Why the capture is not clean although it was kept (`http_status`,
        /// `too_large`, `timeout`, `disconnected`, `decompression_limit`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<String>,
        /// For a re-capture: the capture it is compared with.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original_digest: Option<String>,
        /// The page's fingerprint, a blob (`sha256:<hex>`): what a later
        /// re-capture is compared with.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        /// What headless Chromium showed of the same page (when a browser is
        /// configured): a screenshot and the DOM, blobs of their own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        browser: Option<BrowserSnapshot>,
        /// For an uploaded JPEG, PNG or WebP: the copy without its metadata
        /// that staff are shown, a blob of its own. None for other files and
        /// files that could not be read as their format: not checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stripped: Option<StrippedCopy>,
    },
    /// A capture produced nothing to keep (the reason is a stable code:
    /// `dns`, `timeout`, `refused_address`, …).
    CaptureFailed {
        evidence_id: String,
        kind: EvidenceKind,
        url: String,
        reason: String,
        /// 1 for the first attempt.
        attempt: u32,
        failed_at: Timestamp,
        /// When it is tried again; none when it is not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<Timestamp>,
    },
    /// A re-capture of one URL of an order, classified against the original
    /// capture (`reason`: `http_404`, `content_gone`, `still_present`, `dns`, …).
    RemovalRechecked {
        order_id: String,
        evidence_id: String,
        url: String,
        result: VerificationResult,
        reason: String,
        checked_at: Timestamp,
    },
    /// Two cases are linked: recorded in the later case of the two (the
    /// higher case number), naming the earlier one (docs/case-record.md).
    /// `by` is who linked them: a staff member, or `qorgau` at intake.
    CasesLinked {
        other_case_id: String,
        basis: LinkBasis,
        /// For `same_actor`: the normalized account both cases name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actor_key: Option<String>,
        /// For an automatic `same_child` link: `iin` or `name_birth_date`
        /// (the keyed hashes themselves are never in the record).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        child_match: Option<ChildMatch>,
        /// For an automatic link: a resource key both cases name, if any
        /// (the whole basis of a `same_resource` link).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resource_key: Option<String>,
        /// Proposed by the system at intake, not by a person.
        automatic: bool,
        by: String,
        /// A staff member's reason (required of people).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        linked_at: Timestamp,
    },
    /// A link is undone, with the staff member's reason.
    CasesUnlinked {
        other_case_id: String,
        by: String,
        reason: String,
        unlinked_at: Timestamp,
    },
    /// An expert imported a chat export. The file itself is the upload
    /// `evidence_id` (its bytes in the blob store, its leaf in the log); the
    /// record keeps a summary: who the expert marked as the actor and, per
    /// day, how many messages the actor sent — never the messages' text, and
    /// nothing of the other senders' (the child's) messages but their count.
    ChatImported {
        evidence_id: String,
        /// `telegram`, `whatsapp`, `text`.
        format: String,
        digest: String,
        /// The sender the expert marked as the actor, as the export names it.
        actor_sender: String,
        /// The actor's account, normalized (`ActorAccount::key`).
        actor_key: String,
        platform: Platform,
        /// Messages read in the file (every sender), and skipped records.
        messages: u64,
        skipped: u64,
        actor_messages: u64,
        occasions: Vec<ChatOccasion>,
        by: String,
        imported_at: Timestamp,
        /// The IANA time zone the export's zoneless times were read in, so
        /// the stored file is read back to the same times (absent in imports
        /// recorded before it was kept: those were read in `Asia/Almaty`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_zone: Option<String>,
    },
    /// The referral package for law enforcement was prepared: the document is
    /// the upload `evidence_id` (content-addressed, logged), in `language`.
    ReferralPackagePrepared {
        evidence_id: String,
        language: Language,
        digest: String,
        /// Cases whose incidents are in the package's timeline.
        linked_cases: Vec<String>,
        by: String,
        prepared_at: Timestamp,
        /// The same package as a PDF (`sha256:…`), a blob of the blob store
        /// beside the document; like a browser snapshot's blobs, the entry
        /// commits to it. Absent in packages prepared before there was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pdf_digest: Option<String>,
    },
    /// An expert or the coordinator recorded that two actor accounts are one
    /// person (docs/linking.md), in the case where it was decided. The
    /// accounts are normalized keys (`ActorAccount::key`), in sorted order.
    ActorsLinked {
        accounts: [String; 2],
        reason: String,
        by: String,
        linked_at: Timestamp,
    },
    /// The accounts of an `actors_linked` in this case are not one person
    /// after all, with the staff member's reason.
    ActorsUnlinked {
        accounts: [String; 2],
        reason: String,
        by: String,
        unlinked_at: Timestamp,
    },
    /// The child (or a parent) blocked, or reported to the platform, the
    /// account `account` (a normalized key) on the Almaty date `on`, as an
    /// expert recorded it; the "new accounts after a block" indicator reads it.
    AccountBlocked {
        account: String,
        platform: Platform,
        on: Date,
        /// Reported to the platform, not (only) blocked.
        reported: bool,
        by: String,
        recorded_at: Timestamp,
    },
    /// An expert read the contact entry `entry` of this case (its timeline
    /// reference: `… incident 2`, `… chat E message 40`) and confirms it
    /// shows `sign`, with a reason; only confirmed signs count towards the
    /// monitoring and offline indicators (docs/linking.md).
    SignConfirmed {
        entry: String,
        sign: Sign,
        reason: String,
        by: String,
        confirmed_at: Timestamp,
    },
    /// A confirmed sign is withdrawn, with the staff member's reason.
    SignWithdrawn {
        entry: String,
        sign: Sign,
        reason: String,
        by: String,
        withdrawn_at: Timestamp,
    },
}

impl CaseEvent {
    /// The event's type name as recorded (`"application_received"`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            CaseEvent::ApplicationReceived { .. } => "application_received",
            CaseEvent::ApplicationRefused { .. } => "application_refused",
            CaseEvent::ApplicationRegistered => "application_registered",
            CaseEvent::ReviewStarted => "review_started",
            CaseEvent::ReviewExtended { .. } => "review_extended",
            CaseEvent::ExtensionNoticeSent { .. } => "extension_notice_sent",
            CaseEvent::VoteCast { .. } => "vote_cast",
            CaseEvent::DecisionMade { .. } => "decision_made",
            CaseEvent::OrderIssued { .. } => "order_issued",
            CaseEvent::OrderDelivered { .. } => "order_delivered",
            CaseEvent::OrderAcknowledged { .. } => "order_acknowledged",
            CaseEvent::RemovalReported { .. } => "removal_reported",
            CaseEvent::RemovalVerified { .. } => "removal_verified",
            CaseEvent::OrderNotComplied { .. } => "order_not_complied",
            CaseEvent::EscalationStepTaken { .. } => "escalation_step_taken",
            CaseEvent::EscalationPaused { .. } => "escalation_paused",
            CaseEvent::EscalationResumed { .. } => "escalation_resumed",
            CaseEvent::NoticeDelivered { .. } => "notice_delivered",
            CaseEvent::StaffReminded { .. } => "staff_reminded",
            CaseEvent::ReferredToLawEnforcement { .. } => "referred_to_law_enforcement",
            CaseEvent::ResponseSent { .. } => "response_sent",
            CaseEvent::CaseClosed { .. } => "case_closed",
            CaseEvent::EvidenceCaptured { .. } => "evidence_captured",
            CaseEvent::CaptureFailed { .. } => "capture_failed",
            CaseEvent::RemovalRechecked { .. } => "removal_rechecked",
            CaseEvent::CasesLinked { .. } => "cases_linked",
            CaseEvent::CasesUnlinked { .. } => "cases_unlinked",
            CaseEvent::ChatImported { .. } => "chat_imported",
            CaseEvent::ReferralPackagePrepared { .. } => "referral_package_prepared",
            CaseEvent::ActorsLinked { .. } => "actors_linked",
            CaseEvent::ActorsUnlinked { .. } => "actors_unlinked",
            CaseEvent::AccountBlocked { .. } => "account_blocked",
            CaseEvent::SignConfirmed { .. } => "sign_confirmed",
            CaseEvent::SignWithdrawn { .. } => "sign_withdrawn",
        }
    }

    /// The blobs this event names as kept (`sha256:<hex>`): the stored file
    /// and what was kept beside it — a page's fingerprint, its screenshot and
    /// DOM, an upload's copy without metadata, a referral package's PDF. The
    /// event's log leaf commits to each, so each must stay in the blob store;
    /// `qorgau verify` checks that it does. A re-capture's `original_digest`
    /// is not listed: it is the original's own file, named by its own event.
    pub fn kept_blobs(&self) -> Vec<&str> {
        let mut blobs = Vec::new();
        match self {
            CaseEvent::EvidenceCaptured {
                digest,
                fingerprint,
                browser,
                stripped,
                ..
            } => {
                blobs.push(digest.as_str());
                blobs.extend(fingerprint.as_deref());
                if let Some(browser) = browser {
                    blobs.extend([browser.screenshot.as_str(), browser.dom.as_str()]);
                }
                blobs.extend(stripped.as_ref().map(|copy| copy.digest.as_str()));
            }
            CaseEvent::ChatImported { digest, .. } => blobs.push(digest.as_str()),
            CaseEvent::ReferralPackagePrepared {
                digest, pdf_digest, ..
            } => {
                blobs.push(digest.as_str());
                blobs.extend(pdf_digest.as_deref());
            }
            _ => {}
        }
        blobs.retain(|digest| !digest.is_empty());
        blobs
    }
}
