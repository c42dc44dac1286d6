//! One handle over whichever store the operator chose: the embedded SQLite file
//! (`--data DIR`) or PostgreSQL (`--database-url postgres://…`).

use std::path::PathBuf;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, IncidentKey};
use qorgau_domain::record::ChainSummary;

use crate::{
    ArchiveError, ArchiveItem, ArchiveSummary, CaseGauges, CaseSummary, DeadlineRow, EvidenceRow,
    Job, LinkKeys, LogLeaf, LogSummary, Maintenance, MigrationName, NewJob, OrderRow, OwnerSession,
    PgStore, ResourceOwner, SqliteStore, StaffMember, StaffSession, Store, StoreError, StoredCase,
    StoredCheckpoint, StoredEntry, StoredOwner, StoredStaff, TimelineEntry, VerifyError,
    WriterStats,
};

/// Where the store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded store's data folder.
    Embedded(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// The store chosen at run time.
#[derive(Debug, Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    /// Opens the store. With `create` (`qorgau init`), creates the embedded data
    /// folder and database, or the PostgreSQL database, and applies migrations.
    /// Without it, the embedded store still applies pending migrations, while
    /// PostgreSQL refuses a database that lacks one (run `qorgau migrate`).
    pub async fn open(location: &StoreLocation, create: bool) -> Result<AnyStore, StoreError> {
        match location {
            StoreLocation::Embedded(folder) if create => {
                Ok(AnyStore::Sqlite(SqliteStore::open_or_create(folder).await?))
            }
            StoreLocation::Embedded(folder) => {
                Ok(AnyStore::Sqlite(SqliteStore::open(folder).await?))
            }
            StoreLocation::Postgres(url) if create => {
                Ok(AnyStore::Postgres(PgStore::open_or_create(url).await?))
            }
            StoreLocation::Postgres(url) => Ok(AnyStore::Postgres(PgStore::open(url).await?)),
        }
    }

    /// Applies the migrations the store lacks (`qorgau migrate`); returns them.
    pub async fn migrate(location: &StoreLocation) -> Result<Vec<MigrationName>, StoreError> {
        match location {
            StoreLocation::Embedded(folder) => SqliteStore::migrate(folder).await,
            StoreLocation::Postgres(url) => PgStore::migrate(url).await,
        }
    }

    /// A description for people: the file, or the database without its password.
    pub fn describe(&self) -> String {
        match self {
            AnyStore::Sqlite(store) => store.path().display().to_string(),
            AnyStore::Postgres(store) => store.describe().to_owned(),
        }
    }

    /// What this instance's writer task has done (`/metrics`).
    pub fn writer_stats(&self) -> WriterStats {
        match self {
            AnyStore::Sqlite(store) => store.writer_stats(),
            AnyStore::Postgres(store) => store.writer_stats(),
        }
    }

    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(store) => store.close().await,
            AnyStore::Postgres(store) => store.close().await,
        }
    }
}

