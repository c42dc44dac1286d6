//! Jobs: the work that follows a write, and the worker that does it.
//!
//! Which jobs follow which events is decided here (`jobs_for`), and they are
//! enqueued in the same transaction as those events (`Store::append_with`),
//! so a job exists iff the events that call for it were recorded:
//!
//! | events | job |
//! |---|---|
//! | `application_registered` | `capture` of every reported URL, now |
//! | `removal_reported` | `recapture` of the order's URLs, now |
//! | `order_delivered` | `recapture` of the order's URLs at the removal deadline |
//!
//! The worker claims due jobs (one job, one worker, across instances), runs
//! them and records what happened as case events: `evidence_captured`,
//! `capture_failed` (with its reason, retried with backoff when the failure
//! may pass), `removal_rechecked`, and — once every URL of an order has been
//! re-checked — `removal_verified` through the procedure's own
//! `Command::VerifyRemoval` (which also records non-compliance when the
//! content is still there after the deadline). A job is never dropped: it
//! ends `done`, or `failed` with its reason after its last attempt.
//!
//! One model for every failed attempt: a `capture_failed` event with the
//! attempt number and, while attempts remain, when the next one runs
//! (`retry_at`); the last says none. An attempt that kept a file — the
//! server answered with an error (a 403 login wall, a 429, a 5xx) or the body
//! was cut — is first recorded as what it is, `evidence_captured` with its
//! problem (the file is evidence of what the site showed), and the retry
//! records under a new item (`slot`). A removal check retries only while it
//! cannot tell: a 404, 410 or 451 (or the content gone, or still there) is
//! its answer.
//!
//! Every job is idempotent: it first looks at the case, and does nothing
//! that the case already shows (a job whose worker died is claimed again
//! when its lease ends).

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use qorgau_domain::procedure::{
    Actor, BrowserSnapshot, CaseEvent, CasePhase, CaseState, Command, EvidenceKind, EvidenceRecord,
    EvidenceStatus, OrderStatus, VerificationResult, handle,
};
use qorgau_evidence::browser::{self, BrowserConfig};
use qorgau_evidence::capture::{
    Capture, CaptureConfig, CaptureError, Capturer, PageFingerprint, Removal, classify_removal,
};
use qorgau_store::{Job, NewJob, Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::credentials::{RandomnessError, random_bytes};
use crate::evidence::{Evidence, EvidenceError};
use crate::outbox::{self, Outbox, is_outbox_job};
use crate::procedure::{Procedure, ServiceError};

/// A job's `kind`.
pub const CAPTURE: &str = "capture";
pub const RECAPTURE: &str = "recapture";

/// `capture`: one reported URL of a registered case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureJob {
    /// The evidence item this capture becomes (fixed when enqueued, so every
    /// attempt records under the same id).
    pub evidence_id: String,
    pub url: String,
}

/// Why an order's URLs are captured again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecheckTrigger {
    /// The owner reported the content removed.
    Reported,
    /// The removal deadline passed.
    Deadline,
}

/// `recapture`: every URL of one order, to verify removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecaptureJob {
    pub order_id: String,
    pub trigger: RecheckTrigger,
    pub items: Vec<CaptureJob>,
}

/// A new evidence id: `ev_` and 16 random hex digits.
pub fn new_evidence_id() -> Result<String, RandomnessError> {
    let bytes: [u8; 8] = random_bytes()?;
    Ok(format!("ev_{}", hex::encode(bytes)))
}

fn job(kind: &str, payload: &impl Serialize, run_at: Timestamp) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        // Plain structs of strings serialize infallibly.
        payload: serde_json::to_string(payload).unwrap_or_default(),
        run_at,
    }
}

fn recapture_items(urls: &[String]) -> Result<Vec<CaptureJob>, RandomnessError> {
    urls.iter()
        .map(|url| {
            Ok(CaptureJob {
                evidence_id: new_evidence_id()?,
                url: url.clone(),
            })
        })
        .collect()
}

