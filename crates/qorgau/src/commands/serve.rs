//! `qorgau serve`: the HTTP service on the chosen store, until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use qorgau_app::{Clock, Evidence, Outbox, Worker, WorkerConfig, WorkerHandle};
use qorgau_delivery::mail::Mailer;
use qorgau_delivery::retry::RetryPolicy;
use qorgau_delivery::webhook::{WebhookConfig, WebhookSender};
use qorgau_documents::Templates;
use qorgau_domain::message::Message;
use qorgau_evidence::capture::{self, CaptureConfig};
use qorgau_store::AnyStore;
use qorgau_web::{AppState, WebConfig};

use crate::Session;
use crate::commands::{demo, evidence_error};
use crate::error::{AppError, exit};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Seed demo staff, resource owners and cases, print their logins and write
    /// them to DATA/demo-credentials.json.
    #[arg(long)]
    demo: bool,
    /// The address people reach the service at, for links in letters and pages.
    #[arg(long, env = "QORGAU_PUBLIC_URL")]
    public_url: Option<String>,
    /// Session cookies without `Secure`, for plain-HTTP development on a host
    /// other than localhost. Never in production.
    #[arg(long, env = "QORGAU_INSECURE_COOKIES", value_parser = clap::builder::FalseyValueParser::new())]
    insecure_cookies: bool,
    /// Evidence jobs (captures after intake, re-captures to verify removal)
    /// this instance runs side by side; 0 runs none here.
    #[arg(long, env = "QORGAU_JOBS", default_value_t = 4, value_name = "N")]
    jobs: usize,
    /// Test-only: let evidence capture fetch loopback addresses (the tests'
    /// own web server). Off by default: capture refuses private and loopback
    /// addresses.
    #[arg(
        long,
        env = "QORGAU_CAPTURE_ALLOW_LOOPBACK",
        hide = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    capture_allow_loopback: bool,
    /// Test-only: `FROM=TO` URL prefixes captured from elsewhere, so a test's
    /// local server can stand in for a public site.
    #[arg(
        long,
        env = "QORGAU_CAPTURE_REWRITE",
        hide = true,
        value_name = "FROM=TO"
    )]
    capture_rewrite: Option<String>,
    /// The ports evidence capture may fetch, comma-separated (e.g.
    /// `80,443,8080`): a reported URL on another port is refused with
    /// `port_not_allowed`. Each from 1 to 65535.
    #[arg(
        long,
        env = "QORGAU_CAPTURE_PORTS",
        default_value = "80,443",
        value_name = "PORTS"
    )]
    capture_ports: String,
    /// Headless Chromium for a screenshot and the DOM beside each capture:
    /// the executable's path, `auto` (the first `chromium` on PATH) or `off`
    /// (the default). The browser reaches only the address the capture was
    /// checked and fetched from (docs/evidence.md).
    #[arg(long, env = "QORGAU_CAPTURE_BROWSER", value_name = "PATH|auto|off")]
    capture_browser: Option<String>,
    /// The mail server orders, letters and reminders go through, e.g.
    /// `smtp://127.0.0.1:2525` or `smtps://user:pass@mail.example.kz:465`.
    /// Without it letters wait on the dead-letter list.
    #[arg(long, env = "QORGAU_SMTP_URL", value_name = "URL")]
    smtp_url: Option<String>,
    /// The sender address of Qorgau's letters.
    #[arg(long, env = "QORGAU_MAIL_FROM", default_value = "qorgau@localhost")]
    mail_from: String,
    /// A folder of document templates that replace the embedded ones
    /// (docs/documents.md); checked at start.
    #[arg(long, env = "QORGAU_TEMPLATES", value_name = "DIR")]
    templates: Option<std::path::PathBuf>,
    /// A folder of lexicon files the experts keep beside the built-in ones
    /// (docs/chat-import.md); checked at start.
    #[arg(long, env = "QORGAU_LEXICONS", value_name = "DIR")]
    lexicons: Option<std::path::PathBuf>,
    /// Counts below N are never published as numbers (2 to 100): the
    /// dashboard, the API's figures, open data, reports and the DSA export.
    #[arg(
        long,
        env = "QORGAU_STATS_THRESHOLD",
        default_value = "5",
        value_name = "N"
    )]
    stats_threshold: String,
}

/// How long requests in flight may take to finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(15);

