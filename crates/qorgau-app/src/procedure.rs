//! Runs commands against the store: load the case, fold it, let the domain
//! decide, append what it decided — retrying when another writer got there
//! first.

use jiff::Timestamp;
use qorgau_domain::application::RefusalReason;
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::procedure::command::attach_access_code;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CaseState, Command, Context, EvidenceKind, OrderState, handle,
    receive_application,
};
use qorgau_domain::procedure::{IntakeError, ProcedureError};
use qorgau_domain::regime::{RegimeError, Regimes};
use qorgau_store::{LinkKeys, StaffRole, Store, StoreError, StoredCase};

use crate::clock::Clock;
use crate::credentials::{RandomnessError, new_access_code, random_bytes, secret_hash};
use crate::evidence::{Evidence, EvidenceError};
use crate::jobs::{jobs_for, new_evidence_id};

/// Why a service call failed. The shells turn it into exit codes or HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The application could not be recorded (invalid fields, no regime, no calendar).
    #[error(transparent)]
    Intake(#[from] IntakeError),
    /// The procedure refused the command.
    #[error(transparent)]
    Procedure(#[from] ProcedureError),
    #[error("no case {0}")]
    CaseNotFound(String),
    #[error(transparent)]
    Regime(#[from] RegimeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The application is inadmissible and was not recorded.
    #[error("the application cannot be considered")]
    Refused {
        reasons: Vec<RefusalReason>,
        regime: String,
    },
    #[error(transparent)]
    Randomness(#[from] RandomnessError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    /// A document could not be rendered (a template or the font).
    #[error("document: {0}")]
    Document(String),
}

/// An application to record.
#[derive(Debug, Clone, Copy)]
pub struct Intake<'f> {
    pub form: &'f ApplicationForm,
    pub channel: Channel,
    /// When it arrived, if not now (the date stamped on a paper application).
    pub received_at: Option<Timestamp>,
    /// Record an inadmissible application as a refused case (paper), rather than
    /// refusing it without a record (online, where the form explains).
    pub record_refusals: bool,
}

/// A recorded application.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub case_id: String,
    pub state: CaseState,
    /// Given to the applicant once; only its hash is stored.
    pub access_code: String,
}

/// How often a command is retried when another writer appended to the same case.
const CONFLICT_RETRIES: usize = 5;

pub struct Procedure<'a, S: Store> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub calendar: &'static WorkingCalendar,
    pub regimes: &'static Regimes,
}

impl<'a, S: Store> Procedure<'a, S> {
    pub fn new(store: &'a S, clock: &'a dyn Clock) -> Self {
        Procedure {
            store,
            clock,
            calendar: WorkingCalendar::embedded(),
            regimes: Regimes::embedded(),
        }
    }

    /// Records an application and issues the applicant's access code.
    ///
    /// With `record_refusals` (paper applications registered by staff), an
    /// inadmissible application is recorded as a refused case, to be answered by
    /// letter. Without it (an applicant online), nothing is recorded and the
    /// reasons come back as `ServiceError::Refused`, so the form can explain them.
    pub async fn submit(
        &self,
        intake: Intake<'_>,
        actor: &Actor,
    ) -> Result<Submitted, ServiceError> {
        self.submit_with_uploads(intake, actor, Vec::new(), None)
            .await
    }

