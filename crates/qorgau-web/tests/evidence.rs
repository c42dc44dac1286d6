//! Evidence end to end, with the job worker running in the background and a
//! local web server standing in for the reported site (issue 4, "done when"):
//! an application that names a URL ends up, without anyone lifting a finger,
//! with a valid WARC capture and a receipt that verifies; after the owner
//! reports removal (the page now answers 410) the case shows a re-capture
//! proving absence and `removal_verified` with result `removed`. Also: a
//! capture that fails is recorded with its reason and retried with backoff; a
//! page still there at the deadline puts the order into non-compliance; who
//! may read evidence; a damaged file is never served.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use common::{RawReply, START, TestApp};
use jiff::{SignedDuration, Timestamp};
use qorgau_app::credentials::secret_hash;
use qorgau_domain::procedure::{CaseEvent, VerificationResult};
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::checkpoint::{VerifierKey, verify_checkpoint};
use qorgau_evidence::merkle::{leaf_hash, verify_consistency, verify_inclusion};
use qorgau_evidence::receipt::{EvidenceKind, verify_receipt};
use qorgau_store::{JobStatus, ResourceOwner, Store};
use serde_json::{Value, json};

const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>Пост</title></head>\
    <body><nav>Басты бет · Лента</nav><article><p>Сен ешкімге керек емессің, барлығы сенен \
    күледі. Ертең мектепке келме, әйтпесе видеоны бәріне жіберемін. Мұны бүкіл сынып көрді \
    және бәрі сенің үстіңнен күледі.</p></article></body></html>";

/// A site on 127.0.0.1:0 answering every path with the post, or with
/// `status` once it is set to something other than 200.
struct Site {
    address: SocketAddr,
    status: Arc<AtomicU16>,
}

impl Site {
    async fn start() -> Site {
        let status = Arc::new(AtomicU16::new(200));
        let answer = status.clone();
        let address =
            qorgau_testkit::site::html_site(move |_| match answer.load(Ordering::SeqCst) {
                200 => (200, PAGE.to_owned()),
                410 => (410, "<html><body>Gone</body></html>".to_owned()),
                other => (other, format!("status {other}")),
            })
            .await;
        Site { address, status }
    }

