//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous = FULL` syncs the WAL on every commit, so a
//! transaction that returned has reached the disk ("nothing accepted is lost",
//! PRODUCT.md). Writes take the database's write lock up front (`BEGIN
//! IMMEDIATE`), so the chain head read inside a write cannot be stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey};
use qorgau_domain::record::{ChainSummary, ChainVerifier, GENESIS, RecordEntry};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::archive::{
    ArchiveError, ArchiveItem, ArchiveSummary, StoredEntry, StoredOwner, StoredStaff,
};
use crate::log::{self, Misplaced, NewLeaf};
use crate::rows::{self, ReadModel, decode, encode, from_millis, hash_array, millis};
use crate::schema::{self, AppliedMigration, MigrationName};
use crate::{
    CaseSummary, DeadlineRow, EvidenceRow, Job, LogLeaf, LogSummary, Maintenance, NewJob, OrderRow,
    ResourceOwner, StaffMember, StaffSession, Store, StoreError, StoredCase, StoredCheckpoint,
    TimelineEntry, VerifyError,
};

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "qorgau.sqlite";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The embedded store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

fn options(path: &Path, create: bool) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
}

impl SqliteStore {
    /// Creates the data folder and database if needed and applies migrations.
    pub async fn open_or_create(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|error| {
            StoreError::Schema(format!("cannot create {}: {error}", data_dir.display()))
        })?;
        Self::connect(data_dir, true).await
    }

    /// Opens an existing store; `CaseNotFound`-style errors are not used here:
    /// a missing database is a `Schema` error telling the operator to run `qorgau init`.
    pub async fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        let path = data_dir.join(DATABASE_FILE);
        if !path.exists() {
            return Err(StoreError::Schema(format!(
                "no Qorgau database at {} (run `qorgau init --data {}` first)",
                path.display(),
                data_dir.display()
            )));
        }
        Self::connect(data_dir, false).await
    }

    async fn connect(data_dir: &Path, create: bool) -> Result<SqliteStore, StoreError> {
        let path = data_dir.join(DATABASE_FILE);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options(&path, create))
            .await?;
        // A pilot runs one process, so the embedded store brings itself up to
        // date on open; a migration it does not know is still refused.
        if let Err(error) = apply_pending(&pool).await {
            pool.close().await;
            return Err(error);
        }
        Ok(SqliteStore { pool, path })
    }

    /// Applies the migrations the database lacks (`qorgau migrate`), creating
    /// the data folder and database if needed; returns what it applied.
    pub async fn migrate(data_dir: &Path) -> Result<Vec<MigrationName>, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|error| {
            StoreError::Schema(format!("cannot create {}: {error}", data_dir.display()))
        })?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options(&data_dir.join(DATABASE_FILE), true))
            .await?;
        let result = apply_pending(&pool).await;
        pool.close().await;
        result
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying pool, for tests and maintenance.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Checks the applied migrations against this build's and applies the missing ones.
async fn apply_pending(pool: &SqlitePool) -> Result<Vec<MigrationName>, StoreError> {
    // sqlx's bookkeeping table; absent until the first migration.
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' \
         AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    let applied: Vec<AppliedMigration> = if exists {
        let rows: Vec<(i64, String, bool, Vec<u8>)> = sqlx::query_as(
            "SELECT version, description, success, checksum FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(pool)
        .await?;
        rows.into_iter()
            .map(
                |(version, description, success, checksum)| AppliedMigration {
                    version,
                    description,
                    success,
                    checksum,
                },
            )
            .collect()
    } else {
        Vec::new()
    };
    let pending = schema::pending(&MIGRATOR, &applied)?;
    if !pending.is_empty() {
        MIGRATOR
            .run(pool)
            .await
            .map_err(|error| StoreError::Schema(error.to_string()))?;
        catch_up_log(pool).await?;
    }
    Ok(pending)
}

