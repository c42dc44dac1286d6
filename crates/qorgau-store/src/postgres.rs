//! The PostgreSQL store: one database shared by several Qorgau instances.
//!
//! Architecture Invariant: the case record stays ONE hash chain whatever the
//! number of instances and connections writing to it. Every write transaction
//! first locks the single row of `chain_head` (`SELECT … FOR UPDATE`), reads
//! the head (seq, hash) from it, appends, and moves the head before it commits.
//! A second writer blocks on that row lock until the first commits, then —
//! READ COMMITTED re-reads a row it waited for — sees the new head. So seq
//! numbers are assigned in commit order, without gaps, and no two entries
//! share a predecessor. Per case, the optimistic version check (a stale
//! `expected_version` → `Conflict`) runs under the same lock, and the
//! `UNIQUE (case_id, case_version)` constraint backs it up.
//!
//! Durability is PostgreSQL's: a commit that returned is in the WAL (keep
//! `synchronous_commit = on`, the default).
//!
//! Schema changes are deliberate: opening a database that lacks one of this
//! build's migrations is refused with the name of the migration and
//! `qorgau migrate`; only `migrate` (and `init`, which creates a database)
//! applies them.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey};
use qorgau_domain::record::{
    ChainBreak, ChainFault, ChainSummary, ChainVerifier, GENESIS, RecordEntry,
};
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use crate::archive::{
    ArchiveError, ArchiveItem, ArchiveSummary, StoredEntry, StoredOwner, StoredStaff,
};
use crate::log::{self, Misplaced, NewLeaf};
use crate::rows::{self, ReadModel, StaffRow};
use crate::schema::{self, AppliedMigration, MigrationName};
use crate::{
    CaseSummary, DeadlineRow, EvidenceRow, Job, LogLeaf, LogSummary, Maintenance, NewJob, OrderRow,
    ResourceOwner, StaffMember, StaffSession, Store, StoreError, StoredCase, StoredCheckpoint,
    TimelineEntry, VerifyError,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The constraint that makes a stale append lose (migrations/postgres/0001).
const VERSION_UNIQUE: &str = "case_events_version_unique";
/// SQLSTATE invalid_catalog_name: the database in the URL does not exist.
const UNKNOWN_DATABASE: &str = "3D000";
/// The staff table's primary key.
const STAFF_PKEY: &str = "staff_pkey";
/// Resource owners are unique by name and by API key (migrations/postgres/0002).
const OWNERS_PKEY: &str = "resource_owners_pkey";
const OWNERS_KEY_UNIQUE: &str = "resource_owners_api_key_unique";

/// Connections per instance. Writes queue on the chain head anyway; more
/// connections only help concurrent reads.
const MAX_CONNECTIONS: u32 = 8;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    description: String,
}

fn parse_url(url: &str) -> Result<PgConnectOptions, StoreError> {
    PgConnectOptions::from_str(url).map_err(|error| {
        StoreError::Schema(format!("the database URL is not a PostgreSQL URL: {error}"))
    })
}

/// The database for people: user, host, port and name, never the password.
fn describe(options: &PgConnectOptions) -> String {
    let host = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => options.get_host().to_owned(),
    };
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        host,
        options.get_port(),
        options.get_database().unwrap_or(options.get_username())
    )
}

async fn connect(options: PgConnectOptions, connections: u32) -> Result<PgPool, StoreError> {
    Ok(PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options.application_name("qorgau"))
        .await?)
}

/// The migrations this build still has to apply to the database, or why the
/// database must not be used.
async fn pending_migrations(pool: &PgPool) -> Result<Vec<MigrationName>, StoreError> {
    // sqlx's bookkeeping table; absent until the first migration.
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    let applied = if exists {
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
    schema::pending(&MIGRATOR, &applied)
}

/// The database named in the URL does not exist.
fn is_unknown_database(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(database))
        if database.code().as_deref() == Some(UNKNOWN_DATABASE))
}

