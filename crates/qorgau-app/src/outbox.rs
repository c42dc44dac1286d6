//! The outbox: the notices that follow the procedure's events, and the
//! deadline clock (docs/delivery.md).
//!
//! Like evidence capture, each notice and each timed step is a job enqueued
//! in the same transaction as the event that calls for it (`jobs_after`), so
//! none is lost by a crash and none exists without its cause:
//!
//! | events | jobs |
//! |---|---|
//! | `order_issued` | `deliver_webhook` + `deliver_email` of `order.issued` to the owner, now |
//! | `escalation_step_taken` | the step's notice (`order.reminder` / `order.escalated`) to the owner, now; `escalate` to the next step at its time |
//! | `order_not_complied`, `escalation_resumed` | `escalate` to the next step at its time |
//! | `removal_verified` (removed) | `order.closed` to the owner, now |
//! | `decision_made`, `application_refused` | `deliver_email` of the response letter to the applicant (when they gave an address), now |
//! | `application_registered`, `review_extended` | `remind` staff a day before the decision, response and extension-notice deadlines |
//!
//! The worker runs them (`Worker::run_outbox_job`): a webhook signed per
//! Standard Webhooks, a letter over SMTP with the document as PDF. A notice
//! that arrives is recorded with `Command::RecordNotice` — the first
//! `order.issued` starts the 24-hour removal clock, the applicant's letter
//! records the response — and a notice that cannot arrive is retried with
//! jittered backoff, then given up: the job ends `failed`, on the
//! coordinators' dead-letter list, from where it can be queued again with the
//! same delivery id (receivers de-duplicate on `webhook-id` and Message-ID).
//!
//! Timed steps are jobs due at their time, not timers: a restart loses none.
//! Each one first reads the case and does nothing the case no longer calls
//! for (decided, answered, removed, paused, already taken).

use jiff::{SignedDuration, Timestamp};
use qorgau_delivery::mail::{Attachment, Mail, MailOutcome, Mailer};
use qorgau_delivery::retry::{RetryDecision, RetryPolicy, random_u64};
use qorgau_delivery::webhook::{
    CitedBasis, EscalationRef, EventType, OrderEventData, WebhookEvent, WebhookId, WebhookOutcome,
    WebhookSecret, WebhookSender,
};
use qorgau_documents::{
    Bilingual, ClosureNotice, Fine, FineInTenge, Language as DocumentLanguage, NextSteps,
    OrderDocument, OrderKind, OrderReference, Outcome as LetterOutcome, Regime as DocumentRegime,
    Rendered, ReportBack, ResponseLetter, Templates, Verification,
};
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::mci::MciTable;
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::procedure::state::OrderState;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CasePhase, CaseState, Command, OrderStatus, Outcome, ProcedureError,
    VerificationResult,
};
use qorgau_domain::regime::{EscalationKind, Regime, Regimes};
use qorgau_i18n::Localizer;
use qorgau_store::{Job, NewJob, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::credentials::{RandomnessError, random_bytes};
use crate::jobs::{JobOutcome, Worker};
use crate::procedure::ServiceError;

/// Job kinds.
pub const DELIVER_WEBHOOK: &str = "deliver_webhook";
pub const DELIVER_EMAIL: &str = "deliver_email";
pub const ESCALATE: &str = "escalate";
pub const REMIND: &str = "remind";

/// Whether `kind` is one of the outbox's.
pub fn is_outbox_job(kind: &str) -> bool {
    [DELIVER_WEBHOOK, DELIVER_EMAIL, ESCALATE, REMIND].contains(&kind)
}

/// Who a notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Owner,
    Applicant,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Owner => "owner",
            Audience::Applicant => "applicant",
        }
    }
}

/// What a notice says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    #[serde(rename = "order.issued")]
    OrderIssued,
    #[serde(rename = "order.reminder")]
    OrderReminder,
    #[serde(rename = "order.escalated")]
    OrderEscalated,
    #[serde(rename = "order.closed")]
    OrderClosed,
    /// The response letter to the applicant.
    #[serde(rename = "response")]
    Response,
}

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Notice::OrderIssued => "order.issued",
            Notice::OrderReminder => "order.reminder",
            Notice::OrderEscalated => "order.escalated",
            Notice::OrderClosed => "order.closed",
            Notice::Response => "response",
        }
    }

    fn event_type(self) -> Option<EventType> {
        match self {
            Notice::OrderIssued => Some(EventType::OrderIssued),
            Notice::OrderReminder => Some(EventType::OrderReminder),
            Notice::OrderEscalated => Some(EventType::OrderEscalated),
            Notice::OrderClosed => Some(EventType::OrderClosed),
            Notice::Response => None,
        }
    }
}