/// Gives the entries recorded before the transparency log existed (before
/// migration 0003) their leaves, in order, so the log mirrors the whole record.
async fn catch_up_log(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    loop {
        let logged: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM log_leaves")
            .fetch_one(&mut *transaction)
            .await?;
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT seq, payload, hash FROM case_events WHERE seq > ? ORDER BY seq LIMIT 1000",
        )
        .bind(logged)
        .fetch_all(&mut *transaction)
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut next = next_leaf(&mut transaction).await?;
        for (seq, payload, hash) in rows {
            let event = decode(&payload, seq)?;
            for leaf in log::leaves_for(
                &event,
                seq as u64,
                &hash_array(&hash)?,
                next,
                Misplaced::Corrupt,
            )? {
                insert_leaf(&mut transaction, &leaf).await?;
                next += 1;
            }
        }
    }
    transaction.commit().await?;
    Ok(())
}

/// The index the next leaf of the transparency log gets.
async fn next_leaf(connection: &mut sqlx::SqliteConnection) -> Result<u64, StoreError> {
    let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")
        .fetch_one(connection)
        .await?;
    Ok(next as u64)
}

async fn insert_leaf(
    connection: &mut sqlx::SqliteConnection,
    leaf: &NewLeaf,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO log_leaves (idx, entry, leaf_hash, seq) VALUES (?, ?, ?, ?)")
        .bind(leaf.index as i64)
        .bind(leaf.entry.as_slice())
        .bind(leaf.leaf_hash.as_slice())
        .bind(leaf.seq as i64)
        .execute(connection)
        .await?;
    Ok(())
}

async fn insert_jobs(
    connection: &mut sqlx::SqliteConnection,
    case_id: Option<&str>,
    jobs: &[NewJob],
    now: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let mut last = None;
    for job in jobs {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, case_id, payload, run_at, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&job.kind)
        .bind(case_id)
        .bind(&job.payload)
        .bind(millis(job.run_at))
        .bind(millis(now))
        .bind(millis(now))
        .fetch_one(&mut *connection)
        .await?;
        last = Some(id);
    }
    Ok(last)
}

/// Appends `events` to the chain inside `transaction`, then rebuilds the case's
/// read models from all its events.
async fn append_in(
    transaction: &mut Transaction<'static, Sqlite>,
    case_id: &str,
    first_version: u64,
    events: &[CaseEvent],
    actor: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let head: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT seq, hash FROM case_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **transaction)
            .await?;
    let (mut seq, mut prev_hash) = match head {
        Some((seq, hash)) => (seq as u64, hash_array(&hash)?),
        None => (0, GENESIS),
    };
    let mut next_index = next_leaf(transaction).await?;
    let recorded_at = now.to_string();
    for (offset, event) in events.iter().enumerate() {
        seq += 1;
        let entry = RecordEntry::seal(
            seq,
            case_id.to_owned(),
            event.type_name().to_owned(),
            encode(event)?,
            actor.to_owned(),
            recorded_at.clone(),
            prev_hash,
        );
        sqlx::query(
            "INSERT INTO case_events (seq, case_id, case_version, event_type, payload, actor, \
             recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(entry.seq as i64)
        .bind(&entry.case_id)
        .bind((first_version + offset as u64 + 1) as i64)
        .bind(&entry.event_type)
        .bind(&entry.payload)
        .bind(&entry.actor)
        .bind(&entry.recorded_at)
        .bind(entry.prev_hash.as_slice())
        .bind(entry.hash.as_slice())
        .execute(&mut **transaction)
        .await
        .map_err(|error| match &error {
            // SQLite reports no constraint names; under BEGIN IMMEDIATE the seq
            // cannot collide, so a unique violation here is the per-case
            // version (case_events_version_unique): another writer won.
            sqlx::Error::Database(database) if database.is_unique_violation() => {
                StoreError::Conflict
            }
            _ => StoreError::Database(error),
        })?;
        for leaf in log::leaves_for(event, seq, &entry.hash, next_index, Misplaced::Conflict)? {
            insert_leaf(transaction, &leaf).await?;
            next_index += 1;
        }
        prev_hash = entry.hash;
    }
    let all_events = load_events(transaction, case_id).await?;
    let state = CaseState::replay(&all_events)
        .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
    project(transaction, case_id, all_events.len() as u64, &state).await
}