    /// The prefix the worker fetches `https://evidence.test/` from.
    fn rewrite(&self) -> (String, String) {
        (
            "https://evidence.test/".to_owned(),
            format!("http://127.0.0.1:{}/", self.address.port()),
        )
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

const URL: &str = "https://evidence.test/posts/42";

fn application(url: &str) -> Value {
    json!({
        "language": "kk",
        "applicant": {"name": "Айгүл Ахметова", "relation": "parent", "email": "aigul@example.kz"},
        "child": {"name": "Данияр", "birth_date": "2012-04-15"},
        "resources": [{"url": url}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": url, "description": "мазақ", "actor": "@mocker"},
            {"occurred_on": "2026-11-24", "resource_url": url, "description": "қорқыту", "actor": "@mocker"}
        ]
    })
}

/// Polls `GET …/evidence` (as the applicant) until `done` holds; the worker
/// runs in the background, the test only waits.
async fn wait_for_evidence(
    app: &TestApp,
    case_id: &str,
    code: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let path = format!("/api/v1/applications/{case_id}/evidence");
    for _ in 0..500 {
        let reply = app.get(&path, Some(code)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let items = reply.json().as_array().unwrap().clone();
        if done(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = app.get(&path, Some(code)).await;
    panic!("the worker did not get there: {}", reply.body);
}

async fn event_types(app: &TestApp, case_id: &str) -> Vec<String> {
    app.store
        .load_case(case_id)
        .await
        .unwrap()
        .unwrap()
        .events
        .iter()
        .map(|event| event.type_name().to_owned())
        .collect()
}

/// The case's record ends with the re-capture, its re-check and the
/// removal verified through the procedure's command.
fn assert_verified_by_the_recheck(types: &[String]) {
    let tail: Vec<&str> = types
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        ["evidence_captured", "removal_rechecked", "removal_verified"]
    );
}

async fn public_key(app: &TestApp) -> VerifierKey {
    let reply = app.get("/api/v1/log/public-key", None).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    reply.body.trim().parse().unwrap()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// `warcio check` on a WARC file: required in CI, skipped with a note
/// elsewhere when warcio is not installed (`.ci/run` installs it).
fn warcio_check(folder: &std::path::Path, name: &str, bytes: &[u8]) {
    let warcio = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/qorgau/venv/bin/warcio");
    if !warcio.exists() {
        assert!(!in_ci(), "warcio is required in CI: {}", warcio.display());
        eprintln!("note: warcio is not installed; WARC validation skipped outside CI");
        return;
    }
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new(&warcio)
        .arg("check")
        .arg("-v")
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "warcio check failed:\n{report}");
    assert!(report.contains("digest pass"), "{report}");
    assert!(!report.contains("fail"), "{report}");
}

async fn add_owner(app: &TestApp) {
    let owner = ResourceOwner {
        name: "evidence.test".into(),
        display_name: "Evidence test site".into(),
        api_key_hash: secret_hash("qgk_evidence"),
        domains: vec!["evidence.test".into()],
    };
    app.store
        .add_owner(&owner, START.parse().unwrap())
        .await
        .unwrap();
}

/// The owner's open order (reading it is its delivery).
async fn the_order(app: &TestApp) -> Value {
    let reply = app.get("/api/v1/orders", Some("qgk_evidence")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()[0].clone()
}

/// The owner's open order's id.
async fn the_order_id(app: &TestApp) -> String {
    the_order(app).await["order_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The owner reports the order's content removed.
async fn report_removal(app: &TestApp, order_id: &str) {
    let reply = app
        .post(
            &format!("/api/v1/orders/{order_id}/removal"),
            Some("qgk_evidence"),
            json!({"note": "deleted"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// Waits until a re-capture of the case has its verdict.
async fn wait_for_recheck(app: &TestApp, case_id: &str, code: &str) -> Vec<Value> {
    wait_for_evidence(app, case_id, code, |items| {
        items
            .iter()
            .any(|item| item["kind"] == "recapture" && item["removal"] != Value::Null)
    })
    .await
}

async fn receipt_of(app: &TestApp, case_id: &str, code: &str, item: &Value) -> Vec<u8> {
    let reply = app
        .get_bytes(
            &format!(
                "/api/v1/applications/{case_id}/evidence/{}/receipt",
                item["id"].as_str().unwrap()
            ),
            Some(code),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.body
}

async fn file_of(app: &TestApp, case_id: &str, token: &str, item: &Value) -> RawReply {
    app.get_bytes(
        &format!(
            "/api/v1/applications/{case_id}/evidence/{}",
            item["id"].as_str().unwrap()
        ),
        Some(token),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reported_url_is_captured_logged_and_its_removal_verified_without_anyone_acting() {
    let site = Site::start().await;
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    add_owner(&app).await;
    let (case_id, code) = app.apply(application(URL)).await;

    // Nobody lifts a finger: the worker captures the reported URL.
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["status"] == "ok")
    })
    .await;
    assert_eq!(items.len(), 1);
    let capture = items[0].clone();
    assert_eq!(capture["kind"], "capture");
    assert_eq!(capture["url"], URL);
    assert_eq!(capture["reason"], Value::Null);
    assert!(capture["captured_at"].as_str().unwrap().ends_with("+05:00"));
    let digest: Sha256Digest = capture["digest"].as_str().unwrap().parse().unwrap();

    // The WARC file, as stored: its digest is the item's, and warcio accepts it.
    let file = file_of(&app, &case_id, &code, &capture).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("application/warc"));
    assert_eq!(Sha256Digest::of(&file.body), digest);
    warcio_check(app.folder.path(), "capture.warc.gz", &file.body);

    // Its receipt verifies offline against the published key, and the
    // published checkpoint verifies too.
    let key = public_key(&app).await;
    let receipt = receipt_of(&app, &case_id, &code, &capture).await;
    let verified = verify_receipt(&receipt, &key).unwrap();
    assert_eq!(verified.digest, digest);
    assert_eq!(verified.kind, EvidenceKind::Capture);
    assert_eq!(Some(verified.log_index), capture["log_index"].as_u64());
    assert_eq!(key.name(), "qorgau.test/log");
    let checkpoint = app.get("/api/v1/log/checkpoint", None).await;
    assert_eq!(checkpoint.status, 200);
    let checkpoint = verify_checkpoint(&checkpoint.body, &key).unwrap();
    assert_eq!(checkpoint.tree_size, app.store.log_size().await.unwrap());
    // The case shows it, as a fact of its own.
    assert!(
        event_types(&app, &case_id)
            .await
            .contains(&"evidence_captured".to_owned())
    );

    // Confirmed; the owner reads the order (its delivery: a re-capture is
    // due at the removal deadline), removes the post and reports it.
    app.confirm(&case_id).await;
    let order = the_order(&app).await;
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    assert_eq!(order["urls"], json!([URL]));
    let deadline_job = app
        .store
        .jobs(Some(&case_id))
        .await
        .unwrap()
        .into_iter()
        .find(|job| job.kind == "recapture")
        .unwrap();
    assert_eq!(
        deadline_job.run_at,
        START.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(24)
    );
    site.answer(410);
    report_removal(&app, &order_id).await;

    // Again without anyone acting: a re-capture proving absence…
    let items = wait_for_recheck(&app, &case_id, &code).await;
    let recapture = items
        .iter()
        .find(|item| item["kind"] == "recapture")
        .unwrap()
        .clone();
    assert_eq!(recapture["status"], "ok", "{recapture}");
    assert_eq!(recapture["original_id"], capture["id"]);
    assert_eq!(recapture["removal"], "removed");
    assert_eq!(recapture["order_id"], order_id.as_str());
    let file = file_of(&app, &case_id, &code, &recapture).await;
    assert_eq!(file.status, 200);
    warcio_check(app.folder.path(), "recapture.warc.gz", &file.body);
    let verified =
        verify_receipt(&receipt_of(&app, &case_id, &code, &recapture).await, &key).unwrap();
    assert_eq!(verified.kind, EvidenceKind::Recapture);
    assert_eq!(verified.original, Some(digest));

    // …and the removal verified, through the procedure's own command.
    let mut verified_removal = None;
    for _ in 0..200 {
        let events = app.store.load_case(&case_id).await.unwrap().unwrap().events;
        verified_removal = events.into_iter().find_map(|event| match event {
            CaseEvent::RemovalVerified {
                order_id: verified,
                result,
                ..
            } if verified == order_id => Some(result),
            _ => None,
        });
        if verified_removal.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(verified_removal, Some(VerificationResult::Removed));
    let types = event_types(&app, &case_id).await;
    assert_verified_by_the_recheck(&types);
    // The applicant's timeline tells it in the case's language.
    let status = app
        .get(&format!("/api/v1/applications/{case_id}"), Some(&code))
        .await
        .json();
    assert_eq!(status["orders"][0]["status"], "removed");
    assert!(status["timeline"].as_array().unwrap().iter().any(|entry| {
        entry["type"] == "evidence_captured" && entry["text"].as_str().unwrap().contains("Qorgau")
    }));

    // At the deadline the removal is already verified: nothing is captured again.
    app.clock
        .set(START.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(25));
    for _ in 0..200 {
        let job = app
            .store
            .jobs(Some(&case_id))
            .await
            .unwrap()
            .into_iter()
            .find(|job| job.id == deadline_job.id)
            .unwrap();
        if job.status == JobStatus::Done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Every evidence job is done (the outbox's notices wait for a worker
    // with transports, which this test does not give).
    let jobs = app.store.jobs(Some(&case_id)).await.unwrap();
    assert!(
        jobs.iter()
            .filter(|job| !qorgau_app::outbox::is_outbox_job(&job.kind))
            .all(|job| job.status == JobStatus::Done),
        "{jobs:?}"
    );
    assert_eq!(event_types(&app, &case_id).await, types);

    // The record and the log check out, and the log covers both items.
    app.store.verify().await.unwrap();
    let log = app.store.verify_log().await.unwrap();
    assert_eq!(log.evidence, 2);
    assert!(log.latest.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_capture_that_fails_is_recorded_with_its_reason_and_retried() {
    // Nothing listens on port 1: the connection is refused, which may pass.
    let app = TestApp::spawn_with_worker(vec![(
        "https://evidence.test/".to_owned(),
        "http://127.0.0.1:1/".to_owned(),
    )])
    .await;
    let (case_id, code) = app.apply(application(URL)).await;
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["attempts"] == 1)
    })
    .await;
    let item = &items[0];
    assert_eq!(item["status"], "failed");
    assert_eq!(item["reason"], "connect");
    assert_eq!(item["digest"], Value::Null);
    assert_eq!(item["captured_at"], Value::Null);
    // Retried after a minute (the clock does not move by itself here)…
    assert_eq!(item["retry_at"], "2026-12-02T10:01:00+05:00");
    // The worker records the failure's event, then hands the job back to the
    // queue: the second write may land a moment after the event is visible.
    let mut job = app.store.jobs(Some(&case_id)).await.unwrap()[0].clone();
    for _ in 0..200 {
        if job.status != JobStatus::Running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        job = app.store.jobs(Some(&case_id)).await.unwrap()[0].clone();
    }
    assert_eq!(
        (job.status, job.attempts, job.last_error.as_deref()),
        (JobStatus::Queued, 1, Some("connect"))
    );
    // …and then after two more.
    app.clock.set("2026-12-02T10:01:00+05:00".parse().unwrap());
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["attempts"] == 2)
    })
    .await;
    assert_eq!(items[0]["retry_at"], "2026-12-02T10:03:00+05:00");
    let failures: Vec<(u32, Option<Timestamp>, String)> = app
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .events
        .into_iter()
        .filter_map(|event| match event {
            CaseEvent::CaptureFailed {
                attempt,
                retry_at,
                reason,
                ..
            } => Some((attempt, retry_at, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!((failures[0].0, failures[1].0), (1, 2));
    assert!(
        failures
            .iter()
            .all(|(_, retry, reason)| retry.is_some() && reason == "connect")
    );
    // No file and no receipt for what was not captured.
    let file = file_of(&app, &case_id, &code, item).await;
    assert_eq!(file.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_address_that_is_never_fetched_fails_once_and_for_all() {
    // Loopback is allowed in tests, but a private address never is.
    let app = TestApp::spawn_with_worker(vec![(
        "https://evidence.test/".to_owned(),
        "http://10.1.2.3/".to_owned(),
    )])
    .await;
    let (case_id, code) = app.apply(application(URL)).await;
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["attempts"] == 1)
    })
    .await;
    assert_eq!(items[0]["reason"], "refused_address");
    assert_eq!(items[0]["retry_at"], Value::Null);
    for _ in 0..200 {
        if app.store.jobs(None).await.unwrap()[0].status == JobStatus::Failed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let job = &app.store.jobs(None).await.unwrap()[0];
    assert_eq!(
        (job.status, job.last_error.as_deref()),
        (JobStatus::Failed, Some("refused_address"))
    );
}

/// The job of `kind` of the case (the first whose payload holds `marker`)
/// once the worker has handed it back (it records the attempt's events, then
/// the job's state: a moment apart).
async fn settled_job(app: &TestApp, case_id: &str, kind: &str, marker: &str) -> qorgau_store::Job {
    for _ in 0..500 {
        let jobs = app.store.jobs(Some(case_id)).await.unwrap();
        let job = jobs
            .into_iter()
            .find(|job| job.kind == kind && job.payload.contains(marker))
            .unwrap();
        if job.status != JobStatus::Running {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the {kind} job of {case_id} stays running");
}

fn time_of(value: &Value) -> Timestamp {
    value.as_str().unwrap().parse().unwrap()
}

/// The `capture_failed` events of a case: (evidence id, attempt, reason,
/// retry at).
async fn failures(app: &TestApp, case_id: &str) -> Vec<(String, u32, String, Option<Timestamp>)> {
    app.store
        .load_case(case_id)
        .await
        .unwrap()
        .unwrap()
        .events
        .into_iter()
        .filter_map(|event| match event {
            CaseEvent::CaptureFailed {
                evidence_id,
                attempt,
                reason,
                retry_at,
                ..
            } => Some((evidence_id, attempt, reason, retry_at)),
            _ => None,
        })
        .collect()
}

/// Issue 4: a capture that fails — here a login wall (403) — is recorded as
/// failed with its reason, never dropped, and retried with backoff. The 403
/// pages are kept (evidence of what the site showed), each an item with its
/// file, log leaf and receipt; the retry records under a new item, so no id
/// has two files; the clean capture that follows is what the removal check
/// compares with.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_wall_is_kept_as_failed_evidence_and_retried_until_the_page_is_captured() {
    let site = Site::start().await;
    site.answer(403);
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    add_owner(&app).await;
    let (case_id, code) = app.apply(application(URL)).await;
    let start: Timestamp = START.parse().unwrap();
    let key = public_key(&app).await;

    // Attempt 1 (10:00): kept, failed, retried after a minute.
    let items = wait_for_evidence(&app, &case_id, &code, |items| items.len() == 1).await;
    let first = items[0].clone();
    let base = first["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            &first["kind"],
            &first["status"],
            &first["reason"],
            &first["attempts"]
        ),
        (
            &json!("capture"),
            &json!("failed"),
            &json!("http_status"),
            &json!(1)
        ),
        "{first}"
    );
    assert_eq!(
        time_of(&first["retry_at"]),
        start + SignedDuration::from_mins(1)
    );
    let file = file_of(&app, &case_id, &code, &first).await;
    assert_eq!(file.status, 200);
    assert_eq!(
        json!(Sha256Digest::of(&file.body).to_string()),
        first["digest"]
    );
    warcio_check(app.folder.path(), "login-wall.warc.gz", &file.body);
    verify_receipt(&receipt_of(&app, &case_id, &code, &first).await, &key).unwrap();
    let job = settled_job(&app, &case_id, "capture", "").await;
    assert_eq!(
        (job.status, job.attempts, job.last_error.as_deref()),
        (JobStatus::Queued, 1, Some("http_status"))
    );
    assert_eq!(job.run_at, start + SignedDuration::from_mins(1));

    // Attempt 2 (10:01): the wall again, a new item, retried two minutes on.
    app.clock.set(start + SignedDuration::from_mins(1));
    let items = wait_for_evidence(&app, &case_id, &code, |items| items.len() == 2).await;
    let second = items[1].clone();
    assert_eq!(second["id"], format!("{base}_2"));
    assert_eq!(
        (&second["status"], &second["reason"], &second["attempts"]),
        (&json!("failed"), &json!("http_status"), &json!(2)),
        "{second}"
    );
    assert_eq!(
        time_of(&second["retry_at"]),
        start + SignedDuration::from_mins(3)
    );
    // The first item is as it was.
    assert_eq!(items[0], first);

    // Attempt 3 (10:03): the page is there.
    settled_job(&app, &case_id, "capture", "").await;
    site.answer(200);
    app.clock.set(start + SignedDuration::from_mins(3));
    let items = wait_for_evidence(&app, &case_id, &code, |items| items.len() == 3).await;
    let third = items[2].clone();
    assert_eq!(third["id"], format!("{base}_3"));
    assert_eq!(
        (&third["status"], &third["reason"], &third["retry_at"]),
        (&json!("ok"), &Value::Null, &Value::Null),
        "{third}"
    );
    verify_receipt(&receipt_of(&app, &case_id, &code, &third).await, &key).unwrap();
    let digests: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|item| item["digest"].as_str().unwrap())
        .collect();
    assert_eq!(digests.len(), 3, "three files, one per item");
    let job = settled_job(&app, &case_id, "capture", "").await;
    assert_eq!((job.status, job.attempts), (JobStatus::Done, 3));
    assert_eq!(
        failures(&app, &case_id).await,
        [
            (
                base.clone(),
                1,
                "http_status".to_owned(),
                Some(start + SignedDuration::from_mins(1))
            ),
            (
                format!("{base}_2"),
                2,
                "http_status".to_owned(),
                Some(start + SignedDuration::from_mins(3))
            ),
        ]
    );
    // The record and the log agree: one evidence leaf per kept file.
    app.store.verify().await.unwrap();
    assert_eq!(app.store.verify_log().await.unwrap().evidence, 3);

    // The removal check compares with the clean capture.
    app.confirm(&case_id).await;
    let order_id = the_order_id(&app).await;
    site.answer(410);
    report_removal(&app, &order_id).await;
    let items = wait_for_recheck(&app, &case_id, &code).await;
    let recapture = items
        .iter()
        .find(|item| item["kind"] == "recapture")
        .unwrap();
    assert_eq!(recapture["original_id"], third["id"]);
    assert_eq!(recapture["removal"], "removed");
}

/// A server error that never ends: every attempt kept and failed, retried
/// with the backoff (1 min, 2, 4, … up to 6 h), and after the last one the
/// job gives up — the last `capture_failed` names no retry — never dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_error_that_never_ends_is_retried_until_the_attempts_run_out() {
    let site = Site::start().await;
    site.answer(503);
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    let (case_id, code) = app.apply(application(URL)).await;
    let config = qorgau_app::WorkerConfig::default();
    let mut now: Timestamp = START.parse().unwrap();
    let mut expected = Vec::new();
    for attempt in 1..=config.max_attempts {
        let items = wait_for_evidence(&app, &case_id, &code, |items| {
            items.len() == attempt as usize
        })
        .await;
        let item = &items[attempt as usize - 1];
        assert_eq!(
            (&item["status"], &item["reason"], &item["attempts"]),
            (&json!("failed"), &json!("http_status"), &json!(attempt)),
            "{item}"
        );
        assert!(
            item["digest"].is_string() && item["receipt"].is_string(),
            "{item}"
        );
        let retry_at = (attempt < config.max_attempts).then(|| now + config.backoff(attempt));
        assert_eq!(
            item["retry_at"].as_str().map(|text| time_of(&json!(text))),
            retry_at
        );
        expected.push((
            item["id"].as_str().unwrap().to_owned(),
            attempt,
            "http_status".to_owned(),
            retry_at,
        ));
        let job = settled_job(&app, &case_id, "capture", "").await;
        assert_eq!(job.last_error.as_deref(), Some("http_status"));
        match retry_at {
            Some(at) => {
                assert_eq!((job.status, job.run_at), (JobStatus::Queued, at));
                now = at;
                app.clock.set(now);
            }
            None => assert_eq!(job.status, JobStatus::Failed),
        }
    }
    assert_eq!(failures(&app, &case_id).await, expected);
    // Six hours is the longest wait.
    assert_eq!(
        expected[10].3.unwrap() - expected[9].3.unwrap(),
        SignedDuration::from_hours(6)
    );
    app.store.verify().await.unwrap();
    assert_eq!(
        app.store.verify_log().await.unwrap().evidence,
        u64::from(config.max_attempts)
    );
}

/// A removal check tries again only when it cannot tell: a 503 leaves the
/// order unverified and is retried; the 404 that follows is the answer —
/// removed, recorded once, not retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_removal_check_is_retried_only_while_it_cannot_tell() {
    let site = Site::start().await;
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    add_owner(&app).await;
    let (case_id, code) = app.apply(application(URL)).await;
    let capture = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["status"] == "ok")
    })
    .await[0]
        .clone();
    app.confirm(&case_id).await;
    let order_id = the_order_id(&app).await;
    site.answer(503);
    report_removal(&app, &order_id).await;
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["kind"] == "recapture")
    })
    .await;
    let unclear = items[1].clone();
    assert_eq!(
        (
            &unclear["kind"],
            &unclear["status"],
            &unclear["reason"],
            &unclear["removal"]
        ),
        (
            &json!("recapture"),
            &json!("failed"),
            &json!("http_status"),
            &Value::Null
        ),
        "{unclear}"
    );
    assert_eq!(unclear["original_id"], capture["id"]);
    let retry_at = time_of(&unclear["retry_at"]);
    let job = settled_job(&app, &case_id, "recapture", "\"reported\"").await;
    assert_eq!((job.status, job.run_at), (JobStatus::Queued, retry_at));
    let types = event_types(&app, &case_id).await;
    assert!(
        !types.contains(&"removal_rechecked".to_owned()),
        "{types:?}"
    );

    site.answer(404);
    app.clock.set(retry_at);
    let items = wait_for_recheck(&app, &case_id, &code).await;
    assert_eq!(items.len(), 3, "{items:?}");
    let answer = &items[2];
    assert_eq!(
        answer["id"],
        format!("{}_2", unclear["id"].as_str().unwrap())
    );
    assert_eq!(
        (
            &answer["status"],
            &answer["reason"],
            &answer["removal"],
            &answer["retry_at"]
        ),
        (&json!("ok"), &Value::Null, &json!("removed"), &Value::Null),
        "{answer}"
    );
    let job = settled_job(&app, &case_id, "recapture", "\"reported\"").await;
    assert_eq!(job.status, JobStatus::Done);
    let mut types = Vec::new();
    for _ in 0..200 {
        types = event_types(&app, &case_id).await;
        if types.contains(&"removal_verified".to_owned()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_verified_by_the_recheck(&types);
    // One failed attempt, the 503's; the 404 is not a failure.
    let failed = failures(&app, &case_id).await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, unclear["id"].as_str().unwrap());
    let status = app
        .get(&format!("/api/v1/applications/{case_id}"), Some(&code))
        .await
        .json();
    assert_eq!(status["orders"][0]["status"], "removed");
    app.store.verify().await.unwrap();
    app.store.verify_log().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn content_still_there_at_the_deadline_puts_the_order_into_non_compliance() {
    let site = Site::start().await;
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    add_owner(&app).await;
    let (case_id, code) = app.apply(application(URL)).await;
    wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["status"] == "ok")
    })
    .await;
    app.confirm(&case_id).await;
    let order_id = the_order_id(&app).await;
    // The deadline passes; the post is still there.
    app.clock
        .set(START.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(24));
    let items = wait_for_recheck(&app, &case_id, &code).await;
    assert_eq!(items[1]["removal"], "still_present");
    let mut types = Vec::new();
    for _ in 0..200 {
        types = event_types(&app, &case_id).await;
        if types.contains(&"order_not_complied".to_owned()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The re-capture's findings, then non-compliance (the scheduler may
    // already have taken the ladder's first step after it).
    let expected = [
        "evidence_captured",
        "removal_rechecked",
        "removal_verified",
        "order_not_complied",
    ];
    assert!(
        types
            .windows(expected.len())
            .any(|window| window.iter().map(String::as_str).eq(expected)),
        "{types:?}"
    );
    let orders = app
        .get(&format!("/api/v1/applications/{case_id}"), Some(&code))
        .await
        .json()["orders"]
        .clone();
    // Not complied; the ladder's first step (a reminder, due at once) may
    // already be taken by the scheduler.
    assert!(
        ["not_complied", "escalated"].contains(&orders[0]["status"].as_str().unwrap()),
        "{orders} {order_id}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn evidence_is_read_by_its_applicant_and_staff_only_and_never_served_damaged() {
    let site = Site::start().await;
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    add_owner(&app).await;
    let (case_id, code) = app.apply(application(URL)).await;
    let (_, other_code) = app.apply(application("https://evidence.test/other")).await;
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["status"] == "ok")
    })
    .await;
    let item = &items[0];
    let staff = app.sign_in("e1").await;
    let list = format!("/api/v1/applications/{case_id}/evidence");
    let file = format!("{list}/{}", item["id"].as_str().unwrap());
    let receipt = format!("{file}/receipt");
    for path in [&list, &file, &receipt] {
        for (who, token, allowed) in [
            ("anonymous", None, false),
            ("the applicant", Some(code.as_str()), true),
            ("another applicant", Some(other_code.as_str()), false),
            ("staff", Some(staff.as_str()), true),
            ("a resource owner", Some("qgk_evidence"), false),
            ("a wrong token", Some("qgs_nope"), false),
        ] {
            let reply = app.get_bytes(path, token).await;
            let expected = if allowed { 200 } else { 404 };
            assert_eq!(reply.status, expected, "{who} GET {path}");
        }
    }
    // Unknown items and cases are the same 404.
    let reply = app
        .get(&format!("{list}/ev_0000000000000000"), Some(&code))
        .await;
    assert_eq!(reply.status, 404);
    let reply = app
        .get("/api/v1/applications/QG-2026-999999/evidence", Some(&code))
        .await;
    assert_eq!(reply.status, 404);

    // A damaged file on disk is detected on read and never served.
    let digest: Sha256Digest = item["digest"].as_str().unwrap().parse().unwrap();
    let hex = digest.hex();
    let path = app
        .folder
        .path()
        .join("blobs/sha256")
        .join(&hex[0..2])
        .join(&hex);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let reply = app.get(&file, Some(&code)).await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let problem = reply.json();
    assert_eq!(problem["code"], "evidence_damaged");
    assert_eq!(problem["status"], 500);
}

#[tokio::test]
async fn the_log_routes_publish_a_checkpoint_and_the_key() {
    let app = TestApp::spawn().await;
    let key = public_key(&app).await;
    // Every record entry is a leaf: the log grows with the record.
    let empty = app.get("/api/v1/log/checkpoint", None).await;
    let empty = verify_checkpoint(&empty.body, &key).unwrap();
    assert_eq!(empty.tree_size, 0);
    app.apply(application(URL)).await;
    let reply = app.get("/api/v1/log/checkpoint", None).await;
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let checkpoint = verify_checkpoint(&reply.body, &key).unwrap();
    assert_eq!(checkpoint.tree_size, 2);
    assert_eq!(checkpoint.origin, "qorgau.test/log");
    // Asked again for the same tree: the same note.
    let again = app.get("/api/v1/log/checkpoint", None).await;
    assert_eq!(again.body, reply.body);
    // Without a worker the capture waits, durably.
    let jobs: Vec<_> = app
        .store
        .jobs(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|job| !qorgau_app::outbox::is_outbox_job(&job.kind))
        .collect();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].kind.as_str(), jobs[0].status),
        ("capture", JobStatus::Queued)
    );
    // The routes are in the OpenAPI document.
    let document = app.get("/api/openapi.json", None).await.json();
    for route in [
        "/api/v1/applications/{case_id}/evidence",
        "/api/v1/applications/{case_id}/evidence/{evidence_id}",
        "/api/v1/applications/{case_id}/evidence/{evidence_id}/receipt",
        "/api/v1/log/checkpoint",
        "/api/v1/log/public-key",
    ] {
        assert!(document["paths"][route].is_object(), "{route}");
    }
}

