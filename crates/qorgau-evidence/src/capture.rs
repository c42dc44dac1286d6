//! Capturing a reported URL: a bounded, SSRF-safe HTTP fetch written as a
//! WARC file into the blob store, and the removal check that re-captures it.
//!
//! The capturer fetches addresses that strangers type in, so it must never
//! become a way into the authority's own network (server-side request
//! forgery). Before any connection:
//!
//! - only `http` and `https`, only ports 80 and 443 (unless the operator
//!   allows others: `allowed_ports`, `QORGAU_CAPTURE_PORTS`), no credentials
//!   in the URL;
//! - a host that is an IP address (in any spelling the WHATWG URL parser
//!   accepts: `2130706433`, `0177.0.0.1`, `[::ffff:127.0.0.1]`) is checked
//!   directly;
//! - a host name is resolved by our own resolver ([`GuardedResolver`]), which
//!   refuses the name if **any** address is not public (loopback, RFC 1918,
//!   link-local incl. 169.254.169.254, CGNAT, multicast, unspecified,
//!   documentation and reserved ranges, ULA, IPv4-mapped/compatible/NAT64/6to4
//!   forms of those). The HTTP client connects only to the addresses this
//!   resolver returned — the checked addresses themselves, so there is no
//!   window between check and connect for DNS rebinding;
//! - redirects are not followed by the client: each hop goes through the same
//!   checks; the address actually connected to is checked once more;
//! - proxies from the environment are ignored (a proxy would connect on our
//!   behalf to an address we never checked).
//!
//! Bounds: connect and read timeouts, a total deadline, a maximum body size
//! (reading stops there; the WARC records `WARC-Truncated: length`), at most N
//! redirects, and a maximum decoded size when the fingerprint inflates a
//! compressed body (a gzip bomb stops there). The client never decompresses:
//! the WARC keeps the body exactly as the server encoded it.

use std::fmt::Write as _;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use qorgau_domain::message::{Explain, Message};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::Sha256Digest;
use crate::cas::{BlobStore, CasError};
use crate::fingerprint::TextFingerprint;
use crate::warc::{Truncation, WarcRecord, WarcWriter};

/// How the capturer behaves. `Default` is production; tests and the binary's
/// `QORGAU_CAPTURE_ALLOW_LOOPBACK=1` set `allow_loopback`.
#[derive(Debug, Clone)]
pub struct CaptureConfig {
    /// Test-only: allow loopback addresses (127.0.0.0/8, ::1), and any port
    /// on a loopback address literal (`http://127.0.0.1:PORT/`), so tests can
    /// capture their own local server. Every other non-public range stays
    /// refused, and a host name still needs an allowed port.
    pub allow_loopback: bool,
    /// Ports that may be fetched (80 and 443 by default; the binary's
    /// `QORGAU_CAPTURE_PORTS`, [`parse_ports`]).
    pub allowed_ports: Vec<u16>,
    /// Test-only: answers for host names, used instead of the system
    /// resolver (a name may be listed several times for several addresses).
    /// They go through [`GuardedResolver`] exactly as real answers do, so the
    /// address checks apply to them: tests use this to make a public-looking
    /// name resolve to 127.0.0.1 or 10.0.0.5 without a DNS server. Nothing
    /// sets it from the environment or the command line.
    pub resolve_overrides: Vec<(String, IpAddr)>,
    /// Test-only: certificates (DER) trusted beside the platform's roots, so
    /// a test's own HTTPS server can be captured. Nothing sets it from the
    /// environment or the command line.
    pub extra_roots: Vec<Vec<u8>>,
    pub connect_timeout: Duration,
    /// The longest wait for any single read.
    pub read_timeout: Duration,
    /// The whole capture, all redirects included.
    pub total_timeout: Duration,
    /// The most body bytes kept per response.
    pub max_body_bytes: u64,
    /// The most bytes a compressed body may inflate to for the fingerprint.
    pub max_decoded_bytes: u64,
    pub max_redirects: u32,
    /// Says who is capturing and where to complain.
    pub user_agent: String,
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            allow_loopback: false,
            allowed_ports: DEFAULT_PORTS.to_vec(),
            resolve_overrides: Vec::new(),
            extra_roots: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            max_body_bytes: 32 * 1024 * 1024,
            max_decoded_bytes: 64 * 1024 * 1024,
            max_redirects: 5,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

/// The ports captured unless the operator allows others.
pub const DEFAULT_PORTS: [u16; 2] = [80, 443];

/// Why a list of ports was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a port number from 1 to 65535")]
pub struct InvalidPort(pub String);

/// Parses the allowed ports: numbers from 1 to 65535 separated by commas
/// (spaces around them are ignored), e.g. `80,443,8080`. The list must not be
/// empty; repeats are kept once.
pub fn parse_ports(text: &str) -> Result<Vec<u16>, InvalidPort> {
    let mut ports = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let port = match item.parse::<u16>() {
            Ok(port) if port > 0 && item.bytes().all(|byte| byte.is_ascii_digit()) => port,
            _ => return Err(InvalidPort(item.to_owned())),
        };
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    Ok(ports)
}

/// The User-Agent: names Qorgau, its purpose and a contact page.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "Qorgau-Evidence/",
    env!("CARGO_PKG_VERSION"),
    " (+https://qorgau.kz/capture; child-protection evidence capture)"
);

/// Why an address may not be fetched, or `None` when it may.
pub fn refused_range(address: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match address {
        IpAddr::V4(address) => refused_v4(address, allow_loopback),
        IpAddr::V6(address) => refused_v6(address, allow_loopback),
    }
}

fn refused_v4(address: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    let reason = if address.is_loopback() {
        if allow_loopback {
            return None;
        }
        "loopback"
    } else if a == 0 {
        "unspecified (0.0.0.0/8)"
    } else if a == 10 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168) {
        "private (RFC 1918)"
    } else if a == 169 && b == 254 {
        "link-local (169.254.0.0/16, cloud metadata)"
    } else if a == 100 && (64..=127).contains(&b) {
        "carrier-grade NAT (100.64.0.0/10)"
    } else if (224..=239).contains(&a) {
        "multicast"
    } else if a >= 240 {
        "reserved or broadcast (240.0.0.0/4)"
    } else if a == 192 && b == 0 && c == 0 {
        "IETF protocol assignments (192.0.0.0/24)"
    } else if (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        "documentation"
    } else if a == 198 && (b == 18 || b == 19) {
        "benchmarking (198.18.0.0/15)"
    } else if a == 192 && b == 88 && c == 99 {
        "6to4 relay anycast"
    } else {
        return None;
    };
    Some(reason)
}

