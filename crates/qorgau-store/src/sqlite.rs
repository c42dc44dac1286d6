//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous = FULL` syncs the WAL on every commit, so a
//! transaction that returned has reached the disk ("nothing accepted is lost",
//! PRODUCT.md). Writes take the database's write lock up front (`BEGIN
//! IMMEDIATE`), so the chain head read inside a write cannot be stale. Case
//! writes queue in-process for the instance's writer task (`batch.rs`) rather
//! than racing for that lock and sleeping in SQLite's busy handler, and each
//! batch shares one commit, hence one fsync.

mod delivery;
mod links;
mod stats;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey, PendingDeadline};
use qorgau_domain::record::{ChainSummary, ChainVerifier, GENESIS, RecordEntry};
use sqlx::migrate::Migrator;
use sqlx::query_builder::Separated;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::archive::{
    ArchiveError, ArchiveItem, ArchiveSummary, StoredEntry, StoredOwner, StoredStaff,
};
use crate::batch::{self, Answer, BatchError, Committer, Write, Writer};
use crate::links::{BatchLinks, LinkKeys};
use crate::log::{self, Misplaced, NewLeaf};
use crate::rows::{self, ReadModel, decode, from_millis, hash_array, millis};
use crate::schema::{self, AppliedMigration, MigrationName};
use crate::{
    CaseGauges, CaseSummary, DeadlineRow, EvidenceRow, Job, LogLeaf, LogSummary, Maintenance,
    NewJob, OrderRow, OwnerSession, ResourceOwner, StaffMember, StaffSession, Store, StoreError,
    StoredCase, StoredCheckpoint, TimelineEntry, VerifyError, WriterStats,
};

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "qorgau.sqlite";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The embedded store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
    /// Case writes queue for this instance's writer task (`batch.rs`)
    /// instead of racing for `BEGIN IMMEDIATE` and sleeping in SQLite's busy
    /// handler; a batch shares one commit and one fsync.
    writer: Arc<Writer<SqliteCommitter>>,
    /// The database's secret for the child-match hashes (`links.rs`), read
    /// once: it never changes, and intake needs it for every application.
    match_key: Arc<OnceLock<Vec<u8>>>,
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
            // A file on this machine has no connection to lose: the check
            // sqlx runs on every acquire is a round trip to the connection's
            // thread for nothing (two thread switches per query; about a sixth
            // of intake's switches, bench/intake).
            .test_before_acquire(false)
            .connect_with(options(&path, create))
            .await?;
        // A pilot runs one process, so the embedded store brings itself up to
        // date on open; a migration it does not know is still refused.
        if let Err(error) = apply_pending(&pool).await {
            pool.close().await;
            return Err(error);
        }
        let match_key: Arc<OnceLock<Vec<u8>>> = Arc::default();
        let writer = Arc::new(Writer::new(SqliteCommitter {
            pool: pool.clone(),
            match_key: match_key.clone(),
        }));
        Ok(SqliteStore {
            pool,
            path,
            writer,
            match_key,
        })
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

    /// What this instance's writer task has done (`/metrics`).
    pub fn writer_stats(&self) -> WriterStats {
        self.writer.stats()
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
        stats::backfill(pool).await?;
        if pending
            .iter()
            .any(|migration| stats::TALLY_MIGRATIONS.contains(&migration.version))
        {
            stats::rebuild(pool).await?;
        }
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

/// The SQLite dialect of a batch (`batch.rs` decides what it writes).
#[derive(Debug, Clone)]
struct SqliteCommitter {
    pool: SqlitePool,
    /// The store's child-match key, once read (`links::match_key`).
    match_key: Arc<OnceLock<Vec<u8>>>,
}

impl Committer for SqliteCommitter {
    async fn commit(&self, writes: &[Write]) -> Result<Vec<Answer>, BatchError> {
        // The write lock first: the head read below cannot be stale, and
        // another process on the same file waits in the busy handler.
        let mut transaction = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|error| BatchError::Statement(error.into()))?;
        let answers = write_batch(&mut transaction, writes, &self.match_key)
            .await
            .map_err(BatchError::Statement)?;
        transaction
            .commit()
            .await
            .map_err(|error| BatchError::Commit(error.into()))?;
        Ok(answers)
    }
}

