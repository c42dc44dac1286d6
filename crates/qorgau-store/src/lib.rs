//! The case record and its read models, behind one trait.
//!
//! `Store` is what the shells (CLI, web) use; `SqliteStore` is the embedded
//! implementation, `PgStore` the PostgreSQL one for several instances, and
//! `AnyStore` the one chosen at run time. Every write is all or nothing: its
//! events are appended to the hash chain and its case's read models updated in
//! the same transaction, or nothing of it is written. Case writes queue for one
//! writer task per instance, which commits whatever is waiting together (group
//! commit, `batch.rs`). `Maintenance` and `archive` move a whole store.
//!
//! Architecture Invariant: the store holds no procedure rules. It stores events
//! the domain produced, folds them with the domain's `CaseState::replay`, and
//! answers queries; deciding what may happen is `qorgau_domain::procedure`'s job.

use std::collections::BTreeMap;
use std::future::Future;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey, PendingDeadline};
use qorgau_domain::record::{ChainBreak, ChainSummary};

mod any;
pub mod archive;
mod batch;
pub mod delivery;
pub mod links;
mod log;
mod postgres;
mod rows;
mod schema;
mod sqlite;
pub mod stats;

pub use any::{AnyStore, StoreLocation};
pub use archive::{
    ArchiveError, ArchiveItem, ArchiveSummary, StoredEntry, StoredOwner, StoredStaff,
};
pub use batch::WriterStats;
pub use delivery::{Deliveries, OwnerContact, StaffContact, WebhookEndpoint};
pub use links::{LinkKeys, LinkRow, Links, PersonLink};
pub use log::{LOG_PAGE, place_evidence_leaves};
pub use postgres::PgStore;
pub use schema::MigrationName;
pub use sqlite::SqliteStore;
pub use stats::{Statistics, StatsSnapshot, TallyCheck, TallySnapshot};

/// A case as loaded: its events and their count (the version a write must match).
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub case_id: String,
    pub events: Vec<CaseEvent>,
}

impl StoredCase {
    pub fn version(&self) -> u64 {
        self.events.len() as u64
    }

    pub fn state(&self) -> Result<CaseState, StoreError> {
        CaseState::replay(&self.events).map_err(|error| StoreError::Corrupt(error.to_string()))
    }
}

/// Who recorded an event, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub seq: u64,
    pub event_type: String,
    pub actor: String,
    pub recorded_at: Timestamp,
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub case_id: String,
    pub regime: String,
    pub language: String,
    pub phase: String,
    pub received_at: Timestamp,
}

/// One row of the deadline board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRow {
    pub case_id: String,
    pub phase: String,
    pub deadline: PendingDeadline,
}

/// What `/metrics` shows of the cases, counted by the database: a scrape
/// reads two small aggregates, not every case and deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseGauges {
    /// Phase (`CasePhase::as_str`) → cases in it; phases without cases are absent.
    pub cases_per_phase: BTreeMap<String, u64>,
    /// Deadline kind → pending deadlines of that kind already past; every
    /// kind with a pending deadline is present, with 0 if none is overdue.
    pub overdue_per_kind: BTreeMap<String, u64>,
}

impl CaseGauges {
    /// From the stores' `(phase, count)` and `(kind, overdue)` rows.
    pub(crate) fn from_counts(phases: Vec<(String, i64)>, overdue: Vec<(String, i64)>) -> Self {
        let count = |rows: Vec<(String, i64)>| {
            rows.into_iter()
                .map(|(key, count)| (key, count.max(0) as u64))
                .collect()
        };
        CaseGauges {
            cases_per_phase: count(phases),
            overdue_per_kind: count(overdue),
        }
    }
}

/// A member of the authority's staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    pub chair: bool,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Coordinator,
    Expert,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Coordinator => "coordinator",
            StaffRole::Expert => "expert",
        }
    }
}

