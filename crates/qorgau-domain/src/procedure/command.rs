//! Commands: what people ask the procedure to do. Each is checked against the
//! case's current state and either yields the events that record it or a typed
//! error that says why not. `handle` is pure: the shell loads the events, folds
//! them, calls `handle`, and appends the result in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::application::ApplicationForm;
use crate::application::{Application, Channel, FieldError, parse_application, refusal_reasons};
use crate::calendar::{CalendarError, WorkingCalendar};
use crate::category::{Category, CriminalIndicator};
use crate::deadline::{
    Deadline, almaty_date, calendar_days_after, format_almaty, hours_after, working_days_deadline,
};
use crate::linking::{ChatOccasion, ChildMatch, LinkBasis};
use crate::message::{Explain, Message};
use crate::procedure::event::{
    CaseEvent, Outcome, SystematicAssessment, VerificationResult, VoteChoice,
};
use crate::procedure::state::{CasePhase, CaseState, OrderStatus};
use crate::pursuit::Sign;
use crate::regime::{CastVote, DecisionRuleNotMet, Regime, RegimeError, Regimes};
use crate::validation::actor::ActorAccount;

/// Who is acting, as the procedure needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Staff of the authorized body.
    Coordinator,
    /// A member of the expert group; `chair` for the chair or deputy chair.
    Expert { chair: bool },
    /// The owner or legal representative of an Internet resource.
    ResourceOwner { owner: String },
    /// Qorgau itself (the scheduler, delivery workers).
    System,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            name: "qorgau".to_owned(),
            role: Role::System,
        }
    }

    fn is_chair(&self) -> bool {
        matches!(self.role, Role::Expert { chair: true })
    }

    fn is_staff_or_system(&self) -> bool {
        matches!(self.role, Role::Coordinator | Role::System)
    }
}

/// What a command needs besides the case: the moment, the calendar, the case's
/// regime and who is acting.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub case_id: &'a str,
    pub now: Timestamp,
    pub calendar: &'a WorkingCalendar,
    pub regime: &'a Regime,
    pub actor: &'a Actor,
}

/// An incident in another case, as far as the "two or more times" count needs it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IncidentKey {
    pub occurred_on: Date,
    pub resource_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    StartReview,
    /// The chair extends consideration to `until` (at most the regime's limit).
    Extend {
        until: Date,
        reason: String,
    },
    SendExtensionNotice,
    Vote {
        vote: VoteChoice,
        category: Category,
        indicators: Vec<CriminalIndicator>,
        reasons: String,
    },
    /// Applies the regime's decision rule to the votes cast. `group_size` is the
    /// number of the expert group's members; `linked_incidents` are incidents in
    /// cases that share an actor account or a resource with this one.
    Decide {
        group_size: u32,
        linked_incidents: Vec<IncidentKey>,
        override_reason: Option<String>,
    },
    /// Orders for the given URLs to one owner; with no URLs, orders for every
    /// resource not yet ordered, one per owner.
    IssueOrders {
        owner: Option<String>,
        urls: Vec<String>,
    },
    RecordDelivery {
        order_id: String,
        delivered_at: Option<Timestamp>,
        channel: String,
    },
    Acknowledge {
        order_id: String,
    },
    ReportRemoval {
        order_id: String,
        removed_urls: Vec<String>,
        note: Option<String>,
    },
    VerifyRemoval {
        order_id: String,
        result: VerificationResult,
        note: Option<String>,
    },
    RecordNonCompliance {
        order_id: String,
    },
    Escalate {
        order_id: String,
        early_reason: Option<String>,
    },
    /// Stops the order's escalation ladder (a coordinator, with a reason).
    PauseEscalation {
        order_id: String,
        reason: String,
    },
    ResumeEscalation {
        order_id: String,
    },
    /// Records that a notice reached its addressee (Qorgau's delivery
    /// worker). Recording the same `delivery_id` twice records nothing; the
    /// first delivery of `order.issued` starts the removal clock, the first of
    /// the applicant's `response` records the response as sent.
    RecordNotice {
        delivery_id: String,
        notice: String,
        audience: String,
        channel: String,
        order_id: Option<String>,
    },
    /// Records that staff were reminded of a deadline (the scheduler); once
    /// per deadline and due time.
    RemindStaff {
        deadline: String,
        due: Timestamp,
        recipients: u32,
    },
    ReferToLawEnforcement {
        authority: String,
        note: Option<String>,
    },
    SendResponse {
        channel: String,
    },
    Close,
    /// Links this case to an earlier one (a link is recorded in the later
    /// case of the two: `crate::linking`), with the staff member's reason.
    LinkCase {
        other_case_id: String,
        basis: LinkBasis,
        actor_key: Option<String>,
        reason: String,
    },
    /// Undoes the link to `other_case_id` recorded in this case.
    UnlinkCase {
        other_case_id: String,
        reason: String,
    },
    /// An expert's chat import: the file (already in the blob store) and its
    /// summary. Yields the upload's `evidence_captured` and `chat_imported`.
    ImportChat(Box<ChatImport>),
    /// The referral package, already rendered and in the blob store.
    PrepareReferral(PreparedReferral),
    /// Records that two actor accounts are one person, with the staff
    /// member's reason (`actors_linked`, in this case).
    LinkActors {
        accounts: [ActorAccount; 2],
        reason: String,
    },
    /// Undoes a link of two accounts (their keys) recorded in this case.
    UnlinkActors {
        accounts: [String; 2],
        reason: String,
    },
    /// Records that the child (or a parent) blocked or reported `account`
    /// on the Almaty date `on`.
    RecordBlock {
        account: ActorAccount,
        on: Date,
        reported: bool,
    },
    /// Confirms, with the staff member's reason, that the contact entry
    /// `entry` of this case (its timeline reference) shows `sign`
    /// (`sign_confirmed`): the expert read it; a lexicon match only proposes.
    ConfirmSign {
        entry: String,
        sign: Sign,
        reason: String,
    },
    /// Withdraws a confirmed sign, with a reason (`sign_withdrawn`).
    WithdrawSign {
        entry: String,
        sign: Sign,
        reason: String,
    },
}

/// What `Command::ImportChat` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatImport {
    pub evidence_id: String,
    pub format: String,
    /// `sha256:<hex>` of the stored file.
    pub digest: String,
    pub size: u64,
    pub actor_sender: String,
    pub actor: ActorAccount,
    pub messages: u64,
    pub skipped: u64,
    pub actor_messages: u64,
    pub occasions: Vec<ChatOccasion>,
    /// The IANA zone the file's zoneless times were read in.
    pub time_zone: Option<String>,
}

/// What `Command::PrepareReferral` records: the package's document (an
/// upload of the case: `evidence_captured`, then `referral_package_prepared`)
/// and the same package as a PDF, a blob beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedReferral {
    pub evidence_id: String,
    pub language: crate::message::Language,
    /// `sha256:<hex>` of the stored document.
    pub digest: String,
    pub size: u64,
    /// Cases whose entries are in the package's timeline.
    pub linked_cases: Vec<String>,
    /// `sha256:<hex>` of the stored PDF.
    pub pdf_digest: Option<String>,
}

/// An earlier case that an application matches (found by the shell in the
/// store's read models), for the automatic links at intake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkCandidate {
    pub case_id: String,
    /// A shared actor account, if any.
    pub actor_key: Option<String>,
    /// How the child matched, if it did.
    pub child_match: Option<ChildMatch>,
    /// A shared Internet resource (its key), if any.
    pub resource_key: Option<String>,
}

/// At most this many earlier cases are linked automatically for naming one of
/// the new application's Internet resources (the most recent ones). A class
/// chat or a public channel where many children are bullied is named by many
/// applications about different children and by different people; a popular
/// resource must not link every new case to every earlier one. The most
/// recent show that the place is a hotspot; experts link older ones by hand.
pub const MAX_AUTOMATIC_RESOURCE_LINKS: usize = 10;

/// At most this many earlier cases are linked automatically for naming one of
/// the new application's actor accounts (the most recent ones). One account
/// that harasses many children — a public channel reported by hundreds of
/// families — must not make every new case link to every earlier one (a
/// record growing with the square of the cases); the most recent cases show
/// the pattern, and experts link older ones by hand.
pub const MAX_AUTOMATIC_ACTOR_LINKS: usize = 10;