    /// `submit`, with files the applicant attached (already checked against
    /// `crate::upload`'s limits and types). Each is stored byte for byte in
    /// the blob store and recorded, in the same transaction as the
    /// application, as an `evidence_captured` event of kind `upload` whose
    /// item gets its leaf in the transparency log; a JPEG, PNG or WebP also
    /// gets a copy without its metadata for staff to look at, named in the
    /// same event (`Evidence::store_upload`). Nothing is stored when the
    /// application is refused.
    pub async fn submit_with_uploads(
        &self,
        intake: Intake<'_>,
        actor: &Actor,
        uploads: Vec<Vec<u8>>,
        evidence: Option<&Evidence>,
    ) -> Result<Submitted, ServiceError> {
        let now = self.clock.now();
        let received_at = intake.received_at.unwrap_or(now);
        let mut events = receive_application(
            intake.form,
            intake.channel,
            received_at,
            now,
            self.calendar,
            self.regimes,
        )?;
        let state =
            CaseState::replay(&events).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        if !intake.record_refusals && !state.refusal.is_empty() {
            return Err(ServiceError::Refused {
                reasons: state.refusal,
                regime: state.regime,
            });
        }
        let access_code = new_access_code()?;
        attach_access_code(&mut events, secret_hash(&access_code));
        // Capturing the reported URLs is a job of the same transaction: it
        // exists iff the case does, and the applicant does not wait for it.
        let jobs = jobs_for(&state, &events, now)?;
        let mut state = state;
        if !uploads.is_empty() {
            let evidence = evidence.ok_or_else(|| {
                EvidenceError::Log("files were attached, but no blob store is configured".into())
            })?;
            for bytes in uploads {
                let stored = evidence.store_upload(bytes).await?;
                let event = CaseEvent::EvidenceCaptured {
                    evidence_id: new_evidence_id()?,
                    kind: EvidenceKind::Upload,
                    url: String::new(),
                    digest: stored.digest.to_string(),
                    size: stored.size,
                    captured_at: now,
                    // Placed by the store (`create_case_placed`).
                    log_index: 0,
                    // Not fetched: no HTTP status.
                    http_status: 0,
                    problem: None,
                    original_id: None,
                    original_digest: None,
                    fingerprint: None,
                    browser: None,
                    stripped: stored.stripped,
                };
                state
                    .apply(&event)
                    .map_err(|why| StoreError::Corrupt(why.to_owned()))?;
                events.push(event);
            }
        }
        let has_evidence = events
            .iter()
            .any(|event| matches!(event, CaseEvent::EvidenceCaptured { .. }));
        let year = almaty_date(received_at).year();
        let case_id = if state.refusal.is_empty() {
            // Issue 7: earlier cases that name one of its accounts, or are
            // about the same child, are linked by the system in the new
            // case's first events, looked up by the store under its write
            // lock (`Store::create_application`).
            let links = LinkKeys::of(&state.application);
            let (case_id, recorded) = self
                .store
                .create_application(year, &events, &jobs, &actor.name, now, &links)
                .await?;
            state = CaseState::replay(&recorded)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            case_id
        } else if has_evidence {
            // The store places the uploads' leaves under its write lock, so
            // a busy log (every write moves it on) cannot make intake conflict.
            let (case_id, recorded) = self
                .store
                .create_case_placed(year, &events, &jobs, &actor.name, now)
                .await?;
            state = CaseState::replay(&recorded)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            case_id
        } else {
            self.store
                .create_case_with(year, &events, &jobs, &actor.name, now)
                .await?
        };
        Ok(Submitted {
            case_id,
            state,
            access_code,
        })
    }

    /// The command that records the expert group's decision, with what the
    /// rule needs from outside the case: the group's size (its active experts)
    /// and the incidents of linked cases for the "two or more times" count.
    pub async fn decide_command(
        &self,
        case_id: &str,
        override_reason: Option<String>,
    ) -> Result<Command, ServiceError> {
        let group_size = self
            .store
            .list_staff()
            .await?
            .iter()
            .filter(|member| member.active && member.role == StaffRole::Expert)
            .count() as u32;
        let linked_incidents = self.store.linked_incidents(case_id).await?;
        let override_reason = override_reason.filter(|reason| !reason.trim().is_empty());
        Ok(Command::Decide {
            group_size,
            linked_incidents,
            override_reason,
        })
    }

    pub async fn load(&self, case_id: &str) -> Result<StoredCase, ServiceError> {
        self.store
            .load_case(case_id)
            .await?
            .ok_or_else(|| ServiceError::CaseNotFound(case_id.to_owned()))
    }