/// Rows per multi-row statement: far below SQLite's limit of 32,766 bound
/// parameters even for the widest table (16 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// Writes queued to reach SQLite in one round trip (`Queued::execute`).
///
/// sqlx runs each SQLite connection on a thread of its own, so every
/// statement is a hand-off to that thread and back — about 90 µs each under
/// load (BENCHMARKS.md, run 9) — and a batch that wrote a dozen tables made a
/// dozen. Queued, they go as one multi-statement text (sqlx binds each
/// statement's `?`s in turn) and SQLite runs them in order, in the caller's
/// transaction. A read does not see the writes queued before it: read first.
/// The text varies with the row counts, so it is not kept prepared.
pub(super) struct Queued {
    sql: QueryBuilder<Sqlite>,
    statements: usize,
}

impl Queued {
    pub(super) fn new() -> Queued {
        Queued {
            sql: QueryBuilder::new(""),
            statements: 0,
        }
    }

    /// `insert` then `VALUES (…), (…) …` for `rows`, `ROWS_PER_STATEMENT` at
    /// a time, each statement ended by `suffix` (an upsert's `ON CONFLICT`
    /// clause, or nothing); no statement for no rows.
    pub(super) fn rows<'r, T, F>(&mut self, insert: &str, rows: &'r [T], suffix: &str, mut bind: F)
    where
        F: FnMut(&mut Separated<'_, Sqlite, &'static str>, &'r T),
    {
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            self.sql.push(insert);
            self.sql
                .push_values(chunk, |mut row, item| bind(&mut row, item));
            self.sql.push(suffix);
            self.end_statement();
        }
    }

    /// `DELETE FROM table` of the rows of the cases in `case_ids` (a JSON
    /// list of case numbers).
    pub(super) fn delete_cases(&mut self, table: &str, case_ids: &str) {
        self.statement(|sql| {
            sql.push(format_args!(
                "DELETE FROM {table} WHERE case_id IN (SELECT value FROM json_each("
            ))
            .push_bind(case_ids.to_owned())
            .push("))");
        });
    }

    /// One statement, written by `write`.
    pub(super) fn statement(&mut self, write: impl FnOnce(&mut QueryBuilder<Sqlite>)) {
        write(&mut self.sql);
        self.end_statement();
    }

    fn end_statement(&mut self) {
        self.sql.push(";\n");
        self.statements += 1;
    }

    /// Sends the queued statements, if any, in one round trip.
    pub(super) async fn execute(
        mut self,
        connection: &mut SqliteConnection,
    ) -> Result<(), sqlx::Error> {
        if self.statements > 0 {
            self.sql
                .build()
                .persistent(false)
                .execute(connection)
                .await?;
        }
        Ok(())
    }
}