/// At most this many earlier cases about the same child are linked
/// automatically (the most recent ones). A real child has a handful; the cap
/// is for the form anyone can post without an account: the same child's name
/// and birth date sent a thousand times must not make each new case carry a
/// link to every earlier one (a record growing with the square of the posts,
/// and intake slowing with it). Experts link older cases by hand.
pub const MAX_AUTOMATIC_CHILD_LINKS: usize = 25;

/// The `cases_linked` events recorded by the system with a new application:
/// one per earlier case among the [`MAX_AUTOMATIC_CHILD_LINKS`] most recent
/// about the same child, the [`MAX_AUTOMATIC_ACTOR_LINKS`] most recent naming
/// one of its actor accounts and the [`MAX_AUTOMATIC_RESOURCE_LINKS`] most
/// recent naming one of its Internet resources. Each link's basis is the
/// strongest thing the two cases share — `same_child`, else `same_actor`,
/// else `same_resource` — and it names the shared account and resource too,
/// when there are.
///
/// Each kind of match is capped on its own, so a popular resource or account
/// never crowds out the child's own cases, and a new application is linked to
/// at most 45 cases however many share something with it. Because the caps
/// apply to what is matched, not to the basis the link ends up with, the
/// store needs only the most recent cases for each key — a bounded read under
/// the write lock, whatever a key's popularity (`qorgau_store`'s link
/// lookup) — and `candidates` may hold more than that: the result is the same
/// for any candidates that hold every case of those three "most recent" sets
/// with every key it shares.
pub fn automatic_links(candidates: &[LinkCandidate], now: Timestamp) -> Vec<CaseEvent> {
    #[derive(Default)]
    struct Slot {
        actor_key: Option<String>,
        child_match: Option<ChildMatch>,
        resource_key: Option<String>,
    }
    let mut by_case: BTreeMap<&str, Slot> = BTreeMap::new();
    for candidate in candidates {
        let slot = by_case.entry(candidate.case_id.as_str()).or_default();
        if slot.actor_key.is_none() {
            slot.actor_key.clone_from(&candidate.actor_key);
        }
        if slot.resource_key.is_none() {
            slot.resource_key.clone_from(&candidate.resource_key);
        }
        // An IIN match is the stronger one.
        slot.child_match = match (slot.child_match, candidate.child_match) {
            (Some(ChildMatch::Iin), _) | (_, Some(ChildMatch::Iin)) => Some(ChildMatch::Iin),
            (known, None) => known,
            (_, found) => found,
        };
    }
    // Case numbers sort by year, then number: the most recent last.
    let mut linked: BTreeSet<&str> = BTreeSet::new();
    let mut link_most_recent = |matches: fn(&Slot) -> bool, cap: usize| {
        linked.extend(
            by_case
                .iter()
                .rev()
                .filter(|(_, slot)| matches(slot))
                .take(cap)
                .map(|(case_id, _)| *case_id),
        );
    };
    link_most_recent(|slot| slot.child_match.is_some(), MAX_AUTOMATIC_CHILD_LINKS);
    link_most_recent(|slot| slot.actor_key.is_some(), MAX_AUTOMATIC_ACTOR_LINKS);
    link_most_recent(
        |slot| slot.resource_key.is_some(),
        MAX_AUTOMATIC_RESOURCE_LINKS,
    );
    let basis_of = |slot: &Slot| {
        if slot.child_match.is_some() {
            Some(LinkBasis::SameChild)
        } else if slot.actor_key.is_some() {
            Some(LinkBasis::SameActor)
        } else if slot.resource_key.is_some() {
            Some(LinkBasis::SameResource)
        } else {
            None
        }
    };
    by_case
        .into_iter()
        .filter(|(case_id, _)| linked.contains(case_id))
        .filter_map(|(case_id, slot)| {
            let basis = basis_of(&slot)?;
            Some(CaseEvent::CasesLinked {
                other_case_id: case_id.to_owned(),
                basis,
                actor_key: slot.actor_key,
                child_match: slot.child_match,
                resource_key: slot.resource_key,
                automatic: true,
                by: Actor::system().name,
                reason: None,
                linked_at: now,
            })
        })
        .collect()
}