async fn load_events(
    connection: &mut sqlx::SqliteConnection,
    case_id: &str,
) -> Result<Vec<CaseEvent>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT seq, payload FROM case_events WHERE case_id = ? ORDER BY case_version",
    )
    .bind(case_id)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|(seq, payload)| decode(payload, *seq))
        .collect()
}

/// Rewrites the read models of one case from its folded state (`rows::ReadModel`
/// decides what; this writes it in SQLite's dialect).
async fn project(
    transaction: &mut Transaction<'static, Sqlite>,
    case_id: &str,
    version: u64,
    state: &CaseState,
) -> Result<(), StoreError> {
    let model = ReadModel::of(state, version)?;
    sqlx::query(
        "INSERT INTO cases (case_id, regime, language, phase, received_at, version, state) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, \
         version = excluded.version, state = excluded.state",
    )
    .bind(case_id)
    .bind(&model.regime)
    .bind(model.language)
    .bind(model.phase)
    .bind(&model.received_at)
    .bind(model.version)
    .bind(&model.state_json)
    .execute(&mut **transaction)
    .await?;

    for table_delete in [
        "DELETE FROM case_deadlines WHERE case_id = ?",
        "DELETE FROM case_orders WHERE case_id = ?",
        "DELETE FROM case_resources WHERE case_id = ?",
        "DELETE FROM case_actors WHERE case_id = ?",
        "DELETE FROM case_incidents WHERE case_id = ?",
        "DELETE FROM case_evidence WHERE case_id = ?",
    ] {
        sqlx::query(table_delete)
            .bind(case_id)
            .execute(&mut **transaction)
            .await?;
    }
    for deadline in &model.deadlines {
        sqlx::query(
            "INSERT INTO case_deadlines (case_id, kind, order_id, due_at, last_day, provisional) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(case_id)
        .bind(deadline.kind.as_str())
        .bind(deadline.order_id.as_deref())
        .bind(millis(deadline.due_at))
        .bind(deadline.last_day.map(|day| day.to_string()))
        .bind(deadline.provisional)
        .execute(&mut **transaction)
        .await?;
    }
    for order in &model.orders {
        sqlx::query(
            "INSERT INTO case_orders (order_id, case_id, owner, status, issued_at, removal_due, \
             state) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&order.order_id)
        .bind(case_id)
        .bind(&order.owner)
        .bind(order.status)
        .bind(order.issued_at)
        .bind(order.removal_due)
        .bind(&order.state_json)
        .execute(&mut **transaction)
        .await?;
    }
    for resource_key in &model.resources {
        sqlx::query("INSERT OR IGNORE INTO case_resources (case_id, resource_key) VALUES (?, ?)")
            .bind(case_id)
            .bind(resource_key)
            .execute(&mut **transaction)
            .await?;
    }
    for actor_key in &model.actors {
        sqlx::query("INSERT OR IGNORE INTO case_actors (case_id, actor_key) VALUES (?, ?)")
            .bind(case_id)
            .bind(actor_key)
            .execute(&mut **transaction)
            .await?;
    }
    for (occurred_on, resource_key) in &model.incidents {
        sqlx::query(
            "INSERT INTO case_incidents (case_id, occurred_on, resource_key) VALUES (?, ?, ?)",
        )
        .bind(case_id)
        .bind(occurred_on)
        .bind(resource_key.as_deref())
        .execute(&mut **transaction)
        .await?;
    }
    for item in &model.evidence {
        sqlx::query(
            "INSERT INTO case_evidence (evidence_id, case_id, position, kind, url, digest, size, \
             captured_at, status, reason, log_index, original_id, attempts, retry_at, order_id, \
             removal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&item.evidence_id)
        .bind(case_id)
        .bind(item.position)
        .bind(item.kind)
        .bind(&item.url)
        .bind(item.digest.as_deref())
        .bind(item.size)
        .bind(item.captured_at.as_deref())
        .bind(item.status)
        .bind(item.reason.as_deref())
        .bind(item.log_index)
        .bind(item.original_id.as_deref())
        .bind(item.attempts)
        .bind(item.retry_at.as_deref())
        .bind(item.order_id.as_deref())
        .bind(item.removal)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

fn owner_from_row(row: (String, String, String, String)) -> Result<ResourceOwner, StoreError> {
    let (name, display_name, api_key_hash, domains) = row;
    let domains = serde_json::from_str(&domains)
        .map_err(|error| StoreError::Corrupt(format!("owner {name}: {error}")))?;
    Ok(ResourceOwner {
        name,
        display_name,
        api_key_hash,
        domains,
    })
}

/// An order row from the projected `OrderState` JSON.
pub(crate) fn order_row(case_id: String, state: &str) -> Result<OrderRow, StoreError> {
    #[derive(serde::Deserialize)]
    struct Projected {
        order_id: String,
        owner: String,
        urls: Vec<String>,
        status: String,
        issued_at: Timestamp,
        delivered_at: Option<Timestamp>,
        removal_due: Option<Timestamp>,
        acknowledged_at: Option<Timestamp>,
        removal_reported_at: Option<Timestamp>,
    }
    let order: Projected = serde_json::from_str(state)
        .map_err(|error| StoreError::Corrupt(format!("order of {case_id}: {error}")))?;
    Ok(OrderRow {
        order_id: order.order_id,
        case_id,
        owner: order.owner,
        status: order.status,
        urls: order.urls,
        issued_at: order.issued_at,
        delivered_at: order.delivered_at,
        removal_due: order.removal_due,
        acknowledged_at: order.acknowledged_at,
        removal_reported_at: order.removal_reported_at,
    })
}

impl Store for SqliteStore {
    async fn create_case_with(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO case_numbers (year, last) VALUES (?, 1) \
             ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(i64::from(year))
        .fetch_one(&mut *transaction)
        .await?;
        let case_id = format!("QG-{year:04}-{number:06}");
        append_in(&mut transaction, &case_id, 0, events, actor, now).await?;
        insert_jobs(&mut transaction, Some(&case_id), jobs, now).await?;
        transaction.commit().await?;
        Ok(case_id)
    }

    async fn load_case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let events = load_events(&mut connection, case_id).await?;
        if events.is_empty() {
            return Ok(None);
        }
        Ok(Some(StoredCase {
            case_id: case_id.to_owned(),
            events,
        }))
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
        if events.is_empty() {
            return Ok(());
        }
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let current: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(case_version), 0) FROM case_events WHERE case_id = ?",
        )
        .bind(case_id)
        .fetch_one(&mut *transaction)
        .await?;
        if current == 0 {
            return Err(StoreError::CaseNotFound(case_id.to_owned()));
        }
        if current as u64 != expected_version {
            return Err(StoreError::Conflict);
        }
        append_in(
            &mut transaction,
            case_id,
            expected_version,
            events,
            actor,
            now,
        )
        .await?;
        insert_jobs(&mut transaction, Some(case_id), jobs, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn timeline(&self, case_id: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT seq, event_type, actor, recorded_at FROM case_events \
             WHERE case_id = ? ORDER BY case_version",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, event_type, actor, recorded_at)| {
                let recorded_at = Timestamp::from_str(&recorded_at)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?;
                Ok(TimelineEntry {
                    seq: seq as u64,
                    event_type,
                    actor,
                    recorded_at,
                })
            })
            .collect()
    }

    async fn list_cases(&self, phase: Option<CasePhase>) -> Result<Vec<CaseSummary>, StoreError> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT case_id, regime, language, phase, received_at FROM cases \
             WHERE ?1 IS NULL OR phase = ?1 ORDER BY case_id",
        )
        .bind(phase.map(CasePhase::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(case_id, regime, language, phase, received_at)| {
                let received_at = Timestamp::from_str(&received_at)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?;
                Ok(CaseSummary {
                    case_id,
                    regime,
                    language,
                    phase,
                    received_at,
                })
            })
            .collect()
    }

    async fn deadlines(&self) -> Result<Vec<DeadlineRow>, StoreError> {
        /// case_id, phase, kind, order_id, due_at (ms), last_day, provisional
        type Row = (
            String,
            String,
            String,
            Option<String>,
            i64,
            Option<String>,
            bool,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT d.case_id, c.phase, d.kind, d.order_id, d.due_at, d.last_day, d.provisional \
                 FROM case_deadlines d JOIN cases c ON c.case_id = d.case_id \
                 ORDER BY d.due_at, d.case_id, d.rowid",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(case_id, phase, kind, order_id, due_at, last_day, provisional)| {
                    Ok(DeadlineRow {
                        case_id,
                        phase,
                        deadline: rows::pending_deadline(
                            &kind,
                            order_id,
                            due_at,
                            last_day,
                            provisional,
                        )?,
                    })
                },
            )
            .collect()
    }

    async fn linked_incidents(&self, case_id: &str) -> Result<Vec<IncidentKey>, StoreError> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT DISTINCT occurred_on, resource_key FROM case_incidents \
             WHERE case_id != ?1 AND case_id IN ( \
                 SELECT other.case_id FROM case_resources mine \
                 JOIN case_resources other ON other.resource_key = mine.resource_key \
                 WHERE mine.case_id = ?1 \
                 UNION \
                 SELECT other.case_id FROM case_actors mine \
                 JOIN case_actors other ON other.actor_key = mine.actor_key \
                 WHERE mine.case_id = ?1) \
             ORDER BY occurred_on, resource_key",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(occurred_on, resource_key)| {
                let occurred_on = occurred_on
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("bad date {occurred_on}")))?;
                Ok(IncidentKey {
                    occurred_on,
                    resource_key,
                })
            })
            .collect()
    }

    async fn verify(&self) -> Result<ChainSummary, VerifyError> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            Vec<u8>,
            Vec<u8>,
        );
        let mut verifier = ChainVerifier::default();
        let mut after = 0i64;
        // Page through the chain so memory stays flat however long the record is.
        loop {
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT seq, case_id, event_type, payload, actor, recorded_at, prev_hash, hash \
                 FROM case_events WHERE seq > ? ORDER BY seq LIMIT 1000",
            )
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from)?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            for (seq, case_id, event_type, payload, actor, recorded_at, prev_hash, hash) in rows {
                let entry = RecordEntry {
                    seq: seq as u64,
                    case_id,
                    event_type,
                    payload,
                    actor,
                    recorded_at,
                    prev_hash: hash_array(&prev_hash)?,
                    hash: hash_array(&hash)?,
                };
                verifier.check(&entry)?;
            }
        }
        // Every case must also fold: a chain of valid hashes over an impossible
        // history is still a broken record.
        let case_ids: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT case_id FROM case_events ORDER BY case_id")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from)?;
        for case_id in case_ids {
            if let Some(case) = self.load_case(&case_id).await? {
                case.state()?;
            }
        }
        Ok(verifier.finish())
    }

    async fn add_staff(&self, member: &StaffMember, now: Timestamp) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO staff (username, display_name, role, chair, active, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&member.username)
        .bind(&member.display_name)
        .bind(member.role.as_str())
        .bind(member.chair)
        .bind(member.active)
        .bind(now.to_string())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::AlreadyExists(member.username.clone()))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn find_staff(&self, username: &str) -> Result<Option<StaffMember>, StoreError> {
        let row: Option<(String, String, String, bool, bool)> = sqlx::query_as(
            "SELECT username, display_name, role, chair, active FROM staff WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(rows::staff_from_row))
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let rows: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
            "SELECT username, display_name, role, chair, active FROM staff ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(rows::staff_from_row).collect())
    }

    async fn set_staff_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let result = sqlx::query("UPDATE staff SET password_hash = ? WHERE username = ?")
            .bind(password_hash)
            .bind(username)
            .execute(&self.pool)
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {username}")));
        }
        Ok(())
    }

    async fn staff_password_hash(&self, username: &str) -> Result<Option<String>, StoreError> {
        let row: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM staff WHERE username = ? AND active = 1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.flatten())
    }

    async fn create_session(&self, session: &StaffSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, created_at, expires_at, last_seen) \
             VALUES (?1, ?2, ?3, ?4, ?3)",
        )
        .bind(&session.token_hash)
        .bind(&session.username)
        .bind(millis(session.created_at))
        .bind(millis(session.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> Result<Option<StaffSession>, StoreError> {
        let row: Option<(String, String, i64, i64)> = sqlx::query_as(
            "UPDATE sessions SET last_seen = ?2 \
             WHERE token_hash = ?1 AND expires_at > ?2 AND last_seen > ?2 - ?3 \
             RETURNING token_hash, username, created_at, expires_at",
        )
        .bind(token_hash)
        .bind(millis(now))
        .bind(idle.as_millis() as i64)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(token_hash, username, created_at, expires_at)| StaffSession {
                token_hash,
                username,
                created_at: from_millis(created_at),
                expires_at: from_millis(expires_at),
            },
        ))
    }

    async fn find_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        let row: Option<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT token_hash, username, created_at, expires_at FROM sessions WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(token_hash, username, created_at, expires_at)| StaffSession {
                token_hash,
                username,
                created_at: from_millis(created_at),
                expires_at: from_millis(expires_at),
            },
        ))
    }

    async fn add_owner(&self, owner: &ResourceOwner, now: Timestamp) -> Result<(), StoreError> {
        let domains = serde_json::to_string(&owner.domains)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let result = sqlx::query(
            "INSERT INTO resource_owners (name, display_name, api_key_hash, domains, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&owner.name)
        .bind(&owner.display_name)
        .bind(&owner.api_key_hash)
        .bind(domains)
        .bind(now.to_string())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::AlreadyExists(owner.name.clone()))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn find_owner_by_key(
        &self,
        api_key_hash: &str,
    ) -> Result<Option<ResourceOwner>, StoreError> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains FROM resource_owners WHERE api_key_hash = ?",
        )
        .bind(api_key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(owner_from_row).transpose()
    }

    async fn list_owners(&self) -> Result<Vec<ResourceOwner>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains FROM resource_owners ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(owner_from_row).collect()
    }

    async fn owner_orders(
        &self,
        owner: &str,
        open_only: bool,
    ) -> Result<Vec<OrderRow>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT case_id, state FROM case_orders WHERE owner = ?1 \
             AND (?2 = 0 OR status != 'removed') ORDER BY issued_at, order_id",
        )
        .bind(owner)
        .bind(open_only)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(case_id, state)| order_row(case_id, &state))
            .collect()
    }

    async fn enqueue_job(
        &self,
        case_id: Option<&str>,
        job: &NewJob,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut connection = self.pool.acquire().await?;
        insert_jobs(&mut connection, case_id, std::slice::from_ref(job), now)
            .await?
            .ok_or_else(|| StoreError::Corrupt("no job id".to_owned()))
    }

    async fn claim_job(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>, StoreError> {
        // The write lock first: no other connection claims between our choice and our update.
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let claimed: Option<rows::JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?1, \
             updated_at = ?2 WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND \
             run_at <= ?2) OR (status = 'running' AND locked_until <= ?2) \
             ORDER BY run_at, id LIMIT 1) RETURNING {}",
            rows::JOB_COLUMNS
        )))
        .bind(millis(lease_until))
        .bind(millis(now))
        .fetch_optional(&mut *transaction)
        .await?;
        transaction.commit().await?;
        claimed.map(rows::job_row).transpose()
    }

    async fn complete_job(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = ? WHERE id = ?",
        )
        .bind(millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn fail_job(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = CASE WHEN ?1 IS NULL THEN 'failed' ELSE 'queued' END, \
             run_at = COALESCE(?1, run_at), last_error = ?2, locked_until = NULL, \
             updated_at = ?3 WHERE id = ?4",
        )
        .bind(retry_at.map(millis))
        .bind(error)
        .bind(millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn jobs(&self, case_id: Option<&str>) -> Result<Vec<Job>, StoreError> {
        let found: Vec<rows::JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM jobs WHERE ?1 IS NULL OR case_id = ?1 ORDER BY id",
            rows::JOB_COLUMNS
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::job_row).collect()
    }

    async fn case_evidence(&self, case_id: &str) -> Result<Vec<EvidenceRow>, StoreError> {
        let found: Vec<rows::EvidenceRowTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_evidence WHERE case_id = ? ORDER BY position",
            rows::EVIDENCE_COLUMNS
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::evidence_row).collect()
    }

    async fn log_size(&self) -> Result<u64, StoreError> {
        let mut connection = self.pool.acquire().await?;
        next_leaf(&mut connection).await
    }

    async fn log_leaves(&self, from: u64, limit: u32) -> Result<Vec<LogLeaf>, StoreError> {
        let found: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT idx, entry, leaf_hash FROM log_leaves WHERE idx >= ? ORDER BY idx LIMIT ?",
        )
        .bind(i64::try_from(from).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::leaf_row).collect()
    }

    async fn save_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO log_checkpoints (tree_size, root, note, signed_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (tree_size) DO NOTHING",
        )
        .bind(checkpoint.tree_size as i64)
        .bind(checkpoint.root.as_slice())
        .bind(&checkpoint.note)
        .bind(checkpoint.signed_at.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let found: Option<rows::CheckpointRow> = sqlx::query_as(
            "SELECT tree_size, root, note, signed_at FROM log_checkpoints \
             ORDER BY tree_size DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        found.map(rows::checkpoint_row).transpose()
    }

    async fn verify_log(&self) -> Result<LogSummary, VerifyError> {
        log::verify_log(self).await
    }
}