fn refused_v6(address: Ipv6Addr, allow_loopback: bool) -> Option<&'static str> {
    let segments = address.segments();
    let octets = address.octets();
    let embedded_v4 = |start: usize| {
        Ipv4Addr::new(
            octets[start],
            octets[start + 1],
            octets[start + 2],
            octets[start + 3],
        )
    };
    if address.is_loopback() {
        return if allow_loopback {
            None
        } else {
            Some("loopback")
        };
    }
    if address.is_unspecified() {
        return Some("unspecified");
    }
    // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated):
    // judged by the IPv4 address they carry.
    if segments[..5] == [0, 0, 0, 0, 0] && (segments[5] == 0xffff || segments[5] == 0) {
        return refused_v4(embedded_v4(12), allow_loopback);
    }
    // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return refused_v4(embedded_v4(12), allow_loopback);
    }
    // 2002::/16 (6to4) carries one in bits 16–48.
    if segments[0] == 0x2002 {
        return refused_v4(embedded_v4(2), allow_loopback);
    }
    let reason = if segments[0] & 0xfe00 == 0xfc00 {
        "unique local (fc00::/7)"
    } else if segments[0] & 0xffc0 == 0xfe80 {
        "link-local (fe80::/10)"
    } else if segments[0] & 0xffc0 == 0xfec0 {
        "site-local (fec0::/10)"
    } else if segments[0] & 0xff00 == 0xff00 {
        "multicast"
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        "documentation (2001:db8::/32)"
    } else if segments[0] == 0x2001 && segments[1] == 0 {
        "Teredo (2001::/32)"
    } else if segments[..4] == [0x100, 0, 0, 0] {
        "discard-only (100::/64)"
    } else if segments[0] & 0xe000 != 0x2000 {
        // Only 2000::/3 is global unicast today.
        "not global unicast"
    } else {
        return None;
    };
    Some(reason)
}

/// A refusal raised inside the resolver, found again in the client's error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{host} resolves to {address}, which is {range}")]
struct AddressRefused {
    host: String,
    address: IpAddr,
    range: &'static str,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot resolve {host}: {detail}")]
struct ResolutionFailed {
    host: String,
    detail: String,
}

/// The capturer's DNS resolver: resolves with the system resolver and
/// returns the addresses only if every one of them is public. The HTTP client
/// connects to exactly these addresses.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow_loopback: bool,
    /// Test-only answers ([`CaptureConfig::resolve_overrides`]).
    overrides: Arc<Vec<(String, IpAddr)>>,
    /// Where a capture notes what each name resolved to, for its WARC.
    seen: Option<Arc<Seen>>,
}

impl GuardedResolver {
    /// The same address policy for other outbound clients (webhook delivery).
    pub fn new(allow_loopback: bool) -> GuardedResolver {
        GuardedResolver {
            allow_loopback,
            overrides: Arc::new(Vec::new()),
            seen: None,
        }
    }

    /// The overridden answer for `host`, if tests gave one.
    fn overridden(&self, host: &str) -> Option<Vec<SocketAddr>> {
        let addresses: Vec<SocketAddr> = self
            .overrides
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(host))
            .map(|(_, address)| SocketAddr::new(*address, 0))
            .collect();
        (!addresses.is_empty()).then_some(addresses)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        let host = name.as_str().to_owned();
        let overridden = self.overridden(&host);
        let seen = self.seen.clone();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = match overridden {
                Some(addresses) => addresses,
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|error| ResolutionFailed {
                        host: host.clone(),
                        detail: error.to_string(),
                    })?
                    .collect(),
            };
            if addresses.is_empty() {
                return Err(Box::new(ResolutionFailed {
                    host,
                    detail: "no addresses".to_owned(),
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            // Every address the name resolved to is part of the record, the
            // refused ones too (the capture's error names the first).
            if let Some(seen) = &seen {
                seen.resolved(&host, addresses.iter().map(SocketAddr::ip).collect());
            }
            // A name with one private address among public ones is refused
            // whole: which one the client would pick is not ours to guess.
            for address in &addresses {
                if let Some(range) = refused_range(address.ip(), allow_loopback) {
                    return Err(Box::new(AddressRefused {
                        host: host.clone(),
                        address: address.ip(),
                        range,
                    })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// What one capture's connections saw below HTTP: each name's resolved
/// addresses and each TLS server's presented certificate chain. One per
/// capture (its own HTTP client), so nothing of another capture mixes in.
#[derive(Debug, Default)]
struct Seen {
    /// Host name → every address it resolved to, in the resolver's order.
    resolved: Mutex<Vec<(String, Vec<IpAddr>)>>,
    /// TLS server name → the chain it presented (end entity first, then
    /// the intermediates as sent), DER. Recorded once the chain verified.
    chains: Mutex<Vec<(String, Vec<Vec<u8>>)>>,
}

impl Seen {
    fn resolved(&self, host: &str, addresses: Vec<IpAddr>) {
        if let Ok(mut resolved) = self.resolved.lock() {
            resolved.retain(|(name, _)| !name.eq_ignore_ascii_case(host));
            resolved.push((host.to_owned(), addresses));
        }
    }

    fn addresses_of(&self, host: &str) -> Option<Vec<IpAddr>> {
        let resolved = self.resolved.lock().ok()?;
        resolved
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(host))
            .map(|(_, addresses)| addresses.clone())
    }

    fn presented(&self, server_name: &str, chain: Vec<Vec<u8>>) {
        if let Ok(mut chains) = self.chains.lock() {
            chains.retain(|(name, _)| !name.eq_ignore_ascii_case(server_name));
            chains.push((server_name.to_owned(), chain));
        }
    }

    /// The chain `server_name` presented, if its end entity is `leaf` (the
    /// certificate of the connection the response came over).
    fn chain_of(&self, server_name: &str, leaf: &[u8]) -> Option<Vec<Vec<u8>>> {
        let chains = self.chains.lock().ok()?;
        chains
            .iter()
            .find(|(name, chain)| {
                name.eq_ignore_ascii_case(server_name)
                    && chain.first().is_some_and(|first| first.as_slice() == leaf)
            })
            .map(|(_, chain)| chain.clone())
    }
}

/// The configured certificate verifier, unchanged, that also notes the chain
/// each server presented: rustls hands a verifier the end entity and the
/// intermediates as sent, while the HTTP client's `TlsInfo` keeps only the
/// end entity.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<dyn rustls::client::danger::ServerCertVerifier>,
    seen: Arc<Seen>,
}

impl rustls::client::danger::ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|certificate| certificate.as_ref().to_vec())
            .collect();
        self.seen.presented(&server_name.to_str(), chain);
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &rustls::pki_types::CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner
            .verify_tls12_signature(message, certificate, signature)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &rustls::pki_types::CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.inner
            .verify_tls13_signature(message, certificate, signature)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// Why a capture produced no WARC. `reason()` is the stable code recorded in
/// the case's `evidence_capture_failed` event and the API's `reason`.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("not a valid URL: {0}")]
    InvalidUrl(String),
    #[error("the scheme {0} is not http or https")]
    SchemeNotAllowed(String),
    #[error("port {0} is not allowed")]
    PortNotAllowed(u16),
    #[error("cannot resolve the host name: {0}")]
    Dns(String),
    #[error("the address {address} of {host} is {range}; it is never fetched")]
    RefusedAddress {
        host: String,
        address: IpAddr,
        range: &'static str,
    },
    #[error("no answer within the time limit")]
    Timeout,
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("the TLS handshake failed: {0}")]
    Tls(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("the server's answer is not valid HTTP: {0}")]
    Protocol(String),
    #[error("the capture could not be stored: {0}")]
    Store(#[from] CasError),
}

impl CaptureError {
    /// The stable reason code (`dns`, `refused_address`, `timeout`, …).
    pub fn reason(&self) -> &'static str {
        match self {
            CaptureError::InvalidUrl(_) => "invalid_url",
            CaptureError::SchemeNotAllowed(_) => "scheme_not_allowed",
            CaptureError::PortNotAllowed(_) => "port_not_allowed",
            CaptureError::Dns(_) => "dns",
            CaptureError::RefusedAddress { .. } => "refused_address",
            CaptureError::Timeout => "timeout",
            CaptureError::Connect(_) => "connect",
            CaptureError::Tls(_) => "tls",
            CaptureError::TooManyRedirects(_) => "too_many_redirects",
            CaptureError::Protocol(_) => "protocol",
            CaptureError::Store(_) => "store",
        }
    }

    /// Whether a later retry may succeed (the job retries these with backoff).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CaptureError::Dns(_)
                | CaptureError::Timeout
                | CaptureError::Connect(_)
                | CaptureError::Tls(_)
                | CaptureError::Protocol(_)
                | CaptureError::Store(_)
        )
    }
}