/// Why a command was refused. Every variant explains itself to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    #[error("cannot {action} a case that is {phase:?}")]
    WrongPhase {
        action: &'static str,
        phase: CasePhase,
    },
    #[error("the decision was already made on {decided_at}")]
    AlreadyDecided { decided_at: Timestamp },
    #[error("{action}: not allowed for this role (needs {who})")]
    NotAllowed {
        action: &'static str,
        who: &'static str,
    },
    #[error("the regime {regime} provides no extension")]
    ExtensionNotProvided { regime: String },
    #[error("consideration was already extended to {until}")]
    AlreadyExtended { until: Date },
    #[error("an extension may run to {latest} at the latest")]
    ExtensionTooLong { latest: Date },
    #[error("the extension must end after the current deadline {current}")]
    ExtensionTooShort { current: Date },
    #[error("the decision deadline {due} has passed; it can no longer be extended")]
    ExtensionTooLate { due: Date },
    #[error("there is no extension to notify")]
    NoExtension,
    #[error("the extension notice was already sent")]
    NoticeAlreadySent,
    #[error("a reason is required")]
    ReasonRequired { field: &'static str },
    #[error("a confirming vote names a category; a not-confirming vote names none")]
    VoteCategoryMismatch,
    #[error("criminal indicators go with the criminal category")]
    IndicatorsWithoutCriminal,
    #[error("the decision rule is not met: {0}")]
    DecisionRule(DecisionRuleNotMet),
    #[error("cyberbullying is systematic (two or more times); {incidents} incident(s) on record")]
    NotSystematic { incidents: u32 },
    #[error("an order needs a confirmed decision")]
    OrderNeedsConfirmedDecision,
    #[error("{url} is not a resource of this case")]
    UrlNotInCase { url: String },
    #[error("{url} is already in order {order_id}")]
    UrlAlreadyOrdered { url: String, order_id: String },
    #[error("every resource of this case is already ordered")]
    NothingToOrder,
    #[error("no order {order_id} in this case")]
    UnknownOrder { order_id: String },
    #[error("order {order_id} is {status:?}; cannot {action}")]
    OrderWrongStatus {
        order_id: String,
        status: OrderStatus,
        action: &'static str,
    },
    #[error("a time in the future is not a record of the past")]
    TimeInFuture,
    #[error("the removal deadline {due} has not passed")]
    RemovalNotDue { due: Timestamp },
    #[error("every step of the escalation ladder has been taken")]
    LadderExhausted,
    #[error("the next step is due at {due}; give a reason to act early")]
    EscalationNotDue { due: Timestamp },
    #[error("the escalation ladder of order {order_id} is paused")]
    EscalationPaused { order_id: String },
    #[error("the escalation ladder of order {order_id} is not paused")]
    EscalationNotPaused { order_id: String },
    #[error("a referral needs a confirmed decision of cyberstalking or criminal indicators")]
    ReferralNotWarranted,
    #[error("the case was already referred")]
    AlreadyReferred,
    #[error("the response was already sent")]
    ResponseAlreadySent,
    #[error("the response reports the outcome; there is none yet")]
    ResponseBeforeOutcome,
    #[error("the case cannot be closed yet: {why}")]
    NotReadyToClose { why: &'static str },
    #[error("a case is not linked to itself")]
    LinkToItself,
    #[error("a link is recorded in the later case; {other_case_id} is later than this one")]
    LinkFromEarlierCase { other_case_id: String },
    #[error("the cases are already linked")]
    AlreadyLinked { other_case_id: String },
    #[error("the cases are not linked")]
    NotLinked { other_case_id: String },
    #[error("the sender marked as the actor wrote nothing in this chat")]
    NothingFromActor { sender: String },
    #[error("a referral package follows the referral")]
    NotReferred,
    #[error("an account is one person with itself already")]
    SameAccount,
    #[error("these accounts are already recorded as one person in this case")]
    ActorsAlreadyLinked { accounts: [String; 2] },
    #[error("these accounts are not recorded as one person in this case")]
    ActorsNotLinked { accounts: [String; 2] },
    #[error("a block is recorded on or before today; {on} is later")]
    BlockInFuture { on: Date },
    #[error("this block is already recorded")]
    BlockAlreadyRecorded,
    #[error("{entry} is no contact entry of this case")]
    UnknownEntry { entry: String },
    #[error("the sign is already confirmed on this entry")]
    SignAlreadyConfirmed { entry: String },
    #[error("the sign is not confirmed on this entry")]
    SignNotConfirmed { entry: String },
}

impl Explain for ProcedureError {
    fn code(&self) -> &'static str {
        match self {
            ProcedureError::WrongPhase { .. } => "wrong_phase",
            ProcedureError::AlreadyDecided { .. } => "already_decided",
            ProcedureError::NotAllowed { .. } => "not_allowed",
            ProcedureError::ExtensionNotProvided { .. } => "extension_not_provided",
            ProcedureError::AlreadyExtended { .. } => "already_extended",
            ProcedureError::ExtensionTooLong { .. } => "extension_too_long",
            ProcedureError::ExtensionTooShort { .. } => "extension_too_short",
            ProcedureError::ExtensionTooLate { .. } => "extension_too_late",
            ProcedureError::NoExtension => "no_extension",
            ProcedureError::NoticeAlreadySent => "notice_already_sent",
            ProcedureError::ReasonRequired { .. } => "reason_required",
            ProcedureError::VoteCategoryMismatch => "vote_category_mismatch",
            ProcedureError::IndicatorsWithoutCriminal => "indicators_without_criminal",
            ProcedureError::DecisionRule(inner) => inner.code(),
            ProcedureError::NotSystematic { .. } => "not_systematic",
            ProcedureError::OrderNeedsConfirmedDecision => "order_needs_confirmed_decision",
            ProcedureError::UrlNotInCase { .. } => "url_not_in_case",
            ProcedureError::UrlAlreadyOrdered { .. } => "url_already_ordered",
            ProcedureError::NothingToOrder => "nothing_to_order",
            ProcedureError::UnknownOrder { .. } => "unknown_order",
            ProcedureError::OrderWrongStatus { .. } => "order_wrong_status",
            ProcedureError::TimeInFuture => "time_in_future",
            ProcedureError::RemovalNotDue { .. } => "removal_not_due",
            ProcedureError::LadderExhausted => "ladder_exhausted",
            ProcedureError::EscalationNotDue { .. } => "escalation_not_due",
            ProcedureError::EscalationPaused { .. } => "escalation_paused",
            ProcedureError::EscalationNotPaused { .. } => "escalation_not_paused",
            ProcedureError::ReferralNotWarranted => "referral_not_warranted",
            ProcedureError::AlreadyReferred => "already_referred",
            ProcedureError::ResponseAlreadySent => "response_already_sent",
            ProcedureError::ResponseBeforeOutcome => "response_before_outcome",
            ProcedureError::NotReadyToClose { .. } => "not_ready_to_close",
            ProcedureError::LinkToItself => "link_to_itself",
            ProcedureError::LinkFromEarlierCase { .. } => "link_from_earlier_case",
            ProcedureError::AlreadyLinked { .. } => "already_linked",
            ProcedureError::NotLinked { .. } => "not_linked",
            ProcedureError::SameAccount => "actors_same_account",
            ProcedureError::ActorsAlreadyLinked { .. } => "actors_already_linked",
            ProcedureError::ActorsNotLinked { .. } => "actors_not_linked",
            ProcedureError::BlockInFuture { .. } => "block_in_future",
            ProcedureError::BlockAlreadyRecorded => "block_already_recorded",
            ProcedureError::UnknownEntry { .. } => "unknown_entry",
            ProcedureError::SignAlreadyConfirmed { .. } => "sign_already_confirmed",
            ProcedureError::SignNotConfirmed { .. } => "sign_not_confirmed",
            ProcedureError::NothingFromActor { .. } => "nothing_from_actor",
            ProcedureError::NotReferred => "not_referred",
        }
    }

    fn explain(&self) -> Message {
        match self {
            ProcedureError::WrongPhase { phase, .. } => {
                Message::new("procedure-wrong-phase").with("phase", phase.as_str())
            }
            ProcedureError::AlreadyDecided { decided_at } => {
                Message::new("procedure-already-decided").with("date", format_almaty(*decided_at))
            }
            ProcedureError::NotAllowed { who, .. } => {
                Message::new("procedure-not-allowed").with("who", *who)
            }
            ProcedureError::ExtensionNotProvided { regime } => {
                Message::new("procedure-extension-not-provided").with("regime", regime.as_str())
            }
            ProcedureError::AlreadyExtended { until } => {
                Message::new("procedure-already-extended").with("date", until.to_string())
            }
            ProcedureError::ExtensionTooLong { latest } => {
                Message::new("procedure-extension-too-long").with("date", latest.to_string())
            }
            ProcedureError::ExtensionTooShort { current } => {
                Message::new("procedure-extension-too-short").with("date", current.to_string())
            }
            ProcedureError::ExtensionTooLate { due } => {
                Message::new("procedure-extension-too-late").with("date", due.to_string())
            }
            ProcedureError::NoExtension => Message::new("procedure-no-extension"),
            ProcedureError::NoticeAlreadySent => Message::new("procedure-notice-already-sent"),
            ProcedureError::ReasonRequired { field } => {
                Message::new("procedure-reason-required").with("field", *field)
            }
            ProcedureError::VoteCategoryMismatch => {
                Message::new("procedure-vote-category-mismatch")
            }
            ProcedureError::IndicatorsWithoutCriminal => {
                Message::new("procedure-indicators-without-criminal")
            }
            ProcedureError::DecisionRule(inner) => inner.explain(),
            ProcedureError::NotSystematic { incidents } => {
                Message::new("procedure-not-systematic").with("incidents", i64::from(*incidents))
            }
            ProcedureError::OrderNeedsConfirmedDecision => {
                Message::new("procedure-order-needs-confirmed-decision")
            }
            ProcedureError::UrlNotInCase { url } => {
                Message::new("procedure-url-not-in-case").with("url", url.as_str())
            }
            ProcedureError::UrlAlreadyOrdered { url, order_id } => {
                Message::new("procedure-url-already-ordered")
                    .with("url", url.as_str())
                    .with("order", order_id.as_str())
            }
            ProcedureError::NothingToOrder => Message::new("procedure-nothing-to-order"),
            ProcedureError::UnknownOrder { order_id } => {
                Message::new("procedure-unknown-order").with("order", order_id.as_str())
            }
            ProcedureError::OrderWrongStatus {
                order_id, status, ..
            } => Message::new("procedure-order-wrong-status")
                .with("order", order_id.as_str())
                .with("status", order_status_name(*status)),
            ProcedureError::TimeInFuture => Message::new("procedure-time-in-future"),
            ProcedureError::RemovalNotDue { due } => {
                Message::new("procedure-removal-not-due").with("date", format_almaty(*due))
            }
            ProcedureError::LadderExhausted => Message::new("procedure-ladder-exhausted"),
            ProcedureError::EscalationNotDue { due } => {
                Message::new("procedure-escalation-not-due").with("date", format_almaty(*due))
            }
            ProcedureError::EscalationPaused { order_id } => {
                Message::new("procedure-escalation-paused").with("order", order_id.as_str())
            }
            ProcedureError::EscalationNotPaused { order_id } => {
                Message::new("procedure-escalation-not-paused").with("order", order_id.as_str())
            }
            ProcedureError::ReferralNotWarranted => {
                Message::new("procedure-referral-not-warranted")
            }
            ProcedureError::AlreadyReferred => Message::new("procedure-already-referred"),
            ProcedureError::ResponseAlreadySent => Message::new("procedure-response-already-sent"),
            ProcedureError::ResponseBeforeOutcome => {
                Message::new("procedure-response-before-outcome")
            }
            ProcedureError::NotReadyToClose { why } => {
                Message::new("procedure-not-ready-to-close").with("why", *why)
            }
            ProcedureError::LinkToItself => Message::new("linking-to-itself"),
            ProcedureError::LinkFromEarlierCase { other_case_id } => {
                Message::new("linking-from-earlier-case").with("case", other_case_id.as_str())
            }
            ProcedureError::AlreadyLinked { other_case_id } => {
                Message::new("linking-already-linked").with("case", other_case_id.as_str())
            }
            ProcedureError::NotLinked { other_case_id } => {
                Message::new("linking-not-linked").with("case", other_case_id.as_str())
            }
            ProcedureError::NothingFromActor { sender } => {
                Message::new("linking-nothing-from-actor").with("sender", sender.as_str())
            }
            ProcedureError::NotReferred => Message::new("linking-not-referred"),
            ProcedureError::SameAccount => Message::new("linking-actors-same-account"),
            ProcedureError::ActorsAlreadyLinked { accounts } => {
                Message::new("linking-actors-already-linked")
                    .with("first", accounts[0].as_str())
                    .with("second", accounts[1].as_str())
            }
            ProcedureError::ActorsNotLinked { accounts } => {
                Message::new("linking-actors-not-linked")
                    .with("first", accounts[0].as_str())
                    .with("second", accounts[1].as_str())
            }
            ProcedureError::BlockInFuture { on } => {
                Message::new("linking-block-in-future").with("date", on.to_string())
            }
            ProcedureError::BlockAlreadyRecorded => Message::new("linking-block-already-recorded"),
            ProcedureError::UnknownEntry { entry } => {
                Message::new("linking-sign-unknown-entry").with("entry", entry.as_str())
            }
            ProcedureError::SignAlreadyConfirmed { entry } => {
                Message::new("linking-sign-already-confirmed").with("entry", entry.as_str())
            }
            ProcedureError::SignNotConfirmed { entry } => {
                Message::new("linking-sign-not-confirmed").with("entry", entry.as_str())
            }
        }
    }
}