// ---------------------------------------------------------------------------
// The log's proof routes

fn hash_of(value: &Value) -> [u8; 32] {
    <[u8; 32]>::try_from(hex::decode(value.as_str().unwrap()).unwrap()).unwrap()
}

fn hashes_of(value: &Value) -> Vec<[u8; 32]> {
    value.as_array().unwrap().iter().map(hash_of).collect()
}

/// A 422 problem naming `field` with `code`.
fn assert_field_problem(reply: &common::Reply, field: &str, code: &str) {
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let problem = reply.json();
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    assert!(
        !problem["errors"][0]["message"].as_str().unwrap().is_empty(),
        "{problem}"
    );
}

/// Checks an inclusion-proof answer with the crate's verifier; returns it.
fn check_inclusion(reply: &common::Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let proof = reply.json();
    let entry = proof["entry"].as_str().unwrap().as_bytes();
    let leaf = leaf_hash(entry);
    assert_eq!(hash_of(&proof["leaf_hash"]), leaf);
    verify_inclusion(
        &leaf,
        proof["leaf_index"].as_u64().unwrap(),
        proof["tree_size"].as_u64().unwrap(),
        &hashes_of(&proof["inclusion_proof"]),
        &hash_of(&proof["root_hash"]),
    )
    .unwrap_or_else(|error| panic!("{error}: {proof}"));
    proof
}

