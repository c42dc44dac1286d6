//! The state of a case: a fold over its events. Nothing here decides anything;
//! `command.rs` checks commands against this state.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::application::{Application, Channel, RefusalReason};
use crate::category::{Category, CriminalIndicator};
use crate::deadline::Deadline;
use crate::linking::{ActorLink, BlockRecord, CaseLink, ChatRecord, SignRecord, account_pair};
use crate::procedure::event::{
    BrowserSnapshot, CaseEvent, EvidenceKind, Outcome, StrippedCopy, VerificationResult, VoteChoice,
};
use crate::pursuit::Sign;
use crate::regime::EscalationKind;

/// Where a case stands in the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CasePhase {
    /// Recorded, not yet checked (only ever seen inside the intake command).
    Received,
    /// Consideration refused.
    Refused,
    /// Accepted; waiting for the expert group.
    Registered,
    /// The expert group is considering it.
    UnderReview,
    /// Decided: facts not confirmed.
    NotConfirmed,
    /// Decided: facts confirmed; orders in progress.
    Confirmed,
    Closed,
}

impl CasePhase {
    pub const ALL: [CasePhase; 7] = [
        CasePhase::Received,
        CasePhase::Refused,
        CasePhase::Registered,
        CasePhase::UnderReview,
        CasePhase::NotConfirmed,
        CasePhase::Confirmed,
        CasePhase::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CasePhase::Received => "received",
            CasePhase::Refused => "refused",
            CasePhase::Registered => "registered",
            CasePhase::UnderReview => "under_review",
            CasePhase::NotConfirmed => "not_confirmed",
            CasePhase::Confirmed => "confirmed",
            CasePhase::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<CasePhase> {
        CasePhase::ALL
            .into_iter()
            .find(|phase| phase.as_str() == text.replace('-', "_"))
    }

    /// Before the expert group's decision.
    pub fn awaits_decision(self) -> bool {
        matches!(self, CasePhase::Registered | CasePhase::UnderReview)
    }
}

/// Where one order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Issued,
    Delivered,
    Acknowledged,
    RemovalReported,
    /// Removal verified: final.
    Removed,
    /// The deadline passed without verified removal.
    NotComplied,
    /// At least one escalation step taken.
    Escalated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderState {
    pub order_id: String,
    pub owner: String,
    pub urls: Vec<String>,
    pub status: OrderStatus,
    pub issued_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub removal_due: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub removal_reported_at: Option<Timestamp>,
    pub last_verification: Option<VerificationResult>,
    /// When a re-capture first verified the content removed (the statistics'
    /// time to removal, with `removal_reported_at`).
    pub removed_at: Option<Timestamp>,
    pub not_complied_at: Option<Timestamp>,
    pub escalations: Vec<EscalationKind>,
    /// The ladder is paused: since when, and why.
    pub escalation_paused: Option<EscalationPause>,
    /// How long the ladder was paused, in all: every later step moves by it.
    pub escalation_paused_for: jiff::SignedDuration,
}

/// A coordinator's pause of an order's escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationPause {
    pub since: Timestamp,
    pub reason: String,
}

/// A notice that reached its addressee (`notice_delivered`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeRecord {
    pub delivery_id: String,
    pub notice: String,
    pub audience: String,
    pub channel: String,
    pub order_id: Option<String>,
    pub delivered_at: Timestamp,
}

/// Staff were reminded of a deadline (`staff_reminded`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderRecord {
    pub deadline: String,
    pub due: Timestamp,
    pub reminded_at: Timestamp,
    pub recipients: u32,
}

impl OrderState {
    /// When step `step_index` (0-based) of `regime`'s ladder falls due: its
    /// hours after the removal deadline, moved by every pause. `None` while
    /// the ladder is paused, before delivery, or past the ladder's end.
    pub fn escalation_due(
        &self,
        regime: &crate::regime::Regime,
        step_index: usize,
    ) -> Option<Timestamp> {
        if self.escalation_paused.is_some() {
            return None;
        }
        let step = regime.escalation.get(step_index)?;
        let scheduled = crate::deadline::hours_after(self.removal_due?, step.after_hours);
        scheduled.checked_add(self.escalation_paused_for).ok()
    }

    /// No further action is expected: removed, or every escalation step taken.
    pub fn is_settled(&self, ladder_length: usize) -> bool {
        self.status == OrderStatus::Removed
            || (self.status == OrderStatus::Escalated && self.escalations.len() >= ladder_length)
    }
}