/// `deliver_webhook` / `deliver_email`: one notice to one addressee over one
/// channel. Everything the message says is fixed here, when the event is
/// recorded, so every attempt sends the same message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeJob {
    /// `msg_` + 16 hex digits: the webhook's `webhook-id`, the letter's
    /// Message-ID, and the `delivery_id` of `notice_delivered`.
    pub delivery_id: String,
    pub notice: Notice,
    pub audience: Audience,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// When the event happened (the webhook body's `timestamp`).
    pub occurred_at: Timestamp,
    /// The escalation step (1-based) an `order.reminder`/`order.escalated` is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// `escalate`: take step `step` (1-based) of an order's ladder when due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalateJob {
    pub order_id: String,
    pub step: u32,
}

/// `remind`: tell staff that a deadline approaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindJob {
    /// `decision_due`, `response_due` or `extension_notice_due`.
    pub deadline: String,
    pub due: Timestamp,
}

/// How long before a deadline staff are reminded.
pub const REMIND_BEFORE: SignedDuration = SignedDuration::from_hours(24);

/// A new delivery id: `msg_` and 16 random hex digits.
pub fn new_delivery_id() -> Result<String, RandomnessError> {
    let bytes: [u8; 8] = random_bytes()?;
    Ok(format!("msg_{}", hex::encode(bytes)))
}

fn job(kind: &str, payload: &impl Serialize, run_at: Timestamp) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        // Plain structs of strings and times serialize infallibly.
        payload: serde_json::to_string(payload).unwrap_or_default(),
        run_at,
    }
}

fn notice_jobs(
    notice: Notice,
    audience: Audience,
    order_id: Option<&str>,
    step: Option<u32>,
    now: Timestamp,
    channels: &[&str],
) -> Result<Vec<NewJob>, RandomnessError> {
    channels
        .iter()
        .map(|kind| {
            let payload = NoticeJob {
                delivery_id: new_delivery_id()?,
                notice,
                audience,
                order_id: order_id.map(str::to_owned),
                occurred_at: now,
                step,
            };
            Ok(job(kind, &payload, now))
        })
        .collect()
}

fn escalate_job(state: &CaseState, order: &OrderState, now: Timestamp) -> Option<NewJob> {
    let regime = Regimes::embedded().get(&state.regime).ok()?;
    let index = order.escalations.len();
    let due = order.escalation_due(regime, index)?;
    let payload = EscalateJob {
        order_id: order.order_id.clone(),
        step: index as u32 + 1,
    };
    Some(job(ESCALATE, &payload, due.max(now)))
}

fn remind_job(deadline: &str, due: Timestamp, now: Timestamp) -> NewJob {
    let at = due.checked_sub(REMIND_BEFORE).unwrap_or(due).max(now);
    let payload = RemindJob {
        deadline: deadline.to_owned(),
        due,
    };
    job(REMIND, &payload, at)
}

/// The outbox's jobs that follow `event`, just appended to a case now in `state`.
pub fn jobs_after(
    state: &CaseState,
    event: &CaseEvent,
    now: Timestamp,
) -> Result<Vec<NewJob>, RandomnessError> {
    const BOTH: &[&str] = &[DELIVER_WEBHOOK, DELIVER_EMAIL];
    let mut jobs = Vec::new();
    match event {
        CaseEvent::OrderIssued { order_id, .. } => {
            jobs.extend(notice_jobs(
                Notice::OrderIssued,
                Audience::Owner,
                Some(order_id),
                None,
                now,
                BOTH,
            )?);
        }
        CaseEvent::EscalationStepTaken {
            order_id,
            step,
            kind,
            ..
        } => {
            let notice = if *kind == EscalationKind::Reminder {
                Notice::OrderReminder
            } else {
                Notice::OrderEscalated
            };
            jobs.extend(notice_jobs(
                notice,
                Audience::Owner,
                Some(order_id),
                Some(*step),
                now,
                BOTH,
            )?);
            jobs.extend(
                state
                    .order(order_id)
                    .and_then(|order| escalate_job(state, order, now)),
            );
        }
        CaseEvent::OrderNotComplied { order_id, .. }
        | CaseEvent::EscalationResumed { order_id, .. } => {
            jobs.extend(
                state
                    .order(order_id)
                    .and_then(|order| escalate_job(state, order, now)),
            );
        }
        CaseEvent::RemovalVerified {
            order_id,
            result: VerificationResult::Removed,
            ..
        } => {
            jobs.extend(notice_jobs(
                Notice::OrderClosed,
                Audience::Owner,
                Some(order_id),
                None,
                now,
                BOTH,
            )?);
        }
        CaseEvent::DecisionMade { .. } | CaseEvent::ApplicationRefused { .. }
            if state.application.applicant.email.is_some() =>
        {
            jobs.extend(notice_jobs(
                Notice::Response,
                Audience::Applicant,
                None,
                None,
                now,
                &[DELIVER_EMAIL],
            )?);
        }
        CaseEvent::ApplicationRegistered => {
            jobs.push(remind_job("decision_due", state.decision_due.due_at, now));
            jobs.push(remind_job("response_due", state.response_due.due_at, now));
        }
        CaseEvent::ReviewExtended {
            decision_due,
            response_due,
            notice_due,
            ..
        } => {
            jobs.push(remind_job("decision_due", decision_due.due_at, now));
            jobs.push(remind_job("response_due", response_due.due_at, now));
            jobs.push(remind_job("extension_notice_due", notice_due.due_at, now));
        }
        _ => {}
    }
    Ok(jobs)
}