#[tokio::test]
async fn the_log_serves_inclusion_and_consistency_proofs_that_verify() {
    let app = TestApp::spawn().await;
    let key = public_key(&app).await;
    app.apply(application(URL)).await;
    app.apply(application("https://evidence.test/posts/43"))
        .await;
    let first =
        verify_checkpoint(&app.get("/api/v1/log/checkpoint", None).await.body, &key).unwrap();
    app.apply(application("https://evidence.test/posts/44"))
        .await;
    let second =
        verify_checkpoint(&app.get("/api/v1/log/checkpoint", None).await.body, &key).unwrap();
    assert!(first.tree_size >= 2 && second.tree_size > first.tree_size);

    // By default against the latest checkpoint, whose signed note comes along.
    for index in 0..second.tree_size {
        let proof = check_inclusion(
            &app.get(&format!("/api/v1/log/proof/inclusion?index={index}"), None)
                .await,
        );
        assert_eq!(proof["tree_size"], second.tree_size);
        let note = verify_checkpoint(proof["checkpoint"].as_str().unwrap(), &key).unwrap();
        assert_eq!(note.tree_size, second.tree_size);
        assert_eq!(hash_of(&proof["root_hash"]), note.root_hash);
    }
    // Against an older tree: its root is the older checkpoint's.
    let proof = check_inclusion(
        &app.get(
            &format!(
                "/api/v1/log/proof/inclusion?index=1&tree_size={}",
                first.tree_size
            ),
            None,
        )
        .await,
    );
    assert_eq!(hash_of(&proof["root_hash"]), first.root_hash);
    assert!(proof["checkpoint"].is_null());

    // Consistency between the two checkpoints, and from one to the latest.
    for path in [
        format!(
            "/api/v1/log/proof/consistency?first={}&second={}",
            first.tree_size, second.tree_size
        ),
        format!("/api/v1/log/proof/consistency?first={}", first.tree_size),
    ] {
        let reply = app.get(&path, None).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let proof = reply.json();
        assert_eq!(hash_of(&proof["first_root"]), first.root_hash);
        assert_eq!(hash_of(&proof["second_root"]), second.root_hash);
        verify_consistency(
            first.tree_size,
            second.tree_size,
            &first.root_hash,
            &second.root_hash,
            &hashes_of(&proof["consistency_proof"]),
        )
        .unwrap();
    }
    // A proof from a checkpoint that was never the log's fails to verify.
    let reply = app
        .get(
            &format!(
                "/api/v1/log/proof/consistency?first={}&second={}",
                first.tree_size, second.tree_size
            ),
            None,
        )
        .await
        .json();
    assert!(
        verify_consistency(
            first.tree_size,
            second.tree_size,
            &[7; 32],
            &second.root_hash,
            &hashes_of(&reply["consistency_proof"]),
        )
        .is_err()
    );

    // Bad requests name their field.
    let size = second.tree_size;
    for (path, field, code) in [
        (
            format!("/api/v1/log/proof/inclusion?index=0&tree_size={}", size + 1),
            "tree_size",
            "tree_size_beyond_log",
        ),
        (
            format!("/api/v1/log/proof/inclusion?index={size}"),
            "index",
            "index_out_of_range",
        ),
        (
            "/api/v1/log/proof/inclusion?index=2&tree_size=2".to_owned(),
            "index",
            "index_out_of_range",
        ),
        (
            "/api/v1/log/proof/inclusion?index=x".to_owned(),
            "index",
            "invalid",
        ),
        (
            "/api/v1/log/proof/inclusion?tree_size=-1&index=0".to_owned(),
            "tree_size",
            "invalid",
        ),
        (
            "/api/v1/log/proof/inclusion".to_owned(),
            "index",
            "required",
        ),
        (
            "/api/v1/log/proof/consistency?first=3&second=2".to_owned(),
            "first",
            "first_after_second",
        ),
        (
            format!("/api/v1/log/proof/consistency?first={}", size + 1),
            "first",
            "first_after_second",
        ),
        (
            format!("/api/v1/log/proof/consistency?first=1&second={}", size + 5),
            "second",
            "tree_size_beyond_log",
        ),
        (
            "/api/v1/log/proof/consistency".to_owned(),
            "first",
            "required",
        ),
    ] {
        assert_field_problem(&app.get(&path, None).await, field, code);
    }
    // In the request's language.
    let reply = app
        .get(
            "/api/v1/log/proof/consistency?first=3&second=2&lang=ru",
            None,
        )
        .await;
    assert!(
        reply.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("больше")
    );
    // An evidence item that does not exist: 404.
    let reply = app
        .get(
            "/api/v1/log/proof/inclusion?evidence_id=ev_0000000000000000",
            None,
        )
        .await;
    assert_eq!(reply.status, 404);

    let document = app.get("/api/openapi.json", None).await.json();
    for route in [
        "/api/v1/log/proof/inclusion",
        "/api/v1/log/proof/consistency",
        "/api/v1/cases/{case_id}/captures",
        "/api/v1/applications/{case_id}/evidence/{evidence_id}/screenshot",
        "/api/v1/applications/{case_id}/evidence/{evidence_id}/dom",
    ] {
        assert!(document["paths"][route].is_object(), "{route}");
    }
}

