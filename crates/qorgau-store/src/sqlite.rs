//! The embedded store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous = FULL` syncs the WAL on every commit, so a
//! transaction that returned has reached the disk ("nothing accepted is lost",
//! PRODUCT.md). Writes take the database's write lock up front (`BEGIN
//! IMMEDIATE`), so the chain head read inside a write cannot be stale.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::procedure::DeadlineKind;
use qorgau_domain::procedure::{CaseEvent, CasePhase, CaseState, IncidentKey, PendingDeadline};
use qorgau_domain::record::{ChainSummary, ChainVerifier, GENESIS, RecordEntry, canonical_json};
use qorgau_domain::regime::Regimes;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::{
    CaseSummary, DeadlineRow, StaffMember, StaffRole, Store, StoreError, StoredCase, TimelineEntry,
    VerifyError,
};

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "qorgau.sqlite";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

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
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|error| StoreError::Schema(error.to_string()))?;
        Ok(SqliteStore { pool, path })
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

fn millis(instant: Timestamp) -> i64 {
    instant.as_millisecond()
}

fn from_millis(value: i64) -> Timestamp {
    Timestamp::from_millisecond(value).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn hash_array(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored hash is not 32 bytes".to_owned()))
}

fn encode(event: &CaseEvent) -> Result<String, StoreError> {
    canonical_json(event).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn decode(payload: &str, seq: i64) -> Result<CaseEvent, StoreError> {
    serde_json::from_str(payload)
        .map_err(|error| StoreError::Corrupt(format!("event {seq} does not parse: {error}")))
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
            sqlx::Error::Database(database)
                if database
                    .message()
                    .contains("case_events.case_id, case_events.case_version") =>
            {
                StoreError::Conflict
            }
            _ => StoreError::Database(error),
        })?;
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

/// Rewrites the read models of one case from its folded state.
async fn project(
    transaction: &mut Transaction<'static, Sqlite>,
    case_id: &str,
    version: u64,
    state: &CaseState,
) -> Result<(), StoreError> {
    let state_json =
        serde_json::to_string(state).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    sqlx::query(
        "INSERT INTO cases (case_id, regime, language, phase, received_at, version, state) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (case_id) DO UPDATE SET phase = excluded.phase, \
         version = excluded.version, state = excluded.state",
    )
    .bind(case_id)
    .bind(&state.regime)
    .bind(state.application.language.tag())
    .bind(state.phase.as_str())
    .bind(state.received_at.to_string())
    .bind(version as i64)
    .bind(&state_json)
    .execute(&mut **transaction)
    .await?;

    for table_delete in [
        "DELETE FROM case_deadlines WHERE case_id = ?",
        "DELETE FROM case_resources WHERE case_id = ?",
        "DELETE FROM case_actors WHERE case_id = ?",
        "DELETE FROM case_incidents WHERE case_id = ?",
    ] {
        sqlx::query(table_delete)
            .bind(case_id)
            .execute(&mut **transaction)
            .await?;
    }
    let ladder = Regimes::embedded()
        .get(&state.regime)
        .map(|regime| regime.escalation.clone())
        .unwrap_or_default();
    for deadline in state.pending_deadlines(&ladder) {
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
    for resource in &state.application.resources {
        sqlx::query("INSERT OR IGNORE INTO case_resources (case_id, resource_key) VALUES (?, ?)")
            .bind(case_id)
            .bind(&resource.key)
            .execute(&mut **transaction)
            .await?;
    }
    for incident in &state.application.incidents {
        sqlx::query(
            "INSERT INTO case_incidents (case_id, occurred_on, resource_key) VALUES (?, ?, ?)",
        )
        .bind(case_id)
        .bind(incident.occurred_on.to_string())
        .bind(incident.resource_key.as_deref())
        .execute(&mut **transaction)
        .await?;
        if let Some(actor_key) = &incident.actor_key {
            sqlx::query("INSERT OR IGNORE INTO case_actors (case_id, actor_key) VALUES (?, ?)")
                .bind(case_id)
                .bind(actor_key)
                .execute(&mut **transaction)
                .await?;
        }
    }
    Ok(())
}

fn deadline_kind(text: &str) -> Option<DeadlineKind> {
    [
        DeadlineKind::Decision,
        DeadlineKind::ExtensionNotice,
        DeadlineKind::Response,
        DeadlineKind::Removal,
        DeadlineKind::Escalation,
    ]
    .into_iter()
    .find(|kind| kind.as_str() == text)
}

fn staff_from_row(row: (String, String, String, bool, bool)) -> StaffMember {
    let (username, display_name, role, chair, active) = row;
    StaffMember {
        username,
        display_name,
        role: if role == "expert" {
            StaffRole::Expert
        } else {
            StaffRole::Coordinator
        },
        chair,
        active,
    }
}

impl Store for SqliteStore {
    async fn create_case(
        &self,
        year: i16,
        events: &[CaseEvent],
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

    async fn append(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
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
                 ORDER BY d.due_at, d.case_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(case_id, phase, kind, order_id, due_at, last_day, provisional)| {
                    let kind = deadline_kind(&kind).ok_or_else(|| {
                        StoreError::Corrupt(format!("unknown deadline kind {kind}"))
                    })?;
                    let last_day = match last_day {
                        Some(text) => Some(
                            text.parse()
                                .map_err(|_| StoreError::Corrupt(format!("bad date {text}")))?,
                        ),
                        None => None,
                    };
                    Ok(DeadlineRow {
                        case_id,
                        phase,
                        deadline: PendingDeadline {
                            kind,
                            due_at: from_millis(due_at),
                            last_day,
                            order_id,
                            provisional,
                        },
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
             ORDER BY occurred_on",
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
        Ok(row.map(staff_from_row))
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let rows: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
            "SELECT username, display_name, role, chair, active FROM staff ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(staff_from_row).collect())
    }
}
