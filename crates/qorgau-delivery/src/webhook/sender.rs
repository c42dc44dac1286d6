//! One attempt to deliver a webhook.
//!
//! The endpoint is a URL a resource owner typed, so the sender is careful the
//! same way evidence capture is (`qorgau_evidence::capture`): host names are
//! resolved by the capturer's [`GuardedResolver`], which refuses a name with
//! any non-public address, and the client connects only to the addresses it
//! returned; a host written as an IP address is checked before sending;
//! proxies are ignored; redirects are not followed (a receiver that moved
//! registers its new URL — following a `Location` would let any endpoint
//! point our signed POST somewhere we never checked). Every attempt is
//! bounded: a connect timeout, a total timeout, and at most a few kilobytes
//! of the answer read.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::message::{Explain, Message};
use qorgau_evidence::capture::GuardedResolver;
use url::Url;

use super::endpoint::{WebhookUrlError, check_endpoint};
use super::event::WebhookId;
use super::signature::{WebhookSecret, signature_header};

/// The sender's bounds. `Default` is production.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Test-only: allow loopback endpoints (as `validate_endpoint`).
    pub allow_loopback: bool,
    pub connect_timeout: Duration,
    /// The whole attempt: connect, send, and the answer's head and body.
    pub total_timeout: Duration,
    /// At most this much of the answer's body is read (and then dropped).
    pub max_response_bytes: usize,
    pub user_agent: String,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            allow_loopback: false,
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(15),
            max_response_bytes: 4096,
            user_agent: concat!("Qorgau-Webhooks/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// The receiver answered 2xx: the message is delivered (record the time;
    /// for `order.issued` it starts the removal clock).
    Delivered { status: u16 },
    /// Not delivered; try again later with the same webhook id and body.
    /// `retry_after` is the wait the receiver asked for (429/503
    /// `Retry-After`), to honour with [`crate::retry::RetryPolicy::after_failure`].
    Retry {
        reason: WebhookFailure,
        retry_after: Option<Duration>,
    },
    /// 410 Gone: the receiver asks us to stop. Dead-letter the message and
    /// disable the endpoint until the owner registers one again.
    Gone,
}

/// Why an attempt did not deliver. `code()` is stable (stored with the
/// attempt and shown on the dead-letter list); `explain()` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookFailure {
    #[error("the endpoint is not acceptable: {0}")]
    InvalidEndpoint(WebhookUrlError),
    #[error("no signing secret is active for this endpoint")]
    NoSecret,
    #[error("no answer within the time limit")]
    Timeout,
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("the answer is not valid HTTP: {0}")]
    Protocol(String),
    #[error("the endpoint redirected with {status} (redirects are not followed)")]
    Redirect {
        status: u16,
        location: Option<String>,
    },
    #[error("the endpoint asked to slow down (429)")]
    TooManyRequests,
    #[error("the endpoint failed with {status}")]
    ServerError { status: u16 },
    #[error("the endpoint refused the message with {status}")]
    ClientError { status: u16 },
}

impl Explain for WebhookFailure {
    fn code(&self) -> &'static str {
        match self {
            WebhookFailure::InvalidEndpoint(_) => "webhook_invalid_endpoint",
            WebhookFailure::NoSecret => "webhook_no_secret",
            WebhookFailure::Timeout => "webhook_timeout",
            WebhookFailure::Connect(_) => "webhook_connect",
            WebhookFailure::Protocol(_) => "webhook_protocol",
            WebhookFailure::Redirect { .. } => "webhook_redirect",
            WebhookFailure::TooManyRequests => "webhook_too_many_requests",
            WebhookFailure::ServerError { .. } => "webhook_server_error",
            WebhookFailure::ClientError { .. } => "webhook_client_error",
        }
    }

    fn explain(&self) -> Message {
        match self {
            WebhookFailure::InvalidEndpoint(error) => error.explain(),
            WebhookFailure::NoSecret => Message::new("delivery-webhook-no-secret"),
            WebhookFailure::Timeout => Message::new("delivery-webhook-timeout"),
            WebhookFailure::Connect(detail) => {
                Message::new("delivery-webhook-connect").with("detail", detail.as_str())
            }
            WebhookFailure::Protocol(detail) => {
                Message::new("delivery-webhook-protocol").with("detail", detail.as_str())
            }
            WebhookFailure::Redirect { status, location } => {
                Message::new("delivery-webhook-redirect")
                    .with("status", i64::from(*status))
                    .with("location", location.clone().unwrap_or_default())
            }
            WebhookFailure::TooManyRequests => Message::new("delivery-webhook-too-many-requests"),
            WebhookFailure::ServerError { status } => {
                Message::new("delivery-webhook-server-error").with("status", i64::from(*status))
            }
            WebhookFailure::ClientError { status } => {
                Message::new("delivery-webhook-client-error").with("status", i64::from(*status))
            }
        }
    }
}

/// Why the sender could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WebhookSetupError {
    #[error("the TLS configuration failed: {0}")]
    Tls(String),
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// Sends webhooks; one client, reused across attempts and endpoints.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    config: Arc<WebhookConfig>,
}