impl Explain for CaptureError {
    fn code(&self) -> &'static str {
        self.reason()
    }

    fn explain(&self) -> Message {
        match self {
            CaptureError::InvalidUrl(url) => {
                Message::new("evidence-capture-invalid-url").with("url", url.as_str())
            }
            CaptureError::SchemeNotAllowed(scheme) => {
                Message::new("evidence-capture-scheme").with("scheme", scheme.as_str())
            }
            CaptureError::PortNotAllowed(port) => {
                Message::new("evidence-capture-port").with("port", i64::from(*port))
            }
            CaptureError::Dns(detail) => {
                Message::new("evidence-capture-dns").with("detail", detail.as_str())
            }
            CaptureError::RefusedAddress { host, address, .. } => {
                Message::new("evidence-capture-refused-address")
                    .with("host", host.as_str())
                    .with("address", address.to_string())
            }
            CaptureError::Timeout => Message::new("evidence-capture-timeout"),
            CaptureError::Connect(detail) => {
                Message::new("evidence-capture-connect").with("detail", detail.as_str())
            }
            CaptureError::Tls(detail) => {
                Message::new("evidence-capture-tls").with("detail", detail.as_str())
            }
            CaptureError::TooManyRedirects(limit) => {
                Message::new("evidence-capture-too-many-redirects").with("limit", i64::from(*limit))
            }
            CaptureError::Protocol(detail) => {
                Message::new("evidence-capture-protocol").with("detail", detail.as_str())
            }
            CaptureError::Store(error) => {
                Message::new("evidence-capture-store").with("detail", error.to_string())
            }
        }
    }
}

/// A redirect the capture followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub url: String,
    pub status: u16,
    pub location: String,
}

/// What a page looked like, for comparing later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFingerprint {
    /// SHA-256 of the decoded body (what a reader sees).
    pub content_digest: Sha256Digest,
    /// The visible text's fingerprint, for HTML and plain text.
    pub text: Option<TextFingerprint>,
}

/// A capture that produced a WARC file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capture {
    /// The WARC file in the blob store.
    pub warc_digest: Sha256Digest,
    pub warc_size: u64,
    pub requested_url: String,
    pub final_url: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// The final response's body as received (`WARC-Payload-Digest`).
    pub payload_digest: Sha256Digest,
    pub payload_size: u64,
    /// The address the final response came from.
    pub remote_address: Option<IpAddr>,
    pub redirects: Vec<Redirect>,
    /// Set when the body was cut short (it is still evidence).
    pub truncated: Option<Truncation>,
    /// Set when inflating the body for the fingerprint hit the limit.
    pub decoded_truncated: bool,
    pub fingerprint: PageFingerprint,
    pub captured_at: Timestamp,
}

/// What is wrong with a capture that nonetheless produced a WARC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureProblem {
    /// The final status is not 2xx (a 403 login wall, a 404, a 500).
    HttpStatus(u16),
    /// The body was longer than the maximum; the start is kept.
    TooLarge,
    /// The body was still arriving at the deadline; the start is kept.
    Timeout,
    /// The connection broke mid-body; the start is kept.
    Disconnected,
    /// The compressed body inflates past the limit (a decompression bomb).
    DecompressionLimit,
}

