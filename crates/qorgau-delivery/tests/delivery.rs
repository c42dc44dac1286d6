//! Delivery against real receivers on loopback: a webhook receiver that checks
//! every signature with the official `standardwebhooks` library
//! (`tests/webhook_receiver.py`), and an `aiosmtpd` SMTP sink
//! (`tests/smtp_sink.py`) whose saved letters are read back with Python's own
//! e-mail parser. Both come from the venv that `.ci/run` installs; without it
//! these tests fail in CI and are skipped elsewhere with a note.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use qorgau_delivery::mail::{Attachment, Mail, MailFailure, MailOutcome, Mailer};
use qorgau_delivery::retry::{RetryDecision, RetryPolicy, random_u64};
use qorgau_delivery::webhook::{
    CitedBasis, EventType, OrderEventData, WebhookConfig, WebhookEvent, WebhookFailure, WebhookId,
    WebhookOutcome, WebhookSecret, WebhookSender,
};
use qorgau_domain::message::{Explain, Language};
use qorgau_domain::regime::Localized;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The venv's python with `modules` importable; `None` (with a note) outside
/// CI when it is missing.
fn venv_python(modules: &str) -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/qorgau/venv/bin/python");
    let importable = python.exists()
        && std::process::Command::new(&python)
            .args(["-c", &format!("import {modules}")])
            .status()
            .is_ok_and(|status| status.success());
    if !importable {
        assert!(
            !in_ci(),
            "{} with {modules} is required in CI (.ci/run installs it)",
            python.display()
        );
        eprintln!(
            "note: {} cannot import {modules}; test skipped outside CI",
            python.display()
        );
        return None;
    }
    Some(python)
}

fn tests_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The receiver's clock is the wall clock (it rejects signatures whose
/// `webhook-timestamp` is more than five minutes off), so the attempts are
/// signed with the wall clock plus the simulated waits of the retry loop.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> Timestamp {
    Timestamp::now()
}

struct Receiver {
    port: u16,
    out: PathBuf,
    _child: Child,
    _folder: tempfile::TempDir,
}

impl Receiver {
    async fn start(python: &Path, secrets: &[&str], fail_first: u32) -> Receiver {
        let folder = tempfile::tempdir().unwrap();
        let out = folder.path().join("received.json");
        let mut command = Command::new(python);
        command
            .arg(tests_folder().join("webhook_receiver.py"))
            .arg("--out")
            .arg(&out)
            .arg("--fail-first")
            .arg(fail_first.to_string())
            .arg("--slow-seconds")
            .arg("3");
        for secret in secrets {
            command.arg("--secret").arg(secret);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the receiver starts")
        .unwrap();
        let port = line.trim().parse().expect("the receiver prints its port");
        Receiver {
            port,
            out,
            _child: child,
            _folder: folder,
        }
    }

    fn url(&self, path: &str) -> url::Url {
        format!("http://127.0.0.1:{}{path}", self.port)
            .parse()
            .unwrap()
    }

    fn received(&self) -> Vec<Value> {
        match std::fs::read(&self.out) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
            Err(_) => Vec::new(),
        }
    }
}

fn sender(total_timeout: Duration) -> WebhookSender {
    WebhookSender::new(WebhookConfig {
        allow_loopback: true,
        total_timeout,
        ..WebhookConfig::default()
    })
    .unwrap()
}

fn order_issued(now: Timestamp) -> Vec<u8> {
    WebhookEvent {
        event_type: EventType::OrderIssued,
        timestamp: now,
        data: OrderEventData {
            order_id: "ord_2026_000042".into(),
            urls: vec!["https://social.test/post/1".into()],
            issued_at: now,
            removal_within_hours: 24,
            removal_due: None,
            legal_basis: CitedBasis {
                key: "removal_order".into(),
                citation: Localized {
                    kk: "«Бұқаралық ақпарат құралдары туралы» Заңның 40-бабы".into(),
                    ru: "Статья 40 Закона «О масс-медиа»".into(),
                    en: "Law “On mass media”, Art. 40".into(),
                },
            },
            escalation: None,
            closed_reason: None,
            order_url: "https://qorgau.test/api/v1/orders/ord_2026_000042".into(),
            document_url: "https://qorgau.test/api/v1/orders/ord_2026_000042/document.pdf".into(),
            verification_url: "https://qorgau.test/verify/K7QX-2M4P".into(),
        },
    }
    .to_body()
    .unwrap()
}

