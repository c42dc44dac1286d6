//! `qorgau`: the command line over the procedure.
//!
//! A thin shell: parse arguments, open the store, call the domain through
//! `service::Procedure`, print the result. Exit codes are in `error::exit` and
//! docs/cli.md.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use qorgau_domain::message::Language;

mod commands;
mod error;
mod output;

use crate::error::AppError;
use qorgau_app::clock::{Clock, FixedClock, SystemClock, TEST_NOW_VARIABLE};
use qorgau_store::StoreLocation;

/// mimalloc instead of glibc's allocator: `serve` allocates and frees on
/// many threads at once (tokio's workers, sqlx's connection threads), and
/// glibc's malloc and free were a sixth of intake's samples (bench/intake).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Qorgau protects children from cyberbullying and cyberstalking: it runs the
/// procedure from an application to the removal of the content and the
/// response to the applicant, and keeps a tamper-evident record of every step.
#[derive(Debug, Parser)]
#[command(name = "qorgau", version, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: TopCommand,
}

#[derive(Debug, Args)]
struct GlobalOptions {
    /// The language of messages: kk (Kazakh), ru (Russian) or en (English).
    #[arg(long, global = true, env = "QORGAU_LANG", default_value = "kk", value_parser = parse_language)]
    lang: Language,
    /// The data folder of the embedded store.
    #[arg(
        long,
        global = true,
        env = "QORGAU_DATA",
        default_value = "./qorgau-data"
    )]
    data: PathBuf,
    /// A PostgreSQL database instead of the embedded store (postgres://…).
    #[arg(long, global = true, env = "QORGAU_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// The evidence store's folder (captured pages, uploads), content-addressed.
    /// Default: DATA/blobs; with PostgreSQL ./qorgau-blobs (every instance
    /// must see the same folder).
    #[arg(long, global = true, env = "QORGAU_BLOBS", value_name = "DIR")]
    blobs: Option<PathBuf>,
    /// The transparency log's private key file, created by `init` or the
    /// first `serve` (mode 0600). Default: DATA/log.key; with PostgreSQL
    /// ./qorgau-log.key (every instance must use the same key).
    #[arg(long, global = true, env = "QORGAU_LOG_KEY", value_name = "FILE")]
    log_key: Option<PathBuf>,
    /// Who is acting: the username of a staff member (see `qorgau staff list`).
    /// Recorded with every event the command writes.
    #[arg(
        long = "as",
        global = true,
        env = "QORGAU_USER",
        value_name = "USERNAME"
    )]
    acting_as: Option<String>,
}

fn parse_language(text: &str) -> Result<Language, String> {
    Language::from_tag(text).ok_or_else(|| format!("`{text}` is not kk, ru or en"))
}