impl CaptureProblem {
    pub fn reason(self) -> &'static str {
        match self {
            CaptureProblem::HttpStatus(_) => "http_status",
            CaptureProblem::TooLarge => "too_large",
            CaptureProblem::Timeout => "timeout",
            CaptureProblem::Disconnected => "disconnected",
            CaptureProblem::DecompressionLimit => "decompression_limit",
        }
    }

    /// Whether capturing again later may give a clean capture: the server
    /// answered with an error (a login wall, 429, a 5xx — or a 404 that may
    /// be a hiccup), or the body was cut by time or a broken connection. A
    /// body too large or a decompression bomb will be the same next time.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            CaptureProblem::HttpStatus(_) | CaptureProblem::Timeout | CaptureProblem::Disconnected
        )
    }
}

impl Explain for CaptureProblem {
    fn code(&self) -> &'static str {
        self.reason()
    }

    fn explain(&self) -> Message {
        match self {
            CaptureProblem::HttpStatus(status) => {
                Message::new("evidence-problem-http-status").with("status", i64::from(*status))
            }
            CaptureProblem::TooLarge => Message::new("evidence-problem-too-large"),
            CaptureProblem::Timeout => Message::new("evidence-problem-timeout"),
            CaptureProblem::Disconnected => Message::new("evidence-problem-disconnected"),
            CaptureProblem::DecompressionLimit => {
                Message::new("evidence-problem-decompression-limit")
            }
        }
    }
}

impl Capture {
    /// The capture's problem, if any: the evidence list shows it as
    /// `status: failed` with this reason while keeping the WARC.
    pub fn problem(&self) -> Option<CaptureProblem> {
        if !(200..300).contains(&self.status) {
            return Some(CaptureProblem::HttpStatus(self.status));
        }
        match self.truncated {
            Some(Truncation::Length) => return Some(CaptureProblem::TooLarge),
            Some(Truncation::Time) => return Some(CaptureProblem::Timeout),
            Some(Truncation::Disconnect) => return Some(CaptureProblem::Disconnected),
            None => {}
        }
        if self.decoded_truncated {
            return Some(CaptureProblem::DecompressionLimit);
        }
        None
    }
}

/// One request and its response, as exchanged.
struct Exchange {
    url: Url,
    request: Vec<u8>,
    response_head: Vec<u8>,
    body: Vec<u8>,
    status: u16,
    remote_address: Option<IpAddr>,
    truncated: Option<Truncation>,
    content_type: Option<String>,
    content_encoding: Option<String>,
    tls_certificate: Option<Vec<u8>>,
    /// Every address the host name resolved to (none for an address literal,
    /// or a connection the client reused without resolving).
    resolved_addresses: Option<Vec<IpAddr>>,
    /// The chain the TLS server presented, end entity first.
    tls_chain: Option<Vec<Vec<u8>>>,
}

/// The capturer. Each capture gets an HTTP client of its own (cheap: the
/// TLS roots and settings are built once, here), so what its resolver and
/// certificate verifier saw belongs to that capture alone, and no connection
/// is reused from another capture.
#[derive(Debug, Clone)]
pub struct Capturer {
    provider: Arc<rustls::crypto::CryptoProvider>,
    verifier: Arc<dyn rustls::client::danger::ServerCertVerifier>,
    overrides: Arc<Vec<(String, IpAddr)>>,
    config: Arc<CaptureConfig>,
}

const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const ACCEPT_LANGUAGE: &str = "kk,ru;q=0.9,en;q=0.8";
const ACCEPT_ENCODING: &str = "gzip, deflate";

