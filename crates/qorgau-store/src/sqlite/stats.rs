//! [`Statistics`] on SQLite, and the `case_stats` / `case_stats_orders`
//! read models (`stats.rs` decides the rows).

use std::collections::BTreeMap;

use jiff::civil::Date;
use qorgau_domain::procedure::CaseState;
use qorgau_domain::statistics::{CaseFacts, Tally};
use sqlx::{SqliteConnection, SqlitePool};

use super::{Queued, SqliteStore, load_events};
use crate::rows::{ReadModel, checkpoint_row};
use crate::stats::{
    self, CASE_STATS_COLUMNS, CaseStatsRow, ORDER_STATS_COLUMNS, OrderStatsRow, Statistics,
    StatsSnapshot, TallyChanges, TallyCheck, TallySnapshot,
};
use crate::{StoreError, StoredCheckpoint};

impl Statistics for SqliteStore {
    async fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<StatsSnapshot, StoreError> {
        // One read transaction: the rows and the log as of one moment.
        let mut transaction = self.pool.begin().await?;
        let cases = read_facts(&mut transaction, from, until).await?;
        let (log_size, checkpoint) = log_position(&mut transaction).await?;
        transaction.commit().await?;
        Ok(StatsSnapshot {
            cases,
            log_size,
            checkpoint,
        })
    }

    async fn statistics_tallies(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<TallySnapshot, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let days = read_tallies(&mut transaction, from, until).await?;
        let (log_size, checkpoint) = log_position(&mut transaction).await?;
        transaction.commit().await?;
        Ok(TallySnapshot {
            days,
            log_size,
            checkpoint,
        })
    }

    async fn verify_tallies(&self) -> Result<TallyCheck, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let facts = read_facts(&mut transaction, None, None).await?;
        let stored = read_tallies(&mut transaction, None, None).await?;
        transaction.commit().await?;
        Ok(stats::check_tallies(&facts, &stored))
    }
}

/// The facts of the cases received `from` .. `until`, one row per day
/// with its cases packed (`stats::facts_of_days`).
async fn read_facts(
    connection: &mut SqliteConnection,
    from: Option<Date>,
    until: Option<Date>,
) -> Result<Vec<CaseFacts>, StoreError> {
    let (from, until) = stats::date_bounds(from, until);
    let days: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT group_concat(line, char(10)) FROM ( \
         SELECT c.received_on AS day, {CASE_LINE} AS line \
         FROM case_stats c WHERE c.received_on >= ?1 AND c.received_on < ?2) \
         GROUP BY day ORDER BY day"
    )))
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *connection)
    .await?;
    stats::facts_of_days(days)
}

/// The tallies of the days `from` .. `until`: one row of counts per day,
/// its items packed, and the runs of durations (`stats::tallies_of_rows`).
async fn read_tallies(
    connection: &mut SqliteConnection,
    from: Option<Date>,
    until: Option<Date>,
) -> Result<BTreeMap<Date, Tally>, StoreError> {
    let (from, until) = stats::date_bounds(from, until);
    let counts: Vec<(String, String)> = sqlx::query_as(
        "SELECT received_on, group_concat(count || ' ' || item, char(10)) FROM stats_tally \
         WHERE received_on >= ?1 AND received_on < ?2 GROUP BY received_on",
    )
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *connection)
    .await?;
    let durations: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT received_on, kind, seconds FROM stats_tally_durations \
         WHERE received_on >= ?1 AND received_on < ?2",
    )
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *connection)
    .await?;
    stats::tallies_of_rows(counts, durations)
}

/// A case's `case_stats` row and its orders as one line
/// (`stats::facts_of_days`), from `case_stats c`.
const CASE_LINE: &str = "c.case_id || ',' || c.received_at || ',' || c.outcome \
    || ',' || ifnull(c.category, '') || ',' || c.indicators || ',' || c.referred \
    || ',' || c.age_band || ',' || c.platforms || ',' || ifnull(c.decided_at, '') \
    || ',' || ifnull(c.decision_due, '') || ',' || c.extended || ',' || c.response_due \
    || ',' || ifnull(c.response_sent_at, '') || ',' || ifnull(c.first_incident_on, '') \
    || ',' || ifnull((SELECT group_concat(o.owner || ' ' || o.position || ' ' \
    || o.issued_at || ' ' || ifnull(o.delivered_at, '-') || ' ' \
    || ifnull(o.removal_due, '-') || ' ' || ifnull(o.removal_reported_at, '-') || ' ' \
    || ifnull(o.removed_at, '-') || ' ' || o.not_complied, ';') \
    FROM case_stats_orders o \
    WHERE o.received_on = c.received_on AND o.case_id = c.case_id), '')";

