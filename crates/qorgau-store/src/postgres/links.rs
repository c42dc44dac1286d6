//! [`Links`] on PostgreSQL, and the `case_links` / `case_children` read models.

use std::sync::{LazyLock, OnceLock};

use qorgau_domain::application::Child;
use qorgau_domain::linking::child_match_keys;
use qorgau_domain::procedure::LinkCandidate;
use sqlx::PgConnection;

use super::{PgStore, Queued};
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
/// batch: `(kind, case_id, key)` rows, kind `actor`, `child` or `resource`,
/// of the cases that name one of `actor_keys` or `resource_keys` or whose
/// child has one of `child_keys` — for each key only its most recent cases,
/// as many as `automatic_links` can link for its kind, with every key of the
/// lookup each of them shares. It runs under the write lock, so its cost must
/// not grow with a key's popularity: each key's cases are read from the end
/// of its `(key, case_id)` index (migration 0012) and the read stops there.
pub(super) async fn candidate_rows(
    connection: &mut PgConnection,
    actor_keys: &[String],
    child_keys: &[String],
    resource_keys: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    static LOOKUP: LazyLock<String> = LazyLock::new(|| {
        let most_recent = |table: &str, column: &str, keys: &str, limit: &str| {
            format!(
                "SELECT found.case_id FROM unnest({keys}::text[]) AS wanted (key) \
                 CROSS JOIN LATERAL (SELECT case_id FROM {table} \
                 WHERE {column} = wanted.key ORDER BY case_id DESC LIMIT {limit}) AS found"
            )
        };
        // Then every key of the lookup that each picked case shares, by its
        // primary key. `OFFSET 0` keeps the subquery per picked case: folded
        // into a join, the planner read every row of a popular key and
        // hashed it against the picked cases (7.8 ms at 12,000 rows,
        // against 0.3 ms).
        let shared = |kind: &str, table: &str, column: &str, keys: &str| {
            format!(
                "SELECT '{kind}', found.case_id, found.{column} FROM picked \
                 CROSS JOIN LATERAL (SELECT case_id, {column} FROM {table} \
                 WHERE case_id = picked.case_id AND {column} = ANY({keys}) OFFSET 0) AS found"
            )
        };
        format!(
            "WITH picked AS ({} UNION {} UNION {}) \
             {} UNION ALL {} UNION ALL {} ORDER BY 2, 3",
            most_recent("case_actors", "actor_key", "$1", "$4"),
            most_recent("case_children", "child_key", "$2", "$5"),
            most_recent("case_resources", "resource_key", "$3", "$6"),
            shared("actor", "case_actors", "actor_key", "$1"),
            shared("child", "case_children", "child_key", "$2"),
            shared("resource", "case_resources", "resource_key", "$3"),
        )
    });
    let [actor_cap, child_cap, resource_cap] = links::LOOKUP_CAPS;
    let rows: Vec<(String, String, String)> = sqlx::query_as(LOOKUP.as_str())
        .bind(actor_keys)
        .bind(child_keys)
        .bind(resource_keys)
        .bind(actor_cap)
        .bind(child_cap)
        .bind(resource_cap)
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
    queued: &mut Queued,
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
        queued
            .query(
                "INSERT INTO case_links (case_id, other_case_id, active, link) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BOOLEAN[], $4::TEXT[])",
            )
            .bind(case_ids)
            .bind(others)
            .bind(actives)
            .bind(jsons)
            .queue();
    }
    let children = links::child_rows(models, key);
    if !children.is_empty() {
        let (case_ids, child_keys): (Vec<String>, Vec<String>) = children.into_iter().unzip();
        queued
            .query(
                "INSERT INTO case_children (case_id, child_key) \
             SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[]) ON CONFLICT DO NOTHING",
            )
            .bind(case_ids)
            .bind(child_keys)
            .queue();
    }
    Ok(())
}