/// The snake_case name of an order status, as shown and as the API spells it.
pub fn order_status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Issued => "issued",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Acknowledged => "acknowledged",
        OrderStatus::RemovalReported => "removal_reported",
        OrderStatus::Removed => "removed",
        OrderStatus::NotComplied => "not_complied",
        OrderStatus::Escalated => "escalated",
    }
}

/// Why an application could not even be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("the application has {} invalid field(s)", .0.len())]
    InvalidFields(Vec<FieldError>),
    #[error(transparent)]
    Regime(#[from] RegimeError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("a time in the future is not a record of the past")]
    ReceivedInFuture,
}

/// Records a new application: parses it, finds the regime in force on the day
/// of receipt, computes its deadlines and checks the grounds for refusal.
/// Yields `application_received` followed by `application_refused` or
/// `application_registered`.
pub fn receive_application(
    form: &ApplicationForm,
    channel: Channel,
    received_at: Timestamp,
    now: Timestamp,
    calendar: &WorkingCalendar,
    regimes: &Regimes,
) -> Result<Vec<CaseEvent>, IntakeError> {
    if received_at > now {
        return Err(IntakeError::ReceivedInFuture);
    }
    let received_on = almaty_date(received_at);
    let application = parse_application(form, received_on).map_err(IntakeError::InvalidFields)?;
    let regime = regimes.in_force_on(received_on)?;
    let decision_due = working_days_deadline(
        calendar,
        received_at,
        regime.deadlines.decision_working_days,
    )?;
    let response_due = working_days_deadline(
        calendar,
        received_at,
        regime.deadlines.response_working_days,
    )?;
    let reasons = refusal_reasons(&application, received_on);
    let outcome = if reasons.is_empty() {
        CaseEvent::ApplicationRegistered
    } else {
        CaseEvent::ApplicationRefused { reasons }
    };
    Ok(vec![
        CaseEvent::ApplicationReceived {
            application: Box::new(application),
            channel,
            received_at,
            regime: regime.id.clone(),
            decision_due,
            response_due,
            access_code_sha256: None,
        },
        outcome,
    ])
}

/// Records the hash of the access code issued to the applicant in the intake
/// events (the code is the applicant's key to follow the case).
pub fn attach_access_code(events: &mut [CaseEvent], code_sha256: String) {
    if let Some(CaseEvent::ApplicationReceived {
        access_code_sha256, ..
    }) = events.first_mut()
    {
        *access_code_sha256 = Some(code_sha256);
    }
}

/// Checks `command` against `state` and yields the events that record it.
pub fn handle(
    state: &CaseState,
    command: Command,
    context: &Context<'_>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if state.phase == CasePhase::Closed {
        return Err(ProcedureError::WrongPhase {
            action: "change",
            phase: CasePhase::Closed,
        });
    }
    match command {
        Command::StartReview => start_review(state, context),
        Command::Extend { until, reason } => extend(state, context, until, reason),
        Command::SendExtensionNotice => send_extension_notice(state, context),
        Command::Vote {
            vote,
            category,
            indicators,
            reasons,
        } => cast_vote(state, context, vote, category, indicators, reasons),
        Command::Decide {
            group_size,
            linked_incidents,
            override_reason,
        } => decide(
            state,
            context,
            group_size,
            &linked_incidents,
            override_reason,
        ),
        Command::IssueOrders { owner, urls } => {
            require_staff(context, "issue orders")?;
            issue_orders(state, context, owner, urls)
        }
        Command::RecordDelivery {
            order_id,
            delivered_at,
            channel,
        } => record_delivery(state, context, &order_id, delivered_at, channel),
        Command::Acknowledge { order_id } => acknowledge(state, context, &order_id),
        Command::ReportRemoval {
            order_id,
            removed_urls,
            note,
        } => report_removal(state, context, &order_id, removed_urls, note),
        Command::VerifyRemoval {
            order_id,
            result,
            note,
        } => verify_removal(state, context, &order_id, result, note),
        Command::RecordNonCompliance { order_id } => {
            record_non_compliance(state, context, &order_id)
        }
        Command::Escalate {
            order_id,
            early_reason,
        } => escalate(state, context, &order_id, early_reason),
        Command::PauseEscalation { order_id, reason } => {
            pause_escalation(state, context, &order_id, reason)
        }
        Command::ResumeEscalation { order_id } => resume_escalation(state, context, &order_id),
        Command::RecordNotice {
            delivery_id,
            notice,
            audience,
            channel,
            order_id,
        } => record_notice(
            state,
            context,
            delivery_id,
            notice,
            audience,
            channel,
            order_id,
        ),
        Command::RemindStaff {
            deadline,
            due,
            recipients,
        } => remind_staff(state, context, deadline, due, recipients),
        Command::ReferToLawEnforcement { authority, note } => {
            refer(state, context, authority, note)
        }
        Command::SendResponse { channel } => send_response(state, context, channel),
        Command::Close => close(state, context),
        Command::LinkCase {
            other_case_id,
            basis,
            actor_key,
            reason,
        } => link_case(state, context, other_case_id, basis, actor_key, reason),
        Command::UnlinkCase {
            other_case_id,
            reason,
        } => unlink_case(state, context, other_case_id, reason),
        Command::ImportChat(import) => import_chat(context, *import),
        Command::LinkActors { accounts, reason } => link_actors(state, context, accounts, reason),
        Command::UnlinkActors { accounts, reason } => {
            unlink_actors(state, context, accounts, reason)
        }
        Command::RecordBlock {
            account,
            on,
            reported,
        } => record_block(state, context, account, on, reported),
        Command::ConfirmSign {
            entry,
            sign,
            reason,
        } => confirm_sign(state, context, entry, sign, reason),
        Command::WithdrawSign {
            entry,
            sign,
            reason,
        } => withdraw_sign(state, context, entry, sign, reason),
        Command::PrepareReferral(prepared) => prepare_referral(state, context, prepared),
    }
}

/// Experts and coordinators (and the system) handle links and evidence.
fn require_expert_group(context: &Context<'_>, action: &'static str) -> Result<(), ProcedureError> {
    if matches!(
        context.actor.role,
        Role::Coordinator | Role::Expert { .. } | Role::System
    ) {
        Ok(())
    } else {
        Err(ProcedureError::NotAllowed {
            action,
            who: "expert_group",
        })
    }
}