/// The jobs that follow `events`, just appended to a case now in `state`.
pub fn jobs_for(
    state: &CaseState,
    events: &[CaseEvent],
    now: Timestamp,
) -> Result<Vec<NewJob>, RandomnessError> {
    let mut jobs = Vec::new();
    for event in events {
        match event {
            CaseEvent::ApplicationRegistered => {
                let mut seen: Vec<&str> = Vec::new();
                for resource in &state.application.resources {
                    if seen.contains(&resource.url.as_str()) {
                        continue;
                    }
                    seen.push(&resource.url);
                    let payload = CaptureJob {
                        evidence_id: new_evidence_id()?,
                        url: resource.url.clone(),
                    };
                    jobs.push(job(CAPTURE, &payload, now));
                }
            }
            CaseEvent::RemovalReported { order_id, .. } => {
                if let Some(order) = state.order(order_id) {
                    let payload = RecaptureJob {
                        order_id: order_id.clone(),
                        trigger: RecheckTrigger::Reported,
                        items: recapture_items(&order.urls)?,
                    };
                    jobs.push(job(RECAPTURE, &payload, now));
                }
            }
            CaseEvent::OrderDelivered {
                order_id,
                removal_due,
                ..
            } => {
                if let Some(order) = state.order(order_id) {
                    let payload = RecaptureJob {
                        order_id: order_id.clone(),
                        trigger: RecheckTrigger::Deadline,
                        items: recapture_items(&order.urls)?,
                    };
                    jobs.push(job(RECAPTURE, &payload, *removal_due));
                }
            }
            _ => {}
        }
        jobs.extend(outbox::jobs_after(state, event, now)?);
    }
    Ok(jobs)
}

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run side by side (0: no worker).
    pub concurrency: usize,
    /// How long an idle worker waits before looking for due jobs again.
    pub poll: Duration,
    /// How long a claimed job is the claimer's; after that another worker
    /// takes it over (its first worker died).
    pub lease: SignedDuration,
    /// Attempts before a failing job is given up.
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles each time…
    pub first_retry: SignedDuration,
    /// … up to this.
    pub max_retry: SignedDuration,
    /// Test-only: URL prefixes fetched elsewhere (`QORGAU_CAPTURE_REWRITE`),
    /// so a test's local server can stand in for a public site. The case
    /// keeps the URL as reported; the WARC records what was fetched.
    pub rewrite: Vec<(String, String)>,
    pub capture: CaptureConfig,
    /// Headless Chromium for a screenshot and the DOM beside each capture
    /// (`QORGAU_CAPTURE_BROWSER`); none: WARC only.
    pub browser: Option<BrowserConfig>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 4,
            poll: Duration::from_millis(500),
            lease: SignedDuration::from_mins(10),
            max_attempts: 12,
            first_retry: SignedDuration::from_mins(1),
            max_retry: SignedDuration::from_hours(6),
            rewrite: Vec::new(),
            capture: CaptureConfig::default(),
            browser: None,
        }
    }
}

impl WorkerConfig {
    /// The wait after failed attempt `attempt` (1-based): 1 min, 2, 4, … ≤ 6 h.
    pub fn backoff(&self, attempt: u32) -> SignedDuration {
        let factor = 1i32 << attempt.saturating_sub(1).min(20);
        self.first_retry
            .checked_mul(factor)
            .unwrap_or(self.max_retry)
            .min(self.max_retry)
    }

    /// Parses `QORGAU_CAPTURE_REWRITE`: `FROM=TO` pairs separated by spaces
    /// or commas, e.g. `https://evidence.test/=http://127.0.0.1:8123/`.
    pub fn parse_rewrite(text: &str) -> Vec<(String, String)> {
        text.split([' ', ',', '\n'])
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(from, to)| !from.is_empty() && !to.is_empty())
            .map(|(from, to)| (from.to_owned(), to.to_owned()))
            .collect()
    }
}

/// What a job run came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// Try again at `at`.
    Retry {
        at: Timestamp,
        reason: String,
    },
    /// No further attempt.
    GaveUp {
        reason: String,
    },
}

/// One job that ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub id: i64,
    pub kind: String,
    pub outcome: JobOutcome,
}