/// A signed-in staff member's session (only the token's hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub token_hash: String,
    pub username: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A resource owner's session in the owners' portal (only the token's hash
/// is stored). It lives while the API key it was opened with, whose hash it
/// keeps, is still the owner's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerSession {
    pub token_hash: String,
    pub owner: String,
    pub api_key_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The owner or legal representative of Internet resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceOwner {
    /// The key orders are addressed to: a platform (`telegram`) or a host.
    pub name: String,
    pub display_name: String,
    pub api_key_hash: String,
    pub domains: Vec<String>,
}

/// One order as its addressee sees it: what to remove and by when, never who
/// complained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub order_id: String,
    pub case_id: String,
    pub owner: String,
    pub status: String,
    pub urls: Vec<String>,
    pub issued_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub removal_due: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub removal_reported_at: Option<Timestamp>,
    /// When a re-capture first verified the content gone.
    pub removed_at: Option<Timestamp>,
    /// Escalation steps taken so far.
    pub escalations: u32,
    /// The escalation ladder is paused by a coordinator.
    pub escalation_paused: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the case since it was loaded; load and retry.
    #[error("the case changed while this command ran; try again")]
    Conflict,
    #[error("no case {0}")]
    CaseNotFound(String),
    #[error("no {0}")]
    NotFound(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// The stored record does not fold: tampering or a bug. `qorgau verify` says where.
    #[error("the stored record is inconsistent: {0}")]
    Corrupt(String),
    /// The database was written by a newer Qorgau, or a migration is missing.
    #[error("the database schema is not the one this Qorgau knows: {0}")]
    Schema(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    /// The transparency log does not mirror the record, or a checkpoint's
    /// root is not the log's.
    #[error(transparent)]
    Log(#[from] LogBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the transparency log departs from the record it mirrors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogBreak {
    /// Leaf `index` is missing, or is not the leaf the record calls for
    /// (its entry or its hash differs).
    #[error("leaf {index} of the transparency log (for record entry {seq}) {fault}")]
    Leaf {
        index: u64,
        seq: u64,
        fault: &'static str,
    },
    /// The log has leaves the record does not account for.
    #[error("the transparency log has {found} leaves; the record accounts for {expected}")]
    Extra { expected: u64, found: u64 },
    /// A stored checkpoint's root is not the root of the log at its size.
    #[error("the signed checkpoint of {tree_size} leaves does not match the log")]
    Checkpoint { tree_size: u64 },
}

/// Work to do after a write (`jobs` table): enqueued in the same transaction
/// as the events that call for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// `capture`, `recapture`.
    pub kind: String,
    /// JSON: what the job needs (the store does not look inside).
    pub payload: String,
    /// Due from then.
    pub run_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    /// Claimed by a worker until its lease ends.
    Running,
    Done,
    /// Given up: no retry is scheduled (the reason is in `last_error`).
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub case_id: Option<String>,
    pub payload: String,
    pub status: JobStatus,
    pub run_at: Timestamp,
    /// Claims so far (the current one included, while running).
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
}

/// One row of the evidence index (`case_evidence`, a read model of the
/// evidence events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRow {
    pub evidence_id: String,
    pub case_id: String,
    /// `capture`, `upload`, `recapture`.
    pub kind: String,
    pub url: String,
    pub digest: Option<String>,
    pub size: Option<u64>,
    pub captured_at: Option<Timestamp>,
    /// `ok`, `failed`.
    pub status: String,
    pub reason: Option<String>,
    pub log_index: Option<u64>,
    pub original_id: Option<String>,
    pub attempts: u32,
    pub retry_at: Option<Timestamp>,
    pub order_id: Option<String>,
    /// What a re-capture showed: `removed`, `still_present`, `unreachable`.
    pub removal: Option<String>,
}

/// One leaf of the transparency log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLeaf {
    pub index: u64,
    pub entry: Vec<u8>,
    pub leaf_hash: [u8; 32],
}

/// A signed tree head as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub tree_size: u64,
    pub root: [u8; 32],
    /// The C2SP signed note, as served.
    pub note: String,
    pub signed_at: Timestamp,
}

/// What `verify_log` checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSummary {
    pub leaves: u64,
    /// Evidence items among them.
    pub evidence: u64,
    pub root: [u8; 32],
    /// The latest checkpoint (its root matched).
    pub latest: Option<StoredCheckpoint>,
}