/// Whether an evidence item is usable as it is (the API's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Captured (or uploaded) and logged.
    Ok,
    /// Nothing could be captured (`digest` is none), or what was kept has a
    /// problem (a 403 login wall, a cut body); `reason` says which.
    Failed,
}

impl EvidenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceStatus::Ok => "ok",
            EvidenceStatus::Failed => "failed",
        }
    }
}

/// One evidence item of the case, as its events tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRecord {
    pub evidence_id: String,
    pub kind: EvidenceKind,
    pub url: String,
    pub status: EvidenceStatus,
    /// `sha256:<hex>` of the stored file, once something was kept.
    pub digest: Option<String>,
    pub size: Option<u64>,
    pub captured_at: Option<Timestamp>,
    /// The failure or problem code.
    pub reason: Option<String>,
    pub log_index: Option<u64>,
    pub http_status: Option<u16>,
    pub original_id: Option<String>,
    pub fingerprint: Option<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    pub last_attempt_at: Option<Timestamp>,
    /// When a failed capture is tried again.
    pub retry_at: Option<Timestamp>,
    /// For a re-capture: the order it checked and what it showed.
    pub order_id: Option<String>,
    pub removal: Option<VerificationResult>,
    pub removal_reason: Option<String>,
    /// The browser's screenshot and DOM of a capture, when taken.
    pub browser: Option<BrowserSnapshot>,
    /// An uploaded image's copy without metadata, for staff to look at;
    /// none when the upload was not checked (not a JPEG, PNG or WebP, or
    /// not readable as one).
    pub stripped: Option<StrippedCopy>,
}

impl EvidenceRecord {
    /// Captured: a file is kept (possibly with a problem).
    pub fn is_captured(&self) -> bool {
        self.digest.is_some()
    }

    /// Nothing more will happen to it: captured, or failed without a retry.
    pub fn is_settled(&self) -> bool {
        self.is_captured() || (self.attempts > 0 && self.retry_at.is_none())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CastVoteRecord {
    pub expert: String,
    pub chair: bool,
    pub vote: VoteChoice,
    pub category: Category,
    pub indicators: Vec<CriminalIndicator>,
    pub reasons: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    pub outcome: Outcome,
    pub category: Category,
    pub indicators: Vec<CriminalIndicator>,
    pub decided_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionRecord {
    pub until: Date,
    pub reason: String,
    pub notice_due: Deadline,
    pub notice_sent_at: Option<Timestamp>,
}

/// A prepared referral package, as `referral_package_prepared` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralPackageRecord {
    /// The document's evidence id (an upload of the case).
    pub evidence_id: String,
    pub language: crate::message::Language,
    /// The PDF beside it (`sha256:<hex>`, a blob); none for packages
    /// prepared before there was one.
    pub pdf_digest: Option<String>,
}

/// Everything the procedure needs to know about a case, derived from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseState {
    pub phase: CasePhase,
    pub application: Application,
    pub channel: Channel,
    pub received_at: Timestamp,
    pub regime: String,
    pub decision_due: Deadline,
    pub response_due: Deadline,
    pub refusal: Vec<RefusalReason>,
    /// SHA-256 (hex) of the applicant's access code.
    #[serde(skip)]
    pub access_code_sha256: Option<String>,
    pub review_started: bool,
    pub extension: Option<ExtensionRecord>,
    /// The latest vote of each expert, in the order first cast.
    pub votes: Vec<CastVoteRecord>,
    pub decision: Option<DecisionRecord>,
    pub orders: Vec<OrderState>,
    pub referred: bool,
    pub response_sent_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Captures, re-captures and uploads, in the order first recorded.
    pub evidence: Vec<EvidenceRecord>,
    /// Notices delivered (orders, escalations, letters), in delivery order.
    pub notices: Vec<NoticeRecord>,
    /// Reminders of deadlines sent to staff.
    pub reminders: Vec<ReminderRecord>,
    /// Links to earlier cases recorded in this one (a link lives in the later
    /// case of the two), in the order first made.
    pub links: Vec<CaseLink>,
    /// Imported chat exports.
    pub chats: Vec<ChatRecord>,
    /// Referral packages prepared, in order.
    pub referral_packages: Vec<ReferralPackageRecord>,
    /// Accounts recorded in this case as one person, in the order first linked.
    pub actor_links: Vec<ActorLink>,
    /// Blocks and reports of accounts recorded in this case, in order.
    pub blocks: Vec<BlockRecord>,
    /// Signs experts confirmed on this case's entries (and withdrew), in
    /// the order first confirmed.
    pub signs: Vec<SignRecord>,
}

/// An event that cannot follow the events before it: the stored record is
/// inconsistent (a bug or tampering), never a user error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {index} ({event_type}) cannot follow the events before it: {why}")]
pub struct ReplayError {
    pub index: usize,
    pub event_type: &'static str,
    pub why: &'static str,
}

impl CaseState {
    /// Folds a case's events, first to last.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a CaseEvent>,
    ) -> Result<CaseState, ReplayError> {
        let mut events = events.into_iter().enumerate();
        let Some((_, first)) = events.next() else {
            return Err(ReplayError {
                index: 0,
                event_type: "none",
                why: "a case has events",
            });
        };
        let mut state = CaseState::start(first).ok_or(ReplayError {
            index: 0,
            event_type: first.type_name(),
            why: "a case begins with application_received",
        })?;
        for (index, event) in events {
            state.apply(event).map_err(|why| ReplayError {
                index,
                event_type: event.type_name(),
                why,
            })?;
        }
        Ok(state)
    }

