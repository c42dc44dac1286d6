//! `qorgau serve`: the HTTP service on the chosen store, until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use qorgau_app::Clock;
use qorgau_domain::message::Message;
use qorgau_store::AnyStore;
use qorgau_web::{AppState, WebConfig};

use crate::Session;
use crate::commands::demo;
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
    #[arg(long, env = "QORGAU_INSECURE_COOKIES")]
    insecure_cookies: bool,
}

/// How long requests in flight may take to finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(15);

pub async fn run(session: &Session, args: ServeArgs) -> Result<u8, AppError> {
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
    let config = WebConfig {
        public_url: args.public_url,
        insecure_cookies: args.insecure_cookies,
        ..WebConfig::default()
    };
    let state = AppState::new(store.clone(), clock, config);
    qorgau_web::serve(listener, state, stop_signal(), DRAIN)
        .await
        .map_err(|error| {
            AppError::bad_input(Message::new("cli-store-error").with("detail", error.to_string()))
        })?;
    store.close().await;
    println!("{}", session.say(&Message::new("cli-stopped")));
    Ok(exit::OK)
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