/// The log's size and latest checkpoint, in the reading transaction.
async fn log_position(
    connection: &mut SqliteConnection,
) -> Result<(u64, Option<StoredCheckpoint>), StoreError> {
    let log_size: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_leaves")
        .fetch_one(&mut *connection)
        .await?;
    let checkpoint: Option<(i64, Vec<u8>, String, String)> = sqlx::query_as(
        "SELECT tree_size, root, note, signed_at FROM log_checkpoints \
         ORDER BY tree_size DESC LIMIT 1",
    )
    .fetch_optional(&mut *connection)
    .await?;
    Ok((log_size as u64, checkpoint.map(checkpoint_row).transpose()?))
}

/// Queues the rewrite of `case_stats` and `case_stats_orders` for the cases
/// written (the rows of the `replaced` ones deleted first), in the write's
/// transaction, after their `cases` rows; what it must read (the facts to
/// take off the tallies) is read on `connection` first.
pub(super) async fn write_stats(
    connection: &mut SqliteConnection,
    queued: &mut Queued,
    replaced: &[String],
    models: &[(String, ReadModel)],
) -> Result<(), StoreError> {
    let mut before = Vec::new();
    if !replaced.is_empty() {
        let replaced = serde_json::to_string(replaced)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        // The facts the tallies hold for these cases, to take off.
        let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_LINE} FROM case_stats c \
             WHERE c.case_id IN (SELECT value FROM json_each(?))"
        )))
        .bind(&replaced)
        .fetch_all(&mut *connection)
        .await?;
        before = stats::facts_of_days(lines)?;
        queued.delete_cases("case_stats_orders", &replaced);
        queued.delete_cases("case_stats", &replaced);
    }
    let cases: Vec<CaseStatsRow> = models
        .iter()
        .map(|(case_id, model)| stats::case_row(case_id, &model.stats))
        .collect();
    let orders: Vec<OrderStatsRow> = models
        .iter()
        .flat_map(|(case_id, model)| stats::order_rows(case_id, &model.stats))
        .collect();
    queued.rows(
        &format!("INSERT INTO case_stats ({CASE_STATS_COLUMNS}) "),
        &cases,
        "",
        |row, case| {
            row.push_bind(case.0.clone())
                .push_bind(case.1)
                .push_bind(case.2.clone())
                .push_bind(case.3.clone())
                .push_bind(case.4.clone())
                .push_bind(case.5.clone())
                .push_bind(case.6)
                .push_bind(case.7.clone())
                .push_bind(case.8.clone())
                .push_bind(case.9)
                .push_bind(case.10)
                .push_bind(case.11)
                .push_bind(case.12)
                .push_bind(case.13)
                .push_bind(case.14.clone());
        },
    );
    queued.rows(
        &format!("INSERT INTO case_stats_orders ({ORDER_STATS_COLUMNS}) "),
        &orders,
        "",
        |row, order| {
            row.push_bind(order.0.clone())
                .push_bind(order.1)
                .push_bind(order.2.clone())
                .push_bind(order.3.clone())
                .push_bind(order.4)
                .push_bind(order.5)
                .push_bind(order.6)
                .push_bind(order.7)
                .push_bind(order.8)
                .push_bind(order.9);
        },
    );
    let after = models.iter().map(|(_, model)| &model.stats);
    change_tallies(connection, queued, &stats::tally_changes(&before, after)).await
}