/// Claims and runs jobs.
pub struct Worker<S> {
    pub(crate) store: Arc<S>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Delivery of notices (`outbox.rs`); without it, notices wait.
    pub(crate) outbox: Option<Arc<Outbox>>,
    evidence: Arc<Evidence>,
    capturer: Capturer,
    config: WorkerConfig,
}

/// The result of capturing one URL.
enum Fetched {
    Captured {
        capture: Box<Capture>,
        fingerprint: Option<String>,
        browser: Option<BrowserSnapshot>,
    },
    Failed(CaptureError),
}

/// A re-capture of one URL, ready to record.
struct Rechecked {
    /// The job's item (its evidence id is the first attempt's).
    job_item: CaptureJob,
    /// The item this attempt records under ([`slot`]).
    item: CaptureJob,
    fetched: Fetched,
    original: Option<Original>,
    removal: Option<Removal>,
}

/// The capture a re-capture is compared with.
#[derive(Clone)]
struct Original {
    evidence_id: String,
    digest: String,
    fingerprint: Option<PageFingerprint>,
}

impl<S: Store + 'static> Worker<S> {
    pub fn new(
        store: Arc<S>,
        clock: Arc<dyn Clock>,
        evidence: Arc<Evidence>,
        config: WorkerConfig,
    ) -> Result<Worker<S>, CaptureError> {
        Ok(Worker {
            capturer: Capturer::new(config.capture.clone())?,
            store,
            clock,
            outbox: None,
            evidence,
            config,
        })
    }

    /// Delivers notices (orders, escalations, letters, reminders) through `outbox`.
    pub fn with_outbox(mut self, outbox: Arc<Outbox>) -> Worker<S> {
        self.outbox = Some(outbox);
        self
    }

    pub(crate) fn procedure(&self) -> Procedure<'_, S> {
        Procedure::new(&self.store, self.clock.as_ref())
    }

    /// Claims one due job and runs it; `None` when nothing is due.
    pub async fn run_once(&self) -> Result<Option<JobReport>, ServiceError> {
        let now = self.clock.now();
        let lease_until = now.saturating_add(self.config.lease).unwrap_or(now);
        let Some(job) = self.store.claim_job(now, lease_until).await? else {
            return Ok(None);
        };
        let outcome = match self.run(&job).await {
            Ok(outcome) => outcome,
            // The store or the blob store failed: the job was not done; try
            // again later like any passing failure.
            Err(error) => {
                let reason = match &error {
                    ServiceError::Store(_) => "store",
                    ServiceError::Evidence(EvidenceError::Blob(_)) => "blob_store",
                    _ => "internal",
                };
                eprintln!("qorgau: job {} ({}) failed: {error}", job.id, job.kind);
                self.retry_or_give_up(job.attempts, reason)
            }
        };
        let now = self.clock.now();
        match &outcome {
            JobOutcome::Done => self.store.complete_job(job.id, now).await?,
            JobOutcome::Retry { at, reason } => {
                self.store.fail_job(job.id, reason, Some(*at), now).await?
            }
            JobOutcome::GaveUp { reason } => self.store.fail_job(job.id, reason, None, now).await?,
        }
        Ok(Some(JobReport {
            id: job.id,
            kind: job.kind,
            outcome,
        }))
    }

    /// Runs jobs until none is due (tests, and draining).
    pub async fn run_until_idle(&self) -> Result<Vec<JobReport>, ServiceError> {
        let mut reports = Vec::new();
        while let Some(report) = self.run_once().await? {
            reports.push(report);
        }
        Ok(reports)
    }

    fn retry_or_give_up(&self, attempt: u32, reason: &str) -> JobOutcome {
        match self.retry_at(attempt, true) {
            Some(at) => JobOutcome::Retry {
                at,
                reason: reason.to_owned(),
            },
            None => JobOutcome::GaveUp {
                reason: reason.to_owned(),
            },
        }
    }

    /// When to try again after failed attempt `attempt`, if at all.
    fn retry_at(&self, attempt: u32, transient: bool) -> Option<Timestamp> {
        if !transient || attempt >= self.config.max_attempts {
            return None;
        }
        let now = self.clock.now();
        now.saturating_add(self.config.backoff(attempt)).ok()
    }

    async fn run(&self, job: &Job) -> Result<JobOutcome, ServiceError> {
        let Some(case_id) = job.case_id.as_deref() else {
            return Ok(JobOutcome::GaveUp {
                reason: "no_case".to_owned(),
            });
        };
        match job.kind.as_str() {
            CAPTURE => match serde_json::from_str::<CaptureJob>(&job.payload) {
                Ok(payload) => self.capture(job, case_id, payload).await,
                Err(_) => Ok(malformed()),
            },
            RECAPTURE => match serde_json::from_str::<RecaptureJob>(&job.payload) {
                Ok(payload) => self.recapture(job, case_id, payload).await,
                Err(_) => Ok(malformed()),
            },
            kind if is_outbox_job(kind) => self.run_outbox_job(job, case_id).await,
            _ => Ok(JobOutcome::GaveUp {
                reason: "unknown_kind".to_owned(),
            }),
        }
    }

    /// The URL as fetched: the reported one, or its test stand-in.
    fn fetch_url(&self, url: &str) -> String {
        for (from, to) in &self.config.rewrite {
            if let Some(rest) = url.strip_prefix(from.as_str()) {
                return format!("{to}{rest}");
            }
        }
        url.to_owned()
    }

    async fn fetch(&self, url: &str, case_id: &str) -> Result<Fetched, ServiceError> {
        let now = self.clock.now();
        match self
            .capturer
            .capture(
                &self.fetch_url(url),
                case_id,
                now,
                self.evidence.blobs.clone(),
            )
            .await
        {
            Ok(capture) => {
                let fingerprint = self
                    .evidence
                    .keep_fingerprint(&capture.fingerprint)
                    .await?
                    .to_string();
                let browser = self.browse(&capture).await?;
                Ok(Fetched::Captured {
                    capture: Box::new(capture),
                    fingerprint: Some(fingerprint),
                    browser,
                })
            }
            Err(error) => Ok(Fetched::Failed(error)),
        }
    }

    /// A screenshot and the DOM of what `capture` fetched, when a browser is
    /// configured: the browser may reach only the address the capture came
    /// from (`qorgau_evidence::browser`). A browser that fails leaves the
    /// capture without them — the WARC is the evidence; this is a view of it.
    async fn browse(&self, capture: &Capture) -> Result<Option<BrowserSnapshot>, ServiceError> {
        let Some(config) = &self.config.browser else {
            return Ok(None);
        };
        let port = url::Url::parse(&capture.final_url)
            .ok()
            .and_then(|url| url.port_or_known_default());
        let (Some(address), Some(port)) = (capture.remote_address, port) else {
            return Ok(None);
        };
        let pinned = std::net::SocketAddr::new(address, port);
        let shot = match browser::snapshot(config, &capture.final_url, pinned).await {
            Ok(shot) => shot,
            Err(error) => {
                // No URL here: the log is the operator's, not the case's.
                eprintln!("qorgau: browser snapshot skipped ({})", error.reason());
                return Ok(None);
            }
        };
        let (screenshot_size, dom_size) = (shot.screenshot.len() as u64, shot.dom.len() as u64);
        let screenshot = self.evidence.write(shot.screenshot).await?;
        let dom = self.evidence.write(shot.dom).await?;
        Ok(Some(BrowserSnapshot {
            screenshot: screenshot.to_string(),
            screenshot_size,
            dom: dom.to_string(),
            dom_size,
        }))
    }

    async fn capture(
        &self,
        job: &Job,
        case_id: &str,
        payload: CaptureJob,
    ) -> Result<JobOutcome, ServiceError> {
        let state = self.procedure().load(case_id).await?.state()?;
        let Slot::Open(evidence_id) = slot(&state, &payload.evidence_id) else {
            return Ok(JobOutcome::Done);
        };
        let item = CaptureJob {
            evidence_id,
            url: payload.url.clone(),
        };
        let fetched = self.fetch(&payload.url, case_id).await?;
        let failed_at = self.clock.now();
        let failure = |reason: &str, retry_at: Option<Timestamp>| CaseEvent::CaptureFailed {
            evidence_id: item.evidence_id.clone(),
            kind: EvidenceKind::Capture,
            url: item.url.clone(),
            reason: reason.to_owned(),
            attempt: job.attempts,
            failed_at,
            retry_at,
        };
        let (events, outcome) = match fetched {
            Fetched::Captured {
                capture,
                fingerprint,
                browser,
            } => {
                let captured = captured_event(
                    &item,
                    EvidenceKind::Capture,
                    &capture,
                    fingerprint,
                    browser,
                    None,
                );
                match capture.problem().filter(|problem| problem.is_transient()) {
                    // Clean, or a problem another attempt would not change
                    // (too large, a decompression bomb): kept as it is.
                    None => (vec![captured], JobOutcome::Done),
                    // The server answered with an error (a login wall, a
                    // 503) or the body was cut: the file is evidence of what
                    // the site showed and stays, as a failed item; the capture
                    // is tried again, under a new item, until one is clean or
                    // the attempts run out.
                    Some(problem) => {
                        let retry_at = self.retry_at(job.attempts, true);
                        let reason = problem.reason().to_owned();
                        let failed = failure(&reason, retry_at);
                        let outcome = match retry_at {
                            Some(at) => JobOutcome::Retry { at, reason },
                            None => JobOutcome::GaveUp { reason },
                        };
                        (vec![captured, failed], outcome)
                    }
                }
            }
            Fetched::Failed(error) => {
                let retry_at = self.retry_at(job.attempts, error.is_transient());
                let reason = error.reason().to_owned();
                let failed = failure(&reason, retry_at);
                let outcome = match retry_at {
                    Some(at) => JobOutcome::Retry { at, reason },
                    None => JobOutcome::GaveUp { reason },
                };
                (vec![failed], outcome)
            }
        };
        let base = payload.evidence_id.clone();
        let evidence_id = item.evidence_id.clone();
        self.procedure()
            .record(case_id, &Actor::system(), move |state, _| {
                // Another worker recorded this attempt meanwhile.
                if slot(state, &base) != Slot::Open(evidence_id.clone()) {
                    return Ok(Vec::new());
                }
                Ok(events.clone())
            })
            .await?;
        Ok(outcome)
    }

    async fn recapture(
        &self,
        job: &Job,
        case_id: &str,
        payload: RecaptureJob,
    ) -> Result<JobOutcome, ServiceError> {
        let state = self.procedure().load(case_id).await?.state()?;
        let Some(order) = state.order(&payload.order_id) else {
            return Ok(JobOutcome::GaveUp {
                reason: "unknown_order".to_owned(),
            });
        };
        let nothing_to_verify = state.phase == CasePhase::Closed
            || order.status == OrderStatus::Removed
            || (payload.trigger == RecheckTrigger::Deadline
                && matches!(
                    order.status,
                    OrderStatus::NotComplied | OrderStatus::Escalated
                ));
        if nothing_to_verify {
            return Ok(JobOutcome::Done);
        }
        let mut rechecked = Vec::new();
        let mut retry: Option<Timestamp> = None;
        for job_item in &payload.items {
            let Slot::Open(evidence_id) = slot(&state, &job_item.evidence_id) else {
                continue;
            };
            let item = CaptureJob {
                evidence_id,
                url: job_item.url.clone(),
            };
            let original = match original_of(&state, &item.url) {
                Some(record) => Some(self.original(record).await),
                None => None,
            };
            let fetched = self.fetch(&item.url, case_id).await?;
            // Only "cannot tell" is tried again: a page gone (404, 410, 451,
            // the content no longer there) or still there is the answer.
            // "Cannot tell" because the server answered with an error (a
            // login wall, a 503) or the body was cut keeps its file and is
            // retried like a failure that kept nothing.
            let (removal, transient) = match &fetched {
                Fetched::Captured { capture, .. } => {
                    let removal = classify(original.as_ref(), Ok(capture.as_ref()));
                    let transient = matches!(removal, Removal::Unreachable { .. })
                        && capture
                            .problem()
                            .is_some_and(|problem| problem.is_transient());
                    (removal, transient)
                }
                Fetched::Failed(error) => (
                    classify(original.as_ref(), Err(error)),
                    error.is_transient(),
                ),
            };
            let removal = match self.retry_at(job.attempts, transient) {
                Some(at) => {
                    retry = Some(retry.map_or(at, |known| known.min(at)));
                    None
                }
                None => Some(removal),
            };
            rechecked.push(Rechecked {
                job_item: job_item.clone(),
                item,
                fetched,
                original,
                removal,
            });
        }
        let failed_at = self.clock.now();
        let attempt = job.attempts;
        let order_id = payload.order_id.clone();
        let items = payload.items.clone();
        let trigger = payload.trigger;
        let retry_at = retry;
        self.procedure()
            .record(case_id, &Actor::system(), move |state, context| {
                let mut events = Vec::new();
                for done in &rechecked {
                    // Another worker recorded this attempt meanwhile.
                    if slot(state, &done.job_item.evidence_id)
                        != Slot::Open(done.item.evidence_id.clone())
                    {
                        continue;
                    }
                    events.extend(recheck_events(
                        done, &order_id, attempt, failed_at, retry_at,
                    ));
                }
                let mut after = state.clone();
                for event in &events {
                    after
                        .apply(event)
                        .map_err(|why| StoreError::Corrupt(why.to_owned()))?;
                }
                if let Some(result) = combined(&after, &items) {
                    let note = format!(
                        "{}: {}",
                        match trigger {
                            RecheckTrigger::Reported => "recapture after the removal report",
                            RecheckTrigger::Deadline => "recapture at the removal deadline",
                        },
                        items
                            .iter()
                            .filter_map(|item| latest(&after, &item.evidence_id))
                            .filter_map(|record| record.removal_reason.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    let verify = Command::VerifyRemoval {
                        order_id: order_id.clone(),
                        result,
                        note: Some(note),
                    };
                    // The order may have moved on meanwhile (verified by
                    // staff, the case closed): the re-check stays recorded.
                    if let Ok(verified) = handle(&after, verify, context) {
                        events.extend(verified);
                    }
                }
                Ok(events)
            })
            .await?;
        Ok(match retry {
            Some(at) => JobOutcome::Retry {
                at,
                reason: "recapture_incomplete".to_owned(),
            },
            None => JobOutcome::Done,
        })
    }

    async fn original(&self, record: &EvidenceRecord) -> Original {
        let fingerprint = match &record.fingerprint {
            Some(digest) => match self.evidence.fingerprint(digest).await {
                Ok(fingerprint) => Some(fingerprint),
                Err(error) => {
                    eprintln!(
                        "qorgau: the fingerprint of {} cannot be read: {error}",
                        record.evidence_id
                    );
                    None
                }
            },
            None => None,
        };
        Original {
            evidence_id: record.evidence_id.clone(),
            digest: record.digest.clone().unwrap_or_default(),
            fingerprint,
        }
    }
}

pub(crate) fn malformed() -> JobOutcome {
    JobOutcome::GaveUp {
        reason: "malformed_payload".to_owned(),
    }
}

/// Where a job's next attempt at one URL records.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// Under this evidence id (new, or one whose failed attempts kept nothing).
    Open(String),
    /// Nothing more to do: the URL's last item is settled (this id).
    Settled(String),
}