    /// The state after the first event.
    pub fn start(event: &CaseEvent) -> Option<CaseState> {
        let CaseEvent::ApplicationReceived {
            application,
            channel,
            received_at,
            regime,
            decision_due,
            response_due,
            access_code_sha256,
        } = event
        else {
            return None;
        };
        Some(CaseState {
            phase: CasePhase::Received,
            application: application.as_ref().clone(),
            channel: *channel,
            received_at: *received_at,
            regime: regime.clone(),
            decision_due: *decision_due,
            response_due: *response_due,
            refusal: Vec::new(),
            access_code_sha256: access_code_sha256.clone(),
            review_started: false,
            extension: None,
            votes: Vec::new(),
            decision: None,
            orders: Vec::new(),
            referred: false,
            response_sent_at: None,
            closed_at: None,
            evidence: Vec::new(),
            notices: Vec::new(),
            reminders: Vec::new(),
            links: Vec::new(),
            chats: Vec::new(),
            referral_packages: Vec::new(),
            actor_links: Vec::new(),
            blocks: Vec::new(),
            signs: Vec::new(),
        })
    }

    pub fn evidence_item(&self, evidence_id: &str) -> Option<&EvidenceRecord> {
        self.evidence
            .iter()
            .find(|item| item.evidence_id == evidence_id)
    }

