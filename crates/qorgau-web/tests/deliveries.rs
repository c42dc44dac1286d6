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
    let own = app
        .get_bytes(
            &format!("/api/v1/orders/{order_id}/document"),
            Some("qgk_telegram"),
        )
        .await;
    assert_eq!(own.status, 200);
    assert_eq!(own.header("content-type"), Some("application/pdf"));
    assert!(own.body.starts_with(b"%PDF-"));
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
