//! The law's logic, in one crate.
//!
//! Architecture Invariant: this crate does no I/O, has no async, no database or
//! HTTP types and never reads the clock. Time is a parameter (`now`), legal data is
//! embedded at build time from `data/`, and every function is deterministic, so the
//! procedure can be read, tested and audited without running anything.

pub mod application;
pub mod calendar;
pub mod category;
pub mod compliance;
pub mod deadline;
pub mod linking;
pub mod mci;
pub mod message;
pub mod procedure;
pub mod pursuit;
pub mod record;
pub mod regime;
pub mod statistics;
pub mod survey;
pub mod validation;

/// The legal data embedded from `data/` by `build.rs`.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_data.rs"));
}
