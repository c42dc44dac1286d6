//! [`Deliveries`] on PostgreSQL.

use jiff::Timestamp;

use super::PgStore;
use crate::delivery::{
    Deliveries, OwnerContact, OwnerContactRow, StaffContact, owner_contact_from_row,
    staff_contact_from_row,
};
use crate::rows::{self, millis};
use crate::{Job, StoreError};

impl Deliveries for PgStore {
    async fn owner_contact(
        &self,
        owner: &str,
        now: Timestamp,
    ) -> Result<Option<OwnerContact>, StoreError> {
        let row: Option<OwnerContactRow> = sqlx::query_as(
            "SELECT name, email, webhook_url, webhook_secret, webhook_previous_secret, \
             webhook_previous_until FROM resource_owners WHERE name = $1",
        )
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| owner_contact_from_row(row, now)))
    }

    async fn set_owner_email(&self, owner: &str, email: Option<&str>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE resource_owners SET email = $1 WHERE name = $2")
            .bind(email)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_owner_webhook(
        &self,
        owner: &str,
        url: &str,
        secret: &str,
        previous_until: Timestamp,
    ) -> Result<bool, StoreError> {
        // One statement: the secret replaced becomes the previous one.
        let done = sqlx::query(
            "UPDATE resource_owners SET webhook_previous_secret = webhook_secret, \
             webhook_previous_until = CASE WHEN webhook_secret IS NULL THEN NULL ELSE $1 END, \
             webhook_url = $2, webhook_secret = $3 WHERE name = $4",
        )
        .bind(millis(previous_until))
        .bind(url)
        .bind(secret)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn clear_owner_webhook(&self, owner: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE resource_owners SET webhook_url = NULL, webhook_secret = NULL, \
             webhook_previous_secret = NULL, webhook_previous_until = NULL WHERE name = $1",
        )
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_staff_email(
        &self,
        username: &str,
        email: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE staff SET email = $1 WHERE username = $2")
            .bind(email)
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn staff_contacts(&self) -> Result<Vec<StaffContact>, StoreError> {
        let found: Vec<(String, String, bool, String)> = sqlx::query_as(
            "SELECT username, role, chair, email FROM staff \
             WHERE active = TRUE AND email IS NOT NULL ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(found.into_iter().map(staff_contact_from_row).collect())
    }

    async fn failed_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let found: Vec<rows::JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM jobs WHERE status = 'failed' ORDER BY updated_at DESC, id DESC LIMIT $1",
            rows::JOB_COLUMNS
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        found.into_iter().map(rows::job_row).collect()
    }

    async fn retry_job(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, \
             locked_until = NULL, updated_at = $2 WHERE id = $3 AND status = 'failed'",
        )
        .bind(millis(now))
        .bind(millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