    /// The item `evidence_id`, created (for `kind` and `url`) when new; not
    /// yet captured.
    fn evidence_entry(
        &mut self,
        evidence_id: &str,
        kind: EvidenceKind,
        url: &str,
    ) -> Result<&mut EvidenceRecord, &'static str> {
        let item = self.evidence_item_entry(evidence_id, kind, url)?;
        if item.is_captured() {
            return Err("an evidence item is captured once");
        }
        Ok(item)
    }

    /// The item `evidence_id`, created (for `kind` and `url`) when new.
    fn evidence_item_entry(
        &mut self,
        evidence_id: &str,
        kind: EvidenceKind,
        url: &str,
    ) -> Result<&mut EvidenceRecord, &'static str> {
        let position = match self
            .evidence
            .iter()
            .position(|item| item.evidence_id == evidence_id)
        {
            Some(position) => position,
            None => {
                self.evidence.push(EvidenceRecord {
                    evidence_id: evidence_id.to_owned(),
                    kind,
                    url: url.to_owned(),
                    status: EvidenceStatus::Failed,
                    digest: None,
                    size: None,
                    captured_at: None,
                    reason: None,
                    log_index: None,
                    http_status: None,
                    original_id: None,
                    fingerprint: None,
                    browser: None,
                    stripped: None,
                    attempts: 0,
                    last_attempt_at: None,
                    retry_at: None,
                    order_id: None,
                    removal: None,
                    removal_reason: None,
                });
                self.evidence.len() - 1
            }
        };
        let item = &mut self.evidence[position];
        if item.kind != kind || item.url != url {
            return Err("an evidence id names one item");
        }
        Ok(item)
    }

    /// The link to `other_case_id` recorded in this case, active or not.
    pub fn link(&self, other_case_id: &str) -> Option<&CaseLink> {
        self.links
            .iter()
            .find(|link| link.other_case_id == other_case_id)
    }

    /// The sign `sign` on the entry `entry`, confirmed or withdrawn.
    pub fn sign(&self, entry: &str, sign: Sign) -> Option<&SignRecord> {
        self.signs
            .iter()
            .find(|record| record.entry == entry && record.sign == sign)
    }

    /// The link of these two accounts recorded in this case, active or undone.
    pub fn actor_link(&self, first: &str, second: &str) -> Option<&ActorLink> {
        let pair = account_pair(first, second);
        self.actor_links.iter().find(|link| link.accounts == pair)
    }

    fn link_mut(&mut self, other_case_id: &str) -> Option<&mut CaseLink> {
        self.links
            .iter_mut()
            .find(|link| link.other_case_id == other_case_id)
    }

    /// The chat occasions of this case as incident keys: one per day the
    /// actor wrote, on the chat's "resource" (`chat:<digest>`).
    pub fn chat_incident_keys(&self) -> Vec<crate::procedure::IncidentKey> {
        self.chats
            .iter()
            .flat_map(|chat| {
                chat.occasions
                    .iter()
                    .map(|occasion| crate::procedure::IncidentKey {
                        occurred_on: occasion.on,
                        resource_key: Some(format!("chat:{}", chat.digest)),
                    })
            })
            .collect()
    }

    pub fn order(&self, order_id: &str) -> Option<&OrderState> {
        self.orders.iter().find(|order| order.order_id == order_id)
    }

    fn order_mut(&mut self, order_id: &str) -> Result<&mut OrderState, &'static str> {
        self.orders
            .iter_mut()
            .find(|order| order.order_id == order_id)
            .ok_or("unknown order")
    }

    /// Applies one event. The checks here are the structural minimum that keeps
    /// the fold meaningful; the procedure's rules are enforced on commands.
    pub fn apply(&mut self, event: &CaseEvent) -> Result<(), &'static str> {
        match event {
            CaseEvent::ApplicationReceived { .. } => return Err("a case is received once"),
            CaseEvent::ApplicationRefused { reasons } => {
                expect_phase(self.phase, &[CasePhase::Received])?;
                self.refusal = reasons.clone();
                self.phase = CasePhase::Refused;
            }
            CaseEvent::ApplicationRegistered => {
                expect_phase(self.phase, &[CasePhase::Received])?;
                self.phase = CasePhase::Registered;
            }
            CaseEvent::ReviewStarted => {
                expect_phase(self.phase, &[CasePhase::Registered])?;
                self.review_started = true;
                self.phase = CasePhase::UnderReview;
            }
            CaseEvent::ReviewExtended {
                until,
                reason,
                decision_due,
                response_due,
                notice_due,
            } => {
                expect_phase(self.phase, &[CasePhase::Registered, CasePhase::UnderReview])?;
                self.extension = Some(ExtensionRecord {
                    until: *until,
                    reason: reason.clone(),
                    notice_due: *notice_due,
                    notice_sent_at: None,
                });
                self.decision_due = *decision_due;
                self.response_due = *response_due;
            }
            CaseEvent::ExtensionNoticeSent { sent_at } => {
                let extension = self.extension.as_mut().ok_or("no extension to notify")?;
                extension.notice_sent_at = Some(*sent_at);
            }
            CaseEvent::VoteCast {
                expert,
                chair,
                vote,
                category,
                indicators,
                reasons,
            } => {
                expect_phase(self.phase, &[CasePhase::UnderReview])?;
                let record = CastVoteRecord {
                    expert: expert.clone(),
                    chair: *chair,
                    vote: *vote,
                    category: *category,
                    indicators: indicators.clone(),
                    reasons: reasons.clone(),
                };
                match self.votes.iter_mut().find(|known| known.expert == *expert) {
                    Some(previous) => *previous = record,
                    None => self.votes.push(record),
                }
            }
            CaseEvent::DecisionMade {
                outcome,
                category,
                indicators,
                decided_at,
                ..
            } => {
                expect_phase(self.phase, &[CasePhase::Registered, CasePhase::UnderReview])?;
                self.decision = Some(DecisionRecord {
                    outcome: *outcome,
                    category: *category,
                    indicators: indicators.clone(),
                    decided_at: *decided_at,
                });
                self.phase = match outcome {
                    Outcome::Confirmed => CasePhase::Confirmed,
                    Outcome::NotConfirmed => CasePhase::NotConfirmed,
                };
            }
            CaseEvent::OrderIssued {
                order_id,
                owner,
                urls,
                issued_at,
            } => {
                expect_phase(self.phase, &[CasePhase::Confirmed])?;
                if self.order(order_id).is_some() {
                    return Err("order id already used");
                }
                self.orders.push(OrderState {
                    order_id: order_id.clone(),
                    owner: owner.clone(),
                    urls: urls.clone(),
                    status: OrderStatus::Issued,
                    issued_at: *issued_at,
                    delivered_at: None,
                    removal_due: None,
                    acknowledged_at: None,
                    removal_reported_at: None,
                    last_verification: None,
                    removed_at: None,
                    not_complied_at: None,
                    escalations: Vec::new(),
                    escalation_paused: None,
                    escalation_paused_for: jiff::SignedDuration::ZERO,
                });
            }
            CaseEvent::OrderDelivered {
                order_id,
                delivered_at,
                removal_due,
                ..
            } => {
                let order = self.order_mut(order_id)?;
                if order.status != OrderStatus::Issued {
                    return Err("an order is delivered once");
                }
                order.delivered_at = Some(*delivered_at);
                order.removal_due = Some(*removal_due);
                order.status = OrderStatus::Delivered;
            }
            CaseEvent::OrderAcknowledged {
                order_id,
                acknowledged_at,
            } => {
                let order = self.order_mut(order_id)?;
                order.acknowledged_at = Some(*acknowledged_at);
                if order.status == OrderStatus::Delivered {
                    order.status = OrderStatus::Acknowledged;
                }
            }
            CaseEvent::RemovalReported {
                order_id,
                reported_at,
                ..
            } => {
                let order = self.order_mut(order_id)?;
                order.removal_reported_at = Some(*reported_at);
                if matches!(
                    order.status,
                    OrderStatus::Delivered | OrderStatus::Acknowledged
                ) {
                    order.status = OrderStatus::RemovalReported;
                }
            }
            CaseEvent::RemovalVerified {
                order_id,
                result,
                verified_at,
                ..
            } => {
                let order = self.order_mut(order_id)?;
                order.last_verification = Some(*result);
                if *result == VerificationResult::Removed {
                    order.removed_at.get_or_insert(*verified_at);
                    order.status = OrderStatus::Removed;
                } else if order.status == OrderStatus::RemovalReported {
                    // The owner said it was removed; it was not. The order is open again.
                    order.status = if order.acknowledged_at.is_some() {
                        OrderStatus::Acknowledged
                    } else {
                        OrderStatus::Delivered
                    };
                }
            }
            CaseEvent::OrderNotComplied {
                order_id,
                recorded_at,
            } => {
                let order = self.order_mut(order_id)?;
                order.not_complied_at = Some(*recorded_at);
                order.status = OrderStatus::NotComplied;
            }
            CaseEvent::EscalationStepTaken { order_id, kind, .. } => {
                let order = self.order_mut(order_id)?;
                order.escalations.push(*kind);
                if order.status != OrderStatus::Removed {
                    order.status = OrderStatus::Escalated;
                }
            }
            CaseEvent::EscalationPaused {
                order_id,
                reason,
                paused_at,
            } => {
                let order = self.order_mut(order_id)?;
                if order.escalation_paused.is_some() {
                    return Err("the ladder is already paused");
                }
                order.escalation_paused = Some(EscalationPause {
                    since: *paused_at,
                    reason: reason.clone(),
                });
            }
            CaseEvent::EscalationResumed {
                order_id,
                resumed_at,
            } => {
                let order = self.order_mut(order_id)?;
                let pause = order
                    .escalation_paused
                    .take()
                    .ok_or("only a paused ladder is resumed")?;
                let paused = resumed_at.duration_since(pause.since);
                order.escalation_paused_for = order
                    .escalation_paused_for
                    .saturating_add(paused.max(jiff::SignedDuration::ZERO));
            }
            CaseEvent::NoticeDelivered {
                delivery_id,
                notice,
                audience,
                channel,
                order_id,
                delivered_at,
            } => {
                if let Some(order_id) = order_id
                    && self.order(order_id).is_none()
                {
                    return Err("unknown order");
                }
                self.notices.push(NoticeRecord {
                    delivery_id: delivery_id.clone(),
                    notice: notice.clone(),
                    audience: audience.clone(),
                    channel: channel.clone(),
                    order_id: order_id.clone(),
                    delivered_at: *delivered_at,
                });
            }
            CaseEvent::StaffReminded {
                deadline,
                due,
                reminded_at,
                recipients,
            } => {
                self.reminders.push(ReminderRecord {
                    deadline: deadline.clone(),
                    due: *due,
                    reminded_at: *reminded_at,
                    recipients: *recipients,
                });
            }
            CaseEvent::ReferredToLawEnforcement { .. } => {
                self.referred = true;
            }
            CaseEvent::ResponseSent { sent_at, .. } => {
                self.response_sent_at = Some(*sent_at);
            }
            CaseEvent::CaseClosed { closed_at } => {
                self.closed_at = Some(*closed_at);
                self.phase = CasePhase::Closed;
            }
            CaseEvent::EvidenceCaptured {
                evidence_id,
                kind,
                url,
                digest,
                size,
                captured_at,
                log_index,
                http_status,
                problem,
                original_id,
                fingerprint,
                browser,
                stripped,
                ..
            } => {
                if stripped.is_some() && *kind != EvidenceKind::Upload {
                    return Err("only an upload has a copy without metadata");
                }
                if let Some(original) = original_id
                    && !self
                        .evidence_item(original)
                        .is_some_and(EvidenceRecord::is_captured)
                {
                    return Err("a re-capture follows a capture");
                }
                let item = self.evidence_entry(evidence_id, *kind, url)?;
                item.status = if problem.is_some() {
                    EvidenceStatus::Failed
                } else {
                    EvidenceStatus::Ok
                };
                item.digest = Some(digest.clone());
                item.size = Some(*size);
                item.captured_at = Some(*captured_at);
                item.reason = problem.clone();
                item.log_index = Some(*log_index);
                item.http_status = Some(*http_status);
                item.original_id = original_id.clone();
                item.fingerprint = fingerprint.clone();
                item.browser = browser.clone();
                item.stripped = stripped.clone();
                item.retry_at = None;
            }
            CaseEvent::CaptureFailed {
                evidence_id,
                kind,
                url,
                reason,
                attempt,
                failed_at,
                retry_at,
            } => {
                let item = self.evidence_item_entry(evidence_id, *kind, url)?;
                // A kept capture with a problem (a 403 login wall, a 503, a
                // cut body) is also a failed attempt: one `capture_failed`
                // after it says whether it is retried (under a new item: the
                // file stays this item's) or given up. A clean capture has
                // nothing to add.
                if item.is_captured()
                    && (item.status == EvidenceStatus::Ok || *attempt <= item.attempts)
                {
                    return Err("a failed attempt follows a capture only when it has a problem");
                }
                item.status = EvidenceStatus::Failed;
                item.reason = Some(reason.clone());
                item.attempts = item.attempts.max(*attempt);
                item.last_attempt_at = Some(*failed_at);
                item.retry_at = *retry_at;
            }
            CaseEvent::CasesLinked {
                other_case_id,
                basis,
                actor_key,
                child_match,
                resource_key,
                automatic,
                by,
                reason,
                linked_at,
            } => {
                let link = CaseLink {
                    other_case_id: other_case_id.clone(),
                    basis: *basis,
                    actor_key: actor_key.clone(),
                    resource_key: resource_key.clone(),
                    child_match: *child_match,
                    automatic: *automatic,
                    by: by.clone(),
                    reason: reason.clone(),
                    linked_at: *linked_at,
                    active: true,
                    unlinked_by: None,
                    unlink_reason: None,
                    unlinked_at: None,
                };
                match self.link_mut(other_case_id) {
                    Some(existing) if existing.active => return Err("the cases are linked"),
                    Some(existing) => *existing = link,
                    None => self.links.push(link),
                }
            }
            CaseEvent::CasesUnlinked {
                other_case_id,
                by,
                reason,
                unlinked_at,
            } => {
                let link = self
                    .link_mut(other_case_id)
                    .filter(|link| link.active)
                    .ok_or("only linked cases are unlinked")?;
                link.active = false;
                link.unlinked_by = Some(by.clone());
                link.unlink_reason = Some(reason.clone());
                link.unlinked_at = Some(*unlinked_at);
            }
            CaseEvent::ChatImported {
                evidence_id,
                format,
                digest,
                actor_sender,
                actor_key,
                platform,
                messages,
                actor_messages,
                occasions,
                imported_at,
                time_zone,
                ..
            } => {
                let stored = self.evidence_item(evidence_id).is_some_and(|item| {
                    item.kind == EvidenceKind::Upload && item.digest.as_ref() == Some(digest)
                });
                if !stored {
                    return Err("an imported chat is a stored upload");
                }
                if self
                    .chats
                    .iter()
                    .any(|chat| chat.evidence_id == *evidence_id)
                {
                    return Err("a chat is imported once");
                }
                self.chats.push(ChatRecord {
                    evidence_id: evidence_id.clone(),
                    format: format.clone(),
                    digest: digest.clone(),
                    actor_sender: actor_sender.clone(),
                    actor_key: actor_key.clone(),
                    platform: *platform,
                    messages: *messages,
                    actor_messages: *actor_messages,
                    occasions: occasions.clone(),
                    imported_at: *imported_at,
                    time_zone: time_zone.clone(),
                });
            }
            CaseEvent::ActorsLinked {
                accounts,
                reason,
                by,
                linked_at,
            } => {
                let pair = account_pair(&accounts[0], &accounts[1]);
                if pair[0] == pair[1] {
                    return Err("an account is not linked to itself");
                }
                let link = ActorLink {
                    accounts: pair.clone(),
                    by: by.clone(),
                    reason: reason.clone(),
                    linked_at: *linked_at,
                    active: true,
                    unlinked_by: None,
                    unlink_reason: None,
                    unlinked_at: None,
                };
                match self
                    .actor_links
                    .iter_mut()
                    .find(|link| link.accounts == pair)
                {
                    Some(existing) if existing.active => return Err("the accounts are linked"),
                    Some(existing) => *existing = link,
                    None => self.actor_links.push(link),
                }
            }
            CaseEvent::ActorsUnlinked {
                accounts,
                reason,
                by,
                unlinked_at,
            } => {
                let pair = account_pair(&accounts[0], &accounts[1]);
                let link = self
                    .actor_links
                    .iter_mut()
                    .find(|link| link.accounts == pair && link.active)
                    .ok_or("only linked accounts are unlinked")?;
                link.active = false;
                link.unlinked_by = Some(by.clone());
                link.unlink_reason = Some(reason.clone());
                link.unlinked_at = Some(*unlinked_at);
            }
            CaseEvent::AccountBlocked {
                account,
                platform,
                on,
                reported,
                by,
                recorded_at,
            } => self.blocks.push(BlockRecord {
                account: account.clone(),
                platform: *platform,
                on: *on,
                reported: *reported,
                by: by.clone(),
                recorded_at: *recorded_at,
            }),
            CaseEvent::SignConfirmed {
                entry,
                sign,
                reason,
                by,
                confirmed_at,
            } => {
                let record = SignRecord {
                    entry: entry.clone(),
                    sign: *sign,
                    by: by.clone(),
                    reason: reason.clone(),
                    confirmed_at: *confirmed_at,
                    active: true,
                    withdrawn_by: None,
                    withdraw_reason: None,
                    withdrawn_at: None,
                };
                match self
                    .signs
                    .iter_mut()
                    .find(|record| record.entry == *entry && record.sign == *sign)
                {
                    Some(existing) if existing.active => return Err("the sign is confirmed"),
                    Some(existing) => *existing = record,
                    None => self.signs.push(record),
                }
            }
            CaseEvent::SignWithdrawn {
                entry,
                sign,
                reason,
                by,
                withdrawn_at,
            } => {
                let record = self
                    .signs
                    .iter_mut()
                    .find(|record| record.entry == *entry && record.sign == *sign && record.active)
                    .ok_or("only a confirmed sign is withdrawn")?;
                record.active = false;
                record.withdrawn_by = Some(by.clone());
                record.withdraw_reason = Some(reason.clone());
                record.withdrawn_at = Some(*withdrawn_at);
            }
            CaseEvent::ReferralPackagePrepared {
                evidence_id,
                language,
                digest,
                pdf_digest,
                ..
            } => {
                let stored = self.evidence_item(evidence_id).is_some_and(|item| {
                    item.kind == EvidenceKind::Upload && item.digest.as_ref() == Some(digest)
                });
                if !stored {
                    return Err("a referral package is a stored upload");
                }
                self.referral_packages.push(ReferralPackageRecord {
                    evidence_id: evidence_id.clone(),
                    language: *language,
                    pdf_digest: pdf_digest.clone(),
                });
            }
            CaseEvent::RemovalRechecked {
                order_id,
                evidence_id,
                url,
                result,
                reason,
                ..
            } => {
                if self.order(order_id).is_none() {
                    return Err("unknown order");
                }
                let item = self
                    .evidence
                    .iter_mut()
                    .find(|item| item.evidence_id == *evidence_id)
                    .ok_or("a recheck names its evidence item")?;
                if item.url != *url || !item.is_settled() {
                    return Err("a recheck follows its re-capture");
                }
                item.order_id = Some(order_id.clone());
                item.removal = Some(*result);
                item.removal_reason = Some(reason.clone());
            }
        }
        Ok(())
    }
}