/// The code printed on an order's every page: anyone holding the document
/// can check it at `/verify/{order_id}/{code}`. A digest of the order's
/// facts, so only someone who has the document knows it; it proves what the
/// document says matches what Qorgau issued.
pub fn verification_code(order: &OrderState) -> String {
    let mut hasher = Sha256::new();
    hasher.update(order.order_id.as_bytes());
    hasher.update([0]);
    hasher.update(order.owner.as_bytes());
    hasher.update([0]);
    hasher.update(order.issued_at.to_string().as_bytes());
    for url in &order.urls {
        hasher.update([0]);
        hasher.update(url.as_bytes());
    }
    let digest = hasher.finalize();
    // 60 bits in 12 Crockford base32 digits, grouped for reading aloud.
    let code = data_encoding_crockford(&digest[..8]);
    format!("{}-{}-{}", &code[0..4], &code[4..8], &code[8..12])
}

fn data_encoding_crockford(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut value = 0u64;
    for byte in bytes.iter().take(8) {
        value = (value << 8) | u64::from(*byte);
    }
    (0..12)
        .map(|index| ALPHABET[((value >> (59 - 5 * index)) & 31) as usize] as char)
        .collect()
}

/// What the worker needs to deliver: the transports, the document
/// templates, and where Qorgau is reached.
pub struct Outbox {
    pub webhooks: WebhookSender,
    /// `None` without `QORGAU_SMTP_URL`: letters wait on the dead-letter list.
    pub mailer: Option<Mailer>,
    pub templates: Templates,
    /// The service's public base URL, without a trailing slash.
    pub public_url: String,
    pub retry: RetryPolicy,
}

impl Outbox {
    fn order_links(&self, order_id: &str, code: &str) -> (String, String, String) {
        (
            format!("{}/api/v1/orders/{order_id}", self.public_url),
            format!("{}/owner/orders/{order_id}/document.pdf", self.public_url),
            format!("{}/verify/{order_id}/{code}", self.public_url),
        )
    }

    /// The document a notice about `order` carries (the order, or the
    /// escalation step's), in Kazakh and Russian.
    pub fn order_document(
        &self,
        regime: &Regime,
        order: &OrderState,
        owner_name: &str,
        step: Option<u32>,
        issued_on: Timestamp,
    ) -> Result<Rendered, ServiceError> {
        self.order_document_as(regime, order, owner_name, step, issued_on, false)
    }

    /// An order a confirmed decision would issue (`prospective_orders`), as
    /// the draft staff preview before deciding: the same document as
    /// `order_document`, without a number or a verification code.
    pub fn order_draft(
        &self,
        regime: &Regime,
        order: &OrderState,
        owner_name: &str,
    ) -> Result<Rendered, ServiceError> {
        self.order_document_as(regime, order, owner_name, None, order.issued_at, true)
    }