/// The item the next attempt of job item `base` records under. Attempts
/// that keep nothing (DNS, a refused connection) share one item, which
/// counts them. An attempt that keeps a file with a problem and is retried
/// leaves that item as it is — the file is evidence of what the site showed,
/// with its own log leaf and receipt — and the next attempt records under a
/// new item: `base`, `{base}_2`, `{base}_3`, … So a retried job never
/// records a second file under one id, and each file has one item.
fn slot(state: &CaseState, base: &str) -> Slot {
    let mut number = 1usize;
    loop {
        let evidence_id = if number == 1 {
            base.to_owned()
        } else {
            format!("{base}_{number}")
        };
        match state.evidence_item(&evidence_id) {
            // Kept, failed and retried: the next attempt has the next id.
            Some(item) if item.is_captured() && item.retry_at.is_some() => number += 1,
            Some(item) if item.is_settled() => return Slot::Settled(evidence_id),
            _ => return Slot::Open(evidence_id),
        }
    }
}

/// The latest item of job item `base` (its last attempt's), if recorded.
fn latest<'s>(state: &'s CaseState, base: &str) -> Option<&'s EvidenceRecord> {
    match slot(state, base) {
        Slot::Open(evidence_id) | Slot::Settled(evidence_id) => state.evidence_item(&evidence_id),
    }
}

