//! What delivery needs from the store: where resource owners and staff are
//! reached (e-mail, a signed webhook), and the dead-letter list of deliveries
//! given up. A supertrait of [`Store`](crate::Store), so every store has it.

use std::future::Future;

use jiff::Timestamp;

use crate::{AnyStore, Job, StaffRole, StoreError};

/// Where a resource owner is reached besides its portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerContact {
    pub name: String,
    pub email: Option<String>,
    pub webhook: Option<WebhookEndpoint>,
}

/// A registered webhook endpoint and the secrets that sign for it: the
/// current one first, then the previous one while its grace period lasts.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub url: String,
    pub secrets: Vec<String>,
}

impl std::fmt::Debug for WebhookEndpoint {
    // The secrets sign deliveries; they never reach a log.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WebhookEndpoint")
            .field("url", &self.url)
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

/// A staff member who gave an address for reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffContact {
    pub username: String,
    pub role: StaffRole,
    pub chair: bool,
    pub email: String,
}

pub trait Deliveries {
    /// The owner's addresses at `now` (a previous webhook secret past its
    /// grace period is left out); `None` for an unknown owner.
    fn owner_contact(
        &self,
        owner: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<OwnerContact>, StoreError>> + Send;

    /// Sets or clears the owner's e-mail address; false for an unknown owner.
    fn set_owner_email(
        &self,
        owner: &str,
        email: Option<&str>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Registers the owner's webhook endpoint with a new secret. The secret
    /// it replaces keeps signing beside it until `previous_until`, so the
    /// receiver can switch without losing a delivery. False for an unknown
    /// owner.
    fn set_owner_webhook(
        &self,
        owner: &str,
        url: &str,
        secret: &str,
        previous_until: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Forgets the owner's webhook endpoint and its secrets (the receiver
    /// answered 410 Gone); the owner registers again to receive webhooks.
    fn clear_owner_webhook(
        &self,
        owner: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Sets or clears a staff member's e-mail address; false when unknown.
    fn set_staff_email(
        &self,
        username: &str,
        email: Option<&str>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Active staff members with an e-mail address.
    fn staff_contacts(&self) -> impl Future<Output = Result<Vec<StaffContact>, StoreError>> + Send;

    /// Jobs given up (the dead-letter list), newest first.
    fn failed_jobs(&self, limit: u32) -> impl Future<Output = Result<Vec<Job>, StoreError>> + Send;

    /// Queues a job given up again, due now, with a fresh count of attempts.
    /// False when there is no such job or it was not given up.
    fn retry_job(
        &self,
        id: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

macro_rules! forward {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Deliveries for AnyStore {
    async fn owner_contact(
        &self,
        owner: &str,
        now: Timestamp,
    ) -> Result<Option<OwnerContact>, StoreError> {
        forward!(self, store => store.owner_contact(owner, now))
    }

    async fn set_owner_email(&self, owner: &str, email: Option<&str>) -> Result<bool, StoreError> {
        forward!(self, store => store.set_owner_email(owner, email))
    }

    async fn set_owner_webhook(
        &self,
        owner: &str,
        url: &str,
        secret: &str,
        previous_until: Timestamp,
    ) -> Result<bool, StoreError> {
        forward!(self, store => store.set_owner_webhook(owner, url, secret, previous_until))
    }

    async fn clear_owner_webhook(&self, owner: &str) -> Result<bool, StoreError> {
        forward!(self, store => store.clear_owner_webhook(owner))
    }

    async fn set_staff_email(
        &self,
        username: &str,
        email: Option<&str>,
    ) -> Result<bool, StoreError> {
        forward!(self, store => store.set_staff_email(username, email))
    }

    async fn staff_contacts(&self) -> Result<Vec<StaffContact>, StoreError> {
        forward!(self, store => store.staff_contacts())
    }

    async fn failed_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        forward!(self, store => store.failed_jobs(limit))
    }

    async fn retry_job(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        forward!(self, store => store.retry_job(id, now))
    }
}

/// The owner's row as both stores read it.
pub(crate) type OwnerContactRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

pub(crate) fn owner_contact_from_row(row: OwnerContactRow, now: Timestamp) -> OwnerContact {
    let (name, email, url, secret, previous, previous_until) = row;
    let webhook = url.zip(secret).map(|(url, secret)| {
        let mut secrets = vec![secret];
        if let (Some(previous), Some(until)) = (previous, previous_until)
            && crate::rows::millis(now) < until
        {
            secrets.push(previous);
        }
        WebhookEndpoint { url, secrets }
    });
    OwnerContact {
        name,
        email,
        webhook,
    }
}

pub(crate) fn staff_contact_from_row(
    (username, role, chair, email): (String, String, bool, String),
) -> StaffContact {
    StaffContact {
        username,
        role: crate::rows::staff_role(&role),
        chair,
        email,
    }
}