    fn order_document_as(
        &self,
        regime: &Regime,
        order: &OrderState,
        owner_name: &str,
        step: Option<u32>,
        issued_on: Timestamp,
        draft: bool,
    ) -> Result<Rendered, ServiceError> {
        let code = verification_code(order);
        let (_, _, verification_url) = self.order_links(&order.order_id, &code);
        let original = OrderReference {
            number: order.order_id.clone(),
            issued_at: almaty_date(order.issued_at),
        };
        let step_kind = step
            .and_then(|step| regime.escalation.get(step.saturating_sub(1) as usize))
            .map(|step| (step.kind, step.fine_mci));
        let kind = match step_kind {
            None => OrderKind::Order,
            Some((EscalationKind::Reminder, _)) => OrderKind::Reminder { original },
            Some((EscalationKind::RepeatedOrder, _)) => OrderKind::RepeatedOrder { original },
            // Always the offence's own record, as its webhook says
            // (`administrative_offence`). A fine only where the regime states
            // one (confirmed); otherwise the record leaves it to the body
            // hearing the case. In tenge only where the day's MCI is known.
            Some((EscalationKind::AdministrativeOffence, fine_mci)) => {
                OrderKind::AdministrativeOffence {
                    original,
                    fine: fine_mci.map(|mci| fine_on(mci, almaty_date(issued_on))),
                }
            }
            Some((EscalationKind::AccessRestrictionRequest, _)) => {
                OrderKind::AccessRestrictionRequest { original }
            }
        };
        let basis_key =
            match step.and_then(|step| regime.escalation.get(step.saturating_sub(1) as usize)) {
                Some(step) => step.legal_basis.as_str(),
                None => "order",
            };
        let citations = |language: Language| -> Vec<String> {
            ["order", "removal", basis_key]
                .iter()
                .enumerate()
                .filter(|(index, key)| *index < 2 || !["order", "removal"].contains(*key))
                .filter_map(|(_, key)| regime.legal_basis(key))
                .map(|basis| basis.citation.get(language).to_owned())
                .collect()
        };
        let document = OrderDocument {
            number: order.order_id.clone(),
            issued_at: almaty_date(issued_on),
            regime: DocumentRegime {
                id: regime.id.clone(),
                title: Bilingual {
                    kk: regime.title.kk.clone(),
                    ru: regime.title.ru.clone(),
                },
            },
            legal_basis: Bilingual {
                kk: citations(Language::Kk),
                ru: citations(Language::Ru),
            },
            authority: Bilingual {
                kk: regime.authorized_body.kk.clone(),
                ru: regime.authorized_body.ru.clone(),
            },
            owner_name: owner_name.to_owned(),
            urls: order.urls.clone(),
            // Not yet delivered: no deadline yet. The clock runs from the
            // owner's receipt, so the document says "N hours from receipt"
            // rather than a date counted from the issue.
            removal_due: order.removal_due,
            removal_hours: regime.deadlines.removal_hours,
            report: ReportBack {
                portal_url: format!("{}/owner", self.public_url),
                api_base_url: self.public_url.clone(),
            },
            verification: Verification {
                code,
                url: verification_url,
            },
            kind,
        };
        if draft {
            qorgau_documents::render_order_draft(&self.templates, &document)
        } else {
            qorgau_documents::render_order(&self.templates, &document)
        }
        .map_err(|error| ServiceError::Document(error.to_string()))
    }

    /// The notice closing `order`: its removal was verified at
    /// `verified_at`; dated `issued_on`. Kazakh and Russian.
    pub fn closure_notice(
        &self,
        regime: &Regime,
        order: &OrderState,
        owner_name: &str,
        verified_at: Timestamp,
        issued_on: Timestamp,
    ) -> Result<Rendered, ServiceError> {
        let code = verification_code(order);
        let (_, _, verification_url) = self.order_links(&order.order_id, &code);
        let notice = ClosureNotice {
            number: order.order_id.clone(),
            order_issued_at: almaty_date(order.issued_at),
            issued_at: almaty_date(issued_on),
            regime: DocumentRegime {
                id: regime.id.clone(),
                title: Bilingual {
                    kk: regime.title.kk.clone(),
                    ru: regime.title.ru.clone(),
                },
            },
            authority: Bilingual {
                kk: regime.authorized_body.kk.clone(),
                ru: regime.authorized_body.ru.clone(),
            },
            owner_name: owner_name.to_owned(),
            urls: order.urls.clone(),
            removal_verified_at: verified_at,
            verification: Verification {
                code,
                url: verification_url,
            },
        };
        qorgau_documents::render_closure(&self.templates, &notice)
            .map_err(|error| ServiceError::Document(error.to_string()))
    }

    /// The response letter in the case's language.
    pub fn response_letter(
        &self,
        state: &CaseState,
        events: &[CaseEvent],
        case_id: &str,
        regime: &Regime,
        date: Timestamp,
    ) -> Result<Rendered, ServiceError> {
        let language = state.application.language;
        let localizer = Localizer::embedded();
        let (outcome, reasons) = match &state.decision {
            Some(decision) if decision.outcome == Outcome::Confirmed => (
                LetterOutcome::Confirmed {
                    category: localizer
                        .render(language, &Message::new(decision.category.message_id())),
                },
                decision_reasons(events),
            ),
            Some(_) => (LetterOutcome::NotConfirmed, decision_reasons(events)),
            // Neither decided nor refused: there is nothing to answer yet.
            None if state.refusal.is_empty() => {
                return Err(ServiceError::Procedure(
                    ProcedureError::ResponseBeforeOutcome,
                ));
            }
            None => (
                LetterOutcome::Refused,
                state
                    .refusal
                    .iter()
                    .map(|reason| localizer.render(language, &reason.explain(regime)))
                    .collect(),
            ),
        };
        let letter = ResponseLetter {
            case_number: case_id.to_owned(),
            language: match language {
                Language::Kk => DocumentLanguage::Kk,
                Language::Ru => DocumentLanguage::Ru,
                Language::En => DocumentLanguage::En,
            },
            date: almaty_date(date),
            outcome,
            reasons,
            next_steps: NextSteps {
                orders_issued: state.orders.len() as u32,
                removal_hours: regime.deadlines.removal_hours,
                tracking_url: format!("{}/track", self.public_url),
            },
            authority: regime.authorized_body.get(language).to_owned(),
        };
        qorgau_documents::render_response(&self.templates, &letter)
            .map_err(|error| ServiceError::Document(error.to_string()))
    }
}

