//! [`Links`] on SQLite, and the `case_links` / `case_children` read models.

use std::sync::OnceLock;

use qorgau_domain::application::Child;
use qorgau_domain::linking::child_match_keys;
use qorgau_domain::procedure::LinkCandidate;
use sqlx::SqliteConnection;

use super::SqliteStore;
use crate::StoreError;
use crate::links::{self, LinkRow, Links, PersonLink};
use crate::rows::ReadModel;

impl Links for SqliteStore {
    async fn link_candidates(
        &self,
        actor_keys: &[String],
        resource_keys: &[String],
        child: &Child,
    ) -> Result<Vec<LinkCandidate>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let key = match_key(&mut connection, &self.match_key).await?;
        let child_keys = child_match_keys(child, &key);
        let rows = candidate_rows(&mut connection, actor_keys, &child_keys, resource_keys).await?;
        Ok(links::candidates(rows))
    }

    async fn case_links(&self, case_id: &str) -> Result<Vec<LinkRow>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT case_id, other_case_id, link FROM case_links \
             WHERE case_id = ?1 OR other_case_id = ?1",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        links::link_rows_of(case_id, rows)
    }

    async fn person_links(&self) -> Result<Vec<PersonLink>, StoreError> {
        // The WHERE clause is the partial index's own (migration 0011), so
        // the planner reads the link events alone, never the whole record.
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, case_id, payload FROM case_events \
             WHERE event_type IN ('actors_linked', 'actors_unlinked') ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        links::person_links_of(rows)
    }

    async fn actor_cases(&self, actor_key: &str, limit: u32) -> Result<Vec<String>, StoreError> {
        // Case numbers sort as their order of receipt (`QG-YYYY-NNNNNN`).
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT case_id FROM case_actors WHERE actor_key = ?1 \
             ORDER BY case_id DESC LIMIT ?2",
        )
        .bind(actor_key)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(case_id,)| case_id).collect())
    }
}

/// The one lookup behind automatic links, for one application or a whole
/// batch: `(kind, case_id, key)` rows, kind `actor` or `child`, of the cases
/// that name one of `actor_keys` or whose child has one of `child_keys`.
pub(super) async fn candidate_rows(
    connection: &mut SqliteConnection,
    actor_keys: &[String],
    child_keys: &[String],
    resource_keys: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    // One round trip for both lookups.
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT 'actor', case_id, actor_key FROM case_actors \
         WHERE actor_key IN (SELECT value FROM json_each(?1)) \
         UNION ALL SELECT 'child', case_id, child_key FROM case_children \
         WHERE child_key IN (SELECT value FROM json_each(?2)) \
         UNION ALL SELECT 'resource', case_id, resource_key FROM case_resources \
         WHERE resource_key IN (SELECT value FROM json_each(?3)) ORDER BY 2, 3",
    )
    .bind(links::json_list(actor_keys)?)
    .bind(links::json_list(child_keys)?)
    .bind(links::json_list(resource_keys)?)
    .fetch_all(connection)
    .await?;
    Ok(rows)
}

/// The key of the child hashes in `case_children`: drawn by the migration
/// that made the table and never changed, so read once per store (`cache`).
pub(super) async fn match_key(
    connection: &mut SqliteConnection,
    cache: &OnceLock<Vec<u8>>,
) -> Result<Vec<u8>, StoreError> {
    if let Some(key) = cache.get() {
        return Ok(key.clone());
    }
    let (key,): (Vec<u8>,) = sqlx::query_as("SELECT key FROM match_key WHERE id = 1")
        .fetch_one(connection)
        .await?;
    Ok(cache.get_or_init(|| key).clone())
}

/// Rewrites `case_links` and `case_children` for the cases written (the rows
/// of the `replaced` ones deleted first), in the write's transaction.
pub(super) async fn write_links(
    connection: &mut SqliteConnection,
    replaced: &[String],
    models: &[(String, ReadModel)],
    key: &[u8],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        let replaced = links::json_list(replaced)?;
        for table_delete in [
            "DELETE FROM case_links WHERE case_id IN (SELECT value FROM json_each(?))",
            "DELETE FROM case_children WHERE case_id IN (SELECT value FROM json_each(?))",
        ] {
            sqlx::query(table_delete)
                .bind(&replaced)
                .execute(&mut *connection)
                .await?;
        }
    }
    if models.is_empty() {
        return Ok(());
    }
    // Multi-row statements: a row per statement was a round trip to the
    // connection's thread per child key of every case of the batch.
    super::insert_rows(
        connection,
        "INSERT INTO case_links (case_id, other_case_id, active, link) ",
        &links::link_rows(models)?,
        |row, (case_id, other_case_id, active, link)| {
            row.push_bind(case_id.as_str())
                .push_bind(other_case_id.as_str())
                .push_bind(*active)
                .push_bind(link.as_str());
        },
    )
    .await?;
    super::insert_rows(
        connection,
        "INSERT OR IGNORE INTO case_children (case_id, child_key) ",
        &links::child_rows(models, key),
        |row, (case_id, child_key)| {
            row.push_bind(case_id.as_str())
                .push_bind(child_key.as_str());
        },
    )
    .await?;
    Ok(())
}