/// A database error as the store's vocabulary: constraint names, not message text.
fn store_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(database) = &error {
        if database.constraint() == Some(VERSION_UNIQUE) {
            return StoreError::Conflict;
        }
        // serialization_failure, deadlock_detected: the transaction lost a race
        // and wrote nothing; the caller reloads and tries again.
        if matches!(database.code().as_deref(), Some("40001" | "40P01")) {
            return StoreError::Conflict;
        }
    }
    StoreError::Database(error)
}

impl PgStore {
    /// Opens a migrated database. A database that lacks one of this build's
    /// migrations is refused, naming it: run `qorgau migrate`.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let options = parse_url(url)?;
        let description = describe(&options);
        let pool = match connect(options, MAX_CONNECTIONS).await {
            Ok(pool) => pool,
            Err(error) if is_unknown_database(&error) => {
                return Err(StoreError::Schema(format!(
                    "there is no database {description} (run `qorgau init` with the same \
                     --database-url to create it)"
                )));
            }
            Err(error) => return Err(error),
        };
        let pending = match pending_migrations(&pool).await {
            Ok(pending) => pending,
            Err(error) => {
                pool.close().await;
                return Err(error);
            }
        };
        if !pending.is_empty() {
            pool.close().await;
            return Err(schema::behind(&pending, &description));
        }
        Ok(PgStore { pool, description })
    }

    /// Creates the database if it does not exist, applies every migration and
    /// opens it (`qorgau init`).
    pub async fn open_or_create(url: &str) -> Result<PgStore, StoreError> {
        // Try the database itself first: a role that may use its database need
        // not be allowed into the server's maintenance database.
        match PgStore::migrate(url).await {
            Err(error) if is_unknown_database(&error) => {
                Postgres::create_database(url).await?;
                PgStore::migrate(url).await?;
            }
            result => {
                result?;
            }
        }
        PgStore::open(url).await
    }

    /// Applies the migrations the database lacks (`qorgau migrate`); returns
    /// them, in order. Refuses a database written by a newer Qorgau. sqlx takes
    /// an advisory lock, so two instances migrating at once do not collide.
    pub async fn migrate(url: &str) -> Result<Vec<MigrationName>, StoreError> {
        let pool = connect(parse_url(url)?, 1).await?;
        let result = async {
            let pending = pending_migrations(&pool).await?;
            if !pending.is_empty() {
                MIGRATOR
                    .run(&pool)
                    .await
                    .map_err(|error| StoreError::Schema(error.to_string()))?;
                catch_up_log(&pool).await?;
            }
            Ok(pending)
        }
        .await;
        pool.close().await;
        result
    }

    /// The database, for people (no password).
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// The underlying pool, for tests and maintenance.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Locks the chain head for the rest of the transaction and returns it. Every
/// write goes through here first: this row lock is what serializes appends
/// across instances (see the module comment).
async fn lock_head(connection: &mut PgConnection) -> Result<(u64, [u8; 32]), StoreError> {
    let (seq, hash): (i64, Vec<u8>) =
        sqlx::query_as("SELECT seq, hash FROM chain_head WHERE singleton FOR UPDATE")
            .fetch_one(&mut *connection)
            .await?;
    let head = (seq as u64, rows::hash_array(&hash)?);
    // The head and the last entry move together; if they disagree something
    // wrote around this store, and appending would fork or gap the chain.
    let last: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT seq, hash FROM case_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *connection)
            .await?;
    let last = match last {
        Some((seq, hash)) => (seq as u64, rows::hash_array(&hash)?),
        None => (0, GENESIS),
    };
    if last != head {
        return Err(StoreError::Corrupt(format!(
            "the chain head is at {} but the last entry is {}; run `qorgau verify`",
            head.0, last.0
        )));
    }
    Ok(head)
}

async fn move_head(connection: &mut PgConnection, head: (u64, [u8; 32])) -> Result<(), StoreError> {
    sqlx::query("UPDATE chain_head SET seq = $1, hash = $2 WHERE singleton")
        .bind(head.0 as i64)
        .bind(head.1.as_slice())
        .execute(connection)
        .await?;
    Ok(())
}

