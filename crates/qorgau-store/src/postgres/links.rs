//! [`Links`] on PostgreSQL, and the `case_links` / `case_children` read models.

use std::sync::OnceLock;

use qorgau_domain::application::Child;
use qorgau_domain::linking::child_match_keys;
use qorgau_domain::procedure::LinkCandidate;
use sqlx::PgConnection;

use super::PgStore;
use crate::StoreError;
use crate::links::{self, LinkRow, Links, PersonLink};
use crate::rows::ReadModel;

impl Links for PgStore {
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
             WHERE case_id = $1 OR other_case_id = $1",
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
            "SELECT case_id FROM case_actors WHERE actor_key = $1 \
             ORDER BY case_id DESC LIMIT $2",
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
    connection: &mut PgConnection,
    actor_keys: &[String],
    child_keys: &[String],
    resource_keys: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    // One round trip for both lookups.
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT 'actor', case_id, actor_key FROM case_actors WHERE actor_key = ANY($1) \
         UNION ALL SELECT 'child', case_id, child_key FROM case_children \
         WHERE child_key = ANY($2) \
         UNION ALL SELECT 'resource', case_id, resource_key FROM case_resources \
         WHERE resource_key = ANY($3) ORDER BY 2, 3",
    )
    .bind(actor_keys)
    .bind(child_keys)
    .bind(resource_keys)
    .fetch_all(connection)
    .await?;
    Ok(rows)
}

/// The key of the child hashes in `case_children`: drawn by the migration
/// that made the table and never changed, so read once per store (`cache`).
pub(super) async fn match_key(
    connection: &mut PgConnection,
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
    connection: &mut PgConnection,
    replaced: &[String],
    models: &[(String, ReadModel)],
    key: &[u8],
) -> Result<(), StoreError> {
    if !replaced.is_empty() {
        for table_delete in [
            "DELETE FROM case_links WHERE case_id = ANY($1)",
            "DELETE FROM case_children WHERE case_id = ANY($1)",
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
    let rows = links::link_rows(models)?;
    if !rows.is_empty() {
        let mut case_ids = Vec::new();
        let mut others = Vec::new();
        let mut actives = Vec::new();
        let mut jsons = Vec::new();
        for (case_id, other_case_id, active, link) in rows {
            case_ids.push(case_id);
            others.push(other_case_id);
            actives.push(active);
            jsons.push(link);
        }
        sqlx::query(
            "INSERT INTO case_links (case_id, other_case_id, active, link) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BOOLEAN[], $4::TEXT[])",
        )
        .bind(case_ids)
        .bind(others)
        .bind(actives)
        .bind(jsons)
        .execute(&mut *connection)
        .await?;
    }
    let children = links::child_rows(models, key);
    if !children.is_empty() {
        let (case_ids, child_keys): (Vec<String>, Vec<String>) = children.into_iter().unzip();
        sqlx::query(
            "INSERT INTO case_children (case_id, child_key) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[]) ON CONFLICT DO NOTHING",
        )
        .bind(case_ids)
        .bind(child_keys)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}
