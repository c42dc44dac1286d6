//! The procedure of PRODUCT.md as commands, events and a fold.
//!
//! received → refused | registered → under review (optional extension) → votes →
//! decision (confirmed / not confirmed) → orders issued → delivered →
//! acknowledged → removal reported → removal verified | not complied →
//! escalation steps → response sent → closed.

pub mod command;
pub mod event;
pub mod state;

pub use command::{
    Actor, ChatImport, Command, Context, IncidentKey, IntakeError, LinkCandidate, PreparedReferral,
    ProcedureError, Role, automatic_links, handle, prospective_orders, receive_application,
};
pub use event::{
    BrowserSnapshot, CaseEvent, EvidenceKind, Outcome, StrippedCopy, VerificationResult, VoteChoice,
};
pub use state::{
    CasePhase, CaseState, DeadlineKind, EvidenceRecord, EvidenceStatus, OrderState, OrderStatus,
    PendingDeadline, ReferralPackageRecord, TimeLeft,
};

#[cfg(test)]
mod tests;
