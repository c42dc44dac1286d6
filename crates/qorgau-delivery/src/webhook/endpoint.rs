//! Which webhook URLs a resource owner may register (`PUT
//! /api/v1/owner/webhook`). Checked when registered, and again before each
//! attempt, since the rules can only have become stricter.

use std::net::IpAddr;

use qorgau_domain::message::{Explain, Message};
use qorgau_evidence::capture::refused_range;
use url::{Host, Url};

/// The longest URL accepted (a registered endpoint is stored and shown).
pub const MAX_ENDPOINT_LENGTH: usize = 2048;

/// Why a webhook URL is refused. Each has a stable code and a message in
/// `locales/*/delivery.ftl`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlError {
    #[error("not a valid absolute URL")]
    Invalid,
    #[error("the URL is longer than {MAX_ENDPOINT_LENGTH} characters")]
    TooLong,
    #[error("the scheme {0} is not https")]
    NotHttps(String),
    #[error("the URL carries a user name or password")]
    Credentials,
    #[error("the URL has a fragment (#…)")]
    Fragment,
    #[error("the URL names no host")]
    NoHost,
    #[error("the address {address} is {range}; webhooks are never sent there")]
    PrivateAddress {
        address: IpAddr,
        range: &'static str,
    },
}

impl Explain for WebhookUrlError {
    fn code(&self) -> &'static str {
        match self {
            WebhookUrlError::Invalid => "webhook_url_invalid",
            WebhookUrlError::TooLong => "webhook_url_too_long",
            WebhookUrlError::NotHttps(_) => "webhook_url_not_https",
            WebhookUrlError::Credentials => "webhook_url_credentials",
            WebhookUrlError::Fragment => "webhook_url_fragment",
            WebhookUrlError::NoHost => "webhook_url_no_host",
            WebhookUrlError::PrivateAddress { .. } => "webhook_url_private_address",
        }
    }

    fn explain(&self) -> Message {
        match self {
            WebhookUrlError::Invalid => Message::new("delivery-webhook-url-invalid"),
            WebhookUrlError::TooLong => Message::new("delivery-webhook-url-too-long")
                .with("limit", MAX_ENDPOINT_LENGTH as i64),
            WebhookUrlError::NotHttps(scheme) => {
                Message::new("delivery-webhook-url-not-https").with("scheme", scheme.as_str())
            }
            WebhookUrlError::Credentials => Message::new("delivery-webhook-url-credentials"),
            WebhookUrlError::Fragment => Message::new("delivery-webhook-url-fragment"),
            WebhookUrlError::NoHost => Message::new("delivery-webhook-url-no-host"),
            WebhookUrlError::PrivateAddress { address, .. } => {
                Message::new("delivery-webhook-url-private-address")
                    .with("address", address.to_string())
            }
        }
    }
}

/// Checks a webhook endpoint: an absolute `https` URL with a host, no user
/// name or password (a secret in a URL ends up in logs) and no fragment
/// (never sent, so it would be a mistake); any port. A host written as an IP
/// address must be public. Host names are checked when resolved, at each
/// attempt ([`super::WebhookSender`]).
///
/// `allow_loopback` (tests only, like `QORGAU_CAPTURE_ALLOW_LOOPBACK`) also
/// admits a loopback host (`127.0.0.0/8`, `::1`, `localhost`), over `http`
/// too.
pub fn validate_endpoint(text: &str, allow_loopback: bool) -> Result<Url, WebhookUrlError> {
    let text = text.trim();
    if text.len() > MAX_ENDPOINT_LENGTH {
        return Err(WebhookUrlError::TooLong);
    }
    let url = Url::parse(text).map_err(|error| match error {
        url::ParseError::EmptyHost => WebhookUrlError::NoHost,
        _ => WebhookUrlError::Invalid,
    })?;
    check_endpoint(&url, allow_loopback)?;
    Ok(url)
}

