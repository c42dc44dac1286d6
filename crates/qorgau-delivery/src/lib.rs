//! Delivery: the transports that carry Qorgau's orders and letters out of the
//! building (issue 5), and the policy for trying again.
//!
//! - [`webhook`]: signed webhooks per the Standard Webhooks specification —
//!   secrets ([`webhook::WebhookSecret`]), signatures, the endpoint rules
//!   ([`webhook::validate_endpoint`]), the event payload and a bounded,
//!   SSRF-safe sender ([`webhook::WebhookSender`]).
//! - [`mail`]: e-mail over SMTP (`QORGAU_SMTP_URL`) with attachments and a
//!   Message-ID derived from the delivery, so a resend is recognisably the same
//!   letter.
//! - [`retry`]: exponential backoff with full jitter, as a pure function.
//!
//! Architecture Invariant: one attempt per call. Nothing here keeps a queue,
//! sleeps between attempts or reads the wall clock: the caller (the job
//! worker's durable outbox) owns the delivery, passes `now` and the same
//! delivery identity on every attempt, and decides from the outcome whether
//! to record success, schedule the next attempt or dead-letter it.
//!
//! Architecture Invariant: no people. The webhook payload type has fields for
//! an order only (ids, URLs, times, legal basis, links); the applicant and
//! the child have no place in it. See `docs/delivery.md`.

#![forbid(unsafe_code)]

pub mod mail;
pub mod retry;
pub mod webhook;