/// The store every shell uses. Implementations: `SqliteStore` (embedded),
/// `PgStore` (PostgreSQL), and `AnyStore` over either; they behave alike, and
/// `tests/store.rs` runs every scenario against both.
pub trait Store: Send + Sync + Deliveries + Links + Statistics {
    /// Records a new case: assigns the next case number of the year of receipt
    /// (`QG-YYYY-NNNNNN`) and appends its first events.
    fn create_case(
        &self,
        year: i16,
        events: &[CaseEvent],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<String, StoreError>> + Send {
        self.create_case_with(year, events, &[], actor, now)
    }

    /// `create_case`, enqueueing `jobs` for the new case in the same
    /// transaction: they exist iff the events do.
    fn create_case_with(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// `create_case_with`, the store placing each `evidence_captured` event's
    /// `log_index` where its item's leaf lands (`place_evidence_leaves` at
    /// the log's size under the write lock), so a busy log cannot make it
    /// conflict. Returns the case id and the events as recorded.
    fn create_case_placed(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<(String, Vec<CaseEvent>), StoreError>> + Send;

    /// A new application: `create_case_placed`, and in the same transaction,
    /// under the write lock, the `cases_linked` events that link it to the
    /// earlier cases sharing one of `links`' actor accounts or its child
    /// (`qorgau_domain::procedure::automatic_links`), appended to `events`.
    /// Every case committed before it, by any instance, is seen. Returns the
    /// case id and the events as recorded.
    fn create_application(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
        links: &LinkKeys,
    ) -> impl Future<Output = Result<(String, Vec<CaseEvent>), StoreError>> + Send;

    fn load_case(
        &self,
        case_id: &str,
    ) -> impl Future<Output = Result<Option<StoredCase>, StoreError>> + Send;

    /// Appends events to a case loaded at `expected_version`; `Conflict` when
    /// another writer got there first.
    fn append(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.append_with(case_id, expected_version, events, &[], actor, now)
    }

    /// `append`, enqueueing `jobs` for the case in the same transaction. Each
    /// event also gets its leaf in the transparency log; an
    /// `evidence_captured` event's `log_index` must be where its item's leaf
    /// lands, else `Conflict` (another writer moved the log on: retry).
    fn append_with(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// `append_with`, the store placing each `evidence_captured` event's
    /// `log_index` where its item's leaf lands (under the write lock), so only
    /// a write to the same case can make it conflict. Returns the events as
    /// recorded.
    fn append_placed(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<CaseEvent>, StoreError>> + Send;

    /// The case's entries in the record, in order, without their payloads.
    fn timeline(
        &self,
        case_id: &str,
    ) -> impl Future<Output = Result<Vec<TimelineEntry>, StoreError>> + Send;

    fn list_cases(
        &self,
        phase: Option<CasePhase>,
    ) -> impl Future<Output = Result<Vec<CaseSummary>, StoreError>> + Send;

    /// Every pending deadline of every open case, earliest first.
    fn deadlines(&self) -> impl Future<Output = Result<Vec<DeadlineRow>, StoreError>> + Send;

    /// Cases per phase and deadlines overdue at `now` per kind.
    fn case_gauges(
        &self,
        now: Timestamp,
    ) -> impl Future<Output = Result<CaseGauges, StoreError>> + Send;

    /// Incidents of other cases that share a resource or an actor account with `case_id`.
    fn linked_incidents(
        &self,
        case_id: &str,
    ) -> impl Future<Output = Result<Vec<IncidentKey>, StoreError>> + Send;

    /// Recomputes the whole hash chain and replays every case.
    fn verify(&self) -> impl Future<Output = Result<ChainSummary, VerifyError>> + Send;

    fn add_staff(
        &self,
        member: &StaffMember,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn find_staff(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<StaffMember>, StoreError>> + Send;

    fn list_staff(&self) -> impl Future<Output = Result<Vec<StaffMember>, StoreError>> + Send;

    /// Sets a staff member's password hash (Argon2id PHC string).
    fn set_staff_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn staff_password_hash(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    fn create_session(
        &self,
        session: &StaffSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A live session — not past its absolute expiry, and used within `idle` —
    /// marked as used now; `None` otherwise (the session has ended).
    fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> impl Future<Output = Result<Option<StaffSession>, StoreError>> + Send;

    fn find_session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<StaffSession>, StoreError>> + Send;

    /// Ends the staff or owner session whose token hashes to `token_hash`
    /// (signing out); `false` when there was none.
    fn end_session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn create_owner_session(
        &self,
        session: &OwnerSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The owner behind a live portal session — not past its absolute expiry,
    /// used within `idle`, and opened with the owner's current API key —
    /// marked as used now; `None` otherwise.
    fn touch_owner_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> impl Future<Output = Result<Option<ResourceOwner>, StoreError>> + Send;

    fn add_owner(
        &self,
        owner: &ResourceOwner,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn find_owner_by_key(
        &self,
        api_key_hash: &str,
    ) -> impl Future<Output = Result<Option<ResourceOwner>, StoreError>> + Send;

    fn list_owners(&self) -> impl Future<Output = Result<Vec<ResourceOwner>, StoreError>> + Send;

    /// The orders addressed to `owner`; with `open_only`, those not yet removed.
    fn owner_orders(
        &self,
        owner: &str,
        open_only: bool,
    ) -> impl Future<Output = Result<Vec<OrderRow>, StoreError>> + Send;

    /// Enqueues a job outside a case write (staff asking for a capture).
    fn enqueue_job(
        &self,
        case_id: Option<&str>,
        job: &NewJob,
        now: Timestamp,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Claims the next due job — queued and due, or running with its lease
    /// expired (its worker died) — for a lease until `lease_until`: one job,
    /// one worker, across instances (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    fn claim_job(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> impl Future<Output = Result<Option<Job>, StoreError>> + Send;

    fn complete_job(
        &self,
        id: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records a failed attempt: queued again for `retry_at`, or, without
    /// one, given up (`failed`). Never deleted.
    fn fail_job(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Jobs, oldest first; of one case when given.
    fn jobs(
        &self,
        case_id: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Job>, StoreError>> + Send;

    /// The case's evidence items, in the order first recorded.
    fn case_evidence(
        &self,
        case_id: &str,
    ) -> impl Future<Output = Result<Vec<EvidenceRow>, StoreError>> + Send;

    /// One evidence item by its id, whichever case it belongs to (the log's
    /// proof routes look up an item's leaf this way).
    fn evidence_item(
        &self,
        evidence_id: &str,
    ) -> impl Future<Output = Result<Option<EvidenceRow>, StoreError>> + Send;

    /// The number of leaves in the transparency log.
    fn log_size(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Leaves from index `from`, at most `limit`, in order.
    fn log_leaves(
        &self,
        from: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<LogLeaf>, StoreError>> + Send;

    /// Keeps a signed checkpoint (once per tree size; a second one for the
    /// same size is ignored).
    fn save_checkpoint(
        &self,
        checkpoint: &StoredCheckpoint,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn latest_checkpoint(
        &self,
    ) -> impl Future<Output = Result<Option<StoredCheckpoint>, StoreError>> + Send;

    /// Checks the transparency log against the record: every entry's leaf
    /// and every evidence item's leaf present, in place and unaltered, no
    /// leaf unaccounted for, and every stored checkpoint's root the log's
    /// root at its size. Run after `verify`, which checks the record itself.
    fn verify_log(&self) -> impl Future<Output = Result<LogSummary, VerifyError>> + Send;
}

/// Whole-store operations for operators (`qorgau export` / `import`), not for
/// the procedure: the raw record page by page, staff as stored, and loading an
/// archive into an empty store.
pub trait Maintenance {
    /// The entries with `seq > after`, in order, at most `limit` of them.
    fn entries_after(
        &self,
        after: u64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredEntry>, StoreError>> + Send;

    /// Every staff member with the time they were added, by username.
    fn staff_records(&self) -> impl Future<Output = Result<Vec<StoredStaff>, StoreError>> + Send;

    /// Every resource owner with the time they were added, by name.
    fn owner_records(&self) -> impl Future<Output = Result<Vec<StoredOwner>, StoreError>> + Send;

    /// Every signed checkpoint of the log, by tree size.
    fn checkpoint_records(
        &self,
    ) -> impl Future<Output = Result<Vec<StoredCheckpoint>, StoreError>> + Send;

    /// Every job, oldest first.
    fn job_records(&self) -> impl Future<Output = Result<Vec<Job>, StoreError>> + Send;

    /// Loads `items` into this store, which must hold nothing yet (else
    /// `ArchiveError::NotEmpty`): checks every entry against the chain as it
    /// goes, rebuilds every case's read models from its events and the case
    /// numbers from the case ids, all in one transaction.
    fn import(
        &self,
        items: &mut (dyn Iterator<Item = Result<ArchiveItem, ArchiveError>> + Send),
    ) -> impl Future<Output = Result<ArchiveSummary, ArchiveError>> + Send;
}