fn link_case(
    state: &CaseState,
    context: &Context<'_>,
    other_case_id: String,
    basis: LinkBasis,
    actor_key: Option<String>,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "link cases")?;
    let other_case_id = other_case_id.trim().to_owned();
    if other_case_id == context.case_id {
        return Err(ProcedureError::LinkToItself);
    }
    // Case numbers sort as their order of registration (`QG-YYYY-NNNNNN`).
    if other_case_id.as_str() > context.case_id {
        return Err(ProcedureError::LinkFromEarlierCase { other_case_id });
    }
    if state.link(&other_case_id).is_some_and(|link| link.active) {
        return Err(ProcedureError::AlreadyLinked { other_case_id });
    }
    Ok(vec![CaseEvent::CasesLinked {
        other_case_id,
        basis,
        actor_key: actor_key
            .map(|key| key.trim().to_owned())
            .filter(|key| !key.is_empty()),
        child_match: None,
        resource_key: None,
        automatic: false,
        by: context.actor.name.clone(),
        reason: Some(require_text(&reason, "reason")?),
        linked_at: context.now,
    }])
}

fn unlink_case(
    state: &CaseState,
    context: &Context<'_>,
    other_case_id: String,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "unlink cases")?;
    let other_case_id = other_case_id.trim().to_owned();
    if !state.link(&other_case_id).is_some_and(|link| link.active) {
        return Err(ProcedureError::NotLinked { other_case_id });
    }
    Ok(vec![CaseEvent::CasesUnlinked {
        other_case_id,
        by: context.actor.name.clone(),
        reason: require_text(&reason, "reason")?,
        unlinked_at: context.now,
    }])
}

/// Two accounts are one person: recorded in this case, the pair in sorted
/// order, with a reason (docs/linking.md). Which accounts the timeline holds
/// is the shell's to show; any two accounts may be linked.
fn link_actors(
    state: &CaseState,
    context: &Context<'_>,
    accounts: [ActorAccount; 2],
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "link accounts")?;
    let [first, second] = &accounts;
    if first.key == second.key {
        return Err(ProcedureError::SameAccount);
    }
    let pair = crate::linking::account_pair(&first.key, &second.key);
    if state
        .actor_link(&pair[0], &pair[1])
        .is_some_and(|link| link.active)
    {
        return Err(ProcedureError::ActorsAlreadyLinked { accounts: pair });
    }
    Ok(vec![CaseEvent::ActorsLinked {
        reason: require_text(&reason, "reason")?,
        accounts: pair,
        by: context.actor.name.clone(),
        linked_at: context.now,
    }])
}

fn unlink_actors(
    state: &CaseState,
    context: &Context<'_>,
    accounts: [String; 2],
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "unlink accounts")?;
    let pair = crate::linking::account_pair(accounts[0].trim(), accounts[1].trim());
    if !state
        .actor_link(&pair[0], &pair[1])
        .is_some_and(|link| link.active)
    {
        return Err(ProcedureError::ActorsNotLinked { accounts: pair });
    }
    Ok(vec![CaseEvent::ActorsUnlinked {
        reason: require_text(&reason, "reason")?,
        accounts: pair,
        by: context.actor.name.clone(),
        unlinked_at: context.now,
    }])
}

/// A block or report the applicant told the experts about. It happened
/// before it is recorded: a date after today (Almaty) is a typing error.
fn record_block(
    state: &CaseState,
    context: &Context<'_>,
    account: ActorAccount,
    on: Date,
    reported: bool,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "record a block")?;
    if on > crate::deadline::almaty_date(context.now) {
        return Err(ProcedureError::BlockInFuture { on });
    }
    let recorded = state
        .blocks
        .iter()
        .any(|block| block.account == account.key && block.on == on && block.reported == reported);
    if recorded {
        return Err(ProcedureError::BlockAlreadyRecorded);
    }
    Ok(vec![CaseEvent::AccountBlocked {
        account: account.key,
        platform: account.platform,
        on,
        reported,
        by: context.actor.name.clone(),
        recorded_at: context.now,
    }])
}

/// The expert read the entry and confirms the sign, with a reason; only a
/// contact entry of this case (an incident, a chat day) carries one, so the
/// confirmation folds with the entry it is about.
fn confirm_sign(
    state: &CaseState,
    context: &Context<'_>,
    entry: String,
    sign: Sign,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "confirm a sign")?;
    let entry = entry.trim().to_owned();
    if !crate::linking::contact_references(context.case_id, state).contains(&entry) {
        return Err(ProcedureError::UnknownEntry { entry });
    }
    if state.sign(&entry, sign).is_some_and(|record| record.active) {
        return Err(ProcedureError::SignAlreadyConfirmed { entry });
    }
    Ok(vec![CaseEvent::SignConfirmed {
        reason: require_text(&reason, "reason")?,
        entry,
        sign,
        by: context.actor.name.clone(),
        confirmed_at: context.now,
    }])
}

fn withdraw_sign(
    state: &CaseState,
    context: &Context<'_>,
    entry: String,
    sign: Sign,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "withdraw a sign")?;
    let entry = entry.trim().to_owned();
    if !state.sign(&entry, sign).is_some_and(|record| record.active) {
        return Err(ProcedureError::SignNotConfirmed { entry });
    }
    Ok(vec![CaseEvent::SignWithdrawn {
        reason: require_text(&reason, "reason")?,
        entry,
        sign,
        by: context.actor.name.clone(),
        withdrawn_at: context.now,
    }])
}

/// The file becomes an upload (its leaf placed by the shell), the summary a
/// `chat_imported` event. A chat in which the marked sender wrote nothing
/// proves nothing against them: refused, so the expert picks the sender again.
fn import_chat(
    context: &Context<'_>,
    import: ChatImport,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "import a chat")?;
    if import.actor_messages == 0 || import.occasions.is_empty() {
        return Err(ProcedureError::NothingFromActor {
            sender: import.actor_sender,
        });
    }
    Ok(vec![
        uploaded(
            &import.evidence_id,
            &import.digest,
            import.size,
            context.now,
        ),
        CaseEvent::ChatImported {
            evidence_id: import.evidence_id,
            format: import.format,
            digest: import.digest,
            actor_sender: import.actor_sender,
            actor_key: import.actor.key,
            platform: import.actor.platform,
            messages: import.messages,
            skipped: import.skipped,
            actor_messages: import.actor_messages,
            occasions: import.occasions,
            by: context.actor.name.clone(),
            imported_at: context.now,
            time_zone: import.time_zone,
        },
    ])
}

fn uploaded(evidence_id: &str, digest: &str, size: u64, now: Timestamp) -> CaseEvent {
    CaseEvent::EvidenceCaptured {
        evidence_id: evidence_id.to_owned(),
        kind: crate::procedure::EvidenceKind::Upload,
        url: String::new(),
        digest: digest.to_owned(),
        size,
        captured_at: now,
        // Placed by the shell (`place_evidence_leaves`) when it appends.
        log_index: 0,
        http_status: 0,
        problem: None,
        original_id: None,
        original_digest: None,
        fingerprint: None,
        browser: None,
        stripped: None,
    }
}

fn prepare_referral(
    state: &CaseState,
    context: &Context<'_>,
    prepared: PreparedReferral,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_expert_group(context, "prepare the referral package")?;
    if !state.referred {
        return Err(ProcedureError::NotReferred);
    }
    let PreparedReferral {
        evidence_id,
        language,
        digest,
        size,
        linked_cases,
        pdf_digest,
    } = prepared;
    Ok(vec![
        uploaded(&evidence_id, &digest, size, context.now),
        CaseEvent::ReferralPackagePrepared {
            evidence_id,
            language,
            digest,
            linked_cases,
            by: context.actor.name.clone(),
            prepared_at: context.now,
            pdf_digest,
        },
    ])
}

fn require_staff(context: &Context<'_>, action: &'static str) -> Result<(), ProcedureError> {
    if context.actor.is_staff_or_system() {
        Ok(())
    } else {
        Err(ProcedureError::NotAllowed {
            action,
            who: "coordinator",
        })
    }
}

fn require_text(text: &str, field: &'static str) -> Result<String, ProcedureError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(ProcedureError::ReasonRequired { field })
    } else {
        Ok(trimmed.to_owned())
    }
}

fn decided_error(state: &CaseState) -> ProcedureError {
    match &state.decision {
        Some(decision) => ProcedureError::AlreadyDecided {
            decided_at: decision.decided_at,
        },
        None => ProcedureError::WrongPhase {
            action: "consider",
            phase: state.phase,
        },
    }
}