/// The capture of `url` a re-capture is compared with: the latest clean one,
/// else the latest kept one.
fn original_of<'s>(state: &'s CaseState, url: &str) -> Option<&'s EvidenceRecord> {
    let kept = || {
        state.evidence.iter().rev().filter(|record| {
            record.kind == EvidenceKind::Capture && record.url == url && record.is_captured()
        })
    };
    kept()
        .find(|record| record.status == EvidenceStatus::Ok)
        .or_else(|| kept().next())
}

/// Classifies a re-capture. Without an original to compare with, only a
/// "gone" status (404, 410, 451) proves removal; anything else cannot tell.
fn classify(original: Option<&Original>, recapture: Result<&Capture, &CaptureError>) -> Removal {
    if let Some(fingerprint) = original.and_then(|original| original.fingerprint.as_ref()) {
        return classify_removal(fingerprint, recapture);
    }
    match recapture {
        Ok(capture) if matches!(capture.status, 404 | 410 | 451) => Removal::Removed {
            reason: format!("http_{}", capture.status),
        },
        Ok(_) => Removal::Unreachable {
            reason: "no_original_capture".to_owned(),
        },
        Err(error) => Removal::Unreachable {
            reason: error.reason().to_owned(),
        },
    }
}

fn captured_event(
    item: &CaptureJob,
    kind: EvidenceKind,
    capture: &Capture,
    fingerprint: Option<String>,
    browser: Option<BrowserSnapshot>,
    original: Option<&Original>,
) -> CaseEvent {
    CaseEvent::EvidenceCaptured {
        evidence_id: item.evidence_id.clone(),
        kind,
        url: item.url.clone(),
        digest: capture.warc_digest.to_string(),
        size: capture.warc_size,
        captured_at: capture.captured_at,
        // Set by `Procedure::record` to where the item's leaf lands.
        log_index: 0,
        http_status: capture.status,
        // A re-capture answered "gone" is the proof it was taken for, not a problem.
        problem: capture
            .problem()
            .filter(|_| {
                !(kind == EvidenceKind::Recapture && matches!(capture.status, 404 | 410 | 451))
            })
            .map(|problem| problem.reason().to_owned()),
        original_id: original.map(|original| original.evidence_id.clone()),
        original_digest: original.map(|original| original.digest.clone()),
        fingerprint,
        browser,
        stripped: None,
    }
}