/// Forwards a call to whichever store is inside.
macro_rules! forward {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn create_case_with(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        forward!(self, store => store.create_case_with(year, events, jobs, actor, now))
    }

    async fn create_case_placed(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<(String, Vec<CaseEvent>), StoreError> {
        forward!(self, store => store.create_case_placed(year, events, jobs, actor, now))
    }

    async fn create_application(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
        links: &LinkKeys,
    ) -> Result<(String, Vec<CaseEvent>), StoreError> {
        forward!(self, store => store.create_application(year, events, jobs, actor, now, links))
    }

    async fn load_case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        forward!(self, store => store.load_case(case_id))
    }

    async fn append_placed(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        forward!(self, store => store.append_placed(case_id, expected_version, events, jobs, actor, now))
    }

    async fn append_with(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        forward!(self, store => store.append_with(case_id, expected_version, events, jobs, actor, now))
    }

    async fn timeline(&self, case_id: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        forward!(self, store => store.timeline(case_id))
    }

    async fn list_cases(&self, phase: Option<CasePhase>) -> Result<Vec<CaseSummary>, StoreError> {
        forward!(self, store => store.list_cases(phase))
    }

    async fn deadlines(&self) -> Result<Vec<DeadlineRow>, StoreError> {
        forward!(self, store => store.deadlines())
    }

    async fn case_gauges(&self, now: Timestamp) -> Result<CaseGauges, StoreError> {
        forward!(self, store => store.case_gauges(now))
    }

    async fn linked_incidents(&self, case_id: &str) -> Result<Vec<IncidentKey>, StoreError> {
        forward!(self, store => store.linked_incidents(case_id))
    }

    async fn verify(&self) -> Result<ChainSummary, VerifyError> {
        forward!(self, store => store.verify())
    }

    async fn add_staff(&self, member: &StaffMember, now: Timestamp) -> Result<(), StoreError> {
        forward!(self, store => store.add_staff(member, now))
    }

    async fn find_staff(&self, username: &str) -> Result<Option<StaffMember>, StoreError> {
        forward!(self, store => store.find_staff(username))
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        forward!(self, store => store.list_staff())
    }

    async fn set_staff_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        forward!(self, store => store.set_staff_password(username, password_hash))
    }

    async fn staff_password_hash(&self, username: &str) -> Result<Option<String>, StoreError> {
        forward!(self, store => store.staff_password_hash(username))
    }

    async fn create_session(&self, session: &StaffSession) -> Result<(), StoreError> {
        forward!(self, store => store.create_session(session))
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> Result<Option<StaffSession>, StoreError> {
        forward!(self, store => store.touch_session(token_hash, now, idle))
    }

    async fn find_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        forward!(self, store => store.find_session(token_hash))
    }

    async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        forward!(self, store => store.end_session(token_hash))
    }

    async fn create_owner_session(&self, session: &OwnerSession) -> Result<(), StoreError> {
        forward!(self, store => store.create_owner_session(session))
    }

    async fn touch_owner_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> Result<Option<ResourceOwner>, StoreError> {
        forward!(self, store => store.touch_owner_session(token_hash, now, idle))
    }

    async fn add_owner(&self, owner: &ResourceOwner, now: Timestamp) -> Result<(), StoreError> {
        forward!(self, store => store.add_owner(owner, now))
    }

    async fn find_owner_by_key(
        &self,
        api_key_hash: &str,
    ) -> Result<Option<ResourceOwner>, StoreError> {
        forward!(self, store => store.find_owner_by_key(api_key_hash))
    }

    async fn list_owners(&self) -> Result<Vec<ResourceOwner>, StoreError> {
        forward!(self, store => store.list_owners())
    }

    async fn owner_orders(
        &self,
        owner: &str,
        open_only: bool,
    ) -> Result<Vec<OrderRow>, StoreError> {
        forward!(self, store => store.owner_orders(owner, open_only))
    }

    async fn enqueue_job(
        &self,
        case_id: Option<&str>,
        job: &NewJob,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        forward!(self, store => store.enqueue_job(case_id, job, now))
    }

    async fn claim_job(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>, StoreError> {
        forward!(self, store => store.claim_job(now, lease_until))
    }

    async fn complete_job(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        forward!(self, store => store.complete_job(id, now))
    }

    async fn fail_job(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        forward!(self, store => store.fail_job(id, error, retry_at, now))
    }

    async fn jobs(&self, case_id: Option<&str>) -> Result<Vec<Job>, StoreError> {
        forward!(self, store => store.jobs(case_id))
    }

    async fn case_evidence(&self, case_id: &str) -> Result<Vec<EvidenceRow>, StoreError> {
        forward!(self, store => store.case_evidence(case_id))
    }

    async fn evidence_item(&self, evidence_id: &str) -> Result<Option<EvidenceRow>, StoreError> {
        forward!(self, store => store.evidence_item(evidence_id))
    }

    async fn log_size(&self) -> Result<u64, StoreError> {
        forward!(self, store => store.log_size())
    }

    async fn log_leaves(&self, from: u64, limit: u32) -> Result<Vec<LogLeaf>, StoreError> {
        forward!(self, store => store.log_leaves(from, limit))
    }

    async fn save_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<(), StoreError> {
        forward!(self, store => store.save_checkpoint(checkpoint))
    }

    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        forward!(self, store => store.latest_checkpoint())
    }

    async fn verify_log(&self) -> Result<LogSummary, VerifyError> {
        forward!(self, store => store.verify_log())
    }
}

impl Maintenance for AnyStore {
    async fn entries_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEntry>, StoreError> {
        forward!(self, store => store.entries_after(after, limit))
    }

    async fn staff_records(&self) -> Result<Vec<StoredStaff>, StoreError> {
        forward!(self, store => store.staff_records())
    }

    async fn owner_records(&self) -> Result<Vec<StoredOwner>, StoreError> {
        forward!(self, store => store.owner_records())
    }

    async fn checkpoint_records(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        forward!(self, store => store.checkpoint_records())
    }

    async fn job_records(&self) -> Result<Vec<Job>, StoreError> {
        forward!(self, store => Store::jobs(store, None))
    }

    async fn import(
        &self,
        items: &mut (dyn Iterator<Item = Result<ArchiveItem, ArchiveError>> + Send),
    ) -> Result<ArchiveSummary, ArchiveError> {
        forward!(self, store => store.import(items))
    }
}