async fn insert_entry(
    connection: &mut PgConnection,
    entry: &RecordEntry,
    case_version: u64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (seq, case_id, case_version, event_type, payload, actor, \
         recorded_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq as i64)
    .bind(&entry.case_id)
    .bind(case_version as i64)
    .bind(&entry.event_type)
    .bind(&entry.payload)
    .bind(&entry.actor)
    .bind(&entry.recorded_at)
    .bind(entry.prev_hash.as_slice())
    .bind(entry.hash.as_slice())
    .execute(connection)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Gives the entries recorded before the transparency log existed (before
/// migration 0003) their leaves, in order, under the chain head's lock.
async fn catch_up_log(pool: &PgPool) -> Result<(), StoreError> {
    let mut transaction: Transaction<'static, Postgres> = pool.begin().await?;
    lock_head(&mut transaction).await?;
    loop {
        let logged: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM log_leaves")
            .fetch_one(&mut *transaction)
            .await?;
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT seq, payload, hash FROM case_events WHERE seq > $1 ORDER BY seq LIMIT 1000",
        )
        .bind(logged)
        .fetch_all(&mut *transaction)
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut next = next_leaf(&mut transaction).await?;
        for (seq, payload, hash) in rows {
            let event = rows::decode(&payload, seq)?;
            for leaf in log::leaves_for(
                &event,
                seq as u64,
                &rows::hash_array(&hash)?,
                next,
                Misplaced::Corrupt,
            )? {
                insert_leaf(&mut transaction, &leaf).await?;
                next += 1;
            }
        }
    }
    transaction.commit().await.map_err(store_error)?;
    Ok(())
}

/// The index the next leaf of the transparency log gets.
async fn next_leaf(connection: &mut PgConnection) -> Result<u64, StoreError> {
    let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")
        .fetch_one(connection)
        .await?;
    Ok(next as u64)
}

async fn insert_leaf(connection: &mut PgConnection, leaf: &NewLeaf) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO log_leaves (idx, entry, leaf_hash, seq) VALUES ($1, $2, $3, $4)")
        .bind(leaf.index as i64)
        .bind(leaf.entry.as_slice())
        .bind(leaf.leaf_hash.as_slice())
        .bind(leaf.seq as i64)
        .execute(connection)
        .await?;
    Ok(())
}

async fn insert_jobs(
    connection: &mut PgConnection,
    case_id: Option<&str>,
    jobs: &[NewJob],
    now: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let mut last = None;
    for job in jobs {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, case_id, payload, run_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(&job.kind)
        .bind(case_id)
        .bind(&job.payload)
        .bind(rows::millis(job.run_at))
        .bind(rows::millis(now))
        .fetch_one(&mut *connection)
        .await?;
        last = Some(id);
    }
    Ok(last)
}

/// Appends `events` after `head` inside the locked transaction, moves the head,
/// then rebuilds the case's read models from all its events.
async fn append_in(
    connection: &mut PgConnection,
    head: (u64, [u8; 32]),
    case_id: &str,
    first_version: u64,
    events: &[CaseEvent],
    actor: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let (mut seq, mut prev_hash) = head;
    let mut next_index = next_leaf(connection).await?;
    let recorded_at = now.to_string();
    for (offset, event) in events.iter().enumerate() {
        seq += 1;
        let entry = RecordEntry::seal(
            seq,
            case_id.to_owned(),
            event.type_name().to_owned(),
            rows::encode(event)?,
            actor.to_owned(),
            recorded_at.clone(),
            prev_hash,
        );
        insert_entry(connection, &entry, first_version + offset as u64 + 1).await?;
        for leaf in log::leaves_for(event, seq, &entry.hash, next_index, Misplaced::Conflict)? {
            insert_leaf(connection, &leaf).await?;
            next_index += 1;
        }
        prev_hash = entry.hash;
    }
    move_head(connection, (seq, prev_hash)).await?;
    rebuild_case(connection, case_id).await
}

/// Folds the case's events and rewrites its read models.
async fn rebuild_case(connection: &mut PgConnection, case_id: &str) -> Result<(), StoreError> {
    let all_events = load_events(connection, case_id).await?;
    let state = CaseState::replay(&all_events)
        .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
    project(connection, case_id, all_events.len() as u64, &state).await
}