/// A fine of `mci` indices on `day`: in tenge too when the MCI of that day
/// is known (`data/mci.toml`), never a guessed amount.
fn fine_on(mci: u32, day: jiff::civil::Date) -> Fine {
    let in_tenge = MciTable::embedded().on(day).map(|value| FineInTenge {
        mci_value: value.tenge,
        year: value.from.year(),
        total: u64::from(mci) * u64::from(value.tenge),
    });
    Fine { mci, in_tenge }
}

/// The expert group's reasons, as recorded with the decision.
fn decision_reasons(events: &[CaseEvent]) -> Vec<String> {
    events
        .iter()
        .rev()
        .find_map(|event| match event {
            CaseEvent::DecisionMade { reasons, .. } => Some(reasons.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// What one delivery attempt came to.
enum Attempt {
    Delivered {
        channel: &'static str,
    },
    /// Nothing to send over this channel (no endpoint, no address); done.
    NotApplicable,
    Retry {
        reason: String,
        after: Option<std::time::Duration>,
    },
    GiveUp {
        reason: String,
    },
}

impl<S: Store + 'static> Worker<S> {
    /// Runs one of the outbox's jobs.
    pub(crate) async fn run_outbox_job(
        &self,
        job: &Job,
        case_id: &str,
    ) -> Result<JobOutcome, ServiceError> {
        match job.kind.as_str() {
            DELIVER_WEBHOOK | DELIVER_EMAIL => {
                let Ok(payload) = serde_json::from_str::<NoticeJob>(&job.payload) else {
                    return Ok(crate::jobs::malformed());
                };
                self.deliver(job, case_id, payload).await
            }
            ESCALATE => {
                let Ok(payload) = serde_json::from_str::<EscalateJob>(&job.payload) else {
                    return Ok(crate::jobs::malformed());
                };
                self.escalate(case_id, payload).await
            }
            REMIND => {
                let Ok(payload) = serde_json::from_str::<RemindJob>(&job.payload) else {
                    return Ok(crate::jobs::malformed());
                };
                self.remind(case_id, payload).await
            }
            _ => Ok(JobOutcome::GaveUp {
                reason: "unknown_kind".to_owned(),
            }),
        }
    }

    async fn deliver(
        &self,
        job: &Job,
        case_id: &str,
        payload: NoticeJob,
    ) -> Result<JobOutcome, ServiceError> {
        let case = self.procedure().load(case_id).await?;
        let state = case.state()?;
        if state
            .notices
            .iter()
            .any(|known| known.delivery_id == payload.delivery_id)
        {
            return Ok(JobOutcome::Done);
        }
        let Some(outbox) = self.outbox.clone() else {
            return Ok(self.delivery_retry(job.attempts, "no_outbox".to_owned(), None));
        };
        let regime = Regimes::embedded().get(&state.regime)?;
        let attempt = if job.kind == DELIVER_WEBHOOK {
            self.send_webhook(&outbox, &state, regime, &payload).await?
        } else {
            self.send_email(&outbox, &state, &case.events, case_id, regime, &payload)
                .await?
        };
        match attempt {
            Attempt::Delivered { channel } => {
                let command = Command::RecordNotice {
                    delivery_id: payload.delivery_id.clone(),
                    notice: payload.notice.as_str().to_owned(),
                    audience: payload.audience.as_str().to_owned(),
                    channel: channel.to_owned(),
                    order_id: payload.order_id.clone(),
                };
                self.procedure()
                    .run(case_id, &Actor::system(), command)
                    .await?;
                Ok(JobOutcome::Done)
            }
            Attempt::NotApplicable => Ok(JobOutcome::Done),
            Attempt::Retry { reason, after } => {
                Ok(self.delivery_retry(job.attempts, reason, after))
            }
            Attempt::GiveUp { reason } => Ok(JobOutcome::GaveUp { reason }),
        }
    }

    fn delivery_retry(
        &self,
        attempts: u32,
        reason: String,
        asked: Option<std::time::Duration>,
    ) -> JobOutcome {
        let policy = self
            .outbox
            .as_ref()
            .map_or(RetryPolicy::DEFAULT, |outbox| outbox.retry);
        match policy.after_failure(attempts, random_u64(), asked) {
            RetryDecision::RetryAfter(wait) => {
                let wait = SignedDuration::try_from(wait).unwrap_or(SignedDuration::MAX);
                let now = self.clock.now();
                JobOutcome::Retry {
                    at: now.saturating_add(wait).unwrap_or(now),
                    reason,
                }
            }
            RetryDecision::GiveUp => JobOutcome::GaveUp { reason },
        }
    }

    async fn send_webhook(
        &self,
        outbox: &Outbox,
        state: &CaseState,
        regime: &Regime,
        payload: &NoticeJob,
    ) -> Result<Attempt, ServiceError> {
        let (Some(order_id), Some(event_type)) = (&payload.order_id, payload.notice.event_type())
        else {
            return Ok(Attempt::NotApplicable);
        };
        let Some(order) = state.order(order_id) else {
            return Ok(Attempt::GiveUp {
                reason: "unknown_order".to_owned(),
            });
        };
        let now = self.clock.now();
        let Some(contact) = self.store.owner_contact(&order.owner, now).await? else {
            return Ok(Attempt::NotApplicable);
        };
        let Some(endpoint) = contact.webhook else {
            return Ok(Attempt::NotApplicable);
        };
        let Ok(endpoint_url) = url::Url::parse(&endpoint.url) else {
            return Ok(Attempt::GiveUp {
                reason: "invalid_endpoint".to_owned(),
            });
        };
        let secrets: Vec<WebhookSecret> = endpoint
            .secrets
            .iter()
            .filter_map(|secret| WebhookSecret::parse(secret).ok())
            .collect();
        let Ok(webhook_id) = WebhookId::parse(&payload.delivery_id) else {
            return Ok(Attempt::GiveUp {
                reason: "invalid_delivery_id".to_owned(),
            });
        };
        let body = webhook_body(outbox, regime, order, payload, event_type)?;
        match outbox
            .webhooks
            .send(&endpoint_url, &webhook_id, &body, &secrets, now)
            .await
        {
            WebhookOutcome::Delivered { .. } => Ok(Attempt::Delivered { channel: "webhook" }),
            WebhookOutcome::Retry {
                reason,
                retry_after,
            } => Ok(Attempt::Retry {
                reason: reason.code().to_owned(),
                after: retry_after,
            }),
            // The receiver asks us to stop: forget the endpoint, so later
            // notices do not knock on it; the owner registers again.
            WebhookOutcome::Gone => {
                self.store.clear_owner_webhook(&order.owner).await?;
                Ok(Attempt::GiveUp {
                    reason: "gone".to_owned(),
                })
            }
        }
    }

    async fn send_email(
        &self,
        outbox: &Outbox,
        state: &CaseState,
        events: &[CaseEvent],
        case_id: &str,
        regime: &Regime,
        payload: &NoticeJob,
    ) -> Result<Attempt, ServiceError> {
        let now = self.clock.now();
        let (to, rendered, filename) = match payload.audience {
            Audience::Owner => {
                let Some(order) = payload.order_id.as_ref().and_then(|id| state.order(id)) else {
                    return Ok(Attempt::GiveUp {
                        reason: "unknown_order".to_owned(),
                    });
                };
                let Some(contact) = self.store.owner_contact(&order.owner, now).await? else {
                    return Ok(Attempt::NotApplicable);
                };
                let Some(email) = contact.email else {
                    return Ok(Attempt::NotApplicable);
                };
                let owner_name = self
                    .store
                    .list_owners()
                    .await?
                    .into_iter()
                    .find(|owner| owner.name == order.owner)
                    .map_or_else(|| order.owner.clone(), |owner| owner.display_name);
                // Each notice carries its own document: the order, the
                // step's document, or the closure notice — never the order
                // again for a step or a closure.
                let (rendered, filename) = match payload.notice {
                    Notice::OrderIssued => (
                        outbox.order_document(
                            regime,
                            order,
                            &owner_name,
                            None,
                            payload.occurred_at,
                        )?,
                        format!("{}.pdf", order.order_id),
                    ),
                    Notice::OrderReminder | Notice::OrderEscalated => {
                        let Some(step) = payload.step else {
                            return Ok(Attempt::GiveUp {
                                reason: "no_step".to_owned(),
                            });
                        };
                        (
                            outbox.order_document(
                                regime,
                                order,
                                &owner_name,
                                Some(step),
                                payload.occurred_at,
                            )?,
                            format!("{}-step-{step}.pdf", order.order_id),
                        )
                    }
                    Notice::OrderClosed => {
                        let verified_at = order.removed_at.unwrap_or(payload.occurred_at);
                        (
                            outbox.closure_notice(
                                regime,
                                order,
                                &owner_name,
                                verified_at,
                                payload.occurred_at,
                            )?,
                            format!("{}-closed.pdf", order.order_id),
                        )
                    }
                    // The applicant's letter never goes to an owner.
                    Notice::Response => {
                        return Ok(Attempt::GiveUp {
                            reason: "wrong_audience".to_owned(),
                        });
                    }
                };
                (email, rendered, filename)
            }
            Audience::Applicant if payload.notice != Notice::Response => {
                // Nothing but the response letter goes to the applicant.
                return Ok(Attempt::GiveUp {
                    reason: "wrong_audience".to_owned(),
                });
            }
            Audience::Applicant => {
                let Some(email) = state.application.applicant.email.clone() else {
                    return Ok(Attempt::NotApplicable);
                };
                let rendered =
                    outbox.response_letter(state, events, case_id, regime, payload.occurred_at)?;
                (email, rendered, format!("{case_id}.pdf"))
            }
        };
        let Some(mailer) = &outbox.mailer else {
            return Ok(Attempt::Retry {
                reason: "no_mail_server".to_owned(),
                after: None,
            });
        };
        let mail = Mail {
            to,
            subject: rendered.title.clone(),
            text: rendered.text,
            html: Some(rendered.html),
            attachments: vec![Attachment {
                filename,
                content_type: "application/pdf".to_owned(),
                bytes: rendered.pdf,
            }],
            delivery_id: payload.delivery_id.clone(),
        };
        Ok(match mailer.send(&mail, now).await {
            MailOutcome::Accepted => Attempt::Delivered { channel: "email" },
            MailOutcome::Retry { reason } => Attempt::Retry {
                reason: reason.code().to_owned(),
                after: None,
            },
            MailOutcome::Rejected { reason } => Attempt::GiveUp {
                reason: reason.code().to_owned(),
            },
        })
    }

    async fn escalate(
        &self,
        case_id: &str,
        payload: EscalateJob,
    ) -> Result<JobOutcome, ServiceError> {
        let state = self.procedure().load(case_id).await?.state()?;
        let Some(order) = state.order(&payload.order_id) else {
            return Ok(JobOutcome::GaveUp {
                reason: "unknown_order".to_owned(),
            });
        };
        // Taken already (early, by a coordinator), removed, or paused: the
        // event that changed that scheduled what comes next, if anything.
        if order.escalations.len() + 1 != payload.step as usize
            || order.status == OrderStatus::Removed
            || order.escalation_paused.is_some()
            || state.phase == CasePhase::Closed
        {
            return Ok(JobOutcome::Done);
        }
        let command = Command::Escalate {
            order_id: payload.order_id.clone(),
            early_reason: None,
        };
        match self
            .procedure()
            .run(case_id, &Actor::system(), command)
            .await
        {
            Ok(_) => Ok(JobOutcome::Done),
            // Due later than planned (a pause moved it): try then.
            Err(ServiceError::Procedure(ProcedureError::EscalationNotDue { due })) => {
                Ok(JobOutcome::Retry {
                    at: due,
                    reason: "not_due".to_owned(),
                })
            }
            Err(ServiceError::Procedure(
                ProcedureError::EscalationPaused { .. }
                | ProcedureError::LadderExhausted
                | ProcedureError::OrderWrongStatus { .. },
            )) => Ok(JobOutcome::Done),
            Err(error) => Err(error),
        }
    }

    async fn remind(&self, case_id: &str, payload: RemindJob) -> Result<JobOutcome, ServiceError> {
        let state = self.procedure().load(case_id).await?.state()?;
        let still_pending = match payload.deadline.as_str() {
            "decision_due" => {
                state.phase.awaits_decision() && state.decision_due.due_at == payload.due
            }
            "response_due" => {
                state.response_sent_at.is_none()
                    && state.phase != CasePhase::Closed
                    && state.response_due.due_at == payload.due
            }
            "extension_notice_due" => state.extension.as_ref().is_some_and(|extension| {
                extension.notice_sent_at.is_none() && extension.notice_due.due_at == payload.due
            }),
            _ => false,
        };
        let already = state
            .reminders
            .iter()
            .any(|known| known.deadline == payload.deadline && known.due == payload.due);
        if !still_pending || already {
            return Ok(JobOutcome::Done);
        }
        let Some(outbox) = self.outbox.clone() else {
            return Ok(JobOutcome::Done);
        };
        let Some(mailer) = &outbox.mailer else {
            // No mail server: the deadline board is the reminder.
            return Ok(JobOutcome::Done);
        };
        // Experts are reminded of the decision; coordinators of everything.
        let recipients: Vec<_> = self
            .store
            .staff_contacts()
            .await?
            .into_iter()
            .filter(|staff| {
                staff.role == qorgau_store::StaffRole::Coordinator
                    || payload.deadline == "decision_due"
            })
            .collect();
        if recipients.is_empty() {
            return Ok(JobOutcome::Done);
        }
        let localizer = Localizer::embedded();
        let due_text = qorgau_domain::deadline::format_almaty(payload.due);
        let message = |id: &'static str| {
            [Language::Kk, Language::Ru]
                .iter()
                .map(|language| {
                    localizer.render(
                        *language,
                        &Message::new(id)
                            .with("case", case_id)
                            .with("deadline", payload.deadline.as_str())
                            .with("due", due_text.as_str()),
                    )
                })
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let subject = message("outbox-reminder-subject");
        let text = format!(
            "{}\n\n{}/staff/cases/{case_id}\n",
            message("outbox-reminder-body"),
            outbox.public_url
        );
        let mut sent = 0u32;
        for (index, staff) in recipients.iter().enumerate() {
            let mail = Mail {
                to: staff.email.clone(),
                subject: subject.clone(),
                text: text.clone(),
                html: None,
                attachments: Vec::new(),
                delivery_id: reminder_delivery_id(case_id, &payload, index),
            };
            match mailer.send(&mail, self.clock.now()).await {
                MailOutcome::Accepted => sent += 1,
                MailOutcome::Retry { .. } | MailOutcome::Rejected { .. } => {}
            }
        }
        if sent == 0 {
            let now = self.clock.now();
            // The reminder still has a point until the deadline itself.
            let retry = now
                .saturating_add(SignedDuration::from_mins(15))
                .unwrap_or(now);
            return Ok(if retry < payload.due {
                JobOutcome::Retry {
                    at: retry,
                    reason: "mail_not_accepted".to_owned(),
                }
            } else {
                JobOutcome::GaveUp {
                    reason: "mail_not_accepted".to_owned(),
                }
            });
        }
        let command = Command::RemindStaff {
            deadline: payload.deadline.clone(),
            due: payload.due,
            recipients: sent,
        };
        self.procedure()
            .run(case_id, &Actor::system(), command)
            .await?;
        Ok(JobOutcome::Done)
    }
}

/// One reminder letter's id: the same on every attempt of the job.
fn reminder_delivery_id(case_id: &str, payload: &RemindJob, index: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(case_id.as_bytes());
    hasher.update(payload.deadline.as_bytes());
    hasher.update(payload.due.to_string().as_bytes());
    format!("rem_{}_{index}", &hex::encode(hasher.finalize())[..16])
}

/// The webhook's body: a function of the job's payload, the case's order as
/// recorded, the regime and the public URL — the same bytes on every attempt.
fn webhook_body(
    outbox: &Outbox,
    regime: &Regime,
    order: &OrderState,
    payload: &NoticeJob,
    event_type: EventType,
) -> Result<Vec<u8>, ServiceError> {
    let code = verification_code(order);
    let (order_url, document_url, verification_url) = outbox.order_links(&order.order_id, &code);
    let cite = |key: &str| {
        regime.legal_basis(key).map(|basis| CitedBasis {
            key: key.to_owned(),
            citation: basis.citation.clone(),
        })
    };
    let step = payload.step.and_then(|step| {
        regime
            .escalation
            .get(step.saturating_sub(1) as usize)
            .map(|rung| (step, rung))
    });
    let legal_basis = match step {
        Some((_, rung)) => cite(&rung.legal_basis),
        None => cite("order"),
    }
    .ok_or_else(|| ServiceError::Document(format!("regime {} cites no order basis", regime.id)))?;
    let escalation = step.map(|(number, rung)| EscalationRef {
        step: number,
        kind: rung.kind,
        taken_at: payload.occurred_at,
        legal_basis: cite(&rung.legal_basis).unwrap_or_else(|| legal_basis.clone()),
    });
    let event = WebhookEvent {
        event_type,
        timestamp: payload.occurred_at,
        data: OrderEventData {
            order_id: order.order_id.clone(),
            urls: order.urls.clone(),
            issued_at: order.issued_at,
            removal_within_hours: regime.deadlines.removal_hours,
            // `order.issued` has none: its own delivery starts the clock, and
            // a retry must not differ from the first attempt.
            removal_due: if payload.notice == Notice::OrderIssued {
                None
            } else {
                order.removal_due
            },
            legal_basis,
            escalation,
            closed_reason: (payload.notice == Notice::OrderClosed)
                .then(|| "removal_verified".to_owned()),
            order_url,
            document_url,
            verification_url,
        },
    };
    event
        .to_body()
        .map_err(|error| ServiceError::Document(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verification_code_is_twelve_crockford_digits_in_three_groups() {
        let order = OrderState {
            order_id: "QG-2026-000001-1".into(),
            owner: "telegram".into(),
            urls: vec!["https://t.me/c/1/2".into()],
            status: OrderStatus::Issued,
            issued_at: "2026-12-02T05:00:00Z".parse().unwrap(),
            delivered_at: None,
            removal_due: None,
            acknowledged_at: None,
            removal_reported_at: None,
            last_verification: None,
            removed_at: None,
            not_complied_at: None,
            escalations: Vec::new(),
            escalation_paused: None,
            escalation_paused_for: SignedDuration::ZERO,
        };
        let code = verification_code(&order);
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
        );
        let mut other = order.clone();
        other.urls.push("https://t.me/c/1/3".into());
        assert_ne!(verification_code(&other), code);
        assert_eq!(verification_code(&order.clone()), code);
    }

    #[test]
    fn notices_fixed_in_a_job_round_trip() {
        let job = NoticeJob {
            delivery_id: "msg_0123456789abcdef".into(),
            notice: Notice::OrderEscalated,
            audience: Audience::Owner,
            order_id: Some("QG-2026-000001-1".into()),
            occurred_at: "2026-12-02T05:00:00Z".parse().unwrap(),
            step: Some(2),
        };
        let text = serde_json::to_string(&job).unwrap();
        assert!(text.contains("\"order.escalated\""));
        assert_eq!(serde_json::from_str::<NoticeJob>(&text).unwrap(), job);
    }
}
