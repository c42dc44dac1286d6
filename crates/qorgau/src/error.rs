//! The command line's one error vocabulary, and the one place it becomes an
//! exit code and text (docs/cli.md lists the codes).

use qorgau_app::{EvidenceError, ServiceError};
use qorgau_domain::application::FieldError;
use qorgau_domain::calendar::CalendarError;
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::procedure::{IntakeError, ProcedureError};
use qorgau_domain::regime::{RegimeError, Regimes};
use qorgau_i18n::Localizer;
use qorgau_store::{StoreError, VerifyError};

/// Exit codes (docs/cli.md).
pub mod exit {
    pub const OK: u8 = 0;
    /// `verify` found a break; `iin check` found the IIN invalid.
    pub const FAILED_CHECK: u8 = 1;
    /// Bad input: usage, a malformed file, an invalid field, a date without calendar data.
    pub const BAD_INPUT: u8 = 2;
    /// The procedure refused the command (the law's rule says no).
    pub const REFUSED: u8 = 3;
    /// The case, order or staff member does not exist.
    pub const NOT_FOUND: u8 = 4;
    /// The store failed (database, disk, a corrupt record).
    pub const STORE: u8 = 5;
}

#[derive(Debug)]
pub enum AppError {
    /// A message for the reader, with its exit code.
    Explained {
        message: Message,
        exit_code: u8,
    },
    /// An application with invalid fields.
    Fields(Vec<FieldError>),
    Procedure(ProcedureError),
    Store(StoreError),
}

impl AppError {
    pub fn bad_input(message: Message) -> AppError {
        AppError::Explained {
            message,
            exit_code: exit::BAD_INPUT,
        }
    }

    pub fn not_found(message: Message) -> AppError {
        AppError::Explained {
            message,
            exit_code: exit::NOT_FOUND,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Explained { exit_code, .. } => *exit_code,
            AppError::Fields(_) => exit::BAD_INPUT,
            AppError::Procedure(_) => exit::REFUSED,
            AppError::Store(StoreError::CaseNotFound(_)) => exit::NOT_FOUND,
            AppError::Store(StoreError::AlreadyExists(_)) => exit::BAD_INPUT,
            AppError::Store(_) => exit::STORE,
        }
    }

    /// The text for standard error, in `language`.
    pub fn render(&self, language: Language) -> String {
        let localizer = Localizer::embedded();
        match self {
            AppError::Explained { message, .. } => localizer.render(language, message),
            AppError::Fields(errors) => {
                let mut text = localizer.render(
                    language,
                    &Message::new("cli-invalid-fields").with("count", errors.len() as i64),
                );
                for error in errors {
                    text.push_str(&format!(
                        "\n  {}: {} [{}]",
                        error.field,
                        localizer.render(language, &error.message),
                        error.code
                    ));
                }
                text
            }
            AppError::Procedure(error) => format!(
                "{} [{}]",
                localizer.render(language, &error.explain()),
                error.code()
            ),
            AppError::Store(error) => localizer.render(
                language,
                &Message::new("cli-store-error").with("detail", error.to_string()),
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Store(error)
    }
}

impl From<ProcedureError> for AppError {
    fn from(error: ProcedureError) -> Self {
        AppError::Procedure(error)
    }
}

impl From<CalendarError> for AppError {
    fn from(error: CalendarError) -> Self {
        AppError::bad_input(error.explain())
    }
}

impl From<RegimeError> for AppError {
    fn from(error: RegimeError) -> Self {
        AppError::bad_input(error.explain())
    }
}

impl From<IntakeError> for AppError {
    fn from(error: IntakeError) -> Self {
        match error {
            IntakeError::InvalidFields(fields) => AppError::Fields(fields),
            IntakeError::Regime(error) => error.into(),
            IntakeError::Calendar(error) => error.into(),
            IntakeError::ReceivedInFuture => {
                AppError::bad_input(Message::new("procedure-time-in-future"))
            }
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Intake(error) => error.into(),
            ServiceError::Procedure(error) => error.into(),
            ServiceError::CaseNotFound(case_id) => {
                AppError::not_found(Message::new("cli-case-not-found").with("case", case_id))
            }
            ServiceError::Regime(error) => error.into(),
            ServiceError::Store(error) => error.into(),
            ServiceError::Refused { reasons, regime } => {
                match (reasons.first(), Regimes::embedded().get(&regime)) {
                    (Some(reason), Ok(regime)) => AppError::bad_input(reason.explain(regime)),
                    _ => AppError::bad_input(Message::new("refusal-resource-required")),
                }
            }
            ServiceError::Randomness(error) => AppError::Explained {
                message: Message::new("cli-store-error").with("detail", error.to_string()),
                exit_code: exit::STORE,
            },
            ServiceError::Evidence(EvidenceError::Store(error)) => error.into(),
            ServiceError::Evidence(error) => AppError::Explained {
                message: Message::new("cli-evidence-error").with("detail", error.to_string()),
                exit_code: exit::STORE,
            },
            ServiceError::Document(detail) => AppError::Explained {
                message: Message::new("cli-document-error").with("detail", detail),
                exit_code: exit::STORE,
            },
        }
    }
}

impl From<VerifyError> for AppError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Store(error) => error.into(),
            VerifyError::Broken(broken) => AppError::Explained {
                message: Message::new("cli-verify-broken")
                    .with("seq", broken.seq as i64)
                    .with("fault", format!("{:?}", broken.fault)),
                exit_code: exit::FAILED_CHECK,
            },
            VerifyError::Log(broken) => AppError::Explained {
                message: Message::new("cli-verify-log-broken").with("detail", broken.to_string()),
                exit_code: exit::FAILED_CHECK,
            },
        }
    }
}