/// The events of one re-checked URL.
fn recheck_events(
    done: &Rechecked,
    order_id: &str,
    attempt: u32,
    failed_at: Timestamp,
    retry_at: Option<Timestamp>,
) -> Vec<CaseEvent> {
    let mut events = Vec::new();
    let original = done
        .original
        .as_ref()
        .filter(|original| !original.digest.is_empty());
    let failure = |reason: &str| CaseEvent::CaptureFailed {
        evidence_id: done.item.evidence_id.clone(),
        kind: EvidenceKind::Recapture,
        url: done.item.url.clone(),
        reason: reason.to_owned(),
        attempt,
        failed_at,
        retry_at: if done.removal.is_some() {
            None
        } else {
            retry_at
        },
    };
    match &done.fetched {
        Fetched::Captured {
            capture,
            fingerprint,
            browser,
        } => {
            events.push(captured_event(
                &done.item,
                EvidenceKind::Recapture,
                capture,
                fingerprint.clone(),
                browser.clone(),
                original,
            ));
            // The server's error or a cut body left it unclear: a failed
            // attempt, retried (no verdict yet) or the last one (the verdict
            // is "unreachable").
            let unclear = matches!(done.removal, None | Some(Removal::Unreachable { .. }));
            if let Some(problem) = capture.problem().filter(|problem| problem.is_transient())
                && unclear
            {
                events.push(failure(problem.reason()));
            }
        }
        Fetched::Failed(error) => events.push(failure(error.reason())),
    }
    if let Some(removal) = &done.removal {
        let (result, reason) = match removal {
            Removal::Removed { reason } => (VerificationResult::Removed, reason.clone()),
            Removal::StillPresent { .. } => {
                (VerificationResult::StillPresent, "still_present".to_owned())
            }
            Removal::Unreachable { reason } => (VerificationResult::Unreachable, reason.clone()),
        };
        events.push(CaseEvent::RemovalRechecked {
            order_id: order_id.to_owned(),
            evidence_id: done.item.evidence_id.clone(),
            url: done.item.url.clone(),
            result,
            reason,
            checked_at: failed_at,
        });
    }
    events
}