#[derive(Debug, Subcommand)]
enum TopCommand {
    /// Create the data folder and the database (safe to run again).
    Init,
    /// Run the web service and the JSON API until SIGINT/SIGTERM.
    Serve(commands::serve::ServeArgs),
    /// Kazakhstan's working-day calendar.
    #[command(subcommand)]
    Calendar(commands::calendar::CalendarCommand),
    /// Individual identification numbers.
    #[command(subcommand)]
    Iin(commands::iin::IinCommand),
    /// Anonymous prevalence surveys: shares with 95% Wilson intervals.
    #[command(subcommand)]
    Survey(commands::survey::SurveyCommand),
    /// Recompute the case record's hash chain; exit 1 naming the first bad sequence number.
    Verify,
    /// Apply the database migrations this Qorgau needs (PostgreSQL is never migrated implicitly).
    Migrate,
    /// Write the whole store (the case record with its hashes, staff, resource owners) to an
    /// archive file (JSON Lines, docs/operations.md); `-` writes to standard output.
    Export {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Load an archive into an empty store, re-verifying the chain and rebuilding the read
    /// models (`import FILE`; `-` reads standard input); or preview a chat export without
    /// storing it (`import chat FILE --format telegram|whatsapp|text`).
    Import(commands::chat::ImportArgs),
    /// The authority's staff: coordinators and the expert group.
    #[command(subcommand)]
    Staff(commands::staff::StaffCommand),
    /// Owners of Internet resources, who receive orders.
    #[command(subcommand)]
    Owner(commands::owner::OwnerCommand),
    /// One case: submit, show, vote, decide, extend, respond, close.
    #[command(subcommand)]
    Case(commands::case::CaseCommand),
    /// Orders to resource owners: issue, record delivery, removal, non-compliance, escalation.
    #[command(subcommand)]
    Order(commands::order::OrderCommand),
    /// Many cases: the list and the deadline board.
    #[command(subcommand)]
    Cases(commands::board::CasesCommand),
    /// Evidence receipts: check one offline against the log's public key.
    #[command(subcommand)]
    Receipt(commands::receipt::ReceiptCommand),
    /// The transparency log: its public key.
    #[command(subcommand)]
    Log(commands::log::LogCommand),
    /// A transparency report of a period (2025, 2025-H1, 2025-Q3, 2025-07) as HTML, PDF,
    /// CSV or JSON, with small numbers suppressed (docs/statistics.md).
    Report(commands::report::ReportArgs),
}

/// What every command gets: options, the clock, and the output language.
pub struct Session {
    pub language: Language,
    pub store_location: StoreLocation,
    pub acting_as: Option<String>,
    pub clock: std::sync::Arc<dyn Clock>,
    /// Where evidence lives: the blob store and the log key.
    pub evidence: qorgau_app::EvidencePaths,
}

fn clock_from_environment() -> Result<std::sync::Arc<dyn Clock>, String> {
    match std::env::var(TEST_NOW_VARIABLE) {
        Ok(text) => {
            let instant = text.parse().map_err(|error| {
                format!("{TEST_NOW_VARIABLE}={text} is not an RFC 3339 time: {error}")
            })?;
            eprintln!(
                "warning: {TEST_NOW_VARIABLE} is set; the clock is pinned to {text} (tests only)"
            );
            Ok(std::sync::Arc::new(FixedClock(instant)))
        }
        Err(_) => Ok(std::sync::Arc::new(SystemClock)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let clock = match clock_from_environment() {
        Ok(clock) => clock,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(error::exit::BAD_INPUT);
        }
    };
    let store_location = match cli.global.database_url {
        Some(url) => StoreLocation::Postgres(url),
        None => StoreLocation::Embedded(cli.global.data),
    };
    let evidence = commands::evidence_paths(&store_location, cli.global.blobs, cli.global.log_key);
    let session = Session {
        language: cli.global.lang,
        store_location,
        acting_as: cli.global.acting_as,
        clock,
        evidence,
    };
    // Every core: `serve` parses, validates and answers requests on all of
    // them while the store's writer seals the previous batch (bench/intake).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(error::exit::STORE);
        }
    };
    let result: Result<u8, AppError> = runtime.block_on(async {
        match cli.command {
            TopCommand::Init => commands::init(&session).await,
            TopCommand::Serve(args) => commands::serve::run(&session, args).await,
            TopCommand::Calendar(command) => commands::calendar::run(&session, command),
            TopCommand::Iin(command) => commands::iin::run(command, session.language),
            TopCommand::Survey(command) => commands::survey::run(&session, command),
            TopCommand::Report(args) => commands::report::run(&session, args).await,
            TopCommand::Verify => commands::verify::verify(&session).await,
            TopCommand::Migrate => commands::maintenance::migrate(&session).await,
            TopCommand::Export { file } => commands::maintenance::export(&session, file).await,
            TopCommand::Import(args) => match args.into_action() {
                Ok(commands::chat::ImportAction::Archive(file)) => {
                    commands::maintenance::import(&session, file).await
                }
                Ok(commands::chat::ImportAction::Chat(chat)) => commands::chat::run(&session, chat),
                Err(error) => Err(error),
            },
            TopCommand::Staff(command) => commands::staff::run(&session, command).await,
            TopCommand::Owner(command) => commands::owner::run(&session, command).await,
            TopCommand::Case(command) => commands::case::run(&session, command).await,
            TopCommand::Order(command) => commands::order::run(&session, command).await,
            TopCommand::Cases(command) => commands::board::run(&session, command).await,
            TopCommand::Receipt(command) => commands::receipt::run(&session, command),
            TopCommand::Log(command) => commands::log::run(&session, command),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{}", error.render(session.language));
            ExitCode::from(error.exit_code())
        }
    }
}
