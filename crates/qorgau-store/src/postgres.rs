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
//! Each instance writes through its writer task (`batch.rs`): one such
//! transaction carries every write waiting at the time, so the lock above is
//! taken — and the WAL flushed — once per batch rather than once per write,
//! and what is written under it is a handful of multi-row statements
//! (`UNNEST` of arrays: one statement text whatever the batch size).
//!
//! Durability is PostgreSQL's: a commit that returned is in the WAL (keep
//! `synchronous_commit = on`, the default); callers are answered after it.
//!
//! Schema changes are deliberate: opening a database that lacks one of this
//! build's migrations is refused with the name of the migration and
//! `qorgau migrate`; only `migrate` (and `init`, which creates a database)
//! applies them.

mod delivery;
mod links;
mod stats;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey, PendingDeadline};
use qorgau_domain::record::{
    ChainBreak, ChainFault, ChainSummary, ChainVerifier, GENESIS, RecordEntry,
};
use sqlx::Arguments;
use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use crate::archive::{
    ArchiveError, ArchiveItem, ArchiveSummary, StoredEntry, StoredOwner, StoredStaff,
};
use crate::batch::{self, Answer, BatchError, Committer, Write, Writer};
use crate::links::{BatchLinks, LinkKeys};
use crate::log::{self, Misplaced, NewLeaf};
use crate::rows::{self, ReadModel, StaffRow};
use crate::schema::{self, AppliedMigration, MigrationName};
use crate::{
    CaseGauges, CaseSummary, DeadlineRow, EvidenceRow, Job, LogLeaf, LogSummary, Maintenance,
    NewJob, OrderRow, OwnerSession, ResourceOwner, StaffMember, StaffSession, Store, StoreError,
    StoredCase, StoredCheckpoint, TimelineEntry, VerifyError, WriterStats,
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
    /// Case writes go through this instance's writer task (`batch.rs`).
    writer: Arc<Writer<PgCommitter>>,
    /// The database's secret for the child-match hashes (`links.rs`), read
    /// once: it never changes, and intake needs it for every application.
    match_key: Arc<OnceLock<Vec<u8>>>,
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
        let match_key: Arc<OnceLock<Vec<u8>>> = Arc::default();
        let writer = Arc::new(Writer::new(PgCommitter {
            pool: pool.clone(),
            match_key: match_key.clone(),
        }));
        Ok(PgStore {
            pool,
            description,
            writer,
            match_key,
        })
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
                stats::backfill(&pool).await?;
                if pending
                    .iter()
                    .any(|migration| stats::TALLY_MIGRATIONS.contains(&migration.version))
                {
                    stats::rebuild(&pool).await?;
                }
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

    /// What this instance's writer task has done (`/metrics`).
    pub fn writer_stats(&self) -> WriterStats {
        self.writer.stats()
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

/// Queues the chain head's move to `head`.
fn queue_head(queued: &mut Queued, head: (u64, [u8; 32])) {
    queued
        .query("UPDATE chain_head SET seq = $1, hash = $2 WHERE singleton")
        .bind(head.0 as i64)
        .bind(head.1.to_vec())
        .queue();
}

/// Moves the chain head to `head` at once (an import's last step).
async fn move_head(connection: &mut PgConnection, head: (u64, [u8; 32])) -> Result<(), StoreError> {
    let mut queued = Queued::new();
    queue_head(&mut queued, head);
    queued.execute(connection).await?;
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

/// The PostgreSQL dialect of a batch (`batch.rs` decides what it writes).
#[derive(Debug, Clone)]
struct PgCommitter {
    pool: PgPool,
    /// The store's child-match key, once read (`links::match_key`).
    match_key: Arc<OnceLock<Vec<u8>>>,
}

impl Committer for PgCommitter {
    async fn commit(&self, writes: &[Write]) -> Result<Vec<Answer>, BatchError> {
        let mut transaction: Transaction<'static, Postgres> = self
            .pool
            .begin()
            .await
            .map_err(|error| BatchError::Statement(error.into()))?;
        let answers = write_batch(&mut transaction, writes, &self.match_key)
            .await
            .map_err(BatchError::Statement)?;
        transaction
            .commit()
            .await
            .map_err(|error| BatchError::Commit(store_error(error)))?;
        Ok(answers)
    }
}

/// One batch inside its transaction: the head locked first (one lock order
/// for every writer), then the appended cases read, every write checked,
/// case numbers taken for the new cases that passed, and everything written
/// in a handful of multi-row statements.
async fn write_batch(
    connection: &mut PgConnection,
    writes: &[Write],
    match_key: &OnceLock<Vec<u8>>,
) -> Result<Vec<Answer>, StoreError> {
    let head = lock_head(connection).await?;
    let log_size = next_leaf(connection).await?;
    let case_ids = batch::existing_cases(writes);
    let mut loaded = if case_ids.is_empty() {
        BTreeMap::new()
    } else {
        // Read under the lock: no other append can commit between this read
        // and ours.
        let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT case_id, case_version, seq, payload FROM case_events \
             WHERE case_id = ANY($1) ORDER BY case_id, case_version",
        )
        .bind(&case_ids)
        .fetch_all(&mut *connection)
        .await?;
        batch::fold_loaded(rows)
    };
    let match_key = links::match_key(&mut *connection, match_key).await?;
    // New applications' automatic links, looked up under the write lock.
    let linked = if writes.iter().any(|write| write.links.is_some()) {
        let batch_links = BatchLinks::of(writes, &match_key);
        let (actor_keys, resource_keys, child_keys) = batch_links.lookup();
        let rows =
            links::candidate_rows(&mut *connection, &actor_keys, &child_keys, &resource_keys)
                .await?;
        batch_links.apply(writes, &rows)
    } else {
        Cow::Borrowed(writes)
    };
    let writes: &[Write] = &linked;
    let checked = batch::check(writes, &mut loaded, log_size);
    let mut first_numbers = BTreeMap::new();
    for (year, count) in batch::new_cases_per_year(&checked) {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO case_numbers (year, last) VALUES ($1, $2) \
             ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + excluded.last \
             RETURNING last",
        )
        .bind(i64::from(year))
        .bind(count)
        .fetch_one(&mut *connection)
        .await?;
        first_numbers.insert(year, last - count + 1);
    }
    let sealed = batch::seal(writes, checked, head, log_size, first_numbers)?;
    if !sealed.is_empty() {
        // One round trip for the whole write; a version conflict is named
        // by its constraint whichever item raised it.
        let mut queued = Queued::new();
        insert_entries(&mut queued, &sealed.entries);
        insert_leaves(&mut queued, &sealed.leaves);
        queue_head(&mut queued, sealed.head);
        write_models(
            connection,
            &mut queued,
            &sealed.replaced,
            &sealed.models,
            &match_key,
        )
        .await?;
        insert_batch_jobs(&mut queued, &sealed.jobs);
        queued.execute(connection).await.map_err(store_error)?;
    }
    Ok(sealed.answers)
}

/// Writes queued to reach PostgreSQL in one round trip (`Queued::execute`).
///
/// Every statement is a round trip to the server, and a batch that wrote a
/// dozen tables made a dozen. Queued, each becomes an item of one
/// statement's `WITH` (its `$n` renumbered after the items before it), which
/// the server runs as one. The items share one snapshot: none may depend on
/// another's effect or touch a row another does (so a case's old read-model
/// rows are deleted before, not in the same statement), and none sees the
/// writes queued before it. Foreign keys are checked at the statement's end,
/// so a row may come with the case it refers to. The text depends only on
/// which tables get rows, so it stays prepared.
pub(super) struct Queued {
    items: Vec<String>,
    arguments: PgArguments,
    error: Option<BoxDynError>,
}

impl Queued {
    pub(super) fn new() -> Queued {
        Queued {
            items: Vec::new(),
            arguments: PgArguments::default(),
            error: None,
        }
    }

    /// A statement to queue: bind its values in order, then `queue` it.
    pub(super) fn query(&mut self, sql: impl Into<String>) -> QueuedStatement<'_> {
        let offset = self.arguments.len();
        QueuedStatement {
            queued: self,
            sql: sql.into(),
            offset,
        }
    }

    /// Sends the queued statements, if any, as one.
    pub(super) async fn execute(self, connection: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.items.is_empty() {
            return Ok(());
        }
        if let Some(error) = self.error {
            return Err(sqlx::Error::Encode(error));
        }
        let items: Vec<String> = self
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| format!("write_{index} AS ({item})"))
            .collect();
        let sql = format!("WITH {} SELECT 1", items.join(", "));
        sqlx::query_with(sqlx::AssertSqlSafe(sql), self.arguments)
            .execute(connection)
            .await?;
        Ok(())
    }
}