/// The order's verdict once every URL is re-checked: still present if any
/// is, removed if all are, else unreachable (cannot tell).
fn combined(state: &CaseState, items: &[CaptureJob]) -> Option<VerificationResult> {
    let mut results = Vec::new();
    for item in items {
        results.push(latest(state, &item.evidence_id)?.removal?);
    }
    if results.is_empty() {
        return None;
    }
    Some(if results.contains(&VerificationResult::StillPresent) {
        VerificationResult::StillPresent
    } else if results
        .iter()
        .all(|result| *result == VerificationResult::Removed)
    {
        VerificationResult::Removed
    } else {
        VerificationResult::Unreachable
    })
}

/// A running worker: `stop` lets jobs in flight finish (for a while), then
/// returns.
pub struct WorkerHandle {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl<S: Store + 'static> Worker<S> {
    /// Starts `concurrency` loops, each claiming and running due jobs and
    /// waiting `poll` when none is due.
    pub fn spawn(self: Arc<Self>) -> WorkerHandle {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let tasks = (0..self.config.concurrency)
            .map(|_| {
                let worker = self.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    while !*stopped.borrow() {
                        match worker.run_once().await {
                            Ok(Some(_)) => continue,
                            Ok(None) => {}
                            Err(error) => eprintln!("qorgau: the job worker: {error}"),
                        }
                        tokio::select! {
                            _ = stopped.changed() => {}
                            () = tokio::time::sleep(worker.config.poll) => {}
                        }
                    }
                })
            })
            .collect();
        WorkerHandle { stop, tasks }
    }
}