// ---------------------------------------------------------------------------
// Captures staff ask for

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn staff_have_a_case_url_captured_now_through_the_same_job() {
    let site = Site::start().await;
    let app = TestApp::spawn_with_worker(vec![site.rewrite()]).await;
    let (case_id, code) = app.apply(application(URL)).await;
    wait_for_evidence(&app, &case_id, &code, |items| {
        items.len() == 1 && items[0]["status"] == "ok"
    })
    .await;
    let path = format!("/api/v1/cases/{case_id}/captures");

    // An expert asks again (the page changed, say): a second capture.
    let token = app.sign_in("e1").await;
    let reply = app.post(&path, Some(&token), json!({"url": URL})).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
    let queued = reply.json();
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["url"], URL);
    let evidence_id = queued["evidence_id"].as_str().unwrap().to_owned();
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items
            .iter()
            .any(|item| item["id"] == evidence_id.as_str() && item["status"] == "ok")
    })
    .await;
    let item = items
        .iter()
        .find(|item| item["id"] == evidence_id.as_str())
        .unwrap();
    assert_eq!(
        (item["kind"].as_str(), item["url"].as_str()),
        (Some("capture"), Some(URL))
    );
    // The same durable job kind as at intake.
    let captures = capture_jobs(&app, &case_id).await;
    assert_eq!(captures.len(), 2);
    assert!(captures.iter().all(|job| job.status == JobStatus::Done));

    // Its leaf, by evidence id, proved against the latest checkpoint.
    let proof = check_inclusion(
        &app.get(
            &format!("/api/v1/log/proof/inclusion?evidence_id={evidence_id}"),
            None,
        )
        .await,
    );
    assert_eq!(proof["leaf_index"], item["log_index"]);
    assert!(
        proof["entry"]
            .as_str()
            .unwrap()
            .contains(item["digest"].as_str().unwrap())
    );

    // Only the case's own URLs; only staff.
    let reply = app
        .post(
            &path,
            Some(&token),
            json!({"url": "https://elsewhere.test/"}),
        )
        .await;
    assert_field_problem(&reply, "url", "not_a_case_url");
    assert_field_problem(
        &app.post(&path, Some(&token), json!({})).await,
        "url",
        "required",
    );
    for bearer in [None, Some(code.as_str()), Some("qgk_telegram")] {
        let reply = app.post(&path, bearer, json!({"url": URL})).await;
        assert_eq!(reply.status, 401, "{bearer:?}: {}", reply.body);
    }
    let reply = app
        .post(
            "/api/v1/cases/QG-2026-999999/captures",
            Some(&token),
            json!({"url": URL}),
        )
        .await;
    assert_eq!(reply.status, 404);

    // The coordinator's button on the case page does the same.
    let cookie = app.page_session("coord").await;
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(
        page.body
            .contains(&format!("action=\"/staff/cases/{case_id}/captures"))
    );
    assert!(page.body.contains(&format!("<option value=\"{URL}\">")));
    let csrf = common::input_value(&page.body, "csrf").unwrap();
    let reply = app
        .post_form(
            &format!("/staff/cases/{case_id}/captures?lang=en"),
            &[("csrf", &csrf), ("url", URL)],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    wait_for_evidence(&app, &case_id, &code, |items| {
        items.len() == 3 && items.iter().all(|item| item["status"] == "ok")
    })
    .await;
    // Without the form's token: refused, nothing queued.
    let reply = app
        .post_form(
            &format!("/staff/cases/{case_id}/captures?lang=en"),
            &[("csrf", "forged"), ("url", URL)],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(capture_jobs(&app, &case_id).await.len(), 3);
}

/// The case's capture jobs (other kinds deliver notices).
async fn capture_jobs(app: &TestApp, case_id: &str) -> Vec<qorgau_store::Job> {
    let jobs = app.store.jobs(Some(case_id)).await.unwrap();
    jobs.into_iter()
        .filter(|job| job.kind == "capture")
        .collect()
}

// ---------------------------------------------------------------------------
// Headless Chromium beside the capture

/// A server on 127.0.0.1:0 answering every request with `body` (HTML) and
/// counting the requests it got.
async fn counting_server(body: String) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let address = qorgau_testkit::site::html_site(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        (200, body.clone())
    })
    .await;
    (address, hits)
}

