//! The delivery routes against a real server on port 0: owners register a
//! webhook (the secret once, a bad URL refused naming the field), who may
//! see the dead-letter list and the compliance records, pausing and
//! resuming a ladder, and the public check of an order's code.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::TestApp;
use qorgau_store::Store;
use serde_json::{Value, json};

fn application() -> Value {
    json!({
        "language": "kk",
        "applicant": {"name": "Әсел Нұрланқызы", "relation": "parent", "email": "asel@example.kz"},
        "child": {"name": "Данияр Құпиябеков", "birth_date": "2012-04-15"},
        "resources": [{"url": "https://t.me/school_memes_kz"}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "мем"},
            {"occurred_on": "2026-11-24", "resource_url": "https://t.me/school_memes_kz", "description": "тағы мем"}
        ]
    })
}

async fn put(app: &TestApp, path: &str, bearer: &str, body: Value) -> common::Reply {
    let authorization = format!("Bearer {bearer}");
    app.request(
        "PUT",
        path,
        &[("Authorization", authorization.as_str())],
        Some(&body.to_string()),
    )
    .await
}

#[tokio::test]
async fn an_owner_registers_a_webhook_and_gets_its_secret_once() {
    let app = TestApp::spawn().await;
    let refused = put(
        &app,
        "/api/v1/owner/webhook",
        "qgk_telegram",
        json!({"url": "http://hooks.telegram.example/qorgau"}),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let problem = refused.json();
    assert_eq!(problem["errors"][0]["field"], "url");
    assert_eq!(problem["errors"][0]["code"], "webhook_url_not_https");
    let private = put(
        &app,
        "/api/v1/owner/webhook?lang=ru",
        "qgk_telegram",
        json!({"url": "https://10.0.0.7/hook"}),
    )
    .await;
    assert_eq!(private.status, 422, "{}", private.body);
    let unknown = put(
        &app,
        "/api/v1/owner/webhook",
        "qgk_nobody",
        json!({"url": "https://hooks.telegram.example/q"}),
    )
    .await;
    assert_eq!(unknown.status, 401);

    let first = put(
        &app,
        "/api/v1/owner/webhook",
        "qgk_telegram",
        json!({"url": "https://hooks.telegram.example/qorgau"}),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let first = first.json()["secret"].as_str().unwrap().to_owned();
    assert!(first.starts_with("whsec_"));
    let second = put(
        &app,
        "/api/v1/owner/webhook",
        "qgk_telegram",
        json!({"url": "https://hooks.telegram.example/qorgau"}),
    )
    .await;
    let second = second.json()["secret"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "registering again rotates the secret");
    // Both sign during the grace period; the new one first.
    use qorgau_app::Clock;
    use qorgau_store::Deliveries;
    let contact = app
        .store
        .owner_contact("telegram", app.clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.webhook.unwrap().secrets, vec![second, first]);
}

#[tokio::test]
async fn only_coordinators_see_dead_letters_and_compliance_and_pause_ladders() {
    let app = TestApp::spawn().await;
    let (case_id, _code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    let order = format!("{case_id}-1");
    let coordinator = app.sign_in("coord").await;
    let expert = app.sign_in("e1").await;

    for path in ["/api/v1/deliveries/failed", "/api/v1/owners/compliance"] {
        assert_eq!(app.get(path, None).await.status, 401, "{path}");
        assert_eq!(app.get(path, Some(&expert)).await.status, 403, "{path}");
        assert_eq!(
            app.get(path, Some("qgk_telegram")).await.status,
            401,
            "{path}"
        );
        assert_eq!(
            app.get(path, Some(&coordinator)).await.status,
            200,
            "{path}"
        );
    }
    let records = app
        .get("/api/v1/owners/compliance", Some(&coordinator))
        .await
        .json();
    let telegram = records["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|owner| owner["owner"] == "telegram")
        .unwrap()
        .clone();
    assert_eq!(telegram["record"]["awaiting_delivery"], 1, "{telegram}");
    assert!(
        !records.to_string().contains("Құпиябеков"),
        "no child in the records"
    );

    // Nothing was given up; a made-up delivery cannot be retried.
    let failed = app
        .get("/api/v1/deliveries/failed", Some(&coordinator))
        .await
        .json();
    assert_eq!(failed["failed"], json!([]));
    let retry = app
        .post(
            "/api/v1/deliveries/999/retry",
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(retry.status, 404);

    // Pause needs a coordinator and a reason; resume needs a pause.
    let pause = format!("/api/v1/orders/{order}/escalation/pause");
    let resume = format!("/api/v1/orders/{order}/escalation/resume");
    assert_eq!(
        app.post(&pause, Some(&expert), json!({"reason": "x"}))
            .await
            .status,
        403
    );
    let no_reason = app
        .post(&pause, Some(&coordinator), json!({"reason": " "}))
        .await;
    assert_eq!(no_reason.status, 409, "{}", no_reason.body);
    assert_eq!(no_reason.json()["code"], "reason_required");
    assert_eq!(
        app.post(&resume, Some(&coordinator), json!({}))
            .await
            .json()["code"],
        "escalation_not_paused"
    );
    let paused = app
        .post(
            &pause,
            Some(&coordinator),
            json!({"reason": "the owner's appeal"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.json()["escalation_paused"], true);
    let resumed = app.post(&resume, Some(&coordinator), json!({})).await;
    assert_eq!(resumed.json()["escalation_paused"], false);
}

#[tokio::test]
async fn an_orders_code_is_checked_in_public_and_says_nothing_of_the_child() {
    let app = TestApp::spawn().await;
    let (case_id, _code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    let order_id = format!("{case_id}-1");
    let state = app
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    let code = qorgau_app::outbox::verification_code(state.order(&order_id).unwrap());
    let genuine = app
        .get(&format!("/verify/{order_id}/{code}?lang=kk"), None)
        .await;
    assert_eq!(genuine.status, 200);
    assert!(genuine.body.contains(&order_id));
    assert!(!genuine.body.contains("Құпиябеков") && !genuine.body.contains("t.me/school"));
    let lowercase = app
        .get(&format!("/verify/{order_id}/{}", code.to_lowercase()), None)
        .await;
    assert_eq!(
        lowercase.status, 200,
        "codes are read without regard to case"
    );
    for (order, code) in [
        (order_id.as_str(), "0000-0000-0000"),
        ("QG-2026-999999-1", code.as_str()),
    ] {
        let forged = app
            .get(&format!("/verify/{order}/{code}?lang=ru"), None)
            .await;
        assert_eq!(forged.status, 404, "{order} {code}");
    }
}

#[tokio::test]
async fn the_order_as_pdf_goes_to_its_owner_and_the_coordinators_preview_only() {
    let app = TestApp::spawn().await;
    let (case_id, _code) = app.apply(application()).await;
    let coordinator = app.sign_in("coord").await;
    let undecided = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/response/preview"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(undecided.status, 409, "no letter before an outcome");
    app.confirm(&case_id).await;
    let order_id = format!("{case_id}-1");
    // Not yet delivered: the legal clock has not started, so the order gives
    // the hours from receipt, not a date counted from its issue.
    let before = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/orders/{order_id}/preview"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(before.status, 200);
    let read_back = |pdf: &[u8]| {
        let path = app.folder.path().join("order.pdf");
        std::fs::write(&path, pdf).unwrap();
        qorgau_testkit::pdftotext(&path)
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if let Some(text) = read_back(&before.body) {
        assert!(
            text.contains("в течение 24 часов с момента получения предписания")
                && !text.contains("03.12.2026"),
            "{text}"
        );
    }
    // The owner reading it is its delivery: now it states the deadline,
    // 24 hours later in Almaty time.
    let own = app
        .get_bytes(
            &format!("/api/v1/orders/{order_id}/document"),
            Some("qgk_telegram"),
        )
        .await;
    assert_eq!(own.status, 200);
    assert_eq!(own.header("content-type"), Some("application/pdf"));
    assert!(own.body.starts_with(b"%PDF-"));
    if let Some(text) = read_back(&own.body) {
        assert!(text.contains("03.12.2026, 10:00 (время Алматы)"), "{text}");
    }
    let others = app
        .get_bytes(
            &format!("/api/v1/orders/{order_id}/document"),
            Some("qgk_instagram"),
        )
        .await;
    assert_eq!(others.status, 404);
    let preview = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/orders/{order_id}/preview"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(preview.status, 200);
    assert_eq!(
        preview.body, own.body,
        "the preview is the document as sent"
    );
    let letter = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/response/preview"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(letter.status, 200);
    assert!(letter.body.starts_with(b"%PDF-"));
    // A step not taken has no document.
    let no_step = app
        .get_bytes(
            &format!("/api/v1/orders/{order_id}/document?step=1"),
            Some("qgk_telegram"),
        )
        .await;
    assert_eq!(no_step.status, 404);
    let expert = app.sign_in("e1").await;
    let refused = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/response/preview"),
            Some(&expert),
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn the_coordinators_board_shows_compliance_and_requeues_a_dead_letter() {
    use qorgau_app::Clock;
    let app = TestApp::spawn().await;
    let (case_id, _code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    // A delivery given up.
    let now = app.clock.now();
    let job = qorgau_store::NewJob {
        kind: "deliver_webhook".into(),
        payload: json!({"delivery_id": "msg_00000000000000aa", "notice": "order.issued",
                        "audience": "owner", "order_id": format!("{case_id}-1"),
                        "occurred_at": now.to_string()})
        .to_string(),
        run_at: now,
    };
    let id = app
        .store
        .enqueue_job(Some(&case_id), &job, now)
        .await
        .unwrap();
    loop {
        let claimed = app.store.claim_job(now, now).await.unwrap().unwrap();
        if claimed.id == id {
            break;
        }
        app.store.complete_job(claimed.id, now).await.unwrap();
    }
    app.store
        .fail_job(id, "webhook_server_error", None, now)
        .await
        .unwrap();

    let expert = app.page_session("e1").await;
    assert_eq!(
        app.get_with_cookie("/staff/deliveries", &expert)
            .await
            .status,
        403
    );
    let coordinator = app.page_session("coord").await;
    let board = app
        .get_with_cookie("/staff/deliveries?lang=ru", &coordinator)
        .await;
    assert_eq!(board.status, 200);
    assert!(board.body.contains("id=\"compliance\"") && board.body.contains("telegram"));
    assert!(
        board.body.contains("webhook_server_error"),
        "{}",
        board.body
    );
    assert!(!board.body.contains("Құпиябеков"));
    let csrf = common::input_value(&board.body, "csrf").unwrap();
    let id_text = id.to_string();
    let requeued = app
        .post_form(
            "/staff/deliveries/retry?lang=ru",
            &[("csrf", &csrf), ("job", &id_text)],
            Some(&coordinator),
        )
        .await;
    assert_eq!(requeued.status, 200, "{}", requeued.body);
    assert!(
        requeued.body.contains("id=\"no-failed\""),
        "{}",
        requeued.body
    );
    let forged = app
        .post_form(
            "/staff/deliveries/retry",
            &[("csrf", "forged"), ("job", &id_text)],
            Some(&coordinator),
        )
        .await;
    assert_eq!(forged.status, 403);
}

/// A resource owner's webhook receiver on loopback: answers 500 while
/// `failures_left` is above zero (counting it down), then 204, and records
/// each request's `webhook-id`, signature header and the status it gave.
struct Receiver {
    address: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, String, u16)>>>,
    failures_left: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Receiver {
    async fn start(failures: usize) -> Receiver {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let failures_left = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(failures));
        let (record, left) = (seen.clone(), failures_left.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (record, left) = (record.clone(), left.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 4096];
                    // Headers, then the body to its Content-Length.
                    let body_start = loop {
                        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end + 4;
                        }
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    };
                    let head = String::from_utf8_lossy(&request[..body_start]).to_lowercase();
                    let header = |name: &str| {
                        head.lines()
                            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
                            .unwrap_or_default()
                            .trim()
                            .to_owned()
                    };
                    let length: usize = header("content-length").parse().unwrap_or(0);
                    while request.len() < body_start + length {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    let failing = left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    let status: u16 = if failing { 500 } else { 204 };
                    record.lock().unwrap().push((
                        header("webhook-id"),
                        header("webhook-signature"),
                        status,
                    ));
                    let reason = if failing {
                        "Internal Server Error"
                    } else {
                        "No Content"
                    };
                    let response = format!(
                        "HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        Receiver {
            address,
            seen,
            failures_left,
        }
    }

    fn seen(&self) -> Vec<(String, String, u16)> {
        self.seen.lock().unwrap().clone()
    }
}

/// A page for the intake capture, so the worker reaches nothing outside.
async fn page() -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let page = "<html><body><p>A meme about a pupil.</p></body></html>";
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    address
}

/// A worker over the app's store and clock whose outbox delivers webhooks
/// to loopback with `retry`: the test runs it (`run_until_idle`) and moves
/// the clock itself, so no backoff is slept through.
async fn delivering_worker(
    app: &TestApp,
    retry: qorgau_delivery::retry::RetryPolicy,
) -> qorgau_app::Worker<qorgau_store::AnyStore> {
    let pages = page().await;
    let config = qorgau_app::WorkerConfig {
        concurrency: 1,
        rewrite: vec![("https://".into(), format!("http://{pages}/"))],
        capture: qorgau_evidence::capture::CaptureConfig {
            allow_loopback: true,
            ..Default::default()
        },
        ..qorgau_app::WorkerConfig::default()
    };
    let outbox = qorgau_app::Outbox {
        webhooks: qorgau_delivery::webhook::WebhookSender::new(
            qorgau_delivery::webhook::WebhookConfig {
                allow_loopback: true,
                ..Default::default()
            },
        )
        .unwrap(),
        mailer: None,
        templates: qorgau_documents::Templates::embedded().unwrap(),
        public_url: "https://qorgau.test".to_owned(),
        retry,
    };
    qorgau_app::Worker::new(
        std::sync::Arc::new(app.store.clone()),
        app.clock.clone(),
        app.evidence.clone(),
        config,
    )
    .unwrap()
    .with_outbox(std::sync::Arc::new(outbox))
}

/// Registers `receiver` as telegram's endpoint. Straight in the store: the
/// API refuses loopback endpoints unless the service is told otherwise
/// (that refusal is tested above).
async fn register(app: &TestApp, receiver: &Receiver) -> String {
    use qorgau_app::Clock;
    use qorgau_store::Deliveries;
    let secret = qorgau_delivery::webhook::WebhookSecret::generate()
        .unwrap()
        .expose();
    let url = format!("http://{}/hook", receiver.address);
    let now = app.clock.now();
    assert!(
        app.store
            .set_owner_webhook("telegram", &url, &secret, now)
            .await
            .unwrap()
    );
    secret
}

/// Moves the clock past the longest wait `retry` can ask for, then runs
/// every job due.
async fn after_the_wait(
    app: &TestApp,
    worker: &qorgau_app::Worker<qorgau_store::AnyStore>,
    retry: qorgau_delivery::retry::RetryPolicy,
) {
    use qorgau_app::Clock;
    let later = app
        .clock
        .now()
        .checked_add(jiff::SignedDuration::try_from(retry.cap).unwrap())
        .unwrap()
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    app.clock.set(later);
    worker.run_until_idle().await.unwrap();
}

fn notices_delivered(events: &[qorgau_domain::procedure::CaseEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            qorgau_domain::procedure::CaseEvent::NoticeDelivered { delivery_id, .. } => {
                Some(delivery_id.clone())
            }
            _ => None,
        })
        .collect()
}

/// Issue 5: "a receiver that fails twice then succeeds gets exactly one
/// logical delivery with one webhook-id" — through the outbox, its retries
/// and the case record, not the sender alone.
#[tokio::test]
async fn a_receiver_that_fails_twice_gets_one_delivery_with_one_webhook_id() {
    let app = TestApp::spawn().await;
    let retry = qorgau_delivery::retry::RetryPolicy::DEFAULT;
    let worker = delivering_worker(&app, retry).await;
    let receiver = Receiver::start(2).await;
    register(&app, &receiver).await;
    let (case_id, _code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    worker.run_until_idle().await.unwrap();
    assert_eq!(receiver.seen().len(), 1, "the first attempt, at once");
    for _ in 0..4 {
        after_the_wait(&app, &worker, retry).await;
    }
    let seen = receiver.seen();
    let statuses: Vec<u16> = seen.iter().map(|(_, _, status)| *status).collect();
    assert_eq!(statuses, [500, 500, 204], "{seen:?}");
    let id = &seen[0].0;
    assert!(id.starts_with("msg_"), "{id}");
    assert!(
        seen.iter()
            .all(|(each, signature, _)| each == id && signature.starts_with("v1,"))
    );
    let events = app.store.load_case(&case_id).await.unwrap().unwrap().events;
    assert_eq!(
        notices_delivered(&events),
        std::slice::from_ref(id),
        "recorded once"
    );
    let state = app
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert!(
        state
            .order(&format!("{case_id}-1"))
            .unwrap()
            .delivered_at
            .is_some(),
        "the delivery started the removal clock"
    );
}

/// Issue 5's dead-lettering end to end: a receiver that keeps failing takes
/// the delivery through every attempt of the retry policy onto the
/// coordinators' dead-letter list (API and page); a coordinator queues it
/// again and, the receiver mended, it arrives once, with the same
/// `webhook-id` as every attempt before.
#[tokio::test]
async fn a_delivery_that_keeps_failing_is_dead_lettered_and_a_retry_delivers_it_with_the_same_id() {
    let app = TestApp::spawn().await;
    // Three attempts, waits of at most 2 s then 4 s: the clock is moved.
    let retry = qorgau_delivery::retry::RetryPolicy {
        base: std::time::Duration::from_secs(2),
        cap: std::time::Duration::from_secs(4),
        max_attempts: 3,
    };
    let worker = delivering_worker(&app, retry).await;
    let receiver = Receiver::start(usize::MAX).await;
    register(&app, &receiver).await;
    let (case_id, _code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    let order_id = format!("{case_id}-1");
    worker.run_until_idle().await.unwrap();
    let coordinator = app.sign_in("coord").await;
    // The webhooks given up (the applicant's letter, with no mail server
    // here, ends there too; it is not this test's).
    let failed = || async {
        app.get("/api/v1/deliveries/failed", Some(&coordinator))
            .await
            .json()["failed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == "deliver_webhook")
            .cloned()
            .collect::<Vec<Value>>()
    };
    // Not yet given up after the first or second failure.
    assert_eq!(failed().await, Vec::<Value>::new());
    after_the_wait(&app, &worker, retry).await;
    assert_eq!(receiver.seen().len(), 2);
    assert_eq!(failed().await, Vec::<Value>::new());
    after_the_wait(&app, &worker, retry).await;
    assert_eq!(receiver.seen().len(), 3);
    // The third was the last attempt: nothing more is tried.
    after_the_wait(&app, &worker, retry).await;
    assert_eq!(receiver.seen().len(), 3);
    let seen = receiver.seen();
    let webhook_id = seen[0].0.clone();
    assert!(
        seen.iter()
            .all(|(id, _, status)| *id == webhook_id && *status == 500)
    );

    let dead = failed().await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    let item = &dead[0];
    assert_eq!(item["kind"], "deliver_webhook");
    assert_eq!(item["notice"], "order.issued");
    assert_eq!(item["order_id"], order_id.as_str());
    assert_eq!(item["delivery_id"], webhook_id.as_str());
    assert_eq!(item["attempts"], 3);
    assert!(
        item["reason"].as_str().unwrap().contains("500")
            || item["reason"].as_str().unwrap().contains("server"),
        "{item}"
    );
    let job = item["id"].as_i64().unwrap();
    // The coordinators' board lists it, with why.
    let session = app.page_session("coord").await;
    let board = app
        .get_with_cookie("/staff/deliveries?lang=en", &session)
        .await;
    assert_eq!(board.status, 200);
    assert!(
        board.body.contains(item["reason"].as_str().unwrap()) && board.body.contains(&order_id),
        "{}",
        board.body
    );
    let state = app
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert!(state.order(&order_id).unwrap().delivered_at.is_none());

    // Mended; a coordinator sends it again.
    receiver
        .failures_left
        .store(0, std::sync::atomic::Ordering::SeqCst);
    let queued = app
        .post(
            &format!("/api/v1/deliveries/{job}/retry"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(queued.status, 200, "{}", queued.body);
    assert_eq!(queued.json()["status"], "queued");
    worker.run_until_idle().await.unwrap();
    after_the_wait(&app, &worker, retry).await;
    let seen = receiver.seen();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(
        seen[3].0, webhook_id,
        "the same webhook-id as every attempt"
    );
    assert_eq!(seen[3].2, 204);
    assert_eq!(failed().await, Vec::<Value>::new());
    let events = app.store.load_case(&case_id).await.unwrap().unwrap().events;
    assert_eq!(notices_delivered(&events), [webhook_id]);
    let state = app
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert!(
        state.order(&order_id).unwrap().delivered_at.is_some(),
        "the delivery started the removal clock"
    );
}