impl WorkerHandle {
    /// Stops at once, abandoning jobs in flight (their lease runs out).
    pub fn abort(&self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }

    /// Stops claiming jobs; waits up to `grace` for jobs in flight, then
    /// abandons them (their lease runs out and another worker takes them).
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut tasks = self.tasks;
        let all = async {
            for task in &mut tasks {
                let _ = task.await;
            }
        };
        if tokio::time::timeout(grace, all).await.is_err() {
            for task in &tasks {
                task.abort();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_doubling_up_to_the_cap() {
        let config = WorkerConfig::default();
        let minutes: Vec<i64> = (1..=12)
            .map(|attempt| config.backoff(attempt).as_secs() / 60)
            .collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
    }

    #[test]
    fn rewrites_parse_from_pairs() {
        assert_eq!(
            WorkerConfig::parse_rewrite(
                "https://a.test/=http://127.0.0.1:1/, https://b.test/x=http://127.0.0.1:2/y junk"
            ),
            vec![
                (
                    "https://a.test/".to_owned(),
                    "http://127.0.0.1:1/".to_owned()
                ),
                (
                    "https://b.test/x".to_owned(),
                    "http://127.0.0.1:2/y".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn evidence_ids_are_random_and_url_safe() {
        let (Ok(first), Ok(second)) = (new_evidence_id(), new_evidence_id()) else {
            return;
        };
        assert_ne!(first, second);
        assert_eq!(first.len(), 19);
        assert!(
            first
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '_')
        );
    }
}
