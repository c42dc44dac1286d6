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
        use std::io::Read;
        let bytes = self.blobs.get(&capture.warc_digest).unwrap();
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut text)
            .unwrap();
        String::from_utf8_lossy(&text).into_owned()
    }
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