fn expect_phase(phase: CasePhase, allowed: &[CasePhase]) -> Result<(), &'static str> {
    if allowed.contains(&phase) {
        Ok(())
    } else {
        Err("not allowed in the case's phase")
    }
}

/// What a pending deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The expert group's decision (3 working days, or the extended date).
    Decision,
    /// Telling the applicant of an extension (2 working days).
    ExtensionNotice,
    /// The response to the applicant (3 working days).
    Response,
    /// The owner's removal of the content (24 hours from delivery).
    Removal,
    /// The next step of the escalation ladder.
    Escalation,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Decision => "decision",
            DeadlineKind::ExtensionNotice => "extension_notice",
            DeadlineKind::Response => "response",
            DeadlineKind::Removal => "removal",
            DeadlineKind::Escalation => "escalation",
        }
    }
}

/// A deadline the case is still waiting on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingDeadline {
    pub kind: DeadlineKind,
    pub due_at: Timestamp,
    /// The last day, for deadlines counted in days.
    pub last_day: Option<Date>,
    pub order_id: Option<String>,
    pub provisional: bool,
}

impl CaseState {
    /// Every deadline the case is still waiting on, earliest first. The
    /// escalation ladder's step times come from the case's regime.
    pub fn pending_deadlines(
        &self,
        ladder: &[crate::regime::EscalationStep],
    ) -> Vec<PendingDeadline> {
        let mut pending = Vec::new();
        if self.phase == CasePhase::Closed {
            return pending;
        }
        let day_deadline = |kind, deadline: &Deadline| PendingDeadline {
            kind,
            due_at: deadline.due_at,
            last_day: Some(deadline.last_day),
            order_id: None,
            provisional: deadline.provisional,
        };
        if self.phase.awaits_decision() {
            pending.push(day_deadline(DeadlineKind::Decision, &self.decision_due));
        }
        if let Some(extension) = &self.extension
            && extension.notice_sent_at.is_none()
        {
            pending.push(day_deadline(
                DeadlineKind::ExtensionNotice,
                &extension.notice_due,
            ));
        }
        if self.response_sent_at.is_none() {
            pending.push(day_deadline(DeadlineKind::Response, &self.response_due));
        }
        for order in &self.orders {
            let Some(removal_due) = order.removal_due else {
                continue;
            };
            match order.status {
                OrderStatus::Delivered
                | OrderStatus::Acknowledged
                | OrderStatus::RemovalReported => pending.push(PendingDeadline {
                    kind: DeadlineKind::Removal,
                    due_at: removal_due,
                    last_day: None,
                    order_id: Some(order.order_id.clone()),
                    provisional: false,
                }),
                OrderStatus::NotComplied | OrderStatus::Escalated => {
                    if let Some(step) = ladder.get(order.escalations.len()) {
                        pending.push(PendingDeadline {
                            kind: DeadlineKind::Escalation,
                            due_at: crate::deadline::hours_after(removal_due, step.after_hours),
                            last_day: None,
                            order_id: Some(order.order_id.clone()),
                            provisional: false,
                        });
                    }
                }
                OrderStatus::Issued | OrderStatus::Removed => {}
            }
        }
        pending.sort_by_key(|deadline| deadline.due_at);
        pending
    }
}

