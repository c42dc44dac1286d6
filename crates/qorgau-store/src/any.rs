//! One handle over whichever store the operator chose: the embedded SQLite file
//! (`--data DIR`) or PostgreSQL (`--database-url postgres://…`).

use std::path::PathBuf;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, IncidentKey};
use qorgau_domain::record::ChainSummary;

use crate::{
    CaseSummary, DeadlineRow, SqliteStore, StaffMember, Store, StoreError, StoredCase,
    TimelineEntry, VerifyError,
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
}

impl AnyStore {
    /// Opens the store; with `create`, creates the embedded data folder and database.
    pub async fn open(location: &StoreLocation, create: bool) -> Result<AnyStore, StoreError> {
        match location {
            StoreLocation::Embedded(folder) if create => {
                Ok(AnyStore::Sqlite(SqliteStore::open_or_create(folder).await?))
            }
            StoreLocation::Embedded(folder) => {
                Ok(AnyStore::Sqlite(SqliteStore::open(folder).await?))
            }
            StoreLocation::Postgres(_) => Err(StoreError::Schema(
                "this build has no PostgreSQL store yet".to_owned(),
            )),
        }
    }

    /// A description for people: the file or the database.
    pub fn describe(&self) -> String {
        match self {
            AnyStore::Sqlite(store) => store.path().display().to_string(),
        }
    }

    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(store) => store.close().await,
        }
    }
}

/// Forwards a call to whichever store is inside.
macro_rules! forward {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn create_case(
        &self,
        year: i16,
        events: &[CaseEvent],
        actor: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        forward!(self, store => store.create_case(year, events, actor, now))
    }

    async fn load_case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        forward!(self, store => store.load_case(case_id))
    }

    async fn append(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        actor: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        forward!(self, store => store.append(case_id, expected_version, events, actor, now))
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
}