/// One statement of a [`Queued`], taking its values.
pub(super) struct QueuedStatement<'q> {
    queued: &'q mut Queued,
    sql: String,
    /// The values bound before this statement's.
    offset: usize,
}

impl QueuedStatement<'_> {
    pub(super) fn bind<'t, T>(self, value: T) -> Self
    where
        T: sqlx::Encode<'t, Postgres> + sqlx::Type<Postgres>,
    {
        if let Err(error) = self.queued.arguments.add(value) {
            self.queued.error.get_or_insert(error);
        }
        self
    }

    pub(super) fn queue(self) {
        let sql = renumbered(&self.sql, self.offset);
        self.queued.items.push(sql);
    }
}

/// `sql` with each placeholder `$n` made `$(n + offset)`. The write path's
/// statements are ours and hold no `$` but their placeholders.
fn renumbered(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(number) => out.push_str(&(number + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Record entries in one statement (arrays unnested: one statement text
/// whatever the batch size, so it stays prepared).
fn insert_entries(queued: &mut Queued, entries: &[(RecordEntry, u64)]) {
    let mut columns = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (entry, case_version) in entries {
        columns.0.push(entry.seq as i64);
        columns.1.push(entry.case_id.as_str());
        columns.2.push(*case_version as i64);
        columns.3.push(entry.event_type.as_str());
        columns.4.push(entry.payload.as_str());
        columns.5.push(entry.actor.as_str());
        columns.6.push(entry.recorded_at.as_str());
        columns.7.push(entry.prev_hash.to_vec());
        columns.8.push(entry.hash.to_vec());
    }
    queued
        .query(
            "INSERT INTO case_events (seq, case_id, case_version, event_type, payload, actor, \
             recorded_at, prev_hash, hash) SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], \
             $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::BYTEA[], \
             $9::BYTEA[])",
        )
        .bind(columns.0)
        .bind(columns.1)
        .bind(columns.2)
        .bind(columns.3)
        .bind(columns.4)
        .bind(columns.5)
        .bind(columns.6)
        .bind(columns.7)
        .bind(columns.8)
        .queue();
}

fn insert_leaves(queued: &mut Queued, leaves: &[NewLeaf]) {
    if leaves.is_empty() {
        return;
    }
    let indexes: Vec<i64> = leaves.iter().map(|leaf| leaf.index as i64).collect();
    let entries: Vec<&[u8]> = leaves.iter().map(|leaf| leaf.entry.as_slice()).collect();
    let hashes: Vec<&[u8]> = leaves
        .iter()
        .map(|leaf| leaf.leaf_hash.as_slice())
        .collect();
    let seqs: Vec<i64> = leaves.iter().map(|leaf| leaf.seq as i64).collect();
    queued
        .query(
            "INSERT INTO log_leaves (idx, entry, leaf_hash, seq) \
             SELECT * FROM UNNEST($1::BIGINT[], $2::BYTEA[], $3::BYTEA[], $4::BIGINT[])",
        )
        .bind(indexes)
        .bind(entries)
        .bind(hashes)
        .bind(seqs)
        .queue();
}

fn insert_batch_jobs(queued: &mut Queued, jobs: &[(String, NewJob, Timestamp)]) {
    if jobs.is_empty() {
        return;
    }
    let kinds: Vec<&str> = jobs.iter().map(|(_, job, _)| job.kind.as_str()).collect();
    let case_ids: Vec<&str> = jobs
        .iter()
        .map(|(case_id, _, _)| case_id.as_str())
        .collect();
    let payloads: Vec<&str> = jobs
        .iter()
        .map(|(_, job, _)| job.payload.as_str())
        .collect();
    let run_at: Vec<i64> = jobs
        .iter()
        .map(|(_, job, _)| rows::millis(job.run_at))
        .collect();
    let created: Vec<i64> = jobs.iter().map(|(_, _, now)| rows::millis(*now)).collect();
    queued
        .query(
            "INSERT INTO jobs (kind, case_id, payload, run_at, created_at, updated_at) \
             SELECT kind, case_id, payload, run_at, created_at, created_at FROM UNNEST( \
             $1::TEXT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[]) \
             AS job (kind, case_id, payload, run_at, created_at)",
        )
        .bind(kinds)
        .bind(case_ids)
        .bind(payloads)
        .bind(run_at)
        .bind(created)
        .queue();
}

/// Folds the case's events and rewrites its read models.
async fn rebuild_case(
    connection: &mut PgConnection,
    case_id: &str,
    match_key: &[u8],
) -> Result<(), StoreError> {
    let all_events = load_events(connection, case_id).await?;
    let state = CaseState::replay(&all_events)
        .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
    let model = ReadModel::of(&state, all_events.len() as u64)?;
    let mut queued = Queued::new();
    write_models(
        connection,
        &mut queued,
        &[case_id.to_owned()],
        &[(case_id.to_owned(), model)],
        match_key,
    )
    .await?;
    queued.execute(connection).await?;
    Ok(())
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

/// Rewrites the read models of the cases in `models` (`rows::ReadModel`
/// decides what; this writes it in PostgreSQL's dialect), one statement per
/// table for all of them. The rows of the `replaced` cases are deleted
/// first; a new case has none.
async fn write_models(
    connection: &mut PgConnection,
    queued: &mut Queued,
    replaced: &[String],
    models: &[(String, ReadModel)],
    match_key: &[u8],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        for table_delete in [
            "DELETE FROM case_deadlines WHERE case_id = ANY($1)",
            "DELETE FROM case_orders WHERE case_id = ANY($1)",
            "DELETE FROM case_resources WHERE case_id = ANY($1)",
            "DELETE FROM case_actors WHERE case_id = ANY($1)",
            "DELETE FROM case_incidents WHERE case_id = ANY($1)",
            "DELETE FROM case_evidence WHERE case_id = ANY($1)",
        ] {
            sqlx::query(table_delete)
                .bind(replaced)
                .execute(&mut *connection)
                .await?;
        }
    }
    if models.is_empty() {
        return stats::write_stats(connection, queued, replaced, models).await;
    }
    let case_ids: Vec<&str> = models.iter().map(|(case_id, _)| case_id.as_str()).collect();
    queued
        .query(
            "INSERT INTO cases (case_id, regime, language, phase, received_at, version, state) \
         SELECT case_id, regime, language, phase, received_at, version, state::JSONB \
         FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], \
         $7::TEXT[]) AS model (case_id, regime, language, phase, received_at, version, state) \
         ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, \
         version = excluded.version, state = excluded.state",
        )
        .bind(&case_ids)
        .bind(
            models
                .iter()
                .map(|(_, m)| m.regime.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(models.iter().map(|(_, m)| m.language).collect::<Vec<_>>())
        .bind(models.iter().map(|(_, m)| m.phase).collect::<Vec<_>>())
        .bind(
            models
                .iter()
                .map(|(_, m)| m.received_at.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(models.iter().map(|(_, m)| m.version).collect::<Vec<_>>())
        .bind(
            models
                .iter()
                .map(|(_, m)| m.state_json.as_str())
                .collect::<Vec<_>>(),
        )
        .queue();

    let deadlines: Vec<(&str, &PendingDeadline)> = models
        .iter()
        .flat_map(|(case_id, m)| m.deadlines.iter().map(move |d| (case_id.as_str(), d)))
        .collect();
    if !deadlines.is_empty() {
        queued.query(
            "INSERT INTO case_deadlines (case_id, kind, order_id, due_at, last_day, provisional) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::TEXT[], \
             $6::BOOLEAN[])",
        )
        .bind(deadlines.iter().map(|(c, _)| *c).collect::<Vec<_>>())
        .bind(
            deadlines
                .iter()
                .map(|(_, d)| d.kind.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            deadlines
                .iter()
                .map(|(_, d)| d.order_id.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            deadlines
                .iter()
                .map(|(_, d)| rows::millis(d.due_at))
                .collect::<Vec<_>>(),
        )
        .bind(
            deadlines
                .iter()
                .map(|(_, d)| d.last_day.map(|day| day.to_string()))
                .collect::<Vec<_>>(),
        )
        .bind(
            deadlines
                .iter()
                .map(|(_, d)| d.provisional)
                .collect::<Vec<_>>(),
        )
        .queue();
    }

    let orders: Vec<(&str, &rows::OrderModel)> = models
        .iter()
        .flat_map(|(case_id, m)| m.orders.iter().map(move |o| (case_id.as_str(), o)))
        .collect();
    if !orders.is_empty() {
        queued.query(
            "INSERT INTO case_orders (order_id, case_id, owner, status, issued_at, removal_due, \
             state) SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], \
             $5::BIGINT[], $6::BIGINT[], $7::TEXT[])",
        )
        .bind(
            orders
                .iter()
                .map(|(_, o)| o.order_id.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(orders.iter().map(|(c, _)| *c).collect::<Vec<_>>())
        .bind(
            orders
                .iter()
                .map(|(_, o)| o.owner.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(orders.iter().map(|(_, o)| o.status).collect::<Vec<_>>())
        .bind(orders.iter().map(|(_, o)| o.issued_at).collect::<Vec<_>>())
        .bind(
            orders
                .iter()
                .map(|(_, o)| o.removal_due)
                .collect::<Vec<_>>(),
        )
        .bind(
            orders
                .iter()
                .map(|(_, o)| o.state_json.as_str())
                .collect::<Vec<_>>(),
        )
        .queue();
    }

    for (table, keys) in [
        (
            "INSERT INTO case_resources (case_id, resource_key) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[]) ON CONFLICT DO NOTHING",
            models
                .iter()
                .flat_map(|(case_id, m)| {
                    m.resources
                        .iter()
                        .map(move |k| (case_id.as_str(), k.as_str()))
                })
                .collect::<Vec<_>>(),
        ),
        (
            "INSERT INTO case_actors (case_id, actor_key) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[]) ON CONFLICT DO NOTHING",
            models
                .iter()
                .flat_map(|(case_id, m)| {
                    m.actors.iter().map(move |k| (case_id.as_str(), k.as_str()))
                })
                .collect::<Vec<_>>(),
        ),
    ] {
        if keys.is_empty() {
            continue;
        }
        queued
            .query(table)
            .bind(keys.iter().map(|(c, _)| *c).collect::<Vec<_>>())
            .bind(keys.iter().map(|(_, k)| *k).collect::<Vec<_>>())
            .queue();
    }

    let incidents: Vec<(&str, &(String, Option<String>))> = models
        .iter()
        .flat_map(|(case_id, m)| m.incidents.iter().map(move |i| (case_id.as_str(), i)))
        .collect();
    if !incidents.is_empty() {
        queued
            .query(
                "INSERT INTO case_incidents (case_id, occurred_on, resource_key) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[])",
            )
            .bind(incidents.iter().map(|(c, _)| *c).collect::<Vec<_>>())
            .bind(
                incidents
                    .iter()
                    .map(|(_, (day, _))| day.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                incidents
                    .iter()
                    .map(|(_, (_, key))| key.as_deref())
                    .collect::<Vec<_>>(),
            )
            .queue();
    }

    let evidence: Vec<(&str, &rows::EvidenceModel)> = models
        .iter()
        .flat_map(|(case_id, m)| m.evidence.iter().map(move |e| (case_id.as_str(), e)))
        .collect();
    if !evidence.is_empty() {
        queued.query(
            "INSERT INTO case_evidence (evidence_id, case_id, position, kind, url, digest, size, \
             captured_at, status, reason, log_index, original_id, attempts, retry_at, order_id, \
             removal) SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], \
             $5::TEXT[], $6::TEXT[], $7::BIGINT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], \
             $11::BIGINT[], $12::TEXT[], $13::BIGINT[], $14::TEXT[], $15::TEXT[], $16::TEXT[])",
        )
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.evidence_id.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(evidence.iter().map(|(c, _)| *c).collect::<Vec<_>>())
        .bind(evidence.iter().map(|(_, e)| e.position).collect::<Vec<_>>())
        .bind(evidence.iter().map(|(_, e)| e.kind).collect::<Vec<_>>())
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.url.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.digest.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(evidence.iter().map(|(_, e)| e.size).collect::<Vec<_>>())
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.captured_at.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(evidence.iter().map(|(_, e)| e.status).collect::<Vec<_>>())
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.reason.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.log_index)
                .collect::<Vec<_>>(),
        )
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.original_id.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(evidence.iter().map(|(_, e)| e.attempts).collect::<Vec<_>>())
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.retry_at.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            evidence
                .iter()
                .map(|(_, e)| e.order_id.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(evidence.iter().map(|(_, e)| e.removal).collect::<Vec<_>>())
        .queue();
    }
    stats::write_stats(connection, queued, replaced, models).await?;
    links::write_links(connection, queued, replaced, models, match_key).await?;
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
        self.writer
            .create(year, events, jobs, actor, now, false, None)
            .await
            .map(|written| written.case_id)
    }

    async fn create_case_placed(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
    ) -> Result<(String, Vec<CaseEvent>), StoreError> {
        let written = self
            .writer
            .create(year, events, jobs, actor, now, true, None)
            .await?;
        Ok((written.case_id, written.placed.unwrap_or_default()))
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
        let written = self
            .writer
            .create(year, events, jobs, actor, now, true, Some(links))
            .await?;
        Ok((written.case_id, written.placed.unwrap_or_default()))
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
        self.writer
            .append(case_id, expected_version, events, jobs, actor, now, false)
            .await
            .map(drop)
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
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let written = self
            .writer
            .append(case_id, expected_version, events, jobs, actor, now, true)
            .await?;
        Ok(written.placed.unwrap_or_default())
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

    async fn case_gauges(&self, now: Timestamp) -> Result<CaseGauges, StoreError> {
        // Counted by the database (the phases from the `cases_phase` index
        // alone): a scrape every few seconds must not read every case.
        let phases: Vec<(String, i64)> =
            sqlx::query_as("SELECT phase, COUNT(*) FROM cases GROUP BY phase")
                .fetch_all(&self.pool)
                .await?;
        let overdue: Vec<(String, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*) FILTER (WHERE due_at <= $1) FROM case_deadlines GROUP BY kind",
        )
        .bind(rows::millis(now))
        .fetch_all(&self.pool)
        .await?;
        Ok(CaseGauges::from_counts(phases, overdue))
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
                 WHERE mine.case_id = $1 \
                 UNION \
                 SELECT other_case_id FROM case_links WHERE case_id = $1 AND active \
                 UNION \
                 SELECT case_id FROM case_links WHERE other_case_id = $1 AND active) \
             AND case_id NOT IN ( \
                 SELECT other_case_id FROM case_links WHERE case_id = $1 AND NOT active \
                 UNION \
                 SELECT case_id FROM case_links WHERE other_case_id = $1 AND NOT active) \
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

    async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        // A token is a staff or an owner session, never both: one transaction
        // deletes it wherever it is.
        let mut transaction = self.pool.begin().await?;
        let staff = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        let owners = sqlx::query("DELETE FROM owner_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        transaction.commit().await?;
        Ok(staff + owners > 0)
    }

    async fn create_owner_session(&self, session: &OwnerSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO owner_sessions \
             (token_hash, owner, api_key_hash, created_at, expires_at, last_seen) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(&session.token_hash)
        .bind(&session.owner)
        .bind(&session.api_key_hash)
        .bind(rows::millis(session.created_at))
        .bind(rows::millis(session.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_owner_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle: jiff::SignedDuration,
    ) -> Result<Option<ResourceOwner>, StoreError> {
        let owner: Option<String> = sqlx::query_scalar(
            "UPDATE owner_sessions SET last_seen = $2 \
             WHERE token_hash = $1 AND expires_at > $2 AND last_seen > $2 - $3 \
             AND api_key_hash = \
                 (SELECT api_key_hash FROM resource_owners WHERE name = owner_sessions.owner) \
             RETURNING owner",
        )
        .bind(token_hash)
        .bind(rows::millis(now))
        .bind(idle.as_millis() as i64)
        .fetch_optional(&self.pool)
        .await?;
        let Some(owner) = owner else {
            return Ok(None);
        };
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains FROM resource_owners WHERE name = $1",
        )
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        row.map(owner_from_row).transpose()
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

    async fn evidence_item(&self, evidence_id: &str) -> Result<Option<EvidenceRow>, StoreError> {
        let found: Option<rows::EvidenceRowTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_evidence WHERE evidence_id = $1",
            rows::EVIDENCE_COLUMNS
        )))
        .bind(evidence_id)
        .fetch_optional(&self.pool)
        .await?;
        found.map(rows::evidence_row).transpose()
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

    async fn checkpoint_records(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        let found: Vec<rows::CheckpointRow> = sqlx::query_as(
            "SELECT tree_size, root, note, signed_at FROM log_checkpoints ORDER BY tree_size",
        )
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::checkpoint_row).collect()
    }

    async fn job_records(&self) -> Result<Vec<Job>, StoreError> {
        Store::jobs(self, None).await
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
             OR EXISTS (SELECT 1 FROM case_numbers) OR EXISTS (SELECT 1 FROM log_leaves) \
             OR EXISTS (SELECT 1 FROM jobs)",
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
        let mut checkpoints = crate::archive::CheckpointCheck::default();
        let mut jobs = 0u64;
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
                        checkpoints.leaf(leaf.leaf_hash)?;
                        next_index += 1;
                    }
                }
                ArchiveItem::Checkpoint(checkpoint) => checkpoints.expect(checkpoint)?,
                ArchiveItem::Job(job) => {
                    crate::archive::check_job_case(&versions, &job)?;
                    import_job(&mut transaction, &job).await?;
                    jobs += 1;
                }
            }
        }
        let summary = verifier.finish();
        let checkpoints = checkpoints.finish()?;
        for checkpoint in &checkpoints {
            import_checkpoint(&mut transaction, checkpoint).await?;
        }
        let match_key = links::match_key(&mut transaction, &self.match_key).await?;
        for case_id in versions.keys() {
            rebuild_case(&mut transaction, case_id, &match_key).await?;
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
            checkpoints: checkpoints.len() as u64,
            jobs,
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

/// An archived job, queued again (or kept done/failed) under a new id.
async fn import_job(connection: &mut PgConnection, job: &Job) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO jobs (kind, case_id, payload, status, run_at, attempts, last_error, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&job.kind)
    .bind(job.case_id.as_deref())
    .bind(&job.payload)
    .bind(job.status.as_str())
    .bind(rows::millis(job.run_at))
    .bind(i64::from(job.attempts))
    .bind(job.last_error.as_deref())
    .bind(rows::millis(job.created_at))
    .bind(rows::millis(job.created_at))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// An archived checkpoint, already checked against the rebuilt log. One of
/// the empty tree may be there already (a fresh store signs one when asked).
async fn import_checkpoint(
    connection: &mut PgConnection,
    checkpoint: &StoredCheckpoint,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO log_checkpoints (tree_size, root, note, signed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tree_size) DO NOTHING",
    )
    .bind(checkpoint.tree_size as i64)
    .bind(checkpoint.root.as_slice())
    .bind(&checkpoint.note)
    .bind(checkpoint.signed_at.to_string())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::renumbered;

    #[test]
    fn a_queued_statement_takes_the_placeholders_after_those_before_it() {
        assert_eq!(
            renumbered(
                "SELECT * FROM UNNEST($1::TEXT[], $2::BIGINT[], $10::TEXT[])",
                7
            ),
            "SELECT * FROM UNNEST($8::TEXT[], $9::BIGINT[], $17::TEXT[])"
        );
        assert_eq!(
            renumbered("UPDATE t SET a = $1 WHERE b", 0),
            "UPDATE t SET a = $1 WHERE b"
        );
        // A `$` that is no placeholder stays as it is.
        assert_eq!(
            renumbered("SELECT '$' || $1, $x", 2),
            "SELECT '$' || $3, $x"
        );
    }
}
