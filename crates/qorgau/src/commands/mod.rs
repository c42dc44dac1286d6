//! One module per command group. Each parses its arguments into domain types,
//! calls the service, and prints.

pub mod board;
pub mod calendar;
pub mod case;
pub mod demo;
pub mod iin;
pub mod maintenance;
pub mod order;
pub mod owner;
pub mod receipt;
pub mod serve;
pub mod staff;
pub mod survey;

use jiff::Timestamp;
use jiff::civil::Date;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, Role};
use qorgau_i18n::Localizer;
use qorgau_store::{AnyStore, StaffRole, Store};

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

pub async fn init(session: &Session) -> Result<u8, AppError> {
    let store = AnyStore::open(&session.store_location, true).await?;
    println!(
        "{}",
        session.say(&Message::new("cli-initialized").with("path", store.describe()))
    );
    store.close().await;
    Ok(exit::OK)
}

pub async fn verify(session: &Session) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let summary = store.verify().await?;
    println!(
        "{}",
        session.say(
            &Message::new("cli-verify-intact")
                .with("entries", summary.entries as i64)
                .with("head", hex_head(&summary.head))
        )
    );
    Ok(exit::OK)
}

fn hex_head(hash: &[u8; 32]) -> String {
    hash.iter().map(|byte| format!("{byte:02x}")).collect()
}