fn start_review(
    state: &CaseState,
    context: &Context<'_>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if !matches!(
        context.actor.role,
        Role::Coordinator | Role::Expert { .. } | Role::System
    ) {
        return Err(ProcedureError::NotAllowed {
            action: "start review",
            who: "expert_group",
        });
    }
    match state.phase {
        CasePhase::Registered => Ok(vec![CaseEvent::ReviewStarted]),
        CasePhase::UnderReview => Ok(Vec::new()),
        _ => Err(decided_error(state)),
    }
}

/// Order 562-НҚ: the chair (or deputy) may extend consideration by a reasoned
/// decision to at most 15 calendar days from receipt, informing the applicant
/// within 2 working days. The limits come from the regime.
fn extend(
    state: &CaseState,
    context: &Context<'_>,
    until: Date,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if !state.phase.awaits_decision() {
        return Err(decided_error(state));
    }
    if !context.actor.is_chair() {
        return Err(ProcedureError::NotAllowed {
            action: "extend consideration",
            who: "chair",
        });
    }
    let deadlines = &context.regime.deadlines;
    let (Some(max_days), Some(notice_days)) = (
        deadlines.extension_max_calendar_days,
        deadlines.extension_notice_working_days,
    ) else {
        return Err(ProcedureError::ExtensionNotProvided {
            regime: context.regime.id.clone(),
        });
    };
    if let Some(extension) = &state.extension {
        return Err(ProcedureError::AlreadyExtended {
            until: extension.until,
        });
    }
    let reason = require_text(&reason, "reason")?;
    if context.now >= state.decision_due.due_at {
        return Err(ProcedureError::ExtensionTooLate {
            due: state.decision_due.last_day,
        });
    }
    let latest = calendar_days_after(almaty_date(state.received_at), max_days);
    if until > latest {
        return Err(ProcedureError::ExtensionTooLong { latest });
    }
    if until <= state.decision_due.last_day {
        return Err(ProcedureError::ExtensionTooShort {
            current: state.decision_due.last_day,
        });
    }
    let notice_due = working_days_deadline(context.calendar, context.now, notice_days)
        .map_err(|_| ProcedureError::ExtensionTooLong { latest })?;
    let extended = Deadline::on_day(until, state.decision_due.provisional);
    // The response follows the consideration: it cannot be due before the decision.
    let response_due = if extended.due_at > state.response_due.due_at {
        extended
    } else {
        state.response_due
    };
    Ok(vec![CaseEvent::ReviewExtended {
        until,
        reason,
        decision_due: extended,
        response_due,
        notice_due,
    }])
}

fn send_extension_notice(
    state: &CaseState,
    context: &Context<'_>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "send the extension notice")?;
    let extension = state
        .extension
        .as_ref()
        .ok_or(ProcedureError::NoExtension)?;
    if extension.notice_sent_at.is_some() {
        return Err(ProcedureError::NoticeAlreadySent);
    }
    Ok(vec![CaseEvent::ExtensionNoticeSent {
        sent_at: context.now,
    }])
}

fn cast_vote(
    state: &CaseState,
    context: &Context<'_>,
    vote: VoteChoice,
    category: Category,
    indicators: Vec<CriminalIndicator>,
    reasons: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    let Role::Expert { chair } = context.actor.role else {
        return Err(ProcedureError::NotAllowed {
            action: "vote",
            who: "expert",
        });
    };
    if !state.phase.awaits_decision() {
        return Err(decided_error(state));
    }
    let confirms = vote == VoteChoice::Confirm;
    if confirms == (category == Category::None) {
        return Err(ProcedureError::VoteCategoryMismatch);
    }
    if !indicators.is_empty() && category != Category::Criminal {
        return Err(ProcedureError::IndicatorsWithoutCriminal);
    }
    let reasons = require_text(&reasons, "reasons")?;
    let mut events = Vec::new();
    if state.phase == CasePhase::Registered {
        events.push(CaseEvent::ReviewStarted);
    }
    let indicators: BTreeSet<CriminalIndicator> = indicators.into_iter().collect();
    events.push(CaseEvent::VoteCast {
        expert: context.actor.name.clone(),
        chair,
        vote,
        category,
        indicators: indicators.into_iter().collect(),
        reasons,
    });
    Ok(events)
}

/// Counts the incidents for the "two or more times" test: every incident of
/// this case, plus incidents of linked cases that are not the same occurrence
/// (same day, same resource) reported again.
pub fn count_incidents(application: &Application, linked: &[IncidentKey]) -> (u32, u32) {
    let own: BTreeSet<IncidentKey> = application
        .incidents
        .iter()
        .map(|incident| IncidentKey {
            occurred_on: incident.occurred_on,
            resource_key: incident.resource_key.clone(),
        })
        .collect();
    let others: BTreeSet<&IncidentKey> = linked.iter().filter(|key| !own.contains(key)).collect();
    (application.incidents.len() as u32, others.len() as u32)
}

/// `count_incidents`, with the days of an imported chat on which the actor
/// wrote counted as incidents of this case — except a day that already has an
/// incident in the application (the same occurrence, reported and exported).
pub fn count_incidents_with_chats(
    application: &Application,
    chat_days: &[IncidentKey],
    linked: &[IncidentKey],
) -> (u32, u32) {
    let incident_days: BTreeSet<Date> = application
        .incidents
        .iter()
        .map(|incident| incident.occurred_on)
        .collect();
    let chat_only: BTreeSet<&IncidentKey> = chat_days
        .iter()
        .filter(|key| !incident_days.contains(&key.occurred_on))
        .collect();
    let mut own: Vec<IncidentKey> = chat_days.to_vec();
    own.extend(application.incidents.iter().map(|incident| IncidentKey {
        occurred_on: incident.occurred_on,
        resource_key: incident.resource_key.clone(),
    }));
    let (in_case, _) = count_incidents(application, &[]);
    let others: BTreeSet<&IncidentKey> = linked.iter().filter(|key| !own.contains(key)).collect();
    (in_case + chat_only.len() as u32, others.len() as u32)
}

fn decide(
    state: &CaseState,
    context: &Context<'_>,
    group_size: u32,
    linked_incidents: &[IncidentKey],
    override_reason: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if !(context.actor.is_staff_or_system() || context.actor.is_chair()) {
        return Err(ProcedureError::NotAllowed {
            action: "record the decision",
            who: "coordinator_or_chair",
        });
    }
    if !state.phase.awaits_decision() {
        return Err(decided_error(state));
    }
    let cast: Vec<CastVote> = state
        .votes
        .iter()
        .map(|vote| CastVote {
            confirm: vote.vote == VoteChoice::Confirm,
            by_chair: vote.chair,
            category: vote.category,
        })
        .collect();
    let group = context
        .regime
        .decision_rule
        .apply(group_size, &cast)
        .map_err(ProcedureError::DecisionRule)?;
    let (incidents_in_case, incidents_in_linked_cases) = count_incidents_with_chats(
        &state.application,
        &state.chat_incident_keys(),
        linked_incidents,
    );
    let override_reason = override_reason
        .map(|reason| reason.trim().to_owned())
        .filter(|reason| !reason.is_empty());
    let systematic = SystematicAssessment {
        incidents_in_case,
        incidents_in_linked_cases,
        override_reason,
    };
    // Bullying is "systematic (two or more times)"; the experts may still confirm
    // on one incident, but only by saying why (recorded with the decision).
    if group.confirmed
        && group.category == Category::Cyberbullying
        && systematic.total() < 2
        && systematic.override_reason.is_none()
    {
        return Err(ProcedureError::NotSystematic {
            incidents: systematic.total(),
        });
    }
    let winning = if group.confirmed {
        VoteChoice::Confirm
    } else {
        VoteChoice::NotConfirm
    };
    let winning_votes = state.votes.iter().filter(|vote| vote.vote == winning);
    let mut reasons = Vec::new();
    let mut indicators = BTreeSet::new();
    for vote in winning_votes {
        reasons.push(format!("{}: {}", vote.expert, vote.reasons));
        if group.category == Category::Criminal {
            indicators.extend(vote.indicators.iter().copied());
        }
    }
    let mut events = Vec::new();
    if state.phase == CasePhase::Registered {
        events.push(CaseEvent::ReviewStarted);
    }
    events.push(CaseEvent::DecisionMade {
        outcome: if group.confirmed {
            Outcome::Confirmed
        } else {
            Outcome::NotConfirmed
        },
        category: group.category,
        indicators: indicators.into_iter().collect(),
        reasons,
        votes_for: group.votes_for,
        votes_against: group.votes_against,
        chair_casting_vote_used: group.chair_casting_vote_used,
        systematic,
        decided_at: context.now,
    });
    if group.confirmed {
        // "On confirmed facts the authorized body immediately sends an order."
        let mut confirmed = state.clone();
        for event in &events {
            // The events were built from this state just above; they apply.
            let _ = confirmed.apply(event);
        }
        events.extend(issue_orders(&confirmed, context, None, Vec::new())?);
    }
    Ok(events)
}