impl Capturer {
    pub fn new(config: CaptureConfig) -> Result<Capturer, CaptureError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let extra_roots = config
            .extra_roots
            .iter()
            .map(|der| rustls::pki_types::CertificateDer::from(der.clone()));
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
                .map_err(|error| CaptureError::Tls(error.to_string()))?;
        let capturer = Capturer {
            provider,
            verifier: Arc::new(verifier),
            overrides: Arc::new(config.resolve_overrides.clone()),
            config: Arc::new(config),
        };
        // A setting the client refuses shows now, not at the first capture.
        capturer.client(&Arc::new(Seen::default()))?;
        Ok(capturer)
    }

    /// One capture's HTTP client: our resolver and the configured verifier,
    /// both noting what they saw in `seen`.
    fn client(&self, seen: &Arc<Seen>) -> Result<reqwest::Client, CaptureError> {
        let verifier = RecordingVerifier {
            inner: self.verifier.clone(),
            seen: seen.clone(),
        };
        let mut tls = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|error| CaptureError::Tls(error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .tls_info(true)
            .dns_resolver(GuardedResolver {
                allow_loopback: self.config.allow_loopback,
                overrides: self.overrides.clone(),
                seen: Some(seen.clone()),
            })
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.config.connect_timeout)
            .read_timeout(self.config.read_timeout)
            .http1_only()
            .build()
            .map_err(|error| CaptureError::Connect(error.to_string()))
    }

    pub fn config(&self) -> &CaptureConfig {
        &self.config
    }

    /// Checks a URL before anything is sent: scheme, credentials, port, and
    /// the host when it is an IP address.
    pub fn check_url(&self, text: &str) -> Result<Url, CaptureError> {
        let url = Url::parse(text.trim()).map_err(|_| CaptureError::InvalidUrl(text.to_owned()))?;
        self.check_parsed(&url)?;
        Ok(url)
    }

    fn check_parsed(&self, url: &Url) -> Result<(), CaptureError> {
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(CaptureError::SchemeNotAllowed(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CaptureError::InvalidUrl(url.to_string()));
        }
        let port = url
            .port_or_known_default()
            .ok_or_else(|| CaptureError::InvalidUrl(url.to_string()))?;
        let host = url
            .host()
            .ok_or_else(|| CaptureError::InvalidUrl(url.to_string()))?;
        let literal = match host {
            Host::Ipv4(address) => Some(IpAddr::V4(address)),
            Host::Ipv6(address) => Some(IpAddr::V6(address)),
            Host::Domain(_) => None,
        };
        // Test servers listen on port 0: with loopback allowed, a loopback
        // address literal may use any port. A name never may — what it
        // resolves to is not known yet.
        let test_server = self.config.allow_loopback
            && literal.is_some_and(|address| refused_range(address, false) == Some("loopback"));
        if !test_server && !self.config.allowed_ports.contains(&port) {
            return Err(CaptureError::PortNotAllowed(port));
        }
        if let Some(address) = literal
            && let Some(range) = refused_range(address, self.config.allow_loopback)
        {
            return Err(CaptureError::RefusedAddress {
                host: url.host_str().unwrap_or_default().to_owned(),
                address,
                range,
            });
        }
        Ok(())
    }

    /// Captures `url` into a WARC file in `blobs`. `now` is the capture's
    /// time (WARC-Date); `case_reference` is written into the metadata record
    /// (an opaque reference such as the case number — never a person's data).
    /// The blob is written on a blocking thread and its sync awaited
    /// ([`BlobStore::put_async`]), so captures running side by side neither
    /// stall the async runtime nor park a thread each.
    pub async fn capture(
        &self,
        url: &str,
        case_reference: &str,
        now: Timestamp,
        blobs: Arc<dyn BlobStore>,
    ) -> Result<Capture, CaptureError> {
        let requested = self.check_url(url)?;
        let deadline = tokio::time::Instant::now() + self.config.total_timeout;
        let seen = Arc::new(Seen::default());
        let client = self.client(&seen)?;
        let mut exchanges: Vec<Exchange> = Vec::new();
        let mut redirects = Vec::new();
        let mut current = requested.clone();
        loop {
            let exchange = self.exchange(&client, &seen, &current, deadline).await?;
            let location = redirect_location(&exchange);
            let status = exchange.status;
            exchanges.push(exchange);
            let Some(location) = location else { break };
            if redirects.len() as u32 >= self.config.max_redirects {
                return Err(CaptureError::TooManyRedirects(self.config.max_redirects));
            }
            let next = current
                .join(&location)
                .map_err(|_| CaptureError::InvalidUrl(location.clone()))?;
            // Every hop is checked like the first URL.
            self.check_parsed(&next)?;
            redirects.push(Redirect {
                url: current.to_string(),
                status,
                location: next.to_string(),
            });
            current = next;
        }
        let Some(last) = exchanges.last() else {
            return Err(CaptureError::Protocol("no response".to_owned()));
        };

        let (decoded, decoded_truncated) = decode_body(
            &last.body,
            last.content_encoding.as_deref(),
            self.config.max_decoded_bytes,
        );
        let payload_digest = Sha256Digest::of(&last.body);
        let fingerprint = PageFingerprint {
            // Most pages come without a content coding: the same bytes.
            content_digest: if decoded == last.body {
                payload_digest
            } else {
                Sha256Digest::of(&decoded)
            },
            text: text_fingerprint(last.content_type.as_deref(), &decoded),
        };
        let warc = write_warc(
            &exchanges,
            &redirects,
            case_reference,
            now,
            &self.config.user_agent,
        )
        .map_err(|error| {
            CaptureError::Store(CasError::Io {
                path: "WARC".to_owned(),
                source: error,
            })
        })?;
        let warc_size = warc.len() as u64;
        let warc_digest = blobs.put_async(warc).await?;
        Ok(Capture {
            warc_digest,
            warc_size,
            requested_url: requested.to_string(),
            final_url: last.url.to_string(),
            status: last.status,
            content_type: last.content_type.clone(),
            payload_digest,
            payload_size: last.body.len() as u64,
            remote_address: last.remote_address,
            redirects,
            truncated: last.truncated,
            decoded_truncated,
            fingerprint,
            captured_at: now,
        })
    }

    /// One request and its response, bounded by `deadline`.
    async fn exchange(
        &self,
        client: &reqwest::Client,
        seen: &Seen,
        url: &Url,
        deadline: tokio::time::Instant,
    ) -> Result<Exchange, CaptureError> {
        let request_bytes = request_block(url, &self.config.user_agent);
        let request = client
            .get(url.clone())
            .header(reqwest::header::USER_AGENT, &self.config.user_agent)
            .header(reqwest::header::ACCEPT, ACCEPT)
            .header(reqwest::header::ACCEPT_LANGUAGE, ACCEPT_LANGUAGE)
            .header(reqwest::header::ACCEPT_ENCODING, ACCEPT_ENCODING)
            .send();
        let mut response = match tokio::time::timeout_at(deadline, request).await {
            Err(_) => return Err(CaptureError::Timeout),
            Ok(Err(error)) => return Err(classify_client_error(&error)),
            Ok(Ok(response)) => response,
        };
        // The resolver returned only public addresses and the client connects
        // only to those; checking the peer again costs nothing.
        let remote_address = response.remote_addr().map(|address| address.ip());
        if let Some(address) = remote_address
            && let Some(range) = refused_range(address, self.config.allow_loopback)
        {
            return Err(CaptureError::RefusedAddress {
                host: url.host_str().unwrap_or_default().to_owned(),
                address,
                range,
            });
        }
        let status = response.status().as_u16();
        let header_text = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header_text(reqwest::header::CONTENT_TYPE);
        let content_encoding = header_text(reqwest::header::CONTENT_ENCODING);
        let tls_certificate = response
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|info| info.peer_certificate())
            .map(<[u8]>::to_vec);
        let host = match url.host() {
            Some(Host::Domain(name)) => Some(name.to_owned()),
            _ => None,
        };
        let resolved_addresses = host.as_deref().and_then(|name| seen.addresses_of(name));
        let tls_chain = match (&tls_certificate, url.host_str()) {
            (Some(leaf), Some(server_name)) => {
                // rustls names an IPv6 server without brackets.
                let server_name = server_name.trim_start_matches('[').trim_end_matches(']');
                seen.chain_of(server_name, leaf)
            }
            _ => None,
        };
        let response_head = response_head(&response);

        let limit = self.config.max_body_bytes;
        // Room for the announced length up front, up to 1 MiB: a server may
        // announce anything, and larger bodies grow as they arrive.
        let announced = response
            .content_length()
            .unwrap_or(0)
            .min(limit.min(1 << 20));
        let mut body: Vec<u8> = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
        let mut truncated = None;
        loop {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => {
                    truncated = Some(Truncation::Time);
                    break;
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => {
                    let room = usize::try_from(limit.saturating_sub(body.len() as u64))
                        .unwrap_or(usize::MAX);
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = Some(Truncation::Length);
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(Err(error)) => {
                    truncated = Some(if error.is_timeout() {
                        Truncation::Time
                    } else {
                        Truncation::Disconnect
                    });
                    break;
                }
            }
        }
        Ok(Exchange {
            url: url.clone(),
            request: request_bytes,
            response_head,
            body,
            status,
            remote_address,
            truncated,
            content_type,
            content_encoding,
            tls_certificate,
            resolved_addresses,
            tls_chain,
        })
    }
}

