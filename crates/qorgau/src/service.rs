//! Runs commands against the store: load the case, fold it, let the domain
//! decide, append what it decided — retrying when another writer got there
//! first. Shared by every shell (the CLI today, the web service next).

use jiff::Timestamp;
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CaseState, Command, Context, handle, receive_application,
};
use qorgau_domain::regime::Regimes;
use qorgau_store::{Store, StoreError, StoredCase};

use crate::clock::Clock;
use crate::error::AppError;

/// How often a command is retried when another writer appended to the same case.
const CONFLICT_RETRIES: usize = 5;

pub struct Procedure<'a, S: Store> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub calendar: &'static WorkingCalendar,
    pub regimes: &'static Regimes,
}

impl<'a, S: Store> Procedure<'a, S> {
    pub fn new(store: &'a S, clock: &'a dyn Clock) -> Self {
        Procedure {
            store,
            clock,
            calendar: WorkingCalendar::embedded(),
            regimes: Regimes::embedded(),
        }
    }

    /// Records an application; returns the case id and its state.
    pub async fn submit(
        &self,
        form: &ApplicationForm,
        channel: Channel,
        received_at: Option<Timestamp>,
        actor: &Actor,
    ) -> Result<(String, CaseState), AppError> {
        let now = self.clock.now();
        let received_at = received_at.unwrap_or(now);
        let events =
            receive_application(form, channel, received_at, now, self.calendar, self.regimes)?;
        let state = CaseState::replay(&events)
            .map_err(|error| AppError::Store(StoreError::Corrupt(error.to_string())))?;
        let case_id = self
            .store
            .create_case(almaty_date(received_at).year(), &events, &actor.name, now)
            .await?;
        Ok((case_id, state))
    }

    pub async fn load(&self, case_id: &str) -> Result<StoredCase, AppError> {
        self.store.load_case(case_id).await?.ok_or_else(|| {
            AppError::not_found(Message::new("cli-case-not-found").with("case", case_id))
        })
    }

    /// Runs `command` on the case; returns the events recorded and the new state.
    pub async fn run(
        &self,
        case_id: &str,
        actor: &Actor,
        command: Command,
    ) -> Result<(Vec<CaseEvent>, CaseState), AppError> {
        let mut attempts = 0;
        loop {
            let case = self.load(case_id).await?;
            let mut state = case.state()?;
            let regime = self.regimes.get(&state.regime)?;
            let now = self.clock.now();
            let context = Context {
                case_id,
                now,
                calendar: self.calendar,
                regime,
                actor,
            };
            let events = handle(&state, command.clone(), &context)?;
            match self
                .store
                .append(case_id, case.version(), &events, &actor.name, now)
                .await
            {
                Ok(()) => {
                    for event in &events {
                        state
                            .apply(event)
                            .map_err(|why| AppError::Store(StoreError::Corrupt(why.to_owned())))?;
                    }
                    return Ok((events, state));
                }
                Err(StoreError::Conflict) if attempts < CONFLICT_RETRIES => attempts += 1,
                Err(error) => return Err(error.into()),
            }
        }
    }
}
