//! [`Statistics`] on SQLite, and the `case_stats` / `case_stats_orders`
//! read models (`stats.rs` decides the rows).

use jiff::civil::Date;
use qorgau_domain::procedure::CaseState;
use sqlx::{SqliteConnection, SqlitePool};

use super::{SqliteStore, insert_rows, load_events};
use crate::StoreError;
use crate::rows::{ReadModel, checkpoint_row};
use crate::stats::{
    self, CASE_STATS_COLUMNS, CaseStatsRow, ORDER_STATS_COLUMNS, OrderStatsRow, Statistics,
    StatsSnapshot,
};

impl Statistics for SqliteStore {
    async fn statistics_facts(
        &self,
        from: Option<Date>,
        until: Option<Date>,
    ) -> Result<StatsSnapshot, StoreError> {
        let (from, until) = stats::date_bounds(from, until);
        // One read transaction: the rows and the log as of one moment.
        let mut transaction = self.pool.begin().await?;
        // One row per day, its cases packed (`stats::facts_of_days`).
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT group_concat(line, char(10)) FROM ( \
             SELECT c.received_on AS day, c.case_id || ',' || c.received_at || ',' || c.outcome \
             || ',' || ifnull(c.category, '') || ',' || c.indicators || ',' || c.referred \
             || ',' || c.age_band || ',' || c.platforms || ',' || ifnull(c.decided_at, '') \
             || ',' || ifnull(c.decision_due, '') || ',' || c.extended || ',' || c.response_due \
             || ',' || ifnull(c.response_sent_at, '') || ',' || ifnull(c.first_incident_on, '') \
             || ',' || ifnull((SELECT group_concat(o.owner || ' ' || o.position || ' ' \
             || o.issued_at || ' ' || ifnull(o.delivered_at, '-') || ' ' \
             || ifnull(o.removal_due, '-') || ' ' || ifnull(o.removal_reported_at, '-') || ' ' \
             || ifnull(o.removed_at, '-') || ' ' || o.not_complied, ';') \
             FROM case_stats_orders o \
             WHERE o.received_on = c.received_on AND o.case_id = c.case_id), '') AS line \
             FROM case_stats c WHERE c.received_on >= ?1 AND c.received_on < ?2) \
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
    connection: &mut SqliteConnection,
    replaced: &[String],
    models: &[(String, ReadModel)],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        let replaced = serde_json::to_string(replaced)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        for table_delete in [
            "DELETE FROM case_stats_orders WHERE case_id IN (SELECT value FROM json_each(?))",
            "DELETE FROM case_stats WHERE case_id IN (SELECT value FROM json_each(?))",
        ] {
            sqlx::query(table_delete)
                .bind(&replaced)
                .execute(&mut *connection)
                .await?;
        }
    }
    let cases: Vec<CaseStatsRow> = models
        .iter()
        .map(|(case_id, model)| stats::case_row(case_id, &model.stats))
        .collect();
    let orders: Vec<OrderStatsRow> = models
        .iter()
        .flat_map(|(case_id, model)| stats::order_rows(case_id, &model.stats))
        .collect();
    insert_rows(
        connection,
        &format!("INSERT INTO case_stats ({CASE_STATS_COLUMNS}) "),
        &cases,
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
    )
    .await?;
    insert_rows(
        connection,
        &format!("INSERT INTO case_stats_orders ({ORDER_STATS_COLUMNS}) "),
        &orders,
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
    )
    .await?;
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
        write_stats(&mut transaction, &[], &[(case_id, model)]).await?;
    }
    transaction.commit().await?;
    Ok(())
}