/// Queues a write's changes to `stats_tally` and `stats_tally_durations`
/// (the stored runs of durations are read on `connection` first).
async fn change_tallies(
    connection: &mut SqliteConnection,
    queued: &mut Queued,
    changes: &TallyChanges,
) -> Result<(), StoreError> {
    queued.rows(
        "INSERT INTO stats_tally (received_on, item, count) ",
        &changes.counts,
        " ON CONFLICT (received_on, item) DO UPDATE SET count = count + excluded.count",
        |row, (day, item, change)| {
            row.push_bind(day.as_str())
                .push_bind(item.as_str())
                .push_bind(*change);
        },
    );
    // Only a change that takes off can leave a zero (intake never does).
    if changes.counts.iter().any(|(_, _, change)| *change < 0) {
        queued.statement(|sql| {
            sql.push("DELETE FROM stats_tally WHERE count = 0");
        });
    }
    if changes.durations.is_empty() {
        return Ok(());
    }
    let days: Vec<&str> = changes.durations.iter().map(|c| c.day.as_str()).collect();
    let days =
        serde_json::to_string(&days).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let stored: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT received_on, kind, seconds FROM stats_tally_durations \
         WHERE received_on IN (SELECT value FROM json_each(?))",
    )
    .bind(days)
    .fetch_all(&mut *connection)
    .await?;
    for (day, kind, run) in stats::changed_runs(stored, &changes.durations)? {
        queued.statement(|sql| match run {
            None => {
                sql.push("DELETE FROM stats_tally_durations WHERE received_on = ")
                    .push_bind(day)
                    .push(" AND kind = ")
                    .push_bind(kind);
            }
            Some(run) => {
                sql.push("INSERT INTO stats_tally_durations (received_on, kind, seconds) VALUES (")
                    .push_bind(day)
                    .push(", ")
                    .push_bind(kind)
                    .push(", ")
                    .push_bind(run)
                    .push(
                        ") ON CONFLICT (received_on, kind) DO UPDATE SET seconds = excluded.seconds",
                    );
            }
        });
    }
    Ok(())
}

/// The migration that made the tallies: applying it sums them afresh.
pub(super) const TALLY_MIGRATION: i64 = 8;

/// A migration after which the tallies are summed afresh: 0008 made them,
/// 0009 added each owner's run of removal times (`removal:OWNER`).
pub(super) const TALLY_MIGRATIONS: [i64; 2] = [TALLY_MIGRATION, 9];

impl SqliteStore {
    /// Sums the statistics tallies afresh from `case_stats`, as applying
    /// migration 0008 does (the statistics benchmark writes `case_stats`
    /// rows directly).
    pub async fn rebuild_statistics_tallies(&self) -> Result<(), StoreError> {
        rebuild(&self.pool).await
    }
}

pub(super) async fn rebuild(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    rebuild_tallies(&mut transaction).await?;
    transaction.commit().await?;
    Ok(())
}

async fn rebuild_tallies(connection: &mut SqliteConnection) -> Result<(), StoreError> {
    for table in [
        "DELETE FROM stats_tally",
        "DELETE FROM stats_tally_durations",
    ] {
        sqlx::query(table).execute(&mut *connection).await?;
    }
    let days: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT group_concat(line, char(10)) FROM ( \
         SELECT c.received_on AS day, {CASE_LINE} AS line FROM case_stats c) GROUP BY day"
    )))
    .fetch_all(&mut *connection)
    .await?;
    let facts = stats::facts_of_days(days)?;
    let mut queued = Queued::new();
    change_tallies(connection, &mut queued, &stats::tally_changes(&[], &facts)).await?;
    queued.execute(connection).await?;
    Ok(())
}

/// Gives every case recorded before migration 0007 its statistics rows,
/// folded from its events (run once, when the migration is applied).
pub(super) async fn backfill(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT case_id FROM cases WHERE case_id NOT IN (SELECT case_id FROM case_stats) \
         ORDER BY case_id",
    )
    .fetch_all(&mut *transaction)
    .await?;
    for case_id in missing {
        let events = load_events(&mut transaction, &case_id).await?;
        let state = CaseState::replay(&events)
            .map_err(|error| StoreError::Corrupt(format!("{case_id}: {error}")))?;
        let model = ReadModel::of(&state, events.len() as u64)?;
        let mut queued = Queued::new();
        write_stats(&mut transaction, &mut queued, &[], &[(case_id, model)]).await?;
        queued.execute(&mut transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}