fn redirect_location(exchange: &Exchange) -> Option<String> {
    if !matches!(exchange.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let head = String::from_utf8_lossy(&exchange.response_head);
    head.split("\r\n").skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("location")
            .then(|| value.trim().to_owned())
    })
}

/// Maps the HTTP client's error to a reason, finding our resolver's refusal
/// and rustls' errors in its source chain.
fn classify_client_error(error: &reqwest::Error) -> CaptureError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(refused) = current.downcast_ref::<AddressRefused>() {
            return CaptureError::RefusedAddress {
                host: refused.host.clone(),
                address: refused.address,
                range: refused.range,
            };
        }
        if let Some(failed) = current.downcast_ref::<ResolutionFailed>() {
            return CaptureError::Dns(failed.to_string());
        }
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return CaptureError::Tls(tls.to_string());
        }
        // `io::Error::source` skips the error it wraps, so look inside
        // (hyper wraps rustls' error in two io::Errors).
        let mut wrapped = current.downcast_ref::<std::io::Error>();
        while let Some(inner) = wrapped.and_then(std::io::Error::get_ref) {
            if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                return CaptureError::Tls(tls.to_string());
            }
            wrapped = inner.downcast_ref::<std::io::Error>();
        }
        source = current.source();
    }
    if error.is_timeout() {
        return CaptureError::Timeout;
    }
    let detail = error_chain(error);
    if error.is_connect() {
        CaptureError::Connect(detail)
    } else {
        CaptureError::Protocol(detail)
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        let _ = write!(text, ": {current}");
        source = current.source();
    }
    text
}

/// The request as sent, for the WARC `request` record.
fn request_block(url: &Url, user_agent: &str) -> Vec<u8> {
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    };
    format!(
        "GET {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {user_agent}\r\naccept: {ACCEPT}\r\naccept-language: {ACCEPT_LANGUAGE}\r\naccept-encoding: {ACCEPT_ENCODING}\r\n\r\n"
    )
    .into_bytes()
}