/// One batch inside its `BEGIN IMMEDIATE` transaction: the head read, the
/// appended cases read, every write checked, case numbers taken for the new
/// cases that passed, and everything written in multi-row statements.
async fn write_batch(
    connection: &mut SqliteConnection,
    writes: &[Write],
    match_key: &OnceLock<Vec<u8>>,
) -> Result<Vec<Answer>, StoreError> {
    // The chain head and the log's size in one round trip.
    let (head_seq, head_hash, log_size): (Option<i64>, Option<Vec<u8>>, i64) = sqlx::query_as(
        "SELECT (SELECT seq FROM case_events ORDER BY seq DESC LIMIT 1), \
         (SELECT hash FROM case_events ORDER BY seq DESC LIMIT 1), \
         (SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves)",
    )
    .fetch_one(&mut *connection)
    .await?;
    let head = match (head_seq, head_hash) {
        (Some(seq), Some(hash)) => (seq as u64, hash_array(&hash)?),
        _ => (0, GENESIS),
    };
    let log_size = log_size as u64;
    let case_ids = batch::existing_cases(writes);
    let mut loaded = if case_ids.is_empty() {
        BTreeMap::new()
    } else {
        let case_ids = serde_json::to_string(&case_ids)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT case_id, case_version, seq, payload FROM case_events \
             WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, case_version",
        )
        .bind(case_ids)
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
            "INSERT INTO case_numbers (year, last) VALUES (?, ?) \
             ON CONFLICT (year) DO UPDATE SET last = last + excluded.last RETURNING last",
        )
        .bind(i64::from(year))
        .bind(count)
        .fetch_one(&mut *connection)
        .await?;
        first_numbers.insert(year, last - count + 1);
    }
    let sealed = batch::seal(writes, checked, head, log_size, first_numbers)?;
    if sealed.is_empty() {
        return Ok(sealed.answers);
    }
    // The events on their own: a unique violation here, and only here, is
    // another writer's win.
    let mut events = Queued::new();
    events.rows(
        "INSERT INTO case_events (seq, case_id, case_version, event_type, payload, actor, \
         recorded_at, prev_hash, hash) ",
        &sealed.entries,
        "",
        |row, (entry, case_version)| {
            row.push_bind(entry.seq as i64)
                .push_bind(entry.case_id.as_str())
                .push_bind(*case_version as i64)
                .push_bind(entry.event_type.as_str())
                .push_bind(entry.payload.as_str())
                .push_bind(entry.actor.as_str())
                .push_bind(entry.recorded_at.as_str())
                .push_bind(entry.prev_hash.as_slice())
                .push_bind(entry.hash.as_slice());
        },
    );
    events
        .execute(&mut *connection)
        .await
        .map_err(|error| match &error {
            // SQLite reports no constraint names; under BEGIN IMMEDIATE the
            // seq cannot collide, so a unique violation here is the per-case
            // version (case_events_version_unique): another writer won.
            sqlx::Error::Database(database) if database.is_unique_violation() => {
                StoreError::Conflict
            }
            _ => StoreError::Database(error),
        })?;
    // Everything else in one round trip.
    let mut queued = Queued::new();
    queued.rows(
        "INSERT INTO log_leaves (idx, entry, leaf_hash, seq) ",
        &sealed.leaves,
        "",
        |row, leaf| {
            row.push_bind(leaf.index as i64)
                .push_bind(leaf.entry.as_slice())
                .push_bind(leaf.leaf_hash.as_slice())
                .push_bind(leaf.seq as i64);
        },
    );
    write_models(
        connection,
        &mut queued,
        &sealed.replaced,
        &sealed.models,
        &match_key,
    )
    .await?;
    queued.rows(
        "INSERT INTO jobs (kind, case_id, payload, run_at, created_at, updated_at) ",
        &sealed.jobs,
        "",
        |row, (case_id, job, now)| {
            row.push_bind(job.kind.as_str())
                .push_bind(case_id.as_str())
                .push_bind(job.payload.as_str())
                .push_bind(millis(job.run_at))
                .push_bind(millis(*now))
                .push_bind(millis(*now));
        },
    );
    queued.execute(connection).await?;
    Ok(sealed.answers)
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

