//! [`Statistics`] on PostgreSQL, and the `case_stats` / `case_stats_orders`
//! read models (`stats.rs` decides the rows).

use std::collections::BTreeMap;

use jiff::civil::Date;
use qorgau_domain::procedure::CaseState;
use qorgau_domain::statistics::{CaseFacts, Tally};
use sqlx::{PgConnection, PgPool};

use super::{PgStore, Queued, load_events};
use crate::rows::{ReadModel, checkpoint_row};
use crate::stats::{
    self, CASE_STATS_COLUMNS, CaseStatsRow, ORDER_STATS_COLUMNS, OrderStatsRow, Statistics,
    StatsSnapshot, TallyChanges, TallyCheck, TallySnapshot,
};
use crate::{StoreError, StoredCheckpoint};

impl Statistics for PgStore {
    async fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<StatsSnapshot, StoreError> {
        // One read transaction: the rows and the log as of one moment.
        let mut transaction = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *transaction)
            .await?;
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
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *transaction)
            .await?;
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
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *transaction)
            .await?;
        let facts = read_facts(&mut transaction, None, None).await?;
        let stored = read_tallies(&mut transaction, None, None).await?;
        transaction.commit().await?;
        Ok(stats::check_tallies(&facts, &stored))
    }
}

/// The facts of the cases received `from` .. `until`, one row per day
/// with its cases packed (`stats::facts_of_days`).
async fn read_facts(
    connection: &mut PgConnection,
    from: Option<Date>,
    until: Option<Date>,
) -> Result<Vec<CaseFacts>, StoreError> {
    let (from, until) = stats::date_bounds(from, until);
    let days: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT string_agg(line, E'\\n') FROM ( \
         SELECT c.received_on AS day, {CASE_LINE} AS line \
         FROM case_stats c WHERE c.received_on >= $1 AND c.received_on < $2) AS lines \
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
    connection: &mut PgConnection,
    from: Option<Date>,
    until: Option<Date>,
) -> Result<BTreeMap<Date, Tally>, StoreError> {
    let (from, until) = stats::date_bounds(from, until);
    let counts: Vec<(String, String)> = sqlx::query_as(
        "SELECT received_on, string_agg(count || ' ' || item, E'\\n') FROM stats_tally \
         WHERE received_on >= $1 AND received_on < $2 GROUP BY received_on",
    )
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *connection)
    .await?;
    let durations: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT received_on, kind, seconds FROM stats_tally_durations \
         WHERE received_on >= $1 AND received_on < $2",
    )
    .bind(&from)
    .bind(&until)
    .fetch_all(&mut *connection)
    .await?;
    stats::tallies_of_rows(counts, durations)
}

/// A case's `case_stats` row and its orders as one line
/// (`stats::facts_of_days`), from `case_stats c`.
const CASE_LINE: &str = "concat_ws(',', c.case_id, c.received_at, c.outcome, \
    coalesce(c.category, ''), c.indicators, CASE WHEN c.referred THEN '1' ELSE '0' END, \
    c.age_band, c.platforms, coalesce(c.decided_at::TEXT, ''), \
    coalesce(c.decision_due::TEXT, ''), CASE WHEN c.extended THEN '1' ELSE '0' END, \
    c.response_due, coalesce(c.response_sent_at::TEXT, ''), \
    coalesce(c.first_incident_on, ''), coalesce((SELECT string_agg(concat_ws(' ', \
    o.owner, o.position, o.issued_at, coalesce(o.delivered_at::TEXT, '-'), \
    coalesce(o.removal_due::TEXT, '-'), coalesce(o.removal_reported_at::TEXT, '-'), \
    coalesce(o.removed_at::TEXT, '-'), CASE WHEN o.not_complied THEN '1' ELSE '0' END), \
    ';') FROM case_stats_orders o \
    WHERE o.received_on = c.received_on AND o.case_id = c.case_id), ''))";

/// The log's size and latest checkpoint, in the reading transaction.
async fn log_position(
    connection: &mut PgConnection,
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

/// Rewrites `case_stats` and `case_stats_orders` for the cases written (the
/// rows of the `replaced` ones deleted first), in the write's transaction,
/// after their `cases` rows.
pub(super) async fn write_stats(
    connection: &mut PgConnection,
    queued: &mut Queued,
    replaced: &[String],
    models: &[(String, ReadModel)],
) -> Result<(), StoreError> {
    let mut before = Vec::new();
    if !replaced.is_empty() {
        // The facts the tallies hold for these cases, to take off.
        let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_LINE} FROM case_stats c WHERE c.case_id = ANY($1)"
        )))
        .bind(replaced)
        .fetch_all(&mut *connection)
        .await?;
        before = stats::facts_of_days(lines)?;
        for table_delete in [
            "DELETE FROM case_stats_orders WHERE case_id = ANY($1)",
            "DELETE FROM case_stats WHERE case_id = ANY($1)",
        ] {
            sqlx::query(table_delete)
                .bind(replaced)
                .execute(&mut *connection)
                .await?;
        }
    }
    if models.is_empty() {
        return change_tallies(connection, queued, &stats::tally_changes(&before, [])).await;
    }
    let cases: Vec<CaseStatsRow> = models
        .iter()
        .map(|(case_id, model)| stats::case_row(case_id, &model.stats))
        .collect();
    queued
        .query(format!(
            "INSERT INTO case_stats ({CASE_STATS_COLUMNS}) SELECT * FROM UNNEST($1::TEXT[], \
         $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BOOLEAN[], \
         $8::TEXT[], $9::TEXT[], $10::BIGINT[], $11::BIGINT[], $12::BOOLEAN[], $13::BIGINT[], \
         $14::BIGINT[], $15::TEXT[])"
        ))
        .bind(cases.iter().map(|c| c.0.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.1).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.2.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.3.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.4.as_deref()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.5.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.6).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.7.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.8.as_str()).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.9).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.10).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.11).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.12).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.13).collect::<Vec<_>>())
        .bind(cases.iter().map(|c| c.14.as_deref()).collect::<Vec<_>>())
        .queue();
    let orders: Vec<OrderStatsRow> = models
        .iter()
        .flat_map(|(case_id, model)| stats::order_rows(case_id, &model.stats))
        .collect();
    if !orders.is_empty() {
        queued
            .query(format!(
                "INSERT INTO case_stats_orders ({ORDER_STATS_COLUMNS}) SELECT * FROM UNNEST( \
             $1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[], $6::BIGINT[], \
             $7::BIGINT[], $8::BIGINT[], $9::BIGINT[], $10::BOOLEAN[])"
            ))
            .bind(orders.iter().map(|o| o.0.as_str()).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.1).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.2.as_str()).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.3.as_str()).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.4).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.5).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.6).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.7).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.8).collect::<Vec<_>>())
            .bind(orders.iter().map(|o| o.9).collect::<Vec<_>>())
            .queue();
    }
    let after = models.iter().map(|(_, model)| &model.stats);
    change_tallies(connection, queued, &stats::tally_changes(&before, after)).await
}