async fn load_events(
    connection: &mut PgConnection,
    case_id: &str,
) -> Result<Vec<CaseEvent>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT seq, payload FROM case_events WHERE case_id = $1 ORDER BY case_version",
    )
    .bind(case_id)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|(seq, payload)| rows::decode(payload, *seq))
        .collect()
}

/// Rewrites the read models of one case from its folded state.
async fn project(
    connection: &mut PgConnection,
    case_id: &str,
    version: u64,
    state: &CaseState,
) -> Result<(), StoreError> {
    let model = ReadModel::of(state, version)?;
    sqlx::query(
        "INSERT INTO cases (case_id, regime, language, phase, received_at, version, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) \
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
    .execute(&mut *connection)
    .await?;

    for table_delete in [
        "DELETE FROM case_deadlines WHERE case_id = $1",
        "DELETE FROM case_resources WHERE case_id = $1",
        "DELETE FROM case_actors WHERE case_id = $1",
        "DELETE FROM case_incidents WHERE case_id = $1",
        "DELETE FROM case_evidence WHERE case_id = $1",
    ] {
        sqlx::query(table_delete)
            .bind(case_id)
            .execute(&mut *connection)
            .await?;
    }
    for deadline in &model.deadlines {
        sqlx::query(
            "INSERT INTO case_deadlines (case_id, kind, order_id, due_at, last_day, provisional) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case_id)
        .bind(deadline.kind.as_str())
        .bind(deadline.order_id.as_deref())
        .bind(rows::millis(deadline.due_at))
        .bind(deadline.last_day.map(|day| day.to_string()))
        .bind(deadline.provisional)
        .execute(&mut *connection)
        .await?;
    }
    sqlx::query("DELETE FROM case_orders WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *connection)
        .await?;
    for order in &model.orders {
        sqlx::query(
            "INSERT INTO case_orders (order_id, case_id, owner, status, issued_at, removal_due, \
             state) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&order.order_id)
        .bind(case_id)
        .bind(&order.owner)
        .bind(order.status)
        .bind(order.issued_at)
        .bind(order.removal_due)
        .bind(&order.state_json)
        .execute(&mut *connection)
        .await?;
    }
    for resource_key in &model.resources {
        sqlx::query(
            "INSERT INTO case_resources (case_id, resource_key) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(resource_key)
        .execute(&mut *connection)
        .await?;
    }
    for actor_key in &model.actors {
        sqlx::query(
            "INSERT INTO case_actors (case_id, actor_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(actor_key)
        .execute(&mut *connection)
        .await?;
    }
    for (occurred_on, resource_key) in &model.incidents {
        sqlx::query(
            "INSERT INTO case_incidents (case_id, occurred_on, resource_key) VALUES ($1, $2, $3)",
        )
        .bind(case_id)
        .bind(occurred_on)
        .bind(resource_key.as_deref())
        .execute(&mut *connection)
        .await?;
    }
    for item in &model.evidence {
        sqlx::query(
            "INSERT INTO case_evidence (evidence_id, case_id, position, kind, url, digest, size, \
             captured_at, status, reason, log_index, original_id, attempts, retry_at, order_id, \
             removal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16)",
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
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

async fn insert_staff(
    connection: &mut PgConnection,
    member: &StaffMember,
    created_at: &str,
) -> Result<(), StoreError> {
    let result = sqlx::query(
        "INSERT INTO staff (username, display_name, role, chair, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&member.username)
    .bind(&member.display_name)
    .bind(member.role.as_str())
    .bind(member.chair)
    .bind(member.active)
    .bind(created_at)
    .execute(connection)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(error)) if error.constraint() == Some(STAFF_PKEY) => {
            Err(StoreError::AlreadyExists(member.username.clone()))
        }
        Err(error) => Err(error.into()),
    }
}

/// Entries after `after` up to and including `up_to`, at most `limit`.
async fn entries_between(
    pool: &PgPool,
    after: u64,
    up_to: u64,
    limit: u32,
) -> Result<Vec<StoredEntry>, StoreError> {
    let found: Vec<rows::EntryRow> = sqlx::query_as(
        "SELECT seq, case_id, case_version, event_type, payload, actor, recorded_at, \
         prev_hash, hash FROM case_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after as i64)
    .bind(i64::try_from(up_to).unwrap_or(i64::MAX))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    found.into_iter().map(rows::stored_entry).collect()
}

impl Store for PgStore {
    async fn create_case_with(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let mut transaction: Transaction<'static, Postgres> = self.pool.begin().await?;
        // The chain head first, always: one lock order for every writer.
        let head = lock_head(&mut transaction).await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO case_numbers (year, last) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last",
        )
        .bind(i64::from(year))
        .fetch_one(&mut *transaction)
        .await?;
        let case_id = format!("QG-{year:04}-{number:06}");
        append_in(&mut transaction, head, &case_id, 0, events, actor, now).await?;
        insert_jobs(&mut transaction, Some(&case_id), jobs, now).await?;
        transaction.commit().await.map_err(store_error)?;
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
        let mut transaction: Transaction<'static, Postgres> = self.pool.begin().await?;
        let head = lock_head(&mut transaction).await?;
        // Read under the lock: no other append can commit between this check and ours.
        let current: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(case_version), 0) FROM case_events WHERE case_id = $1",
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
            head,
            case_id,
            expected_version,
            events,
            actor,
            now,
        )
        .await?;
        insert_jobs(&mut transaction, Some(case_id), jobs, now).await?;
        transaction.commit().await.map_err(store_error)?;
        Ok(())
    }

    async fn timeline(&self, case_id: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT seq, event_type, actor, recorded_at FROM case_events \
             WHERE case_id = $1 ORDER BY case_version",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, event_type, actor, recorded_at)| {
                Ok(TimelineEntry {
                    seq: seq as u64,
                    event_type,
                    actor,
                    recorded_at: rows::timestamp(&recorded_at)?,
                })
            })
            .collect()
    }

    async fn list_cases(&self, phase: Option<CasePhase>) -> Result<Vec<CaseSummary>, StoreError> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT case_id, regime, language, phase, received_at FROM cases \
             WHERE $1::text IS NULL OR phase = $1 ORDER BY case_id",
        )
        .bind(phase.map(CasePhase::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(case_id, regime, language, phase, received_at)| {
                Ok(CaseSummary {
                    case_id,
                    regime,
                    language,
                    phase,
                    received_at: rows::timestamp(&received_at)?,
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
             ORDER BY d.due_at, d.case_id, d.id",
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
             WHERE case_id != $1 AND case_id IN ( \
                 SELECT other.case_id FROM case_resources mine \
                 JOIN case_resources other ON other.resource_key = mine.resource_key \
                 WHERE mine.case_id = $1 \
                 UNION \
                 SELECT other.case_id FROM case_actors mine \
                 JOIN case_actors other ON other.actor_key = mine.actor_key \
                 WHERE mine.case_id = $1) \
             ORDER BY occurred_on, resource_key NULLS FIRST",
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
        // The head first: every entry up to it was committed with it, so the
        // pages below read a complete prefix however many instances keep
        // appending meanwhile.
        let (head_seq, head_hash): (i64, Vec<u8>) =
            sqlx::query_as("SELECT seq, hash FROM chain_head WHERE singleton")
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::from)?;
        let head_seq = head_seq as u64;
        let head_hash = rows::hash_array(&head_hash)?;
        let mut verifier = ChainVerifier::default();
        let mut after = 0u64;
        // Page through the chain so memory stays flat however long the record is.
        loop {
            let page = entries_between(&self.pool, after, head_seq, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.entry.seq;
            for stored in &page {
                verifier.check(&stored.entry)?;
            }
        }
        let summary = verifier.finish();
        // Entries missing at the end (a cut tail) or a last entry rewritten
        // together with its hash: the head remembers what was there.
        if summary.entries < head_seq {
            let missing = summary.entries + 1;
            return Err(ChainBreak {
                seq: missing,
                fault: ChainFault::Gap { expected: missing },
            }
            .into());
        }
        if summary.head != head_hash {
            return Err(ChainBreak {
                seq: head_seq,
                fault: ChainFault::HashMismatch,
            }
            .into());
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
        Ok(summary)
    }

    async fn add_staff(&self, member: &StaffMember, now: Timestamp) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        insert_staff(&mut connection, member, &now.to_string()).await
    }

    async fn find_staff(&self, username: &str) -> Result<Option<StaffMember>, StoreError> {
        let row: Option<StaffRow> = sqlx::query_as(
            "SELECT username, display_name, role, chair, active FROM staff WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(rows::staff_from_row))
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let rows: Vec<StaffRow> = sqlx::query_as(
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
        let result = sqlx::query("UPDATE staff SET password_hash = $1 WHERE username = $2")
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
            sqlx::query_scalar("SELECT password_hash FROM staff WHERE username = $1 AND active")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.flatten())
    }

    async fn create_session(&self, session: &StaffSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, created_at, expires_at, last_seen) \
             VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(&session.token_hash)
        .bind(&session.username)
        .bind(rows::millis(session.created_at))
        .bind(rows::millis(session.expires_at))
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
            "UPDATE sessions SET last_seen = $2 \
             WHERE token_hash = $1 AND expires_at > $2 AND last_seen > $2 - $3 \
             RETURNING token_hash, username, created_at, expires_at",
        )
        .bind(token_hash)
        .bind(rows::millis(now))
        .bind(idle.as_millis() as i64)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(token_hash, username, created_at, expires_at)| StaffSession {
                token_hash,
                username,
                created_at: rows::from_millis(created_at),
                expires_at: rows::from_millis(expires_at),
            },
        ))
    }

    async fn find_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        let row: Option<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT token_hash, username, created_at, expires_at FROM sessions \
             WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(token_hash, username, created_at, expires_at)| StaffSession {
                token_hash,
                username,
                created_at: rows::from_millis(created_at),
                expires_at: rows::from_millis(expires_at),
            },
        ))
    }

    async fn add_owner(&self, owner: &ResourceOwner, now: Timestamp) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        insert_owner(&mut connection, owner, &now.to_string()).await
    }

    async fn find_owner_by_key(
        &self,
        api_key_hash: &str,
    ) -> Result<Option<ResourceOwner>, StoreError> {
        let row: Option<OwnerRow> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains FROM resource_owners \
             WHERE api_key_hash = $1",
        )
        .bind(api_key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(owner_from_row).transpose()
    }

    async fn list_owners(&self) -> Result<Vec<ResourceOwner>, StoreError> {
        let rows: Vec<OwnerRow> = sqlx::query_as(
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
            "SELECT case_id, state FROM case_orders WHERE owner = $1 \
             AND (NOT $2 OR status != 'removed') ORDER BY issued_at, order_id",
        )
        .bind(owner)
        .bind(open_only)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(case_id, state)| crate::sqlite::order_row(case_id, &state))
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
        // SKIP LOCKED: workers of other instances pass over a row being
        // claimed instead of waiting for it, and never take the same one.
        let claimed: Option<rows::JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, \
             updated_at = $2 WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND \
             run_at <= $2) OR (status = 'running' AND locked_until <= $2) \
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING {}",
            rows::JOB_COLUMNS
        )))
        .bind(rows::millis(lease_until))
        .bind(rows::millis(now))
        .fetch_optional(&self.pool)
        .await?;
        claimed.map(rows::job_row).transpose()
    }

    async fn complete_job(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(rows::millis(now))
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
            "UPDATE jobs SET status = CASE WHEN $1::BIGINT IS NULL THEN 'failed' ELSE 'queued' END, \
             run_at = COALESCE($1, run_at), last_error = $2, locked_until = NULL, \
             updated_at = $3 WHERE id = $4",
        )
        .bind(retry_at.map(rows::millis))
        .bind(error)
        .bind(rows::millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn jobs(&self, case_id: Option<&str>) -> Result<Vec<Job>, StoreError> {
        let found: Vec<rows::JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM jobs WHERE $1::TEXT IS NULL OR case_id = $1 ORDER BY id",
            rows::JOB_COLUMNS
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::job_row).collect()
    }

    async fn case_evidence(&self, case_id: &str) -> Result<Vec<EvidenceRow>, StoreError> {
        let found: Vec<rows::EvidenceRowTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_evidence WHERE case_id = $1 ORDER BY position",
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
            "SELECT idx, entry, leaf_hash FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2",
        )
        .bind(i64::try_from(from).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::leaf_row).collect()
    }

    async fn save_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO log_checkpoints (tree_size, root, note, signed_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING",
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
        crate::log::verify_log(self).await
    }
}

