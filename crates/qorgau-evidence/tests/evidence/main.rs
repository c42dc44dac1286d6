//! The evidence crate against real components: a real HTTP server on
//! 127.0.0.1:0, a real blob store folder, and `warcio check` (PyPI) on the WARC
//! files the capturer writes.

#![allow(clippy::unwrap_used, clippy::panic)]

mod server;
mod warcio;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::capture::{
    Capture, CaptureConfig, CaptureError, CaptureProblem, Capturer, Removal, classify_removal,
};
use qorgau_evidence::cas::{BlobStore, FsBlobStore};
use qorgau_evidence::checkpoint::KeyPair;
use qorgau_evidence::merkle::MemoryLeafStore;
use qorgau_evidence::receipt::{EvidenceKind, LogEntry, TransparencyLog, verify_receipt};
use qorgau_evidence::warc::Truncation;

use server::TestServer;

fn now() -> Timestamp {
    "2026-11-28T09:30:00Z".parse().unwrap()
}

/// Loopback allowed (the tests' own server), short limits so every bound is
/// reached within a few seconds.
fn test_config() -> CaptureConfig {
    CaptureConfig {
        allow_loopback: true,
        total_timeout: Duration::from_secs(3),
        read_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        max_body_bytes: 1024 * 1024,
        max_decoded_bytes: 4 * 1024 * 1024,
        max_redirects: 3,
        ..CaptureConfig::default()
    }
}

struct Setup {
    server: TestServer,
    capturer: Capturer,
    blobs: Arc<FsBlobStore>,
    _folder: tempfile::TempDir,
}

async fn setup(config: CaptureConfig) -> Setup {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(folder.path()).unwrap());
    Setup {
        server,
        capturer: Capturer::new(config).unwrap(),
        blobs,
        _folder: folder,
    }
}

impl Setup {
    async fn capture(&self, path: &str) -> Result<Capture, CaptureError> {
        self.capturer
            .capture(
                &self.server.url(path),
                "KZ-TEST-0001",
                now(),
                self.blobs.clone(),
            )
            .await
    }

    fn warc_text(&self, capture: &Capture) -> String {
        warc_text(&self.blobs, capture)
    }
}

/// The capture's WARC file, decompressed.
fn warc_text(blobs: &FsBlobStore, capture: &Capture) -> String {
    use std::io::Read;
    let bytes = blobs.get(&capture.warc_digest).unwrap();
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes.as_slice())
        .read_to_end(&mut text)
        .unwrap();
    String::from_utf8_lossy(&text).into_owned()
}