/// The default addressee of an order for a resource: the platform for a known
/// platform, the host for a website.
pub fn default_owner(platform: &str, url: &str) -> String {
    if platform != "web" {
        return platform.to_owned();
    }
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or(url)
        .to_owned()
}

fn issue_orders(
    state: &CaseState,
    context: &Context<'_>,
    owner: Option<String>,
    urls: Vec<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if state.phase != CasePhase::Confirmed {
        return Err(ProcedureError::OrderNeedsConfirmedDecision);
    }
    let ordered: BTreeMap<&str, &str> = state
        .orders
        .iter()
        .flat_map(|order| {
            order
                .urls
                .iter()
                .map(|url| (url.as_str(), order.order_id.as_str()))
        })
        .collect();
    let mut by_owner: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if urls.is_empty() {
        for resource in &state.application.resources {
            if !ordered.contains_key(resource.url.as_str()) {
                let addressee = owner
                    .clone()
                    .unwrap_or_else(|| default_owner(&resource.platform, &resource.url));
                by_owner
                    .entry(addressee)
                    .or_default()
                    .push(resource.url.clone());
            }
        }
        if by_owner.is_empty() {
            return Err(ProcedureError::NothingToOrder);
        }
    } else {
        for url in urls {
            let resource = state
                .application
                .resources
                .iter()
                .find(|resource| resource.url == url || resource.reported_as == url)
                .ok_or_else(|| ProcedureError::UrlNotInCase { url: url.clone() })?;
            if let Some(order_id) = ordered.get(resource.url.as_str()) {
                return Err(ProcedureError::UrlAlreadyOrdered {
                    url: resource.url.clone(),
                    order_id: (*order_id).to_owned(),
                });
            }
            let addressee = owner
                .clone()
                .unwrap_or_else(|| default_owner(&resource.platform, &resource.url));
            let urls = by_owner.entry(addressee).or_default();
            if !urls.contains(&resource.url) {
                urls.push(resource.url.clone());
            }
        }
    }
    let first_number = state.orders.len() + 1;
    Ok((first_number..)
        .zip(by_owner)
        .map(|(number, (owner, urls))| CaseEvent::OrderIssued {
            order_id: format!("{}-{number}", context.case_id),
            owner,
            urls,
            issued_at: context.now,
        })
        .collect())
}

/// The orders a confirmed decision would issue now, one per resource owner:
/// what the coordinator or the chair sees before deciding ("issue orders
/// … preview first"). The decision's own rule (`issue_orders`), applied to
/// the case as if it were confirmed, so the preview cannot drift from what
/// deciding does; nothing is recorded. Only those who may decide may
/// preview, and only while the case awaits its decision (after it, the
/// orders exist).
pub fn prospective_orders(
    state: &CaseState,
    context: &Context<'_>,
) -> Result<Vec<crate::procedure::state::OrderState>, ProcedureError> {
    if !(context.actor.is_staff_or_system() || context.actor.is_chair()) {
        return Err(ProcedureError::NotAllowed {
            action: "record the decision",
            who: "coordinator_or_chair",
        });
    }
    if !state.phase.awaits_decision() {
        return Err(decided_error(state));
    }
    let mut confirmed = state.clone();
    // `issue_orders` reads the phase, the resources and the orders already
    // issued (none before a decision); the decision's other facts do not
    // change who is ordered to remove what.
    confirmed.phase = CasePhase::Confirmed;
    for event in issue_orders(&confirmed, context, None, Vec::new())? {
        // Built from this state just above; an event that does not apply is
        // a bug in `issue_orders`, reported as the state's own error.
        confirmed
            .apply(&event)
            .map_err(|_| ProcedureError::NothingToOrder)?;
    }
    Ok(confirmed.orders)
}

fn find_order<'s>(
    state: &'s CaseState,
    order_id: &str,
) -> Result<&'s crate::procedure::state::OrderState, ProcedureError> {
    state
        .order(order_id)
        .ok_or_else(|| ProcedureError::UnknownOrder {
            order_id: order_id.to_owned(),
        })
}

/// A resource owner may act on its own orders only; staff may record on its behalf.
fn require_owner_or_staff(
    context: &Context<'_>,
    owner: &str,
    action: &'static str,
) -> Result<(), ProcedureError> {
    match &context.actor.role {
        Role::Coordinator | Role::System => Ok(()),
        Role::ResourceOwner { owner: acting } if acting == owner => Ok(()),
        _ => Err(ProcedureError::NotAllowed {
            action,
            who: "addressee_or_coordinator",
        }),
    }
}

fn record_delivery(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
    delivered_at: Option<Timestamp>,
    channel: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "record delivery")?;
    let order = find_order(state, order_id)?;
    if order.status != OrderStatus::Issued {
        return Err(ProcedureError::OrderWrongStatus {
            order_id: order_id.to_owned(),
            status: order.status,
            action: "record delivery",
        });
    }
    let delivered_at = delivered_at.unwrap_or(context.now);
    if delivered_at > context.now {
        return Err(ProcedureError::TimeInFuture);
    }
    // A delivery cannot precede the order it delivers.
    let delivered_at = delivered_at.max(order.issued_at);
    Ok(vec![CaseEvent::OrderDelivered {
        order_id: order_id.to_owned(),
        delivered_at,
        channel: require_text(&channel, "channel")?,
        // Law "On mass media": the owner removes within 24 hours of receiving the order.
        removal_due: hours_after(delivered_at, context.regime.deadlines.removal_hours),
    }])
}

fn require_delivered(
    order: &crate::procedure::state::OrderState,
    action: &'static str,
) -> Result<(), ProcedureError> {
    if order.status == OrderStatus::Issued || order.status == OrderStatus::Removed {
        return Err(ProcedureError::OrderWrongStatus {
            order_id: order.order_id.clone(),
            status: order.status,
            action,
        });
    }
    Ok(())
}

fn acknowledge(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    let order = find_order(state, order_id)?;
    require_owner_or_staff(context, &order.owner, "acknowledge the order")?;
    require_delivered(order, "acknowledge")?;
    if order.acknowledged_at.is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![CaseEvent::OrderAcknowledged {
        order_id: order_id.to_owned(),
        acknowledged_at: context.now,
    }])
}

fn report_removal(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
    removed_urls: Vec<String>,
    note: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    let order = find_order(state, order_id)?;
    require_owner_or_staff(context, &order.owner, "report removal")?;
    require_delivered(order, "report removal")?;
    let removed_urls = if removed_urls.is_empty() {
        order.urls.clone()
    } else {
        removed_urls
    };
    for url in &removed_urls {
        if !order.urls.contains(url) {
            return Err(ProcedureError::UrlNotInCase { url: url.clone() });
        }
    }
    Ok(vec![CaseEvent::RemovalReported {
        order_id: order_id.to_owned(),
        reported_at: context.now,
        removed_urls,
        note: note
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty()),
    }])
}

fn verify_removal(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
    result: VerificationResult,
    note: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "verify removal")?;
    let order = find_order(state, order_id)?;
    require_delivered(order, "verify removal")?;
    let mut events = vec![CaseEvent::RemovalVerified {
        order_id: order_id.to_owned(),
        verified_at: context.now,
        result,
        note: note
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty()),
    }];
    let overdue = order.removal_due.is_some_and(|due| context.now >= due);
    let already_recorded = matches!(
        order.status,
        OrderStatus::NotComplied | OrderStatus::Escalated
    );
    if result == VerificationResult::StillPresent && overdue && !already_recorded {
        events.push(CaseEvent::OrderNotComplied {
            order_id: order_id.to_owned(),
            recorded_at: context.now,
        });
    }
    Ok(events)
}