fn for_path<'a>(received: &'a [Value], path: &str) -> Vec<&'a Value> {
    received
        .iter()
        .filter(|entry| entry["path"] == path)
        .collect()
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_one_verified_delivery_with_one_id() {
    let Some(python) = venv_python("standardwebhooks") else {
        return;
    };
    let secret = WebhookSecret::generate().unwrap();
    let wrong = WebhookSecret::generate().unwrap();
    let receiver = Receiver::start(&python, &[&secret.expose(), &wrong.expose()], 2).await;
    let sender = sender(Duration::from_secs(10));
    let policy = RetryPolicy {
        base: Duration::from_secs(5),
        cap: Duration::from_secs(60),
        max_attempts: 5,
    };

    // The outbox's loop, driven here: one id and one body for the message,
    // a fresh `now` per attempt, the policy's wait between attempts
    // (simulated: the clock moves, nobody sleeps).
    let id = WebhookId::parse("msg_dlv_1").unwrap();
    let started = wall_clock();
    let body = order_issued(started);
    let mut elapsed = SignedDuration::ZERO;
    let mut outcomes = Vec::new();
    for attempt in 1..=policy.max_attempts {
        let now = started + elapsed;
        let outcome = sender
            .send(
                &receiver.url("/hook"),
                &id,
                &body,
                std::slice::from_ref(&secret),
                now,
            )
            .await;
        outcomes.push(outcome.clone());
        match outcome {
            WebhookOutcome::Delivered { .. } => break,
            WebhookOutcome::Gone => panic!("not gone"),
            WebhookOutcome::Retry { retry_after, .. } => {
                match policy.after_failure(attempt, random_u64(), retry_after) {
                    RetryDecision::RetryAfter(wait) => {
                        assert!(wait <= policy.ceiling(attempt));
                        elapsed += SignedDuration::try_from(wait).unwrap();
                    }
                    RetryDecision::GiveUp => panic!("gave up after {outcomes:?}"),
                }
            }
        }
    }
    assert_eq!(
        outcomes,
        [
            WebhookOutcome::Retry {
                reason: WebhookFailure::ServerError { status: 500 },
                retry_after: None
            },
            WebhookOutcome::Retry {
                reason: WebhookFailure::ServerError { status: 500 },
                retry_after: None
            },
            WebhookOutcome::Delivered { status: 204 },
        ]
    );

    let received = receiver.received();
    assert_eq!(received.len(), 3, "{received:#?}");
    for entry in &received {
        // Every attempt verifies with the official library under the right
        // secret, and is rejected by it under the wrong one.
        assert_eq!(entry["verified_with"], serde_json::json!([0]), "{entry:#}");
        assert_eq!(entry["errors"].as_array().unwrap().len(), 1, "{entry:#}");
        assert_eq!(entry["webhook_id"], "msg_dlv_1");
        assert_eq!(entry["content_type"], "application/json");
        assert_eq!(entry["signatures"], 1);
        assert_eq!(entry["payload"]["type"], "order.issued");
        assert_eq!(entry["payload"]["data"]["order_id"], "ord_2026_000042");
    }
    let ids: std::collections::BTreeSet<_> = received
        .iter()
        .map(|entry| entry["webhook_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "one webhook-id across all attempts");
    let delivered: Vec<_> = received
        .iter()
        .filter(|entry| entry["status"] == 204)
        .collect();
    assert_eq!(delivered.len(), 1, "exactly one logical delivery");
    // Each attempt is signed at its own time.
    let stamps: Vec<i64> = received
        .iter()
        .map(|entry| {
            entry["webhook_timestamp"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        stamps.windows(2).all(|pair| pair[0] <= pair[1]),
        "{stamps:?}"
    );
    assert_eq!(stamps[0], started.as_second());
}

#[tokio::test]
async fn a_rotated_secret_pair_verifies_with_either_secret() {
    let Some(python) = venv_python("standardwebhooks") else {
        return;
    };
    let old = WebhookSecret::generate().unwrap();
    let new = WebhookSecret::generate().unwrap();
    let wrong = WebhookSecret::generate().unwrap();
    let receiver =
        Receiver::start(&python, &[&old.expose(), &new.expose(), &wrong.expose()], 0).await;
    let sender = sender(Duration::from_secs(10));
    let now = wall_clock();
    let body = order_issued(now);

    // During the grace period both secrets sign; a receiver configured with
    // either one accepts the message.
    let during = WebhookId::parse("msg_rotation_1").unwrap();
    let outcome = sender
        .send(
            &receiver.url("/hook"),
            &during,
            &body,
            &[new.clone(), old.clone()],
            now,
        )
        .await;
    assert_eq!(outcome, WebhookOutcome::Delivered { status: 204 });
    // After it, only the new one.
    let after = WebhookId::parse("msg_rotation_2").unwrap();
    let outcome = sender
        .send(
            &receiver.url("/hook"),
            &after,
            &body,
            std::slice::from_ref(&new),
            now,
        )
        .await;
    assert_eq!(outcome, WebhookOutcome::Delivered { status: 204 });

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["signatures"], 2);
    assert_eq!(received[0]["verified_with"], serde_json::json!([0, 1]));
    assert_eq!(received[1]["signatures"], 1);
    assert_eq!(received[1]["verified_with"], serde_json::json!([1]));
}

#[tokio::test]
async fn gone_redirects_timeouts_and_busy_receivers() {
    let Some(python) = venv_python("standardwebhooks") else {
        return;
    };
    let secret = WebhookSecret::generate().unwrap();
    let receiver = Receiver::start(&python, &[&secret.expose()], 0).await;
    let sender = sender(Duration::from_secs(1));
    let now = wall_clock();
    let body = order_issued(now);
    let secrets = std::slice::from_ref(&secret);
    let send = |path: &'static str, id: &'static str| {
        let url = receiver.url(path);
        let sender = sender.clone();
        let body = body.clone();
        async move {
            sender
                .send(&url, &WebhookId::parse(id).unwrap(), &body, secrets, now)
                .await
        }
    };

    assert_eq!(send("/gone", "msg_gone").await, WebhookOutcome::Gone);
    assert_eq!(
        send("/redirect", "msg_redirect").await,
        WebhookOutcome::Retry {
            reason: WebhookFailure::Redirect {
                status: 302,
                location: Some("/hook".into())
            },
            retry_after: None
        }
    );
    assert_eq!(
        send("/busy", "msg_busy").await,
        WebhookOutcome::Retry {
            reason: WebhookFailure::TooManyRequests,
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert_eq!(
        send("/slow", "msg_slow").await,
        WebhookOutcome::Retry {
            reason: WebhookFailure::Timeout,
            retry_after: None
        }
    );
    let received = receiver.received();
    // The redirect was not followed: nothing arrived at /hook.
    assert!(for_path(&received, "/hook").is_empty(), "{received:#?}");
    assert_eq!(for_path(&received, "/gone").len(), 1);
    assert_eq!(for_path(&received, "/redirect").len(), 1);

    // Nobody listening: a connection error, to retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let outcome = sender
        .send(
            &format!("http://127.0.0.1:{port}/hook").parse().unwrap(),
            &WebhookId::parse("msg_closed").unwrap(),
            &body,
            secrets,
            now,
        )
        .await;
    assert!(
        matches!(
            &outcome,
            WebhookOutcome::Retry {
                reason: WebhookFailure::Connect(_),
                retry_after: None
            }
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn loopback_names_are_refused_unless_allowed() {
    // `localhost` resolves to loopback: the resolver refuses it in production.
    let production = WebhookSender::new(WebhookConfig::default()).unwrap();
    let outcome = production
        .send(
            &"https://localhost:9/hook".parse().unwrap(),
            &WebhookId::parse("msg_local").unwrap(),
            b"{}",
            &[WebhookSecret::generate().unwrap()],
            "2026-11-29T04:00:00Z".parse().unwrap(),
        )
        .await;
    let WebhookOutcome::Retry {
        reason: WebhookFailure::Connect(detail),
        ..
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert!(detail.contains("loopback"), "{detail}");
    // The stored reason does not repeat the endpoint (its query may hold a token).
    assert!(!detail.contains("/hook"), "{detail}");
}

// ---------------------------------------------------------------- e-mail

struct Sink {
    port: u16,
    folder: tempfile::TempDir,
    python: PathBuf,
    _child: Child,
}

impl Sink {
    async fn start(python: &Path) -> Sink {
        let folder = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .arg("-c")
            .arg("smtp_sink.SaveToFolder")
            .arg(folder.path())
            .env("PYTHONPATH", tests_folder())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "aiosmtpd did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Sink {
            port,
            folder,
            python: python.to_owned(),
            _child: child,
        }
    }

    fn mailer(&self) -> Mailer {
        Mailer::from_url(
            &format!("smtp://127.0.0.1:{}", self.port),
            "Qorgau <noreply@qorgau.test>",
        )
        .unwrap()
    }

    /// Every saved letter, read back by Python's e-mail parser.
    fn letters(&self) -> Vec<Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| {
                let output = std::process::Command::new(&self.python)
                    .arg(tests_folder().join("smtp_sink.py"))
                    .arg("parse")
                    .arg(path)
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                serde_json::from_slice(&output.stdout).unwrap()
            })
            .collect()
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A small but well-formed one-page PDF, its cross-reference offsets computed.
fn small_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (number, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", number + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

const SUBJECT: &str =
    "Нұсқама № 2026-000042: мазмұнды 24 сағат ішінде жойыңыз (әғқңөұүһі ӘҒҚҢӨҰҮҺІ)";

fn order_mail(to: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: SUBJECT.into(),
        text: "Құрметті ресурс иесі! Нұсқама қоса беріледі.\nhttps://social.test/post/1".into(),
        html: Some("<p>Құрметті ресурс иесі! Нұсқама қоса беріледі.</p>".into()),
        attachments: vec![Attachment {
            filename: "нұсқама-2026-000042.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: small_pdf(),
        }],
        delivery_id: "dlv-42".into(),
    }
}

#[tokio::test]
async fn an_order_reaches_the_smtp_sink_with_its_pdf_and_a_kazakh_subject() {
    let Some(python) = venv_python("aiosmtpd") else {
        return;
    };
    let sink = Sink::start(&python).await;
    let mailer = sink.mailer();
    let now: Timestamp = "2026-11-29T04:00:00Z".parse().unwrap();
    let mail = order_mail("owner@social.test");
    assert_eq!(mailer.send(&mail, now).await, MailOutcome::Accepted);
    // A resend after a crash (accepted, but not yet recorded): the same
    // Message-ID, so the reader's client shows one letter.
    assert_eq!(mailer.send(&mail, now).await, MailOutcome::Accepted);

    let letters = sink.letters();
    assert_eq!(letters.len(), 2);
    let letter = &letters[0];
    assert_eq!(letter["subject"], SUBJECT);
    assert_eq!(letter["head_is_ascii"], true, "{letter:#}");
    let raw_subject = letter["raw_subject"].as_str().unwrap().to_ascii_lowercase();
    assert!(
        raw_subject.contains("=?utf-8?"),
        "RFC 2047 encoded: {raw_subject}"
    );
    assert_eq!(letter["defects"], serde_json::json!([]), "{letter:#}");
    assert_eq!(letter["from"], "Qorgau <noreply@qorgau.test>");
    assert_eq!(letter["to"], "owner@social.test");
    assert_eq!(letter["message_id"], "<qorgau.dlv-42@qorgau.test>");
    assert_eq!(letters[1]["message_id"], letter["message_id"]);
    assert!(
        letter["date"]
            .as_str()
            .unwrap()
            .contains("29 Nov 2026 04:00:00"),
        "{letter:#}"
    );

    let attachments = letter["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "{letter:#}");
    assert_eq!(attachments[0]["filename"], "нұсқама-2026-000042.pdf");
    assert_eq!(attachments[0]["content_type"], "application/pdf");
    let expected = {
        use sha2::Digest;
        hex_lower(&sha2::Sha256::digest(small_pdf()))
    };
    assert_eq!(attachments[0]["sha256"], expected.as_str());
    let texts = letter["texts"].as_array().unwrap();
    let types: Vec<&str> = texts
        .iter()
        .map(|text| text["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["text/plain", "text/html"]);
    assert!(
        texts[0]["content"]
            .as_str()
            .unwrap()
            .contains("Құрметті ресурс иесі")
    );
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[tokio::test]
async fn smtp_refusals_and_silence() {
    let Some(python) = venv_python("aiosmtpd") else {
        return;
    };
    let sink = Sink::start(&python).await;
    let mailer = sink.mailer();
    let now: Timestamp = "2026-11-29T04:00:00Z".parse().unwrap();

    // 550 at RCPT: permanent, not retried.
    match mailer.send(&order_mail("refuse@social.test"), now).await {
        MailOutcome::Rejected {
            reason: MailFailure::Refused { code, .. },
        } => assert_eq!(code, 550),
        other => panic!("{other:?}"),
    }
    // 451 at RCPT: temporary, retried.
    match mailer.send(&order_mail("later@social.test"), now).await {
        MailOutcome::Retry {
            reason: MailFailure::Deferred { code, .. },
        } => assert_eq!(code, 451),
        other => panic!("{other:?}"),
    }
    assert!(sink.letters().is_empty());

    // Nobody listening: retried.
    let silent = Mailer::from_url(
        &format!("smtp://127.0.0.1:{}", free_port()),
        "noreply@qorgau.test",
    )
    .unwrap();
    match silent.send(&order_mail("owner@social.test"), now).await {
        MailOutcome::Retry {
            reason: MailFailure::Connect(_),
        } => {}
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- messages

#[test]
fn every_failure_is_explained_in_three_languages() {
    use qorgau_delivery::webhook::{SecretError, WebhookUrlError};
    let explained: Vec<Box<dyn Explain>> = vec![
        Box::new(WebhookUrlError::Invalid),
        Box::new(WebhookUrlError::TooLong),
        Box::new(WebhookUrlError::NotHttps("ftp".into())),
        Box::new(WebhookUrlError::Credentials),
        Box::new(WebhookUrlError::Fragment),
        Box::new(WebhookUrlError::NoHost),
        Box::new(WebhookUrlError::PrivateAddress {
            address: "10.0.0.1".parse().unwrap(),
            range: "private",
        }),
        Box::new(SecretError::MissingPrefix),
        Box::new(SecretError::NotBase64),
        Box::new(SecretError::WrongLength(3)),
        Box::new(SecretError::Randomness("x".into())),
        Box::new(WebhookFailure::InvalidEndpoint(WebhookUrlError::Fragment)),
        Box::new(WebhookFailure::NoSecret),
        Box::new(WebhookFailure::Timeout),
        Box::new(WebhookFailure::Connect("refused".into())),
        Box::new(WebhookFailure::Protocol("garbage".into())),
        Box::new(WebhookFailure::Redirect {
            status: 302,
            location: Some("/x".into()),
        }),
        Box::new(WebhookFailure::TooManyRequests),
        Box::new(WebhookFailure::ServerError { status: 500 }),
        Box::new(WebhookFailure::ClientError { status: 400 }),
        Box::new(MailFailure::InvalidRecipient("x".into())),
        Box::new(MailFailure::InvalidLetter("x".into())),
        Box::new(MailFailure::Refused {
            code: 550,
            detail: "no".into(),
        }),
        Box::new(MailFailure::Deferred {
            code: 451,
            detail: "later".into(),
        }),
        Box::new(MailFailure::Timeout),
        Box::new(MailFailure::Tls("x".into())),
        Box::new(MailFailure::Connect("x".into())),
    ];
    let localizer = qorgau_i18n::Localizer::embedded();
    for language in Language::ALL {
        let ids = qorgau_i18n::Localizer::message_ids(language);
        for error in &explained {
            let message = error.explain();
            assert!(
                ids.contains(message.id),
                "{} missing in {language:?}",
                message.id
            );
            let text = localizer.render(language, &message);
            assert!(!text.contains("{"), "{text}");
            for (name, _) in &message.args {
                assert!(!text.contains(&format!("${name}")), "{text}");
            }
        }
    }
    let codes: std::collections::BTreeSet<_> = explained.iter().map(|error| error.code()).collect();
    assert_eq!(codes.len(), explained.len(), "codes are distinct");
}