/// [`validate_endpoint`] for a URL already parsed.
pub fn check_endpoint(url: &Url, allow_loopback: bool) -> Result<(), WebhookUrlError> {
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(WebhookUrlError::NotHttps(scheme.to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(WebhookUrlError::Credentials);
    }
    if url.fragment().is_some() {
        return Err(WebhookUrlError::Fragment);
    }
    let host = url.host().ok_or(WebhookUrlError::NoHost)?;
    let literal = match host {
        Host::Ipv4(address) => Some(IpAddr::V4(address)),
        Host::Ipv6(address) => Some(IpAddr::V6(address)),
        Host::Domain(_) => None,
    };
    let loopback = match (literal, &host) {
        (Some(address), _) => address.is_loopback(),
        (None, Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        (None, _) => false,
    };
    if scheme == "http" && !(allow_loopback && loopback) {
        return Err(WebhookUrlError::NotHttps(scheme.to_owned()));
    }
    if let Some(address) = literal
        && let Some(range) = refused_range(address, allow_loopback)
    {
        return Err(WebhookUrlError::PrivateAddress { address, range });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, allow_loopback: bool, expect: Result<&str, WebhookUrlError>) {
        let found = validate_endpoint(text, allow_loopback);
        let found = found.as_ref().map(Url::as_str).map_err(Clone::clone);
        assert_eq!(found, expect, "{text} (allow_loopback = {allow_loopback})");
    }

    #[test]
    fn accepted_endpoints() {
        check(
            "https://hooks.example.kz/qorgau",
            false,
            Ok("https://hooks.example.kz/qorgau"),
        );
        check(
            "https://hooks.example.kz:8443/in?x=1",
            false,
            Ok("https://hooks.example.kz:8443/in?x=1"),
        );
        check("  https://example.kz  ", false, Ok("https://example.kz/"));
        check(
            "https://93.184.216.34/hook",
            false,
            Ok("https://93.184.216.34/hook"),
        );
        check(
            "http://127.0.0.1:8080/hook",
            true,
            Ok("http://127.0.0.1:8080/hook"),
        );
        check(
            "http://localhost:8080/hook",
            true,
            Ok("http://localhost:8080/hook"),
        );
        check("http://[::1]:8080/hook", true, Ok("http://[::1]:8080/hook"));
    }

    #[test]
    fn refused_endpoints() {
        check("hooks.example.kz", false, Err(WebhookUrlError::Invalid));
        check("https://", false, Err(WebhookUrlError::NoHost));
        check(
            "http://hooks.example.kz/",
            false,
            Err(WebhookUrlError::NotHttps("http".into())),
        );
        check(
            "http://hooks.example.kz/",
            true,
            Err(WebhookUrlError::NotHttps("http".into())),
        );
        check(
            "http://127.0.0.1:8080/",
            false,
            Err(WebhookUrlError::NotHttps("http".into())),
        );
        check(
            "ftp://example.kz/",
            false,
            Err(WebhookUrlError::NotHttps("ftp".into())),
        );
        check(
            "file:///etc/passwd",
            false,
            Err(WebhookUrlError::NotHttps("file".into())),
        );
        check(
            "https://user:pass@example.kz/",
            false,
            Err(WebhookUrlError::Credentials),
        );
        check(
            "https://user@example.kz/",
            false,
            Err(WebhookUrlError::Credentials),
        );
        check(
            "https://example.kz/#top",
            false,
            Err(WebhookUrlError::Fragment),
        );
        let long = format!("https://example.kz/{}", "a".repeat(MAX_ENDPOINT_LENGTH));
        check(&long, false, Err(WebhookUrlError::TooLong));
    }

    #[test]
    fn private_literal_addresses_are_refused_in_every_spelling() {
        for text in [
            "https://127.0.0.1/",
            "https://2130706433/",
            "https://0177.0.0.1/",
            "https://[::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://10.1.2.3/",
            "https://192.168.0.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/",
        ] {
            let error = validate_endpoint(text, false).unwrap_err();
            assert!(
                matches!(error, WebhookUrlError::PrivateAddress { .. }),
                "{text}: {error:?}"
            );
        }
        // Loopback for tests opens loopback only.
        assert!(validate_endpoint("https://10.1.2.3/", true).is_err());
        assert!(validate_endpoint("https://127.0.0.1/", true).is_ok());
    }

    #[test]
    fn every_error_has_a_code_and_a_message() {
        let errors = [
            WebhookUrlError::Invalid,
            WebhookUrlError::TooLong,
            WebhookUrlError::NotHttps("ftp".into()),
            WebhookUrlError::Credentials,
            WebhookUrlError::Fragment,
            WebhookUrlError::NoHost,
            WebhookUrlError::PrivateAddress {
                address: "10.0.0.1".parse().unwrap(),
                range: "private",
            },
        ];
        let codes: std::collections::BTreeSet<_> = errors.iter().map(Explain::code).collect();
        assert_eq!(codes.len(), errors.len());
        for error in &errors {
            assert!(error.explain().id.starts_with("delivery-webhook-url-"));
        }
    }
}