    /// Runs `command` on the case; returns the events recorded and the new state.
    pub async fn run(
        &self,
        case_id: &str,
        actor: &Actor,
        command: Command,
    ) -> Result<(Vec<CaseEvent>, CaseState), ServiceError> {
        let mut attempts = 0;
        loop {
            let case = self.load(case_id).await?;
            let mut state = case.state()?;
            let regime = self.regimes.get(&state.regime)?;
            let now = self.clock.now();
            let context = Context {
                case_id,
                now,
                calendar: self.calendar,
                regime,
                actor,
            };
            let events = handle(&state, command.clone(), &context)?;
            // Nothing to record (a delivery recorded twice): no write at all.
            if events.is_empty() {
                return Ok((events, state));
            }
            for event in &events {
                state
                    .apply(event)
                    .map_err(|why| StoreError::Corrupt(why.to_owned()))?;
            }
            let jobs = jobs_for(&state, &events, now)?;
            match self
                .store
                .append_with(case_id, case.version(), &events, &jobs, &actor.name, now)
                .await
            {
                Ok(()) => return Ok((events, state)),
                Err(StoreError::Conflict) if attempts < CONFLICT_RETRIES => {
                    attempts += 1;
                    conflict_pause(attempts).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The orders a confirmed decision would issue now (the domain's
    /// `prospective_orders`), with the case as it is: the preview before
    /// deciding. Reads only; nothing is recorded.
    pub async fn prospective_orders(
        &self,
        case_id: &str,
        actor: &Actor,
    ) -> Result<(CaseState, Vec<OrderState>), ServiceError> {
        let case = self.load(case_id).await?;
        let state = case.state()?;
        let regime = self.regimes.get(&state.regime)?;
        let context = Context {
            case_id,
            now: self.clock.now(),
            calendar: self.calendar,
            regime,
            actor,
        };
        let orders = qorgau_domain::procedure::prospective_orders(&state, &context)?;
        Ok((state, orders))
    }

    /// Records facts the system observed (evidence captured, a capture
    /// failed, a removal re-checked) and what follows from them. `plan` gets
    /// the case as it is now and the context, and returns the events to
    /// append (none: nothing to do); the store gives `evidence_captured`
    /// events their `log_index` under its write lock, and the events come
    /// back as recorded. On a concurrent write to the case, the case is
    /// reloaded and `plan` asked again.
    pub async fn record<F>(
        &self,
        case_id: &str,
        actor: &Actor,
        mut plan: F,
    ) -> Result<Vec<CaseEvent>, ServiceError>
    where
        F: FnMut(&CaseState, &Context<'_>) -> Result<Vec<CaseEvent>, ServiceError> + Send,
    {
        let mut attempts = 0;
        loop {
            let case = self.load(case_id).await?;
            let mut state = case.state()?;
            let regime = self.regimes.get(&state.regime)?;
            let now = self.clock.now();
            let context = Context {
                case_id,
                now,
                calendar: self.calendar,
                regime,
                actor,
            };
            let events = plan(&state, &context)?;
            if events.is_empty() {
                return Ok(events);
            }
            for event in &events {
                state
                    .apply(event)
                    .map_err(|why| StoreError::Corrupt(why.to_owned()))?;
            }
            let jobs = jobs_for(&state, &events, now)?;
            // The store places the evidence leaves under its write lock
            // (`append_placed`): only another write to this case conflicts.
            match self
                .store
                .append_placed(case_id, case.version(), &events, &jobs, &actor.name, now)
                .await
            {
                Ok(recorded) => return Ok(recorded),
                Err(StoreError::Conflict) if attempts < RECORD_RETRIES => {
                    attempts += 1;
                    conflict_pause(attempts).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}

/// How often `record` (and an intake with uploads) tries again after a
/// concurrent write to the same case.
const RECORD_RETRIES: usize = 20;

/// The longest pause between two tries of `record`.
const MAX_CONFLICT_PAUSE_MS: u64 = 200;

/// The pause before try `attempt + 1` after a conflict: "full jitter" — a
/// random wait between 0 and 2 ms × 2^attempt, at most
/// `MAX_CONFLICT_PAUSE_MS`. Retrying at once lets the writers that collided
/// collide again (many workers recording on one case — the captures of a
/// case with many URLs, a re-check beside a staff action — could lose twenty
/// times in a row); spreading them over a growing window lets each get
/// through. Bounded: twenty pauses add up to less than four seconds.
async fn conflict_pause(attempt: usize) {
    let window = (2u64 << attempt.min(16)).min(MAX_CONFLICT_PAUSE_MS);
    // Without randomness (it never fails on a working system) the full window.
    let millis =
        random_bytes::<8>().map_or(window, |bytes| u64::from_le_bytes(bytes) % (window + 1));
    tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
}
