//! [`Statistics`] on PostgreSQL, and the `case_stats` / `case_stats_orders`
//! read models (`stats.rs` decides the rows).

use jiff::civil::Date;
use qorgau_domain::procedure::CaseState;
use sqlx::{PgConnection, PgPool};

use super::{PgStore, load_events};
use crate::StoreError;
use crate::rows::{ReadModel, checkpoint_row};
use crate::stats::{
    self, CASE_STATS_COLUMNS, CaseStatsRow, ORDER_STATS_COLUMNS, OrderStatsRow, Statistics,
    StatsSnapshot,
};

impl Statistics for PgStore {
    async fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<StatsSnapshot, StoreError> {
        let (from, until) = stats::date_bounds(from, until);
        // One snapshot: the rows and the log as of one moment.
        let mut transaction = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *transaction)
            .await?;
        // One row per day, its cases packed (`stats::facts_of_days`).
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT string_agg(line, E'\\n') FROM ( \
             SELECT c.received_on AS day, concat_ws(',', c.case_id, c.received_at, c.outcome, \
             coalesce(c.category, ''), c.indicators, CASE WHEN c.referred THEN '1' ELSE '0' END, \
             c.age_band, c.platforms, coalesce(c.decided_at::TEXT, ''), \
             coalesce(c.decision_due::TEXT, ''), CASE WHEN c.extended THEN '1' ELSE '0' END, \
             c.response_due, coalesce(c.response_sent_at::TEXT, ''), \
             coalesce(c.first_incident_on, ''), coalesce((SELECT string_agg(concat_ws(' ', \
             o.owner, o.position, o.issued_at, coalesce(o.delivered_at::TEXT, '-'), \
             coalesce(o.removal_due::TEXT, '-'), coalesce(o.removal_reported_at::TEXT, '-'), \
             coalesce(o.removed_at::TEXT, '-'), CASE WHEN o.not_complied THEN '1' ELSE '0' END), \
             ';') FROM case_stats_orders o \
             WHERE o.received_on = c.received_on AND o.case_id = c.case_id), '')) AS line \
             FROM case_stats c WHERE c.received_on >= $1 AND c.received_on < $2) AS lines \
             GROUP BY day ORDER BY day",
        )
        .bind(&from)
        .bind(&until)
        .fetch_all(&mut *transaction)
        .await?;
        let log_size: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_leaves")
            .fetch_one(&mut *transaction)
            .await?;
        let checkpoint: Option<(i64, Vec<u8>, String, String)> = sqlx::query_as(
            "SELECT tree_size, root, note, signed_at FROM log_checkpoints \
             ORDER BY tree_size DESC LIMIT 1",
        )
        .fetch_optional(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(StatsSnapshot {
            cases: stats::facts_of_days(days)?,
            log_size: log_size as u64,
            checkpoint: checkpoint.map(checkpoint_row).transpose()?,
        })
    }
}

/// Rewrites `case_stats` and `case_stats_orders` for the cases written (the
/// rows of the `replaced` ones deleted first), in the write's transaction,
/// after their `cases` rows.
pub(super) async fn write_stats(
    connection: &mut PgConnection,
    replaced: &[String],
    models: &[(String, ReadModel)],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
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
        return Ok(());
    }
    let cases: Vec<CaseStatsRow> = models
        .iter()
        .map(|(case_id, model)| stats::case_row(case_id, &model.stats))
        .collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO case_stats ({CASE_STATS_COLUMNS}) SELECT * FROM UNNEST($1::TEXT[], \
         $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BOOLEAN[], \
         $8::TEXT[], $9::TEXT[], $10::BIGINT[], $11::BIGINT[], $12::BOOLEAN[], $13::BIGINT[], \
         $14::BIGINT[], $15::TEXT[])"
    )))
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
    .execute(&mut *connection)
    .await?;
    let orders: Vec<OrderStatsRow> = models
        .iter()
        .flat_map(|(case_id, model)| stats::order_rows(case_id, &model.stats))
        .collect();
    if !orders.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO case_stats_orders ({ORDER_STATS_COLUMNS}) SELECT * FROM UNNEST( \
             $1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[], $6::BIGINT[], \
             $7::BIGINT[], $8::BIGINT[], $9::BIGINT[], $10::BOOLEAN[])"
        )))
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
        .execute(&mut *connection)
        .await?;
    }
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
        write_stats(&mut transaction, &[], &[(case_id, model)]).await?;
    }
    transaction.commit().await?;
    Ok(())
}