/// The status line and headers as received. The client removes chunked
/// framing from the body it hands us, so a `Transfer-Encoding` header is kept
/// under another name: a WARC reader must not de-chunk a body that is not
/// chunked any more.
fn response_head(response: &reqwest::Response) -> Vec<u8> {
    let version = match response.version() {
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let status = response.status();
    let mut head = format!(
        "{version} {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in response.headers() {
        if name == reqwest::header::TRANSFER_ENCODING {
            head.extend_from_slice(b"x-qorgau-original-transfer-encoding");
        } else {
            head.extend_from_slice(name.as_str().as_bytes());
        }
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Inflates a gzip or deflate body up to `limit` bytes. Returns the decoded
/// bytes and whether the limit cut them short. Unknown encodings and corrupt
/// streams give back what was decoded (or the raw bytes).
fn decode_body(body: &[u8], encoding: Option<&str>, limit: u64) -> (Vec<u8>, bool) {
    let encoding = encoding.map(|text| text.trim().to_ascii_lowercase());
    let mut decoded = Vec::new();
    let result = match encoding.as_deref() {
        Some("gzip") | Some("x-gzip") => flate2::read::MultiGzDecoder::new(body)
            .take(limit + 1)
            .read_to_end(&mut decoded),
        Some("deflate") => {
            // "deflate" in HTTP is zlib-wrapped; some servers send raw deflate.
            let zlib = flate2::read::ZlibDecoder::new(body)
                .take(limit + 1)
                .read_to_end(&mut decoded);
            if zlib.is_err() {
                decoded.clear();
                flate2::read::DeflateDecoder::new(body)
                    .take(limit + 1)
                    .read_to_end(&mut decoded)
            } else {
                zlib
            }
        }
        _ => {
            let keep = usize::try_from(limit).unwrap_or(usize::MAX).min(body.len());
            return (body[..keep].to_vec(), body.len() as u64 > limit);
        }
    };
    // A corrupt or cut stream (a truncated capture) still yields what was
    // decoded before the error: the fingerprint uses that.
    drop(result);
    let over = decoded.len() as u64 > limit;
    decoded.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    (decoded, over)
}

/// The text fingerprint of HTML and plain-text bodies; `None` for others
/// (images, video), which are compared by content digest.
fn text_fingerprint(content_type: Option<&str>, decoded: &[u8]) -> Option<TextFingerprint> {
    let media_type = content_type
        .and_then(|text| text.split(';').next())
        .map(|text| text.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(decoded);
    match media_type.as_str() {
        "text/html" | "application/xhtml+xml" => Some(TextFingerprint::of_html(&text)),
        "text/plain" | "application/json" | "text/markdown" => {
            Some(TextFingerprint::of_text(&text))
        }
        // No type: sniff for markup, as browsers do.
        "" if text.trim_start().starts_with('<') => Some(TextFingerprint::of_html(&text)),
        _ => None,
    }
}

fn write_warc(
    exchanges: &[Exchange],
    redirects: &[Redirect],
    case_reference: &str,
    now: Timestamp,
    user_agent: &str,
) -> std::io::Result<Vec<u8>> {
    let mut writer = WarcWriter::new(Vec::new());
    let info = WarcRecord::warcinfo(
        now,
        "capture.warc.gz",
        &[
            (
                "software",
                format!("qorgau-evidence/{}", env!("CARGO_PKG_VERSION")),
            ),
            ("format", "WARC File Format 1.1".to_owned()),
            (
                "conformsTo",
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                    .to_owned(),
            ),
            ("http-header-user-agent", user_agent.to_owned()),
            ("robots", "ignore".to_owned()),
        ],
    )?;
    writer.write(&info)?;
    let mut last_response_id = info.record_id.clone();
    let mut metadata_fields: Vec<(&str, String)> = Vec::new();
    metadata_fields.push(("case-reference", case_reference.to_owned()));
    for exchange in exchanges {
        let uri = exchange.url.as_str();
        let mut response = WarcRecord::response(uri, now, &exchange.response_head, &exchange.body)?
            .with_field("WARC-Warcinfo-ID", &info.record_id);
        if let Some(address) = exchange.remote_address {
            response = response.with_field("WARC-IP-Address", &address.to_string());
        }
        if let Some(truncation) = exchange.truncated {
            response = response.with_field("WARC-Truncated", truncation.as_str());
        }
        let mut request = WarcRecord::request(uri, now, exchange.request.clone())?
            .with_field("WARC-Warcinfo-ID", &info.record_id)
            .with_field("WARC-Concurrent-To", &response.record_id);
        if let Some(address) = exchange.remote_address {
            request = request.with_field("WARC-IP-Address", &address.to_string());
        }
        writer.write(&request)?;
        writer.write(&response)?;
        last_response_id = response.record_id.clone();
        if let Some(address) = exchange.remote_address {
            metadata_fields.push(("resolved-ip", format!("{uri} {address}")));
        }
        if let Some(addresses) = &exchange.resolved_addresses {
            let mut line = uri.to_owned();
            for address in addresses {
                let _ = write!(line, " {address}");
            }
            metadata_fields.push(("resolved-addresses", line));
        }
        if let Some(certificate) = &exchange.tls_certificate {
            metadata_fields.push((
                "tls-peer-certificate-sha256",
                format!("{uri} {}", Sha256Digest::of(certificate)),
            ));
            metadata_fields.push((
                "tls-peer-certificate",
                format!("{uri} {}", data_encoding::BASE64.encode(certificate)),
            ));
        }
        // The whole chain as presented, end entity first (position 0).
        for (position, certificate) in exchange.tls_chain.iter().flatten().enumerate() {
            metadata_fields.push((
                "tls-chain-certificate",
                format!(
                    "{uri} {position} {} {}",
                    Sha256Digest::of(certificate),
                    data_encoding::BASE64.encode(certificate)
                ),
            ));
        }
    }
    for redirect in redirects {
        metadata_fields.push((
            "redirect",
            format!("{} {} {}", redirect.status, redirect.url, redirect.location),
        ));
    }
    if let Some(last) = exchanges.last() {
        if let Some(truncation) = last.truncated {
            metadata_fields.push(("truncated", truncation.as_str().to_owned()));
        }
        let metadata =
            WarcRecord::metadata(last.url.as_str(), now, &last_response_id, &metadata_fields)?
                .with_field("WARC-Warcinfo-ID", &info.record_id);
        writer.write(&metadata)?;
    }
    writer.finish()
}

/// The outcome of a removal check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Removal {
    /// Gone: 404, 410 or 451, or the original content is no longer on the page.
    Removed { reason: String },
    /// The original content is still there.
    StillPresent { containment: f64 },
    /// Cannot tell: the page could not be fetched, or answered with another
    /// error (a login wall, a server error).
    Unreachable { reason: String },
}

/// The share of the original page's text that must remain for the content to
/// count as still present. Whole pages are compared (we cannot know which
/// part of the page was the harmful content), so navigation and footers that
/// survive a removal keep the share above zero; half is well above that and
/// well below an unchanged page with new comments around it.
pub const STILL_PRESENT_THRESHOLD: f64 = 0.5;

/// Classifies a re-capture against the original capture's fingerprint.
pub fn classify_removal(
    original: &PageFingerprint,
    recapture: Result<&Capture, &CaptureError>,
) -> Removal {
    let capture = match recapture {
        Ok(capture) => capture,
        Err(error) => {
            return Removal::Unreachable {
                reason: error.reason().to_owned(),
            };
        }
    };
    match capture.status {
        404 | 410 | 451 => {
            return Removal::Removed {
                reason: format!("http_{}", capture.status),
            };
        }
        200..=299 => {}
        status => {
            return Removal::Unreachable {
                reason: format!("http_{status}"),
            };
        }
    }
    let later = &capture.fingerprint;
    if later.content_digest == original.content_digest {
        return Removal::StillPresent { containment: 1.0 };
    }
    // A body cut by the deadline or a broken connection shows only its
    // start: the content may be further down. What it shows can prove
    // presence, never absence.
    let cut = match capture.truncated {
        Some(Truncation::Time) => Some(CaptureProblem::Timeout),
        Some(Truncation::Disconnect) => Some(CaptureProblem::Disconnected),
        Some(Truncation::Length) | None => None,
    };
    let unproven = |removal: Removal| match (removal, cut) {
        (Removal::Removed { .. }, Some(problem)) => Removal::Unreachable {
            reason: problem.reason().to_owned(),
        },
        (removal, _) => removal,
    };
    unproven(match (&original.text, &later.text) {
        (Some(before), Some(after)) => match before.containment_in(after) {
            Some(share) if share >= STILL_PRESENT_THRESHOLD => {
                Removal::StillPresent { containment: share }
            }
            Some(_) => Removal::Removed {
                reason: "content_gone".to_owned(),
            },
            // The original had no text to look for; the bytes changed.
            None => Removal::Removed {
                reason: "content_changed".to_owned(),
            },
        },
        // A non-text original (an image) is present only byte for byte.
        _ => Removal::Removed {
            reason: "content_changed".to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(address: &str, allow_loopback: bool) -> Option<&'static str> {
        refused_range(address.parse().unwrap(), allow_loopback)
    }

    #[test]
    fn public_addresses_pass() {
        for address in [
            "93.184.216.34",
            "8.8.8.8",
            "2a00:1450:4001:80b::200e",
            "1.1.1.1",
        ] {
            assert_eq!(check(address, false), None, "{address}");
        }
    }

    #[test]
    fn non_public_addresses_are_refused() {
        for address in [
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:0001::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(check(address, false).is_some(), "{address} passed");
        }
    }

    #[test]
    fn allowing_loopback_allows_only_loopback() {
        for address in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(check(address, true), None, "{address}");
        }
        for address in ["10.0.0.1", "169.254.169.254", "fc00::1", "0.0.0.0"] {
            assert!(check(address, true).is_some(), "{address}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_connection() {
        let capturer = Capturer::new(CaptureConfig::default()).unwrap();
        let reason = |url: &str| capturer.check_url(url).err().map(|error| error.reason());
        assert_eq!(reason("https://example.com/post/1"), None);
        assert_eq!(reason("http://example.com:80/"), None);
        assert_eq!(reason("ftp://example.com/"), Some("scheme_not_allowed"));
        assert_eq!(reason("file:///etc/passwd"), Some("scheme_not_allowed"));
        assert_eq!(reason("gopher://example.com/"), Some("scheme_not_allowed"));
        assert_eq!(reason("http://example.com:8080/"), Some("port_not_allowed"));
        // Loopback allowed (tests): any port on a loopback address literal,
        // never on a name or another address.
        let testing = Capturer::new(CaptureConfig {
            allow_loopback: true,
            ..CaptureConfig::default()
        })
        .unwrap();
        let testing = |url: &str| testing.check_url(url).err().map(|error| error.reason());
        assert_eq!(testing("http://127.0.0.1:8123/"), None);
        assert_eq!(testing("http://[::1]:8123/"), None);
        assert_eq!(testing("http://localhost:8123/"), Some("port_not_allowed"));
        assert_eq!(
            testing("http://example.com:8123/"),
            Some("port_not_allowed")
        );
        assert_eq!(testing("http://10.0.0.5:8123/"), Some("port_not_allowed"));
        assert_eq!(
            reason("http://user:secret@example.com/"),
            Some("invalid_url")
        );
        assert_eq!(reason("not a url"), Some("invalid_url"));
        // Every spelling of loopback the URL standard turns into 127.0.0.1.
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/",
        ] {
            assert_eq!(reason(url), Some("refused_address"), "{url}");
        }
    }

    /// A stand-in for the platform verifier: accepts or refuses every chain.
    #[derive(Debug)]
    struct Verdict(bool);

    impl rustls::client::danger::ServerCertVerifier for Verdict {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            if self.0 {
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            } else {
                Err(rustls::Error::General("untrusted".to_owned()))
            }
        }

        fn verify_tls12_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
        }

        fn verify_tls13_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            vec![rustls::SignatureScheme::ED25519]
        }
    }

    /// The verifier notes the chain a server presented — end entity, then
    /// the intermediates as sent — once it verified, and only then; the
    /// response finds it by server name and its own leaf.
    #[test]
    fn the_presented_chain_is_noted_once_it_verifies() {
        use rustls::client::danger::ServerCertVerifier;
        use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
        let (leaf, intermediate, cross) = (vec![1u8, 1], vec![2u8, 2], vec![3u8, 3]);
        let chain = [
            CertificateDer::from(intermediate.clone()),
            CertificateDer::from(cross.clone()),
        ];
        let name = ServerName::try_from("evidence.example.org").unwrap();
        for trusted in [false, true] {
            let seen = Arc::new(Seen::default());
            let verifier = RecordingVerifier {
                inner: Arc::new(Verdict(trusted)),
                seen: seen.clone(),
            };
            let result = verifier.verify_server_cert(
                &CertificateDer::from(leaf.clone()),
                &chain,
                &name,
                &[],
                UnixTime::now(),
            );
            assert_eq!(result.is_ok(), trusted);
            let noted = seen.chain_of("EVIDENCE.example.org", &leaf);
            if trusted {
                assert_eq!(
                    noted,
                    Some(vec![leaf.clone(), intermediate.clone(), cross.clone()])
                );
                // Another connection's leaf, or another server: not this chain.
                assert_eq!(seen.chain_of("evidence.example.org", &[9]), None);
                assert_eq!(seen.chain_of("other.example.org", &leaf), None);
            } else {
                assert_eq!(noted, None);
            }
        }
    }

    /// The metadata record names every resolved address and every
    /// certificate of the presented chain.
    #[test]
    fn the_metadata_record_lists_resolved_addresses_and_the_chain() {
        use std::io::Read;
        let url = Url::parse("https://evidence.example.org/post/1").unwrap();
        let (leaf, intermediate) = (vec![1u8, 2, 3], vec![4u8, 5, 6]);
        let exchange = Exchange {
            url: url.clone(),
            request: request_block(&url, "test"),
            response_head: b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n".to_vec(),
            body: b"post".to_vec(),
            status: 200,
            remote_address: Some("2a00:1450:4001:80b::200e".parse().unwrap()),
            truncated: None,
            content_type: Some("text/plain".to_owned()),
            content_encoding: None,
            tls_certificate: Some(leaf.clone()),
            resolved_addresses: Some(vec![
                "93.184.216.34".parse().unwrap(),
                "2a00:1450:4001:80b::200e".parse().unwrap(),
            ]),
            tls_chain: Some(vec![leaf.clone(), intermediate.clone()]),
        };
        let now: Timestamp = "2026-11-28T09:30:00Z".parse().unwrap();
        let warc = write_warc(&[exchange], &[], "KZ-TEST", now, "test").unwrap();
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(warc.as_slice())
            .read_to_string(&mut text)
            .unwrap();
        for expected in [
            format!("resolved-ip: {url} 2a00:1450:4001:80b::200e\r\n"),
            format!("resolved-addresses: {url} 93.184.216.34 2a00:1450:4001:80b::200e\r\n"),
            format!(
                "tls-chain-certificate: {url} 0 {} {}\r\n",
                Sha256Digest::of(&leaf),
                data_encoding::BASE64.encode(&leaf)
            ),
            format!(
                "tls-chain-certificate: {url} 1 {} {}\r\n",
                Sha256Digest::of(&intermediate),
                data_encoding::BASE64.encode(&intermediate)
            ),
        ] {
            assert!(text.contains(&expected), "missing {expected:?} in {text}");
        }
    }

    #[test]
    fn gzip_bodies_inflate_only_up_to_the_limit() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 1_000_000]).unwrap();
        let bomb = encoder.finish().unwrap();
        let (decoded, cut) = decode_body(&bomb, Some("gzip"), 10_000);
        assert!(cut);
        assert_eq!(decoded.len(), 10_000);
        let (decoded, cut) = decode_body(&bomb, Some("gzip"), 2_000_000);
        assert!(!cut);
        assert_eq!(decoded.len(), 1_000_000);
        let (decoded, cut) = decode_body(b"plain", None, 100);
        assert_eq!((decoded.as_slice(), cut), (&b"plain"[..], false));
    }
}
