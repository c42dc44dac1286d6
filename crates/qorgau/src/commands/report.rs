//! `qorgau report --period 2025-H1 [--format html|pdf|csv|json] [--out FILE]`:
//! a transparency report of a fixed period (docs/statistics.md), computed
//! from the store's statistics read model and suppressed together with every
//! other period of its year (`qorgau_domain::statistics::report`). It names
//! the transparency log's size and latest checkpoint it was read at.
//!
//! The PDF is the report page's own view rendered by `qorgau-documents`
//! (`qorgau_web::report_pdf`); it goes to a file only — `--out` is required,
//! so binary never lands on a terminal.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use qorgau_app::EvidenceLog;
use qorgau_documents::Templates;
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::statistics::report::ReportPeriod;
use qorgau_evidence::checkpoint::KeyPair;

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Pdf,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: a year (2025), a half-year (2025-H1), a quarter (2025-Q3)
    /// or a month (2025-07), Almaty dates of receipt.
    #[arg(long, value_name = "PERIOD")]
    period: String,
    /// The output format; HTML and PDF are in the --lang language.
    #[arg(long, value_enum, default_value = "html")]
    format: ReportFormat,
    /// Write to this file instead of standard output (required for PDF).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A folder of document templates that replace the embedded ones, as
    /// for `serve` (the PDF's `report.*.jinja`; docs/documents.md).
    #[arg(long, env = "QORGAU_TEMPLATES", value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Counts below N are hidden (2 to 100); the same setting as `serve`'s,
    /// so a report printed here matches the one the service publishes.
    #[arg(
        long,
        env = "QORGAU_STATS_THRESHOLD",
        default_value = "5",
        value_name = "N"
    )]
    stats_threshold: String,
}

pub async fn run(session: &Session, args: ReportArgs) -> Result<u8, AppError> {
    let period: ReportPeriod =
        args.period
            .parse()
            .map_err(|error: qorgau_domain::statistics::report::PeriodError| {
                AppError::bad_input(error.explain())
            })?;
    let threshold = qorgau_domain::statistics::parse_threshold(&args.stats_threshold)
        .map_err(|error| AppError::bad_input(error.explain()))?;
    // Refused before anything is read: a PDF is not text for a terminal.
    if args.format == ReportFormat::Pdf && args.out.is_none() {
        return Err(AppError::bad_input(Message::new(
            "cli-report-pdf-needs-out",
        )));
    }
    let store = session.open_store().await?;
    let now = session.clock.now();
    // A signed checkpoint of the log as it is now, so the report names one
    // an auditor can recompute from — as the web route does. Only with the
    // store's existing key: a report never creates one.
    let signed = match KeyPair::load(&session.evidence.log_key) {
        Ok(key) => EvidenceLog::new(key)
            .checkpoint(&store, now)
            .await
            .map(drop)
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    if let Err(detail) = signed {
        // The report still goes out, naming the latest checkpoint there is.
        eprintln!(
            "{}",
            session.say(&Message::new("cli-report-no-checkpoint").with("detail", detail))
        );
    }
    let report = qorgau_web::build_report(&store, period, threshold, now).await?;
    let bytes: Vec<u8> = match args.format {
        ReportFormat::Json => serde_json::to_string_pretty(&report)
            .map(|text| text + "\n")
            .map_err(|error| failed(&error.to_string()))?
            .into_bytes(),
        ReportFormat::Csv => qorgau_web::report_csv(&report).into_bytes(),
        ReportFormat::Html => qorgau_web::report_html(&report, session.language)
            .map_err(|error| failed(&error.to_string()))?
            .into_bytes(),
        ReportFormat::Pdf => {
            let templates = match &args.templates {
                Some(folder) => Templates::with_overrides(folder),
                None => Templates::embedded(),
            }
            .map_err(|error| failed(&error.to_string()))?;
            qorgau_web::report_pdf(&report, session.language, &templates)
                .map_err(|error| failed(&error.to_string()))?
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|error| failed(&format!("{}: {error}", path.display())))?,
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|error| failed(&error.to_string()))?,
    }
    Ok(exit::OK)
}

fn failed(detail: &str) -> AppError {
    AppError::bad_input(Message::new("cli-report-failed").with("detail", detail.to_owned()))
}
