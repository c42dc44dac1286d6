//! `qorgau report --period 2025-H1 [--format html|csv|json] [--out FILE]`:
//! a transparency report of a fixed period (docs/statistics.md), computed
//! from the store's statistics read model and suppressed together with every
//! other period of its year (`qorgau_domain::statistics::report`). It names
//! the transparency log's size and latest checkpoint it was read at.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::statistics::report::ReportPeriod;

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: a year (2025), a half-year (2025-H1), a quarter (2025-Q3)
    /// or a month (2025-07), Almaty dates of receipt.
    #[arg(long, value_name = "PERIOD")]
    period: String,
    /// The output format; HTML is in the --lang language.
    #[arg(long, value_enum, default_value = "html")]
    format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub async fn run(session: &Session, args: ReportArgs) -> Result<u8, AppError> {
    let period: ReportPeriod =
        args.period
            .parse()
            .map_err(|error: qorgau_domain::statistics::report::PeriodError| {
                AppError::bad_input(error.explain())
            })?;
    let store = session.open_store().await?;
    let report = qorgau_web::build_report(&store, period, session.clock.now()).await?;
    let text = match args.format {
        ReportFormat::Json => serde_json::to_string_pretty(&report)
            .map(|text| text + "\n")
            .map_err(|error| failed(&error.to_string()))?,
        ReportFormat::Csv => qorgau_web::report_csv(&report),
        ReportFormat::Html => qorgau_web::report_html(&report, session.language)
            .map_err(|error| failed(&error.to_string()))?,
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|error| {
            AppError::bad_input(
                Message::new("cli-file-unreadable")
                    .with("path", path.display().to_string())
                    .with("detail", error.to_string()),
            )
        })?,
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

fn failed(detail: &str) -> AppError {
    AppError::bad_input(Message::new("cli-report-failed").with("detail", detail.to_owned()))
}