impl Maintenance for SqliteStore {
    async fn entries_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEntry>, StoreError> {
        let found: Vec<rows::EntryRow> = sqlx::query_as(
            "SELECT seq, case_id, case_version, event_type, payload, actor, recorded_at, \
             prev_hash, hash FROM case_events WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::stored_entry).collect()
    }

    async fn staff_records(&self) -> Result<Vec<StoredStaff>, StoreError> {
        let found: Vec<rows::StaffRecordRow> = sqlx::query_as(
            "SELECT username, display_name, role, chair, active, created_at, password_hash \
             FROM staff ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(found.into_iter().map(rows::stored_staff).collect())
    }

    async fn owner_records(&self) -> Result<Vec<StoredOwner>, StoreError> {
        let found: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains, created_at FROM resource_owners \
             ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        found
            .into_iter()
            .map(|(name, display_name, api_key_hash, domains, created_at)| {
                Ok(StoredOwner {
                    owner: owner_from_row((name, display_name, api_key_hash, domains))?,
                    created_at,
                })
            })
            .collect()
    }

    async fn import(
        &self,
        items: &mut (dyn Iterator<Item = Result<ArchiveItem, ArchiveError>> + Send),
    ) -> Result<ArchiveSummary, ArchiveError> {
        // The write lock for the whole load: nothing else writes meanwhile, and
        // a failed import leaves the store as empty as it was.
        let mut transaction = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::from)?;
        let occupied: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM case_events) OR EXISTS (SELECT 1 FROM staff) \
             OR EXISTS (SELECT 1 FROM resource_owners) OR EXISTS (SELECT 1 FROM cases) \
             OR EXISTS (SELECT 1 FROM case_numbers) OR EXISTS (SELECT 1 FROM log_leaves)",
        )
        .fetch_one(&mut *transaction)
        .await
        .map_err(StoreError::from)?;
        if occupied {
            return Err(ArchiveError::NotEmpty);
        }
        let mut verifier = ChainVerifier::default();
        let mut versions: BTreeMap<String, u64> = BTreeMap::new();
        let (mut staff, mut owners) = (0u64, 0u64);
        // The log mirrors the record, so importing the record rebuilds it.
        let mut next_index = 0u64;
        for item in items {
            match item? {
                ArchiveItem::Staff(record) => {
                    let member = &record.member;
                    sqlx::query(
                        "INSERT INTO staff (username, display_name, role, chair, active, \
                         created_at, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(&member.username)
                    .bind(&member.display_name)
                    .bind(member.role.as_str())
                    .bind(member.chair)
                    .bind(member.active)
                    .bind(&record.created_at)
                    .bind(record.password_hash.as_deref())
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| unique_or(error, &member.username))?;
                    staff += 1;
                }
                ArchiveItem::Owner(record) => {
                    let owner = &record.owner;
                    let domains = serde_json::to_string(&owner.domains)
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
                    sqlx::query(
                        "INSERT INTO resource_owners (name, display_name, api_key_hash, domains, \
                         created_at) VALUES (?, ?, ?, ?, ?)",
                    )
                    .bind(&owner.name)
                    .bind(&owner.display_name)
                    .bind(&owner.api_key_hash)
                    .bind(domains)
                    .bind(&record.created_at)
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| unique_or(error, &owner.name))?;
                    owners += 1;
                }
                ArchiveItem::Entry(stored) => {
                    verifier.check(&stored.entry)?;
                    crate::archive::check_case_version(&mut versions, &stored)?;
                    let entry = &stored.entry;
                    sqlx::query(
                        "INSERT INTO case_events (seq, case_id, case_version, event_type, \
                         payload, actor, recorded_at, prev_hash, hash) \
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(entry.seq as i64)
                    .bind(&entry.case_id)
                    .bind(stored.case_version as i64)
                    .bind(&entry.event_type)
                    .bind(&entry.payload)
                    .bind(&entry.actor)
                    .bind(&entry.recorded_at)
                    .bind(entry.prev_hash.as_slice())
                    .bind(entry.hash.as_slice())
                    .execute(&mut *transaction)
                    .await
                    .map_err(StoreError::from)?;
                    let event = decode(&entry.payload, entry.seq as i64)?;
                    for leaf in log::leaves_for(
                        &event,
                        entry.seq,
                        &entry.hash,
                        next_index,
                        Misplaced::Corrupt,
                    )? {
                        insert_leaf(&mut transaction, &leaf).await?;
                        next_index += 1;
                    }
                }
            }
        }
        let summary = verifier.finish();
        for case_id in versions.keys() {
            let events = load_events(&mut transaction, case_id).await?;
            let state = CaseState::replay(&events)
                .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
            project(&mut transaction, case_id, events.len() as u64, &state).await?;
        }
        for (year, last) in crate::archive::case_counters(versions.keys()) {
            sqlx::query("INSERT INTO case_numbers (year, last) VALUES (?, ?)")
                .bind(year)
                .bind(last)
                .execute(&mut *transaction)
                .await
                .map_err(StoreError::from)?;
        }
        transaction.commit().await.map_err(StoreError::from)?;
        Ok(ArchiveSummary {
            staff,
            owners,
            events: summary.entries,
            cases: versions.len() as u64,
            head: summary.head,
        })
    }
}

/// A duplicate in an imported archive is `AlreadyExists`; anything else is a database error.
fn unique_or(error: sqlx::Error, name: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            StoreError::AlreadyExists(name.to_owned())
        }
        _ => StoreError::Database(error),
    }
}
