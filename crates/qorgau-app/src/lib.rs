//! The application services every shell shares (the command line and the web
//! service): running commands against the store, the clock, applicants' access
//! codes and staff credentials, evidence (the blob store and the transparency
//! log) and the job worker that captures and re-captures reported URLs.
//!
//! Architecture Invariant: no rules of the procedure here (those are in
//! `qorgau-domain`) and no presentation (exit codes, HTTP statuses and text
//! belong to the shells). This crate only orchestrates: load, fold, decide,
//! append, retry.

pub mod clock;
pub mod credentials;
pub mod evidence;
pub mod jobs;
pub mod linked;
pub mod outbox;
pub mod procedure;
pub mod upload;

pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use evidence::{Evidence, EvidenceError, EvidenceLog, EvidencePaths};
pub use jobs::{Worker, WorkerConfig, WorkerHandle};
pub use outbox::Outbox;
pub use procedure::{Intake, Procedure, ServiceError, Submitted};