impl WebhookSender {
    pub fn new(config: WebhookConfig) -> Result<WebhookSender, WebhookSetupError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|error| WebhookSetupError::Tls(error.to_string()))?;
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| WebhookSetupError::Tls(error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .dns_resolver(GuardedResolver::new(config.allow_loopback))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .user_agent(config.user_agent.clone())
            .http1_only()
            .build()
            .map_err(|error| WebhookSetupError::Client(error.to_string()))?;
        Ok(WebhookSender {
            client,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// One attempt to POST `body` (JSON, sent byte for byte as given) to
    /// `endpoint`, signed with every secret in `secrets` (the current one
    /// and, during a rotation's grace period, the previous one).
    ///
    /// `webhook_id` must be the same on every attempt of one message — it is
    /// how the receiver recognises a retry — and `body` must be the same
    /// bytes. `now` is this attempt's time: it becomes `webhook-timestamp`
    /// and is signed, so receivers (which reject timestamps more than a few
    /// minutes off) accept a retry sent hours later.
    pub async fn send(
        &self,
        endpoint: &Url,
        webhook_id: &WebhookId,
        body: &[u8],
        secrets: &[WebhookSecret],
        now: Timestamp,
    ) -> WebhookOutcome {
        if let Err(error) = check_endpoint(endpoint, self.config.allow_loopback) {
            return retry(WebhookFailure::InvalidEndpoint(error));
        }
        if secrets.is_empty() {
            return retry(WebhookFailure::NoSecret);
        }
        let timestamp = now.as_second();
        let signature = signature_header(secrets, webhook_id.as_str(), timestamp, body);
        let sent = self
            .client
            .post(endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", webhook_id.as_str())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(error) => return retry(classify_client_error(error)),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, now));
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(512).collect::<String>());
        // Read a little of the answer so the connection ends cleanly, never
        // more: a receiver cannot make us download anything big.
        let mut read = 0usize;
        while read < self.config.max_response_bytes {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) | Err(_) => break,
            }
        }
        classify_status(status, retry_after, location)
    }
}

fn retry(reason: WebhookFailure) -> WebhookOutcome {
    WebhookOutcome::Retry {
        reason,
        retry_after: None,
    }
}

/// The Standard Webhooks reading of a status: 2xx delivered, 410 stop,
/// everything else retried (3xx because we do not follow redirects, 4xx
/// because receivers answer 400 while misconfigured or mid-deploy; the
/// attempts are bounded by the retry policy and end in the dead-letter list).
fn classify_status(
    status: u16,
    retry_after: Option<Duration>,
    location: Option<String>,
) -> WebhookOutcome {
    let reason = match status {
        200..=299 => return WebhookOutcome::Delivered { status },
        410 => return WebhookOutcome::Gone,
        300..=399 => WebhookFailure::Redirect { status, location },
        429 => WebhookFailure::TooManyRequests,
        500..=599 => WebhookFailure::ServerError { status },
        _ => WebhookFailure::ClientError { status },
    };
    let honoured = matches!(status, 429 | 503).then_some(retry_after).flatten();
    WebhookOutcome::Retry {
        reason,
        retry_after: honoured,
    }
}

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let seconds = date.as_second().saturating_sub(now.as_second());
    Some(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

/// Maps the HTTP client's error to a reason. The resolver's refusal of a
/// private address arrives as a connect error whose text names the address.
/// The URL is left out of the text: the reason is stored and shown, and an
/// endpoint's query string may hold the receiver's own token.
fn classify_client_error(error: reqwest::Error) -> WebhookFailure {
    let error = error.without_url();
    if error.is_timeout() {
        return WebhookFailure::Timeout;
    }
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(current) = source {
        detail.push_str(": ");
        detail.push_str(&current.to_string());
        source = current.source();
    }
    if error.is_connect() {
        WebhookFailure::Connect(detail)
    } else {
        WebhookFailure::Protocol(detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, expect: &str) {
        let outcome = classify_status(status, Some(Duration::from_secs(7)), None);
        let found = match &outcome {
            WebhookOutcome::Delivered { .. } => "delivered".to_owned(),
            WebhookOutcome::Gone => "gone".to_owned(),
            WebhookOutcome::Retry {
                reason,
                retry_after,
            } => {
                format!(
                    "{} {:?}",
                    reason.code(),
                    retry_after.map(|wait| wait.as_secs())
                )
            }
        };
        assert_eq!(found, expect, "status {status}");
    }

    #[test]
    fn statuses() {
        check(200, "delivered");
        check(202, "delivered");
        check(204, "delivered");
        check(410, "gone");
        check(301, "webhook_redirect None");
        check(307, "webhook_redirect None");
        check(400, "webhook_client_error None");
        check(401, "webhook_client_error None");
        check(404, "webhook_client_error None");
        check(429, "webhook_too_many_requests Some(7)");
        check(500, "webhook_server_error None");
        check(503, "webhook_server_error Some(7)");
        check(100, "webhook_client_error None");
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now: Timestamp = "2015-10-21T07:20:00Z".parse().unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(480))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[tokio::test]
    async fn the_sender_refuses_private_literals_before_connecting() {
        let sender = WebhookSender::new(WebhookConfig::default()).unwrap();
        let secret = WebhookSecret::generate().unwrap();
        let id = WebhookId::parse("msg_1").unwrap();
        let now: Timestamp = "2026-11-29T04:00:00Z".parse().unwrap();
        for endpoint in [
            "https://10.0.0.1/hook",
            "https://127.0.0.1/hook",
            "http://example.kz/",
        ] {
            let outcome = sender
                .send(
                    &endpoint.parse().unwrap(),
                    &id,
                    b"{}",
                    std::slice::from_ref(&secret),
                    now,
                )
                .await;
            assert!(
                matches!(
                    outcome,
                    WebhookOutcome::Retry {
                        reason: WebhookFailure::InvalidEndpoint(_),
                        ..
                    }
                ),
                "{endpoint}: {outcome:?}"
            );
        }
        let outcome = sender
            .send(
                &"https://example.kz/".parse().unwrap(),
                &id,
                b"{}",
                &[],
                now,
            )
            .await;
        assert_eq!(
            outcome,
            WebhookOutcome::Retry {
                reason: WebhookFailure::NoSecret,
                retry_after: None
            }
        );
    }
}