pub async fn run(session: &Session, args: ServeArgs) -> Result<u8, AppError> {
    // Refused before the store opens: a wrong threshold is a typing error.
    let stats_threshold = qorgau_domain::statistics::parse_threshold(&args.stats_threshold)
        .map_err(|error| AppError::bad_input(qorgau_domain::message::Explain::explain(&error)))?;
    let capture_ports = capture::parse_ports(&args.capture_ports).map_err(|error| {
        AppError::bad_input(Message::new("cli-capture-ports-invalid").with("value", error.0))
    })?;
    if let Some(folder) = &args.lexicons {
        crate::commands::chat::install_lexicons(folder)?;
    }
    let store = AnyStore::open(&session.store_location, true).await?;
    if args.demo {
        demo::seed(session, &store).await?;
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|error| {
            AppError::bad_input(
                Message::new("cli-cannot-listen")
                    .with("addr", args.addr.to_string())
                    .with("detail", error.to_string()),
            )
        })?;
    let address = listener
        .local_addr()
        .map(|address| address.to_string())
        .unwrap_or_default();
    println!(
        "{}",
        session.say(
            &Message::new("cli-serving")
                .with("url", format!("http://{address}"))
                .with("store", store.describe())
        )
    );
    let clock: Arc<dyn Clock> = session.clock.clone();
    let evidence = Arc::new(session.open_evidence(args.public_url.as_deref())?);
    println!("{}", session.say_public_key(&evidence));
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let outbox = Arc::new(open_outbox(&args, &public_url)?);
    let worker = start_worker(
        session,
        &args,
        capture_ports,
        &store,
        &clock,
        &evidence,
        &outbox,
    )?;
    let config = WebConfig {
        public_url: Some(public_url),
        insecure_cookies: args.insecure_cookies,
        allow_loopback_webhooks: args.capture_allow_loopback,
        stats_threshold,
        ..WebConfig::default()
    };
    let state = AppState::new(store.clone(), clock, config)
        .with_evidence(evidence)
        .with_outbox(outbox);
    let served = qorgau_web::serve(listener, state, stop_signal(), DRAIN).await;
    if let Some(worker) = worker {
        worker.stop(WORKER_GRACE).await;
    }
    served.map_err(|error| {
        AppError::bad_input(Message::new("cli-store-error").with("detail", error.to_string()))
    })?;
    store.close().await;
    println!("{}", session.say(&Message::new("cli-stopped")));
    Ok(exit::OK)
}

/// How long evidence jobs in flight may take to finish after a stop signal;
/// after that they are abandoned and another worker takes them over when
/// their lease ends.
const WORKER_GRACE: Duration = Duration::from_secs(5);

/// Starts the evidence job worker (unless `--jobs 0`).
fn start_worker(
    session: &Session,
    args: &ServeArgs,
    capture_ports: Vec<u16>,
    store: &AnyStore,
    clock: &Arc<dyn Clock>,
    evidence: &Arc<Evidence>,
    outbox: &Arc<Outbox>,
) -> Result<Option<WorkerHandle>, AppError> {
    if args.jobs == 0 {
        return Ok(None);
    }
    let rewrite = args
        .capture_rewrite
        .as_deref()
        .map(WorkerConfig::parse_rewrite)
        .unwrap_or_default();
    for (setting, set) in [
        ("QORGAU_CAPTURE_ALLOW_LOOPBACK", args.capture_allow_loopback),
        ("QORGAU_CAPTURE_REWRITE", !rewrite.is_empty()),
    ] {
        if set {
            eprintln!(
                "{}",
                session.say(&Message::new("cli-capture-test-mode").with("setting", setting))
            );
        }
    }
    let browser =
        qorgau_evidence::browser::BrowserConfig::from_setting(args.capture_browser.as_deref())
            .map_err(|error| {
                AppError::bad_input(
                    Message::new("cli-capture-browser-missing").with("detail", error.to_string()),
                )
            })?;
    let config = WorkerConfig {
        concurrency: args.jobs,
        rewrite,
        browser,
        capture: CaptureConfig {
            allow_loopback: args.capture_allow_loopback,
            allowed_ports: capture_ports,
            ..CaptureConfig::default()
        },
        ..WorkerConfig::default()
    };
    let worker = Worker::new(
        Arc::new(store.clone()),
        clock.clone(),
        evidence.clone(),
        config,
    )
    .map_err(evidence_error)?
    .with_outbox(outbox.clone());
    Ok(Some(Arc::new(worker).spawn()))
}

/// The transports and templates notices go out with. A template or mail
/// setting that does not work stops the service here, not at the first
/// letter.
fn open_outbox(args: &ServeArgs, public_url: &str) -> Result<Outbox, AppError> {
    let setup = |detail: String| {
        AppError::bad_input(Message::new("cli-outbox-setup").with("detail", detail))
    };
    let templates = match &args.templates {
        Some(folder) => Templates::with_overrides(folder),
        None => Templates::embedded(),
    }
    .map_err(|error| setup(error.to_string()))?;
    let mailer = args
        .smtp_url
        .as_deref()
        .map(|url| Mailer::from_url(url, &args.mail_from))
        .transpose()
        .map_err(|error| setup(error.to_string()))?;
    let webhooks = WebhookSender::new(WebhookConfig {
        allow_loopback: args.capture_allow_loopback,
        ..WebhookConfig::default()
    })
    .map_err(|error| setup(error.to_string()))?;
    Ok(Outbox {
        webhooks,
        mailer,
        templates,
        public_url: public_url.trim_end_matches('/').to_owned(),
        retry: RetryPolicy::DEFAULT,
    })
}

/// Completes on SIGINT or SIGTERM.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