/// Debian's Chromium, required in CI (`.ci/run` has it), else the test says
/// it is skipped.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return Some(path);
    }
    assert!(!in_ci(), "chromium is required in CI: {}", path.display());
    eprintln!("note: chromium is not installed; the browser snapshot test is skipped");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_capture_keeps_the_browsers_screenshot_and_dom_and_the_browser_reaches_nothing_else() {
    let Some(program) = chromium() else { return };
    // Another local service the page tries to reach: the browser may only
    // reach the address the capturer checked (this page's origin).
    let (private, private_hits) = counting_server("secret".to_owned()).await;
    let page = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>Пост</title></head><body>\
         <article><p>Сен ешкімге керек емессің.</p></article>\
         <img src=\"http://127.0.0.1:{port}/pixel.png\">\
         <img src=\"http://169.254.169.254/latest/meta-data/\">\
         <iframe src=\"http://localhost:{port}/frame\"></iframe>\
         <script>document.querySelector('article').insertAdjacentHTML('beforeend',\
         '<p id=\"added\">қосылған мәтін</p>');\
         fetch('http://127.0.0.1:{port}/fetch').catch(function () {{}});</script>\
         </body></html>",
        port = private.port()
    );
    let (site, site_hits) = counting_server(page).await;
    let rewrite = (
        "https://evidence.test/".to_owned(),
        format!("http://127.0.0.1:{}/", site.port()),
    );
    let browser = qorgau_evidence::browser::BrowserConfig {
        timeout: Duration::from_secs(60),
        window: (800, 600),
        ..qorgau_evidence::browser::BrowserConfig::new(program)
    };
    let app = TestApp::spawn_with_browser(vec![rewrite], browser).await;
    let (case_id, code) = app.apply(application(URL)).await;
    let items = wait_for_evidence(&app, &case_id, &code, |items| {
        items.iter().any(|item| item["status"] == "ok")
    })
    .await;
    let item = &items[0];
    let screenshot = item["screenshot"].as_str().unwrap().to_owned();
    let dom = item["dom"].as_str().unwrap().to_owned();

    // The screenshot, to the applicant: a PNG of the viewport.
    let reply = app.get_bytes(&screenshot, Some(&code)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/png"));
    assert!(reply.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(reply.body[16..20].try_into().unwrap());
    assert_eq!(width, 800);
    // The DOM after scripts ran, as text, never as HTML on our origin.
    let reply = app.get_bytes(&dom, Some(&code)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    let text = String::from_utf8(reply.body.clone()).unwrap();
    assert!(text.contains("қосылған мәтін"), "{text}");
    // Staff see them too; strangers and owners do not.
    let token = app.sign_in("e1").await;
    assert_eq!(app.get_bytes(&screenshot, Some(&token)).await.status, 200);
    for bearer in [None, Some("qgk_telegram"), Some("wrong-code")] {
        assert_eq!(app.get_bytes(&screenshot, bearer).await.status, 404);
        assert_eq!(app.get_bytes(&dom, bearer).await.status, 404);
    }
    let cookie = app.page_session("coord").await;
    let case_page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    let staff_screenshot = format!(
        "/staff/cases/{case_id}/evidence/{}?part=screenshot",
        item["id"].as_str().unwrap()
    );
    assert!(
        case_page.body.contains(&staff_screenshot),
        "{}",
        case_page.body
    );
    let reply = app.get_with_cookie(&staff_screenshot, &cookie).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/png"));

    // The record keeps both digests with the capture; the blobs hash to them.
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let record = case.state().unwrap().evidence[0].browser.clone().unwrap();
    let png = app
        .evidence
        .read(&record.screenshot.parse::<Sha256Digest>().unwrap())
        .await
        .unwrap();
    assert_eq!(png.len() as u64, record.screenshot_size);
    // The page was fetched by the capturer and by the browser (and perhaps
    // its favicon) — and the other service never saw a request.
    assert!(site_hits.load(Ordering::SeqCst) >= 2);
    assert_eq!(private_hits.load(Ordering::SeqCst), 0);
    app.store.verify().await.unwrap();
    app.store.verify_log().await.unwrap();
}

/// Issue 4: uploaded originals are kept byte for byte; the copy staff look
/// at is a separate blob without the photo's metadata, linked to it. A JPEG,
/// a PNG and a WebP with a GPS position, a PDF and a JPEG cut short are
/// uploaded through the API: each original comes back whole to its
/// applicant; the three images have a copy without the position, named in
/// their event, which the staff case page shows (and exiftool finds nothing
/// in); the other two are said to be unchecked. Resource owners get none
/// of it.
#[tokio::test]
async fn an_uploaded_photo_is_kept_whole_and_staff_see_it_without_its_position() {
    use qorgau_testkit::images::{self, GPS_MARK, contains};
    let app = TestApp::spawn().await;
    add_owner(&app).await;
    let jpeg = images::jpeg_with_gps();
    let png = images::png_with_gps();
    let webp = images::webp_with_gps();
    let pdf = b"%PDF-1.7\n% a letter, with an author and a date in its metadata\n".to_vec();
    let cut = jpeg[..jpeg.len() - 40].to_vec();
    let uploads: [(&str, &str, &[u8]); 5] = [
        ("photo.jpg", "image/jpeg", &jpeg),
        ("photo.png", "image/png", &png),
        ("photo.webp", "image/webp", &webp),
        ("letter.pdf", "application/pdf", &pdf),
        ("cut.jpg", "image/jpeg", &cut),
    ];
    let files: Vec<(&str, &str, &str, &[u8])> = uploads
        .iter()
        .map(|(name, media_type, bytes)| ("evidence", *name, *media_type, *bytes))
        .collect();
    let filed = app
        .post_multipart(
            "/api/v1/applications?lang=en",
            &[("application", &application(URL).to_string())],
            &files,
        )
        .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let case_id = filed.json()["case_id"].as_str().unwrap().to_owned();
    let code = filed.json()["access_code"].as_str().unwrap().to_owned();

    // The record: one upload per file, in order; the images name their copy.
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let state = case.state().unwrap();
    let recorded: Vec<_> = state
        .evidence
        .iter()
        .filter(|item| item.kind == qorgau_domain::procedure::EvidenceKind::Upload)
        .collect();
    assert_eq!(recorded.len(), 5);
    let mut copies = Vec::new();
    for ((name, _, original), item) in uploads.iter().zip(&recorded) {
        let digest = Sha256Digest::of(original);
        assert_eq!(
            item.digest.as_deref(),
            Some(digest.to_string().as_str()),
            "{name}"
        );
        let links = qorgau_app::evidence::derived_links(item);
        match qorgau_evidence::strip::strip_metadata(original) {
            Ok(expected) if !name.starts_with("cut") => {
                let stripped = item.stripped.as_ref().unwrap_or_else(|| panic!("{name}"));
                let copy = Sha256Digest::of(&expected.bytes);
                assert_eq!(stripped.digest, copy.to_string(), "{name}");
                assert_eq!(stripped.size, expected.bytes.len() as u64);
                assert_eq!(stripped.media_type, expected.format.media_type());
                assert!(stripped.removed.contains(&"exif".to_owned()), "{name}");
                assert_eq!(
                    links,
                    [qorgau_evidence::cas::DerivedLink {
                        original: digest,
                        derived: copy,
                        derivation: qorgau_evidence::cas::Derivation::MetadataStripped,
                        media_type: expected.format.media_type().to_owned(),
                    }]
                );
                // A blob of its own, without the position.
                let kept = app.evidence.read(&copy).await.unwrap();
                assert_eq!(kept, expected.bytes);
                assert!(!contains(&kept, b"Exif") && !contains(&kept, GPS_MARK));
                assert!(!contains(&kept, &images::latitude_rationals()));
                copies.push((item.evidence_id.clone(), expected));
            }
            _ => {
                assert_eq!(item.stripped, None, "{name}: not checked");
                assert!(links.is_empty());
            }
        }
    }
    assert_eq!(copies.len(), 3);
    let jpeg_id = recorded[0].evidence_id.clone();
    // The copy has no log entry of its own: the upload's leaf names the
    // original, and the event's leaf commits to the copy's digest.
    let receipt = app
        .get(
            &format!("/api/v1/applications/{case_id}/evidence/{jpeg_id}/receipt"),
            Some(&code),
        )
        .await;
    assert_eq!(
        receipt.json()["digest"],
        Sha256Digest::of(&jpeg).to_string().as_str()
    );
    let event = case
        .events
        .iter()
        .find_map(|event| match event {
            CaseEvent::EvidenceCaptured {
                evidence_id,
                stripped,
                ..
            } if *evidence_id == jpeg_id => stripped.clone(),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        event.removed,
        ["exif", "xmp", "photoshop", "comment"].map(str::to_owned)
    );

    // The applicant's download is the original, byte for byte.
    for ((name, _, original), item) in uploads.iter().zip(&recorded) {
        let file = app
            .get_bytes(
                &format!(
                    "/api/v1/applications/{case_id}/evidence/{}",
                    item.evidence_id
                ),
                Some(&code),
            )
            .await;
        assert_eq!(file.status, 200, "{name}");
        assert_eq!(file.body, *original, "{name}: the original");
    }

    // The staff case page shows each image's copy and says so; the two
    // others are said to be unchecked.
    let session = app.page_session("e1").await;
    let cookie = format!("qorgau_session={session}");
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &session)
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body
            .matches("location, camera and other details stored in the file were removed")
            .count(),
        3,
        "{}",
        page.body
    );
    assert_eq!(
        page.body
            .matches("has not been checked for metadata")
            .count(),
        2,
        "{}",
        page.body
    );
    let folder = tempfile::tempdir().unwrap();
    for (evidence_id, expected) in &copies {
        let item = format!("/staff/cases/{case_id}/evidence/{evidence_id}");
        let shown = format!("<img src=\"{item}?part=stripped\"");
        assert!(page.body.contains(&shown), "{shown}: {}", page.body);
        assert!(
            page.body
                .contains(&format!("<a href=\"{item}\">Download the original</a>"))
        );
        let copy = app
            .get_bytes_with_cookie(&format!("{item}?part=stripped"), &cookie)
            .await;
        assert_eq!(copy.status, 200);
        assert_eq!(copy.body, expected.bytes);
        assert_eq!(
            copy.header("content-type"),
            Some(expected.format.media_type())
        );
        assert_eq!(copy.header("content-disposition"), Some("inline"));
        assert!(!contains(&copy.body, GPS_MARK) && !contains(&copy.body, b"Exif"));
        let path = folder.path().join(evidence_id);
        std::fs::write(&path, &copy.body).unwrap();
        if let Some(found) = qorgau_testkit::images::exiftool_metadata(&path) {
            assert_eq!(found, "", "exiftool on the copy of {evidence_id}");
        }
        // The original, for staff: a download of the stored bytes.
        let original = app.get_bytes_with_cookie(&item, &cookie).await;
        assert_eq!(original.status, 200);
        assert_eq!(
            Sha256Digest::of(&original.body).to_string(),
            state
                .evidence_item(evidence_id)
                .unwrap()
                .digest
                .clone()
                .unwrap()
        );
        assert!(
            original
                .header("content-disposition")
                .unwrap()
                .starts_with(&format!("attachment; filename=\"{evidence_id}.")),
        );
    }
    // An item without a copy has no `stripped` part.
    let unchecked = &recorded[3].evidence_id;
    let none = app
        .get_bytes_with_cookie(
            &format!("/staff/cases/{case_id}/evidence/{unchecked}?part=stripped"),
            &cookie,
        )
        .await;
    assert_eq!(none.status, 404);

    // Resource owners get no upload, original or copy: the API answers them
    // as for a case that does not exist, the staff routes send them to sign
    // in (their own routes serve orders, never evidence).
    let owner = app.owner_session("qgk_evidence").await;
    let item = format!("/staff/cases/{case_id}/evidence/{jpeg_id}");
    for path in [
        format!("/api/v1/applications/{case_id}/evidence"),
        format!("/api/v1/applications/{case_id}/evidence/{jpeg_id}"),
    ] {
        assert_eq!(app.get_bytes(&path, Some("qgk_evidence")).await.status, 404);
        assert_eq!(app.get_bytes_with_cookie(&path, &owner).await.status, 404);
    }
    for path in [item.clone(), format!("{item}?part=stripped")] {
        let reply = app.get_bytes_with_cookie(&path, &owner).await;
        assert_eq!(reply.status, 303, "{path}");
        assert!(
            reply
                .header("location")
                .unwrap()
                .starts_with("/staff/login")
        );
        // Nor the applicant, whose code opens the API only, nor anyone.
        assert_eq!(app.get_bytes(&path, Some(&code)).await.status, 303);
        assert_eq!(app.get_bytes(&path, None).await.status, 303);
    }
}
