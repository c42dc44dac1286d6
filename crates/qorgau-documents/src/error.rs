//! The one error type of the crate.
//!
//! These errors are for the operator: a broken template override must stop the
//! service at start-up with the file, the line and the reason, not fail when a
//! document is due to be sent. They are not shown to applicants or owners.

use std::path::PathBuf;

/// Why a document could not be rendered or the templates could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// A template does not parse, or fails when rendered with a sample document.
    #[error("template {name}{}: {reason}", line_suffix(*line))]
    Template {
        /// The template's file name, with the override path when it came from one.
        name: String,
        /// The line in the template, when the template engine knows it.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// A template rendered to markup that the document parser refuses.
    #[error(
        "template {name} produced markup that cannot be read, line {line} of its output: {reason}"
    )]
    Markup {
        /// The template that produced the markup.
        name: String,
        /// The line in the rendered markup (1-based).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The override directory cannot be listed.
    #[error("cannot read the template directory {}: {source}", dir.display())]
    OverrideDirectory {
        /// The directory given to `Templates::with_overrides`.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template override cannot be read (or is not UTF-8).
    #[error("cannot read the template {}: {source}", path.display())]
    ReadTemplate {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `.jinja` file in the override directory that no document uses, most
    /// likely a misspelt name: refused rather than silently ignored.
    #[error("{}: no document uses a template of this name; the templates are {known}", path.display())]
    UnknownTemplate {
        /// The file.
        path: PathBuf,
        /// The names that can be overridden.
        known: String,
    },
    /// An embedded font cannot be read or subset (a build problem, not an input one).
    #[error("font {face}: {reason}")]
    Font {
        /// Which face.
        face: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A time (the removal deadline, a moment in a referral package) cannot be
    /// converted to Almaty time.
    #[error("the time zone Asia/Almaty is not available: {0}")]
    TimeZone(String),
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|line| format!(", line {line}"))
        .unwrap_or_default()
}
