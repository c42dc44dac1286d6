//! What every handler can reach.

use std::sync::Arc;

use qorgau_app::{Clock, Evidence, Outbox, Procedure};
use qorgau_store::AnyStore;

use crate::auth::LoginThrottle;
use crate::metrics::Metrics;

/// Settings of the HTTP service (from `qorgau serve` flags and environment).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people reach the service at (`QORGAU_PUBLIC_URL`), for links.
    pub public_url: Option<String>,
    /// How long a staff session lasts from sign-in.
    pub session_hours: u32,
    /// How long a staff session may go unused before it ends.
    pub session_idle_minutes: u32,
    /// Session cookies without `Secure`, for plain-HTTP development only
    /// (`QORGAU_INSECURE_COOKIES=1`). Browsers treat localhost as secure, so the
    /// demo does not need it.
    pub insecure_cookies: bool,
    /// Test-only: webhook endpoints on loopback are accepted
    /// (`QORGAU_CAPTURE_ALLOW_LOOPBACK=1`, like evidence capture).
    pub allow_loopback_webhooks: bool,
    /// Counts below this are never published as numbers, in every
    /// publication alike (`QORGAU_STATS_THRESHOLD`, validated by
    /// `statistics::parse_threshold`): the dashboard, the API's figures,
    /// open data, reports and the DSA export.
    pub stats_threshold: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: None,
            session_hours: 8,
            session_idle_minutes: 30,
            insecure_cookies: false,
            allow_loopback_webhooks: false,
            stats_threshold: qorgau_domain::statistics::DEFAULT_THRESHOLD,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<AnyStore>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) throttle: Arc<LoginThrottle>,
    /// The blob store and the transparency log; without them the evidence
    /// and log routes answer 404.
    pub evidence: Option<Arc<Evidence>>,
    /// Document templates and transports: order and letter previews, the
    /// owners' PDFs; without it those routes answer 404.
    pub outbox: Option<Arc<Outbox>>,
}

impl AppState {
    pub fn new(store: AnyStore, clock: Arc<dyn Clock>, config: WebConfig) -> AppState {
        AppState {
            store: Arc::new(store),
            clock,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            throttle: Arc::new(LoginThrottle::default()),
            evidence: None,
            outbox: None,
        }
    }

    /// Serves evidence from `evidence` (the blob store and the log).
    pub fn with_evidence(mut self, evidence: Arc<Evidence>) -> AppState {
        self.evidence = Some(evidence);
        self
    }

    /// Renders documents with `outbox`'s templates.
    pub fn with_outbox(mut self, outbox: Arc<Outbox>) -> AppState {
        self.outbox = Some(outbox);
        self
    }

    pub(crate) fn procedure(&self) -> Procedure<'_, AnyStore> {
        Procedure::new(&self.store, self.clock.as_ref())
    }
}