/// Rewrites the read models of the cases in `models` (`rows::ReadModel`
/// decides what; this writes it in SQLite's dialect), a few multi-row
/// statements per table for all of them. The rows of the `replaced` cases
/// are deleted first; a new case has none.
async fn write_models(
    connection: &mut SqliteConnection,
    queued: &mut Queued,
    replaced: &[String],
    models: &[(String, ReadModel)],
    match_key: &[u8],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        let replaced = serde_json::to_string(replaced)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        for table in [
            "case_deadlines",
            "case_orders",
            "case_resources",
            "case_actors",
            "case_incidents",
            "case_evidence",
        ] {
            queued.delete_cases(table, &replaced);
        }
    }
    queued.rows(
        "INSERT INTO cases (case_id, regime, language, phase, received_at, version, state) ",
        models,
        " ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, \
         version = excluded.version, state = excluded.state",
        |row, (case_id, model)| {
            row.push_bind(case_id.as_str())
                .push_bind(model.regime.as_str())
                .push_bind(model.language)
                .push_bind(model.phase)
                .push_bind(model.received_at.as_str())
                .push_bind(model.version)
                .push_bind(model.state_json.as_str());
        },
    );
    let deadlines: Vec<(&str, &PendingDeadline)> = models
        .iter()
        .flat_map(|(case_id, m)| m.deadlines.iter().map(move |d| (case_id.as_str(), d)))
        .collect();
    queued.rows(
        "INSERT INTO case_deadlines (case_id, kind, order_id, due_at, last_day, provisional) ",
        &deadlines,
        "",
        |row, (case_id, deadline)| {
            row.push_bind(*case_id)
                .push_bind(deadline.kind.as_str())
                .push_bind(deadline.order_id.as_deref())
                .push_bind(millis(deadline.due_at))
                .push_bind(deadline.last_day.map(|day| day.to_string()))
                .push_bind(deadline.provisional);
        },
    );
    let orders: Vec<(&str, &rows::OrderModel)> = models
        .iter()
        .flat_map(|(case_id, m)| m.orders.iter().map(move |o| (case_id.as_str(), o)))
        .collect();
    queued.rows(
        "INSERT INTO case_orders (order_id, case_id, owner, status, issued_at, removal_due, \
         state) ",
        &orders,
        "",
        |row, (case_id, order)| {
            row.push_bind(order.order_id.as_str())
                .push_bind(*case_id)
                .push_bind(order.owner.as_str())
                .push_bind(order.status)
                .push_bind(order.issued_at)
                .push_bind(order.removal_due)
                .push_bind(order.state_json.as_str());
        },
    );
    let resources: Vec<(&str, &str)> = models
        .iter()
        .flat_map(|(case_id, m)| {
            m.resources
                .iter()
                .map(move |key| (case_id.as_str(), key.as_str()))
        })
        .collect();
    queued.rows(
        "INSERT OR IGNORE INTO case_resources (case_id, resource_key) ",
        &resources,
        "",
        |row, (case_id, key)| {
            row.push_bind(*case_id).push_bind(*key);
        },
    );
    let actors: Vec<(&str, &str)> = models
        .iter()
        .flat_map(|(case_id, m)| {
            m.actors
                .iter()
                .map(move |key| (case_id.as_str(), key.as_str()))
        })
        .collect();
    queued.rows(
        "INSERT OR IGNORE INTO case_actors (case_id, actor_key) ",
        &actors,
        "",
        |row, (case_id, key)| {
            row.push_bind(*case_id).push_bind(*key);
        },
    );
    let incidents: Vec<(&str, &(String, Option<String>))> = models
        .iter()
        .flat_map(|(case_id, m)| m.incidents.iter().map(move |i| (case_id.as_str(), i)))
        .collect();
    queued.rows(
        "INSERT INTO case_incidents (case_id, occurred_on, resource_key) ",
        &incidents,
        "",
        |row, (case_id, (occurred_on, resource_key))| {
            row.push_bind(*case_id)
                .push_bind(occurred_on.as_str())
                .push_bind(resource_key.as_deref());
        },
    );
    let evidence: Vec<(&str, &rows::EvidenceModel)> = models
        .iter()
        .flat_map(|(case_id, m)| m.evidence.iter().map(move |e| (case_id.as_str(), e)))
        .collect();
    queued.rows(
        "INSERT INTO case_evidence (evidence_id, case_id, position, kind, url, digest, size, \
         captured_at, status, reason, log_index, original_id, attempts, retry_at, order_id, \
         removal) ",
        &evidence,
        "",
        |row, (case_id, item)| {
            row.push_bind(item.evidence_id.as_str())
                .push_bind(*case_id)
                .push_bind(item.position)
                .push_bind(item.kind)
                .push_bind(item.url.as_str())
                .push_bind(item.digest.as_deref())
                .push_bind(item.size)
                .push_bind(item.captured_at.as_deref())
                .push_bind(item.status)
                .push_bind(item.reason.as_deref())
                .push_bind(item.log_index)
                .push_bind(item.original_id.as_deref())
                .push_bind(item.attempts)
                .push_bind(item.retry_at.as_deref())
                .push_bind(item.order_id.as_deref())
                .push_bind(item.removal);
        },
    );
    stats::write_stats(connection, queued, replaced, models).await?;
    links::write_links(queued, replaced, models, match_key)?;
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
        #[serde(default)]
        removed_at: Option<Timestamp>,
        #[serde(default)]
        escalations: Vec<serde_json::Value>,
        #[serde(default)]
        escalation_paused: Option<serde_json::Value>,
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
        removed_at: order.removed_at,
        escalations: order.escalations.len() as u32,
        escalation_paused: order
            .escalation_paused
            .is_some_and(|pause| !pause.is_null()),
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

    async fn case_gauges(&self, now: Timestamp) -> Result<CaseGauges, StoreError> {
        // Counted by the database (the phases from the `cases_phase` index
        // alone): a scrape every few seconds must not read every case.
        let phases: Vec<(String, i64)> =
            sqlx::query_as("SELECT phase, COUNT(*) FROM cases GROUP BY phase")
                .fetch_all(&self.pool)
                .await?;
        let overdue: Vec<(String, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*) FILTER (WHERE due_at <= ?) FROM case_deadlines GROUP BY kind",
        )
        .bind(millis(now))
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
                 WHERE mine.case_id = ?1 \
                 UNION \
                 SELECT other_case_id FROM case_links WHERE case_id = ?1 AND active = 1 \
                 UNION \
                 SELECT case_id FROM case_links WHERE other_case_id = ?1 AND active = 1) \
             AND case_id NOT IN ( \
                 SELECT other_case_id FROM case_links WHERE case_id = ?1 AND active = 0 \
                 UNION \
                 SELECT case_id FROM case_links WHERE other_case_id = ?1 AND active = 0) \
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

    async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        // A token is a staff or an owner session, never both: one transaction
        // deletes it wherever it is.
        let mut transaction = self.pool.begin().await?;
        let staff = sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        let owners = sqlx::query("DELETE FROM owner_sessions WHERE token_hash = ?1")
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        )
        .bind(&session.token_hash)
        .bind(&session.owner)
        .bind(&session.api_key_hash)
        .bind(millis(session.created_at))
        .bind(millis(session.expires_at))
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
            "UPDATE owner_sessions SET last_seen = ?2 \
             WHERE token_hash = ?1 AND expires_at > ?2 AND last_seen > ?2 - ?3 \
             AND api_key_hash = \
                 (SELECT api_key_hash FROM resource_owners WHERE name = owner_sessions.owner) \
             RETURNING owner",
        )
        .bind(token_hash)
        .bind(millis(now))
        .bind(idle.as_millis() as i64)
        .fetch_optional(&self.pool)
        .await?;
        let Some(owner) = owner else {
            return Ok(None);
        };
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT name, display_name, api_key_hash, domains FROM resource_owners WHERE name = ?1",
        )
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        row.map(owner_from_row).transpose()
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

    async fn evidence_item(&self, evidence_id: &str) -> Result<Option<EvidenceRow>, StoreError> {
        let found: Option<rows::EvidenceRowTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM case_evidence WHERE evidence_id = ?",
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
             OR EXISTS (SELECT 1 FROM case_numbers) OR EXISTS (SELECT 1 FROM log_leaves) \
             OR EXISTS (SELECT 1 FROM jobs)",
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
        let mut checkpoints = crate::archive::CheckpointCheck::default();
        let mut jobs = 0u64;
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
            let events = load_events(&mut transaction, case_id).await?;
            let state = CaseState::replay(&events)
                .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
            let model = ReadModel::of(&state, events.len() as u64)?;
            let mut queued = Queued::new();
            write_models(
                &mut transaction,
                &mut queued,
                std::slice::from_ref(case_id),
                &[(case_id.clone(), model)],
                &match_key,
            )
            .await?;
            queued
                .execute(&mut transaction)
                .await
                .map_err(StoreError::from)?;
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
            checkpoints: checkpoints.len() as u64,
            jobs,
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

/// An archived job, queued again (or kept done/failed) under a new id.
async fn import_job(connection: &mut SqliteConnection, job: &Job) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO jobs (kind, case_id, payload, status, run_at, attempts, last_error, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&job.kind)
    .bind(job.case_id.as_deref())
    .bind(&job.payload)
    .bind(job.status.as_str())
    .bind(millis(job.run_at))
    .bind(i64::from(job.attempts))
    .bind(job.last_error.as_deref())
    .bind(millis(job.created_at))
    .bind(millis(job.created_at))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// An archived checkpoint, already checked against the rebuilt log. One of
/// the empty tree may be there already (a fresh store signs one when asked).
async fn import_checkpoint(
    connection: &mut SqliteConnection,
    checkpoint: &StoredCheckpoint,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO log_checkpoints (tree_size, root, note, signed_at) VALUES (?, ?, ?, ?) \
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