fn record_non_compliance(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "record non-compliance")?;
    let order = find_order(state, order_id)?;
    require_delivered(order, "record non-compliance")?;
    if matches!(
        order.status,
        OrderStatus::NotComplied | OrderStatus::Escalated
    ) {
        return Err(ProcedureError::OrderWrongStatus {
            order_id: order_id.to_owned(),
            status: order.status,
            action: "record non-compliance",
        });
    }
    if let Some(due) = order.removal_due
        && context.now < due
    {
        return Err(ProcedureError::RemovalNotDue { due });
    }
    Ok(vec![CaseEvent::OrderNotComplied {
        order_id: order_id.to_owned(),
        recorded_at: context.now,
    }])
}

fn escalate(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
    early_reason: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "escalate")?;
    let order = find_order(state, order_id)?;
    if !matches!(
        order.status,
        OrderStatus::NotComplied | OrderStatus::Escalated
    ) {
        return Err(ProcedureError::OrderWrongStatus {
            order_id: order_id.to_owned(),
            status: order.status,
            action: "escalate",
        });
    }
    let step_index = order.escalations.len();
    let step = context
        .regime
        .escalation
        .get(step_index)
        .ok_or(ProcedureError::LadderExhausted)?;
    // A paused ladder is not walked by the scheduler; a coordinator may still
    // act, with a reason, as with any early step.
    if order.escalation_paused.is_some() && context.actor.role == Role::System {
        return Err(ProcedureError::EscalationPaused {
            order_id: order_id.to_owned(),
        });
    }
    let removal_due = order.removal_due.unwrap_or(order.issued_at);
    let scheduled = hours_after(removal_due, step.after_hours)
        .checked_add(order.escalation_paused_for)
        .unwrap_or(Timestamp::MAX);
    let early_reason = early_reason
        .map(|reason| reason.trim().to_owned())
        .filter(|reason| !reason.is_empty());
    if context.now < scheduled && early_reason.is_none() {
        return Err(ProcedureError::EscalationNotDue { due: scheduled });
    }
    Ok(vec![CaseEvent::EscalationStepTaken {
        order_id: order_id.to_owned(),
        step: step_index as u32 + 1,
        kind: step.kind,
        taken_at: context.now,
        early_reason: if context.now < scheduled {
            early_reason
        } else {
            None
        },
    }])
}

fn pause_escalation(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
    reason: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_coordinator(context, "pause escalation")?;
    let order = find_order(state, order_id)?;
    if order.escalation_paused.is_some() {
        return Err(ProcedureError::EscalationPaused {
            order_id: order_id.to_owned(),
        });
    }
    if order.is_settled(context.regime.escalation.len()) {
        return Err(ProcedureError::OrderWrongStatus {
            order_id: order_id.to_owned(),
            status: order.status,
            action: "pause escalation",
        });
    }
    Ok(vec![CaseEvent::EscalationPaused {
        order_id: order_id.to_owned(),
        reason: require_text(&reason, "reason")?,
        paused_at: context.now,
    }])
}

fn resume_escalation(
    state: &CaseState,
    context: &Context<'_>,
    order_id: &str,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_coordinator(context, "resume escalation")?;
    let order = find_order(state, order_id)?;
    if order.escalation_paused.is_none() {
        return Err(ProcedureError::EscalationNotPaused {
            order_id: order_id.to_owned(),
        });
    }
    Ok(vec![CaseEvent::EscalationResumed {
        order_id: order_id.to_owned(),
        resumed_at: context.now,
    }])
}

/// Only a coordinator (a person, not the scheduler) pauses or resumes.
fn require_coordinator(context: &Context<'_>, action: &'static str) -> Result<(), ProcedureError> {
    if context.actor.role == Role::Coordinator {
        Ok(())
    } else {
        Err(ProcedureError::NotAllowed {
            action,
            who: "coordinator",
        })
    }
}

fn record_notice(
    state: &CaseState,
    context: &Context<'_>,
    delivery_id: String,
    notice: String,
    audience: String,
    channel: String,
    order_id: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    if context.actor.role != Role::System {
        return Err(ProcedureError::NotAllowed {
            action: "record a delivery",
            who: "qorgau",
        });
    }
    if state
        .notices
        .iter()
        .any(|known| known.delivery_id == delivery_id)
    {
        return Ok(Vec::new());
    }
    if let Some(order_id) = &order_id {
        find_order(state, order_id)?;
    }
    let mut events = vec![CaseEvent::NoticeDelivered {
        delivery_id,
        notice: require_text(&notice, "notice")?,
        audience: require_text(&audience, "audience")?,
        channel: require_text(&channel, "channel")?,
        order_id: order_id.clone(),
        delivered_at: context.now,
    }];
    match (notice.as_str(), &order_id) {
        ("order.issued", Some(order_id))
            if state
                .order(order_id)
                .is_some_and(|order| order.status == OrderStatus::Issued) =>
        {
            events.extend(record_delivery(state, context, order_id, None, channel)?);
        }
        ("response", None) if state.response_sent_at.is_none() => {
            events.extend(send_response(state, context, channel)?);
        }
        _ => {}
    }
    Ok(events)
}

fn remind_staff(
    state: &CaseState,
    context: &Context<'_>,
    deadline: String,
    due: Timestamp,
    recipients: u32,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "remind staff")?;
    if state
        .reminders
        .iter()
        .any(|known| known.deadline == deadline && known.due == due)
    {
        return Ok(Vec::new());
    }
    Ok(vec![CaseEvent::StaffReminded {
        deadline: require_text(&deadline, "deadline")?,
        due,
        reminded_at: context.now,
        recipients,
    }])
}

fn refer(
    state: &CaseState,
    context: &Context<'_>,
    authority: String,
    note: Option<String>,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "refer to law enforcement")?;
    let warranted = state.decision.as_ref().is_some_and(|decision| {
        decision.outcome == Outcome::Confirmed
            && matches!(
                decision.category,
                Category::Criminal | Category::Cyberstalking
            )
    });
    if !warranted {
        return Err(ProcedureError::ReferralNotWarranted);
    }
    if state.referred {
        return Err(ProcedureError::AlreadyReferred);
    }
    Ok(vec![CaseEvent::ReferredToLawEnforcement {
        authority: require_text(&authority, "authority")?,
        referred_at: context.now,
        note: note
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty()),
    }])
}

fn send_response(
    state: &CaseState,
    context: &Context<'_>,
    channel: String,
) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "send the response")?;
    if state.response_sent_at.is_some() {
        return Err(ProcedureError::ResponseAlreadySent);
    }
    if !matches!(
        state.phase,
        CasePhase::Refused | CasePhase::NotConfirmed | CasePhase::Confirmed
    ) {
        return Err(ProcedureError::ResponseBeforeOutcome);
    }
    Ok(vec![CaseEvent::ResponseSent {
        sent_at: context.now,
        // "in the Kazakh language or the language of the application"
        language: state.application.language,
        channel: require_text(&channel, "channel")?,
    }])
}

fn close(state: &CaseState, context: &Context<'_>) -> Result<Vec<CaseEvent>, ProcedureError> {
    require_staff(context, "close the case")?;
    if state.response_sent_at.is_none() {
        return Err(ProcedureError::NotReadyToClose {
            why: "response_not_sent",
        });
    }
    match state.phase {
        CasePhase::Refused | CasePhase::NotConfirmed => {}
        CasePhase::Confirmed => {
            let ladder = context.regime.escalation.len();
            if state.orders.iter().any(|order| !order.is_settled(ladder)) {
                return Err(ProcedureError::NotReadyToClose { why: "orders_open" });
            }
        }
        phase => {
            return Err(ProcedureError::WrongPhase {
                action: "close",
                phase,
            });
        }
    }
    Ok(vec![CaseEvent::CaseClosed {
        closed_at: context.now,
    }])
}