/// Queues a write's changes to `stats_tally` and `stats_tally_durations`
/// (the stored runs of durations are read on `connection` first). A change
/// that takes off can leave a zero count to delete after the upsert, which
/// a queued item could not see: those (never intake's) run at once.
async fn change_tallies(
    connection: &mut PgConnection,
    queued: &mut Queued,
    changes: &TallyChanges,
) -> Result<(), StoreError> {
    if !changes.counts.is_empty() {
        let takes_off = changes.counts.iter().any(|(_, _, change)| *change < 0);
        let mut now = Queued::new();
        let upsert = if takes_off { &mut now } else { &mut *queued };
        upsert
            .query(
                "INSERT INTO stats_tally (received_on, item, count) \
                 SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BIGINT[]) \
                 ON CONFLICT (received_on, item) \
                 DO UPDATE SET count = stats_tally.count + EXCLUDED.count",
            )
            .bind(
                changes
                    .counts
                    .iter()
                    .map(|c| c.0.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                changes
                    .counts
                    .iter()
                    .map(|c| c.1.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(changes.counts.iter().map(|c| c.2).collect::<Vec<_>>())
            .queue();
        if takes_off {
            now.execute(&mut *connection).await?;
            sqlx::query("DELETE FROM stats_tally WHERE count = 0")
                .execute(&mut *connection)
                .await?;
        }
    }
    if changes.durations.is_empty() {
        return Ok(());
    }
    let days: Vec<&str> = changes.durations.iter().map(|c| c.day.as_str()).collect();
    let stored: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT received_on, kind, seconds FROM stats_tally_durations \
         WHERE received_on = ANY($1)",
    )
    .bind(days)
    .fetch_all(&mut *connection)
    .await?;
    for (day, kind, run) in stats::changed_runs(stored, &changes.durations)? {
        match run {
            None => queued
                .query("DELETE FROM stats_tally_durations WHERE received_on = $1 AND kind = $2")
                .bind(day)
                .bind(kind)
                .queue(),
            Some(run) => queued
                .query(
                    "INSERT INTO stats_tally_durations (received_on, kind, seconds) \
                     VALUES ($1, $2, $3) \
                     ON CONFLICT (received_on, kind) DO UPDATE SET seconds = EXCLUDED.seconds",
                )
                .bind(day)
                .bind(kind)
                .bind(run)
                .queue(),
        }
    }
    Ok(())
}

/// The migration that made the tallies: applying it sums them afresh.
pub(super) const TALLY_MIGRATION: i64 = 8;

/// A migration after which the tallies are summed afresh: 0008 made them,
/// 0009 added each owner's run of removal times (`removal:OWNER`).
pub(super) const TALLY_MIGRATIONS: [i64; 2] = [TALLY_MIGRATION, 9];

/// Sums the tallies afresh from `case_stats` (when migration 0008 is
/// applied), under the chain head's lock so no write changes them meanwhile.
pub(super) async fn rebuild(pool: &PgPool) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT 1 FROM chain_head FOR UPDATE")
        .execute(&mut *transaction)
        .await?;
    for table in [
        "DELETE FROM stats_tally",
        "DELETE FROM stats_tally_durations",
    ] {
        sqlx::query(table).execute(&mut *transaction).await?;
    }
    let days: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT string_agg(line, E'\\n') FROM ( \
         SELECT c.received_on AS day, {CASE_LINE} AS line FROM case_stats c) AS lines \
         GROUP BY day"
    )))
    .fetch_all(&mut *transaction)
    .await?;
    let facts = stats::facts_of_days(days)?;
    let mut queued = Queued::new();
    change_tallies(
        &mut transaction,
        &mut queued,
        &stats::tally_changes(&[], &facts),
    )
    .await?;
    queued.execute(&mut transaction).await?;
    transaction.commit().await?;
    Ok(())
}

/// Gives every case recorded before migration 0007 its statistics rows,
/// folded from its events (run once, by `qorgau migrate`).
pub(super) async fn backfill(pool: &PgPool) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
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