impl PendingDeadline {
    /// How much time is left, in the deadline's own unit: working days for
    /// deadlines counted in days, hours for those on the clock; negative when
    /// overdue. `None` when the calendar has no data for a year in between.
    pub fn time_left(
        &self,
        now: Timestamp,
        calendar: &crate::calendar::WorkingCalendar,
    ) -> Option<TimeLeft> {
        let overdue = now >= self.due_at;
        match self.last_day {
            Some(last_day) => {
                let days = calendar
                    .working_days_between(crate::deadline::almaty_date(now), last_day)
                    .ok()?;
                Some(TimeLeft::WorkingDays { days, overdue })
            }
            None => Some(TimeLeft::Hours {
                hours: now.duration_until(self.due_at).as_hours(),
                overdue,
            }),
        }
    }
}

/// Time left before a deadline, for the deadline board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLeft {
    WorkingDays { days: i32, overdue: bool },
    Hours { hours: i64, overdue: bool },
}

impl TimeLeft {
    /// "3 working days left", "overdue by 2 working days", "5 hours left"…
    pub fn message(self) -> crate::message::Message {
        use crate::message::Message;
        match self {
            TimeLeft::WorkingDays {
                days,
                overdue: true,
            } => Message::new("cli-overdue-days").with("days", i64::from(days.unsigned_abs())),
            TimeLeft::WorkingDays {
                days,
                overdue: false,
            } => Message::new("cli-days-left").with("days", i64::from(days)),
            TimeLeft::Hours {
                hours,
                overdue: true,
            } => Message::new("cli-overdue-hours").with("hours", hours.abs()),
            TimeLeft::Hours {
                hours,
                overdue: false,
            } => Message::new("cli-hours-left").with("hours", hours),
        }
    }

    /// The message for a deadline whose time left cannot be computed.
    pub fn unknown() -> crate::message::Message {
        crate::message::Message::new("cli-days-left-unknown")
    }
}
