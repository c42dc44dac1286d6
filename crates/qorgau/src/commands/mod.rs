//! One module per command group. Each parses its arguments into domain types,
//! calls the service, and prints.

pub mod board;
pub mod calendar;
pub mod case;
pub mod chat;
pub mod demo;
pub mod iin;
pub mod linked;
pub mod log;
pub mod maintenance;
pub mod order;
pub mod owner;
pub mod receipt;
pub mod report;
pub mod serve;
pub mod staff;
pub mod survey;
pub mod verify;

use jiff::Timestamp;
use jiff::civil::Date;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, Role};
use qorgau_i18n::Localizer;
use std::path::PathBuf;
use std::sync::Arc;

use qorgau_app::evidence::{BLOBS_FOLDER, LOG_KEY_FILE, load_or_create_key};
use qorgau_app::{Evidence, EvidenceLog, EvidencePaths};
use qorgau_evidence::cas::FsBlobStore;
use qorgau_store::{AnyStore, StaffRole, Store, StoreLocation};

use crate::Session;
use crate::error::{AppError, exit};

impl Session {
    /// Renders a message in the session's language.
    pub fn say(&self, message: &Message) -> String {
        Localizer::embedded().render(self.language, message)
    }

    pub async fn open_store(&self) -> Result<AnyStore, AppError> {
        Ok(AnyStore::open(&self.store_location, false).await?)
    }

    /// The acting staff member, from `--as` / `QORGAU_USER`.
    pub async fn actor(&self, store: &AnyStore) -> Result<Actor, AppError> {
        let Some(username) = &self.acting_as else {
            return Err(AppError::bad_input(Message::new("cli-actor-required")));
        };
        let member = store.find_staff(username).await?.ok_or_else(|| {
            AppError::not_found(Message::new("cli-unknown-staff").with("user", username.as_str()))
        })?;
        if !member.active {
            return Err(AppError::bad_input(
                Message::new("cli-staff-inactive").with("user", username.as_str()),
            ));
        }
        let role = match member.role {
            StaffRole::Coordinator => Role::Coordinator,
            StaffRole::Expert => Role::Expert {
                chair: member.chair,
            },
        };
        Ok(Actor {
            name: member.username,
            role,
        })
    }
}

/// A strict `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, AppError> {
    match text.parse::<Date>() {
        Ok(date) if text.len() == 10 => Ok(date),
        _ => Err(AppError::bad_input(
            Message::new("cli-invalid-date").with("value", text),
        )),
    }
}

/// An RFC 3339 instant with an offset, e.g. `2026-12-01T09:30:00+05:00`.
pub fn parse_time(text: &str) -> Result<Timestamp, AppError> {
    text.parse::<Timestamp>()
        .map_err(|_| AppError::bad_input(Message::new("cli-invalid-time").with("value", text)))
}

/// Where evidence lives: the folders given, else beside the embedded store's
/// database, else (PostgreSQL) in the working folder.
pub fn evidence_paths(
    location: &StoreLocation,
    blobs: Option<PathBuf>,
    log_key: Option<PathBuf>,
) -> EvidencePaths {
    let (default_blobs, default_key) = match location {
        StoreLocation::Embedded(data) => (data.join(BLOBS_FOLDER), data.join(LOG_KEY_FILE)),
        StoreLocation::Postgres(_) => (
            PathBuf::from("./qorgau-blobs"),
            PathBuf::from("./qorgau-log.key"),
        ),
    };
    EvidencePaths {
        blobs: blobs.unwrap_or(default_blobs),
        log_key: log_key.unwrap_or(default_key),
    }
}

/// An evidence failure (blob store, log key) for the reader: exit 5.
pub fn evidence_error(detail: impl std::fmt::Display) -> AppError {
    AppError::Explained {
        message: Message::new("cli-evidence-error").with("detail", detail.to_string()),
        exit_code: exit::STORE,
    }
}

impl Session {
    /// Opens the blob store and loads the log key, creating both when
    /// missing (`init`, `serve`); says so when the key is new.
    pub fn open_evidence(&self, public_url: Option<&str>) -> Result<Evidence, AppError> {
        let blobs = FsBlobStore::open(&self.evidence.blobs).map_err(evidence_error)?;
        let (key, created) =
            load_or_create_key(&self.evidence.log_key, public_url).map_err(evidence_error)?;
        if created {
            println!(
                "{}",
                self.say(
                    &Message::new("cli-log-key-created")
                        .with("path", self.evidence.log_key.display().to_string())
                )
            );
        }
        Ok(Evidence {
            blobs: Arc::new(blobs),
            log: EvidenceLog::new(key),
        })
    }

    pub fn say_public_key(&self, evidence: &Evidence) -> String {
        self.say(
            &Message::new("cli-log-public-key").with("key", evidence.log.public_key().to_string()),
        )
    }
}

/// The public address from the environment (`QORGAU_PUBLIC_URL`), which
/// names the log when its key is created.
pub fn public_url_from_environment() -> Option<String> {
    std::env::var("QORGAU_PUBLIC_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

pub async fn init(session: &Session) -> Result<u8, AppError> {
    let store = AnyStore::open(&session.store_location, true).await?;
    println!(
        "{}",
        session.say(&Message::new("cli-initialized").with("path", store.describe()))
    );
    let evidence = session.open_evidence(public_url_from_environment().as_deref())?;
    println!("{}", session.say_public_key(&evidence));
    store.close().await;
    Ok(exit::OK)
}

/// A hash in lowercase hex, as the CLI prints heads and roots.
pub fn hex_head(hash: &[u8; 32]) -> String {
    hash.iter().map(|byte| format!("{byte:02x}")).collect()
}