/// `(name, display_name, api_key_hash, domains)`.
type OwnerRow = (String, String, String, String);

fn owner_from_row(row: OwnerRow) -> Result<ResourceOwner, StoreError> {
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

impl Maintenance for PgStore {
    async fn entries_after(&self, after: u64, limit: u32) -> Result<Vec<StoredEntry>, StoreError> {
        entries_between(&self.pool, after, u64::MAX, limit).await
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
        let mut transaction: Transaction<'static, Postgres> =
            self.pool.begin().await.map_err(StoreError::from)?;
        // The head lock keeps every other instance from appending while the
        // archive loads; the emptiness check runs under it.
        let head = lock_head(&mut transaction).await?;
        let occupied: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM case_events) OR EXISTS (SELECT 1 FROM staff) \
             OR EXISTS (SELECT 1 FROM resource_owners) OR EXISTS (SELECT 1 FROM cases) \
             OR EXISTS (SELECT 1 FROM case_numbers) OR EXISTS (SELECT 1 FROM log_leaves)",
        )
        .fetch_one(&mut *transaction)
        .await
        .map_err(StoreError::from)?;
        if occupied || head.0 != 0 {
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
                    insert_staff(&mut transaction, &record.member, &record.created_at).await?;
                    if let Some(password_hash) = &record.password_hash {
                        sqlx::query("UPDATE staff SET password_hash = $1 WHERE username = $2")
                            .bind(password_hash)
                            .bind(&record.member.username)
                            .execute(&mut *transaction)
                            .await
                            .map_err(StoreError::from)?;
                    }
                    staff += 1;
                }
                ArchiveItem::Owner(record) => {
                    insert_owner(&mut transaction, &record.owner, &record.created_at).await?;
                    owners += 1;
                }
                ArchiveItem::Entry(stored) => {
                    verifier.check(&stored.entry)?;
                    crate::archive::check_case_version(&mut versions, &stored)?;
                    insert_entry(&mut transaction, &stored.entry, stored.case_version).await?;
                    let entry = &stored.entry;
                    let event = rows::decode(&entry.payload, entry.seq as i64)?;
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
            rebuild_case(&mut transaction, case_id).await?;
        }
        for (year, last) in crate::archive::case_counters(versions.keys()) {
            sqlx::query("INSERT INTO case_numbers (year, last) VALUES ($1, $2)")
                .bind(year)
                .bind(last)
                .execute(&mut *transaction)
                .await
                .map_err(StoreError::from)?;
        }
        move_head(&mut transaction, (summary.entries, summary.head)).await?;
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

async fn insert_owner(
    connection: &mut PgConnection,
    owner: &ResourceOwner,
    created_at: &str,
) -> Result<(), StoreError> {
    let domains = serde_json::to_string(&owner.domains)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let result = sqlx::query(
        "INSERT INTO resource_owners (name, display_name, api_key_hash, domains, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&owner.name)
    .bind(&owner.display_name)
    .bind(&owner.api_key_hash)
    .bind(domains)
    .bind(created_at)
    .execute(connection)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(error))
            if matches!(error.constraint(), Some(OWNERS_PKEY | OWNERS_KEY_UNIQUE)) =>
        {
            Err(StoreError::AlreadyExists(owner.name.clone()))
        }
        Err(error) => Err(error.into()),
    }
}