#[tokio::test]
async fn a_normal_page_is_captured_into_a_valid_warc() {
    let setup = setup(test_config()).await;
    let capture = setup.capture("/page").await.unwrap();
    assert_eq!(capture.status, 200);
    assert_eq!(capture.problem(), None);
    assert_eq!(capture.final_url, setup.server.url("/page"));
    assert_eq!(capture.remote_address, Some("127.0.0.1".parse().unwrap()));
    let body = server::page_html(server::PAGE_TEXT);
    assert_eq!(capture.payload_digest, Sha256Digest::of(body.as_bytes()));
    assert!(capture.fingerprint.text.is_some());
    // The WARC is in the store under its digest, and holds what we expect.
    assert!(setup.blobs.exists(&capture.warc_digest).unwrap());
    let text = setup.warc_text(&capture);
    for expected in [
        "WARC-Type: warcinfo",
        "WARC-Type: request",
        "WARC-Type: response",
        "WARC-Type: metadata",
        "GET /page HTTP/1.1",
        "user-agent: Qorgau-Evidence/",
        "HTTP/1.1 200 OK",
        "WARC-IP-Address: 127.0.0.1",
        "case-reference: KZ-TEST-0001",
        &format!("WARC-Payload-Digest: {}", capture.payload_digest),
        "WARC-Date: 2026-11-28T09:30:00Z",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    warcio::check(&setup.blobs, &[&capture]);
}

#[tokio::test]
async fn chunked_redirected_image_and_bomb_captures_validate_with_warcio() {
    let setup = setup(test_config()).await;
    let chunked = setup.capture("/chunked").await.unwrap();
    assert_eq!(chunked.problem(), None);
    let text = setup.warc_text(&chunked);
    assert!(text.contains("x-qorgau-original-transfer-encoding: chunked"));
    assert!(!text.contains("\r\ntransfer-encoding:"));

    let hopped = setup.capture("/hop").await.unwrap();
    assert_eq!(hopped.redirects.len(), 1);
    assert_eq!(hopped.redirects[0].status, 301);
    assert_eq!(hopped.final_url, setup.server.url("/page"));
    assert_eq!(
        setup
            .warc_text(&hopped)
            .matches("WARC-Type: response")
            .count(),
        2
    );

    let image = setup.capture("/image.png").await.unwrap();
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(image.fingerprint.text, None);
    assert_eq!(
        image.fingerprint.content_digest,
        Sha256Digest::of(server::PNG)
    );

    let started = Instant::now();
    let bomb = setup.capture("/bomb").await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(bomb.decoded_truncated);
    assert_eq!(bomb.problem(), Some(CaptureProblem::DecompressionLimit));
    // The WARC keeps the compressed bytes as sent (small), not the inflated ones.
    assert!(bomb.payload_size < 1024 * 1024, "{}", bomb.payload_size);

    let huge = setup.capture("/huge").await.unwrap();
    warcio::check(&setup.blobs, &[&chunked, &hopped, &image, &bomb, &huge]);
}

#[tokio::test]
async fn a_huge_page_is_cut_at_the_limit_and_recorded_as_truncated() {
    let setup = setup(test_config()).await;
    let capture = setup.capture("/huge").await.unwrap();
    assert_eq!(capture.payload_size, 1024 * 1024);
    assert_eq!(capture.truncated, Some(Truncation::Length));
    assert_eq!(capture.problem(), Some(CaptureProblem::TooLarge));
    assert!(setup.warc_text(&capture).contains("WARC-Truncated: length"));
}

#[tokio::test]
async fn a_slow_page_stops_at_the_deadline() {
    let setup = setup(test_config()).await;
    let started = Instant::now();
    let capture = setup.capture("/slow").await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(capture.truncated, Some(Truncation::Time));
    assert_eq!(capture.problem(), Some(CaptureProblem::Timeout));
    assert!(capture.payload_size >= 1 && capture.payload_size < 10);
    assert!(setup.warc_text(&capture).contains("WARC-Truncated: time"));
    warcio::check(&setup.blobs, &[&capture]);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let setup = setup(test_config()).await;
    let started = Instant::now();
    let error = setup.capture("/stall").await.unwrap_err();
    assert_eq!(error.reason(), "timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_redirect_loop_stops_after_the_limit() {
    let setup = setup(test_config()).await;
    let error = setup.capture("/loop").await.unwrap_err();
    assert!(
        matches!(error, CaptureError::TooManyRedirects(3)),
        "{error:?}"
    );
    assert_eq!(error.reason(), "too_many_redirects");
}

#[tokio::test]
async fn redirects_to_forbidden_places_are_refused_at_the_hop() {
    let setup = setup(test_config()).await;
    let error = setup.capture("/to-metadata").await.unwrap_err();
    match &error {
        CaptureError::RefusedAddress { address, .. } => {
            assert_eq!(
                *address,
                "169.254.169.254".parse::<std::net::IpAddr>().unwrap()
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let error = setup.capture("/to-file").await.unwrap_err();
    assert_eq!(error.reason(), "scheme_not_allowed");
}

/// Loopback NOT allowed: every way of reaching this machine is refused,
/// before any connection. The server's port is allowed, so the port rule is
/// not what refuses them.
#[tokio::test]
async fn loopback_in_every_spelling_is_refused_when_not_allowed() {
    let server = TestServer::start().await;
    let port = server.port();
    let capturer = Capturer::new(CaptureConfig {
        allow_loopback: false,
        allowed_ports: vec![80, 443, port],
        ..test_config()
    })
    .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(folder.path()).unwrap());
    for url in [
        format!("http://localhost:{port}/page"),
        format!("http://LOCALHOST:{port}/page"),
        format!("http://127.0.0.1:{port}/page"),
        format!("http://[::ffff:127.0.0.1]:{port}/page"),
        format!("http://[::1]:{port}/page"),
        format!("http://2130706433:{port}/page"),
        format!("http://0177.0.0.1:{port}/page"),
        format!("http://0x7f000001:{port}/page"),
        format!("http://127.1:{port}/page"),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "http://2130706433/".to_owned(),
        "http://0177.0.0.1/".to_owned(),
        "http://[::1]/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        "http://[fd00::1]/".to_owned(),
    ] {
        let error = capturer
            .capture(&url, "KZ-TEST", now(), blobs.clone())
            .await
            .unwrap_err();
        assert_eq!(error.reason(), "refused_address", "{url}: {error}");
    }
    // The shard folders are made when the store opens; no file is in any.
    let stored: usize = std::fs::read_dir(folder.path().join("sha256"))
        .unwrap()
        .map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(stored, 0, "a refused capture stored nothing");
}

/// `test_config`, with host names answered by `overrides` instead of DNS
/// (through the same guarded resolver) and the test server's port allowed.
fn resolving(port: u16, allow_loopback: bool, overrides: &[(&str, &str)]) -> CaptureConfig {
    CaptureConfig {
        allow_loopback,
        allowed_ports: vec![80, 443, port],
        resolve_overrides: overrides
            .iter()
            .map(|(name, address)| ((*name).to_owned(), address.parse().unwrap()))
            .collect(),
        ..test_config()
    }
}

/// What a name resolving to a non-public address shows: a public-looking
/// name answered with 127.0.0.1, 10.0.0.5 or ::ffff:127.0.0.1 is refused
/// before any connection (the reason names the address and its range) when
/// loopback is not allowed; with loopback allowed, only the loopback answers
/// are fetched. A name with one bad address among good ones is refused whole.
#[tokio::test]
async fn a_public_looking_name_resolving_to_an_internal_address_is_refused() {
    let server = TestServer::start().await;
    let port = server.port();
    let answers = [
        ("evidence.example.org", "127.0.0.1"),
        ("private.example.org", "10.0.0.5"),
        ("mapped.example.org", "::ffff:127.0.0.1"),
        // No public address in a test, even one never connected to: the
        // loopback answer comes first, so a resolver that let the name through
        // would connect to this machine.
        ("mixed.example.org", "127.0.0.1"),
        ("mixed.example.org", "10.0.0.5"),
    ];
    let folder = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(folder.path()).unwrap());
    let refused = Capturer::new(resolving(port, false, &answers)).unwrap();
    for (name, address, range) in [
        ("evidence.example.org", "127.0.0.1", "loopback"),
        ("private.example.org", "10.0.0.5", "private (RFC 1918)"),
        ("mapped.example.org", "::ffff:127.0.0.1", "loopback"),
        ("mixed.example.org", "127.0.0.1", "loopback"),
    ] {
        let url = format!("http://{name}:{port}/page");
        let error = refused
            .capture(&url, "KZ-TEST", now(), blobs.clone())
            .await
            .unwrap_err();
        match &error {
            CaptureError::RefusedAddress {
                host,
                address: refused_address,
                range: refused_range,
            } => {
                assert_eq!(host, name);
                assert_eq!(
                    *refused_address,
                    address.parse::<std::net::IpAddr>().unwrap()
                );
                assert_eq!(*refused_range, range);
            }
            other => panic!("{url}: expected a refusal, got {other:?}"),
        }
        let text = error.to_string();
        assert!(text.contains(address) && text.contains(range), "{text}");
        assert_eq!(error.reason(), "refused_address");
    }

    let allowed = Capturer::new(resolving(port, true, &answers)).unwrap();
    for (name, address) in [
        ("evidence.example.org", "127.0.0.1"),
        ("mapped.example.org", "::ffff:127.0.0.1"),
    ] {
        let url = format!("http://{name}:{port}/page");
        let capture = allowed
            .capture(&url, "KZ-TEST", now(), blobs.clone())
            .await
            .unwrap_or_else(|error| panic!("{url}: {error}"));
        assert_eq!(capture.status, 200);
        assert_eq!(capture.remote_address, Some(address.parse().unwrap()));
        // Every address the name resolved to is in the metadata record.
        let text = warc_text(&blobs, &capture);
        assert!(
            text.contains(&format!("resolved-addresses: {url} {address}\r\n")),
            "{text}"
        );
        warcio::check(&blobs, &[&capture]);
    }
    // Loopback allowed is loopback only, and one private answer among
    // loopback ones refuses the name whole.
    for name in ["private.example.org", "mixed.example.org"] {
        let url = format!("http://{name}:{port}/page");
        let error = allowed
            .capture(&url, "KZ-TEST", now(), blobs.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(&error, CaptureError::RefusedAddress { address, .. }
                if *address == "10.0.0.5".parse::<std::net::IpAddr>().unwrap()),
            "{url}: {error}"
        );
    }
}

/// A redirect from an allowed server to a name that resolves to an internal
/// address is refused at that hop, before connecting to it.
#[tokio::test]
async fn a_redirect_to_a_name_resolving_to_an_internal_address_is_refused_at_the_hop() {
    let server = TestServer::start().await;
    let port = server.port();
    let capturer = Capturer::new(resolving(
        port,
        true,
        &[
            ("evidence.example.org", "10.0.0.5"),
            ("metadata.example.org", "::ffff:169.254.169.254"),
            ("mixed.example.org", "127.0.0.1"),
            ("mixed.example.org", "10.0.0.5"),
        ],
    ))
    .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(folder.path()).unwrap());
    for (name, address) in [
        ("evidence.example.org", "10.0.0.5"),
        ("metadata.example.org", "::ffff:169.254.169.254"),
        ("mixed.example.org", "10.0.0.5"),
    ] {
        let error = capturer
            .capture(
                &server.url(&format!("/to-name/{name}")),
                "KZ-TEST",
                now(),
                blobs.clone(),
            )
            .await
            .unwrap_err();
        match &error {
            CaptureError::RefusedAddress {
                host,
                address: refused,
                ..
            } => {
                assert_eq!(host, name);
                assert_eq!(*refused, address.parse::<std::net::IpAddr>().unwrap());
            }
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
}

/// Ports other than 80 and 443 only when the operator allows them
/// (`QORGAU_CAPTURE_PORTS`); a loopback test server's port does not open the
/// rule for a host name.
#[tokio::test]
async fn a_port_other_than_80_and_443_is_captured_only_when_allowed() {
    let by_default = Capturer::new(CaptureConfig::default()).unwrap();
    let error = by_default
        .check_url("http://evidence.example.org:8081/post/1")
        .unwrap_err();
    assert_eq!(error.reason(), "port_not_allowed");
    assert!(error.to_string().contains("8081"), "{error}");
    let configured = Capturer::new(CaptureConfig {
        allowed_ports: qorgau_evidence::capture::parse_ports("80,443,8081").unwrap(),
        ..CaptureConfig::default()
    })
    .unwrap();
    assert!(
        configured
            .check_url("http://evidence.example.org:8081/post/1")
            .is_ok()
    );
    assert_eq!(
        configured
            .check_url("http://evidence.example.org:8082/post/1")
            .unwrap_err()
            .reason(),
        "port_not_allowed"
    );

    // The same rule on a real fetch: a name answered with this machine's
    // test server, on the server's (odd) port.
    let server = TestServer::start().await;
    let port = server.port();
    let answers = [("evidence.example.org", "127.0.0.1")];
    let url = format!("http://evidence.example.org:{port}/page");
    let folder = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(folder.path()).unwrap());
    let closed = Capturer::new(CaptureConfig {
        allowed_ports: vec![80, 443],
        ..resolving(port, true, &answers)
    })
    .unwrap();
    let error = closed
        .capture(&url, "KZ-TEST", now(), blobs.clone())
        .await
        .unwrap_err();
    assert_eq!(error.reason(), "port_not_allowed", "{error}");
    let open = Capturer::new(resolving(port, true, &answers)).unwrap();
    let capture = open
        .capture(&url, "KZ-TEST", now(), blobs.clone())
        .await
        .unwrap();
    assert_eq!(capture.status, 200);
}

/// An HTTPS server on 127.0.0.1:0 presenting `chain` (end entity first)
/// for evidence.example.org, answering every request with the post. Plain
/// threads and rustls; each connection reads for at most 10 s.
fn tls_server(chain: Vec<Vec<u8>>, key: Vec<u8>) -> u16 {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::io::{Read, Write};
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        chain.into_iter().map(CertificateDer::from).collect(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(connection) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(connection, stream);
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match tls.read(&mut buffer) {
                        Ok(0) | Err(_) => return,
                        Ok(count) => request.extend_from_slice(&buffer[..count]),
                    }
                }
                let body = server::page_html(server::PAGE_TEXT);
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

/// HTTPS: the whole chain the server presented — end entity, then the
/// intermediate — is in the metadata record, each certificate with its
/// digest; the platform's verifier still decides (without the test root the
/// capture fails with `tls`).
#[tokio::test]
async fn an_https_capture_records_the_presented_certificate_chain() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/evidence/tls");
    let read = |name: &str| std::fs::read(folder.join(name)).unwrap();
    let (root, intermediate, leaf) = (read("root.der"), read("intermediate.der"), read("leaf.der"));
    let port = tls_server(
        vec![leaf.clone(), intermediate.clone()],
        read("leaf.key.der"),
    );
    let answers = [("evidence.example.org", "127.0.0.1")];
    let url = format!("https://evidence.example.org:{port}/page");
    let store = tempfile::tempdir().unwrap();
    let blobs = Arc::new(FsBlobStore::open(store.path()).unwrap());

    let untrusted = Capturer::new(resolving(port, true, &answers)).unwrap();
    let error = untrusted
        .capture(&url, "KZ-TEST", now(), blobs.clone())
        .await
        .unwrap_err();
    assert_eq!(error.reason(), "tls", "{error}");

    let capturer = Capturer::new(CaptureConfig {
        extra_roots: vec![root.clone()],
        ..resolving(port, true, &answers)
    })
    .unwrap();
    let capture = capturer
        .capture(&url, "KZ-TEST", now(), blobs.clone())
        .await
        .unwrap();
    assert_eq!(capture.status, 200);
    let text = warc_text(&blobs, &capture);
    let base64 = |der: &[u8]| data_encoding::BASE64.encode(der);
    for expected in [
        format!("resolved-addresses: {url} 127.0.0.1\r\n"),
        format!(
            "tls-peer-certificate-sha256: {url} {}\r\n",
            Sha256Digest::of(&leaf)
        ),
        format!(
            "tls-chain-certificate: {url} 0 {} {}\r\n",
            Sha256Digest::of(&leaf),
            base64(&leaf)
        ),
        format!(
            "tls-chain-certificate: {url} 1 {} {}\r\n",
            Sha256Digest::of(&intermediate),
            base64(&intermediate)
        ),
    ] {
        assert!(text.contains(&expected), "missing {expected:?}");
    }
    // The root is the verifier's, not the server's: not presented, not listed.
    assert!(!text.contains(&format!("tls-chain-certificate: {url} 2 ")));
    assert!(!text.contains(&base64(&root)));
    warcio::check(&blobs, &[&capture]);
}

#[test]
fn capture_ports_parse_from_a_list() {
    use qorgau_evidence::capture::{InvalidPort, parse_ports};
    assert_eq!(parse_ports("80,443,8080"), Ok(vec![80, 443, 8080]));
    assert_eq!(parse_ports(" 443 , 80,443"), Ok(vec![443, 80]));
    assert_eq!(parse_ports("65535"), Ok(vec![65535]));
    for (text, bad) in [
        ("", ""),
        ("0", "0"),
        ("80,65536", "65536"),
        ("80,,443", ""),
        ("http", "http"),
        ("+80", "+80"),
        ("-1", "-1"),
        ("80;443", "80;443"),
    ] {
        assert_eq!(
            parse_ports(text),
            Err(InvalidPort(bad.to_owned())),
            "{text}"
        );
    }
}

#[tokio::test]
async fn unknown_hosts_and_closed_ports_fail_with_their_reason() {
    let setup = setup(test_config()).await;
    let error = setup
        .capturer
        .capture(
            "http://qorgau-no-such-host.invalid/",
            "KZ",
            now(),
            setup.blobs.clone(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.reason(), "dns", "{error}");
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = setup
        .capturer
        .capture(
            &format!("http://127.0.0.1:{port}/"),
            "KZ",
            now(),
            setup.blobs.clone(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.reason(), "connect", "{error}");
    // TLS spoken to a plain HTTP server.
    let error = setup
        .capturer
        .capture(
            &format!("https://127.0.0.1:{}/page", setup.server.port()),
            "KZ",
            now(),
            setup.blobs.clone(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.reason(), "tls", "{error}");
}

#[tokio::test]
async fn removal_is_classified_from_the_recapture() {
    let setup = setup(test_config()).await;
    let original = setup.capture("/page").await.unwrap().fingerprint;
    let check =
        |capture: &Result<Capture, CaptureError>| classify_removal(&original, capture.as_ref());

    let same = setup.capture("/page").await;
    assert!(matches!(check(&same), Removal::StillPresent { .. }));
    let edited = setup.capture("/page-edited").await;
    assert!(
        matches!(check(&edited), Removal::StillPresent { .. }),
        "{:?}",
        check(&edited)
    );
    let removed = setup.capture("/page-removed").await;
    assert!(
        matches!(check(&removed), Removal::Removed { .. }),
        "{:?}",
        check(&removed)
    );
    let gone = setup.capture("/gone").await;
    assert_eq!(
        check(&gone),
        Removal::Removed {
            reason: "http_410".to_owned()
        }
    );
    let missing = setup.capture("/no-such-page").await;
    assert_eq!(
        check(&missing),
        Removal::Removed {
            reason: "http_404".to_owned()
        }
    );
    let login = setup.capture("/login").await;
    assert!(matches!(check(&login), Removal::Unreachable { .. }));
    assert_eq!(
        login.as_ref().unwrap().problem(),
        Some(CaptureProblem::HttpStatus(403))
    );
    // A body cut by the deadline shows only its start: it cannot prove the
    // content gone.
    let slow = setup.capture("/slow").await;
    assert_eq!(slow.as_ref().unwrap().truncated, Some(Truncation::Time));
    assert_eq!(
        check(&slow),
        Removal::Unreachable {
            reason: "timeout".to_owned()
        }
    );
    let stalled = setup.capture("/stall").await;
    assert_eq!(
        check(&stalled),
        Removal::Unreachable {
            reason: "timeout".to_owned()
        }
    );
    // An image is present only byte for byte.
    let image = setup.capture("/image.png").await.unwrap();
    let again = setup.capture("/image.png").await;
    assert!(matches!(
        classify_removal(&image.fingerprint, again.as_ref()),
        Removal::StillPresent { .. }
    ));
}

/// The whole path: capture → blob store → log → receipt → offline check.
#[tokio::test]
async fn a_capture_gets_a_receipt_that_verifies_offline() {
    let setup = setup(test_config()).await;
    let capture = setup.capture("/page").await.unwrap();
    let key = KeyPair::generate("qorgau.test/log").unwrap();
    let public_key = key.verifier_key().to_string();
    let mut log = TransparencyLog::new(MemoryLeafStore::new(), key);
    let index = log
        .append(&LogEntry::Evidence {
            digest: capture.warc_digest,
            kind: EvidenceKind::Capture,
            captured_at: capture.captured_at,
            size: capture.warc_size,
            original: None,
        })
        .unwrap();
    let receipt = log.receipt(index).unwrap().to_json();
    let verified = verify_receipt(receipt.as_bytes(), &public_key.parse().unwrap()).unwrap();
    assert_eq!(verified.digest, capture.warc_digest);
    assert_eq!(
        setup.blobs.get(&verified.digest).unwrap().len() as u64,
        verified.size
    );
    // The receipt names no person and no URL: only digests and metadata.
    assert!(!receipt.contains("127.0.0.1"));
    assert!(!receipt.contains("KZ-TEST"));
}

/// Every reason a person may read has a message in all three languages.
#[test]
fn every_reason_is_worded_in_every_language() {
    use qorgau_domain::message::{Explain, Language};
    use qorgau_evidence::merkle::ProofError;
    use qorgau_evidence::receipt::ReceiptError;

    let reasons: Vec<Box<dyn Explain>> = vec![
        Box::new(ReceiptError::Malformed("eof".to_owned())),
        Box::new(ReceiptError::UnsupportedFormat("x/9".to_owned())),
        Box::new(ReceiptError::CheckpointMalformed(
            "no blank line".to_owned(),
        )),
        Box::new(ReceiptError::CheckpointWrongKey("k+00000000+AA".to_owned())),
        Box::new(ReceiptError::CheckpointSignatureInvalid),
        Box::new(ReceiptError::CheckpointOriginMismatch {
            expected: "a".to_owned(),
            found: "b".to_owned(),
        }),
        Box::new(ReceiptError::EntryMalformed("x".to_owned())),
        Box::new(ReceiptError::EntryMismatch("digest")),
        Box::new(ReceiptError::ProofMalformed("x".to_owned())),
        Box::new(ReceiptError::IndexOutOfRange {
            index: 9,
            tree_size: 3,
        }),
        Box::new(ReceiptError::ProofInvalid(ProofError::RootMismatch)),
        Box::new(ReceiptError::KeyMismatch {
            receipt_key: "a+00000000+AA".to_owned(),
            key: "b+00000000+AA".to_owned(),
        }),
        Box::new(ReceiptError::KeyMalformed("x".to_owned())),
        Box::new(ReceiptError::NoKey),
        Box::new(CaptureError::InvalidUrl("x".to_owned())),
        Box::new(CaptureError::SchemeNotAllowed("ftp".to_owned())),
        Box::new(CaptureError::PortNotAllowed(22)),
        Box::new(CaptureError::Dns("x".to_owned())),
        Box::new(CaptureError::RefusedAddress {
            host: "localhost".to_owned(),
            address: "127.0.0.1".parse().unwrap(),
            range: "loopback",
        }),
        Box::new(CaptureError::Timeout),
        Box::new(CaptureError::Connect("x".to_owned())),
        Box::new(CaptureError::Tls("x".to_owned())),
        Box::new(CaptureError::TooManyRedirects(5)),
        Box::new(CaptureError::Protocol("x".to_owned())),
        Box::new(CaptureProblem::HttpStatus(403)),
        Box::new(CaptureProblem::TooLarge),
        Box::new(CaptureProblem::Timeout),
        Box::new(CaptureProblem::Disconnected),
        Box::new(CaptureProblem::DecompressionLimit),
    ];
    let localizer = qorgau_i18n::Localizer::embedded();
    for reason in &reasons {
        let message = reason.explain();
        for language in Language::ALL {
            let text = localizer.render(language, &message);
            assert_ne!(text, message.id, "{} has no {language:?} text", message.id);
            assert!(
                !text.contains('{'),
                "{}: unfilled argument in {text}",
                message.id
            );
        }
    }
}
