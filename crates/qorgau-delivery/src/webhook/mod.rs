//! Signed webhooks per the Standard Webhooks specification
//! (<https://www.standardwebhooks.com/>): what is signed and how
//! ([`signature`]), which endpoints are acceptable ([`endpoint`]), what is
//! sent ([`event`]) and one bounded attempt to send it ([`sender`]).

pub mod endpoint;
pub mod event;
pub mod sender;
pub mod signature;

pub use endpoint::{MAX_ENDPOINT_LENGTH, WebhookUrlError, check_endpoint, validate_endpoint};
pub use event::{
    CitedBasis, EscalationRef, EventType, InvalidWebhookId, OrderEventData, WebhookEvent, WebhookId,
};
pub use sender::{WebhookConfig, WebhookFailure, WebhookOutcome, WebhookSender, WebhookSetupError};
pub use signature::{SecretError, WebhookSecret, signature_header};
